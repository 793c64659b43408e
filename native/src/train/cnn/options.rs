//! What `galmass train cnn` is asked to do: inputs, targets, width, normalisation, epochs,
//! batch, learning-rate schedule, device, resume, output directory.

use std::f64::consts::PI;
use std::path::PathBuf;

use galmass_core::cnn::CnnInput;
use serde::{Deserialize, Serialize};

/// The map normalisation the network sees (galaxy-model.md 4.4, `galmass_core::observe::normalise`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormChoice {
    /// Fixed physical transforms (log surface brightness, colour, V/1000, σ/500), clipped to [0, 1].
    Physical,
    /// Min–max of each map over its own unmasked pixels.
    PerMapMinMax,
    /// Min–max over the training split, per input channel.
    DatasetMinMax,
}

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
}

impl Schedule {
    /// Learning rate of epoch `n` (0-based) of `epochs`, base rate `lr0`.
    pub fn lr(self, lr0: f64, n: usize, epochs: usize) -> f64 {
        match self {
            Schedule::Cosine => {
                let e = epochs.max(1) as f64;
                lr0 * 0.5 * (1.0 + (PI * n as f64 / e).cos())
            }
            Schedule::Paper => (lr0 * (n as f64 / 200.0).cos()).max(0.0),
        }
    }
}

/// Where training runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceChoice {
    /// wgpu (Vulkan) when a real, non-CPU adapter exists, else the flex CPU backend.
    Auto,
    /// wgpu (Vulkan) on a real GPU; an error (exit 2) when there is none.
    Gpu,
    /// Burn's flex CPU backend (multi-threaded, SIMD).
    Cpu,
}

/// Everything `train cnn` needs.
#[derive(Clone, Debug)]
pub struct TrainCnnOptions {
    /// Dataset file (ARCHITECTURE.md schema).
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
        assert_eq!(c.lr(1e-4, 0, 200), 1e-4);
        assert!((c.lr(1e-4, 100, 200) - 0.5e-4).abs() < 1e-15);
        assert!(c.lr(1e-4, 199, 200) < 1e-8);
        let p = Schedule::Paper;
        assert_eq!(p.lr(1e-4, 0, 200), 1e-4);
        assert!((p.lr(1e-4, 200, 200) - 1e-4 * 1f64.cos()).abs() < 1e-15);
        assert_eq!(p.lr(1e-4, 400, 500), 0.0);
    }
}
