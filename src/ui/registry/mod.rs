//! 小区档案 — the estate registry (SOP §0 Places, People served): buildings with their
//! floor-by-floor grid of units and shops, households (search by unit number, name or phone),
//! public facilities and patrol checkpoints. Every edit goes through a domain command; every
//! record shows its attributed history.

mod buildings;
mod households;
mod places;
mod unit;

use super::i18n::t;
use super::state::{app, ctx, go, loader, Page, RegistryTab};
use crate::domain::event::RecordKind;
use crate::domain::ids::RecordId;
use crate::domain::registry::{Building, BuildingInfo, Location, Tenure, UnitUse};
use crate::domain::roles::Action;
use crate::store::Query;
use leptos::prelude::*;

/// Every building, in natural order ("2号楼" before "10号楼"). Loaded once per page and
/// shared by the tabs (8 records: names for locations, selects and search results).
pub(super) type Buildings = ReadSignal<Option<Vec<(RecordId, BuildingInfo)>>>;

#[component]
pub fn Registry(tab: RegistryTab) -> impl IntoView {
    let c = ctx();
    let buildings: Buildings = loader(|| async {
        let mut list: Vec<(RecordId, BuildingInfo)> = app()
            .query(&Query::all(RecordKind::Building))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Building>().map(|b| (v.id, b.info)))
            .collect();
        list.sort_by_key(|a| natural(&a.1.name));
        list
    });
    let tabs = [
        (
            RegistryTab::Buildings,
            "reg.tab.buildings",
            "reg-tab-buildings",
        ),
        (
            RegistryTab::Households,
            "reg.tab.households",
            "reg-tab-households",
        ),
        (
            RegistryTab::Facilities,
            "reg.tab.facilities",
            "reg-tab-facilities",
        ),
        (
            RegistryTab::Checkpoints,
            "reg.tab.checkpoints",
            "reg-tab-checkpoints",
        ),
    ];
    let body = match tab {
        RegistryTab::Buildings => {
            view! { <buildings::BuildingsTab buildings=buildings/> }.into_any()
        }
        RegistryTab::Households => {
            view! { <households::HouseholdsTab buildings=buildings/> }.into_any()
        }
        RegistryTab::Facilities => {
            view! { <places::FacilitiesTab buildings=buildings/> }.into_any()
        }
        RegistryTab::Checkpoints => {
            view! { <places::CheckpointsTab buildings=buildings/> }.into_any()
        }
    };
    view! {
        <div class="page registry" data-testid="registry">
            <div class="page-head reg-head">
                <div>
                    <h1 class="page-title">{move || t("nav.registry")}</h1>
                    <span class="muted">{move || c.estate.get().map(|e| e.name).unwrap_or_default()}</span>
                </div>
                // The household list carries names and phones (issue 12): hidden from those who
                // may not export it; the CSV export refuses them anyway.
                <Show when=move || tab != RegistryTab::Households
                    || super::sync::may(crate::domain::roles::Action::ExportPersonalData)>
                    <button class="btn small" data-testid="reg-csv" on:click=move |_| leptos::task::spawn_local(export_csv(tab))>
                        {move || t("reg.csv")}
                    </button>
                </Show>
            </div>
            <nav class="reg-tabs" role="tablist">
                {tabs.into_iter().map(|(which, key, testid)| {
                    let active = which == tab;
                    view! {
                        <button
                            class=if active { "reg-tab active" } else { "reg-tab" }
                            role="tab"
                            aria-selected=if active { "true" } else { "false" }
                            data-testid=testid
                            on:click=move |_| go(Page::Registry(which))
                        >
                            {move || t(key)}
                        </button>
                    }
                }).collect_view()}
            </nav>
            {body}
        </div>
    }
}

/// May the signed-in person edit the registry? (Only decides which buttons show; the domain
/// command checks again and its refusal is shown.) Reactive.
pub(super) fn may_edit() -> bool {
    ctx()
        .session
        .get()
        .is_some_and(|s| s.may(Action::EditRegistry))
}

/// Sort key putting "2号楼" before "10号楼" and "901" before "1001": the first run of digits,
/// then the text.
pub(crate) fn natural(s: &str) -> (u64, String) {
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (digits.parse().unwrap_or(u64::MAX), s.to_string())
}

/// "12F", "B1".
pub(super) fn floor_label(f: i32) -> String {
    if f < 0 {
        format!("B{}", -f)
    } else {
        format!("{f}F")
    }
}

