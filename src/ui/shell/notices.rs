//! Notices about the app itself rather than the estate (issue 12, "one tablet, one writer"):
//! another tab opened a newer version of the database, this tab's upgrade waits for an older
//! one, views being rebuilt after an update, and a new build of the app ready to load. The
//! store and index.html raise them as window events; none reloads the page by itself, so
//! nothing typed is lost.

use crate::store::idb::{EVENT_BLOCKED, EVENT_REBUILD, EVENT_VERSION_CHANGE};
use crate::ui::i18n::t;
use gloo::events::EventListener;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// Raised by index.html when a new build's service worker is installed and waiting.
const EVENT_UPDATE_READY: &str = "estate-desk-update-ready";

#[derive(Clone, Copy)]
pub struct Notices {
    /// Another tab opened a newer schema (or deleted the database): this tab can no longer save.
    pub newer: RwSignal<bool>,
    /// … and it was a deletion (a training reset elsewhere), not a newer version.
    pub deleted: RwSignal<bool>,
    /// This tab's upgrade waits for an older tab to close.
    pub blocked: RwSignal<bool>,
    /// Views being rebuilt: (events done, events stored).
    pub rebuild: RwSignal<Option<(u64, u64)>>,
    /// A new build of the app is installed and waits for the user's tap.
    pub update: RwSignal<bool>,
}

fn update_state() -> Option<JsValue> {
    let w = web_sys::window()?;
    js_sys::Reflect::get(&w, &JsValue::from_str("estateDeskUpdate")).ok()
}

fn number(v: &JsValue, field: &str) -> Option<u64> {
    js_sys::Reflect::get(v, &JsValue::from_str(field))
        .ok()?
        .as_f64()
        .map(|f| f as u64)
}

/// Calls `f(done, total)` on each chunk of a view rebuild (the opening screen's, or the fold
/// at the end of an import onto a blank tablet, issue 13) while the listener lives.
pub fn on_rebuild(w: &web_sys::Window, f: impl Fn(u64, u64) + 'static) -> EventListener {
    EventListener::new(w, EVENT_REBUILD, move |e| {
        let detail = js_sys::Reflect::get(e, &JsValue::from_str("detail")).unwrap_or_default();
        if let (Some(done), Some(total)) = (number(&detail, "done"), number(&detail, "total")) {
            f(done, total);
        }
    })
}

/// Starts listening (before the database is opened, so `blocked` and progress are seen).
pub fn listen() -> Notices {
    let n = Notices {
        newer: RwSignal::new(false),
        deleted: RwSignal::new(false),
        blocked: RwSignal::new(false),
        rebuild: RwSignal::new(None),
        update: RwSignal::new(false),
    };
    let Some(w) = web_sys::window() else {
        return n;
    };
    EventListener::new(&w, EVENT_VERSION_CHANGE, move |e| {
        let detail = js_sys::Reflect::get(e, &JsValue::from_str("detail")).unwrap_or_default();
        let deleted = js_sys::Reflect::get(&detail, &JsValue::from_str("deleted"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(false);
        n.deleted.set(deleted);
        n.newer.set(true);
    })
    .forget();
    EventListener::new(&w, EVENT_BLOCKED, move |_| n.blocked.set(true)).forget();
    on_rebuild(&w, move |done, total| n.rebuild.set(Some((done, total)))).forget();
    EventListener::new(&w, EVENT_UPDATE_READY, move |_| n.update.set(true)).forget();
    // The worker may have been waiting before the app started.
    let ready = update_state()
        .and_then(|u| js_sys::Reflect::get(&u, &JsValue::from_str("ready")).ok())
        .and_then(|r| r.as_bool())
        .unwrap_or(false);
    n.update.set(ready);
    n
}

fn apply_update() {
    let apply = update_state()
        .and_then(|u| js_sys::Reflect::get(&u, &JsValue::from_str("apply")).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(f) = apply {
        let _ = f.call0(&JsValue::UNDEFINED);
    }
}

/// While the database opens: which tab to close, and the rebuild's progress.
#[component]
pub fn OpeningNotices(n: Notices) -> impl IntoView {
    view! {
        <Show when=move || n.blocked.get()>
            <p class="notice warn" data-testid="db-blocked">{move || t("notice.blocked")}</p>
        </Show>
        {move || n.rebuild.get().map(|(done, total)| view! {
            <p class="notice" data-testid="views-rebuild">
                {move || t("notice.rebuild")} " " {done} " / " {total}
            </p>
        })}
    }
}

/// On the open app: a newer version elsewhere, or a new build ready.
#[component]
pub fn AppNotices(n: Notices) -> impl IntoView {
    view! {
        <Show when=move || n.newer.get()>
            <div class="app-notice warn" data-testid="newer-version" role="alert">
                <span>{move || if n.deleted.get() { t("notice.deleted") } else { t("notice.newer") }}</span>
                <span class="spacer"></span>
                <button class="btn small" data-testid="newer-version-reload" on:click=move |_| crate::ui::platform::reload()>
                    {move || t("notice.reload")}
                </button>
            </div>
        </Show>
        <Show when=move || n.update.get() && !n.newer.get()>
            <div class="app-notice" data-testid="update-ready" role="status">
                <span>{move || t("notice.update")}</span>
                <span class="spacer"></span>
                <button class="btn small" data-testid="update-apply" on:click=move |_| apply_update()>
                    {move || t("notice.reload")}
                </button>
            </div>
        </Show>
    }
}
