//! The paper's multi-branch ResNet-18 (Chu et al. 2024, Sec. 3.1, Fig. 3): one ResNet-18
//! trunk per input map, the pooled features of all branches concatenated (optionally with the
//! scalar log10(R_hsm/kpc): raw as in earlier models, or standardised through a small scalar
//! branch), one fully connected layer to the log10 target(s) or to their z-scores, which the
//! network turns back into log10 units.

use burn::module::{Module, Param};
use burn::nn::{Linear, LinearConfig, Relu};
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use super::config::{CnnConfig, CnnConfigError, SCALAR_FEATURES};
use super::init::linear_default;
use super::resnet::ResNetTrunk;

/// Why a forward pass cannot run on the given inputs.
#[derive(Debug, Error, PartialEq)]
pub enum CnnInputError {
    /// Not one map tensor per branch.
    #[error("expected {expected} input maps (one per branch), got {got}")]
    BranchCount {
        /// Branches of the network.
        expected: usize,
        /// Maps given.
        got: usize,
    },
    /// A map tensor whose (C, H, W) is not the branch's.
    #[error("branch {branch} (`{input}`) expects (N, {channels}, {size}, {size}), got {got:?}")]
    Shape {
        /// Branch index.
        branch: usize,
        /// The branch's input name.
        input: &'static str,
        /// Expected channels.
        channels: usize,
        /// Expected side.
        size: usize,
        /// The dimensions given.
        got: [usize; 4],
    },
    /// Side input given to a network without one, or missing from a network with one.
    #[error(
        "side input: the network {0} an (N, k) tensor of log10(R_hsm/kpc) [and the map scalars]"
    )]
    SideInput(&'static str),
    /// Batch sizes of the inputs differ.
    #[error("inputs have different batch sizes")]
    BatchMismatch,
}

/// The scalar branch: the standardised side scalars (log10 R_hsm, and the map scalars of a
/// hybrid model) → Linear(k, 16) → ReLU → Linear(16, 16) → ReLU.
#[derive(Module, Debug)]
pub struct ScalarBranch {
    /// First layer.
    pub l1: Linear,
    /// Second layer.
    pub l2: Linear,
    /// The ReLU.
    pub act: Relu,
}

impl ScalarBranch {
    fn new(rng: &mut ChaCha8Rng, inputs: usize, device: &Device) -> Self {
        ScalarBranch {
            l1: linear(rng, inputs, SCALAR_FEATURES, device),
            l2: linear(rng, SCALAR_FEATURES, SCALAR_FEATURES, device),
            act: Relu::new(),
        }
    }

    /// (N, k) standardised scalars → (N, 16) features.
    pub fn forward(&self, z: Tensor<2>) -> Tensor<2> {
        self.act
            .forward(self.l2.forward(self.act.forward(self.l1.forward(z))))
    }
}

/// A linear layer with PyTorch's default initialisation drawn from `rng`.
fn linear(rng: &mut ChaCha8Rng, i: usize, o: usize, device: &Device) -> Linear {
    let mut l = LinearConfig::new(i, o)
        .with_initializer(burn::nn::Initializer::Zeros)
        .init(device);
    let (w, b) = linear_default(rng, i, o, device);
    l.weight = w;
    l.bias = Some(b);
    l
}

/// The multi-branch ResNet-18.
#[derive(Module, Debug)]
pub struct MultiBranchResNet {
    /// One trunk per branch, in the order of [`CnnConfig::branches`].
    pub branches: Vec<ResNetTrunk>,
    /// The scalar branch of the standardised side input ([`CnnConfig::side_standard`]).
    pub scalar: Option<ScalarBranch>,
    /// The hidden layer of an MLP head ([`CnnConfig::head_hidden`]), before `fc`.
    pub hidden: Option<Linear>,
    /// Fully connected layer: (N, branches·512w [+1 raw side input, or +16 from the scalar
    /// branch]) → (N, outputs), or (N, head_hidden) → (N, outputs) after the hidden layer.
    pub fc: Linear,
    /// Channels and sizes expected per branch, (C, S) (checked by [`Self::try_forward`]).
    #[module(skip)]
    pub expected: Vec<[usize; 2]>,
    /// Input names per branch, for error messages.
    #[module(skip)]
    pub names: Vec<&'static str>,
    /// Whether the fc layer takes the side input.
    #[module(skip)]
    pub side_input: bool,
    /// Per side scalar, (mean, σ) when the side input is standardised (else empty).
    #[module(skip)]
    pub side_standard: Vec<[f32; 2]>,
    /// Per output, (mean, σ) of the log10 target when the fc layer predicts z-scores.
    #[module(skip)]
    pub target_standard: Vec<[f32; 2]>,
}

impl MultiBranchResNet {
    /// Builds the network described by `config` on `device` with torchvision's initialisation
    /// drawn from a ChaCha8 stream seeded by `seed` (same seed → same weights on every device).
    pub fn new(config: &CnnConfig, seed: u64, device: &Device) -> Result<Self, CnnConfigError> {
        config.validate()?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let branches: Vec<ResNetTrunk> = config
            .branches
            .iter()
            .map(|b| ResNetTrunk::new(&mut rng, b.input.channels(), config.width, device))
            .collect();
        let features = config.feature_len();
        let fc_in = if config.head_hidden > 0 {
            config.head_hidden
        } else {
            features
        };
        let fc = linear(&mut rng, fc_in, config.outputs, device);
        // Drawn after the fc layer, so older configurations keep their initial weights.
        let scalar = config
            .has_scalar_branch()
            .then(|| ScalarBranch::new(&mut rng, config.side_len(), device));
        let hidden = (config.head_hidden > 0)
            .then(|| linear(&mut rng, features, config.head_hidden, device));
        Ok(MultiBranchResNet {
            branches,
            scalar,
            hidden,
            fc,
            expected: config
                .branches
                .iter()
                .map(|b| [b.input.channels(), b.size])
                .collect(),
            names: config.branches.iter().map(|b| b.input.name()).collect(),
            side_input: config.side_input,
            side_standard: match config.side_standard {
                Some(r) if config.side_input => std::iter::once(r)
                    .chain(config.map_scalars.iter().copied())
                    .map(|s| [s.mean as f32, s.std as f32])
                    .collect(),
                _ => Vec::new(),
            },
            target_standard: config
                .target_standard
                .iter()
                .map(|s| [s.mean as f32, s.std as f32])
                .collect(),
        })
    }

