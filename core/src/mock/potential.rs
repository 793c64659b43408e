//! The spherical mass profile and potential of a mock galaxy (galaxy-model.md 2.4), tabulated
//! once per galaxy on a log grid (100 points per dex from 1e-3·min(a, R_d) to 10 r200) and
//! looked up by direct log-index arithmetic. Units: kpc, M☉, km/s.

use super::halo::DarkHalo;
use super::profiles::Baryons;
use crate::units::G;

/// Grid points per dex of radius.
pub const POINTS_PER_DEX: f64 = 100.0;

/// Spherical enclosed mass M(<r), potential Φ(r) and escape speed on a logarithmic grid.
#[derive(Clone, Debug, PartialEq)]
pub struct MassProfile {
    /// ln of the first grid radius (kpc).
    pub ln_r0: f64,
    /// Grid step in ln r.
    pub dln: f64,
    /// Grid radii in kpc.
    pub r: Vec<f64>,
    /// Total enclosed mass at the grid radii, M☉.
    pub mass: Vec<f64>,
    /// Dark-matter enclosed mass at the grid radii, M☉.
    pub mass_dm: Vec<f64>,
    /// Potential at the grid radii, (km/s)².
    pub phi: Vec<f64>,
}

impl MassProfile {
    /// The galaxy's profile M(<r) = M_DM(<r) + M_b(<r) + M_d,cyl(<r) + M_gas,cyl(<r) + M_BH, on
    /// the grid from 1e-3·min(a, R_d) (1e-3 r_s without bulge and disc) to 10 r200.
    pub fn new(baryons: &Baryons, halo: &DarkHalo) -> Self {
        let r_lo = 1e-3 * baryons.smallest_scale().unwrap_or(halo.nfw.r_s);
        let r_hi = 10.0 * halo.nfw.r200;
        Self::from_fn(r_lo, r_hi, POINTS_PER_DEX, |r| {
            let dm = halo.enclosed_mass(r);
            (dm + baryons.enclosed_mass(r), dm)
        })
    }

    /// A profile from a function r ↦ (M_total(<r), M_DM(<r)) in M☉ on a log grid from `r_lo` to
    /// `r_hi` kpc with `per_dex` points per dex. Φ(r_k) = −G M(<r_max)/r_max − ∫_{r_k}^{r_max}
    /// G M(<r')/r'² dr' (trapezoid in ln r).
    pub fn from_fn(
        r_lo: f64,
        r_hi: f64,
        per_dex: f64,
        enclosed: impl Fn(f64) -> (f64, f64),
    ) -> Self {
        let ln_r0 = r_lo.ln();
        let dln = std::f64::consts::LN_10 / per_dex;
        let n = (((r_hi.ln() - ln_r0) / dln).ceil() as usize).max(1) + 1;
        let r: Vec<f64> = (0..n).map(|k| (ln_r0 + k as f64 * dln).exp()).collect();
        let (mass, mass_dm): (Vec<f64>, Vec<f64>) = r.iter().map(|&x| enclosed(x)).unzip();
        let mut phi = vec![0.0; n];
        phi[n - 1] = -G * mass[n - 1] / r[n - 1];
        for k in (0..n - 1).rev() {
            let f0 = G * mass[k] / r[k];
            let f1 = G * mass[k + 1] / r[k + 1];
            phi[k] = phi[k + 1] - 0.5 * (f0 + f1) * dln;
        }
        Self {
            ln_r0,
            dln,
            r,
            mass,
            mass_dm,
            phi,
        }
    }

    /// Grid index j and weight t such that r lies between nodes j and j+1, clamped to the grid.
    pub fn locate(&self, r: f64) -> (usize, f64) {
        let n = self.r.len();
        let t = (r.max(1e-300).ln() - self.ln_r0) / self.dln;
        if t <= 0.0 || n < 2 {
            return (0, 0.0);
        }
        let j = t.floor() as usize;
        if j + 1 >= n {
            return (n - 2, 1.0);
        }
        (j, t - j as f64)
    }

    /// Total enclosed mass M(<r) in M☉ (linear in ln r on the grid; power-law
    /// extrapolation with the first segment's slope inside the grid; constant beyond).
    pub fn enclosed_mass(&self, r: f64) -> f64 {
        interp_mass(self, &self.mass, r)
    }

