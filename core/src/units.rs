//! Physical constants, cosmology and photometric zero points (galaxy-model.md Section 0).
//!
//! Internal units: kpc, km/s, M☉, Gyr, band luminosities in L☉ of that band, AB magnitudes.

/// Gravitational constant G in kpc (km/s)² M☉⁻¹.
pub const G: f64 = 4.30091e-6;
/// One kpc/(km/s) expressed in Gyr.
pub const KPC_PER_KMS_IN_GYR: f64 = 0.97779;
/// Hubble parameter h of TNG (Planck 2015).
pub const HUBBLE_H: f64 = 0.6774;
/// Matter density parameter Ωm.
pub const OMEGA_M: f64 = 0.3089;
/// Dark-energy density parameter ΩΛ.
pub const OMEGA_L: f64 = 0.6911;
/// Baryon density parameter Ωb.
pub const OMEGA_B: f64 = 0.0486;
/// Critical density today, ρcrit,0 in M☉ kpc⁻³ (for h = 0.6774).
pub const RHO_CRIT: f64 = 127.34;
/// Age of the universe T0 in Gyr.
pub const T0_GYR: f64 = 13.80;
/// Hubble time 1/H0 in Gyr at h = 0.6774.
pub const HUBBLE_TIME_GYR: f64 = 14.434;
/// Absolute AB magnitude of the Sun in SDSS g (Willmer 2018).
pub const MSUN_G: f64 = 5.11;
/// Absolute AB magnitude of the Sun in SDSS r (Willmer 2018).
pub const MSUN_R: f64 = 4.65;
/// Solar metal mass fraction Z☉ (TNG convention).
pub const Z_SUN: f64 = 0.0127;

/// Cosmic time t(a) in Gyr for scale factor `a` in flat ΛCDM with TNG parameters:
/// t(a) = 2/(3 H0 √ΩΛ) · asinh(√(ΩΛ/Ωm) a^{3/2}).
pub fn cosmic_time_gyr(a: f64) -> f64 {
    2.0 / 3.0 * HUBBLE_TIME_GYR / OMEGA_L.sqrt()
        * ((OMEGA_L / OMEGA_M).sqrt() * a.powf(1.5)).asinh()
}

/// Inverse of [`cosmic_time_gyr`]: scale factor a at cosmic time `t` (Gyr).
pub fn scale_factor_at(t_gyr: f64) -> f64 {
    let s = (1.5 * t_gyr * OMEGA_L.sqrt() / HUBBLE_TIME_GYR).sinh() / (OMEGA_L / OMEGA_M).sqrt();
    s.max(0.0).powf(2.0 / 3.0)
}

/// Absolute AB magnitude of a luminosity `l` given in solar units of a band whose solar
/// absolute magnitude is `msun`: M = M☉ − 2.5 log10 L.
pub fn abs_mag(l: f64, msun: f64) -> f64 {
    msun - 2.5 * l.log10()
}

/// Luminosity in solar units of a band from an absolute magnitude: L = 10^{−0.4 (M − M☉)}.
pub fn lum_from_mag(m: f64, msun: f64) -> f64 {
    10f64.powf(-0.4 * (m - msun))
}

/// Enclosed mass of a Hernquist (1990) sphere of total mass `m` and scale `a` inside radius
/// `r` (same length unit): M(<r) = M r² / (r + a)².
pub fn hernquist_enclosed_mass(m: f64, a: f64, r: f64) -> f64 {
    if r <= 0.0 {
        return 0.0;
    }
    m * r * r / ((r + a) * (r + a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosmic_time_today_is_the_age_of_the_universe() {
        // Planck 2015 flat ΛCDM: t(a=1) = 13.80 Gyr.
        assert!(
            (cosmic_time_gyr(1.0) - T0_GYR).abs() < 0.02,
            "{}",
            cosmic_time_gyr(1.0)
        );
        for a in [0.1, 0.5, 0.9] {
            assert!((scale_factor_at(cosmic_time_gyr(a)) - a).abs() < 1e-12);
        }
    }

    #[test]
    fn one_solar_luminosity_has_the_solar_magnitude() {
        assert!((abs_mag(1.0, MSUN_R) - 4.65).abs() < 1e-12);
        assert!((lum_from_mag(abs_mag(3.7e9, MSUN_G), MSUN_G) / 3.7e9 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn hernquist_half_mass_radius_is_one_plus_sqrt2_a() {
        let a = 2.0;
        let r = (1.0 + 2f64.sqrt()) * a;
        assert!((hernquist_enclosed_mass(1.0, a, r) - 0.5).abs() < 1e-12);
    }
}
