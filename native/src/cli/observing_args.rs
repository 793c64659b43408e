//! Command-line flags for observing conditions (`galmass_core::telescope`, beyond the
//! paper): seeing, noise, an IFU footprint and Voronoi binning, drawn per sample from ranges
//! in units of each galaxy's R_e. Absent flags: the paper's ideal maps.

use anyhow::Result;
use clap::{Args, ValueEnum};
use galmass::BadInput;
use galmass_core::telescope::ConditionRanges;

/// A named set of conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    /// MaNGA-like: Moffat seeing of 0.3–0.8 R_e FWHM (2.5″ for R_e of 3–8″), S/N 20 per pixel
    /// at R_e, a hexagonal IFU covering 1.5 R_e, kinematics Voronoi-binned to S/N 10
    Manga,
}

/// How the maps are observed (`dataset build`).
#[derive(Args, Debug, Clone, Default)]
pub struct ObservingArgs {
    /// Observe the maps as a survey would (beyond the paper); the flags below change single
    /// parts of it, or give conditions without a preset
    #[arg(long, value_enum, value_name = "PRESET")]
    pub conditions: Option<PresetArg>,
    /// Seeing FWHM in units of each galaxy's R_e: a value, or MIN:MAX drawn uniformly per sample
    #[arg(long, value_name = "X|MIN:MAX", allow_hyphen_values = true)]
    pub psf_fwhm_re: Option<String>,
    /// A Gaussian PSF instead of a Moffat one
    #[arg(long)]
    pub gaussian_psf: bool,
    /// Moffat β of the PSF (Trujillo et al. 2001: 4.765)
    #[arg(long, value_name = "BETA", allow_hyphen_values = true)]
    pub moffat_beta: Option<f64>,
    /// S/N of one light-map pixel at R_e: a value, or MIN:MAX drawn log-uniformly per sample
    #[arg(long, value_name = "X|MIN:MAX", allow_hyphen_values = true)]
    pub snr_re: Option<String>,
    /// Keep only a hexagonal IFU footprint covering K R_e (MaNGA: 1.5 or 2.5)
    #[arg(long, value_name = "K", allow_hyphen_values = true)]
    pub ifu_re: Option<f64>,
    /// Voronoi-bin the kinematics to this S/N (Cappellari & Copin 2003); needs noise
    #[arg(long, value_name = "SNR", allow_hyphen_values = true)]
    pub voronoi_snr: Option<f64>,
}

/// `X` or `MIN:MAX` as (min, max); errors name the flag.
fn range(flag: &str, text: &str) -> Result<(f64, f64)> {
    let num = |t: &str| -> Result<f64> {
        t.trim().parse::<f64>().map_err(|_| {
            BadInput(format!(
                "{flag}: `{}` is not a number (give X or MIN:MAX)",
                t.trim()
            ))
            .into()
        })
    };
    match text.split_once(':') {
        Some((a, b)) => Ok((num(a)?, num(b)?)),
        None => {
            let x = num(text)?;
            Ok((x, x))
        }
    }
}

impl ObservingArgs {
    /// The conditions asked for, checked; `None` when no flag asks for any. A bad value is
    /// [`BadInput`] naming it.
    pub fn ranges(&self) -> Result<Option<ConditionRanges>> {
        let any = self.conditions.is_some()
            || self.psf_fwhm_re.is_some()
            || self.snr_re.is_some()
            || self.ifu_re.is_some()
            || self.voronoi_snr.is_some();
        if !any {
            return Ok(None);
        }
        let mut c = match self.conditions {
            Some(PresetArg::Manga) => ConditionRanges::manga(),
            None => ConditionRanges::ideal(),
        };
        if let Some(t) = &self.psf_fwhm_re {
            c.psf_fwhm_re = range("--psf-fwhm-re", t)?;
        }
        if let Some(b) = self.moffat_beta {
            c.moffat_beta = Some(b);
        }
        if self.gaussian_psf {
            c.moffat_beta = None;
        }
        if let Some(t) = &self.snr_re {
            c.snr_re = Some(range("--snr-re", t)?);
        }
        if let Some(k) = self.ifu_re {
            c.ifu_re = Some(k);
        }
        if let Some(t) = self.voronoi_snr {
            c.voronoi_snr = Some(t);
        }
        c.check()
            .map_err(|e| BadInput(format!("observing conditions: {e}")))?;
        Ok(Some(c))
    }
}
