//! `galmass predict`: a bundle's (or an ensemble of bundles') predictions for the samples of
//! a dataset file, for one galaxy's map files (CNN) or typed features (GBDT) → CSV with the
//! quoted uncertainty (`galmass_core::bundle::ensemble`).

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use galmass::BadInput;
use galmass::atomic::write_atomic;
use galmass::bundle_io::predict::{combine_rows, derived_log_fdm, predict_dataset, write_csv};
use galmass::bundle_io::predict_cnn::{MapFiles, predict_cnn_dataset, predict_cnn_files};
use galmass::bundle_io::{read_ensemble, training_conditions};
use galmass::dataset::DatasetReader;
use galmass::stats::offset_mean_sigma;
use galmass_core::bundle::ensemble::{Ensemble, EnsembleValue};
use galmass_core::bundle::{Bundle, ModelKind};
use galmass_core::telescope::{ConditionRanges, MapScale, Stated, outside_training};

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
    /// Bundle file written by `galmass export`; give it several times for an ensemble of
    /// models with the same inputs and targets (the mean, with the members' spread added in
    /// quadrature to the test-split σ)
    #[arg(long, value_name = "FILE", required = true)]
    pub bundle: Vec<PathBuf>,
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
    /// CNN bundles, one galaxy: g-band surface brightness map on the r map's grid (models
    /// that read colour, input `g` or `rg`; FITS/NPY, or a linear PNG with --g-mag)
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub g: Option<PathBuf>,
    /// CNN bundles, one galaxy with a PNG g image: absolute AB g magnitude of its light
    #[arg(long, value_name = "MAG", allow_hyphen_values = true, requires = "g")]
    pub g_mag: Option<f64>,
    /// CNN bundles, one galaxy: kinematic maps (2, K, K) V and σ in km/s or (3, K, K) with a
    /// 0/1 mask, covering ±3 R_hsm
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub vel: Option<PathBuf>,
    /// CNN bundles, one galaxy: half-stellar-mass radius in kpc (models with the side input,
    /// on the paper's ±3 R_hsm maps)
    #[arg(long, value_name = "KPC", conflicts_with = "data")]
    pub rhsm: Option<f64>,
    /// CNN bundles on ±3 R_e maps (`dataset build --scale re`), one galaxy: its projected
    /// r-band half-light radius in kpc (or give --re-arcsec with --redshift)
    #[arg(long, value_name = "KPC", conflicts_with_all = ["data", "rhsm"], allow_negative_numbers = true)]
    pub re_kpc: Option<f64>,
    /// Which samples
    #[arg(long, value_enum, default_value_t = SplitArg::All)]
    pub split: SplitArg,
    /// Output CSV: one row per galaxy-projection, log10 predictions with the bundle's
    /// test-split σ (dex) as their uncertainty (with an ensemble: combined with the members'
    /// spread, also given), and the truth when the file has it
    #[arg(long, value_name = "CSV")]
    pub out: PathBuf,
    /// CNN bundles, one galaxy: the seeing FWHM of the given maps in units of R_e (0: ideal
    /// maps); a warning says when the model never learned such maps (beyond the paper)
    #[arg(long, value_name = "X", conflicts_with = "data")]
    pub seeing_re: Option<f64>,
    /// CNN bundles, one galaxy: the S/N of a pixel of the given light maps at R_e (absent:
    /// noiseless); a warning says when the model never learned such maps
    #[arg(long, value_name = "X", conflicts_with = "data")]
    pub snr_re: Option<f64>,
    /// CNN bundles, one galaxy: the seeing FWHM in arcsec, with --re-arcsec (instead of
    /// --seeing-re; the web app's inputs)
    #[arg(long, value_name = "ARCSEC", conflicts_with_all = ["data", "seeing_re"],
        requires = "re_arcsec", allow_negative_numbers = true)]
    pub seeing_arcsec: Option<f64>,
    /// The galaxy's half-light radius R_e in arcsec (with --seeing-arcsec; with --redshift it
    /// is R_e in kpc for models on ±3 R_e maps)
    #[arg(
        long,
        value_name = "ARCSEC",
        conflicts_with = "data",
        allow_negative_numbers = true
    )]
    pub re_arcsec: Option<f64>,
    /// The galaxy's redshift: R_e and the seeing in kpc (with --re-arcsec)
    #[arg(
        long,
        value_name = "Z",
        conflicts_with = "data",
        requires = "re_arcsec",
        allow_negative_numbers = true
    )]
    pub redshift: Option<f64>,
    /// The galaxy's angular-diameter distance in Mpc, instead of --redshift (nearby galaxies)
    #[arg(long, value_name = "MPC", conflicts_with_all = ["data", "redshift"],
        requires = "re_arcsec", allow_negative_numbers = true)]
    pub distance_mpc: Option<f64>,
    /// CNN bundles, one galaxy: the maps cover a hexagonal IFU footprint out to K R_e (MaNGA:
    /// 1.5 or 2.5)
    #[arg(
        long,
        value_name = "K",
        conflicts_with = "data",
        allow_negative_numbers = true
    )]
    pub ifu_re: Option<f64>,
    /// CNN bundles, one galaxy: the kinematic maps are Voronoi-binned to this S/N
    #[arg(
        long,
        value_name = "SNR",
        conflicts_with = "data",
        allow_negative_numbers = true
    )]
    pub voronoi_snr: Option<f64>,
}

