//! Training models on a dataset file.
//!
//! - [`cnn`]: the multi-branch ResNet-18 (Burn autodiff on wgpu or the flex CPU backend);
//! - [`table`]: the GBDT's tabular view of a dataset (feature sets, the paper's quality cut,
//!   train = splits 0 + 1, test = split 2);
//! - [`gbdt`]: training, the METRICS.json contract, model files and figures of
//!   `galmass train gbdt`.

pub mod cnn;
pub mod gbdt;
pub mod table;

pub use gbdt::{GbdtMetrics, GbdtRun, train_table};
pub use table::{FeatureSet, Table, load};
