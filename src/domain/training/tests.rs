//! Native tests of staff training, citing TRAIN-1 and TRAIN-2 (SOP.md §13, QUAL-2).

use super::*;
use crate::domain::event::RecordRef;
use crate::domain::roles::Role::*;
use crate::domain::sla::SlaState;
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

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn at(d: u32, h: u32, m: u32) -> i64 {
    cal().at(day(d), NaiveTime::from_hms_opt(h, m, 0).unwrap())
}

fn keys(items: &[MatrixItem]) -> Vec<&str> {
    items.iter().map(|i| i.key.as_str()).collect()
}

fn set(r: &[Role]) -> BTreeSet<Role> {
    r.iter().copied().collect()
}

fn rec(person: StaffId, drafts: &[Draft]) -> TrainingRecord {
    fold(
        drafts,
        RecordRef::new(RecordKind::TrainingRecord, record_id(person)),
    )
}

fn input(item: &str, d: u32, result: TrainingResult) -> TrainingInput {
    TrainingInput {
        item: item.into(),
        date: day(d),
        trainer: Some(sid(2)),
        result,
        note: String::new(),
        lesson: None,
    }
}

/// TRAIN-1: the seed's 崗位培訓表 — 27 items in its order, the documents and procedures the
/// SOP lists, each role's share; procedures that live in the app link to their screen.
#[test]
fn train_1_default_matrix_is_the_seeds_form_per_role() {
    let m = default_matrix();
    assert_eq!(m.len(), 27, "序号 1–27");
    assert_eq!(m[0].title.zh, "工作范围及质量标准");
    assert_eq!(m[26].title.zh, "绿化管理程序");
    assert!(m.iter().enumerate().all(|(i, x)| x.no == i as u32 + 1));
    for k in [
        "scope",
        "org_chart",
        "duty_manager",
        "duty_supervisor",
        "duty_internal",
        "duty_assistant",
        "duty_reception",
        "covenant",
        "user_handbook",
        "decoration_handbook",
        "move_in",
        "decoration",
        "parking",
        "reception",
        "fees",
        "complaints",
        "repairs",
        "surveys",
        "visits",
        "in_home",
        "snow",
        "cleaning",
        "greening",
    ] {
        assert!(m.iter().any(|i| i.key == k), "{k}");
    }
    // Per role: the Director and Supervisors learn everything; the front desk its share.
    assert_eq!(items_for(&m, &set(&[Director])).len(), 27);
    assert_eq!(items_for(&m, &set(&[Supervisor])).len(), 27);
    let desk = items_for(&m, &set(&[Receptionist]));
    let desk_keys = keys(&desk);
    assert!(desk_keys.contains(&"reception") && desk_keys.contains(&"duty_reception"));
    assert!(desk_keys.contains(&"complaints") && desk_keys.contains(&"fees"));
    assert!(!desk_keys.contains(&"duty_manager") && !desk_keys.contains(&"greening"));
    let assist = items_for(&m, &set(&[Assistant]));
    assert!(keys(&assist).contains(&"decoration") && keys(&assist).contains(&"visits"));
    assert!(!keys(&assist).contains(&"duty_reception"));
    let cleaner = items_for(&m, &set(&[DepartmentStaff]));
    assert_eq!(
        keys(&cleaner),
        vec![
            "org_chart",
            "repairs",
            "in_home",
            "snow",
            "cleaning",
            "greening"
        ]
    );
    // Several roles combine (the union).
    let both = items_for(&m, &set(&[Assistant, Receptionist]));
    assert!(both.len() > assist.len() && both.len() > desk.len());
    // Links to the app's own screens.
    let link = |k: &str| m.iter().find(|i| i.key == k).unwrap().screen;
    assert_eq!(link("complaints"), Some(Screen::Complaints));
    assert_eq!(link("visits"), Some(Screen::Callbacks));
    assert_eq!(link("snow"), Some(Screen::Emergency));
    assert_eq!(link("covenant"), None);
}

