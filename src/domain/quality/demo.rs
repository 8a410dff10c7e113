//! The demo estate's year of quality figures (issue 18): four quarterly satisfaction surveys
//! (the last one with 报修维修服务 under 85 % and its corrective action open), a survey under way
//! with answers still coming in, and twelve months of finance's arrears lists with their calls
//! and visits (one month's collection under 95 %; last month's follow-up still running, so a
//! building's round shows visit stops). Made through the module's own commands by the demo's
//! Director, Supervisor and Assistants; nothing dated on or after `as_of`. Deterministic.

use super::arrears::{self, ArrearsMonth, ArrearsRow, CallOutcome, Field};
use super::survey::{self, Answer, Household, Source, Survey};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::command::Actor;
use crate::domain::corrective;
use crate::domain::demo::DemoLogin;
use crate::domain::event::{Draft, Event, EventBody};
use crate::domain::ids::RecordId;
use crate::domain::registry::RegistryEvent;
use crate::domain::roles::{Department, Role};
use crate::domain::view::Aggregate;
use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime};
use std::collections::BTreeMap;

/// The item under target in the demo's last closed survey.
pub const WEAK_ITEM: &str = "repairs";
/// Months before `as_of`'s month whose arrears list misses the 95 % target.
pub const MISSED_MONTH_BACK: u32 = 5;
/// A household's monthly management fee in the demo, fen.
const FEE_FEN: i64 = 22_500;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

fn actor(l: &DemoLogin) -> Actor {
    Actor {
        id: l.id,
        roles: l.roles.iter().copied().collect(),
    }
}

/// Applies drafts onto a record's state (the demo keeps its own states while it writes).
fn apply<A: Aggregate>(state: &mut A, drafts: &[Draft]) {
    for d in drafts {
        let e = Event::new(
            crate::domain::ids::Id::nil(),
            crate::domain::hlc::Hlc {
                wall: 0,
                counter: 0,
                device: crate::domain::ids::Id::nil(),
            },
            None,
            d.clone(),
        );
        state.apply(&e);
    }
}

