//! Native tests of the duty module, citing DUTY-1..11.

use super::handover::*;
use super::log::*;
use super::roster::*;
use super::*;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::{Actor, DomainError};
use crate::domain::event::{Draft, RecordKind, RecordRef};
use crate::domain::hlc::Hlc;
use crate::domain::ids::{Id, RecordId};
use crate::domain::roles::Role;
use crate::domain::sla::ClockSpec;
use crate::domain::view::{Aggregate, IndexFields, View};
use crate::testkit::{device, fold, sid, stamp};
use chrono::{NaiveDate, NaiveTime};

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: sid(n),
        roles: roles.iter().copied().collect(),
    }
}
fn supervisor() -> Actor {
    actor(1, &[Role::Supervisor])
}
fn assistant(n: u64) -> Actor {
    actor(n, &[Role::Assistant])
}
fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}

fn full_roster(month: u32, who: &[u64]) -> (Vec<Draft>, Roster) {
    let sup = supervisor();
    let mut drafts = vec![];
    let mut r = Roster::default();
    for (i, day) in days_of(month).into_iter().enumerate() {
        drafts.extend(set_slot(&sup, &r, day, Some(sid(who[i % who.len()])), "").unwrap());
        r = fold(
            &drafts,
            RecordRef::new(RecordKind::Roster, roster_id(month)),
        );
    }
    (drafts, r)
}

#[test]
fn duty_1_roster_publishes_only_when_every_day_has_someone_and_is_signed() {
    let sup = supervisor();
    let mut r = Roster::default();
    let d1 = set_slot(&sup, &r, d(2026, 12, 1), Some(sid(2)), "").unwrap();
    r = fold(&d1, RecordRef::new(RecordKind::Roster, roster_id(202612)));
    assert_eq!(r.person_on(d(2026, 12, 1)), Some(sid(2)));
    assert_eq!(r.slots[&d(2026, 12, 1)].post, DEFAULT_POST);
    let err = publish(&sup, &r, 202612, d(2026, 11, 20)).unwrap_err();
    assert!(err.message().zh.contains("2、3"), "{}", err.message().zh);

    let (mut drafts, r) = full_roster(202612, &[2, 3, 4]);
    drafts.extend(publish(&sup, &r, 202612, d(2026, 11, 20)).unwrap());
    let r: Roster = fold(
        &drafts,
        RecordRef::new(RecordKind::Roster, roster_id(202612)),
    );
    assert_eq!(r.published, Some((sup.id, d(2026, 11, 20))));
    assert_eq!(r.index().status.as_deref(), Some("published"));
    // Only the supervisor builds the roster.
    assert!(matches!(
        set_slot(
            &assistant(2),
            &Roster::default(),
            d(2026, 12, 1),
            Some(sid(2)),
            ""
        ),
        Err(DomainError::Denied(_))
    ));
}

#[test]
fn duty_1_reminder_from_the_25th_until_next_month_is_published() {
    assert!(!needs_reminder(d(2026, 11, 24), None));
    assert!(needs_reminder(d(2026, 11, 25), None));
    let mut r = Roster::default();
    assert!(needs_reminder(d(2026, 11, 30), Some(&r)));
    r.published = Some((sid(1), d(2026, 11, 26)));
    assert!(!needs_reminder(d(2026, 11, 30), Some(&r)));
    assert_eq!(next_month(202612), 202701);
    assert_eq!(days_of(202602).len(), 28);
    assert_eq!(days_of(202402).len(), 29);
}

