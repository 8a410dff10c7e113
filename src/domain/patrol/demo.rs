//! Demo patrol history for 翠湖花园: routes for each role of PAT-2 over the demo's buildings
//! and checkpoints, and the four weeks before the demo's "as of" day walked (issue 17: the day
//! the demo is opened; that day's rounds and the rest of its week are planned, waiting) —
//! mostly on time, some late, partial or missed, some manual and out-of-order check-ins, a
//! few facility faults (the good-order rate lands near PAT-8's 98 %) and findings of every
//! routing, most handled within 24 h. Deterministic: the same seed gives the same drafts.

use super::schedule::{monday_of, plan_week};
use super::*;
use crate::domain::demo::DemoLogin;
use crate::domain::event::Event;
use crate::domain::hlc::Hlc;
use crate::domain::ids::{Entropy, Id, SeededEntropy};
use crate::domain::registry::{BuildingInfo, CheckpointInfo, RegistryEvent};
use crate::domain::view::fold_all;
use crate::domain::workorder::{self as wo, WorkOrder};
use chrono::{Days, NaiveDate, NaiveTime};

const MIN: i64 = 60_000;

/// Folds the drafts of one record (the demo is recorded in this order later).
fn fold<A: Aggregate>(id: RecordId, drafts: &[Draft]) -> A {
    let events: Vec<Event> = drafts
        .iter()
        .filter(|d| d.subject.id == id)
        .enumerate()
        .map(|(i, d)| {
            let at = Hlc {
                wall: i as i64,
                counter: 0,
                device: Id::nil(),
            };
            Event::new(Id::derived("demo-fold", i as u64), at, None, d.clone())
        })
        .collect();
    fold_all::<A>(id, events)
        .and_then(|v| v.state())
        .unwrap_or_default()
}

struct Dice(SeededEntropy);
impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        let mut b = [0u8; 8];
        self.0.fill(&mut b);
        u64::from_le_bytes(b) % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Routes, a month of rounds and their findings, from the demo estate's drafts so far. Only
