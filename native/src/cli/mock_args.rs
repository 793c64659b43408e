//! Command-line flags for the mock generator's options (core `MockOptions`, galaxy-model.md
//! 1–2). Every flag is optional; an absent flag keeps the spec's default.

use clap::{Args, ValueEnum};
use galmass_core::mock::{DustMode, GasMode, HaloResponse, MockOptions, ParticleMode, Smhm};

/// Dark-halo response to the baryons.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum HaloResponseArg {
    /// Gnedin et al. 2004 adiabatic contraction (default).
    Gnedin04,
    /// Uncontracted NFW halo.
    None,
}

/// Particle-number mode.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ParticleModeArg {
    /// Fixed N*, N_DM, N_gas for every galaxy (default).
    Fixed,
    /// TNG100-like particle masses (numbers scale with mass).
    TngLike,
}

/// Cold-gas representation.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GasArg {
    /// Gas particles in a disc (default).
    Particles,
    /// Analytic gas mass profile instead of particles.
    Analytic,
    /// No gas.
    None,
}

/// Dust model of the mocks.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DustArg {
    /// Analytic slab screen (default).
    AnalyticSlab,
    /// The column of gas particles in front of each star, as for TNG cutouts (wants
    /// --n-gas of order 1e5).
    GasColumn,
    /// No dust.
    None,
}

/// Stellar-to-halo mass relation.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SmhmArg {
    /// Moster+2013 with a TNG-like high-mass slope (default).
    TngLike,
    /// Moster, Naab & White 2013 as published.
    Moster13,
}

/// Options of the mock generator.
#[derive(Args, Clone, Debug, Default)]
pub struct MockArgs {
    /// Halo response to the baryons [default: gnedin04]
    #[arg(long, value_enum)]
    pub halo_response: Option<HaloResponseArg>,
    /// Particle-number mode [default: fixed]
    #[arg(long, value_enum)]
    pub particle_mode: Option<ParticleModeArg>,
    /// Cold-gas representation [default: particles]
    #[arg(long, value_enum)]
    pub gas: Option<GasArg>,
    /// Dust model [default: analytic-slab]
    #[arg(long, value_enum)]
    pub dust: Option<DustArg>,
    /// Stellar-to-halo mass relation [default: tng-like]
    #[arg(long, value_enum)]
    pub smhm: Option<SmhmArg>,
    /// Star particles per galaxy in fixed mode [default: 10000]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub n_star: Option<u64>,
    /// Dark-matter particles per galaxy in fixed mode [default: 10000]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub n_dm: Option<u64>,
    /// Gas particles per galaxy [default: 2000]
    #[arg(long)]
    pub n_gas: Option<u64>,
}

impl MockArgs {
    /// The generator options: the spec's defaults with every given flag applied.
    pub fn options(&self) -> MockOptions {
        let mut o = MockOptions::default();
        if let Some(v) = self.halo_response {
            o.halo_response = match v {
                HaloResponseArg::Gnedin04 => HaloResponse::Gnedin04,
                HaloResponseArg::None => HaloResponse::None,
            };
        }
        if let Some(v) = self.particle_mode {
            o.particle_mode = match v {
                ParticleModeArg::Fixed => ParticleMode::Fixed,
                ParticleModeArg::TngLike => ParticleMode::TngLike,
            };
        }
        if let Some(v) = self.gas {
            o.gas = match v {
                GasArg::Particles => GasMode::Particles,
                GasArg::Analytic => GasMode::Analytic,
                GasArg::None => GasMode::None,
            };
        }
        if let Some(v) = self.dust {
            o.dust = match v {
                DustArg::AnalyticSlab => DustMode::AnalyticSlab,
                DustArg::GasColumn => DustMode::GasColumn,
                DustArg::None => DustMode::None,
            };
        }
        if let Some(v) = self.smhm {
            o.smhm = match v {
                SmhmArg::TngLike => Smhm::TngLike,
                SmhmArg::Moster13 => Smhm::Moster13,
            };
        }
        if let Some(n) = self.n_star {
            o.n_star = n as usize;
        }
        if let Some(n) = self.n_dm {
            o.n_dm = n as usize;
        }
        if let Some(n) = self.n_gas {
            o.n_gas = n as usize;
        }
        o
    }
}
