//! Import analysis: everything is validated before anything is written, and the result is a
//! preview ([`ImportPlan`]) the user confirms.
//!
//! Order of checks: envelope (magic, length, checksum, version, header) → estate → decryption
//! → every event and photo against its hash (PINs in a plain file, one content per id, the
//! estate's founding) → a tablet without an estate gets one → enrolments → signatures → the
//! header's signature → ids already on this tablet with other content (tampering: the whole
//! file is refused) → future-dated events (quarantined) → the preview.
//!
//! **One analysis** (issue 13): [`Analysis`] takes a file part by part — the segments of a
//! streamed import (`sync::sliced`) as they are verified, or a whole file as one part
//! ([`analyze_file`], `service::plan_import`) — reading this tablet's events through
//! [`Lookup`] (the store, or a [`LocalData`] snapshot). Every check exists once.
//!
//! **Merge** is the union of events; a record's state is re-folded in HLC order, so the event
//! with the higher HLC wins deterministically on every tablet.
//!
//! **Conflict rule.** Every event "sets" one field group of its record (a registry record's
//! whole description, a staff member's profile, PIN or active flag, the estate's name or its
//! settings). For each record and field group the import touches, take `H`, the newest event
//! of that group already on this tablet, and `N`, the newest new event from the file. They
//! conflict when they come from different devices and neither side knew the other's: `N` is new
//! here, so this tablet had not seen it when `H` was written or received; and the exporter had
//! not seen `H` (its header watermark for `H`'s device is below `H`). The HLC winner stays in
//! force, and the losing value stays in the log and is listed for a supervisor to confirm or
//! reverse. The first tablet that holds both events reports the pair; a tablet that receives
//! both in one file (the exporter already held both) does not report it again.

use super::error::{ImportError, Tamper};
use super::export::is_pin;
use super::format::{self, Blob, Covers, EstateIdentity, Header, ParsedFile};
use super::{covered, just_before, raise, SyncState, Watermarks};
use crate::domain::device::{Device, Trust, Untrusted};
use crate::domain::estate::EstateEvent;
use crate::domain::event::{Event, EventBody, RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::i18n::Text;
use crate::domain::ids::{DeviceId, EventId, StaffId};
use crate::domain::registry::RegistryEvent;
use crate::domain::staff::StaffEvent;
use crate::store::StoreError;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Import settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSettings {
    /// Events stamped later than now + this are quarantined (a tablet with a wrong clock).
    pub max_future_skew_ms: i64,
    /// A streamed file of at most this many bytes keeps, from pass 1, the events and photos
    /// it adds, and pass 2 absorbs those instead of reading and opening the file again
    /// (issue 13: the daily exchange's second read was ~0.1 s of its 1.3 s at 4×). Larger
    /// files are read twice, so an import's memory stays bounded.
    pub keep_max_bytes: u64,
}

impl Default for ImportSettings {
    fn default() -> Self {
        ImportSettings {
            max_future_skew_ms: 24 * 60 * 60 * 1000,
            keep_max_bytes: 8 << 20,
        }
    }
}

/// What the analysis needs to know about this tablet's data (synchronous, so [`analyze`] is
/// pure and fuzzable; the app's imports read the store instead, through the same analysis).
pub trait LocalData {
    /// This tablet.
    fn device(&self) -> DeviceId;
    /// The estate this tablet holds, if it has one yet.
    fn estate(&self) -> Option<EstateIdentity>;
    /// The hash of the stored event with this id, if any.
    fn event_hash(&self, id: EventId) -> Option<String>;
    /// The stored events of one record.
    fn events_for(&self, subject: RecordRef) -> Vec<Event>;
    /// This tablet's watermarks ([`SyncState::seen`]).
    fn seen(&self) -> Watermarks;
    /// The enrolled tablets' keys and attestations this tablet holds (issue 12).
    fn trust(&self) -> Trust;
}

/// The local data an import touches, gathered up front.
#[derive(Clone, Debug, Default)]
pub struct LocalSnapshot {
    pub device: DeviceId,
    pub estate: Option<EstateIdentity>,
    pub hashes: HashMap<EventId, String>,
    pub by_subject: HashMap<RecordRef, Vec<Event>>,
    pub seen: Watermarks,
    pub trust: Trust,
}

impl LocalSnapshot {
    /// From every event of a tablet (tests, the fuzz target).
    pub fn from_events(device: DeviceId, events: &[Event], state: &SyncState) -> Self {
        let mut s = LocalSnapshot {
            device,
            estate: super::export::estate_identity(events),
            seen: state.seen.clone(),
            ..Default::default()
        };
        for e in events {
            s.hashes.insert(e.id, e.hash.clone());
            s.by_subject.entry(e.subject).or_default().push(e.clone());
        }
        let devices: Vec<(DeviceId, Device)> = s
            .by_subject
            .iter()
            .filter(|(r, _)| r.kind == RecordKind::Device)
            .filter_map(|(r, evs)| {
                crate::domain::view::fold_all::<Device>(r.id, evs.clone())
                    .and_then(|v| v.state())
                    .map(|d| (r.id, d))
            })
            .collect();
        s.trust = Trust::from_devices(devices.iter().map(|(id, d)| (*id, d)));
        s
    }
}

impl LocalData for LocalSnapshot {
    fn device(&self) -> DeviceId {
        self.device
    }
    fn estate(&self) -> Option<EstateIdentity> {
        self.estate.clone()
    }
    fn event_hash(&self, id: EventId) -> Option<String> {
        self.hashes.get(&id).cloned()
    }
    fn events_for(&self, subject: RecordRef) -> Vec<Event> {
        self.by_subject.get(&subject).cloned().unwrap_or_default()
    }
    fn seen(&self) -> Watermarks {
        self.seen.clone()
    }
    fn trust(&self) -> Trust {
        self.trust.clone()
    }
}

/// New and updated records of one kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleCounts {
    /// Records this tablet did not have.
    pub new_records: usize,
    /// Records this tablet had that receive new events.
    pub updated_records: usize,
    pub new_events: usize,
}

