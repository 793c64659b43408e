//! Population regression test (issue 15; galaxy-model.md §1.4 and §7): 300 mock galaxies of
//! the default generator, made with particles and measured as `dataset build` measures them,
//! must keep the population the spec states — sizes, dark-matter fractions, colours on both
//! sequences, dust attenuation, dispersions, Sérsic indices and the looseness of the M*–L
//! relation — so that a silent change to the physics fails CI. The bands are the spec's
//! percentiles (§1.4, [P], from the prototype's 9370 galaxies) widened by what 300 galaxies
//! can resolve. It also holds the dust-free M*/L scatter at fixed g − r (default ≈ 0.04 dex;
//! the `ml-scatter` physics variant ≥ 0.08 dex, galaxy-model.md §9) and
//! the aperture σ_v of spheroids against the spherical Jeans solution (§2.5, §6.6–6.7).

// Test code: helpers outside #[test] functions may expect (a mock galaxy always measures).
#![allow(clippy::expect_used)]

use galmass_core::galaxy::{Axis, Dust, Galaxy};
use galmass_core::measure::dust::{attenuate, line_of_sight_disc_frame};
use galmass_core::measure::{MeasureOptions, measure};
use galmass_core::mock::halo::DarkHalo;
use galmass_core::mock::jeans::JeansTable;
use galmass_core::mock::potential::MassProfile;
use galmass_core::mock::profiles::{Baryons, ExpDisc, GasDisc, Hernquist};
use galmass_core::mock::{
    GasMode, HaloResponse, MockGalaxy, MockOptions, PhysicsVariant, generate,
};

fn pct(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let x = q * (v.len() - 1) as f64;
    let k = x.floor() as usize;
    let t = x - k as f64;
    v[k] + t * (v[(k + 1).min(v.len() - 1)] - v[k])
}

/// (log10 M*/L_r, g − r) of all the stars' dust-free light: the galaxy's intrinsic M/L and
/// colour (M☉,g − M☉,r = 0.46).
fn dust_free_ml_colour(g: &Galaxy) -> (f64, f64) {
    let s = &g.stars;
    let sum = |v: &[f32]| v.iter().map(|&x| f64::from(x)).sum::<f64>();
    let (m, lr, lg) = (sum(&s.mass), sum(&s.lum_r), sum(&s.lum_g));
    ((m / lr).log10(), -2.5 * (lg / lr).log10() + 0.46)
}

/// Residual rms (dex) of log M*/L_r about a least-squares line in g − r: the M/L scatter at
/// fixed colour.
fn ml_scatter_at_fixed_colour(ml_gr: &[(f64, f64)]) -> f64 {
    let (ml, gr): (Vec<f64>, Vec<f64>) = ml_gr.iter().copied().unzip();
    fit_scatter(&gr, &ml)
}

/// The galaxy's Jeans solution for its bulge (§2.5): the mass profile and σ_r(r) table the
/// generator drew the bulge velocities from, rebuilt from the hidden parameters. `None`
/// without a bulge.
fn bulge_jeans(g: &MockGalaxy, opts: &MockOptions) -> Option<JeansTable> {
    let p = &g.params;
    let bulge = Hernquist::new(p.m_bulge, p.a_bulge);
    let baryons = Baryons {
        bulge: (p.n_bulge > 0 && p.m_bulge > 0.0).then(|| bulge.clone()),
        disc: (p.n_disc > 0 && p.m_disc > 0.0).then(|| ExpDisc::new(p.m_disc, p.r_d, p.z0)),
        gas: (opts.gas != GasMode::None && p.m_gas > 0.0)
            .then(|| GasDisc::new(p.m_gas, p.r_g, p.r_m, p.z_g)),
        m_bh: 0.0,
    };
    baryons.bulge.as_ref()?;
    let nu = if opts.halo_response == HaloResponse::Gnedin04Scatter {
        p.contraction_efficiency
    } else {
        1.0
    };
    let f_gal = baryons.total_mass() / p.m200;
    let halo = DarkHalo::with_efficiency(
        p.m200,
        p.concentration,
        opts.halo_response,
        &baryons,
        f_gal,
        nu,
    );
    let profile = MassProfile::new(&baryons, &halo);
    Some(JeansTable::new(&profile, |r| bulge.density(r), p.beta_b))
}

