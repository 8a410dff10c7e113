//! Native tests of resident violations, citing VIO-1..10 and QUAL-4.

use super::*;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::Callback;
use crate::domain::ids::Id;
use crate::domain::patrol::{self, FindingIds, FindingInfo, FindingKind};
use crate::domain::roles::Role;
use crate::testkit::{fold, sid};
use chrono::{NaiveDate, NaiveTime};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: sid(n),
        roles: roles.iter().copied().collect(),
    }
}
fn director() -> Actor {
    actor(1, &[Role::Director])
}
fn supervisor() -> Actor {
    actor(2, &[Role::Supervisor])
}
fn assistant() -> Actor {
    actor(3, &[Role::Assistant])
}
fn to() -> Recipients {
    Recipients {
        supervisor: Some(sid(2)),
        director: Some(sid(1)),
        ..Default::default()
    }
}
fn t0(cal: &BusinessCalendar) -> i64 {
    cal.at(
        NaiveDate::from_ymd_opt(2026, 10, 12).unwrap(),
        NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
    )
}
const SIG: &str = "M10 10 L20 20 L30 15";

fn photo(t: i64) -> Photo {
    Photo {
        blob: format!("p{t}"),
        evidence: true,
        taken: t,
    }
}

fn info(severity: Severity, persuaded: Persuasion) -> ViolationInfo {
    ViolationInfo {
        category: Some(Category::FireSafety),
        item: Some(0),
        unit: Some(Id::derived("unit", 1)),
        unit_label: "3栋1202".into(),
        violator: "王先生".into(),
        location: "3栋1单元12楼走道".into(),
        facts: "电动车停放在消防通道充电".into(),
        photos: vec![photo(1)],
        persuaded: Some(persuaded),
        severity: Some(severity),
        ..Default::default()
    }
}

/// A record built step by step: drafts appended, folded again after each step.
struct Rec {
    id: RecordId,
    drafts: Vec<Draft>,
}
impl Rec {
    fn new(d: Vec<Draft>) -> Self {
        Rec {
            id: Id::derived("violation", 1),
            drafts: d,
        }
    }
    fn v(&self) -> Violation {
        fold(&self.drafts, violation_ref(self.id))
    }
    fn push(&mut self, d: Vec<Draft>) {
        self.drafts.extend(d);
    }
}

fn recorded(severity: Severity, cal: &BusinessCalendar) -> Rec {
    let id = Id::derived("violation", 1);
    let d = record(
        &assistant(),
        id,
        &info(severity, Persuasion::Ignored),
        None,
        &to(),
        SIG,
        t0(cal),
        cal,
    )
    .unwrap();
    Rec::new(d)
}

fn decision(method: Method) -> Decision {
    Decision {
        method,
        basis: "违反消防管理规定 a) 堵塞消防通道".into(),
        opinion: "限期清走".into(),
        deadline: None,
        amount_fen: 0,
    }
}

#[test]
fn vio_2_catalogue_has_the_seed_sub_items() {
    assert_eq!(Category::Renovation.items().len(), 6, "a–f");
    assert_eq!(Category::FireSafety.items().len(), 6, "a–f");
    assert_eq!(Category::Sanitation.items().len(), 7, "a–g");
    assert_eq!(Category::PublicOrder.items().len(), 4, "a–d");
    assert!(Category::RefusingFees.items().is_empty());
    assert!(Category::HarmingOthers.items().is_empty());
    assert_eq!(Category::ALL.len(), 6);
    assert_eq!(
        Category::FireSafety.item_label(Some(0)).unwrap().zh,
        "a) 堵塞消防通道"
    );
    // VIO-1: the six principles, VIO-3 definitions, VIO-4 methods with when they apply.
    assert_eq!(PRINCIPLES.len(), 6);
    assert!(Severity::Major.definition().zh.contains("公共安全"));
    assert_eq!(Method::ALL.len(), 6);
    assert!(Method::WaterPowerCut.applies().zh.contains("3天"));
}

