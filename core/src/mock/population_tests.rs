//! Tests of the population draws (galaxy-model.md 1.2–1.4, Section 6 bands; the variants'
//! draws, §9), split from `population.rs`.

use super::*;
use crate::mock::variant_draws::size_factor;
use crate::mock::{Bursts, HaloResponse, Smhm};

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

#[test]
fn draws_are_reproducible_and_consistent() {
    let opts = MockOptions::default();
    let a = draw_params(11, 5, &opts);
    assert_eq!(a, draw_params(11, 5, &opts));
    assert_ne!(a, draw_params(11, 6, &opts));
    for i in 0..200 {
        let p = draw_params(3, i, &opts);
        assert!((p.m_bulge + p.m_disc - p.mstar).abs() <= 1e-6 * p.mstar);
        assert!((0.0..=1.0).contains(&p.bt));
        assert!(p.z0 >= 0.3 && p.re_bulge >= 0.5);
        assert!((p.a_bulge * 1.8153 - p.re_bulge).abs() < 1e-12);
        assert_eq!(p.n_bulge + p.n_disc, opts.n_star as u64);
        assert!(p.surv_d > 0.5 && p.surv_d <= 1.0 && p.surv_b > 0.5 && p.surv_b < 0.7);
        assert!((-0.5..=3.0).contains(&p.gamma_d));
        let q = p.quaternion().iter().map(|v| v * v).sum::<f64>();
        assert!((q - 1.0).abs() < 1e-12);
        if p.quenched {
            assert!((0.3..=10.0).contains(&p.t_lb_q_d) && p.t_lb_q_b <= 11.5);
        }
        // Formed-mass bookkeeping: N_b/N* follows the formed-mass share (at least one
        // particle per component).
        let share = p.m_formed_b / (p.m_formed_b + p.m_formed_d);
        let err = (p.n_bulge as f64 / p.n_star as f64 - share).abs();
        assert!(
            err <= 0.5 / 1e4 + 1e-12 || p.n_bulge == 1 || p.n_disc == 1,
            "{err}"
        );
    }
}

#[test]
fn star_forming_discs_sit_on_the_main_sequence() {
    // The solved γ_d reproduces the drawn SFR target (unless clipped at the range ends).
    let opts = MockOptions::default();
    let mut checked = 0;
    for i in 0..300 {
        let p = draw_params(9, i, &opts);
        if p.quenched || p.burst || p.gamma_d <= -0.5 || p.gamma_d >= 3.0 {
            continue;
        }
        let ssfr = Sfh::new(&p.disc_sfh_shape()).specific_sfr_today();
        assert!((ssfr * p.m_disc / 1e9 / p.sfr_target - 1.0).abs() < 1e-6);
        // The galaxy's SFR today is the disc's target plus the (quenched) bulge's trickle.
        assert!(p.sfr_now >= p.sfr_target * (1.0 - 1e-9));
        assert!(
            p.sfr_now < 1.05 * p.sfr_target,
            "{} {}",
            p.sfr_now,
            p.sfr_target
        );
        checked += 1;
    }
    assert!(checked > 50);
}

#[test]
fn population_bands_and_pass_rates() {
    // Spec 1.2 check (0.512 of draws pass for the prototype's γ = 0.608) and the Section 6
    // regression bands from draws alone: N = 3000 selected, median log M* ∈ [10.15, 10.35],
    // quenched fraction ∈ [0.27, 0.35].
    for smhm in [Smhm::Moster13, Smhm::TngLike] {
        let opts = MockOptions {
            smhm,
            ..Default::default()
        };
        let (mut draws, mut logm, mut nq) = (0usize, Vec::new(), 0usize);
        let seed = 2024;
        while logm.len() < 3000 {
            let p = draw_params(seed, draws as u64, &opts);
            draws += 1;
            if p.selected {
                logm.push(p.log_mstar);
                nq += usize::from(p.quenched);
            }
        }
        let rate = 3000.0 / draws as f64;
        let fq = nq as f64 / 3000.0;
        let med = median(&mut logm);
        eprintln!("{smhm:?}: pass rate {rate:.3}, median log M* {med:.3}, f_Q {fq:.3}");
        if smhm == Smhm::Moster13 {
            assert!((rate - 0.512).abs() < 0.03, "pass rate {rate}");
        }
        assert!((10.15..=10.35).contains(&med), "median log M* {med}");
        assert!((0.27..=0.35).contains(&fq), "quenched fraction {fq}");
    }
}

