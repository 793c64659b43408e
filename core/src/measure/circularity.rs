//! Orbital circularities of star particles and the kinematic decomposition B/T, f_cold,
//! f_hot (galaxy-model.md 3.3).
//!
//! Default (Zhu+2018): λ_z = j_z / (r v_c(r)), j_z = (x × v)·ẑ′ with ẑ′ the spin axis of the
//! stars inside 2R_hsm and v_c from all matter. Option j_circ(E) (Abadi+2003):
//! ε = j_z / j_c(E), with j_c(E) the angular momentum of the circular orbit of the same
//! energy in the spherical particle potential; unbound stars are excluded.

use super::profile::MassProfile;

/// Cross product a × b.
pub fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

/// Unit spin axis ẑ′ ∝ Σ m (x × v) of the particles with r < `r_max` (kpc); positions in kpc,
/// velocities km/s, masses M☉. `None` if the total angular momentum vanishes.
pub fn spin_axis(pos: &[[f64; 3]], vel: &[[f64; 3]], mass: &[f64], r_max: f64) -> Option<[f64; 3]> {
    let mut l = [0.0; 3];
    for ((&x, &v), &m) in pos.iter().zip(vel).zip(mass) {
        if norm(x) < r_max {
            let j = cross(x, v);
            for k in 0..3 {
                l[k] += m * j[k];
            }
        }
    }
    let ln = norm(l);
    (ln > 0.0 && ln.is_finite()).then(|| [l[0] / ln, l[1] / ln, l[2] / ln])
}

/// Circularity λ_z = j_z / (r v_c) of a particle at `x` (kpc) with velocity `v` (km/s)
/// about the unit axis `spin`, for the circular speed `v_c` (km/s) at its radius.
/// Returns 0 at r = 0 or v_c = 0.
pub fn lambda_z(x: [f64; 3], v: [f64; 3], spin: [f64; 3], v_c: f64) -> f64 {
    let r = norm(x);
    if r > 0.0 && v_c > 0.0 {
        dot(cross(x, v), spin) / (r * v_c)
    } else {
        0.0
    }
}

/// Circularity ε = j_z / j_c(E) (Abadi+2003) of a particle at `x` (kpc) with velocity `v`
/// (km/s) in the spherical potential of `profile`: E = Φ(r) + v²/2, r_c from E_c(r_c) = E
/// ([`MassProfile::circular_radius`], exact rather than on a 200-node table), and
/// j_c = √(G M(<r_c) r_c). `None` for an unbound particle (E ≥ 0) or when j_c = 0.
pub fn epsilon_jcirc(
    profile: &MassProfile,
    x: [f64; 3],
    v: [f64; 3],
    spin: [f64; 3],
) -> Option<f64> {
    let r = norm(x);
    let e = profile.potential(r) + 0.5 * dot(v, v);
    let rc = profile.circular_radius(e)?;
    let jc = profile.j_circ(rc);
    (jc > 0.0).then(|| dot(cross(x, v), spin) / jc)
}

/// Mass-weighted kinematic decomposition from circularities (3.3): B/T = 2 f(λ < 0),
/// f_cold = f(λ > 0.8), f_hot = f(|λ| < 0.25). Fractions of the total mass of the given
/// particles; `None` when that mass is not positive.
pub fn decomposition(circ: &[f64], mass: &[f64]) -> Option<Decomposition> {
    let (mut mt, mut neg, mut cold, mut hot) = (0.0, 0.0, 0.0, 0.0);
    for (&c, &m) in circ.iter().zip(mass) {
        mt += m;
        if c < 0.0 {
            neg += m;
        }
        if c > 0.8 {
            cold += m;
        }
        if c.abs() < 0.25 {
            hot += m;
        }
    }
    (mt > 0.0).then(|| Decomposition {
        bt: 2.0 * neg / mt,
        f_cold: cold / mt,
        f_hot: hot / mt,
    })
}

