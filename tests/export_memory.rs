//! Issue 13 in a real browser: a 50,000-event estate (the benchmark's generator) with its
//! photos in IndexedDB is exported by the Sync page's streamed export into `Blob` parts and
//! re-imported into a second database — and the export's memory does not grow with the
//! events: it holds one page of events per device, one segment and one photo at a time.
//!
//! Memory is measured two ways: the wasm linear memory (`WebAssembly.Memory.buffer
//! .byteLength`, what the benchmark's "wasm memory" reports; it only ever grows) and the live
//! heap, counted by this test binary's allocator (its peak above the start of the export).
//!
//! Run: `WASM_BINDGEN_TEST_TIMEOUT=300 cargo test --target wasm32-unknown-unknown --test export_memory`
#![cfg(target_arch = "wasm32")]

use estate_desk::app::App;
use estate_desk::bench::gen::{generate, photo_jpeg, Spec};
use estate_desk::domain::command::Actor;
use estate_desk::domain::event::Event;
use estate_desk::domain::ids::{Id, SeededEntropy};
use estate_desk::domain::roles::Role;
use estate_desk::store::idb::IdbStore;
use estate_desk::store::{Batch, Store};
use estate_desk::sync::service::{
    apply_import_in_groups, export_streamed, file_id, plan_import, IMPORT_GROUP_EVENTS,
};
use estate_desk::sync::ImportSettings;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The live heap: bytes allocated and not yet freed, and the most seen since the last reset.
struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            grew(l.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        grew(-(l.size() as isize));
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            grew(new as isize - l.size() as isize);
        }
        q
    }
}

