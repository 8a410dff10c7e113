//! Native tests of move-in, citing MOVE-1..10 (SOP §8, seed 002 篇3).

use super::*;
use crate::domain::authority::{requirement, Requirement};
use crate::domain::callbacks::Callback;
use crate::domain::command::DomainError;
use crate::domain::ids::Id;
use crate::domain::workorder::fees::Schedule;
use crate::testkit::{fold, sid};
use chrono::NaiveTime;

fn actor(n: u64, roles: &[Role]) -> Actor {
    Actor {
        id: sid(n),
        roles: roles.iter().copied().collect(),
    }
}
fn supervisor() -> Actor {
    actor(2, &[Role::Supervisor])
}
fn assistant() -> Actor {
    actor(3, &[Role::Assistant])
}
fn desk() -> Actor {
    actor(4, &[Role::Receptionist])
}
fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}
fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}
fn t(d: NaiveDate, h: u32, m: u32) -> i64 {
    cal().at(d, NaiveTime::from_hms_opt(h, m, 0).unwrap())
}
const MINUTE: i64 = 60_000;

fn unit(n: u64) -> RecordId {
    Id::derived("mv-unit", n)
}
fn batch_id() -> RecordId {
    Id::derived("mv-batch", 1)
}
fn session_id(n: u64) -> RecordId {
    Id::derived("mv-session", n)
}
fn sig() -> String {
    "M10 10 L40 40 L60 20".into()
}
fn photo(b: &str) -> Photo {
    Photo {
        blob: b.into(),
        evidence: true,
        taken: 1,
    }
}

fn info() -> BatchInfo {
    BatchInfo {
        name: "5号楼入伙".into(),
        office: "5号楼一层入伙大厅".into(),
        hours: "9:00–17:00".into(),
        from: day(1),
        deadline: day(20),
        units: (1..=3)
            .map(|n| BatchUnit {
                unit: unit(n),
                place: format!("5号楼 030{n}"),
                owner: format!("业主{n}"),
                phone: "13800138000".into(),
            })
            .collect(),
        fees: vec![FeeEntry {
            name: "物业管理费（3个月）".into(),
            fen: 129_600,
        }],
    }
}

fn opened() -> (Vec<Draft>, MoveInBatch) {
    let d = open_batch(&supervisor(), batch_id(), &info(), t(day(1), 9, 0)).unwrap();
    let b = fold(&d, RecordRef::new(RecordKind::MoveInBatch, batch_id()));
    (d, b)
}

fn denied_naming(e: DomainError, zh: &str, en: &str) {
    match e {
        DomainError::Denied(_) => {
            let m = e.message();
            assert!(m.zh.contains(zh), "{}", m.zh);
            assert!(m.en.contains(en), "{}", m.en);
        }
        other => panic!("expected a refusal by role, got {other:?}"),
    }
}

/// A started owner session on unit 1 (party as given), with its drafts.
fn session(party: Party) -> (Vec<Draft>, MoveInSession) {
    let (mut d, b) = opened();
    d.extend(
        start(
            &desk(),
            session_id(1),
            Some((batch_id(), &b)),
            unit(1),
            "5号楼 0301",
            "业主1",
            "13800138000",
            party,
            t(day(5), 9, 30),
        )
        .unwrap(),
    );
    let s = fold(&d, sref(1));
    (d, s)
}

fn sref(n: u64) -> RecordRef {
    RecordRef::new(RecordKind::MoveInSession, session_id(n))
}

fn inspection(defects: usize) -> Inspection {
    Inspection {
        water: "0.8".into(),
        power: "12.5".into(),
        water_photo: photo("water"),
        power_photo: photo("power"),
        defects: (0..defects)
            .map(|i| Defect {
                room: ["主卧", "厨房"][i % 2].into(),
                text: format!("墙面裂缝{i}"),
                photos: vec![photo("defect")],
            })
            .collect(),
        owner_signature: sig(),
        staff_signature: sig(),
    }
}

