//! CNN bundles end to end: `train cnn` → `export --cnn` (f32 and f16) → `predict` on the
//! dataset and on one galaxy's NPY map files. The f32 bundle must give the run's own test
//! predictions (same network, same maps: the bundle path goes through core's upload
//! resampling, the training path through the dataset reader); f16 weights may move them by
//! at most a few 1e-3 dex; map files give the dataset's prediction for that sample.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{exit2, ok, small_dataset};

fn dataset() -> &'static Path {
    static DS: OnceLock<PathBuf> = OnceLock::new();
    DS.get_or_init(|| small_dataset(8, 21))
}

/// `(row → column → value)` of a CSV with a header.
fn csv(p: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(p).unwrap();
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

/// A little-endian f32 NPY file of `shape` (C order).
fn write_npy(path: &Path, shape: &[usize], data: &[f32]) {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let mut header = format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': ({},), }}",
        dims.join(", ")
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut b = b"\x93NUMPY\x01\x00".to_vec();
    b.extend_from_slice(&(header.len() as u16).to_le_bytes());
    b.extend_from_slice(header.as_bytes());
    for v in data {
        b.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, b).unwrap();
}

#[test]
fn exported_cnn_predicts_like_the_run_from_data_and_map_files() {
    let ds = dataset().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = |f: &str| dir.path().join(f);
    let s = |f: &str| p(f).to_str().unwrap().to_string();
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
        "--side-input",
        "--device",
        "cpu",
        "--out",
        &s("run"),
    ]);
    ok(&[
        "export",
        "--cnn",
        &s("run"),
        "--data",
        ds,
        "--f32",
        "--out",
        &s("f32.bundle"),
    ]);
    ok(&[
        "export",
        "--cnn",
        &s("run"),
        "--data",
        ds,
        "--out",
        &s("f16.bundle"),
    ]);
    let (n32, n16) = (
        std::fs::metadata(p("f32.bundle")).unwrap().len(),
        std::fs::metadata(p("f16.bundle")).unwrap().len(),
    );
    assert!(n16 < n32 * 6 / 10, "f16 {n16} B vs f32 {n32} B");

    let run = csv(&p("run/test_predictions.csv"));
    for (bundle, tol) in [("f32.bundle", 1e-5), ("f16.bundle", 1e-2)] {
        let out = s(&format!("{bundle}.csv"));
        ok(&[
            "predict",
            "--bundle",
            &s(bundle),
            "--data",
            ds,
            "--split",
            "test",
            "--out",
            &out,
        ]);
        let pred = csv(Path::new(&out));
        assert_eq!(pred.len(), run.len());
        for r in &run {
            let q = pred.iter().find(|q| q["row"] == r["index"]).unwrap();
            for t in ["mstar", "mtot"] {
                let a: f64 = q[&format!("{t}_pred")].parse().unwrap();
                let b: f64 = r[&format!("{t}_pred")].parse().unwrap();
                assert!((a - b).abs() <= tol, "{bundle} {t}: {a} vs run {b}");
            }
            assert!(!q["fdm_derived"].is_empty() || q["mstar_pred"] >= q["mtot_pred"]);
        }
    }

    // An ensemble (the f32 and f16 bundles of one run): the mean of the members, the members'
    // spread, and σ = √(test σ² + spread²) (galmass_core::bundle::ensemble).
    let out = s("ensemble.csv");
    ok(&[
        "predict",
        "--bundle",
        &s("f32.bundle"),
        "--bundle",
        &s("f16.bundle"),
        "--data",
        ds,
        "--split",
        "test",
        "--out",
        &out,
    ]);
    let (ens, m32, m16) = (
        csv(Path::new(&out)),
        csv(&p("f32.bundle.csv")),
        csv(&p("f16.bundle.csv")),
    );
    assert_eq!(ens.len(), m32.len());
    for ((e, a), b) in ens.iter().zip(&m32).zip(&m16) {
        for t in ["mstar", "mtot"] {
            let get = |row: &std::collections::HashMap<String, String>, c: &str| -> f64 {
                row[&format!("{t}_{c}")].parse().unwrap()
            };
            let (pa, pb) = (get(a, "pred"), get(b, "pred"));
            assert!((get(e, "pred") - (pa + pb) / 2.0).abs() < 2e-6, "{t} mean");
            let spread = (pa - pb).abs() / 2f64.sqrt();
            assert!((get(e, "spread_dex") - spread).abs() < 1e-4, "{t} spread");
            let test = get(a, "sigma_dex").hypot(get(b, "sigma_dex")) / 2f64.sqrt();
            assert!(
                (get(e, "sigma_dex") - test.hypot(spread)).abs() < 2e-4,
                "{t} σ"
            );
        }
    }
    // Members that predict other things, or read other inputs, are refused.
    let gbdt = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/models/gbdt.bundle");
    exit2(
        &[
            "predict",
            "--bundle",
            &s("f32.bundle"),
            "--bundle",
            gbdt.to_str().unwrap(),
            "--data",
            ds,
            "--out",
            &s("x.csv"),
        ],
        &["bundle 2", "differs"],
    );

    // One galaxy from NPY files, written here from the dataset's own maps.
    let i: usize = run[0]["index"].parse().unwrap();
    let smp = galmass::dataset::DatasetReader::open(dataset())
        .unwrap()
        .sample(i)
        .unwrap();
    write_npy(&p("r.npy"), &[60, 60], &smp.r);
    let mut v3 = smp.vel.clone();
    v3.extend(smp.vel_mask.iter().map(|&m| f32::from(m)));
    write_npy(&p("vel.npy"), &[3, 48, 48], &v3);
    let rh = smp.rhsm_kpc.to_string();
    ok(&[
        "predict",
        "--bundle",
        &s("f32.bundle"),
        "--r",
        &s("r.npy"),
        "--vel",
        &s("vel.npy"),
        "--rhsm",
        &rh,
        "--out",
        &s("one.csv"),
    ]);
    let one = csv(&p("one.csv"));
    let from_data = csv(&p("f32.bundle.csv"));
    let row = from_data
        .iter()
        .find(|q| q["row"] == i.to_string())
        .unwrap();
    assert_eq!(one[0]["mstar_pred"], row["mstar_pred"]);
    assert_eq!(one[0]["mtot_pred"], row["mtot_pred"]);

    // Bad input: no radius for a side-input model, a non-square map, a truncated bundle.
    exit2(
        &[
            "predict",
            "--bundle",
            &s("f32.bundle"),
            "--r",
            &s("r.npy"),
            "--vel",
            &s("vel.npy"),
            "--out",
            &s("x.csv"),
        ],
        &["log10 R_hsm", "--rhsm"],
    );
    write_npy(&p("bad.npy"), &[5, 7], &[0.0; 35]);
    exit2(
        &[
            "predict",
            "--bundle",
            &s("f32.bundle"),
            "--r",
            &s("bad.npy"),
            "--vel",
            &s("vel.npy"),
            "--rhsm",
            "2",
            "--out",
            &s("x.csv"),
        ],
        &["bad.npy", "(5, 7)"],
    );
    // A PNG r image holds relative brightness: refused without --r-mag, and with the
    // magnitude of the light it holds it predicts what the NPY of the same image does.
    {
        let img = &smp.r;
        let max = img.iter().copied().fold(0.0f32, f32::max);
        let mut levels = Vec::with_capacity(2 * img.len());
        for row in (0..60).rev() {
            for col in 0..60 {
                let v = (f64::from(img[row * 60 + col] / max) * 65535.0).round() as u16;
                levels.extend_from_slice(&v.to_be_bytes());
            }
        }
        let file = std::fs::File::create(p("r.png")).unwrap();
        let mut enc = png::Encoder::new(std::io::BufWriter::new(file), 60, 60);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Sixteen);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&levels).unwrap();
        w.finish().unwrap();
    }
    exit2(
        &[
            "predict",
            "--bundle",
            &s("f32.bundle"),
            "--r",
            &s("r.png"),
            "--vel",
            &s("vel.npy"),
            "--rhsm",
            &rh,
            "--out",
            &s("x.csv"),
        ],
        &["r.png", "relative brightness", "magnitude"],
    );
    let pix = 6.0 * smp.rhsm_kpc / 60.0;
    let lum: f64 = smp.r.iter().map(|&v| f64::from(v) * pix * pix).sum();
    let mag = (4.65 - 2.5 * lum.log10()).to_string();
    ok(&[
        "predict",
        "--bundle",
        &s("f32.bundle"),
        "--r",
        &s("r.png"),
        "--r-mag",
        &mag,
        "--vel",
        &s("vel.npy"),
        "--rhsm",
        &rh,
        "--out",
        &s("png.csv"),
    ]);
    let from_png = csv(&p("png.csv"));
    for t in ["mstar_pred", "mtot_pred"] {
        let (a, b): (f64, f64) = (from_png[0][t].parse().unwrap(), one[0][t].parse().unwrap());
        assert!((a - b).abs() < 0.02, "{t}: PNG {a} vs NPY {b}");
    }

    let bytes = std::fs::read(p("f16.bundle")).unwrap();
    std::fs::write(p("cut.bundle"), &bytes[..bytes.len() / 2]).unwrap();
    exit2(
        &[
            "predict",
            "--bundle",
            &s("cut.bundle"),
            "--data",
            ds,
            "--out",
            &s("x.csv"),
        ],
        &["cut.bundle"],
    );
}

