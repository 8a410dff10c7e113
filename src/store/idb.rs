//! The browser's IndexedDB behind the [`Store`] trait (wasm only), on `indexed_db_futures` 0.6.
//!
//! # Schema (versioned; migrations run in `upgradeneeded`)
//!
//! | version | change |
//! |---|---|
//! | 1 | `events` (key path `id`, index `subject`), `meta` (out-of-line string keys) |
//! | 2 | `views` (key path `key`) with indexes `kind`, `kind_status` [kind,status], `kind_unit` [kind,unit], `assignee_due` [assignee,due], `search` (multi-entry); existing events are refolded into views |
//! | 3 | `photos` (out-of-line string keys → JPEG `Blob`s of patrol findings, PAT-4); additive, no data work |
//! | 4 | index `device_hlc` [dev, hlc] on `events` (issue 13: the Sync page's per-device counts and newest HLC, an incremental export's events above a watermark, read by key range); existing rows gain `dev`/`hlc` in a resumable backfill |
//! | 5 | per-device day tallies in `meta` (`tally|<device>`, [`super::tally`]): event counts without walking rows; counted once from the stored events ([`META_TALLY_BACKFILL`]) |
//! | 6 | `segments` (key path `k`; multiEntry indexes `ids` (unique), `sj`, `dh`): new events are stored many to a row (issue 13, [`super::segment`]); the rows older builds wrote in `events` stay where they are and every read answers from both |
//! | 7 | `rids` (out-of-line keys → `Uint8Array`s): a restore's segments carry their ids in `i`, which no index reads, and `rids` lists those ids with their hashes' first 16 bytes (issue 13); an event is found by id through `ids` or by device and HLC through `dh`. Additive; older builds must not open it (they would not read `i`) |
//!
//! The version-4 backfill works like the view rebuild below: the upgrade sets
//! [`META_DEVICE_INDEX`]; `open` then rewrites the stored rows in id order, [`REBUILD_CHUNK`] per
//! transaction, recording the last id done in [`META_DEVICE_INDEX_FROM`] in the same
//! transaction, and clears both at the end (a closed tab resumes). Rows written by this build
//! carry the fields from their first commit.
//!
//! Photos (issue 13): new photos are stored under `sha256-<hex of their bytes>`, in the same
//! transaction as the event that names them ([`Batch::photos`]). Rows under the older
//! `photo-<uuid>` keys stay as they are; an import that brings such a key for bytes this
//! tablet lacks stores the bytes under their hash and, under the old key, the hashed key as a
//! string (an alias [`IdbStore::photo`] follows).
//!
//! A migration that needs data work (v1 → v2 refolds every record) only changes the schema and
//! sets the meta flag [`META_REBUILD`] inside the upgrade transaction. [`IdbStore::open`] then
//! does the work after the upgrade has completed, in chunks of [`REBUILD_CHUNK`] events, each
//! chunk one transaction that also records how far it got ([`META_REBUILD_FROM`]); the last
//! chunk clears both. A tab closed mid-way resumes on its next open.
//!
//! # Representation
//!
//! Records are plain JS objects whose indexed fields are plain JS values and whose content is
//! the `serde_json` text of the Rust value (no `serde-wasm-bindgen`: HLC walls and other `i64`s
//! would need BigInt, and one JSON string is the cheapest thing to clone into IndexedDB and to
//! parse back for ~600 000 events):
//!
//! * `events`: `{ id: "uuid", subject: "kind:uuid", json: "<Event as JSON>" }`
//! * `views`: `{ key: "kind:uuid", kind: "unit", status?: "shop", unit?: "uuid",
//!   assignee?: "uuid", due?: <UTC ms as a JS number>, search: ["kind|text", …],
//!   json: "<View as JSON>", row: "<Row as JSON>" }` — an optional field that is `None` is left out (not `null`), so
//!   the record stays out of the compound indexes that use it (IndexedDB skips records whose
//!   key path does not resolve to a valid key).
//!   `row` (issue 19) is the view's list row (`domain::view::Row`: the index fields, without
//!   the folded state): lists decode only it. Views written before it have no `row`; they are
//!   read through their `json` until their record is next written (no schema change).
//! * `meta`: key → the JSON text of the `serde_json::Value`.
//! * `segments` (v6): `{ k: "<hlc>|<first id>|<random>", ids: [id, …], hs: [hash, …],
//!   sj: [subject key, …], dh: ["<device>|<hlc key>", …], js: [<Event as JSON>, …] }` —
//!   parallel lists, one entry per event, up to [`super::segment::SEGMENT_EVENTS`] events of
//!   one commit cut by record. The page pays per row written (~120–150 µs at 1×), so a
//!   restore writes a hundredth of the rows; the lists let a read pick its events (by id,
//!   record or device and HLC) without parsing the others. `ids` is a unique index: a commit
//!   that would store an id twice fails as a whole, like `add` on `events` did. From v7 a
//!   restore onto a blank tablet ([`Store::commit_restore`]) writes the ids as `i` instead:
//!   the unique index's entries, one per event at random places, were 80 of a full restore's
//!   259 s (session 22). Those events are found by their `dh` keys, which an incoming event
//!   carries (the same event has the same device and HLC), and an id of theirs arriving with
//!   another device or HLC (other content) by the `rids` lists. No build from
//!   v6 on writes to `events`: those rows (five years of them on a tablet in the field) are
//!   read beside the segments, never migrated, and [`IdbStore::legacy_rows`] lets the reads
//!   that ask per id skip `events` once it is empty.
//!
//! # Semantics
//!
//! The same as [`super::memory::MemoryStore`]: `query` returns views in key order (for
//! `Prefix` too: the matching primary keys are collected from the `search` index, deduplicated
//! and sorted before `limit` applies); `count` ignores `limit`; `assigned` returns only views
//! with both an assignee and a due time, by due time then key. Every read goes through an
//! index or a primary key; nothing scans the `views` store.

use super::{
    Batch, DeviceEvents, Filter, LeftKey, PhotoRow, Query, Store, StoreError, WriteLock, META_HLC,
};
use crate::domain::authority::Ledger;
use crate::domain::event::{Event, RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::ids::{DeviceId, EventId, RecordId, StaffId};
use crate::domain::view::{fold_all_kind, kinds_to_refold, Row, View, ViewHead, VIEWS_VERSION};
use indexed_db_futures::cursor::CursorDirection;
use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::error::{Error as IdbError, OpenDbError};
use indexed_db_futures::index::Index;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use indexed_db_futures::{KeyPath, KeyRange};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Every `rids` entry (an id's bytes, then its hash's first 16), sorted (schema v7).
type Restored = std::rc::Rc<Vec<[u8; 32]>>;

/// The schema version this build writes.
pub const DB_VERSION: u32 = 8;

const EVENTS: &str = "events";
/// Events many to a row (schema v6, issue 13).
const SEGMENTS: &str = "segments";
/// Segments by each of their events' ids (multiEntry, unique).
const IX_SEG_IDS: &str = "ids";
/// Segments by each of their events' subject keys (multiEntry).
const IX_SEG_SUBJECTS: &str = "sj";
/// Segments by each of their events' `<device>|<hlc key>` (multiEntry).
const IX_SEG_DH: &str = "dh";
/// A restore's ids with their hashes' first 16 bytes, a list per group (schema v7, issue 13).
const RIDS: &str = "rids";
/// Meta: the file whose restore runs wrote every event stored (schema v7): a group of it may be
/// written unindexed. Any other write of events removes it.
const META_RESTORE_RUN: &str = "restore_run";
/// Segments read per transaction by [`IdbStore::all_events`] (~10,000 events).
const EXPORT_SEGMENTS: u32 = 100;
const VIEWS: &str = "views";
/// A view's folded state, packed, under the view's key (schema v8, issue 19): the `views`
/// records keep only their index fields and list row, so a list reads no history.
const STATES: &str = "states";
/// Meta flag: `views` records an older build wrote still carry their state (`json`); set by
/// the v7 → v8 upgrade of a database with views, cleared when [`IdbStore::slim_views`] ends.
pub const META_SLIM: &str = "views_slim";
/// Meta: the last view key [`IdbStore::slim_views`] has moved the state of.
pub const META_SLIM_FROM: &str = "views_slim_from";
/// View records moved per transaction by [`IdbStore::slim_views`].
const SLIM_CHUNK: u32 = 2_000;
const META: &str = "meta";
const PHOTOS: &str = "photos";

const IX_SUBJECT: &str = "subject";
const IX_KIND: &str = "kind";
const IX_KIND_STATUS: &str = "kind_status";
const IX_KIND_UNIT: &str = "kind_unit";
const IX_ASSIGNEE_DUE: &str = "assignee_due";
const IX_SEARCH: &str = "search";
/// Events by [device, sortable HLC text] (schema v4, issue 13; see [`super::hlc_key`]).
const IX_DEVICE_HLC: &str = "device_hlc";
/// Upper end of one device's `hlc` keys (every `hlc_key` is 24 hex digits).
const HLC_KEY_MAX: &str = "~";

/// Meta flag: stored events still lack the `dev`/`hlc` fields of the v4 index.
pub const META_DEVICE_INDEX: &str = "device_index_backfill";
/// Meta: the last event id the running v4 backfill has rewritten.
pub const META_DEVICE_INDEX_FROM: &str = "device_index_backfill_from";

/// Meta flag: the per-device day tallies (schema v5, [`super::tally`]) must be counted from
/// the stored events before they are read (set by the v4 → v5 upgrade of a database with data).
pub const META_TALLY_BACKFILL: &str = "device_tally_backfill";
/// [`IdbStore::write_batch`]'s answer when an event it `add`ed is already stored.
const ALREADY_STORED: &str = "an event of this batch is already stored";
/// Meta key prefix of one device's tally row (`tally|<device>`).
const META_TALLY: &str = "tally|";

/// Meta flag: the index entries older builds left behind (issue 19, [`LeftKey`]) were
/// dropped; set at creation by this build, which drops them as it writes.
pub const META_LEFT_SWEPT: &str = "left_entries_swept";

pub use super::META_REBUILD;
/// Meta: the [`VIEWS_VERSION`] the stored views were folded with (absent: 1).
pub const META_VIEWS_VERSION: &str = "views_version";
/// Meta: the last subject key whose view the running rebuild has written.
pub const META_REBUILD_FROM: &str = "views_rebuild_from";
/// Events read per rebuild transaction.
pub const REBUILD_CHUNK: u32 = 5_000;
/// Events read per transaction by [`IdbStore::all_events`].
const EXPORT_CHUNK: u32 = 10_000;

/// Window event dispatched when another tab opens a newer schema (or deletes the database:
/// `detail.deleted` is true): this tab's connection has closed itself; the page shows "a newer
/// version is open — reload" without reloading by itself, so nothing typed is lost (issue 12).
pub const EVENT_VERSION_CHANGE: &str = "estate-desk-versionchange";
/// Window event dispatched while this tab's upgrade waits for an older tab to close.
pub const EVENT_BLOCKED: &str = "estate-desk-blocked";
/// Window event dispatched after each chunk of a view rebuild; `detail` is
/// `{done, total}` (events refolded so far, events stored).
pub const EVENT_REBUILD: &str = "estate-desk-rebuild";

/// Dispatches `name` on the window with an optional `detail` property (a plain `Event`: no
/// extra web-sys features).
fn notify(name: &str, detail: Option<JsValue>) {
    let Some(w) = web_sys::window() else {
        return;
    };
    if let Ok(ev) = web_sys::Event::new(name) {
        if let Some(d) = detail {
            let _ = js_sys::Reflect::set(&ev, &JsValue::from_str("detail"), &d);
        }
        let _ = w.dispatch_event(&ev);
    }
}

/// [`EVENT_REBUILD`] with `{done, total}`.
fn notify_rebuild(done: u64, total: u64) {
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"done".into(), &(done as f64).into());
    let _ = js_sys::Reflect::set(&detail, &"total".into(), &(total as f64).into());
    notify(EVENT_REBUILD, Some(detail.into()));
}

/// An open IndexedDB database holding the estate's events, views and device metadata.
pub struct IdbStore {
    db: Database,
    name: String,
    /// Set when another tab upgraded or deleted the database and this connection closed.
    closed_by_newer: std::rc::Rc<std::cell::Cell<bool>>,
    /// Closes this connection when another tab upgrades or deletes the database.
    _on_version_change: Closure<dyn FnMut(web_sys::Event)>,
    /// Whether `events` may hold rows (see [`IdbStore::legacy_rows`]); read on first use.
    legacy: std::cell::Cell<Option<bool>>,
    /// The `rids` lists as one sorted list (id bytes, then hash bytes), with the row count it
    /// was read at (rows are only added: by a restore's groups).
    restored: std::cell::RefCell<Option<(u32, Restored)>>,
}

impl IdbStore {
    /// Opens (creating or upgrading) the database at the current schema version and finishes
    /// any pending view rebuild.
    pub async fn open(db_name: &str) -> Result<IdbStore, StoreError> {
        Self::open_version(db_name, DB_VERSION).await
    }

