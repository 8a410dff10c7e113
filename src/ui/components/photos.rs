//! Photos, shared by every area that keeps evidence (patrol findings, violations, repairs,
//! move-in inspections): the full-screen camera (also the patrol label scanner), a gallery
//! upload marked "not evidence", thumbnails. Bytes go to the tablet's photo store under the
//! SHA-256 of their bytes (issue 13), in the same transaction as the event that names them (the
//! App stages them until then); events carry only the `Photo` reference (`domain::photo`).

use super::camera;
use crate::domain::ids::RecordId;
use crate::domain::photo::Photo;
use crate::ui::i18n::{t, t_untracked};
use crate::ui::platform::now_ms;
use crate::ui::state::{app, loader, toast_err};
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// What the camera overlay is for.
pub enum CamMode {
    Scan,
    Photo,
}

thread_local! {
    static SCAN_LOOP: RefCell<Option<gloo::timers::callback::Interval>> = const { RefCell::new(None) };
}

/// The camera over the whole screen: scanning labels, or taking a photo.
#[component]
pub fn CameraOverlay(
    mode: RwSignal<Option<CamMode>>,
    /// Takes a scanned checkpoint; returns why it was not taken (the camera keeps scanning).
    on_scan: Callback<RecordId, Option<&'static str>>,
    on_photo: Callback<Photo>,
) -> impl IntoView {
    let video = NodeRef::<leptos::html::Video>::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let close = move || {
        SCAN_LOOP.with(|l| l.borrow_mut().take());
        camera::stop();
        mode.set(None);
    };
    Effect::new(move |_| {
        let m = mode.get();
        let v = video.get();
        match (m, v) {
            (Some(m), Some(v)) => {
                error.set(None);
                leptos::task::spawn_local(async move {
                    if let Err(e) = camera::start(&v).await {
                        error.set(Some(e));
                        return;
                    }
                    if m == CamMode::Scan {
                        let in_flight = std::rc::Rc::new(std::cell::Cell::new(false));
                        let tick = gloo::timers::callback::Interval::new(300, move || {
                            if mode.get_untracked() != Some(CamMode::Scan) || in_flight.get() {
                                return;
                            }
                            in_flight.set(true);
                            let v = v.clone();
                            let in_flight = in_flight.clone();
                            leptos::task::spawn_local(async move {
                                let found = camera::scan(&v).await;
                                in_flight.set(false);
                                match found {
                                    Some(Ok(cp)) if mode.get_untracked() == Some(CamMode::Scan) => {
                                        match on_scan.run(cp) {
                                            None => {
                                                SCAN_LOOP.with(|l| l.borrow_mut().take());
                                                camera::stop();
                                                mode.set(None);
                                            }
                                            Some(why) => error.set(Some(t_untracked(why).into())),
                                        }
                                    }
                                    Some(Err(_)) => {
                                        error.set(Some(t_untracked("pat.foreign_code").into()))
                                    }
                                    _ => {}
                                }
                            });
                        });
                        SCAN_LOOP.with(|l| *l.borrow_mut() = Some(tick));
                    }
                });
            }
            (None, _) => {
                SCAN_LOOP.with(|l| l.borrow_mut().take());
                camera::stop();
            }
            _ => {}
        }
    });
    let shoot = move |_| {
        let Some(v) = video.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match camera::capture(&v).await {
                Some(blob) => match keep_photo(&blob, true).await {
                    Ok(p) => {
                        on_photo.run(p);
                        close();
                    }
                    Err(e) => toast_err(e),
                },
                None => toast_err(t_untracked("pat.photo_failed")),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || mode.get().is_some()>
            <div class="cam" data-testid="camera">
                <video node_ref=video class="cam-video" autoplay=true playsinline=true muted=true></video>
                <Show when=move || mode.get() == Some(CamMode::Scan)>
                    <div class="cam-frame" aria-hidden="true"></div>
                    <p class="cam-hint">{move || t("pat.scan_hint")}</p>
                </Show>
                {move || error.get().map(|e| view! { <p class="cam-error" data-testid="camera-error">{e}</p> })}
                <div class="cam-bar">
                    <button class="btn big light" data-testid="camera-close" on:click=move |_| close()>{move || t("common.close")}</button>
                    <Show when=move || mode.get() == Some(CamMode::Photo)>
                        <button class="cam-shutter" data-testid="camera-shoot" aria-label=move || t("pat.shoot") disabled=move || busy.get() on:click=shoot></button>
                    </Show>
                </div>
            </div>
        </Show>
    }
}

/// A stored photo as a thumbnail (gallery pictures marked "not evidence").
#[component]
pub fn Thumb(photo: Photo) -> impl IntoView {
    let key = photo.blob.clone();
    let url = loader(move || {
        let key = key.clone();
        async move {
            let blob = match app().staged_photo(&key) {
                Some(row) => bytes_blob(&row.bytes, &row.media_type),
                None => app().store.photo(&key).await.ok().flatten(),
            };
            blob.and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok())
        }
    });
    view! {
        <figure class=if photo.evidence { "thumb" } else { "thumb gallery" } data-testid="thumb" data-evidence=photo.evidence.to_string()>
            {move || url.get().flatten().map(|u| view! { <img src=u alt=""/> })}
            {(!photo.evidence).then(|| view! { <figcaption>{move || t("pat.not_evidence")}</figcaption> })}
        </figure>
    }
}

