//! Map tests on a real mock galaxy (galaxy-model.md Section 6, tests 15–16): level scheme
//! vs brute force, flux bookkeeping of the observed maps, rebinning, projected smoothing.

use super::maps::{
    ObserveError, ObserveOptions, galaxy_smoothing_lengths, observe_all, observe_with_smoothing,
};
use super::rebin::rebin_to;
use super::smoothing::Hsml;
use super::sph::{ImageGeometry, SphParticles, render, render_brute_force};
use crate::galaxy::{Axis, Galaxy};
use crate::measure::dust::attenuate;
use crate::measure::half_mass_radius;
use crate::measure::kinematic::projection_kinematics;
use crate::mock::{MockOptions, generate};
use crate::projection::{kinematics::kinematic_grid, project};

/// The first selected mock galaxy of seed 2024 with default options, and its R_hsm.
fn mock_galaxy() -> (Galaxy, f64) {
    let opts = MockOptions::default();
    let g = (0..200)
        .find_map(|i| generate(2024, i, &opts))
        .expect("a selected galaxy among 200 draws")
        .galaxy;
    let rhsm = half_mass_radius(&g.stars).unwrap();
    (g, rhsm)
}

/// Test 15: level scheme vs brute force (all particles at ℓ = 0) on a mock galaxy, per
/// projection: L1 difference < 2 % of the total flux, and < 1 % over the pixels within
/// 1R_hsm of the centre, < 1.5 % in the outer 10-pixel frame; totals agree to 2e-4.
#[test]
fn level_scheme_matches_brute_force_on_a_mock_galaxy() {
    let (g, rhsm) = mock_galaxy();
    let h = galaxy_smoothing_lengths(&g);
    let geom = ImageGeometry::for_rhsm(rhsm).unwrap();
    for axis in Axis::ALL {
        let att = attenuate(&g, axis);
        let pr = project(&g.stars.pos, &g.stars.vel, axis);
        let p = SphParticles {
            u: &pr.u,
            w: &pr.w,
            h: &h,
            lum_g: &att.lum_g,
            lum_r: &att.lum_r,
        };
        let lev = render(&p, &geom);
        let bf = render_brute_force(&p, &geom);
        let total: f64 = bf.r.iter().sum();
        let l1: f64 = lev.r.iter().zip(&bf.r).map(|(a, b)| (a - b).abs()).sum();
        let (mut c_l1, mut c_tot, mut e_l1, mut e_tot) = (0.0, 0.0, 0.0, 0.0);
        for k in 0..300 * 300 {
            let (i, j) = ((k % 300) as f64 - 149.5, (k / 300) as f64 - 149.5);
            if i.hypot(j) < 50.0 {
                c_l1 += (lev.r[k] - bf.r[k]).abs();
                c_tot += bf.r[k];
            }
            if i.abs().max(j.abs()) > 139.0 {
                e_l1 += (lev.r[k] - bf.r[k]).abs();
                e_tot += bf.r[k];
            }
        }
        let lev_total: f64 = lev.r.iter().sum();
        println!(
            "axis {}: L1/total = {:.4} %, central L1 = {:.4} %, edge L1 = {:.4} %, totals {:.6e} vs {:.6e}",
            axis.name(),
            100.0 * l1 / total,
            100.0 * c_l1 / c_tot,
            100.0 * e_l1 / e_tot,
            lev_total,
            total
        );
        assert!(l1 / total < 0.02, "L1 {}", l1 / total);
        assert!(c_l1 / c_tot < 0.01, "central L1 {}", c_l1 / c_tot);
        // The outer 10-pixel frame too: ghost pixels keep the level scheme's edges right
        // (0.7–1.1 % with them, 1.6–2.0 % and totals off by 3.5e-4 without).
        assert!(e_l1 / e_tot < 0.015, "edge L1 {}", e_l1 / e_tot);
        assert!(((lev_total - total) / total).abs() < 2e-4);
    }
}

