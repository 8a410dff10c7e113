//! The items at the duty post (DUTY-6: 对讲机、灭火器、水瓶 …), a card on the settings page.

use crate::domain::estate::{self, Settings};
use crate::domain::i18n::Text;
use crate::domain::roles::Action;
use crate::ui::i18n::t;
use crate::ui::state::{app, ctx, submit};
use leptos::prelude::*;

#[component]
pub fn PostItemsSettings() -> impl IntoView {
    let c = ctx();
    let may = move || {
        c.session
            .get()
            .is_some_and(|s| s.may(Action::ChangeSettings))
    };
    let items = move || {
        c.estate
            .get()
            .map(|e| e.settings.post_items)
            .unwrap_or_default()
    };
    let new_item = RwSignal::new(String::new());
    let save = move |s: Settings| {
        submit(
            move |a| estate::change_settings(a, s),
            Text::new("岗位物品已保存", "Items at the post saved"),
            move || {
                leptos::task::spawn_local(async move {
                    c.estate.set(app().estate().await.ok().flatten());
                })
            },
        );
    };
    let current = move || c.estate.get_untracked().unwrap_or_default().settings;
    let add = move |_| {
        let v = new_item.get_untracked().trim().to_string();
        let mut s = current();
        if v.is_empty() || s.post_items.contains(&v) {
            return;
        }
        s.post_items.push(v);
        new_item.set(String::new());
        save(s);
    };
    view! {
        <section class="card" data-testid="post-items">
            <h2>{move || t("duty.settings.items")}</h2>
            <p class="muted">{move || t("duty.settings.items_hint")}</p>
            <div class="chips wrap">
                {move || items().into_iter().map(|name| {
                    let n2 = name.clone();
                    view! {
                        <span class="chip big">
                            {name}
                            <Show when=may>
                                {
                                    let n3 = n2.clone();
                                    view! { <button class="chip-x" aria-label="remove" on:click=move |_| {
                                        let mut s = current();
                                        s.post_items.retain(|x| *x != n3);
                                        save(s);
                                    }>"×"</button> }
                                }
                            </Show>
                        </span>
                    }
                }).collect_view()}
            </div>
            <Show when=may>
                <div class="add-row">
                    <input data-testid="post-item-new" placeholder=move || t("duty.settings.item_new")
                        prop:value=move || new_item.get() on:input=move |ev| new_item.set(event_target_value(&ev))/>
                    <button class="btn" data-testid="post-item-add" on:click=add>{move || t("common.add")}</button>
                </div>
            </Show>
        </section>
    }
}
