//! All maps of one galaxy projection (galaxy-model.md 4.2–4.3), as the dataset stores them:
//! dust-attenuated r and g surface brightness (L☉ kpc⁻², `image_size`², rendered at 300²
//! with the level-scheme SPH renderer and rebinned by block sums of flux), and the 48×48 NGP
//! line-of-sight velocity and dispersion maps with their mask.
//!
//! Smoothing lengths (3D, 4.1) are computed once per galaxy and shared by the three
//! projections ([`observe_all`]); dust attenuation is applied per projection
//! ([`crate::measure::dust::attenuate`]). The galaxy must be centred with its systemic
//! velocity removed.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::rebin::{RebinError, colour_map, integrated_colour, rebin_to};
use super::smoothing::{Hsml, N_NEIGHBOURS, smoothing_lengths_2d, smoothing_lengths_3d};
use super::sph::{IMAGE_SIZE, ImageGeometry, SphError, SphParticles, render};
use crate::galaxy::{Axis, Galaxy};
use crate::measure::KinWeight;
use crate::measure::dust::{Attenuated, attenuate};
use crate::measure::kinematic::aperture_dispersion;
use crate::projection::kinematics::{KIN_SIZE, kinematic_grid};
use crate::projection::{Projected, project};

/// Why a projection could not be observed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ObserveError {
    /// The galaxy has no star particles.
    #[error("the galaxy has no star particles")]
    NoStars,
    /// R_hsm must be positive and finite.
    #[error("R_hsm = {0} kpc is not positive and finite")]
    BadRadius(f64),
    /// The requested image size is not 300, or a divisor of 300 reachable by block sums.
    #[error(transparent)]
    ImageSize(#[from] RebinError),
    /// Invalid render geometry.
    #[error(transparent)]
    Geometry(#[from] SphError),
    /// No kinematic weight inside projected 2R_hsm, so v̄ is undefined.
    #[error("no kinematic weight inside projected 2R_hsm along {0}")]
    NoKinematicWeight(&'static str),
    /// The given smoothing lengths are not one per star.
    #[error("{got} smoothing lengths for {expected} stars")]
    SmoothingLengths {
        /// Number of stars.
        expected: usize,
        /// Number of smoothing lengths given.
        got: usize,
    },
    /// The integrated g−r colour (the fill of the colour map) is undefined.
    #[error("total attenuated g or r luminosity is not positive along {0}")]
    NoLight(&'static str),
}

/// Options of [`observe`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ObserveOptions {
    /// Pixels per side of the stored light maps: 300 (rendered), 150 (2×2 sums) or 60
    /// (5×5 sums); any divisor of 300 works.
    pub image_size: usize,
    /// Smoothing-length definition (default 3D 32-neighbour).
    pub hsml: Hsml,
    /// Weight of the kinematic maps (default attenuated r-band luminosity).
    pub kin_weight: KinWeight,
}

impl Default for ObserveOptions {
    fn default() -> Self {
        ObserveOptions {
            image_size: IMAGE_SIZE,
            hsml: Hsml::Knn3d,
            kin_weight: KinWeight::Luminosity,
        }
    }
}

/// The maps of one projection, row = second image axis, column = first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectionMaps {
    /// Line of sight.
    pub axis: Axis,
    /// Light-map pixels per side.
    pub image_size: usize,
    /// Light-map pixel side in kpc (6R_hsm/image_size).
    pub pixel_kpc: f64,
    /// r-band surface brightness, dust-attenuated, L☉,r kpc⁻², image_size² row-major.
    pub r: Vec<f32>,
    /// g-band surface brightness, dust-attenuated, L☉,g kpc⁻², image_size² row-major.
    pub g: Vec<f32>,
    /// Kinematic pixels per side (48).
    pub kin_size: usize,
    /// Mean LOS velocity V (first kin_size², km/s) then dispersion σ (next kin_size², km/s);
    /// 0 where masked.
    pub vel: Vec<f32>,
    /// 1 where the kinematic pixel holds at least 2 particles (4.3), else 0.
    pub vel_mask: Vec<u8>,
    /// Integrated g−r (mag) of all stars after dust: the fill of the colour map.
    pub g_r_integrated: f64,
    /// Weighted mean LOS velocity v̄ of the σ_v aperture (km/s), subtracted from V.
    pub v_mean_los: f64,
}

impl ProjectionMaps {
    /// The g−r map and its mask (4.2), with the integrated g−r as neutral fill.
    pub fn colour(&self) -> (Vec<f32>, Vec<u8>) {
        colour_map(&self.g, &self.r, self.g_r_integrated)
    }

    /// The velocity map V (km/s).
    pub fn velocity(&self) -> &[f32] {
        &self.vel[..self.kin_size * self.kin_size]
    }

    /// The dispersion map σ (km/s).
    pub fn dispersion(&self) -> &[f32] {
        &self.vel[self.kin_size * self.kin_size..]
    }
}

/// 3D smoothing lengths of `galaxy`'s stars (kpc), as [`observe_with_smoothing`] wants them.
pub fn galaxy_smoothing_lengths(galaxy: &Galaxy) -> Vec<f64> {
    smoothing_lengths_3d(&galaxy.stars.pos, N_NEIGHBOURS)
}

/// The 3D smoothing lengths [`observe_with_smoothing`] wants under `opts` (kpc, one per
/// star; empty with [`Hsml::Knn2d`], which computes projected ones per line of sight).
pub fn smoothing_lengths(galaxy: &Galaxy, opts: &ObserveOptions) -> Vec<f64> {
    match opts.hsml {
        Hsml::Knn3d => galaxy_smoothing_lengths(galaxy),
        Hsml::Knn2d => Vec::new(),
    }
}

/// Observes `galaxy` (half-mass radius `rhsm` kpc) along `axis`. Computes the smoothing
/// lengths itself; use [`observe_all`] for the three projections of a galaxy.
pub fn observe(
    galaxy: &Galaxy,
    axis: Axis,
    rhsm: f64,
    opts: &ObserveOptions,
) -> Result<ProjectionMaps, ObserveError> {
    let h = smoothing_lengths(galaxy, opts);
    observe_with_smoothing(galaxy, axis, rhsm, &h, opts)
}

/// The three projections x, y, z of `galaxy`, sharing one set of 3D smoothing lengths
/// (in parallel over projections with the `parallel` feature).
pub fn observe_all(
    galaxy: &Galaxy,
    rhsm: f64,
    opts: &ObserveOptions,
) -> Result<Vec<ProjectionMaps>, ObserveError> {
    if galaxy.stars.pos.is_empty() {
        return Err(ObserveError::NoStars);
    }
    let h = smoothing_lengths(galaxy, opts);
    let one = |axis: Axis| observe_with_smoothing(galaxy, axis, rhsm, &h, opts);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        Axis::ALL.into_par_iter().map(one).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        Axis::ALL.into_iter().map(one).collect()
    }
}