#[test]
fn vio_2_record_refuses_an_item_outside_its_category_and_needs_a_violator() {
    let cal = BusinessCalendar::default();
    let mut i = info(Severity::General, Persuasion::Ignored);
    i.item = Some(6);
    let e = record(
        &assistant(),
        Id::derived("v", 1),
        &i,
        None,
        &to(),
        "",
        0,
        &cal,
    );
    assert!(e.is_err());
    let mut i = info(Severity::General, Persuasion::Ignored);
    i.unit = None;
    i.violator = " ".into();
    assert!(record(
        &assistant(),
        Id::derived("v", 1),
        &i,
        None,
        &to(),
        "",
        0,
        &cal
    )
    .is_err());
    // A vehicle, no unit: fine.
    i.violator = "粤B12345".into();
    assert!(record(
        &assistant(),
        Id::derived("v", 1),
        &i,
        None,
        &to(),
        "",
        0,
        &cal
    )
    .is_ok());
    let mut i = info(Severity::General, Persuasion::Ignored);
    i.persuaded = None;
    let e = record(
        &assistant(),
        Id::derived("v", 1),
        &i,
        None,
        &to(),
        "",
        0,
        &cal,
    )
    .unwrap_err();
    assert!(e.message().zh.contains("劝导"), "VIO-5: persuade first");
}

/// VIO-5, VIO-6: anyone records — every role.
#[test]
fn vio_6_every_role_may_record_a_violation() {
    let cal = BusinessCalendar::default();
    for (n, r) in Role::ALL.iter().enumerate() {
        let a = actor(10 + n as u64, &[*r]);
        let i = info(Severity::General, Persuasion::Ignored);
        assert!(
            record(
                &a,
                Id::derived("v", n as u64),
                &i,
                None,
                &to(),
                "",
                t0(&cal),
                &cal
            )
            .is_ok(),
            "{r:?}"
        );
    }
}

/// VIO-3, VIO-5: persuaded and general → closed on the spot; ignored general → the Supervisor
/// (or the named Assistant) with a one-day clock; major → the Director.
#[test]
fn vio_3_vio_5_routing_by_severity_with_a_clock_on_the_list() {
    let cal = BusinessCalendar::default();
    let t = t0(&cal);
    let id = Id::derived("violation", 1);
    let d = record(
        &assistant(),
        id,
        &info(Severity::General, Persuasion::Stopped),
        None,
        &to(),
        "",
        t,
        &cal,
    )
    .unwrap();
    let v: Violation = fold(&d, violation_ref(id));
    assert_eq!(v.status, Some(Status::Persuaded));
    assert!(v.index().assignee.is_none() && v.index().due.is_none());
    assert_eq!(v.closed_at, Some(t));

    let v = recorded(Severity::General, &cal).v();
    assert_eq!(v.status, Some(Status::Reported));
    let ix = v.index();
    assert_eq!(ix.assignee, Some(sid(2)), "general → Supervisor");
    assert_eq!(
        ix.due,
        Some(t + 24 * HOUR),
        "decided within a day, to the minute"
    );
    assert!(ix.search.contains(&"vio|2026-10|reported".to_string()));
    assert!(ix.search.contains(&"vsev|2026-10|general".to_string()));

    let via = sid(7);
    let d = record(
        &assistant(),
        id,
        &info(Severity::General, Persuasion::Ignored),
        Some(via),
        &to(),
        "",
        t,
        &cal,
    )
    .unwrap();
    let v: Violation = fold(&d, violation_ref(id));
    assert_eq!(v.index().assignee, Some(via), "through a named Assistant");

    let d = record(
        &assistant(),
        id,
        &info(Severity::Major, Persuasion::Stopped),
        Some(via),
        &to(),
        "",
        t,
        &cal,
    )
    .unwrap();
    let v: Violation = fold(&d, violation_ref(id));
    assert_eq!(
        v.index().assignee,
        Some(sid(1)),
        "major → Director even when stopped"
    );
    assert_eq!(v.status, Some(Status::Reported));
}

