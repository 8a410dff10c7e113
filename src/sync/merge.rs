//! Import analysis: everything is validated before anything is written, and the result is a
//! preview ([`ImportPlan`]) the user confirms.
//!
//! Order of checks: envelope (magic, length, checksum, version, header) → estate → decryption
//! → every event against its hash → ids already on this tablet with other content (tampering:
//! the whole file is refused) → future-dated events (quarantined) → the preview.
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
use crate::domain::device::{Device, Trust};
use crate::domain::estate::EstateEvent;
use crate::domain::event::{Event, EventBody, RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::i18n::Text;
use crate::domain::ids::{DeviceId, EventId, StaffId};
use crate::domain::registry::RegistryEvent;
use crate::domain::staff::StaffEvent;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Import settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSettings {
    /// Events stamped later than now + this are quarantined (a tablet with a wrong clock).
    pub max_future_skew_ms: i64,
}

impl Default for ImportSettings {
    fn default() -> Self {
        ImportSettings {
            max_future_skew_ms: 24 * 60 * 60 * 1000,
        }
    }
}

/// What the analysis needs to know about this tablet's data (synchronous, so it is pure and
/// fuzzable; [`LocalSnapshot::load`] reads it from a store).
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

/// The held-back events per device (count, furthest ahead, first HLC) as the preview's lines;
/// both analyses (whole file and sliced) hold them the same way.
pub(crate) fn quarantine(held: BTreeMap<DeviceId, (usize, i64, Hlc)>) -> Vec<Quarantine> {
    held.into_iter()
        .map(|(device, (events, ahead_ms, _))| Quarantine {
            device,
            events,
            ahead_ms,
        })
        .collect()
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

/// [`analyze`] for a file already read.
pub fn analyze_file(
    file: ParsedFile,
    local: &impl LocalData,
    now: i64,
    settings: &ImportSettings,
) -> Result<ImportPlan, ImportError> {
    let ParsedFile {
        header,
        events,
        blobs,
        signed_digest,
    } = file;
    let local_estate = local.estate();
    check_estate(&header, local_estate.as_ref())?;

    // Every event against its own hash, and one content per id.
    let mut unique: Vec<Event> = Vec::with_capacity(events.len());
    let mut in_file: HashMap<EventId, String> = HashMap::new();
    let plain = header.encryption.is_none();
    for e in events {
        if !e.verify() {
            return Err(ImportError::TamperedEvent {
                id: e.id,
                how: Tamper::ContentEdited,
            });
        }
        // No exporter writes PIN hashes in clear (issue 12): a plain file carrying one was made
        // by hand, and accepting it would let anyone set a person's PIN.
        if plain && is_pin(&e) {
            return Err(ImportError::PinInPlainFile { id: e.id });
        }
        match in_file.get(&e.id) {
            Some(h) if *h == e.hash => continue,
            Some(_) => {
                return Err(ImportError::TamperedEvent {
                    id: e.id,
                    how: Tamper::DuplicateInFile,
                })
            }
            None => {}
        }
        if is_founded(&e) && e.id != header.estate.id {
            return Err(ImportError::WrongEstate {
                file: format!("{} / {}", header.estate.name, e.id.short()),
                local: local_estate
                    .as_ref()
                    .map(|l| l.name.clone())
                    .unwrap_or_else(|| header.estate.name.clone()),
            });
        }
        in_file.insert(e.id, e.hash.clone());
        unique.push(e);
    }
    let mut blob_seen = HashSet::new();
    let mut kept_blobs = Vec::new();
    for b in blobs {
        if !b.verify() {
            return Err(ImportError::TamperedBlob { sha256: b.sha256 });
        }
        if blob_seen.insert(b.sha256.clone()) {
            kept_blobs.push(b);
        }
    }
    if local_estate.is_none()
        && !unique
            .iter()
            .any(|e| is_founded(e) && e.id == header.estate.id)
    {
        return Err(ImportError::NeedFullExport {
            estate: header.estate.name.clone(),
        });
    }

    // Signatures (issue 12): enrolments in the file must be self-signed and agree with the
    // keys this tablet knows; every event this tablet does not hold yet must carry its
    // tablet's signature, or — unsigned, written before signatures — be attested.
    let mut trust = local.trust();
    trust.learn(&unique).map_err(|why| ImportError::Untrusted {
        id: unique
            .iter()
            .find(|e| matches!(e.body, EventBody::Device(_)) && e.subject.id == why.device())
            .map(|e| e.id)
            .unwrap_or_default(),
        why,
    })?;
    for e in &unique {
        if local.event_hash(e.id).is_none() {
            trust
                .check(e)
                .map_err(|why| ImportError::Untrusted { id: e.id, why })?;
        }
    }
    // The header — range, counts, duty-log anchors — is the exporting tablet's, signed: a
    // file cut down (events dropped, anchors stripped) no longer matches it.
    trust
        .check_file(header.device, header.sig.as_deref(), signed_digest.as_ref())
        .map_err(|why| ImportError::Untrusted {
            id: Default::default(),
            why,
        })?;

    // New, present, tampered, future.
    let limit = now.saturating_add(settings.max_future_skew_ms);
    let mut new_events = Vec::new();
    let mut already_present = 0;
    let mut held: BTreeMap<DeviceId, (usize, i64, Hlc)> = BTreeMap::new();
    let mut held_back: Vec<Event> = Vec::new();
    for e in unique {
        match local.event_hash(e.id) {
            Some(h) if h == e.hash => already_present += 1,
            Some(_) => {
                return Err(ImportError::TamperedEvent {
                    id: e.id,
                    how: Tamper::DiffersFromKnown,
                })
            }
            None if e.at.wall > limit => {
                let q = held.entry(e.device()).or_insert((0, 0, e.at));
                q.0 += 1;
                q.1 = q.1.max(e.at.wall.saturating_sub(now));
                q.2 = q.2.min(e.at);
                if e.subject.kind == RecordKind::DutyChain {
                    held_back.push(e);
                }
            }
            None => new_events.push(e),
        }
    }
    crate::domain::event::sort_events(&mut new_events);

    // The preview: records per module, conflicts.
    let mut by_subject: BTreeMap<RecordRef, Vec<&Event>> = BTreeMap::new();
    for e in &new_events {
        by_subject.entry(e.subject).or_default().push(e);
    }
    let mut modules: BTreeMap<RecordKind, ModuleCounts> = BTreeMap::new();
    let mut conflicts = Vec::new();
    for (subject, incoming) in &by_subject {
        let stored = local.events_for(*subject);
        let m = modules.entry(subject.kind).or_default();
        m.new_events += incoming.len();
        if stored.is_empty() {
            m.new_records += 1;
            continue;
        }
        m.updated_records += 1;
        let mut groups: Vec<Cow<'static, str>> =
            incoming.iter().map(|e| field_group(&e.body)).collect();
        groups.sort_unstable();
        groups.dedup();
        for g in groups.into_iter().filter(|g| *g != APPEND) {
            let newest = |evs: &mut dyn Iterator<Item = &Event>| -> Option<Event> {
                evs.filter(|e| field_group(&e.body) == g)
                    .max_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)))
                    .cloned()
            };
            let (Some(h), Some(n)) = (
                newest(&mut stored.iter()),
                newest(&mut incoming.iter().copied()),
            ) else {
                continue;
            };
            conflicts.extend(conflict_between(*subject, &g, &h, &n, &header));
        }
    }

    let mine_before = local.seen();
    let me = local.device();
    let (seen_after, complete) = proven(&header, mine_before.clone(), me, &held);
    let quarantined = quarantine(held);
    // DUTY-4 with the anchors (issue 12): the header's chain heads and the sign-offs'. Entries
    // below them must be here after the import when it leaves this tablet holding everything the
    // exporter held: a full file, or an incremental one that starts within what this tablet holds.
    let duty_log_problems = crate::domain::duty::import_check_file(
        &new_events,
        &crate::domain::duty::FileAnchors {
            declared: header.chain_heads.clone(),
            complete,
            held_back: &held_back,
        },
        |s| local.events_for(s),
    );
    Ok(ImportPlan {
        sync: SyncUpdate {
            exporter: header.device,
            exporter_seen: header.seen.clone(),
            advance: seen_after,
        },
        header,
        new_count: new_events.len(),
        photo_count: kept_blobs.len(),
        new_events,
        already_present,
        modules,
        conflicts,
        duty_log_problems,
        quarantined,
        blobs: kept_blobs,
    })
}