/// TRAIN-1: the Director edits the matrix (adds, changes, retires); the edits lay over the
/// default. Every other role is refused with the role needed named.
#[test]
fn train_1_only_the_director_edits_the_matrix() {
    let dir = actor(1, &[Director]);
    let mut item = default_matrix()
        .into_iter()
        .find(|i| i.key == "parking")
        .unwrap();
    item.roles.insert(DepartmentLead);
    let mut drafts = set_item(&dir, &item).unwrap();
    let new = MatrixItem {
        key: "duty_handover".into(),
        no: 28,
        title: Text::new("值班与交接班程序", "Duty and handover"),
        kind: ItemKind::Procedure,
        roles: set(&[Assistant]),
        screen: Some(Screen::Handover),
    };
    drafts.extend(set_item(&dir, &new).unwrap());
    let m: TrainingMatrix = fold(
        &drafts,
        RecordRef::new(RecordKind::TrainingMatrix, matrix_id()),
    );
    drafts.extend(retire_item(&dir, &m, "usage_guide").unwrap());
    let m: TrainingMatrix = fold(
        &drafts,
        RecordRef::new(RecordKind::TrainingMatrix, matrix_id()),
    );
    let items = m.items();
    assert_eq!(items.len(), 27, "27 + 1 added − 1 retired");
    assert_eq!(items.last().unwrap().key, "duty_handover");
    assert!(!keys(&items).contains(&"usage_guide"));
    assert!(keys(&items_for(&items, &set(&[DepartmentLead]))).contains(&"parking"));
    // Refusals.
    for r in [
        Supervisor,
        Assistant,
        Receptionist,
        DepartmentLead,
        DepartmentStaff,
    ] {
        let e = set_item(&actor(3, &[r]), &new).unwrap_err();
        assert!(e.message().zh.contains("物业部主任"), "{r:?}");
        assert!(e.message().en.contains("Director"), "{r:?}");
        assert!(retire_item(&actor(3, &[r]), &m, "scope").is_err());
    }
    // Validation.
    let mut bad = new.clone();
    bad.roles.clear();
    assert!(set_item(&dir, &bad).is_err());
    bad = new.clone();
    bad.title.zh = " ".into();
    assert!(set_item(&dir, &bad).is_err());
    assert!(retire_item(&dir, &m, "nonexistent").is_err());
}

/// TRAIN-2: a new person's plan is every item of their roles, due in 30 days to the minute, on
/// their 我的待办 (assignee + clock); each training records date, trainer and result; a retake
/// keeps the item open; the last pass closes the plan and stops the clock in time.
#[test]
fn train_2_plan_records_retake_and_completion_with_the_clock() {
    let sup = actor(2, &[Supervisor]);
    let new = sid(9);
    let roles = set(&[Receptionist]);
    let m = default_matrix();
    let planned = at(2, 9, 0);
    let mut drafts = plan(
        &sup,
        new,
        &roles,
        &m,
        &TrainingRecord::default(),
        planned,
        &cal(),
    )
    .unwrap();
    let r = rec(new, &drafts);
    let required = items_for(&m, &roles);
    assert_eq!(r.open_items().len(), required.len());
    let clock = r.clock.clone().unwrap();
    assert_eq!(
        clock.deadline,
        at(2, 9, 0) + 30 * 24 * 60 * 60_000,
        "30 days"
    );
    let ix = r.index();
    assert_eq!(ix.assignee, Some(new), "on the trainee's 我的待办");
    assert_eq!(ix.status.as_deref(), Some("open"));
    assert!(
        ix.search.contains(&OPEN_KEY.to_string()),
        "on the Supervisor's card"
    );
    assert_eq!(clock.state(at(30, 9, 0)), SlaState::Warning);
    assert_eq!(
        clock.state(at(2, 9, 0) + 30 * 24 * 60 * 60_000),
        SlaState::Overdue
    );

    // A retake keeps the item open; the pass after it closes it.
    let first = &required[0].key;
    drafts.extend(
        record(
            &sup,
            new,
            &m,
            &input(first, 3, TrainingResult::Retake),
            at(3, 15, 0),
            &cal(),
        )
        .unwrap(),
    );
    let r = rec(new, &drafts);
    assert!(!r.passed(first));
    assert_eq!(r.open_items().len(), required.len());
    let s = r.latest(first).unwrap();
    assert_eq!(
        (s.date, s.trainer, s.result),
        (day(3), sid(2), TrainingResult::Retake)
    );
    drafts.extend(
        record(
            &sup,
            new,
            &m,
            &input(first, 5, TrainingResult::Pass),
            at(5, 15, 0),
            &cal(),
        )
        .unwrap(),
    );
    assert!(rec(new, &drafts).passed(first));
    // Every other item passed: the plan is done, the clock met in time, off the to-do.
    for (k, item) in required.iter().enumerate().skip(1) {
        let d = 6 + (k as u32 % 20);
        drafts.extend(
            record(
                &sup,
                new,
                &m,
                &input(&item.key, d, TrainingResult::Pass),
                at(d, 16, 0),
                &cal(),
            )
            .unwrap(),
        );
    }
    let r = rec(new, &drafts);
    assert!(r.open_items().is_empty());
    assert_eq!(
        r.clock.as_ref().unwrap().state(at(29, 0, 0)),
        SlaState::MetInTime
    );
    let ix = r.index();
    assert_eq!(ix.assignee, None);
    assert_eq!(ix.clock, None);
    assert_eq!(ix.status.as_deref(), Some("done"));
    // Nothing left to plan.
    assert!(plan(&sup, new, &roles, &m, &r, at(29, 9, 0), &cal()).is_err());
}

