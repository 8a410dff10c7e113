//! The repairs and paid-services settings (REP-3 emergency limit, PAID-7 revenue split), a card
//! on the settings page. The domain (`OrderSettings::validate`) refuses a split that does not add
//! up to 100 %.

use crate::domain::estate;
use crate::domain::i18n::Text;
use crate::domain::roles::Action;
use crate::domain::workorder::orders::OrderSettings;
use crate::ui::components::NumberField;
use crate::ui::i18n::{t, t_untracked};
use crate::ui::state::{app, ctx, submit, toast_err};
use leptos::prelude::*;

#[component]
pub fn OrderSettingsCard() -> impl IntoView {
    let c = ctx();
    let may = move || {
        c.session
            .get()
            .is_some_and(|s| s.may(Action::ChangeSettings))
    };
    let cur = c
        .estate
        .get_untracked()
        .map(|e| e.settings.orders)
        .unwrap_or_default();
    let minutes = RwSignal::new(cur.emergency_minutes.to_string());
    let company = RwSignal::new(cur.split_company.to_string());
    let workers = RwSignal::new(cur.split_workers.to_string());
    let reserve = RwSignal::new(cur.split_reserve.to_string());
    let save = move |_| {
        let num = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().ok();
        let (Some(m), Some(co), Some(wo), Some(re)) =
            (num(minutes), num(company), num(workers), num(reserve))
        else {
            toast_err(t_untracked("wo.settings.bad_number").to_string());
            return;
        };
        let mut s = c.estate.get_untracked().unwrap_or_default().settings;
        s.orders = OrderSettings {
            emergency_minutes: i64::from(m),
            split_company: co,
            split_workers: wo,
            split_reserve: re,
        };
        submit(
            move |a| estate::change_settings(a, s),
            Text::new(
                "报修与有偿服务设置已保存",
                "Repair and paid-service settings saved",
            ),
            move || {
                leptos::task::spawn_local(async move {
                    c.estate.set(app().estate().await.ok().flatten());
                })
            },
        );
    };
    view! {
        <section class="card" data-testid="order-settings">
            <h2>{move || t("wo.settings.title")}</h2>
            <p class="muted">{move || t("wo.settings.hint")}</p>
            <Show when=may fallback=move || view! {
                <p class="muted">{move || format!("{} {} · {} {}/{}/{}",
                    t("wo.settings.emergency"), minutes.get(), t("wo.settings.split"),
                    company.get(), workers.get(), reserve.get())}</p>
            }>
                <NumberField label=Signal::derive(move || t("wo.settings.emergency").to_string()) value=minutes testid="order-emergency-minutes"/>
                <NumberField label=Signal::derive(move || t("wo.settings.company").to_string()) value=company testid="order-split-company"/>
                <NumberField label=Signal::derive(move || t("wo.settings.workers").to_string()) value=workers testid="order-split-workers"/>
                <NumberField label=Signal::derive(move || t("wo.settings.reserve").to_string()) value=reserve testid="order-split-reserve"/>
                <button class="btn primary" data-testid="order-settings-save" on:click=save>{move || t("common.save")}</button>
            </Show>
        </section>
    }
}