/// One side of a conflict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictSide {
    pub event: EventId,
    pub device: DeviceId,
    pub actor: Option<StaffId>,
    pub at: Hlc,
    /// Already on this tablet before the import.
    pub local: bool,
    /// The value it set (the event body as JSON; PIN hashes are never shown).
    pub value: serde_json::Value,
}

impl ConflictSide {
    pub(crate) fn of(e: &Event, local: bool) -> Self {
        let value = if is_pin(e) {
            serde_json::json!({"pin": "******"})
        } else {
            serde_json::to_value(&e.body).unwrap_or_default()
        };
        ConflictSide {
            event: e.id,
            device: e.device(),
            actor: e.actor,
            at: e.at,
            local,
            value,
        }
    }
}

/// Two tablets changed the same field of a record without knowing of each other.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub subject: RecordRef,
    /// The field group: "info", "profile", "pin", "active", "moved_out", "name", "settings",
    /// a module's own (`slot:2026-12-05` for one day of a roster, …).
    pub field: String,
    /// In force after the import (the higher HLC).
    pub winner: ConflictSide,
    /// Kept in the history; shown to a supervisor to confirm or reverse.
    pub loser: ConflictSide,
}

impl Conflict {
    pub fn message(&self) -> Text {
        let (w, l) = (self.winner.device.short(), self.loser.device.short());
        // A roster day (issue 12, DUTY-1): the same day set on two tablets; other days of the
        // month are not part of it and stay as each tablet set them.
        if let Some(what) = crate::domain::duty::group_label(&self.field) {
            return Text::new(
                format!(
                    "{}被两台平板同时安排：采用平板 {w} 较晚的安排；平板 {l} 的安排未生效，保留在历史中，请主管确认或改回。",
                    what.zh
                ),
                format!(
                    "{} was set on two tablets at once: tablet {w}'s later choice is in force; tablet {l}'s is not, and is kept in the history for a supervisor to confirm or reverse.",
                    what.en
                ),
            );
        }
        Text::new(
            format!(
                "{}记录 {} 被两台平板同时修改：采用平板 {w} 较晚的修改，平板 {l} 的修改已保留在历史中，请主管确认或改回。",
                kind_label(self.subject.kind).zh,
                self.subject.id.short()
            ),
            format!(
                "{} record {} was changed on two tablets at once: tablet {w}'s later change is in force; tablet {l}'s change is kept in the history for a supervisor to confirm or reverse.",
                kind_label(self.subject.kind).en,
                self.subject.id.short()
            ),
        )
    }
}

/// Events held back because their time is too far ahead: the named device's clock is wrong.
/// They are not imported (and not lost: they stay on the exporting tablet and come again with
/// the next exchange, which imports them once the time has come or the clock was fixed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quarantine {
    pub device: DeviceId,
    pub events: usize,
    /// The furthest event, milliseconds ahead of this tablet's clock.
    pub ahead_ms: i64,
}

impl Quarantine {
    pub fn message(&self) -> Text {
        let hours = self.ahead_ms / 3_600_000;
        Text::new(
            format!(
                "平板 {} 的时钟快了约{hours}小时：它的{}条记录时间在未来，暂不导入。请校正该平板（或本平板，如本平板时钟慢了）的日期和时间后再同步。",
                self.device.short(),
                self.events
            ),
            format!(
                "Tablet {}'s clock is about {hours} h ahead: {} of its records are dated in the future and were held back. Set that tablet's date and time (or this one's, if this clock is behind), then sync again.",
                self.device.short(),
                self.events
            ),
        )
    }
}

/// What applying the plan teaches this tablet's [`SyncState`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncUpdate {
    pub exporter: DeviceId,
    /// The exporter's watermarks from the header.
    pub exporter_seen: Watermarks,
    /// This tablet's watermarks after the import (only ranges the file filled completely).
    pub advance: Watermarks,
}

/// The validated file and the preview of what importing it would do.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportPlan {
    pub header: Header,
    /// Events to absorb (new to this tablet, not quarantined), in HLC order. Empty in a
    /// streamed import's plan (issue 13: the file's events are re-read from it in groups).
    pub new_events: Vec<Event>,
    /// How many events the import adds (`new_events.len()` when they are held).
    pub new_count: usize,
    /// Distinct photos the file carries, their hashes checked (`blobs.len()` when they are
    /// held; a streamed import holds none).
    pub photo_count: usize,
    /// Events this tablet already holds (same id and hash).
    pub already_present: usize,
    pub modules: BTreeMap<RecordKind, ModuleCounts>,
    pub conflicts: Vec<Conflict>,
    pub quarantined: Vec<Quarantine>,
    pub blobs: Vec<Blob>,
    pub sync: SyncUpdate,
    /// Duty-log entries torn out, altered or relinked (DUTY-4): shown, not refused.
    pub duty_log_problems: Vec<Text>,
    /// The file lists an event more than once (the same content; no exporter writes that): a
    /// restore then looks its groups' events up instead of writing them unindexed (issue 13).
    pub repeats: bool,
}

