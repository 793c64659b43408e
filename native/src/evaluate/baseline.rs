//! The power-law baseline of the paper's Fig. 6 (bottom): log10 M = a + b log10 L_r, fitted
//! by least squares on the training and validation splits and applied to the test split.
//! L_r (L☉) comes from the absolute r magnitude: log10 L_r = (M☉,r − M_r) / 2.5.

use std::path::Path;

use anyhow::Result;
use galmass_core::units::MSUN_R;
use serde::{Deserialize, Serialize};

use super::Evaluated;
use crate::BadInput;
use crate::dataset::reader::DatasetReader;
use crate::stats::fit_line;

/// A fitted power law and its test residuals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PowerLaw {
    /// Always `power_law`.
    pub model: String,
    /// The regressor, `log10 L_r`.
    pub x: String,
    /// Target (log10 column of `/targets`).
    pub target: String,
    /// Intercept a (log10 of the target at L_r = 1 L☉).
    pub intercept: f64,
    /// Slope b (power-law index).
    pub slope: f64,
    /// Samples of splits 0 + 1 the fit used.
    pub n_fit: usize,
    /// Test samples (split 2).
    pub n_test: usize,
    /// Mean of log10(pred/true) on the test split, dex.
    pub mean_dex: f64,
    /// Standard deviation of log10(pred/true) on the test split, dex.
    pub sigma_dex: f64,
}

/// Fits the power law of `target` on luminosity in `data` and evaluates it on the test
/// split. Samples with a non-finite magnitude or target are left out.
pub fn power_law(data: &Path, target: &str) -> Result<(PowerLaw, Evaluated)> {
    let r = DatasetReader::open(data)?;
    let mr: Vec<f64> = r.column("features/mr")?;
    let y: Vec<f64> = r
        .column(&format!("targets/{target}"))
        .map_err(|_| BadInput(format!("{}: no /targets/{target}", data.display())))?;
    let split: Vec<u8> = r.column("meta/split")?;
    let log_l = |m: f64| (MSUN_R - m) / 2.5;
    let (mut fx, mut fy, mut tx, mut ty) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..mr.len().min(y.len()).min(split.len()) {
        if !(mr[i].is_finite() && y[i].is_finite()) {
            continue;
        }
        if split[i] == 2 {
            tx.push(log_l(mr[i]));
            ty.push(y[i]);
        } else {
            fx.push(log_l(mr[i]));
            fy.push(y[i]);
        }
    }
    let fit = fit_line(&fx, &fy).ok_or_else(|| {
        BadInput(format!(
            "{}: cannot fit log10 {target} on log10 L_r ({} training samples)",
            data.display(),
            fx.len()
        ))
    })?;
    let pred: Vec<f64> = tx.iter().map(|x| fit.intercept + fit.slope * x).collect();
    let ev = Evaluated::new("power_law", "log10 L_r", target, ty, pred)?;
    let pl = PowerLaw {
        model: "power_law".to_string(),
        x: "log10 L_r".to_string(),
        target: target.to_string(),
        intercept: fit.intercept,
        slope: fit.slope,
        n_fit: fx.len(),
        n_test: ev.row.n_test,
        mean_dex: ev.row.mean_dex,
        sigma_dex: ev.row.sigma_dex,
    };
    Ok((pl, ev))
}
