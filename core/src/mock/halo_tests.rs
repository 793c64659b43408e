//! Tests of the dark halo (galaxy-model.md 2.3; spec tests 3 and 5), split from `halo.rs`.

use super::*;
use crate::mock::galaxy_rng;
use crate::mock::profiles::{ExpDisc, GasDisc, Hernquist};

#[test]
fn r200_and_dm_fraction() {
    // 1e12 M☉: r200 = (3e12/(4π·200·127.34))^{1/3} = 210.85 kpc.
    let r = r200(1e12);
    assert!((200.0 * RHO_CRIT * 4.0 / 3.0 * PI * r.powi(3) / 1e12 - 1.0).abs() < 1e-12);
    assert!((r - 210.85).abs() < 0.01, "{r}");
    assert!((dm_mass(1.0) - 0.8427).abs() < 1e-4);
}

#[test]
fn w0_inversion_reproduces_nfw_mass() {
    // Test 3 (part): m(x) = μ m(c) to 1e-10.
    let c = 9.0;
    let mc = nfw_m(c);
    for k in 0..=400 {
        let mu = 10f64.powf(-16.0 + 16.0 * k as f64 / 400.0);
        let x = nfw_x_of_m(mu * mc);
        assert!((nfw_m(x) / (mu * mc) - 1.0).abs() < 1e-10, "mu={mu} x={x}");
    }
    assert!((nfw_x_of_m(mc) - c).abs() < 1e-9);
    // Series and closed form agree at the switch point.
    let x = 0.01;
    assert!((nfw_m(x * (1.0 - 1e-12)) / (x.ln_1p() - x / (1.0 + x)) - 1.0).abs() < 1e-9);
}

