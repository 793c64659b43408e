//! `galmass train cnn`: the paper's multi-branch ResNet-18 (`galmass_core::cnn`) trained with
//! Burn autodiff and Adam or AdamW on a dataset file (Chu et al. 2024, Sec. 3.1).
//!
//! - [`options`]: what the run is asked to do (inputs, targets, schedule, device, …);
//! - [`data`]: splits, targets and side input as columns; maps read per sample, rebinned and
//!   normalised;
//! - [`prefetch`]: the reading thread that streams batches ahead of the loop;
//! - [`device`]: wgpu/Vulkan on a real GPU, else the flex CPU backend;
//! - [`checkpoint`]: per-epoch checkpoint and `--resume`;
//! - [`metrics`]: test residuals, METRICS.json, curves.csv, predictions;
//! - [`infer`]: model.json, loading a trained record, predictions for chosen samples;
//! - [`run`]: the loop;
//! - [`mod@bench`]: timing of one training step.

pub mod bench;
pub mod checkpoint;
pub mod data;
pub mod device;
pub mod infer;
pub mod metrics;
pub mod options;
pub mod prefetch;
pub mod run;

pub use metrics::Metrics;
pub use options::{DeviceChoice, NormChoice, OptimizerChoice, Schedule, TrainCnnOptions};
pub use run::train_cnn;
