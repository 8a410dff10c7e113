//! Patrol (PAT-1..8): a route per two buildings walked floor by floor by an assistant twice
//! a week, the public areas by the supervisors and the Director (PAT-2), planned every Monday
//! with the module's scheduler. Rounds are walked mostly on time, some late, partial or
//! missed; faults found at a checkpoint open work orders for engineering (REP-8) that are
//! taken, reached and repaired; other findings go their routing (PAT-4..6), some with a
//! photo. Recent work orders and findings stay open.

use super::estate::World;
use super::stream::{fold, Dev, Rng, Stream};
use super::Spec;
use crate::domain::command::{Actor, DomainError};
use crate::domain::event::{Draft, RecordKind, RecordRef};
use crate::domain::ids::{Entropy, RecordId, SeededEntropy, StaffId};
use crate::domain::patrol::demo::demo_note;
use crate::domain::patrol::schedule::plan_week;
use crate::domain::patrol::*;
use crate::domain::roles::{Department, Role};
use crate::domain::workorder::{self as wo, WorkOrder};
use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use std::collections::{BTreeMap, BTreeSet};

const MIN: i64 = 60_000;
const DAY: i64 = 86_400_000;

pub(super) struct Patrol<'w> {
    w: &'w World,
    r: Rng,
    ids: SeededEntropy,
    routes: Vec<(RecordId, PatrolRoute)>,
    actors: BTreeMap<StaffId, (Actor, Dev)>,
    planned: BTreeMap<NaiveDate, Vec<(RecordId, PatrolRound)>>,
    to: Recipients,
    end: NaiveDate,
    end_ms: i64,
    /// Per check-in: a facility fault (→ work order), another finding.
    p_fault: f64,
    p_other: f64,
    pub photos: Vec<String>,
    pub probe_week: String,
    probe_days: (NaiveDate, NaiveDate),
    probe_building: Option<RecordId>,
}

/// A floor landing checks its lights and fire equipment (PAT-3); other stops get the
/// module's default list. Kept short: every round carries its stops (a self-contained plan).
fn items(c: &super::estate::Checkpoint) -> Vec<ItemSpec> {
    match (c.facility, c.info.location.floor) {
        (None, Some(f)) if f > 1 && c.info.location.building.is_some() => {
            vec![ItemSpec::ok("照明", true), ItemSpec::ok("消防设施", true)]
        }
        (kind, floor) => default_items(floor, kind),
    }
}

fn last_full_week(end: NaiveDate) -> NaiveDate {
    let sunday = if end.weekday() == Weekday::Sun {
        end
    } else {
        end - Days::new(end.weekday().num_days_from_monday() as u64 + 1)
    };
    sunday - Days::new(6)
}

