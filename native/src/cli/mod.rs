//! The command line: verbs of ARCHITECTURE.md (contract), one module per verb.

mod bench;
mod bench_cnn;
mod cutout_args;
mod dataset;
mod generate;
mod measure;
mod measure_opts;
mod mock_args;
mod progress;
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
    /// Train a model on a dataset file
    #[command(subcommand)]
    Train(train_cnn::TrainCommand),
}

/// Runs the verb.
pub fn run(cli: &Cli) -> Result<()> {
    match &cli.command {
        Command::Generate(a) => generate::run(a),
        Command::Measure(a) => measure::run(a),
        Command::Dataset(c) => dataset::run(c),
        Command::Bench(c) => bench::run(c),
        Command::Train(c) => train_cnn::run(c),
    }
}
