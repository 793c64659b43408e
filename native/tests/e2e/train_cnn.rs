//! End-to-end tests of `galmass train cnn` on a tiny mock dataset (60² light maps, 48²
//! kinematics, a w = 1/16 network, a couple of epochs): METRICS.json keys, the best epoch is
//! the one of lowest validation loss, `--resume` continues the same run's curves, bad flags
//! exit 2 naming what is wrong.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{exit2, ok};
use serde_json::Value;

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
        // Per-epoch cosine: epoch 1 has lr₀ whatever E, so a 1-epoch run resumed to 3 epochs
        // can be compared with a 3-epoch run (warm-up + cosine per step depends on E from the
        // first step).
        "--schedule",
        "cosine",
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

/// kill -9 while the second epoch runs, then `--resume`: the run finishes with the same curves
/// and best epoch as an uninterrupted one (to 1e-4 relative: flex's multi-threaded
/// reductions may sum in another order), because every file it relies on is replaced
/// atomically and the checkpoint holds weights, batch-norm statistics, Adam moments and the
/// shuffling stream (which also draws the augmentation transforms).
#[test]
fn kill_9_mid_epoch_then_resume_matches_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let killed = dir.path().join("killed");
    let ds = dataset().to_str().unwrap().to_string();
    let epochs = "4";
    let args = |out: &Path| -> Vec<String> {
        [
            "train",
            "cnn",
            "--data",
            &ds,
            "--inputs",
            "r,vel",
            "--targets",
            "mstar",
            "--width",
            "0.0625",
            "--batch",
            "4",
            "--lr",
            "1e-3",
            "--augment",
            "--device",
            "cpu",
            "--epochs",
            epochs,
            "--out",
            out.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec()
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_galmass"))
        .args(args(&killed))
        .env("HDF5_USE_FILE_LOCKING", "FALSE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until epoch 1 is committed, then kill during epoch 2 (its batches take a while).
    let ckpt = killed.join("checkpoint.json");
    let t0 = std::time::Instant::now();
    loop {
        let done = std::fs::read_to_string(&ckpt)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v["epochs_done"].as_u64());
        if done == Some(1) {
            break;
        }
        assert!(
            t0.elapsed().as_secs() < 300,
            "no checkpoint after 300 s (epochs_done {done:?})"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    std::thread::sleep(std::time::Duration::from_millis(10));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Killed inside epoch 2: epoch 2 never committed.
    let after: Value = serde_json::from_str(&std::fs::read_to_string(&ckpt).unwrap()).unwrap();
    assert_eq!(after["epochs_done"], 1, "the kill came after epoch 2 ended");
    assert!(
        !killed.join("METRICS.json").exists(),
        "the run finished before the kill"
    );

    let mut resume = args(&killed);
    resume.push("--resume".into());
    let r: Vec<&str> = resume.iter().map(String::as_str).collect();
    ok(&r);
    let fresh = dir.path().join("fresh");
    let f: Vec<String> = args(&fresh);
    let f: Vec<&str> = f.iter().map(String::as_str).collect();
    ok(&f);

    let (a, b) = (metrics(&killed), metrics(&fresh));
    assert_eq!(a["epochs"], 4);
    for curve in ["train_loss", "val_loss"] {
        let x: Vec<f64> = serde_json::from_value(a["curves"][curve].clone()).unwrap();
        let y: Vec<f64> = serde_json::from_value(b["curves"][curve].clone()).unwrap();
        assert_eq!(x.len(), 4);
        for k in 0..4 {
            assert!(
                (x[k] - y[k]).abs() <= 1e-4 * y[k].abs(),
                "{curve}: {x:?} vs {y:?}"
            );
        }
    }
    assert_eq!(a["best_epoch"], b["best_epoch"]);
    let (sa, sb) = (
        a["per_target"]["mstar"]["sigma_dex"].as_f64().unwrap(),
        b["per_target"]["mstar"]["sigma_dex"].as_f64().unwrap(),
    );
    assert!((sa - sb).abs() <= 1e-4 * sb, "{sa} vs {sb}");
}
