//! PAID-6: 对账确认 — under the month's paid-service summary, whether the month was reconciled
//! with finance, engineering and environment (who, when), or the Supervisor's form to record it.
//! The rule (who may, which month) is the domain's `report::reconcile_month`.

use crate::domain::i18n::Text;
use crate::domain::roles::Action;
use crate::domain::workorder::report::{
    reconcile_month, reconciliation_id, PaidReconciliation, ReconcileInput,
};
use crate::ui::components::people::{all_staff, name_in};
use crate::ui::components::TextField;
use crate::ui::i18n::t;
use crate::ui::platform::{format_time, now_ms};
use crate::ui::state::{app, bump, ctx, loader, submit, utc_offset_untracked};
use leptos::prelude::*;

#[component]
pub fn Reconciliation(month: String) -> impl IntoView {
    let c = ctx();
    let may = move || {
        c.session
            .get()
            .is_some_and(|s| s.may(Action::ReconcilePaid))
    };
    let m = month.clone();
    let data = loader(move || {
        let m = m.clone();
        async move {
            let r = match reconciliation_id(&m) {
                Some(id) => app()
                    .get::<PaidReconciliation>(id)
                    .await
                    .ok()
                    .flatten()
                    .and_then(|r| r.signed),
                None => None,
            };
            (r, all_staff().await)
        }
    });
    let finance = RwSignal::new(String::new());
    let engineering = RwSignal::new(String::new());
    let environment = RwSignal::new(String::new());
    let difference = RwSignal::new(String::new());
    let m = month.clone();
    let save = move |_| {
        let input = ReconcileInput {
            month: m.clone(),
            finance: finance.get_untracked(),
            engineering: engineering.get_untracked(),
            environment: environment.get_untracked(),
            difference: difference.get_untracked(),
        };
        submit(
            move |a| reconcile_month(a, &input, now_ms()),
            Text::new("对账确认已记录", "Reconciliation recorded"),
            bump,
        );
    };
    view! {
        <section class="card print-block" data-testid="wo-month-reconcile">
            <h3>{move || t("wo.rec.title")}</h3>
            {move || data.get().map(|(r, staff)| match r {
                Some(r) => view! {
                    <p data-testid="wo-rec-done">
                        <strong>{move || t("wo.rec.done")}</strong>" · "
                        {name_in(&staff, r.by)}" · "{format_time(r.at, utc_offset_untracked())}
                    </p>
                    <table class="wo-table">
                        <tr><td>{move || t("wo.rec.finance")}</td><td>{r.finance.clone()}</td></tr>
                        <tr><td>{move || t("wo.rec.engineering")}</td><td>{r.engineering.clone()}</td></tr>
                        <tr><td>{move || t("wo.rec.environment")}</td><td>{r.environment.clone()}</td></tr>
                        <tr><td>{move || t("wo.rec.difference")}</td><td>{if r.difference.is_empty() { t("wo.rec.no_difference").to_string() } else { r.difference.clone() }}</td></tr>
                    </table>
                }.into_any(),
                None => view! { <p class="notice" data-testid="wo-rec-open">{move || t("wo.rec.open")}</p> }.into_any(),
            })}
            <Show when=may>
                <div class="screen-only">
                    <TextField label=Signal::derive(move || t("wo.rec.finance").to_string()) value=finance testid="wo-rec-finance"/>
                    <TextField label=Signal::derive(move || t("wo.rec.engineering").to_string()) value=engineering testid="wo-rec-engineering"/>
                    <TextField label=Signal::derive(move || t("wo.rec.environment").to_string()) value=environment testid="wo-rec-environment"/>
                    <TextField label=Signal::derive(move || t("wo.rec.difference").to_string()) value=difference testid="wo-rec-difference"/>
                    <button class="btn primary" data-testid="wo-rec-save" on:click=save.clone()>{move || t("wo.rec.save")}</button>
                </div>
            </Show>
        </section>
    }
}