/// `dataset examples`: test-split samples in increasing M*, with the file's maps and truths.
#[test]
fn dataset_examples_are_test_samples_with_their_maps() {
    let ds = dataset().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.json");
    ok(&[
        "dataset",
        "examples",
        "--data",
        ds,
        "--n",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let ex = g["examples"].as_array().unwrap();
    assert_eq!(ex.len(), 3);
    let f = hdf5::File::open(dataset()).unwrap();
    let split: Vec<u8> = f.dataset("meta/split").unwrap().read_raw().unwrap();
    let mstar: Vec<f64> = f.dataset("targets/mstar").unwrap().read_raw().unwrap();
    // Physical values, as any HDF5 reader gets them: stored (f16 → f32) × scale_factor.
    let ds_r = f.dataset("maps/r").unwrap();
    let scale = ds_r
        .attr("scale_factor")
        .unwrap()
        .read_scalar::<f64>()
        .unwrap() as f32;
    let r: Vec<f32> = ds_r
        .read_raw::<f32>()
        .unwrap()
        .into_iter()
        .map(|x| x * scale)
        .collect();
    let mut last = f64::NEG_INFINITY;
    for e in ex {
        let row = e["row"].as_u64().unwrap() as usize;
        assert_eq!(split[row], 2);
        assert_eq!(e["mstar"].as_f64().unwrap(), mstar[row]);
        assert!(mstar[row] >= last);
        last = mstar[row];
        assert_eq!(e["r_side"], 60);
        assert_eq!(e["vel_side"], 48);
        let er: Vec<f32> = serde_json::from_value(e["r"].clone()).unwrap();
        assert_eq!(er, r[row * 3600..(row + 1) * 3600]);
        assert_eq!(e["vel"].as_array().unwrap().len(), 3 * 48 * 48);
    }
    exit2(
        &[
            "dataset",
            "examples",
            "--data",
            ds,
            "--n",
            "1000",
            "--out",
            out.to_str().unwrap(),
        ],
        &["test samples"],
    );
}

/// `dataset examples --files`: every gallery galaxy as FITS and NPY upload files, whose FITS
/// header carries R_hsm and the truths; `predict` gives the same masses from the FITS and the
/// NPY files of one galaxy (the page offers these bytes; tests/e2e/examples.test.mjs checks
/// they are the same). Bad requests exit 2.
#[test]
fn dataset_example_files_predict_alike_in_both_formats() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let gallery_path = root.join("www/examples/gallery.json");
    let gallery: galmass_core::gallery::Gallery =
        serde_json::from_str(&std::fs::read_to_string(&gallery_path).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    let (gp, fp) = (
        gallery_path.display().to_string(),
        files.display().to_string(),
    );
    ok(&["dataset", "examples", "--gallery", &gp, "--files", &fp]);
    let written = std::fs::read_dir(&files).unwrap().count();
    assert_eq!(written, 6 * gallery.examples.len());
    let ex = &gallery.examples[gallery.examples.len() / 2];
    let stem = files.join(ex.file_stem()).display().to_string();
    let head = std::fs::read(format!("{stem}_r.fits")).unwrap();
    let head = String::from_utf8_lossy(&head[..2880]).to_string();
    let card = |k: &str| -> f64 {
        let at = head.find(&format!("{k:<8}=")).unwrap() + 10;
        head[at..at + 20].trim().parse().unwrap()
    };
    assert_eq!(card("RHSM_KPC"), ex.rhsm_kpc);
    assert_eq!(card("TRUE_MST"), ex.mstar);
    assert_eq!(card("TRUE_MTO"), ex.mtot);
    let rh = ex.rhsm_kpc.to_string();
    let bundle = root.join("www/models/cnn.bundle").display().to_string();
    let mut preds = Vec::new();
    for ext in ["fits", "npy"] {
        let out = dir.path().join(format!("{ext}.csv")).display().to_string();
        let (r, g, v) = (
            format!("{stem}_r.{ext}"),
            format!("{stem}_g.{ext}"),
            format!("{stem}_vel.{ext}"),
        );
        ok(&[
            "predict", "--bundle", &bundle, "--r", &r, "--g", &g, "--vel", &v, "--rhsm", &rh,
            "--out", &out,
        ]);
        let row = &csv(Path::new(&out))[0];
        preds.push(row["mstar_pred"].parse::<f64>().unwrap());
    }
    assert_eq!(
        preds[0], preds[1],
        "FITS and NPY of one galaxy predict alike"
    );
    assert!(
        (preds[0] - ex.mstar).abs() < 0.5,
        "M* {} vs truth {}",
        preds[0],
        ex.mstar
    );
    exit2(
        &["dataset", "examples", "--gallery", &gp],
        &["--out", "--files"],
    );
    let bad = dir.path().join("bad.json").display().to_string();
    std::fs::write(&bad, "{\"source\": 1}").unwrap();
    exit2(
        &["dataset", "examples", "--gallery", &bad, "--files", &fp],
        &["bad.json", "not a gallery file"],
    );
}

/// Issue 16: `predict` on one galaxy's map files warns when the stated seeing and noise lie
/// outside the bundle's training conditions, alike whether the seeing is given in R_e or in
/// arcsec with R_e (`telescope::Stated`, the web app's reading, which also prints R_e in kpc
/// for a redshift); bad statements exit 2 naming the value.
#[test]
fn predict_warns_alike_for_seeing_in_re_and_in_arcsec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let gallery = root.join("www/examples/gallery.json").display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files").display().to_string();
    ok(&[
        "dataset",
        "examples",
        "--gallery",
        &gallery,
        "--files",
        &files,
    ]);
    let g: galmass_core::gallery::Gallery = serde_json::from_str(
        &std::fs::read_to_string(root.join("www/examples/gallery.json")).unwrap(),
    )
    .unwrap();
    let ex = &g.examples[0];
    let stem = format!("{files}/{}", ex.file_stem());
    let (r, gg, v) = (
        format!("{stem}_r.npy"),
        format!("{stem}_g.npy"),
        format!("{stem}_vel.npy"),
    );
    let bundle = root.join("www/models/cnn.bundle").display().to_string();
    let out = dir.path().join("p.csv").display().to_string();
    let rh = ex.rhsm_kpc.to_string();
    let base = [
        "predict", "--bundle", &bundle, "--r", &r, "--g", &gg, "--vel", &v, "--rhsm", &rh, "--out",
        &out,
    ];
    let warnings = |extra: &[&str]| -> (Vec<String>, String) {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let o = common::galmass(&args);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(0), "{err}");
        let w = err
            .lines()
            .filter(|l| l.starts_with("warning: the given maps: "))
            .map(str::to_string)
            .collect();
        (w, err)
    };
    let (in_re, _) = warnings(&["--seeing-re", "0.5", "--snr-re", "20"]);
    assert_eq!(in_re.len(), 2, "{in_re:?}");
    assert!(in_re[0].contains("seeing FWHM 0.5 R_e, the model learned 0 R_e"));
    let (in_arcsec, err) = warnings(&[
        "--seeing-arcsec",
        "2.5",
        "--re-arcsec",
        "5",
        "--snr-re",
        "20",
        "--redshift",
        "0.05",
    ]);
    assert_eq!(in_arcsec, in_re);
    assert!(
        err.contains("stated conditions: seeing 0.50 R_e, S/N 20 at R_e; at z = 0.05: 1.010 kpc/″"),
        "{err}"
    );
    let (none, _) = warnings(&[]);
    assert!(none.is_empty());
    for (extra, name) in [
        (
            vec!["--seeing-arcsec", "-1", "--re-arcsec", "5"],
            "seeing FWHM (arcsec) = -1",
        ),
        (
            vec!["--seeing-arcsec", "2", "--re-arcsec", "0"],
            "R_e (arcsec) = 0",
        ),
        (vec!["--seeing-arcsec", "2"], "--re-arcsec"),
    ] {
        let args: Vec<&str> = base.iter().copied().chain(extra).collect();
        exit2(&args, &[name]);
    }
}

