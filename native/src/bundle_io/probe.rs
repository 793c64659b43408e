//! `galmass probe`: how a CNN (or an ensemble) answers the physical-response probes of
//! `galmass_core::bundle::probe` on the galaxies of a gallery file — light ×10 and ×2 at fixed
//! kinematics and R_hsm, R_hsm ×2 at fixed maps — as the median change of each target.

use anyhow::Result;
use burn::tensor::Device;
use galmass_core::bundle::cnn_input::GalaxyInputs;
use galmass_core::bundle::ensemble::Ensemble;
use galmass_core::bundle::probe::Probe;

use super::predict_cnn::ensemble_mean;
use crate::BadInput;
use crate::stats::median;

/// The response of one target to one probe over the galaxies.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Response {
    /// The probe ("light ×10", …).
    pub probe: String,
    /// The target (mstar, mtot, …).
    pub target: String,
    /// Median over the galaxies of Δ log10 (changed − original), dex; the ensemble's mean
    /// prediction on both sides.
    pub median_dex: f64,
    /// Smallest and largest Δ over the galaxies, dex.
    pub min_dex: f64,
    /// Largest Δ, dex.
    pub max_dex: f64,
    /// Galaxies probed.
    pub n: usize,
}

/// Runs every probe of `probes` on `galaxies` with the ensemble `ens` (flex CPU backend).
pub fn responses(
    ens: &Ensemble,
    galaxies: &[GalaxyInputs],
    probes: &[Probe],
) -> Result<Vec<Response>> {
    let device = Device::flex();
    let nets = ens
        .cnn_models(&device)
        .map_err(|e| BadInput(format!("--bundle: {e}")))?;
    let base = ensemble_mean(ens, &nets, galaxies, &device)?;
    let targets = ens.target_names();
    let mut out = Vec::new();
    for &probe in probes {
        let changed = galaxies
            .iter()
            .map(|g| probe.apply(g))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| BadInput(format!("{}: a galaxy has no R_hsm", probe.label())))?;
        let moved = ensemble_mean(ens, &nets, &changed, &device)?;
        for (t, name) in targets.iter().enumerate() {
            let d: Vec<f64> = moved.iter().zip(&base).map(|(m, b)| m[t] - b[t]).collect();
            out.push(Response {
                probe: probe.label(),
                target: name.clone(),
                median_dex: median(&d).unwrap_or(f64::NAN),
                min_dex: d.iter().copied().fold(f64::INFINITY, f64::min),
                max_dex: d.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                n: d.len(),
            });
        }
    }
    Ok(out)
}