impl ImportPlan {
    /// Importing would change nothing (the same file again).
    pub fn is_noop(&self) -> bool {
        self.new_count == 0
    }
    pub fn encrypted(&self) -> bool {
        self.header.encryption.is_some()
    }
    /// PIN events the exporter left out because the file is not encrypted.
    pub fn pins_withheld(&self) -> u64 {
        self.header.counts.pins_withheld
    }
    /// The preview, one line each: per module, conflicts, quarantine, withheld PINs.
    pub fn summary(&self) -> Vec<Text> {
        let mut out = Vec::new();
        if self.is_noop() {
            out.push(Text::new(
                "没有新内容：本平板已有此文件中的全部记录。",
                "Nothing new: this tablet already has every record in this file.",
            ));
        }
        for (kind, c) in &self.modules {
            let k = kind_label(*kind);
            out.push(Text::new(
                format!(
                    "{}：新增{}条，更新{}条",
                    k.zh, c.new_records, c.updated_records
                ),
                format!(
                    "{}: {} new, {} updated",
                    k.en, c.new_records, c.updated_records
                ),
            ));
        }
        if self.photo_count > 0 {
            let n = self.photo_count;
            out.push(Text::new(
                format!("照片{n}张（已校验）：本平板缺少的照片与记录一并保存。"),
                format!(
                    "{n} photos (checked): those this tablet lacks are saved with the records."
                ),
            ));
        }
        out.extend(self.conflicts.iter().map(Conflict::message));
        out.extend(self.quarantined.iter().map(Quarantine::message));
        out.extend(self.duty_log_problems.iter().cloned());
        let n = self.pins_withheld();
        if n > 0 {
            out.push(Text::new(
                format!("此文件未加密，不含员工PIN（{n}条）：相关员工需在本平板重新设置PIN，或改用加密文件同步。"),
                format!("This file is not encrypted and carries no staff PINs ({n}): those staff need a PIN set on this tablet, or sync with an encrypted file."),
            ));
        }
        out
    }
}

/// Record kinds by name, for the preview.
pub fn kind_label(kind: RecordKind) -> Text {
    match kind {
        RecordKind::Estate => Text::new("小区", "Estate"),
        RecordKind::Staff => Text::new("员工", "Staff"),
        RecordKind::Building => Text::new("楼栋", "Buildings"),
        RecordKind::Unit => Text::new("房号", "Units"),
        RecordKind::Household => Text::new("住户", "Households"),
        RecordKind::Facility => Text::new("设施", "Facilities"),
        RecordKind::Checkpoint => Text::new("巡查点", "Checkpoints"),
        RecordKind::Complaint => Text::new("投诉", "Complaints"),
        RecordKind::Callback => Text::new("回访", "Callbacks"),
        RecordKind::HelpRequest => Text::new("求助", "Help requests"),
        RecordKind::PatrolRoute => Text::new("巡查路线", "Patrol routes"),
        RecordKind::PatrolRound => Text::new("巡查", "Patrol rounds"),
        RecordKind::PatrolFinding => Text::new("巡查发现", "Patrol findings"),
        RecordKind::CleaningCheck => Text::new("清洁检查", "Cleaning inspections"),
        RecordKind::ViolationDraft => Text::new("装修违章草稿", "Violation drafts"),
        RecordKind::WorkOrder => Text::new("工单", "Work orders"),
        RecordKind::Roster => Text::new("值班安排表", "Duty rosters"),
        RecordKind::DutyLeave => Text::new("请假", "Leave requests"),
        RecordKind::DutyLog => Text::new("值班记录", "Duty logs"),
        RecordKind::DutyChain => Text::new("值班记录链", "Duty log chains"),
        RecordKind::Handover => Text::new("交接班", "Handovers"),
        RecordKind::Incident => Text::new("突发事件", "Incidents"),
        RecordKind::Device => Text::new("平板", "Tablets"),
        RecordKind::TrainingMatrix => Text::new("岗位培训表", "Training matrix"),
        RecordKind::TrainingRecord => Text::new("培训记录", "Training records"),
        RecordKind::Discipline => Text::new("违纪处理", "Discipline records"),
        RecordKind::FeeItem => Text::new("收费标准", "Fee schedule"),
        RecordKind::CashDay => Text::new("现金日结", "Cash days"),
        RecordKind::Mail => Text::new("业主信件", "Mail"),
        RecordKind::Subscription => Text::new("客户订报", "Subscriptions"),
        RecordKind::PaperDay => Text::new("报刊分拣", "Newspaper days"),
        RecordKind::Consignment => Text::new("代售品", "Consigned items"),
        RecordKind::Violation => Text::new("客户违章", "Violations"),
        RecordKind::Purged => Text::new("已清理的过期资料", "Purged records"),
        RecordKind::PaidReconciliation => {
            Text::new("有偿服务月度对账", "Paid-service reconciliations")
        }
        RecordKind::MonthlyReview => Text::new("月度呈报", "Monthly results"),
        RecordKind::Forum => Text::new("业主座谈会", "Residents' forums"),
        RecordKind::MoveInBatch => Text::new("入伙批次", "Move-in batches"),
        RecordKind::MoveInSession => Text::new("入伙手续", "Move-in sessions"),
        RecordKind::Survey => Text::new("满意度调查", "Satisfaction surveys"),
        RecordKind::ArrearsMonth => Text::new("欠费清单", "Arrears lists"),
        RecordKind::QualityYear => Text::new("质量年度记录", "Quality years"),
        RecordKind::CorrectiveAction => Text::new("纠正措施", "Corrective actions"),
    }
}

pub use crate::domain::event::APPEND;

