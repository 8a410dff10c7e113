//! The office worker's message loop (run by `src/bin/office.rs` inside a dedicated web worker).

use super::spec::{self, Workbook};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{prelude::*, JsCast};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn answer(kind: &str, payload: JsValue) -> JsValue {
    Array::of2(&JsValue::from_str(kind), &payload).into()
}

fn handle(data: JsValue) -> JsValue {
    let msg = Array::from(&data);
    let kind = msg.get(0).as_string().unwrap_or_default();
    let payload = msg.get(1);
    let result = match kind.as_str() {
        spec::WRITE => payload
            .as_string()
            .ok_or_else(|| "no workbook".to_string())
            .and_then(|json| serde_json::from_str::<Workbook>(&json).map_err(|e| e.to_string()))
            .and_then(|book| super::write(&book))
            .map(|bytes| answer(spec::OK, Uint8Array::from(bytes.as_slice()).into())),
        spec::READ => {
            let bytes = Uint8Array::new(&payload).to_vec();
            super::read_first_sheet(&bytes).and_then(|rows| {
                serde_json::to_string(&rows)
                    .map(|json| answer(spec::ROWS, JsValue::from_str(&json)))
                    .map_err(|e| e.to_string())
            })
        }
        other => Err(format!("unknown request {other}")),
    };
    result.unwrap_or_else(|e| answer(spec::ERR, JsValue::from_str(&e)))
}

/// Listens for requests and answers each in turn; says [`spec::READY`] first.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
        let _ = reply.post_message(&handle(ev.data()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&answer(spec::READY, JsValue::NULL));
}
