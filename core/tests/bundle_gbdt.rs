//! A GBDT bundle end to end: train two tiny models, bundle them, round-trip the bytes,
//! predict identically; damaged bytes give the matching error.

// Test, not the library: it may unwrap, read files and use the clock (the wasm32-safe
// rules of core/clippy.toml are for the library itself).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use galmass_core::bundle::{
    Bundle, BundleError, FORMAT_VERSION, FeatureSpec, FeatureTransform, InputSpec, Manifest,
    ModelKind, PayloadEncoding, PlaneKind, PlaneSpec, SCHEMA, TargetMetrics, TargetSpec,
    TrainingSummary,
};
use galmass_core::gbdt::{GbdtModel, GbdtParams, Samples, train};
use galmass_core::observe::Norm;

fn features() -> Vec<FeatureSpec> {
    vec![
        FeatureSpec {
            name: "mr".into(),
            units: "mag".into(),
            transform: FeatureTransform::Identity,
        },
        FeatureSpec {
            name: "sfr".into(),
            units: "Msun/yr".into(),
            transform: FeatureTransform::Log10Offset(1e-3),
        },
    ]
}

fn manifest() -> Manifest {
    Manifest {
        schema: SCHEMA.into(),
        kind: ModelKind::Gbdt,
        inputs: vec![],
        features: features(),
        targets: ["mstar", "mtot"]
            .iter()
            .map(|n| TargetSpec {
                name: (*n).into(),
                units: "Msun".into(),
                log10: true,
            })
            .collect(),
        training: TrainingSummary {
            dataset: "test.h5 (galmass-dataset/1, mock, seed 1)".into(),
            n_train: 300,
            n_test: 0,
            command: "galmass train gbdt --data test.h5 --targets mstar,mtot".into(),
            conditions: None,
            scale: Default::default(),
        },
        metrics: vec![TargetMetrics {
            target: "mstar".into(),
            mean_dex: 0.001,
            sigma_dex: 0.12,
        }],
        network: None,
        payload_encoding: PayloadEncoding::Json,
        created: "2026-11-22T06:00:00Z".into(),
    }
}

/// Two models on synthetic features: log M* ≈ −0.4 (M_r + 21) + 10.5 and log M_tot ≈ +1.3.
fn models() -> (Vec<GbdtModel>, Vec<f64>) {
    let n = 300;
    let mut x = Vec::with_capacity(2 * n);
    let (mut y1, mut y2) = (Vec::new(), Vec::new());
    for i in 0..n {
        let mr = -23.0 + 5.0 * ((i * 37) % n) as f64 / n as f64;
        let sfr = FeatureTransform::Log10Offset(1e-3).apply(((i * 11) % 17) as f64 * 0.3);
        x.extend_from_slice(&[mr, sfr]);
        y1.push(-0.4 * (mr + 21.0) + 10.5 + 0.01 * sfr);
        y2.push(-0.4 * (mr + 21.0) + 11.8 - 0.02 * sfr);
    }
    let p = GbdtParams {
        num_iterations: 20,
        num_leaves: 5,
        ..GbdtParams::default()
    };
    let names = ["mr".to_string(), "sfr".to_string()];
    let m = [&y1, &y2]
        .iter()
        .map(|y| {
            let s = Samples::new(&x, 2, y).unwrap();
            train(&p, &s, None, &names).unwrap().model
        })
        .collect();
    (m, x)
}

#[test]
fn gbdt_bundle_round_trip_predicts_identically() {
    let (models, x) = models();
    let b = Bundle::from_gbdt(manifest(), models.clone()).unwrap();
    let bytes = b.to_bytes().unwrap();
    assert!(bytes.starts_with(b"GALMASS\0"));
    assert_eq!(&bytes[8..12], &FORMAT_VERSION.to_le_bytes());
    let back = Bundle::from_bytes(&bytes).unwrap();
    assert_eq!(back, b);
    let m2 = back.gbdt_models().unwrap();
    assert_eq!(m2, models);
    for (a, b) in models.iter().zip(&m2) {
        let pa = a.predict(&x).unwrap();
        let pb = b.predict(&x).unwrap();
        assert!(pa.iter().zip(&pb).all(|(u, v)| u.to_bits() == v.to_bits()));
    }
    // The manifest checks the caller's feature columns.
    back.manifest.check_features(&["mr", "sfr"]).unwrap();
    assert!(matches!(
        back.manifest.check_features(&["sfr", "mr"]),
        Err(BundleError::Features { .. })
    ));
    // Bytes are deterministic.
    assert_eq!(back.to_bytes().unwrap(), bytes);
}

