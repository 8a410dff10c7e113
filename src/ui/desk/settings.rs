//! The mail renotify days (DESK-1, a setting), a card on the settings page.

use crate::domain::desk::DeskSettings;
use crate::domain::estate;
use crate::domain::i18n::Text;
use crate::domain::roles::Action;
use crate::ui::i18n::t;
use crate::ui::state::{app, ctx, submit};
use leptos::prelude::*;

#[component]
pub fn DeskSettingsCard() -> impl IntoView {
    let c = ctx();
    let may = move || {
        c.session
            .get()
            .is_some_and(|s| s.may(Action::ChangeSettings))
    };
    let days = RwSignal::new(
        c.estate
            .get_untracked()
            .map(|e| e.settings.desk.renotify_days)
            .unwrap_or_else(|| DeskSettings::default().renotify_days)
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    let save = move |_| {
        let mut s = c.estate.get_untracked().unwrap_or_default().settings;
        s.desk.renotify_days = DeskSettings::parse_days(&days.get_untracked());
        submit(
            move |a| estate::change_settings(a, s),
            Text::new("再次通知日已保存", "Renotify days saved"),
            move || {
                leptos::task::spawn_local(async move {
                    c.estate.set(app().estate().await.ok().flatten());
                })
            },
        );
    };
    view! {
        <section class="card" data-testid="desk-settings">
            <h2>{move || t("desk.settings.title")}</h2>
            <p class="muted">{move || t("desk.settings.hint")}</p>
            <div class="add-row">
                <input data-testid="desk-renotify" prop:disabled=move || !may() prop:value=move || days.get()
                    on:input=move |ev| days.set(event_target_value(&ev))/>
                <Show when=may>
                    <button class="btn" data-testid="desk-renotify-save" on:click=save>{move || t("desk.settings.save")}</button>
                </Show>
            </div>
        </section>
    }
}
