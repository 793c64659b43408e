//! `galmass reproduce --scale quick|paper`: the paper's Table 4 (CNN) and Table 6 (GBDT)
//! grids and the power-law baseline on one dataset, run through the same verbs a user would
//! type (each command is recorded in the report), then `report/report.json`, `report.md` and
//! the figures (docs/contracts/reports.md "Reports").
//!
//! Interrupted runs continue: a finished GBDT row or CNN run is reused, a CNN run with a
//! checkpoint resumes, and an existing dataset file is read rather than rebuilt.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Parser, ValueEnum};
use galmass::BadInput;
use galmass::atomic::write_atomic;
use galmass::evaluate::{Evaluated, derived_fdm, power_law, read_cnn_predictions};
use galmass::figures;
use galmass::report::grid::{CnnRow, GbdtRow, TABLE6, cnn_rows, noise_floor};
use galmass::report::{Report, Row, Settings, render};
use galmass::train::GbdtMetrics;
use galmass::train::table::LOG_RHSM;

use super::train_cnn::DeviceArg;
use super::{Cli, run as run_verb};

/// Size of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Scale {
    /// About 70 min on a 2-core CPU with a release build: 1000 mock galaxies, 60² light maps
    /// (resolution rows 30², 12²), w = 1/8, 40 epochs, batch 20, lr 2e-3 (`--literal`: 20
    /// epochs, batch 40, lr 1e-3)
    Quick,
    /// The paper's: 9370 mock galaxies, 300² (150², 60²), w = 1, 200 epochs, lr 1e-4 — for a GPU
    Paper,
}

/// Arguments of `galmass reproduce`.
#[derive(Args, Debug)]
pub struct ReproduceArgs {
    /// Size of the run
    #[arg(long, value_enum)]
    pub scale: Scale,
    /// Output directory (report.json, report.md, figures/, data/, cnn/, gbdt/)
    #[arg(long, default_value = "report")]
    pub out: PathBuf,
    /// Use this dataset file (e.g. built from TNG cutouts) instead of building a mock one
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Mock galaxies to build (default: 1000 quick, 9370 paper)
    #[arg(long)]
    pub galaxies: Option<u64>,
    /// Seed of the mock sample and split
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// CNN epochs (default: 40 quick, 20 quick --literal, 200 paper)
    #[arg(long)]
    pub epochs: Option<usize>,
    /// CNN width multiplier (default: 0.125 quick, 1 paper)
    #[arg(long)]
    pub width: Option<f64>,
    /// Base learning rate (default: 2e-3 quick, 1e-3 with --literal; 1e-4 paper)
    #[arg(long)]
    pub lr: Option<f64>,
    /// The paper's setup as written: no log10(R_hsm) side input, no augmentation (our maps are
    /// drawn in units of R_hsm, so without the side input the CNN cannot know the galaxy's size)
    #[arg(long)]
    pub literal: bool,
    /// Run only these rows (ids of report.md, e.g. r_vel-mstar,gbdt-mstar); default: all
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Where the CNNs train
    #[arg(long, value_enum, default_value_t = DeviceArg::Auto)]
    pub device: DeviceArg,
    /// Run only the K-th (from 0) of the selected rows and write no report: one task of a
    /// cluster job array (`galmass cluster reproduce`); the dataset must already exist. A
    /// later run without --task gathers the finished rows into the report
    #[arg(long, value_name = "K")]
    pub task: Option<usize>,
    /// Rows trained at once, each in its own process with its share of the CPU threads
    /// (their output goes to OUT/logs/<row>.log); then the report gathers them. Default: the
    /// CPU cores (at most 4) on the CPU, 1 with --device gpu
    #[arg(long, value_name = "N", conflicts_with = "task",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
}

/// One row of the grid a run selects: a CNN of Table 4 (and ours) or a GBDT of Table 6.
#[derive(Clone, Debug)]
pub(super) enum Selected {
    /// A CNN row.
    Cnn(CnnRow),
    /// A GBDT row.
    Gbdt(GbdtRow),
}

impl Selected {
    /// The row's id as in report.md (`r_vel-mstar`, `gbdt-mstar`).
    pub(super) fn id(&self) -> String {
        match self {
            Selected::Cnn(r) => r.id.to_string(),
            Selected::Gbdt(r) => format!("gbdt-{}", r.id),
        }
    }

