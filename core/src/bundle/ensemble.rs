//! Ensembles of bundles: several models of the same kind, inputs and targets trained
//! independently (different seeds). The prediction is the members' mean; its uncertainty
//! combines two honest parts in quadrature:
//!
//! * the test-split scatter σ_test of the members (how far models like these miss on galaxies
//!   like the training set; the quadrature mean of the members' σ, so never smaller than a
//!   typical member's);
//! * the members' disagreement on *this* galaxy, their sample standard deviation s, which
//!   grows when a galaxy is unlike the training set.
//!
//! σ = √(σ_test² + s²). One member gives s = 0 and σ = σ_test. The one code path of
//! `galmass predict --bundle A --bundle B …` and the web app.
//!
//! [`Ensemble`] is the one loader: the CLI (`predict`, `probe`, `bench cnn-infer`) reads its
//! files to bytes and the web app fetches or embeds them; both make the ensemble here.

use burn::tensor::Device;

use super::{Bundle, BundleError, Manifest, ModelKind};
use crate::cnn::MultiBranchResNet;

/// Bundles checked to form an ensemble ([`check_members`]): at least one, all of one kind,
/// reading the same inputs and predicting the same targets.
#[derive(Clone, Debug)]
pub struct Ensemble {
    members: Vec<Bundle>,
}

impl Ensemble {
    /// The ensemble of `members`, or why they cannot form one.
    pub fn new(members: Vec<Bundle>) -> Result<Self, BundleError> {
        check_members(&members.iter().map(|b| &b.manifest).collect::<Vec<_>>())?;
        Ok(Self { members })
    }

