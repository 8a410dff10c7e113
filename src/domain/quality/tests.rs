//! QUAL-1..3, PAT-7, PAT-8 (issue 18).

use super::arrears::{self, ArrearsMonth, ArrearsRow, CallOutcome, Field, Next};
use super::dashboard::{self, CallbackFigure, Goal, MonthInputs, Target};
use super::survey::{self, Answer, Household, Source, Survey, SurveyItem};
use super::*;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::CallbackKind;
use crate::domain::command::{Actor, DomainError};
use crate::domain::event::{Draft, RecordKind};
use crate::domain::ids::Id;
use crate::domain::roles::Role;
use crate::domain::view::{fold_all, Aggregate};
use chrono::{NaiveDate, NaiveTime};

fn who(role: Role, n: u64) -> Actor {
    Actor {
        id: Id::derived("staff", n),
        roles: [role].into(),
    }
}
fn director() -> Actor {
    who(Role::Director, 1)
}
fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn at(d: NaiveDate, h: u32) -> i64 {
    cal().at(d, NaiveTime::from_hms_opt(h, 0, 0).unwrap())
}
fn fold<A: Aggregate>(id: Id, drafts: &[Draft]) -> A {
    let mine: Vec<Draft> = drafts
        .iter()
        .filter(|d| d.subject.id == id)
        .cloned()
        .collect();
    fold_all::<A>(id, crate::testkit::stamp(mine))
        .unwrap()
        .state()
        .unwrap()
}
fn denied(r: Result<Vec<Draft>, DomainError>) -> bool {
    matches!(r, Err(DomainError::Denied(_)))
}
fn items3() -> Vec<SurveyItem> {
    vec![
        SurveyItem::new("desk", "前台接待服务", "Front desk"),
        SurveyItem::new("repairs", "报修维修服务", "Repairs"),
        SurveyItem::new("cleaning", "公共区域保洁", "Cleaning"),
    ]
}
fn home(n: u64) -> Household {
    Household {
        household: Id::derived("hh", n),
        unit: Id::derived("unit", n),
        building: Id::derived("b", n % 2),
        place: format!("{}号楼 {}", n % 2 + 1, 100 + n),
    }
}

/// A started survey with ten households' answers:
/// desk: 6 满意, 3 基本满意, 1 不满意 → 9/10 = 90.0 %;
/// repairs: 5 满意, 2 基本满意, 2 不满意, 1 不了解 → 7/9 = 77.8 % (under 85 %);
/// cleaning: 9 满意, 1 基本满意 → 100 %. Average (90.0 + 77.8 + 100.0) / 3 = 89.3 %.
fn known_survey() -> (Id, Vec<Draft>, Survey) {
    let id = Id::derived("survey", 1);
    let t0 = at(date(2026, 10, 8), 9);
    let mut drafts = survey::create(
        &director(),
        id,
        "2026年第4季度满意度调查",
        2026,
        &items3(),
        t0,
    )
    .unwrap();
    let s: Survey = fold(id, &drafts);
    drafts.extend(survey::start(&director(), id, &s, t0 + 1).unwrap());
    let s: Survey = fold(id, &drafts);
    use Answer::*;
    let desk = [
        Satisfied,
        Satisfied,
        Satisfied,
        Satisfied,
        Satisfied,
        Satisfied,
        Basic,
        Basic,
        Basic,
        Unsatisfied,
    ];
    let repairs = [
        Satisfied,
        Satisfied,
        Satisfied,
        Satisfied,
        Satisfied,
        Basic,
        Basic,
        Unsatisfied,
        Unsatisfied,
        Unknown,
    ];
    let cleaning = [
        Satisfied, Satisfied, Satisfied, Satisfied, Satisfied, Satisfied, Satisfied, Satisfied,
        Satisfied, Basic,
    ];
    for n in 0..10 {
        let a = [Some(desk[n]), Some(repairs[n]), Some(cleaning[n])];
        let src = if n % 2 == 0 {
            Source::Tablet
        } else {
            Source::Paper
        };
        drafts.extend(
            survey::answer(
                &who(Role::Receptionist, 5),
                id,
                &s,
                &home(n as u64),
                &a,
                src,
                "",
                t0 + 10 + n as i64,
            )
            .unwrap(),
        );
    }
    let s = fold(id, &drafts);
    (id, drafts, s)
}

