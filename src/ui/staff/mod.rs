//! 员工管理 — staff, their roles (a person may hold several) and department, PINs (SOP §0).

pub mod discipline;

use super::components::{Empty, Sheet, TextField};
use super::i18n::t;
use super::state::{app, ctx, loader, submit, tx, Session};
use crate::app::pin_kdf::hash_pin;
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::ids::StaffId;
use crate::domain::roles::{Department, Role};
use crate::domain::staff::{self, Profile, Staff};
use crate::store::Query;
use leptos::prelude::*;
use std::collections::BTreeSet;

#[derive(Clone, Copy)]
struct Form {
    name: RwSignal<String>,
    phone: RwSignal<String>,
    roles: RwSignal<BTreeSet<Role>>,
    dept: RwSignal<Option<Department>>,
    pin: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Form {
            name: RwSignal::new(String::new()),
            phone: RwSignal::new(String::new()),
            roles: RwSignal::new(BTreeSet::new()),
            dept: RwSignal::new(None),
            pin: RwSignal::new(String::new()),
        }
    }
    fn load(&self, p: &Profile) {
        self.name.set(p.name.clone());
        self.phone.set(p.phone.clone());
        self.roles.set(p.roles.clone());
        self.dept.set(p.department);
        self.pin.set(String::new());
    }
    fn profile(&self) -> Profile {
        Profile {
            name: self.name.get_untracked(),
            roles: self.roles.get_untracked(),
            department: self.dept.get_untracked(),
            phone: self.phone.get_untracked(),
        }
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let c = ctx();
    let list = loader(|| async {
        app()
            .query(&Query::all(RecordKind::Staff))
            .await
            .unwrap_or_default()
    });
    let add_open = RwSignal::new(false);
    let edit_open = RwSignal::new(false);
    let editing = RwSignal::new(None::<(StaffId, Staff)>);
    let form = Form::new();

    let open_add = move |_| {
        form.load(&Profile::default());
        add_open.set(true);
    };
    let save_new = move |_| {
        let app = app();
        let id = app.new_id();
        let profile = form.profile();
        let pin = form.pin.get_untracked();
        let salt = app.random_salt();
        leptos::task::spawn_local(async move {
            // Hashed in WebCrypto before the command (which takes a computed hash).
            let hash = hash_pin(&pin, salt).await;
            submit(
                move |actor| staff::create(actor, id, &profile, hash?),
                Text::new("员工已添加", "Staff member added"),
                move || add_open.set(false),
            );
        });
    };
    let open_edit = move |id: StaffId, s: Staff| {
        form.load(&s.profile);
        editing.set(Some((id, s)));
        edit_open.set(true);
    };
    let save_edit = move |_| {
        let Some((id, current)) = editing.get_untracked() else {
            return;
        };
        let profile = form.profile();
        let profile2 = profile.clone();
        let pin = form.pin.get_untracked();
        let app = app();
        let salt = app.random_salt();
        leptos::task::spawn_local(async move {
            let directors = app.active_directors().await.unwrap_or(0);
            let hash = if pin.is_empty() {
                None
            } else {
                Some(hash_pin(&pin, salt).await)
            };
            submit(
                move |actor| {
                    let mut d = staff::update(actor, id, &current, &profile, directors)?;
                    if let Some(hash) = hash {
                        d.extend(staff::set_pin(actor, id, hash?)?);
                    }
                    Ok(d)
                },
                Text::new("已保存", "Saved"),
                move || {
                    edit_open.set(false);
                    refresh_session(id, &profile2);
                },
            );
        });
    };
    let toggle_active = move |_| {
        let Some((id, current)) = editing.get_untracked() else {
            return;
        };
        let app = app();
        leptos::task::spawn_local(async move {
            let directors = app.active_directors().await.unwrap_or(0);
            let active = !current.active;
            submit(
                move |actor| staff::set_active(actor, id, &current, active, directors),
                Text::new("已保存", "Saved"),
                move || edit_open.set(false),
            );
        });
    };

    view! {
        <div class="page">
            <div class="page-head">
                <h1 class="page-title">{move || t("staff.title")}</h1>
                <button class="btn primary" data-testid="staff-add" on:click=open_add>{move || t("staff.add")}</button>
                <button class="btn" data-testid="staff-discipline" on:click=move |_| super::state::go(super::state::Page::Discipline)>{move || t("dis.title")}</button>
            </div>
            <section class="card list" data-testid="staff-list">
                {move || {
                    let mut items = list.get().unwrap_or_default();
                    items.sort_by_key(|v| (v.status.as_deref() != Some("active"), v.title.clone()));
                    if items.is_empty() {
                        return view! { <Empty text=Signal::derive(move || t("common.none").to_string())/> }.into_any();
                    }
                    items.into_iter().map(|v| {
                        let s: Staff = v.state().unwrap_or_default();
                        let id = v.id;
                        let s2 = s.clone();
                        let dept = s.profile.department;
                        let roles = s.profile.roles.clone();
                        view! {
                            <button class=if s.active { "row" } else { "row inactive" } data-testid="staff-row" data-name=v.title.clone()
                                on:click=move |_| open_edit(id, s2.clone())>
                                <span class="avatar">{v.title.chars().next().map(String::from).unwrap_or_default()}</span>
                                <span class="row-main">
                                    <strong>{v.title.clone()}</strong>
                                    <span class="chips">
                                        {roles.into_iter().map(|r| view! { <span class="chip">{move || tx(&r.label())}</span> }).collect_view()}
                                        {dept.map(|d| view! { <span class="chip dept">{move || tx(&d.label())}</span> })}
                                        {(!s.active).then(|| view! { <span class="chip off">{move || t("staff.inactive")}</span> })}
                                    </span>
                                </span>
                                <span class="row-side muted">{s.profile.phone.clone()}</span>
                            </button>
                        }
                    }).collect_view().into_any()
                }}
            </section>
            <Sheet title=Signal::derive(move || t("staff.add").to_string()) open=add_open>
                <StaffForm form=form pin_label="staff.pin"/>
                <button class="btn primary big" data-testid="staff-save" on:click=save_new>{move || t("common.save")}</button>
            </Sheet>
            <Sheet title=Signal::derive(move || editing.get().map(|(_, s)| s.profile.name).unwrap_or_default()) open=edit_open>
                <StaffForm form=form pin_label="staff.newpin"/>
                <div class="actions">
                    <button class="btn primary big" data-testid="staff-save-edit" on:click=save_edit>{move || t("common.save")}</button>
                    <button class="btn danger" data-testid="staff-toggle-active" on:click=toggle_active>
                        {move || if editing.get().is_some_and(|(_, s)| s.active) { t("staff.deactivate") } else { t("staff.reactivate") }}
                    </button>
                </div>
                {move || editing.get().map(|(id, _)| view! { <super::components::History subject=crate::domain::event::RecordRef::new(RecordKind::Staff, id)/> })}
            </Sheet>
            <p class="muted">{move || c.session.get().map(|_| "").unwrap_or_default()}</p>
        </div>
    }
}

