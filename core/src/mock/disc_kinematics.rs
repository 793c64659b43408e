//! Stellar-disc and gas velocities (galaxy-model.md 2.5–2.6): the Hernquist (1993) moment
//! method with the Freeman (1970) rotation curve of the exponential disc, an isothermal-sheet
//! vertical dispersion, the epicycle approximation for σ_φ and the asymmetric drift for v̄_φ,
//! tabulated once per galaxy on a log grid in R. Units: kpc, km/s, M☉.

use super::halo::DarkHalo;
use super::jeans::{draw_bound, gauss};
use super::potential::MassProfile;
use super::profiles::{Baryons, ExpDisc, GasDisc};
use super::special::freeman_bessel_term;
use crate::units::G;
use rand::Rng;
use std::f64::consts::PI;

/// Nodes of the disc kinematics grid (0.01 R_d … 12 R_d, or to the gas-disc edge if farther).
pub const DISC_NODES: usize = 400;
/// Floor of the vertical dispersion σ_z in km/s.
pub const SIGMA_Z_FLOOR: f64 = 10.0;
/// Per-axis velocity dispersion of gas particles in km/s.
pub const GAS_SIGMA: f64 = 10.0;

/// Freeman (1970) circular speed squared, in (km/s)², of a razor-thin exponential disc of mass
/// `m_d` (M☉) and scale length `r_d` (kpc) at radius `r`:
/// v_F² = (2 G M_d / R_d) y² [I₀(y)K₀(y) − I₁(y)K₁(y)], y = R/(2R_d).
pub fn freeman_vc2(r: f64, m_d: f64, r_d: f64) -> f64 {
    2.0 * G * m_d / r_d * freeman_bessel_term(r / (2.0 * r_d))
}

/// Moments of the disc's velocity distribution on a log grid in R.
#[derive(Clone, Debug, PartialEq)]
pub struct DiscKinematics {
    /// ln of the first grid radius (kpc).
    pub ln_r0: f64,
    /// Grid step in ln R.
    pub dln: f64,
    /// Grid radii in kpc.
    pub r: Vec<f64>,
    /// Circular speed squared v_c² in (km/s)² (spherical non-disc mass + Freeman disc).
    pub v_c2: Vec<f64>,
    /// Radial dispersion σ_R in km/s.
    pub sigma_r: Vec<f64>,
    /// Azimuthal dispersion σ_φ in km/s.
    pub sigma_phi: Vec<f64>,
    /// Vertical dispersion σ_z in km/s.
    pub sigma_z: Vec<f64>,
    /// Mean azimuthal speed v̄_φ in km/s (≥ 0).
    pub v_phi: Vec<f64>,
}

impl DiscKinematics {
    /// The stellar disc `disc` in the potential of the other `baryons` (bulge, gas, black hole;
    /// `baryons.disc` is ignored, the disc enters through the Freeman term) and the `halo`, with
    /// σ_z/σ_R = `f_zr`.
    pub fn new(disc: &ExpDisc, baryons: &Baryons, halo: &DarkHalo, f_zr: f64) -> Self {
        let other = |r: f64| {
            halo.enclosed_mass(r)
                + baryons.bulge.as_ref().map_or(0.0, |b| b.enclosed_mass(r))
                + baryons.gas.as_ref().map_or(0.0, |g| g.enclosed_mass(r))
                + baryons.m_bh
        };
        Self::from_parts(disc, baryons.gas.as_ref(), other, f_zr)
    }