    /// Reads each (name, bytes) as a bundle file ([`Bundle::from_bytes`]: format, lengths,
    /// checksum, manifest) and checks that they form an ensemble; a member's error names it
    /// ([`BundleError::Member`]).
    pub fn from_bytes<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<Self, BundleError> {
        let members = files
            .into_iter()
            .map(|(name, bytes)| {
                Bundle::from_bytes(bytes).map_err(|e| BundleError::Member {
                    name: name.to_string(),
                    source: Box::new(e),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(members)
    }

    /// The members, in the order given.
    pub fn members(&self) -> &[Bundle] {
        &self.members
    }

    /// The first member: the inputs, features and targets every member shares.
    pub fn lead(&self) -> &Bundle {
        // `new` refuses an empty ensemble.
        &self.members[0]
    }

    /// How many members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Never true (an ensemble has at least one member); for clippy's `len` convention.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members' manifests.
    pub fn manifests(&self) -> Vec<&Manifest> {
        self.members.iter().map(|b| &b.manifest).collect()
    }

    /// The kind every member holds.
    pub fn kind(&self) -> ModelKind {
        self.lead().manifest.kind
    }

    /// The target names, in the members' output order.
    pub fn target_names(&self) -> Vec<String> {
        let m = &self.lead().manifest;
        m.targets.iter().map(|t| t.name.clone()).collect()
    }

    /// Per target, the ensemble's test σ ([`test_sigma`]).
    pub fn test_sigma(&self) -> Vec<f64> {
        test_sigma(&self.manifests())
    }

    /// Combines the members' predictions of one galaxy (`preds[member][target]`, log10)
    /// ([`combine`]).
    pub fn combine(&self, preds: &[Vec<f64>]) -> Vec<EnsembleValue> {
        combine(preds, &self.test_sigma())
    }

    /// Every member's network on `device` ([`Bundle::cnn_model`]); a GBDT ensemble is
    /// [`BundleError::Kind`], a member that cannot be built is named.
    pub fn cnn_models(&self, device: &Device) -> Result<Vec<MultiBranchResNet>, BundleError> {
        self.members
            .iter()
            .enumerate()
            .map(|(k, b)| {
                b.cnn_model(device).map_err(|e| match e {
                    kind @ BundleError::Kind { .. } => kind,
                    e => BundleError::Member {
                        name: format!("bundle {}", k + 1),
                        source: Box::new(e),
                    },
                })
            })
            .collect()
    }
}

/// One target's ensemble prediction (log10 and dex).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnsembleValue {
    /// Mean of the members' predictions.
    pub mean: f64,
    /// Sample standard deviation of the members' predictions (0 for one member).
    pub spread: f64,
    /// Quoted 1σ uncertainty √(σ_test² + spread²).
    pub sigma: f64,
}

/// Checks that `members` can form an ensemble: at least one, all of the same kind, with the
/// same inputs (CNN) or features (GBDT) and the same targets in the same order.
pub fn check_members(members: &[&Manifest]) -> Result<(), BundleError> {
    let Some(first) = members.first() else {
        return Err(BundleError::Invalid(
            "an ensemble needs at least one bundle".into(),
        ));
    };
    for (k, m) in members.iter().enumerate().skip(1) {
        let differs = if m.kind != first.kind {
            Some("model kind")
        } else if m.targets != first.targets {
            Some("targets")
        } else if m.inputs != first.inputs {
            Some("inputs")
        } else if m.features != first.features {
            Some("features")
        } else if m.kind == ModelKind::Cnn && m.training.scale != first.training.scale {
            Some("map scale (±3 R_hsm or ±3 R_e)")
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(BundleError::Invalid(format!(
                "bundle {} of the ensemble differs from bundle 1 in its {what}; an ensemble's \
                 members must read the same inputs and predict the same targets",
                k + 1
            )));
        }
    }
    Ok(())
}

/// Per target (first member's order): the quadrature mean √(Σσ_i²/n) of the members'
/// test-split σ (NaN where a member has no metrics for the target).
pub fn test_sigma(members: &[&Manifest]) -> Vec<f64> {
    let Some(first) = members.first() else {
        return Vec::new();
    };
    first
        .targets
        .iter()
        .map(|t| {
            let sum: f64 = members
                .iter()
                .map(|m| {
                    m.metrics
                        .iter()
                        .find(|x| x.target == t.name)
                        .map_or(f64::NAN, |x| x.sigma_dex.powi(2))
                })
                .sum();
            (sum / members.len() as f64).sqrt()
        })
        .collect()
}

/// Combines the members' predictions of one galaxy (`preds[member][target]`, log10) with the
/// ensemble's test σ per target into mean, spread and quoted σ per target.
pub fn combine(preds: &[Vec<f64>], test_sigma: &[f64]) -> Vec<EnsembleValue> {
    let n = preds.len() as f64;
    test_sigma
        .iter()
        .enumerate()
        .map(|(k, &st)| {
            let mean = preds.iter().map(|p| p[k]).sum::<f64>() / n;
            let spread = if preds.len() > 1 {
                (preds.iter().map(|p| (p[k] - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            EnsembleValue {
                mean,
                spread,
                sigma: st.hypot(spread),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combine_is_the_mean_and_the_sample_spread_in_quadrature() {
        let preds = vec![vec![10.0, 11.0], vec![10.2, 11.0], vec![10.4, 11.3]];
        let v = combine(&preds, &[0.1, 0.2]);
        assert!((v[0].mean - 10.2).abs() < 1e-12);
        // Sample std of 10.0, 10.2, 10.4 is 0.2.
        assert!((v[0].spread - 0.2).abs() < 1e-12);
        assert!((v[0].sigma - (0.1f64 * 0.1 + 0.04).sqrt()).abs() < 1e-12);
        assert!((v[1].mean - 11.1).abs() < 1e-12);
        // 11.0, 11.0, 11.3: squared deviations 0.01 + 0.01 + 0.04 over n − 1 = 2.
        assert!((v[1].spread - 0.03f64.sqrt()).abs() < 1e-12);
        // One member: its prediction and the test σ.
        let one = combine(&preds[..1], &[0.1, 0.2]);
        assert_eq!((one[0].mean, one[0].spread, one[0].sigma), (10.0, 0.0, 0.1));
    }
}
