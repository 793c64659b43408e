//! Seeing: the point-spread function and the convolution of maps with it.
//!
//! - Gaussian: P(r) ∝ exp(−r²/2s²), s = FWHM / (2√(2 ln 2)).
//! - Moffat (1969): P(r) ∝ (1 + (r/α)²)^−β, α = FWHM / (2√(2^{1/β} − 1)); β = 4.765 is the
//!   value Trujillo et al. (2001) found to describe atmospheric turbulence; smaller β has
//!   broader wings.
//!
//! The kernel is the profile averaged over each pixel (7×7 sub-samples), cut where it has
//! fallen below 10⁻⁵ of its peak (Gaussian: 4.8 s; Moffat: at most 8 FWHM) and normalised
//! to a sum of 1, so a convolution keeps the light that stays inside the map. Maps are
//! zero outside (light that the PSF spreads beyond the edge is lost, as on a detector).
//!
//! Kinematic maps are convolved as the light carries them: the observed mean velocity and
//! dispersion are the light-weighted moments of the blurred line-of-sight velocity
//! distribution,
//!
//! V′ = (P ∗ LV) / (P ∗ L),  σ′² = (P ∗ L(σ² + V²)) / (P ∗ L) − V′²,
//!
//! with L the light in each kinematic pixel.

use serde::{Deserialize, Serialize};

use super::{TelescopeError, pixel_means, positive};

/// A point-spread function with its FWHM in pixels of the map it blurs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Psf {
    /// A Gaussian of full width at half maximum `fwhm_px`.
    Gaussian {
        /// FWHM in pixels.
        fwhm_px: f64,
    },
    /// A Moffat profile of FWHM `fwhm_px` and power index `beta` (> 1).
    Moffat {
        /// FWHM in pixels.
        fwhm_px: f64,
        /// Power index β.
        beta: f64,
    },
}

/// Trujillo et al. (2001)'s β of a Moffat PSF that describes atmospheric turbulence.
pub const MOFFAT_BETA_ATMOSPHERE: f64 = 4.765;

/// A normalised, odd-sided convolution kernel (row-major, centre at `radius`, `radius`).
#[derive(Clone, Debug, PartialEq)]
pub struct Kernel {
    /// Half-width in pixels: the side is 2 radius + 1.
    pub radius: usize,
    /// Weights, (2 radius + 1)², summing to 1.
    pub weights: Vec<f64>,
}

impl Psf {
    /// The FWHM in pixels.
    pub fn fwhm_px(&self) -> f64 {
        match *self {
            Psf::Gaussian { fwhm_px } | Psf::Moffat { fwhm_px, .. } => fwhm_px,
        }
    }

    /// Checks the parameters: FWHM finite and > 0; Moffat β finite and > 1.
    pub fn check(&self) -> Result<(), TelescopeError> {
        positive("psf_fwhm", self.fwhm_px())?;
        if let Psf::Moffat { beta, .. } = *self
            && !(beta.is_finite() && beta > 1.0)
        {
            return Err(TelescopeError::Invalid {
                what: "moffat_beta",
                value: beta,
                why: "must be a finite number > 1",
            });
        }
        Ok(())
    }

    /// The profile at radius `r` (pixels), 1 at the centre.
    pub fn profile(&self, r: f64) -> f64 {
        match *self {
            Psf::Gaussian { fwhm_px } => {
                let s = fwhm_px / (2.0 * (2.0 * std::f64::consts::LN_2).sqrt());
                (-0.5 * (r / s).powi(2)).exp()
            }
            Psf::Moffat { fwhm_px, beta } => {
                let alpha = fwhm_px / (2.0 * (2f64.powf(1.0 / beta) - 1.0).sqrt());
                (1.0 + (r / alpha).powi(2)).powf(-beta)
            }
        }
    }

    /// Radius (pixels) beyond which the profile is below 10⁻⁵ of its peak (at most 8 FWHM,
    /// at least 1 pixel).
    fn cut_radius(&self) -> f64 {
        let f = self.fwhm_px();
        let (mut lo, mut hi) = (0.0, 8.0 * f);
        if self.profile(hi) >= 1e-5 {
            return hi.max(1.0);
        }
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if self.profile(mid) >= 1e-5 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        hi.max(1.0)
    }

