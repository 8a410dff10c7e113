//! 资料保存期限 — QUAL-4 "the rest per setting": the years other records are kept, a card on
//! the settings page (Director only, like the other cards).

use crate::domain::estate;
use crate::domain::i18n::Text;
use crate::domain::retention::DEFAULT_OTHER_YEARS;
use crate::domain::roles::Action;
use crate::ui::i18n::t;
use crate::ui::state::{app, ctx, submit, toast_err, tx_untracked};
use leptos::prelude::*;

#[component]
pub fn RetentionSettingsCard() -> impl IntoView {
    let c = ctx();
    let may = move || {
        c.session
            .get()
            .is_some_and(|s| s.may(Action::ChangeSettings))
    };
    let years = RwSignal::new(
        c.estate
            .get_untracked()
            .map(|e| e.settings.retention_other_years)
            .unwrap_or(DEFAULT_OTHER_YEARS)
            .to_string(),
    );
    let save = move |_| {
        let Ok(y) = years.get_untracked().trim().parse::<u32>() else {
            return toast_err(tx_untracked(&Text::new(
                "请输入年数",
                "Enter a number of years",
            )));
        };
        let mut s = c.estate.get_untracked().unwrap_or_default().settings;
        s.retention_other_years = y;
        submit(
            move |a| estate::change_settings(a, s),
            Text::new("资料保存期限已保存", "Retention saved"),
            move || {
                leptos::task::spawn_local(async move {
                    c.estate.set(app().estate().await.ok().flatten());
                })
            },
        );
    };
    view! {
        <section class="card" data-testid="retention-settings">
            <h2>{move || t("vio.ret.settings.title")}</h2>
            <p class="muted">{move || t("vio.ret.settings.hint")}</p>
            <div class="add-row">
                <input data-testid="retention-other-years" type="number" min="1" max="30"
                    prop:disabled=move || !may() prop:value=move || years.get()
                    on:input=move |ev| years.set(event_target_value(&ev))/>
                <Show when=may>
                    <button class="btn" data-testid="retention-other-save" on:click=save>{move || t("common.save")}</button>
                </Show>
            </div>
        </section>
    }
}
