//! The command line: verbs of docs/contracts/cli.md (contract), one module per verb.

mod bench;
mod bench_cnn;
mod bench_read;
mod cluster;
mod cross_physics;
mod cutout_args;
mod dataset;
mod dataset_examples;
mod degradation;
mod demo;
mod evaluate;
mod explain;
mod export;
mod generate;
mod measure;
mod measure_opts;
mod mock_args;
mod observing_args;
mod predict;
mod probe;
mod progress;
mod reproduce;
mod select_args;
mod study;
mod train;
mod train_cnn;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// galmass: galaxy central masses from images and stellar kinematic maps (Chu et al. 2024,
/// MNRAS 528, 6354), on mock galaxies or TNG cutouts.
#[derive(Parser, Debug)]
#[command(name = "galmass", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The verbs.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// The whole method on a small mock sample, in minutes
    Demo(demo::DemoArgs),
    /// Mock galaxies → TNG-layout HDF5 cutouts + catalog.csv, and a population summary
    Generate(generate::GenerateArgs),
    /// One cutout (mock or TNG) → R_hsm, every target and feature per projection
    Measure(measure::MeasureArgs),
    /// Dataset files: build (mock or TNG, sharded), merge shards, info
    #[command(subcommand)]
    Dataset(dataset::DatasetCommand),
    /// Speed benchmarks
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Train a model on a dataset file (gbdt, cnn)
    #[command(subcommand)]
    Train(train::TrainCommand),
    /// Models on a dataset's test split, with the power-law baseline
    Evaluate(evaluate::EvaluateArgs),
    /// The paper's Table 4 (CNN) and Table 6 (GBDT) grids → report/
    Reproduce(reproduce::ReproduceArgs),
    /// How seeing, noise and an IFU degrade the CNN's M* and Mtot (beyond the paper)
    Degradation(degradation::DegradationArgs),
    /// Models trained on one physics of the mock, scored on another (beyond the paper)
    CrossPhysics(cross_physics::CrossPhysicsArgs),
    /// Trained models → one bundle file (for `predict` and the web app)
    Export(export::ExportArgs),
    /// A bundle's predictions for the samples of a dataset file → CSV with uncertainties
    Predict(predict::PredictArgs),
    /// How a CNN bundle answers physics: light ×10, ×2 and R_hsm ×2 on gallery galaxies
    Probe(probe::ProbeArgs),
    /// Where a CNN looks: occlusion saliency maps of one galaxy → NPY + PNG
    Explain(explain::ExplainArgs),
    /// Campaigns on a Slurm cluster: sharded dataset builds, grid rows as job arrays
    #[command(subcommand)]
    Cluster(cluster::ClusterCommand),
}

/// Runs the verb.
pub fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Generate(a) => generate::run(a),
        Command::Measure(a) => measure::run(a),
        Command::Dataset(c) => dataset::run(c),
        Command::Bench(c) => bench::run(c),
        Command::Train(c) => train::run(c),
        Command::Evaluate(a) => evaluate::run(a),
        Command::Reproduce(a) => reproduce::run(a),
        Command::Degradation(a) => degradation::run(a),
        Command::CrossPhysics(a) => cross_physics::run(a),
        Command::Export(a) => export::run(a),
        Command::Predict(a) => predict::run(a),
        Command::Probe(a) => probe::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Cluster(c) => cluster::run(c),
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
fn unix_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The current time, ISO 8601 UTC (for `created` attributes and manifests).
fn now() -> String {
    galmass::dataset::iso8601_utc(unix_secs())
}
