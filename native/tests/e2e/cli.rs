//! End-to-end tests of the `galmass` binary: help and version, exit codes for bad input.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::{HandCutout, SMALL, galmass, write_hand_cutout};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn every_verb_has_help_and_there_is_a_version() {
    for args in [
        vec!["--help"],
        vec!["generate", "--help"],
        vec!["measure", "--help"],
        vec!["dataset", "build", "--help"],
        vec!["dataset", "merge", "--help"],
        vec!["dataset", "info", "--help"],
        vec!["bench", "--help"],
        vec!["bench", "generate", "--help"],
        vec!["train", "--help"],
        vec!["train", "gbdt", "--help"],
        vec!["train", "cnn", "--help"],
        vec!["evaluate", "--help"],
        vec!["reproduce", "--help"],
        vec!["degradation", "--help"],
        vec!["cross-physics", "--help"],
        vec!["demo", "--help"],
        vec!["export", "--help"],
        vec!["predict", "--help"],
        vec!["probe", "--help"],
        vec!["explain", "--help"],
        vec!["cluster", "dataset", "--help"],
        vec!["cluster", "reproduce", "--help"],
        vec!["cluster", "submit", "--help"],
        vec!["cluster", "status", "--help"],
    ] {
        let o = galmass(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("Usage"), "{args:?}");
    }
    let o = galmass(&["--version"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains(env!("CARGO_PKG_VERSION")));
    // Only real verbs are listed.
    let help = stdout(&galmass(&["--help"]));
    let verbs: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        verbs,
        [
            "demo",
            "generate",
            "measure",
            "dataset",
            "bench",
            "train",
            "evaluate",
            "reproduce",
            "degradation",
            "cross-physics",
            "export",
            "predict",
            "probe",
            "explain",
            "cluster",
            "help"
        ],
        "{help}"
    );
    // Generator options are flags of generate and bench.
    for verb in [
        vec!["generate", "--help"],
        vec!["bench", "generate", "--help"],
    ] {
        let h = stdout(&galmass(&verb));
        for flag in [
            "--halo-response",
            "--particle-mode",
            "--gas",
            "--dust",
            "--smhm",
            "--n-star",
        ] {
            assert!(h.contains(flag), "{verb:?} lacks {flag}");
        }
    }
}

