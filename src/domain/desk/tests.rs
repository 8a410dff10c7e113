//! Native tests of the front desk, citing DESK-1..4 (and PAID-4 for the takings).

use super::consign::{self, Consignment};
use super::mail::{self, Mail, MailInput, MailStatus, NoticeHow};
use super::papers::{self, PaperDay};
use super::reception;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::cash::{self, CashDay, CloseInput};
use crate::domain::command::{Actor, DomainError};
use crate::domain::duty::handover::gather_open_items;
use crate::domain::duty::Post;
use crate::domain::event::{Draft, RecordKind, RecordRef};
use crate::domain::ids::Id;
use crate::domain::roles::Role;
use crate::domain::sla::SlaState;
use crate::domain::view::{fold_all, Aggregate};
use crate::testkit::{fold, sid, stamp};
use chrono::{NaiveDate, NaiveTime};

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: sid(n),
        roles: roles.iter().copied().collect(),
    }
}

fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}

fn mon() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn t(date: NaiveDate, h: u32, m: u32) -> i64 {
    cal().at(date, NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

fn letter() -> MailInput {
    MailInput {
        recipient: "张伟".into(),
        unit: Some(Id::derived("unit", 1)),
        place: "3栋1201".into(),
        number: "XA12345678CN".into(),
        count: 1,
        shelf: "B2".into(),
        unknown_address: false,
    }
}

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

#[test]
fn desk_1_register_notify_at_once_then_renotify_on_days_1_3_7_to_the_minute() {
    let rec = actor(1, &[Role::Receptionist]);
    let id = Id::derived("mail", 1);
    let r = mail::mail_ref(id);
    let t0 = t(mon(), 9, 12);
    let mut d = mail::register(&rec, id, &letter(), &[1, 3, 7], t0, &cal()).unwrap();
    let m: Mail = fold(&d, r);
    assert_eq!(m.status(), MailStatus::Registered);
    // Notify at once: within 30 minutes.
    assert_eq!(m.clock.as_ref().unwrap().deadline, t0 + 30 * MINUTE);
    assert_eq!(m.index().assignee, Some(rec.id));
    d.extend(
        mail::notify(
            &rec,
            id,
            &m,
            NoticeHow::Phone,
            "本人接听",
            t0 + 5 * MINUTE,
            &cal(),
        )
        .unwrap(),
    );
    let m: Mail = fold(&d, r);
    assert_eq!(m.status(), MailStatus::Notified);
    // Next notice: day 1 after registration, same local time.
    assert_eq!(m.clock.as_ref().unwrap().deadline, t0 + DAY);
    for (n, day) in [(2usize, 3i64), (3, 7)] {
        let m: Mail = fold(&d, r);
        d.extend(
            mail::notify(
                &rec,
                id,
                &m,
                NoticeHow::DoorNote,
                "",
                t0 + (day - 1) * DAY,
                &cal(),
            )
            .unwrap(),
        );
        let m: Mail = fold(&d, r);
        assert_eq!(m.notices.len(), n);
        assert_eq!(
            m.clock.as_ref().unwrap().deadline,
            t0 + day * DAY,
            "day {day}"
        );
    }
    // After day 7's notice: a decision (keep or return) 7 days later.
    let m: Mail = fold(&d, r);
    d.extend(mail::notify(&rec, id, &m, NoticeHow::Message, "", t0 + 7 * DAY, &cal()).unwrap());
    let m: Mail = fold(&d, r);
    assert_eq!(m.clock.as_ref().unwrap().deadline, t0 + 14 * DAY);
    assert!(m.clock.as_ref().unwrap().name.zh.contains("退回邮局"));
    // The schedule is a setting: other days give other deadlines.
    let c = mail::next_clock(t0, &[2, 5], 1, &cal());
    assert_eq!(c.deadline, t0 + 2 * DAY);
}

#[test]
fn desk_1_unclaimed_mail_is_an_open_item_of_the_handover_and_pickup_closes_it_and_its_line() {
    let rec = actor(1, &[Role::Receptionist]);
    let id = Id::derived("mail", 2);
    let r = mail::mail_ref(id);
    let t0 = t(mon(), 9, 0);
    let mut d = mail::register(&rec, id, &letter(), &[1, 3, 7], t0, &cal()).unwrap();
    let m: Mail = fold(&d, r);
    d.extend(mail::notify(&rec, id, &m, NoticeHow::Phone, "", t0 + MINUTE, &cal()).unwrap());
    let view = |d: &[Draft]| {
        fold_all::<Mail>(
            id,
            stamp(d.to_vec())
                .into_iter()
                .filter(|e| e.subject == r)
                .collect(),
        )
        .unwrap()
    };
    // The front-desk handover at 17:30 gathers it by itself (DUTY-11).
    let items = gather_open_items(&[view(&d)], t(mon(), 17, 30));
    assert_eq!(items.len(), 1);
    assert!(items[0].title.contains("3栋1201"));
    assert_eq!(items[0].kind, "mail");
    // The front desk's handover carries it, not the centre's (DUTY-11).
    use crate::domain::duty::handover::for_post;
    assert_eq!(for_post(items.clone(), Post::FrontDesk).len(), 1);
    assert!(for_post(items, Post::ServiceCentre).is_empty());
    // Picked up the next day with a drawn signature: the line is gone.
    let m: Mail = fold(&d, r);
    let tue = mon().succ_opt().unwrap();
    let e = mail::pick_up(&rec, id, &m, "张伟", "", "", t(tue, 10, 0)).unwrap_err();
    assert!(e.message().zh.contains("签名"));
    assert!(mail::pick_up(&rec, id, &m, "张伟", "<script>", "", t(tue, 10, 0)).is_err());
    d.extend(mail::pick_up(&rec, id, &m, "张伟", "M10 10 L20 20", "", t(tue, 10, 0)).unwrap());
    let m: Mail = fold(&d, r);
    assert_eq!(m.status(), MailStatus::PickedUp);
    assert!(!m.clock.as_ref().unwrap().state(t(tue, 10, 0)).is_open());
    assert!(gather_open_items(&[view(&d)], t(tue, 17, 30)).is_empty());
    assert_eq!(m.index().assignee, None);
    // Closed for good: no second pickup, no notice, no return.
    assert!(mail::pick_up(&rec, id, &m, "x", "", "身份证", t(tue, 11, 0)).is_err());
    assert!(mail::notify(&rec, id, &m, NoticeHow::Phone, "", t(tue, 11, 0), &cal()).is_err());
    assert!(mail::return_to_post(&rec, id, &m, "x", t(tue, 11, 0)).is_err());
    // The ID shown, noted, is the other way to sign for it.
    let id2 = Id::derived("mail", 3);
    let d2 = mail::register(&rec, id2, &letter(), &[1, 3, 7], t0, &cal()).unwrap();
    let m2: Mail = fold(&d2, mail::mail_ref(id2));
    assert!(mail::pick_up(
        &rec,
        id2,
        &m2,
        "张伟家属",
        "",
        "身份证尾号0312",
        t0 + MINUTE
    )
    .is_ok());
}

#[test]
fn desk_1_unknown_address_goes_to_an_assistant_else_back_to_the_post_office() {
    let rec = actor(1, &[Role::Receptionist]);
    let asst = actor(2, &[Role::Assistant]);
    let id = Id::derived("mail", 4);
    let r = mail::mail_ref(id);
    let t0 = t(mon(), 9, 0);
    let unknown = MailInput {
        recipient: "李先生".into(),
        unit: None,
        place: String::new(),
        unknown_address: true,
        ..letter()
    };
    let mut d = mail::register(&rec, id, &unknown, &[1, 3, 7], t0, &cal()).unwrap();
    let m: Mail = fold(&d, r);
    assert_eq!(m.status(), MailStatus::Unidentified);
    assert!(m.index().search.contains(&"open|2026-11".to_string()));
    // Nobody can be told or sign for it before it is identified.
    assert!(mail::notify(&rec, id, &m, NoticeHow::Phone, "", t0, &cal()).is_err());
    assert!(mail::pick_up(&rec, id, &m, "x", "", "身份证", t0).is_err());
    // A receptionist may not identify; an Assistant may (seed §6.2.5).
    for role in [
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ] {
        let e = mail::identify(
            &actor(9, &[role]),
            id,
            &m,
            "李明",
            None,
            "5栋302",
            t0,
            &cal(),
        )
        .unwrap_err();
        assert!(e.message().zh.contains("物业助理"), "{role:?}");
    }
    d.extend(
        mail::identify(
            &asst,
            id,
            &m,
            "李明",
            None,
            "5栋302",
            t0 + 60 * MINUTE,
            &cal(),
        )
        .unwrap(),
    );
    let m: Mail = fold(&d, r);
    assert_eq!(m.status(), MailStatus::Registered);
    assert_eq!(m.clock.as_ref().unwrap().deadline, t0 + 90 * MINUTE);
    // Another unknown one nobody could identify: returned with a record.
    let id2 = Id::derived("mail", 5);
    let d2 = mail::register(&rec, id2, &unknown, &[1, 3, 7], t0, &cal()).unwrap();
    let m2: Mail = fold(&d2, mail::mail_ref(id2));
    assert!(mail::return_to_post(&rec, id2, &m2, " ", t0).is_err());
    let mut d2 = d2;
    d2.extend(
        mail::return_to_post(&rec, id2, &m2, "查无此人，客务助理无法识别", t0 + DAY).unwrap(),
    );
    let m2: Mail = fold(&d2, mail::mail_ref(id2));
    assert_eq!(m2.status(), MailStatus::Returned);
    assert_eq!(m2.index().clock, None);
}

#[test]
fn desk_1_2_3_refusals_name_the_roles_and_check_the_input() {
    let t0 = t(mon(), 9, 0);
    let id = Id::derived("mail", 6);
    for role in [Role::DepartmentLead, Role::DepartmentStaff] {
        let a = actor(9, &[role]);
        let e = mail::register(&a, id, &letter(), &[1], t0, &cal()).unwrap_err();
        assert!(matches!(e, DomainError::Denied(_)));
        assert!(e.message().zh.contains("前台接待员"));
        assert!(papers::receive(&a, &PaperDay::default(), 10, t0, &cal()).is_err());
        assert!(consign::set_item(&a, id, "电影票", "影院", "", 3_000, 5, t0).is_err());
    }
    let rec = actor(1, &[Role::Receptionist]);
    let mut no_number = letter();
    no_number.number = " ".into();
    assert!(mail::register(&rec, id, &no_number, &[1], t0, &cal()).is_err());
    let mut zero = letter();
    zero.count = 0;
    assert!(mail::register(&rec, id, &zero, &[1], t0, &cal()).is_err());
    let mut no_unit = letter();
    no_unit.place = String::new();
    assert!(mail::register(&rec, id, &no_unit, &[1], t0, &cal()).is_err());
    assert!(mail::notify(&rec, id, &Mail::default(), NoticeHow::Phone, "", t0, &cal()).is_err());
}

#[test]
fn desk_2_subscriptions_change_by_events_and_sorting_is_due_by_0830() {
    let rec = actor(1, &[Role::Receptionist]);
    let sid1 = Id::derived("sub", 1);
    let sref = RecordRef::new(RecordKind::Subscription, sid1);
    let t0 = t(mon(), 7, 50);
    let mut d = papers::set_subscription(
        &rec,
        sid1,
        "王芳",
        None,
        "2栋801",
        &["北京青年报×1".into()],
        true,
        t0,
    )
    .unwrap();
    d.extend(
        papers::set_subscription(
            &rec,
            sid1,
            "王芳",
            None,
            "2栋801",
            &["北京青年报×1".into(), "晨报×1".into()],
            true,
            t0 + DAY,
        )
        .unwrap(),
    );
    let s: super::Subscription = fold(&d, sref);
    assert_eq!(s.papers.len(), 2);
    assert_eq!(s.changes, 1);
    assert!(papers::set_subscription(&rec, sid1, "王芳", None, "2栋801", &[], true, t0).is_err());
    // The day's papers: received at 07:50, sorting due at 08:30 sharp.
    let day_ref = RecordRef::new(RecordKind::PaperDay, papers::paper_day_id(mon()));
    let mut p = papers::receive(&rec, &PaperDay::default(), 40, t0, &cal()).unwrap();
    let day: PaperDay = fold(&p, day_ref);
    assert_eq!(day.clock.as_ref().unwrap().deadline, t(mon(), 8, 30));
    assert!(papers::receive(&rec, &day, 40, t0, &cal()).is_err());
    p.extend(papers::sorted(&rec, &day, t(mon(), 8, 35)).unwrap());
    let day: PaperDay = fold(&p, day_ref);
    assert_eq!(
        day.sort_clock.as_ref().unwrap().state(t(mon(), 9, 0)),
        SlaState::MetLate,
        "08:35 is five minutes late"
    );
    assert!(day.index().clock.is_none());
    // Not handed out today: an open item of the front-desk handover until handed out.
    assert!(papers::undistributed(&rec, &day, &[" ".into()], t(mon(), 17, 0), &cal()).is_err());
    p.extend(
        papers::undistributed(
            &rec,
            &day,
            &["5栋302 晨报：家中无人".into()],
            t(mon(), 17, 0),
            &cal(),
        )
        .unwrap(),
    );
    let view = |p: &[Draft]| {
        fold_all::<PaperDay>(
            day_ref.id,
            stamp(p.to_vec())
                .into_iter()
                .filter(|e| e.subject == day_ref)
                .collect(),
        )
        .unwrap()
    };
    let items = gather_open_items(&[view(&p)], t(mon(), 17, 30));
    assert_eq!(items.len(), 1);
    assert!(items[0].title.contains("家中无人"));
    let day: PaperDay = fold(&p, day_ref);
    assert_eq!(
        day.clock.as_ref().unwrap().deadline,
        t(mon().succ_opt().unwrap(), 8, 30)
    );
    p.extend(papers::distributed(&rec, &day, t(mon().succ_opt().unwrap(), 8, 0)).unwrap());
    assert!(gather_open_items(&[view(&p)], t(mon(), 18, 0)).is_empty());
}

fn tickets(d: &mut Vec<Draft>, rec: &Actor) -> (crate::domain::ids::RecordId, Consignment) {
    let id = Id::derived("item", 1);
    d.extend(
        consign::set_item(
            rec,
            id,
            "电影票（万达影城）",
            "万达影城",
            "010-1234",
            3_500,
            3,
            t(mon(), 8, 0),
        )
        .unwrap(),
    );
    let item: Consignment = fold(d, consign::item_ref(id));
    d.extend(consign::receive_stock(rec, id, &item, 10, "月初送票", t(mon(), 8, 10)).unwrap());
    (id, fold(d, consign::item_ref(id)))
}

#[test]
fn desk_3_paid_4_a_day_of_sales_goes_through_the_till_and_closes_with_finance() {
    let rec = actor(1, &[Role::Receptionist]);
    let asst = actor(2, &[Role::Assistant]);
    let mut d = Vec::new();
    let (id, _) = tickets(&mut d, &rec);
    let cref = cash::day_ref(Post::FrontDesk, mon());
    let sell = |d: &mut Vec<Draft>, qty: u32, h: u32| {
        let item: Consignment = fold(d, consign::item_ref(id));
        let today: CashDay = fold(d, cref);
        let today = today.date.is_some().then_some(today);
        let drafts = consign::sell(
            &rec,
            id,
            &item,
            qty,
            "",
            "aa01",
            today.as_ref(),
            None,
            t(mon(), h, 0),
            &cal(),
        )
        .unwrap();
        d.extend(drafts);
    };
    sell(&mut d, 2, 10);
    sell(&mut d, 3, 14);
    let item: Consignment = fold(&d, consign::item_ref(id));
    assert_eq!(item.stock(), 5);
    assert_eq!(item.sales[1].receipt, "FD-261116-AA01-02");
    let day: CashDay = fold(&d, cref);
    assert_eq!(day.collected(), 5 * 3_500);
    assert_eq!(day.receipts[0].source, Some(consign::item_ref(id)));
    // Beyond the stock: refused, nothing collected.
    let e = consign::sell(
        &rec,
        id,
        &item,
        6,
        "",
        "aa01",
        Some(&day),
        None,
        t(mon(), 15, 0),
        &cal(),
    )
    .unwrap_err();
    assert!(e.message().zh.contains("库存不足"));
    // The day's takings to finance: ¥5 short, explained, confirmed by a second PIN.
    let close = cash::close_day(
        &rec,
        &day,
        &CloseInput {
            counted: 17_000,
            handed: 17_000,
            received_by: "出纳 刘芳".into(),
            reason: "找零错误少收5元".into(),
        },
        Some(&asst),
        t(mon(), 16, 50),
    )
    .unwrap();
    d.extend(close);
    let day: CashDay = fold(&d, cref);
    let c = day.closed.as_ref().unwrap();
    assert_eq!(c.collected - c.counted, 500);
    assert_eq!(c.second, Some(asst.id));
    assert_eq!(
        day.clock.as_ref().unwrap().state(t(mon(), 17, 0)),
        SlaState::MetInTime,
        "handed in before the end of office hours (seed §6.4.3)"
    );
    // The closed day takes no more sales.
    let item: Consignment = fold(&d, consign::item_ref(id));
    assert!(consign::sell(
        &rec,
        id,
        &item,
        1,
        "",
        "aa01",
        Some(&day),
        None,
        t(mon(), 17, 10),
        &cal()
    )
    .is_err());
    // The next morning, with Monday closed, Tuesday sells.
    let tue = mon().succ_opt().unwrap();
    assert!(consign::sell(
        &rec,
        id,
        &item,
        1,
        "",
        "aa01",
        None,
        None,
        t(tue, 9, 0),
        &cal()
    )
    .is_ok());
}

#[test]
fn desk_3_stock_running_out_is_reported_and_the_poster_asked_for_monthly() {
    let rec = actor(1, &[Role::Receptionist]);
    let mut d = Vec::new();
    let (id, item) = tickets(&mut d, &rec);
    assert!(!item.is_low());
    assert!(consign::report_stock_out(&rec, id, &item, "影院王经理", t(mon(), 9, 0)).is_err());
    let today: CashDay = Default::default();
    let _ = today;
    d.extend(
        consign::sell(
            &rec,
            id,
            &item,
            7,
            "",
            "aa01",
            None,
            None,
            t(mon(), 10, 0),
            &cal(),
        )
        .unwrap(),
    );
    let item: Consignment = fold(&d, consign::item_ref(id));
    assert!(item.needs_report());
    assert_eq!(item.index().status.as_deref(), Some("low"));
    assert!(consign::report_stock_out(&rec, id, &item, " ", t(mon(), 10, 5)).is_err());
    d.extend(consign::report_stock_out(&rec, id, &item, "影院王经理", t(mon(), 10, 5)).unwrap());
    let item: Consignment = fold(&d, consign::item_ref(id));
    assert!(!item.needs_report());
    d.extend(consign::receive_stock(&rec, id, &item, 20, "补票", t(mon(), 15, 0)).unwrap());
    let item: Consignment = fold(&d, consign::item_ref(id));
    assert_eq!(item.stock(), 23);
    assert!(item.reported.is_none(), "a new delivery clears the report");
    // Posters: from the 25th, next month's.
    assert_eq!(item.poster_due(mon()), None);
    let late = NaiveDate::from_ymd_opt(2026, 12, 27).unwrap();
    assert_eq!(item.poster_due(late).as_deref(), Some("2027-01"));
    assert!(consign::request_poster(&rec, id, &item, mon(), t(mon(), 9, 0)).is_err());
    d.extend(consign::request_poster(&rec, id, &item, late, t(late, 9, 0)).unwrap());
    let item: Consignment = fold(&d, consign::item_ref(id));
    assert_eq!(item.poster_due(late), None);
}

#[test]
fn desk_1_the_renotify_days_are_a_checked_setting() {
    use super::DeskSettings;
    assert!(DeskSettings::default().validate().is_ok());
    assert_eq!(DeskSettings::parse_days("1, 3，7"), vec![1, 3, 7]);
    for bad in [
        vec![],
        vec![0],
        vec![3, 1],
        vec![1, 1],
        vec![31],
        vec![1, 2, 3, 4, 5, 6],
    ] {
        let s = DeskSettings { renotify_days: bad };
        assert!(s.validate().is_err(), "{:?}", s.renotify_days);
    }
    let director = actor(1, &[Role::Director]);
    let mut settings = crate::domain::estate::Settings::default();
    settings.desk.renotify_days = vec![2, 5];
    assert!(crate::domain::estate::change_settings(&director, settings.clone()).is_ok());
    settings.desk.renotify_days = vec![5, 2];
    assert!(crate::domain::estate::change_settings(&director, settings).is_err());
}

#[test]
fn desk_4_the_reception_card_has_greeting_three_rings_and_farewell() {
    let card = reception::card();
    assert!(card.iter().any(|s| s.say.zh.contains("您好")));
    assert!(card.iter().any(|s| s.rule.zh.contains("铃响三声以内")));
    assert!(card
        .iter()
        .any(|s| s.when.zh == "道别" && s.say.zh.contains("再见")));
    assert!(card
        .iter()
        .all(|s| !s.rule.en.is_empty() && !s.when.en.is_empty()));
}

#[test]
fn desk_registers_csv_have_a_header_and_a_row_each() {
    let rec = actor(1, &[Role::Receptionist]);
    let id = Id::derived("mail", 7);
    let d = mail::register(&rec, id, &letter(), &[1, 3, 7], t(mon(), 9, 0), &cal()).unwrap();
    let m: Mail = fold(&d, mail::mail_ref(id));
    let rows = mail::register_csv(&[m], |_| "吴静".into(), |ms| ms.to_string());
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][3], "XA12345678CN");
    let mut d = Vec::new();
    let (id, item) = tickets(&mut d, &rec);
    d.extend(
        consign::sell(
            &rec,
            id,
            &item,
            1,
            "",
            "aa01",
            None,
            None,
            t(mon(), 10, 0),
            &cal(),
        )
        .unwrap(),
    );
    let item: Consignment = fold(&d, consign::item_ref(id));
    let rows = consign::sales_csv(&[item], |ms| ms.to_string(), |_| "吴静".into());
    assert_eq!(rows[1][3], "¥35.00");
}
