//! Persistence behind one small trait. [`memory::MemoryStore`] for native tests, and
//! `idb::IdbStore` (wasm only) for the browser's IndexedDB. A write is one [`Batch`], committed
//! atomically: the new events, the refolded views, and device metadata (the HLC).

#[cfg(target_arch = "wasm32")]
pub mod idb;
pub mod memory;
pub mod packed;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod rows_tests;
pub mod segment;
pub mod tally;

use crate::domain::event::{Event, RecordKind, RecordRef};
use crate::domain::hlc::{Hlc, HlcClock};
use crate::domain::i18n::Text;
use crate::domain::ids::{DeviceId, EventId, RecordId, StaffId};
use crate::domain::view::{Row, View, ViewHead};
use std::collections::HashSet;

/// Meta key of this device's hybrid logical clock (written only through [`Batch::clock`]).
pub const META_HLC: &str = "hlc";

/// Meta flag: views must be refolded from the events — set by the v1 → v2 migration, and by
/// an import onto a blank tablet that writes its events only (issue 13): every record is then
/// folded once, at the end ([`Store::finish_deferred_views`]), or on the next open of a tab
/// closed halfway.
pub const META_REBUILD: &str = "views_rebuild_needed";

/// Everything one command writes, committed in one transaction.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub events: Vec<Event>,
    pub views: Vec<View>,
    pub meta: Vec<(String, serde_json::Value)>,
    /// Views to remove: records none of whose events take effect any more (an authority
    /// change re-decided them; issue 12). Their events stay stored.
    pub dropped: Vec<RecordRef>,
    /// Records purged past their retention date (VIO-9, QUAL-4, issue 14): every stored event
    /// of theirs and their view are removed in this transaction. Their tombstone (record kind
    /// `purged`) stays.
    pub purged: Vec<RecordRef>,
    /// The device clock after this write (issue 12, one tablet one writer).
    pub clock: Option<ClockWrite>,
    /// Photo bytes written in the same transaction as the events that name them (issue 13): a
    /// patrol check-in's photo with its finding, an import's photos with its events.
    pub photos: Vec<PhotoRow>,
    /// Index keys this batch's views leave (issue 19, [`LeftKey`]): the IndexedDB store reads
    /// them in the write's own transaction, which drops the entries left behind. Changes no
    /// record; a store without such entries ignores it.
    pub left: Vec<LeftKey>,
}

/// An index key a view moves away from (issue 19). Chromium's IndexedDB keeps an index entry
/// whose key changed (or whose record was rewritten under another key) until a read-write
/// read passes over it; every read-only read of that key skips it at a cost. Five years of
/// complaints passing through 待处理 left ~20,000 such entries under each open status and
/// made the open complaint list 375 ms; measured (tests of 20,000 rows): reading 200 open rows
/// among 20,000 left entries 170–220 ms, after a read-write `count` of the key 9–27 ms,
/// fresh 4–10 ms.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeftKey {
    /// `[kind, status]` of the `kind_status` index.
    Status(RecordKind, String),
    /// `[assignee, due]` of the `assignee_due` index.
    AssigneeDue(StaffId, i64),
    /// A key of the `search` index (as stored: "kind|…"), e.g. a callback's `cbdue|<deadline>`
    /// once it is made: range reads of the search index pass over what is left there too.
    Search(String),
}

impl LeftKey {
    /// The index keys of `old` that `new` (the same record) no longer has.
    pub fn between(old: &ViewHead, new: &View) -> Vec<LeftKey> {
        let mut left = Vec::new();
        if let Some(s) = &old.status {
            if new.status.as_ref() != Some(s) {
                left.push(LeftKey::Status(old.kind, s.clone()));
            }
        }
        if let (Some(a), Some(d)) = (old.assignee, old.due) {
            if (new.assignee, new.due) != (Some(a), Some(d)) {
                left.push(LeftKey::AssigneeDue(a, d));
            }
        }
        left.extend(
            old.search
                .iter()
                .filter(|k| !new.search.contains(k))
                .map(|k| LeftKey::Search(k.clone())),
        );
        left
    }
}

/// Keys of photos stored under the SHA-256 of their bytes (issue 13): `sha256-<64 hex>`.
pub const PHOTO_KEY_PREFIX: &str = "sha256-";

