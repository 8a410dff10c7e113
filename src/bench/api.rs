//! The benchmark's JS API (issue 7; bench build only: `--features bench`, wasm32).
//!
//! `tests/bench/` drives the bench build through these exports (`window.wasmBindings.bench_*`).
//! Each one runs the app's own code path — `App::<IdbStore>::absorb`, `IdbStore::put_photo`,
//! `sync::{plan_import_sliced, apply_import_sliced, export_streamed}`, `Store::query`, the patrol
//! check-in command through `App::record` — and returns JSON text with the time it took,
//! measured inside the page with `performance.now()` (no driver round trip in the figure).
//! Nothing here holds a business rule: where the UI decides something (which export, which
//! import settings) these calls do what the Sync and Patrol pages do.

use crate::app::App;
use crate::domain::event::{Event, RecordKind};
use crate::domain::ids::{Entropy, RecordId, StaffId};
use crate::domain::patrol::schedule::{monday_of, plan_week};
use crate::domain::patrol::{
    check_in, day_key, Answer, AnswerType, AnswerValue, CheckInInput, PatrolRound, PatrolRoute,
};
use crate::store::idb::IdbStore;
use crate::store::{Filter, Query, Store};
use crate::sync::{
    apply_import_sliced, plan_import_sliced, ImportSettings, IMPORT_GROUP_EVENTS, SLICE,
};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

use crate::ui::platform::BrowserEntropy;

type BenchApp = App<IdbStore>;

thread_local! {
    /// Open databases by name (opening is not what the figures measure).
    static APPS: RefCell<HashMap<String, Rc<BenchApp>>> = RefCell::new(HashMap::new());
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// `performance.now()` in ms.
fn clock() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

fn err(e: impl std::fmt::Debug) -> JsValue {
    JsValue::from_str(&format!("{e:?}"))
}

/// Opens `db` as the app does at start (`ui::open_app`): the store, this tablet's device id
/// from meta (made once), the service with its clock.
async fn open(db: &str) -> Result<Rc<BenchApp>, JsValue> {
    if let Some(a) = APPS.with(|m| m.borrow().get(db).cloned()) {
        return Ok(a);
    }
    let store = IdbStore::open(db).await.map_err(err)?;
    let device = crate::app::device_id(&store, BrowserEntropy.id())
        .await
        .map_err(err)?;
    let app = Rc::new(
        App::open(store, device, Box::new(BrowserEntropy))
            .await
            .map_err(err)?,
    );
    APPS.with(|m| m.borrow_mut().insert(db.to_string(), app.clone()));
    Ok(app)
}

/// Bytes of the wasm linear memory.
fn wasm_memory() -> f64 {
    let mem: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buf: js_sys::ArrayBuffer = mem.buffer().unchecked_into();
    buf.byte_length() as f64
}

fn out(v: Value) -> String {
    v.to_string()
}

/// Absorbs one chunk of events (a JSON array of `Event`) into `db` through `App::absorb`,
/// as the demo estate and imports do.
#[wasm_bindgen]
pub async fn bench_absorb(db: String, events_json: String) -> Result<String, JsValue> {
    let app = open(&db).await?;
    let t0 = clock();
    let events: Vec<Event> = serde_json::from_str(&events_json).map_err(err)?;
    let t1 = clock();
    let added = app.absorb(events, now_ms()).await.map_err(err)?;
    let t2 = clock();
    Ok(out(json!({
        "parse_ms": t1 - t0,
        "absorb_ms": t2 - t1,
        "added": added,
        "wasm_memory": wasm_memory(),
    })))
}

/// Keeps one photo (JPEG bytes) under `key`, as the patrol camera does.
#[wasm_bindgen]
pub async fn bench_put_photo(db: String, key: String, jpeg: Vec<u8>) -> Result<f64, JsValue> {
    let app = open(&db).await?;
    let t0 = clock();
    let blob = jpeg_blob(&jpeg)?;
    app.store.put_photo(&key, &blob).await.map_err(err)?;
    Ok(clock() - t0)
}

fn jpeg_blob(jpeg: &[u8]) -> Result<web_sys::Blob, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(jpeg).into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("image/jpeg");
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)
}

