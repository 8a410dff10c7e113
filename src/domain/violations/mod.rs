//! 客户违章处理 — resident violations (SOP.md §2 VIO-1..10, seed 000 §"客户违章处理标准作业规程",
//! seed 002 §2.8/§2.15).
//!
//! One record kind, [`Violation`], one event enum [`ViolationsEvent`]. Anyone records (and has
//! persuaded first); a general violation goes to the Supervisor (in person or through a named
//! Assistant), a major one to the Director, with a clock on their 我的待办. Only the Director
//! and the Supervisor decide a handling method (VIO-6); the Director signs every opinion before
//! it takes effect (VIO-5) and alone decides compensation and water/power cuts. A cut needs
//! serious arrears, failed owners'-committee mediation and a written notice served at least
//! 72 hours before the Director signs. Every approved penalty schedules a 违章回访 (VIO-7).
//! Every step carries its business time `at` and the person `by`, like complaints.

pub mod catalogue;
pub mod demo;
#[cfg(test)]
mod tests;

pub use catalogue::{Category, MediationOutcome, Method, Persuasion, Severity, PRINCIPLES};

use super::calendar::{month_key, BusinessCalendar};
use super::callbacks::{schedule as schedule_callback, CallbackKind, CallbackRequest};
use super::command::{required, Actor, DomainError};
use super::complaints::valid_signature;
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{Id, RecordId, StaffId};
use super::patrol::Recipients;
use super::photo::Photo;
use super::retention;
use super::roles::{Action, Role};
use super::sla::{Clock, ClockSpec};
use super::view::{Aggregate, IndexFields};
use serde::{Deserialize, Serialize};

/// VIO-4: a written notice must be served at least this long before a cut takes effect
/// (提前3天书面通知 = 72 hours, counted to the minute).
pub const CUT_NOTICE_MINUTES: i64 = 72 * 60;
/// At most this many photos per step.
pub const MAX_PHOTOS: usize = 12;

/// The clock on the decider's (or the Director's) 我的待办: one calendar day to decide, or to
/// sign. The SOP sets no figure; a day keeps a violation from lying on the list.
pub fn handle_clock() -> ClockSpec {
    ClockSpec::days(1)
}

pub fn violation_ref(id: RecordId) -> RecordRef {
    RecordRef::new(RecordKind::Violation, id)
}

// ----- the record ---------------------------------------------------------------------------

/// What the recorder writes in under a minute.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationInfo {
    pub category: Option<Category>,
    /// Index of the seed's sub-item (a = 0) in the category's list.
    pub item: Option<u8>,
    pub unit: Option<RecordId>,
    pub household: Option<RecordId>,
    /// The unit as shown ("3栋1202"), kept for lists, search and print.
    pub unit_label: String,
    /// 违章人: a name, or a person/vehicle/place when no unit (a plate number, "外来摊贩").
    pub violator: String,
    pub location: String,
    pub facts: String,
    pub photos: Vec<Photo>,
    pub persuaded: Option<Persuasion>,
    pub severity: Option<Severity>,
    /// The patrol finding it came from (VIO-10).
    pub source: Option<RecordRef>,
}

/// A handling opinion (VIO-4, VIO-8 处理依据及办法).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub method: Method,
    /// 处理依据: the rule broken, the facts weighed.
    pub basis: String,
    pub opinion: String,
    /// Rectification: the deadline (UTC ms).
    pub deadline: Option<i64>,
    /// Compensation: the amount in fen, charged through finance (VIO-5).
    pub amount_fen: i64,
}

/// A written notice served on the violator (VIO-4: a cut needs one 3 days before).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub served_by: StaffId,
    pub served_at: i64,
    pub photos: Vec<Photo>,
    pub note: String,
}

