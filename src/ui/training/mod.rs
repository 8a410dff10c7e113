//! 岗位培训 — the training matrix (TRAIN-1), each person's records and the pass rates (TRAIN-2),
//! and training mode's lessons (issue 17). Rules live in `domain::training`; these pages collect
//! input and show state. A lesson's progress stays in this browser's preferences; the result
//! enters a real record only when the trainer records it in the real estate.

pub mod strings;

use super::duty::calendar;
use super::i18n::t;
use super::platform::{now_ms, pref, set_pref};
use super::state::{app, ctx, go, loader, submit, tx, Page, TrainTab};
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::StaffId;
use crate::domain::roles::{Action, Role};
use crate::domain::training::{
    self, lessons, matrix_id, pass_rates, record_id, ItemKind, MatrixItem, Rate, Screen,
    TrainingInput, TrainingMatrix, TrainingRecord, TrainingResult,
};
use crate::store::{Filter, Query};
use crate::ui::components::people::{self as roll, all_staff, name_in};
use leptos::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The page of an app screen a matrix item or a lesson step links to (None: not built yet).
pub fn page_of(s: Screen) -> Option<Page> {
    use super::state::{CmpTab, DutyTab, PatrolTab, RegistryTab};
    Some(match s {
        Screen::Complaints => Page::Complaints(CmpTab::List),
        Screen::RegisterComplaint => Page::Complaints(CmpTab::Register),
        Screen::Callbacks => Page::Complaints(CmpTab::Callbacks),
        Screen::Help => Page::Complaints(CmpTab::Help),
        Screen::Patrol => Page::Patrol(PatrolTab::Today),
        Screen::Findings => Page::Patrol(PatrolTab::Findings),
        Screen::Duty => Page::Duty(DutyTab::Log),
        Screen::Handover => Page::Duty(DutyTab::Handover),
        Screen::Emergency => Page::Emergency,
        Screen::Households => Page::Registry(RegistryTab::Households),
        Screen::Staff => Page::Staff,
        Screen::Settings => Page::Settings,
    })
}

fn may(a: Action) -> bool {
    ctx().session.get().is_some_and(|s| s.may(a))
}

/// Everything the training pages read: active staff, the matrix, every person's record (one
/// record per person, so bounded by the staff list, never by years of data), and every staff
/// member's name (a trainer who has left still shows on the sessions they ran).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Data {
    staff: Vec<roll::Person>,
    names: Vec<roll::Person>,
    matrix: Vec<MatrixItem>,
    edits: TrainingMatrix,
    records: BTreeMap<StaffId, TrainingRecord>,
}

impl Data {
    fn record(&self, id: StaffId) -> TrainingRecord {
        self.records.get(&id).cloned().unwrap_or_default()
    }
    pub(crate) fn rates(&self) -> training::PassRates {
        let people: Vec<(StaffId, BTreeSet<Role>)> =
            self.staff.iter().map(|s| (s.id, s.role_set())).collect();
        pass_rates(&self.matrix, &people, &self.records)
    }
}

pub(crate) async fn load() -> Data {
    let a = app();
    let edits: TrainingMatrix = a
        .get::<TrainingMatrix>(matrix_id())
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let records = a
        .query(&Query::all(RecordKind::TrainingRecord))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<TrainingRecord>())
        .filter_map(|r| r.person.map(|p| (p, r)))
        .collect();
    let names = all_staff().await;
    Data {
        staff: names.iter().filter(|p| p.active).cloned().collect(),
        names,
        matrix: edits.items(),
        edits,
        records,
    }
}

fn pct(r: &Rate) -> String {
    r.percent()
        .map(|p| format!("{p:.1}%"))
        .unwrap_or_else(|| "—".into())
}

fn item_title(matrix: &[MatrixItem], key: &str) -> Text {
    matrix
        .iter()
        .find(|i| i.key == key)
        .map(|i| i.title.clone())
        .unwrap_or_else(|| Text::new(key, key))
}

