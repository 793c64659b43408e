//! The Classroom galaxy obeys its controls: the analytic consequences of each hand-set
//! parameter (galaxy-model.md 1–3) are checked on the particles and the measurements.

use super::*;
use crate::galaxy::Galaxy;
use crate::mock::{draw_params, generate, selected_indices};

fn with(f: impl FnOnce(&mut Controls)) -> Controls {
    let mut c = Controls::default();
    f(&mut c);
    c
}

/// Total stellar angular momentum direction's angle from the z axis, degrees.
fn spin_angle_from_z(g: &Galaxy) -> f64 {
    let s = &g.stars;
    let mut l = [0.0f64; 3];
    for ((x, v), m) in s.pos.iter().zip(&s.vel).zip(&s.mass) {
        let (x, v, m) = (x.map(f64::from), v.map(f64::from), f64::from(*m));
        l[0] += m * (x[1] * v[2] - x[2] * v[1]);
        l[1] += m * (x[2] * v[0] - x[0] * v[2]);
        l[2] += m * (x[0] * v[1] - x[1] * v[0]);
    }
    let n = (l[0] * l[0] + l[1] * l[1] + l[2] * l[2]).sqrt();
    (l[2] / n).acos().to_degrees()
}

#[test]
fn no_overrides_is_the_ordinary_mock_galaxy() {
    let opts = MockOptions::default();
    for index in selected_indices(3, 3, &opts) {
        let a = generate(3, index, &opts).expect("selected");
        let b = generate_with(3, index, &opts, &Overrides::default());
        assert_eq!(a, b, "galaxy {index}");
    }
}

#[test]
fn overrides_replace_their_draws_and_keep_the_rest() {
    let opts = MockOptions::default();
    let c = Controls::default();
    let drawn = draw_params(c.seed, 0, &opts);
    let g = generate_with(c.seed, 0, &opts, &c.overrides());
    let p = &g.params;
    assert_eq!(p.log_m200, c.log_m200);
    assert_eq!(p.log_mstar, c.log_mstar);
    assert_eq!(p.bt, c.bt);
    assert_eq!(p.r_d, c.r_d_kpc);
    assert!((p.m_bulge - c.bt * 10f64.powf(c.log_mstar)).abs() < 1e-6 * p.mstar);
    // Draws made before the first dependent one are those of the unmodified galaxy.
    assert_eq!((p.z_c, p.eps_smhm), (drawn.z_c, drawn.eps_smhm));
    // The particles carry the stellar mass asked for (f32 masses).
    let mstar: f64 = g.galaxy.stars.mass.iter().map(|&m| f64::from(m)).sum();
    assert!(
        (mstar / p.mstar - 1.0).abs() < 1e-4,
        "{mstar} vs {}",
        p.mstar
    );
}

#[test]
fn inclination_tilts_the_spin_axis_away_from_the_line_of_sight() {
    // A pure disc rotates about its own z axis; the Classroom rotates it about x by i, so the
    // stellar angular momentum makes the angle i with the line of sight z.
    for i in [0.0, 30.0, 60.0, 90.0] {
        let c = with(|c| {
            c.bt = 0.0;
            c.inclination_deg = i;
        });
        let g = generate_with(c.seed, 0, &MockOptions::default(), &c.overrides());
        let angle = spin_angle_from_z(&g.galaxy);
        assert!(
            (angle - i).abs() < 3.0,
            "inclination {i}: spin at {angle:.1}°"
        );
    }
}

#[test]
fn half_of_the_stars_lie_inside_the_half_mass_radius() {
    let g = build(&Controls::default(), 60).expect("default galaxy");
    // M*(<R_hsm) = M*/2 by the definition of R_hsm (particles beyond the measurement aperture
    // aside).
    let half = g.params.log_mstar - 2f64.log10();
    assert!(
        (g.targets.mstar - half).abs() < 0.02,
        "{} vs {half}",
        g.targets.mstar
    );
    assert!(g.targets.mtot > g.targets.mstar);
    assert_eq!(g.maps.r.len(), 60 * 60);
    assert!(g.maps.r.iter().chain(&g.maps.vel).all(|v| v.is_finite()));
    let ex = g.example();
    let inputs = ex.inputs().expect("example maps match their sides");
    // r, g (the Classroom's g map, for models that read colour) and the kinematic maps.
    let names: Vec<&str> = inputs.maps.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(names, ["r", "g", "vel"]);
    assert_eq!(ex.g.as_ref(), Some(&g.maps.g));
    assert_eq!(ex.mstar, g.targets.mstar);
}