/// The recheck of a rectification: on the deadline, on that building's next patrol round when
/// there is one, else a dated item on the decider's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recheck {
    pub due: i64,
    pub round: Option<RecordId>,
    pub assignee: Option<StaffId>,
    pub clock: Box<Clock>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum ViolationsEvent {
    /// Recorded by anyone, routed by severity (VIO-5).
    Recorded {
        info: Box<ViolationInfo>,
        /// The recorder's signature under the facts (path data), may be empty.
        signature: String,
        /// Who decides: the Director (major) or the Supervisor / a named Assistant (general);
        /// none when persuaded on the spot.
        assignee: Option<StaffId>,
        via: Option<StaffId>,
        clock: Option<Box<Clock>>,
        at: i64,
        by: StaffId,
    },
    /// The handling opinion by the Supervisor or the Director, waiting for the Director's
    /// signature (VIO-5, VIO-6).
    Decided {
        decision: Box<Decision>,
        /// The Director's clock to sign.
        clock: Box<Clock>,
        director: Option<StaffId>,
        at: i64,
        by: StaffId,
    },
    /// The Director signed the opinion: it takes effect (VIO-5).
    Approved {
        signature: String,
        recheck: Option<Recheck>,
        /// The 违章回访 scheduled with it (VIO-7).
        callback: Option<RecordId>,
        at: i64,
        by: StaffId,
    },
    /// The Director sent the opinion back to be decided again.
    SentBack {
        note: String,
        clock: Box<Clock>,
        at: i64,
        by: StaffId,
    },
    /// Fee arrears checked with finance (VIO-4: a cut only for serious arrears).
    ArrearsRecorded {
        serious: bool,
        note: String,
        at: i64,
        by: StaffId,
    },
    /// Owners'-committee mediation (VIO-4).
    MediationRecorded {
        outcome: MediationOutcome,
        note: String,
        at: i64,
        by: StaffId,
    },
    /// The owners' committee supports the penalty (VIO-1, VIO-4 public criticism).
    CommitteeSupported { note: String, at: i64, by: StaffId },
    /// A written notice served (VIO-4).
    NoticeServed {
        notice: Box<Notice>,
        at: i64,
        by: StaffId,
    },
    /// The rectification rechecked; a failed recheck goes back to the decider.
    Rechecked {
        passed: bool,
        note: String,
        photos: Vec<Photo>,
        clock: Option<Box<Clock>>,
        at: i64,
        by: StaffId,
    },
    /// 跟进结果 with the Assistant's signature (VIO-8): the record is closed.
    FollowedUp {
        result: String,
        signature: String,
        at: i64,
        by: StaffId,
    },
}

impl ViolationsEvent {
    pub fn label(&self) -> Text {
        use ViolationsEvent::*;
        match self {
            Recorded { .. } => Text::new("登记违章", "Violation recorded"),
            Decided { .. } => Text::new("处理意见", "Handling opinion"),
            Approved { .. } => Text::new("主任审批生效", "Approved by the Director"),
            SentBack { .. } => Text::new("退回重新处理", "Sent back"),
            ArrearsRecorded { .. } => Text::new("欠费情况", "Arrears recorded"),
            MediationRecorded { .. } => Text::new("业委会调解", "Committee mediation"),
            CommitteeSupported { .. } => Text::new("业委会支持", "Committee support"),
            NoticeServed { .. } => Text::new("书面通知送达", "Notice served"),
            Rechecked { .. } => Text::new("整改复查", "Rechecked"),
            FollowedUp { .. } => Text::new("跟进结果", "Followed up"),
        }
    }
    /// Sync field groups: the opinion and its approval are one group each (two tablets
    /// deciding the same record is a conflict for a supervisor); facts only add.
    pub fn field_group(&self) -> &'static str {
        use ViolationsEvent::*;
        match self {
            Decided { .. } | SentBack { .. } => "decision",
            Approved { .. } => "approval",
            FollowedUp { .. } => "follow_up",
            _ => super::event::APPEND,
        }
    }
}

labelled!(
    /// Where a violation stands.
    Status {
        Persuaded => ("已劝止", "Persuaded on the spot", "persuaded"),
        Reported => ("待处理", "Awaiting decision", "reported"),
        Decided => ("待主任审批", "Awaiting the Director", "decided"),
        InEffect => ("执行中", "In effect", "in_effect"),
        Closed => ("已结案", "Closed", "closed"),
    }
);

/// A step's who and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub at: i64,
    pub by: StaffId,
}

/// 客户违章记录 — the folded record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub info: ViolationInfo,
    pub recorded: Option<Stamp>,
    pub signature: String,
    pub status: Option<Status>,
    pub assignee: Option<StaffId>,
    pub via: Option<StaffId>,
    pub clock: Option<Clock>,
    pub decision: Option<Decision>,
    pub decided: Option<Stamp>,
    pub director: Option<StaffId>,
    pub approved: Option<Stamp>,
    pub approval_signature: String,
    pub recheck: Option<Recheck>,
    pub rechecked: Option<(bool, String, Vec<Photo>, Stamp)>,
    pub callback: Option<RecordId>,
    pub sent_back: Vec<(String, Stamp)>,
    pub arrears: Option<(bool, String, Stamp)>,
    pub mediation: Option<(MediationOutcome, String, Stamp)>,
    pub committee: Option<(String, Stamp)>,
    pub notices: Vec<Notice>,
    pub follow_up: Option<(String, String, Stamp)>,
    pub closed_at: Option<i64>,
}

