//! Shared components: form fields, the PIN pad, sheets, toasts, badges, and the pieces every
//! SOP area reuses (one mechanism each): unit search, drawn signatures, photos and the camera.

pub mod camera;
pub mod cash_day;
pub mod corrective;
pub mod people;
pub mod photos;
mod pinpad;
pub mod print;
pub mod retention;
pub mod review;
mod signature;
pub mod unit_search;
pub mod window;
pub use photos::{CamMode, CameraOverlay, PhotoField, Thumb};
pub use pinpad::PinPad;
pub use print::print_page;
pub use signature::{SignaturePad, SignatureView};
pub use unit_search::{UnitHit, UnitSearch};
pub use window::{paged_total, stacked, LoadMore, PAGE};

use super::i18n::t;
use super::state::{ctx, ToastKind};
use crate::domain::sla::SlaState;
use leptos::prelude::*;

/// A labelled text input bound to a signal.
#[component]
pub fn TextField(
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(into)] testid: String,
    #[prop(optional, into)] kind: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional, into)] inputmode: Option<String>,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field-label">{move || label.get()}</span>
            <input
                type=kind.unwrap_or_else(|| "text".into())
                inputmode=inputmode
                placeholder=placeholder
                data-testid=testid
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

/// A labelled number input bound to a string signal (parsed by the caller's command).
/// A text area bound to a signal.
#[component]
pub fn Area(
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(into)] testid: String,
    #[prop(optional, into)] placeholder: Option<String>,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field-label">{move || label.get()}</span>
            <textarea rows="3" data-testid=testid placeholder=placeholder
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </label>
    }
}

#[component]
pub fn NumberField(
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! { <TextField label=label value=value testid=testid kind="number" inputmode="numeric"/> }
}

/// A full-height sheet over the page (forms on a tablet).
#[component]
pub fn Sheet(
    #[prop(into)] title: Signal<String>,
    open: RwSignal<bool>,
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            <div class="sheet-backdrop" on:click=move |_| open.set(false)></div>
            <section class="sheet" role="dialog" aria-modal="true">
                <header class="sheet-head">
                    <h2>{move || title.get()}</h2>
                    <button class="btn ghost" data-testid="sheet-close" on:click=move |_| open.set(false)>
                        {move || t("common.close")}
                    </button>
                </header>
                <div class="sheet-body">{children()}</div>
            </section>
        </Show>
    }
}

/// The transient message at the bottom (errors stay until tapped).
#[component]
pub fn Toasts() -> impl IntoView {
    let c = ctx();
    Effect::new(move |_| {
        if let Some(toast) = c.toast.get() {
            if toast.kind == ToastKind::Ok {
                let seq = toast.seq;
                gloo::timers::callback::Timeout::new(3_000, move || {
                    if c.toast.get_untracked().is_some_and(|t| t.seq == seq) {
                        c.toast.set(None);
                    }
                })
                .forget();
            }
        }
    });
    view! {
        {move || c.toast.get().map(|toast| {
            let cls = match toast.kind { ToastKind::Ok => "toast ok", ToastKind::Error => "toast error" };
            view! {
                <div class=cls role="status" aria-live="polite" data-testid="toast" on:click=move |_| c.toast.set(None)>
                    {toast.text}
                </div>
            }
        })}
    }
}

/// A coloured chip for an SLA state.
#[component]
pub fn SlaBadge(state: SlaState) -> impl IntoView {
    let cls = match state {
        SlaState::Due => "badge due",
        SlaState::Warning => "badge warn",
        SlaState::Overdue => "badge overdue",
        SlaState::MetInTime => "badge ok",
        SlaState::MetLate => "badge late",
    };
    view! { <span class=cls>{move || super::state::tx(&state.label())}</span> }
}

/// Shown where a list is empty.
#[component]
pub fn Empty(#[prop(into)] text: Signal<String>) -> impl IntoView {
    view! { <p class="empty">{move || text.get()}</p> }
}

/// The attributed history of one record: every event, who, when, on which tablet. Nothing in
/// it can be edited (the audit trail the SOPs demand).
#[component]
pub fn History(subject: crate::domain::event::RecordRef) -> impl IntoView {
    use super::state::{app, loader, tx};
    use crate::domain::staff::Staff;
    let rows = loader(move || async move {
        let a = app();
        let events = a.history(subject).await.unwrap_or_default();
        let mut out = Vec::new();
        for e in events.into_iter().rev() {
            let who = match e.actor {
                Some(id) => a
                    .get::<Staff>(id)
                    .await
                    .ok()
                    .flatten()
                    .map(|s| s.profile.name)
                    .unwrap_or_else(|| id.short()),
                None => "—".into(),
            };
            out.push((e.at.wall, who, e.at.device.short(), e.body.label()));
        }
        out
    });
    let offset = move || crate::ui::state::utc_offset();
    view! {
        <section class="history" data-testid="history">
            <h3>{move || t("common.history")}</h3>
            <ol>
                {move || rows.get().unwrap_or_default().into_iter().map(|(at, who, dev, what)| view! {
                    <li>
                        <span class="when">{super::platform::format_time(at, offset())}</span>
                        <span class="what">{move || tx(&what)}</span>
                        <span class="muted">{who}" · "{dev}</span>
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
