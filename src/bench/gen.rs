//! Deterministic benchmark dataset (issue 7): a 2,000-household estate over five years, made
//! with the real domain commands of every module that exists — registry and staff, complaints
//! with callbacks (CMP, CB), patrol routes, rounds, check-ins and findings with photos
//! (PAT-1..8) and the work orders they open (REP-8), the duty log (DUTY-3/4/8).
//!
//! Days are generated in order; each day's activity pushes its drafts, with the time each
//! happens, onto a queue ([`stream::Stream`]); everything before the next midnight is then
//! stamped (HLC on one of a few tablets, seeded event id, hash) and handed to the sink in
//! chunks. So the stream is in global HLC order — every record's events ascend and anything
//! referenced was written earlier — and memory holds only the few weeks still pending.

use crate::domain::event::Event;
use crate::domain::ids::{RecordId, StaffId};
use chrono::NaiveDate;
use std::collections::BTreeMap;

mod desk;
mod duty;
mod estate;
mod patrol;
mod stream;
#[cfg(test)]
mod tests;

/// Bump when the data changes (the harness caches generated data by it).
pub const GEN_VERSION: u32 = 2;
/// Every generated staff member's PIN.
pub const BENCH_PIN: &str = "1234";

/// What to generate. Activity rates are per household and year, times `scale`; patrol follows
/// the routes' fixed schedule (PAT-2), so it grows with the buildings and years only.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub seed: u64,
    pub households: u32,
    pub years: u32,
    pub scale: f64,
    /// The last day of data.
    pub end: NaiveDate,
}

impl Spec {
    /// 2,000 households over five years to 2026-10-31. Measured (seed 1): 20.0k complaints
    /// and 19.4k callbacks, 19.9k work orders, 459k check-ins, 11.0k duty-log entries, 2.0k
    /// photos — 871k events in all (a complaint's story through the real commands is about
    /// nine events, a work order's with its finding eight), about 520 MB of canonical JSON,
    /// of which the round plans (every round carries its stops) are 160 MB.
    pub fn full(seed: u64) -> Spec {
        Spec {
            seed,
            households: 2_000,
            years: 5,
            scale: 1.0,
            end: NaiveDate::from_ymd_opt(2026, 10, 31).expect("valid date"),
        }
    }
    /// The same estate shape at about 1 % of the volume (100 households, one year).
    pub fn small(seed: u64) -> Spec {
        Spec {
            households: 100,
            years: 1,
            ..Spec::full(seed)
        }
    }
}

/// Parameters for the benchmark's queries, all present in the data.
#[derive(Clone, Debug, PartialEq)]
pub struct Probes {
    /// A building with patrol check-ins in `week`.
    pub building: RecordId,
    /// `patrol::week_key` of the last full week.
    pub week: String,
    /// What a user types to find households by unit number.
    pub unit_prefix: String,
    /// "2026-10": a month with many complaints.
    pub month: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// A Director (sees everything; PIN [`BENCH_PIN`]).
    pub login: StaffId,
    pub login_name: String,
    pub estate_name: String,
    /// "events", "complaints", "callbacks", "work_orders", "check_ins", "duty_log_entries",
    /// "photos", "households", "staff".
    pub counts: BTreeMap<String, u64>,
    /// Photo.blob keys referenced by events, in order.
    pub photos: Vec<String>,
    pub probes: Probes,
}

/// Streams the whole dataset as stamped, verifiable events (Event::verify() true), in causal
/// order, `chunk` events per call. Same Spec → identical events (ids, HLCs, hashes).
pub fn generate(spec: &Spec, chunk: usize, mut sink: impl FnMut(Vec<Event>)) -> Summary {
    let mut out = stream::Stream::new(spec.seed, chunk.max(1), &mut sink);
    let world = estate::build(spec, &mut out);
    let mut desk = desk::Desk::new(spec, &world);
    let mut patrol = patrol::Patrol::new(spec, &world, &mut out);
    let mut duty = duty::Duty::new(spec, &world);
    let mut day = world.start;
    while day <= spec.end {
        patrol.day(day, &mut out);
        desk.day(day, &mut out);
        duty.day(day, &mut out);
        day = day.succ_opt().expect("date in range");
        out.flush_before(world.cal.at(day, chrono::NaiveTime::MIN));
    }
    let photos = patrol.photos.clone();
    let probes = Probes {
        building: patrol.probe_building(),
        week: patrol.probe_week.clone(),
        unit_prefix: world.unit_prefix.clone(),
        month: spec.end.format("%Y-%m").to_string(),
    };
    let mut counts = out.finish();
    counts.insert("photos".into(), photos.len() as u64);
    counts.insert("households".into(), world.households.len() as u64);
    counts.insert("staff".into(), world.staff.len() as u64);
    Summary {
        login: world.director.id,
        login_name: world.director_name.clone(),
        estate_name: estate::ESTATE_NAME.into(),
        counts,
        photos,
        probes,
    }
}

/// Photo `index` (0-based, < summary.photos.len()): a small deterministic JPEG (a few KB) —
/// 160×120, a seeded grainy gradient with a few blocks, so every photo differs.
pub fn photo_jpeg(spec: &Spec, index: usize) -> Vec<u8> {
    const W: usize = 160;
    const H: usize = 120;
    let mut r = stream::Rng::new(spec.seed ^ 0xF070_0000 ^ (index as u64).wrapping_mul(0x9E37));
    let base = [r.below(200) as u8, r.below(200) as u8, r.below(200) as u8];
    let blocks: Vec<(usize, usize, usize, [u8; 3])> = (0..4)
        .map(|_| {
            (
                r.below(W as u64) as usize,
                r.below(H as u64) as usize,
                8 + r.below(40) as usize,
                [r.below(256) as u8, r.below(256) as u8, r.below(256) as u8],
            )
        })
        .collect();
    let mut px = Vec::with_capacity(W * H * 3);
    for y in 0..H {
        for x in 0..W {
            let hit = blocks
                .iter()
                .find(|(bx, by, s, _)| x >= *bx && x < bx + s && y >= *by && y < by + s);
            match hit {
                Some((.., c)) => px.extend_from_slice(c),
                None => {
                    // A gradient with a little grain, like a photo of a wall.
                    let shade = ((x + y) / 3) as u8;
                    let grain = (r.next() % 24) as u8;
                    px.extend(
                        base.iter()
                            .map(|b| b.wrapping_add(shade).saturating_add(grain)),
                    );
                }
            }
        }
    }
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, 85)
        .encode(&px, W as u16, H as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encoding to memory cannot fail");
    jpeg
}