/// The field group an event sets (see the module doc). Roster slots are grouped per day
/// (`slot:<date>`, issue 12), so two tablets filling different days are no conflict.
pub fn field_group(body: &EventBody) -> Cow<'static, str> {
    match body {
        EventBody::Estate(EstateEvent::Founded { .. } | EstateEvent::Renamed { .. }) => {
            "name".into()
        }
        EventBody::Estate(EstateEvent::SettingsChanged { .. }) => "settings".into(),
        EventBody::Staff(StaffEvent::Created { .. } | StaffEvent::Updated { .. }) => {
            "profile".into()
        }
        EventBody::Staff(StaffEvent::PinSet { .. }) => "pin".into(),
        EventBody::Staff(StaffEvent::Deactivated | StaffEvent::Reactivated) => "active".into(),
        EventBody::Registry(RegistryEvent::HouseholdMovedOut { .. }) => "moved_out".into(),
        EventBody::Registry(_) => "info".into(),
        EventBody::Complaints(e) => e.field_group().into(),
        EventBody::Patrol(p) => p.field_group().into(),
        EventBody::WorkOrder(_) => APPEND.into(),
        EventBody::Duty(d) => crate::domain::duty::field_group(d),
        EventBody::Emergency(e) => crate::domain::emergency::field_group(e).into(),
        // A tablet enrols once; its first key stands (a different one refuses the file).
        EventBody::Device(_) => APPEND.into(),
        EventBody::Training(e) => e.field_group().into(),
        EventBody::Discipline(e) => e.field_group().into(),
        EventBody::Cash(e) => crate::domain::cash::field_group(e).into(),
        EventBody::Desk(e) => e.field_group().into(),
        EventBody::Violations(e) => e.field_group().into(),
        EventBody::Retention(_) => APPEND.into(),
        EventBody::Forum(crate::domain::forum::ForumEvent::Held { .. }) => "held".into(),
        EventBody::Forum(crate::domain::forum::ForumEvent::FollowedUp { item, .. }) => {
            format!("item:{item}").into()
        }
        EventBody::Review(e) => match e {
            crate::domain::review::ReviewEvent::Submitted { .. } => "submit".into(),
            crate::domain::review::ReviewEvent::Acknowledged { .. } => "signoff".into(),
        },
        EventBody::MoveIn(e) => e.field_group().into(),
        EventBody::Quality(e) => e.field_group().into(),
        EventBody::Corrective(e) => e.field_group().into(),
    }
}

pub(crate) fn is_founded(e: &Event) -> bool {
    matches!(e.body, EventBody::Estate(EstateEvent::Founded { .. }))
}

/// Refuses a file of another estate (from its plain header, before any passphrase is asked).
pub fn check_estate(header: &Header, local: Option<&EstateIdentity>) -> Result<(), ImportError> {
    match local {
        Some(l) if l.id != header.estate.id => Err(ImportError::WrongEstate {
            file: header.estate.name.clone(),
            local: l.name.clone(),
        }),
        _ => Ok(()),
    }
}

/// The conflict rule (module doc) for one record and field group: `h` the newest event of the
/// group held here, `n` the newest new one from the file.
pub(crate) fn conflict_between(
    subject: RecordRef,
    field: &str,
    h: &Event,
    n: &Event,
    header: &Header,
) -> Option<Conflict> {
    // The same content written on two tablets (a round planned by both from the same routes)
    // is no conflict.
    if h.device() == n.device() || covered(&header.seen, h) || h.body == n.body {
        return None;
    }
    let (winner, loser) = if (n.at, n.id) > (h.at, h.id) {
        (ConflictSide::of(n, false), ConflictSide::of(h, true))
    } else {
        (ConflictSide::of(h, true), ConflictSide::of(n, false))
    };
    Some(Conflict {
        subject,
        field: field.to_string(),
        winner,
        loser,
    })
}

/// What the import proves this tablet will hold: for each device, the exporter's watermark, if
/// the file's range starts at or below ours (`mine`: no hole), and stops before any held-back
/// event (`held`: per device, the first quarantined HLC) — this tablet's watermarks after it;
/// and whether it leaves this tablet holding everything the exporter held (a full file, or an
/// incremental one that starts within what this tablet holds: DUTY-4's anchors then apply).
pub(crate) fn proven<T>(
    header: &Header,
    mine: Watermarks,
    me: DeviceId,
    held: &BTreeMap<DeviceId, (T, i64, Hlc)>,
) -> (Watermarks, bool) {
    let mut advance = Watermarks::new();
    for (d, w) in &header.seen {
        if *d == me {
            continue;
        }
        let contiguous = match &header.covers {
            Covers::Full => true,
            Covers::Since { since } => match since.get(d) {
                None => true,
                Some(from) => mine.get(d).is_some_and(|m| from <= m),
            },
        };
        if !contiguous {
            continue;
        }
        let upto = match held.get(d) {
            Some((_, _, first)) => (*w).min(just_before(*first)),
            None => *w,
        };
        advance.insert(*d, upto);
    }
    let complete = match &header.covers {
        Covers::Full => true,
        Covers::Since { since } => since
            .iter()
            .all(|(d, from)| *d == me || mine.get(d).is_some_and(|m| from <= m)),
    };
    let mut seen_after = mine;
    raise(&mut seen_after, &advance);
    seen_after.remove(&me);
    (seen_after, complete)
}

/// What the import analysis reads of this tablet's events: a [`LocalData`] snapshot (the pure
/// [`analyze`], tests and the fuzz target) or the store (`service::StoreLookup`: every import
/// the app makes, whole-file or streamed).
#[allow(async_fn_in_trait)]
pub(crate) trait Lookup {
    /// Of these events, those this tablet holds, each with its stored hash (empty when the id
    /// is stored under another record: certainly other content).
    async fn held(&self, events: &[Event]) -> Result<HashMap<EventId, String>, StoreError>;
    /// The stored events of each record.
    async fn events_of(&self, subjects: &[RecordRef]) -> Result<Vec<Vec<Event>>, StoreError>;
    /// Whether each record has a stored event.
    async fn records_held(&self, subjects: &[RecordRef]) -> Result<Vec<bool>, StoreError>;
}

/// A [`LocalData`] read by the analysis (its answers are ready at once).
struct Snapshot<'a, L>(&'a L);

