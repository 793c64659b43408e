//! # galmass-app
//!
//! The galmass web app: a Leptos client-side (CSR) app compiled to wasm32 (a library whose
//! [`start`] runs when the module loads) and built by
//! `scripts/web.sh` into `www/dist`. Everything it shows is computed in the browser by galmass-core;
//! nothing is fetched from a server.
//!
//! The first page states the project's mission, the galmass-core version, and a small
//! physics computation: the enclosed mass of a Hernquist sphere and its half-mass radius.

pub mod assets;
pub mod browser;
pub mod classroom;
pub mod cnn_predict;
pub mod format;
pub mod gallery;
pub mod gbdt_predict;
pub mod hernquist;
pub mod image;
pub mod model_card;
pub mod models;
pub mod page;
pub mod plot;
pub mod saliency;
pub mod serve;
pub mod worker;

pub use page::App;

/// The project's mission in one sentence, shown at the top of the page.
pub const MISSION: &str = "galmass estimates how much mass in stars, in dark matter and in \
total sits in the centre of a galaxy from its images and stellar velocity maps, \
reproducing Chu et al. 2024 (MNRAS 528, 6354) with open code that runs on your laptop and \
in your browser.";

/// Starts the app: installs the panic hook (panics go to the browser console) and mounts
/// [`App`] on `<body>`; started without a page (in the page's Web Worker, `www/worker.js`) it
/// serves the page's requests instead ([`serve`]).
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    run_constructors();
    console_error_panic_hook::set_once();
    if web_sys::window().is_none() {
        serve::serve();
        return;
    }
    leptos::mount::mount_to_body(App);
}

/// Runs the module's static constructors (cubecl's `inventory` registrations) once, here at
/// start. wasm-ld wraps every export of a module whose constructors nobody calls in a shim
/// that runs them all again on each call from JavaScript — every event handler, closure and
/// externref — which cost 1–3 ms per call on the page's main thread (measured with the
/// browser's profiler). Referencing `__wasm_call_ctors` makes the start function its caller.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
fn run_constructors() {
    unsafe extern "C" {
        fn __wasm_call_ctors();
    }
    // SAFETY: called once, at module start, before any other Rust code of the module runs
    // (wasm-bindgen calls the start function right after instantiation).
    unsafe { __wasm_call_ctors() }
}

#[cfg(not(target_arch = "wasm32"))]
fn run_constructors() {}