#[test]
fn move_1_only_the_supervisor_or_director_opens_move_in_with_office_period_and_fees() {
    let (_, b) = opened();
    let i = b.info.as_ref().unwrap();
    assert_eq!(i.office, "5号楼一层入伙大厅");
    assert_eq!(i.fees[0].fen, 129_600);
    assert_eq!(b.not_come().len(), 3);
    for r in [
        Role::Assistant,
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ] {
        let e = open_batch(&actor(9, &[r]), batch_id(), &info(), 0).unwrap_err();
        denied_naming(e, "客服主管", "Supervisor");
    }
    let mut bad = info();
    bad.deadline = day(1) - Days::new(1);
    assert!(open_batch(&supervisor(), batch_id(), &bad, 0).is_err());
}

#[test]
fn move_1_reminder_list_appears_exactly_3_days_before_the_deadline_for_the_assistant() {
    let (mut d, b) = opened();
    // The deadline is the 20th: nothing on the 16th, the list from the 17th through the 20th.
    assert!(b.to_remind(day(16)).is_empty());
    assert_eq!(b.remind_from(), Some(day(17)));
    assert_eq!(b.to_remind(day(17)).len(), 3);
    assert_eq!(b.to_remind(day(20)).len(), 3);
    assert!(b.to_remind(day(21)).is_empty());
    // Too early: refused; in the window: recorded with way, who and when.
    let early = remind(
        &assistant(),
        batch_id(),
        &b,
        unit(2),
        ReminderWay::Phone,
        "",
        t(day(16), 23, 59),
        &cal(),
    )
    .unwrap_err();
    assert!(early.message().zh.contains("3天"));
    let at = t(day(17), 0, 0);
    d.extend(
        remind(
            &assistant(),
            batch_id(),
            &b,
            unit(2),
            ReminderWay::Letter,
            "挂号信",
            at,
            &cal(),
        )
        .unwrap(),
    );
    let b: MoveInBatch = fold(&d, RecordRef::new(RecordKind::MoveInBatch, batch_id()));
    let r = b.reminders_of(unit(2));
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].at, r[0].by, r[0].way),
        (at, sid(3), ReminderWay::Letter)
    );
    // The receptionist and engineering may not remind (seed 5.4: 物业助理).
    for role in [
        Role::Receptionist,
        Role::DepartmentLead,
        Role::DepartmentStaff,
    ] {
        let e = remind(
            &actor(9, &[role]),
            batch_id(),
            &b,
            unit(3),
            ReminderWay::Phone,
            "",
            at,
            &cal(),
        )
        .unwrap_err();
        denied_naming(e, "物业助理", "Assistant");
    }
}

#[test]
fn move_1_after_the_deadline_the_director_sees_who_never_came_and_the_supervisor_reports_it() {
    let (mut d, b) = opened();
    d.extend(
        start(
            &desk(),
            session_id(1),
            Some((batch_id(), &b)),
            unit(1),
            "5号楼 0301",
            "业主1",
            "",
            Party::Owner,
            t(day(5), 10, 0),
        )
        .unwrap(),
    );
    let b: MoveInBatch = fold(&d, RecordRef::new(RecordKind::MoveInBatch, batch_id()));
    assert_eq!(b.came[&unit(1)], (session_id(1), t(day(5), 10, 0)));
    // On the deadline itself there is no escalation yet; the next day two never came.
    assert!(b.no_shows(day(20)).is_empty());
    let late: Vec<RecordId> = b.no_shows(day(21)).iter().map(|u| u.unit).collect();
    assert_eq!(late, vec![unit(2), unit(3)]);
    // A reminder after the deadline is refused: report instead.
    let e = remind(
        &assistant(),
        batch_id(),
        &b,
        unit(2),
        ReminderWay::Phone,
        "",
        t(day(21), 9, 0),
        &cal(),
    )
    .unwrap_err();
    assert!(e.message().zh.contains("报告主任"));
    assert!(report_no_shows(&supervisor(), batch_id(), &b, t(day(20), 17, 0), &cal()).is_err());
    let e = report_no_shows(&assistant(), batch_id(), &b, t(day(21), 9, 0), &cal()).unwrap_err();
    denied_naming(e, "客服主管", "Supervisor");
    d.extend(report_no_shows(&supervisor(), batch_id(), &b, t(day(21), 9, 0), &cal()).unwrap());
    let b: MoveInBatch = fold(&d, RecordRef::new(RecordKind::MoveInBatch, batch_id()));
    assert_eq!(b.reported.as_ref().unwrap().1, vec![unit(2), unit(3)]);
    // A second session for the same unit is refused: resume the first.
    assert!(start(
        &desk(),
        session_id(2),
        Some((batch_id(), &b)),
        unit(1),
        "5号楼 0301",
        "业主1",
        "",
        Party::Owner,
        0
    )
    .is_err());
}

