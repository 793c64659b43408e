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

/// Runs `galmass demo`.
pub fn run(a: &DemoArgs) -> Result<()> {
    let t0 = Instant::now();
    let out = &a.out;
    std::fs::create_dir_all(out.join("gbdt"))
        .with_context(|| format!("creating {}", out.display()))?;
    let data = out.join(format!("mock-{}.h5", a.galaxies));
    let mut log = Vec::new();
    let step = |name: &str, args: Vec<String>, log: &mut Vec<String>| -> Result<f64> {
        let t = Instant::now();
        eprintln!("\n== {name}");
        verb(&args, log)?;
        Ok(t.elapsed().as_secs_f64())
    };
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut times = Vec::new();
    if !data.exists() {
        let g = a.galaxies.to_string();
        let seed = a.seed.to_string();
        times.push((
            "mock sample → dataset",
            step(
                "1/6 mock galaxies → dataset file (60² light maps, 48² kinematic maps)",
                v(&[
                    "dataset",
                    "build",
                    "--source",
                    "mock",
                    "--galaxies",
                    &g,
                    "--seed",
                    &seed,
                    "--image-size",
                    "60",
                    "--out",
                    &s(&data),
                ]),
                &mut log,
            )?,
        ));
    }
    let mut gbdt_t = 0.0;
    for t in ["mstar", "mtot"] {
        let m = out.join("gbdt").join(format!("{t}.json"));
        let mm = out.join("gbdt").join(format!("{t}.METRICS.json"));
        gbdt_t += step(
            &format!("2/6 GBDT on the summary features → {t}"),
            v(&[
                "train",
                "gbdt",
                "--data",
                &s(&data),
                "--target",
                t,
                "--preset",
                "paper",
                "--out",
                &s(&m),
                "--metrics",
                &s(&mm),
            ]),
            &mut log,
        )?;
    }
    times.push(("GBDT (M*, Mtot)", gbdt_t));
    let bundle = out.join("galmass-demo-gbdt.bundle");
    let g = |f: &str| s(&out.join("gbdt").join(f));
    times.push((
        "bundle export",
        step(
            "3/6 export the GBDT models as a bundle (for `predict` and the web app)",
            v(&[
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
                &s(&data),
                "--out",
                &s(&bundle),
            ]),
            &mut log,
        )?,
    ));
    let cnn = out.join("cnn");
    let dev = format!("{:?}", a.device).to_lowercase();
    times.push((
        "CNN (r + vel → M*, Mtot)",
        step(
            "4/6 CNN: ResNet-18 branches on r and the kinematic maps → M*, Mtot",
            v(&[
                "train",
                "cnn",
                "--data",
                &s(&data),
                "--inputs",
                "r,vel",
                "--targets",
                "mstar,mtot",
                "--width",
                &a.width.to_string(),
                "--epochs",
                &a.epochs.to_string(),
                "--seed",
                &a.seed.to_string(),
                "--side-input",
                "--augment",
                "--device",
                &dev,
                "--out",
                &s(&cnn),
            ]),
            &mut log,
        )?,
    ));
    let cnn_bundle = out.join("galmass-demo-cnn.bundle");
    times.push((
        "CNN bundle export",
        step(
            "5/6 export the CNN as a bundle (f16 weights)",
            v(&[
                "export",
                "--cnn",
                &s(&cnn),
                "--data",
                &s(&data),
                "--out",
                &s(&cnn_bundle),
            ]),
            &mut log,
        )?,
    ));
    let eval = out.join("evaluation");
    times.push((
        "evaluation",
        step(
            "6/6 test-split evaluation with the power law on luminosity",
            v(&[
                "evaluate",
                "--data",
                &s(&data),
                "--cnn",
                &s(&cnn),
                "--bundle",
                &s(&bundle),
                "--baseline",
                "mstar,mtot",
                "--device",
                &dev,
                "--out",
                &s(&eval),
            ]),
            &mut log,
        )?,
    ));

    let ev: Evaluation = serde_json::from_slice(&std::fs::read(eval.join("evaluation.json"))?)
        .context("reading evaluation.json")?;
    let wall = t0.elapsed().as_secs_f64();
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
    for (name, t) in &times {
        let _ = writeln!(md, "| {name} | {t:.1} |");
    }
    let _ = writeln!(md, "| total | {wall:.1} |\n");
    let _ = writeln!(
        md,
        "Files:\n- dataset `{}`\n- GBDT models and metrics `{}`\n- CNN run (model, curves.png, scatter figures) `{}`\n- evaluation (evaluation.json, figures) `{}`\n- bundles `{}` and `{}`\n",
        s(&data),
        s(&out.join("gbdt")),
        s(&cnn),
        s(&eval),
        s(&bundle),
        s(&cnn_bundle)
    );
    let _ = writeln!(md, "Commands:\n```\n{}\n```", log.join("\n"));
    let summary = out.join("summary.md");
    write_atomic(&summary, md.as_bytes())?;

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
    println!("  figures     {} and {}", eval.display(), cnn.display());
    println!(
        "  bundles     {} and {}",
        bundle.display(),
        cnn_bundle.display()
    );
    println!(
        "              galmass predict --bundle FILE --data DS.h5 (or a CNN: --r R.fits --vel V.npy --rhsm KPC)"
    );
    Ok(())
}
