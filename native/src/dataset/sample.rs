//! One galaxy projection as the dataset stores it, and the step from a galaxy to its three
//! samples: galmass-core's measure (R_hsm, targets, features; docs/galaxy-model.md 3) then
//! observe (maps, 4), with the split assigned here.

use galmass_core::galaxy::{Axis, Galaxy};
use galmass_core::measure::MeasureOptions;
use galmass_core::observe::ObserveOptions;
use galmass_core::telescope::{ConditionRanges, MapScale};

use super::schema::{dust_code, features_row, targets_row};
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
    /// Targets (log10) in the order of [`galmass_core::measure::TARGET_NAMES`].
    pub targets: [f64; 10],
    /// Features in the order of [`galmass_core::measure::FEATURE_NAMES`].
    pub features: [f64; 10],
    /// r-band surface brightness (L☉,r kpc⁻²), S×S row-major, row = second image axis.
    pub r: Vec<f32>,
    /// g-band surface brightness (L☉,g kpc⁻²), S×S row-major.
    pub g: Vec<f32>,
    /// LOS mean velocity then dispersion (km/s), 2×K×K.
    pub vel: Vec<f32>,
    /// 1 where the kinematic pixel is populated, K×K.
    pub vel_mask: Vec<u8>,
    /// Projected r-band half-light radius R_e of the ideal map, kpc (NaN: not in the file).
    pub re_kpc: f64,
    /// Seeing FWHM the maps were observed with, kpc (0: none, the paper's ideal maps).
    pub psf_fwhm_kpc: f64,
    /// S/N of a pixel at R_e the maps were observed with (∞: noiseless).
    pub snr_re: f64,
    /// Dust model that attenuated the light ([`super::schema::DUST_MODELS`] code; 255:
    /// unknown, a file written before the column).
    pub dust_model: u8,
}

/// How samples are made from a galaxy: galmass-core's measure-then-observe step
/// ([`galmass_core::sample`], shared with the web app's Classroom) and the split.
#[derive(Clone, Copy, Debug)]
pub struct SampleOptions {
    /// Measurement options (docs/galaxy-model.md 3).
    pub measure: MeasureOptions,
    /// Observation options (docs/galaxy-model.md 4).
    pub observe: ObserveOptions,
    /// Seed of the split hash.
    pub split_seed: u64,
    /// Unit of the split.
    pub split_by: SplitBy,
    /// Observing conditions drawn per sample (`galmass_core::telescope`); `None`: ideal maps.
    pub conditions: Option<ConditionRanges>,
    /// The radius the maps cover ±3 of: R_hsm (the paper's) or each line of sight's R_e.
    pub scale: MapScale,
}

/// Measures and observes `galaxy` (centred, systemic velocity removed) along x, y and z
/// ([`galmass_core::sample::samples_of`]) and returns its three samples with their split.
/// Errors are the reason the galaxy is skipped: a short category (`"measure: …"`,
/// `"observe: …"`, `"non-finite …"`).
pub fn samples_of(
    galaxy: &Galaxy,
    galaxy_id: u64,
    opts: &SampleOptions,
) -> Result<Vec<Sample>, String> {
    let core = galmass_core::sample::SampleOptions {
        measure: opts.measure,
        observe: opts.observe,
        conditions: opts.conditions,
        conditions_seed: opts.split_seed,
        scale: opts.scale,
    };
    let samples = galmass_core::sample::samples_of(galaxy, galaxy_id, &Axis::ALL, &core)
        .map_err(|e| e.to_string())?;
    let dust_model = dust_code(&galaxy.dust);
    Ok(samples
        .into_iter()
        .map(|s| {
            let projection = s.maps.axis as u8;
            Sample {
                galaxy_id,
                projection,
                rhsm_kpc: s.rhsm_kpc,
                split: assign_split(opts.split_seed, galaxy_id, projection, opts.split_by) as u8,
                targets: targets_row(&s.targets),
                features: features_row(&s.features),
                r: s.maps.r,
                g: s.maps.g,
                vel: s.maps.vel,
                vel_mask: s.maps.vel_mask,
                re_kpc: s.re_kpc,
                psf_fwhm_kpc: s.observed.as_ref().map_or(0.0, |o| o.0.psf_fwhm_kpc),
                snr_re: s
                    .observed
                    .as_ref()
                    .and_then(|o| o.0.noise)
                    .map_or(f64::INFINITY, |n| n.snr_re),
                dust_model,
            }
        })
        .collect())
}
