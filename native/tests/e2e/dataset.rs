//! End-to-end tests of `galmass dataset build|merge|info` (docs/contracts/dataset.md
//! "Dataset file").

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{FEATURES, SMALL, TARGETS, exit2, ok, str_attr};
use hdf5::types::VarLenUnicode;
use serde_json::Value;

/// Galaxies in the read-back test (issue 4: the file written for 20 galaxies reads back).
const READBACK_GALAXIES: usize = 20;

/// `dataset build --source mock` of seed 3 with the small particle numbers.
fn mock_build(out: &Path, galaxies: usize, extra: &[&str]) {
    common::mock_build(out, galaxies, 3, extra);
}

fn u64_attr(f: &hdf5::File, name: &str) -> u64 {
    f.attr(name).unwrap().read_scalar::<u64>().unwrap()
}

/// Every dataset of the schema with its shape and element type.
fn check_schema(f: &hdf5::File, n: usize, s: usize) {
    assert_eq!(str_attr(f, "schema"), "galmass-dataset/2");
    assert_eq!(u64_attr(f, "n"), n as u64);
    assert!(str_attr(f, "generator_version").contains(env!("CARGO_PKG_VERSION")));
    let created = str_attr(f, "created");
    assert!(
        created.len() == 20 && created.ends_with('Z') && &created[10..11] == "T",
        "{created}"
    );
    let shape = |d: &str| f.dataset(d).unwrap().shape();
    let dtype = |d: &str| {
        f.dataset(d)
            .unwrap()
            .dtype()
            .unwrap()
            .to_descriptor()
            .unwrap()
    };
    use hdf5::types::{FloatSize, IntSize, TypeDescriptor as T};
    for (d, sh, ty) in [
        ("maps/r", vec![n, s, s], T::Float(FloatSize::U2)),
        ("maps/g", vec![n, s, s], T::Float(FloatSize::U2)),
        ("maps/vel", vec![n, 2, 48, 48], T::Float(FloatSize::U2)),
        ("maps/vel_mask", vec![n, 48, 48], T::Unsigned(IntSize::U1)),
        ("meta/galaxy_id", vec![n], T::Unsigned(IntSize::U8)),
        ("meta/projection", vec![n], T::Unsigned(IntSize::U1)),
        ("meta/rhsm_kpc", vec![n], T::Float(FloatSize::U8)),
        ("meta/split", vec![n], T::Unsigned(IntSize::U1)),
    ] {
        assert_eq!(shape(d), sh, "{d}");
        assert_eq!(dtype(d), ty, "{d}");
    }
    // Maps are chunked one sample per chunk, with HDF5's built-in shuffle + deflate (no
    // plugin needed by any reader); the light maps carry their scale.
    use hdf5::filters::Filter;
    for (d, chunk) in [
        ("maps/r", vec![1, s, s]),
        ("maps/g", vec![1, s, s]),
        ("maps/vel", vec![1, 2, 48, 48]),
    ] {
        let ds = f.dataset(d).unwrap();
        assert_eq!(ds.chunk(), Some(chunk), "{d}");
        assert_eq!(
            ds.filters(),
            vec![Filter::Shuffle, Filter::Deflate(4)],
            "{d}"
        );
    }
    for d in ["maps/r", "maps/g"] {
        let a = f.dataset(d).unwrap().attr("scale_factor").unwrap();
        assert_eq!(a.read_scalar::<f64>().unwrap(), 1e7, "{d}");
    }
    for t in TARGETS {
        let d = format!("targets/{t}");
        assert_eq!(shape(&d), vec![n], "{d}");
        assert_eq!(dtype(&d), T::Float(FloatSize::U8), "{d}");
    }
    for t in FEATURES {
        let d = format!("features/{t}");
        assert_eq!(shape(&d), vec![n], "{d}");
        assert_eq!(dtype(&d), T::Float(FloatSize::U8), "{d}");
    }
}

/// Rewrites the root attribute `schema` of the file at `path`.
fn set_schema(path: &Path, value: &str) {
    let f = hdf5::File::open_rw(path).unwrap();
    f.delete_attr("schema").unwrap();
    let v: VarLenUnicode = value.parse().unwrap();
    f.new_attr::<VarLenUnicode>()
        .create("schema")
        .unwrap()
        .write_scalar(&v)
        .unwrap();
}

