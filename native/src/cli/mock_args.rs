//! Command-line flags for the mock generator's options (core `MockOptions`, galaxy-model.md
//! 1–2). Every flag is optional: `--physics NAME` starts from a named variant's options (core
//! `PhysicsVariant`; the spec's defaults without it), and every other given flag overrides
//! its value there.

use clap::builder::PossibleValue;
use clap::{Args, ValueEnum};
use galmass_core::mock::{
    Bursts, DustMode, GasMode, HaloResponse, MockOptions, ParticleMode, PhysicsVariant, Smhm,
};

/// A physics variant by name; names and help are core's (`PhysicsVariant::name`,
/// `description`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhysicsArg(pub PhysicsVariant);

/// Every variant as a flag value, in core's order.
static PHYSICS_VALUES: [PhysicsArg; 6] = [
    PhysicsArg(PhysicsVariant::ALL[0]),
    PhysicsArg(PhysicsVariant::ALL[1]),
    PhysicsArg(PhysicsVariant::ALL[2]),
    PhysicsArg(PhysicsVariant::ALL[3]),
    PhysicsArg(PhysicsVariant::ALL[4]),
    PhysicsArg(PhysicsVariant::ALL[5]),
];

impl ValueEnum for PhysicsArg {
    fn value_variants<'a>() -> &'a [Self] {
        &PHYSICS_VALUES
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(self.0.description()))
    }
}

/// Starbursts of the disc star-formation histories.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum BurstsArg {
    /// The spec's bursts (default)
    Spec,
    /// More frequent, larger and more recent bursts (beyond the paper)
    Frequent,
}

/// A value in dex within [lo, hi].
fn dex_in(v: &str, lo: f64, hi: f64) -> Result<f64, String> {
    let x: f64 = v.parse().map_err(|_| format!("`{v}` is not a number"))?;
    if (lo..=hi).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{x} is outside [{lo}, {hi}] dex"))
    }
}

fn imf_dex(v: &str) -> Result<f64, String> {
    dex_in(v, 0.0, 0.5)
}

fn size_dex(v: &str) -> Result<f64, String> {
    dex_in(v, -0.5, 0.5)
}

/// Dark-halo response to the baryons.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum HaloResponseArg {
    /// Gnedin et al. 2004 adiabatic contraction (default).
    Gnedin04,
    /// Uncontracted NFW halo.
    None,
    /// Gnedin et al. 2004 contraction with a per-galaxy efficiency ν ~ U(0, 2) (beyond the paper)
    Gnedin04Scatter,
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
    /// Named physics variant of the mock generator (beyond the paper); the flags below
    /// override its options [default: default]
    #[arg(long, value_enum, value_name = "NAME")]
    pub physics: Option<PhysicsArg>,
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
    /// Starbursts of the disc star-formation histories [default: spec]
    #[arg(long, value_enum)]
    pub bursts: Option<BurstsArg>,
    /// σ of a per-galaxy IMF offset of log M*/L at fixed colour, dex in [0, 0.5] (beyond the
    /// paper) [default: 0]
    #[arg(long, value_name = "DEX", value_parser = imf_dex)]
    pub imf_scatter_dex: Option<f64>,
    /// Offset of disc and bulge sizes, dex in [-0.5, 0.5] (beyond the paper) [default: 0]
    #[arg(long, value_name = "DEX", value_parser = size_dex, allow_negative_numbers = true)]
    pub size_offset_dex: Option<f64>,
}

impl MockArgs {
    /// The physics variant chosen (`default` without `--physics`).
    pub fn physics(&self) -> PhysicsVariant {
        self.physics.map_or(PhysicsVariant::Default, |p| p.0)
    }

    /// Name of the physics variant chosen, as recorded in dataset files.
    pub fn physics_name(&self) -> &'static str {
        self.physics().name()
    }

    /// The generator options: the chosen variant's (the spec's defaults without
    /// `--physics`) with every other given flag applied.
    pub fn options(&self) -> MockOptions {
        let mut o = self.physics().options();
        if let Some(v) = self.halo_response {
            o.halo_response = match v {
                HaloResponseArg::Gnedin04 => HaloResponse::Gnedin04,
                HaloResponseArg::None => HaloResponse::None,
                HaloResponseArg::Gnedin04Scatter => HaloResponse::Gnedin04Scatter,
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
        if let Some(b) = self.bursts {
            o.bursts = match b {
                BurstsArg::Spec => Bursts::Spec,
                BurstsArg::Frequent => Bursts::Frequent,
            };
        }
        if let Some(x) = self.imf_scatter_dex {
            o.imf_scatter_dex = x;
        }
        if let Some(x) = self.size_offset_dex {
            o.size_offset_dex = x;
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        mock: MockArgs,
    }

    #[test]
    fn physics_names_are_cores_and_flags_override_them() {
        for v in PhysicsVariant::ALL {
            let c = Cli::try_parse_from(["x", "--physics", v.name()]).unwrap();
            assert_eq!(c.mock.physics(), v);
            assert_eq!(c.mock.options(), v.options());
        }
        let c = Cli::try_parse_from([
            "x",
            "--physics",
            "hard",
            "--halo-response",
            "gnedin04",
            "--size-offset-dex",
            "-0.1",
        ])
        .unwrap();
        let o = c.mock.options();
        assert_eq!(c.mock.physics_name(), "hard");
        assert_eq!(o.halo_response, HaloResponse::Gnedin04);
        assert_eq!(o.size_offset_dex, -0.1);
        assert_eq!(o.bursts, Bursts::Frequent);
        assert_eq!(
            Cli::try_parse_from(["x"]).unwrap().mock.options(),
            MockOptions::default()
        );
        for bad in [
            ["x", "--physics", "easy"],
            ["x", "--imf-scatter-dex", "0.9"],
            ["x", "--size-offset-dex", "nan"],
        ] {
            assert!(Cli::try_parse_from(bad).is_err(), "{bad:?}");
        }
    }
}
