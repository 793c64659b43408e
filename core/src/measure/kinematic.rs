//! Projected stellar kinematics of one line of sight (galaxy-model.md 3.3): the aperture
//! dispersion σ_v and the spin parameter λ_R on the NGP kinematic grid.

#[cfg(test)]
use super::KinWeight;
#[cfg(test)]
use crate::galaxy::{Axis, Galaxy};
use crate::projection::kinematics::KinGrid;
#[cfg(test)]
use crate::projection::kinematics::kinematic_grid;
#[cfg(test)]
use crate::projection::project;

/// Minimum number of particles of a pixel used in λ_R.
pub const LAMBDA_MIN_N: u32 = 10;
/// Minimum effective number of particles (Σw)²/Σw² of a pixel used in λ_R.
pub const LAMBDA_MIN_NEFF: f64 = 3.0;

/// Weighted mean v̄ = Σ w v / Σ w and dispersion σ_v = √(Σ w (v − v̄)²/Σ w) (km/s) of the
/// particles with projected radius `r_proj` < `r_ap` (kpc). `None` if their weight is zero.
pub fn aperture_dispersion(
    v_los: &[f64],
    weight: &[f64],
    r_proj: &[f64],
    r_ap: f64,
) -> Option<(f64, f64)> {
    let (mut sw, mut swv) = (0.0, 0.0);
    for ((&v, &w), &r) in v_los.iter().zip(weight).zip(r_proj) {
        if r < r_ap {
            sw += w;
            swv += w * v;
        }
    }
    if !(sw > 0.0) {
        return None;
    }
    let vbar = swv / sw;
    let mut s2 = 0.0;
    for ((&v, &w), &r) in v_los.iter().zip(weight).zip(r_proj) {
        if r < r_ap {
            s2 += w * (v - vbar) * (v - vbar);
        }
    }
    Some((vbar, (s2 / sw).sqrt()))
}

/// λ_R (Emsellem+2007) over the pixels of `grid` whose centre lies at R_k < `r_max` kpc with
/// N ≥ 10 and N_eff ≥ 3:
/// λ_R = Σ F R |V|_c / Σ F R √(|V|_c² + s²), F = pixel flux.
/// Bias-corrected (`corrected`): s² = σ² N_eff/(N_eff − 1), |V|_c = √max(V² − s²/N_eff, 0);
/// uncorrected: s² = σ² (plain), |V|_c = |V|. `None` when no pixel qualifies or the
/// denominator vanishes.
pub fn lambda_r(grid: &KinGrid, r_max: f64, corrected: bool) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for k in 0..grid.size * grid.size {
        if grid.n[k] < LAMBDA_MIN_N {
            continue;
        }
        let neff = grid.n_eff(k);
        if !(neff >= LAMBDA_MIN_NEFF) {
            continue;
        }
        let (cu, cw) = grid.pixel_centre(k);
        let rk = cu.hypot(cw);
        if rk >= r_max {
            continue;
        }
        let v = grid.mean_velocity(k);
        let var = grid.variance(k);
        let (vabs, s2) = if corrected {
            let s2 = var * neff / (neff - 1.0);
            ((v * v - s2 / neff).max(0.0).sqrt(), s2)
        } else {
            (v.abs(), var)
        };
        let fr = grid.flux[k] * rk;
        num += fr * vabs;
        den += fr * (vabs * vabs + s2).sqrt();
    }
    (den > 0.0).then(|| num / den)
}

/// The stellar kinematics of one projection exactly as [`super::measure`] computes them:
/// the NGP grid (48×48 over ±3R_hsm, velocities relative to the aperture mean) and the
/// aperture quantities of the stars inside projected 2R_hsm.
#[derive(Clone, Debug, PartialEq)]
#[cfg(test)]
pub struct ProjectionKinematics {
    /// The kinematic grid; `grid.maps()` gives the V, σ and mask maps of 4.3.
    pub grid: KinGrid,
    /// Weighted mean line-of-sight velocity v̄ inside projected 2R_hsm, km/s.
    pub v_mean: f64,
    /// Weighted line-of-sight dispersion σ_v inside projected 2R_hsm, km/s.
    pub sigma_v: f64,
}

/// Builds [`ProjectionKinematics`] of `galaxy` (centred, at rest) seen along `axis`, for the
/// radius `rhsm` (kpc): weights are the dust-attenuated r-band luminosities
/// ([`KinWeight::Luminosity`]) or the current masses ([`KinWeight::Mass`]); the pixel fluxes
/// are always the attenuated r-band luminosities. `None` when no weight lies inside
/// projected 2R_hsm.
#[cfg(test)]
pub fn projection_kinematics(
    galaxy: &Galaxy,
    axis: Axis,
    rhsm: f64,
    kin_weight: KinWeight,
) -> Option<ProjectionKinematics> {
    let s = &galaxy.stars;
    let att = super::dust::attenuate(galaxy, axis);
    let pr = project(&s.pos, &s.vel, axis);
    let rp: Vec<f64> = (0..pr.u.len()).map(|i| pr.radius(i)).collect();
    let mass: Vec<f64>;
    let weight: &[f64] = match kin_weight {
        KinWeight::Luminosity => &att.lum_r,
        KinWeight::Mass => {
            mass = s.mass.iter().map(|&m| m as f64).collect();
            &mass
        }
    };
    let (v_mean, sigma_v) = aperture_dispersion(&pr.v_los, weight, &rp, 2.0 * rhsm)?;
    let grid = kinematic_grid(&pr.u, &pr.w, &pr.v_los, weight, &att.lum_r, v_mean, rhsm);
    Some(ProjectionKinematics {
        grid,
        v_mean,
        sigma_v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// σ_v of two equal-weight particles at ±10 km/s is 10 km/s about v̄ = 0; particles
    /// outside the aperture are ignored.
    #[test]
    fn aperture_dispersion_of_two_particles() {
        let (vbar, s) = aperture_dispersion(
            &[10.0, -10.0, 500.0],
            &[1.0, 1.0, 1.0],
            &[0.5, 1.0, 3.0],
            2.0,
        )
        .unwrap();
        assert!(vbar.abs() < 1e-12 && (s - 10.0).abs() < 1e-12);
        assert_eq!(aperture_dispersion(&[1.0], &[1.0], &[5.0], 2.0), None);
    }

    /// A pixel of pure rotation (σ = 0) gives λ_R = 1; pure dispersion with V = 0 gives 0.
    #[test]
    fn lambda_r_limits() {
        let mut g = KinGrid::new(4, 2.0);
        for _ in 0..20 {
            g.add(1.5, 0.5, 100.0, 1.0, 1.0);
        }
        assert!((lambda_r(&g, 10.0, true).unwrap() - 1.0).abs() < 1e-12);
        let mut h = KinGrid::new(4, 2.0);
        for i in 0..20 {
            h.add(1.5, 0.5, if i % 2 == 0 { 50.0 } else { -50.0 }, 1.0, 1.0);
        }
        assert!(lambda_r(&h, 10.0, true).unwrap().abs() < 1e-12);
        // Pixels with N < 10 are ignored.
        let mut e = KinGrid::new(4, 2.0);
        e.add(1.5, 0.5, 100.0, 1.0, 1.0);
        assert_eq!(lambda_r(&e, 10.0, true), None);
    }
}