#[test]
fn move_2_documents_with_agent_and_company_variants_are_resumable() {
    let all_owner: BTreeSet<Doc> = Doc::required_for(Party::Owner).into_iter().collect();
    assert_eq!(all_owner.len(), 5);
    assert!(Doc::required_for(Party::Agent).contains(&Doc::Proxy));
    assert!(Doc::required_for(Party::Agent).contains(&Doc::AgentId));
    assert!(Doc::required_for(Party::Company).contains(&Doc::Licence));
    assert!(Doc::required_for(Party::Company).contains(&Doc::CompanyProxy));

    let (mut d, s) = session(Party::Agent);
    // The agent forgot the power of attorney: the step stays open and says what is missing.
    d.extend(check_documents(&desk(), session_id(1), &s, &all_owner, t(day(5), 9, 35)).unwrap());
    let s: MoveInSession = fold(&d, sref(1));
    assert!(s.done(Step::Documents).is_none());
    assert_eq!(s.missing_docs(), vec![Doc::Proxy, Doc::AgentId]);
    // Back with the papers after lunch: ticked with who and when.
    let mut all = all_owner.clone();
    all.extend([Doc::Proxy, Doc::AgentId]);
    let later = t(day(5), 14, 10);
    d.extend(check_documents(&assistant(), session_id(1), &s, &all, later).unwrap());
    let s: MoveInSession = fold(&d, sref(1));
    assert_eq!(
        s.done(Step::Documents),
        Some(Tick {
            at: later,
            by: sid(3)
        })
    );
    assert!(s.missing_docs().is_empty());
    for r in [Role::DepartmentLead, Role::DepartmentStaff] {
        let e = check_documents(&actor(9, &[r]), session_id(1), &s, &all, later).unwrap_err();
        denied_naming(e, "前台接待员", "Receptionist");
    }
}

#[test]
fn move_3_agreements_two_copies_and_handbook_need_every_paper_and_the_owners_signature() {
    let (mut d, s) = session(Party::Owner);
    let some: BTreeSet<Paper> = [Paper::Rules, Paper::Fire].into_iter().collect();
    let e = sign_agreements(&desk(), session_id(1), &s, &some, &sig(), 0).unwrap_err();
    assert!(e.message().zh.contains("前期物业管理服务协议"));
    let all: BTreeSet<Paper> = Paper::ALL.iter().copied().collect();
    assert!(sign_agreements(&desk(), session_id(1), &s, &all, "", 0).is_err());
    d.extend(sign_agreements(&desk(), session_id(1), &s, &all, &sig(), t(day(5), 9, 40)).unwrap());
    let s: MoveInSession = fold(&d, sref(1));
    assert_eq!(s.done(Step::Agreements).unwrap().at, t(day(5), 9, 40));
    assert_eq!(s.owner_signature, sig());
}

#[test]
fn move_4_household_form_becomes_the_registry_household_not_a_copy() {
    let (mut d, s) = session(Party::Owner);
    let form = HouseholdForm {
        people: vec![
            Person {
                name: " 业主1 ".into(),
                phone: "13800138000".into(),
            },
            Person {
                name: "家属".into(),
                phone: String::new(),
            },
        ],
        note: "车牌 粤B12345".into(),
    };
    let hh = Id::derived("mv-hh", 1);
    let out = file_household(
        &desk(),
        session_id(1),
        &s,
        hh,
        &form,
        t(day(5), 9, 50),
        &cal(),
    )
    .unwrap();
    // The registry's own event, for the unit, as an owner, moved in today.
    match &out[0].body {
        EventBody::Registry(registry::RegistryEvent::HouseholdSet { info }) => {
            assert_eq!(out[0].subject, RecordRef::new(RecordKind::Household, hh));
            assert_eq!(info.unit, unit(1));
            assert_eq!(info.tenure, Tenure::Owner);
            assert_eq!(info.people[0].name, "业主1");
            assert_eq!(info.move_in, Some(day(5)));
        }
        other => panic!("{other:?}"),
    }
    d.extend(out);
    let s: MoveInSession = fold(&d, sref(1));
    assert_eq!(s.household, Some(hh));
    assert!(s.done(Step::Household).is_some());
    // Filing again edits the same household record.
    let again = file_household(
        &desk(),
        session_id(1),
        &s,
        Id::derived("mv-hh", 2),
        &form,
        t(day(5), 9, 55),
        &cal(),
    )
    .unwrap();
    assert_eq!(again[0].subject.id, hh);
    // An empty form is refused by the registry's rule.
    let empty = HouseholdForm {
        people: vec![],
        note: String::new(),
    };
    assert!(file_household(&desk(), session_id(1), &s, hh, &empty, 0, &cal()).is_err());
}