fn col<T: hdf5::H5Type>(f: &hdf5::File, d: &str) -> Vec<T> {
    f.dataset(d).unwrap().read_raw::<T>().unwrap()
}

/// `measure --json` of every cutout of `dir` (with its catalogue), by galaxy id.
fn measured(dir: &Path, ids: &[u64]) -> Vec<(u64, Value)> {
    let cat = dir.join("catalog.csv").display().to_string();
    ids.iter()
        .map(|&id| {
            let file = dir.join(format!("cutout_{id}.hdf5")).display().to_string();
            let out = ok(&["measure", &file, "--json", "--catalog", &cat]);
            (id, serde_json::from_str(&out).unwrap())
        })
        .collect()
}

/// Compares the file's targets/features with the `measure --json` documents; `tol(name)`
/// is the allowed absolute difference.
fn compare(f: &hdf5::File, docs: &[(u64, Value)], tol: &dyn Fn(&str) -> f64) {
    let ids: Vec<u64> = col(f, "meta/galaxy_id");
    let proj: Vec<u8> = col(f, "meta/projection");
    let rhsm: Vec<f64> = col(f, "meta/rhsm_kpc");
    assert_eq!(ids.len(), 3 * docs.len());
    for (i, (&id, &p)) in ids.iter().zip(&proj).enumerate() {
        let doc = &docs.iter().find(|(d, _)| *d == id).unwrap().1;
        let rh = doc["rhsm_kpc"].as_f64().unwrap();
        assert!(
            (rhsm[i] - rh).abs() <= 1e-6 * rh,
            "rhsm {} vs {rh}",
            rhsm[i]
        );
        let pj = &doc["projections"][p as usize];
        assert_eq!(pj["axis"].as_str().unwrap(), ["x", "y", "z"][p as usize]);
        for (group, names) in [("targets", &TARGETS), ("features", &FEATURES)] {
            for name in names.iter() {
                let v: Vec<f64> = col(f, &format!("{group}/{name}"));
                let want = pj[group][name].as_f64().unwrap();
                assert!(
                    (v[i] - want).abs() <= tol(name),
                    "galaxy {id} projection {p} {group}/{name}: {} vs measure {want}",
                    v[i]
                );
            }
        }
    }
}

