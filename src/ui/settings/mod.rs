//! 设置 — estate name, idle lock, holiday calendar (DUTY-2), language, storage, training mode.

use super::components::{NumberField, TextField};
use super::i18n::t;
use super::state::{app, ctx, loader, submit, toast_err, tx_untracked};
use crate::domain::estate::{self, Settings};
use crate::domain::i18n::Text;
use crate::domain::roles::Action;
use crate::store::Store;
use chrono::NaiveDate;
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let c = ctx();
    let is_director = move || {
        c.session
            .get()
            .is_some_and(|s| s.may(Action::ChangeSettings))
    };
    let may_train = move || c.session.get().is_some_and(|s| s.may(Action::RunTraining));
    let current = move || c.estate.get().unwrap_or_default();
    let name = RwSignal::new(current().name);
    let idle = RwSignal::new(current().settings.idle_lock_minutes.to_string());
    let skew = RwSignal::new(current().settings.import_max_skew_hours.to_string());
    let backup = RwSignal::new(current().settings.backup_reminder_days.to_string());
    // PAID-8: the discipline fine, edited in yuan.
    let fine = RwSignal::new((current().settings.discipline_fine_fen / 100).to_string());
    let new_holiday = RwSignal::new(String::new());
    // Issue 12: a clock more than a day ahead (the tablet's time was wrong) is re-based by a
    // supervisor: the tablet carries on under a new device id (docs/FILE-FORMAT.md).
    let ahead = loader(|| async { app().clock_ahead(super::platform::now_ms()) });
    let may_rebase = move || {
        c.session.get().is_some_and(|s| {
            crate::domain::roles::authorize(&s.roles, crate::domain::roles::Action::RebaseClock)
                .is_ok()
        })
    };
    let rebase = move |_| {
        let Some(session) = c.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            use crate::domain::ids::Entropy;
            let new_device = super::platform::BrowserEntropy.id();
            match app()
                .rebase_clock(&session.actor(), new_device, super::platform::now_ms())
                .await
            {
                Ok(_) => {
                    super::state::toast_ok(super::i18n::t_untracked("settings.rebased"));
                    super::state::bump();
                }
                Err(e) => toast_err(e.message().get(c.lang.get_untracked()).to_string()),
            }
        });
    };
    let info = loader(|| async {
        let a = app();
        (
            a.device().to_string(),
            a.store.event_count().await.unwrap_or(0),
        )
    });

    let after_write = move || {
        leptos::task::spawn_local(async move {
            c.estate.set(app().estate().await.ok().flatten());
        })
    };
    let save_settings = move |s: Settings| {
        submit(
            move |a| estate::change_settings(a, s),
            Text::new("设置已保存", "Settings saved"),
            after_write,
        );
    };
    let save_main = move |_| {
        let mut s = current().settings;
        let Ok(m) = idle.get_untracked().trim().parse::<u32>() else {
            return toast_err(tx_untracked(&Text::new(
                "请输入分钟数",
                "Enter a number of minutes",
            )));
        };
        s.idle_lock_minutes = m;
        let (Ok(h), Ok(d), Ok(f)) = (
            skew.get_untracked().trim().parse::<u32>(),
            backup.get_untracked().trim().parse::<u32>(),
            fine.get_untracked().trim().parse::<u64>(),
        ) else {
            return toast_err(tx_untracked(&Text::new(
                "请输入数字",
                "Enter whole numbers",
            )));
        };
        s.import_max_skew_hours = h;
        s.backup_reminder_days = d;
        s.discipline_fine_fen = f * 100;
        let new_name = name.get_untracked();
        let renamed = new_name.trim() != current().name;
        submit(
            move |a| {
                let mut d = estate::change_settings(a, s)?;
                if renamed {
                    d.extend(estate::rename(a, &new_name)?);
                }
                Ok(d)
            },
            Text::new("设置已保存", "Settings saved"),
            after_write,
        );
    };
    let add_holiday = move |_| {
        let Ok(d) = NaiveDate::parse_from_str(new_holiday.get_untracked().trim(), "%Y-%m-%d")
        else {
            return toast_err(tx_untracked(&Text::new("请选择日期", "Choose a date")));
        };
        let mut s = current().settings;
        s.calendar.holidays.insert(d);
        new_holiday.set(String::new());
        save_settings(s);
    };
    let remove_holiday = move |d: NaiveDate| {
        let mut s = current().settings;
        s.calendar.holidays.remove(&d);
        save_settings(s);
    };

    view! {
        <div class="page settings">
            <h1 class="page-title">{move || t("settings.title")}</h1>
            <section class="card">
                <h2>{move || t("settings.general")}</h2>
                <Show when=is_director fallback=move || view! { <p class="notice">{move || t("settings.only_director")}</p> }>
                    <TextField label=Signal::derive(move || t("settings.estate").to_string()) value=name testid="settings-estate"/>
                    <NumberField label=Signal::derive(move || t("settings.idle").to_string()) value=idle testid="settings-idle"/>
                    <NumberField label=Signal::derive(move || t("settings.backup_days").to_string()) value=backup testid="settings-backup-days"/>
                    <NumberField label=Signal::derive(move || t("settings.skew_hours").to_string()) value=skew testid="settings-skew-hours"/>
                    <NumberField label=Signal::derive(move || t("settings.discipline_fine").to_string()) value=fine testid="settings-discipline-fine"/>
                    <button class="btn primary" data-testid="settings-save" on:click=save_main>{move || t("common.save")}</button>
                </Show>
            </section>
            <super::complaints::SettingsCard/>
            <section class="card">
                <h2>{move || t("settings.holidays")}</h2>
                <div class="chips wrap" data-testid="holiday-list">
                    {move || current().settings.calendar.holidays.into_iter().map(|d| view! {
                        <span class="chip big">
                            {d.format("%Y-%m-%d").to_string()}
                            <Show when=is_director>
                                <button class="chip-x" aria-label="remove" on:click=move |_| remove_holiday(d)>"×"</button>
                            </Show>
                        </span>
                    }).collect_view()}
                </div>
                <Show when=is_director>
                    <div class="inline-form">
                        <TextField label=Signal::derive(move || t("settings.holiday_add").to_string()) value=new_holiday testid="holiday-date" kind="date"/>
                        <button class="btn" data-testid="holiday-add" on:click=add_holiday>{move || t("common.add")}</button>
                    </div>
                </Show>
            </section>
            <super::duty::PostItemsSettings/>
            <super::desk::DeskSettingsCard/>
            <super::violations::RetentionSettingsCard/>
            <super::repairs::OrderSettingsCard/>
            <section class="card">
                <h2>{move || t("settings.lang")}</h2>
                <button class="btn" data-testid="settings-lang" on:click=move |_| super::shell::toggle_lang()>{move || t("lang.toggle")}</button>
            </section>
            <section class="card">
                <h2>{move || t("settings.storage")}</h2>
                <p data-testid="settings-storage">
                    {move || match c.persisted.get() {
                        Some(true) => t("storage.persisted"),
                        Some(false) => t("storage.not"),
                        None => t("storage.unknown"),
                    }}
                </p>
                <dl class="facts">
                    <dt>{move || t("settings.device")}</dt><dd>{move || info.get().map(|i| i.0).unwrap_or_default()}</dd>
                    <dt>{move || t("settings.events")}</dt><dd data-testid="event-count">{move || info.get().map(|i| i.1).unwrap_or_default()}</dd>
                </dl>
                {move || ahead.get().flatten().map(|ms| view! {
                    <div class="clock-ahead" data-testid="clock-ahead">
                        <p class="warn">{move || t("settings.clock_ahead")} " " {ms / 3_600_000} " h"</p>
                        <Show when=may_rebase>
                            <button class="btn" data-testid="clock-rebase" on:click=rebase>{move || t("settings.rebase")}</button>
                        </Show>
                    </div>
                })}
            </section>
            <section class="card">
                <h2>{move || t("settings.training")}</h2>
                <p class="muted">{move || t("settings.training_lead")}</p>
                <Show when=move || may_train() && !c.training.get()>
                    <button class="btn" data-testid="training-enter" on:click=move |_| super::shell::enter_training()>{move || t("training.enter")}</button>
                </Show>
            </section>
        </div>
    }
}
