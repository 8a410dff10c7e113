//! 客户求助 (HELP-1..5): register any kind with the 10-minute reply clock; answer, or route a
//! complaint into the complaint procedure; a medical emergency runs one of the three HELP-3
//! paths as a one-handed checklist, each step and each person notified timestamped.

use super::{name_of, people, settings, when};
use crate::domain::complaints::{
    self, medical_steps, HelpIntake, HelpKind, HelpRequest, HelpStatus, MedicalPath, Subject,
};
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::roles::Role;
use crate::store::Query;
use crate::ui::components::Area;
use crate::ui::components::{History, SlaBadge, TextField};
use crate::ui::components::{UnitHit, UnitSearch};
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, loader, submit, tx};
use leptos::prelude::*;

#[component]
pub(super) fn HelpPage() -> impl IntoView {
    let opened = RwSignal::new(crate::ui::state::take_focus(
        crate::domain::event::RecordKind::HelpRequest,
    ));
    let adding = RwSignal::new(false);
    // Which requests: "" = the recent ones (the open requests, then this month's and last
    // month's); a month ("2026-03") = every request received that month (HELP-6's month key),
    // so a closed request of any earlier month can still be found.
    let month = RwSignal::new(String::new());
    let shown = RwSignal::new(crate::ui::components::PAGE);
    // List rows (issue 19): by the status index and month keys, never every request of five
    // years.
    let rows = loader(move || {
        let m = month.get();
        shown.set(crate::ui::components::PAGE);
        async move {
            use crate::domain::complaints::{help_month_key, HelpRow};
            use crate::store::Filter;
            let mut queries = vec![];
            if m.is_empty() {
                let today =
                    crate::domain::calendar::BusinessCalendar::default().local_date(now_ms());
                queries.push(Query::new(
                    RecordKind::HelpRequest,
                    Filter::Status(HelpStatus::Open.key().into()),
                ));
                for (y, m) in complaints::report::recent_months(today).into_iter().take(2) {
                    queries.push(Query::new(
                        RecordKind::HelpRequest,
                        Filter::Prefix(help_month_key(&format!("{y}-{m:02}"))),
                    ));
                }
            } else {
                queries.push(Query::new(
                    RecordKind::HelpRequest,
                    Filter::Prefix(help_month_key(&m)),
                ));
            }
            let mut v: Vec<(RecordId, HelpRow)> = Vec::new();
            for q in &queries {
                for (id, h) in crate::ui::state::list_rows::<HelpRow>(q).await {
                    if !v.iter().any(|(x, _)| *x == id) {
                        v.push((id, h));
                    }
                }
            }
            v.sort_by_key(|(_, h)| (h.status != HelpStatus::Open, std::cmp::Reverse(h.received)));
            (m, v)
        }
    });
    // The months to browse: this one and the five years before it, newest first.
    let months: Vec<String> = {
        use chrono::Datelike;
        let today = crate::domain::calendar::BusinessCalendar::default().local_date(now_ms());
        let start = today.year() * 12 + today.month0() as i32;
        (0..60)
            .map(|i| {
                let n = start - i;
                format!("{}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
            })
            .collect()
    };
    let months = StoredValue::new(months);
    view! {
        {move || match (opened.get(), adding.get()) {
            (Some(id), _) => view! { <HelpDetail id=id back=Callback::new(move |_| opened.set(None))/> }.into_any(),
            (None, true) => view! { <HelpForm done=Callback::new(move |id: Option<RecordId>| { adding.set(false); opened.set(id); })/> }.into_any(),
            (None, false) => view! {
                <div class="page-head">
                    <h1 class="page-title">{move || t("help.title")}</h1>
                    <button class="btn primary" data-testid="help-new" on:click=move |_| adding.set(true)>"＋ "{move || t("help.new")}</button>
                </div>
                <div class="cmp-filters">
                    <select class="cmp-month" data-testid="help-month" aria-label=move || t("help.month")
                        on:change=move |ev| month.set(event_target_value(&ev))>
                        <option value="" selected=move || month.get().is_empty()>{move || t("help.recent")}</option>
                        {months.get_value().into_iter().map(|m| { let v = m.clone(); view! {
                            <option value=v.clone() selected=move || month.get() == v>{m}</option>
                        }}).collect_view()}
                    </select>
                </div>
                {move || {
                    let now = now_ms();
                    // The month the rows were loaded for (a new one loads asynchronously).
                    let Some((m, list)) = rows.get() else {
                        return ().into_any();
                    };
                    if list.is_empty() {
                        let key = if m.is_empty() { "help.empty" } else { "help.empty_month" };
                        return view! { <div class="card"><p class="empty" data-testid="help-empty">{move || t(key)}</p></div> }.into_any();
                    }
                    view! {
                        <section class="card list" data-testid="help-list" data-month=m>
                            {let n = list.len(); view! {
                            {move || list.iter().take(shown.get()).cloned().map(|(id, h)| {
                                let k = h.kind;
                                let st = h.status;
                                let clock = h.clock.clone();
                                view! {
                                    <button class=if k == HelpKind::Medical { "row help-row medical" } else { "row help-row" } data-testid="help-row"
                                        on:click=move |_| opened.set(Some(id))>
                                        <span class="cmp-when"><strong>{when(h.received).get(5..10).unwrap_or_default().to_string()}</strong><small>{when(h.received).get(11..).unwrap_or_default().to_string()}</small></span>
                                        <span class="row-main">
                                            <span class="chips"><span class=if k == HelpKind::Medical { "chip cmp-major" } else { "chip dept" }>{move || tx(&k.label())}</span>
                                                <span class=format!("cmp-status s-{}", st.key())>{move || tx(&st.label())}</span></span>
                                            <strong>{h.what.clone()}</strong>
                                            <span class="muted">{h.place.clone()}" "{h.caller.clone()}</span>
                                        </span>
                                        <span class="row-side">{clock.map(|c| view! { <SlaBadge state=c.state(now)/> })}</span>
                                    </button>
                                }
                            }).collect_view()}
                            <crate::ui::components::LoadMore shown=shown total=Signal::derive(move || n)/>
                            }}
                        </section>
                    }.into_any()
                }}
            }.into_any(),
        }}
    }
}

#[component]
fn HelpForm(done: Callback<Option<RecordId>>) -> impl IntoView {
    let kind = RwSignal::new(None::<HelpKind>);
    let picked = RwSignal::new(None::<UnitHit>);
    let caller = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let what = RwSignal::new(String::new());
    let needs_sup = RwSignal::new(false);
    let save = move |_| {
        let Some(k) = kind.get_untracked() else {
            crate::ui::state::toast_err(crate::ui::i18n::t_untracked("help.need_kind"));
            return;
        };
        let p = picked.get_untracked();
        let intake = HelpIntake {
            kind: k,
            household: p.as_ref().and_then(|p| p.household),
            unit: p.as_ref().map(|p| p.unit),
            place: p.as_ref().map(|p| p.place.clone()).unwrap_or_default(),
            caller: caller.get_untracked(),
            phone: phone.get_untracked(),
            address: address.get_untracked(),
            what: what.get_untracked(),
            needs_supervisor: needs_sup.get_untracked(),
        };
        let id = app().new_id();
        let (cal, s) = settings();
        submit(
            move |a| complaints::register_help(a, id, &intake, now_ms(), &s, &cal),
            Text::new("求助已登记", "Help request registered"),
            move || done.run(Some(id)),
        );
    };
    view! {
        <section class="card cmp-form" data-testid="help-form">
            <div class="detail-head">
                <h1 class="page-title">{move || t("help.new")}</h1>
                <span class="spacer"></span>
                <button class="btn small" on:click=move |_| done.run(None)>{move || t("common.cancel")}</button>
            </div>
            <div class="cmp-subjects help-kinds">
                {HelpKind::ALL.iter().map(|k| { let k = *k; view! {
                    <button class=move || if kind.get() == Some(k) { "cmp-subject on" } else { "cmp-subject" }
                        data-testid=format!("help-kind-{}", k.key()) on:click=move |_| kind.set(Some(k))>{move || tx(&k.label())}</button>
                }}).collect_view()}
            </div>
            <Show when=move || kind.get() == Some(HelpKind::Medical)>
                <p class="notice">{move || t("help.medical_first")}</p>
            </Show>
            <div class="field">
                <span class="field-label">{move || t("cmp.reg.household")}</span>
                {move || match picked.get() {
                    Some(p) => view! { <div class="cmp-picked"><span class="unit-badge"><strong>{p.place.clone()}</strong></span><span>{p.name.clone()}</span>
                        <button class="btn small" on:click=move |_| picked.set(None)>{move || t("cmp.reg.change")}</button></div> }.into_any(),
                    None => view! {
                        <UnitSearch testid="help-unit" on_pick=Callback::new(move |h: UnitHit| {
                            caller.set(h.name.clone()); phone.set(h.phone.clone()); address.set(h.place.clone()); picked.set(Some(h));
                        })/>
                    }.into_any(),
                }}
            </div>
            <div class="row2">
                <TextField label=Signal::derive(|| t("cmp.reg.name").to_string()) value=caller testid="help-caller"/>
                <TextField label=Signal::derive(|| t("cmp.reg.phone").to_string()) value=phone testid="help-phone" kind="tel"/>
            </div>
            <TextField label=Signal::derive(|| t("help.address").to_string()) value=address testid="help-address"/>
            <Area label=Signal::derive(|| t("help.what").to_string()) value=what testid="help-what"/>
            <label class="check"><input type="checkbox" prop:checked=move || needs_sup.get() on:change=move |_| needs_sup.update(|v| *v = !*v)/>
                <span>{move || t("help.needs_sup")}</span></label>
            <button class="btn primary big" data-testid="help-save" on:click=save>{move || t("help.save")}</button>
        </section>
    }
}

#[component]
fn HelpDetail(id: RecordId, back: Callback<()>) -> impl IntoView {
    let rec = loader(move || async move { app().get::<HelpRequest>(id).await.ok().flatten() });
    let people = people();
    let answer = RwSignal::new(String::new());
    let who = RwSignal::new(String::new());
    let outcome = RwSignal::new(String::new());
    let refer_to = RwSignal::new(String::new());
    let refer_note = RwSignal::new(String::new());
    let cur = move || rec.get_untracked().flatten();
    let run = move |what: &'static str, arg: u8| {
        let Some(h) = cur() else { return };
        let now = now_ms();
        let (ans, w, out) = (
            answer.get_untracked(),
            who.get_untracked(),
            outcome.get_untracked(),
        );
        let cid = app().new_id();
        let (cal, _) = settings();
        // HELP-4: the chosen supervisor and the roles the staff register gives them.
        let to = people
            .get_untracked()
            .unwrap_or_default()
            .into_iter()
            .find(|p| p.id.to_string() == refer_to.get_untracked());
        let note = refer_note.get_untracked();
        submit(
            move |a| match what {
                "answer" => complaints::answer_help(a, id, &h, &ans, now),
                "refer" => match &to {
                    Some(p) => complaints::refer_help(a, id, &h, p.id, &p.roles, &note, now),
                    None => Err(crate::domain::command::DomainError::invalid(
                        "请选择答复的主管",
                        "Choose the supervisor who answers",
                    )),
                },
                "hospital" => complaints::choose_path(a, id, &h, MedicalPath::Hospital, now),
                "call120" => complaints::choose_path(a, id, &h, MedicalPath::Call120, now),
                "short_care" => complaints::choose_path(a, id, &h, MedicalPath::ShortCare, now),
                "step" => complaints::step_done(a, id, &h, arg, now),
                "notify" => complaints::notified(a, id, &h, &w, now),
                "complaint" => {
                    complaints::convert_to_complaint(a, id, &h, cid, Subject::Other, now, &cal)
                }
                _ => complaints::close_help(a, id, &h, &out, now),
            },
            Text::new("已记录", "Recorded"),
            move || {
                answer.set(String::new());
                who.set(String::new());
                refer_note.set(String::new());
            },
        );
    };
    view! {
        {move || {
            let Some(h) = rec.get().flatten() else { return view! { <p class="muted">{move || t("common.loading")}</p> }.into_any() };
            let now = now_ms();
            let k = h.kind();
            let st = h.status;
            let open = !matches!(st, HelpStatus::Closed | HelpStatus::Routed);
            let i = h.intake.clone();
            let path = h.path;
            let medical = k == HelpKind::Medical;
            let steps_done: Vec<(u8, i64, String)> = h.steps.iter().map(|(s, at, by)| (*s, *at, name_of(&people, Some(*by)))).collect();
            view! {
                <section class="card help-detail" data-testid="help-detail" data-status=st.key()>
                    <div class="detail-head">
                        <button class="btn small" data-testid="help-back" on:click=move |_| back.run(())>"‹ "{move || t("common.back")}</button>
                        <span class="spacer"></span>
                        {h.reply_clock.clone().map(|c| view! { <SlaBadge state=c.state(now)/><span class="muted">{move || t("help.reply_by")}" "{when(c.deadline)}</span> })}
                    </div>
                    <div class="chips"><span class=if medical { "chip cmp-major" } else { "chip dept" }>{move || tx(&k.label())}</span>
                        <span class=format!("cmp-status s-{}", st.key()) data-testid="help-status">{move || tx(&st.label())}</span></div>
                    {i.clone().map(|i| view! {
                        <h2 class="cmp-what-big">{i.what.clone()}</h2>
                        <dl class="facts">
                            <dt>{move || t("help.address")}</dt><dd>{if i.address.trim().is_empty() { i.place.clone() } else { i.address.clone() }}</dd>
                            <dt>{move || t("cmp.reg.name")}</dt><dd>{i.caller.clone()}" "{i.phone.clone()}</dd>
                            <dt>{move || t("cmp.d.received")}</dt><dd>{when(h.received)}" · "{name_of(&people, Some(h.by))}</dd>
                        </dl>
                    })}
                    {h.referred.clone().map(|r| view! {
                        <p class="notice" data-testid="help-referred">{move || t("help.referred")}" "{name_of(&people, Some(r.to))}
                            <span class="muted">" · "{when(r.at)}" · "{name_of(&people, Some(r.by))}</span>
                            {(!r.note.is_empty()).then(|| view! { <br/>{r.note.clone()} })}</p>
                    })}
                    {(!h.answer.is_empty()).then(|| view! { <p class="cmp-report">{move || t("help.answer")}"："{h.answer.clone()}</p> })}
                    {h.routed_to.map(|_| view! { <p class="notice" data-testid="help-routed">{move || t("help.routed")}</p> })}

                    {(medical && open && path.is_none()).then(|| view! {
                        <h3>{move || t("help.choose_path")}</h3>
                        <div class="help-paths">
                            {MedicalPath::ALL.iter().map(|p| { let p = *p; view! {
                                <button class="btn big help-path" data-testid=format!("help-path-{}", p.key()) on:click=move |_| run(p.key(), 0)>{move || tx(&p.label())}</button>
                            }}).collect_view()}
                        </div>
                    })}
                    {path.map(|p| view! {
                        <h3>{move || tx(&p.label())}</h3>
                        <ol class="help-steps" data-testid="help-steps">
                            {medical_steps(p).iter().enumerate().map(|(n, (zh, en))| {
                                let done = steps_done.iter().find(|(s, _, _)| *s as usize == n).cloned();
                                let is_done = done.is_some();
                                let label = Text::new(*zh, *en);
                                view! {
                                    <li>
                                        <button class=if is_done { "help-step done" } else { "help-step" } data-testid="help-step"
                                            disabled=is_done || !open on:click=move |_| run("step", n as u8)>
                                            <span class="help-tick">{if is_done { "✓" } else { "" }}</span>
                                            <span>{move || tx(&label)}</span>
                                            {done.map(|(_, at, by)| view! { <small class="muted">{when(at)}" · "{by}</small> })}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    })}
                    {(!h.notified.is_empty()).then(|| view! {
                        <ul class="cmp-cb-lines">{h.notified.iter().map(|(w, at)| view! { <li><strong>{move || t("help.notified")}</strong>{w.clone()}<span class="muted">{when(*at)}</span></li> }).collect_view()}</ul>
                    })}
                    <Show when=move || open>
                        <div class="cmp-note-bar">
                            <input type="text" data-testid="help-who" placeholder=move || t("help.who_ph") prop:value=move || who.get() on:input=move |ev| who.set(event_target_value(&ev))/>
                            <button class="btn" data-testid="help-notify" on:click=move |_| run("notify", 0)>{move || t("help.notify")}</button>
                        </div>
                        {(!medical && st == HelpStatus::Open && h.referred.is_none()).then(|| {
                            // HELP-4: the desk never guesses; it refers the enquiry by name.
                            let sups: Vec<(String, String)> = people.get().unwrap_or_default().into_iter()
                                .filter(|p| p.roles.iter().any(|r| matches!(r, Role::Supervisor | Role::Director)))
                                .map(|p| (p.id.to_string(), p.name)).collect();
                            view! {
                                <div class="cmp-note-bar" data-testid="help-refer-bar">
                                    <select data-testid="help-refer-to" on:change=move |ev| refer_to.set(event_target_value(&ev))>
                                        <option value="">{move || t("help.refer_to")}</option>
                                        {sups.into_iter().map(|(v, n)| view! { <option value=v>{n}</option> }).collect_view()}
                                    </select>
                                    <input type="text" data-testid="help-refer-note" placeholder=move || t("help.refer_note_ph") prop:value=move || refer_note.get() on:input=move |ev| refer_note.set(event_target_value(&ev))/>
                                    <button class="btn" data-testid="help-refer" on:click=move |_| run("refer", 0)>{move || t("help.refer")}</button>
                                </div>
                            }
                        })}
                        {(!medical).then(|| view! {
                            <div class="cmp-note-bar">
                                <input type="text" data-testid="help-answer" placeholder=move || t("help.answer_ph") prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))/>
                                <button class="btn" data-testid="help-answer-save" on:click=move |_| run("answer", 0)>{move || t("help.answer_save")}</button>
                            </div>
                            {(k == HelpKind::Complaint).then(|| view! {
                                <button class="btn" data-testid="help-to-complaint" on:click=move |_| run("complaint", 0)>{move || t("help.to_complaint")}</button>
                            })}
                        })}
                        <div class="cmp-note-bar">
                            <input type="text" data-testid="help-outcome" placeholder=move || t("help.outcome_ph") prop:value=move || outcome.get() on:input=move |ev| outcome.set(event_target_value(&ev))/>
                            <button class="btn primary" data-testid="help-close" on:click=move |_| run("close", 0)>{move || t("help.close")}</button>
                        </div>
                    </Show>
                    {(!h.outcome.is_empty()).then(|| view! { <p class="cmp-report">{move || t("help.outcome")}"："{h.outcome.clone()}</p> })}
                </section>
                <History subject=RecordRef::new(RecordKind::HelpRequest, id)/>
            }.into_any()
        }}
    }
}
