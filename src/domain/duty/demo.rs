//! The demo estate's month of duty (training mode), dated before its "as of" day (issue 17:
//! the day it is opened): the rosters of this month and of the days logged (each published
//! four days before its month), a log for each of the twenty nights before with enquiries, help
//! requests and follow-ups, one correction, a handover every morning (one late, one damaged
//! walkie-talkie) but this morning's, which is still to do, the supervisor's sign-off of all but
//! the last two days, next month's roster in draft, and two incidents run to closure —
//! an elevator entrapment and a flooded basement (DUTY-1..11, EMG-1..3). Deterministic: built
//! with the domain's own commands from the demo's staff and households.

use super::handover::{self, HandoverForm, ItemCheck, ItemState, OpenItem};
use super::log::{self, log_id, DutyChain, DutyLog, EntryKind, NewEntry};
use super::roster::{self, days_of, month_key, next_month, Roster, DEFAULT_POST};
use super::{Post, DEFAULT_POST_ITEMS};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::Actor;
use crate::domain::demo::DemoLogin;
use crate::domain::emergency::{self, Incident, IncidentKind};
use crate::domain::event::{Draft, EventBody, RecordKind, RecordRef};
use crate::domain::ids::{Id, RecordId};
use crate::domain::registry::RegistryEvent;
use crate::domain::roles::Role;
use crate::domain::view::Aggregate;
use chrono::{Datelike, Days, NaiveDate, NaiveTime};

/// The notional tablet the demo's log was written on (its own hash chain).
pub fn demo_chain() -> Id {
    Id::derived("demo-duty-tablet", 1)
}

const ENQUIRIES: [(&str, &str); 8] = [
    ("住户来电咨询停车月卡续费", "已告知财务部办理时间"),
    ("住户询问快递柜位置", "已指引"),
    ("访客询问3号楼单元门禁", "已联系住户接待"),
    ("住户咨询装修申报手续", "次日转客服主管"),
    ("住户反映楼道灯不亮", "已通知工程部，次日更换"),
    ("住户求助：钥匙锁在屋内", "护管员协助联系开锁公司"),
    ("住户反映邻居噪音", "护管员上门劝导，已安静"),
    ("住户咨询水费账单", "已告知次日到前台查询"),
];

fn state<A: Aggregate>(drafts: &[Draft], subject: RecordRef) -> A {
    crate::domain::demo::fold_drafts(drafts, subject, demo_chain())
}