/// `bench cnn-infer` times the web app's work: its prediction of the first gallery galaxy
/// with the bundled ensemble equals `predict` with the same bundles on that galaxy's maps.
#[test]
fn bench_cnn_infer_predicts_what_predict_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bundles: Vec<String> = ["cnn.bundle", "cnn-2.bundle", "cnn-3.bundle"]
        .iter()
        .map(|b| root.join("www/models").join(b).display().to_string())
        .collect();
    let gallery_path = root.join("www/examples/gallery.json");
    let mut args = vec!["bench", "cnn-infer"];
    for b in &bundles {
        args.extend(["--bundle", b.as_str()]);
    }
    let g = gallery_path.display().to_string();
    args.extend(["--examples", &g, "--warmup", "0", "--runs", "2"]);
    let out = ok(&args);
    let printed = |t: &str| -> f64 {
        let at = out.find(&format!("{t} ")).expect("prediction printed") + t.len() + 1;
        out[at..]
            .split(|c: char| c == ',' || c.is_whitespace())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };

    let gallery: galmass_core::gallery::Gallery =
        serde_json::from_str(&std::fs::read_to_string(&gallery_path).unwrap()).unwrap();
    let ex = &gallery.examples[0];
    let dir = tempfile::tempdir().unwrap();
    let (r, g, v, csv_out) = (
        dir.path().join("r.npy"),
        dir.path().join("g.npy"),
        dir.path().join("vel.npy"),
        dir.path().join("one.csv"),
    );
    write_npy(&r, &[ex.r_side, ex.r_side], &ex.r);
    let g_map = ex.g.as_ref().expect("the gallery carries g maps");
    write_npy(&g, &[ex.r_side, ex.r_side], g_map);
    write_npy(&v, &[3, ex.vel_side, ex.vel_side], &ex.vel);
    let (r, g, v, o, rh) = (
        r.display().to_string(),
        g.display().to_string(),
        v.display().to_string(),
        csv_out.display().to_string(),
        ex.rhsm_kpc.to_string(),
    );
    let mut args = vec!["predict"];
    for b in &bundles {
        args.extend(["--bundle", b.as_str()]);
    }
    args.extend([
        "--r", &r, "--g", &g, "--vel", &v, "--rhsm", &rh, "--out", &o,
    ]);
    ok(&args);
    let row = &csv(&csv_out)[0];
    for t in ["mstar", "mtot"] {
        let p: f64 = row[&format!("{t}_pred")].parse().unwrap();
        assert!(
            (printed(t) - p).abs() < 1e-4,
            "{t}: bench {} vs predict {p}",
            printed(t)
        );
    }
}

