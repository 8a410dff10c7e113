//! TEMPORARY stand-in for `estate_desk::bench::gen` (same API) until the generator lands:
//! the demo estate only. Deleted when the real generator is merged.
#![allow(dead_code)]

use estate_desk::app::App;
use estate_desk::domain::demo::demo_estate;
use estate_desk::domain::event::Event;
use estate_desk::domain::ids::{Id, RecordId, SeededEntropy, StaffId};
use estate_desk::domain::staff::{PinHash, PIN_ITERATIONS};
use estate_desk::store::memory::MemoryStore;
use std::collections::BTreeMap;

pub const GEN_VERSION: u32 = 0;
pub const BENCH_PIN: &str = "1234";

pub struct Spec {
    pub seed: u64,
    pub households: u32,
    pub years: u32,
    pub scale: f64,
    pub end: chrono::NaiveDate,
}

impl Spec {
    pub fn full(seed: u64) -> Spec {
        Spec {
            seed,
            households: 2000,
            years: 5,
            scale: 1.0,
            end: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        }
    }
    pub fn small(seed: u64) -> Spec {
        Spec {
            scale: 0.01,
            ..Spec::full(seed)
        }
    }
}

pub struct Probes {
    pub building: RecordId,
    pub week: String,
    pub unit_prefix: String,
    pub month: String,
}

pub struct Summary {
    pub login: StaffId,
    pub login_name: String,
    pub estate_name: String,
    pub counts: BTreeMap<String, u64>,
    pub photos: Vec<String>,
    pub probes: Probes,
}

pub fn generate(spec: &Spec, chunk: usize, mut sink: impl FnMut(Vec<Event>)) -> Summary {
    let pin = PinHash::new(BENCH_PIN, [7; 16], PIN_ITERATIONS).unwrap();
    let demo = demo_estate(spec.seed, pin);
    let app = futures::executor::block_on(App::open(
        MemoryStore::new(),
        Id::derived("bench-device", spec.seed),
        Box::new(SeededEntropy::new(spec.seed)),
    ))
    .unwrap();
    let events = futures::executor::block_on(app.record(
        1_700_000_000_000,
        Some(demo.director),
        demo.drafts,
    ))
    .unwrap();
    let n = events.len() as u64;
    for c in events.chunks(chunk) {
        sink(c.to_vec());
    }
    Summary {
        login: demo.director,
        login_name: demo.logins[0].name.clone(),
        estate_name: demo.estate_name.clone(),
        counts: BTreeMap::from([("events".to_string(), n)]),
        photos: (0..3).map(|i| format!("photo-bench-{i}")).collect(),
        probes: Probes {
            building: Id::nil(),
            week: "2026-w43".into(),
            unit_prefix: "1-".into(),
            month: "2026-10".into(),
        },
    }
}

pub fn photo_jpeg(_spec: &Spec, index: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let enc = jpeg_encoder::Encoder::new(&mut out, 70);
    let px: Vec<u8> = (0..32 * 32 * 3).map(|i| (i * 7 + index) as u8).collect();
    enc.encode(&px, 32, 32, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}
