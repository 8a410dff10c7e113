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
    /// 平板: an enrolled tablet and its signing key (issue 12)
    Device,
    /// 岗位培训表 (one per estate, TRAIN-1)
    TrainingMatrix,
    /// 员工培训记录 (one per person, TRAIN-2)
    TrainingRecord,
    /// 违纪处理记录 (one per person, PAID-8)
    Discipline,
    /// 收费标准项目 — one approved item of the fee schedule (REP-2, PAID-1; issue 15)
    FeeItem,
    /// 现金日结: one till's business day of cash (PAID-4, DESK-3; issue 17)
    CashDay,
    /// 业主信件 — registered mail (DESK-1)
    Mail,
    /// 客户订报 — a customer's newspaper subscription (DESK-2)
    Subscription,
    /// 报刊分拣 — one day's papers (DESK-2)
    PaperDay,
    /// 代售品 — a consigned item, its stock and sales (DESK-3)
    Consignment,
    /// 客户违章记录 (VIO-1..10, issue 14)
    Violation,
    /// The tombstone of a record purged past its retention date (VIO-9, QUAL-4)
    Purged,
    /// 有偿服务月度对账 — one month's paid-service summary reconciled with finance, engineering
    /// and environment (PAID-6; issue 15). One per month, its id derived from the month.
    PaidReconciliation,
    /// 月度呈报 — a month's results submitted to the director and signed off (CB-3; issue 18)
    MonthlyReview,
    /// 业主座谈会 — the quarterly residents' forum, minutes and follow-up (CB-7; issue 18)
    Forum,
    /// 入伙批次 — move-in opened for a set of units (MOVE-1; issue 16)
    MoveInBatch,
    /// 入伙手续 — one household's move-in session (MOVE-2..10; issue 16)
    MoveInSession,
    /// 用户意见调查 — one satisfaction survey (QUAL-1; issue 18, schema version 4)
    Survey,
    /// 欠费清单 — one month's arrears list from finance and its follow-up (PAT-7; issue 18)
    ArrearsMonth,
    /// 质量年度记录 — a year's major safety incidents found by the Director (QUAL-2; issue 18)
    QualityYear,
    /// 纠正措施 — one corrective action, shared by complaints and surveys (CMP-12, QUAL-1;
    /// issue 18, schema version 5)
    CorrectiveAction,
}

impl RecordKind {
    /// Every record kind, for a pass over all stored events one kind at a time (issue 12).
    pub const ALL: [RecordKind; 43] = {
        use RecordKind::*;
        [
            Estate,
            Staff,
            Building,
            Unit,
            Household,
            Facility,
            Checkpoint,
            Complaint,
            Callback,
            HelpRequest,
            PatrolRoute,
            PatrolRound,
            PatrolFinding,
            CleaningCheck,
            ViolationDraft,
            WorkOrder,
            Roster,
            DutyLeave,
            DutyLog,
            DutyChain,
            Handover,
            Incident,
            Device,
            TrainingMatrix,
            TrainingRecord,
            Discipline,
            FeeItem,
            CashDay,
            Mail,
            Subscription,
            PaperDay,
            Consignment,
            Violation,
            Purged,
            PaidReconciliation,
            MonthlyReview,
            Forum,
            MoveInBatch,
            MoveInSession,
            Survey,
            ArrearsMonth,
            QualityYear,
            CorrectiveAction,
        ]
    };

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
            RecordKind::Device => "device",
            RecordKind::TrainingMatrix => "training_matrix",
            RecordKind::TrainingRecord => "training_record",
            RecordKind::Discipline => "discipline",
            RecordKind::FeeItem => "fee_item",
            RecordKind::CashDay => "cash_day",
            RecordKind::Mail => "mail",
            RecordKind::Subscription => "subscription",
            RecordKind::PaperDay => "paper_day",
            RecordKind::Consignment => "consignment",
            RecordKind::Violation => "violation",
            RecordKind::Purged => "purged",
            RecordKind::PaidReconciliation => "paid_reconciliation",
            RecordKind::MonthlyReview => "monthly_review",
            RecordKind::Forum => "forum",
            RecordKind::MoveInBatch => "move_in_batch",
            RecordKind::MoveInSession => "move_in_session",
            RecordKind::Survey => "survey",
            RecordKind::ArrearsMonth => "arrears_month",
            RecordKind::QualityYear => "quality_year",
            RecordKind::CorrectiveAction => "corrective_action",
        }
    }
}