/// A 6-galaxy mock build has every dataset and attribute of the schema, three projections
/// per galaxy in (galaxy_id, projection) order, splits shared by a galaxy's projections,
/// physical maps (r flux inside the field, velocity masked where empty); its targets and
/// features equal `galmass measure --json` of the same galaxies written by `generate`.
/// Built from those cutouts (`--source tng --catalog`) they agree to 1e-6; the in-memory
/// mock build agrees to the precision of the TNG-layout round trip (f32 values, the reader's
/// own systemic velocity; test 22): 1e-6 for the targets and photometric/kinematic features
/// (1e-4 for the fitted n_ser and σ_v in km/s), and 0.02 (≈ 40 of 2000 particles, seen up
/// to 0.007) for the circularity fractions B/T, f_cold, f_hot, which count particles
/// across thresholds and so move by whole particles when velocities shift slightly.
#[test]
fn mock_build_reads_back_and_matches_measure() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mock.h5");
    mock_build(&out, READBACK_GALAXIES, &[]);
    let n = 3 * READBACK_GALAXIES;
    assert!(!dir.path().join("mock.h5.partial").exists());
    let f = hdf5::File::open(&out).unwrap();
    check_schema(&f, n, 60);
    assert_eq!(str_attr(&f, "source"), "mock");
    assert_eq!(u64_attr(&f, "seed"), 3);
    let ids: Vec<u64> = col(&f, "meta/galaxy_id");
    let proj: Vec<u8> = col(&f, "meta/projection");
    let split: Vec<u8> = col(&f, "meta/split");
    for k in 0..READBACK_GALAXIES {
        assert_eq!(&proj[3 * k..3 * k + 3], &[0, 1, 2]);
        assert!(ids[3 * k..3 * k + 3].iter().all(|&x| x == ids[3 * k]));
        assert!(
            split[3 * k..3 * k + 3]
                .iter()
                .all(|&x| x == split[3 * k] && x < 3)
        );
    }
    assert!(ids.windows(2).all(|w| w[0] <= w[1]));
    // Maps: non-negative surface brightness; velocity and dispersion zero where masked.
    let r: Vec<f32> = col(&f, "maps/r");
    assert!(r.iter().all(|&x| x >= 0.0 && x.is_finite()));
    let vel: Vec<f32> = col(&f, "maps/vel");
    let mask: Vec<u8> = col(&f, "maps/vel_mask");
    for s in 0..n {
        let m = &mask[s * 2304..(s + 1) * 2304];
        assert!(m.contains(&1));
        for c in 0..2 {
            let v = &vel[(2 * s + c) * 2304..(2 * s + c + 1) * 2304];
            assert!(v.iter().zip(m).all(|(&x, &k)| k == 1 || x == 0.0));
        }
    }

    // The same galaxies written by `generate` and measured by `measure`.
    let cut = dir.path().join("cutouts");
    let cut_s = cut.display().to_string();
    let galaxies = READBACK_GALAXIES.to_string();
    let mut args = vec![
        "generate",
        "--galaxies",
        &galaxies,
        "--seed",
        "3",
        "--out",
        &cut_s,
    ];
    args.extend_from_slice(&SMALL);
    ok(&args);
    let mut uniq = ids.clone();
    uniq.dedup();
    let docs = measured(&cut, &uniq);
    compare(&f, &docs, &|name| match name {
        "bt" | "f_cold" | "f_hot" => 2e-2,
        "n_ser" | "sigma_v" => 1e-4,
        _ => 1e-6,
    });

    // From the cutouts themselves: equal to 1e-6.
    let tng = dir.path().join("tng.h5");
    let cat = cut.join("catalog.csv").display().to_string();
    ok(&[
        "dataset",
        "build",
        "--source",
        "tng",
        "--cutouts",
        &cut_s,
        "--catalog",
        &cat,
        "--seed",
        "3",
        "--image-size",
        "60",
        "--out",
        &tng.display().to_string(),
    ]);
    let g = hdf5::File::open(&tng).unwrap();
    check_schema(&g, n, 60);
    assert_eq!(str_attr(&g, "source"), "tng");
    assert_eq!(col::<u64>(&g, "meta/galaxy_id"), ids);
    assert_eq!(
        col::<u8>(&g, "meta/split"),
        split,
        "split depends on id and seed only"
    );
    compare(&g, &docs, &|_| 1e-6);
}

