//! Bringing uploaded maps to a model's grid. Both grids cover the same field (6 R_hsm square,
//! galaxy-model.md 4.2–4.3); only the number of pixels differs, n² → m².
//!
//! * Light: flux is conserved. A pixel i of the input overlaps an output pixel J in a fraction
//!   f_iJ of its area (exact rational overlaps of the two lattices; Σ_J f_iJ = 1), and the
//!   output flux is F'_J = Σ_i f_iJ F_i ([`resample_flux`]; for n a multiple of m this is the
//!   block sum of [`crate::observe::rebin`]). Surface brightness S (L☉ kpc⁻²) is flux per
//!   area, F = S·A with A = (6R_hsm/n)², so S'_J = F'_J/A' = (m/n)² Σ_i f_iJ S_i, the
//!   area-weighted mean of S over the output pixel ([`resample_surface_brightness`]).
//! * Kinematics: V' and σ' are area-weighted means over the covered input pixels with mask 1,
//!   V'_J = Σ_i f_iJ M_i V_i / Σ_i f_iJ M_i (likewise σ); M'_J = 1 where any covered input pixel
//!   has M = 1, else V' = σ' = 0, M' = 0 — the dataset's empty-pixel convention
//!   ([`resample_kinematic`]).
//!
//! Sums are in f64; the 2-D operator is separable (rows, then columns).

use super::{Map2d, UploadError};
use crate::observe::rebin::rebin_sum;

/// Overlap weights of an n-cell lattice onto an m-cell lattice of the same interval: for each
/// output cell J, the input cells i it touches and the fraction of cell i inside J. Computed
/// on the common grid of 1/(n·m), so the fractions are exact rationals.
fn overlaps(n: usize, m: usize) -> Vec<Vec<(usize, f64)>> {
    (0..m)
        .map(|j| {
            let (lo, hi) = (j * n, (j + 1) * n);
            let first = lo / m;
            let last = (hi - 1) / m;
            (first..=last.min(n - 1))
                .filter_map(|i| {
                    let ov = hi.min((i + 1) * m) as i64 - lo.max(i * m) as i64;
                    (ov > 0).then(|| (i, ov as f64 / m as f64))
                })
                .collect()
        })
        .collect()
}

/// Applies the flux operator F'_J = Σ_i f_iJ F_i to a row-major n² image, giving m².
fn apply(img: &[f64], n: usize, m: usize) -> Vec<f64> {
    if n.is_multiple_of(m)
        && let Ok(v) = rebin_sum(img, n, n / m)
    {
        return v;
    }
    let w = overlaps(n, m);
    // Along each row: n columns → m columns.
    let mut tmp = vec![0.0; n * m];
    for r in 0..n {
        let row = &img[r * n..(r + 1) * n];
        for (k, wk) in w.iter().enumerate() {
            tmp[r * m + k] = wk.iter().map(|&(i, f)| f * row[i]).sum();
        }
    }
    // Along each column: n rows → m rows.
    let mut out = vec![0.0; m * m];
    for (j, wj) in w.iter().enumerate() {
        for &(r, f) in wj {
            let src = &tmp[r * m..(r + 1) * m];
            for (o, s) in out[j * m..(j + 1) * m].iter_mut().zip(src) {
                *o += f * s;
            }
        }
    }
    out
}

fn check(len: usize, n: usize, m: usize) -> Result<(), UploadError> {
    if n == 0 || m == 0 {
        return Err(UploadError::Resample("an empty grid".into()));
    }
    if len != n * n {
        return Err(UploadError::Resample(format!(
            "{len} values for a {n}×{n} grid"
        )));
    }
    Ok(())
}

/// Resamples a flux map (L☉ per pixel, row-major n²) to m², conserving the total flux.
pub fn resample_flux(flux: &[f32], n: usize, m: usize) -> Result<Vec<f32>, UploadError> {
    check(flux.len(), n, m)?;
    let img: Vec<f64> = flux.iter().map(|&v| v as f64).collect();
    Ok(apply(&img, n, m).into_iter().map(|v| v as f32).collect())
}

