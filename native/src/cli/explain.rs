//! `galmass explain`: where a CNN looks — occlusion saliency maps of one galaxy (a gallery
//! galaxy, or map files as `predict` reads them) written as NPY and PNG, with a line in plain
//! words per map and target. Beyond the paper.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::bundle_io::explain::{explain, write};
use galmass::bundle_io::predict_cnn::{MapFiles, galaxy_from_files};
use galmass::bundle_io::{read_ensemble, read_gallery};
use galmass_core::bundle::ModelKind;
use galmass_core::explain::{Occlusion, in_words};

/// Arguments of `galmass explain`.
#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// CNN bundle(s); several form an ensemble (their mean prediction is explained)
    #[arg(long, value_name = "FILE", required = true)]
    pub bundle: Vec<PathBuf>,
    /// Gallery file whose galaxy `--index` is explained (`galmass dataset examples`)
    #[arg(long, value_name = "JSON", conflicts_with_all = ["r", "vel"])]
    pub examples: Option<PathBuf>,
    /// Which gallery galaxy (0 = the first)
    #[arg(long, default_value_t = 0, requires = "examples")]
    pub index: usize,
    /// One galaxy's r-band map (FITS, NPY, PNG), as for `predict`
    #[arg(long, value_name = "FILE")]
    pub r: Option<PathBuf>,
    /// Its g-band map on the r map's grid
    #[arg(long, value_name = "FILE")]
    pub g: Option<PathBuf>,
    /// Its kinematic maps (V, σ [, mask])
    #[arg(long, value_name = "FILE")]
    pub vel: Option<PathBuf>,
    /// Its half-stellar-mass radius in kpc
    #[arg(long, value_name = "KPC")]
    pub rhsm: Option<f64>,
    /// Occluding patch side as a fraction of each map's side
    #[arg(long, default_value_t = 0.125)]
    pub patch: f64,
    /// Step between patches as a fraction of each map's side
    #[arg(long, default_value_t = 0.0625)]
    pub stride: f64,
    /// Output directory: saliency_<map>_<target>.npy and .png
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Runs `galmass explain`.
pub fn run(a: &ExplainArgs) -> Result<()> {
    for (flag, v) in [("--patch", a.patch), ("--stride", a.stride)] {
        if !(v.is_finite() && v > 0.0 && v <= 1.0) {
            return Err(BadInput(format!(
                "{flag} {v}: give a fraction of the map side in (0, 1]"
            ))
            .into());
        }
    }
    let ens = read_ensemble(&a.bundle)?;
    if ens.kind() != ModelKind::Cnn {
        return Err(BadInput("--bundle: explain needs CNN bundles (they read maps)".into()).into());
    }
    let galaxy = match &a.examples {
        Some(path) => {
            let gallery = read_gallery(path)?;
            let n = gallery.examples.len();
            gallery
                .examples
                .get(a.index)
                .and_then(|e| e.inputs())
                .ok_or_else(|| {
                    BadInput(format!(
                        "{}: no usable galaxy {} (it has {n})",
                        path.display(),
                        a.index
                    ))
                })?
        }
        None => {
            let files = MapFiles {
                r: a.r.clone(),
                g: a.g.clone(),
                vel: a.vel.clone(),
                rhsm_kpc: a.rhsm,
                r_mag: None,
                g_mag: None,
            };
            if files.r.is_none() && files.vel.is_none() {
                return Err(BadInput(
                    "give a galaxy: --examples GALLERY [--index K], or --r/--g/--vel FILE and --rhsm KPC"
                        .into(),
                )
                .into());
            }
            galaxy_from_files(ens.lead(), &files)?
        }
    };
    let opts = Occlusion {
        patch_frac: a.patch,
        stride_frac: a.stride,
    };
    let bar = super::progress::bar(0, "hiding patches");
    let maps = explain(&ens, &galaxy, &opts, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    write(&a.out, &maps)?;
    for s in &maps {
        println!("{}", in_words(s));
    }
    println!(
        "wrote {} saliency maps (NPY + PNG) to {}",
        maps.len(),
        a.out.display()
    );
    Ok(())
}