/// Flux bookkeeping of [`observe_all`]: Σ SB·Δ² of the r map lies between the r flux of
/// the stars whose support plus the largest tent footprint (64Δ) is inside the field and
/// the flux of those whose support could reach it; 300² → 60² maps are 5×5 sums (test 16);
/// kinematic maps equal the measurement's grid; colour map is filled where r is bright.
#[test]
fn observed_maps_hold_the_right_flux() {
    let (g, rhsm) = mock_galaxy();
    let opts = ObserveOptions::default();
    let maps = observe_all(&g, rhsm, &opts).unwrap();
    assert_eq!(maps.len(), 3);
    let h = galaxy_smoothing_lengths(&g);
    let geom = ImageGeometry::for_rhsm(rhsm).unwrap();
    let (hw, d) = (geom.half_width(), geom.pixel);
    let small = ObserveOptions {
        image_size: 60,
        ..opts
    };
    for m in &maps {
        assert_eq!((m.r.len(), m.g.len()), (300 * 300, 300 * 300));
        assert_eq!((m.vel.len(), m.vel_mask.len()), (2 * 48 * 48, 48 * 48));
        assert!((m.pixel_kpc - 0.02 * rhsm).abs() < 1e-12 * rhsm);
        let att = attenuate(&g, m.axis);
        let pr = project(&g.stars.pos, &g.stars.vel, m.axis);
        let (mut lo, mut hi) = (0.0, 0.0);
        for (i, &h_i) in h.iter().enumerate() {
            let reach = h_i.max(d) + 64.0 * d;
            let far = pr.u[i].abs().max(pr.w[i].abs());
            if far + reach < hw {
                lo += att.lum_r[i];
            }
            if far - reach < hw {
                hi += att.lum_r[i];
            }
        }
        let area = m.pixel_kpc * m.pixel_kpc;
        let flux: f64 = m.r.iter().map(|&s| s as f64 * area).sum();
        assert!(flux >= lo * (1.0 - 1e-6) && flux <= hi * (1.0 + 1e-6));
        assert!(lo > 0.5 * att.lum_r.iter().sum::<f64>());

        // 60² = 5×5 block sums of the 300² flux.
        let m60 = observe_with_smoothing(&g, m.axis, rhsm, &h, &small).unwrap();
        let f300: Vec<f64> = m.r.iter().map(|&s| s as f64 * area).collect();
        let sums = rebin_to(&f300, 300, 60).unwrap();
        let a60 = m60.pixel_kpc * m60.pixel_kpc;
        for (k, s) in sums.iter().enumerate() {
            let f = m60.r[k] as f64 * a60;
            assert!(
                (f - s).abs() <= 1e-5 * s.abs() + 1e-30,
                "pixel {k}: {f} vs {s}"
            );
        }

        // Kinematics: the same grid as the measurement's (4.3).
        let pk = projection_kinematics(&g, m.axis, rhsm, opts.kin_weight).unwrap();
        let km = pk.grid.maps();
        assert_eq!(m.velocity(), &km.vel[..]);
        assert_eq!(m.dispersion(), &km.sigma[..]);
        assert_eq!(m.vel_mask, km.mask);
        assert!(km.mask.iter().filter(|&&x| x == 1).count() > 300);
        let direct = kinematic_grid(
            &pr.u,
            &pr.w,
            &pr.v_los,
            &att.lum_r,
            &att.lum_r,
            m.v_mean_los,
            rhsm,
        );
        assert_eq!(direct.maps().vel, km.vel);

        // Colour map: defined over the bright centre, neutral fill elsewhere.
        let (c, mask) = m.colour();
        let centre = 150 * 300 + 150;
        assert_eq!(mask[centre], 1);
        assert!(c[centre] > -0.5 && c[centre] < 1.5, "g−r {}", c[centre]);
        for (ci, mi) in c.iter().zip(&mask) {
            if *mi == 0 {
                assert_eq!(*ci, m.g_r_integrated as f32);
            }
        }
    }
}

/// Option `hsml = knn2d`: projected smoothing lengths give the same flux inside the field
/// up to edge effects (within 2 %) and sharper images (a higher peak).
#[test]
fn knn2d_option_renders() {
    let (g, rhsm) = mock_galaxy();
    let opts3 = ObserveOptions::default();
    let opts2 = ObserveOptions {
        hsml: Hsml::Knn2d,
        ..opts3
    };
    let h = galaxy_smoothing_lengths(&g);
    let a = observe_with_smoothing(&g, Axis::Z, rhsm, &h, &opts3).unwrap();
    let b = observe_with_smoothing(&g, Axis::Z, rhsm, &[], &opts2).unwrap();
    let (fa, fb): (f64, f64) = (
        a.r.iter().map(|&x| x as f64).sum(),
        b.r.iter().map(|&x| x as f64).sum(),
    );
    assert!(((fa - fb) / fa).abs() < 0.02, "{fa} vs {fb}");
    let peak = |v: &[f32]| v.iter().fold(0.0f32, |m, &x| m.max(x));
    assert!(peak(&b.r) > peak(&a.r));
}

/// Bad input is an error, never a panic: no stars, a bad R_hsm, an image size that does not
/// divide 300, smoothing lengths of the wrong length.
#[test]
fn bad_input_gives_errors() {
    let (g, rhsm) = mock_galaxy();
    let opts = ObserveOptions::default();
    let h = galaxy_smoothing_lengths(&g);
    assert_eq!(
        observe_all(&Galaxy::default(), 1.0, &opts),
        Err(ObserveError::NoStars)
    );
    assert!(matches!(
        observe_with_smoothing(&g, Axis::X, f64::NAN, &h, &opts),
        Err(ObserveError::BadRadius(_))
    ));
    let odd = ObserveOptions {
        image_size: 70,
        ..opts
    };
    assert!(matches!(
        observe_with_smoothing(&g, Axis::X, rhsm, &h, &odd),
        Err(ObserveError::ImageSize(_))
    ));
    assert!(matches!(
        observe_with_smoothing(&g, Axis::X, rhsm, &h[1..], &opts),
        Err(ObserveError::SmoothingLengths { .. })
    ));
}