fn grew(by: isize) {
    let live = LIVE.with(|c| {
        let v = (c.get() as isize + by).max(0) as usize;
        c.set(v);
        v
    });
    PEAK.with(|p| p.set(p.get().max(live)));
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> usize {
    LIVE.with(Cell::get)
}
fn reset_peak() {
    PEAK.with(|p| p.set(live()));
}
fn peak() -> usize {
    PEAK.with(Cell::get)
}

/// Bytes of the wasm linear memory.
fn wasm_memory() -> usize {
    let mem: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buf: js_sys::ArrayBuffer = mem.buffer().unchecked_into();
    buf.byte_length() as usize
}

const MB: usize = 1 << 20;
const EVENTS: usize = 50_000;

fn log(s: &str) {
    web_sys::console::log_1(&s.into());
}

fn director(id: Id) -> Actor {
    Actor {
        id,
        roles: [Role::Director].into(),
    }
}

/// Issue 13: a full export of 50,000 events with photos, streamed into `Blob` parts, grows
/// the live heap by less than 48 MB and the wasm memory by less than 64 MB, and the file
/// re-imports into a blank database with every event and photo.
///
/// Why these bounds: the export holds one page of 2,000 decoded events for each of the five
/// tablets that wrote the data (10,000 events, about 1 KB each with their canonical bytes, so
/// about 10–20 MB), the segment being written (64 KiB), one photo, the photo keys, and the
/// estate/staff/duty-chain events the header is made from. The export before issue 13 held
/// every event decoded (the file's ~40 MB of JSON, more than twice that once decoded) and every
/// photo at once, so it fails both bounds; the bounds do not grow with the estate, the old
/// export's memory did. The import side (plan, then groups of 2,000) is measured and printed,
/// not bounded here: it still reads the whole file (another change of issue 13).
#[wasm_bindgen_test]
async fn issue_13_a_50000_event_export_and_reimport_stay_within_bounded_memory() {
    let t0 = js_sys::Date::now();
    let spec = Spec {
        households: 560,
        ..Spec::small(3)
    };
    // Generate into JS strings (never a wasm Vec of every event), then store chunk by chunk.
    let chunks = js_sys::Array::new();
    let mut kept = 0usize;
    let mut photo_keys: Vec<String> = Vec::new();
    let summary = generate(&spec, 5_000, |events: Vec<Event>| {
        let take = events.len().min(EVENTS - kept);
        let chunk = js_sys::Array::new();
        for e in &events[..take] {
            for k in estate_desk::store::photo_keys(e) {
                if !photo_keys.contains(&k) {
                    photo_keys.push(k);
                }
            }
            chunk.push(&e.to_json().into());
        }
        kept += take;
        if take > 0 {
            chunks.push(&chunk);
        }
    });
    assert_eq!(kept, EVENTS, "the generator makes at least 50,000 events");
    let name_a = format!("export-memory-a-{}", js_sys::Math::random().to_bits());
    let name_b = format!("export-memory-b-{}", js_sys::Math::random().to_bits());
    let store = IdbStore::open(&name_a).await.unwrap();
    for chunk in chunks.iter() {
        let chunk: js_sys::Array = chunk.unchecked_into();
        let events: Vec<Event> = chunk
            .iter()
            .map(|s| serde_json::from_str(&s.as_string().unwrap()).unwrap())
            .collect();
        store
            .commit(Batch {
                events,
                ..Default::default()
            })
            .await
            .unwrap();
    }
    drop(chunks);
    let index: std::collections::HashMap<&str, usize> = summary
        .photos
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    for k in &photo_keys {
        let jpeg = photo_jpeg(&spec, index[k.as_str()]);
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&jpeg[..]));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
        store.put_photo(k, &blob).await.unwrap();
    }
    assert_eq!(store.event_count().await.unwrap(), EVENTS as u64);
    let t1 = js_sys::Date::now();
    log(&format!(
        "issue 13: {EVENTS} events and {} photos stored in {:.1} s",
        photo_keys.len(),
        (t1 - t0) / 1000.0
    ));

    // The export, as the Sync page makes it: parts into a Blob.
    let a = App::open(
        store,
        Id::derived("tablet", 1),
        Box::new(SeededEntropy::new(1)),
    )
    .await
    .unwrap();
    let now = js_sys::Date::now() as i64;
    let actor = director(summary.login);
    let parts = js_sys::Array::new();
    let memory_before = wasm_memory();
    reset_peak();
    let live_before = live();
    let mut memory_peak = memory_before;
    let (header, _) = export_streamed(
        &a,
        &actor,
        None,
        now,
        None,
        async |part: Vec<u8>, _: u64, _: u64| {
            parts.push(&js_sys::Uint8Array::from(&part[..]));
            memory_peak = memory_peak.max(wasm_memory());
            true
        },
    )
    .await
    .unwrap()
    .unwrap();
    let heap_growth = peak() - live_before;
    let memory_growth = memory_peak - memory_before;
    let file = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    drop(parts);
    let t2 = js_sys::Date::now();
    log(&format!(
        "issue 13: export {:.1} s, {:.1} MB, {} events, {} photos; live heap peak +{:.1} MB, \
         wasm memory {:.1} → {:.1} MB (+{:.1} MB)",
        (t2 - t1) / 1000.0,
        file.size() / MB as f64,
        header.counts.events,
        header.counts.blobs,
        heap_growth as f64 / MB as f64,
        memory_before as f64 / MB as f64,
        memory_peak as f64 / MB as f64,
        memory_growth as f64 / MB as f64,
    ));
    assert_eq!(
        header.counts.events + header.counts.pins_withheld,
        EVENTS as u64,
        "every event (PIN events withheld from a plain file)"
    );
    assert_eq!(header.counts.blobs, photo_keys.len() as u64);
    assert!(
        heap_growth < 48 * MB,
        "live heap grew {heap_growth} B during the export"
    );
    assert!(
        memory_growth < 64 * MB,
        "wasm memory grew {memory_growth} B during the export"
    );
    let App { store, .. } = a;
    store.close();
    IdbStore::delete(&name_a).await.unwrap();

    // Re-import into a blank tablet (joining: nobody signed in).
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .unwrap();
    let bytes = js_sys::Uint8Array::new(&buf).to_vec();
    drop(buf);
    let memory_before = wasm_memory();
    reset_peak();
    let live_before = live();
    let b = App::open(
        IdbStore::open(&name_b).await.unwrap(),
        Id::derived("tablet", 2),
        Box::new(SeededEntropy::new(2)),
    )
    .await
    .unwrap();
    let plan = plan_import(&b, None, &bytes, None, now, &ImportSettings::default())
        .await
        .unwrap();
    let id = file_id(&bytes);
    drop(bytes);
    let outcome = apply_import_in_groups(
        &b,
        None,
        &plan,
        &id,
        now,
        IMPORT_GROUP_EVENTS,
        &mut |_, _| {},
        None,
    )
    .await
    .unwrap();
    drop(plan);
    let t3 = js_sys::Date::now();
    log(&format!(
        "issue 13: import {:.1} s, {} events added; live heap peak +{:.1} MB, wasm memory \
         {:.1} → {:.1} MB",
        (t3 - t2) / 1000.0,
        outcome.added,
        (peak() - live_before) as f64 / MB as f64,
        memory_before as f64 / MB as f64,
        wasm_memory() as f64 / MB as f64,
    ));
    // `--features bench`: where the import's time went (issue 13).
    #[cfg(feature = "bench")]
    log(&format!(
        "issue 13: import by part {:?}",
        estate_desk::bench::spans::take()
    ));
    assert_eq!(outcome.added as u64, header.counts.events);
    // The import (not this change) still holds the file and its plan; the whole page's wasm
    // memory stays under 192 MB after export and import (measured: about 120 MB).
    assert!(
        wasm_memory() < 192 * MB,
        "wasm memory {} B after export and import",
        wasm_memory()
    );
    assert_eq!(b.store.event_count().await.unwrap(), header.counts.events);
    for k in &photo_keys {
        assert!(b.store.has_photo(k).await.unwrap(), "photo {k} imported");
    }
    let App { store, .. } = b;
    store.close();
    IdbStore::delete(&name_b).await.unwrap();
}
