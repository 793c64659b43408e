//! The hybrid model's scalars, computed from the maps themselves (beyond the paper): what a
//! physicist would read off the maps first — the luminosity, the colour and the velocity
//! scale — handed to the network beside its convolutional features, so it need not learn to
//! integrate them. One function for training (native, dataset maps) and prediction (bundles,
//! uploads, the browser).
//!
//! From the maps at the network's sizes, covering ±3 R_hsm (pixel side 6 R_hsm / S):
//! * `log_lr_map` = log10 L_r, L_r = Σ S_r A_pix (L☉);
//! * `g_r_map` = −2.5 log10(L_g/L_r) + (M☉,g − M☉,r), the map's integrated colour (mag);
//! * `log_vrms_map` = log10 √(Σ w (V² + σ²) / Σ w) (km/s), the r-light-weighted second moment
//!   of the line-of-sight velocities over the populated kinematic pixels, with w the r light
//!   resampled to the kinematic grid (M ∝ v_rms² R).

use crate::units::{MSUN_G, MSUN_R};
use crate::upload::{UploadError, resample_surface_brightness};

/// Names of the map scalars, in order.
pub const MAP_SCALAR_NAMES: [&str; 3] = ["log_lr_map", "g_r_map", "log_vrms_map"];

/// The maps the scalars are computed from, in physical units.
#[derive(Clone, Copy, Debug)]
pub struct MapsForScalars<'a> {
    /// r-band surface brightness (L☉ kpc⁻²), `light_side`² values.
    pub r: &'a [f32],
    /// g-band surface brightness (L☉ kpc⁻²), `light_side`² values.
    pub g: &'a [f32],
    /// Side of the light maps (px).
    pub light_side: usize,
    /// Line-of-sight mean velocity (km/s), `kin_side`² values.
    pub v: &'a [f32],
    /// Line-of-sight dispersion (km/s), `kin_side`² values.
    pub sigma: &'a [f32],
    /// 1 where the kinematic pixel is populated.
    pub mask: &'a [u8],
    /// Side of the kinematic maps (px).
    pub kin_side: usize,
    /// Half-stellar-mass radius (kpc).
    pub rhsm_kpc: f64,
}

/// [`MAP_SCALAR_NAMES`] of one galaxy. Empty light gives log10 L = 0 and colour 0; no
/// populated pixel gives log10 v_rms = 0. Errors only when a map's length is not its side².
pub fn map_scalars(m: &MapsForScalars) -> Result<[f64; 3], UploadError> {
    let pix = 6.0 * m.rhsm_kpc / m.light_side.max(1) as f64;
    let lum = |sb: &[f32]| sb.iter().map(|&s| f64::from(s).max(0.0)).sum::<f64>() * pix * pix;
    let (lr, lg) = (lum(m.r), lum(m.g));
    let log_lr = if lr > 0.0 { lr.log10() } else { 0.0 };
    let g_r = if lr > 0.0 && lg > 0.0 {
        -2.5 * (lg / lr).log10() + (MSUN_G - MSUN_R)
    } else {
        0.0
    };
    let w = resample_surface_brightness(m.r, m.light_side, m.kin_side)?;
    let (mut sw, mut swv) = (0.0f64, 0.0f64);
    for (((&wk, &v), &s), &on) in w.iter().zip(m.v).zip(m.sigma).zip(m.mask) {
        if on == 1 && wk > 0.0 {
            let (wk, v, s) = (f64::from(wk), f64::from(v), f64::from(s));
            sw += wk;
            swv += wk * (v * v + s * s);
        }
    }
    let log_vrms = if sw > 0.0 && swv > 0.0 {
        0.5 * (swv / sw).log10()
    } else {
        0.0
    };
    Ok([log_lr, g_r, log_vrms])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A uniform field of S over (6 R)² holds L = S (6 R)²; g = r/2 in L☉ is
    /// g − r = 2.5 log10 2 + M☉,g − M☉,r; V = 30, σ = 40 everywhere gives v_rms = 50.
    #[test]
    fn scalars_of_uniform_maps() {
        let (s, k, rhsm) = (12, 4, 2.0);
        let r = vec![100.0f32; s * s];
        let g = vec![50.0f32; s * s];
        let v = vec![30.0f32; k * k];
        let sigma = vec![40.0f32; k * k];
        let mask = vec![1u8; k * k];
        let base = MapsForScalars {
            r: &r,
            g: &g,
            light_side: s,
            v: &v,
            sigma: &sigma,
            mask: &mask,
            kin_side: k,
            rhsm_kpc: rhsm,
        };
        let out = map_scalars(&base).unwrap();
        let l = 100.0 * (6.0 * rhsm) * (6.0 * rhsm);
        assert!((out[0] - f64::log10(l)).abs() < 1e-9);
        assert!((out[1] - (2.5 * 2f64.log10() + MSUN_G - MSUN_R)).abs() < 1e-9);
        assert!((out[2] - 50f64.log10()).abs() < 1e-6);
        // Masked pixels do not count; ten times the light adds 1 to log L only.
        let r10: Vec<f32> = r.iter().map(|x| x * 10.0).collect();
        let g10: Vec<f32> = g.iter().map(|x| x * 10.0).collect();
        let mut v2 = v.clone();
        v2[0] = 5000.0;
        let mut mask2 = mask.clone();
        mask2[0] = 0;
        let out2 = map_scalars(&MapsForScalars {
            r: &r10,
            g: &g10,
            v: &v2,
            mask: &mask2,
            ..base
        })
        .unwrap();
        assert!((out2[0] - out[0] - 1.0).abs() < 1e-9);
        assert!((out2[1] - out[1]).abs() < 1e-9);
        assert!((out2[2] - out[2]).abs() < 1e-6);
    }
}