/// The sync calls check the acting person's role (issue 12): the bench acts as a Director.
fn bench_actor() -> crate::domain::command::Actor {
    crate::domain::command::Actor {
        id: crate::domain::ids::Id::derived("bench-director", 0),
        roles: [crate::domain::roles::Role::Director].into(),
    }
}

/// The bound of the next imports' view caches in MB (issue 13, `BENCH_VIEW_CACHE_MB`); negative:
/// the build's own.
#[wasm_bindgen]
pub fn bench_view_cache_bound(mb: f64) {
    crate::app::bench_set_view_cache_bound((mb >= 0.0).then_some((mb * 1_048_576.0) as usize));
}

/// Imports a `.wuye` file (a JS `Blob`: fetched from /data/, or the file `bench_export` left in
/// `globalThis.benchLastExport`) into `db` as the Sync page does (issue 13): read in slices of
/// `sync::SLICE` bytes, `plan_import_sliced` (check, preview) then `apply_import_sliced` on
/// confirmation, in groups of `IMPORT_GROUP_EVENTS`. Returns the times, the events, and the
/// wasm memory before and after (wasm memory never shrinks: after = the import's peak).
#[wasm_bindgen]
pub async fn bench_import(db: String, file: web_sys::Blob) -> Result<String, JsValue> {
    let app = open(&db).await?;
    let settings = match app.estate().await.map_err(err)? {
        Some(e) => ImportSettings {
            max_future_skew_ms: e.settings.import_max_skew_hours as i64 * 3_600_000,
            ..ImportSettings::default()
        },
        None => ImportSettings::default(),
    };
    let memory_before = wasm_memory();
    let bytes = file.size();
    crate::bench::spans::take();
    let t0 = clock();
    let mut src = crate::ui::sync::import::BlobSource::new(file);
    let sp = plan_import_sliced(
        &app,
        Some(&bench_actor()),
        &mut src,
        None,
        now_ms(),
        &settings,
        SLICE,
        &mut |_, _| {},
    )
    .await
    .map_err(|e| JsValue::from_str(&e.message().en))?;
    let t1 = clock();
    let outcome = apply_import_sliced(
        &app,
        Some(&bench_actor()),
        &sp,
        &mut src,
        now_ms(),
        IMPORT_GROUP_EVENTS,
        SLICE,
        &mut |_, _| {},
        None,
    )
    .await
    .map_err(|e| JsValue::from_str(&e.message().en))?;
    let t2 = clock();
    Ok(out(json!({
        "plan_ms": t1 - t0,
        "apply_ms": t2 - t1,
        "total_ms": t2 - t0,
        "bytes": bytes,
        "new": sp.plan.new_count,
        "present": sp.plan.already_present,
        "photos": sp.plan.photo_count,
        "added": outcome.added,
        "wasm_memory_before": memory_before,
        "wasm_memory": wasm_memory(),
        // Where the apply's time went (issue 13): name → {ms, calls}.
        "spans": spans_json(),
    })))
}

/// The spans measured since the last take (`bench::spans`), as name → {ms, calls}.
fn spans_json() -> serde_json::Map<String, serde_json::Value> {
    crate::bench::spans::take()
        .into_iter()
        .map(|(k, (ms, calls))| (k.to_string(), json!({ "ms": ms, "calls": calls })))
        .collect()
}

