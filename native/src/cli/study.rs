//! The steps the studies (`galmass degradation`, `galmass cross-physics`) share: each runs
//! the verbs a user would type, records the command line, and reuses a finished step when
//! the study is repeated (an unfinished CNN run resumes from its checkpoint).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use galmass::evaluate::{Evaluation, ReportRow};

use super::reproduce::{command_line, s, verb};
use super::train_cnn::DeviceArg;

/// Runs the step `args` unless `done` (then only lists it, saying `what` is reused).
pub(super) fn run_or_reuse(
    args: &[String],
    what: &Path,
    done: bool,
    commands: &mut Vec<String>,
) -> Result<()> {
    if done {
        eprintln!("reusing {}", what.display());
        commands.push(command_line(args));
        Ok(())
    } else {
        verb(args, commands)
    }
}

/// How a study trains its CNNs: the paper's rg + vel inputs with log10 of the scale radius
/// as a side input, augmented, predicting `targets`.
#[derive(Clone, Debug)]
pub(super) struct CnnRecipe {
    /// Targets, comma-separated (`mstar,mtot`).
    pub targets: String,
    /// Width multiplier.
    pub width: f64,
    /// Epochs.
    pub epochs: u64,
    /// Seed of the initialisation and the batches.
    pub seed: u64,
    /// Where it trains and runs.
    pub device: DeviceArg,
}

impl CnnRecipe {
    /// `--device` as typed.
    pub fn device_flag(&self) -> String {
        format!("{:?}", self.device).to_lowercase()
    }
}

/// Trains (or resumes, or reuses) a CNN on `data` into `dir`.
pub(super) fn train_cnn(
    r: &CnnRecipe,
    data: &Path,
    dir: &Path,
    commands: &mut Vec<String>,
) -> Result<()> {
    let state = galmass::train::cnn::checkpoint::load(dir)?;
    let finished = state
        .as_ref()
        .is_some_and(|st| st.partial.is_none() && st.epochs_done as u64 == r.epochs)
        && dir.join("METRICS.json").exists();
    let mut args: Vec<String> = [
        "train",
        "cnn",
        "--data",
        &s(data),
        "--inputs",
        "rg,vel",
        "--targets",
        &r.targets,
        "--width",
        &r.width.to_string(),
        "--epochs",
        &r.epochs.to_string(),
        "--seed",
        &r.seed.to_string(),
        "--side-input",
        "--augment",
        "--device",
        &r.device_flag(),
        "--out",
        &s(dir),
    ]
    .map(String::from)
    .to_vec();
    if state.is_some() && !finished {
        args.push("--resume".into());
    }
    run_or_reuse(&args, dir, finished, commands)
}

/// A trained model to evaluate: a `train cnn` directory or an exported bundle.
pub(super) enum Trained {
    /// `--cnn DIR`.
    Cnn(PathBuf),
    /// `--bundle FILE`.
    Bundle(PathBuf),
}

/// The report rows of `model` on the test split of `data` (`galmass evaluate` into `dir`,
/// reused when its evaluation.json exists), with the power-law baseline's rows.
pub(super) fn evaluate(
    model: &Trained,
    data: &Path,
    dir: &Path,
    device: &str,
    commands: &mut Vec<String>,
) -> Result<Vec<ReportRow>> {
    let json = dir.join("evaluation.json");
    let (flag, path) = match model {
        Trained::Cnn(p) => ("--cnn", p),
        Trained::Bundle(p) => ("--bundle", p),
    };
    let args = [
        "evaluate".to_string(),
        "--data".into(),
        s(data),
        flag.into(),
        s(path),
        "--device".into(),
        device.into(),
        "--out".into(),
        s(dir),
    ];
    run_or_reuse(&args, dir, json.exists(), commands)?;
    let ev: Evaluation = serde_json::from_slice(
        &std::fs::read(&json).with_context(|| format!("reading {}", json.display()))?,
    )
    .with_context(|| format!("{}: not an evaluation", json.display()))?;
    Ok(ev.rows)
}
