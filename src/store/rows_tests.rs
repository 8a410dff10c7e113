//! List rows agree with full records (issue 19). Lists read `Store::rows` / `assigned_rows`
//! (each view's small row JSON in IndexedDB); a record opens from its full `View`. Property
//! tests over generated records: demo estates of random seeds and dates (every record kind the
//! demo writes, folded through the real commands), and arbitrary index fields through the row's
//! JSON, the form IndexedDB keeps it in.

use super::memory::MemoryStore;
use super::{Filter, Query, Store};
use crate::app::App;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::demo::{demo_estate, DEMO_AS_OF, DEMO_PIN};
use crate::domain::event::RecordKind;
use crate::domain::hlc::Hlc;
use crate::domain::i18n::Text;
use crate::domain::ids::{Id, SeededEntropy};
use crate::domain::sla::Clock;
use crate::domain::staff::PinHash;
use crate::domain::view::{Row, View};
use futures::executor::block_on;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// The row must carry every index field of the view unchanged, and survive its JSON.
fn agrees(v: &View, r: &Row) {
    assert_eq!(r.key, v.key);
    assert_eq!((r.kind, r.id), (v.kind, v.id));
    assert_eq!(r.status, v.status, "{}", v.key);
    assert_eq!(r.due, v.due, "{}", v.key);
    assert_eq!(r.unit, v.unit, "{}", v.key);
    assert_eq!(r.assignee, v.assignee, "{}", v.key);
    assert_eq!(r.title, v.title, "{}", v.key);
    assert_eq!(r.subtitle, v.subtitle, "{}", v.key);
    assert_eq!(r.clock, v.clock, "{}", v.key);
    assert_eq!(r.created, v.created, "{}", v.key);
    let back: Row = serde_json::from_str(&serde_json::to_string(r).unwrap()).unwrap();
    assert_eq!(&back, r, "row JSON round trip of {}", v.key);
    list_agrees(v, &back);
}

/// The aggregate's own list row (what a list shows beyond the index fields) is the full
/// record's, for every kind whose list reads one; a household order's row never reads as a
/// patrol order's and the other way round.
fn list_agrees(v: &View, r: &Row) {
    use crate::domain::callbacks::{Callback, CallbackRow};
    use crate::domain::complaints::{Complaint, ComplaintRow};
    use crate::domain::patrol::{CleaningCheck, Finding, FindingRow, ViolationDraft};
    use crate::domain::registry::{Household, HouseholdRow};
    use crate::domain::violations::{Violation, ViolationRow};
    use crate::domain::workorder::orders::WorkOrderRow;
    use crate::domain::workorder::{PatrolOrderRow, WorkOrder};
    let k = &v.key;
    match v.kind {
        RecordKind::Complaint => assert_eq!(
            r.list::<ComplaintRow>(),
            v.state::<Complaint>().map(|c| c.row()),
            "{k}"
        ),
        RecordKind::Violation => {
            let full = v.state::<Violation>().unwrap();
            let want = full.recorded.is_some().then(|| full.row());
            assert_eq!(r.list::<ViolationRow>(), want, "{k}");
        }
        RecordKind::WorkOrder => {
            let full = v.state::<WorkOrder>().unwrap();
            assert_eq!(r.list::<WorkOrderRow>(), full.row(), "{k}");
            assert_eq!(r.list::<PatrolOrderRow>(), full.patrol_row(), "{k}");
        }
        RecordKind::PatrolFinding => assert_eq!(
            r.list::<FindingRow>(),
            v.state::<Finding>().and_then(|f| f.row()),
            "{k}"
        ),
        RecordKind::Household => assert_eq!(
            r.list::<HouseholdRow>(),
            v.state::<Household>().map(|h| h.row()),
            "{k}"
        ),
        RecordKind::Callback => assert_eq!(
            r.list::<CallbackRow>(),
            v.state::<Callback>().map(|c| c.row()),
            "{k}"
        ),
        // Issue 19: a cleaning record and a violation draft hold no history: each is its own
        // list row (the patrol tab, the printed 清洁工作检查记录表, the violations register).
        RecordKind::HelpRequest => assert_eq!(
            r.list::<crate::domain::complaints::HelpRow>(),
            v.state::<crate::domain::complaints::HelpRequest>()
                .map(|h| h.row()),
            "{k}"
        ),
        RecordKind::DutyLeave => assert_eq!(
            r.list::<crate::domain::duty::roster::LeaveRequest>(),
            v.state::<crate::domain::duty::roster::LeaveRequest>(),
            "{k}"
        ),
        // Issue 19, DESK-1: the front desk's mail register reads `MailRow`s.
        RecordKind::Mail => assert_eq!(
            r.list::<crate::domain::desk::mail::MailRow>(),
            v.state::<crate::domain::desk::mail::Mail>()
                .map(|m| m.row()),
            "{k}"
        ),
        RecordKind::CleaningCheck => {
            assert_eq!(r.list::<CleaningCheck>(), v.state::<CleaningCheck>(), "{k}")
        }
        RecordKind::ViolationDraft => assert_eq!(
            r.list::<ViolationDraft>(),
            v.state::<ViolationDraft>(),
            "{k}"
        ),
        _ => {}
    }
}

