//! Measurements of galaxy-model.md Section 3 on a [`crate::galaxy::Galaxy`]: centre and
//! systemic velocity, the 3D half-stellar-mass radius R_hsm, every target (3.2) and every
//! GBDT feature (3.3), per projection. Identical code for mocks and TNG cutouts.
//!
//! Field names are those of the dataset schema (ARCHITECTURE.md, a contract).

use serde::{Deserialize, Serialize};

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
