//! The bundle manifest (**contract**, docs/contracts/bundle.md "Manifest"): what a model
//! reads, what it predicts, how it was trained and how well it did. Serialised as JSON inside
//! the bundle.

use crate::telescope::{ConditionRanges, MapScale};
use serde::{Deserialize, Serialize};

use super::BundleError;
use crate::observe::normalise::{MapKind, Norm};

/// Schema name of this manifest version.
pub const SCHEMA: &str = "galmass-bundle/1";

/// Which kind of model the payload holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// A convolutional network over maps (payload: a Burn record).
    Cnn,
    /// Gradient-boosted trees over summary features (payload: JSON of
    /// [`crate::gbdt::GbdtModel`]s, one per target).
    Gbdt,
}

impl ModelKind {
    /// Lower-case name ("cnn", "gbdt").
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Cnn => "cnn",
            ModelKind::Gbdt => "gbdt",
        }
    }
}

/// What one plane of a map input holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaneKind {
    /// Surface brightness, L☉ kpc⁻² of the band.
    SurfaceBrightness,
    /// g−r colour, mag.
    Colour,
    /// Mean line-of-sight velocity, km/s.
    Velocity,
    /// Line-of-sight velocity dispersion, km/s.
    Dispersion,
    /// Validity mask, 0 or 1 (not normalised).
    Mask,
}

impl PlaneKind {
    /// The map kind whose normalisation applies ([`mod@crate::observe::normalise`]); `None` for
    /// the mask.
    pub fn map_kind(self) -> Option<MapKind> {
        match self {
            PlaneKind::SurfaceBrightness => Some(MapKind::SurfaceBrightness),
            PlaneKind::Colour => Some(MapKind::Colour),
            PlaneKind::Velocity => Some(MapKind::Velocity),
            PlaneKind::Dispersion => Some(MapKind::Dispersion),
            PlaneKind::Mask => None,
        }
    }
}

/// One plane of a map input: quantity, units and the normalisation the model applies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaneSpec {
    /// What the plane holds.
    pub quantity: PlaneKind,
    /// Units of the physical values ("Lsun/kpc^2", "mag", "km/s", "1").
    pub units: String,
    /// Normalisation applied before the network (ignored for the mask).
    pub norm: Norm,
}

/// One input of a model: a map stack (shape (H, W) or (P, H, W), one [`PlaneSpec`] a plane)
/// or a scalar side input (shape [], no planes; e.g. log10 R_hsm/kpc).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputSpec {
    /// Input name: "r", "g", "gr", "vel", "log_rhsm", …
    pub name: String,
    /// Shape the model reads.
    pub shape: Vec<usize>,
    /// Units of a scalar input (maps give units per plane).
    #[serde(default)]
    pub units: String,
    /// Per plane of a map input.
    #[serde(default)]
    pub planes: Vec<PlaneSpec>,
}

/// How a GBDT feature is transformed before the trees see it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureTransform {
    /// The value as stored in the dataset.
    Identity,
    /// log10(x + c), e.g. c = 1e-3 M☉/yr for the star-formation rate.
    Log10Offset(f64),
}

impl FeatureTransform {
    /// Applies the transform to a dataset value.
    pub fn apply(self, x: f64) -> f64 {
        match self {
            FeatureTransform::Identity => x,
            FeatureTransform::Log10Offset(c) => (x + c).log10(),
        }
    }
}

/// One GBDT input feature (dataset column `/features/<name>`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpec {
    /// Dataset feature name (mr, g_r, sfr, …).
    pub name: String,
    /// Units of the dataset value ("mag", "Msun/yr", "km/s", "1").
    pub units: String,
    /// Transform applied before the trees.
    pub transform: FeatureTransform,
}

/// One predicted quantity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetSpec {
    /// Dataset target name (mstar, mtot, …).
    pub name: String,
    /// Units of the linear quantity ("Msun", "1").
    pub units: String,
    /// True when the model predicts log10 of it (all galmass targets).
    pub log10: bool,
}

