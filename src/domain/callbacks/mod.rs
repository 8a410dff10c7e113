//! 回访 — callbacks (SOP §4 CB-1..7), one module every other one calls: complaints (CMP-10),
//! repairs (REP-9), paid services, move-in, violations and emergencies (EMG-3) schedule a
//! callback through [`schedule`] with a [`CallbackRequest`]; the due time and target rate of
//! each kind (CB-1) live here, as do planning, recording, the unreached case (CB-6), the
//! supervisor's review (CB-3), open letters (CB-5) and the monthly phone round (CB-7).
//!
//! The events stay variants of [`ComplaintsEvent`] (`callback_scheduled`, …) as they were first
//! written: an event is forever, so the bytes do not move with the code.

use super::calendar::BusinessCalendar;
use super::command::{required, Actor, DomainError};
use super::complaints::{month_of, valid_signature, ComplaintsEvent, Rating, SignOff};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{RecordId, StaffId};
use super::roles::{Action, Role};
use super::sla::{Clock, ClockSpec};
use super::view::{newest_first, Aggregate, IndexFields};
use serde::{Deserialize, Serialize};

fn draft(kind: RecordKind, id: RecordId, e: ComplaintsEvent) -> Draft {
    Draft {
        subject: RecordRef::new(kind, id),
        body: EventBody::Complaints(e),
    }
}

fn wrong_state(zh: &str, en: &str) -> DomainError {
    DomainError::invalid(zh, en)
}

labelled!(
    /// What a callback follows up (CB-1): each kind has its own due time and target rate.
    CallbackKind {
        Complaint => ("投诉回访", "Complaint", "complaint"),
        Repair => ("维修回访", "Repair", "repair"),
        Event => ("社区活动回访", "Community event", "event"),
        MoveIn => ("入伙回访", "Move-in", "move_in"),
        Emergency => ("突发事件回访", "Emergency", "emergency"),
        Regular => ("例行电话回访", "Monthly phone round", "regular"),
        Letter => ("公开信", "Open letter", "letter"),
        // VIO-7: after a penalty, a visit to restore the relationship (issue 14).
        Violation => ("违章回访", "Violation follow-up", "violation"),
    }
);

impl CallbackKind {
    /// CB-1 due time after completion.
    pub fn due(self) -> ClockSpec {
        match self {
            CallbackKind::Complaint => ClockSpec::days(3),
            CallbackKind::Repair | CallbackKind::Event => ClockSpec::months(1),
            CallbackKind::MoveIn | CallbackKind::Emergency | CallbackKind::Violation => {
                ClockSpec::days(7)
            }
            // CB-7: a month to phone every household once.
            CallbackKind::Regular => ClockSpec::months(1),
            CallbackKind::Letter => ClockSpec::days(0),
        }
    }
    /// CB-1 target callback rate in percent, where the SOP sets one.
    pub fn target_percent(self) -> Option<u32> {
        match self {
            CallbackKind::Complaint => Some(50),
            CallbackKind::Repair => Some(30),
            CallbackKind::Event => Some(10),
            _ => None,
        }
    }
}

/// CB-4: a problem raised in a callback that could not be answered on the spot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProblem {
    pub text: String,
    pub promised_reply: i64,
}

/// What a callback is about, when it is scheduled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallbackSpec {
    pub kind: CallbackKind,
    pub source: Option<RecordRef>,
    pub household: Option<RecordId>,
    pub unit: Option<RecordId>,
    pub place: String,
    pub contact: String,
    pub topic: String,
    /// CMP-10 routing: the role that calls back.
    pub role: Role,
    pub assignee: Option<StaffId>,
    pub clock: Clock,
    /// CB-4: the callback this one follows up.
    pub previous: Option<RecordId>,
}

