//! 用户意见调查 (QUAL-1): the surveys, one survey's results and progress by building, the
//! questionnaire taken on the tablet (the resident taps) or typed from paper, the Director's
//! items editor (before the start) and corrective actions for items under 85 %.

use super::{may, today};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::quality::pct;
use crate::domain::quality::survey::{
    self, Answer, Household, Source, Survey, SurveyItem, SurveyStatus,
};
use crate::domain::registry::{Building, Unit};
use crate::domain::roles::Action;
use crate::store::Query;
use crate::ui::components::people::{all_staff, name_in, Person};
use crate::ui::components::{TextField, UnitHit, UnitSearch};
use crate::ui::i18n::t;
use crate::ui::platform::now_ms;
use crate::ui::state::{app, ctx, loader, submit, take_focus, tx};
use chrono::Datelike;
use leptos::prelude::*;

async fn surveys() -> Vec<(RecordId, Survey)> {
    let mut v: Vec<(RecordId, Survey)> = app()
        .query(&Query::new(
            RecordKind::Survey,
            crate::store::Filter::Prefix("srv|all".into()),
        ))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Survey>().map(|s| (v.id, s)))
        .collect();
    v.sort_by_key(|(_, s)| std::cmp::Reverse(s.started.unwrap_or(i64::MAX)));
    v
}

