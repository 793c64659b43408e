//! Lower-resolution light maps by block sums, and the g−r colour map (galaxy-model.md 4.2).
//!
//! Rebinning works on flux per pixel (L☉), so it conserves flux exactly: 300² → 150² sums
//! 2×2 blocks, 300² → 60² sums 5×5 blocks. The g−r map is
//! c_p = −2.5 log10(F_g,p/F_r,p) + (M☉,g − M☉,r) where F_r,p > 1e-8·max F_r (and F_g,p > 0);
//! elsewhere the galaxy's integrated g−r (a neutral fill) with mask 0.

use thiserror::Error;

use crate::units::{MSUN_G, MSUN_R};

/// Relative r-band flux below which a pixel's colour is not defined (1e-8 of the peak).
pub const COLOUR_FLUX_FLOOR: f64 = 1e-8;

/// A rebinning that does not tile the image.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("cannot rebin a {size}×{size} image by {factor}×{factor} blocks")]
pub struct RebinError {
    /// Input side in pixels.
    pub size: usize,
    /// Block side in pixels.
    pub factor: usize,
}

/// Sums `factor`×`factor` blocks of the row-major `size`² image `img` (flux per pixel), giving
/// a (size/factor)² image with the same total flux. `size` must be a multiple of `factor`
/// and `img` must hold `size`² values.
pub fn rebin_sum(img: &[f64], size: usize, factor: usize) -> Result<Vec<f64>, RebinError> {
    if factor == 0 || !size.is_multiple_of(factor) || img.len() != size * size {
        return Err(RebinError { size, factor });
    }
    let m = size / factor;
    let mut out = vec![0.0; m * m];
    for j in 0..size {
        let orow = (j / factor) * m;
        for (i, &v) in img[j * size..(j + 1) * size].iter().enumerate() {
            out[orow + i / factor] += v;
        }
    }
    Ok(out)
}

/// Rebins a `from`² flux image to `to`² pixels by block sums (`from` a multiple of `to`,
/// e.g. 300 → 150 or 300 → 60); `to == from` returns a copy.
pub fn rebin_to(img: &[f64], from: usize, to: usize) -> Result<Vec<f64>, RebinError> {
    if to == 0 || !from.is_multiple_of(to) {
        return Err(RebinError {
            size: from,
            factor: 0,
        });
    }
    rebin_sum(img, from, from / to)
}

/// The g−r colour map of flux (or surface-brightness) maps `g` and `r` of the same
/// geometry: c_p = −2.5 log10(g_p/r_p) + 0.46 mag where r_p > 1e-8·max r and g_p > 0,
/// else `fill` (the galaxy's integrated g−r, mag) with mask 0. Returns (colour, mask).
pub fn colour_map(g: &[f32], r: &[f32], fill: f64) -> (Vec<f32>, Vec<u8>) {
    let rmax = r.iter().fold(0.0f64, |m, &x| m.max(x as f64));
    let floor = COLOUR_FLUX_FLOOR * rmax;
    let off = MSUN_G - MSUN_R;
    g.iter()
        .zip(r)
        .map(|(&gp, &rp)| {
            let (gp, rp) = (gp as f64, rp as f64);
            if rp > floor && rp > 0.0 && gp > 0.0 && gp.is_finite() && rp.is_finite() {
                ((-2.5 * (gp / rp).log10() + off) as f32, 1u8)
            } else {
                (fill as f32, 0u8)
            }
        })
        .unzip()
}

/// Integrated g−r colour (mag) of total g and r luminosities in L☉ of each band:
/// −2.5 log10(L_g/L_r) + 0.46; `None` unless both are positive and finite.
pub fn integrated_colour(lum_g: f64, lum_r: f64) -> Option<f64> {
    (lum_g > 0.0 && lum_r > 0.0 && lum_g.is_finite() && lum_r.is_finite())
        .then(|| -2.5 * (lum_g / lum_r).log10() + MSUN_G - MSUN_R)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Test 16: 300→150→… conserves flux exactly (to rounding); 300→60 equals explicit
    /// 5×5 sums; 300→150→30 equals 300→30.
    #[test]
    fn rebinning_conserves_flux_and_equals_block_sums() {
        let mut rng = ChaCha8Rng::seed_from_u64(16);
        let img: Vec<f64> = (0..300 * 300)
            .map(|_| rng.random::<f64>().powi(4) * 1e6)
            .collect();
        let total: f64 = img.iter().sum();
        let h150 = rebin_to(&img, 300, 150).unwrap();
        let h60 = rebin_to(&img, 300, 60).unwrap();
        let h75 = rebin_to(&h150, 150, 75).unwrap();
        for (name, im) in [("150", &h150), ("60", &h60), ("75", &h75)] {
            let s: f64 = im.iter().sum();
            assert!(
                ((s - total) / total).abs() < 1e-12,
                "{name}: {s} vs {total}"
            );
        }
        assert_eq!(h60.len(), 3600);
        for (bj, bi) in [(0, 0), (7, 59), (59, 0), (31, 44)] {
            let mut s = 0.0;
            for j in 5 * bj..5 * bj + 5 {
                for i in 5 * bi..5 * bi + 5 {
                    s += img[j * 300 + i];
                }
            }
            assert!((h60[bj * 60 + bi] - s).abs() <= 1e-12 * s);
        }
        let a = rebin_to(&h150, 150, 30).unwrap();
        let b = rebin_to(&img, 300, 30).unwrap();
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-12 * y.abs());
        }
        assert!(rebin_sum(&img, 300, 7).is_err());
        assert!(rebin_to(&img, 300, 300).unwrap() == img);
    }

    /// g−r map: a pixel with g = r (in solar units) has the Sun's colour 0.46; g = 10^−0.4·r
    /// is 1 mag redder; pixels below 1e-8 of the peak r flux take the fill with mask 0.
    #[test]
    fn colour_map_and_fill_rule() {
        let r = [1.0f32, 1.0, 1e-9, 0.0, 2.0];
        let g = [1.0f32, 10f32.powf(-0.4), 1e-9, 0.0, 0.0];
        let (c, m) = colour_map(&g, &r, 0.7);
        assert!((c[0] - 0.46).abs() < 1e-6);
        assert!((c[1] - 1.46).abs() < 1e-6);
        assert_eq!((c[2], c[3], c[4]), (0.7, 0.7, 0.7));
        assert_eq!(m, vec![1, 1, 0, 0, 0]);
        assert!((integrated_colour(2.0, 2.0).unwrap() - 0.46).abs() < 1e-12);
        assert_eq!(integrated_colour(0.0, 1.0), None);
    }
}
