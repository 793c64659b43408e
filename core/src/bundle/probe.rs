//! Physical-response probes of a CNN (beyond the paper): change one input of a galaxy and see
//! how the prediction moves, against what physics says it must do.
//!
//! * Light ×k at fixed kinematics and R_hsm: the stars are k times more luminous, so at fixed
//!   M/L log M* rises by log10 k — less once the kinematic maps, which did not change, cap the
//!   mass (for k = 10: between +0.3 and +1.3 dex).
//! * R_hsm ×k at fixed maps (same surface brightness, so k² the light; same velocities): M*
//!   rises with the light, ≈ 2 log10 k, and the dynamical mass M ∝ σ² R by ≈ log10 k.
//!
//! [`Probe::apply`] makes the changed galaxy; the caller runs the model on both.

use super::cnn_input::{GalaxyInputs, GalaxyMap};

/// One change of a galaxy's inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Probe {
    /// Every light map (r, g) multiplied by the factor; kinematics and R_hsm kept.
    Light(f64),
    /// R_hsm multiplied by the factor; every map kept.
    Radius(f64),
}

impl Probe {
    /// The probes of issue 13: light ×10, light ×2, R_hsm ×2.
    pub const STANDARD: [Probe; 3] = [Probe::Light(10.0), Probe::Light(2.0), Probe::Radius(2.0)];

    /// A short label ("light ×10", "R_hsm ×2").
    pub fn label(self) -> String {
        match self {
            Probe::Light(k) => format!("light ×{k}"),
            Probe::Radius(k) => format!("R_hsm ×{k}"),
        }
    }

    /// What physics expects of Δ log10 M* and Δ log10 Mtot (dex), in words.
    pub fn expected(self) -> (String, String) {
        match self {
            Probe::Light(k) => (
                format!("≈ +{:.2} (M/L fixed; less if kinematics cap it)", k.log10()),
                "≥ 0 (more stars, same dynamics)".to_string(),
            ),
            Probe::Radius(k) => (
                format!("≈ +{:.2} (k² the light)", 2.0 * k.log10()),
                format!("≈ +{:.2} (M ∝ σ² R)", k.log10()),
            ),
        }
    }

    /// The galaxy with this change; `None` when the change needs R_hsm and `g` has none.
    pub fn apply(self, g: &GalaxyInputs) -> Option<GalaxyInputs> {
        let mut out = g.clone();
        match self {
            Probe::Light(k) => {
                for (_, m) in &mut out.maps {
                    if let GalaxyMap::Light { sb, .. } = m {
                        sb.iter_mut().for_each(|v| *v = (*v as f64 * k) as f32);
                    }
                }
            }
            Probe::Radius(k) => out.log_rhsm = Some(g.log_rhsm? + k.log10()),
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::KinematicMaps;

    fn galaxy() -> GalaxyInputs {
        GalaxyInputs {
            maps: vec![
                (
                    "r".into(),
                    GalaxyMap::Light {
                        side: 2,
                        sb: vec![1.0, 2.0, 3.0, 4.0],
                    },
                ),
                (
                    "vel".into(),
                    GalaxyMap::Kinematic(KinematicMaps {
                        size: 1,
                        v: vec![10.0],
                        sigma: vec![100.0],
                        mask: vec![1],
                    }),
                ),
            ],
            log_rhsm: Some(0.5),
            scale: Default::default(),
        }
    }

    /// Light ×10 scales the light maps only; R_hsm ×2 adds log10 2 to log R_hsm only.
    #[test]
    fn probes_change_one_thing() {
        let g = galaxy();
        let l = Probe::Light(10.0).apply(&g).unwrap();
        assert_eq!(
            l.maps[0].1,
            GalaxyMap::Light {
                side: 2,
                sb: vec![10.0, 20.0, 30.0, 40.0]
            }
        );
        assert_eq!(l.maps[1], g.maps[1]);
        assert_eq!(l.log_rhsm, g.log_rhsm);
        let r = Probe::Radius(2.0).apply(&g).unwrap();
        assert_eq!(r.maps, g.maps);
        assert!((r.log_rhsm.unwrap() - 0.5 - 2f64.log10()).abs() < 1e-12);
        let no_r = GalaxyInputs {
            log_rhsm: None,
            ..g
        };
        assert_eq!(Probe::Radius(2.0).apply(&no_r), None);
    }
}
