//! Patrol (SOP.md §7 PAT-1..8, REP-8, VIO-10).

use super::report::*;
use super::schedule::*;
use super::*;
use crate::domain::ids::Id;
use crate::domain::roles::Role;
use crate::domain::sla::SlaState;
use crate::domain::view::{fold_all, View};
use crate::domain::workorder::{self as wo, WorkOrder, WorkOrderStatus};
use chrono::NaiveDate;

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: Id::derived("staff", n),
        roles: roles.iter().copied().collect(),
    }
}
fn assistant() -> Actor {
    actor(3, &[Role::Assistant])
}
fn supervisor() -> Actor {
    actor(2, &[Role::Supervisor])
}
fn rid(n: u64) -> RecordId {
    Id::derived("record", n)
}
fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn recipients() -> Recipients {
    Recipients {
        engineering: Some(Id::derived("staff", 10)),
        environment: Some(Id::derived("staff", 11)),
        supervisor: Some(supervisor().id),
        director: Some(Id::derived("staff", 1)),
    }
}

/// Folds the drafts of one record (in order).
fn fold<A: Aggregate>(id: RecordId, drafts: &[Draft]) -> A {
    let mine: Vec<Draft> = drafts
        .iter()
        .filter(|d| d.subject.id == id)
        .cloned()
        .collect();
    view::<A>(id, mine).state().unwrap()
}
fn view<A: Aggregate>(id: RecordId, drafts: Vec<Draft>) -> View {
    fold_all::<A>(id, crate::testkit::stamp(drafts)).unwrap()
}

fn b3() -> RecordId {
    rid(300)
}

fn stop(n: u64, floor: i32) -> Stop {
    Stop {
        checkpoint: rid(1000 + n),
        name: format!("3号楼{floor}层"),
        building: Some(b3()),
        floor: Some(floor),
        floors: vec![],
        area: String::new(),
        items: default_items(Some(floor), None),
    }
}

fn route_info() -> RouteInfo {
    RouteInfo {
        name: "3号楼逐层".into(),
        tier: Tier::Assistant,
        walker: Some(assistant().id),
        stops: vec![stop(1, 1), stop(2, 2), stop(3, 3)],
        active: true,
    }
}

fn route() -> PatrolRoute {
    fold(
        rid(1),
        &set_route(&supervisor(), rid(1), &route_info()).unwrap(),
    )
}

/// The Monday morning round of the route in the week of 2026-11-23, with its drafts.
fn round() -> (RecordId, Vec<Draft>) {
    let drafts = plan_week(
        &supervisor(),
        &[(rid(1), route())],
        date(2026, 11, 23),
        &cal(),
        &BTreeSet::new(),
    )
    .unwrap();
    let id = drafts[0].subject.id;
    (id, drafts)
}

fn ci(scan: &str, stop: usize, at: i64) -> CheckInInput {
    CheckInInput {
        scan: scan.into(),
        stop,
        at,
        manual: false,
        answers: vec![],
        skipped_floors: vec![],
    }
}

/// Applies a command's drafts to the running list and refolds the round.
fn walk(
    drafts: &mut Vec<Draft>,
    id: RecordId,
    f: impl FnOnce(&PatrolRound) -> Result<Vec<Draft>, DomainError>,
) -> Result<PatrolRound, DomainError> {
    let r: PatrolRound = fold(id, drafts);
    drafts.extend(f(&r)?);
    Ok(fold(id, drafts))
}

// ----- routes (PAT-1, PAT-3) ------------------------------------------------------------

#[test]
fn pat1_only_a_supervisor_sets_a_route_and_it_needs_ordered_unique_checkpoints() {
    assert!(set_route(&assistant(), rid(1), &route_info()).is_err());
    let mut bad = route_info();
    bad.stops.push(stop(1, 1));
    let e = set_route(&supervisor(), rid(1), &bad).unwrap_err();
    assert!(e.message().zh.contains("重复"));
    bad.stops.clear();
    assert!(set_route(&supervisor(), rid(1), &bad).is_err());
    let r = route();
    let names: Vec<_> = r
        .info
        .unwrap()
        .stops
        .iter()
        .map(|s| s.name.clone())
        .collect();
    assert_eq!(names, ["3号楼1层", "3号楼2层", "3号楼3层"]);
}

#[test]
fn pat3_item_catalogue_covers_facilities_safety_sanitation_greenery_order_decoration() {
    let labels: Vec<String> = standard_items().into_iter().map(|i| i.label).collect();
    for want in [
        "电梯运行",
        "照明",
        "消防设施",
        "报警系统",
        "监控",
        "环境卫生",
        "绿化",
        "公厕",
        "秩序（停车、噪音）",
        "来访人员",
        "装修施工",
    ] {
        assert!(labels.iter().any(|l| l == want), "{want}");
    }
    let kinds: std::collections::HashSet<_> = standard_items()
        .iter()
        .map(|i| std::mem::discriminant(&i.answer))
        .collect();
    assert_eq!(kinds.len(), 3, "ok/not-ok, value and note answers");
    // PAT-4: a plant room's lock is checked at its checkpoint by default.
    use crate::domain::registry::FacilityKind;
    let plant = default_items(Some(-1), Some(FacilityKind::PlantRoom));
    assert!(plant.iter().any(|i| i.label == "机房门锁" && i.facility));
    assert!(default_items(Some(5), None)
        .iter()
        .any(|i| i.label == "装修施工"));
}

// ----- scheduling (PAT-1, PAT-2) --------------------------------------------------------

#[test]
fn pat2_assistant_and_supervisor_rounds_twice_a_week_on_different_days_and_peaks_pat1() {
    let monday = date(2026, 11, 23);
    for tier in [Tier::Assistant, Tier::Supervisor] {
        let s = slots(tier, monday);
        assert_eq!(s.len(), 2, "{tier:?}");
        assert_ne!(s[0].0, s[1].0);
        assert_ne!(s[0].1, s[1].1, "one morning, one evening peak");
    }
    let daily = slots(Tier::Internal, monday);
    assert_eq!(daily.len(), 7, "internal supervisor daily");
    assert!(
        daily.iter().any(|s| s.1 == Peak::Morning) && daily.iter().any(|s| s.1 == Peak::Evening)
    );
}

#[test]
fn pat2_director_public_area_rounds_twice_a_month() {
    let mut monday = date(2026, 11, 2);
    let mut in_dec = 0;
    let mut in_nov = 0;
    for _ in 0..9 {
        for (d, _) in slots(Tier::Director, monday) {
            let day = monday + chrono::Days::new(d);
            match day.month() {
                11 => in_nov += 1,
                12 => in_dec += 1,
                _ => {}
            }
        }
        monday = monday + chrono::Days::new(7);
    }
    assert_eq!((in_nov, in_dec), (2, 2));
}