#[test]
fn duty_2_hours_cross_midnight_month_end_and_holidays() {
    let mut c = cal();
    // Friday Jan 30 2026 is a working day: 17:30 → Saturday 08:30, 15 h.
    let s = shift_of(&c, d(2026, 1, 30));
    assert_eq!(s.hours(), 15);
    assert!(!s.holiday);
    assert_eq!(c.local_date(s.end), d(2026, 1, 31));
    // Month end: Jan 31 (Saturday) 24 h, ending Feb 1 08:30.
    let s = shift_of(&c, d(2026, 1, 31));
    assert!(s.holiday);
    assert_eq!(s.hours(), 24);
    assert_eq!(c.to_local(s.end).date(), d(2026, 2, 1));
    assert_eq!(
        c.to_local(s.end).time(),
        NaiveTime::from_hms_opt(8, 30, 0).unwrap()
    );
    // A holiday from the settings' calendar: 24 h even on a weekday.
    c.holidays.insert(d(2026, 10, 1));
    assert_eq!(shift_of(&c, d(2026, 10, 1)).hours(), 24);
    // The entry at 02:00 belongs to the evening before.
    let two_am = c.at(d(2026, 1, 31), NaiveTime::from_hms_opt(2, 0, 0).unwrap());
    assert_eq!(log_date(&c, Post::ServiceCentre, two_am), d(2026, 1, 30));
    assert_eq!(log_date(&c, Post::FrontDesk, two_am), d(2026, 1, 31));
}

#[test]
fn duty_1_staff_see_their_own_published_duties() {
    let sup = supervisor();
    let (mut drafts, r) = full_roster(202612, &[2, 3]);
    let unpublished = upcoming(std::slice::from_ref(&r), sid(2), d(2026, 12, 1), &cal());
    assert!(
        unpublished.is_empty(),
        "a draft roster is not shown to staff"
    );
    drafts.extend(publish(&sup, &r, 202612, d(2026, 11, 20)).unwrap());
    let r: Roster = fold(
        &drafts,
        RecordRef::new(RecordKind::Roster, roster_id(202612)),
    );
    let mine = upcoming(&[r], sid(2), d(2026, 12, 10), &cal());
    assert!(mine.iter().all(|s| s.date >= d(2026, 12, 10)));
    assert_eq!(mine.len(), 11); // odd days 11..31
}

#[test]
fn duty_5_no_private_swaps_leave_needs_the_supervisor_who_names_the_replacement() {
    let sup = supervisor();
    let (mut drafts, r) = full_roster(202612, &[2, 3]);
    drafts.extend(publish(&sup, &r, 202612, d(2026, 11, 20)).unwrap());
    let rr = RecordRef::new(RecordKind::Roster, roster_id(202612));
    let r: Roster = fold(&drafts, rr);
    // Published: even the supervisor can't just change a slot.
    let e = set_slot(&sup, &r, d(2026, 12, 1), Some(sid(3)), "").unwrap_err();
    assert!(e.message().zh.contains("请假"));
    // Someone not on duty that day can't ask for it off.
    let now = cal().at(d(2026, 11, 28), NaiveTime::from_hms_opt(9, 0, 0).unwrap());
    let leave = Id::derived("leave", 1);
    assert!(request_leave(
        &assistant(3),
        leave,
        &r,
        d(2026, 12, 1),
        "病假",
        sup.id,
        now,
        &cal()
    )
    .is_err());
    drafts.extend(
        request_leave(
            &assistant(2),
            leave,
            &r,
            d(2026, 12, 1),
            "病假",
            sup.id,
            now,
            &cal(),
        )
        .unwrap(),
    );
    let lr = RecordRef::new(RecordKind::DutyLeave, leave);
    let l: LeaveRequest = fold(&drafts, lr);
    // It is on the supervisor's to-do.
    assert_eq!(l.index().assignee, Some(sup.id));
    assert!(l.index().clock.is_some());
    // Only the supervisor approves; the replacement can't be the same person.
    assert!(approve_leave(&assistant(3), leave, &l, sid(3), now).is_err());
    assert!(approve_leave(&sup, leave, &l, sid(2), now).is_err());
    drafts.extend(approve_leave(&sup, leave, &l, sid(3), now + 1000).unwrap());
    let r: Roster = fold(&drafts, rr);
    assert_eq!(r.person_on(d(2026, 12, 1)), Some(sid(3)));
    assert_eq!(r.slots[&d(2026, 12, 1)].leave, Some(leave));
    let l: LeaveRequest = fold(&drafts, lr);
    assert_eq!(l.status, LeaveStatus::Approved);
    assert_eq!(l.index().assignee, None);
    assert!(
        refuse_leave(&sup, leave, &l, "x", now).is_err(),
        "decided once"
    );
}

// ----- duty log ---------------------------------------------------------------------------

fn head(dev: u64) -> DutyChain {
    DutyChain {
        chain: device(dev),
        ..Default::default()
    }
}

