//! Timing of our GBDT training (paper preset) on a raw data set written by
//! `core/tests/fixtures/gbdt/bench_lightgbm.py`: `x.bin` (row-major f64, n × 10) and
//! `y.bin` (f64, n) in the directory given as the first argument. Prints the median of
//! five training times and writes our predictions to `ours_pred.bin` for comparison.
//!
//! `cargo run --release -p galmass-core --features parallel --example gbdt_bench -- DIR [l1]`
//! (`RAYON_NUM_THREADS=2` to match LightGBM's `num_threads=2`; `l1` for the L1 objective).

// A timing example, not the library: it may unwrap, read files and use the clock (the wasm32-safe
// rules of core/clippy.toml are for the library itself).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use galmass_core::gbdt::{GbdtParams, Objective, Samples, train};
use std::time::Instant;

fn read_f64(path: &str) -> Vec<f64> {
    let b = std::fs::read(path).expect("read");
    b.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

fn main() {
    let dir = std::env::args().nth(1).expect("directory argument");
    let x = read_f64(&format!("{dir}/x.bin"));
    let y = read_f64(&format!("{dir}/y.bin"));
    let nf = x.len() / y.len();
    let s = Samples::new(&x, nf, &y).expect("valid samples");
    let mut p = GbdtParams::paper();
    if std::env::args().nth(2).as_deref() == Some("l1") {
        p.objective = Objective::L1;
    }
    let mut times = Vec::new();
    let mut model = None;
    for _ in 0..5 {
        let t0 = Instant::now();
        let out = train(&p, &s, None, &[]).expect("training");
        times.push(t0.elapsed().as_secs_f64());
        model = Some(out.model);
    }
    times.sort_by(f64::total_cmp);
    let model = model.expect("trained");
    let pred = model.predict(&x).expect("predict");
    let bytes: Vec<u8> = pred.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(format!("{dir}/ours_pred.bin"), bytes).expect("write");
    println!(
        "ours: n={} nf={} trees={} times={:?} median={:.4} s",
        y.len(),
        nf,
        model.trees.len(),
        times,
        times[2]
    );
}
