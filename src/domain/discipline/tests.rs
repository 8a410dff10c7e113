//! Native tests of discipline, citing PAID-8 (seed 003 §4).

use super::*;
use crate::domain::roles::Role::{self, *};
use crate::testkit::{fold, sid};

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: sid(n),
        roles: roles.iter().copied().collect(),
    }
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn input(person: u64, offence: Offence, m: u32, d: u32) -> DisciplineInput {
    DisciplineInput {
        person: Some(sid(person)),
        offence,
        what: "工作时间私自为住户维修并收费".into(),
        date: day(m, d),
    }
}

fn state(drafts: &[Draft], person: u64) -> Discipline {
    fold(
        drafts,
        RecordRef::new(RecordKind::Discipline, record_id(sid(person))),
    )
}

/// PAID-8: a private job — 1st a 200 fine, 2nd a fine and a transfer, 3rd dismissal; neglect of
/// duty — 1st a fine, 2nd removal, 3rd dismissal. The app shows the next step before it is
/// recorded; the step is never chosen by hand.
#[test]
fn paid_8_the_next_discipline_step_follows_the_seed_ladder() {
    let sup = actor(2, &[Supervisor]);
    let mut drafts = Vec::new();
    assert_eq!(
        Discipline::default().next_step(Offence::PrivateJob),
        Step::Fine
    );
    let mut steps = vec![];
    for (i, d) in [3, 10, 20, 25].iter().enumerate() {
        let cur = state(&drafts, 9);
        let next = cur.next_step(Offence::PrivateJob);
        drafts.extend(
            record(
                &sup,
                &cur,
                &input(9, Offence::PrivateJob, 11, *d),
                DEFAULT_FINE_FEN,
                i as i64,
            )
            .unwrap(),
        );
        let after = state(&drafts, 9);
        assert_eq!(after.entries.last().unwrap().step, next);
        steps.push((next, after.entries.last().unwrap().fine_fen));
    }
    assert_eq!(
        steps,
        vec![
            (Step::Fine, 20_000),
            (Step::FineAndTransfer, 20_000),
            (Step::Dismissal, 0),
            (Step::Dismissal, 0),
        ]
    );
    // Neglect of duty counts on its own ladder.
    let cur = state(&drafts, 9);
    assert_eq!(cur.next_step(Offence::NeglectOfDuty), Step::Fine);
    drafts.extend(
        record(
            &sup,
            &cur,
            &input(9, Offence::NeglectOfDuty, 11, 26),
            30_000,
            9,
        )
        .unwrap(),
    );
    let cur = state(&drafts, 9);
    assert_eq!(
        cur.entries.last().unwrap().fine_fen,
        30_000,
        "the fine is a setting"
    );
    assert_eq!(cur.next_step(Offence::NeglectOfDuty), Step::Removal);
    drafts.extend(
        record(
            &sup,
            &cur,
            &input(9, Offence::NeglectOfDuty, 11, 27),
            30_000,
            10,
        )
        .unwrap(),
    );
    assert_eq!(
        state(&drafts, 9).entries.last().unwrap().fine_fen,
        0,
        "removal has no fine"
    );
    assert_eq!(
        state(&drafts, 9).next_step(Offence::NeglectOfDuty),
        Step::Dismissal
    );
    // Another person starts at the bottom.
    assert_eq!(state(&drafts, 8).next_step(Offence::PrivateJob), Step::Fine);
}

/// PAID-8: recorded by a Supervisor (or the Director); every other role is refused with the
/// roles needed named; nobody records against themselves; what happened is required.
#[test]
fn paid_8_only_supervisor_or_director_record_discipline() {
    let cur = Discipline::default();
    for r in [Assistant, Receptionist, DepartmentLead, DepartmentStaff] {
        let e = record(
            &actor(3, &[r]),
            &cur,
            &input(9, Offence::PrivateJob, 11, 3),
            DEFAULT_FINE_FEN,
            0,
        )
        .unwrap_err();
        assert!(
            e.message().zh.contains("客服主管") && e.message().zh.contains("物业部主任"),
            "{r:?}"
        );
        assert!(e.message().en.contains("Supervisor"), "{r:?}");
    }
    assert!(record(
        &actor(1, &[Director]),
        &cur,
        &input(9, Offence::PrivateJob, 11, 3),
        DEFAULT_FINE_FEN,
        0
    )
    .is_ok());
    let sup = actor(2, &[Supervisor]);
    assert!(
        record(
            &sup,
            &cur,
            &input(2, Offence::PrivateJob, 11, 3),
            DEFAULT_FINE_FEN,
            0
        )
        .is_err(),
        "not oneself"
    );
    let mut blank = input(9, Offence::PrivateJob, 11, 3);
    blank.what = "  ".into();
    assert!(record(&sup, &cur, &blank, DEFAULT_FINE_FEN, 0).is_err());
    blank.person = None;
    assert!(record(&sup, &cur, &blank, DEFAULT_FINE_FEN, 0).is_err());
}

/// PAID-8: the month's fines for deduction — found by the month key, listed by date, only
/// entries with a fine and of that month; yuan with two decimals.
#[test]
fn paid_8_fines_are_listed_by_month_for_deduction() {
    let sup = actor(2, &[Supervisor]);
    let mut drafts = Vec::new();
    for (p, m, d) in [(9, 10, 28), (9, 11, 4), (8, 11, 2), (9, 11, 20)] {
        let cur = state(&drafts, p);
        drafts.extend(
            record(
                &sup,
                &cur,
                &input(p, Offence::PrivateJob, m, d),
                DEFAULT_FINE_FEN,
                0,
            )
            .unwrap(),
        );
    }
    let r9 = state(&drafts, 9);
    let r8 = state(&drafts, 8);
    assert!(r9.index().search.contains(&fine_month_key("2026-11")));
    assert!(r9.index().search.contains(&fine_month_key("2026-10")));
    let nov = month_fines("2026-11", &[r9.clone(), r8.clone()]);
    // p9's third (Nov 20) is a dismissal: no fine.
    assert_eq!(
        nov.iter()
            .map(|f| (f.person, f.date, f.step))
            .collect::<Vec<_>>(),
        vec![
            (sid(8), day(11, 2), Step::Fine),
            (sid(9), day(11, 4), Step::FineAndTransfer),
        ]
    );
    assert_eq!(nov.iter().map(|f| f.fine_fen).sum::<u64>(), 40_000);
    assert_eq!(month_fines("2026-10", &[r9, r8]).len(), 1);
    assert_eq!(yuan(20_000), "200.00");
    assert_eq!(yuan(12_345), "123.45");
}
