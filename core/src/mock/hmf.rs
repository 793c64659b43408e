//! Halo population (galaxy-model.md 1.2, eqs. 1.1–1.2): the z = 0 halo mass function sampled by
//! a tabulated inverse CDF, the concentration–mass relation and the halo radii.

use std::sync::OnceLock;

use crate::units::HUBBLE_H;

/// Lower limit of the sampled halo masses, log10(M200c/M☉).
pub const LOG_M200_MIN: f64 = 11.0;
/// Upper limit of the sampled halo masses, log10(M200c/M☉).
pub const LOG_M200_MAX: f64 = 14.0;
/// Number of nodes of the tabulated cumulative distribution (spec: 3001).
pub const HMF_TABLE_NODES: usize = 3001;

/// Fitted Sheth & Tormen (1999) halo mass function with the Eisenstein & Hu (1998) no-wiggle
/// transfer function in the TNG cosmology (eq. 1.1): log10(dn/dlog10 M / Mpc⁻³) as a function
/// of log10(M200c/M☉). Valid for 11 ≤ log M ≤ 14.5 (fit error ≤ 0.024 dex).
pub fn log_dn_dlogm(log_m200: f64) -> f64 {
    let x = log_m200 - 12.0;
    -2.407 - 0.8752 * x - 0.00139 * x * x - 0.02287 * x * x * x
}

/// The cumulative distribution of log M200c on [11, 14], tabulated on 3001 equally spaced
/// nodes by the trapezoid rule and normalised to 1 at the upper end.
struct HmfTable {
    log_m: Vec<f64>,
    cdf: Vec<f64>,
}

fn hmf_table() -> &'static HmfTable {
    static TABLE: OnceLock<HmfTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let n = HMF_TABLE_NODES;
        let dx = (LOG_M200_MAX - LOG_M200_MIN) / (n - 1) as f64;
        let log_m: Vec<f64> = (0..n).map(|i| LOG_M200_MIN + i as f64 * dx).collect();
        let f: Vec<f64> = log_m.iter().map(|&x| 10f64.powf(log_dn_dlogm(x))).collect();
        let mut cdf = vec![0.0; n];
        for i in 1..n {
            cdf[i] = cdf[i - 1] + 0.5 * (f[i] + f[i - 1]) * dx;
        }
        let total = cdf[n - 1];
        for c in &mut cdf {
            *c /= total;
        }
        HmfTable { log_m, cdf }
    })
}

/// Number density of haloes with 11 ≤ log M200c ≤ 14 in Mpc⁻³ (trapezoid integral of eq. 1.1).
#[cfg(test)]
pub fn number_density_sampled() -> f64 {
    let n = HMF_TABLE_NODES;
    let dx = (LOG_M200_MAX - LOG_M200_MIN) / (n - 1) as f64;
    (1..n)
        .map(|i| {
            let a = LOG_M200_MIN + (i - 1) as f64 * dx;
            0.5 * (10f64.powf(log_dn_dlogm(a)) + 10f64.powf(log_dn_dlogm(a + dx))) * dx
        })
        .sum()
}

/// Inverse CDF of the halo mass function: the log10(M200c/M☉) whose cumulative probability on
/// [11, 14] is `u` ∈ [0, 1] (linear interpolation between table nodes).
pub fn sample_log_m200(u: f64) -> f64 {
    let t = hmf_table();
    let u = u.clamp(0.0, 1.0);
    let i = t.cdf.partition_point(|&c| c < u).clamp(1, t.cdf.len() - 1);
    let (c0, c1) = (t.cdf[i - 1], t.cdf[i]);
    let f = if c1 > c0 { (u - c0) / (c1 - c0) } else { 0.0 };
    t.log_m[i - 1] + f * (t.log_m[i] - t.log_m[i - 1])
}

/// Cumulative probability of log10(M200c/M☉) under the sampled mass function (for tests and
/// diagnostics; linear interpolation of the table).
#[cfg(test)]
pub fn cdf_log_m200(log_m200: f64) -> f64 {
    let t = hmf_table();
    if log_m200 <= LOG_M200_MIN {
        return 0.0;
    }
    if log_m200 >= LOG_M200_MAX {
        return 1.0;
    }
    let i = t
        .log_m
        .partition_point(|&x| x < log_m200)
        .clamp(1, t.log_m.len() - 1);
    let f = (log_m200 - t.log_m[i - 1]) / (t.log_m[i] - t.log_m[i - 1]);
    t.cdf[i - 1] + f * (t.cdf[i] - t.cdf[i - 1])
}

/// NFW concentration c200c of Dutton & Macciò (2014) at z = 0 with the standardised residual
/// `z_c` (eq. 1.2): log c = 0.905 − 0.101 log(M200c h / 10¹² M☉) + 0.11 z_c.
pub fn concentration(m200: f64, z_c: f64) -> f64 {
    10f64.powf(0.905 - 0.101 * (m200 * HUBBLE_H / 1e12).log10() + 0.11 * z_c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_cdf_inverts_the_cdf() {
        for k in 0..=100 {
            let u = k as f64 / 100.0;
            let x = sample_log_m200(u);
            assert!((LOG_M200_MIN..=LOG_M200_MAX).contains(&x));
            assert!((cdf_log_m200(x) - u).abs() < 1e-9, "u={u} x={x}");
        }
        assert_eq!(sample_log_m200(0.0), LOG_M200_MIN);
        assert!((sample_log_m200(1.0) - LOG_M200_MAX).abs() < 1e-12);
    }

    #[test]
    fn median_halo_mass_matches_the_analytic_integral() {
        // Independent check of the table: bisection on a fine Simpson integral of eq. (1.1).
        let integral = |hi: f64| {
            let n = 20_000;
            let h = (hi - LOG_M200_MIN) / n as f64;
            let f = |x: f64| 10f64.powf(log_dn_dlogm(x));
            let mut s = f(LOG_M200_MIN) + f(hi);
            for i in 1..n {
                let w = if i % 2 == 1 { 4.0 } else { 2.0 };
                s += w * f(LOG_M200_MIN + i as f64 * h);
            }
            s * h / 3.0
        };
        let total = integral(LOG_M200_MAX);
        let (mut lo, mut hi) = (LOG_M200_MIN, LOG_M200_MAX);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if integral(mid) < 0.5 * total {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        assert!((sample_log_m200(0.5) - lo).abs() < 1e-4);
        assert!((number_density_sampled() / total - 1.0).abs() < 1e-5);
    }

    #[test]
    fn concentration_and_radii() {
        // Dutton & Macciò 2014: c200 = 10^0.905 at M200 = 1e12/h.
        assert!((concentration(1e12 / HUBBLE_H, 0.0) - 10f64.powf(0.905)).abs() < 1e-12);
    }
}
