//! A month of the front desk for the demo estate, up to `as_of` (issue 17): registered mail
//! (most picked up with a signature, a few still unclaimed and one unknown address), the
//! subscription list, cinema tickets sold on consignment with every cash day closed (one with a
//! difference explained and confirmed by a second person), through the desk's own commands by
//! the demo's receptionists and assistants. Deterministic: the same seed and date give the same
//! drafts.

use super::consign::{self, Consignment};
use super::mail::{self, Mail, MailInput, NoticeHow};
use super::papers;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::cash::{self, CashDay, CloseInput};
use crate::domain::command::Actor;
use crate::domain::demo::DemoLogin;
use crate::domain::duty::Post;
use crate::domain::event::{Draft, EventBody, RecordRef};
use crate::domain::ids::{Id, RecordId};
use crate::domain::registry::RegistryEvent;
use crate::domain::roles::Role;
use crate::domain::view::Aggregate;
use chrono::{Days, NaiveDate, NaiveTime};
use std::collections::HashMap;

fn at(cal: &BusinessCalendar, d: NaiveDate, h: u32, m: u32) -> i64 {
    cal.at(d, NaiveTime::from_hms_opt(h, m, 0).expect("valid time"))
}

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// The demo tablet's short code on receipts.
pub const DEMO_TABLET: &str = "DE01";

