//! The observable scale (issue 16, beyond the paper): `dataset build --scale re` lays each
//! line of sight's maps on ±3 R_e, records it in the file, the run and the bundle, and a model
//! on ±3 R_e takes R_e in kpc, or in arcsec at a redshift, and refuses R_hsm data and radii.

use crate::common;

use std::path::Path;

use common::{exit2, ok};

/// A dataset of `n` small mock galaxies (seed 21) on `scale`, split per sample.
fn build(dir: &Path, name: &str, scale: &str) -> String {
    let out = dir.join(name).to_str().unwrap().to_string();
    let mut a = vec![
        "dataset",
        "build",
        "--source",
        "mock",
        "--galaxies",
        "6",
        "--seed",
        "21",
        "--image-size",
        "60",
        "--split-by",
        "sample",
        "--scale",
        scale,
        "--out",
        &out,
    ];
    a.extend(common::SMALL);
    ok(&a);
    out
}

/// First value of a CSV column.
fn first(p: &Path, col: &str) -> f64 {
    let text = std::fs::read_to_string(p).unwrap();
    let mut lines = text.lines();
    let k = lines
        .next()
        .unwrap()
        .split(',')
        .position(|c| c == col)
        .unwrap();
    lines
        .next()
        .unwrap()
        .split(',')
        .nth(k)
        .unwrap()
        .parse()
        .unwrap()
}

/// A little-endian f32 NPY file of `shape`.
fn npy(path: &Path, shape: &[usize], data: &[f32]) {
    std::fs::write(path, galmass_core::upload::npy_f32(shape, data)).unwrap();
}

