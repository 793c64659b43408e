//! Tests of [`super::measure`] on whole galaxies (galaxy-model.md Section 6, tests 10–13).

use super::test_galaxies::*;
use super::*;
use crate::galaxy::{AnalyticGas, BlackHoles, Dust, Galaxy, Gas, SlabDust, matmul};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Test 10 galaxy: M_d = 1e9 M☉ cold thin disc (R_d = 3 kpc, z0 = 0.01 R_d, v_z ~ N(0, 0.1))
/// in a 1e12 M☉ NFW halo (c = 10, 1e4 equal-mass particles).
fn cold_disc_galaxy(seed: u64) -> Galaxy {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let dm = nfw_halo(&mut rng, 1e12, 10.0, 10_000);
    let stars = cold_disc(&mut rng, 10_000, 1e9, 3.0, 0.03, 0.1, &dm);
    Galaxy {
        stars,
        dm,
        ..Default::default()
    }
}

/// Test 10: a cold thin disc of negligible mass in an NFW halo: f_cold > 0.98, B/T < 0.02,
/// f_hot < 0.01; λ_R > 0.9 edge-on (x, y), < 0.15 face-on (z). Both circularity options.
#[test]
fn cold_thin_disc_is_all_disc() {
    let g = cold_disc_galaxy(10);
    for circ in [Circularity::LambdaZ, Circularity::JcircE] {
        let m = measure(
            &g,
            &MeasureOptions {
                circularity: circ,
                ..Default::default()
            },
        )
        .unwrap();
        for p in &m.projections {
            let f = &p.features;
            assert!(f.f_cold > 0.98, "{circ:?}: f_cold = {}", f.f_cold);
            assert!(f.bt < 0.02, "{circ:?}: B/T = {}", f.bt);
            assert!(f.f_hot < 0.01, "{circ:?}: f_hot = {}", f.f_hot);
        }
        let lam: Vec<f64> = m.projections.iter().map(|p| p.features.lambda_r).collect();
        let f = &m.projections[0].features;
        println!(
            "test 10 {circ:?}: f_cold {:.4} B/T {:.4} f_hot {:.4} λ_R {lam:.3?}",
            f.f_cold, f.bt, f.f_hot
        );
        assert!(lam[0] > 0.9 && lam[1] > 0.9, "edge-on λ_R = {lam:?}");
        assert!(lam[2] < 0.15, "face-on λ_R = {}", lam[2]);
    }
}

/// Test 11: a non-rotating isotropic Hernquist sphere (N* = 1e4): B/T = 1.00 ± 0.05,
/// f_cold < 0.1, corrected λ_R < 0.10 in every projection, uncorrected λ_R > corrected.
#[test]
fn isotropic_sphere_is_all_bulge() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let stars = hernquist_sphere(&mut rng, 10_000, 5e10, 2.0);
    let g = with_trace_dm(&mut rng, stars);
    let m = measure(&g, &MeasureOptions::default()).unwrap();
    for (p, d) in m.projections.iter().zip(&m.diagnostics) {
        let f = &p.features;
        println!(
            "test 11 {:?}: B/T {:.3} f_cold {:.3} λ_R {:.3} (uncorrected {:.3}) c/a {:.3}",
            p.axis, f.bt, f.f_cold, f.lambda_r, d.lambda_r_uncorrected, f.c_over_a
        );
        assert!((f.bt - 1.0).abs() < 0.05, "B/T = {}", f.bt);
        assert!(f.f_cold < 0.1, "f_cold = {}", f.f_cold);
        assert!(f.lambda_r < 0.10, "{:?}: λ_R = {}", p.axis, f.lambda_r);
        assert!(
            d.lambda_r_uncorrected > f.lambda_r,
            "{:?}: {} vs {}",
            p.axis,
            d.lambda_r_uncorrected,
            f.lambda_r
        );
        // A round sphere: c/a close to 1; σ_v of an isotropic Hernquist sphere is tens of km/s.
        assert!(f.c_over_a > 0.9, "c/a = {}", f.c_over_a);
    }
    // Stellar identity (3.1): M*(<R_hsm) = M*/2 ± one particle.
    let half = 0.5 * g.stellar_mass();
    let ms = 10f64.powf(m.projections[0].targets.mstar);
    assert!((ms - half).abs() <= 5e10 / 1e4 * 1.0001, "{ms} vs {half}");
}

