//! `galmass train gbdt`: the paper's GBDT (Section 5) on a dataset file — training on the
//! train + validation splits, evaluation on the test split, the METRICS.json contract, the
//! model files and the figures (Figs 4, 10, 11 and the importance bars).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use galmass_core::gbdt::{Curves, GbdtModel, GbdtParams, Samples, Trained, train_observed};
use serde::{Deserialize, Serialize};

use super::table::{Table, correlation_columns};
use crate::BadInput;
use crate::atomic::write_atomic;
use crate::figures;
use crate::stats::offset_mean_sigma;

/// METRICS.json (**contract**, docs/contracts/reports.md "GBDT metrics"): what a GBDT run
/// achieved on the test split.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbdtMetrics {
    /// Always `"gbdt"`.
    pub model: String,
    /// Target name (a dataset under `/targets`, log10).
    pub target: String,
    /// Feature names in column order (dataset names; `sfr` enters as log10(sfr + 10⁻³)).
    pub features: Vec<String>,
    /// Training rows (splits 0 + 1 after the quality cut).
    pub n_train: usize,
    /// Test rows (split 2 after the quality cut).
    pub n_test: usize,
    /// Mean of log10(pred/true) = pred − true over the test rows, dex.
    pub mean_dex: f64,
    /// Standard deviation (1/N) of log10(pred/true) over the test rows, dex.
    pub sigma_dex: f64,
    /// Gain importance of each feature as a share of the total (sums to 1).
    pub importance_gain: BTreeMap<String, f64>,
    /// Wall-clock seconds of training (binning + boosting + loss curves), without I/O.
    pub train_seconds: f64,
    /// MAE (dex) and MSE (dex²) on the training and test rows after each round (Fig. 4).
    pub curves: Curves,
}

/// A finished GBDT run: the model, its test predictions and the metrics.
#[derive(Clone, Debug)]
pub struct GbdtRun {
    /// The trained model and loss curves.
    pub trained: Trained,
    /// Predictions (log10) for the test rows, in the order of `Table::test`.
    pub test_pred: Vec<f64>,
    /// The metrics (METRICS.json).
    pub metrics: GbdtMetrics,
}

/// Trains on `table.train`, records the loss curves on `table.test` and evaluates there.
/// `on_round(k)` is told the number of finished rounds (progress bars).
pub fn train_table(
    table: &Table,
    params: &GbdtParams,
    on_round: &mut dyn FnMut(usize),
) -> Result<GbdtRun> {
    let nf = table.features.len();
    let bad = |e: galmass_core::gbdt::GbdtError| BadInput(format!("GBDT training: {e}"));
    let tr = Samples::new(&table.train.x, nf, &table.train.y).map_err(bad)?;
    let te = Samples::new(&table.test.x, nf, &table.test.y).map_err(bad)?;
    params.validate().map_err(bad)?;
    let t0 = Instant::now();
    let trained = train_observed(params, &tr, Some(&te), &table.features, on_round)
        .context("GBDT training")?;
    let train_seconds = t0.elapsed().as_secs_f64();
    let test_pred = trained
        .model
        .predict(&table.test.x)
        .context("GBDT prediction")?;
    let (mean_dex, sigma_dex) =
        offset_mean_sigma(&test_pred, &table.test.y).context("test offsets are not finite")?;
    let importance_gain = table
        .features
        .iter()
        .cloned()
        .zip(trained.model.importance_gain_share())
        .collect();
    let metrics = GbdtMetrics {
        model: "gbdt".into(),
        target: table.target.clone(),
        features: table.features.clone(),
        n_train: table.train.len(),
        n_test: table.test.len(),
        mean_dex,
        sigma_dex,
        importance_gain,
        train_seconds,
        curves: trained.curves.clone(),
    };
    Ok(GbdtRun {
        trained,
        test_pred,
        metrics,
    })
}

/// Where LightGBM's `model.txt` goes for a model written to `model`: the same path with
/// the extension `.txt` (`m.json` → `m.txt`; `m` → `m.txt`).
pub fn model_txt_path(model: &Path) -> PathBuf {
    model.with_extension("txt")
}

