//! Hybrid logical clock. Orders events across tablets whose wall clocks disagree:
//! (wall ms, counter, device) is a total order, and a clock never goes backwards even if the
//! tablet's time is set back. Used for merge winners and for folding events in order.

use super::ids::DeviceId;
use serde::{Deserialize, Serialize};

/// A hybrid logical timestamp. Ordering: wall time, then counter, then device id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (UTC).
    pub wall: i64,
    pub counter: u32,
    pub device: DeviceId,
}

impl Hlc {
    pub fn zero(device: DeviceId) -> Self {
        Hlc {
            wall: 0,
            counter: 0,
            device,
        }
    }
}

/// How far ahead of a tablet's own physical time the clock may be moved (issue 12): the same
/// 24 h as the import quarantine (`ImportSettings::max_future_skew_ms`). `observe` takes a
/// remote stamp only up to now + this, so one tablet whose clock ran ahead cannot drag every
/// other tablet's clock (and all their later events) into the future.
pub const MAX_AHEAD_MS: i64 = 24 * 60 * 60 * 1000;

/// The clock of one device; its state (`last`) is persisted with every write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HlcClock {
    pub last: Hlc,
}

impl HlcClock {
    pub fn new(device: DeviceId) -> Self {
        HlcClock {
            last: Hlc::zero(device),
        }
    }

    /// A timestamp for a local event at physical time `now_ms`. It never goes backwards; it
    /// moves the wall only up to `now_ms` (a clock already beyond now + [`MAX_AHEAD_MS`] stays
    /// where it is, counting, until a supervisor re-bases the tablet: see [`Self::ahead_ms`]).
    pub fn tick(&mut self, now_ms: i64) -> Hlc {
        let device = self.last.device;
        self.last = if now_ms > self.last.wall {
            Hlc {
                wall: now_ms,
                counter: 0,
                device,
            }
        } else {
            bump(self.last.wall, self.last.counter, device)
        };
        self.last
    }

    /// Take in a remote timestamp (on import) so later local events sort after it — capped:
    /// a remote stamp beyond `now_ms` + [`MAX_AHEAD_MS`] moves this clock only to that limit.
    pub fn observe(&mut self, remote: Hlc, now_ms: i64) {
        let device = self.last.device;
        let limit = now_ms.saturating_add(MAX_AHEAD_MS);
        let remote = if remote.wall > limit {
            Hlc {
                wall: limit,
                counter: 0,
                device: remote.device,
            }
        } else {
            remote
        };
        let wall = now_ms.max(self.last.wall).max(remote.wall);
        self.last = if wall == self.last.wall && wall == remote.wall {
            bump(wall, self.last.counter.max(remote.counter), device)
        } else if wall == self.last.wall {
            bump(wall, self.last.counter, device)
        } else if wall == remote.wall {
            bump(wall, remote.counter, device)
        } else {
            Hlc {
                wall,
                counter: 0,
                device,
            }
        };
    }
}

impl HlcClock {
    /// How far this clock is beyond physical time `now_ms` + [`MAX_AHEAD_MS`] (the tablet's
    /// clock ran ahead and was set right since): `Some(ms)` means it needs a re-base.
    pub fn ahead_ms(&self, now_ms: i64) -> Option<i64> {
        let over = self.last.wall - now_ms.saturating_add(MAX_AHEAD_MS);
        (over > 0).then_some(self.last.wall - now_ms)
    }

    /// A supervisor's re-base of a tablet whose clock ran ahead: the tablet carries on as a new
    /// device id `device` with a clock at `now_ms`. Stamps under the old id are never written
    /// again, so no exported watermark (which may already be in the future) hides the new
    /// events; the old id's future-dated events stay as they are (see FILE-FORMAT.md).
    pub fn rebased(device: DeviceId, now_ms: i64) -> Self {
        HlcClock {
            last: Hlc {
                wall: now_ms,
                counter: 0,
                device,
            },
        }
    }
}

