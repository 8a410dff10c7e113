//! 公共设施 and 巡查点: lists grouped by building (outdoor places last), filter chips by
//! facility kind, and add/edit sheets with the record's history. A place is in a building (with
//! a floor) or in an outdoor area; checkpoints may name the facility they check.

use super::{
    building_name, building_rank, fill, floor_label, location_text, may_edit, natural, Buildings,
};
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::registry::{
    self, BuildingInfo, Checkpoint, CheckpointInfo, Facility, FacilityInfo, FacilityKind, Location,
};
use crate::store::Query;
use crate::ui::components::{Empty, History, NumberField, Sheet, TextField};
use crate::ui::i18n::t;
use crate::ui::state::{app, loader, submit, tx};
use leptos::prelude::*;

/// Location fields as typed.
#[derive(Clone, Copy)]
struct LocationForm {
    building: RwSignal<Option<RecordId>>,
    floor: RwSignal<String>,
    area: RwSignal<String>,
}

impl LocationForm {
    fn new() -> Self {
        LocationForm {
            building: RwSignal::new(None),
            floor: RwSignal::new(String::new()),
            area: RwSignal::new(String::new()),
        }
    }
    fn load(&self, l: &Location) {
        self.building.set(l.building);
        self.floor
            .set(l.floor.map(|f| f.to_string()).unwrap_or_default());
        self.area.set(l.area.clone());
    }
    fn location(&self) -> Location {
        let building = self.building.get_untracked();
        Location {
            building,
            // A floor only means something inside a building.
            floor: building.and(self.floor.get_untracked().trim().parse().ok()),
            area: self.area.get_untracked().trim().to_string(),
        }
    }
}

