//! `galmass export` of GBDT models: one JSON model per target (written by `galmass train
//! gbdt`) and its METRICS.json → one bundle whose manifest records the features, targets,
//! training summary, test metrics and a command that retrains each model exactly.

use std::path::{Path, PathBuf};

use anyhow::Result;
use galmass_core::bundle::{
    Bundle, FeatureSpec, FeatureTransform, Manifest, ModelKind, PayloadEncoding, SCHEMA,
    TargetMetrics, TargetSpec, TrainingSummary,
};
use galmass_core::gbdt::{GbdtModel, GbdtParams, Objective};

use super::{feature_units, target_units, training_conditions};
use crate::BadInput;
use crate::dataset::reader::DatasetReader;
use crate::train::gbdt::{GbdtMetrics, read_model};
use crate::train::table::SFR_FLOOR;

/// One trained GBDT: its model file and metrics file.
#[derive(Clone, Debug)]
pub struct GbdtParts {
    /// JSON model written by `galmass train gbdt --out`.
    pub model: PathBuf,
    /// METRICS.json written by `galmass train gbdt --metrics`.
    pub metrics: PathBuf,
}

fn read_metrics(path: &Path) -> Result<GbdtMetrics> {
    let name = path.display();
    let bytes = std::fs::read(path).map_err(|e| BadInput(format!("{name}: cannot read: {e}")))?;
    let m: GbdtMetrics = serde_json::from_slice(&bytes)
        .map_err(|e| BadInput(format!("{name}: not a GBDT METRICS.json: {e}")))?;
    if m.model != "gbdt" {
        return Err(BadInput(format!("{name}: `model` is {:?}, not \"gbdt\"", m.model)).into());
    }
    Ok(m)
}

/// The command line that retrains `model` on `data` with every parameter spelled out.
pub fn retrain_command(data: &Path, target: &str, model: &GbdtModel, out: &Path) -> String {
    let p: &GbdtParams = &model.params;
    let objective = match p.objective {
        Objective::L2 => "l2",
        Objective::L1 => "l1",
    };
    format!(
        "galmass train gbdt --data {} --target {target} --features {} --objective {objective} \
         --rounds {} --num-leaves {} --learning-rate {} --max-depth {} --min-data-in-leaf {} \
         --min-sum-hessian-in-leaf {} --lambda-l1 {} --lambda-l2 {} --min-gain-to-split {} \
         --max-bin {} --out {}",
        data.display(),
        model.feature_names.join(","),
        p.num_iterations,
        p.num_leaves,
        p.learning_rate,
        p.max_depth,
        p.min_data_in_leaf,
        p.min_sum_hessian_in_leaf,
        p.lambda_l1,
        p.lambda_l2,
        p.min_gain_to_split,
        p.max_bin,
        out.display(),
    )
}

/// Builds the bundle of the GBDT models `parts` (one per target, all on the same features),
/// trained on the dataset file `data`; `created` is the time stamp (RFC 3339).
pub fn gbdt_bundle(parts: &[GbdtParts], data: &Path, created: String) -> Result<Bundle> {
    let Some(first) = parts.first() else {
        return Err(BadInput("export: give at least one --model".into()).into());
    };
    let ds = DatasetReader::open(data)?;
    let mut models = Vec::new();
    let mut targets = Vec::new();
    let mut metrics = Vec::new();
    let mut commands = Vec::new();
    let mut features: Option<Vec<String>> = None;
    let (mut n_train, mut n_test) = (0, 0);
    for part in parts {
        let model = read_model(&part.model)?;
        let m = read_metrics(&part.metrics)?;
        if m.features != model.feature_names {
            return Err(BadInput(format!(
                "{}: features {:?} differ from those of {} ({:?}): give each model its own metrics",
                part.metrics.display(),
                m.features,
                part.model.display(),
                model.feature_names
            ))
            .into());
        }
        match &features {
            None => features = Some(model.feature_names.clone()),
            Some(f) if *f != model.feature_names => {
                return Err(BadInput(format!(
                    "{}: reads features {:?}, but {} reads {:?}; one bundle needs one feature list",
                    part.model.display(),
                    model.feature_names,
                    first.model.display(),
                    f
                ))
                .into());
            }
            Some(_) => {}
        }
        if targets.iter().any(|t: &TargetSpec| t.name == m.target) {
            return Err(BadInput(format!("export: two models for target {}", m.target)).into());
        }
        commands.push(retrain_command(data, &m.target, &model, &part.model));
        targets.push(TargetSpec {
            name: m.target.clone(),
            units: target_units(&m.target).into(),
            log10: true,
        });
        metrics.push(TargetMetrics {
            target: m.target.clone(),
            mean_dex: m.mean_dex,
            sigma_dex: m.sigma_dex,
        });
        n_train = m.n_train as u64;
        n_test = m.n_test as u64;
        models.push(model);
    }
    let features = features
        .unwrap_or_default()
        .into_iter()
        .map(|name| FeatureSpec {
            transform: if name == "sfr" {
                FeatureTransform::Log10Offset(SFR_FLOOR)
            } else {
                FeatureTransform::Identity
            },
            units: feature_units(&name).into(),
            name,
        })
        .collect();
    let a = &ds.attrs;
    let manifest = Manifest {
        schema: SCHEMA.into(),
        kind: ModelKind::Gbdt,
        inputs: Vec::new(),
        features,
        targets,
        training: TrainingSummary {
            dataset: format!(
                "{} ({}, source {}, seed {}, {} samples split by {}; trained on the train and \
                 validation splits, tested on the test split)",
                data.file_name().unwrap_or_default().to_string_lossy(),
                a.schema,
                a.build.source,
                a.build.seed,
                a.n,
                a.build.split_by
            ),
            n_train,
            n_test,
            command: commands.join(" && "),
            conditions: training_conditions(a)?,
            scale: a.build.scale,
        },
        metrics,
        network: None,
        payload_encoding: PayloadEncoding::Json,
        created,
    };
    Bundle::from_gbdt(manifest, models).map_err(|e| BadInput(format!("export: {e}")).into())
}