/// A galaxy with every component: exponential disc + Hernquist bulge, NFW halo, gas
/// particles, a black hole, analytic gas and slab dust.
fn full_galaxy(seed: u64, n_star: usize, n_dm: usize, n_gas: usize) -> Galaxy {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let dm = nfw_halo(&mut rng, 5e11, 9.0, n_dm);
    let mut stars = cold_disc(&mut rng, n_star * 7 / 10, 3e10, 3.0, 0.5, 20.0, &dm);
    let bulge = hernquist_sphere(&mut rng, n_star - n_star * 7 / 10, 1e10, 0.8);
    stars.pos.extend(bulge.pos);
    stars.vel.extend(bulge.vel);
    stars.mass.extend(bulge.mass);
    stars.mass_init.extend(bulge.mass_init);
    stars.metallicity.extend(bulge.metallicity);
    stars.lum_g.extend(bulge.lum_g);
    stars.lum_r.extend(bulge.lum_r);
    stars.age.extend(bulge.age);
    // Young stars for the SFR and birth clouds.
    for (i, a) in stars.age.iter_mut().enumerate() {
        if i % 17 == 0 {
            *a = if i % 2 == 0 { 0.005 } else { 0.5 };
        }
    }
    let mut gas = Gas::default();
    for _ in 0..n_gas {
        let r: f64 = rng.random_range(0.5..15.0);
        let ph: f64 = rng.random_range(0.0..std::f64::consts::TAU);
        gas.pos.push([
            (r * ph.cos()) as f32,
            (r * ph.sin()) as f32,
            rng.random_range(-0.2..0.2),
        ]);
        gas.vel.push([0.0; 3]);
        gas.mass.push((5e9 / n_gas as f64) as f32);
        gas.sfr.push(0.0);
        gas.metallicity.push(0.0127);
        gas.neutral_fraction.push(1.0);
    }
    let bh = BlackHoles {
        pos: vec![[0.0; 3]],
        vel: vec![[0.0; 3]],
        mass: vec![1e8],
    };
    let analytic_gas = Some(AnalyticGas {
        r_kpc: vec![1.0, 5.0, 20.0],
        mass_enclosed: vec![1e7, 1e9, 2e9],
    });
    let dust = Dust::AnalyticSlab(SlabDust {
        rotation: crate::galaxy::IDENTITY,
        sigma_g0: 2e7,
        r_g: 5.0,
        r_m: 3.0,
        z_g: 0.25,
        zg_rel: 1.2,
        f_d: 0.4,
    });
    Galaxy {
        stars,
        dm,
        gas,
        bh,
        analytic_gas,
        dust,
    }
}