/// Every shipped CNN bundle of the web app answers physics on the gallery's twelve test
/// galaxies (issue 13; `galmass probe`), medians over the galaxies:
/// * ten times the light (g and r: same colour) at fixed kinematics and R_hsm raises log M*
///   by +0.3 to +1.3 dex: a fixed M/L gives +1, and the unchanged velocities, which fix Mtot
///   inside R_hsm, hold it below that (M* cannot pass Mtot; the room log10(Mtot/M*) is
///   ≈ 0.3 dex for the median gallery galaxy, so the net must also let Mtot rise);
/// * light ×10 raises log Mtot by no more than it raises log M* (more stars, same dynamics);
/// * twice the R_hsm at fixed maps (four times the light, same velocities) raises both log M*
///   and log Mtot by at least 0.3 dex (M* ∝ L, M ∝ σ² R).
#[test]
fn shipped_bundles_respond_to_light_and_size_as_physics_says() {
    use galmass::bundle_io::{read_bundle, read_gallery};

    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www");
    let gallery = read_gallery(&www.join("examples/gallery.json")).unwrap();
    let galaxies: Vec<_> = gallery
        .examples
        .iter()
        .map(|e| e.inputs().unwrap())
        .collect();
    for name in ["cnn.bundle", "cnn-2.bundle", "cnn-3.bundle"] {
        let bundle = read_bundle(&www.join("models").join(name)).unwrap();
        let [light, light_mtot, r_mstar, r_mtot] = common::physics_probes(&[bundle], &galaxies);
        assert!(
            (0.3..=1.3).contains(&light),
            "{name}: light ×10 → Δ log M* = {light:+.3} dex"
        );
        assert!(
            light_mtot <= light,
            "{name}: light ×10 → Δ log Mtot {light_mtot:+.3} > Δ log M* {light:+.3}"
        );
        for (target, d) in [("mstar", r_mstar), ("mtot", r_mtot)] {
            assert!(d >= 0.3, "{name}: R_hsm ×2 → Δ log {target} = {d:+.3} dex");
        }
    }
}