/// Building select (or "outdoor"), floor and area.
#[component]
fn LocationFields(form: LocationForm, buildings: Buildings, prefix: &'static str) -> impl IntoView {
    view! {
        <div class="row2">
            <label class="field">
                <span class="field-label">{move || t("reg.p.building")}</span>
                <select data-testid=format!("{prefix}-building") on:change=move |ev| {
                    form.building.set(event_target_value(&ev).parse::<RecordId>().ok());
                }>
                    <option value="" selected=move || form.building.get().is_none()>{move || t("reg.p.outdoor")}</option>
                    {move || buildings.get().unwrap_or_default().into_iter().map(|(id, b)| view! {
                        <option value=id.to_string() selected=move || form.building.get() == Some(id)>{b.name}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || form.building.get().is_some() fallback=|| view! { <span></span> }>
                <NumberField label=Signal::derive(move || t("reg.p.floor").to_string()) value=form.floor testid=format!("{prefix}-floor")/>
            </Show>
        </div>
        <TextField
            label=Signal::derive(move || if form.building.get().is_some() { t("reg.p.spot").to_string() } else { t("reg.p.area").to_string() })
            value=form.area testid=format!("{prefix}-area")
            placeholder=crate::ui::i18n::t_untracked("reg.p.area_hint").to_string()/>
    }
}

/// Letter-square for a facility kind: the first character of its label, coloured by kind.
fn kind_badge(kind: FacilityKind) -> impl IntoView {
    let cls = format!("kind-badge k-{}", format!("{kind:?}").to_lowercase());
    view! { <span class=cls aria-hidden="true">{move || tx(&kind.label()).chars().next().map(String::from).unwrap_or_default()}</span> }
}

/// Places of one building (or outdoor: `None`).
type Group<T> = (Option<RecordId>, Vec<(RecordId, T)>);

/// Groups (building name or "outdoor") in building order, each sorted by name.
fn grouped<T: Clone>(
    list: &[(RecordId, BuildingInfo)],
    items: Vec<(RecordId, T)>,
    loc: impl Fn(&T) -> &Location,
    name: impl Fn(&T) -> &str,
) -> Vec<Group<T>> {
    let mut items = items;
    items.sort_by(|a, b| {
        (building_rank(list, loc(&a.1).building), natural(name(&a.1)))
            .cmp(&(building_rank(list, loc(&b.1).building), natural(name(&b.1))))
    });
    let mut out: Vec<Group<T>> = Vec::new();
    for (id, it) in items {
        // A building that no longer exists counts as outdoor.
        let b = loc(&it)
            .building
            .filter(|b| list.iter().any(|(x, _)| x == b));
        match out.last_mut() {
            Some((g, v)) if *g == b => v.push((id, it)),
            _ => out.push((b, vec![(id, it)])),
        }
    }
    out
}

fn group_title(list: &[(RecordId, BuildingInfo)], g: Option<RecordId>) -> String {
    match g {
        Some(b) => building_name(list, b),
        None => crate::ui::i18n::t("reg.p.outdoor_group").to_string(),
    }
}

#[component]
pub(super) fn FacilitiesTab(buildings: Buildings) -> impl IntoView {
    let list = loader(|| async {
        app()
            .query(&Query::all(RecordKind::Facility))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Facility>().map(|f| (v.id, f.info)))
            .collect::<Vec<(RecordId, FacilityInfo)>>()
    });
    let filter = RwSignal::new(None::<FacilityKind>);
    let open = RwSignal::new(false);
    let editing = RwSignal::new(None::<RecordId>);
    let kind = RwSignal::new(FacilityKind::Other);
    let name = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let loc = LocationForm::new();

    let open_form = move |id: Option<RecordId>, f: FacilityInfo| {
        kind.set(f.kind);
        name.set(f.name.clone());
        note.set(f.note.clone());
        loc.load(&f.location);
        editing.set(id);
        open.set(true);
    };
    let save = move |_| {
        let info = FacilityInfo {
            kind: kind.get_untracked(),
            name: name.get_untracked(),
            location: loc.location(),
            note: note.get_untracked().trim().to_string(),
        };
        let id = editing.get_untracked().unwrap_or_else(|| app().new_id());
        submit(
            move |actor| registry::set_facility(actor, id, &info),
            Text::new("设施资料已保存", "Facility saved"),
            move || open.set(false),
        );
    };

    let body = move || {
        let Some(items) = list.get() else {
            return view! { <p class="muted">{move || t("common.loading")}</p> }.into_any();
        };
        let blist = buildings.get().unwrap_or_default();
        let total = items.len();
        let kinds: Vec<(FacilityKind, usize)> = FacilityKind::ALL
            .into_iter()
            .map(|k| (k, items.iter().filter(|(_, f)| f.kind == k).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        let shown: Vec<(RecordId, FacilityInfo)> = items
            .into_iter()
            .filter(|(_, f)| filter.get().is_none_or(|k| f.kind == k))
            .collect();
        let groups = grouped(&blist, shown, |f| &f.location, |f| &f.name);
        view! {
            <div class="filter-chips" role="toolbar">
                <button class=move || if filter.get().is_none() { "fchip on" } else { "fchip" } data-testid="facility-filter-all"
                    on:click=move |_| filter.set(None)>{move || t("reg.p.all")}" "<b>{total}</b></button>
                {kinds.into_iter().map(|(k, n)| view! {
                    <button class=move || if filter.get() == Some(k) { "fchip on" } else { "fchip" }
                        data-testid=format!("facility-filter-{}", format!("{k:?}").to_lowercase())
                        on:click=move |_| filter.set(Some(k))>{move || tx(&k.label())}" "<b>{n}</b></button>
                }).collect_view()}
            </div>
            {if groups.is_empty() {
                view! { <div class="card"><Empty text=Signal::derive(move || t("common.none").to_string())/></div> }.into_any()
            } else {
                groups.into_iter().map(|(g, rows)| {
                    let title = group_title(&blist, g);
                    let count = rows.len();
                    let blist = blist.clone();
                    view! {
                        <section class="place-group">
                            <h3 class="group-head">{title}<span class="muted">{count}</span></h3>
                            <div class="card list">
                                {rows.into_iter().map(|(id, f)| {
                                    let where_ = location_text(&blist, &f.location);
                                    let k = f.kind;
                                    let f2 = f.clone();
                                    view! {
                                        <button class="row" data-testid="facility-row" data-name=f.name.clone()
                                            on:click=move |_| open_form(Some(id), f2.clone())>
                                            {kind_badge(k)}
                                            <span class="row-main">
                                                <strong>{f.name.clone()}</strong>
                                                <span class="muted">{where_}</span>
                                            </span>
                                            <span class="chip">{move || tx(&k.label())}</span>
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        </section>
                    }
                }).collect_view().into_any()
            }}
        }
        .into_any()
    };

    view! {
        <div class="reg-toolbar">
            <span class="muted">{move || t("reg.p.f_lead")}</span>
            <Show when=may_edit>
                <button class="btn primary" data-testid="facility-add"
                    on:click=move |_| open_form(None, FacilityInfo { kind: filter.get_untracked().unwrap_or_default(), ..Default::default() })>
                    "＋ "{move || t("reg.p.f_add")}
                </button>
            </Show>
        </div>
        {body}
        <Sheet title=Signal::derive(move || if editing.get().is_some() { name.get() } else { t("reg.p.f_add").to_string() }) open=open>
            <fieldset disabled=move || !may_edit() class="plain">
                <label class="field">
                    <span class="field-label">{move || t("reg.p.kind")}</span>
                    <select data-testid="facility-kind" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        kind.set(FacilityKind::ALL.into_iter().find(|k| format!("{k:?}") == v).unwrap_or_default());
                    }>
                        {FacilityKind::ALL.into_iter().map(|k| view! {
                            <option value=format!("{k:?}") selected=move || kind.get() == k>{move || tx(&k.label())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <TextField label=Signal::derive(move || t("reg.p.f_name").to_string()) value=name testid="facility-name"/>
                <LocationFields form=loc buildings=buildings prefix="facility"/>
                <TextField label=Signal::derive(move || t("common.note").to_string()) value=note testid="facility-note"/>
            </fieldset>
            <Show when=may_edit>
                <button class="btn primary big" data-testid="facility-save" on:click=save>{move || t("common.save")}</button>
            </Show>
            {move || editing.get().map(|id| view! { <History subject=RecordRef::new(RecordKind::Facility, id)/> })}
        </Sheet>
    }
}

#[component]
pub(super) fn CheckpointsTab(buildings: Buildings) -> impl IntoView {
    let data = loader(|| async {
        let a = app();
        let points = a
            .query(&Query::all(RecordKind::Checkpoint))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Checkpoint>().map(|c| (v.id, c.info)))
            .collect::<Vec<(RecordId, CheckpointInfo)>>();
        let facilities = a
            .query(&Query::all(RecordKind::Facility))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Facility>().map(|f| (v.id, f.info)))
            .collect::<Vec<(RecordId, FacilityInfo)>>();
        (points, facilities)
    });
    let open = RwSignal::new(false);
    let editing = RwSignal::new(None::<RecordId>);
    let name = RwSignal::new(String::new());
    let facility = RwSignal::new(None::<RecordId>);
    let loc = LocationForm::new();

    let open_form = move |id: Option<RecordId>, c: CheckpointInfo| {
        name.set(c.name.clone());
        facility.set(c.facility);
        loc.load(&c.location);
        editing.set(id);
        open.set(true);
    };
    let save = move |_| {
        let info = CheckpointInfo {
            name: name.get_untracked(),
            location: loc.location(),
            facility: facility.get_untracked(),
        };
        let id = editing.get_untracked().unwrap_or_else(|| app().new_id());
        submit(
            move |actor| registry::set_checkpoint(actor, id, &info),
            Text::new("巡查点已保存", "Checkpoint saved"),
            move || open.set(false),
        );
    };
    // Facilities for the link select: those in the chosen building first, then the rest.
    let facility_options = move || {
        let (_, mut fs) = data.get().unwrap_or_default();
        let blist = buildings.get().unwrap_or_default();
        let here = loc.building.get();
        fs.sort_by(|a, b| {
            (
                a.1.location.building != here || here.is_none(),
                building_rank(&blist, a.1.location.building),
                natural(&a.1.name),
            )
                .cmp(&(
                    b.1.location.building != here || here.is_none(),
                    building_rank(&blist, b.1.location.building),
                    natural(&b.1.name),
                ))
        });
        fs
    };

    let body = move || {
        let Some((points, facilities)) = data.get() else {
            return view! { <p class="muted">{move || t("common.loading")}</p> }.into_any();
        };
        let blist = buildings.get().unwrap_or_default();
        let groups = grouped(&blist, points, |c| &c.location, |c| &c.name);
        if groups.is_empty() {
            return view! { <div class="card"><Empty text=Signal::derive(move || t("common.none").to_string())/></div> }.into_any();
        }
        groups
            .into_iter()
            .map(|(g, rows)| {
                let title = group_title(&blist, g);
                let count = rows.len();
                let blist = blist.clone();
                let facilities = facilities.clone();
                view! {
                    <section class="place-group">
                        <h3 class="group-head">{title}<span class="muted">{count}</span></h3>
                        <div class="card list">
                            {rows.into_iter().map(|(id, cp)| {
                                let where_ = location_text(&blist, &cp.location);
                                let linked = cp.facility.and_then(|f| facilities.iter().find(|(x, _)| *x == f)).map(|(_, f)| f.clone());
                                let floor = cp.location.floor.map(floor_label);
                                let cp2 = cp.clone();
                                view! {
                                    <button class="row" data-testid="checkpoint-row" data-name=cp.name.clone()
                                        on:click=move |_| open_form(Some(id), cp2.clone())>
                                        <span class="kind-badge k-checkpoint" aria-hidden="true">{floor.unwrap_or_else(|| "◎".into())}</span>
                                        <span class="row-main">
                                            <strong>{cp.name.clone()}</strong>
                                            <span class="muted">{where_}</span>
                                        </span>
                                        {linked.map(|f| {
                                            let k = f.kind;
                                            view! { <span class="chip linked" title=move || tx(&k.label())>{move || t("reg.p.c_linked")}{f.name.clone()}</span> }
                                        })}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                    </section>
                }
            })
            .collect_view()
            .into_any()
    };

    view! {
        <div class="reg-toolbar">
            <span class="muted">
                {move || data.get().map(|(p, _)| fill(t("reg.p.c_lead"), &[p.len().to_string()])).unwrap_or_default()}
            </span>
            <Show when=may_edit>
                <button class="btn primary" data-testid="checkpoint-add" on:click=move |_| open_form(None, CheckpointInfo::default())>
                    "＋ "{move || t("reg.p.c_add")}
                </button>
            </Show>
        </div>
        {body}
        <Sheet title=Signal::derive(move || if editing.get().is_some() { name.get() } else { t("reg.p.c_add").to_string() }) open=open>
            <fieldset disabled=move || !may_edit() class="plain">
                <TextField label=Signal::derive(move || t("reg.p.c_name").to_string()) value=name testid="checkpoint-name"/>
                <LocationFields form=loc buildings=buildings prefix="checkpoint"/>
                <label class="field">
                    <span class="field-label">{move || t("reg.p.c_facility")}</span>
                    <select data-testid="checkpoint-facility" on:change=move |ev| {
                        facility.set(event_target_value(&ev).parse::<RecordId>().ok());
                    }>
                        <option value="" selected=move || facility.get().is_none()>{move || t("reg.p.c_nofacility")}</option>
                        {move || {
                            let blist = buildings.get().unwrap_or_default();
                            facility_options().into_iter().map(|(id, f)| {
                                let label = format!("{} · {}", f.name, location_text(&blist, &f.location));
                                view! { <option value=id.to_string() selected=move || facility.get() == Some(id)>{label}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
            </fieldset>
            <Show when=may_edit>
                <button class="btn primary big" data-testid="checkpoint-save" on:click=save>{move || t("common.save")}</button>
            </Show>
            {move || editing.get().map(|id| view! { <History subject=RecordRef::new(RecordKind::Checkpoint, id)/> })}
        </Sheet>
    }
}
