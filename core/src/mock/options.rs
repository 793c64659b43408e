//! Options of the mock generator named by galaxy-model.md, with the spec's defaults.

use serde::{Deserialize, Serialize};

/// Dark-halo response to the baryons (2.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HaloResponse {
    /// Adiabatic contraction of Gnedin et al. 2004 (A0 = 0.85, w = 0.8). Default.
    #[default]
    Gnedin04,
    /// Uncontracted NFW halo.
    None,
}

/// How particle numbers are chosen (2.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticleMode {
    /// Fixed numbers N*, N_DM, N_gas for every galaxy (importance-sampled DM). Default.
    #[default]
    Fixed,
    /// TNG100-like mass resolution: N* = clip(M*/1.4e6, 2000, 2e5), equal-mass DM with
    /// N_DM = clip(M_DM/7.5e6, 2000, 2e5).
    TngLike,
}

/// How cold gas is represented (2.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GasMode {
    /// Gas particles in a disc. Default.
    #[default]
    Particles,
    /// The analytic gas mass profile is added to every target and potential instead.
    Analytic,
    /// No gas.
    None,
}

/// Dust attenuation of mocks (2.8).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DustMode {
    /// Per-particle analytic slab screen. Default.
    #[default]
    AnalyticSlab,
    /// The measured column of the gas particles in front of each star, as for TNG cutouts
    /// (5.4); wants many gas particles (the spec compares the two with N_gas = 2·10⁵).
    GasColumn,
    /// No dust.
    None,
}

/// Stellar-to-halo mass relation (1.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Smhm {
    /// Moster+2013 with a shallower TNG-like high-mass slope γ = 0.45. Default.
    #[default]
    TngLike,
    /// Moster, Naab & White 2013 as published (γ = 0.608).
    Moster13,
}

/// Every option of the mock generator; `Default` gives the spec's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MockOptions {
    /// Halo response (default Gnedin+2004 contraction).
    pub halo_response: HaloResponse,
    /// Particle-number mode (default fixed).
    pub particle_mode: ParticleMode,
    /// Gas representation (default particles).
    pub gas: GasMode,
    /// Dust model (default analytic slab).
    pub dust: DustMode,
    /// SMHM relation (default TNG-like).
    pub smhm: Smhm,
    /// Number of star particles in `fixed` mode (default 10⁴).
    pub n_star: usize,
    /// Number of dark-matter particles in `fixed` mode (default 10⁴).
    pub n_dm: usize,
    /// Number of gas particles (default 2·10³).
    pub n_gas: usize,
}

impl Default for MockOptions {
    fn default() -> Self {
        Self {
            halo_response: HaloResponse::default(),
            particle_mode: ParticleMode::default(),
            gas: GasMode::default(),
            dust: DustMode::default(),
            smhm: Smhm::default(),
            n_star: 10_000,
            n_dm: 10_000,
            n_gas: 2_000,
        }
    }
}
