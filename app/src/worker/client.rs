//! The page's side of the worker: starts it once (the address of `www/worker.js` is in the
//! page's `<meta name="galmass-worker">`, hashed by scripts/web.sh), sends requests and awaits
//! their replies. If the worker cannot start or fails, [`Client::get`] gives `None` from then on
//! and the callers do the work on the page.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use super::{ERROR, READY, get, message, set};

/// A reply: its `json`.
pub struct Reply {
    /// The reply's JSON text.
    pub json: String,
}

type Pending = Rc<RefCell<HashMap<u32, (js_sys::Function, js_sys::Function)>>>;

/// The running worker.
pub struct Client {
    worker: Worker,
    pending: Pending,
    next: RefCell<u32>,
    /// Requests made before the worker said it was ready, in order; `None` once it has (then
    /// requests are posted when made). Either way the worker handles them in the order the
    /// page made them: a load before the run that needs it.
    queue: Queue,
}

type Queue = Rc<RefCell<Option<Vec<js_sys::Object>>>>;

thread_local! {
    /// `None` before the first use; `Some(None)` once the worker could not start or failed.
    static CLIENT: RefCell<Option<Option<Rc<Client>>>> = const { RefCell::new(None) };
}

impl Client {
    /// The page's worker, started on first use; `None` when the browser cannot run it.
    pub fn get() -> Option<Rc<Client>> {
        CLIENT.with(|c| {
            c.borrow_mut()
                .get_or_insert_with(|| Client::start().map(Rc::new))
                .clone()
        })
    }

    /// Stops using the worker (after it failed): callers fall back to the page.
    fn give_up() {
        CLIENT.with(|c| *c.borrow_mut() = Some(None));
    }

    fn start() -> Option<Client> {
        let url = web_sys::window()?
            .document()?
            .query_selector("meta[name=galmass-worker]")
            .ok()??
            .get_attribute("content")?;
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&url, &opts).ok()?;
        let pending: Pending = Rc::default();
        let queue: Queue = Rc::new(RefCell::new(Some(Vec::new())));
        let p = pending.clone();
        let (q, w) = (queue.clone(), worker.clone());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let data = ev.data();
            let kind = get(&data, "kind").as_string().unwrap_or_default();
            if kind == READY {
                for m in q.borrow_mut().take().unwrap_or_default() {
                    let _ = w.post_message(&m);
                }
                return;
            }
            let ticket = get(&data, "ticket").as_f64().unwrap_or(0.0) as u32;
            if let Some((ok, fail)) = p.borrow_mut().remove(&ticket) {
                let json = get(&data, "json");
                let _ = if kind == ERROR {
                    fail.call1(&JsValue::NULL, &json)
                } else {
                    ok.call1(&JsValue::NULL, &json)
                };
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let p = pending.clone();
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            // A worker that cannot load its script or crashed: every waiting request fails
            // and the page does the work itself from now on.
            for (_, (_, fail)) in p.borrow_mut().drain() {
                let _ = fail.call1(&JsValue::NULL, &"the worker failed".into());
            }
            Client::give_up();
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        Some(Client {
            worker,
            pending,
            next: RefCell::new(1),
            queue,
        })
    }

    /// Sends a request (`kind`, `json`, and `data` / `files` when given) and gives the future
    /// of its reply; an error reply or a failed worker gives `Err`. The request is posted (or
    /// queued until the worker is ready) here, before the future is first polled, so requests
    /// reach the worker in the order they were made.
    pub fn request(
        &self,
        kind: &str,
        json: &str,
        data: Option<&JsValue>,
        files: Option<&JsValue>,
    ) -> impl std::future::Future<Output = Result<Reply, String>> + 'static {
        let ticket = {
            let mut n = self.next.borrow_mut();
            *n += 1;
            *n
        };
        let m = message(kind, ticket, json);
        if let Some(d) = data {
            set(&m, "data", d);
        }
        if let Some(f) = files {
            set(&m, "files", f);
        }
        let pending = self.pending.clone();
        let reply = js_sys::Promise::new(&mut |resolve, reject| {
            pending.borrow_mut().insert(ticket, (resolve, reject));
        });
        let posted = match self.queue.borrow_mut().as_mut() {
            Some(waiting) => {
                waiting.push(m);
                Ok(())
            }
            None => self
                .worker
                .post_message(&m)
                .map_err(|e| format!("the worker cannot take the request: {e:?}")),
        };
        if posted.is_err() {
            self.pending.borrow_mut().remove(&ticket);
        }
        async move {
            posted?;
            match JsFuture::from(reply).await {
                Ok(json) => Ok(Reply {
                    json: json.as_string().unwrap_or_default(),
                }),
                Err(e) => Err(e.as_string().unwrap_or_else(|| format!("{e:?}"))),
            }
        }
    }
}
