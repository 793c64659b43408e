//! Evaluation on the test split (split 2): the paper's metric, mean ± σ of log10(pred/true)
//! in dex, for trained CNNs, exported bundles and the power-law baseline; the report rows
//! (docs/contracts/reports.md "Reports", **contract**) and the predicted-vs-true figures.

mod baseline;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use serde::{Deserialize, Serialize};

pub use baseline::{PowerLaw, power_law};

use crate::BadInput;
use crate::bundle_io::predict::{derived_log_fdm, predict_dataset};
use crate::bundle_io::read_bundle;
use crate::cnn::device::choose;
use crate::cnn::infer::{load_trained, predict};
use crate::figures;
use crate::stats::offset_mean_sigma;
use crate::train::cnn::DeviceChoice;
use crate::train::gbdt::target_label;

/// One row of a report (`report.json` `rows`, **contract**): a model's test-split residuals
/// log10(pred/true) for one target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    /// `cnn`, `gbdt` or `power_law`.
    pub model: String,
    /// What the model reads: CNN input maps (`r,vel`), GBDT feature set (`default`, `no-mr`).
    pub inputs: String,
    /// Target (log10 column of `/targets`), or `fdm_derived` for f_DM from predicted M*, Mtot.
    pub target: String,
    /// Always `test` (split 2).
    pub split: String,
    /// Test samples the statistics are over.
    pub n_test: usize,
    /// Mean of log10(pred/true), dex.
    pub mean_dex: f64,
    /// Standard deviation (1/N) of log10(pred/true), dex.
    pub sigma_dex: f64,
}

/// A row with the values behind it (for figures).
#[derive(Clone, Debug)]
pub struct Evaluated {
    /// The statistics.
    pub row: ReportRow,
    /// True log10 values of the test samples.
    pub truth: Vec<f64>,
    /// Predicted log10 values, same order.
    pub pred: Vec<f64>,
}

impl Evaluated {
    /// Builds the row from paired values; [`BadInput`] when nothing finite is left.
    pub fn new(
        model: &str,
        inputs: &str,
        target: &str,
        truth: Vec<f64>,
        pred: Vec<f64>,
    ) -> Result<Self> {
        let (t, p): (Vec<f64>, Vec<f64>) = truth
            .into_iter()
            .zip(pred)
            .filter(|(t, p)| t.is_finite() && p.is_finite())
            .unzip();
        let (mean_dex, sigma_dex) = offset_mean_sigma(&p, &t).ok_or_else(|| {
            BadInput(format!(
                "{model} ({inputs}) → {target}: no finite test prediction"
            ))
        })?;
        Ok(Evaluated {
            row: ReportRow {
                model: model.to_string(),
                inputs: inputs.to_string(),
                target: target.to_string(),
                split: "test".to_string(),
                n_test: t.len(),
                mean_dex,
                sigma_dex,
            },
            truth: t,
            pred: p,
        })
    }

    /// Draws the predicted-vs-true figure (Figs 6–9 style) into `path`.
    pub fn draw(&self, path: &Path, title: &str) -> Result<()> {
        let quantity = if self.row.target == "fdm_derived" {
            format!("{} (from M*, Mtot)", target_label("fdm"))
        } else {
            target_label(&self.row.target)
        };
        figures::scatter::draw(
            path,
            &self.truth,
            &self.pred,
            &figures::scatter::Labels {
                quantity,
                title: format!("{title}, test split (n = {})", self.row.n_test),
            },
        )
    }
}

/// The joint-model row: f_DM = 1 − M*/Mtot from the predicted M* and Mtot against the true
/// f_DM (log10). Samples where the predicted M* ≥ Mtot have no derived f_DM and are left
/// out (their count is returned).
pub fn derived_fdm(
    inputs: &str,
    mstar: &[f64],
    mtot: &[f64],
    true_fdm: &[f64],
) -> Result<(Evaluated, usize)> {
    let mut truth = Vec::new();
    let mut pred = Vec::new();
    let mut dropped = 0;
    for ((&s, &t), &f) in mstar.iter().zip(mtot).zip(true_fdm) {
        match derived_log_fdm(s, t) {
            Some(p) => {
                pred.push(p);
                truth.push(f);
            }
            None => dropped += 1,
        }
    }
    Ok((
        Evaluated::new("cnn", inputs, "fdm_derived", truth, pred)?,
        dropped,
    ))
}

