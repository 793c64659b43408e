//! End-to-end tests of the mock physics variants (issue 15; docs/contracts/cli.md `--physics`,
//! docs/contracts/dataset.md root attributes `physics` and `mock_options`): the variant and
//! the options used are recorded by `dataset build` and `generate`, flags override the
//! variant, and `dataset merge` refuses files of other physics.

use crate::common;

use std::path::Path;

use common::{SMALL, exit2, ok};
use serde_json::Value;

/// `dataset build --source mock` of 2 galaxies of seed 4 with the small particle numbers.
fn build(out: &Path, extra: &[&str]) {
    common::mock_build(out, 2, 4, extra);
}

/// The string root attribute `name` of the file at `path`.
fn attr(path: &Path, name: &str) -> String {
    common::str_attr(&hdf5::File::open(path).unwrap(), name)
}

#[test]
fn variants_are_recorded_and_merge_refuses_other_physics() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    build(&p("default.h5"), &["--shard", "0/2"]);
    build(&p("hard.h5"), &["--shard", "1/2", "--physics", "hard"]);
    build(
        &p("hard-flags.h5"),
        &[
            "--shard",
            "1/2",
            "--physics",
            "hard",
            "--imf-scatter-dex",
            "0.1",
        ],
    );
    assert_eq!(attr(&p("default.h5"), "physics"), "default");
    assert_eq!(attr(&p("hard.h5"), "physics"), "hard");
    let o: Value = serde_json::from_str(&attr(&p("default.h5"), "mock_options")).unwrap();
    assert_eq!(o["halo_response"], "gnedin04");
    assert_eq!(o["bursts"], "spec");
    assert_eq!(o["imf_scatter_dex"], 0.0);
    assert_eq!(o["n_star"], 2000);
    let o: Value = serde_json::from_str(&attr(&p("hard.h5"), "mock_options")).unwrap();
    assert_eq!(o["halo_response"], "gnedin04_scatter");
    assert_eq!(o["bursts"], "frequent");
    assert_eq!(o["imf_scatter_dex"], 0.08);
    assert_eq!(o["size_offset_dex"], 0.15);
    // A flag overrides the variant's value; the name stays, the options say what was used.
    let o: Value = serde_json::from_str(&attr(&p("hard-flags.h5"), "mock_options")).unwrap();
    assert_eq!(o["imf_scatter_dex"], 0.1);
    let info = ok(&["dataset", "info", &p("hard.h5").display().to_string()]);
    assert!(info.contains("physics           hard"), "{info}");
    // Shards of other physics, or of the same name with other options, do not merge.
    let s = |n: &str| p(n).display().to_string();
    let out = s("merged.h5");
    exit2(
        &[
            "dataset",
            "merge",
            &s("default.h5"),
            &s("hard.h5"),
            "--out",
            &out,
        ],
        &["physics", "`hard`", "`default`"],
    );
    exit2(
        &[
            "dataset",
            "merge",
            &s("hard.h5"),
            &s("hard-flags.h5"),
            "--out",
            &out,
        ],
        &["mock_options"],
    );
    assert!(!Path::new(&out).exists());
    exit2(
        &[
            "dataset",
            "build",
            "--source",
            "mock",
            "--galaxies",
            "1",
            "--physics",
            "easy",
            "--out",
            &out,
        ],
        &["--physics", "easy", "ml-scatter"],
    );
    exit2(
        &[
            "dataset",
            "build",
            "--source",
            "mock",
            "--galaxies",
            "1",
            "--size-offset-dex",
            "0.9",
            "--out",
            &out,
        ],
        &["--size-offset-dex", "0.9"],
    );
}

#[test]
fn generate_records_the_physics() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let mut args = vec![
        "generate",
        "--galaxies",
        "1",
        "--seed",
        "2",
        "--out",
        &out,
        "--physics",
        "ml-scatter",
    ];
    args.extend_from_slice(&SMALL);
    let stdout = ok(&args);
    assert!(stdout.contains("physics: ml-scatter"), "{stdout}");
    let g: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("generator.json")).unwrap()).unwrap();
    assert_eq!(g["physics"], "ml-scatter");
    assert_eq!(g["seed"], 2);
    assert_eq!(g["mock_options"]["bursts"], "frequent");
    // The catalogue holds the drawn IMF offset of the galaxy.
    let csv = std::fs::read_to_string(dir.path().join("catalog.csv")).unwrap();
    let head: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert!(head.contains(&"imf_offset_dex") && head.contains(&"contraction_efficiency"));
}