/// What the model was trained on and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    /// Dataset description (file name, schema, source, seed).
    pub dataset: String,
    /// Training samples (galaxy-projections).
    pub n_train: u64,
    /// Test samples.
    pub n_test: u64,
    /// The command line that trained it, to rebuild it.
    pub command: String,
    /// The observing conditions of the training maps (docs/observing.md; beyond the paper);
    /// absent: the paper's ideal maps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<ConditionRanges>,
    /// The radius the training maps covered ±3 of, whose log10 (kpc) is a CNN's side input
    /// and in whose units the light planes' cells are (absent in bundles from before the
    /// option: R_hsm, the paper's).
    #[serde(default)]
    pub scale: MapScale,
}

/// Test-set accuracy of one target: mean and standard deviation of log10(pred/true), dex.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetMetrics {
    /// Target name.
    pub target: String,
    /// Mean of log10(pred/true), dex.
    pub mean_dex: f64,
    /// Standard deviation of log10(pred/true), dex.
    pub sigma_dex: f64,
}

/// How the payload's numbers are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadEncoding {
    /// JSON text (GBDT models).
    Json,
    /// Weights as little-endian f32.
    F32,
    /// Weights as little-endian IEEE half precision ([`super::weights`]).
    F16,
}

/// Name of the scalar side input of a CNN: log10(R_hsm / kpc).
pub const SIDE_INPUT: &str = "log_rhsm";

/// The manifest of a bundle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Model kind.
    pub kind: ModelKind,
    /// Map and scalar inputs (CNN; empty for a GBDT).
    pub inputs: Vec<InputSpec>,
    /// Features in column order (GBDT; empty for a CNN).
    pub features: Vec<FeatureSpec>,
    /// Predicted quantities, in output order.
    pub targets: Vec<TargetSpec>,
    /// Training summary.
    pub training: TrainingSummary,
    /// Test metrics per target.
    pub metrics: Vec<TargetMetrics>,
    /// The network of a CNN bundle (branches, width, outputs, side input); `None` for a GBDT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<crate::cnn::CnnConfig>,
    /// Payload encoding.
    pub payload_encoding: PayloadEncoding,
    /// When it was made (RFC 3339 text given by the caller: core has no clock).
    pub created: String,
}

impl Manifest {
    /// A CNN's input handling in words, from its network and the norms of its light planes:
    /// which parts are the paper's and which are ours beyond it; `None` for a GBDT.
    pub fn cnn_recipe(&self) -> Option<String> {
        let net = self.network.as_ref()?;
        let light = self
            .inputs
            .iter()
            .flat_map(|i| &i.planes)
            .find(|p| p.quantity == PlaneKind::SurfaceBrightness)
            .map(|p| p.norm);
        let mut parts = vec![match light {
            Some(Norm::CellLuminosity(c)) => format!(
                "light as log luminosity per cell of {} R_hsm (ours, beyond the paper)",
                c.cell_rhsm
            ),
            Some(Norm::Physical) => "light as log surface brightness (physical)".to_string(),
            Some(Norm::LinearLuminosity(r)) => {
                format!("light as pixel luminosity over {r:e} L☉ (the paper's linear scaling)")
            }
            Some(_) => "light scaled by its min–max".to_string(),
            None => "no light map".to_string(),
        }];
        if net.side_input {
            parts.push(if net.has_scalar_branch() {
                "log R_hsm standardised through a scalar branch (ours)".to_string()
            } else {
                "log R_hsm raw at the last layer".to_string()
            });
        }
        if net.is_hybrid() {
            parts.push(
                "hybrid: log L_r, g−r and log v_rms from the maps into an MLP head (ours)".into(),
            );
        }
        parts.push(if net.target_standard.is_empty() {
            "raw log10 targets".to_string()
        } else {
            "standardised targets (ours)".to_string()
        });
        Some(parts.join("; "))
    }

