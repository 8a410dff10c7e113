//! Figures of patrol: the week's coverage per building and floor (PAT-2), the facility
//! good-order rate against 98 % (PAT-8), rounds on time / late / missed per person (PAT-1) and
//! findings by kind with how fast they were handled (PAT-5).

use super::{AnswerType, AnswerValue, Finding, FindingKind, PatrolRound, RoundOutcome};
use crate::domain::ids::{RecordId, StaffId};
use std::collections::{BTreeMap, BTreeSet};

/// PAT-2: every floor twice a week.
pub const VISITS_PER_WEEK: usize = 2;
/// PAT-8: facilities in good order ≥ 98 %.
pub const GOOD_ORDER_TARGET: f64 = 0.98;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FloorCoverage {
    pub floor: i32,
    /// Times of the distinct rounds that walked this floor within the week.
    pub visits: Vec<i64>,
    /// The latest walk in the rounds given (may be before the week).
    pub last: Option<i64>,
}

impl FloorCoverage {
    /// The twice-a-week rule holds (PAT-2).
    pub fn ok(&self) -> bool {
        self.visits.len() >= VISITS_PER_WEEK
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildingCoverage {
    pub building: RecordId,
    pub name: String,
    pub floors: Vec<FloorCoverage>,
}

impl BuildingCoverage {
    pub fn gaps(&self) -> usize {
        self.floors.iter().filter(|f| !f.ok()).count()
    }
}

/// A building as the coverage view needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildingFloors {
    pub id: RecordId,
    pub name: String,
    pub floors: i32,
    pub basements: i32,
}

/// Coverage of the week `[from, to)` (UTC ms) for each building and floor, from the rounds
/// given (those of the week and, for "last patrolled", earlier ones). A round counts once per
/// floor however many stops it had there; skipped floors of a sweep do not count.
pub fn coverage(
    buildings: &[BuildingFloors],
    rounds: &[PatrolRound],
    from: i64,
    to: i64,
) -> Vec<BuildingCoverage> {
    // (building, floor) → times of walks, one per round.
    let mut walks: BTreeMap<(RecordId, i32), Vec<i64>> = BTreeMap::new();
    for r in rounds {
        let mut seen = BTreeSet::new();
        for c in &r.check_ins {
            let Some(stop) = r.stops().get(c.stop as usize) else {
                continue;
            };
            let Some(b) = stop.building else { continue };
            for f in stop.covered_floors() {
                if c.skipped_floors.contains(&f) || !seen.insert((b, f)) {
                    continue;
                }
                walks.entry((b, f)).or_default().push(c.at);
            }
        }
    }
    buildings
        .iter()
        .map(|b| {
            let floors = (-b.basements..=b.floors)
                .filter(|f| *f != 0)
                .map(|floor| {
                    let times = walks.get(&(b.id, floor)).cloned().unwrap_or_default();
                    let mut visits: Vec<i64> = times
                        .iter()
                        .copied()
                        .filter(|t| *t >= from && *t < to)
                        .collect();
                    visits.sort();
                    FloorCoverage {
                        floor,
                        visits,
                        last: times.iter().copied().filter(|t| *t < to).max(),
                    }
                })
                .collect();
            BuildingCoverage {
                building: b.id,
                name: b.name.clone(),
                floors,
            }
        })
        .collect()
}

/// Facility items answered in `[from, to)`: (in good order, checked) — PAT-8.
pub fn good_order(rounds: &[PatrolRound], from: i64, to: i64) -> (u32, u32) {
    let (mut ok, mut all) = (0, 0);
    for r in rounds {
        for c in r.check_ins.iter().filter(|c| c.at >= from && c.at < to) {
            let Some(stop) = r.stops().get(c.stop as usize) else {
                continue;
            };
            for (i, item) in stop.items.iter().enumerate() {
                if !item.facility || item.answer != AnswerType::OkNotOk {
                    continue;
                }
                all += 1;
                let bad = c
                    .answers
                    .iter()
                    .any(|a| a.item as usize == i && a.value == AnswerValue::NotOk);
                if !bad {
                    ok += 1;
                }
            }
        }
    }
    (ok, all)
}

/// The good-order rate, `None` when nothing was checked.
pub fn rate(ok: u32, all: u32) -> Option<f64> {
    (all > 0).then(|| ok as f64 / all as f64)
}

/// Rounds per person by outcome (PAT-1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonRounds {
    pub on_time: u32,
    pub late: u32,
    pub partial: u32,
    pub missed: u32,
    pub manual_check_ins: u32,
}

pub fn per_person(rounds: &[PatrolRound], now: i64) -> BTreeMap<StaffId, PersonRounds> {
    let mut out: BTreeMap<StaffId, PersonRounds> = BTreeMap::new();
    for r in rounds {
        let Some(who) = r.plan.as_ref().and_then(|p| p.walker) else {
            continue;
        };
        let e = out.entry(who).or_default();
        match r.outcome(now) {
            RoundOutcome::OnTime => e.on_time += 1,
            RoundOutcome::Late => e.late += 1,
            RoundOutcome::Partial => e.partial += 1,
            RoundOutcome::Missed => e.missed += 1,
            _ => {}
        }
        e.manual_check_ins += r.check_ins.iter().filter(|c| c.manual).count() as u32;
    }
    out
}

/// Findings of one kind: how many, how many handled or reported within 24 h (PAT-5), still
/// open, and the median minutes to handle or report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingStats {
    pub count: u32,
    pub in_time: u32,
    pub open: u32,
    pub median_minutes: Option<i64>,
}

pub fn findings_by_kind(findings: &[Finding]) -> BTreeMap<FindingKind, FindingStats> {
    let mut mins: BTreeMap<FindingKind, Vec<i64>> = BTreeMap::new();
    let mut out: BTreeMap<FindingKind, FindingStats> = BTreeMap::new();
    for f in findings {
        let (Some(info), Some(clock)) = (&f.info, &f.clock) else {
            continue;
        };
        let s = out.entry(info.kind).or_default();
        s.count += 1;
        match clock.stopped {
            Some(at) => {
                if at <= clock.deadline {
                    s.in_time += 1;
                }
                mins.entry(info.kind)
                    .or_default()
                    .push((at - clock.started) / 60_000);
            }
            None => s.open += 1,
        }
    }
    for (k, mut v) in mins {
        v.sort();
        if let Some(s) = out.get_mut(&k) {
            s.median_minutes = v.get(v.len() / 2).copied();
        }
    }
    out
}