/// Fills the `{}` placeholders of a UI string in order.
pub(super) fn fill(template: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut args = args.iter();
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        out.push_str(args.next().map(String::as_str).unwrap_or(""));
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

pub(super) fn building_name(list: &[(RecordId, BuildingInfo)], id: RecordId) -> String {
    list.iter()
        .find(|(b, _)| *b == id)
        .map(|(_, i)| i.name.clone())
        .unwrap_or_else(|| "—".into())
}

/// "3号楼 · 1F · 一层大堂", or the outdoor area alone.
pub(super) fn location_text(list: &[(RecordId, BuildingInfo)], l: &Location) -> String {
    let mut parts = Vec::new();
    if let Some(b) = l.building {
        parts.push(building_name(list, b));
    }
    if let Some(f) = l.floor {
        parts.push(floor_label(f));
    }
    let area = l.area.trim();
    // "B1" as area on floor B1 says nothing new.
    if !area.is_empty() && l.floor.map(floor_label).as_deref() != Some(area) {
        parts.push(area.to_string());
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(" · ")
    }
}

/// Position of a building in the natural order (outdoor places after every building).
pub(super) fn building_rank(list: &[(RecordId, BuildingInfo)], id: Option<RecordId>) -> usize {
    id.and_then(|id| list.iter().position(|(b, _)| *b == id))
        .unwrap_or(usize::MAX)
}

pub(super) fn tenure_key(t: Tenure) -> &'static str {
    match t {
        Tenure::Owner => "reg.owner",
        Tenure::Tenant => "reg.tenant",
    }
}

pub(super) fn usage_key(u: UnitUse) -> &'static str {
    match u {
        UnitUse::Residence => "reg.residence",
        UnitUse::Shop => "reg.shop",
    }
}

/// Today in the estate's time zone (for 迁出 dates).
pub(super) fn today() -> chrono::NaiveDate {
    let offset = crate::ui::state::utc_offset_untracked();
    let ms = super::platform::now_ms() + offset as i64 * 60_000;
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

/// Every record of one kind, folded.
async fn all<A: crate::domain::view::Aggregate>() -> Vec<A> {
    app()
        .query(&Query::all(A::KIND))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<A>())
        .collect()
}

/// Exports the list of the current tab as CSV (UTF-8 with BOM, formulas neutralised).
async fn export_csv(tab: RegistryTab) {
    use super::i18n::t_untracked as tu;
    use super::state::tx_untracked;
    use super::sync::lists::{download_csv, households_csv};
    use crate::domain::registry::{Checkpoint, Facility};
    use crate::sync::csv::CsvList;
    let a = app();
    let mut names: Vec<(RecordId, BuildingInfo)> = a
        .query(&Query::all(RecordKind::Building))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Building>().map(|b| (v.id, b.info)))
        .collect();
    names.sort_by_key(|b| natural(&b.1.name));
    let place = |l: &Location| {
        let b = l
            .building
            .and_then(|id| names.iter().find(|(i, _)| *i == id))
            .map(|(_, b)| b.name.clone())
            .unwrap_or_default();
        (
            b,
            l.floor.map(|f| f.to_string()).unwrap_or_default(),
            l.area.clone(),
        )
    };
    match tab {
        RegistryTab::Households => households_csv().await,
        RegistryTab::Buildings => {
            let rows: Vec<Vec<String>> = names
                .iter()
                .map(|(_, b)| {
                    vec![
                        b.name.clone(),
                        b.floors.to_string(),
                        b.basements.to_string(),
                        b.note.clone(),
                    ]
                })
                .collect();
            let h = [
                tu("reg.csv.building"),
                tu("reg.csv.floors"),
                tu("reg.csv.basements"),
                tu("common.note"),
            ];
            download_csv(CsvList::Buildings, "buildings", &h, &rows).await;
        }
        RegistryTab::Facilities => {
            let rows: Vec<Vec<String>> = all::<Facility>()
                .await
                .into_iter()
                .map(|f| {
                    let (b, fl, area) = place(&f.info.location);
                    let kind = tx_untracked(&f.info.kind.label());
                    vec![kind, f.info.name, b, fl, area, f.info.note]
                })
                .collect();
            let h = [
                tu("reg.csv.kind"),
                tu("reg.csv.name"),
                tu("reg.csv.building"),
                tu("reg.csv.floor"),
                tu("reg.csv.area"),
                tu("common.note"),
            ];
            download_csv(CsvList::Facilities, "facilities", &h, &rows).await;
        }
        RegistryTab::Checkpoints => {
            let rows: Vec<Vec<String>> = all::<Checkpoint>()
                .await
                .into_iter()
                .map(|cp| {
                    let (b, fl, area) = place(&cp.info.location);
                    vec![cp.info.name, b, fl, area]
                })
                .collect();
            let h = [
                tu("reg.csv.name"),
                tu("reg.csv.building"),
                tu("reg.csv.floor"),
                tu("reg.csv.area"),
            ];
            download_csv(CsvList::Checkpoints, "checkpoints", &h, &rows).await;
        }
    }
}
