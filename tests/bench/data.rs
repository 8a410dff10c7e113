//! The dataset on disk (issue 7): generated natively once per generator version and seed into
//! `target/bench-data/v<GEN_VERSION>-<seed>/`, then served to the browser under `/data/`.
//!
//! * `events-NNNN.json` — the whole stream in causal order, [`CHUNK`] events per file (JSON
//!   arrays of `Event`), absorbed by the bench build into the app's IndexedDB;
//! * `file-100k.wuye` — a plain full export of the first [`FILE_EVENTS`] events (the import
//!   figures); its events are the first `file_chunks` chunk files;
//! * `peer-events-100k.json`, `peer-views-100k.json`, `peer-views-full.json` — the rows
//!   `IdbStore` writes (`events` {id, subject, json}; `views` {key, kind, status?, unit?,
//!   assignee?, due?, search, json}), computed by absorbing the events into `App<MemoryStore>`,
//!   for the Dexie and raw IndexedDB pages;
//! * `file-day.wuye` — the daily exchange (issue 13): an incremental file, as the app exports
//!   it, for a tablet holding the import file's events (above their newest HLC per device) of
//!   the events of one whole calendar day (UTC+8) after them — the one most like the issue's
//!   ~500 events and ~10 photos — with the photos they name;
//! * `photos/NNNN.jpg`, `manifest.json`.

use estate_desk::app::App;
use estate_desk::bench::gen;
use estate_desk::domain::event::Event;
use estate_desk::domain::ids::{Id, SeededEntropy};
use estate_desk::domain::view::View;
use estate_desk::store::memory::MemoryStore;
use estate_desk::sync::{export, export_full, ExportRequest, Watermarks};
use futures::executor::block_on;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Events per chunk file (one `bench_absorb` call).
pub const CHUNK: usize = 5_000;
/// Events in the import file.
pub const FILE_EVENTS: usize = 100_000;
/// Share of the file already held by the "mostly full" database (the daily exchange).
pub const MOSTLY: f64 = 0.9;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub gen_version: u32,
    pub seed: u64,
    pub size: String,
    pub login: String,
    pub login_name: String,
    pub estate_name: String,
    pub counts: BTreeMap<String, u64>,
    pub probe_building: String,
    pub probe_week: String,
    pub probe_unit_prefix: String,
    pub probe_month: String,
    pub chunks: Vec<String>,
    /// Events per chunk file.
    pub chunk: usize,
    pub events: usize,
    pub file_events: usize,
    pub file_chunks: usize,
    pub mostly_chunks: usize,
    pub views_100k: usize,
    pub views_full: usize,
    pub photo_keys: Vec<String>,
    pub file_bytes: usize,
    pub generate_secs: f64,
    /// Events, photos and bytes of the daily exchange file (`file-day.wuye`, issue 13;
    /// `day_bytes` 0: a dataset generated before it, made again).
    #[serde(default)]
    pub day_events: u64,
    #[serde(default)]
    pub day_photos: u64,
    #[serde(default)]
    pub day_bytes: usize,
    /// How the daily exchange's day was picked ([`DAY_PICK`]; older datasets are made again).
    #[serde(default)]
    pub day_pick: u32,
}

/// 1: the day like the issue's ~500 events and ~10 photos (0: the first whole day).
const DAY_PICK: u32 = 1;

pub struct Dataset {
    pub dir: PathBuf,
    pub m: Manifest,
}

/// The dataset for `seed`, generated unless already on disk.
pub fn prepare(root: &Path, seed: u64, small: bool) -> Dataset {
    let size = if small { "small" } else { "full" };
    let dir = root.join(format!(
        "v{}-{seed}{}",
        gen::GEN_VERSION,
        if small { "-small" } else { "" }
    ));
    let manifest = dir.join("manifest.json");
    if let Ok(text) = std::fs::read_to_string(&manifest) {
        if let Some(m) = serde_json::from_str::<Manifest>(&text)
            .ok()
            .filter(|m| m.day_bytes > 0 && m.day_pick == DAY_PICK)
        {
            println!("dataset: {} (already generated)", dir.display());
            return Dataset { dir, m };
        }
    }
    let tmp = root.join(format!("tmp-{seed}-{size}"));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("photos")).expect("create dataset dir");
    println!(
        "dataset: generating {size} (seed {seed}) into {} …",
        dir.display()
    );
    let m = generate(&tmp, seed, small);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(&tmp, &dir).expect("move dataset into place");
    println!(
        "dataset: {} events, {} views, generated in {:.0} s",
        m.events, m.views_full, m.generate_secs
    );
    Dataset { dir, m }
}

