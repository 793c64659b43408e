//! Centre, systemic velocity and half-stellar-mass radius (galaxy-model.md 3.1).

use crate::galaxy::{Galaxy, Stars};

/// 3D half-stellar-mass radius R_hsm in kpc (3.1): stars sorted by 3D distance r from the
/// origin, cumulative current mass, linear interpolation in r at half the total mass (between
/// the previous particle's (r, cumulative mass) and the crossing particle's; from (0, 0) for
/// the first). `None` without stars or with a non-positive or non-finite total mass.
///
/// Identity: M*(<R_hsm) = M*/2 to within one particle mass.
pub fn half_mass_radius(stars: &Stars) -> Option<f64> {
    let r: Vec<f64> = stars.pos.iter().map(radius_f32).collect();
    let m: Vec<f64> = stars.mass.iter().map(|&m| m as f64).collect();
    half_mass_radius_of(&r, &m)
}

/// [`half_mass_radius`] on plain radii `r` (kpc) and masses `m` (M☉).
pub fn half_mass_radius_of(r: &[f64], m: &[f64]) -> Option<f64> {
    let n = r.len().min(m.len());
    if n == 0 {
        return None;
    }
    let total: f64 = m[..n].iter().sum();
    if !(total > 0.0) || !total.is_finite() {
        return None;
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_unstable_by(|&a, &b| r[a].total_cmp(&r[b]));
    let half = 0.5 * total;
    let (mut r_prev, mut c_prev) = (0.0, 0.0);
    for &i in &idx {
        let c = c_prev + m[i];
        if c >= half && m[i] > 0.0 {
            return Some(r_prev + (half - c_prev) / (c - c_prev) * (r[i] - r_prev));
        }
        r_prev = r[i];
        c_prev = c;
    }
    Some(r_prev)
}

/// 3D distance from the origin of an f32 position, computed in f64.
pub(crate) fn radius_f32(p: &[f32; 3]) -> f64 {
    let (x, y, z) = (p[0] as f64, p[1] as f64, p[2] as f64);
    (x * x + y * y + z * z).sqrt()
}

/// Shrinking-sphere centre (Power et al. 2003) of particles at `pos` (kpc) with masses `mass`
/// (M☉), for cutouts without a catalogue centre.
///
/// Start: centre c = mass-weighted mean of all particles, radius r = the largest distance
/// from it. Each step shrinks r by 2.5 % and moves c to the centre of mass of the particles
/// within r of the current c. Stops (keeping the last centre) when fewer than
/// n_stop = min(1000, max(N/10, 20)) particles would remain (so at most 1000 and at
/// least 10 % of the particles, or 20 for tiny sets, define the final centre), or after 2000
/// steps. `None` if empty or the total mass is not positive.
pub fn shrinking_sphere_centre(pos: &[[f64; 3]], mass: &[f64]) -> Option<[f64; 3]> {
    let n = pos.len().min(mass.len());
    if n == 0 {
        return None;
    }
    let com = |sel: &dyn Fn(usize) -> bool| -> Option<([f64; 3], usize)> {
        let (mut s, mut mt, mut cnt) = ([0.0; 3], 0.0, 0usize);
        for i in 0..n {
            if sel(i) {
                for k in 0..3 {
                    s[k] += mass[i] * pos[i][k];
                }
                mt += mass[i];
                cnt += 1;
            }
        }
        (mt > 0.0 && mt.is_finite()).then(|| ([s[0] / mt, s[1] / mt, s[2] / mt], cnt))
    };
    let (mut c, _) = com(&|_| true)?;
    let dist2 = |c: &[f64; 3], p: &[f64; 3]| {
        (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2) + (p[2] - c[2]).powi(2)
    };
    let mut r2 = pos[..n].iter().map(|p| dist2(&c, p)).fold(0.0, f64::max);
    let n_stop = 1000.min((n / 10).max(20));
    for _ in 0..2000 {
        r2 *= 0.975 * 0.975;
        let cc = c;
        match com(&|i| dist2(&cc, &pos[i]) < r2) {
            Some((next, cnt)) if cnt >= n_stop => c = next,
            _ => break,
        }
    }
    Some(c)
}

/// Removes the systemic velocity (3.1): v_sys = mass-weighted mean velocity of the stars with
/// 3D r < 2R_hsm (about the origin, the galaxy centre), subtracted from the velocities of every
/// particle type. Returns v_sys in km/s, or `None` (galaxy unchanged) when R_hsm is undefined
/// or no stellar mass lies inside 2R_hsm.
pub fn remove_systemic_velocity(galaxy: &mut Galaxy) -> Option<[f64; 3]> {
    let rhsm = half_mass_radius(&galaxy.stars)?;
    let s = &galaxy.stars;
    let (mut pv, mut mt) = ([0.0f64; 3], 0.0f64);
    for ((p, v), &m) in s.pos.iter().zip(&s.vel).zip(&s.mass) {
        if radius_f32(p) < 2.0 * rhsm {
            for k in 0..3 {
                pv[k] += m as f64 * v[k] as f64;
            }
            mt += m as f64;
        }
    }
    if !(mt > 0.0) {
        return None;
    }
    let vsys = [pv[0] / mt, pv[1] / mt, pv[2] / mt];
    let shift = |vel: &mut [[f32; 3]]| {
        for v in vel {
            for k in 0..3 {
                v[k] = (v[k] as f64 - vsys[k]) as f32;
            }
        }
    };
    shift(&mut galaxy.stars.vel);
    shift(&mut galaxy.dm.vel);
    shift(&mut galaxy.gas.vel);
    shift(&mut galaxy.bh.vel);
    Some(vsys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random_stars(n: usize, seed: u64) -> Stars {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut s = Stars::default();
        for _ in 0..n {
            // Hernquist radii (a = 2 kpc) with isotropic directions and unequal masses.
            let u: f64 = rng.random_range(0.0..0.99);
            let r = 2.0 * u.sqrt() / (1.0 - u.sqrt());
            let ct: f64 = rng.random_range(-1.0..1.0);
            let ph: f64 = rng.random_range(0.0..std::f64::consts::TAU);
            let st = (1.0 - ct * ct).sqrt();
            s.pos.push([
                (r * st * ph.cos()) as f32,
                (r * st * ph.sin()) as f32,
                (r * ct) as f32,
            ]);
            s.vel.push([rng.random_range(-50.0..50.0); 3]);
            s.mass.push(rng.random_range(0.5e5..2.0e5) as f32);
        }
        s
    }

    /// 3.1 identity: M*(<R_hsm) = M*/2 to within one particle mass.
    #[test]
    fn half_mass_radius_encloses_half_the_mass() {
        let s = random_stars(10_000, 3);
        let rh = half_mass_radius(&s).unwrap();
        let total: f64 = s.mass.iter().map(|&m| m as f64).sum();
        let inside: f64 = s
            .pos
            .iter()
            .zip(&s.mass)
            .filter(|(p, _)| radius_f32(p) < rh)
            .map(|(_, &m)| m as f64)
            .sum();
        let mmax = s.mass.iter().fold(0.0f32, |a, &b| a.max(b)) as f64;
        assert!(
            (inside - 0.5 * total).abs() <= mmax,
            "{inside} vs {}",
            0.5 * total
        );
        // Hernquist truncated at u = 0.99: half mass at u = 0.495, r = a√u/(1 − √u).
        let expect = 2.0 * 0.495f64.sqrt() / (1.0 - 0.495f64.sqrt());
        assert!((rh / expect - 1.0).abs() < 0.05, "{rh} vs {expect}");
        assert_eq!(half_mass_radius(&Stars::default()), None);
    }

    /// Interpolation between two particles: masses 1 at r = 1 and r = 3 → R_hsm = 1 (half
    /// reached at the first); masses 1, 1, 2 at 1, 2, 4 → half (2) reached at r = 2.
    #[test]
    fn half_mass_radius_interpolates_linearly() {
        assert_eq!(half_mass_radius_of(&[3.0, 1.0], &[1.0, 1.0]), Some(1.0));
        assert_eq!(
            half_mass_radius_of(&[1.0, 2.0, 4.0], &[1.0, 1.0, 2.0]),
            Some(2.0)
        );
        // Unit masses at 1, 2, 4: half = 1.5 is first reached at r = 2 (cumulative 1 → 2),
        // so R = 1 + (1.5 − 1)/(2 − 1)·(2 − 1) = 1.5.
        assert_eq!(
            half_mass_radius_of(&[1.0, 2.0, 4.0], &[1.0, 1.0, 1.0]),
            Some(1.5)
        );
        assert_eq!(half_mass_radius_of(&[1.0], &[0.0]), None);
    }

    /// The shrinking sphere finds the centre of a dense clump offset from a uniform background.
    #[test]
    fn shrinking_sphere_finds_the_density_peak() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let centre = [5.0, -3.0, 2.0];
        let mut pos = Vec::new();
        for _ in 0..8000 {
            let s = random_stars(1, rng.random());
            let p = s.pos[0];
            pos.push([
                centre[0] + p[0] as f64,
                centre[1] + p[1] as f64,
                centre[2] + p[2] as f64,
            ]);
        }
        for _ in 0..4000 {
            pos.push([
                rng.random_range(-100.0..100.0),
                rng.random_range(-100.0..100.0),
                rng.random_range(-100.0..100.0),
            ]);
        }
        let mass = vec![1.0; pos.len()];
        let c = shrinking_sphere_centre(&pos, &mass).unwrap();
        for k in 0..3 {
            assert!((c[k] - centre[k]).abs() < 0.3, "{c:?}");
        }
        assert_eq!(shrinking_sphere_centre(&[], &[]), None);
    }

    /// v_sys is the mass-weighted mean of stars inside 2R_hsm and is removed from all types.
    #[test]
    fn systemic_velocity_is_removed_from_every_type() {
        let mut g = Galaxy {
            stars: random_stars(5000, 5),
            ..Default::default()
        };
        for v in &mut g.stars.vel {
            v[0] += 120.0;
            v[2] -= 40.0;
        }
        g.dm.pos = vec![[1.0, 0.0, 0.0]];
        g.dm.vel = vec![[120.0, 0.0, -40.0]];
        g.dm.mass = vec![1e6];
        let vsys = remove_systemic_velocity(&mut g).unwrap();
        assert!(
            (vsys[0] - 120.0).abs() < 3.0 && (vsys[2] + 40.0).abs() < 3.0,
            "{vsys:?}"
        );
        let rh = half_mass_radius(&g.stars).unwrap();
        let (mut pv, mut mt) = ([0.0; 3], 0.0);
        for ((p, v), &m) in g.stars.pos.iter().zip(&g.stars.vel).zip(&g.stars.mass) {
            if radius_f32(p) < 2.0 * rh {
                for k in 0..3 {
                    pv[k] += m as f64 * v[k] as f64;
                }
                mt += m as f64;
            }
        }
        for (k, p) in pv.iter().enumerate() {
            assert!((p / mt).abs() < 1e-3, "residual {k}: {}", p / mt);
        }
        assert!((g.dm.vel[0][0] as f64 - (120.0 - vsys[0])).abs() < 1e-4);
    }
}