/// Writes `n` entries on one device into the day's log, returning drafts and the entries.
fn write(n: usize, dev: u64) -> (Vec<Draft>, DutyLog) {
    let a = assistant(2);
    let date = d(2026, 11, 20);
    let lref = RecordRef::new(RecordKind::DutyLog, log_id(Post::ServiceCentre, date));
    let cref = RecordRef::new(RecordKind::DutyChain, chain_id(device(dev)));
    let mut drafts = vec![];
    for i in 0..n {
        let log: DutyLog = fold(&drafts, lref);
        let mut h: DutyChain = fold(&drafts, cref);
        if h.seq == 0 {
            h = head(dev);
        }
        drafts.extend(
            add_entry(
                &a,
                &h,
                &log,
                Post::ServiceCentre,
                date,
                NewEntry {
                    kind: EntryKind::Enquiry,
                    text: format!("住户咨询 {i}"),
                    ..Default::default()
                },
                1_000 + i as i64,
            )
            .unwrap(),
        );
    }
    let log = fold(&drafts, lref);
    (drafts, log)
}

fn entries(log: &DutyLog) -> Vec<LogEntry> {
    log.entries.iter().map(|l| l.entry.clone()).collect()
}

#[test]
fn duty_4_entries_are_chained_and_verify_clean() {
    let (drafts, log) = write(4, 1);
    assert_eq!(log.entries.len(), 4);
    let es = entries(&log);
    assert_eq!(es[0].prev, "");
    for w in es.windows(2) {
        assert_eq!(w[1].prev, w[0].hash);
        assert_eq!(w[1].seq, w[0].seq + 1);
    }
    let h: DutyChain = fold(
        &drafts,
        RecordRef::new(RecordKind::DutyChain, chain_id(device(1))),
    );
    assert_eq!((h.seq, h.hash.as_str()), (4, es[3].hash.as_str()));
    let r = verify(&es, &[h]);
    assert!(r.ok(), "{:?}", r.problems);
    assert_eq!(r.entries, 4);
    // There is no edit or delete command: the only events are EntryAdded and ChainLinked.
    assert!(drafts.iter().all(|d| matches!(
        d.body,
        crate::domain::event::EventBody::Duty(
            DutyEvent::EntryAdded { .. } | DutyEvent::ChainLinked { .. }
        )
    )));
}

#[test]
fn duty_4_verify_detects_a_removed_entry_including_the_last() {
    let (drafts, log) = write(4, 1);
    let h: DutyChain = fold(
        &drafts,
        RecordRef::new(RecordKind::DutyChain, chain_id(device(1))),
    );
    let mut es = entries(&log);
    es.remove(1);
    let r = verify(&es, std::slice::from_ref(&h));
    assert!(
        r.problems.contains(&ChainProblem::Removed {
            chain: device(1),
            seq: 2
        }),
        "{:?}",
        r.problems
    );
    let mut es = entries(&log);
    es.pop();
    let r = verify(&es, &[h]);
    assert_eq!(
        r.problems,
        vec![ChainProblem::Removed {
            chain: device(1),
            seq: 4
        }]
    );
}

#[test]
fn duty_4_verify_detects_reordered_entries() {
    let (_, log) = write(4, 1);
    let mut es = entries(&log);
    es.swap(1, 2);
    let r = verify(&es, &[]);
    assert!(
        r.problems.contains(&ChainProblem::Reordered {
            chain: device(1),
            seq: 2
        }),
        "{:?}",
        r.problems
    );
}

#[test]
fn duty_4_verify_detects_a_changed_entry_even_if_rehashed() {
    let (_, log) = write(4, 1);
    let mut es = entries(&log);
    es[1].text = "改过的内容".into();
    let r = verify(&es, &[]);
    assert_eq!(
        r.problems,
        vec![ChainProblem::Changed {
            chain: device(1),
            seq: 2
        }]
    );
    // A forger who recomputes the entry's hash breaks the next entry's link instead.
    es[1].hash = es[1].compute_hash();
    let r = verify(&es, &[]);
    assert_eq!(
        r.problems,
        vec![ChainProblem::Changed {
            chain: device(1),
            seq: 2
        }]
    );
    assert!(r.problems[0].message().zh.contains("改动"));
}