/// VIO-6: only the Director and the Supervisor decide; every other role is refused with a
/// message naming them, and nothing is written. VIO-5: only the Director signs, and alone
/// decides compensation, cuts and major violations.
#[test]
fn vio_6_authority_refusals_name_the_role_for_every_other_role() {
    let cal = BusinessCalendar::default();
    let r = recorded(Severity::General, &cal);
    let v = r.v();
    let t = t0(&cal) + HOUR;
    for (n, role) in [
        Role::Assistant,
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ]
    .into_iter()
    .enumerate()
    {
        let a = actor(20 + n as u64, &[role]);
        let e = decide(&a, r.id, &v, &decision(Method::Persuasion), None, t, &cal).unwrap_err();
        let m = e.message();
        assert!(
            m.zh.contains("物业部主任") && m.zh.contains("客服主管"),
            "{role:?}: {}",
            m.zh
        );
        assert!(m.en.contains("Director") && m.en.contains("Supervisor"));
        for f in [
            record_arrears(&a, r.id, &v, true, "欠费12个月", t),
            record_mediation(&a, r.id, &v, MediationOutcome::Failed, "调解无效", t),
            record_committee_support(&a, r.id, &v, "业委会同意", t),
        ] {
            assert!(matches!(f, Err(DomainError::Denied(_))), "{role:?}");
        }
    }
    // The Supervisor decides a general one but not a compensation (Director only).
    let s = supervisor();
    let mut c = decision(Method::Compensation);
    c.amount_fen = 50_000;
    let e = decide(&s, r.id, &v, &c, None, t, &cal).unwrap_err();
    assert!(e.message().zh.contains("物业部主任"));
    assert!(decide(&s, r.id, &v, &decision(Method::Persuasion), None, t, &cal).is_ok());
    // A major violation: the Supervisor may not decide it.
    let major = recorded(Severity::Major, &cal);
    let e = decide(
        &s,
        major.id,
        &major.v(),
        &decision(Method::Persuasion),
        None,
        t,
        &cal,
    )
    .unwrap_err();
    assert!(matches!(e, DomainError::Denied(_)));
    // Approve: the Director only, for everyone else a refusal naming the Director.
    let mut r = r;
    r.push(
        decide(
            &s,
            r.id,
            &v,
            &decision(Method::Persuasion),
            Some(sid(1)),
            t,
            &cal,
        )
        .unwrap(),
    );
    let v = r.v();
    assert_eq!(v.status, Some(Status::Decided));
    assert_eq!(
        v.index().assignee,
        Some(sid(1)),
        "on the Director's list to sign"
    );
    for role in [
        Role::Supervisor,
        Role::Assistant,
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ] {
        let e = approve(
            &actor(30, &[role]),
            r.id,
            &v,
            SIG,
            &RecheckPlan::default(),
            t,
            &cal,
        )
        .unwrap_err();
        assert!(e.message().zh.contains("物业部主任"), "{role:?}");
        assert!(e.message().en.contains("Director"));
    }
    assert!(approve(&director(), r.id, &v, SIG, &RecheckPlan::default(), t, &cal).is_ok());
    // Unsigned: refused.
    assert!(approve(&director(), r.id, &v, "", &RecheckPlan::default(), t, &cal).is_err());
}

/// VIO-6 at fold time: the authority rule of every variant matches the commands (a forged
/// approval by a Supervisor, or a compensation decided by one, needs the Director).
#[test]
fn vio_6_fold_time_requirements_match_the_commands() {
    use crate::domain::authority::{requirement, Requirement};
    use crate::domain::roles::Action;
    let cal = BusinessCalendar::default();
    let r = recorded(Severity::General, &cal);
    assert_eq!(
        requirement(&r.drafts[0].body),
        Requirement::AnyOf(&[Action::RecordViolation])
    );
    let v = r.v();
    let mut c = decision(Method::Compensation);
    c.amount_fen = 100;
    let d = decide(&director(), r.id, &v, &c, None, t0(&cal), &cal).unwrap();
    assert_eq!(
        requirement(&d[0].body),
        Requirement::AnyOf(&[Action::ApproveViolation])
    );
    let d = decide(
        &supervisor(),
        r.id,
        &v,
        &decision(Method::Persuasion),
        None,
        t0(&cal),
        &cal,
    )
    .unwrap();
    assert_eq!(
        requirement(&d[0].body),
        Requirement::AnyOf(&[Action::DecideViolation])
    );
    assert_eq!(Action::ApproveViolation.allowed_roles(), &[Role::Director]);
    assert_eq!(
        Action::DecideViolation.allowed_roles(),
        &[Role::Director, Role::Supervisor]
    );
}