#[test]
fn damaged_bytes_give_the_right_error() {
    let (models, _) = models();
    let bytes = Bundle::from_gbdt(manifest(), models)
        .unwrap()
        .to_bytes()
        .unwrap();
    // Every truncation is detected as such (never a panic, never a wrong success).
    for cut in 0..bytes.len() {
        let e = Bundle::from_bytes(&bytes[..cut]).unwrap_err();
        assert!(matches!(e, BundleError::Truncated { .. }), "cut {cut}: {e}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        Bundle::from_bytes(&longer).unwrap_err(),
        BundleError::TrailingBytes { extra: 1 }
    );
    // A flipped bit anywhere after the length fields fails the checksum.
    for at in [25, 100, bytes.len() / 2, bytes.len() - 10, bytes.len() - 1] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        let e = Bundle::from_bytes(&bad).unwrap_err();
        assert!(matches!(e, BundleError::Checksum { .. }), "byte {at}: {e}");
    }
    let mut v2 = bytes.clone();
    v2[8..12].copy_from_slice(&2u32.to_le_bytes());
    let e = Bundle::from_bytes(&v2).unwrap_err();
    assert_eq!(e, BundleError::Version { found: 2 });
    assert!(
        e.to_string()
            .starts_with("bundle format 2, this galmass reads 1: re-export it with"),
        "{e}"
    );
    let mut magic = bytes.clone();
    magic[0] = b'X';
    assert_eq!(
        Bundle::from_bytes(&magic).unwrap_err(),
        BundleError::WrongMagic
    );
    assert_eq!(
        Bundle::from_bytes(b"PK\x03\x04").unwrap_err(),
        BundleError::WrongMagic
    );
}

/// A manifest with another schema, or a GBDT payload whose models disagree with it, is refused;
/// a CNN manifest checks the shapes of the inputs given.
#[test]
fn manifest_checks() {
    let (models, _) = models();
    let mut m = manifest();
    m.schema = "galmass-bundle/2".into();
    assert!(matches!(
        Bundle::from_gbdt(m, models.clone()),
        Err(BundleError::Schema { .. })
    ));
    let mut m = manifest();
    m.targets.pop();
    m.metrics.clear();
    assert!(matches!(
        Bundle::from_gbdt(m, models.clone()),
        Err(BundleError::Invalid(_))
    ));
    let mut m = manifest();
    m.features.pop();
    assert!(matches!(
        Bundle::from_gbdt(m, models),
        Err(BundleError::Invalid(_))
    ));

    let plane = |q, u: &str| PlaneSpec {
        quantity: q,
        units: u.into(),
        norm: Norm::Physical,
    };
    let cnn = Manifest {
        kind: ModelKind::Cnn,
        inputs: vec![
            InputSpec {
                name: "r".into(),
                shape: vec![60, 60],
                units: String::new(),
                planes: vec![plane(PlaneKind::SurfaceBrightness, "Lsun/kpc^2")],
            },
            InputSpec {
                name: "vel".into(),
                shape: vec![3, 48, 48],
                units: String::new(),
                planes: vec![
                    plane(PlaneKind::Velocity, "km/s"),
                    plane(PlaneKind::Dispersion, "km/s"),
                    plane(PlaneKind::Mask, "1"),
                ],
            },
        ],
        features: vec![],
        network: Some(galmass_core::cnn::CnnConfig {
            branches: vec![
                galmass_core::cnn::BranchSpec {
                    input: galmass_core::cnn::CnnInput::R,
                    size: 60,
                },
                galmass_core::cnn::BranchSpec {
                    input: galmass_core::cnn::CnnInput::Vel,
                    size: 48,
                },
            ],
            width: 0.0625,
            outputs: 2,
            side_input: false,
            ..Default::default()
        }),
        payload_encoding: PayloadEncoding::F16,
        ..manifest()
    };
    let b = Bundle {
        manifest: cnn,
        payload: galmass_core::bundle::weights::encode_f16(&[0.5, -1.25]).unwrap(),
    };
    let back = Bundle::from_bytes(&b.to_bytes().unwrap()).unwrap();
    assert_eq!(back, b);
    assert!(matches!(back.gbdt_models(), Err(BundleError::Kind { .. })));
    let mf = &back.manifest;
    mf.check_inputs(&[("r", &[60, 60]), ("vel", &[3, 48, 48])])
        .unwrap();
    let e = mf
        .check_inputs(&[("r", &[60, 60]), ("vel", &[2, 48, 48])])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "input vel has shape [2, 48, 48] but the model needs [3, 48, 48]"
    );
    assert!(matches!(
        mf.check_inputs(&[("r", &[60, 60])]),
        Err(BundleError::MissingInput { .. })
    ));
    assert!(matches!(
        mf.check_inputs(&[("r", &[60, 60]), ("vel", &[3, 48, 48]), ("g", &[60, 60])]),
        Err(BundleError::UnexpectedInput { .. })
    ));
    let mut bad = back.manifest.clone();
    bad.inputs[1].planes.pop();
    assert!(matches!(bad.validate(), Err(BundleError::Invalid(_))));
}

