//! Dust attenuation of star particles for one projection: the analytic slab screen of the
//! mock generator (galaxy-model.md 2.8, this module) or the measured cold-gas column of TNG
//! cutouts (5.4, [`mod@column`]).
//!
//! The slab:
//! The line of sight d̂ (galaxy → observer; the observer sits at −∞ on the projection axis k)
//! is d̂ = Rᵀ(−ê_k) in the disc frame, R = [`SlabDust::rotation`]. With cos i = |d̂_z|,
//! sec_eff = min(1/cos i, 5) and ζ = z_disc · sign(d̂_z) (height towards the observer):
//!
//! ```text
//! τ_V = f_d (Z_g/Z☉)^1.35 Σ_gas(R)[M☉ pc⁻²]/22.1 · ½[1 − tanh(ζ/z_g)] · sec_eff
//!       + τ_BC [age < 10 Myr],  τ_BC = 1,
//! τ_g = 1.119 τ_V,  τ_r = 0.923 τ_V,  L_att = L e^{−τ}.
//! ```

pub mod column;

use crate::galaxy::{Axis, Dust, Galaxy, SlabDust};

pub use column::column_tau_v;

/// Optical depth of the birth cloud around stars younger than [`BIRTH_CLOUD_AGE_GYR`].
pub const TAU_BIRTH_CLOUD: f64 = 1.0;
/// Age below which a star is still in its birth cloud, Gyr (10 Myr).
pub const BIRTH_CLOUD_AGE_GYR: f64 = 0.01;
/// Cap on the effective secant of the inclination.
pub const SEC_MAX: f64 = 5.0;
/// Gas surface density giving τ_V = 1 at solar metallicity and f_d = 1, M☉ pc⁻².
pub const SIGMA_TAU_ONE: f64 = 22.1;
/// τ_g/τ_V = (4686/5500)^−0.7.
pub const TAU_G_OVER_V: f64 = 1.119;
/// τ_r/τ_V = (6166/5500)^−0.7.
pub const TAU_R_OVER_V: f64 = 0.923;

/// Attenuated luminosities of every star for one projection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attenuated {
    /// g-band luminosity after dust, L☉,g.
    pub lum_g: Vec<f64>,
    /// r-band luminosity after dust, L☉,r.
    pub lum_r: Vec<f64>,
}

/// Unit vector from the galaxy towards the observer of projection `axis`, expressed in the
/// disc frame: d̂ = Rᵀ(−ê_k), i.e. d̂_j = −R_kj.
pub fn line_of_sight_disc_frame(rotation: &[[f64; 3]; 3], axis: Axis) -> [f64; 3] {
    let k = axis.los();
    [-rotation[k][0], -rotation[k][1], -rotation[k][2]]
}

/// Effective secant of the inclination, min(1/|d̂_z|, 5).
pub fn sec_eff(d_disc: [f64; 3]) -> f64 {
    let c = d_disc[2].abs();
    if c * SEC_MAX > 1.0 { 1.0 / c } else { SEC_MAX }
}

/// Face-on V-band optical depth of the gas disc at cylindrical radius `r` kpc:
/// τ_V,⊥ = f_d (Z_g/Z☉)^1.35 Σ_gas(R)/22.1 with Σ_gas = Σ_g0 e^{−R/R_g − R_m/R} in M☉ pc⁻².
pub fn tau_v_face_on(slab: &SlabDust, r: f64) -> f64 {
    if !(r > 0.0) || !(slab.sigma_g0 > 0.0) {
        return 0.0;
    }
    let hole = if slab.r_m > 0.0 { slab.r_m / r } else { 0.0 };
    let sigma_pc2 = slab.sigma_g0 * (-r / slab.r_g - hole).exp() * 1e-6;
    slab.f_d * slab.zg_rel.powf(1.35) * sigma_pc2 / SIGMA_TAU_ONE
}