/// Re-runs the trained CNN of run directory `dir` on the test split of `data` (on `device`):
/// one row per target, plus the derived f_DM row when it predicts both mstar and mtot.
pub fn evaluate_cnn(dir: &Path, data: &Path, device: DeviceChoice) -> Result<Vec<Evaluated>> {
    let chosen = choose(device)?;
    let (desc, model) = load_trained(dir, &chosen.device)?;
    let cnn_data = Arc::new(desc.open_data(data)?);
    let test = cnn_data.splits[2].clone();
    let (_, pred) = predict(&model, &cnn_data, &test, 16, &chosen.device)?;
    let inputs: Vec<&str> = desc
        .config
        .branches
        .iter()
        .map(|b| b.input.name())
        .collect();
    let inputs = inputs.join(",");
    let mut out = Vec::new();
    for (t, name) in desc.targets.iter().enumerate() {
        let truth: Vec<f64> = test.iter().map(|&i| cnn_data.targets[t][i]).collect();
        out.push(Evaluated::new(
            "cnn",
            &inputs,
            name,
            truth,
            pred[t].clone(),
        )?);
    }
    let ms = desc.targets.iter().position(|t| t == "mstar");
    let mt = desc.targets.iter().position(|t| t == "mtot");
    if let (Some(ms), Some(mt)) = (ms, mt) {
        let reader = crate::dataset::reader::DatasetReader::open(data)?;
        let fdm: Vec<f64> = reader.column("targets/fdm")?;
        let true_fdm: Vec<f64> = test.iter().map(|&i| fdm[i]).collect();
        out.push(derived_fdm(&inputs, &pred[ms], &pred[mt], &true_fdm)?.0);
    }
    Ok(out)
}

/// A GBDT bundle's predictions for the test split of `data`, one row per target (samples
/// with non-finite features are left out, as in `predict`).
pub fn evaluate_bundle(bundle: &Path, data: &Path) -> Result<Vec<Evaluated>> {
    let b = read_bundle(bundle)?;
    let p = predict_dataset(&b, data, Some(2))?;
    let inputs = b
        .manifest
        .features
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let mut out = Vec::new();
    for (k, t) in p.targets.iter().enumerate() {
        let (truth, pred): (Vec<f64>, Vec<f64>) = p
            .rows
            .iter()
            .filter_map(|r| r.truth[k].map(|tv| (tv, r.pred[k])))
            .unzip();
        if truth.is_empty() {
            return Err(BadInput(format!(
                "{}: no /targets/{t} to compare the bundle's predictions with",
                data.display()
            ))
            .into());
        }
        out.push(Evaluated::new("gbdt", &inputs, t, truth, pred)?);
    }
    Ok(out)
}

/// A file-name-safe label: letters, digits, `-`, `_`, `.`; anything else becomes `_`.
pub fn file_label(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The `evaluation.json` document of `galmass evaluate`: rows as in `report.json`, and the
/// power-law baselines.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Evaluation {
    /// One per model and target.
    pub rows: Vec<ReportRow>,
    /// Power-law fits log10 M = a + b log10 L_r.
    pub baselines: Vec<PowerLaw>,
    /// Figures written, relative to the evaluation directory.
    pub figures: Vec<PathBuf>,
}

/// The test predictions a `train cnn` run wrote (`test_predictions.csv`: `index`, then
/// `<t>_true,<t>_pred` per target): the dataset rows and, per target, (name, truth, pred).
pub type CnnPredictions = (Vec<usize>, Vec<(String, Vec<f64>, Vec<f64>)>);

/// Reads `dir/test_predictions.csv` of a `train cnn` run.
pub fn read_cnn_predictions(dir: &Path) -> Result<CnnPredictions> {
    let p = dir.join("test_predictions.csv");
    let text = std::fs::read_to_string(&p)
        .map_err(|e| BadInput(format!("{}: cannot read ({e})", p.display())))?;
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    if head.first() != Some(&"index") || head.len() < 3 || head.len() % 2 != 1 {
        return Err(BadInput(format!(
            "{}: not a test_predictions.csv of `train cnn`",
            p.display()
        ))
        .into());
    }
    let names: Vec<String> = head[1..]
        .chunks(2)
        .map(|c| c[0].trim_end_matches("_true").to_string())
        .collect();
    let mut idx = Vec::new();
    let mut cols: Vec<(String, Vec<f64>, Vec<f64>)> = names
        .into_iter()
        .map(|n| (n, Vec::new(), Vec::new()))
        .collect();
    for (k, line) in lines.enumerate() {
        let bad = || BadInput(format!("{}: line {} is malformed", p.display(), k + 2));
        let f: Vec<&str> = line.split(',').collect();
        if f.len() != head.len() {
            return Err(bad().into());
        }
        idx.push(f[0].parse::<usize>().map_err(|_| bad())?);
        for (t, col) in cols.iter_mut().enumerate() {
            col.1.push(f[1 + 2 * t].parse::<f64>().map_err(|_| bad())?);
            col.2.push(f[2 + 2 * t].parse::<f64>().map_err(|_| bad())?);
        }
    }
    Ok((idx, cols))
}