#[test]
fn duty_4_two_devices_keep_separate_chains() {
    let (_, a) = write(3, 1);
    let (_, b) = write(2, 2);
    let mut all = entries(&a);
    all.extend(entries(&b));
    let r = verify(&all, &[]);
    assert!(r.ok());
    assert_eq!(r.chains, 2);
}

#[test]
fn duty_4_correction_is_a_new_entry_pointing_at_the_corrected_one_both_visible() {
    let (mut drafts, log) = write(2, 1);
    let date = d(2026, 11, 20);
    let lref = RecordRef::new(RecordKind::DutyLog, log_id(Post::ServiceCentre, date));
    let h: DutyChain = fold(
        &drafts,
        RecordRef::new(RecordKind::DutyChain, chain_id(device(1))),
    );
    let target = log.entries[0].entry.hash.clone();
    assert!(correct_entry(&assistant(2), &h, &log, "nope", "x", 5_000).is_err());
    assert!(correct_entry(&assistant(2), &h, &log, &target, "  ", 5_000).is_err());
    drafts
        .extend(correct_entry(&assistant(2), &h, &log, &target, "房号应为3-1201", 5_000).unwrap());
    let log: DutyLog = fold(&drafts, lref);
    assert_eq!(log.entries.len(), 3);
    assert_eq!(
        log.entries[0].entry.text, "住户咨询 0",
        "the original stays as written"
    );
    let c = log.corrections_of(&target);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].kind, EntryKind::Correction);
    assert!(verify(&entries(&log), &[]).ok());
}

#[test]
fn duty_8_supervisor_signs_a_finished_days_log_once() {
    let (mut drafts, log) = write(1, 1);
    let date = d(2026, 11, 20);
    let id = log_id(Post::ServiceCentre, date);
    let lref = RecordRef::new(RecordKind::DutyLog, id);
    assert_eq!(log.index().status.as_deref(), Some("unsigned"));
    assert!(matches!(
        sign_log(&assistant(2), id, &log, "", d(2026, 11, 21), 9, &[]),
        Err(DomainError::Denied(_))
    ));
    assert!(
        sign_log(&supervisor(), id, &log, "", date, 9, &[]).is_err(),
        "not over yet"
    );
    drafts.extend(sign_log(&supervisor(), id, &log, "已阅", d(2026, 11, 21), 9, &[]).unwrap());
    let log: DutyLog = fold(&drafts, lref);
    assert_eq!(log.signed, Some((sid(1), 9, "已阅".into())));
    assert_eq!(log.index().status.as_deref(), Some("signed"));
    assert!(sign_log(&supervisor(), id, &log, "", d(2026, 11, 21), 9, &[]).is_err());
    // A signed log takes no more entries (DUTY-4: nothing added after the signature).
    let h = head(1);
    let e = add_entry(
        &assistant(2),
        &h,
        &log,
        Post::ServiceCentre,
        date,
        NewEntry {
            text: "x".into(),
            ..Default::default()
        },
        10,
    );
    assert!(e.is_err());
}

#[test]
fn duty_4_retention_is_three_years() {
    assert_eq!(retained_until(d(2026, 11, 20)), d(2029, 11, 20));
    // Feb 29 has no anniversary three years on: kept until the day after Feb 28.
    assert_eq!(retained_until(d(2024, 2, 29)), d(2027, 3, 1));
}

// ----- handover ---------------------------------------------------------------------------

fn view(
    kind: RecordKind,
    n: u64,
    assignee: Option<u64>,
    clock: Option<crate::domain::sla::Clock>,
    title: &str,
) -> View {
    let id: RecordId = Id::derived("v", n);
    View {
        key: RecordRef::new(kind, id).key(),
        kind,
        id,
        status: None,
        due: None,
        unit: None,
        assignee: assignee.map(sid),
        search: vec![],
        title: title.into(),
        subtitle: String::new(),
        clock,
        list: serde_json::Value::Null,
        last: Hlc::zero(device(1)),
        created: Hlc::zero(device(1)),
        events: 1,
        state: crate::domain::view::State::of(&serde_json::Value::Null),
    }
}

