//! `galmass train gbdt`: the paper's GBDT on the summary features of a dataset file
//! (train = splits 0 + 1, test = split 2, quality cut n_ser ≤ 100 and B/T ≤ 1), writing the
//! JSON model, LightGBM's model.txt, METRICS.json (contract) and the figures.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use galmass::BadInput;
use galmass::train::gbdt::{
    default_figures_dir, model_txt_path, train_table, write_figures, write_outputs,
};
use galmass::train::{FeatureSet, load};
use galmass_core::gbdt::{GbdtParams, Objective};

use super::progress;

/// The training verbs.
#[derive(Subcommand, Debug)]
pub enum TrainCommand {
    /// Gradient-boosted trees (LightGBM-faithful) on the summary features
    Gbdt(Box<GbdtArgs>),
    /// The multi-branch ResNet-18 on maps (Burn; wgpu on a GPU, else flex on CPU)
    Cnn(Box<super::train_cnn::TrainCnnArgs>),
}

/// Parameter presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetArg {
    /// LightGBM's defaults (31 leaves, 100 rounds, learning rate 0.1)
    Default,
    /// The paper's Table 3: 5 leaves, 500 rounds, min_data_in_leaf 20, L2
    Paper,
}

/// Loss functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// Squared error (LightGBM `regression`)
    L2,
    /// Absolute error (LightGBM `regression_l1`)
    L1,
}

/// Arguments of `galmass train gbdt`.
#[derive(Args, Debug)]
pub struct GbdtArgs {
    /// Dataset file (galmass-dataset/1 or /2)
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Target: a dataset under /targets (mstar, mtot, mdm, fstar, fdm, ml_r, mstar_2d,
    /// mstar_2r, mtot_2r, mstar_2d_2r)
    #[arg(long)]
    pub target: String,
    /// Features: `default` (the 10 of Table 1), `no-mr` (without Mr), `all` (every
    /// /features column), `default+log_rhsm` (the 10 and log10 R_hsm, the size the CNNs are
    /// given; beyond the paper) or a comma-separated list of names (log_rhsm among them)
    #[arg(long, default_value = "default")]
    pub features: String,
    /// Parameter preset; the options below override it
    #[arg(long, value_enum, default_value_t = PresetArg::Default)]
    pub preset: PresetArg,
    /// Loss function
    #[arg(long, value_enum)]
    pub objective: Option<ObjectiveArg>,
    /// Boosting rounds (num_iterations)
    #[arg(long)]
    pub rounds: Option<usize>,
    /// Maximum leaves per tree
    #[arg(long)]
    pub num_leaves: Option<usize>,
    /// Learning rate (shrinkage)
    #[arg(long)]
    pub learning_rate: Option<f64>,
    /// Maximum tree depth (≤ 0: no limit)
    #[arg(long, allow_negative_numbers = true)]
    pub max_depth: Option<i32>,
    /// Minimum rows per leaf
    #[arg(long)]
    pub min_data_in_leaf: Option<usize>,
    /// Minimum hessian sum per leaf
    #[arg(long)]
    pub min_sum_hessian_in_leaf: Option<f64>,
    /// L1 regularisation of leaf outputs
    #[arg(long)]
    pub lambda_l1: Option<f64>,
    /// L2 regularisation of leaf outputs
    #[arg(long)]
    pub lambda_l2: Option<f64>,
    /// Minimum gain of a split
    #[arg(long)]
    pub min_gain_to_split: Option<f64>,
    /// Maximum bins per feature (2..=256)
    #[arg(long)]
    pub max_bin: Option<usize>,
    /// Threads for training (default: all cores)
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output JSON model (galmass-core GbdtModel); LightGBM's model.txt goes beside it
    /// with the extension .txt
    #[arg(long, value_name = "MODEL")]
    pub out: PathBuf,
    /// Do not write LightGBM's model.txt
    #[arg(long)]
    pub no_model_txt: bool,
    /// Output metrics (METRICS.json contract)
    #[arg(long, value_name = "METRICS.json")]
    pub metrics: PathBuf,
    /// Figure directory (default: <metrics stem>_figures beside the metrics file)
    #[arg(long, value_name = "DIR")]
    pub figures: Option<PathBuf>,
    /// Do not draw figures
    #[arg(long, conflicts_with = "figures")]
    pub no_figures: bool,
}

impl GbdtArgs {
    /// The preset with the command-line overrides applied.
    pub fn params(&self) -> GbdtParams {
        let mut p = match self.preset {
            PresetArg::Default => GbdtParams::default(),
            PresetArg::Paper => GbdtParams::paper(),
        };
        if let Some(o) = self.objective {
            p.objective = match o {
                ObjectiveArg::L2 => Objective::L2,
                ObjectiveArg::L1 => Objective::L1,
            };
        }
        let set = |dst: &mut usize, v: Option<usize>| {
            if let Some(v) = v {
                *dst = v;
            }
        };
        set(&mut p.num_iterations, self.rounds);
        set(&mut p.num_leaves, self.num_leaves);
        set(&mut p.min_data_in_leaf, self.min_data_in_leaf);
        set(&mut p.max_bin, self.max_bin);
        let setf = |dst: &mut f64, v: Option<f64>| {
            if let Some(v) = v {
                *dst = v;
            }
        };
        setf(&mut p.learning_rate, self.learning_rate);
        setf(&mut p.min_sum_hessian_in_leaf, self.min_sum_hessian_in_leaf);
        setf(&mut p.lambda_l1, self.lambda_l1);
        setf(&mut p.lambda_l2, self.lambda_l2);
        setf(&mut p.min_gain_to_split, self.min_gain_to_split);
        if let Some(d) = self.max_depth {
            p.max_depth = d;
        }
        p
    }
}

/// Runs a training verb.
pub fn run(c: &TrainCommand) -> Result<()> {
    match c {
        TrainCommand::Gbdt(a) => run_gbdt(a),
        TrainCommand::Cnn(a) => super::train_cnn::run_cnn(a),
    }
}

fn run_gbdt(a: &GbdtArgs) -> Result<()> {
    let set = FeatureSet::parse(&a.features).ok_or_else(|| {
        BadInput(format!(
            "--features `{}`: expected one of {} or a comma-separated list of names",
            a.features,
            FeatureSet::NAMES.join(", ")
        ))
    })?;
    let params = a.params();
    params
        .validate()
        .map_err(|e| BadInput(format!("GBDT parameters: {e}")))?;
    if a.out == a.metrics || (!a.no_model_txt && model_txt_path(&a.out) == a.metrics) {
        return Err(BadInput(format!(
            "--metrics {} would overwrite the model or its model.txt (--out {})",
            a.metrics.display(),
            a.out.display()
        ))
        .into());
    }
    let table = load(&a.data, &a.target, &set)?;

    let pb = progress::bar(params.num_iterations as u64, "boosting rounds");
    let mut tick = |k: usize| pb.set_position(k as u64);
    let run = match a.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("building the thread pool")?
            .install(|| train_table(&table, &params, &mut tick))?,
        None => train_table(&table, &params, &mut tick)?,
    };
    pb.finish_and_clear();

