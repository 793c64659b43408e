//! `galmass explain`: occlusion saliency of a CNN bundle or ensemble for one galaxy
//! (`galmass_core::explain`, the web app's code path) on the flex CPU backend, written as NPY
//! and PNG with a plain-words summary.

use std::path::Path;

use anyhow::Result;
use burn::tensor::Device;
use galmass_core::bundle::cnn_input::GalaxyInputs;
use galmass_core::bundle::ensemble::Ensemble;
use galmass_core::explain::{Occlusion, OcclusionPlan, Saliency, input_groups};

use super::predict_cnn::ensemble_mean;
use crate::BadInput;
use crate::atomic::write_atomic;
use crate::figures;

/// Hidden inputs predicted together (one batch per forward pass).
const BATCH: usize = 16;

/// The saliency maps of `galaxy` for the ensemble's mean prediction: the occlusion plan of
/// galmass-core (the web page's), run in batches of 16; `progress(done, total)` after each.
pub fn explain(
    ens: &Ensemble,
    galaxy: &GalaxyInputs,
    opts: &Occlusion,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<Saliency>> {
    let device = Device::flex();
    let nets = ens
        .cnn_models(&device)
        .map_err(|e| BadInput(format!("--bundle: {e}")))?;
    let m = &ens.lead().manifest;
    let galaxy = m.keep_read_maps(galaxy);
    let groups = input_groups(m);
    let plan = OcclusionPlan::new(&galaxy, &groups, opts);
    let base = ensemble_mean(ens, &nets, std::slice::from_ref(plan.galaxy()), &device)?
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut preds = Vec::with_capacity(plan.len());
    for start in (0..plan.len()).step_by(BATCH) {
        let batch: Vec<GalaxyInputs> = (start..(start + BATCH).min(plan.len()))
            .filter_map(|k| plan.input(k))
            .collect();
        preds.extend(ensemble_mean(ens, &nets, &batch, &device)?);
        progress(preds.len(), plan.len());
    }
    Ok(plan.finish(&ens.target_names(), &base, &preds))
}

/// Writes `saliency_<input>_<target>.npy` and `.png` for each map into `dir`.
pub fn write(dir: &Path, maps: &[Saliency]) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| BadInput(format!("--out {}: cannot create ({e})", dir.display())))?;
    for s in maps {
        let stem = format!("saliency_{}_{}", s.input, s.target);
        write_atomic(&dir.join(format!("{stem}.npy")), &s.to_npy())?;
        let title = format!("where the network looks: {} map → {}", s.input, s.target);
        figures::saliency::draw(&dir.join(format!("{stem}.png")), s, &title)?;
    }
    Ok(())
}
