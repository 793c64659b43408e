//! The serde configuration of the multi-branch ResNet-18 (Chu et al. 2024, Sec. 3.1): which
//! maps feed which branch, at what size, the width multiplier, the number of outputs and the
//! optional side input. A trained model's bundle carries this struct so the same network can
//! be rebuilt (on any device) before its weights are loaded.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The map a branch reads (one ResNet-18 trunk per input).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CnnInput {
    /// r-band surface-brightness map, 1 channel, S × S (S = 300, 150 or 60).
    R,
    /// g-band surface-brightness map, 1 channel, S × S.
    G,
    /// g−r colour map (mag), 1 channel, S × S.
    Gr,
    /// Stellar kinematics, 3 channels on the 48 × 48 grid: line-of-sight mean velocity,
    /// velocity dispersion (both normalised) and the 0/1 mask of populated pixels.
    Vel,
    /// g- and r-band light as one 2-channel branch (g, r), S × S: the first convolution sees
    /// both bands at every pixel, so colour (and with it M/L) is available from the start
    /// (beyond the paper, whose g and r branches meet only after pooling).
    Rg,
}

impl CnnInput {
    /// Every input, in the canonical order used in names and files.
    pub const ALL: [CnnInput; 5] = [
        CnnInput::R,
        CnnInput::G,
        CnnInput::Gr,
        CnnInput::Vel,
        CnnInput::Rg,
    ];

    /// Channels C of the branch's input tensor (N, C, H, W).
    pub fn channels(self) -> usize {
        match self {
            CnnInput::Vel => 3,
            CnnInput::Rg => 2,
            _ => 1,
        }
    }

    /// The command-line / file name of the input (`r`, `g`, `gr`, `vel`, `rg`).
    pub fn name(self) -> &'static str {
        match self {
            CnnInput::R => "r",
            CnnInput::G => "g",
            CnnInput::Gr => "gr",
            CnnInput::Vel => "vel",
            CnnInput::Rg => "rg",
        }
    }

    /// Parses a name as written by [`CnnInput::name`].
    pub fn from_name(name: &str) -> Option<CnnInput> {
        CnnInput::ALL.into_iter().find(|i| i.name() == name)
    }

    /// Whether this is a light map (r, g, g−r) rather than the kinematic maps.
    pub fn is_light_map(self) -> bool {
        !matches!(self, CnnInput::Vel)
    }
}

/// The paper's light-map sizes (pixels per side): 300² and its resolution-test rebinnings
/// 150² and 60². `reproduce --scale quick` runs the same ladder scaled by 1/5 (60², 30², 12²).
pub const LIGHT_MAP_SIZES: [usize; 3] = [300, 150, 60];
/// Light-map sides the network accepts: any from 12 px (after the stem's two stride-2 steps
/// the trunk still sees 3×3) up to the paper's 300 px.
pub const LIGHT_MAP_SIDES: std::ops::RangeInclusive<usize> = 12..=300;
/// Side of the kinematic grid (8 px per R_hsm over ±3 R_hsm).
pub const KIN_MAP_SIZE: usize = 48;

/// One branch: the map it reads and the map's side in pixels (input H = W = `size`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchSpec {
    /// The map.
    pub input: CnnInput,
    /// Pixels per side of the map.
    pub size: usize,
}

/// Mean and standard deviation of a quantity over the training split, to standardise it:
/// z = (x − mean)/std.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standard {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (> 0).
    pub std: f64,
}

impl Standard {
    /// Mean and population standard deviation of `values`; a σ below 10⁻⁶ (or an empty
    /// slice) becomes 1 so the standardisation never divides by zero.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Standard {
        let (mut n, mut s, mut s2) = (0usize, 0.0f64, 0.0f64);
        for v in values {
            n += 1;
            s += v;
            s2 += v * v;
        }
        if n == 0 {
            return Standard {
                mean: 0.0,
                std: 1.0,
            };
        }
        let mean = s / n as f64;
        let var = (s2 / n as f64 - mean * mean).max(0.0);
        let std = if var.sqrt() > 1e-6 { var.sqrt() } else { 1.0 };
        Standard { mean, std }
    }
}

/// Hidden units of the scalar branch that reads the standardised side input.
pub const SCALAR_FEATURES: usize = 16;

