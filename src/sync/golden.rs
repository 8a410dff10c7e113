//! Golden fixtures (issue 12): files and an IndexedDB dump written by an earlier build, kept in
//! `tests/fixtures/` forever. Every later build must import them: every event verifies, every
//! view folds. `write_v1_fixtures` was run once, by the build that wrote them (git history); it is
//! ignored so that no later build ever rewrites them.

use crate::app::App;
use crate::domain::ids::SeededEntropy;
use crate::store::memory::MemoryStore;
use crate::sync::export::{export_full, Encryption, ExportRequest};
use futures::executor::block_on;
use std::path::PathBuf;

/// The demo estate's founding time (2026-11-22 08:00 +08:00) for the fixture's stamps.
const FIXTURE_NOW: i64 = 1_795_305_600_000;
/// Passphrase of the encrypted fixture.
pub const FIXTURE_PASSPHRASE: &str = "golden-fixture-v1";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
#[ignore = "writes the v1 golden fixtures; run once by the build that made them"]
fn write_v1_fixtures() {
    let store = MemoryStore::new();
    let device = crate::testkit::device(77);
    let app = block_on(App::open(store, device, Box::new(SeededEntropy::new(77)))).unwrap();
    let pin = crate::testkit::pin(crate::domain::demo::DEMO_PIN);
    let demo = crate::domain::demo::demo_estate(20_261_122, pin);
    block_on(app.record(FIXTURE_NOW, Some(demo.director), demo.drafts)).unwrap();
    let mut events = app.store.all_events();
    crate::domain::event::sort_events(&mut events);
    let seen = crate::sync::SyncState::default().knowledge(device, &events);
    let plain = ExportRequest {
        device,
        now: FIXTURE_NOW + 60_000,
        seen: seen.clone(),
        encryption: None,
    };
    let file = export_full(&events, &plain).unwrap();
    let dir = fixtures();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("v1-demo-plain.wuye"), &file.bytes).unwrap();
    let mut entropy = SeededEntropy::new(99);
    let enc = ExportRequest {
        encryption: Some(Encryption::with_iterations(
            FIXTURE_PASSPHRASE,
            &mut entropy,
            1_000,
        )),
        ..plain
    };
    let file = export_full(&events, &enc).unwrap();
    std::fs::write(dir.join("v1-demo-encrypted.wuye"), &file.bytes).unwrap();
    // The `events` object store as IdbStore wrote its rows: {id, subject, json}, one per line.
    let mut dump = String::new();
    for e in &events {
        let row = serde_json::json!({
            "id": e.id.to_string(),
            "subject": e.subject.key(),
            "json": serde_json::to_string(e).unwrap(),
        });
        dump.push_str(&row.to_string());
        dump.push('\n');
    }
    std::fs::write(dir.join("v1-demo-idb-events.jsonl"), dump).unwrap();
}
