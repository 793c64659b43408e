//! GBDT behaviour that follows from the algorithm's definition (analytic cases), typed
//! errors on bad input, the paper preset and the serde/text model formats.

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

use galmass_core::gbdt::{
    GbdtError, GbdtModel, GbdtParams, Objective, Samples, train, train_observed,
};

/// x uniform on a grid, y a step at x = 0.5 with a group-dependent spread.
fn step_data() -> (Vec<f64>, Vec<f64>) {
    let x: Vec<f64> = (0..200).map(|i| i as f64 / 200.0).collect();
    let y: Vec<f64> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v > 0.5 {
                3.0 + (i % 7) as f64
            } else {
                1.0 + (i % 3) as f64 * 0.5
            }
        })
        .collect();
    (x, y)
}

fn one_split(obj: Objective) -> GbdtParams {
    GbdtParams {
        objective: obj,
        num_iterations: 1,
        num_leaves: 2,
        learning_rate: 1.0,
        // One distinct value a bin, so that the cut can fall between any two rows.
        min_data_in_bin: 1,
        ..GbdtParams::default()
    }
}

#[test]
fn l2_single_split_predicts_group_means() {
    let (x, y) = step_data();
    let s = Samples::new(&x, 1, &y).unwrap();
    let m = train(&one_split(Objective::L2), &s, None, &[])
        .unwrap()
        .model;
    let t = &m.trees[0];
    assert_eq!(t.num_leaves, 2);
    // The cut lies between the two groups: at the midpoint of 0.5 and 0.505, one ulp up.
    assert_eq!(t.threshold[0], ((0.5f64 + 0.505) / 2.0).next_up());
    let mean = |f: &dyn Fn(f64) -> bool| {
        let v: Vec<f64> = x
            .iter()
            .zip(&y)
            .filter(|(a, _)| f(**a))
            .map(|(_, b)| *b as f32 as f64)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    let lo = mean(&|a| a <= 0.5);
    let hi = mean(&|a| a > 0.5);
    assert!(
        (m.predict_row(&[0.2]).unwrap() - lo).abs() < 1e-6,
        "{} vs {lo}",
        m.predict_row(&[0.2]).unwrap()
    );
    assert!((m.predict_row(&[0.9]).unwrap() - hi).abs() < 1e-6);
    // Gain of the split = Σ over children of G²/H minus the parent's, with G the sum of
    // residuals about the initial mean: n_l n_r (mean_r − mean_l)² / n.
    let (nl, nr) = (101.0, 99.0);
    let gain = nl * nr * (hi - lo) * (hi - lo) / 200.0;
    assert!((m.importance_gain()[0] - gain).abs() < 1e-4 * gain);
    assert_eq!(m.importance_split(), vec![1]);
}

#[test]
fn l1_single_split_predicts_group_medians() {
    let (x, y) = step_data();
    let s = Samples::new(&x, 1, &y).unwrap();
    let m = train(&one_split(Objective::L1), &s, None, &[])
        .unwrap()
        .model;
    let median = |f: &dyn Fn(f64) -> bool| {
        let mut v: Vec<f64> = x
            .iter()
            .zip(&y)
            .filter(|(a, _)| f(**a))
            .map(|(_, b)| *b)
            .collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            0.5 * (v[n / 2 - 1] + v[n / 2])
        }
    };
    assert!((m.predict_row(&[0.2]).unwrap() - median(&|a| a <= 0.5)).abs() < 1e-6);
    assert!((m.predict_row(&[0.9]).unwrap() - median(&|a| a > 0.5)).abs() < 1e-6);
}

#[test]
fn min_data_in_leaf_and_num_leaves_bound_the_trees() {
    let (x, y) = step_data();
    let s = Samples::new(&x, 1, &y).unwrap();
    let p = GbdtParams {
        num_iterations: 20,
        num_leaves: 6,
        min_data_in_leaf: 30,
        ..GbdtParams::default()
    };
    let out = train(&p, &s, None, &[]).unwrap();
    for t in &out.model.trees {
        assert!(t.num_leaves <= 6);
        assert!(t.leaf_count.iter().all(|&c| c >= 30));
    }
    // Boosting lowers the training loss every round.
    assert!(out.curves.train_mse.windows(2).all(|w| w[1] <= w[0]));
    let d = GbdtParams { max_depth: 1, ..p };
    let out = train(&d, &s, None, &[]).unwrap();
    assert!(out.model.trees.iter().all(|t| t.num_leaves <= 2));
}

