//! Options of the measurements (galaxy-model.md 3.3 and 8), with the spec's defaults.

use serde::{Deserialize, Serialize};

/// Which orbital circularity defines B/T, f_cold and f_hot (3.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Circularity {
    /// λ_z = j_z / (r v_c(r)) (Zhu+2018). Default.
    #[default]
    LambdaZ,
    /// ε = j_z / j_c(E) (Abadi+2003) in the spherical particle potential.
    JcircE,
}

/// Aperture of the integrated photometry M_r and g−r (3.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotAperture {
    /// All star particles. Default.
    #[default]
    All,
    /// Stars inside the image field, |u|, |w| < 3R_hsm.
    Field,
}

/// Weight of the kinematic measurements σ_v and λ_R and of the kinematic maps (4.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KinWeight {
    /// Dust-attenuated r-band luminosity (as IFU data). Default.
    #[default]
    Luminosity,
    /// Current stellar mass.
    Mass,
}

/// Options of [`super::measure`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MeasureOptions {
    /// Circularity definition (default λ_z).
    pub circularity: Circularity,
    /// Photometric aperture of M_r and g−r (default all stars).
    pub phot_aperture: PhotAperture,
    /// Lower bound of the Sérsic index (default 0.2).
    pub sersic_n_min: f64,
    /// Upper bound of the Sérsic index (default 15).
    pub sersic_n_max: f64,
    /// Paper-literal Sérsic fit: bounds [0.05, 1000] replace the two above, so the paper's
    /// n > 100 exclusion becomes meaningful.
    pub paper_literal_sersic: bool,
    /// Weight of σ_v, λ_R and the kinematic grid (default luminosity).
    pub kin_weight: KinWeight,
}

impl Default for MeasureOptions {
    fn default() -> Self {
        MeasureOptions {
            circularity: Circularity::LambdaZ,
            phot_aperture: PhotAperture::All,
            sersic_n_min: 0.2,
            sersic_n_max: 15.0,
            paper_literal_sersic: false,
            kin_weight: KinWeight::Luminosity,
        }
    }
}

impl MeasureOptions {
    /// The Sérsic-index bounds in force: [0.05, 1000] when `paper_literal_sersic`, else
    /// [`sersic_n_min`](Self::sersic_n_min), [`sersic_n_max`](Self::sersic_n_max).
    pub fn sersic_bounds(&self) -> (f64, f64) {
        if self.paper_literal_sersic {
            (0.05, 1000.0)
        } else {
            (self.sersic_n_min, self.sersic_n_max)
        }
    }
}
