//! End-to-end tests of `galmass train gbdt` (docs/contracts/reports.md: the METRICS.json
//! contract, train = splits 0 + 1, test = split 2, the paper's cut n_ser ≤ 100 and B/T ≤ 1,
//! exit 2 on bad input without leaving outputs behind).

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{FEATURES, galmass, ok};
use galmass_core::gbdt::GbdtModel;
use serde_json::Value;

/// The tests of this file open HDF5 files in-process (with locks) while spawning galmass:
/// run them one at a time so that no child inherits a lock a later open would hit.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A 30-galaxy mock dataset (90 samples, small particle counts, 60² maps), built once per
/// test process under a name of its own and renamed into place, so that test runners with
/// one process per test (nextest) never see a half-written file (the build is seeded, so
/// every process writes the same content).
fn small_dataset() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("train_gbdt");
        std::fs::create_dir_all(&dir).unwrap();
        let mine = dir.join(format!("small-{}.h5", std::process::id()));
        let _ = std::fs::remove_file(&mine);
        ok(&[
            "dataset",
            "build",
            "--source",
            "mock",
            "--galaxies",
            "30",
            "--seed",
            "5",
            "--image-size",
            "60",
            "--n-star",
            "2000",
            "--n-dm",
            "2000",
            "--n-gas",
            "400",
            "--out",
            mine.to_str().unwrap(),
        ]);
        let p = dir.join("small.h5");
        std::fs::rename(&mine, &p).unwrap();
        p
    })
}

/// A copy of the small dataset at `dst` with `edit(file)` applied.
fn tampered_copy(dst: &Path, edit: impl FnOnce(&hdf5::File)) {
    std::fs::copy(small_dataset(), dst).unwrap();
    let f = hdf5::File::open_rw(dst).unwrap();
    edit(&f);
}

fn read<T: hdf5::H5Type>(f: &hdf5::File, name: &str) -> Vec<T> {
    f.dataset(name).unwrap().read_raw::<T>().unwrap()
}

fn write<T: hdf5::H5Type>(f: &hdf5::File, name: &str, v: &[T]) {
    f.dataset(name).unwrap().write_raw(v).unwrap();
}

