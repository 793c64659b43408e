//! Spherical enclosed-mass profile and potential of all matter of a galaxy, from its
//! particles (stars, dark matter, gas, black holes) plus an optional analytic gas profile
//! (galaxy-model.md 3.3, circularity; 2.1 `gas = analytic`).
//!
//! Enclosed mass counts particles with r_j < r (strict). The potential is
//! Φ(r) = −G [M(<r)/r + Σ_{r_j ≥ r} m_j/r_j] (continuous in r; particle radii floored at
//! 1e-6 kpc), plus the exact potential of the piecewise-linear analytic gas M_gas(<r).

use crate::galaxy::{AnalyticGas, Galaxy};
use crate::units::G;

/// Smallest particle radius used in the potential sum m/r, in kpc.
const R_FLOOR: f64 = 1e-6;

/// Sorted radii with cumulative and outer sums, for O(log N) M(<r) and Φ(r).
#[derive(Clone, Debug, Default)]
pub struct MassProfile {
    /// Particle radii in kpc, increasing.
    r: Vec<f64>,
    /// `cum[j]` = Σ_{l<j} m_l (M☉), length N + 1.
    cum: Vec<f64>,
    /// `outer[j]` = Σ_{l≥j} m_l / max(r_l, R_FLOOR) (M☉/kpc), length N + 1.
    outer: Vec<f64>,
    /// Analytic gas: table radii, enclosed masses and ∫_{r_k}^∞ dM/r' at each node.
    gas: Option<(AnalyticGas, Vec<f64>)>,
    /// Circular-orbit energy E_c at each particle radius (non-decreasing), (km/s)².
    ec: Vec<f64>,
}

impl MassProfile {
    /// Profile of (radius kpc, mass M☉) pairs plus an optional analytic gas profile.
    pub fn new(mut particles: Vec<(f64, f64)>, analytic_gas: Option<&AnalyticGas>) -> Self {
        particles.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let n = particles.len();
        let r: Vec<f64> = particles.iter().map(|p| p.0).collect();
        let mut cum = vec![0.0; n + 1];
        for j in 0..n {
            cum[j + 1] = cum[j] + particles[j].1;
        }
        let mut outer = vec![0.0; n + 1];
        for j in (0..n).rev() {
            outer[j] = outer[j + 1] + particles[j].1 / particles[j].0.max(R_FLOOR);
        }
        let gas = analytic_gas.filter(|g| !g.r_kpc.is_empty()).map(|g| {
            let (rs, ms) = (&g.r_kpc, &g.mass_enclosed);
            let m = rs.len().min(ms.len());
            let mut tail = vec![0.0; m];
            for k in (0..m.saturating_sub(1)).rev() {
                tail[k] = tail[k + 1] + segment_integral(rs[k], rs[k + 1], ms[k], ms[k + 1], rs[k]);
            }
            (g.clone(), tail)
        });
        let mut prof = MassProfile {
            r,
            cum,
            outer,
            gas,
            ec: Vec::new(),
        };
        prof.ec = (0..n)
            .map(|j| {
                let rj = prof.r[j].max(R_FLOOR);
                let mut e = -G * (0.5 * prof.cum[j] / rj + prof.outer[j]);
                if let Some((g, tail)) = &prof.gas {
                    e += -G * (0.5 * g.enclosed(rj) / rj + gas_outer(g, tail, rj));
                }
                e
            })
            .collect();
        prof
    }

    /// Profile of every particle type of `galaxy` (3D radii about the origin) plus its
    /// analytic gas.
    pub fn from_galaxy(galaxy: &Galaxy) -> Self {
        let mut p = Vec::with_capacity(
            galaxy.stars.mass.len()
                + galaxy.dm.mass.len()
                + galaxy.gas.mass.len()
                + galaxy.bh.mass.len(),
        );
        let mut push = |pos: &[[f32; 3]], mass: &[f32]| {
            for (x, &m) in pos.iter().zip(mass) {
                p.push((super::frame::radius_f32(x), m as f64));
            }
        };
        push(&galaxy.stars.pos, &galaxy.stars.mass);
        push(&galaxy.dm.pos, &galaxy.dm.mass);
        push(&galaxy.gas.pos, &galaxy.gas.mass);
        push(&galaxy.bh.pos, &galaxy.bh.mass);
        Self::new(p, galaxy.analytic_gas.as_ref())
    }