#[test]
fn a_bigger_disc_has_a_proportionally_bigger_half_mass_radius() {
    // A bulgeless disc's star positions scale with R_d (same random stream), except for the
    // thickness floor: R_hsm doubles with R_d, and is ≈ 1.68 R_d (exponential disc).
    let small = build(
        &with(|c| {
            c.bt = 0.0;
            c.r_d_kpc = 2.5
        }),
        60,
    )
    .expect("small");
    let big = build(
        &with(|c| {
            c.bt = 0.0;
            c.r_d_kpc = 5.0
        }),
        60,
    )
    .expect("big");
    let ratio = big.rhsm_kpc / small.rhsm_kpc;
    assert!((ratio - 2.0).abs() < 0.1, "ratio {ratio}");
    let per_rd = big.rhsm_kpc / 5.0;
    assert!((1.6..1.9).contains(&per_rd), "R_hsm/R_d = {per_rd}");
}

#[test]
fn a_heavier_halo_puts_more_dark_matter_inside_the_same_stars() {
    let light = build(&with(|c| c.log_m200 = 11.5), 60).expect("light halo");
    let heavy = build(&with(|c| c.log_m200 = 13.0), 60).expect("heavy halo");
    assert!((light.targets.mstar - heavy.targets.mstar).abs() < 0.02);
    assert!(
        heavy.targets.mtot > light.targets.mtot + 0.05,
        "{} vs {}",
        heavy.targets.mtot,
        light.targets.mtot
    );
    assert!(heavy.targets.fdm > light.targets.fdm);
}

#[test]
fn controls_outside_their_ranges_are_refused() {
    for c in [
        with(|c| c.log_m200 = f64::NAN),
        with(|c| c.log_mstar = 13.0),
        with(|c| c.bt = -0.1),
        with(|c| c.inclination_deg = 91.0),
        with(|c| c.seed = 1000),
        with(|c| c.seeing_re = -0.1),
        with(|c| c.noise = 0.5),
    ] {
        assert!(
            matches!(build(&c, 60), Err(ClassroomError::OutOfRange { .. })),
            "{c:?}"
        );
    }
}

#[test]
fn every_corner_of_the_controls_builds() {
    let (m, s, r, b) = (
        Controls::LOG_M200,
        Controls::LOG_MSTAR,
        Controls::R_D_KPC,
        Controls::BT,
    );
    for log_m200 in [m.0, m.1] {
        for log_mstar in [s.0, s.1] {
            for r_d_kpc in [r.0, r.1] {
                for bt in [b.0, b.1] {
                    let c = Controls {
                        log_m200,
                        log_mstar,
                        r_d_kpc,
                        bt,
                        inclination_deg: 90.0,
                        seed: 0,
                        // The worst seeing and noise the sliders allow.
                        seeing_re: Controls::SEEING_RE.1,
                        noise: Controls::NOISE.1,
                    };
                    let g = build(&c, 60).unwrap_or_else(|e| panic!("{c:?}: {e}"));
                    assert!(
                        g.targets.mstar.is_finite() && g.targets.mtot.is_finite(),
                        "{c:?}"
                    );
                }
            }
        }
    }
}

/// Issue 16: seeing blurs the maps (the r peak drops, the light stays) and noise speckles
/// them, while the galaxy and its truths stay the same.
#[test]
fn seeing_and_noise_change_the_maps_not_the_galaxy() {
    let ideal = build(&Controls::default(), 60).unwrap();
    let blurred = build(&with(|c| c.seeing_re = 1.0), 60).unwrap();
    let noisy = build(&with(|c| c.noise = 0.1), 60).unwrap();
    for g in [&blurred, &noisy] {
        assert_eq!(
            (g.targets, g.features, g.rhsm_kpc),
            (ideal.targets, ideal.features, ideal.rhsm_kpc)
        );
    }
    let peak = |m: &[f32]| m.iter().copied().fold(0f32, f32::max);
    let sum = |m: &[f32]| m.iter().map(|&v| f64::from(v)).sum::<f64>();
    assert!(peak(&blurred.maps.r) < 0.7 * peak(&ideal.maps.r));
    assert!(
        (sum(&blurred.maps.r) / sum(&ideal.maps.r) - 1.0).abs() < 0.05,
        "light kept but what leaves the map"
    );
    // Noise: S/N 10 at R_e, so some faint pixels go negative once the sky is subtracted.
    assert!(noisy.maps.r.iter().any(|&v| v < 0.0));
    assert_ne!(
        noisy.maps.vel, ideal.maps.vel,
        "the kinematics carry measurement errors"
    );
}
