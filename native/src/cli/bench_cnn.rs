//! `galmass bench cnn-step`: median wall time of one training step (forward + backward +
//! Adam) of the multi-branch ResNet-18 on random inputs.

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::stats::median;
use galmass::train::cnn::bench::step_times;
use galmass::train::cnn::device::choose;
use galmass_core::cnn::{BranchSpec, CnnConfig, CnnInput, KIN_MAP_SIZE};

use super::train_cnn::DeviceArg;

/// Arguments of `galmass bench cnn-step`.
#[derive(Args, Debug)]
pub struct BenchCnnStepArgs {
    /// Input branches: r, g, gr, vel
    #[arg(long, value_delimiter = ',', default_value = "r,vel")]
    pub inputs: Vec<String>,
    /// Light-map side (300, 150, 60)
    #[arg(long, default_value_t = 150)]
    pub image_size: usize,
    /// Width multiplier
    #[arg(long, default_value_t = 1.0)]
    pub width: f64,
    /// Batch size
    #[arg(long, default_value_t = 40)]
    pub batch: usize,
    /// Untimed steps first
    #[arg(long, default_value_t = 1)]
    pub warmup: usize,
    /// Timed steps
    #[arg(long, default_value_t = 5)]
    pub steps: usize,
    /// Device
    #[arg(long, value_enum, default_value_t = DeviceArg::Cpu)]
    pub device: DeviceArg,
}

/// Runs the benchmark and prints the median seconds per step.
pub fn run(a: &BenchCnnStepArgs) -> Result<()> {
    let mut branches = Vec::new();
    for name in &a.inputs {
        let input = CnnInput::from_name(name)
            .ok_or_else(|| BadInput(format!("--inputs: unknown input `{name}`")))?;
        let size = if input.is_light_map() {
            a.image_size
        } else {
            KIN_MAP_SIZE
        };
        branches.push(BranchSpec { input, size });
    }
    let config = CnnConfig {
        branches,
        width: a.width,
        outputs: 1,
        side_input: false,
    };
    config
        .validate()
        .map_err(|e| BadInput(format!("network: {e}")))?;
    let chosen = choose(a.device.into())?;
    let times = step_times(&config, a.batch, a.warmup, a.steps.max(1), &chosen.device)?;
    let med = median(&times).unwrap_or(f64::NAN);
    println!(
        "cnn training step ({}; inputs {} at {}², w = {}, batch {}): median {:.3} s over {} steps (min {:.3}, max {:.3})",
        chosen.label,
        a.inputs.join(","),
        a.image_size,
        a.width,
        a.batch,
        med,
        times.len(),
        times.iter().copied().fold(f64::INFINITY, f64::min),
        times.iter().copied().fold(0.0, f64::max),
    );
    Ok(())
}