#[test]
fn move_5_the_desk_notes_the_finance_receipt_and_auto_debit_and_collects_nothing() {
    let (mut d, s) = session(Party::Owner);
    assert!(note_fees(&desk(), session_id(1), &s, " ", false, "", 0).is_err());
    assert!(note_fees(&desk(), session_id(1), &s, "CW-0012", true, "", 0).is_err());
    let out = note_fees(
        &desk(),
        session_id(1),
        &s,
        "CW-0012",
        true,
        "工商银行 6222…1234",
        t(day(5), 10, 0),
    )
    .unwrap();
    // Only the session's note: no cash event.
    assert_eq!(out.len(), 1);
    assert!(matches!(out[0].body, EventBody::MoveIn(_)));
    d.extend(out);
    let s: MoveInSession = fold(&d, sref(1));
    assert_eq!((s.receipt.as_str(), s.auto_debit), ("CW-0012", true));
    assert!(s.done(Step::Fees).is_some());
}

#[test]
fn move_6_inspection_needs_meter_readings_with_photos_and_both_signatures_defects_become_orders() {
    let (mut d, s) = session(Party::Owner);
    let mut i = inspection(2);
    i.water = "abc".into();
    assert!(inspect(&desk(), session_id(1), &s, &i, 0).is_err());
    let mut i = inspection(2);
    i.power_photo.blob.clear();
    assert!(inspect(&desk(), session_id(1), &s, &i, 0).is_err());
    let mut i = inspection(2);
    i.staff_signature.clear();
    let e = inspect(&desk(), session_id(1), &s, &i, 0).unwrap_err();
    assert!(e.message().zh.contains("工作人员签名"));
    let mut i = inspection(2);
    i.owner_signature.clear();
    assert!(inspect(&desk(), session_id(1), &s, &i, 0).is_err());
    d.extend(
        inspect(
            &desk(),
            session_id(1),
            &s,
            &inspection(2),
            t(day(5), 10, 30),
        )
        .unwrap(),
    );
    let s: MoveInSession = fold(&d, sref(1));
    let ins = s.inspection.as_ref().unwrap();
    assert_eq!((ins.water.as_str(), ins.power.as_str()), ("0.8", "12.5"));
    assert_eq!(s.defects().len(), 2);
    // One tap: a repair order from the move-in defect, linked to the session.
    let order = Id::derived("mv-order", 1);
    let now = t(day(5), 10, 40);
    let out = order_defect(
        &desk(),
        session_id(1),
        &s,
        1,
        order,
        &Schedule::default(),
        Some(sid(7)),
        now,
        &cal(),
    )
    .unwrap();
    d.extend(out);
    let o: WorkOrder = fold(&d, RecordRef::new(RecordKind::WorkOrder, order));
    let intake = o.order.as_ref().unwrap();
    assert_eq!(intake.source, OrderSource::MoveIn);
    assert_eq!(intake.kind, OrderKind::Repair);
    assert_eq!(intake.origin, Some(sref(1)));
    assert_eq!(intake.content, "入伙验房 厨房：墙面裂缝1");
    assert_eq!(intake.unit, Some(unit(1)));
    // Engineering is told within 3 minutes (REP-1), like every order.
    assert_eq!(o.notify.as_ref().unwrap().deadline, now + 3 * MINUTE);
    let s: MoveInSession = fold(&d, sref(1));
    assert_eq!(s.orders[&1], order);
    assert!(order_defect(
        &desk(),
        session_id(1),
        &s,
        1,
        Id::derived("mv-order", 9),
        &Schedule::default(),
        None,
        now,
        &cal()
    )
    .is_err());
    assert!(inspect(&desk(), session_id(1), &s, &inspection(0), now).is_err());
}