/// The key of the photo whose bytes hash to `sha256_hex`.
pub fn photo_key(sha256_hex: &str) -> String {
    format!("{PHOTO_KEY_PREFIX}{sha256_hex}")
}

/// One photo's bytes, keyed by their SHA-256 (issue 13). Older tablets stored photos under
/// `photo-<uuid>` keys that events still name: those keys become `aliases` of the hashed row
/// (an alias row holds only the hashed key), so every old event keeps finding its picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoRow {
    /// Lowercase hex SHA-256 of `bytes`.
    pub sha256: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
    /// Legacy keys (`photo-<uuid>`) that name these bytes.
    pub aliases: Vec<String>,
}

impl PhotoRow {
    pub fn new(media_type: &str, bytes: Vec<u8>) -> Self {
        use sha2::Digest;
        PhotoRow {
            sha256: hex::encode(sha2::Sha256::digest(&bytes)),
            media_type: media_type.into(),
            bytes,
            aliases: Vec::new(),
        }
    }
    /// The key it is stored under.
    pub fn key(&self) -> String {
        photo_key(&self.sha256)
    }
}

/// Whether `key` may be stored as an alias of a hashed photo: only the legacy `photo-…` keys
/// (a file may not alias one hashed key to other bytes).
pub fn legacy_photo_key(key: &str) -> bool {
    key.starts_with("photo-")
        && key.len() <= 80
        && key[6..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The photo keys an event names (`"blob":"…"` inside its canonical bytes, wherever a module
/// keeps its `Photo`s): what an export must carry along and a commit must store with it.
pub fn photo_keys(e: &Event) -> Vec<String> {
    const NEEDLE: &[u8] = b"\"blob\":\"";
    let bytes = e.canonical_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = bytes[i..].windows(NEEDLE.len()).position(|w| w == NEEDLE) {
        let start = i + p + NEEDLE.len();
        let len = bytes[start..].iter().position(|&b| b == b'"').unwrap_or(0);
        if let Ok(k) = std::str::from_utf8(&bytes[start..start + len]) {
            if !k.is_empty() && !out.iter().any(|o: &String| o == k) {
                out.push(k.to_string());
            }
        }
        i = start + len;
    }
    out
}

/// A compare-and-set of the stored clock (meta [`META_HLC`]), checked inside the batch's own
/// transaction: the commit fails with [`StoreError::Stale`] — writing nothing — when the stored
/// clock is no longer `expect` (another tab wrote since this writer read it: its views may be
/// stale and its stamps may fork the HLC), or when `next` would move the same device's clock
/// backwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClockWrite {
    /// The stored clock the writer read (None: none stored, or unreadable).
    pub expect: Option<HlcClock>,
    pub next: HlcClock,
}

impl ClockWrite {
    /// Checks the rule against what the transaction read.
    pub fn check(&self, stored: Option<&HlcClock>) -> Result<(), StoreError> {
        if stored != self.expect.as_ref() {
            return Err(StoreError::Stale);
        }
        match stored {
            Some(s) if s.last.device == self.next.last.device && self.next.last < s.last => {
                Err(StoreError::Stale)
            }
            _ => Ok(()),
        }
    }
}

/// Held while a tab writes: other tabs' writers wait (Web Locks in the browser). Released on
/// drop.
#[derive(Default)]
pub struct WriteLock {
    release: Option<Box<dyn FnOnce()>>,
}

impl WriteLock {
    pub fn new(release: impl FnOnce() + 'static) -> Self {
        WriteLock {
            release: Some(Box::new(release)),
        }
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        if let Some(f) = self.release.take() {
            f();
        }
    }
}

/// Which views to read. Every variant is served by an index, never a full scan.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// All records of the kind, by key.
    All,
    /// Records of the kind with this status ("active", "current" …).
    Status(String),
    /// Records of the kind linked to this unit (households of a unit …).
    Unit(RecordId),
    /// Records of the kind whose search keys start with this text (lower-cased).
    Prefix(String),
    /// Records of the kind with a search key from `.0` up to and including every key that
    /// starts with `.1` (lower-cased): one range read of the search index, e.g. every record
    /// whose retention month is up to a month (`ret|` … `ret|2023-10`, QUAL-4). With a limit,
    /// the records whose keys come first (the oldest month, the earliest deadline); without,
    /// every match by record key.
    Range(String, String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub kind: RecordKind,
    pub filter: Filter,
    pub limit: Option<u32>,
}

impl Query {
    pub fn all(kind: RecordKind) -> Self {
        Query {
            kind,
            filter: Filter::All,
            limit: None,
        }
    }
    pub fn new(kind: RecordKind, filter: Filter) -> Self {
        Query {
            kind,
            filter,
            limit: None,
        }
    }
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }
}

/// A storage failure, with a message for the user. Nothing is written when one is returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The device's storage is full.
    QuotaExceeded,
    /// The database could not be opened (private mode, blocked by another tab …).
    Unavailable(String),
    /// An event id already stored with different content.
    Conflict(EventId),
    /// Another tab (the installed app and a browser tab) wrote between this writer's read of
    /// the clock and its commit; nothing was written (the app retries).
    Stale,
    /// [`Store::commit_new`]: an event of the batch turned out stored; nothing was written (the
    /// caller looks its events up and commits again).
    AlreadyStored,
    Other(String),
}