/// Checks the PNG signature and that the IHDR chunk has a non-zero size.
fn assert_png(p: &Path) {
    let b = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{}", p.display());
    assert_eq!(&b[12..16], b"IHDR");
    let w = u32::from_be_bytes(b[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(b[20..24].try_into().unwrap());
    assert!(w >= 400 && h >= 300, "{}: {w}×{h}", p.display());
    assert!(b.len() > 5000, "{}: only {} bytes", p.display(), b.len());
}

#[test]
fn metrics_follow_the_contract_and_the_model_reproduces_them() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("cut.h5");
    // Plant one train row with n_ser > 100 and one test row with B/T > 1: the paper's cut
    // must drop exactly these two.
    let split0: Vec<u8> = read(&hdf5::File::open(small_dataset()).unwrap(), "meta/split");
    let first_train = split0.iter().position(|&s| s <= 1).unwrap();
    let first_test = split0.iter().position(|&s| s == 2).unwrap();
    tampered_copy(&data, |f| {
        let mut n: Vec<f64> = read(f, "features/n_ser");
        n[first_train] = 150.0;
        write(f, "features/n_ser", &n);
        let mut bt: Vec<f64> = read(f, "features/bt");
        bt[first_test] = 1.2;
        write(f, "features/bt", &bt);
    });
    let model = dir.path().join("model.json");
    let metrics = dir.path().join("metrics.json");
    let out = ok(&[
        "train",
        "gbdt",
        "--data",
        data.to_str().unwrap(),
        "--target",
        "mstar",
        "--preset",
        "paper",
        "--rounds",
        "40",
        "--min-data-in-leaf",
        "5",
        "--out",
        model.to_str().unwrap(),
        "--metrics",
        metrics.to_str().unwrap(),
    ]);
    assert!(out.contains("2 cut"), "{out}");

    let m: Value = serde_json::from_slice(&std::fs::read(&metrics).unwrap()).unwrap();
    let keys: BTreeSet<&str> = m.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    let want: BTreeSet<&str> = [
        "model",
        "target",
        "features",
        "n_train",
        "n_test",
        "mean_dex",
        "sigma_dex",
        "importance_gain",
        "train_seconds",
        "curves",
    ]
    .into();
    assert_eq!(keys, want);
    let ckeys: BTreeSet<&str> = m["curves"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        ckeys,
        ["train_mae", "test_mae", "train_mse", "test_mse"].into()
    );
    for c in ["train_mae", "test_mae", "train_mse", "test_mse"] {
        assert_eq!(m["curves"][c].as_array().unwrap().len(), 40, "{c}");
    }
    assert_eq!(m["model"], "gbdt");
    assert_eq!(m["target"], "mstar");
    let feats: Vec<&str> = m["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(feats, FEATURES);
    assert!(m["train_seconds"].as_f64().unwrap() > 0.0);

    // Row counts from the file itself: splits 0+1 and 2, minus the two planted rows.
    let f = hdf5::File::open(&data).unwrap();
    let split: Vec<u8> = read(&f, "meta/split");
    let n_tr = split.iter().filter(|&&s| s <= 1).count();
    let n_te = split.iter().filter(|&&s| s == 2).count();
    assert_eq!(m["n_train"].as_u64().unwrap() as usize, n_tr - 1);
    assert_eq!(m["n_test"].as_u64().unwrap() as usize, n_te - 1);

    // Importance shares over exactly the features, summing to 1.
    let imp = m["importance_gain"].as_object().unwrap();
    let ikeys: BTreeSet<&str> = imp.keys().map(|k| k.as_str()).collect();
    assert_eq!(ikeys, FEATURES.into());
    let total: f64 = imp.values().map(|v| v.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-12, "{total}");
    assert!(imp.values().all(|v| v.as_f64().unwrap() >= 0.0));

    // The JSON model, applied by galmass-core to the test rows read here (sfr enters as
    // log10(sfr + 1e-3)), gives the metrics' mean and σ of pred − true.
    let gm: GbdtModel = serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap();
    assert_eq!(gm.feature_names, FEATURES);
    let cols: Vec<Vec<f64>> = FEATURES
        .iter()
        .map(|n| read::<f64>(&f, &format!("features/{n}")))
        .collect();
    let y: Vec<f64> = read(&f, "targets/mstar");
    let mut d = Vec::new();
    for i in 0..y.len() {
        let (n_ser, bt) = (cols[3][i], cols[7][i]);
        if split[i] != 2 || n_ser > 100.0 || bt > 1.0 {
            continue;
        }
        let row: Vec<f64> = FEATURES
            .iter()
            .enumerate()
            .map(|(k, n)| {
                let v = cols[k][i];
                if *n == "sfr" { (v + 1e-3).log10() } else { v }
            })
            .collect();
        d.push(gm.predict_row(&row).unwrap() - y[i]);
    }
    assert_eq!(d.len(), n_te - 1);
    let mean = d.iter().sum::<f64>() / d.len() as f64;
    let sigma = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / d.len() as f64).sqrt();
    assert!((mean - m["mean_dex"].as_f64().unwrap()).abs() < 1e-12);
    assert!((sigma - m["sigma_dex"].as_f64().unwrap()).abs() < 1e-12);
    // The last test MSE of the curves is the mean squared offset; the curves use f32
    // labels (as LightGBM), |δy| ≤ 5e-7 at log M ≈ 10, so |δMSE| ≤ 2·max|d|·5e-7 < 1e-6.
    let mse_last = m["curves"]["test_mse"][39].as_f64().unwrap();
    let mse = d.iter().map(|x| x * x).sum::<f64>() / d.len() as f64;
    assert!((mse_last - mse).abs() < 1e-6, "{mse_last} vs {mse}");

    // LightGBM's model.txt beside the model, and the four figures beside the metrics.
    let txt = std::fs::read_to_string(dir.path().join("model.txt")).unwrap();
    assert!(txt.starts_with("tree\n"), "{}", &txt[..40.min(txt.len())]);
    assert!(txt.contains("feature_names=mr g_r sfr"));
    for fig in ["scatter", "importance", "curves", "correlation"] {
        assert_png(&dir.path().join(format!("metrics_figures/{fig}.png")));
    }
    // No temporary file is left.
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.contains("partial"), "{name}");
    }
}