fn loaded(seed: u64, as_of: chrono::NaiveDate) -> App<MemoryStore> {
    let demo = demo_estate(seed, PinHash::new(DEMO_PIN, [7; 16], 10).unwrap(), as_of);
    let morning =
        BusinessCalendar::default().at(as_of, chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap());
    let app = block_on(App::open(
        MemoryStore::new(),
        Id::derived("rows-tablet", seed),
        Box::new(SeededEntropy::new(seed + 1)),
    ))
    .unwrap();
    block_on(app.record(morning, Some(demo.director), demo.drafts)).unwrap();
    app
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2, ..ProptestConfig::default() })]

    /// Issue 19: every list query's rows are the query's views, in the same order, each with
    /// the view's index fields and its aggregate's own list row (`list_agrees`) — for every record kind, by kind, by status and by unit, and
    /// 我的待办 (`assigned_rows`) for every person with assigned work.
    #[test]
    fn list_rows_agree_with_full_records(seed in 1u64..1_000, days in -400i64..400) {
        let as_of = DEMO_AS_OF + chrono::Duration::days(days);
        let app = loaded(seed, as_of);
        let views = app.store.views();
        prop_assert!(views.len() > 100);
        let mut queries: Vec<Query> = RecordKind::ALL.iter().map(|k| Query::all(*k)).collect();
        let mut assignees = BTreeSet::new();
        for v in &views {
            agrees(v, &v.row());
            if let Some(s) = &v.status {
                queries.push(Query::new(v.kind, Filter::Status(s.clone())));
            }
            if let Some(u) = v.unit {
                queries.push(Query::new(v.kind, Filter::Unit(u)));
            }
            if let Some(k) = v.search.first().and_then(|s| s.split_once('|')) {
                queries.push(Query::new(v.kind, Filter::Prefix(k.1.to_string())).limit(5));
            }
            if let Some(a) = v.assignee {
                assignees.insert(a);
            }
        }
        let mut seen = std::collections::HashSet::new();
        queries.retain(|q| seen.insert(format!("{q:?}")));
        for q in &queries {
            let full = block_on(app.store.query(q)).unwrap();
            let rows = block_on(app.store.rows(q)).unwrap();
            prop_assert_eq!(full.len(), rows.len(), "{:?}", q);
            for (v, r) in full.iter().zip(&rows) {
                agrees(v, r);
            }
            prop_assert!(block_on(app.store.count(q)).unwrap() as usize >= rows.len());
        }
        prop_assert!(!assignees.is_empty());
        for a in assignees {
            let full = block_on(app.store.assigned(a)).unwrap();
            let rows = block_on(app.store.assigned_rows(a)).unwrap();
            prop_assert_eq!(full.len(), rows.len());
            for (v, r) in full.iter().zip(&rows) {
                agrees(v, r);
            }
        }
    }

    /// The row JSON (what IndexedDB stores beside the view) gives back the same row for any
    /// index fields: absent and empty options, empty subtitles, clocks running or stopped.
    #[test]
    fn row_json_round_trips(
        status in proptest::option::of("[a-z_|0-9-]{0,12}"),
        due in proptest::option::of(any::<i64>()),
        title in ".{0,20}",
        subtitle in ".{0,20}",
        clock in proptest::option::of((any::<i64>(), any::<i64>(), proptest::option::of(any::<i64>()))),
        n in any::<u64>(),
    ) {
        let row = Row {
            key: format!("complaint:{}", Id::derived("r", n)),
            kind: RecordKind::Complaint,
            id: Id::derived("r", n),
            status,
            due,
            unit: (n % 2 == 0).then(|| Id::derived("u", n)),
            assignee: (n % 3 == 0).then(|| Id::derived("s", n)),
            title,
            subtitle,
            clock: clock.map(|(started, deadline, stopped)| Clock {
                name: Text::new("回访", "Callback"),
                started,
                warn_at: deadline,
                deadline,
                stopped,
            }),
            created: Hlc::zero(Id::derived("tablet", n)),
            list: if n % 5 == 0 { serde_json::Value::Null } else { serde_json::json!({ "n": n }) },
        };
        let back: Row = serde_json::from_str(&serde_json::to_string(&row).unwrap()).unwrap();
        prop_assert_eq!(back, row);
    }
}

