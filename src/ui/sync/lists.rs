//! CSV exports of lists (UTF-8 with BOM, formula injection neutralised: `crate::sync::csv`).
//! Staff and households here; the registry's tabs export their own lists through [`download_csv`].

use crate::domain::event::RecordKind;
use crate::domain::ids::RecordId;
use crate::domain::registry::{Building, Household, Tenure, Unit};
use crate::domain::roles::Action;
use crate::domain::staff::Staff;
use crate::store::Query;
use crate::sync::csv::{export_csv, CsvList};
use crate::ui::i18n::{t, t_untracked};
use crate::ui::platform::{download, format_time, now_ms};
use crate::ui::registry::natural;
use crate::ui::state::{app, toast_err, toast_ok, tx_untracked};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// Offers `rows` as `<stem>-YYYYMMDD.csv`, as the signed-in person: a list with people's names
/// and phones needs the permission (issue 12, `crate::sync::csv::export_csv` refuses).
pub async fn download_csv(list: CsvList, stem: &str, headers: &[&str], rows: &[Vec<String>]) {
    let bytes = match super::current_actor().await {
        Ok(actor) => export_csv(&actor, list, headers, rows).map_err(|e| e.message()),
        Err(e) => Err(e),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return toast_err(tx_untracked(&e)),
    };
    let offset = crate::ui::state::utc_offset_untracked();
    let date: String = format_time(now_ms(), offset)
        .chars()
        .take(10)
        .filter(char::is_ascii_digit)
        .collect();
    download(
        &format!("{stem}-{date}.csv"),
        "text/csv;charset=utf-8",
        &bytes,
    );
    toast_ok(t_untracked("sync.csv_done").replace("{}", &rows.len().to_string()));
}

async fn staff_csv() {
    let a = app();
    let mut rows: Vec<Vec<String>> = a
        .query(&Query::all(RecordKind::Staff))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Staff>())
        .map(|s| {
            let p = &s.profile;
            vec![
                p.name.clone(),
                p.roles
                    .iter()
                    .map(|r| tx_untracked(&r.label()))
                    .collect::<Vec<_>>()
                    .join("、"),
                p.department
                    .map(|d| tx_untracked(&d.label()))
                    .unwrap_or_default(),
                p.phone.clone(),
                t_untracked(if s.active {
                    "sync.csv.active"
                } else {
                    "sync.csv.inactive"
                })
                .to_string(),
            ]
        })
        .collect();
    rows.sort();
    let h = [
        t_untracked("common.name"),
        t_untracked("sync.csv.roles"),
        t_untracked("sync.csv.dept"),
        t_untracked("common.phone"),
        t_untracked("sync.csv.status"),
    ];
    download_csv(CsvList::Staff, "staff", &h, &rows).await;
}

pub(crate) async fn households_csv() {
    let a = app();
    let buildings: BTreeMap<RecordId, String> = a
        .query(&Query::all(RecordKind::Building))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Building>().map(|b| (v.id, b.info.name)))
        .collect();
    let mut units: BTreeMap<RecordId, (String, String)> = BTreeMap::new();
    let mut rows = Vec::new();
    for v in a
        .query(&Query::all(RecordKind::Household))
        .await
        .unwrap_or_default()
    {
        let Some(h) = v.state::<Household>() else {
            continue;
        };
        let u = h.info.unit;
        if let std::collections::btree_map::Entry::Vacant(slot) = units.entry(u) {
            let (b, n) = match a.get::<Unit>(u).await.ok().flatten() {
                Some(unit) => (
                    buildings
                        .get(&unit.info.building)
                        .cloned()
                        .unwrap_or_default(),
                    unit.info.number,
                ),
                None => (String::new(), String::new()),
            };
            slot.insert((b, n));
        }
        let (b, n) = units[&u].clone();
        let join = |f: fn(&crate::domain::registry::Person) -> &str| {
            h.info
                .people
                .iter()
                .map(f)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("、")
        };
        rows.push(vec![
            b,
            n,
            join(|p| p.name.as_str()),
            join(|p| p.phone.as_str()),
            t_untracked(match h.info.tenure {
                Tenure::Owner => "sync.csv.owner",
                Tenure::Tenant => "sync.csv.tenant",
            })
            .to_string(),
            h.info.move_in.map(|d| d.to_string()).unwrap_or_default(),
            h.moved_out.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    }
    rows.sort_by_key(|r| (natural(&r[0]), natural(&r[1]), r[2].clone()));
    let h = [
        t_untracked("sync.csv.building"),
        t_untracked("sync.csv.unit"),
        t_untracked("sync.csv.names"),
        t_untracked("sync.csv.phones"),
        t_untracked("sync.csv.tenure"),
        t_untracked("sync.csv.move_in"),
        t_untracked("sync.csv.moved_out"),
    ];
    download_csv(CsvList::Households, "households", &h, &rows).await;
}

#[component]
pub fn CsvButtons() -> impl IntoView {
    // Both lists carry names and phones (issue 12): shown to those who may export them.
    view! {
        <Show when=move || super::may(Action::ExportPersonalData)>
            <div class="sync-csv">
                <button class="btn small" data-testid="sync-csv-staff"
                    on:click=move |_| leptos::task::spawn_local(staff_csv())>
                    {move || t("sync.csv_staff")}
                </button>
                <button class="btn small" data-testid="sync-csv-households"
                    on:click=move |_| leptos::task::spawn_local(households_csv())>
                    {move || t("sync.csv_households")}
                </button>
            </div>
        </Show>
    }
}