/// Kinematic bulge/disc fractions of the stars inside 2R_hsm (mass fractions).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decomposition {
    /// B/T = 2 × mass fraction with circularity < 0.
    pub bt: f64,
    /// Mass fraction with circularity > 0.8.
    pub f_cold: f64,
    /// Mass fraction with |circularity| < 0.25.
    pub f_hot: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A spherical NFW-like halo of f64 particles (inverse CDF of M ∝ ln(1+x) − x/(1+x)).
    fn halo_profile(n: usize) -> MassProfile {
        let mut rng = ChaCha8Rng::seed_from_u64(12);
        let m = |x: f64| (1.0 + x).ln() - x / (1.0 + x);
        let (rs, c) = (20.0, 10.0);
        let p = (0..n)
            .map(|_| {
                let u: f64 = rng.random::<f64>() * m(c);
                let (mut lo, mut hi) = (0.0, c);
                for _ in 0..100 {
                    let mid = 0.5 * (lo + hi);
                    if m(mid) < u { lo = mid } else { hi = mid }
                }
                (rs * 0.5 * (lo + hi), 1e12 / n as f64)
            })
            .collect();
        MassProfile::new(p, None)
    }

    /// Test 12: a circular orbit in a spherical potential has λ_z = 1 to 1e-12, and the
    /// j_circ(E) option gives ε = 1.
    #[test]
    fn circular_orbit_has_unit_circularity() {
        let prof = halo_profile(20_000);
        // Orbit plane tilted: normal n̂, in-plane unit vectors e1, e2.
        let nz = [0.3f64, -0.5, 0.81];
        let nn = norm(nz);
        let n_hat = [nz[0] / nn, nz[1] / nn, nz[2] / nn];
        let t = cross(n_hat, [1.0, 0.0, 0.0]);
        let e1 = [t[0] / norm(t), t[1] / norm(t), t[2] / norm(t)];
        let e2 = cross(n_hat, e1);
        for (r, phi) in [(0.7, 0.3), (3.3, 2.0), (12.0, 4.4), (55.0, 5.9)] {
            let (c, s) = (f64::cos(phi), f64::sin(phi));
            let x = [0, 1, 2].map(|k| r * (c * e1[k] + s * e2[k]));
            let rr = norm(x);
            let vc = prof.v_circ(rr);
            let v = [0, 1, 2].map(|k| vc * (-s * e1[k] + c * e2[k]));
            let lz = lambda_z(x, v, n_hat, prof.v_circ(rr));
            assert!((lz - 1.0).abs() < 1e-12, "λ_z = {lz} at r = {r}");
            let eps = epsilon_jcirc(&prof, x, v, n_hat).unwrap();
            assert!((eps - 1.0).abs() < 1e-9, "ε = {eps} at r = {r}");
            // Counter-rotating orbit: −1.
            let vm = v.map(|q| -q);
            assert!((lambda_z(x, vm, n_hat, vc) + 1.0).abs() < 1e-12);
        }
    }

    /// Radial orbits have zero circularity; a particle faster than escape is unbound.
    #[test]
    fn radial_and_unbound_orbits() {
        let prof = halo_profile(5000);
        let x = [3.0, 4.0, 0.0];
        let v = [30.0, 40.0, 0.0];
        assert_eq!(lambda_z(x, v, [0.0, 0.0, 1.0], prof.v_circ(5.0)), 0.0);
        assert_eq!(epsilon_jcirc(&prof, x, v, [0.0, 0.0, 1.0]), Some(0.0));
        let vesc = (-2.0 * prof.potential(5.0)).sqrt();
        assert_eq!(
            epsilon_jcirc(&prof, x, [0.0, 1.01 * vesc, 0.0], [0.0, 0.0, 1.0]),
            None
        );
    }

    /// The decomposition thresholds: B/T = 2 f(<0), f_cold = f(>0.8), f_hot = f(|λ|<0.25).
    #[test]
    fn decomposition_thresholds() {
        let c = [-0.5, 0.1, 0.9, 0.85, -0.2, 0.5];
        let m = [1.0, 1.0, 2.0, 1.0, 1.0, 2.0];
        let d = decomposition(&c, &m).unwrap();
        assert!((d.bt - 2.0 * 2.0 / 8.0).abs() < 1e-15);
        assert!((d.f_cold - 3.0 / 8.0).abs() < 1e-15);
        assert!((d.f_hot - 2.0 / 8.0).abs() < 1e-15);
        assert_eq!(decomposition(&[], &[]), None);
    }
}
