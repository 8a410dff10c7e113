//! PAT-2 role inspections of household orders (seed 001 岗位职责): the Director inspects the
//! paid in-home services twice a month, the internal supervisor in-home cleaning twice a week.
//! They are rounds of the one patrol model — planned by `schedule::plan_week` from a route of
//! an inspection [`Tier`], on the walker's to-do list, met or missed on the coverage page —
//! whose stops are the period's finished paid orders, read from the work orders' index
//! (`wo-paid|<all|cleaning>|<day>`, one range read of slim rows). Each order is checked
//! satisfactory or with a problem (a note; optionally a callback through
//! `callbacks::schedule`, or a follow-up order through the repairs desk).

use super::{pd, PatrolEvent, PatrolRound, RoundOutcome, Tier};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::{self, CallbackRequest};
use crate::domain::command::{Actor, DomainError};
use crate::domain::event::{Draft, RecordKind, RecordRef};
use crate::domain::ids::RecordId;
use crate::domain::roles::Department;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// PAT-2: inspections per period (twice a month, twice a week).
pub const PER_PERIOD: u32 = 2;

/// One order checked on an inspection round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderCheck {
    /// The work order inspected.
    pub order: RecordId,
    /// Its one line as listed (serial, place, content), kept with the result.
    pub title: String,
    pub at: i64,
    /// Satisfactory (满意) or a problem.
    pub ok: bool,
    /// What was found (required for a problem).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// A callback scheduled for the problem (`callbacks::schedule`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<RecordRef>,
}

/// The work-order search key of a finished paid order (without the kind prefix): every paid
/// service under `all`, the environment department's (居家保洁, 玻璃清洗, 绿化养护) also under
/// `cleaning`.
pub fn order_keys(department: Department, finished: NaiveDate) -> Vec<String> {
    let mut k = vec![format!("wo-paid|all|{finished}")];
    if department == Department::Environment {
        k.push(format!("wo-paid|cleaning|{finished}"));
    }
    k
}

/// The days whose finished orders an inspection on `date` checks: the director's the 15 days
/// up to it (half a month), the internal supervisor's the 7 days up to it.
pub fn period(tier: Tier, date: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let days = match tier {
        Tier::ServiceInspection => 14,
        Tier::CleaningInspection => 6,
        _ => return None,
    };
    Some((date - Days::new(days), date))
}

/// The search range (`Filter::Range` on work orders) of an inspection round on `date`.
pub fn order_range(tier: Tier, date: NaiveDate) -> Option<(String, String)> {
    let (from, to) = period(tier, date)?;
    let which = if tier == Tier::CleaningInspection {
        "cleaning"
    } else {
        "all"
    };
    Some((
        format!("wo-paid|{which}|{from}"),
        format!("wo-paid|{which}|{to}"),
    ))
}

/// What the inspector entered for one order.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectInput {
    pub order: RecordId,
    pub title: String,
    pub ok: bool,
    pub note: String,
    /// A callback for the problem: its new id and request.
    pub callback: Option<(RecordId, CallbackRequest)>,
}

/// PAT-2: records one order's result on an inspection round (the round's walker role:
/// `WalkPatrol`). A problem needs a note; an order is checked once per round.
pub fn inspect_order(
    actor: &Actor,
    id: RecordId,
    round: &PatrolRound,
    input: &InspectInput,
    now: i64,
    cal: &BusinessCalendar,
) -> Result<Vec<Draft>, DomainError> {
    super::may_walk(actor, round)?;
    if !round.is_inspection() {
        return Err(DomainError::invalid(
            "这不是工单检查",
            "This round is not an inspection of orders",
        ));
    }
    if round.inspections.iter().any(|c| c.order == input.order) {
        return Err(DomainError::invalid(
            "该工单本次已检查",
            "This order is already checked on this round",
        ));
    }
    let note = input.note.trim().to_string();
    if !input.ok && note.is_empty() {
        return Err(DomainError::invalid(
            "有问题请写明情况",
            "Say what the problem is",
        ));
    }
    let mut out = Vec::new();
    let mut follow_up = None;
    if let (false, Some((cb, req))) = (input.ok, &input.callback) {
        out.extend(callbacks::schedule(actor, *cb, req, now, cal)?);
        follow_up = Some(RecordRef::new(RecordKind::Callback, *cb));
    }
    out.insert(
        0,
        pd(
            RecordKind::PatrolRound,
            id,
            PatrolEvent::OrderInspected(Box::new(OrderCheck {
                order: input.order,
                title: input.title.trim().to_string(),
                at: now,
                ok: input.ok,
                note,
                follow_up,
            })),
        ),
    );
    Ok(out)
}

/// Met or missed in one period (PAT-2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodCoverage {
    /// "2026-11" (month) or "2026-w48" (week).
    pub period: String,
    pub planned: u32,
    /// Inspections done (on time or late).
    pub done: u32,
    /// Orders checked, and those with a problem.
    pub orders: u32,
    pub problems: u32,
}

impl PeriodCoverage {
    pub fn met(&self) -> bool {
        self.done >= PER_PERIOD
    }
}

/// The period an inspection round counts in: the month for the director's, the ISO week for
/// the internal supervisor's.
pub fn period_key(tier: Tier, date: NaiveDate) -> String {
    match tier {
        Tier::ServiceInspection => date.format("%Y-%m").to_string(),
        _ => super::week_key(date),
    }
}

/// The search key of an inspection round (without the kind prefix): `insp|<tier>|<period>`, so
/// the coverage page reads a period's inspections with one prefix lookup.
pub fn round_key(tier: Tier, date: NaiveDate) -> Option<String> {
    tier.is_inspection()
        .then(|| format!("insp|{}|{}", tier_key(tier), period_key(tier, date)))
}

fn tier_key(tier: Tier) -> &'static str {
    match tier {
        Tier::ServiceInspection => "services",
        _ => "cleaning",
    }
}

/// The prefix of a period's inspection rounds of `tier`.
pub fn period_prefix(tier: Tier, period: &str) -> String {
    format!("insp|{}|{period}", tier_key(tier))
}

/// PAT-2 coverage of the inspection rounds of `tier` per period, oldest first.
pub fn coverage(tier: Tier, rounds: &[PatrolRound], now: i64) -> Vec<PeriodCoverage> {
    let mut by: std::collections::BTreeMap<String, PeriodCoverage> = Default::default();
    for r in rounds {
        let Some(plan) = r.plan.as_ref().filter(|p| p.tier == tier) else {
            continue;
        };
        let cal = BusinessCalendar {
            utc_offset_minutes: plan.utc_offset_minutes,
            ..BusinessCalendar::default()
        };
        let key = period_key(tier, cal.local_date(plan.start));
        let e = by.entry(key.clone()).or_insert(PeriodCoverage {
            period: key,
            planned: 0,
            done: 0,
            orders: 0,
            problems: 0,
        });
        e.planned += 1;
        if matches!(r.outcome(now), RoundOutcome::OnTime | RoundOutcome::Late) {
            e.done += 1;
        }
        e.orders += r.inspections.len() as u32;
        e.problems += r.inspections.iter().filter(|c| !c.ok).count() as u32;
    }
    by.into_values().collect()
}
