//! # galmass-app
//!
//! The galmass web app: a Leptos client-side (CSR) app compiled to wasm32 and built by
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
pub mod worker;

pub use page::App;

/// The project's mission in one sentence, shown at the top of the page.
pub const MISSION: &str = "galmass estimates how much mass in stars, in dark matter and in \
total sits in the centre of a galaxy from its images and stellar velocity maps, \
reproducing Chu et al. 2024 (MNRAS 528, 6354) with open code that runs on your laptop and \
in your browser.";

/// Starts the app: installs the panic hook (panics go to the browser console) and mounts
/// [`App`] on `<body>`; started without a page (in the page's Web Worker, `www/worker.js`) it
/// serves the page's requests instead ([`worker::serve`]).
pub fn start() {
    console_error_panic_hook::set_once();
    if web_sys::window().is_none() {
        worker::serve::serve();
        return;
    }
    leptos::mount::mount_to_body(App);
}
