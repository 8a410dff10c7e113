//! CB-5, CB-7: callbacks scheduled, filed and rounded up on their own (the complaint-flow
//! callbacks, CB-1..4 and CB-6, are tested with the complaint in `complaints/tests.rs`).

use super::*;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::complaints::report::Tally;
use crate::domain::hlc::Hlc;
use crate::domain::ids::Id;
use chrono::{NaiveDate, NaiveTime};
use std::collections::BTreeMap;

const DAY: i64 = 24 * 60 * 60_000;

fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> i64 {
    cal().at(
        NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
    )
}

fn t0() -> i64 {
    at(2026, 3, 10, 9)
}

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: Id::derived("staff", n),
        roles: roles.iter().copied().collect(),
    }
}
fn supervisor() -> Actor {
    actor(2, &[Role::Supervisor])
}
fn assistant() -> Actor {
    actor(3, &[Role::Assistant])
}
fn receptionist() -> Actor {
    actor(4, &[Role::Receptionist])
}
fn staff() -> Actor {
    actor(7, &[Role::DepartmentStaff])
}

fn rid(n: u64) -> RecordId {
    Id::derived("rec", n)
}

/// Callbacks folded from the drafts run, in order.
#[derive(Default)]
struct World {
    cb: BTreeMap<RecordId, Callback>,
    n: u64,
}

impl World {
    fn run(&mut self, r: Result<Vec<Draft>, DomainError>) -> Vec<Draft> {
        let ds = r.expect("command accepted");
        for d in &ds {
            self.n += 1;
            let e = Event::new(
                Id::derived("ev", self.n),
                Hlc {
                    wall: 1_000 + self.n as i64,
                    counter: 0,
                    device: Id::derived("dev", 1),
                },
                None,
                d.clone(),
            );
            assert_eq!(d.subject.kind, RecordKind::Callback);
            self.cb.entry(d.subject.id).or_default().apply(&e);
        }
        ds
    }
    fn cb(&self, id: RecordId) -> Callback {
        self.cb[&id].clone()
    }
}

#[test]
fn cb_5_open_letter_to_many_households_is_filed_with_callbacks() {
    let mut w = World::default();
    let hh = vec![
        "1号楼 101".to_string(),
        "1号楼 102".into(),
        "1号楼 201".into(),
    ];
    assert!(file_open_letter(&assistant(), rid(1), "停水", "致各位业主", &hh, t0()).is_err());
    assert!(file_open_letter(&supervisor(), rid(1), "停水", "致各位业主", &hh[..1], t0()).is_err());
    w.run(file_open_letter(
        &supervisor(),
        rid(1),
        "停水",
        "致各位业主",
        &hh,
        t0(),
    ));
    let cb = w.cb(rid(1));
    assert_eq!(cb.status, CallbackStatus::Filed);
    assert_eq!(cb.letter.clone().unwrap().2.len(), 3);
    assert!(cb.index().title.contains("公开信"));
}

#[test]
fn cb_7_schedule_other_kinds_move_in_and_emergency_in_a_week() {
    let mut w = World::default();
    let req = CallbackRequest {
        kind: CallbackKind::Emergency,
        source: None,
        household: None,
        unit: None,
        place: "2号楼".into(),
        contact: String::new(),
        topic: "水浸后回访".into(),
        role: Role::Supervisor,
        assignee: Some(supervisor().id),
        previous: None,
    };
    w.run(schedule(&assistant(), rid(1), &req, t0(), &cal()));
    let ix = w.cb(rid(1)).index();
    assert_eq!(ix.due, Some(t0() + 7 * DAY));
    assert_eq!(ix.assignee, Some(supervisor().id));
}

#[test]
fn cb_7_monthly_phone_round_covers_every_household_once() {
    let mut w = World::default();
    let hh: Vec<RoundHousehold> = (0..5)
        .map(|n| RoundHousehold {
            household: rid(100 + n),
            unit: rid(200 + n),
            place: format!("1号楼 {n}01"),
            contact: String::new(),
        })
        .collect();
    let mut ids = crate::domain::ids::SeededEntropy::new(3);
    assert!(monthly_round(&assistant(), &hh, &[], &[], &mut ids, t0(), &cal()).is_err());
    // One household already has a callback this month: four are scheduled, in turn.
    let req = CallbackRequest {
        kind: CallbackKind::Repair,
        source: None,
        household: Some(rid(100)),
        unit: None,
        place: String::new(),
        contact: String::new(),
        topic: "维修".into(),
        role: Role::Assistant,
        assignee: None,
        previous: None,
    };
    w.run(schedule(&staff(), rid(1), &req, t0(), &cal()));
    let ds = w.run(monthly_round(
        &supervisor(),
        &hh,
        &[w.cb(rid(1))],
        &[assistant().id, receptionist().id],
        &mut ids,
        t0(),
        &cal(),
    ));
    assert_eq!(ds.len(), 4);
    let round: Vec<Callback> =
        w.cb.values()
            .filter(|c| c.kind() == CallbackKind::Regular)
            .cloned()
            .collect();
    assert_eq!(round.len(), 4);
    assert!(round
        .iter()
        .all(|c| c.spec.as_ref().unwrap().clock.deadline == at(2026, 4, 10, 9)));
    // Recorded calls count towards the month's coverage.
    let (id, cb) =
        w.cb.iter()
            .find(|(_, c)| c.kind() == CallbackKind::Regular)
            .map(|(i, c)| (*i, c.clone()))
            .unwrap();
    let out = CallbackOutcome {
        signoff: SignOff::Phone,
        rating: Some(Rating::Satisfied),
        comment: "无意见".into(),
        new_problem: None,
    };
    w.run(record(&assistant(), id, &cb, &out, rid(99), t0() + DAY));
    let all: Vec<Callback> = w.cb.values().cloned().collect();
    let cov = crate::domain::complaints::report::households_contacted(2026, 3, &cal(), &all, 5);
    assert_eq!(cov, Tally { all: 5, in_time: 1 });
}

#[test]
fn cb_7_door_visits_of_the_regular_contact_only_by_appointment() {
    let mut w = World::default();
    let hh = vec![RoundHousehold {
        household: rid(100),
        unit: rid(200),
        place: "1号楼 101".into(),
        contact: String::new(),
    }];
    let mut ids = crate::domain::ids::SeededEntropy::new(3);
    w.run(monthly_round(
        &supervisor(),
        &hh,
        &[],
        &[assistant().id],
        &mut ids,
        t0(),
        &cal(),
    ));
    let (id, cb) = w.cb.iter().map(|(i, c)| (*i, c.clone())).next().unwrap();
    let visit = CallbackOutcome {
        signoff: SignOff::Drawn {
            path: "M10 10 L20 30 L40 12".into(),
        },
        rating: Some(Rating::Satisfied),
        comment: "上门拜访".into(),
        new_problem: None,
    };
    let err = record(&assistant(), id, &cb, &visit, rid(99), t0() + DAY).unwrap_err();
    assert!(err.message().zh.contains("预约"), "{:?}", err.message());
    // By appointment: planned first, then the visit is recorded with the signature.
    w.run(plan(
        &supervisor(),
        id,
        &cb,
        assistant().id,
        t0() + 2 * DAY,
        t0() + DAY,
    ));
    let cb = w.cb(id);
    w.run(record(
        &assistant(),
        id,
        &cb,
        &visit,
        rid(99),
        t0() + 2 * DAY,
    ));
    assert_eq!(w.cb(id).status, CallbackStatus::Done);
}
