//! 突发事件 — one tap from every screen (the header button): choose the kind, then a large-type
//! one-handed step checklist; every tap is timestamped into the incident timeline and the duty
//! log; closing records cause, prevention and the households to call back (EMG-1..3).

pub mod strings;

use crate::domain::emergency::{self, playbook, Incident, IncidentKind};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::registry::{Household, Unit};
use crate::store::{Filter, Query};
use crate::ui::components::people::{all_staff, name_in};
use crate::ui::duty::{calendar, chain_head, hm, supervisor_of};
use crate::ui::i18n::{t, t_untracked};
use crate::ui::platform::now_ms;
use crate::ui::state::{app, ctx, go, loader, toast_err, tx, Page};
use leptos::prelude::*;

/// The red button in the header.
#[component]
pub fn EmergencyButton() -> impl IntoView {
    view! {
        <button class="btn emergency-btn" data-testid="emergency" on:click=move |_| go(Page::Emergency)>
            <span aria-hidden="true">"⚠"</span>{move || t("emg.button")}
        </button>
    }
}

/// Records drafts made from the signed-in actor and this tablet's chain head, then runs `after`.
fn run(
    make: impl FnOnce(
            &crate::domain::command::Actor,
            &crate::domain::duty::log::DutyChain,
        )
            -> Result<Vec<crate::domain::event::Draft>, crate::domain::command::DomainError>
        + 'static,
    ok: Text,
    after: impl FnOnce() + 'static,
) {
    leptos::task::spawn_local(async move {
        let head = chain_head().await;
        crate::ui::state::submit(move |a| make(a, &head), ok, after);
    });
}

#[component]
pub fn EmergencyPage() -> impl IntoView {
    let place = RwSignal::new(String::new());
    let open = loader(|| async {
        app()
            .query(&Query::new(
                RecordKind::Incident,
                Filter::Status("open".into()),
            ))
            .await
            .unwrap_or_default()
    });
    let start = move |kind: IncidentKind| {
        let id = app().new_id();
        let p = place.get_untracked();
        run(
            move |a, head| emergency::start(a, id, kind, &p, head, &calendar(), now_ms()),
            Text::new(
                "已启动处置，步骤逐项点击记录",
                "Started: tap each step as it is done",
            ),
            move || go(Page::Incident(id)),
        );
    };
    let button = move |k: IncidentKind| {
        view! {
            <button class=if k.is_assembly() { "emg-kind assembly" } else { "emg-kind" }
                data-testid=format!("emg-kind-{}", k.as_str()) on:click=move |_| start(k)>
                {move || tx(&k.label())}
            </button>
        }
    };
    view! {
        <div class="page emergency" data-testid="emergency-page">
            <h1 class="page-title">{move || t("emg.title")}</h1>
            <p class="muted emg-lead">{move || t("emg.lead")}</p>
            {move || {
                let list = open.get().unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <section class="card emg-open">
                        <h2>{move || t("emg.open")}</h2>
                        {list.into_iter().map(|v| { let id = v.id; view! {
                            <button class="duty-alert" data-testid="emg-resume" on:click=move |_| go(Page::Incident(id))>{v.title.clone()}</button>
                        }}).collect_view()}
                    </section>
                })
            }}
            <label class="field emg-place">
                <span class="field-label">{move || t("emg.place")}</span>
                <input data-testid="emg-place" prop:value=move || place.get() on:input=move |ev| place.set(event_target_value(&ev))/>
            </label>
            <h2 class="emg-group">{move || t("emg.playbooks")}</h2>
            <div class="emg-kinds">
                {IncidentKind::ALL.into_iter().filter(|k| !k.is_assembly()).map(button).collect_view()}
            </div>
            <h2 class="emg-group">{move || t("emg.assembly")}</h2>
            <div class="emg-kinds">
                {IncidentKind::ALL.into_iter().filter(|k| k.is_assembly()).map(button).collect_view()}
            </div>
        </div>
    }
}

