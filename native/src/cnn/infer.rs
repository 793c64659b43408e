//! A trained network put to use: the description written beside the weights (`model.json`),
//! loading the best epoch's record, and predictions for chosen samples of a dataset file.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::{Device, Tensor, TensorData};
use galmass_core::cnn::{CnnConfig, MultiBranchResNet};
use galmass_core::telescope::MapScale;
use serde::{Deserialize, Serialize};

use super::data::NormChoice;
use super::data::{Batch, CnnData, Normalisation};
use super::prefetch::Prefetcher;
use crate::BadInput;

/// File name of the best epoch's model record in a run directory.
pub const BEST_MODEL: &str = "model.bpk";
/// File name of the model description beside it.
pub const MODEL_JSON: &str = "model.json";

/// `model.json`: what a record needs to be used on new data — the network, the targets it
/// predicts (log10) and how maps are prepared (light-map side, per-channel normalisation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelDesc {
    /// The network.
    pub config: CnnConfig,
    /// Target names, one per output.
    pub targets: Vec<String>,
    /// The normalisation asked for.
    pub norm: NormChoice,
    /// The normalisation as applied, per input and channel (with dataset ranges).
    pub normalisation: Normalisation,
    /// Light-map side the network reads (px).
    pub image_size: usize,
    /// File name of the weights record beside this file.
    pub weights: String,
    /// The radius the training maps covered ±3 of, and whose log10 the side input is
    /// (absent in runs from before the option: R_hsm).
    #[serde(default)]
    pub scale: MapScale,
}

impl ModelDesc {
    /// Reads `dir/model.json`; a missing or foreign file is [`BadInput`] naming it.
    pub fn read(dir: &Path) -> Result<Self> {
        let p = dir.join(MODEL_JSON);
        let text = std::fs::read_to_string(&p).map_err(|e| {
            BadInput(format!(
                "{}: cannot read ({e}); give the --out directory of `galmass train cnn`",
                p.display()
            ))
        })?;
        serde_json::from_str(&text).map_err(|e| {
            BadInput(format!("{}: not a CNN model description: {e}", p.display())).into()
        })
    }

    /// Opens `data` as this network reads it: the same inputs, targets, light-map side and
    /// normalisation. A file that cannot give them is [`BadInput`].
    pub fn open_data(&self, data: &Path) -> Result<CnnData> {
        let inputs: Vec<_> = self.config.branches.iter().map(|b| b.input).collect();
        let mut d = CnnData::open(data, &inputs, &self.targets, Some(self.image_size))?;
        if d.scale != self.scale {
            return Err(BadInput(format!(
                "{}: its maps cover ±3 {} (dataset attribute `scale` = {}), but the network \
                 learned maps on ±3 {}: build the data with `dataset build --scale {}`",
                data.display(),
                d.scale.symbol(),
                d.scale.name(),
                self.scale.symbol(),
                self.scale.name()
            ))
            .into());
        }
        d.normalisation = self.normalisation.clone();
        d.hybrid = self.config.is_hybrid();
        Ok(d)
    }
}

/// Loads the network of run directory `dir` (its `model.json` and weights) in eval mode on
/// `device`.
pub fn load_trained(dir: &Path, device: &Device) -> Result<(ModelDesc, MultiBranchResNet)> {
    let desc = ModelDesc::read(dir)?;
    let path = dir.join(&desc.weights);
    let model = load_record(&desc.config, &path, device)?;
    Ok((desc, model))
}

/// The network of `config` with the weights of the record at `path`, in eval mode.
pub fn load_record(config: &CnnConfig, path: &Path, device: &Device) -> Result<MultiBranchResNet> {
    let rec = ModuleRecord::load(path)
        .map_err(|e| BadInput(format!("{}: cannot load the weights: {e}", path.display())))?;
    Ok(MultiBranchResNet::new(config, 0, device)
        .map_err(|e| BadInput(format!("network: {e}")))?
        .try_load_record(rec)
        .map_err(|e| anyhow::anyhow!("applying {}: {e}", path.display()))?
        .valid())
}

/// The tensors of one batch on `device`: one (N, C, S, S) map tensor per branch, the side input
/// (N, 1) when the network has one, and the targets (N, T).
pub fn to_tensors(
    data: &CnnData,
    b: Batch,
    side_input: bool,
    device: &Device,
) -> (Vec<Tensor<4>>, Option<Tensor<2>>, Tensor<2>) {
    let n = b.indices.len();
    let maps = b
        .maps
        .into_iter()
        .enumerate()
        .map(|(k, m)| {
            let (c, s) = data.branch_shape(k);
            Tensor::from_data(TensorData::new(m, [n, c, s, s]), device)
        })
        .collect();
    let k = b.side.len() / n.max(1);
    let side = side_input.then(|| Tensor::from_data(TensorData::new(b.side, [n, k]), device));
    let t = data.target_names.len();
    let y = Tensor::from_data(TensorData::new(b.targets, [n, t]), device);
    (maps, side, y)
}

/// Runs `model` (eval mode) over the samples `indices` of `data` in batches of `batch`
/// (maps read ahead on a prefetch thread); returns the MSE (dex², mean over samples and
/// targets) and the predictions `pred[t][k]` (log10) of target t for sample `indices[k]`.
pub fn predict(
    model: &MultiBranchResNet,
    data: &Arc<CnnData>,
    indices: &[usize],
    batch: usize,
    device: &Device,
) -> Result<(f64, Vec<Vec<f64>>)> {
    let t = data.target_names.len();
    let batches: Vec<Vec<usize>> = indices
        .chunks(batch.max(1))
        .map(<[usize]>::to_vec)
        .collect();
    let mut pf = Prefetcher::start(data.clone(), batches, None);
    let mut pred = vec![Vec::with_capacity(indices.len()); t];
    let mut sq = 0.0f64;
    while let Some(b) = pf.next_batch() {
        let b = b?;
        let (maps, side, y) = to_tensors(data, b, model.side_input, device);
        let p = model.try_forward(maps, side)?;
        let p = p
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| anyhow::anyhow!("{e:?}"))
            .context("reading the predictions")?;
        let y = y
            .into_data()
            .try_to_vec::<f32>()
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        for (k, (pv, yv)) in p.iter().zip(&y).enumerate() {
            sq += (*pv as f64 - *yv as f64).powi(2);
            pred[k % t].push(*pv as f64);
        }
    }
    let n = (indices.len() * t).max(1) as f64;
    Ok((sq / n, pred))
}
