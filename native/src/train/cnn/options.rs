//! What `galmass train cnn` is asked to do: inputs, targets, width, normalisation, epochs,
//! batch, learning-rate schedule, device, resume, output directory.

use std::f64::consts::PI;
use std::path::PathBuf;

use galmass_core::cnn::CnnInput;
use serde::{Deserialize, Serialize};

pub use crate::cnn::data::NormChoice;
pub use crate::cnn::device::DeviceChoice;

/// The learning-rate schedule over epochs n = 0, 1, …, E−1 (E = `epochs`), base rate lr₀.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// Standard cosine annealing (PyTorch `CosineAnnealingLR`, T_max = E, η_min = 0):
    /// lr = lr₀ · ½ (1 + cos(π n / E)).
    Cosine,
    /// The paper's formula taken literally: lr = lr₀ · cos(n / 200) with n in radians — over
    /// 200 epochs it only decays to cos(1) ≈ 0.54 lr₀, and it turns negative after
    /// n > 100π ≈ 314 epochs (clamped to 0 here).
    Paper,
    /// Per optimiser step k of K: a linear warm-up over the first epoch,
    /// lr = lr₀ (k + 1)/W (W = steps of one epoch), then cosine annealing to 0 over the rest,
    /// lr = lr₀ · ½ (1 + cos(π (k − W)/(K − W))). Beyond the paper; the default of new runs.
    WarmupCosine,
}

impl Schedule {
    /// Learning rate of step `k` (0-based) of epoch `n` (0-based) of `epochs`, each of
    /// `steps` optimiser steps, base rate `lr0`. `Cosine` and `Paper` are per epoch (constant
    /// over an epoch's steps).
    pub fn lr(self, lr0: f64, n: usize, epochs: usize, k: usize, steps: usize) -> f64 {
        match self {
            Schedule::Cosine => {
                let e = epochs.max(1) as f64;
                lr0 * 0.5 * (1.0 + (PI * n as f64 / e).cos())
            }
            Schedule::Paper => (lr0 * (n as f64 / 200.0).cos()).max(0.0),
            Schedule::WarmupCosine => {
                let w = steps.max(1);
                let total = (epochs * steps).max(w + 1);
                let step = n * steps + k;
                if step < w && epochs > 1 {
                    lr0 * (step + 1) as f64 / w as f64
                } else {
                    let t = (step.saturating_sub(w)) as f64 / (total - w) as f64;
                    lr0 * 0.5 * (1.0 + (PI * t.min(1.0)).cos())
                }
            }
        }
    }

    /// The `--schedule` value that selects it.
    pub fn arg_name(self) -> &'static str {
        match self {
            Schedule::Cosine => "cosine",
            Schedule::Paper => "paper",
            Schedule::WarmupCosine => "warmup-cosine",
        }
    }
}

/// The optimiser.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OptimizerChoice {
    /// Adam (the paper's), ε = 1e-8 as PyTorch.
    #[default]
    Adam,
    /// AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019), ε = 1e-8.
    Adamw,
}

impl OptimizerChoice {
    /// The `--optimizer` value that selects it.
    pub fn arg_name(self) -> &'static str {
        match self {
            OptimizerChoice::Adam => "adam",
            OptimizerChoice::Adamw => "adamw",
        }
    }
}

/// Everything `train cnn` needs.
#[derive(Clone, Debug)]
pub struct TrainCnnOptions {
    /// Dataset file (schema: docs/contracts/dataset.md).
    pub data: PathBuf,
    /// Branch inputs, in order.
    pub inputs: Vec<CnnInput>,
    /// Target names (columns of `/targets`, log10), 1 or 2.
    pub targets: Vec<String>,
    /// Light-map side the network reads; `None` = the file's. A smaller size that divides the
    /// file's (300 → 150, 60) is made by block-averaging the surface brightness.
    pub image_size: Option<usize>,
    /// Width multiplier w.
    pub width: f64,
    /// Concatenate log10(R_hsm/kpc) to the pooled features.
    pub side_input: bool,
    /// Map normalisation.
    pub norm: NormChoice,
    /// Total number of epochs (with `resume`, the run continues up to this many).
    pub epochs: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// Base learning rate lr₀ of Adam.
    pub lr: f64,
    /// Learning-rate schedule.
    pub schedule: Schedule,
    /// Optimiser.
    pub optimizer: OptimizerChoice,
    /// Decoupled weight decay of AdamW (per unit learning rate; ignored by Adam).
    pub weight_decay: f64,
    /// Standardise the side input (through a small scalar branch) and the targets with the
    /// training split's mean and σ (stored in the network's config).
    pub standardise: bool,
    /// The hybrid model (beyond the paper): scalars computed from the maps (log L_r, g−r,
    /// log v_rms) join log10 R_hsm in the scalar branch, and an MLP head replaces the single
    /// fully connected layer. Needs g and r light, the kinematic maps, the side input and
    /// `standardise`.
    pub hybrid: bool,
    /// Device.
    pub device: DeviceChoice,
    /// Seed of the initial weights and of the per-epoch shuffles.
    pub seed: u64,
    /// Give each training sample one of the 8 rotations/reflections at random, per epoch.
    pub augment: bool,
    /// Continue from `out/checkpoint.json`.
    pub resume: bool,
    /// Output directory.
    pub out: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cosine annealing starts at lr₀, is lr₀/2 half-way and → 0 at the end; the paper's
    /// literal formula is lr₀ cos(n/200): cos(1) lr₀ at n = 200.
    #[test]
    fn schedules() {
        let c = Schedule::Cosine;
        assert_eq!(c.lr(1e-4, 0, 200, 5, 10), 1e-4);
        assert!((c.lr(1e-4, 100, 200, 0, 10) - 0.5e-4).abs() < 1e-15);
        assert!(c.lr(1e-4, 199, 200, 9, 10) < 1e-8);
        let p = Schedule::Paper;
        assert_eq!(p.lr(1e-4, 0, 200, 0, 10), 1e-4);
        assert!((p.lr(1e-4, 200, 200, 0, 10) - 1e-4 * 1f64.cos()).abs() < 1e-15);
        assert_eq!(p.lr(1e-4, 400, 500, 0, 10), 0.0);
    }

    /// Warm-up then cosine, per step: lr₀/W at the first step, lr₀ at the end of the first
    /// epoch, lr₀/2 half-way through the rest, → 0 at the last step; monotone after warm-up.
    #[test]
    fn warmup_cosine_per_step() {
        let s = Schedule::WarmupCosine;
        let (lr0, epochs, steps) = (2e-3, 11, 10);
        assert!((s.lr(lr0, 0, epochs, 0, steps) - lr0 / 10.0).abs() < 1e-15);
        assert!((s.lr(lr0, 0, epochs, 9, steps) - lr0).abs() < 1e-15);
        assert!((s.lr(lr0, 1, epochs, 0, steps) - lr0).abs() < 1e-15);
        assert!((s.lr(lr0, 6, epochs, 0, steps) - lr0 / 2.0).abs() < 1e-12);
        assert!(s.lr(lr0, 10, epochs, 9, steps) < lr0 * 1e-3);
        let mut last = f64::INFINITY;
        for n in 1..epochs {
            for k in 0..steps {
                let lr = s.lr(lr0, n, epochs, k, steps);
                assert!(lr <= last && lr >= 0.0);
                last = lr;
            }
        }
    }
}
