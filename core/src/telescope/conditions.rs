//! Observing conditions applied to one projection's ideal maps ([`ProjectionMaps`]), in the
//! order light travels:
//!
//! 1. seeing: the light maps and, light-weighted, the kinematic maps convolved with the PSF
//!    ([`super::psf`]);
//! 2. the IFU footprint: everything outside the hexagon covering k R_e is lost (light 0,
//!    kinematic mask 0; [`super::footprint`]);
//! 3. detector noise at the stated S/N at R_e on the r and g maps ([`super::noise`]);
//! 4. the kinematics as an IFU survey measures them: each kinematic pixel's S/N is that of the
//!    r-band light falling in it (ΣS/√ΣN²); with a target, pixels are Voronoi-binned to it
//!    ([`super::voronoi`]) and share their bin's light-weighted V and σ; the velocity error is
//!    δV = √(σ² + σ_instr²) / (S/N) and δσ = δV/√2 (a Gaussian line measured from N photons:
//!    var V̂ = σ²/N, var σ̂ = σ²/2N), drawn once per bin; bins below S/N 1 are masked.
//!
//! Each step is optional; none at all returns the maps unchanged.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::footprint::Hexagon;
use super::noise::{Noise, NoiseModel};
use super::psf::{MOFFAT_BETA_ATMOSPHERE, Psf};
use super::voronoi::voronoi_bins;
use super::{TelescopeError, positive};
use crate::observe::ProjectionMaps;
use crate::upload::resample::resample_flux;

/// Instrumental dispersion (km/s) of a MaNGA-like spectrograph (R ≈ 2000).
pub const SIGMA_INSTR_KMS: f64 = 60.0;

/// The conditions of one observation, in physical units of the galaxy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conditions {
    /// Seeing FWHM in kpc at the galaxy (0: none).
    pub psf_fwhm_kpc: f64,
    /// Moffat β of the PSF; `None`: a Gaussian.
    pub moffat_beta: Option<f64>,
    /// Pixel noise; `None`: noiseless maps and exact kinematics.
    pub noise: Option<Noise>,
    /// IFU footprint covering this many R_e (its inscribed radius); `None`: the whole map.
    pub ifu_re: Option<f64>,
    /// Position angle of the footprint, degrees.
    pub ifu_pa_deg: f64,
    /// Voronoi-bin the kinematics to this S/N (needs `noise`); `None`: per pixel.
    pub voronoi_snr: Option<f64>,
    /// Instrumental dispersion in km/s for the velocity errors.
    pub sigma_instr_kms: f64,
}

impl Default for Conditions {
    fn default() -> Self {
        Self {
            psf_fwhm_kpc: 0.0,
            moffat_beta: Some(MOFFAT_BETA_ATMOSPHERE),
            noise: None,
            ifu_re: None,
            ifu_pa_deg: 0.0,
            voronoi_snr: None,
            sigma_instr_kms: SIGMA_INSTR_KMS,
        }
    }
}

impl Conditions {
    /// Checks every value; errors name the value (TelescopeError::Invalid).
    pub fn check(&self) -> Result<(), TelescopeError> {
        if !(self.psf_fwhm_kpc.is_finite() && self.psf_fwhm_kpc >= 0.0) {
            return Err(TelescopeError::Invalid {
                what: "psf_fwhm_kpc",
                value: self.psf_fwhm_kpc,
                why: "must be a finite number ≥ 0",
            });
        }
        if let Some(n) = &self.noise {
            n.check()?;
        }
        if let Some(k) = self.ifu_re {
            positive("ifu_re", k)?;
        }
        if let Some(t) = self.voronoi_snr {
            positive("voronoi_snr", t)?;
            if self.noise.is_none() {
                return Err(TelescopeError::Invalid {
                    what: "voronoi_snr",
                    value: t,
                    why: "binning to a S/N needs noise: give the S/N at R_e too",
                });
            }
        }
        positive("sigma_instr_kms", self.sigma_instr_kms)?;
        Ok(())
    }