/// The e2e scenario `lists::long_todo_list_scrolls_to_its_end` needs a 我的待办 longer than one
/// page (20 rows) in the training estate, which is made for "today": its longest list varies
/// with the weekday (19–25 items), so the scenario pins the page's clock to Monday 2026-11-30,
/// 10:00 in Beijing. That day's list is checked here at every hour the scenario could run in.
#[test]
fn the_demo_has_a_todo_list_longer_than_a_page() {
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let demo = demo_estate(
        20_261_122,
        PinHash::new(DEMO_PIN, [7; 16], 10).unwrap(),
        monday,
    );
    let supervisor = demo
        .logins
        .iter()
        .find(|l| l.name == "刘晓梅")
        .expect("the e2e scenario's supervisor");
    let app = loaded(20_261_122, monday);
    let rows = block_on(app.store.assigned_rows(supervisor.id)).unwrap();
    for hour in [10, 11, 12, 18, 23] {
        let now = BusinessCalendar::default()
            .at(monday, chrono::NaiveTime::from_hms_opt(hour, 0, 0).unwrap());
        let open = rows
            .iter()
            .filter(|r| r.clock.as_ref().is_some_and(|k| k.state(now).is_open()))
            .count();
        assert!(open > 20, "刘晓梅's 我的待办 at {hour}:00 holds {open}");
    }
}

/// Issue 19, PAT-4: the printed 清洁工作检查记录表 of a month is one prefix read of the month
/// key (`clnm|<month>`): it returns exactly the cleaning records found in that month, as rows,
/// and the open ones come from the status index — never every cleaning record of five years.
#[test]
fn cleaning_records_of_a_month_come_from_the_month_key() {
    use crate::domain::calendar::month_key;
    use crate::domain::patrol::{cleaning_month_key, CleaningCheck};
    let app = loaded(20_261_122, DEMO_AS_OF);
    let all: Vec<(crate::domain::ids::RecordId, CleaningCheck)> = app
        .store
        .views()
        .into_iter()
        .filter(|v| v.kind == RecordKind::CleaningCheck)
        .filter_map(|v| v.state::<CleaningCheck>().map(|c| (v.id, c)))
        .collect();
    assert!(!all.is_empty(), "the demo writes cleaning records");
    let months: BTreeSet<String> = all.iter().map(|(_, c)| month_key(c.found_at)).collect();
    for m in &months {
        let q = Query::new(
            RecordKind::CleaningCheck,
            Filter::Prefix(cleaning_month_key(m)),
        );
        let rows = block_on(app.store.rows(&q)).unwrap();
        let mut got: Vec<_> = rows.iter().map(|r| r.id).collect();
        let mut want: Vec<_> = all
            .iter()
            .filter(|(_, c)| &month_key(c.found_at) == m)
            .map(|(id, _)| *id)
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{m}");
        assert_eq!(block_on(app.store.count(&q)).unwrap() as usize, want.len());
        for r in &rows {
            assert!(r.list::<CleaningCheck>().is_some());
        }
    }
    let open = block_on(app.store.rows(&Query::new(
        RecordKind::CleaningCheck,
        Filter::Status("open".into()),
    )))
    .unwrap();
    assert_eq!(
        open.len(),
        all.iter().filter(|(_, c)| c.rectified.is_none()).count()
    );
}

