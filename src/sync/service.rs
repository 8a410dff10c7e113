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
    analyze_whole, check_estate, Conflict, ImportPlan, ImportSettings, LocalSnapshot, Lookup,
};
use super::SyncState;
use crate::app::{App, AppError};
use crate::domain::command::{Actor, DomainError};
use crate::domain::estate::{estate_ref, EstateEvent};
use crate::domain::event::{Event, EventBody, RecordKind, RecordRef};
use crate::domain::ids::{DeviceId, EventId};
use crate::domain::roles::{authorize, Action, Denied};
use crate::store::{Store, StoreError};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};

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
    /// This tablet, its estate, watermarks and the enrolled tablets' keys — what every import
    /// analysis needs besides the stored events (read part by part through [`StoreLookup`]).
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

/// The store as the import analysis reads it (issue 13: one analysis, whole-file and streamed
/// imports alike): a batch of ids in one read, then the records of those held for their
/// hashes. `blank`: this tablet held no event when the import began (a restore), so nothing
/// is read. A streamed import reads ahead for all the segments a slice completes
/// ([`read_ahead`](Self::read_ahead)); the analysis, asking segment by segment, is answered
/// from there.
pub(crate) struct StoreLookup<'a, S> {
    pub store: &'a S,
    pub blank: bool,
    ahead: RefCell<Ahead>,
}

/// What [`StoreLookup::read_ahead`] read: the held hashes of its events, the stored events
/// of the records its other events may conflict on, and whether the records they only append
/// to are held (taken out as asked: the analysis asks once each).
#[derive(Default)]
struct Ahead {
    read: HashSet<EventId>,
    held: HashMap<EventId, String>,
    records: HashMap<RecordRef, Vec<Event>>,
    exists: HashMap<RecordRef, bool>,
}

impl<'a, S: Store> StoreLookup<'a, S> {
    pub fn new(store: &'a S, blank: bool) -> Self {
        StoreLookup {
            store,
            blank,
            ahead: RefCell::default(),
        }
    }

    /// Reads what the analysis will ask about `events` (several segments' worth) in two store
    /// reads, instead of two per ~64 KB segment: 1,127 of each for the 100k file (issue 13).
    pub async fn read_ahead(&self, events: &[Event]) -> Result<(), StoreError> {
        *self.ahead.borrow_mut() = Ahead::default();
        if self.blank {
            return Ok(());
        }
        let held = {
            let _looking = crate::bench::spans::span("check: held ids (store)");
            self.store.stored_hashes(events).await?
        };
        // As the analysis asks (`merge::needs_stored_events`): the events of a record only
        // where a new event may conflict; of the rest, whether they are held (issue 13: a day's
        // file mostly appends — patrol scans, work-order steps — to records held here).
        let (mut subjects, mut appended) = (BTreeSet::new(), BTreeSet::new());
        for e in events.iter().filter(|e| !held.contains_key(&e.id)) {
            if super::merge::needs_stored_events(e) {
                subjects.insert(e.subject);
            } else {
                appended.insert(e.subject);
            }
        }
        let subjects: Vec<RecordRef> = subjects.into_iter().collect();
        let appended: Vec<RecordRef> = appended
            .into_iter()
            .filter(|s| subjects.binary_search(s).is_err())
            .collect();
        let _reading = crate::bench::spans::span("check: touched records (store)");
        let stored = self.store.events_of(&subjects).await?;
        let exists = self.store.records_held(&appended).await?;
        *self.ahead.borrow_mut() = Ahead {
            read: events.iter().map(|e| e.id).collect(),
            held,
            records: subjects.into_iter().zip(stored).collect(),
            exists: appended.into_iter().zip(exists).collect(),
        };
        Ok(())
    }
}