/// Fails to compile when a record kind is added: add it to [`RecordKind::ALL`] too (and raise the
/// array's length), or a full re-decision would skip its events.
#[allow(dead_code)]
fn every_kind_is_listed(k: RecordKind) {
    use RecordKind::*;
    match k {
        Estate | Staff | Building | Unit | Household | Facility | Checkpoint | Complaint
        | Callback | HelpRequest | PatrolRoute | PatrolRound | PatrolFinding | CleaningCheck
        | ViolationDraft | WorkOrder | Roster | DutyLeave | DutyLog | DutyChain | Handover
        | Incident | Device | TrainingMatrix | TrainingRecord | Discipline | FeeItem | CashDay
        | Mail | Subscription | PaperDay | Consignment | Violation | Purged
        | PaidReconciliation | MonthlyReview | Forum | MoveInBatch | MoveInSession | Survey
        | ArrearsMonth | QualityYear | CorrectiveAction => {}
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
    /// Tablet enrolment (issue 12, schema version 2).
    Device(super::device::DeviceEvent),
    /// Training matrix and records (issue 17, TRAIN-1..2, schema version 3).
    Training(super::training::TrainingEvent),
    /// Discipline for paid services (issue 15/17, PAID-8, schema version 3).
    Discipline(super::discipline::DisciplineEvent),
    /// Cash taken at a desk and the day's close (issue 17, PAID-4; schema version 3).
    Cash(super::cash::CashEvent),
    /// The front desk's registers (issue 17, DESK-1..3; schema version 3).
    Desk(super::desk::DeskEvent),
    /// Resident violations (issue 14, schema version 3).
    Violations(super::violations::ViolationsEvent),
    /// Archive and purge past retention (issue 14, schema version 3).
    Retention(super::retention::RetentionEvent),
    /// Monthly results submitted to the director (issue 18, CB-3; schema version 4).
    Review(super::review::ReviewEvent),
    /// The quarterly residents' forum (issue 18, CB-7; schema version 4).
    Forum(super::forum::ForumEvent),
    /// Move-in batches and sessions (issue 16, MOVE-1..10; schema version 4).
    MoveIn(super::movein::MoveInEvent),
    /// Surveys, arrears and the quality year (issue 18, QUAL-1..2, PAT-7; schema version 4).
    Quality(super::quality::QualityEvent),
    /// One shared corrective action (issue 18, CMP-12, QUAL-1; schema version 5).
    Corrective(super::corrective::CorrectiveEvent),
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
            EventBody::Device(e) => e.label(),
            EventBody::Training(e) => e.label(),
            EventBody::Discipline(e) => e.label(),
            EventBody::Cash(e) => e.label(),
            EventBody::Desk(e) => e.label(),
            EventBody::Violations(e) => e.label(),
            EventBody::Retention(e) => e.label(),
            EventBody::Review(e) => e.label(),
            EventBody::Forum(e) => e.label(),
            EventBody::MoveIn(e) => e.label(),
            EventBody::Quality(e) => e.label(),
            EventBody::Corrective(e) => e.label(),
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
///
/// **The bytes are the record** (issue 12): `hash` is the SHA-256 of the canonical JSON the
/// writer produced, and those exact bytes are kept beside the decoded fields — in IndexedDB, in
/// export files — and hashed again on verification. A later build whose structs gained a
/// `#[serde(default)]` field would re-serialise an old event differently; it never needs to,
/// because it never re-serialises. The decoded fields are read-only by convention: nothing in
/// the app mutates an event after [`Event::new`] or decoding.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub at: Hlc,
    /// The signed-in staff member; `None` only for the first-run setup.
    pub actor: Option<StaffId>,
    pub subject: RecordRef,
    pub body: EventBody,
    /// Hex SHA-256 of the canonical content (every field above), as written.
    pub hash: String,
    /// Ed25519 signature of `hash` (its 32 bytes) by the writing tablet's key, base64
    /// (issue 12). `None` for events written before signatures existed.
    pub sig: Option<String>,
    /// The canonical JSON bytes `hash` was computed over, verbatim from the writer.
    canonical: std::sync::Arc<str>,
}

#[derive(Serialize)]
struct Canonical<'a> {
    id: &'a EventId,
    at: &'a Hlc,
    actor: &'a Option<StaffId>,
    subject: &'a RecordRef,
    body: &'a EventBody,
}

