//! The scaling relations of the mock population (galaxy-model.md 1.2, eqs. 1.3–1.12 and the
//! selection of 1.3), as pure functions of their inputs and standard-normal deviates. All
//! masses in M☉, lengths in kpc, logarithms base 10.

use super::Smhm;

/// Moster, Naab & White (2013) z = 0 characteristic halo mass M1 in M☉ (10^11.590).
pub const MOSTER_M1: f64 = 3.890_451_449_942_805e11;
/// Moster+2013 normalisation N.
pub const MOSTER_N: f64 = 0.0351;
/// Moster+2013 low-mass slope β.
pub const MOSTER_BETA: f64 = 1.376;
/// Moster+2013 high-mass slope γ as published.
pub const MOSTER_GAMMA: f64 = 0.608;
/// The shallower TNG-like high-mass slope γ of the default `smhm = tng_like`.
pub const TNG_LIKE_GAMMA: f64 = 0.45;
/// Log-normal scatter of M* at fixed M200c in dex.
pub const SMHM_SCATTER_DEX: f64 = 0.15;
/// Correlation ρ between the SMHM residual and the concentration residual z_c.
pub const SMHM_RHO: f64 = 0.3;
/// Stellar mass limit of the selection, M*(<30 kpc) > 5·10⁹ M☉.
pub const SELECTION_MSTAR30: f64 = 5e9;
/// Subhalo mass limit of the selection, M_sub < 10¹⁴ M☉.
pub const SELECTION_MSUB: f64 = 1e14;
/// Aperture of the selection stellar mass in kpc.
pub const SELECTION_APERTURE_KPC: f64 = 30.0;
/// Hernquist bulge truncation r_max/a (2.3).
pub const BULGE_TRUNCATION: f64 = 40.0;
/// Enclosed-mass fraction of the untruncated Hernquist profile at the truncation radius,
/// u_b,max = (40/41)².
pub const U_B_MAX: f64 =
    (BULGE_TRUNCATION / (BULGE_TRUNCATION + 1.0)) * (BULGE_TRUNCATION / (BULGE_TRUNCATION + 1.0));
/// Ratio of the Hernquist projected half-mass radius to its scale, R_e = 1.8153 a.
pub const HERNQUIST_RE_OVER_A: f64 = 1.8153;
/// Ratio of the exponential disc's projected half-mass radius to its scale, 1.678.
pub const EXP_DISC_R50_OVER_RD: f64 = 1.678;

/// Mass-scaled helper s = clip((log M* − 9.7)/2, 0, 1) used by several relations.
pub fn mass_helper_s(log_mstar: f64) -> f64 {
    ((log_mstar - 9.7) / 2.0).clamp(0.0, 1.0)
}

/// High-mass slope γ of the chosen SMHM relation.
pub fn smhm_gamma(smhm: Smhm) -> f64 {
    match smhm {
        Smhm::TngLike => TNG_LIKE_GAMMA,
        Smhm::Moster13 => MOSTER_GAMMA,
    }
}

/// Mean total stellar mass (M☉) of a central in a halo of mass `m200` (eq. 1.3):
/// M* = 2 N M200 / [(M200/M1)^−β + (M200/M1)^γ].
pub fn smhm_mean_mstar(m200: f64, smhm: Smhm) -> f64 {
    let x = m200 / MOSTER_M1;
    2.0 * MOSTER_N * m200 / (x.powf(-MOSTER_BETA) + x.powf(smhm_gamma(smhm)))
}

/// log M* with the 0.15 dex scatter correlated with the concentration residual (eq. 1.3):
/// log M* = log M*_mean + 0.15 (ρ z_c + √(1−ρ²) ε).
pub fn log_mstar(m200: f64, smhm: Smhm, z_c: f64, eps: f64) -> f64 {
    smhm_mean_mstar(m200, smhm).log10()
        + SMHM_SCATTER_DEX * (SMHM_RHO * z_c + (1.0 - SMHM_RHO * SMHM_RHO).sqrt() * eps)
}

/// Quenched probability (eq. 1.4): f_q = 1/(1 + exp(−[(log M* − 10.55)/0.20 + 0.5 z_c])).
pub fn quenched_fraction(log_mstar: f64, z_c: f64) -> f64 {
    1.0 / (1.0 + (-((log_mstar - 10.55) / 0.20 + 0.5 * z_c)).exp())
}

