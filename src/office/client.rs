//! The app's side of the office worker: started on first use (`office_loader.js`, made by
//! trunk's loader shim beside `office.js` and `office_bg.wasm`, all precached by `sw.js`),
//! then kept for the session. Requests are answered in the order they were posted.

use super::spec::{self, Workbook};
use futures::channel::oneshot;
use js_sys::{Array, Uint8Array};
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::{prelude::*, JsCast};
use web_sys::{MessageEvent, Worker};

/// The worker's loader, relative to the page (the app may live in a sub-folder of a host).
const LOADER: &str = "office_loader.js";

struct Office {
    worker: Worker,
    ready: bool,
    /// Posted before the worker said it listens.
    outbox: Vec<JsValue>,
    /// Waiting for an answer, oldest first.
    pending: VecDeque<oneshot::Sender<Result<JsValue, String>>>,
}

thread_local! {
    static OFFICE: RefCell<Option<Office>> = const { RefCell::new(None) };
}

fn fail_all(why: &str) {
    let waiting = OFFICE.with(|o| {
        // A failed worker is dropped; the next request starts a new one.
        o.borrow_mut()
            .take()
            .map(|o| {
                o.worker.terminate();
                o.pending
            })
            .unwrap_or_default()
    });
    for tx in waiting {
        let _ = tx.send(Err(why.to_string()));
    }
}

fn start() -> Result<Office, String> {
    let worker = Worker::new(LOADER).map_err(|e| format!("{e:?}"))?;
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |ev: MessageEvent| {
        let msg = Array::from(&ev.data());
        let kind = msg.get(0).as_string().unwrap_or_default();
        if kind == spec::READY {
            OFFICE.with(|o| {
                if let Some(o) = o.borrow_mut().as_mut() {
                    o.ready = true;
                    for m in o.outbox.drain(..) {
                        let _ = o.worker.post_message(&m);
                    }
                }
            });
            return;
        }
        let tx = OFFICE.with(|o| o.borrow_mut().as_mut().and_then(|o| o.pending.pop_front()));
        if let Some(tx) = tx {
            let _ = tx.send(match kind.as_str() {
                spec::ERR => Err(msg.get(1).as_string().unwrap_or_default()),
                _ => Ok(msg.get(1)),
            });
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
        fail_all("the office worker could not start (office_loader.js)");
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(Office {
        worker,
        ready: false,
        outbox: Vec::new(),
        pending: VecDeque::new(),
    })
}

async fn ask(kind: &str, payload: JsValue) -> Result<JsValue, String> {
    let (tx, rx) = oneshot::channel();
    let msg: JsValue = Array::of2(&JsValue::from_str(kind), &payload).into();
    OFFICE.with(|o| -> Result<(), String> {
        let mut o = o.borrow_mut();
        if o.is_none() {
            *o = Some(start()?);
        }
        let office = o.as_mut().expect("started");
        office.pending.push_back(tx);
        if office.ready {
            let _ = office.worker.post_message(&msg);
        } else {
            office.outbox.push(msg);
        }
        Ok(())
    })?;
    rx.await
        .map_err(|_| "the office worker stopped".to_string())?
}

/// QUAL-3: the workbook's XLSX bytes, written by the worker.
pub async fn xlsx(book: &Workbook) -> Result<Vec<u8>, String> {
    let json = serde_json::to_string(book).map_err(|e| e.to_string())?;
    let v = ask(spec::WRITE, JsValue::from_str(&json)).await?;
    Ok(Uint8Array::new(&v).to_vec())
}

/// PAT-7: an uploaded .xlsx file's first sheet as rows of text, read by the worker.
pub async fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let v = ask(spec::READ, Uint8Array::from(bytes).into()).await?;
    let json = v.as_string().unwrap_or_default();
    serde_json::from_str(&json).map_err(|e| e.to_string())
}
