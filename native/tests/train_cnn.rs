//! End-to-end tests of `galmass train cnn` on a tiny mock dataset (60² light maps, 48²
//! kinematics, a w = 1/16 network, a couple of epochs): METRICS.json keys, the best epoch is
//! the one of lowest validation loss, `--resume` continues the same run's curves, bad flags
//! exit 2 naming what is wrong.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

fn galmass(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_galmass"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let o = galmass(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn exit2(args: &[&str], names: &[&str]) {
    let o = galmass(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    for n in names {
        assert!(err.contains(n), "{args:?}: stderr should name {n}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// A dataset of 8 small mock galaxies × 3 projections at 60², split per sample (every split
/// non-empty), built once for all tests of this file.
fn dataset() -> &'static Path {
    static DS: OnceLock<PathBuf> = OnceLock::new();
    DS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let out = dir.join("ds.h5");
        ok(&[
            "dataset",
            "build",
            "--source",
            "mock",
            "--galaxies",
            "8",
            "--seed",
            "5",
            "--image-size",
            "60",
            "--split-by",
            "sample",
            "--n-star",
            "2000",
            "--n-dm",
            "2000",
            "--n-gas",
            "400",
            "--out",
            out.to_str().unwrap(),
        ]);
        out
    })
}

fn train(out: &Path, extra: &[&str]) -> String {
    let ds = dataset().to_str().unwrap().to_string();
    let out = out.to_str().unwrap().to_string();
    let mut args = vec![
        "train",
        "cnn",
        "--data",
        &ds,
        "--inputs",
        "r,vel",
        "--targets",
        "mstar,mtot",
        "--width",
        "0.0625",
        "--batch",
        "8",
        "--lr",
        "1e-3",
        "--device",
        "cpu",
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    ok(&args)
}

fn metrics(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("METRICS.json")).unwrap()).unwrap()
}

fn argmin(v: &[f64]) -> usize {
    let mut best = 0;
    for (k, x) in v.iter().enumerate() {
        if *x < v[best] {
            best = k;
        }
    }
    best
}

#[test]
fn trains_checkpoints_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let stdout = train(&out, &["--epochs", "1"]);
    assert!(
        stdout.contains("mstar") && stdout.contains("dex"),
        "{stdout}"
    );
    let m = metrics(&out);
    assert_eq!(m["model"], "cnn");
    assert_eq!(m["inputs"], serde_json::json!(["r", "vel"]));
    assert_eq!(m["targets"], serde_json::json!(["mstar", "mtot"]));
    for t in ["mstar", "mtot"] {
        assert!(m["per_target"][t]["mean_dex"].as_f64().unwrap().is_finite());
        assert!(m["per_target"][t]["sigma_dex"].as_f64().unwrap() >= 0.0);
    }
    let (n_train, n_val, n_test) = (
        m["n_train"].as_u64().unwrap(),
        m["n_val"].as_u64().unwrap(),
        m["n_test"].as_u64().unwrap(),
    );
    assert_eq!(n_train + n_val + n_test, 24);
    assert!(n_train > 0 && n_val > 0 && n_test > 0);
    assert_eq!(m["epochs"], 1);
    assert_eq!(m["best_epoch"], 1);
    assert!(m["train_seconds"].as_f64().unwrap() > 0.0);
    assert_eq!(m["device"], "cpu (flex)");
    let train1: Vec<f64> = serde_json::from_value(m["curves"]["train_loss"].clone()).unwrap();
    assert_eq!(train1.len(), 1);
    for f in [
        "model.bpk",
        "model.json",
        "checkpoint.json",
        "curves.csv",
        "test_predictions.csv",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }

    // Resume to 3 epochs: the curves continue (epoch 1 kept as it was), not restart.
    train(&out, &["--epochs", "3", "--resume"]);
    let m = metrics(&out);
    assert_eq!(m["epochs"], 3);
    let tr: Vec<f64> = serde_json::from_value(m["curves"]["train_loss"].clone()).unwrap();
    let val: Vec<f64> = serde_json::from_value(m["curves"]["val_loss"].clone()).unwrap();
    assert_eq!(tr.len(), 3);
    assert_eq!(val.len(), 3);
    assert_eq!(tr[0], train1[0]);
    // The saved model is the epoch of lowest validation loss.
    assert_eq!(m["best_epoch"].as_u64().unwrap() as usize, argmin(&val) + 1);
    let csv = std::fs::read_to_string(out.join("curves.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    // Only the last epoch's checkpoint records remain.
    assert!(out.join("ckpt-model-3.bpk").exists());
    assert!(!out.join("ckpt-model-1.bpk").exists());

    // An uninterrupted 3-epoch run gives the same curves and best epoch: the resumed run
    // restored weights, batch-norm statistics, Adam moments and the shuffling stream. (Up to
    // the floating-point order of flex's multi-threaded reductions; the cosine schedule of
    // epochs 1–3 is the same for E = 1 and E = 3 at epoch 1 since both start at lr₀.)
    let fresh = dir.path().join("fresh");
    train(&fresh, &["--epochs", "3"]);
    let f = metrics(&fresh);
    let ftr: Vec<f64> = serde_json::from_value(f["curves"]["train_loss"].clone()).unwrap();
    let fval: Vec<f64> = serde_json::from_value(f["curves"]["val_loss"].clone()).unwrap();
    for k in 0..3 {
        assert!(
            (ftr[k] - tr[k]).abs() <= 1e-4 * tr[k].abs(),
            "{ftr:?} vs {tr:?}"
        );
        assert!(
            (fval[k] - val[k]).abs() <= 1e-4 * val[k].abs(),
            "{fval:?} vs {val:?}"
        );
    }
    assert_eq!(f["best_epoch"], m["best_epoch"]);

    // Resuming with other options is refused.
    let ds = dataset().to_str().unwrap();
    let o = out.to_str().unwrap();
    exit2(
        &[
            "train",
            "cnn",
            "--data",
            ds,
            "--inputs",
            "r,vel",
            "--targets",
            "mstar",
            "--width",
            "0.0625",
            "--batch",
            "8",
            "--lr",
            "1e-3",
            "--device",
            "cpu",
            "--epochs",
            "4",
            "--resume",
            "--out",
            o,
        ],
        &["--resume"],
    );
}

#[test]
fn bad_flags_exit_2() {
    let ds = dataset().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("x");
    let o = o.to_str().unwrap();
    let base = |inputs: &'static str, targets: &'static str| {
        vec![
            "train",
            "cnn",
            "--data",
            ds,
            "--inputs",
            inputs,
            "--targets",
            targets,
            "--width",
            "0.0625",
            "--epochs",
            "1",
            "--device",
            "cpu",
            "--out",
            o,
        ]
    };
    exit2(&base("r,uv", "mstar"), &["uv"]);
    exit2(&base("r", "mstar,weight"), &["weight"]);
    exit2(&base("r", "mstar,mtot,mdm"), &["--targets"]);
    let mut a = base("r", "mstar");
    a.extend(["--image-size", "150"]);
    exit2(&a, &["150"]);
    let mut a = base("r", "mstar");
    a.push("--resume");
    exit2(&a, &["--resume"]);
    exit2(
        &[
            "train",
            "cnn",
            "--data",
            "/nonexistent.h5",
            "--inputs",
            "r",
            "--targets",
            "mstar",
            "--out",
            o,
        ],
        &["nonexistent"],
    );
}
