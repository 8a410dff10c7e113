//! The sync calls the UI makes, over [`App`] and its store:
//!
//! 1. [`export_for`] — a full or incremental file for a peer tablet;
//! 2. [`plan_import`] — validate a file and preview it (nothing written);
//! 3. [`apply_import`] — on confirmation, absorb the plan's events atomically
//!    (`App::absorb_with`: one batch with the refolded views, the HLC, the watermarks the file
//!    proved and its conflicts; the HLC restored if the commit fails).
//!
//! Each takes the acting person and checks the permission matrix (issue 12, SOP §0), so the
//! rule holds whatever the page shows: importing needs [`Action::ImportData`], exporting a file
//! [`Action::ExportPersonalData`] (every file carries the households and the staff list with
//! phones, so a person without it exports nothing), settling a conflict
//! [`Action::SettleConflicts`]. Only a tablet without an estate imports with nobody signed in:
//! joining from the first-run screen, where there is nobody to sign in yet.

use super::error::{ExportError, ImportError};
use super::export::{self, Encryption, ExportFile, ExportRequest};
use super::format::{self, EstateIdentity};
use super::merge::{
    analyze_file, check_estate, Conflict, ImportPlan, ImportSettings, LocalSnapshot,
};
use super::SyncState;
use crate::app::{App, AppError};
use crate::domain::command::{Actor, DomainError};
use crate::domain::estate::{estate_ref, EstateEvent};
use crate::domain::event::{Event, EventBody, RecordKind, RecordRef};
use crate::domain::ids::{DeviceId, EventId};
use crate::domain::roles::{authorize, Action, Denied};
use crate::store::{Store, StoreError};
use std::collections::HashSet;