#[test]
fn bad_input_gives_typed_errors() {
    let p = GbdtParams::default();
    let x = [1.0, 2.0, 3.0];
    assert!(matches!(
        Samples::new(&x, 1, &[1.0, f64::NAN, 2.0]),
        Err(GbdtError::NonFiniteLabel { index: 1, .. })
    ));
    assert!(matches!(
        Samples::new(&x, 1, &[1.0, 2.0]),
        Err(GbdtError::LengthMismatch { .. })
    ));
    assert!(matches!(
        Samples::new(&[1.0, f64::INFINITY], 2, &[1.0]),
        Err(GbdtError::NonFiniteFeature {
            row: 0,
            feature: 1,
            ..
        })
    ));
    assert_eq!(Samples::new(&x, 0, &[]).unwrap_err(), GbdtError::NoFeatures);
    // Samples built by hand are checked again by `train`.
    let raw = Samples {
        x: &x,
        n_features: 1,
        y: &[1.0, 2.0, f64::NAN],
    };
    assert!(matches!(
        train(&p, &raw, None, &[]),
        Err(GbdtError::NonFiniteLabel { index: 2, .. })
    ));
    let empty = Samples::new(&[], 3, &[]).unwrap();
    assert_eq!(
        train(&p, &empty, None, &[]).unwrap_err(),
        GbdtError::EmptyTrainingSet
    );
    let s = Samples::new(&x, 1, &[1.0, 2.0, 3.0]).unwrap();
    assert!(matches!(
        train(&p, &s, None, &["a".into(), "b".into()]),
        Err(GbdtError::LengthMismatch {
            what: "feature_names",
            ..
        })
    ));
    let t = Samples::new(&[1.0, 2.0], 2, &[1.0]).unwrap();
    assert!(matches!(
        train(&p, &s, Some(&t), &[]),
        Err(GbdtError::LengthMismatch { .. })
    ));
    let bad = GbdtParams { num_leaves: 1, ..p };
    assert!(matches!(
        train(&bad, &s, None, &[]),
        Err(GbdtError::InvalidParam {
            name: "num_leaves",
            ..
        })
    ));
    let bad = GbdtParams {
        max_bin: 1000,
        ..GbdtParams::default()
    };
    assert!(matches!(
        train(&bad, &s, None, &[]),
        Err(GbdtError::InvalidParam {
            name: "max_bin",
            ..
        })
    ));
}

#[test]
fn presets() {
    let p = GbdtParams::paper();
    assert_eq!(
        (
            p.num_leaves,
            p.num_iterations,
            p.min_data_in_leaf,
            p.max_depth
        ),
        (5, 500, 20, -1)
    );
    assert_eq!(p.learning_rate, 0.1);
    let d = GbdtParams::default();
    assert_eq!(
        (d.num_leaves, d.num_iterations, d.max_bin, d.min_data_in_bin),
        (31, 100, 255, 3)
    );
    assert_eq!(GbdtParams::preset("paper"), Some(p));
    assert_eq!(GbdtParams::preset("nope"), None);
}

#[test]
fn json_and_text_formats() {
    let (x, y) = step_data();
    let s = Samples::new(&x, 1, &y).unwrap();
    let p = GbdtParams {
        num_iterations: 5,
        ..GbdtParams::default()
    };
    let m = train(&p, &s, None, &["r".into()]).unwrap().model;
    let json = serde_json::to_string(&m).unwrap();
    let back: GbdtModel = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
    assert!(matches!(
        m.predict_row(&[0.1, 0.2]),
        Err(GbdtError::LengthMismatch { .. })
    ));
    assert!(m.predict(&[0.1, 0.2, 0.3]).is_ok());
    let txt = m.to_lightgbm_text();
    assert!(txt.starts_with("tree\nversion=v4\n"));
    assert!(txt.contains("objective=regression\n"));
    assert!(txt.contains("feature_names=r\n"));
    assert_eq!(txt.matches("\nTree=").count(), m.trees.len());
    // tree_sizes are the byte lengths of the tree blocks.
    let sizes: usize = txt
        .lines()
        .find_map(|l| l.strip_prefix("tree_sizes="))
        .unwrap()
        .split(' ')
        .map(|v| v.parse::<usize>().unwrap())
        .sum();
    let start = txt.find("Tree=0").unwrap();
    let end = txt.find("end of trees").unwrap();
    assert_eq!(end - start, sizes);
}

#[test]
fn large_leaves_split_on_the_informative_feature() {
    // 20000 rows (above the parallel threshold of 16384), a step in feature 1, two uninformative
    // features; one split at learning rate 1 must cut feature 1 at the step (midpoint of
    // 0.25 and 0.375, one ulp up) and predict
    // the two group means.
    let n = 20000;
    let mut x = Vec::with_capacity(3 * n);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let a = ((i * 7919) % 1000) as f64 / 1000.0;
        let b = (i % 8) as f64 / 8.0;
        let c = ((i * 104729) % 997) as f64;
        x.extend_from_slice(&[a, b, c]);
        y.push(if b > 0.25 { 2.0 } else { -1.0 });
    }
    let s = Samples::new(&x, 3, &y).unwrap();
    let m = train(&one_split(Objective::L2), &s, None, &[])
        .unwrap()
        .model;
    assert_eq!(m.trees[0].split_feature, vec![1]);
    assert_eq!(m.trees[0].threshold[0], 0.3125f64.next_up());
    assert!((m.predict_row(&[0.5, 0.1, 3.0]).unwrap() + 1.0).abs() < 1e-9);
    assert!((m.predict_row(&[0.5, 0.9, 3.0]).unwrap() - 2.0).abs() < 1e-9);
}

#[test]
fn observed_training_reports_every_round_and_trains_the_same() {
    let (x, y) = step_data();
    let s = Samples::new(&x, 1, &y).unwrap();
    let p = GbdtParams {
        num_iterations: 7,
        min_data_in_leaf: 5,
        ..GbdtParams::default()
    };
    let mut seen = Vec::new();
    let observed = train_observed(&p, &s, Some(&s), &[], &mut |k| seen.push(k)).unwrap();
    assert_eq!(seen, (0..=7).collect::<Vec<_>>());
    assert_eq!(observed, train(&p, &s, Some(&s), &[]).unwrap());
    // A model that cannot split stops early but still reports the last round.
    let flat = vec![2.0; 200];
    let s = Samples::new(&x, 1, &flat).unwrap();
    let mut last = 0;
    train_observed(&p, &s, None, &[], &mut |k| last = k).unwrap();
    assert_eq!(last, 7);
}
