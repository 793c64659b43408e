//! From a galaxy to its samples: measure it (R_hsm, targets and features, docs/galaxy-model.md
//! 3) then observe it along chosen lines of sight (maps, 4), refusing what no model can learn
//! from (no stars, a non-finite radius, target, feature or map). The one code path of
//! `galmass dataset build` (every axis) and the web app's Classroom (the z axis), so a
//! Classroom galaxy is exactly a dataset sample.

use thiserror::Error;

use crate::galaxy::{Axis, Galaxy};
use crate::measure::{
    FEATURE_NAMES, Features, MeasureError, MeasureOptions, TARGET_NAMES, Targets, features_row,
    measure, targets_row,
};
use crate::observe::{ObserveError, ObserveOptions, ProjectionMaps, observe, observe_all};

/// How samples are made from a galaxy.
#[derive(Clone, Copy, Debug, Default)]
pub struct SampleOptions {
    /// Measurement options (docs/galaxy-model.md 3).
    pub measure: MeasureOptions,
    /// Observation options (docs/galaxy-model.md 4).
    pub observe: ObserveOptions,
}

/// One line of sight of a galaxy: what a model reads and what it should predict.
#[derive(Clone, Debug, PartialEq)]
pub struct GalaxySample {
    /// 3D stellar half-mass radius R_hsm in kpc (the same for every line of sight).
    pub rhsm_kpc: f64,
    /// Targets of this projection (log10; docs/galaxy-model.md 3.2).
    pub targets: Targets,
    /// GBDT features of this projection (3.3).
    pub features: Features,
    /// The maps along this line of sight (`maps.axis`), physical units (4).
    pub maps: ProjectionMaps,
}

/// Why a galaxy gives no samples.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SampleError {
    /// The galaxy has no star particles.
    #[error("no star particles")]
    NoStars,
    /// The measurement failed.
    #[error("measure: {0}")]
    Measure(#[from] MeasureError),
    /// The maps could not be made.
    #[error("observe: {0}")]
    Observe(#[from] ObserveError),
    /// A value a model would read or learn is NaN or infinite.
    #[error("non-finite {0}")]
    NonFinite(String),
}

/// Measures `galaxy` (centred, systemic velocity removed) and observes it along each of
/// `axes`, in that order. All three axes observe together ([`observe_all`], sharing the
/// smoothing lengths, in parallel with the `parallel` feature).
pub fn samples_of(
    galaxy: &Galaxy,
    axes: &[Axis],
    opts: &SampleOptions,
) -> Result<Vec<GalaxySample>, SampleError> {
    if galaxy.stars.pos.is_empty() {
        return Err(SampleError::NoStars);
    }
    let m = measure(galaxy, &opts.measure)?;
    if !m.rhsm_kpc.is_finite() {
        return Err(SampleError::NonFinite("rhsm_kpc".into()));
    }
    let maps = if axes == Axis::ALL {
        observe_all(galaxy, m.rhsm_kpc, &opts.observe)?
    } else {
        axes.iter()
            .map(|&a| observe(galaxy, a, m.rhsm_kpc, &opts.observe))
            .collect::<Result<Vec<_>, _>>()?
    };
    maps.into_iter()
        .map(|maps| {
            let pm = m
                .projections
                .iter()
                .find(|p| p.axis == maps.axis)
                .ok_or_else(|| SampleError::NonFinite(format!("{} axis", maps.axis.name())))?;
            check_finite(&pm.targets, &pm.features, &maps)?;
            Ok(GalaxySample {
                rhsm_kpc: m.rhsm_kpc,
                targets: pm.targets,
                features: pm.features,
                maps,
            })
        })
        .collect()
}

/// The first non-finite target, feature or map, named.
fn check_finite(t: &Targets, f: &Features, maps: &ProjectionMaps) -> Result<(), SampleError> {
    if let Some(k) = targets_row(t).iter().position(|v| !v.is_finite()) {
        return Err(SampleError::NonFinite(format!(
            "target {}",
            TARGET_NAMES[k]
        )));
    }
    if let Some(k) = features_row(f).iter().position(|v| !v.is_finite()) {
        return Err(SampleError::NonFinite(format!(
            "feature {}",
            FEATURE_NAMES[k]
        )));
    }
    for (name, map) in [("r", &maps.r), ("g", &maps.g), ("vel", &maps.vel)] {
        if map.iter().any(|v| !v.is_finite()) {
            return Err(SampleError::NonFinite(format!("map {name}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::galaxy::Stars;
    use crate::mock::{MockOptions, Overrides, generate_with};

    fn galaxy() -> Galaxy {
        generate_with(3, 0, &MockOptions::default(), &Overrides::default()).galaxy
    }

    fn small() -> SampleOptions {
        SampleOptions {
            observe: ObserveOptions {
                image_size: 60,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn one_axis_is_the_same_sample_as_that_axis_of_all_three() {
        let g = galaxy();
        let all = samples_of(&g, &Axis::ALL, &small()).unwrap();
        assert_eq!(
            all.iter().map(|s| s.maps.axis).collect::<Vec<_>>(),
            Axis::ALL
        );
        let z = samples_of(&g, &[Axis::Z], &small()).unwrap();
        assert_eq!(z.len(), 1);
        assert_eq!(z[0], all[2]);
    }

    #[test]
    fn a_galaxy_without_stars_gives_no_samples() {
        let mut g = galaxy();
        g.stars = Stars::default();
        assert_eq!(
            samples_of(&g, &Axis::ALL, &small()),
            Err(SampleError::NoStars)
        );
    }
}