impl Violation {
    pub fn severity(&self) -> Severity {
        self.info.severity.unwrap_or(Severity::General)
    }
    pub fn is_open(&self) -> bool {
        !matches!(self.status, Some(Status::Persuaded | Status::Closed) | None)
    }
    /// Mediation recorded as failed (VIO-4: before a cut or a lawsuit).
    pub fn mediation_failed(&self) -> bool {
        matches!(self.mediation, Some((MediationOutcome::Failed, ..)))
    }
    pub fn serious_arrears(&self) -> bool {
        matches!(self.arrears, Some((true, ..)))
    }
    /// The earliest notice served at or before `at`.
    pub fn notice_before(&self, at: i64) -> Option<&Notice> {
        self.notices
            .iter()
            .filter(|n| n.served_at <= at)
            .min_by_key(|n| n.served_at)
    }
    /// The charge to finance, if an approved compensation (VIO-5).
    pub fn charge_fen(&self) -> Option<i64> {
        match (&self.decision, &self.approved) {
            (Some(d), Some(_)) if d.method == Method::Compensation => Some(d.amount_fen),
            _ => None,
        }
    }
    /// "Kept until" (VIO-9, QUAL-4): from when it was closed (persuaded, or followed up).
    pub fn kept_until(&self) -> Option<i64> {
        let closed = self.closed_at?;
        Some(retention::kept_until(
            retention::Class::for_violation(self.severity()),
            closed,
        ))
    }
}

/// What the violations register shows of a record (issue 19: the list reads this row, never
/// the decision, notices, photos and follow-up; the record opens from its full state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViolationRow {
    pub status: Status,
    pub severity: Severity,
    /// When it was recorded.
    pub at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The unit, or the violator where there is no unit.
    #[serde(default)]
    pub who: String,
    #[serde(default)]
    pub facts: String,
    /// The running clock, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<StaffId>,
}

impl Violation {
    /// The register's row (issue 19).
    pub fn row(&self) -> ViolationRow {
        ViolationRow {
            status: self.status.unwrap_or(Status::Reported),
            severity: self.severity(),
            at: self.recorded.as_ref().map(|r| r.at).unwrap_or_default(),
            category: self.info.category,
            who: if self.info.unit_label.is_empty() {
                self.info.violator.clone()
            } else {
                self.info.unit_label.clone()
            },
            facts: self.info.facts.clone(),
            clock: self.clock.clone().filter(|c| c.is_running()),
            assignee: self.assignee,
        }
    }
}

impl Aggregate for Violation {
    const KIND: RecordKind = RecordKind::Violation;
    fn apply(&mut self, event: &Event) {
        let EventBody::Violations(e) = &event.body else {
            return;
        };
        use ViolationsEvent::*;
        match e {
            Recorded {
                info,
                signature,
                assignee,
                via,
                clock,
                at,
                by,
            } if self.recorded.is_none() => {
                self.info = (**info).clone();
                self.signature = signature.clone();
                self.recorded = Some(Stamp { at: *at, by: *by });
                self.assignee = *assignee;
                self.via = *via;
                self.clock = clock.as_deref().cloned();
                if clock.is_none() {
                    self.status = Some(Status::Persuaded);
                    self.closed_at = Some(*at);
                } else {
                    self.status = Some(Status::Reported);
                }
            }
            Decided {
                decision,
                clock,
                director,
                at,
                by,
            } if self.status == Some(Status::Reported) => {
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
                self.decision = Some((**decision).clone());
                self.decided = Some(Stamp { at: *at, by: *by });
                self.director = *director;
                self.assignee = *director;
                self.clock = Some((**clock).clone());
                self.status = Some(Status::Decided);
            }
            SentBack {
                note,
                clock,
                at,
                by,
            } if self.status == Some(Status::Decided) => {
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
                self.sent_back
                    .push((note.clone(), Stamp { at: *at, by: *by }));
                self.assignee = self.decided.as_ref().map(|s| s.by);
                self.clock = Some((**clock).clone());
                self.status = Some(Status::Reported);
            }
            Approved {
                signature,
                recheck,
                callback,
                at,
                by,
            } if self.status == Some(Status::Decided) => {
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
                self.approved = Some(Stamp { at: *at, by: *by });
                self.approval_signature = signature.clone();
                self.callback = *callback;
                self.recheck = recheck.clone();
                self.rechecked = None;
                self.status = Some(Status::InEffect);
                match recheck {
                    Some(r) => {
                        self.assignee = r.assignee;
                        self.clock = Some((*r.clock).clone());
                    }
                    None => {
                        self.assignee = None;
                        self.clock = None;
                    }
                }
            }
            ArrearsRecorded {
                serious,
                note,
                at,
                by,
            } => self.arrears = Some((*serious, note.clone(), Stamp { at: *at, by: *by })),
            MediationRecorded {
                outcome,
                note,
                at,
                by,
            } => self.mediation = Some((*outcome, note.clone(), Stamp { at: *at, by: *by })),
            CommitteeSupported { note, at, by } => {
                self.committee = Some((note.clone(), Stamp { at: *at, by: *by }))
            }
            NoticeServed { notice, .. } => self.notices.push((**notice).clone()),
            Rechecked {
                passed,
                note,
                photos,
                clock,
                at,
                by,
            } if self.status == Some(Status::InEffect) && self.rechecked.is_none() => {
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
                self.rechecked = Some((
                    *passed,
                    note.clone(),
                    photos.clone(),
                    Stamp { at: *at, by: *by },
                ));
                if *passed {
                    self.assignee = None;
                    self.clock = None;
                } else {
                    // Back to the decider for a new opinion (a stronger method).
                    self.status = Some(Status::Reported);
                    self.assignee = self.decided.as_ref().map(|s| s.by);
                    self.clock = clock.as_deref().cloned();
                    self.approved = None;
                }
            }
            FollowedUp {
                result,
                signature,
                at,
                by,
            } if self.status == Some(Status::InEffect) => {
                self.follow_up = Some((
                    result.clone(),
                    signature.clone(),
                    Stamp { at: *at, by: *by },
                ));
                self.status = Some(Status::Closed);
                self.closed_at = Some(*at);
                self.assignee = None;
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
            }
            _ => {}
        }
    }