fn bytes_blob(bytes: &[u8], media_type: &str) -> Option<web_sys::Blob> {
    let arr = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&arr);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(media_type);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).ok()
}

/// Keeps a picture for the record being made and returns its reference (`evidence`: taken
/// with the app's camera). Its key is the SHA-256 of its bytes (`sha256-<hex>`, issue 13); the
/// bytes are stored together with the event that names the photo, in one transaction.
pub async fn keep_photo(blob: &web_sys::Blob, evidence: bool) -> Result<Photo, String> {
    let buf = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| t_untracked("pat.photo_failed").to_string())?;
    let bytes = js_sys::Uint8Array::new(&buf).to_vec();
    let media_type = match blob.type_() {
        t if t.is_empty() => "image/jpeg".to_string(),
        t => t,
    };
    let key = app().stage_photo(crate::store::PhotoRow::new(&media_type, bytes));
    Ok(Photo {
        blob: key,
        evidence,
        taken: now_ms(),
    })
}

/// The photos of a form: thumbnails, "take a photo" (the camera) and "from the gallery".
/// `testid` prefixes the buttons (`{testid}-photo`, `{testid}-gallery`). A screen that already
/// shows a camera overlay (the patrol walk scans with it) passes its `cam`; otherwise the field
/// brings its own.
#[component]
pub fn PhotoField(
    photos: RwSignal<Vec<Photo>>,
    #[prop(into)] testid: String,
    #[prop(optional)] cam: Option<RwSignal<Option<CamMode>>>,
) -> impl IntoView {
    let own = cam.is_none();
    let cam = cam.unwrap_or_else(|| RwSignal::new(None));
    let gallery = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        leptos::task::spawn_local(async move {
            let Some(blob) = camera::shrink_file(&file).await else {
                toast_err(t_untracked("pat.photo_failed"));
                return;
            };
            match keep_photo(&blob, false).await {
                Ok(p) => photos.update(|v| v.push(p)),
                Err(e) => toast_err(e),
            }
        });
    };
    view! {
        <div class="photos">
            {move || photos.get().into_iter().map(|p| view! { <Thumb photo=p/> }).collect_view()}
        </div>
        <div class="photo-btns">
            <button class="btn big" data-testid=format!("{testid}-photo") on:click=move |_| cam.set(Some(CamMode::Photo))>{move || t("pat.take_photo")}</button>
            <label class="btn big file-btn">
                {move || t("pat.gallery")}
                <input type="file" accept="image/*" data-testid=format!("{testid}-gallery") on:change=gallery/>
            </label>
        </div>
        {own.then(|| view! {
            <CameraOverlay mode=cam
                on_scan=Callback::new(|_: RecordId| Some("pat.foreign_code"))
                on_photo=Callback::new(move |p: Photo| photos.update(|v| v.push(p)))/>
        })}
    }
}
