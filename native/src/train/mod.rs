//! Training of the paper's models on a dataset file.
//!
//! - [`cnn`]: the multi-branch ResNet-18 (Burn autodiff on wgpu or the flex CPU backend).

pub mod cnn;