/// Concentration κ of the B/T Beta distribution (eq. 1.5).
pub const BT_KAPPA: f64 = 6.0;

/// Mean μ of the B/T Beta distribution (eq. 1.5): 0.08 + 0.20 s (star-forming) or
/// 0.50 + 0.35 s (quenched).
pub fn bt_mean(s: f64, quenched: bool) -> f64 {
    if quenched {
        0.50 + 0.35 * s
    } else {
        0.08 + 0.20 * s
    }
}

/// Shen+2003 late-type half-light radius in kpc (eq. 1.6):
/// R50 = 0.10 M*^0.14 (1 + M*/M0)^(0.39−0.14), M0 = 3.98·10¹⁰ M☉.
pub fn r50_late_type(mstar: f64) -> f64 {
    0.10 * mstar.powf(0.14) * (1.0 + mstar / 3.98e10).powf(0.39 - 0.14)
}

/// Shen+2003 late-type log-normal scatter σ_lnR (eq. 1.6):
/// 0.34 + (0.47 − 0.34)/(1 + (M*/M0)²).
pub fn sigma_ln_r_late_type(mstar: f64) -> f64 {
    let x = mstar / 3.98e10;
    0.34 + (0.47 - 0.34) / (1.0 + x * x)
}

/// Exponential disc scale length R_d in kpc (eq. 1.6): R50_LT exp(σ_lnR g)/1.678, g ~ N(0,1).
pub fn disc_scale_length(mstar: f64, g: f64) -> f64 {
    r50_late_type(mstar) * (sigma_ln_r_late_type(mstar) * g).exp() / EXP_DISC_R50_OVER_RD
}

/// Effective radius of a bulge in a disc, 0.22 R_d 10^{0.15 g} kpc (eq. 1.7, MacArthur+2003).
pub fn re_disc_bulge(r_d: f64, g: f64) -> f64 {
    0.22 * r_d * 10f64.powf(0.15 * g)
}

/// Effective radius of a spheroid, 2.88·10⁻⁶ M*^0.56 10^{0.13 g} kpc (eq. 1.7, Shen+2003
/// early types).
pub fn re_spheroid(mstar: f64, g: f64) -> f64 {
    2.88e-6 * mstar.powf(0.56) * 10f64.powf(0.13 * g)
}

/// Bulge effective radius in kpc before the resolution floor (eq. 1.7): log-interpolation
/// between the disc-bulge and spheroid sizes with w = clip((B/T − 0.3)/0.4, 0, 1).
pub fn re_bulge(bt: f64, re_db: f64, re_sph: f64) -> f64 {
    let w = ((bt - 0.3) / 0.4).clamp(0.0, 1.0);
    10f64.powf((1.0 - w) * re_db.log10() + w * re_sph.log10())
}

/// Resolution floor of bulge sizes in kpc (eq. 1.8, TNG100 softening emulation).
pub const BULGE_SIZE_FLOOR_KPC: f64 = 0.5;

/// Bulge effective radius with the TNG resolution floor, √(R_e² + (0.5 kpc)²) (eq. 1.8).
pub fn re_bulge_floored(re: f64) -> f64 {
    (re * re + BULGE_SIZE_FLOOR_KPC * BULGE_SIZE_FLOOR_KPC).sqrt()
}

/// Disc sech² scale height z0 in kpc (eq. 1.9): f_z R_d 10^{0.12 g}, f_z = 0.27 (SF) or
/// 0.35 (Q), floored at 0.3 kpc.
pub fn disc_thickness(r_d: f64, quenched: bool, g: f64) -> f64 {
    let f_z = if quenched { 0.35 } else { 0.27 };
    (f_z * r_d * 10f64.powf(0.12 * g)).max(0.3)
}

/// log10(M_gas/M*) of the cold gas (eq. 1.10): −0.45 − 0.55 (log M* − 10) + 0.25 g (SF) or
/// −2.0 + 0.4 g (Q).
pub fn log_gas_fraction(log_mstar: f64, quenched: bool, g: f64) -> f64 {
    if quenched {
        -2.0 + 0.4 * g
    } else {
        -0.45 - 0.55 * (log_mstar - 10.0) + 0.25 * g
    }
}

