//! 巡查 — patrol (SOP.md §7, PAT-1..8; REP-8 and VIO-10 for where findings go).
//!
//! Records: [`PatrolRoute`] (巡查路线: ordered checkpoints with their items, set by a
//! supervisor), [`PatrolRound`] (one scheduled walk of a route by one person, with its
//! check-ins 签到), [`Finding`] (a problem seen on a round, with the 24-hour handle-or-report
//! clock of PAT-5), [`CleaningCheck`] (清洁工作检查记录表 for environment) and
//! [`ViolationDraft`] (装修违章情况记录表 draft for the supervisor, VIO-10). A broken facility
//! opens a [`super::workorder::WorkOrder`] for engineering (REP-8).
//!
//! Check-ins are the bulk of the data (a big estate makes ~10 000 a month), so a check-in is a
//! compact event on its round (short field names, a stop index, defaults omitted) and a
//! round's view carries search keys `cov|<building>|<iso week>` so "check-ins of a building this
//! week" is one prefix lookup on the search index, never a scan.

pub mod demo;
pub mod inspect;
pub mod label;
pub mod report;
pub mod schedule;

use super::calendar::BusinessCalendar;
use super::command::{required, Actor, DomainError};
use super::event::{Draft, Event, EventBody, RecordKind, RecordRef};
use super::i18n::Text;
use super::ids::{RecordId, StaffId};
use super::registry::FacilityKind;
use super::roles::Action;
use super::sla::{Clock, ClockSpec};
use super::view::{Aggregate, IndexFields};
use super::violations;
use super::workorder::{self, WorkOrderInfo};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// PAT-5: every finding is handled or reported within 24 hours.
pub const HANDLE_HOURS: i64 = 24;

// ----- routes ---------------------------------------------------------------------------

/// How an item is answered (PAT-3; item lists are settings of the route).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum AnswerType {
    /// 正常 / 异常
    OkNotOk,
    /// A reading ("压力 0.3 MPa"), with its unit.
    Value { unit: String },
    /// Free note.
    Note,
}

/// One thing to check at a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSpec {
    pub label: String,
    pub answer: AnswerType,
    /// A public facility: counts towards the good-order rate (PAT-8).
    #[serde(default)]
    pub facility: bool,
}

impl ItemSpec {
    pub fn ok(label: &str, facility: bool) -> Self {
        ItemSpec {
            label: label.into(),
            answer: AnswerType::OkNotOk,
            facility,
        }
    }
}

/// The standard item catalogue of PAT-3, the supervisor picks from it per checkpoint.
pub fn standard_items() -> Vec<ItemSpec> {
    vec![
        ItemSpec::ok("电梯运行", true),
        ItemSpec::ok("照明", true),
        ItemSpec::ok("消防设施", true),
        ItemSpec::ok("报警系统", true),
        ItemSpec::ok("监控", true),
        ItemSpec::ok("机房门锁", true),
        ItemSpec::ok("环境卫生", false),
        ItemSpec::ok("绿化", false),
        ItemSpec::ok("公厕", false),
        ItemSpec::ok("秩序（停车、噪音）", false),
        ItemSpec::ok("来访人员", false),
        ItemSpec::ok("装修施工", false),
        ItemSpec {
            label: "消防水压".into(),
            answer: AnswerType::Value { unit: "MPa".into() },
            facility: false,
        },
        ItemSpec {
            label: "备注".into(),
            answer: AnswerType::Note,
            facility: false,
        },
    ]
}

/// A default item list for a checkpoint, from what it checks and where it is (PAT-3; a plant
/// room's door lock is checked every round, PAT-4).
pub fn default_items(floor: Option<i32>, facility: Option<FacilityKind>) -> Vec<ItemSpec> {
    let all = standard_items();
    let pick = |labels: &[&str]| -> Vec<ItemSpec> {
        labels
            .iter()
            .filter_map(|l| all.iter().find(|i| i.label == *l).cloned())
            .collect()
    };
    use FacilityKind as F;
    match (facility, floor) {
        (Some(F::PlantRoom), _) => pick(&["机房门锁", "照明", "消防设施", "环境卫生"]),
        (Some(F::Elevator), _) => pick(&["电梯运行", "照明", "环境卫生"]),
        (Some(F::Alarm | F::Cctv), _) => pick(&["报警系统", "监控", "照明", "环境卫生"]),
        (Some(F::FireEquipment), _) => pick(&["消防设施", "消防水压", "环境卫生"]),
        (Some(F::Green), _) => pick(&["绿化", "环境卫生", "秩序（停车、噪音）"]),
        (Some(F::Toilet), _) => pick(&["公厕", "照明", "环境卫生"]),
        (Some(F::Parking | F::Road), _) => {
            pick(&["秩序（停车、噪音）", "照明", "消防设施", "环境卫生"])
        }
        (Some(F::Lighting), _) => pick(&["照明", "环境卫生"]),
        (_, Some(f)) if f < 0 => pick(&["照明", "消防设施", "环境卫生", "机房门锁"]),
        (_, Some(_)) => pick(&["照明", "消防设施", "环境卫生", "装修施工"]),
        (_, None) => pick(&["环境卫生", "绿化", "秩序（停车、噪音）", "来访人员"]),
    }
}

/// One stop of a route: a checkpoint (its QR label) with the items checked there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    pub checkpoint: RecordId,
    /// Copied from the checkpoint when the route is set, so a round is self-contained.
    pub name: String,
    pub building: Option<RecordId>,
    pub floor: Option<i32>,
    /// Floors walked from this stop (a stairwell sweep "2–18层"); empty = just `floor`.
    #[serde(default)]
    pub floors: Vec<i32>,
    pub area: String,
    pub items: Vec<ItemSpec>,
}

impl Stop {
    /// Floors this stop covers for the twice-a-week rule (PAT-2).
    pub fn covered_floors(&self) -> Vec<i32> {
        if self.floors.is_empty() {
            self.floor.into_iter().collect()
        } else {
            self.floors.clone()
        }
    }
}

/// Who walks a route and how often (PAT-2, seed 001 role duties).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 物业助理: every floor of the area twice a week.
    #[default]
    Assistant,
    /// 客服主管: public areas twice a week.
    Supervisor,
    /// 物业部主任: public areas twice a month.
    Director,
    /// 内务主管: cleaning and greening daily.
    Internal,
    /// 物业部主任: inspects the paid in-home services twice a month (PAT-2, seed 001). A route
    /// of this tier has no checkpoints: its round's stops are the period's orders.
    ServiceInspection,
    /// 内务主管: inspects in-home cleaning twice a week (PAT-2, seed 001).
    CleaningInspection,
}