#[test]
fn duty_6_open_items_are_gathered_from_any_module_by_assignee_and_running_clock() {
    let c = cal();
    let now = 10 * 86_400_000;
    let running = |mins: i64, started: i64| {
        ClockSpec::elapsed_minutes(mins).start(
            crate::domain::i18n::Text::new("k", "k"),
            started,
            &c,
        )
    };
    let mut stopped = running(60, now - 1000);
    stopped.stop(now);
    let views = vec![
        // Any kind: the gathering doesn't know modules, only the generic index.
        view(
            RecordKind::Household,
            1,
            Some(2),
            Some(running(600, now)),
            "due later",
        ),
        view(
            RecordKind::Facility,
            2,
            Some(3),
            Some(running(60, now - 3_600_000 * 2)),
            "overdue",
        ),
        view(
            RecordKind::Unit,
            3,
            None,
            Some(running(60, now)),
            "nobody assigned",
        ),
        view(RecordKind::Building, 4, Some(2), Some(stopped), "done"),
        view(RecordKind::Building, 5, Some(2), None, "no clock"),
        View {
            status: Some("open".into()),
            ..view(
                RecordKind::Incident,
                6,
                Some(2),
                Some(running(600, now)),
                "gas leak",
            )
        },
        // A closed incident's callback, not yet due: ordinary follow-up.
        View {
            status: Some("callback_due".into()),
            ..view(
                RecordKind::Incident,
                7,
                Some(2),
                Some(running(6000, now)),
                "callback",
            )
        },
        view(
            RecordKind::Household,
            1,
            Some(2),
            Some(running(600, now)),
            "duplicate",
        ),
    ];
    let items = gather_open_items(&views, now);
    let titles: Vec<&str> = items.iter().map(|o| o.title.as_str()).collect();
    assert_eq!(titles, vec!["overdue", "gas leak", "due later", "callback"]);
    assert!(items[0].important && items[1].important);
    assert!(!items[2].important && !items[3].important);
    assert!(items.iter().all(|o| !o.accepted));
}

fn form(open: Vec<OpenItem>) -> HandoverForm {
    HandoverForm {
        post: Post::ServiceCentre,
        date: Some(d(2026, 11, 20)),
        shift_start: 1_000_000,
        arrived: 1_000_000 - 10 * 60_000,
        items: DEFAULT_POST_ITEMS
            .iter()
            .map(|n| ItemCheck {
                name: n.to_string(),
                state: ItemState::Present,
                explanation: String::new(),
            })
            .collect(),
        previous_log: Some(Id::derived("log", 1)),
        previous_log_read: true,
        open,
        anomalies: vec![],
        absent_reason: String::new(),
    }
}

fn item(title: &str, important: bool) -> OpenItem {
    OpenItem {
        key: format!("complaint:{title}"),
        kind: "complaint".into(),
        title: title.into(),
        important,
        ..Default::default()
    }
}

#[test]
fn duty_6_full_handover_both_sign_and_is_written_in_the_log() {
    let out = assistant(2);
    let inc = assistant(3);
    let mut f = form(vec![item("漏水投诉", false)]);
    f.items[0].state = ItemState::Damaged;
    f.items[0].explanation = "天线折断，已报工程部".into();
    f.open[0].accepted = true;
    f.anomalies.push(Anomaly {
        text: "地库B1照明不亮".into(),
        explanation: "已报修".into(),
    });
    let id = Id::derived("handover", 1);
    let drafts = hand_over(Some(&out), &inc, id, &f, &head(1), 2_000_000).unwrap();
    let h: Handover = fold(&drafts, RecordRef::new(RecordKind::Handover, id));
    let r = h.record.unwrap();
    assert_eq!(
        (r.outgoing, r.incoming, r.late),
        (Some(out.id), inc.id, false)
    );
    assert!(r.form.open.iter().all(|o| o.accepted));
    let log: DutyLog = fold(
        &drafts,
        RecordRef::new(
            RecordKind::DutyLog,
            log_id(Post::ServiceCentre, d(2026, 11, 20)),
        ),
    );
    assert_eq!(log.entries[0].entry.kind, EntryKind::Handover);
    assert!(log.entries[0].entry.text.contains("对讲机损坏"));
    // The same person can't sign both sides.
    assert!(hand_over(Some(&inc), &inc, id, &f, &head(1), 2_000_000).is_err());
}