/// An event as it travels: the canonical fields, then `hash`, then `sig` when signed.
#[derive(Deserialize)]
struct Wire {
    id: EventId,
    at: Hlc,
    actor: Option<StaffId>,
    subject: RecordRef,
    body: EventBody,
    hash: String,
    #[serde(default)]
    sig: Option<String>,
}

impl Event {
    pub fn new(id: EventId, at: Hlc, actor: Option<StaffId>, draft: Draft) -> Self {
        let canonical = canonical_text(&id, &at, &actor, &draft.subject, &draft.body);
        Event {
            id,
            at,
            actor,
            subject: draft.subject,
            body: draft.body,
            hash: hex::encode(Sha256::digest(canonical.as_bytes())),
            sig: None,
            canonical: canonical.into(),
        }
    }

    /// An event that is folded once and thrown away (the benchmark generator's local state):
    /// no canonical bytes, no hash. Never stored.
    pub fn scratch(at: Hlc, actor: Option<StaffId>, subject: RecordRef, body: EventBody) -> Self {
        Event {
            id: EventId::nil(),
            at,
            actor,
            subject,
            body,
            hash: String::new(),
            sig: None,
            canonical: "".into(),
        }
    }

    pub fn device(&self) -> DeviceId {
        self.at.device
    }

    /// The canonical bytes the hash covers, exactly as the writing build produced them.
    pub fn canonical_bytes(&self) -> &[u8] {
        self.canonical.as_bytes()
    }

    /// The first 16 bytes of [`hash`](Self::hash): what an import's check and a restore's id
    /// list keep per event to tell one content from another (issue 13).
    pub fn hash16(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        if let Ok(b) = hex::decode(self.hash.get(..32).unwrap_or(&self.hash)) {
            let n = b.len().min(16);
            out[..n].copy_from_slice(&b[..n]);
        }
        out
    }

    /// True when the stored hash matches the stored bytes (detects edits and corruption).
    /// Never re-serialises: an event of an older build verifies in every later one.
    pub fn verify(&self) -> bool {
        !self.canonical.is_empty()
            && self.hash == hex::encode(Sha256::digest(self.canonical.as_bytes()))
    }

    /// Re-serialises the decoded fields and recomputes the hash, dropping the signature —
    /// what someone editing a file and fixing its hash does. Tests use it to forge events;
    /// the app never calls it.
    #[doc(hidden)]
    pub fn reseal(&mut self) {
        let text = canonical_text(&self.id, &self.at, &self.actor, &self.subject, &self.body);
        self.hash = hex::encode(Sha256::digest(text.as_bytes()));
        self.canonical = text.into();
        self.sig = None;
    }

    /// The event as one JSON object: the canonical bytes verbatim with `hash` (and `sig`)
    /// appended. This is how events are stored and written into files.
    pub fn to_json(&self) -> String {
        let c = &*self.canonical;
        let body = c.strip_suffix('}').unwrap_or(c);
        let mut out = String::with_capacity(c.len() + 200);
        out.push_str(body);
        out.push_str(",\"hash\":\"");
        out.push_str(&self.hash);
        out.push('"');
        if let Some(sig) = &self.sig {
            out.push_str(",\"sig\":\"");
            out.push_str(sig);
            out.push('"');
        }
        out.push('}');
        out
    }