/// V-band optical depth of one star at current position `x_now` (kpc) with age `age_gyr`
/// through the slab, for the observer direction `d_disc` (disc frame, from
/// [`line_of_sight_disc_frame`]).
pub fn slab_tau_v(slab: &SlabDust, d_disc: [f64; 3], x_now: [f64; 3], age_gyr: f64) -> f64 {
    let rot = &slab.rotation;
    // Disc-frame position x_disc = Rᵀ x_now.
    let xd = [0, 1, 2].map(|j| rot[0][j] * x_now[0] + rot[1][j] * x_now[1] + rot[2][j] * x_now[2]);
    let r_cyl = xd[0].hypot(xd[1]);
    let sign = if d_disc[2] >= 0.0 { 1.0 } else { -1.0 };
    let zeta = xd[2] * sign;
    let frac_front = if slab.z_g > 0.0 {
        0.5 * (1.0 - (zeta / slab.z_g).tanh())
    } else if zeta > 0.0 {
        0.0
    } else if zeta < 0.0 {
        1.0
    } else {
        0.5
    };
    let bc = if age_gyr < BIRTH_CLOUD_AGE_GYR {
        TAU_BIRTH_CLOUD
    } else {
        0.0
    };
    tau_v_face_on(slab, r_cyl) * frac_front * sec_eff(d_disc) + bc
}

/// V-band optical depth of every star of `galaxy` for projection `axis`, by its dust model
/// (all zero for [`Dust::None`]).
pub fn tau_v(galaxy: &Galaxy, axis: Axis) -> Vec<f64> {
    let stars = &galaxy.stars;
    match &galaxy.dust {
        Dust::None => vec![0.0; stars.pos.len()],
        Dust::AnalyticSlab(slab) => {
            let d = line_of_sight_disc_frame(&slab.rotation, axis);
            stars
                .pos
                .iter()
                .zip(&stars.age)
                .map(|(p, &age)| {
                    slab_tau_v(slab, d, [p[0] as f64, p[1] as f64, p[2] as f64], age as f64)
                })
                .collect()
        }
        Dust::GasColumn(col) => column_tau_v(stars, &galaxy.gas, col, axis),
    }
}