#[component]
pub fn TrainingPage(tab: TrainTab) -> impl IntoView {
    let tabs = [
        (TrainTab::Records, "trn.tab.records", "trn-tab-records"),
        (TrainTab::Matrix, "trn.tab.matrix", "trn-tab-matrix"),
        (TrainTab::Lessons, "trn.tab.lessons", "trn-tab-lessons"),
    ];
    view! {
        <div class="page training" data-testid="training-page">
            <div class="page-head screen-only">
                <h1 class="page-title">{move || t("trn.title")}</h1>
            </div>
            <nav class="reg-tabs screen-only" role="tablist">
                {tabs.into_iter().map(|(which, key, id)| view! {
                    <button class=if which == tab { "reg-tab active" } else { "reg-tab" } role="tab" data-testid=id
                        on:click=move |_| go(Page::Training(which))>{move || t(key)}</button>
                }).collect_view()}
                <Show when=move || may(Action::RecordDiscipline)>
                    <button class="reg-tab" data-testid="trn-tab-discipline" on:click=move |_| go(Page::Discipline)>
                        {move || t("trn.tab.discipline")}
                    </button>
                </Show>
            </nav>
            {match tab {
                TrainTab::Records => view! { <Records/> }.into_any(),
                TrainTab::Matrix => view! { <MatrixTab/> }.into_any(),
                TrainTab::Lessons => view! { <LessonsTab/> }.into_any(),
            }}
        </div>
    }
}