fn write_json(path: &Path, v: &impl Serialize) {
    let f = std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut w = BufWriter::new(f);
    serde_json::to_writer(&mut w, v).expect("write json");
    w.flush().expect("flush");
}

/// The `events` row of `IdbStore` (src/store/idb.rs `event_record`).
pub fn event_row(e: &Event) -> Value {
    json!({
        "id": e.id.to_string(),
        "subject": e.subject.key(),
        "json": serde_json::to_string(e).expect("event json"),
    })
}

/// The `views` row `IdbStore` wrote up to schema 7 (src/store/idb.rs `view_record`, the state
/// inline): absent optional fields are left out, `due` is a number.
pub fn view_row(v: &View) -> Value {
    let mut o = serde_json::Map::new();
    o.insert("key".into(), json!(v.key));
    o.insert("kind".into(), json!(v.kind.as_str()));
    if let Some(s) = &v.status {
        o.insert("status".into(), json!(s));
    }
    if let Some(u) = &v.unit {
        o.insert("unit".into(), json!(u.to_string()));
    }
    if let Some(a) = &v.assignee {
        o.insert("assignee".into(), json!(a.to_string()));
    }
    if let Some(d) = v.due {
        o.insert("due".into(), json!(d as f64));
    }
    o.insert("search".into(), json!(v.search));
    o.insert(
        "json".into(),
        json!(serde_json::to_string(v).expect("view json")),
    );
    Value::Object(o)
}