/// 3.2: M_tot counts stars, DM, gas particles, the black hole and the analytic gas; the
/// projected masses and M*/L follow their definitions; SFR counts initial masses of stars
/// younger than 1 Gyr inside projected 2R_hsm; dust makes the colour redder.
#[test]
fn targets_follow_their_definitions() {
    let g = full_galaxy(3, 6000, 4000, 1000);
    let m = measure(&g, &MeasureOptions::default()).unwrap();
    let rh = m.rhsm_kpc;
    let r = |p: &[f32; 3]| super::frame::radius_f32(p);
    let sum_in = |pos: &[[f32; 3]], mass: &[f32], rad: f64| -> f64 {
        pos.iter()
            .zip(mass)
            .filter(|(p, _)| r(p) < rad)
            .map(|(_, &m)| m as f64)
            .sum()
    };
    for f in [1.0, 2.0] {
        let ms = sum_in(&g.stars.pos, &g.stars.mass, f * rh);
        let md = sum_in(&g.dm.pos, &g.dm.mass, f * rh);
        let mt = ms
            + md
            + sum_in(&g.gas.pos, &g.gas.mass, f * rh)
            + 1e8
            + g.analytic_gas.as_ref().unwrap().enclosed(f * rh);
        let t = &m.projections[0].targets;
        let (lms, lmt) = if f == 1.0 {
            (t.mstar, t.mtot)
        } else {
            (t.mstar_2r, t.mtot_2r)
        };
        assert!((lms - ms.log10()).abs() < 1e-12);
        assert!((lmt - mt.log10()).abs() < 1e-12, "f = {f}");
        if f == 1.0 {
            assert!((t.mdm - md.log10()).abs() < 1e-12);
            assert!((t.fstar - (ms / mt).log10()).abs() < 1e-12);
            assert!((t.fdm - (md / mt).log10()).abs() < 1e-12);
        }
    }
    for p in &m.projections {
        let (a, b) = p.axis.image_axes();
        let rp = |q: &[f32; 3]| (q[a] as f64).hypot(q[b] as f64);
        let m2d: f64 = g
            .stars
            .pos
            .iter()
            .zip(&g.stars.mass)
            .filter(|(q, _)| rp(q) < rh)
            .map(|(_, &m)| m as f64)
            .sum();
        assert!((p.targets.mstar_2d - m2d.log10()).abs() < 1e-12);
        let att = dust::attenuate(&g, p.axis);
        let l2d: f64 = (0..g.stars.pos.len())
            .filter(|&i| rp(&g.stars.pos[i]) < rh)
            .map(|i| att.lum_r[i])
            .sum();
        assert!((p.targets.ml_r - (m2d / l2d).log10()).abs() < 1e-12);
        let sfr: f64 = (0..g.stars.pos.len())
            .filter(|&i| rp(&g.stars.pos[i]) < 2.0 * rh && g.stars.age[i] < 1.0)
            .map(|i| g.stars.mass_init[i] as f64)
            .sum::<f64>()
            / 1e9;
        assert!((p.features.sfr / sfr - 1.0).abs() < 1e-12 && sfr > 0.0);
        // Dust-free colour would be 0.46 exactly; attenuation reddens (τ_g > τ_r).
        assert!(p.features.g_r > 0.46, "g−r = {}", p.features.g_r);
        let ltot: f64 = att.lum_r.iter().sum();
        assert!((p.features.mr - (4.65 - 2.5 * ltot.log10())).abs() < 1e-12);
    }
    // Without dust: g−r = 0.46 exactly (L_g = L_r in L☉ of each band) and M*/L = 2 exactly.
    let nodust = Galaxy {
        dust: Dust::None,
        ..g
    };
    let m0 = measure(&nodust, &MeasureOptions::default()).unwrap();
    for p in &m0.projections {
        assert!((p.features.g_r - 0.46).abs() < 1e-12);
        assert!((p.targets.ml_r - 2f64.log10()).abs() < 1e-6);
    }
}

/// The 3D targets and features of a measurement.
fn three_d(m: &Measurement) -> Vec<(&'static str, f64)> {
    let p = &m.projections[0];
    let (t, f) = (&p.targets, &p.features);
    vec![
        ("R_hsm", m.rhsm_kpc),
        ("mstar", t.mstar),
        ("mtot", t.mtot),
        ("mdm", t.mdm),
        ("fstar", t.fstar),
        ("fdm", t.fdm),
        ("mstar_2r", t.mstar_2r),
        ("mtot_2r", t.mtot_2r),
        ("c/a", f.c_over_a),
        ("B/T", f.bt),
        ("f_cold", f.f_cold),
        ("f_hot", f.f_hot),
    ]
}

