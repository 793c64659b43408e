//! Population regression test (issue 15; galaxy-model.md §1.4 and §7): 300 mock galaxies of
//! the default generator, made with particles and measured as `dataset build` measures them,
//! must keep the population the spec states — sizes, dark-matter fractions, colours on both
//! sequences, dust attenuation, dispersions, Sérsic indices and the looseness of the M*–L
//! relation — so that a silent change to the physics fails CI. The bands are the spec's
//! percentiles (§1.4, [P], from the prototype's 9370 galaxies) widened by what 300 galaxies
//! can resolve.

use galmass_core::galaxy::Dust;
use galmass_core::measure::dust::{attenuate, line_of_sight_disc_frame};
use galmass_core::measure::{MeasureOptions, measure};
use galmass_core::mock::{MockOptions, generate};

fn pct(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let x = q * (v.len() - 1) as f64;
    let k = x.floor() as usize;
    let t = x - k as f64;
    v[k] + t * (v[(k + 1).min(v.len() - 1)] - v[k])
}

/// Least-squares line y = a + b x; returns the scatter (rms residual).
fn fit_scatter(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let b = sxy / sxx;
    let a = my - b * mx;
    (x.iter()
        .zip(y)
        .map(|(p, q)| (q - a - b * p).powi(2))
        .sum::<f64>()
        / n)
        .sqrt()
}

