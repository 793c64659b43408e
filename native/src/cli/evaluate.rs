//! `galmass evaluate`: trained CNNs and exported bundles on the test split of a dataset file,
//! with the power-law baseline — a table, `evaluation.json` and predicted-vs-true figures.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::atomic::write_atomic;
use galmass::evaluate::{
    Evaluated, Evaluation, evaluate_bundle, evaluate_cnn, file_label, power_law,
};

use super::train_cnn::DeviceArg;

/// Arguments of `galmass evaluate`.
#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// Dataset file whose test split (split 2) is predicted
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// A `train cnn` output directory (model.json + model.bpk); repeatable
    #[arg(long, value_name = "DIR")]
    pub cnn: Vec<PathBuf>,
    /// An exported GBDT bundle (`galmass export`); repeatable
    #[arg(long, value_name = "FILE")]
    pub bundle: Vec<PathBuf>,
    /// Targets of the power-law baseline log10 M = a + b log10 L_r (Fig. 6 bottom)
    #[arg(long, value_delimiter = ',', default_value = "mstar")]
    pub baseline: Vec<String>,
    /// Where CNNs run
    #[arg(long, value_enum, default_value_t = DeviceArg::Auto)]
    pub device: DeviceArg,
    /// Output directory: evaluation.json and one figure per model and target
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Runs `galmass evaluate`.
pub fn run(a: &EvaluateArgs) -> Result<()> {
    if a.cnn.is_empty() && a.bundle.is_empty() && a.baseline.is_empty() {
        return Err(BadInput(
            "give at least one --cnn DIR, --bundle FILE or --baseline TARGET".into(),
        )
        .into());
    }
    std::fs::create_dir_all(&a.out)
        .map_err(|e| BadInput(format!("--out {}: cannot create ({e})", a.out.display())))?;
    let mut all: Vec<(String, Evaluated)> = Vec::new();
    for dir in &a.cnn {
        let label = dir
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "cnn".into());
        for ev in evaluate_cnn(dir, &a.data, a.device.into())? {
            all.push((format!("cnn-{label}"), ev));
        }
    }
    for b in &a.bundle {
        let label = b
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "bundle".into());
        for ev in evaluate_bundle(b, &a.data)? {
            all.push((format!("gbdt-{label}"), ev));
        }
    }
    let mut baselines = Vec::new();
    for t in &a.baseline {
        let (pl, ev) = power_law(&a.data, t)?;
        baselines.push(pl);
        all.push(("power_law".to_string(), ev));
    }
    let mut figures = Vec::new();
    for (label, ev) in &all {
        let name = PathBuf::from(format!("{}_{}.png", file_label(label), ev.row.target));
        let title = format!("{} ({})", ev.row.model, ev.row.inputs);
        ev.draw(&a.out.join(&name), &title)?;
        figures.push(name);
    }
    let doc = Evaluation {
        rows: all.iter().map(|(_, e)| e.row.clone()).collect(),
        baselines,
        figures: figures.clone(),
    };
    let json = a.out.join("evaluation.json");
    write_atomic(&json, &serde_json::to_vec_pretty(&doc)?)?;

    println!(
        "test split of {}: log10(pred/true) in dex",
        a.data.display()
    );
    println!(
        "{:<22} {:<26} {:<12} {:>6} {:>8} {:>7}",
        "model", "inputs", "target", "n", "mean", "σ"
    );
    for (label, e) in &all {
        let r = &e.row;
        println!(
            "{:<22} {:<26} {:<12} {:>6} {:>+8.3} {:>7.3}",
            label, r.inputs, r.target, r.n_test, r.mean_dex, r.sigma_dex
        );
    }
    println!(
        "wrote {} and {} figures in {}",
        json.display(),
        figures.len(),
        a.out.display()
    );
    Ok(())
}