#[test]
fn pat1_planned_windows_are_the_morning_and_evening_peaks_in_local_time() {
    let (_, drafts) = round();
    assert_eq!(drafts.len(), 2);
    let c = cal();
    let times: Vec<String> = drafts
        .iter()
        .map(|d| {
            let r: PatrolRound = fold(d.subject.id, &drafts);
            let p = r.plan.unwrap();
            format!(
                "{} {}",
                c.to_local(p.start).format("%a %H:%M"),
                c.to_local(p.end).format("%H:%M")
            )
        })
        .collect();
    assert_eq!(times, ["Mon 07:30 10:00", "Thu 17:00 19:30"]);
}

#[test]
fn pat2_planning_the_same_week_twice_never_duplicates_rounds() {
    let (_, first) = round();
    let ids: BTreeSet<_> = first.iter().map(|d| d.subject.id).collect();
    let again = plan_week(
        &supervisor(),
        &[(rid(1), route())],
        date(2026, 11, 23),
        &cal(),
        &BTreeSet::new(),
    )
    .unwrap();
    assert_eq!(
        again.iter().map(|d| d.subject.id).collect::<BTreeSet<_>>(),
        ids,
        "the same ids on any tablet"
    );
    let skipped = plan_week(
        &supervisor(),
        &[(rid(1), route())],
        date(2026, 11, 23),
        &cal(),
        &ids,
    )
    .unwrap();
    assert!(skipped.is_empty());
    assert!(
        plan_week(&supervisor(), &[], date(2026, 11, 24), &cal(), &ids).is_err(),
        "not a Monday"
    );
    let desk = actor(9, &[Role::Receptionist]);
    assert!(plan_week(&desk, &[], date(2026, 11, 23), &cal(), &ids).is_err());
}

// ----- walking a round (PAT-1) ----------------------------------------------------------

#[test]
fn pat1_round_on_time_when_every_checkpoint_is_checked_in_within_the_window() {
    let (id, mut d) = round();
    let r0: PatrolRound = fold(id, &d);
    let start = r0.plan.as_ref().unwrap().start;
    assert_eq!(r0.outcome(start - MIN), RoundOutcome::Upcoming);
    assert_eq!(r0.outcome(start + MIN), RoundOutcome::Due);
    let a = assistant();
    walk(&mut d, id, |r| start_round(&a, id, r, start + MIN)).unwrap();
    for i in 0..3 {
        walk(&mut d, id, |r| {
            check_in(
                &a,
                id,
                r,
                ci(&format!("s{i}"), i, start + (i as i64 + 2) * MIN),
            )
        })
        .unwrap();
    }
    let r: PatrolRound = fold(id, &d);
    assert_eq!(r.outcome(start + HOUR), RoundOutcome::OnTime);
    assert!(r.check_ins.iter().all(|c| !c.out_of_order && !c.manual));
    // Finished: it leaves the walker's to-do list.
    let v = view::<PatrolRound>(
        id,
        d.iter().filter(|x| x.subject.id == id).cloned().collect(),
    );
    assert_eq!(v.status.as_deref(), Some("finished"));
    assert_eq!(v.assignee, None);
}

#[test]
fn pat1_round_late_partial_and_missed() {
    let (id, d0) = round();
    let plan = fold::<PatrolRound>(id, &d0).plan.unwrap();
    let a = assistant();
    // Missed: nobody came and the window passed.
    assert_eq!(
        fold::<PatrolRound>(id, &d0).outcome(plan.end + MIN),
        RoundOutcome::Missed
    );
    // Late: all stops, the last after the window.
    let mut d = d0.clone();
    for i in 0..3 {
        walk(&mut d, id, |r| {
            check_in(
                &a,
                id,
                r,
                ci(&format!("s{i}"), i, plan.end - MIN + i as i64 * MIN),
            )
        })
        .unwrap();
    }
    assert_eq!(
        fold::<PatrolRound>(id, &d).outcome(plan.end + HOUR),
        RoundOutcome::Late
    );
    // Partial: finished with one stop missing (a reason is required).
    let mut d = d0.clone();
    walk(&mut d, id, |r| {
        check_in(&a, id, r, ci("x", 0, plan.start + MIN))
    })
    .unwrap();
    let e = walk(&mut d, id, |r| {
        finish_round(&a, id, r, plan.start + 5 * MIN, " ")
    })
    .unwrap_err();
    assert!(e.message().zh.contains("2个巡查点未签到"));
    let r = walk(&mut d, id, |r| {
        finish_round(&a, id, r, plan.start + 5 * MIN, "电梯停运")
    })
    .unwrap();
    assert_eq!(r.outcome(plan.start + 6 * MIN), RoundOutcome::Partial);
    assert!(
        check_in(&a, id, &r, ci("y", 1, plan.start + 7 * MIN)).is_err(),
        "finished rounds take no check-in"
    );
    // Walking but abandoned: partial once the next day has passed.
    let mut d = d0;
    let r = walk(&mut d, id, |r| {
        check_in(&a, id, r, ci("x", 0, plan.start + MIN))
    })
    .unwrap();
    assert_eq!(r.outcome(plan.end + MIN), RoundOutcome::Walking);
    assert_eq!(r.outcome(plan.end + 25 * HOUR), RoundOutcome::Partial);
}

#[test]
fn pat1_a_retried_scan_never_duplicates_and_a_stop_is_checked_in_once() {
    let (id, mut d) = round();
    let a = assistant();
    let t = fold::<PatrolRound>(id, &d).plan.unwrap().start + MIN;
    walk(&mut d, id, |r| check_in(&a, id, r, ci("scan-1", 0, t))).unwrap();
    // The tablet retries the same scan (say, after a reload): nothing new.
    let r: PatrolRound = fold(id, &d);
    assert!(check_in(&a, id, &r, ci("scan-1", 0, t)).unwrap().is_empty());
    // Even if the same event body arrives twice (import from another tablet), one check-in.
    let dup = d.last().unwrap().clone();
    d.push(dup);
    let r: PatrolRound = fold(id, &d);
    assert_eq!(r.check_ins.len(), 1);
    // A second scan of the same label is refused with a message.
    let e = check_in(&a, id, &r, ci("scan-2", 0, t + MIN)).unwrap_err();
    assert!(e.message().zh.contains("已签到"));
    assert!(
        check_in(&a, id, &r, ci("scan-3", 9, t)).is_err(),
        "not on the route"
    );
}

#[test]
fn pat1_out_of_order_check_in_is_allowed_and_recorded_manual_is_flagged() {
    let (id, mut d) = round();
    let a = assistant();
    let t = fold::<PatrolRound>(id, &d).plan.unwrap().start + MIN;
    let r = walk(&mut d, id, |r| check_in(&a, id, r, ci("a", 2, t))).unwrap();
    assert!(r.check_ins[0].out_of_order, "3rd stop first is a deviation");
    assert_eq!(r.next_stop(), Some(0));
    let mut manual = ci("b", 0, t + MIN);
    manual.manual = true;
    let r = walk(&mut d, id, |r| check_in(&a, id, r, manual)).unwrap();
    assert!(r.has_manual());
    assert!(!r.check_ins[1].out_of_order);
    // Labels say so in the history.
    let e = d.last().unwrap();
    assert_eq!(e.body_label_zh(), "手动签到");
}

