//! `galmass export --cnn RUN_DIR`: a trained CNN (the best epoch of a `galmass train cnn`
//! run) → one bundle: the network, its inputs with shapes, units and per-plane normalisation,
//! the targets, the test metrics of METRICS.json, the command that trained it, and the
//! weights as a Burn record with f16 (or f32) tensors.

use std::path::Path;

use anyhow::Result;
use galmass_core::bundle::{
    Bundle, InputSpec, Manifest, ModelKind, PayloadEncoding, PlaneKind, PlaneSpec, SCHEMA,
    SIDE_INPUT, TargetMetrics, TargetSpec, TrainingSummary,
};
use galmass_core::observe::normalise::MapKind;
use serde_json::Value;

use super::{target_units, training_conditions};
use crate::BadInput;
use crate::cnn::infer::{ModelDesc, load_record};
use crate::dataset::reader::DatasetReader;
use crate::train::cnn::checkpoint::{self, RunState};

/// The plane kind and units of a channel (`None`: the mask).
fn plane(kind: Option<MapKind>) -> (PlaneKind, &'static str) {
    match kind {
        Some(MapKind::SurfaceBrightness) => (PlaneKind::SurfaceBrightness, "Lsun/kpc^2"),
        Some(MapKind::Colour) => (PlaneKind::Colour, "mag"),
        Some(MapKind::Velocity) => (PlaneKind::Velocity, "km/s"),
        Some(MapKind::Dispersion) => (PlaneKind::Dispersion, "km/s"),
        None => (PlaneKind::Mask, "1"),
    }
}

/// The `galmass train cnn` command that made the run `state` (paths as given).
pub fn train_command(data: &Path, desc: &ModelDesc, s: &RunState, out: &Path) -> String {
    let c = &desc.config;
    let inputs: Vec<&str> = c.branches.iter().map(|b| b.input.name()).collect();
    let mut cmd = format!(
        "galmass train cnn --data {} --inputs {} --targets {} --image-size {} --width {} \
         --norm {} --epochs {} --batch {} --lr {} --schedule {} --optimizer {} \
         --weight-decay {} --standardise {} --seed {}",
        data.display(),
        inputs.join(","),
        desc.targets.join(","),
        desc.image_size,
        c.width,
        s.norm.arg_name(),
        s.epochs_done,
        s.batch,
        s.lr,
        s.schedule.arg_name(),
        s.optimizer.arg_name(),
        s.weight_decay,
        s.standardise,
        s.seed
    );
    if c.side_input {
        cmd.push_str(" --side-input");
    }
    if s.augment {
        cmd.push_str(" --augment");
    }
    if c.is_hybrid() {
        cmd.push_str(" --hybrid");
    }
    cmd.push_str(&format!(" --out {}", out.display()));
    cmd
}

/// Builds the bundle of the CNN run in `dir`, trained on the dataset file `data`; `f16`
/// stores the weights in half precision; `created` is the time stamp.
pub fn cnn_bundle(dir: &Path, data: &Path, f16: bool, created: String) -> Result<Bundle> {
    let desc = ModelDesc::read(dir)?;
    let state = checkpoint::load(dir)?.ok_or_else(|| {
        BadInput(format!(
            "{}: no {} (the run's options are recorded there)",
            dir.display(),
            checkpoint::CHECKPOINT_JSON
        ))
    })?;
    let mpath = dir.join("METRICS.json");
    let metrics: Value = std::fs::read(&mpath)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| {
            BadInput(format!(
                "{}: missing or unreadable; export a finished `train cnn` run",
                mpath.display()
            ))
        })?;
    let ds = DatasetReader::open(data)?;
    if ds.attrs.build.scale != desc.scale {
        return Err(BadInput(format!(
            "--data {}: its maps cover ±3 {}, the network learned ±3 {}: give the dataset it \
             was trained on",
            data.display(),
            ds.attrs.build.scale.symbol(),
            desc.scale.symbol()
        ))
        .into());
    }
    let mut inputs: Vec<InputSpec> = desc
        .normalisation
        .inputs
        .iter()
        .zip(&desc.config.branches)
        .map(|((input, chans), b)| {
            let shape = if chans.len() == 1 {
                vec![b.size, b.size]
            } else {
                vec![chans.len(), b.size, b.size]
            };
            InputSpec {
                name: input.name().to_string(),
                shape,
                units: String::new(),
                planes: chans
                    .iter()
                    .map(|c| {
                        let (quantity, units) = plane(c.kind);
                        PlaneSpec {
                            quantity,
                            units: units.to_string(),
                            norm: c.norm,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    if desc.config.side_input {
        inputs.push(InputSpec {
            name: SIDE_INPUT.to_string(),
            shape: Vec::new(),
            units: "log10 kpc".to_string(),
            planes: Vec::new(),
        });
    }
    let targets = desc
        .targets
        .iter()
        .map(|t| TargetSpec {
            name: t.clone(),
            units: target_units(t).to_string(),
            log10: true,
        })
        .collect();
    let per = |t: &str, k: &str| metrics["per_target"][t][k].as_f64().unwrap_or(f64::NAN);
    let tm = desc
        .targets
        .iter()
        .map(|t| TargetMetrics {
            target: t.clone(),
            mean_dex: per(t, "mean_dex"),
            sigma_dex: per(t, "sigma_dex"),
        })
        .collect();
    let a = &ds.attrs;
    let manifest = Manifest {
        schema: SCHEMA.into(),
        kind: ModelKind::Cnn,
        inputs,
        features: Vec::new(),
        targets,
        training: TrainingSummary {
            dataset: format!(
                "{} ({}, source {}, seed {}, {} samples split by {}; trained on the train split, \
                 best epoch {} of {} on the validation split, tested on the test split)",
                data.file_name().unwrap_or_default().to_string_lossy(),
                a.schema,
                a.build.source,
                a.build.seed,
                a.n,
                a.build.split_by,
                state.best_epoch,
                state.epochs_done
            ),
            n_train: metrics["n_train"].as_u64().unwrap_or(0),
            n_test: metrics["n_test"].as_u64().unwrap_or(0),
            command: train_command(data, &desc, &state, dir),
            conditions: training_conditions(a)?,
            scale: desc.scale,
        },
        metrics: tm,
        network: Some(desc.config.clone()),
        payload_encoding: if f16 {
            PayloadEncoding::F16
        } else {
            PayloadEncoding::F32
        },
        created,
    };
    let device = burn::tensor::Device::flex();
    let model = load_record(&desc.config, &dir.join(&desc.weights), &device)?;
    Bundle::from_cnn(manifest, model).map_err(|e| BadInput(format!("export: {e}")).into())
}