/// Shards 0/2 and 1/2 merged equal a single build in content (every dataset, every root
/// attribute but the creation time).
#[test]
fn merged_shards_equal_a_single_build() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    mock_build(&p("all.h5"), 6, &[]);
    mock_build(&p("s0.h5"), 6, &["--shard", "0/2"]);
    mock_build(&p("s1.h5"), 6, &["--shard", "1/2"]);
    let (s0, s1, m) = (
        p("s0.h5").display().to_string(),
        p("s1.h5").display().to_string(),
        p("merged.h5").display().to_string(),
    );
    // Order of the inputs does not matter.
    ok(&["dataset", "merge", &s1, &s0, "--out", &m]);
    let a = hdf5::File::open(p("all.h5")).unwrap();
    let b = hdf5::File::open(p("merged.h5")).unwrap();
    let shard0 = hdf5::File::open(p("s0.h5")).unwrap();
    assert_eq!(u64_attr(&shard0, "n"), 9, "3 of 6 galaxies");
    check_schema(&b, 18, 60);
    for at in ["schema", "source", "generator_version", "split_by"] {
        assert_eq!(str_attr(&a, at), str_attr(&b, at), "{at}");
    }
    for at in ["seed", "n", "image_size", "kin_size"] {
        assert_eq!(u64_attr(&a, at), u64_attr(&b, at), "{at}");
    }
    for d in ["maps/r", "maps/g", "maps/vel"] {
        assert_eq!(col::<f32>(&a, d), col::<f32>(&b, d), "{d}");
    }
    for d in ["maps/vel_mask", "meta/projection", "meta/split"] {
        assert_eq!(col::<u8>(&a, d), col::<u8>(&b, d), "{d}");
    }
    assert_eq!(
        col::<u64>(&a, "meta/galaxy_id"),
        col::<u64>(&b, "meta/galaxy_id")
    );
    let mut f64s = vec!["meta/rhsm_kpc".to_string()];
    f64s.extend(TARGETS.iter().map(|t| format!("targets/{t}")));
    f64s.extend(FEATURES.iter().map(|t| format!("features/{t}")));
    for d in &f64s {
        assert_eq!(col::<f64>(&a, d), col::<f64>(&b, d), "{d}");
    }
    // Shard files say which shard of which build they are; whole and merged files do not.
    assert_eq!(u64_attr(&shard0, "shard_index"), 0);
    assert_eq!(u64_attr(&shard0, "shard_count"), 2);
    assert_eq!(u64_attr(&shard0, "shard_list_len"), 6);
    for f in [&a, &b] {
        assert!(f.attr("shard_index").is_err() && f.attr("shard_count").is_err());
    }
    // The same shard twice, a missing shard, and a shard of another build are refused,
    // and nothing is written.
    let bad = p("bad-merge.h5").display().to_string();
    exit2(
        &["dataset", "merge", &s0, &s0, "--out", &bad],
        &["shard 0/2 is given twice", &s0],
    );
    exit2(
        &["dataset", "merge", &s1, "--out", &bad],
        &["shard(s) 0 of 2 missing", "--shard i/2"],
    );
    mock_build(&p("t0.h5"), 8, &["--shard", "0/2"]);
    let t0 = p("t0.h5").display().to_string();
    exit2(
        &["dataset", "merge", &t0, &s1, "--out", &bad],
        &["not one build", "of 8", "of 6"],
    );
    exit2(
        &["dataset", "merge", &s0, &s1, &m, "--out", &bad],
        &["is not a shard file", &m],
    );
    assert!(!p("bad-merge.h5").exists());
    // Files without shard attributes (whole builds, merged files) are merged sample by
    // sample, and a sample present twice is refused.
    exit2(
        &[
            "dataset",
            "merge",
            &m,
            &p("all.h5").display().to_string(),
            "--out",
            &bad,
        ],
        &["in both"],
    );
    // A file of another schema version is refused by info and merge, naming file and attribute.
    let other = p("other.h5");
    std::fs::copy(p("s1.h5"), &other).unwrap();
    set_schema(&other, "galmass-dataset/3");
    let o = other.display().to_string();
    exit2(
        &["dataset", "info", &o],
        &[&o, "`schema`", "galmass-dataset/3"],
    );
    exit2(
        &[
            "dataset",
            "merge",
            &s0,
            &o,
            "--out",
            &p("bad.h5").display().to_string(),
        ],
        &[&o, "`schema`"],
    );
    assert!(!p("bad.h5").exists());
    // info shows the counts per split and the schema.
    let info = ok(&["dataset", "info", &m]);
    assert!(
        info.contains("galmass-dataset/2")
            && info.contains("mock")
            && info.contains("shuffle + deflate(4)"),
        "{info}"
    );
    let split: Vec<u8> = col(&b, "meta/split");
    for (k, name) in ["train", "validation", "test"].iter().enumerate() {
        let n = split.iter().filter(|&&s| s as usize == k).count();
        let line = info
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap();
        assert!(line.contains(&format!(" {n} samples")), "{line}");
    }
}