/// A full export exactly as the Sync page makes it (issue 13): `sync::export_streamed`, which
/// reads the events page by page (`Store::events_page` over the `device_hlc` index) and each
/// photo when it is written, hands the file out piece by piece, and the pieces become the parts
/// of one JS `Blob` (never a wasm `Vec` of the file). Returns the time, the file's bytes,
/// events and photos, and the peak wasm memory seen during the export (sampled after every
/// piece). The `Blob` is kept in `globalThis.benchLastExport` (the restore figure imports it
/// into a blank database).
#[wasm_bindgen]
pub async fn bench_export(db: String) -> Result<String, JsValue> {
    let app = open(&db).await?;
    let _ = js_sys::Reflect::delete_property(&js_sys::global(), &"benchLastExport".into());
    let memory_before = wasm_memory();
    let mut peak = memory_before;
    let parts = js_sys::Array::new();
    let mut bytes = 0u64;
    let t0 = clock();
    let (header, file_name) = crate::sync::export_streamed(
        &app,
        &bench_actor(),
        None,
        now_ms(),
        None,
        async |part: Vec<u8>, _: u64, written: u64| {
            parts.push(&js_sys::Uint8Array::from(&part[..]));
            bytes = written;
            peak = peak.max(wasm_memory());
            true
        },
    )
    .await
    .map_err(|e| JsValue::from_str(&e.message().en))?
    .ok_or_else(|| JsValue::from_str("export cancelled"))?;
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)?;
    drop(parts);
    let t1 = clock();
    js_sys::Reflect::set(&js_sys::global(), &"benchLastExport".into(), &blob)?;
    Ok(out(json!({
        "total_ms": t1 - t0,
        "bytes": bytes,
        "blob_bytes": blob.size(),
        "events": header.counts.events,
        "photos": header.counts.blobs,
        "file_name": file_name,
        "wasm_memory_before": memory_before,
        "wasm_memory_peak": peak,
        "wasm_memory": wasm_memory(),
    })))
}

/// The Sync page's device table (issue 13): per-device counts and newest HLCs from the
/// `device_hlc` index, and the incremental preview per known peer — what opening the page
/// reads, without drawing it.
#[wasm_bindgen]
pub async fn bench_sync_page(db: String) -> Result<String, JsValue> {
    let app = open(&db).await?;
    let t0 = clock();
    let rows = crate::sync::device_summaries(&app).await.map_err(err)?;
    let t1 = clock();
    Ok(out(json!({
        "total_ms": t1 - t0,
        "devices": rows.len(),
        "events": rows.iter().map(|r| r.events).sum::<u64>(),
        "wasm_memory": wasm_memory(),
    })))
}

/// One store query: `kind` (as `RecordKind::as_str`) and a search prefix (`Filter::Prefix`),
/// or `*` for `Filter::All`; `limit` 0 means none. Returns the time and the row count.
#[wasm_bindgen]
pub async fn bench_query(
    db: String,
    kind: String,
    prefix: String,
    limit: u32,
) -> Result<String, JsValue> {
    let app = open(&db).await?;
    let kind: RecordKind = serde_json::from_value(Value::String(kind)).map_err(err)?;
    let filter = if prefix == "*" {
        Filter::All
    } else {
        Filter::Prefix(prefix)
    };
    let mut q = Query::new(kind, filter);
    if limit > 0 {
        q = q.limit(limit);
    }
    let t0 = clock();
    let rows = app.query(&q).await.map_err(err)?;
    let t1 = clock();
    Ok(out(json!({ "ms": t1 - t0, "rows": rows.len() })))
}

/// The same query as [`bench_query`] read as list rows (`Store::rows`, issue 19): each row's
/// small JSON, never the folded state. Returns the time and the row count.
#[wasm_bindgen]
pub async fn bench_rows(
    db: String,
    kind: String,
    prefix: String,
    limit: u32,
) -> Result<String, JsValue> {
    let app = open(&db).await?;
    let kind: RecordKind = serde_json::from_value(Value::String(kind)).map_err(err)?;
    let filter = if prefix == "*" {
        Filter::All
    } else {
        Filter::Prefix(prefix)
    };
    let mut q = Query::new(kind, filter);
    if limit > 0 {
        q = q.limit(limit);
    }
    let t0 = clock();
    let rows = app.store.rows(&q).await.map_err(err)?;
    let t1 = clock();
    Ok(out(json!({ "ms": t1 - t0, "rows": rows.len() })))
}

