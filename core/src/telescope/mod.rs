//! From ideal maps to what a telescope records (beyond the paper: Chu et al. 2024 train and
//! test on idealised maps, and say such models cannot be applied to observed galaxies without
//! the observational effects; docs/observing.md gives the formulas):
//!
//! - [`scale`]: the observable scale — the projected half-light radius R_e of a map, angular
//!   sizes ↔ kpc through the angular-diameter distance of galmass's cosmology (TNG's Planck
//!   2015 parameters, [`crate::units`]);
//! - [`psf`]: seeing — Gaussian and Moffat point-spread functions and the convolution of the
//!   light maps and, weighted by the light, of the kinematic maps;
//! - [`noise`]: sky plus Poisson pixel noise scaled to a stated S/N at R_e;
//! - [`footprint`]: an IFU hexagon (MaNGA-like, covering k R_e), rotated by a position angle;
//! - [`voronoi`]: Voronoi binning to a target S/N (Cappellari & Copin 2003);
//! - [`conditions`]: all of them applied to one projection's maps in the order light travels
//!   (seeing, footprint, detector noise, then binning and the kinematic errors);
//! - [`stated`]: what an observer states (seeing and R_e in arcsec, S/N, redshift) as
//!   conditions, for `predict` and the web app.
//!
//! Pure functions over slices with the random stream passed in: the same seed gives the same
//! observed maps on native and wasm32.

// `!(x > 0.0)` is used on purpose: it also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod conditions;
pub mod footprint;
pub mod noise;
pub mod psf;
pub mod scale;
pub mod stated;
pub mod voronoi;

pub use conditions::{
    ConditionRanges, Conditions, ObservedReport, apply_conditions, outside_training,
};
pub use footprint::Hexagon;
pub use noise::Noise;
pub use psf::{Kernel, Psf};
pub use scale::{
    MapScale, angular_diameter_distance_mpc, galaxy_half_light_radius, half_light_radius,
    kpc_per_arcsec,
};
pub use stated::Stated;
pub use voronoi::{VoronoiBins, voronoi_bins};

use thiserror::Error;

/// Why observing conditions cannot be applied: each names the value.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TelescopeError {
    /// A condition is NaN, infinite or outside its meaningful range.
    #[error("{what} = {value}: {why}")]
    Invalid {
        /// Which quantity (`psf_fwhm_kpc`, `snr_re`, …).
        what: &'static str,
        /// Its value.
        value: f64,
        /// The rule it breaks.
        why: &'static str,
    },
    /// A map's length is not side².
    #[error("{what}: {len} values, expected {expected}")]
    Shape {
        /// Which map.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The expected length.
        expected: usize,
    },
}

/// The mean of a radial profile `f(r)` over each pixel of a side × side map centred on its
/// middle (r in pixels from the centre), from 7 × 7 samples per pixel.
pub(crate) fn pixel_means(side: usize, f: impl Fn(f64) -> f64) -> Vec<f64> {
    const SUB: usize = 7;
    let c = side as f64 / 2.0;
    let mut out = vec![0.0; side * side];
    for i in 0..side {
        for j in 0..side {
            let mut s = 0.0;
            for a in 0..SUB {
                for b in 0..SUB {
                    let y = i as f64 + (a as f64 + 0.5) / SUB as f64 - c;
                    let x = j as f64 + (b as f64 + 0.5) / SUB as f64 - c;
                    s += f(x.hypot(y));
                }
            }
            out[i * side + j] = s / (SUB * SUB) as f64;
        }
    }
    out
}

/// `Ok(value)` when `value` is finite and > 0, else [`TelescopeError::Invalid`] naming it.
pub(crate) fn positive(what: &'static str, value: f64) -> Result<f64, TelescopeError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(TelescopeError::Invalid {
            what,
            value,
            why: "must be a finite number > 0",
        })
    }
}