    /// The pixel-integrated kernel (see the module documentation).
    pub fn kernel(&self) -> Result<Kernel, TelescopeError> {
        self.check()?;
        let cut = self.cut_radius();
        let radius = cut.ceil() as usize;
        let side = 2 * radius + 1;
        let mut weights = pixel_means(side, |r| if r <= cut { self.profile(r) } else { 0.0 });
        let total: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
        Ok(Kernel { radius, weights })
    }
}

impl Kernel {
    /// `map` (side × side, row-major, zero outside) convolved with the kernel.
    pub fn convolve(&self, map: &[f64], side: usize) -> Vec<f64> {
        let r = self.radius as isize;
        let ks = 2 * self.radius + 1;
        let n = side as isize;
        let mut out = vec![0.0; map.len()];
        for i in 0..n {
            for j in 0..n {
                let v = map[(i * n + j) as usize];
                if v == 0.0 {
                    continue;
                }
                // Scatter the pixel's value onto its neighbours (zero pixels cost nothing).
                for a in (-r).max(-i)..=r.min(n - 1 - i) {
                    let row = ((i + a) * n) as usize;
                    let krow = ((a + r) as usize) * ks;
                    for b in (-r).max(-j)..=r.min(n - 1 - j) {
                        out[row + (j + b) as usize] += v * self.weights[krow + (b + r) as usize];
                    }
                }
            }
        }
        out
    }

    /// A surface-brightness map (f32) convolved.
    pub fn convolve_f32(&self, map: &[f32], side: usize) -> Vec<f32> {
        let m: Vec<f64> = map.iter().map(|&v| f64::from(v)).collect();
        self.convolve(&m, side)
            .into_iter()
            .map(|v| v as f32)
            .collect()
    }