/// The callback queue's tabs, each one run of search keys in the tab's own order (issue 19: a
/// page is its first keys, never five years of callbacks read and sorted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueuePage {
    /// 待回访 (CB-1): the due callbacks, earliest deadline first.
    Due,
    /// 待审阅 (CB-3): done and waiting for the supervisor's review, newest first.
    Review,
    /// CB-6: problems raised in a callback still without their follow-up, newest first.
    Problems,
    /// 全部: every callback, newest first.
    All,
}

impl QueuePage {
    fn family(self) -> &'static str {
        match self {
            QueuePage::Due => DUE,
            QueuePage::Review => "cbr|",
            QueuePage::Problems => "cbprob|open|",
            QueuePage::All => "cba|",
        }
    }

    /// The `Filter::Range` whose first keys are this tab's first rows.
    pub fn range(self) -> (String, String) {
        crate::domain::view::family_range(self.family())
    }
}

/// Search-index key of the callbacks scheduled in a month (CB-1 rates, the monthly report).
pub fn callback_month_key(month: &str) -> String {
    format!("cbm|{month}")
}

/// Search-index key of a callback still due, by its deadline (CB-1's due dates): the keys sort
/// by time, so the overdue ones are one range ([`overdue_range`]) — counted from the index and
/// read earliest first, never every due callback of five years (issue 19).
pub fn due_key(deadline: i64) -> String {
    crate::domain::view::time_key(DUE, deadline)
}

const DUE: &str = "cbdue|";

/// The `Filter::Range` of the callbacks overdue at `now` (a clock is overdue from its deadline
/// on, `Clock::state`): every [`due_key`] up to `now`'s.
pub fn overdue_range(now: i64) -> (String, String) {
    crate::domain::view::due_by(DUE, now)
}
// ----- the callback ------------------------------------------------------------------------------

labelled!(
    /// Where a callback stands.
    CallbackStatus {
        Due => ("待回访", "Due", "due"),
        Done => ("已回访待审阅", "Done, to review", "done"),
        Reviewed => ("已审阅", "Reviewed", "reviewed"),
        Filed => ("公开信已归档", "Letter filed", "filed"),
        Unreached => ("未能联系", "Not reached", "unreached"),
    }
);

/// 回访 — folded state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Callback {
    pub status: CallbackStatus,
    pub scheduled: i64,
    pub spec: Option<CallbackSpec>,
    pub planned_for: Option<i64>,
    pub done: Option<i64>,
    pub by: Option<StaffId>,
    pub signoff: Option<SignOff>,
    pub rating: Option<Rating>,
    pub comment: String,
    pub new_problem: Option<NewProblem>,
    pub follow_up: Option<RecordId>,
    pub review: Option<(i64, StaffId, String)>,
    /// CB-5 open letter.
    pub letter: Option<(String, String, Vec<String>)>,
}

impl Default for Callback {
    fn default() -> Self {
        Callback {
            status: CallbackStatus::Due,
            scheduled: 0,
            spec: None,
            planned_for: None,
            done: None,
            by: None,
            signoff: None,
            rating: None,
            comment: String::new(),
            new_problem: None,
            follow_up: None,
            review: None,
            letter: None,
        }
    }
}

impl Callback {
    pub fn kind(&self) -> CallbackKind {
        self.spec
            .as_ref()
            .map(|s| s.kind)
            .unwrap_or(CallbackKind::Letter)
    }
}

/// What the callback queue shows of a callback (issue 19: the queue reads this row, never the
/// sign-off, comment and review; the callback opens from its full state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallbackRow {
    pub status: CallbackStatus,
    pub kind: CallbackKind,
    /// "place contact", or an open letter's "topic · households".
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<StaffId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
    /// The queue's sort key: the deadline, or when it was scheduled.
    pub due: i64,
}