    fn index(&self) -> IndexFields {
        let Some(rec) = &self.recorded else {
            return IndexFields::default();
        };
        let status = self.status.unwrap_or(Status::Reported);
        let running = self.clock.as_ref().filter(|c| c.is_running()).cloned();
        let month = month_key(rec.at);
        let mut search = vec![
            list_key(&month, Some(status)),
            severity_key(&month, self.severity()),
            self.info.unit_label.clone(),
            self.info.violator.clone(),
            self.info.location.clone(),
        ];
        if let (Some(_), Some(a)) = (self.charge_fen(), &self.approved) {
            search.push(charge_key(&month_key(a.at)));
        }
        if let Some(k) = self.kept_until() {
            search.push(retention::keep_key(k));
        }
        let what = self
            .info
            .category
            .and_then(|c| c.item_label(self.info.item).or(Some(c.label())))
            .map(|t| t.zh)
            .unwrap_or_default();
        let who = if self.info.unit_label.is_empty() {
            self.info.violator.clone()
        } else {
            self.info.unit_label.clone()
        };
        IndexFields {
            status: Some(status.key().into()),
            due: running.as_ref().map(|c| c.deadline),
            unit: self.info.unit,
            assignee: running.as_ref().and(self.assignee),
            search,
            title: format!("{}：{}", self.severity().label().zh, self.info.facts),
            subtitle: format!("{who} · {what}"),
            clock: self.clock.clone(),
        }
    }

    fn list_row(&self) -> serde_json::Value {
        if self.recorded.is_none() {
            return serde_json::Value::Null;
        }
        serde_json::to_value(self.row()).expect("violation row serialises")
    }
}

/// Search-index key of the violations recorded in a month with a status (`vio|2026-10|reported`);
/// without a status, the month's prefix (`vio|2026-10|`). The register reads by these.
pub fn list_key(month: &str, status: Option<Status>) -> String {
    format!(
        "vio|{month}|{}",
        status.map(|s| s.key()).unwrap_or_default()
    )
}

/// Search-index key by month and severity (`vsev|2026-10|major`).
pub fn severity_key(month: &str, s: Severity) -> String {
    format!("vsev|{month}|{}", s.key())
}

/// Search-index key of the compensations approved in a month (VIO-5 finance list).
pub fn charge_key(month: &str) -> String {
    format!("vfee|{month}")
}

// ----- commands -------------------------------------------------------------------------------

fn draft(id: RecordId, e: ViolationsEvent) -> Draft {
    Draft {
        subject: violation_ref(id),
        body: EventBody::Violations(e),
    }
}

fn photos_ok(photos: &[Photo]) -> Result<(), DomainError> {
    if photos.len() > MAX_PHOTOS {
        return Err(DomainError::invalid(
            "每条最多12张照片",
            "At most 12 photos",
        ));
    }
    Ok(())
}

fn not_found() -> DomainError {
    DomainError::NotFound(Text::new("找不到该违章记录", "Violation not found"))
}

