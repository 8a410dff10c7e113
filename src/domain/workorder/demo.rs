//! The demo's fee schedule (the seeds' kinds with plausible prices) and three months of household
//! repairs and paid services before `as_of`, made through this module's own commands by demo
//! staff of the right roles (every event passes fold-time authority). Deterministic: the same
//! seed and date give the same drafts.

use super::fees::{self, FeeItemInput, Pick, Schedule, ServiceKind};
use super::orders::{
    self, MaterialVerdict, OrderForm, OrderKind, OrderSettings, OrderSource, PaperStep,
};
use super::WorkOrder;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::callbacks::{self, Callback, CallbackOutcome};
use crate::domain::command::Actor;
use crate::domain::complaints::{Rating, SignOff};
use crate::domain::demo::DemoLogin;
use crate::domain::duty::Post;
use crate::domain::event::{Draft, Event, EventBody, RecordKind};
use crate::domain::hlc::Hlc;
use crate::domain::ids::{Entropy, Id, RecordId, SeededEntropy};
use crate::domain::registry::RegistryEvent;
use crate::domain::roles::{Department, Role};
use crate::domain::view::Aggregate;
use chrono::{Days, NaiveDate, NaiveTime};
use std::collections::BTreeMap;

/// The demo fee schedule: (kind, code, name, unit, yuan).
pub const SCHEDULE: &[(ServiceKind, &str, &str, &str, i64)] = &[
    (ServiceKind::WaterRepair, "S-01", "更换水龙头", "个", 30),
    (ServiceKind::WaterRepair, "S-02", "更换角阀", "个", 25),
    (ServiceKind::WaterRepair, "S-03", "更换马桶进水阀", "套", 40),
    (
        ServiceKind::ElectricRepair,
        "E-01",
        "更换开关/插座",
        "个",
        20,
    ),
    (
        ServiceKind::ElectricRepair,
        "E-02",
        "更换灯具（不含灯具）",
        "盏",
        30,
    ),
    (
        ServiceKind::ElectricRepair,
        "E-03",
        "检修漏电跳闸",
        "次",
        50,
    ),
    (ServiceKind::Installation, "I-01", "安装热水器", "台", 80),
    (
        ServiceKind::Installation,
        "I-02",
        "安装洗衣机水嘴及排水",
        "套",
        40,
    ),
    (ServiceKind::Unblocking, "U-01", "疏通下水道/地漏", "处", 50),
    (ServiceKind::Unblocking, "U-02", "疏通马桶", "个", 60),
    (
        ServiceKind::Cleaning,
        "C-01",
        "居家保洁（3小时）",
        "次",
        120,
    ),
    (ServiceKind::Cleaning, "C-02", "厨房深度清洁", "次", 150),
    (ServiceKind::Glass, "G-01", "玻璃清洗", "平方米", 5),
    (ServiceKind::Greening, "G-11", "阳台花木修剪养护", "次", 60),
];

