//! `galmass bench generate` (and `bench cnn-step|cnn-infer`, in `bench_cnn`; `bench read`, in
//! `bench_read`): the speed benchmark of mock generation plus the measurement of
//! three projections, in parallel over galaxies as `generate` does (no files written).

use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use clap::{Args, Subcommand};
use galmass::stats::median;
use galmass_core::measure::measure;
use galmass_core::mock::{generate, selected_indices};
use rayon::prelude::*;

use super::measure_opts::MeasureOptArgs;
use super::mock_args::MockArgs;
use super::progress;

/// Benchmarks.
#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Mock generation + measurement of 3 projections: galaxies/min and median time per galaxy
    Generate(BenchGenerateArgs),
    /// One CNN training step (forward + backward + Adam): median seconds
    CnnStep(super::bench_cnn::BenchCnnStepArgs),
    /// Warm CNN inference of one galaxy from a bundle (the web app's work): median ms
    CnnInfer(super::bench_cnn::BenchCnnInferArgs),
    /// The training reader on dataset files, alternately (f32 vs f16 storage): samples/s
    Read(super::bench_read::BenchReadArgs),
}

/// Arguments of `galmass bench generate`.
#[derive(Args, Debug)]
pub struct BenchGenerateArgs {
    /// Number of (selected) galaxies
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub galaxies: u64,
    /// Global random seed
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[command(flatten)]
    pub mock: MockArgs,
    #[command(flatten)]
    pub measure: MeasureOptArgs,
}

/// Runs a benchmark.
pub fn run(cmd: &BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Generate(a) => bench_generate(a),
        BenchCommand::CnnStep(a) => super::bench_cnn::run(a),
        BenchCommand::CnnInfer(a) => super::bench_cnn::run_infer(a),
        BenchCommand::Read(a) => super::bench_read::run(a),
    }
}

fn bench_generate(args: &BenchGenerateArgs) -> Result<()> {
    let opts = args.mock.options();
    let mo = args.measure.options();
    let start = Instant::now();
    let indices = selected_indices(args.seed, args.galaxies as usize, &opts);
    let t_select = start.elapsed().as_secs_f64();
    let pb = progress::bar(indices.len() as u64, "bench");
    let times: Vec<(f64, f64)> = indices
        .par_iter()
        .map(|&i| -> Result<(f64, f64)> {
            let t0 = Instant::now();
            let mg =
                generate(args.seed, i, &opts).ok_or_else(|| anyhow!("galaxy {i} not selected"))?;
            let t1 = Instant::now();
            let m = measure(&mg.galaxy, &mo).with_context(|| format!("measuring galaxy {i}"))?;
            anyhow::ensure!(
                m.projections.len() == 3,
                "galaxy {i}: {} projections",
                m.projections.len()
            );
            let t2 = Instant::now();
            pb.inc(1);
            Ok(((t1 - t0).as_secs_f64(), (t2 - t1).as_secs_f64()))
        })
        .collect::<Result<_>>()?;
    pb.finish_and_clear();
    let wall = start.elapsed().as_secs_f64();
    let n = times.len();
    let gen_t: Vec<f64> = times.iter().map(|t| t.0).collect();
    let meas_t: Vec<f64> = times.iter().map(|t| t.1).collect();
    let total_t: Vec<f64> = times.iter().map(|t| t.0 + t.1).collect();
    let o = &opts;
    println!(
        "bench generate: {n} galaxies, seed {}, {} threads",
        args.seed,
        rayon::current_num_threads()
    );
    println!(
        "  particles per galaxy (fixed mode): {} stars, {} DM, {} gas",
        o.n_star, o.n_dm, o.n_gas
    );
    println!("  selection                       {t_select:.3} s");
    println!("  wall time                       {wall:.3} s");
    println!(
        "  throughput                      {:.1} galaxies/min",
        n as f64 / wall * 60.0
    );
    println!(
        "  median per galaxy (1 thread)    {:.3} s",
        median(&total_t).unwrap_or(f64::NAN)
    );
    println!(
        "    generate                      {:.3} s",
        median(&gen_t).unwrap_or(f64::NAN)
    );
    println!(
        "    measure (3 projections)       {:.3} s",
        median(&meas_t).unwrap_or(f64::NAN)
    );
    Ok(())
}