impl Callback {
    /// The keys by which this callback appears in the queue's tabs ([`QueuePage`]).
    fn queue_keys(&self) -> Vec<String> {
        let newest = |p: QueuePage| format!("{}{}", p.family(), newest_first(self.due()));
        // 待回访's keys are the due keys ([`due_key`]), written beside these.
        let mut keys = vec![newest(QueuePage::All)];
        if self.status == CallbackStatus::Done {
            keys.push(newest(QueuePage::Review));
        }
        // CB-6: a problem raised in a callback stays listed until its follow-up is made.
        let problem = self.spec.as_ref().is_some_and(|s| s.previous.is_some());
        if problem && matches!(self.status, CallbackStatus::Due | CallbackStatus::Unreached) {
            keys.push(newest(QueuePage::Problems));
        }
        keys
    }

    /// The queue's row (issue 19).
    pub fn row(&self) -> CallbackRow {
        let spec = self.spec.as_ref();
        CallbackRow {
            status: self.status,
            kind: self.kind(),
            title: match (&self.letter, spec) {
                (Some((topic, _, hh)), _) => format!("{topic} · {}", hh.len()),
                (_, Some(s)) => format!("{} {}", s.place, s.contact),
                _ => String::new(),
            },
            topic: spec.map(|s| s.topic.clone()).unwrap_or_default(),
            role: spec.map(|s| s.role),
            assignee: spec.and_then(|s| s.assignee),
            clock: spec.map(|s| s.clock.clone()),
            due: self.due(),
        }
    }

    /// The queue's sort key: the deadline, or when it was scheduled.
    fn due(&self) -> i64 {
        self.spec
            .as_ref()
            .map_or(self.scheduled, |s| s.clock.deadline)
    }
}

impl Aggregate for Callback {
    const KIND: RecordKind = RecordKind::Callback;
    fn apply(&mut self, event: &Event) {
        let EventBody::Complaints(e) = &event.body else {
            return;
        };
        use ComplaintsEvent as E;
        match e {
            E::CallbackScheduled { at, spec, .. } => {
                self.scheduled = *at;
                self.spec = Some((**spec).clone());
            }
            E::CallbackPlanned {
                assignee,
                planned_for,
                ..
            } => {
                if let Some(s) = &mut self.spec {
                    s.assignee = Some(*assignee);
                }
                self.planned_for = Some(*planned_for);
            }
            E::CallbackRecorded {
                at,
                by,
                signoff,
                rating,
                comment,
                new_problem,
                follow_up,
            } => {
                if self.done.is_none() {
                    self.done = Some(*at);
                    self.by = Some(*by);
                    self.signoff = Some(signoff.clone());
                    self.rating = Some(*rating);
                    self.comment = comment.clone();
                    self.new_problem = new_problem.clone();
                    self.follow_up = *follow_up;
                    if let Some(s) = &mut self.spec {
                        s.clock.stop(*at);
                    }
                }
                if self.status == CallbackStatus::Due {
                    self.status = CallbackStatus::Done;
                }
            }
            E::CallbackUnreached { at, by, note } if self.status == CallbackStatus::Due => {
                self.status = CallbackStatus::Unreached;
                self.by = Some(*by);
                self.comment = note.clone();
                if let Some(s) = &mut self.spec {
                    s.clock.stop(*at);
                }
            }
            E::CallbackReviewed { at, by, comment } => {
                self.review = Some((*at, *by, comment.clone()));
                self.status = CallbackStatus::Reviewed;
            }
            E::OpenLetterFiled {
                at,
                by,
                topic,
                letter,
                households,
            } => {
                self.scheduled = *at;
                self.done = Some(*at);
                self.by = Some(*by);
                self.letter = Some((topic.clone(), letter.clone(), households.clone()));
                self.status = CallbackStatus::Filed;
            }
            _ => {}
        }
    }

