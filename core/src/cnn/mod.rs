//! The CNN of Chu et al. 2024 (Sec. 3.1): a multi-branch ResNet-18 in Burn, defined once for
//! every device (Burn 0.22 modules carry no backend type; the device is chosen at run time).
//!
//! * [`config`]: the serde [`CnnConfig`] (branches, map sizes, width w, outputs, side input);
//! * [`resnet`]: torchvision's BasicBlock and the ResNet-18 trunk of one branch;
//! * [`batch_norm`]: PyTorch-faithful 2-D batch normalisation;
//! * [`scalars`]: the hybrid model's scalars computed from the maps (luminosity, colour, v_rms);
//! * [`multi_branch`]: the branches, the concatenation (with the side input, raw or through a
//!   small scalar branch) and the fully connected layer (predicting log10 targets directly or
//!   their training-split z-scores).
//!
//! Shapes are (N, C, H, W) throughout; light maps and kinematic maps enter already normalised
//! to [0, 1] (see [`mod@crate::observe::normalise`]); outputs are log10 of the targets.
//! Weights are drawn on the host from a seeded ChaCha8 stream (torchvision's initialisation),
//! so a seed fixes the initial network whatever the device.

pub mod batch_norm;
pub(crate) mod config;
mod init;
pub(crate) mod multi_branch;
pub(crate) mod resnet;
pub mod scalars;

pub use config::{
    BranchSpec, CnnConfig, CnnConfigError, CnnInput, KIN_MAP_SIZE, LIGHT_MAP_SIDES,
    LIGHT_MAP_SIZES, SCALAR_FEATURES, Standard,
};
pub use multi_branch::{CnnInputError, MultiBranchResNet};
pub use resnet::{BasicBlock, ResNetTrunk};
