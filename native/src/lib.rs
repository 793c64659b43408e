//! # galmass (native)
//!
//! The native side of galmass: HDF5 I/O of TNG cutouts (real or mock), the dataset file, the error kinds the
//! command line maps to exit codes, and small statistics for its reports. The command-line
//! interface itself is `src/main.rs`; the physics lives in `galmass-core`.

pub mod dataset;
pub mod error;
pub mod stats;
pub mod tng;

pub use error::{BadInput, exit_status};
