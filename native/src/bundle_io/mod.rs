//! Model bundles on disk: `galmass export` writes them from trained models, `galmass predict`
//! reads them and predicts for the samples of a dataset file. The bundle format itself
//! (manifest, payload, checks) is `galmass_core::bundle`, shared with the browser.

pub mod export;
pub mod export_cnn;
pub mod predict;
pub mod predict_cnn;

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

/// Units of a dataset target's linear quantity (ARCHITECTURE.md, dataset file).
pub fn target_units(name: &str) -> &'static str {
    match name {
        "fstar" | "fdm" => "1",
        "ml_r" => "Msun/Lsun",
        _ => "Msun",
    }
}

/// Units of a dataset feature as stored (ARCHITECTURE.md, dataset file).
pub fn feature_units(name: &str) -> &'static str {
    match name {
        "mr" | "g_r" => "mag",
        "sfr" => "Msun/yr",
        "sigma_v" => "km/s",
        _ => "1",
    }
}