/// The person's own items (everyone), and for Supervisors the pass rates and every person.
#[component]
fn Records() -> impl IntoView {
    let data = loader(load);
    let chosen = RwSignal::new(
        super::state::take_focus(RecordKind::TrainingRecord).and_then(|rid| {
            // 我的待办 opens a record by its id: the person is found once the data is read.
            set_pref("training.focus", Some(&rid.to_string()));
            None::<StaffId>
        }),
    );
    Effect::new(move |_| {
        if let (Some(d), Some(rid)) = (data.get(), pref("training.focus")) {
            set_pref("training.focus", None);
            let hit = d.staff.iter().find(|s| record_id(s.id).to_string() == rid);
            if let Some(s) = hit {
                if may(Action::RecordTraining) {
                    chosen.set(Some(s.id));
                }
            }
        }
    });
    let me = ctx().session.get_untracked().map(|s| s.id);
    view! {
        {move || {
            let Some(d) = data.get() else {
                return view! { <p class="muted">{move || t("common.loading")}</p> }.into_any();
            };
            if let Some(p) = chosen.get() {
                return view! { <Person data=d person=p back=move || chosen.set(None)/> }.into_any();
            }
            let mine = me.map(|id| view! { <Mine data=d.clone() me=id/> });
            let manage = may(Action::RecordTraining).then(|| {
                let rates = d.rates();
                let rows = rates.per_role.clone();
                let overall = rates.overall;
                let people = d.staff.clone();
                let d2 = d.clone();
                view! {
                    <section class="card" data-testid="trn-rates">
                        <h2>{move || t("trn.rates")}</h2>
                        <p class="muted">{move || t("trn.rates_lead")}</p>
                        <table class="table">
                            <thead><tr>
                                <th>{move || t("trn.role")}</th>
                                <th class="num">{move || t("trn.people")}</th>
                                <th class="num">{move || t("trn.qualified")}</th>
                                <th class="num">{move || t("trn.items_passed")}</th>
                                <th class="num">{move || t("trn.rate")}</th>
                                <th></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|(role, r)| view! {
                                    <tr data-testid="trn-rate-row" data-role=format!("{role:?}")>
                                        <td>{move || tx(&role.label())}</td>
                                        <td class="num">{r.people}</td>
                                        <td class="num">{r.qualified}</td>
                                        <td class="num">{format!("{}/{}", r.passed, r.required)}</td>
                                        <td class="num">{pct(&r)}</td>
                                        <td>{target_chip(&r)}</td>
                                    </tr>
                                }).collect_view()}
                                <tr class="total" data-testid="trn-rate-overall">
                                    <td><strong>{move || t("trn.overall")}</strong></td>
                                    <td class="num">{overall.people}</td>
                                    <td class="num">{overall.qualified}</td>
                                    <td class="num">{format!("{}/{}", overall.passed, overall.required)}</td>
                                    <td class="num"><strong>{pct(&overall)}</strong></td>
                                    <td>{target_chip(&overall)}</td>
                                </tr>
                            </tbody>
                        </table>
                    </section>
                    <section class="card">
                        <h2>{move || t("trn.people_list")}</h2>
                        <div class="list">
                            {people.into_iter().map(|s| {
                                let id = s.id;
                                let rec = d2.record(id);
                                let required = training::items_for(&d2.matrix, &s.role_set());
                                let passed = required.iter().filter(|i| rec.passed(&i.key)).count();
                                let open = rec.open_items().len();
                                let done_cls = if passed == required.len() { "chip ok" } else { "chip" };
                                let roles: Vec<String> = s.roles.iter().map(|r| r.label().zh).collect();
                                let name = s.name.clone();
                                view! {
                                    <button class="list-row" data-testid="trn-person" data-name=name.clone()
                                        on:click=move |_| chosen.set(Some(id))>
                                        <strong>{name.clone()}</strong>
                                        <span class="muted">{roles.join("、")}</span>
                                        <span class="spacer"></span>
                                        {(open > 0).then(|| view! { <span class="chip warn">{open}" "{move || t("trn.open_n")}</span> })}
                                        <span class=done_cls>{format!("{passed}/{}", required.len())}</span>
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                    </section>
                }
            });
            view! { {mine} {manage} }.into_any()
        }}
    }
}

fn target_chip(r: &Rate) -> impl IntoView {
    let ok = r.meets_target();
    view! {
        <span class=if ok { "chip ok" } else { "chip warn" }>
            {move || if ok { t("trn.target_met") } else { t("trn.target_missed") }}
        </span>
    }
}

/// 我的培训: the signed-in person's own items.
#[component]
fn Mine(data: Data, me: StaffId) -> impl IntoView {
    let Some(s) = data.staff.iter().find(|s| s.id == me).cloned() else {
        return ().into_any();
    };
    let rec = data.record(me);
    let items = training::items_for(&data.matrix, &s.role_set());
    let open: Vec<MatrixItem> = items
        .iter()
        .filter(|i| !rec.passed(&i.key))
        .cloned()
        .collect();
    view! {
        <section class="card" data-testid="trn-mine">
            <h2>{move || t("trn.mine")}</h2>
            {if open.is_empty() {
                view! { <p class="muted">{move || t("trn.all_done")}</p> }.into_any()
            } else {
                view! {
                    <h3>{move || t("trn.open_items")}" ("{open.len()}")"</h3>
                    <ul class="trn-open" data-testid="trn-mine-open">
                        {open.into_iter().map(|i| view! { <ItemLine item=i/> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

/// One matrix item with its link to the app's screen.
#[component]
fn ItemLine(item: MatrixItem) -> impl IntoView {
    let title = item.title.clone();
    let page = item.screen.and_then(page_of);
    view! {
        <li data-testid="trn-item" data-key=item.key.clone()>
            <span class="muted">{item.no}". "</span>{move || tx(&title)}
            {page.map(|p| view! {
                <button class="btn small ghost" data-testid="trn-item-open" on:click=move |_| go(p)>{move || t("trn.open_screen")}" ›"</button>
            })}
        </li>
    }
}

/// One person's record: every item of their roles with its latest result, the plan, and the
/// trainer's form (TRAIN-2).
#[component]
fn Person(
    data: Data,
    person: StaffId,
    back: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let Some(s) = data.staff.iter().find(|s| s.id == person).cloned() else {
        return ().into_any();
    };
    let rec = data.record(person);
    let roles = s.role_set();
    let items = training::items_for(&data.matrix, &roles);
    let me = ctx().session.get_untracked().map(|s| s.id);
    let item = RwSignal::new(
        items
            .iter()
            .find(|i| !rec.passed(&i.key))
            .map(|i| i.key.clone())
            .unwrap_or_default(),
    );
    let today = calendar().local_date(now_ms());
    let date = RwSignal::new(today.to_string());
    let trainer = RwSignal::new(me.map(|m| m.to_string()).unwrap_or_default());
    let result = RwSignal::new(TrainingResult::Pass);
    let lesson = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let matrix = data.matrix.clone();
    let plan_now = {
        let matrix = matrix.clone();
        let rec = rec.clone();
        move |_| {
            let (matrix, rec, roles) = (matrix.clone(), rec.clone(), roles.clone());
            submit(
                move |a| training::plan(a, person, &roles, &matrix, &rec, now_ms(), &calendar()),
                Text::new("培训计划已制定", "Training planned"),
                || {},
            );
        }
    };
    let save = {
        let matrix = matrix.clone();
        move |_| {
            let input = TrainingInput {
                item: item.get_untracked(),
                date: date.get_untracked().parse().unwrap_or(today),
                trainer: trainer.get_untracked().parse().ok(),
                result: result.get_untracked(),
                note: note.get_untracked(),
                lesson: Some(lesson.get_untracked()).filter(|l| !l.is_empty()),
            };
            let matrix = matrix.clone();
            submit(
                move |a| training::record(a, person, &matrix, &input, now_ms(), &calendar()),
                Text::new("培训结果已登记", "Training recorded"),
                move || note.set(String::new()),
            );
        }
    };
    let staff = data.names.clone();
    let staff2 = data.staff.clone();
    let open = rec.open_items().len();
    let planned = !rec.plan.is_empty();
    let open_cls = if open > 0 { "chip warn" } else { "chip ok" };
    let mut sessions = rec.sessions.clone();
    sessions.sort_by_key(|s| std::cmp::Reverse((s.date, s.at)));
    let name = s.name.clone();
    let back2 = back.clone();
    view! {
        <section class="card" data-testid="trn-person-page">
            <div class="row">
                <button class="btn ghost" data-testid="trn-back" on:click=move |_| back2()>"‹ "{move || t("trn.back")}</button>
                <h2 data-testid="trn-person-name">{name}</h2>
                <span class="spacer"></span>
                {if planned {
                    view! { <span class=open_cls data-testid="trn-open-count">{open}" "{move || t("trn.open_n")}</span> }.into_any()
                } else {
                    view! { <span class="chip">{move || t("trn.no_plan")}</span> }.into_any()
                }}
            </div>
            <table class="table" data-testid="trn-items">
                <thead><tr>
                    <th>"#"</th><th>{move || t("trn.item")}</th><th>{move || t("trn.status")}</th>
                    <th>{move || t("trn.date")}</th><th>{move || t("trn.trainer")}</th>
                </tr></thead>
                <tbody>
                    {items.iter().map(|i| {
                        let latest = rec.latest(&i.key).cloned();
                        let title = i.title.clone();
                        let (cls, label) = match latest.as_ref().map(|s| s.result) {
                            Some(TrainingResult::Pass) => ("chip ok", "trn.passed"),
                            Some(TrainingResult::Retake) => ("chip warn", "trn.retake"),
                            None => ("chip", "trn.not_yet"),
                        };
                        let trainer = latest.as_ref().map(|s| name_in(&staff, s.trainer)).unwrap_or_default();
                        let lesson = latest.as_ref().and_then(|s| s.lesson.clone()).and_then(|l| lessons::lesson(&l)).map(|l| l.title);
                        view! {
                            <tr data-testid="trn-item-row" data-key=i.key.clone()>
                                <td>{i.no}</td>
                                <td>{move || tx(&title)}{lesson.map(|l| view! { <small class="muted">" · "{move || tx(&l)}</small> })}</td>
                                <td><span class=cls>{move || t(label)}</span></td>
                                <td>{latest.as_ref().map(|s| s.date.to_string()).unwrap_or_default()}</td>
                                <td>{trainer}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=move || may(Action::RecordTraining)>
                <button class="btn" data-testid="trn-plan" on:click=plan_now.clone()>{move || t("trn.plan")}</button>
            </Show>
        </section>
        <Show when=move || may(Action::RecordTraining)>
            <section class="card" data-testid="trn-form">
                <h2>{move || t("trn.record")}</h2>
                <label class="field"><span class="field-label">{move || t("trn.item")}</span>
                    <select data-testid="trn-form-item" on:change=move |ev| item.set(event_target_value(&ev))>
                        {matrix.iter().map(|i| { let k = i.key.clone(); let k2 = k.clone(); let title = i.title.clone(); view! {
                            <option value=k selected=move || item.get() == k2>{format!("{}. ", i.no)}{move || tx(&title)}</option>
                        }}).collect_view()}
                    </select>
                </label>
                <label class="field"><span class="field-label">{move || t("trn.date")}</span>
                    <input type="date" data-testid="trn-form-date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/>
                </label>
                <label class="field"><span class="field-label">{move || t("trn.trainer")}</span>
                    <select data-testid="trn-form-trainer" on:change=move |ev| trainer.set(event_target_value(&ev))>
                        {staff2.iter().map(|s| { let v = s.id.to_string(); let v2 = v.clone(); view! {
                            <option value=v selected=move || trainer.get() == v2>{s.name.clone()}</option>
                        }}).collect_view()}
                    </select>
                </label>
                <div class="field"><span class="field-label">{move || t("trn.result")}</span>
                    <div class="seg">
                        {[TrainingResult::Pass, TrainingResult::Retake].into_iter().map(|r| view! {
                            <button class=move || if result.get() == r { "seg-btn active" } else { "seg-btn" }
                                data-testid=format!("trn-form-{}", if r == TrainingResult::Pass { "pass" } else { "retake" })
                                on:click=move |_| result.set(r)>{move || tx(&r.label())}</button>
                        }).collect_view()}
                    </div>
                </div>
                <label class="field"><span class="field-label">{move || t("trn.lesson")}</span>
                    <select data-testid="trn-form-lesson" on:change=move |ev| lesson.set(event_target_value(&ev))>
                        <option value="" selected=move || lesson.get().is_empty()>{move || t("trn.no_lesson")}</option>
                        {lessons::all().into_iter().map(|l| { let k = l.key.to_string(); let k2 = k.clone(); view! {
                            <option value=k selected=move || lesson.get() == k2>{move || tx(&l.title)}</option>
                        }}).collect_view()}
                    </select>
                </label>
                <label class="field"><span class="field-label">{move || t("trn.note")}</span>
                    <input data-testid="trn-form-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/>
                </label>
                <button class="btn primary" data-testid="trn-form-save" on:click=save.clone()>{move || t("trn.save")}</button>
            </section>
        </Show>
        <section class="card">
            <h2>{move || t("trn.history")}</h2>
            <ul class="trn-history" data-testid="trn-history">
                {sessions.into_iter().map(|s| {
                    let title = item_title(&data.matrix, &s.item);
                    let res = s.result;
                    view! {
                        <li data-testid="trn-session">
                            {s.date.to_string()}" · "{move || tx(&title)}" · "{move || tx(&res.label())}
                            " · "{move || t("trn.trainer")}" "{name_in(&data.names, s.trainer)}
                            {(!s.note.is_empty()).then(|| view! { <span class="muted">" · "{s.note.clone()}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// TRAIN-1: the matrix, items by roles; the Director toggles a role, adds or retires an item.
#[component]
fn MatrixTab() -> impl IntoView {
    let data = loader(load);
    let roles = Role::ALL;
    let director = move || may(Action::EditTrainingMatrix);
    let zh = RwSignal::new(String::new());
    let en = RwSignal::new(String::new());
    let add = move |d: Data| {
        let no = d.matrix.iter().map(|i| i.no).max().unwrap_or(0) + 1;
        let item = MatrixItem {
            key: format!("item{no}"),
            no,
            title: Text::new(zh.get_untracked(), en.get_untracked()),
            kind: ItemKind::Procedure,
            roles: [Role::Supervisor, Role::Assistant, Role::Receptionist].into(),
            screen: None,
        };
        submit(
            move |a| training::set_item(a, &item),
            Text::new("培训表已修改", "Matrix changed"),
            move || {
                zh.set(String::new());
                en.set(String::new());
            },
        );
    };
    view! {
        <section class="card">
            <h2>{move || t("trn.tab.matrix")}</h2>
            <p class="muted">{move || t("trn.matrix_lead")}</p>
            {move || data.get().map(|d| {
                let d2 = d.clone();
                view! {
                    <div class="trn-matrix-wrap"><table class="table trn-matrix" data-testid="trn-matrix">
                        <thead><tr>
                            <th>"#"</th><th>{move || t("trn.item")}</th>
                            {roles.iter().map(|r| { let r = *r; view! { <th class="tick">{move || tx(&r.label())}</th> }}).collect_view()}
                            <th>{move || t("trn.screen")}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {d.matrix.iter().map(|i| {
                                let title = i.title.clone();
                                let kind = i.kind;
                                let page = i.screen.and_then(page_of);
                                let key = i.key.clone();
                                let edits = d.edits.clone();
                                view! {
                                    <tr data-testid="trn-matrix-row" data-key=i.key.clone()>
                                        <td>{i.no}</td>
                                        <td>{move || tx(&title)}" "<small class="muted">{move || tx(&kind.label())}</small></td>
                                        {roles.iter().map(|r| {
                                            let r = *r;
                                            let on = i.roles.contains(&r);
                                            let item = i.clone();
                                            view! {
                                                <td class="tick">
                                                    <button class=if on { "tick-btn on" } else { "tick-btn" }
                                                        data-testid=format!("trn-tick-{}-{r:?}", i.key)
                                                        disabled=move || !director()
                                                        on:click=move |_| {
                                                            let mut changed = item.clone();
                                                            if !changed.roles.remove(&r) { changed.roles.insert(r); }
                                                            submit(move |a| training::set_item(a, &changed), Text::new("培训表已修改", "Matrix changed"), || {});
                                                        }>{if on { "✓" } else { "" }}</button>
                                                </td>
                                            }
                                        }).collect_view()}
                                        <td>{page.map(|p| view! { <button class="btn small ghost" on:click=move |_| go(p)>{move || t("trn.open_screen")}" ›"</button> })}</td>
                                        <td>
                                            <Show when=director>
                                                {
                                                    let key = key.clone();
                                                    let edits = edits.clone();
                                                    view! { <button class="btn small ghost" data-testid="trn-retire" on:click=move |_| {
                                                        let (key, edits) = (key.clone(), edits.clone());
                                                        submit(move |a| training::retire_item(a, &edits, &key), Text::new("培训表已修改", "Matrix changed"), || {});
                                                    }>{move || t("trn.retire")}</button> }
                                                }
                                            </Show>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <Show when=director>
                        {
                            let d3 = d2.clone();
                            view! {
                                <div class="trn-add">
                                    <h3>{move || t("trn.add")}</h3>
                                    <input data-testid="trn-add-zh" placeholder=move || t("trn.title_zh") prop:value=move || zh.get() on:input=move |ev| zh.set(event_target_value(&ev))/>
                                    <input data-testid="trn-add-en" placeholder=move || t("trn.title_en") prop:value=move || en.get() on:input=move |ev| en.set(event_target_value(&ev))/>
                                    <button class="btn" data-testid="trn-add" on:click={ let d3 = d3.clone(); move |_| add(d3.clone()) }>{move || t("trn.add")}</button>
                                </div>
                            }
                        }
                    </Show>
                }
            })}
        </section>
    }
}

/// Lessons: in training mode, a lesson's steps with their screens and the completion note; in
/// the real estate, where to run them.
#[component]
fn LessonsTab() -> impl IntoView {
    let c = ctx();
    let open = RwSignal::new(pref("training.lesson"));
    let today = calendar().local_date(now_ms());
    view! {
        <section class="card" data-testid="trn-lessons">
            <h2>{move || t("trn.tab.lessons")}</h2>
            <p class="muted">{move || if c.training.get() { t("trn.lessons_lead") } else { t("trn.lessons_real") }}</p>
            <Show when=move || c.training.get()>
                <p class="trn-demo-day" data-testid="trn-demo-day">{move || t("trn.demo_day")}"：" {today.to_string()}</p>
            </Show>
            {move || match open.get().and_then(|k| lessons::lesson(&k)) {
                Some(l) if c.training.get() => view! { <LessonRun lesson=l close=move || { set_pref("training.lesson", None); open.set(None); }/> }.into_any(),
                _ => view! {
                    <div class="list">
                        {lessons::all().into_iter().map(|l| {
                            let key = l.key;
                            let title = l.title.clone();
                            let item = item_title(&training::default_matrix(), l.item);
                            view! {
                                <div class="list-row" data-testid="trn-lesson" data-key=key>
                                    <strong>{move || tx(&title)}</strong>
                                    <span class="muted">{move || t("trn.lesson_for")}{move || tx(&item)}</span>
                                    <span class="spacer"></span>
                                    <Show when=move || c.training.get()>
                                        <button class="btn" data-testid=format!("trn-lesson-start-{key}") on:click=move |_| {
                                            set_pref("training.lesson", Some(key));
                                            set_pref("training.lesson.steps", None);
                                            open.set(Some(key.to_string()));
                                        }>{move || t("trn.start")}</button>
                                    </Show>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn LessonRun(
    lesson: lessons::Lesson,
    close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    // Ticked steps survive a visit to the linked screens (this browser's preference only).
    let ticked = RwSignal::new(
        pref("training.lesson.steps")
            .map(|s| {
                s.split(',')
                    .filter_map(|n| n.parse::<usize>().ok())
                    .collect::<BTreeSet<usize>>()
            })
            .unwrap_or_default(),
    );
    let done = RwSignal::new(false);
    let n = lesson.steps.len();
    let save = move || {
        let s: Vec<String> = ticked
            .get_untracked()
            .iter()
            .map(|i| i.to_string())
            .collect();
        set_pref("training.lesson.steps", Some(&s.join(",")));
    };
    let title = lesson.title.clone();
    let title2 = lesson.title.clone();
    let close2 = close.clone();
    view! {
        <div class="lesson" data-testid="trn-lesson-run">
            <div class="row">
                <button class="btn ghost" data-testid="trn-lesson-close" on:click=move |_| close2()>"‹ "{move || t("trn.back")}</button>
                <h3>{move || tx(&title)}</h3>
            </div>
            <ol class="lesson-steps">
                {lesson.steps.into_iter().enumerate().map(|(i, s)| {
                    let text = s.text.clone();
                    let role = s.as_role.clone();
                    let page = s.screen.and_then(page_of);
                    view! {
                        <li class=move || if ticked.get().contains(&i) { "lesson-step done" } else { "lesson-step" }>
                            <label class="check">
                                <input type="checkbox" data-testid=format!("trn-step-{i}") prop:checked=move || ticked.get().contains(&i)
                                    on:change=move |_| { ticked.update(|t| if !t.remove(&i) { t.insert(i); }); save(); }/>
                                <span>{move || tx(&text)}</span>
                            </label>
                            <div class="lesson-step-foot">
                                {page.map(|p| view! {
                                    <button class="btn small" data-testid=format!("trn-step-open-{i}") on:click=move |_| go(p)>{move || t("trn.open_screen")}" ›"</button>
                                })}
                                {role.map(|r| view! { <small class="muted">{move || t("trn.sign_in_as")}{move || tx(&r)}</small> })}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
            {move || if done.get() {
                let title = title2.clone();
                view! {
                    <div class="card ok" data-testid="trn-lesson-done">
                        <h3>{move || t("trn.done_title")}": "{move || tx(&title)}</h3>
                        <p>{move || t("trn.done_text")}</p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button class="btn primary" data-testid="trn-lesson-finish" on:click=move |_| {
                        if ticked.get_untracked().len() == n { done.set(true); } else {
                            super::state::toast_err(super::i18n::t_untracked("trn.steps_left"));
                        }
                    }>{move || t("trn.finish")}</button>
                }.into_any()
            }}
        </div>
    }
}

/// The training card's name on 我的待办 (its read ahead and its mark, issue 19).
pub const HOME_CARD: &str = "ed-home-training";

/// The training card's read for `who` (sign-in reads it ahead, issue 19): the people with open
/// items, how many and by when.
pub async fn home_read(who: crate::domain::command::Actor) -> Vec<(String, usize, Option<i64>)> {
    if who.may(Action::RecordTraining).is_err() {
        return vec![];
    }
    let a = app();
    let open = Query::new(
        RecordKind::TrainingRecord,
        Filter::Prefix(training::OPEN_KEY.into()),
    );
    // Issue 19: both reads sent together.
    let (staff, records) = futures::future::join(all_staff(), a.query(&open)).await;
    records
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<TrainingRecord>())
        .filter_map(|r| {
            let p = r.person?;
            let n = r.open_items().len();
            (n > 0).then(|| (name_in(&staff, p), n, r.clock.map(|c| c.deadline)))
        })
        .collect()
}

/// 我的待办's training card: the Supervisor's list of people with open items (the person's own
/// plan is on 我的待办 itself through its clock).
#[component]
pub fn HomeCard() -> impl IntoView {
    let open = loader(|| crate::ui::ahead::my_card(HOME_CARD, home_read));
    view! {
        {move || {
            let list = open.get().unwrap_or_default();
            (!list.is_empty()).then(|| view! {
                <section class="card" data-testid="trn-home-card">
                    <h2>{move || t("trn.supervisor_card")}</h2>
                    {list.into_iter().map(|(name, n, due)| view! {
                        <button class="duty-alert" data-testid="trn-home-person" on:click=move |_| go(Page::Training(TrainTab::Records))>
                            {name}" · "{n}" "{move || t("trn.open_n")}
                            {due.map(|d| format!(" · {}", super::platform::format_time(d, super::state::utc_offset_untracked()).get(..10).unwrap_or_default()))}
                        </button>
                    }).collect_view()}
                </section>
            })
        }}
    }
}