/// Resamples a surface-brightness map (L☉ kpc⁻², row-major n²) covering the same field to
/// m²: the area-weighted mean of S over each output pixel, i.e. flux per pixel resampled
/// conservatively and divided by the new pixel area. Σ S·A (the luminosity) is conserved
/// and a constant map stays constant.
pub fn resample_surface_brightness(
    sb: &[f32],
    n: usize,
    m: usize,
) -> Result<Vec<f32>, UploadError> {
    check(sb.len(), n, m)?;
    let img: Vec<f64> = sb.iter().map(|&v| v as f64).collect();
    let area_ratio = (m as f64 / n as f64).powi(2); // A_in / A_out
    Ok(apply(&img, n, m)
        .into_iter()
        .map(|v| (v * area_ratio) as f32)
        .collect())
}

/// Flux per pixel (L☉) of a surface-brightness map (L☉ kpc⁻²) with square pixels of side
/// `pixel_kpc` (6 R_hsm / n for the model's field).
#[cfg(test)]
pub fn flux_from_surface_brightness(sb: &[f32], pixel_kpc: f64) -> Vec<f64> {
    let a = pixel_kpc * pixel_kpc;
    sb.iter().map(|&s| s as f64 * a).collect()
}

/// Surface brightness (L☉ kpc⁻²) of a flux map (L☉ per pixel of side `pixel_kpc`).
#[cfg(test)]
pub fn surface_brightness_from_flux(flux: &[f64], pixel_kpc: f64) -> Vec<f32> {
    let a = pixel_kpc * pixel_kpc;
    flux.iter().map(|&f| (f / a) as f32).collect()
}

/// Kinematic maps on a square grid: mean line-of-sight velocity V and dispersion σ in km/s
/// and the mask (1 = valid), each `size`² row-major; V = σ = 0 where the mask is 0.
#[derive(Clone, Debug, PartialEq)]
pub struct KinematicMaps {
    /// Pixels per side.
    pub size: usize,
    /// V in km/s.
    pub v: Vec<f32>,
    /// σ in km/s.
    pub sigma: Vec<f32>,
    /// 1 where the pixel holds a measurement.
    pub mask: Vec<u8>,
}

impl KinematicMaps {
    /// From an uploaded 2- or 3-plane square map (V, σ and optionally the mask; check the shape first with
    /// [`super::check_kinematic_shape`]). Without a mask plane a pixel is valid where V ≠ 0
    /// or σ ≠ 0; masked pixels get V = σ = 0.
    pub fn from_map(map: &Map2d) -> Result<Self, UploadError> {
        let (Some(v), Some(s)) = (map.plane(0), map.plane(1)) else {
            return Err(UploadError::Shape {
                found: map.shape_text(),
                needed: "(2, K, K) or (3, K, K)".into(),
            });
        };
        if map.height != map.width {
            return Err(UploadError::Shape {
                found: map.shape_text(),
                needed: "square planes".into(),
            });
        }
        let mask: Vec<u8> = match map.plane(2) {
            Some(m) => m.iter().map(|&x| u8::from(x == 1.0)).collect(),
            None => v
                .iter()
                .zip(s)
                .map(|(&a, &b)| u8::from(a != 0.0 || b != 0.0))
                .collect(),
        };
        let keep = |x: &[f32]| -> Vec<f32> {
            x.iter()
                .zip(&mask)
                .map(|(&a, &k)| if k == 1 { a } else { 0.0 })
                .collect()
        };
        Ok(KinematicMaps {
            size: map.width,
            v: keep(v),
            sigma: keep(s),
            mask,
        })
    }
}

