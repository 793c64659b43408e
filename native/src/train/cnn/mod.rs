//! `galmass train cnn`: the paper's multi-branch ResNet-18 (`galmass_core::cnn`) trained with
//! Burn autodiff and Adam or AdamW on a dataset file (Chu et al. 2024, Sec. 3.1). Reading the
//! maps, the device and inference are [`crate::cnn`], shared with evaluate, export and bench.
//!
//! - [`options`]: what the run is asked to do (inputs, targets, schedule, device, …);
//! - [`checkpoint`]: per-epoch checkpoint and `--resume`;
//! - [`metrics`]: test residuals, METRICS.json, curves.csv, predictions;
//! - [`run`]: the loop;
//! - [`mod@bench`]: timing of one training step.

pub mod bench;
pub mod checkpoint;
pub mod metrics;
pub mod options;
pub mod run;

pub use metrics::Metrics;
pub use options::{DeviceChoice, NormChoice, OptimizerChoice, Schedule, TrainCnnOptions};
pub use run::train_cnn;