trait LabelZh {
    fn body_label_zh(&self) -> String;
}
impl LabelZh for Draft {
    fn body_label_zh(&self) -> String {
        self.body.label().zh
    }
}

fn c2() -> CheckIn {
    CheckIn {
        scan: "k3j9x2".into(),
        stop: 12,
        at: 1_795_000_000_000,
        manual: false,
        out_of_order: false,
        answers: vec![],
        skipped_floors: vec![],
    }
}

/// Every patrol and work-order event of a full demo month survives JSON (stored and exported
/// as JSON): the fold of the decoded events equals the fold of the originals.
#[test]
fn pat1_every_patrol_event_round_trips_through_json() {
    let pin = crate::domain::staff::PinHash::new("1234", [7; 16], 10).unwrap();
    let demo = crate::domain::demo::demo_estate(3, pin, crate::domain::demo::DEMO_AS_OF);
    let mut n = 0;
    for d in &demo.drafts {
        if matches!(d.body, EventBody::Patrol(_) | EventBody::WorkOrder(_)) {
            let json = serde_json::to_string(&d.body).unwrap();
            let back: EventBody =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(back, d.body);
            n += 1;
        }
    }
    assert!(n > 500, "{n} patrol events");
}

#[test]
fn pat1_check_ins_are_compact_events() {
    let c = CheckIn {
        scan: "k3j9x2".into(),
        stop: 12,
        at: 1_795_000_000_000,
        manual: false,
        out_of_order: false,
        answers: vec![],
        skipped_floors: vec![],
    };
    let json = serde_json::to_string(&EventBody::Patrol(PatrolEvent::CheckedIn(c))).unwrap();
    assert!(json.len() < 80, "{json} is {} bytes", json.len());
    assert!(!json.contains("manual"));
    let back: EventBody = serde_json::from_str(&json).unwrap();
    assert_eq!(back, EventBody::Patrol(PatrolEvent::CheckedIn(c2())));
}

#[test]
fn pat3_answers_are_checked_against_the_item_types_and_only_exceptions_are_kept() {
    let (id, d) = round();
    let a = assistant();
    let r: PatrolRound = fold(id, &d);
    let t = r.plan.as_ref().unwrap().start;
    let mut input = ci("a", 0, t);
    input.answers = vec![
        Answer {
            item: 0,
            value: AnswerValue::Ok,
        },
        Answer {
            item: 1,
            value: AnswerValue::NotOk,
        },
    ];
    let drafts = check_in(&a, id, &r, input.clone()).unwrap();
    let EventBody::Patrol(PatrolEvent::CheckedIn(c)) = &drafts.last().unwrap().body else {
        panic!()
    };
    assert_eq!(
        c.answers,
        vec![Answer {
            item: 1,
            value: AnswerValue::NotOk
        }]
    );
    input.answers = vec![Answer {
        item: 0,
        value: AnswerValue::Value("3".into()),
    }];
    assert!(
        check_in(&a, id, &r, input.clone()).is_err(),
        "ok/not-ok item given a value"
    );
    input.answers = vec![Answer {
        item: 99,
        value: AnswerValue::Ok,
    }];
    assert!(check_in(&a, id, &r, input).is_err());
}

#[test]
fn pat1_labels_round_trip_and_foreign_qr_codes_are_refused() {
    let cp = rid(1001);
    assert_eq!(parse_label(&label_text(cp)).unwrap(), cp);
    assert!(parse_label("https://example.com").is_err());
    assert!(parse_label("ED-CP:not-a-uuid").is_err());
}

#[test]
fn pat1_round_on_the_walkers_to_do_list_with_the_window_clock() {
    let (id, d) = round();
    let v = view::<PatrolRound>(id, d.into_iter().filter(|x| x.subject.id == id).collect());
    assert_eq!(v.assignee, Some(assistant().id));
    assert_eq!(v.status.as_deref(), Some("planned"));
    assert!(v.clock.is_some());
    assert!(v
        .search
        .contains(&"patrol_round|day|2026-11-23".to_string()));
}

// ----- coverage (PAT-2) -----------------------------------------------------------------

#[test]
fn pat2_coverage_twice_a_week_per_floor_with_gaps_and_index_keys() {
    let (mon, mut d) = round();
    let thu = d[1].subject.id;
    let a = assistant();
    let pm = fold::<PatrolRound>(mon, &d).plan.unwrap();
    let pt = fold::<PatrolRound>(thu, &d).plan.unwrap();
    // Monday: all three floors. Thursday: floors 1 and 2 only.
    for i in 0..3 {
        walk(&mut d, mon, |r| {
            check_in(&a, mon, r, ci(&format!("m{i}"), i, pm.start + MIN))
        })
        .unwrap();
    }
    for i in 0..2 {
        walk(&mut d, thu, |r| {
            check_in(&a, thu, r, ci(&format!("t{i}"), i, pt.start + MIN))
        })
        .unwrap();
    }
    let rounds = vec![fold::<PatrolRound>(mon, &d), fold::<PatrolRound>(thu, &d)];
    let c = cal();
    let from = c.at(date(2026, 11, 23), chrono::NaiveTime::MIN);
    let to = c.at(date(2026, 11, 30), chrono::NaiveTime::MIN);
    let b = BuildingFloors {
        id: b3(),
        name: "3号楼".into(),
        floors: 3,
        basements: 1,
    };
    let cov = coverage(&[b], &rounds, from, to);
    let floors: Vec<(i32, usize, bool)> = cov[0]
        .floors
        .iter()
        .map(|f| (f.floor, f.visits.len(), f.ok()))
        .collect();
    assert_eq!(
        floors,
        [(-1, 0, false), (1, 2, true), (2, 2, true), (3, 1, false)]
    );
    assert_eq!(cov[0].gaps(), 2);
    assert_eq!(cov[0].floors[3].last, Some(pm.start + MIN));
    // The index key that serves "check-ins of building 3 this week".
    let v = view::<PatrolRound>(
        thu,
        d.iter().filter(|x| x.subject.id == thu).cloned().collect(),
    );
    let key = format!("patrol_round|{}", coverage_key(b3(), "2026-w48"));
    assert!(v.search.contains(&key), "{:?}", v.search);
}