impl Tier {
    pub const ALL: [Tier; 6] = [
        Tier::Assistant,
        Tier::Supervisor,
        Tier::Director,
        Tier::Internal,
        Tier::ServiceInspection,
        Tier::CleaningInspection,
    ];
    /// An inspection of household orders (PAT-2), not a walk of checkpoints.
    pub fn is_inspection(self) -> bool {
        matches!(self, Tier::ServiceInspection | Tier::CleaningInspection)
    }
    pub fn label(self) -> Text {
        match self {
            Tier::Assistant => Text::new("物业助理 每周2次", "Assistant, twice a week"),
            Tier::Supervisor => Text::new("客服主管 每周2次", "Supervisor, twice a week"),
            Tier::Director => Text::new("物业部主任 每月2次", "Director, twice a month"),
            Tier::Internal => Text::new("内务主管 每日", "Internal supervisor, daily"),
            Tier::ServiceInspection => Text::new(
                "物业部主任 有偿服务检查 每月2次",
                "Director, paid in-home services inspection, twice a month",
            ),
            Tier::CleaningInspection => Text::new(
                "内务主管 居家保洁检查 每周2次",
                "Internal supervisor, in-home cleaning inspection, twice a week",
            ),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteInfo {
    pub name: String,
    pub tier: Tier,
    /// Who walks it (the scheduler assigns rounds to this person).
    pub walker: Option<StaffId>,
    pub stops: Vec<Stop>,
    pub active: bool,
}

/// 巡查路线 — PAT-1.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PatrolRoute {
    pub info: Option<RouteInfo>,
}

impl Aggregate for PatrolRoute {
    const KIND: RecordKind = RecordKind::PatrolRoute;
    fn apply(&mut self, event: &Event) {
        if let EventBody::Patrol(PatrolEvent::RouteSet { info }) = &event.body {
            self.info = Some(info.clone());
        }
    }
    fn index(&self) -> IndexFields {
        let Some(i) = &self.info else {
            return IndexFields::default();
        };
        IndexFields {
            status: Some(if i.active { "active" } else { "retired" }.into()),
            search: vec![i.name.clone()],
            title: i.name.clone(),
            subtitle: format!("{} · {}站", i.tier.label().zh, i.stops.len()),
            ..Default::default()
        }
    }
}

// ----- rounds and check-ins -------------------------------------------------------------

/// An answer to one item. Serialised short: check-ins are the bulk of the data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerValue {
    #[serde(rename = "y")]
    Ok,
    #[serde(rename = "n")]
    NotOk,
    #[serde(rename = "v")]
    Value(String),
    #[serde(rename = "t")]
    Note(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Index into the stop's items.
    #[serde(rename = "i")]
    pub item: u8,
    #[serde(rename = "v")]
    pub value: AnswerValue,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// 签到 at a checkpoint. Compact (about 60 bytes of JSON when all items are fine).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckIn {
    /// Unique scan id made on the device when the label was read: a retry never duplicates.
    #[serde(rename = "s")]
    pub scan: String,
    /// Index of the stop in the round.
    #[serde(rename = "i")]
    pub stop: u16,
    /// Device time of the check-in (UTC ms). Not "t": that is the event tag.
    #[serde(rename = "w")]
    pub at: i64,
    /// Checked in by hand, not by scanning the label: flagged in every view.
    #[serde(rename = "m", default, skip_serializing_if = "is_false")]
    pub manual: bool,
    /// Not the next stop in order (the deviation is recorded — PAT-1).
    #[serde(rename = "o", default, skip_serializing_if = "is_false")]
    pub out_of_order: bool,
    /// Only the answers that differ from "正常" are kept; unanswered ok/not-ok items are ok.
    #[serde(rename = "a", default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<Answer>,
    /// Floors of the stop's sweep that were not walked.
    #[serde(rename = "f", default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_floors: Vec<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundPlan {
    pub route: RecordId,
    pub route_name: String,
    pub tier: Tier,
    pub walker: Option<StaffId>,
    /// The window (UTC ms) — PAT-1 morning or evening peak.
    pub start: i64,
    pub end: i64,
    /// Local offset of the estate, for the week keys of the coverage index.
    pub utc_offset_minutes: i32,
    pub stops: Vec<Stop>,
}

/// How a round went (PAT-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundOutcome {
    /// The window has not opened.
    Upcoming,
    /// The window is open and nobody started.
    Due,
    Walking,
    /// Every stop checked in within the window.
    OnTime,
    /// Every stop checked in, the last after the window.
    Late,
    /// Finished (or the window passed) with some stops not checked in.
    Partial,
    /// The window passed with no check-in.
    Missed,
}

impl RoundOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundOutcome::Upcoming => "upcoming",
            RoundOutcome::Due => "due",
            RoundOutcome::Walking => "walking",
            RoundOutcome::OnTime => "on_time",
            RoundOutcome::Late => "late",
            RoundOutcome::Partial => "partial",
            RoundOutcome::Missed => "missed",
        }
    }
    pub fn label(self) -> Text {
        match self {
            RoundOutcome::Upcoming => Text::new("未开始", "Upcoming"),
            RoundOutcome::Due => Text::new("待巡查", "Due now"),
            RoundOutcome::Walking => Text::new("巡查中", "Walking"),
            RoundOutcome::OnTime => Text::new("按时完成", "On time"),
            RoundOutcome::Late => Text::new("超时完成", "Late"),
            RoundOutcome::Partial => Text::new("未巡完", "Partial"),
            RoundOutcome::Missed => Text::new("漏巡", "Missed"),
        }
    }
    pub fn is_final(self) -> bool {
        matches!(
            self,
            RoundOutcome::OnTime
                | RoundOutcome::Late
                | RoundOutcome::Partial
                | RoundOutcome::Missed
        )
    }
}

/// 巡查 — one round of a route by one person (PAT-1).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PatrolRound {
    pub plan: Option<RoundPlan>,
    pub started: Option<i64>,
    pub check_ins: Vec<CheckIn>,
    pub finished: Option<i64>,
    pub note: String,
    /// Findings raised on this round (record ids).
    pub findings: Vec<RecordId>,
    /// An inspection round's checked orders (PAT-2), in the order checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inspections: Vec<inspect::OrderCheck>,
}

impl PatrolRound {
    pub fn stops(&self) -> &[Stop] {
        self.plan
            .as_ref()
            .map(|p| p.stops.as_slice())
            .unwrap_or(&[])
    }
    /// The first check-in of each stop (index → check-in).
    pub fn checked(&self, stop: usize) -> Option<&CheckIn> {
        self.check_ins.iter().find(|c| c.stop as usize == stop)
    }
    pub fn checked_count(&self) -> usize {
        self.check_ins
            .iter()
            .map(|c| c.stop)
            .collect::<BTreeSet<_>>()
            .len()
    }
    /// The next stop in route order not yet checked in.
    pub fn next_stop(&self) -> Option<usize> {
        (0..self.stops().len()).find(|i| self.checked(*i).is_none())
    }
    /// An inspection of household orders (PAT-2): its stops are the period's orders.
    pub fn is_inspection(&self) -> bool {
        self.plan.as_ref().is_some_and(|p| p.tier.is_inspection())
    }
    /// Still to be walked or inspected: not finished and (for a walk) stops left.
    pub fn is_open(&self) -> bool {
        self.finished.is_none()
            && (self.is_inspection() || self.checked_count() < self.stops().len())
    }
    pub fn has_manual(&self) -> bool {
        self.check_ins.iter().any(|c| c.manual)
    }
    /// The stop whose label has this checkpoint id.
    pub fn stop_of(&self, checkpoint: RecordId) -> Option<usize> {
        self.stops().iter().position(|s| s.checkpoint == checkpoint)
    }

    /// On time, late, partial or missed (PAT-1) at `now`.
    pub fn outcome(&self, now: i64) -> RoundOutcome {
        let Some(plan) = &self.plan else {
            return RoundOutcome::Upcoming;
        };
        if plan.tier.is_inspection() {
            return self.inspection_outcome(plan, now);
        }
        let total = plan.stops.len();
        let checked = self.checked_count();
        if total > 0 && checked == total {
            let last = self.check_ins.iter().map(|c| c.at).max().unwrap_or(0);
            return if last <= plan.end {
                RoundOutcome::OnTime
            } else {
                RoundOutcome::Late
            };
        }
        if self.finished.is_some() {
            return if checked == 0 {
                RoundOutcome::Missed
            } else {
                RoundOutcome::Partial
            };
        }
        if self.started.is_some() || checked > 0 {
            // Still walking: the round may yet finish (late); it is partial once the day ends.
            return if now > plan.end + DAY_MS {
                RoundOutcome::Partial
            } else {
                RoundOutcome::Walking
            };
        }
        if now < plan.start {
            RoundOutcome::Upcoming
        } else if now <= plan.end {
            RoundOutcome::Due
        } else {
            RoundOutcome::Missed
        }
    }

