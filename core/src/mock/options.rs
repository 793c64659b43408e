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
    /// Gnedin+2004 contraction with a per-galaxy efficiency ν ~ U(0, 2) scaling its radial
    /// displacement, ln(r_f/r_i) → ν ln(r_f/r_i) (beyond the spec; galaxy-model.md §9): ν = 0
    /// leaves the NFW halo, ν = 1 is the default contraction.
    Gnedin04Scatter,
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

/// Starbursts in the disc star-formation history (2.7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bursts {
    /// The spec's bursts: probability 0.3 (star-forming) or 0.1 (quenched), 1–10 % of the
    /// disc's formed mass, peaking 0.05–3 Gyr ago. Default.
    #[default]
    Spec,
    /// More frequent, larger and more recent bursts (beyond the spec; galaxy-model.md §9):
    /// probability 0.6 (star-forming) or 0.3 (quenched), 1–20 % of the
    /// disc's formed mass, peaking 0.02–2 Gyr ago.
    Frequent,
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
    /// Starbursts of the disc SFHs (default the spec's).
    #[serde(default)]
    pub bursts: Bursts,
    /// σ in dex of a per-galaxy IMF offset δ ~ N(0, σ) that lowers every star's luminosity by
    /// 10^−δ at fixed mass and colour, i.e. raises log M*/L by δ (beyond the spec, 8.9;
    /// default 0: the universal Chabrier IMF of TNG).
    #[serde(default)]
    pub imf_scatter_dex: f64,
    /// Offset in dex added to every disc scale length and bulge effective radius before the
    /// bulge resolution floor (8.2; default 0: Shen+2003 sizes; +0.15 moves them toward
    /// TNG100's size–mass relation).
    #[serde(default)]
    pub size_offset_dex: f64,
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
            bursts: Bursts::default(),
            imf_scatter_dex: 0.0,
            size_offset_dex: 0.0,
        }
    }
}

impl MockOptions {
    /// Whether a galaxy draws variant parameters (IMF offset, contraction efficiency,
    /// frequent bursts) from its own stream after the spec's draws; false for the defaults,
    /// whose galaxies are then bit-identical to those of the spec's generator.
    pub fn draws_variants(&self) -> bool {
        self.imf_scatter_dex != 0.0
            || self.bursts != Bursts::Spec
            || self.halo_response == HaloResponse::Gnedin04Scatter
    }

    /// Checks the numeric options: σ_IMF finite in [0, 0.5] dex, the size offset finite in
    /// [−0.5, 0.5] dex, at least one star and one dark-matter particle. Returns what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=0.5).contains(&self.imf_scatter_dex) {
            return Err(format!(
                "imf_scatter_dex {} outside [0, 0.5] dex",
                self.imf_scatter_dex
            ));
        }
        if !(-0.5..=0.5).contains(&self.size_offset_dex) {
            return Err(format!(
                "size_offset_dex {} outside [-0.5, 0.5] dex",
                self.size_offset_dex
            ));
        }
        if self.n_star == 0 || self.n_dm == 0 {
            return Err("n_star and n_dm must be at least 1".into());
        }
        Ok(())
    }
}
