//! Inside the page's Web Worker: answers the page's requests one by one (the messages are in
//! [`crate::worker`]). Its CNN ensemble is the bundled one until the page sends the user's
//! bundles. A layer above `models` (which sends requests through `worker::client`).

use std::cell::RefCell;

use galmass_core::classroom::build;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::models::cnn::{LoadedCnn, ensemble_from_bytes, forward_flex, load_cnn};
use crate::worker::{
    BUILD, BatchShape, BuildRequest, ERROR, FORWARD, LOAD, READY, get, message, unpack,
};

thread_local! {
    /// The ensemble the worker runs (loaded on first use).
    static CNN: RefCell<Option<LoadedCnn>> = const { RefCell::new(None) };
}

/// Starts serving: installs the message handler and tells the page the worker is ready.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let reply = handle(&ev.data());
        let _ = reply_to.post_message(&reply);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&message(READY, 0, ""));
}

/// One request → its reply (an `error` reply names what failed).
fn handle(data: &wasm_bindgen::JsValue) -> js_sys::Object {
    let kind = get(data, "kind").as_string().unwrap_or_default();
    let ticket = get(data, "ticket").as_f64().unwrap_or(0.0) as u32;
    let json = get(data, "json").as_string().unwrap_or_default();
    let res = match kind.as_str() {
        BUILD => run_build(&json).map(|j| message("built", ticket, &j)),
        LOAD => run_load(&json, &get(data, "files")).map(|()| message("loaded", ticket, "")),
        FORWARD => run_forward(&json, &get(data, "data")).map(|j| message("out", ticket, &j)),
        other => Err(format!("the worker does not know the request {other:?}")),
    };
    res.unwrap_or_else(|e| message(ERROR, ticket, &e))
}

fn run_build(json: &str) -> Result<String, String> {
    let req: BuildRequest = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let galaxy = build(&req.controls, req.side).map_err(|e| e.to_string())?;
    serde_json::to_string(&galaxy).map_err(|e| e.to_string())
}

fn run_load(json: &str, files: &wasm_bindgen::JsValue) -> Result<(), String> {
    let names: Vec<String> = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let loaded = if names.is_empty() {
        load_cnn()
    } else {
        let bytes: Vec<Vec<u8>> = js_sys::Array::from(files)
            .iter()
            .map(|b| js_sys::Uint8Array::new(&b).to_vec())
            .collect();
        let named: Vec<(String, &[u8])> = names
            .into_iter()
            .zip(bytes.iter().map(Vec::as_slice))
            .collect();
        ensemble_from_bytes(&named)
    };
    let ok = loaded.as_ref().map(|_| ()).map_err(Clone::clone);
    CNN.with(|c| *c.borrow_mut() = Some(loaded));
    ok
}

fn run_forward(json: &str, data: &wasm_bindgen::JsValue) -> Result<String, String> {
    let shape: BatchShape = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let values = js_sys::Float32Array::new(data).to_vec();
    let batch = unpack(&shape, &values)?;
    let e = CNN.with(|c| c.borrow_mut().get_or_insert_with(load_cnn).clone())?;
    let out = forward_flex(&e, &batch)?;
    serde_json::to_string(&out).map_err(|e| e.to_string())
}
