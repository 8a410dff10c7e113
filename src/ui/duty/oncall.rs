//! 值班联系人 — the on-call people one tap away, with the duty principles (DUTY-3, DUTY-10).

use crate::domain::roles::{Department, Role};
use crate::ui::components::people::{active_staff, Person};
use crate::ui::i18n::t;
use crate::ui::state::{loader, tx};
use leptos::prelude::*;

/// DUTY-10: director, supervisor, security and engineering leads keep their phones on.
fn on_call(s: &Person) -> Option<(u8, crate::domain::i18n::Text)> {
    let r = &s.roles;
    if r.contains(&Role::Director) {
        Some((0, Role::Director.label()))
    } else if r.contains(&Role::Supervisor) {
        Some((1, Role::Supervisor.label()))
    } else if r.contains(&Role::DepartmentLead)
        && matches!(
            s.department,
            Some(Department::Security | Department::Engineering)
        )
    {
        let dept = s.department.unwrap_or(Department::Security);
        let d = dept.label();
        Some((
            if dept == Department::Security { 2 } else { 3 },
            crate::domain::i18n::Text::new(format!("{}负责人", d.zh), format!("{} lead", d.en)),
        ))
    } else {
        None
    }
}

/// The contacts as big call buttons (also shown on every emergency checklist).
#[component]
pub fn Contacts() -> impl IntoView {
    let list = loader(|| async {
        let mut v = active_staff()
            .await
            .into_iter()
            .filter_map(|s| on_call(&s).map(|(rank, role)| (rank, s.name, s.phone, role)))
            .collect::<Vec<_>>();
        // Director first, then supervisors, security, engineering (DUTY-10's order).
        v.sort_by_key(|x| x.0);
        v.into_iter()
            .map(|(_, n, p, r)| (n, p, r))
            .collect::<Vec<_>>()
    });
    view! {
        <div class="oncall-grid" data-testid="oncall-contacts">
            {move || list.get().unwrap_or_default().into_iter().map(|(name, phone, role)| {
                let href = format!("tel:{}", phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>());
                view! {
                    <a class="oncall" href=href>
                        <span class="oncall-role">{move || tx(&role)}</span>
                        <strong>{name}</strong>
                        <span class="oncall-phone">{if phone.is_empty() { "—".to_string() } else { phone }}</span>
                    </a>
                }
            }).collect_view()}
        </div>
    }
}

#[component]
pub fn Principles() -> impl IntoView {
    view! {
        <div class="principles" data-testid="duty-principles">
            <div class="principle"><span class="p-n">"1"</span>{move || t("duty.p.time")}</div>
            <div class="principle"><span class="p-n">"2"</span>{move || t("duty.p.contain")}</div>
            <div class="principle"><span class="p-n">"3"</span>{move || t("duty.p.report")}</div>
        </div>
    }
}

#[component]
pub fn OnCall() -> impl IntoView {
    view! {
        <section class="card">
            <h2>{move || t("duty.oncall.principles")}</h2>
            <Principles/>
            <p class="muted">{move || t("duty.oncall.rights")}</p>
        </section>
        <section class="card">
            <h2>{move || t("duty.oncall.title")}</h2>
            <p class="muted">{move || t("duty.oncall.hint")}</p>
            <Contacts/>
        </section>
    }
}