/// Four weeks of the desk before `as_of` (exclusive of `as_of` itself, except the mail still
/// waiting). `registry` is the demo so far (units and households to address mail to).
pub fn history(
    seed: u64,
    logins: &[DemoLogin],
    registry: &[Draft],
    as_of: NaiveDate,
) -> Vec<Draft> {
    let cal = BusinessCalendar::default();
    let with = |r: Role| {
        logins
            .iter()
            .filter(move |l| l.roles.contains(&r) && !l.roles.contains(&Role::Director))
    };
    let desk: Vec<Actor> = with(Role::Receptionist).map(DemoLogin::actor).collect();
    let Some(asst) = with(Role::Assistant).map(DemoLogin::actor).next() else {
        return vec![];
    };
    if desk.len() < 2 {
        return vec![];
    }
    // (unit id, "3号楼 1201", main contact)
    let buildings: HashMap<RecordId, String> = registry
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::Registry(RegistryEvent::BuildingSet { info }) => {
                Some((d.subject.id, info.name.clone()))
            }
            _ => None,
        })
        .collect();
    let units: HashMap<RecordId, String> = registry
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::Registry(RegistryEvent::UnitSet { info }) => Some((
                d.subject.id,
                format!(
                    "{} {}",
                    buildings.get(&info.building).cloned().unwrap_or_default(),
                    info.number
                ),
            )),
            _ => None,
        })
        .collect();
    let mut homes: Vec<(RecordId, String, String)> = registry
        .iter()
        .filter_map(|d| match &d.body {
            EventBody::Registry(RegistryEvent::HouseholdSet { info }) => {
                let name = info.people.first()?.name.clone();
                Some((info.unit, units.get(&info.unit)?.clone(), name))
            }
            _ => None,
        })
        .collect();
    homes.truncate(60);
    if homes.is_empty() {
        return vec![];
    }
    let mut rng = Rng(seed ^ 0x00de_5c00);
    let mut out: Vec<Draft> = Vec::new();
    let start = as_of.checked_sub_days(Days::new(28)).unwrap_or(as_of);
    let days: Vec<NaiveDate> = start.iter_days().take_while(|d| *d < as_of).collect();

    // Subscriptions (DESK-2): a dozen households, one changed later.
    let titles = ["北京青年报×1", "晨报×1", "参考消息×1", "北京晚报×1"];
    for (n, (unit, place, name)) in homes.iter().take(12).enumerate() {
        let id = Id::derived(&format!("demo-sub:{seed}"), n as u64);
        let papers = vec![titles[n % titles.len()].to_string()];
        out.extend(
            papers::set_subscription(
                &desk[0],
                id,
                name,
                Some(*unit),
                place,
                &papers,
                true,
                at(&cal, start, 8, 0),
            )
            .expect("demo subscription"),
        );
    }

    // The consigned cinema tickets (DESK-3).
    let item = Id::derived(&format!("demo-consign:{seed}"), 0);
    let iref = consign::item_ref(item);
    out.extend(
        consign::set_item(
            &desk[0],
            item,
            "电影票（翠湖影城）",
            "翠湖影城",
            "影城王经理 010-6543 2100",
            3_500,
            5,
            at(&cal, start, 8, 5),
        )
        .expect("demo item"),
    );
    let st: Consignment = state(&out, iref);
    out.extend(
        consign::receive_stock(&desk[0], item, &st, 60, "月初送票", at(&cal, start, 8, 10))
            .expect("demo stock"),
    );

    let mut mail_n = 0u64;
    for (k, day) in days.iter().enumerate() {
        let rec = &desk[k % desk.len()];
        let other = &desk[(k + 1) % desk.len()];
        let working = cal.is_working_day(*day);
        // Papers on working days: received, sorted (twice a bit late), one day undistributed.
        if working {
            let pd = papers::paper_day_id(*day);
            let pref = RecordRef::new(crate::domain::event::RecordKind::PaperDay, pd);
            let s: papers::PaperDay = state(&out, pref);
            out.extend(papers::receive(rec, &s, 12, at(&cal, *day, 7, 55), &cal).expect("papers"));
            let s: papers::PaperDay = state(&out, pref);
            let late = k % 9 == 4;
            out.extend(
                papers::sorted(rec, &s, at(&cal, *day, 8, if late { 40 } else { 20 }))
                    .expect("sorted"),
            );
            if k % 11 == 6 {
                let s: papers::PaperDay = state(&out, pref);
                let line = format!("{} 晨报：家中无人", homes[k % homes.len()].1);
                out.extend(
                    papers::undistributed(rec, &s, &[line], at(&cal, *day, 17, 0), &cal)
                        .expect("undistributed"),
                );
                let s: papers::PaperDay = state(&out, pref);
                let next = day.succ_opt().unwrap_or(*day);
                out.extend(papers::distributed(other, &s, at(&cal, next, 8, 10)).expect("out"));
            }
        }
        // Mail: one or two registered letters a day.
        for _ in 0..(1 + rng.below(2)) {
            let (unit, place, name) = homes[rng.below(homes.len() as u64) as usize].clone();
            let id = Id::derived(&format!("demo-mail:{seed}"), mail_n);
            mail_n += 1;
            let t0 = at(&cal, *day, 9 + rng.below(6) as u32, rng.below(60) as u32);
            let unknown = mail_n % 17 == 5;
            let input = MailInput {
                recipient: name.clone(),
                unit: (!unknown).then_some(unit),
                place: if unknown {
                    String::new()
                } else {
                    place.clone()
                },
                number: format!("XA{:08}CN", 10_000_000 + seed % 1000 * 1000 + mail_n),
                count: 1 + (rng.below(10) == 0) as u32,
                shelf: format!(
                    "{}{}",
                    ["A", "B", "C"][rng.below(3) as usize],
                    1 + rng.below(4)
                ),
                unknown_address: unknown,
            };
            out.extend(mail::register(rec, id, &input, &[1, 3, 7], t0, &cal).expect("mail"));
            let mref = mail::mail_ref(id);
            if unknown {
                let m: Mail = state(&out, mref);
                out.extend(
                    mail::return_to_post(
                        rec,
                        id,
                        &m,
                        "地址不详，客务助理核对住户档案未能识别，退回邮局",
                        t0 + 26 * 3_600_000,
                    )
                    .expect("returned"),
                );
                continue;
            }
            let m: Mail = state(&out, mref);
            out.extend(
                mail::notify(rec, id, &m, NoticeHow::Phone, "", t0 + 8 * 60_000, &cal)
                    .expect("notified"),
            );
            // Picked up within a few days, except those of the last days (still waiting).
            let wait = rng.below(4) as i64;
            let days_left = (as_of - *day).num_days();
            if wait + 1 >= days_left {
                if wait >= 1 && days_left > 1 {
                    let m: Mail = state(&out, mref);
                    out.extend(
                        mail::notify(
                            other,
                            id,
                            &m,
                            NoticeHow::DoorNote,
                            "门上留条",
                            t0 + 86_400_000,
                            &cal,
                        )
                        .expect("renotified"),
                    );
                }
                continue;
            }
            let m: Mail = state(&out, mref);
            let pick = t0 + wait * 86_400_000 + 3 * 3_600_000;
            let (sig, id_shown) = if rng.below(5) == 0 {
                (
                    String::new(),
                    "身份证尾号".to_string() + &format!("{:04}", rng.below(10_000)),
                )
            } else {
                (
                    format!(
                        "M{} 120 L{} 90 L{} 140 L{} 100",
                        60 + rng.below(40),
                        160,
                        260,
                        380 + rng.below(60)
                    ),
                    String::new(),
                )
            };
            out.extend(
                mail::pick_up(other, id, &m, &name, &sig, &id_shown, pick).expect("picked up"),
            );
        }
        // Ticket sales and the day's close: every day with sales is closed the same day.
        let sales = rng.below(3);
        let cref = cash::day_ref(Post::FrontDesk, *day);
        for s in 0..sales {
            let st: Consignment = state(&out, iref);
            if st.stock() < 2 {
                break;
            }
            let today: CashDay = state(&out, cref);
            let today = today.date.is_some().then_some(today);
            let qty = 1 + rng.below(2) as u32;
            out.extend(
                consign::sell(
                    rec,
                    item,
                    &st,
                    qty,
                    "",
                    DEMO_TABLET,
                    today.as_ref(),
                    None,
                    at(&cal, *day, 10 + 2 * s as u32, 15),
                    &cal,
                )
                .expect("sale"),
            );
        }
        let st: Consignment = state(&out, iref);
        if st.needs_report() {
            out.extend(
                consign::report_stock_out(rec, item, &st, "影城王经理", at(&cal, *day, 15, 0))
                    .expect("reported"),
            );
            let st: Consignment = state(&out, iref);
            out.extend(
                consign::receive_stock(other, item, &st, 40, "补票", at(&cal, *day, 16, 0))
                    .expect("restock"),
            );
        }
        let day_state: CashDay = state(&out, cref);
        if day_state.date.is_some() {
            let collected = day_state.collected();
            let short = k % 10 == 3;
            let counted = if short { collected - 500 } else { collected };
            out.extend(
                cash::close_day(
                    rec,
                    &day_state,
                    &CloseInput {
                        counted,
                        handed: counted,
                        received_by: "财务部出纳 刘芳".into(),
                        reason: if short {
                            "找零时多找5元，已告知主管".into()
                        } else {
                            String::new()
                        },
                    },
                    short.then_some(&asst),
                    at(&cal, *day, 16, 45),
                )
                .expect("closed"),
            );
        }
        // The poster for next month, asked for from the 25th.
        let st: Consignment = state(&out, iref);
        if st.poster_due(*day).is_some() {
            out.extend(
                consign::request_poster(rec, item, &st, *day, at(&cal, *day, 11, 0))
                    .expect("poster"),
            );
        }
    }
    out
}

fn state<A: Aggregate>(drafts: &[Draft], subject: RecordRef) -> A {
    crate::domain::demo::fold_drafts(drafts, subject, Id::derived("desk-demo", 0))
}
