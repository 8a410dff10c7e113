//! The tablet camera (shared: patrol, violations, repairs, move-in): scanning checkpoint labels (the browser's `BarcodeDetector`
//! where it has one, else the `rqrr` decoder compiled in — iPads included) and taking finding
//! photos, shrunk on capture to about 1600 px JPEG. One camera at a time; the stream is kept
//! here so closing the overlay always releases it.

use crate::domain::ids::RecordId;
use crate::domain::patrol::label::checkpoint_in_rgba;
use crate::domain::patrol::parse_label;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlCanvasElement, HtmlVideoElement, MediaStream};

/// The long side of a stored photo (PAT-4 evidence, readable, a few hundred KB).
pub const PHOTO_PX: f64 = 1600.0;
/// Frames are scanned at most this wide (enough for a label at arm's length, fast on rqrr).
const SCAN_PX: f64 = 800.0;

thread_local! {
    static STREAM: RefCell<Option<MediaStream>> = const { RefCell::new(None) };
}

/// Starts the back camera into `video`. Errors are for the user (no camera, permission).
pub async fn start(video: &HtmlVideoElement) -> Result<(), String> {
    stop();
    let md = web_sys::window()
        .ok_or("no window")?
        .navigator()
        .media_devices()
        .map_err(|_| "camera unavailable".to_string())?;
    let c = web_sys::MediaStreamConstraints::new();
    let v = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&v, &"facingMode".into(), &"environment".into());
    let ideal = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&ideal, &"ideal".into(), &JsValue::from(1920));
    let _ = js_sys::Reflect::set(&v, &"width".into(), &ideal);
    c.set_video(&v);
    c.set_audio(&JsValue::FALSE);
    let p = md
        .get_user_media_with_constraints(&c)
        .map_err(|_| "camera unavailable".to_string())?;
    let stream: MediaStream = JsFuture::from(p)
        .await
        .map_err(|_| "camera refused".to_string())?
        .unchecked_into();
    video.set_muted(true);
    let _ = video.set_attribute("playsinline", "");
    video.set_src_object(Some(&stream));
    if let Ok(p) = video.play() {
        let _ = JsFuture::from(p).await;
    }
    STREAM.with(|s| *s.borrow_mut() = Some(stream));
    Ok(())
}

/// Releases the camera.
pub fn stop() {
    STREAM.with(|s| {
        if let Some(stream) = s.borrow_mut().take() {
            for t in stream.get_tracks().iter() {
                if let Ok(t) = t.dyn_into::<web_sys::MediaStreamTrack>() {
                    t.stop();
                }
            }
        }
    });
}

fn canvas() -> Option<HtmlCanvasElement> {
    web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()
}

fn ctx2d(c: &HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    c.get_context("2d").ok()??.dyn_into().ok()
}

/// Looks for a checkpoint label in the current frame. `Err` carries a foreign code's text.
pub async fn scan(video: &HtmlVideoElement) -> Option<Result<RecordId, String>> {
    let (w, h) = (video.video_width() as f64, video.video_height() as f64);
    if w < 1.0 || h < 1.0 {
        return None;
    }
    if let Some(text) = detect_native(video).await {
        return Some(parse_label(&text).map_err(|_| text));
    }
    let k = (SCAN_PX / w).min(1.0);
    let (sw, sh) = ((w * k).round(), (h * k).round());
    let c = canvas()?;
    c.set_width(sw as u32);
    c.set_height(sh as u32);
    let g = ctx2d(&c)?;
    g.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, sw, sh)
        .ok()?;
    let data = g.get_image_data(0.0, 0.0, sw, sh).ok()?.data();
    checkpoint_in_rgba(sw as usize, sh as usize, &data).map(Ok)
}

/// The browser's own detector, where it exists (Chrome on Android, Safari 17+ …).
async fn detect_native(video: &HtmlVideoElement) -> Option<String> {
    let window = web_sys::window()?;
    let ctor = js_sys::Reflect::get(&window, &"BarcodeDetector".into()).ok()?;
    let ctor: js_sys::Function = ctor.dyn_into().ok()?;
    let opts = js_sys::Object::new();
    let formats = js_sys::Array::of1(&"qr_code".into());
    let _ = js_sys::Reflect::set(&opts, &"formats".into(), &formats);
    let det = js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&opts)).ok()?;
    let detect: js_sys::Function = js_sys::Reflect::get(&det, &"detect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let p: js_sys::Promise = detect.call1(&det, video).ok()?.dyn_into().ok()?;
    let found: js_sys::Array = JsFuture::from(p).await.ok()?.dyn_into().ok()?;
    found.iter().find_map(|b| {
        js_sys::Reflect::get(&b, &"rawValue".into())
            .ok()?
            .as_string()
    })
}

/// Draws `w`×`h` of a source, shrunk to at most [`PHOTO_PX`] on the long side, as JPEG.
async fn jpeg(
    draw: impl Fn(&web_sys::CanvasRenderingContext2d, f64, f64),
    w: f64,
    h: f64,
) -> Option<web_sys::Blob> {
    if w < 1.0 || h < 1.0 {
        return None;
    }
    let k = (PHOTO_PX / w.max(h)).min(1.0);
    let (dw, dh) = ((w * k).round(), (h * k).round());
    let c = canvas()?;
    c.set_width(dw as u32);
    c.set_height(dh as u32);
    let g = ctx2d(&c)?;
    draw(&g, dw, dh);
    let (tx, rx) = futures::channel::oneshot::channel::<Option<web_sys::Blob>>();
    let tx = RefCell::new(Some(tx));
    let cb = Closure::once(move |b: JsValue| {
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(b.dyn_into::<web_sys::Blob>().ok());
        }
    });
    c.to_blob_with_type_and_encoder_options(
        cb.as_ref().unchecked_ref(),
        "image/jpeg",
        &JsValue::from(0.82),
    )
    .ok()?;
    let out = rx.await.ok().flatten();
    drop(cb);
    out
}

/// A photo of the current camera frame (evidence).
pub async fn capture(video: &HtmlVideoElement) -> Option<web_sys::Blob> {
    let (w, h) = (video.video_width() as f64, video.video_height() as f64);
    jpeg(
        |g, dw, dh| {
            let _ = g.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, dw, dh);
        },
        w,
        h,
    )
    .await
}

/// A picture chosen from the gallery, shrunk the same way (kept, but not evidence).
pub async fn shrink_file(file: &web_sys::File) -> Option<web_sys::Blob> {
    let url = web_sys::Url::create_object_url_with_blob(file).ok()?;
    let img = web_sys::HtmlImageElement::new().ok()?;
    let (tx, rx) = futures::channel::oneshot::channel::<bool>();
    let tx = RefCell::new(Some(tx));
    let done = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(e.type_() == "load");
        }
    });
    img.set_onload(Some(done.as_ref().unchecked_ref()));
    img.set_onerror(Some(done.as_ref().unchecked_ref()));
    img.set_src(&url);
    let ok = rx.await.unwrap_or(false);
    let _ = web_sys::Url::revoke_object_url(&url);
    drop(done);
    if !ok {
        return None;
    }
    let (w, h) = (img.natural_width() as f64, img.natural_height() as f64);
    jpeg(
        |g, dw, dh| {
            let _ = g.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, dw, dh);
        },
        w,
        h,
    )
    .await
}