    /// Total mass M(<r) in M☉ inside radius `r` kpc (particles strictly inside, plus the
    /// analytic gas).
    pub fn enclosed(&self, r: f64) -> f64 {
        let j = self.r.partition_point(|&x| x < r);
        self.cum[j] + self.gas.as_ref().map_or(0.0, |(g, _)| g.enclosed(r))
    }

    /// Circular speed v_c(r) = √(G M(<r)/r) in km/s (0 for r ≤ 0).
    pub fn v_circ(&self, r: f64) -> f64 {
        if r > 0.0 {
            (G * self.enclosed(r) / r).sqrt()
        } else {
            0.0
        }
    }

    /// Specific angular momentum of a circular orbit, j_c(r) = √(G M(<r) r), kpc km/s.
    pub fn j_circ(&self, r: f64) -> f64 {
        (G * self.enclosed(r) * r.max(0.0)).sqrt()
    }

    /// Gravitational potential Φ(r) in (km/s)² (see the module docs).
    pub fn potential(&self, r: f64) -> f64 {
        let r = r.max(R_FLOOR);
        let j = self.r.partition_point(|&x| x < r);
        let mut s = self.cum[j] / r + self.outer[j];
        if let Some((g, tail)) = &self.gas {
            s += g.enclosed(r) / r + gas_outer(g, tail, r);
        }
        -G * s
    }

    /// Energy of a circular orbit at r, E_c(r) = Φ(r) + v_c²/2, in (km/s)².
    #[cfg(test)]
    pub fn circular_energy(&self, r: f64) -> f64 {
        self.potential(r) + 0.5 * G * self.enclosed(r) / r.max(R_FLOOR)
    }

    /// Radius r_c (kpc) of the circular orbit of energy `e` (km/s)², E_c(r_c) = e.
    ///
    /// E_c(r) = Φ(r) + G M(<r)/(2r) is non-decreasing (dE_c/dr = G M/(2r²) + G M′/(2r)).
    /// Between two particle radii the particle part is −G[Σ_{r_j ≥ r} m_j/r_j] − G M/(2r)
    /// with M fixed, solved in closed form; with analytic gas the bracket is bisected.
    /// `None` for e ≥ 0 (unbound) or when e lies below E_c at the innermost particle
    /// (no enclosed mass there).
    pub fn circular_radius(&self, e: f64) -> Option<f64> {
        if !(e < 0.0) {
            return None;
        }
        let n = self.r.len();
        // Largest node j with E_c(r_j) ≤ e; the orbit lies in (r_j, r_{j+1}].
        let j = self.ec.partition_point(|&x| x <= e);
        if j == 0 {
            return None;
        }
        let j = j - 1;
        let lo = self.r[j].max(R_FLOOR);
        let (m_in, out) = (self.cum[j + 1], self.outer[j + 1]);
        match &self.gas {
            None => {
                let denom = e + G * out;
                if !(denom < 0.0) || !(m_in > 0.0) {
                    return Some(lo);
                }
                let rc = -G * m_in / (2.0 * denom);
                let hi = if j + 1 < n {
                    self.r[j + 1]
                } else {
                    f64::INFINITY
                };
                Some(rc.clamp(lo, hi))
            }
            Some((g, tail)) => {
                // Inside the bracket the particle part needs no search.
                let f = |r: f64| {
                    let r = r.max(R_FLOOR);
                    -G * (out + 0.5 * m_in / r + 0.5 * g.enclosed(r) / r + gas_outer(g, tail, r))
                };
                let mut hi = if j + 1 < n { self.r[j + 1] } else { 2.0 * lo };
                if j + 1 < n && f(hi) < e {
                    // The orbit sits on the jump of E_c at the next particle.
                    return Some(hi);
                }
                let mut grow = 0;
                while f(hi) < e && grow < 200 {
                    hi *= 2.0;
                    grow += 1;
                }
                let mut lo = lo;
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if f(mid) < e {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                    if hi - lo <= 1e-15 * hi {
                        break;
                    }
                }
                Some(0.5 * (lo + hi))
            }
        }
    }
}

