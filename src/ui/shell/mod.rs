//! The frame around every page: training banner, navigation by SOP area, the signed-in person,
//! language, lock after idle.

pub(crate) mod notices;
pub mod pages;
pub use notices::{listen as listen_notices, AppNotices, OpeningNotices};

use super::i18n::t;
use super::platform::{now_ms, reload, set_pref};
use super::state::{
    ctx, go, CmpTab, DeskTab, DutyTab, MoveTab, Page, PatrolTab, QualTab, RegistryTab, RepTab,
    TrainTab, VioTab,
};
use crate::domain::i18n::Lang;
use crate::domain::roles::Action;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// Keeps the page in step with the URL hash (Back button, reload).
pub fn watch_hash() {
    let c = ctx();
    let read = move || {
        if let Some(w) = web_sys::window() {
            let h = w.location().hash().unwrap_or_default();
            // `go` already showed the page; setting it again would build it a second time
            // (losing state such as a record opened from 我的待办).
            let p = Page::from_hash(&h);
            if c.page.get_untracked() != p {
                c.page.set(p);
            }
        }
    };
    read();
    let cb = Closure::<dyn Fn()>::new(read);
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref());
    }
    cb.forget();
}

/// Training mode is always visible, so nobody mistakes demo data for real records.
#[component]
pub fn Banner() -> impl IntoView {
    let c = ctx();
    view! {
        <Show when=move || c.training.get()>
            <div class="training-banner" data-testid="training-banner">
                <strong>{move || t("training.banner")}</strong>
                <span class="hint">{move || t("training.pin")}</span>
                <span class="spacer"></span>
                <button class="btn small light" data-testid="training-reset" on:click=move |_| reset_training()>
                    {move || t("training.reset")}
                </button>
                <button class="btn small light" data-testid="training-exit" on:click=move |_| leave_training()>
                    {move || t("training.exit")}
                </button>
            </div>
        </Show>
    }
}

pub fn enter_training() {
    set_pref("mode", Some("training"));
    go_home_and_reload();
}

fn leave_training() {
    set_pref("mode", None);
    go_home_and_reload();
}

fn go_home_and_reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash("#/");
    }
    reload();
}

/// Deletes only the training database, then reloads (the demo is rebuilt on open).
fn reset_training() {
    let confirmed = web_sys::window()
        .and_then(|w| {
            w.confirm_with_message(super::i18n::t_untracked("training.confirm_reset"))
                .ok()
        })
        .unwrap_or(false);
    if !confirmed {
        return;
    }
    leptos::task::spawn_local(async move {
        let _ = super::state::Db::delete(super::DB_TRAINING).await;
        go_home_and_reload();
    });
}

pub fn toggle_lang() {
    let c = ctx();
    let next = match c.lang.get_untracked() {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    c.lang.set(next);
    set_pref("lang", Some(if next == Lang::En { "en" } else { "zh" }));
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", if next == Lang::En { "en" } else { "zh-CN" });
    }
}

fn track_activity() {
    let c = ctx();
    let cb = Closure::<dyn Fn()>::new(move || c.last_activity.set(now_ms()));
    if let Some(d) = web_sys::window().and_then(|w| w.document()) {
        for ev in ["pointerdown", "keydown"] {
            let _ = d.add_event_listener_with_callback(ev, cb.as_ref().unchecked_ref());
        }
    }
    cb.forget();
    // Lock after the idle time set by the Director (0 = never).
    let interval = gloo::timers::callback::Interval::new(10_000, move || {
        let minutes = c
            .estate
            .get_untracked()
            .map(|e| e.settings.idle_lock_minutes)
            .unwrap_or(5);
        if minutes > 0
            && c.session.get_untracked().is_some()
            && !c.locked.get_untracked()
            && now_ms() - c.last_activity.get_untracked() > minutes as i64 * 60_000
        {
            c.locked.set(true);
        }
    });
    interval.forget();
}

struct NavItem {
    page: Page,
    key: &'static str,
    icon: &'static str,
    testid: &'static str,
    needs: Option<Action>,
}

const NAV: &[NavItem] = &[
    NavItem {
        page: Page::Home,
        key: "nav.home",
        icon: "☑",
        testid: "nav-home",
        needs: None,
    },
    NavItem {
        page: Page::Complaints(CmpTab::List),
        key: "nav.complaints",
        icon: "✆",
        testid: "nav-complaints",
        needs: None,
    },
    NavItem {
        page: Page::Repairs(RepTab::Orders),
        key: "nav.repairs",
        icon: "⚒",
        testid: "nav-repairs",
        needs: None,
    },
    NavItem {
        page: Page::Patrol(PatrolTab::Today),
        key: "nav.patrol",
        icon: "◎",
        testid: "nav-patrol",
        needs: None,
    },
    NavItem {
        page: Page::Violations(VioTab::List),
        key: "nav.violations",
        icon: "⚑",
        testid: "nav-violations",
        needs: None,
    },
    NavItem {
        page: Page::MoveIn(MoveTab::Batches),
        key: "nav.movein",
        icon: "⌂",
        testid: "nav-movein",
        needs: None,
    },
    NavItem {
        page: Page::Duty(DutyTab::Log),
        key: "nav.duty",
        icon: "☾",
        testid: "nav-duty",
        needs: None,
    },
    NavItem {
        page: Page::Training(TrainTab::Records),
        key: "nav.training",
        icon: "✎",
        testid: "nav-training",
        needs: None,
    },
    NavItem {
        page: Page::Quality(QualTab::Dashboard),
        key: "nav.quality",
        icon: "★",
        testid: "nav-quality",
        needs: None,
    },
    NavItem {
        page: Page::Desk(DeskTab::Mail),
        key: "nav.desk",
        icon: "✉",
        testid: "nav-desk",
        needs: Some(Action::KeepDeskRegisters),
    },
    NavItem {
        page: Page::Registry(RegistryTab::Buildings),
        key: "nav.registry",
        icon: "▦",
        testid: "nav-registry",
        needs: Some(Action::ViewRegistry),
    },
    NavItem {
        page: Page::Staff,
        key: "nav.staff",
        icon: "☺",
        testid: "nav-staff",
        needs: Some(Action::ManageStaff),
    },
    NavItem {
        page: Page::Sync,
        key: "nav.sync",
        icon: "⇅",
        testid: "nav-sync",
        needs: None,
    },
    NavItem {
        page: Page::Settings,
        key: "nav.settings",
        icon: "⚙",
        testid: "nav-settings",
        needs: None,
    },
];