#[test]
fn a_model_on_re_maps_takes_re_in_kpc_or_arcsec_and_refuses_rhsm() {
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    let s = |f: &str| p(f).to_str().unwrap().to_string();
    let re_ds = build(dir.path(), "re.h5", "re");
    let rh_ds = build(dir.path(), "rhsm.h5", "rhsm");

    // The file says its scale; its maps differ from the R_hsm file's, its radii do not.
    let info = ok(&["dataset", "info", &re_ds]);
    assert!(info.contains("map scale         ±3 R_e"), "{info}");
    assert!(ok(&["dataset", "info", &rh_ds]).contains("±3 R_hsm"));
    let (a, b) = (
        galmass::dataset::DatasetReader::open(Path::new(&re_ds)).unwrap(),
        galmass::dataset::DatasetReader::open(Path::new(&rh_ds)).unwrap(),
    );
    assert_eq!(a.attrs.build.scale.name(), "re");
    let (sa, sb) = (a.sample(0).unwrap(), b.sample(0).unwrap());
    assert_eq!((sa.rhsm_kpc, sa.re_kpc), (sb.rhsm_kpc, sb.re_kpc));
    assert_eq!(sa.targets, sb.targets);
    assert_ne!(sa.r, sb.r);
    // Shards of different scales do not merge.
    exit2(
        &["dataset", "merge", &re_ds, &rh_ds, "--out", &s("m.h5")],
        &["scale", "differs"],
    );

    ok(&[
        "train",
        "cnn",
        "--data",
        &re_ds,
        "--inputs",
        "r,vel",
        "--targets",
        "mstar,mtot",
        "--width",
        "0.0625",
        "--batch",
        "6",
        "--epochs",
        "1",
        "--side-input",
        "--device",
        "cpu",
        "--out",
        &s("run"),
    ]);
    let run = std::fs::read_to_string(p("run/model.json")).unwrap();
    assert!(run.contains("\"scale\": \"re\""), "{run}");
    // The bundle must be exported with the data it learned.
    exit2(
        &[
            "export",
            "--cnn",
            &s("run"),
            "--data",
            &rh_ds,
            "--out",
            &s("x.bundle"),
        ],
        &["rhsm.h5", "±3 R_hsm", "±3 R_e"],
    );
    ok(&[
        "export",
        "--cnn",
        &s("run"),
        "--data",
        &re_ds,
        "--out",
        &s("re.bundle"),
    ]);
    let bundle =
        galmass_core::bundle::Bundle::from_bytes(&std::fs::read(p("re.bundle")).unwrap()).unwrap();
    assert_eq!(bundle.manifest.training.scale.name(), "re");

    // Predicting R_hsm maps with it is refused, naming the file and both scales.
    exit2(
        &[
            "predict",
            "--bundle",
            &s("re.bundle"),
            "--data",
            &rh_ds,
            "--out",
            &s("x.csv"),
        ],
        &["rhsm.h5", "--scale re"],
    );
    ok(&[
        "predict",
        "--bundle",
        &s("re.bundle"),
        "--data",
        &re_ds,
        "--out",
        &s("d.csv"),
    ]);

    // One galaxy's files: R_e in kpc, and the same R_e as arcsec at a redshift, predict the
    // dataset's values for that sample.
    npy(&p("r.npy"), &[60, 60], &sa.r);
    let mut v3 = sa.vel.clone();
    v3.extend(sa.vel_mask.iter().map(|&m| f32::from(m)));
    npy(&p("vel.npy"), &[3, 48, 48], &v3);
    let files = |extra: &[&str], out: &str| {
        let mut a = vec![
            "predict",
            "--bundle",
            &s("re.bundle"),
            "--r",
            &s("r.npy"),
            "--vel",
            &s("vel.npy"),
            "--out",
            out,
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        a.extend(extra.iter().map(|x| x.to_string()));
        a
    };
    let run_files = |extra: &[&str], out: &str| {
        let a = files(extra, out);
        ok(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let re = sa.re_kpc.to_string();
    run_files(&["--re-kpc", &re], &s("kpc.csv"));
    assert_eq!(
        first(&p("kpc.csv"), "mstar_pred"),
        first(&p("d.csv"), "mstar_pred")
    );
    // R_e = re_kpc at z = 0.05 is re_kpc / 1.00977 arcsec (astropy's kpc per arcsec).
    let z = 0.05;
    let kpc_per_arcsec = galmass_core::telescope::kpc_per_arcsec(z).unwrap();
    assert!((kpc_per_arcsec / 1.009_770_12 - 1.0).abs() < 1e-4);
    let arcsec = (sa.re_kpc / kpc_per_arcsec).to_string();
    run_files(
        &["--re-arcsec", &arcsec, "--redshift", "0.05"],
        &s("arcsec.csv"),
    );
    for t in ["mstar_pred", "mtot_pred"] {
        let (x, y) = (first(&p("arcsec.csv"), t), first(&p("kpc.csv"), t));
        assert!((x - y).abs() < 1e-5, "{t}: {x} vs {y}");
    }

    // Or at a distance: R_e″ × D × 4.848 µrad per arcsec.
    let d_mpc = 200.0;
    let at_d = (sa.re_kpc / (d_mpc * 1000.0 / 206_264.806)).to_string();
    run_files(
        &["--re-arcsec", &at_d, "--distance-mpc", "200"],
        &s("dist.csv"),
    );
    let (x, y) = (
        first(&p("dist.csv"), "mstar_pred"),
        first(&p("kpc.csv"), "mstar_pred"),
    );
    assert!((x - y).abs() < 1e-5, "distance: {x} vs {y}");

    // The wrong radius, no radius, or a bad one: exit 2 saying what to give.
    let bad = |extra: &[&str], names: &[&str]| {
        let a = files(extra, &s("x.csv"));
        exit2(&a.iter().map(String::as_str).collect::<Vec<_>>(), names);
    };
    bad(&["--rhsm", "2"], &["--rhsm 2", "±3 R_e", "--re-kpc"]);
    bad(&[], &["log10 R_e", "--re-arcsec"]);
    bad(&["--re-arcsec", "3"], &["log10 R_e", "--redshift"]);
    bad(&["--re-kpc", "-1"], &["R_e = -1"]);
    bad(
        &["--re-arcsec", "3", "--redshift", "-0.2"],
        &["redshift = -0.2"],
    );
    // And an R_hsm model refuses R_e.
    let gallery = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/models/cnn.bundle");
    exit2(
        &[
            "predict",
            "--bundle",
            gallery.to_str().unwrap(),
            "--r",
            &s("r.npy"),
            "--vel",
            &s("vel.npy"),
            "--re-kpc",
            "2",
            "--out",
            &s("x.csv"),
        ],
        &["--re-kpc 2", "±3 R_hsm", "--rhsm"],
    );
}

/// `galmass degradation` on a tiny sample: every condition's dataset holds the same galaxies,
/// split and targets with other maps; each model is scored on every condition's test split
/// (n = the file's test samples); the report lists every command and the figure is a PNG; a
/// second run reuses every step and gives the same rows; a bad width exits 2.
#[test]
fn degradation_scores_both_models_on_every_condition_and_reuses_its_steps() {
    use galmass::dataset::DatasetReader;
    use galmass::report::degradation::{CONDITIONS, Degradation};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deg");
    let o = out.to_str().unwrap();
    let args = [
        "degradation",
        "--out",
        o,
        "--galaxies",
        "12",
        "--epochs",
        "1",
        "--width",
        "0.0625",
        "--device",
        "cpu",
    ];
    let stdout = ok(&args);
    assert!(
        stdout.contains("MaNGA-trained on MaNGA-like maps"),
        "{stdout}"
    );
    let read = || -> Degradation {
        serde_json::from_slice(&std::fs::read(out.join("degradation.json")).unwrap()).unwrap()
    };
    let d = read();
    assert_eq!(d.rows.len(), CONDITIONS.len() * 2 * 2);
    let ideal = DatasetReader::open(&out.join("data/ideal.h5")).unwrap();
    let ids: Vec<u64> = ideal.column("meta/galaxy_id").unwrap();
    let split: Vec<u8> = ideal.column("meta/split").unwrap();
    let mstar: Vec<f64> = ideal.column("targets/mstar").unwrap();
    let n_test = split.iter().filter(|&&s| s == 2).count();
    for c in CONDITIONS {
        let f = DatasetReader::open(&out.join(format!("data/{}.h5", c.id))).unwrap();
        assert_eq!(f.attrs.build.scale.name(), "re", "{}", c.id);
        assert_eq!(f.column::<u64>("meta/galaxy_id").unwrap(), ids, "{}", c.id);
        assert_eq!(f.column::<u8>("meta/split").unwrap(), split, "{}", c.id);
        assert_eq!(f.column::<f64>("targets/mstar").unwrap(), mstar, "{}", c.id);
        if c.id != "ideal" {
            assert_ne!(
                f.sample(0).unwrap().r,
                ideal.sample(0).unwrap().r,
                "{}",
                c.id
            );
        }
        for m in ["ideal", "manga"] {
            for t in ["mstar", "mtot"] {
                let r = d.get(c.id, m, t).unwrap();
                assert_eq!(r.n_test, n_test, "{} {m} {t}", c.id);
                assert!(r.sigma_dex.is_finite() && r.sigma_dex > 0.0);
            }
        }
    }
    let md = std::fs::read_to_string(out.join("degradation.md")).unwrap();
    assert_eq!(
        md.matches("galmass dataset build").count(),
        CONDITIONS.len()
    );
    assert_eq!(md.matches("galmass train cnn").count(), 2);
    assert_eq!(md.matches("galmass evaluate").count(), 2 * CONDITIONS.len());
    assert!(md.contains("Noise floor"), "{md}");
    let png = std::fs::read(out.join("figures/degradation.png")).unwrap();
    assert_eq!(&png[..4], b"\x89PNG");

    let again = common::galmass(&args);
    assert!(again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(!err.contains("\n$ galmass"), "a step ran again:\n{err}");
    assert_eq!(read().rows, d.rows);
    exit2(&["degradation", "--out", o, "--width", "0"], &["--width 0"]);
}
