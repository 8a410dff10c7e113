//! The SLA clock. A clock's deadline and warning point are fixed when it starts, from the
//! settings in force then (business calendar, holidays, duty hours — DUTY-2), and stored in
//! the event that starts it; so every device computes the same state offline and after sync.

use super::calendar::BusinessCalendar;
use super::i18n::Text;
use serde::{Deserialize, Serialize};

/// How allowed time is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Basis {
    /// Wall-clock minutes, day and night (urgent contact 30 min, help reply 10 min).
    Elapsed,
    /// Minutes inside office hours on working days only (holidays and weekends skipped).
    Business,
    /// Whole days on the calendar, deadline at the same local time (callback within 3 days).
    CalendarDays,
    /// Calendar months, clamped at month end (Jan 31 + 1 month = Feb 28/29) — CMP-3.
    CalendarMonths,
}

/// A clock a module declares: how much time is allowed, counted how.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSpec {
    pub basis: Basis,
    /// Minutes for Elapsed/Business, days for CalendarDays, months for CalendarMonths.
    pub amount: i64,
}

/// A running or stopped clock, as stored in a record's view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    pub name: Text,
    pub started: i64,
    /// When 80 % of the allowed time has passed (UTC ms).
    pub warn_at: i64,
    pub deadline: i64,
    pub stopped: Option<i64>,
}

/// State of a clock at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlaState {
    /// Running, less than 80 % of the allowed time used.
    Due,
    /// Running, at least 80 % used.
    Warning,
    /// Running past the deadline.
    Overdue,
    /// Stopped at or before the deadline.
    MetInTime,
    /// Stopped after the deadline.
    MetLate,
}

impl SlaState {
    pub fn label(self) -> Text {
        match self {
            SlaState::Due => Text::new("进行中", "Due"),
            SlaState::Warning => Text::new("即将到期", "Due soon"),
            SlaState::Overdue => Text::new("已超时", "Overdue"),
            SlaState::MetInTime => Text::new("按时完成", "Done in time"),
            SlaState::MetLate => Text::new("超时完成", "Done late"),
        }
    }
    pub fn is_open(self) -> bool {
        matches!(self, SlaState::Due | SlaState::Warning | SlaState::Overdue)
    }
}

impl ClockSpec {
    pub fn elapsed_minutes(m: i64) -> Self {
        ClockSpec { basis: Basis::Elapsed, amount: m }
    }
    pub fn business_minutes(m: i64) -> Self {
        ClockSpec { basis: Basis::Business, amount: m }
    }
    pub fn days(d: i64) -> Self {
        ClockSpec { basis: Basis::CalendarDays, amount: d }
    }
    pub fn months(m: i64) -> Self {
        ClockSpec { basis: Basis::CalendarMonths, amount: m }
    }

    /// Starts a clock at `started` (UTC ms): deadline and warning point from the calendar.
    pub fn start(&self, name: Text, started: i64, cal: &BusinessCalendar) -> Clock {
        let (warn_at, deadline) = cal.deadline(started, self);
        Clock { name, started, warn_at, deadline, stopped: None }
    }
}

impl Clock {
    pub fn state(&self, now: i64) -> SlaState {
        match self.stopped {
            Some(s) if s <= self.deadline => SlaState::MetInTime,
            Some(_) => SlaState::MetLate,
            None if now >= self.deadline => SlaState::Overdue,
            None if now >= self.warn_at => SlaState::Warning,
            None => SlaState::Due,
        }
    }
    pub fn stop(&mut self, at: i64) {
        if self.stopped.is_none() {
            self.stopped = Some(at);
        }
    }
}
