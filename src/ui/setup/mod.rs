//! First run: name the estate and create the first Director with a PIN (issue #2).

use super::components::TextField;
use super::i18n::{t, t_untracked};
use super::platform::{now_ms, pref, set_pref};
use super::state::{app, ctx, toast_err, toast_ok, tx_untracked, Session};
use crate::app::pin_kdf::hash_pin;
use crate::domain::staff::first_run;
use leptos::prelude::*;

/// Whether this tablet opens on the first-run form: no estate on it yet (as far as the
/// `estate` preference, written by `remember_estate`, knows) and not in training. index.html's
/// boot script asks the same before the wasm has arrived.
pub fn expected(training: bool) -> bool {
    !training && pref(ESTATE_PREF).is_none()
}

const ESTATE_PREF: &str = "estate";

/// Keeps whether the real database holds an estate, for the next start's first paint.
pub fn remember_estate(has_estate: bool) {
    set_pref(ESTATE_PREF, has_estate.then_some("1"));
}

#[component]
pub fn FirstRun() -> impl IntoView {
    let c = ctx();
    let estate = RwSignal::new(String::new());
    let director = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let pin2 = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // Joining an existing estate: import another tablet's encrypted full export instead.
    let joining = RwSignal::new(false);
    let submit = move |_| {
        if busy.get_untracked() {
            return;
        }
        if pin.get_untracked() != pin2.get_untracked() {
            toast_err(t_untracked("setup.mismatch"));
            return;
        }
        let app = app();
        let id = app.new_id();
        let salt = app.random_salt();
        let pin = pin.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            // The PIN is checked and hashed (WebCrypto) first, then the names.
            let drafts = match hash_pin(&pin, salt).await.and_then(|hash| {
                first_run(
                    false,
                    &estate.get_untracked(),
                    id,
                    &director.get_untracked(),
                    hash,
                )
            }) {
                Ok(d) => d,
                Err(e) => {
                    toast_err(tx_untracked(&e.message()));
                    busy.set(false);
                    return;
                }
            };
            let app = super::state::app();
            match app.record(now_ms(), None, drafts).await {
                Ok(_) => {
                    // The founding tablet enrols its signing key at once (issue 12).
                    let founder = crate::domain::command::Actor {
                        id,
                        roles: [crate::domain::roles::Role::Director].into(),
                    };
                    if let Err(e) = app.enroll(&founder, now_ms()).await {
                        toast_err(tx_untracked(&e.message()));
                    }
                    let name = director.get_untracked().trim().to_string();
                    c.estate.set(app.estate().await.ok().flatten());
                    c.session.set(Some(Session {
                        id,
                        name,
                        roles: [crate::domain::roles::Role::Director].into(),
                    }));
                    c.last_activity.set(now_ms());
                    toast_ok(t_untracked("common.saved"));
                }
                Err(e) => toast_err(tx_untracked(&e.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="centered">
            <section class="card narrow setup" data-testid="first-run">
                // Issue 19: a blank tablet paints this head from index.html before the wasm
                // has arrived and keeps it while the store opens (the same texts and size, so
                // the page's largest text is painted then, not when the form comes).
                <div class="logo" aria-hidden="true">"物"</div>
                <h1>{move || t("setup.title")}</h1>
                <p class="lead">{move || t("setup.lead")}</p>
                <TextField label=Signal::derive(move || t("setup.estate").to_string()) value=estate testid="setup-estate" placeholder="例如：翠湖花园"/>
                <TextField label=Signal::derive(move || t("setup.director").to_string()) value=director testid="setup-director"/>
                <div class="row2">
                    <TextField label=Signal::derive(move || t("setup.pin").to_string()) value=pin testid="setup-pin" kind="password" inputmode="numeric"/>
                    <TextField label=Signal::derive(move || t("setup.pin2").to_string()) value=pin2 testid="setup-pin2" kind="password" inputmode="numeric"/>
                </div>
                <button class="btn primary big" data-testid="setup-go" disabled=move || busy.get() on:click=submit>
                    {move || t("setup.go")}
                </button>
                <button class="btn" data-testid="setup-import" on:click=move |_| joining.update(|j| *j = !*j)>
                    {move || t("sync.setup_import")}
                </button>
                <Show when=move || joining.get()>
                    <p class="muted">{move || t("sync.setup_import_lead")}</p>
                    // Issue 19: the import panel is a module loaded on first use.
                    {move || super::shell::lazy((super::shell::pages::pages().join_panel)())}
                </Show>
                <button class="btn link" data-testid="setup-demo" on:click=move |_| super::shell::enter_training()>
                    {move || t("setup.demo")}
                </button>
                <button class="btn ghost" on:click=move |_| super::shell::toggle_lang()>{move || t("lang.toggle")}</button>
            </section>
        </main>
    }
}
