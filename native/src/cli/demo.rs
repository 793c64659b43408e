//! `galmass demo`: the whole method in a few minutes on a laptop CPU — a small mock sample,
//! its dataset file, the paper's GBDT for M* and Mtot, a compact CNN on the r image and the
//! kinematic maps predicting both, the test-split evaluation against the power law on
//! luminosity, and a bundle for the web app. Every step is a verb a user could type; the
//! commands are printed and kept in `summary.md`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use galmass::atomic::write_atomic;
use galmass::evaluate::Evaluation;

use super::reproduce::{s, verb};
use super::train_cnn::DeviceArg;

/// Arguments of `galmass demo`.
#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Output directory
    #[arg(long, default_value = "galmass-demo")]
    pub out: PathBuf,
    /// Mock galaxies (3 projections each)
    #[arg(long, default_value_t = 800)]
    pub galaxies: u64,
    /// Seed of the sample, split and network
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// CNN epochs (AdamW, warm-up then cosine per step; the validation loss still falls at 20)
    #[arg(long, default_value_t = 30)]
    pub epochs: usize,
    /// CNN width multiplier (1 = the paper's ResNet-18)
    #[arg(long, default_value_t = 0.125)]
    pub width: f64,
    /// Where the CNN trains
    #[arg(long, value_enum, default_value_t = DeviceArg::Auto)]
    pub device: DeviceArg,
}

/// Where the demo puts its files under `--out`.
struct Paths {
    out: PathBuf,
    data: PathBuf,
    gbdt: PathBuf,
    gbdt_bundle: PathBuf,
    cnn: PathBuf,
    cnn_bundle: PathBuf,
    eval: PathBuf,
}

impl Paths {
    fn new(a: &DemoArgs) -> Self {
        let out = a.out.clone();
        Paths {
            data: out.join(format!("mock-{}.h5", a.galaxies)),
            gbdt: out.join("gbdt"),
            gbdt_bundle: out.join("galmass-demo-gbdt.bundle"),
            cnn: out.join("cnn"),
            cnn_bundle: out.join("galmass-demo-cnn.bundle"),
            eval: out.join("evaluation"),
            out,
        }
    }
}

/// One step of the demo: the command a user would type, the line printed before it, and the
/// row of the timing table its seconds add to.
struct Step {
    row: &'static str,
    title: String,
    args: Vec<String>,
}

fn step(row: &'static str, title: impl Into<String>, args: &[&str]) -> Step {
    Step {
        row,
        title: title.into(),
        args: args.iter().map(|s| s.to_string()).collect(),
    }
}

/// The demo as data: the steps in order (the dataset build only when its file is missing).
fn steps(a: &DemoArgs, p: &Paths) -> Vec<Step> {
    let (data, dev) = (s(&p.data), format!("{:?}", a.device).to_lowercase());
    let (seed, g) = (a.seed.to_string(), |f: &str| s(&p.gbdt.join(f)));
    let mut v = Vec::new();
    if !p.data.exists() {
        v.push(step(
            "mock sample → dataset",
            "1/6 mock galaxies → dataset file (60² light maps, 48² kinematic maps)",
            &[
                "dataset",
                "build",
                "--source",
                "mock",
                "--galaxies",
                &a.galaxies.to_string(),
                "--seed",
                &seed,
                "--image-size",
                "60",
                "--out",
                &data,
            ],
        ));
    }
    for t in ["mstar", "mtot"] {
        v.push(step(
            "GBDT (M*, Mtot)",
            format!("2/6 GBDT on the summary features → {t}"),
            &[
                "train",
                "gbdt",
                "--data",
                &data,
                "--target",
                t,
                "--preset",
                "paper",
                "--out",
                &g(&format!("{t}.json")),
                "--metrics",
                &g(&format!("{t}.METRICS.json")),
            ],
        ));
    }
    v.push(step(
        "bundle export",
        "3/6 export the GBDT models as a bundle (for `predict` and the web app)",
        &[
            "export",
            "--model",
            &g("mstar.json"),
            "--model",
            &g("mtot.json"),
            "--metrics",
            &g("mstar.METRICS.json"),
            "--metrics",
            &g("mtot.METRICS.json"),
            "--data",
            &data,
            "--out",
            &s(&p.gbdt_bundle),
        ],
    ));
    v.push(step(
        "CNN (r + vel → M*, Mtot)",
        "4/6 CNN: ResNet-18 branches on r and the kinematic maps → M*, Mtot",
        &[
            "train",
            "cnn",
            "--data",
            &data,
            "--inputs",
            "r,vel",
            "--targets",
            "mstar,mtot",
            "--width",
            &a.width.to_string(),
            "--epochs",
            &a.epochs.to_string(),
            "--seed",
            &seed,
            "--side-input",
            "--augment",
            "--device",
            &dev,
            "--out",
            &s(&p.cnn),
        ],
    ));
    v.push(step(
        "CNN bundle export",
        "5/6 export the CNN as a bundle (f16 weights)",
        &[
            "export",
            "--cnn",
            &s(&p.cnn),
            "--data",
            &data,
            "--out",
            &s(&p.cnn_bundle),
        ],
    ));
    v.push(step(
        "evaluation",
        "6/6 test-split evaluation with the power law on luminosity",
        &[
            "evaluate",
            "--data",
            &data,
            "--cnn",
            &s(&p.cnn),
            "--bundle",
            &s(&p.gbdt_bundle),
            "--baseline",
            "mstar,mtot",
            "--device",
            &dev,
            "--out",
            &s(&p.eval),
        ],
    ));
    v
}

