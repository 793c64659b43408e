//! `galmass explain`: occlusion saliency of a CNN bundle or ensemble for one galaxy
//! (`galmass_core::explain`, the web app's code path) on the flex CPU backend, written as NPY
//! and PNG with a plain-words summary.

use std::path::Path;

use anyhow::Result;
use burn::tensor::Device;
use galmass_core::bundle::cnn_input::GalaxyInputs;
use galmass_core::bundle::cnn_input::reads_map;
use galmass_core::bundle::ensemble::Ensemble;
use galmass_core::explain::{Occlusion, Saliency, occlusion_grouped};

use super::predict_cnn::ensemble_mean;
use crate::BadInput;
use crate::atomic::write_atomic;
use crate::figures;

/// The saliency maps of `galaxy` for the ensemble's mean prediction.
pub fn explain(ens: &Ensemble, galaxy: &GalaxyInputs, opts: &Occlusion) -> Result<Vec<Saliency>> {
    let device = Device::flex();
    let nets = ens
        .cnn_models(&device)
        .map_err(|e| BadInput(format!("--bundle: {e}")))?;
    let m = &ens.lead().manifest;
    let galaxy = m.keep_read_maps(galaxy);
    let predict = |g: &GalaxyInputs| -> Result<Vec<f64>> {
        let p = ensemble_mean(ens, &nets, std::slice::from_ref(g), &device)?;
        Ok(p.into_iter().next().unwrap_or_default())
    };
    // One saliency map per model input: the bands of a two-channel light input (`rg`) are
    // hidden together, since hiding one alone would only change the colour.
    let groups: Vec<(String, Vec<String>)> = m
        .inputs
        .iter()
        .map(|i| {
            let maps = ["r", "g", "vel"]
                .into_iter()
                .filter(|map| reads_map(&i.name, map))
                .map(str::to_string)
                .collect();
            (i.name.clone(), maps)
        })
        .collect();
    occlusion_grouped(&galaxy, &groups, &ens.target_names(), opts, predict)
}

/// Where a saliency map is strongest, in words: "hiding vel 0.4 R_hsm from the centre moves
/// mtot by −0.081 dex". The maps cover ±3 R_hsm.
pub fn in_words(s: &Saliency) -> String {
    match s.strongest() {
        Some((i, j, d)) if d != 0.0 => {
            let c = s.side as f64 / 2.0;
            let r = ((i as f64 + 0.5 - c).hypot(j as f64 + 0.5 - c)) * 6.0 / s.side as f64;
            let place = if r < 0.5 {
                "near the centre".to_string()
            } else {
                format!("{r:.1} R_hsm from the centre")
            };
            format!(
                "hiding the {} map {place} moves {} most: {d:+.3} dex",
                s.input, s.target
            )
        }
        _ => format!(
            "hiding any part of the {} map does not move {}",
            s.input, s.target
        ),
    }
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
