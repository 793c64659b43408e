//! Centring of a cutout (galaxy-model.md 3.1): the centre comes from a catalogue (TNG
//! `SubhaloPos`, the potential minimum) or, without one, from the stars by shrinking spheres;
//! then the systemic velocity (mass-weighted mean of the stars inside 2R_hsm) is removed.
//!
//! These two steps are the only place the reader decides where the galaxy is.

use galmass_core::galaxy::Galaxy;

/// Where the centre of a cutout comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum CentreSource {
    /// Shrinking spheres on the star particles (Power et al. 2003).
    #[default]
    ShrinkingSphere,
    /// A given position in the file's comoving units, ckpc/h (TNG `SubhaloPos`).
    Catalog([f64; 3]),
}

/// Periodic minimum-image offset x − c in a box of side `box_size` (all ckpc/h):
/// Δ −= BoxSize · round(Δ/BoxSize).
pub fn wrap(x: f64, c: f64, box_size: f64) -> f64 {
    let d = x - c;
    d - box_size * (d / box_size).round()
}

/// Centre of the star particles by shrinking spheres, in the file's comoving coordinates
/// (ckpc/h), periodic in a box of side `box_size`. `None` when there are no stars of
/// positive mass.
pub fn stellar_centre(pos: &[[f64; 3]], mass: &[f64], box_size: f64) -> Option<[f64; 3]> {
    let reference = *pos.first()?;
    let local: Vec<[f64; 3]> = pos
        .iter()
        .map(|p| std::array::from_fn(|k| wrap(p[k], reference[k], box_size)))
        .collect();
    let c = shrinking_sphere_centre(&local, mass)?;
    Some(std::array::from_fn(|k| {
        (reference[k] + c[k]).rem_euclid(box_size)
    }))
}

/// Shrinking-sphere centre (Power et al. 2003) of particles at `pos` with masses `mass`:
/// start from the centre of mass and the radius enclosing all particles, then repeatedly
/// shrink the sphere by 2.5 % around the current centre of mass of the particles inside it,
/// until fewer than max(20, N/100) particles remain. `None` without positive mass.
pub fn shrinking_sphere_centre(pos: &[[f64; 3]], mass: &[f64]) -> Option<[f64; 3]> {
    let com = |inside: &dyn Fn(&[f64; 3]) -> bool| -> Option<([f64; 3], usize)> {
        let (mut s, mut m, mut n) = ([0.0; 3], 0.0, 0usize);
        for (p, &w) in pos.iter().zip(mass) {
            if inside(p) && w > 0.0 {
                for k in 0..3 {
                    s[k] += w * p[k];
                }
                m += w;
                n += 1;
            }
        }
        (m > 0.0).then(|| (s.map(|x| x / m), n))
    };
    let (mut c, n_all) = com(&|_| true)?;
    let dist2 = |p: &[f64; 3], c: &[f64; 3]| (0..3).map(|k| (p[k] - c[k]).powi(2)).sum::<f64>();
    let mut r2 = pos.iter().map(|p| dist2(p, &c)).fold(0.0, f64::max);
    let n_min = (n_all / 100).max(20);
    for _ in 0..1000 {
        r2 *= 0.975 * 0.975;
        let centre = c;
        match com(&|p| dist2(p, &centre) < r2) {
            Some((next, n)) if n >= n_min => c = next,
            _ => break,
        }
    }
    Some(c)
}

/// Removes the systemic velocity (galaxy-model.md 3.1): v_sys = mass-weighted mean velocity
/// of the stars within 2R_hsm (3D, about the origin), subtracted from every particle type.
/// Returns v_sys in km/s, or `None` when there are no stars of positive mass.
pub fn remove_systemic_velocity(galaxy: &mut Galaxy) -> Option<[f64; 3]> {
    let s = &galaxy.stars;
    let r: Vec<f64> = s.pos.iter().map(norm).collect();
    let rhsm = half_mass_radius(&r, &s.mass)?;
    let (mut sum, mut m) = ([0.0f64; 3], 0.0f64);
    for ((v, &w), &ri) in s.vel.iter().zip(&s.mass).zip(&r) {
        if ri < 2.0 * rhsm {
            for k in 0..3 {
                sum[k] += w as f64 * v[k] as f64;
            }
            m += w as f64;
        }
    }
    if m <= 0.0 {
        return None;
    }
    let vsys = sum.map(|x| x / m);
    for vel in [
        &mut galaxy.stars.vel,
        &mut galaxy.dm.vel,
        &mut galaxy.gas.vel,
        &mut galaxy.bh.vel,
    ] {
        for v in vel.iter_mut() {
            for k in 0..3 {
                v[k] = (v[k] as f64 - vsys[k]) as f32;
            }
        }
    }
    Some(vsys)
}

fn norm(p: &[f32; 3]) -> f64 {
    p.iter().map(|&x| (x as f64).powi(2)).sum::<f64>().sqrt()
}

/// Radius enclosing half the total mass: sort by radius, cumulative mass, linear
/// interpolation at half the total (3.1).
fn half_mass_radius(r: &[f64], mass: &[f32]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..r.len()).collect();
    idx.sort_by(|&a, &b| r[a].total_cmp(&r[b]));
    let total: f64 = mass.iter().map(|&m| m as f64).sum();
    if total <= 0.0 {
        return None;
    }
    let half = 0.5 * total;
    let (mut cum, mut r_prev, mut c_prev) = (0.0, 0.0, 0.0);
    for &i in &idx {
        cum += mass[i] as f64;
        if cum >= half {
            let t = if cum > c_prev {
                (half - c_prev) / (cum - c_prev)
            } else {
                1.0
            };
            return Some(r_prev + t * (r[i] - r_prev));
        }
        r_prev = r[i];
        c_prev = cum;
    }
    Some(r_prev)
}