    /// PAT-2 inspection: done in the window (on time) or later the same day (late); finished
    /// with nothing checked and never started (closed when the day passed) is missed.
    fn inspection_outcome(&self, plan: &RoundPlan, now: i64) -> RoundOutcome {
        let begun = self.started.is_some() || !self.inspections.is_empty();
        match self.finished {
            Some(at) if begun => {
                if at <= plan.end {
                    RoundOutcome::OnTime
                } else {
                    RoundOutcome::Late
                }
            }
            Some(_) => RoundOutcome::Missed,
            None if begun => {
                if now > plan.end + DAY_MS {
                    RoundOutcome::Partial
                } else {
                    RoundOutcome::Walking
                }
            }
            None if now < plan.start => RoundOutcome::Upcoming,
            None if now <= plan.end => RoundOutcome::Due,
            None => RoundOutcome::Missed,
        }
    }

    /// Week keys of the buildings checked in on this round: `cov|<building>|<yyyy-Www>`.
    pub fn coverage_keys(&self) -> Vec<String> {
        let Some(plan) = &self.plan else {
            return vec![];
        };
        let cal = BusinessCalendar {
            utc_offset_minutes: plan.utc_offset_minutes,
            ..BusinessCalendar::default()
        };
        let mut keys = BTreeSet::new();
        for c in &self.check_ins {
            if let Some(b) = plan.stops.get(c.stop as usize).and_then(|s| s.building) {
                keys.insert(coverage_key(b, &week_key(cal.local_date(c.at))));
            }
        }
        keys.into_iter().collect()
    }
}

pub(crate) const DAY_MS: i64 = 86_400_000;

/// ISO week of a date, "2026-w48".
pub fn week_key(date: chrono::NaiveDate) -> String {
    let w = date.iso_week();
    format!("{}-w{:02}", w.year(), w.week())
}

/// The search key (without the kind prefix) of a building's check-ins in a week.
pub fn coverage_key(building: RecordId, week: &str) -> String {
    format!("cov|{building}|{week}")
}

/// Issue 19: the open findings' list key (巡查 › 发现与工单, PAT-4/PAT-5: still to be handled
/// or reported), newest first, so the list reads one page by key and counts the rest from
/// the index, never every open finding (`view::family_range`).
pub const FINDINGS_OPEN: &str = "pfo|";

/// Search-index key of the findings of a month (`2026-10`): PAT-8 figures read one month.
pub fn finding_month_key(month: &str) -> String {
    format!("fndm|{month}")
}

/// The search key of the cleaning records found in a month ("clnm|2026-11"): the printed
/// 清洁工作检查记录表 of a month is one prefix read (PAT-4, issue 19).
pub fn cleaning_month_key(month: &str) -> String {
    format!("clnm|{month}")
}

/// The search key of rounds whose window opens on a local date ("day|2026-11-23").
pub fn day_key(date: chrono::NaiveDate) -> String {
    format!("day|{date}")
}

impl Aggregate for PatrolRound {
    const KIND: RecordKind = RecordKind::PatrolRound;
    fn apply(&mut self, event: &Event) {
        let EventBody::Patrol(e) = &event.body else {
            return;
        };
        match e {
            PatrolEvent::RoundScheduled { plan } if self.plan.is_none() => {
                self.plan = Some((**plan).clone())
            }
            PatrolEvent::RoundStarted { at } if self.started.is_none() => self.started = Some(*at),
            // A retried or re-imported scan is the same scan id: never a second check-in.
            PatrolEvent::CheckedIn(c) if !self.check_ins.iter().any(|x| x.scan == c.scan) => {
                if self.started.is_none() {
                    self.started = Some(c.at);
                }
                self.check_ins.push(c.clone());
                self.check_ins.sort_by_key(|c| c.at);
            }
            PatrolEvent::RoundFinished { at, note } if self.finished.is_none() => {
                self.finished = Some(*at);
                self.note = note.clone();
            }
            PatrolEvent::RoundFindingLinked { finding } if !self.findings.contains(finding) => {
                self.findings.push(*finding)
            }
            // One result per order: a retried or re-imported check is the same order.
            PatrolEvent::OrderInspected(c)
                if self.finished.is_none()
                    && !self.inspections.iter().any(|x| x.order == c.order) =>
            {
                if self.started.is_none() {
                    self.started = Some(c.at);
                }
                self.inspections.push((**c).clone());
            }
            _ => {}
        }
    }
    fn index(&self) -> IndexFields {
        let Some(plan) = &self.plan else {
            return IndexFields::default();
        };
        let cal = BusinessCalendar {
            utc_offset_minutes: plan.utc_offset_minutes,
            ..BusinessCalendar::default()
        };
        let open = self.is_open();
        let mut search = self.coverage_keys();
        search.push(day_key(cal.local_date(plan.start)));
        search.extend(inspect::round_key(plan.tier, cal.local_date(plan.start)));
        search.push(plan.route_name.clone());
        let status = if !open {
            "finished"
        } else if self.started.is_some() {
            "walking"
        } else {
            "planned"
        };
        let clock = open.then(|| Clock {
            name: Text::new("巡查时段", "Round window"),
            started: plan.start,
            warn_at: plan.start + (plan.end - plan.start) * 4 / 5,
            deadline: plan.end,
            stopped: None,
        });
        let local = cal.to_local(plan.start);
        IndexFields {
            status: Some(status.into()),
            due: Some(plan.end),
            assignee: if open { plan.walker } else { None },
            search,
            title: if plan.tier.is_inspection() {
                format!("检查：{}", plan.route_name)
            } else {
                format!("巡查：{}", plan.route_name)
            },
            subtitle: if plan.tier.is_inspection() {
                format!(
                    "{} {} · 已检查{}单",
                    local.date(),
                    local.time().format("%H:%M"),
                    self.inspections.len()
                )
            } else {
                format!(
                    "{} {} · {}/{}",
                    local.date(),
                    local.time().format("%H:%M"),
                    self.checked_count(),
                    plan.stops.len()
                )
            },
            clock,
            ..Default::default()
        }
    }
}

// ----- findings -------------------------------------------------------------------------

/// What was found (PAT-4, PAT-6, VIO-10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// 设施损坏 → work order to engineering within 2 h (PAT-4, REP-8).
    BrokenFacility,
    /// 机房门锁损坏 → engineering within 1 h (PAT-4).
    BrokenLock,
    /// 机房门未关 → closed on the spot (PAT-4).
    OpenPlantRoom,
    /// 卫生问题 → cleaning inspection record (PAT-4).
    Cleanliness,
    /// 装修违章 → 装修违章情况记录表 (VIO-10).
    DecorationBreach,
    /// 乱扔垃圾 → recorded, persuaded (VIO-10).
    Littering,
    /// 践踏绿地 / 折枝
    TrampledGrass,
    /// 乱停车
    BadParking,
    /// 乱摆卖
    Hawking,
    /// 占用消防通道
    BlockedFireLane,
    /// 住户安全隐患 → tell the owner first, then remove it (PAT-4).
    HomeHazard,
    /// 纠纷、聚众、赌博 → report to the director (PAT-4).
    Disturbance,
    /// 住户意见 → recorded against the household (PAT-6).
    Opinion,
}

/// Where a finding goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routing {
    WorkOrder { lock: bool },
    Cleaning,
    Violation,
    Persuade,
    TellOwner,
    Director,
    Household,
    ClosedOnSpot,
}

