//! Our GBDT against LightGBM 4.x reference runs (fixtures made by
//! `tests/fixtures/gbdt/make_fixtures.py` with deterministic=true, force_col_wise=true,
//! num_threads=1): same trees (split features, thresholds = bin upper bounds, children,
//! leaf values and counts, gains), same predictions, importances and loss curves.

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

use galmass_core::gbdt::{GbdtModel, GbdtParams, Objective, Samples, Trained, train};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gbdt");

fn load(name: &str) -> Value {
    let s = std::fs::read_to_string(format!("{DIR}/{name}")).unwrap();
    serde_json::from_str(&s).unwrap()
}

fn matrix(v: &Value) -> (Vec<f64>, usize) {
    let rows = v.as_array().unwrap();
    let nf = rows[0].as_array().unwrap().len();
    let x = rows
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()))
        .collect();
    (x, nf)
}

fn vecf(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn veci(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

struct Data {
    names: Vec<String>,
    x_train: Vec<f64>,
    y_train: Vec<f64>,
    x_test: Vec<f64>,
    y_test: Vec<f64>,
    nf: usize,
}

fn data() -> Data {
    let d = load("data.json");
    let (x_train, nf) = matrix(&d["x_train"]);
    let (x_test, _) = matrix(&d["x_test"]);
    Data {
        names: d["feature_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect(),
        x_train,
        y_train: vecf(&d["y_train"]),
        x_test,
        y_test: vecf(&d["y_test"]),
        nf,
    }
}

/// LightGBM parameters of a fixture case mapped onto ours (defaults elsewhere).
fn params_of(case: &Value) -> GbdtParams {
    let p = &case["params"];
    let mut g = GbdtParams::default();
    for (k, v) in p.as_object().unwrap() {
        match k.as_str() {
            "objective" => {
                g.objective = match v.as_str().unwrap() {
                    "regression" => Objective::L2,
                    "regression_l1" => Objective::L1,
                    o => panic!("objective {o}"),
                }
            }
            "num_iterations" => g.num_iterations = v.as_u64().unwrap() as usize,
            "num_leaves" => g.num_leaves = v.as_u64().unwrap() as usize,
            "max_depth" => g.max_depth = v.as_i64().unwrap() as i32,
            "min_data_in_leaf" => g.min_data_in_leaf = v.as_u64().unwrap() as usize,
            "min_sum_hessian_in_leaf" => g.min_sum_hessian_in_leaf = v.as_f64().unwrap(),
            "lambda_l1" => g.lambda_l1 = v.as_f64().unwrap(),
            "lambda_l2" => g.lambda_l2 = v.as_f64().unwrap(),
            "min_gain_to_split" => g.min_gain_to_split = v.as_f64().unwrap(),
            "learning_rate" => g.learning_rate = v.as_f64().unwrap(),
            "max_bin" => g.max_bin = v.as_u64().unwrap() as usize,
            "min_data_in_bin" => g.min_data_in_bin = v.as_u64().unwrap() as usize,
            "boost_from_average" => g.boost_from_average = v.as_bool().unwrap(),
            other => panic!("unmapped parameter {other}"),
        }
    }
    g
}

fn run(case: &Value, d: &Data) -> Trained {
    let tr = Samples::new(&d.x_train, d.nf, &d.y_train).unwrap();
    let te = Samples::new(&d.x_test, d.nf, &d.y_test).unwrap();
    train(&params_of(case), &tr, Some(&te), &d.names).unwrap()
}

fn assert_close(what: &str, ours: &[f64], theirs: &[f64], abs: f64, rel: f64) {
    assert_eq!(ours.len(), theirs.len(), "{what}: length");
    for (i, (a, b)) in ours.iter().zip(theirs).enumerate() {
        let tol = abs + rel * b.abs();
        assert!(
            (a - b).abs() <= tol,
            "{what}[{i}]: ours {a} vs LightGBM {b}"
        );
    }
}

fn check_trees(name: &str, model: &GbdtModel, case: &Value) {
    let trees = case["trees"].as_array().unwrap();
    assert_eq!(
        model.trees.len() as u64,
        case["num_trees"].as_u64().unwrap(),
        "{name}: tree count"
    );
    for (k, lt) in trees.iter().enumerate() {
        let t = &model.trees[k];
        let w = format!("{name} tree {k}");
        assert_eq!(
            t.num_leaves as i64,
            lt["num_leaves"].as_i64().unwrap(),
            "{w}: num_leaves"
        );
        if t.num_leaves == 1 {
            assert_close(
                &format!("{w} leaf_value"),
                &t.leaf_value,
                &vecf(&lt["leaf_value"]),
                1e-6,
                0.0,
            );
            continue;
        }
        let sf: Vec<i64> = t.split_feature.iter().map(|&f| f as i64).collect();
        assert_eq!(sf, veci(&lt["split_feature"]), "{w}: split features");
        // Thresholds are bin upper bounds written with 17 significant digits.
        assert_close(
            &format!("{w} threshold"),
            &t.threshold,
            &vecf(&lt["threshold"]),
            0.0,
            1e-15,
        );
        let lc: Vec<i64> = t.left_child.iter().map(|&c| c as i64).collect();
        let rc: Vec<i64> = t.right_child.iter().map(|&c| c as i64).collect();
        assert_eq!(lc, veci(&lt["left_child"]), "{w}: left children");
        assert_eq!(rc, veci(&lt["right_child"]), "{w}: right children");
        let cnt: Vec<i64> = t.leaf_count.iter().map(|&c| c as i64).collect();
        assert_eq!(cnt, veci(&lt["leaf_count"]), "{w}: leaf counts");
        assert_close(
            &format!("{w} leaf_value"),
            &t.leaf_value,
            &vecf(&lt["leaf_value"]),
            1e-6,
            0.0,
        );
        // model.txt writes split gains with 6 significant digits.
        let gains: Vec<f64> = t.split_gain.iter().map(|&g| g as f64).collect();
        assert_close(
            &format!("{w} split_gain"),
            &gains,
            &vecf(&lt["split_gain"]),
            0.0,
            1e-5,
        );
    }
}

fn check_case(name: &str) {
    let d = data();
    let case = load(&format!("case_{name}.json"));
    let out = run(&case, &d);
    let m = &out.model;
    check_trees(name, m, &case);
    assert_close(
        &format!("{name} pred_train"),
        &m.predict(&d.x_train).unwrap(),
        &vecf(&case["pred_train"]),
        1e-6,
        0.0,
    );
    assert_close(
        &format!("{name} pred_test"),
        &m.predict(&d.x_test).unwrap(),
        &vecf(&case["pred_test"]),
        1e-6,
        0.0,
    );
    let split: Vec<i64> = m.importance_split().iter().map(|&v| v as i64).collect();
    assert_eq!(
        split,
        veci(&case["importance_split"]),
        "{name}: split importance"
    );
    assert_close(
        &format!("{name} gain importance"),
        &m.importance_gain(),
        &vecf(&case["importance_gain"]),
        1e-9,
        1e-9,
    );
    let n = out.curves.train_mae.len();
    let lgb_n = vecf(&case["train_l1"]).len();
    assert!(n <= lgb_n);
    assert_close(
        &format!("{name} train_mae"),
        &out.curves.train_mae,
        &vecf(&case["train_l1"])[..n],
        1e-12,
        1e-9,
    );
    assert_close(
        &format!("{name} train_mse"),
        &out.curves.train_mse,
        &vecf(&case["train_l2"])[..n],
        1e-12,
        1e-9,
    );
    assert_close(
        &format!("{name} test_mae"),
        &out.curves.test_mae,
        &vecf(&case["test_l1"])[..n],
        1e-12,
        1e-9,
    );
    assert_close(
        &format!("{name} test_mse"),
        &out.curves.test_mse,
        &vecf(&case["test_l2"])[..n],
        1e-12,
        1e-9,
    );
}

#[test]
fn l2_default_matches_lightgbm() {
    check_case("l2_default");
}

#[test]
fn l2_regularised_depth_limited_matches_lightgbm() {
    check_case("l2_regularised");
}

#[test]
fn l2_paper_preset_matches_lightgbm() {
    check_case("l2_paper");
}

#[test]
fn l2_coarse_bins_match_lightgbm() {
    check_case("l2_maxbin");
}

#[test]
fn l1_matches_lightgbm() {
    check_case("l1");
}

#[test]
fn l1_without_boost_from_average_matches_lightgbm() {
    check_case("l1_no_avg");
}

/// Writes our `model.txt` export and test-set predictions of every fixture case to
/// `$GBDT_EXPORT_DIR`, for `make_fixtures.py --check-export DIR` (LightGBM loads our
/// files and must predict the same). Run by hand: needs Python, so it is ignored.
#[test]
#[ignore]
fn export_models_for_lightgbm_check() {
    let dir = std::env::var("GBDT_EXPORT_DIR").expect("set GBDT_EXPORT_DIR");
    let d = data();
    for name in [
        "l2_default",
        "l2_regularised",
        "l2_paper",
        "l2_maxbin",
        "l1",
        "l1_no_avg",
    ] {
        let case = load(&format!("case_{name}.json"));
        let m = run(&case, &d).model;
        std::fs::write(format!("{dir}/{name}.model.txt"), m.to_lightgbm_text()).unwrap();
        let pred = m.predict(&d.x_test).unwrap();
        std::fs::write(
            format!("{dir}/{name}.pred.json"),
            serde_json::to_string(&pred).unwrap(),
        )
        .unwrap();
    }
}
