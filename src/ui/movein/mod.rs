//! 入伙 — move-in (SOP §8): the batches (MOVE-1: who came, the Assistant's reminder list from
//! three days before the deadline, the Director's no-show list, the printed 入伙通知书), a
//! household's guided session (`session.rs`), the Supervisor's list of keys kept for repairs,
//! and the form that opens a batch. Every rule is in `domain::movein`.

mod print;
mod session;
pub mod strings;

pub use session::SessionPage;

use super::components::{UnitHit, UnitSearch};
use super::i18n::t;
use super::platform::{format_time, now_ms};
use super::state::{app, ctx, go, loader, submit, tx, utc_offset, MoveTab, Page};
use crate::domain::calendar::BusinessCalendar;
use crate::domain::cash::yuan;
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, StaffId};
use crate::domain::movein::{
    self as mv, batch_key, BatchInfo, BatchUnit, FeeEntry, MoveInBatch, MoveInSession, Party,
    ReminderWay, KEPT_KEY,
};
use crate::domain::roles::Action;
use crate::store::{Filter, Query};
use chrono::NaiveDate;
use leptos::prelude::*;
use std::collections::BTreeMap;

pub(super) fn may(a: Action) -> bool {
    ctx().session.get().is_some_and(|s| s.may(a))
}

pub(super) fn when(ms: i64) -> String {
    format_time(ms, utc_offset())
}

pub(super) fn cal() -> BusinessCalendar {
    ctx()
        .estate
        .get_untracked()
        .map(|e| e.settings.calendar)
        .unwrap_or_default()
}

pub(super) fn today() -> NaiveDate {
    cal().local_date(now_ms())
}

/// Every staff member, former ones too (names for who ticked a step): the shared loader.
pub(super) use crate::ui::components::people::{everyone as names, People as Names};

pub(super) fn name(n: &Names, id: StaffId) -> String {
    crate::ui::components::people::name_of(n, Some(id))
}

#[component]
pub fn MoveInPage(tab: MoveTab) -> impl IntoView {
    let tabs = [
        (MoveTab::Batches, "mv.tab.batches", "batches", None),
        (MoveTab::Keys, "mv.tab.keys", "keys", None),
        (MoveTab::New, "mv.tab.new", "new", Some(Action::OpenMoveIn)),
    ];
    view! {
        <div class="mv">
            <div class="seg cmp-tabs screen-only" role="tablist">
                {tabs.into_iter().map(|(tb, key, id, needs)| view! {
                    <Show when=move || needs.is_none_or(may)>
                        <button class=if tb == tab { "seg-btn on" } else { "seg-btn" }
                            data-testid=format!("mv-tab-{id}")
                            on:click=move |_| go(Page::MoveIn(tb))>{move || t(key)}</button>
                    </Show>
                }).collect_view()}
            </div>
            {match tab {
                MoveTab::Batches => view! { <Batches/> }.into_any(),
                MoveTab::Keys => view! { <KeptKeys/> }.into_any(),
                MoveTab::New => view! { <NewBatch/> }.into_any(),
            }}
        </div>
    }
}