    fn index(&self) -> IndexFields {
        let spec = self.spec.as_ref();
        let clock = spec
            .map(|s| s.clock.clone())
            .filter(|_| self.status == CallbackStatus::Due);
        IndexFields {
            status: Some(self.status.key().into()),
            due: spec.map(|s| s.clock.deadline),
            unit: spec.and_then(|s| s.unit),
            assignee: if self.status == CallbackStatus::Due {
                spec.and_then(|s| s.assignee)
            } else {
                None
            },
            search: spec
                .map(|s| vec![s.place.clone(), s.contact.clone()])
                .unwrap_or_default()
                .into_iter()
                .chain([callback_month_key(&month_of(self.scheduled))])
                .chain(clock.as_ref().map(|k| due_key(k.deadline)))
                .chain(self.queue_keys())
                .collect(),
            title: match (&self.letter, spec) {
                (Some((topic, _, _)), _) => format!("公开信 · {topic}"),
                (_, Some(s)) => format!("{} · {}", s.kind.label().zh, s.place),
                _ => String::new(),
            },
            subtitle: spec.map(|s| s.topic.clone()).unwrap_or_default(),
            clock,
        }
    }

    fn list_row(&self) -> serde_json::Value {
        serde_json::to_value(self.row()).expect("callback row serialises")
    }
}

// ----- commands: callbacks -------------------------------------------------------------------------

/// What another module asks for when it schedules a callback (repairs, events, emergencies
/// EMG-3 …): the rates per kind (CB-1) are then counted here.
#[derive(Clone, Debug, PartialEq)]
pub struct CallbackRequest {
    pub kind: CallbackKind,
    pub source: Option<RecordRef>,
    pub household: Option<RecordId>,
    pub unit: Option<RecordId>,
    pub place: String,
    pub contact: String,
    pub topic: String,
    pub role: Role,
    pub assignee: Option<StaffId>,
    pub previous: Option<RecordId>,
}

/// Schedules a callback of any kind for a household, due by the kind's rule (CB-1) from `now`
/// (the completion). Part of completing work, so any signed-in staff member may cause it.
pub fn schedule(
    actor: &Actor,
    id: RecordId,
    req: &CallbackRequest,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    if req.kind == CallbackKind::Letter {
        return Err(DomainError::invalid(
            "公开信请用“公开信”归档",
            "File an open letter with Open letter",
        ));
    }
    let clock = req
        .kind
        .due()
        .start(Text::new("回访时限", "Call back by"), now, cal);
    schedule_due(actor, id, req, clock, now)
}

fn schedule_due(
    actor: &Actor,
    id: RecordId,
    req: &CallbackRequest,
    clock: Clock,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    Ok(vec![draft(
        RecordKind::Callback,
        id,
        ComplaintsEvent::CallbackScheduled {
            at: now,
            by: actor.id,
            spec: Box::new(CallbackSpec {
                kind: req.kind,
                source: req.source,
                household: req.household,
                unit: req.unit,
                place: req.place.trim().into(),
                contact: req.contact.trim().into(),
                topic: req.topic.trim().into(),
                role: req.role,
                assignee: req.assignee,
                clock,
                previous: req.previous,
            }),
        },
    )])
}

/// A household for the CB-7 monthly phone round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundHousehold {
    pub household: RecordId,
    pub unit: RecordId,
    pub place: String,
    pub contact: String,
}

/// CB-7: every household phoned at least monthly — schedules a 例行电话回访 for each household
/// that has no callback of any kind scheduled since `month_start`, assigned to the assistants in
/// turn. Running it twice in a month adds nothing.
pub fn monthly_round(
    actor: &Actor,
    households: &[RoundHousehold],
    callbacks_this_month: &[Callback],
    assistants: &[StaffId],
    ids: &mut dyn crate::domain::ids::Entropy,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::PlanCallbacks)?;
    let covered: std::collections::BTreeSet<RecordId> = callbacks_this_month
        .iter()
        .filter_map(|c| c.spec.as_ref().and_then(|s| s.household))
        .collect();
    let mut out = Vec::new();
    for (n, h) in households
        .iter()
        .filter(|h| !covered.contains(&h.household))
        .enumerate()
    {
        let req = CallbackRequest {
            kind: CallbackKind::Regular,
            source: None,
            household: Some(h.household),
            unit: Some(h.unit),
            place: h.place.clone(),
            contact: h.contact.clone(),
            topic: "例行电话回访：了解意见和建议".into(),
            role: Role::Assistant,
            assignee: (!assistants.is_empty()).then(|| assistants[n % assistants.len()]),
            previous: None,
        };
        out.extend(schedule(actor, ids.id(), &req, now, cal)?);
    }
    Ok(out)
}

