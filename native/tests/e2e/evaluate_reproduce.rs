//! End-to-end tests of `galmass evaluate` and `galmass reproduce` on a tiny mock dataset:
//! evaluation re-runs the trained CNN and the exported GBDT and must agree with what the
//! training runs measured on the same test split; the power-law baseline is the
//! least-squares line of log10 M* on log10 L_r; the report has the contract's keys.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{exit2, ok, small_dataset};
use serde_json::Value;

/// 10 small mock galaxies × 3 projections at 60², split per sample.
fn dataset() -> &'static Path {
    static DS: OnceLock<PathBuf> = OnceLock::new();
    DS.get_or_init(|| small_dataset(10, 11))
}

fn json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1e-12)
}

#[test]
fn evaluate_agrees_with_training_and_fits_the_power_law() {
    let ds = dataset().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f).to_str().unwrap().to_string();
    let (cnn, model, metrics, bundle, eval) = (
        p("cnn"),
        p("m.json"),
        p("m.METRICS.json"),
        p("b.bundle"),
        p("eval"),
    );
    ok(&[
        "train",
        "cnn",
        "--data",
        ds,
        "--inputs",
        "r,vel",
        "--targets",
        "mstar,mtot",
        "--width",
        "0.0625",
        "--batch",
        "8",
        "--epochs",
        "1",
        "--device",
        "cpu",
        "--out",
        &cnn,
    ]);
    ok(&[
        "train",
        "gbdt",
        "--data",
        ds,
        "--target",
        "mstar",
        "--rounds",
        "20",
        "--out",
        &model,
        "--metrics",
        &metrics,
        "--no-figures",
    ]);
    ok(&[
        "export",
        "--model",
        &model,
        "--metrics",
        &metrics,
        "--data",
        ds,
        "--out",
        &bundle,
    ]);
    let stdout = ok(&[
        "evaluate",
        "--data",
        ds,
        "--cnn",
        &cnn,
        "--bundle",
        &bundle,
        "--baseline",
        "mstar",
        "--device",
        "cpu",
        "--out",
        &eval,
    ]);
    assert!(stdout.contains("power_law"), "{stdout}");
    let ev = json(&dir.path().join("eval/evaluation.json"));
    let rows = ev["rows"].as_array().unwrap();
    let find = |model: &str, target: &str| {
        rows.iter()
            .find(|r| r["model"] == model && r["target"] == target)
            .unwrap_or_else(|| panic!("no {model} {target} row: {rows:?}"))
    };
    for r in rows {
        for k in [
            "model",
            "inputs",
            "target",
            "split",
            "n_test",
            "mean_dex",
            "sigma_dex",
        ] {
            assert!(!r[k].is_null(), "row lacks {k}: {r}");
        }
        assert_eq!(r["split"], "test");
    }
    // The CNN re-run gives what training measured on the same test samples.
    let m = json(&dir.path().join("cnn/METRICS.json"));
    for t in ["mstar", "mtot"] {
        let r = find("cnn", t);
        assert_eq!(r["n_test"], m["n_test"]);
        for k in ["mean_dex", "sigma_dex"] {
            let (a, b) = (
                r[k].as_f64().unwrap(),
                m["per_target"][t][k].as_f64().unwrap(),
            );
            assert!(
                close(a, b, 1e-4) || (a - b).abs() < 1e-6,
                "{t} {k}: {a} vs {b}"
            );
        }
    }
    assert!(rows.iter().any(|r| r["target"] == "fdm_derived"));
    // The bundle gives what `train gbdt` measured (same quality cut: none triggers here).
    let g = json(&dir.path().join("m.METRICS.json"));
    let r = find("gbdt", "mstar");
    assert!(close(
        r["sigma_dex"].as_f64().unwrap(),
        g["sigma_dex"].as_f64().unwrap(),
        1e-9
    ));
    // One galaxy typed in as features gives what the bundle predicts for that dataset row.
    let f5 = hdf5::File::open(dataset()).unwrap();
    let names = [
        "mr", "g_r", "sfr", "n_ser", "c_over_a", "sigma_v", "lambda_r", "bt", "f_cold", "f_hot",
    ];
    let feats: Vec<String> = names
        .iter()
        .map(|n| {
            let col: Vec<f64> = f5
                .dataset(&format!("features/{n}"))
                .unwrap()
                .read_raw()
                .unwrap();
            format!("{n}={:?}", col[0])
        })
        .collect();
    let one = p("one.csv");
    ok(&[
        "predict",
        "--bundle",
        &bundle,
        "--features",
        &feats.join(","),
        "--out",
        &one,
    ]);
    let all = p("all.csv");
    ok(&["predict", "--bundle", &bundle, "--data", ds, "--out", &all]);
    let one_line = std::fs::read_to_string(&one).unwrap();
    let all_text = std::fs::read_to_string(&all).unwrap();
    let typed = one_line
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let row0 = all_text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(4)
        .unwrap()
        .to_string();
    assert_eq!(typed, row0, "{one_line} vs {all_text}");
    exit2(
        &[
            "predict",
            "--bundle",
            &bundle,
            "--features",
            "mr=-20",
            "--out",
            &one,
        ],
        &["g_r", "missing"],
    );

    // Power law: the least-squares line of log10 M* on log10 L_r = (4.65 − M_r)/2.5 over
    // splits 0 + 1, computed here independently from the file.
    let f = hdf5::File::open(dataset()).unwrap();
    let mr: Vec<f64> = f.dataset("features/mr").unwrap().read_raw().unwrap();
    let ms: Vec<f64> = f.dataset("targets/mstar").unwrap().read_raw().unwrap();
    let split: Vec<u8> = f.dataset("meta/split").unwrap().read_raw().unwrap();
    let (x, y): (Vec<f64>, Vec<f64>) = (0..mr.len())
        .filter(|&i| split[i] != 2)
        .map(|i| ((4.65 - mr[i]) / 2.5, ms[i]))
        .unzip();
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let b: f64 = x
        .iter()
        .zip(&y)
        .map(|(a, c)| (a - mx) * (c - my))
        .sum::<f64>()
        / x.iter().map(|a| (a - mx).powi(2)).sum::<f64>();
    let base = &ev["baselines"][0];
    assert!(
        close(base["slope"].as_f64().unwrap(), b, 1e-9),
        "{base} vs slope {b}"
    );
    assert!(close(
        base["intercept"].as_f64().unwrap(),
        my - b * mx,
        1e-9
    ));
    assert_eq!(base["n_fit"].as_u64().unwrap() as usize, x.len());
    assert!(dir.path().join("eval/power_law_mstar.png").exists());

    exit2(
        &[
            "evaluate",
            "--data",
            ds,
            "--cnn",
            "/nonexistent-run",
            "--out",
            &eval,
        ],
        &["nonexistent-run", "model.json"],
    );
}