/// The demo's quality history.
pub fn history(seed: u64, logins: &[DemoLogin], drafts: &[Draft], as_of: NaiveDate) -> Vec<Draft> {
    let cal = BusinessCalendar::default();
    let find = |p: &dyn Fn(&DemoLogin) -> bool| logins.iter().filter(|l| p(l)).collect::<Vec<_>>();
    let directors = find(&|l| l.roles.contains(&Role::Director));
    let sups = find(&|l| l.roles.contains(&Role::Supervisor));
    let assistants = find(&|l| l.roles.contains(&Role::Assistant));
    let eng = find(&|l| {
        l.roles.contains(&Role::DepartmentLead) && l.department == Some(Department::Engineering)
    });
    let (Some(director), Some(sup), Some(asst)) =
        (directors.first(), sups.first(), assistants.first())
    else {
        return vec![];
    };
    let director = actor(director);
    let sup = actor(sup);
    let asst_b = assistants
        .get(1)
        .map(|l| actor(l))
        .unwrap_or_else(|| actor(asst));
    let asst = actor(asst);
    let owner = eng.first().map(|l| l.id).unwrap_or(sup.id);

    // Households with their unit, building and place.
    let mut bnames = BTreeMap::new();
    let mut units = BTreeMap::new();
    let mut homes: Vec<(Household, String, String)> = Vec::new();
    for d in drafts {
        match &d.body {
            EventBody::Registry(RegistryEvent::BuildingSet { info }) => {
                bnames.insert(d.subject.id, info.name.clone());
            }
            EventBody::Registry(RegistryEvent::UnitSet { info }) => {
                units.insert(d.subject.id, (info.building, info.number.clone()));
            }
            EventBody::Registry(RegistryEvent::HouseholdSet { info }) => {
                if let (Some((b, n)), Some(p)) = (units.get(&info.unit), info.people.first()) {
                    homes.push((
                        Household {
                            household: d.subject.id,
                            unit: info.unit,
                            building: *b,
                            place: format!("{} {}", bnames.get(b).cloned().unwrap_or_default(), n),
                        },
                        p.name.clone(),
                        p.phone.clone(),
                    ));
                }
            }
            _ => {}
        }
    }
    if homes.is_empty() {
        return vec![];
    }
    let limit = cal.at(as_of, NaiveTime::MIN);
    let at = |d: NaiveDate, h: u32, m: u32| {
        cal.at(
            d,
            NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN),
        )
    };
    let mut rng = Rng(seed ^ 0x0A11_7E57_5A71_5FAC);
    let mut out = Vec::new();

    // QUAL-1: four quarterly surveys, then one under way.
    let items = survey::default_items();
    for q in 0..5u64 {
        let start = as_of - Days::new(330 - 80 * q.min(3) - if q == 4 { 50 } else { 0 });
        let id = RecordId::derived("demo-survey", seed ^ q);
        let title = format!(
            "{}年第{}季度满意度调查",
            start.year(),
            (start.month() - 1) / 3 + 1
        );
        let mut s = Survey::default();
        let d = survey::create(&director, id, &title, start.year(), &items, at(start, 9, 0))
            .expect("demo survey");
        apply(&mut s, &d);
        out.extend(d);
        let d = survey::start(&director, id, &s, at(start, 9, 30)).expect("demo survey start");
        apply(&mut s, &d);
        out.extend(d);
        let answers = if q == 4 {
            28
        } else {
            40 + rng.below(12) as usize
        };
        for n in 0..answers {
            let day = start + Days::new((n / 4) as u64);
            let t = at(day, 10 + (n % 4) as u32 * 2, rng.below(50) as u32);
            if t >= limit {
                break;
            }
            let (who, _, _) = &homes[rng.below(homes.len() as u64) as usize];
            let weak = q == 3;
            let ans: Vec<Option<Answer>> = items
                .iter()
                .map(|i| {
                    let r = rng.below(100);
                    let (sat, basic, unsat) = if weak && i.key == WEAK_ITEM {
                        (40, 28, 30)
                    } else {
                        (70, 23, 5)
                    };
                    Some(if r < sat {
                        Answer::Satisfied
                    } else if r < sat + basic {
                        Answer::Basic
                    } else if r < sat + basic + unsat {
                        Answer::Unsatisfied
                    } else {
                        Answer::Unknown
                    })
                })
                .collect();
            let source = if n % 3 == 0 {
                Source::Paper
            } else {
                Source::Tablet
            };
            let taker = if n % 2 == 0 { &asst } else { &asst_b };
            let d = survey::answer(taker, id, &s, who, &ans, source, "", t).expect("demo answer");
            apply(&mut s, &d);
            out.extend(d);
        }
        if q < 4 {
            let end = start + Days::new(20);
            let d = survey::close(&director, id, &s, at(end, 17, 0)).expect("demo survey close");
            apply(&mut s, &d);
            out.extend(d);
            if q == 3
                && s.results()
                    .under_target()
                    .iter()
                    .any(|i| i.item.key == WEAK_ITEM)
            {
                let (source, problem) =
                    survey::corrective_source(id, &s, WEAK_ITEM).expect("demo weak item");
                let d = corrective::open(
                    &director,
                    RecordId::derived("demo-corrective", seed ^ q),
                    &[],
                    source,
                    &problem,
                    "维修回访中不满意的住户逐户上门，工程部每周复查报修完成质量",
                    Some(owner),
                    as_of + Days::new(7),
                    &cal,
                    at(end + Days::new(1), 9, 0),
                )
                .expect("demo corrective action");
                out.extend(d);
            }
        }
    }

    // PAT-7: twelve months of arrears lists, each imported on the 3rd of the next month.
    let billed = homes.len() as i64 * FEE_FEN;
    let this_month = as_of.with_day(1).unwrap_or(as_of);
    let mapping: BTreeMap<Field, String> = [
        (Field::Unit, "房号".to_string()),
        (Field::Name, "业主姓名".to_string()),
        (Field::Phone, "联系电话".to_string()),
        (Field::Owed, "欠费金额".to_string()),
        (Field::Months, "欠费月数".to_string()),
    ]
    .into();
    for back in (1..=12u32).rev() {
        let Some(first) = this_month.checked_sub_months(Months::new(back)) else {
            continue;
        };
        let month = first.format("%Y-%m").to_string();
        // Last month's list comes in on the 3rd, or the day before `as_of` when that is
        // earlier, and its calls run up to `as_of`: the unanswered ones still await their visit.
        let import_day = (first + Months::new(1) + Days::new(2)).min(as_of - Days::new(1));
        let calls_from = if back == 1 {
            (as_of - Days::new(2)).max(import_day)
        } else {
            import_day
        };
        let t = at(import_day, 10, 0);
        if t >= limit {
            continue;
        }
        let missed = back == MISSED_MONTH_BACK;
        let count = if missed {
            48
        } else {
            22 + rng.below(8) as usize
        };
        let mut rows: Vec<ArrearsRow> = Vec::new();
        while rows.len() < count {
            let (h, name, phone) = &homes[rng.below(homes.len() as u64) as usize];
            if rows.iter().any(|r| r.unit == h.unit) {
                continue;
            }
            let months = 1 + rng.below(if missed { 5 } else { 3 }) as u32;
            rows.push(ArrearsRow {
                unit: h.unit,
                building: h.building,
                place: h.place.clone(),
                name: name.clone(),
                phone: phone.clone(),
                owed_fen: FEE_FEN * months as i64,
                months,
            });
        }
        let mut m = ArrearsMonth::default();
        let d = arrears::import(
            &sup,
            &month,
            billed,
            rows.clone(),
            mapping.clone(),
            &format!("欠费清单{month}.csv"),
            t,
        )
        .expect("demo arrears");
        apply(&mut m, &d);
        out.extend(d);
        for (n, r) in rows.iter().enumerate() {
            let call_day = if back == 1 {
                calls_from + Days::new((n / 10) as u64)
            } else {
                import_day + Days::new(1 + (n / 8) as u64)
            };
            let t = at(call_day, 10 + (n % 10) as u32, rng.below(50) as u32);
            if t >= limit {
                continue;
            }
            let roll = rng.below(100);
            let (pay, promise) = if missed { (10, 30) } else { (30, 42) };
            let outcome = if roll < pay {
                CallOutcome::Paid
            } else if roll < pay + promise {
                CallOutcome::Promised
            } else if roll < pay + promise + 8 {
                CallOutcome::Refused
            } else {
                CallOutcome::NoAnswer
            };
            let promise_day = call_day + Days::new(5);
            let who = if n % 2 == 0 { &asst } else { &asst_b };
            let d = arrears::call(
                who,
                &m,
                r.unit,
                outcome,
                (outcome == CallOutcome::Promised).then_some(promise_day),
                "",
                t,
            )
            .expect("demo call");
            apply(&mut m, &d);
            out.extend(d);
            let later = at(promise_day, 15, 0);
            match outcome {
                CallOutcome::Promised
                    if later < limit && rng.chance(if missed { 40 } else { 80 }) =>
                {
                    let d = arrears::call(
                        who,
                        &m,
                        r.unit,
                        CallOutcome::Paid,
                        None,
                        "按承诺缴清",
                        later,
                    )
                    .expect("demo paid");
                    apply(&mut m, &d);
                    out.extend(d);
                }
                CallOutcome::NoAnswer => {
                    let visit = at(call_day + Days::new(3), 14, 0);
                    if visit < limit {
                        let o = if rng.chance(50) {
                            CallOutcome::Paid
                        } else {
                            CallOutcome::Promised
                        };
                        let d = arrears::visit(
                            who,
                            &m,
                            r.unit,
                            o,
                            (o == CallOutcome::Promised).then_some(promise_day + Days::new(3)),
                            "巡查时上门",
                            visit,
                        )
                        .expect("demo visit");
                        apply(&mut m, &d);
                        out.extend(d);
                    }
                }
                _ => {}
            }
        }
    }
    // CMP-12: last month's complaint analysis — its most recurring subject gets a corrective
    // action from the Supervisor, owned by engineering's lead and still under way.
    out.extend(complaint_action(&sup, owner, drafts, as_of, &cal));
    out
}