impl<S: Store> Lookup for StoreLookup<'_, S> {
    async fn held(&self, events: &[Event]) -> Result<HashMap<EventId, String>, StoreError> {
        if self.blank {
            return Ok(HashMap::new());
        }
        if self.ahead.borrow().read.is_empty() {
            return self.store.stored_hashes(events).await;
        }
        let (mut out, unknown) = {
            let ahead = self.ahead.borrow();
            let mut out = HashMap::new();
            let mut unknown = Vec::new();
            for e in events {
                if !ahead.read.contains(&e.id) {
                    unknown.push(e.clone());
                } else if let Some(h) = ahead.held.get(&e.id) {
                    out.insert(e.id, h.clone());
                }
            }
            (out, unknown)
        };
        if !unknown.is_empty() {
            out.extend(self.store.stored_hashes(&unknown).await?);
        }
        Ok(out)
    }
    async fn events_of(&self, subjects: &[RecordRef]) -> Result<Vec<Vec<Event>>, StoreError> {
        if self.blank {
            return Ok(vec![Vec::new(); subjects.len()]);
        }
        let out: Vec<Option<Vec<Event>>> = {
            let mut ahead = self.ahead.borrow_mut();
            // A duty chain is asked twice: for the conflict rule, then by DUTY-4's check at
            // the analysis' end — a chain holds thousands of entries (issue 13: the daily
            // exchange read each one again).
            subjects
                .iter()
                .map(|s| match s.kind {
                    RecordKind::DutyChain => ahead.records.get(s).cloned(),
                    _ => ahead.records.remove(s),
                })
                .collect()
        };
        completed(subjects, out, |missing| async move {
            self.store.events_of(&missing).await
        })
        .await
    }
    async fn records_held(&self, subjects: &[RecordRef]) -> Result<Vec<bool>, StoreError> {
        if self.blank {
            return Ok(vec![false; subjects.len()]);
        }
        let out: Vec<Option<bool>> = {
            let mut ahead = self.ahead.borrow_mut();
            subjects
                .iter()
                .map(|s| {
                    ahead
                        .exists
                        .remove(s)
                        .or_else(|| ahead.records.get(s).map(|e| !e.is_empty()))
                })
                .collect()
        };
        completed(subjects, out, |missing| async move {
            self.store.records_held(&missing).await
        })
        .await
    }
}