#[test]
fn duty_6_every_item_counted_and_explained_previous_log_read_items_accepted() {
    let mut f = form(vec![item("callback", false)]);
    f.items[1].state = ItemState::Unchecked;
    f.items[2].state = ItemState::Missing;
    f.previous_log_read = false;
    let b = blockers(&f, true);
    let zh: Vec<String> = b.iter().map(|t| t.zh.clone()).collect();
    assert_eq!(b.len(), 4, "{zh:?}");
    assert!(zh[0].contains("灭火器"));
    assert!(zh[1].contains("水瓶缺失"));
    assert!(zh[2].contains("上一班"));
    assert!(zh[3].contains("确认接收"));
    let e = hand_over(
        Some(&assistant(2)),
        &assistant(3),
        Id::derived("h", 1),
        &f,
        &head(1),
        9,
    )
    .unwrap_err();
    assert!(e.message().zh.contains("4项"));
}

#[test]
fn duty_7_important_unfinished_work_blocks_unless_handed_over_with_a_note() {
    let mut f = form(vec![item("燃气泄漏未结案", true)]);
    f.open[0].accepted = true; // accepting alone is not enough
    let e = hand_over(
        Some(&assistant(2)),
        &assistant(3),
        Id::derived("h", 1),
        &f,
        &head(1),
        9,
    )
    .unwrap_err();
    assert!(
        e.message().zh.contains("重要工作未完成"),
        "{}",
        e.message().zh
    );
    f.open[0].note = "燃气公司22:00到场，继续跟进".into();
    assert!(hand_over(
        Some(&assistant(2)),
        &assistant(3),
        Id::derived("h", 1),
        &f,
        &head(1),
        9
    )
    .is_ok());
}

#[test]
fn duty_6_7_late_arrival_and_absent_outgoing_person_are_recorded() {
    let mut f = form(vec![]);
    f.arrived = f.shift_start - 2 * 60_000;
    let id = Id::derived("h", 1);
    let e = hand_over(None, &assistant(3), id, &f, &head(1), 9).unwrap_err();
    assert!(e.message().zh.contains("不在场"));
    f.absent_reason = "交班人临时送医".into();
    let drafts = hand_over(None, &assistant(3), id, &f, &head(1), 9).unwrap();
    let h: Handover = fold(&drafts, RecordRef::new(RecordKind::Handover, id));
    let r = h.record.clone().unwrap();
    assert!(r.late);
    assert_eq!(r.outgoing, None);
    assert_eq!(h.index().status.as_deref(), Some("flagged"));
    let log: DutyLog = fold(
        &drafts,
        RecordRef::new(
            RecordKind::DutyLog,
            log_id(Post::ServiceCentre, d(2026, 11, 20)),
        ),
    );
    let text = &log.entries[0].entry.text;
    assert!(
        text.contains("未提前5分钟") && text.contains("临时送医"),
        "{text}"
    );
}

#[test]
fn duty_11_front_desk_handover_carries_free_items_on_the_same_mechanism() {
    let mut f = form(vec![]);
    f.post = Post::FrontDesk;
    f.open = vec![OpenItem {
        title: "3-1201 挂号信未领取".into(),
        kind: "mail".into(),
        ..Default::default()
    }];
    assert_eq!(blockers(&f, true).len(), 1, "must be accepted");
    f.open[0].accepted = true;
    let r = actor(5, &[Role::Receptionist]);
    let drafts = hand_over(
        Some(&assistant(2)),
        &r,
        Id::derived("h", 2),
        &f,
        &head(1),
        9,
    )
    .unwrap();
    let log: DutyLog = fold(
        &drafts,
        RecordRef::new(
            RecordKind::DutyLog,
            log_id(Post::FrontDesk, d(2026, 11, 20)),
        ),
    );
    assert_eq!(log.post, Post::FrontDesk);
    assert_eq!(log.entries.len(), 1);
}

