//! The observable scale: the projected half-light radius R_e of a map and angular sizes in
//! kpc. The angular-diameter distance is that of a flat ΛCDM universe with galmass's (TNG's
//! Planck 2015) H0 = 100 h km/s/Mpc, Ω_m and Ω_Λ ([`crate::units`]), radiation neglected:
//!
//! D_A(z) = c / H0 · 1/(1 + z) · ∫₀^z dz′ / E(z′),  E(z) = √(Ω_m (1 + z)³ + Ω_Λ),
//!
//! integrated by Simpson's rule (error < 10⁻⁸ relative for z ≤ 10).

use super::{TelescopeError, positive};
use serde::{Deserialize, Serialize};

use crate::galaxy::{Axis, Galaxy};
use crate::measure::dust::attenuate;
use crate::projection::project;
use crate::units::{HUBBLE_H, OMEGA_L, OMEGA_M};

/// The radius that sets a map's field and the CNN's side input: the maps cover ±3 of it and
/// the side input is log10 of it in kpc.
///
/// [`MapScale::Rhsm`] is the paper's choice: the 3D stellar half-mass radius, which only a
/// simulation knows. [`MapScale::Re`] (beyond the paper) is what a telescope measures: the
/// projected r-band half-light radius of each line of sight ([`half_light_radius`] of its
/// ideal r map), so a model trained on it can be given an observed galaxy's R_e in arcsec
/// and a redshift ([`kpc_per_arcsec`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MapScale {
    /// ±3 R_hsm, the 3D stellar half-mass radius (the paper's).
    #[default]
    Rhsm,
    /// ±3 R_e, the projected r-band half-light radius of the line of sight.
    Re,
}

impl MapScale {
    /// `"rhsm"` or `"re"`: the dataset attribute, the manifest field and the CLI value.
    pub fn name(self) -> &'static str {
        match self {
            MapScale::Rhsm => "rhsm",
            MapScale::Re => "re",
        }
    }

    /// Reads [`MapScale::name`]; `None` for anything else.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "rhsm" => Some(MapScale::Rhsm),
            "re" => Some(MapScale::Re),
            _ => None,
        }
    }

    /// The radius in words, for labels and messages: "R_hsm" or "R_e".
    pub fn symbol(self) -> &'static str {
        match self {
            MapScale::Rhsm => "R_hsm",
            MapScale::Re => "R_e",
        }
    }

    /// Whether this is the paper's scale (for `skip_serializing_if`).
    pub fn is_rhsm(&self) -> bool {
        *self == MapScale::Rhsm
    }
}

/// Speed of light in km/s.
pub const C_KMS: f64 = 299_792.458;
/// Arcseconds per radian.
pub const ARCSEC_PER_RAD: f64 = 648_000.0 / std::f64::consts::PI;

/// Angular-diameter distance D_A(z) in Mpc (flat ΛCDM, galmass's cosmology); z must be
/// finite and > 0.
pub fn angular_diameter_distance_mpc(z: f64) -> Result<f64, TelescopeError> {
    let z = positive("redshift", z)?;
    let e = |x: f64| 1.0 / (OMEGA_M * (1.0 + x).powi(3) + OMEGA_L).sqrt();
    let n = 2000; // even
    let h = z / n as f64;
    let mut s = e(0.0) + e(z);
    for k in 1..n {
        s += if k % 2 == 1 { 4.0 } else { 2.0 } * e(k as f64 * h);
    }
    let comoving = C_KMS / (100.0 * HUBBLE_H) * s * h / 3.0;
    Ok(comoving / (1.0 + z))
}

/// Proper kpc per arcsecond at redshift `z`: D_A(z) · 1000 / 206 264.8.
pub fn kpc_per_arcsec(z: f64) -> Result<f64, TelescopeError> {
    Ok(angular_diameter_distance_mpc(z)? * 1000.0 / ARCSEC_PER_RAD)
}

/// Proper kpc per arcsecond at an angular-diameter distance `d_mpc` (Mpc), for a galaxy whose
/// distance is known directly (nearby galaxies, where D_A ≈ the distance).
pub fn kpc_per_arcsec_at(d_mpc: f64) -> Result<f64, TelescopeError> {
    Ok(positive("distance_mpc", d_mpc)? * 1000.0 / ARCSEC_PER_RAD)
}

/// Projected half-light radius (kpc) of a side×side surface-brightness map of pixel
/// `pixel_kpc`, about the map's centre: the radius of the circle holding half the map's
/// light, from the growth curve of pixel-centre radii, interpolated linearly. `None` for a
/// map without positive light or of the wrong length.
pub fn half_light_radius(map: &[f32], side: usize, pixel_kpc: f64) -> Option<f64> {
    if side == 0 || map.len() != side * side || !(pixel_kpc > 0.0) {
        return None;
    }
    let c = side as f64 / 2.0;
    let mut px: Vec<(f64, f64)> = map
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite() && **v > 0.0)
        .map(|(k, &v)| {
            let (i, j) = ((k / side) as f64 + 0.5, (k % side) as f64 + 0.5);
            ((i - c).hypot(j - c), f64::from(v))
        })
        .collect();
    half_radius(&mut px).map(|r| r * pixel_kpc)
}