    /// Sets the output layer's bias to `values` (one per output, log10 units). Training
    /// starts the outputs at the training-split mean of each target this way: a fresh
    /// network's outputs are ≈ 0, far from log10 M* ≈ 10, and the first epochs would
    /// otherwise be spent learning the mean. `None` when the count is not the outputs'.
    pub fn with_output_bias(mut self, values: &[f32], device: &Device) -> Option<Self> {
        let n = self.fc.weight.val().dims()[1];
        if values.len() != n {
            return None;
        }
        self.fc.bias = Some(Param::from_data(
            TensorData::new(values.to_vec(), [n]),
            device,
        ));
        Some(self)
    }

    /// Predictions (N, outputs) in the units of the targets (log10) from one map tensor per
    /// branch, each (N, C, S, S) with the branch's C and S, and with the side input
    /// log10(R_hsm/kpc) as (N, 1) when the network has one — (N, 1 + 3) for a hybrid model,
    /// log10 R_hsm then the map scalars ([`super::scalars`]).
    pub fn try_forward(
        &self,
        maps: Vec<Tensor<4>>,
        side: Option<Tensor<2>>,
    ) -> Result<Tensor<2>, CnnInputError> {
        let z = self.try_forward_standard(maps, side)?;
        Ok(self.unstandardise(z))
    }

    /// The fully connected layer's output (N, outputs): z-scores of the targets when the
    /// network standardises them ([`CnnConfig::target_standard`]), else log10 values. Training
    /// takes its loss here, so every target weighs the same whatever its spread.
    pub fn try_forward_standard(
        &self,
        maps: Vec<Tensor<4>>,
        side: Option<Tensor<2>>,
    ) -> Result<Tensor<2>, CnnInputError> {
        if maps.len() != self.branches.len() {
            return Err(CnnInputError::BranchCount {
                expected: self.branches.len(),
                got: maps.len(),
            });
        }
        let n = maps.first().map(|m| m.dims()[0]).unwrap_or(0);
        for (k, (m, &[c, s])) in maps.iter().zip(&self.expected).enumerate() {
            let got = m.dims();
            if got[1] != c || got[2] != s || got[3] != s {
                return Err(CnnInputError::Shape {
                    branch: k,
                    input: self.names.get(k).copied().unwrap_or("?"),
                    channels: c,
                    size: s,
                    got,
                });
            }
            if got[0] != n {
                return Err(CnnInputError::BatchMismatch);
            }
        }
        let mut features: Vec<Tensor<2>> = self
            .branches
            .iter()
            .zip(maps)
            .map(|(trunk, m)| trunk.forward(m))
            .collect();
        match (self.side_input, side) {
            (true, Some(s)) => {
                let k = self.side_standard.len().max(1);
                if s.dims() != [n, k] {
                    return Err(CnnInputError::BatchMismatch);
                }
                let s = if self.side_standard.is_empty() {
                    s
                } else {
                    let device = s.device();
                    let row = |j: usize| -> Tensor<2> {
                        let v: Vec<f32> = self.side_standard.iter().map(|p| p[j]).collect();
                        Tensor::from_data(TensorData::new(v, [1, k]), &device)
                    };
                    (s - row(0)) / row(1)
                };
                features.push(match &self.scalar {
                    Some(branch) => branch.forward(s),
                    None => s,
                });
            }
            (true, None) => return Err(CnnInputError::SideInput("needs")),
            (false, Some(_)) => return Err(CnnInputError::SideInput("does not take")),
            (false, None) => {}
        }
        let x = Tensor::cat(features, 1);
        Ok(match &self.hidden {
            Some(h) => self
                .fc
                .forward(burn::tensor::activation::relu(h.forward(x))),
            None => self.fc.forward(x),
        })
    }

    /// z-scores (N, outputs) → log10 values, mean + σ z per output; the identity for a network
    /// without standardised targets.
    pub fn unstandardise(&self, z: Tensor<2>) -> Tensor<2> {
        self.map_targets(z, |z, mean, std| z * std + mean)
    }

    /// log10 values (N, outputs) → z-scores, (x − mean)/σ per output; the identity for a
    /// network without standardised targets.
    pub fn standardise_targets(&self, y: Tensor<2>) -> Tensor<2> {
        self.map_targets(y, |y, mean, std| (y - mean) / std)
    }

    fn map_targets(
        &self,
        x: Tensor<2>,
        f: impl Fn(Tensor<2>, Tensor<2>, Tensor<2>) -> Tensor<2>,
    ) -> Tensor<2> {
        if self.target_standard.is_empty() {
            return x;
        }
        let t = self.target_standard.len();
        let device = x.device();
        let row = |k: usize| -> Tensor<2> {
            let v: Vec<f32> = self.target_standard.iter().map(|s| s[k]).collect();
            Tensor::from_data(TensorData::new(v, [1, t]), &device)
        };
        f(x, row(0), row(1))
    }
}
