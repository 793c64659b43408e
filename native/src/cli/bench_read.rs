//! `galmass bench read`: the training reader's throughput (samples/s) on one or more dataset
//! files, read alternately batch by batch in one run so every file sees the same machine
//! load — e.g. the same build stored as f32 and as f16 (`dataset build --map-dtype`).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::cnn::data::CnnData;
use galmass::stats::median;
use galmass::train::cnn::NormChoice;
use galmass_core::cnn::CnnInput;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

/// Arguments of `galmass bench read`.
#[derive(Args, Debug)]
pub struct BenchReadArgs {
    /// Dataset files, read alternately (give two to compare storages)
    #[arg(long = "data", value_name = "FILE", required = true)]
    pub data: Vec<PathBuf>,
    /// Input branches read per sample: r, g, rg, gr, vel
    #[arg(long, value_delimiter = ',', default_value = "rg,vel")]
    pub inputs: Vec<String>,
    /// Light-map side the network reads (default: the file's)
    #[arg(long)]
    pub image_size: Option<usize>,
    /// Samples per batch
    #[arg(long, default_value_t = 40)]
    pub batch: usize,
    /// Timed batches per file (after one untimed batch)
    #[arg(long, default_value_t = 20)]
    pub batches: usize,
    /// Seed of the random order of the training samples
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Reads random training batches (HDF5 read, f16 decoding, rebinning and the default
/// cell-luminosity normalisation: the work of the training loop's prefetch thread) and
/// prints the median samples/s per file and the ratio to the first file.
pub fn run(a: &BenchReadArgs) -> Result<()> {
    let inputs = a
        .inputs
        .iter()
        .map(|n| CnnInput::from_name(n).ok_or_else(|| BadInput(format!("--inputs: unknown `{n}`"))))
        .collect::<Result<Vec<_>, _>>()?;
    if a.batch == 0 || a.batches == 0 {
        return Err(BadInput("--batch and --batches must be at least 1".into()).into());
    }
    let mut sides = Vec::new();
    for path in &a.data {
        let mut d = CnnData::open(path, &inputs, &["mstar".to_string()], a.image_size)?;
        d.set_norm(NormChoice::CellLuminosity)?;
        let file = d.open_file()?;
        let mut order = d.splits[0].clone();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(a.seed));
        sides.push((d, file, order, Vec::new()));
    }
    for k in 0..=a.batches {
        for (d, file, order, times) in sides.iter_mut() {
            let start = (k * a.batch) % order.len().max(1);
            let idx: Vec<usize> = order
                .iter()
                .cycle()
                .skip(start)
                .take(a.batch)
                .copied()
                .collect();
            let t = Instant::now();
            d.read_batch(file, &idx, None)?;
            if k > 0 {
                times.push(a.batch as f64 / t.elapsed().as_secs_f64());
            }
        }
    }
    let first = median(&sides[0].3).unwrap_or(f64::NAN);
    for (path, (d, _, _, times)) in a.data.iter().zip(&sides) {
        let m = median(times).unwrap_or(f64::NAN);
        println!(
            "{}: {} ({} at {}²), batch {}: median {:.1} samples/s over {} batches, {:.2}× the first file",
            path.display(),
            galmass::dataset::DatasetReader::open(path)?
                .attrs
                .build
                .map_dtype
                .name(),
            a.inputs.join(","),
            d.size,
            a.batch,
            m,
            times.len(),
            m / first
        );
    }
    Ok(())
}