const REPAIRS: &[(&str, usize, u32)] = &[
    ("厨房水龙头漏水", 0, 1),
    ("卫生间角阀滴水", 1, 2),
    ("马桶不停进水", 2, 1),
    ("客厅插座没电", 3, 1),
    ("卧室吸顶灯不亮", 4, 1),
    ("一开热水器就跳闸", 5, 1),
    ("新买热水器需要安装", 6, 1),
    ("卫生间地漏堵塞", 8, 1),
    ("马桶堵塞", 9, 1),
];
const OUTSIDE: &[&str] = &["阳台晾衣架改装", "防盗窗加装挂钩", "橱柜门铰链松脱"];
const PAID: &[(&str, usize, u32)] = &[
    ("居家保洁", 10, 1),
    ("厨房油烟机及灶台深度清洁", 11, 1),
    ("全屋玻璃清洗", 12, 30),
    ("阳台花木修剪", 13, 1),
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

const MIN: i64 = 60_000;
const SIG: &str = "M12 40 L30 22 L48 38 L66 18 L84 36";

/// A fee schedule, then 90 days of orders before `as_of` (the estate's "today").
pub fn history(seed: u64, logins: &[DemoLogin], drafts: &[Draft], as_of: NaiveDate) -> Vec<Draft> {
    let cal = BusinessCalendar::default();
    let settings = OrderSettings::default();
    let mut ids = SeededEntropy::new(seed ^ 0x0D0E_5E7A_1CE5_0015);
    let mut r = Rng(seed ^ 0x00F1_5ED0_0015);
    let mut bnames = BTreeMap::new();
    let mut units = BTreeMap::new();
    let mut homes = Vec::new();
    for d in drafts {
        match &d.body {
            EventBody::Registry(RegistryEvent::BuildingSet { info }) => {
                bnames.insert(d.subject.id, info.name.clone());
            }
            EventBody::Registry(RegistryEvent::UnitSet { info }) => {
                units.insert(d.subject.id, (info.building, info.number.clone()));
            }
            EventBody::Registry(RegistryEvent::HouseholdSet { info }) => {
                if let Some(p) = info.people.first() {
                    homes.push((d.subject.id, info.unit, p.name.clone(), p.phone.clone()));
                }
            }
            _ => {}
        }
    }
    let pick_actor = |pred: &dyn Fn(&DemoLogin) -> bool, k: usize| -> Option<Actor> {
        let all: Vec<&DemoLogin> = logins.iter().filter(|l| pred(l)).collect();
        let l = all.get(k % all.len().max(1))?;
        Some(Actor {
            id: l.id,
            roles: l.roles.iter().copied().collect(),
        })
    };
    let role_in = |role: Role, dept: Department| {
        move |l: &DemoLogin| l.roles.contains(&role) && l.department == Some(dept)
    };
    let (Some(director), Some(eng_lead), Some(env_lead)) = (
        pick_actor(&|l| l.roles.contains(&Role::Director), 0),
        pick_actor(&role_in(Role::DepartmentLead, Department::Engineering), 0),
        pick_actor(&role_in(Role::DepartmentLead, Department::Environment), 0),
    ) else {
        return vec![];
    };
    if homes.is_empty() {
        return vec![];
    }
    let place = |unit: RecordId| -> String {
        units
            .get(&unit)
            .map(|(b, n)| format!("{} {}", bnames.get(b).cloned().unwrap_or_default(), n))
            .unwrap_or_default()
    };
    let end = cal.at(as_of, NaiveTime::MIN);
    let start = as_of.checked_sub_days(Days::new(91)).unwrap_or(as_of);

    let mut out: Vec<Draft> = Vec::new();
    let mut n = 0u64;
    let mut orders: BTreeMap<RecordId, WorkOrder> = BTreeMap::new();
    let mut cbs: BTreeMap<RecordId, Callback> = BTreeMap::new();
    let mut push = |ds: Vec<Draft>,
                    at: i64,
                    out: &mut Vec<Draft>,
                    orders: &mut BTreeMap<RecordId, WorkOrder>,
                    cbs: &mut BTreeMap<RecordId, Callback>| {
        for d in ds {
            n += 1;
            let hlc = Hlc {
                wall: at,
                counter: 0,
                device: Id::derived("demo-orders", 0),
            };
            let e = Event::new(Id::derived("demo-orders-ev", n), hlc, None, d.clone());
            match d.subject.kind {
                RecordKind::WorkOrder => orders.entry(d.subject.id).or_default().apply(&e),
                RecordKind::Callback => cbs.entry(d.subject.id).or_default().apply(&e),
                _ => {}
            }
            out.push(d);
        }
    };

    // The Director approves the schedule (REP-2, PAID-1).
    let approved = cal.at(
        start,
        NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
    ) - 7 * 24 * 60 * MIN;
    let mut schedule = Schedule::new();
    let mut item_ids = Vec::new();
    for (kind, code, name, unit, yuan) in SCHEDULE {
        let id = ids.id();
        let input = FeeItemInput {
            kind: *kind,
            code: (*code).into(),
            name: (*name).into(),
            unit: (*unit).into(),
            price_fen: yuan * 100,
            active: true,
        };
        if let Ok(ds) = fees::set_item(&director, id, &input, approved) {
            for d in &ds {
                if let EventBody::WorkOrder(super::WorkOrderEvent::FeeItemSet { item, .. }) =
                    &d.body
                {
                    schedule.insert(id, (**item).clone());
                }
            }
            push(ds, approved, &mut out, &mut orders, &mut cbs);
        }
        item_ids.push(id);
    }

    let desk = |r: &mut Rng| {
        pick_actor(
            &|l: &DemoLogin| l.roles.contains(&Role::Receptionist),
            r.below(8) as usize,
        )
    };
    let worker = |dept: Department, r: &mut Rng| {
        pick_actor(&role_in(Role::DepartmentStaff, dept), r.below(4) as usize)
    };
    let assistant = |r: &mut Rng| {
        pick_actor(
            &|l: &DemoLogin| l.roles == [Role::Assistant],
            r.below(5) as usize,
        )
    };
    let hm = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);

    for day in 0..91u64 {
        let date = start + Days::new(day);
        // About one repair every two days and a paid service a week (the demo stays small).
        for paid in [false, true] {
            if !r.chance(if paid { 16 } else { 45 }) {
                continue;
            }
            let t = cal.at(date, hm(8 + r.below(9) as u32, r.below(60) as u32));
            if t >= end {
                continue;
            }
            let (hh, unit, name, phone) = homes[r.below(homes.len() as u64) as usize].clone();
            let Some(rec) = desk(&mut r) else { continue };
            let outside = !paid && r.chance(8);
            let (content, picks, dept) = if paid {
                let (c, i, q) = PAID[r.below(PAID.len() as u64) as usize];
                (
                    c.to_string(),
                    vec![Pick {
                        item: item_ids[i],
                        qty: q,
                    }],
                    SCHEDULE[i].0.department(),
                )
            } else if outside {
                (
                    OUTSIDE[r.below(OUTSIDE.len() as u64) as usize].to_string(),
                    vec![],
                    Department::Engineering,
                )
            } else {
                let (c, i, q) = REPAIRS[r.below(REPAIRS.len() as u64) as usize];
                (
                    c.to_string(),
                    vec![Pick {
                        item: item_ids[i],
                        qty: q,
                    }],
                    Department::Engineering,
                )
            };
            let lead = if dept == Department::Environment {
                &env_lead
            } else {
                &eng_lead
            };
            let appointment = (paid || r.chance(30))
                .then(|| cal.at(date + Days::new(1), hm(9 + r.below(7) as u32, 30)));
            let form = OrderForm {
                kind: if paid {
                    OrderKind::Paid
                } else {
                    OrderKind::Repair
                },
                source: [OrderSource::Phone, OrderSource::Desk, OrderSource::WeChat]
                    [r.below(3) as usize],
                household: Some(hh),
                unit: Some(unit),
                place: place(unit),
                contact_name: name,
                contact_phone: phone,
                content,
                picks,
                appointment,
                emergency: false,
                department: dept,
                lead: Some(lead.id),
            };
            let id = ids.id();
            let Ok(ds) = orders::take_order(&rec, id, &form, &schedule, None, t, &cal) else {
                continue;
            };
            push(ds, t, &mut out, &mut orders, &mut cbs);
            let Some(w) = worker(dept, &mut r) else {
                continue;
            };
            // Received mostly within the 3 (10) minutes.
            let t1 = t + (1 + r.below(4) as i64) * MIN;
            if t1 >= end {
                continue;
            }
            let o = orders[&id].clone();
            if let Ok(ds) = orders::receive(lead, id, &o, Some(w.id), t1, &settings, &cal) {
                push(ds, t1, &mut out, &mut orders, &mut cbs);
            }
            if outside {
                let t2 = t1 + (8 + r.below(10) as i64) * MIN;
                let o = orders[&id].clone();
                if let Ok(ds) = orders::assess(
                    lead,
                    id,
                    &o,
                    true,
                    (6 + r.below(10) as i64) * 1_000,
                    "可以维修，按评审费用收取",
                    t2,
                ) {
                    push(ds, t2, &mut out, &mut orders, &mut cbs);
                }
                let t3 = t2 + 20 * MIN;
                let o = orders[&id].clone();
                if let Ok(ds) = orders::fee_answer(&rec, id, &o, true, t3) {
                    push(ds, t3, &mut out, &mut orders, &mut cbs);
                }
                let o = orders[&id].clone();
                if let Ok(ds) = orders::dispatch(lead, id, &o, w.id, t3 + MIN, &settings) {
                    push(ds, t3 + MIN, &mut out, &mut orders, &mut cbs);
                }
            }
            let o = orders[&id].clone();
            let Some(deadline) = o.on_site.as_ref().map(|c| c.deadline) else {
                continue;
            };
            let arrive = deadline - (r.below(9) as i64 - 1) * MIN;
            if arrive >= end {
                continue;
            }
            if let Ok(ds) = orders::arrive(&w, id, &o, arrive) {
                push(ds, arrive, &mut out, &mut orders, &mut cbs);
            }
            let mut tt = arrive + 3 * MIN;
            if !paid && !outside && r.chance(15) {
                let o = orders[&id].clone();
                let extra = Pick {
                    item: item_ids[r.below(10) as usize],
                    qty: 1,
                };
                let mut picks: Vec<Pick> = o
                    .lines
                    .iter()
                    .filter_map(|l| {
                        l.item.map(|i| Pick {
                            item: i,
                            qty: l.qty,
                        })
                    })
                    .collect();
                if !picks.iter().any(|p| p.item == extra.item) {
                    picks.push(extra);
                }
                if let Ok(ds) =
                    orders::correct_items(&w, id, &o, &picks, &schedule, "现场核对，另需一项", tt)
                {
                    push(ds, tt, &mut out, &mut orders, &mut cbs);
                }
                tt += 2 * MIN;
            }
            if !paid && r.chance(4) {
                let o = orders[&id].clone();
                if let Ok(ds) =
                    orders::decline(&w, &eng_lead, id, &o, "客户认为费用偏高，考虑后再报修", tt)
                {
                    push(ds, tt, &mut out, &mut orders, &mut cbs);
                }
                continue;
            }
            let o = orders[&id].clone();
            if let Ok(ds) = orders::customer_agrees(&w, id, &o, SIG, tt) {
                push(ds, tt, &mut out, &mut orders, &mut cbs);
            }
            if !paid && r.chance(10) {
                let o = orders[&id].clone();
                let (v, d) = if r.chance(50) {
                    (MaterialVerdict::Ok, "")
                } else {
                    (
                        MaterialVerdict::Poor,
                        "已提示可能漏水，客户坚持使用自购配件",
                    )
                };
                if let Ok(ds) = orders::check_material(
                    &w,
                    id,
                    &o,
                    "客户自购配件",
                    v,
                    Some(&crate::domain::photo::Photo {
                        blob: "demo-material".into(),
                        evidence: true,
                        taken: tt,
                    }),
                    d,
                    tt + MIN,
                ) {
                    push(ds, tt + MIN, &mut out, &mut orders, &mut cbs);
                }
            }
            let done = tt + (20 + r.below(100) as i64) * MIN;
            if done >= end {
                continue;
            }
            let o = orders[&id].clone();
            let cb = ids.id();
            let result = if paid {
                "服务完成，业主验收满意"
            } else {
                "已修复，客户试用正常"
            };
            if let Ok(ds) = orders::finish(&w, id, &o, result, SIG, cb, done, &cal) {
                push(ds, done, &mut out, &mut orders, &mut cbs);
            }
            if paid {
                let tc = done + 15 * MIN;
                let o = orders[&id].clone();
                if tc < end {
                    // PAID-4 through the shared cash day of the service centre, closed the
                    // same evening with the cash handed to finance.
                    let day = cal.local_date(tc);
                    if let Ok(ds) = orders::collect(
                        &rec,
                        id,
                        &o,
                        None,
                        None,
                        Post::ServiceCentre,
                        "d3m0",
                        tc,
                        &cal,
                    ) {
                        let till = ds
                            .iter()
                            .find(|d| d.subject.kind == RecordKind::CashDay)
                            .map(|d| d.subject);
                        let mut cd = crate::domain::cash::CashDay::default();
                        for (k, d) in ds.iter().enumerate() {
                            if Some(d.subject) == till {
                                let hlc = Hlc {
                                    wall: tc,
                                    counter: k as u32,
                                    device: Id::derived("demo-orders", 1),
                                };
                                cd.apply(&Event::new(
                                    Id::derived("demo-cash", k as u64),
                                    hlc,
                                    None,
                                    d.clone(),
                                ));
                            }
                        }
                        push(ds, tc, &mut out, &mut orders, &mut cbs);
                        let close_at = cal.at(day, hm(17, 45)).max(tc + 30 * MIN);
                        let input = crate::domain::cash::CloseInput {
                            counted: cd.collected(),
                            handed: cd.collected(),
                            received_by: "何丽华".into(),
                            reason: String::new(),
                        };
                        if close_at < end {
                            if let Ok(ds) =
                                crate::domain::cash::close_day(&rec, &cd, &input, None, close_at)
                            {
                                push(ds, close_at, &mut out, &mut orders, &mut cbs);
                            }
                        }
                    }
                }
            } else {
                // REP-7: paper to the supervisor (mostly by 17:00), the desk, finance.
                let Some(pc) = orders[&id].paper_clock.clone() else {
                    continue;
                };
                let tp = if r.chance(85) {
                    pc.deadline - 20 * MIN
                } else {
                    pc.deadline + 40 * MIN
                };
                let tp = tp.max(done + MIN);
                if tp < end {
                    let o = orders[&id].clone();
                    if let Ok(ds) = orders::paper(lead, id, &o, PaperStep::ToSupervisor, tp) {
                        push(ds, tp, &mut out, &mut orders, &mut cbs);
                    }
                    let o = orders[&id].clone();
                    if let Ok(ds) = orders::paper(&rec, id, &o, PaperStep::ToDesk, tp + 10 * MIN) {
                        push(ds, tp + 10 * MIN, &mut out, &mut orders, &mut cbs);
                    }
                }
                if let Some(fc) = orders[&id].finance_clock.clone() {
                    let tf = fc.deadline - 24 * 60 * MIN;
                    if tf < end && tf > tp {
                        let o = orders[&id].clone();
                        if let Ok(ds) = orders::paper(&rec, id, &o, PaperStep::ToFinance, tf) {
                            push(ds, tf, &mut out, &mut orders, &mut cbs);
                        }
                    }
                }
            }
            // REP-9: the assistant's check the next afternoon.
            let tk = cal.at(date + Days::new(1), hm(15, r.below(50) as u32));
            if tk < end && r.chance(85) {
                if let Some(a) = assistant(&mut r) {
                    let o = orders[&id].clone();
                    if let Ok(ds) = orders::daily_check(&a, id, &o, "", tk) {
                        push(ds, tk, &mut out, &mut orders, &mut cbs);
                    }
                }
            }
            // CB-1: about four in ten repair callbacks within the month (target ≥ 30 %).
            let tcb = done + (5 + r.below(20) as i64) * 24 * 60 * MIN;
            if tcb < end && r.chance(42) {
                if let (Some(a), Some(c)) = (assistant(&mut r), cbs.get(&cb).cloned()) {
                    let unhappy = paid && r.chance(25);
                    let outcome = CallbackOutcome {
                        signoff: SignOff::Phone,
                        rating: Some(if unhappy {
                            Rating::Basic
                        } else {
                            Rating::Satisfied
                        }),
                        comment: if unhappy {
                            "有一处未清洁干净".into()
                        } else {
                            "维修质量满意".into()
                        },
                        new_problem: None,
                    };
                    if let Ok(ds) = callbacks::record(&a, cb, &c, &outcome, ids.id(), tcb) {
                        push(ds, tcb, &mut out, &mut orders, &mut cbs);
                    }
                    if unhappy {
                        // PAID-5: reworked free until satisfied.
                        let o = orders[&id].clone();
                        if let Ok(ds) = orders::rework(
                            &rec,
                            id,
                            &o,
                            "回访发现一处未清洁干净",
                            tcb + 5 * MIN,
                            &settings,
                        ) {
                            push(ds, tcb + 5 * MIN, &mut out, &mut orders, &mut cbs);
                        }
                        let o = orders[&id].clone();
                        let ta = tcb + 12 * MIN;
                        if let Ok(ds) = orders::arrive(&w, id, &o, ta) {
                            push(ds, ta, &mut out, &mut orders, &mut cbs);
                        }
                        let o = orders[&id].clone();
                        if let Ok(ds) = orders::finish(
                            &w,
                            id,
                            &o,
                            "返修完成，业主满意",
                            SIG,
                            ids.id(),
                            ta + 40 * MIN,
                            &cal,
                        ) {
                            push(ds, ta + 40 * MIN, &mut out, &mut orders, &mut cbs);
                        }
                    }
                }
            }
        }
    }
    out
}