/// Plans the patrol week of `monday` ("yyyy-mm-dd") as `staff` would open 今日巡查 (PAT-2),
/// so that [`bench_checkin`] has rounds to walk. Returns the number of rounds planned.
#[wasm_bindgen]
pub async fn bench_checkin_prepare(
    db: String,
    staff: String,
    monday: String,
) -> Result<u32, JsValue> {
    let app = open(&db).await?;
    let actor = app.actor(parse_id(&staff)?).await.map_err(err)?;
    let monday = monday_of(monday.parse().map_err(err)?);
    let cal = app
        .estate()
        .await
        .map_err(err)?
        .map(|e| e.settings.calendar)
        .unwrap_or_default();
    let routes: Vec<(RecordId, PatrolRoute)> = app
        .query(&Query::new(
            RecordKind::PatrolRoute,
            Filter::Status("active".into()),
        ))
        .await
        .map_err(err)?
        .into_iter()
        .filter_map(|v| v.state::<PatrolRoute>().map(|r| (v.id, r)))
        .collect();
    let drafts = plan_week(&actor, &routes, monday, &cal, &BTreeSet::new()).map_err(err)?;
    let n = drafts.len() as u32;
    app.record(now_ms(), Some(actor.id), drafts)
        .await
        .map_err(err)?;
    Ok(n)
}

fn parse_id(s: &str) -> Result<StaffId, JsValue> {
    serde_json::from_value(Value::String(s.to_string())).map_err(err)
}

/// One check-in with one photo, as the walk page does (issue 13): the photo is staged
/// (`App::stage_photo`, hashed), then the stop is checked in and the fault found there recorded
/// with the photo (`patrol::check_in` + `patrol::raise_finding` through one `App::record`): the
/// photo, the check-in and the finding are ONE durable (strict) transaction. Picks the next open stop of a round of the week of `monday` (not timed:
/// the walk page has the round on screen).
#[wasm_bindgen]
pub async fn bench_checkin(
    db: String,
    staff: String,
    monday: String,
    jpeg: Vec<u8>,
) -> Result<String, JsValue> {
    let app = open(&db).await?;
    let actor = app.actor(parse_id(&staff)?).await.map_err(err)?;
    let monday = monday_of(monday.parse().map_err(err)?);
    let mut found = None;
    'days: for d in 0..7 {
        let q = Query::new(
            RecordKind::PatrolRound,
            Filter::Prefix(day_key(monday + chrono::Days::new(d))),
        );
        for v in app.query(&q).await.map_err(err)? {
            if let Some(r) = v.state::<PatrolRound>() {
                if r.finished.is_none() && r.plan.is_some() {
                    if let Some(stop) = (0..r.stops().len()).find(|i| r.checked(*i).is_none()) {
                        found = Some((v.id, r, stop));
                        break 'days;
                    }
                }
            }
        }
    }
    let Some((id, round, stop)) = found else {
        return Err(JsValue::from_str("no open patrol stop in that week"));
    };
    crate::bench::spans::take();
    let t0 = clock();
    let key = app.stage_photo(crate::store::PhotoRow::new("image/jpeg", jpeg));
    let t1 = clock();
    let input = CheckInInput {
        scan: app.new_id().to_string(),
        stop,
        at: now_ms(),
        manual: false,
        answers: round.stops()[stop]
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| Answer {
                item: i as u8,
                value: match it.answer {
                    AnswerType::OkNotOk => AnswerValue::Ok,
                    AnswerType::Value { .. } => AnswerValue::Value("1".into()),
                    AnswerType::Note => AnswerValue::Note(String::new()),
                },
            })
            .collect(),
        skipped_floors: vec![],
    };
    let mut drafts = check_in(&actor, id, &round, input).map_err(err)?;
    let finding = crate::domain::patrol::FindingInfo {
        kind: crate::domain::patrol::FindingKind::BrokenFacility,
        round: Some(id),
        stop: Some(stop as u16),
        location: "bench".into(),
        note: String::new(),
        facility: None,
        unit: None,
        household: None,
        photos: vec![crate::domain::photo::Photo {
            blob: key,
            evidence: true,
            taken: now_ms(),
        }],
        persuaded: false,
        for_posting: false,
    };
    let ids = crate::domain::patrol::FindingIds {
        finding: app.new_id(),
        routed: app.new_id(),
    };
    drafts.extend(
        crate::domain::patrol::raise_finding(
            &actor,
            ids,
            &finding,
            &Default::default(),
            now_ms(),
            &Default::default(),
        )
        .map_err(err)?,
    );
    app.record(now_ms(), Some(actor.id), drafts)
        .await
        .map_err(err)?;
    let t2 = clock();
    Ok(out(json!({
        "photo_ms": t1 - t0,
        "record_ms": t2 - t1,
        "total_ms": t2 - t0,
        // Where the record's time went (issue 19): name → {ms, calls}.
        "spans": spans_json(),
    })))
}