/// Configuration of the multi-branch ResNet-18. `Default` is no branch at all (invalid): a
/// base for `..CnnConfig::default()` after the fields that matter.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CnnConfig {
    /// The branches, in the order their inputs are passed to the forward pass and their pooled
    /// features are concatenated.
    pub branches: Vec<BranchSpec>,
    /// Width multiplier w: stage channels are round(64w), round(128w), round(256w),
    /// round(512w), each at least 1. w = 1 is torchvision's ResNet-18.
    pub width: f64,
    /// Number of outputs of the final fully connected layer (1 or 2 log10 targets).
    pub outputs: usize,
    /// Whether the scalar log10(R_hsm / kpc) is concatenated to the pooled features before
    /// the fully connected layer (off in paper-literal runs).
    pub side_input: bool,
    /// With the side input: its training-split mean and σ. Then the network standardises
    /// log10 R_hsm and passes it through a small scalar branch (two linear layers of
    /// [`SCALAR_FEATURES`] units with ReLU) before the fusion, instead of one raw, uncentred
    /// number at the last layer (beyond the paper). `None` (older models): the raw value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side_standard: Option<Standard>,
    /// Per output, the training-split mean and σ of the log10 target: the last layer predicts
    /// z-scores and the network returns mean + σ z, in log10 units (beyond the paper). Empty
    /// (older models): the last layer predicts log10 directly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_standard: Vec<Standard>,
    /// The hybrid model (beyond the paper): the training-split mean and σ of the scalars
    /// computed from the maps ([`super::scalars::MAP_SCALAR_NAMES`]), which join log10 R_hsm
    /// in the scalar branch. Empty: a pure CNN.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub map_scalars: Vec<Standard>,
    /// Hidden units of an MLP head (Linear → ReLU → Linear) in place of the single fully
    /// connected layer; 0 = the paper's single layer.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub head_hidden: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Why a [`CnnConfig`] cannot be built.
