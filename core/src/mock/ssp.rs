//! Analytic simple-stellar-population table in SDSS g and r (galaxy-model.md 2.7), an
//! approximation of BC03/Chabrier calibrated so that dust-free composite exponential SFHs lie
//! on the Bell+2003 (Chabrier) relation log(M/L_r) = −0.399 + 1.097 (g−r).
//!
//! Tabulated against x = log10(age/Gyr), linear interpolation, age clipped to [1 Myr, 13.8 Gyr];
//! metallicity enters linearly through a_Z = ∂log(M/L_r)/∂[Z/H] and b_Z = ∂(g−r)/∂[Z/H].

use std::sync::LazyLock;

use crate::units::{MSUN_G, MSUN_R};

/// Table nodes x = log10(age/Gyr).
pub const SSP_LOG_AGE: [f64; 10] = [-3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.3, 0.7, 1.0, 1.14];
/// Current-mass-to-light ratio M_cur/L_r in M☉/L☉,r at solar metallicity.
pub const SSP_ML_R: [f64; 10] = [
    0.007, 0.025, 0.047, 0.085, 0.18, 0.50, 0.86, 1.70, 2.75, 3.45,
];
/// Colour g − r (AB) at solar metallicity.
pub const SSP_G_R: [f64; 10] = [
    -0.32, -0.17, -0.07, 0.02, 0.19, 0.44, 0.56, 0.685, 0.77, 0.80,
];
/// a_Z = ∂log10(M/L_r)/∂[Z/H].
pub const SSP_A_Z: [f64; 10] = [0.05, 0.05, 0.08, 0.10, 0.15, 0.20, 0.22, 0.25, 0.25, 0.25];
/// b_Z = ∂(g−r)/∂[Z/H].
pub const SSP_B_Z: [f64; 10] = [0.05, 0.05, 0.08, 0.10, 0.12, 0.15, 0.18, 0.20, 0.20, 0.20];
/// Youngest and oldest tabulated ages in Gyr.
pub const SSP_AGE_RANGE: (f64, f64) = (1e-3, 13.8);

/// Photometric properties of one simple stellar population.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SspColours {
    /// log10 of the current-mass-to-light ratio in the r band (M☉/L☉,r).
    pub log_ml_r: f64,
    /// Dust-free g − r colour (AB magnitudes).
    pub g_r: f64,
}

/// Linear interpolation of a table column at x (clamped to the node range).
fn interp(col: &[f64; 10], x: f64) -> f64 {
    let xs = &SSP_LOG_AGE;
    let x = x.clamp(xs[0], xs[9]);
    let i = xs.partition_point(|&v| v < x).clamp(1, 9);
    let f = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
    col[i - 1] + f * (col[i] - col[i - 1])
}

/// SSP M/L_r and g − r at `age_gyr` and metallicity `zh` = [Z/H]:
/// log(M/L_r) = interp(log M/L_r) + a_Z [Z/H], (g−r) = interp(g−r) + b_Z [Z/H].
pub fn ssp_colours(age_gyr: f64, zh: f64) -> SspColours {
    let age = age_gyr.clamp(SSP_AGE_RANGE.0, SSP_AGE_RANGE.1);
    let x = age.log10();
    static LOG_ML: LazyLock<[f64; 10]> = LazyLock::new(|| SSP_ML_R.map(f64::log10));
    SspColours {
        log_ml_r: interp(&LOG_ML, x) + interp(&SSP_A_Z, x) * zh,
        g_r: interp(&SSP_G_R, x) + interp(&SSP_B_Z, x) * zh,
    }
}

/// Dust-free (L_g in L☉,g, L_r in L☉,r) of a population of current mass `mass` (M☉):
/// L_r = m/(M/L_r), L_g = L_r · 10^{−0.4[(g−r) − (g−r)☉]} with (g−r)☉ = 0.46.
pub fn luminosities(mass: f64, age_gyr: f64, zh: f64) -> (f64, f64) {
    let c = ssp_colours(age_gyr, zh);
    let ln10 = std::f64::consts::LN_10;
    let l_r = mass * (-c.log_ml_r * ln10).exp();
    let l_g = l_r * (-0.4 * (c.g_r - (MSUN_G - MSUN_R)) * ln10).exp();
    (l_g, l_r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::sfh::{Sfh, SfhShape, f_loss};
    use crate::units::T0_GYR;

    /// Composite dust-free (log M/L_r, g − r) of an SFH at uniform [Z/H], integrating the
    /// tabulated ψ with current masses m_f (1 − f_loss(age)).
    fn composite(sfh: &Sfh, zh: f64) -> (f64, f64) {
        let (t, psi) = sfh.table();
        let (mut m, mut lg, mut lr) = (0.0, 0.0, 0.0);
        for k in 1..t.len() {
            let tm = 0.5 * (t[k] + t[k - 1]);
            let dm = 0.5 * (psi[k] + psi[k - 1]) * (t[k] - t[k - 1]);
            let age = T0_GYR - tm;
            let mc = dm * (1.0 - f_loss(age));
            let (g, r) = luminosities(mc, age, zh);
            m += mc;
            lg += g;
            lr += r;
        }
        (
            (m / lr).log10(),
            -2.5 * (lg / lr).log10() + (MSUN_G - MSUN_R),
        )
    }

    #[test]
    fn exponential_sfhs_follow_bell_2003() {
        // Spec test 19: dust-free exponential SFHs with γ ∈ [0, 1] Gyr⁻¹ lie within ±0.1 dex
        // of log(M/L_r) = −0.399 + 1.097 (g − r); also for [Z/H] ∈ [−0.4, 0.2] and quenched
        // variants (the calibration range of the table).
        let mut worst: f64 = 0.0;
        for zh in [-0.4, 0.0, 0.2] {
            for i in 0..=10 {
                let gamma = i as f64 / 10.0;
                for q in [None, Some(2.0), Some(6.0)] {
                    let sfh = Sfh::new(&SfhShape {
                        gamma,
                        quench_lookback: q,
                        burst: None,
                    });
                    let (lml, gr) = composite(&sfh, zh);
                    let d = lml - (-0.399 + 1.097 * gr);
                    worst = worst.max(d.abs());
                    assert!(d.abs() < 0.1, "γ={gamma} q={q:?} [Z/H]={zh}: Δ={d:.3}");
                }
            }
        }
        eprintln!("test 19: worst |Δlog M/L_r| = {worst:.3} dex");
        assert!(worst > 0.0);
    }

    #[test]
    fn table_nodes_and_limits() {
        let c = ssp_colours(1.0, 0.0);
        assert!((c.log_ml_r - 0.5f64.log10()).abs() < 1e-12);
        assert!((c.g_r - 0.44).abs() < 1e-12);
        // Metallicity slopes at 10 Gyr: a_Z = 0.25, b_Z = 0.20.
        let z = ssp_colours(10.0, 0.3);
        assert!((z.log_ml_r - 2.75f64.log10() - 0.075).abs() < 1e-12);
        assert!((z.g_r - 0.77 - 0.06).abs() < 1e-12);
        // Clipping at both ends.
        assert_eq!(ssp_colours(0.0, 0.0), ssp_colours(1e-3, 0.0));
        assert_eq!(ssp_colours(20.0, 0.0), ssp_colours(13.8, 0.0));
        // L_g/L_r: a g − r = 0.46 population has L_g = L_r in solar units.
        let (lg, lr) = luminosities(2.0, 1.0, 0.0);
        assert!((lr - 4.0).abs() < 1e-12);
        assert!((lg / lr - 10f64.powf(-0.4 * (0.44 - 0.46))).abs() < 1e-12);
    }
}
