//! 前台 — the front desk's registers (SOP.md §11, DESK-1..4): registered mail, newspapers,
//! consignment sales with the day's cash, and the reception standards card. Rules live in
//! `domain::desk` and `domain::cash`; these pages gather input and show state.

mod mail;
mod papers;
mod sales;
mod settings;
pub mod strings;

use super::i18n::t;
use super::platform::format_time;
use super::state::{ctx, go, utc_offset_untracked, DeskTab, Page};
use crate::domain::desk::reception;
use leptos::prelude::*;

pub use settings::DeskSettingsCard;

pub fn when(ms: i64) -> String {
    format_time(ms, utc_offset_untracked())
}

#[component]
pub fn DeskPage(tab: DeskTab) -> impl IntoView {
    let _ = ctx();
    let tabs = [
        (DeskTab::Mail, "desk.tab.mail", "desk-tab-mail"),
        (DeskTab::Papers, "desk.tab.papers", "desk-tab-papers"),
        (DeskTab::Sales, "desk.tab.sales", "desk-tab-sales"),
        (
            DeskTab::Standards,
            "desk.tab.standards",
            "desk-tab-standards",
        ),
    ];
    view! {
        <div class="page desk">
            <div class="reg-tabs screen-only">
                {tabs.into_iter().map(|(t_, key, id)| view! {
                    <button class=move || if tab == t_ { "reg-tab active" } else { "reg-tab" }
                        data-testid=id on:click=move |_| go(Page::Desk(t_))>{move || t(key)}</button>
                }).collect_view()}
            </div>
            {match tab {
                DeskTab::Mail => view! { <mail::MailTab/> }.into_any(),
                DeskTab::Papers => view! { <papers::PapersTab/> }.into_any(),
                DeskTab::Sales => view! { <sales::SalesTab/> }.into_any(),
                DeskTab::Standards => view! { <Standards/> }.into_any(),
            }}
        </div>
    }
}

/// The reception standards card (DESK-4): greeting, the phone within three rings, farewell.
#[component]
pub fn Standards() -> impl IntoView {
    let c = ctx();
    view! {
        <section class="card desk-card" data-testid="desk-standards">
            <h2>{move || t("desk.standards.title")}</h2>
            <ol class="desk-standards">
                {reception::card().into_iter().map(|s| {
                    let (w, r, say) = (s.when.clone(), s.rule.clone(), s.say.clone());
                    view! {
                        <li>
                            <strong>{move || w.get(c.lang.get()).to_string()}</strong>
                            <span>{move || r.get(c.lang.get()).to_string()}</span>
                            {(!say.zh.is_empty()).then(|| view! { <q class="desk-say">{move || say.get(c.lang.get()).to_string()}</q> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
