//! QR labels for checkpoints on A4 (PAT-1 签到): the code with the checkpoint's name and
//! place under it, twelve to a page. The code is an SVG image (no user text inside it); names
//! are text nodes.

use super::buildings;
use crate::domain::event::RecordKind;
use crate::domain::ids::RecordId;
use crate::domain::patrol::label::label_svg;
use crate::domain::patrol::{PatrolRoute, RouteInfo};
use crate::domain::registry::{Checkpoint, CheckpointInfo};
use crate::store::Query;
use crate::ui::components::print_page;
use crate::ui::i18n::t;
use crate::ui::state::{app, loader};
use leptos::prelude::*;

fn svg_data_url(svg: &str) -> String {
    format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(svg)
    )
}

#[component]
pub fn LabelsTab() -> impl IntoView {
    let route = RwSignal::new(None::<RecordId>);
    let data = loader(|| async {
        let a = app();
        let points: Vec<(RecordId, CheckpointInfo)> = a
            .query(&Query::all(RecordKind::Checkpoint))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Checkpoint>().map(|c| (v.id, c.info)))
            .collect();
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
        (points, routes, buildings().await)
    });
    view! {
        <div class="reg-toolbar no-print">
            <label class="field inline">
                <span class="field-label">{move || t("pat.labels.which")}</span>
                <select data-testid="labels-route" on:change=move |ev| route.set(event_target_value(&ev).parse().ok())>
                    <option value="">{move || t("pat.labels.all")}</option>
                    {move || data.get().map(|(_, routes, _)| routes.into_iter().map(|(id, r)| view! { <option value=id.to_string()>{r.name}</option> }).collect_view())}
                </select>
            </label>
            <button class="btn primary" data-testid="labels-print" on:click=move |_| print_page()>{move || t("pat.print")}</button>
        </div>
        <div class="label-sheet a4" data-testid="label-sheet">
            {move || data.get().map(|(points, routes, blist)| {
                let list: Vec<(RecordId, String, String)> = match route.get().and_then(|r| routes.iter().find(|(id, _)| *id == r)) {
                    Some((_, r)) => r.stops.iter().map(|s| (s.checkpoint, s.name.clone(), s.area.clone())).collect(),
                    None => {
                        let mut points = points;
                        points.sort_by_key(|(_, c)| (
                            c.location.building.and_then(|b| blist.iter().position(|(x, _)| *x == b)).unwrap_or(usize::MAX),
                            c.location.floor.unwrap_or(0),
                            c.name.clone(),
                        ));
                        points.into_iter().map(|(id, c)| {
                        let b = c.location.building.and_then(|b| blist.iter().find(|(x, _)| *x == b)).map(|(_, b)| b.name.clone()).unwrap_or_default();
                        (id, c.name, format!("{b} {}", c.location.area).trim().to_string())
                    }).collect()
                    }
                };
                list.into_iter().map(|(id, name, place)| view! {
                    <figure class="qr-label" data-testid="qr-label" data-id=id.to_string()>
                        <img src=svg_data_url(&label_svg(id)) alt=name.clone()/>
                        <figcaption><strong>{name}</strong><span>{place}</span></figcaption>
                    </figure>
                }).collect_view()
            })}
        </div>
    }
}