    /// Opens the database at an explicit schema version (1 ..= [`DB_VERSION`]). Older versions
    /// exist for migration tests: a v1 store has no `views` and answers only event and meta
    /// calls (`commit` writes events and meta, and ignores views).
    pub async fn open_version(db_name: &str, version: u32) -> Result<IdbStore, StoreError> {
        if version == 0 || version > DB_VERSION {
            return Err(StoreError::Other(format!(
                "unknown schema version {version}"
            )));
        }
        let db = Database::open(db_name)
            .with_version(version)
            .with_on_blocked(|_| {
                web_sys::console::warn_1(&JsValue::from_str(
                    "estate-desk: database upgrade waits for another open tab to close",
                ));
                notify(EVENT_BLOCKED, None);
                Ok(())
            })
            .with_on_upgrade_needed(move |event: VersionChangeEvent, db: Database| {
                migrate(&db, event.old_version() as u32, version)?;
                if event.old_version() < 4.0 && version >= 4 {
                    create_v4(event.old_version() >= 1.0)?;
                }
                if event.old_version() < 1.0 && version >= 2 {
                    upgrade_tx("2")?.object_store(META)?.put_with_key(
                        &JsValue::from_str("true"),
                        &JsValue::from_str(META_LEFT_SWEPT),
                    )?;
                }
                if event.old_version() < 5.0 && version >= 5 && event.old_version() >= 1.0 {
                    upgrade_tx("5")?.object_store(META)?.put_with_key(
                        &JsValue::from_str("true"),
                        &JsValue::from_str(META_TALLY_BACKFILL),
                    )?;
                }
                if event.old_version() < 8.0 && version >= 8 && event.old_version() >= 2.0 {
                    upgrade_tx("8")?
                        .object_store(META)?
                        .put_with_key(&JsValue::from_str("true"), &JsValue::from_str(META_SLIM))?;
                }
                Ok(())
            })
            .await
            .map_err(open_error)?;

        let raw: web_sys::IdbDatabase = db.as_sys().clone().unchecked_into();
        let closed_by_newer = std::rc::Rc::new(std::cell::Cell::new(false));
        let on_version_change = {
            let raw = raw.clone();
            let closed = closed_by_newer.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                // Close at once so the other tab's upgrade is not blocked; tell the page
                // (`detail.deleted`: the database is being deleted, e.g. a training reset).
                raw.close();
                closed.set(true);
                let new_version = js_sys::Reflect::get(&e, &JsValue::from_str("newVersion"))
                    .unwrap_or(JsValue::NULL);
                let detail = js_sys::Object::new();
                let _ =
                    js_sys::Reflect::set(&detail, &"deleted".into(), &new_version.is_null().into());
                notify(EVENT_VERSION_CHANGE, Some(detail.into()));
            })
        };
        raw.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));

        let store = IdbStore {
            db,
            name: db_name.to_string(),
            closed_by_newer,
            _on_version_change: on_version_change,
            legacy: std::cell::Cell::new(None),
            restored: Default::default(),
        };
        // The flags of pending work, read in one transaction (each was a transaction of its
        // own on every start; issue 19).
        let flags = store
            .metas(&[
                META_DEVICE_INDEX,
                META_TALLY_BACKFILL,
                META_REBUILD,
                META_VIEWS_VERSION,
                META_LEFT_SWEPT,
                META_SLIM,
            ])
            .await?;
        let [device_index, tally_backfill, rebuild, views_version, left_swept, slim] = flags;
        let yes = Some(serde_json::Value::Bool(true));
        if version >= 4 && device_index == yes {
            store.finish_device_index(REBUILD_CHUNK).await?;
        }
        // Before any commit of this build: the count reads `events` only, and from v6 on new
        // events go to `segments` (issue 13).
        if version >= 5 && tally_backfill.is_some() {
            store.backfill_tallies().await?;
        }
        if version >= 2 {
            let rebuilt = match rebuild_scope(&rebuild) {
                Some(scope) => store.finish_rebuild(REBUILD_CHUNK).await?.then_some(scope),
                None => None,
            };
            store.refold_if_outdated(rebuilt, views_version).await?;
            if left_swept != yes {
                store.sweep_left_entries().await?;
            }
        }
        // After any rebuild, which writes every view slim and drops the flag: asked again.
        if version >= 8 && slim == yes && store.meta(META_SLIM).await? == yes {
            store.slim_views(SLIM_CHUNK).await?;
        }
        Ok(store)
    }

    /// Several meta values in one transaction, in the order asked.
    async fn metas<const N: usize>(
        &self,
        keys: &[&str; N],
    ) -> Result<[Option<serde_json::Value>; N], StoreError> {
        let tx = self.read(META)?;
        let store = tx.object_store(META).map_err(store_error)?;
        let values = meta_values(keys, meta_gets(&store, keys)?).await?;
        values
            .try_into()
            .map_err(|_| StoreError::Other("a meta value missing".into()))
    }

    /// True while `events` may hold rows: always before v6; from v6 on, until it is found
    /// empty (no build from v6 on adds to it, so empty stays empty). The reads that ask per
    /// id (an import's check, [`Store::stored_among`]) skip it then (issue 13).
    async fn legacy_rows(&self) -> Result<bool, StoreError> {
        if !self.segmented() {
            return Ok(true);
        }
        if let Some(b) = self.legacy.get() {
            return Ok(b);
        }
        let tx = self.read(EVENTS)?;
        let store = tx.object_store(EVENTS).map_err(store_error)?;
        let any = store
            .get_all_keys::<JsValue>()
            .with_limit(1)
            .primitive()
            .map_err(store_error)?
            .await
            .map_err(store_error)?
            .next()
            .is_some();
        self.legacy.set(Some(any));
        Ok(any)
    }

    /// Whether new events go to `segments` (schema v6).
    fn segmented(&self) -> bool {
        self.version() >= 6
    }

    /// A read transaction over the stores that hold events.
    fn read_events(&self) -> Result<Transaction<'_>, StoreError> {
        if self.segmented() {
            self.db
                .transaction([EVENTS, SEGMENTS])
                .build()
                .map_err(store_error)
        } else {
            self.read(EVENTS)
        }
    }

    /// Deletes the whole database (resetting the training database). Open connections of this
    /// page close themselves when asked; resolves once the database is gone.
    pub async fn delete(db_name: &str) -> Result<(), StoreError> {
        Database::delete_by_name(db_name)
            .map_err(open_error)?
            .await
            .map_err(store_error)
    }

    /// Closes the connection (pending transactions still finish).
    pub fn close(self) {
        self.raw_db().set_onversionchange(None);
        self.db.clone().close();
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// True once another tab opened a newer schema (or deleted the database) and this
    /// connection closed itself: writes fail until the page is reloaded.
    pub fn closed_by_newer(&self) -> bool {
        self.closed_by_newer.get()
    }

    /// The schema version of the open database.
    pub fn version(&self) -> u32 {
        self.db.version() as u32
    }

    fn raw_db(&self) -> web_sys::IdbDatabase {
        self.db.as_sys().clone().unchecked_into()
    }

    /// Every stored event, in id order, read in chunks (for export).
    pub async fn all_events(&self) -> Result<Vec<Event>, StoreError> {
        let mut out = Vec::new();
        self.every_row(EVENTS, EXPORT_CHUNK, |row| {
            let e: Event = decode(&row)?;
            let key = e.id.to_string();
            out.push(e);
            Ok(key)
        })
        .await?;
        if self.segmented() {
            self.every_row(SEGMENTS, EXPORT_SEGMENTS, |row| {
                let seg = Seg::read(&row)?;
                out.extend(seg.events_where(|_| true)?);
                Ok(seg.key)
            })
            .await?;
            out.sort_by_key(|e| e.id);
        }
        Ok(out)
    }

    /// Every row of the store `name` in key order, `chunk` rows per transaction, each handed
    /// to `each`, which answers the row's key.
    async fn every_row(
        &self,
        name: &str,
        chunk: u32,
        mut each: impl FnMut(JsValue) -> Result<String, StoreError>,
    ) -> Result<(), StoreError> {
        let mut after: Option<String> = None;
        loop {
            let tx = self.read(name)?;
            let store = tx.object_store(name).map_err(store_error)?;
            let rows = rows_after(&store, after.as_deref(), chunk).await?;
            let mut n = 0u32;
            for row in rows {
                after = Some(each(row)?);
                n += 1;
            }
            if n < chunk {
                return Ok(());
            }
        }
    }

    /// Throws every view away and refolds all of them from the events (repair). Resumable like
    /// the migration: the flag is set first, in the same transaction that clears the views.
    pub async fn rebuild_views(&self) -> Result<(), StoreError> {
        self.rebuild_views_chunked(REBUILD_CHUNK).await
    }

    /// [`rebuild_views`](Self::rebuild_views) reading `chunk` events per transaction (tests
    /// use tiny chunks to cross record boundaries).
    #[doc(hidden)]
    pub async fn rebuild_views_chunked(&self, chunk: u32) -> Result<(), StoreError> {
        let tx = self.write(&self.with_states(vec![VIEWS, META]))?;
        let views = ViewStores::of(&tx, self.slim())?;
        let meta = tx.object_store(META).map_err(store_error)?;
        views.clear()?;
        // Every view is written again, slim (schema v8).
        sent(meta.delete(JsValue::from_str(META_SLIM)).primitive())?;
        start_rebuild(&meta, "true")?;
        finish(tx).await?;
        self.finish_rebuild(chunk).await.map(|_| ())
    }

    /// Schema v8 (issue 19): moves the state of every `views` record an older build wrote
    /// into `states`, `chunk` records per transaction (read and written in it, so a commit
    /// between two chunks is never overwritten), resumable from [`META_SLIM_FROM`]; progress
    /// as a rebuild's ("updating the data indexes").
    #[doc(hidden)]
    pub async fn slim_views(&self, chunk: u32) -> Result<(), StoreError> {
        let total = {
            let tx = self.read(VIEWS)?;
            let views = tx.object_store(VIEWS).map_err(store_error)?;
            let n = views.count().primitive().map_err(store_error)?;
            u64::from(n.await.map_err(store_error)?)
        };
        let mut done = 0u64;
        loop {
            let tx = self.write(&[VIEWS, STATES, META])?;
            let views = tx.object_store(VIEWS).map_err(store_error)?;
            let states = tx.object_store(STATES).map_err(store_error)?;
            let meta = tx.object_store(META).map_err(store_error)?;
            let rows = resumed_rows(&views, &meta, META_SLIM_FROM, chunk.max(1)).await?;
            for r in rows.iter().filter(|r| has_inline_state(r)) {
                let json = JsValue::from_str("json");
                let state = js_sys::Reflect::get(r, &json).map_err(error_from_js)?;
                js_sys::Reflect::delete_property(r.unchecked_ref::<js_sys::Object>(), &json)
                    .map_err(error_from_js)?;
                sent(
                    states
                        .put(state)
                        .with_key(JsValue::from_str(&string_field(r, "key")?))
                        .primitive(),
                )?;
                sent(views.put(r.clone()).primitive())?;
            }
            let last = rows.last().map(|r| string_field(r, "key")).transpose()?;
            let end = (rows.len() as u32) < chunk.max(1);
            resume_mark(&meta, META_SLIM, META_SLIM_FROM, last.filter(|_| !end))?;
            finish(tx).await?;
            done += rows.len() as u64;
            notify_rebuild(done.min(total), total);
            if end {
                return Ok(());
            }
        }
    }

    /// The rows under `[kind, value]` of a `[kind, …]` index for each value, every request
    /// sent before the first is awaited: one round trip (`rows_by_unit`).
    async fn rows_by_pairs<V: AsRef<str>>(
        &self,
        index: &str,
        kind: RecordKind,
        values: &[V],
    ) -> Result<Vec<Vec<Row>>, StoreError> {
        let tx = self.read(VIEWS)?;
        let store = tx.object_store(VIEWS).map_err(store_error)?;
        let index = store.index(index).map_err(store_error)?;
        let mut reads = Vec::with_capacity(values.len());
        for v in values {
            let key = pair(
                JsValue::from_str(kind.as_str()),
                JsValue::from_str(v.as_ref()),
            );
            reads.push(
                index
                    .get_all::<JsValue>()
                    .with_query(key)
                    .primitive()
                    .map_err(store_error)?,
            );
        }
        let mut out = Vec::with_capacity(values.len());
        for read in reads {
            let rows = read.await.map_err(store_error)?;
            out.push(
                rows.map(|r| decode_row(&r.map_err(store_error)?))
                    .collect::<Result<_, _>>()?,
            );
        }
        Ok(out)
    }

    /// Refolds the views of these record kinds only, in chunks, resumable like a rebuild
    /// ([`META_REBUILD`] holds the kinds; the other views are neither cleared nor rewritten).
    #[doc(hidden)]
    pub async fn refold_kinds(&self, kinds: &[RecordKind], chunk: u32) -> Result<(), StoreError> {
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let tx = self.write(&[META])?;
        let meta = tx.object_store(META).map_err(store_error)?;
        start_rebuild(&meta, &serde_json::json!(kinds).to_string())?;
        finish(tx).await?;
        self.finish_rebuild(chunk).await.map(|_| ())
    }

    /// Views folded by an older build lack newer index keys: the kinds whose keys changed
    /// since are folded again, once ([`kinds_to_refold`]). `rebuilt`: what a rebuild resumed
    /// on this open has just folded (`None` inside: every record).
    async fn refold_if_outdated(
        &self,
        rebuilt: Option<Option<Vec<String>>>,
        stored: Option<serde_json::Value>,
    ) -> Result<(), StoreError> {
        let stored = stored.and_then(|v| v.as_u64()).unwrap_or(1);
        // Only an older fold is refolded: views written by a newer build (an old tab still
        // open beside it) are left alone (issue 12).
        if stored >= u64::from(VIEWS_VERSION) {
            return Ok(());
        }
        let needed = kinds_to_refold(u32::try_from(stored).unwrap_or(1));
        let covered = match (&rebuilt, &needed) {
            (Some(None), _) => true,
            (Some(Some(done)), Some(need)) => {
                need.iter().all(|k| done.iter().any(|d| d == k.as_str()))
            }
            _ => false,
        };
        if !covered && self.event_count().await? > 0 {
            match needed {
                None => self.rebuild_views().await?,
                Some(kinds) if !kinds.is_empty() => {
                    self.refold_kinds(&kinds, REBUILD_CHUNK).await?
                }
                Some(_) => {}
            }
        }
        self.commit(Batch {
            meta: vec![(META_VIEWS_VERSION.into(), VIEWS_VERSION.into())],
            ..Default::default()
        })
        .await
    }

    /// Once per database an older build wrote (issue 19): every key of the two indexes whose
    /// keys change as records move on is read in read-write transactions (`kind_status` one
    /// record kind at a time), dropping the entries Chromium kept ([`LeftKey`]).
    async fn sweep_left_entries(&self) -> Result<(), StoreError> {
        let mut ranges: Vec<(&str, Option<KeyRange<JsValue>>)> = RecordKind::ALL
            .iter()
            .map(|k| {
                let k = JsValue::from_str(k.as_str());
                let upper = pair(k.clone(), js_sys::Array::new().into());
                let lower: JsValue = js_sys::Array::of1(&k).into();
                (
                    IX_KIND_STATUS,
                    Some(KeyRange::Bound(lower, false, upper, false)),
                )
            })
            .collect();
        ranges.push((IX_ASSIGNEE_DUE, None));
        for (index, range) in ranges {
            let tx = self.write(&[VIEWS])?;
            let views = tx.object_store(VIEWS).map_err(store_error)?;
            let index = views.index(index).map_err(store_error)?;
            match range {
                Some(r) => index.count().with_query::<JsValue, _>(r).primitive(),
                None => index.count().primitive(),
            }
            .map_err(store_error)?
            .await
            .map_err(store_error)?;
            finish(tx).await?;
        }
        self.commit(Batch {
            meta: vec![(META_LEFT_SWEPT.into(), true.into())],
            ..Default::default()
        })
        .await
    }

    /// Runs the pending view rebuild, if any, to its end; true if there was one.
    async fn finish_rebuild(&self, chunk: u32) -> Result<bool, StoreError> {
        let mut ran = false;
        let mut done = 0u64;
        let mut total = None;
        let mut ledger: Option<Ledger> = None;
        let mut seg_step = None;
        while let Some(kinds) = rebuild_scope(&self.meta(META_REBUILD).await?) {
            // Progress in events read of every event, or (a few kinds) in their records.
            let total = match total {
                Some(t) => t,
                None => *total.insert(match &kinds {
                    None => self.event_count().await?,
                    Some(kinds) => self.records_of_kinds(kinds).await?,
                }),
            };
            if ledger.is_none() {
                ledger = Some(self.stored_ledger().await?);
            }
            let ledger = ledger.as_ref().expect("loaded above");
            let step = match seg_step {
                Some(s) => s,
                None => *seg_step.insert(self.subject_entries_per(chunk.max(1)).await?),
            };
            let (events, records) = self
                .rebuild_chunk(chunk.max(1), step, ledger, kinds.as_deref())
                .await?;
            done += u64::from(if kinds.is_some() { records } else { events });
            ran = true;
            // Progress for the opening screen ("updating the data indexes … n / total").
            notify_rebuild(done.min(total), total);
        }
        Ok(ran)
    }

    /// How many entries of the segments' subject index hold about `events` events (at least
    /// one). A segment of one busy record is one entry for 100 events; a restore's segments
    /// hold a slice of a group of 2,000 events of every kind, one entry for every 2–3 events:
    /// counted, so that a rebuild chunk reads about `events` events either way (session 19).
    async fn subject_entries_per(&self, events: u32) -> Result<u32, StoreError> {
        if !self.segmented() {
            return Ok(1);
        }
        let tx = self.read(SEGMENTS)?;
        let segs = tx.object_store(SEGMENTS).map_err(store_error)?;
        // `dh`: an entry per event in every segment (`ids` has none for a restore's, v7).
        let ids = segs.index(IX_SEG_DH).map_err(store_error)?;
        let sj = segs.index(IX_SEG_SUBJECTS).map_err(store_error)?;
        let ids = ids.count().primitive().map_err(store_error)?;
        let sj = sj.count().primitive().map_err(store_error)?;
        let (ids, sj) = (
            u64::from(ids.await.map_err(store_error)?),
            u64::from(sj.await.map_err(store_error)?),
        );
        Ok((u64::from(events) * sj / ids.max(1)).clamp(1, u64::from(u32::MAX)) as u32)
    }

    /// How many records of these kinds have a view (a targeted refold's progress total).
    async fn records_of_kinds(&self, kinds: &[String]) -> Result<u64, StoreError> {
        let mut n = 0u64;
        for kind in RecordKind::ALL
            .iter()
            .filter(|k| kinds.iter().any(|s| s == k.as_str()))
        {
            n += u64::from(self.count(&Query::all(*kind)).await?);
        }
        Ok(n)
    }

    /// Refolds the next chunk of subjects (in subject-key order) in one transaction; returns
    /// how many events it read and how many records it folded. The chunk ends at a subject
    /// boundary: the first of the `chunk`-th `events` row's subject and the subject
    /// `seg_step` segment subject entries on (schema v6; [`Self::subject_entries_per`]), every
    /// event of the subjects up to it read from both. With `kinds`, only the subjects of
    /// those kinds are read, one kind's key range after the other ([`refold_window`]).
    async fn rebuild_chunk(
        &self,
        chunk: u32,
        seg_step: u32,
        ledger: &Ledger,
        kinds: Option<&[String]>,
    ) -> Result<(u32, u32), StoreError> {
        let segmented = self.segmented();
        let mut stores = self.with_states(vec![EVENTS, VIEWS, META]);
        if segmented {
            stores.push(SEGMENTS);
        }
        let tx = self.write(&stores)?;
        let events = tx.object_store(EVENTS).map_err(store_error)?;
        let views = ViewStores::of(&tx, self.slim())?;
        let meta = tx.object_store(META).map_err(store_error)?;
        let from: Option<String> = get_meta(&meta, META_REBUILD_FROM)
            .await?
            .and_then(|v| v.as_str().map(str::to_string));
        let Some(w) = refold_window(from.as_deref(), kinds) else {
            // Every kind's range is done.
            sweep_refolded(&views.views, kinds.unwrap_or_default())?;
            resume_mark(&meta, META_REBUILD, META_REBUILD_FROM, None)?;
            return finish(tx).await.map(|_| (0, 0));
        };

        let by_subject = events.index(IX_SUBJECT).map_err(store_error)?;
        let rows = by_subject
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(w.range(None))
            .with_limit(chunk)
            .primitive()
            .map_err(store_error)?
            .await
            .map_err(store_error)?;
        let mut list: Vec<(String, Event)> = Vec::with_capacity(rows.len());
        for row in rows {
            let row = row.map_err(store_error)?;
            list.push((string_field(&row, "subject")?, decode(&row)?));
        }
        let old_bound = if list.len() as u32 >= chunk {
            list.last().map(|(s, _)| s.clone())
        } else {
            None
        };
        let seg_bound = if segmented {
            let segs = tx.object_store(SEGMENTS).map_err(store_error)?;
            let index = segs.index(IX_SEG_SUBJECTS).map_err(store_error)?;
            nth_index_key(&index, w.range(None), seg_step).await?
        } else {
            None
        };
        // The last subject of this chunk (None: every subject after `from`).
        let bound = match (&old_bound, &seg_bound) {
            (Some(a), Some(b)) => Some(a.min(b).clone()),
            (a, b) => a.clone().or(b.clone()),
        };
        if let Some(u) = &bound {
            list.retain(|(s, _)| s <= u);
        }
        if old_bound.is_some() && bound == old_bound {
            // The rows may end inside the last subject's events: read all of that subject.
            let last = bound.clone().unwrap_or_default();
            list.retain(|(s, _)| *s != last);
            let rest = by_subject
                .get_all::<JsValue>()
                .with_query(JsValue::from_str(&last))
                .primitive()
                .map_err(store_error)?
                .await
                .map_err(store_error)?;
            for row in rest {
                list.push((last.clone(), decode(&row.map_err(store_error)?)?));
            }
        }
        if segmented {
            let segs = tx.object_store(SEGMENTS).map_err(store_error)?;
            let index = segs.index(IX_SEG_SUBJECTS).map_err(store_error)?;
            let keys = seg_keys(&index, vec![w.range(bound.as_deref())], None)
                .await?
                .remove(0)
                .1;
            let inside = |s: &str| w.holds(s) && bound.as_deref().is_none_or(|u| s <= u);
            for seg in get_segs(&segs, &keys).await? {
                for (i, s) in seg.sj.iter().enumerate() {
                    if inside(s) {
                        list.push((s.clone(), seg.event(i)?));
                    }
                }
            }
            list.sort_by(|a, b| a.0.cmp(&b.0));
        }

        let read = list.len() as u32;
        let mut records = 0u32;
        let mut group: Vec<Event> = Vec::new();
        let mut group_key: Option<String> = None;
        for (subject, e) in list {
            if group_key.as_deref() != Some(subject.as_str()) {
                write_fold(&views, std::mem::take(&mut group), ledger)?;
                group_key = Some(subject);
                records += 1;
            }
            group.push(e);
        }
        write_fold(&views, group, ledger)?;

        // A window's end with kinds after it: the next chunk starts past it.
        let next = bound.or_else(|| w.end.filter(|_| w.more));
        if next.is_none() {
            sweep_refolded(&views.views, kinds.unwrap_or_default())?;
        }
        resume_mark(&meta, META_REBUILD, META_REBUILD_FROM, next)?;
        finish(tx).await.map(|_| (read, records))
    }

    /// Runs the pending v4 backfill (rows gain `dev` and `hlc`), if any, to its end.
    #[doc(hidden)]
    pub async fn finish_device_index(&self, chunk: u32) -> Result<(), StoreError> {
        while self.meta(META_DEVICE_INDEX).await? == Some(serde_json::Value::Bool(true)) {
            self.device_index_chunk(chunk.max(1)).await?;
        }
        Ok(())
    }

    /// Rewrites the next `chunk` events (id order) with their index fields, in one
    /// transaction that also records how far it got.
    async fn device_index_chunk(&self, chunk: u32) -> Result<(), StoreError> {
        let tx = self.write(&[EVENTS, META])?;
        let events = tx.object_store(EVENTS).map_err(store_error)?;
        let meta = tx.object_store(META).map_err(store_error)?;
        let rows = resumed_rows(&events, &meta, META_DEVICE_INDEX_FROM, chunk).await?;
        let mut n = 0u32;
        let mut last = None;
        for row in rows {
            let e: Event = decode(&row)?;
            sent(events.put(event_record(&e)?).primitive())?;
            last = Some(e.id.to_string());
            n += 1;
        }
        resume_mark(
            &meta,
            META_DEVICE_INDEX,
            META_DEVICE_INDEX_FROM,
            last.filter(|_| n >= chunk),
        )?;
        finish(tx).await
    }

    /// Every device's day tally (schema v5), counted first if the upgrade left that pending.
    async fn tallies(&self) -> Result<Vec<super::tally::Tally>, StoreError> {
        if self.meta(META_TALLY_BACKFILL).await?.is_some() {
            self.backfill_tallies().await?;
        }
        let tx = self.read(META)?;
        let meta = tx.object_store(META).map_err(store_error)?;
        let rows = meta
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(KeyRange::Bound(
                JsValue::from_str(META_TALLY),
                false,
                JsValue::from_str(&format!("{META_TALLY}~")),
                false,
            ))
            .primitive()
            .map_err(store_error)?
            .await
            .map_err(store_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let text = row
                .map_err(store_error)?
                .as_string()
                .ok_or_else(|| StoreError::Other("a tally row is not text".into()))?;
            let v: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| StoreError::Other(format!("tally row: {e}")))?;
            out.push(
                super::tally::Tally::from_json(&v)
                    .ok_or_else(|| StoreError::Other("a tally row is not a tally".into()))?,
            );
        }
        Ok(out)
    }

    /// Counts every device's stored events per day into its tally row (the v4 → v5 upgrade of
    /// a database with data), in one transaction with the events, so no write slips between.
    /// One `IDBIndex.count` per day: the engine walks each event once, nothing is decoded.
    async fn backfill_tallies(&self) -> Result<(), StoreError> {
        use super::tally::{day_key, day_of, next_day_key, Tally};
        let tx = self.write(&[EVENTS, META])?;
        let events = tx.object_store(EVENTS).map_err(store_error)?;
        let meta = tx.object_store(META).map_err(store_error)?;
        if get_meta(&meta, META_TALLY_BACKFILL).await?.is_none() {
            return finish(tx).await;
        }
        let index = events.index(IX_DEVICE_HLC).map_err(store_error)?;
        let mut range = KeyRange::LowerBound(JsValue::from(js_sys::Array::new()), false);
        while let Some((device, first)) = index_key_at(&index, range, CursorDirection::Next).await?
        {
            let d = device.to_string();
            let (_, last) = index_key_at(&index, device_range(&d, None), CursorDirection::Prev)
                .await?
                .unwrap_or((device, first.clone()));
            let day = |k: &str| super::hlc_from_key(k, device).map(|h| day_of(&h));
            let (Some(from), Some(to)) = (day(&first), day(&last)) else {
                return Err(StoreError::Other(format!("device {d}: unreadable HLC key")));
            };
            let mut counts = Vec::new();
            for day in from..=to {
                let r = KeyRange::Bound(
                    index_key(&d, &day_key(day)),
                    false,
                    index_key(&d, &next_day_key(day)),
                    true,
                );
                counts.push((
                    day,
                    index
                        .count()
                        .with_query::<JsValue, _>(r)
                        .primitive()
                        .map_err(store_error)?,
                ));
            }
            let mut t = Tally::new(d.clone());
            for (day, n) in counts {
                let n = n.await.map_err(store_error)?;
                if n > 0 {
                    t.days.push((day, u64::from(n)));
                }
            }
            sent(
                meta.put(JsValue::from_str(&t.to_json().to_string()))
                    .with_key(JsValue::from_str(&format!("{META_TALLY}{d}")))
                    .primitive(),
            )?;
            range = KeyRange::LowerBound(index_key(&d, HLC_KEY_MAX), true);
        }
        sent(
            meta.delete(JsValue::from_str(META_TALLY_BACKFILL))
                .primitive(),
        )?;
        finish(tx).await
    }

    /// The first or last `device_hlc` key in `range` (`None`: the range is empty), from a key
    /// cursor: no record is read.
    async fn device_hlc_key(
        &self,
        range: KeyRange<JsValue>,
        direction: CursorDirection,
    ) -> Result<Option<(DeviceId, String)>, StoreError> {
        let tx = self.read(EVENTS)?;
        let store = tx.object_store(EVENTS).map_err(store_error)?;
        let index = store.index(IX_DEVICE_HLC).map_err(store_error)?;
        index_key_at(&index, range, direction).await
    }

    /// Keeps a photo (a JPEG `Blob`) under `key` (schema v3). Photos are device-local bytes;
    /// the finding's event names the key.
    pub async fn put_photo(&self, key: &str, blob: &web_sys::Blob) -> Result<(), StoreError> {
        let tx = self.write(&[PHOTOS])?;
        let store = tx.object_store(PHOTOS).map_err(store_error)?;
        sent(
            store
                .put(JsValue::from(blob.clone()))
                .with_key(JsValue::from_str(key))
                .primitive(),
        )?;
        finish(tx).await
    }

    /// The photo stored under `key`, if this device has it (a legacy key's alias followed).
    pub async fn photo(&self, key: &str) -> Result<Option<web_sys::Blob>, StoreError> {
        let tx = self.read(PHOTOS)?;
        let store = tx.object_store(PHOTOS).map_err(store_error)?;
        let mut key = key.to_string();
        for _ in 0..2 {
            let row = store
                .get::<JsValue, _, _>(JsValue::from_str(&key))
                .primitive()
                .map_err(store_error)?
                .await
                .map_err(store_error)?;
            match row {
                Some(v) if v.is_string() => key = v.as_string().unwrap_or_default(),
                Some(v) => return Ok(v.dyn_into::<web_sys::Blob>().ok()),
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    fn read(&self, store: &str) -> Result<Transaction<'_>, StoreError> {
        self.db.transaction(store).build().map_err(store_error)
    }

    /// From schema v8 a view's state lives in `states`, its list row in `views` (issue 19).
    fn slim(&self) -> bool {
        self.version() >= 8
    }

    /// `stores` and, from schema v8, `states`.
    fn with_states(&self, mut stores: Vec<&'static str>) -> Vec<&'static str> {
        if self.slim() {
            stores.push(STATES);
        }
        stores
    }

    /// The views stored under `keys`, in order: `states` first (schema v8, issue 19), then, for
    /// the keys it lacks, the `views` records of an older build's shape; one transaction.
    async fn views_by_key(&self, keys: &[String]) -> Result<Vec<Option<View>>, StoreError> {
        let tx = self
            .db
            .transaction(self.with_states(vec![VIEWS]))
            .build()
            .map_err(store_error)?;
        self.views_in(&tx, keys).await
    }

    /// [`IdbStore::views_by_key`] inside `tx` (which spans `views` and, from v8, `states`).
    async fn views_in(
        &self,
        tx: &Transaction<'_>,
        keys: &[String],
    ) -> Result<Vec<Option<View>>, StoreError> {
        // Schema v8: the states, by key (issue 19).
        let found = if self.slim() {
            let states = tx.object_store(STATES).map_err(store_error)?;
            get_values(&states, keys).await?
        } else {
            vec![None; keys.len()]
        };
        // A record of an older build not moved yet (or any before v8) keeps its state inline.
        let missing: Vec<String> = keys
            .iter()
            .zip(&found)
            .filter(|(_, f)| f.is_none())
            .map(|(k, _)| k.clone())
            .collect();
        let mut inline = if missing.is_empty() {
            Vec::new()
        } else {
            let views = tx.object_store(VIEWS).map_err(store_error)?;
            get_values(&views, &missing).await?
        }
        .into_iter();
        found
            .into_iter()
            .map(|f| match f {
                Some(state) => decode_state(&state).map(Some),
                None => match inline.next().flatten() {
                    Some(r) if has_inline_state(&r) => decode(&r).map(Some),
                    _ => Ok(None),
                },
            })
            .collect()
    }

    /// The full views of `records` ([`join_states`]), the states read by key, all requests
    /// sent together.
    async fn full_views(&self, records: &[JsValue]) -> Result<Vec<View>, StoreError> {
        let keys = records
            .iter()
            .filter(|r| !has_inline_state(r))
            .map(|r| string_field(r, "key"))
            .collect::<Result<Vec<_>, _>>()?;
        let mut states = if keys.is_empty() || !self.slim() {
            Vec::new()
        } else {
            let tx = self.read(STATES)?;
            let store = tx.object_store(STATES).map_err(store_error)?;
            get_values(&store, &keys).await?
        }
        .into_iter();
        join_states(records, |_| Ok(states.next().flatten()))
    }

    /// Every view of one kind (issue 19): its `views` records and its states, each one range
    /// read, sent together. A `get` per state (the household tab's directory of ~7,000 units
    /// and households) cost a request and two listeners each: 1.1 s at 4×, then the garbage
    /// collector's time on the next page.
    async fn whole_kind(&self, q: &Query) -> Result<Vec<View>, StoreError> {
        let (records, states) =
            futures::future::join(self.select(q), self.states_of_kind(q.kind)).await;
        let mut states = states?;
        join_states(&records?, |r| Ok(states.remove(&string_field(r, "key")?)))
    }

    /// The `states` of one kind by key: their keys are "kind:uuid" ([`RecordRef::key`]).
    async fn states_of_kind(
        &self,
        kind: RecordKind,
    ) -> Result<HashMap<String, JsValue>, StoreError> {
        let range = || {
            KeyRange::Bound(
                JsValue::from_str(&format!("{}:", kind.as_str())),
                false,
                JsValue::from_str(&format!("{}:\u{ffff}", kind.as_str())),
                false,
            )
        };
        let tx = self.read(STATES)?;
        let store = tx.object_store(STATES).map_err(store_error)?;
        let keys = store
            .get_all_keys::<String>()
            .with_query::<JsValue, _>(range())
            .primitive()
            .map_err(store_error)?;
        let values = store
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(range())
            .primitive()
            .map_err(store_error)?;
        let (keys, values) = futures::future::join(keys, values).await;
        keys.map_err(store_error)?
            .zip(values.map_err(store_error)?)
            .map(|(k, v)| Ok((k.map_err(store_error)?, v.map_err(store_error)?)))
            .collect()
    }

    fn write(&self, stores: &[&str]) -> Result<Transaction<'_>, StoreError> {
        self.db
            .transaction(stores)
            .with_mode(TransactionMode::Readwrite)
            .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
            .build()
            .map_err(store_error)
    }

    /// Stored view records by one exact key of one index, in primary-key order (undecoded: the
    /// caller decodes the full view or the list row; one copy of the read code for both).
    async fn records_by(
        &self,
        index: &str,
        key: JsValue,
        limit: Option<u32>,
    ) -> Result<Vec<JsValue>, StoreError> {
        let tx = self.read(VIEWS)?;
        let store = tx.object_store(VIEWS).map_err(store_error)?;
        let index = store.index(index).map_err(store_error)?;
        let query = index.get_all::<JsValue>().with_query(key);
        let rows = match limit {
            Some(n) => query.with_limit(n).primitive().map_err(store_error)?.await,
            None => query.primitive().map_err(store_error)?.await,
        }
        .map_err(store_error)?;
        rows.map(|r| r.map_err(store_error)).collect()
    }

    /// The query's stored records, undecoded ([`Store::query`] and [`Store::rows`]).
    async fn select(&self, q: &Query) -> Result<Vec<JsValue>, StoreError> {
        let kind = JsValue::from_str(q.kind.as_str());
        match &q.filter {
            Filter::All => self.records_by(IX_KIND, kind, q.limit).await,
            Filter::Status(s) => {
                self.records_by(IX_KIND_STATUS, pair(kind, JsValue::from_str(s)), q.limit)
                    .await
            }
            Filter::Unit(u) => {
                self.records_by(
                    IX_KIND_UNIT,
                    pair(kind, JsValue::from_str(&u.to_string())),
                    q.limit,
                )
                .await
            }
            Filter::Prefix(_) | Filter::Range(..) => {
                // One view may match on several search keys: dedupe by primary key, which
                // also gives key order.
                let tx = self.read(VIEWS)?;
                let store = tx.object_store(VIEWS).map_err(store_error)?;
                let index = store.index(IX_SEARCH).map_err(store_error)?;
                let Some(n) = q.limit else {
                    let rows = index
                        .get_all::<JsValue>()
                        .with_query::<JsValue, _>(search_range(q))
                        .primitive()
                        .map_err(store_error)?
                        .await
                        .map_err(store_error)?;
                    let mut unique = BTreeMap::new();
                    for row in rows {
                        let row = row.map_err(store_error)?;
                        unique.insert(string_field(&row, "key")?, row);
                    }
                    return Ok(unique.into_values().collect());
                };
                let keys = first_search_keys(&index, q, n).await?;
                get_rows(&store, &keys).await
            }
        }
    }

    /// A person's stored view records by due time, undecoded.
    async fn assigned_records(&self, staff: StaffId) -> Result<Vec<JsValue>, StoreError> {
        let who = JsValue::from_str(&staff.to_string());
        let lower = pair(who.clone(), JsValue::from_f64(f64::NEG_INFINITY));
        let upper = pair(who, JsValue::from_f64(f64::INFINITY));
        let tx = self.read(VIEWS)?;
        let store = tx.object_store(VIEWS).map_err(store_error)?;
        let index = store.index(IX_ASSIGNEE_DUE).map_err(store_error)?;
        let rows = index
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(KeyRange::Bound(lower, false, upper, false))
            .primitive()
            .map_err(store_error)?
            .await
            .map_err(store_error)?;
        rows.map(|r| r.map_err(store_error)).collect()
    }

    async fn count_by(&self, index: &str, key: JsValue) -> Result<u32, StoreError> {
        let tx = self.read(VIEWS)?;
        let store = tx.object_store(VIEWS).map_err(store_error)?;
        let index = store.index(index).map_err(store_error)?;
        index
            .count()
            .with_query(key)
            .primitive()
            .map_err(store_error)?
            .await
            .map_err(store_error)
    }
}

impl IdbStore {
    /// `out` (the stored hashes of `events` found by id, device and HLC) with each event whose
    /// id a restore stored under another device or HLC (schema v7, the `rids` lists): other
    /// content, answered with a hash no event has, so the import's check refuses the file as
    /// the unique `ids` index refuses such a commit. An id listed with the same hash and not
    /// found is an event purged since (VIO-9): not held, as for any other purged event.
    async fn restored_elsewhere(
        &self,
        events: &[Event],
        mut out: std::collections::HashMap<EventId, String>,
    ) -> Result<std::collections::HashMap<EventId, String>, StoreError> {
        if self.version() < 7 || events.iter().all(|e| out.contains_key(&e.id)) {
            return Ok(out);
        }
        let list = self.restored_list().await?;
        let missing: Vec<&Event> = events.iter().filter(|e| !out.contains_key(&e.id)).collect();
        for e in missing {
            let id = e.id.0.as_bytes();
            let at = list.partition_point(|r| r[..16] < id[..]);
            if let Some(r) = list.get(at).filter(|r| r[..16] == id[..]) {
                if r[16..] != e.hash16() {
                    out.insert(e.id, format!("rids:{}", hex::encode(&r[16..])));
                }
            }
        }
        Ok(out)
    }

    /// Every `rids` entry, sorted; read again only when rows were added (a restore's groups
    /// add them; nothing changes or removes one). ~28 MB for a five-year estate's restore.
    async fn restored_list(&self) -> Result<Restored, StoreError> {
        let tx = self.read(RIDS)?;
        let store = tx.object_store(RIDS).map_err(store_error)?;
        let n = store
            .count()
            .primitive()
            .map_err(store_error)?
            .await
            .map_err(store_error)?;
        if let Some((at, list)) = &*self.restored.borrow() {
            if *at == n {
                return Ok(list.clone());
            }
        }
        let mut list: Vec<[u8; 32]> = Vec::new();
        if n > 0 {
            let rows = store
                .get_all::<JsValue>()
                .primitive()
                .map_err(store_error)?
                .await
                .map_err(store_error)?;
            for row in rows {
                let bytes = row
                    .map_err(store_error)?
                    .dyn_into::<js_sys::Uint8Array>()
                    .map_err(|_| StoreError::Other("a stored id list is not bytes".into()))?
                    .to_vec();
                list.extend(
                    bytes
                        .chunks_exact(32)
                        .map(|c| <[u8; 32]>::try_from(c).expect("32 bytes")),
                );
            }
            list.sort_unstable();
        }
        let list = std::rc::Rc::new(list);
        *self.restored.borrow_mut() = Some((n, list.clone()));
        Ok(list)
    }

    /// One commit's transaction; `assume_fresh`: `add` the events without looking them up,
    /// failing with [`ALREADY_STORED`] (nothing written) if one is stored; `restore`: the
    /// file of a restore's group ([`Store::commit_restore`]): its ids unindexed.
    async fn write_batch(
        &self,
        batch: &Batch,
        assume_fresh: bool,
        restore: Option<&str>,
    ) -> Result<(), StoreError> {
        let restore = restore.filter(|_| {
            assume_fresh
                && self.version() >= 7
                && bench_layout::get() & bench_layout::RESTORE_INDEXED == 0
        });
        let with_views = self.version() >= 2;
        let with_photos = !batch.photos.is_empty() && self.version() >= 3;
        // Asked before the write's transaction opens (awaiting another transaction inside it
        // would let it commit early).
        let legacy = !assume_fresh && self.legacy_rows().await?;
        let mut stores = vec![EVENTS, META];
        if self.segmented() {
            stores.push(SEGMENTS);
        }
        if self.version() >= 7 {
            stores.push(RIDS);
        }
        if with_views {
            stores.push(VIEWS);
            if self.slim() {
                stores.push(STATES);
            }
        }
        if with_photos {
            stores.push(PHOTOS);
        }
        let tx = self.write(&stores)?;
        let raw: web_sys::IdbTransaction = tx.as_sys().clone().unchecked_into();
        let result = self
            .fill(
                tx,
                batch,
                with_views,
                with_photos,
                assume_fresh,
                legacy,
                restore,
            )
            .await;
        // The failed `add` is reported either as the commit's own error (before the abort has
        // set the transaction's) or as the transaction's error.
        const CONSTRAINT: &str = "ConstraintError";
        let stored = match &result {
            Err(StoreError::Other(m)) => {
                m.starts_with(CONSTRAINT)
                    || raw.error().map(|d| d.name()).as_deref() == Some(CONSTRAINT)
            }
            _ => false,
        };
        if assume_fresh && stored {
            return Err(StoreError::Other(ALREADY_STORED.into()));
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    async fn fill(
        &self,
        tx: Transaction<'_>,
        batch: &Batch,
        with_views: bool,
        with_photos: bool,
        assume_fresh: bool,
        legacy: bool,
        restore: Option<&str>,
    ) -> Result<(), StoreError> {
        let events = tx.object_store(EVENTS).map_err(store_error)?;
        let meta = tx.object_store(META).map_err(store_error)?;
        let segmented = self.segmented();
        let segments = if segmented {
            Some(tx.object_store(SEGMENTS).map_err(store_error)?)
        } else {
            None
        };

        // Schema v5 (issue 13): the batch's devices' day tallies are requested beside the
        // clock, so they cost no extra round trip (at 4× throttle each one shows).
        let tallied = self.version() >= 5;
        let mut tally_reads = Vec::new();
        if tallied {
            let devices: BTreeSet<String> = batch
                .events
                .iter()
                .map(|e| e.device().to_string())
                .collect();
            for d in devices {
                let key = format!("{META_TALLY}{d}");
                let read = meta
                    .get::<JsValue, _, _>(JsValue::from_str(&key))
                    .primitive()
                    .map_err(store_error)?;
                tally_reads.push((d, key, read));
            }
        }

        // The clock is read, checked and written inside this transaction (issue 12): a tab
        // that read it before another tab's write finds it changed and writes nothing.
        // Sent beside the restored-ids count asked below (issue 19: at 4× throttle each
        // awaited request in a row costs the check-in a few ms).
        let clock_read = match &batch.clock {
            Some(_) => Some(
                meta.get::<JsValue, _, _>(JsValue::from_str(META_HLC))
                    .primitive()
                    .map_err(store_error)?,
            ),
            None => None,
        };
        let restored_count = match (&segments, restore) {
            (Some(_), None) if assume_fresh && self.version() >= 7 && !batch.events.is_empty() => {
                let rids = tx.object_store(RIDS).map_err(store_error)?;
                Some(rids.count().primitive().map_err(store_error)?)
            }
            _ => None,
        };
        if let (Some(clock), Some(read)) = (&batch.clock, clock_read) {
            let reading = crate::bench::spans::span("store: commit: clock check");
            let stored = meta_value(read.await.map_err(store_error)?, META_HLC)?
                .and_then(|v| serde_json::from_value(v).ok());
            drop(reading);
            if let Err(e) = clock.check(stored.as_ref()) {
                let _ = tx.abort().await;
                return Err(e);
            }
        }

        // Schema v7 (issue 13): a restore's group goes unindexed only while the store holds
        // nothing but this file's runs — the guard the unique `ids` index gave a write that
        // looked nothing up. Checked and marked in this transaction; any other write of
        // events removes the mark (below), so a later group of the run is refused and the
        // caller commits it looking its events up.
        if let (Some(run), Some(segs)) = (restore, &segments) {
            let mark = get_meta(&meta, META_RESTORE_RUN).await?;
            let ours = match &mark {
                Some(v) => v.as_str() == Some(run),
                None => {
                    let a = segs.count().primitive().map_err(store_error)?;
                    let b = events.count().primitive().map_err(store_error)?;
                    a.await.map_err(store_error)? == 0 && b.await.map_err(store_error)? == 0
                }
            };
            if !ours {
                let _ = tx.abort().await;
                return Err(StoreError::Other(ALREADY_STORED.into()));
            }
            if mark.is_none() {
                sent(
                    meta.put(JsValue::from_str(&json_value(&run).to_string()))
                        .with_key(JsValue::from_str(META_RESTORE_RUN))
                        .primitive(),
                )?;
            }
        } else if self.version() >= 7 && !batch.events.is_empty() {
            sent(meta.delete(JsValue::from_str(META_RESTORE_RUN)).primitive())?;
            // A write without look-ups relies on the unique `ids` index, which has no entry for
            // a restore's events: on a store holding some, they are asked for by device and
            // HLC (an event stored again has the same ones) and, if one is there, the write is
            // refused and done again looking every event up.
            if let (Some(restored), Some(segs)) = (restored_count, &segments) {
                if restored.await.map_err(store_error)? > 0 {
                    let index = segs.index(IX_SEG_DH).map_err(store_error)?;
                    let mut counts = Vec::with_capacity(batch.events.len());
                    for e in &batch.events {
                        let dh = super::segment::dh_key(&e.device().to_string(), &e.at);
                        counts.push(
                            index
                                .count()
                                .with_query(JsValue::from_str(&dh))
                                .primitive()
                                .map_err(store_error)?,
                        );
                    }
                    let mut held = false;
                    for c in counts {
                        held |= c.await.map_err(store_error)? > 0;
                    }
                    if held {
                        let _ = tx.abort().await;
                        return Err(StoreError::Other(ALREADY_STORED.into()));
                    }
                }
            }
        }

        // Look every id up first (the requests run concurrently), then decide: in `events`
        // while it may hold rows, and in the segments (schema v6).
        let mut lookups = Vec::with_capacity(batch.events.len());
        for e in batch.events.iter().filter(|_| !assume_fresh) {
            lookups.push(if legacy || !segmented {
                Some(
                    events
                        .get::<JsValue, _, _>(JsValue::from_str(&e.id.to_string()))
                        .primitive()
                        .map_err(store_error)?,
                )
            } else {
                None
            });
        }
        let in_segments = match &segments {
            Some(segs) if !assume_fresh => {
                seg_hashes_of(segs, batch.events.iter().collect()).await?
            }
            _ => std::collections::HashMap::new(),
        };
        let mut fresh: Vec<&Event> = Vec::with_capacity(batch.events.len());
        if assume_fresh {
            fresh.extend(&batch.events);
        }
        for (e, lookup) in batch.events.iter().zip(lookups) {
            let old = match lookup {
                Some(l) => l
                    .await
                    .map_err(store_error)?
                    .map(|r| stored_hash(&r))
                    .transpose()?,
                None => None,
            };
            match old.or_else(|| in_segments.get(&e.id.to_string()).cloned()) {
                None => fresh.push(e),
                Some(hash) => {
                    if hash != e.hash {
                        let _ = tx.abort().await;
                        return Err(StoreError::Conflict(e.id));
                    }
                }
            }
        }
        if segmented {
            // One copy of an id a batch lists twice (`add` on `events` refused the second;
            // the segments' unique index would not see a duplicate inside one row).
            let mut seen = HashSet::new();
            fresh.retain(|e| seen.insert(e.id));
        }

        // Issue 13: the commit's parts as spans (the daily exchange's commit grew 2.8× at 4×
        // throttle: the page's own work, not IndexedDB's).
        let rows = crate::bench::spans::span("store: commit: event rows");
        if let Some(segs) = &segments {
            // `add`: an id already in a segment fails the write (the unique `ids` index), as
            // `add` on `events` did. A restore's group: its ids unindexed, and listed in `rids`.
            if restore.is_some() && !fresh.is_empty() {
                let mut listed: Vec<[u8; 32]> = fresh.iter().map(|e| rid(e)).collect();
                listed.sort_unstable();
                let bytes: Vec<u8> = listed.concat();
                let key = format!("{}|{}", super::hlc_key(&fresh[0].at), fresh[0].id);
                let rids = tx.object_store(RIDS).map_err(store_error)?;
                sent(
                    rids.put(JsValue::from(js_sys::Uint8Array::from(&bytes[..])))
                        .with_key(JsValue::from_str(&key))
                        .primitive(),
                )?;
            }
            // The event's own bytes (what `Serialize` writes, without its check that they
            // are JSON: a restore's 872k events, each parsed once more for nothing).
            let with_json: Vec<(&Event, String)> =
                fresh.iter().map(|e| (*e, e.to_json())).collect();
            for part in super::segment::cut(with_json) {
                sent(
                    segs.add(segment_record(&part, restore.is_none())?)
                        .primitive(),
                )?;
            }
        } else {
            for e in &fresh {
                let row = event_record(e)?;
                if assume_fresh {
                    sent(events.add(row).primitive())?;
                } else {
                    sent(events.put(row).primitive())?;
                }
            }
        }
        drop(rows);
        let rows = crate::bench::spans::span("store: commit: view rows");
        if with_views {
            let stores = ViewStores::of(&tx, self.slim())?;
            for v in &batch.views {
                stores.put(v)?;
            }
            for r in batch.dropped.iter().chain(&batch.purged) {
                stores.delete(&r.key())?;
            }
            let views = &stores.views;
            // Issue 19: a read-write read of a key a view left drops Chromium's entries left
            // there (see `LeftKey`); the count itself is not needed.
            for k in &batch.left {
                let (index, key) = left_index_key(k);
                let index = views.index(index).map_err(store_error)?;
                sent(index.count().with_query(key).primitive())?;
            }
        }
        drop(rows);
        // The day tallies change with the events, in this transaction.
        let mut counted: BTreeMap<String, (Vec<Hlc>, Vec<Hlc>)> = BTreeMap::new();
        if tallied {
            for e in &fresh {
                counted
                    .entry(e.device().to_string())
                    .or_default()
                    .0
                    .push(e.at);
            }
        }
        // Purged records (VIO-9): every stored event of theirs, by the subject index.
        if !batch.purged.is_empty() {
            let by_subject = events.index(IX_SUBJECT).map_err(store_error)?;
            for r in &batch.purged {
                let rows = by_subject
                    .get_all::<JsValue>()
                    .with_query(JsValue::from_str(&r.key()))
                    .primitive()
                    .map_err(store_error)?
                    .await
                    .map_err(store_error)?;
                for row in rows {
                    let row = row.map_err(store_error)?;
                    let k = string_field(&row, "id")?;
                    if tallied {
                        let (dev, at) = row_device_hlc(&row)?;
                        counted.entry(dev).or_default().1.push(at);
                    }
                    sent(events.delete(JsValue::from_str(&k)).primitive())?;
                }
            }
            if let Some(segs) = &segments {
                // Each segment holding a purged record's events is written again without
                // them (or deleted when nothing is left).
                let purged: HashSet<String> = batch.purged.iter().map(RecordRef::key).collect();
                let index = segs.index(IX_SEG_SUBJECTS).map_err(store_error)?;
                let queries = purged
                    .iter()
                    .map(|k| KeyRange::Only(JsValue::from_str(k)))
                    .collect();
                let keys: BTreeSet<String> = seg_keys(&index, queries, None)
                    .await?
                    .into_iter()
                    .flat_map(|(_, k)| k)
                    .collect();
                for seg in get_segs(segs, &keys).await? {
                    let gone: HashSet<usize> = (0..seg.sj.len())
                        .filter(|&i| purged.contains(&seg.sj[i]))
                        .collect();
                    if tallied {
                        for &i in &gone {
                            let (dev, at) =
                                super::segment::dh_parse(&seg.dh[i]).ok_or_else(|| {
                                    StoreError::Other(
                                        "a stored segment's dh key is unreadable".into(),
                                    )
                                })?;
                            counted.entry(dev.to_string()).or_default().1.push(at);
                        }
                    }
                    match seg.without(&gone)? {
                        Some(row) => sent(segs.put(row).primitive())?,
                        None => sent(segs.delete(JsValue::from_str(&seg.key)).primitive())?,
                    }
                }
            }
        }
        let tallying = crate::bench::spans::span("store: commit: day tallies");
        let mut read: BTreeMap<String, Option<serde_json::Value>> = BTreeMap::new();
        for (d, key, row) in tally_reads {
            read.insert(d, meta_value(row.await.map_err(store_error)?, &key)?);
        }
        for (dev, (added, removed)) in counted {
            let key = format!("{META_TALLY}{dev}");
            let stored = match read.remove(&dev) {
                Some(v) => v,
                None => get_meta(&meta, &key).await?,
            };
            let mut t = match stored {
                Some(v) => super::tally::Tally::from_json(&v)
                    .ok_or_else(|| StoreError::Other(format!("meta `{key}` is not a tally")))?,
                None => super::tally::Tally::new(dev),
            };
            added.iter().for_each(|h| t.add(h));
            removed.iter().for_each(|h| t.remove(h));
            sent(
                meta.put(JsValue::from_str(&t.to_json().to_string()))
                    .with_key(JsValue::from_str(&key))
                    .primitive(),
            )?;
        }
        drop(tallying);
        // Photos (issue 13) with the events that name them: content-addressed, so a put of a
        // key already stored writes the same bytes.
        let writing = crate::bench::spans::span("store: commit: photos");
        if with_photos {
            let photos = tx.object_store(PHOTOS).map_err(store_error)?;
            for p in &batch.photos {
                let key = p.key();
                sent(
                    photos
                        .put(JsValue::from(photo_blob(p)?))
                        .with_key(JsValue::from_str(&key))
                        .primitive(),
                )?;
                for a in &p.aliases {
                    sent(
                        photos
                            .put(JsValue::from_str(&key))
                            .with_key(JsValue::from_str(a))
                            .primitive(),
                    )?;
                }
            }
        }
        drop(writing);
        let writing = crate::bench::spans::span("store: commit: meta");
        let clock = batch
            .clock
            .as_ref()
            .map(|c| (META_HLC.to_string(), json_value(&c.next)));
        for (k, v) in batch.meta.iter().chain(clock.iter()) {
            sent(
                meta.put(JsValue::from_str(&v.to_string()))
                    .with_key(JsValue::from_str(k))
                    .primitive(),
            )?;
        }
        drop(writing);
        let _waiting = crate::bench::spans::span("store: commit: transaction done");
        finish(tx).await
    }
}

impl Drop for IdbStore {
    fn drop(&mut self) {
        // The closure is freed with the store: never leave the database pointing at it.
        self.raw_db().set_onversionchange(None);
    }
}

/// `navigator.locks` (Web Locks), where the browser offers it (secure contexts).
fn web_locks() -> Option<JsValue> {
    let global = js_sys::global();
    let navigator = js_sys::Reflect::get(&global, &JsValue::from_str("navigator")).ok()?;
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then_some(locks)
}

impl Store for IdbStore {
    async fn every_event(&self) -> Result<Vec<Event>, StoreError> {
        self.all_events().await
    }

    /// The chunked rebuild (progress on [`EVENT_REBUILD`]); what views exist are overwritten.
    async fn finish_deferred_views(&self) -> Result<(), StoreError> {
        self.finish_rebuild(REBUILD_CHUNK).await.map(|_| ())
    }

    fn rebuild_progress(&self, done: u64, total: u64) {
        notify_rebuild(done, total);
    }

    /// One writer per database across every tab and the installed app (issue 12):
    /// `navigator.locks.request("estate-desk-write:<db>", …)` holds the lock until the returned
    /// guard is dropped. Without Web Locks (an old browser, plain http on a LAN address) the
    /// clock check in [`commit`](Store::commit) still refuses a write that raced another tab.
    async fn write_lock(&self) -> Result<WriteLock, StoreError> {
        use std::cell::RefCell;
        use std::rc::Rc;
        let Some(locks) = web_locks() else {
            return Ok(WriteLock::default());
        };
        let Some(request) = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        else {
            return Ok(WriteLock::default());
        };
        let release: Rc<RefCell<Option<js_sys::Function>>> = Rc::default();
        let (granted, on_granted) = futures::channel::oneshot::channel::<()>();
        let held = release.clone();
        // Called once the lock is ours; the lock is held until the promise it returns settles.
        let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
            let promise = js_sys::Promise::new(&mut |resolve, _reject| {
                *held.borrow_mut() = Some(resolve);
            });
            let _ = granted.send(());
            promise
        });
        let name = JsValue::from_str(&format!("estate-desk-write:{}", self.name));
        request
            .call2(&locks, &name, &callback)
            .map_err(error_from_js)?;
        on_granted
            .await
            .map_err(|_| StoreError::Other("the write lock was not granted".into()))?;
        Ok(WriteLock::new(move || {
            if let Some(resolve) = release.borrow_mut().take() {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }))
    }

    async fn commit(&self, batch: Batch) -> Result<(), StoreError> {
        // Issue 13: every event is first written with `add` and no lookup (an import has
        // already left out what is stored; a new record's events are new). Only when one id
        // turns out stored (`add` fails, nothing is written) is the batch written again
        // looking every id up: skipped when the hash is the same, refused when not. From
        // schema v6 `add` goes to the segments, whose unique index does not see the rows of
        // `events`: while that store holds rows, every id is looked up first.
        if self.segmented() && !batch.events.is_empty() && self.legacy_rows().await? {
            return self.write_batch(&batch, false, None).await;
        }
        match self.write_batch(&batch, true, None).await {
            Err(StoreError::Other(m)) if m == ALREADY_STORED => {
                self.write_batch(&batch, false, None).await
            }
            r => r,
        }
    }

    async fn commit_new(&self, batch: Batch) -> Result<(), StoreError> {
        match self.write_batch(&batch, true, None).await {
            Err(StoreError::Other(m)) if m == ALREADY_STORED => Err(StoreError::AlreadyStored),
            r => r,
        }
    }

    async fn commit_restore(&self, batch: Batch, run: &str) -> Result<(), StoreError> {
        // `events` is never written from v6 on: a store whose `events` holds rows is no
        // restore's (the guard's count would refuse it too).
        match self.write_batch(&batch, true, Some(run)).await {
            Err(StoreError::Other(m)) if m == ALREADY_STORED => Err(StoreError::AlreadyStored),
            r => r,
        }
    }

    async fn view(&self, subject: RecordRef) -> Result<Option<View>, StoreError> {
        Ok(self.views_of(&[subject]).await?.pop().flatten())
    }

    async fn query(&self, q: &Query) -> Result<Vec<View>, StoreError> {
        // A limited search (the household search's units …) knows its keys from the index:
        // their states are read by key, not the `views` records first (schema v8).
        if let (true, Some(n), Filter::Prefix(_) | Filter::Range(..)) =
            (self.slim(), q.limit, &q.filter)
        {
            let keys = {
                let tx = self.read(VIEWS)?;
                let store = tx.object_store(VIEWS).map_err(store_error)?;
                let index = store.index(IX_SEARCH).map_err(store_error)?;
                first_search_keys(&index, q, n).await?
            };
            return Ok(self
                .views_by_key(&keys)
                .await?
                .into_iter()
                .flatten()
                .collect());
        }
        if let (true, Filter::All, None) = (self.slim(), &q.filter, q.limit) {
            return self.whole_kind(q).await;
        }
        let records = self.select(q).await?;
        self.full_views(&records).await
    }

    async fn rows(&self, q: &Query) -> Result<Vec<Row>, StoreError> {
        self.select(q).await?.iter().map(decode_row).collect()
    }

    async fn count(&self, q: &Query) -> Result<u32, StoreError> {
        let kind = JsValue::from_str(q.kind.as_str());
        match &q.filter {
            Filter::All => self.count_by(IX_KIND, kind).await,
            Filter::Status(s) => {
                self.count_by(IX_KIND_STATUS, pair(kind, JsValue::from_str(s)))
                    .await
            }
            Filter::Unit(u) => {
                self.count_by(IX_KIND_UNIT, pair(kind, JsValue::from_str(&u.to_string())))
                    .await
            }
            Filter::Prefix(_) | Filter::Range(..) => {
                let tx = self.read(VIEWS)?;
                let store = tx.object_store(VIEWS).map_err(store_error)?;
                let index = store.index(IX_SEARCH).map_err(store_error)?;
                Ok(search_keys(&index, q).await?.len() as u32)
            }
        }
    }

    async fn assigned(&self, staff: StaffId) -> Result<Vec<View>, StoreError> {
        let records = self.assigned_records(staff).await?;
        self.full_views(&records).await
    }

    async fn rows_by_unit(
        &self,
        kind: RecordKind,
        units: &[RecordId],
    ) -> Result<Vec<Vec<Row>>, StoreError> {
        let units: Vec<String> = units.iter().map(|u| u.to_string()).collect();
        self.rows_by_pairs(IX_KIND_UNIT, kind, &units).await
    }

    async fn assigned_rows(&self, staff: StaffId) -> Result<Vec<Row>, StoreError> {
        self.assigned_records(staff)
            .await?
            .iter()
            .map(decode_row)
            .collect()
    }

    async fn events_for(&self, subject: RecordRef) -> Result<Vec<Event>, StoreError> {
        Ok(self.events_of(&[subject]).await?.pop().unwrap_or_default())
    }

    async fn has_event(&self, e: &Event) -> Result<bool, StoreError> {
        Ok(!self.stored_among(std::slice::from_ref(e)).await?.is_empty())
    }

    async fn stored_among(&self, events: &[Event]) -> Result<HashSet<EventId>, StoreError> {
        let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
        let legacy = self.legacy_rows().await?;
        let tx = self.read_events()?;
        // Every request is sent before the first is awaited: they run concurrently in one
        // transaction (issue 7: one transaction per id made imports crawl).
        let mut counts = Vec::with_capacity(2 * ids.len());
        if legacy {
            let store = tx.object_store(EVENTS).map_err(store_error)?;
            for id in &ids {
                counts.push((
                    *id,
                    store
                        .count()
                        .with_query(JsValue::from_str(&id.to_string()))
                        .primitive()
                        .map_err(store_error)?,
                ));
            }
        }
        // A restore's segments (v7) by device and HLC (the same event has the same ones),
        // then read to see the id there: asked for the events no id index entry names.
        let mut places = Vec::new();
        let segs = if self.segmented() {
            let store = tx.object_store(SEGMENTS).map_err(store_error)?;
            let index = store.index(IX_SEG_IDS).map_err(store_error)?;
            let by_dh = store.index(IX_SEG_DH).map_err(store_error)?;
            for e in events {
                counts.push((
                    e.id,
                    index
                        .count()
                        .with_query(JsValue::from_str(&e.id.to_string()))
                        .primitive()
                        .map_err(store_error)?,
                ));
                let dh = super::segment::dh_key(&e.device().to_string(), &e.at);
                places.push((
                    e.id,
                    by_dh
                        .get_all_keys::<JsValue>()
                        .with_query::<JsValue, _>(JsValue::from_str(&dh))
                        .primitive()
                        .map_err(store_error)?,
                ));
            }
            Some(store)
        } else {
            None
        };
        let mut out = HashSet::new();
        for (id, n) in counts {
            if n.await.map_err(store_error)? > 0 {
                out.insert(id);
            }
        }
        let mut keys = BTreeSet::new();
        let mut asked = HashSet::new();
        for (id, read) in places {
            for k in read.await.map_err(store_error)? {
                if let (false, Some(k)) = (out.contains(&id), k.map_err(store_error)?.as_string()) {
                    keys.insert(k);
                    asked.insert(id.to_string());
                }
            }
        }
        if let (Some(store), false) = (segs, keys.is_empty()) {
            for seg in get_segs(&store, &keys).await? {
                for id in seg.ids.iter().filter(|id| asked.contains(*id)) {
                    out.insert(
                        id.parse()
                            .map_err(|_| StoreError::Other("stored event with a bad id".into()))?,
                    );
                }
            }
        }
        Ok(out)
    }

    async fn stored_hashes(
        &self,
        events: &[Event],
    ) -> Result<std::collections::HashMap<EventId, String>, StoreError> {
        let legacy = self.legacy_rows().await?;
        let tx = self.read_events()?;
        let mut out = std::collections::HashMap::new();
        // Issue 13: a file lists each tablet's events in HLC order, so a chunk's events of one
        // device lie in one device+HLC range: one range read per device (of `events` and of
        // the segments) finds the held ones (a mostly-held import read 90,000 rows one get at
        // a time). A range holding far more than the chunk (a file in another order) is not
        // read; its events, and in `events` every id the ranges do not show (a held id under
        // another device or HLC), are then asked for by id and by device and HLC. A held id
        // under another device or HLC in a segment: in a restore's (v7) found by the `rids`
        // lists (other content: the import's check refuses the file); in the others not
        // looked for here, the commit's unique `ids` index refuses it (the import then looks
        // its events up and reports the conflict).
        let wanted: HashSet<EventId> = events.iter().map(|e| e.id).collect();
        let mut spans: BTreeMap<String, (Hlc, Hlc, u32)> = BTreeMap::new();
        for e in events {
            let s = spans
                .entry(e.device().to_string())
                .or_insert_with(|| (e.at, e.at, 0));
            s.0 = s.0.min(e.at);
            s.1 = s.1.max(e.at);
            s.2 += 1;
        }
        let found = |row_id: &str, hash: String, out: &mut std::collections::HashMap<_, _>| {
            let id = row_id
                .parse::<EventId>()
                .map_err(|_| StoreError::Other("stored event with a bad id".into()))?;
            if wanted.contains(&id) {
                out.insert(id, hash);
            }
            Ok::<(), StoreError>(())
        };
        let mut reads = Vec::with_capacity(spans.len());
        if legacy {
            let store = tx.object_store(EVENTS).map_err(store_error)?;
            let index = store.index(IX_DEVICE_HLC).map_err(store_error)?;
            for (d, (lo, hi, n)) in &spans {
                let limit = 2 * n + 16;
                let range = KeyRange::Bound(
                    index_key(d, &super::hlc_key(lo)),
                    false,
                    index_key(d, &super::hlc_key(hi)),
                    false,
                );
                let read = index
                    .get_all::<JsValue>()
                    .with_query::<JsValue, _>(range)
                    .with_limit(limit)
                    .primitive()
                    .map_err(store_error)?;
                reads.push((limit, read));
            }
        }
        let mut by_id_in_segments: Vec<&Event> = Vec::new();
        if self.segmented() {
            let segs = tx.object_store(SEGMENTS).map_err(store_error)?;
            let index = segs.index(IX_SEG_DH).map_err(store_error)?;
            let queries = spans
                .iter()
                .map(|(d, (lo, hi, _))| {
                    KeyRange::Bound(
                        JsValue::from_str(&super::segment::dh_key(d, lo)),
                        false,
                        JsValue::from_str(&super::segment::dh_key(d, hi)),
                        false,
                    )
                })
                .collect();
            let limits: Vec<u32> = spans.values().map(|(_, _, n)| 2 * n + 16).collect();
            let max = limits.iter().copied().max().unwrap_or(16);
            let mut keys = BTreeSet::new();
            let answers = seg_keys(&index, queries, Some(max)).await?;
            for ((d, _), ((entries, k), limit)) in spans.iter().zip(answers.into_iter().zip(limits))
            {
                if entries as u32 >= limit {
                    let ids = events.iter().filter(|e| e.device().to_string() == *d);
                    by_id_in_segments.extend(ids);
                } else {
                    keys.extend(k);
                }
            }
            for seg in get_segs(&segs, &keys).await? {
                for (id, hash) in seg.ids.into_iter().zip(seg.hs) {
                    found(&id, hash, &mut out)?;
                }
            }
            let held = seg_hashes_of(&segs, by_id_in_segments).await?;
            for (id, hash) in held {
                found(&id, hash, &mut out)?;
            }
        }
        for (limit, read) in reads {
            let rows: Vec<JsValue> = read
                .await
                .map_err(store_error)?
                .map(|r| r.map_err(store_error))
                .collect::<Result<_, _>>()?;
            if rows.len() as u32 >= limit {
                continue;
            }
            for row in rows {
                found(&string_field(&row, "id")?, stored_hash(&row)?, &mut out)?;
            }
        }
        if !legacy {
            return self.restored_elsewhere(events, out).await;
        }
        // One get per id left, all sent before the first is awaited (one round trip).
        let store = tx.object_store(EVENTS).map_err(store_error)?;
        let mut rows = Vec::with_capacity(events.len());
        for e in events.iter().filter(|e| !out.contains_key(&e.id)) {
            rows.push((
                e.id,
                store
                    .get::<JsValue, _, _>(JsValue::from_str(&e.id.to_string()))
                    .primitive()
                    .map_err(store_error)?,
            ));
        }
        for (id, row) in rows {
            if let Some(row) = row.await.map_err(store_error)? {
                out.insert(id, stored_hash(&row)?);
            }
        }
        self.restored_elsewhere(events, out).await
    }

    async fn views_of(&self, subjects: &[RecordRef]) -> Result<Vec<Option<View>>, StoreError> {
        let keys: Vec<String> = subjects.iter().map(RecordRef::key).collect();
        self.views_by_key(&keys).await
    }

    async fn view_heads_of(
        &self,
        subjects: &[RecordRef],
    ) -> Result<Vec<Option<ViewHead>>, StoreError> {
        let keys: Vec<String> = subjects.iter().map(RecordRef::key).collect();
        let tx = self
            .db
            .transaction(self.with_states(vec![VIEWS]))
            .build()
            .map_err(store_error)?;
        // The `views` records first, the states only of those found: a restore's eviction asks
        // mostly for records it never wrote (issue 13), one request each instead of two.
        let views = tx.object_store(VIEWS).map_err(store_error)?;
        let records = get_values(&views, &keys).await?;
        let found: Vec<String> = keys
            .iter()
            .zip(&records)
            .filter(|(_, r)| r.as_ref().is_some_and(|r| !has_inline_state(r)))
            .map(|(k, _)| k.clone())
            .collect();
        let mut states = if found.is_empty() || !self.slim() {
            Vec::new()
        } else {
            let states = tx.object_store(STATES).map_err(store_error)?;
            get_values(&states, &found).await?
        }
        .into_iter();
        records
            .into_iter()
            .map(|r| match r {
                None => Ok(None),
                Some(r) if has_inline_state(&r) => decode(&r).map(Some),
                // A state deleted since its record was read: gone, as a moment later.
                Some(_) => states
                    .next()
                    .flatten()
                    .map(|s| decode_state(&s))
                    .transpose(),
            })
            .collect()
    }

    /// One transaction: the meta values are sent first, then the views read; every request
    /// is sent before the first is awaited where it can be.
    async fn metas_and_views(
        &self,
        keys: &[&str],
        subjects: &[RecordRef],
    ) -> Result<(Vec<Option<serde_json::Value>>, Vec<Option<View>>), StoreError> {
        let tx = self
            .db
            .transaction(self.with_states(vec![META, VIEWS]))
            .build()
            .map_err(store_error)?;
        let meta = tx.object_store(META).map_err(store_error)?;
        let reads = meta_gets(&meta, keys)?;
        let view_keys: Vec<String> = subjects.iter().map(RecordRef::key).collect();
        let views = self.views_in(&tx, &view_keys).await?;
        Ok((meta_values(keys, reads).await?, views))
    }

    async fn events_of(&self, subjects: &[RecordRef]) -> Result<Vec<Vec<Event>>, StoreError> {
        let legacy = self.legacy_rows().await?;
        let tx = self.read_events()?;
        let mut pending = Vec::with_capacity(subjects.len());
        if legacy {
            let store = tx.object_store(EVENTS).map_err(store_error)?;
            let index = store.index(IX_SUBJECT).map_err(store_error)?;
            for s in subjects {
                pending.push(
                    index
                        .get_all::<JsValue>()
                        .with_query(JsValue::from_str(&s.key()))
                        .primitive()
                        .map_err(store_error)?,
                );
            }
        }
        let mut out: Vec<Vec<Event>> = vec![Vec::new(); subjects.len()];
        let segs = if self.segmented() {
            let store = tx.object_store(SEGMENTS).map_err(store_error)?;
            let index = store.index(IX_SEG_SUBJECTS).map_err(store_error)?;
            let queries = subjects
                .iter()
                .map(|s| KeyRange::Only(JsValue::from_str(&s.key())))
                .collect();
            let keys: BTreeSet<String> = seg_keys(&index, queries, None)
                .await?
                .into_iter()
                .flat_map(|(_, k)| k)
                .collect();
            get_segs(&store, &keys).await?
        } else {
            Vec::new()
        };
        for (slot, rows) in out.iter_mut().zip(pending) {
            for r in rows.await.map_err(store_error)? {
                slot.push(decode(&r.map_err(store_error)?)?);
            }
        }
        let mut at: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, s) in subjects.iter().enumerate() {
            at.entry(s.key()).or_default().push(i);
        }
        for seg in segs {
            for (i, s) in seg.sj.iter().enumerate() {
                if let Some(slots) = at.get(s) {
                    let e = seg.event(i)?;
                    for &slot in slots {
                        out[slot].push(e.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    async fn records_held(&self, subjects: &[RecordRef]) -> Result<Vec<bool>, StoreError> {
        // The first index entry of each subject, not its events (keys only, limit 1).
        let legacy = self.legacy_rows().await?;
        let tx = self.read_events()?;
        let queries = || {
            subjects
                .iter()
                .map(|s| KeyRange::Only(JsValue::from_str(&s.key())))
                .collect()
        };
        let mut out = vec![false; subjects.len()];
        if legacy {
            let store = tx.object_store(EVENTS).map_err(store_error)?;
            let index = store.index(IX_SUBJECT).map_err(store_error)?;
            for (o, (n, _)) in out
                .iter_mut()
                .zip(seg_keys(&index, queries(), Some(1)).await?)
            {
                *o |= n > 0;
            }
        }
        if self.segmented() {
            let store = tx.object_store(SEGMENTS).map_err(store_error)?;
            let index = store.index(IX_SEG_SUBJECTS).map_err(store_error)?;
            for (o, (n, _)) in out
                .iter_mut()
                .zip(seg_keys(&index, queries(), Some(1)).await?)
            {
                *o |= n > 0;
            }
        }
        Ok(out)
    }

    async fn events_of_kind(&self, kind: RecordKind) -> Result<Vec<Event>, StoreError> {
        let tx = self.read_events()?;
        // Subjects are "kind:uuid": every key of the kind lies in ["kind:", "kind;").
        let lower = format!("{}:", kind.as_str());
        let upper = format!("{};", kind.as_str());
        let range = || {
            KeyRange::Bound(
                JsValue::from_str(&lower),
                false,
                JsValue::from_str(&upper),
                true,
            )
        };
        let store = tx.object_store(EVENTS).map_err(store_error)?;
        let index = store.index(IX_SUBJECT).map_err(store_error)?;
        let rows = index
            .get_all::<JsValue>()
            .with_query::<JsValue, _>(range())
            .primitive()
            .map_err(store_error)?;
        let segs = if self.segmented() {
            let store = tx.object_store(SEGMENTS).map_err(store_error)?;
            let index = store.index(IX_SEG_SUBJECTS).map_err(store_error)?;
            let keys = seg_keys(&index, vec![range()], None).await?.remove(0).1;
            get_segs(&store, &keys).await?
        } else {
            Vec::new()
        };
        let mut out = Vec::new();
        for r in rows.await.map_err(store_error)? {
            out.push(decode(&r.map_err(store_error)?)?);
        }
        for seg in segs {
            let of_kind = |i: usize| seg.sj[i] >= lower && seg.sj[i] < upper;
            out.extend(seg.events_where(of_kind)?);
        }
        Ok(out)
    }

    async fn event_count(&self) -> Result<u64, StoreError> {
        // Chromium counts by walking every row: the tallies answer at once (schema v5).
        if self.version() >= 5 && self.meta(META_TALLY_BACKFILL).await?.is_none() {
            return Ok(self.tallies().await?.iter().map(|t| t.total()).sum());
        }
        let tx = self.read_events()?;
        let store = tx.object_store(EVENTS).map_err(store_error)?;
        let rows = store.count().primitive().map_err(store_error)?;
        let in_segments = if self.segmented() {
            let segs = tx.object_store(SEGMENTS).map_err(store_error)?;
            // `dh`: an entry per event in every segment (`ids` has none for a restore's).
            let index = segs.index(IX_SEG_DH).map_err(store_error)?;
            Some(index.count().primitive().map_err(store_error)?)
        } else {
            None
        };
        let mut n = u64::from(rows.await.map_err(store_error)?);
        if let Some(c) = in_segments {
            n += u64::from(c.await.map_err(store_error)?);
        }
        Ok(n)
    }

    async fn photo_row(&self, key: &str) -> Result<Option<PhotoRow>, StoreError> {
        if self.version() < 3 {
            return Ok(None);
        }
        let Some(blob) = self.photo(key).await? else {
            return Ok(None);
        };
        let buf = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
            .await
            .map_err(error_from_js)?;
        let media_type = match blob.type_() {
            t if t.is_empty() => "image/jpeg".to_string(),
            t => t,
        };
        Ok(Some(PhotoRow::new(
            &media_type,
            js_sys::Uint8Array::new(&buf).to_vec(),
        )))
    }

    async fn has_photo(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self.photos_held(&[key.to_string()]).await?.pop() == Some(true))
    }

    async fn photos_held(&self, keys: &[String]) -> Result<Vec<bool>, StoreError> {
        if self.version() < 3 || keys.is_empty() {
            return Ok(vec![false; keys.len()]);
        }
        let tx = self.read(PHOTOS)?;
        let store = tx.object_store(PHOTOS).map_err(store_error)?;
        // Every request sent before the first is awaited: one wait for the group.
        let counts = keys
            .iter()
            .map(|k| {
                store
                    .count()
                    .with_query(JsValue::from_str(k))
                    .primitive()
                    .map_err(store_error)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(keys.len());
        for n in counts {
            out.push(n.await.map_err(store_error)? > 0);
        }
        Ok(out)
    }

    async fn device_events(&self) -> Result<Vec<DeviceEvents>, StoreError> {
        if self.version() < 4 {
            return Ok(DeviceEvents::of(&self.all_events().await?));
        }
        if self.version() >= 5 {
            // Counts from the tallies; each device's newest key from one cursor step.
            let mut out = Vec::new();
            for t in self.tallies().await? {
                let (Ok(device), n) = (t.dev.parse::<DeviceId>(), t.total()) else {
                    continue;
                };
                if n == 0 {
                    continue;
                }
                let newest = self
                    .newest(device)
                    .await?
                    .unwrap_or_else(|| Hlc::zero(device));
                out.push(DeviceEvents {
                    device,
                    events: n,
                    newest,
                });
            }
            return Ok(out);
        }
        // One device at a time: the first key past the previous device names the next one;
        // its count and its newest key come from the same index. Nothing is decoded.
        let mut out = Vec::new();
        let mut range = KeyRange::LowerBound(JsValue::from(js_sys::Array::new()), false);
        while let Some((device, _)) = self.device_hlc_key(range, CursorDirection::Next).await? {
            let d = device.to_string();
            let all = device_range(&d, None);
            let n = {
                let tx = self.read(EVENTS)?;
                let store = tx.object_store(EVENTS).map_err(store_error)?;
                let index = store.index(IX_DEVICE_HLC).map_err(store_error)?;
                index
                    .count()
                    .with_query::<JsValue, _>(all.clone())
                    .primitive()
                    .map_err(store_error)?
                    .await
                    .map_err(store_error)?
            };
            let newest = self
                .device_hlc_key(all, CursorDirection::Prev)
                .await?
                .and_then(|(_, h)| super::hlc_from_key(&h, device))
                .unwrap_or_else(|| Hlc::zero(device));
            out.push(DeviceEvents {
                device,
                events: u64::from(n),
                newest,
            });
            range = KeyRange::LowerBound(index_key(&d, HLC_KEY_MAX), true);
        }
        Ok(out)
    }

    async fn events_above(
        &self,
        device: DeviceId,
        after: Option<Hlc>,
    ) -> Result<Vec<Event>, StoreError> {
        if self.version() < 4 {
            let mut out: Vec<Event> = self
                .all_events()
                .await?
                .into_iter()
                .filter(|e| e.device() == device && after.is_none_or(|h| e.at > h))
                .collect();
            out.sort_by_key(|e| e.at);
            return Ok(out);
        }
        self.device_hlc_events(device, after, None, None).await
    }

    /// One count over a key range of the `device_hlc` index (issue 13).
    async fn count_above(&self, device: DeviceId, after: Option<Hlc>) -> Result<u64, StoreError> {
        if self.version() < 4 {
            return Ok(self.events_above(device, after).await?.len() as u64);
        }
        let d = device.to_string();
        let (range, before) = match after {
            // The later days from the tally, the watermark's own day by the index (issue 13).
            Some(h) if self.version() >= 5 => {
                let day = super::tally::day_of(&h);
                let later = self
                    .tallies()
                    .await?
                    .into_iter()
                    .find(|t| t.dev == d)
                    .map_or(0, |t| t.after_day(day));
                let range = KeyRange::Bound(
                    index_key(&d, &super::hlc_key(&h)),
                    true,
                    index_key(&d, &super::tally::next_day_key(day)),
                    true,
                );
                (range, later)
            }
            None if self.version() >= 5 => {
                let all = self.tallies().await?.into_iter().find(|t| t.dev == d);
                return Ok(all.map_or(0, |t| t.total()));
            }
            _ => (device_range(&d, after.as_ref()), 0),
        };
        // The same range of the segments' `dh` keys (schema v6).
        let seg_range = match after {
            Some(h) if self.version() >= 5 => {
                let next = super::tally::next_day_key(super::tally::day_of(&h));
                Some(KeyRange::Bound(
                    JsValue::from_str(&super::segment::dh_key(&d, &h)),
                    true,
                    JsValue::from_str(&format!("{d}|{next}")),
                    true,
                ))
            }
            _ => None,
        };
        let tx = self.read_events()?;
        let store = tx.object_store(EVENTS).map_err(store_error)?;
        let index = store.index(IX_DEVICE_HLC).map_err(store_error)?;
        let rows = index
            .count()
            .with_query::<JsValue, _>(range)
            .primitive()
            .map_err(store_error)?;
        let in_segments = match seg_range.filter(|_| self.segmented()) {
            Some(r) => {
                let segs = tx.object_store(SEGMENTS).map_err(store_error)?;
                let index = segs.index(IX_SEG_DH).map_err(store_error)?;
                Some(
                    index
                        .count()
                        .with_query::<JsValue, _>(r)
                        .primitive()
                        .map_err(store_error)?,
                )
            }
            None => None,
        };
        let mut n = before + u64::from(rows.await.map_err(store_error)?);
        if let Some(c) = in_segments {
            n += u64::from(c.await.map_err(store_error)?);
        }
        Ok(n)
    }

    /// One key range of the `device_hlc` index, `limit` rows (issue 13: the export's pages).
    async fn events_page(
        &self,
        device: DeviceId,
        after: Option<Hlc>,
        upto: Option<Hlc>,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError> {
        if self.version() < 4 {
            let mut out = self.events_above(device, after).await?;
            out.retain(|e| upto.is_none_or(|u| e.at <= u));
            out.truncate(limit as usize);
            return Ok(out);
        }
        self.device_hlc_events(device, after, upto, Some(limit))
            .await
    }

    async fn meta(&self, key: &str) -> Result<Option<serde_json::Value>, StoreError> {
        let tx = self.read(META)?;
        let store = tx.object_store(META).map_err(store_error)?;
        get_meta(&store, key).await
    }
}

// ---- schema -------------------------------------------------------------------------------

/// Runs every migration step between `old` and `new` inside the upgrade transaction.
fn migrate(db: &Database, old: u32, new: u32) -> indexed_db_futures::Result<()> {
    if old < 1 && new >= 1 {
        create_v1(db)?;
    }
    if old < 2 && new >= 2 {
        create_v2(db, old >= 1)?;
    }
    if old < 3 && new >= 3 {
        db.create_object_store(PHOTOS).build()?;
    }
    if old < 6 && new >= 6 {
        create_v6(db)?;
    }
    if old < 7 && new >= 7 {
        db.create_object_store(RIDS).build()?;
    }
    if old < 8 && new >= 8 {
        db.create_object_store(STATES).build()?;
    }
    Ok(())
}

/// Version 6 (issue 13): events many to a row. Additive: the rows in `events` stay.
fn create_v6(db: &Database) -> indexed_db_futures::Result<()> {
    let segments = db
        .create_object_store(SEGMENTS)
        .with_key_path(KeyPath::One("k"))
        .build()?;
    segments
        .create_index(IX_SEG_IDS, KeyPath::One("ids"))
        .with_multi_entry(true)
        // A bench build may probe the same entries without the constraint (session 22).
        .with_unique(bench_layout::get() & bench_layout::IDS_NOT_UNIQUE == 0)
        .build()?;
    for (name, path) in [(IX_SEG_SUBJECTS, "sj"), (IX_SEG_DH, "dh")] {
        segments
            .create_index(name, KeyPath::One(path))
            .with_multi_entry(true)
            .build()?;
    }
    Ok(())
}

/// Version 4 (issue 13): the `device_hlc` index on the existing `events` store, through the
/// upgrade's own transaction (the open request's, read from the `upgradeneeded` event being
/// dispatched: `indexed_db_futures` 0.6 gives no handle on it for a store created earlier).
/// With stored events (`had_data`), flags the backfill `open` runs after the upgrade.
fn create_v4(had_data: bool) -> indexed_db_futures::Result<()> {
    let tx = upgrade_tx("4")?;
    let events = tx.object_store(EVENTS)?;
    let path = js_sys::Array::of2(&JsValue::from_str("dev"), &JsValue::from_str("hlc"));
    events.create_index_with_str_sequence(IX_DEVICE_HLC, &path)?;
    if had_data {
        tx.object_store(META)?.put_with_key(
            &JsValue::from_str("true"),
            &JsValue::from_str(META_DEVICE_INDEX),
        )?;
    }
    Ok(())
}

/// The running upgrade's `versionchange` transaction, read from the `upgradeneeded` event
/// being dispatched.
fn upgrade_tx(version: &str) -> Result<web_sys::IdbTransaction, JsValue> {
    let event = web_sys::window()
        .map(|w| js_sys::Reflect::get(&w, &JsValue::from_str("event")).unwrap_or_default())
        .unwrap_or_default();
    let target = js_sys::Reflect::get(&event, &JsValue::from_str("target")).unwrap_or_default();
    target
        .dyn_into::<web_sys::IdbRequest>()
        .ok()
        .and_then(|r| r.transaction())
        .ok_or_else(|| {
            JsValue::from_str(&format!(
                "no upgrade transaction for schema version {version}"
            ))
        })
}

/// The first or last `device_hlc` key of `index` in `range`, from a key cursor.
async fn index_key_at(
    index: &Index<'_>,
    range: KeyRange<JsValue>,
    direction: CursorDirection,
) -> Result<Option<(DeviceId, String)>, StoreError> {
    let cursor = index
        .open_key_cursor()
        .with_query::<JsValue, _>(range)
        .with_direction(direction)
        .primitive()
        .map_err(store_error)?
        .await
        .map_err(store_error)?;
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let key = cursor.as_sys().key().map_err(error_from_js)?;
    let parts: js_sys::Array = key.dyn_into().map_err(error_from_js)?;
    let device = parts
        .get(0)
        .as_string()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| StoreError::Other("device_hlc key without a device".into()))?;
    Ok(Some((device, parts.get(1).as_string().unwrap_or_default())))
}

/// A `device_hlc` index key.
fn index_key(device: &str, hlc: &str) -> JsValue {
    js_sys::Array::of2(&JsValue::from_str(device), &JsValue::from_str(hlc)).into()
}

/// One device's `device_hlc` keys above `after` (all of them for `None`).
impl IdbStore {
    /// One device's events above `after` and up to `upto` (at most `limit`, the earliest),
    /// in HLC order: one key range of the `device_hlc` index and of the segments' `dh`.
    async fn device_hlc_events(
        &self,
        device: DeviceId,
        after: Option<Hlc>,
        upto: Option<Hlc>,
        limit: Option<u32>,
    ) -> Result<Vec<Event>, StoreError> {
        if let (Some(a), Some(u)) = (&after, &upto) {
            // Nothing lies above `after` and up to `upto` (an empty bound is an error in
            // IndexedDB: the last page ended exactly at `upto`).
            if a >= u {
                return Ok(Vec::new());
            }
        }
        let d = device.to_string();
        let lower = after.as_ref().map(super::hlc_key).unwrap_or_default();
        let range = match &upto {
            Some(u) => KeyRange::Bound(
                index_key(&d, &lower),
                after.is_some(),
                index_key(&d, &super::hlc_key(u)),
                false,
            ),
            None => device_range(&d, after.as_ref()),
        };
        let tx = self.read_events()?;
        let store = tx.object_store(EVENTS).map_err(store_error)?;
        let index = store.index(IX_DEVICE_HLC).map_err(store_error)?;
        let query = index.get_all::<JsValue>().with_query::<JsValue, _>(range);
        let rows = match limit {
            Some(n) => query.with_limit(n).primitive(),
            None => query.primitive(),
        }
        .map_err(store_error)?;
        let mut out = Vec::new();
        if self.segmented() {
            let (lo, open, hi) = super::segment::dh_range(&d, after.as_ref());
            let hi = upto.map_or(hi, |u| super::segment::dh_key(&d, &u));
            let segs = tx.object_store(SEGMENTS).map_err(store_error)?;
            let index = segs.index(IX_SEG_DH).map_err(store_error)?;
            let range =
                KeyRange::Bound(JsValue::from_str(&lo), open, JsValue::from_str(&hi), false);
            let keys = seg_keys(&index, vec![range], limit).await?.remove(0).1;
            let inside = |k: &str| {
                (if open {
                    k > lo.as_str()
                } else {
                    k >= lo.as_str()
                }) && k <= hi.as_str()
            };
            for seg in get_segs(&segs, &keys).await? {
                out.extend(seg.events_where(|i| inside(&seg.dh[i]))?);
            }
        }
        for row in rows.await.map_err(store_error)? {
            out.push(decode::<Event>(&row.map_err(store_error)?)?);
        }
        // Same wall and counter on one device cannot happen; the full HLC order anyway.
        out.sort_by_key(|e| e.at);
        if let Some(n) = limit {
            out.truncate(n as usize);
        }
        Ok(out)
    }

    /// One device's newest HLC held here (`None`: none), from a key cursor on each index.
    async fn newest(&self, device: DeviceId) -> Result<Option<Hlc>, StoreError> {
        let d = device.to_string();
        let mut newest = self
            .device_hlc_key(device_range(&d, None), CursorDirection::Prev)
            .await?
            .and_then(|(_, h)| super::hlc_from_key(&h, device));
        if self.segmented() {
            let tx = self.read(SEGMENTS)?;
            let store = tx.object_store(SEGMENTS).map_err(store_error)?;
            let index = store.index(IX_SEG_DH).map_err(store_error)?;
            let (lo, open, hi) = super::segment::dh_range(&d, None);
            let cursor = index
                .open_key_cursor()
                .with_query::<JsValue, _>(KeyRange::Bound(
                    JsValue::from_str(&lo),
                    open,
                    JsValue::from_str(&hi),
                    false,
                ))
                .with_direction(CursorDirection::Prev)
                .primitive()
                .map_err(store_error)?
                .await
                .map_err(store_error)?;
            let key = cursor.and_then(|c| c.as_sys().key().ok()?.as_string());
            if let Some((_, h)) = key.as_deref().and_then(super::segment::dh_parse) {
                newest = newest.max(Some(h));
            }
        }
        Ok(newest)
    }
}

fn device_range(device: &str, after: Option<&Hlc>) -> KeyRange<JsValue> {
    let lower = after.map(super::hlc_key).unwrap_or_default();
    KeyRange::Bound(
        index_key(device, &lower),
        after.is_some(),
        index_key(device, HLC_KEY_MAX),
        false,
    )
}

// ---- segments (schema v6, issue 13) -----------------------------------------------------------

/// One stored segment with its lists read out; the events' JSON stays undecoded until an
/// event is wanted.
struct Seg {
    key: String,
    /// Whether the ids are in `ids` (the unique index's) or in `i` (a restore's, v7).
    indexed: bool,
    ids: Vec<String>,
    hs: Vec<String>,
    sj: Vec<String>,
    dh: Vec<String>,
    js: SegJs,
}

/// A segment's events' JSON: one packed text, a line each (`z`, what this build writes:
/// `store::packed`), or a list of strings (`js`, what schema 6's first build wrote). The
/// packed text is unpacked on the first event asked for: a read of ids or hashes only (the
/// import check, a commit's lookups) never unpacks it.
enum SegJs {
    Packed(Vec<u8>, std::cell::OnceCell<Result<Lines, StoreError>>),
    List(js_sys::Array),
}

/// An unpacked segment text and the byte ranges of its lines.
type Lines = (String, Vec<std::ops::Range<usize>>);

impl SegJs {
    fn unpacked<'a>(
        bytes: &[u8],
        cell: &'a std::cell::OnceCell<Result<Lines, StoreError>>,
    ) -> Result<&'a Lines, StoreError> {
        cell.get_or_init(|| {
            let text = super::packed::unpack(bytes)?;
            let lines = super::packed::line_ranges(&text);
            Ok((text, lines))
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    fn len(&self) -> Result<usize, StoreError> {
        Ok(match self {
            SegJs::Packed(bytes, cell) => Self::unpacked(bytes, cell)?.1.len(),
            SegJs::List(list) => list.length() as usize,
        })
    }

    fn get(&self, i: usize) -> Result<Option<std::borrow::Cow<'_, str>>, StoreError> {
        Ok(match self {
            SegJs::Packed(bytes, cell) => {
                let (text, lines) = Self::unpacked(bytes, cell)?;
                lines.get(i).map(|r| text[r.clone()].into())
            }
            SegJs::List(list) => list.get(i as u32).as_string().map(Into::into),
        })
    }
}

/// A `Uint8Array` field of a stored record (`None` when absent or of another type).
fn bytes_field(row: &JsValue, field: &str) -> Option<Vec<u8>> {
    let v = js_sys::Reflect::get(row, &JsValue::from_str(field)).unwrap_or(JsValue::UNDEFINED);
    v.dyn_into::<js_sys::Uint8Array>().ok().map(|a| a.to_vec())
}

/// Packs `text` into a `Uint8Array` to store (`store::packed`).
fn packed_bytes(text: &str) -> JsValue {
    js_sys::Uint8Array::from(&super::packed::pack(text)[..]).into()
}

fn list_field(row: &JsValue, field: &str) -> Result<js_sys::Array, StoreError> {
    js_sys::Reflect::get(row, &JsValue::from_str(field))
        .ok()
        .and_then(|v| v.dyn_into().ok())
        .ok_or_else(|| StoreError::Other(format!("stored segment without `{field}`")))
}

fn strings(row: &JsValue, field: &str) -> Result<Vec<String>, StoreError> {
    list_field(row, field)?
        .iter()
        .map(|v| {
            v.as_string()
                .ok_or_else(|| StoreError::Other(format!("stored segment: `{field}` not text")))
        })
        .collect()
}

impl Seg {
    fn read(row: &JsValue) -> Result<Seg, StoreError> {
        let indexed = js_sys::Reflect::has(row, &JsValue::from_str("ids")).unwrap_or(false);
        let seg = Seg {
            key: string_field(row, "k")?,
            indexed,
            ids: strings(row, if indexed { "ids" } else { "i" })?,
            hs: strings(row, "hs")?,
            sj: strings(row, "sj")?,
            dh: strings(row, "dh")?,
            js: match bytes_field(row, "z") {
                Some(bytes) => SegJs::Packed(bytes, Default::default()),
                None => SegJs::List(list_field(row, "js")?),
            },
        };
        let n = seg.ids.len();
        // The packed events are counted when first unpacked (`text`).
        let js = match &seg.js {
            SegJs::List(list) => list.length() as usize,
            SegJs::Packed(..) => n,
        };
        let lens = [seg.hs.len(), seg.sj.len(), seg.dh.len(), js];
        if lens.iter().any(|&l| l != n) {
            return Err(StoreError::Other(format!(
                "stored segment {}: its lists differ in length",
                seg.key
            )));
        }
        Ok(seg)
    }

    fn event(&self, i: usize) -> Result<Event, StoreError> {
        let text = self.text(i)?;
        serde_json::from_str(&text)
            .map_err(|e| StoreError::Other(format!("stored record unreadable: {e}")))
    }

    /// Event `i`'s JSON; the packed events are counted against the ids when first unpacked.
    fn text(&self, i: usize) -> Result<std::borrow::Cow<'_, str>, StoreError> {
        if self.js.len()? != self.ids.len() {
            return Err(StoreError::Other(format!(
                "stored segment {}: its lists differ in length",
                self.key
            )));
        }
        self.js
            .get(i)?
            .ok_or_else(|| StoreError::Other(format!("stored segment {}: no event {i}", self.key)))
    }

    fn events_where(&self, keep: impl Fn(usize) -> bool) -> Result<Vec<Event>, StoreError> {
        (0..self.ids.len())
            .filter(|&i| keep(i))
            .map(|i| self.event(i))
            .collect()
    }

    /// This segment without the events at `gone` (a purge, VIO-9); `None` when none is left.
    fn without(&self, gone: &HashSet<usize>) -> Result<Option<JsValue>, StoreError> {
        let keep: Vec<usize> = (0..self.ids.len()).filter(|i| !gone.contains(i)).collect();
        if keep.is_empty() {
            return Ok(None);
        }
        let list = |v: &[String]| -> js_sys::Array {
            keep.iter().map(|&i| JsValue::from_str(&v[i])).collect()
        };
        let obj = js_sys::Object::new();
        set(&obj, "k", &JsValue::from_str(&self.key))?;
        set(
            &obj,
            if self.indexed { "ids" } else { "i" },
            &list(&self.ids),
        )?;
        set(&obj, "hs", &list(&self.hs))?;
        set(&obj, "sj", &list(&self.sj))?;
        set(&obj, "dh", &list(&self.dh))?;
        let texts = keep
            .iter()
            .map(|&i| self.text(i))
            .collect::<Result<Vec<_>, _>>()?;
        set(&obj, "z", &packed_bytes(&texts.join("\n")))?;
        Ok(Some(obj.into()))
    }
}

/// Issue 13's layout probe (bench builds only): which stored shapes this page writes, so one
/// build measures the packed rows beside the strings schema 6 first wrote.
/// Outside bench builds every shape is this build's: `get` is 0.
#[cfg(not(feature = "bench"))]
mod bench_layout {
    pub const SEG_STRINGS: u32 = 1;
    pub const VIEW_STRINGS: u32 = 2;
    pub const SEG_NO_IDS: u32 = 4;
    pub const SEG_NO_INDEXES: u32 = 8;
    pub const IDS_NOT_UNIQUE: u32 = 16;
    pub const RESTORE_INDEXED: u32 = 32;
    pub const VIEW_NO_SEARCH: u32 = 64;
    pub const fn get() -> u32 {
        0
    }
}

#[cfg(feature = "bench")]
pub mod bench_layout {
    use std::cell::Cell;
    /// Segments' events as a list of strings (`js`), not packed.
    pub const SEG_STRINGS: u32 = 1;
    /// Views' state as a string, not packed.
    pub const VIEW_STRINGS: u32 = 2;
    /// Segments' ids under another name: the same row, no entries in the unique `ids` index
    /// (what that index costs a write; such rows are not found by id).
    pub const SEG_NO_IDS: u32 = 4;
    /// The same for all three indexes (`ids`, `sj`, `dh`).
    pub const SEG_NO_INDEXES: u32 = 8;
    /// A database created with this bit set has a non-unique `ids` index: the same entries
    /// without the look-up before each write (what the constraint costs; nothing then refuses
    /// an id stored twice, so only for a restore onto a blank database).
    pub const IDS_NOT_UNIQUE: u32 = 16;
    /// A restore's groups written as schema 6 wrote them (ids in the unique index; session
    /// 23's A/B of schema 7).
    pub const RESTORE_INDEXED: u32 = 32;
    /// Views written without their `search` keys (what the multi-entry index costs a
    /// restore's views, session 38; such views are not found by the lists).
    pub const VIEW_NO_SEARCH: u32 = 64;
    thread_local! { static LAYOUT: Cell<u32> = const { Cell::new(0) }; }
    pub fn get() -> u32 {
        LAYOUT.with(Cell::get)
    }
    pub fn set(bits: u32) {
        LAYOUT.with(|l| l.set(bits));
    }
}

/// The row of one segment (the events of one [`super::segment::cut`] part, with their JSON);
/// its ids in the unique `ids` index, or (`indexed` false: a restore's, v7) in `i`.
fn segment_record(part: &[(&Event, String)], indexed: bool) -> Result<JsValue, StoreError> {
    let Some((first, _)) = part.first() else {
        return Err(StoreError::Other("an empty segment".into()));
    };
    // The random part keeps the key unique even when a purged event's id comes back.
    let random = (js_sys::Math::random() * 4_503_599_627_370_496.0) as u64;
    let key = format!("{}|{}|{random:013x}", super::hlc_key(&first.at), first.id);
    let list = |f: &dyn Fn(&Event, &String) -> String| -> js_sys::Array {
        part.iter()
            .map(|(e, json)| JsValue::from_str(&f(e, json)))
            .collect()
    };
    let obj = js_sys::Object::new();
    let layout = bench_layout::get();
    let (no_ids, no_indexes) = (
        layout & (bench_layout::SEG_NO_IDS | bench_layout::SEG_NO_INDEXES) != 0,
        layout & bench_layout::SEG_NO_INDEXES != 0,
    );
    set(&obj, "k", &JsValue::from_str(&key))?;
    set(
        &obj,
        match (no_ids, indexed) {
            (true, _) => "_ids",
            (false, true) => "ids",
            (false, false) => "i",
        },
        &list(&|e, _| e.id.to_string()),
    )?;
    set(&obj, "hs", &list(&|e, _| e.hash.clone()))?;
    set(
        &obj,
        if no_indexes { "_sj" } else { "sj" },
        &list(&|e, _| e.subject.key()),
    )?;
    set(
        &obj,
        if no_indexes { "_dh" } else { "dh" },
        &list(&|e, _| super::segment::dh_key(&e.device().to_string(), &e.at)),
    )?;
    if layout & bench_layout::SEG_STRINGS != 0 {
        set(&obj, "js", &list(&|_, json| json.clone()))?;
        return Ok(obj.into());
    }
    let texts: Vec<&str> = part.iter().map(|(_, json)| json.as_str()).collect();
    set(&obj, "z", &packed_bytes(&texts.join("\n")))?;
    Ok(obj.into())
}

/// For each query of a segments index: how many index entries it matched (at most `limit`)
/// and the keys of their segments (a multiEntry index names a segment once per matching
/// event: deduplicated). Every request is sent before the first is awaited.
async fn seg_keys(
    index: &Index<'_>,
    queries: Vec<KeyRange<JsValue>>,
    limit: Option<u32>,
) -> Result<Vec<(usize, BTreeSet<String>)>, StoreError> {
    let mut reads = Vec::with_capacity(queries.len());
    for q in queries {
        let read = index.get_all_keys::<JsValue>().with_query::<JsValue, _>(q);
        reads.push(
            match limit {
                Some(n) => read.with_limit(n).primitive(),
                None => read.primitive(),
            }
            .map_err(store_error)?,
        );
    }
    let mut out = Vec::with_capacity(reads.len());
    for read in reads {
        let mut entries = 0;
        let mut keys = BTreeSet::new();
        for k in read.await.map_err(store_error)? {
            entries += 1;
            if let Some(k) = k.map_err(store_error)?.as_string() {
                keys.insert(k);
            }
        }
        out.push((entries, keys));
    }
    Ok(out)
}

/// The rows stored under `keys` that exist, in that order (every get sent before the first
/// is awaited: one round trip).
async fn get_rows<'k>(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    keys: impl IntoIterator<Item = &'k String>,
) -> Result<Vec<JsValue>, StoreError> {
    Ok(get_values(store, keys)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

/// The values stored under `keys`, in order (`None`: nothing there); every request sent
/// before the first is awaited.
async fn get_values<'k>(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    keys: impl IntoIterator<Item = &'k String>,
) -> Result<Vec<Option<JsValue>>, StoreError> {
    let mut reads = Vec::new();
    for k in keys {
        reads.push(
            store
                .get::<JsValue, _, _>(JsValue::from_str(k))
                .primitive()
                .map_err(store_error)?,
        );
    }
    let mut out = Vec::with_capacity(reads.len());
    for read in reads {
        out.push(read.await.map_err(store_error)?);
    }
    Ok(out)
}

/// The segments stored under `keys`, read out.
async fn get_segs(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    keys: &BTreeSet<String>,
) -> Result<Vec<Seg>, StoreError> {
    get_rows(store, keys).await?.iter().map(Seg::read).collect()
}

/// An event's entry in the `rids` lists: its id's bytes, then its hash's first 16.
fn rid(e: &Event) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(e.id.0.as_bytes());
    out[16..].copy_from_slice(&e.hash16());
    out
}

/// The stored hash of each of `events` held in a segment, by id: a key lookup per event on
/// the unique `ids` index (by id) and on `dh` (by device and HLC: a restore's segments,
/// whose ids no index holds; schema v7), then each segment found read once.
async fn seg_hashes_of(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    events: Vec<&Event>,
) -> Result<std::collections::HashMap<String, String>, StoreError> {
    let mut out = std::collections::HashMap::new();
    if events.is_empty() {
        return Ok(out);
    }
    let ids: Vec<String> = events.iter().map(|e| e.id.to_string()).collect();
    let by_id = store.index(IX_SEG_IDS).map_err(store_error)?;
    let by_dh = store.index(IX_SEG_DH).map_err(store_error)?;
    let mut reads = Vec::with_capacity(2 * ids.len());
    for (e, id) in events.iter().zip(&ids) {
        let dh = super::segment::dh_key(&e.device().to_string(), &e.at);
        for (index, key) in [(&by_id, id.as_str()), (&by_dh, dh.as_str())] {
            reads.push(
                index
                    .get_key::<JsValue, _>(JsValue::from_str(key))
                    .primitive()
                    .map_err(store_error)?,
            );
        }
    }
    let mut keys = BTreeSet::new();
    for read in reads {
        if let Some(k) = read.await.map_err(store_error)?.and_then(|k| k.as_string()) {
            keys.insert(k);
        }
    }
    let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
    for seg in get_segs(store, &keys).await? {
        for (id, hash) in seg.ids.into_iter().zip(seg.hs) {
            if wanted.contains(id.as_str()) {
                out.insert(id, hash);
            }
        }
    }
    Ok(out)
}

/// The index key `n` entries into `range` (1: the first), or `None` when it holds fewer.
async fn nth_index_key(
    index: &Index<'_>,
    range: KeyRange<JsValue>,
    n: u32,
) -> Result<Option<String>, StoreError> {
    let cursor = index
        .open_key_cursor()
        .with_query::<JsValue, _>(range)
        .primitive()
        .map_err(store_error)?
        .await
        .map_err(store_error)?;
    let Some(mut cursor) = cursor else {
        return Ok(None);
    };
    if n > 1 {
        cursor.advance_by(n - 1).await.map_err(store_error)?;
    }
    Ok(cursor.as_sys().key().ok().and_then(|k| k.as_string()))
}

/// Version 1 (the previous schema): events by id with a subject index, and meta.
fn create_v1(db: &Database) -> indexed_db_futures::Result<()> {
    let events = db
        .create_object_store(EVENTS)
        .with_key_path(KeyPath::One("id"))
        .build()?;
    events
        .create_index(IX_SUBJECT, KeyPath::One("subject"))
        .build()?;
    db.create_object_store(META).build()?;
    Ok(())
}

/// Version 2: materialised views with their indexes. When events already exist (`had_data`),
/// flags the views for a rebuild, which `open` performs after the upgrade.
fn create_v2(db: &Database, had_data: bool) -> indexed_db_futures::Result<()> {
    let views = db
        .create_object_store(VIEWS)
        .with_key_path(KeyPath::One("key"))
        .build()?;
    views.create_index(IX_KIND, KeyPath::One("kind")).build()?;
    views
        .create_index(IX_KIND_STATUS, KeyPath::from(["kind", "status"]))
        .build()?;
    views
        .create_index(IX_KIND_UNIT, KeyPath::from(["kind", "unit"]))
        .build()?;
    views
        .create_index(IX_ASSIGNEE_DUE, KeyPath::from(["assignee", "due"]))
        .build()?;
    views
        .create_index(IX_SEARCH, KeyPath::One("search"))
        .with_multi_entry(true)
        .build()?;
    if had_data {
        let meta = views.transaction().object_store(META)?;
        // Sent with the upgrade transaction; a failure aborts the upgrade.
        drop(
            meta.put(JsValue::from_str("true"))
                .with_key(JsValue::from_str(META_REBUILD))
                .primitive()?,
        );
    }
    Ok(())
}

// ---- records ------------------------------------------------------------------------------

/// A photo row's bytes as the `Blob` IndexedDB keeps (and `<img>` shows through an object URL).
fn photo_blob(p: &PhotoRow) -> Result<web_sys::Blob, StoreError> {
    let arr = js_sys::Uint8Array::from(p.bytes.as_slice());
    let parts = js_sys::Array::of1(&arr);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(&p.media_type);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).map_err(error_from_js)
}

fn set(obj: &js_sys::Object, field: &str, value: &JsValue) -> Result<(), StoreError> {
    js_sys::Reflect::set(obj, &JsValue::from_str(field), value)
        .map(|_| ())
        .map_err(|e| store_error(e.into()))
}

fn json_value<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("serialises")
}

fn json_text<T: serde::Serialize>(v: &T) -> Result<JsValue, StoreError> {
    serde_json::to_string(v)
        .map(|s| JsValue::from_str(&s))
        .map_err(|e| StoreError::Other(e.to_string()))
}

fn event_record(e: &Event) -> Result<JsValue, StoreError> {
    let obj = js_sys::Object::new();
    set(&obj, "id", &JsValue::from_str(&e.id.to_string()))?;
    set(&obj, "subject", &JsValue::from_str(&e.subject.key()))?;
    // Schema v4 (issue 13): the `device_hlc` index fields.
    set(&obj, "dev", &JsValue::from_str(&e.device().to_string()))?;
    set(&obj, "hlc", &JsValue::from_str(&super::hlc_key(&e.at)))?;
    set(&obj, "json", &json_text(e)?)?;
    Ok(obj.into())
}

/// The `views` store and, from schema v8, `states`, of one read-write transaction: every
/// write of a view goes through here, so a record and its state never part.
struct ViewStores<'a> {
    views: indexed_db_futures::object_store::ObjectStore<'a>,
    states: Option<indexed_db_futures::object_store::ObjectStore<'a>>,
}

impl<'a> ViewStores<'a> {
    fn of(tx: &'a Transaction<'_>, slim: bool) -> Result<Self, StoreError> {
        Ok(ViewStores {
            views: tx.object_store(VIEWS).map_err(store_error)?,
            states: if slim {
                Some(tx.object_store(STATES).map_err(store_error)?)
            } else {
                None
            },
        })
    }

    fn put(&self, v: &View) -> Result<(), StoreError> {
        let state = view_state(v)?;
        match &self.states {
            Some(states) => {
                sent(self.views.put(view_record(v, None)?).primitive())?;
                sent(
                    states
                        .put(state)
                        .with_key(JsValue::from_str(&v.key))
                        .primitive(),
                )
            }
            None => sent(self.views.put(view_record(v, Some(state))?).primitive()),
        }
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        sent(self.views.delete(JsValue::from_str(key)).primitive())?;
        if let Some(states) = &self.states {
            sent(states.delete(JsValue::from_str(key)).primitive())?;
        }
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        sent(self.views.clear())?;
        if let Some(states) = &self.states {
            sent(states.clear())?;
        }
        Ok(())
    }
}

/// A view's folded state as stored: packed (issue 13: a quarter of the bytes), or text in a
/// bench layout.
fn view_state(v: &View) -> Result<JsValue, StoreError> {
    let state = serde_json::to_string(v).map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(if bench_layout::get() & bench_layout::VIEW_STRINGS != 0 {
        JsValue::from_str(&state)
    } else {
        packed_bytes(&state)
    })
}

/// A `views` record: the index fields and the list row, with the state inline (`json`) only
/// in a store older than schema v8 (issue 19: a list reads no history). Built as one JSON text
/// and parsed by the browser (session 41: a field set at a time crossed into JS eight times a
/// view — a fifth of writing a view row, besides the `put`).
fn view_record(v: &View, state: Option<JsValue>) -> Result<JsValue, StoreError> {
    #[derive(serde::Serialize)]
    struct Record<'a> {
        key: &'a str,
        kind: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        assignee: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        due: Option<i64>,
        search: &'a [String],
        row: String,
    }
    let other = |e: serde_json::Error| StoreError::Other(e.to_string());
    let record = Record {
        key: &v.key,
        kind: v.kind.as_str(),
        status: v.status.as_deref(),
        unit: v.unit.map(|u| u.to_string()),
        assignee: v.assignee.map(|a| a.to_string()),
        due: v.due,
        search: if bench_layout::get() & bench_layout::VIEW_NO_SEARCH != 0 {
            &[]
        } else {
            &v.search
        },
        row: serde_json::to_string(&v.row()).map_err(other)?,
    };
    let text = serde_json::to_string(&record).map_err(other)?;
    let obj = js_sys::JSON::parse(&text).map_err(|e| store_error(e.into()))?;
    if let Some(state) = state {
        set(obj.unchecked_ref(), "json", &state)?;
    }
    Ok(obj)
}

fn string_field(row: &JsValue, field: &str) -> Result<String, StoreError> {
    js_sys::Reflect::get(row, &JsValue::from_str(field))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| StoreError::Other(format!("stored record without `{field}`")))
}

/// Decodes the `json` field of an event or view record.
/// The device and HLC of a stored event row: the v4 index fields, or its JSON for a row an
/// unfinished v4 backfill has not rewritten yet.
fn row_device_hlc(row: &JsValue) -> Result<(String, Hlc), StoreError> {
    let dev = js_sys::Reflect::get(row, &JsValue::from_str("dev"))
        .ok()
        .and_then(|v| v.as_string());
    let hlc = js_sys::Reflect::get(row, &JsValue::from_str("hlc"))
        .ok()
        .and_then(|v| v.as_string());
    if let (Some(dev), Some(hlc)) = (dev, hlc) {
        if let Some(at) = dev.parse().ok().and_then(|d| super::hlc_from_key(&hlc, d)) {
            return Ok((dev, at));
        }
    }
    let e: Event = decode(row)?;
    Ok((e.device().to_string(), e.at))
}

/// Decodes the `json` of a stored record: text (events, and views older builds wrote) or
/// packed bytes (views since issue 13's packing).
fn decode<T: serde::de::DeserializeOwned>(row: &JsValue) -> Result<T, StoreError> {
    let json = js_sys::Reflect::get(row, &JsValue::from_str("json")).unwrap_or_default();
    decode_state(&json)
}

/// The full views of `records` (`views` records) in their order: a state carried inline (a
/// record of an older build, not moved yet) is decoded; the others' come from `state_of`.
/// A record whose state is gone (deleted since the record was read) is left out, as if read a
/// moment later.
fn join_states(
    records: &[JsValue],
    mut state_of: impl FnMut(&JsValue) -> Result<Option<JsValue>, StoreError>,
) -> Result<Vec<View>, StoreError> {
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        if has_inline_state(r) {
            out.push(decode(r)?);
        } else if let Some(state) = state_of(r)? {
            out.push(decode_state(&state)?);
        }
    }
    Ok(out)
}