#[test]
fn qual_1_survey_arithmetic_on_a_known_set_finds_the_item_under_85() {
    let (_, _, s) = known_survey();
    let r = s.results();
    assert_eq!(r.households, 10);
    let rates: Vec<Option<f64>> = r.items.iter().map(|i| i.rate).collect();
    assert_eq!(rates, vec![Some(90.0), Some(77.8), Some(100.0)]);
    assert_eq!(r.items[1].unknown, 1, "不了解 is not counted");
    assert_eq!(r.average, Some(89.3));
    assert!(!r.average_met(), "89.3 % < 90 %");
    let under: Vec<&str> = r
        .under_target()
        .iter()
        .map(|i| i.item.key.as_str())
        .collect();
    assert_eq!(under, vec!["repairs"]);
    assert!(!r.met());
    // Progress by building: households 0,2,4,6,8 in building 0, the others in building 1.
    let by_b = s.answered_by_building();
    assert_eq!(by_b.get(&Id::derived("b", 0)), Some(&5));
    assert_eq!(by_b.get(&Id::derived("b", 1)), Some(&5));
}

#[test]
fn qual_1_a_second_answer_of_a_household_replaces_its_first() {
    let (id, mut drafts, s) = known_survey();
    use Answer::*;
    drafts.extend(
        survey::answer(
            &director(),
            id,
            &s,
            &home(9),
            &[Some(Satisfied), Some(Satisfied), Some(Satisfied)],
            Source::Tablet,
            "改",
            at(date(2026, 10, 9), 9),
        )
        .unwrap(),
    );
    let s: Survey = fold(id, &drafts);
    let r = s.results();
    assert_eq!(r.households, 10);
    assert_eq!(r.items[0].rate, Some(100.0));
}

#[test]
fn qual_1_items_are_edited_before_the_start_and_fixed_after() {
    let id = Id::derived("survey", 2);
    let t0 = at(date(2026, 10, 8), 9);
    let mut drafts =
        survey::create(&director(), id, "调查", 2026, &survey::default_items(), t0).unwrap();
    let s: Survey = fold(id, &drafts);
    assert_eq!(s.items.len(), 10, "the seed's items by default");
    drafts.extend(survey::set_items(&director(), id, &s, &items3(), t0 + 1).unwrap());
    let s: Survey = fold(id, &drafts);
    assert_eq!(s.items, items3());
    // Answers are refused before the start.
    let a = [Some(Answer::Satisfied); 3];
    assert!(survey::answer(
        &director(),
        id,
        &s,
        &home(1),
        &a,
        Source::Tablet,
        "",
        t0 + 2
    )
    .is_err());
    drafts.extend(survey::start(&director(), id, &s, t0 + 2).unwrap());
    let s: Survey = fold(id, &drafts);
    let e = survey::set_items(&director(), id, &s, &survey::default_items(), t0 + 3).unwrap_err();
    assert!(e.message().zh.contains("不能再修改"));
    // An item left unanswered, or all 不了解, is refused.
    assert!(survey::answer(
        &director(),
        id,
        &s,
        &home(1),
        &[Some(Answer::Satisfied), None, Some(Answer::Basic)],
        Source::Paper,
        "",
        t0 + 4
    )
    .is_err());
    assert!(survey::answer(
        &director(),
        id,
        &s,
        &home(1),
        &[Some(Answer::Unknown); 3],
        Source::Paper,
        "",
        t0 + 4
    )
    .is_err());
}

#[test]
fn qual_1_roles_manage_and_take_surveys() {
    let (id, _, s) = known_survey();
    let t = at(date(2026, 10, 20), 9);
    for role in [
        Role::Supervisor,
        Role::Assistant,
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ] {
        let a = who(role, 9);
        assert!(
            denied(survey::create(
                &a,
                Id::derived("s", 9),
                "x",
                2026,
                &items3(),
                t
            )),
            "{role:?}"
        );
        assert!(denied(survey::close(&a, id, &s, t)), "{role:?}");
    }
    for role in [Role::DepartmentLead, Role::DepartmentStaff] {
        let a = who(role, 9);
        let ans = [Some(Answer::Satisfied); 3];
        assert!(
            denied(survey::answer(
                &a,
                id,
                &s,
                &home(3),
                &ans,
                Source::Tablet,
                "",
                t
            )),
            "{role:?}"
        );
    }
    let e = survey::create(
        &who(Role::Supervisor, 9),
        Id::derived("s", 9),
        "x",
        2026,
        &items3(),
        t,
    )
    .unwrap_err();
    assert!(
        e.message().zh.contains("物业部主任"),
        "the refusal names the role"
    );
}