/// This tablet's sync bookkeeping (empty before the first import).
pub async fn load_state<S: Store>(store: &S) -> Result<SyncState, StoreError> {
    Ok(store
        .meta(SyncState::META_KEY)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// The estate this tablet holds: the id of its `Founded` event and its current name.
pub async fn local_estate<S: Store>(app: &App<S>) -> Result<Option<EstateIdentity>, StoreError> {
    let events = app.store.events_for(estate_ref()).await?;
    let founded = events
        .iter()
        .filter(|e| matches!(e.body, EventBody::Estate(EstateEvent::Founded { .. })))
        .min_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    let Some(founded) = founded else {
        return Ok(None);
    };
    let name = app.estate().await?.map(|e| e.name).unwrap_or_default();
    Ok(Some(EstateIdentity {
        id: founded.id,
        name,
    }))
}

impl LocalSnapshot {
    /// Reads what analysing `events` needs from the store: the estate, the stored events of
    /// every record the file touches and of the records in `also` (the duty-log chains the
    /// file's anchors name), and whether each id is already stored (under another record it is
    /// certainly different content: recorded with an empty hash).
    pub async fn load<S: Store>(
        app: &App<S>,
        events: &[Event],
        also: &[RecordRef],
    ) -> Result<Self, StoreError> {
        let mut snap = LocalSnapshot::base(app).await?;
        // Two batched reads, not one transaction per record and per event (issue 7: a
        // 100,000-event file).
        let subjects: Vec<_> = events
            .iter()
            .map(|e| e.subject)
            .chain(also.iter().copied())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for (s, stored) in subjects.iter().zip(app.store.events_of(&subjects).await?) {
            for e in &stored {
                snap.hashes.insert(e.id, e.hash.clone());
            }
            snap.by_subject.insert(*s, stored);
        }
        let unknown: Vec<_> = events
            .iter()
            .map(|e| e.id)
            .filter(|id| !snap.hashes.contains_key(id))
            .collect();
        for id in app.store.stored_among(&unknown).await? {
            snap.hashes.insert(id, String::new());
        }
        Ok(snap)
    }

    /// This tablet, its estate, watermarks and the enrolled tablets' keys — what every import
    /// analysis needs besides the stored events (a streamed import reads those per segment).
    pub async fn base<S: Store>(app: &App<S>) -> Result<Self, StoreError> {
        let devices = app
            .store
            .query(&crate::store::Query::all(
                crate::domain::event::RecordKind::Device,
            ))
            .await?;
        let devices: Vec<_> = devices
            .iter()
            .filter_map(|v| {
                v.state::<crate::domain::device::Device>()
                    .map(|d| (v.id, d))
            })
            .collect();
        let snap = LocalSnapshot {
            device: app.device(),
            estate: local_estate(app).await?,
            seen: load_state(&app.store).await?.seen,
            trust: crate::domain::device::Trust::from_devices(
                devices.iter().map(|(id, d)| (*id, d)),
            ),
            ..Default::default()
        };
        Ok(snap)
    }
}

/// May `actor` import here? A signed-in person needs [`Action::ImportData`]; nobody signed in
/// (`None`) may import only on a tablet that holds no estate yet (joining: a blank tablet has no
/// staff to sign in and no data to protect; the file it takes must found the estate).
pub(crate) async fn may_import<S: Store>(
    app: &App<S>,
    actor: Option<&Actor>,
) -> Result<(), ImportError> {
    match actor {
        Some(a) => authorize(&a.roles, Action::ImportData).map_err(ImportError::Denied),
        None if local_estate(app).await?.is_none() => Ok(()),
        None => Err(ImportError::Denied(Denied {
            action: Action::ImportData,
            needs: Action::ImportData.allowed_roles().to_vec(),
        })),
    }
}

/// Validates a file and previews its import. Writes nothing, moves no clock. Refused before
/// the file is read when `actor` may not import (see [`may_import`]).
pub async fn plan_import<S: Store>(
    app: &App<S>,
    actor: Option<&Actor>,
    bytes: &[u8],
    passphrase: Option<&str>,
    now: i64,
    settings: &ImportSettings,
) -> Result<ImportPlan, ImportError> {
    may_import(app, actor).await?;
    let envelope = format::read_envelope(bytes)?;
    check_estate(&envelope.header, local_estate(app).await?.as_ref())?;
    let file = envelope.open(passphrase)?;
    let also = crate::domain::duty::anchored_chains(&file.events, &file.header.chain_heads);
    let local = LocalSnapshot::load(app, &file.events, &also).await?;
    analyze_file(file, &local, now, settings)
}

/// Conflicts reported by imports on this tablet and not yet settled by a supervisor (meta key
/// [`CONFLICTS_KEY`], device-local: the tablet that first held both sides reports the pair).
pub async fn open_conflicts<S: Store>(store: &S) -> Result<Vec<Conflict>, StoreError> {
    Ok(store
        .meta(CONFLICTS_KEY)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// A supervisor confirmed the winner, or reversed it (by recording the losing value again
/// through the ordinary domain command): the conflict leaves the open list. Needs
/// [`Action::SettleConflicts`] (issue 12, SOP §0).
pub async fn settle_conflict<S: Store>(
    app: &App<S>,
    actor: &Actor,
    loser: EventId,
) -> Result<(), AppError> {
    actor.may(Action::SettleConflicts)?;
    let mut open = open_conflicts(&app.store).await?;
    open.retain(|c| c.loser.event != loser);
    Ok(save_conflicts(app, &open).await?)
}

async fn save_conflicts<S: Store>(app: &App<S>, open: &[Conflict]) -> Result<(), StoreError> {
    app.put_meta(
        CONFLICTS_KEY,
        serde_json::to_value(open).expect("conflicts serialise"),
    )
    .await
}

/// Meta key of the open conflicts.
pub const CONFLICTS_KEY: &str = "sync.conflicts";

/// What an applied import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOutcome {
    /// Events newly stored (0 when the same file is imported again).
    pub added: usize,
    pub conflicts: usize,
    pub quarantined: usize,
}

/// Commits a confirmed plan in one atomic batch (`App::absorb_with`, issue 12): its new
/// events, their refolded views, the clock, the watermarks the file proved and its conflicts
/// for a supervisor — all or nothing. The sync state is read inside the write section, so an
/// import in another tab at the same moment is merged, not overwritten.
///
/// The permission is checked again (the plan may have been made by someone else, or before
/// the tablet held an estate).
pub async fn apply_import<S: Store>(
    app: &App<S>,
    actor: Option<&Actor>,
    plan: &ImportPlan,
    now: i64,
) -> Result<ImportOutcome, AppError> {
    apply_import_in_groups(app, actor, plan, "", now, usize::MAX, &mut |_, _| {}, None).await
}

/// The file's photos this tablet lacks, as rows to store with the import's events (issue 13);
/// their hashes were checked by the analysis. A legacy key already stored here is never
/// re-pointed (a file cannot replace a picture this tablet holds).
async fn photos_to_store<S: Store>(
    store: &S,
    blobs: &[format::Blob],
) -> Result<Vec<crate::store::PhotoRow>, StoreError> {
    let mut out = Vec::new();
    for b in blobs {
        out.extend(photo_to_store(store, b).await?);
    }
    Ok(out)
}

/// One photo of a file as a row to store, unless this tablet holds it (and every legacy key
/// it names) already; `None` too when its bytes are not what its name says.
pub(crate) async fn photo_to_store<S: Store>(
    store: &S,
    b: &format::Blob,
) -> Result<Option<crate::store::PhotoRow>, StoreError> {
    let mut aliases = Vec::new();
    for k in &b.keys {
        if crate::store::legacy_photo_key(k) && !store.has_photo(k).await? {
            aliases.push(k.clone());
        }
    }
    if store.has_photo(&crate::store::photo_key(&b.sha256)).await? && aliases.is_empty() {
        return Ok(None);
    }
    let Some(bytes) = b.bytes() else {
        return Ok(None);
    };
    let media_type = if b.media_type.starts_with("image/") && b.media_type.len() < 64 {
        b.media_type.as_str()
    } else {
        "application/octet-stream"
    };
    let mut row = crate::store::PhotoRow::new(media_type, bytes);
    if row.sha256 != b.sha256 {
        return Ok(None);
    }
    row.aliases = aliases;
    Ok(Some(row))
}

/// A file for `peer`: incremental from what this tablet last learned the peer holds, or full
/// when `peer` is `None` or has never sent a file here. `events` are all of this tablet's
/// events (the store has them; the caller reads them).
///
/// Needs [`Action::ExportPersonalData`] (issue 12, SOP §0): every file, full or incremental,
/// plain or encrypted, carries the households (names, phones) and the staff list, and a file
/// without them would break the watermarks' promise ("holds every event up to here"). A person
/// without it exports no file; the lists without people (buildings, facilities, checkpoints)
/// stay open to them as CSV (see [`super::csv::CsvList`]).
pub async fn export_for<S: Store>(
    app: &App<S>,
    actor: &Actor,
    events: &[Event],
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
) -> Result<ExportFile, ExportError> {
    export_from(app, actor, events, None, peer, now, encryption).await
}

/// What the Sync page exports (issue 13): [`export_for`] reading from the store only what the
/// file needs. For a peer that sent a file here (an incremental file), that is, per device,
/// the events above the peer's watermark — read by key range (`Store::events_above`), not by
/// decoding every stored event — plus the estate, staff and duty-chain events the header is
/// made from (estate identity, PIN events, chain heads). A full file reads every event. The
/// file is the same as [`export_for`] over every stored event.
pub async fn export_to<S: Store>(
    app: &App<S>,
    actor: &Actor,
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
) -> Result<ExportFile, ExportError> {
    let (events, own) = export_events(app, actor, peer).await?;
    export_from(app, actor, &events, own, peer, now, encryption).await
}

/// The events [`export_to`] reads, and this tablet's own newest HLC when they may not hold it.
async fn export_events<S: Store>(
    app: &App<S>,
    actor: &Actor,
    peer: Option<DeviceId>,
) -> Result<(Vec<Event>, Option<crate::domain::hlc::Hlc>), ExportError> {
    authorize(&actor.roles, Action::ExportPersonalData).map_err(ExportError::Denied)?;
    let state = load_state(&app.store).await?;
    let Some(since) = peer.and_then(|p| state.peers.get(&p)) else {
        return Ok((app.store.every_event().await?, None));
    };
    let devices = app.store.device_events().await?;
    let mut events = Vec::new();
    for d in &devices {
        let mark = since.get(&d.device).copied();
        if mark.is_none_or(|h| d.newest > h) {
            events.extend(app.store.events_above(d.device, mark).await?);
        }
    }
    for kind in [RecordKind::Estate, RecordKind::Staff, RecordKind::DutyChain] {
        events.extend(app.store.events_of_kind(kind).await?);
    }
    let own = devices
        .iter()
        .find(|d| d.device == app.device())
        .map(|d| d.newest);
    Ok((events, own))
}

/// [`export_for`], with this tablet's own newest HLC when `events` may not hold it.
#[allow(clippy::too_many_arguments)]
async fn export_from<S: Store>(
    app: &App<S>,
    actor: &Actor,
    events: &[Event],
    own_newest: Option<crate::domain::hlc::Hlc>,
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
) -> Result<ExportFile, ExportError> {
    let mut bytes = Vec::new();
    let (header, file_name) = export_into(
        app,
        actor,
        events,
        own_newest,
        peer,
        now,
        encryption,
        async |part: Vec<u8>, _: u64, _: u64| {
            bytes.extend(part);
            true
        },
    )
    .await?
    .expect("never cancelled");
    Ok(ExportFile {
        bytes,
        file_name,
        header,
    })
}

/// What the Sync page's streamed export does (issue 13): [`export_to`]'s file, handed to
/// `sink` piece by piece as the streamed writer makes it — after each segment's worth of
/// events, each photo, and the end — with the events and bytes written so far; `sink` returns
/// `false` to cancel (then `Ok(None)`). The pieces concatenated are [`export_to`]'s bytes.
pub async fn export_streamed<S: Store, F>(
    app: &App<S>,
    actor: &Actor,
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
    sink: F,
) -> Result<Option<(format::Header, String)>, ExportError>
where
    F: AsyncFnMut(Vec<u8>, u64, u64) -> bool,
{
    let (events, own) = export_events(app, actor, peer).await?;
    export_into(app, actor, &events, own, peer, now, encryption, sink).await
}

/// Writes the file for `events` through the streamed writer into `sink` (see
/// [`export_streamed`]); signed by an enrolled tablet (issue 12: its range, counts and
/// duty-log anchors cannot be edited or stripped without the importer noticing).
#[allow(clippy::too_many_arguments)]
async fn export_into<S: Store, F>(
    app: &App<S>,
    actor: &Actor,
    events: &[Event],
    own_newest: Option<crate::domain::hlc::Hlc>,
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
    mut sink: F,
) -> Result<Option<(format::Header, String)>, ExportError>
where
    F: AsyncFnMut(Vec<u8>, u64, u64) -> bool,
{
    authorize(&actor.roles, Action::ExportPersonalData).map_err(ExportError::Denied)?;
    let state = load_state(&app.store).await?;
    let mut seen = state.knowledge(app.device(), events);
    if let Some(h) = own_newest {
        super::raise(&mut seen, &[(app.device(), h)].into());
    }
    let req = ExportRequest {
        device: app.device(),
        now,
        seen,
        encryption,
    };
    let covers = match peer.and_then(|p| state.peers.get(&p)) {
        Some(since) => format::Covers::Since {
            since: since.clone(),
        },
        None => format::Covers::Full,
    };
    let sel = export::select(events, covers, &req)?;
    // Issue 13: the photos the file's events name travel with them, each once.
    let mut rows = Vec::new();
    for key in sel.photo_keys() {
        if let Some(row) = app.store.photo_row(&key).await? {
            rows.push((key, row));
        }
    }
    let blobs = export::blobs_for(rows);
    let (mut w, chosen, file_name) = export::begin(sel, &req);
    let mut segments = 0;
    for (i, e) in chosen.iter().enumerate() {
        w.event(e);
        let (bytes, closed) = w.progress();
        if closed > segments {
            segments = closed;
            if !sink(w.take(), i as u64 + 1, bytes).await {
                return Ok(None);
            }
        }
    }
    let n = chosen.len() as u64;
    drop(chosen);
    for b in &blobs {
        w.blob(b);
        let (bytes, _) = w.progress();
        if !sink(w.take(), n, bytes).await {
            return Ok(None);
        }
    }
    let mut sign = |d: &[u8; 32]| app.sign_file_digest(d).expect("an enrolled tablet signs");
    let signer: Option<&mut super::stream::Signer<'_>> = app.enrolled().then_some(&mut sign);
    let before = w.progress().0 - w.pending_out();
    let (header, last) = w.finish(signer);
    let bytes = before + last.len() as u64;
    if !sink(last, n, bytes).await {
        return Ok(None);
    }
    Ok(Some((header, file_name)))
}

/// One tablet in the Sync page's device table (issue 13).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceSummary {
    pub device: DeviceId,
    /// Events written by that tablet held here.
    pub events: u64,
    /// Their newest HLC.
    pub newest: Option<crate::domain::hlc::Hlc>,
    /// What an incremental export for it would carry, per record kind (`None`: it never sent a
    /// file here, so the export for it is full; and this tablet itself).
    pub incremental: Option<std::collections::BTreeMap<RecordKind, usize>>,
}

/// The Sync page's device table (issue 13): this tablet, every device whose events are held
/// here and every device the sync bookkeeping names, from the store's per-device counts
/// (`Store::device_events`) and, for each peer that sent a file here, the events above its
/// watermarks (`Store::events_above`). Never decodes every stored event.
pub async fn device_summaries<S: Store>(app: &App<S>) -> Result<Vec<DeviceSummary>, StoreError> {
    let me = app.device();
    let state = load_state(&app.store).await?;
    let counts = app.store.device_events().await?;
    let mut rows: std::collections::BTreeMap<DeviceId, DeviceSummary> = Default::default();
    let blank = |device| DeviceSummary {
        device,
        events: 0,
        newest: None,
        incremental: None,
    };
    rows.insert(me, blank(me));
    for c in &counts {
        let r = rows.entry(c.device).or_insert_with(|| blank(c.device));
        r.events = c.events;
        r.newest = Some(c.newest);
    }
    for d in state.peers.keys().chain(state.seen.keys()) {
        rows.entry(*d).or_insert_with(|| blank(*d));
    }
    for (peer, since) in state.peers.iter().filter(|(p, _)| **p != me) {
        let mut kinds = std::collections::BTreeMap::new();
        for c in &counts {
            let mark = since.get(&c.device).copied();
            if mark.is_some_and(|h| c.newest <= h) {
                continue;
            }
            for e in app.store.events_above(c.device, mark).await? {
                if !super::export::is_pin(&e) {
                    *kinds.entry(e.subject.kind).or_insert(0) += 1;
                }
            }
        }
        if let Some(r) = rows.get_mut(peer) {
            r.incremental = Some(kinds);
        }
    }
    Ok(rows.into_values().collect())
}

/// Meta key of an import in progress (issue 13): written in the same transaction as each group
/// of events, cleared with the last.
pub const IMPORT_MARKER_KEY: &str = "sync.import";

/// Where an interrupted import stands (meta [`IMPORT_MARKER_KEY`]). While it is present, some
/// records may be folded from only part of the file's events: the Sync page says so ("导入未完成，
/// 请重新选择同一文件继续"), and choosing the same file again finishes it — the events already
/// absorbed are "present" in the new plan and skipped, the rest are absorbed, and the sync
/// state (watermarks) advances only with the last group.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportMarker {
    /// The file's id: the hex SHA-256 of its trailer.
    pub file: String,
    /// The exporting tablet.
    pub exporter: DeviceId,
    /// Events of the file absorbed so far, of `events`.
    pub done: u64,
    pub events: u64,
    /// When the import began (UTC ms).
    pub started: i64,
}

/// The id of a file: the hex SHA-256 in its trailer (its last 72 bytes).
pub fn file_id(bytes: &[u8]) -> String {
    let n = bytes.len();
    if n < format::TRAILER_LEN {
        return String::new();
    }
    String::from_utf8_lossy(&bytes[n - format::TRAILER_LEN + 7..n - 1]).into_owned()
}

/// An import left unfinished on this tablet (a tab closed halfway), if any.
pub async fn import_marker<S: Store>(store: &S) -> Result<Option<ImportMarker>, StoreError> {
    Ok(store
        .meta(IMPORT_MARKER_KEY)
        .await?
        .and_then(|v| serde_json::from_value(v).ok()))
}

/// The meta rows a group of a resumable import writes with its events (issue 13): the marker
/// (or, with the last group, the sync state the file proved, and the marker cleared when one
/// was written: `clear`), and the plan's conflicts added to the open ones. Read inside the
/// write section, so an import in another tab at the same moment is merged, not overwritten.
pub(crate) async fn group_meta<S: Store>(
    app: &App<S>,
    plan: &ImportPlan,
    marker: &ImportMarker,
    last: bool,
    clear: bool,
) -> Result<Vec<(String, serde_json::Value)>, AppError> {
    let mut meta = Vec::new();
    if last {
        let mut state = load_state(&app.store).await?;
        state.merge(&plan.sync);
        meta.push((
            SyncState::META_KEY.to_string(),
            serde_json::to_value(&state).expect("sync state serialises"),
        ));
        if clear {
            meta.push((IMPORT_MARKER_KEY.to_string(), serde_json::Value::Null));
        }
    } else {
        meta.push((
            IMPORT_MARKER_KEY.to_string(),
            serde_json::to_value(marker).expect("marker serialises"),
        ));
    }
    if !plan.conflicts.is_empty() {
        let mut open = open_conflicts(&app.store).await?;
        for c in &plan.conflicts {
            if !open
                .iter()
                .any(|o| o.loser.event == c.loser.event && o.winner.event == c.winner.event)
            {
                open.push(c.clone());
            }
        }
        meta.push((
            CONFLICTS_KEY.to_string(),
            serde_json::to_value(&open).expect("conflicts serialise"),
        ));
    }
    Ok(meta)
}

/// Events per transaction of a resumable import.
pub const IMPORT_GROUP_EVENTS: usize = 2_000;

/// [`apply_import`] in groups of `group` events (issue 13), each its own transaction with the
/// photos its events name and the resume marker ([`ImportMarker`]); the open conflicts are kept
/// from the first group on, and the last group writes the watermarks the file proved and clears
/// the marker. `progress(done, total)` is called after each group. `stop_after` ends after that
/// many groups, as a tab closed halfway would (tests). The outcome of an uninterrupted run, or of
/// an interrupted one finished by importing the same file again, is the store
/// [`apply_import`] leaves.
#[allow(clippy::too_many_arguments)]
pub async fn apply_import_in_groups<S: Store>(
    app: &App<S>,
    actor: Option<&Actor>,
    plan: &ImportPlan,
    file: &str,
    now: i64,
    group: usize,
    progress: &mut dyn FnMut(u64, u64),
    stop_after: Option<usize>,
) -> Result<ImportOutcome, AppError> {
    may_import(app, actor).await.map_err(|e| match e {
        ImportError::Denied(d) => AppError::Domain(DomainError::Denied(d)),
        ImportError::Store(s) => AppError::Store(s),
        other => AppError::Domain(DomainError::Invalid(other.message())),
    })?;
    let previous = import_marker(&app.store)
        .await?
        .filter(|m| m.file == file && m.exporter == plan.header.device);
    let ours = previous.is_some();
    let before = previous.as_ref().map_or(0, |m| m.done);
    let total = before + plan.new_events.len() as u64;
    let started = previous.as_ref().map_or(now, |m| m.started);
    // Each photo goes with the first group whose events name it; the rest with the last.
    let mut photos: Vec<Option<crate::store::PhotoRow>> = photos_to_store(&app.store, &plan.blobs)
        .await?
        .into_iter()
        .map(Some)
        .collect();
    let mut by_key: std::collections::HashMap<String, usize> = Default::default();
    for (i, p) in photos.iter().enumerate() {
        let p = p.as_ref().expect("all present");
        by_key.insert(crate::store::photo_key(&p.sha256), i);
        for a in &p.aliases {
            by_key.insert(a.clone(), i);
        }
    }
    for b in &plan.blobs {
        if let Some(&i) = by_key.get(&crate::store::photo_key(&b.sha256)) {
            for k in &b.keys {
                by_key.insert(k.clone(), i);
            }
        }
    }
    let chunks: Vec<&[Event]> = if plan.new_events.is_empty() {
        vec![&[]]
    } else {
        plan.new_events.chunks(group.max(1)).collect()
    };
    let groups = chunks.len();
    let mut added = 0;
    let mut done = before;
    for (g, chunk) in chunks.into_iter().enumerate() {
        if stop_after.is_some_and(|s| g >= s) {
            break;
        }
        let last = g + 1 == groups;
        let mut rows = Vec::new();
        for e in chunk {
            for k in crate::store::photo_keys(e) {
                if let Some(row) = by_key.get(&k).and_then(|&i| photos[i].take()) {
                    rows.push(row);
                }
            }
        }
        if last {
            rows.extend(photos.iter_mut().filter_map(Option::take));
        }
        done += chunk.len() as u64;
        let marker = ImportMarker {
            file: file.to_string(),
            exporter: plan.header.device,
            done,
            events: total,
            started,
        };
        let clear = ours || g > 0;
        let bookkeeping = async || group_meta(app, plan, &marker, last, clear).await;
        added += app
            .absorb_with_photos(chunk.to_vec(), rows, now, bookkeeping)
            .await?;
        progress(done, total);
    }
    Ok(ImportOutcome {
        added,
        conflicts: plan.conflicts.len(),
        quarantined: plan.quarantined.iter().map(|q| q.events).sum(),
    })
}