    /// The PSF in pixels of `pixel_kpc`, if there is seeing.
    fn psf(&self, pixel_kpc: f64) -> Option<Psf> {
        (self.psf_fwhm_kpc > 0.0).then(|| {
            let fwhm_px = self.psf_fwhm_kpc / pixel_kpc;
            match self.moffat_beta {
                Some(beta) => Psf::Moffat { fwhm_px, beta },
                None => Psf::Gaussian { fwhm_px },
            }
        })
    }
}

/// Observing conditions drawn per sample from ranges, in units of each galaxy's R_e, so one
/// model can learn a range of seeing and depth.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConditionRanges {
    /// Seeing FWHM in units of R_e, drawn uniformly in [min, max]; (0, 0): no seeing.
    pub psf_fwhm_re: (f64, f64),
    /// Moffat β of the PSF; `None`: a Gaussian.
    pub moffat_beta: Option<f64>,
    /// S/N of a pixel at R_e, drawn log-uniformly in [min, max]; `None`: noiseless.
    pub snr_re: Option<(f64, f64)>,
    /// Sky brightness in units of the galaxy's at R_e.
    pub sky_over_re: f64,
    /// IFU footprint covering this many R_e (position angle uniform in [0°, 60°)).
    pub ifu_re: Option<f64>,
    /// Voronoi-bin the kinematics to this S/N.
    pub voronoi_snr: Option<f64>,
    /// Instrumental dispersion, km/s.
    pub sigma_instr_kms: f64,
}

impl ConditionRanges {
    /// The paper's ideal maps: no seeing, no noise, the whole map, unbinned kinematics (the
    /// PSF shape, sky and instrument as in [`Self::manga`], for when seeing or noise is set).
    pub fn ideal() -> Self {
        Self {
            psf_fwhm_re: (0.0, 0.0),
            snr_re: None,
            ifu_re: None,
            voronoi_snr: None,
            ..Self::manga()
        }
    }

    /// One stated observation: a Moffat seeing of `seeing_re` R_e FWHM and, if given, an
    /// S/N `snr_re` per pixel at R_e; no footprint, unbinned.
    pub fn point(seeing_re: f64, snr_re: Option<f64>) -> Self {
        Self {
            psf_fwhm_re: (seeing_re, seeing_re),
            snr_re: snr_re.map(|x| (x, x)),
            ..Self::ideal()
        }
    }

    /// MaNGA-like conditions (issue 16's goal): seeing 2.5″ FWHM, which for MaNGA galaxies
    /// (R_e ≈ 3–8″) is 0.3–0.8 R_e; S/N 20 at R_e; a bundle covering 1.5 R_e; kinematics
    /// binned to S/N 10.
    pub fn manga() -> Self {
        Self {
            psf_fwhm_re: (0.3, 0.8),
            moffat_beta: Some(MOFFAT_BETA_ATMOSPHERE),
            snr_re: Some((20.0, 20.0)),
            sky_over_re: 1.0,
            ifu_re: Some(1.5),
            voronoi_snr: Some(10.0),
            sigma_instr_kms: SIGMA_INSTR_KMS,
        }
    }

    /// Checks every range (finite, min ≤ max, the values as [`Conditions::check`] wants).
    pub fn check(&self) -> Result<(), TelescopeError> {
        let (a, b) = self.psf_fwhm_re;
        if !(a.is_finite() && b.is_finite() && a >= 0.0 && b >= a) {
            return Err(TelescopeError::Invalid {
                what: "psf_fwhm_re",
                value: if a.is_finite() && a >= 0.0 { b } else { a },
                why: "must be finite, ≥ 0, min ≤ max",
            });
        }
        if let Some((a, b)) = self.snr_re {
            positive("snr_re", a)?;
            if !(b.is_finite() && b >= a) {
                return Err(TelescopeError::Invalid {
                    what: "snr_re",
                    value: b,
                    why: "the range's max must be finite and ≥ its min",
                });
            }
        }
        // The rest as one observation checks it.
        self.draw_with(1.0, 0.5, 0.5, 0.0).check()
    }

    /// Draws one observation's conditions for a galaxy of R_e `re_kpc`.
    pub fn draw(&self, re_kpc: f64, rng: &mut impl Rng) -> Conditions {
        let (u1, u2, u3): (f64, f64, f64) = (rng.random(), rng.random(), rng.random());
        self.draw_with(re_kpc, u1, u2, 60.0 * u3)
    }

