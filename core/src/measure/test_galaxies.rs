//! Simple particle samplers for the measurement tests (galaxy-model.md Section 6): an NFW
//! halo, a cold exponential disc on circular orbits, an isotropic Hernquist sphere.

use super::profile::MassProfile;
use crate::galaxy::{DarkMatter, Galaxy, Stars};
use crate::units::G;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use std::f64::consts::{PI, TAU};

/// Root of a monotone increasing `f` on [lo, hi] by 100 bisection steps.
pub fn bisect(f: impl Fn(f64) -> f64, target: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < target { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// Isotropic unit vector.
pub fn direction(rng: &mut ChaCha8Rng) -> [f64; 3] {
    let ct: f64 = rng.random_range(-1.0..1.0);
    let ph: f64 = rng.random_range(0.0..TAU);
    let st = (1.0 - ct * ct).sqrt();
    [st * ph.cos(), st * ph.sin(), ct]
}

/// Equal-mass NFW halo of mass `m200` (M☉), concentration `c`, truncated at r200, `n`
/// particles at rest (radii by bisection of m(x)/m(c) = u).
pub fn nfw_halo(rng: &mut ChaCha8Rng, m200: f64, c: f64, n: usize) -> DarkMatter {
    let r200 = (3.0 * m200 / (4.0 * PI * 200.0 * crate::units::RHO_CRIT)).cbrt();
    let rs = r200 / c;
    let m = |x: f64| (1.0 + x).ln() - x / (1.0 + x);
    let mut dm = DarkMatter::default();
    for _ in 0..n {
        let u: f64 = rng.random();
        let x = bisect(m, u * m(c), 0.0, c);
        let d = direction(rng);
        dm.pos.push(d.map(|q| (q * x * rs) as f32));
        dm.vel.push([0.0; 3]);
        dm.mass.push((m200 / n as f64) as f32);
    }
    dm
}

/// Empty star arrays with `n` slots of the non-kinematic fields: age 5 Gyr, solar Z,
/// L_r = m/2, L_g = L_r (g−r = 0.46).
pub fn star_fields(stars: &mut Stars, mass: f64) {
    stars.mass.push(mass as f32);
    stars.mass_init.push((1.3 * mass) as f32);
    stars.age.push(5.0);
    stars.metallicity.push(0.0127);
    stars.lum_r.push((0.5 * mass) as f32);
    stars.lum_g.push((0.5 * mass) as f32);
}

/// Cold exponential disc of `n` stars, mass `md`, scale length `rd`, sech² height `z0`, on
/// circular orbits v = v_c(r) e_φ (v_c from the particle M(<r) of `others` plus the disc),
/// v_z ~ N(0, `sigma_z`) km/s.
pub fn cold_disc(
    rng: &mut ChaCha8Rng,
    n: usize,
    md: f64,
    rd: f64,
    z0: f64,
    sigma_z: f64,
    others: &DarkMatter,
) -> Stars {
    let mut s = Stars::default();
    for _ in 0..n {
        let u: f64 = rng.random_range(0.0..(1.0 - 11.0 * (-10.0f64).exp()));
        let x = bisect(|x| 1.0 - (1.0 + x) * (-x).exp(), u, 0.0, 10.0);
        let uz: f64 = rng.random_range(1e-9..1.0 - 1e-9);
        let z = z0 * (2.0 * uz - 1.0).atanh();
        let ph: f64 = rng.random_range(0.0..TAU);
        s.pos.push([
            (rd * x * ph.cos()) as f32,
            (rd * x * ph.sin()) as f32,
            z as f32,
        ]);
        star_fields(&mut s, md / n as f64);
    }
    let r32 = |p: &[f32; 3]| super::frame::radius_f32(p);
    let mut all: Vec<(f64, f64)> = s
        .pos
        .iter()
        .zip(&s.mass)
        .map(|(p, &m)| (r32(p), m as f64))
        .collect();
    all.extend(
        others
            .pos
            .iter()
            .zip(&others.mass)
            .map(|(p, &m)| (r32(p), m as f64)),
    );
    let prof = MassProfile::new(all, None);
    let nz = Normal::new(0.0, sigma_z).unwrap();
    for p in &s.pos {
        let (x, y) = (p[0] as f64, p[1] as f64);
        let rc = x.hypot(y);
        let vc = prof.v_circ(r32(p));
        s.vel.push([
            (-vc * y / rc) as f32,
            (vc * x / rc) as f32,
            nz.sample(rng) as f32,
        ]);
    }
    s
}

/// Analytic isotropic self-gravitating Hernquist σ_r² (Hernquist 1990 eq. 10), x = r/a:
/// (GM/12a){12x(1+x)³ ln((1+x)/x) − [x/(1+x)](25 + 52x + 42x² + 12x³)}.
pub fn hernquist_sigma_r2(m: f64, a: f64, r: f64) -> f64 {
    let x = (r / a).min(100.0);
    G * m / (12.0 * a)
        * (12.0 * x * (1.0 + x).powi(3) * ((1.0 + x) / x).ln()
            - x / (1.0 + x) * (25.0 + 52.0 * x + 42.0 * x * x + 12.0 * x.powi(3)))
}

/// Non-rotating isotropic Hernquist sphere of `n` stars, total mass `m`, scale `a`, truncated
/// at 40a, with Gaussian velocities of the analytic isotropic σ_r.
pub fn hernquist_sphere(rng: &mut ChaCha8Rng, n: usize, m: f64, a: f64) -> Stars {
    let umax = (40.0f64 / 41.0).powi(2);
    let mut s = Stars::default();
    for _ in 0..n {
        let u: f64 = rng.random_range(1e-12..umax);
        let r = a * u.sqrt() / (1.0 - u.sqrt());
        let d = direction(rng);
        s.pos.push(d.map(|q| (q * r) as f32));
        let sig = hernquist_sigma_r2(m, a, r).max(0.0).sqrt();
        let nrm = Normal::new(0.0, sig).unwrap();
        s.vel.push([0; 3].map(|_| nrm.sample(rng) as f32));
        star_fields(&mut s, m / n as f64);
    }
    s
}

/// A galaxy with only stars and a negligible DM component (so log M_DM is defined).
pub fn with_trace_dm(rng: &mut ChaCha8Rng, stars: Stars) -> Galaxy {
    let trace = hernquist_sphere(rng, 500, 1e3, 3.0);
    let dm = DarkMatter {
        pos: trace.pos,
        vel: trace.vel,
        mass: trace.mass,
    };
    Galaxy {
        stars,
        dm,
        ..Default::default()
    }
}