/// CMP-12: the demo's open corrective action on last month's most recurring complaint subject.
fn complaint_action(
    sup: &Actor,
    owner: crate::domain::ids::StaffId,
    drafts: &[Draft],
    as_of: NaiveDate,
    cal: &BusinessCalendar,
) -> Vec<Draft> {
    use crate::domain::complaints::{report::monthly_report, Complaint};
    use crate::domain::event::RecordKind;
    let mut complaints: BTreeMap<RecordId, Complaint> = BTreeMap::new();
    for d in drafts
        .iter()
        .filter(|d| d.subject.kind == RecordKind::Complaint)
    {
        apply(
            complaints.entry(d.subject.id).or_default(),
            std::slice::from_ref(d),
        );
    }
    let Some(last) = as_of.checked_sub_months(Months::new(1)) else {
        return vec![];
    };
    let cs: Vec<Complaint> = complaints.into_values().collect();
    let r = monthly_report(last.year(), last.month(), cal, &cs, &[], &[]);
    let Some((subject, _)) = r.recurring.first() else {
        return vec![];
    };
    let Ok((source, problem)) = r.corrective_source(*subject) else {
        return vec![];
    };
    let day = as_of - Days::new(1);
    corrective::open(
        sup,
        RecordId::derived(
            "demo-corrective-cmp",
            last.year() as u64 * 100 + last.month() as u64,
        ),
        &[],
        source,
        &problem,
        "责任部门逐项查明原因，制定整改方案并每周向客服部报告进度",
        Some(owner),
        as_of + Days::new(10),
        cal,
        cal.at(
            day,
            NaiveTime::from_hms_opt(16, 0, 0).unwrap_or(NaiveTime::MIN),
        ),
    )
    .unwrap_or_default()
}
