//! `galmass cross-physics`: the cross-physics test of issue 15 (the paper's proposed next
//! step; beyond the paper) — a dataset per physics variant of the mock (the same seed, draw
//! indices and split), or a given dataset (TNG cutouts), the GBDT and the CNN trained on each
//! and scored on the test split of every one — through the verbs a user would type (each
//! command recorded), then `cross_physics.json` and `cross_physics.md`.
//!
//! Interrupted runs continue: an existing dataset, model or evaluation is reused (its command
//! still listed) and an unfinished CNN run resumes from its checkpoint.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::atomic::write_atomic;
use galmass::report::cross_physics::{
    CrossPhysics, CrossRow, CrossSettings, DEFAULT_VARIANTS, MODELS, PHYSICS, TARGETS,
};

use super::reproduce::{mock_build_args, s};
use super::study::{self, CnnRecipe, Trained, run_or_reuse, train_cnn};
use super::train_cnn::DeviceArg;

/// Arguments of `galmass cross-physics`.
#[derive(Args, Debug)]
pub struct CrossPhysicsArgs {
    /// Output directory: cross_physics.json, cross_physics.md and the steps' data/, models/
    /// and eval/ (reused when the run is repeated)
    #[arg(long, default_value = "cross-physics")]
    pub out: PathBuf,
    /// Physics variants of the mock to cross (default, ml-scatter, halo-scatter,
    /// uncontracted, tng-sizes, hard, gas-column-dust)
    #[arg(long, value_delimiter = ',', default_values_t = DEFAULT_VARIANTS.map(String::from))]
    pub variants: Vec<String>,
    /// A further variant from a dataset file already built, e.g. TNG cutouts
    /// (`tng=data/tng.h5`); repeatable. Its maps must be on ±3 R_hsm like the mocks'
    #[arg(long, value_name = "NAME=FILE")]
    pub dataset: Vec<String>,
    /// Mock galaxies per dataset (×3 projections)
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    pub galaxies: u64,
    /// Seed of the samples, the split and the models
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Light-map side of the datasets (px)
    #[arg(long, default_value_t = 60)]
    pub image_size: usize,
    /// CNN epochs
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub epochs: u64,
    /// CNN width multiplier
    #[arg(long, default_value_t = 0.125)]
    pub width: f64,
    /// Where the CNNs train and run
    #[arg(long, value_enum, default_value_t = DeviceArg::Auto)]
    pub device: DeviceArg,
}

/// One variant of a run: its id, words and dataset file, and how to build it (`None`: given).
struct Variant {
    id: String,
    words: String,
    data: PathBuf,
    flags: Option<Vec<String>>,
}