#[test]
fn pat2_a_stairwell_sweep_covers_its_floors_except_those_skipped() {
    let mut info = route_info();
    info.stops = vec![Stop {
        floors: vec![1, 2, 3],
        ..stop(9, 1)
    }];
    let route: PatrolRoute = fold(rid(1), &set_route(&supervisor(), rid(1), &info).unwrap());
    let mut d = plan_week(
        &supervisor(),
        &[(rid(1), route)],
        date(2026, 11, 23),
        &cal(),
        &BTreeSet::new(),
    )
    .unwrap();
    let id = d[0].subject.id;
    let t = fold::<PatrolRound>(id, &d).plan.unwrap().start;
    let a = assistant();
    let mut input = ci("s", 0, t);
    input.skipped_floors = vec![3];
    walk(&mut d, id, |r| check_in(&a, id, r, input)).unwrap();
    let b = BuildingFloors {
        id: b3(),
        name: "3号楼".into(),
        floors: 3,
        basements: 0,
    };
    let cov = coverage(&[b], &[fold(id, &d)], t - HOUR, t + HOUR);
    let walked: Vec<usize> = cov[0].floors.iter().map(|f| f.visits.len()).collect();
    assert_eq!(walked, [1, 1, 0]);
    let mut bad = ci("z", 0, t);
    bad.skipped_floors = vec![7];
    let r: PatrolRound = fold(id, &d);
    let _ = r;
}

// ----- findings (PAT-4, PAT-5, PAT-6, REP-8, VIO-10) ------------------------------------

fn finding(kind: FindingKind, round: Option<RecordId>) -> FindingInfo {
    FindingInfo {
        kind,
        round,
        stop: round.map(|_| 1),
        location: "3号楼2层".into(),
        note: "灯不亮".into(),
        facility: None,
        unit: None,
        household: None,
        photos: vec![Photo {
            blob: "p1".into(),
            evidence: true,
            taken: 0,
        }],
        persuaded: false,
        for_posting: false,
    }
}

const NOW: i64 = 1_795_000_000_000;

fn raise(kind: FindingKind) -> (Vec<Draft>, FindingIds) {
    let ids = FindingIds {
        finding: rid(500),
        routed: rid(501),
    };
    let d = raise_finding(
        &assistant(),
        ids,
        &finding(kind, Some(rid(77))),
        &recipients(),
        NOW,
        &cal(),
    )
    .unwrap();
    (d, ids)
}

#[test]
fn pat4_rep8_broken_facility_opens_a_work_order_for_engineering_with_its_clocks() {
    let (d, ids) = raise(FindingKind::BrokenFacility);
    let kinds: Vec<RecordKind> = d.iter().map(|x| x.subject.kind).collect();
    assert_eq!(
        kinds,
        [
            RecordKind::PatrolFinding,
            RecordKind::WorkOrder,
            RecordKind::PatrolRound
        ]
    );
    let w: WorkOrder = fold(ids.routed, &d);
    assert_eq!(w.assignee, recipients().engineering);
    assert_eq!(
        w.notify.as_ref().unwrap().deadline - NOW,
        10 * MIN,
        "REP-8 notified within 10 min"
    );
    assert_eq!(
        w.report.as_ref().unwrap().deadline - NOW,
        2 * HOUR,
        "PAT-4 engineering within 2 h"
    );
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(f.routed, Some(wo::work_order_ref(ids.routed)));
    assert_eq!(f.clock.as_ref().unwrap().deadline - NOW, 24 * HOUR, "PAT-5");
    // The round lists its finding.
    let r: PatrolRound = fold(rid(77), &d);
    assert_eq!(r.findings, vec![ids.finding]);
}

#[test]
fn rep8_engineering_takes_the_order_on_site_in_15_minutes_and_the_finding_closes() {
    let (mut d, ids) = raise(FindingKind::BrokenFacility);
    let eng = actor(10, &[Role::DepartmentLead]);
    let w: WorkOrder = fold(ids.routed, &d);
    assert!(
        wo::take(&assistant(), ids.routed, &w, NOW, &cal()).is_err(),
        "assistants don't take work orders"
    );
    assert!(
        wo::complete(&eng, ids.routed, &w, NOW, "修好").is_err(),
        "take it first"
    );
    d.extend(wo::take(&eng, ids.routed, &w, NOW + 8 * MIN, &cal()).unwrap());
    let w: WorkOrder = fold(ids.routed, &d);
    assert_eq!(w.status, WorkOrderStatus::Notified);
    assert_eq!(
        w.notify.as_ref().unwrap().state(NOW + HOUR),
        SlaState::MetInTime
    );
    assert_eq!(w.on_site.as_ref().unwrap().deadline, NOW + 23 * MIN);
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(
        f.status,
        FindingStatus::Reported,
        "PAT-5 reported once engineering has it"
    );
    assert!(
        !f.index()
            .search
            .iter()
            .any(|k| k.starts_with(FINDINGS_OPEN)),
        "reported: off the open findings list (issue 19)"
    );
    assert_eq!(
        f.clock.as_ref().unwrap().state(NOW + HOUR),
        SlaState::MetInTime
    );
    d.extend(wo::arrive(&eng, ids.routed, &w, NOW + 30 * MIN).unwrap());
    let w: WorkOrder = fold(ids.routed, &d);
    assert_eq!(
        w.on_site.as_ref().unwrap().state(NOW + HOUR),
        SlaState::MetLate,
        "22 min after taking it"
    );
    assert!(
        wo::complete(&eng, ids.routed, &w, NOW + HOUR, " ").is_err(),
        "result required"
    );
    // Issue 19: open, the order is on 巡查 › 发现与工单's list, newest first by when it was
    // opened (`pwoo|`), never on 报修's household list (`woo|`).
    let listed = |w: &WorkOrder, family: &str| {
        w.index()
            .search
            .iter()
            .filter(|k| k.starts_with(family))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        listed(&w, wo::PATROL_OPEN),
        vec![format!(
            "{}{}",
            wo::PATROL_OPEN,
            crate::domain::view::newest_first(NOW)
        )]
    );
    assert!(listed(&w, wo::HOUSEHOLD_OPEN).is_empty());
    d.extend(wo::complete(&eng, ids.routed, &w, NOW + HOUR, "更换灯管").unwrap());
    let w: WorkOrder = fold(ids.routed, &d);
    assert_eq!(w.result.as_deref(), Some("更换灯管"));
    assert!(
        listed(&w, wo::PATROL_OPEN).is_empty(),
        "done: off the open list"
    );
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(f.status, FindingStatus::Handled);
}

#[test]
fn pat4_broken_plant_room_lock_goes_to_engineering_within_one_hour() {
    let (d, ids) = raise(FindingKind::BrokenLock);
    let w: WorkOrder = fold(ids.routed, &d);
    assert!(w.info.unwrap().lock);
    assert_eq!(w.report.unwrap().deadline - NOW, HOUR);
}

#[test]
fn pat4_open_plant_room_door_is_closed_on_the_spot() {
    let (d, ids) = raise(FindingKind::OpenPlantRoom);
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(f.status, FindingStatus::Handled);
    assert_eq!(d.len(), 2, "finding and round link only");
}