/// The open batches (status index), then one batch.
#[component]
fn Batches() -> impl IntoView {
    let opened = RwSignal::new(super::state::take_focus(RecordKind::MoveInBatch));
    let rows = loader(|| async {
        let mut v: Vec<(RecordId, MoveInBatch)> = app()
            .query(&Query::new(
                RecordKind::MoveInBatch,
                Filter::Status("open".into()),
            ))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<MoveInBatch>().map(|b| (v.id, b)))
            .collect();
        v.sort_by_key(|(_, b)| std::cmp::Reverse(b.info.as_ref().map(|i| i.deadline)));
        v
    });
    view! {
        {move || match opened.get() {
            Some(id) => view! { <BatchDetail id=id back=Callback::new(move |_| opened.set(None))/> }.into_any(),
            None => view! {
                <section class="card">
                    <h1 class="page-title">{move || t("mv.tab.batches")}</h1>
                    {move || rows.get().map(|rows| if rows.is_empty() {
                        view! { <p class="empty">{t("mv.empty")}</p> }.into_any()
                    } else {
                        let today = today();
                        view! {
                            <div class="list" data-testid="mv-batches">
                                {rows.into_iter().map(|(id, b)| {
                                    let i = b.info.clone().unwrap_or_else(|| BatchInfo {
                                        name: String::new(), office: String::new(), hours: String::new(),
                                        from: today, deadline: today, units: vec![], fees: vec![],
                                    });
                                    let remind = b.to_remind(today).len();
                                    let late = b.no_shows(today).len();
                                    view! {
                                        <button class="list-row" data-testid="mv-batch-row" data-name=i.name.clone()
                                            on:click=move |_| opened.set(Some(id))>
                                            <div class="row-main">
                                                <strong>{i.name.clone()}</strong>
                                                <span class="muted">{format!("{} – {}", i.from, i.deadline)}" · "{i.office.clone()}</span>
                                            </div>
                                            <div class="row-side">
                                                <span class="chip">{format!("{}/{}", b.came.len(), i.units.len())}</span>
                                                {(remind > 0).then(|| view! { <span class="badge warn">{move || t("mv.remind.title").split('：').next().unwrap_or("").to_string()}" "{remind}</span> })}
                                                {(late > 0).then(|| view! { <span class="badge overdue">{move || t("mv.not_come")}" "{late}</span> })}
                                            </div>
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        }.into_any()
                    })}
                </section>
                <Show when=move || may(Action::HandleMoveIn)>
                    <TenantStart/>
                </Show>
            }.into_any(),
        }}
    }
}

/// MOVE-9: a tenant of any unit starts a session of its own (conditions, then the household).
#[component]
fn TenantStart() -> impl IntoView {
    let pick = Callback::new(move |h: UnitHit| {
        let sid = app().new_id();
        submit(
            move |a| {
                mv::start(
                    a,
                    sid,
                    None,
                    h.unit,
                    &h.place,
                    "租户",
                    "",
                    Party::Tenant,
                    now_ms(),
                )
            },
            Text::new("开始租户入住登记", "Tenant registration started"),
            move || go(Page::MoveInSession(sid)),
        );
    });
    view! {
        <section class="card" data-testid="mv-tenant">
            <h2>{move || t("mv.tenant")}</h2>
            <UnitSearch testid="mv-tenant-unit" on_pick=pick/>
        </section>
    }
}

/// One batch: the units and who came, reminders, no-shows, the notices.
#[component]
fn BatchDetail(id: RecordId, back: Callback<()>) -> impl IntoView {
    let data = loader(move || async move {
        let a = app();
        let b = a.get::<MoveInBatch>(id).await.ok().flatten();
        let sessions: BTreeMap<RecordId, MoveInSession> = a
            .query(&Query::new(
                RecordKind::MoveInSession,
                Filter::Prefix(batch_key(id)),
            ))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<MoveInSession>().map(|s| (v.id, s)))
            .collect();
        (b, sessions)
    });
    let names = names();
    let estate = ctx()
        .estate
        .get_untracked()
        .map(|e| e.name)
        .unwrap_or_default();
    let party = RwSignal::new(Party::Owner);
    let note = RwSignal::new(String::new());
    view! {
        <div class="page-head screen-only">
            <button class="btn" data-testid="mv-back" on:click=move |_| back.run(())>"‹ "{move || t("mv.back")}</button>
            <span class="spacer"></span>
            <button class="btn" data-testid="mv-print-notices" on:click=move |_| crate::ui::components::print_page()>{move || t("mv.print_notices")}</button>
        </div>
        {move || data.get().and_then(|(b, sessions)| b.map(|b| (b, sessions))).and_then(|(b, sessions)| {
            let i = b.info.clone()?;
            let today = today();
            let remind: Vec<BatchUnit> = b.to_remind(today).into_iter().cloned().collect();
            let late: Vec<BatchUnit> = b.no_shows(today).into_iter().cloned().collect();
            let b2 = StoredValue::new(b.clone());
            let notices = i.clone();
            let estate = estate.clone();
            Some(view! {
                <section class="card screen-only" data-testid="mv-batch">
                    <h1 class="page-title">{i.name.clone()}</h1>
                    <dl class="kv">
                        <dt>{move || t("mv.office")}</dt><dd>{i.office.clone()}</dd>
                        <dt>{move || t("mv.hours")}</dt><dd>{i.hours.clone()}</dd>
                        <dt>{move || t("mv.period")}</dt><dd data-testid="mv-period">{format!("{} – {}", i.from, i.deadline)}</dd>
                        <dt>{move || t("mv.fees")}</dt><dd>{i.fees.iter().map(|f| format!("{} ¥{}", f.name, yuan(f.fen))).collect::<Vec<_>>().join("；")}</dd>
                    </dl>
                </section>
                {(!remind.is_empty()).then(|| view! {
                    <section class="card screen-only" data-testid="mv-remind">
                        <h2>{move || t("mv.remind.title")}</h2>
                        <label class="field"><span class="field-label">{move || t("mv.remind.note")}</span>
                            <input data-testid="mv-remind-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/></label>
                        {remind.into_iter().map(|u| {
                            let done = b2.with_value(|b| b.reminders_of(u.unit).into_iter().map(|r| format!("{} {} {}", tx(&r.way.label()), when(r.at), name(&names, r.by))).collect::<Vec<_>>());
                            let unit = u.unit;
                            view! {
                                <div class="list-row" data-testid="mv-remind-row" data-place=u.place.clone()>
                                    <div class="row-main"><strong>{u.place.clone()}" "{u.owner.clone()}</strong>
                                        <span class="muted">{u.phone.clone()}</span>
                                        {done.into_iter().map(|d| view! { <span class="chip ok">{d}</span> }).collect_view()}
                                    </div>
                                    <Show when=move || may(Action::RemindMoveIn)>
                                        <div class="row-side">
                                            {ReminderWay::ALL.iter().copied().map(|w| view! {
                                                <button class="btn" data-testid=format!("mv-remind-{}", w.key()) on:click=move |_| {
                                                    let b = b2.get_value();
                                                    let n = note.get_untracked();
                                                    submit(move |a| mv::remind(a, id, &b, unit, w, &n, now_ms(), &cal()), Text::new("已记录通知", "Reminder recorded"), move || note.set(String::new()));
                                                }>{move || tx(&w.label())}</button>
                                            }).collect_view()}
                                        </div>
                                    </Show>
                                </div>
                            }
                        }).collect_view()}
                    </section>
                })}
                {(!late.is_empty()).then(|| {
                    let reported = b.reported.clone();
                    view! {
                        <section class="card screen-only" data-testid="mv-noshows">
                            <h2>{move || t("mv.noshow.title")}</h2>
                            {late.into_iter().map(|u| view! {
                                <div class="list-row" data-testid="mv-noshow-row"><div class="row-main"><strong>{u.place.clone()}" "{u.owner.clone()}</strong><span class="muted">{u.phone.clone()}</span></div></div>
                            }).collect_view()}
                            {match reported {
                                Some((tick, _)) => view! { <p class="badge ok">{move || t("mv.noshow.reported")}" "{when(tick.at)}" "{name(&names, tick.by)}</p> }.into_any(),
                                None => view! {
                                    <Show when=move || may(Action::OpenMoveIn)>
                                        <button class="btn primary" data-testid="mv-noshow-report" on:click=move |_| {
                                            let b = b2.get_value();
                                            submit(move |a| mv::report_no_shows(a, id, &b, now_ms(), &cal()), Text::new("已报告主任", "Reported"), || ());
                                        }>{move || t("mv.noshow.report")}</button>
                                    </Show>
                                }.into_any(),
                            }}
                        </section>
                    }
                })}
                <section class="card screen-only">
                    <h2>{move || t("mv.units")}</h2>
                    <div class="field"><span class="field-label">{move || t("mv.who_comes")}</span>
                        <div class="seg">
                            {[Party::Owner, Party::Agent, Party::Company].into_iter().map(|p| view! {
                                <button class=move || if party.get() == p { "seg-btn on" } else { "seg-btn" } data-testid=format!("mv-party-{}", p.key())
                                    on:click=move |_| party.set(p)>{move || tx(&p.label())}</button>
                            }).collect_view()}
                        </div>
                    </div>
                    <div class="list" data-testid="mv-units">
                        {i.units.iter().map(|u| {
                            let came = b.came.get(&u.unit).map(|c| c.0);
                            let s = came.and_then(|sid| sessions.get(&sid).cloned());
                            let (label, class) = match &s {
                                None => (t("mv.not_come").to_string(), "badge"),
                                Some(s) if s.finished.is_some() => (t("mv.done").to_string(), "badge ok"),
                                Some(s) => {
                                    let all = mv::Step::for_party(s.party()).len();
                                    (format!("{} {}/{}", t("mv.in_progress"), all - s.remaining().len(), all), "badge warn")
                                }
                            };
                            let state = match &s { None => "not_come", Some(s) if s.finished.is_some() => "done", _ => "open" };
                            let u2 = u.clone();
                            view! {
                                <div class="list-row" data-testid="mv-unit-row" data-place=u.place.clone() data-state=state>
                                    <div class="row-main"><strong>{u.place.clone()}</strong><span class="muted">{u.owner.clone()}" "{u.phone.clone()}</span></div>
                                    <div class="row-side">
                                        <span class=class>{label}</span>
                                        {match came {
                                            Some(sid) => view! { <button class="btn" data-testid="mv-open" on:click=move |_| go(Page::MoveInSession(sid))>{move || t("mv.resume")}</button> }.into_any(),
                                            None => view! {
                                                <Show when=move || may(Action::HandleMoveIn)>
                                                    <button class="btn primary" data-testid="mv-start" on:click={
                                                        let u = u2.clone();
                                                        move |_| {
                                                            let b = b2.get_value();
                                                            let u = u.clone();
                                                            let sid = app().new_id();
                                                            let p = party.get_untracked();
                                                            submit(move |a| mv::start(a, sid, Some((id, &b)), u.unit, &u.place, &u.owner, &u.phone, p, now_ms()),
                                                                Text::new("开始办理入伙", "Move-in started"), move || go(Page::MoveInSession(sid)));
                                                        }
                                                    }>{move || t("mv.start")}</button>
                                                </Show>
                                            }.into_any(),
                                        }}
                                    </div>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </section>
                <print::Notices estate=estate info=notices/>
            })
        })}
    }
}

/// MOVE-7: the Supervisor's list of entry-door keys kept for repairs and not yet returned.
#[component]
fn KeptKeys() -> impl IntoView {
    let rows = loader(|| async {
        app()
            .query(&Query::new(
                RecordKind::MoveInSession,
                Filter::Prefix(KEPT_KEY.into()),
            ))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<MoveInSession>().map(|s| (v.id, s)))
            .collect::<Vec<_>>()
    });
    view! {
        <section class="card">
            <h1 class="page-title">{move || t("mv.tab.keys")}</h1>
            {move || rows.get().map(|rows| if rows.is_empty() {
                view! { <p class="empty">{t("mv.keys.empty")}</p> }.into_any()
            } else {
                view! {
                    <div class="list" data-testid="mv-kept">
                        {rows.into_iter().map(|(id, s)| {
                            let since = s.keys.iter().rev().find(|k| !k.to_owner).map(|k| k.at);
                            view! {
                                <button class="list-row" data-testid="mv-kept-row" data-place=s.place.clone() on:click=move |_| go(Page::MoveInSession(id))>
                                    <div class="row-main"><strong>{s.place.clone()}" "{s.name.clone()}</strong>
                                        <span class="muted">{s.kept.clone()}" · "{move || t("mv.keys.since")}" "{since.map(when)}</span></div>
                                    <div class="row-side"><span class="badge warn">{format!("{} {}", s.orders.len(), t("mv.order"))}</span></div>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                }.into_any()
            })}
        </section>
    }
}

/// MOVE-1: the Supervisor opens move-in for units picked with the shared unit search.
#[component]
fn NewBatch() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let office = RwSignal::new(String::from("客服中心"));
    let hours = RwSignal::new(String::from("每日 9:00–17:30"));
    let from = RwSignal::new(today().to_string());
    let deadline = RwSignal::new((today() + chrono::Days::new(30)).to_string());
    let units = RwSignal::new(Vec::<BatchUnit>::new());
    let fees = RwSignal::new(vec![
        ("物业管理费（预收3个月）".to_string(), String::new()),
        ("装修垃圾清运费".to_string(), String::new()),
    ]);
    let pick = Callback::new(move |h: UnitHit| {
        units.update(|v| {
            if !v.iter().any(|u| u.unit == h.unit) {
                v.push(BatchUnit {
                    unit: h.unit,
                    place: h.place.clone(),
                    owner: h.name.clone(),
                    phone: h.phone.clone(),
                })
            }
        })
    });
    let save = move |_| {
        let parse = |s: String| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let (Some(f), Some(d)) = (parse(from.get_untracked()), parse(deadline.get_untracked()))
        else {
            super::state::toast_err(t("mv.new.deadline"));
            return;
        };
        let fee_list: Vec<FeeEntry> = fees
            .get_untracked()
            .into_iter()
            .filter(|(n, _)| !n.trim().is_empty())
            .map(|(n, a)| FeeEntry {
                name: n.trim().into(),
                fen: (a.trim().parse::<f64>().unwrap_or(-1.0) * 100.0).round() as i64,
            })
            .collect();
        let info = BatchInfo {
            name: name.get_untracked(),
            office: office.get_untracked(),
            hours: hours.get_untracked(),
            from: f,
            deadline: d,
            units: units.get_untracked(),
            fees: fee_list,
        };
        let id = app().new_id();
        submit(
            move |a| mv::open_batch(a, id, &info, now_ms()),
            Text::new("已发出入伙通知", "Move-in opened"),
            move || {
                ctx().focus.set(Some(crate::domain::event::RecordRef::new(
                    RecordKind::MoveInBatch,
                    id,
                )));
                go(Page::MoveIn(MoveTab::Batches));
            },
        );
    };
    let field = |key: &'static str, sig: RwSignal<String>, id: &'static str, kind: &'static str| {
        view! {
            <label class="field"><span class="field-label">{move || t(key)}</span>
                <input type=kind data-testid=id prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev))/></label>
        }
    };
    view! {
        <section class="card" data-testid="mv-new">
            <h1 class="page-title">{move || t("mv.tab.new")}</h1>
            {field("mv.new.name", name, "mv-new-name", "text")}
            {field("mv.office", office, "mv-new-office", "text")}
            {field("mv.hours", hours, "mv-new-hours", "text")}
            <div class="row2">
                {field("mv.new.from", from, "mv-new-from", "date")}
                {field("mv.new.deadline", deadline, "mv-new-deadline", "date")}
            </div>
            <h2>{move || t("mv.new.unit")}</h2>
            <UnitSearch testid="mv-new-unit" on_pick=pick/>
            <div class="chips wrap" data-testid="mv-new-units">
                {move || units.get().into_iter().map(|u| {
                    let id = u.unit;
                    view! { <span class="chip big">{u.place.clone()}" "{u.owner.clone()}
                        <button class="chip-x" on:click=move |_| units.update(|v| v.retain(|x| x.unit != id))>"×"</button></span> }
                }).collect_view()}
            </div>
            <h2>{move || t("mv.fees")}</h2>
            {move || (0..fees.get().len()).map(|i| view! {
                <div class="row2">
                    <label class="field"><span class="field-label">{move || t("mv.new.fee_name")}</span>
                        <input prop:value=move || fees.get().get(i).map(|f| f.0.clone()).unwrap_or_default()
                            on:change=move |ev| fees.update(|v| v[i].0 = event_target_value(&ev))/></label>
                    <label class="field"><span class="field-label">{move || t("mv.new.fee_amount")}</span>
                        <input inputmode="decimal" data-testid=format!("mv-new-fee-{i}") prop:value=move || fees.get().get(i).map(|f| f.1.clone()).unwrap_or_default()
                            on:change=move |ev| fees.update(|v| v[i].1 = event_target_value(&ev))/></label>
                </div>
            }).collect_view()}
            <button class="btn" on:click=move |_| fees.update(|v| v.push((String::new(), String::new())))>{move || t("mv.new.add_fee")}</button>
            <button class="btn primary big" data-testid="mv-new-open" on:click=save>{move || t("mv.new.open")}</button>
        </section>
    }
}
