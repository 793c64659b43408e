//! # galmass-core
//!
//! The pure heart of galmass: particle sets of galaxies, the mock-galaxy generator, the
//! measurements of Chu et al. 2024 (MNRAS 528, 6354) and, in later stages, map rendering,
//! the GBDT and the CNN. Everything here is a pure function over slices: no disk I/O, no
//! clocks, no required threads (rayon only behind the `parallel` feature), so the same code
//! runs natively and in the browser (wasm32).
//!
//! Data flow, in module order: [`units`] → [`galaxy`] (particles) → [`mock`] (generator) →
//! [`measure`] (half-mass radius, targets, features) → [`observe`] (projections, kernel,
//! kinematic grid; [`sample`]: both for one galaxy) → [`telescope`] (seeing, noise, an IFU
//! footprint, Voronoi bins: what a real observation adds, beyond the paper) → [`cnn`] (the
//! multi-branch ResNet-18, Burn). Around the models: [`upload`]
//! (FITS/NPY/PNG maps from bytes, checked and resampled to a model's grid) and [`bundle`] (the
//! exported-model file format).

// The public modules are the API; their internals are `pub(crate)` behind curated
// re-exports. Module docs still link to those internals for readers of the code: they render
// with `cargo doc --document-private-items` (the test command's doc stage).
#![allow(rustdoc::private_intra_doc_links)]

pub mod bundle;
pub mod classroom;
pub mod cnn;
pub mod explain;
pub mod galaxy;
pub mod gallery;
pub mod gbdt;
pub mod measure;
pub mod mock;
pub mod observe;
pub mod projection;
pub mod sample;
pub mod telescope;
pub mod units;
pub mod upload;

/// Version of galmass-core (the crate version), shown by the CLI and the web app.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