/// VIO-4: a cut only with serious arrears, after failed mediation, and with a written notice
/// served at least 72 hours before the Director signs — refused at 71 h 59 min, accepted at
/// 72 h 00 min.
#[test]
fn vio_4_water_power_cut_gates_arrears_mediation_and_the_3_day_notice_to_the_minute() {
    let cal = BusinessCalendar::default();
    let mut r = recorded(Severity::Major, &cal);
    let d = director();
    let t = t0(&cal) + HOUR;
    let cut = decision(Method::WaterPowerCut);
    let e = decide(&d, r.id, &r.v(), &cut, None, t, &cal).unwrap_err();
    assert!(e.message().zh.contains("欠费"));
    r.push(record_arrears(&d, r.id, &r.v(), false, "欠费1个月", t).unwrap());
    assert!(
        decide(&d, r.id, &r.v(), &cut, None, t, &cal).is_err(),
        "arrears not serious"
    );
    r.push(record_arrears(&d, r.id, &r.v(), true, "拒交管理费14个月", t).unwrap());
    let e = decide(&d, r.id, &r.v(), &cut, None, t, &cal).unwrap_err();
    assert!(e.message().zh.contains("调解"), "mediation before the cut");
    r.push(record_mediation(&d, r.id, &r.v(), MediationOutcome::Settled, "约定分期", t).unwrap());
    assert!(
        decide(&d, r.id, &r.v(), &cut, None, t, &cal).is_err(),
        "mediation settled"
    );
    r.push(
        record_mediation(
            &d,
            r.id,
            &r.v(),
            MediationOutcome::Failed,
            "业委会调解无效",
            t,
        )
        .unwrap(),
    );
    r.push(decide(&d, r.id, &r.v(), &cut, Some(d.id), t, &cal).unwrap());
    assert_eq!(r.v().status, Some(Status::Decided));
    // No notice yet: refused.
    let e = approve(&d, r.id, &r.v(), SIG, &RecheckPlan::default(), t, &cal).unwrap_err();
    assert!(e.message().zh.contains("3天"));
    // A notice needs a photo and cannot be in the future.
    let served = t + HOUR;
    assert!(serve_notice(&assistant(), r.id, &r.v(), sid(3), served, &[], "", served).is_err());
    assert!(serve_notice(
        &assistant(),
        r.id,
        &r.v(),
        sid(3),
        served + MIN,
        &[photo(2)],
        "",
        served
    )
    .is_err());
    r.push(
        serve_notice(
            &assistant(),
            r.id,
            &r.v(),
            sid(3),
            served,
            &[photo(2)],
            "贴于门上并当面交给业主",
            served,
        )
        .unwrap(),
    );
    let just_before = served + 72 * HOUR - MIN;
    let e = approve(
        &d,
        r.id,
        &r.v(),
        SIG,
        &RecheckPlan::default(),
        just_before,
        &cal,
    )
    .unwrap_err();
    assert!(e.message().en.contains("72 h"));
    let on_time = served + 72 * HOUR;
    let out = approve(
        &d,
        r.id,
        &r.v(),
        SIG,
        &RecheckPlan::default(),
        on_time,
        &cal,
    )
    .unwrap();
    r.push(out);
    assert_eq!(r.v().status, Some(Status::InEffect));
}

/// VIO-4: a lawsuit after failed mediation; public criticism with the committee's support;
/// rectification needs a future deadline; compensation an amount.
#[test]
fn vio_4_lawsuit_criticism_rectification_and_compensation_preconditions() {
    let cal = BusinessCalendar::default();
    let mut r = recorded(Severity::General, &cal);
    let s = supervisor();
    let t = t0(&cal) + HOUR;
    assert!(decide(&s, r.id, &r.v(), &decision(Method::Lawsuit), None, t, &cal).is_err());
    let e = decide(
        &s,
        r.id,
        &r.v(),
        &decision(Method::PublicCriticism),
        None,
        t,
        &cal,
    )
    .unwrap_err();
    assert!(e.message().zh.contains("业主委员会支持"));
    r.push(record_committee_support(&s, r.id, &r.v(), "业委会书面同意通报", t).unwrap());
    assert!(decide(
        &s,
        r.id,
        &r.v(),
        &decision(Method::PublicCriticism),
        None,
        t,
        &cal
    )
    .is_ok());
    r.push(record_mediation(&s, r.id, &r.v(), MediationOutcome::Failed, "拒绝调解", t).unwrap());
    assert!(decide(&s, r.id, &r.v(), &decision(Method::Lawsuit), None, t, &cal).is_ok());
    let mut rect = decision(Method::Rectification);
    rect.deadline = Some(t);
    assert!(
        decide(&s, r.id, &r.v(), &rect, None, t, &cal).is_err(),
        "deadline in the past"
    );
    let c = decision(Method::Compensation);
    assert!(
        decide(&director(), r.id, &r.v(), &c, None, t, &cal).is_err(),
        "no amount"
    );
}

