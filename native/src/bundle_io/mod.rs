//! Model bundles on disk: `galmass export` writes them from trained models, `galmass predict`
//! reads them and predicts for the samples of a dataset file. The bundle format itself
//! (manifest, payload, checks) is `galmass_core::bundle`, shared with the browser.

pub mod export;
pub mod export_cnn;
pub mod predict;
pub mod predict_cnn;
pub mod probe;

use std::path::Path;

use anyhow::Result;
use galmass_core::bundle::Bundle;

use crate::BadInput;

/// Reads and checks a bundle file; any problem is [`BadInput`] naming the file.
pub fn read_bundle(path: &Path) -> Result<Bundle> {
    let name = path.display();
    let bytes = std::fs::read(path)
        .map_err(|e| BadInput(format!("{name}: cannot read the bundle: {e}")))?;
    Bundle::from_bytes(&bytes).map_err(|e| BadInput(format!("{name}: {e}")).into())
}

/// Reads the CNN bundles of an ensemble (one file = an ensemble of one) and checks that the
/// members agree (same kind, inputs and targets); problems are [`BadInput`].
pub fn read_ensemble(paths: &[std::path::PathBuf]) -> Result<Vec<Bundle>> {
    let bundles = paths
        .iter()
        .map(|p| read_bundle(p))
        .collect::<Result<Vec<_>>>()?;
    let manifests: Vec<_> = bundles.iter().map(|b| &b.manifest).collect();
    galmass_core::bundle::ensemble::check_members(&manifests)
        .map_err(|e| BadInput(format!("--bundle: {e}")))?;
    Ok(bundles)
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