/// Whether a `views` record carries its state (`json`): every record before schema v8, and
/// those an unfinished [`IdbStore::slim_views`] has not moved yet.
fn has_inline_state(record: &JsValue) -> bool {
    js_sys::Reflect::has(record, &JsValue::from_str("json")).unwrap_or(false)
}

/// A view from its `states` value (schema v8): packed bytes, or text in a bench layout.
/// Also the `json` field of any stored record ([`decode`]).
fn decode_state<T: serde::de::DeserializeOwned>(state: &JsValue) -> Result<T, StoreError> {
    let text = match state.dyn_ref::<js_sys::Uint8Array>() {
        Some(bytes) => super::packed::unpack(&bytes.to_vec())?,
        None => state
            .as_string()
            .ok_or_else(|| StoreError::Other("stored record without `json`".into()))?,
    };
    serde_json::from_str(&text)
        .map_err(|e| StoreError::Other(format!("stored record unreadable: {e}")))
}

/// The list row of a stored view record: its `row` JSON only (issue 19). A record written
/// before rows existed (or whose row no longer decodes) is read through its full view.
fn decode_row(row: &JsValue) -> Result<Row, StoreError> {
    let text = js_sys::Reflect::get(row, &JsValue::from_str("row"))
        .ok()
        .and_then(|v| v.as_string());
    if let Some(r) = text.and_then(|t| serde_json::from_str(&t).ok()) {
        return Ok(r);
    }
    decode::<View>(row).map(|v| v.row())
}

