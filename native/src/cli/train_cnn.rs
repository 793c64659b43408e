//! `galmass train cnn`: arguments and the printed summary.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use galmass::BadInput;
use galmass::train::cnn::{
    DeviceChoice, NormChoice, OptimizerChoice, Schedule, TrainCnnOptions, train_cnn,
};
use galmass_core::cnn::CnnInput;

/// Map normalisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NormArg {
    /// Light maps as log luminosity per cell of 0.1 R_hsm (carries L, not L/R²; fixed
    /// constants), kinematic maps physical — beyond the paper
    CellLuminosity,
    /// Light maps as each pixel's luminosity over one fixed reference (10⁹ L☉), in [0, 1]:
    /// the paper's linear scaling (`reproduce --literal`)
    LinearLuminosity,
    /// Fixed physical transforms to [0, 1] (log surface brightness, colour, V, σ)
    Physical,
    /// Min–max of each map over its unmasked pixels
    PerMapMinmax,
    /// Min–max over the training split, per channel
    DatasetMinmax,
}

/// Learning-rate schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScheduleArg {
    /// Standard cosine annealing: lr·½(1 + cos(π n/E)) over the E epochs, → 0 at the end
    Cosine,
    /// The paper's formula literally: lr·cos(n/200), n in radians (only decays to 0.54·lr at n = 200)
    Paper,
    /// Per step: linear warm-up over the first epoch, then cosine to 0 — beyond the paper
    WarmupCosine,
}

/// Optimiser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OptimizerArg {
    /// Adam (the paper's)
    Adam,
    /// AdamW: Adam with decoupled weight decay (--weight-decay)
    Adamw,
}

/// Device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DeviceArg {
    /// wgpu/Vulkan if a real (non-CPU) GPU adapter exists, else cpu
    Auto,
    /// wgpu/Vulkan on a GPU; exit 2 when there is none
    Gpu,
    /// Burn's flex CPU backend
    Cpu,
}

impl From<DeviceArg> for DeviceChoice {
    fn from(d: DeviceArg) -> Self {
        match d {
            DeviceArg::Auto => DeviceChoice::Auto,
            DeviceArg::Gpu => DeviceChoice::Gpu,
            DeviceArg::Cpu => DeviceChoice::Cpu,
        }
    }
}