/// rounds that ended before `as_of` (00:00) are walked; `as_of`'s own rounds wait to be walked.
pub fn history(
    actor: &Actor,
    drafts: &[Draft],
    logins: &[DemoLogin],
    seed: u64,
    as_of: NaiveDate,
) -> Vec<Draft> {
    let mut ids = SeededEntropy::new(seed ^ 0x9A7E_0150_0000_0004);
    let mut dice = Dice(SeededEntropy::new(seed ^ 0x9A7E_D1CE_0000_0004));
    let cal = BusinessCalendar::default();
    let cutoff = cal.at(as_of, NaiveTime::MIN);
    let who = |name: &str| logins.iter().find(|l| l.name == name).map(|l| l.id);
    let buildings: Vec<(RecordId, BuildingInfo)> = drafts
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::Registry(RegistryEvent::BuildingSet { info }) => {
                Some((d.subject.id, info.clone()))
            }
            _ => None,
        })
        .collect();
    let checkpoints: Vec<(RecordId, CheckpointInfo)> = drafts
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::Registry(RegistryEvent::CheckpointSet { info }) => {
                Some((d.subject.id, info.clone()))
            }
            _ => None,
        })
        .collect();
    let kinds: Vec<(RecordId, crate::domain::registry::FacilityKind)> = drafts
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::Registry(RegistryEvent::FacilitySet { info }) => {
                Some((d.subject.id, info.kind))
            }
            _ => None,
        })
        .collect();
    let kind_of = |f: Option<RecordId>| {
        f.and_then(|f| kinds.iter().find(|(id, _)| *id == f).map(|(_, k)| *k))
    };
    let stop_of = |(id, cp): &(RecordId, CheckpointInfo)| -> Stop {
        // The lobby stop sweeps the building's floors, the B1 stop its basements (PAT-2).
        let floors = match (cp.location.building, cp.location.floor) {
            (Some(b), Some(1)) => buildings
                .iter()
                .find(|(id, _)| *id == b)
                .map(|(_, i)| (1..=i.floors).collect())
                .unwrap_or_default(),
            (Some(b), Some(-1)) => buildings
                .iter()
                .find(|(id, _)| *id == b)
                .map(|(_, i)| (-i.basements..=-1).collect())
                .unwrap_or_default(),
            _ => vec![],
        };
        Stop {
            checkpoint: *id,
            name: cp.name.clone(),
            building: cp.location.building,
            floor: cp.location.floor,
            floors,
            area: cp.location.area.clone(),
            items: default_items(cp.location.floor, kind_of(cp.facility)),
        }
    };
    let in_buildings = |ns: &[usize]| -> Vec<Stop> {
        ns.iter()
            .filter_map(|n| buildings.get(*n))
            .flat_map(|(b, _)| {
                checkpoints
                    .iter()
                    .filter(move |(_, c)| c.location.building == Some(*b))
            })
            .map(stop_of)
            .collect()
    };
    let outdoor: Vec<Stop> = checkpoints
        .iter()
        .filter(|(_, c)| c.location.building.is_none())
        .map(stop_of)
        .collect();

    // PAT-2: four assistants share the eight buildings; the supervisor, the internal
    // supervisor and the director walk the public areas.
    let plans: Vec<(&str, Tier, &str, Vec<Stop>)> = vec![
        (
            "1–2号楼逐层巡查",
            Tier::Assistant,
            "王丽",
            in_buildings(&[0, 1]),
        ),
        (
            "3–4号楼逐层巡查",
            Tier::Assistant,
            "张伟",
            in_buildings(&[2, 3]),
        ),
        (
            "5–6号楼逐层巡查",
            Tier::Assistant,
            "李娜",
            in_buildings(&[4, 5]),
        ),
        (
            "7–8号楼逐层巡查",
            Tier::Assistant,
            "杨帆",
            in_buildings(&[6, 7]),
        ),
        ("公共区域巡视", Tier::Supervisor, "刘晓梅", outdoor.clone()),
        (
            "保洁绿化巡视",
            Tier::Internal,
            "赵志强",
            outdoor.iter().take(5).cloned().collect(),
        ),
        ("主任公共区域巡视", Tier::Director, "陈建国", outdoor),
    ];
    let mut out = Vec::new();
    let mut routes = Vec::new();
    for (name, tier, walker, stops) in plans {
        if stops.is_empty() {
            continue;
        }
        let id = ids.id();
        let info = RouteInfo {
            name: name.into(),
            tier,
            walker: who(walker),
            stops,
            active: true,
        };
        out.extend(set_route(actor, id, &info).expect("demo route"));
        routes.push((id, fold::<PatrolRoute>(id, &out)));
    }
    let to = Recipients {
        engineering: who("马国庆"),
        environment: who("林秀英"),
        supervisor: who("刘晓梅"),
        director: who("陈建国"),
    };
    let households: Vec<(RecordId, RecordId)> = drafts
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::Registry(RegistryEvent::HouseholdSet { info }) => {
                Some((d.subject.id, info.unit))
            }
            _ => None,
        })
        .take(50)
        .collect();

    let mut scan = 0u64;
    let mut round_no = 0u64;
    for monday in mondays_of(as_of) {
        let planned = plan_week(actor, &routes, monday, &cal, &BTreeSet::new()).expect("demo plan");
        let round_ids: Vec<RecordId> = planned.iter().map(|d| d.subject.id).collect();
        out.extend(planned);
        for id in round_ids {
            let r: PatrolRound = fold(id, &out);
            let plan = r.plan.clone().expect("planned");
            if plan.end > cutoff {
                // Today's (and the rest of the week's) rounds: to be walked.
                continue;
            }
            round_no += 1;
            let n = plan.stops.len();
            let fate = dice.below(100);
            if fate < 7 {
                // Missed (PAT-1); closed the next day so it leaves the to-do list (a recent
                // one is still on it).
                if plan.end + 2 * DAY_MS < cutoff {
                    out.extend(close_overdue(actor, id, &r, plan.end + 2 * DAY_MS).expect("demo"));
                }
                continue;
            }
            let partial = fate < 15;
            let late = !partial && fate < 25;
            let mut t = if late {
                plan.end - 10 * MIN
            } else {
                plan.start + (5 + dice.below(30) as i64) * MIN
            };
            out.extend(start_round(actor, id, &r, t).expect("demo start"));
            let mut order: Vec<usize> = (0..n).collect();
            if n > 3 && dice.chance(8) {
                order.swap(1, 2); // out of order (PAT-1 deviation)
            }
            let walked = if partial { n / 2 } else { n };
            let mut finding_at: Option<(usize, i64)> = None;
            for &i in order.iter().take(walked) {
                t += (3 + dice.below(6) as i64) * MIN;
                scan += 1;
                let stop = &plan.stops[i];
                let mut answers = Vec::new();
                for (k, item) in stop.items.iter().enumerate() {
                    if item.facility && dice.chance(2) {
                        answers.push(Answer {
                            item: k as u8,
                            value: AnswerValue::NotOk,
                        });
                    }
                }
                if !answers.is_empty() && finding_at.is_none() {
                    finding_at = Some((i, t));
                }
                let r: PatrolRound = fold(id, &out);
                let input = CheckInInput {
                    scan: format!("demo-{scan}"),
                    stop: i,
                    at: t,
                    manual: dice.chance(4),
                    answers,
                    skipped_floors: vec![],
                };
                out.extend(check_in(actor, id, &r, input).expect("demo check-in"));
            }
            // Findings: facility faults always; now and then something else seen on the way.
            let extra = dice.chance(22);
            if finding_at.is_none() && extra {
                let i = order[dice.below(walked.max(1) as u64) as usize];
                finding_at = Some((i, t));
            }
            if let Some((i, at)) = finding_at {
                let stop = &plan.stops[i];
                let kind = if extra {
                    FindingKind::ALL[dice.below(FindingKind::ALL.len() as u64) as usize]
                } else {
                    FindingKind::BrokenFacility
                };
                let hh = households[dice.below(households.len() as u64) as usize];
                let opinion = kind == FindingKind::Opinion;
                let info = FindingInfo {
                    kind,
                    round: Some(id),
                    stop: Some(i as u16),
                    location: stop.name.clone(),
                    note: demo_note(kind).into(),
                    facility: None,
                    unit: (opinion || kind == FindingKind::HomeHazard).then_some(hh.1),
                    household: opinion.then_some(hh.0),
                    photos: vec![],
                    persuaded: kind.routing() == Routing::Persuade && dice.chance(70),
                    for_posting: kind == FindingKind::BlockedFireLane,
                };
                let fids = FindingIds {
                    finding: ids.id(),
                    routed: ids.id(),
                };
                out.extend(raise_finding(actor, fids, &info, &to, at, &cal).expect("demo finding"));
                // Most are handled within 24 h (PAT-5); every 9th is left open to show.
                let later = at + (20 + dice.below(600) as i64) * MIN;
                if round_no % 9 != 0 && later < cutoff {
                    out.extend(follow_up(actor, fids, kind, at, later, &out, &cal));
                }
            }
            let r: PatrolRound = fold(id, &out);
            let note = if partial {
                "下雨暂停，其余点位改日补巡"
            } else {
                ""
            };
            out.extend(finish_round(actor, id, &r, t + 5 * MIN, note).expect("demo finish"));
        }
    }
    out.extend(inspections(actor, &who, &mondays_of(as_of), cutoff, &cal));
    out
}

