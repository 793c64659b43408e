//! `galmass degradation`: the degradation study of issue 16 (beyond the paper;
//! docs/observing.md) — a dataset per observing condition (the same galaxies and split), a
//! CNN trained on ideal maps and one on MaNGA-like maps, each evaluated on every condition's
//! test split — through the verbs a user would type (each command recorded), then
//! `degradation.json`, `degradation.md` and `figures/degradation.png`.
//!
//! Interrupted runs continue: an existing dataset, finished run or evaluation is reused (its
//! command still listed in the report, which says how every number was made) and an
//! unfinished run resumes from its checkpoint.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::atomic::write_atomic;
use galmass::report::degradation::{
    CONDITIONS, Degradation, DegradationRow, DegradationSettings, MODELS, TARGETS,
};

use super::dataset::ScaleArg;
use super::reproduce::{mock_build_args, s};
use super::study::{self, CnnRecipe, Trained, run_or_reuse, train_cnn};
use super::train_cnn::DeviceArg;

/// Arguments of `galmass degradation`.
#[derive(Args, Debug)]
pub struct DegradationArgs {
    /// Output directory: degradation.json, degradation.md, figures/, and the steps' data/,
    /// models/ and eval/ (reused when the run is repeated)
    #[arg(long, default_value = "degradation")]
    pub out: PathBuf,
    /// Mock galaxies per dataset (×3 projections)
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub galaxies: u64,
    /// Seed of the sample, the split and the conditions' draws, and of the CNNs
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Light-map side of the datasets (px)
    #[arg(long, default_value_t = 60)]
    pub image_size: usize,
    /// Maps on ±3 R_e, the radius an observer measures (default), or on the paper's ±3 R_hsm
    #[arg(long, value_enum, default_value_t = ScaleArg::Re)]
    pub scale: ScaleArg,
    /// CNN epochs (the shipped models' recipe: 40)
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub epochs: u64,
    /// CNN width multiplier
    #[arg(long, default_value_t = 0.125)]
    pub width: f64,
    /// Where the CNNs train and run
    #[arg(long, value_enum, default_value_t = DeviceArg::Auto)]
    pub device: DeviceArg,
}

/// Runs `galmass degradation`.
pub fn run(a: &DegradationArgs) -> Result<()> {
    let t0 = Instant::now();
    if !(a.width > 0.0 && a.width.is_finite()) {
        return Err(BadInput(format!("--width {}: must be > 0", a.width)).into());
    }
    for d in ["data", "models", "eval", "figures"] {
        std::fs::create_dir_all(a.out.join(d))
            .map_err(|e| BadInput(format!("--out {}: cannot create ({e})", a.out.display())))?;
    }
    let mut commands = Vec::new();
    for c in CONDITIONS {
        build(a, c.id, c.flags, &mut commands)?;
    }
    for (model, cond, _) in MODELS {
        let dir = a.out.join("models").join(model);
        train_cnn(&recipe(a), &data(a, cond), &dir, &mut commands)?;
    }
    let mut rows = Vec::new();
    for (model, _, _) in MODELS {
        for c in CONDITIONS {
            rows.extend(evaluate(a, model, c.id, &mut commands)?);
        }
    }
    let scale = match a.scale {
        ScaleArg::Rhsm => "rhsm",
        ScaleArg::Re => "re",
    };
    let d = Degradation {
        settings: DegradationSettings {
            galaxies: a.galaxies,
            seed: a.seed,
            image_size: a.image_size,
            scale: scale.into(),
            epochs: a.epochs as usize,
            width: a.width,
            wall_seconds: t0.elapsed().as_secs_f64(),
        },
        rows,
        commands,
    };
    d.draw(&a.out.join("figures").join("degradation.png"))?;
    let md = a.out.join("degradation.md");
    write_atomic(&md, d.render().as_bytes())?;
    let json = a.out.join("degradation.json");
    write_atomic(&json, &serde_json::to_vec_pretty(&d)?)?;
    print_summary(&d);
    println!(
        "degradation: {} conditions × {} models in {:.1} min; wrote {} and {}",
        CONDITIONS.len(),
        MODELS.len(),
        t0.elapsed().as_secs_f64() / 60.0,
        md.display(),
        json.display()
    );
    Ok(())
}

/// `OUT/data/<condition>.h5`.
fn data(a: &DegradationArgs, condition: &str) -> PathBuf {
    a.out.join("data").join(format!("{condition}.h5"))
}

/// Builds the dataset of one condition (reused when present).
fn build(a: &DegradationArgs, id: &str, flags: &[&str], commands: &mut Vec<String>) -> Result<()> {
    let path = data(a, id);
    let scale = match a.scale {
        ScaleArg::Rhsm => "rhsm",
        ScaleArg::Re => "re",
    };
    let mut args = mock_build_args(a.galaxies, a.seed, a.image_size);
    args.extend(["--scale".to_string(), scale.to_string()]);
    args.extend(flags.iter().map(|f| f.to_string()));
    args.extend(["--out".to_string(), s(&path)]);
    run_or_reuse(&args, &path, path.exists(), commands)
}

/// The rows of `model` on `condition`'s test split (`galmass evaluate`, reused when done).
fn evaluate(
    a: &DegradationArgs,
    model: &str,
    condition: &str,
    commands: &mut Vec<String>,
) -> Result<Vec<DegradationRow>> {
    let dir = a.out.join("eval").join(format!("{model}-{condition}"));
    let trained = Trained::Cnn(a.out.join("models").join(model));
    let rows = study::evaluate(
        &trained,
        &data(a, condition),
        &dir,
        &recipe(a).device_flag(),
        commands,
    )?;
    Ok(rows
        .into_iter()
        .filter(|r| r.model == "cnn" && TARGETS.contains(&r.target.as_str()))
        .map(|r| DegradationRow {
            condition: condition.into(),
            model: model.into(),
            target: r.target,
            n_test: r.n_test,
            mean_dex: r.mean_dex,
            sigma_dex: r.sigma_dex,
        })
        .collect())
}

/// The CNN recipe of the study.
fn recipe(a: &DegradationArgs) -> CnnRecipe {
    CnnRecipe {
        targets: TARGETS.join(","),
        width: a.width,
        epochs: a.epochs,
        seed: a.seed,
        device: a.device,
    }
}

/// The table on stdout: per condition, σ of M* and Mtot for both models.
fn print_summary(d: &Degradation) {
    println!(
        "\n{:<74} {:>17} {:>17}",
        "test maps", "σ M* ideal/MaNGA", "σ Mtot ideal/MaNGA"
    );
    for c in CONDITIONS {
        let cell = |t: &str| {
            let v = |m: &str| d.get(c.id, m, t).map_or(f64::NAN, |r| r.sigma_dex);
            format!("{:.3} / {:.3}", v("ideal"), v("manga"))
        };
        println!("{:<74} {:>17} {:>17}", c.words, cell("mstar"), cell("mtot"));
    }
    if let Some(r) = d.observed_over_ideal("mstar") {
        println!(
            "M*: MaNGA-trained on MaNGA-like maps / ideal-trained on ideal maps = {r:.2}× (goal ≤ 1.5×)"
        );
    }
}
