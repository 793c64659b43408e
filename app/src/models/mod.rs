//! The models the page runs, loaded once at the root and shared by every card: the CNN
//! ensemble and its backend ([`cnn`]), the GBDT ([`gbdt`]). Cards depend on this module and
//! on [`crate::browser`], never on each other.

pub mod bundled;
pub mod cnn;
pub mod gbdt;

pub use cnn::{SharedCnn, provide_cnn, shared_cnn};
pub use gbdt::{Gbdt, SharedGbdt, predict_features, provide_gbdt, shared_gbdt};

/// One shown prediction: target, log10 value, quoted σ (dex).
pub type Shown = (String, f64, f64);