/// Test 13: the 3D targets and features are unchanged under rotations. Rotations that map
/// the axes onto each other with signs (the 24 proper rotations of the cube) are exact in
/// f32, so the measurement agrees to 1e-10 relative. For a general random rotation the f32
/// rounding of the rotated particles (≈6e-8 relative) bounds the agreement: continuous
/// quantities within 1e-5, fractions within two particle masses.
#[test]
fn three_d_measurements_are_rotation_invariant() {
    let g = full_galaxy(13, 5000, 3000, 500);
    let base = measure(&g, &MeasureOptions::default()).unwrap();
    let b = three_d(&base);
    // 3D features are the same for the three projections.
    for p in &base.projections {
        assert_eq!(p.features.bt, base.projections[0].features.bt);
        assert_eq!(p.targets.mtot, base.projections[0].targets.mtot);
    }
    let cube = [
        [[0.0, -1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]],
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
    ];
    for rot in [cube[0], cube[1], matmul(&cube[0], &cube[1])] {
        let mut h = g.clone();
        h.rotate(&rot);
        let r = three_d(&measure(&h, &MeasureOptions::default()).unwrap());
        for ((name, x), (_, y)) in b.iter().zip(&r) {
            assert!(
                (x - y).abs() <= 1e-10 * x.abs().max(1e-300),
                "{name}: {x} vs {y}"
            );
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let (u1, u2, u3): (f64, f64, f64) = (rng.random(), rng.random(), rng.random());
    let tau = std::f64::consts::TAU;
    let (x, y, z, w) = (
        (1.0 - u1).sqrt() * (tau * u2).sin(),
        (1.0 - u1).sqrt() * (tau * u2).cos(),
        u1.sqrt() * (tau * u3).sin(),
        u1.sqrt() * (tau * u3).cos(),
    );
    let rot = [
        [
            1.0 - 2.0 * (y * y + z * z),
            2.0 * (x * y - z * w),
            2.0 * (x * z + y * w),
        ],
        [
            2.0 * (x * y + z * w),
            1.0 - 2.0 * (x * x + z * z),
            2.0 * (y * z - x * w),
        ],
        [
            2.0 * (x * z - y * w),
            2.0 * (y * z + x * w),
            1.0 - 2.0 * (x * x + y * y),
        ],
    ];
    let mut h = g.clone();
    h.rotate(&rot);
    let r = three_d(&measure(&h, &MeasureOptions::default()).unwrap());
    let mmax = g.stars.mass.iter().fold(0.0f32, |a, &m| a.max(m)) as f64;
    let frac_tol = 2.0 * mmax / (0.5 * g.stellar_mass());
    for ((name, x), (_, y)) in b.iter().zip(&r) {
        let tol = match *name {
            "B/T" => 2.0 * frac_tol,
            "f_cold" | "f_hot" => frac_tol,
            "c/a" => 1e-4,
            _ => 1e-5 * x.abs(),
        };
        assert!((x - y).abs() <= tol, "{name}: {x} vs {y} (tol {tol})");
    }
}

/// Errors name the quantity: no stars, NaN positions, a galaxy without DM inside R_hsm.
#[test]
fn errors_name_the_quantity() {
    let e = measure(&Galaxy::default(), &MeasureOptions::default()).unwrap_err();
    assert_eq!(e, MeasureError::NoStars);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let sph = hernquist_sphere(&mut rng, 2000, 1e10, 1.0);
    let mut g = with_trace_dm(&mut rng, sph);
    g.stars.pos[5][1] = f32::NAN;
    let e = measure(&g, &MeasureOptions::default()).unwrap_err();
    assert!(e.to_string().contains("star position"), "{e}");
    let stars = hernquist_sphere(&mut rng, 2000, 1e10, 1.0);
    let g = Galaxy {
        stars,
        ..Default::default()
    };
    let e = measure(&g, &MeasureOptions::default()).unwrap_err();
    assert!(e.to_string().contains("M_DM(<R_hsm)"), "{e}");
    let sph = hernquist_sphere(&mut rng, 2000, 1e10, 1.0);
    let mut g = with_trace_dm(&mut rng, sph);
    g.stars.age.pop();
    let e = measure(&g, &MeasureOptions::default()).unwrap_err();
    assert!(e.to_string().contains("star ages"), "{e}");
}

/// Options: the field aperture can only lose light; mass weighting works; the
/// paper-literal Sérsic bounds are wider; the measurement round-trips through serde.
#[test]
fn options_and_serialisation() {
    let g = full_galaxy(5, 4000, 2000, 300);
    let all = measure(&g, &MeasureOptions::default()).unwrap();
    let field = measure(
        &g,
        &MeasureOptions {
            phot_aperture: PhotAperture::Field,
            ..Default::default()
        },
    )
    .unwrap();
    let mass = measure(
        &g,
        &MeasureOptions {
            kin_weight: KinWeight::Mass,
            ..Default::default()
        },
    )
    .unwrap();
    for i in 0..3 {
        assert!(field.projections[i].features.mr >= all.projections[i].features.mr);
        assert!(mass.projections[i].features.sigma_v > 0.0);
    }
    assert_eq!(
        MeasureOptions {
            paper_literal_sersic: true,
            ..Default::default()
        }
        .sersic_bounds(),
        (0.05, 1000.0)
    );
    let json = serde_json::to_string(&all).unwrap();
    let back: Measurement = serde_json::from_str(&json).unwrap();
    // serde_json's default float parsing may differ in the last bit: compare numerically.
    fn close(a: &serde_json::Value, b: &serde_json::Value) -> bool {
        use serde_json::Value::*;
        match (a, b) {
            (Number(x), Number(y)) => {
                let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
                (x - y).abs() <= 1e-14 * x.abs().max(y.abs())
            }
            (Array(x), Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| close(p, q)),
            (Object(x), Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
            }
            _ => a == b,
        }
    }
    assert!(close(
        &serde_json::to_value(&back).unwrap(),
        &serde_json::to_value(&all).unwrap()
    ));
    assert_eq!(back.projections[2].axis, Axis::Z);
}
