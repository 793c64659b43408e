//! `galmass predict`: a bundle's predictions for the samples of a dataset file → CSV.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use galmass::bundle_io::predict::{predict_dataset, write_csv};
use galmass::bundle_io::read_bundle;
use galmass::stats::offset_mean_sigma;

/// Which samples to predict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    /// Every sample
    All,
    /// The training split
    Train,
    /// The validation split
    Validation,
    /// The test split
    Test,
}

/// Arguments of `galmass predict`.
#[derive(Args, Debug)]
pub struct PredictArgs {
    /// Bundle file written by `galmass export`
    #[arg(long, value_name = "FILE")]
    pub bundle: PathBuf,
    /// Dataset file whose samples to predict (GBDT bundles read its /features)
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Which samples
    #[arg(long, value_enum, default_value_t = SplitArg::All)]
    pub split: SplitArg,
    /// Output CSV: one row per galaxy-projection, log10 predictions with the bundle's
    /// test-split σ (dex) as their uncertainty, and the truth when the file has it
    #[arg(long, value_name = "CSV")]
    pub out: PathBuf,
}

/// Runs `galmass predict`.
pub fn run(a: &PredictArgs) -> Result<()> {
    let bundle = read_bundle(&a.bundle)?;
    let split = match a.split {
        SplitArg::All => None,
        SplitArg::Train => Some(0),
        SplitArg::Validation => Some(1),
        SplitArg::Test => Some(2),
    };
    let p = predict_dataset(&bundle, &a.data, split)?;
    write_csv(&p, &a.out)?;
    println!(
        "predicted {} samples ({} skipped: non-finite features) → {}",
        p.rows.len(),
        p.skipped,
        a.out.display()
    );
    for (k, t) in p.targets.iter().enumerate() {
        let (pred, truth): (Vec<f64>, Vec<f64>) = p
            .rows
            .iter()
            .filter_map(|r| r.truth[k].map(|v| (r.pred[k], v)))
            .unzip();
        match offset_mean_sigma(&pred, &truth) {
            Some((m, s)) => println!(
                "  {t:<8} ±{:.4} dex quoted; against the file's truth: {m:+.4} ± {s:.4} dex",
                p.sigma_dex[k]
            ),
            None => println!(
                "  {t:<8} ±{:.4} dex quoted; no truth in the file",
                p.sigma_dex[k]
            ),
        }
    }
    Ok(())
}