/// The f16 file (default) holds the f32 build's maps to f16 precision — read the way any
/// HDF5 reader does (the library's conversion to f32, times `scale_factor`) and through
/// galmass's own reader — and everything else equal; it is smaller. A schema-1 file (f32
/// maps, no scale) still reads.
#[test]
fn f16_maps_equal_f32_maps_to_half_precision() {
    use galmass::dataset::{DatasetReader, MapDtype};
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    // Split by sample, so 10 galaxies give every split (bench read needs them all).
    mock_build(&p("f16.h5"), 10, &["--split-by", "sample"]);
    mock_build(
        &p("f32.h5"),
        10,
        &["--split-by", "sample", "--map-dtype", "f32"],
    );
    let (a, b) = (
        hdf5::File::open(p("f32.h5")).unwrap(),
        hdf5::File::open(p("f16.h5")).unwrap(),
    );
    // Half precision: relative 2^-11 for normal numbers, an absolute half step 2^-25 × scale
    // below f16's smallest normal number.
    let close = |x: f32, y: f32, scale: f64| {
        let (x, y) = (f64::from(x), f64::from(y));
        (x - y).abs() <= 1.0001 * (x.abs() * 2f64.powi(-11)).max(scale * 2f64.powi(-25))
    };
    for (d, scale) in [("maps/r", 1e7), ("maps/g", 1e7), ("maps/vel", 1.0)] {
        let want: Vec<f32> = col(&a, d);
        let raw: Vec<f32> = col(&b, d);
        assert_eq!(want.len(), raw.len());
        let mut bad = 0;
        for (&x, &y) in want.iter().zip(&raw) {
            bad += usize::from(!close(x, (f64::from(y) * scale) as f32, scale));
        }
        assert_eq!(bad, 0, "{d}: values outside half precision");
        assert!(want.iter().any(|&x| x != 0.0), "{d} is not empty");
    }
    assert_eq!(
        col::<u8>(&a, "maps/vel_mask"),
        col::<u8>(&b, "maps/vel_mask")
    );
    for d in TARGETS.iter().map(|t| format!("targets/{t}")) {
        assert_eq!(col::<f64>(&a, &d), col::<f64>(&b, &d), "{d}");
    }
    let (ra, rb) = (
        DatasetReader::open(&p("f32.h5")).unwrap(),
        DatasetReader::open(&p("f16.h5")).unwrap(),
    );
    assert_eq!(
        (ra.attrs.build.map_dtype, rb.attrs.build.map_dtype),
        (MapDtype::F32, MapDtype::F16)
    );
    for i in [0, 5, 11] {
        let (x, y) = (ra.sample(i).unwrap(), rb.sample(i).unwrap());
        for (u, v, scale) in [(&x.r, &y.r, 1e7), (&x.g, &y.g, 1e7), (&x.vel, &y.vel, 1.0)] {
            assert!(
                u.iter().zip(v).all(|(&s, &t)| close(s, t, scale)),
                "sample {i}"
            );
        }
        assert_eq!(x.targets, y.targets);
    }
    for d in ["maps/r", "maps/g", "maps/vel"] {
        let (sa, sb) = (
            a.dataset(d).unwrap().storage_size(),
            b.dataset(d).unwrap().storage_size(),
        );
        assert!(sb < sa / 2, "{d}: f16 stores {sb} B, f32 {sa} B");
    }
    // `bench read` reads both storages, batch by batch, and names each; bad input exits 2.
    let (s16, s32) = (
        p("f16.h5").display().to_string(),
        p("f32.h5").display().to_string(),
    );
    let out = ok(&[
        "bench",
        "read",
        "--data",
        &s32,
        "--data",
        &s16,
        "--inputs",
        "r,vel",
        "--batch",
        "4",
        "--batches",
        "2",
    ]);
    assert!(
        out.contains(": f32 (r,vel") && out.contains(": f16 (r,vel") && out.contains("samples/s"),
        "{out}"
    );
    exit2(
        &["bench", "read", "--data", &s16, "--inputs", "x"],
        &["--inputs", "`x`"],
    );
    // A schema-1 file: the f32 build relabelled (its layout is schema 1's) reads the same.
    let r5 = ra.sample(5).unwrap().r;
    drop((a, ra));
    set_schema(&p("f32.h5"), "galmass-dataset/1");
    let old = DatasetReader::open(&p("f32.h5")).unwrap();
    assert_eq!(old.attrs.schema, "galmass-dataset/1");
    assert_eq!(old.sample(5).unwrap().r, r5);
}