    fn draw_with(&self, re_kpc: f64, u_psf: f64, u_snr: f64, pa_deg: f64) -> Conditions {
        let (a, b) = self.psf_fwhm_re;
        Conditions {
            psf_fwhm_kpc: (a + u_psf * (b - a)) * re_kpc,
            moffat_beta: self.moffat_beta,
            noise: self.snr_re.map(|(lo, hi)| Noise {
                snr_re: (lo.ln() + u_snr * (hi.ln() - lo.ln())).exp(),
                sky_over_re: self.sky_over_re,
            }),
            ifu_re: self.ifu_re,
            ifu_pa_deg: pa_deg,
            voronoi_snr: self.voronoi_snr,
            sigma_instr_kms: self.sigma_instr_kms,
        }
    }
}

/// Why maps observed under `maps` (`None`: ideal) lie outside what a model trained under
/// `model` (`None`: ideal) has seen, one phrase per difference; empty when they lie inside.
/// For warnings, not refusals: a model still predicts, less well (docs/observing.md).
pub fn outside_training(
    model: Option<&ConditionRanges>,
    maps: Option<&ConditionRanges>,
) -> Vec<String> {
    let ideal = ConditionRanges::ideal();
    let (m, d) = (model.unwrap_or(&ideal), maps.unwrap_or(&ideal));
    let mut why = Vec::new();
    let fmt = |(a, b): (f64, f64)| {
        if a == b {
            format!("{a}")
        } else {
            format!("{a}–{b}")
        }
    };
    if d.psf_fwhm_re.0 < m.psf_fwhm_re.0 - 1e-9 || d.psf_fwhm_re.1 > m.psf_fwhm_re.1 + 1e-9 {
        why.push(format!(
            "seeing FWHM {} R_e, the model learned {} R_e",
            fmt(d.psf_fwhm_re),
            fmt(m.psf_fwhm_re)
        ));
    }
    match (m.snr_re, d.snr_re) {
        (None, Some(s)) => why.push(format!(
            "noise (S/N {} at R_e), the model learned noiseless maps",
            fmt(s)
        )),
        (Some(s), None) => why.push(format!(
            "noiseless maps, the model learned S/N {} at R_e",
            fmt(s)
        )),
        (Some(a), Some(b)) if b.0 < a.0 * (1.0 - 1e-9) || b.1 > a.1 * (1.0 + 1e-9) => {
            why.push(format!(
                "S/N {} at R_e, the model learned {}",
                fmt(b),
                fmt(a)
            ));
        }
        _ => {}
    }
    if m.ifu_re != d.ifu_re {
        let k = |x: Option<f64>| {
            x.map_or("the whole map".to_string(), |k| {
                format!("an IFU of {k} R_e")
            })
        };
        why.push(format!(
            "{}, the model learned {}",
            k(d.ifu_re),
            k(m.ifu_re)
        ));
    }
    if m.voronoi_snr != d.voronoi_snr {
        let v = |x: Option<f64>| {
            x.map_or("unbinned kinematics".to_string(), |t| {
                format!("kinematics binned to S/N {t}")
            })
        };
        why.push(format!(
            "{}, the model learned {}",
            v(d.voronoi_snr),
            v(m.voronoi_snr)
        ));
    }
    why
}

/// What the conditions did to one projection.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ObservedReport {
    /// R_e in light-map pixels.
    pub re_px: f64,
    /// PSF FWHM in light-map pixels (0: none).
    pub psf_fwhm_px: f64,
    /// Kinematic bins (Voronoi bins, or unmasked pixels).
    pub kin_bins: usize,
    /// Median S/N of the kinematic bins (∞ without noise).
    pub kin_snr_median: f64,
    /// Kinematic pixels with data after the conditions.
    pub kin_pixels: usize,
}