/// The radius holding half the light of (radius, light) pairs (light > 0), from their growth
/// curve: each one's light is spread linearly over the radii between the previous one and it.
/// `None` without light.
fn half_radius(px: &mut [(f64, f64)]) -> Option<f64> {
    let total: f64 = px.iter().map(|p| p.1).sum();
    if !(total > 0.0) {
        return None;
    }
    px.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = 0.5 * total;
    let (mut cum, mut r_prev) = (0.0, 0.0);
    for &(r, v) in px.iter() {
        if cum + v >= half {
            return Some(r_prev + (half - cum) / v * (r - r_prev));
        }
        cum += v;
        r_prev = r;
    }
    None
}

/// Projected r-band half-light radius R_e (kpc) of `galaxy` (centred) seen along `axis`: the
/// radius of the circle about the centre holding half the r-band light of all its stars after
/// dust — the light `M_r` counts (docs/galaxy-model.md 3.3) — from the particles' growth
/// curve, so no map field truncates it (an edge-on disc's light reaches beyond ±3 R_hsm).
/// `None` without positive light.
pub fn galaxy_half_light_radius(galaxy: &Galaxy, axis: Axis) -> Option<f64> {
    let s = &galaxy.stars;
    let att = attenuate(galaxy, axis);
    let pr = project(&s.pos, &s.vel, axis);
    let mut px: Vec<(f64, f64)> = att
        .lum_r
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_finite() && **l > 0.0)
        .map(|(i, &l)| (pr.radius(i), l))
        .filter(|(r, _)| r.is_finite())
        .collect();
    half_radius(&mut px)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Peer: astropy 8.0.2 `FlatLambdaCDM(H0=67.74, Om0=0.3089, Tcmb0=0)`,
    /// `angular_diameter_distance` and `kpc_proper_per_arcmin / 60`.
    #[test]
    fn distances_match_astropy() {
        for (z, da, kpc) in ASTROPY {
            let d = angular_diameter_distance_mpc(z).unwrap();
            assert!((d / da - 1.0).abs() < 1e-4, "z = {z}: {d} vs {da}");
            let s = kpc_per_arcsec(z).unwrap();
            assert!((s / kpc - 1.0).abs() < 1e-4, "z = {z}: {s} vs {kpc}");
        }
        // 1 arcsec at 1 Mpc is 4.848 pc.
        assert!((kpc_per_arcsec_at(1.0).unwrap() - 4.848_137e-3).abs() < 1e-8);
    }

    #[test]
    fn bad_redshifts_and_distances_are_named() {
        for z in [0.0, -0.1, f64::NAN, f64::INFINITY] {
            let e = angular_diameter_distance_mpc(z).unwrap_err();
            assert!(e.to_string().starts_with("redshift = "), "{e}");
        }
        assert!(
            kpc_per_arcsec_at(-3.0)
                .unwrap_err()
                .to_string()
                .starts_with("distance_mpc = -3")
        );
    }

    /// b_n of the Sérsic profile: γ(2n, b_n) = Γ(2n)/2 (Ciotti & Bertin 1999 expansion).
    fn b_n(n: f64) -> f64 {
        2.0 * n - 1.0 / 3.0 + 4.0 / (405.0 * n) + 46.0 / (25515.0 * n * n)
    }

    /// A Sérsic image of effective radius `re_px` (pixels), 7×7 sub-samples per pixel.
    fn sersic_image(n: f64, re_px: f64, side: usize) -> Vec<f32> {
        let b = b_n(n);
        crate::telescope::pixel_means(side, |r| (-b * ((r / re_px).powf(1.0 / n) - 1.0)).exp())
            .into_iter()
            .map(|v| v as f32)
            .collect()
    }

    /// The half-light radius of Sérsic n = 1 and n = 4 images is their R_e to 2 % (the field
    /// reaches 40 R_e, where an n = 4 profile has given > 99.8 % of its light).
    #[test]
    fn half_light_radius_of_sersic_images_is_their_effective_radius() {
        for (n, re_px, side) in [(1.0, 12.0, 241), (4.0, 10.0, 801)] {
            let img = sersic_image(n, re_px, side);
            let re = half_light_radius(&img, side, 0.25).unwrap();
            let want = re_px * 0.25;
            assert!((re / want - 1.0).abs() < 0.02, "n = {n}: {re} vs {want}");
        }
        assert_eq!(half_light_radius(&[0.0; 4], 2, 1.0), None);
        assert_eq!(half_light_radius(&[1.0; 5], 2, 1.0), None);
    }

    /// (z, D_A in Mpc, kpc per arcsec) from astropy (see the test above).
    const ASTROPY: [(f64, f64, f64); 5] = [
        (0.01, 43.716441, 0.21194328),
        (0.03, 128.000810, 0.62056544),
        (0.05, 208.280039, 1.00977012),
        (0.1, 392.843959, 1.90456126),
        (1.0, 1698.105485, 8.23264771),
    ];
}