/// The read-ahead's `answers` to `subjects`, the ones it lacks read from the store at once.
async fn completed<T: Default, F: std::future::Future<Output = Result<Vec<T>, StoreError>>>(
    subjects: &[RecordRef],
    answers: Vec<Option<T>>,
    read: impl FnOnce(Vec<RecordRef>) -> F,
) -> Result<Vec<T>, StoreError> {
    let missing: Vec<RecordRef> = subjects
        .iter()
        .zip(&answers)
        .filter(|(_, o)| o.is_none())
        .map(|(s, _)| *s)
        .collect();
    let mut read = if missing.is_empty() {
        Vec::new()
    } else {
        read(missing).await?
    }
    .into_iter();
    Ok(answers
        .into_iter()
        .map(|o| o.or_else(|| read.next()).unwrap_or_default())
        .collect())
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
    let base = LocalSnapshot::base(app).await?;
    let lookup = StoreLookup::new(&app.store, app.store.event_count().await? == 0);
    analyze_whole(file, &base, &lookup, now, settings).await
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

/// A file's photos as rows to store, but those this tablet holds (and every legacy key they
/// name) already, and those whose bytes are not what their names say.
pub(crate) async fn photos_to_store<S: Store>(
    store: &S,
    blobs: &[&format::Blob],
) -> Result<Vec<crate::store::PhotoRow>, StoreError> {
    let named: Vec<(&str, &[String])> = blobs
        .iter()
        .map(|b| (b.sha256.as_str(), b.keys.as_slice()))
        .collect();
    let lacking = photos_lacking(store, &named).await?;
    Ok(blobs
        .iter()
        .zip(lacking)
        .filter_map(|(b, aliases)| photo_row(b, aliases?))
        .collect())
}

/// Whether this tablet lacks each of a file's photos (its SHA-256 and the keys the file
/// names), in one read of the store: `None` when it holds the photo and every legacy key it
/// names; otherwise the legacy keys to store as aliases (a legacy key already stored here is
/// never re-pointed: a file cannot replace a picture this tablet holds).
pub(crate) async fn photos_lacking<S: Store>(
    store: &S,
    photos: &[(&str, &[String])],
) -> Result<Vec<Option<Vec<String>>>, StoreError> {
    // Each photo's legacy keys, asked before its content key (the answers come in that order).
    let legacy: Vec<Vec<&String>> = photos
        .iter()
        .map(|(_, keys)| {
            keys.iter()
                .filter(|k| crate::store::legacy_photo_key(k))
                .collect()
        })
        .collect();
    let mut asked = Vec::new();
    for ((sha256, _), old) in photos.iter().zip(&legacy) {
        asked.extend(old.iter().map(|k| (*k).clone()));
        asked.push(crate::store::photo_key(sha256));
    }
    let mut held = store.photos_held(&asked).await?.into_iter();
    let mut out = Vec::with_capacity(photos.len());
    for old in legacy {
        let mut aliases = Vec::new();
        for k in old {
            if !held.next().unwrap_or(false) {
                aliases.push(k.clone());
            }
        }
        let photo_held = held.next().unwrap_or(false);
        out.push((!aliases.is_empty() || !photo_held).then_some(aliases));
    }
    Ok(out)
}

/// A file's photo as a row to store with `aliases`; `None` when its bytes are not what its
/// name says.
pub(crate) fn photo_row(b: &format::Blob, aliases: Vec<String>) -> Option<crate::store::PhotoRow> {
    let bytes = b.bytes()?;
    let media_type = if b.media_type.starts_with("image/") && b.media_type.len() < 64 {
        b.media_type.as_str()
    } else {
        "application/octet-stream"
    };
    let mut row = crate::store::PhotoRow::new(media_type, bytes);
    if row.sha256 != b.sha256 {
        return None;
    }
    row.aliases = aliases;
    Some(row)
}

/// A file for `peer`: incremental from what this tablet last learned the peer holds, or full
/// when `peer` is `None` or has never sent a file here. `events` are all of this tablet's
/// events (the caller holds them; the Sync page's [`export_streamed`] reads them page by page
/// instead and writes the same bytes).
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
    let (plan, req, source) = given(app, actor, events, peer, now, encryption).await?;
    collect(app, plan, req, source).await
}

/// What the Sync page exports (issue 13), as one file in memory: [`export_streamed`]'s pieces
/// joined (tests and small tablets). The same bytes as [`export_for`] over every stored event.
pub async fn export_to<S: Store>(
    app: &App<S>,
    actor: &Actor,
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
) -> Result<ExportFile, ExportError> {
    let (plan, req, source) = stored(app, actor, peer, now, encryption, EXPORT_PAGE_EVENTS).await?;
    collect(app, plan, req, source).await
}

/// Events read per device and per page by the streamed export (issue 13): with the
/// benchmark's five tablets at most 10,000 decoded events are held at once.
pub const EXPORT_PAGE_EVENTS: u32 = 2_000;

/// The file's events in file order (HLC, then id).
enum Source {
    /// Chosen and ordered already ([`export_for`]: the caller holds them).
    Given(std::vec::IntoIter<Event>),
    /// Read from the store page by page (issue 13): per device, the events above the peer's
    /// watermark up to the newest one when the export began (`Store::events_page` over the
    /// `device_hlc` index), merged into HLC order; plus, in an encrypted incremental file, the
    /// PIN events below the watermarks (read with the staff events).
    Paged {
        lanes: Vec<Lane>,
        page: u32,
        covers: format::Covers,
        encrypted: bool,
    },
}

/// One device's events in a paged export: the page read, and where the next one starts.
struct Lane {
    device: DeviceId,
    after: Option<crate::domain::hlc::Hlc>,
    upto: Option<crate::domain::hlc::Hlc>,
    buf: std::collections::VecDeque<Event>,
    done: bool,
}