impl FindingKind {
    pub const ALL: [FindingKind; 13] = [
        FindingKind::BrokenFacility,
        FindingKind::BrokenLock,
        FindingKind::OpenPlantRoom,
        FindingKind::Cleanliness,
        FindingKind::DecorationBreach,
        FindingKind::Littering,
        FindingKind::TrampledGrass,
        FindingKind::BadParking,
        FindingKind::Hawking,
        FindingKind::BlockedFireLane,
        FindingKind::HomeHazard,
        FindingKind::Disturbance,
        FindingKind::Opinion,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::BrokenFacility => "broken_facility",
            FindingKind::BrokenLock => "broken_lock",
            FindingKind::OpenPlantRoom => "open_plant_room",
            FindingKind::Cleanliness => "cleanliness",
            FindingKind::DecorationBreach => "decoration_breach",
            FindingKind::Littering => "littering",
            FindingKind::TrampledGrass => "trampled_grass",
            FindingKind::BadParking => "bad_parking",
            FindingKind::Hawking => "hawking",
            FindingKind::BlockedFireLane => "blocked_fire_lane",
            FindingKind::HomeHazard => "home_hazard",
            FindingKind::Disturbance => "disturbance",
            FindingKind::Opinion => "opinion",
        }
    }
    pub fn label(self) -> Text {
        match self {
            FindingKind::BrokenFacility => Text::new("设施损坏", "Broken facility"),
            FindingKind::BrokenLock => Text::new("机房门锁损坏", "Broken plant-room lock"),
            FindingKind::OpenPlantRoom => Text::new("机房门未关", "Plant-room door open"),
            FindingKind::Cleanliness => Text::new("卫生问题", "Cleanliness"),
            FindingKind::DecorationBreach => Text::new("装修违章", "Decoration breach"),
            FindingKind::Littering => Text::new("乱扔垃圾", "Littering"),
            FindingKind::TrampledGrass => Text::new("践踏绿地", "Trampled grass"),
            FindingKind::BadParking => Text::new("乱停车", "Bad parking"),
            FindingKind::Hawking => Text::new("乱摆卖", "Hawking"),
            FindingKind::BlockedFireLane => Text::new("占用消防通道", "Blocked fire lane"),
            FindingKind::HomeHazard => Text::new("住户安全隐患", "Hazard in a home"),
            FindingKind::Disturbance => Text::new("纠纷/聚众/赌博", "Dispute, crowd, gambling"),
            FindingKind::Opinion => Text::new("住户意见", "Resident's opinion"),
        }
    }
    /// The VIO-2 catalogue entry a patrol violation note is recorded under (VIO-10).
    pub fn violation_item(self) -> Option<(violations::Category, Option<u8>)> {
        use violations::Category as C;
        use FindingKind::*;
        match self {
            DecorationBreach => Some((C::Renovation, None)),
            Littering => Some((C::Sanitation, Some(0))),
            TrampledGrass => Some((C::Sanitation, Some(5))),
            BadParking => Some((C::PublicOrder, Some(0))),
            Hawking => Some((C::PublicOrder, Some(3))),
            BlockedFireLane => Some((C::FireSafety, Some(0))),
            _ => None,
        }
    }
    /// Where it goes (PAT-4, PAT-6, VIO-10).
    pub fn routing(self) -> Routing {
        use FindingKind::*;
        match self {
            BrokenFacility => Routing::WorkOrder { lock: false },
            BrokenLock => Routing::WorkOrder { lock: true },
            OpenPlantRoom => Routing::ClosedOnSpot,
            Cleanliness => Routing::Cleaning,
            DecorationBreach => Routing::Violation,
            Littering | TrampledGrass | BadParking | Hawking | BlockedFireLane => Routing::Persuade,
            HomeHazard => Routing::TellOwner,
            Disturbance => Routing::Director,
            Opinion => Routing::Household,
        }
    }
    /// What the patroller is told will happen, shown before saving.
    pub fn routing_text(self) -> Text {
        match self.routing() {
            Routing::WorkOrder { lock: false } => Text::new(
                "生成公共设施报修工单，通知工程部（10分钟内签收、15分钟内到场，2小时内报修）",
                "Opens a repair work order for engineering (taken in 10 min, on site in 15 min, reported within 2 h)",
            ),
            Routing::WorkOrder { lock: true } => Text::new(
                "生成工单，1小时内通知工程部维修或更换门锁",
                "Opens a work order: engineering repairs or replaces the lock within 1 h",
            ),
            Routing::ClosedOnSpot => Text::new("当场关好，记录在巡视表", "Closed on the spot and recorded"),
            Routing::Cleaning => Text::new(
                "填写清洁工作检查记录表，交环境部整改",
                "Goes on the cleaning inspection record for environment",
            ),
            Routing::Violation => Text::new(
                "登记到客户违章记录（装修违章情况记录表），交客服主管处理",
                "Recorded in the violation register (renovation breach) for the supervisor",
            ),
            Routing::Persuade => Text::new(
                "记录在巡视表和违章记录，做好解释劝导，必要时在宣传栏曝光",
                "Recorded on the patrol sheet and in the violation register, persuaded, may be posted on the notice board",
            ),
            Routing::TellOwner => Text::new(
                "先通知业主，再妥善排除隐患",
                "Tell the owner first, then remove the hazard",
            ),
            Routing::Director => Text::new("立即报告物业部主任", "Reported to the director at once"),
            Routing::Household => Text::new("记入该住户档案", "Recorded against the household"),
        }
    }
}

pub use super::photo::Photo;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingInfo {
    pub kind: FindingKind,
    pub round: Option<RecordId>,
    /// Index of the stop on the round.
    pub stop: Option<u16>,
    pub location: String,
    pub note: String,
    pub facility: Option<RecordId>,
    pub unit: Option<RecordId>,
    pub household: Option<RecordId>,
    pub photos: Vec<Photo>,
    /// Persuaded on the spot (VIO-10).
    #[serde(default)]
    pub persuaded: bool,
    /// To be posted on the notice board (VIO-10 曝光).
    #[serde(default)]
    pub for_posting: bool,
}

/// Who findings go to, resolved from the staff list by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipients {
    pub engineering: Option<StaffId>,
    pub environment: Option<StaffId>,
    pub supervisor: Option<StaffId>,
    pub director: Option<StaffId>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    #[default]
    Open,
    /// Home hazard: the owner was told; the hazard is still to be removed.
    OwnerTold,
    /// Reported on (engineering took it, the director acknowledged, a violation was filed).
    Reported,
    Handled,
}

impl FindingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::OwnerTold => "owner_told",
            FindingStatus::Reported => "reported",
            FindingStatus::Handled => "handled",
        }
    }
    pub fn label(self) -> Text {
        match self {
            FindingStatus::Open => Text::new("待处理", "Open"),
            FindingStatus::OwnerTold => Text::new("已通知业主", "Owner told"),
            FindingStatus::Reported => Text::new("已上报", "Reported"),
            FindingStatus::Handled => Text::new("已处理", "Handled"),
        }
    }
}

/// 巡查发现 — a finding with its PAT-5 24-hour clock.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub info: Option<FindingInfo>,
    pub at: i64,
    pub by: Option<StaffId>,
    pub status: FindingStatus,
    pub assignee: Option<StaffId>,
    pub clock: Option<Clock>,
    /// The record it became (work order, cleaning record, violation draft).
    pub routed: Option<RecordRef>,
    pub steps: Vec<(i64, String)>,
}

/// What the findings list shows of a finding (issue 19: read as a list row, never the steps;
/// a step reads the full finding when it is tapped).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    pub kind: FindingKind,
    pub status: FindingStatus,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<StaffId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Clock>,
    /// Already routed to a work order, a cleaning record or a violation draft.
    #[serde(default)]
    pub routed: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Photo>,
}