/// The next stamp after (wall, counter); a full counter (only from a hostile file) moves the
/// wall clock on by 1 ms instead of wrapping below the stamps already seen.
fn bump(wall: i64, counter: u32, device: DeviceId) -> Hlc {
    match counter.checked_add(1) {
        Some(counter) => Hlc {
            wall,
            counter,
            device,
        },
        None => Hlc {
            wall: wall + 1,
            counter: 0,
            device,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::Id;

    fn dev(n: u64) -> DeviceId {
        Id::derived("dev", n)
    }

    #[test]
    fn hlc_is_monotonic_when_wall_clock_goes_backwards() {
        let mut c = HlcClock::new(dev(1));
        let a = c.tick(1_000);
        let b = c.tick(900); // tablet clock set back
        let d = c.tick(900);
        assert!(a < b && b < d);
        assert_eq!(b.wall, 1_000);
    }

    #[test]
    fn hlc_orders_by_wall_then_counter_then_device() {
        let x = Hlc {
            wall: 5,
            counter: 1,
            device: dev(1),
        };
        let y = Hlc {
            wall: 5,
            counter: 2,
            device: dev(0),
        };
        let z = Hlc {
            wall: 6,
            counter: 0,
            device: dev(0),
        };
        assert!(x < y && y < z);
        let (p, q) = (
            Hlc {
                wall: 5,
                counter: 1,
                device: dev(1),
            },
            Hlc {
                wall: 5,
                counter: 1,
                device: dev(2),
            },
        );
        assert_ne!(p.cmp(&q), std::cmp::Ordering::Equal);
    }

    #[test]
    fn hlc_observe_moves_past_remote_events() {
        let mut c = HlcClock::new(dev(1));
        c.tick(1_000);
        let remote = Hlc {
            wall: 5_000,
            counter: 7,
            device: dev(2),
        };
        c.observe(remote, 1_100);
        let next = c.tick(1_200);
        assert!(next > remote);
    }

    #[test]
    fn hlc_observe_is_capped_at_a_day_ahead_of_physical_time() {
        let mut c = HlcClock::new(dev(1));
        c.tick(1_000);
        let poisoned = Hlc {
            wall: 1_000 + 30 * MAX_AHEAD_MS,
            counter: 3,
            device: dev(2),
        };
        c.observe(poisoned, 1_000);
        assert!(c.last.wall <= 1_000 + MAX_AHEAD_MS);
        assert_eq!(
            c.ahead_ms(1_000),
            None,
            "the cap itself is no reason to re-base"
        );
        // A remote stamp within the cap is still taken in full.
        let near = Hlc {
            wall: 1_000 + MAX_AHEAD_MS - 5,
            counter: 9,
            device: dev(2),
        };
        let mut d = HlcClock::new(dev(1));
        d.observe(near, 1_000);
        assert!(d.last > near);
    }

    #[test]
    fn a_clock_far_ahead_is_reported_and_rebased_under_a_new_device() {
        let mut c = HlcClock::new(dev(1));
        let future = 1_000 + 3 * MAX_AHEAD_MS;
        c.tick(future); // the tablet's own time was wrong
        let t = c.tick(1_000); // set right: the clock must not go backwards by itself
        assert_eq!(t.wall, future);
        assert_eq!(c.ahead_ms(1_000), Some(future - 1_000));
        let r = HlcClock::rebased(dev(2), 1_000);
        assert_eq!(r.ahead_ms(1_000), None);
        assert_eq!(r.last.device, dev(2));
    }

    #[test]
    fn hlc_never_wraps_on_a_full_counter_from_an_imported_stamp() {
        let mut c = HlcClock::new(dev(1));
        let remote = Hlc {
            wall: 5_000,
            counter: u32::MAX,
            device: dev(2),
        };
        c.observe(remote, 1_000);
        assert!(c.last > remote);
        let next = c.tick(1_000);
        assert!(next > remote);
    }
}