#[test]
fn no_mr_drops_the_magnitude_and_l1_trains() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let metrics = dir.path().join("m.json");
    let fig = dir.path().join("figs");
    ok(&[
        "train",
        "gbdt",
        "--data",
        small_dataset().to_str().unwrap(),
        "--target",
        "fdm",
        "--features",
        "no-mr",
        "--objective",
        "l1",
        "--rounds",
        "5",
        "--min-data-in-leaf",
        "5",
        "--no-model-txt",
        "--figures",
        fig.to_str().unwrap(),
        "--out",
        dir.path().join("model").to_str().unwrap(),
        "--metrics",
        metrics.to_str().unwrap(),
    ]);
    let m: Value = serde_json::from_slice(&std::fs::read(&metrics).unwrap()).unwrap();
    let feats: Vec<&str> = m["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(feats, &FEATURES[1..]);
    assert!(m["importance_gain"].get("mr").is_none());
    let gm: GbdtModel =
        serde_json::from_slice(&std::fs::read(dir.path().join("model")).unwrap()).unwrap();
    assert_eq!(gm.params.objective, galmass_core::gbdt::Objective::L1);
    assert_eq!(gm.params.num_iterations, 5);
    assert!(!dir.path().join("model.txt").exists());
    assert_png(&fig.join("scatter.png"));
}