#[test]
fn selected_indices_are_the_passing_draws() {
    let opts = MockOptions::default();
    let idx = selected_indices(5, 20, &opts);
    assert_eq!(idx.len(), 20);
    let last = idx[19];
    let all: Vec<u64> = (0..=last)
        .filter(|&i| draw_params(5, i, &opts).selected)
        .collect();
    assert_eq!(all, idx);
}

#[test]
fn defaults_draw_nothing_and_variants_draw_in_range() {
    let spec = MockOptions::default();
    let ml = MockOptions {
        bursts: Bursts::Frequent,
        imf_scatter_dex: 0.08,
        ..Default::default()
    };
    let halo = MockOptions {
        halo_response: HaloResponse::Gnedin04Scatter,
        ..Default::default()
    };
    let (mut nu, mut imf, mut bursts_sf, mut n_sf) = (vec![], vec![], 0usize, 0usize);
    for i in 0..2000 {
        let d = draw_params(5, i, &spec);
        assert_eq!((d.imf_offset_dex, d.contraction_efficiency), (0.0, 1.0));
        let m = draw_params(5, i, &ml);
        let h = draw_params(5, i, &halo);
        // Draws 1–13 are the spec's in every variant.
        for x in [&m, &h] {
            assert_eq!(
                (x.log_m200, x.log_mstar, x.bt, x.r_d),
                (d.log_m200, d.log_mstar, d.bt, d.r_d)
            );
            assert_eq!(x.quaternion(), d.quaternion());
        }
        assert_eq!(m.contraction_efficiency, 1.0);
        assert_eq!(h.imf_offset_dex, 0.0);
        assert_eq!((h.burst, h.burst_frac), (d.burst, d.burst_frac));
        assert!((0.0..2.0).contains(&h.contraction_efficiency));
        nu.push(h.contraction_efficiency);
        imf.push(m.imf_offset_dex);
        if m.burst {
            assert!((0.02..2.0).contains(&m.burst_lookback));
            assert!((0.01..0.2).contains(&m.burst_frac));
        }
        if !m.quenched {
            n_sf += 1;
            bursts_sf += usize::from(m.burst);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let rms = (imf.iter().map(|x| x * x).sum::<f64>() / imf.len() as f64).sqrt();
    assert!((mean(&nu) - 1.0).abs() < 0.05, "{}", mean(&nu));
    assert!(
        (rms - 0.08).abs() < 0.005 && mean(&imf).abs() < 0.005,
        "{rms}"
    );
    let f = bursts_sf as f64 / n_sf as f64;
    assert!((f - 0.6).abs() < 0.04, "star-forming burst fraction {f}");
}

#[test]
fn size_offset_scales_the_drawn_sizes() {
    let off = MockOptions {
        size_offset_dex: 0.15,
        ..Default::default()
    };
    assert_eq!(size_factor(&MockOptions::default()), 1.0);
    for i in 0..200 {
        let (d, o) = (
            draw_params(8, i, &MockOptions::default()),
            draw_params(8, i, &off),
        );
        let k = 10f64.powf(0.15);
        assert!((o.r_d / d.r_d / k - 1.0).abs() < 1e-12);
        assert!((o.re_spheroid / d.re_spheroid / k - 1.0).abs() < 1e-12);
        assert!((o.z0 >= d.z0) && o.re_bulge > d.re_bulge);
    }
}
