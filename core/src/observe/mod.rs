//! Observing a measured galaxy in projection (galaxy-model.md Section 4): smoothing lengths
//! ([`smoothing`]), the SPH kernel ([`kernel`]) and the level-scheme light-map renderer
//! ([`sph`]), block-sum rebinning and the g−r map ([`rebin`]), all maps of a projection
//! ([`maps`]: [`observe`], [`observe_all`]; the kinematic maps on
//! [`crate::projection::kinematics`]'s grid) and the CNN normalisations ([`mod@normalise`]).

// `!(x > 0.0)` is used on purpose: it also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub(crate) mod kernel;
pub mod maps;
pub mod normalise;
pub mod rebin;
pub(crate) mod smoothing;
pub mod sph;

#[cfg(test)]
mod tests_mock;

pub use maps::{
    ObserveError, ObserveOptions, ProjectionMaps, observe, observe_all, observe_with_smoothing,
    smoothing_lengths,
};
pub use normalise::{MapKind, MinMax, Norm, normalise};
pub use smoothing::Hsml;