/// Records a violation (VIO-2, VIO-3, VIO-5): anyone may. Persuaded and general → closed on the
/// spot; otherwise routed: major to the Director, general to the Supervisor or through `via`
/// (a named Assistant), with the decision clock on their list.
#[allow(clippy::too_many_arguments)]
pub fn record(
    actor: &Actor,
    id: RecordId,
    info: &ViolationInfo,
    via: Option<StaffId>,
    to: &Recipients,
    signature: &str,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RecordViolation)?;
    let Some(category) = info.category else {
        return Err(DomainError::invalid(
            "请选择违章类型",
            "Choose the type of violation",
        ));
    };
    if let Some(i) = info.item {
        if i as usize >= category.items().len() {
            return Err(DomainError::invalid(
                "违章细项不在该类型中",
                "No such item in that type",
            ));
        }
    }
    let Some(severity) = info.severity else {
        return Err(DomainError::invalid(
            "请选择一般或重大违章",
            "Choose general or major",
        ));
    };
    let Some(persuaded) = info.persuaded else {
        return Err(DomainError::invalid(
            "请先劝导，并选择“已劝止”或“置之不理”",
            "Persuade first, then choose stopped or ignored",
        ));
    };
    if info.unit.is_none() && info.violator.trim().is_empty() {
        return Err(DomainError::invalid(
            "请选择房号，或填写违章人（人员、车辆或地点）",
            "Choose the unit, or name the violator (person, vehicle or place)",
        ));
    }
    if info.facts.trim().is_empty() && info.photos.is_empty() {
        return Err(DomainError::invalid(
            "请填写违章事实或拍照",
            "Describe the facts or take a photo",
        ));
    }
    photos_ok(&info.photos)?;
    if !signature.is_empty() && !valid_signature(signature) {
        return Err(DomainError::invalid("签名无效", "Invalid signature"));
    }
    let mut info = info.clone();
    info.facts = info.facts.trim().into();
    info.violator = info.violator.trim().into();
    info.location = info.location.trim().into();
    let on_the_spot = persuaded == Persuasion::Stopped && severity == Severity::General;
    let (assignee, via, clock) = if on_the_spot {
        (None, None, None)
    } else {
        let (who, via) = match severity {
            Severity::Major => (to.director, None),
            Severity::General => (via.or(to.supervisor), via),
        };
        let name = Text::new("违章处理时限", "Decide the violation by");
        (
            who,
            via,
            Some(Box::new(handle_clock().start(name, now, cal))),
        )
    };
    Ok(vec![draft(
        id,
        ViolationsEvent::Recorded {
            info: Box::new(info),
            signature: signature.into(),
            assignee,
            via,
            clock,
            at: now,
            by: actor.id,
        },
    )])
}

/// The handling opinion (VIO-4, VIO-6). Only the Director and the Supervisor; a major
/// violation, a compensation or a cut only the Director. The gates of VIO-4 are checked here:
/// a cut needs serious arrears and failed mediation, a lawsuit failed mediation, public
/// criticism the committee's support, a rectification a deadline after now, a compensation
/// an amount.
pub fn decide(
    actor: &Actor,
    id: RecordId,
    v: &Violation,
    decision: &Decision,
    director: Option<StaffId>,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::DecideViolation)?;
    if decision.method.director_only() || v.severity() == Severity::Major {
        actor.may(Action::ApproveViolation)?;
    }
    if v.recorded.is_none() {
        return Err(not_found());
    }
    if v.status != Some(Status::Reported) {
        return Err(DomainError::invalid(
            "该违章现在不需要处理意见",
            "This violation does not need an opinion now",
        ));
    }
    let basis = required(&decision.basis, Text::new("处理依据", "the basis"))?;
    let opinion = required(
        &decision.opinion,
        Text::new("处理办法", "the handling opinion"),
    )?;
    let mut d = Decision {
        basis,
        opinion,
        deadline: None,
        amount_fen: 0,
        method: decision.method,
    };
    match decision.method {
        Method::Rectification => match decision.deadline {
            Some(t) if t > now => d.deadline = Some(t),
            _ => {
                return Err(DomainError::invalid(
                    "限期整改须定一个今后的整改期限",
                    "Rectification needs a deadline in the future",
                ))
            }
        },
        Method::Compensation => {
            if decision.amount_fen <= 0 {
                return Err(DomainError::invalid("请填写赔偿金额", "Enter the amount"));
            }
            d.amount_fen = decision.amount_fen;
        }
        Method::WaterPowerCut => {
            if !v.serious_arrears() {
                return Err(DomainError::invalid(
                    "停水停电只适用于严重拖欠或拒交管理服务费用：请先记录欠费情况",
                    "A cut is only for serious fee arrears: record the arrears first",
                ));
            }
            if !v.mediation_failed() {
                return Err(DomainError::invalid(
                    "停水停电须先经业主委员会调解无效",
                    "A cut needs the owners' committee's mediation to have failed first",
                ));
            }
        }
        Method::Lawsuit => {
            if !v.mediation_failed() {
                return Err(DomainError::invalid(
                    "提起诉讼须先经业主委员会调解无效",
                    "A lawsuit needs the owners' committee's mediation to have failed first",
                ));
            }
        }
        Method::PublicCriticism => {
            if v.committee.is_none() {
                return Err(DomainError::invalid(
                    "通报批评须先取得业主委员会支持",
                    "Public criticism needs the owners' committee's support first",
                ));
            }
        }
        Method::Persuasion => {}
    }
    let clock = handle_clock().start(Text::new("主任审批时限", "Director to sign by"), now, cal);
    let mut out = vec![draft(
        id,
        ViolationsEvent::Decided {
            decision: Box::new(d),
            clock: Box::new(clock),
            director,
            at: now,
            by: actor.id,
        },
    )];
    // VIO-10: the patrol finding it came from counts as reported (its 24-hour clock stops).
    if let Some(src) = v
        .info
        .source
        .filter(|s| s.kind == RecordKind::PatrolFinding)
    {
        out.push(super::patrol::finding_reported(
            src.id,
            now,
            violation_ref(id),
        ));
    }
    Ok(out)
}