/// ∫_{r}^{r1} dM/r' for M linear between (r0, m0) and (r1, m1), r0 ≤ r ≤ r1: s ln(r1/r).
fn segment_integral(r0: f64, r1: f64, m0: f64, m1: f64, r: f64) -> f64 {
    if r1 > r0 && r > 0.0 {
        (m1 - m0) / (r1 - r0) * (r1 / r).ln()
    } else {
        0.0
    }
}

/// ∫_r^∞ dM_gas/r' for the piecewise-linear analytic gas table (linear from the origin below
/// the first node, flat beyond the last).
fn gas_outer(g: &AnalyticGas, tail: &[f64], r: f64) -> f64 {
    let (rs, ms) = (&g.r_kpc, &g.mass_enclosed);
    let m = tail.len();
    if m == 0 || r >= rs[m - 1] {
        return 0.0;
    }
    let i = rs[..m].partition_point(|&x| x <= r);
    if i == 0 {
        return segment_integral(0.0, rs[0], 0.0, ms[0], r) + tail[0];
    }
    segment_integral(rs[i - 1], rs[i], ms[i - 1], ms[i], r) + tail[i]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shells: M(<r) counts strictly smaller radii; Φ matches the shell theorem.
    #[test]
    fn enclosed_mass_and_potential_of_shells() {
        let p = MassProfile::new(vec![(2.0, 3.0), (1.0, 1.0), (4.0, 2.0)], None);
        assert_eq!(p.enclosed(1.0), 0.0);
        assert_eq!(p.enclosed(1.5), 1.0);
        assert_eq!(p.enclosed(10.0), 6.0);
        let phi = p.potential(3.0);
        let expect = -G * (4.0 / 3.0 + 2.0 / 4.0);
        assert!((phi / expect - 1.0).abs() < 1e-14);
        // Continuity across a particle radius.
        assert!((p.potential(2.0 - 1e-12) - p.potential(2.0 + 1e-12)).abs() < 1e-12);
    }

    /// The analytic gas potential equals G ∫ dM/r' of its linear segments: a uniform-density
    /// table M ∝ r (linear) beyond the first node gives Φ from the closed form.
    #[test]
    fn analytic_gas_potential_is_exact_for_linear_segments() {
        let g = AnalyticGas {
            r_kpc: vec![1.0, 2.0, 4.0],
            mass_enclosed: vec![1.0, 2.0, 4.0],
        };
        let p = MassProfile::new(vec![], Some(&g));
        // M = r for r ≤ 4 (slope 1): Φ(r) = −G[1 + ln(4/r)] for r < 4, −G·4/r beyond.
        for r in [0.5, 1.0, 1.5, 3.0] {
            let expect = -G * (1.0 + (4.0f64 / r).ln());
            assert!((p.potential(r) / expect - 1.0).abs() < 1e-12, "r = {r}");
        }
        assert!((p.potential(8.0) / (-G * 0.5) - 1.0).abs() < 1e-12);
        assert!((p.enclosed(3.0) - 3.0).abs() < 1e-12);
    }

    /// circular_radius inverts circular_energy, with and without analytic gas, inside the
    /// particle range and beyond it; unbound energies give None.
    #[test]
    fn circular_radius_inverts_circular_energy() {
        let parts: Vec<(f64, f64)> = (1..200)
            .map(|i| (0.05 * i as f64 * (1.0 + 0.3 * (i as f64).sin()), 1e8))
            .collect();
        let g = AnalyticGas {
            r_kpc: vec![0.5, 3.0, 9.0],
            mass_enclosed: vec![1e8, 2e9, 3e9],
        };
        for gas in [None, Some(&g)] {
            let p = MassProfile::new(parts.clone(), gas);
            for r in [0.123, 0.77, 2.345, 6.1, 11.9, 40.0, 333.0] {
                let rc = p.circular_radius(p.circular_energy(r)).unwrap();
                assert!(
                    (rc / r - 1.0).abs() < 1e-9,
                    "gas {}: r = {r}, r_c = {rc}",
                    gas.is_some()
                );
            }
            assert_eq!(p.circular_radius(0.0), None);
            assert_eq!(p.circular_radius(1.0), None);
        }
    }
}