impl StoreError {
    pub fn message(&self) -> Text {
        match self {
            StoreError::QuotaExceeded => Text::new(
                "设备存储空间已满，本次操作未保存。请导出备份并清理空间后重试。",
                "The tablet's storage is full; nothing was saved. Export a backup, free some space and try again.",
            ),
            StoreError::Unavailable(d) => Text::new(
                format!("无法打开本地数据库：{d}"),
                format!("The local database could not be opened: {d}"),
            ),
            StoreError::Conflict(id) => Text::new(
                format!("记录 {} 与已有内容不符，未保存", id.short()),
                format!("Record {} differs from what is stored; nothing was saved", id.short()),
            ),
            StoreError::Stale => Text::new(
                "另一个窗口同时在保存，本次操作未保存，请重试",
                "Another window of the app saved at the same moment; nothing was saved, please try again",
            ),
            // Handled by the app (it retries looking the events up); shown only if a bug lets
            // it through.
            StoreError::AlreadyStored => Text::new(
                "部分记录已在本机，本次未保存，请重试",
                "Some of these records are already on this tablet; nothing was saved, please try again",
            ),
            StoreError::Other(d) => Text::new(format!("保存失败：{d}"), format!("Saving failed: {d}")),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().en)
    }
}

/// The persistence contract. Futures are not `Send`: the browser is single-threaded.
#[allow(async_fn_in_trait)]
pub trait Store {
    /// Writes all of the batch or none of it. Events already stored with the same id and hash
    /// are skipped (idempotent); the same id with another hash is a [`StoreError::Conflict`];
    /// a [`Batch::clock`] that fails its check is a [`StoreError::Stale`].
    async fn commit(&self, batch: Batch) -> Result<(), StoreError>;
    /// [`commit`](Store::commit) of a batch whose events the caller found absent (issue 13: an
    /// import's plan, a restore on a blank tablet), so the store need not look them up. If one
    /// is stored after all (another tab, a duplicate across the file's groups), nothing is
    /// written and the answer is [`StoreError::AlreadyStored`].
    async fn commit_new(&self, batch: Batch) -> Result<(), StoreError> {
        let distinct: HashSet<EventId> = batch.events.iter().map(|e| e.id).collect();
        if distinct.len() < batch.events.len()
            || !self.stored_among(&batch.events).await?.is_empty()
        {
            return Err(StoreError::AlreadyStored);
        }
        self.commit(batch).await
    }
    /// [`commit_new`](Store::commit_new) of one group of a restore onto a blank tablet (issue
    /// 13), `run` naming the file: the IndexedDB store then writes the events' ids where no
    /// index reads them (an index entry per event was a third of a restore), refusing with
    /// [`StoreError::AlreadyStored`], nothing written, unless the store holds only what runs
    /// of that file wrote this way (the caller then commits looking the events up). The
    /// caller guarantees the groups hold no id twice (the file's check found none).
    async fn commit_restore(&self, batch: Batch, _run: &str) -> Result<(), StoreError> {
        self.commit_new(batch).await
    }
    /// Folds the views [`META_REBUILD`] says are pending (issue 13: an import onto a blank
    /// tablet leaves them to its end), each record once from its stored events and under the
    /// authority ledger of the stored staff and estate events; clears the flag. Nothing to do
    /// without the flag. Resumable where the store persists (IndexedDB: in chunks, each its
    /// own transaction).
    async fn finish_deferred_views(&self) -> Result<(), StoreError>;
    /// Tells the page how far a fold of pending views got (`done` of `total`): the import
    /// panel's and the opening screen's progress. Nothing where nobody watches.
    fn rebuild_progress(&self, _done: u64, _total: u64) {}
    /// The authority ledger of the stored staff and estate events (issue 12): a fold from the
    /// stored events (a rebuild, the deferred fold) admits only what it admits, like
    /// `App::commit_events`.
    async fn stored_ledger(&self) -> Result<crate::domain::authority::Ledger, StoreError> {
        let mut events = self.events_of_kind(RecordKind::Staff).await?;
        events.extend(self.events_of_kind(RecordKind::Estate).await?);
        Ok(crate::domain::authority::Ledger::build(&events))
    }
    /// Waits until no other tab on this store is writing and keeps them out until the guard
    /// is dropped (a no-op where there is only one writer).
    async fn write_lock(&self) -> Result<WriteLock, StoreError> {
        Ok(WriteLock::default())
    }
    async fn view(&self, subject: RecordRef) -> Result<Option<View>, StoreError>;
    async fn query(&self, q: &Query) -> Result<Vec<View>, StoreError>;
    async fn count(&self, q: &Query) -> Result<u32, StoreError>;
    /// Views assigned to a person, of any kind, ordered by due time.
    async fn assigned(&self, staff: StaffId) -> Result<Vec<View>, StoreError>;
    /// The list rows of [`Store::query`] (issue 19): the same records in the same order, each
    /// only its index fields. Lists read these; the full view is read when a record opens.
    /// IndexedDB decodes each row's own small JSON, never the folded state.
    async fn rows(&self, q: &Query) -> Result<Vec<Row>, StoreError> {
        Ok(self.query(q).await?.iter().map(View::row).collect())
    }
    /// The list rows of [`Store::assigned`] (我的待办).
    async fn assigned_rows(&self, staff: StaffId) -> Result<Vec<Row>, StoreError> {
        Ok(self.assigned(staff).await?.iter().map(View::row).collect())
    }
    /// The list rows of `kind` on each unit (`Filter::Unit`), in one read where the store can
    /// (issue 19: the registry search shows who lives in up to 50 units).
    async fn rows_by_unit(
        &self,
        kind: RecordKind,
        units: &[RecordId],
    ) -> Result<Vec<Vec<Row>>, StoreError> {
        let mut out = Vec::with_capacity(units.len());
        for u in units {
            out.push(self.rows(&Query::new(kind, Filter::Unit(*u))).await?);
        }
        Ok(out)
    }
    /// Every event of one record (any order).
    async fn events_for(&self, subject: RecordRef) -> Result<Vec<Event>, StoreError>;
    /// Whether `e`'s id is stored. Asked with the event, not its id: from schema 7 the
    /// IndexedDB store finds a restore's events by device and HLC (issue 13).
    async fn has_event(&self, e: &Event) -> Result<bool, StoreError>;
    /// The ids of `events` already stored. One read for the whole batch where the store can
    /// (an import of 100k events must not pay 100k transactions; issue 7).
    async fn stored_among(&self, events: &[Event]) -> Result<HashSet<EventId>, StoreError> {
        let mut out = HashSet::new();
        for e in events {
            if self.has_event(e).await? {
                out.insert(e.id);
            }
        }
        Ok(out)
    }
    /// The stored hash of each of `events` already stored, by id (issue 13: what an import's
    /// check compares). Here from the records' events ("" for an id stored under another
    /// record: certainly other content); the IndexedDB store reads each id's row instead of
    /// its record's every event.
    async fn stored_hashes(
        &self,
        events: &[Event],
    ) -> Result<std::collections::HashMap<EventId, String>, StoreError> {
        let held = self.stored_among(events).await?;
        let mut out: std::collections::HashMap<EventId, String> =
            held.iter().map(|id| (*id, String::new())).collect();
        if held.is_empty() {
            return Ok(out);
        }
        let subjects: Vec<RecordRef> = events
            .iter()
            .filter(|e| held.contains(&e.id))
            .map(|e| e.subject)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for stored in self.events_of(&subjects).await? {
            for e in stored {
                if let Some(h) = out.get_mut(&e.id) {
                    *h = e.hash;
                }
            }
        }
        Ok(out)
    }
    /// The view of each subject, in one read where the store can.
    async fn views_of(&self, subjects: &[RecordRef]) -> Result<Vec<Option<View>>, StoreError> {
        let mut out = Vec::with_capacity(subjects.len());
        for s in subjects {
            out.push(self.view(*s).await?);
        }
        Ok(out)
    }
    /// The [`ViewHead`] of each subject's stored view, in one read where the store can (issue
    /// 13: asked for records mostly never written — the IndexedDB store reads no state of a
    /// record it does not hold).
    async fn view_heads_of(
        &self,
        subjects: &[RecordRef],
    ) -> Result<Vec<Option<ViewHead>>, StoreError> {
        let views = self.views_of(subjects).await?;
        Ok(views.into_iter().map(|v| v.map(|v| v.head())).collect())
    }
    /// Meta values and views read together, in one transaction where the store can (issue
    /// 19: a write's clock, authority and the records it folds onto, one wait at 4× throttle
    /// instead of three). In the order asked.
    async fn metas_and_views(
        &self,
        keys: &[&str],
        subjects: &[RecordRef],
    ) -> Result<(Vec<Option<serde_json::Value>>, Vec<Option<View>>), StoreError> {
        let mut values = Vec::with_capacity(keys.len());
        for k in keys {
            values.push(self.meta(k).await?);
        }
        Ok((values, self.views_of(subjects).await?))
    }
    /// The stored events of each subject, in one read where the store can.
    async fn events_of(&self, subjects: &[RecordRef]) -> Result<Vec<Vec<Event>>, StoreError> {
        let mut out = Vec::with_capacity(subjects.len());
        for s in subjects {
            out.push(self.events_for(*s).await?);
        }
        Ok(out)
    }
    /// Whether each record has a stored event (issue 13: an import's preview counts the records
    /// a file only appends to as new or updated without reading their events).
    async fn records_held(&self, subjects: &[RecordRef]) -> Result<Vec<bool>, StoreError> {
        Ok(self
            .events_of(subjects)
            .await?
            .iter()
            .map(|e| !e.is_empty())
            .collect())
    }
    /// Every stored event of one record kind (any order): the authority ledger reads the staff
    /// and estate events once per open (issue 12). One range read of the subject index.
    async fn events_of_kind(&self, kind: RecordKind) -> Result<Vec<Event>, StoreError>;
    async fn event_count(&self) -> Result<u64, StoreError>;
    /// Every stored event (export, and a tablet's enrolment attesting its unsigned events; the
    /// rare full re-decision of authority, issue 12).
    async fn every_event(&self) -> Result<Vec<Event>, StoreError>;
    async fn meta(&self, key: &str) -> Result<Option<serde_json::Value>, StoreError>;
    /// The photo stored under `key` (a hashed key, or a legacy alias resolved to its bytes),
    /// with its SHA-256 computed from the bytes (issue 13). `aliases` is empty.
    async fn photo_row(&self, _key: &str) -> Result<Option<PhotoRow>, StoreError> {
        Ok(None)
    }
    /// Whether a photo (or an alias) is stored under `key`, without reading its bytes.
    async fn has_photo(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self.photo_row(key).await?.is_some())
    }
    /// [`has_photo`](Self::has_photo) of each key, in one read (issue 13: an import asks for
    /// every photo of a group; IndexedDB sends the requests together).
    async fn photos_held(&self, keys: &[String]) -> Result<Vec<bool>, StoreError> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            out.push(self.has_photo(k).await?);
        }
        Ok(out)
    }
    /// For each device that wrote events held here: how many, and its newest HLC (issue 13:
    /// the Sync page reads these counts, never the events). By device. The default reads every
    /// event; IndexedDB answers from its `device_hlc` index without decoding any.
    async fn device_events(&self) -> Result<Vec<DeviceEvents>, StoreError> {
        Ok(DeviceEvents::of(&self.every_event().await?))
    }
    /// The stored events written by `device` with an HLC above `after` (all of them for
    /// `None`), in HLC order: what an incremental export for a peer whose watermark for
    /// `device` is `after` carries (issue 13). IndexedDB reads them by key range.
    async fn events_above(
        &self,
        device: DeviceId,
        after: Option<Hlc>,
    ) -> Result<Vec<Event>, StoreError> {
        let mut out: Vec<Event> = self
            .every_event()
            .await?
            .into_iter()
            .filter(|e| e.device() == device && after.is_none_or(|h| e.at > h))
            .collect();
        out.sort_by_key(|e| e.at);
        Ok(out)
    }
    /// How many stored events `device` wrote above `after` (issue 13: the Sync page's preview
    /// of an incremental file counts them from the index, never decoding them at full size).
    async fn count_above(&self, device: DeviceId, after: Option<Hlc>) -> Result<u64, StoreError> {
        Ok(self.events_above(device, after).await?.len() as u64)
    }
    /// One page of [`Store::events_above`] (issue 13: an export holds one page of events at a
    /// time, never every event): at most `limit` events written by `device` with an HLC above
    /// `after` and not above `upto` (no upper end for `None`), in HLC order. The next page
    /// starts after the last HLC of this one (one device never stamps two events with one HLC).
    /// IndexedDB reads one key range of its `device_hlc` index with a limit.
    async fn events_page(
        &self,
        device: DeviceId,
        after: Option<Hlc>,
        upto: Option<Hlc>,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError> {
        let mut out = self.events_above(device, after).await?;
        out.retain(|e| upto.is_none_or(|u| e.at <= u));
        out.truncate(limit as usize);
        Ok(out)
    }
}

