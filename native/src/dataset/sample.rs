//! One galaxy projection as the dataset stores it, and the step from a galaxy to its three
//! samples: measure (R_hsm, targets, features; galaxy-model.md 3) then observe (maps, 4).

use galmass_core::galaxy::Galaxy;
use galmass_core::measure::{MeasureOptions, measure};
use galmass_core::observe::{ObserveOptions, observe_all};

use super::schema::{FEATURE_NAMES, TARGET_NAMES, features_row, targets_row};
use super::split::{SplitBy, assign_split};

/// One galaxy projection: maps (physical units), targets, features and metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Galaxy id (mock index, or the TNG catalogue id / number in the cutout name).
    pub galaxy_id: u64,
    /// Line of sight: 0 = x, 1 = y, 2 = z.
    pub projection: u8,
    /// 3D stellar half-mass radius R_hsm in kpc.
    pub rhsm_kpc: f64,
    /// Split code: 0 train, 1 validation, 2 test.
    pub split: u8,
    /// Targets (log10) in the order of [`TARGET_NAMES`].
    pub targets: [f64; 10],
    /// Features in the order of [`FEATURE_NAMES`].
    pub features: [f64; 10],
    /// r-band surface brightness (L☉,r kpc⁻²), S×S row-major, row = second image axis.
    pub r: Vec<f32>,
    /// g-band surface brightness (L☉,g kpc⁻²), S×S row-major.
    pub g: Vec<f32>,
    /// LOS mean velocity then dispersion (km/s), 2×K×K.
    pub vel: Vec<f32>,
    /// 1 where the kinematic pixel is populated, K×K.
    pub vel_mask: Vec<u8>,
}

/// How samples are made from a galaxy.
#[derive(Clone, Copy, Debug)]
pub struct SampleOptions {
    /// Measurement options (galaxy-model.md 3).
    pub measure: MeasureOptions,
    /// Observation options (galaxy-model.md 4).
    pub observe: ObserveOptions,
    /// Seed of the split hash.
    pub split_seed: u64,
    /// Unit of the split.
    pub split_by: SplitBy,
}

/// Measures and observes `galaxy` (centred, systemic velocity removed) and returns its three
/// samples (x, y, z). Errors are the reason the galaxy is skipped: a short category
/// (`"measure: …"`, `"observe: …"`, `"non-finite …"`).
pub fn samples_of(
    galaxy: &Galaxy,
    galaxy_id: u64,
    opts: &SampleOptions,
) -> Result<Vec<Sample>, String> {
    if galaxy.stars.pos.is_empty() {
        return Err("no star particles".into());
    }
    let m = measure(galaxy, &opts.measure).map_err(|e| format!("measure: {e}"))?;
    let maps =
        observe_all(galaxy, m.rhsm_kpc, &opts.observe).map_err(|e| format!("observe: {e}"))?;
    if !m.rhsm_kpc.is_finite() {
        return Err("non-finite rhsm_kpc".into());
    }
    let mut out = Vec::with_capacity(3);
    for (pm, mp) in m.projections.iter().zip(maps) {
        if pm.axis != mp.axis {
            return Err(format!(
                "projection order differs: {} vs {}",
                pm.axis.name(),
                mp.axis.name()
            ));
        }
        let projection = pm.axis as u8;
        let targets = targets_row(&pm.targets);
        let features = features_row(&pm.features);
        if let Some(k) = targets.iter().position(|v| !v.is_finite()) {
            return Err(format!("non-finite target {}", TARGET_NAMES[k]));
        }
        if let Some(k) = features.iter().position(|v| !v.is_finite()) {
            return Err(format!("non-finite feature {}", FEATURE_NAMES[k]));
        }
        for (name, map) in [("r", &mp.r), ("g", &mp.g), ("vel", &mp.vel)] {
            if map.iter().any(|v| !v.is_finite()) {
                return Err(format!("non-finite map {name}"));
            }
        }
        out.push(Sample {
            galaxy_id,
            projection,
            rhsm_kpc: m.rhsm_kpc,
            split: assign_split(opts.split_seed, galaxy_id, projection, opts.split_by) as u8,
            targets,
            features,
            r: mp.r,
            g: mp.g,
            vel: mp.vel,
            vel_mask: mp.vel_mask,
        });
    }
    Ok(out)
}