    /// A row's training cost relative to one 60²-equivalent light branch, for running the
    /// longest rows first (so the last row does not train alone while the other slots idle).
    /// Measured on the quick grid (1 thread per row): a light branch costs in proportion to
    /// its pixels (r 60² ≈ 240 s, 30² and 12² far less), the kinematic branch (3 channels at
    /// 48²) ≈ 1.15 of a 60² light branch, the hybrid head ≈ nothing; a GBDT row ≈ 0.05.
    pub(super) fn cost(&self) -> f64 {
        match self {
            Selected::Cnn(r) => r
                .inputs
                .iter()
                .map(|&i| match i {
                    "vel" => 1.15,
                    // A light branch at 1/downsample of the base side: pixels ∝ 1/d².
                    _ => 1.0 / (r.downsample * r.downsample) as f64,
                })
                .sum::<f64>()
                .max(0.05),
            Selected::Gbdt(_) => 0.05,
        }
    }

    /// The file whose presence means the row is finished in `out` (its METRICS.json).
    pub(super) fn done_path(&self, out: &Path) -> PathBuf {
        match self {
            Selected::Cnn(r) => out.join("cnn").join(r.id).join("METRICS.json"),
            Selected::Gbdt(r) => out.join("gbdt").join(format!("{}.METRICS.json", r.id)),
        }
    }
}

/// The rows `a` selects, in the order they run: CNN rows, then GBDT rows (`--only` checked
/// against the known ids; our rows beyond the paper are left out with `--literal`).
pub(super) fn selected_rows(a: &ReproduceArgs) -> Result<Vec<Selected>> {
    let known: Vec<String> = cnn_rows()
        .iter()
        .map(|r| r.id.to_string())
        .chain(TABLE6.iter().map(|r| format!("gbdt-{}", r.id)))
        .collect();
    if let Some(bad) = a.only.iter().find(|o| !known.contains(o)) {
        return Err(BadInput(format!(
            "--only: unknown row `{bad}` (rows: {})",
            known.join(", ")
        ))
        .into());
    }
    // Our rows beyond the paper need the side input, so a paper-literal run leaves them out.
    let cnn = cnn_rows()
        .into_iter()
        .filter(|r| wanted(&a.only, r.id) && !(a.literal && r.paper.is_empty()))
        .map(Selected::Cnn);
    let gbdt = TABLE6
        .iter()
        .filter(|r| wanted(&a.only, &format!("gbdt-{}", r.id)))
        .cloned()
        .map(Selected::Gbdt);
    Ok(cnn.chain(gbdt).collect())
}

/// The dataset file a run reads: `--data`, or the mock file it builds under `out/data/`.
pub(super) fn data_path(a: &ReproduceArgs) -> PathBuf {
    match &a.data {
        Some(d) => d.clone(),
        None => a
            .out
            .join("data")
            .join(format!("mock-{}.h5", plan(a).galaxies)),
    }
}

/// The `dataset build` arguments of the mock file a run without `--data` builds.
pub(super) fn data_build_args(a: &ReproduceArgs) -> Vec<String> {
    let p = plan(a);
    mock_build_args(p.galaxies, a.seed, p.image_size)
}

/// `dataset build --source mock --galaxies N --seed S --image-size PX`, without `--out`.
pub(super) fn mock_build_args(galaxies: u64, seed: u64, image_size: usize) -> Vec<String> {
    [
        "dataset",
        "build",
        "--source",
        "mock",
        "--galaxies",
        &galaxies.to_string(),
        "--seed",
        &seed.to_string(),
        "--image-size",
        &image_size.to_string(),
    ]
    .map(String::from)
    .to_vec()
}

/// The settings of a scale, after the command-line overrides.
struct Plan {
    galaxies: u64,
    image_size: usize,
    width: f64,
    epochs: usize,
    batch: usize,
    lr: f64,
}

fn plan(a: &ReproduceArgs) -> Plan {
    // Quick runs our recipe (AdamW, warm-up + cosine per step) at batch 20 and lr 2e-3, the
    // setting of the measured curves; paper-literal quick runs keep Adam at batch 40, lr 1e-3.
    let (galaxies, image_size, width, epochs, batch, lr) = match (a.scale, a.literal) {
        (Scale::Quick, false) => (1000, 60, 0.125, 40, 20, 2e-3),
        (Scale::Quick, true) => (1000, 60, 0.125, 20, 40, 1e-3),
        (Scale::Paper, _) => (9370, 300, 1.0, 200, 40, 1e-4),
    };
    Plan {
        galaxies: a.galaxies.unwrap_or(galaxies),
        image_size,
        width: a.width.unwrap_or(width),
        epochs: a.epochs.unwrap_or(epochs),
        batch,
        lr: a.lr.unwrap_or(lr),
    }
}