    /// Dark-matter enclosed mass in M☉.
    pub fn enclosed_dm(&self, r: f64) -> f64 {
        interp_mass(self, &self.mass_dm, r)
    }

    /// Potential Φ(r) in (km/s)² (Φ of the first node inside the grid, −GM/r beyond it).
    pub fn potential(&self, r: f64) -> f64 {
        let n = self.r.len();
        if r >= self.r[n - 1] {
            return -G * self.mass[n - 1] / r;
        }
        let (j, t) = self.locate(r);
        self.phi[j] + t * (self.phi[j + 1] - self.phi[j])
    }

    /// Escape speed v_esc = √(−2Φ(r)) in km/s.
    pub fn escape_speed(&self, r: f64) -> f64 {
        (-2.0 * self.potential(r)).max(0.0).sqrt()
    }

    /// Spherical circular speed √(G M(<r)/r) in km/s.
    pub fn circular_speed(&self, r: f64) -> f64 {
        if r <= 0.0 {
            return 0.0;
        }
        (G * self.enclosed_mass(r) / r).sqrt()
    }
}

/// Interpolates a mass column: linear in ln r on the grid, power law below it, flat above.
fn interp_mass(p: &MassProfile, m: &[f64], r: f64) -> f64 {
    if r <= 0.0 {
        return 0.0;
    }
    let n = m.len();
    if r < p.r[0] {
        if n < 2 || m[0] <= 0.0 || m[1] <= 0.0 {
            return m[0];
        }
        let s = (m[1] / m[0]).ln() / p.dln;
        return m[0] * (r / p.r[0]).powf(s);
    }
    let (j, t) = p.locate(r);
    if r >= p.r[n - 1] {
        return m[n - 1];
    }
    m[j] + t * (m[j + 1] - m[j])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::HaloResponse;
    use crate::mock::halo::DarkHalo;
    use crate::mock::profiles::{ExpDisc, Hernquist};

    #[test]
    fn hernquist_potential_matches_closed_form() {
        // Φ = −GM/(r+a) for an untruncated Hernquist sphere; the grid reaches 1e4 a so the
        // outer boundary term carries the missing mass to 1e-4.
        let (m, a) = (1e11, 2.0);
        let p = MassProfile::from_fn(1e-3 * a, 1e4 * a, POINTS_PER_DEX, |r| {
            (m * r * r / ((r + a) * (r + a)), 0.0)
        });
        for x in [0.01, 0.1, 1.0, 10.0, 100.0] {
            let r = x * a;
            let exact = -G * m / (r + a);
            assert!(
                (p.potential(r) / exact - 1.0).abs() < 2e-4,
                "x={x}: {} vs {exact}",
                p.potential(r)
            );
            assert!((p.enclosed_mass(r) / (m * r * r / ((r + a) * (r + a))) - 1.0).abs() < 1e-3);
        }
        assert!((p.escape_speed(a) - (G * m / a).sqrt()).abs() < 1e-3 * (G * m / a).sqrt());
    }

    #[test]
    fn galaxy_profile_sums_components() {
        let b = Baryons {
            bulge: Some(Hernquist::new(1e10, 0.7)),
            disc: Some(ExpDisc::new(3e10, 3.0, 0.8)),
            gas: None,
            m_bh: 0.0,
        };
        let h = DarkHalo::new(1e12, 8.0, HaloResponse::None, &b, 4e10 / 1e12);
        let p = MassProfile::new(&b, &h);
        assert!((p.r[0] / 7e-4 - 1.0).abs() < 1e-12);
        assert!(p.r[p.r.len() - 1] >= 10.0 * h.nfw.r200);
        for r in [0.01, 1.0, 5.0, 50.0, 300.0] {
            let exact = h.enclosed_mass(r) + b.enclosed_mass(r);
            assert!((p.enclosed_mass(r) / exact - 1.0).abs() < 2e-3, "r={r}");
            assert!(
                (p.enclosed_dm(r) / h.enclosed_mass(r) - 1.0).abs() < 2e-3,
                "r={r}"
            );
        }
        // Φ is increasing (towards 0) and v_esc decreasing outward.
        assert!(p.phi.windows(2).all(|w| w[1] > w[0]));
        assert!(p.escape_speed(1.0) > p.escape_speed(10.0));
    }
}