/// The variants of `a`: the named mock variants, then the given datasets.
fn variants(a: &CrossPhysicsArgs) -> Result<Vec<Variant>> {
    let mut out = Vec::new();
    for v in &a.variants {
        let p = PHYSICS.iter().find(|p| p.id == v).ok_or_else(|| {
            let known: Vec<&str> = PHYSICS.iter().map(|p| p.id).collect();
            BadInput(format!(
                "--variants {v}: unknown physics variant (known: {})",
                known.join(", ")
            ))
        })?;
        out.push(Variant {
            id: p.id.into(),
            words: p.words.into(),
            data: a.out.join("data").join(format!("{}.h5", p.id)),
            flags: Some(p.flags.iter().map(|f| f.to_string()).collect()),
        });
    }
    for d in &a.dataset {
        let (name, file) = d.split_once('=').ok_or_else(|| {
            BadInput(format!(
                "--dataset {d}: expected NAME=FILE, e.g. tng=data/tng.h5"
            ))
        })?;
        let file = PathBuf::from(file);
        if !file.is_file() {
            return Err(
                BadInput(format!("--dataset {d}: {} is not a file", file.display())).into(),
            );
        }
        out.push(Variant {
            id: name.into(),
            words: format!("the dataset {}", file.display()),
            data: file,
            flags: None,
        });
    }
    let mut ids: Vec<&str> = out.iter().map(|v| v.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != out.len() || out.len() < 2 {
        return Err(BadInput(
            "give at least two different variants (--variants and --dataset NAME=FILE)".into(),
        )
        .into());
    }
    Ok(out)
}

/// Runs `galmass cross-physics`.
pub fn run(a: &CrossPhysicsArgs) -> Result<()> {
    let t0 = Instant::now();
    if !(a.width > 0.0 && a.width.is_finite()) {
        return Err(BadInput(format!("--width {}: must be > 0", a.width)).into());
    }
    let vs = variants(a)?;
    for d in ["data", "models", "eval"] {
        std::fs::create_dir_all(a.out.join(d))
            .map_err(|e| BadInput(format!("--out {}: cannot create ({e})", a.out.display())))?;
    }
    let mut commands = Vec::new();
    for v in &vs {
        if let Some(flags) = &v.flags {
            let mut args = mock_build_args(a.galaxies, a.seed, a.image_size);
            args.extend(flags.iter().cloned());
            args.extend(["--out".to_string(), s(&v.data)]);
            run_or_reuse(&args, &v.data, v.data.exists(), &mut commands)?;
        }
    }
    let recipe = CnnRecipe {
        targets: TARGETS.join(","),
        width: a.width,
        epochs: a.epochs,
        seed: a.seed,
        device: a.device,
    };
    let mut trained = Vec::new();
    for v in &vs {
        let cnn = a.out.join("models").join(format!("cnn-{}", v.id));
        train_cnn(&recipe, &v.data, &cnn, &mut commands)?;
        let bundle = train_gbdt(a, &v.id, &v.data, &mut commands)?;
        trained.push([
            ("gbdt", Trained::Bundle(bundle)),
            ("cnn", Trained::Cnn(cnn)),
        ]);
    }
    let mut rows = Vec::new();
    for (v, models) in vs.iter().zip(&trained) {
        for w in &vs {
            for (model, t) in models {
                let dir = a
                    .out
                    .join("eval")
                    .join(format!("{model}-{}-on-{}", v.id, w.id));
                let got = study::evaluate(t, &w.data, &dir, &recipe.device_flag(), &mut commands)?;
                rows.extend(
                    got.into_iter()
                        .filter(|r| r.model == *model && TARGETS.contains(&r.target.as_str()))
                        .map(|r| CrossRow {
                            train: v.id.clone(),
                            test: w.id.clone(),
                            model: model.to_string(),
                            target: r.target,
                            n_test: r.n_test,
                            mean_dex: r.mean_dex,
                            sigma_dex: r.sigma_dex,
                        }),
                );
            }
        }
    }
    let c = CrossPhysics {
        settings: CrossSettings {
            variants: vs.iter().map(|v| v.id.clone()).collect(),
            words: vs.iter().map(|v| v.words.clone()).collect(),
            galaxies: a.galaxies,
            seed: a.seed,
            image_size: a.image_size,
            epochs: a.epochs as usize,
            width: a.width,
            wall_seconds: t0.elapsed().as_secs_f64(),
        },
        rows,
        commands,
    };
    let md = a.out.join("cross_physics.md");
    write_atomic(&md, c.render().as_bytes())?;
    let json = a.out.join("cross_physics.json");
    write_atomic(&json, &serde_json::to_vec_pretty(&c)?)?;
    print_summary(&c);
    println!(
        "cross-physics: {} variants × {} models in {:.1} min; wrote {} and {}",
        vs.len(),
        MODELS.len(),
        t0.elapsed().as_secs_f64() / 60.0,
        md.display(),
        json.display()
    );
    Ok(())
}

/// Trains (or reuses) the GBDTs of M* and Mtot on `data` with the paper's parameters and
/// the 10 features + log10 R_hsm, and exports them as one bundle (its path).
fn train_gbdt(
    a: &CrossPhysicsArgs,
    id: &str,
    data: &Path,
    commands: &mut Vec<String>,
) -> Result<PathBuf> {
    let dir = a.out.join("models").join(format!("gbdt-{id}"));
    std::fs::create_dir_all(&dir)?;
    let mut export: Vec<String> = vec!["export".into()];
    for t in TARGETS {
        let model = dir.join(format!("{t}.json"));
        let metrics = dir.join(format!("{t}.METRICS.json"));
        let args = [
            "train",
            "gbdt",
            "--data",
            &s(data),
            "--target",
            t,
            "--features",
            "default+log_rhsm",
            "--preset",
            "paper",
            "--out",
            &s(&model),
            "--metrics",
            &s(&metrics),
            "--no-figures",
        ]
        .map(String::from);
        run_or_reuse(&args, &model, model.exists() && metrics.exists(), commands)?;
        export.extend(["--model".into(), s(&model), "--metrics".into(), s(&metrics)]);
    }
    let bundle = a.out.join("models").join(format!("gbdt-{id}.bundle"));
    export.extend(["--data".into(), s(data), "--out".into(), s(&bundle)]);
    run_or_reuse(&export, &bundle, bundle.exists(), commands)?;
    Ok(bundle)
}

/// The tables on stdout: σ of M* per trained-on row and tested-on column, per model.
fn print_summary(c: &CrossPhysics) {
    let vs = &c.settings.variants;
    for (model, _) in MODELS {
        for t in TARGETS {
            println!("\n{model} {t}: σ (dex), trained on ↓ tested on →");
            print!("{:<16}", "");
            for b in vs {
                print!("{b:>16}");
            }
            println!();
            for a in vs {
                print!("{a:<16}");
                for b in vs {
                    let v = c.get(a, b, model, t).map_or(f64::NAN, |r| r.sigma_dex);
                    print!("{v:>16.3}");
                }
                println!();
            }
        }
    }
}
