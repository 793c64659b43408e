//! Example galaxies for the web app's gallery: maps and truths of a few test-split samples of
//! a dataset file, written by `galmass dataset examples` and read by the app (one type for
//! both). Maps are in physical units: r-band surface brightness (L☉ kpc⁻²), V and σ (km/s)
//! with the 0/1 mask.

use serde::{Deserialize, Serialize};

use crate::bundle::cnn_input::{GalaxyInputs, GalaxyMap};
use crate::upload::KinematicMaps;

/// One example galaxy-projection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// Row in the dataset file.
    pub row: usize,
    /// Galaxy id.
    pub galaxy_id: u64,
    /// Projection (0 = x, 1 = y, 2 = z).
    pub projection: u8,
    /// Half-stellar-mass radius, kpc.
    pub rhsm_kpc: f64,
    /// True log10 M*(< R_hsm) / M☉.
    pub mstar: f64,
    /// True log10 Mtot(< R_hsm) / M☉.
    pub mtot: f64,
    /// True dark-matter fraction f_DM(< R_hsm) (linear).
    pub fdm: f64,
    /// Side of the r map, px.
    pub r_side: usize,
    /// r-band surface brightness, `r_side`² row-major.
    pub r: Vec<f32>,
    /// Side of the kinematic maps, px.
    pub vel_side: usize,
    /// V, then σ (km/s), then the mask (0/1), each `vel_side`² row-major.
    pub vel: Vec<f32>,
}

/// A gallery: where the examples come from, and the examples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gallery {
    /// The dataset and command that made it.
    pub source: String,
    /// The examples, in increasing M*.
    pub examples: Vec<Example>,
}

impl Example {
    /// The example as CNN inputs (`r`, `vel`, log10 R_hsm); `None` if the arrays do not match
    /// their sides.
    pub fn inputs(&self) -> Option<GalaxyInputs> {
        let k2 = self.vel_side * self.vel_side;
        if self.r.len() != self.r_side * self.r_side || self.vel.len() != 3 * k2 {
            return None;
        }
        let kin = KinematicMaps {
            size: self.vel_side,
            v: self.vel[..k2].to_vec(),
            sigma: self.vel[k2..2 * k2].to_vec(),
            mask: self.vel[2 * k2..]
                .iter()
                .map(|&m| u8::from(m == 1.0))
                .collect(),
        };
        Some(GalaxyInputs {
            maps: vec![
                (
                    "r".into(),
                    GalaxyMap::Light {
                        side: self.r_side,
                        sb: self.r.clone(),
                    },
                ),
                ("vel".into(), GalaxyMap::Kinematic(kin)),
            ],
            log_rhsm: Some(self.rhsm_kpc.log10()),
        })
    }
}