impl Finding {
    /// Still to be handled or reported (PAT-5): on the open findings list.
    pub fn is_open(&self) -> bool {
        matches!(self.status, FindingStatus::Open | FindingStatus::OwnerTold)
    }
    /// The findings list's row (issue 19); None before it is raised.
    pub fn row(&self) -> Option<FindingRow> {
        let info = self.info.as_ref()?;
        Some(FindingRow {
            kind: info.kind,
            status: self.status,
            note: info.note.clone(),
            location: info.location.clone(),
            assignee: self.assignee,
            clock: self.clock.clone(),
            routed: self.routed.is_some(),
            photos: info.photos.clone(),
        })
    }
}

impl Aggregate for Finding {
    const KIND: RecordKind = RecordKind::PatrolFinding;
    fn apply(&mut self, event: &Event) {
        let EventBody::Patrol(e) = &event.body else {
            return;
        };
        match e {
            PatrolEvent::FindingRaised {
                info,
                clock,
                assignee,
                routed,
                handled,
                ..
            } if self.info.is_none() => {
                self.info = Some((**info).clone());
                self.at = clock.started;
                self.by = event.actor;
                self.clock = Some((**clock).clone());
                self.assignee = *assignee;
                self.routed = *routed;
                if *handled {
                    self.status = FindingStatus::Handled;
                    if let Some(c) = &mut self.clock {
                        c.stop(clock.started);
                    }
                }
            }
            PatrolEvent::OwnerTold { at, note } if self.status == FindingStatus::Open => {
                self.status = FindingStatus::OwnerTold;
                self.steps.push((*at, note.clone()));
            }
            PatrolEvent::FindingReported { at, .. }
                if matches!(self.status, FindingStatus::Open | FindingStatus::OwnerTold) =>
            {
                self.status = FindingStatus::Reported;
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
            }
            PatrolEvent::FindingHandled { at, note } if self.status != FindingStatus::Handled => {
                self.status = FindingStatus::Handled;
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
                self.steps.push((*at, note.clone()));
            }
            _ => {}
        }
    }
    fn list_row(&self) -> serde_json::Value {
        match self.row() {
            Some(r) => serde_json::to_value(r).expect("finding row serialises"),
            None => serde_json::Value::Null,
        }
    }
    fn index(&self) -> IndexFields {
        let Some(info) = &self.info else {
            return IndexFields::default();
        };
        let running = self.clock.as_ref().filter(|c| c.is_running()).cloned();
        IndexFields {
            status: Some(self.status.as_str().into()),
            due: running.as_ref().map(|c| c.deadline),
            unit: info.unit,
            assignee: running.as_ref().and(self.assignee),
            search: [
                info.location.clone(),
                info.kind.as_str().into(),
                finding_month_key(&super::calendar::month_key(self.at)),
            ]
            .into_iter()
            .chain(
                self.is_open()
                    .then(|| format!("{FINDINGS_OPEN}{}", super::view::newest_first(self.at))),
            )
            .collect(),
            title: format!("{}：{}", info.kind.label().zh, info.note),
            subtitle: info.location.clone(),
            clock: self.clock.clone(),
        }
    }
}

// ----- cleaning inspection and violation drafts -----------------------------------------

/// 清洁工作检查记录表 — one line for environment (PAT-4).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CleaningCheck {
    pub finding: Option<RecordId>,
    pub location: String,
    pub problem: String,
    pub found_at: i64,
    pub found_by: Option<StaffId>,
    pub assignee: Option<StaffId>,
    pub rectified: Option<(i64, String)>,
    pub clock: Option<Clock>,
}

impl Aggregate for CleaningCheck {
    const KIND: RecordKind = RecordKind::CleaningCheck;
    fn apply(&mut self, event: &Event) {
        let EventBody::Patrol(e) = &event.body else {
            return;
        };
        match e {
            PatrolEvent::CleaningRaised {
                finding,
                location,
                problem,
                assignee,
                clock,
            } if self.finding.is_none() => {
                self.finding = Some(*finding);
                self.location = location.clone();
                self.problem = problem.clone();
                self.found_at = clock.started;
                self.found_by = event.actor;
                self.assignee = *assignee;
                self.clock = Some((**clock).clone());
            }
            PatrolEvent::CleaningRectified { at, note } if self.rectified.is_none() => {
                self.rectified = Some((*at, note.clone()));
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
            }
            _ => {}
        }
    }
    /// The whole line is its own list row (issue 19): it holds no history, so the findings
    /// tab and the printed 清洁工作检查记录表 read rows, never the folded views.
    fn list_row(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("cleaning check serialises")
    }
    fn index(&self) -> IndexFields {
        let open = self.rectified.is_none();
        IndexFields {
            status: Some(if open { "open" } else { "rectified" }.into()),
            due: self.clock.as_ref().filter(|_| open).map(|c| c.deadline),
            assignee: if open { self.assignee } else { None },
            search: vec![
                self.location.clone(),
                cleaning_month_key(&super::calendar::month_key(self.found_at)),
            ],
            title: format!("清洁检查：{}", self.problem),
            subtitle: self.location.clone(),
            clock: self.clock.clone(),
            ..Default::default()
        }
    }
}

/// 装修违章情况记录表 (draft) — VIO-10; the supervisor handles it by the breach standard.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ViolationDraft {
    pub finding: Option<RecordId>,
    pub unit: Option<RecordId>,
    pub location: String,
    pub description: String,
    pub found_at: i64,
    pub found_by: Option<StaffId>,
    pub assignee: Option<StaffId>,
    pub filed: Option<(i64, String)>,
    pub clock: Option<Clock>,
}

impl Aggregate for ViolationDraft {
    const KIND: RecordKind = RecordKind::ViolationDraft;
    fn apply(&mut self, event: &Event) {
        let EventBody::Patrol(e) = &event.body else {
            return;
        };
        match e {
            PatrolEvent::ViolationDrafted {
                finding,
                unit,
                location,
                description,
                assignee,
                clock,
            } if self.finding.is_none() => {
                self.finding = Some(*finding);
                self.unit = *unit;
                self.location = location.clone();
                self.description = description.clone();
                self.found_at = clock.started;
                self.found_by = event.actor;
                self.assignee = *assignee;
                self.clock = Some((**clock).clone());
            }
            PatrolEvent::ViolationFiled { at, note } if self.filed.is_none() => {
                self.filed = Some((*at, note.clone()));
                if let Some(c) = &mut self.clock {
                    c.stop(*at);
                }
            }
            _ => {}
        }
    }
    /// The whole draft is its own list row (issue 19, no history): the patrol tab and the
    /// violations register read rows.
    fn list_row(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("violation draft serialises")
    }
    fn index(&self) -> IndexFields {
        let open = self.filed.is_none();
        IndexFields {
            status: Some(if open { "draft" } else { "filed" }.into()),
            due: self.clock.as_ref().filter(|_| open).map(|c| c.deadline),
            unit: self.unit,
            assignee: if open { self.assignee } else { None },
            search: vec![self.location.clone()],
            title: format!("装修违章：{}", self.description),
            subtitle: self.location.clone(),
            clock: self.clock.clone(),
        }
    }
}

