//! The unit sheet (房号): the unit's facts, its households (current first, then those who
//! moved out), adding and editing a household, 迁出, and the history of each record. Opened
//! from a tile of the building grid and from a search result.

use super::{building_name, fill, floor_label, may_edit, tenure_key, today, usage_key, Buildings};
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::registry::{
    self, Household, HouseholdInfo, Person, Tenure, Unit, UnitInfo, UnitUse,
};
use crate::store::{Filter, Query, Store};
use crate::ui::components::{Empty, History, NumberField, Sheet, TextField};
use crate::ui::i18n::t;
use crate::ui::state::{app, loader, submit};
use chrono::NaiveDate;
use leptos::prelude::*;

/// Which unit the sheet shows, and whether it is open.
#[derive(Clone, Copy)]
pub(super) struct UnitPick {
    pub id: RwSignal<Option<RecordId>>,
    pub open: RwSignal<bool>,
}

impl UnitPick {
    pub fn new() -> Self {
        UnitPick {
            id: RwSignal::new(None),
            open: RwSignal::new(false),
        }
    }
    pub fn show(&self, id: RecordId) {
        self.id.set(Some(id));
        self.open.set(true);
    }
}

/// The fields of a unit (房号 or 商铺), as typed.
#[derive(Clone, Copy)]
pub(super) struct UnitFormState {
    pub usage: RwSignal<UnitUse>,
    pub number: RwSignal<String>,
    pub floor: RwSignal<String>,
    pub name: RwSignal<String>,
    pub area: RwSignal<String>,
}

impl UnitFormState {
    pub fn new() -> Self {
        UnitFormState {
            usage: RwSignal::new(UnitUse::Residence),
            number: RwSignal::new(String::new()),
            floor: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            area: RwSignal::new(String::new()),
        }
    }
    pub fn load(&self, u: &UnitInfo) {
        self.usage.set(u.usage);
        self.number.set(u.number.clone());
        self.floor.set(u.floor.to_string());
        self.name.set(u.name.clone());
        self.area
            .set(u.area_m2.map(|a| a.to_string()).unwrap_or_default());
    }
    /// A new unit for `building`, on `floor`.
    pub fn blank(&self, usage: UnitUse, floor: i32) {
        self.load(&UnitInfo {
            usage,
            floor,
            ..Default::default()
        });
    }
    pub fn info(&self, building: RecordId) -> UnitInfo {
        UnitInfo {
            building,
            floor: self.floor.get_untracked().trim().parse().unwrap_or(0),
            number: self.number.get_untracked(),
            usage: self.usage.get_untracked(),
            name: self.name.get_untracked().trim().to_string(),
            area_m2: self.area.get_untracked().trim().parse().ok(),
        }
    }
}

/// Unit fields: kind (住宅/商铺) as two big toggles, number, floor, shop name, area.
#[component]
pub(super) fn UnitForm(form: UnitFormState) -> impl IntoView {
    let is_shop = move || form.usage.get() == UnitUse::Shop;
    view! {
        <div class="field">
            <span class="field-label">{move || t("reg.unit.usage")}</span>
            <div class="seg" role="radiogroup" data-testid="unit-usage">
                {[UnitUse::Residence, UnitUse::Shop].into_iter().map(|u| view! {
                    <button
                        type="button"
                        role="radio"
                        class=move || if form.usage.get() == u { "seg-btn on" } else { "seg-btn" }
                        aria-checked=move || if form.usage.get() == u { "true" } else { "false" }
                        data-testid=format!("unit-usage-{}", if u == UnitUse::Shop { "shop" } else { "residence" })
                        on:click=move |_| form.usage.set(u)
                    >{move || t(usage_key(u))}</button>
                }).collect_view()}
            </div>
        </div>
        <div class="row2">
            <TextField label=Signal::derive(move || t("reg.unit.number").to_string()) value=form.number testid="unit-number"
                inputmode="numeric" placeholder="1201"/>
            <NumberField label=Signal::derive(move || t("reg.unit.floor").to_string()) value=form.floor testid="unit-floor"/>
        </div>
        <TextField
            label=Signal::derive(move || if is_shop() { t("reg.unit.shopname").to_string() } else { t("reg.unit.name").to_string() })
            value=form.name testid="unit-name"/>
        <NumberField label=Signal::derive(move || t("reg.unit.area").to_string()) value=form.area testid="unit-area"/>
    }
}

/// Up to this many people per household (name and phone each).
const MAX_PEOPLE: usize = 6;