/// The hybrid model (g, r light as one branch, vel, and the map scalars) predicts the same
/// from its exported f32 bundle as in its own run: the map scalars computed by the training
/// reader and by core's `Manifest::prepare` (the browser's path) agree.
#[test]
fn exported_hybrid_predicts_like_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let data = dataset().to_str().unwrap();
    let run = dir.path().join("run");
    let bundle = dir.path().join("h.bundle");
    let pred = dir.path().join("p.csv");
    let p = |x: &Path| x.to_str().unwrap().to_string();
    ok(&[
        "train",
        "cnn",
        "--data",
        data,
        "--inputs",
        "rg,vel",
        "--targets",
        "mstar,mtot",
        "--side-input",
        "--hybrid",
        "--width",
        "0.0625",
        "--epochs",
        "1",
        "--batch",
        "8",
        "--device",
        "cpu",
        "--out",
        &p(&run),
    ]);
    ok(&[
        "export",
        "--cnn",
        &p(&run),
        "--data",
        data,
        "--f32",
        "--out",
        &p(&bundle),
    ]);
    ok(&[
        "predict",
        "--bundle",
        &p(&bundle),
        "--data",
        data,
        "--split",
        "test",
        "--out",
        &p(&pred),
    ]);
    let own = csv(&run.join("test_predictions.csv"));
    let got = csv(&pred);
    assert_eq!(own.len(), got.len());
    for (a, b) in own.iter().zip(&got) {
        for t in ["mstar_pred", "mtot_pred"] {
            let (x, y): (f64, f64) = (a[t].parse().unwrap(), b[t].parse().unwrap());
            assert!((x - y).abs() < 1e-4, "{t}: run {x} vs bundle {y}");
        }
    }
}