/// The records of each key in `keyed` are exactly what one prefix read of that key returns,
/// and `Store::count` over the index says as many (issue 19).
fn prefix_reads_agree(
    app: &App<MemoryStore>,
    kind: RecordKind,
    key: impl Fn(&View) -> Option<String>,
) -> usize {
    use std::collections::BTreeMap;
    let mut keyed: BTreeMap<String, Vec<crate::domain::ids::RecordId>> = BTreeMap::new();
    for v in app.store.views().iter().filter(|v| v.kind == kind) {
        if let Some(k) = key(v) {
            keyed.entry(k).or_default().push(v.id);
        }
    }
    for (k, want) in &keyed {
        let q = Query::new(kind, Filter::Prefix(k.clone()));
        let mut got: Vec<_> = block_on(app.store.rows(&q))
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        let mut want = want.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{kind:?} {k}");
        assert_eq!(block_on(app.store.count(&q)).unwrap() as usize, want.len());
    }
    keyed.len()
}

/// Issue 19: the month keys that replaced reading every record of a kind — the help requests
/// of a month for the monthly report and the quality data (HELP-6), the incidents of a month
/// for the quality pack (QUAL-2) — read exactly that month's records.
#[test]
fn month_keys_read_exactly_the_months_records() {
    use crate::domain::calendar::month_key;
    use crate::domain::complaints::{help_month_key, HelpRequest};
    use crate::domain::emergency::{incident_month_key, Incident};
    let app = loaded(20_261_122, DEMO_AS_OF);
    let help = prefix_reads_agree(&app, RecordKind::HelpRequest, |v| {
        let h = v.state::<HelpRequest>()?;
        h.intake.as_ref()?;
        Some(help_month_key(&month_key(h.received)))
    });
    assert!(help >= 2, "the demo's help requests span months: {help}");
    let inc = prefix_reads_agree(&app, RecordKind::Incident, |v| {
        let i = v.state::<Incident>()?;
        Some(incident_month_key(&month_key(i.started)))
    });
    assert!(inc >= 1, "the demo has incidents");
}

/// Issue 19, DESK-1: the front desk's mail register lists the letters still at the desk from
/// the `open|<month>` keys as `MailRow`s — exactly the open letters, each the full record's
/// row — and never reads a picked-up or returned letter.
#[test]
fn desk1_the_mail_register_reads_the_open_letters_as_rows() {
    use crate::domain::desk::mail::{Mail, MailRow};
    let app = loaded(20_261_122, DEMO_AS_OF);
    let mut want: Vec<(crate::domain::ids::RecordId, MailRow)> = app
        .store
        .views()
        .into_iter()
        .filter(|v| v.kind == RecordKind::Mail)
        .filter_map(|v| v.state::<Mail>().map(|m| (v.id, m)))
        .filter(|(_, m)| m.status().is_open())
        .map(|(id, m)| (id, m.row()))
        .collect();
    let all = app
        .store
        .views()
        .iter()
        .filter(|v| v.kind == RecordKind::Mail)
        .count();
    assert!(
        !want.is_empty() && want.len() < all,
        "the demo has open and closed letters: {} of {all}",
        want.len()
    );
    let q = Query::new(RecordKind::Mail, Filter::Prefix("open|".into()));
    let mut got: Vec<(crate::domain::ids::RecordId, MailRow)> = block_on(app.store.rows(&q))
        .unwrap()
        .into_iter()
        .map(|r| (r.id, r.list::<MailRow>().expect("a mail row")))
        .collect();
    want.sort_by_key(|(id, _)| *id);
    got.sort_by_key(|(id, _)| *id);
    assert_eq!(got, want);
    assert_eq!(block_on(app.store.count(&q)).unwrap() as usize, want.len());
}