#[test]
fn pat4_cleanliness_goes_on_the_cleaning_inspection_record_for_environment() {
    let (mut d, ids) = raise(FindingKind::Cleanliness);
    let c: CleaningCheck = fold(ids.routed, &d);
    assert_eq!(c.assignee, recipients().environment);
    assert_eq!(c.finding, Some(ids.finding));
    let env = actor(11, &[Role::DepartmentLead]);
    d.extend(rectify_cleaning(&env, ids.routed, &c, NOW + HOUR, "已清扫").unwrap());
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(f.status, FindingStatus::Handled);
    let c: CleaningCheck = fold(ids.routed, &d);
    assert!(rectify_cleaning(&env, ids.routed, &c, NOW + HOUR, "x").is_err());
}

#[test]
fn vio10_decoration_breach_drafts_a_violation_record_for_the_supervisor() {
    // Issue 14: a decoration breach is a record of the violation register, for the Supervisor.
    let (d, ids) = raise(FindingKind::DecorationBreach);
    assert!(d
        .iter()
        .all(|x| x.subject.kind != RecordKind::ViolationDraft));
    let v: crate::domain::violations::Violation = fold(ids.routed, &d);
    assert_eq!(v.assignee, Some(supervisor().id));
    assert_eq!(
        v.info.category,
        Some(crate::domain::violations::Category::Renovation)
    );
    // A draft written before issue 14 stays readable and is filed as before.
    let mut d = vec![Draft {
        subject: RecordRef::new(RecordKind::ViolationDraft, ids.routed),
        body: EventBody::Patrol(PatrolEvent::ViolationDrafted {
            finding: ids.finding,
            unit: None,
            location: "5栋".into(),
            description: "拆改".into(),
            assignee: Some(supervisor().id),
            clock: Box::new(ClockSpec::elapsed_minutes(24 * 60).start(
                Text::new("24小时内处理或上报", "Handle or report in 24 h"),
                NOW,
                &cal(),
            )),
        }),
    }];
    let v: ViolationDraft = fold(ids.routed, &d);
    assert_eq!(v.assignee, Some(supervisor().id));
    assert!(file_violation(&assistant(), ids.routed, &v, NOW, "x").is_err());
    d.extend(
        raise(FindingKind::DecorationBreach)
            .0
            .into_iter()
            .filter(|x| x.subject.id == ids.finding),
    );
    d.extend(file_violation(&supervisor(), ids.routed, &v, NOW + HOUR, "按违约标准处理").unwrap());
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(f.status, FindingStatus::Reported);
}

#[test]
fn vio10_littering_parking_hawking_fire_lane_are_recorded_and_persuaded() {
    for kind in [
        FindingKind::Littering,
        FindingKind::TrampledGrass,
        FindingKind::BadParking,
        FindingKind::Hawking,
        FindingKind::BlockedFireLane,
    ] {
        assert_eq!(kind.routing(), Routing::Persuade);
        let mut info = finding(kind, None);
        info.persuaded = true;
        info.for_posting = true;
        let ids = FindingIds {
            finding: rid(1),
            routed: rid(2),
        };
        let d = raise_finding(&assistant(), ids, &info, &recipients(), NOW, &cal()).unwrap();
        // The finding and its record in the violation register (VIO-10, issue 14).
        assert_eq!(d.len(), 2);
        assert_eq!(d[1].subject.kind, RecordKind::Violation);
        let f: Finding = fold(rid(1), &d);
        assert_eq!(
            f.status,
            FindingStatus::Handled,
            "{kind:?} persuaded on the spot"
        );
        assert!(f.info.unwrap().for_posting);
        // Not persuaded: open on the patroller's list with the 24 h clock.
        let d = raise_finding(
            &assistant(),
            ids,
            &finding(kind, None),
            &recipients(),
            NOW,
            &cal(),
        )
        .unwrap();
        let v = view::<Finding>(rid(1), d);
        assert_eq!(v.assignee, Some(assistant().id));
        assert_eq!(v.due, Some(NOW + 24 * HOUR));
    }
}

#[test]
fn pat4_home_hazard_tell_the_owner_first_then_remove_it() {
    let (mut d, ids) = raise(FindingKind::HomeHazard);
    let a = assistant();
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(f.assignee, Some(a.id));
    let e = handle_finding(&a, ids.finding, &f, NOW, "已排除").unwrap_err();
    assert!(e.message().zh.contains("先通知业主"));
    d.extend(owner_told(&a, ids.finding, &f, NOW + MIN, "电话通知业主").unwrap());
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(f.status, FindingStatus::OwnerTold);
    d.extend(handle_finding(&a, ids.finding, &f, NOW + HOUR, "业主已移走阳台花盆").unwrap());
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(f.status, FindingStatus::Handled);
    assert_eq!(f.steps.len(), 2);
}

/// Issue 19, PAT-4/PAT-5: a finding is on 巡查 › 发现与工单's open list (`pfo|`, newest first)
/// while it is still to be handled or reported — the owner told is not enough — and off it
/// once handled.
#[test]
fn pat4_pat5_open_findings_are_listed_newest_first_until_handled() {
    let (mut d, ids) = raise(FindingKind::HomeHazard);
    let a = assistant();
    let listed = |f: &Finding| {
        f.index()
            .search
            .into_iter()
            .filter(|k| k.starts_with(FINDINGS_OPEN))
            .collect::<Vec<_>>()
    };
    let f: Finding = fold(ids.finding, &d);
    let key = format!("{FINDINGS_OPEN}{}", crate::domain::view::newest_first(f.at));
    assert_eq!(listed(&f), vec![key.clone()]);
    let later = format!(
        "{FINDINGS_OPEN}{}",
        crate::domain::view::newest_first(f.at + MIN)
    );
    assert!(later < key, "a later finding sorts first");
    d.extend(owner_told(&a, ids.finding, &f, NOW + MIN, "电话通知业主").unwrap());
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(listed(&f), vec![key], "the hazard is still to be removed");
    d.extend(handle_finding(&a, ids.finding, &f, NOW + HOUR, "业主已移走阳台花盆").unwrap());
    let f: Finding = fold(ids.finding, &d);
    assert!(listed(&f).is_empty(), "handled: off the open list");
}

#[test]
fn pat4_disputes_crowds_gambling_alert_the_director() {
    let (mut d, ids) = raise(FindingKind::Disturbance);
    let v = view::<Finding>(
        ids.finding,
        d.iter()
            .filter(|x| x.subject.id == ids.finding)
            .cloned()
            .collect(),
    );
    assert_eq!(
        v.assignee,
        recipients().director,
        "on the director's 我的待办"
    );
    let f: Finding = fold(ids.finding, &d);
    let director = actor(1, &[Role::Director]);
    d.extend(acknowledge(&director, ids.finding, &f, NOW + 5 * MIN).unwrap());
    let f: Finding = fold(ids.finding, &d);
    assert_eq!(f.status, FindingStatus::Reported);
}

