//! Scheduling rounds from the role frequencies of PAT-2, spread over the morning and evening
//! peaks of PAT-1. Round ids are derived from (route, date, peak), so planning the same week
//! twice, or on two tablets, makes the same rounds and never duplicates them.

use super::{pd, PatrolEvent, PatrolRoute, RoundPlan, Tier};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::{Actor, DomainError};
use crate::domain::event::{Draft, RecordKind};
use crate::domain::ids::{Id, RecordId};
use crate::domain::roles::Action;
use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use std::collections::BTreeSet;

/// The two peaks of PAT-1 ("巡查时间应均匀分布于早晚高峰期").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peak {
    /// 07:30–10:00
    Morning,
    /// 17:00–19:30
    Evening,
    /// 09:00–17:30: an inspection of household orders (PAT-2) is done in working hours.
    Day,
}

impl Peak {
    pub fn window(self) -> (NaiveTime, NaiveTime) {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
        match self {
            Peak::Morning => (t(7, 30), t(10, 0)),
            Peak::Evening => (t(17, 0), t(19, 30)),
            Peak::Day => (t(9, 0), t(17, 30)),
        }
    }
    fn n(self) -> u64 {
        match self {
            // An inspection route has only day slots: its ids never meet a peak's.
            Peak::Morning | Peak::Day => 0,
            Peak::Evening => 1,
        }
    }
}

/// The rounds of a tier in the week starting `monday`: (day offset, peak). PAT-2:
/// assistant and supervisor twice a week (different days and peaks), the director twice a
/// month (first and third week of the month), the internal supervisor every day, alternating.
/// Inspections of household orders (seed 001): the director's of paid in-home services twice a
/// month (second and fourth week, Wednesday), the internal supervisor's of in-home cleaning twice
/// a week (Tuesday and Friday), in working hours.
pub fn slots(tier: Tier, monday: NaiveDate) -> Vec<(u64, Peak)> {
    match tier {
        Tier::Assistant => vec![(0, Peak::Morning), (3, Peak::Evening)],
        Tier::Supervisor => vec![(1, Peak::Evening), (4, Peak::Morning)],
        Tier::Internal => (0..7)
            .map(|d| {
                (
                    d,
                    if d % 2 == 0 {
                        Peak::Morning
                    } else {
                        Peak::Evening
                    },
                )
            })
            .collect(),
        Tier::Director => {
            // The week's Wednesday decides which week of its month this is.
            let wed = monday + Days::new(2);
            match (wed.day() - 1) / 7 {
                0 => vec![(2, Peak::Morning)],
                2 => vec![(2, Peak::Evening)],
                _ => vec![],
            }
        }
        Tier::ServiceInspection => {
            let wed = monday + Days::new(2);
            match (wed.day() - 1) / 7 {
                1 | 3 => vec![(2, Peak::Day)],
                _ => vec![],
            }
        }
        Tier::CleaningInspection => vec![(1, Peak::Day), (4, Peak::Day)],
    }
}

/// The Monday of the week of `date`.
pub fn monday_of(date: NaiveDate) -> NaiveDate {
    date - Days::new(date.weekday().num_days_from_monday() as u64)
}

/// The id of a route's round on a date and peak (deterministic: no duplicates).
pub fn round_id(route: RecordId, date: NaiveDate, peak: Peak) -> RecordId {
    let n = (date.num_days_from_ce() as u64) * 2 + peak.n();
    Id::derived(&format!("patrol-round|{route}"), n)
}

/// Plans the week of `monday` for every active route with a walker. Rounds already in
/// `existing` are skipped. Anyone who walks rounds may run it: the plan follows from the
/// routes a supervisor set, so the tablet plans the current week by itself when opened.
pub fn plan_week(
    actor: &Actor,
    routes: &[(RecordId, PatrolRoute)],
    monday: NaiveDate,
    cal: &BusinessCalendar,
    existing: &BTreeSet<RecordId>,
) -> Result<Vec<Draft>, DomainError> {
    actor.may(Action::WalkPatrol)?;
    if monday.weekday() != Weekday::Mon {
        return Err(DomainError::invalid(
            "排班须从周一开始",
            "A week's plan starts on a Monday",
        ));
    }
    let mut out = Vec::new();
    for (route_id, route) in routes {
        let Some(info) = &route.info else { continue };
        if !info.active || info.walker.is_none() {
            continue;
        }
        for (day, peak) in slots(info.tier, monday) {
            let date = monday + Days::new(day);
            let id = round_id(*route_id, date, peak);
            if existing.contains(&id) {
                continue;
            }
            let (from, to) = peak.window();
            out.push(pd(
                RecordKind::PatrolRound,
                id,
                PatrolEvent::RoundScheduled {
                    plan: Box::new(RoundPlan {
                        route: *route_id,
                        route_name: info.name.clone(),
                        tier: info.tier,
                        walker: info.walker,
                        start: cal.at(date, from),
                        end: cal.at(date, to),
                        utc_offset_minutes: cal.utc_offset_minutes,
                        stops: info.stops.clone(),
                    }),
                },
            ));
        }
    }
    Ok(out)
}