/// Jeans prediction of the aperture σ_v of projection `axis` (km/s): over the bulge stars
/// with R_proj < 2 R_hsm, weighted by their dust-attenuated r light `w`, the mean of
/// E[v_los²] = σ_r²(r) (1 − β sin²ψ) (ψ between the line of sight and the radius; velocity
/// flips of the net rotation leave v² unchanged). Also the same mean of the drawn v_los² of
/// those stars (what the generator realised).
fn jeans_aperture_sigma(
    g: &MockGalaxy,
    jeans: &JeansTable,
    axis: Axis,
    w: &[f64],
    rhsm: f64,
) -> (f64, f64) {
    let s = &g.galaxy.stars;
    let (k, (i1, i2)) = (axis.los(), axis.image_axes());
    let (mut sw, mut pred, mut drawn) = (0.0, 0.0, 0.0);
    let bulge = s.pos.iter().zip(&s.vel).zip(w);
    for ((pos, vel), &wi) in bulge.take(g.params.n_bulge as usize) {
        let x = pos.map(f64::from);
        let rp = x[i1].hypot(x[i2]);
        if rp >= 2.0 * rhsm {
            continue;
        }
        let r = (rp * rp + x[k] * x[k]).sqrt();
        let sin2 = if r > 0.0 { (rp / r).powi(2) } else { 0.0 };
        sw += wi;
        pred += wi * jeans.sigma_r(r).powi(2) * (1.0 - jeans.beta * sin2);
        drawn += wi * f64::from(vel[k]).powi(2);
    }
    ((pred / sw).sqrt(), (drawn / sw).sqrt())
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

/// What the population test collects from 300 galaxies (per projection unless stated).
#[derive(Default)]
struct Population {
    /// Galaxies made and draws scanned.
    n: usize,
    drawn: u64,
    /// R_hsm per galaxy (kpc).
    rhsm: Vec<f64>,
    fdm: Vec<f64>,
    gr_sf: Vec<f64>,
    gr_q: Vec<f64>,
    gr_all: Vec<f64>,
    sig: Vec<f64>,
    nser: Vec<f64>,
    /// log L_r from M_r, and log M*(<R_hsm).
    log_l: Vec<f64>,
    log_m: Vec<f64>,
    /// A_r of all the stars' light: star-forming face-on (|cos i| > 0.7), edge-on (< 0.3),
    /// all star-forming, quenched.
    ar_face: Vec<f64>,
    ar_edge: Vec<f64>,
    ar_sf: Vec<f64>,
    ar_q: Vec<f64>,
    /// Dust-free (log M*/L_r, g − r) per galaxy.
    ml_gr: Vec<(f64, f64)>,
    /// Spheroids (B/T ≥ 0.8): measured σ_v / Jeans prediction, and drawn / Jeans (bulge stars).
    jeans_measured: Vec<f64>,
    jeans_drawn: Vec<f64>,
}

/// B/T above which a galaxy counts as a spheroid for the Jeans comparison.
const SPHEROID_BT: f64 = 0.8;

impl Population {
    /// Makes and measures the first `n` selected galaxies of `seed` with `opts`.
    fn collect(seed: u64, n: usize, opts: &MockOptions) -> Self {
        let mopts = MeasureOptions::default();
        let mut pop = Population::default();
        while pop.n < n {
            let Some(g) = generate(seed, pop.drawn, opts) else {
                pop.drawn += 1;
                continue;
            };
            pop.drawn += 1;
            pop.n += 1;
            let m = measure(&g.galaxy, &mopts).expect("a mock galaxy measures");
            pop.rhsm.push(m.rhsm_kpc);
            pop.ml_gr.push(dust_free_ml_colour(&g.galaxy));
            let jeans = (g.params.bt >= SPHEROID_BT)
                .then(|| bulge_jeans(&g, opts))
                .flatten();
            for p in &m.projections {
                let att = attenuate(&g.galaxy, p.axis);
                pop.record(&g, p, &att.lum_r);
                if let Some(j) = &jeans {
                    let (pred, drawn) = jeans_aperture_sigma(&g, j, p.axis, &att.lum_r, m.rhsm_kpc);
                    pop.jeans_measured.push(p.features.sigma_v / pred);
                    pop.jeans_drawn.push(drawn / pred);
                }
            }
        }
        pop
    }

    /// Records one projection of galaxy `g`; `lum_r` is its stars' attenuated r light.
    fn record(
        &mut self,
        g: &MockGalaxy,
        p: &galmass_core::measure::ProjectionMeasurement,
        lum_r: &[f64],
    ) {
        let s = &g.galaxy.stars;
        let intrinsic: f64 = s.lum_r.iter().map(|&l| f64::from(l)).sum();
        let a_r = -2.5 * (lum_r.iter().sum::<f64>() / intrinsic).log10();
        if g.params.quenched {
            self.ar_q.push(a_r);
        } else {
            self.ar_sf.push(a_r);
            if let Dust::AnalyticSlab(slab) = &g.galaxy.dust {
                let cos_i = line_of_sight_disc_frame(&slab.rotation, p.axis)[2].abs();
                if cos_i > 0.7 {
                    self.ar_face.push(a_r);
                } else if cos_i < 0.3 {
                    self.ar_edge.push(a_r);
                }
            }
        }
        let f = &p.features;
        self.fdm.push(10f64.powf(p.targets.fdm));
        self.gr_all.push(f.g_r);
        if g.params.quenched {
            self.gr_q.push(f.g_r);
        } else {
            self.gr_sf.push(f.g_r);
        }
        self.sig.push(f.sigma_v);
        self.nser.push(f.n_ser);
        // log L_r from M_r (M☉,r = 4.65), against log M*(<R_hsm) + log 2 (all stars).
        self.log_l.push((4.65 - f.mr) / 2.5);
        self.log_m.push(p.targets.mstar);
    }
}

/// Spec §1.4 [P] percentiles 5/25/50/75/95 with relative bands: ±10 % on the quartiles and
/// median, ±20 % on the 5th and 95th percentiles (300 galaxies resolve a median to ≈ 5 %, a
/// tail percentile to ≈ 10 %). Measured on this sample (seed 2024) when the test was
/// written: R_hsm 1.28/1.96/2.74/3.76/6.78 kpc, f_DM 0.26/0.34/0.43/0.52/0.67,
/// σ_v 47/73/92/124/175 km/s, n 0.97/1.32/2.10/2.88/4.40.
fn check_percentiles(pop: &mut Population, failures: &mut Vec<String>) {
    let q = [0.05, 0.25, 0.5, 0.75, 0.95];
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
    relative("R_hsm [kpc]", &mut pop.rhsm, [1.4, 2.1, 2.8, 3.8, 6.1]);
    relative("f_DM(<R_hsm)", &mut pop.fdm, [0.27, 0.36, 0.42, 0.51, 0.66]);
    relative(
        "sigma_v [km/s]",
        &mut pop.sig,
        [49.0, 73.0, 94.0, 120.0, 163.0],
    );
    relative("n_Sersic", &mut pop.nser, [0.94, 1.36, 2.09, 2.86, 4.78]);
}

/// Colours (attenuated g − r, mag): ±0.04 on the quartiles and median, ±0.06 on the tails;
/// the star-forming median must sit in the spec's blue half (p25–p50 of all galaxies) and
/// the quenched median in its red tail (p75–p95). Measured when written: g−r
/// 0.30/0.40/0.50/0.77/0.83.
fn check_colours(pop: &mut Population, failures: &mut Vec<String>) {
    let q = [0.05, 0.25, 0.5, 0.75, 0.95];
    let spec_gr = [0.32, 0.42, 0.50, 0.75, 0.82];
    for (k, (&x, want)) in q.iter().zip(spec_gr).enumerate() {
        let got = pct(&mut pop.gr_all, x);
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
    let (sf, qu) = (pct(&mut pop.gr_sf, 0.5), pct(&mut pop.gr_q, 0.5));
    eprintln!("median g-r: star-forming {sf:.3}, quenched {qu:.3}");
    if !(spec_gr[1] - 0.04..=spec_gr[2]).contains(&sf) {
        failures.push(format!(
            "star-forming median g-r {sf:.3} outside [0.38, 0.50]"
        ));
    }
    if !(spec_gr[3] - 0.04..=spec_gr[4] + 0.04).contains(&qu) {
        failures.push(format!("quenched median g-r {qu:.3} outside [0.71, 0.86]"));
    }
}

/// §2.8 [P]: A_r of star-forming galaxies 0.1–0.8 mag, rising with inclination; quenched
/// ≈ 0; §8.12: the slab is calibrated to ΔA_r ≈ 1 mag edge-on. Bands: the star-forming
/// median in [0.1, 0.8], p10 ≥ 0.05 and p90 ≤ 1.2 (edge-on discs reach ≈ 1 mag); the
/// edge-on median (|cos i| < 0.3) at least 0.1 mag above the face-on one (|cos i| > 0.7);
/// the quenched median below 0.1 mag. Measured when written (seed 2024): p10/p50/p90
/// 0.10/0.33/0.99, face-on 0.20, edge-on 0.54, quenched 0.047 (their thin residual gas).
fn check_dust(pop: &mut Population, failures: &mut Vec<String>) {
    let (sf10, sf50, sf90) = (
        pct(&mut pop.ar_sf, 0.1),
        pct(&mut pop.ar_sf, 0.5),
        pct(&mut pop.ar_sf, 0.9),
    );
    let (face, edge, q50) = (
        pct(&mut pop.ar_face, 0.5),
        pct(&mut pop.ar_edge, 0.5),
        pct(&mut pop.ar_q, 0.5),
    );
    eprintln!(
        "A_r star-forming p10/p50/p90 {sf10:.3}/{sf50:.3}/{sf90:.3} mag; face-on {face:.3} ({} projections), \
         edge-on {edge:.3} ({}); quenched median {q50:.4}",
        pop.ar_face.len(),
        pop.ar_edge.len()
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
}

/// §2.5, §6.6–6.7: the spheroids' aperture σ_v (the measured feature: dust-attenuated light,
/// R < 2 R_hsm, all stars) against the Jeans solution of their bulges at the same stars.
/// The drawn bulge velocities must follow the Jeans table (median drawn/Jeans within
/// 0.97–1.02: the escape-speed redraw may trim ≈ 1–3 %, §6.7); the feature, which also holds
/// the ≤ 20 % of disc light, within 0.95–1.05 of it in the median, and every spheroid's
/// projection within 0.8–1.2. Measured when written (seed 2024, 31 spheroids × 3): feature /
/// Jeans median 1.001 (0.893–1.047), drawn / Jeans median 0.999.
fn check_jeans(pop: &mut Population, failures: &mut Vec<String>) {
    let k = pop.jeans_measured.len();
    if k < 30 {
        failures.push(format!("only {k} spheroid projections for the Jeans check"));
        return;
    }
    let drawn = pct(&mut pop.jeans_drawn, 0.5);
    let (lo, med, hi) = (
        pct(&mut pop.jeans_measured, 0.0),
        pct(&mut pop.jeans_measured, 0.5),
        pct(&mut pop.jeans_measured, 1.0),
    );
    eprintln!(
        "spheroids (B/T >= {SPHEROID_BT}): {k} projections; sigma_v/Jeans median {med:.3} \
         (min {lo:.3}, max {hi:.3}); drawn bulge v_los/Jeans median {drawn:.3}"
    );
    if !(0.97..=1.02).contains(&drawn) {
        failures.push(format!(
            "drawn bulge dispersion / Jeans {drawn:.3} outside [0.97, 1.02]"
        ));
    }
    if !(0.95..=1.05).contains(&med) || lo < 0.8 || hi > 1.2 {
        failures.push(format!(
            "sigma_v / Jeans of spheroids: median {med:.3} (min {lo:.3}, max {hi:.3}) outside \
             [0.95, 1.05] (each in [0.8, 1.2])"
        ));
    }
}

#[test]
fn measured_population_matches_the_spec() {
    let mut pop = Population::collect(2024, 300, &MockOptions::default());
    let mut failures = Vec::new();
    check_percentiles(&mut pop, &mut failures);
    check_colours(&mut pop, &mut failures);
    // §7: a power law in L leaves 0.22 dex of scatter in M* (the paper's TNG: 0.16): mass is
    // far from a function of luminosity. Band 0.17–0.27 dex.
    let scatter = fit_scatter(&pop.log_l, &pop.log_m);
    eprintln!(
        "M*-L power-law scatter {scatter:.3} dex (spec 0.22), {} samples of {} galaxies ({} drawn)",
        pop.log_l.len(),
        pop.n,
        pop.drawn
    );
    if !(0.17..=0.27).contains(&scatter) {
        failures.push(format!(
            "M*-L scatter {scatter:.3} dex outside [0.17, 0.27]"
        ));
    }
    check_dust(&mut pop, &mut failures);
    // §7 and the review of issue 15: the dust-free M*/L of the default scatters by ≈ 0.04 dex
    // at fixed g − r (TNG-like populations with bursts and metallicity spreads: 0.05–0.15);
    // the `ml-scatter` variant raises it (`ml_scatter_variant_raises_the_ml_floor`).
    let ml = ml_scatter_at_fixed_colour(&pop.ml_gr);
    eprintln!("dust-free M*/L_r scatter at fixed g-r: {ml:.3} dex (default physics)");
    if ml >= 0.06 {
        failures.push(format!(
            "default M/L scatter at fixed colour {ml:.3} dex ≥ 0.06"
        ));
    }
    check_jeans(&mut pop, &mut failures);
    assert!(
        failures.is_empty(),
        "population off the spec: {failures:#?}"
    );
}

/// The `ml-scatter` physics variant (frequent bursts and a per-galaxy IMF offset) must raise
/// the dust-free M*/L scatter at fixed g − r of 300 galaxies (seed 2024) to at least 0.08 dex,
/// while the default stays below 0.06 (`measured_population_matches_the_spec`). Particles
/// only: nothing is measured.
#[test]
fn ml_scatter_variant_raises_the_ml_floor() {
    let opts = PhysicsVariant::MlScatter.options();
    let mut ml_gr = Vec::new();
    let mut index = 0u64;
    while ml_gr.len() < 300 {
        if let Some(g) = generate(2024, index, &opts) {
            ml_gr.push(dust_free_ml_colour(&g.galaxy));
        }
        index += 1;
    }
    let ml = ml_scatter_at_fixed_colour(&ml_gr);
    eprintln!("dust-free M*/L_r scatter at fixed g-r: {ml:.3} dex (ml-scatter)");
    assert!(
        ml >= 0.08,
        "ml-scatter M/L scatter at fixed colour {ml:.3} dex < 0.08"
    );
}

/// The population figures of every physics variant (galaxy-model.md §9's table): 300
/// galaxies of seed 2024 each, measured as above. Slow (≈ 6 × the default test), so ignored;
/// `cargo test -p galmass-core --test population -- --ignored --nocapture`.
#[test]
#[ignore = "prints the table of galaxy-model.md §9; run by hand"]
fn variant_population_figures() {
    eprintln!(
        "variant       M/L|g-r  R_hsm p50  f_DM p5/p50/p95   sigma_v p50  M*-L   g-r SF/Q p50   sigma_v/Jeans"
    );
    for v in PhysicsVariant::ALL {
        let mut pop = Population::collect(2024, 300, &v.options());
        let ml = ml_scatter_at_fixed_colour(&pop.ml_gr);
        let ml_l = fit_scatter(&pop.log_l, &pop.log_m);
        eprintln!(
            "{:<13} {ml:.3}    {:.2} kpc   {:.2}/{:.2}/{:.2}   {:.0} km/s      {ml_l:.3}  {:.3}/{:.3}    {:.3}",
            v.name(),
            pct(&mut pop.rhsm, 0.5),
            pct(&mut pop.fdm, 0.05),
            pct(&mut pop.fdm, 0.5),
            pct(&mut pop.fdm, 0.95),
            pct(&mut pop.sig, 0.5),
            pct(&mut pop.gr_sf, 0.5),
            pct(&mut pop.gr_q, 0.5),
            pct(&mut pop.jeans_measured, 0.5),
        );
    }
}
