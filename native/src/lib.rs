//! # galmass (native)
//!
//! The native side of galmass: HDF5 I/O of TNG cutouts (real or mock) and the command-line
//! interface (`src/main.rs`). The physics lives in `galmass-core`.

pub mod tng;