#[derive(Debug, Error, PartialEq)]
pub enum CnnConfigError {
    /// No branch at all.
    #[error("a CNN needs at least one input branch")]
    NoBranch,
    /// The same input named twice.
    #[error("input `{0}` is given twice")]
    DuplicateInput(&'static str),
    /// A light map whose size is not 300, 150 or 60, or a kinematic map that is not 48².
    #[error("input `{input}` cannot have size {size} (allowed: {allowed})")]
    BadSize {
        /// The input's name.
        input: &'static str,
        /// The size asked for.
        size: usize,
        /// The allowed sizes, written out.
        allowed: String,
    },
    /// Width multiplier not finite and positive.
    #[error("width multiplier must be finite and > 0, got {0}")]
    BadWidth(f64),
    /// Number of outputs not 1 or 2.
    #[error("the network has 1 or 2 outputs, got {0}")]
    BadOutputs(usize),
    /// A hybrid model without what its map scalars need.
    #[error("the hybrid model needs {0}")]
    Hybrid(&'static str),
}

/// Channels of a stage of base width `base` (64, 128, 256, 512) at width multiplier `width`:
/// round(base · w), at least 1.
pub fn scaled_channels(base: usize, width: f64) -> usize {
    ((base as f64 * width).round() as usize).max(1)
}

impl CnnConfig {
    /// Checks the configuration: at least one branch, no input twice, light maps 12–300 px
    /// ([`LIGHT_MAP_SIDES`]), kinematic maps 48, w finite and positive, 1 or 2 outputs.
    pub fn validate(&self) -> Result<(), CnnConfigError> {
        if self.branches.is_empty() {
            return Err(CnnConfigError::NoBranch);
        }
        for (k, b) in self.branches.iter().enumerate() {
            if self.branches[..k].iter().any(|o| o.input == b.input) {
                return Err(CnnConfigError::DuplicateInput(b.input.name()));
            }
            let ok = if b.input.is_light_map() {
                LIGHT_MAP_SIDES.contains(&b.size)
            } else {
                b.size == KIN_MAP_SIZE
            };
            if !ok {
                let allowed = if b.input.is_light_map() {
                    format!("{}–{}", LIGHT_MAP_SIDES.start(), LIGHT_MAP_SIDES.end())
                } else {
                    KIN_MAP_SIZE.to_string()
                };
                return Err(CnnConfigError::BadSize {
                    input: b.input.name(),
                    size: b.size,
                    allowed,
                });
            }
        }
        if !(self.width.is_finite() && self.width > 0.0) {
            return Err(CnnConfigError::BadWidth(self.width));
        }
        if !(1..=2).contains(&self.outputs) {
            return Err(CnnConfigError::BadOutputs(self.outputs));
        }
        if !self.target_standard.is_empty() && self.target_standard.len() != self.outputs {
            return Err(CnnConfigError::BadOutputs(self.target_standard.len()));
        }
        if self.is_hybrid() {
            let has = |i: CnnInput| self.branches.iter().any(|b| b.input == i);
            if self.map_scalars.len() != super::scalars::MAP_SCALAR_NAMES.len() {
                return Err(CnnConfigError::Hybrid("one mean and σ per map scalar"));
            }
            if !self.has_scalar_branch() {
                return Err(CnnConfigError::Hybrid(
                    "the standardised side input (--side-input, --standardise true)",
                ));
            }
            if !(has(CnnInput::Vel)
                && (has(CnnInput::Rg) || (has(CnnInput::R) && has(CnnInput::G))))
            {
                return Err(CnnConfigError::Hybrid(
                    "g and r light (rg, or r and g) and the kinematic maps (vel)",
                ));
            }
        }
        Ok(())
    }

    /// Whether this is the hybrid model (map scalars beside the CNN features).
    pub fn is_hybrid(&self) -> bool {
        !self.map_scalars.is_empty()
    }

    /// Scalars in the side input: log10 R_hsm, then the map scalars of a hybrid model; 0
    /// without the side input.
    pub fn side_len(&self) -> usize {
        if self.side_input {
            1 + self.map_scalars.len()
        } else {
            0
        }
    }

    /// Whether the side input goes through the scalar branch (see [`Self::side_standard`]).
    pub fn has_scalar_branch(&self) -> bool {
        self.side_input && self.side_standard.is_some()
    }

    /// Channels of the four stages, [64w, 128w, 256w, 512w] rounded (see [`scaled_channels`]).
    pub fn stage_channels(&self) -> [usize; 4] {
        [64, 128, 256, 512].map(|c| scaled_channels(c, self.width))
    }

    /// Length of the feature vector entering the fully connected layer: branches × 512w, plus
    /// 1 with the raw side input or [`SCALAR_FEATURES`] with the scalar branch.
    pub fn feature_len(&self) -> usize {
        let side = if self.has_scalar_branch() {
            SCALAR_FEATURES
        } else {
            usize::from(self.side_input)
        };
        self.branches.len() * self.stage_channels()[3] + side
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(branches: Vec<BranchSpec>) -> CnnConfig {
        CnnConfig {
            branches,
            width: 1.0,
            outputs: 1,
            side_input: false,
            ..Default::default()
        }
    }

    #[test]
    fn channel_rounding_keeps_at_least_one() {
        assert_eq!(scaled_channels(64, 1.0), 64);
        assert_eq!(scaled_channels(64, 0.125), 8);
        assert_eq!(scaled_channels(512, 0.3), 154);
        assert_eq!(scaled_channels(64, 0.001), 1);
    }

    #[test]
    fn validation_names_what_is_wrong() {
        let r = |size| BranchSpec {
            input: CnnInput::R,
            size,
        };
        let vel = |size| BranchSpec {
            input: CnnInput::Vel,
            size,
        };
        assert_eq!(cfg(vec![r(300), vel(48)]).validate(), Ok(()));
        assert_eq!(cfg(vec![]).validate(), Err(CnnConfigError::NoBranch));
        assert_eq!(
            cfg(vec![r(60), r(60)]).validate(),
            Err(CnnConfigError::DuplicateInput("r"))
        );
        assert_eq!(cfg(vec![r(12), vel(48)]).validate(), Ok(()));
        assert!(matches!(
            cfg(vec![r(11)]).validate(),
            Err(CnnConfigError::BadSize { size: 11, .. })
        ));
        assert!(matches!(
            cfg(vec![r(301)]).validate(),
            Err(CnnConfigError::BadSize { size: 301, .. })
        ));
        assert!(matches!(
            cfg(vec![vel(60)]).validate(),
            Err(CnnConfigError::BadSize { size: 60, .. })
        ));
        let mut c = cfg(vec![r(150)]);
        c.outputs = 3;
        assert_eq!(c.validate(), Err(CnnConfigError::BadOutputs(3)));
        c.outputs = 2;
        c.width = 0.0;
        assert_eq!(c.validate(), Err(CnnConfigError::BadWidth(0.0)));
    }

    #[test]
    fn feature_length_counts_branches_and_side_input() {
        let mut c = cfg(vec![
            BranchSpec {
                input: CnnInput::R,
                size: 60,
            },
            BranchSpec {
                input: CnnInput::Vel,
                size: 48,
            },
        ]);
        assert_eq!(c.feature_len(), 1024);
        c.side_input = true;
        c.width = 0.25;
        assert_eq!(c.feature_len(), 257);
        c.side_standard = Some(Standard::of([0.5, 1.0]));
        assert_eq!(c.feature_len(), 256 + SCALAR_FEATURES);
    }

    /// Standardisation: mean and population σ; a constant column gets σ = 1.
    #[test]
    fn standard_of_a_column() {
        let s = Standard::of([1.0, 3.0]);
        assert_eq!((s.mean, s.std), (2.0, 1.0));
        assert_eq!(Standard::of([5.0, 5.0]).std, 1.0);
        assert_eq!(Standard::of(std::iter::empty()).std, 1.0);
    }

    #[test]
    fn input_names_round_trip() {
        for i in CnnInput::ALL {
            assert_eq!(CnnInput::from_name(i.name()), Some(i));
        }
        assert_eq!(CnnInput::from_name("vel").map(CnnInput::channels), Some(3));
        assert_eq!(CnnInput::from_name("rg").map(CnnInput::channels), Some(2));
        assert_eq!(CnnInput::from_name("u"), None);
    }
}