#[component]
pub fn IncidentPage(id: RecordId) -> impl IntoView {
    let data = loader(move || async move {
        let inc = app().get::<Incident>(id).await.ok().flatten();
        (inc, all_staff().await)
    });
    let note = RwSignal::new(String::new());
    let cause = RwSignal::new(String::new());
    let prevention = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let affected = RwSignal::new(Vec::<(RecordId, String)>::new());
    // Results of an older, slower search never replace the current one's.
    let hits = RwSignal::new(Vec::<(RecordId, String)>::new());
    Effect::new(move |_| {
        let q = search.get();
        leptos::task::spawn_local(async move {
            let found = unit_households(q.clone()).await;
            if search.get_untracked() == q {
                hits.set(found);
            }
        });
    });

    let tap = move |step: u32| {
        let Some((Some(inc), _)) = data.get_untracked() else {
            return;
        };
        run(
            move |a, head| emergency::step(a, id, &inc, step, head, &calendar(), now_ms()),
            Text::new("已记录", "Recorded"),
            || {},
        );
    };
    let add_note = move |_| {
        let Some((Some(inc), _)) = data.get_untracked() else {
            return;
        };
        let text = note.get_untracked();
        run(
            move |a, head| emergency::note(a, id, &inc, &text, head, &calendar(), now_ms()),
            Text::new("已记录", "Recorded"),
            move || note.set(String::new()),
        );
    };
    let close = move |_| {
        let Some((Some(inc), staff)) = data.get_untracked() else {
            return;
        };
        let Some(sup) = supervisor_of(&staff, None) else {
            toast_err(t_untracked("emg.no_supervisor"));
            return;
        };
        let (c, p) = (cause.get_untracked(), prevention.get_untracked());
        let hh = affected.get_untracked();
        run(
            move |a, head| {
                emergency::close(a, id, &inc, &c, &p, &hh, sup, head, &calendar(), now_ms())
            },
            Text::new(
                "已结案，回访已列入主管的回访队列",
                "Closed; the callbacks are in the supervisor's callback queue",
            ),
            || {},
        );
    };
    view! {
        <div class="page incident" data-testid="incident-page">
            {move || data.get().map(|(inc, staff)| {
                let Some(inc) = inc else {
                    return view! { <p class="muted">{move || t("emg.not_found")}</p> }.into_any();
                };
                let kind = inc.kind.unwrap_or(IncidentKind::GasLeak);
                let steps = playbook(kind);
                let done = inc.done_steps();
                let closed = inc.closed.clone();
                let timeline = inc.timeline.clone();
                let k_label = kind.label();
                view! {
                    <header class="incident-head">
                        <h1 class="page-title">{move || tx(&k_label)}</h1>
                        <span class="muted">{inc.place.clone()}" · "{move || t("emg.started")}" "{hm(inc.started)}</span>
                        {closed.is_some().then(|| view! { <span class="badge ok" data-testid="incident-closed">{move || t("emg.closed")}</span> })}
                    </header>
                    <ol class="steps" data-testid="steps">
                        {steps.into_iter().enumerate().map(|(i, s)| {
                            let at = timeline.iter().find(|l| l.step == Some(i as u32)).map(|l| hm(l.at));
                            let is_done = done.contains(&(i as u32));
                            let (zh, en) = (s.zh, s.en);
                            let disabled = is_done || closed.is_some();
                            view! {
                                <li>
                                    <button class="step" class:done=is_done class:warning=s.warning
                                        data-testid=format!("step-{i}") disabled=disabled on:click=move |_| tap(i as u32)>
                                        <span class="step-box">{if is_done { "✓" } else { "" }}</span>
                                        <span class="step-text">{move || if ctx().lang.get() == crate::domain::i18n::Lang::En { en } else { zh }}</span>
                                        <span class="step-at">{at.unwrap_or_default()}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                    <section class="card">
                        <h2>{move || t("emg.contacts")}</h2>
                        <crate::ui::duty::OnCallContacts/>
                    </section>
                    <section class="card">
                        <h2>{move || t("emg.timeline")}</h2>
                        <ul class="timeline" data-testid="timeline">
                            {timeline.iter().map(|l| view! { <li><span class="entry-time">{hm(l.at)}</span>" "{l.text.clone()}" — "<span class="muted">{name_in(&staff, l.by)}</span></li> }).collect_view()}
                        </ul>
                        {closed.is_none().then(|| view! {
                            <div class="add-row">
                                <input placeholder=move || t("emg.note") data-testid="emg-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                                <button class="btn" data-testid="emg-note-add" on:click=add_note>{move || t("common.add")}</button>
                            </div>
                        })}
                    </section>
                    {match closed {
                        Some(c) => view! {
                            <section class="card">
                                <h2>{move || t("emg.closure")}</h2>
                                <p>{move || t("emg.cause")}"："{c.cause.clone()}</p>
                                <p>{move || t("emg.prevention")}"："{c.prevention.clone()}</p>
                                <p>{move || t("emg.callback")}"："{c.households.len()}" · "{name_in(&staff, c.supervisor)}</p>
                            </section>
                        }.into_any(),
                        None => view! {
                            <section class="card" data-testid="emg-close">
                                <h2>{move || t("emg.close")}</h2>
                                <label class="field"><span class="field-label">{move || t("emg.cause")}</span>
                                    <input data-testid="emg-cause" prop:value=move || cause.get() on:input=move |ev| cause.set(event_target_value(&ev))/></label>
                                <label class="field"><span class="field-label">{move || t("emg.prevention")}</span>
                                    <input data-testid="emg-prevention" prop:value=move || prevention.get() on:input=move |ev| prevention.set(event_target_value(&ev))/></label>
                                <label class="field"><span class="field-label">{move || t("emg.households")}</span>
                                    <input data-testid="emg-unit-search" placeholder=move || t("emg.unit_hint") prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/></label>
                                <div class="chips">
                                    {move || hits.get().into_iter().map(|(hid, label)| {
                                        let l2 = label.clone();
                                        view! { <button class="chip" data-testid="emg-hh-hit" on:click=move |_| affected.update(|a| if !a.iter().any(|x| x.0 == hid) { a.push((hid, l2.clone())) })>{"+ "}{label}</button> }
                                    }).collect_view()}
                                </div>
                                <div class="chips" data-testid="emg-affected">
                                    {move || affected.get().into_iter().map(|(hid, label)| view! {
                                        <button class="chip active" on:click=move |_| affected.update(|a| a.retain(|x| x.0 != hid))>{label}" ×"</button>
                                    }).collect_view()}
                                </div>
                                <button class="btn primary big" data-testid="emg-close-save" on:click=close>{move || t("emg.close_save")}</button>
                            </section>
                        }.into_any(),
                    }}
                    <MajorIncident id=id started=inc.started/>
                }.into_any()
            })}
        </div>
    }
}

/// QUAL-2: the Director finds the incident a major safety incident (认定为重大安全责任事故),
/// with the reason and a confirm step; the quality dashboard counts it. Other roles see only
/// the finding once made (the domain refuses them anyway).
#[component]
fn MajorIncident(id: RecordId, started: i64) -> impl IntoView {
    use crate::domain::quality::{find_major_incident, year_id, QualityYear};
    use chrono::Datelike;
    let date = calendar().local_date(started);
    let year = loader(move || async move {
        app()
            .get::<QualityYear>(year_id(date.year()))
            .await
            .ok()
            .flatten()
    });
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let director = move || {
        ctx()
            .session
            .get()
            .is_some_and(|s| s.may(crate::domain::roles::Action::ManageQuality))
    };
    let confirm = move |_| {
        let current = year.get_untracked().flatten();
        let why = reason.get_untracked();
        crate::ui::state::submit(
            move |a| find_major_incident(a, current.as_ref(), id, date, &why, now_ms()),
            Text::new("已认定为重大安全责任事故", "Found a major safety incident"),
            move || asking.set(false),
        );
    };
    view! {
        {move || {
            let found = year.get().flatten().and_then(|y| y.major_incidents.into_iter().find(|(i, _, _)| *i == id));
            match found {
                Some((_, _, note)) => view! {
                    <section class="card emg-major" data-testid="emg-major-found">
                        <h2>{move || t("emg.major.found")}</h2>
                        <p>{note}</p>
                    </section>
                }.into_any(),
                None if director() => view! {
                    <section class="card emg-major screen-only">
                        {move || if asking.get() { view! {
                            <p class="notice">{move || t("emg.major.confirm_lead")}</p>
                            <label class="field"><span class="field-label">{move || t("emg.major.reason")}</span>
                                <textarea class="input" rows="3" data-testid="emg-major-reason" prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea></label>
                            <div class="actions">
                                <button class="btn ghost" on:click=move |_| asking.set(false)>{move || t("common.cancel")}</button>
                                <button class="btn danger" data-testid="emg-major-confirm" on:click=confirm>{move || t("emg.major.confirm")}</button>
                            </div>
                        }.into_any() } else { view! {
                            <button class="btn" data-testid="emg-major" on:click=move |_| asking.set(true)>{move || t("emg.major")}</button>
                        }.into_any() }}
                    </section>
                }.into_any(),
                None => ().into_any(),
            }
        }}
    }
}

/// Current households of the units whose number starts with `q` ("1201" → every building's
/// 1201), labelled with building, unit and names.
async fn unit_households(q: String) -> Vec<(RecordId, String)> {
    if q.trim().is_empty() {
        return vec![];
    }
    let a = app();
    let units = a
        .query(&Query::new(RecordKind::Unit, Filter::Prefix(q.trim().into())).limit(8))
        .await
        .unwrap_or_default();
    let mut out = vec![];
    for u in units {
        let Some(unit) = u.state::<Unit>() else {
            continue;
        };
        let hh = a
            .query(&Query::new(RecordKind::Household, Filter::Unit(u.id)))
            .await
            .unwrap_or_default();
        for h in hh {
            let Some(hs) = h.state::<Household>() else {
                continue;
            };
            if hs.moved_out.is_some() {
                continue;
            }
            let b = a
                .get::<crate::domain::registry::Building>(unit.info.building)
                .await
                .ok()
                .flatten()
                .map(|b| b.info.name)
                .unwrap_or_default();
            out.push((h.id, format!("{b} {} {}", unit.info.number, h.title)));
        }
    }
    out
}