    let mut written = write_outputs(&run, &a.out, !a.no_model_txt, &a.metrics)?;
    if !a.no_figures {
        let dir = a
            .figures
            .clone()
            .unwrap_or_else(|| default_figures_dir(&a.metrics));
        written.extend(write_figures(&run, &table, &a.data, &dir)?);
    }

    let m = &run.metrics;
    println!("GBDT  target {}  features {}", m.target, set.name());
    println!(
        "  rows   {} in file, {} cut (n_ser > 100 or B/T > 1), {} train (splits 0+1), {} test (split 2)",
        table.n_file, table.n_cut, m.n_train, m.n_test
    );
    println!(
        "  test   log10(pred/true) = {:+.4} ± {:.4} dex",
        m.mean_dex, m.sigma_dex
    );
    println!(
        "  model  {} rounds, {} leaves, lr {}, {:?}; trained in {:.3} s",
        params.num_iterations,
        params.num_leaves,
        params.learning_rate,
        params.objective,
        m.train_seconds
    );
    let mut imp: Vec<(&String, &f64)> = m.importance_gain.iter().collect();
    imp.sort_by(|x, y| y.1.total_cmp(x.1));
    let top: Vec<String> = imp
        .iter()
        .take(3)
        .map(|(f, s)| format!("{f} {:.1} %", 100.0 * **s))
        .collect();
    println!("  top gain importance: {}", top.join(", "));
    for p in &written {
        println!("  wrote  {}", p.display());
    }
    Ok(())
}