impl<L: LocalData> Lookup for Snapshot<'_, L> {
    async fn held(&self, events: &[Event]) -> Result<HashMap<EventId, String>, StoreError> {
        Ok(events
            .iter()
            .filter_map(|e| self.0.event_hash(e.id).map(|h| (e.id, h)))
            .collect())
    }
    async fn events_of(&self, subjects: &[RecordRef]) -> Result<Vec<Vec<Event>>, StoreError> {
        Ok(subjects.iter().map(|s| self.0.events_for(*s)).collect())
    }
    async fn records_held(&self, subjects: &[RecordRef]) -> Result<Vec<bool>, StoreError> {
        Ok(subjects
            .iter()
            .map(|s| !self.0.events_for(*s).is_empty())
            .collect())
    }
}

/// One part of a file as the analysis takes it: a format-3 segment that the streamed check
/// verified (frame, tag, lines), or a whole file read at once (one part, the last).
pub(crate) struct Part {
    pub last: bool,
    pub events: Vec<Event>,
    pub blobs: Vec<Blob>,
}

/// A photo the file carries: its name, legacy keys and the part it is in (a streamed import
/// reads it from there in its second pass).
#[derive(Clone, Debug)]
pub(crate) struct PhotoInfo {
    pub sha256: String,
    pub keys: Vec<String>,
    pub segment: usize,
}

/// A record the file's new events touch and this tablet holds: the newest stored event of
/// each field group, and the newest new one.
#[derive(Default)]
struct Updated {
    stored: BTreeMap<String, Event>,
    incoming: BTreeMap<String, Event>,
}

/// The import analysis (issue 13: the only one): fed a file part by part — the segments of a
/// streamed import as they are verified, or a whole file as one part — it checks every event
/// and photo and accumulates the preview, holding one part's records at a time; its
/// [`finish`](Self::finish) gives the [`ImportPlan`] or the refusal.
///
/// Refusals come in the order of docs/FILE-FORMAT.md's checks, whatever the parts: the
/// integrity of the events (check 9) at once, in file order; then the first photo whose bytes
/// are not its hash (9), a tablet without an estate that gets no `Founded` event (10), the
/// first refused enrolment (9a), the first event whose signature or attestation fails (9b), the
/// header's signature (9c), and the first id held here with other content (11) — those are
/// kept while the rest of the file is read, and reported by `finish` in that order.
#[derive(Default)]
pub(crate) struct Analysis {
    /// Keep the new events and the photos (a whole file's plan holds them).
    keep: bool,
    plain: bool,
    estate_id: EventId,
    estate_name: String,
    local_estate_name: Option<String>,
    trust: Trust,
    limit: i64,
    now: i64,
    /// Parts analysed so far.
    parts: usize,
    /// Every id in the file, with the first 16 bytes of its hash (one content per id).
    in_file: HashMap<EventId, [u8; 16]>,
    /// An id came again with the same content ([`ImportPlan::repeats`]).
    repeats: bool,
    founded: bool,
    /// The first `device` event of each tablet record (the id a refused enrolment names).
    device_events: HashMap<DeviceId, EventId>,
    tampered_blob: Option<ImportError>,
    refused_enrolment: Option<Untrusted>,
    /// The first event whose signature failed (a part before the last: until a recheck finds
    /// an earlier one).
    untrusted: Option<ImportError>,
    differs: Option<ImportError>,
    /// Parts holding events whose signature or attestation could not be decided in order.
    recheck: BTreeSet<usize>,
    /// Some of them failed in order (an unknown tablet, no attestation yet): checked again
    /// even when no tablet turns out enrolled.
    must_recheck: bool,
    new_count: usize,
    already_present: usize,
    /// The file's ids this tablet holds, while they are at most [`HELD_IDS_MAX`] (`None`
    /// past it): a streamed import's second pass leaves them out without asking the store
    /// again (issue 13).
    held_ids: Option<HashSet<EventId>>,
    held: BTreeMap<DeviceId, (usize, i64, Hlc)>,
    held_back: Vec<Event>,
    /// Records new events touch, and whether their stored events were read.
    touched: HashMap<RecordRef, Touched>,
    updated: BTreeMap<RecordRef, Updated>,
    modules: BTreeMap<RecordKind, ModuleCounts>,
    /// New events the duty-log chain check reads.
    duty: Vec<Event>,
    /// The distinct photos, in file order.
    pub photos: Vec<PhotoInfo>,
    photo_seen: HashSet<String>,
    new_events: Vec<Event>,
    blobs: Vec<Blob>,
}

/// What the conflict rule knows of a record new events touch (issue 13).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Touched {
    /// New to this tablet, or held and its stored events read: nothing more to read.
    Read,
    /// Held, its stored events not read: the file only appended to it so far (see
    /// [`needs_stored_events`]).
    HeldUnread,
}

/// How many held ids an analysis remembers for the second pass (16 bytes each, about 4 MB of
/// wasm memory at most); a file overlapping this tablet more than that is looked up again.
pub const HELD_IDS_MAX: usize = 200_000;

fn duty_relevant(e: &Event) -> bool {
    use crate::domain::duty::DutyEvent;
    e.subject.kind == RecordKind::DutyChain
        || matches!(
            &e.body,
            EventBody::Duty(
                DutyEvent::EntryAdded { .. }
                    | DutyEvent::ChainLinked { .. }
                    | DutyEvent::LogSigned { .. }
            )
        )
}

/// Whether the conflict rule reads the stored events of `e`'s record (issue 13): only for a
/// field group that can conflict. Appends are kept from both tablets, so of a record the file
/// only appends to (a work order's steps, a patrol round's scans) the preview needs no more
/// than whether it is held. A duty chain's are read for DUTY-4's check too.
pub(crate) fn needs_stored_events(e: &Event) -> bool {
    e.subject.kind == RecordKind::DutyChain || field_group(&e.body) != APPEND
}

