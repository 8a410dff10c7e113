//! Business calendar: office hours, duty hours (DUTY-2: 17:30 → 08:30, holidays 24 h),
//! holidays and the estate's UTC offset. Implemented in full by the SLA work.

use super::sla::ClockSpec;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessCalendar {
    pub utc_offset_minutes: i32,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        BusinessCalendar { utc_offset_minutes: 480 }
    }
}

impl BusinessCalendar {
    /// (warn_at, deadline) for a clock started at `started` (UTC ms).
    pub fn deadline(&self, started: i64, spec: &ClockSpec) -> (i64, i64) {
        let d = started + spec.amount * 60_000;
        (started + (d - started) * 8 / 10, d)
    }
}