fn inspected(defects: usize) -> (Vec<Draft>, MoveInSession) {
    let (mut d, s) = session(Party::Owner);
    d.extend(
        inspect(
            &desk(),
            session_id(1),
            &s,
            &inspection(defects),
            t(day(5), 10, 30),
        )
        .unwrap(),
    );
    let s = fold(&d, sref(1));
    (d, s)
}

fn keys() -> Vec<String> {
    vec!["入户门1".into(), "入户门2".into(), "信箱".into()]
}

#[test]
fn move_7_without_defects_every_key_goes_to_the_owner() {
    let (mut d, s) = inspected(0);
    let e = hand_keys(
        &desk(),
        session_id(1),
        &s,
        &keys(),
        Some("入户门1"),
        &sig(),
        0,
    )
    .unwrap_err();
    assert!(e.message().zh.contains("全部交给业主"));
    assert!(hand_keys(&desk(), session_id(1), &s, &keys(), None, "", 0).is_err());
    let at = t(day(5), 11, 0);
    d.extend(hand_keys(&desk(), session_id(1), &s, &keys(), None, &sig(), at).unwrap());
    let s: MoveInSession = fold(&d, sref(1));
    assert_eq!(s.keys.len(), 3);
    assert!(s
        .keys
        .iter()
        .all(|k| k.to_owner && k.at == at && k.by == sid(4)));
    assert!(s.kept.is_none());
    assert!(!s.index().search.contains(&KEPT_KEY.to_string()));
}

#[test]
fn move_7_with_defects_one_entry_key_stays_and_returns_when_the_last_defect_order_is_done() {
    let (mut d, s) = inspected(2);
    let e = hand_keys(&desk(), session_id(1), &s, &keys(), None, &sig(), 0).unwrap_err();
    assert!(e.message().zh.contains("入户门钥匙"));
    assert!(hand_keys(&desk(), session_id(1), &s, &keys(), Some("后门"), &sig(), 0).is_err());
    d.extend(
        hand_keys(
            &desk(),
            session_id(1),
            &s,
            &keys(),
            Some("入户门2"),
            &sig(),
            t(day(5), 11, 0),
        )
        .unwrap(),
    );
    let s: MoveInSession = fold(&d, sref(1));
    assert_eq!(s.kept.as_deref(), Some("入户门2"));
    assert!(
        !s.keys
            .iter()
            .find(|k| k.label == "入户门2")
            .unwrap()
            .to_owner
    );
    // On the Supervisor's list of unreturned keys.
    assert!(s.index().search.contains(&KEPT_KEY.to_string()));
    // Both defects become orders.
    for (n, defect) in [(1, 0), (2, 1)] {
        d.extend(
            order_defect(
                &desk(),
                session_id(1),
                &s,
                defect,
                Id::derived("mv-order", n),
                &Schedule::default(),
                None,
                t(day(5), 11, 5),
                &cal(),
            )
            .unwrap(),
        );
    }
    let s: MoveInSession = fold(&d, sref(1));
    let mut orders: BTreeMap<RecordId, WorkOrder> = (1..=2)
        .map(|n| {
            let id = Id::derived("mv-order", n);
            (id, fold(&d, RecordRef::new(RecordKind::WorkOrder, id)))
        })
        .collect();
    // One done, one still open: the key stays.
    orders.get_mut(&Id::derived("mv-order", 1)).unwrap().status = WorkOrderStatus::Done;
    assert!(!defects_closed(&s, &orders));
    let e = return_key(&desk(), session_id(1), &s, &orders, t(day(8), 9, 0)).unwrap_err();
    assert!(e.message().zh.contains("钥匙继续留存"));
    // The last one is done: the key goes back, recorded in the register.
    orders.get_mut(&Id::derived("mv-order", 2)).unwrap().status = WorkOrderStatus::Done;
    assert!(defects_closed(&s, &orders));
    let back = t(day(9), 15, 0);
    d.extend(return_key(&desk(), session_id(1), &s, &orders, back).unwrap());
    let s: MoveInSession = fold(&d, sref(1));
    assert!(s.kept.is_none());
    let last = s.keys.last().unwrap();
    assert_eq!(
        (last.label.as_str(), last.to_owner, last.at),
        ("入户门2", true, back)
    );
    assert!(!s.index().search.contains(&KEPT_KEY.to_string()));
    assert!(return_key(&desk(), session_id(1), &s, &orders, back).is_err());
}