/// Keeps the newest event of each field group.
fn newer(by_group: &mut BTreeMap<String, Event>, e: &Event) {
    let g = field_group(&e.body).into_owned();
    match by_group.get(&g) {
        Some(o) if (o.at, o.id) >= (e.at, e.id) => {}
        _ => {
            by_group.insert(g, e.clone());
        }
    }
}

impl Analysis {
    /// An analysis of the file `header` describes, for a tablet holding `local_estate` and
    /// trusting `trust`'s keys. `keep`: the plan holds the new events and photos.
    pub(crate) fn new(
        header: &Header,
        local_estate: Option<&EstateIdentity>,
        trust: Trust,
        now: i64,
        settings: &ImportSettings,
        keep: bool,
    ) -> Self {
        Analysis {
            keep,
            plain: header.encryption.is_none(),
            estate_id: header.estate.id,
            estate_name: header.estate.name.clone(),
            local_estate_name: local_estate.map(|e| e.name.clone()),
            trust,
            limit: now.saturating_add(settings.max_future_skew_ms),
            now,
            held_ids: Some(HashSet::new()),
            ..Default::default()
        }
    }

    /// The file's ids found held here (see `held_ids`), taken once the file is read.
    pub(crate) fn take_held_ids(&mut self) -> Option<HashSet<EventId>> {
        self.held_ids.take()
    }

    /// Nothing of the file will be imported (a refusal is kept for [`finish`](Self::finish)).
    fn refused(&self) -> bool {
        self.tampered_blob.is_some()
            || self.refused_enrolment.is_some()
            || self.untrusted.is_some()
            || self.differs.is_some()
    }

    /// One part: its events and photos checked, the preview's counts taken, then dropped.
    pub(crate) async fn segment<L: Lookup>(
        &mut self,
        local: &L,
        part: Part,
    ) -> Result<(), ImportError> {
        let index = self.parts;
        self.parts += 1;
        // Check 9: every event against its own hash, no PIN in a plain file, one content per
        // id, a `Founded` event only of this estate.
        let hashing = crate::bench::spans::span("check: event hashes");
        let mut unique = Vec::with_capacity(part.events.len());
        for e in part.events {
            if !e.verify() {
                return Err(ImportError::TamperedEvent {
                    id: e.id,
                    how: Tamper::ContentEdited,
                });
            }
            // No exporter writes PIN hashes in clear (issue 12): a plain file carrying one was
            // made by hand, and accepting it would let anyone set a person's PIN.
            if self.plain && is_pin(&e) {
                return Err(ImportError::PinInPlainFile { id: e.id });
            }
            let h = e.hash16();
            match self.in_file.get(&e.id) {
                Some(k) if *k == h => {
                    self.repeats = true;
                    continue;
                }
                Some(_) => {
                    return Err(ImportError::TamperedEvent {
                        id: e.id,
                        how: Tamper::DuplicateInFile,
                    })
                }
                None => {}
            }
            if is_founded(&e) {
                if e.id != self.estate_id {
                    return Err(ImportError::WrongEstate {
                        file: format!("{} / {}", self.estate_name, e.id.short()),
                        local: self
                            .local_estate_name
                            .clone()
                            .unwrap_or_else(|| self.estate_name.clone()),
                    });
                }
                self.founded = true;
            }
            if matches!(e.body, EventBody::Device(_)) {
                self.device_events.entry(e.subject.id).or_insert(e.id);
            }
            self.in_file.insert(e.id, h);
            unique.push(e);
        }
        drop(hashing);
        // Check 9: every photo against its hash (after every event's check), each kept once.
        for b in part.blobs {
            if !b.verify() {
                if self.tampered_blob.is_none() {
                    self.tampered_blob = Some(ImportError::TamperedBlob { sha256: b.sha256 });
                }
                continue;
            }
            if self.photo_seen.insert(b.sha256.clone()) {
                self.photos.push(PhotoInfo {
                    sha256: b.sha256.clone(),
                    keys: b.keys.clone(),
                    segment: index,
                });
                if self.keep {
                    self.blobs.push(b);
                }
            }
        }
        if unique.is_empty() || self.refused_enrolment.is_some() {
            return Ok(());
        }
        // Check 9a (issue 12): the file's enrolments, learned in file order before any
        // signature is checked; they must be self-signed and agree with the keys known here.
        if let Err(why) = self.trust.learn(&unique) {
            self.refused_enrolment = Some(why);
            return Ok(());
        }
        let looking = crate::bench::spans::span("check: held ids (store)");
        let held = local.held(&unique).await?;
        drop(looking);
        // Check 9b, first at once: the signatures of the events not held here, verified
        // together (issue 13: a batch is ~2.5× faster in wasm); when the batch fails, each is
        // checked on its own below, which finds the first bad one in file order.
        let signing = crate::bench::spans::span("check: signatures");
        let signed: Vec<&Event> = unique
            .iter()
            .filter(|e| e.sig.is_some() && !held.contains_key(&e.id))
            .collect();
        let all_signed_ok = signed.len() > 1 && self.trust.verify_all(&signed);
        drop(signed);
        let mut new = Vec::new();
        for e in unique {
            // Check 11: an id held here has the same content.
            if let Some(h) = held.get(&e.id) {
                if *h == e.hash {
                    self.already_present += 1;
                    if let Some(ids) = &mut self.held_ids {
                        if ids.len() < HELD_IDS_MAX {
                            ids.insert(e.id);
                        } else {
                            self.held_ids = None;
                        }
                    }
                } else if self.differs.is_none() {
                    self.differs = Some(ImportError::TamperedEvent {
                        id: e.id,
                        how: Tamper::DiffersFromKnown,
                    });
                }
                continue;
            }
            // Check 9b: every event this tablet does not hold carries its tablet's signature,
            // or — unsigned, written before signatures — is attested. Decided now in the last
            // part, or when enrolments later in the file cannot change the answer; otherwise
            // the part is checked again at the end.
            let verdict = if all_signed_ok && e.sig.is_some() {
                Ok(())
            } else {
                self.trust.check(&e)
            };
            match verdict {
                Ok(()) if part.last || e.sig.is_some() || self.trust.signing() => {}
                Ok(()) => {
                    self.recheck.insert(index);
                }
                Err(why) => {
                    if !part.last {
                        self.recheck.insert(index);
                        self.must_recheck = true;
                    }
                    let later = matches!(
                        why,
                        Untrusted::UnknownTablet { .. } | Untrusted::Unattested { .. }
                    );
                    if self.untrusted.is_none() && (part.last || !later) {
                        self.untrusted = Some(ImportError::Untrusted { id: e.id, why });
                    }
                }
            }
            // Future-dated: held back (quarantined), not refused.
            if e.at.wall > self.limit {
                let q = self.held.entry(e.device()).or_insert((0, 0, e.at));
                q.0 += 1;
                q.1 = q.1.max(e.at.wall.saturating_sub(self.now));
                q.2 = q.2.min(e.at);
                if e.subject.kind == RecordKind::DutyChain {
                    self.held_back.push(e);
                }
                continue;
            }
            new.push(e);
        }
        drop(signing);
        if self.refused() {
            return Ok(());
        }
        let _reading = crate::bench::spans::span("check: touched records (store)");
        // Records per module, and what the conflict rule compares: the stored events of the
        // records a new event may conflict on (read once, when the first such event comes);
        // of the others only whether they are held.
        let mut first_seen = BTreeSet::new();
        let mut to_read = BTreeSet::new();
        for e in &new {
            let known = self.touched.get(&e.subject).copied();
            if known.is_none() {
                first_seen.insert(e.subject);
            }
            if known != Some(Touched::Read) && needs_stored_events(e) {
                to_read.insert(e.subject);
            }
        }
        let only_held: Vec<RecordRef> = first_seen
            .iter()
            .filter(|s| !to_read.contains(s))
            .copied()
            .collect();
        let to_read: Vec<RecordRef> = to_read.into_iter().collect();
        if !only_held.is_empty() {
            for (s, held) in only_held.iter().zip(local.records_held(&only_held).await?) {
                let m = self.modules.entry(s.kind).or_default();
                if held {
                    m.updated_records += 1;
                    self.touched.insert(*s, Touched::HeldUnread);
                } else {
                    m.new_records += 1;
                    self.touched.insert(*s, Touched::Read);
                }
            }
        }
        if !to_read.is_empty() {
            let stored_of = local.events_of(&to_read).await?;
            for (s, stored) in to_read.iter().zip(stored_of) {
                // A record first met appending is counted already; now read for a field a
                // new event sets.
                let counted = self.touched.insert(*s, Touched::Read) == Some(Touched::HeldUnread);
                if !counted {
                    let m = self.modules.entry(s.kind).or_default();
                    if stored.is_empty() {
                        m.new_records += 1;
                        continue;
                    }
                    m.updated_records += 1;
                }
                let mut u = Updated::default();
                for e in &stored {
                    newer(&mut u.stored, e);
                }
                self.updated.insert(*s, u);
            }
        }
        for e in new {
            self.new_count += 1;
            self.modules.entry(e.subject.kind).or_default().new_events += 1;
            if duty_relevant(&e) {
                self.duty.push(e.clone());
            }
            if let Some(u) = self.updated.get_mut(&e.subject) {
                newer(&mut u.incoming, &e);
            }
            if self.keep {
                self.new_events.push(e);
            }
        }
        Ok(())
    }

