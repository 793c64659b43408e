//! `galmass bench cnn-step`: median wall time of one training step (forward + backward +
//! Adam) of the multi-branch ResNet-18 on random inputs.

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::cnn::device::choose;
use galmass::stats::median;
use galmass::train::cnn::bench::step_times;
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
        ..Default::default()
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

/// Arguments of `galmass bench cnn-infer`.
#[derive(Args, Debug)]
pub struct BenchCnnInferArgs {
    /// CNN bundle(s); several form an ensemble, run one after the other as the web app does
    #[arg(long, value_name = "FILE", required = true)]
    pub bundle: Vec<std::path::PathBuf>,
    /// Gallery file whose first example is the galaxy predicted (`dataset examples`)
    #[arg(long, value_name = "JSON", default_value = "www/examples/gallery.json")]
    pub examples: std::path::PathBuf,
    /// Untimed inferences first
    #[arg(long, default_value_t = 3)]
    pub warmup: usize,
    /// Timed inferences
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Device
    #[arg(long, value_enum, default_value_t = DeviceArg::Cpu)]
    pub device: DeviceArg,
}

/// Warm inference of one galaxy (batch 1, the web app's case): the maps prepared by
/// `Manifest::prepare`, every member's forward pass, the results read back. Prints the
/// median milliseconds and the ensemble's prediction.
pub fn run_infer(a: &BenchCnnInferArgs) -> Result<()> {
    use galmass::bundle_io::{read_ensemble, read_gallery};
    let ens = read_ensemble(&a.bundle)?;
    let gallery = read_gallery(&a.examples)?;
    let inputs = gallery
        .examples
        .first()
        .and_then(|ex| ex.inputs())
        .ok_or_else(|| BadInput(format!("{}: no usable example", a.examples.display())))?;
    let chosen = choose(a.device.into())?;
    let nets = ens
        .cnn_models(&chosen.device)
        .map_err(|e| BadInput(format!("--bundle: {e}")))?;
    let once = || -> Result<Vec<Vec<f64>>> {
        // The members read the same inputs (checked above): prepared once, as the page does.
        let prepared = ens
            .lead()
            .manifest
            .prepare(&inputs)
            .map_err(|e| BadInput(e.to_string()))?;
        let mut preds = Vec::with_capacity(nets.len());
        for net in &nets {
            let (maps, side) = prepared.tensors(&chosen.device);
            let out = net.try_forward(maps, side)?;
            let v: Vec<f32> = out
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|e| anyhow::anyhow!("reading the output: {e:?}"))?;
            preds.push(v.into_iter().map(f64::from).collect());
        }
        Ok(preds)
    };
    let mut times = Vec::with_capacity(a.runs);
    let mut last = Vec::new();
    for k in 0..a.warmup + a.runs.max(1) {
        let t0 = std::time::Instant::now();
        last = once()?;
        if k >= a.warmup {
            times.push(1e3 * t0.elapsed().as_secs_f64());
        }
    }
    let med = median(&times).unwrap_or(f64::NAN);
    let values = ens.combine(&last);
    let shown: Vec<String> = ens
        .target_names()
        .iter()
        .zip(&values)
        .map(|(t, v)| format!("{t} {:.4}", v.mean))
        .collect();
    println!(
        "cnn inference ({}; {} bundle(s), batch 1, example galaxy {}): median {med:.2} ms over {} runs (min {:.2}, max {:.2}); prediction {}",
        chosen.label,
        ens.len(),
        gallery.examples[0].galaxy_id,
        times.len(),
        times.iter().copied().fold(f64::INFINITY, f64::min),
        times.iter().copied().fold(0.0, f64::max),
        shown.join(", "),
    );
    Ok(())
}
