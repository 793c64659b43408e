//! Spherical Jeans equilibrium with constant anisotropy β (galaxy-model.md 2.5) for the bulge
//! and the dark halo, velocity draws with the escape-speed redraw, and net rotation by
//! velocity-sign flipping. Units: kpc, km/s, M☉.

use super::potential::MassProfile;
use crate::units::G;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// Maximum number of redraws of a velocity vector with |v| ≥ v_esc.
pub const MAX_REDRAWS: usize = 30;

/// Radial velocity dispersion σ_r(r) of a tracer of density ρ in the potential of a
/// [`MassProfile`], on that profile's log grid:
/// σ_r²(r) = 1/(ρ r^{2β}) ∫_r^{r_max} ρ r'^{2β} G M(<r')/r'² dr'.
#[derive(Clone, Debug, PartialEq)]
pub struct JeansTable {
    /// ln of the first grid radius (kpc).
    pub ln_r0: f64,
    /// Grid step in ln r.
    pub dln: f64,
    /// Constant anisotropy β = 1 − σ_t²/σ_r².
    pub beta: f64,
    /// σ_r in km/s at the grid radii.
    pub sigma_r: Vec<f64>,
}

impl JeansTable {
    /// Solves the Jeans equation for a tracer of density `density(r)` (M☉ kpc⁻³, any
    /// normalisation) with anisotropy `beta` in the potential of `profile`: integrand in ln r
    /// f_k = ρ_k r_k^{2β} G M_k / r_k, cumulative trapezoid from outside in with I(r_max) = 0.
    pub fn new(profile: &MassProfile, density: impl Fn(f64) -> f64, beta: f64) -> Self {
        let n = profile.r.len();
        let weight: Vec<f64> = profile
            .r
            .iter()
            .map(|&r| density(r) * r.powf(2.0 * beta))
            .collect();
        let f: Vec<f64> = (0..n)
            .map(|k| weight[k] * G * profile.mass[k] / profile.r[k])
            .collect();
        let mut sigma_r = vec![0.0; n];
        let mut integral = 0.0;
        for k in (0..n).rev() {
            if k + 1 < n {
                integral += 0.5 * (f[k] + f[k + 1]) * profile.dln;
            }
            sigma_r[k] = if weight[k] > 0.0 {
                (integral / weight[k]).max(0.0).sqrt()
            } else {
                0.0
            };
        }
        Self {
            ln_r0: profile.ln_r0,
            dln: profile.dln,
            beta,
            sigma_r,
        }
    }

    /// σ_r(r) in km/s, linear in ln r (clamped to the grid ends).
    pub fn sigma_r(&self, r: f64) -> f64 {
        let n = self.sigma_r.len();
        let t = (r.max(1e-300).ln() - self.ln_r0) / self.dln;
        if t <= 0.0 || n < 2 {
            return self.sigma_r[0];
        }
        let j = t.floor() as usize;
        if j + 1 >= n {
            return self.sigma_r[n - 1];
        }
        let w = t - j as f64;
        self.sigma_r[j] + w * (self.sigma_r[j + 1] - self.sigma_r[j])
    }

    /// Tangential dispersion per component σ_θ = σ_φ = σ_r √(1 − β) in km/s.
    pub fn sigma_t(&self, r: f64) -> f64 {
        self.sigma_r(r) * (1.0 - self.beta).max(0.0).sqrt()
    }
}

/// Draws a velocity with `draw` until |v| < `v_esc` (at most 1 + [`MAX_REDRAWS`] draws); if
/// every draw is unbound the last one is scaled to 0.99 v_esc so the particle stays bound.
pub(crate) fn draw_bound<R: Rng + ?Sized>(
    rng: &mut R,
    v_esc: f64,
    mut draw: impl FnMut(&mut R) -> [f64; 3],
) -> [f64; 3] {
    let mut v = draw(rng);
    for _ in 0..MAX_REDRAWS {
        if norm(&v) < v_esc {
            return v;
        }
        v = draw(rng);
    }
    let s = norm(&v);
    if s >= v_esc && s > 0.0 {
        let f = 0.99 * v_esc / s;
        v = [v[0] * f, v[1] * f, v[2] * f];
    }
    v
}

