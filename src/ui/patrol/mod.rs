//! 巡查 pages (SOP.md §7): today's rounds, the round-walking screen, findings and work orders,
//! the week's coverage with the figures of PAT-8, the route editor and the QR label sheet.
//! Rules live in `domain::patrol`; these pages call its commands through `submit`.

mod coverage;
mod findings;
mod inspect;
mod labels;
mod routes;
pub mod sheet;
pub mod strings;
mod today;
pub mod walk;

use crate::domain::calendar::BusinessCalendar;
use crate::domain::event::RecordKind;
use crate::domain::ids::RecordId;
use crate::domain::registry::{Building, BuildingInfo};
use crate::domain::roles::Action;
use crate::store::Query;
use crate::ui::i18n::t;
use crate::ui::platform::{pref, set_pref};
use crate::ui::state::{app, ctx, go, Page, PatrolTab};
use leptos::prelude::*;

/// The estate's calendar (time zone for windows and weeks).
pub(crate) fn calendar() -> BusinessCalendar {
    ctx()
        .estate
        .get_untracked()
        .map(|e| e.settings.calendar)
        .unwrap_or_default()
}

pub(crate) async fn buildings() -> Vec<(RecordId, BuildingInfo)> {
    let mut list: Vec<(RecordId, BuildingInfo)> = app()
        .query(&Query::all(RecordKind::Building))
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.state::<Building>().map(|b| (v.id, b.info)))
        .collect();
    list.sort_by_key(|(_, b)| {
        let digits: String = b.name.chars().take_while(|c| c.is_ascii_digit()).collect();
        (digits.parse::<u32>().unwrap_or(u32::MAX), b.name.clone())
    });
    list
}

/// The round this tablet is walking (kept across a closed tab or a reboot).
pub(crate) fn current_round() -> Option<RecordId> {
    pref("patrol.round").and_then(|s| s.parse().ok())
}

pub(crate) fn open_round(id: RecordId) {
    set_pref("patrol.round", Some(&id.to_string()));
    go(Page::PatrolRound);
}

pub(crate) fn open_sheet(id: RecordId) {
    set_pref("patrol.sheet", Some(&id.to_string()));
    go(Page::PatrolSheet);
}

pub(crate) fn may(a: Action) -> bool {
    ctx().session.get().is_some_and(|s| s.may(a))
}

#[component]
pub fn PatrolPage(tab: PatrolTab) -> impl IntoView {
    let tabs = [
        (PatrolTab::Today, "pat.tab.today", "pat-tab-today", None),
        (
            PatrolTab::Findings,
            "pat.tab.findings",
            "pat-tab-findings",
            None,
        ),
        (
            PatrolTab::Coverage,
            "pat.tab.coverage",
            "pat-tab-coverage",
            None,
        ),
        (
            PatrolTab::Routes,
            "pat.tab.routes",
            "pat-tab-routes",
            Some(Action::ManagePatrolRoutes),
        ),
        (
            PatrolTab::Labels,
            "pat.tab.labels",
            "pat-tab-labels",
            Some(Action::ManagePatrolRoutes),
        ),
    ];
    view! {
        <div class="page patrol">
            <nav class="reg-tabs no-print" role="tablist">
                {tabs.into_iter().map(|(which, key, testid, needs)| view! {
                    <Show when=move || needs.is_none_or(may)>
                        <button role="tab" class=move || if which == tab { "reg-tab active" } else { "reg-tab" }
                            data-testid=testid on:click=move |_| go(Page::Patrol(which))>
                            {move || t(key)}
                        </button>
                    </Show>
                }).collect_view()}
            </nav>
            {match tab {
                PatrolTab::Today => view! { <today::TodayTab/> }.into_any(),
                PatrolTab::Findings => view! { <findings::FindingsTab/> }.into_any(),
                PatrolTab::Coverage => view! { <coverage::CoverageTab/> }.into_any(),
                PatrolTab::Routes => view! { <routes::RoutesTab/> }.into_any(),
                PatrolTab::Labels => view! { <labels::LabelsTab/> }.into_any(),
            }}
        </div>
    }
}