/// Bad input exits with status 2 and names what is wrong; nothing appears under the output
/// name. A cutout that cannot be read is skipped with its reason; the build fails only
/// when nothing usable is left.
#[test]
fn bad_input_and_skipped_cutouts() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let out = p("x.h5");
    exit2(
        &[
            "dataset",
            "build",
            "--source",
            "sph",
            "--galaxies",
            "2",
            "--out",
            &out,
        ],
        &["sph"],
    );
    exit2(
        &[
            "dataset",
            "build",
            "--source",
            "mock",
            "--galaxies",
            "2",
            "--image-size",
            "77",
            "--out",
            &out,
        ],
        &["77"],
    );
    exit2(
        &[
            "dataset",
            "build",
            "--source",
            "mock",
            "--galaxies",
            "2",
            "--kin-size",
            "32",
            "--out",
            &out,
        ],
        &["--kin-size 32"],
    );
    let nodir = p("no/such/dir/x.h5");
    exit2(
        &[
            "dataset",
            "build",
            "--source",
            "mock",
            "--galaxies",
            "1",
            "--out",
            &nodir,
        ],
        &["no/such/dir"],
    );
    std::fs::create_dir(p("empty")).unwrap();
    exit2(
        &[
            "dataset",
            "build",
            "--source",
            "tng",
            "--cutouts",
            &p("empty"),
            "--out",
            &out,
        ],
        &[&p("empty")],
    );
    // Only an unreadable cutout: nothing usable, exit 2, no file.
    std::fs::create_dir(p("broken")).unwrap();
    std::fs::write(dir.path().join("broken/cutout_7.hdf5"), "not hdf5").unwrap();
    exit2(
        &[
            "dataset",
            "build",
            "--source",
            "tng",
            "--cutouts",
            &p("broken"),
            "--out",
            &out,
        ],
        &["no usable galaxy"],
    );
    assert!(!Path::new(&out).exists());
    assert!(!Path::new(&format!("{out}.partial")).exists());
    // One good cutout beside the broken one: built, the broken one skipped with its reason.
    let mut args = vec!["generate", "--galaxies", "1", "--seed", "5", "--out"];
    let broken = p("broken");
    args.push(&broken);
    args.extend_from_slice(&SMALL);
    ok(&args);
    let summary = ok(&[
        "dataset",
        "build",
        "--source",
        "tng",
        "--cutouts",
        &broken,
        "--image-size",
        "60",
        "--out",
        &out,
    ]);
    assert!(summary.contains("unreadable cutout"), "{summary}");
    assert!(
        summary.contains("written 1 (3 samples), skipped 1"),
        "{summary}"
    );
    // info refuses a file of another schema, naming the file and the attribute.
    let cutout = std::fs::read_dir(&broken)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|q| q.extension().is_some_and(|e| e == "hdf5") && q.metadata().unwrap().len() > 100)
        .unwrap();
    let c = cutout.display().to_string();
    exit2(&["dataset", "info", &c], &[&c, "schema"]);
}