// ----- events ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum PatrolEvent {
    RouteSet {
        info: RouteInfo,
    },
    RoundScheduled {
        plan: Box<RoundPlan>,
    },
    RoundStarted {
        at: i64,
    },
    #[serde(rename = "ci")]
    CheckedIn(CheckIn),
    RoundFinished {
        at: i64,
        note: String,
    },
    /// On a round: a finding raised there (keeps the round's list without reading findings).
    RoundFindingLinked {
        finding: RecordId,
    },
    FindingRaised {
        info: Box<FindingInfo>,
        clock: Box<Clock>,
        assignee: Option<StaffId>,
        routed: Option<RecordRef>,
        /// Dealt with on the spot (door closed, persuaded).
        handled: bool,
    },
    OwnerTold {
        at: i64,
        note: String,
    },
    FindingReported {
        at: i64,
        to: Option<RecordRef>,
    },
    FindingHandled {
        at: i64,
        note: String,
    },
    CleaningRaised {
        finding: RecordId,
        location: String,
        problem: String,
        assignee: Option<StaffId>,
        clock: Box<Clock>,
    },
    CleaningRectified {
        at: i64,
        note: String,
    },
    ViolationDrafted {
        finding: RecordId,
        unit: Option<RecordId>,
        location: String,
        description: String,
        assignee: Option<StaffId>,
        clock: Box<Clock>,
    },
    ViolationFiled {
        at: i64,
        note: String,
    },
    /// On an inspection round (PAT-2): one order checked, satisfactory or a problem (schema 5).
    OrderInspected(Box<inspect::OrderCheck>),
}

impl PatrolEvent {
    pub fn label(&self) -> Text {
        use PatrolEvent::*;
        match self {
            RouteSet { .. } => Text::new("巡查路线", "Patrol route"),
            RoundScheduled { .. } => Text::new("安排巡查", "Round scheduled"),
            RoundStarted { .. } => Text::new("开始巡查", "Round started"),
            CheckedIn(c) if c.manual => Text::new("手动签到", "Manual check-in"),
            CheckedIn(_) => Text::new("扫码签到", "Checked in by scan"),
            RoundFinished { .. } => Text::new("结束巡查", "Round finished"),
            RoundFindingLinked { .. } => Text::new("巡查发现", "Finding on the round"),
            FindingRaised { .. } => Text::new("记录巡查发现", "Finding recorded"),
            OwnerTold { .. } => Text::new("已通知业主", "Owner told"),
            FindingReported { .. } => Text::new("已上报", "Reported"),
            FindingHandled { .. } => Text::new("已处理", "Handled"),
            CleaningRaised { .. } => Text::new("清洁工作检查记录", "Cleaning inspection"),
            CleaningRectified { .. } => Text::new("已整改", "Rectified"),
            ViolationDrafted { .. } => Text::new("装修违章记录草稿", "Violation drafted"),
            ViolationFiled { .. } => Text::new("违章已处理", "Violation filed"),
            OrderInspected(c) if c.ok => Text::new("检查：满意", "Inspected: satisfactory"),
            OrderInspected(_) => Text::new("检查：有问题", "Inspected: a problem"),
        }
    }
    /// Conflict group for merging tablets: the route's description can conflict (two
    /// supervisors editing one route); every other patrol event only adds ("append").
    pub fn field_group(&self) -> &'static str {
        match self {
            PatrolEvent::RouteSet { .. } => "route",
            _ => super::event::APPEND,
        }
    }
}

fn pd(kind: RecordKind, id: RecordId, e: PatrolEvent) -> Draft {
    Draft {
        subject: RecordRef::new(kind, id),
        body: EventBody::Patrol(e),
    }
}

// ----- commands -------------------------------------------------------------------------

/// A supervisor sets a route (PAT-1): ordered stops, each a checkpoint with its items (PAT-3).
pub fn set_route(actor: &Actor, id: RecordId, info: &RouteInfo) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManagePatrolRoutes)?;
    let name = required(&info.name, Text::new("路线名称", "the route name"))?;
    if info.tier.is_inspection() {
        // PAT-2: an inspection's stops are the period's orders, read when it is walked.
        if !info.stops.is_empty() {
            return Err(DomainError::invalid(
                "检查路线不设巡查点：检查对象是本期的有偿服务工单",
                "An inspection route has no checkpoints: it checks the period's orders",
            ));
        }
        return Ok(vec![pd(
            RecordKind::PatrolRoute,
            id,
            PatrolEvent::RouteSet {
                info: RouteInfo {
                    name,
                    ..info.clone()
                },
            },
        )]);
    }
    if info.stops.is_empty() {
        return Err(DomainError::invalid(
            "路线至少需要一个巡查点",
            "A route needs at least one checkpoint",
        ));
    }
    if info.stops.len() > 200 {
        return Err(DomainError::invalid(
            "一条路线最多200个巡查点",
            "A route has at most 200 checkpoints",
        ));
    }
    let mut seen = BTreeSet::new();
    for s in &info.stops {
        if !seen.insert(s.checkpoint) {
            return Err(DomainError::Invalid(Text::new(
                format!("巡查点重复：{}", s.name),
                format!("Checkpoint listed twice: {}", s.name),
            )));
        }
        if s.items.len() > 40 {
            return Err(DomainError::invalid(
                "每个巡查点最多40个检查项",
                "At most 40 items per checkpoint",
            ));
        }
        if s.items.iter().any(|i| i.label.trim().is_empty()) {
            return Err(DomainError::invalid(
                "检查项名称不能为空",
                "An item needs a name",
            ));
        }
    }
    Ok(vec![pd(
        RecordKind::PatrolRoute,
        id,
        PatrolEvent::RouteSet {
            info: RouteInfo {
                name,
                ..info.clone()
            },
        },
    )])
}

fn may_walk(actor: &Actor, round: &PatrolRound) -> Result<(), DomainError> {
    actor.may(Action::WalkPatrol)?;
    if round.plan.is_none() {
        return Err(DomainError::NotFound(Text::new(
            "找不到该巡查",
            "This round was not found",
        )));
    }
    if round.finished.is_some() {
        return Err(DomainError::invalid(
            "该巡查已结束",
            "This round is already finished",
        ));
    }
    Ok(())
}

pub fn start_round(
    actor: &Actor,
    id: RecordId,
    round: &PatrolRound,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    may_walk(actor, round)?;
    if round.started.is_some() {
        return Ok(vec![]);
    }
    Ok(vec![pd(
        RecordKind::PatrolRound,
        id,
        PatrolEvent::RoundStarted { at: now },
    )])
}

/// What the patroller entered at a stop.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckInInput {
    pub scan: String,
    pub stop: usize,
    pub at: i64,
    pub manual: bool,
    pub answers: Vec<Answer>,
    pub skipped_floors: Vec<i32>,
}

