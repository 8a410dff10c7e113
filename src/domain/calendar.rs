//! Business calendar: office hours, duty hours (DUTY-2: 17:30 → 08:30, holidays 24 h),
//! holidays and the estate's UTC offset.
//!
//! All instants are UTC milliseconds (`i64`); the calendar reasons in the estate's local time
//! through a fixed UTC offset (China does not observe daylight saving time). Dates outside
//! chrono's range are clamped, so no input makes these functions panic.

use super::sla::{Basis, ClockSpec};
use chrono::{
    Datelike, Duration, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;
/// The last moment of a local day: where a month clock clamped to a month's end runs out.
const END_OF_DAY: NaiveTime = match NaiveTime::from_hms_milli_opt(23, 59, 59, 999) {
    Some(t) => t,
    None => NaiveTime::MIN,
};
/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const UNIX_EPOCH_CE_DAYS: i64 = 719_163;

/// The estate's working calendar (a setting; stored inside the estate's settings event).
///
/// Only ordered collections are used, so the JSON (and therefore event hashes) is stable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BusinessCalendar {
    /// Local time minus UTC, in minutes (480 = China Standard Time, UTC+8).
    pub utc_offset_minutes: i32,
    /// Office opens (local time), default 08:30.
    #[serde(with = "hhmm")]
    pub office_start: NaiveTime,
    /// Office closes (local time), default 17:30.
    #[serde(with = "hhmm")]
    pub office_end: NaiveTime,
    /// Days of the week that are rest days unless listed in `workdays` (default Sat, Sun).
    pub weekend: Vec<Weekday>,
    /// Public holidays (法定节假日).
    pub holidays: BTreeSet<NaiveDate>,
    /// Make-up working days (调休上班) — working even if they fall on a weekend or holiday.
    pub workdays: BTreeSet<NaiveDate>,
    /// Duty starts after office hours (DUTY-2, default 17:30).
    #[serde(with = "hhmm")]
    pub duty_start: NaiveTime,
    /// Duty ends next morning (DUTY-2, default 08:30); also the change-over time of the
    /// 24-hour duty on holidays.
    #[serde(with = "hhmm")]
    pub duty_end: NaiveTime,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        BusinessCalendar {
            utc_offset_minutes: 480,
            office_start: hm(8, 30),
            office_end: hm(17, 30),
            weekend: vec![Weekday::Sat, Weekday::Sun],
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
            duty_start: hm(17, 30),
            duty_end: hm(8, 30),
        }
    }
}

/// Serializes a `NaiveTime` as "HH:MM" (accepts "HH:MM:SS" too).
mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        NaiveTime::parse_from_str(&s, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&s, "%H:%M:%S"))
            .map_err(serde::de::Error::custom)
    }
}

fn time_ms(t: NaiveTime) -> i64 {
    t.num_seconds_from_midnight() as i64 * 1000 + (t.nanosecond() / 1_000_000).min(999) as i64
}

fn days_since_epoch(date: NaiveDate) -> i64 {
    date.num_days_from_ce() as i64 - UNIX_EPOCH_CE_DAYS
}

fn date_from_epoch_days(days: i64) -> NaiveDate {
    let min = days_since_epoch(NaiveDate::MIN);
    let max = days_since_epoch(NaiveDate::MAX);
    let ce = (days.clamp(min, max) + UNIX_EPOCH_CE_DAYS) as i32;
    NaiveDate::from_num_days_from_ce_opt(ce).unwrap_or(NaiveDate::MIN)
}

/// `started + span * 4/5` without overflow: the 80 % warning point (SLA "due soon").
fn eighty_percent(started: i64, deadline: i64) -> i64 {
    let span = deadline as i128 - started as i128;
    (started as i128 + span * 4 / 5) as i64
}

/// `2026-10`: the month of `t_ms` in estate time (UTC+8), for index keys. Views are folded
/// without the estate's settings, and every estate this serves is on China time.
pub fn month_key(t_ms: i64) -> String {
    BusinessCalendar::default()
        .local_date(t_ms)
        .format("%Y-%m")
        .to_string()
}

impl BusinessCalendar {
    // ----- local time -------------------------------------------------------------------

    fn offset_ms(&self) -> i64 {
        self.utc_offset_minutes as i64 * MINUTE_MS
    }

