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

/// One galaxy's predictions (log10, manifest target order) by a GBDT bundle from feature
/// values given by name in the dataset's units (transforms such as sfr → log10(sfr + c) are
/// applied here). Every feature the bundle reads must be given, once, finite; nothing else.
/// The one code path of `galmass predict --features` and the web app.
pub fn gbdt_predict_one(bundle: &Bundle, given: &[(String, f64)]) -> Result<Vec<f64>, BundleError> {
    gbdt_predict_one_with(bundle, &bundle.gbdt_models()?, given)
}

/// [`gbdt_predict_one`] with the bundle's models already read ([`Bundle::gbdt_models`]
/// parses the trees, tens of milliseconds in a browser): for callers that predict often.
pub fn gbdt_predict_one_with(
    bundle: &Bundle,
    models: &[GbdtModel],
    given: &[(String, f64)],
) -> Result<Vec<f64>, BundleError> {
    let m = &bundle.manifest;
    for (k, (name, _)) in given.iter().enumerate() {
        if !m.features.iter().any(|f| &f.name == name) {
            return Err(BundleError::Invalid(format!(
                "unknown feature `{name}`; the model reads {}",
                m.features
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if given[..k].iter().any(|(n, _)| n == name) {
            return Err(BundleError::Invalid(format!(
                "feature `{name}` given twice"
            )));
        }
    }
    let mut x = Vec::with_capacity(m.features.len());
    for f in &m.features {
        let v = given
            .iter()
            .find(|(n, _)| n == &f.name)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                BundleError::Invalid(format!("feature `{}` ({}) is missing", f.name, f.units))
            })?;
        if !v.is_finite() {
            return Err(BundleError::Invalid(format!(
                "feature `{}` is not finite ({v})",
                f.name
            )));
        }
        x.push(f.transform.apply(v));
    }
    models
        .iter()
        .map(|g| {
            g.predict(&x)
                .map(|p| p[0])
                .map_err(|e| BundleError::Payload(format!("GBDT prediction: {e}")))
        })
        .collect()
}