/// A build killed part-way leaves no file under the final name.
#[test]
fn interrupted_build_leaves_no_final_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.h5");
    let mut child = Command::new(env!("CARGO_BIN_EXE_galmass"))
        .args([
            "dataset",
            "build",
            "--source",
            "mock",
            "--galaxies",
            "5000",
            "--image-size",
            "60",
            "--out",
            &out.display().to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the build is writing (its temporary file exists), then kill it.
    let partial = dir.path().join("big.h5.partial");
    for _ in 0..600 {
        if partial.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "5000 galaxies built too fast"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!out.exists());
    // It was killed mid-build: only the temporary file is there.
    assert!(dir.path().join("big.h5.partial").exists());
}

/// Issue 16: `--conditions manga` observes every sample under drawn seeing and noise, in an
/// IFU footprint, and records the ranges and each draw; the ideal build of the same galaxies
/// has the same targets, R_e and features (conditions touch the maps only).
#[test]
fn observing_conditions_are_applied_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (ideal, seen) = (dir.path().join("ideal.h5"), dir.path().join("seen.h5"));
    mock_build(&ideal, 3, &[]);
    mock_build(&seen, 3, &["--conditions", "manga", "--snr-re", "10:40"]);
    let (a, b) = (
        hdf5::File::open(&ideal).unwrap(),
        hdf5::File::open(&seen).unwrap(),
    );
    assert!(a.attr("conditions").is_err() && !a.link_exists("conditions"));
    let c: Value = serde_json::from_str(&str_attr(&b, "conditions")).unwrap();
    assert_eq!(c["ifu_re"], 1.5);
    assert_eq!(c["snr_re"], serde_json::json!([10.0, 40.0]));
    let re: Vec<f64> = col(&b, "meta/re_kpc");
    assert_eq!(re, col::<f64>(&a, "meta/re_kpc"));
    assert!(re.iter().all(|r| r.is_finite() && *r > 0.0));
    let rh: Vec<f64> = col(&b, "meta/rhsm_kpc");
    let psf: Vec<f64> = col(&b, "conditions/psf_fwhm_kpc");
    let snr: Vec<f64> = col(&b, "conditions/snr_re");
    for k in 0..re.len() {
        // Projected half-light radii of these mocks lie near the 3D half-mass radius: a
        // projection shrinks radii by ≈ 3/4, while dust in the centre and younger, brighter
        // outer discs spread the light beyond the mass.
        assert!(
            re[k] > 0.3 * rh[k] && re[k] < 2.0 * rh[k],
            "{} vs {}",
            re[k],
            rh[k]
        );
        assert!(
            (0.3..=0.8).contains(&(psf[k] / re[k])),
            "{}",
            psf[k] / re[k]
        );
        assert!((10.0..=40.0).contains(&snr[k]), "{}", snr[k]);
    }
    for d in ["targets/mstar", "targets/mtot", "features/sigma_v"] {
        assert_eq!(col::<f64>(&a, d), col::<f64>(&b, d), "{d}");
    }
    // The maps differ: the light outside the footprint is gone.
    let r: Vec<f32> = b.dataset("maps/r").unwrap().read_raw().unwrap();
    assert_eq!(r[0], 0.0, "corner outside the IFU");
    let r0: Vec<f32> = a.dataset("maps/r").unwrap().read_raw().unwrap();
    assert_ne!(r, r0);
    // The shipped CNN learned ideal maps: predicting observed ones works, with a warning
    // naming what it never saw; the ideal file draws none.
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/models/cnn.bundle");
    let bundle = bundle.display().to_string();
    let csv = dir.path().join("p.csv").display().to_string();
    for (data, warned) in [(&seen, true), (&ideal, false)] {
        let d = data.display().to_string();
        let o = common::galmass(&["predict", "--bundle", &bundle, "--data", &d, "--out", &csv]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{err}");
        assert_eq!(err.contains("warning:"), warned, "{err}");
        if warned {
            for w in ["seeing FWHM 0.3–0.8 R_e", "an IFU of 1.5 R_e", "S/N 10–40"] {
                assert!(err.contains(w), "{w}: {err}");
            }
        }
    }
    // `dataset merge` keeps the conditions.
    let merged = dir.path().join("merged.h5");
    let (s, m) = (seen.display().to_string(), merged.display().to_string());
    ok(&["dataset", "merge", &s, "--out", &m]);
    let f = hdf5::File::open(&merged).unwrap();
    assert_eq!(str_attr(&f, "conditions"), str_attr(&b, "conditions"));
    assert_eq!(col::<f64>(&f, "conditions/snr_re"), snr);
}

#[test]
fn bad_observing_conditions_exit_2_naming_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.h5").display().to_string();
    let base = [
        "dataset",
        "build",
        "--source",
        "mock",
        "--galaxies",
        "1",
        "--image-size",
        "60",
        "--out",
        &out,
    ];
    for (extra, names) in [
        (vec!["--psf-fwhm-re", "-0.5"], vec!["psf_fwhm_re = -0.5"]),
        (vec!["--psf-fwhm-re", "nan"], vec!["psf_fwhm_re = NaN"]),
        (vec!["--snr-re", "0"], vec!["snr_re = 0"]),
        (vec!["--snr-re", "30:10"], vec!["snr_re = 10"]),
        (vec!["--psf-fwhm-re", "x"], vec!["--psf-fwhm-re", "`x`"]),
        (
            vec!["--voronoi-snr", "10"],
            vec!["voronoi_snr = 10", "needs noise"],
        ),
        (vec!["--ifu-re", "0"], vec!["ifu_re = 0"]),
    ] {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(extra.iter().copied());
        exit2(&args, &names);
        assert!(!Path::new(&out).exists());
    }
}