/// `galmass explain` (issue 20's CLI half): one saliency map per model input and target, as
/// NPY of the input's side and PNG, a line in words per map; bad requests exit 2.
#[test]
fn explain_writes_saliency_maps_per_input_and_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bundle = root.join("www/models/cnn.bundle").display().to_string();
    let gallery = root.join("www/examples/gallery.json").display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let args = [
        "explain",
        "--bundle",
        &bundle,
        "--examples",
        &gallery,
        "--index",
        "1",
        "--patch",
        "0.25",
        "--stride",
        "0.25",
        "--out",
        &out,
    ];
    let text = ok(&args);
    assert_eq!(text.matches("hiding the").count(), 4, "{text}");
    for (input, side) in [("rg", 60), ("vel", 48)] {
        for target in ["mstar", "mtot"] {
            let stem = dir.path().join(format!("saliency_{input}_{target}"));
            let png = std::fs::read(stem.with_extension("png")).unwrap();
            assert_eq!(&png[1..4], b"PNG");
            let bytes = std::fs::read(stem.with_extension("npy")).unwrap();
            let map = galmass_core::upload::read_map(
                &bytes,
                galmass_core::upload::MapFormat::Npy,
                &galmass_core::upload::Limits::default(),
            )
            .unwrap();
            assert_eq!((map.planes, map.height, map.width), (1, side, side));
            let v = map.data;
            assert!(
                v.iter().all(|x| x.is_finite()) && v.iter().any(|&x| x != 0.0),
                "{input} {target}"
            );
        }
    }
    let gbdt = root.join("www/models/gbdt.bundle").display().to_string();
    let mut bad = args.to_vec();
    bad[2] = &gbdt;
    common::exit2(&bad, &["explain needs CNN bundles"]);
    let mut bad = args.to_vec();
    bad[6] = "99";
    common::exit2(&bad, &["no usable galaxy 99"]);
    let mut bad = args.to_vec();
    bad[8] = "0";
    common::exit2(&bad, &["--patch 0"]);
}
