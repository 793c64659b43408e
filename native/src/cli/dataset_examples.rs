//! `galmass dataset examples`: test-split galaxies of a dataset file (maps and truths) as the
//! web app's gallery JSON.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use galmass::atomic::write_atomic;
use galmass::dataset::examples::gallery;

/// Arguments of `galmass dataset examples`.
#[derive(Args, Debug)]
pub struct ExamplesArgs {
    /// Dataset file
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Number of examples (test-split samples evenly spaced in log M*)
    #[arg(long, default_value_t = 12)]
    pub n: usize,
    /// Output JSON (galmass_core::gallery::Gallery)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Runs `galmass dataset examples`.
pub fn run(a: &ExamplesArgs) -> Result<()> {
    let source = format!(
        "{} (test split; galmass dataset examples --n {})",
        a.data.file_name().unwrap_or_default().to_string_lossy(),
        a.n
    );
    let g = gallery(&a.data, a.n, source)?;
    let json = serde_json::to_vec(&g)?;
    write_atomic(&a.out, &json)?;
    println!(
        "wrote {} examples ({} bytes) to {}",
        g.examples.len(),
        json.len(),
        a.out.display()
    );
    Ok(())
}