impl<'w> Patrol<'w> {
    pub fn new(spec: &Spec, w: &'w World, out: &mut Stream) -> Self {
        let mut ids = SeededEntropy::new(spec.seed ^ 0x9A7E_0150_0000_0005);
        let director = &w.director;
        let sups = w.with(Role::Supervisor);
        let assistants = w.with(Role::Assistant);
        let mut actors = BTreeMap::new();
        let walkers: Vec<&Actor> = assistants
            .iter()
            .chain(sups.iter())
            .copied()
            .chain(std::iter::once(director))
            .collect();
        for (i, a) in walkers.iter().enumerate() {
            let dev = [Dev::Patrol1, Dev::Patrol2, Dev::Patrol3][i % 3];
            actors.insert(a.id, ((*a).clone(), dev));
        }
        let stop = |c: &super::estate::Checkpoint| -> Stop {
            Stop {
                checkpoint: c.id,
                name: c.info.name.clone(),
                building: c.info.location.building,
                floor: c.info.location.floor,
                floors: vec![],
                area: c.info.location.area.clone(),
                items: items(c),
            }
        };
        let mut plans: Vec<(String, Tier, StaffId, Vec<Stop>)> = Vec::new();
        for (k, pair) in w.buildings.chunks(2).enumerate() {
            let stops: Vec<Stop> = pair
                .iter()
                .flat_map(|b| {
                    w.checkpoints
                        .iter()
                        .filter(move |c| c.info.location.building == Some(b.id))
                })
                .map(stop)
                .collect();
            let names: Vec<&str> = pair.iter().map(|b| b.name.as_str()).collect();
            let walker = assistants[k % assistants.len()].id;
            plans.push((
                format!("{}逐层巡查", names.join("、")),
                Tier::Assistant,
                walker,
                stops,
            ));
        }
        let outdoor: Vec<Stop> = w
            .checkpoints
            .iter()
            .filter(|c| c.info.location.building.is_none())
            .map(stop)
            .collect();
        let half = outdoor.len().div_ceil(2);
        plans.push((
            "公共区域巡视".into(),
            Tier::Supervisor,
            sups[0].id,
            outdoor.clone(),
        ));
        plans.push((
            "保洁绿化巡视".into(),
            Tier::Internal,
            sups[1 % sups.len()].id,
            outdoor[..half].to_vec(),
        ));
        plans.push((
            "主任公共区域巡视".into(),
            Tier::Director,
            director.id,
            outdoor,
        ));
        let t = w.cal.at(w.start - Days::new(20), NaiveTime::MIN) + 10 * 3_600_000;
        let mut routes = Vec::new();
        for (i, (name, tier, walker, stops)) in plans.into_iter().enumerate() {
            let id = ids.id();
            let info = RouteInfo {
                name,
                tier,
                walker: Some(walker),
                stops,
                active: true,
            };
            let ds = set_route(director, id, &info).expect("valid route");
            let mut route = PatrolRoute::default();
            let at = t + i as i64 * MIN;
            fold(
                &mut route,
                RecordRef::new(RecordKind::PatrolRoute, id),
                &ds,
                at,
                Some(director),
            );
            out.push(at, Dev::Desk, Some(director), ds);
            routes.push((id, route));
        }
        let to = Recipients {
            engineering: Some(w.lead(Department::Engineering).id),
            environment: Some(w.lead(Department::Environment).id),
            supervisor: Some(sups[0].id),
            director: Some(director.id),
        };
        let monday = last_full_week(spec.end);
        Patrol {
            w,
            r: Rng::new(spec.seed ^ 0x9A7E_D1CE_0000_0005),
            ids,
            routes,
            actors,
            planned: BTreeMap::new(),
            to,
            end: spec.end,
            end_ms: w.cal.at(spec.end + Days::new(1), NaiveTime::MIN),
            p_fault: 0.045 * spec.scale,
            p_other: 0.013 * spec.scale,
            photos: Vec::new(),
            probe_week: week_key(monday),
            probe_days: (monday, monday + Days::new(6)),
            probe_building: None,
        }
    }

    pub fn probe_building(&self) -> RecordId {
        self.probe_building
            .or_else(|| self.w.buildings.first().map(|b| b.id))
            .unwrap_or_default()
    }

    pub fn day(&mut self, date: NaiveDate, out: &mut Stream) {
        if date.weekday() == Weekday::Mon {
            self.plan(date, out);
        }
        let rounds = self.planned.remove(&date).unwrap_or_default();
        for (id, round) in rounds {
            self.walk(date, id, round, out);
        }
    }

    fn plan(&mut self, monday: NaiveDate, out: &mut Stream) {
        let w = self.w;
        let at = w
            .cal
            .at(monday, NaiveTime::from_hms_opt(6, 30, 0).expect("time"));
        let ds = plan_week(&w.director, &self.routes, monday, &w.cal, &BTreeSet::new())
            .expect("plan the week");
        let ds: Vec<Draft> = ds
            .into_iter()
            .filter(|d| {
                let mut r = PatrolRound::default();
                fold(&mut r, d.subject, std::slice::from_ref(d), at, None);
                let Some(plan) = r.plan.clone() else {
                    return false;
                };
                if plan.start >= self.end_ms {
                    return false;
                }
                let date = w.cal.local_date(plan.start);
                self.planned
                    .entry(date)
                    .or_default()
                    .push((d.subject.id, r));
                true
            })
            .collect();
        out.push(at, Dev::Patrol1, Some(&w.director), ds);
    }

    fn walker(&self, round: &PatrolRound) -> (Actor, Dev) {
        round
            .plan
            .as_ref()
            .and_then(|p| p.walker)
            .and_then(|id| self.actors.get(&id).cloned())
            .unwrap_or((self.w.director.clone(), Dev::Patrol1))
    }

