//! Retention (QUAL-4, VIO-9, DUTY-4): how long a closed record is kept. General violations a
//! year, major violations five years, the duty log three years; the rest by a setting. Nothing
//! is destroyed silently: a record past its date only appears on the Director's review list.

use super::calendar::BusinessCalendar;
use super::violations::Severity;
use chrono::Months;

/// What a record is kept as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// 一般违章: 1 year (VIO-9).
    GeneralViolation,
    /// 重大违章: 5 years (VIO-9).
    MajorViolation,
    /// 值班记录: 3 years (DUTY-4).
    DutyLog,
    /// Everything else: the estate's setting, in years.
    Other(u32),
}

impl Class {
    pub fn for_violation(s: Severity) -> Class {
        match s {
            Severity::General => Class::GeneralViolation,
            Severity::Major => Class::MajorViolation,
        }
    }
    /// Years kept (QUAL-4).
    pub fn years(self) -> u32 {
        match self {
            Class::GeneralViolation => 1,
            Class::MajorViolation => 5,
            Class::DutyLog => 3,
            Class::Other(y) => y,
        }
    }
}

/// Kept until the same local date and time `years` later (29 Feb → 28 Feb), in estate time.
pub fn kept_until(class: Class, closed: i64) -> i64 {
    let cal = BusinessCalendar::default();
    let local = cal.to_local(closed);
    let later = local
        .checked_add_months(Months::new(12 * class.years()))
        .unwrap_or(local);
    cal.from_local(later)
}

/// Search-index key of the records whose retention ends in a month (`keep|2027-10`): the
/// review list reads the months up to now, never every record.
pub fn keep_key(kept_until: i64) -> String {
    format!("keep|{}", super::calendar::month_key(kept_until))
}

/// The months whose `keep|` keys the review list reads at `now`: from `first` (the oldest
/// month anything could expire in) up to and including the current one.
pub fn review_months(first: &str, now: i64) -> Vec<String> {
    let cal = BusinessCalendar::default();
    let today = cal.local_date(now);
    let Ok(mut d) = chrono::NaiveDate::parse_from_str(&format!("{first}-01"), "%Y-%m-%d") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while d <= today && out.len() < 1200 {
        out.push(d.format("%Y-%m").to_string());
        let Some(next) = d.checked_add_months(Months::new(1)) else {
            break;
        };
        d = next;
    }
    out
}
