//! 楼栋: the buildings as cards (floors, homes, shops, occupancy), and a building's detail —
//! a floor-by-floor grid of its units, top floor first, each tile with its number and the main
//! resident (shops with their name). Adding a building offers 批量建房 right away.

use super::unit::{UnitForm, UnitFormState, UnitPick, UnitSheet};
use super::{fill, floor_label, may_edit, natural, Buildings};
use crate::domain::event::{EventBody, RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::{RecordId, SeededEntropy};
use crate::domain::registry::{
    self, BuildingInfo, Household, RegistryEvent, Tenure, Unit, UnitInfo, UnitUse,
};
use crate::store::{Filter, Query};
use crate::ui::components::{Empty, History, NumberField, Sheet, TextField};
use crate::ui::i18n::t;
use crate::ui::state::{app, ctx, loader, submit, tx};
use leptos::prelude::*;
use std::collections::HashMap;

#[derive(Clone, Copy)]
struct BuildingForm {
    name: RwSignal<String>,
    floors: RwSignal<String>,
    basements: RwSignal<String>,
    note: RwSignal<String>,
}

impl BuildingForm {
    fn new() -> Self {
        BuildingForm {
            name: RwSignal::new(String::new()),
            floors: RwSignal::new(String::new()),
            basements: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
        }
    }
    fn load(&self, b: &BuildingInfo) {
        self.name.set(b.name.clone());
        self.floors.set(if b.floors > 0 {
            b.floors.to_string()
        } else {
            String::new()
        });
        self.basements.set(b.basements.to_string());
        self.note.set(b.note.clone());
    }
    /// Unparsable numbers go to the domain as 0 / -1, which it refuses with its own message.
    fn info(&self) -> BuildingInfo {
        BuildingInfo {
            name: self.name.get_untracked(),
            floors: self.floors.get_untracked().trim().parse().unwrap_or(0),
            basements: match self.basements.get_untracked().trim() {
                "" => 0,
                s => s.parse().unwrap_or(-1),
            },
            note: self.note.get_untracked().trim().to_string(),
        }
    }
}

#[derive(Clone, Copy)]
struct BulkForm {
    from: RwSignal<String>,
    to: RwSignal<String>,
    per_floor: RwSignal<String>,
}

/// The current residents of a unit, for its tile: main person's name, tenure, how many households.
#[derive(Clone, Debug, PartialEq)]
struct Occupant {
    name: String,
    tenure: Tenure,
    households: usize,
}

#[component]
pub(super) fn BuildingsTab(buildings: Buildings) -> impl IntoView {
    let c = ctx();
    let selected = RwSignal::new(None::<RecordId>);
    let pick = UnitPick::new();

    // One indexed query for all units and one for current households; each building's share
    // is picked out in Rust (no per-building index: see the registry notes).
    let units = loader(|| async {
        app()
            .query(&Query::all(RecordKind::Unit))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Unit>().map(|u| (v.id, u.info)))
            .collect::<Vec<(RecordId, UnitInfo)>>()
    });
    let occupants = loader(|| async {
        let mut map: HashMap<RecordId, Occupant> = HashMap::new();
        let current = app()
            .query(&Query::new(
                RecordKind::Household,
                Filter::Status("current".into()),
            ))
            .await
            .unwrap_or_default();
        for v in current {
            let Some(h) = v.state::<Household>() else {
                continue;
            };
            let name = h
                .info
                .people
                .first()
                .map(|p| p.name.clone())
                .unwrap_or_default();
            map.entry(h.info.unit)
                .and_modify(|o| o.households += 1)
                .or_insert(Occupant {
                    name,
                    tenure: h.info.tenure,
                    households: 1,
                });
        }
        map
    });

    // Building add / edit sheet.
    let form = BuildingForm::new();
    let form_open = RwSignal::new(false);
    let editing = RwSignal::new(None::<RecordId>);
    // 批量建房 sheet.
    let bulk = BulkForm {
        from: RwSignal::new(String::new()),
        to: RwSignal::new(String::new()),
        per_floor: RwSignal::new(String::new()),
    };
    let bulk_open = RwSignal::new(false);
    // Single unit / shop sheet.
    let unit_form = UnitFormState::new();
    let unit_open = RwSignal::new(false);

    let building = move |id: RecordId| {
        buildings
            .get()
            .and_then(|l| l.into_iter().find(|(b, _)| *b == id))
            .map(|(_, i)| i)
    };
    let units_of = move |id: RecordId| -> Vec<(RecordId, UnitInfo)> {
        units
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, u)| u.building == id)
            .collect()
    };

    let open_add = move |_| {
        form.load(&BuildingInfo {
            basements: 1,
            ..Default::default()
        });
        editing.set(None);
        form_open.set(true);
    };
    let open_edit = move |_| {
        let Some(id) = selected.get_untracked() else {
            return;
        };
        if let Some(info) = building(id) {
            form.load(&info);
            editing.set(Some(id));
            form_open.set(true);
        }
    };
    let open_bulk = move |id: RecordId| {
        let info = building(id).unwrap_or_default();
        // Suggest the building's usual count per floor (the most common one), else 4.
        let mut per: HashMap<i32, u32> = HashMap::new();
        for (_, u) in units_of(id)
            .iter()
            .filter(|(_, u)| u.usage == UnitUse::Residence)
        {
            *per.entry(u.floor).or_default() += 1;
        }
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for n in per.values() {
            *counts.entry(*n).or_default() += 1;
        }
        let usual = counts
            .into_iter()
            .max_by_key(|(n, k)| (*k, *n))
            .map(|(n, _)| n)
            .unwrap_or(4);
        bulk.from.set("1".into());
        bulk.to.set(info.floors.max(1).to_string());
        bulk.per_floor.set(usual.to_string());
        bulk_open.set(true);
    };
    let save_building = move |_| {
        let info = form.info();
        let floors = info.floors;
        let existing = editing.get_untracked();
        let id = existing.unwrap_or_else(|| app().new_id());
        submit(
            move |actor| registry::set_building(actor, id, &info),
            Text::new("楼栋资料已保存", "Building saved"),
            move || {
                form_open.set(false);
                if existing.is_none() {
                    // A new building: straight on to creating its units.
                    selected.set(Some(id));
                    bulk.from.set("1".into());
                    bulk.to.set(floors.to_string());
                    bulk.per_floor.set("4".into());
                    bulk_open.set(true);
                }
            },
        );
    };

    // What 批量建房 would do, asked of the domain itself (its refusal or the units it makes).
    let bulk_plan = move || -> Option<Result<Vec<String>, Text>> {
        let id = selected.get()?;
        let session = c.session.get()?;
        let from = bulk.from.get().trim().parse::<i32>().unwrap_or(0);
        let to = bulk.to.get().trim().parse::<i32>().unwrap_or(0);
        let per = bulk.per_floor.get().trim().parse::<u32>().unwrap_or(0);
        let existing: Vec<String> = units_of(id).into_iter().map(|(_, u)| u.number).collect();
        let mut scratch = SeededEntropy::new(0);
        Some(
            registry::bulk_units(
                &session.actor(),
                id,
                from..=to,
                per,
                &existing,
                &mut scratch,
            )
            .map(|drafts| {
                drafts
                    .into_iter()
                    .filter_map(|d| match d.body {
                        EventBody::Registry(RegistryEvent::UnitSet { info }) => Some(info.number),
                        _ => None,
                    })
                    .collect()
            })
            .map_err(|e| e.message()),
        )
    };
    let save_bulk = move |_| {
        let Some(id) = selected.get_untracked() else {
            return;
        };
        let from = bulk.from.get_untracked().trim().parse::<i32>().unwrap_or(0);
        let to = bulk.to.get_untracked().trim().parse::<i32>().unwrap_or(0);
        let per = bulk
            .per_floor
            .get_untracked()
            .trim()
            .parse::<u32>()
            .unwrap_or(0);
        let existing: Vec<String> = units
            .get_untracked()
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, u)| u.building == id)
            .map(|(_, u)| u.number)
            .collect();
        let n = bulk_plan()
            .and_then(|p| p.ok())
            .map(|v| v.len())
            .unwrap_or(0);
        let app = app();
        submit(
            move |actor| {
                app.with_entropy(|e| registry::bulk_units(actor, id, from..=to, per, &existing, e))
            },
            Text::new(format!("已新建 {n} 个房号"), format!("{n} units created")),
            move || bulk_open.set(false),
        );
    };
    let open_unit_add = move |_| {
        unit_form.blank(UnitUse::Residence, 1);
        unit_open.set(true);
    };
    let save_unit = move |_| {
        let Some(b) = selected.get_untracked() else {
            return;
        };
        let info = unit_form.info(b);
        let id = app().new_id();
        submit(
            move |actor| registry::set_unit(actor, id, &info),
            Text::new("房号已添加", "Unit added"),
            move || unit_open.set(false),
        );
    };

    // ---- The list of buildings ----
    let list_view = move || {
        let Some(list) = buildings.get() else {
            return view! { <p class="muted">{move || t("common.loading")}</p> }.into_any();
        };
        let all_units = units.get().unwrap_or_default();
        let occ = occupants.get().unwrap_or_default();
        let total_units = all_units.len();
        let total_occ = all_units
            .iter()
            .filter(|(id, _)| occ.contains_key(id))
            .count();
        let total_b = list.len();
        view! {
            <div class="reg-toolbar">
                <span class="muted" data-testid="building-summary">
                    {move || fill(t("reg.b.summary"), &[total_b.to_string(), total_units.to_string(), total_occ.to_string()])}
                </span>
                <Show when=may_edit>
                    <button class="btn primary" data-testid="building-add" on:click=open_add>"＋ "{move || t("reg.b.add")}</button>
                </Show>
            </div>
            {if list.is_empty() {
                view! { <div class="card"><Empty text=Signal::derive(move || t("reg.b.none").to_string())/></div> }.into_any()
            } else {
                view! {
                    <div class="bldg-grid" data-testid="building-list">
                        {list.into_iter().map(|(id, b)| {
                            let mine: Vec<&(RecordId, UnitInfo)> = all_units.iter().filter(|(_, u)| u.building == id).collect();
                            let homes = mine.iter().filter(|(_, u)| u.usage == UnitUse::Residence).count();
                            let shops = mine.len() - homes;
                            let lived = mine.iter().filter(|(uid, _)| occ.contains_key(uid)).count();
                            let pct = if mine.is_empty() { 0 } else { lived * 100 / mine.len() };
                            let glyph = {
                                let (n, _) = natural(&b.name);
                                if n == u64::MAX { b.name.chars().next().map(String::from).unwrap_or_default() } else { n.to_string() }
                            };
                            let (floors, basements) = (b.floors, b.basements);
                            view! {
                                <button class="bldg-card" data-testid="building-row" data-name=b.name.clone()
                                    on:click=move |_| selected.set(Some(id))>
                                    <span class="bldg-top">
                                        <span class="bldg-glyph">{glyph}</span>
                                        <span class="bldg-main">
                                            <strong class="bldg-name">{b.name.clone()}</strong>
                                            <span class="muted">
                                                {move || fill(t("reg.b.floors"), &[floors.to_string()])}
                                                {move || if basements > 0 { fill(t("reg.b.basements"), &[basements.to_string()]) } else { String::new() }}
                                            </span>
                                        </span>
                                    </span>
                                    <span class="bldg-nums">
                                        <span><b>{homes}</b>" "{move || t("reg.b.homes")}</span>
                                        {(shops > 0).then(|| view! { <span><b>{shops}</b>" "{move || t("reg.b.shops")}</span> })}
                                        <span><b>{lived}</b>" "{move || t("reg.b.lived")}</span>
                                    </span>
                                    <span class="bldg-meter">
                                        <span class="meter" aria-hidden="true"><span style=format!("width:{pct}%")></span></span>
                                        <span class="bldg-pct">{pct}"%"</span>
                                    </span>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                }.into_any()
            }}
        }
        .into_any()
    };

    // ---- One building: the floor grid ----
    let detail_view = move |id: RecordId| {
        let Some(info) = building(id) else {
            return view! { <p class="muted">{move || t("common.loading")}</p> }.into_any();
        };
        let mine = units_of(id);
        let occ = occupants.get().unwrap_or_default();
        let homes = mine
            .iter()
            .filter(|(_, u)| u.usage == UnitUse::Residence)
            .count();
        let shops = mine.len() - homes;
        let lived = mine.iter().filter(|(uid, _)| occ.contains_key(uid)).count();
        let vacant = mine.len() - lived;
        // Floors shown: from the top (or the highest unit) down to the lowest unit; floors
        // without units still get a row so gaps are visible.
        let top = mine
            .iter()
            .map(|(_, u)| u.floor)
            .max()
            .unwrap_or(info.floors)
            .max(info.floors);
        let bottom = mine.iter().map(|(_, u)| u.floor).min().unwrap_or(1).min(1);
        let mut by_floor: HashMap<i32, Vec<(RecordId, UnitInfo)>> = HashMap::new();
        for (uid, u) in mine.iter().cloned() {
            by_floor.entry(u.floor).or_default().push((uid, u));
        }
        for v in by_floor.values_mut() {
            v.sort_by_key(|a| natural(&a.1.number));
        }
        let floors: Vec<i32> = (bottom..=top)
            .rev()
            .filter(|f| *f != 0 || by_floor.contains_key(f))
            .collect();
        let (fl, bs) = (info.floors, info.basements);
        let name = info.name.clone();
        view! {
            <div class="bldg-detail" data-testid="building-detail" data-name=name.clone()>
                <div class="detail-head">
                    <button class="btn ghost back" data-testid="building-back" on:click=move |_| selected.set(None)>
                        "‹ "{move || t("reg.b.all")}
                    </button>
                    <div class="detail-title">
                        <h2>{name.clone()}</h2>
                        <span class="muted">
                            {move || fill(t("reg.b.floors"), &[fl.to_string()])}
                            {move || if bs > 0 { fill(t("reg.b.basements"), &[bs.to_string()]) } else { String::new() }}
                            {(!info.note.is_empty()).then(|| format!(" · {}", info.note))}
                        </span>
                    </div>
                    <Show when=may_edit>
                        <div class="detail-actions">
                            <button class="btn" data-testid="building-edit" on:click=open_edit>{move || t("reg.b.edit")}</button>
                            <button class="btn" data-testid="unit-add" on:click=open_unit_add>"＋ "{move || t("reg.u.add")}</button>
                            <button class="btn primary" data-testid="bulk-open" on:click=move |_| open_bulk(id)>{move || t("reg.bulk.title")}</button>
                        </div>
                    </Show>
                </div>
                <div class="stats compact">
                    <div class="stat"><span class="stat-n">{homes}</span><span class="stat-l">{move || t("reg.b.homes")}</span></div>
                    <div class="stat"><span class="stat-n">{shops}</span><span class="stat-l">{move || t("reg.b.shops")}</span></div>
                    <div class="stat"><span class="stat-n">{lived}</span><span class="stat-l">{move || t("reg.b.lived")}</span></div>
                    <div class="stat"><span class="stat-n">{vacant}</span><span class="stat-l">{move || t("reg.b.vacant")}</span></div>
                </div>
                {if mine.is_empty() {
                    view! {
                        <div class="card empty-cta">
                            <p class="empty">{move || t("reg.b.no_units")}</p>
                            <Show when=may_edit>
                                <button class="btn primary big" on:click=move |_| open_bulk(id)>{move || t("reg.bulk.title")}</button>
                            </Show>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <section class="card floor-grid" data-testid="floor-grid">
                            <div class="legend">
                                <span class="lg lg-home">{move || t("reg.legend.lived")}</span>
                                <span class="lg lg-vacant">{move || t("reg.vacant")}</span>
                                <span class="lg lg-shop">{move || t("reg.shop")}</span>
                                <span class="lg lg-tenant">{move || t("reg.tenant")}</span>
                            </div>
                            {floors.into_iter().map(|f| {
                                let row = by_floor.remove(&f).unwrap_or_default();
                                view! {
                                    <div class="floor-row" data-floor=f>
                                        <span class="floor-label">{floor_label(f)}</span>
                                        <div class="floor-units">
                                            {if row.is_empty() {
                                                view! { <span class="floor-empty">"—"</span> }.into_any()
                                            } else {
                                                row.into_iter().map(|(uid, u)| unit_tile(uid, u, occ.get(&uid).cloned(), pick)).collect_view().into_any()
                                            }}
                                        </div>
                                    </div>
                                }
                            }).collect_view()}
                        </section>
                    }.into_any()
                }}
                <History subject=RecordRef::new(RecordKind::Building, id)/>
            </div>
        }
        .into_any()
    };

    view! {
        {move || match selected.get() {
            None => list_view(),
            Some(id) => detail_view(id),
        }}

        <Sheet title=Signal::derive(move || if editing.get().is_some() { t("reg.b.edit").to_string() } else { t("reg.b.add").to_string() }) open=form_open>
            <TextField label=Signal::derive(move || t("reg.b.name").to_string()) value=form.name testid="building-name" placeholder="3号楼"/>
            <div class="row2">
                <NumberField label=Signal::derive(move || t("reg.b.floors_label").to_string()) value=form.floors testid="building-floors"/>
                <NumberField label=Signal::derive(move || t("reg.b.basements_label").to_string()) value=form.basements testid="building-basements"/>
            </div>
            <TextField label=Signal::derive(move || t("common.note").to_string()) value=form.note testid="building-note"
                placeholder=t_static("reg.b.note_hint")/>
            <button class="btn primary big" data-testid="building-save" on:click=save_building>{move || t("common.save")}</button>
            {move || editing.get().map(|id| view! { <History subject=RecordRef::new(RecordKind::Building, id)/> })}
        </Sheet>

        <Sheet title=Signal::derive(move || {
            let b = selected.get().and_then(building).map(|b| b.name).unwrap_or_default();
            format!("{} · {}", t("reg.bulk.title"), b)
        }) open=bulk_open>
            <p class="lead">{move || t("reg.bulk.lead")}</p>
            <div class="bulk-fields">
                <NumberField label=Signal::derive(move || t("reg.bulk.from").to_string()) value=bulk.from testid="bulk-from"/>
                <span class="bulk-dash">"–"</span>
                <NumberField label=Signal::derive(move || t("reg.bulk.to").to_string()) value=bulk.to testid="bulk-to"/>
                <NumberField label=Signal::derive(move || t("reg.bulk.per").to_string()) value=bulk.per_floor testid="bulk-per-floor"/>
            </div>
            <div class="bulk-preview" data-testid="bulk-preview">
                {move || match bulk_plan() {
                    None => view! { <span></span> }.into_any(),
                    Some(Err(e)) => view! { <p class="error-line">{tx(&e)}</p> }.into_any(),
                    Some(Ok(numbers)) => {
                        let n = numbers.len();
                        let from = bulk.from.get().trim().parse::<i64>().unwrap_or(0);
                        let to = bulk.to.get().trim().parse::<i64>().unwrap_or(0);
                        let per = bulk.per_floor.get().trim().parse::<i64>().unwrap_or(0);
                        let skipped = ((to - from + 1) * per - n as i64).max(0);
                        let range = match (numbers.first(), numbers.last()) {
                            (Some(a), Some(b)) if n > 1 => format!("{a} … {b}"),
                            (Some(a), _) => a.clone(),
                            _ => String::new(),
                        };
                        view! {
                            <p class="bulk-count" data-testid="bulk-count" data-count=n>
                                {move || fill(t("reg.bulk.will"), &[n.to_string()])}
                            </p>
                            {(!range.is_empty()).then(|| view! { <p class="muted">{range}</p> })}
                            {(skipped > 0).then(|| view! { <p class="muted">{move || fill(t("reg.bulk.skip"), &[skipped.to_string()])}</p> })}
                        }.into_any()
                    }
                }}
            </div>
            <button class="btn primary big" data-testid="bulk-save" on:click=save_bulk>{move || t("reg.bulk.go")}</button>
        </Sheet>

        <Sheet title=Signal::derive(move || {
            let b = selected.get().and_then(building).map(|b| b.name).unwrap_or_default();
            format!("{} · {}", t("reg.u.add"), b)
        }) open=unit_open>
            <UnitForm form=unit_form/>
            <button class="btn primary big" data-testid="unit-save" on:click=save_unit>{move || t("common.save")}</button>
        </Sheet>

        <UnitSheet pick=pick buildings=buildings/>
    }
}

/// The i18n string as an owned value for a non-reactive attribute.
fn t_static(key: &str) -> String {
    crate::ui::i18n::t_untracked(key).to_string()
}

fn unit_tile(id: RecordId, u: UnitInfo, occ: Option<Occupant>, pick: UnitPick) -> impl IntoView {
    let shop = u.usage == UnitUse::Shop;
    let tenant = occ.as_ref().is_some_and(|o| o.tenure == Tenure::Tenant);
    let cls = match (shop, &occ) {
        (true, _) => "unit-tile shop",
        (false, Some(_)) => "unit-tile lived",
        (false, None) => "unit-tile vacant",
    };
    let who = match (&occ, shop) {
        (_, true) if !u.name.is_empty() => u.name.clone(),
        (Some(o), _) if o.households > 1 => format!("{} +{}", o.name, o.households - 1),
        (Some(o), _) => o.name.clone(),
        (None, _) => String::new(),
    };
    view! {
        <button class=cls data-testid="unit-tile" data-number=u.number.clone() data-usage=if shop { "shop" } else { "residence" }
            on:click=move |_| pick.show(id)>
            <span class="tile-top">
                <span class="tile-no">{u.number.clone()}</span>
                {shop.then(|| view! { <span class="tile-tag">{move || t("reg.shop")}</span> })}
                {tenant.then(|| view! { <span class="tile-tag tenant">{move || t("reg.tenant_short")}</span> })}
            </span>
            <span class="tile-who">
                {if who.is_empty() { view! { <span class="muted">{move || t("reg.vacant")}</span> }.into_any() } else { who.into_any() }}
            </span>
        </button>
    }
}
