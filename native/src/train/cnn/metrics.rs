//! What a finished run reports: the test-split residuals log10(pred/true) per target (mean
//! and standard deviation in dex, the paper's metric), `METRICS.json`, `curves.csv` and the
//! test predictions.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::checkpoint::Curves;
use crate::atomic::write_atomic;
use crate::stats::offset_mean_sigma;

/// Mean and standard deviation (population, 1σ) of log10(pred/true) in dex.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Residual {
    /// Mean of pred − true (dex).
    pub mean_dex: f64,
    /// Standard deviation of pred − true (dex).
    pub sigma_dex: f64,
}

/// Residual statistics of `pred` against `truth` (both log10): the paper's mean ± 1σ of
/// log10(pred/true) ([`offset_mean_sigma`], the one implementation every model's metric
/// uses); NaN when there is nothing finite to compare (an empty split, a diverged network).
pub fn residual(pred: &[f64], truth: &[f64]) -> Residual {
    let (mean_dex, sigma_dex) = offset_mean_sigma(pred, truth).unwrap_or((f64::NAN, f64::NAN));
    Residual {
        mean_dex,
        sigma_dex,
    }
}

/// Loss curves for METRICS.json.
#[derive(Clone, Debug, Serialize)]
pub struct CurvesOut {
    /// Training MSE per epoch.
    pub train_loss: Vec<f64>,
    /// Validation MSE per epoch.
    pub val_loss: Vec<f64>,
}

/// The METRICS.json document of `train cnn` (the shape of `train gbdt`'s).
#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    /// Always `"cnn"`.
    pub model: &'static str,
    /// Input names in branch order.
    pub inputs: Vec<String>,
    /// Target names.
    pub targets: Vec<String>,
    /// Test-split residuals per target, from the best epoch's model.
    pub per_target: BTreeMap<String, Residual>,
    /// Training samples.
    pub n_train: usize,
    /// Validation samples.
    pub n_val: usize,
    /// Test samples.
    pub n_test: usize,
    /// Epochs run.
    pub epochs: usize,
    /// 1-based epoch of the lowest validation loss (the saved model).
    pub best_epoch: usize,
    /// Wall time of training (all epochs, including validation), seconds.
    pub train_seconds: f64,
    /// Device label.
    pub device: String,
    /// Loss curves.
    pub curves: CurvesOut,
}

/// Writes `METRICS.json` into `dir`.
pub fn write_metrics(dir: &Path, m: &Metrics) -> Result<()> {
    write_atomic(&dir.join("METRICS.json"), &serde_json::to_vec_pretty(m)?)
}

/// Writes `curves.csv` (`epoch,train_loss,val_loss,lr,seconds`, epochs 1-based) into `dir`.
pub fn write_curves(dir: &Path, c: &Curves) -> Result<()> {
    let mut s = String::from("epoch,train_loss,val_loss,lr,seconds\n");
    for k in 0..c.train_loss.len() {
        s.push_str(&format!(
            "{},{},{},{},{}\n",
            k + 1,
            c.train_loss[k],
            c.val_loss.get(k).copied().unwrap_or(f64::NAN),
            c.lr.get(k).copied().unwrap_or(f64::NAN),
            c.seconds.get(k).copied().unwrap_or(f64::NAN)
        ));
    }
    write_atomic(&dir.join("curves.csv"), s.as_bytes())
}

/// Writes `test_predictions.csv` (`index,<t>_true,<t>_pred,…`) into `dir`.
pub fn write_predictions(
    dir: &Path,
    targets: &[String],
    indices: &[usize],
    truth: &[Vec<f64>],
    pred: &[Vec<f64>],
) -> Result<()> {
    let mut s = String::from("index");
    for t in targets {
        s.push_str(&format!(",{t}_true,{t}_pred"));
    }
    s.push('\n');
    for (k, i) in indices.iter().enumerate() {
        s.push_str(&i.to_string());
        for t in 0..targets.len() {
            s.push_str(&format!(",{},{}", truth[t][k], pred[t][k]));
        }
        s.push('\n');
    }
    write_atomic(&dir.join("test_predictions.csv"), s.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn residual_mean_and_sigma() {
        let r = residual(&[1.1, 2.1, 2.9, 4.1], &[1.0, 2.0, 3.0, 4.0]);
        assert!((r.mean_dex - 0.05).abs() < 1e-12);
        // d = 0.1, 0.1, −0.1, 0.1: σ² = mean((d − 0.05)²) = (3·0.0025 + 0.0225)/4 = 0.0075.
        assert!((r.sigma_dex - 0.0075f64.sqrt()).abs() < 1e-12);
    }
}
