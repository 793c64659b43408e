//! The Classroom of the web app: one mock galaxy made from six hand-set controls (halo mass,
//! stellar mass, disc size, bulge fraction, inclination, seed), then measured and observed
//! along z exactly as a dataset sample is (`galmass dataset build --source mock`): the same
//! generator ([`crate::mock::generate_with`]) and the same step from a galaxy to its samples
//! ([`crate::sample::samples_of`]: targets, features and maps). The result
//! is also a gallery [`Example`], so the models read it through the gallery's code path.

use serde::{Deserialize, Serialize};

use crate::galaxy::Axis;
use crate::gallery::Example;
use crate::measure::{Features, Targets};
use crate::mock::{GalaxyParams, MockOptions, Overrides, generate_with};
use crate::observe::{ObserveOptions, ProjectionMaps};
use crate::sample::{SampleError, SampleOptions, samples_of};
use crate::telescope::ConditionRanges;

/// The hand-set parameters of a Classroom galaxy; everything else is drawn from the random
/// stream of `seed` as for any mock galaxy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Controls {
    /// log10 of the halo mass M200c / M☉.
    pub log_m200: f64,
    /// log10 of the total stellar mass M* / M☉.
    pub log_mstar: f64,
    /// Disc scale length R_d in kpc (bulge sizes scale with it).
    pub r_d_kpc: f64,
    /// Bulge-to-total stellar mass ratio B/T.
    pub bt: f64,
    /// Inclination in degrees: 0 face-on, 90 edge-on.
    pub inclination_deg: f64,
    /// Seed of the galaxy's random stream (galaxy 0 of the mock sample with this seed).
    pub seed: u64,
    /// Seeing: Moffat PSF FWHM in units of the galaxy's R_e (0: the paper's ideal maps;
    /// [`crate::telescope`], beyond the paper).
    #[serde(default)]
    pub seeing_re: f64,
    /// Noise as 1/(S/N) of a pixel at R_e (0: noiseless; 0.05 is S/N 20).
    #[serde(default)]
    pub noise: f64,
}

/// Range (min, max, step) of one control, as the page's sliders offer it.
pub type Range = (f64, f64, f64);

impl Controls {
    /// Range of `log_m200`: the halo masses of the selected mock population.
    pub const LOG_M200: Range = (11.0, 13.5, 0.05);
    /// Range of `log_mstar`: around the selection floor M*(<30 kpc) > 5·10⁹ M☉ up to the
    /// most massive mock galaxies.
    pub const LOG_MSTAR: Range = (9.5, 11.5, 0.05);
    /// Range of `r_d_kpc`.
    pub const R_D_KPC: Range = (1.0, 10.0, 0.1);
    /// Range of `bt`.
    pub const BT: Range = (0.0, 1.0, 0.05);
    /// Range of `inclination_deg`.
    pub const INCLINATION_DEG: Range = (0.0, 90.0, 5.0);
    /// Range of `seed`.
    pub const SEED: Range = (0.0, 99.0, 1.0);
    /// Range of `seeing_re`: up to a seeing as wide as the galaxy's half-light diameter.
    pub const SEEING_RE: Range = (0.0, 2.0, 0.05);
    /// Range of `noise`: down to S/N 5 at R_e.
    pub const NOISE: Range = (0.0, 0.2, 0.01);

    /// The observing conditions the seeing and noise controls ask for, if any: a Moffat PSF
    /// (β = 4.765) and sky + Poisson noise with a sky as bright as the galaxy at R_e.
    pub fn conditions(&self) -> Option<ConditionRanges> {
        (self.seeing_re > 0.0 || self.noise > 0.0).then(|| {
            ConditionRanges::point(self.seeing_re, (self.noise > 0.0).then(|| 1.0 / self.noise))
        })
    }

    /// The controls as generator overrides.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            log_m200: Some(self.log_m200),
            log_mstar: Some(self.log_mstar),
            bt: Some(self.bt),
            r_d: Some(self.r_d_kpc),
            inclination_deg: Some(self.inclination_deg),
        }
    }
}