/// The hash of a stored event, without decoding its body.
fn stored_hash(row: &JsValue) -> Result<String, StoreError> {
    #[derive(serde::Deserialize)]
    struct HashOnly {
        hash: String,
    }
    decode::<HashOnly>(row).map(|h| h.hash)
}

/// Folds one subject's events and puts the view (nothing for an empty group). Events the
/// ledger refuses take no effect (issue 12, authority at fold time).
fn write_fold(
    views: &ViewStores<'_>,
    mut events: Vec<Event>,
    ledger: &Ledger,
) -> Result<(), StoreError> {
    events.retain(|e| ledger.admits(e));
    let Some(subject) = events.first().map(|e| e.subject) else {
        return Ok(());
    };
    if let Some(v) = fold_all_kind(subject, events) {
        views.put(&v)?;
    }
    Ok(())
}

/// A `get` of each meta key, sent (read out by [`meta_values`]).
fn meta_gets(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    keys: &[&str],
) -> Result<
    Vec<impl std::future::Future<Output = indexed_db_futures::Result<Option<JsValue>>>>,
    StoreError,
> {
    keys.iter()
        .map(|k| {
            store
                .get::<JsValue, _, _>(JsValue::from_str(k))
                .primitive()
                .map_err(store_error)
        })
        .collect()
}