/// CB-1: the supervisor plans who calls back and when.
pub fn plan(
    actor: &Actor,
    id: RecordId,
    cb: &Callback,
    assignee: StaffId,
    planned_for: i64,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::PlanCallbacks)?;
    if cb.status != CallbackStatus::Due {
        return Err(wrong_state("此回访已完成", "This callback is already done"));
    }
    Ok(vec![draft(
        RecordKind::Callback,
        id,
        ComplaintsEvent::CallbackPlanned {
            at: now,
            by: actor.id,
            assignee,
            planned_for,
        },
    )])
}

/// Ranks for CMP-10 routing: the director may do the supervisor's callbacks, who may do an
/// assistant's.
fn rank(r: Role) -> u8 {
    match r {
        Role::Director => 3,
        Role::Supervisor => 2,
        Role::Assistant => 1,
        _ => 0,
    }
}

/// What the caller noted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackOutcome {
    pub signoff: SignOff,
    pub rating: Option<Rating>,
    pub comment: String,
    pub new_problem: Option<NewProblem>,
}

/// CB-2/4, CMP-10: records a callback. Phone callbacks are marked 电话回访, on-site ones carry
/// the customer's signature. A new problem gets a promised reply time and a further callback
/// due then (CB-4). On a complaint: satisfied closes it, unsatisfied reopens it.
#[allow(clippy::too_many_arguments)]
pub fn record(
    actor: &Actor,
    id: RecordId,
    cb: &Callback,
    outcome: &CallbackOutcome,
    follow_up_id: RecordId,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RecordCallback)?;
    let Some(spec) = &cb.spec else {
        return Err(DomainError::NotFound(Text::new(
            "找不到此回访",
            "Callback not found",
        )));
    };
    let best = actor.roles.iter().map(|r| rank(*r)).max().unwrap_or(0);
    if best < rank(spec.role) {
        return Err(DomainError::Invalid(Text::new(
            format!(
                "此回访须由{}或以上负责（投诉级别决定回访人）",
                spec.role.label().zh
            ),
            format!(
                "This callback is for a {} or above (the complaint's class decides who calls back)",
                spec.role.label().en
            ),
        )));
    }
    if cb.status != CallbackStatus::Due {
        return Err(wrong_state(
            "此回访已记录",
            "This callback is already recorded",
        ));
    }
    match &outcome.signoff {
        SignOff::Drawn { path } if !valid_signature(path) => {
            return Err(DomainError::invalid(
                "上门回访须有客户签名",
                "An on-site callback needs the customer's signature",
            ))
        }
        SignOff::WrittenReply { .. } => {
            return Err(DomainError::invalid(
                "请选择电话回访或上门回访",
                "Choose phone or on-site",
            ))
        }
        // CB-7: a door visit of the regular contact is made only by appointment (planned).
        SignOff::Drawn { .. } if spec.kind == CallbackKind::Regular && cb.planned_for.is_none() => {
            return Err(DomainError::invalid(
                "上门拜访须先预约：请先安排回访时间",
                "A door visit is made only by appointment: plan the visit first",
            ))
        }
        _ => {}
    }
    let Some(rating) = outcome.rating else {
        return Err(DomainError::invalid(
            "请记录客户满意度",
            "Record the customer's satisfaction",
        ));
    };
    let new_problem = match &outcome.new_problem {
        Some(p) => {
            let text = required(&p.text, Text::new("新问题", "the new problem"))?;
            if p.promised_reply <= now {
                return Err(DomainError::invalid(
                    "承诺答复时间须晚于现在",
                    "The promised reply time must be in the future",
                ));
            }
            Some(NewProblem {
                text,
                promised_reply: p.promised_reply,
            })
        }
        None => None,
    };
    let follow_up = new_problem.as_ref().map(|_| follow_up_id);
    let mut out = vec![draft(
        RecordKind::Callback,
        id,
        ComplaintsEvent::CallbackRecorded {
            at: now,
            by: actor.id,
            signoff: outcome.signoff.clone(),
            rating,
            comment: outcome.comment.trim().into(),
            new_problem: new_problem.clone(),
            follow_up,
        },
    )];
    if let (Some(p), Some(fid)) = (&new_problem, follow_up) {
        // CB-4: a further callback due at the promised reply time.
        let clock = Clock {
            name: Text::new("承诺答复时间", "Promised reply"),
            started: now,
            warn_at: now + (p.promised_reply - now) * 4 / 5,
            deadline: p.promised_reply,
            stopped: None,
        };
        let req = CallbackRequest {
            kind: spec.kind,
            source: spec.source,
            household: spec.household,
            unit: spec.unit,
            place: spec.place.clone(),
            contact: spec.contact.clone(),
            topic: p.text.clone(),
            role: spec.role,
            assignee: spec.assignee,
            previous: Some(id),
        };
        out.extend(schedule_due(actor, fid, &req, clock, now)?);
    }
    if let Some(src) = spec.source.filter(|s| s.kind == RecordKind::Complaint) {
        out.push(draft(
            RecordKind::Complaint,
            src.id,
            ComplaintsEvent::CalledBack {
                at: now,
                callback: id,
                satisfied: rating != Rating::Unsatisfied,
            },
        ));
    }
    Ok(out)
}