#[derive(Clone, Copy)]
struct HouseholdForm {
    tenure: RwSignal<Tenure>,
    names: [RwSignal<String>; MAX_PEOPLE],
    phones: [RwSignal<String>; MAX_PEOPLE],
    shown: RwSignal<usize>,
    move_in: RwSignal<String>,
    note: RwSignal<String>,
}

impl HouseholdForm {
    fn new() -> Self {
        HouseholdForm {
            tenure: RwSignal::new(Tenure::Owner),
            names: std::array::from_fn(|_| RwSignal::new(String::new())),
            phones: std::array::from_fn(|_| RwSignal::new(String::new())),
            shown: RwSignal::new(1),
            move_in: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
        }
    }
    fn load(&self, h: &HouseholdInfo) {
        self.tenure.set(h.tenure);
        for i in 0..MAX_PEOPLE {
            let p = h.people.get(i);
            self.names[i].set(p.map(|p| p.name.clone()).unwrap_or_default());
            self.phones[i].set(p.map(|p| p.phone.clone()).unwrap_or_default());
        }
        self.shown.set(h.people.len().clamp(1, MAX_PEOPLE));
        self.move_in.set(
            h.move_in
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        );
        self.note.set(h.note.clone());
    }
    fn info(&self, unit: RecordId) -> HouseholdInfo {
        let n = self.shown.get_untracked();
        HouseholdInfo {
            unit,
            tenure: self.tenure.get_untracked(),
            people: (0..n)
                .map(|i| Person {
                    name: self.names[i].get_untracked(),
                    phone: self.phones[i].get_untracked(),
                })
                .collect(),
            move_in: NaiveDate::parse_from_str(self.move_in.get_untracked().trim(), "%Y-%m-%d")
                .ok(),
            note: self.note.get_untracked(),
        }
    }
    /// Removes person `i`, shifting the ones below up.
    fn remove(&self, i: usize) {
        let n = self.shown.get_untracked();
        for j in i..n.saturating_sub(1) {
            self.names[j].set(self.names[j + 1].get_untracked());
            self.phones[j].set(self.phones[j + 1].get_untracked());
        }
        if n > 1 {
            self.names[n - 1].set(String::new());
            self.phones[n - 1].set(String::new());
            self.shown.set(n - 1);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Facts,
    EditUnit,
    /// Adding (None) or editing a household.
    Household(Option<RecordId>),
}

type Loaded = Option<(RecordId, UnitInfo, Vec<(RecordId, Household)>)>;

#[component]
pub(super) fn UnitSheet(pick: UnitPick, buildings: Buildings) -> impl IntoView {
    let mode = RwSignal::new(Mode::Facts);
    let moving = RwSignal::new(None::<RecordId>);
    let moving_date = RwSignal::new(String::new());
    let history_of = RwSignal::new(None::<RecordId>);
    let unit_form = UnitFormState::new();
    let hh = HouseholdForm::new();

    // A new unit opened: back to its facts.
    Effect::new(move |_| {
        pick.id.track();
        if pick.open.get() {
            mode.set(Mode::Facts);
            moving.set(None);
            history_of.set(None);
        }
    });

    let data = loader(move || {
        let id = pick.id.get();
        async move {
            let id = id?;
            let a = app();
            let unit = a.get::<Unit>(id).await.ok().flatten()?;
            let mut list: Vec<(RecordId, Household)> = a
                .query(&Query::new(RecordKind::Household, Filter::Unit(id)))
                .await
                .unwrap_or_default()
                .into_iter()
                .filter_map(|v| v.state::<Household>().map(|h| (v.id, h)))
                .collect();
            // Current households first (newest move-in first), then those who moved out.
            list.sort_by(|a, b| {
                (a.1.moved_out.is_some(), std::cmp::Reverse(a.1.info.move_in))
                    .cmp(&(b.1.moved_out.is_some(), std::cmp::Reverse(b.1.info.move_in)))
            });
            Some((id, unit.info, list))
        }
    });
    // Only what belongs to the unit now picked (a previous unit's data may still be loaded).
    let current = move || -> Loaded {
        data.get()
            .flatten()
            .filter(|(id, _, _)| Some(*id) == pick.id.get())
    };

    let title = Signal::derive(move || match current() {
        Some((_, u, _)) => {
            let b = buildings
                .get()
                .map(|l| building_name(&l, u.building))
                .unwrap_or_default();
            format!("{b} {}", u.number)
        }
        None => t("common.loading").to_string(),
    });

    let edit_unit = move |_| {
        if let Some((_, u, _)) = current() {
            unit_form.load(&u);
            mode.set(Mode::EditUnit);
        }
    };
    let save_unit = move |_| {
        let Some((id, u, _)) = current() else { return };
        let info = unit_form.info(u.building);
        submit(
            move |actor| registry::set_unit(actor, id, &info),
            Text::new("房号资料已保存", "Unit saved"),
            move || mode.set(Mode::Facts),
        );
    };
    let add_household = move |_| {
        hh.load(&HouseholdInfo {
            move_in: Some(today()),
            ..Default::default()
        });
        mode.set(Mode::Household(None));
    };
    let save_household = move |_| {
        let Some((unit, _, _)) = current() else {
            return;
        };
        let Mode::Household(editing) = mode.get_untracked() else {
            return;
        };
        let id = editing.unwrap_or_else(|| app().new_id());
        let info = hh.info(unit);
        submit(
            move |actor| registry::set_household(actor, id, &info),
            Text::new("住户资料已保存", "Household saved"),
            move || mode.set(Mode::Facts),
        );
    };
    let confirm_move_out = move |_| {
        let Some(id) = moving.get_untracked() else {
            return;
        };
        let on = NaiveDate::parse_from_str(moving_date.get_untracked().trim(), "%Y-%m-%d")
            .unwrap_or_else(|_| today());
        let Some(household) = current()
            .and_then(|(_, _, list)| list.into_iter().find(|(h, _)| *h == id).map(|(_, h)| h))
        else {
            return;
        };
        submit(
            move |actor| registry::move_out(actor, id, &household, on),
            Text::new("已办理迁出", "Moved out"),
            move || moving.set(None),
        );
    };

    let facts = move || {
        let Some((unit_id, u, list)) = current() else {
            return view! { <p class="muted">{move || t("common.loading")}</p> }.into_any();
        };
        let bname = buildings
            .get()
            .map(|l| building_name(&l, u.building))
            .unwrap_or_default();
        let shop = u.usage == UnitUse::Shop;
        let usage = u.usage;
        let has_current = list.iter().any(|(_, h)| h.moved_out.is_none());
        view! {
            <div class="unit-facts" data-testid="unit-sheet" data-number=u.number.clone()>
                <div class="unit-hero">
                    <span class=if shop { "unit-hero-no shop" } else { "unit-hero-no" }>{u.number.clone()}</span>
                    <div class="unit-hero-text">
                        <strong>{bname}" · "{floor_label(u.floor)}</strong>
                        <span class="chips">
                            <span class=if shop { "chip shop" } else { "chip" }>{move || t(usage_key(usage))}</span>
                            {(!u.name.is_empty()).then(|| view! { <span class="chip off">{u.name.clone()}</span> })}
                            {u.area_m2.map(|a| view! { <span class="chip off">{a}" m²"</span> })}
                            {(!has_current).then(|| view! { <span class="chip vacant">{move || t("reg.vacant")}</span> })}
                        </span>
                    </div>
                    <Show when=may_edit>
                        <button class="btn small" data-testid="unit-edit" on:click=edit_unit>{move || t("common.edit")}</button>
                    </Show>
                </div>
                <div class="section-head">
                    <h3>{move || t("reg.households")}</h3>
                    <Show when=may_edit>
                        <button class="btn primary small" data-testid="household-add" on:click=add_household>
                            {move || t("reg.hh.add")}
                        </button>
                    </Show>
                </div>
                {if list.is_empty() {
                    view! { <div class="card"><Empty text=Signal::derive(move || t("reg.hh.none").to_string())/></div> }.into_any()
                } else {
                    list.into_iter().map(|(hid, h)| household_card(hid, h, mode, hh, moving, moving_date, history_of, confirm_move_out)).collect_view().into_any()
                }}
                <UnitRecords unit=unit_id/>
                <History subject=RecordRef::new(RecordKind::Unit, unit_id)/>
            </div>
        }
        .into_any()
    };

    let body = move || {
        match mode.get() {
        Mode::Facts => facts().into_any(),
        Mode::EditUnit => view! {
            <UnitForm form=unit_form/>
            <div class="actions">
                <button class="btn primary big" data-testid="unit-save" on:click=save_unit>{move || t("common.save")}</button>
                <button class="btn" data-testid="unit-cancel" on:click=move |_| mode.set(Mode::Facts)>{move || t("common.cancel")}</button>
            </div>
        }
        .into_any(),
        Mode::Household(editing) => view! {
            <h3>{move || if editing.is_some() { t("reg.hh.edit") } else { t("reg.hh.add") }}</h3>
            <HouseholdFields form=hh/>
            <div class="actions">
                <button class="btn primary big" data-testid="hh-save" on:click=save_household>{move || t("common.save")}</button>
                <button class="btn" data-testid="hh-cancel" on:click=move |_| mode.set(Mode::Facts)>{move || t("common.cancel")}</button>
            </div>
        }
        .into_any(),
    }
    };

    view! {
        <Sheet title=title open=pick.open>
            {body}
        </Sheet>
    }
}

#[allow(clippy::too_many_arguments)]
fn household_card(
    id: RecordId,
    h: Household,
    mode: RwSignal<Mode>,
    form: HouseholdForm,
    moving: RwSignal<Option<RecordId>>,
    moving_date: RwSignal<String>,
    history_of: RwSignal<Option<RecordId>>,
    confirm_move_out: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let gone = h.moved_out;
    let tenure = h.info.tenure;
    let info = h.info.clone();
    let edit = move |_| {
        form.load(&info);
        mode.set(Mode::Household(Some(id)));
    };
    let start_move_out = move |_| {
        moving_date.set(today().format("%Y-%m-%d").to_string());
        moving.set(Some(id));
    };
    let cls = if gone.is_some() {
        "card hh-card gone"
    } else {
        "card hh-card"
    };
    view! {
        <article class=cls data-testid="household-card" data-status=if gone.is_some() { "moved_out" } else { "current" }>
            <div class="hh-head">
                <span class=if tenure == Tenure::Tenant { "chip tenant" } else { "chip" }>{move || t(tenure_key(tenure))}</span>
                {h.info.move_in.map(|d| view! {
                    <span class="muted">{move || t("reg.hh.since")}" "{d.format("%Y-%m-%d").to_string()}</span>
                })}
                {gone.map(|d| view! {
                    <span class="chip off">{move || t("reg.hh.moved_out")}" "{d.format("%Y-%m-%d").to_string()}</span>
                })}
            </div>
            <ul class="hh-people">
                {h.info.people.iter().enumerate().map(|(i, p)| view! {
                    <li>
                        <strong>{p.name.clone()}</strong>
                        {(i == 0 && h.info.people.len() > 1).then(|| view! { <span class="chip off">{move || t("reg.hh.main")}</span> })}
                        <span class="phone">{p.phone.clone()}</span>
                    </li>
                }).collect_view()}
            </ul>
            {(!h.info.note.is_empty()).then(|| view! { <p class="hh-note muted">{h.info.note.clone()}</p> })}
            <div class="hh-actions">
                <Show when=move || may_edit() && gone.is_none()>
                    <button class="btn small" data-testid="hh-edit" on:click=edit.clone()>{move || t("common.edit")}</button>
                    <button class="btn small danger" data-testid="hh-moveout" on:click=start_move_out>{move || t("reg.hh.moveout")}</button>
                </Show>
                <button class="btn small ghost" data-testid="hh-history"
                    on:click=move |_| history_of.update(|h| *h = if *h == Some(id) { None } else { Some(id) })>
                    {move || if history_of.get() == Some(id) { t("reg.hh.history_hide") } else { t("reg.hh.history") }}
                </button>
            </div>
            <Show when=move || moving.get() == Some(id)>
                <div class="moveout-confirm" data-testid="moveout-confirm">
                    <p>{move || t("reg.hh.moveout_lead")}</p>
                    <div class="inline-form">
                        <label class="field">
                            <span class="field-label">{move || t("reg.hh.moveout_date")}</span>
                            <input type="date" data-testid="hh-moveout-date" prop:value=move || moving_date.get()
                                on:input=move |ev| moving_date.set(event_target_value(&ev))/>
                        </label>
                        <button class="btn danger" data-testid="hh-moveout-confirm" on:click=confirm_move_out>{move || t("reg.hh.moveout_ok")}</button>
                        <button class="btn ghost" on:click=move |_| moving.set(None)>{move || t("common.cancel")}</button>
                    </div>
                </div>
            </Show>
            <Show when=move || history_of.get() == Some(id)>
                <History subject=RecordRef::new(RecordKind::Household, id)/>
            </Show>
        </article>
    }
}

#[component]
fn HouseholdFields(form: HouseholdForm) -> impl IntoView {
    view! {
        <div class="field">
            <span class="field-label">{move || t("reg.hh.tenure")}</span>
            <select data-testid="hh-tenure" on:change=move |ev| {
                form.tenure.set(if event_target_value(&ev) == "tenant" { Tenure::Tenant } else { Tenure::Owner });
            }>
                <option value="owner" selected=move || form.tenure.get() == Tenure::Owner>{move || t("reg.owner")}</option>
                <option value="tenant" selected=move || form.tenure.get() == Tenure::Tenant>{move || t("reg.tenant")}</option>
            </select>
        </div>
        <fieldset class="field people">
            <legend class="field-label">{move || t("reg.hh.people")}</legend>
            {move || (0..form.shown.get()).map(|i| view! {
                <div class="person-row">
                    <span class="person-n">{i + 1}</span>
                    <input type="text" data-testid=format!("hh-name-{i}")
                        placeholder=move || if i == 0 { t("reg.hh.main_name") } else { t("common.name") }
                        aria-label=move || t("common.name")
                        prop:value=move || form.names[i].get()
                        on:input=move |ev| form.names[i].set(event_target_value(&ev))/>
                    <input type="tel" inputmode="tel" data-testid=format!("hh-phone-{i}")
                        placeholder=move || t("common.phone")
                        aria-label=move || t("common.phone")
                        prop:value=move || form.phones[i].get()
                        on:input=move |ev| form.phones[i].set(event_target_value(&ev))/>
                    {(i > 0).then(|| view! {
                        <button type="button" class="btn ghost small" data-testid=format!("hh-person-remove-{i}")
                            aria-label=move || t("reg.hh.remove_person") on:click=move |_| form.remove(i)>"✕"</button>
                    })}
                </div>
            }).collect_view()}
            <Show when=move || { form.shown.get() < MAX_PEOPLE }>
                <button type="button" class="btn small" data-testid="hh-person-add"
                    on:click=move |_| form.shown.update(|n| *n = (*n + 1).min(MAX_PEOPLE))>
                    {move || t("reg.hh.add_person")}
                </button>
            </Show>
        </fieldset>
        <label class="field">
            <span class="field-label">{move || t("reg.hh.move_in")}</span>
            <input type="date" data-testid="hh-movein" prop:value=move || form.move_in.get()
                on:input=move |ev| form.move_in.set(event_target_value(&ev))/>
        </label>
        <TextField label=Signal::derive(move || t("common.note").to_string()) value=form.note testid="hh-note"/>
        <p class="muted small-print">{move || fill(t("reg.hh.max"), &[MAX_PEOPLE.to_string()])}</p>
    }
}

/// 本户记录: what the other modules hold about this unit — complaints, callbacks, help requests,
/// violations,
/// and what patrols heard or saw there (PAT-6 resident opinions, home hazards), newest first.
/// A tap opens the record.
#[component]
fn UnitRecords(unit: RecordId) -> impl IntoView {
    const KINDS: [RecordKind; 6] = [
        RecordKind::Complaint,
        RecordKind::Callback,
        RecordKind::HelpRequest,
        RecordKind::PatrolFinding,
        // A repeat offender is visible before anyone decides (issue 14).
        RecordKind::Violation,
        RecordKind::ViolationDraft,
    ];
    let shown = RwSignal::new(crate::ui::components::PAGE);
    let rows = loader(move || async move {
        let a = app();
        let mut all = Vec::new();
        // List rows (issue 19): title and subtitle are index fields; a record opens in full.
        for kind in KINDS {
            all.extend(
                a.store
                    .rows(&Query::new(kind, Filter::Unit(unit)))
                    .await
                    .unwrap_or_default(),
            );
        }
        // Newest first by when the record reached this tablet (imported and demo records carry
        // their own dates inside; the list only needs a stable, recent-first order).
        all.sort_by_key(|v| std::cmp::Reverse(v.created));
        all
    });
    view! {
        <div class="section-head"><h3>{move || t("reg.unit.records")}</h3></div>
        <div class="card unit-records" data-testid="unit-records">
            {move || {
                let list = rows.get().unwrap_or_default();
                if list.is_empty() {
                    return view! { <Empty text=Signal::derive(move || t("reg.unit.records.none").to_string())/> }.into_any();
                }
                let n = list.len();
                view! {
                {move || list.iter().take(shown.get()).map(|v| {
                    let subject = RecordRef::new(v.kind, v.id);
                    view! {
                        <button class="todo-item" data-testid="unit-record" data-kind=v.kind.as_str()
                            on:click=move |_| crate::ui::state::open_record(subject)>
                            <div class="todo-text">
                                <strong>{v.title.clone()}</strong>
                                <span class="muted">{v.subtitle.clone()}</span>
                            </div>
                            <span class="todo-go" aria-hidden="true">"›"</span>
                        </button>
                    }
                }).collect_view()}
                <crate::ui::components::LoadMore shown=shown total=Signal::derive(move || n)/>
                }.into_any()
            }}
        </div>
    }
}