#[test]
fn qual_1_an_item_under_target_opens_a_shared_corrective_action_with_owner_and_deadline() {
    use crate::domain::corrective::{self, CorrectiveAction, CorrectiveSource};
    let (id, _, s) = known_survey();
    let t = at(date(2026, 10, 20), 9);
    let owner = Id::derived("staff", 30);
    // An item on target needs none; an unknown item has none.
    assert!(survey::corrective_source(id, &s, "desk").is_err());
    assert!(survey::corrective_source(id, &s, "nope").is_err());
    let (source, problem) = survey::corrective_source(id, &s, "repairs").unwrap();
    assert_eq!(
        source,
        CorrectiveSource::SurveyItem {
            survey: id,
            item: "repairs".into()
        }
    );
    assert!(problem.contains("报修维修服务"), "{problem}");
    let ca = Id::derived("ca", 1);
    let ds = corrective::open(
        &director(),
        ca,
        &[],
        source,
        &problem,
        "每周复查报修质量",
        Some(owner),
        date(2026, 11, 20),
        &cal(),
        t,
    )
    .unwrap();
    assert_eq!(ds[0].subject.kind, RecordKind::CorrectiveAction);
    let a: CorrectiveAction = fold(ca, &ds);
    assert_eq!(a.owner, Some(owner));
    assert_eq!(
        a.clock.as_ref().unwrap().deadline,
        cal().at(date(2026, 11, 21), NaiveTime::MIN),
        "to the end of the deadline day"
    );
    assert!(a
        .index()
        .search
        .contains(&format!("ca|src|srv|{id}|repairs")));
}

#[test]
fn qual_1_a_schema_4_corrective_action_inside_a_survey_still_folds_and_closes() {
    // Written by schema-4 builds (an event is forever): the survey's own action.
    let (id, mut drafts, s) = known_survey();
    let t = at(date(2026, 10, 20), 9);
    let owner = Id::derived("staff", 30);
    let mut clock = crate::domain::sla::ClockSpec::days(32).start(
        crate::domain::i18n::Text::new("纠正措施：报修维修服务", "Corrective action: Repairs"),
        cal().at(date(2026, 10, 20), NaiveTime::MIN),
        &cal(),
    );
    clock.started = t;
    drafts.push(Draft {
        subject: crate::domain::event::RecordRef::new(RecordKind::Survey, id),
        body: crate::domain::event::EventBody::Quality(QualityEvent::CorrectiveOpened {
            item: "repairs".into(),
            what: "每周复查报修质量".into(),
            owner,
            deadline: date(2026, 11, 20),
            clock: Box::new(clock),
            at: t,
            by: director().id,
        }),
    });
    let s2: Survey = fold(id, &drafts);
    let a = s2.open_action("repairs").unwrap();
    assert_eq!(a.owner, owner);
    assert_eq!(
        a.clock.deadline,
        cal().at(date(2026, 11, 21), NaiveTime::MIN)
    );
    let ix = s2.index();
    assert_eq!(ix.assignee, Some(owner), "on the owner's 我的待办");
    assert!(ix.clock.is_some());
    // The item has its action: no shared one on top of it.
    assert!(survey::corrective_source(id, &s2, "repairs").is_err());
    assert!(survey::corrective_source(id, &s, "repairs").is_ok());
    // Someone else cannot close it; the owner can.
    assert!(
        survey::action_done(&who(Role::Assistant, 31), id, &s2, "repairs", "done", t + 5).is_err()
    );
    let owner_actor = Actor {
        id: owner,
        roles: [Role::Supervisor].into(),
    };
    drafts.extend(
        survey::action_done(&owner_actor, id, &s2, "repairs", "已逐户上门", t + 5).unwrap(),
    );
    let s3: Survey = fold(id, &drafts);
    assert!(s3.open_action("repairs").is_none());
    assert_eq!(s3.index().assignee, None);
}

fn csv(text: &str) -> Vec<Vec<String>> {
    crate::sync::csv::parse(text.as_bytes()).unwrap()
}
fn units(place: &str) -> Option<(Id, Id)> {
    let n: u64 = place.rsplit('-').next()?.parse().ok()?;
    (n < 2000).then(|| (Id::derived("unit", n), Id::derived("b", n / 1000)))
}