#[test]
fn measured_population_matches_the_spec() {
    let opts = MockOptions::default();
    let mopts = MeasureOptions::default();
    let (mut rhsm, mut fdm, mut gr_sf, mut gr_q, mut gr_all, mut sig, mut nser) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let (mut log_l, mut log_m) = (vec![], vec![]);
    // Dust: A_r of all the stars' light per projection, star-forming by |cos i| of the line of
    // sight in the disc frame, and quenched.
    let (mut ar_face, mut ar_edge, mut ar_sf, mut ar_q) = (vec![], vec![], vec![], vec![]);
    let mut index = 0u64;
    let mut n = 0;
    while n < 300 {
        let Some(g) = generate(2024, index, &opts) else {
            index += 1;
            continue;
        };
        index += 1;
        n += 1;
        let m = measure(&g.galaxy, &mopts).expect("a mock galaxy measures");
        rhsm.push(m.rhsm_kpc);
        for p in &m.projections {
            let s = &g.galaxy.stars;
            let att = attenuate(&g.galaxy, p.axis);
            let intrinsic: f64 = s.lum_r.iter().map(|&l| f64::from(l)).sum();
            let a_r = -2.5 * (att.lum_r.iter().sum::<f64>() / intrinsic).log10();
            if g.params.quenched {
                ar_q.push(a_r);
            } else {
                ar_sf.push(a_r);
                if let Dust::AnalyticSlab(slab) = &g.galaxy.dust {
                    let cos_i = line_of_sight_disc_frame(&slab.rotation, p.axis)[2].abs();
                    if cos_i > 0.7 {
                        ar_face.push(a_r);
                    } else if cos_i < 0.3 {
                        ar_edge.push(a_r);
                    }
                }
            }
            let f = &p.features;
            fdm.push(10f64.powf(p.targets.fdm));
            gr_all.push(f.g_r);
            if g.params.quenched {
                gr_q.push(f.g_r);
            } else {
                gr_sf.push(f.g_r);
            }
            sig.push(f.sigma_v);
            nser.push(f.n_ser);
            // log L_r from M_r (M☉,r = 4.65), against log M*(<R_hsm) + log 2 (all stars).
            log_l.push((4.65 - f.mr) / 2.5);
            log_m.push(p.targets.mstar);
        }
    }
    // Spec §1.4 [P] percentiles 5/25/50/75/95. Measured on this sample (seed 2024) when the
    // test was written: R_hsm 1.28/1.96/2.74/3.76/6.78 kpc, f_DM 0.26/0.34/0.43/0.52/0.67,
    // g−r 0.30/0.40/0.50/0.77/0.83, σ_v 47/73/92/124/175 km/s, n 0.97/1.32/2.10/2.88/4.40.
    let q = [0.05, 0.25, 0.5, 0.75, 0.95];
    let mut failures = Vec::new();
    // Relative bands: ±10 % on the quartiles and median, ±20 % on the 5th and 95th
    // percentiles (300 galaxies resolve a median to ≈ 5 %, a tail percentile to ≈ 10 %).
    let mut relative = |name: &str, v: &mut Vec<f64>, spec: [f64; 5]| {
        for (k, (&x, want)) in q.iter().zip(spec).enumerate() {
            let got = pct(v, x);
            let tol = if k == 0 || k == 4 { 0.20 } else { 0.10 };
            let ok = (got / want - 1.0).abs() <= tol;
            eprintln!(
                "{name} p{:<2} {got:8.3} (spec {want}, ±{:.0} %) {}",
                (x * 100.0) as u32,
                tol * 100.0,
                if ok { "ok" } else { "OUT" }
            );
            if !ok {
                failures.push(format!(
                    "{name} p{}: {got:.3} vs spec {want}",
                    (x * 100.0) as u32
                ));
            }
        }
    };
    relative("R_hsm [kpc]", &mut rhsm, [1.4, 2.1, 2.8, 3.8, 6.1]);
    relative("f_DM(<R_hsm)", &mut fdm, [0.27, 0.36, 0.42, 0.51, 0.66]);
    relative("sigma_v [km/s]", &mut sig, [49.0, 73.0, 94.0, 120.0, 163.0]);
    relative("n_Sersic", &mut nser, [0.94, 1.36, 2.09, 2.86, 4.78]);
    // Colours (attenuated g − r, mag): ±0.04 on the quartiles and median, ±0.06 on the tails;
    // the star-forming median must sit in the spec's blue half (p25–p50 of all galaxies) and
    // the quenched median in its red tail (p75–p95).
    let spec_gr = [0.32, 0.42, 0.50, 0.75, 0.82];
    for (k, (&x, want)) in q.iter().zip(spec_gr).enumerate() {
        let got = pct(&mut gr_all, x);
        let tol = if k == 0 || k == 4 { 0.06 } else { 0.04 };
        eprintln!(
            "g-r p{:<2} {got:.3} (spec {want}, ±{tol})",
            (x * 100.0) as u32
        );
        if (got - want).abs() > tol {
            failures.push(format!(
                "g-r p{}: {got:.3} vs spec {want}",
                (x * 100.0) as u32
            ));
        }
    }
    let (sf, qu) = (pct(&mut gr_sf, 0.5), pct(&mut gr_q, 0.5));
    eprintln!("median g-r: star-forming {sf:.3}, quenched {qu:.3}");
    if !(spec_gr[1] - 0.04..=spec_gr[2]).contains(&sf) {
        failures.push(format!(
            "star-forming median g-r {sf:.3} outside [0.38, 0.50]"
        ));
    }
    if !(spec_gr[3] - 0.04..=spec_gr[4] + 0.04).contains(&qu) {
        failures.push(format!("quenched median g-r {qu:.3} outside [0.71, 0.86]"));
    }
    // §7: a power law in L leaves 0.22 dex of scatter in M* (the paper's TNG: 0.16): mass is
    // far from a function of luminosity. Band 0.17–0.27 dex.
    let scatter = fit_scatter(&log_l, &log_m);
    eprintln!(
        "M*-L power-law scatter {scatter:.3} dex (spec 0.22), {} samples of {n} galaxies ({index} drawn)",
        log_l.len()
    );
    if !(0.17..=0.27).contains(&scatter) {
        failures.push(format!(
            "M*-L scatter {scatter:.3} dex outside [0.17, 0.27]"
        ));
    }
    // §2.8 [P]: A_r of star-forming galaxies 0.1–0.8 mag, rising with inclination; quenched
    // ≈ 0; §8.12: the slab is calibrated to ΔA_r ≈ 1 mag edge-on. Bands: the star-forming
    // median in [0.1, 0.8], p10 ≥ 0.05 and p90 ≤ 1.2 (edge-on discs reach ≈ 1 mag); the
    // edge-on median (|cos i| < 0.3) at least 0.1 mag above the face-on one (|cos i| > 0.7);
    // the quenched median below 0.1 mag. Measured when written (seed 2024): p10/p50/p90
    // 0.10/0.33/0.99, face-on 0.20, edge-on 0.54, quenched 0.047 (their thin residual gas).
    let (sf10, sf50, sf90) = (
        pct(&mut ar_sf, 0.1),
        pct(&mut ar_sf, 0.5),
        pct(&mut ar_sf, 0.9),
    );
    let (face, edge, q50) = (
        pct(&mut ar_face, 0.5),
        pct(&mut ar_edge, 0.5),
        pct(&mut ar_q, 0.5),
    );
    eprintln!(
        "A_r star-forming p10/p50/p90 {sf10:.3}/{sf50:.3}/{sf90:.3} mag; face-on {face:.3} ({} projections), \
         edge-on {edge:.3} ({}); quenched median {q50:.4}",
        ar_face.len(),
        ar_edge.len()
    );
    if !(sf10 >= 0.05 && sf90 <= 1.2 && (0.1..=0.8).contains(&sf50)) {
        failures.push(format!(
            "A_r of star-forming galaxies p10/p50/p90 {sf10:.3}/{sf50:.3}/{sf90:.3} outside the spec's 0.1–0.8 mag"
        ));
    }
    if edge.is_nan() || face.is_nan() || edge <= face + 0.1 {
        failures.push(format!(
            "A_r does not rise with inclination: edge-on {edge:.3} vs face-on {face:.3}"
        ));
    }
    if q50.is_nan() || q50 >= 0.1 {
        failures.push(format!("quenched median A_r {q50:.3} is not ≈ 0"));
    }
    assert!(
        failures.is_empty(),
        "population off the spec: {failures:#?}"
    );
}