/// Issue 19, DUTY-4: the supervisor's "earlier days awaiting sign-off" is one range count of
/// the index (`unsigned|<date>` up to yesterday), equal to counting the unsigned logs of earlier
/// days from the full records.
#[test]
fn unsigned_duty_logs_of_earlier_days_are_counted_from_the_index() {
    use crate::domain::duty::log::{unsigned_key, DutyLog, UNSIGNED_FROM};
    for days in [0i64, 3, 40] {
        let as_of = DEMO_AS_OF + chrono::Duration::days(days);
        let app = loaded(7, as_of);
        let logs: Vec<DutyLog> = app
            .store
            .views()
            .iter()
            .filter(|v| v.kind == RecordKind::DutyLog)
            .filter_map(|v| v.state::<DutyLog>())
            .collect();
        assert!(!logs.is_empty());
        let want = logs
            .iter()
            .filter(|l| l.signed.is_none() && l.date.is_some_and(|d| d < as_of))
            .count();
        let yesterday = (as_of - chrono::Days::new(1)).to_string();
        let q = Query::new(
            RecordKind::DutyLog,
            Filter::Range(UNSIGNED_FROM.into(), unsigned_key(&yesterday)),
        );
        assert_eq!(
            block_on(app.store.count(&q)).unwrap() as usize,
            want,
            "{as_of}"
        );
    }
}

/// Issue 19, DUTY-5: "我的请假" reads a person's own requests by their key, and a request is
/// its own list row (it holds no history).
#[test]
fn a_leave_request_is_read_by_its_person_and_is_its_own_row() {
    use crate::domain::duty::roster::{leave_by_key, LeaveRequest};
    use crate::domain::view::Aggregate;
    let person = Id::derived("leave-person", 1);
    let l = LeaveRequest {
        person: Some(person),
        date: Some(DEMO_AS_OF),
        reason: "家中有事".into(),
        ..Default::default()
    };
    assert!(l.index().search.contains(&leave_by_key(person)));
    let back: LeaveRequest = serde_json::from_value(l.list_row()).unwrap();
    assert_eq!(back, l);
    assert!(LeaveRequest::default().index().search.is_empty());
}

/// Issue 19: a view moving to another status, assignee or due time names the index keys it
/// leaves (the IndexedDB store drops Chromium's entries there); a view whose keys stay leaves
/// none, nor does one that only gains keys.
#[test]
fn a_moving_view_names_the_index_keys_it_leaves() {
    use super::LeftKey;
    let app = loaded(1, DEMO_AS_OF);
    let q = Query::new(RecordKind::Complaint, Filter::All);
    let old = block_on(app.store.query(&q))
        .unwrap()
        .into_iter()
        .find(|v| v.status.is_some() && v.assignee.is_some() && v.due.is_some())
        .expect("an assigned complaint with a due time");
    let (status, who, due) = (
        old.status.clone().unwrap(),
        old.assignee.unwrap(),
        old.due.unwrap(),
    );
    assert!(LeftKey::between(&old.head(), &old).is_empty());
    let mut new = old.clone();
    new.status = Some("closed".into());
    new.due = Some(due + 1);
    assert_eq!(
        LeftKey::between(&old.head(), &new),
        vec![
            LeftKey::Status(RecordKind::Complaint, status.clone()),
            LeftKey::AssigneeDue(who, due)
        ]
    );
    new.due = Some(due);
    new.assignee = None;
    assert_eq!(
        LeftKey::between(&old.head(), &new),
        vec![
            LeftKey::Status(RecordKind::Complaint, status),
            LeftKey::AssigneeDue(who, due)
        ]
    );
    let mut bare = old.clone();
    (bare.status, bare.assignee, bare.due) = (None, None, None);
    assert!(
        LeftKey::between(&bare.head(), &old).is_empty(),
        "gaining keys leaves none"
    );
    // A search key dropped (a callback made leaves its `cbdue|…`), the others kept.
    let mut made = old.clone();
    let gone = made.search.pop().expect("a complaint has search keys");
    made.search.push("complaint|new".into());
    assert_eq!(
        LeftKey::between(&old.head(), &made),
        vec![LeftKey::Search(gone)]
    );
}