    /// The parts to read again for [`recheck`](Self::recheck), in file order: those holding
    /// events whose signature or attestation an enrolment later in the file decides (none
    /// when a refusal before the signatures is known already).
    pub(crate) fn to_recheck(&self, has_estate: bool) -> Vec<usize> {
        if (!has_estate && !self.founded)
            || self.tampered_blob.is_some()
            || self.refused_enrolment.is_some()
            || !(self.trust.signing() || self.must_recheck)
        {
            return Vec::new();
        }
        self.recheck.iter().copied().collect()
    }

    /// A part read again (in [`to_recheck`](Self::to_recheck)'s order): the events this tablet
    /// does not hold (`held`) checked against every enrolment of the file. True when one fails:
    /// the first in file order, so the caller stops.
    /// Pass 1 still knows every held id (see `held_ids`): a re-read part need not ask the store.
    pub(crate) fn knows_held(&self) -> bool {
        self.held_ids.is_some()
    }

    pub(crate) fn recheck(&mut self, events: &[Event], held: &HashSet<EventId>) -> bool {
        let known = self.held_ids.as_ref();
        let unheld: Vec<&Event> = events
            .iter()
            .filter(|e| !held.contains(&e.id) && !known.is_some_and(|k| k.contains(&e.id)))
            .collect();
        for e in unheld {
            if let Err(why) = self.trust.check(e) {
                self.untrusted = Some(ImportError::Untrusted { id: e.id, why });
                return true;
            }
        }
        false
    }

