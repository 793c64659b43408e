//! The checkpoint written after every epoch, so `--resume` continues an interrupted run:
//! model and Adam state as Burn records (`ckpt-model-E.bpk`, `ckpt-optim-E.bpk`, each
//! written to a scratch file and renamed by burn-pack), then `checkpoint.json` (temporary
//! file + rename) naming epoch E, the curves so far, the best epoch and the shuffling RNG's
//! position. Whatever instant a run is killed, `checkpoint.json` names a complete pair of
//! records; older pairs are removed after it is replaced.
//!
//! A run stopped by SIGTERM/SIGINT in the middle of an epoch ([`crate::stop`]) also writes
//! `ckpt-{model,optim}-partial-E-S.bpk` (epoch E, S steps done in it) and records the steps done in that epoch
//! ([`PartialEpoch`]); the resumed run redraws the epoch's order from the RNG position of
//! the epoch's start, skips those steps and continues, so it ends with the same weights as a
//! run that was never stopped.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use galmass_core::cnn::CnnConfig;
use serde::{Deserialize, Serialize};

use super::options::{NormChoice, OptimizerChoice, Schedule};
use crate::atomic::write_atomic;
use crate::cnn::data::Normalisation;

/// Name of the checkpoint manifest in the output directory.
pub const CHECKPOINT_JSON: &str = "checkpoint.json";

/// Per-epoch curves (index k = epoch k + 1).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    /// Mean training MSE over the epoch's batches, weighted by batch size (dex²).
    pub train_loss: Vec<f64>,
    /// Validation MSE after the epoch, eval mode (dex²).
    pub val_loss: Vec<f64>,
    /// Learning rate used in the epoch.
    pub lr: Vec<f64>,
    /// Wall seconds of the epoch (training + validation).
    pub seconds: Vec<f64>,
}

/// The state of a run after `epochs_done` epochs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    /// The network.
    pub config: CnnConfig,
    /// Target names, in output order.
    pub targets: Vec<String>,
    /// Normalisation choice and the resulting per-channel normalisation.
    pub norm: NormChoice,
    /// Per-channel normalisation (ranges for dataset min–max).
    pub normalisation: Normalisation,
    /// Light-map side read by the network.
    pub image_size: usize,
    /// Mini-batch size.
    pub batch: usize,
    /// Base learning rate.
    pub lr: f64,
    /// Schedule.
    pub schedule: Schedule,
    /// Optimiser (runs written before it existed used Adam).
    #[serde(default)]
    pub optimizer: OptimizerChoice,
    /// AdamW's decoupled weight decay.
    #[serde(default)]
    pub weight_decay: f64,
    /// Standardised side input and targets.
    #[serde(default)]
    pub standardise: bool,
    /// Seed of the initial weights and of the shuffling RNG.
    pub seed: u64,
    /// Random dihedral transforms of the training maps (drawn from the shuffling stream).
    #[serde(default)]
    pub augment: bool,
    /// Word position of the shuffling ChaCha8 stream after the last completed epoch.
    pub rng_word_pos: u128,
    /// Completed epochs.
    pub epochs_done: usize,
    /// Curves so far.
    pub curves: Curves,
    /// 1-based epoch with the lowest validation loss so far (0 = none yet).
    pub best_epoch: usize,
    /// Its validation loss.
    pub best_val_loss: f64,
    /// Training wall time so far, seconds.
    pub train_seconds: f64,
    /// Steps already done in epoch `epochs_done + 1`, when the run was stopped inside it
    /// (records `ckpt-*-partial-E-S.bpk`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partial: Option<PartialEpoch>,
}

/// Progress inside an epoch that a stop interrupted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartialEpoch {
    /// Optimiser steps done in the epoch.
    pub steps: usize,
    /// Sum of per-sample training MSE over those steps (dex²).
    pub loss_sum: f64,
    /// Wall seconds spent in the epoch so far.
    pub seconds: f64,
}

/// Path of the model record of epoch `e` in `dir`.
pub fn model_path(dir: &Path, e: usize) -> PathBuf {
    dir.join(format!("ckpt-model-{e}.bpk"))
}

/// Path of the optimiser record of epoch `e` in `dir`.
pub fn optim_path(dir: &Path, e: usize) -> PathBuf {
    dir.join(format!("ckpt-optim-{e}.bpk"))
}

/// Path of the model record after `steps` steps of epoch `epoch` (1-based) in `dir`: every
/// stop writes records under new names, so the manifest always names a complete pair.
pub fn partial_model_path(dir: &Path, epoch: usize, steps: usize) -> PathBuf {
    dir.join(format!("ckpt-model-partial-{epoch}-{steps}.bpk"))
}

/// Path of the optimiser record after `steps` steps of epoch `epoch` in `dir`.
pub fn partial_optim_path(dir: &Path, epoch: usize, steps: usize) -> PathBuf {
    dir.join(format!("ckpt-optim-partial-{epoch}-{steps}.bpk"))
}

/// Removes the partial-epoch records of `dir` other than those `state` names.
fn remove_stale_partials(dir: &Path, state: &RunState) {
    let keep: Vec<PathBuf> = match &state.partial {
        Some(p) => {
            let e = state.epochs_done + 1;
            vec![
                partial_model_path(dir, e, p.steps),
                partial_optim_path(dir, e, p.steps),
            ]
        }
        None => Vec::new(),
    };
    let Ok(rd) = fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let partial = (name.starts_with("ckpt-model-partial-")
            || name.starts_with("ckpt-optim-partial-"))
            && name.ends_with(".bpk");
        if partial && !keep.contains(&path) {
            let _ = fs::remove_file(path);
        }
    }
}

/// Saves `state` as the checkpoint manifest (the records of `state.epochs_done` must already
/// be on disk) and removes the records of earlier epochs.
pub fn commit(dir: &Path, state: &RunState) -> Result<()> {
    let json = serde_json::to_vec_pretty(state)?;
    write_atomic(&dir.join(CHECKPOINT_JSON), &json)?;
    for e in 0..state.epochs_done {
        for p in [model_path(dir, e), optim_path(dir, e)] {
            if p.exists() {
                let _ = fs::remove_file(p);
            }
        }
    }
    remove_stale_partials(dir, state);
    Ok(())
}

/// Reads the checkpoint manifest of `dir`, if any.
pub fn load(dir: &Path) -> Result<Option<RunState>> {
    let p = dir.join(CHECKPOINT_JSON);
    if !p.exists() {
        return Ok(None);
    }
    let text = fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))?;
    let state = serde_json::from_str(&text).with_context(|| format!("parsing {}", p.display()))?;
    Ok(Some(state))
}
