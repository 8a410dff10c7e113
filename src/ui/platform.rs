//! The browser's capabilities the app needs: time, randomness, local preferences, storage
//! persistence. Kept in one place so the rest of the UI stays plain Leptos.

use crate::domain::ids::Entropy;
use crate::domain::staff::Uptime;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A `performance.mark` (issue 19: the benchmark reads `ed-start`, `ed-store-open` and
/// `ed-first-query` to split the start-up into compile, store open and first query, and
/// `ed-db-open`, `ed-device`, `ed-app-open` to split the store open).
pub fn mark(name: &str) {
    let Some(p) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    if let Ok(f) =
        js_sys::Reflect::get(&p, &"mark".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = f.call1(&p, &name.into());
    }
}

/// A few numbers on `window[name]` for the benchmark to read (issue 19: what a screen's
/// background work did), e.g. the CMP-3 sweep's rows, candidates, drafts and write.
pub fn figures(name: &str, values: &[f64]) {
    if let Some(w) = web_sys::window() {
        let a: js_sys::Array = values.iter().map(|v| JsValue::from_f64(*v)).collect();
        let _ = js_sys::Reflect::set(&w, &name.into(), &a);
    }
}

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The running app's monotonic clock for the sign-in lockout (issue 12): `performance.now()`,
/// which moving the tablet's date does not move, tagged with a random id of this page load
/// (readings of two page loads cannot be compared).
pub fn uptime() -> Uptime {
    thread_local!(static PAGE: u64 = {
        let mut b = [0u8; 8];
        BrowserEntropy.fill(&mut b);
        u64::from_le_bytes(b)
    });
    let ms = web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0);
    Uptime::new(PAGE.with(|p| *p), ms as i64)
}

/// Randomness from `crypto.getRandomValues` (ids, salts).
pub struct BrowserEntropy;

impl Entropy for BrowserEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        let crypto = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .expect("window.crypto");
        for chunk in buf.chunks_mut(65_536) {
            crypto
                .get_random_values_with_u8_array(chunk)
                .expect("getRandomValues");
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A small per-browser preference (language, training mode). Not estate data.
pub fn pref(key: &str) -> Option<String> {
    local_storage()?
        .get_item(&format!("estate-desk.{key}"))
        .ok()
        .flatten()
}

pub fn set_pref(key: &str, value: Option<&str>) {
    if let Some(s) = local_storage() {
        let k = format!("estate-desk.{key}");
        let _ = match value {
            Some(v) => s.set_item(&k, v),
            None => s.remove_item(&k),
        };
    }
}

pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Asks the browser to keep our data (not evict it under storage pressure).
/// Returns whether persistence is granted; `None` where the browser has no Storage API.
pub async fn request_persistence() -> Option<bool> {
    let storage = web_sys::window()?.navigator().storage();
    let persisted = JsFuture::from(storage.persisted().ok()?).await.ok()?;
    if persisted.as_bool() == Some(true) {
        return Some(true);
    }
    let granted = JsFuture::from(storage.persist().ok()?).await.ok()?;
    granted.as_bool()
}

/// The first chosen file's name and bytes (the sync import; finance's arrears list, PAT-7). web-sys `File`/`FileList` are not enabled: the
/// `files` list and its first entry are read as plain JS properties; a `File` is a `Blob`.
pub async fn read_chosen(input: &web_sys::HtmlInputElement) -> Option<(String, Vec<u8>)> {
    let files = js_sys::Reflect::get(input, &JsValue::from_str("files")).ok()?;
    let first = js_sys::Reflect::get(&files, &JsValue::from_f64(0.0)).ok()?;
    if first.is_undefined() || first.is_null() {
        return None;
    }
    let name = js_sys::Reflect::get(&first, &JsValue::from_str("name"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let blob: web_sys::Blob = first.dyn_into().ok()?;
    let buf = JsFuture::from(blob.array_buffer()).await.ok()?;
    Some((name, js_sys::Uint8Array::new(&buf).to_vec()))
}

/// Offers text as a file download (CSV exports, backups).
pub fn download(filename: &str, mime: &str, bytes: &[u8]) {
    let arr = js_sys::Uint8Array::from(bytes);
    download_parts(filename, mime, &js_sys::Array::of1(&arr));
}

/// Saves a file made of `parts` (`Uint8Array`s): the browser joins them into one `Blob` outside
/// wasm memory (issue 13: a streamed export never holds the whole file in wasm).
pub fn download_parts(filename: &str, mime: &str, parts: &js_sys::Array) {
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let doc = web_sys::window().and_then(|w| w.document());
    if let Some(a) = doc
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(filename);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

pub fn format_time(ms: i64, offset_minutes: i32) -> String {
    use chrono::{FixedOffset, TimeZone};
    let tz = FixedOffset::east_opt(offset_minutes * 60)
        .unwrap_or(FixedOffset::east_opt(8 * 3600).unwrap());
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// "2026-11-25T14:30" (a datetime-local input) → UTC ms in the estate's offset.
pub fn parse_local(s: &str) -> Option<i64> {
    let dt = chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M").ok()?;
    Some(dt.and_utc().timestamp_millis() - super::state::utc_offset_untracked() as i64 * 60_000)
}