/// VIO-4 rectification: the recheck lands on the deadline (on the building's next patrol round
/// when there is one), on the rechecker's list; a failed recheck goes back to the decider; a
/// passed one is followed up with a signature and closes (VIO-8). VIO-7: the penalty
/// scheduled a 违章回访 in the callback queue.
#[test]
fn vio_4_vio_7_rectification_recheck_follow_up_and_callback() {
    let cal = BusinessCalendar::default();
    let mut r = recorded(Severity::General, &cal);
    let s = supervisor();
    let t = t0(&cal) + HOUR;
    let deadline = t + 3 * 24 * HOUR;
    let mut rect = decision(Method::Rectification);
    rect.deadline = Some(deadline);
    r.push(decide(&s, r.id, &r.v(), &rect, Some(sid(1)), t, &cal).unwrap());
    assert_eq!(
        r.v().index().due,
        Some(t + 24 * HOUR),
        "Director signs within a day"
    );
    // Follow-up before approval: refused.
    assert!(follow_up(&assistant(), r.id, &r.v(), "已整改", SIG, t).is_err());
    let round = Id::derived("round", 9);
    let plan = RecheckPlan {
        round: Some(round),
        assignee: Some(sid(3)),
    };
    let out = approve(&director(), r.id, &r.v(), SIG, &plan, t + HOUR, &cal).unwrap();
    // VIO-7: the callback, of kind 违章回访, for the household, in the same batch.
    let cb_ref = out
        .iter()
        .find(|d| d.subject.kind == RecordKind::Callback)
        .expect("a follow-up callback")
        .subject;
    let cb: Callback = fold(&out, cb_ref);
    let spec = cb.spec.as_ref().unwrap();
    assert_eq!(spec.kind, CallbackKind::Violation);
    assert_eq!(spec.source, Some(violation_ref(r.id)));
    assert_eq!(CallbackKind::Violation.label().zh, "违章回访");
    r.push(out);
    let v = r.v();
    assert_eq!(v.callback, Some(cb_ref.id));
    let rc = v.recheck.clone().unwrap();
    assert_eq!(rc.round, Some(round));
    assert_eq!(rc.due, deadline);
    let ix = v.index();
    assert_eq!(ix.assignee, Some(sid(3)));
    assert_eq!(
        ix.due,
        Some(deadline),
        "the recheck is due on the deadline, to the minute"
    );
    // Not yet rechecked: no follow-up.
    assert!(follow_up(&assistant(), r.id, &v, "已整改", SIG, deadline).is_err());
    // Failed recheck: back to the Supervisor with a new clock.
    r.push(
        recheck(
            &assistant(),
            r.id,
            &v,
            false,
            "仍未清走",
            &[photo(5)],
            deadline,
            &cal,
        )
        .unwrap(),
    );
    let v = r.v();
    assert_eq!(v.status, Some(Status::Reported));
    assert_eq!(v.index().assignee, Some(sid(2)));
    // A new rectification, approved, rechecked passed, followed up → closed.
    let mut rect2 = rect.clone();
    rect2.deadline = Some(deadline + 24 * HOUR);
    r.push(decide(&s, r.id, &v, &rect2, Some(sid(1)), deadline + MIN, &cal).unwrap());
    let out = approve(
        &director(),
        r.id,
        &r.v(),
        SIG,
        &RecheckPlan::default(),
        deadline + 2 * MIN,
        &cal,
    )
    .unwrap();
    let cb2 = out
        .iter()
        .find(|d| d.subject.kind == RecordKind::Callback)
        .unwrap()
        .subject;
    assert_ne!(cb2, cb_ref, "a second penalty, a second follow-up");
    r.push(out);
    assert_eq!(
        r.v().recheck.as_ref().unwrap().assignee,
        Some(sid(2)),
        "dated item for the decider"
    );
    r.push(
        recheck(
            &assistant(),
            r.id,
            &r.v(),
            true,
            "已清走",
            &[],
            deadline + 24 * HOUR,
            &cal,
        )
        .unwrap(),
    );
    assert!(
        follow_up(
            &assistant(),
            r.id,
            &r.v(),
            "已整改",
            "",
            deadline + 25 * HOUR
        )
        .is_err(),
        "signed"
    );
    r.push(
        follow_up(
            &assistant(),
            r.id,
            &r.v(),
            "业主已整改，关系良好",
            SIG,
            deadline + 25 * HOUR,
        )
        .unwrap(),
    );
    let v = r.v();
    assert_eq!(v.status, Some(Status::Closed));
    assert!(v.index().assignee.is_none());
    // Closed: no more facts.
    assert!(record_arrears(&s, r.id, &v, true, "x", deadline).is_err());
}