    fn walk(&mut self, date: NaiveDate, id: RecordId, mut round: PatrolRound, out: &mut Stream) {
        let Some(plan) = round.plan.clone() else {
            return;
        };
        let (actor, dev) = self.walker(&round);
        let subject = RecordRef::new(RecordKind::PatrolRound, id);
        let mut step = |round: &mut PatrolRound, at: i64, ds: Result<Vec<Draft>, DomainError>| {
            if let Ok(ds) = ds {
                fold(round, subject, &ds, at, Some(&actor));
                out.push(at, dev, Some(&actor), ds);
            }
        };
        let fate = self.r.below(100);
        if fate < 4 {
            // Missed (PAT-1); closed the day after, so it leaves the to-do list.
            let at = plan.end + DAY + MIN;
            if at < self.end_ms {
                let ds = close_overdue(&actor, id, &round, at);
                step(&mut round, at, ds);
            }
            return;
        }
        let partial = fate < 9;
        let late = !partial && fate < 18;
        let n = plan.stops.len();
        let mut t = if late {
            plan.end - 10 * MIN
        } else {
            plan.start + (5 + self.r.below(20) as i64) * MIN
        };
        let ds = start_round(&actor, id, &round, t);
        step(&mut round, t, ds);
        let mut order: Vec<usize> = (0..n).collect();
        if n > 3 && self.r.chance(8) {
            order.swap(1, 2); // out of order (PAT-1 deviation)
        }
        let walked = if partial { n / 2 } else { n };
        let mut findings = Vec::new();
        for &i in order.iter().take(walked) {
            t += (20 + self.r.below(60) as i64) * 1000;
            let stop = &plan.stops[i];
            let mut answers = Vec::new();
            if self.r.p(self.p_fault) {
                let facility: Vec<usize> = (0..stop.items.len())
                    .filter(|k| stop.items[*k].facility)
                    .collect();
                if !facility.is_empty() {
                    let k = facility[self.r.below(facility.len() as u64) as usize];
                    answers.push(Answer {
                        item: k as u8,
                        value: AnswerValue::NotOk,
                    });
                    let kind = if stop.items[k].label == "机房门锁" {
                        FindingKind::BrokenLock
                    } else {
                        FindingKind::BrokenFacility
                    };
                    findings.push((i, t, kind, stop.items[k].label.clone()));
                }
            } else if self.r.p(self.p_other) {
                let others: Vec<FindingKind> = FindingKind::ALL
                    .into_iter()
                    .filter(|k| !matches!(k.routing(), Routing::WorkOrder { .. }))
                    .collect();
                let kind = others[self.r.below(others.len() as u64) as usize];
                findings.push((i, t, kind, String::new()));
            }
            let input = CheckInInput {
                scan: format!("s{}-{i}", id.short()),
                stop: i,
                at: t,
                manual: self.r.chance(3),
                answers,
                skipped_floors: vec![],
            };
            let ds = check_in(&actor, id, &round, input);
            step(&mut round, t, ds);
            if let Some(b) = stop.building {
                if self.probe_building.is_none()
                    && (self.probe_days.0..=self.probe_days.1).contains(&date)
                {
                    self.probe_building = Some(b);
                }
            }
        }
        for (i, at, kind, item) in findings {
            let at = at + 30_000;
            let stop = &plan.stops[i];
            let home = &self.w.households[self.r.below(self.w.households.len() as u64) as usize];
            let note = if item.is_empty() {
                demo_note(kind).to_string()
            } else {
                format!("{}：{}异常", stop.name, item)
            };
            let photos = if self.r.p(0.082) {
                let blob = format!("photo-{}", self.ids.id());
                self.photos.push(blob.clone());
                vec![Photo {
                    blob,
                    evidence: true,
                    taken: at - 10_000,
                }]
            } else {
                vec![]
            };
            let info = FindingInfo {
                kind,
                round: Some(id),
                stop: Some(i as u16),
                location: stop.name.clone(),
                note,
                facility: None,
                unit: matches!(kind, FindingKind::Opinion | FindingKind::HomeHazard)
                    .then_some(home.unit),
                household: (kind == FindingKind::Opinion).then_some(home.household),
                photos,
                persuaded: kind.routing() == Routing::Persuade && self.r.chance(70),
                for_posting: kind == FindingKind::BlockedFireLane,
            };
            let fids = FindingIds {
                finding: self.ids.id(),
                routed: self.ids.id(),
            };
            let Ok(ds) = raise_finding(&actor, fids, &info, &self.to, at, &self.w.cal) else {
                continue;
            };
            fold(&mut round, subject, &ds, at, Some(&actor));
            let mut finding = Finding::default();
            let fref = RecordRef::new(RecordKind::PatrolFinding, fids.finding);
            fold(&mut finding, fref, &ds, at, Some(&actor));
            let routed = ds
                .iter()
                .find(|d| d.subject.id == fids.routed)
                .cloned()
                .into_iter()
                .collect::<Vec<_>>();
            out.push(at, dev, Some(&actor), ds);
            self.follow_up(&actor, dev, fids, kind, finding, &routed, at, out);
        }
        let t_end = t + 5 * MIN;
        if t_end < self.end_ms {
            let note = if partial {
                "下雨暂停，其余点位改日补巡"
            } else {
                ""
            };
            let ds = finish_round(&actor, id, &round, t_end, note);
            if let Ok(ds) = ds {
                out.push(t_end, dev, Some(&actor), ds);
            }
        }
    }