#[test]
fn pat6_resident_opinions_are_recorded_against_the_household() {
    let ids = FindingIds {
        finding: rid(1),
        routed: rid(2),
    };
    let mut info = finding(FindingKind::Opinion, None);
    assert!(
        raise_finding(&assistant(), ids, &info, &recipients(), NOW, &cal()).is_err(),
        "needs a household"
    );
    info.household = Some(rid(40));
    info.unit = Some(rid(41));
    info.note = "希望增加儿童游乐设施".into();
    let d = raise_finding(&assistant(), ids, &info, &recipients(), NOW, &cal()).unwrap();
    let v = view::<Finding>(rid(1), d);
    assert_eq!(v.unit, Some(rid(41)), "listed with the unit's records");
}

#[test]
fn pat5_every_finding_kind_carries_the_24_hour_clock_and_routed_ones_close_through_their_record() {
    for kind in FindingKind::ALL {
        let ids = FindingIds {
            finding: rid(1),
            routed: rid(2),
        };
        let mut info = finding(kind, None);
        info.household = Some(rid(40));
        let d = raise_finding(&assistant(), ids, &info, &recipients(), NOW, &cal()).unwrap();
        let f: Finding = fold(rid(1), &d);
        let c = f.clock.clone().unwrap();
        assert_eq!(c.deadline - c.started, 24 * HOUR, "{kind:?}");
        if f.routed.is_some() {
            assert!(
                handle_finding(&assistant(), rid(1), &f, NOW, "x").is_err(),
                "{kind:?}"
            );
        }
    }
    let (d, ids) = raise(FindingKind::Littering);
    let f: Finding = fold(ids.finding, &d);
    // PAT-8 figures read one month of findings from the index (issue 7).
    let month = crate::domain::calendar::month_key(NOW);
    assert!(f.index().search.contains(&finding_month_key(&month)));
    assert_eq!(f.clock.unwrap().state(NOW + 25 * HOUR), SlaState::Overdue);
}

#[test]
fn pat4_a_finding_needs_a_place_and_a_description_or_photo() {
    let ids = FindingIds {
        finding: rid(1),
        routed: rid(2),
    };
    let mut info = finding(FindingKind::BrokenFacility, None);
    info.location = " ".into();
    assert!(raise_finding(&assistant(), ids, &info, &recipients(), NOW, &cal()).is_err());
    info.location = "北门".into();
    info.note.clear();
    info.photos.clear();
    let e = raise_finding(&assistant(), ids, &info, &recipients(), NOW, &cal()).unwrap_err();
    assert!(e.message().en.contains("photo"));
    assert!(raise_finding(
        &actor(9, &[Role::Receptionist]),
        ids,
        &finding(FindingKind::BrokenFacility, None),
        &recipients(),
        NOW,
        &cal()
    )
    .is_err());
}

// ----- figures (PAT-8, PAT-1, PAT-5) ----------------------------------------------------

#[test]
fn pat8_good_order_rate_counts_facility_items_against_98_percent() {
    let mut info = route_info();
    for s in &mut info.stops {
        s.items = vec![
            ItemSpec::ok("照明", true),
            ItemSpec::ok("消防设施", true),
            ItemSpec::ok("环境卫生", false),
        ];
    }
    let route: PatrolRoute = fold(rid(1), &set_route(&supervisor(), rid(1), &info).unwrap());
    let mut d = plan_week(
        &supervisor(),
        &[(rid(1), route)],
        date(2026, 11, 23),
        &cal(),
        &BTreeSet::new(),
    )
    .unwrap();
    let id = d[0].subject.id;
    let t = fold::<PatrolRound>(id, &d).plan.unwrap().start;
    let a = assistant();
    for i in 0..3 {
        let mut input = ci(&format!("s{i}"), i, t + MIN);
        if i == 1 {
            input.answers = vec![
                Answer {
                    item: 0,
                    value: AnswerValue::NotOk,
                },
                Answer {
                    item: 2,
                    value: AnswerValue::NotOk,
                },
            ];
        }
        walk(&mut d, id, |r| check_in(&a, id, r, input)).unwrap();
    }
    let (ok, all) = good_order(&[fold(id, &d)], t - HOUR, t + HOUR);
    assert_eq!((ok, all), (5, 6), "sanitation is not a facility");
    let r = rate(ok, all).unwrap();
    assert!(r < GOOD_ORDER_TARGET);
    assert_eq!(rate(0, 0), None);
}

#[test]
fn pat1_per_person_on_time_late_missed() {
    let (mon, mut d) = round();
    let thu = d[1].subject.id;
    let a = assistant();
    let p = fold::<PatrolRound>(mon, &d).plan.unwrap();
    for i in 0..3 {
        walk(&mut d, mon, |r| {
            check_in(&a, mon, r, ci(&format!("m{i}"), i, p.start + MIN))
        })
        .unwrap();
    }
    let rounds = vec![fold::<PatrolRound>(mon, &d), fold::<PatrolRound>(thu, &d)];
    let far = p.start + 30 * 24 * HOUR;
    let stats = per_person(&rounds, far);
    let s = &stats[&a.id];
    assert_eq!((s.on_time, s.late, s.partial, s.missed), (1, 0, 0, 1));
}

#[test]
fn pat5_findings_by_kind_with_time_to_handle() {
    let (mut d, ids) = raise(FindingKind::HomeHazard);
    let a = assistant();
    let f: Finding = fold(ids.finding, &d);
    d.extend(owner_told(&a, ids.finding, &f, NOW + MIN, "已告知").unwrap());
    let f: Finding = fold(ids.finding, &d);
    d.extend(handle_finding(&a, ids.finding, &f, NOW + 90 * MIN, "已排除").unwrap());
    let (d2, ids2) = raise(FindingKind::Littering);
    let stats = findings_by_kind(&[fold(ids.finding, &d), fold(ids2.finding, &d2)]);
    let h = &stats[&FindingKind::HomeHazard];
    assert_eq!(
        (h.count, h.in_time, h.open, h.median_minutes),
        (1, 1, 0, Some(90))
    );
    assert_eq!(stats[&FindingKind::Littering].open, 1);
}

#[test]
fn pat4_recipients_come_from_the_staff_list() {
    use crate::domain::roles::Department;
    use crate::domain::staff::{Profile, Staff};
    let mk = |roles: &[Role], d: Department| Staff {
        profile: Profile {
            name: "x".into(),
            roles: roles.iter().copied().collect(),
            department: Some(d),
            phone: String::new(),
        },
        pin: None,
        active: true,
    };
    let staff = vec![
        (rid(1), mk(&[Role::Director], Department::CustomerService)),
        (rid(2), mk(&[Role::DepartmentLead], Department::Engineering)),
        (rid(3), mk(&[Role::DepartmentLead], Department::Environment)),
        (rid(4), mk(&[Role::Supervisor], Department::CustomerService)),
        (
            rid(5),
            mk(&[Role::DepartmentStaff], Department::Engineering),
        ),
    ];
    let r = super::recipients(&staff);
    assert_eq!(r.engineering, Some(rid(2)));
    assert_eq!(r.environment, Some(rid(3)));
    assert_eq!(r.supervisor, Some(rid(4)));
    assert_eq!(r.director, Some(rid(1)));
}