/// VIO-7: persuasion is no penalty — no callback.
#[test]
fn vio_7_no_follow_up_callback_for_mere_persuasion() {
    let cal = BusinessCalendar::default();
    let mut r = recorded(Severity::General, &cal);
    let t = t0(&cal);
    r.push(
        decide(
            &supervisor(),
            r.id,
            &r.v(),
            &decision(Method::Persuasion),
            None,
            t,
            &cal,
        )
        .unwrap(),
    );
    let out = approve(
        &director(),
        r.id,
        &r.v(),
        SIG,
        &RecheckPlan::default(),
        t,
        &cal,
    )
    .unwrap();
    assert_eq!(out.len(), 1);
}

/// VIO-5 finance: the month's approved compensations, CSV-ready.
#[test]
fn vio_5_compensation_goes_to_the_months_finance_list() {
    let cal = BusinessCalendar::default();
    let mut r = recorded(Severity::Major, &cal);
    let t = t0(&cal);
    let mut c = decision(Method::Compensation);
    c.amount_fen = 123_450;
    r.push(decide(&director(), r.id, &r.v(), &c, None, t, &cal).unwrap());
    r.push(
        approve(
            &director(),
            r.id,
            &r.v(),
            SIG,
            &RecheckPlan::default(),
            t,
            &cal,
        )
        .unwrap(),
    );
    let events = crate::testkit::stamp(r.drafts.clone())
        .into_iter()
        .filter(|e| e.subject == violation_ref(r.id))
        .collect();
    let view = crate::domain::view::fold_all::<Violation>(r.id, events).unwrap();
    assert!(view
        .search
        .contains(&format!("violation|{}", charge_key("2026-10"))));
    let list = charges(&[view]);
    assert_eq!(list.len(), 1);
    assert_eq!(yuan(list[0].amount_fen), "1234.50");
    let (h, rows) = charges_csv(&list, &cal);
    assert_eq!(h.len(), rows[0].len());
    assert_eq!(rows[0][5], "1234.50");
}

/// VIO-9, QUAL-4: kept 1 year (general) or 5 years (major) from closing; the duty log 3
/// years; the rest by a setting. The `keep|` key puts a closed record in its month.
#[test]
fn vio_9_qual_4_retention_dates() {
    use crate::domain::retention::{keep_key, kept_until, review_months, Class};
    let cal = BusinessCalendar::default();
    let t = t0(&cal);
    let day = |y, m, d| {
        cal.at(
            NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        )
    };
    assert_eq!(kept_until(Class::GeneralViolation, t), day(2027, 10, 12));
    assert_eq!(kept_until(Class::MajorViolation, t), day(2031, 10, 12));
    assert_eq!(kept_until(Class::DutyLog, t), day(2029, 10, 12));
    assert_eq!(kept_until(Class::Other(2), t), day(2028, 10, 12));
    // 29 Feb → 1 Mar (never a day early), like the duty log's date (DUTY-4).
    assert_eq!(
        kept_until(Class::GeneralViolation, day(2028, 2, 29)),
        day(2029, 3, 1)
    );
    let id = Id::derived("violation", 1);
    let d = record(
        &assistant(),
        id,
        &info(Severity::General, Persuasion::Stopped),
        None,
        &to(),
        "",
        t,
        &cal,
    )
    .unwrap();
    let v: Violation = fold(&d, violation_ref(id));
    assert_eq!(v.kept_until(), Some(day(2027, 10, 12)));
    assert!(v.index().search.contains(&keep_key(day(2027, 10, 12))));
    assert_eq!(keep_key(day(2027, 10, 12)), "keep|2027-10");
    // Open records have no date yet.
    assert_eq!(recorded(Severity::Major, &cal).v().kept_until(), None);
    assert_eq!(
        review_months("2026-11", day(2027, 2, 3)),
        vec!["2026-11", "2026-12", "2027-01", "2027-02"]
    );
}