/// The conditions stated for one galaxy's map files: `--seeing-re`/`--snr-re`, or the
/// seeing and R_e in arcsec (`telescope::Stated`, the web app's reading); `None` when none.
fn stated_conditions(a: &PredictArgs) -> Result<Option<ConditionRanges>> {
    if a.seeing_arcsec.is_some() || a.re_arcsec.is_some() || a.distance_mpc.is_some() {
        let s = Stated {
            seeing_arcsec: a.seeing_arcsec,
            re_arcsec: a.re_arcsec,
            snr_re: a.snr_re,
            redshift: a.redshift,
            distance_mpc: a.distance_mpc,
            ifu_re: a.ifu_re,
            voronoi_snr: a.voronoi_snr,
        };
        let bad = |e: galmass_core::telescope::TelescopeError| {
            BadInput(format!(
                "--seeing-arcsec/--re-arcsec/--snr-re/--redshift/--distance-mpc/--ifu-re/--voronoi-snr: {e}"
            ))
        };
        let c = s.conditions().map_err(bad)?;
        let words = s.describe().map_err(bad)?;
        if !words.is_empty() {
            eprintln!("stated conditions: {words}");
        }
        return Ok(c);
    }
    let stated = (a.seeing_re.is_some()
        || a.snr_re.is_some()
        || a.ifu_re.is_some()
        || a.voronoi_snr.is_some())
    .then(|| {
        let mut c = ConditionRanges::point(a.seeing_re.unwrap_or(0.0), a.snr_re);
        c.ifu_re = a.ifu_re;
        c.voronoi_snr = a.voronoi_snr;
        c
    });
    if let Some(c) = &stated {
        c.check()
            .map_err(|e| BadInput(format!("--seeing-re/--snr-re/--ifu-re/--voronoi-snr: {e}")))?;
    }
    Ok(stated)
}