impl Source {
    /// The next event of the file, reading a device's next page when its last one is used up.
    async fn next<S: Store>(&mut self, store: &S) -> Result<Option<Event>, StoreError> {
        let (lanes, page, covers, encrypted) = match self {
            Source::Given(it) => return Ok(it.next()),
            Source::Paged {
                lanes,
                page,
                covers,
                encrypted,
            } => (lanes, *page, &*covers, *encrypted),
        };
        loop {
            for l in lanes.iter_mut().filter(|l| l.buf.is_empty() && !l.done) {
                let p = store.events_page(l.device, l.after, l.upto, page).await?;
                l.done = p.len() < page as usize;
                l.after = p.last().map(|e| e.at).or(l.after);
                l.buf.extend(p);
            }
            let next = lanes
                .iter()
                .enumerate()
                .filter_map(|(i, l)| l.buf.front().map(|e| (i, (e.at, e.id))))
                .min_by_key(|(_, k)| *k)
                .map(|(i, _)| i);
            let Some(i) = next else {
                return Ok(None);
            };
            let e = lanes[i].buf.pop_front().expect("a front event");
            if export::carries(covers, encrypted, &e) {
                return Ok(Some(e));
            }
        }
    }
}

/// Who exports what (both sources): the permission, the sync state and the file's range.
async fn request<S: Store>(
    app: &App<S>,
    actor: &Actor,
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
) -> Result<(SyncState, ExportRequest, format::Covers), ExportError> {
    authorize(&actor.roles, Action::ExportPersonalData).map_err(ExportError::Denied)?;
    let state = load_state(&app.store).await?;
    let covers = match peer.and_then(|p| state.peers.get(&p)) {
        Some(since) => format::Covers::Since {
            since: since.clone(),
        },
        None => format::Covers::Full,
    };
    let req = ExportRequest {
        device: app.device(),
        now,
        seen: Default::default(),
        encryption,
    };
    Ok((state, req, covers))
}

/// [`export_for`]'s plan and events: chosen from `events`.
async fn given<S: Store>(
    app: &App<S>,
    actor: &Actor,
    events: &[Event],
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
) -> Result<(export::Plan, ExportRequest, Source), ExportError> {
    let (state, mut req, covers) = request(app, actor, peer, now, encryption).await?;
    req.seen = state.knowledge(app.device(), events);
    let sel = export::select(events, covers, &req)?;
    Ok((sel.plan, req, Source::Given(sel.events.into_iter())))
}

/// The streamed export's plan and events (issue 13), reading no event it writes: the header
/// comes from the per-device counts and newest HLCs (`Store::device_events`, index reads) and
/// the estate, staff and duty-chain events; the events come page by page ([`Source::Paged`]).
async fn stored<S: Store>(
    app: &App<S>,
    actor: &Actor,
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
    page: u32,
) -> Result<(export::Plan, ExportRequest, Source), ExportError> {
    let (state, mut req, covers) = request(app, actor, peer, now, encryption).await?;
    let devices = app.store.device_events().await?;
    req.seen = state.knowledge(app.device(), &[]);
    if let Some(own) = devices.iter().find(|d| d.device == app.device()) {
        super::raise(&mut req.seen, &[(app.device(), own.newest)].into());
    }
    let mut small = Vec::new();
    for kind in [RecordKind::Estate, RecordKind::Staff, RecordKind::DutyChain] {
        small.extend(app.store.events_of_kind(kind).await?);
    }
    let plan = export::plan(&small, covers, &req)?;
    let encrypted = req.encryption.is_some();
    let since = match plan.covers() {
        format::Covers::Since { since } => Some(since.clone()),
        format::Covers::Full => None,
    };
    let mut lanes: Vec<Lane> = devices
        .iter()
        .filter_map(|d| {
            let mark = since.as_ref().and_then(|s| s.get(&d.device)).copied();
            mark.is_none_or(|h| d.newest > h).then(|| Lane {
                device: d.device,
                after: mark,
                upto: Some(d.newest),
                buf: Default::default(),
                done: false,
            })
        })
        .collect();
    if let (true, Some(since)) = (encrypted, &since) {
        // An encrypted file carries every PIN event: those below the watermarks too.
        let mut pins: Vec<Event> = small
            .into_iter()
            .filter(|e| export::is_pin(e) && super::covered(since, e))
            .collect();
        crate::domain::event::sort_events(&mut pins);
        pins.dedup_by(|a, b| a.id == b.id);
        lanes.push(Lane {
            device: app.device(),
            after: None,
            upto: None,
            buf: pins.into(),
            done: true,
        });
    }
    let covers = plan.covers().clone();
    Ok((
        plan,
        req,
        Source::Paged {
            lanes,
            page: page.max(1),
            covers,
            encrypted,
        },
    ))
}