/// Issue 19, CB-1: the supervisor's card counts the overdue callbacks from their due keys and
/// reads only the earliest — the same callbacks, in the same order, as reading every due
/// callback's row and its clock (callbacks no longer due, whose old keys a commit leaves, are not counted).
#[test]
fn overdue_callbacks_come_from_their_due_keys() {
    use crate::domain::callbacks::overdue_range;
    use crate::domain::sla::SlaState;
    let app = loaded(20_261_122, DEMO_AS_OF);
    for days in [0i64, 10, 40] {
        let now = BusinessCalendar::default().at(
            DEMO_AS_OF + chrono::Duration::days(days),
            chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        );
        let mut every: Vec<(i64, String)> = block_on(app.store.rows(&Query::new(
            RecordKind::Callback,
            Filter::Status("due".into()),
        )))
        .unwrap()
        .into_iter()
        .filter_map(|r| {
            let k = r.clock?;
            (k.state(now) == SlaState::Overdue).then_some((k.deadline, r.key))
        })
        .collect();
        every.sort();
        let (from, to) = overdue_range(now);
        let q = Query::new(RecordKind::Callback, Filter::Range(from, to));
        assert!(
            every.len() > 6,
            "the demo has overdue callbacks: {}",
            every.len()
        );
        assert_eq!(block_on(app.store.count(&q)).unwrap() as usize, every.len());
        let first: Vec<String> = block_on(app.store.rows(&q.clone().limit(6)))
            .unwrap()
            .into_iter()
            .map(|r| r.key)
            .collect();
        let want: Vec<String> = every.iter().take(6).map(|(_, k)| k.clone()).collect();
        assert_eq!(first, want, "the six earliest, {days} days on");
    }
}

/// Issue 19, CB-1 (待回访, earliest deadline first), CB-3 (待审阅, the supervisor's review), CB-6
/// (problems raised in a callback, until followed up) and 全部: each tab of the callback queue is
/// read by key — the count from the index is the tab's every callback, and its first `n` keys
/// are its first `n` callbacks in the tab's order.
#[test]
fn cb_1_cb_3_cb_6_the_callback_queue_read_by_key() {
    use crate::domain::callbacks::{Callback, CallbackRow, CallbackStatus as S, QueuePage};
    let app = loaded(20_261_122, DEMO_AS_OF);
    let all: Vec<Callback> = app
        .store
        .views()
        .into_iter()
        .filter_map(|v| v.state::<Callback>())
        .collect();
    let check = |p: QueuePage, keep: &dyn Fn(&Callback) -> bool| {
        let mut want: Vec<i64> = all
            .iter()
            .filter(|c| keep(c))
            .map(|c| c.row().due)
            .collect();
        want.sort_unstable();
        if p != QueuePage::Due {
            want.reverse();
        }
        let (from, to) = p.range();
        let q = Query::new(RecordKind::Callback, Filter::Range(from, to));
        assert_eq!(
            block_on(app.store.count(&q)).unwrap() as usize,
            want.len(),
            "{p:?}"
        );
        for n in [3u32, 20, 10_000] {
            let got: Vec<i64> = block_on(app.store.rows(&q.clone().limit(n)))
                .unwrap()
                .into_iter()
                .map(|r| r.list::<CallbackRow>().expect("a callback row").due)
                .collect();
            assert_eq!(got, want[..want.len().min(n as usize)], "{p:?} first {n}");
        }
        want.len()
    };
    assert!(check(QueuePage::Due, &|c| c.status == S::Due) > 0);
    assert!(check(QueuePage::Review, &|c| c.status == S::Done) > 0);
    let raised = |c: &Callback| c.spec.as_ref().is_some_and(|s| s.previous.is_some());
    check(QueuePage::Problems, &|c| {
        raised(c) && matches!(c.status, S::Due | S::Unreached)
    });
    assert_eq!(check(QueuePage::All, &|_| true), all.len());
}