/// The radius one galaxy's maps cover ±3 of (kpc), as the ensemble's map scale asks:
/// `--rhsm` for the paper's ±3 R_hsm models; `--re-kpc`, or `--re-arcsec` at `--redshift`
/// (`telescope::kpc_per_arcsec`), for ±3 R_e models. A radius of the other kind, or a bad
/// value, is [`BadInput`] saying what to give.
fn scale_radius(a: &PredictArgs, ens: &Ensemble) -> Result<Option<f64>> {
    let scale = ens.lead().manifest.training.scale;
    let side = ens
        .lead()
        .manifest
        .inputs
        .iter()
        .any(|i| i.name == galmass_core::bundle::SIDE_INPUT);
    let radius = match scale {
        MapScale::Rhsm => {
            if let Some(r) = a.re_kpc {
                return Err(BadInput(format!(
                    "--re-kpc {r}: this model reads maps on ±3 R_hsm (the paper's scale): give \
                     the half-mass radius with --rhsm KPC"
                ))
                .into());
            }
            a.rhsm
        }
        MapScale::Re => {
            if let Some(r) = a.rhsm {
                return Err(BadInput(format!(
                    "--rhsm {r}: this model reads maps on ±3 R_e (dataset build --scale re): \
                     give R_e with --re-kpc KPC, or --re-arcsec with --redshift"
                ))
                .into());
            }
            match (a.re_kpc, a.re_arcsec) {
                (Some(r), _) => Some(r),
                (None, Some(re)) if a.redshift.is_some() || a.distance_mpc.is_some() => {
                    let s = Stated {
                        re_arcsec: Some(re),
                        redshift: a.redshift,
                        distance_mpc: a.distance_mpc,
                        ..Stated::default()
                    };
                    let kpc = s.re_kpc().map_err(|e| {
                        BadInput(format!("--re-arcsec/--redshift/--distance-mpc: {e}"))
                    })?;
                    eprintln!("R_e = {re}″: {kpc:.3} kpc");
                    Some(kpc)
                }
                _ => None,
            }
        }
    };
    if let Some(r) = radius
        && !(r.is_finite() && r > 0.0)
    {
        return Err(BadInput(format!(
            "the {} = {r} kpc: must be a finite number > 0",
            scale.symbol()
        ))
        .into());
    }
    if side && radius.is_none() {
        return Err(BadInput(match scale {
            MapScale::Rhsm => "this model reads log10 R_hsm: give --rhsm KPC".to_string(),
            MapScale::Re => "this model reads log10 R_e (its maps cover ±3 R_e): give --re-kpc \
                 KPC, or --re-arcsec ARCSEC with --redshift Z or --distance-mpc D"
                .to_string(),
        })
        .into());
    }
    Ok(radius)
}

/// Warns (on stderr; the prediction goes on) when the maps were observed under conditions
/// the ensemble's training maps did not span (`galmass_core::telescope::outside_training`).
fn warn_conditions(ens: &Ensemble, maps: Option<&ConditionRanges>, what: &str) {
    if ens.kind() != ModelKind::Cnn {
        return;
    }
    let model = ens.lead().manifest.training.conditions.as_ref();
    for why in outside_training(model, maps) {
        eprintln!(
            "warning: {what}: {why}; expect errors larger than the quoted σ \
             (docs/observing.md; galmass dataset build --conditions … trains for such maps)"
        );
    }
}