/// Observes `galaxy` along `axis` with given 3D smoothing lengths `h3d` (kpc, one per star;
/// ignored with [`Hsml::Knn2d`], which computes projected ones). `rhsm` (kpc) is the map's
/// scale radius: the field is ±3 of it and the σ_v aperture 2 of it — R_hsm, the paper's, or
/// R_e with `telescope::MapScale::Re`.
pub fn observe_with_smoothing(
    galaxy: &Galaxy,
    axis: Axis,
    rhsm: f64,
    h3d: &[f64],
    opts: &ObserveOptions,
) -> Result<ProjectionMaps, ObserveError> {
    let s = &galaxy.stars;
    if s.pos.is_empty() {
        return Err(ObserveError::NoStars);
    }
    if !(rhsm > 0.0 && rhsm.is_finite()) {
        return Err(ObserveError::BadRadius(rhsm));
    }
    let geom = ImageGeometry::for_rhsm(rhsm)?;
    let att = attenuate(galaxy, axis);
    let pr = project(&s.pos, &s.vel, axis);
    let h2d;
    let h: &[f64] = match opts.hsml {
        Hsml::Knn3d if h3d.len() != s.pos.len() => {
            return Err(ObserveError::SmoothingLengths {
                expected: s.pos.len(),
                got: h3d.len(),
            });
        }
        Hsml::Knn3d => h3d,
        Hsml::Knn2d => {
            h2d = smoothing_lengths_2d(&pr.u, &pr.w, N_NEIGHBOURS);
            &h2d
        }
    };
    let (g, r) = light_maps(&pr, h, &att, &geom, opts.image_size)?;
    let pixel_kpc = geom.pixel * geom.size as f64 / opts.image_size as f64;
    let g_r_integrated = integrated_colour(att.lum_g.iter().sum(), att.lum_r.iter().sum())
        .ok_or(ObserveError::NoLight(axis.name()))?;

    let mass: Vec<f64>;
    let weight: &[f64] = match opts.kin_weight {
        KinWeight::Luminosity => &att.lum_r,
        KinWeight::Mass => {
            mass = s.mass.iter().map(|&m| m as f64).collect();
            &mass
        }
    };
    let rp: Vec<f64> = (0..pr.u.len()).map(|i| pr.radius(i)).collect();
    let (v_mean_los, _) = aperture_dispersion(&pr.v_los, weight, &rp, 2.0 * rhsm)
        .ok_or(ObserveError::NoKinematicWeight(axis.name()))?;
    let kin = kinematic_grid(
        &pr.u, &pr.w, &pr.v_los, weight, &att.lum_r, v_mean_los, rhsm,
    )
    .maps();
    let mut vel = kin.vel;
    vel.extend_from_slice(&kin.sigma);
    Ok(ProjectionMaps {
        axis,
        image_size: opts.image_size,
        pixel_kpc,
        r,
        g,
        kin_size: KIN_SIZE,
        vel,
        vel_mask: kin.mask,
        g_r_integrated,
        v_mean_los,
    })
}

/// Renders g and r at the geometry's size, rebins flux to `image_size` and converts to
/// surface brightness (L☉ kpc⁻², f32). Returns (g, r).
fn light_maps(
    pr: &Projected,
    h: &[f64],
    att: &Attenuated,
    geom: &ImageGeometry,
    image_size: usize,
) -> Result<(Vec<f32>, Vec<f32>), ObserveError> {
    let particles = SphParticles {
        u: &pr.u,
        w: &pr.w,
        h,
        lum_g: &att.lum_g,
        lum_r: &att.lum_r,
    };
    let img = render(&particles, geom);
    let g = rebin_to(&img.g, geom.size, image_size)?;
    let r = rebin_to(&img.r, geom.size, image_size)?;
    let pixel = geom.pixel * geom.size as f64 / image_size as f64;
    let inv_area = 1.0 / (pixel * pixel);
    let sb = |v: Vec<f64>| v.into_iter().map(|f| (f * inv_area) as f32).collect();
    Ok((sb(g), sb(r)))
}