/// One device's events held by this tablet (issue 13, the Sync page's device table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceEvents {
    pub device: DeviceId,
    pub events: u64,
    /// The newest HLC of those events.
    pub newest: Hlc,
}

impl DeviceEvents {
    /// The reference computation over a list of events (native stores, tests).
    pub fn of<'a>(events: impl IntoIterator<Item = &'a Event>) -> Vec<DeviceEvents> {
        let mut m: std::collections::BTreeMap<DeviceId, DeviceEvents> = Default::default();
        for e in events {
            let d = m.entry(e.device()).or_insert(DeviceEvents {
                device: e.device(),
                events: 0,
                newest: e.at,
            });
            d.events += 1;
            d.newest = d.newest.max(e.at);
        }
        m.into_values().collect()
    }
}

/// An HLC as the text the `device_hlc` index sorts (issue 13): fixed-width hex of the wall
/// time (clamped at 0) and the counter, so text order is HLC order within one device.
pub fn hlc_key(h: &Hlc) -> String {
    format!("{:016x}{:08x}", h.wall.max(0) as u64, h.counter)
}

/// The inverse of [`hlc_key`] for `device`.
pub fn hlc_from_key(key: &str, device: DeviceId) -> Option<Hlc> {
    if key.len() != 24 || !key.is_ascii() {
        return None;
    }
    Some(Hlc {
        wall: i64::try_from(u64::from_str_radix(&key[..16], 16).ok()?).ok()?,
        counter: u32::from_str_radix(&key[16..], 16).ok()?,
        device,
    })
}