/// Runs `measure` and expects exit 2 with a message naming every string in `names`.
fn bad_input(args: &[&str], names: &[&str]) {
    let o = galmass(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    let err = stderr(&o);
    for n in names {
        assert!(err.contains(n), "{args:?}: stderr should name {n}: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_input_exits_with_status_2_naming_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).display().to_string();
    bad_input(&["measure", &p("absent.hdf5")], &[&p("absent.hdf5")]);
    std::fs::write(p("text.hdf5"), "plain text").unwrap();
    bad_input(&["measure", &p("text.hdf5")], &[&p("text.hdf5")]);
    let c = HandCutout::default();
    write_hand_cutout(
        Path::new(&p("cutout_1.hdf5")),
        &c,
        "PartType4/Masses",
        &|_, _| {},
    );
    bad_input(
        &["measure", &p("cutout_1.hdf5")],
        &[&p("cutout_1.hdf5"), "PartType4/Masses"],
    );
    write_hand_cutout(
        Path::new(&p("cutout_2.hdf5")),
        &c,
        "Header.BoxSize",
        &|_, _| {},
    );
    bad_input(
        &["measure", &p("cutout_2.hdf5")],
        &[&p("cutout_2.hdf5"), "Header.BoxSize"],
    );
    let nan = |f: &str, v: &mut Vec<f64>| {
        if f == "PartType1/Coordinates" {
            v[7] = f64::NAN;
        }
    };
    write_hand_cutout(Path::new(&p("cutout_3.hdf5")), &c, "", &nan);
    bad_input(
        &["measure", &p("cutout_3.hdf5")],
        &[&p("cutout_3.hdf5"), "PartType1/Coordinates"],
    );
    let negative = |f: &str, v: &mut Vec<f64>| {
        if f == "PartType4/Masses" {
            v[0] = -0.01;
        }
    };
    write_hand_cutout(Path::new(&p("cutout_4.hdf5")), &c, "", &negative);
    bad_input(
        &["measure", &p("cutout_4.hdf5")],
        &[&p("cutout_4.hdf5"), "PartType4/Masses", "negative"],
    );
    // A catalogue without the galaxy's row, or without the needed columns.
    write_hand_cutout(Path::new(&p("cutout_5.hdf5")), &c, "", &|_, _| {});
    std::fs::write(p("cat.csv"), "id,x,y,z\n6,1,2,3\n").unwrap();
    bad_input(
        &["measure", &p("cutout_5.hdf5"), "--catalog", &p("cat.csv")],
        &[&p("cat.csv"), "id 5"],
    );
    std::fs::write(p("cat2.csv"), "id,x,y\n5,1,2\n").unwrap();
    bad_input(
        &["measure", &p("cutout_5.hdf5"), "--catalog", &p("cat2.csv")],
        &[&p("cat2.csv"), "`z`"],
    );
    // Bad option values are refused by the parser with status 2 as well.
    let o = galmass(&["generate", "--galaxies", "0", "--out", &p("g")]);
    assert_eq!(o.status.code(), Some(2));
    let o = galmass(&["measure", &p("cutout_5.hdf5"), "--kin-weight", "volume"]);
    assert_eq!(o.status.code(), Some(2));
    // An output "directory" that is a file, and a directory given as a cutout.
    bad_input(
        &["generate", "--galaxies", "1", "--out", &p("cat.csv")],
        &[&p("cat.csv")],
    );
    bad_input(
        &["measure", &dir.path().display().to_string()],
        &["not a regular file"],
    );
}

#[test]
fn measure_a_written_galaxy_as_json_and_table() {
    use galmass::tng::{WriteOptions, box_position, write_cutout};
    let dir = tempfile::tempdir().unwrap();
    let galaxy = common::hernquist_galaxy();
    let centre = box_position(7, 75_000.0);
    let cutout = dir.path().join("cutout_7.hdf5");
    write_cutout(
        &cutout,
        &galaxy,
        &WriteOptions {
            centre_ckpc_h: centre,
            ..WriteOptions::default()
        },
    )
    .unwrap();
    let cat = dir.path().join("catalog.csv");
    std::fs::write(
        &cat,
        format!("id,x,y,z\n7,{},{},{}\n", centre[0], centre[1], centre[2]),
    )
    .unwrap();
    let (cutout_s, cat_s) = (cutout.display().to_string(), cat.display().to_string());

    let o = galmass(&["measure", &cutout_s, "--json", "--catalog", &cat_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["file"], cutout_s.as_str());
    let rhsm = doc["rhsm_kpc"].as_f64().unwrap();
    // Hernquist 3D half-mass radius (1+√2)a, truncated at M = 0.98: r(u = √0.49)… within 5 %.
    let u = 0.49f64.sqrt();
    let expect = 2.0 * u / (1.0 - u);
    assert!((rhsm / expect - 1.0).abs() < 0.05, "{rhsm} vs {expect}");
    let projs = doc["projections"].as_array().unwrap();
    let axes: Vec<&str> = projs.iter().map(|p| p["axis"].as_str().unwrap()).collect();
    assert_eq!(axes, ["x", "y", "z"]);
    // Targets from the particles themselves, inside the reported R_hsm.
    let r = |p: &[f32; 3]| p.iter().map(|&x| (x as f64).powi(2)).sum::<f64>().sqrt();
    let m_in = |pos: &[[f32; 3]], m: &[f32], f: f64| -> f64 {
        pos.iter()
            .zip(m)
            .filter(|(p, _)| r(p) < f * rhsm)
            .map(|(_, &m)| m as f64)
            .sum()
    };
    let mstar = m_in(&galaxy.stars.pos, &galaxy.stars.mass, 1.0);
    let mdm = m_in(&galaxy.dm.pos, &galaxy.dm.mass, 1.0);
    for p in projs {
        let t = &p["targets"];
        for name in common::TARGETS {
            assert!(t[name].is_number(), "target {name}: {p}");
        }
        for name in [
            "mr", "g_r", "sfr", "n_ser", "c_over_a", "sigma_v", "lambda_r", "bt", "f_cold", "f_hot",
        ] {
            assert!(p["features"][name].is_number(), "feature {name}: {p}");
        }
        let get = |k: &str| t[k].as_f64().unwrap();
        // M*(<R_hsm) = M*/2 to one particle (identity of 3.1), and the sums by hand.
        assert!(
            (10f64.powf(get("mstar")) / galaxy.stellar_mass() - 0.5).abs() <= 1.0 / 4000.0 + 1e-6
        );
        assert!((get("mstar") - mstar.log10()).abs() < 1e-5);
        assert!((get("mdm") - mdm.log10()).abs() < 1e-5);
        assert!((get("mtot") - (mstar + mdm).log10()).abs() < 1e-5);
        // No dust: M*/L_r = 2 exactly, g − r = 0.46 + 0.2; M_r from the total light.
        assert!((get("ml_r") - 2f64.log10()).abs() < 1e-5);
        let f = &p["features"];
        assert!((f["g_r"].as_f64().unwrap() - 0.66).abs() < 1e-4);
        let mr = 4.65 - 2.5 * (4000.0f64 * 5e5).log10();
        assert!((f["mr"].as_f64().unwrap() - mr).abs() < 1e-4);
    }
    // The readable table names every quantity.
    let o = galmass(&["measure", &cutout_s, "--catalog", &cat_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    for name in ["R_hsm", "mstar_2d_2r", "lambda_r", "f_hot"] {
        assert!(table.contains(name), "{table}");
    }
    // Without the catalogue, shrinking spheres find nearly the same centre and R_hsm.
    let o = galmass(&["measure", &cutout_s, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc2: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rhsm2 = doc2["rhsm_kpc"].as_f64().unwrap();
    assert!((rhsm2 / rhsm - 1.0).abs() < 0.03, "{rhsm} vs {rhsm2}");
}

fn read_dir_sorted(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn generate_then_measure_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mocks");
    let out_s = out.display().to_string();
    let mut args = vec![
        "generate",
        "--galaxies",
        "3",
        "--seed",
        "5",
        "--out",
        &out_s,
    ];
    args.extend(SMALL);
    let o = galmass(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary = stdout(&o);
    for key in [
        "median log M*",
        "quenched fraction",
        "median f_DM(<R_hsm)",
        "scatter",
    ] {
        assert!(summary.contains(key), "{summary}");
    }
    // The catalogue: id,x,y,z then the hidden parameters; one cutout per row.
    let cat = std::fs::read_to_string(out.join("catalog.csv")).unwrap();
    let mut lines = cat.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..4], ["id", "x", "y", "z"]);
    assert!(
        header.contains(&"log_mstar") && header.contains(&"quenched"),
        "{header:?}"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3);
    // Three cutouts, catalog.csv and generator.json (issue 15: the physics and options).
    let files = read_dir_sorted(&out);
    assert_eq!(
        files.len(),
        5,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("generator.json")).unwrap()).unwrap();
    assert_eq!(meta["physics"], "default");

    let id = rows[0][0];
    let cutout = out.join(format!("cutout_{id}.hdf5"));
    let cutout_s = cutout.display().to_string();
    let cat_s = out.join("catalog.csv").display().to_string();
    let o = galmass(&["measure", &cutout_s, "--json", "--catalog", &cat_s]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["file"], cutout_s.as_str());
    let rhsm = doc["rhsm_kpc"].as_f64().unwrap();
    assert!(rhsm > 0.1 && rhsm < 100.0, "{rhsm}");
    let projs = doc["projections"].as_array().unwrap();
    let axes: Vec<&str> = projs.iter().map(|p| p["axis"].as_str().unwrap()).collect();
    assert_eq!(axes, ["x", "y", "z"]);
    for p in projs {
        for t in common::TARGETS {
            assert!(p["targets"][t].is_number(), "target {t}: {p}");
        }
        for f in common::FEATURES {
            assert!(p["features"][f].is_number(), "feature {f}: {p}");
        }
        // 3D targets are the same in every projection.
        assert_eq!(p["targets"]["mstar"], projs[0]["targets"]["mstar"]);
        assert_eq!(p["targets"]["mtot"], projs[0]["targets"]["mtot"]);
    }
    // M*(<R_hsm) = M*/2 to 1/N* (galaxy-model.md 6), M* from the file's PartType4/Masses.
    let f = hdf5::File::open(&cutout).unwrap();
    let m: Vec<f64> = f
        .dataset("PartType4/Masses")
        .unwrap()
        .read_raw::<f64>()
        .unwrap();
    let h: f64 = f
        .group("Header")
        .unwrap()
        .attr("HubbleParam")
        .unwrap()
        .read_scalar()
        .unwrap();
    let mstar: f64 = m.iter().sum::<f64>() * 1e10 / h;
    let ratio = 10f64.powf(projs[0]["targets"]["mstar"].as_f64().unwrap()) / mstar;
    assert!(
        (ratio - 0.5).abs() <= 1.0 / m.len() as f64 + 1e-6,
        "{ratio}"
    );
    // The catalogue centre is where the writer put the galaxy.
    let centre: Vec<f64> = doc["centre_ckpc_h"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    for k in 0..3 {
        assert_eq!(centre[k], rows[0][k + 1].parse::<f64>().unwrap());
    }
    // Without a catalogue the stars' shrinking-sphere centre gives nearly the same R_hsm.
    let o = galmass(&["measure", &cutout_s, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc2: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rhsm2 = doc2["rhsm_kpc"].as_f64().unwrap();
    assert!((rhsm2 / rhsm - 1.0).abs() < 0.05, "{rhsm} vs {rhsm2}");
    // The readable table names every quantity.
    let o = galmass(&["measure", &cutout_s, "--catalog", &cat_s]);
    assert!(o.status.success());
    let table = stdout(&o);
    assert!(
        table.contains("R_hsm") && table.contains("lambda_r") && table.contains("mstar_2d_2r"),
        "{table}"
    );
}

#[test]
fn generate_is_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        let out_s = out.display().to_string();
        let mut args = vec![
            "generate",
            "--galaxies",
            "3",
            "--seed",
            "11",
            "--out",
            &out_s,
        ];
        args.extend(SMALL);
        let o = Command::new(env!("CARGO_BIN_EXE_galmass"))
            .args(&args)
            .env("RAYON_NUM_THREADS", threads)
            .env("HDF5_USE_FILE_LOCKING", "FALSE")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let summary: String = stdout(&o).lines().skip(1).collect::<Vec<_>>().join("\n");
        outputs.push((read_dir_sorted(&out), summary));
    }
    assert_eq!(outputs[0].0.len(), 5);
    assert!(
        outputs[0] == outputs[1],
        "outputs differ between 1 and 2 threads"
    );
}

#[test]
fn bench_generate_reports_throughput() {
    let mut args = vec!["bench", "generate", "--galaxies", "2"];
    args.extend(SMALL);
    let o = galmass(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(
        s.contains("galaxies/min") && s.contains("median per galaxy"),
        "{s}"
    );
}