/// The Director sends an opinion back to be decided again.
pub fn send_back(
    actor: &Actor,
    id: RecordId,
    v: &Violation,
    note: &str,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ApproveViolation)?;
    if v.status != Some(Status::Decided) {
        return Err(DomainError::invalid(
            "没有待审批的处理意见",
            "No opinion awaits approval",
        ));
    }
    let note = required(note, Text::new("退回原因", "why it is sent back"))?;
    let clock = handle_clock().start(
        Text::new("违章处理时限", "Decide the violation by"),
        now,
        cal,
    );
    Ok(vec![draft(
        id,
        ViolationsEvent::SentBack {
            note,
            clock: Box::new(clock),
            at: now,
            by: actor.id,
        },
    )])
}

/// Where the recheck of a rectification goes: the first patrol round of the violation's
/// building starting on or after the deadline (found by the caller), and the person who
/// rechecks if there is none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecheckPlan {
    pub round: Option<RecordId>,
    pub assignee: Option<StaffId>,
}

/// The Director signs the opinion: it takes effect (VIO-5). A cut needs a written notice
/// served at least [`CUT_NOTICE_MINUTES`] before (VIO-4). A rectification schedules its recheck
/// on the deadline; every penalty schedules a 违章回访 (VIO-7) through the callbacks.
#[allow(clippy::too_many_arguments)]
pub fn approve(
    actor: &Actor,
    id: RecordId,
    v: &Violation,
    signature: &str,
    plan: &RecheckPlan,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ApproveViolation)?;
    let Some(d) = &v.decision else {
        return Err(DomainError::invalid(
            "没有待审批的处理意见",
            "No opinion awaits approval",
        ));
    };
    if v.status != Some(Status::Decided) {
        return Err(DomainError::invalid(
            "没有待审批的处理意见",
            "No opinion awaits approval",
        ));
    }
    if !valid_signature(signature) {
        return Err(DomainError::invalid(
            "请物业部主任在审批意见处签名",
            "The Director signs the approval",
        ));
    }
    if d.method == Method::WaterPowerCut {
        let old_enough = v
            .notice_before(now)
            .is_some_and(|n| now - n.served_at >= CUT_NOTICE_MINUTES * 60_000);
        if !old_enough {
            return Err(DomainError::invalid(
                "停水停电须提前3天（72小时）书面通知客户：通知送达未满3天",
                "A cut needs a written notice served at least 3 days (72 h) earlier",
            ));
        }
        if !v.serious_arrears() || !v.mediation_failed() {
            return Err(DomainError::invalid(
                "停水停电须严重欠费且业主委员会调解无效",
                "A cut needs serious arrears and failed mediation",
            ));
        }
    }
    let decider = v.decided.as_ref().map(|s| s.by);
    let recheck = match (d.method, d.deadline) {
        (Method::Rectification, Some(deadline)) => {
            let minutes = ((deadline - now) / 60_000).max(1);
            let clock = ClockSpec::elapsed_minutes(minutes).start(
                Text::new("整改到期复查", "Recheck on the deadline"),
                now,
                cal,
            );
            Some(Recheck {
                due: deadline,
                round: plan.round,
                assignee: plan.assignee.or(v.via).or(decider),
                clock: Box::new(clock),
            })
        }
        _ => None,
    };
    let mut out = Vec::new();
    let callback = if d.method.is_penalty() {
        let n = v.sent_back.len() as u64 + v.rechecked.iter().count() as u64;
        let cb = Id::derived(&format!("violation-callback:{id}"), n);
        let req = CallbackRequest {
            kind: CallbackKind::Violation,
            source: Some(violation_ref(id)),
            household: v.info.household,
            unit: v.info.unit,
            place: if v.info.unit_label.is_empty() {
                v.info.location.clone()
            } else {
                v.info.unit_label.clone()
            },
            contact: v.info.violator.clone(),
            topic: format!("{}后回访，缓和关系", d.method.label().zh),
            role: Role::Assistant,
            assignee: v.via.or(decider),
            previous: None,
        };
        out.extend(schedule_callback(actor, cb, &req, now, cal)?);
        Some(cb)
    } else {
        None
    };
    out.insert(
        0,
        draft(
            id,
            ViolationsEvent::Approved {
                signature: signature.into(),
                recheck,
                callback,
                at: now,
                by: actor.id,
            },
        ),
    );
    Ok(out)
}

