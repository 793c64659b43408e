//! `galmass predict`: a bundle's predictions for the samples of a dataset file, or (CNN
//! bundles) for one galaxy's map files → CSV with the bundle's quoted uncertainty.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use galmass::BadInput;
use galmass::atomic::write_atomic;
use galmass::bundle_io::predict::{derived_log_fdm, predict_dataset, write_csv};
use galmass::bundle_io::predict_cnn::{
    MapFiles, predict_cnn_dataset, predict_cnn_files, quoted_sigma,
};
use galmass::bundle_io::read_bundle;
use galmass::stats::offset_mean_sigma;
use galmass_core::bundle::{Bundle, ModelKind};

/// Which samples to predict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    /// Every sample
    All,
    /// The training split
    Train,
    /// The validation split
    Validation,
    /// The test split
    Test,
}

/// Arguments of `galmass predict`.
#[derive(Args, Debug)]
pub struct PredictArgs {
    /// Bundle file written by `galmass export`
    #[arg(long, value_name = "FILE")]
    pub bundle: PathBuf,
    /// Dataset file whose samples to predict (GBDT bundles read its /features, CNN bundles
    /// its maps)
    #[arg(long, value_name = "FILE", required_unless_present_any = ["r", "g", "vel", "features"])]
    pub data: Option<PathBuf>,
    /// GBDT bundles, one galaxy: its summary features as name=value pairs in the dataset's
    /// units, e.g. mr=-21.2,g_r=0.61,sfr=1.3,… (every feature the bundle reads)
    #[arg(long, value_name = "NAME=VALUE,…", conflicts_with_all = ["data", "r", "g", "vel"])]
    pub features: Option<String>,
    /// CNN bundles, one galaxy: r-band surface brightness map (L☉/kpc², FITS/NPY, square, any
    /// size: resampled conserving the light; or a linear PNG with --r-mag)
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub r: Option<PathBuf>,
    /// CNN bundles, one galaxy with a PNG r image: absolute AB r magnitude of the light inside
    /// the image (a PNG holds relative brightness only; with --rhsm it scales the grey levels,
    /// taken as linear, to L☉/kpc²)
    #[arg(long, value_name = "MAG", allow_hyphen_values = true, requires = "r")]
    pub r_mag: Option<f64>,
    /// CNN bundles, one galaxy: g-band surface brightness map
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub g: Option<PathBuf>,
    /// CNN bundles, one galaxy: kinematic maps (2, K, K) V and σ in km/s or (3, K, K) with a
    /// 0/1 mask, covering ±3 R_hsm
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub vel: Option<PathBuf>,
    /// CNN bundles, one galaxy: half-stellar-mass radius in kpc (models with the side input)
    #[arg(long, value_name = "KPC", conflicts_with = "data")]
    pub rhsm: Option<f64>,
    /// Which samples
    #[arg(long, value_enum, default_value_t = SplitArg::All)]
    pub split: SplitArg,
    /// Output CSV: one row per galaxy-projection, log10 predictions with the bundle's
    /// test-split σ (dex) as their uncertainty, and the truth when the file has it
    #[arg(long, value_name = "CSV")]
    pub out: PathBuf,
}

