//! Measurements of galaxy-model.md Section 3 on a [`crate::galaxy::Galaxy`]: centre and
//! systemic velocity, the 3D half-stellar-mass radius R_hsm, every target (3.2) and every
//! GBDT feature (3.3), per projection. Identical code for mocks and TNG cutouts.
//!
//! Field names are those of the dataset schema (docs/contracts/dataset.md, a contract).
//!
//! Entry point: [`measure`] (all three projections of a centred galaxy at rest). Building
//! blocks, usable on their own:
//! * [`frame`]: R_hsm, shrinking-sphere centre, systemic velocity (3.1);
//! * [`profile`]: spherical M(<r), v_c(r), Φ(r) of all matter (stars, DM, gas, black holes,
//!   analytic gas);
//! * [`circularity`]: λ_z or j_circ(E) circularities and B/T, f_cold, f_hot;
//! * [`shape`]: c/a from the iterated inertia tensor;
//! * [`sersic`]: Sérsic fit of the projected light;
//! * [`dust`]: slab attenuation per projection (2.8);
//! * [`kinematic`]: σ_v, λ_R and the kinematic grid of a projection as `measure` uses it.

// `!(x > 0.0)` is used on purpose: it also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub(crate) mod circularity;
pub mod dust;
pub(crate) mod frame;
pub(crate) mod kinematic;
mod measure_galaxy;
mod options;
pub(crate) mod profile;
mod rows;
pub(crate) mod sersic;
pub(crate) mod shape;

pub use frame::{half_mass_radius, remove_systemic_velocity, shrinking_sphere_centre};
pub use measure_galaxy::measure;
pub use options::{Circularity, KinWeight, MeasureOptions, PhotAperture};
pub use rows::{FEATURE_NAMES, TARGET_NAMES, features_row, named_features, targets_row};

use crate::galaxy::Axis;
use serde::{Deserialize, Serialize};

/// Why a galaxy could not be measured. Every message names the quantity concerned.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MeasureError {
    /// The galaxy has no star particles.
    #[error("galaxy has no star particles")]
    NoStars,
    /// Per-particle arrays of one type have different lengths.
    #[error("{quantity}: array length {len} differs from the {expected} positions")]
    LengthMismatch {
        /// Which array.
        quantity: &'static str,
        /// Its length.
        len: usize,
        /// Number of positions of that particle type.
        expected: usize,
    },
    /// An input or derived value is NaN or infinite.
    #[error("{quantity} is not finite ({value})")]
    NonFinite {
        /// Which quantity.
        quantity: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A mass, luminosity or radius that must be positive (e.g. to take its log10) is not.
    #[error("{quantity} is not positive ({value}); its log10 is undefined")]
    NotPositive {
        /// Which quantity.
        quantity: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A measurement is undefined for this galaxy (too few particles etc.).
    #[error("{quantity} is undefined: {reason}")]
    Undefined {
        /// Which quantity.
        quantity: &'static str,
        /// Why.
        reason: String,
    },
}

/// Targets and features of one line of sight.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectionMeasurement {
    /// The line of sight (x, y or z).
    pub axis: Axis,
    /// Targets (3.2).
    pub targets: Targets,
    /// GBDT features (3.3).
    pub features: Features,
}

/// Extra per-projection by-products of the measurement (not features).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectionDiagnostics {
    /// Light-weighted mean line-of-sight velocity v̄ of the σ_v aperture (R < 2R_hsm), km/s;
    /// the kinematic maps subtract it.
    pub v_mean_los: f64,
    /// Sérsic effective radius R_e in kpc.
    pub sersic_re_kpc: f64,
    /// True when the Sérsic index sits at a bound.
    pub sersic_n_at_bound: bool,
    /// λ_R without the shot-noise correction (diagnostic; always ≥ the corrected value).
    pub lambda_r_uncorrected: f64,
    /// Number of kinematic pixels that entered λ_R.
    pub lambda_r_pixels: usize,
}

/// All measurements of one galaxy: its radius and the three projections (x, y, z).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// 3D half-stellar-mass radius R_hsm in kpc.
    pub rhsm_kpc: f64,
    /// Targets and features per projection, in the order x, y, z.
    pub projections: Vec<ProjectionMeasurement>,
    /// Diagnostics per projection, same order.
    pub diagnostics: Vec<ProjectionDiagnostics>,
    /// Circular speed v_c(R_hsm) = √(G M_tot(<R_hsm)/R_hsm) in km/s.
    pub v_circ_rhsm: f64,
    /// True when the c/a iteration converged (else the last iterate is reported).
    pub shape_converged: bool,
}

/// Targets of one projection (3.2). All masses and ratios are log10 (masses in M☉,
/// M*/L in M☉/L☉,r).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    /// log10 M*(<R_hsm), 3D sphere.
    pub mstar: f64,
    /// log10 M_tot(<R_hsm) = stars + DM + gas + black holes, 3D sphere.
    pub mtot: f64,
    /// log10 M_DM(<R_hsm), 3D sphere.
    pub mdm: f64,
    /// log10 f* = M*/M_tot inside R_hsm.
    pub fstar: f64,
    /// log10 f_DM = M_DM/M_tot inside R_hsm (the truth, not 1 − f*).
    pub fdm: f64,
    /// log10 M*/L_r = M*^2D(<R_hsm)/L_r,att(<R_hsm), projected, dust-attenuated.
    pub ml_r: f64,
    /// log10 M*^2D(<R_hsm), projected cylinder.
    pub mstar_2d: f64,
    /// log10 M*(<2R_hsm), 3D sphere.
    pub mstar_2r: f64,
    /// log10 M_tot(<2R_hsm), 3D sphere.
    pub mtot_2r: f64,
    /// log10 M*^2D(<2R_hsm), projected cylinder.
    pub mstar_2d_2r: f64,
}

/// GBDT features of one projection (3.3, the paper's Table 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// Absolute r-band AB magnitude of all stars, dust-attenuated.
    pub mr: f64,
    /// g − r colour (AB) of all stars, dust-attenuated.
    pub g_r: f64,
    /// Star-formation rate in M☉/yr: initial mass of stars younger than 1 Gyr inside projected
    /// 2R_hsm, divided by 1e9 yr (linear; zero allowed — take log10(sfr + 1e-3) for a log).
    pub sfr: f64,
    /// Sérsic index of the attenuated r-band light.
    pub n_ser: f64,
    /// Minor-to-major axis ratio c/a of the stellar mass inside 3R_hsm (3D).
    pub c_over_a: f64,
    /// r-luminosity-weighted line-of-sight velocity dispersion inside projected 2R_hsm, km/s.
    pub sigma_v: f64,
    /// Spin parameter λ_R (Emsellem+2007) inside projected 2R_hsm, bias-corrected.
    pub lambda_r: f64,
    /// Kinematic bulge-to-total ratio, 2 × mass fraction with circularity < 0 (3D, 2R_hsm).
    pub bt: f64,
    /// Mass fraction with circularity > 0.8 (3D, 2R_hsm).
    pub f_cold: f64,
    /// Mass fraction with |circularity| < 0.25 (3D, 2R_hsm).
    pub f_hot: f64,
}

#[cfg(test)]
mod test_galaxies;
#[cfg(test)]
mod tests;