    /// The general form: `other_mass(R)` is the spherical enclosed mass (M☉) of everything but
    /// the stellar disc; `gas` adds its surface density to Σ_dyn. On 400 log nodes from 0.01 R_d
    /// to max(12 R_d, gas edge):
    /// v_c² = G M_other/R + v_F², σ_z² = π G Σ_dyn z0 (≥ 10 km/s), σ_R = σ_z/f_zR,
    /// σ_φ² = σ_R² κ²/(4Ω²) with κ²/(4Ω²) = ½(1 + dln v_c/dln R),
    /// v̄_φ² = v_c² + σ_R²[1 − κ²/(4Ω²) + dln(Σ* σ_R²)/dln R], Σ* ∝ e^{−R/R_d}.
    pub fn from_parts(
        disc: &ExpDisc,
        gas: Option<&GasDisc>,
        other_mass: impl Fn(f64) -> f64,
        f_zr: f64,
    ) -> Self {
        let n = DISC_NODES;
        let lo = (0.01 * disc.r_d).ln();
        let hi = (12.0 * disc.r_d).max(gas.map_or(0.0, |g| g.r_max)).ln();
        let dln = (hi - lo) / (n - 1) as f64;
        let r: Vec<f64> = (0..n).map(|k| (lo + k as f64 * dln).exp()).collect();
        let v_c2: Vec<f64> = r
            .iter()
            .map(|&x| G * other_mass(x) / x + freeman_vc2(x, disc.mass, disc.r_d))
            .collect();
        let sigma_z: Vec<f64> = r
            .iter()
            .map(|&x| {
                let sigma_dyn = disc.mass / (2.0 * PI * disc.r_d * disc.r_d)
                    * (-x / disc.r_d).exp()
                    + gas.map_or(0.0, |g| g.surface_density(x));
                (PI * G * sigma_dyn * disc.z0).sqrt().max(SIGMA_Z_FLOOR)
            })
            .collect();
        let sigma_r: Vec<f64> = sigma_z.iter().map(|s| s / f_zr).collect();
        let ln_vc2: Vec<f64> = v_c2.iter().map(|v| v.max(1e-300).ln()).collect();
        let ln_sr2: Vec<f64> = sigma_r.iter().map(|s| (s * s).ln()).collect();
        let deriv = |y: &[f64], k: usize| {
            let (a, b) = (k.saturating_sub(1), (k + 1).min(n - 1));
            (y[b] - y[a]) / ((b - a) as f64 * dln)
        };
        let mut sigma_phi = Vec::with_capacity(n);
        let mut v_phi = Vec::with_capacity(n);
        for k in 0..n {
            let dlnvc = 0.5 * deriv(&ln_vc2, k);
            let k2_4o2 = (0.5 * (1.0 + dlnvc)).max(0.0);
            let sr2 = sigma_r[k] * sigma_r[k];
            sigma_phi.push((sr2 * k2_4o2).sqrt());
            let dln_sig = -r[k] / disc.r_d + deriv(&ln_sr2, k);
            let vphi2 = v_c2[k] + sr2 * (1.0 - k2_4o2 + dln_sig);
            v_phi.push(vphi2.max(0.0).sqrt());
        }
        Self {
            ln_r0: lo,
            dln,
            r,
            v_c2,
            sigma_r,
            sigma_phi,
            sigma_z,
            v_phi,
        }
    }

    /// Node index and weight at cylindrical radius `r` (clamped to the grid).
    fn locate(&self, r: f64) -> (usize, f64) {
        let n = self.r.len();
        let t = (r.max(1e-300).ln() - self.ln_r0) / self.dln;
        if t <= 0.0 {
            return (0, 0.0);
        }
        let j = t.floor() as usize;
        if j + 1 >= n {
            (n - 2, 1.0)
        } else {
            (j, t - j as f64)
        }
    }

    fn at(&self, col: &[f64], j: usize, t: f64) -> f64 {
        col[j] + t * (col[j + 1] - col[j])
    }

    /// Circular speed v_c(R) in km/s (linear in ln R, clamped at the grid ends).
    pub fn circular_speed(&self, r: f64) -> f64 {
        let (j, t) = self.locate(r);
        self.at(&self.v_c2, j, t).max(0.0).sqrt()
    }

    /// Disc-star velocities (km/s) at positions `pos` (kpc, disc in the x–y plane):
    /// v_R ~ N(0, σ_R), v_φ = v̄_φ + N(0, σ_φ), v_z ~ N(0, σ_z) at each particle's R, redrawn
    /// (≤ 30 times) while |v| ≥ v_esc(r) of `profile`.
    pub fn draw_velocities<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        pos: &[[f64; 3]],
        profile: &MassProfile,
    ) -> Vec<[f64; 3]> {
        pos.iter()
            .map(|x| {
                let rc = (x[0] * x[0] + x[1] * x[1]).sqrt();
                let r = (rc * rc + x[2] * x[2]).sqrt();
                let (cp, sp) = if rc > 0.0 {
                    (x[0] / rc, x[1] / rc)
                } else {
                    (1.0, 0.0)
                };
                let (j, t) = self.locate(rc);
                let (sr, sphi, sz, vphi) = (
                    self.at(&self.sigma_r, j, t),
                    self.at(&self.sigma_phi, j, t),
                    self.at(&self.sigma_z, j, t),
                    self.at(&self.v_phi, j, t),
                );
                draw_bound(rng, profile.escape_speed(r), |g| {
                    let v_r = sr * gauss(g);
                    let v_p = vphi + sphi * gauss(g);
                    let v_z = sz * gauss(g);
                    [v_r * cp - v_p * sp, v_r * sp + v_p * cp, v_z]
                })
            })
            .collect()
    }
}

