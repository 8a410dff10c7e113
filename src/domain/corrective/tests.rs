//! CMP-12 / QUAL-1: the shared corrective action (issue 18).

use super::*;
use crate::domain::authority::{requirement, Requirement};
use crate::domain::complaints::report::monthly_report;
use crate::domain::ids::Id;
use crate::domain::sla::SlaState;
use chrono::NaiveTime;

fn who(role: Role, n: u64) -> Actor {
    Actor {
        id: Id::derived("staff", n),
        roles: [role].into(),
    }
}
fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
fn at(d: NaiveDate, h: u32, m: u32) -> i64 {
    cal().at(d, NaiveTime::from_hms_opt(h, m, 0).unwrap())
}
fn denied(r: Result<Vec<Draft>, DomainError>) -> bool {
    matches!(r, Err(DomainError::Denied(_)))
}
fn fold(drafts: &[Draft]) -> CorrectiveAction {
    crate::testkit::fold(drafts, drafts[0].subject)
}

/// October 2026's analysis with 维修 recurring three times.
fn october() -> crate::domain::complaints::report::MonthReport {
    let mut r = monthly_report(2026, 10, &cal(), &[], &[], &[]);
    r.recurring = vec![(Subject::Repair, 3)];
    r
}

fn id() -> RecordId {
    Id::derived("ca", 1)
}

fn opened(by: &Actor, owner: &Actor) -> Vec<Draft> {
    let (source, problem) = october().corrective_source(Subject::Repair).unwrap();
    open(
        by,
        id(),
        &[],
        source,
        &problem,
        "工程部逐户复查十月的报修，每周报告进度",
        Some(owner.id),
        date(2026, 11, 20),
        &cal(),
        at(date(2026, 11, 16), 10, 0),
    )
    .unwrap()
}

#[test]
fn cmp_12_a_recurring_subject_gets_a_corrective_action_with_owner_and_deadline() {
    let sup = who(Role::Supervisor, 2);
    let lead = who(Role::DepartmentLead, 5);
    // Only a subject that recurred in the month.
    assert!(october().corrective_source(Subject::Mail).is_err());
    let (source, problem) = october().corrective_source(Subject::Repair).unwrap();
    assert_eq!(
        source,
        CorrectiveSource::ComplaintSubject {
            subject: Subject::Repair,
            month: "2026-10".into()
        }
    );
    assert_eq!(problem, "2026年10月投诉中“维修”重复出现3次");
    // Owner, action and a deadline not before today are required.
    let t = at(date(2026, 11, 16), 10, 0);
    let try_open = |action: &str, owner: Option<StaffId>, deadline: NaiveDate| {
        open(
            &sup,
            id(),
            &[],
            source.clone(),
            &problem,
            action,
            owner,
            deadline,
            &cal(),
            t,
        )
    };
    assert!(try_open(" ", Some(lead.id), date(2026, 11, 20)).is_err());
    assert!(try_open("x", None, date(2026, 11, 20)).is_err());
    assert!(try_open("x", Some(lead.id), date(2026, 11, 15)).is_err());
    assert!(try_open("x", Some(lead.id), date(2026, 11, 16)).is_ok());
    let ds = opened(&sup, &lead);
    let a = fold(&ds);
    assert_eq!(a.status, Status::Open);
    assert_eq!(a.level, Role::Supervisor);
    assert_eq!(a.month, "2026-11");
    assert_eq!(a.owner, Some(lead.id));
    let ix = a.index();
    assert_eq!(ix.assignee, Some(lead.id), "on the owner's 我的待办");
    assert_eq!(ix.status.as_deref(), Some("open"));
    assert!(ix.search.contains(&"ca|2026-11|open".to_string()));
    assert!(ix.search.contains(&"ca|src|cmp|2026-10|repair".to_string()));
    assert!(ix.search.contains(&format!("ca|owner|{}", lead.id)));
    assert_eq!(
        source_key(a.source.as_ref().unwrap()),
        "ca|src|cmp|2026-10|repair"
    );
    // One open action per problem.
    assert!(open(
        &sup,
        Id::derived("ca", 2),
        std::slice::from_ref(&a),
        source,
        &problem,
        "again",
        Some(lead.id),
        date(2026, 11, 30),
        &cal(),
        t
    )
    .is_err());
}

#[test]
fn cmp_12_only_a_supervisor_or_the_director_opens_and_the_refusal_names_them() {
    let lead = who(Role::DepartmentLead, 5);
    let (source, problem) = october().corrective_source(Subject::Repair).unwrap();
    for role in [
        Role::Assistant,
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ] {
        let r = open(
            &who(role, 9),
            id(),
            &[],
            source.clone(),
            &problem,
            "x",
            Some(lead.id),
            date(2026, 11, 20),
            &cal(),
            at(date(2026, 11, 16), 10, 0),
        );
        assert!(denied(r.clone()), "{role:?}");
        let msg = r.unwrap_err().message().zh;
        assert!(
            msg.contains("物业部主任") && msg.contains("客服主管"),
            "{msg}"
        );
    }
    // At fold time: opening, verifying and sending back need OpenCorrective; notes and the
    // result ReportCorrective (any role: the owner check is the command's).
    let ds = opened(&who(Role::Director, 1), &lead);
    assert_eq!(
        requirement(&ds[0].body),
        Requirement::AnyOf(&[Action::OpenCorrective])
    );
    let v = EventBody::Corrective(CorrectiveEvent::Verified {
        note: "n".into(),
        at: 0,
        by: lead.id,
    });
    assert_eq!(
        requirement(&v),
        Requirement::AnyOf(&[Action::OpenCorrective])
    );
    let n = EventBody::Corrective(CorrectiveEvent::Noted {
        note: "n".into(),
        at: 0,
        by: lead.id,
    });
    assert_eq!(
        requirement(&n),
        Requirement::AnyOf(&[Action::ReportCorrective])
    );
}

