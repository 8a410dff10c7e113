//! Native tests of the cash day, citing PAID-4 and DESK-3.

use super::*;
use crate::domain::roles::Role;
use crate::testkit::{fold, sid};
use chrono::NaiveTime;

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: sid(n),
        roles: roles.iter().copied().collect(),
    }
}

fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}

/// Monday 2026-11-16 at hh:mm local.
fn t(date: NaiveDate, h: u32, m: u32) -> i64 {
    cal().at(date, NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

fn mon() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn sale(amount: i64, tablet: &str) -> Collection {
    Collection {
        post: Post::FrontDesk,
        tablet: tablet.into(),
        amount,
        what: "电影票 2张".into(),
        source: None,
        payer: "王女士".into(),
    }
}

/// Collects on the day record built so far; returns the new state.
fn take(drafts: &mut Vec<Draft>, who: &Actor, c: &Collection, now: i64) -> CashDay {
    let date = cal().local_date(now);
    let r = day_ref(c.post, date);
    let today: CashDay = fold(drafts, r);
    let today = today.date.is_some().then_some(today);
    drafts.extend(collect(who, today.as_ref(), None, c, now, &cal()).unwrap());
    fold(drafts, r)
}

#[test]
fn paid_4_receipts_are_numbered_per_till_date_and_tablet_and_never_repeat() {
    let rec = actor(1, &[Role::Receptionist]);
    let mut d = Vec::new();
    take(&mut d, &rec, &sale(3_000, "3f2a"), t(mon(), 9, 0));
    take(&mut d, &rec, &sale(4_550, "3f2a"), t(mon(), 10, 0));
    // Another tablet at the same desk, same day: its own series, the same day record.
    let day = take(&mut d, &rec, &sale(1_000, "b7c1"), t(mon(), 11, 0));
    let numbers: Vec<&str> = day.receipts.iter().map(|r| r.receipt.as_str()).collect();
    assert_eq!(
        numbers,
        [
            "FD-261116-3F2A-01",
            "FD-261116-3F2A-02",
            "FD-261116-B7C1-01"
        ]
    );
    assert_eq!(day.collected(), 8_550);
    assert_eq!(yuan(day.collected()), "¥85.50");
    assert_eq!(receipt_in(&d[..1]), Some("FD-261116-3F2A-01"));
    // The same receipt event folded twice counts once.
    let mut twice = d.clone();
    twice.push(d[0].clone());
    let r = day_ref(Post::FrontDesk, mon());
    assert_eq!(fold::<CashDay>(&twice, r).collected(), 8_550);
}

#[test]
fn paid_4_the_open_day_is_due_by_the_end_of_office_hours_on_the_collectors_to_do() {
    let rec = actor(1, &[Role::Receptionist]);
    let mut d = Vec::new();
    let day = take(&mut d, &rec, &sale(3_000, "aa01"), t(mon(), 9, 0));
    let ix = day.index();
    assert_eq!(ix.assignee, Some(rec.id));
    let office_end = cal().office_hours(mon()).unwrap().1;
    assert_eq!(ix.due, Some(office_end), "下班前上交财务 (seed 003)");
    assert!(ix.search.contains(&"open|desk".to_string()));
    assert!(ix.search.contains(&"desk|2026-11".to_string()));
    // Closed: off the to-do and the handover.
    let close = close_day(
        &rec,
        &day,
        &CloseInput {
            counted: 3_000,
            handed: 3_000,
            received_by: "财务 李会计".into(),
            reason: String::new(),
        },
        None,
        t(mon(), 17, 0),
    )
    .unwrap();
    d.extend(close);
    let day: CashDay = fold(&d, day_ref(Post::FrontDesk, mon()));
    assert_eq!(day.status(), DayStatus::Closed);
    assert_eq!(day.index().assignee, None);
    assert!(day.index().search.contains(&"closed|desk".to_string()));
    assert_eq!(day.closed.as_ref().unwrap().number, "FD-20261116");
}

#[test]
fn paid_4_reconciliation_arithmetic_collected_counted_handed() {
    let r = Reconciliation {
        collected: 12_000,
        counted: 11_950,
        handed: 11_950,
    };
    assert_eq!(r.over_short(), -50);
    assert_eq!(r.not_handed(), 0);
    assert!(!r.agrees());
    let ok = Reconciliation {
        collected: 500,
        counted: 500,
        handed: 500,
    };
    assert!(ok.agrees());
    assert_eq!(parse_yuan("12"), Some(1_200));
    assert_eq!(parse_yuan("12.5"), Some(1_250));
    assert_eq!(parse_yuan("¥0.05"), Some(5));
    assert_eq!(parse_yuan("12.345"), None);
    assert_eq!(parse_yuan("-3"), None);
    assert_eq!(parse_yuan("abc"), None);
    assert_eq!(yuan(-50), "-¥0.50");
}

#[test]
fn paid_4_a_difference_needs_a_reason_and_a_second_persons_confirmation() {
    let rec = actor(1, &[Role::Receptionist]);
    let asst = actor(2, &[Role::Assistant]);
    let mut d = Vec::new();
    take(&mut d, &rec, &sale(3_000, "aa01"), t(mon(), 9, 0));
    let day = take(&mut d, &rec, &sale(2_000, "aa01"), t(mon(), 10, 0));
    let short = CloseInput {
        counted: 4_950,
        handed: 4_950,
        received_by: "李会计".into(),
        reason: String::new(),
    };
    let now = t(mon(), 17, 0);
    let e = close_day(&rec, &day, &short, Some(&asst), now).unwrap_err();
    assert!(e.message().zh.contains("差额原因"));
    let with_reason = CloseInput {
        reason: "找零多找五角".into(),
        ..short.clone()
    };
    let e = close_day(&rec, &day, &with_reason, None, now).unwrap_err();
    assert!(e.message().zh.contains("第二人"));
    let e = close_day(&rec, &day, &with_reason, Some(&rec), now).unwrap_err();
    assert!(e.message().en.contains("someone else"));
    // The second person must be someone who may close a till.
    let tech = actor(3, &[Role::DepartmentStaff]);
    assert!(matches!(
        close_day(&rec, &day, &with_reason, Some(&tech), now),
        Err(DomainError::Denied(_))
    ));
    let drafts = close_day(&rec, &day, &with_reason, Some(&asst), now).unwrap();
    d.extend(drafts);
    let closed: CashDay = fold(&d, day_ref(Post::FrontDesk, mon()));
    let c = closed.closed.clone().unwrap();
    assert_eq!((c.collected, c.counted, c.handed), (5_000, 4_950, 4_950));
    assert_eq!(c.second, Some(asst.id));
    assert_eq!(c.by, rec.id);
    // Counted but not all handed to finance is a difference too.
    let mut d2 = Vec::new();
    let day2 = take(&mut d2, &rec, &sale(1_000, "aa01"), t(mon(), 9, 0));
    let kept = CloseInput {
        counted: 1_000,
        handed: 800,
        received_by: "李会计".into(),
        reason: String::new(),
    };
    assert!(close_day(&rec, &day2, &kept, None, now).is_err());
    // More handed than counted is impossible; negative amounts refused.
    let over = CloseInput {
        handed: 1_200,
        ..kept.clone()
    };
    assert!(close_day(&rec, &day2, &over, Some(&asst), now).is_err());
    let neg = CloseInput {
        counted: -1,
        ..kept.clone()
    };
    assert!(close_day(&rec, &day2, &neg, Some(&asst), now).is_err());
    // Agreeing figures need no second person, but who at finance received it.
    let agree = CloseInput {
        counted: 1_000,
        handed: 1_000,
        received_by: " ".into(),
        reason: String::new(),
    };
    assert!(close_day(&rec, &day2, &agree, None, now).is_err());
}

#[test]
fn paid_4_a_closed_day_is_unchangeable_and_takes_no_more_cash() {
    let rec = actor(1, &[Role::Receptionist]);
    let sup = actor(2, &[Role::Supervisor]);
    let mut d = Vec::new();
    let day = take(&mut d, &rec, &sale(3_000, "aa01"), t(mon(), 9, 0));
    let input = CloseInput {
        counted: 3_000,
        handed: 3_000,
        received_by: "李会计".into(),
        reason: String::new(),
    };
    let open_day = day.clone();
    d.extend(close_day(&rec, &day, &input, None, t(mon(), 16, 0)).unwrap());
    let day: CashDay = fold(&d, day_ref(Post::FrontDesk, mon()));
    assert!(close_day(&sup, &day, &input, None, t(mon(), 16, 30)).is_err());
    assert!(carry_over(&sup, &day, "x", t(mon(), 16, 30)).is_err());
    let e = collect(
        &rec,
        Some(&day),
        None,
        &sale(100, "aa01"),
        t(mon(), 16, 40),
        &cal(),
    )
    .unwrap_err();
    assert!(e.message().zh.contains("已日结"));
    // A second close written on another tablet offline does not replace the first.
    let mut other = input.clone();
    other.counted = 2_900;
    other.handed = 2_900;
    other.reason = "另一台平板".into();
    let late = close_day(&sup, &open_day, &other, Some(&rec), t(mon(), 17, 0)).unwrap();
    d.extend(late);
    let day: CashDay = fold(&d, day_ref(Post::FrontDesk, mon()));
    assert_eq!(day.closed.unwrap().counted, 3_000, "the first close stands");
}

#[test]
fn paid_4_the_next_day_waits_until_yesterday_is_closed_or_carried_over() {
    let rec = actor(1, &[Role::Receptionist]);
    let sup = actor(2, &[Role::Supervisor]);
    let mut d = Vec::new();
    take(&mut d, &rec, &sale(3_000, "aa01"), t(mon(), 9, 0));
    let monday: CashDay = fold(&d, day_ref(Post::FrontDesk, mon()));
    let tue = mon().succ_opt().unwrap();
    let now = t(tue, 9, 0);
    // Monday left open: Tuesday's first sale is refused, naming the day and the way out.
    let e = collect(&rec, None, Some(&monday), &sale(500, "aa01"), now, &cal()).unwrap_err();
    assert!(e.message().zh.contains("2026-11-16"));
    assert!(e.message().en.contains("carry it over"));
    // The pending day is found among the open views of the till, not other tills or today.
    let views: Vec<View> = crate::testkit::stamp(d.clone())
        .into_iter()
        .filter_map(|e| crate::domain::view::fold_all::<CashDay>(e.subject.id, vec![e]))
        .collect();
    assert!(pending_before(&views, Post::FrontDesk, tue).is_some());
    assert!(pending_before(&views, Post::FrontDesk, mon()).is_none());
    assert!(pending_before(&views, Post::ServiceCentre, tue).is_none());
    // The other till is not blocked.
    let cs = Collection {
        post: Post::ServiceCentre,
        ..sale(500, "aa01")
    };
    assert!(collect(&rec, None, None, &cs, now, &cal()).is_ok());
    // A receptionist may not carry over; a Supervisor may, with a reason.
    assert!(matches!(
        carry_over(&rec, &monday, "钥匙在财务", now),
        Err(DomainError::Denied(_))
    ));
    assert!(carry_over(&sup, &monday, " ", now).is_err());
    d.extend(carry_over(&sup, &monday, "保险柜钥匙在财务，明早清点", now).unwrap());
    let monday: CashDay = fold(&d, day_ref(Post::FrontDesk, mon()));
    assert_eq!(monday.status(), DayStatus::Carried);
    assert_eq!(monday.carried.as_ref().unwrap().by, sup.id);
    assert!(carry_over(&sup, &monday, "again", now).is_err());
    assert!(pending_before(
        &[
            crate::domain::view::fold_all::<CashDay>(monday_id(), crate::testkit::stamp(d.clone()))
                .unwrap()
        ],
        Post::FrontDesk,
        tue
    )
    .is_none());
    // Tuesday takes cash; the carried day can still be closed later.
    assert!(collect(&rec, None, Some(&monday), &sale(500, "aa01"), now, &cal()).is_ok());
    let input = CloseInput {
        counted: 3_000,
        handed: 3_000,
        received_by: "李会计".into(),
        reason: String::new(),
    };
    d.extend(close_day(&rec, &monday, &input, None, t(tue, 10, 0)).unwrap());
    let monday: CashDay = fold(&d, day_ref(Post::FrontDesk, mon()));
    assert_eq!(monday.status(), DayStatus::Closed);
    assert!(
        monday.carried.is_some(),
        "the carry-over stays in the record"
    );
}

fn monday_id() -> RecordId {
    day_id(Post::FrontDesk, mon())
}

#[test]
fn paid_4_every_refusal_of_each_role_names_the_roles_needed() {
    let mut d = Vec::new();
    let rec = actor(1, &[Role::Receptionist]);
    let day = take(&mut d, &rec, &sale(3_000, "aa01"), t(mon(), 9, 0));
    let input = CloseInput {
        counted: 3_000,
        handed: 3_000,
        received_by: "李会计".into(),
        reason: String::new(),
    };
    let now = t(mon(), 10, 0);
    for role in [Role::DepartmentLead, Role::DepartmentStaff] {
        let a = actor(9, &[role]);
        let e = collect(&a, None, None, &sale(100, "aa01"), now, &cal()).unwrap_err();
        assert!(e.message().zh.contains("前台接待员"), "{role:?}");
        let e = close_day(&a, &day, &input, None, now).unwrap_err();
        assert!(e.message().en.contains("Receptionist"), "{role:?}");
    }
    for role in [
        Role::Assistant,
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ] {
        let e = carry_over(&actor(9, &[role]), &day, "x", now).unwrap_err();
        assert!(e.message().zh.contains("客服主管"), "{role:?}");
    }
    for role in [
        Role::Director,
        Role::Supervisor,
        Role::Assistant,
        Role::Receptionist,
    ] {
        assert!(collect(
            &actor(9, &[role]),
            None,
            None,
            &sale(100, "aa01"),
            now,
            &cal()
        )
        .is_ok());
    }
    // Input refusals.
    assert!(collect(&rec, None, None, &sale(0, "aa01"), now, &cal()).is_err());
    assert!(collect(&rec, None, None, &sale(-5, "aa01"), now, &cal()).is_err());
    let mut no_payer = sale(100, "aa01");
    no_payer.payer = " ".into();
    assert!(collect(&rec, None, None, &no_payer, now, &cal()).is_err());
    assert!(collect(&rec, None, None, &sale(100, ""), now, &cal()).is_err());
    assert!(close_day(&rec, &CashDay::default(), &input, None, now).is_err());
}

#[test]
fn paid_4_fold_time_authority_follows_the_commands() {
    use crate::domain::authority::{requirement, Requirement};
    let rec = actor(1, &[Role::Receptionist]);
    let d = collect(&rec, None, None, &sale(100, "aa01"), t(mon(), 9, 0), &cal()).unwrap();
    assert_eq!(
        requirement(&d[0].body),
        Requirement::AnyOf(&[Action::TakeCash])
    );
}

#[test]
fn paid_4_days_csv_has_a_row_per_day() {
    let rec = actor(1, &[Role::Receptionist]);
    let mut d = Vec::new();
    let day = take(&mut d, &rec, &sale(3_000, "aa01"), t(mon(), 9, 0));
    let rows = days_csv(&[day]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][4], "¥30.00");
    assert_eq!(rows[1][9], "未日结");
}