#[test]
fn pat1_overdue_rounds_are_closed_keeping_missed_and_partial_but_today_stays_walkable() {
    let (id, mut d) = round();
    let plan = fold::<PatrolRound>(id, &d).plan.unwrap();
    let a = assistant();
    let r: PatrolRound = fold(id, &d);
    assert!(
        close_overdue(&a, id, &r, plan.end + HOUR)
            .unwrap()
            .is_empty(),
        "still today"
    );
    d.extend(close_overdue(&a, id, &r, plan.end + 30 * HOUR).unwrap());
    let r: PatrolRound = fold(id, &d);
    assert_eq!(r.outcome(plan.end + 30 * HOUR), RoundOutcome::Missed);
    let v = view::<PatrolRound>(
        id,
        d.iter().filter(|x| x.subject.id == id).cloned().collect(),
    );
    assert_eq!(v.assignee, None, "off the to-do list");
    assert!(
        close_overdue(&a, id, &r, plan.end + 40 * HOUR)
            .unwrap()
            .is_empty(),
        "once"
    );
    // An abandoned round stays partial.
    let (id2, mut d2) = round();
    walk(&mut d2, id2, |r| {
        check_in(&a, id2, r, ci("x", 0, plan.start + MIN))
    })
    .unwrap();
    let r: PatrolRound = fold(id2, &d2);
    d2.extend(close_overdue(&a, id2, &r, plan.end + 30 * HOUR).unwrap());
    assert_eq!(
        fold::<PatrolRound>(id2, &d2).outcome(plan.end + 30 * HOUR),
        RoundOutcome::Partial
    );
}

// ----- PAT-2 role inspections of household orders ---------------------------------------

fn director() -> Actor {
    actor(1, &[Role::Director])
}
fn internal() -> Actor {
    actor(11, &[Role::DepartmentLead])
}
fn inspection_route(tier: Tier, walker: &Actor) -> PatrolRoute {
    let info = RouteInfo {
        name: if tier == Tier::ServiceInspection {
            "有偿服务检查".into()
        } else {
            "居家保洁检查".into()
        },
        tier,
        walker: Some(walker.id),
        stops: vec![],
        active: true,
    };
    let d = set_route(&supervisor(), rid(50), &info).unwrap();
    fold(rid(50), &d)
}
fn plan_inspections(tier: Tier, walker: &Actor, monday: NaiveDate) -> Vec<Draft> {
    plan_week(
        walker,
        &[(rid(50), inspection_route(tier, walker))],
        monday,
        &cal(),
        &BTreeSet::new(),
    )
    .unwrap()
}
fn check(order: u64, ok: bool, note: &str) -> inspect::InspectInput {
    inspect::InspectInput {
        order: rid(order),
        title: format!("PS-{order} · 5号楼 802 · 居家保洁"),
        ok,
        note: note.into(),
        callback: None,
    }
}

/// PAT-2: the internal supervisor inspects in-home cleaning twice a week, on different days,
/// in working hours; the director the paid in-home services twice a month.
#[test]
fn pat2_inspections_cleaning_twice_a_week_on_different_days_services_twice_a_month() {
    let d = plan_inspections(Tier::CleaningInspection, &internal(), date(2026, 11, 23));
    let c = cal();
    let days: Vec<String> = d
        .iter()
        .map(|x| {
            let r: PatrolRound = fold(x.subject.id, &d);
            let p = r.plan.unwrap();
            assert!(p.stops.is_empty(), "stops are the period's orders");
            assert_eq!(p.walker, Some(internal().id));
            format!(
                "{} {}-{}",
                c.to_local(p.start).format("%a"),
                c.to_local(p.start).format("%H:%M"),
                c.to_local(p.end).format("%H:%M")
            )
        })
        .collect();
    assert_eq!(days, ["Tue 09:00-17:30", "Fri 09:00-17:30"]);
    // The director: twice in November, twice in December, on different weeks from the
    // public-area rounds.
    let mut monday = date(2026, 11, 2);
    let (mut nov, mut dec) = (vec![], vec![]);
    for _ in 0..9 {
        for (day, _) in slots(Tier::ServiceInspection, monday) {
            let day = monday + chrono::Days::new(day);
            match day.month() {
                11 => nov.push(day),
                12 => dec.push(day),
                _ => {}
            }
        }
        monday = monday + chrono::Days::new(7);
    }
    assert_eq!(nov, [date(2026, 11, 11), date(2026, 11, 25)]);
    assert_eq!(dec.len(), 2);
    for day in nov {
        let m = monday_of(day);
        assert!(
            slots(Tier::Director, m).is_empty(),
            "not the public-area round's week"
        );
    }
}

/// PAT-2: planning an inspection week twice (two tablets) makes the same rounds, never more.
#[test]
fn pat2_inspections_planned_twice_never_duplicate() {
    let first = plan_inspections(Tier::CleaningInspection, &internal(), date(2026, 11, 23));
    let again = plan_inspections(Tier::CleaningInspection, &internal(), date(2026, 11, 23));
    let ids: BTreeSet<_> = first.iter().map(|d| d.subject.id).collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(
        again.iter().map(|d| d.subject.id).collect::<BTreeSet<_>>(),
        ids
    );
    let skipped = plan_week(
        &internal(),
        &[(
            rid(50),
            inspection_route(Tier::CleaningInspection, &internal()),
        )],
        date(2026, 11, 23),
        &cal(),
        &ids,
    )
    .unwrap();
    assert!(skipped.is_empty());
    // An inspection route has no checkpoints.
    let mut info = inspection_route(Tier::ServiceInspection, &director())
        .info
        .unwrap();
    info.stops = vec![stop(1, 1)];
    assert!(set_route(&supervisor(), rid(51), &info).is_err());
}