#[component]
pub fn SurveyTab() -> impl IntoView {
    let list = loader(surveys);
    let chosen = RwSignal::new(take_focus(RecordKind::Survey));
    let creating = RwSignal::new(false);
    Effect::new(move |_| {
        if chosen.get_untracked().is_none() {
            if let Some(l) = list.get() {
                let pick = l
                    .iter()
                    .find(|(_, s)| s.status == SurveyStatus::Open)
                    .or(l.first())
                    .map(|(id, _)| *id);
                chosen.set(pick);
            }
        }
    });
    view! {
        <div class="q-survey-grid">
            <aside class="card q-survey-list">
                <h2>{move || t("q.surveys")}</h2>
                <Show when=move || may(Action::ManageQuality)>
                    <button class="btn" data-testid="q-survey-new" on:click=move |_| creating.set(true)>{move || t("q.survey.new")}</button>
                </Show>
                <ul class="plain-list">
                    {move || list.get().unwrap_or_default().into_iter().map(|(id, s)| {
                        let st = s.status.label();
                        view! {
                            <li>
                                <button class=move || if chosen.get() == Some(id) { "list-row active" } else { "list-row" }
                                    data-testid="q-survey-item" on:click=move |_| { creating.set(false); chosen.set(Some(id)); }>
                                    <strong>{s.title.clone()}</strong>
                                    <span class="muted small">{move || tx(&st)}" · "{s.responses.len()}{move || t("q.households")}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </aside>
            <div class="q-survey-main">
                {move || if creating.get() {
                    view! { <NewSurvey done=move |id| { creating.set(false); chosen.set(Some(id)); }/> }.into_any()
                } else {
                    match chosen.get() {
                        Some(id) => view! { <SurveyDetail id=id/> }.into_any(),
                        None => view! { <p class="muted">{move || t("q.survey.none")}</p> }.into_any(),
                    }
                }}
            </div>
        </div>
    }
}

/// The items editor: one line per item (Chinese / English).
#[component]
fn ItemsEditor(items: RwSignal<Vec<SurveyItem>>) -> impl IntoView {
    view! {
        <div class="q-items-editor" data-testid="q-items-editor">
            {move || items.get().into_iter().enumerate().map(|(i, it)| view! {
                <div class="q-item-line">
                    <span class="muted">{i + 1}"."</span>
                    <input class="input" data-testid="q-item-zh" prop:value=it.zh.clone()
                        on:change=move |ev| { let v = event_target_value(&ev); items.update(|l| l[i].zh = v); }/>
                    <input class="input" data-testid="q-item-en" prop:value=it.en.clone()
                        on:change=move |ev| { let v = event_target_value(&ev); items.update(|l| l[i].en = v); }/>
                    <button class="btn ghost" on:click=move |_| items.update(|l| { l.remove(i); })>"×"</button>
                </div>
            }).collect_view()}
            <button class="btn ghost" data-testid="q-item-add" on:click=move |_| items.update(|l| {
                let n = l.len() + 1;
                l.push(SurveyItem::new(&format!("item{n}"), "", ""));
            })>{move || t("q.item.add")}</button>
        </div>
    }
}

#[component]
fn NewSurvey(done: impl Fn(RecordId) + Copy + Send + Sync + 'static) -> impl IntoView {
    let now = today();
    let title = RwSignal::new(format!(
        "{}年第{}季度满意度调查",
        now.year(),
        (now.month() - 1) / 3 + 1
    ));
    let items = RwSignal::new(survey::default_items());
    let save = move |_| {
        let id = app().new_id();
        let (ti, it) = (title.get_untracked(), items.get_untracked());
        let year = today().year();
        submit(
            move |a| survey::create(a, id, &ti, year, &it, now_ms()),
            Text::new("调查已拟定", "Survey drafted"),
            move || done(id),
        );
    };
    view! {
        <section class="card">
            <h2>{move || t("q.survey.new")}</h2>
            <TextField label=Signal::derive(move || t("q.survey.title")) value=title testid="q-survey-title"/>
            <h3>{move || t("q.items")}</h3>
            <p class="muted small">{move || t("q.items.lead")}</p>
            <ItemsEditor items=items/>
            <div class="actions"><button class="btn primary" data-testid="q-survey-create" on:click=save>{move || t("q.survey.create")}</button></div>
        </section>
    }
}

#[derive(Clone, Debug, Default)]
struct Detail {
    survey: Survey,
    buildings: Vec<(RecordId, String)>,
    staff: Vec<Person>,
}

#[component]
fn SurveyDetail(id: RecordId) -> impl IntoView {
    let data = loader(move || async move {
        let a = app();
        let survey = a.get::<Survey>(id).await.ok().flatten().unwrap_or_default();
        let mut buildings: Vec<(RecordId, String)> = a
            .query(&Query::all(RecordKind::Building))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Building>().map(|b| (v.id, b.info.name)))
            .collect();
        buildings.sort_by(|x, y| x.1.cmp(&y.1));
        Detail {
            survey,
            buildings,
            staff: all_staff().await,
        }
    });
    let taking = RwSignal::new(false);
    view! {
        {move || data.get().map(|d| {
            // The resident sees only the questionnaire, not the results so far.
            if taking.get() {
                return view! { <TakeSurvey survey=d.survey.clone() id=id done=move || taking.set(false)/> }.into_any();
            }
            let s = d.survey.clone();
            let r = s.results();
            let status = s.status;
            let by_b = s.answered_by_building();
            let draft_items = RwSignal::new(s.items.clone());
            let s_start = s.clone();
            let s_close = s.clone();
            let s_items = s.clone();
            let avg_ok = r.average_met();
            view! {
                <section class="card" data-testid="q-survey">
                    <div class="q-survey-head">
                        <h2>{s.title.clone()}</h2>
                        <span class="badge due" data-testid="q-survey-status">{move || tx(&status.label())}</span>
                    </div>
                    <div class="q-summary">
                        <div class=if avg_ok { "q-kpi ok" } else { "q-kpi bad" }>
                            <strong data-testid="q-survey-average">{pct(r.average)}</strong>
                            <span>{move || t("q.average")}" (≥ 90%)"</span>
                        </div>
                        <div class="q-kpi"><strong data-testid="q-survey-count">{r.households}</strong><span>{move || t("q.households_answered")}</span></div>
                    </div>
                    {(status == SurveyStatus::Draft && may(Action::ManageQuality)).then(|| view! {
                        <h3>{move || t("q.items")}</h3>
                        <ItemsEditor items=draft_items/>
                        <div class="actions">
                            <button class="btn" data-testid="q-items-save" on:click=move |_| {
                                let (s, it) = (s_items.clone(), draft_items.get_untracked());
                                submit(move |a| survey::set_items(a, id, &s, &it, now_ms()), Text::new("调查项目已保存", "Items saved"), || {});
                            }>{move || t("q.items.save")}</button>
                            <button class="btn primary" data-testid="q-survey-start" on:click=move |_| {
                                let s = s_start.clone();
                                submit(move |a| survey::start(a, id, &s, now_ms()), Text::new("调查已开始，项目已固定", "Survey started: its items are fixed"), || {});
                            }>{move || t("q.survey.start")}</button>
                        </div>
                    })}
                    {(status == SurveyStatus::Open).then(|| view! {
                        <div class="actions">
                            <Show when=move || may(Action::TakeSurvey)>
                                <button class="btn primary big" data-testid="q-take" on:click=move |_| taking.set(true)>{move || t("q.take")}</button>
                            </Show>
                            <Show when=move || may(Action::ManageQuality)>
                                <button class="btn" data-testid="q-survey-close" on:click={
                                    let s_close = s_close.clone();
                                    move |_| {
                                        let s = s_close.clone();
                                        submit(move |a| survey::close(a, id, &s, now_ms()), Text::new("调查已结束", "Survey closed"), || {});
                                    }
                                }>{move || t("q.survey.close")}</button>
                            </Show>
                        </div>
                    })}
                    <table class="table" data-testid="q-survey-items">
                        <thead><tr>
                            <th>{move || t("q.item")}</th>
                            <th class="num">{move || tx(&Answer::Satisfied.label())}</th>
                            <th class="num">{move || tx(&Answer::Basic.label())}</th>
                            <th class="num">{move || tx(&Answer::Unsatisfied.label())}</th>
                            <th class="num">{move || tx(&Answer::Unknown.label())}</th>
                            <th class="num">{move || t("q.rate")}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {r.items.iter().map(|i| {
                                let l = i.item.label();
                                let under = i.under_target();
                                view! {
                                    <tr data-testid="q-survey-row" data-item=i.item.key.clone()>
                                        <td>{move || tx(&l)}</td>
                                        <td class="num">{i.satisfied}</td><td class="num">{i.basic}</td>
                                        <td class="num">{i.unsatisfied}</td><td class="num">{i.unknown}</td>
                                        <td class=if under { "num warn-text" } else { "num" } data-testid="q-item-rate">{pct(i.rate)}</td>
                                        <td>{if under { view! { <span class="badge overdue">"< 85%"</span> }.into_any() } else { view! { <span></span> }.into_any() }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <h3>{move || t("q.progress")}</h3>
                    <div class="q-progress" data-testid="q-progress">
                        {d.buildings.iter().map(|(b, name)| {
                            let n = by_b.get(b).copied().unwrap_or(0);
                            view! { <div class="q-progress-cell"><span>{name.clone()}</span><strong>{n}</strong></div> }
                        }).collect_view()}
                    </div>
                </section>
                <Corrective survey=s.clone() id=id staff=d.staff.clone()/>
            }
            .into_any()
        })}
    }
}

/// The questionnaire: pick the household, the resident taps one answer per item.
#[component]
fn TakeSurvey(
    survey: Survey,
    id: RecordId,
    done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let n = survey.items.len();
    let answers = RwSignal::new(vec![None::<Answer>; n]);
    let who = RwSignal::new(None::<UnitHit>);
    let paper = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let items = survey.items.clone();
    let s = StoredValue::new(survey);
    let save = move |_| {
        let Some(hit) = who.get_untracked() else {
            crate::ui::state::toast_err(crate::ui::i18n::t_untracked("q.take.pick"));
            return;
        };
        let Some(household) = hit.household else {
            crate::ui::state::toast_err(crate::ui::i18n::t_untracked("q.take.nohousehold"));
            return;
        };
        let ans = answers.get_untracked();
        let src = if paper.get_untracked() {
            Source::Paper
        } else {
            Source::Tablet
        };
        let note = comment.get_untracked();
        leptos::task::spawn_local(async move {
            let building = app()
                .get::<Unit>(hit.unit)
                .await
                .ok()
                .flatten()
                .map(|u| u.info.building)
                .unwrap_or_default();
            let h = Household {
                household,
                unit: hit.unit,
                building,
                place: hit.place.clone(),
            };
            let s = s.get_value();
            submit(
                move |a| survey::answer(a, id, &s, &h, &ans, src, &note, now_ms()),
                Text::new("问卷已保存，谢谢您的评价", "Saved: thank you"),
                done,
            );
        });
    };
    view! {
        <section class="card q-take" data-testid="q-take-form">
            <h2>{move || t("q.take")}</h2>
            {move || match who.get() {
                None => view! { <UnitSearch testid="q-unit" on_pick=Callback::new(move |h: UnitHit| who.set(Some(h)))/> }.into_any(),
                Some(h) => view! {
                    <p class="q-who" data-testid="q-who"><strong>{h.place.clone()}</strong>" "{h.name.clone()}
                        <button class="btn ghost" on:click=move |_| who.set(None)>{move || t("q.change")}</button></p>
                }.into_any(),
            }}
            <label class="check"><input type="checkbox" data-testid="q-paper" prop:checked=move || paper.get()
                on:change=move |ev| paper.set(event_target_checked(&ev))/>{move || t("q.paper")}</label>
            <p class="muted">{move || t("q.take.lead")}</p>
            {items.into_iter().enumerate().map(|(i, it)| {
                let l = it.label();
                view! {
                    <div class="q-question" data-testid="q-question">
                        <div class="q-question-label">{i + 1}". "{move || tx(&l)}</div>
                        <div class="q-answers">
                            {Answer::ALL.iter().map(|a| { let a = *a; view! {
                                <button class=move || if answers.get().get(i).copied().flatten() == Some(a) { format!("q-answer {} chosen", a.key()) } else { format!("q-answer {}", a.key()) }
                                    data-testid=format!("q-answer-{}", a.key())
                                    on:click=move |_| answers.update(|v| v[i] = Some(a))>{move || tx(&a.label())}</button>
                            }}).collect_view()}
                        </div>
                    </div>
                }
            }).collect_view()}
            <TextField label=Signal::derive(move || t("q.comment")) value=comment testid="q-comment"/>
            <div class="actions">
                <button class="btn ghost" on:click=move |_| done()>{move || t("common.cancel")}</button>
                <button class="btn primary big" data-testid="q-take-save" on:click=save>{move || t("q.take.save")}</button>
            </div>
        </section>
    }
}

/// Corrective actions (QUAL-1): an item under 85 % gets one — the shared record and card
/// (`ui::components::corrective`, also on the complaints analysis). An action a schema-4 build
/// kept inside the survey is shown (and closed by its owner) as before, instead of the card.
#[component]
fn Corrective(survey: Survey, id: RecordId, staff: Vec<Person>) -> impl IntoView {
    let r = survey.results();
    let shared: Vec<(
        SurveyItem,
        crate::domain::corrective::CorrectiveSource,
        String,
    )> = r
        .under_target()
        .iter()
        .filter(|i| !survey.actions.iter().any(|a| a.item == i.item.key))
        .filter_map(|i| {
            survey::corrective_source(id, &survey, &i.item.key)
                .ok()
                .map(|(src, p)| (i.item.clone(), src, p))
        })
        .collect();
    let me = ctx().session.get_untracked().map(|s| s.id);
    let actions = survey.actions.clone();
    let s = StoredValue::new(survey);
    let note = RwSignal::new(String::new());
    let staff2 = staff.clone();
    let none = actions.is_empty() && shared.is_empty();
    view! {
        <section class="card" data-testid="q-actions">
            <h2>{move || t("q.actions")}</h2>
            {none.then(|| view! { <p class="muted">{move || t("q.actions.none")}</p> })}
            {shared.into_iter().map(|(item, src, problem)| {
                let l = item.label();
                view! {
                    <div class="q-action" data-testid="q-action-item" data-item=item.key.clone()>
                        <strong>{move || tx(&l)}</strong>
                        <crate::ui::components::corrective::CorrectiveCard source=src problem=problem/>
                    </div>
                }
            }).collect_view()}
            {actions.into_iter().map(|a| {
                let item = a.item.clone();
                let label = s.get_value().items.iter().find(|i| i.key == a.item).map(|i| i.label()).unwrap_or_else(|| Text::new(a.item.clone(), a.item.clone()));
                let mine = me == Some(a.owner) || may(Action::ManageQuality);
                let open = a.done.is_none();
                view! {
                    <div class="q-action" data-testid="q-action">
                        <strong>{move || tx(&label)}</strong>" · "{a.what.clone()}
                        <div class="muted small">{move || t("q.owner")}": "{name_in(&staff2, a.owner)}" · "{move || t("q.deadline")}": "{a.deadline.to_string()}
                            {a.done.clone().map(|(_, n)| view! { " · ✓ "{n} })}</div>
                        {(open && mine).then(|| view! {
                            <div class="q-inline">
                                <input class="input" data-testid="q-action-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                                <button class="btn" data-testid="q-action-done" on:click=move |_| {
                                    let (s, i, n) = (s.get_value(), item.clone(), note.get_untracked());
                                    submit(move |a| survey::action_done(a, id, &s, &i, &n, now_ms()), Text::new("纠正措施已完成", "Action done"), move || note.set(String::new()));
                                }>{move || t("q.action.done")}</button>
                            </div>
                        })}
                    </div>
                }
            }).collect_view()}
        </section>
    }
}
