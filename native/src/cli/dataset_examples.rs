//! `galmass dataset examples`: test-split galaxies of a dataset file (maps and truths) as the
//! web app's gallery JSON, and as files to try the upload with (FITS and NPY, the bytes the
//! page offers for download).

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::atomic::write_atomic;
use galmass::bundle_io::read_gallery;
use galmass::dataset::examples::gallery;
use galmass_core::gallery::Gallery;

/// Arguments of `galmass dataset examples`.
#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("from").required(true).args(["data", "gallery"]))]
#[command(group = clap::ArgGroup::new("to").required(true).multiple(true).args(["out", "files"]))]
pub struct ExamplesArgs {
    /// Dataset file whose test split gives the examples
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Or an existing gallery JSON (e.g. www/examples/gallery.json) to write files from
    #[arg(long, value_name = "JSON", conflicts_with = "out")]
    pub gallery: Option<PathBuf>,
    /// Number of examples (test-split samples evenly spaced in log M*)
    #[arg(long, default_value_t = 12)]
    pub n: usize,
    /// Output gallery JSON (galmass_core::gallery::Gallery, read by the web app)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write every example as upload files into DIR: <galaxy>_{r,g,vel}.{fits,npy}, with
    /// R_hsm and the true masses in the FITS headers (the page's "files to try")
    #[arg(long, value_name = "DIR")]
    pub files: Option<PathBuf>,
}

/// Runs `galmass dataset examples`.
pub fn run(a: &ExamplesArgs) -> Result<()> {
    let g = match (&a.data, &a.gallery) {
        (Some(data), _) => {
            let source = format!(
                "{} (test split; galmass dataset examples --n {})",
                data.file_name().unwrap_or_default().to_string_lossy(),
                a.n
            );
            gallery(data, a.n, source)?
        }
        (None, Some(path)) => read_gallery(path)?,
        (None, None) => return Err(BadInput("give --data FILE or --gallery JSON".into()).into()),
    };
    if let Some(out) = &a.out {
        let json = serde_json::to_vec(&g)?;
        write_atomic(out, &json)?;
        println!(
            "wrote {} examples ({} bytes) to {}",
            g.examples.len(),
            json.len(),
            out.display()
        );
    }
    if let Some(dir) = &a.files {
        write_files(dir, &g)?;
    }
    Ok(())
}

/// Writes each example's FITS and NPY files into `dir`.
fn write_files(dir: &std::path::Path, g: &Gallery) -> Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| BadInput(format!("--files {}: cannot create ({e})", dir.display())))?;
    let mut n = 0;
    for ex in &g.examples {
        let files = ex.files();
        if files.is_empty() {
            return Err(BadInput(format!(
                "example of galaxy {}: its maps do not match their sizes",
                ex.galaxy_id
            ))
            .into());
        }
        for f in files {
            write_atomic(&dir.join(&f.name), &f.bytes)?;
            n += 1;
        }
    }
    println!(
        "wrote {n} files (FITS and NPY of {} examples) to {}",
        g.examples.len(),
        dir.display()
    );
    Ok(())
}