    /// Kinematic maps blurred as the light carries them (module documentation): `light` is
    /// the light in each of the k × k pixels, `v` and `sigma` the mean velocity and the
    /// dispersion (km/s), `mask` 1 where the pixel holds data. Returns V′, σ′ and the new
    /// mask (1 where blurred light from data pixels reaches ≥ 10⁻⁶ of the brightest pixel's).
    pub fn convolve_kinematics(
        &self,
        light: &[f64],
        v: &[f32],
        sigma: &[f32],
        mask: &[u8],
        k: usize,
    ) -> (Vec<f32>, Vec<f32>, Vec<u8>) {
        let n = k * k;
        let mut l = vec![0.0; n];
        let mut lv = vec![0.0; n];
        let mut lm2 = vec![0.0; n];
        for p in 0..n {
            if mask[p] != 0 && light[p] > 0.0 {
                let (vv, ss) = (f64::from(v[p]), f64::from(sigma[p]));
                l[p] = light[p];
                lv[p] = light[p] * vv;
                lm2[p] = light[p] * (ss * ss + vv * vv);
            }
        }
        let (cl, clv, clm2) = (
            self.convolve(&l, k),
            self.convolve(&lv, k),
            self.convolve(&lm2, k),
        );
        let floor = 1e-6 * cl.iter().copied().fold(0.0, f64::max);
        let mut vo = vec![0f32; n];
        let mut so = vec![0f32; n];
        let mut mo = vec![0u8; n];
        for p in 0..n {
            if cl[p] > floor && cl[p] > 0.0 {
                let m1 = clv[p] / cl[p];
                let m2 = clm2[p] / cl[p];
                vo[p] = m1 as f32;
                so[p] = (m2 - m1 * m1).max(0.0).sqrt() as f32;
                mo[p] = 1;
            }
        }
        (vo, so, mo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Full width at half maximum of a centred image along its middle row, interpolated.
    fn measured_fwhm(img: &[f64], side: usize) -> f64 {
        let c = side / 2;
        let row = &img[c * side..(c + 1) * side];
        let half = row[c] / 2.0;
        let mut right = c;
        while row[right + 1] > half {
            right += 1;
        }
        let f = (row[right] - half) / (row[right] - row[right + 1]);
        2.0 * ((right - c) as f64 + f)
    }

    #[test]
    fn a_point_source_becomes_the_kernel_with_the_stated_fwhm() {
        for psf in [
            Psf::Gaussian { fwhm_px: 6.0 },
            Psf::Moffat {
                fwhm_px: 6.0,
                beta: MOFFAT_BETA_ATMOSPHERE,
            },
            Psf::Moffat {
                fwhm_px: 8.0,
                beta: 2.5,
            },
        ] {
            let k = psf.kernel().unwrap();
            // A map that holds the whole kernel around its central pixel.
            let side = 2 * k.radius + 11;
            let mut point = vec![0.0; side * side];
            point[side / 2 * side + side / 2] = 1.0;
            let img = k.convolve(&point, side);
            let flux: f64 = img.iter().sum();
            assert!((flux - 1.0).abs() < 1e-4, "{psf:?}: flux {flux}");
            let fwhm = measured_fwhm(&img, side);
            // Integrating over a pixel widens a profile by ≈ 1/12 px² in variance.
            assert!(
                (fwhm / psf.fwhm_px() - 1.0).abs() < 0.03,
                "{psf:?}: FWHM {fwhm}"
            );
        }
    }

    #[test]
    fn a_galaxy_keeps_its_flux_and_kinematics_keep_their_light_weighted_moments() {
        // An exponential disc well inside the map (e^−13 at its edge).
        let side = 81;
        let c = 40.0;
        let map: Vec<f64> = (0..side * side)
            .map(|p| {
                let (i, j) = ((p / side) as f64, (p % side) as f64);
                (-(i - c).hypot(j - c) / 3.0).exp()
            })
            .collect();
        let k = Psf::Moffat {
            fwhm_px: 4.0,
            beta: MOFFAT_BETA_ATMOSPHERE,
        }
        .kernel()
        .unwrap();
        let out = k.convolve(&map, side);
        let (a, b): (f64, f64) = (map.iter().sum(), out.iter().sum());
        assert!((b / a - 1.0).abs() < 1e-4, "{a} vs {b}");

        // A uniform velocity field stays uniform; a velocity step mixes its two sides into
        // a dispersion: V′ = (V1 + V2)/2 and σ′² = σ² + (ΔV/2)² where the light is equal.
        let n = side * side;
        let light = vec![1.0; n];
        let v: Vec<f32> = (0..n)
            .map(|p| if p % side < 40 { -100.0 } else { 100.0 })
            .collect();
        let sigma = vec![50f32; n];
        let mask = vec![1u8; n];
        let (vo, so, mo) = k.convolve_kinematics(&light, &v, &sigma, &mask, side);
        let p = 40 * side + 40; // first column of the +100 side, next to the step
        assert!(vo[p] > 0.0 && vo[p] < 100.0, "{}", vo[p]);
        let far = 40 * side + 75;
        assert!((vo[far] - 100.0).abs() < 1e-3 && (so[far] - 50.0).abs() < 1e-3);
        // Along the step the two sides weigh nearly equally.
        let mid = f64::from(so[p]);
        let want = (50f64.powi(2) + f64::from(vo[p]).mul_add(-f64::from(vo[p]), 1e4)).sqrt();
        assert!((mid - want).abs() < 1e-2, "{mid} vs {want}");
        assert!(mo.iter().all(|&m| m == 1));
    }

    #[test]
    fn bad_psf_parameters_are_named() {
        for f in [0.0, -1.0, f64::NAN] {
            let e = Psf::Gaussian { fwhm_px: f }.kernel().unwrap_err();
            assert!(e.to_string().starts_with("psf_fwhm = "), "{e}");
        }
        let e = Psf::Moffat {
            fwhm_px: 3.0,
            beta: 1.0,
        }
        .kernel()
        .unwrap_err();
        assert!(e.to_string().starts_with("moffat_beta = 1"), "{e}");
    }
}