/// Arrears checked with finance (VIO-4).
pub fn record_arrears(
    actor: &Actor,
    id: RecordId,
    v: &Violation,
    serious: bool,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::DecideViolation)?;
    open_check(v)?;
    let note = required(note, Text::new("欠费情况", "the arrears"))?;
    Ok(vec![draft(
        id,
        ViolationsEvent::ArrearsRecorded {
            serious,
            note,
            at: now,
            by: actor.id,
        },
    )])
}

/// Owners'-committee mediation and its outcome (VIO-4).
pub fn record_mediation(
    actor: &Actor,
    id: RecordId,
    v: &Violation,
    outcome: MediationOutcome,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::DecideViolation)?;
    open_check(v)?;
    let note = required(note, Text::new("调解情况", "the mediation"))?;
    Ok(vec![draft(
        id,
        ViolationsEvent::MediationRecorded {
            outcome,
            note,
            at: now,
            by: actor.id,
        },
    )])
}

/// The owners' committee's support (VIO-1, VIO-4).
pub fn record_committee_support(
    actor: &Actor,
    id: RecordId,
    v: &Violation,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::DecideViolation)?;
    open_check(v)?;
    let note = required(note, Text::new("业委会意见", "the committee's support"))?;
    Ok(vec![draft(
        id,
        ViolationsEvent::CommitteeSupported {
            note,
            at: now,
            by: actor.id,
        },
    )])
}

/// A written notice served: who, when (not in the future), the photo of the notice (VIO-4).
#[allow(clippy::too_many_arguments)]
pub fn serve_notice(
    actor: &Actor,
    id: RecordId,
    v: &Violation,
    served_by: StaffId,
    served_at: i64,
    photos: &[Photo],
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::FollowUpViolation)?;
    open_check(v)?;
    if served_at > now {
        return Err(DomainError::invalid(
            "送达时间不能晚于现在",
            "The notice cannot be served in the future",
        ));
    }
    if photos.is_empty() {
        return Err(DomainError::invalid(
            "请拍下送达的书面通知",
            "Take a photo of the notice served",
        ));
    }
    photos_ok(photos)?;
    Ok(vec![draft(
        id,
        ViolationsEvent::NoticeServed {
            notice: Box::new(Notice {
                served_by,
                served_at,
                photos: photos.to_vec(),
                note: note.trim().into(),
            }),
            at: now,
            by: actor.id,
        },
    )])
}

fn open_check(v: &Violation) -> Result<(), DomainError> {
    if v.recorded.is_none() {
        return Err(not_found());
    }
    if !v.is_open() {
        return Err(DomainError::invalid(
            "该违章已结案",
            "This violation is closed",
        ));
    }
    Ok(())
}

/// The recheck of a rectification (on the deadline or the patrol round). A failed recheck
/// goes back to the decider with a new decision clock.
#[allow(clippy::too_many_arguments)]
pub fn recheck(
    actor: &Actor,
    id: RecordId,
    v: &Violation,
    passed: bool,
    note: &str,
    photos: &[Photo],
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::FollowUpViolation)?;
    if v.status != Some(Status::InEffect) || v.recheck.is_none() || v.rechecked.is_some() {
        return Err(DomainError::invalid(
            "没有待复查的整改",
            "No rectification to recheck",
        ));
    }
    let note = required(note, Text::new("复查情况", "the recheck"))?;
    photos_ok(photos)?;
    let clock = (!passed).then(|| {
        Box::new(handle_clock().start(
            Text::new("违章处理时限", "Decide the violation by"),
            now,
            cal,
        ))
    });
    Ok(vec![draft(
        id,
        ViolationsEvent::Rechecked {
            passed,
            note,
            photos: photos.to_vec(),
            clock,
            at: now,
            by: actor.id,
        },
    )])
}