/// `maps` as observed under `c` for a galaxy of projected half-light radius `re_kpc`, with
/// the random draws from `rng` (module documentation).
pub fn apply_conditions(
    maps: &ProjectionMaps,
    re_kpc: f64,
    c: &Conditions,
    rng: &mut impl Rng,
) -> Result<(ProjectionMaps, ObservedReport), TelescopeError> {
    c.check()?;
    positive("re_kpc", re_kpc)?;
    let (s, k) = (maps.image_size, maps.kin_size);
    for (what, len, want) in [
        ("r", maps.r.len(), s * s),
        ("g", maps.g.len(), s * s),
        ("vel", maps.vel.len(), 2 * k * k),
        ("vel_mask", maps.vel_mask.len(), k * k),
    ] {
        if len != want {
            return Err(TelescopeError::Shape {
                what,
                len,
                expected: want,
            });
        }
    }
    let px = maps.pixel_kpc;
    let kin_px = px * s as f64 / k as f64;
    let mut out = maps.clone();
    let mut report = ObservedReport {
        re_px: re_kpc / px,
        kin_snr_median: f64::INFINITY,
        ..Default::default()
    };
    let kin_light = |r: &[f32]| -> Result<Vec<f64>, TelescopeError> {
        resample_flux(r, s, k)
            .map(|v| v.into_iter().map(f64::from).collect())
            .map_err(|_| TelescopeError::Shape {
                what: "r",
                len: r.len(),
                expected: s * s,
            })
    };
    // 1. Seeing.
    if let Some(psf) = c.psf(px) {
        report.psf_fwhm_px = psf.fwhm_px();
        let kernel = psf.kernel()?;
        out.r = kernel.convolve_f32(&maps.r, s);
        out.g = kernel.convolve_f32(&maps.g, s);
        let kin_psf = c.psf(kin_px).map(|p| p.kernel()).transpose()?;
        if let Some(kk) = kin_psf {
            let light = kin_light(&maps.r)?;
            let (v, sig, m) = kk.convolve_kinematics(
                &light,
                &maps.vel[..k * k],
                &maps.vel[k * k..],
                &maps.vel_mask,
                k,
            );
            out.vel = [v, sig].concat();
            out.vel_mask = m;
        }
    }
    // 2. The footprint.
    if let Some(kre) = c.ifu_re {
        let light = Hexagon {
            inscribed_px: kre * re_kpc / px,
            pa_deg: c.ifu_pa_deg,
        }
        .mask(s);
        for (p, &m) in light.iter().enumerate() {
            if m == 0 {
                out.r[p] = 0.0;
                out.g[p] = 0.0;
            }
        }
        let kin = Hexagon {
            inscribed_px: kre * re_kpc / kin_px,
            pa_deg: c.ifu_pa_deg,
        }
        .mask(k);
        for (p, &m) in kin.iter().enumerate() {
            if m == 0 {
                out.vel_mask[p] = 0;
            }
        }
    }
    // 3. Detector noise, then 4. the kinematics as measured.
    if let Some(noise) = &c.noise {
        let inside = out.r.iter().map(|&v| v != 0.0).collect::<Vec<_>>();
        let model_r = NoiseModel::new(noise, &out.r, s, report.re_px)?;
        let model_g = NoiseModel::new(noise, &out.g, s, report.re_px)?;
        let signal = kin_light(&out.r)?;
        let var: Vec<f32> = out
            .r
            .iter()
            .map(|&v| model_r.sigma(f64::from(v)).powi(2) as f32)
            .collect();
        let kin_var = kin_light(&var)?;
        let (r, _) = model_r.apply(&out.r, rng);
        let (g, _) = model_g.apply(&out.g, rng);
        // Outside the footprint there is no detector.
        let keep = |a: Vec<f32>| -> Vec<f32> {
            if c.ifu_re.is_some() {
                a.into_iter()
                    .zip(&inside)
                    .map(|(v, &i)| if i { v } else { 0.0 })
                    .collect()
            } else {
                a
            }
        };
        out.r = keep(r);
        out.g = keep(g);
        measure_kinematics(&mut out, &signal, &kin_var, c, rng, &mut report);
    } else {
        report.kin_bins = out.vel_mask.iter().filter(|&&m| m != 0).count();
    }
    report.kin_pixels = out.vel_mask.iter().filter(|&&m| m != 0).count();
    Ok((out, report))
}