#[test]
fn duty_3_10_only_duty_staff_write_the_log_and_the_index_lists_days() {
    let log = DutyLog::default();
    let e = add_entry(
        &actor(9, &[Role::DepartmentStaff]),
        &head(1),
        &log,
        Post::ServiceCentre,
        d(2026, 11, 20),
        NewEntry {
            text: "x".into(),
            ..Default::default()
        },
        1,
    );
    assert!(matches!(e, Err(DomainError::Denied(_))));
    let e = add_entry(
        &assistant(2),
        &head(1),
        &log,
        Post::ServiceCentre,
        d(2026, 11, 20),
        NewEntry::default(),
        1,
    );
    assert!(matches!(e, Err(DomainError::Invalid(_))));
    let ix: IndexFields = write(1, 1).1.index();
    // Unsigned: also under its day's `unsigned|` key (the supervisor's count, issue 19).
    assert_eq!(
        ix.search,
        vec![
            "centre:2026-11-20".to_string(),
            "unsigned|2026-11-20".to_string()
        ]
    );
}

#[test]
fn duty_4_import_check_flags_a_torn_out_or_altered_entry_in_a_file() {
    use crate::domain::event::EventBody;
    let (drafts, _) = write(3, 1);
    let events = stamp(drafts);
    assert!(import_check(&events, |_| vec![]).is_empty(), "a clean file");
    // The second entry torn out of the file (its chain link left in).
    let torn: Vec<_> = events
        .iter()
        .filter(|e| !matches!(&e.body, EventBody::Duty(DutyEvent::EntryAdded { entry, .. }) if entry.seq == 2))
        .cloned()
        .collect();
    let msgs = import_check(&torn, |_| vec![]);
    assert!(
        msgs.iter().any(|m| m.zh.contains("第2条记录缺失")),
        "{msgs:?}"
    );
    // An entry altered (and its event re-hashed, so the file's own checks pass).
    let mut forged = events.clone();
    for e in &mut forged {
        if let EventBody::Duty(DutyEvent::EntryAdded { entry, .. }) = &mut e.body {
            if entry.seq == 2 {
                entry.text = "改写".into();
            }
        }
        e.reseal();
    }
    let msgs = import_check(&forged, |_| vec![]);
    assert!(
        msgs.iter().any(|m| m.zh.contains("第2条记录被改动")),
        "{msgs:?}"
    );
    // An incremental file (entry 3 only) checks against the links this tablet already holds.
    let (older, newer) = events.split_at(4);
    assert!(import_check(newer, |_| older.to_vec()).is_empty());
    assert!(
        !import_check(newer, |_| vec![]).is_empty(),
        "entry 2's link unknown"
    );
}

/// DUTY-4, issue 12: a head (stored, or anchored by a sign-off) names its entry's hash, and a
/// head far beyond the entries is one gap, not a walk through every number.
#[test]
fn duty_4_issue_12_verify_checks_the_heads_hash_and_reports_long_gaps_as_one() {
    let (drafts, log) = write(3, 1);
    let h: DutyChain = fold(
        &drafts,
        RecordRef::new(RecordKind::DutyChain, chain_id(device(1))),
    );
    let es = entries(&log);
    assert!(verify(&es, std::slice::from_ref(&h)).ok());
    let mut other = h.clone();
    other.hash = "f".repeat(64);
    assert_eq!(
        verify(&es, &[other]).problems,
        vec![ChainProblem::Changed {
            chain: device(1),
            seq: 3
        }]
    );
    let far = DutyChain {
        seq: u64::MAX,
        ..h.clone()
    };
    assert_eq!(
        verify(&es, &[h, far]).problems,
        vec![ChainProblem::RemovedRange {
            chain: device(1),
            from: 4,
            to: u64::MAX
        }]
    );
    // The sign-off's anchors are kept on the log and given back as heads.
    let id = log_id(Post::ServiceCentre, d(2026, 11, 20));
    let mut drafts = drafts;
    let head: DutyChain = fold(
        &drafts,
        RecordRef::new(RecordKind::DutyChain, chain_id(device(1))),
    );
    drafts.extend(
        sign_log(
            &supervisor(),
            id,
            &log,
            "已阅",
            d(2026, 11, 21),
            9,
            std::slice::from_ref(&head),
        )
        .unwrap(),
    );
    let signed: DutyLog = fold(&drafts, RecordRef::new(RecordKind::DutyLog, id));
    assert_eq!(anchored_heads(&[signed]), vec![head]);
}
