//! GBDT bundles: the payload is the serde JSON of one [`GbdtModel`] per target, in the
//! manifest's target order (f64 thresholds and leaf values round-trip exactly).

use serde::{Deserialize, Serialize};

use super::{Bundle, BundleError, Manifest, ModelKind, PayloadEncoding};
use crate::gbdt::GbdtModel;

/// The JSON payload of a GBDT bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbdtPayload {
    /// One model per manifest target, same order.
    pub models: Vec<GbdtModel>,
}

fn check_models(manifest: &Manifest, models: &[GbdtModel]) -> Result<(), BundleError> {
    if manifest.kind != ModelKind::Gbdt {
        return Err(BundleError::Kind {
            expected: "gbdt",
            found: manifest.kind.name(),
        });
    }
    if models.len() != manifest.targets.len() {
        return Err(BundleError::Invalid(format!(
            "{} GBDT models for {} targets",
            models.len(),
            manifest.targets.len()
        )));
    }
    for (m, t) in models.iter().zip(&manifest.targets) {
        if m.n_features() != manifest.features.len() {
            return Err(BundleError::Invalid(format!(
                "the {} model reads {} features, the manifest lists {}",
                t.name,
                m.n_features(),
                manifest.features.len()
            )));
        }
    }
    Ok(())
}

impl Bundle {
    /// A GBDT bundle of `models` (one per target of `manifest`, whose kind must be gbdt and
    /// payload encoding json).
    pub fn from_gbdt(manifest: Manifest, models: Vec<GbdtModel>) -> Result<Bundle, BundleError> {
        manifest.validate()?;
        if manifest.payload_encoding != PayloadEncoding::Json {
            return Err(BundleError::Invalid("a GBDT payload must be JSON".into()));
        }
        check_models(&manifest, &models)?;
        let payload = serde_json::to_vec(&GbdtPayload { models })
            .map_err(|e| BundleError::Payload(e.to_string()))?;
        Ok(Bundle { manifest, payload })
    }

    /// The GBDT models of a GBDT bundle, one per target.
    pub fn gbdt_models(&self) -> Result<Vec<GbdtModel>, BundleError> {
        if self.manifest.kind != ModelKind::Gbdt {
            return Err(BundleError::Kind {
                expected: "gbdt",
                found: self.manifest.kind.name(),
            });
        }
        let p: GbdtPayload = serde_json::from_slice(&self.payload)
            .map_err(|e| BundleError::Payload(e.to_string()))?;
        check_models(&self.manifest, &p.models)?;
        Ok(p.models)
    }
}