/// Scatter σ_Z of the galaxy metallicity in dex (eq. 1.11):
/// 0.10 + 0.10 clip((10.5 − log M*)/1.5, 0, 1).
pub fn sigma_metallicity(log_mstar: f64) -> f64 {
    0.10 + 0.10 * ((10.5 - log_mstar) / 1.5).clamp(0.0, 1.0)
}

/// Galaxy stellar metallicity [Z/H]_gal (eq. 1.11, Gallazzi+2005-like):
/// 0.10 − 0.75/(1 + 10^{1.1 (log M* − 9.8)}) + 0.10 Q + σ_Z g.
pub fn metallicity_gal(log_mstar: f64, quenched: bool, g: f64) -> f64 {
    0.10 - 0.75 / (1.0 + 10f64.powf(1.1 * (log_mstar - 9.8)))
        + if quenched { 0.10 } else { 0.0 }
        + sigma_metallicity(log_mstar) * g
}

/// Offset of the gas-phase metallicity from the stellar one, log(Z_g/Z☉) − [Z/H]_gal (1.11).
pub const GAS_METALLICITY_OFFSET: f64 = 0.15;

/// Dust normalisation f_d = 0.4 · 10^{0.15 g} (eq. 1.12).
pub fn dust_normalisation(g: f64) -> f64 {
    0.4 * 10f64.powf(0.15 * g)
}

/// Main-sequence star-formation rate in M☉/yr (Renzini & Peng 2015, 2.7):
/// 10^{0.76 log M* − 7.64 + 0.25 g}.
pub fn main_sequence_sfr(log_mstar: f64, g: f64) -> f64 {
    10f64.powf(0.76 * log_mstar - 7.64 + 0.25 * g)
}

/// Probability that a spheroid-dominated galaxy is a slow rotator (2.5):
/// P_slow = 1/(1 + exp(−(log M* − 11.3)/0.2)).
pub fn slow_rotator_probability(log_mstar: f64) -> f64 {
    1.0 / (1.0 + (-(log_mstar - 11.3) / 0.2).exp())
}