#[test]
fn cmp_12_the_owners_clock_is_overdue_from_the_minute_after_the_deadline_day() {
    let ds = opened(&who(Role::Supervisor, 2), &who(Role::DepartmentLead, 5));
    let a = fold(&ds);
    let c = a.index().clock.unwrap();
    assert_eq!(c.started, at(date(2026, 11, 16), 10, 0));
    assert_eq!(c.deadline, at(date(2026, 11, 21), 0, 0));
    assert_eq!(c.state(at(date(2026, 11, 16), 10, 1)), SlaState::Due);
    // 80 % of the five days from the 16th's 00:00: the 20th, 00:00.
    assert_eq!(c.state(at(date(2026, 11, 19), 23, 59)), SlaState::Due);
    assert_eq!(c.state(at(date(2026, 11, 20), 0, 0)), SlaState::Warning);
    assert_eq!(c.state(at(date(2026, 11, 20), 23, 59)), SlaState::Warning);
    assert_eq!(c.state(at(date(2026, 11, 21), 0, 0)), SlaState::Overdue);
}

#[test]
fn cmp_12_the_owner_reports_done_and_the_openers_level_verifies_or_sends_back() {
    let director = who(Role::Director, 1);
    let sup = who(Role::Supervisor, 2);
    let other_sup = who(Role::Supervisor, 3);
    let asst = who(Role::Assistant, 4);
    let lead = who(Role::DepartmentLead, 5);
    let mut ds = opened(&director, &lead);
    let a = fold(&ds);
    assert_eq!(a.level, Role::Director);
    // Progress and the result: the owner (or a supervisor), not another colleague.
    let t = at(date(2026, 11, 18), 15, 0);
    assert!(note(&asst, id(), &a, "x", t).is_err());
    assert!(done(&asst, id(), &a, "x", &cal(), t).is_err());
    assert!(done(&lead, id(), &a, " ", &cal(), t).is_err());
    ds.extend(note(&lead, id(), &a, "已复查 1–3 号楼", t).unwrap());
    // Nothing to verify yet.
    assert!(verify(&director, id(), &fold(&ds), "好", t).is_err());
    ds.extend(
        done(
            &lead,
            id(),
            &fold(&ds),
            "十月报修已全部复查，返修 4 处",
            &cal(),
            t + 60_000,
        )
        .unwrap(),
    );
    let a = fold(&ds);
    assert_eq!(a.status, Status::Done);
    assert_eq!(a.clock.as_ref().unwrap().state(t), SlaState::MetInTime);
    let ix = a.index();
    assert_eq!(
        ix.assignee,
        Some(director.id),
        "the verification is on the opener's 我的待办"
    );
    assert_eq!(
        ix.clock.as_ref().unwrap().deadline,
        t + 60_000 + VERIFY_DAYS * 24 * 3_600_000
    );
    assert!(ix.search.contains(&"ca|2026-11|done".to_string()));
    // A Director's action: no Supervisor verifies it, nor an Assistant.
    assert!(verify(&sup, id(), &a, "好", t).is_err());
    assert!(denied(verify(&asst, id(), &a, "好", t)));
    assert!(denied(send_back(
        &lead,
        id(),
        &a,
        "x",
        date(2026, 11, 30),
        &cal(),
        t
    )));
    // Sent back with a new deadline: the owner's again.
    ds.extend(
        send_back(
            &director,
            id(),
            &a,
            "5 号楼未复查",
            date(2026, 11, 27),
            &cal(),
            t + 120_000,
        )
        .unwrap(),
    );
    let a = fold(&ds);
    assert_eq!(a.status, Status::Open);
    assert_eq!(a.deadline, Some(date(2026, 11, 27)));
    assert_eq!(a.index().assignee, Some(lead.id));
    assert_eq!(
        a.index().clock.unwrap().deadline,
        at(date(2026, 11, 28), 0, 0)
    );
    ds.extend(done(&lead, id(), &a, "5 号楼已复查", &cal(), t + 180_000).unwrap());
    ds.extend(verify(&director, id(), &fold(&ds), "抽查 3 户属实", t + 240_000).unwrap());
    let a = fold(&ds);
    assert_eq!(a.status, Status::Closed);
    let ix = a.index();
    assert_eq!(ix.assignee, None);
    assert!(ix.clock.is_none());
    assert!(ix.search.contains(&"ca|2026-11|closed".to_string()));
    assert_eq!(a.notes.len(), 2);
    // Closed: no more notes; a new action on the same problem may be opened.
    assert!(note(&lead, id(), &a, "x", t).is_err());
    let (source, problem) = october().corrective_source(Subject::Repair).unwrap();
    assert!(open(
        &sup,
        Id::derived("ca", 3),
        &[a],
        source,
        &problem,
        "x",
        Some(lead.id),
        date(2026, 12, 20),
        &cal(),
        t
    )
    .is_ok());
    // A Supervisor's action: another Supervisor verifies it.
    let ds = opened(&sup, &lead);
    let a = fold(&ds);
    let mut ds2 = ds.clone();
    ds2.extend(done(&lead, id(), &a, "done", &cal(), t).unwrap());
    assert!(verify(&other_sup, id(), &fold(&ds2), "好", t).is_ok());
}
