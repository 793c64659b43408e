//! # galmass (native)
//!
//! The native side of galmass: HDF5 I/O of TNG cutouts (real or mock), the dataset file, the error kinds the
//! command line maps to exit codes, small statistics for its reports, model training (`train`: GBDT and CNN), bundles
//! (`bundle_io`) and figures (`figures`). The command-line
//! interface itself is `src/main.rs`; the physics lives in `galmass-core`.

pub mod atomic;
pub mod bundle_io;
pub mod cluster;
pub mod cnn;
pub mod dataset;
pub mod error;
pub mod evaluate;
pub mod figures;
pub mod report;
pub mod stats;
pub mod stop;
pub mod tng;
pub mod train;

pub use error::{BadInput, exit_status};
