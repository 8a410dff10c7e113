//! Windowed lists (issue 19): a list renders its first screenful at once and the next page when
//! the person scrolls to its end, so no screen builds more rows than fit on about two screens
//! however many records five years hold. One mechanism for every list:
//!
//! ```ignore
//! let shown = RwSignal::new(PAGE);
//! let rows = Memo::new(move |_| /* the list's rows, already read from the store */);
//! view! {
//!     {move || rows.get().into_iter().take(shown.get()).map(|r| view! { … }).collect_view()}
//!     <LoadMore shown=shown total=Signal::derive(move || rows.get().len())/>
//! }
//! ```
//!
//! `LoadMore` is a sentinel below the rows watched by an `IntersectionObserver`: when it comes
//! within five rows of the viewport, `shown` grows by a page. Each page re-creates the
//! sentinel, so a list that still does not fill the screen keeps loading until it does.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Rows of one page: a tablet screen (1280 px high, rows of 64 px) holds about 18.
pub const PAGE: usize = 20;

/// The window of a list stacked below another on one screen: it builds no row until its end
/// scrolls near, so a screen of several lists builds about one page at once, not one per list.
pub fn stacked() -> RwSignal<usize> {
    RwSignal::new(0)
}

/// `LoadMore`'s total for a list read a page at a time ([`crate::ui::state::page_rows`]): while
/// more rows are asked for than have arrived, the rows there are — the next page is asked for
/// once this one has arrived, not again while it loads.
pub fn paged_total(shown: RwSignal<usize>, loaded: usize, total: usize) -> Signal<usize> {
    Signal::derive(move || if shown.get() > loaded { loaded } else { total })
}

/// The sentinel that shows the next page of a windowed list (see the module).
#[component]
pub fn LoadMore(
    shown: RwSignal<usize>,
    #[prop(into)] total: Signal<usize>,
    #[prop(optional)] step: Option<usize>,
) -> impl IntoView {
    let step = step.unwrap_or(PAGE);
    let node = NodeRef::<leptos::html::Div>::new();
    let grow = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let hit = entries.iter().any(|e| {
            e.dyn_into::<web_sys::IntersectionObserverEntry>()
                .is_ok_and(|e| e.is_intersecting())
        });
        if hit {
            shown.update(|n| *n += step);
        }
    });
    let opts = web_sys::IntersectionObserverInit::new();
    // Five rows ahead: the next page is built before the person reaches the end, and the
    // first screen never builds more than its own page.
    opts.set_root_margin("0px 0px 320px 0px");
    let observer =
        web_sys::IntersectionObserver::new_with_options(grow.as_ref().unchecked_ref(), &opts).ok();
    let watch = observer.clone();
    Effect::new(move |_| {
        let _ = shown.get();
        if let (Some(o), Some(el)) = (&watch, node.get()) {
            o.disconnect();
            o.observe(&el);
        }
    });
    // Browser objects are not Send; the UI is single-threaded.
    let held = send_wrapper::SendWrapper::new((observer, grow));
    on_cleanup(move || {
        let (observer, grow) = held.take();
        if let Some(o) = &observer {
            o.disconnect();
        }
        drop(grow);
    });
    view! {
        {move || {
            let n = shown.get();
            let total = total.get();
            (n < total).then(|| view! {
                <div node_ref=node class="load-more" data-testid="load-more" data-shown=n aria-hidden="true"></div>
            })
        }}
    }
}