#[test]
fn pat_7_import_lists_every_bad_row_and_imports_nothing() {
    let lines = csv("\u{feff}户号,业主,手机,欠费金额(元),欠费月数\r\n1-1201,王伟,13800000001,450.00,2\r\n1-9999,李娜,13800000002,225,1\r\n,张三,1,100,1\r\n1-1202,赵六,13800000003,abc,1\r\n1-1201,王伟,13800000001,450,2\r\n1-1203,\"钱, 七\",13800000004,225,x\r\n");
    let m = arrears::guess_mapping(&lines[0], &Default::default());
    assert_eq!(m.get(&Field::Unit).map(String::as_str), Some("户号"));
    assert_eq!(
        m.get(&Field::Owed).map(String::as_str),
        Some("欠费金额(元)")
    );
    assert_eq!(m.get(&Field::Months).map(String::as_str), Some("欠费月数"));
    let bad = arrears::read_rows(&lines, &m, &units).unwrap_err();
    let lines_bad: Vec<usize> = bad.iter().map(|b| b.line).collect();
    assert_eq!(lines_bad, vec![3, 4, 5, 6, 7]);
    assert!(bad[0].reason.zh.contains("找不到房号 1-9999"));
    assert!(bad[1].reason.zh.contains("房号为空"));
    assert!(bad[2].reason.zh.contains("abc"));
    assert!(bad[3].reason.zh.contains("重复"));
    assert!(bad[4].reason.zh.contains("月数"));
    // The mapping is remembered: next month's file with the same headers maps alike, and a
    // renamed column is guessed.
    let again = arrears::guess_mapping(&["房号".into(), "欠费".into()], &m);
    assert_eq!(again.get(&Field::Unit).map(String::as_str), Some("房号"));
    let clean = csv("户号,业主,手机,欠费金额(元),欠费月数\n1-1201,王伟,13800000001,\"1,350.50\",6\n1-1202,赵六,,225,1\n");
    let rows = arrears::read_rows(&clean, &m, &units).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].owed_fen, 135_050);
    assert_eq!(rows[0].months, 6);
    assert_eq!(arrears::parse_yuan("¥300元"), Some(30_000));
    assert_eq!(arrears::parse_yuan("-5"), None);
    assert_eq!(arrears::parse_yuan("1.234"), None);
}

/// PAT-7 (issue 19): finance's list as an .xlsx, written here by rust_xlsxwriter the way a
/// spreadsheet program saves it (numbers as numbers), read by the office worker's function into
/// rows, then mapped and checked by the same path as a CSV: bad rows listed, nothing imported.
#[test]
fn pat_7_an_xlsx_list_takes_the_csv_path_with_bad_rows_listed() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["户号", "业主", "手机", "欠费金额(元)", "欠费月数"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // line 2 good (numbers typed as numbers), line 3 an unknown unit, line 4 a bad amount
    ws.write_string(1, 0, "1-1201").unwrap();
    ws.write_string(1, 1, "王伟").unwrap();
    ws.write_number(1, 2, 13800000001.0).unwrap();
    ws.write_number(1, 3, 1350.5).unwrap();
    ws.write_number(1, 4, 6).unwrap();
    ws.write_string(2, 0, "1-9999").unwrap();
    ws.write_number(2, 3, 225).unwrap();
    ws.write_string(3, 0, "1-1202").unwrap();
    ws.write_string(3, 3, "abc").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    assert!(arrears::is_xlsx("欠费.XLSX", &bytes) && arrears::is_xlsx("x", &bytes));
    assert!(!arrears::is_xlsx("欠费.csv", "户号,欠费\n".as_bytes()));
    let lines = crate::office::read_first_sheet(&bytes).unwrap();
    let m = arrears::guess_mapping(&lines[0], &Default::default());
    assert_eq!(
        m.get(&Field::Owed).map(String::as_str),
        Some("欠费金额(元)")
    );
    let bad = arrears::read_rows(&lines, &m, &units).unwrap_err();
    assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), vec![3, 4]);
    assert!(bad[0].reason.zh.contains("找不到房号 1-9999"));
    assert!(bad[1].reason.zh.contains("abc"));
    // Corrected (the bad rows removed), the same file imports; numbers read as typed.
    let rows = arrears::read_rows(&lines[..2], &m, &units).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].owed_fen, 135_050);
    assert_eq!(rows[0].months, 6);
    assert_eq!(rows[0].phone, "13800000001");
}

