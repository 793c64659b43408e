//! The CNN on a dataset file, for every verb that uses one (train, evaluate, export, bench,
//! reproduce): reading maps as the network sees them, the device it runs on, and a trained
//! network put to use.
//!
//! - [`data`]: splits, targets and side input as columns; maps read per sample, rebinned and
//!   normalised ([`data::NormChoice`]);
//! - [`prefetch`]: the reading thread that streams batches ahead of their use;
//! - [`device`]: wgpu/Vulkan on a real GPU, else the flex CPU backend;
//! - [`infer`]: `model.json`, loading a trained record, predictions for chosen samples.
//!
//! Training itself (options, loop, checkpoints, metrics) is `crate::train::cnn`.

pub mod data;
pub mod device;
pub mod infer;
pub mod prefetch;