/// TRAIN-2: who may record, and what a record needs.
#[test]
fn train_2_recording_is_refused_for_other_roles_and_checks_the_input() {
    let m = default_matrix();
    for r in [Assistant, Receptionist, DepartmentLead, DepartmentStaff] {
        let a = actor(3, &[r]);
        let e = record(
            &a,
            sid(9),
            &m,
            &input("fees", 3, TrainingResult::Pass),
            at(3, 9, 0),
            &cal(),
        )
        .unwrap_err();
        assert!(e.message().zh.contains("客服主管"), "{r:?}");
        assert!(e.message().en.contains("Supervisor"), "{r:?}");
        assert!(plan(
            &a,
            sid(9),
            &set(&[Receptionist]),
            &m,
            &TrainingRecord::default(),
            0,
            &cal()
        )
        .is_err());
    }
    let sup = actor(2, &[Supervisor]);
    let now = at(3, 9, 0);
    assert!(record(
        &sup,
        sid(9),
        &m,
        &input("nope", 3, TrainingResult::Pass),
        now,
        &cal()
    )
    .is_err());
    let mut no_trainer = input("fees", 3, TrainingResult::Pass);
    no_trainer.trainer = None;
    assert!(record(&sup, sid(9), &m, &no_trainer, now, &cal()).is_err());
    assert!(
        record(
            &sup,
            sid(9),
            &m,
            &input("fees", 4, TrainingResult::Pass),
            now,
            &cal()
        )
        .is_err(),
        "not after today"
    );
    let mut lesson = input("complaints", 3, TrainingResult::Pass);
    lesson.lesson = Some("complaints-intake".into());
    let d = record(&sup, sid(9), &m, &lesson, now, &cal()).unwrap();
    assert_eq!(
        rec(sid(9), &d)
            .latest("complaints")
            .unwrap()
            .lesson
            .as_deref(),
        Some("complaints-intake")
    );
    lesson.lesson = Some("no-such-lesson".into());
    assert!(record(&sup, sid(9), &m, &lesson, now, &cal()).is_err());
}

/// TRAIN-2 / QUAL-2: pass-rate arithmetic on a known set. Matrix of 4 items: A (Assistant),
/// B (Assistant, Receptionist), C (Receptionist), D (everyone incl. department staff).
/// - p1 Assistant: A pass, B pass, D pass → 3/3, qualified;
/// - p2 Receptionist: B pass, C retake, D pass → 2/3;
/// - p3 Assistant+Receptionist: A pass, B pass, C pass, D retake then pass → 4/4, qualified;
/// - p4 DepartmentStaff: nothing → 0/1.
///
/// Overall 9/11 = 81.8 %, 2 of 4 qualified. Assistant: p1 3/3 + p3 3/3 = 6/6 (100 %, target
/// met); Receptionist: p2 2/3 + p3 3/3 = 5/6; DepartmentStaff 0/1.
#[test]
fn train_2_pass_rate_arithmetic_per_role_and_overall_against_100_percent() {
    let item = |k: &str, no: u32, roles: &[Role]| MatrixItem {
        key: k.into(),
        no,
        title: Text::new(k, k),
        kind: ItemKind::Procedure,
        roles: set(roles),
        screen: None,
    };
    let m = vec![
        item("A", 1, &[Assistant]),
        item("B", 2, &[Assistant, Receptionist]),
        item("C", 3, &[Receptionist]),
        item("D", 4, &[Assistant, Receptionist, DepartmentStaff]),
    ];
    let sup = actor(2, &[Supervisor]);
    let mut drafts = Vec::new();
    let train = |drafts: &mut Vec<Draft>, p: u64, k: &str, d: u32, r: TrainingResult| {
        drafts.extend(record(&sup, sid(p), &m, &input(k, d, r), at(d, 12, 0), &cal()).unwrap());
    };
    use TrainingResult::*;
    for k in ["A", "B", "D"] {
        train(&mut drafts, 11, k, 3, Pass);
    }
    train(&mut drafts, 12, "B", 3, Pass);
    train(&mut drafts, 12, "C", 3, Retake);
    train(&mut drafts, 12, "D", 3, Pass);
    for k in ["A", "B", "C"] {
        train(&mut drafts, 13, k, 3, Pass);
    }
    train(&mut drafts, 13, "D", 3, Retake);
    train(&mut drafts, 13, "D", 6, Pass);
    let people = vec![
        (sid(11), set(&[Assistant])),
        (sid(12), set(&[Receptionist])),
        (sid(13), set(&[Assistant, Receptionist])),
        (sid(14), set(&[DepartmentStaff])),
    ];
    let records: BTreeMap<StaffId, TrainingRecord> = [11, 12, 13]
        .iter()
        .map(|p| (sid(*p), rec(sid(*p), &drafts)))
        .collect();
    let rates = pass_rates(&m, &people, &records);
    assert_eq!(
        rates.overall,
        Rate {
            passed: 9,
            required: 11,
            people: 4,
            qualified: 2
        }
    );
    assert!((rates.overall.percent().unwrap() - 81.818).abs() < 0.01);
    assert!(!rates.overall.meets_target());
    let role = |r: Role| rates.per_role.iter().find(|(x, _)| *x == r).unwrap().1;
    assert_eq!(
        role(Assistant),
        Rate {
            passed: 6,
            required: 6,
            people: 2,
            qualified: 2
        }
    );
    assert!(role(Assistant).meets_target(), "100 %");
    assert_eq!(
        role(Receptionist),
        Rate {
            passed: 5,
            required: 6,
            people: 2,
            qualified: 1
        }
    );
    assert_eq!(
        role(DepartmentStaff),
        Rate {
            passed: 0,
            required: 1,
            people: 1,
            qualified: 0
        }
    );
    assert_eq!(role(DepartmentStaff).percent(), Some(0.0));
    assert!(
        rates.per_role.iter().all(|(r, _)| *r != Director),
        "nobody holds it"
    );
    // A later retake after a pass reopens the item (the latest result counts).
    train(&mut drafts, 11, "A", 7, Retake);
    let records: BTreeMap<StaffId, TrainingRecord> = [11, 12, 13]
        .iter()
        .map(|p| (sid(*p), rec(sid(*p), &drafts)))
        .collect();
    assert_eq!(pass_rates(&m, &people, &records).overall.passed, 8);
}

