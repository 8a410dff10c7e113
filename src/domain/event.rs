//! The event model. Every change is an immutable, attributed, timestamped event; a record's
//! current state is a fold of its events in HLC order (the audit trail "不得涂改" for free,
//! and two tablets merge by union of events).

use super::hlc::Hlc;
use super::ids::{DeviceId, EventId, RecordId, StaffId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What kind of record an event is about. One variant per record type of every module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// 小区 (the estate itself and its settings; one record)
    Estate,
    /// 员工
    Staff,
    /// 楼栋
    Building,
    /// 房号 / 商铺
    Unit,
    /// 住户
    Household,
    /// 公共设施
    Facility,
    /// 巡查点
    Checkpoint,
    /// 客户投诉 (CMP)
    Complaint,
    /// 回访 (CB)
    Callback,
    /// 客户求助 (HELP)
    HelpRequest,
    /// 巡查路线 — PAT-1
    PatrolRoute,
    /// 巡查 (one round) — PAT-1, PAT-2
    PatrolRound,
    /// 巡查发现 — PAT-4, PAT-5
    PatrolFinding,
    /// 清洁工作检查记录 — PAT-4
    CleaningCheck,
    /// 装修违章情况记录 (draft) — VIO-10
    ViolationDraft,
    /// 工单 — REP-8
    WorkOrder,
    /// 值班安排表 (one per month, DUTY-1)
    Roster,
    /// 请假 (DUTY-5)
    DutyLeave,
    /// 值班记录 of one post and day (DUTY-4)
    DutyLog,
    /// A device's duty-log hash chain head (DUTY-4)
    DutyChain,
    /// 交接班 (DUTY-6, DUTY-11)
    Handover,
    /// 突发事件 (EMG-1..3)
    Incident,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Estate => "estate",
            RecordKind::Staff => "staff",
            RecordKind::Building => "building",
            RecordKind::Unit => "unit",
            RecordKind::Household => "household",
            RecordKind::Facility => "facility",
            RecordKind::Checkpoint => "checkpoint",
            RecordKind::Complaint => "complaint",
            RecordKind::Callback => "callback",
            RecordKind::HelpRequest => "help_request",
            RecordKind::PatrolRoute => "patrol_route",
            RecordKind::PatrolRound => "patrol_round",
            RecordKind::PatrolFinding => "patrol_finding",
            RecordKind::CleaningCheck => "cleaning_check",
            RecordKind::ViolationDraft => "violation_draft",
            RecordKind::WorkOrder => "work_order",
            RecordKind::Roster => "roster",
            RecordKind::DutyLeave => "duty_leave",
            RecordKind::DutyLog => "duty_log",
            RecordKind::DutyChain => "duty_chain",
            RecordKind::Handover => "handover",
            RecordKind::Incident => "incident",
        }
    }
}

/// The record an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordRef {
    pub kind: RecordKind,
    pub id: RecordId,
}

impl RecordRef {
    pub fn new(kind: RecordKind, id: RecordId) -> Self {
        RecordRef { kind, id }
    }
    /// The key of the record's materialised view: "kind:uuid".
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.id)
    }
}

/// The field group (src/sync/merge.rs) of events that only add to a record — log entries,
/// check-ins, timeline steps, notes: appends from two tablets are both kept, never a conflict.
pub const APPEND: &str = "append";

/// The typed body of an event: one variant per module.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "m", content = "e", rename_all = "snake_case")]
pub enum EventBody {
    Estate(super::estate::EstateEvent),
    Staff(super::staff::StaffEvent),
    Registry(super::registry::RegistryEvent),
    Complaints(super::complaints::ComplaintsEvent),
    Patrol(super::patrol::PatrolEvent),
    WorkOrder(super::workorder::WorkOrderEvent),
    Duty(super::duty::DutyEvent),
    Emergency(super::emergency::EmergencyEvent),
}

impl EventBody {
    /// What happened, for history lists.
    pub fn label(&self) -> super::i18n::Text {
        use super::estate::EstateEvent as E;
        use super::i18n::Text as T;
        use super::registry::RegistryEvent as R;
        use super::staff::StaffEvent as S;
        match self {
            EventBody::Estate(E::Founded { .. }) => T::new("建立小区", "Estate founded"),
            EventBody::Estate(E::Renamed { .. }) => T::new("修改小区名称", "Estate renamed"),
            EventBody::Estate(E::SettingsChanged { .. }) => T::new("修改设置", "Settings changed"),
            EventBody::Staff(S::Created { .. }) => T::new("添加员工", "Staff added"),
            EventBody::Staff(S::Updated { .. }) => T::new("修改员工资料", "Staff details changed"),
            EventBody::Staff(S::PinSet { .. }) => T::new("设置PIN", "PIN set"),
            EventBody::Staff(S::Deactivated) => T::new("停用", "Deactivated"),
            EventBody::Staff(S::Reactivated) => T::new("恢复", "Reactivated"),
            EventBody::Registry(R::BuildingSet { .. }) => T::new("楼栋资料", "Building details"),
            EventBody::Registry(R::UnitSet { .. }) => T::new("房号资料", "Unit details"),
            EventBody::Registry(R::HouseholdSet { .. }) => T::new("住户资料", "Household details"),
            EventBody::Registry(R::HouseholdMovedOut { .. }) => T::new("迁出", "Moved out"),
            EventBody::Registry(R::FacilitySet { .. }) => T::new("设施资料", "Facility details"),
            EventBody::Registry(R::CheckpointSet { .. }) => {
                T::new("巡查点资料", "Checkpoint details")
            }
            EventBody::Complaints(e) => e.label(),
            EventBody::Patrol(p) => p.label(),
            EventBody::WorkOrder(w) => w.label(),
            EventBody::Duty(e) => e.label(),
            EventBody::Emergency(e) => e.label(),
        }
    }
}

/// A change that has not been stamped yet: what a domain command produces.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub subject: RecordRef,
    pub body: EventBody,
}

/// An immutable event. `at.device` is the device that wrote it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub at: Hlc,
    /// The signed-in staff member; `None` only for the first-run setup.
    pub actor: Option<StaffId>,
    pub subject: RecordRef,
    pub body: EventBody,
    /// Hex SHA-256 of the canonical content (every field above).
    pub hash: String,
}

#[derive(Serialize)]
struct Canonical<'a> {
    id: &'a EventId,
    at: &'a Hlc,
    actor: &'a Option<StaffId>,
    subject: &'a RecordRef,
    body: &'a EventBody,
}

impl Event {
    pub fn new(id: EventId, at: Hlc, actor: Option<StaffId>, draft: Draft) -> Self {
        let mut e = Event {
            id,
            at,
            actor,
            subject: draft.subject,
            body: draft.body,
            hash: String::new(),
        };
        e.hash = e.content_hash();
        e
    }

    pub fn device(&self) -> DeviceId {
        self.at.device
    }

    /// Canonical content: JSON of the fields in declaration order (structs only, no maps with
    /// unordered keys anywhere in bodies), so the same event hashes the same on every device.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&Canonical {
            id: &self.id,
            at: &self.at,
            actor: &self.actor,
            subject: &self.subject,
            body: &self.body,
        })
        .expect("event bodies always serialise")
    }

    pub fn content_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_bytes()))
    }

    /// True when the stored hash matches the content (detects edits and corruption).
    pub fn verify(&self) -> bool {
        self.hash == self.content_hash()
    }
}

/// Sorts events into fold order (HLC, then id as a tiebreak for identical stamps).
pub fn sort_events(events: &mut [Event]) {
    events.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
}