/// The values of [`meta_gets`], in the order asked.
async fn meta_values(
    keys: &[&str],
    reads: Vec<impl std::future::Future<Output = indexed_db_futures::Result<Option<JsValue>>>>,
) -> Result<Vec<Option<serde_json::Value>>, StoreError> {
    let mut out = Vec::with_capacity(keys.len());
    for (k, r) in keys.iter().zip(reads) {
        out.push(meta_value(r.await.map_err(store_error)?, k)?);
    }
    Ok(out)
}

async fn get_meta(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    key: &str,
) -> Result<Option<serde_json::Value>, StoreError> {
    let row = store
        .get::<JsValue, _, _>(JsValue::from_str(key))
        .primitive()
        .map_err(store_error)?
        .await
        .map_err(store_error)?;
    meta_value(row, key)
}

/// A meta row's JSON value (stored as text).
fn meta_value(row: Option<JsValue>, key: &str) -> Result<Option<serde_json::Value>, StoreError> {
    match row {
        None => Ok(None),
        Some(v) => {
            let text = v
                .as_string()
                .ok_or_else(|| StoreError::Other(format!("meta `{key}` is not text")))?;
            serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| StoreError::Other(format!("meta `{key}`: {e}")))
        }
    }
}

/// The `search` index range of the keys starting with "kind|prefix" (lower-cased).
/// The search-index range of a `Prefix` or `Range` filter (other filters read no search key).
fn search_range(q: &Query) -> KeyRange<JsValue> {
    let kind = q.kind.as_str();
    let (from, to) = match &q.filter {
        Filter::Range(from, to) => (from.to_lowercase(), to.to_lowercase()),
        Filter::Prefix(p) => (p.to_lowercase(), p.to_lowercase()),
        _ => (String::new(), String::new()),
    };
    let lower = format!("{kind}|{from}");
    let upper = format!("{kind}|{to}\u{ffff}");
    KeyRange::Bound(
        JsValue::from_str(&lower),
        false,
        JsValue::from_str(&upper),
        false,
    )
}

