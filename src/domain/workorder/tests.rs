//! Household repairs (REP-1..7, REP-9), paid services (PAID-1..3, PAID-5..7, PAID-9), the fee
//! schedule, HELP-5 and the repair callback (CB-1). Every clock to the minute; every refusal
//! names the role. Public work orders from patrol (REP-8) are tested in patrol/tests.rs.

use super::fees::{self, FeeItemInput, FeeRecord, Pick, Schedule, ServiceKind};
use super::orders::*;
use super::report::{paid_summary, repair_fees, repair_fees_csv, split};
use super::*;
use crate::domain::callbacks::{Callback, CallbackKind};
use crate::domain::command::Actor;
use crate::domain::complaints::{self, HelpIntake, HelpKind, HelpRequest};
use crate::domain::duty::Post;
use crate::domain::event::{Draft, RecordKind, RecordRef};
use crate::domain::ids::Id;
use crate::domain::roles::{Department, Role};
use crate::domain::sla::SlaState;
use crate::domain::view::Aggregate;
use crate::testkit::fold;
use chrono::{NaiveDate, NaiveTime};

const MIN: i64 = 60_000;
const SIG: &str = "M10 10 L20 20 L30 15";

fn cal() -> BusinessCalendar {
    BusinessCalendar::default()
}
fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> i64 {
    cal().at(
        NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        NaiveTime::from_hms_opt(h, mi, 0).unwrap(),
    )
}
fn t0() -> i64 {
    at(2026, 11, 10, 9, 0)
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
fn reception() -> Actor {
    actor(4, &[Role::Receptionist])
}
fn eng_lead() -> Actor {
    actor(5, &[Role::DepartmentLead])
}
fn tech() -> Actor {
    actor(6, &[Role::DepartmentStaff])
}
fn tech2() -> Actor {
    actor(7, &[Role::DepartmentStaff])
}
fn rid(n: u64) -> RecordId {
    Id::derived("rec", n)
}

/// Runs commands and keeps their drafts in order.
#[derive(Default)]
struct W {
    d: Vec<Draft>,
}
impl W {
    fn run(&mut self, r: Result<Vec<Draft>, DomainError>) -> Vec<Draft> {
        let ds = r.expect("command accepted");
        self.d.extend(ds.clone());
        ds
    }
    fn o(&self, id: RecordId) -> WorkOrder {
        fold(&self.d, RecordRef::new(RecordKind::WorkOrder, id))
    }
    fn schedule(&self) -> Schedule {
        let mut s = Schedule::new();
        for d in &self.d {
            if d.subject.kind == RecordKind::FeeItem {
                let r: FeeRecord = fold(&self.d, d.subject);
                if let Some(i) = r.item {
                    s.insert(d.subject.id, i);
                }
            }
        }
        s
    }
}

fn item(kind: ServiceKind, code: &str, name: &str, yuan: i64) -> FeeItemInput {
    FeeItemInput {
        kind,
        code: code.into(),
        name: name.into(),
        unit: "次".into(),
        price_fen: yuan * 100,
        active: true,
    }
}

/// The schedule: rid(100) 更换水龙头 ¥30, rid(101) 疏通下水道 ¥50, rid(102) 居家保洁 ¥120.
fn with_schedule() -> W {
    let mut w = W::default();
    w.run(fees::set_item(
        &director(),
        rid(100),
        &item(ServiceKind::WaterRepair, "S-01", "更换水龙头", 30),
        t0() - 86_400_000,
    ));
    w.run(fees::set_item(
        &director(),
        rid(101),
        &item(ServiceKind::Unblocking, "S-02", "疏通下水道", 50),
        t0() - 86_400_000,
    ));
    w.run(fees::set_item(
        &director(),
        rid(102),
        &item(ServiceKind::Cleaning, "P-01", "居家保洁（3小时）", 120),
        t0() - 86_400_000,
    ));
    w
}

fn form(kind: OrderKind, picks: Vec<Pick>) -> OrderForm {
    OrderForm {
        kind,
        source: OrderSource::Phone,
        household: Some(rid(900)),
        unit: Some(rid(901)),
        place: "3号楼 1201".into(),
        contact_name: "陈先生".into(),
        contact_phone: "13800001111".into(),
        content: "厨房水龙头漏水".into(),
        picks,
        appointment: None,
        emergency: false,
        department: Department::Engineering,
        lead: Some(eng_lead().id),
    }
}

fn tap(q: u32) -> Pick {
    Pick {
        item: rid(100),
        qty: q,
    }
}

fn take(w: &mut W, id: RecordId, f: &OrderForm) {
    let s = w.schedule();
    w.run(take_order(&reception(), id, f, &s, None, t0(), &cal()));
}

fn on_site(w: &mut W, id: RecordId) {
    take(w, id, &form(OrderKind::Repair, vec![tap(1)]));
    let o = w.o(id);
    w.run(receive(
        &eng_lead(),
        id,
        &o,
        Some(tech().id),
        t0() + 2 * MIN,
        &OrderSettings::default(),
        &cal(),
    ));
    let o = w.o(id);
    w.run(orders::arrive(&tech(), id, &o, t0() + 9 * MIN));
}

// ----- fee schedule ----------------------------------------------------------------------------

#[test]
fn rep_2_paid_1_only_the_director_approves_fee_items_who_and_when_recorded() {
    for a in [supervisor(), assistant(), reception(), eng_lead(), tech()] {
        let e = fees::set_item(
            &a,
            rid(1),
            &item(ServiceKind::Cleaning, "P", "保洁", 100),
            t0(),
        )
        .unwrap_err();
        assert!(e.message().zh.contains("物业部主任"), "{:?}", a.roles);
    }
    let mut w = W::default();
    w.run(fees::set_item(
        &director(),
        rid(1),
        &item(ServiceKind::Cleaning, "P", "保洁", 100),
        t0(),
    ));
    let r: FeeRecord = fold(&w.d, RecordRef::new(RecordKind::FeeItem, rid(1)));
    let i = r.item.clone().unwrap();
    assert_eq!(
        (i.approved_by, i.approved_at, i.price_fen),
        (director().id, t0(), 10_000)
    );
    assert!(fees::set_item(
        &director(),
        rid(2),
        &FeeItemInput {
            price_fen: 0,
            ..item(ServiceKind::Cleaning, "P", "保洁", 1)
        },
        t0()
    )
    .is_err());
    assert!(r.index().search.contains(&fees::FEE_ACTIVE_KEY.to_string()));
}

#[test]
fn rep_2_paid_1_no_free_price_only_items_of_the_approved_schedule() {
    let w = with_schedule();
    let s = w.schedule();
    // An item outside the schedule (or withdrawn) is refused: the price comes from nowhere else.
    let unknown = fees::lines(
        &[Pick {
            item: rid(555),
            qty: 1,
        }],
        &s,
    )
    .unwrap_err();
    assert!(unknown.message().zh.contains("不在已批准的收费标准内"));
    let mut withdrawn = s.clone();
    withdrawn.get_mut(&rid(100)).unwrap().active = false;
    assert!(fees::lines(&[tap(1)], &withdrawn).is_err());
    let l = fees::lines(&[tap(2)], &s).unwrap();
    assert_eq!((l[0].price_fen, l[0].total_fen()), (3_000, 6_000));
    // PAID-1: a paid service without schedule items is refused.
    let e = take_order(
        &reception(),
        rid(1),
        &form(OrderKind::Paid, vec![]),
        &s,
        None,
        t0(),
        &cal(),
    )
    .unwrap_err();
    assert!(e.message().zh.contains("价目表"));
}

#[test]
fn paid_9_counts_kinds_of_paid_service_against_six() {
    let mut w = with_schedule();
    assert_eq!(fees::paid_kinds(&w.schedule()).len(), 3);
    for (n, k) in [
        ServiceKind::ElectricRepair,
        ServiceKind::Installation,
        ServiceKind::Glass,
        ServiceKind::Greening,
    ]
    .into_iter()
    .enumerate()
    {
        w.run(fees::set_item(
            &director(),
            rid(200 + n as u64),
            &item(k, "X", "项目", 80),
            t0(),
        ));
    }
    let kinds = fees::paid_kinds(&w.schedule());
    assert_eq!(kinds.len(), 7);
    assert!(kinds.len() >= fees::PAID_KINDS_TARGET);
}

// ----- REP-1..3 clocks ----------------------------------------------------------------------------

#[test]
fn rep_1_desk_takes_the_order_engineering_notified_within_3_minutes_on_the_leads_home() {
    let mut w = with_schedule();
    for a in [eng_lead(), tech()] {
        let e = take_order(
            &a,
            rid(1),
            &form(OrderKind::Repair, vec![tap(1)]),
            &w.schedule(),
            None,
            t0(),
            &cal(),
        )
        .unwrap_err();
        assert!(e.message().zh.contains("前台接待员"));
    }
    let mut bad = form(OrderKind::Repair, vec![tap(1)]);
    bad.contact_phone = "abc".into();
    assert!(take_order(
        &reception(),
        rid(1),
        &bad,
        &w.schedule(),
        None,
        t0(),
        &cal()
    )
    .is_err());
    take(&mut w, rid(1), &form(OrderKind::Repair, vec![tap(1)]));
    let o = w.o(rid(1));
    assert_eq!(o.status, WorkOrderStatus::Opened);
    assert!(o.serial.starts_with("WX-20261110-"));
    let ix = o.index();
    assert_eq!(
        ix.assignee,
        Some(eng_lead().id),
        "notice on the engineering lead's home"
    );
    let c = ix.clock.unwrap();
    assert_eq!(c.deadline, t0() + 3 * MIN);
    assert_eq!(c.state(t0() + 3 * MIN + 1), SlaState::Overdue);
    assert!(ix
        .search
        .contains(&list_key("2026-11", Some(WorkOrderStatus::Opened))));
    // Received at 2:59: in time.
    w.run(receive(
        &eng_lead(),
        rid(1),
        &o,
        Some(tech().id),
        t0() + 2 * MIN + 59_000,
        &OrderSettings::default(),
        &cal(),
    ));
    assert_eq!(
        w.o(rid(1)).notify.unwrap().state(t0() + 10 * MIN),
        SlaState::MetInTime
    );
}

/// Issue 19, REP-1: 报修's open list reads a page by key, the most urgent first — the running
/// clock's deadline; an order without one (being repaired) after every deadline; done and
/// cancelled orders leave it; patrol's list key is never on a household order.
#[test]
fn rep_1_open_household_orders_keyed_most_urgent_first() {
    let mut w = with_schedule();
    take(&mut w, rid(1), &form(OrderKind::Repair, vec![tap(1)]));
    on_site(&mut w, rid(2));
    let keys = |o: &WorkOrder, family: &str| -> Vec<String> {
        o.index()
            .search
            .into_iter()
            .filter(|k| k.starts_with(family))
            .collect()
    };
    let (taken, repairing) = (w.o(rid(1)), w.o(rid(2)));
    assert_eq!(repairing.status, WorkOrderStatus::OnSite);
    let first = keys(&taken, HOUSEHOLD_OPEN);
    assert_eq!(
        first,
        vec![crate::domain::view::time_key(
            HOUSEHOLD_OPEN,
            t0() + 3 * MIN
        )],
        "REP-1: engineering's 3 minutes"
    );
    let last = keys(&repairing, HOUSEHOLD_OPEN);
    assert_eq!(last.len(), 1);
    assert!(first[0] < last[0], "no running clock: after every deadline");
    assert!(keys(&taken, PATROL_OPEN).is_empty());
    assert!(WorkOrderStatus::ALL
        .into_iter()
        .filter(|s| !s.is_open())
        .eq([WorkOrderStatus::Done, WorkOrderStatus::Cancelled]));
}

#[test]
fn rep_2_in_schedule_asap_on_site_within_10_minutes_of_receipt() {
    let mut w = with_schedule();
    take(&mut w, rid(1), &form(OrderKind::Repair, vec![tap(1)]));
    let o = w.o(rid(1));
    for a in [reception(), tech(), supervisor()] {
        assert!(receive(
            &a,
            rid(1),
            &o,
            Some(tech().id),
            t0(),
            &OrderSettings::default(),
            &cal()
        )
        .is_err());
    }
    assert!(
        receive(
            &eng_lead(),
            rid(1),
            &o,
            None,
            t0(),
            &OrderSettings::default(),
            &cal()
        )
        .is_err(),
        "a worker is needed"
    );
    w.run(receive(
        &eng_lead(),
        rid(1),
        &o,
        Some(tech().id),
        t0() + 2 * MIN,
        &OrderSettings::default(),
        &cal(),
    ));
    let o = w.o(rid(1));
    assert_eq!(o.status, WorkOrderStatus::Notified);
    let c = o.index().clock.unwrap();
    assert_eq!(c.deadline, t0() + 12 * MIN);
    assert_eq!(o.index().assignee, Some(tech().id));
    w.run(orders::arrive(&tech(), rid(1), &o, t0() + 12 * MIN + 1));
    assert_eq!(
        w.o(rid(1)).on_site.unwrap().state(t0() + 20 * MIN),
        SlaState::MetLate
    );
}

#[test]
fn rep_2_appointment_on_site_5_minutes_before_it() {
    let mut w = with_schedule();
    let mut f = form(OrderKind::Repair, vec![tap(1)]);
    f.appointment = Some(at(2026, 11, 10, 14, 30));
    take(&mut w, rid(1), &f);
    let o = w.o(rid(1));
    w.run(receive(
        &eng_lead(),
        rid(1),
        &o,
        Some(tech().id),
        t0() + MIN,
        &OrderSettings::default(),
        &cal(),
    ));
    let o = w.o(rid(1));
    assert_eq!(
        o.on_site.clone().unwrap().deadline,
        at(2026, 11, 10, 14, 25)
    );
    w.run(orders::arrive(
        &tech(),
        rid(1),
        &o,
        at(2026, 11, 10, 14, 25),
    ));
    assert_eq!(
        w.o(rid(1)).on_site.unwrap().state(at(2026, 11, 11, 0, 0)),
        SlaState::MetInTime
    );
    // An appointment in the past is refused.
    let mut past = form(OrderKind::Repair, vec![tap(1)]);
    past.appointment = Some(t0() - MIN);
    assert!(take_order(
        &reception(),
        rid(2),
        &past,
        &w.schedule(),
        None,
        t0(),
        &cal()
    )
    .is_err());
}

#[test]
fn rep_2_not_in_schedule_supervisor_assesses_in_15_minutes_customer_agrees_before_dispatch() {
    let mut w = with_schedule();
    let mut f = form(OrderKind::Repair, vec![]);
    f.content = "阳台晾衣架改装".into();
    take(&mut w, rid(1), &f);
    let o = w.o(rid(1));
    w.run(receive(
        &eng_lead(),
        rid(1),
        &o,
        None,
        t0() + MIN,
        &OrderSettings::default(),
        &cal(),
    ));
    let o = w.o(rid(1));
    assert_eq!(o.status, WorkOrderStatus::Assessing);
    assert_eq!(o.index().clock.unwrap().deadline, t0() + 16 * MIN);
    // Nobody may dispatch before the customer agreed.
    assert!(dispatch(
        &eng_lead(),
        rid(1),
        &o,
        tech().id,
        t0() + 2 * MIN,
        &OrderSettings::default()
    )
    .is_err());
    // Only the lead assesses.
    assert!(assess(
        &tech(),
        rid(1),
        &o,
        true,
        8_000,
        "可修，约1小时",
        t0() + 10 * MIN
    )
    .is_err());
    assert!(assess(
        &reception(),
        rid(1),
        &o,
        true,
        8_000,
        "可修，约1小时",
        t0() + 10 * MIN
    )
    .is_err());
    w.run(assess(
        &eng_lead(),
        rid(1),
        &o,
        true,
        8_000,
        "可修，约1小时",
        t0() + 16 * MIN,
    ));
    let o = w.o(rid(1));
    assert_eq!(
        o.assess.clone().unwrap().state(t0() + DAY),
        SlaState::MetInTime
    );
    assert_eq!(o.status, WorkOrderStatus::AwaitingCustomer);
    assert_eq!(o.fee_fen(), 8_000);
    assert_eq!(
        o.index().assignee,
        Some(reception().id),
        "back to the desk to ask"
    );
    assert!(fee_answer(&tech(), rid(1), &o, true, t0() + 20 * MIN).is_err());
    w.run(fee_answer(&reception(), rid(1), &o, true, t0() + 20 * MIN));
    let o = w.o(rid(1));
    assert_eq!(o.status, WorkOrderStatus::Agreed);
    w.run(dispatch(
        &eng_lead(),
        rid(1),
        &o,
        tech().id,
        t0() + 21 * MIN,
        &OrderSettings::default(),
    ));
    assert_eq!(w.o(rid(1)).on_site.unwrap().deadline, t0() + 31 * MIN);
    // Not feasible: cancelled.
    take(&mut w, rid(2), &f);
    let o = w.o(rid(2));
    w.run(receive(
        &eng_lead(),
        rid(2),
        &o,
        None,
        t0() + MIN,
        &OrderSettings::default(),
        &cal(),
    ));
    let o = w.o(rid(2));
    w.run(assess(
        &eng_lead(),
        rid(2),
        &o,
        false,
        0,
        "涉及承重结构，不能维修",
        t0() + 17 * MIN,
    ));
    let o = w.o(rid(2));
    assert_eq!(o.status, WorkOrderStatus::Cancelled);
    assert_eq!(
        o.assess.unwrap().state(t0() + DAY),
        SlaState::MetLate,
        "16 min > 15"
    );
}

const DAY: i64 = 24 * 60 * MIN;

#[test]
fn rep_3_emergency_dispatches_at_once_within_the_setting() {
    let mut w = with_schedule();
    let mut f = form(OrderKind::Repair, vec![]);
    f.emergency = true;
    f.content = "水管爆裂".into();
    take(&mut w, rid(1), &f);
    let o = w.o(rid(1));
    assert!(o.index().title.contains("紧急"));
    let s = OrderSettings {
        emergency_minutes: 7,
        ..Default::default()
    };
    // No assessment for an emergency, even outside the schedule.
    w.run(receive(
        &eng_lead(),
        rid(1),
        &o,
        Some(tech().id),
        t0() + MIN,
        &s,
        &cal(),
    ));
    let o = w.o(rid(1));
    assert_eq!(o.status, WorkOrderStatus::Notified);
    assert_eq!(o.on_site.clone().unwrap().deadline, t0() + 8 * MIN);
    assert!(OrderSettings {
        emergency_minutes: 0,
        ..Default::default()
    }
    .validate()
    .is_err());
    assert!(OrderSettings {
        split_company: 60,
        ..Default::default()
    }
    .validate()
    .is_err());
    assert!(OrderSettings::default().validate().is_ok());
}

// ----- REP-4..6 on site ---------------------------------------------------------------------------

#[test]
fn rep_4_technician_corrects_items_from_the_schedule_customer_signs_to_agree() {
    let mut w = with_schedule();
    on_site(&mut w, rid(1));
    let o = w.o(rid(1));
    assert_eq!(o.status, WorkOrderStatus::OnSite);
    assert_eq!(
        o.on_site.clone().unwrap().state(t0() + DAY),
        SlaState::MetInTime
    );
    let s = w.schedule();
    assert!(correct_items(&reception(), rid(1), &o, &[tap(1)], &s, "", t0()).is_err());
    assert!(correct_items(
        &tech(),
        rid(1),
        &o,
        &[Pick {
            item: rid(999),
            qty: 1
        }],
        &s,
        "",
        t0()
    )
    .is_err());
    w.run(correct_items(
        &tech(),
        rid(1),
        &o,
        &[
            tap(1),
            Pick {
                item: rid(101),
                qty: 1,
            },
        ],
        &s,
        "另需疏通下水道",
        t0() + 15 * MIN,
    ));
    let o = w.o(rid(1));
    assert_eq!(o.fee_fen(), 8_000);
    // Done before agreeing is refused; an empty signature is refused.
    assert!(finish(
        &tech(),
        rid(1),
        &o,
        "已更换",
        SIG,
        rid(50),
        t0() + 40 * MIN,
        &cal()
    )
    .is_err());
    assert!(customer_agrees(&tech(), rid(1), &o, "", t0() + 16 * MIN).is_err());
    w.run(customer_agrees(&tech(), rid(1), &o, SIG, t0() + 16 * MIN));
    let o = w.o(rid(1));
    assert!(
        correct_items(&tech(), rid(1), &o, &[tap(2)], &s, "", t0()).is_err(),
        "fixed once agreed"
    );
}

#[test]
fn rep_4_declined_with_reason_technician_and_supervisor_confirm_back_to_the_desk() {
    let mut w = with_schedule();
    on_site(&mut w, rid(1));
    let o = w.o(rid(1));
    assert!(
        decline(&tech(), &tech(), rid(1), &o, "嫌贵", t0()).is_err(),
        "two people"
    );
    assert!(
        decline(&tech(), &tech2(), rid(1), &o, "嫌贵", t0()).is_err(),
        "the second is a supervisor"
    );
    assert!(
        decline(&tech(), &eng_lead(), rid(1), &o, " ", t0()).is_err(),
        "a reason"
    );
    w.run(decline(
        &tech(),
        &eng_lead(),
        rid(1),
        &o,
        "客户认为价格偏高，考虑后再报修",
        t0() + 20 * MIN,
    ));
    let o = w.o(rid(1));
    assert_eq!(o.status, WorkOrderStatus::Declined);
    let d = o.declined.clone().unwrap();
    assert_eq!((d.technician, d.supervisor), (tech().id, eng_lead().id));
    assert_eq!(
        o.index().assignee,
        Some(reception().id),
        "back at customer service"
    );
}

#[test]
fn rep_5_customer_material_checked_with_a_photo_customer_warned_and_decides() {
    let mut w = with_schedule();
    on_site(&mut w, rid(1));
    let o = w.o(rid(1));
    assert!(
        check_material(
            &tech(),
            rid(1),
            &o,
            "水龙头",
            MaterialVerdict::Poor,
            None,
            "",
            t0()
        )
        .is_err(),
        "photo"
    );
    assert!(
        check_material(
            &tech(),
            rid(1),
            &o,
            "水龙头",
            MaterialVerdict::Poor,
            Some(&photo("1")),
            " ",
            t0()
        )
        .is_err(),
        "warned and decided"
    );
    w.run(check_material(
        &tech(),
        rid(1),
        &o,
        "水龙头",
        MaterialVerdict::Ok,
        Some(&photo("1")),
        "",
        t0(),
    ));
    w.run(check_material(
        &tech(),
        rid(1),
        &o,
        "软管",
        MaterialVerdict::Poor,
        Some(&photo("2")),
        "已提示易漏水，客户坚持使用",
        t0(),
    ));
    let o = w.o(rid(1));
    assert_eq!(o.materials.len(), 2);
    assert_eq!(o.materials[1].verdict.label().zh, "质量不佳");
    assert_eq!(MaterialVerdict::ALL.len(), 3);
}

fn done(w: &mut W, id: RecordId, when: i64) {
    on_site(w, id);
    let o = w.o(id);
    w.run(customer_agrees(&tech(), id, &o, SIG, t0() + 10 * MIN));
    let o = w.o(id);
    w.run(finish(
        &tech(),
        id,
        &o,
        "已更换水龙头，试用不漏",
        SIG,
        Id::derived("cb", w.d.len() as u64),
        when,
        &cal(),
    ));
}

#[test]
fn rep_6_rep_9_cb_1_done_with_schedule_fees_and_signature_callback_due_in_a_month() {
    let mut w = with_schedule();
    on_site(&mut w, rid(1));
    let o = w.o(rid(1));
    w.run(customer_agrees(&tech(), rid(1), &o, SIG, t0() + 10 * MIN));
    let o = w.o(rid(1));
    assert!(
        finish(
            &tech(),
            rid(1),
            &o,
            "已更换",
            "",
            rid(50),
            t0() + 30 * MIN,
            &cal()
        )
        .is_err(),
        "customer signs"
    );
    assert!(finish(
        &reception(),
        rid(1),
        &o,
        "已更换",
        SIG,
        rid(50),
        t0() + 30 * MIN,
        &cal()
    )
    .is_err());
    let ds = w.run(finish(
        &tech(),
        rid(1),
        &o,
        "已更换水龙头，试用不漏",
        SIG,
        rid(50),
        t0() + 30 * MIN,
        &cal(),
    ));
    let o = w.o(rid(1));
    assert_eq!(o.status, WorkOrderStatus::Done);
    assert_eq!(o.fee_fen(), 3_000);
    assert_eq!(o.finished.clone().unwrap().lines[0].name, "更换水龙头");
    // REP-9 / CB-1: a repair callback, due one calendar month after completion.
    let cb: Callback = fold(&ds, RecordRef::new(RecordKind::Callback, rid(50)));
    let spec = cb.spec.unwrap();
    assert_eq!(spec.kind, CallbackKind::Repair);
    assert_eq!(
        spec.source,
        Some(RecordRef::new(RecordKind::WorkOrder, rid(1)))
    );
    assert_eq!(spec.clock.deadline, at(2026, 12, 10, 9, 30));
    assert_eq!(CallbackKind::Repair.target_percent(), Some(30));
    // Repairs take no cash at the desk (REP-7).
    let e = collect(
        &reception(),
        rid(1),
        &o,
        None,
        None,
        Post::ServiceCentre,
        "ab12",
        t0() + DAY,
        &cal(),
    )
    .unwrap_err();
    assert!(e.message().zh.contains("财务"));
}

#[test]
fn rep_7_paper_back_by_17_then_desk_finance_copy_by_the_25th() {
    // Done at 16:30: due back 17:00 the same day; finance by 25 Nov.
    let (p, f) = paper_clocks(at(2026, 11, 10, 16, 30), &cal());
    assert_eq!(p.deadline, at(2026, 11, 10, 17, 0));
    assert_eq!(f.deadline, at(2026, 11, 25, 17, 0));
    // Done at 17:10: next day 17:00. Done on the 26th: finance by 25 Dec; 28 Dec → 25 Jan.
    assert_eq!(
        paper_clocks(at(2026, 11, 10, 17, 10), &cal()).0.deadline,
        at(2026, 11, 11, 17, 0)
    );
    assert_eq!(
        paper_clocks(at(2026, 11, 26, 10, 0), &cal()).1.deadline,
        at(2026, 12, 25, 17, 0)
    );
    assert_eq!(
        paper_clocks(at(2026, 12, 28, 10, 0), &cal()).1.deadline,
        at(2027, 1, 25, 17, 0)
    );

    let mut w = with_schedule();
    done(&mut w, rid(1), at(2026, 11, 10, 16, 30));
    let o = w.o(rid(1));
    assert_eq!(
        o.index().assignee,
        Some(eng_lead().id),
        "paper due at the supervisor"
    );
    assert!(
        paper(&eng_lead(), rid(1), &o, PaperStep::ToDesk, t0()).is_err(),
        "in order"
    );
    assert!(paper(&tech(), rid(1), &o, PaperStep::ToSupervisor, t0()).is_err());
    w.run(paper(
        &eng_lead(),
        rid(1),
        &o,
        PaperStep::ToSupervisor,
        at(2026, 11, 10, 16, 59),
    ));
    let o = w.o(rid(1));
    assert_eq!(
        o.paper_clock.clone().unwrap().state(t0() + DAY),
        SlaState::MetInTime
    );
    assert_eq!(o.index().assignee, None);
    w.run(paper(
        &reception(),
        rid(1),
        &o,
        PaperStep::ToDesk,
        at(2026, 11, 10, 17, 5),
    ));
    let o = w.o(rid(1));
    w.run(paper(
        &reception(),
        rid(1),
        &o,
        PaperStep::ToFinance,
        at(2026, 11, 26, 9, 0),
    ));
    assert_eq!(
        w.o(rid(1)).finance_clock.unwrap().state(t0() + 30 * DAY),
        SlaState::MetLate
    );
}

#[test]
fn rep_7_monthly_repair_fees_per_household_for_finance_print_and_csv() {
    let mut w = with_schedule();
    done(&mut w, rid(1), at(2026, 11, 10, 10, 0));
    done(&mut w, rid(2), at(2026, 11, 12, 10, 0));
    done(&mut w, rid(3), at(2026, 12, 1, 10, 0));
    let orders: Vec<WorkOrder> = [1, 2, 3].map(|n| w.o(rid(n))).to_vec();
    let rows = repair_fees("2026-11", &orders);
    assert_eq!(rows.len(), 1, "one household");
    assert_eq!(rows[0].orders.len(), 2);
    assert_eq!(rows[0].total_fen, 6_000);
    let (h, r) = repair_fees_csv(&rows);
    let csv = String::from_utf8(crate::sync::csv::to_csv(&h, &r)).unwrap();
    assert!(csv.contains("3号楼 1201") && csv.contains("30.00"));
}

#[test]
fn rep_9_assistant_checks_yesterdays_repairs_one_tap_each() {
    let mut w = with_schedule();
    done(&mut w, rid(1), at(2026, 11, 10, 10, 0));
    let o = w.o(rid(1));
    let day = cal().local_date(at(2026, 11, 10, 10, 0));
    assert!(o.index().search.contains(&day_key(day)));
    let list = super::report::unchecked(&[(rid(1), o.clone())]);
    assert_eq!(list.len(), 1);
    for a in [reception(), tech(), eng_lead()] {
        assert!(daily_check(&a, rid(1), &o, "", at(2026, 11, 11, 15, 0)).is_err());
    }
    w.run(daily_check(
        &assistant(),
        rid(1),
        &o,
        "",
        at(2026, 11, 11, 15, 0),
    ));
    let o = w.o(rid(1));
    assert!(super::report::unchecked(&[(rid(1), o.clone())]).is_empty());
    assert!(daily_check(&assistant(), rid(1), &o, "", at(2026, 11, 11, 15, 1)).is_err());
}

// ----- paid services -----------------------------------------------------------------------------

fn cleaning(w: &mut W, id: RecordId, source: OrderSource) {
    let mut f = form(
        OrderKind::Paid,
        vec![Pick {
            item: rid(102),
            qty: 1,
        }],
    );
    f.source = source;
    f.content = "居家保洁3小时".into();
    f.department = Department::Environment;
    f.appointment = Some(at(2026, 11, 12, 9, 0));
    take(w, id, &f);
}

#[test]
fn paid_2_3_registration_notice_serial_phone_reply_in_10_minutes_supervisor_assigns_to_the_time() {
    let mut w = with_schedule();
    cleaning(&mut w, rid(1), OrderSource::Phone);
    let o = w.o(rid(1));
    let ord = o.order.clone().unwrap();
    assert_eq!(
        (ord.place.as_str(), ord.contact_phone.as_str()),
        ("3号楼 1201", "13800001111")
    );
    assert_eq!(o.fee_fen(), 12_000);
    assert!(
        o.serial.starts_with("YF-20261110-"),
        "one serial for the three copies"
    );
    assert_eq!(o.serial, serial(OrderKind::Paid, rid(1), t0()));
    let c = o.index().clock.unwrap();
    assert_eq!(c.deadline, t0() + 10 * MIN);
    w.run(receive(
        &eng_lead(),
        rid(1),
        &o,
        Some(tech2().id),
        t0() + 9 * MIN,
        &OrderSettings::default(),
        &cal(),
    ));
    let o = w.o(rid(1));
    assert_eq!(
        o.notify.clone().unwrap().state(t0() + DAY),
        SlaState::MetInTime
    );
    assert_eq!(o.worker, Some(tech2().id));
    assert_eq!(o.on_site.unwrap().deadline, at(2026, 11, 12, 8, 55));
}

#[test]
fn paid_4_5_owner_signs_desk_collects_once_rework_free_until_satisfied() {
    let mut w = with_schedule();
    cleaning(&mut w, rid(1), OrderSource::Desk);
    let o = w.o(rid(1));
    w.run(receive(
        &eng_lead(),
        rid(1),
        &o,
        Some(tech2().id),
        t0() + MIN,
        &OrderSettings::default(),
        &cal(),
    ));
    let o = w.o(rid(1));
    w.run(orders::arrive(
        &tech2(),
        rid(1),
        &o,
        at(2026, 11, 12, 8, 50),
    ));
    let o = w.o(rid(1));
    assert!(
        collect(
            &reception(),
            rid(1),
            &o,
            None,
            None,
            Post::ServiceCentre,
            "ab12",
            at(2026, 11, 12, 12, 0),
            &cal()
        )
        .is_err(),
        "after acceptance"
    );
    w.run(customer_agrees(
        &tech2(),
        rid(1),
        &o,
        SIG,
        at(2026, 11, 12, 9, 0),
    ));
    let o = w.o(rid(1));
    w.run(finish(
        &tech2(),
        rid(1),
        &o,
        "保洁完成",
        SIG,
        rid(60),
        at(2026, 11, 12, 12, 0),
        &cal(),
    ));
    let o = w.o(rid(1));
    assert!(collect(
        &tech2(),
        rid(1),
        &o,
        None,
        None,
        Post::ServiceCentre,
        "ab12",
        at(2026, 11, 12, 12, 5),
        &cal()
    )
    .is_err());
    // PAID-4: an earlier cash day of the till still open refuses the collection (cash module).
    let open_day = {
        let ds = crate::domain::cash::collect(
            &reception(),
            None,
            None,
            &crate::domain::cash::Collection {
                post: Post::ServiceCentre,
                tablet: "ab12".into(),
                amount: 100,
                what: "前日收款".into(),
                source: None,
                payer: "x".into(),
            },
            at(2026, 11, 11, 10, 0),
            &cal(),
        )
        .unwrap();
        fold::<crate::domain::cash::CashDay>(&ds, ds[0].subject)
    };
    let e = collect(
        &reception(),
        rid(1),
        &o,
        None,
        Some(&open_day),
        Post::ServiceCentre,
        "ab12",
        at(2026, 11, 12, 12, 5),
        &cal(),
    )
    .unwrap_err();
    assert!(e.message().zh.contains("尚未日结"));
    w.run(collect(
        &reception(),
        rid(1),
        &o,
        None,
        None,
        Post::ServiceCentre,
        "ab12",
        at(2026, 11, 12, 12, 5),
        &cal(),
    ));
    let o = w.o(rid(1));
    let c = o.collected.clone().unwrap();
    assert_eq!(c.amount_fen, 12_000);
    assert!(
        c.receipt.starts_with("SC-") || c.receipt.contains("-AB12-"),
        "{}",
        c.receipt
    );
    assert!(collect(
        &reception(),
        rid(1),
        &o,
        None,
        None,
        Post::ServiceCentre,
        "ab12",
        at(2026, 11, 12, 12, 6),
        &cal()
    )
    .is_err());
    // PAID-5: a fault at the callback: reworked free, the fee stays, no second callback.
    w.run(rework(
        &reception(),
        rid(1),
        &o,
        "卫生间未清洁干净",
        at(2026, 11, 13, 10, 0),
        &OrderSettings::default(),
    ));
    let o = w.o(rid(1));
    assert_eq!(o.status, WorkOrderStatus::Notified);
    assert_eq!(o.index().assignee, Some(tech2().id));
    w.run(orders::arrive(
        &tech2(),
        rid(1),
        &o,
        at(2026, 11, 13, 10, 8),
    ));
    let o = w.o(rid(1));
    let ds = w.run(finish(
        &tech2(),
        rid(1),
        &o,
        "返修完成，业主满意",
        SIG,
        rid(61),
        at(2026, 11, 13, 11, 0),
        &cal(),
    ));
    assert_eq!(ds.len(), 1, "no new callback, no new fee");
    let o = w.o(rid(1));
    assert_eq!(
        (o.status, o.fee_fen(), o.reworks.len()),
        (WorkOrderStatus::Done, 12_000, 1)
    );
}

#[test]
fn paid_7_split_50_35_15_rounded_to_the_fen_nothing_lost() {
    let s = OrderSettings::default();
    assert_eq!(
        split(12_000, &s),
        report::Split {
            company: 6_000,
            workers: 4_200,
            reserve: 1_800
        }
    );
    for fee in [1, 7, 99, 1_001, 3_333, 12_345, 99_999] {
        let sp = split(fee, &s);
        assert_eq!(sp.total(), fee, "nothing lost on {fee}");
        assert!(sp.company >= fee / 2);
    }
    assert_eq!(
        split(1_001, &s),
        report::Split {
            company: 501,
            workers: 350,
            reserve: 150
        }
    );
    let custom = OrderSettings {
        split_company: 40,
        split_workers: 45,
        split_reserve: 15,
        ..s
    };
    assert_eq!(split(10_000, &custom).workers, 4_500);
}

#[test]
fn paid_6_7_monthly_summary_per_department_and_per_worker() {
    let mut w = with_schedule();
    for n in 1..=3u64 {
        cleaning(&mut w, rid(n), OrderSource::Phone);
        let o = w.o(rid(n));
        let who = if n == 3 { tech() } else { tech2() };
        w.run(receive(
            &eng_lead(),
            rid(n),
            &o,
            Some(who.id),
            t0() + MIN,
            &OrderSettings::default(),
            &cal(),
        ));
        let o = w.o(rid(n));
        w.run(orders::arrive(&who, rid(n), &o, at(2026, 11, 12, 8, 50)));
        let o = w.o(rid(n));
        w.run(customer_agrees(
            &who,
            rid(n),
            &o,
            SIG,
            at(2026, 11, 12, 9, 0),
        ));
        let o = w.o(rid(n));
        w.run(finish(
            &who,
            rid(n),
            &o,
            "完成",
            SIG,
            rid(70 + n),
            at(2026, 11, 12, 12, 0),
            &cal(),
        ));
        if n != 2 {
            let o = w.o(rid(n));
            w.run(collect(
                &reception(),
                rid(n),
                &o,
                None,
                None,
                Post::ServiceCentre,
                "ab12",
                at(2026, 11, 12, 12, 5),
                &cal(),
            ));
        }
    }
    done(&mut w, rid(9), at(2026, 11, 12, 12, 0)); // a repair: not in the paid summary
    let orders: Vec<WorkOrder> = [1, 2, 3, 9].map(|n| w.o(rid(n))).to_vec();
    let s = paid_summary("2026-11", &orders, &OrderSettings::default());
    assert_eq!(
        (s.done, s.fees_fen, s.collected_fen, s.uncollected),
        (3, 36_000, 24_000, 1)
    );
    assert_eq!(s.by_department[&Department::Environment], (3, 36_000));
    assert_eq!(s.split.total(), 36_000);
    assert_eq!(s.by_worker[&tech2().id], (2, 8_400));
    assert_eq!(s.by_worker[&tech().id], (1, 4_200));
}

// ----- HELP-5 -----------------------------------------------------------------------------------

#[test]
fn help_5_a_repair_help_request_becomes_a_repair_order_linked_both_ways() {
    let mut w = with_schedule();
    let intake = HelpIntake {
        kind: HelpKind::Repair,
        household: Some(rid(900)),
        unit: Some(rid(901)),
        place: "3号楼 1201".into(),
        caller: "陈先生".into(),
        phone: "13800001111".into(),
        address: "3号楼 1201".into(),
        what: "灯不亮".into(),
        needs_supervisor: false,
    };
    w.run(complaints::register_help(
        &reception(),
        rid(10),
        &intake,
        t0(),
        &Default::default(),
        &cal(),
    ));
    let h: HelpRequest = fold(&w.d, RecordRef::new(RecordKind::HelpRequest, rid(10)));
    let s = w.schedule();
    w.run(from_help(
        &reception(),
        rid(1),
        rid(10),
        &h,
        &form(OrderKind::Repair, vec![tap(1)]),
        &s,
        t0() + MIN,
        &cal(),
    ));
    let o = w.o(rid(1));
    let ord = o.order.unwrap();
    assert_eq!(ord.source, OrderSource::Help);
    assert_eq!(
        ord.origin,
        Some(RecordRef::new(RecordKind::HelpRequest, rid(10)))
    );
    let h: HelpRequest = fold(&w.d, RecordRef::new(RecordKind::HelpRequest, rid(10)));
    assert_eq!(
        h.routed_to,
        Some(RecordRef::new(RecordKind::WorkOrder, rid(1)))
    );
    assert!(
        from_help(
            &reception(),
            rid(2),
            rid(10),
            &h,
            &form(OrderKind::Repair, vec![tap(1)]),
            &s,
            t0(),
            &cal()
        )
        .is_err(),
        "once"
    );
    let mut other = intake.clone();
    other.kind = HelpKind::Enquiry;
    w.run(complaints::register_help(
        &reception(),
        rid(11),
        &other,
        t0(),
        &Default::default(),
        &cal(),
    ));
    let h2: HelpRequest = fold(&w.d, RecordRef::new(RecordKind::HelpRequest, rid(11)));
    assert!(from_help(
        &reception(),
        rid(3),
        rid(11),
        &h2,
        &form(OrderKind::Repair, vec![tap(1)]),
        &s,
        t0(),
        &cal()
    )
    .is_err());
}

// ----- the one model ----------------------------------------------------------------------------

#[test]
fn rep_8_patrol_orders_unchanged_household_events_do_not_touch_them() {
    let o = open_from_patrol(
        rid(1),
        WorkOrderInfo {
            source: Source::Patrol {
                finding: rid(2),
                round: None,
            },
            facility: None,
            location: "2号楼大堂".into(),
            description: "灯坏".into(),
            lock: false,
        },
        Some(eng_lead().id),
        t0(),
        &cal(),
    );
    let mut w = W::default();
    w.d.push(o);
    let wo = w.o(rid(1));
    assert!(wo.order.is_none());
    assert!(wo.index().title.starts_with("公共设施报修"));
    // A desk step sent to a patrol order changes nothing.
    w.d.push(Draft {
        subject: RecordRef::new(RecordKind::WorkOrder, rid(1)),
        body: crate::domain::event::EventBody::WorkOrder(WorkOrderEvent::DailyChecked {
            at: t0(),
            by: assistant().id,
            note: String::new(),
        }),
    });
    assert_eq!(w.o(rid(1)).checked, None);
    // Every event has a label.
    for d in &w.d {
        assert!(!d.body.label().zh.is_empty());
    }
}

#[test]
fn demo_fee_schedule_and_three_months_of_orders_pass_every_rule() {
    use crate::domain::demo::{demo_estate, DEMO_AS_OF};
    let pin = crate::testkit::pin(crate::domain::demo::DEMO_PIN);
    let demo = demo_estate(7, pin, DEMO_AS_OF);
    let mine: Vec<&Draft> = demo
        .drafts
        .iter()
        .filter(|d| matches!(d.subject.kind, RecordKind::WorkOrder | RecordKind::FeeItem))
        .collect();
    let mut orders = std::collections::BTreeMap::<RecordId, WorkOrder>::new();
    let mut items = 0;
    for e in crate::testkit::stamp(mine.into_iter().cloned().collect()) {
        match e.subject.kind {
            RecordKind::WorkOrder => orders.entry(e.subject.id).or_default().apply(&e),
            _ => items += 1,
        }
    }
    assert_eq!(items, demo::SCHEDULE.len());
    let household: Vec<WorkOrder> = orders.into_values().filter(|o| o.order.is_some()).collect();
    assert!(household.len() > 40, "{}", household.len());
    let repairs = household
        .iter()
        .filter(|o| o.kind() == Some(OrderKind::Repair))
        .count();
    let paid = household.len() - repairs;
    assert!(repairs > 30 && paid > 8, "{repairs} {paid}");
    let last = DEMO_AS_OF
        .checked_sub_months(chrono::Months::new(1))
        .unwrap();
    let month = last.format("%Y-%m").to_string();
    assert!(!repair_fees(&month, &household).is_empty());
    let s = paid_summary(&month, &household, &OrderSettings::default());
    assert!(s.done > 1 && s.collected_fen > 0 && s.split.total() == s.fees_fen);
    for st in [WorkOrderStatus::Done, WorkOrderStatus::Declined] {
        assert!(household.iter().any(|o| o.status == st), "{st:?}");
    }
}

fn photo(b: &str) -> crate::domain::photo::Photo {
    crate::domain::photo::Photo {
        blob: format!("blob-{b}"),
        evidence: true,
        taken: t0(),
    }
}

/// REP-3 (the emergency on-the-way limit) and PAID-7 (the revenue split) are settings the
/// Director changes; a split that does not add up to 100 % is refused, a good one is recorded.
#[test]
fn rep_3_paid_7_order_settings_bad_split_refused_good_one_recorded() {
    use crate::domain::estate::{self, Estate, Settings};
    let bad = Settings {
        orders: OrderSettings {
            emergency_minutes: 15,
            split_company: 50,
            split_workers: 40,
            split_reserve: 15,
        },
        ..Settings::default()
    };
    let e = estate::change_settings(&director(), bad).unwrap_err();
    assert!(e.message().zh.contains("100%"), "{}", e.message().zh);
    assert!(e.message().en.contains("100 %"), "{}", e.message().en);
    let late = Settings {
        orders: OrderSettings {
            emergency_minutes: 61,
            ..OrderSettings::default()
        },
        ..Settings::default()
    };
    assert!(estate::change_settings(&director(), late).is_err());
    let good = OrderSettings {
        emergency_minutes: 15,
        split_company: 60,
        split_workers: 30,
        split_reserve: 10,
    };
    let s = Settings {
        orders: good,
        ..Settings::default()
    };
    assert!(estate::change_settings(&supervisor(), s.clone()).is_err());
    let mut d = vec![estate::founded("Estate".into())];
    d.extend(estate::change_settings(&director(), s).unwrap());
    let recorded: Estate = fold(&d, estate::estate_ref());
    assert_eq!(recorded.settings.orders, good);
    // The REP-3 clock reads the recorded limit.
    assert_eq!(recorded.settings.orders.emergency_minutes, 15);
}

fn reconcile_input(month: &str) -> super::report::ReconcileInput {
    super::report::ReconcileInput {
        month: month.into(),
        finance: "王会计".into(),
        engineering: "李主管".into(),
        environment: "赵主管".into(),
        difference: "差额¥5.00：一张收据未交财务，已补交".into(),
    }
}

/// PAID-6: the Supervisor records that the month's paid-service summary was reconciled with
/// finance, engineering and environment; one record per month (id derived from the month),
/// folded with who, when and the difference.
#[test]
fn paid_6_supervisor_records_the_month_reconciliation_one_record_per_month() {
    use super::report::{reconcile_month, reconciliation_id, PaidReconciliation};
    let now = t0();
    let d = reconcile_month(&supervisor(), &reconcile_input("2026-11"), now).unwrap();
    assert_eq!(d.len(), 1);
    let id = reconciliation_id("2026-11").unwrap();
    assert_eq!(
        d[0].subject,
        RecordRef::new(RecordKind::PaidReconciliation, id)
    );
    // the same month always has the same record; another month another one.
    assert_eq!(reconciliation_id("2026-11"), Some(id));
    assert_ne!(reconciliation_id("2026-10"), Some(id));
    let r: PaidReconciliation = fold(&d, d[0].subject);
    let s = r.signed.expect("reconciled");
    assert_eq!(s.month, "2026-11");
    assert_eq!((s.at, s.by), (now, supervisor().id));
    assert_eq!(s.finance, "王会计");
    assert_eq!(s.engineering, "李主管");
    assert_eq!(s.environment, "赵主管");
    assert!(s.difference.contains("¥5.00"));
    // the Director may too; a past month is fine, a month to come or a bad month is not.
    assert!(reconcile_month(&director(), &reconcile_input("2026-10"), now).is_ok());
    assert!(reconcile_month(&director(), &reconcile_input("2026-12"), now).is_err());
    assert!(reconcile_month(&director(), &reconcile_input("2026-13"), now).is_err());
    assert!(reconcile_month(&director(), &reconcile_input("11/2026"), now).is_err());
    // every department's confirmer is required.
    let mut missing = reconcile_input("2026-11");
    missing.environment = "  ".into();
    assert!(reconcile_month(&supervisor(), &missing, now).is_err());
}

/// PAID-6: only the Supervisor or the Director records the reconciliation; anyone else is
/// refused with a message naming the role, and the fold-time authority agrees.
#[test]
fn paid_6_reconciliation_refuses_other_roles_naming_the_role() {
    use super::report::reconcile_month;
    use crate::domain::authority::{requirement, Requirement};
    use crate::domain::roles::Action;
    for a in [assistant(), reception(), eng_lead(), tech()] {
        let e = reconcile_month(&a, &reconcile_input("2026-11"), t0()).unwrap_err();
        assert!(e.message().zh.contains("客服主管"), "{}", e.message().zh);
        assert!(e.message().en.contains("Supervisor"), "{}", e.message().en);
    }
    let d = reconcile_month(&supervisor(), &reconcile_input("2026-11"), t0()).unwrap();
    assert_eq!(
        requirement(&d[0].body),
        Requirement::AnyOf(&[Action::ReconcilePaid])
    );
}