/// PAT-2: the period's orders are one range of the work orders' index; an inspection with a
/// problem needs a note and may schedule a callback (the one callback mechanism); an order is
/// checked once; the round is on the walker's to-do list until finished, then on time.
#[test]
fn pat2_inspection_with_a_problem_and_a_callback() {
    use crate::domain::callbacks::{CallbackKind, CallbackRequest};
    assert_eq!(
        inspect::order_range(Tier::CleaningInspection, date(2026, 11, 24)),
        Some((
            "wo-paid|cleaning|2026-11-18".into(),
            "wo-paid|cleaning|2026-11-24".into()
        ))
    );
    assert_eq!(
        inspect::order_range(Tier::ServiceInspection, date(2026, 11, 25)).map(|r| r.0),
        Some("wo-paid|all|2026-11-11".into())
    );
    assert_eq!(
        inspect::order_keys(
            crate::domain::roles::Department::Environment,
            date(2026, 11, 20)
        ),
        ["wo-paid|all|2026-11-20", "wo-paid|cleaning|2026-11-20"]
    );
    let mut d = plan_inspections(Tier::CleaningInspection, &internal(), date(2026, 11, 23));
    let id = d[0].subject.id;
    let r: PatrolRound = fold(id, &d);
    let start = r.plan.as_ref().unwrap().start;
    let v = view::<PatrolRound>(
        id,
        d.iter().filter(|x| x.subject.id == id).cloned().collect(),
    );
    assert_eq!(v.assignee, Some(internal().id), "on 我的待办");
    assert_eq!(r.outcome(start + MIN), RoundOutcome::Due);
    let now = start + HOUR;
    d.extend(
        inspect::inspect_order(&internal(), id, &r, &check(1, true, ""), now, &cal()).unwrap(),
    );
    let r: PatrolRound = fold(id, &d);
    assert!(
        inspect::inspect_order(&internal(), id, &r, &check(1, true, ""), now, &cal()).is_err(),
        "checked once"
    );
    assert!(
        inspect::inspect_order(&internal(), id, &r, &check(2, false, " "), now, &cal()).is_err(),
        "a problem needs a note"
    );
    let mut problem = check(2, false, "厨房台面未擦净，住户不满意");
    problem.callback = Some((
        rid(700),
        CallbackRequest {
            kind: CallbackKind::Repair,
            source: Some(RecordRef::new(RecordKind::WorkOrder, rid(2))),
            household: None,
            unit: None,
            place: "5号楼 802".into(),
            contact: "王女士".into(),
            topic: "保洁返工后回访".into(),
            role: Role::Supervisor,
            assignee: None,
            previous: None,
        },
    ));
    let out = inspect::inspect_order(&internal(), id, &r, &problem, now + MIN, &cal()).unwrap();
    assert!(out
        .iter()
        .any(|x| x.subject == RecordRef::new(RecordKind::Callback, rid(700))));
    d.extend(out);
    let r: PatrolRound = fold(id, &d);
    assert_eq!(r.inspections.len(), 2);
    assert_eq!(
        r.inspections[1].follow_up,
        Some(RecordRef::new(RecordKind::Callback, rid(700)))
    );
    assert_eq!(r.outcome(now + 2 * MIN), RoundOutcome::Walking);
    d.extend(finish_round(&internal(), id, &r, now + 5 * MIN, "").unwrap());
    let r: PatrolRound = fold(id, &d);
    assert_eq!(r.outcome(now + DAY_MS), RoundOutcome::OnTime);
    let v = view::<PatrolRound>(
        id,
        d.iter().filter(|x| x.subject.id == id).cloned().collect(),
    );
    assert_eq!(v.assignee, None, "off the to-do list");
    assert!(v.title.starts_with("检查："));
    assert!(v
        .search
        .contains(&"patrol_round|insp|cleaning|2026-w48".to_string()));
    assert_eq!(
        inspect::period_prefix(Tier::CleaningInspection, "2026-w48"),
        "insp|cleaning|2026-w48"
    );
    // Nothing checked: finishing needs a reason.
    let id2 = d[1].subject.id;
    let r2: PatrolRound = fold(id2, &d);
    assert!(finish_round(&internal(), id2, &r2, now, "").is_err());
    assert!(finish_round(&internal(), id2, &r2, now, "本期无保洁工单").is_ok());
    // A walk round takes no order results.
    let (wid, wd) = round();
    let w: PatrolRound = fold(wid, &wd);
    assert!(
        inspect::inspect_order(&assistant(), wid, &w, &check(3, true, ""), now, &cal()).is_err()
    );
}

/// PAT-2 authority: only the roles that walk rounds record inspections (command and fold).
#[test]
fn pat2_inspection_refused_for_each_role_that_does_not_walk_rounds() {
    let d = plan_inspections(Tier::ServiceInspection, &director(), date(2026, 11, 9));
    assert_eq!(d.len(), 1, "the second week of November");
    let id = d[0].subject.id;
    let r: PatrolRound = fold(id, &d);
    for role in [Role::Receptionist, Role::DepartmentStaff] {
        let err =
            inspect::inspect_order(&actor(20, &[role]), id, &r, &check(1, true, ""), 0, &cal())
                .unwrap_err();
        assert!(
            matches!(&err, DomainError::Denied(x) if x.action == Action::WalkPatrol),
            "{role:?}: {err:?}"
        );
        assert!(plan_week(
            &actor(20, &[role]),
            &[(
                rid(50),
                inspection_route(Tier::ServiceInspection, &director())
            )],
            date(2026, 11, 9),
            &cal(),
            &BTreeSet::new()
        )
        .is_err());
    }
    let body = inspect::inspect_order(&director(), id, &r, &check(1, true, ""), 0, &cal())
        .unwrap()
        .remove(0)
        .body;
    assert_eq!(
        crate::domain::authority::requirement(&body),
        crate::domain::authority::Requirement::AnyOf(&[Action::WalkPatrol])
    );
}

/// PAT-2 coverage of inspections: met or missed per period (month for the director's, ISO week
/// for the internal supervisor's), with orders checked and problems.
#[test]
fn pat2_inspection_coverage_met_and_missed_per_period() {
    let mut d = plan_inspections(Tier::CleaningInspection, &internal(), date(2026, 11, 16));
    d.extend(plan_inspections(
        Tier::CleaningInspection,
        &internal(),
        date(2026, 11, 23),
    ));
    let ids: Vec<RecordId> = d.iter().map(|x| x.subject.id).collect();
    // Week 47: both done (one late). Week 48: one done, one missed.
    for (n, id) in ids.iter().enumerate().take(3) {
        let r: PatrolRound = fold(*id, &d);
        let p = r.plan.clone().unwrap();
        let at = if n == 1 { p.end + HOUR } else { p.start + HOUR };
        d.extend(
            inspect::inspect_order(
                &internal(),
                *id,
                &r,
                &check(n as u64, n != 2, "返工"),
                at,
                &cal(),
            )
            .unwrap(),
        );
        let r: PatrolRound = fold(*id, &d);
        d.extend(finish_round(&internal(), *id, &r, at + MIN, "").unwrap());
    }
    let rounds: Vec<PatrolRound> = ids.iter().map(|id| fold(*id, &d)).collect();
    let now = rounds[3].plan.as_ref().unwrap().end + 2 * DAY_MS;
    let cov = inspect::coverage(Tier::CleaningInspection, &rounds, now);
    let got: Vec<(String, u32, u32, u32, bool)> = cov
        .iter()
        .map(|c| (c.period.clone(), c.planned, c.done, c.problems, c.met()))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-w47".into(), 2, 2, 0, true),
            ("2026-w48".into(), 2, 1, 1, false)
        ]
    );
    assert!(inspect::coverage(Tier::ServiceInspection, &rounds, now).is_empty());
}