fn known_month() -> (Vec<Draft>, ArrearsMonth) {
    let rows: Vec<ArrearsRow> = (1..=4)
        .map(|n| ArrearsRow {
            unit: Id::derived("unit", n),
            building: Id::derived("b", n % 2),
            place: format!("1-{n}"),
            name: format!("业主{n}"),
            phone: String::new(),
            owed_fen: 100_000 * n as i64,
            months: n as u32,
        })
        .collect();
    // Due 10,000 yuan; arrears 1,000 + 2,000 + 3,000 + 4,000 = 10,000? No: keep it below — the
    // month is due 20,000 yuan (2,000,000 fen), arrears 10,000 yuan → 50.0 % before calls.
    let sup = who(Role::Supervisor, 2);
    let d = arrears::import(
        &sup,
        "2026-10",
        2_000_000,
        rows,
        Default::default(),
        "f.csv",
        at(date(2026, 11, 3), 10),
    )
    .unwrap();
    let m = fold(arrears::month_id("2026-10"), &d);
    (d, m)
}

#[test]
fn pat_7_calls_visits_and_the_collection_rate() {
    let (mut d, m) = known_month();
    assert_eq!(m.collection_rate(), Some(50.0));
    let asst = who(Role::Assistant, 3);
    let t = at(date(2026, 11, 4), 9);
    let u = |n: u64| Id::derived("unit", n);
    // A visit before a call is refused; a promise needs its date.
    assert!(arrears::visit(&asst, &m, u(1), CallOutcome::Paid, None, "", t).is_err());
    assert!(arrears::call(&asst, &m, u(1), CallOutcome::Promised, None, "", t).is_err());
    d.extend(arrears::call(&asst, &m, u(4), CallOutcome::Paid, None, "", t).unwrap());
    d.extend(
        arrears::call(
            &asst,
            &m,
            u(3),
            CallOutcome::Promised,
            Some(date(2026, 11, 10)),
            "",
            t + 1,
        )
        .unwrap(),
    );
    d.extend(arrears::call(&asst, &m, u(1), CallOutcome::NoAnswer, None, "", t + 2).unwrap());
    let m: ArrearsMonth = fold(arrears::month_id("2026-10"), &d);
    // Paid 4,000 of 10,000 yuan arrears: collected 20,000 − 6,000 = 14,000 → 70.0 %.
    assert_eq!(m.collection_rate(), Some(70.0));
    assert_eq!(m.next(u(1)), Next::Visit);
    assert_eq!(m.next(u(2)), Next::Call);
    // The unanswered household is a stop on its building's next round.
    let ix = m.index();
    assert!(ix.search.contains(&arrears::visit_key(Id::derived("b", 1))));
    assert!(!ix.search.contains(&arrears::visit_key(Id::derived("b", 0))));
    assert_eq!(m.visits(Id::derived("b", 1)).len(), 1);
    assert!(
        arrears::call(&asst, &m, u(4), CallOutcome::Paid, None, "", t + 3).is_err(),
        "paid already"
    );
    d.extend(
        arrears::visit(
            &asst,
            &m,
            u(1),
            CallOutcome::Paid,
            None,
            "巡查时上门",
            t + 4,
        )
        .unwrap(),
    );
    let m: ArrearsMonth = fold(arrears::month_id("2026-10"), &d);
    assert_eq!(m.collection_rate(), Some(75.0));
    assert!(m.visits(Id::derived("b", 1)).is_empty());
    assert!(!m.index().search.iter().any(|s| s.starts_with("arr-visit|")));
}

#[test]
fn pat_7_roles_import_and_follow_up() {
    let (_, m) = known_month();
    let t = at(date(2026, 11, 4), 9);
    for role in [
        Role::Assistant,
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ] {
        let a = who(role, 9);
        assert!(
            denied(arrears::import(
                &a,
                "2026-10",
                1,
                m.rows.clone(),
                Default::default(),
                "f",
                t
            )),
            "{role:?}"
        );
    }
    for role in [Role::Receptionist, Role::DepartmentStaff] {
        let a = who(role, 9);
        assert!(
            denied(arrears::call(
                &a,
                &m,
                m.rows[0].unit,
                CallOutcome::Paid,
                None,
                "",
                t
            )),
            "{role:?}"
        );
    }
    // Fees due below the arrears' total is refused.
    assert!(arrears::import(
        &director(),
        "2026-10",
        5,
        m.rows.clone(),
        Default::default(),
        "f",
        t
    )
    .is_err());
}

fn month(y: i32, m: u32) -> MonthInputs {
    MonthInputs {
        year: y,
        month: m,
        complaints: (10, 10),
        callbacks: vec![
            CallbackFigure {
                kind: CallbackKind::Complaint,
                scheduled: 10,
                done: 6,
                target: 50,
            },
            CallbackFigure {
                kind: CallbackKind::Repair,
                scheduled: 10,
                done: 3,
                target: 30,
            },
        ],
        good_order: (99, 100),
        collection: Some((96, 100)),
        paid_kinds: Some(7),
        training: Some((10, 10)),
        archive: (5, 5),
        ..Default::default()
    }
}