/// Issue 17, TRAIN-2: every lesson trains an item of the default matrix, has steps, and links
/// to the app's screens.
#[test]
fn train_2_lessons_train_matrix_items_with_steps_and_screens() {
    let m = default_matrix();
    let lessons = lessons::all();
    assert!(lessons.len() >= 3);
    for l in &lessons {
        assert!(m.iter().any(|i| i.key == l.item), "{}", l.key);
        assert!(l.steps.len() >= 3, "{}", l.key);
        assert!(l.steps.iter().any(|s| s.screen.is_some()), "{}", l.key);
        assert_eq!(lessons::lesson(l.key).as_ref(), Some(l));
    }
    let c = lessons::lesson("complaints-intake").unwrap();
    assert_eq!(c.title.zh, "投诉：登记、分类、派单");
    assert_eq!(c.steps[0].screen, Some(Screen::RegisterComplaint));
}

/// Issue 17: the demo's training history — the matrix edited, everyone trained on their roles'
/// items except the new receptionist, whose open items are on her 我的待办; one discipline
/// record (PAID-8). Deterministic for a day.
#[test]
fn train_1_2_demo_has_a_matrix_records_and_one_person_with_open_items() {
    let pin = crate::domain::staff::PinHash::new("1234", [7; 16], 10).unwrap();
    let as_of = crate::domain::demo::DEMO_AS_OF;
    let demo = crate::domain::demo::demo_estate(5, pin.clone(), as_of);
    let m: TrainingMatrix = fold(
        &demo.drafts,
        RecordRef::new(RecordKind::TrainingMatrix, matrix_id()),
    );
    let matrix = m.items();
    assert_eq!(matrix.len(), 28, "the Director added one");
    let mut open = vec![];
    let mut people = vec![];
    let mut records = BTreeMap::new();
    for l in &demo.logins {
        let r = rec(l.id, &demo.drafts);
        if !r.open_items().is_empty() {
            open.push(l.name.clone());
            assert_eq!(r.index().assignee, Some(l.id));
            let c = r.index().clock.unwrap();
            assert_eq!(
                c.state(
                    crate::domain::calendar::BusinessCalendar::default().at(as_of, NaiveTime::MIN)
                ),
                SlaState::Due
            );
        }
        people.push((l.id, l.roles.iter().copied().collect()));
        records.insert(l.id, r);
    }
    assert_eq!(open, vec![demo::NEW_STAFF.to_string()]);
    let rates = pass_rates(&matrix, &people, &records);
    assert_eq!(rates.overall.people, demo.logins.len() as u32);
    assert_eq!(rates.overall.qualified, rates.overall.people - 1);
    assert!(rates.overall.percent().unwrap() > 90.0);
    assert!(records.values().any(|r| r
        .sessions
        .iter()
        .any(|s| s.result == TrainingResult::Retake)));
    let disc: Vec<&Draft> = demo
        .drafts
        .iter()
        .filter(|d| d.subject.kind == RecordKind::Discipline)
        .collect();
    assert_eq!(disc.len(), 1, "PAID-8: one discipline record");
    let again = crate::domain::demo::demo_estate(5, pin, as_of);
    assert_eq!(demo.drafts, again.drafts);
}
