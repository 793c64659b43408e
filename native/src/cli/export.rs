//! `galmass export`: trained models → one bundle file for `galmass predict` and the web app.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::atomic::write_atomic;
use galmass::bundle_io::export::{GbdtParts, gbdt_bundle};
use galmass::bundle_io::export_cnn::cnn_bundle;

use super::now;

/// Arguments of `galmass export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// A GBDT model JSON written by `galmass train gbdt --out` (repeat for more targets; all
    /// must read the same features)
    #[arg(long, value_name = "MODEL", required_unless_present = "cnn")]
    pub model: Vec<PathBuf>,
    /// Its METRICS.json (`train gbdt --metrics`), one per --model, same order
    #[arg(long, value_name = "METRICS", required_unless_present = "cnn")]
    pub metrics: Vec<PathBuf>,
    /// A finished `galmass train cnn` run directory (its best epoch is exported)
    #[arg(long, value_name = "DIR", conflicts_with_all = ["model", "metrics"])]
    pub cnn: Option<PathBuf>,
    /// Store CNN weights as f32 instead of f16 (twice the size)
    #[arg(long, requires = "cnn")]
    pub f32: bool,
    /// The dataset file the models were trained on (recorded in the manifest)
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Output bundle file (written under a temporary name, then renamed)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Runs `galmass export`.
pub fn run(a: &ExportArgs) -> Result<()> {
    if a.model.len() != a.metrics.len() {
        return Err(BadInput(format!(
            "export: {} --model but {} --metrics; give one METRICS.json per model",
            a.model.len(),
            a.metrics.len()
        ))
        .into());
    }
    let parts: Vec<GbdtParts> = a
        .model
        .iter()
        .zip(&a.metrics)
        .map(|(m, x)| GbdtParts {
            model: m.clone(),
            metrics: x.clone(),
        })
        .collect();
    let bundle = match &a.cnn {
        Some(dir) => cnn_bundle(dir, &a.data, !a.f32, now())?,
        None => gbdt_bundle(&parts, &a.data, now())?,
    };
    let bytes = bundle
        .to_bytes()
        .map_err(|e| BadInput(format!("export: {e}")))?;
    write_atomic(&a.out, &bytes)?;
    let m = &bundle.manifest;
    println!(
        "bundle  {} ({} bytes, {} model)",
        a.out.display(),
        bytes.len(),
        m.kind.name()
    );
    if m.features.is_empty() {
        let inputs: Vec<String> = m
            .inputs
            .iter()
            .map(|i| format!("{} {:?}", i.name, i.shape))
            .collect();
        println!("  inputs    {}", inputs.join(", "));
    } else {
        println!(
            "  features  {}",
            m.features
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for t in &m.metrics {
        println!(
            "  {:<8}  test log10(pred/true) = {:+.4} ± {:.4} dex",
            t.target, t.mean_dex, t.sigma_dex
        );
    }
    Ok(())
}