/// QUAL-2 arithmetic on twelve known months (Dec 2025 … Nov 2026), each figure worked out by hand.
#[test]
fn qual_2_dashboard_month_year_met_and_trend_on_known_months() {
    let mut ms: Vec<MonthInputs> = (0..12)
        .map(|i| {
            if i == 0 {
                month(2025, 12)
            } else {
                month(2026, i)
            }
        })
        .collect();
    ms[0].major_complaints = 3; // last year's: not in 2026's figure
    ms[4].major_complaints = 1; // April
    ms[10].major_complaints = 1; // October → 2 in 2026: missed (≤ 1)
    ms[9].satisfaction = Some((93.1, true));
    ms[11].good_order = (95, 100); // November: 95 %; year (10 × 99 + 95) / 1100 = 98.6 %
    ms[11].collection = Some((90, 100)); // year (10 × 96 + 90) / 1100 = 95.5 %
    ms[11].archive = (4, 5); // year 54/55 = 98.2 %
    ms[11].callbacks[0].done = 4;
    let rows = dashboard::dashboard(&ms, 7);
    let row = |t: Target| rows.iter().find(|r| r.target == t).unwrap().clone();
    let r = row(Target::MajorComplaints);
    assert_eq!(
        (r.month, r.year, r.met),
        (Some(0.0), Some(2.0), Some(false))
    );
    assert_eq!(r.trend[0], Some(3.0));
    let r = row(Target::GoodOrder);
    assert_eq!(
        (r.month, r.year, r.met),
        (Some(95.0), Some(98.6), Some(true))
    );
    assert_eq!(r.trend.len(), 12);
    let r = row(Target::Collection);
    assert_eq!(
        (r.month, r.year, r.met),
        (Some(90.0), Some(95.5), Some(true))
    );
    let r = row(Target::Archive);
    assert_eq!((r.year, r.met), (Some(98.2), Some(false)));
    let r = row(Target::Satisfaction);
    assert_eq!((r.month, r.year, r.met), (None, Some(93.1), Some(true)));
    // Complaint callbacks: 10 × 6 + 4 = 64 of 110 → 58.2 %; this month 40 %.
    let r = row(Target::CallbackComplaint);
    assert_eq!(
        (r.month, r.year, r.met),
        (Some(40.0), Some(58.2), Some(true))
    );
    let r = row(Target::CallbackEvent);
    assert_eq!(
        r.met, None,
        "no community-event callbacks: nothing to judge"
    );
    let r = row(Target::PaidKinds);
    assert_eq!(
        (r.year, r.goal, r.met),
        (Some(7.0), Goal::AtLeast(7.0), Some(true))
    );
    let r = row(Target::SafetyIncidents);
    assert_eq!((r.year, r.met), (Some(0.0), Some(true)));
    // An item under 85 % misses the satisfaction target whatever the average.
    ms[9].satisfaction = Some((93.1, false));
    let rows = dashboard::dashboard(&ms, 7);
    let r = rows
        .iter()
        .find(|r| r.target == Target::Satisfaction)
        .unwrap();
    assert_eq!(r.met, Some(false));
    assert!(r.note.is_some());
}