    /// Decodes an event, keeping its canonical bytes. An event written by this or any older
    /// build ends with `,"hash":"…"}` (or `,"hash":"…","sig":"…"}`) after its canonical
    /// bytes; text in any other shape (re-formatted by hand) keeps the re-serialised fields as
    /// its canonical bytes, so it verifies only if that is what was hashed.
    pub fn from_json(text: &str) -> Result<Event, serde_json::Error> {
        let w: Wire = serde_json::from_str(text)?;
        let mut suffix = format!(",\"hash\":\"{}\"", w.hash);
        if let Some(sig) = &w.sig {
            suffix.push_str(&format!(",\"sig\":\"{sig}\""));
        }
        suffix.push('}');
        let canonical: std::sync::Arc<str> = match text.trim_end().strip_suffix(&suffix) {
            Some(head) if head.starts_with('{') => format!("{head}}}").into(),
            _ => canonical_text(&w.id, &w.at, &w.actor, &w.subject, &w.body).into(),
        };
        Ok(Event {
            id: w.id,
            at: w.at,
            actor: w.actor,
            subject: w.subject,
            body: w.body,
            hash: w.hash,
            sig: w.sig,
            canonical,
        })
    }
}

/// Canonical content: JSON of the fields in declaration order (structs only, no maps with
/// unordered keys anywhere in bodies). Computed once, when an event is written.
fn canonical_text(
    id: &EventId,
    at: &Hlc,
    actor: &Option<StaffId>,
    subject: &RecordRef,
    body: &EventBody,
) -> String {
    serde_json::to_string(&Canonical {
        id,
        at,
        actor,
        subject,
        body,
    })
    .expect("event bodies always serialise")
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.to_json())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw: Box<serde_json::value::RawValue> = Deserialize::deserialize(d)?;
        Event::from_json(raw.get()).map_err(serde::de::Error::custom)
    }
}

/// Sorts events into fold order (HLC, then id as a tiebreak for identical stamps).
pub fn sort_events(events: &mut [Event]) {
    events.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::estate::{EstateEvent, Settings};

    /// Issue 12: an event written before `Settings` gained `complaints` and `post_items` (with
    /// serde defaults) decodes with the defaults — and still verifies, because its stored bytes
    /// are hashed, not a re-serialisation that would now carry the new fields.
    #[test]
    fn an_older_event_with_a_newly_defaulted_field_verifies() {
        let canonical = concat!(
            r#"{"id":"0b6c5a4e-1d4f-4a63-9f1e-2f0d6a0c9b11","#,
            r#""at":{"wall":1790000000000,"counter":0,"device":"5d1c8e2a-7b3f-4c9d-8e6a-1f2b3c4d5e6f"},"#,
            r#""actor":"9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","#,
            r#""subject":{"kind":"estate","id":"00000000-0000-0000-0000-000000000000"},"#,
            r#""body":{"m":"estate","e":{"t":"settings_changed","settings":{"idle_lock_minutes":3,"#,
            r#""import_max_skew_hours":48,"backup_reminder_days":5}}}}"#
        );
        let hash = hex::encode(Sha256::digest(canonical.as_bytes()));
        let line = format!(
            "{},\"hash\":\"{hash}\"}}",
            &canonical[..canonical.len() - 1]
        );
        let e: Event = serde_json::from_str(&line).unwrap();
        let EventBody::Estate(EstateEvent::SettingsChanged { settings }) = &e.body else {
            panic!("decodes as a settings change");
        };
        assert_eq!(settings.idle_lock_minutes, 3);
        assert_eq!(settings.post_items, Settings::default().post_items);
        assert!(e.verify(), "verified over the bytes it was hashed over");
        assert_eq!(e.to_json(), line, "written back verbatim");
        // What verification used to do — re-serialise — no longer matches.
        let mut reserialised = e.clone();
        reserialised.reseal();
        assert_ne!(reserialised.hash, e.hash);
    }

    #[test]
    fn an_edited_event_fails_verification() {
        let e = Event::new(
            crate::domain::ids::Id::derived("ev", 1),
            Hlc::zero(crate::domain::ids::Id::derived("dev", 1)),
            None,
            Draft {
                subject: crate::domain::estate::estate_ref(),
                body: EventBody::Estate(EstateEvent::Renamed { name: "甲".into() }),
            },
        );
        let line = e.to_json().replace("甲", "乙");
        let edited: Event = serde_json::from_str(&line).unwrap();
        assert!(!edited.verify());
        assert!(e.verify());
    }
}