    /// Checks the manifest is self-consistent: schema, at least one target, unique names,
    /// metrics only for known targets, plane lists matching map shapes, a GBDT with features
    /// and a JSON payload.
    pub fn validate(&self) -> Result<(), BundleError> {
        let invalid = |s: String| Err(BundleError::Invalid(s));
        if self.schema != SCHEMA {
            return Err(BundleError::Schema {
                found: self.schema.clone(),
            });
        }
        if self.targets.is_empty() {
            return invalid("no targets".into());
        }
        for (i, t) in self.targets.iter().enumerate() {
            if self.targets[..i].iter().any(|u| u.name == t.name) {
                return invalid(format!("target {} listed twice", t.name));
            }
        }
        for m in &self.metrics {
            if !self.targets.iter().any(|t| t.name == m.target) {
                return invalid(format!("metrics for unknown target {}", m.target));
            }
        }
        for inp in &self.inputs {
            let planes = match inp.shape.len() {
                0 => 0,
                2 => 1,
                3 => inp.shape[0],
                d => return invalid(format!("input {} has {d} dimensions", inp.name)),
            };
            if inp.planes.len() != planes {
                return invalid(format!(
                    "input {} has shape {:?} but {} plane descriptions",
                    inp.name,
                    inp.shape,
                    inp.planes.len()
                ));
            }
        }
        match self.kind {
            ModelKind::Gbdt => {
                if self.features.is_empty() {
                    return invalid("a GBDT bundle without features".into());
                }
                if self.payload_encoding != PayloadEncoding::Json {
                    return invalid("a GBDT payload must be JSON".into());
                }
            }
            ModelKind::Cnn => {
                if self.inputs.is_empty() {
                    return invalid("a CNN bundle without inputs".into());
                }
                let Some(net) = &self.network else {
                    return invalid("a CNN bundle without its network".into());
                };
                net.validate()
                    .map_err(|e| BundleError::Invalid(format!("network: {e}")))?;
                if net.outputs != self.targets.len() {
                    return invalid(format!(
                        "the network has {} outputs for {} targets",
                        net.outputs,
                        self.targets.len()
                    ));
                }
                for b in &net.branches {
                    let c = b.input.channels();
                    let shape = if c == 1 {
                        vec![b.size, b.size]
                    } else {
                        vec![c, b.size, b.size]
                    };
                    match self.inputs.iter().find(|i| i.name == b.input.name()) {
                        Some(i) if i.shape == shape => {}
                        Some(i) => {
                            return invalid(format!(
                                "input {} has shape {:?}, its branch reads {shape:?}",
                                i.name, i.shape
                            ));
                        }
                        None => return invalid(format!("no input for branch {}", b.input.name())),
                    }
                }
                if net.side_input != self.inputs.iter().any(|i| i.name == SIDE_INPUT) {
                    return invalid(format!(
                        "the network {} the side input {SIDE_INPUT}, the inputs {}",
                        if net.side_input {
                            "takes"
                        } else {
                            "does not take"
                        },
                        if net.side_input { "lack it" } else { "list it" }
                    ));
                }
                if self.payload_encoding == PayloadEncoding::Json {
                    return invalid("a CNN payload holds weights, not JSON".into());
                }
            }
        }
        Ok(())
    }

    /// Checks that the inputs a caller provides (name, shape) are exactly the model's: every
    /// model input present with its shape, nothing else. Errors name the input and both shapes.
    pub fn check_inputs(&self, provided: &[(&str, &[usize])]) -> Result<(), BundleError> {
        for (name, shape) in provided {
            let Some(spec) = self.inputs.iter().find(|s| s.name == *name) else {
                return Err(BundleError::UnexpectedInput {
                    name: (*name).to_owned(),
                    expected: self.inputs.iter().map(|s| s.name.clone()).collect(),
                });
            };
            if spec.shape.as_slice() != *shape {
                return Err(BundleError::InputShape {
                    name: (*name).to_owned(),
                    found: shape.to_vec(),
                    needed: spec.shape.clone(),
                });
            }
        }
        for spec in &self.inputs {
            if !provided.iter().any(|(n, _)| *n == spec.name) {
                return Err(BundleError::MissingInput {
                    name: spec.name.clone(),
                    needed: spec.shape.clone(),
                });
            }
        }
        Ok(())
    }

    /// Checks that the feature columns a caller provides are the model's, in order.
    pub fn check_features(&self, provided: &[&str]) -> Result<(), BundleError> {
        let needed: Vec<String> = self.features.iter().map(|f| f.name.clone()).collect();
        if needed
            .iter()
            .map(String::as_str)
            .eq(provided.iter().copied())
        {
            Ok(())
        } else {
            Err(BundleError::Features {
                found: provided.iter().map(|s| (*s).to_owned()).collect(),
                needed,
            })
        }
    }
}