/// One store shared by several `App`s (tests: two tabs on one database).
impl<T: Store> Store for std::rc::Rc<T> {
    async fn commit(&self, batch: Batch) -> Result<(), StoreError> {
        (**self).commit(batch).await
    }
    async fn commit_new(&self, batch: Batch) -> Result<(), StoreError> {
        (**self).commit_new(batch).await
    }
    async fn commit_restore(&self, batch: Batch, run: &str) -> Result<(), StoreError> {
        (**self).commit_restore(batch, run).await
    }
    async fn finish_deferred_views(&self) -> Result<(), StoreError> {
        (**self).finish_deferred_views().await
    }
    async fn write_lock(&self) -> Result<WriteLock, StoreError> {
        (**self).write_lock().await
    }
    async fn view(&self, subject: RecordRef) -> Result<Option<View>, StoreError> {
        (**self).view(subject).await
    }
    async fn query(&self, q: &Query) -> Result<Vec<View>, StoreError> {
        (**self).query(q).await
    }
    async fn count(&self, q: &Query) -> Result<u32, StoreError> {
        (**self).count(q).await
    }
    async fn assigned(&self, staff: StaffId) -> Result<Vec<View>, StoreError> {
        (**self).assigned(staff).await
    }
    async fn rows(&self, q: &Query) -> Result<Vec<Row>, StoreError> {
        (**self).rows(q).await
    }
    async fn assigned_rows(&self, staff: StaffId) -> Result<Vec<Row>, StoreError> {
        (**self).assigned_rows(staff).await
    }
    async fn rows_by_unit(
        &self,
        kind: RecordKind,
        units: &[RecordId],
    ) -> Result<Vec<Vec<Row>>, StoreError> {
        (**self).rows_by_unit(kind, units).await
    }
    async fn events_for(&self, subject: RecordRef) -> Result<Vec<Event>, StoreError> {
        (**self).events_for(subject).await
    }
    async fn has_event(&self, e: &Event) -> Result<bool, StoreError> {
        (**self).has_event(e).await
    }
    async fn stored_among(&self, events: &[Event]) -> Result<HashSet<EventId>, StoreError> {
        (**self).stored_among(events).await
    }
    async fn stored_hashes(
        &self,
        events: &[Event],
    ) -> Result<std::collections::HashMap<EventId, String>, StoreError> {
        (**self).stored_hashes(events).await
    }
    async fn views_of(&self, subjects: &[RecordRef]) -> Result<Vec<Option<View>>, StoreError> {
        (**self).views_of(subjects).await
    }
    async fn view_heads_of(
        &self,
        subjects: &[RecordRef],
    ) -> Result<Vec<Option<ViewHead>>, StoreError> {
        (**self).view_heads_of(subjects).await
    }
    async fn events_of(&self, subjects: &[RecordRef]) -> Result<Vec<Vec<Event>>, StoreError> {
        (**self).events_of(subjects).await
    }
    async fn records_held(&self, subjects: &[RecordRef]) -> Result<Vec<bool>, StoreError> {
        (**self).records_held(subjects).await
    }
    async fn metas_and_views(
        &self,
        keys: &[&str],
        subjects: &[RecordRef],
    ) -> Result<(Vec<Option<serde_json::Value>>, Vec<Option<View>>), StoreError> {
        (**self).metas_and_views(keys, subjects).await
    }
    async fn event_count(&self) -> Result<u64, StoreError> {
        (**self).event_count().await
    }
    async fn every_event(&self) -> Result<Vec<Event>, StoreError> {
        (**self).every_event().await
    }
    async fn events_of_kind(&self, kind: RecordKind) -> Result<Vec<Event>, StoreError> {
        (**self).events_of_kind(kind).await
    }
    async fn meta(&self, key: &str) -> Result<Option<serde_json::Value>, StoreError> {
        (**self).meta(key).await
    }
    async fn photo_row(&self, key: &str) -> Result<Option<PhotoRow>, StoreError> {
        (**self).photo_row(key).await
    }
    async fn has_photo(&self, key: &str) -> Result<bool, StoreError> {
        (**self).has_photo(key).await
    }
    async fn photos_held(&self, keys: &[String]) -> Result<Vec<bool>, StoreError> {
        (**self).photos_held(keys).await
    }
    async fn device_events(&self) -> Result<Vec<DeviceEvents>, StoreError> {
        (**self).device_events().await
    }
    async fn events_above(
        &self,
        device: DeviceId,
        after: Option<Hlc>,
    ) -> Result<Vec<Event>, StoreError> {
        (**self).events_above(device, after).await
    }
    async fn events_page(
        &self,
        device: DeviceId,
        after: Option<Hlc>,
        upto: Option<Hlc>,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError> {
        (**self).events_page(device, after, upto, limit).await
    }
    async fn count_above(&self, device: DeviceId, after: Option<Hlc>) -> Result<u64, StoreError> {
        (**self).count_above(device, after).await
    }
}