/// The weeks the demo plans: the four before `as_of` and its own when it starts that day.
fn mondays_of(as_of: NaiveDate) -> Vec<NaiveDate> {
    let last_monday = monday_of(as_of - Days::new(1));
    let mut mondays: Vec<NaiveDate> = (0..4u64)
        .rev()
        .map(|w| last_monday - Days::new(7 * w))
        .collect();
    if monday_of(as_of) != last_monday {
        mondays.push(monday_of(as_of));
    }
    mondays
}

/// PAT-2 role inspections (seed 001): the director's of paid in-home services, the internal
/// supervisor's of in-home cleaning, planned like every round. Past ones were done (the
/// period's orders looked at, noted), the second-to-last cleaning one missed; the coming ones
/// are on the walkers' lists. Ids of their own, so the rest of the demo is unchanged.
fn inspections(
    actor: &Actor,
    who: &dyn Fn(&str) -> Option<crate::domain::ids::StaffId>,
    mondays: &[NaiveDate],
    cutoff: i64,
    cal: &BusinessCalendar,
) -> Vec<Draft> {
    let mut out = Vec::new();
    let mut routes = Vec::new();
    for (n, (name, tier, walker)) in [
        ("有偿服务检查", Tier::ServiceInspection, "陈建国"),
        ("居家保洁检查", Tier::CleaningInspection, "赵志强"),
    ]
    .into_iter()
    .enumerate()
    {
        let id = crate::domain::ids::Id::derived("demo-inspection-route", n as u64);
        let info = RouteInfo {
            name: name.into(),
            tier,
            walker: who(walker),
            stops: vec![],
            active: true,
        };
        out.extend(set_route(actor, id, &info).expect("demo inspection route"));
        routes.push((id, fold::<PatrolRoute>(id, &out)));
    }
    let mut past = Vec::new();
    for monday in mondays {
        let planned = plan_week(actor, &routes, *monday, cal, &BTreeSet::new()).expect("plan");
        past.extend(planned.iter().map(|d| d.subject.id));
        out.extend(planned);
    }
    let past: Vec<RecordId> = past
        .into_iter()
        .filter(|id| {
            fold::<PatrolRound>(*id, &out)
                .plan
                .is_some_and(|p| p.end <= cutoff)
        })
        .collect();
    let missed = past
        .iter()
        .rev()
        .filter(|id| {
            fold::<PatrolRound>(**id, &out)
                .plan
                .is_some_and(|p| p.tier == Tier::CleaningInspection)
        })
        .nth(1)
        .copied();
    for id in past {
        let r: PatrolRound = fold(id, &out);
        let plan = r.plan.clone().expect("planned");
        if Some(id) == missed {
            out.extend(close_overdue(actor, id, &r, plan.end + 2 * DAY_MS).expect("demo"));
            continue;
        }
        let t = plan.start + 90 * MIN;
        out.extend(start_round(actor, id, &r, t).expect("demo start"));
        let r: PatrolRound = fold(id, &out);
        out.extend(
            finish_round(actor, id, &r, t + 60 * MIN, "本期工单已上门抽查，住户满意")
                .expect("demo finish"),
        );
    }
    out
}