#[component]
pub fn Shell() -> impl IntoView {
    let c = ctx();
    thread_local!(static TRACKING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if !TRACKING.with(|t| t.replace(true)) {
        track_activity();
    }
    let is_active = move |p: Page| match (c.page.get(), p) {
        (Page::Registry(_), Page::Registry(_)) => true,
        (Page::Complaints(_), Page::Complaints(_)) => true,
        (Page::Patrol(_) | Page::PatrolRound | Page::PatrolSheet, Page::Patrol(_)) => true,
        (Page::Duty(_), Page::Duty(_)) => true,
        (Page::Training(_) | Page::Discipline, Page::Training(_)) => true,
        (Page::Repairs(_) | Page::RepairOrder(_), Page::Repairs(_)) => true,
        (Page::Desk(_), Page::Desk(_)) => true,
        (Page::Violations(_), Page::Violations(_)) => true,
        (Page::MoveIn(_) | Page::MoveInSession(_), Page::MoveIn(_)) => true,
        (Page::Quality(_), Page::Quality(_)) => true,
        (a, b) => a == b,
    };
    let session = move || c.session.get();
    view! {
        <div class="shell">
            <header class="topbar">
                <div class="brand">
                    <span class="logo small">"物"</span>
                    <div class="brand-text">
                        <strong data-testid="estate-name">{move || c.estate.get().map(|e| e.name).unwrap_or_default()}</strong>
                        <span class="sub">{move || t("app.name")}</span>
                    </div>
                </div>
                <span class="spacer"></span>
                <super::emergency::EmergencyButton/>
                <button class="btn ghost" data-testid="lang-toggle" on:click=move |_| toggle_lang()>{move || t("lang.toggle")}</button>
                <div class="who" data-testid="who">
                    <span class="avatar">{move || session().and_then(|s| s.name.chars().next()).map(String::from).unwrap_or_default()}</span>
                    <span class="who-name">{move || session().map(|s| s.name).unwrap_or_default()}</span>
                </div>
                <button class="btn ghost" data-testid="lock" on:click=move |_| c.locked.set(true)>{move || t("nav.lock")}</button>
                <button class="btn ghost" data-testid="switch-user" on:click=move |_| { c.session.set(None); c.locked.set(false); }>
                    {move || t("nav.switch")}
                </button>
            </header>
            <nav class="nav">
                {NAV.iter().map(|item| {
                    let page = item.page;
                    let needs = item.needs;
                    let key = item.key;
                    view! {
                        <Show when=move || needs.is_none_or(|a| session().is_some_and(|s| s.may(a)))>
                            <button
                                class=move || if is_active(page) { "nav-item active" } else { "nav-item" }
                                data-testid=item.testid
                                on:click=move |_| go(page)
                            >
                                <span class="nav-icon" aria-hidden="true">{item.icon}</span>
                                <span class="nav-label">{move || t(key)}</span>
                            </button>
                        </Show>
                    }
                }).collect_view()}
            </nav>
            <main class="content">
                {move || match c.page.get() {
                    // A page the person may not open (e.g. a bookmarked #/staff) shows 我的待办.
                    Page::Staff if !session().is_some_and(|s| s.may(Action::ManageStaff)) => {
                        view! { <super::home::Home/> }.into_any()
                    }
                    Page::Home => view! { <super::home::Home/> }.into_any(),
                    Page::Emergency => view! { <super::emergency::EmergencyPage/> }.into_any(),
                    Page::Incident(id) => view! { <super::emergency::IncidentPage id=id/> }.into_any(),
                    // Issue 19: every other area is a module of its own, loaded on first use.
                    page => lazy((pages::pages().page)(page)),
                }}
            </main>
        </div>
    }
}

/// A page from a module loaded on first use (`pages`): rendered at once when the module is
/// there (a ready future never shows the fallback), "加载中…" while it is fetched, and a clear
/// message with a reload when it cannot be.
pub(crate) fn lazy(page: pages::Loading<AnyView>) -> AnyView {
    let page = send_wrapper::SendWrapper::new(page);
    view! {
        <Suspense fallback=|| view! { <p class="empty" role="status">{t("common.loading")}</p> }>
            {Suspend::new(async move {
                match page.await {
                    Ok(view) => view,
                    Err(_) => view! {
                        <div class="card" role="alert">
                            <p class="error-line">{t("app.page_load_failed")}</p>
                            <button class="btn" on:click=|_| reload()>{t("notice.reload")}</button>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