/// Issue 13's layout probe: which stored shapes this page writes from now on
/// (`store::idb::bench_layout`; 0 = this build's packed rows).
#[wasm_bindgen]
pub fn bench_set_layout(bits: u32) {
    crate::store::idb::bench_layout::set(bits);
}

/// Events stored in `db`.
#[wasm_bindgen]
pub async fn bench_event_count(db: String) -> Result<f64, JsValue> {
    let app = open(&db).await?;
    Ok(app.store.event_count().await.map_err(err)? as f64)
}

/// Bytes of the wasm linear memory now.
#[wasm_bindgen]
pub fn bench_wasm_memory() -> f64 {
    wasm_memory()
}

/// Closes this page's connection to `db` (before another page opens it).
#[wasm_bindgen]
pub fn bench_close(db: String) {
    if let Some(app) = APPS.with(|m| m.borrow_mut().remove(&db)) {
        if let Ok(app) = Rc::try_unwrap(app) {
            app.store.close();
        }
    }
}

/// Deletes `db` (an open connection of this page closes itself when asked).
#[wasm_bindgen]
pub async fn bench_delete(db: String) -> Result<(), JsValue> {
    bench_close(db.clone());
    IdbStore::delete(&db).await.map_err(err)
}

/// Issue 13's storage question, measured in the real page: the events of `events_json` (a
/// JSON array) written through `IdbStore::commit_new` in batches of 1,000, each time into a
/// fresh database deleted after — at schema v5 (one row per event in `events`, what builds
/// before v6 wrote), at this build's schema with each event's JSON a string (what schema 6
/// first wrote), and packed (`store::packed`, this build). The session 16 probe found the
/// page's cost is per row (the `add`); session 18's, that the bytes LevelDB writes count too.
#[wasm_bindgen]
pub async fn bench_write_layouts(db: String, events_json: String) -> Result<String, JsValue> {
    use crate::store::idb::bench_layout;
    use crate::store::Batch;
    let events: Vec<Event> = serde_json::from_str(&events_json).map_err(err)?;
    let mut ms = Vec::new();
    let before = bench_layout::get();
    for (version, layout) in [
        (5, 0),
        (crate::store::idb::DB_VERSION, bench_layout::SEG_STRINGS),
        (crate::store::idb::DB_VERSION, 0),
        (crate::store::idb::DB_VERSION, bench_layout::SEG_NO_IDS),
        (crate::store::idb::DB_VERSION, bench_layout::SEG_NO_INDEXES),
    ] {
        bench_layout::set(layout);
        let _ = IdbStore::delete(&db).await;
        let store = IdbStore::open_version(&db, version).await.map_err(err)?;
        let t0 = clock();
        for batch in events.chunks(1_000) {
            let batch = Batch {
                events: batch.to_vec(),
                ..Batch::default()
            };
            store.commit_new(batch).await.map_err(err)?;
        }
        ms.push(clock() - t0);
        store.close();
        let _ = IdbStore::delete(&db).await;
    }
    bench_layout::set(before);
    Ok(out(json!({
        "events": events.len(),
        "rows_ms": ms[0],
        "segments_ms": ms[1],
        "packed_ms": ms[2],
        "no_ids_ms": ms[3],
        "no_indexes_ms": ms[4],
    })))
}
