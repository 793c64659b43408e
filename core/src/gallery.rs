//! Example galaxies for the web app's gallery: maps and truths of a few test-split samples of
//! a dataset file, written by `galmass dataset examples` and read by the app (one type for
//! both). Maps are in physical units: r- and g-band surface brightness (L☉ kpc⁻²), V and σ
//! (km/s) with the 0/1 mask.

use serde::{Deserialize, Serialize};

mod files;
pub use files::ExampleFile;

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
    /// g-band surface brightness on the r map's grid (`r_side`² row-major), for models that
    /// read colour; absent in galleries written before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub g: Option<Vec<f32>>,
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
    /// The example as CNN inputs (`r`, `g` when present, `vel`, log10 R_hsm); `None` if the
    /// arrays do not match their sides.
    pub fn inputs(&self) -> Option<GalaxyInputs> {
        let k2 = self.vel_side * self.vel_side;
        let r2 = self.r_side * self.r_side;
        if self.r.len() != r2
            || self.vel.len() != 3 * k2
            || self.g.as_ref().is_some_and(|g| g.len() != r2)
        {
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
        let light = |sb: &[f32]| GalaxyMap::Light {
            side: self.r_side,
            sb: sb.to_vec(),
        };
        let mut maps = vec![("r".into(), light(&self.r))];
        if let Some(g) = &self.g {
            maps.push(("g".into(), light(g)));
        }
        maps.push(("vel".into(), GalaxyMap::Kinematic(kin)));
        Some(GalaxyInputs {
            maps,
            log_rhsm: Some(self.rhsm_kpc.log10()),
            // The gallery's maps are the paper's, on ±3 R_hsm.
            scale: crate::telescope::MapScale::Rhsm,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn example(g: Option<Vec<f32>>) -> Example {
        Example {
            row: 0,
            galaxy_id: 7,
            projection: 2,
            rhsm_kpc: 4.0,
            mstar: 10.0,
            mtot: 10.4,
            fdm: 0.6,
            r_side: 2,
            r: vec![1.0, 2.0, 3.0, 4.0],
            g,
            vel_side: 1,
            vel: vec![50.0, 120.0, 1.0],
        }
    }

    /// The g map reaches the CNN inputs when present, on the r grid; a g map of the wrong
    /// length makes the example unusable rather than silently resampled.
    #[test]
    fn g_map_is_passed_on_and_checked() {
        let names = |e: &Example| -> Vec<String> {
            e.inputs().unwrap().maps.into_iter().map(|m| m.0).collect()
        };
        assert_eq!(names(&example(None)), ["r", "vel"]);
        let with_g = example(Some(vec![0.5, 1.0, 1.5, 2.0]));
        assert_eq!(names(&with_g), ["r", "g", "vel"]);
        let g = with_g.inputs().unwrap();
        assert_eq!(
            g.maps[1].1,
            GalaxyMap::Light {
                side: 2,
                sb: vec![0.5, 1.0, 1.5, 2.0]
            }
        );
        assert!((g.log_rhsm.unwrap() - 4f64.log10()).abs() < 1e-12);
        assert_eq!(example(Some(vec![1.0; 3])).inputs(), None);
    }

    /// A gallery written before g maps existed still reads (g absent), and g survives a
    /// round trip through JSON.
    #[test]
    fn json_with_and_without_g() {
        let old = serde_json::to_string(&example(None)).unwrap();
        assert!(!old.contains("\"g\""));
        let back: Example = serde_json::from_str(&old).unwrap();
        assert_eq!(back.g, None);
        let new = example(Some(vec![0.5, 1.0, 1.5, 2.0]));
        let back: Example = serde_json::from_str(&serde_json::to_string(&new).unwrap()).unwrap();
        assert_eq!(back, new);
    }
}