/// Runs `galmass demo`.
pub fn run(a: &DemoArgs) -> Result<()> {
    let t0 = Instant::now();
    let p = Paths::new(a);
    std::fs::create_dir_all(&p.gbdt).with_context(|| format!("creating {}", p.out.display()))?;
    let mut log = Vec::new();
    // Seconds per row of the timing table, in order of first appearance.
    let mut times: Vec<(&'static str, f64)> = Vec::new();
    for st in steps(a, &p) {
        let t = Instant::now();
        eprintln!("\n== {}", st.title);
        verb(&st.args, &mut log)?;
        let dt = t.elapsed().as_secs_f64();
        match times.iter_mut().find(|(row, _)| *row == st.row) {
            Some((_, total)) => *total += dt,
            None => times.push((st.row, dt)),
        }
    }
    let ev: Evaluation = serde_json::from_slice(&std::fs::read(p.eval.join("evaluation.json"))?)
        .context("reading evaluation.json")?;
    let wall = t0.elapsed().as_secs_f64();
    let summary = p.out.join("summary.md");
    write_atomic(
        &summary,
        summary_markdown(a, &p, &ev, &times, wall, &log).as_bytes(),
    )?;
    print_summary(a, &p, &ev, wall, &summary);
    Ok(())
}

/// `summary.md`: the test-split table, the step times, where the files are, the commands.
fn summary_markdown(
    a: &DemoArgs,
    p: &Paths,
    ev: &Evaluation,
    times: &[(&str, f64)],
    wall: f64,
    log: &[String],
) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# galmass demo\n\n{} mock galaxies (seed {}), test split; log10(pred/true) in dex.\n",
        a.galaxies, a.seed
    );
    let _ = writeln!(
        md,
        "| model | inputs | target | n test | mean | σ |\n|---|---|---|---|---|---|"
    );
    for r in &ev.rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {:+.3} | {:.3} |",
            r.model, r.inputs, r.target, r.n_test, r.mean_dex, r.sigma_dex
        );
    }
    let _ = writeln!(md, "\n| step | seconds |\n|---|---|");
    for (name, t) in times {
        let _ = writeln!(md, "| {name} | {t:.1} |");
    }
    let _ = writeln!(md, "| total | {wall:.1} |\n");
    let _ = writeln!(
        md,
        "Files:\n- dataset `{}`\n- GBDT models and metrics `{}`\n- CNN run (model, curves.png, scatter figures) `{}`\n- evaluation (evaluation.json, figures) `{}`\n- bundles `{}` and `{}`\n",
        s(&p.data),
        s(&p.gbdt),
        s(&p.cnn),
        s(&p.eval),
        s(&p.gbdt_bundle),
        s(&p.cnn_bundle)
    );
    let _ = writeln!(md, "Commands:\n```\n{}\n```", log.join("\n"));
    md
}

/// The test-split table and where things went, on stdout.
fn print_summary(a: &DemoArgs, p: &Paths, ev: &Evaluation, wall: f64, summary: &std::path::Path) {
    println!(
        "\ngalmass demo: {} mock galaxies, test split, log10(pred/true) [dex]",
        a.galaxies
    );
    println!(
        "  {:<10} {:<34} {:<12} {:>5} {:>7} {:>6}",
        "model", "inputs", "target", "n", "mean", "σ"
    );
    for r in &ev.rows {
        let inputs: String = r.inputs.chars().take(34).collect();
        println!(
            "  {:<10} {:<34} {:<12} {:>5} {:>+7.3} {:>6.3}",
            r.model, inputs, r.target, r.n_test, r.mean_dex, r.sigma_dex
        );
    }
    println!("\n  took {:.1} min", wall / 60.0);
    println!("  summary     {}", summary.display());
    println!("  figures     {} and {}", p.eval.display(), p.cnn.display());
    println!(
        "  bundles     {} and {}",
        p.gbdt_bundle.display(),
        p.cnn_bundle.display()
    );
    println!(
        "              galmass predict --bundle FILE --data DS.h5 (or a CNN: --r R.fits --vel V.npy --rhsm KPC)"
    );
}
