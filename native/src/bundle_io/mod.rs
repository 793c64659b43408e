//! Model bundles on disk: `galmass export` writes them from trained models, `galmass predict`
//! reads them and predicts for the samples of a dataset file. The bundle format itself
//! (manifest, payload, checks) is `galmass_core::bundle`, shared with the browser.

pub mod explain;
pub mod export;
pub mod export_cnn;
pub mod predict;
pub mod predict_cnn;
pub mod probe;

use std::path::Path;

use anyhow::Result;
use galmass_core::bundle::Bundle;
use galmass_core::bundle::ensemble::Ensemble;

use crate::BadInput;

/// Reads and checks a bundle file; any problem is [`BadInput`] naming the file.
pub fn read_bundle(path: &Path) -> Result<Bundle> {
    let name = path.display();
    let bytes = std::fs::read(path)
        .map_err(|e| BadInput(format!("{name}: cannot read the bundle: {e}")))?;
    Bundle::from_bytes(&bytes).map_err(|e| BadInput(format!("{name}: {e}")).into())
}

/// Reads the bundles of an ensemble (one file = an ensemble of one) through the one loader,
/// [`Ensemble::from_bytes`]: each checked as a bundle, the members agreeing on kind, inputs
/// and targets; problems are [`BadInput`] naming the file.
pub fn read_ensemble(paths: &[std::path::PathBuf]) -> Result<Ensemble> {
    let files = paths
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p)
                .map_err(|e| BadInput(format!("{}: cannot read the bundle: {e}", p.display())))?;
            Ok((p.display().to_string(), bytes))
        })
        .collect::<Result<Vec<_>>>()?;
    Ensemble::from_bytes(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
        .map_err(|e| BadInput(format!("--bundle: {e}")).into())
}

/// The observing conditions a dataset file records (root attribute `conditions`), for the
/// manifest of a model trained on it; a malformed attribute is [`BadInput`].
pub fn training_conditions(
    a: &crate::dataset::reader::FileAttrs,
) -> Result<Option<galmass_core::telescope::ConditionRanges>> {
    a.build
        .conditions
        .as_deref()
        .map(|c| {
            serde_json::from_str(c)
                .map_err(|e| BadInput(format!("dataset attribute `conditions`: {e}")).into())
        })
        .transpose()
}

/// Reads a gallery file (`galmass dataset examples`); problems are [`BadInput`] naming it.
pub fn read_gallery(path: &Path) -> Result<galmass_core::gallery::Gallery> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| BadInput(format!("{}: cannot read ({e})", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| BadInput(format!("{}: not a gallery file ({e})", path.display())).into())
}

/// Units of a dataset target's linear quantity (docs/contracts/dataset.md).
pub fn target_units(name: &str) -> &'static str {
    match name {
        "fstar" | "fdm" => "1",
        "ml_r" => "Msun/Lsun",
        _ => "Msun",
    }
}

/// Units of a dataset feature as stored (docs/contracts/dataset.md).
pub fn feature_units(name: &str) -> &'static str {
    match name {
        "mr" | "g_r" => "mag",
        "sfr" => "Msun/yr",
        "sigma_v" => "km/s",
        _ => "1",
    }
}
