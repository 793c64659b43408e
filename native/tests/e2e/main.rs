//! End-to-end and integration tests of the `galmass` library and binary, in one test binary:
//! one link of Burn and HDF5 instead of one per file (CI's first test build was dominated by
//! ten such links). `cargo test -p galmass --test e2e <module>::` runs one file's tests.

// Test code: a failed unwrap is a failed test, and long scenario tests read top to bottom.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines
)]

mod common;

mod cli;
mod cluster;
mod cnn_bundle;
mod cnn_learn;
mod cnn_steps;
mod cnn_torchvision;
mod cross_physics;
mod dataset;
mod evaluate_reproduce;
mod mock_roundtrip;
mod physics;
mod scale_re;
mod tng_dust;
mod tng_io;
mod tng_select;
mod train_cnn;
mod train_gbdt;
