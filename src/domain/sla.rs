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
        ClockSpec {
            basis: Basis::Elapsed,
            amount: m,
        }
    }
    pub fn business_minutes(m: i64) -> Self {
        ClockSpec {
            basis: Basis::Business,
            amount: m,
        }
    }
    pub fn days(d: i64) -> Self {
        ClockSpec {
            basis: Basis::CalendarDays,
            amount: d,
        }
    }
    pub fn months(m: i64) -> Self {
        ClockSpec {
            basis: Basis::CalendarMonths,
            amount: m,
        }
    }

    /// Starts a clock at `started` (UTC ms): deadline and warning point from the calendar.
    pub fn start(&self, name: Text, started: i64, cal: &BusinessCalendar) -> Clock {
        let (warn_at, deadline) = cal.deadline(started, self);
        Clock {
            name,
            started,
            warn_at,
            deadline,
            stopped: None,
        }
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
    /// Stops the clock at `at`. Idempotent: the first stop wins, later calls change nothing.
    pub fn stop(&mut self, at: i64) {
        if self.stopped.is_none() {
            self.stopped = Some(at);
        }
    }

    /// Still running (not stopped).
    pub fn is_running(&self) -> bool {
        self.stopped.is_none()
    }

    /// Milliseconds left until the deadline at `now` (or at the stop time, if stopped);
    /// negative when overdue / late.
    pub fn remaining_ms(&self, now: i64) -> i64 {
        self.deadline.saturating_sub(self.stopped.unwrap_or(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn cal() -> BusinessCalendar {
        BusinessCalendar::default()
    }

    /// Monday 2024-03-11 10:00 in the estate's local time (UTC+8).
    fn monday_10am() -> i64 {
        let c = cal();
        c.at(
            chrono::NaiveDate::from_ymd_opt(2024, 3, 11).unwrap(),
            chrono::NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        )
    }

    fn help_reply(started: i64) -> Clock {
        // HELP-2: a reply needing the supervisor within 10 min.
        ClockSpec::elapsed_minutes(10).start(
            Text::new("主管回复", "Supervisor reply"),
            started,
            &cal(),
        )
    }

    #[test]
    fn help_2_reply_clock_is_10_minutes_and_warns_at_exactly_80_percent() {
        let s = monday_10am();
        let c = help_reply(s);
        assert_eq!(c.started, s);
        assert_eq!(c.deadline, s + 10 * MIN);
        assert_eq!(c.warn_at, s + 8 * MIN);
        assert_eq!(c.stopped, None);
        // One millisecond before 80 % still due; exactly 80 % is a warning.
        assert_eq!(c.state(s + 8 * MIN - 1), SlaState::Due);
        assert_eq!(c.state(s + 8 * MIN), SlaState::Warning);
    }

    #[test]
    fn cmp_4_urgent_contact_within_30_minutes() {
        let s = monday_10am();
        let c = ClockSpec::elapsed_minutes(30).start(
            Text::new("紧急联系", "Urgent contact"),
            s,
            &cal(),
        );
        assert_eq!(c.deadline, s + 30 * MIN);
        assert_eq!(c.warn_at, s + 24 * MIN);
        assert_eq!(c.state(s + 29 * MIN), SlaState::Warning);
        assert_eq!(c.state(s + 30 * MIN), SlaState::Overdue);
    }

    #[test]
    fn cmp_4_general_contact_within_24_hours() {
        let s = monday_10am();
        let c =
            ClockSpec::elapsed_minutes(24 * 60).start(Text::new("一般联系", "Contact"), s, &cal());
        assert_eq!(c.deadline, s + 24 * 60 * MIN);
        assert_eq!(c.warn_at, s + (24 * 60 * MIN) * 4 / 5);
        assert_eq!(c.state(s + 12 * 60 * MIN), SlaState::Due);
    }

    #[test]
    fn all_five_states() {
        let s = monday_10am();
        let c = help_reply(s);
        assert_eq!(c.state(s), SlaState::Due);
        assert_eq!(c.state(s + 9 * MIN), SlaState::Warning);
        assert_eq!(c.state(s + 10 * MIN), SlaState::Overdue);
        assert_eq!(c.state(s + 600 * MIN), SlaState::Overdue);

        let mut on_time = help_reply(s);
        on_time.stop(s + 10 * MIN); // exactly at the deadline counts as in time
        assert_eq!(on_time.state(s + 600 * MIN), SlaState::MetInTime);

        let mut late = help_reply(s);
        late.stop(s + 10 * MIN + 1);
        assert_eq!(late.state(s + 600 * MIN), SlaState::MetLate);

        for (state, open) in [
            (SlaState::Due, true),
            (SlaState::Warning, true),
            (SlaState::Overdue, true),
            (SlaState::MetInTime, false),
            (SlaState::MetLate, false),
        ] {
            assert_eq!(state.is_open(), open, "{state:?}");
            assert!(!state.label().zh.is_empty() && !state.label().en.is_empty());
        }
    }

    #[test]
    fn stop_is_idempotent_first_stop_wins() {
        let s = monday_10am();
        let mut c = help_reply(s);
        assert!(c.is_running());
        c.stop(s + 5 * MIN);
        let once = c.clone();
        c.stop(s + 20 * MIN); // a replayed or late stop changes nothing
        assert_eq!(c, once);
        assert!(!c.is_running());
        assert_eq!(c.stopped, Some(s + 5 * MIN));
        assert_eq!(c.state(s + 60 * MIN), SlaState::MetInTime);
    }

    #[test]
    fn remaining_time_counts_down_and_freezes_when_stopped() {
        let s = monday_10am();
        let mut c = help_reply(s);
        assert_eq!(c.remaining_ms(s + 3 * MIN), 7 * MIN);
        assert_eq!(c.remaining_ms(s + 12 * MIN), -2 * MIN);
        c.stop(s + 4 * MIN);
        assert_eq!(c.remaining_ms(s + 60 * MIN), 6 * MIN);
    }

    #[test]
    fn deadline_is_fixed_at_start_from_the_calendar_then_in_force() {
        // A business clock started Friday 17:00 keeps its Monday deadline even if the
        // holiday calendar changes later (the clock stores its own deadline).
        let mut c = cal();
        let friday_5pm = c.at(
            chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap(),
            chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        );
        let clock =
            ClockSpec::business_minutes(60).start(Text::new("处理", "Handle"), friday_5pm, &c);
        let monday_9am = friday_5pm + (2 * 24 * 60 + 16 * 60) * MIN;
        assert_eq!(clock.deadline, monday_9am);
        c.holidays
            .insert(chrono::NaiveDate::from_ymd_opt(2024, 3, 18).unwrap());
        assert_eq!(clock.deadline, monday_9am);
        assert_eq!(clock.state(monday_9am), SlaState::Overdue);
    }
}
