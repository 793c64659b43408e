//! The Hernquist (1990) sphere shown on the first page, computed in the browser by
//! galmass-core: the enclosed mass at a few radii and the half-mass radius found by
//! bisection on `galmass_core::units::hernquist_enclosed_mass`.

use galmass_core::units::hernquist_enclosed_mass;

/// Default total mass of the demonstration sphere, in M☉ (a Milky-Way-like stellar mass).
pub const DEFAULT_MASS_MSUN: f64 = 1.0e11;
/// Default Hernquist scale length `a`, in kpc.
pub const DEFAULT_SCALE_KPC: f64 = 2.0;
/// Radii (kpc) at which the first page tabulates the enclosed mass.
pub const TABLE_RADII_KPC: [f64; 6] = [0.5, 1.0, 2.0, 5.0, 10.0, 30.0];
/// Smallest and largest scale length (kpc) the page's slider allows.
pub const SCALE_RANGE_KPC: (f64, f64) = (0.5, 10.0);
/// Smallest and largest log10 of the total mass (M☉) the page's slider allows.
pub const LOG_MASS_RANGE: (f64, f64) = (9.0, 12.5);

/// A Hernquist sphere: total mass `mass_msun` (M☉) and scale length `scale_kpc` (kpc),
/// with enclosed mass M(<r) = M r² / (r + a)².
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HernquistSphere {
    /// Total mass M in M☉.
    pub mass_msun: f64,
    /// Scale length a in kpc.
    pub scale_kpc: f64,
}

/// One row of the enclosed-mass table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MassRow {
    /// Radius r in kpc.
    pub radius_kpc: f64,
    /// Mass enclosed within the sphere of radius r, in M☉.
    pub enclosed_msun: f64,
    /// Enclosed fraction M(<r)/M (dimensionless, 0..1).
    pub fraction: f64,
}

impl Default for HernquistSphere {
    fn default() -> Self {
        Self {
            mass_msun: DEFAULT_MASS_MSUN,
            scale_kpc: DEFAULT_SCALE_KPC,
        }
    }
}

impl HernquistSphere {
    /// Mass (M☉) enclosed within radius `r_kpc` (kpc), via galmass-core.
    pub fn enclosed_mass(&self, r_kpc: f64) -> f64 {
        hernquist_enclosed_mass(self.mass_msun, self.scale_kpc, r_kpc)
    }

    /// The table rows at [`TABLE_RADII_KPC`].
    pub fn table(&self) -> Vec<MassRow> {
        TABLE_RADII_KPC
            .iter()
            .map(|&r| {
                let enclosed = self.enclosed_mass(r);
                MassRow {
                    radius_kpc: r,
                    enclosed_msun: enclosed,
                    fraction: enclosed / self.mass_msun,
                }
            })
            .collect()
    }

    /// Half-mass radius in kpc, found numerically: bisection on M(<r) − M/2 over
    /// [0, 1000 a] until the bracket is below 1e-13 of its upper end. For a Hernquist
    /// sphere the exact answer is (1 + √2) a, which the page shows next to it.
    pub fn half_mass_radius_numeric(&self) -> f64 {
        let half = 0.5 * self.mass_msun;
        let (mut lo, mut hi) = (0.0_f64, 1000.0 * self.scale_kpc);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if self.enclosed_mass(mid) < half {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo <= 1e-13 * hi {
                break;
            }
        }
        0.5 * (lo + hi)
    }

    /// The analytic half-mass radius (1 + √2) a in kpc (Hernquist 1990).
    pub fn half_mass_radius_analytic(&self) -> f64 {
        (1.0 + std::f64::consts::SQRT_2) * self.scale_kpc
    }
}

/// Clamps a user-supplied number into `[lo, hi]`; `None` for text that is not a finite number.
pub fn parse_clamped(text: &str, (lo, hi): (f64, f64)) -> Option<f64> {
    let value: f64 = text.trim().parse().ok()?;
    value.is_finite().then(|| value.clamp(lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_mass_radius_matches_hernquist_formula() {
        for a in [0.5, 2.0, 7.3] {
            let s = HernquistSphere {
                mass_msun: 3e10,
                scale_kpc: a,
            };
            let exact = (1.0 + 2f64.sqrt()) * a;
            let found = s.half_mass_radius_numeric();
            assert!((found - exact).abs() <= 1e-10 * exact, "{found} vs {exact}");
            assert!((s.enclosed_mass(found) / s.mass_msun - 0.5).abs() < 1e-10);
        }
    }

    #[test]
    fn table_is_the_analytic_profile() {
        let s = HernquistSphere::default();
        let rows = s.table();
        assert_eq!(rows.len(), TABLE_RADII_KPC.len());
        // At r = a the enclosed fraction is exactly 1/4.
        let at_a = rows.iter().find(|r| r.radius_kpc == 2.0).unwrap();
        assert!((at_a.fraction - 0.25).abs() < 1e-15);
        assert!((at_a.enclosed_msun - 2.5e10).abs() < 1e-3);
        // r = 30 kpc: 1e11 * 900 / 1024.
        let last = rows.last().unwrap();
        assert!((last.enclosed_msun - 1e11 * 900.0 / 1024.0).abs() < 1e-2);
        assert!(rows.windows(2).all(|w| w[0].fraction < w[1].fraction));
    }

    #[test]
    fn parse_clamped_rejects_garbage_and_clamps() {
        assert_eq!(parse_clamped("abc", (0.5, 10.0)), None);
        assert_eq!(parse_clamped("NaN", (0.5, 10.0)), None);
        assert_eq!(parse_clamped("inf", (0.5, 10.0)), None);
        assert_eq!(parse_clamped(" 3.5 ", (0.5, 10.0)), Some(3.5));
        assert_eq!(parse_clamped("100", (0.5, 10.0)), Some(10.0));
        assert_eq!(parse_clamped("0", (0.5, 10.0)), Some(0.5));
    }
}