/// 签到 (PAT-1). A scan id already on the round returns nothing (a retry never duplicates);
/// a stop already checked in is refused; checking in ahead of the next stop is allowed and
/// recorded as out of order.
pub fn check_in(
    actor: &Actor,
    id: RecordId,
    round: &PatrolRound,
    input: CheckInInput,
) -> Result<Vec<Draft>, DomainError> {
    may_walk(actor, round)?;
    if input.scan.trim().is_empty() {
        return Err(DomainError::invalid(
            "签到编号缺失",
            "The scan id is missing",
        ));
    }
    if round.check_ins.iter().any(|c| c.scan == input.scan) {
        return Ok(vec![]);
    }
    let Some(stop) = round.stops().get(input.stop) else {
        return Err(DomainError::invalid(
            "该巡查点不在本路线上",
            "This checkpoint is not on this round's route",
        ));
    };
    if let Some(done) = round.checked(input.stop) {
        let _ = done;
        return Err(DomainError::Invalid(Text::new(
            format!("{}已签到", stop.name),
            format!("{} is already checked in", stop.name),
        )));
    }
    for a in &input.answers {
        let Some(spec) = stop.items.get(a.item as usize) else {
            return Err(DomainError::invalid("检查项不存在", "No such item"));
        };
        let fits = matches!(
            (&spec.answer, &a.value),
            (AnswerType::OkNotOk, AnswerValue::Ok | AnswerValue::NotOk)
                | (AnswerType::Value { .. }, AnswerValue::Value(_))
                | (AnswerType::Note, AnswerValue::Note(_))
        );
        if !fits {
            return Err(DomainError::Invalid(Text::new(
                format!("“{}”的答案类型不对", spec.label),
                format!("Wrong kind of answer for “{}”", spec.label),
            )));
        }
        if let AnswerValue::Value(v) = &a.value {
            if v.trim().parse::<f64>().is_err() {
                return Err(DomainError::Invalid(Text::new(
                    format!("“{}”请填写数字", spec.label),
                    format!("“{}” needs a number", spec.label),
                )));
            }
        }
    }
    let covered = stop.covered_floors();
    if input.skipped_floors.iter().any(|f| !covered.contains(f)) {
        return Err(DomainError::invalid(
            "跳过的楼层不在本巡查点范围内",
            "A skipped floor is not in this checkpoint's range",
        ));
    }
    // Keep only what differs from the default "正常" (compact check-ins).
    let answers: Vec<Answer> = input
        .answers
        .into_iter()
        .filter(|a| match &a.value {
            AnswerValue::Ok => false,
            AnswerValue::Value(v) | AnswerValue::Note(v) => !v.trim().is_empty(),
            AnswerValue::NotOk => true,
        })
        .map(|a| Answer {
            item: a.item,
            value: match a.value {
                AnswerValue::Value(v) => AnswerValue::Value(v.trim().into()),
                AnswerValue::Note(v) => AnswerValue::Note(v.trim().into()),
                v => v,
            },
        })
        .collect();
    let out_of_order = round.next_stop() != Some(input.stop);
    let mut out = Vec::new();
    if round.started.is_none() {
        out.push(pd(
            RecordKind::PatrolRound,
            id,
            PatrolEvent::RoundStarted { at: input.at },
        ));
    }
    out.push(pd(
        RecordKind::PatrolRound,
        id,
        PatrolEvent::CheckedIn(CheckIn {
            scan: input.scan,
            stop: input.stop as u16,
            at: input.at,
            manual: input.manual,
            out_of_order,
            answers,
            skipped_floors: input.skipped_floors,
        }),
    ));
    Ok(out)
}

/// The text a checkpoint's QR label holds.
pub fn label_text(checkpoint: RecordId) -> String {
    format!("ED-CP:{checkpoint}")
}

/// Reads a scanned label. Anything else (a shop's QR code, a URL) is refused with a message.
pub fn parse_label(text: &str) -> Result<RecordId, DomainError> {
    text.trim()
        .strip_prefix("ED-CP:")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            DomainError::invalid(
                "这不是本系统的巡查点二维码",
                "This is not a checkpoint label of this app",
            )
        })
}

pub fn finish_round(
    actor: &Actor,
    id: RecordId,
    round: &PatrolRound,
    now: i64,
    note: &str,
) -> Result<Vec<Draft>, DomainError> {
    may_walk(actor, round)?;
    if round.is_inspection() && round.inspections.is_empty() && note.trim().is_empty() {
        return Err(DomainError::invalid(
            "没有检查任何工单，请说明原因（如本期无工单）",
            "No order was checked: say why (no orders this period …)",
        ));
    }
    let missing = round.stops().len() - round.checked_count();
    if missing > 0 && note.trim().is_empty() {
        return Err(DomainError::Invalid(Text::new(
            format!("还有{missing}个巡查点未签到，请说明原因"),
            format!("{missing} checkpoints are not checked in: say why"),
        )));
    }
    Ok(vec![pd(
        RecordKind::PatrolRound,
        id,
        PatrolEvent::RoundFinished {
            at: now,
            note: note.trim().into(),
        },
    )])
}

/// Closes a round whose day has passed unfinished (missed, or abandoned mid-way), so it
/// leaves the walker's to-do list with its outcome kept: missed stays missed, partial stays
/// partial (PAT-1). Today's rounds are left alone: they can still be walked, late.
pub fn close_overdue(
    actor: &Actor,
    id: RecordId,
    round: &PatrolRound,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::WalkPatrol)?;
    let Some(plan) = &round.plan else {
        return Ok(vec![]);
    };
    let outcome = round.outcome(now);
    if round.finished.is_some()
        || now <= plan.end + DAY_MS
        || !matches!(outcome, RoundOutcome::Missed | RoundOutcome::Partial)
    {
        return Ok(vec![]);
    }
    let note = match outcome {
        RoundOutcome::Missed => "漏巡（逾期自动结束）",
        _ => "未巡完（逾期自动结束）",
    };
    Ok(vec![pd(
        RecordKind::PatrolRound,
        id,
        PatrolEvent::RoundFinished {
            at: plan.end + DAY_MS,
            note: note.into(),
        },
    )])
}

/// Ids of the records a finding may create, drawn by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FindingIds {
    pub finding: RecordId,
    pub routed: RecordId,
}

/// Records a finding and routes it (PAT-4, PAT-5, PAT-6, REP-8, VIO-10): every finding gets
/// the 24-hour clock; the record it becomes is written in the same batch.
pub fn raise_finding(
    actor: &Actor,
    ids: FindingIds,
    info: &FindingInfo,
    to: &Recipients,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::WalkPatrol)?;
    let location = required(&info.location, Text::new("地点", "the place"))?;
    let note = info.note.trim().to_string();
    let kind = info.kind;
    if note.is_empty() && !matches!(kind, FindingKind::OpenPlantRoom) && info.photos.is_empty() {
        return Err(DomainError::invalid(
            "请简要描述发现的问题或拍照",
            "Describe what you found or take a photo",
        ));
    }
    if matches!(kind, FindingKind::Opinion) && info.household.is_none() {
        return Err(DomainError::invalid(
            "住户意见须选择住户",
            "Choose the household the opinion is from",
        ));
    }
    if info.photos.len() > 12 {
        return Err(DomainError::invalid(
            "每条最多12张照片",
            "At most 12 photos",
        ));
    }
    let info = FindingInfo {
        location: location.clone(),
        note: note.clone(),
        ..info.clone()
    };
    let clock = ClockSpec::elapsed_minutes(HANDLE_HOURS * 60).start(
        Text::new("24小时内处理或上报", "Handle or report in 24 h"),
        now,
        cal,
    );
    let desc = if note.is_empty() {
        kind.label().zh
    } else {
        note.clone()
    };
    let mut out = Vec::new();
    let (assignee, routed, handled) = match kind.routing() {
        Routing::WorkOrder { lock } => {
            let wo = WorkOrderInfo {
                source: workorder::Source::Patrol {
                    finding: ids.finding,
                    round: info.round,
                },
                facility: info.facility,
                location: location.clone(),
                description: desc.clone(),
                lock,
            };
            out.push(workorder::open_from_patrol(
                ids.routed,
                wo,
                to.engineering,
                now,
                cal,
            ));
            (
                Some(actor.id),
                Some(workorder::work_order_ref(ids.routed)),
                false,
            )
        }
        Routing::Cleaning => {
            out.push(pd(
                RecordKind::CleaningCheck,
                ids.routed,
                PatrolEvent::CleaningRaised {
                    finding: ids.finding,
                    location: location.clone(),
                    problem: desc.clone(),
                    assignee: to.environment,
                    clock: Box::new(clock.clone()),
                },
            ));
            (
                to.environment,
                Some(RecordRef::new(RecordKind::CleaningCheck, ids.routed)),
                false,
            )
        }
        Routing::Violation => {
            // VIO-10: a decoration breach lands in the violation register (it was a
            // `ViolationDraft` before issue 14; those records stay readable and listed).
            out.extend(violations::from_patrol(
                actor,
                ids.routed,
                ids.finding,
                violations::Category::Renovation,
                None,
                info.unit,
                info.household,
                &location,
                &desc,
                &info.photos,
                false,
                to,
                now,
                cal,
            )?);
            (
                to.supervisor,
                Some(violations::violation_ref(ids.routed)),
                false,
            )
        }
        Routing::Persuade => {
            // VIO-10: littering, grass, parking, hawking, fire lanes are in the register too
            // (persuaded on the spot or not); the finding itself stays the walker's.
            let (category, item) = kind
                .violation_item()
                .unwrap_or((violations::Category::Sanitation, None));
            out.extend(violations::from_patrol(
                actor,
                ids.routed,
                ids.finding,
                category,
                item,
                info.unit,
                info.household,
                &location,
                &desc,
                &info.photos,
                info.persuaded,
                to,
                now,
                cal,
            )?);
            (Some(actor.id), None, info.persuaded)
        }
        Routing::ClosedOnSpot => (None, None, true),
        Routing::TellOwner => (Some(actor.id), None, false),
        Routing::Director => (to.director, None, false),
        Routing::Household => (Some(actor.id), None, false),
    };
    out.insert(
        0,
        pd(
            RecordKind::PatrolFinding,
            ids.finding,
            PatrolEvent::FindingRaised {
                info: Box::new(info.clone()),
                clock: Box::new(clock),
                assignee,
                routed,
                handled,
            },
        ),
    );
    if let Some(round) = info.round {
        out.push(pd(
            RecordKind::PatrolRound,
            round,
            PatrolEvent::RoundFindingLinked {
                finding: ids.finding,
            },
        ));
    }
    Ok(out)
}