#[test]
fn move_7_a_defect_not_yet_ordered_keeps_the_key() {
    let (mut d, s) = inspected(1);
    d.extend(
        hand_keys(
            &desk(),
            session_id(1),
            &s,
            &keys(),
            Some("入户门1"),
            &sig(),
            0,
        )
        .unwrap(),
    );
    let s: MoveInSession = fold(&d, sref(1));
    assert!(return_key(&desk(), session_id(1), &s, &BTreeMap::new(), 0).is_err());
}

#[test]
fn move_8_next_steps_checklist_with_dates_ticks_when_every_item_is_answered() {
    let (mut d, mut s) = session(Party::Owner);
    for (i, step) in NextStep::ALL.iter().enumerate() {
        assert!(s.done(Step::NextSteps).is_none());
        let on = (*step != NextStep::Gas).then(|| day(6 + i as u32));
        d.extend(
            note_next_step(
                &desk(),
                session_id(1),
                &s,
                *step,
                on,
                if on.is_none() { "暂不开通" } else { "" },
                t(day(5), 11, 10 + i as u32),
            )
            .unwrap(),
        );
        s = fold(&d, sref(1));
    }
    assert_eq!(s.done(Step::NextSteps).unwrap().at, t(day(5), 11, 16));
    assert_eq!(s.next[&NextStep::Decoration].0, Some(day(6)));
    assert_eq!(s.next[&NextStep::Gas].0, None);
}

#[test]
fn move_9_a_tenant_is_registered_only_with_lease_rent_id_and_accepted_decoration() {
    let (mut d, _) = opened();
    // A tenant needs no batch; an owner does.
    assert!(start(
        &desk(),
        session_id(2),
        None,
        unit(1),
        "5号楼 0301",
        "业主1",
        "",
        Party::Owner,
        0
    )
    .is_err());
    d.extend(
        start(
            &desk(),
            session_id(2),
            None,
            unit(1),
            "5号楼 0301",
            "租户甲",
            "13900139000",
            Party::Tenant,
            t(day(10), 9, 0),
        )
        .unwrap(),
    );
    let s: MoveInSession = fold(&d, sref(2));
    assert_eq!(
        Step::for_party(Party::Tenant),
        &[Step::Conditions, Step::Household]
    );
    let form = HouseholdForm {
        people: vec![Person {
            name: "租户甲".into(),
            phone: "13900139000".into(),
        }],
        note: String::new(),
    };
    let hh = Id::derived("mv-hh", 9);
    // Three of four: not registered, the missing condition named.
    let three: BTreeSet<TenantCondition> = [
        TenantCondition::Lease,
        TenantCondition::Rent,
        TenantCondition::Identity,
    ]
    .into_iter()
    .collect();
    d.extend(check_conditions(&desk(), session_id(2), &s, &three, t(day(10), 9, 5)).unwrap());
    let s: MoveInSession = fold(&d, sref(2));
    assert!(s.done(Step::Conditions).is_none());
    let e = file_household(&desk(), session_id(2), &s, hh, &form, 0, &cal()).unwrap_err();
    assert!(e.message().zh.contains("验收合格"), "{}", e.message().zh);
    // Owner steps do not apply to a tenant.
    assert!(hand_keys(&desk(), session_id(2), &s, &keys(), None, &sig(), 0).is_err());
    let all: BTreeSet<TenantCondition> = TenantCondition::ALL.iter().copied().collect();
    d.extend(check_conditions(&desk(), session_id(2), &s, &all, t(day(10), 9, 10)).unwrap());
    let s: MoveInSession = fold(&d, sref(2));
    let out = file_household(
        &desk(),
        session_id(2),
        &s,
        hh,
        &form,
        t(day(10), 9, 12),
        &cal(),
    )
    .unwrap();
    match &out[0].body {
        EventBody::Registry(registry::RegistryEvent::HouseholdSet { info }) => {
            assert_eq!(info.tenure, Tenure::Tenant);
            assert_eq!(info.unit, unit(1));
        }
        other => panic!("{other:?}"),
    }
    d.extend(out);
    let s: MoveInSession = fold(&d, sref(2));
    assert!(s.remaining().is_empty());
    // Conditions are a tenant's only.
    let (_, owner) = session(Party::Owner);
    assert!(check_conditions(&desk(), session_id(1), &owner, &all, 0).is_err());
}

