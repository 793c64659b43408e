//! # galmass (native)
//!
//! The native side of galmass: HDF5 I/O of TNG cutouts (real or mock), the dataset file, CNN training, the error kinds the
//! command line maps to exit codes, and small statistics for its reports. The command-line
//! interface itself is `src/main.rs`; the physics lives in `galmass-core`.

pub mod dataset;
pub mod error;
pub mod stats;
pub mod tng;
pub mod train;

pub use error::{BadInput, exit_status};