/// CB-6: a due callback whose customer could not be reached is closed with the reason (it
/// counts as not called back in the CB-1 rate). Who may call back may record it.
pub fn unreached(
    actor: &Actor,
    id: RecordId,
    cb: &Callback,
    note: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::RecordCallback)?;
    if cb.status != CallbackStatus::Due {
        return Err(wrong_state(
            "此回访已记录",
            "This callback is already recorded",
        ));
    }
    let note = required(
        note,
        Text::new("未能联系的原因", "why the customer was not reached"),
    )?;
    Ok(vec![draft(
        RecordKind::Callback,
        id,
        ComplaintsEvent::CallbackUnreached {
            at: now,
            by: actor.id,
            note,
        },
    )])
}

/// CB-3: the supervisor reviews and comments on a callback record.
pub fn review(
    actor: &Actor,
    id: RecordId,
    cb: &Callback,
    comment: &str,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::PlanCallbacks)?;
    if cb.status != CallbackStatus::Done {
        return Err(wrong_state(
            "只能审阅已完成的回访",
            "Only a recorded callback can be reviewed",
        ));
    }
    let comment = required(comment, Text::new("审阅意见", "the review comment"))?;
    Ok(vec![draft(
        RecordKind::Callback,
        id,
        ComplaintsEvent::CallbackReviewed {
            at: now,
            by: actor.id,
            comment,
        },
    )])
}

/// CB-5: one reply to many households on the same matter, filed with the callbacks.
pub fn file_open_letter(
    actor: &Actor,
    id: RecordId,
    topic: &str,
    letter: &str,
    households: &[String],
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::PlanCallbacks)?;
    let topic = required(topic, Text::new("事项", "the matter"))?;
    let letter = required(letter, Text::new("公开信内容", "the letter"))?;
    let households: Vec<String> = households
        .iter()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect();
    if households.len() < 2 {
        return Err(DomainError::invalid(
            "公开信须面向至少两户",
            "An open letter is for at least two households",
        ));
    }
    Ok(vec![draft(
        RecordKind::Callback,
        id,
        ComplaintsEvent::OpenLetterFiled {
            at: now,
            by: actor.id,
            topic,
            letter,
            households,
        },
    )])
}

#[cfg(test)]
mod tests;