/// VIO-10: a decoration breach found on patrol is a violation record for the Supervisor (no
/// more drafts); a persuaded littering note is a record persuaded on the spot; deciding the
/// breach reports the finding.
#[test]
fn vio_10_patrol_breaches_land_in_the_register() {
    let cal = BusinessCalendar::default();
    let t = t0(&cal);
    let walker = assistant();
    let ids = FindingIds {
        finding: Id::derived("finding", 1),
        routed: Id::derived("routed", 1),
    };
    let fi = FindingInfo {
        kind: FindingKind::DecorationBreach,
        round: None,
        stop: None,
        location: "5栋8楼".into(),
        note: "拆改承重墙".into(),
        facility: None,
        unit: Some(Id::derived("unit", 5)),
        household: None,
        photos: vec![photo(3)],
        persuaded: false,
        for_posting: false,
    };
    let out = patrol::raise_finding(&walker, ids, &fi, &to(), t, &cal).unwrap();
    assert!(out
        .iter()
        .all(|d| d.subject.kind != RecordKind::ViolationDraft));
    let v: Violation = fold(&out, violation_ref(ids.routed));
    assert_eq!(v.info.category, Some(Category::Renovation));
    assert_eq!(v.status, Some(Status::Reported));
    assert_eq!(v.index().assignee, Some(sid(2)));
    assert_eq!(v.info.photos.len(), 1);
    let mut all = out.clone();
    all.extend(
        decide(
            &supervisor(),
            ids.routed,
            &v,
            &decision(Method::Rectification).clone_with_deadline(t + 24 * HOUR),
            None,
            t + MIN,
            &cal,
        )
        .unwrap(),
    );
    let f: patrol::Finding = fold(&all, RecordRef::new(RecordKind::PatrolFinding, ids.finding));
    assert_eq!(f.status, patrol::FindingStatus::Reported);

    let fi = FindingInfo {
        kind: FindingKind::Littering,
        persuaded: true,
        unit: None,
        ..fi
    };
    let ids = FindingIds {
        finding: Id::derived("finding", 2),
        routed: Id::derived("routed", 2),
    };
    let out = patrol::raise_finding(&walker, ids, &fi, &to(), t, &cal).unwrap();
    let v: Violation = fold(&out, violation_ref(ids.routed));
    assert_eq!(v.status, Some(Status::Persuaded));
    assert_eq!(v.info.category, Some(Category::Sanitation));
    assert_eq!(v.info.item, Some(0));
    assert_eq!(v.info.violator, "5栋8楼");
}

impl Decision {
    fn clone_with_deadline(&self, t: i64) -> Decision {
        Decision {
            deadline: Some(t),
            ..self.clone()
        }
    }
}

/// VIO-5, VIO-6 at fold time: a compensation "decided" on the Supervisor's tablet with a forged
/// Director role, and an approval by an Assistant, take no effect; both are listed as refused.
#[test]
fn vio_6_forged_decisions_take_no_effect_at_fold_time() {
    use crate::store::memory::MemoryStore;
    use futures::executor::block_on;
    let cal = BusinessCalendar::default();
    let t = t0(&cal);
    let app = crate::testkit::open(MemoryStore::new(), 1);
    crate::testkit::staffed(
        &app,
        t - HOUR,
        &[
            (sid(1), &[Role::Director]),
            (sid(2), &[Role::Supervisor]),
            (sid(3), &[Role::Assistant]),
        ],
    );
    let id = Id::derived("violation", 1);
    let d = record(
        &assistant(),
        id,
        &info(Severity::General, Persuasion::Ignored),
        None,
        &to(),
        "",
        t,
        &cal,
    )
    .unwrap();
    block_on(app.record(t, Some(sid(3)), d)).unwrap();
    let v: Violation = block_on(app.get::<Violation>(id)).unwrap().unwrap();
    // The Supervisor's tablet pretends she is the Director.
    let fake = Actor {
        id: sid(2),
        roles: [Role::Director].into(),
    };
    let mut c = decision(Method::Compensation);
    c.amount_fen = 100_000;
    let d = decide(&fake, id, &v, &c, None, t + MIN, &cal).unwrap();
    block_on(app.record(t + MIN, Some(sid(2)), d)).unwrap();
    let after: Violation = block_on(app.get::<Violation>(id)).unwrap().unwrap();
    assert_eq!(
        after.status,
        Some(Status::Reported),
        "the forged decision changed nothing"
    );
    assert!(after.decision.is_none());
    let refused = block_on(app.refused()).unwrap();
    assert_eq!(refused.len(), 1);
    assert!(
        refused[0].why.zh.contains("物业部主任"),
        "{}",
        refused[0].why.zh
    );
}

