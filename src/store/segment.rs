//! Events stored many to a row (schema v6, issue 13): the pure part — which of a commit's
//! events share a segment, and the keys of the segments' indexes. The IndexedDB side is in
//! `idb.rs`.
//!
//! Why: the page's cost of a write is the `add` per row (~120–150 µs at 1× whatever the row
//! holds; docs/PERFORMANCE.md "session 16"), so five years of events one row each made
//! restores and imports slower than Dexie. A segment holds up to [`SEGMENT_EVENTS`] events
//! (and about [`SEGMENT_BYTES`] of JSON) of one commit, cut by record, so a record's events
//! of one import lie together and opening it reads few segments.

use super::hlc_key;
use crate::domain::event::Event;
use crate::domain::hlc::Hlc;
use crate::domain::ids::DeviceId;

/// At most this many events share a segment.
pub const SEGMENT_EVENTS: usize = 100;
/// A segment is closed once its events' JSON would pass this (rows under ~64 KB).
pub const SEGMENT_BYTES: usize = 60 * 1024;

/// The `dh` index key of an event: `<device>|<hlc_key>` (a device id is a fixed-width UUID
/// and an `hlc_key` 24 hex digits, so text order is device, then HLC order).
pub fn dh_key(device: &str, hlc: &Hlc) -> String {
    format!("{device}|{}", hlc_key(hlc))
}

/// The device and HLC of a `dh` key.
pub fn dh_parse(key: &str) -> Option<(DeviceId, Hlc)> {
    let (device, hlc) = key.split_once('|')?;
    let device: DeviceId = device.parse().ok()?;
    Some((device, super::hlc_from_key(hlc, device)?))
}

/// The `dh` keys of one device: `(lower, lower open, upper)` for the events above `after`
/// (every event of the device for `None`).
pub fn dh_range(device: &str, after: Option<&Hlc>) -> (String, bool, String) {
    let lower = match after {
        Some(h) => dh_key(device, h),
        None => format!("{device}|"),
    };
    (lower, after.is_some(), format!("{device}|~"))
}

/// Cuts one commit's new events (each with its JSON) into segments: ordered by record, then
/// HLC, then id, at most [`SEGMENT_EVENTS`] and about [`SEGMENT_BYTES`] each (an event larger
/// than that gets a segment of its own).
pub fn cut(mut events: Vec<(&Event, String)>) -> Vec<Vec<(&Event, String)>> {
    events.sort_by(|(a, _), (b, _)| {
        (a.subject.kind.as_str(), a.subject.id, a.at, a.id).cmp(&(
            b.subject.kind.as_str(),
            b.subject.id,
            b.at,
            b.id,
        ))
    });
    let mut out: Vec<Vec<(&Event, String)>> = Vec::new();
    let mut bytes = 0;
    for (e, json) in events {
        let full = out
            .last()
            .is_none_or(|s| s.len() >= SEGMENT_EVENTS || bytes + json.len() > SEGMENT_BYTES);
        if full {
            out.push(Vec::new());
            bytes = 0;
        }
        bytes += json.len();
        out.last_mut().expect("pushed above").push((e, json));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::estate::EstateEvent;
    use crate::domain::event::{Draft, EventBody, RecordKind, RecordRef};
    use crate::domain::ids::Id;

    fn event(subject: u64, n: u64) -> Event {
        let at = Hlc {
            wall: 1_700_000_000_000 + n as i64,
            counter: 0,
            device: Id::derived("segment-device", 7),
        };
        Event::new(
            Id::derived("segment-event", n),
            at,
            None,
            Draft {
                subject: RecordRef::new(
                    RecordKind::Estate,
                    Id::derived("segment-subject", subject),
                ),
                body: EventBody::Estate(EstateEvent::Renamed {
                    name: n.to_string(),
                }),
            },
        )
    }

    /// Issue 13: a segment never holds more than 100 events or ~64 KB, and a record's events
    /// of one commit lie together in record order.
    #[test]
    fn segments_are_cut_by_record_count_and_size() {
        let events: Vec<Event> = (0..250).map(|n| event(n % 3, n)).collect();
        let with_json: Vec<(&Event, String)> =
            events.iter().map(|e| (e, "x".repeat(100))).collect();
        let segs = cut(with_json);
        assert_eq!(segs.iter().map(Vec::len).sum::<usize>(), 250);
        assert!(segs.iter().all(|s| s.len() <= SEGMENT_EVENTS));
        let order: Vec<_> = segs.iter().flatten().map(|(e, _)| e.subject.id).collect();
        assert!(order.windows(2).all(|w| w[0] <= w[1]), "record order");

        let big: Vec<(&Event, String)> = events[..10]
            .iter()
            .map(|e| (e, "y".repeat(SEGMENT_BYTES / 3)))
            .collect();
        let segs = cut(big);
        assert!(segs.iter().all(|s| s.len() <= 3), "{:?}", segs.len());
        let huge = vec![(&events[0], "z".repeat(2 * SEGMENT_BYTES))];
        assert_eq!(
            cut(huge).len(),
            1,
            "an event larger than a segment still gets one"
        );
    }

    #[test]
    fn dh_keys_order_by_device_then_hlc_and_parse_back() {
        let dev: DeviceId = Id::derived("segment-device", 9);
        let h = |wall: i64, counter: u32| Hlc {
            wall,
            counter,
            device: dev,
        };
        let d = dev.to_string();
        assert!(dh_key(&d, &h(5, 0)) < dh_key(&d, &h(5, 1)));
        assert!(dh_key(&d, &h(5, 9)) < dh_key(&d, &h(6, 0)));
        assert_eq!(dh_parse(&dh_key(&d, &h(42, 3))), Some((dev, h(42, 3))));
        let (lo, open, hi) = dh_range(&d, Some(&h(5, 0)));
        assert!(open && lo == dh_key(&d, &h(5, 0)) && dh_key(&d, &h(99, 0)) < hi);
        let (lo, open, _) = dh_range(&d, None);
        assert!(!open && lo < dh_key(&d, &h(0, 0)));
    }
}