/// QUAL-2 / PAT-7 / QUAL-1 on the demo: a known demo month's collection rate and the last
/// closed survey's figures, counted again by hand from the raw drafts.
#[test]
fn qual_2_pat_7_demo_month_figures_checked_by_hand() {
    let pin = crate::testkit::pin(crate::domain::demo::DEMO_PIN);
    let as_of = crate::domain::demo::DEMO_AS_OF; // 2026-11-01
    let demo = crate::domain::demo::demo_estate(20_261_122, pin, as_of);
    // PAT-7: the month MISSED_MONTH_BACK before November is 2026-06.
    let id = arrears::month_id("2026-06");
    let m: ArrearsMonth = fold(id, &demo.drafts);
    assert_eq!(m.month, "2026-06");
    // By hand: the last outcome of each household, from the drafts in order.
    let mut last: std::collections::BTreeMap<Id, CallOutcome> = Default::default();
    let mut billed = 0;
    let mut rows = vec![];
    for d in demo.drafts.iter().filter(|d| d.subject.id == id) {
        match &d.body {
            crate::domain::event::EventBody::Quality(QualityEvent::ArrearsImported {
                billed_fen,
                rows: r,
                ..
            }) => {
                billed = *billed_fen;
                rows = r.clone();
            }
            crate::domain::event::EventBody::Quality(
                QualityEvent::ArrearsCalled { unit, outcome, .. }
                | QualityEvent::ArrearsVisited { unit, outcome, .. },
            ) => {
                last.insert(*unit, *outcome);
            }
            _ => {}
        }
    }
    let unpaid: i64 = rows
        .iter()
        .filter(|r| last.get(&r.unit) != Some(&CallOutcome::Paid))
        .map(|r| r.owed_fen)
        .sum();
    let by_hand = ((billed - unpaid) as f64 * 1000.0 / billed as f64).round() / 10.0;
    assert_eq!(m.collection_rate(), Some(by_hand));
    assert!(by_hand < 95.0, "the demo's missed month: {by_hand}");
    // Other months meet the company target.
    let may: ArrearsMonth = fold(arrears::month_id("2026-05"), &demo.drafts);
    assert!(
        may.collection_rate().unwrap() >= 95.0,
        "{:?}",
        may.collection_rate()
    );
    // QUAL-1: the last closed survey has 报修维修服务 under 85 % and an open corrective action.
    let surveys: Vec<Survey> = demo
        .drafts
        .iter()
        .filter(|d| d.subject.kind == RecordKind::Survey)
        .map(|d| d.subject.id)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|id| fold::<Survey>(id, &demo.drafts))
        .collect();
    assert_eq!(surveys.len(), 5);
    let open: Vec<&Survey> = surveys
        .iter()
        .filter(|s| s.status == survey::SurveyStatus::Open)
        .collect();
    assert_eq!(open.len(), 1, "one survey under way for the tablet");
    // The last closed survey's weak item has a shared corrective action (CMP-12 / QUAL-1).
    let actions: Vec<crate::domain::corrective::CorrectiveAction> = demo
        .drafts
        .iter()
        .filter(|d| d.subject.kind == RecordKind::CorrectiveAction)
        .map(|d| fold(d.subject.id, &demo.drafts))
        .collect();
    let weak_id = actions
        .iter()
        .find_map(|a| match &a.source {
            Some(crate::domain::corrective::CorrectiveSource::SurveyItem { survey, item })
                if item == demo::WEAK_ITEM =>
            {
                Some(*survey)
            }
            _ => None,
        })
        .expect("the weak item's shared action");
    assert!(actions.iter().any(|a| matches!(
        a.source,
        Some(crate::domain::corrective::CorrectiveSource::ComplaintSubject { .. })
    ) && a.status == crate::domain::corrective::Status::Open));
    let weak: Survey = fold(weak_id, &demo.drafts);
    let weak = &weak;
    let r = weak.results();
    let item = r
        .items
        .iter()
        .find(|i| i.item.key == demo::WEAK_ITEM)
        .unwrap();
    let pos = weak
        .items
        .iter()
        .position(|i| i.key == demo::WEAK_ITEM)
        .unwrap();
    let (mut good, mut counted) = (0u64, 0u64);
    for resp in weak.responses.values() {
        match resp.answers[pos] {
            Answer::Satisfied | Answer::Basic => {
                good += 1;
                counted += 1
            }
            Answer::Unsatisfied => counted += 1,
            Answer::Unknown => {}
        }
    }
    assert_eq!(item.rate, percent(good, counted));
    assert!(item.under_target());
    // Nothing dated on or after as_of.
    let limit = cal().at(as_of, NaiveTime::MIN);
    for d in demo
        .drafts
        .iter()
        .filter(|d| matches!(d.body, crate::domain::event::EventBody::Quality(_)))
    {
        let t = match &d.body {
            crate::domain::event::EventBody::Quality(
                QualityEvent::SurveyDrafted { at, .. }
                | QualityEvent::SurveyStarted { at, .. }
                | QualityEvent::SurveyAnswered { at, .. }
                | QualityEvent::SurveyClosed { at, .. }
                | QualityEvent::CorrectiveOpened { at, .. }
                | QualityEvent::ArrearsImported { at, .. }
                | QualityEvent::ArrearsCalled { at, .. }
                | QualityEvent::ArrearsVisited { at, .. },
            ) => *at,
            _ => 0,
        };
        assert!(t < limit);
    }
    // Last month's follow-up is still running: some building has visit stops.
    let oct: ArrearsMonth = fold(arrears::month_id("2026-10"), &demo.drafts);
    assert!(oct
        .index()
        .search
        .iter()
        .any(|s| s.starts_with("arr-visit|")));
}

