use super::report::{monthly_report, percent, Tally};
use super::*;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::{self, *};
use crate::domain::hlc::Hlc;
use crate::domain::ids::Id;
use crate::domain::sla::SlaState;
use chrono::{NaiveDate, NaiveTime};

const MIN: i64 = 60_000;
const H: i64 = 60 * MIN;
const DAY: i64 = 24 * H;

fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> i64 {
    cal().at(
        NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        NaiveTime::from_hms_opt(h, 0, 0).unwrap(),
    )
}

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: Id::derived("staff", n),
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
fn receptionist() -> Actor {
    actor(4, &[Role::Receptionist])
}
fn eng_lead() -> Actor {
    actor(5, &[Role::DepartmentLead])
}
fn sec_lead() -> Actor {
    actor(6, &[Role::DepartmentLead])
}
fn staff() -> Actor {
    actor(7, &[Role::DepartmentStaff])
}

/// An app whose staff records hold everyone above with their roles (issue 12: events are
/// authorised at fold time against the staff records).
fn staffed_app() -> crate::app::App<crate::store::memory::MemoryStore> {
    let app = crate::testkit::open(crate::store::memory::MemoryStore::default(), 1);
    let people: Vec<(StaffId, Vec<Role>)> = [
        director(),
        supervisor(),
        assistant(),
        receptionist(),
        eng_lead(),
        sec_lead(),
        staff(),
    ]
    .into_iter()
    .map(|a| (a.id, a.roles.into_iter().collect()))
    .collect();
    let refs: Vec<(StaffId, &[Role])> = people.iter().map(|(i, r)| (*i, r.as_slice())).collect();
    crate::testkit::staffed(&app, t0() - 86_400_000, &refs);
    app
}

fn rid(n: u64) -> RecordId {
    Id::derived("rec", n)
}

/// Applies drafts to the states they are about (stamped in order).
#[derive(Default)]
struct World {
    c: std::collections::BTreeMap<RecordId, Complaint>,
    cb: std::collections::BTreeMap<RecordId, Callback>,
    h: std::collections::BTreeMap<RecordId, HelpRequest>,
    n: u64,
    events: Vec<Event>,
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
            match d.subject.kind {
                RecordKind::Complaint => self.c.entry(d.subject.id).or_default().apply(&e),
                RecordKind::Callback => self.cb.entry(d.subject.id).or_default().apply(&e),
                RecordKind::HelpRequest => self.h.entry(d.subject.id).or_default().apply(&e),
                _ => panic!("unexpected kind"),
            }
            self.events.push(e);
        }
        ds
    }
    /// Every draft run so far, to record them through a store.
    fn drafts(&self) -> Vec<Draft> {
        self.events
            .iter()
            .map(|e| Draft {
                subject: e.subject,
                body: e.body.clone(),
            })
            .collect()
    }
    fn c(&self, id: RecordId) -> Complaint {
        self.c[&id].clone()
    }
    fn cb(&self, id: RecordId) -> Callback {
        self.cb[&id].clone()
    }
    fn h(&self, id: RecordId) -> HelpRequest {
        self.h[&id].clone()
    }
}

fn intake(subject: Subject) -> Intake {
    Intake {
        channel: Some(Channel::Phone),
        household: Some(rid(900)),
        unit: Some(rid(901)),
        place: "3号楼 1201".into(),
        contact_name: "李先生".into(),
        contact_phone: "13800138000".into(),
        occurred: "昨晚 电梯厅".into(),
        about: "工程部".into(),
        subject: Some(subject),
        what: "电梯停在两层之间".into(),
        asks: "尽快修好".into(),
        ..Default::default()
    }
}

const T0_DAY: (i32, u32, u32) = (2026, 3, 10);

fn t0() -> i64 {
    at(T0_DAY.0, T0_DAY.1, T0_DAY.2, 9)
}

fn registered(w: &mut World, id: RecordId, subject: Subject) {
    w.run(register(
        &receptionist(),
        id,
        &intake(subject),
        None,
        t0(),
        &cal(),
    ));
}

fn dispatch_to(class: Class, urgency: Urgency, lead: &Actor) -> Dispatch {
    Dispatch {
        class,
        urgency,
        department: Department::Engineering,
        handler: Some(lead.id),
        paid: false,
    }
}

fn phone_closing() -> Closing {
    Closing {
        cause: "门锁触点老化".into(),
        measures: "更换触点".into(),
        result: "已修复".into(),
        signoff: SignOff::Phone,
        rating: Some(Rating::Satisfied),
        callback_assignee: None,
    }
}

/// Registered, dispatched, accepted and contacted by the engineering lead.
fn in_progress(w: &mut World, id: RecordId, class: Class) {
    registered(w, id, Subject::Facilities);
    let c = w.c(id);
    w.run(dispatch(
        &supervisor(),
        id,
        &c,
        &dispatch_to(class, Urgency::General, &eng_lead()),
        t0() + 10 * MIN,
        &ComplaintSettings::default(),
        &cal(),
    ));
    let c = w.c(id);
    w.run(contacted(&eng_lead(), id, &c, "约好下午上门", t0() + H));
}

// ----- CMP-1, CMP-2 --------------------------------------------------------------------------

#[test]
fn cmp_2_register_keeps_every_field_of_the_record_form() {
    let mut w = World::default();
    registered(&mut w, rid(1), Subject::Facilities);
    let c = w.c(rid(1));
    assert_eq!(c.status, Status::Registered);
    assert_eq!(c.received, t0());
    assert_eq!(c.registered_by, receptionist().id);
    assert_eq!(c.intake.channel, Some(Channel::Phone));
    assert_eq!(c.intake.occurred, "昨晚 电梯厅");
    assert_eq!(c.intake.about, "工程部");
    assert_eq!(c.intake.asks, "尽快修好");
    assert_eq!(c.intake.contact_phone, "13800138000");
    let ix = c.index();
    assert_eq!(ix.status.as_deref(), Some("registered"));
    assert_eq!(ix.unit, Some(rid(901)));
    assert!(ix.search.contains(&"1201".to_string()));
}

#[test]
fn cmp_1_2_register_refuses_missing_what_channel_or_contact_and_bad_phone() {
    let r = receptionist();
    let mut i = intake(Subject::Facilities);
    i.what = "  ".into();
    let e = register(&r, rid(1), &i, None, t0(), &cal()).unwrap_err();
    assert!(e.message().zh.contains("投诉内容"));
    let mut i = intake(Subject::Facilities);
    i.channel = None;
    assert!(register(&r, rid(1), &i, None, t0(), &cal()).is_err());
    let mut i = intake(Subject::Facilities);
    i.household = None;
    i.contact_phone.clear();
    let e = register(&r, rid(1), &i, None, t0(), &cal()).unwrap_err();
    assert!(e.message().zh.contains("匿名"));
    let mut i = intake(Subject::Facilities);
    i.contact_phone = "abc".into();
    assert!(register(&r, rid(1), &i, None, t0(), &cal()).is_err());
}

#[test]
fn cmp_2_anyone_on_patrol_may_register_including_department_staff() {
    let mut i = intake(Subject::Cleaning);
    i.channel = Some(Channel::Patrol);
    for a in [assistant(), receptionist(), staff(), eng_lead()] {
        assert!(register(&a, rid(1), &i, None, t0(), &cal()).is_ok());
    }
}

// ----- CMP-3, CMP-4, CMP-5, CMP-6, CMP-7 -------------------------------------------------------

#[test]
fn cmp_3_every_class_has_the_seed_definition() {
    assert!(Class::Major.definition().zh.contains("一个月"));
    assert!(Class::Important.definition().zh.contains("过失"));
    assert!(Class::Minor.definition().zh.contains("非人为"));
}

#[test]
fn cmp_4_contact_clock_from_receipt_uses_settings_general_24h_urgent_30min() {
    for (urgency, minutes) in [(Urgency::General, 24 * 60), (Urgency::Urgent, 30)] {
        let mut w = World::default();
        registered(&mut w, rid(1), Subject::Facilities);
        let c = w.c(rid(1));
        w.run(dispatch(
            &supervisor(),
            rid(1),
            &c,
            &dispatch_to(Class::Minor, urgency, &eng_lead()),
            t0() + 5 * MIN,
            &ComplaintSettings::default(),
            &cal(),
        ));
        let k = w.c(rid(1)).contact_clock.unwrap();
        assert_eq!(k.started, t0());
        assert_eq!(k.deadline, t0() + minutes * MIN);
    }
    // A changed setting is used for the next dispatch.
    let mut w = World::default();
    registered(&mut w, rid(1), Subject::Facilities);
    let c = w.c(rid(1));
    let s = ComplaintSettings {
        contact_urgent_minutes: 15,
        ..Default::default()
    };
    w.run(dispatch(
        &supervisor(),
        rid(1),
        &c,
        &dispatch_to(Class::Minor, Urgency::Urgent, &eng_lead()),
        t0(),
        &s,
        &cal(),
    ));
    assert_eq!(w.c(rid(1)).contact_clock.unwrap().deadline, t0() + 15 * MIN);
}

