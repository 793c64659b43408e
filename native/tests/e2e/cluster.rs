//! `galmass cluster` without a Slurm cluster (the real-Slurm test is
//! `scripts/slurm-test.sh`): the scripts it would submit, its refusals, and the training
//! loop's clean stop on SIGTERM that Slurm's preemption and `scancel` rely on.

use crate::common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{exit2, ok, small_dataset};

/// `--dry-run` prints each stage's script with the site's directives and prelude, and the
/// sbatch lines chained by `afterok`, and writes nothing.
#[test]
fn dry_run_prints_the_site_scripts_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let jobdir = dir.path().join("job");
    let prelude = dir.path().join("prelude.sh");
    std::fs::write(
        &prelude,
        "#SBATCH --constraint=avx2\nmodule load hdf5/1.10\n",
    )
    .unwrap();
    let out = ok(&[
        "cluster",
        "dataset",
        "--jobdir",
        jobdir.to_str().unwrap(),
        "--shards",
        "4",
        "--out",
        dir.path().join("all.h5").to_str().unwrap(),
        "--partition",
        "astro",
        "--account",
        "proj42",
        "--time",
        "00:30:00",
        "--cpus-per-task",
        "2",
        "--prelude",
        prelude.to_str().unwrap(),
        "--dry-run",
        "--",
        "--source",
        "mock",
        "--galaxies",
        "40",
        "--seed",
        "3",
    ]);
    for want in [
        "#SBATCH --partition=astro",
        "#SBATCH --account=proj42",
        "#SBATCH --time=00:30:00",
        "#SBATCH --cpus-per-task=2",
        "#SBATCH --requeue",
        "#SBATCH --constraint=avx2",
        "module load hdf5/1.10",
        "dataset build --source mock --galaxies 40 --seed 3 --shard \"$i\"/4",
        "sbatch --parsable --array=0-3 ",
        "--dependency=afterok:<job id of build> --kill-on-invalid-dep=yes",
        "dataset merge ",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    assert!(!jobdir.exists(), "a dry run writes nothing");
    // The reproduce grid: a data job, one array task per selected row, a gather job.
    let out = ok(&[
        "cluster",
        "reproduce",
        "--jobdir",
        jobdir.to_str().unwrap(),
        "--gpus",
        "1",
        "--dry-run",
        "--",
        "--scale",
        "quick",
        "--only",
        "r-mstar,r_vel-mstar,gbdt-mstar",
        "--out",
        dir.path().join("report").to_str().unwrap(),
    ]);
    for want in [
        "#SBATCH --job-name=galmass-data",
        "dataset build --source mock --galaxies 1000 --seed 1 --image-size 60",
        "#SBATCH --gres=gpu:1",
        "--task \"$i\"",
        "sbatch --parsable --array=0-2 ",
        "#SBATCH --job-name=galmass-gather",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    assert!(!jobdir.exists());
    // An ensemble: one train task per seed, then one export task per member.
    let data = dir.path().join("ds.h5");
    std::fs::write(&data, b"").unwrap();
    let out = ok(&[
        "cluster",
        "ensemble",
        "--jobdir",
        jobdir.to_str().unwrap(),
        "--seeds",
        "1,2,3",
        "--out",
        dir.path().join("ens").to_str().unwrap(),
        "--dry-run",
        "--",
        "--data",
        data.to_str().unwrap(),
        "--inputs",
        "rg,vel",
        "--targets",
        "mstar,mtot",
    ]);
    for want in [
        "values=(1 2 3)\nv=${values[$i]}",
        "--seed \"$v\" --out ",
        "/ens/seed-\"$v\" --resume-if-present",
        "export --cnn ",
        "/ens/cnn-seed-\"$v\".bundle",
        "sbatch --parsable --array=0-2 ",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    assert!(!jobdir.exists());
}

/// Bad input is refused before anything is submitted or written, with exit status 2.
#[test]
fn cluster_refuses_bad_input_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let jobdir = dir.path().join("job");
    let j = jobdir.to_str().unwrap();
    let all = dir.path().join("all.h5");
    let a = all.to_str().unwrap();
    let base = ["cluster", "dataset", "--jobdir", j, "--out", a];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    exit2(
        &with(&["--shards", "0", "--", "--source", "mock", "--galaxies", "8"]),
        &["--shards"],
    );
    exit2(
        &with(&["--shards", "9", "--", "--source", "mock", "--galaxies", "8"]),
        &["--shards 9", "8 galaxies"],
    );
    exit2(
        &with(&[
            "--shards",
            "2",
            "--",
            "--source",
            "mock",
            "--galaxies",
            "8",
            "--out",
            "x",
        ]),
        &["--out in the dataset build arguments"],
    );
    exit2(
        &with(&[
            "--shards",
            "2",
            "--",
            "--source",
            "mock",
            "--galaxies",
            "lots",
        ]),
        &["dataset build arguments", "lots"],
    );
    exit2(
        &[
            "cluster",
            "reproduce",
            "--jobdir",
            j,
            "--",
            "--scale",
            "quick",
            "--task",
            "1",
        ],
        &["--task in the reproduce arguments"],
    );
    exit2(
        &[
            "cluster",
            "reproduce",
            "--jobdir",
            j,
            "--",
            "--scale",
            "quick",
            "--only",
            "nope",
        ],
        &["unknown row `nope`"],
    );
    // `cluster ensemble` with these seeds and extra train arguments.
    let ensemble = |seeds: &str, extra: &[&str], names: &[&str]| {
        let mut args = vec![
            "cluster",
            "ensemble",
            "--jobdir",
            j,
            "--seeds",
            seeds,
            "--out",
            "e",
            "--",
            "--data",
            a,
            "--inputs",
            "r",
            "--targets",
            "mstar",
        ];
        args.extend_from_slice(extra);
        exit2(&args, names);
    };
    ensemble(
        "1,2",
        &["--seed", "4"],
        &["--seed in the train cnn arguments"],
    );
    ensemble("1,1", &[], &["--seeds", "twice"]);
    ensemble("1,2", &[], &["no such file", a]);
    // Shard specs that cannot exist.
    for bad in ["0/0", "4/4", "x/2"] {
        exit2(
            &[
                "dataset",
                "build",
                "--source",
                "mock",
                "--galaxies",
                "4",
                "--shard",
                bad,
                "--out",
                a,
            ],
            &["--shard"],
        );
    }
    // Without Slurm's commands on PATH: a clear message, and no job directory left behind.
    let o = Command::new(env!("CARGO_BIN_EXE_galmass"))
        .args(with(&[
            "--shards",
            "2",
            "--",
            "--source",
            "mock",
            "--galaxies",
            "8",
        ]))
        .env("PATH", dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("sbatch") && err.contains("PATH"), "{err}");
    assert!(
        !jobdir.exists(),
        "a refused submission leaves no job directory"
    );
    exit2(&["cluster", "status", j], &["cluster.json", j]);
    exit2(&["cluster", "submit", j], &["cluster.json"]);
    // A row task needs the dataset the data job builds.
    exit2(
        &[
            "reproduce",
            "--scale",
            "quick",
            "--galaxies",
            "8",
            "--out",
            dir.path().join("rep").to_str().unwrap(),
            "--only",
            "gbdt-mstar",
            "--task",
            "0",
        ],
        &["--task", "does not exist yet"],
    );
}

fn train_args(data: &str, out: &str) -> Vec<String> {
    [
        "train",
        "cnn",
        "--data",
        data,
        "--inputs",
        "r,vel",
        "--targets",
        "mstar",
        "--width",
        "0.125",
        "--epochs",
        "3",
        "--batch",
        "2",
        "--side-input",
        "--augment",
        "--seed",
        "5",
        "--out",
        out,
    ]
    .map(String::from)
    .to_vec()
}

/// SIGTERM (what Slurm sends on `scancel` or preemption) stops `train cnn` after its current
/// step with a complete checkpoint and exit status 75 (EX_TEMPFAIL); `--resume` then ends with exactly
/// the predictions of a run that was never stopped, wherever the signal fell.
#[test]
fn sigterm_stops_training_cleanly_and_resume_is_exact() {
    let data = small_dataset(10, 21);
    let d = data.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let stopped = dir.path().join("stopped");
    let w: Vec<String> = train_args(d, whole.to_str().unwrap());
    ok(&w.iter().map(String::as_str).collect::<Vec<_>>());

    let s = train_args(d, stopped.to_str().unwrap());
    let mut child = Command::new(env!("CARGO_BIN_EXE_galmass"))
        .args(&s)
        .env("HDF5_USE_FILE_LOCKING", "FALSE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first epoch's checkpoint (the handler is installed by then), then stop.
    let t0 = Instant::now();
    while !stopped.join("checkpoint.json").exists() {
        assert!(t0.elapsed() < Duration::from_secs(300), "no checkpoint");
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let finished_early = child.try_wait().unwrap().is_some();
    if !finished_early {
        std::thread::sleep(Duration::from_millis(150));
        let k = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(k.success());
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        // The signal came after the last step: nothing to resume, still a complete run.
        assert!(stopped.join("METRICS.json").exists());
    } else {
        assert_eq!(out.status.code(), Some(75), "{err}");
        eprintln!("{}", err.lines().last().unwrap_or_default());
        assert!(
            err.contains("stopped by a signal") && err.contains("--resume"),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        let mut r = s.clone();
        r.push("--resume".into());
        ok(&r.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let a = std::fs::read(whole.join("test_predictions.csv")).unwrap();
    let b = std::fs::read(stopped.join("test_predictions.csv")).unwrap();
    assert_eq!(
        a, b,
        "the resumed run must predict exactly as the uninterrupted one"
    );
    let curves = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(p.join("curves.csv"))
            .unwrap()
            .lines()
            .map(|l| l.split(',').take(4).collect::<Vec<_>>().join(","))
            .collect()
    };
    assert_eq!(
        curves(&whole),
        curves(&stopped),
        "no epoch lost or repeated"
    );
    // The partial-epoch records are gone once the epoch is complete.
    let partials = std::fs::read_dir(&stopped)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .count();
    assert_eq!(partials, 0);
}