#[test]
fn reproduce_writes_the_report_contract() {
    let ds = dataset().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let o = out.to_str().unwrap();
    let stdout = ok(&[
        "reproduce",
        "--scale",
        "quick",
        "--data",
        ds,
        "--epochs",
        "1",
        "--width",
        "0.0625",
        "--only",
        "r_vel-mstar_mtot,r-mstar-res5,gbdt-mstar",
        "--device",
        "cpu",
        "--out",
        o,
    ]);
    assert!(stdout.contains("report.md"), "{stdout}");
    let rep = json(&out.join("report.json"));
    let rows = rep["rows"].as_array().unwrap();
    // Joint row → mstar, mtot, derived fdm; the 12² resolution row; the GBDT row.
    assert_eq!(rows.len(), 5, "{rows:?}");
    for r in rows {
        for k in [
            "model",
            "inputs",
            "target",
            "split",
            "n_test",
            "mean_dex",
            "sigma_dex",
        ] {
            assert!(!r[k].is_null(), "row lacks {k}: {r}");
        }
    }
    let res = rows.iter().find(|r| r["id"] == "r-mstar-res5").unwrap();
    assert_eq!(res["image_size"], 12);
    assert_eq!(res["paper_sigma_dex"], 0.07);
    // Each CNN row is the run's own METRICS.json.
    let m = json(&out.join("cnn/r-mstar-res5/METRICS.json"));
    assert_eq!(res["sigma_dex"], m["per_target"]["mstar"]["sigma_dex"]);
    assert!(
        rep["baselines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["target"] == "mstar")
    );
    assert!(rep["importance"]["gbdt-mstar"]["mr"].as_f64().unwrap() >= 0.0);
    assert!(rep["checks"].as_array().unwrap().len() >= 6);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("Table 4") && md.contains("Table 6") && md.contains("0.07"),
        "{md}"
    );
    assert!(out.join("figures/sigma_cnn.png").exists());

    // A second run reuses the finished rows (nothing retrained) and gives the same numbers.
    ok(&[
        "reproduce",
        "--scale",
        "quick",
        "--data",
        ds,
        "--epochs",
        "1",
        "--width",
        "0.0625",
        "--only",
        "r-mstar-res5",
        "--device",
        "cpu",
        "--out",
        o,
    ]);
    let again = json(&out.join("report.json"));
    assert_eq!(again["rows"][0]["sigma_dex"], res["sigma_dex"]);

    exit2(
        &[
            "reproduce",
            "--scale",
            "quick",
            "--data",
            ds,
            "--only",
            "r-nothing",
            "--out",
            o,
        ],
        &["r-nothing"],
    );
}

/// `galmass demo` end to end on a tiny sample: every step runs as a typed command (kept in
/// summary.md), both bundles are written, the table has the GBDT, CNN and power-law rows; a
/// second run reuses the dataset file (no build step, no dataset row in its timings).
#[test]
fn demo_runs_its_steps_and_reuses_the_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let o = out.to_str().unwrap();
    let args = [
        "demo",
        "--out",
        o,
        "--galaxies",
        "40",
        "--seed",
        "5",
        "--epochs",
        "1",
        "--width",
        "0.0625",
        "--device",
        "cpu",
    ];
    let stdout = ok(&args);
    assert!(stdout.contains("summary.md"), "{stdout}");
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    for want in [
        "galmass dataset build",
        "galmass train gbdt",
        "galmass train cnn",
        "galmass export --cnn",
        "galmass evaluate",
        "| mock sample → dataset |",
        "| GBDT (M*, Mtot) |",
    ] {
        assert!(md.contains(want), "summary.md lacks `{want}`:\n{md}");
    }
    for model in ["gbdt", "cnn", "power_law"] {
        assert!(
            md.contains(&format!("| {model} |")),
            "no {model} row:\n{md}"
        );
    }
    assert!(out.join("galmass-demo-gbdt.bundle").exists());
    assert!(out.join("galmass-demo-cnn.bundle").exists());

    ok(&args);
    let again = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(!again.contains("galmass dataset build"), "{again}");
    assert!(!again.contains("| mock sample → dataset |"), "{again}");
    assert!(again.contains("| GBDT (M*, Mtot) |"), "{again}");
}