fn generate(dir: &Path, seed: u64, small: bool) -> Manifest {
    let started = Instant::now();
    let spec = if small {
        gen::Spec::small(seed)
    } else {
        gen::Spec::full(seed)
    };
    let (chunk, file_events) = if small {
        (500, 5_000)
    } else {
        (CHUNK, FILE_EVENTS)
    };
    let mem = block_on(App::open(
        MemoryStore::new(),
        Id::derived("bench-views", seed),
        Box::new(SeededEntropy::new(seed)),
    ))
    .expect("memory app");
    let mut pending: Vec<Event> = Vec::new();
    let mut chunks: Vec<String> = Vec::new();
    let mut total = 0usize;
    let mut file: Vec<Event> = Vec::new();
    // The events after the import file's (the daily exchange's day is picked from them).
    let mut after: Vec<Event> = Vec::new();
    let mut views_100k: Option<Vec<View>> = None;
    let mut flush = |pending: &mut Vec<Event>, all: bool| {
        while pending.len() >= chunk || (all && !pending.is_empty()) {
            let n = chunk.min(pending.len());
            let part: Vec<Event> = pending.drain(..n).collect();
            let name = format!("events-{:04}.json", chunks.len());
            write_json(&dir.join(&name), &part);
            chunks.push(name);
            if total < file_events {
                file.extend(part.iter().take(file_events - total).cloned());
            }
            let skip = file_events.saturating_sub(total);
            if after.len() < AFTER_EVENTS && skip < part.len() {
                let n = AFTER_EVENTS - after.len();
                after.extend(part.iter().skip(skip).take(n).cloned());
            }
            total += part.len();
            block_on(mem.absorb(part, 0)).expect("absorb into the memory store");
            if views_100k.is_none() && total >= file_events {
                views_100k = Some(mem.store.views());
            }
            if chunks.len() % 20 == 0 {
                println!(
                    "  … {total} events ({:.0} s)",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    };
    let summary = gen::generate(&spec, chunk, |events| {
        pending.extend(events);
        flush(&mut pending, false);
    });
    flush(&mut pending, true);
    let views_full = mem.store.views();
    let views_100k = views_100k.unwrap_or_else(|| views_full.clone());

    let req = ExportRequest {
        device: Id::derived("bench-peer-tablet", seed),
        now: chrono::Utc::now().timestamp_millis(),
        seen: Default::default(),
        encryption: None,
    };
    let export = export_full(&file, &req).expect("export the import file");
    std::fs::write(dir.join("file-100k.wuye"), &export.bytes).expect("write file");
    write_json(
        &dir.join("peer-events-100k.json"),
        &file.iter().map(event_row).collect::<Vec<_>>(),
    );
    write_json(
        &dir.join("peer-views-100k.json"),
        &views_100k.iter().map(view_row).collect::<Vec<_>>(),
    );
    write_json(
        &dir.join("peer-views-full.json"),
        &views_full.iter().map(view_row).collect::<Vec<_>>(),
    );
    for i in 0..summary.photos.len() {
        std::fs::write(
            dir.join("photos").join(format!("{i:04}.jpg")),
            gen::photo_jpeg(&spec, i),
        )
        .expect("write photo");
    }
    let day = day_file(&file, &after, &spec, &summary.photos, seed);
    std::fs::write(dir.join("file-day.wuye"), &day.0.bytes).expect("write the day file");
    let file_chunks = file.len().div_ceil(chunk);
    let m = Manifest {
        gen_version: gen::GEN_VERSION,
        seed,
        size: if small { "small" } else { "full" }.into(),
        login: summary.login.to_string(),
        login_name: summary.login_name.clone(),
        estate_name: summary.estate_name.clone(),
        counts: summary.counts.clone(),
        probe_building: summary.probes.building.to_string(),
        probe_week: summary.probes.week.clone(),
        probe_unit_prefix: summary.probes.unit_prefix.clone(),
        probe_month: summary.probes.month.clone(),
        chunks,
        chunk,
        events: total,
        file_events: file.len(),
        file_chunks,
        mostly_chunks: ((file_chunks as f64) * MOSTLY).floor() as usize,
        views_100k: views_100k.len(),
        views_full: views_full.len(),
        photo_keys: summary.photos.clone(),
        file_bytes: export.bytes.len(),
        generate_secs: started.elapsed().as_secs_f64(),
        day_events: day.0.header.counts.events,
        day_photos: day.0.header.counts.blobs,
        day_bytes: day.0.bytes.len(),
        day_pick: DAY_PICK,
    };
    println!(
        "  daily exchange file: {} events of {}, {} photos, {} bytes",
        day.0.header.counts.events, day.1, day.0.header.counts.blobs, m.day_bytes
    );
    write_json(&dir.join("manifest.json"), &m);
    m
}

/// Events after the import file's kept to pick the daily exchange's day from.
const AFTER_EVENTS: usize = 20_000;

/// The daily exchange file (issue 13): the events of one whole calendar day (UTC+8) among
/// `after` (picked to be like the issue's ~500 events and ~10 photos), exported as the app exports an incremental file for a tablet that holds
/// `file` (its watermarks: `file`'s newest HLC per device), with the photos they name. The
/// estate, staff and duty-chain events of `file` go to the export for the header, as
/// `sync::export_to` reads them; they are below the watermarks, so not in the file.
fn day_file(
    file: &[Event],
    after: &[Event],
    spec: &gen::Spec,
    photo_keys: &[String],
    seed: u64,
) -> (estate_desk::sync::ExportFile, String) {
    const DAY: i64 = 86_400_000;
    let day_of = |e: &Event| (e.at.wall + 8 * 3_600_000).div_euclid(DAY);
    // The daily exchange is ~500 events and ~10 photos: of the whole days in `after`
    // (its first and last may be cut), the one with up to 10 photos closest to that.
    let (lo, hi) = (
        after.first().map(day_of).unwrap_or_default() + 1,
        after.last().map(day_of).unwrap_or_default() - 1,
    );
    let mut per_day: std::collections::BTreeMap<i64, (usize, usize)> = Default::default();
    for e in after {
        let d = day_of(e);
        if (lo..=hi).contains(&d) {
            let c = per_day.entry(d).or_default();
            c.0 += 1;
            c.1 += estate_desk::store::photo_keys(e).len();
        }
    }
    let first = per_day
        .iter()
        .max_by_key(|(d, (n, p))| ((*p).min(10), std::cmp::Reverse(n.abs_diff(500)), -**d))
        .map(|(d, _)| *d)
        .unwrap_or(lo);
    let mut since = Watermarks::new();
    for e in file {
        let w = since.entry(e.device()).or_insert(e.at);
        if e.at > *w {
            *w = e.at;
        }
    }
    let mut events: Vec<Event> = file
        .iter()
        .filter(|e| {
            use estate_desk::domain::event::RecordKind as K;
            matches!(e.subject.kind, K::Estate | K::Staff | K::DutyChain)
        })
        .cloned()
        .collect();
    events.extend(after.iter().filter(|e| day_of(e) == first).cloned());
    let req = ExportRequest {
        device: Id::derived("bench-peer-tablet", seed),
        now: chrono::Utc::now().timestamp_millis(),
        seen: Default::default(),
        encryption: None,
    };
    let covers = estate_desk::sync::format::Covers::Since { since };
    let sel = export::select(&events, covers, &req).expect("select the day's events");
    // The photos the day's events name, each once, as the export writes them.
    let mut keys: Vec<String> = Vec::new();
    for e in &sel.events {
        for k in estate_desk::store::photo_keys(e) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let blobs: Vec<estate_desk::sync::format::Blob> = keys
        .iter()
        .filter_map(|k| {
            let i = photo_keys.iter().position(|p| p == k)?;
            Some(legacy_blob(k, &gen::photo_jpeg(spec, i)))
        })
        .collect();
    let date = chrono::DateTime::from_timestamp_millis(first * DAY)
        .map(|d| d.date_naive().to_string())
        .unwrap_or_default();
    (export::write(sel, blobs, &req), date)
}

/// Issue 13's restore on its own (`BENCH_PARTS=restore`): a full backup of the whole dataset
/// with every photo its events name, written by the one-shot writer (the app's streamed
/// export writes the same bytes for the same events, FILE-FORMAT "Streaming"), so the restore
/// is measured without first loading the dataset into the app and exporting it. Made once,
/// next to the dataset; returns its file name there.
pub fn full_backup(dir: &Path, m: &Manifest, seed: u64, small: bool) -> String {
    const NAME: &str = "file-full.wuye";
    let path = dir.join(NAME);
    if path.exists() {
        return NAME.into();
    }
    let started = Instant::now();
    let spec = if small {
        gen::Spec::small(seed)
    } else {
        gen::Spec::full(seed)
    };
    let mut events: Vec<Event> = Vec::with_capacity(m.events);
    for name in &m.chunks {
        let text = std::fs::read_to_string(dir.join(name)).expect("read a dataset chunk");
        let part: Vec<Event> = serde_json::from_str(&text).expect("a dataset chunk parses");
        events.extend(part);
    }
    let req = ExportRequest {
        device: Id::derived("bench-restore-source", seed),
        now: chrono::Utc::now().timestamp_millis(),
        seen: Default::default(),
        encryption: None,
    };
    let sel = export::select(&events, estate_desk::sync::format::Covers::Full, &req)
        .expect("select every event");
    drop(events);
    let mut keys: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for e in &sel.events {
        for k in estate_desk::store::photo_keys(e) {
            if seen.insert(k.clone()) {
                keys.push(k);
            }
        }
    }
    let blobs: Vec<estate_desk::sync::format::Blob> = keys
        .iter()
        .filter_map(|k| {
            let i = m.photo_keys.iter().position(|p| p == k)?;
            Some(legacy_blob(k, &gen::photo_jpeg(&spec, i)))
        })
        .collect();
    let file = export::write(sel, blobs, &req);
    let tmp = dir.join("file-full.tmp");
    std::fs::write(&tmp, &file.bytes).expect("write the full backup");
    std::fs::rename(&tmp, &path).expect("move the full backup into place");
    println!(
        "dataset: full backup {} events, {} photos, {} bytes, made in {:.0} s",
        file.header.counts.events,
        file.header.counts.blobs,
        file.bytes.len(),
        started.elapsed().as_secs_f64()
    );
    NAME.into()
}

/// A photo as the app exports it: the dataset's events name their photos by `photo-<uuid>`
/// keys (as photos taken before issue 13 are named), so the blob carries that key, which the
/// importer keeps as an alias (FILE-FORMAT "Photo keys").
fn legacy_blob(key: &str, bytes: &[u8]) -> estate_desk::sync::format::Blob {
    let mut blob = estate_desk::sync::format::Blob::new("image/jpeg", bytes);
    if !key.starts_with("sha256-") {
        blob.keys = vec![key.to_string()];
    }
    blob
}