/// Issue 19, CMP-2 (the complaint register's list, filters 未办 / 我的 / 已办 / 全部), CMP-3 (the
/// escalation sweep) and CMP-4 (the supervisor's overdue complaints): each filter's page is read
/// by key — the first `n` of its newest-first search keys are exactly its `n` newest
/// complaints, the count from the index is the filter's every complaint, the sweep's range
/// holds exactly the open complaints whose month has run out, and the overdue range exactly
/// those whose running clock is overdue, earliest first.
#[test]
fn cmp_2_cmp_3_cmp_4_the_complaint_lists_read_by_key() {
    use crate::domain::complaints::{
        escalation_range, month_of, overdue_range, Complaint, ComplaintRow, ListPage,
    };
    use crate::domain::ids::RecordId;
    use crate::domain::sla::SlaState;
    let app = loaded(20_261_122, DEMO_AS_OF);
    let all: Vec<(RecordId, Complaint)> = app
        .store
        .views()
        .into_iter()
        .filter_map(|v| Some((v.id, v.state::<Complaint>()?)))
        .collect();
    let page = |p: ListPage, n: u32| {
        let (from, to) = p.range();
        let q = Query::new(RecordKind::Complaint, Filter::Range(from, to));
        let count = block_on(app.store.count(&q)).unwrap() as usize;
        let ids: Vec<RecordId> = block_on(app.store.rows(&q.limit(n)))
            .unwrap()
            .into_iter()
            .map(|r| {
                assert!(r.list::<ComplaintRow>().is_some(), "{}", r.key);
                r.id
            })
            .collect();
        (count, ids)
    };
    let newest = |keep: &dyn Fn(&Complaint) -> bool| {
        let mut v: Vec<(i64, RecordId)> = all
            .iter()
            .filter(|(_, c)| keep(c))
            .map(|(id, c)| (c.received, *id))
            .collect();
        v.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        v
    };
    let check = |p: ListPage, want: Vec<(i64, RecordId)>| {
        for n in [3u32, 20, 10_000] {
            let (count, got) = page(p, n);
            assert_eq!(count, want.len(), "{p:?}");
            assert_eq!(got.len(), want.len().min(n as usize), "{p:?}");
            // Newest first; complaints received in the same millisecond in either order.
            let at = |id: &RecordId| all.iter().find(|(i, _)| i == id).unwrap().1.received;
            let got_at: Vec<i64> = got.iter().map(at).collect();
            let want_at: Vec<i64> = want.iter().take(n as usize).map(|w| w.0).collect();
            assert_eq!(got_at, want_at, "{p:?} first {n}");
        }
        want.len()
    };
    assert!(
        check(ListPage::Open, newest(&|c| c.is_open())) > 0,
        "the demo has open complaints"
    );
    let mut mine = 0;
    for s in all
        .iter()
        .flat_map(|(_, c)| [Some(c.registered_by), c.handler])
        .flatten()
    {
        mine += check(
            ListPage::Mine(s),
            newest(&|c| c.is_open() && (c.handler == Some(s) || c.registered_by == s)),
        );
    }
    assert!(mine > 0);
    let months: BTreeSet<String> = all.iter().map(|(_, c)| month_of(c.received)).collect();
    assert!(months.len() >= 2, "the demo's complaints span months");
    for m in &months {
        let in_month = |c: &Complaint| month_of(c.received) == *m;
        assert!(check(ListPage::All(m), newest(&|c| in_month(c))) > 0);
        check(ListPage::Done(m), newest(&|c| in_month(c) && !c.is_open()));
    }
    let (mut due, mut overdue) = (Vec::new(), Vec::new());
    for days in [0i64, 20, 40] {
        let now = BusinessCalendar::default().at(
            DEMO_AS_OF + chrono::Duration::days(days),
            chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        );
        let (from, to) = escalation_range(now);
        let q = Query::new(RecordKind::Complaint, Filter::Range(from, to));
        let mut got: Vec<RecordId> = block_on(app.store.rows(&q))
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        let mut want: Vec<RecordId> = all
            .iter()
            .filter(|(_, c)| c.row().escalates_at.is_some_and(|d| d <= now))
            .map(|(id, _)| *id)
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "due {days} days on");
        due.push(want.len());
        // CMP-4, the supervisor's card: the overdue open complaints counted from their
        // `cmpdue|` keys, the earliest read first.
        let (from, to) = overdue_range(now);
        let q = Query::new(RecordKind::Complaint, Filter::Range(from, to));
        let mut late: Vec<i64> = all
            .iter()
            .filter_map(|(_, c)| {
                c.running_clock()
                    .filter(|k| k.state(now) == SlaState::Overdue)
            })
            .map(|k| k.deadline)
            .collect();
        late.sort();
        assert_eq!(block_on(app.store.count(&q)).unwrap() as usize, late.len());
        let first: Vec<i64> = block_on(app.store.rows(&q.limit(6)))
            .unwrap()
            .into_iter()
            .filter_map(|r| Some(r.clock?.deadline))
            .collect();
        assert_eq!(
            first,
            late.iter().take(6).copied().collect::<Vec<_>>(),
            "{days} days on"
        );
        overdue.push(late.len());
    }
    assert!(
        due[2] > due[0],
        "open complaints fall due as months run out: {due:?}"
    );
    assert!(
        overdue[2] > 0,
        "the demo has overdue complaints: {overdue:?}"
    );
}
