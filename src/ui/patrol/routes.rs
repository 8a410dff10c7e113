//! 巡查路线 editor for supervisors (PAT-1, PAT-3): ordered checkpoints, the items checked at
//! each (from the PAT-3 catalogue), a stairwell sweep of floors, who walks it and how often.

use super::buildings;
use crate::domain::event::{RecordKind, RecordRef};
use crate::domain::i18n::Text;
use crate::domain::ids::RecordId;
use crate::domain::patrol::{
    self, default_items, standard_items, PatrolRoute, RouteInfo, Stop, Tier,
};
use crate::domain::registry::{Checkpoint, CheckpointInfo, Facility, FacilityKind};
use crate::domain::roles::{Action, Role};
use crate::store::Query;
use crate::ui::components::people::{name_of, people};
use crate::ui::components::{Empty, History, Sheet, TextField};
use crate::ui::i18n::t;
use crate::ui::state::{app, loader, submit, tx};
use leptos::prelude::*;

#[component]
pub fn RoutesTab() -> impl IntoView {
    let data = loader(|| async {
        let a = app();
        let routes: Vec<(RecordId, RouteInfo)> = a
            .query(&Query::all(RecordKind::PatrolRoute))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| {
                v.state::<PatrolRoute>()
                    .and_then(|r| r.info)
                    .map(|i| (v.id, i))
            })
            .collect();
        let points: Vec<(RecordId, CheckpointInfo)> = a
            .query(&Query::all(RecordKind::Checkpoint))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Checkpoint>().map(|c| (v.id, c.info)))
            .collect();
        let facilities: Vec<(RecordId, FacilityKind)> = a
            .query(&Query::all(RecordKind::Facility))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Facility>().map(|f| (v.id, f.info.kind)))
            .collect();
        (routes, points, buildings().await, facilities)
    });
    let people = people();
    let open = RwSignal::new(false);
    let editing = RwSignal::new(None::<RecordId>);
    let name = RwSignal::new(String::new());
    let tier = RwSignal::new(Tier::Assistant);
    let walker = RwSignal::new(None::<RecordId>);
    let active = RwSignal::new(true);
    let stops = RwSignal::new(Vec::<Stop>::new());
    let adding = RwSignal::new(String::new());

    let edit = move |id: Option<RecordId>, info: Option<RouteInfo>| {
        let i = info.unwrap_or(RouteInfo {
            name: String::new(),
            tier: Tier::Assistant,
            walker: None,
            stops: vec![],
            active: true,
        });
        name.set(i.name);
        tier.set(i.tier);
        walker.set(i.walker);
        active.set(i.active);
        stops.set(i.stops);
        editing.set(id);
        open.set(true);
    };
    let add_stop = move |cp: RecordId| {
        let Some((_, points, _, facilities)) = data.get_untracked() else {
            return;
        };
        let Some((_, c)) = points.into_iter().find(|(id, _)| *id == cp) else {
            return;
        };
        stops.update(|s| {
            if s.iter().any(|x| x.checkpoint == cp) {
                return;
            }
            s.push(Stop {
                checkpoint: cp,
                name: c.name.clone(),
                building: c.location.building,
                floor: c.location.floor,
                floors: vec![],
                area: c.location.area.clone(),
                items: default_items(
                    c.location.floor,
                    c.facility
                        .and_then(|f| facilities.iter().find(|(id, _)| *id == f).map(|(_, k)| *k)),
                ),
            })
        });
    };
    let save = move |_| {
        let info = RouteInfo {
            name: name.get_untracked(),
            tier: tier.get_untracked(),
            walker: walker.get_untracked(),
            // Stops picked before the tier was switched to an inspection are not kept (PAT-2).
            stops: if tier.get_untracked().is_inspection() {
                Vec::new()
            } else {
                stops.get_untracked()
            },
            active: active.get_untracked(),
        };
        let id = editing.get_untracked().unwrap_or_else(|| app().new_id());
        submit(
            move |actor| patrol::set_route(actor, id, &info),
            Text::new("路线已保存", "Route saved"),
            move || open.set(false),
        );
    };
    let catalogue = StoredValue::new(standard_items());
    view! {
        <div class="reg-toolbar">
            <span class="muted">{move || t("pat.routes.lead")}</span>
            <button class="btn primary" data-testid="route-add" on:click=move |_| edit(None, None)>"＋ "{move || t("pat.routes.add")}</button>
        </div>
        {move || data.get().map(|(routes, _, _, _)| if routes.is_empty() {
            view! { <div class="card"><Empty text=Signal::derive(move || t("common.none").to_string())/></div> }.into_any()
        } else {
            view! { <div class="card list">{routes.into_iter().map(|(id, r)| {
                let r2 = r.clone();
                let tier = r.tier;
                view! {
                    <button class="row" data-testid="route-row" data-name=r.name.clone() on:click=move |_| edit(Some(id), Some(r2.clone()))>
                        <span class="row-main">
                            <strong>{r.name.clone()}</strong>
                            <span class="muted">{move || name_of(&people, r.walker)}" · "{r.stops.len()}" "{move || t("pat.points")}</span>
                        </span>
                        <span class="chip">{move || tx(&tier.label())}</span>
                        {(!r.active).then(|| view! { <span class="chip">{move || t("pat.routes.retired")}</span> })}
                    </button>
                }
            }).collect_view()}</div> }.into_any()
        })}
        <Sheet title=Signal::derive(move || if editing.get().is_some() { name.get() } else { t("pat.routes.add").to_string() }) open=open>
            <TextField label=Signal::derive(move || t("pat.routes.name").to_string()) value=name testid="route-name"/>
            <div class="row2">
                <label class="field">
                    <span class="field-label">{move || t("pat.routes.tier")}</span>
                    <select data-testid="route-tier" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        tier.set(Tier::ALL.into_iter().find(|x| format!("{x:?}") == v).unwrap_or_default());
                    }>
                        {Tier::ALL.into_iter().map(|x| view! { <option value=format!("{x:?}") selected=move || tier.get() == x>{move || tx(&x.label())}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{move || t("pat.routes.walker")}</span>
                    <select data-testid="route-walker" on:change=move |ev| walker.set(event_target_value(&ev).parse().ok())>
                        <option value="">"—"</option>
                        {move || people.get().map(|staff| staff.into_iter()
                            .filter(|p| crate::domain::roles::authorize(&p.roles.iter().copied().collect(), Action::WalkPatrol).is_ok()
                                && !p.roles.iter().all(|r| *r == Role::DepartmentStaff))
                            .map(|p| { let id = p.id; view! { <option value=id.to_string() selected=move || walker.get() == Some(id)>{p.name}</option> } })
                            .collect_view())}
                    </select>
                </label>
            </div>
            <label class="check"><input type="checkbox" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev))/>{move || t("pat.routes.active")}</label>
            // PAT-2: an inspection route's stops are the period's finished paid orders, not
            // checkpoints (the domain refuses stops on it).
            <Show when=move || !tier.get().is_inspection()
                fallback=|| view! { <p class="notice" data-testid="route-inspection-note">{move || t("pat.routes.inspection_note")}</p> }>
            <h3>{move || t("pat.routes.stops")}</h3>
            <ol class="route-stops" data-testid="route-stops">
                {move || {
                    let list = stops.get();
                    let n = list.len();
                    let catalogue = catalogue.get_value();
                    list.into_iter().enumerate().map(|(i, s)| {
                        let catalogue = catalogue.clone();
                        let sweep = s.floors.first().map(|a| format!("{}-{}", a, s.floors.last().copied().unwrap_or(*a))).unwrap_or_default();
                        view! {
                            <li class="route-stop" data-testid="route-stop">
                                <div class="route-stop-head">
                                    <span class="stop-no">{i + 1}</span>
                                    <strong>{s.name.clone()}</strong>
                                    <span class="spacer"></span>
                                    <button class="btn small" disabled=i == 0 on:click=move |_| stops.update(|v| v.swap(i, i - 1))>"↑"</button>
                                    <button class="btn small" disabled=i + 1 == n on:click=move |_| stops.update(|v| v.swap(i, i + 1))>"↓"</button>
                                    <button class="btn small danger" on:click=move |_| { stops.update(|v| { v.remove(i); }); }>"✕"</button>
                                </div>
                                <div class="chips">
                                    {catalogue.into_iter().map(|item| {
                                        let label = item.label.clone();
                                        let l2 = label.clone();
                                        let on = move || stops.get().get(i).is_some_and(|s| s.items.iter().any(|x| x.label == l2));
                                        view! {
                                            <button class=move || if on() { "fchip on" } else { "fchip" } on:click=move |_| stops.update(|v| {
                                                let items = &mut v[i].items;
                                                match items.iter().position(|x| x.label == item.label) {
                                                    Some(p) => { items.remove(p); }
                                                    None => items.push(item.clone()),
                                                }
                                            })>{label}</button>
                                        }
                                    }).collect_view()}
                                </div>
                                {s.building.is_some().then(|| view! {
                                    <label class="field inline">
                                        <span class="field-label">{move || t("pat.routes.sweep")}</span>
                                        <input type="text" placeholder="2-18" prop:value=sweep on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            let floors: Vec<i32> = v.split_once('-')
                                                .and_then(|(a, b)| Some((a.trim().parse::<i32>().ok()?, b.trim().parse::<i32>().ok()?)))
                                                .map(|(a, b)| (a.min(b)..=a.max(b)).filter(|f| *f != 0).collect())
                                                .unwrap_or_default();
                                            stops.update(|s| s[i].floors = floors);
                                        }/>
                                    </label>
                                })}
                            </li>
                        }
                    }).collect_view()
                }}
            </ol>
            <label class="field">
                <span class="field-label">{move || t("pat.routes.add_stop")}</span>
                <select data-testid="route-add-stop" prop:value=move || adding.get() on:change=move |ev| {
                    if let Ok(id) = event_target_value(&ev).parse::<RecordId>() { add_stop(id); }
                    adding.set(String::new());
                }>
                    <option value="">"＋"</option>
                    {move || data.get().map(|(_, points, blist, _)| {
                        let mut points = points;
                        points.sort_by_key(|(_, c)| (c.location.building.and_then(|b| blist.iter().position(|(x, _)| *x == b)).unwrap_or(usize::MAX), c.location.floor, c.name.clone()));
                        points.into_iter().map(|(id, c)| view! { <option value=id.to_string()>{c.name}</option> }).collect_view()
                    })}
                </select>
            </label>
            </Show>
            <button class="btn primary big" data-testid="route-save" on:click=save>{move || t("common.save")}</button>
            {move || editing.get().map(|id| view! { <History subject=RecordRef::new(RecordKind::PatrolRoute, id)/> })}
        </Sheet>
    }
}