/// Events the demo may not write with every field set, for the schema fingerprint
/// (src/sync/schema.rs).
#[cfg(test)]
pub fn schema_samples() -> Vec<EventBody> {
    use super::fees::FeeLine;
    use super::orders::{MaterialCheck, OrderIntake};
    use super::WorkOrderEvent as W;
    use crate::domain::event::RecordRef;
    use crate::domain::i18n::Text;
    use crate::domain::sla::Clock;
    let id = Id::derived("sample", 1);
    let clock = Clock {
        name: Text::new("时限", "Limit"),
        started: 0,
        warn_at: 1,
        deadline: 2,
        stopped: Some(1),
    };
    let line = FeeLine {
        item: Some(id),
        code: "S".into(),
        name: "n".into(),
        unit: "u".into(),
        price_fen: 1,
        qty: 1,
    };
    vec![
        EventBody::WorkOrder(W::Taken {
            at: 0,
            by: id,
            serial: "WX".into(),
            order: Box::new(OrderIntake {
                kind: OrderKind::Repair,
                source: OrderSource::Help,
                origin: Some(RecordRef::new(RecordKind::HelpRequest, id)),
                household: Some(id),
                unit: Some(id),
                place: "p".into(),
                contact_name: "c".into(),
                contact_phone: "1".into(),
                content: "x".into(),
                items: vec![line.clone()],
                appointment: Some(1),
                emergency: true,
                department: Department::Engineering,
                lead: Some(id),
            }),
            notify: Box::new(clock.clone()),
        }),
        EventBody::WorkOrder(W::Received {
            at: 0,
            by: id,
            assess: Some(Box::new(clock.clone())),
        }),
        EventBody::WorkOrder(W::Declined {
            at: 0,
            by: id,
            reason: "r".into(),
            technician: id,
            supervisor: id,
        }),
        EventBody::WorkOrder(W::MaterialChecked {
            at: 0,
            by: id,
            check: Box::new(MaterialCheck {
                at: 0,
                by: id,
                material: "m".into(),
                verdict: MaterialVerdict::Poor,
                photo: crate::domain::photo::Photo {
                    blob: "b".into(),
                    evidence: true,
                    taken: 0,
                },
                customer_decision: "d".into(),
            }),
        }),
        EventBody::WorkOrder(W::ReworkRequested {
            at: 0,
            by: id,
            fault: "f".into(),
            on_site: Box::new(clock),
        }),
        // PAID-6: the demo does not reconcile a month.
        EventBody::WorkOrder(W::PaidReconciled {
            at: 0,
            by: id,
            month: "2026-11".into(),
            finance: "f".into(),
            engineering: "e".into(),
            environment: "v".into(),
            difference: "d".into(),
        }),
        EventBody::Estate(crate::domain::estate::EstateEvent::SettingsChanged {
            settings: crate::domain::estate::Settings {
                orders: OrderSettings {
                    emergency_minutes: 5,
                    ..Default::default()
                },
                ..Default::default()
            },
        }),
    ]
}