/// Default figure directory: `<stem>_figures/` beside the metrics file.
pub fn default_figures_dir(metrics: &Path) -> PathBuf {
    let stem = metrics.file_stem().unwrap_or_default().to_string_lossy();
    metrics.with_file_name(format!("{stem}_figures"))
}

/// Writes the JSON model (`GbdtModel`, serde) to `model`, optionally LightGBM's `model.txt`
/// beside it, and the metrics, each atomically. Returns the paths written.
pub fn write_outputs(
    run: &GbdtRun,
    model: &Path,
    model_txt: bool,
    metrics: &Path,
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let json = serde_json::to_vec(&run.trained.model).context("serialising the model")?;
    write_atomic(model, &json)?;
    written.push(model.to_path_buf());
    if model_txt {
        let p = model_txt_path(model);
        write_atomic(&p, run.trained.model.to_lightgbm_text().as_bytes())?;
        written.push(p);
    }
    let m = serde_json::to_vec_pretty(&run.metrics).context("serialising the metrics")?;
    write_atomic(metrics, &m)?;
    written.push(metrics.to_path_buf());
    Ok(written)
}

/// Writes the four figures into `dir` (created if needed): `scatter.png` (Fig. 11 style),
/// `importance.png`, `curves.png` (Fig. 4) and `correlation.png` (Fig. 10, from the
/// dataset file at `data`). Returns the paths written.
pub fn write_figures(
    run: &GbdtRun,
    table: &Table,
    data: &Path,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| BadInput(format!("{}: cannot create directory: {e}", dir.display())))?;
    let label = target_label(&table.target);
    let m = &run.metrics;
    let scatter = dir.join("scatter.png");
    figures::scatter::draw(
        &scatter,
        &table.test.y,
        &run.test_pred,
        &figures::scatter::Labels {
            quantity: label,
            title: format!(
                "GBDT, {} features, test split (n = {})",
                m.features.len(),
                m.n_test
            ),
        },
    )?;
    let importance = dir.join("importance.png");
    let mut imp: Vec<(String, f64)> = m
        .features
        .iter()
        .map(|f| (f.clone(), m.importance_gain.get(f).copied().unwrap_or(0.0)))
        .collect();
    imp.sort_by(|a, b| b.1.total_cmp(&a.1));
    figures::bars::draw(
        &importance,
        &imp,
        &format!("Gain importance, target {}", table.target),
        "share of total gain",
    )?;
    let curves = dir.join("curves.png");
    figures::curves::draw(
        &curves,
        &m.curves,
        &format!("GBDT loss per round, target {}", table.target),
    )?;
    let correlation = dir.join("correlation.png");
    let (names, cols) = correlation_columns(data)?;
    let refs: Vec<&[f64]> = cols.iter().map(|c| c.as_slice()).collect();
    let r = galmass_core::gbdt::pearson_matrix(&refs).context("correlation matrix")?;
    figures::matrix::draw(
        &correlation,
        &names,
        &r,
        "Pearson correlation of features and targets",
    )?;
    Ok(vec![scatter, importance, curves, correlation])
}

/// Axis label of a target (all targets are log10 of a mass, fraction or ratio).
pub fn target_label(target: &str) -> String {
    let q = match target {
        "mstar" => "M* (<Rhsm) / Msun",
        "mtot" => "Mtot (<Rhsm) / Msun",
        "mdm" => "MDM (<Rhsm) / Msun",
        "fstar" => "f* (<Rhsm)",
        "fdm" => "fDM (<Rhsm)",
        "ml_r" => "M*/L_r (<Rhsm, projected)",
        "mstar_2d" => "M*,2D (<Rhsm) / Msun",
        "mstar_2r" => "M* (<2 Rhsm) / Msun",
        "mtot_2r" => "Mtot (<2 Rhsm) / Msun",
        "mstar_2d_2r" => "M*,2D (<2 Rhsm) / Msun",
        other => other,
    };
    format!("log10 {q}")
}

/// Loads a JSON model written by [`write_outputs`].
pub fn read_model(path: &Path) -> Result<GbdtModel> {
    let bytes = std::fs::read(path)
        .map_err(|e| BadInput(format!("{}: cannot read: {e}", path.display())))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| BadInput(format!("{}: not a galmass GBDT model: {e}", path.display())).into())
}
