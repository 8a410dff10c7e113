//! Leptos components and pages, one folder per SOP area. No business rule lives here: pages
//! call domain commands through [`state::submit`] and re-read views when `rev` changes.

pub mod ahead;
mod complaints;
mod components;
pub(crate) mod desk;
pub mod duty;
mod emergency;
mod home;
pub mod i18n;
mod movein;
mod patrol;
pub mod platform;
pub(crate) mod quality;
pub(crate) mod registry;
mod repairs;
mod settings;
mod setup;
pub mod shell;
mod signin;
mod staff;
pub mod state;
pub(crate) mod sync;
mod training;
mod violations;

use crate::app::App;
use crate::domain::i18n::Lang;
use crate::domain::ids::Entropy;
use i18n::{t, t_untracked};
use leptos::prelude::*;
use platform::{now_ms, pref, BrowserEntropy};
use state::{ctx, install_ctx, set_app, Ctx, Db};

pub const DB_REAL: &str = "estate-desk";
pub const DB_TRAINING: &str = "estate-desk-training";
/// The PIN of every demo staff member (training data only).
pub const DEMO_PIN: &str = "1234";

/// Starts the app. `pages` are the areas' pages, each behind a split point of the start-up
/// binary (issue 19; `ui::shell::pages`).
pub fn start(pages: &'static shell::pages::Pages) {
    platform::mark("ed-start");
    shell::pages::install(pages);
    console_error_panic_hook::set_once();
    let lang = match pref("lang").as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    };
    let training = pref("mode").as_deref() == Some("training");
    install_ctx(Ctx::new(lang, training));
    // index.html paints a static splash (or a blank tablet's first-run head) while the wasm
    // downloads and compiles (issue 19); the app's own splash replaces it in the same frame. A
    // blank tablet's head stays until the first-run form (Root).
    if !setup::expected(training) {
        remove_boot();
    }
    leptos::mount::mount_to_body(Root);
}

/// Takes index.html's boot screen away (once the app shows its own).
fn remove_boot() {
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Opening,
    Failed(String),
    Ready,
}

/// Opens the database (real or training), this tablet's device id and clock.
async fn open_app(training: bool) -> Result<(), String> {
    let c = ctx();
    let lang = c.lang.get_untracked();
    let name = if training { DB_TRAINING } else { DB_REAL };
    let store = Db::open(name)
        .await
        .map_err(|e| e.message().get(lang).to_string())?;
    // Issue 19: the benchmark splits the store open by these marks.
    platform::mark("ed-db-open");
    let device = crate::app::device_id(&store, BrowserEntropy.id())
        .await
        .map_err(|e| e.message().get(lang).to_string())?;
    platform::mark("ed-device");
    let app = App::open(store, device, Box::new(BrowserEntropy))
        .await
        .map_err(|e| e.message().get(lang).to_string())?;
    platform::mark("ed-app-open");
    if training && app.estate().await.ok().flatten().is_none() {
        seed_demo(&app).await?;
    }
    c.estate.set(app.estate().await.ok().flatten());
    set_app(app);
    platform::mark("ed-store-open");
    Ok(())
}

async fn seed_demo(app: &App<Db>) -> Result<(), String> {
    let pin = crate::app::pin_kdf::hash_pin(DEMO_PIN, app.random_salt())
        .await
        .map_err(|e| e.message().zh)?;
    // The demo lives in the present (issue 17): dated relative to today in the demo estate's
    // calendar (its settings are the defaults), so today has its own work waiting.
    let today = crate::domain::calendar::BusinessCalendar::default().local_date(now_ms());
    // Issue 19: the generator is a module of its own, fetched here only.
    let demo = (shell::pages::pages().demo_estate)(20_261_122, pin, today)
        .await
        .map_err(|_| t_untracked("app.page_load_failed").to_string())?;
    app.record(now_ms(), Some(demo.director), demo.drafts)
        .await
        .map_err(|e| e.message().get(ctx().lang.get_untracked()).to_string())?;
    // The training tablet signs like a real one (issue 12).
    let director = crate::domain::command::Actor {
        id: demo.director,
        roles: [crate::domain::roles::Role::Director].into(),
    };
    app.enroll(&director, now_ms())
        .await
        .map_err(|e| e.message().get(ctx().lang.get_untracked()).to_string())?;
    Ok(())
}

#[component]
fn Root() -> impl IntoView {
    let c = ctx();
    let phase = RwSignal::new(Phase::Opening);
    let notices = shell::listen_notices();
    leptos::task::spawn_local(async move {
        match open_app(c.training.get_untracked()).await {
            Ok(()) => {
                signin::serve_lockout();
                phase.set(Phase::Ready);
            }
            Err(e) => phase.set(Phase::Failed(e)),
        }
        c.persisted.set(platform::request_persistence().await);
    });
    shell::watch_hash();
    // Issue 19: the areas' modules are fetched and compiled while the sign-in screen waits for
    // a PIN, so the first page opened after it does not wait for its module. Not on a blank
    // tablet's first-run screen, which uses none of them (its import panel loads its own):
    // there they would only compete with the first screen; they start once an estate exists.
    let preloading = StoredValue::new(false);
    Effect::new(move |_| {
        let ready = matches!(phase.get(), Phase::Ready) && c.estate.with(Option::is_some);
        if ready && !preloading.get_value() {
            preloading.set_value(true);
            leptos::task::spawn_local(async {
                gloo::timers::future::TimeoutFuture::new(300).await;
                (shell::pages::pages().preload)().await;
                platform::mark("ed-preloaded");
            });
        }
    });
    let first_run = setup::expected(c.training.get_untracked());
    Effect::new(move |_| {
        let opening = matches!(phase.get(), Phase::Opening);
        if !opening && first_run {
            remove_boot();
        }
        if matches!(phase.get(), Phase::Ready) && !c.training.get_untracked() {
            setup::remember_estate(c.estate.with(Option::is_some));
        }
    });
    view! {
        {move || match phase.get() {
            // A blank tablet keeps index.html's first-run head (logo, heading, lead) while the
            // store opens, not a copy of it (issue 19, Lighthouse's LCP): Chromium records a
            // text's paint time only once that frame has been presented, and a node removed
            // before then is dropped — when the wasm started in the task after the first paint,
            // the app's copy of the lead became the largest paint, after the module's download.
            // The form (with the same head) replaces it once the store is open.
            Phase::Opening if first_run => view! {
                <div class="opening-notices"><shell::OpeningNotices n=notices/></div>
            }.into_any(),
            Phase::Opening => view! {
                <main class="splash">
                    <div class="logo">"物"</div>
                    <p>{move || if c.training.get() { t("training.loading") } else { t("app.loading") }}</p>
                    <shell::OpeningNotices n=notices/>
                </main>
            }.into_any(),
            Phase::Failed(msg) => view! {
                <main class="splash error" data-testid="open-failed"><p>{msg}</p></main>
            }.into_any(),
            Phase::Ready => view! {
                <div data-testid="app-ready" hidden></div>
                <shell::AppNotices n=notices/>
                <shell::Banner/>
                {move || {
                    if c.estate.get().is_none() {
                        view! { <setup::FirstRun/> }.into_any()
                    } else if c.session.get().is_none() || c.locked.get() {
                        view! { <signin::SignIn/> }.into_any()
                    } else {
                        view! { <shell::Shell/> }.into_any()
                    }
                }}
                <components::Toasts/>
            }.into_any(),
        }}
    }
}