#[test]
fn qual_3_the_pack_is_one_workbook_with_a_sheet_per_module() {
    let (_, _, s) = known_survey();
    let (_, m) = known_month();
    let rows = dashboard::dashboard(&[month(2026, 10)], 7);
    let sheets = vec![
        pack::targets_sheet(&rows, 7),
        pack::survey_sheet(&[s]),
        pack::arrears_sheet(Some(&m)),
        pack::movein_sheet(vec![("本月办结（户）".into(), "3".into())]),
        pack::counts_sheet("=HYPERLINK(\"x\")/违章", vec![("=1+1".into(), "12".into())]),
    ];
    assert_eq!(
        sheets[4].name, "=HYPERLINK(\"x\")违章",
        "no / in a sheet name"
    );
    // The same spec -> bytes function the office worker runs; read back as the e2e test does.
    let bytes = crate::office::write(&pack::workbook("2026-10", &sheets)).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip");
    let first = crate::office::read_first_sheet(&bytes).unwrap();
    assert_eq!(first[0], sheets[0].headers);
    assert_eq!(first.len(), sheets[0].rows.len() + 1);
    assert_eq!(sheets[0].rows.len(), Target::ALL.len());
    assert!(sheets[1]
        .rows
        .iter()
        .any(|r| r[1] == "报修维修服务" && r[7] == "未达标"));
}

#[test]
fn qual_2_the_director_finds_a_major_safety_incident_other_roles_are_refused() {
    let incident = Id::derived("incident", 1);
    let day = date(2026, 11, 3);
    let t = at(day, 15);
    for role in [
        Role::Supervisor,
        Role::Assistant,
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ] {
        let r = find_major_incident(&who(role, 9), None, incident, day, "燃气爆燃，2人受伤", t);
        assert!(denied(r.clone()), "{role:?}");
        assert!(r.unwrap_err().message().zh.contains("物业部主任"));
    }
    // The reason is required.
    assert!(find_major_incident(&director(), None, incident, day, " ", t).is_err());
    let ds = find_major_incident(&director(), None, incident, day, "燃气爆燃，2人受伤", t).unwrap();
    assert_eq!(ds[0].subject.id, year_id(2026));
    assert_eq!(
        crate::domain::authority::requirement(&ds[0].body),
        crate::domain::authority::Requirement::AnyOf(&[Action::ManageQuality])
    );
    let y: QualityYear = fold(year_id(2026), &ds);
    assert_eq!(
        y.major_incidents.len(),
        1,
        "the dashboard's figure: one this year"
    );
    assert_eq!(y.index().search, vec!["qy|2026".to_string()]);
    // Found once.
    assert!(find_major_incident(&director(), Some(&y), incident, day, "again", t + 1).is_err());
}

/// QUAL-2 archive compliance counts records past retention (QUAL-4): on a known set — one
/// finished order signed, the same order unsigned, no duty log, two records kept past their date
/// and not dealt with — 1 of 4 is compliant: 25 %.
#[test]
fn qual_2_qual_4_archive_compliance_counts_records_past_retention() {
    let pin = crate::testkit::pin(crate::domain::demo::DEMO_PIN);
    let demo = crate::domain::demo::demo_estate(20_261_122, pin, crate::domain::demo::DEMO_AS_OF);
    let ids: std::collections::BTreeSet<Id> = demo
        .drafts
        .iter()
        .filter(|d| d.subject.kind == RecordKind::WorkOrder)
        .map(|d| d.subject.id)
        .collect();
    let signed: crate::domain::workorder::WorkOrder = ids
        .iter()
        .map(|id| fold::<crate::domain::workorder::WorkOrder>(*id, &demo.drafts))
        .find(|o| o.order.is_some() && o.finished.is_some() && o.agreed.is_some())
        .expect("a signed finished order in the demo");
    let mut unsigned = signed.clone();
    unsigned.agreed = None;
    unsigned.declined = None;
    assert_eq!(
        dashboard::archive_figures(&[signed.clone(), unsigned.clone()], &[], 0),
        (1, 2)
    );
    let (ok, all) = dashboard::archive_figures(&[signed, unsigned], &[], 2);
    assert_eq!((ok, all), (1, 4));
    let mut m = month(2026, 11);
    m.archive = (ok, all);
    let rows = dashboard::dashboard(&[m], 7);
    let r = rows.iter().find(|r| r.target == Target::Archive).unwrap();
    assert_eq!((r.month, r.met), (Some(25.0), Some(false)));
}