/// 跟进结果 with the signature of whoever followed up (VIO-8): closes the record. A
/// rectification is followed up only after a passed recheck.
pub fn follow_up(
    actor: &Actor,
    id: RecordId,
    v: &Violation,
    result: &str,
    signature: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::FollowUpViolation)?;
    if v.status != Some(Status::InEffect) {
        return Err(DomainError::invalid(
            "处理意见经主任签署生效后才能跟进",
            "Follow up only after the Director signed the opinion",
        ));
    }
    if v.recheck.is_some() && !matches!(v.rechecked, Some((true, ..))) {
        return Err(DomainError::invalid(
            "请先复查整改情况",
            "Recheck the rectification first",
        ));
    }
    let result = required(result, Text::new("跟进结果", "the follow-up result"))?;
    if !valid_signature(signature) {
        return Err(DomainError::invalid("请管理员签名", "Sign the follow-up"));
    }
    Ok(vec![draft(
        id,
        ViolationsEvent::FollowedUp {
            result,
            signature: signature.into(),
            at: now,
            by: actor.id,
        },
    )])
}

/// A patrol finding of VIO-10 as a violation record: a decoration breach (general, ignored: it
/// goes to the Supervisor) or a littering/parking/hawking/fire-lane note (persuaded or not).
/// Called by `patrol::raise_finding` in the same batch; the walker is the recorder.
#[allow(clippy::too_many_arguments)]
pub fn from_patrol(
    actor: &Actor,
    id: RecordId,
    finding: RecordId,
    category: Category,
    item: Option<u8>,
    unit: Option<RecordId>,
    household: Option<RecordId>,
    location: &str,
    facts: &str,
    photos: &[Photo],
    persuaded: bool,
    to: &Recipients,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    let info = ViolationInfo {
        category: Some(category),
        item,
        unit,
        household,
        unit_label: String::new(),
        violator: if unit.is_none() {
            location.into()
        } else {
            String::new()
        },
        location: location.into(),
        facts: facts.into(),
        photos: photos.to_vec(),
        persuaded: Some(if persuaded {
            Persuasion::Stopped
        } else {
            Persuasion::Ignored
        }),
        severity: Some(Severity::General),
        source: Some(RecordRef::new(RecordKind::PatrolFinding, finding)),
    };
    record(actor, id, &info, None, to, "", now, cal)
}

// ----- finance (VIO-5) -------------------------------------------------------------------------

/// One line of the month's charges to finance (原件报财务部统一扣款).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub id: RecordId,
    pub approved_at: i64,
    pub unit: String,
    pub violator: String,
    pub facts: String,
    pub amount_fen: i64,
}

/// The charges of a month from the views read by [`charge_key`].
pub fn charges(views: &[super::view::View]) -> Vec<Charge> {
    let mut out: Vec<Charge> = views
        .iter()
        .filter_map(|view| {
            let v: Violation = view.state()?;
            let amount_fen = v.charge_fen()?;
            Some(Charge {
                id: view.id,
                approved_at: v.approved.as_ref()?.at,
                unit: v.info.unit_label.clone(),
                violator: v.info.violator.clone(),
                facts: v.info.facts.clone(),
                amount_fen,
            })
        })
        .collect();
    out.sort_by_key(|c| (c.approved_at, c.id));
    out
}

/// "1234.50" from fen.
pub fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

/// The finance list as CSV rows (for `sync::csv::to_csv`).
pub fn charges_csv(
    list: &[Charge],
    cal: &BusinessCalendar,
) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let headers = vec![
        "编号 NO",
        "审批日期 Approved",
        "房号 Unit",
        "违章人 Violator",
        "违章事实 Facts",
        "金额(元) Amount",
    ];
    let rows = list
        .iter()
        .map(|c| {
            vec![
                c.id.short(),
                cal.local_date(c.approved_at).to_string(),
                c.unit.clone(),
                c.violator.clone(),
                c.facts.clone(),
                yuan(c.amount_fen),
            ]
        })
        .collect();
    (headers, rows)
}

/// VIO-4: the round a rectification is rechecked on — the first round of `building` whose
/// window opens at or after the deadline (the caller reads the rounds of the days from the
/// deadline on by their `day|` keys).
pub fn recheck_round(
    building: RecordId,
    deadline: i64,
    rounds: &[(RecordId, super::patrol::PatrolRound)],
) -> Option<RecordId> {
    rounds
        .iter()
        .filter_map(|(id, r)| r.plan.as_ref().map(|p| (id, p)))
        .filter(|(_, p)| {
            p.start >= deadline && p.stops.iter().any(|s| s.building == Some(building))
        })
        .min_by_key(|(id, p)| (p.start, **id))
        .map(|(id, _)| *id)
}