/// The command line of a verb, as a user would type it (arguments with spaces quoted).
pub(super) fn command_line(args: &[String]) -> String {
    std::iter::once("galmass")
        .chain(args.iter().map(String::as_str))
        .map(|s| {
            if s.contains(' ') {
                format!("'{s}'")
            } else {
                s.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs one verb as if typed, recording the command line.
pub(super) fn verb(args: &[String], log: &mut Vec<String>) -> Result<()> {
    let line = command_line(args);
    eprintln!("\n$ {line}");
    log.push(line);
    let cli =
        Cli::try_parse_from(std::iter::once("galmass".to_string()).chain(args.iter().cloned()))
            .map_err(|e| anyhow::anyhow!("internal command line: {e}"))?;
    run_verb(&cli)
}

pub(super) fn s(p: &Path) -> String {
    p.display().to_string()
}

fn wanted(only: &[String], id: &str) -> bool {
    only.is_empty() || only.iter().any(|o| o == id)
}

/// Runs `galmass reproduce`: the dataset (built once, or reused), then one `--task` row, or
/// every selected row (in parallel processes with `--jobs`) and the report.
pub fn run(a: &ReproduceArgs) -> Result<()> {
    let t0 = Instant::now();
    let p = plan(a);
    let selected = selected_rows(a)?;
    std::fs::create_dir_all(a.out.join("figures"))
        .map_err(|e| BadInput(format!("--out {}: cannot create ({e})", a.out.display())))?;
    let mut commands = Vec::new();
    let data = ensure_dataset(a, &mut commands)?;
    let file_size = galmass::dataset::reader::DatasetReader::open(&data)?
        .attrs
        .build
        .image_size;
    let jobs = a.jobs.map(usize::from).unwrap_or_else(|| {
        if matches!(a.device, DeviceArg::Gpu) {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
        }
    });
    if a.task.is_none() && jobs > 1 {
        run_rows_in_parallel(a, &selected, jobs, &mut commands)?;
    }
    if let Some(k) = a.task {
        let data = (data.as_path(), file_size);
        return run_task(a, &p, &selected, k, data, &mut commands, t0);
    }
    let mut rows = Vec::new();
    let mut importance = BTreeMap::new();
    let mut device = String::new();
    for row in &selected {
        match row {
            Selected::Cnn(r) => {
                let (mut rs, dev) = cnn_row(a, &p, r, &data, file_size, &mut commands)?;
                rows.append(&mut rs);
                device = dev;
            }
            Selected::Gbdt(r) => {
                let (row, imp) = gbdt_row(a, r, &data, &mut commands)?;
                importance.insert(row.id.clone(), imp);
                rows.push(row);
            }
        }
    }
    let baselines = draw_figures(a, &data, &rows)?;
    let mut report = Report {
        settings: Settings {
            scale: format!("{:?}", a.scale).to_lowercase(),
            data: s(&data),
            galaxies: a.data.is_none().then_some(p.galaxies),
            image_size: file_size,
            width: p.width,
            epochs: p.epochs,
            batch: p.batch,
            lr: p.lr,
            device,
            side_input: !a.literal,
            augment: !a.literal,
            wall_seconds: t0.elapsed().as_secs_f64(),
        },
        rows,
        baselines,
        importance,
        checks: Vec::new(),
        commands,
    };
    report.checks = report.ordering_checks();
    write_report(&a.out, &report)
}

/// The dataset of the run: `--data`, or the one built into OUT/data (reused when present;
/// with `--task` it must exist, since the cluster's data job builds it).
fn ensure_dataset(a: &ReproduceArgs, commands: &mut Vec<String>) -> Result<PathBuf> {
    let data = data_path(a);
    if a.data.is_some() {
        return Ok(data);
    }
    if data.exists() {
        eprintln!("reusing {}", data.display());
    } else if a.task.is_some() {
        return Err(BadInput(format!(
            "--task: the dataset {} does not exist yet (the cluster's data job builds it)",
            data.display()
        ))
        .into());
    } else {
        std::fs::create_dir_all(a.out.join("data"))?;
        let mut args = data_build_args(a);
        args.extend(["--out".to_string(), s(&data)]);
        verb(&args, commands)?;
    }
    Ok(data)
}

/// `--task k`: row k of the selection alone (a Slurm array task), its done-marker written.
fn run_task(
    a: &ReproduceArgs,
    p: &Plan,
    selected: &[Selected],
    k: usize,
    (data, file_size): (&Path, usize),
    commands: &mut Vec<String>,
    t0: Instant,
) -> Result<()> {
    let Some(row) = selected.get(k) else {
        return Err(BadInput(format!(
            "--task {k}: the run selects {} rows (tasks 0–{})",
            selected.len(),
            selected.len().saturating_sub(1)
        ))
        .into());
    };
    match row {
        Selected::Cnn(r) => {
            cnn_row(a, p, r, data, file_size, commands)?;
        }
        Selected::Gbdt(r) => {
            gbdt_row(a, r, data, commands)?;
        }
    }
    println!(
        "reproduce task {k}: row {} done in {:.1} s ({})",
        row.id(),
        t0.elapsed().as_secs_f64(),
        s(&row.done_path(&a.out))
    );
    Ok(())
}

/// The power-law baselines (Fig. 6 bottom) with their figures, and the σ bars per model.
fn draw_figures(
    a: &ReproduceArgs,
    data: &Path,
    rows: &[Row],
) -> Result<Vec<galmass::evaluate::PowerLaw>> {
    let mut baselines = Vec::new();
    for t in ["mstar", "mtot"] {
        let (pl, ev) = power_law(data, t)?;
        ev.draw(
            &a.out.join("figures").join(format!("power_law_{t}.png")),
            "power law on L_r",
        )?;
        baselines.push(pl);
    }
    for (model, name) in [("cnn", "sigma_cnn.png"), ("gbdt", "sigma_gbdt.png")] {
        let items: Vec<(String, f64)> = rows
            .iter()
            .filter(|r| r.row.model == model)
            .map(|r| (format!("{} → {}", r.id, r.row.target), r.row.sigma_dex))
            .collect();
        if !items.is_empty() {
            figures::bars::draw(
                &a.out.join("figures").join(name),
                &items,
                &format!("{} test scatter per row", model.to_uppercase()),
                "σ of log10(pred/true) [dex]",
            )?;
        }
    }
    Ok(baselines)
}

/// Writes report.md then report.json (its presence marks the report finished: `cluster`
/// reads it so) and prints the ordering checks.
fn write_report(out: &Path, report: &Report) -> Result<()> {
    let md = out.join("report.md");
    write_atomic(&md, render(report).as_bytes())?;
    let json = out.join("report.json");
    write_atomic(&json, &serde_json::to_vec_pretty(report)?)?;
    println!(
        "\nreproduce --scale {}: {} rows in {:.1} min",
        report.settings.scale,
        report.rows.len(),
        report.settings.wall_seconds / 60.0
    );
    for c in &report.checks {
        let h = match c.holds {
            Some(true) => "yes",
            Some(false) => "NO ",
            None => " - ",
        };
        println!("  [{h}] {}: {}", c.claim, c.detail);
    }
    println!("wrote {} and {}", md.display(), json.display());
    Ok(())
}

/// The command line of task `k` of this run: the same settings, `--task k`.
fn task_args(a: &ReproduceArgs, k: usize) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "reproduce".into(),
        "--scale".into(),
        format!("{:?}", a.scale).to_lowercase(),
        "--out".into(),
        s(&a.out),
        "--seed".into(),
        a.seed.to_string(),
        "--device".into(),
        format!("{:?}", a.device).to_lowercase(),
    ];
    let opt = |v: &mut Vec<String>, flag: &str, x: Option<String>| {
        if let Some(x) = x {
            v.extend([flag.to_string(), x]);
        }
    };
    opt(&mut v, "--data", a.data.as_deref().map(s));
    opt(&mut v, "--galaxies", a.galaxies.map(|x| x.to_string()));
    opt(&mut v, "--epochs", a.epochs.map(|x| x.to_string()));
    opt(&mut v, "--width", a.width.map(|x| x.to_string()));
    opt(&mut v, "--lr", a.lr.map(|x| x.to_string()));
    if a.literal {
        v.push("--literal".into());
    }
    if !a.only.is_empty() {
        v.extend(["--only".into(), a.only.join(",")]);
    }
    v.extend(["--task".into(), k.to_string()]);
    v
}

/// Trains the unfinished rows `jobs` at a time, each as `galmass reproduce … --task k` in its
/// own process (output in `out/logs/<row>.log`, `RAYON_NUM_THREADS` = cores / jobs); the
/// caller then gathers the finished rows as usual. A failed row is named with its log.
fn run_rows_in_parallel(
    a: &ReproduceArgs,
    selected: &[Selected],
    jobs: usize,
    commands: &mut Vec<String>,
) -> Result<()> {
    let exe = std::env::current_exe().context("finding this executable")?;
    let logs = a.out.join("logs");
    std::fs::create_dir_all(&logs)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .div_ceil(jobs)
        .max(1);
    // Longest first (LPT): the cheap rows fill the gaps at the end.
    let mut order: Vec<usize> = (0..selected.len())
        .filter(|&k| !selected[k].done_path(&a.out).exists())
        .collect();
    order.sort_by(|&x, &y| selected[y].cost().total_cmp(&selected[x].cost()));
    let mut todo: std::collections::VecDeque<usize> = order.into();
    let total = todo.len();
    if total == 0 {
        return Ok(());
    }
    eprintln!(
        "training {total} rows, {jobs} at a time ({threads} thread(s) each; logs in {})",
        logs.display()
    );
    let mut running: Vec<(usize, std::process::Child, Instant)> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    let mut finished = 0;
    while !todo.is_empty() || !running.is_empty() {
        while running.len() < jobs
            && let Some(k) = todo.pop_front()
        {
            let args = task_args(a, k);
            let log = logs.join(format!("{}.log", selected[k].id()));
            let file = std::fs::File::create(&log)
                .with_context(|| format!("creating {}", log.display()))?;
            let child = std::process::Command::new(&exe)
                .args(&args)
                .env("RAYON_NUM_THREADS", threads.to_string())
                .stdin(std::process::Stdio::null())
                .stdout(file.try_clone()?)
                .stderr(file)
                .spawn()
                .with_context(|| format!("starting {}", exe.display()))?;
            commands.push(format!("galmass {}", args.join(" ")));
            running.push((k, child, Instant::now()));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        let mut still = Vec::new();
        for (k, mut child, started) in running {
            match child.try_wait()? {
                None => still.push((k, child, started)),
                Some(status) => {
                    finished += 1;
                    let id = selected[k].id();
                    let secs = started.elapsed().as_secs_f64();
                    if status.success() {
                        eprintln!("[{finished}/{total}] {id} done in {secs:.0} s");
                    } else {
                        eprintln!("[{finished}/{total}] {id} FAILED ({status}) after {secs:.0} s");
                        failed.push(format!("{id} ({})", s(&logs.join(format!("{id}.log")))));
                    }
                }
            }
        }
        running = still;
    }
    if !failed.is_empty() {
        return Err(anyhow::anyhow!(
            "{} row(s) failed: {}; the finished rows are kept — run the same command again to \
             retry the others",
            failed.len(),
            failed.join(", ")
        ));
    }
    Ok(())
}

/// Trains (or reuses) one CNN of the grid and returns its rows and the device label.
fn cnn_row(
    a: &ReproduceArgs,
    p: &Plan,
    r: &CnnRow,
    data: &Path,
    file_size: usize,
    commands: &mut Vec<String>,
) -> Result<(Vec<Row>, String)> {
    let dir = a.out.join("cnn").join(r.id);
    let size = file_size / r.downsample;
    let mut args: Vec<String> = [
        "train",
        "cnn",
        "--data",
        &s(data),
        "--inputs",
        &r.inputs.join(","),
        "--targets",
        &r.targets.join(","),
        "--image-size",
        &size.to_string(),
        "--width",
        &p.width.to_string(),
        "--epochs",
        &p.epochs.to_string(),
        "--batch",
        &p.batch.to_string(),
        "--lr",
        &p.lr.to_string(),
        "--device",
        &format!("{:?}", a.device).to_lowercase(),
        "--seed",
        &a.seed.to_string(),
        "--out",
        &s(&dir),
    ]
    .map(String::from)
    .to_vec();
    if a.literal {
        // The paper's recipe as written: light pixels scaled linearly to [0, 1], Adam with a
        // cosine per epoch, raw log10 targets.
        for x in [
            "--norm",
            "linear-luminosity",
            "--optimizer",
            "adam",
            "--schedule",
            "cosine",
            "--standardise",
            "false",
        ] {
            args.push(x.into());
        }
    } else {
        args.push("--side-input".into());
        args.push("--augment".into());
    }
    if r.hybrid {
        args.push("--hybrid".into());
    }
    // A finished run of these settings is read as it is (a gather job on a node without the
    // rows' GPU must not retrain or re-evaluate); an unfinished one resumes.
    let state = galmass::train::cnn::checkpoint::load(&dir)?;
    let finished = state.as_ref().is_some_and(|st| {
        st.partial.is_none()
            && st.epochs_done == p.epochs
            && st.batch == p.batch
            && st.lr == p.lr
            && st.seed == a.seed
            && st.image_size == size
            && st.config.width == p.width
    }) && dir.join("METRICS.json").exists()
        && dir.join("test_predictions.csv").exists();
    if finished {
        eprintln!("reusing {}", dir.join("METRICS.json").display());
    } else {
        if state.is_some() {
            args.push("--resume".into());
        }
        verb(&args, commands)?;
    }
    let metrics: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("METRICS.json")).context("reading the run's METRICS.json")?,
    )?;
    let secs = metrics["train_seconds"].as_f64().unwrap_or(f64::NAN);
    let device = metrics["device"].as_str().unwrap_or_default().to_string();
    let (idx, cols) = read_cnn_predictions(&dir)?;
    let inputs = r.inputs.join(",");
    let mut evs: Vec<Evaluated> = Vec::new();
    for (name, truth, pred) in &cols {
        evs.push(Evaluated::new(
            "cnn",
            &inputs,
            name,
            truth.clone(),
            pred.clone(),
        )?);
    }
    if r.targets == ["mstar", "mtot"] {
        let fdm: Vec<f64> =
            galmass::dataset::reader::DatasetReader::open(data)?.column("targets/fdm")?;
        let true_fdm: Vec<f64> = idx.iter().map(|&i| fdm[i]).collect();
        let (ev, dropped) = derived_fdm(&inputs, &cols[0].2, &cols[1].2, &true_fdm)?;
        if dropped > 0 {
            eprintln!(
                "{}: {dropped} test samples with predicted M* ≥ Mtot have no derived f_DM",
                r.id
            );
        }
        evs.push(ev);
    }
    let rows = evs
        .into_iter()
        .enumerate()
        .map(|(k, ev)| Row {
            id: r.id.to_string(),
            row: ev.row.clone(),
            paper_mean_dex: r.paper.get(k).map(|p| p.mean),
            paper_sigma_dex: r.paper.get(k).map(|p| p.sigma),
            floor_dex: {
                let has = |i: &str| r.inputs.contains(&i);
                noise_floor(
                    &ev.row.target,
                    has("rg") || has("gr") || (has("g") && has("r")),
                    has("vel"),
                    !a.literal,
                )
            },
            image_size: Some(size),
            train_seconds: secs,
        })
        .collect();
    Ok((rows, device))
}

/// Trains (or reuses) one GBDT of Table 6 with the paper's parameters.
fn gbdt_row(
    a: &ReproduceArgs,
    r: &GbdtRow,
    data: &Path,
    commands: &mut Vec<String>,
) -> Result<(Row, BTreeMap<String, f64>)> {
    let dir = a.out.join("gbdt");
    std::fs::create_dir_all(&dir)?;
    let model = dir.join(format!("{}.json", r.id));
    let metrics = dir.join(format!("{}.METRICS.json", r.id));
    let args = [
        "train",
        "gbdt",
        "--data",
        &s(data),
        "--target",
        r.target,
        "--features",
        r.features,
        "--preset",
        "paper",
        "--out",
        &s(&model),
        "--metrics",
        &s(&metrics),
        "--figures",
        &s(&dir.join(format!("{}_figures", r.id))),
    ]
    .map(String::from);
    if metrics.exists() && model.exists() {
        eprintln!("reusing {}", metrics.display());
    } else {
        verb(&args, commands)?;
    }
    let m: GbdtMetrics = serde_json::from_slice(&std::fs::read(&metrics)?)
        .with_context(|| format!("reading {}", metrics.display()))?;
    let row = Row {
        id: format!("gbdt-{}", r.id),
        row: galmass::evaluate::ReportRow {
            model: "gbdt".into(),
            inputs: r.features.to_string(),
            target: m.target.clone(),
            split: "test".into(),
            n_test: m.n_test,
            mean_dex: m.mean_dex,
            sigma_dex: m.sigma_dex,
        },
        paper_mean_dex: None,
        paper_sigma_dex: r.paper_sigma,
        floor_dex: noise_floor(
            &m.target,
            m.features.iter().any(|f| f == "g_r"),
            m.features.iter().any(|f| f == "sigma_v"),
            m.features.iter().any(|f| f == LOG_RHSM),
        ),
        image_size: None,
        train_seconds: m.train_seconds,
    };
    Ok((row, m.importance_gain))
}