/// Dust-attenuated g and r luminosities of every star of `galaxy` for projection `axis`:
/// L_g e^{−1.119 τ_V}, L_r e^{−0.923 τ_V}; the intrinsic values for [`Dust::None`].
pub fn attenuate(galaxy: &Galaxy, axis: Axis) -> Attenuated {
    let stars = &galaxy.stars;
    let n = stars.lum_r.len().min(stars.lum_g.len());
    if galaxy.dust == Dust::None {
        return Attenuated {
            lum_g: stars.lum_g[..n].iter().map(|&l| l as f64).collect(),
            lum_r: stars.lum_r[..n].iter().map(|&l| l as f64).collect(),
        };
    }
    let tau = tau_v(galaxy, axis);
    Attenuated {
        lum_g: (0..n)
            .map(|i| stars.lum_g[i] as f64 * (-TAU_G_OVER_V * tau[i]).exp())
            .collect(),
        lum_r: (0..n)
            .map(|i| stars.lum_r[i] as f64 * (-TAU_R_OVER_V * tau[i]).exp())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::galaxy::{ColumnDust, IDENTITY, Stars};

    fn with(dust: Dust) -> Galaxy {
        Galaxy {
            stars: stars(),
            dust,
            ..Default::default()
        }
    }

    fn slab(sigma_g0: f64) -> SlabDust {
        SlabDust {
            rotation: IDENTITY,
            sigma_g0,
            r_g: 5.0,
            r_m: 3.0,
            z_g: 0.2,
            zg_rel: 1.0,
            f_d: 0.4,
        }
    }

    fn stars() -> Stars {
        let pos = vec![
            [3.0f32, 1.0, 0.0],
            [1.0, -2.0, 0.3],
            [-4.0, 0.5, -0.3],
            [0.5, 0.5, 0.0],
        ];
        Stars {
            vel: vec![[0.0; 3]; 4],
            mass: vec![1.0; 4],
            mass_init: vec![1.0; 4],
            age: vec![5.0, 0.005, 1.0, 0.002],
            metallicity: vec![0.0127; 4],
            lum_g: vec![2.0, 30.0, 1.5, 8.0],
            lum_r: vec![3.0, 20.0, 2.0, 6.0],
            pos,
        }
    }

    /// Rotation by angle `i` about the x axis (disc frame → current).
    fn incl(i: f64) -> [[f64; 3]; 3] {
        let (c, s) = (i.cos(), i.sin());
        [[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]]
    }

    /// Test 18: dust off ⇒ attenuated = intrinsic.
    #[test]
    fn no_dust_leaves_luminosities_unchanged() {
        let s = stars();
        let g = with(Dust::None);
        for axis in Axis::ALL {
            let a = attenuate(&g, axis);
            for i in 0..4 {
                assert_eq!(a.lum_r[i], s.lum_r[i] as f64);
                assert_eq!(a.lum_g[i], s.lum_g[i] as f64);
            }
        }
    }

    /// Test 18: no gas ⇒ τ = τ_BC only (1 for stars younger than 10 Myr, else 0), and the
    /// band ratios τ_g = 1.119 τ_V, τ_r = 0.923 τ_V; for the slab and the gas column alike.
    #[test]
    fn without_gas_only_birth_clouds_attenuate() {
        let column = ColumnDust {
            cell_kpc: 0.5,
            f_d: 0.4,
        };
        for g in [
            with(Dust::AnalyticSlab(slab(0.0))),
            with(Dust::GasColumn(column)),
        ] {
            for axis in Axis::ALL {
                let t = tau_v(&g, axis);
                assert_eq!(t, vec![0.0, 1.0, 0.0, 1.0]);
                let a = attenuate(&g, axis);
                assert!((a.lum_g[1] - 30.0 * (-1.119f64).exp()).abs() < 1e-12);
                assert!((a.lum_r[1] - 20.0 * (-0.923f64).exp()).abs() < 1e-12);
                assert_eq!(a.lum_r[0], 3.0);
            }
        }
    }

    /// Test 18: τ increases monotonically with sec i (capped at 5) for a galaxy inclined by
    /// i about x and seen along z; and a star on the observer's side of the mid-plane is less
    /// attenuated than its mirror image.
    #[test]
    fn tau_grows_with_inclination() {
        let mut prev = -1.0;
        let mut prev_sec = 0.0;
        for deg in [0.0, 20.0, 40.0, 60.0, 75.0, 78.0, 85.0, 90.0] {
            let mut g = Galaxy {
                stars: stars(),
                dust: Dust::AnalyticSlab(slab(5e7)),
                ..Default::default()
            };
            // Stars were defined in the disc frame; incline the whole galaxy.
            g.rotate(&incl(f64::to_radians(deg)));
            let Dust::AnalyticSlab(sl) = &g.dust else {
                unreachable!()
            };
            let d = line_of_sight_disc_frame(&sl.rotation, Axis::Z);
            let sec = sec_eff(d);
            let expect_sec = (1.0 / f64::to_radians(deg).cos().abs()).min(5.0);
            assert!((sec - expect_sec).abs() < 1e-9 * expect_sec, "{deg}: {sec}");
            let t = tau_v(&g, Axis::Z)[0];
            assert!(t > 0.0);
            if sec > prev_sec + 1e-9 {
                assert!(t > prev, "τ({deg}°) = {t} not above {prev}");
            } else {
                assert!((t - prev).abs() < 1e-5 * t, "capped: {t} vs {prev}");
            }
            prev = t;
            prev_sec = sec;
        }
        // Face-on seen along z: d̂ = −ê_z, the observer is at negative z; the star at z = −0.3
        // is in front of the slab, the one at +0.3 behind it.
        let sl = slab(5e7);
        let d = line_of_sight_disc_frame(&sl.rotation, Axis::Z);
        let front = slab_tau_v(&sl, d, [2.0, 0.0, -0.3], 5.0);
        let back = slab_tau_v(&sl, d, [2.0, 0.0, 0.3], 5.0);
        assert!(front < back);
        assert!((front + back - tau_v_face_on(&sl, 2.0)).abs() < 1e-12);
    }
}
