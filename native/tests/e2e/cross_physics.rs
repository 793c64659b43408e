//! `galmass cross-physics` on a tiny sample: the default and the uncontracted mock share
//! galaxies, split and stellar masses but not dark matter; both models trained on each are
//! scored on both test splits; the report lists every command; a second run reuses every
//! step; bad variants and datasets exit 2.

use crate::common::{self, exit2, ok};
use galmass::dataset::DatasetReader;
use galmass::report::cross_physics::{CrossPhysics, MODELS, TARGETS};

#[test]
fn cross_physics_scores_every_model_on_every_variant_and_reuses_its_steps() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cross");
    let o = out.to_str().unwrap();
    let args = [
        "cross-physics",
        "--out",
        o,
        "--variants",
        "default,uncontracted",
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
    assert!(stdout.contains("trained on"), "{stdout}");
    let read = || -> CrossPhysics {
        serde_json::from_slice(&std::fs::read(out.join("cross_physics.json")).unwrap()).unwrap()
    };
    let c = read();
    let vs = ["default", "uncontracted"];
    assert_eq!(
        c.rows.len(),
        vs.len() * vs.len() * MODELS.len() * TARGETS.len()
    );
    let a = DatasetReader::open(&out.join("data/default.h5")).unwrap();
    let b = DatasetReader::open(&out.join("data/uncontracted.h5")).unwrap();
    let col = |f: &DatasetReader, n: &str| f.column::<f64>(n).unwrap();
    assert_eq!(
        a.column::<u64>("meta/galaxy_id").unwrap(),
        b.column::<u64>("meta/galaxy_id").unwrap()
    );
    assert_eq!(
        a.column::<u8>("meta/split").unwrap(),
        b.column::<u8>("meta/split").unwrap()
    );
    // The same stars, another halo response: M* the same, M_DM(<R_hsm) no higher without
    // contraction (galaxy-model.md test 5) and lower for most galaxies.
    assert_eq!(col(&a, "targets/mstar"), col(&b, "targets/mstar"));
    let (da, db) = (col(&a, "targets/mdm"), col(&b, "targets/mdm"));
    let lower = da.iter().zip(&db).filter(|(x, y)| y < x).count();
    assert!(da.iter().zip(&db).all(|(x, y)| y <= x), "{da:?} vs {db:?}");
    assert!(2 * lower > da.len(), "{da:?} vs {db:?}");
    let n_test = a
        .column::<u8>("meta/split")
        .unwrap()
        .iter()
        .filter(|&&s| s == 2)
        .count();
    for train in vs {
        for test in vs {
            for (m, _) in MODELS {
                for t in TARGETS {
                    let r = c.get(train, test, m, t).unwrap();
                    assert_eq!(r.n_test, n_test, "{train} {test} {m} {t}");
                    assert!(r.sigma_dex.is_finite() && r.mean_dex.is_finite());
                }
            }
        }
    }
    let md = std::fs::read_to_string(out.join("cross_physics.md")).unwrap();
    assert_eq!(md.matches("galmass dataset build").count(), 2);
    assert_eq!(md.matches("galmass train cnn").count(), 2);
    assert_eq!(md.matches("galmass train gbdt").count(), 4);
    assert_eq!(md.matches("galmass export").count(), 2);
    assert_eq!(md.matches("galmass evaluate").count(), 8);
    assert!(md.contains("Noise floor"), "{md}");

    let again = common::galmass(&args);
    assert!(again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(!err.contains("\n$ galmass"), "a step ran again:\n{err}");
    assert_eq!(read().rows, c.rows);

    exit2(
        &[
            "cross-physics",
            "--out",
            o,
            "--variants",
            "default,warm-dark-matter",
        ],
        &["warm-dark-matter", "unknown physics variant"],
    );
    exit2(
        &["cross-physics", "--out", o, "--variants", "default"],
        &["at least two"],
    );
    exit2(
        &[
            "cross-physics",
            "--out",
            o,
            "--dataset",
            "tng=/nonexistent.h5",
        ],
        &["/nonexistent.h5"],
    );
}