impl Default for Controls {
    /// A Milky-Way-like disc galaxy seen at 60°.
    fn default() -> Self {
        Self {
            log_m200: 12.0,
            log_mstar: 10.6,
            r_d_kpc: 3.0,
            bt: 0.3,
            inclination_deg: 60.0,
            seed: 1,
            seeing_re: 0.0,
            noise: 0.0,
        }
    }
}

/// Why a Classroom galaxy could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClassroomError {
    /// A control is NaN, infinite or outside its range.
    #[error("{control} = {value} is outside [{min}, {max}]")]
    OutOfRange {
        /// Which control.
        control: &'static str,
        /// Its value.
        value: f64,
        /// Lowest allowed.
        min: f64,
        /// Highest allowed.
        max: f64,
    },
    /// The galaxy could not be measured or observed, or gave a non-finite value.
    #[error("making the galaxy's sample: {0}")]
    Sample(#[from] SampleError),
}

/// A Classroom galaxy seen along z: its hidden parameters, true targets, GBDT features and
/// maps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassroomGalaxy {
    /// Every generator parameter (`selected` says whether the mock selection would keep it).
    pub params: GalaxyParams,
    /// 3D half-stellar-mass radius R_hsm in kpc.
    pub rhsm_kpc: f64,
    /// True targets of the z projection (log10).
    pub targets: Targets,
    /// GBDT features of the z projection.
    pub features: Features,
    /// The four maps of the z projection (r, g, V, σ and the kinematic mask).
    pub maps: ProjectionMaps,
}

fn check(control: &'static str, value: f64, (min, max, _): Range) -> Result<(), ClassroomError> {
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ClassroomError::OutOfRange {
            control,
            value,
            min,
            max,
        })
    }
}

/// Makes, measures and observes the Classroom galaxy of `c` with light maps of
/// `image_size`² pixels (a divisor of 300, as for `dataset build --image-size`).
pub fn build(c: &Controls, image_size: usize) -> Result<ClassroomGalaxy, ClassroomError> {
    check("log_m200", c.log_m200, Controls::LOG_M200)?;
    check("log_mstar", c.log_mstar, Controls::LOG_MSTAR)?;
    check("r_d_kpc", c.r_d_kpc, Controls::R_D_KPC)?;
    check("bt", c.bt, Controls::BT)?;
    check(
        "inclination_deg",
        c.inclination_deg,
        Controls::INCLINATION_DEG,
    )?;
    check("seed", c.seed as f64, Controls::SEED)?;
    check("seeing_re", c.seeing_re, Controls::SEEING_RE)?;
    check("noise", c.noise, Controls::NOISE)?;
    let mock = generate_with(c.seed, 0, &MockOptions::default(), &c.overrides());
    let opts = SampleOptions {
        observe: ObserveOptions {
            image_size,
            ..Default::default()
        },
        conditions: c.conditions(),
        conditions_seed: c.seed,
        ..Default::default()
    };
    let mut samples = samples_of(&mock.galaxy, c.seed, &[Axis::Z], &opts)?;
    let s = samples.pop().ok_or(SampleError::NoStars)?;
    Ok(ClassroomGalaxy {
        params: mock.params,
        rhsm_kpc: s.rhsm_kpc,
        targets: s.targets,
        features: s.features,
        maps: s.maps,
    })
}

impl ClassroomGalaxy {
    /// The galaxy as a gallery example (maps in physical units and its truths), which the
    /// models read through [`Example::inputs`].
    pub fn example(&self) -> Example {
        let k2 = self.maps.kin_size * self.maps.kin_size;
        let mut vel = self.maps.vel.clone();
        vel.extend(self.maps.vel_mask.iter().map(|&m| f32::from(m)));
        debug_assert_eq!(vel.len(), 3 * k2);
        Example {
            row: 0,
            galaxy_id: self.params.index,
            projection: Axis::Z as u8,
            rhsm_kpc: self.rhsm_kpc,
            mstar: self.targets.mstar,
            mtot: self.targets.mtot,
            fdm: 10f64.powf(self.targets.fdm),
            r_side: self.maps.image_size,
            r: self.maps.r.clone(),
            g: Some(self.maps.g.clone()),
            vel_side: self.maps.kin_size,
            vel,
        }
    }
}

#[cfg(test)]
mod tests;