#[test]
fn the_ensemble_loader_names_the_damaged_member_and_refuses_mismatched_ones() {
    use galmass_core::bundle::ensemble::Ensemble;
    let (models, _) = models();
    let good = Bundle::from_gbdt(manifest(), models.clone())
        .unwrap()
        .to_bytes()
        .unwrap();
    let two = Ensemble::from_bytes([("a.gmb", &good[..]), ("b.gmb", &good[..])]).unwrap();
    assert_eq!(two.len(), 2);
    assert_eq!(two.kind(), ModelKind::Gbdt);
    assert_eq!(two.target_names(), ["mstar", "mtot"]);
    // mstar has σ = 0.12 in both members; mtot has no metrics (NaN).
    let s = two.test_sigma();
    assert!((s[0] - 0.12).abs() < 1e-12 && s[1].is_nan());

    let mut damaged = good.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    let e = Ensemble::from_bytes([("a.gmb", &good[..]), ("b.gmb", &damaged[..])]).unwrap_err();
    assert!(
        matches!(&e, BundleError::Member { name, source } if name == "b.gmb" && matches!(**source, BundleError::Checksum { .. })),
        "{e}"
    );
    assert!(e.to_string().starts_with("b.gmb: bundle checksum mismatch"));

    let mut other = manifest();
    other.targets.truncate(1);
    let b = Bundle::from_gbdt(other, models[..1].to_vec()).unwrap();
    let a = Bundle::from_bytes(&good).unwrap();
    let e = Ensemble::new(vec![a, b]).unwrap_err();
    assert!(
        e.to_string()
            .contains("bundle 2 of the ensemble differs from bundle 1 in its targets"),
        "{e}"
    );
    assert!(Ensemble::from_bytes(std::iter::empty()).is_err());
}

/// Issue 16: a model trained on observed maps records their conditions in its manifest; a
/// manifest without the field (every bundle before it) reads as trained on ideal maps.
#[test]
fn the_training_conditions_round_trip_and_default_to_ideal_maps() {
    use galmass_core::telescope::ConditionRanges;
    let (models, _) = models();
    let mut m = manifest();
    m.training.conditions = Some(ConditionRanges::manga());
    let b = Bundle::from_gbdt(m, models.clone()).unwrap();
    let back = Bundle::from_bytes(&b.to_bytes().unwrap()).unwrap();
    assert_eq!(
        back.manifest.training.conditions,
        Some(ConditionRanges::manga())
    );
    let ideal = Bundle::from_gbdt(manifest(), models).unwrap();
    let json = serde_json::to_string(&ideal.manifest).unwrap();
    assert!(
        !json.contains("conditions"),
        "ideal maps: no field, as before"
    );
    let old: Manifest = serde_json::from_str(&json).unwrap();
    assert_eq!(old.training.conditions, None);
}