#[test]
fn move_10_finishing_schedules_the_move_in_callback_within_a_week_cb_1() {
    let (mut d, s) = session(Party::Owner);
    let e = finish(&desk(), session_id(1), &s, Id::derived("cb", 1), 0, &cal()).unwrap_err();
    assert!(e.message().zh.contains("资料验证"));
    // Every step, in one go.
    let now = t(day(5), 9, 40);
    let all_docs: BTreeSet<Doc> = Doc::required_for(Party::Owner).into_iter().collect();
    let papers: BTreeSet<Paper> = Paper::ALL.iter().copied().collect();
    let form = HouseholdForm {
        people: vec![Person {
            name: "业主1".into(),
            phone: "13800138000".into(),
        }],
        note: String::new(),
    };
    let mut s = s;
    let step = |d: &mut Vec<Draft>, out: Vec<Draft>| -> MoveInSession {
        d.extend(out);
        fold(d, sref(1))
    };
    s = step(
        &mut d,
        check_documents(&desk(), session_id(1), &s, &all_docs, now).unwrap(),
    );
    s = step(
        &mut d,
        sign_agreements(&desk(), session_id(1), &s, &papers, &sig(), now).unwrap(),
    );
    let hh = Id::derived("mv-hh", 1);
    s = step(
        &mut d,
        file_household(&desk(), session_id(1), &s, hh, &form, now, &cal()).unwrap(),
    );
    s = step(
        &mut d,
        note_fees(&desk(), session_id(1), &s, "CW-1", false, "", now).unwrap(),
    );
    s = step(
        &mut d,
        inspect(&desk(), session_id(1), &s, &inspection(0), now).unwrap(),
    );
    s = step(
        &mut d,
        hand_keys(&desk(), session_id(1), &s, &keys(), None, &sig(), now).unwrap(),
    );
    for n in NextStep::ALL {
        s = step(
            &mut d,
            note_next_step(&desk(), session_id(1), &s, *n, Some(day(6)), "", now).unwrap(),
        );
    }
    assert!(s.remaining().is_empty());
    let done = t(day(5), 11, 30);
    let cb = Id::derived("cb", 1);
    d.extend(finish(&desk(), session_id(1), &s, cb, done, &cal()).unwrap());
    let c: Callback = fold(&d, RecordRef::new(RecordKind::Callback, cb));
    let spec = c.spec.as_ref().unwrap();
    assert_eq!(spec.kind, CallbackKind::MoveIn);
    assert_eq!(spec.household, Some(hh));
    assert_eq!(spec.source, Some(sref(1)));
    // CB-1: a move-in callback within a week, to the minute.
    assert_eq!(spec.clock.deadline, done + 7 * 24 * 60 * MINUTE);
    let s: MoveInSession = fold(&d, sref(1));
    assert_eq!(s.index().status.as_deref(), Some("done"));
    assert_eq!(s.callback, Some(cb));
    // Finished: no more steps.
    assert!(note_fees(&desk(), session_id(1), &s, "CW-2", false, "", done).is_err());
}