/// The file in one `Vec`: the streamed writer's pieces joined.
async fn collect<S: Store>(
    app: &App<S>,
    plan: export::Plan,
    req: ExportRequest,
    source: Source,
) -> Result<ExportFile, ExportError> {
    let mut bytes = Vec::new();
    let (header, file_name) = write_file(
        app,
        plan,
        req,
        source,
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
/// It holds one page of events per device ([`EXPORT_PAGE_EVENTS`]), one segment and one photo
/// at a time: its memory does not grow with the estate.
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
    export_streamed_paged(app, actor, peer, now, encryption, EXPORT_PAGE_EVENTS, sink).await
}

/// [`export_streamed`] reading `page` events per device and page (tests cross page ends with
/// small pages).
#[allow(clippy::too_many_arguments)]
pub async fn export_streamed_paged<S: Store, F>(
    app: &App<S>,
    actor: &Actor,
    peer: Option<DeviceId>,
    now: i64,
    encryption: Option<Encryption>,
    page: u32,
    sink: F,
) -> Result<Option<(format::Header, String)>, ExportError>
where
    F: AsyncFnMut(Vec<u8>, u64, u64) -> bool,
{
    let (plan, req, source) = stored(app, actor, peer, now, encryption, page).await?;
    write_file(app, plan, req, source, sink).await
}

/// A photo the file carries (issue 13): the key it is read under (the first an event names),
/// and the legacy keys that name the same bytes.
struct PhotoLine {
    key: String,
    legacy: Vec<String>,
}

/// The `blob` lines for the photo keys the file's events name, in order (issue 13): one per
/// distinct SHA-256, the legacy keys that named the same bytes listed in `keys`; photos this
/// tablet never received are left out. A hashed key names its SHA-256 and is only checked for
/// presence; a legacy key's photo is read to hash it. No bytes are kept.
async fn photo_lines<S: Store>(store: &S, keys: &[String]) -> Result<Vec<PhotoLine>, StoreError> {
    let mut out: Vec<PhotoLine> = Vec::new();
    let mut at: std::collections::HashMap<String, usize> = Default::default();
    for key in keys {
        let hashed = key
            .strip_prefix(crate::store::PHOTO_KEY_PREFIX)
            .filter(|h| h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        let sha = match hashed {
            Some(h) => store.has_photo(key).await?.then(|| h.to_string()),
            None => store.photo_row(key).await?.map(|r| r.sha256),
        };
        let Some(sha) = sha else { continue };
        let i = *at.entry(sha).or_insert_with(|| {
            out.push(PhotoLine {
                key: key.clone(),
                legacy: Vec::new(),
            });
            out.len() - 1
        });
        if crate::store::legacy_photo_key(key) && !out[i].legacy.contains(key) {
            out[i].legacy.push(key.clone());
        }
    }
    Ok(out)
}

/// Writes the file through the streamed writer into `sink` (see [`export_streamed`]): the
/// events as `source` gives them, collecting the photo keys they name; then each photo, read
/// when it is written; signed by an enrolled tablet (issue 12: its range, counts and duty-log
/// anchors cannot be edited or stripped without the importer noticing).
async fn write_file<S: Store, F>(
    app: &App<S>,
    plan: export::Plan,
    req: ExportRequest,
    mut source: Source,
    mut sink: F,
) -> Result<Option<(format::Header, String)>, ExportError>
where
    F: AsyncFnMut(Vec<u8>, u64, u64) -> bool,
{
    let (mut w, file_name) = export::begin(plan, &req);
    let mut keys = Vec::new();
    let mut named = HashSet::new();
    let mut segments = 0;
    let mut n = 0u64;
    while let Some(e) = source.next(&app.store).await? {
        for k in crate::store::photo_keys(&e) {
            if named.insert(k.clone()) {
                keys.push(k);
            }
        }
        w.event(&e);
        n += 1;
        let (bytes, closed) = w.progress();
        if closed > segments {
            segments = closed;
            if !sink(w.take(), n, bytes).await {
                return Ok(None);
            }
        }
    }
    drop(named);
    // Issue 13: the photos the file's events name travel with them, each once, one at a time.
    for line in photo_lines(&app.store, &keys).await? {
        let Some(row) = app.store.photo_row(&line.key).await? else {
            continue;
        };
        let mut blob = format::Blob::new(&row.media_type, &row.bytes);
        drop(row);
        blob.keys = line.legacy;
        w.blob(&blob);
        drop(blob);
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
    /// file here, so the export for it is full; and this tablet itself). Empty while `carries`
    /// is above [`PREVIEW_KINDS_MAX`]: the breakdown would decode every one of them.
    pub incremental: Option<std::collections::BTreeMap<RecordKind, usize>>,
    /// How many events that incremental export would carry (counted from the index).
    pub carries: u64,
}

/// Above this many events for a peer, the Sync page's preview gives their count only (issue 13:
/// at full size a peer seen long ago is behind by most of the estate; the by-kind breakdown
/// decoded them all and the page took 94 s to open in `make bench`).
pub const PREVIEW_KINDS_MAX: u64 = 5_000;

/// The Sync page's device table (issue 13): this tablet, every device whose events are held
/// here and every device the sync bookkeeping names, from the store's per-device counts
/// (`Store::device_events`) and, for each peer that sent a file here, the events above its
/// watermarks (`Store::events_page`, a page at a time). Never decodes every stored event.
pub async fn device_summaries<S: Store>(app: &App<S>) -> Result<Vec<DeviceSummary>, StoreError> {
    device_summaries_upto(app, PREVIEW_KINDS_MAX).await
}

/// [`device_summaries`], breaking a peer's preview down by kind only up to `kinds_max` events.
pub(crate) async fn device_summaries_upto<S: Store>(
    app: &App<S>,
    kinds_max: u64,
) -> Result<Vec<DeviceSummary>, StoreError> {
    let me = app.device();
    let state = load_state(&app.store).await?;
    let counts = app.store.device_events().await?;
    let mut rows: std::collections::BTreeMap<DeviceId, DeviceSummary> = Default::default();
    let blank = |device| DeviceSummary {
        device,
        events: 0,
        newest: None,
        incremental: None,
        carries: 0,
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
        let mut behind = Vec::new();
        let mut carries = 0;
        for c in &counts {
            let mark = since.get(&c.device).copied();
            if mark.is_some_and(|h| c.newest <= h) {
                continue;
            }
            carries += app.store.count_above(c.device, mark).await?;
            behind.push((c, mark));
        }
        for (c, mark) in behind {
            if carries > kinds_max {
                break;
            }
            // Page by page (issue 13): a peer far behind never has every event decoded at once.
            let mut after = mark;
            loop {
                let page = app
                    .store
                    .events_page(c.device, after, Some(c.newest), EXPORT_PAGE_EVENTS)
                    .await?;
                for e in &page {
                    if !super::export::is_pin(e) {
                        *kinds.entry(e.subject.kind).or_insert(0) += 1;
                    }
                }
                after = page.last().map(|e| e.at).or(after);
                if page.len() < EXPORT_PAGE_EVENTS as usize {
                    break;
                }
            }
        }
        if let Some(r) = rows.get_mut(peer) {
            if !kinds.is_empty() {
                // PIN events are counted above but never carried in a plain file.
                carries = kinds.values().sum::<usize>() as u64;
            }
            r.carries = carries;
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
    let mut run = Run::start(app, actor, plan, file, now, stop_after).await?;
    let mut photos = PhotoGroups::new(
        plan.blobs
            .iter()
            .map(|b| (b.sha256.as_str(), b.keys.as_slice())),
    );
    let chunks: Vec<&[Event]> = if plan.new_events.is_empty() {
        vec![&[]]
    } else {
        plan.new_events.chunks(group.max(1)).collect()
    };
    let groups = chunks.len();
    let result: Result<(), AppError> = async {
        for (g, chunk) in chunks.into_iter().enumerate() {
            let last = g + 1 == groups;
            let mut named = photos.named(chunk);
            if last {
                named.extend(photos.rest());
            }
            let blobs: Vec<&format::Blob> = named.into_iter().map(|i| &plan.blobs[i]).collect();
            let rows = photos_to_store(&app.store, &blobs).await?;
            if !run.commit(chunk.to_vec(), rows, last, progress).await? {
                break;
            }
        }
        Ok(())
    }
    .await;
    run.end(result).await
}

/// Which group of an import stores each of a file's photos (issue 13), for both import
/// paths: the first group whose events name it (by its hashed key or a legacy one); the
/// photos no new event names (this tablet lacks the picture, not the event) with the last.
pub(crate) struct PhotoGroups {
    by_key: HashMap<String, usize>,
    taken: Vec<bool>,
}

impl PhotoGroups {
    /// The file's photos in order: each one's SHA-256 and legacy keys.
    pub(crate) fn new<'a>(photos: impl Iterator<Item = (&'a str, &'a [String])>) -> Self {
        let mut by_key = HashMap::new();
        let mut n = 0;
        for (i, (sha256, keys)) in photos.enumerate() {
            by_key.insert(crate::store::photo_key(sha256), i);
            for k in keys {
                by_key.insert(k.clone(), i);
            }
            n = i + 1;
        }
        PhotoGroups {
            by_key,
            taken: vec![false; n],
        }
    }

    /// The photos `events` name that no earlier group took, in order.
    pub(crate) fn named(&mut self, events: &[Event]) -> Vec<usize> {
        let mut out = Vec::new();
        for e in events {
            for k in crate::store::photo_keys(e) {
                if let Some(&i) = self.by_key.get(&k) {
                    if !std::mem::replace(&mut self.taken[i], true) {
                        out.push(i);
                    }
                }
            }
        }
        out
    }

    /// The photos no group took.
    pub(crate) fn rest(&mut self) -> Vec<usize> {
        (0..self.taken.len())
            .filter(|&i| !std::mem::replace(&mut self.taken[i], true))
            .collect()
    }
}

/// The groups of one import's second step (issue 13), whether the plan holds its events
/// ([`apply_import_in_groups`]) or they are read again from the file
/// ([`super::apply_import_sliced`]): each group its own transaction with the photos its events
/// name and the resume marker; the last with the watermarks the file proved.
pub(crate) struct Run<'a, S: Store> {
    app: &'a App<S>,
    plan: &'a ImportPlan,
    file: &'a str,
    /// An unfinished run of the same file is resumed (its marker is cleared at the end).
    ours: bool,
    started: i64,
    total: u64,
    done: u64,
    groups: usize,
    added: usize,
    now: i64,
    stop_after: Option<usize>,
    /// Onto a blank tablet (issue 13): the groups write events only and every record is
    /// folded once after the last ([`Store::finish_deferred_views`]) — a restore's groups
    /// otherwise rewrite the records they share, a busy record once per group.
    defer_views: bool,
}

impl<'a, S: Store> Run<'a, S> {
    /// Checks the permission again (the plan may have been made by someone else, or before
    /// the tablet held an estate) and picks up the marker of an unfinished run of `file`.
    pub(crate) async fn start(
        app: &'a App<S>,
        actor: Option<&Actor>,
        plan: &'a ImportPlan,
        file: &'a str,
        now: i64,
        stop_after: Option<usize>,
    ) -> Result<Self, AppError> {
        may_import(app, actor).await.map_err(app_error)?;
        let previous = import_marker(&app.store)
            .await?
            .filter(|m| m.file == file && m.exporter == plan.header.device);
        let before = previous.as_ref().map_or(0, |m| m.done);
        // A resumed run defers as long as its views are still pending (a tab reopened
        // meanwhile has folded them: the rest is absorbed the usual way).
        let defer_views = if previous.is_some() {
            app.store.meta(crate::store::META_REBUILD).await? == Some(true.into())
        } else {
            app.store.event_count().await? == 0
        };
        // A fresh run keeps its views in memory until its end; a resumed one leaves them to
        // the fold of every stored record.
        app.begin_view_cache(defer_views && previous.is_none());
        Ok(Run {
            app,
            plan,
            file,
            ours: previous.is_some(),
            started: previous.as_ref().map_or(now, |m| m.started),
            total: before + plan.new_count as u64,
            done: before,
            groups: 0,
            added: 0,
            now,
            stop_after,
            defer_views,
        })
    }

    /// Commits one group; `false` when the run is to stop here (`stop_after`).
    pub(crate) async fn commit(
        &mut self,
        chunk: Vec<Event>,
        rows: Vec<crate::store::PhotoRow>,
        last: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<bool, AppError> {
        if self.stop_after.is_some_and(|s| self.groups >= s) {
            return Ok(false);
        }
        self.done += chunk.len() as u64;
        let marker = ImportMarker {
            file: self.file.to_string(),
            exporter: self.plan.header.device,
            done: self.done,
            events: self.total,
            started: self.started,
        };
        let clear = self.ours || self.groups > 0;
        let (app, plan) = (self.app, self.plan);
        let bookkeeping = async || group_meta(app, plan, &marker, last, clear).await;
        // A restore (issue 13): its events are written unindexed while the store holds only
        // this file's runs; a file listing an event twice is looked up group by group.
        let restore = (self.defer_views && !plan.repeats).then_some(self.file);
        self.added += app
            .absorb_new_with_photos(
                chunk,
                rows,
                self.now,
                self.defer_views,
                restore,
                bookkeeping,
            )
            .await?;
        self.groups += 1;
        progress(self.done, self.total);
        if last && self.defer_views {
            app.finish_deferred_views().await?;
        }
        Ok(true)
    }

    /// The run's end: its outcome, or its error once the groups already in are folded — an
    /// import onto a blank tablet that failed halfway (a full disk, a file changed since its
    /// check) shows what it stored, as an interrupted one does; the marker says it is
    /// unfinished.
    pub(crate) async fn end(
        &self,
        result: Result<(), AppError>,
    ) -> Result<ImportOutcome, AppError> {
        match result {
            Ok(()) => Ok(self.outcome()),
            Err(e) => {
                if self.defer_views {
                    // Best effort: if this fails too (the same full disk), the next open folds.
                    let _ = self.app.finish_deferred_views().await;
                }
                Err(e)
            }
        }
    }

    pub(crate) fn outcome(&self) -> ImportOutcome {
        ImportOutcome {
            added: self.added,
            conflicts: self.plan.conflicts.len(),
            quarantined: self.plan.quarantined.iter().map(|q| q.events).sum(),
        }
    }
}

/// An import refusal as the app reports it.
pub(crate) fn app_error(e: ImportError) -> AppError {
    match e {
        ImportError::Denied(d) => AppError::Domain(DomainError::Denied(d)),
        ImportError::Store(s) => AppError::Store(s),
        other => AppError::Domain(DomainError::Invalid(other.message())),
    }
}