/// VIO-9, QUAL-4: the Director archives a closed violation past its date and purges it; the
/// purge travels to another tablet, which drops the record's events and view; an older file
/// carrying them brings nothing back; the tombstone (that it existed) stays on both. Anyone
/// else, an open record, a record before its date or without an archive is refused.
#[test]
fn vio_9_qual_4_purge_travels_and_an_older_file_does_not_bring_the_record_back() {
    use crate::domain::retention::{archive, purge, tombstone_ref, Tombstone};
    use crate::store::memory::MemoryStore;
    use crate::store::Store;
    use futures::executor::block_on;
    let cal = BusinessCalendar::default();
    let t = t0(&cal);
    let people: &[(crate::domain::ids::StaffId, &[Role])] = &[
        (sid(1), &[Role::Director]),
        (sid(2), &[Role::Supervisor]),
        (sid(3), &[Role::Assistant]),
    ];
    let a = crate::testkit::open(MemoryStore::new(), 1);
    crate::testkit::staffed(&a, t - HOUR, people);
    let id = Id::derived("violation", 1);
    let vref = violation_ref(id);
    let d = record(
        &assistant(),
        id,
        &info(Severity::General, Persuasion::Stopped),
        None,
        &to(),
        "",
        t,
        &cal,
    )
    .unwrap();
    block_on(a.record(t, Some(sid(3)), d)).unwrap();
    // Tablet B holds everything A holds (a full file).
    let b = crate::testkit::open(MemoryStore::new(), 2);
    let all = block_on(a.store.every_event()).unwrap();
    block_on(b.absorb(all.clone(), t + MIN)).unwrap();
    assert!(block_on(b.store.view(vref)).unwrap().is_some());

    let view = block_on(a.store.view(vref)).unwrap().unwrap();
    let v: Violation = view.state().unwrap();
    let kept = v.kept_until().unwrap();
    let after = kept + MIN;
    let events = block_on(a.store.events_for(vref)).unwrap();
    let (text, hash) = archive(&events);
    assert_eq!(text.lines().count(), events.len());
    // Refusals: another role, before the date, without an archive.
    assert!(matches!(
        purge(&supervisor(), &view, Some(kept), &hash, after),
        Err(DomainError::Denied(_))
    ));
    assert!(purge(&director(), &view, Some(kept), &hash, kept - MIN).is_err());
    assert!(purge(&director(), &view, None, &hash, after).is_err());
    assert!(purge(&director(), &view, Some(kept), "", after).is_err());
    let d = purge(&director(), &view, Some(kept), &hash, after).unwrap();
    let stamped = block_on(a.record(after, Some(sid(1)), d)).unwrap();
    assert!(block_on(a.store.view(vref)).unwrap().is_none(), "view gone");
    assert!(
        block_on(a.store.events_for(vref)).unwrap().is_empty(),
        "events gone"
    );
    let stone: Tombstone = block_on(a.get::<Tombstone>(tombstone_ref(vref).id))
        .unwrap()
        .unwrap();
    assert_eq!(stone.record, Some(vref));
    assert_eq!(stone.archive, hash);
    assert_eq!(stone.events, events.len() as u32);

    // The purge travels to B through a file: B drops the record too.
    block_on(b.absorb(stamped, after + MIN)).unwrap();
    assert!(block_on(b.store.view(vref)).unwrap().is_none());
    assert!(block_on(b.store.events_for(vref)).unwrap().is_empty());
    assert!(block_on(b.store.view(tombstone_ref(vref)))
        .unwrap()
        .is_some());
    // An older file (the full one from before) brings nothing back, on either tablet.
    for tablet in [&a, &b] {
        block_on(tablet.absorb(all.clone(), after + 2 * MIN)).unwrap();
        assert!(block_on(tablet.store.view(vref)).unwrap().is_none());
        assert!(block_on(tablet.store.events_for(vref)).unwrap().is_empty());
    }
    // Issue 13: a blank tablet restoring in groups with its views left to the end — the
    // tombstone in one group, the record's older events in the next — brings nothing back
    // either: tombstones are folded as they come. At the end it shows what A shows.
    let c = crate::testkit::open(MemoryStore::new(), 3);
    let now = block_on(a.store.every_event()).unwrap();
    for group in [now, all] {
        block_on(c.absorb_new_with_photos(
            group,
            Vec::new(),
            after + 3 * MIN,
            true,
            None,
            async || Ok(vec![]),
        ))
        .unwrap();
        assert!(block_on(c.store.view(vref)).unwrap().is_none());
    }
    assert!(block_on(c.store.events_for(vref)).unwrap().is_empty());
    block_on(c.finish_deferred_views()).unwrap();
    assert!(block_on(c.store.view(vref)).unwrap().is_none());
    assert!(block_on(c.store.view(tombstone_ref(vref)))
        .unwrap()
        .is_some());
    assert_eq!(c.store.views(), a.store.views());
}