/// `galmass train cnn`.
#[derive(Args, Debug)]
pub struct TrainCnnArgs {
    /// Dataset file (galmass dataset build)
    #[arg(long)]
    pub data: PathBuf,
    /// Input maps, one ResNet-18 branch each: r, g, gr (g−r colour), vel (V, σ, mask), rg (g and r light as one two-channel branch)
    #[arg(long, value_delimiter = ',', required = true)]
    pub inputs: Vec<String>,
    /// Targets (log10 columns of /targets), 1 or 2: mstar, mtot, mdm, fstar, fdm, ml_r, …
    #[arg(long, value_delimiter = ',', required = true)]
    pub targets: Vec<String>,
    /// Light-map side the network reads: the paper's 300, 150, 60, or any side ≥ 12 that divides the file's; default: the file's
    #[arg(long)]
    pub image_size: Option<usize>,
    /// Width multiplier w of the ResNet-18 channels (64w … 512w); 1 = the paper's
    #[arg(long, default_value_t = 1.0)]
    pub width: f64,
    /// Concatenate log10(R_hsm/kpc) to the pooled features (off in the paper)
    #[arg(long)]
    pub side_input: bool,
    /// Map normalisation (the paper: physical)
    #[arg(long, value_enum, default_value_t = NormArg::CellLuminosity)]
    pub norm: NormArg,
    /// Epochs (with --resume: continue up to this many; the paper: 200)
    #[arg(long, default_value_t = 40)]
    pub epochs: usize,
    /// Mini-batch size (the paper: 40)
    #[arg(long, default_value_t = 20)]
    pub batch: usize,
    /// Base learning rate (the paper: 1e-4)
    #[arg(long, default_value_t = 2e-3)]
    pub lr: f64,
    /// Learning-rate schedule (the paper: cosine per epoch)
    #[arg(long, value_enum, default_value_t = ScheduleArg::WarmupCosine)]
    pub schedule: ScheduleArg,
    /// Optimiser (the paper: adam)
    #[arg(long, value_enum, default_value_t = OptimizerArg::Adamw)]
    pub optimizer: OptimizerArg,
    /// AdamW's decoupled weight decay (PyTorch's default)
    #[arg(long, default_value_t = 0.01)]
    pub weight_decay: f64,
    /// Standardise the targets and the side input with the training split's mean and σ
    /// (stored in the model; the side input then goes through a small scalar branch); the
    /// paper: false
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub standardise: bool,
    /// The hybrid model, beyond the paper: the CNN's features plus scalars computed from the
    /// maps (log L_r, g−r, log v_rms) and log R_hsm into an MLP head; needs rg (or r and g),
    /// vel and --side-input
    #[arg(long)]
    pub hybrid: bool,
    /// Where to train
    #[arg(long, value_enum, default_value_t = DeviceArg::Auto)]
    pub device: DeviceArg,
    /// Seed of the initial weights and the per-epoch shuffles
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Augment the training maps: each sample rotated by a multiple of 90° and/or mirrored at
    /// random every epoch (the masses do not change; 8× the views for small samples)
    #[arg(long)]
    pub augment: bool,
    /// Continue the run checkpointed in --out
    #[arg(long)]
    pub resume: bool,
    /// Continue the run checkpointed in --out if there is one, else start it (what a
    /// requeued cluster task does)
    #[arg(long, conflicts_with = "resume")]
    pub resume_if_present: bool,
    /// Output directory (model.bpk, model.json, checkpoint, curves.csv, METRICS.json)
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `galmass train cnn`.
pub fn run_cnn(a: &TrainCnnArgs) -> Result<()> {
    let mut inputs = Vec::new();
    for name in &a.inputs {
        let i = CnnInput::from_name(name).ok_or_else(|| {
            BadInput(format!(
                "--inputs: unknown input `{name}` (have r, g, gr, vel, rg)"
            ))
        })?;
        inputs.push(i);
    }
    let opts = TrainCnnOptions {
        data: a.data.clone(),
        inputs,
        targets: a.targets.clone(),
        image_size: a.image_size,
        width: a.width,
        side_input: a.side_input,
        norm: match a.norm {
            NormArg::Physical => NormChoice::Physical,
            NormArg::PerMapMinmax => NormChoice::PerMapMinMax,
            NormArg::DatasetMinmax => NormChoice::DatasetMinMax,
            NormArg::CellLuminosity => NormChoice::CellLuminosity,
            NormArg::LinearLuminosity => NormChoice::LinearLuminosity,
        },
        epochs: a.epochs,
        batch: a.batch,
        lr: a.lr,
        schedule: match a.schedule {
            ScheduleArg::Cosine => Schedule::Cosine,
            ScheduleArg::Paper => Schedule::Paper,
            ScheduleArg::WarmupCosine => Schedule::WarmupCosine,
        },
        optimizer: match a.optimizer {
            OptimizerArg::Adam => OptimizerChoice::Adam,
            OptimizerArg::Adamw => OptimizerChoice::Adamw,
        },
        weight_decay: a.weight_decay,
        standardise: a.standardise,
        hybrid: a.hybrid,
        device: a.device.into(),
        seed: a.seed,
        augment: a.augment,
        resume: a.resume
            || (a.resume_if_present
                && a.out
                    .join(galmass::train::cnn::checkpoint::CHECKPOINT_JSON)
                    .exists()),
        out: a.out.clone(),
    };
    let m = train_cnn(&opts)?;
    println!(
        "trained cnn on {} ({}): inputs {}, {} epochs, best epoch {}, {:.1} s",
        a.data.display(),
        m.device,
        m.inputs.join(","),
        m.epochs,
        m.best_epoch,
        m.train_seconds
    );
    println!("test split ({} samples), log10(pred/true):", m.n_test);
    for (t, r) in &m.per_target {
        println!("  {t:<12} {:+.3} ± {:.3} dex", r.mean_dex, r.sigma_dex);
    }
    println!("wrote {}", a.out.join("METRICS.json").display());
    Ok(())
}