fn at(cal: &BusinessCalendar, d: NaiveDate, h: u32, m: u32) -> i64 {
    cal.at(d, NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
}

/// The month of duty before `as_of`'s month ends. `registry` is the demo so far (households
/// affected by the incidents are taken from it).
pub fn month_of_duty(logins: &[DemoLogin], registry: &[Draft], as_of: NaiveDate) -> Vec<Draft> {
    let cal = BusinessCalendar::default();
    let with = |r: Role| logins.iter().filter(move |l| l.roles.contains(&r));
    let Some(sup) = with(Role::Supervisor).next().map(DemoLogin::actor) else {
        return vec![];
    };
    let duty: Vec<Actor> = with(Role::Assistant).map(DemoLogin::actor).collect();
    if duty.len() < 2 {
        return vec![];
    }
    // (household, "unit number main contact") for the incidents' callbacks (EMG-3).
    let units: std::collections::HashMap<RecordId, String> = registry
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::Registry(RegistryEvent::UnitSet { info, .. }) => {
                Some((d.subject.id, info.number.clone()))
            }
            _ => None,
        })
        .collect();
    let households: Vec<(RecordId, String)> = registry
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::Registry(RegistryEvent::HouseholdSet { info, .. }) => Some((
                d.subject.id,
                format!(
                    "{} {}",
                    units.get(&info.unit).cloned().unwrap_or_default(),
                    info.people.first().map(|p| p.name.as_str()).unwrap_or("")
                ),
            )),
            _ => None,
        })
        .take(40)
        .collect();
    // Who is on duty on a day: the assistants in turn, the same on every roster.
    let on_duty = |d: NaiveDate| &duty[d.num_days_from_ce().unsigned_abs() as usize % duty.len()];
    // The twenty nights before `as_of` are logged; `as_of` itself is today (issue 17).
    let days: Vec<NaiveDate> = (1..=20u64).rev().map(|k| as_of - Days::new(k)).collect();
    let month = month_key(as_of);
    let mut months: Vec<u32> = days.iter().map(|d| month_key(*d)).collect();
    months.push(month);
    months.dedup();
    let mut out: Vec<Draft> = Vec::new();

    // Rosters of those months, each published four days before its month began.
    for m in months {
        let rref = RecordRef::new(RecordKind::Roster, roster::roster_id(m));
        let month_days = days_of(m);
        for d in &month_days {
            let r: Roster = state(&out, rref);
            out.extend(
                roster::set_slot(&sup, &r, *d, Some(on_duty(*d).id), DEFAULT_POST)
                    .expect("demo slot"),
            );
        }
        let r: Roster = state(&out, rref);
        let made = month_days[0]
            .checked_sub_days(Days::new(4))
            .unwrap_or(month_days[0]);
        out.extend(roster::publish(&sup, &r, m, made).expect("demo publish"));
    }
    // Next month: a draft, half filled (the supervisor is still working on it).
    let next = next_month(month);
    let nref = RecordRef::new(RecordKind::Roster, roster::roster_id(next));
    for (i, d) in days_of(next).iter().take(12).enumerate() {
        let r: Roster = state(&out, nref);
        out.extend(
            roster::set_slot(
                &sup,
                &r,
                *d,
                Some(duty[(i + 3) % duty.len()].id),
                DEFAULT_POST,
            )
            .expect("demo slot"),
        );
    }

    let mut head = DutyChain {
        chain: demo_chain(),
        ..Default::default()
    };
    let cref = RecordRef::new(RecordKind::DutyChain, log::chain_id(demo_chain()));
    let lref = |d: NaiveDate| RecordRef::new(RecordKind::DutyLog, log_id(Post::ServiceCentre, d));
    let logged = 20.min(days.len());
    for (i, d) in days.iter().take(logged).enumerate() {
        let on = on_duty(*d);
        let next_on = on_duty(*d + Days::new(1));
        let (start, _) = cal.duty_shift(*d);
        // Two or three entries a night.
        for k in 0..(2 + i % 2) {
            let (text, follow) = ENQUIRIES[(i * 3 + k) % ENQUIRIES.len()];
            let kind = if k == 1 {
                EntryKind::Help
            } else {
                EntryKind::Enquiry
            };
            let l: DutyLog = state(&out, lref(*d));
            out.extend(
                log::add_entry(
                    on,
                    &head,
                    &l,
                    Post::ServiceCentre,
                    *d,
                    NewEntry {
                        kind,
                        text: text.into(),
                        follow_up: follow.into(),
                        incident: None,
                    },
                    start + (k as i64 + 1) * 95 * 60_000,
                )
                .expect("demo entry"),
            );
            head = state(&out, cref);
        }
        // One correction (DUTY-4), on the 3rd.
        if i == 2 {
            let l: DutyLog = state(&out, lref(*d));
            let first = l.entries[0].entry.hash.clone();
            out.extend(
                log::correct_entry(
                    on,
                    &head,
                    &l,
                    &first,
                    "更正：来电住户为5号楼1202，非1201",
                    start + 4 * 3_600_000,
                )
                .expect("demo correction"),
            );
            head = state(&out, cref);
        }
        // Incidents: an elevator entrapment on the 6th, a flooded basement on the 15th.
        if i == 5 || i == 14 {
            let (kind, place, cause, prevention, hh) = if i == 5 {
                (
                    IncidentKind::Elevator,
                    "2号楼1号电梯",
                    "电梯门锁触点故障",
                    "维保单位全面检查门锁，每月抽查",
                    &households[..2.min(households.len())],
                )
            } else {
                (
                    IncidentKind::Flooding,
                    "6号楼地下车库",
                    "暴雨致排水沟堵塞",
                    "雨季前清理排水沟，备沙袋",
                    &households[2.min(households.len())..6.min(households.len())],
                )
            };
            let id = Id::derived("demo-incident", i as u64);
            let iref = RecordRef::new(RecordKind::Incident, id);
            let t0 = start + 3 * 3_600_000;
            out.extend(
                emergency::start(on, id, kind, place, &head, &cal, t0).expect("demo incident"),
            );
            head = state(&out, cref);
            for s in 0..emergency::playbook(kind).len() as u32 {
                let inc: Incident = state(&out, iref);
                out.extend(
                    emergency::step(
                        on,
                        id,
                        &inc,
                        s,
                        &head,
                        &cal,
                        t0 + (s as i64 + 1) * 4 * 60_000,
                    )
                    .expect("demo step"),
                );
                head = state(&out, cref);
            }
            let inc: Incident = state(&out, iref);
            out.extend(
                emergency::close(
                    on,
                    id,
                    &inc,
                    cause,
                    prevention,
                    hh,
                    sup.id,
                    &head,
                    &cal,
                    t0 + 90 * 60_000,
                )
                .expect("demo close"),
            );
            head = state(&out, cref);
        }
        // Morning handover to the office (next day 08:30), incoming = the next person; the
        // last night's is this morning's, still to do.
        if i + 1 == logged {
            break;
        }
        let morning = at(&cal, *d + Days::new(1), 8, 30);
        let mut items: Vec<ItemCheck> = DEFAULT_POST_ITEMS
            .iter()
            .map(|n| ItemCheck {
                name: n.to_string(),
                state: ItemState::Present,
                explanation: String::new(),
            })
            .collect();
        if i == 8 {
            items[0].state = ItemState::Damaged;
            items[0].explanation = "对讲机天线折断，已报工程部更换".into();
        }
        let open = if i == 5 {
            vec![OpenItem {
                title: "2号楼电梯维保单位明早复查".into(),
                kind: "交接".into(),
                accepted: true,
                ..Default::default()
            }]
        } else {
            vec![]
        };
        let form = HandoverForm {
            post: Post::ServiceCentre,
            date: Some(*d),
            shift_start: morning,
            arrived: morning - if i == 11 { 2 } else { 8 } * 60_000,
            items,
            previous_log: Some(log_id(Post::ServiceCentre, *d)),
            previous_log_read: true,
            open,
            anomalies: vec![],
            absent_reason: String::new(),
        };
        out.extend(
            handover::hand_over(
                Some(on),
                next_on,
                Id::derived("demo-handover", i as u64),
                &form,
                &head,
                morning,
            )
            .expect("demo handover"),
        );
        head = state(&out, cref);
        // The supervisor signs each morning, except the last two days (the review queue).
        if i + 2 < logged {
            let l: DutyLog = state(&out, lref(*d));
            out.extend(
                log::sign_log(
                    &sup,
                    log_id(Post::ServiceCentre, *d),
                    &l,
                    "已阅",
                    *d + Days::new(1),
                    morning + 30 * 60_000,
                    std::slice::from_ref(&head),
                )
                .expect("demo sign-off"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::demo::{demo_estate, DEMO_AS_OF};
    use crate::domain::staff::PinHash;

    #[test]
    fn demo_month_of_duty_is_deterministic_chained_and_complete() {
        let pin = PinHash::new("1234", [7; 16], 10).unwrap();
        let demo = demo_estate(1, pin.clone(), DEMO_AS_OF);
        let again = demo_estate(1, pin, DEMO_AS_OF);
        assert_eq!(demo.drafts, again.drafts);
        let duty: Vec<&Draft> = demo
            .drafts
            .iter()
            .filter(|d| matches!(d.body, EventBody::Duty(_) | EventBody::Emergency(_)))
            .collect();
        let owned: Vec<Draft> = duty.iter().map(|d| (*d).clone()).collect();
        let r: Roster = state(
            &owned,
            RecordRef::new(RecordKind::Roster, roster::roster_id(month_key(DEMO_AS_OF))),
        );
        assert!(r.published.is_some() && r.gaps().is_empty(), "DUTY-1");
        // Every log entry is chained (DUTY-4).
        let entries: Vec<_> = owned
            .iter()
            .filter_map(|d| match &d.body {
                EventBody::Duty(super::super::DutyEvent::EntryAdded { entry, .. }) => {
                    Some((**entry).clone())
                }
                _ => None,
            })
            .collect();
        assert!(entries.len() > 60);
        assert!(log::verify(&entries, &[]).ok());
        let incidents = owned
            .iter()
            .filter(|d| d.subject.kind == RecordKind::Incident)
            .map(|d| d.subject.id)
            .collect::<std::collections::BTreeSet<_>>();
        assert_eq!(incidents.len(), 2, "EMG: two incidents");
        let handovers = owned
            .iter()
            .filter(|d| d.subject.kind == RecordKind::Handover)
            .count();
        assert_eq!(
            handovers, 19,
            "DUTY-6: a handover every morning but today's"
        );
    }
}
