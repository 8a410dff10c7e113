//! A large numeric keypad for PINs: usable with one hand, no on-screen keyboard popping up,
//! and the digits never shown.

use crate::ui::i18n::t;
use leptos::prelude::*;

#[component]
pub fn PinPad(
    /// Called with the entered PIN when OK is pressed.
    #[prop(into)]
    on_submit: Callback<String>,
    #[prop(optional)] busy: Option<RwSignal<bool>>,
) -> impl IntoView {
    let pin = RwSignal::new(String::new());
    let busy = busy.unwrap_or_else(|| RwSignal::new(false));
    let press = move |d: char| {
        pin.update(|p| {
            if p.len() < 8 {
                p.push(d)
            }
        })
    };
    let submit = move || {
        let p = pin.get_untracked();
        if !p.is_empty() && !busy.get_untracked() {
            pin.set(String::new());
            on_submit.run(p);
        }
    };
    let keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    view! {
        <div class="pinpad" data-testid="pinpad">
            <div class="pin-dots" aria-label="PIN">
                {move || {
                    let n = pin.get().len();
                    (0..n.max(4)).map(|i| view! { <span class=if i < n { "dot on" } else { "dot" }></span> }).collect_view()
                }}
            </div>
            <input
                class="pin-hidden"
                type="password"
                inputmode="numeric"
                autocomplete="off"
                data-testid="pin-input"
                prop:value=move || pin.get()
                on:input=move |ev| pin.set(event_target_value(&ev).chars().filter(|c| c.is_ascii_digit()).take(8).collect())
                on:keydown=move |ev| if ev.key() == "Enter" { submit() }
            />
            <div class="pin-keys">
                {keys.into_iter().map(|d| view! {
                    <button class="key" data-testid=format!("key-{d}") on:click=move |_| press(d)>{d.to_string()}</button>
                }).collect_view()}
                <button class="key muted" data-testid="key-clear" on:click=move |_| pin.set(String::new())>{move || t("signin.clear")}</button>
                <button class="key" data-testid="key-0" on:click=move |_| press('0')>"0"</button>
                <button class="key primary" data-testid="pin-ok" disabled=move || busy.get() on:click=move |_| submit()>{move || t("signin.ok")}</button>
            </div>
        </div>
    }
}