/// Gas-particle velocities (km/s): v = v_c(R) e_φ + N(0, `sigma`) per axis, with the circular
/// speed `v_circ(R)` (e.g. [`DiscKinematics::circular_speed`]) at each particle's cylindrical R.
pub fn gas_velocities<R: Rng + ?Sized>(
    rng: &mut R,
    pos: &[[f64; 3]],
    v_circ: impl Fn(f64) -> f64,
    sigma: f64,
) -> Vec<[f64; 3]> {
    pos.iter()
        .map(|x| {
            let rc = (x[0] * x[0] + x[1] * x[1]).sqrt();
            let (cp, sp) = if rc > 0.0 {
                (x[0] / rc, x[1] / rc)
            } else {
                (1.0, 0.0)
            };
            let vc = v_circ(rc);
            [
                -vc * sp + sigma * gauss(rng),
                vc * cp + sigma * gauss(rng),
                sigma * gauss(rng),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::HaloResponse;
    use crate::mock::galaxy_rng;
    use crate::mock::profiles::Hernquist;

    #[test]
    fn freeman_curve_numbers() {
        // Test 9: peak at R = 2.150 R_d with v² = 0.38705 GM/R_d; v²(2R_d) = 0.385743 GM/R_d.
        let (m, rd) = (1.0 / G, 1.0); // G M_d / R_d = 1
        let v2_2 = freeman_vc2(2.0, m, rd);
        eprintln!("test 9: v_F²(2R_d) = {v2_2:.6} GM_d/R_d");
        assert!((v2_2 - 0.385743).abs() < 2e-6, "{v2_2}");
        let (mut best_r, mut best_v) = (0.0, 0.0);
        for k in 0..=20000 {
            let r = 1.5 + k as f64 * 1e-4;
            let v = freeman_vc2(r, m, rd);
            if v > best_v {
                (best_r, best_v) = (r, v);
            }
        }
        eprintln!("test 9: peak at R = {best_r:.4} R_d, v_F,max² = {best_v:.6} GM_d/R_d");
        assert!((best_r - 2.150).abs() < 2e-3, "peak at {best_r}");
        assert!((best_v - 0.38705).abs() < 1e-5, "peak {best_v}");
        assert!((best_v.sqrt() - 0.6221).abs() < 1e-4);
        // Far out the disc acts as a point mass.
        assert!((freeman_vc2(60.0, m, rd) * 60.0 - 1.0).abs() < 2e-3);
    }

    fn galaxy() -> (ExpDisc, Baryons, DarkHalo, MassProfile) {
        let disc = ExpDisc::new(4e10, 3.0, 0.8);
        let b = Baryons {
            bulge: Some(Hernquist::new(1e10, 0.6)),
            disc: Some(disc.clone()),
            gas: Some(GasDisc::new(6e9, 5.1, 3.0, 0.4)),
            m_bh: 0.0,
        };
        let halo = DarkHalo::new(
            1.2e12,
            8.0,
            HaloResponse::Gnedin04,
            &b,
            b.total_mass() / 1.2e12,
        );
        let p = MassProfile::new(&b, &halo);
        (disc, b, halo, p)
    }

    #[test]
    fn disc_moments_follow_the_recipe() {
        let (disc, b, halo, _p) = galaxy();
        let kin = DiscKinematics::new(&disc, &b, &halo, 0.6);
        let r = 2.0 * disc.r_d;
        // v_c² is the sum of the spherical non-disc mass and the Freeman term.
        let other = halo.enclosed_mass(r)
            + b.bulge.as_ref().unwrap().enclosed_mass(r)
            + b.gas.as_ref().unwrap().enclosed_mass(r);
        let vc2 = G * other / r + freeman_vc2(r, disc.mass, disc.r_d);
        assert!((kin.circular_speed(r).powi(2) / vc2 - 1.0).abs() < 1e-3);
        // Isothermal sheet: σ_z² = π G Σ z0.
        let (j, t) = kin.locate(r);
        let sz = kin.at(&kin.sigma_z, j, t);
        let sig = disc.mass / (2.0 * PI * disc.r_d.powi(2)) * (-2.0f64).exp()
            + b.gas.as_ref().unwrap().surface_density(r);
        assert!((sz / (PI * G * sig * disc.z0).sqrt() - 1.0).abs() < 1e-3);
        assert!((kin.at(&kin.sigma_r, j, t) * 0.6 / sz - 1.0).abs() < 1e-12);
        // Flat-ish rotation curve: κ²/4Ω² ≈ ½, so σ_φ ≈ σ_R/√2; asymmetric drift lowers v̄_φ.
        let ratio = kin.at(&kin.sigma_phi, j, t) / kin.at(&kin.sigma_r, j, t);
        assert!(ratio > 0.6 && ratio < 0.8, "{ratio}");
        assert!(kin.at(&kin.v_phi, j, t) < kin.circular_speed(r));
        assert!(kin.sigma_z.iter().all(|&s| s >= SIGMA_Z_FLOOR));
    }

    #[test]
    fn sampled_disc_velocities_have_the_tabulated_moments() {
        let (disc, b, halo, p) = galaxy();
        let kin = DiscKinematics::new(&disc, &b, &halo, 0.6);
        let mut rng = galaxy_rng(41, 0);
        let n = 50_000;
        let pos = disc.sample_positions(&mut rng, n);
        let vel = kin.draw_velocities(&mut rng, &pos, &p);
        // Particles near R = 2 R_d (±5 %): mean v_φ and dispersions.
        let (mut s, mut cnt) = ([0.0f64; 5], 0.0);
        for (x, v) in pos.iter().zip(&vel) {
            let rc = (x[0] * x[0] + x[1] * x[1]).sqrt();
            if (rc / (2.0 * disc.r_d) - 1.0).abs() < 0.05 {
                let vr = (x[0] * v[0] + x[1] * v[1]) / rc;
                let vp = (x[0] * v[1] - x[1] * v[0]) / rc;
                s[0] += vp;
                s[1] += vp * vp;
                s[2] += vr * vr;
                s[3] += v[2] * v[2];
                s[4] += vr;
                cnt += 1.0;
            }
        }
        let (j, t) = kin.locate(2.0 * disc.r_d);
        let mean_vp = s[0] / cnt;
        let sig_p = (s[1] / cnt - mean_vp * mean_vp).sqrt();
        assert!(
            (mean_vp / kin.at(&kin.v_phi, j, t) - 1.0).abs() < 0.02,
            "{mean_vp}"
        );
        assert!((sig_p / kin.at(&kin.sigma_phi, j, t) - 1.0).abs() < 0.06);
        assert!(((s[2] / cnt).sqrt() / kin.at(&kin.sigma_r, j, t) - 1.0).abs() < 0.06);
        assert!(((s[3] / cnt).sqrt() / kin.at(&kin.sigma_z, j, t) - 1.0).abs() < 0.06);
        assert!((s[4] / cnt).abs() < 0.1 * kin.at(&kin.sigma_r, j, t));
    }

    #[test]
    fn gas_moves_on_circular_orbits_with_ten_km_s_noise() {
        let (disc, b, halo, _p) = galaxy();
        let kin = DiscKinematics::new(&disc, &b, &halo, 0.6);
        let gas = b.gas.as_ref().unwrap();
        let mut rng = galaxy_rng(42, 0);
        let pos = gas.sample_positions(&mut rng, 20_000);
        let vel = gas_velocities(&mut rng, &pos, |r| kin.circular_speed(r), GAS_SIGMA);
        let (mut dvp, mut vz2) = (0.0, 0.0);
        for (x, v) in pos.iter().zip(&vel) {
            let rc = (x[0] * x[0] + x[1] * x[1]).sqrt();
            let vp = (x[0] * v[1] - x[1] * v[0]) / rc;
            dvp += vp - kin.circular_speed(rc);
            vz2 += v[2] * v[2];
        }
        let n = pos.len() as f64;
        assert!((dvp / n).abs() < 0.3);
        assert!(((vz2 / n).sqrt() / GAS_SIGMA - 1.0).abs() < 0.03);
    }
}