    /// The steps after a finding, by its routing; recent ones are left open.
    #[allow(clippy::too_many_arguments)]
    fn follow_up(
        &mut self,
        walker: &Actor,
        dev: Dev,
        f: FindingIds,
        kind: FindingKind,
        finding: Finding,
        routed: &[Draft],
        at: i64,
        out: &mut Stream,
    ) {
        let w = self.w;
        let cal = &w.cal;
        // Most are handled within 24 h (PAT-5); one in twenty takes days.
        let later = at
            + if self.r.chance(5) {
                (26 + self.r.below(96) as i64) * 60 * MIN
            } else {
                (20 + self.r.below(600) as i64) * MIN
            };
        let due = |t: i64| t < self.end_ms;
        match kind.routing() {
            Routing::WorkOrder { .. } => {
                let lead = w.lead(Department::Engineering).clone();
                let crew = w.dept_staff(Department::Engineering);
                let fixer = crew[self.r.below(crew.len() as u64) as usize].clone();
                let wref = wo::work_order_ref(f.routed);
                let mut order = WorkOrder::default();
                fold(&mut order, wref, routed, at, Some(walker));
                let late = self.r.chance(10);
                let t1 = at + if late { 25 } else { 3 + self.r.below(7) as i64 } * MIN;
                let t2 = t1
                    + if late {
                        30
                    } else {
                        5 + self.r.below(10) as i64
                    } * MIN;
                let steps: [(i64, &Actor); 3] =
                    [(t1, &lead), (t2, &fixer), (later.max(t2 + MIN), &fixer)];
                // The last days' orders are still being worked on; a few older ones wait
                // on site (parts ordered).
                let days_left = (self.end - cal.local_date(at)).num_days();
                let steps_done = if days_left < 3 {
                    self.r.below(3) as usize
                } else if days_left < 60 && self.r.chance(3) {
                    2
                } else {
                    3
                };
                for (n, (t, who)) in steps.into_iter().enumerate() {
                    if n >= steps_done || !due(t) {
                        return;
                    }
                    let ds = match n {
                        0 => wo::take(who, f.routed, &order, t, cal),
                        1 => wo::arrive(who, f.routed, &order, t),
                        _ => wo::complete(who, f.routed, &order, t, "已修复，运行正常"),
                    };
                    let Ok(ds) = ds else { return };
                    fold(&mut order, wref, &ds, t, Some(who));
                    out.push(t, Dev::Desk, Some(who), ds);
                }
            }
            Routing::Cleaning if due(later) => {
                let lead = w.lead(Department::Environment);
                let mut c = CleaningCheck::default();
                let cref = RecordRef::new(RecordKind::CleaningCheck, f.routed);
                fold(&mut c, cref, routed, at, Some(walker));
                if let Ok(ds) = rectify_cleaning(lead, f.routed, &c, later, "已清洁") {
                    out.push(later, Dev::Desk, Some(lead), ds);
                }
            }
            Routing::Violation if due(later) => {
                let sup = w.with(Role::Supervisor)[0];
                let mut v = ViolationDraft::default();
                let vref = RecordRef::new(RecordKind::ViolationDraft, f.routed);
                fold(&mut v, vref, routed, at, Some(walker));
                if let Ok(ds) = file_violation(sup, f.routed, &v, later, "责令清理，按违约标准处理")
                {
                    out.push(later, Dev::Desk, Some(sup), ds);
                }
            }
            Routing::TellOwner if due(later) => {
                let fref = RecordRef::new(RecordKind::PatrolFinding, f.finding);
                let mut finding = finding;
                let t = at + 10 * MIN;
                if let Ok(ds) = owner_told(walker, f.finding, &finding, t, "电话告知业主") {
                    fold(&mut finding, fref, &ds, t, Some(walker));
                    out.push(t, dev, Some(walker), ds);
                }
                if let Ok(ds) = handle_finding(walker, f.finding, &finding, later, "业主已移除")
                {
                    out.push(later, dev, Some(walker), ds);
                }
            }
            Routing::Director if due(at + 15 * MIN) => {
                let t = at + 15 * MIN;
                if let Ok(ds) = acknowledge(&w.director, f.finding, &finding, t) {
                    out.push(t, Dev::Desk, Some(&w.director), ds);
                }
            }
            Routing::Persuade | Routing::Household
                if finding.status != FindingStatus::Handled && due(later) =>
            {
                if let Ok(ds) = handle_finding(walker, f.finding, &finding, later, "已劝导/已回复")
                {
                    out.push(later, dev, Some(walker), ds);
                }
            }
            _ => {}
        }
    }
}