    /// The offset as a chrono `FixedOffset` (UTC+8 if the setting is out of range).
    pub fn fixed_offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes.saturating_mul(60))
            .or_else(|| FixedOffset::east_opt(480 * 60))
            .expect("UTC+8 is a valid offset")
    }

    /// Local wall-clock date and time of the instant `t_ms` (UTC ms).
    pub fn to_local(&self, t_ms: i64) -> NaiveDateTime {
        let local = t_ms.saturating_add(self.offset_ms());
        let date = date_from_epoch_days(local.div_euclid(DAY_MS));
        let ms = local.rem_euclid(DAY_MS);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(
            (ms / 1000) as u32,
            (ms % 1000) as u32 * 1_000_000,
        )
        .unwrap_or(NaiveTime::MIN);
        date.and_time(time)
    }

    /// Local date of the instant `t_ms`.
    pub fn local_date(&self, t_ms: i64) -> NaiveDate {
        self.to_local(t_ms).date()
    }

    /// The instant (UTC ms) of a local wall-clock date and time.
    pub fn from_local(&self, dt: NaiveDateTime) -> i64 {
        self.at(dt.date(), dt.time())
    }

    /// The instant (UTC ms) of local `time` on local `date`.
    pub fn at(&self, date: NaiveDate, time: NaiveTime) -> i64 {
        days_since_epoch(date) * DAY_MS + time_ms(time) - self.offset_ms()
    }

    // ----- working days -----------------------------------------------------------------

    /// Is `date` a working day: a make-up workday, or neither a holiday nor a weekend day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.workdays.contains(&date)
            || !(self.holidays.contains(&date) || self.weekend.contains(&date.weekday()))
    }

    /// Is `date` a rest day (holiday or weekend, and not a make-up workday) — DUTY-2's
    /// 24-hour duty days.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        !self.is_working_day(date)
    }

    /// Is the instant inside office hours on a working day.
    pub fn in_office_hours(&self, t_ms: i64) -> bool {
        let local = self.to_local(t_ms);
        self.is_working_day(local.date())
            && local.time() >= self.office_start
            && local.time() < self.office_end
    }

    /// Office hours of `date` as UTC ms, `None` on a rest day or if the office hours are empty.
    pub fn office_hours(&self, date: NaiveDate) -> Option<(i64, i64)> {
        if !self.is_working_day(date) || self.office_end <= self.office_start {
            return None;
        }
        Some((
            self.at(date, self.office_start),
            self.at(date, self.office_end),
        ))
    }

    // ----- duty (DUTY-2) ----------------------------------------------------------------

    /// The duty shift belonging to `date`, as UTC ms `[start, end)` (DUTY-2).
    /// Working day: `date` 17:30 → `date`+1 08:30. Holiday or weekend: 24 h,
    /// `date` 08:30 → `date`+1 08:30.
    pub fn duty_shift(&self, date: NaiveDate) -> (i64, i64) {
        let next = date.succ_opt().unwrap_or(date);
        if self.is_holiday(date) {
            return (self.at(date, self.duty_end), self.at(next, self.duty_end));
        }
        let end_date = if self.duty_end <= self.duty_start {
            next
        } else {
            date
        };
        (
            self.at(date, self.duty_start),
            self.at(end_date, self.duty_end),
        )
    }

    /// The date whose duty shift covers the instant, or `None` when nobody is on duty
    /// because the office is open (DUTY-2). 02:00 on a Tuesday belongs to Monday's shift.
    pub fn duty_date_at(&self, t_ms: i64) -> Option<NaiveDate> {
        let today = self.local_date(t_ms);
        let yesterday = today.pred_opt().unwrap_or(today);
        [yesterday, today].into_iter().find(|&d| {
            let (start, end) = self.duty_shift(d);
            start <= t_ms && t_ms < end
        })
    }

    // ----- business time ----------------------------------------------------------------

    fn office_ms_per_day(&self) -> i64 {
        (time_ms(self.office_end) - time_ms(self.office_start)).max(0)
    }

    /// Office ms in a regular week (no holidays or make-up days in it).
    fn office_ms_per_week(&self) -> i64 {
        let working = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ]
        .iter()
        .filter(|d| !self.weekend.contains(d))
        .count() as i64;
        working * self.office_ms_per_day()
    }

    /// First holiday or make-up day on or after `date`.
    fn next_special(&self, date: NaiveDate) -> Option<NaiveDate> {
        let h = self.holidays.range(date..).next();
        let w = self.workdays.range(date..).next();
        match (h, w) {
            (Some(h), Some(w)) => Some(*h.min(w)),
            (h, w) => h.or(w).copied(),
        }
    }

    /// Whole regular weeks (no special dates) starting at `date`, at most `limit`.
    fn regular_weeks(&self, date: NaiveDate, limit: i64) -> i64 {
        let gap = match self.next_special(date) {
            Some(s) => (s - date).num_days() / 7,
            None => i64::MAX,
        };
        gap.min(limit).max(0)
    }

    /// Adds `amount_ms` of business time to `start` (UTC ms). Whole regular weeks are skipped
    /// at once, so the cost grows with the number of holidays, not with the amount.
    /// `None` if the calendar never opens again (or dates run out of range).
    fn add_business_ms(&self, start: i64, amount_ms: i64) -> Option<i64> {
        if amount_ms <= 0 {
            return Some(start);
        }
        let per_day = self.office_ms_per_day();
        if per_day == 0 {
            return None;
        }
        let per_week = self.office_ms_per_week();
        let mut remaining = amount_ms;
        let mut date = self.local_date(start);
        let mut from = start;
        loop {
            if let Some((open, close)) = self.office_hours(date) {
                let begin = from.max(open);
                if begin < close {
                    let avail = close - begin;
                    if remaining <= avail {
                        return Some(begin + remaining);
                    }
                    remaining -= avail;
                }
            }
            date = date.succ_opt()?;
            from = i64::MIN;
            if per_week > 0 {
                // Never consume the last millisecond in bulk: the deadline must land on
                // the close of its working day, found by the day-by-day step above.
                let weeks = self.regular_weeks(date, (remaining - 1) / per_week);
                if weeks > 0 {
                    remaining -= weeks * per_week;
                    date = date.checked_add_signed(Duration::try_days(weeks * 7)?)?;
                }
            } else if !self.is_working_day(date) {
                // Every weekday is a rest day: only make-up days ever open.
                date = *self.workdays.range(date..).next()?;
            }
        }
    }

    /// Business time (office hours on working days) between two instants, in whole minutes;
    /// 0 when `b_ms <= a_ms`. For KPIs such as handling time.
    pub fn business_minutes_between(&self, a_ms: i64, b_ms: i64) -> i64 {
        if b_ms <= a_ms || self.office_ms_per_day() == 0 {
            return 0;
        }
        let per_week = self.office_ms_per_week();
        let last = self.local_date(b_ms);
        let mut date = self.local_date(a_ms);
        let mut total: i64 = 0;
        loop {
            if let Some((open, close)) = self.office_hours(date) {
                let begin = a_ms.max(open);
                let end = b_ms.min(close);
                if begin < end {
                    total += end - begin;
                }
            }
            if date >= last {
                break;
            }
            date = match date.succ_opt() {
                Some(d) => d,
                None => break,
            };
            // Days strictly between the first and the last are whole days inside (a, b).
            let whole_weeks = (last - date).num_days() / 7;
            if per_week > 0 {
                let weeks = self.regular_weeks(date, whole_weeks);
                if weeks > 0 {
                    total = total.saturating_add(weeks * per_week);
                    date += Duration::days(weeks * 7);
                }
            } else if !self.is_working_day(date) {
                date = match self.workdays.range(date..).next() {
                    Some(&d) if d < last => d,
                    _ => last,
                };
            }
        }
        total / MINUTE_MS
    }

    // ----- deadlines --------------------------------------------------------------------

    /// (warn_at, deadline) for a clock started at `started` (UTC ms).
    ///
    /// - `Elapsed`: `started` + amount minutes.
    /// - `Business`: amount minutes of office hours on working days; a clock started outside
    ///   office hours begins counting at the next opening.
    /// - `CalendarDays`: same local time, amount days later.
    /// - `CalendarMonths`: same local time, amount calendar months later; a day the month
    ///   lacks is clamped to the end of the month, the last day's last moment (Jan 31 10:00 +
    ///   1 month = Feb 28/29 23:59:59.999) — CMP-3. Keeping the start's time of day there would
    ///   let a later start end sooner (Jan 28 23:00 → Feb 28 23:00, Jan 29 01:00 → Feb 28 01:00).
    ///
    /// `warn_at` is where 80 % of the allowed time is used (for `Business` 80 % of the
    /// business minutes, on the business timeline). Negative amounts count as 0.
    pub fn deadline(&self, started: i64, spec: &ClockSpec) -> (i64, i64) {
        let amount = spec.amount.max(0);
        let elapsed = |minutes: i64| started.saturating_add(minutes.saturating_mul(MINUTE_MS));
        match spec.basis {
            Basis::Elapsed => {
                let d = elapsed(amount);
                (eighty_percent(started, d), d)
            }
            Basis::Business => {
                let total = amount.saturating_mul(MINUTE_MS);
                let warn_ms = (total as i128 * 4 / 5) as i64;
                match (
                    self.add_business_ms(started, warn_ms),
                    self.add_business_ms(started, total),
                ) {
                    (Some(w), Some(d)) => (w, d),
                    // A calendar that never opens: fall back to wall-clock minutes.
                    _ => {
                        let d = elapsed(amount);
                        (eighty_percent(started, d), d)
                    }
                }
            }
            Basis::CalendarDays => {
                // A fixed offset has no DST, so n local days are exactly n × 24 h.
                let d = started.saturating_add(amount.saturating_mul(DAY_MS));
                (eighty_percent(started, d), d)
            }
            Basis::CalendarMonths => {
                let local = self.to_local(started);
                let d = u32::try_from(amount)
                    .ok()
                    .and_then(|m| local.date().checked_add_months(Months::new(m)))
                    .map(|date| {
                        if date.day() == local.date().day() {
                            self.at(date, local.time())
                        } else {
                            self.at(date, END_OF_DAY)
                        }
                    })
                    .unwrap_or(i64::MAX);
                (eighty_percent(started, d), d)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Local (UTC+8) wall-clock instant.
    fn t(cal: &BusinessCalendar, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        cal.at(date(y, mo, d), hm(h, mi))
    }

    /// China's 2024 National Day: holidays Oct 1–7, make-up workdays Sun Sep 29, Sat Oct 12.
    fn national_day_2024() -> BusinessCalendar {
        BusinessCalendar {
            holidays: (1..=7).map(|d| date(2024, 10, d)).collect(),
            workdays: [date(2024, 9, 29), date(2024, 10, 12)]
                .into_iter()
                .collect(),
            ..BusinessCalendar::default()
        }
    }

    #[test]
    fn default_is_china_office_and_duty_hours_duty_2() {
        let cal = BusinessCalendar::default();
        assert_eq!(cal.utc_offset_minutes, 480);
        assert_eq!(cal.office_start, hm(8, 30));
        assert_eq!(cal.office_end, hm(17, 30));
        assert_eq!(cal.duty_start, hm(17, 30));
        assert_eq!(cal.duty_end, hm(8, 30));
        assert_eq!(cal.weekend, vec![Weekday::Sat, Weekday::Sun]);
        assert_eq!(cal.fixed_offset(), FixedOffset::east_opt(8 * 3600).unwrap());
    }

    #[test]
    fn local_time_uses_the_estate_offset() {
        let cal = BusinessCalendar::default();
        // 2024-03-11 00:30 local (UTC+8) is 2024-03-10 16:30 UTC.
        let utc = NaiveDate::from_ymd_opt(2024, 3, 10)
            .unwrap()
            .and_hms_opt(16, 30, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        let local = cal.to_local(utc);
        assert_eq!(local, date(2024, 3, 11).and_time(hm(0, 30)));
        assert_eq!(cal.local_date(utc), date(2024, 3, 11));
        assert_eq!(cal.from_local(local), utc);
        // Instants before 1970 work as well.
        let old = t(&cal, 1969, 12, 31, 23, 59);
        assert_eq!(cal.to_local(old), date(1969, 12, 31).and_time(hm(23, 59)));
    }

    #[test]
    fn old_settings_without_calendar_fields_still_decode() {
        let cal: BusinessCalendar = serde_json::from_str(r#"{"utc_offset_minutes":480}"#).unwrap();
        assert_eq!(cal, BusinessCalendar::default());
    }

    #[test]
    fn calendar_round_trips_through_json_with_hh_mm_times() {
        let cal = national_day_2024();
        let json = serde_json::to_string(&cal).unwrap();
        assert!(json.contains(r#""office_start":"08:30""#), "{json}");
        assert!(json.contains(r#""duty_start":"17:30""#), "{json}");
        assert!(json.contains(r#""2024-10-01""#), "{json}");
        let back: BusinessCalendar = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cal);
        // Seconds are accepted on input.
        let cal2: BusinessCalendar =
            serde_json::from_str(r#"{"office_start":"09:00:00"}"#).unwrap();
        assert_eq!(cal2.office_start, hm(9, 0));
    }

    #[test]
    fn weekend_and_make_up_workday() {
        let cal = national_day_2024();
        assert!(cal.is_working_day(date(2024, 9, 27))); // Friday
        assert!(cal.is_holiday(date(2024, 9, 28))); // Saturday
        assert!(cal.is_working_day(date(2024, 9, 29))); // Sunday, make-up workday (调休)
        assert!(!cal.is_holiday(date(2024, 9, 29)));
        assert!(cal.is_holiday(date(2024, 10, 1))); // Tuesday, National Day
        assert!(cal.is_holiday(date(2024, 10, 5))); // Saturday inside the holiday
        assert!(cal.is_working_day(date(2024, 10, 8))); // Tuesday back at work
        assert!(cal.is_working_day(date(2024, 10, 12))); // Saturday, make-up workday
        assert!(cal.is_holiday(date(2024, 10, 13))); // ordinary Sunday
        assert!(cal.in_office_hours(t(&cal, 2024, 9, 29, 10, 0)));
        assert!(!cal.in_office_hours(t(&cal, 2024, 9, 28, 10, 0)));
        assert!(!cal.in_office_hours(t(&cal, 2024, 9, 27, 17, 30))); // closing time
        assert!(cal.in_office_hours(t(&cal, 2024, 9, 27, 8, 30))); // opening time
    }

    #[test]
    fn duty_2_overnight_shift_crosses_midnight() {
        let cal = BusinessCalendar::default();
        let monday = date(2024, 3, 11);
        let (start, end) = cal.duty_shift(monday);
        assert_eq!(start, t(&cal, 2024, 3, 11, 17, 30));
        assert_eq!(end, t(&cal, 2024, 3, 12, 8, 30));
        assert_eq!(end - start, 15 * 3_600_000);
        // 02:00 on Tuesday belongs to Monday's shift.
        assert_eq!(cal.duty_date_at(t(&cal, 2024, 3, 12, 2, 0)), Some(monday));
        assert_eq!(cal.duty_date_at(t(&cal, 2024, 3, 11, 17, 30)), Some(monday));
        assert_eq!(cal.duty_date_at(t(&cal, 2024, 3, 11, 23, 59)), Some(monday));
        // Handover at 08:30: office hours, nobody on duty.
        assert_eq!(cal.duty_date_at(t(&cal, 2024, 3, 12, 8, 30)), None);
        assert_eq!(cal.duty_date_at(t(&cal, 2024, 3, 12, 12, 0)), None);
        assert!(cal.in_office_hours(t(&cal, 2024, 3, 12, 12, 0)));
        assert!(!cal.in_office_hours(t(&cal, 2024, 3, 12, 2, 0)));
    }

    #[test]
    fn duty_2_holiday_shift_is_24_hours() {
        let cal = national_day_2024();
        let oct1 = date(2024, 10, 1);
        let (start, end) = cal.duty_shift(oct1);
        assert_eq!(start, t(&cal, 2024, 10, 1, 8, 30));
        assert_eq!(end, t(&cal, 2024, 10, 2, 8, 30));
        assert_eq!(end - start, 24 * 3_600_000);
        assert_eq!(cal.duty_date_at(t(&cal, 2024, 10, 1, 12, 0)), Some(oct1));
        assert_eq!(cal.duty_date_at(t(&cal, 2024, 10, 2, 3, 0)), Some(oct1));
        // The night before the holiday is Monday Sep 30's ordinary shift.
        assert_eq!(
            cal.duty_date_at(t(&cal, 2024, 10, 1, 3, 0)),
            Some(date(2024, 9, 30))
        );
        // Back at work Oct 8: office hours again.
        assert_eq!(cal.duty_date_at(t(&cal, 2024, 10, 8, 9, 0)), None);
        assert_eq!(
            cal.duty_date_at(t(&cal, 2024, 10, 8, 3, 0)),
            Some(date(2024, 10, 7))
        );
    }

    #[test]
    fn duty_2_weekend_24_h_and_make_up_workday_normal_shift() {
        let cal = national_day_2024();
        // Saturday Sep 28: 24 h duty until the make-up workday's opening.
        let (start, end) = cal.duty_shift(date(2024, 9, 28));
        assert_eq!(start, t(&cal, 2024, 9, 28, 8, 30));
        assert_eq!(end, t(&cal, 2024, 9, 29, 8, 30));
        assert_eq!(
            cal.duty_date_at(t(&cal, 2024, 9, 28, 14, 0)),
            Some(date(2024, 9, 28))
        );
        // Sunday Sep 29 is a make-up workday: office hours by day, normal overnight duty.
        assert_eq!(cal.duty_date_at(t(&cal, 2024, 9, 29, 14, 0)), None);
        let (start, end) = cal.duty_shift(date(2024, 9, 29));
        assert_eq!(start, t(&cal, 2024, 9, 29, 17, 30));
        assert_eq!(end, t(&cal, 2024, 9, 30, 8, 30));
    }

    #[test]
    fn business_minutes_skip_the_weekend() {
        let cal = BusinessCalendar::default();
        // Friday 17:00 + 60 business minutes = Monday 09:00.
        let start = t(&cal, 2024, 3, 15, 17, 0);
        let (_, deadline) = cal.deadline(start, &ClockSpec::business_minutes(60));
        assert_eq!(deadline, t(&cal, 2024, 3, 18, 9, 0));
        assert_eq!(cal.business_minutes_between(start, deadline), 60);
    }

    #[test]
    fn business_minutes_skip_a_holiday() {
        let cal = national_day_2024();
        // Monday Sep 30 17:00 + 60 business minutes: Oct 1–7 off, ends Tue Oct 8 09:00.
        let start = t(&cal, 2024, 9, 30, 17, 0);
        let (_, deadline) = cal.deadline(start, &ClockSpec::business_minutes(60));
        assert_eq!(deadline, t(&cal, 2024, 10, 8, 9, 0));
        // Friday Oct 11 17:00: Saturday Oct 12 is a make-up workday.
        let start = t(&cal, 2024, 10, 11, 17, 0);
        let (_, deadline) = cal.deadline(start, &ClockSpec::business_minutes(60));
        assert_eq!(deadline, t(&cal, 2024, 10, 12, 9, 0));
    }

    #[test]
    fn business_clock_started_outside_office_hours_waits_for_opening() {
        let cal = BusinessCalendar::default();
        let spec = ClockSpec::business_minutes(60);
        // Tuesday evening → Wednesday 09:30.
        let (_, d) = cal.deadline(t(&cal, 2024, 3, 12, 20, 0), &spec);
        assert_eq!(d, t(&cal, 2024, 3, 13, 9, 30));
        // Tuesday early morning → Tuesday 09:30.
        let (_, d) = cal.deadline(t(&cal, 2024, 3, 12, 6, 0), &spec);
        assert_eq!(d, t(&cal, 2024, 3, 12, 9, 30));
        // Saturday → Monday 09:30.
        let (_, d) = cal.deadline(t(&cal, 2024, 3, 16, 11, 0), &spec);
        assert_eq!(d, t(&cal, 2024, 3, 18, 9, 30));
        // Exactly at closing time → next morning.
        let (_, d) = cal.deadline(t(&cal, 2024, 3, 12, 17, 30), &spec);
        assert_eq!(d, t(&cal, 2024, 3, 13, 9, 30));
    }

    #[test]
    fn business_deadline_using_the_whole_day_ends_at_closing_time() {
        let cal = BusinessCalendar::default();
        // A full office day (540 min) from opening ends at 17:30 that day, not next morning.
        let (_, d) = cal.deadline(
            t(&cal, 2024, 3, 11, 8, 30),
            &ClockSpec::business_minutes(540),
        );
        assert_eq!(d, t(&cal, 2024, 3, 11, 17, 30));
        // Five full days from Monday opening end Friday 17:30 (bulk week skipping).
        let (_, d) = cal.deadline(
            t(&cal, 2024, 3, 11, 8, 30),
            &ClockSpec::business_minutes(5 * 540),
        );
        assert_eq!(d, t(&cal, 2024, 3, 15, 17, 30));
        let (_, d) = cal.deadline(
            t(&cal, 2024, 3, 11, 8, 30),
            &ClockSpec::business_minutes(10 * 540),
        );
        assert_eq!(d, t(&cal, 2024, 3, 22, 17, 30));
    }

    #[test]
    fn business_warning_is_80_percent_on_the_business_timeline() {
        let cal = BusinessCalendar::default();
        // Friday 17:00, 60 business minutes: 48 minutes used at Monday 08:48.
        let start = t(&cal, 2024, 3, 15, 17, 0);
        let (warn, deadline) = cal.deadline(start, &ClockSpec::business_minutes(60));
        assert_eq!(warn, t(&cal, 2024, 3, 18, 8, 48));
        assert_eq!(cal.business_minutes_between(start, warn), 48);
        assert!(warn < deadline);
    }

    #[test]
    fn business_deadline_is_fast_for_10000_minutes_and_many_holidays() {
        // Every Wednesday for 30 years is a holiday, plus some make-up Saturdays.
        let mut cal = BusinessCalendar::default();
        let mut d = date(2024, 1, 3);
        while d < date(2054, 1, 1) {
            cal.holidays.insert(d);
            cal.workdays.insert(d + Duration::days(3));
            d += Duration::days(7);
        }
        let start = t(&cal, 2024, 1, 2, 10, 0);
        let began = std::time::Instant::now();
        for amount in [10_000, 100_000, 1_000_000] {
            let (warn, deadline) = cal.deadline(start, &ClockSpec::business_minutes(amount));
            assert!(warn <= deadline);
            assert_eq!(cal.business_minutes_between(start, deadline), amount);
        }
        // No holidays at all: huge amounts skip whole weeks.
        let plain = BusinessCalendar::default();
        let (_, d) = plain.deadline(start, &ClockSpec::business_minutes(50_000_000));
        assert_eq!(plain.business_minutes_between(start, d), 50_000_000);
        assert!(began.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn business_minutes_between_counts_office_hours_only() {
        let cal = national_day_2024();
        let a = t(&cal, 2024, 9, 27, 8, 0); // Friday before opening
        let b = t(&cal, 2024, 9, 30, 12, 0); // Monday noon
                                             // Fri 540 + Sun Sep 29 (make-up) 540 + Mon 210.
        assert_eq!(cal.business_minutes_between(a, b), 540 + 540 + 210);
        assert_eq!(cal.business_minutes_between(b, a), 0);
        // The whole National Day week counts nothing.
        let a = t(&cal, 2024, 10, 1, 0, 0);
        let b = t(&cal, 2024, 10, 8, 0, 0);
        assert_eq!(cal.business_minutes_between(a, b), 0);
    }

    #[test]
    fn business_clock_on_a_calendar_that_never_opens_falls_back_to_elapsed() {
        let cal = BusinessCalendar {
            office_start: hm(9, 0),
            office_end: hm(9, 0),
            ..BusinessCalendar::default()
        };
        let start = t(&cal, 2024, 3, 11, 10, 0);
        assert_eq!(
            cal.deadline(start, &ClockSpec::business_minutes(60)).1,
            start + 3_600_000
        );
    }

    #[test]
    fn calendar_days_keep_the_local_time() {
        let cal = BusinessCalendar::default();
        // CMP-10 style: callback within 3 days.
        let start = t(&cal, 2024, 2, 28, 15, 45);
        let (warn, d) = cal.deadline(start, &ClockSpec::days(3));
        assert_eq!(d, t(&cal, 2024, 3, 2, 15, 45));
        assert_eq!(warn - start, (d - start) * 4 / 5);
    }

    #[test]
    fn cmp_3_one_month_clamps_to_month_end() {
        let cal = BusinessCalendar::default();
        let month = ClockSpec::months(1);
        // Ordinary year: Jan 31 + 1 month = the end of Feb 28.
        let end = |y, m, d| cal.at(NaiveDate::from_ymd_opt(y, m, d).unwrap(), END_OF_DAY);
        let (_, d) = cal.deadline(t(&cal, 2023, 1, 31, 10, 0), &month);
        assert_eq!(d, end(2023, 2, 28));
        // Leap year: Feb 29.
        let (_, d) = cal.deadline(t(&cal, 2024, 1, 31, 10, 0), &month);
        assert_eq!(d, end(2024, 2, 29));
        // A later start never ends sooner: Jan 28 23:00 ends Feb 28 23:00, Jan 29 01:00 at
        // the end of that day (not Feb 28 01:00).
        let (_, a) = cal.deadline(t(&cal, 2023, 1, 28, 23, 0), &month);
        let (_, b) = cal.deadline(t(&cal, 2023, 1, 29, 1, 0), &month);
        assert_eq!(a, t(&cal, 2023, 2, 28, 23, 0));
        assert_eq!(b, end(2023, 2, 28));
        // Across the year end: Dec 31 → Jan 31.
        let (_, d) = cal.deadline(t(&cal, 2024, 12, 31, 16, 20), &month);
        assert_eq!(d, t(&cal, 2025, 1, 31, 16, 20));
        // Mid-month: same day next month.
        let (_, d) = cal.deadline(t(&cal, 2024, 3, 15, 9, 0), &month);
        assert_eq!(d, t(&cal, 2024, 4, 15, 9, 0));
    }

    #[test]
    fn cmp_3_month_is_counted_on_the_local_date() {
        let cal = BusinessCalendar::default();
        // 01:00 on Jan 31 local is still Jan 30 in UTC; the month follows the local date.
        let (_, d) = cal.deadline(t(&cal, 2024, 1, 31, 1, 0), &ClockSpec::months(1));
        assert_eq!(
            d,
            cal.at(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(), END_OF_DAY)
        );
    }

    #[test]
    fn cmp_4_contact_clocks_run_day_and_night() {
        let cal = BusinessCalendar::default();
        // Urgent: 30 min, even on a Saturday night.
        let start = t(&cal, 2024, 3, 16, 23, 50);
        let (warn, d) = cal.deadline(start, &ClockSpec::elapsed_minutes(30));
        assert_eq!(d, t(&cal, 2024, 3, 17, 0, 20));
        assert_eq!(warn, t(&cal, 2024, 3, 17, 0, 14));
        // General: 24 h.
        let (_, d) = cal.deadline(start, &ClockSpec::elapsed_minutes(24 * 60));
        assert_eq!(d, t(&cal, 2024, 3, 17, 23, 50));
    }

    #[test]
    fn help_2_supervisor_reply_within_10_minutes() {
        let cal = national_day_2024();
        let start = t(&cal, 2024, 10, 1, 3, 0);
        let (warn, d) = cal.deadline(start, &ClockSpec::elapsed_minutes(10));
        assert_eq!(d, start + 10 * 60_000);
        assert_eq!(warn, start + 8 * 60_000);
    }

    #[test]
    fn zero_or_negative_amounts_are_due_at_once() {
        let cal = BusinessCalendar::default();
        let start = t(&cal, 2024, 3, 16, 11, 0);
        for spec in [
            ClockSpec::elapsed_minutes(0),
            ClockSpec::business_minutes(-5),
            ClockSpec::days(0),
            ClockSpec::months(-1),
        ] {
            assert_eq!(cal.deadline(start, &spec), (start, start), "{spec:?}");
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    const Y2000: i64 = 946_684_800_000;
    const Y2100: i64 = 4_102_444_800_000;

    fn calendar() -> impl Strategy<Value = BusinessCalendar> {
        // Holidays and make-up days sprinkled over 2000–2101.
        (
            proptest::collection::btree_set(0i64..37_000, 0..200),
            proptest::collection::btree_set(0i64..37_000, 0..50),
        )
            .prop_map(|(h, w)| {
                let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
                BusinessCalendar {
                    holidays: h.into_iter().map(|d| base + Duration::days(d)).collect(),
                    workdays: w.into_iter().map(|d| base + Duration::days(d)).collect(),
                    ..BusinessCalendar::default()
                }
            })
    }

    fn spec() -> impl Strategy<Value = ClockSpec> {
        prop_oneof![
            (0i64..20_000).prop_map(ClockSpec::elapsed_minutes),
            (0i64..20_000).prop_map(ClockSpec::business_minutes),
            (0i64..400).prop_map(ClockSpec::days),
            (0i64..36).prop_map(ClockSpec::months),
        ]
    }

    proptest! {
        /// Starting later never gives an earlier deadline or warning; warn_at <= deadline.
        #[test]
        fn deadlines_are_monotonic_and_warn_before_deadline(
            cal in calendar(),
            spec in spec(),
            a in Y2000..Y2100,
            delta in 0i64..(40 * 86_400_000),
        ) {
            let b = a + delta;
            let (wa, da) = cal.deadline(a, &spec);
            let (wb, db) = cal.deadline(b, &spec);
            prop_assert!(a <= wa && wa <= da);
            prop_assert!(b <= wb && wb <= db);
            prop_assert!(da <= db, "deadline not monotonic: {} > {}", da, db);
            prop_assert!(wa <= wb, "warn_at not monotonic: {} > {}", wa, wb);
        }

        /// A business clock's deadline is exactly its allowance on the business timeline.
        #[test]
        fn business_deadline_uses_exactly_the_allowance(
            cal in calendar(),
            minutes in 1i64..20_000,
            a in Y2000..Y2100,
        ) {
            let a = a - a.rem_euclid(60_000); // whole minutes
            let (warn, d) = cal.deadline(a, &ClockSpec::business_minutes(minutes));
            prop_assert_eq!(cal.business_minutes_between(a, d), minutes);
            prop_assert_eq!(cal.business_minutes_between(a, warn), minutes * 4 / 5);
            prop_assert!(cal.in_office_hours(d - 1));
        }
    }
}