pub(crate) fn demo_note(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::BrokenFacility => "楼道灯不亮",
        FindingKind::BrokenLock => "风机房门锁损坏",
        FindingKind::OpenPlantRoom => "管井房门未关",
        FindingKind::Cleanliness => "垃圾桶周边有污渍",
        FindingKind::DecorationBreach => "装修垃圾堆放在楼道",
        FindingKind::Littering => "草地有纸团果皮",
        FindingKind::TrampledGrass => "有人穿越绿地",
        FindingKind::BadParking => "车辆压线停放",
        FindingKind::Hawking => "门口有流动摊贩",
        FindingKind::BlockedFireLane => "消防通道停有私家车",
        FindingKind::HomeHazard => "阳台花盆摆放在护栏外",
        FindingKind::Disturbance => "邻里因噪音发生争执",
        FindingKind::Opinion => "希望增加儿童游乐设施",
    }
}

/// The steps after a finding, by its routing.
fn follow_up(
    actor: &Actor,
    f: FindingIds,
    kind: FindingKind,
    at: i64,
    later: i64,
    so_far: &[Draft],
    cal: &BusinessCalendar,
) -> Vec<Draft> {
    let finding: Finding = fold(f.finding, so_far);
    let mut out = Vec::new();
    match kind.routing() {
        Routing::WorkOrder { .. } => {
            let w: WorkOrder = fold(f.routed, so_far);
            out.extend(wo::take(actor, f.routed, &w, at + 7 * MIN, cal).expect("demo take"));
            let mut all = so_far.to_vec();
            all.extend(out.clone());
            let w: WorkOrder = fold(f.routed, &all);
            out.extend(wo::arrive(actor, f.routed, &w, at + 19 * MIN).expect("demo arrive"));
            all.extend(out[out.len() - 1..].to_vec());
            let w: WorkOrder = fold(f.routed, &all);
            out.extend(wo::complete(actor, f.routed, &w, later, "已修复").expect("demo done"));
        }
        Routing::Cleaning => {
            let c: CleaningCheck = fold(f.routed, so_far);
            out.extend(rectify_cleaning(actor, f.routed, &c, later, "已清洁").expect("demo"));
        }
        Routing::Violation => {
            let v: ViolationDraft = fold(f.routed, so_far);
            out.extend(
                file_violation(actor, f.routed, &v, later, "责令清理，按违约标准处理")
                    .expect("demo"),
            );
        }
        Routing::TellOwner => {
            out.extend(
                owner_told(actor, f.finding, &finding, at + 10 * MIN, "电话告知业主")
                    .expect("demo"),
            );
            let mut all = so_far.to_vec();
            all.extend(out.clone());
            let finding: Finding = fold(f.finding, &all);
            out.extend(
                handle_finding(actor, f.finding, &finding, later, "业主已移除").expect("demo"),
            );
        }
        Routing::Director => {
            out.extend(acknowledge(actor, f.finding, &finding, at + 15 * MIN).expect("demo"));
        }
        Routing::Persuade | Routing::Household if finding.status != FindingStatus::Handled => {
            out.extend(
                handle_finding(actor, f.finding, &finding, later, "已劝导/已回复").expect("demo"),
            );
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::domain::demo::demo_estate;
    use crate::domain::event::{EventBody, RecordKind};
    use crate::domain::patrol::PatrolEvent;
    use crate::domain::staff::PinHash;

    #[test]
    fn pat1_pat2_demo_has_routes_a_month_of_rounds_with_misses_manual_and_findings() {
        let pin = PinHash::new("1234", [7; 16], 10).unwrap();
        let demo = demo_estate(1, pin.clone(), crate::domain::demo::DEMO_AS_OF);
        let count = |k: RecordKind| {
            demo.drafts
                .iter()
                .filter(|d| d.subject.kind == k)
                .map(|d| d.subject.id)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        };
        assert!(count(RecordKind::PatrolRoute) >= 6);
        let rounds = count(RecordKind::PatrolRound);
        assert!(rounds >= 60, "{rounds} rounds");
        let started = demo
            .drafts
            .iter()
            .filter(|d| matches!(d.body, EventBody::Patrol(PatrolEvent::RoundStarted { .. })))
            .count();
        assert!(started < rounds, "some rounds are missed");
        assert!(demo
            .drafts
            .iter()
            .any(|d| matches!(&d.body, EventBody::Patrol(PatrolEvent::CheckedIn(c)) if c.manual)));
        assert!(count(RecordKind::WorkOrder) >= 3);
        assert!(count(RecordKind::PatrolFinding) >= 10);
        assert_eq!(
            demo.drafts,
            demo_estate(1, pin, crate::domain::demo::DEMO_AS_OF).drafts,
            "deterministic"
        );
    }
}