/// The first `n` primary keys a limited search answers with. A range's first keys are what
/// its caller asked for (the earliest due …): the index's order; a prefix's matches by
/// record key.
async fn first_search_keys(
    index: &Index<'_>,
    q: &Query,
    n: u32,
) -> Result<Vec<String>, StoreError> {
    if !matches!(q.filter, Filter::Range(..)) {
        let mut keys: Vec<String> = search_keys(index, q).await?.into_iter().collect();
        keys.truncate(n as usize);
        return Ok(keys);
    }
    // The index's first `n` entries, not the range's every key (issue 19: 回访's 全部 is the
    // five-year estate's 19,400 callbacks, ~0.3 s at 4x to list for a page of 20). A view with
    // several keys in range takes several entries: read more until `n` views or the range's end.
    let mut limit = n.max(1);
    loop {
        let (read, mut keys) = keys_in_order(index, q, Some(limit)).await?;
        if keys.len() >= n as usize || read < limit as usize {
            keys.truncate(n as usize);
            return Ok(keys);
        }
        limit = limit.saturating_mul(2);
    }
}

/// Primary keys of the views with a search key in the filter's range: sorted, unique.
async fn search_keys(index: &Index<'_>, q: &Query) -> Result<BTreeSet<String>, StoreError> {
    Ok(search_keys_in_order(index, q).await?.into_iter().collect())
}