fn norm(v: &[f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

/// A standard normal deviate.
pub(crate) fn gauss<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

/// Unit vectors (e_r, e_θ, e_φ) at position `x` (e_φ = (−sin φ, cos φ, 0); φ = 0 on the z axis).
fn spherical_basis(x: &[f64; 3]) -> ([f64; 3], [f64; 3], [f64; 3]) {
    let rc = (x[0] * x[0] + x[1] * x[1]).sqrt();
    let r = (rc * rc + x[2] * x[2]).sqrt();
    if r == 0.0 {
        return ([0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
    }
    let (cos_t, sin_t) = (x[2] / r, rc / r);
    let (cos_p, sin_p) = if rc > 0.0 {
        (x[0] / rc, x[1] / rc)
    } else {
        (1.0, 0.0)
    };
    (
        [sin_t * cos_p, sin_t * sin_p, cos_t],
        [cos_t * cos_p, cos_t * sin_p, -sin_t],
        [-sin_p, cos_p, 0.0],
    )
}

/// Velocities (km/s) of particles at `pos` (kpc) in Jeans equilibrium: (v_r, v_θ, v_φ) ~
/// N(0, σ_r), N(0, σ_t), N(0, σ_t) at each particle's r, redrawn (≤ 30 times) while
/// |v| ≥ v_esc(r) of `profile`, then converted to Cartesian components.
pub fn draw_velocities<R: Rng + ?Sized>(
    rng: &mut R,
    pos: &[[f64; 3]],
    jeans: &JeansTable,
    profile: &MassProfile,
) -> Vec<[f64; 3]> {
    let ft = (1.0 - jeans.beta).max(0.0).sqrt();
    // A table built on the profile's own grid shares its interpolation weights (one ln r).
    let shared = jeans.sigma_r.len() == profile.r.len()
        && jeans.ln_r0 == profile.ln_r0
        && jeans.dln == profile.dln;
    let r_last = profile.r[profile.r.len() - 1];
    pos.iter()
        .map(|x| {
            let r = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).sqrt();
            let (sr, v_esc) = if shared && r > profile.r[0] && r < r_last {
                let (j, t) = profile.locate(r);
                let s = &jeans.sigma_r;
                let phi = profile.phi[j] + t * (profile.phi[j + 1] - profile.phi[j]);
                (s[j] + t * (s[j + 1] - s[j]), (-2.0 * phi).max(0.0).sqrt())
            } else {
                (jeans.sigma_r(r), profile.escape_speed(r))
            };
            let st = sr * ft;
            let (er, et, ep) = spherical_basis(x);
            draw_bound(rng, v_esc, |g| {
                let (vr, vt, vp) = (sr * gauss(g), st * gauss(g), st * gauss(g));
                [
                    vr * er[0] + vt * et[0] + vp * ep[0],
                    vr * er[1] + vt * et[1] + vp * ep[1],
                    vr * er[2] + vt * et[2] + vp * ep[2],
                ]
            })
        })
        .collect()
}

/// Net rotation about +z by velocity-sign flipping: every particle with v_φ < 0 has its v_φ
/// reversed with probability `p_flip` (odd-in-L_z part added to the distribution function;
/// second moments and Jeans equilibrium unchanged).
pub fn flip_rotation<R: Rng + ?Sized>(
    rng: &mut R,
    pos: &[[f64; 3]],
    vel: &mut [[f64; 3]],
    p_flip: f64,
) {
    for (x, v) in pos.iter().zip(vel.iter_mut()) {
        let rc = (x[0] * x[0] + x[1] * x[1]).sqrt();
        if rc == 0.0 {
            continue;
        }
        let ep = [-x[1] / rc, x[0] / rc];
        let vphi = v[0] * ep[0] + v[1] * ep[1];
        if vphi < 0.0 && rng.random::<f64>() < p_flip {
            v[0] -= 2.0 * vphi * ep[0];
            v[1] -= 2.0 * vphi * ep[1];
        }
    }
}

/// Isotropic radial velocity dispersion squared σ_r² in (km/s)² of a self-gravitating Hernquist
/// (1990, eq. 10) sphere of total mass `m` (M☉) and scale `a` (kpc) at radius `r`, x = r/a:
/// (GM/12a){12x(1+x)³ ln((1+x)/x) − [x/(1+x)](25 + 52x + 42x² + 12x³)}. Cancels badly beyond
/// x ≈ 100.
pub fn hernquist_sigma_r2(m: f64, a: f64, r: f64) -> f64 {
    let x = r / a;
    G * m / (12.0 * a)
        * (12.0 * x * (1.0 + x).powi(3) * ((1.0 + x) / x).ln()
            - x / (1.0 + x) * (25.0 + 52.0 * x + 42.0 * x * x + 12.0 * x * x * x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::galaxy_rng;
    use crate::mock::potential::POINTS_PER_DEX;
    use crate::mock::profiles::Hernquist;

    /// An untruncated-profile Hernquist sphere and its own mass profile (grid 1e-3 a … 1e4 a).
    fn hernquist_setup(rmax_over_a: f64) -> (Hernquist, MassProfile) {
        let h = Hernquist::truncated_at(1e11, 1.5, rmax_over_a * 1.5);
        let p = MassProfile::from_fn(1e-3 * h.a, 1e4 * h.a, POINTS_PER_DEX, |r| {
            let m = h.mass / h.u_max * r * r / ((r + h.a) * (r + h.a));
            (m, 0.0)
        });
        (h, p)
    }

    #[test]
    fn jeans_solver_matches_hernquist_analytic() {
        // Test 6: within 1e-3 for 0.01 < x < 50.
        let (h, p) = hernquist_setup(1e4);
        let j = JeansTable::new(&p, |r| h.density(r), 0.0);
        let m_tot = h.mass / h.u_max;
        let mut worst: f64 = 0.0;
        for k in 0..200 {
            let x = 10f64.powf(-2.0 + (50f64.log10() + 2.0) * (k as f64 + 0.5) / 200.0);
            let exact = hernquist_sigma_r2(m_tot, h.a, x * h.a).sqrt();
            let rel = j.sigma_r(x * h.a) / exact - 1.0;
            worst = worst.max(rel.abs());
        }
        eprintln!("test 6: worst |σ_r/σ_r,analytic − 1| for 0.01 < x < 50: {worst:.2e}");
        assert!(worst < 1e-3, "worst relative error {worst}");
    }

    fn sampled_sphere(
        beta: f64,
        seed: u64,
    ) -> (
        Hernquist,
        MassProfile,
        JeansTable,
        Vec<[f64; 3]>,
        Vec<[f64; 3]>,
    ) {
        let (h, p) = hernquist_setup(1e3);
        let j = JeansTable::new(&p, |r| h.density(r), beta);
        let mut rng = galaxy_rng(seed, 0);
        let pos = h.sample_positions(&mut rng, 100_000);
        let vel = draw_velocities(&mut rng, &pos, &j, &p);
        (h, p, j, pos, vel)
    }

    fn radial_tangential(x: &[f64; 3], v: &[f64; 3]) -> (f64, f64) {
        let r = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).sqrt();
        let vr = (x[0] * v[0] + x[1] * v[1] + x[2] * v[2]) / r;
        let v2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
        (vr * vr, v2 - vr * vr)
    }

    #[test]
    fn sampled_isotropic_hernquist_dispersion_and_virial_ratio() {
        // Test 7: binned 1D σ within 5 % of the analytic σ_r; 2K/|W| = 0.97 ± 0.02.
        let (h, p, _j, pos, vel) = sampled_sphere(0.0, 31);
        let n = pos.len();
        let m_tot = h.mass / h.u_max;
        let edges: Vec<f64> = (0..=10)
            .map(|k| h.a * 10f64.powf(-1.0 + 2.5 * k as f64 / 10.0))
            .collect();
        for w in edges.windows(2) {
            let (mut s2, mut sr, mut cnt) = (0.0, 0.0, 0usize);
            for (x, v) in pos.iter().zip(&vel) {
                let r = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).sqrt();
                if r >= w[0] && r < w[1] {
                    s2 += (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) / 3.0;
                    sr += hernquist_sigma_r2(m_tot, h.a, r);
                    cnt += 1;
                }
            }
            assert!(cnt > 500);
            let ratio = (s2 / sr).sqrt();
            eprintln!(
                "test 7: bin {:.3}–{:.3} a: σ_1D/σ_analytic = {ratio:.4} ({cnt} particles)",
                w[0] / h.a,
                w[1] / h.a
            );
            assert!((ratio - 1.0).abs() < 0.05, "bin {:?}: σ ratio {ratio}", w);
        }
        let m = h.mass / n as f64;
        let k: f64 = vel
            .iter()
            .map(|v| 0.5 * m * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]))
            .sum();
        let w_pot = -G * m_tot * m_tot / (6.0 * h.a);
        let virial = 2.0 * k / w_pot.abs();
        eprintln!("test 7: 2K/|W| = {virial:.4}");
        assert!((virial - 0.97).abs() < 0.02, "2K/|W| = {virial}");
        // Every particle is bound.
        assert!(pos.iter().zip(&vel).all(|(x, v)| {
            let r = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).sqrt();
            (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt() < p.escape_speed(r)
        }));
    }

    #[test]
    fn constant_beta_sets_the_tangential_to_radial_ratio() {
        // Test 8: β = 0.3 ⇒ σ_t/σ_r = √0.7 (±2 %) in the sampled particles.
        let (_h, _p, j, pos, vel) = sampled_sphere(0.3, 32);
        let (mut srr, mut stt) = (0.0, 0.0);
        for (x, v) in pos.iter().zip(&vel) {
            let (a, b) = radial_tangential(x, v);
            srr += a;
            stt += b / 2.0;
        }
        let ratio = (stt / srr).sqrt();
        eprintln!("test 8: σ_t/σ_r = {ratio:.4} (√0.7 = 0.8367)");
        assert!(
            (ratio / 0.7f64.sqrt() - 1.0).abs() < 0.02,
            "σ_t/σ_r = {ratio}"
        );
        assert!((j.sigma_t(1.0) / j.sigma_r(1.0) - 0.7f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn flipping_adds_rotation_but_keeps_second_moments() {
        let (_h, _p, _j, pos, vel) = sampled_sphere(0.0, 33);
        let mut flipped = vel.clone();
        let mut rng = galaxy_rng(34, 0);
        flip_rotation(&mut rng, &pos, &mut flipped, 0.5);
        let lz = |v: &[[f64; 3]]| {
            pos.iter()
                .zip(v)
                .map(|(x, v)| x[0] * v[1] - x[1] * v[0])
                .sum::<f64>()
        };
        let v2 = |v: &[[f64; 3]]| {
            v.iter()
                .map(|v| v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
                .sum::<f64>()
        };
        assert!((v2(&flipped) / v2(&vel) - 1.0).abs() < 1e-12);
        assert!(lz(&flipped) > 0.0);
        // Net L_z = p_flip Σ|L_z| (half the particles counter-rotate, a fraction p of them flips).
        let abs_lz: f64 = pos
            .iter()
            .zip(&vel)
            .map(|(x, v)| (x[0] * v[1] - x[1] * v[0]).abs())
            .sum();
        let frac = lz(&flipped) / abs_lz;
        assert!((frac - 0.5).abs() < 0.02, "{frac}");
        // p_flip = 1: no counter-rotating particle remains.
        let mut all = vel.clone();
        flip_rotation(&mut rng, &pos, &mut all, 1.0);
        assert!(
            pos.iter()
                .zip(&all)
                .all(|(x, v)| x[0] * v[1] - x[1] * v[0] >= -1e-9)
        );
    }
}