/// Runs a training expected to fail with exit 2 naming `names`, and checks that neither the
/// model nor the metrics (nor any temporary file) was written.
fn refused(data: &Path, extra: &[&str], names: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    let metrics = dir.path().join("metrics.json");
    let mut args = vec![
        "train",
        "gbdt",
        "--data",
        data.to_str().unwrap(),
        "--out",
        model.to_str().unwrap(),
        "--metrics",
        metrics.to_str().unwrap(),
        "--rounds",
        "3",
    ];
    args.extend_from_slice(extra);
    let o = galmass(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    for n in names {
        assert!(err.contains(n), "{args:?}: stderr should name {n}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "outputs left behind"
    );
}

#[test]
fn bad_input_exits_2_naming_the_problem() {
    let _serial = serial();
    let data = small_dataset();
    let file = data.to_str().unwrap();
    // Unknown target: the file, the name and the valid names.
    refused(
        data,
        &["--target", "mass"],
        &[file, "`mass`", "mstar", "ml_r", "mstar_2d_2r"],
    );
    // Unknown feature set / feature name.
    refused(
        data,
        &["--target", "mstar", "--features", "bogus"],
        &[file, "`bogus`", "sigma_v", "no-mr"],
    );
    // A missing dataset file.
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("train_gbdt/none.h5");
    refused(
        &missing,
        &["--target", "mstar"],
        &[missing.to_str().unwrap()],
    );

    let dir = tempfile::tempdir().unwrap();
    // A NaN label.
    let nan = dir.path().join("nan.h5");
    tampered_copy(&nan, |f| {
        let mut y: Vec<f64> = read(f, "targets/mstar");
        y[7] = f64::NAN;
        write(f, "targets/mstar", &y);
    });
    refused(
        &nan,
        &["--target", "mstar"],
        &[nan.to_str().unwrap(), "/targets/mstar", "row 7"],
    );
    // No test split.
    let no_test = dir.path().join("no_test.h5");
    tampered_copy(&no_test, |f| {
        let s: Vec<u8> = read(f, "meta/split");
        write(f, "meta/split", &vec![0u8; s.len()]);
    });
    refused(
        &no_test,
        &["--target", "mstar"],
        &[no_test.to_str().unwrap(), "/meta/split", "test (split 2)"],
    );
}

/// `galmass export` of two GBDTs → `galmass predict` on the test split: the CSV holds the
/// models' own predictions (recomputed here with galmass-core from the file's features),
/// the quoted σ equals each METRICS σ, fdm_derived = log10(1 − M*/Mtot), and the command
/// recorded in the manifest retrains a model identical to the exported one.
#[test]
fn export_then_predict_reproduces_the_models() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    let data = small_dataset().to_str().unwrap();
    for t in ["mstar", "mtot"] {
        ok(&[
            "train",
            "gbdt",
            "--data",
            data,
            "--target",
            t,
            "--rounds",
            "20",
            "--min-data-in-leaf",
            "5",
            "--no-figures",
            "--out",
            &p(&format!("{t}.json")),
            "--metrics",
            &p(&format!("{t}_m.json")),
        ]);
    }
    #[rustfmt::skip]
    ok(&["export", "--model", &p("mstar.json"), "--model", &p("mtot.json"),
        "--metrics", &p("mstar_m.json"), "--metrics", &p("mtot_m.json"),
        "--data", data, "--out", &p("b.galmass")]);
    ok(&[
        "predict",
        "--bundle",
        &p("b.galmass"),
        "--data",
        data,
        "--split",
        "test",
        "--out",
        &p("pred.csv"),
    ]);

    let f = hdf5::File::open(small_dataset()).unwrap();
    let split: Vec<u8> = read(&f, "meta/split");
    let cols: Vec<Vec<f64>> = FEATURES
        .iter()
        .map(|n| {
            let v: Vec<f64> = read(&f, &format!("features/{n}"));
            v.into_iter()
                .map(|x| if *n == "sfr" { (x + 1e-3).log10() } else { x })
                .collect()
        })
        .collect();
    let csv = std::fs::read_to_string(dir.path().join("pred.csv")).unwrap();
    let mut lines = csv.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), split.iter().filter(|&&s| s == 2).count());
    for t in ["mstar", "mtot"] {
        let model: GbdtModel =
            serde_json::from_slice(&std::fs::read(p(&format!("{t}.json"))).unwrap()).unwrap();
        let m: Value =
            serde_json::from_slice(&std::fs::read(p(&format!("{t}_m.json"))).unwrap()).unwrap();
        let truth: Vec<f64> = read(&f, &format!("targets/{t}"));
        for r in &rows {
            let i: usize = r[0].parse().unwrap();
            assert_eq!(split[i], 2);
            let x: Vec<f64> = cols.iter().map(|c| c[i]).collect();
            let want = model.predict(&x).unwrap()[0];
            let got: f64 = r[col(&format!("{t}_pred"))].parse().unwrap();
            assert!((got - want).abs() < 1e-6, "{t} row {i}: {got} vs {want}");
            let s: f64 = r[col(&format!("{t}_sigma_dex"))].parse().unwrap();
            assert!((s - m["sigma_dex"].as_f64().unwrap()).abs() < 1e-4);
            let tr: f64 = r[col(&format!("{t}_true"))].parse().unwrap();
            assert!((tr - truth[i]).abs() < 1e-6);
        }
    }
    for r in &rows {
        let ms: f64 = r[col("mstar_pred")].parse().unwrap();
        let mt: f64 = r[col("mtot_pred")].parse().unwrap();
        let fdm = r[col("fdm_derived")];
        if ms < mt {
            let want = (1.0 - 10f64.powf(ms - mt)).log10();
            assert!((fdm.parse::<f64>().unwrap() - want).abs() < 1e-5);
        } else {
            assert!(fdm.is_empty());
        }
    }

    // The manifest's command retrains the first model exactly.
    let bytes = std::fs::read(p("b.galmass")).unwrap();
    let b = galmass_core::bundle::Bundle::from_bytes(&bytes).unwrap();
    assert_eq!(b.gbdt_models().unwrap().len(), 2);
    let cmd = b.manifest.training.command.split(" && ").next().unwrap();
    let mut args: Vec<String> = cmd.split(' ').skip(1).map(String::from).collect();
    let out = args.iter().position(|a| a == "--out").unwrap();
    args[out + 1] = p("again.json");
    args.extend(["--metrics".into(), p("again_m.json"), "--no-figures".into()]);
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        std::fs::read(p("again.json")).unwrap(),
        std::fs::read(p("mstar.json")).unwrap()
    );

    // A truncated bundle, a model without its metrics, and a non-bundle are refused (exit 2).
    std::fs::write(p("cut.galmass"), &bytes[..bytes.len() / 2]).unwrap();
    let [cut, mstar, mtot, mstar_m, x, y] = [
        "cut.galmass",
        "mstar.json",
        "mtot.json",
        "mstar_m.json",
        "x.csv",
        "y.galmass",
    ]
    .map(p);
    #[rustfmt::skip]
    let bad: [(Vec<&str>, &str); 3] = [
        (vec!["predict", "--bundle", &cut, "--data", data, "--out", &x], "cut.galmass"),
        (vec!["predict", "--bundle", &mstar, "--data", data, "--out", &x], "mstar.json"),
        (vec!["export", "--model", &mstar, "--model", &mtot, "--metrics", &mstar_m,
              "--data", data, "--out", &y], "--metrics"),
    ];
    for (args, name) in bad {
        let o = galmass(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(name), "{err}");
    }
    assert!(!dir.path().join("x.csv").exists() && !dir.path().join("y.galmass").exists());
}