#[test]
fn cmp_4_contacting_the_customer_stops_the_clock_in_time_or_late() {
    let mut w = World::default();
    in_progress(&mut w, rid(1), Class::Minor);
    let k = w.c(rid(1)).contact_clock.unwrap();
    assert_eq!(k.state(t0() + 5 * DAY), SlaState::MetInTime);
    // Urgent, contacted after 45 minutes: late.
    let mut w = World::default();
    registered(&mut w, rid(2), Subject::Facilities);
    let c = w.c(rid(2));
    w.run(dispatch(
        &supervisor(),
        rid(2),
        &c,
        &dispatch_to(Class::Minor, Urgency::Urgent, &eng_lead()),
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    assert_eq!(
        w.c(rid(2)).index().clock.unwrap().state(t0() + 31 * MIN),
        SlaState::Overdue
    );
    let c = w.c(rid(2));
    w.run(contacted(&eng_lead(), rid(2), &c, "", t0() + 45 * MIN));
    assert_eq!(
        w.c(rid(2)).contact_clock.unwrap().state(t0() + DAY),
        SlaState::MetLate
    );
}

#[test]
fn cmp_5_handlers_by_class_and_callback_roles() {
    assert_eq!(Class::Major.handlers(), &[Role::Director, Role::Supervisor]);
    assert_eq!(
        Class::Important.handlers(),
        &[Role::Director, Role::Supervisor]
    );
    assert_eq!(Class::Minor.handlers(), &[Role::Supervisor]);
}

#[test]
fn cmp_5_only_director_or_supervisor_dispatch_a_receptionist_is_refused() {
    let mut w = World::default();
    registered(&mut w, rid(1), Subject::Facilities);
    let c = w.c(rid(1));
    let d = dispatch_to(Class::Minor, Urgency::General, &eng_lead());
    let s = ComplaintSettings::default();
    let e = dispatch(&receptionist(), rid(1), &c, &d, t0(), &s, &cal()).unwrap_err();
    assert!(matches!(e, DomainError::Denied(_)));
    assert!(e.message().zh.contains("分类派单"), "{}", e.message().zh);
    assert!(e.message().zh.contains("客服主管"));
    assert!(dispatch(&director(), rid(1), &c, &d, t0(), &s, &cal()).is_ok());
}

#[test]
fn cmp_5_8_only_the_assigned_lead_accepts_and_reports_progress() {
    let mut w = World::default();
    registered(&mut w, rid(1), Subject::Facilities);
    let c = w.c(rid(1));
    w.run(dispatch(
        &supervisor(),
        rid(1),
        &c,
        &dispatch_to(Class::Minor, Urgency::General, &eng_lead()),
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let c = w.c(rid(1));
    assert_eq!(c.status, Status::Dispatched);
    assert_eq!(c.index().assignee, Some(eng_lead().id));
    assert!(accept(&sec_lead(), rid(1), &c, t0()).is_err());
    assert!(accept(&staff(), rid(1), &c, t0()).is_err());
    assert!(
        progress(&eng_lead(), rid(1), &c, "x", t0()).is_err(),
        "accept first"
    );
    w.run(accept(&eng_lead(), rid(1), &c, t0() + MIN));
    let c = w.c(rid(1));
    assert_eq!(c.status, Status::InProgress);
    w.run(progress(&eng_lead(), rid(1), &c, "已订购配件", t0() + H));
    // CMP-8: customer service tells the customer.
    let c = w.c(rid(1));
    w.run(customer_told(
        &assistant(),
        rid(1),
        &c,
        "已告知配件周三到",
        t0() + 2 * H,
    ));
    let c = w.c(rid(1));
    assert_eq!(c.notes.len(), 3 + 1);
    assert!(c.notes.iter().any(|n| n.note == "已告知配件周三到"));
    assert!(customer_told(&eng_lead(), rid(1), &c, "x", t0()).is_err());
}

#[test]
fn cmp_6_subject_proposes_the_department_and_paid_in_home_services() {
    assert_eq!(Subject::Facilities.department(), Department::Engineering);
    assert_eq!(Subject::Repair.department(), Department::Engineering);
    assert_eq!(Subject::Security.department(), Department::Security);
    assert_eq!(Subject::Mail.department(), Department::Security);
    assert_eq!(Subject::Cleaning.department(), Department::Environment);
    assert_eq!(Subject::Greening.department(), Department::Environment);
    assert_eq!(Subject::InHome.department(), Department::Environment);
    assert_eq!(Subject::Fees.department(), Department::Finance);
    assert!(Subject::InHome.proposes_paid());
    assert!(!Subject::Repair.proposes_paid());
}

#[test]
fn cmp_7_a_major_complaint_alerts_the_director_at_once() {
    let mut w = World::default();
    registered(&mut w, rid(1), Subject::Facilities);
    let c = w.c(rid(1));
    let ds = w.run(dispatch(
        &supervisor(),
        rid(1),
        &c,
        &dispatch_to(Class::Major, Urgency::Urgent, &eng_lead()),
        t0() + MIN,
        &ComplaintSettings::default(),
        &cal(),
    ));
    assert!(ds.iter().any(|d| matches!(
        d.body,
        EventBody::Complaints(ComplaintsEvent::DirectorAlerted { .. })
    )));
    assert_eq!(w.c(rid(1)).alerted, Some(t0() + MIN));
    // A minor one does not, but anyone may raise the alert for a serious one; only once.
    let mut w = World::default();
    registered(&mut w, rid(2), Subject::Facilities);
    let c = w.c(rid(2));
    w.run(alert_director(&assistant(), rid(2), &c, t0()));
    let c = w.c(rid(2));
    assert!(alert_director(&assistant(), rid(2), &c, t0()).is_err());
}

// ----- CMP-3 escalation across month ends ---------------------------------------------------------

/// Complaint 3, completed the day after it was taken in hand.
fn completed_rid3() -> World {
    let mut w = World::default();
    in_progress(&mut w, rid(3), Class::Minor);
    let c = w.c(rid(3));
    w.run(complete(
        &eng_lead(),
        rid(3),
        &c,
        &phone_closing(),
        rid(30),
        t0() + DAY,
        &cal(),
    ));
    w
}

/// Complaint 1, registered on 31 January 2026 (its month runs out at the end of February).
fn registered_jan31() -> World {
    let mut w = World::default();
    w.run(register(
        &receptionist(),
        rid(1),
        &intake(Subject::Facilities),
        None,
        at(2026, 1, 31, 15),
        &cal(),
    ));
    w
}

#[test]
fn cmp_3_open_one_month_becomes_major_clamped_at_month_end() {
    let mut w = registered_jan31();
    // Feb 31 does not exist: the month runs out at the end of Feb 28.
    let feb28 = at(2026, 3, 1, 0) - 1;
    assert_eq!(w.c(rid(1)).month_clock.unwrap().deadline, feb28);
    let list = vec![(rid(1), w.c(rid(1)))];
    assert!(escalations_due(feb28 - 1, &list).is_empty());
    let ds = escalations_due(feb28 + H, &list);
    assert_eq!(ds.len(), 1);
    w.run(Ok(ds));
    let c = w.c(rid(1));
    assert_eq!(c.class, Some(Class::Major));
    assert_eq!(c.escalated, Some(feb28), "dated when the month ran out");
    // Idempotent: never twice; and a re-dispatch as minor keeps it major.
    assert!(escalations_due(feb28 + DAY, &[(rid(1), c.clone())]).is_empty());
    w.run(dispatch(
        &supervisor(),
        rid(1),
        &c,
        &dispatch_to(Class::Minor, Urgency::General, &eng_lead()),
        feb28 + DAY,
        &ComplaintSettings::default(),
        &cal(),
    ));
    assert_eq!(w.c(rid(1)).class, Some(Class::Major));
}

/// CMP-3, issue 19: the sweep reads only the rows whose month has run out; a row never hides a
/// due escalation, an escalated or completed complaint is no longer a candidate, and a row
/// stored before `escalates_at` existed counts as due (its full state decides).
#[test]
fn cmp_3_escalation_candidates_come_from_list_rows() {
    let mut w = registered_jan31();
    let feb28 = at(2026, 3, 1, 0) - 1;
    let rows = |w: &World| vec![(rid(1), w.c(rid(1)).row())];
    assert!(escalation_candidates(feb28 - 1, &rows(&w)).is_empty());
    assert_eq!(escalation_candidates(feb28, &rows(&w)), vec![rid(1)]);
    for now in [feb28 - 1, feb28, feb28 + H] {
        let due = escalations_due(now, &[(rid(1), w.c(rid(1)))]);
        let cand = escalation_candidates(now, &rows(&w));
        assert!(
            due.is_empty() || cand == vec![rid(1)],
            "a due one is a candidate"
        );
    }
    w.run(Ok(escalations_due(feb28 + H, &[(rid(1), w.c(rid(1)))])));
    assert!(escalation_candidates(feb28 + DAY, &rows(&w)).is_empty());
    // An old row (no `escalates_at` in its JSON) is a candidate; a `null` one is not.
    let mut json = serde_json::to_value(w.c(rid(1)).row()).unwrap();
    assert_eq!(json["escalates_at"], serde_json::Value::Null);
    let none: ComplaintRow = serde_json::from_value(json.clone()).unwrap();
    assert!(escalation_candidates(feb28, &[(rid(1), none)]).is_empty());
    json.as_object_mut().unwrap().remove("escalates_at");
    let old: ComplaintRow = serde_json::from_value(json).unwrap();
    assert_eq!(escalation_candidates(0, &[(rid(1), old)]), vec![rid(1)]);
    // A completed complaint is never a candidate.
    let w = completed_rid3();
    assert!(escalation_candidates(t0() + 60 * DAY, &[(rid(3), w.c(rid(3)).row())]).is_empty());
}

#[test]
fn cmp_3_leap_year_and_december_to_january() {
    let mut w = World::default();
    w.run(register(
        &receptionist(),
        rid(1),
        &intake(Subject::Fees),
        None,
        at(2028, 1, 30, 9),
        &cal(),
    ));
    assert_eq!(
        w.c(rid(1)).month_clock.unwrap().deadline,
        at(2028, 3, 1, 0) - 1,
        "Feb 30 does not exist: the end of Feb 29"
    );
    w.run(register(
        &receptionist(),
        rid(2),
        &intake(Subject::Fees),
        None,
        at(2026, 12, 15, 9),
        &cal(),
    ));
    assert_eq!(
        w.c(rid(2)).month_clock.unwrap().deadline,
        at(2027, 1, 15, 9)
    );
    // A completed complaint is never escalated.
    let w = completed_rid3();
    assert!(escalations_due(t0() + 60 * DAY, &[(rid(3), w.c(rid(3)))]).is_empty());
}

// ----- CMP-9, CMP-10 -------------------------------------------------------------------------------

#[test]
fn cmp_9_close_needs_cause_measures_result_signoff_and_rating() {
    let mut w = World::default();
    in_progress(&mut w, rid(1), Class::Minor);
    let c = w.c(rid(1));
    let mut bad = phone_closing();
    bad.cause.clear();
    assert!(complete(&eng_lead(), rid(1), &c, &bad, rid(2), t0(), &cal()).is_err());
    let mut bad = phone_closing();
    bad.signoff = SignOff::Drawn { path: "".into() };
    let e = complete(&eng_lead(), rid(1), &c, &bad, rid(2), t0(), &cal()).unwrap_err();
    assert!(e.message().zh.contains("签名"));
    let mut bad = phone_closing();
    bad.signoff = SignOff::Drawn {
        path: "M1 1 <script>".into(),
    };
    assert!(complete(&eng_lead(), rid(1), &c, &bad, rid(2), t0(), &cal()).is_err());
    let mut bad = phone_closing();
    bad.rating = None;
    assert!(complete(&eng_lead(), rid(1), &c, &bad, rid(2), t0(), &cal()).is_err());
    assert!(complete(
        &receptionist(),
        rid(1),
        &c,
        &phone_closing(),
        rid(2),
        t0(),
        &cal()
    )
    .is_err());
    let mut ok = phone_closing();
    ok.signoff = SignOff::Drawn {
        path: "M10 10 L20 30 L40 12".into(),
    };
    w.run(complete(
        &eng_lead(),
        rid(1),
        &c,
        &ok,
        rid(2),
        t0() + 2 * DAY,
        &cal(),
    ));
    let c = w.c(rid(1));
    assert_eq!(c.status, Status::Completed);
    assert_eq!(c.report.clone().unwrap().signoff, ok.signoff);
    assert!(c.handled_in_time());
}

#[test]
fn cmp_10_completion_schedules_callback_in_3_days_routed_by_class() {
    for (class, role) in [
        (Class::Minor, Role::Assistant),
        (Class::Important, Role::Supervisor),
        (Class::Major, Role::Director),
    ] {
        let mut w = World::default();
        in_progress(&mut w, rid(1), class);
        let c = w.c(rid(1));
        let done = t0() + DAY;
        w.run(complete(
            &eng_lead(),
            rid(1),
            &c,
            &phone_closing(),
            rid(2),
            done,
            &cal(),
        ));
        let cb = w.cb(rid(2));
        let spec = cb.spec.clone().unwrap();
        assert_eq!(spec.role, role);
        assert_eq!(spec.kind, CallbackKind::Complaint);
        assert_eq!(spec.clock.deadline, done + 3 * DAY);
        assert_eq!(
            spec.source,
            Some(RecordRef::new(RecordKind::Complaint, rid(1)))
        );
        assert_eq!(cb.index().status.as_deref(), Some("due"));
        // CB-1 rates and the monthly report read the month's callbacks from the index.
        assert!(cb
            .index()
            .search
            .contains(&callback_month_key(&month_of(cb.scheduled))));
    }
}

#[test]
fn cmp_10_callback_by_a_lower_role_is_refused_higher_may() {
    let mut w = World::default();
    in_progress(&mut w, rid(1), Class::Important);
    let c = w.c(rid(1));
    w.run(complete(
        &eng_lead(),
        rid(1),
        &c,
        &phone_closing(),
        rid(2),
        t0() + DAY,
        &cal(),
    ));
    let cb = w.cb(rid(2));
    let out = CallbackOutcome {
        signoff: SignOff::Phone,
        rating: Some(Rating::Satisfied),
        comment: String::new(),
        new_problem: None,
    };
    let e = callbacks::record(&assistant(), rid(2), &cb, &out, rid(3), t0() + 2 * DAY).unwrap_err();
    assert!(e.message().zh.contains("客服主管"), "{}", e.message().zh);
    assert!(callbacks::record(&receptionist(), rid(2), &cb, &out, rid(3), t0()).is_err());
    assert!(callbacks::record(&director(), rid(2), &cb, &out, rid(3), t0() + 2 * DAY).is_ok());
    assert!(callbacks::record(&supervisor(), rid(2), &cb, &out, rid(3), t0() + 2 * DAY).is_ok());
}

#[test]
fn cmp_10_unsatisfied_reopens_until_satisfied_then_closed() {
    let mut w = World::default();
    in_progress(&mut w, rid(1), Class::Minor);
    let c = w.c(rid(1));
    w.run(complete(
        &eng_lead(),
        rid(1),
        &c,
        &phone_closing(),
        rid(2),
        t0() + DAY,
        &cal(),
    ));
    let cb = w.cb(rid(2));
    let unhappy = CallbackOutcome {
        signoff: SignOff::Phone,
        rating: Some(Rating::Unsatisfied),
        comment: "又坏了".into(),
        new_problem: None,
    };
    w.run(callbacks::record(
        &assistant(),
        rid(2),
        &cb,
        &unhappy,
        rid(9),
        t0() + 2 * DAY,
    ));
    let c = w.c(rid(1));
    assert_eq!(c.status, Status::InProgress);
    assert_eq!(c.reopened, 1);
    assert_eq!(
        c.index().assignee,
        Some(eng_lead().id),
        "back on the lead's list"
    );
    // Handled again, second callback satisfied → closed.
    w.run(complete(
        &eng_lead(),
        rid(1),
        &c,
        &phone_closing(),
        rid(3),
        t0() + 3 * DAY,
        &cal(),
    ));
    let cb = w.cb(rid(3));
    let happy = CallbackOutcome {
        rating: Some(Rating::Satisfied),
        ..unhappy
    };
    w.run(callbacks::record(
        &assistant(),
        rid(3),
        &cb,
        &happy,
        rid(9),
        t0() + 4 * DAY,
    ));
    let c = w.c(rid(1));
    assert_eq!(c.status, Status::Closed);
    assert_eq!(c.callbacks, vec![rid(2), rid(3)]);
}

// ----- CMP-11 --------------------------------------------------------------------------------------

#[test]
fn cmp_11_duplicate_links_to_the_open_first_and_counts_once() {
    let mut w = World::default();
    registered(&mut w, rid(1), Subject::Facilities);
    let mut again = intake(Subject::Facilities);
    again.duplicate_of = Some(rid(1));
    again.about = "护管部".into();
    let first = w.c(rid(1));
    // Must name the record it duplicates.
    assert!(register(&receptionist(), rid(2), &again, None, t0() + H, &cal()).is_err());
    w.run(register(
        &receptionist(),
        rid(2),
        &again,
        Some((rid(1), &first)),
        t0() + H,
        &cal(),
    ));
    assert_eq!(w.c(rid(2)).status, Status::Linked);
    assert_eq!(w.c(rid(1)).raised_again, vec![rid(2)]);
    let r = monthly_report(2026, 3, &cal(), &[w.c(rid(1)), w.c(rid(2))], &[], &[]);
    assert_eq!(r.total.all, 1);
    assert_eq!(r.duplicates, 1);
    // A closed complaint cannot take duplicates.
    let mut w = World::default();
    in_progress(&mut w, rid(5), Class::Minor);
    let mut i = intake(Subject::Repair);
    i.anonymous = true;
    let c = w.c(rid(5));
    let mut closing = phone_closing();
    closing.signoff = SignOff::WrittenReply { reply: "x".into() };
    assert!(complete(&eng_lead(), rid(5), &c, &closing, rid(6), t0(), &cal()).is_err());
    w.run(complete(
        &eng_lead(),
        rid(5),
        &c,
        &phone_closing(),
        rid(6),
        t0() + DAY,
        &cal(),
    ));
    i.duplicate_of = Some(rid(5));
    let closed = w.c(rid(5));
    assert!(register(
        &receptionist(),
        rid(7),
        &i,
        Some((rid(5), &closed)),
        t0(),
        &cal()
    )
    .is_err());
}

#[test]
fn cmp_11_anonymous_keeps_no_contact_gets_written_reply_and_no_callback() {
    let mut w = World::default();
    let mut i = intake(Subject::Cleaning);
    i.anonymous = true;
    i.household = None;
    w.run(register(&assistant(), rid(1), &i, None, t0(), &cal()));
    let c = w.c(rid(1));
    assert!(c.intake.contact_phone.is_empty() && c.intake.contact_name.is_empty());
    w.run(dispatch(
        &supervisor(),
        rid(1),
        &c,
        &dispatch_to(Class::Minor, Urgency::General, &eng_lead()),
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let c = w.c(rid(1));
    assert!(contacted(&eng_lead(), rid(1), &c, "", t0()).is_err());
    w.run(accept(&eng_lead(), rid(1), &c, t0() + MIN));
    let c = w.c(rid(1));
    let phone = complete(
        &eng_lead(),
        rid(1),
        &c,
        &phone_closing(),
        rid(2),
        t0(),
        &cal(),
    );
    assert!(phone.is_err(), "anonymous needs the written reply");
    let closing = Closing {
        signoff: SignOff::WrittenReply {
            reply: "已张贴书面答复".into(),
        },
        rating: None,
        ..phone_closing()
    };
    let ds = w.run(complete(
        &eng_lead(),
        rid(1),
        &c,
        &closing,
        rid(2),
        t0() + H,
        &cal(),
    ));
    assert!(ds.iter().all(|d| d.subject.kind == RecordKind::Complaint));
    let c = w.c(rid(1));
    assert_eq!(c.status, Status::Closed);
    assert!(c.callbacks.is_empty());
}

// ----- CMP-12, CMP-13, CB-1 rates --------------------------------------------------------------------

#[test]
fn cmp_12_timeliness_rate_on_a_known_set_by_class_and_department() {
    // Four complaints in March 2026: two handled in time, one contacted late, one still open.
    let mut w = World::default();
    for n in 1..=4 {
        in_progress(
            &mut w,
            rid(n),
            if n <= 2 {
                Class::Minor
            } else {
                Class::Important
            },
        );
    }
    for n in 1..=2 {
        let c = w.c(rid(n));
        w.run(complete(
            &eng_lead(),
            rid(n),
            &c,
            &phone_closing(),
            rid(10 + n),
            t0() + DAY,
            &cal(),
        ));
    }
    // rid(3): completed after its month ran out (not in time).
    let c = w.c(rid(3));
    w.run(complete(
        &eng_lead(),
        rid(3),
        &c,
        &phone_closing(),
        rid(13),
        t0() + 40 * DAY,
        &cal(),
    ));
    let all: Vec<Complaint> = (1..=4).map(|n| w.c(rid(n))).collect();
    let r = monthly_report(2026, 3, &cal(), &all, &[], &[]);
    assert_eq!(r.total, Tally { all: 4, in_time: 2 });
    assert_eq!(r.total.rate(), Some(50.0));
    let minor = r
        .by_class
        .iter()
        .find(|(c, _)| *c == Class::Minor)
        .unwrap()
        .1;
    assert_eq!(
        (minor.all, minor.in_time, minor.rate()),
        (2, 2, Some(100.0))
    );
    let imp = r
        .by_class
        .iter()
        .find(|(c, _)| *c == Class::Important)
        .unwrap()
        .1;
    assert_eq!(imp.rate(), Some(0.0));
    assert_eq!(
        r.by_department,
        vec![(Department::Engineering, Tally { all: 4, in_time: 2 })]
    );
    assert_eq!(r.by_channel, vec![(Channel::Phone, 4)]);
    assert_eq!(r.still_open, 1);
    assert_eq!(r.recurring, vec![(Subject::Facilities, 4)]);
    // Nothing from another month.
    assert_eq!(monthly_report(2026, 4, &cal(), &all, &[], &[]).total.all, 0);
    assert_eq!(percent(1, 3), Some(33.3));
    assert_eq!(percent(2, 3), Some(66.7));
    assert_eq!(percent(0, 0), None);
    // CSV: a header and a total row with the rate.
    let (h, rows) = r.csv();
    assert_eq!(h.len(), 5);
    assert_eq!(rows[0][4], "50.0%");
}

#[test]
fn cmp_13_major_complaints_this_year_against_target_of_one() {
    let mut w = World::default();
    for (n, month) in [(1, 1), (2, 3), (3, 3)] {
        w.run(register(
            &receptionist(),
            rid(n),
            &intake(Subject::Fees),
            None,
            at(2026, month, 5, 9),
            &cal(),
        ));
        let c = w.c(rid(n));
        let class = if n == 3 { Class::Minor } else { Class::Major };
        w.run(dispatch(
            &director(),
            rid(n),
            &c,
            &dispatch_to(class, Urgency::General, &eng_lead()),
            at(2026, month, 5, 10),
            &ComplaintSettings::default(),
            &cal(),
        ));
    }
    let all: Vec<Complaint> = (1..=3).map(|n| w.c(rid(n))).collect();
    let feb = monthly_report(2026, 2, &cal(), &all, &[], &[]);
    assert_eq!(feb.majors_this_year, 1);
    let mar = monthly_report(2026, 3, &cal(), &all, &[], &[]);
    assert_eq!(mar.majors_this_year, 2);
    assert!(mar.majors_this_year > mar.major_target);
    // Last year's do not count.
    assert_eq!(
        monthly_report(2027, 1, &cal(), &all, &[], &[]).majors_this_year,
        0
    );
}

#[test]
fn cb_1_rates_per_kind_against_targets_with_other_modules_feeding_kinds() {
    let mut w = World::default();
    let req = |kind| CallbackRequest {
        kind,
        source: None,
        household: Some(rid(900)),
        unit: None,
        place: "1号楼 101".into(),
        contact: String::new(),
        topic: "维修回访".into(),
        role: Role::Assistant,
        assignee: None,
        previous: None,
    };
    // Three repair callbacks (scheduled by the repairs module), one done: 33.3 % ≥ 30 %.
    for n in 1..=3 {
        w.run(callbacks::schedule(
            &staff(),
            rid(n),
            &req(CallbackKind::Repair),
            t0(),
            &cal(),
        ));
    }
    assert_eq!(
        w.cb(rid(1)).spec.unwrap().clock.deadline,
        at(2026, 4, 10, 9),
        "a month"
    );
    // Two complaint callbacks, none done: 0 % < 50 %.
    for n in 4..=5 {
        w.run(callbacks::schedule(
            &staff(),
            rid(n),
            &req(CallbackKind::Complaint),
            t0(),
            &cal(),
        ));
    }
    let out = CallbackOutcome {
        signoff: SignOff::Phone,
        rating: Some(Rating::Satisfied),
        comment: String::new(),
        new_problem: None,
    };
    let cb = w.cb(rid(1));
    w.run(callbacks::record(
        &assistant(),
        rid(1),
        &cb,
        &out,
        rid(99),
        t0() + DAY,
    ));
    let cbs: Vec<Callback> = (1..=5).map(|n| w.cb(rid(n))).collect();
    let r = monthly_report(2026, 3, &cal(), &[], &cbs, &[]);
    let repair = r
        .callbacks
        .iter()
        .find(|c| c.kind == CallbackKind::Repair)
        .unwrap();
    assert_eq!(
        (repair.scheduled, repair.done, repair.rate()),
        (3, 1, Some(33.3))
    );
    assert!(repair.meets_target());
    let comp = r
        .callbacks
        .iter()
        .find(|c| c.kind == CallbackKind::Complaint)
        .unwrap();
    assert_eq!(comp.rate(), Some(0.0));
    assert!(!comp.meets_target());
    let event = r
        .callbacks
        .iter()
        .find(|c| c.kind == CallbackKind::Event)
        .unwrap();
    assert_eq!((event.scheduled, event.target), (0, Some(10)));
    assert!(
        callbacks::schedule(&staff(), rid(8), &req(CallbackKind::Letter), t0(), &cal()).is_err()
    );
}

#[test]
fn cb_1_supervisor_plans_who_calls_back_and_it_shows_on_their_list() {
    let mut w = World::default();
    in_progress(&mut w, rid(1), Class::Minor);
    let c = w.c(rid(1));
    w.run(complete(
        &eng_lead(),
        rid(1),
        &c,
        &phone_closing(),
        rid(2),
        t0() + DAY,
        &cal(),
    ));
    let cb = w.cb(rid(2));
    assert!(callbacks::plan(&assistant(), rid(2), &cb, assistant().id, t0(), t0()).is_err());
    w.run(callbacks::plan(
        &supervisor(),
        rid(2),
        &cb,
        assistant().id,
        t0() + 2 * DAY,
        t0() + DAY,
    ));
    let ix = w.cb(rid(2)).index();
    assert_eq!(ix.assignee, Some(assistant().id));
    assert!(ix.clock.is_some());
}

// ----- CB-2..CB-7 -------------------------------------------------------------------------------------

fn completed_minor(w: &mut World) -> Callback {
    in_progress(w, rid(1), Class::Minor);
    let c = w.c(rid(1));
    w.run(complete(
        &eng_lead(),
        rid(1),
        &c,
        &phone_closing(),
        rid(2),
        t0() + DAY,
        &cal(),
    ));
    w.cb(rid(2))
}

#[test]
fn cb_2_on_site_needs_signature_phone_is_marked() {
    let mut w = World::default();
    let cb = completed_minor(&mut w);
    let onsite = CallbackOutcome {
        signoff: SignOff::Drawn {
            path: String::new(),
        },
        rating: Some(Rating::Satisfied),
        comment: String::new(),
        new_problem: None,
    };
    let e =
        callbacks::record(&assistant(), rid(2), &cb, &onsite, rid(3), t0() + 2 * DAY).unwrap_err();
    assert!(e.message().zh.contains("签名"));
    let phone = CallbackOutcome {
        signoff: SignOff::Phone,
        ..onsite
    };
    w.run(callbacks::record(
        &assistant(),
        rid(2),
        &cb,
        &phone,
        rid(3),
        t0() + 2 * DAY,
    ));
    let cb = w.cb(rid(2));
    assert_eq!(cb.signoff, Some(SignOff::Phone));
    assert_eq!(cb.status, CallbackStatus::Done);
    assert_eq!(
        cb.spec.unwrap().clock.state(t0() + 9 * DAY),
        SlaState::MetInTime
    );
}

#[test]
fn cb_3_supervisor_reviews_a_recorded_callback() {
    let mut w = World::default();
    let cb = completed_minor(&mut w);
    assert!(
        callbacks::review(&supervisor(), rid(2), &cb, "好", t0()).is_err(),
        "not done yet"
    );
    let out = CallbackOutcome {
        signoff: SignOff::Phone,
        rating: Some(Rating::Basic),
        comment: String::new(),
        new_problem: None,
    };
    w.run(callbacks::record(
        &assistant(),
        rid(2),
        &cb,
        &out,
        rid(3),
        t0() + 2 * DAY,
    ));
    let cb = w.cb(rid(2));
    assert!(callbacks::review(&assistant(), rid(2), &cb, "好", t0()).is_err());
    assert!(callbacks::review(&supervisor(), rid(2), &cb, " ", t0()).is_err());
    w.run(callbacks::review(
        &supervisor(),
        rid(2),
        &cb,
        "记录完整",
        t0() + 3 * DAY,
    ));
    assert_eq!(w.cb(rid(2)).status, CallbackStatus::Reviewed);
}

#[test]
fn cb_4_cb_6_new_problem_gets_promised_time_and_a_further_callback_until_settled() {
    let mut w = World::default();
    let cb = completed_minor(&mut w);
    let now = t0() + 2 * DAY;
    let mut out = CallbackOutcome {
        signoff: SignOff::Phone,
        rating: Some(Rating::Satisfied),
        comment: String::new(),
        new_problem: Some(NewProblem {
            text: "楼下路灯也不亮".into(),
            promised_reply: now - 1,
        }),
    };
    assert!(callbacks::record(&assistant(), rid(2), &cb, &out, rid(3), now).is_err());
    out.new_problem = Some(NewProblem {
        text: "楼下路灯也不亮".into(),
        promised_reply: now + 2 * DAY,
    });
    w.run(callbacks::record(
        &assistant(),
        rid(2),
        &cb,
        &out,
        rid(3),
        now,
    ));
    assert_eq!(w.cb(rid(2)).follow_up, Some(rid(3)));
    let next = w.cb(rid(3));
    let spec = next.spec.clone().unwrap();
    assert_eq!(spec.previous, Some(rid(2)));
    assert_eq!(spec.clock.deadline, now + 2 * DAY);
    assert_eq!(spec.topic, "楼下路灯也不亮");
    // The follow-up is not a new job for the rates.
    let r = monthly_report(2026, 3, &cal(), &[], &[w.cb(rid(2)), next.clone()], &[]);
    let comp = r
        .callbacks
        .iter()
        .find(|c| c.kind == CallbackKind::Complaint)
        .unwrap();
    assert_eq!((comp.scheduled, comp.done), (1, 1));
    // Settled by the second, phone callback.
    let done = CallbackOutcome {
        new_problem: None,
        ..out
    };
    w.run(callbacks::record(
        &assistant(),
        rid(3),
        &next,
        &done,
        rid(4),
        now + DAY,
    ));
    assert_eq!(w.cb(rid(3)).status, CallbackStatus::Done);
}

// ----- HELP-1..6 ----------------------------------------------------------------------------------------

fn help(kind: HelpKind) -> HelpIntake {
    HelpIntake {
        kind,
        household: Some(rid(900)),
        unit: Some(rid(901)),
        place: "5号楼 802".into(),
        caller: "王女士".into(),
        phone: "13900139000".into(),
        address: "5号楼 802".into(),
        what: "老人晕倒".into(),
        needs_supervisor: false,
    }
}

#[test]
fn help_1_every_kind_registers_help_2_reply_clock_10_minutes() {
    assert_eq!(HelpKind::ALL.len(), 7);
    for (n, k) in HelpKind::ALL.iter().enumerate() {
        let mut w = World::default();
        w.run(register_help(
            &receptionist(),
            rid(n as u64),
            &help(*k),
            t0(),
            &ComplaintSettings::default(),
            &cal(),
        ));
        let h = w.h(rid(n as u64));
        assert_eq!(h.reply_clock.as_ref().unwrap().deadline, t0() + 10 * MIN);
        assert_eq!(
            h.index().assignee,
            Some(receptionist().id),
            "on my to-do until answered"
        );
    }
    let mut w = World::default();
    w.run(register_help(
        &receptionist(),
        rid(1),
        &help(HelpKind::Enquiry),
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let h = w.h(rid(1));
    w.run(answer_help(
        &supervisor(),
        rid(1),
        &h,
        "快递柜全天开放",
        t0() + 12 * MIN,
    ));
    let h = w.h(rid(1));
    assert_eq!(h.status, HelpStatus::Answered);
    assert!(!h.answered_in_time(), "12 min > 10 min");
    assert!(h.index().clock.is_none());
}

#[test]
fn help_3_medical_path_steps_notify_and_close_only_when_all_done() {
    let mut w = World::default();
    let mut i = help(HelpKind::Medical);
    i.address.clear();
    i.place.clear();
    let e = register_help(
        &assistant(),
        rid(1),
        &i,
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    )
    .unwrap_err();
    assert!(e.message().zh.contains("地址"));
    w.run(register_help(
        &assistant(),
        rid(1),
        &help(HelpKind::Medical),
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let h = w.h(rid(1));
    assert!(
        step_done(&assistant(), rid(1), &h, 0, t0()).is_err(),
        "path first"
    );
    w.run(choose_path(
        &assistant(),
        rid(1),
        &h,
        MedicalPath::Call120,
        t0() + MIN,
    ));
    let h = w.h(rid(1));
    assert!(h.answered_in_time());
    assert!(choose_path(&assistant(), rid(1), &h, MedicalPath::Hospital, t0()).is_err());
    assert!(close_help(&assistant(), rid(1), &h, "送医", t0()).is_err());
    for s in 0..medical_steps(MedicalPath::Call120).len() as u8 {
        let h = w.h(rid(1));
        w.run(step_done(
            &assistant(),
            rid(1),
            &h,
            s,
            t0() + (s as i64 + 2) * MIN,
        ));
    }
    let h = w.h(rid(1));
    assert!(
        step_done(&assistant(), rid(1), &h, 0, t0()).is_err(),
        "once"
    );
    assert_eq!(h.steps[2].1, t0() + 4 * MIN, "each step timestamped");
    w.run(notified(
        &assistant(),
        rid(1),
        &h,
        "物业部主任",
        t0() + 6 * MIN,
    ));
    let h = w.h(rid(1));
    w.run(close_help(
        &assistant(),
        rid(1),
        &h,
        "救护车送往市医院",
        t0() + H,
    ));
    let h = w.h(rid(1));
    assert_eq!(h.status, HelpStatus::Closed);
    assert_eq!(h.notified, vec![("物业部主任".to_string(), t0() + 6 * MIN)]);
    assert!(medical_steps(MedicalPath::ShortCare)[0]
        .0
        .contains("不得单独"));
    // Paths only for medical.
    let mut w = World::default();
    w.run(register_help(
        &assistant(),
        rid(2),
        &help(HelpKind::Enquiry),
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let h = w.h(rid(2));
    assert!(choose_path(&assistant(), rid(2), &h, MedicalPath::Call120, t0()).is_err());
}

#[test]
fn help_4_answers_are_never_empty() {
    let mut w = World::default();
    w.run(register_help(
        &assistant(),
        rid(1),
        &help(HelpKind::Enquiry),
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let h = w.h(rid(1));
    assert!(answer_help(&assistant(), rid(1), &h, "  ", t0()).is_err());
}

#[test]
fn help_5_complaint_request_converts_into_the_complaint_procedure() {
    let mut w = World::default();
    let mut i = help(HelpKind::Complaint);
    i.what = "楼下餐馆油烟".into();
    w.run(register_help(
        &receptionist(),
        rid(1),
        &i,
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let h = w.h(rid(1));
    w.run(convert_to_complaint(
        &receptionist(),
        rid(1),
        &h,
        rid(2),
        Subject::Neighbours,
        t0() + MIN,
        &cal(),
    ));
    let h = w.h(rid(1));
    assert_eq!(h.status, HelpStatus::Routed);
    assert_eq!(
        h.routed_to,
        Some(RecordRef::new(RecordKind::Complaint, rid(2)))
    );
    let c = w.c(rid(2));
    assert_eq!(c.intake.what, "楼下餐馆油烟");
    assert_eq!(c.intake.contact_phone, "13900139000");
    assert!(
        answer_help(&receptionist(), rid(1), &h, "x", t0()).is_err(),
        "closed once routed"
    );
    // A repair request routes to the repairs procedure's record.
    let mut w = World::default();
    w.run(register_help(
        &receptionist(),
        rid(3),
        &help(HelpKind::Repair),
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let h = w.h(rid(3));
    let to = RecordRef::new(RecordKind::Callback, rid(4));
    w.run(route_help(&receptionist(), rid(3), &h, to, t0()));
    assert_eq!(w.h(rid(3)).routed_to, Some(to));
}

#[test]
fn help_6_monthly_help_statistics() {
    let mut w = World::default();
    for (n, k) in [
        (1, HelpKind::Enquiry),
        (2, HelpKind::Enquiry),
        (3, HelpKind::Medical),
    ] {
        w.run(register_help(
            &assistant(),
            rid(n),
            &help(k),
            t0(),
            &ComplaintSettings::default(),
            &cal(),
        ));
    }
    let h = w.h(rid(1));
    w.run(answer_help(&assistant(), rid(1), &h, "好", t0() + 2 * MIN));
    let all: Vec<HelpRequest> = (1..=3).map(|n| w.h(rid(n))).collect();
    let r = monthly_report(2026, 3, &cal(), &[], &[], &all);
    assert_eq!(
        r.help_by_kind,
        vec![(HelpKind::Medical, 1), (HelpKind::Enquiry, 2)]
    );
    assert_eq!(r.help_total, Tally { all: 3, in_time: 1 });
}

// ----- sync, labels, demo --------------------------------------------------------------------------

#[test]
fn every_event_has_a_label_and_a_field_group() {
    let mut w = World::default();
    in_progress(&mut w, rid(1), Class::Major);
    for e in &w.events {
        let EventBody::Complaints(c) = &e.body else {
            panic!()
        };
        assert!(!c.label().zh.is_empty());
        assert!(!crate::sync::merge::field_group(&e.body).is_empty());
    }
}

#[test]
fn demo_history_spans_three_months_with_a_meaningful_report() {
    let demo = crate::domain::demo::demo_estate(
        7,
        crate::domain::staff::PinHash::new("1234", [1; 16], 10).unwrap(),
        crate::domain::demo::DEMO_AS_OF,
    );
    let mut w = World::default();
    let ours: Vec<Draft> = demo
        .drafts
        .iter()
        .filter(|d| matches!(d.body, EventBody::Complaints(_)))
        .cloned()
        .collect();
    assert!(ours.len() > 100, "{} drafts", ours.len());
    w.run(Ok(ours));
    let complaints: Vec<Complaint> = w.c.values().cloned().collect();
    let callbacks: Vec<Callback> = w.cb.values().cloned().collect();
    let help: Vec<HelpRequest> = w.h.values().cloned().collect();
    for (y, m) in [(2026, 8), (2026, 9), (2026, 10)] {
        let r = monthly_report(y, m, &cal(), &complaints, &callbacks, &help);
        assert!(r.total.all >= 5, "{y}-{m}: {}", r.total.all);
        assert!(r.total.rate().unwrap() > 50.0, "{y}-{m}");
        assert!(r.help_total.all >= 2, "{y}-{m} help");
        let comp = r
            .callbacks
            .iter()
            .find(|c| c.kind == CallbackKind::Complaint)
            .unwrap();
        assert!(comp.scheduled > 0);
    }
    let oct = monthly_report(2026, 10, &cal(), &complaints, &callbacks, &help);
    assert!(oct.majors_this_year <= 1, "the demo meets CMP-13");
    assert!(complaints.iter().any(|c| c.is_open()), "some still open");
    assert!(
        complaints.iter().any(|c| c.reopened > 0)
            || callbacks
                .iter()
                .all(|c| c.rating != Some(Rating::Unsatisfied))
    );
    // Deterministic.
    let again = crate::domain::demo::demo_estate(
        7,
        crate::domain::staff::PinHash::new("1234", [1; 16], 10).unwrap(),
        crate::domain::demo::DEMO_AS_OF,
    );
    assert_eq!(demo.drafts, again.drafts);
}

#[test]
fn cmp_4_help_2_settings_are_validated() {
    assert!(ComplaintSettings::default().validate().is_ok());
    let bad = ComplaintSettings {
        contact_urgent_minutes: 2 * 24 * 60,
        ..Default::default()
    };
    assert!(bad.validate().is_err(), "urgent longer than general");
    let bad = ComplaintSettings {
        help_reply_minutes: 0,
        ..Default::default()
    };
    assert!(bad.validate().is_err());
    let mut s = crate::domain::estate::Settings::default();
    s.complaints.contact_general_minutes = 1;
    assert!(crate::domain::estate::change_settings(&director(), s).is_err());
}

#[test]
fn cmp_4_10_store_puts_the_complaint_on_the_leads_and_the_callback_on_the_callers_home() {
    use crate::store::Store;
    use futures::executor::block_on;
    let app = staffed_app();
    let mut w = World::default();
    in_progress(&mut w, rid(1), Class::Important);
    let drafts = w.drafts();
    block_on(app.record(t0(), Some(director().id), drafts)).unwrap();
    let mine = block_on(app.store.assigned(eng_lead().id)).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].kind, RecordKind::Complaint);
    assert_eq!(
        mine[0].clock.as_ref().unwrap().name.zh,
        "投诉处理时限（一个月）"
    );
    // Completed: off the lead's list, the callback on the supervisor's.
    let c: Complaint = block_on(app.get(rid(1))).unwrap().unwrap();
    let mut closing = phone_closing();
    closing.callback_assignee = Some(supervisor().id);
    let ds = complete(
        &eng_lead(),
        rid(1),
        &c,
        &closing,
        rid(2),
        t0() + DAY,
        &cal(),
    )
    .unwrap();
    block_on(app.record(t0() + DAY, Some(eng_lead().id), ds)).unwrap();
    assert!(block_on(app.store.assigned(eng_lead().id))
        .unwrap()
        .is_empty());
    let sup = block_on(app.store.assigned(supervisor().id)).unwrap();
    assert_eq!(sup.len(), 1);
    assert_eq!(sup[0].kind, RecordKind::Callback);
    assert_eq!(sup[0].due, Some(t0() + 4 * DAY));
}

#[test]
fn cb_6_unreached_callback_is_recorded_and_counts_as_not_called_back() {
    let mut w = World::default();
    let cb = completed_minor(&mut w);
    assert!(callbacks::unreached(&receptionist(), rid(2), &cb, "无人接听", t0()).is_err());
    assert!(callbacks::unreached(&assistant(), rid(2), &cb, " ", t0()).is_err());
    w.run(callbacks::unreached(
        &assistant(),
        rid(2),
        &cb,
        "三次致电无人接听",
        t0() + 4 * DAY,
    ));
    let cb = w.cb(rid(2));
    assert_eq!(cb.status, CallbackStatus::Unreached);
    assert!(cb.index().assignee.is_none(), "off the to-do list");
    let r = monthly_report(2026, 3, &cal(), &[], std::slice::from_ref(&cb), &[]);
    let comp = r
        .callbacks
        .iter()
        .find(|c| c.kind == CallbackKind::Complaint)
        .unwrap();
    assert_eq!((comp.scheduled, comp.done), (1, 0));
    let out = CallbackOutcome {
        signoff: SignOff::Phone,
        rating: Some(Rating::Satisfied),
        comment: String::new(),
        new_problem: None,
    };
    assert!(callbacks::record(&assistant(), rid(2), &cb, &out, rid(3), t0()).is_err());
}

#[test]
fn cmp_12_lists_by_month_and_status_come_from_the_index() {
    use crate::store::{Filter, Query, Store};
    use futures::executor::block_on;
    let app = staffed_app();
    let mut w = World::default();
    registered(&mut w, rid(1), Subject::Repair);
    in_progress(&mut w, rid(3), Class::Minor);
    let drafts = w.drafts();
    block_on(app.record(t0(), Some(director().id), drafts)).unwrap();
    assert_eq!(month_of(t0()), "2026-03");
    // 02:00 on 1 April in the estate is still 31 March in UTC: the key follows estate time.
    assert_eq!(month_of(at(2026, 4, 1, 2)), "2026-04");
    let q = |p: String| {
        block_on(
            app.store
                .query(&Query::new(RecordKind::Complaint, Filter::Prefix(p))),
        )
        .unwrap()
        .len()
    };
    assert_eq!(q(list_key("2026-03", None)), 2);
    assert_eq!(q(list_key("2026-03", Some(Status::Registered))), 1);
    assert_eq!(q(list_key("2026-03", Some(Status::InProgress))), 1);
    assert_eq!(q(list_key("2026-03", Some(Status::Closed))), 0);
    assert_eq!(q(list_key("2026-04", None)), 0);
}

/// Issue 12 (SOP §0, CMP-5): a forged role grant and a forged classification take no effect on
/// any tablet in any order. The Assistant edits an export so that an event of theirs makes
/// them a Director, and as that "Director" classifies and dispatches a complaint (which needs
/// `Action::DispatchComplaint`). Every tablet stores the forged events, folds none of them, and
/// lists them for the Director with who, which tablet, when and what.
#[test]
fn a_forged_role_grant_and_a_forged_classification_take_no_effect_on_any_tablet_in_any_order() {
    use crate::domain::event::{Draft, Event, EventBody, RecordRef};
    use crate::domain::staff::{Profile, Staff, StaffEvent};
    use futures::executor::block_on;
    let office = staffed_app();
    let mut w = World::default();
    registered(&mut w, rid(1), Subject::Facilities);
    block_on(office.record(t0(), Some(receptionist().id), w.drafts())).unwrap();
    let mut legit = office.store.all_events();
    crate::domain::event::sort_events(&mut legit);

    // Written on the Assistant's own tablet, bypassing the commands.
    let tablet = crate::testkit::device(9);
    let stamp = |n: u64, wall: i64, d: Draft| {
        let at = Hlc {
            wall,
            counter: 0,
            device: tablet,
        };
        Event::new(Id::derived("forged", n), at, Some(assistant().id), d)
    };
    let grant = stamp(
        1,
        t0() + MIN,
        Draft {
            subject: RecordRef::new(RecordKind::Staff, assistant().id),
            body: EventBody::Staff(StaffEvent::Updated {
                profile: Profile {
                    name: "员工3".into(),
                    roles: [Role::Director, Role::Assistant].into(),
                    department: None,
                    phone: String::new(),
                },
            }),
        },
    );
    let as_director = Actor {
        id: assistant().id,
        roles: [Role::Director].into(),
    };
    let c = w.c(rid(1));
    let classified = dispatch(
        &as_director,
        rid(1),
        &c,
        &dispatch_to(Class::Minor, Urgency::General, &eng_lead()),
        t0() + 2 * MIN,
        &ComplaintSettings::default(),
        &cal(),
    )
    .unwrap();
    let mut forged = vec![grant];
    for (i, d) in classified.into_iter().enumerate() {
        forged.push(stamp(10 + i as u64, t0() + 2 * MIN + i as i64, d));
    }
    // The Assistant's own classification without the grant, too (the plain case).
    let c2 = dispatch(
        &as_director,
        rid(1),
        &c,
        &dispatch_to(Class::Important, Urgency::Urgent, &eng_lead()),
        t0() + 3 * MIN,
        &ComplaintSettings::default(),
        &cal(),
    )
    .unwrap();
    for (i, d) in c2.into_iter().enumerate() {
        forged.push(stamp(20 + i as u64, t0() + 3 * MIN + i as i64, d));
    }
    let forged_ids: std::collections::BTreeSet<_> = forged.iter().map(|e| e.id).collect();

    let mut reversed = forged.clone();
    reversed.reverse();
    let deliveries: Vec<Vec<Vec<Event>>> = vec![
        // the office tablet: what it had, then the forged file
        vec![legit.clone(), forged.clone()],
        // forged first, then the legitimate history
        vec![forged.clone(), legit.clone()],
        // one at a time, forged ones newest first, interleaved
        reversed
            .iter()
            .map(|e| vec![e.clone()])
            .chain(legit.iter().rev().map(|e| vec![e.clone()]))
            .collect(),
        // everything at once
        vec![legit.iter().chain(&forged).cloned().collect()],
    ];
    let mut results = Vec::new();
    for (n, batches) in deliveries.into_iter().enumerate() {
        let app = crate::testkit::open(crate::store::memory::MemoryStore::default(), 30 + n as u64);
        for b in batches {
            block_on(app.absorb(b, t0() + DAY)).unwrap();
        }
        let all: std::collections::BTreeSet<_> =
            app.store.all_events().iter().map(|e| e.id).collect();
        assert!(
            forged_ids.is_subset(&all),
            "forged events are stored, never deleted"
        );
        let a: Staff = block_on(app.get(assistant().id)).unwrap().unwrap();
        assert_eq!(a.profile.roles, [Role::Assistant].into(), "tablet {n}");
        let c: Complaint = block_on(app.get(rid(1))).unwrap().unwrap();
        assert_eq!(c.status, Status::Registered, "tablet {n}: not classified");
        assert_eq!(c.class, None);
        let refused = block_on(app.refused()).unwrap();
        let ids: std::collections::BTreeSet<_> = refused.iter().map(|r| r.event).collect();
        assert_eq!(
            ids, forged_ids,
            "tablet {n} lists exactly the forged events"
        );
        let r = &refused[0];
        assert_eq!(r.actor, Some(assistant().id));
        assert_eq!(r.device, tablet);
        assert_eq!(r.at.wall, t0() + MIN);
        assert_eq!(r.what.zh, "修改员工资料");
        assert!(r.why.zh.contains("物业部主任"), "{}", r.why.zh);
        let up = crate::domain::staff::Uptime::new(1, 0);
        assert!(block_on(app.sign_in(assistant().id, "1234", up))
            .unwrap()
            .roles
            .iter()
            .all(|r| *r == Role::Assistant));
        results.push((app.store.views(), refused));
    }
    for r in &results[1..] {
        assert_eq!(r.0, results[0].0, "identical views");
        assert_eq!(r.1, results[0].1, "identical refusals");
    }
}

// ----- HELP-4 referred enquiries, CMP-7 outside bodies, CMP-4 settings (issue 18) ----------------

#[test]
fn help_4_a_referred_enquiry_waits_on_the_supervisors_list_and_only_a_supervisor_answers() {
    let mut w = World::default();
    let mut i = help(HelpKind::Enquiry);
    i.what = "小区能否安装充电桩？书面咨询".into();
    w.run(register_help(
        &receptionist(),
        rid(1),
        &i,
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let h = w.h(rid(1));
    assert_eq!(h.index().assignee, Some(receptionist().id));
    // Referred to an assistant: refused (HELP-4 "by the supervisor").
    assert!(refer_help(
        &receptionist(),
        rid(1),
        &h,
        assistant().id,
        &[Role::Assistant],
        "",
        t0() + MIN
    )
    .is_err());
    w.run(refer_help(
        &receptionist(),
        rid(1),
        &h,
        supervisor().id,
        &[Role::Supervisor],
        "涉及公司规划，请主管答复",
        t0() + MIN,
    ));
    let h = w.h(rid(1));
    assert_eq!(h.referred.as_ref().unwrap().to, supervisor().id);
    assert_eq!(
        h.index().assignee,
        Some(supervisor().id),
        "on the supervisor's 我的待办"
    );
    assert!(h.needs_supervisor());
    // Referred once only.
    assert!(refer_help(
        &receptionist(),
        rid(1),
        &h,
        director().id,
        &[Role::Director],
        "",
        t0() + 2 * MIN
    )
    .is_err());
    // The desk may not answer it now; the supervisor does, with the supervisor's event.
    let err = answer_help(&receptionist(), rid(1), &h, "可以", t0() + 3 * MIN).unwrap_err();
    assert!(
        err.message().zh.contains("客服主管"),
        "names the role needed"
    );
    let ds = w.run(answer_help(
        &supervisor(),
        rid(1),
        &h,
        "已报开发商评估，两周内书面回复",
        t0() + 5 * MIN,
    ));
    assert!(matches!(
        ds[0].body,
        EventBody::Complaints(ComplaintsEvent::HelpSupervisorAnswered { .. })
    ));
    let h = w.h(rid(1));
    assert_eq!(h.status, HelpStatus::Answered);
    assert!(h.answered_in_time(), "within the 10-minute reply clock");
    assert_eq!(h.index().assignee, None);
}

#[test]
fn help_4_an_enquiry_flagged_for_the_supervisor_at_intake_needs_the_role_and_fold_time_agrees() {
    let mut w = World::default();
    let mut i = help(HelpKind::Enquiry);
    i.needs_supervisor = true;
    w.run(register_help(
        &assistant(),
        rid(1),
        &i,
        t0(),
        &ComplaintSettings::default(),
        &cal(),
    ));
    let h = w.h(rid(1));
    assert!(answer_help(&assistant(), rid(1), &h, "不清楚", t0()).is_err());
    assert!(answer_help(&director(), rid(1), &h, "按规定办理", t0()).is_ok());
    // An imported supervisor's answer is checked against the role when folded (issue 12).
    use crate::domain::authority::{requirement, Requirement};
    let body = EventBody::Complaints(ComplaintsEvent::HelpSupervisorAnswered {
        at: t0(),
        by: assistant().id,
        answer: "x".into(),
    });
    let Requirement::AnyOf(actions) = requirement(&body) else {
        panic!("a role requirement")
    };
    let may = |a: &Actor| {
        actions
            .iter()
            .any(|x| crate::domain::roles::authorize(&a.roles, *x).is_ok())
    };
    assert!(may(&supervisor()) && may(&director()));
    assert!(!may(&assistant()) && !may(&receptionist()) && !may(&eng_lead()));
}

#[test]
fn cmp_7_outside_body_explain_liaise_report_back_before_completion() {
    let mut w = World::default();
    in_progress(&mut w, rid(1), Class::Important);
    let c = w.c(rid(1));
    assert!(!c.awaits_report_back());
    // Not the handler's department: an assistant may not record the step.
    assert!(outside_liaison(
        &assistant(),
        rid(1),
        &c,
        "自来水公司",
        LiaisonStep::Liaised,
        "已报修",
        t0() + 2 * H
    )
    .is_err());
    assert!(outside_liaison(
        &eng_lead(),
        rid(1),
        &c,
        "  ",
        LiaisonStep::Explained,
        "x",
        t0()
    )
    .is_err());
    w.run(outside_liaison(
        &eng_lead(),
        rid(1),
        &c,
        "自来水公司",
        LiaisonStep::Explained,
        "停水系市政管网维修，已向客户解释",
        t0() + 2 * H,
    ));
    let c = w.c(rid(1));
    w.run(outside_liaison(
        &eng_lead(),
        rid(1),
        &c,
        "自来水公司",
        LiaisonStep::Liaised,
        "自来水公司承诺今晚20:00前恢复供水",
        t0() + 3 * H,
    ));
    let c = w.c(rid(1));
    assert!(c.awaits_report_back());
    let err = complete(
        &eng_lead(),
        rid(1),
        &c,
        &phone_closing(),
        rid(30),
        t0() + 4 * H,
        &cal(),
    )
    .unwrap_err();
    assert!(err.message().zh.contains("反馈"));
    w.run(outside_liaison(
        &eng_lead(),
        rid(1),
        &c,
        "自来水公司",
        LiaisonStep::ReportedBack,
        "已电话告知客户20:00恢复供水",
        t0() + 5 * H,
    ));
    let c = w.c(rid(1));
    assert!(!c.awaits_report_back());
    assert_eq!(c.outside.len(), 3);
    assert!(c.notes.iter().any(|n| n.note.contains("自来水公司")));
    w.run(complete(
        &eng_lead(),
        rid(1),
        &c,
        &phone_closing(),
        rid(30),
        t0() + 6 * H,
        &cal(),
    ));
    assert_eq!(w.c(rid(1)).status, Status::Completed);
}

#[test]
fn cmp_4_contact_limits_are_the_directors_setting_and_bad_limits_are_refused() {
    use crate::domain::estate::{change_settings, Settings};
    let mut s = Settings::default();
    s.complaints.contact_general_minutes = 12 * 60;
    s.complaints.contact_urgent_minutes = 20;
    assert!(change_settings(&supervisor(), s.clone()).is_err());
    assert!(change_settings(&director(), s.clone()).is_ok());
    // Urgent longer than general, or under 5 minutes: refused with the rule in the message.
    let mut bad = s.clone();
    bad.complaints.contact_urgent_minutes = 13 * 60;
    assert!(change_settings(&director(), bad).is_err());
    let mut bad = s.clone();
    bad.complaints.contact_urgent_minutes = 4;
    assert!(change_settings(&director(), bad).is_err());
    // The changed limits set the clock from receipt: general 12 h, urgent 20 min.
    let mut w = World::default();
    registered(&mut w, rid(1), Subject::Facilities);
    let c = w.c(rid(1));
    w.run(dispatch(
        &supervisor(),
        rid(1),
        &c,
        &dispatch_to(Class::Minor, Urgency::General, &eng_lead()),
        t0() + MIN,
        &s.complaints,
        &cal(),
    ));
    assert_eq!(w.c(rid(1)).contact_clock.unwrap().deadline, t0() + 12 * H);
    registered(&mut w, rid(2), Subject::Facilities);
    let c = w.c(rid(2));
    w.run(dispatch(
        &supervisor(),
        rid(2),
        &c,
        &dispatch_to(Class::Minor, Urgency::Urgent, &eng_lead()),
        t0() + MIN,
        &s.complaints,
        &cal(),
    ));
    assert_eq!(w.c(rid(2)).contact_clock.unwrap().deadline, t0() + 20 * MIN);
}

#[test]
fn cb_6_every_problem_raised_in_a_callback_is_listed_until_it_has_a_result_and_counted_monthly() {
    let mut w = World::default();
    let cb = completed_minor(&mut w);
    let now = t0() + 2 * DAY;
    let out = CallbackOutcome {
        signoff: SignOff::Phone,
        rating: Some(Rating::Satisfied),
        comment: String::new(),
        new_problem: Some(NewProblem {
            text: "楼下路灯也不亮".into(),
            promised_reply: now + 2 * DAY,
        }),
    };
    w.run(callbacks::record(
        &assistant(),
        rid(2),
        &cb,
        &out,
        rid(3),
        now,
    ));
    let open = |w: &World, id| {
        w.cb(id)
            .index()
            .search
            .iter()
            .any(|k| k.starts_with(&callbacks::QueuePage::Problems.range().0))
    };
    assert!(!open(&w, rid(2)), "the first callback was made");
    assert!(open(&w, rid(3)), "the problem waits for its follow-up");
    let month = |w: &World| {
        monthly_report(2026, 3, &cal(), &[], &[w.cb(rid(2)), w.cb(rid(3))], &[]).problems
    };
    assert_eq!((month(&w).all, month(&w).in_time), (1, 0));
    assert_eq!(month(&w).rate(), Some(0.0), "0 % against the 100 % of CB-6");
    // The follow-up is made: the problem has its result, off the list, 100 %.
    let next = w.cb(rid(3));
    let done = CallbackOutcome {
        new_problem: None,
        ..out
    };
    w.run(callbacks::record(
        &assistant(),
        rid(3),
        &next,
        &done,
        rid(4),
        now + DAY,
    ));
    assert!(!open(&w, rid(3)));
    assert_eq!(month(&w).rate(), Some(100.0));
    let (_, rows) = monthly_report(2026, 3, &cal(), &[], &[w.cb(rid(2)), w.cb(rid(3))], &[]).csv();
    assert!(rows
        .iter()
        .any(|r| r[0].starts_with("回访问题落实") && r[4] == "100.0%"));
}
