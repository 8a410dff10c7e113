//! Per-device event counts by UTC day (issue 13: "the Sync page opens instantly").
//!
//! Chromium answers `IDBIndex.count` by walking every entry of the range, so counting a
//! five-year estate's 870k events took over a minute. The IndexedDB store keeps one tally
//! row per device, written in the same transaction as the events it counts; a count above a
//! watermark is then the sum of the later days plus one index count inside the watermark's
//! own day (a few hundred entries at most).

use crate::domain::hlc::Hlc;
use serde_json::{Map, Value};

/// Milliseconds per tally bucket (one UTC day of HLC wall time).
pub const DAY_MS: i64 = 86_400_000;

/// The tally bucket of `at`.
pub fn day_of(at: &Hlc) -> i64 {
    at.wall.div_euclid(DAY_MS)
}

/// One device's stored events, counted per day of their HLC. Stored as
/// `{"dev": "<device>", "days": {"<day>": <events>, …}}`, through `serde_json::Value` (a
/// derived deserialiser would add start-up wasm for one meta row).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// The device, as `DeviceId` text.
    pub dev: String,
    /// (day `wall / DAY_MS`, events of that day), by day, no zero counts (a sorted `Vec`: a
    /// `BTreeMap` of these types cost start-up wasm for five years' ~1,800 entries).
    pub days: Vec<(i64, u64)>,
}

impl Tally {
    pub fn new(dev: String) -> Self {
        Tally {
            dev,
            days: Vec::new(),
        }
    }

    /// One more stored event at `at`.
    pub fn add(&mut self, at: &Hlc) {
        let day = day_of(at);
        match self.days.binary_search_by_key(&day, |d| d.0) {
            Ok(i) => self.days[i].1 += 1,
            Err(i) => self.days.insert(i, (day, 1)),
        }
    }

    /// One stored event at `at` deleted (a purge, VIO-9).
    pub fn remove(&mut self, at: &Hlc) {
        if let Ok(i) = self.days.binary_search_by_key(&day_of(at), |d| d.0) {
            self.days[i].1 = self.days[i].1.saturating_sub(1);
            if self.days[i].1 == 0 {
                self.days.remove(i);
            }
        }
    }

    pub fn to_json(&self) -> Value {
        let days: Map<String, Value> = self
            .days
            .iter()
            .map(|(d, n)| (d.to_string(), Value::from(*n)))
            .collect();
        let mut m = Map::new();
        m.insert("dev".into(), Value::from(self.dev.clone()));
        m.insert("days".into(), Value::Object(days));
        Value::Object(m)
    }

    /// `None` for a row that is not a tally.
    pub fn from_json(v: &Value) -> Option<Tally> {
        let mut days = Vec::new();
        for (d, n) in v.get("days")?.as_object()? {
            days.push((d.parse().ok()?, n.as_u64()?));
        }
        // Object keys come back in text order ("10" before "9").
        days.sort_unstable();
        Some(Tally {
            dev: v.get("dev")?.as_str()?.to_string(),
            days,
        })
    }

    pub fn total(&self) -> u64 {
        self.days.iter().map(|d| d.1).sum()
    }

    /// Events on the days after `day`.
    pub fn after_day(&self, day: i64) -> u64 {
        let from = self.days.partition_point(|d| d.0 <= day);
        self.days[from..].iter().map(|d| d.1).sum()
    }
}

/// The first HLC key of day `day + 1`: the exclusive upper end of a count inside `day`.
pub fn next_day_key(day: i64) -> String {
    super::hlc_key(&Hlc {
        wall: day.saturating_add(1).saturating_mul(DAY_MS),
        counter: 0,
        device: crate::domain::ids::DeviceId::nil(),
    })
}

/// The first HLC key of day `day`.
pub fn day_key(day: i64) -> String {
    next_day_key(day - 1)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::domain::ids::DeviceId;
    use proptest::prelude::*;

    fn at(wall: i64, counter: u32) -> Hlc {
        Hlc {
            wall,
            counter,
            device: DeviceId::nil(),
        }
    }

    proptest! {
        /// Issue 13: the tally's count above a watermark (later days + the watermark's own
        /// day counted by key) equals counting every stored event above it.
        #[test]
        fn counts_above_a_watermark_match_counting_every_event(
            walls in proptest::collection::vec((0i64..10 * DAY_MS, 0u32..3), 0..200),
            mark in (0i64..10 * DAY_MS, 0u32..3),
            purged in 0usize..20,
        ) {
            let mut stored: Vec<Hlc> = walls.iter().map(|&(w, c)| at(w, c)).collect();
            let mut t = Tally::new("d".into());
            for h in &stored {
                t.add(h);
            }
            for h in stored.drain(..purged.min(stored.len())) {
                t.remove(&h);
            }
            let mark = at(mark.0, mark.1);
            let day = day_of(&mark);
            let key = |h: &Hlc| super::super::hlc_key(h);
            let same_day = stored
                .iter()
                .filter(|h| key(h) > key(&mark) && key(h) < next_day_key(day))
                .count() as u64;
            let expected = stored.iter().filter(|h| key(h) > key(&mark)).count() as u64;
            prop_assert_eq!(t.after_day(day) + same_day, expected);
            prop_assert_eq!(t.total(), stored.len() as u64);
            prop_assert!(day_key(day) <= key(&mark));
        }
    }

    #[test]
    fn a_json_round_trip_keeps_the_days() {
        let mut t = Tally::new("dev".into());
        t.add(&at(5, 0));
        t.add(&at(3 * DAY_MS + 1, 0));
        t.add(&at(10 * DAY_MS, 0));
        t.add(&at(9 * DAY_MS, 0));
        let text = t.to_json().to_string();
        let back = Tally::from_json(&serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(back, t);
        assert_eq!(Tally::from_json(&serde_json::json!({"dev": "d"})), None);
        assert_eq!(back.after_day(0), 3);
        assert_eq!(back.after_day(9), 1);
    }
}
