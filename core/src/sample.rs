//! From a galaxy to its samples: measure it (R_hsm, targets and features, docs/galaxy-model.md
//! 3) then observe it along chosen lines of sight (maps, 4), refusing what no model can learn
//! from (no stars, a non-finite radius, target, feature or map). The one code path of
//! `galmass dataset build` (every axis) and the web app's Classroom (the z axis), so a
//! Classroom galaxy is exactly a dataset sample.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

use crate::galaxy::{Axis, Galaxy};
use crate::measure::{
    FEATURE_NAMES, Features, MeasureError, MeasureOptions, TARGET_NAMES, Targets, features_row,
    measure, targets_row,
};
use crate::observe::{
    ObserveError, ObserveOptions, ProjectionMaps, observe, observe_all, observe_with_smoothing,
    smoothing_lengths,
};
use crate::telescope::{
    ConditionRanges, Conditions, MapScale, ObservedReport, TelescopeError, apply_conditions,
    galaxy_half_light_radius,
};

/// How samples are made from a galaxy.
#[derive(Clone, Copy, Debug, Default)]
pub struct SampleOptions {
    /// Measurement options (docs/galaxy-model.md 3).
    pub measure: MeasureOptions,
    /// Observation options (docs/galaxy-model.md 4).
    pub observe: ObserveOptions,
    /// Observing conditions drawn per sample ([`crate::telescope`], beyond the paper);
    /// `None`: the paper's ideal maps.
    pub conditions: Option<ConditionRanges>,
    /// Seed of the conditions' random draws (each galaxy and line of sight its own stream).
    pub conditions_seed: u64,
    /// The radius the maps cover ±3 of: R_hsm (the paper's) or each line of sight's R_e.
    pub scale: MapScale,
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
    /// Projected r-band half-light radius R_e in kpc of this line of sight, from all the
    /// stars' light after dust ([`galaxy_half_light_radius`]).
    pub re_kpc: f64,
    /// The radius the maps cover ±3 of (kpc): `rhsm_kpc` or `re_kpc`, per
    /// [`SampleOptions::scale`].
    pub scale_kpc: f64,
    /// The maps along this line of sight (`maps.axis`), physical units (4), as observed under
    /// `observed`'s conditions when there are any.
    pub maps: ProjectionMaps,
    /// The conditions drawn for this sample and what they did.
    pub observed: Option<(Conditions, ObservedReport)>,
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
    /// The observing conditions could not be applied.
    #[error("conditions: {0}")]
    Conditions(#[from] TelescopeError),
}

/// Offset mixed into the conditions' seed (the galaxies use the seed itself).
const CONDITIONS_STREAM: u64 = 0x0b5e_7e1e_5c0e_d1a1;

/// Measures `galaxy` (centred, systemic velocity removed) and observes it along each of
/// `axes`, in that order. All three axes observe together ([`observe_all`], sharing the
/// smoothing lengths, in parallel with the `parallel` feature). `id` (the galaxy's id) picks
/// the random stream of the observing conditions.
pub fn samples_of(
    galaxy: &Galaxy,
    id: u64,
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
    // R_e of each line of sight, from all its stars' light (no map needed).
    let re: Vec<f64> = axes
        .iter()
        .map(|&a| {
            galaxy_half_light_radius(galaxy, a)
                .ok_or_else(|| SampleError::NonFinite("re_kpc (no r-band light)".into()))
        })
        .collect::<Result<_, _>>()?;
    let maps = match opts.scale {
        MapScale::Rhsm if axes == Axis::ALL => observe_all(galaxy, m.rhsm_kpc, &opts.observe)?,
        MapScale::Rhsm => axes
            .iter()
            .map(|&a| observe(galaxy, a, m.rhsm_kpc, &opts.observe))
            .collect::<Result<Vec<_>, _>>()?,
        // Each line of sight on its own ±3 R_e, rendered once (shared smoothing lengths).
        MapScale::Re => {
            let h = smoothing_lengths(galaxy, &opts.observe);
            axes.iter()
                .zip(&re)
                .map(|(&a, &r)| observe_with_smoothing(galaxy, a, r, &h, &opts.observe))
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    maps.into_iter()
        .zip(re)
        .map(|(maps, re_kpc)| {
            let pm = m
                .projections
                .iter()
                .find(|p| p.axis == maps.axis)
                .ok_or_else(|| SampleError::NonFinite(format!("{} axis", maps.axis.name())))?;
            check_finite(&pm.targets, &pm.features, &maps)?;
            let (maps, observed) = match &opts.conditions {
                None => (maps, None),
                Some(ranges) => {
                    let mut rng =
                        ChaCha8Rng::seed_from_u64(opts.conditions_seed ^ CONDITIONS_STREAM);
                    rng.set_stream(3 * id + maps.axis as u64);
                    let c = ranges.draw(re_kpc, &mut rng);
                    let (seen, report) = apply_conditions(&maps, re_kpc, &c, &mut rng)?;
                    (seen, Some((c, report)))
                }
            };
            Ok(GalaxySample {
                rhsm_kpc: m.rhsm_kpc,
                targets: pm.targets,
                features: pm.features,
                re_kpc,
                scale_kpc: match opts.scale {
                    MapScale::Rhsm => m.rhsm_kpc,
                    MapScale::Re => re_kpc,
                },
                maps,
                observed,
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
        let all = samples_of(&g, 3, &Axis::ALL, &small()).unwrap();
        assert_eq!(
            all.iter().map(|s| s.maps.axis).collect::<Vec<_>>(),
            Axis::ALL
        );
        let z = samples_of(&g, 3, &[Axis::Z], &small()).unwrap();
        assert_eq!(z.len(), 1);
        assert_eq!(z[0], all[2]);
    }

    #[test]
    fn conditions_are_drawn_per_galaxy_and_line_of_sight_reproducibly() {
        let g = galaxy();
        let opts = SampleOptions {
            conditions: Some(ConditionRanges::manga()),
            conditions_seed: 11,
            ..small()
        };
        let a = samples_of(&g, 3, &Axis::ALL, &opts).unwrap();
        let z = samples_of(&g, 3, &[Axis::Z], &opts).unwrap();
        assert_eq!(z[0], a[2], "the z sample does not depend on the other axes");
        let psf = |s: &GalaxySample| s.observed.as_ref().unwrap().0.psf_fwhm_kpc;
        assert_ne!(
            psf(&a[0]),
            psf(&a[1]),
            "each line of sight draws its own seeing"
        );
        let other = samples_of(&g, 4, &Axis::ALL, &opts).unwrap();
        assert_ne!(psf(&other[0]), psf(&a[0]), "each galaxy id its own stream");
        // The seeing is drawn in units of the measured R_e (0.3–0.8 R_e for MaNGA).
        for s in &a {
            let f = psf(s) / s.re_kpc;
            assert!((0.3..=0.8).contains(&f), "{f}");
            assert_ne!(s.maps.r, all_ideal(&g)[s.maps.axis as usize].maps.r);
        }
    }

    /// On the R_e scale the field is ±3 R_e (pixel 6 R_e / S), and the circle of radius R_e
    /// about the map's centre holds half of all the stars' r-band light (to 3 %: the SPH
    /// kernels spread light across the circle). Targets and features do not depend on the
    /// scale.
    #[test]
    fn the_re_scale_lays_each_map_on_its_own_half_light_radius() {
        let g = galaxy();
        let re_opts = SampleOptions {
            scale: MapScale::Re,
            ..small()
        };
        let ideal = all_ideal(&g);
        let re = samples_of(&g, 3, &Axis::ALL, &re_opts).unwrap();
        for (a, b) in ideal.iter().zip(&re) {
            assert_eq!(a.scale_kpc, a.rhsm_kpc);
            assert_eq!(b.scale_kpc, b.re_kpc);
            assert_eq!(
                (a.re_kpc, a.targets, a.features),
                (b.re_kpc, b.targets, b.features)
            );
            let px = b.maps.pixel_kpc;
            assert!((px * 60.0 / (6.0 * b.re_kpc) - 1.0).abs() < 1e-9);
            let att = crate::measure::dust::attenuate(&g, b.maps.axis);
            let total: f64 = att.lum_r.iter().sum();
            let inside: f64 = (0..3600)
                .filter(|k| {
                    let (i, j) = ((k / 60) as f64 - 29.5, (k % 60) as f64 - 29.5);
                    i.hypot(j) * px < b.re_kpc
                })
                .map(|k| f64::from(b.maps.r[k]) * px * px)
                .sum();
            let f = inside / total;
            assert!((f / 0.5 - 1.0).abs() < 0.03, "{:?}: {f}", b.maps.axis);
            assert_ne!(a.maps.r, b.maps.r);
        }
    }

    fn all_ideal(g: &Galaxy) -> Vec<GalaxySample> {
        samples_of(g, 3, &Axis::ALL, &small()).unwrap()
    }

    #[test]
    fn a_galaxy_without_stars_gives_no_samples() {
        let mut g = galaxy();
        g.stars = Stars::default();
        assert_eq!(
            samples_of(&g, 3, &Axis::ALL, &small()),
            Err(SampleError::NoStars)
        );
    }
}