/// Home hazard: the owner was told (PAT-4 "tell the owner first").
pub fn owner_told(
    actor: &Actor,
    id: RecordId,
    f: &Finding,
    now: i64,
    note: &str,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::WalkPatrol)?;
    let kind = f.info.as_ref().map(|i| i.kind);
    if kind != Some(FindingKind::HomeHazard) || f.status != FindingStatus::Open {
        return Err(DomainError::invalid(
            "只有未处理的住户安全隐患需要通知业主",
            "Only an open home hazard needs the owner told",
        ));
    }
    let note = required(note, Text::new("通知情况", "how the owner was told"))?;
    Ok(vec![pd(
        RecordKind::PatrolFinding,
        id,
        PatrolEvent::OwnerTold { at: now, note },
    )])
}

/// Handles a finding directly (persuaded, hazard removed, opinion answered, director dealt
/// with it). Routed findings are closed by their record (work order, cleaning, violation).
pub fn handle_finding(
    actor: &Actor,
    id: RecordId,
    f: &Finding,
    now: i64,
    note: &str,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleFinding)?;
    let Some(info) = &f.info else {
        return Err(DomainError::NotFound(Text::new(
            "找不到该记录",
            "Not found",
        )));
    };
    if f.status == FindingStatus::Handled {
        return Err(DomainError::invalid("已处理", "Already handled"));
    }
    if f.routed.is_some() {
        return Err(DomainError::invalid(
            "该问题已转交，由对应记录完成后自动关闭",
            "This finding was passed on; it closes when that record is done",
        ));
    }
    if info.kind == FindingKind::HomeHazard && f.status == FindingStatus::Open {
        return Err(DomainError::invalid(
            "请先通知业主，再排除隐患",
            "Tell the owner first, then remove the hazard",
        ));
    }
    let note = required(note, Text::new("处理结果", "what was done"))?;
    Ok(vec![finding_handled(id, now, &note)])
}

/// The director acknowledges an alert (dispute, crowd, gambling): reported (PAT-4, PAT-5).
pub fn acknowledge(
    actor: &Actor,
    id: RecordId,
    f: &Finding,
    now: i64,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleFinding)?;
    if f.info.as_ref().map(|i| i.kind) != Some(FindingKind::Disturbance)
        || f.status != FindingStatus::Open
    {
        return Err(DomainError::invalid("无需确认", "Nothing to acknowledge"));
    }
    Ok(vec![pd(
        RecordKind::PatrolFinding,
        id,
        PatrolEvent::FindingReported { at: now, to: None },
    )])
}

pub(crate) fn finding_reported(id: RecordId, at: i64, to: RecordRef) -> Draft {
    pd(
        RecordKind::PatrolFinding,
        id,
        PatrolEvent::FindingReported { at, to: Some(to) },
    )
}

pub(crate) fn finding_handled(id: RecordId, at: i64, note: &str) -> Draft {
    pd(
        RecordKind::PatrolFinding,
        id,
        PatrolEvent::FindingHandled {
            at,
            note: note.into(),
        },
    )
}

/// Environment rectified a cleaning problem: the finding is handled too.
pub fn rectify_cleaning(
    actor: &Actor,
    id: RecordId,
    c: &CleaningCheck,
    now: i64,
    note: &str,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::HandleFinding)?;
    if c.rectified.is_some() {
        return Err(DomainError::invalid("已整改", "Already rectified"));
    }
    let note = required(note, Text::new("整改情况", "what was done"))?;
    let mut out = vec![pd(
        RecordKind::CleaningCheck,
        id,
        PatrolEvent::CleaningRectified {
            at: now,
            note: note.clone(),
        },
    )];
    if let Some(f) = c.finding {
        out.push(finding_handled(f, now, &note));
    }
    Ok(out)
}

/// The supervisor files the violation draft (handled by the breach standard, VIO-10): the
/// finding counts as reported.
pub fn file_violation(
    actor: &Actor,
    id: RecordId,
    v: &ViolationDraft,
    now: i64,
    note: &str,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::ManagePatrolRoutes)?;
    if v.filed.is_some() {
        return Err(DomainError::invalid("已处理", "Already filed"));
    }
    let note = required(note, Text::new("处理意见", "the decision"))?;
    let mut out = vec![pd(
        RecordKind::ViolationDraft,
        id,
        PatrolEvent::ViolationFiled { at: now, note },
    )];
    if let Some(f) = v.finding {
        out.push(finding_reported(
            f,
            now,
            RecordRef::new(RecordKind::ViolationDraft, id),
        ));
    }
    Ok(out)
}

/// Who gets routed findings, from the staff list: the active leads of engineering and
/// environment, the first supervisor and the first director.
pub fn recipients(staff: &[(StaffId, super::staff::Staff)]) -> Recipients {
    recipients_among(staff.iter().filter(|(_, s)| s.active).map(|(id, s)| {
        (
            *id,
            s.profile.roles.iter().copied().collect(),
            s.profile.department,
        )
    }))
}

/// [`recipients`] over active staff given as (id, roles, department): the first of each by id.
pub fn recipients_among(
    staff: impl Iterator<
            Item = (
                StaffId,
                Vec<super::roles::Role>,
                Option<super::roles::Department>,
            ),
        > + Clone,
) -> Recipients {
    use super::roles::{Department, Role};
    let find = |pred: &dyn Fn(&[Role], Option<Department>) -> bool| {
        staff
            .clone()
            .filter(|(_, roles, dep)| pred(roles, *dep))
            .map(|(id, _, _)| id)
            .min()
    };
    let lead_of =
        |d: Department| find(&|roles, dep| dep == Some(d) && roles.contains(&Role::DepartmentLead));
    Recipients {
        engineering: lead_of(Department::Engineering),
        environment: lead_of(Department::Environment),
        supervisor: find(&|roles, _| roles.contains(&Role::Supervisor)),
        director: find(&|roles, _| roles.contains(&Role::Director)),
    }
}

#[cfg(test)]
mod tests;
