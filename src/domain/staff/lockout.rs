//! Sign-in lockout of a tablet (issue 12; SOP §0: a PIN is the person's signature, so guessing a
//! colleague's must not be cheap).
//!
//! - **One counter per tablet**, across all accounts: five wrong PINs in a row, for whichever
//!   people, lock sign-in on this tablet for everyone (else a guesser would spread tries over
//!   25 names). Each wrong PIN is remembered with the account it was typed for, and a right PIN
//!   clears only that account's own wrong ones: a person's typos are forgiven when they get in,
//!   but a colleague cannot wipe the tries against someone else by signing in themselves.
//! - **The ladder**: the first lock lasts 5 min, the next 15 min, then 1 h, then 4 h, and every
//!   later one 4 h ([`LOCKOUT_LADDER_MS`]). The wrong PINs that caused a lock are spent; counting
//!   starts afresh after it. The rung does not decay with time (a clock-driven decay is a lever for
//!   whoever moves the date, and this clock stops while the app is closed); it goes back to the
//!   first rung when a Director signs in with the right PIN: a Director can reset anyone's PIN
//!   and so has nothing to gain from guessing one. The cap is 4 h, not a day: the lock stops the
//!   whole desk, and 4 h already holds a guesser to about 30 tries a day.
//! - **The clock**: lock time is stored as the time *left* and consumed only by the running
//!   app's monotonic clock ([`Uptime`]: `performance.now()` of one page load), never by the
//!   tablet's date. Moving the date forward does not shorten a lock, moving it back neither
//!   extends nor ends it. Time between two page loads is unknown to a monotonic clock and is not
//!   counted (a wall-clock difference there is exactly what moving the date forges): a closed
//!   app, or a sleeping tablet whose browser pauses that clock, serves its lock later; the app
//!   saves the remaining time every 30 s while it runs, so a reload loses at most that much.
//!   Two open tabs of the app each restart the other's count: that slows a lock, never speeds
//!   it up.

use crate::domain::ids::StaffId;
use serde::{Deserialize, Serialize};

/// Wrong PINs in a row (any accounts) that lock the tablet's sign-in.
pub const LOCKOUT_FAILURES: u32 = 5;
const MIN: i64 = 60_000;
/// Lock durations in order; every lock after the last lasts as long as the last.
pub const LOCKOUT_LADDER_MS: [i64; 4] = [5 * MIN, 15 * MIN, 60 * MIN, 240 * MIN];
/// The first lock.
pub const LOCKOUT_MS: i64 = LOCKOUT_LADDER_MS[0];

/// A reading of the running app's monotonic clock: `ms` since the page `page` (a random id per
/// page load) started. Readings of different pages cannot be compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uptime {
    pub page: u64,
    pub ms: i64,
}

impl Uptime {
    pub fn new(page: u64, ms: i64) -> Self {
        Uptime { page, ms }
    }
}

/// The tablet's sign-in lockout (device-local metadata, never an event, never synced).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Lockout {
    /// The accounts of the wrong PINs since the last lock, one entry per wrong PIN.
    pub wrong: Vec<StaffId>,
    /// Locks imposed since the ladder last went back to its start: the next lock lasts
    /// `LOCKOUT_LADDER_MS[locks]` (the last rung once past it).
    pub locks: u32,
    /// Lock time still to serve, ms of [`Uptime`].
    pub left_ms: i64,
    /// The last reading the lock time was consumed up to.
    pub seen: Option<Uptime>,
}

impl Lockout {
    /// How long the lock after `locks` earlier ones lasts.
    pub fn lock_ms(locks: u32) -> i64 {
        let last = LOCKOUT_LADDER_MS.len() - 1;
        LOCKOUT_LADDER_MS[(locks as usize).min(last)]
    }

    /// Consumes the lock time that passed since the last reading, on the same page's monotonic
    /// clock only. A reading of another page load (the app was reloaded or reopened) or an
    /// earlier one consumes nothing and becomes the new base.
    pub fn advance(&mut self, now: Uptime) {
        if let Some(seen) = self.seen {
            if seen.page == now.page && now.ms >= seen.ms {
                self.left_ms = (self.left_ms - (now.ms - seen.ms)).max(0);
            }
        }
        self.seen = Some(now);
    }

    /// Milliseconds left while locked, else `None`. Call [`advance`](Self::advance) first.
    pub fn locked(&self) -> Option<i64> {
        (self.left_ms > 0).then_some(self.left_ms)
    }

    /// Whether a lock is being served (the app then saves the consumed time as it runs).
    pub fn ticking(&self) -> bool {
        self.left_ms > 0
    }

    /// A wrong PIN typed for `who`; the fifth in a row locks the tablet for the next rung.
    pub fn fail(&mut self, who: StaffId, now: Uptime) {
        self.advance(now);
        self.wrong.push(who);
        if self.wrong.len() >= LOCKOUT_FAILURES as usize {
            self.left_ms = Self::lock_ms(self.locks);
            self.locks = self.locks.saturating_add(1);
            self.wrong.clear();
        }
    }

    /// A right PIN for `who`: forgets that account's own wrong PINs; a Director's also takes
    /// the ladder back to its first rung.
    pub fn succeed(&mut self, who: StaffId, director: bool, now: Uptime) {
        self.advance(now);
        self.wrong.retain(|w| *w != who);
        if director {
            self.locks = 0;
        }
    }

    /// Wrong PINs this tablet still accepts before it locks.
    pub fn attempts_left(&self) -> u32 {
        LOCKOUT_FAILURES.saturating_sub(self.wrong.len() as u32)
    }
}