/// Primary keys of the views with a search key in the filter's range, in the index's order
/// (each view at its first key in range).
async fn search_keys_in_order(index: &Index<'_>, q: &Query) -> Result<Vec<String>, StoreError> {
    Ok(keys_in_order(index, q, None).await?.1)
}

/// [`search_keys_in_order`] of the range's first `limit` index entries (all: `None`), with the
/// number of entries read.
async fn keys_in_order(
    index: &Index<'_>,
    q: &Query,
    limit: Option<u32>,
) -> Result<(usize, Vec<String>), StoreError> {
    let query = index
        .get_all_keys::<String>()
        .with_query::<JsValue, _>(search_range(q));
    let keys = match limit {
        Some(n) => query.with_limit(n).primitive().map_err(store_error)?.await,
        None => query.primitive().map_err(store_error)?.await,
    }
    .map_err(store_error)?;
    let mut read = 0;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for k in keys {
        let k = k.map_err(store_error)?;
        read += 1;
        if seen.insert(k.clone()) {
            out.push(k);
        }
    }
    Ok((read, out))
}

/// A write request is out once built: its outcome is the transaction's (awaited by [`finish`]),
/// so the request future itself is dropped.
fn sent<F>(request: indexed_db_futures::Result<F>) -> Result<(), StoreError> {
    drop(request.map_err(store_error)?);
    Ok(())
}

