//! The customer's signature drawn with a finger on the tablet (CMP-9, CB-2): strokes kept as SVG
//! path data ("M x y L x y …") — numbers only, so it can be stored in an event and shown again
//! as a `<path d>` attribute, never as markup.

use crate::ui::i18n::t;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn SignaturePad(path: RwSignal<String>, #[prop(into)] testid: String) -> impl IntoView {
    let drawing = StoredValue::new(false);
    let clear_id = format!("{testid}-clear");
    let point = |ev: &web_sys::PointerEvent| -> (i32, i32) { (ev.offset_x(), ev.offset_y()) };
    view! {
        <div class="sig-wrap">
            <svg class="sig-pad" data-testid=testid viewBox="0 0 600 200" preserveAspectRatio="none"
                on:pointerdown=move |ev| {
                    ev.prevent_default();
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        let _ = el.set_pointer_capture(ev.pointer_id());
                    }
                    drawing.set_value(true);
                    let (x, y) = point(&ev);
                    let (x, y) = scale(&ev, x, y);
                    path.update(|p| { if !p.is_empty() { p.push(' '); } p.push_str(&format!("M{x} {y}")); });
                }
                on:pointermove=move |ev| {
                    if drawing.get_value() {
                        let (x, y) = point(&ev);
                        let (x, y) = scale(&ev, x, y);
                        path.update(|p| p.push_str(&format!(" L{x} {y}")));
                    }
                }
                on:pointerup=move |_| drawing.set_value(false)
                on:pointercancel=move |_| drawing.set_value(false)
            >
                <line x1="20" y1="160" x2="580" y2="160" class="sig-line"/>
                <path d=move || path.get() class="sig-ink"/>
            </svg>
            <div class="sig-foot">
                <span class="muted">{move || t("cmp.sig.hint")}</span>
                <button class="btn small" data-testid=clear_id on:click=move |_| path.set(String::new())>{move || t("cmp.sig.clear")}</button>
            </div>
        </div>
    }
}

/// Maps a point on the element (CSS pixels) into the 600×200 drawing.
fn scale(ev: &web_sys::PointerEvent, x: i32, y: i32) -> (i32, i32) {
    let Some(el) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return (x, y);
    };
    let (w, h) = (el.client_width().max(1), el.client_height().max(1));
    (x * 600 / w, y * 200 / h)
}

/// A stored signature shown again (forms, detail).
#[component]
pub fn SignatureView(path: String) -> impl IntoView {
    view! {
        <svg class="sig-show" viewBox="0 0 600 200" preserveAspectRatio="none">
            <path d=path class="sig-ink"/>
        </svg>
    }
}