/// Runs `galmass predict`.
pub fn run(a: &PredictArgs) -> Result<()> {
    let ens = read_ensemble(&a.bundle)?;
    let bundles = ens.members();
    let sigma = ens.test_sigma();
    let first = ens.lead();
    if let Some(f) = &a.features {
        let preds = bundles
            .iter()
            .zip(&a.bundle)
            .map(|(b, path)| {
                galmass_core::bundle::gbdt_predict_one(b, &parse_features(f)?)
                    .map_err(|e| BadInput(format!("{}: {e}", path.display())).into())
            })
            .collect::<Result<Vec<_>>>()?;
        return write_one(a, first, &ens.combine(&preds));
    }
    let Some(data) = &a.data else {
        let stated = stated_conditions(a)?;
        warn_conditions(&ens, stated.as_ref(), "the given maps");
        if first.manifest.kind != ModelKind::Cnn {
            return Err(BadInput(format!(
                "{}: a GBDT bundle reads summary features; give --data DS.h5 or --features (maps need a CNN bundle)",
                a.bundle[0].display()
            ))
            .into());
        }
        let files = MapFiles {
            r: a.r.clone(),
            g: a.g.clone(),
            vel: a.vel.clone(),
            rhsm_kpc: scale_radius(a, &ens)?,
            r_mag: a.r_mag,
            g_mag: a.g_mag,
        };
        let preds = bundles
            .iter()
            .map(|b| predict_cnn_files(b, &files))
            .collect::<Result<Vec<_>>>()?;
        return write_one(a, first, &ens.combine(&preds));
    };
    let split = match a.split {
        SplitArg::All => None,
        SplitArg::Train => Some(0),
        SplitArg::Validation => Some(1),
        SplitArg::Test => Some(2),
    };
    let file_conditions = training_conditions(&DatasetReader::open(data)?.attrs)?;
    warn_conditions(&ens, file_conditions.as_ref(), &data.display().to_string());
    let members = bundles
        .iter()
        .map(|b| match b.manifest.kind {
            ModelKind::Gbdt => predict_dataset(b, data, split),
            ModelKind::Cnn => predict_cnn_dataset(b, data, split),
        })
        .collect::<Result<Vec<_>>>()?;
    let values = combine_rows(&members, &sigma)?;
    let p = &members[0];
    write_csv(p, &values, bundles.len(), &a.out)?;
    println!(
        "predicted {} samples ({} skipped: non-finite features) with {} → {}",
        p.rows.len(),
        p.skipped,
        if bundles.len() == 1 {
            "1 bundle".to_string()
        } else {
            format!("an ensemble of {} bundles", bundles.len())
        },
        a.out.display()
    );
    for (k, t) in p.targets.iter().enumerate() {
        let (pred, truth): (Vec<f64>, Vec<f64>) = p
            .rows
            .iter()
            .zip(&values)
            .filter_map(|(r, v)| r.truth[k].map(|t| (v[k].mean, t)))
            .unzip();
        match offset_mean_sigma(&pred, &truth) {
            Some((m, s)) => println!(
                "  {t:<8} ±{:.4} dex test σ; against the file's truth: {m:+.4} ± {s:.4} dex",
                sigma[k]
            ),
            None => println!("  {t:<8} ±{:.4} dex test σ; no truth in the file", sigma[k]),
        }
    }
    Ok(())
}

/// `--features name=value,…` as (name, value) pairs.
fn parse_features(text: &str) -> Result<Vec<(String, f64)>> {
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
    Ok(given)
}

/// Prints one galaxy's (ensemble) predictions and writes them as a one-row CSV
/// `<t>_pred,<t>_sigma_dex[,<t>_spread_dex],…[,fdm_derived]`.
fn write_one(a: &PredictArgs, bundle: &Bundle, values: &[EnsembleValue]) -> Result<()> {
    let m = &bundle.manifest;
    let several = a.bundle.len() > 1;
    let mut head = Vec::new();
    let mut line = Vec::new();
    for (t, v) in m.targets.iter().zip(values) {
        head.push(format!("{}_pred,{}_sigma_dex", t.name, t.name));
        line.push(format!("{:.6},{:.4}", v.mean, v.sigma));
        if several {
            head.push(format!("{}_spread_dex", t.name));
            line.push(format!("{:.4}", v.spread));
        }
        println!(
            "  {:<8} log10 = {:.3} ± {:.3} dex{}",
            t.name,
            v.mean,
            v.sigma,
            if several {
                format!(" (members' spread {:.3})", v.spread)
            } else {
                String::new()
            }
        );
    }
    let ms = m.targets.iter().position(|t| t.name == "mstar");
    let mt = m.targets.iter().position(|t| t.name == "mtot");
    if let (Some(s), Some(t)) = (ms, mt) {
        let f = derived_log_fdm(values[s].mean, values[t].mean);
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