    /// Once every part was analysed: the refusal kept (in the checks' order), or the preview.
    /// `has_estate`: this tablet holds an estate; `mine` its watermarks; `me` this tablet.
    pub(crate) async fn finish<L: Lookup>(
        &mut self,
        local: &L,
        header: Header,
        signed_digest: Option<&[u8; 32]>,
        has_estate: bool,
        mine: Watermarks,
        me: DeviceId,
    ) -> Result<ImportPlan, ImportError> {
        if let Some(e) = self.tampered_blob.take() {
            return Err(e);
        }
        // Check 10: a tablet without an estate joins from a file that founds it.
        if !has_estate && !self.founded {
            return Err(ImportError::NeedFullExport {
                estate: header.estate.name.clone(),
            });
        }
        if let Some(why) = self.refused_enrolment.take() {
            return Err(ImportError::Untrusted {
                id: self
                    .device_events
                    .get(&why.device())
                    .copied()
                    .unwrap_or_default(),
                why,
            });
        }
        if let Some(e) = self.untrusted.take() {
            return Err(e);
        }
        // Check 9c: the header — range, counts, duty-log anchors — is the exporting tablet's,
        // signed: a file cut down (events dropped, anchors stripped) no longer matches it.
        self.trust
            .check_file(header.device, header.sig.as_deref(), signed_digest)
            .map_err(|why| ImportError::Untrusted {
                id: Default::default(),
                why,
            })?;
        if let Some(e) = self.differs.take() {
            return Err(e);
        }
        let mut conflicts = Vec::new();
        for (subject, u) in &self.updated {
            for (g, n) in &u.incoming {
                if g == APPEND {
                    continue;
                }
                let Some(h) = u.stored.get(g) else {
                    continue;
                };
                conflicts.extend(conflict_between(*subject, g, h, n, &header));
            }
        }
        let (seen_after, complete) = proven(&header, mine, me, &self.held);
        let quarantined = std::mem::take(&mut self.held)
            .into_iter()
            .map(|(device, (events, ahead_ms, _))| Quarantine {
                device,
                events,
                ahead_ms,
            })
            .collect();
        // DUTY-4 with the anchors (issue 12): the header's chain heads and the sign-offs'.
        // Entries below them must be here after the import when it leaves this tablet holding
        // everything the exporter held. The chains the new duty events and the anchors name
        // are read once.
        crate::domain::event::sort_events(&mut self.duty);
        let mut chains: Vec<RecordRef> = self
            .duty
            .iter()
            .filter(|e| e.subject.kind == RecordKind::DutyChain)
            .map(|e| e.subject)
            .collect();
        chains.extend(crate::domain::duty::anchored_chains(
            &self.duty,
            &header.chain_heads,
        ));
        chains.sort();
        chains.dedup();
        let reading = crate::bench::spans::span("check: duty chains (store)");
        let stored: HashMap<RecordRef, Vec<Event>> = chains
            .iter()
            .copied()
            .zip(local.events_of(&chains).await?)
            .collect();
        drop(reading);
        let duty_log_problems = crate::domain::duty::import_check_file(
            &self.duty,
            &crate::domain::duty::FileAnchors {
                declared: header.chain_heads.clone(),
                complete,
                held_back: &self.held_back,
            },
            |s| stored.get(&s).cloned().unwrap_or_default(),
        );
        self.in_file = HashMap::new();
        self.touched = HashMap::new();
        self.duty = Vec::new();
        let mut new_events = std::mem::take(&mut self.new_events);
        crate::domain::event::sort_events(&mut new_events);
        Ok(ImportPlan {
            sync: SyncUpdate {
                exporter: header.device,
                exporter_seen: header.seen.clone(),
                advance: seen_after,
            },
            header,
            new_events,
            new_count: self.new_count,
            photo_count: self.photos.len(),
            already_present: self.already_present,
            modules: std::mem::take(&mut self.modules),
            conflicts,
            quarantined,
            blobs: std::mem::take(&mut self.blobs),
            duty_log_problems,
            repeats: self.repeats,
        })
    }
}

/// Validates a file against this tablet's data and previews the import. Pure: nothing is
/// written and the clock is not touched.
pub fn analyze(
    bytes: &[u8],
    passphrase: Option<&str>,
    local: &impl LocalData,
    now: i64,
    settings: &ImportSettings,
) -> Result<ImportPlan, ImportError> {
    let envelope = format::read_envelope(bytes)?;
    check_estate(&envelope.header, local.estate().as_ref())?;
    let file = envelope.open(passphrase)?;
    analyze_file(file, local, now, settings)
}

/// [`analyze`] for a file already read: the [`Analysis`] of the file as one part, reading
/// `local` (every answer is ready at once, so nothing waits).
pub fn analyze_file(
    file: ParsedFile,
    local: &impl LocalData,
    now: i64,
    settings: &ImportSettings,
) -> Result<ImportPlan, ImportError> {
    let base = LocalSnapshot {
        device: local.device(),
        estate: local.estate(),
        seen: local.seen(),
        trust: local.trust(),
        ..Default::default()
    };
    futures::executor::block_on(analyze_whole(file, &base, &Snapshot(local), now, settings))
}

/// A file read whole (formats 1–2, or any file in memory) analysed as one part: `base` is this
/// tablet, its estate, watermarks and keys ([`LocalSnapshot::base`]), `local` its events.
pub(crate) async fn analyze_whole<L: Lookup>(
    file: ParsedFile,
    base: &LocalSnapshot,
    local: &L,
    now: i64,
    settings: &ImportSettings,
) -> Result<ImportPlan, ImportError> {
    let ParsedFile {
        header,
        events,
        blobs,
        signed_digest,
    } = file;
    check_estate(&header, base.estate.as_ref())?;
    let mut acc = Analysis::new(
        &header,
        base.estate.as_ref(),
        base.trust.clone(),
        now,
        settings,
        true,
    );
    let part = Part {
        last: true,
        events,
        blobs,
    };
    acc.segment(local, part).await?;
    acc.finish(
        local,
        header,
        signed_digest.as_ref(),
        base.estate.is_some(),
        base.seen.clone(),
        base.device,
    )
    .await
}