/// Runs `galmass predict`.
pub fn run(a: &PredictArgs) -> Result<()> {
    let bundle = read_bundle(&a.bundle)?;
    if let Some(f) = &a.features {
        return run_features(a, &bundle, f);
    }
    let Some(data) = &a.data else {
        return run_files(a, &bundle);
    };
    let split = match a.split {
        SplitArg::All => None,
        SplitArg::Train => Some(0),
        SplitArg::Validation => Some(1),
        SplitArg::Test => Some(2),
    };
    let p = match bundle.manifest.kind {
        ModelKind::Gbdt => predict_dataset(&bundle, data, split)?,
        ModelKind::Cnn => predict_cnn_dataset(&bundle, data, split)?,
    };
    write_csv(&p, &a.out)?;
    println!(
        "predicted {} samples ({} skipped: non-finite features) → {}",
        p.rows.len(),
        p.skipped,
        a.out.display()
    );
    for (k, t) in p.targets.iter().enumerate() {
        let (pred, truth): (Vec<f64>, Vec<f64>) = p
            .rows
            .iter()
            .filter_map(|r| r.truth[k].map(|v| (r.pred[k], v)))
            .unzip();
        match offset_mean_sigma(&pred, &truth) {
            Some((m, s)) => println!(
                "  {t:<8} ±{:.4} dex quoted; against the file's truth: {m:+.4} ± {s:.4} dex",
                p.sigma_dex[k]
            ),
            None => println!(
                "  {t:<8} ±{:.4} dex quoted; no truth in the file",
                p.sigma_dex[k]
            ),
        }
    }
    Ok(())
}

/// One galaxy from map files: a CSV of one row `<t>_pred,<t>_sigma_dex,…[,fdm_derived]`.
fn run_files(a: &PredictArgs, bundle: &Bundle) -> Result<()> {
    if bundle.manifest.kind != ModelKind::Cnn {
        return Err(BadInput(format!(
            "{}: a GBDT bundle reads summary features; give --data DS.h5 or --features (maps need a CNN bundle)",
            a.bundle.display()
        ))
        .into());
    }
    let files = MapFiles {
        r: a.r.clone(),
        g: a.g.clone(),
        vel: a.vel.clone(),
        rhsm_kpc: a.rhsm,
        r_mag: a.r_mag,
    };
    let pred = predict_cnn_files(bundle, &files)?;
    write_one(a, bundle, &pred)
}

/// One galaxy from typed feature values (GBDT bundles).
fn run_features(a: &PredictArgs, bundle: &Bundle, text: &str) -> Result<()> {
    let mut given = Vec::new();
    for pair in text.split(',').filter(|p| !p.trim().is_empty()) {
        let (k, v) = pair
            .split_once('=')
            .ok_or_else(|| BadInput(format!("--features: `{pair}` is not name=value")))?;
        let v: f64 = v.trim().parse().map_err(|_| {
            BadInput(format!(
                "--features: `{}` is not a number (feature {})",
                v.trim(),
                k.trim()
            ))
        })?;
        given.push((k.trim().to_string(), v));
    }
    let pred = galmass_core::bundle::gbdt_predict_one(bundle, &given)
        .map_err(|e| BadInput(format!("{}: {e}", a.bundle.display())))?;
    write_one(a, bundle, &pred)
}

/// Prints one galaxy's predictions and writes them as a one-row CSV.
fn write_one(a: &PredictArgs, bundle: &Bundle, pred: &[f64]) -> Result<()> {
    let m = &bundle.manifest;
    let sigma = quoted_sigma(m);
    let mut head = Vec::new();
    let mut line = Vec::new();
    for (k, t) in m.targets.iter().enumerate() {
        head.push(format!("{}_pred,{}_sigma_dex", t.name, t.name));
        line.push(format!("{:.6},{:.4}", pred[k], sigma[k]));
        println!(
            "  {:<8} log10 = {:.3} ± {:.3} dex",
            t.name, pred[k], sigma[k]
        );
    }
    let ms = m.targets.iter().position(|t| t.name == "mstar");
    let mt = m.targets.iter().position(|t| t.name == "mtot");
    if let (Some(s), Some(t)) = (ms, mt) {
        let f = derived_log_fdm(pred[s], pred[t]);
        head.push("fdm_derived".into());
        line.push(f.map(|v| format!("{v:.6}")).unwrap_or_default());
        match f {
            Some(v) => println!("  fdm      log10 = {v:.3} (1 − M*/Mtot)"),
            None => println!("  fdm      undefined (predicted M* ≥ Mtot)"),
        }
    }
    let csv = format!("{}\n{}\n", head.join(","), line.join(","));
    write_atomic(&a.out, csv.as_bytes())?;
    println!("wrote {}", a.out.display());
    Ok(())
}