#[test]
fn move_1_to_10_engineering_staff_may_not_run_a_session_and_fold_time_authority_agrees() {
    let (_, s) = session(Party::Owner);
    for r in [Role::DepartmentLead, Role::DepartmentStaff] {
        let who = actor(9, &[r]);
        for e in [
            note_fees(&who, session_id(1), &s, "CW-1", false, "", 0).unwrap_err(),
            inspect(&who, session_id(1), &s, &inspection(0), 0).unwrap_err(),
            finish(&who, session_id(1), &s, Id::derived("cb", 1), 0, &cal()).unwrap_err(),
        ] {
            denied_naming(e, "办理入伙手续", "run move-in sessions");
        }
    }
    let opened = EventBody::MoveIn(MoveInEvent::BatchOpened {
        at: 0,
        by: sid(1),
        batch: Box::new(info()),
    });
    assert_eq!(
        requirement(&opened),
        Requirement::AnyOf(&[Action::OpenMoveIn])
    );
    let reminded = EventBody::MoveIn(MoveInEvent::Reminded {
        at: 0,
        by: sid(1),
        unit: unit(1),
        way: ReminderWay::Phone,
        note: String::new(),
    });
    assert_eq!(
        requirement(&reminded),
        Requirement::AnyOf(&[Action::RemindMoveIn])
    );
    let returned = EventBody::MoveIn(MoveInEvent::KeyReturned {
        at: 0,
        by: sid(1),
        label: "x".into(),
    });
    assert_eq!(
        requirement(&returned),
        Requirement::AnyOf(&[Action::HandleMoveIn])
    );
}

#[test]
fn move_1_7_demo_building_has_households_done_in_progress_and_overdue() {
    use crate::domain::demo::{demo_estate, DEMO_AS_OF, DEMO_PIN};
    let demo = demo_estate(7, crate::testkit::pin(DEMO_PIN), DEMO_AS_OF);
    let mine: Vec<Draft> = demo
        .drafts
        .iter()
        .filter(|d| {
            matches!(
                d.subject.kind,
                RecordKind::MoveInBatch | RecordKind::MoveInSession
            )
        })
        .cloned()
        .collect();
    let mut batches: Vec<MoveInBatch> = Vec::new();
    let mut sessions: Vec<MoveInSession> = Vec::new();
    let subjects: BTreeSet<RecordRef> = mine.iter().map(|d| d.subject).collect();
    for s in subjects {
        match s.kind {
            RecordKind::MoveInBatch => batches.push(fold(&mine, s)),
            _ => sessions.push(fold(&mine, s)),
        }
    }
    assert_eq!(batches.len(), 2);
    let overdue: usize = batches.iter().map(|b| b.no_shows(DEMO_AS_OF).len()).sum();
    let remind: usize = batches.iter().map(|b| b.to_remind(DEMO_AS_OF).len()).sum();
    assert_eq!((overdue, remind), (2, 2));
    let done = sessions.iter().filter(|s| s.finished.is_some()).count();
    assert_eq!((sessions.len(), done), (8, 6));
    let kept = sessions.iter().filter(|s| s.kept.is_some()).count();
    assert_eq!(kept, 2);
    // QUAL-3: the monthly pack's move-in sheet over all time counts what the demo holds.
    let all = month_figures(&sessions, i64::MIN, i64::MAX);
    let get = |k: &str| all.iter().find(|(l, _)| l == k).map(|(_, v)| v.clone());
    assert_eq!(get("本月开始办理（户）").as_deref(), Some("8"));
    assert_eq!(get("本月办结（户）").as_deref(), Some("6"));
    assert_eq!(get("月末办理中（户）").as_deref(), Some("2"));
    assert_eq!(get("维修留存钥匙未归还（户，当前）").as_deref(), Some("2"));
    // A month before move-in opened counts nothing (the kept keys are today's, not the month's).
    let none = month_figures(&sessions, 0, 1);
    assert!(none
        .iter()
        .filter(|(l, _)| !l.contains("钥匙"))
        .all(|(_, v)| v == "0"));
    assert!(sessions
        .iter()
        .any(|s| s.finished.is_none() && !s.missing_docs().is_empty()));
    // The defect orders are real repair orders from 入伙验房.
    let orders = demo
        .drafts
        .iter()
        .filter(|d| match &d.body {
            EventBody::WorkOrder(crate::domain::workorder::WorkOrderEvent::Taken {
                order, ..
            }) => order.source == OrderSource::MoveIn,
            _ => false,
        })
        .count();
    assert_eq!(orders, 3);
}
