//! PIN sign-in on a shared tablet: pick your name, enter your PIN. Also the lock screen.

use super::components::{PinPad, TextField};
use super::i18n::{t, t_untracked};
use super::platform::{now_ms, uptime};
use super::state::{app, ctx, loader, tx_untracked, Session};
use crate::domain::command::Actor;
use crate::domain::event::RecordKind;
use crate::domain::staff::Staff;
use crate::store::{Filter, Query};
use leptos::prelude::*;

/// Serves a sign-in lock on the running app's clock (issue 12): every 30 s the time consumed
/// is saved, so closing or reloading the app loses at most that much of it. Started once the
/// app is open.
pub fn serve_lockout() {
    let interval = gloo::timers::callback::Interval::new(30_000, || {
        // Outside any component: plain wasm futures, no reactive owner needed.
        wasm_bindgen_futures::spawn_local(async {
            let _ = app().lockout_tick(uptime()).await;
        });
    });
    interval.forget();
}

#[component]
pub fn SignIn() -> impl IntoView {
    let c = ctx();
    let chosen = RwSignal::new(
        c.session
            .get_untracked()
            .filter(|_| c.locked.get_untracked())
            .map(|s| (s.id, s.name)),
    );
    let filter = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(String::new());
    let staff = loader(|| async {
        let people = app()
            .query(&Query::new(
                RecordKind::Staff,
                Filter::Status("active".into()),
            ))
            .await
            .unwrap_or_default();
        super::platform::mark("ed-first-query");
        people
    });
    let submit = move |pin: String| {
        let Some((id, name)) = chosen.get_untracked() else {
            return;
        };
        busy.set(true);
        error.set(String::new());
        leptos::task::spawn_local(async move {
            // The PIN check (WebCrypto PBKDF2) waits for 我的待办's cards, read since the pick
            // (issue 19): the home screen opens with all of them when the check ends.
            let (signed, ()) = futures::future::join(
                app().sign_in(id, &pin, uptime()),
                super::home::read_for_sign_in(id),
            )
            .await;
            match signed {
                Ok(actor) => {
                    super::home::signed_in();
                    // A Director's sign-in enrols a tablet that is not yet (issue 12), after
                    // the home screen is up.
                    let enrolling = actor.clone();
                    leptos::task::spawn_local(async move {
                        if let Ok(true) = app().auto_enroll(&enrolling, now_ms()).await {
                            super::state::toast_ok(t_untracked("sync.enrolled_ok"));
                            super::state::bump();
                        }
                    });
                    // A new person starts on 我的待办; the same person unlocking stays put.
                    let same = c.session.get_untracked().is_some_and(|s| s.id == id);
                    if !same {
                        super::state::go(super::state::Page::Home);
                    }
                    c.session.set(Some(Session {
                        id,
                        name,
                        roles: actor.roles,
                    }));
                    c.locked.set(false);
                    c.last_activity.set(now_ms());
                }
                Err(e) => {
                    error.set(tx_untracked(&e.message()));
                }
            }
            busy.set(false);
        });
    };
    let pick = move |who: Actor, name: String| {
        error.set(String::new());
        let id = who.id;
        chosen.set(Some((id, name)));
        super::home::picked(who);
        // A locked tablet says so, and for how long, before anyone types (issue 12).
        leptos::task::spawn_local(async move {
            if let Ok(Some(ms_left)) = app().lockout_tick(uptime()).await {
                let e = crate::app::SignInError::Locked { ms_left };
                error.set(tx_untracked(&e.message()));
            }
        });
    };
    view! {
        <main class="centered signin">
            {move || match chosen.get() {
                Some((_, name)) => view! {
                    <section class="card narrow" data-testid="signin-pin">
                        <Show when=move || c.locked.get()>
                            <p class="notice">{move || t("signin.locked")}</p>
                        </Show>
                        <div class="avatar big">{name.chars().next().map(String::from).unwrap_or_default()}</div>
                        <h1 data-testid="signin-name">{name.clone()}</h1>
                        <p class="lead">{move || t("signin.pin")}</p>
                        <p class="error-line" role="alert" data-testid="signin-error">{move || error.get()}</p>
                        <PinPad on_submit=submit busy=busy/>
                        <button class="btn link" data-testid="signin-other" on:click=move |_| { chosen.set(None); c.locked.set(false); c.session.set(None); }>
                            {move || t("signin.other")}
                        </button>
                    </section>
                }.into_any(),
                None => view! {
                    <section class="card wide" data-testid="signin-list">
                        <h1>{move || c.estate.get().map(|e| e.name).unwrap_or_default()}</h1>
                        <p class="lead">{move || t("signin.title")}</p>
                        <TextField label=Signal::derive(move || t("signin.search").to_string()) value=filter testid="signin-filter"/>
                        <div class="people-grid">
                            {move || {
                                let f = filter.get().trim().to_lowercase();
                                let mut people: Vec<(Staff, _)> = staff.get().unwrap_or_default().into_iter()
                                    .filter(|v| f.is_empty() || v.title.to_lowercase().contains(&f))
                                    .map(|v| (v.state::<Staff>().unwrap_or_default(), v))
                                    .collect();
                                // Managers first (Director, Supervisor …), then by name.
                                people.sort_by(|(a, va), (b, vb)| {
                                    (a.profile.roles.first(), &va.title).cmp(&(b.profile.roles.first(), &vb.title))
                                });
                                people.into_iter()
                                    .map(|(s, v)| {
                                        let mut roles: Vec<String> = s.profile.roles.iter().map(|r| super::state::tx(&r.label())).collect();
                                        if let Some(d) = s.profile.department.filter(|d| *d != crate::domain::roles::Department::CustomerService) {
                                            roles.push(super::state::tx(&d.label()));
                                        }
                                        let name = v.title.clone();
                                        let who = s.actor(v.id);
                                        view! {
                                            <button class="person" data-testid="signin-person" data-name=name.clone() on:click=move |_| pick(who.clone(), name.clone())>
                                                <span class="avatar">{v.title.chars().next().map(String::from).unwrap_or_default()}</span>
                                                <span class="person-name">{v.title.clone()}</span>
                                                <span class="person-roles">{roles.join(" · ")}</span>
                                            </button>
                                        }
                                    }).collect_view()
                            }}
                        </div>
                        <button class="btn ghost" on:click=move |_| super::shell::toggle_lang()>{move || t("lang.toggle")}</button>
                    </section>
                }.into_any(),
            }}
        </main>
    }
}