/// Analytic stellar mass inside a 30 kpc sphere used by the selection (1.3): the truncated
/// Hernquist bulge (scale `a`) plus the thin exponential disc (scale `r_d`, truncated at 10 R_d):
/// M_b min(1, (30/(30+a))²/u_b,max) + M_d [1 − (1 + 30/R_d) e^{−30/R_d}]/(1 − 11 e^{−10}).
pub fn mstar_within_30kpc(m_b: f64, a: f64, m_d: f64, r_d: f64) -> f64 {
    let r = SELECTION_APERTURE_KPC;
    let fb = ((r / (r + a)).powi(2) / U_B_MAX).min(1.0);
    let x = r / r_d;
    let fd = ((1.0 - (1.0 + x) * (-x).exp()) / (1.0 - 11.0 * (-10f64).exp())).min(1.0);
    m_b * fb + m_d * fd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quenched_fractions_of_the_spec() {
        // Spec 1.2: f_q = 0.06, 0.4, 0.9 at log M* = 10.0, 10.5, 11.0 for z_c = 0 (rounded
        // values; the formula gives 0.060, 0.438, 0.905).
        assert!((quenched_fraction(10.0, 0.0) - 0.06).abs() < 0.005);
        assert!((quenched_fraction(10.5, 0.0) - 0.4).abs() < 0.05);
        assert!((quenched_fraction(11.0, 0.0) - 0.9).abs() < 0.01);
        // Concentrated haloes (z_c > 0) are more often quenched.
        assert!(quenched_fraction(10.5, 1.0) > quenched_fraction(10.5, 0.0));
    }

    #[test]
    fn smhm_reaches_the_spec_values() {
        // Moster+2013 at M1: 2N M1/2 = N M1.
        let m = smhm_mean_mstar(MOSTER_M1, Smhm::Moster13);
        assert!((m / (MOSTER_N * MOSTER_M1) - 1.0).abs() < 1e-12);
        assert!((MOSTER_M1.log10() - 11.59).abs() < 1e-12);
        // tng_like: ≈10^11.2 at 1e13 and ≈10^11.75 at 1e14 (spec, rounded).
        assert!((smhm_mean_mstar(1e13, Smhm::TngLike).log10() - 11.2).abs() < 0.05);
        assert!((smhm_mean_mstar(1e14, Smhm::TngLike).log10() - 11.75).abs() < 0.05);
        // Below M1 both relations agree to within the γ term (tng_like slightly lower).
        let lo = smhm_mean_mstar(1e11, Smhm::TngLike) / smhm_mean_mstar(1e11, Smhm::Moster13);
        assert!(lo > 0.95 && lo < 1.0, "{lo}");
        // Scatter: ε and z_c enter with weights √(1−ρ²) and ρ times 0.15 dex.
        let l0 = log_mstar(1e12, Smhm::TngLike, 0.0, 0.0);
        assert!((log_mstar(1e12, Smhm::TngLike, 1.0, 0.0) - l0 - 0.045).abs() < 1e-12);
        let w = 0.15 * (1.0f64 - 0.09).sqrt();
        assert!((log_mstar(1e12, Smhm::TngLike, 0.0, 1.0) - l0 - w).abs() < 1e-12);
    }

    #[test]
    fn sizes_follow_shen_2003() {
        // R50_LT at M0 = 3.98e10: 0.1 M0^0.14 2^0.25.
        let m0 = 3.98e10;
        assert!((r50_late_type(m0) - 0.1 * m0.powf(0.14) * 2f64.powf(0.25)).abs() < 1e-12);
        assert!((sigma_ln_r_late_type(m0) - (0.34 + 0.13 / 2.0)).abs() < 1e-12);
        assert!((disc_scale_length(m0, 0.0) * 1.678 - r50_late_type(m0)).abs() < 1e-12);
        // Bulge-size interpolation weights: w = 0 below B/T = 0.3, 1 above 0.7.
        assert_eq!(re_bulge(0.2, 1.0, 4.0), 1.0);
        assert!((re_bulge(0.9, 1.0, 4.0) - 4.0).abs() < 1e-12);
        assert!((re_bulge(0.5, 1.0, 4.0) - 2.0).abs() < 1e-12);
        assert!((re_bulge_floored(0.0) - 0.5).abs() < 1e-15);
        assert_eq!(disc_thickness(0.1, false, 0.0), 0.3);
        assert!((disc_thickness(4.0, true, 0.0) - 1.4).abs() < 1e-12);
    }

    #[test]
    fn metallicity_and_gas_levels() {
        // [Z/H]_gal at log M* = 9.8 (SF, g = 0): 0.10 − 0.375.
        assert!((metallicity_gal(9.8, false, 0.0) + 0.275).abs() < 1e-12);
        assert!((sigma_metallicity(9.0) - 0.2).abs() < 1e-12);
        assert!((sigma_metallicity(11.0) - 0.1).abs() < 1e-12);
        assert!((log_gas_fraction(10.0, false, 0.0) + 0.45).abs() < 1e-12);
        assert!((log_gas_fraction(10.0, true, 0.0) + 2.0).abs() < 1e-12);
        assert!((dust_normalisation(0.0) - 0.4).abs() < 1e-15);
    }

    #[test]
    fn selection_mass_limits() {
        // A huge aperture relative to the sizes encloses all the mass.
        let m = mstar_within_30kpc(1e10, 0.01, 2e10, 0.01);
        assert!((m / 3e10 - 1.0).abs() < 1e-12);
        // Disc only with R_d = 30 kpc: [1 − 2/e]/(1 − 11e^{−10}).
        let m = mstar_within_30kpc(0.0, 1.0, 1.0, 30.0);
        let want = (1.0 - 2.0 * (-1f64).exp()) / (1.0 - 11.0 * (-10f64).exp());
        assert!((m - want).abs() < 1e-12);
        // Bulge only with a = 30 kpc: (1/2)²/u_b,max.
        let m = mstar_within_30kpc(1.0, 30.0, 0.0, 1.0);
        assert!((m - 0.25 / U_B_MAX).abs() < 1e-12);
    }
}