#[test]
fn importance_sampled_nfw_masses() {
    // Test 3: mass inside 0.1 r_s, r_s, r200 within 0.5 % (N = 1e4); Σ m_i = M_DM to 1e-12.
    let halo = DarkHalo::new(1e12, 8.0, HaloResponse::None, &Baryons::default(), 0.0);
    let mut rng = galaxy_rng(21, 0);
    let (pos, m) = halo.sample(&mut rng, 10_000, IMPORTANCE_K);
    let total: f64 = m.iter().sum();
    assert!((total / halo.nfw.m_dm - 1.0).abs() < 1e-12);
    let r: Vec<f64> = pos
        .iter()
        .map(|p| (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt())
        .collect();
    let nfw = &halo.nfw;
    for rr in [0.1 * nfw.r_s, nfw.r_s, nfw.r200] {
        let inside: f64 = r
            .iter()
            .zip(&m)
            .filter(|(x, _)| **x < rr)
            .map(|(_, mm)| mm)
            .sum();
        let expect = nfw.m_dm * nfw_m(rr / nfw.r_s) / nfw.m_c;
        eprintln!(
            "test 3: M_DM(<{rr:.1} kpc) sampled/analytic − 1 = {:.2e}",
            inside / expect - 1.0
        );
        assert!(
            (inside / expect - 1.0).abs() < 5e-3,
            "r={rr}: {inside} vs {expect}"
        );
    }
    // 10 % of the particles lie inside μ < 0.001 (v < 0.1).
    let mu_001 = nfw.radius_of_fraction(1e-3);
    let frac = r.iter().filter(|&&x| x < mu_001).count() as f64 / r.len() as f64;
    assert!((frac - 0.1).abs() < 2e-4, "{frac}");
}

fn galaxy_baryons() -> Baryons {
    Baryons {
        bulge: Some(Hernquist::new(2e10, 0.8)),
        disc: Some(ExpDisc::new(4e10, 3.0, 0.8)),
        gas: Some(GasDisc::new(8e9, 5.1, 3.0, 0.4)),
        m_bh: 0.0,
    }
}

#[test]
fn contraction_limits() {
    // Test 5: f_gal → 0 reproduces NFW to 1e-6: no baryons, and a galaxy scaled down to
    // f_gal = 1e-12 (the same shapes, 1 M☉ of baryons).
    let nfw = Nfw::new(1e12, 8.0);
    let full = galaxy_baryons();
    let scale = 1.0 / full.total_mass();
    let tiny = Baryons {
        bulge: full
            .bulge
            .as_ref()
            .map(|h| Hernquist::new(h.mass * scale, h.a)),
        disc: full
            .disc
            .as_ref()
            .map(|d| ExpDisc::new(d.mass * scale, d.r_d, d.z0)),
        gas: full
            .gas
            .as_ref()
            .map(|g| GasDisc::new(g.mass * scale, g.r_g, g.r_m, g.z_g)),
        m_bh: 0.0,
    };
    for (b, f_gal) in [(Baryons::default(), 0.0), (tiny, 1.0 / 1e12)] {
        let c0 = Contraction::new(&nfw, &b, f_gal, 1e-3);
        for k in 0..50 {
            let r = 1e-2 * 10f64.powf(4.0 * k as f64 / 49.0);
            if r > nfw.r200 {
                break;
            }
            let mu = c0.fraction(r).unwrap();
            let rel = mu * nfw.m_dm / nfw.enclosed_dm(r) - 1.0;
            assert!(rel.abs() < 1e-6, "f_gal={f_gal} r={r}: {rel}");
        }
    }
    // With baryons: non-decreasing and above the uncontracted profile inside r_s.
    let b = galaxy_baryons();
    let f_gal = b.total_mass() / 1e12;
    let halo = DarkHalo::new(1e12, 8.0, HaloResponse::Gnedin04, &b, f_gal);
    let c = halo.contraction.as_ref().unwrap();
    assert!(c.ln_rf.windows(2).all(|w| w[1] > w[0]));
    // Every node is a fixed point of the Gnedin relation.
    let nfw = &halo.nfw;
    let rbar = |r: f64| GNEDIN_A0 * nfw.r200 * (r / nfw.r200).powf(GNEDIN_W);
    for (lrf, lmu) in c.ln_rf.iter().zip(&c.ln_mu) {
        let r_i = nfw.r_s * nfw_x_of_m(lmu.exp() * nfw.m_c);
        let r_f = lrf.exp();
        let mi = nfw.enclosed_total(rbar(r_i));
        let lhs = r_f * (b.enclosed_mass(rbar(r_f)) + (1.0 - f_gal) * mi);
        assert!(
            (lhs / (r_i * mi) - 1.0).abs() < 1e-9,
            "r_i={r_i}: {lhs} vs {}",
            r_i * mi
        );
    }
    let mut prev = 0.0;
    for k in 0..400 {
        let r = 1e-3 * 10f64.powf(6.0 * k as f64 / 399.0);
        let m = halo.enclosed_mass(r);
        assert!(m >= prev, "non-monotone at r={r}");
        prev = m;
        if r < halo.nfw.r_s {
            assert!(m >= halo.nfw.enclosed_dm(r), "r={r}: {m} < NFW");
        }
    }
    // The contraction is substantial at the half-light radius of such a galaxy.
    assert!(halo.enclosed_mass(5.0) > 1.3 * halo.nfw.enclosed_dm(5.0));
    // Density is the derivative of the enclosed mass.
    for r in [0.5, 3.0, 20.0, 100.0] {
        let h = 1e-4 * r;
        let dm = (halo.enclosed_mass(r + h) - halo.enclosed_mass(r - h)) / (2.0 * h);
        let rho = dm / (4.0 * PI * r * r);
        assert!((halo.density(r) / rho - 1.0).abs() < 0.02, "r={r}");
    }
    // The forward walk used by the sampler agrees with the binary search.
    let mut hint = 0;
    for k in 0..1000 {
        let mu = ((k as f64 + 0.5) / 1000.0).powi(3);
        let (a, b) = (
            c.radius_of_fraction_walk(mu, &mut hint),
            c.radius_of_fraction(mu),
        );
        assert!((a / b - 1.0).abs() < 1e-14, "mu={mu}");
    }
    // Sampling inverts the table.
    for mu in [1e-6, 1e-3, 0.1, 0.5, 0.99] {
        let r = halo.radius_of_fraction(mu);
        let rel = halo.enclosed_mass(r) / (mu * halo.nfw.m_dm) - 1.0;
        assert!(rel.abs() < 1e-6, "mu={mu}: {rel}");
    }
}

#[test]
fn contraction_efficiency_brackets_the_response() {
    // ν = 0 is the NFW halo, ν = 1 the Gnedin+2004 table bit for bit, and the DM mass inside
    // small radii grows with ν; up to ν = 2 the table stays strictly increasing in r_f (no
    // node needs the monotonicity guard), for a disc galaxy and a compact bulge.
    let nfw = Nfw::new(1e12, 8.0);
    let compact = Baryons {
        bulge: Some(Hernquist::new(8e10, 0.3)),
        ..Baryons::default()
    };
    for b in [galaxy_baryons(), compact] {
        let f_gal = b.total_mass() / 1e12;
        let c1 = Contraction::new(&nfw, &b, f_gal, 1e-3);
        assert_eq!(Contraction::with_efficiency(&nfw, &b, f_gal, 1e-3, 1.0), c1);
        let c0 = Contraction::with_efficiency(&nfw, &b, f_gal, 1e-3, 0.0);
        let c2 = Contraction::with_efficiency(&nfw, &b, f_gal, 1e-3, 2.0);
        for c in [&c0, &c2] {
            assert!(c.ln_rf.windows(2).all(|w| w[1] - w[0] > 1e-9));
            assert!(c.slope.iter().all(|s| s.is_finite() && *s > 0.0));
        }
        for r in [0.3, 1.0, 3.0, 10.0] {
            let (m0, m1, m2) = (
                c0.fraction(r).unwrap(),
                c1.fraction(r).unwrap(),
                c2.fraction(r).unwrap(),
            );
            assert!(
                (m0 * nfw.m_dm / nfw.enclosed_dm(r) - 1.0).abs() < 1e-6,
                "r={r}"
            );
            assert!(m0 < m1 && m1 < m2, "r={r}: {m0} {m1} {m2}");
        }
    }
}