/// Resamples kinematic maps to `m`² by masked area-weighted means (see the module docs).
pub fn resample_kinematic(k: &KinematicMaps, m: usize) -> Result<KinematicMaps, UploadError> {
    let n = k.size;
    check(k.v.len(), n, m)?;
    check(k.sigma.len(), n, m)?;
    check(k.mask.len(), n, m)?;
    let msk: Vec<f64> = k
        .mask
        .iter()
        .map(|&x| f64::from(u8::from(x == 1)))
        .collect();
    let mv: Vec<f64> = k.v.iter().zip(&msk).map(|(&v, &w)| v as f64 * w).collect();
    let ms: Vec<f64> = k
        .sigma
        .iter()
        .zip(&msk)
        .map(|(&s, &w)| s as f64 * w)
        .collect();
    let den = apply(&msk, n, m);
    let nv = apply(&mv, n, m);
    let ns = apply(&ms, n, m);
    let mut out = KinematicMaps {
        size: m,
        v: vec![0.0; m * m],
        sigma: vec![0.0; m * m],
        mask: vec![0; m * m],
    };
    for p in 0..m * m {
        if den[p] > 0.0 {
            out.v[p] = (nv[p] / den[p]) as f32;
            out.sigma[p] = (ns[p] / den[p]) as f32;
            out.mask[p] = 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random(n: usize, seed: u64) -> Vec<f32> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n * n)
            .map(|_| rng.random::<f32>().powi(3) * 1e8)
            .collect()
    }

    /// Flux is conserved to 1e-6 for integer and non-integer ratios, up and down.
    #[test]
    fn flux_is_conserved() {
        for (n, m) in [
            (300, 150),
            (300, 60),
            (256, 300),
            (100, 48),
            (48, 48),
            (37, 111),
            (7, 3),
        ] {
            let img = random(n, n as u64 * 1000 + m as u64);
            let total: f64 = img.iter().map(|&v| v as f64).sum();
            let out = resample_flux(&img, n, m).unwrap();
            assert_eq!(out.len(), m * m);
            let t2: f64 = out.iter().map(|&v| v as f64).sum();
            assert!(
                ((t2 - total) / total).abs() < 1e-6,
                "{n}→{m}: {t2} vs {total}"
            );
        }
    }

    /// The integer-ratio path equals explicit block sums.
    #[test]
    fn integer_ratio_is_block_sum() {
        let img = random(12, 5);
        let out = resample_flux(&img, 12, 4).unwrap();
        for (bj, bi) in [(0, 0), (1, 2), (3, 3)] {
            let mut s = 0.0f64;
            for j in 3 * bj..3 * bj + 3 {
                for i in 3 * bi..3 * bi + 3 {
                    s += img[j * 12 + i] as f64;
                }
            }
            assert!((out[bj * 4 + bi] as f64 - s).abs() <= 1e-6 * s);
        }
        // The general path gives the same numbers.
        let w = overlaps(12, 4);
        assert!(
            w.iter()
                .all(|c| c.len() == 3 && c.iter().all(|&(_, f)| f == 1.0))
        );
    }

    /// A constant surface brightness stays constant; the luminosity Σ S·A is conserved.
    #[test]
    fn surface_brightness_constant_and_luminosity() {
        for (n, m) in [(300, 60), (100, 48), (48, 100), (5, 3)] {
            let sb = vec![2.5e7f32; n * n];
            let out = resample_surface_brightness(&sb, n, m).unwrap();
            assert!(
                out.iter()
                    .all(|&v| ((v as f64 - 2.5e7) / 2.5e7).abs() < 1e-6)
            );
            let img = random(n, 9);
            let field = 6.0; // kpc
            let (ai, ao) = ((field / n as f64).powi(2), (field / m as f64).powi(2));
            let lin: f64 = flux_from_surface_brightness(&img, field / n as f64)
                .iter()
                .sum();
            let out = resample_surface_brightness(&img, n, m).unwrap();
            let lout: f64 = out.iter().map(|&s| s as f64 * ao).sum();
            assert!(((lout - lin) / lin).abs() < 1e-6);
            let back = surface_brightness_from_flux(&[lin], ai.sqrt());
            assert!(((back[0] as f64 * ai - lin) / lin).abs() < 1e-6);
        }
    }

    /// A linear ramp S = a + b·x (pixel values = the ramp at pixel centres, x in field units)
    /// stays exactly linear under integer-ratio downsampling, and within |b|·Δ_in/2 of the ramp
    /// at the output centres for any ratio (the piecewise-constant input differs from the ramp
    /// by at most that much).
    #[test]
    fn linear_ramp_stays_linear() {
        let (a, b) = (3.0f64, 2.0f64);
        for (n, m, exact) in [
            (60, 20, true),
            (300, 60, true),
            (100, 48, false),
            (48, 100, false),
        ] {
            let mut img = vec![0.0f32; n * n];
            for r in 0..n {
                for c in 0..n {
                    img[r * n + c] = (a + b * (c as f64 + 0.5) / n as f64) as f32;
                }
            }
            let out = resample_surface_brightness(&img, n, m).unwrap();
            let tol = if exact {
                1e-6
            } else {
                b / n as f64 / 2.0 + 1e-6
            };
            for r in 0..m {
                for c in 0..m {
                    let want = a + b * (c as f64 + 0.5) / m as f64;
                    let got = out[r * m + c] as f64;
                    assert!(
                        (got - want).abs() <= tol,
                        "{n}→{m} ({r},{c}): {got} vs {want}"
                    );
                }
                // Rows agree (the ramp is along columns only), to rounding.
                for c in 0..m {
                    assert!((out[r * m + c] - out[c]).abs() <= 1e-6 * out[c].abs());
                }
            }
        }
    }

    /// Masked means: a 4×4 → 2×2 block with one masked pixel averages the other three; a block
    /// with every pixel masked is empty (mask 0, V = σ = 0); constant maps stay constant for
    /// any ratio.
    #[test]
    fn kinematic_masked_means() {
        let mut v = vec![0.0f32; 16];
        let mut s = vec![0.0f32; 16];
        let mut mask = vec![1u8; 16];
        // Top-left block: pixels (0,0)=10 (0,1)=20 (1,0)=30 (1,1)=999 masked.
        for (p, val) in [(0, 10.0), (1, 20.0), (4, 30.0), (5, 999.0)] {
            v[p] = val;
            s[p] = val / 10.0;
        }
        mask[5] = 0;
        // Bottom-right block all masked.
        for p in [10, 11, 14, 15] {
            mask[p] = 0;
            v[p] = 555.0;
        }
        let k = KinematicMaps {
            size: 4,
            v,
            sigma: s,
            mask,
        };
        let out = resample_kinematic(&k, 2).unwrap();
        assert!((out.v[0] - 20.0).abs() < 1e-6);
        assert!((out.sigma[0] - 2.0).abs() < 1e-6);
        assert_eq!(out.mask, vec![1, 1, 1, 0]);
        assert_eq!((out.v[3], out.sigma[3]), (0.0, 0.0));
        for m in [3, 5, 48] {
            let c = KinematicMaps {
                size: 10,
                v: vec![-120.0; 100],
                sigma: vec![80.0; 100],
                mask: vec![1; 100],
            };
            let o = resample_kinematic(&c, m).unwrap();
            assert!(o.v.iter().all(|&x| (x + 120.0).abs() < 1e-4));
            assert!(o.sigma.iter().all(|&x| (x - 80.0).abs() < 1e-4));
            assert!(o.mask.iter().all(|&x| x == 1));
        }
        // A 3 → 2 resampling: output pixel 0 covers input 0 fully and half of input 1, so a
        // single valid pixel anywhere in its footprint sets its mask.
        let mut mask = vec![0u8; 9];
        mask[4] = 1; // centre pixel (1,1)
        let mut v = vec![0.0f32; 9];
        v[4] = 42.0;
        let c = KinematicMaps {
            size: 3,
            v,
            sigma: vec![0.0; 9],
            mask,
        };
        let o = resample_kinematic(&c, 2).unwrap();
        assert_eq!(o.mask, vec![1, 1, 1, 1]);
        assert!(o.v.iter().all(|&x| (x - 42.0).abs() < 1e-5));
    }

    #[test]
    fn mask_from_map_planes() {
        let map = Map2d {
            planes: 2,
            height: 2,
            width: 2,
            data: vec![0.0, 5.0, 0.0, 0.0, 0.0, 3.0, 0.0, 1.0],
        };
        let k = KinematicMaps::from_map(&map).unwrap();
        assert_eq!(k.mask, vec![0, 1, 0, 1]);
        let map3 = Map2d {
            planes: 3,
            height: 1,
            width: 1,
            data: vec![7.0, 8.0, 0.0],
        };
        let k = KinematicMaps::from_map(&map3).unwrap();
        assert_eq!((k.mask[0], k.v[0], k.sigma[0]), (0, 0.0, 0.0));
        assert!(resample_flux(&[1.0; 3], 2, 1).is_err());
        assert!(resample_flux(&[], 0, 1).is_err());
    }
}