/// If the signed-in person edited their own roles, the session follows.
fn refresh_session(id: StaffId, p: &Profile) {
    let c = ctx();
    if c.session.get_untracked().is_some_and(|s| s.id == id) {
        c.session.set(Some(Session {
            id,
            name: p.name.trim().to_string(),
            roles: p.roles.clone(),
        }));
    }
}

#[component]
fn StaffForm(form: Form, pin_label: &'static str) -> impl IntoView {
    view! {
        <TextField label=Signal::derive(move || t("common.name").to_string()) value=form.name testid="staff-name"/>
        <TextField label=Signal::derive(move || t("common.phone").to_string()) value=form.phone testid="staff-phone" kind="tel" inputmode="tel"/>
        <fieldset class="field">
            <legend class="field-label">{move || t("staff.roles")}</legend>
            <div class="checks">
                {Role::ALL.into_iter().map(|r| view! {
                    <label class="check">
                        <input type="checkbox" data-testid=format!("role-{r:?}")
                            prop:checked=move || form.roles.get().contains(&r)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                form.roles.update(|s| { if on { s.insert(r); } else { s.remove(&r); } });
                            }/>
                        <span>{move || tx(&r.label())}</span>
                    </label>
                }).collect_view()}
            </div>
        </fieldset>
        <label class="field">
            <span class="field-label">{move || t("staff.department")}</span>
            <select data-testid="staff-dept" on:change=move |ev| {
                let v = event_target_value(&ev);
                form.dept.set(Department::ALL.into_iter().find(|d| format!("{d:?}") == v));
            }>
                <option value="" selected=move || form.dept.get().is_none()>{move || t("staff.none_dept")}</option>
                {Department::ALL.into_iter().map(|d| view! {
                    <option value=format!("{d:?}") selected=move || form.dept.get() == Some(d)>{move || tx(&d.label())}</option>
                }).collect_view()}
            </select>
        </label>
        <TextField label=Signal::derive(move || t(pin_label).to_string()) value=form.pin testid="staff-pin" kind="password" inputmode="numeric"/>
    }
}