/// Step 4: S/N per kinematic pixel, optional Voronoi binning, errors drawn per bin.
fn measure_kinematics(
    out: &mut ProjectionMaps,
    signal: &[f64],
    var: &[f64],
    c: &Conditions,
    rng: &mut impl Rng,
    report: &mut ObservedReport,
) {
    let k = out.kin_size;
    let pixels: Vec<usize> = (0..k * k)
        .filter(|&p| out.vel_mask[p] != 0 && signal[p] > 0.0 && var[p] > 0.0)
        .collect();
    let noise: Vec<f64> = pixels.iter().map(|&p| var[p].sqrt()).collect();
    let sig: Vec<f64> = pixels.iter().map(|&p| signal[p]).collect();
    let (bin_of, n_bins, snr) = match c.voronoi_snr {
        Some(t) => {
            let xy: Vec<[f64; 2]> = pixels
                .iter()
                .map(|&p| [(p % k) as f64, (p / k) as f64])
                .collect();
            let v = voronoi_bins(&xy, &sig, &noise, t);
            (v.bin_of, v.n_bins, v.snr)
        }
        None => {
            let snr = sig.iter().zip(&noise).map(|(s, n)| s / n).collect();
            ((0..pixels.len()).collect(), pixels.len(), snr)
        }
    };
    // Light-weighted moments per bin.
    let (v0, s0) = out.vel.split_at(k * k);
    let mut mom = vec![[0.0f64; 3]; n_bins];
    for (i, &p) in pixels.iter().enumerate() {
        let (v, s, l) = (f64::from(v0[p]), f64::from(s0[p]), sig[i]);
        let m = &mut mom[bin_of[i]];
        m[0] += l;
        m[1] += l * v;
        m[2] += l * (s * s + v * v);
    }
    let drawn: Vec<Option<(f64, f64)>> = mom
        .iter()
        .zip(&snr)
        .map(|(m, &sn)| {
            if !(sn >= 1.0 && m[0] > 0.0) {
                return None;
            }
            let v = m[1] / m[0];
            let s = (m[2] / m[0] - v * v).max(0.0).sqrt();
            let dv = s.hypot(c.sigma_instr_kms) / sn;
            let (zv, zs): (f64, f64) = (StandardNormal.sample(rng), StandardNormal.sample(rng));
            Some((v + dv * zv, (s + dv / 2f64.sqrt() * zs).max(0.0)))
        })
        .collect();
    let mut vel = vec![0f32; 2 * k * k];
    let mut mask = vec![0u8; k * k];
    for (i, &p) in pixels.iter().enumerate() {
        if let Some((v, s)) = drawn[bin_of[i]] {
            vel[p] = v as f32;
            vel[k * k + p] = s as f32;
            mask[p] = 1;
        }
    }
    out.vel = vel;
    out.vel_mask = mask;
    report.kin_bins = drawn.iter().filter(|d| d.is_some()).count();
    let mut s: Vec<f64> = snr.into_iter().filter(|x| *x >= 1.0).collect();
    s.sort_by(f64::total_cmp);
    report.kin_snr_median = s.get(s.len() / 2).copied().unwrap_or(0.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::galaxy::Axis;
    use crate::mock::{MockOptions, Overrides, generate_with};
    use crate::observe::{ObserveOptions, observe};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn ideal() -> (ProjectionMaps, f64) {
        let g = generate_with(5, 0, &MockOptions::default(), &Overrides::default()).galaxy;
        let m = crate::measure::measure(&g, &crate::measure::MeasureOptions::default()).unwrap();
        let opts = ObserveOptions {
            image_size: 60,
            ..Default::default()
        };
        let maps = observe(&g, Axis::Z, m.rhsm_kpc, &opts).unwrap();
        let re = super::super::half_light_radius(&maps.r, 60, maps.pixel_kpc).unwrap();
        (maps, re)
    }

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(7)
    }

    #[test]
    fn no_conditions_leave_the_maps_as_they_are() {
        let (maps, re) = ideal();
        let c = Conditions::default();
        let (out, rep) = apply_conditions(&maps, re, &c, &mut rng()).unwrap();
        assert_eq!(out, maps);
        assert_eq!(
            rep.kin_pixels,
            maps.vel_mask.iter().filter(|&&m| m != 0).count()
        );
    }

    #[test]
    fn manga_like_conditions_blur_mask_and_bin_reproducibly() {
        let (maps, re) = ideal();
        let c = Conditions {
            psf_fwhm_kpc: 0.5 * re,
            noise: Some(Noise::at_snr(20.0)),
            ifu_re: Some(1.5),
            voronoi_snr: Some(10.0),
            ..Default::default()
        };
        let (a, rep) = apply_conditions(&maps, re, &c, &mut rng()).unwrap();
        let (b, _) = apply_conditions(&maps, re, &c, &mut rng()).unwrap();
        assert_eq!(a, b, "same seed, same observation");
        // Nothing outside the footprint: its corners are dark and without kinematics.
        assert_eq!((a.r[0], a.g[0], a.vel_mask[0]), (0.0, 0.0, 0));
        // Inside, the kinematics are measured in fewer bins than pixels.
        assert!(rep.kin_bins > 3 && rep.kin_bins < rep.kin_pixels, "{rep:?}");
        assert!(rep.kin_snr_median >= 8.0, "{rep:?}");
        // The seeing spreads the centre's light: the peak drops.
        let peak = |m: &[f32]| m.iter().copied().fold(0f32, f32::max);
        assert!(peak(&a.r) < 0.9 * peak(&maps.r));
        let (_, rep2) = apply_conditions(&maps, re, &c, &mut ChaCha8Rng::seed_from_u64(8)).unwrap();
        assert_eq!(
            rep2.kin_bins, rep.kin_bins,
            "binning depends on the noise model, not the draw"
        );
    }

    #[test]
    fn maps_outside_the_training_conditions_are_named() {
        let manga = ConditionRanges::manga();
        assert!(outside_training(None, None).is_empty());
        assert!(outside_training(Some(&manga), Some(&manga)).is_empty());
        let ideal_model = outside_training(None, Some(&manga));
        assert_eq!(ideal_model.len(), 4, "{ideal_model:?}");
        assert!(ideal_model[0].starts_with("seeing FWHM 0.3–0.8 R_e, the model learned 0 R_e"));
        let worse = ConditionRanges {
            psf_fwhm_re: (0.5, 1.2),
            snr_re: Some((5.0, 5.0)),
            ..manga
        };
        let w = outside_training(Some(&manga), Some(&worse));
        assert_eq!(
            w,
            [
                "seeing FWHM 0.5–1.2 R_e, the model learned 0.3–0.8 R_e",
                "S/N 5 at R_e, the model learned 20"
            ]
        );
        // Inside the ranges: nothing to say.
        let inside = ConditionRanges {
            psf_fwhm_re: (0.4, 0.6),
            ..manga
        };
        assert!(outside_training(Some(&manga), Some(&inside)).is_empty());
    }

    #[test]
    fn bad_conditions_are_named() {
        let (maps, re) = ideal();
        let cases = [
            (
                Conditions {
                    psf_fwhm_kpc: -1.0,
                    ..Default::default()
                },
                "psf_fwhm_kpc = -1",
            ),
            (
                Conditions {
                    psf_fwhm_kpc: f64::NAN,
                    ..Default::default()
                },
                "psf_fwhm_kpc = NaN",
            ),
            (
                Conditions {
                    noise: Some(Noise::at_snr(0.0)),
                    ..Default::default()
                },
                "snr_re = 0",
            ),
            (
                Conditions {
                    voronoi_snr: Some(10.0),
                    ..Default::default()
                },
                "voronoi_snr = 10",
            ),
            (
                Conditions {
                    ifu_re: Some(0.0),
                    ..Default::default()
                },
                "ifu_re = 0",
            ),
        ];
        for (c, want) in cases {
            let e = apply_conditions(&maps, re, &c, &mut rng()).unwrap_err();
            assert!(e.to_string().starts_with(want), "{e} (wanted {want})");
        }
        // An R_e that puts the light at R_e outside the image.
        let c = Conditions {
            noise: Some(Noise::at_snr(20.0)),
            ..Default::default()
        };
        let e = apply_conditions(&maps, 100.0 * re, &c, &mut rng()).unwrap_err();
        assert!(e.to_string().starts_with("re_px = "), "{e}");
    }
}
