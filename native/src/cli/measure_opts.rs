//! Command-line flags for the measurement options (core `MeasureOptions`, galaxy-model.md
//! 3.3 and 8). Absent flags keep the spec's defaults.

use clap::{Args, ValueEnum};
use galmass_core::measure::{Circularity, KinWeight, MeasureOptions, PhotAperture};

/// Orbital circularity definition behind B/T, f_cold and f_hot.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum CircularityArg {
    /// λ_z = j_z/(r v_c(r)) (Zhu+2018; default)
    LambdaZ,
    /// ε = j_z/j_c(E) (Abadi+2003)
    JcircE,
}

/// Aperture of the integrated photometry M_r and g−r.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PhotApertureArg {
    /// All stars (default)
    All,
    /// Stars inside the ±3 R_hsm image field
    Field,
}

/// Weight of σ_v, λ_R and the kinematic maps.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KinWeightArg {
    /// Dust-attenuated r-band luminosity (default)
    Luminosity,
    /// Stellar mass
    Mass,
}

/// Options of the measurements.
#[derive(Args, Clone, Debug, Default)]
pub struct MeasureOptArgs {
    /// Circularity definition [default: lambda-z]
    #[arg(long, value_enum)]
    pub circularity: Option<CircularityArg>,
    /// Aperture of M_r and g−r [default: all]
    #[arg(long, value_enum)]
    pub phot_aperture: Option<PhotApertureArg>,
    /// Weight of σ_v and λ_R [default: luminosity]
    #[arg(long, value_enum)]
    pub kin_weight: Option<KinWeightArg>,
    /// Paper-literal Sérsic bounds n ∈ [0.05, 1000]
    #[arg(long)]
    pub paper_literal_sersic: bool,
}

impl MeasureOptArgs {
    /// The measurement options: the spec's defaults with every given flag applied.
    pub fn options(&self) -> MeasureOptions {
        let mut o = MeasureOptions::default();
        if let Some(c) = self.circularity {
            o.circularity = match c {
                CircularityArg::LambdaZ => Circularity::LambdaZ,
                CircularityArg::JcircE => Circularity::JcircE,
            };
        }
        if let Some(p) = self.phot_aperture {
            o.phot_aperture = match p {
                PhotApertureArg::All => PhotAperture::All,
                PhotApertureArg::Field => PhotAperture::Field,
            };
        }
        if let Some(k) = self.kin_weight {
            o.kin_weight = match k {
                KinWeightArg::Luminosity => KinWeight::Luminosity,
                KinWeightArg::Mass => KinWeight::Mass,
            };
        }
        o.paper_literal_sersic = self.paper_literal_sersic;
        o
    }
}