/// The index and key of a [`LeftKey`].
fn left_index_key(k: &LeftKey) -> (&'static str, JsValue) {
    match k {
        LeftKey::Status(kind, s) => (
            IX_KIND_STATUS,
            pair(JsValue::from_str(kind.as_str()), JsValue::from_str(s)),
        ),
        LeftKey::AssigneeDue(a, due) => (
            IX_ASSIGNEE_DUE,
            pair(
                JsValue::from_str(&a.to_string()),
                JsValue::from_f64(*due as f64),
            ),
        ),
        LeftKey::Search(k) => (IX_SEARCH, JsValue::from_str(k)),
    }
}

fn pair(a: JsValue, b: JsValue) -> JsValue {
    js_sys::Array::of2(&a, &b).into()
}

/// Marks a rebuild of `scope` pending from its start ([`rebuild_scope`]: `true` or the kinds'
/// JSON list), in the caller's transaction.
fn start_rebuild(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
    scope: &str,
) -> Result<(), StoreError> {
    sent(
        meta.put(JsValue::from_str(scope))
            .with_key(JsValue::from_str(META_REBUILD))
            .primitive(),
    )?;
    sent(
        meta.delete(JsValue::from_str(META_REBUILD_FROM))
            .primitive(),
    )
}

/// What a pending rebuild folds ([`META_REBUILD`]): `true`, every record (its views cleared
/// first); a list of record kinds, the records of those kinds (issue 19: a
/// [`VIEWS_VERSION`] bump refolds only the kinds it changed; the other views stay). `None`:
/// no rebuild pending.
fn rebuild_scope(v: &Option<serde_json::Value>) -> Option<Option<Vec<String>>> {
    match v {
        Some(serde_json::Value::Bool(true)) => Some(None),
        Some(serde_json::Value::Array(kinds)) => {
            let mut kinds: Vec<String> = kinds
                .iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect();
            kinds.sort();
            Some(Some(kinds))
        }
        _ => None,
    }
}

/// At the end of a refold of some kinds, in its last chunk's transaction: a read-write count
/// over each kind's `kind_status` and `search` keys and over `assignee_due` drops the entries
/// Chromium kept for keys the refolded views left ([`LeftKey`]; a full rebuild clears the
/// store instead).
fn sweep_refolded(
    views: &indexed_db_futures::object_store::ObjectStore<'_>,
    kinds: &[String],
) -> Result<(), StoreError> {
    let count = |index: &str, range: Option<KeyRange<JsValue>>| -> Result<(), StoreError> {
        let index = views.index(index).map_err(store_error)?;
        match range {
            Some(r) => sent(index.count().with_query::<JsValue, _>(r).primitive()),
            None => sent(index.count().primitive()),
        }
    };
    for k in kinds {
        let kind = JsValue::from_str(k);
        let lower: JsValue = js_sys::Array::of1(&kind).into();
        let upper = pair(kind, js_sys::Array::new().into());
        count(
            IX_KIND_STATUS,
            Some(KeyRange::Bound(lower, false, upper, false)),
        )?;
        let (from, to) = (format!("{k}|"), format!("{k}}}"));
        let (from, to) = (JsValue::from_str(&from), JsValue::from_str(&to));
        count(IX_SEARCH, Some(KeyRange::Bound(from, false, to, true)))?;
    }
    if !kinds.is_empty() {
        count(IX_ASSIGNEE_DUE, None)?;
    }
    Ok(())
}

/// The subject keys a rebuild chunk reads from: after the resume point `from`, and with
/// `kinds` within the first kind's range (`kind:` … `kind;`, ';' following ':') that lies
/// after it. `None`: every kind's range is done.
fn refold_window(from: Option<&str>, kinds: Option<&[String]>) -> Option<Window> {
    let Some(kinds) = kinds else {
        return Some(Window {
            start: from.unwrap_or("").to_string(),
            open: from.is_some(),
            end: None,
            more: false,
        });
    };
    let i = kinds
        .iter()
        .position(|k| from.is_none_or(|f| f < format!("{k};").as_str()))?;
    let start = format!("{}:", kinds[i]);
    let resumed = from.filter(|f| *f >= start.as_str());
    Some(Window {
        open: resumed.is_some(),
        start: resumed.map_or(start, str::to_string),
        end: Some(format!("{};", kinds[i])),
        more: i + 1 < kinds.len(),
    })
}

/// A rebuild chunk's subject keys ([`refold_window`]).
struct Window {
    start: String,
    /// Whether `start` itself is excluded (a resume point: its subject is done).
    open: bool,
    /// Excluded; `None`: no end.
    end: Option<String>,
    /// Whether another kind's range follows `end`.
    more: bool,
}

impl Window {
    /// The window's keys, up to and including `last` when given.
    fn range(&self, last: Option<&str>) -> KeyRange<JsValue> {
        let lower = JsValue::from_str(&self.start);
        match (last, &self.end) {
            (Some(u), _) => KeyRange::Bound(lower, self.open, JsValue::from_str(u), false),
            (None, Some(e)) => KeyRange::Bound(lower, self.open, JsValue::from_str(e), true),
            (None, None) => KeyRange::LowerBound(lower, self.open),
        }
    }

    fn holds(&self, s: &str) -> bool {
        let after = if self.open {
            s > self.start.as_str()
        } else {
            s >= self.start.as_str()
        };
        after && self.end.as_deref().is_none_or(|e| s < e)
    }
}

/// Keys strictly after `after` (every string key when `None`).
fn after_range(after: Option<&str>) -> KeyRange<JsValue> {
    KeyRange::LowerBound(JsValue::from_str(after.unwrap_or("")), after.is_some())
}

/// A resumable pass's next `chunk` records of `store` (key order), after the key it saved in
/// meta under `from_key` (from the start when none is saved).
async fn resumed_rows(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
    from_key: &str,
    chunk: u32,
) -> Result<Vec<JsValue>, StoreError> {
    let from: Option<String> = get_meta(meta, from_key)
        .await?
        .and_then(|v| v.as_str().map(str::to_string));
    rows_after(store, from.as_deref(), chunk).await
}

/// Up to `chunk` records of `store` after the key `after` (from the start for `None`).
async fn rows_after(
    store: &indexed_db_futures::object_store::ObjectStore<'_>,
    after: Option<&str>,
    chunk: u32,
) -> Result<Vec<JsValue>, StoreError> {
    store
        .get_all::<JsValue>()
        .with_query::<JsValue, _>(after_range(after))
        .with_limit(chunk)
        .primitive()
        .map_err(store_error)?
        .await
        .map_err(store_error)?
        .collect::<Result<Vec<JsValue>, _>>()
        .map_err(store_error)
}

/// Where a resumable pass stopped, in its chunk's transaction: `last` saved under `from_key`,
/// or (`None`: the pass ended) its `flag` and `from_key` removed.
fn resume_mark(
    meta: &indexed_db_futures::object_store::ObjectStore<'_>,
    flag: &str,
    from_key: &str,
    last: Option<String>,
) -> Result<(), StoreError> {
    match last {
        Some(last) => sent(
            meta.put(JsValue::from_str(
                &serde_json::Value::String(last).to_string(),
            ))
            .with_key(JsValue::from_str(from_key))
            .primitive(),
        ),
        None => {
            sent(meta.delete(JsValue::from_str(flag)).primitive())?;
            sent(meta.delete(JsValue::from_str(from_key)).primitive())
        }
    }
}

/// Commits, turning an abort into the reason the browser gave (a full disk above all).
async fn finish(tx: Transaction<'_>) -> Result<(), StoreError> {
    let raw: web_sys::IdbTransaction = tx.as_sys().clone().unchecked_into();
    match tx.commit().await {
        Ok(()) => Ok(()),
        Err(e) => {
            let reason = raw.error().map(|d| d.name());
            if reason.as_deref() == Some(QUOTA) {
                Err(StoreError::QuotaExceeded)
            } else {
                Err(store_error(e))
            }
        }
    }
}

// ---- errors -------------------------------------------------------------------------------

const QUOTA: &str = "QuotaExceededError";

/// The DOM exception name behind an error, if it is one.
fn dom_name(e: &IdbError) -> Option<String> {
    match e {
        IdbError::DomException(d) => Some(web_sys::DomException::from(d.clone()).name()),
        _ => None,
    }
}

/// How a browser error thrown by IndexedDB is reported (exposed for tests: a full disk cannot
/// be produced on demand in a test browser).
#[doc(hidden)]
pub fn error_from_js(e: JsValue) -> StoreError {
    store_error(IdbError::from(e))
}

fn store_error(e: IdbError) -> StoreError {
    match dom_name(&e).as_deref() {
        Some(QUOTA) => StoreError::QuotaExceeded,
        Some("InvalidStateError") => StoreError::Unavailable(e.to_string()),
        _ => StoreError::Other(e.to_string()),
    }
}

fn open_error(e: OpenDbError) -> StoreError {
    match e {
        OpenDbError::Base(e) => match store_error(e) {
            StoreError::Other(m) => StoreError::Unavailable(m),
            other => other,
        },
        other => StoreError::Unavailable(other.to_string()),
    }
}
