//! Predictions of a CNN bundle: for the samples of a dataset file, or for one galaxy's map
//! files (FITS, NPY, PNG). Both go through `galmass_core`'s [`Manifest::prepare`] — the
//! resampling and normalisation the web app uses — and the network built from the bundle on
//! the flex CPU backend.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use burn::tensor::Device;
use galmass_core::bundle::cnn_input::{
    GalaxyInputs, GalaxyMap, PngCalibration, PreparedInputs, reads_map,
};
use galmass_core::bundle::ensemble::Ensemble;
use galmass_core::bundle::{Bundle, Manifest};
use galmass_core::cnn::MultiBranchResNet;
use galmass_core::telescope::MapScale;
use galmass_core::units::{MSUN_G, MSUN_R};
use galmass_core::upload::KinematicMaps;

use super::predict::{PredictionRow, Predictions};
use crate::BadInput;
use crate::dataset::reader::DatasetReader;
use crate::dataset::{Sample, TARGET_NAMES};

/// Samples per forward pass.
const BATCH: usize = 16;

fn bad(e: impl std::fmt::Display) -> anyhow::Error {
    BadInput(format!("bundle: {e}")).into()
}

/// Runs the network on prepared galaxies (one batch); returns `pred[k][t]`.
pub fn forward(
    net: &MultiBranchResNet,
    prepared: &[PreparedInputs],
    device: &Device,
) -> Result<Vec<Vec<f64>>> {
    if prepared.is_empty() {
        return Ok(Vec::new());
    }
    let (maps, side) = PreparedInputs::batch_tensors(prepared, device);
    let out = net.try_forward(maps, side).map_err(bad)?;
    let t = out.dims()[1];
    let v = out
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(v.chunks(t)
        .map(|c| c.iter().map(|&x| x as f64).collect())
        .collect())
}

/// The ensemble's mean prediction `pred[k][t]` for each galaxy of `inputs` (each given only
/// the maps the model reads), with the members' networks `nets` on `device`.
pub fn ensemble_mean(
    ens: &Ensemble,
    nets: &[MultiBranchResNet],
    inputs: &[GalaxyInputs],
    device: &Device,
) -> Result<Vec<Vec<f64>>> {
    let prepared = inputs
        .iter()
        .map(|g| {
            let m = &ens.lead().manifest;
            m.prepare(&m.keep_read_maps(g))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| BadInput(e.to_string()))?;
    let mut sum: Vec<Vec<f64>> = Vec::new();
    for net in nets {
        let p = forward(net, &prepared, device)?;
        if sum.is_empty() {
            sum = p;
        } else {
            for (s, q) in sum.iter_mut().zip(&p) {
                s.iter_mut().zip(q).for_each(|(a, b)| *a += b);
            }
        }
    }
    let n = nets.len().max(1) as f64;
    Ok(sum
        .into_iter()
        .map(|r| r.into_iter().map(|v| v / n).collect())
        .collect())
}

/// The per-target σ (dex) the bundle quotes (its test metrics).
pub fn quoted_sigma(m: &Manifest) -> Vec<f64> {
    m.targets
        .iter()
        .map(|t| {
            m.metrics
                .iter()
                .find(|x| x.target == t.name)
                .map_or(f64::NAN, |x| x.sigma_dex)
        })
        .collect()
}

/// One dataset sample as the inputs of a CNN bundle that reads the maps `names` (`r`, `g`,
/// `vel`, and `rg` = the `g` and `r` maps), with its scale radius (R_hsm or R_e, `scale`).
pub fn sample_inputs(s: &Sample, names: &[&str], scale: MapScale) -> Result<GalaxyInputs> {
    let side = |v: &[f32]| (v.len() as f64).sqrt() as usize;
    let light = |v: &[f32]| GalaxyMap::Light {
        side: side(v),
        sb: v.to_vec(),
    };
    let mut maps = Vec::new();
    for &n in names {
        match n {
            "r" => maps.push(("r".to_string(), light(&s.r))),
            "g" => maps.push(("g".to_string(), light(&s.g))),
            "rg" => {
                maps.push(("g".to_string(), light(&s.g)));
                maps.push(("r".to_string(), light(&s.r)));
            }
            "vel" => {
                let k = (s.vel_mask.len() as f64).sqrt() as usize;
                maps.push((
                    "vel".to_string(),
                    GalaxyMap::Kinematic(KinematicMaps {
                        size: k,
                        v: s.vel[..k * k].to_vec(),
                        sigma: s.vel[k * k..].to_vec(),
                        mask: s.vel_mask.clone(),
                    }),
                ));
            }
            other => {
                return Err(BadInput(format!(
                    "bundle input `{other}` cannot be read from a dataset file (r, g, rg, vel)"
                ))
                .into());
            }
        }
    }
    Ok(GalaxyInputs {
        maps,
        log_rhsm: Some(
            match scale {
                MapScale::Rhsm => s.rhsm_kpc,
                MapScale::Re => s.re_kpc,
            }
            .log10(),
        ),
        scale,
    })
}

/// A CNN bundle's predictions for the samples of `data` (only `split` when given).
pub fn predict_cnn_dataset(bundle: &Bundle, data: &Path, split: Option<u8>) -> Result<Predictions> {
    let device = Device::flex();
    let net = bundle.cnn_model(&device).map_err(bad)?;
    let m = &bundle.manifest;
    let ds = DatasetReader::open(data)?;
    let scale = m.training.scale;
    if ds.attrs.build.scale != scale {
        return Err(BadInput(format!(
            "{}: its maps cover ±3 {} (dataset attribute `scale` = {}), but the model learned \
             maps on ±3 {}: build the data with `dataset build --scale {}`",
            data.display(),
            ds.attrs.build.scale.symbol(),
            ds.attrs.build.scale.name(),
            scale.symbol(),
            scale.name()
        ))
        .into());
    }
    let splits: Vec<u8> = ds.column("meta/split")?;
    let wanted: Vec<usize> = (0..ds.len())
        .filter(|&i| split.is_none_or(|s| splits[i] == s))
        .collect();
    let names: Vec<&str> = m
        .inputs
        .iter()
        .filter(|i| !i.shape.is_empty())
        .map(|i| i.name.as_str())
        .collect();
    let mut rows = Vec::with_capacity(wanted.len());
    for chunk in wanted.chunks(BATCH) {
        let mut prepared = Vec::with_capacity(chunk.len());
        let mut samples = Vec::with_capacity(chunk.len());
        for &i in chunk {
            let s = ds.sample(i)?;
            let g = sample_inputs(&s, &names, scale)?;
            prepared.push(
                m.prepare(&g)
                    .map_err(|e| BadInput(format!("{}: sample {i}: {e}", data.display())))?,
            );
            samples.push((i, s));
        }
        let preds = forward(&net, &prepared, &device)?;
        for ((i, s), pred) in samples.into_iter().zip(preds) {
            let truth = m
                .targets
                .iter()
                .map(|t| {
                    TARGET_NAMES
                        .iter()
                        .position(|n| *n == t.name)
                        .map(|k| s.targets[k])
                })
                .collect();
            rows.push(PredictionRow {
                row: i,
                galaxy_id: s.galaxy_id,
                projection: s.projection,
                split: s.split,
                pred,
                truth,
            });
        }
    }
    Ok(Predictions {
        targets: m.targets.iter().map(|t| t.name.clone()).collect(),
        sigma_dex: quoted_sigma(m),
        rows,
        skipped: 0,
    })
}

/// One galaxy's map files for a CNN bundle.
#[derive(Clone, Debug, Default)]
pub struct MapFiles {
    /// r-band surface brightness (L☉ kpc⁻²), one square plane.
    pub r: Option<PathBuf>,
    /// g-band surface brightness, one square plane.
    pub g: Option<PathBuf>,
    /// V, σ (km/s) [and mask], 2 or 3 square planes.
    pub vel: Option<PathBuf>,
    /// The model's scale radius in kpc (the maps cover ±3 of it): the half-stellar-mass
    /// radius, or R_e for a model trained with `--scale re`.
    pub rhsm_kpc: Option<f64>,
    /// Absolute AB r magnitude of the light inside a PNG r image (its calibration).
    pub r_mag: Option<f64>,
    /// Absolute AB g magnitude of the light inside a PNG g image.
    pub g_mag: Option<f64>,
}

/// Reads one map file with the browser's code path ([`GalaxyMap::from_upload`]).
fn read_file(
    path: &Path,
    light: bool,
    size: usize,
    png: Option<&PngCalibration>,
) -> Result<GalaxyMap> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| BadInput(format!("{name}: cannot read ({e})")))?;
    GalaxyMap::from_upload(&name, &bytes, light, size, png)
        .map_err(|e| BadInput(e.to_string()).into())
}

/// Predicts one galaxy from its map files: pred per target (log10).
pub fn predict_cnn_files(bundle: &Bundle, files: &MapFiles) -> Result<Vec<f64>> {
    let g = galaxy_from_files(bundle, files)?;
    let prepared = bundle.manifest.prepare(&g).map_err(|e| {
        BadInput(format!(
            "{e} (give --r/--g FILE, --vel FILE and --rhsm KPC as the model needs)"
        ))
    })?;
    let device = Device::flex();
    let net = bundle.cnn_model(&device).map_err(bad)?;
    let mut p = forward(&net, &[prepared], &device).context("running the network")?;
    Ok(p.pop().unwrap_or_default())
}

/// One galaxy's map files read as `bundle` reads them (the browser's code path, resampled to
/// the model's sides; PNG images calibrated by their magnitudes).
pub fn galaxy_from_files(bundle: &Bundle, files: &MapFiles) -> Result<GalaxyInputs> {
    let m = &bundle.manifest;
    let png = |band: &str, mag: Option<f64>, msun: f64| match (mag, files.rhsm_kpc) {
        (Some(mag), Some(rhsm)) => Ok(Some(PngCalibration::from_magnitude(mag, msun, rhsm))),
        (Some(_), None) => Err(BadInput(format!(
            "--{band}-mag needs --rhsm (the image covers 6 R_hsm)"
        ))),
        (None, _) => Ok(None),
    };
    let png_r = png("r", files.r_mag, MSUN_R)?;
    let png_g = png("g", files.g_mag, MSUN_G)?;
    let mut maps = Vec::new();
    for (name, path, light) in [
        ("r", &files.r, true),
        ("g", &files.g, true),
        ("vel", &files.vel, false),
    ] {
        if let Some(p) = path {
            let size = m
                .inputs
                .iter()
                .find(|i| reads_map(&i.name, name))
                .and_then(|i| i.shape.last().copied())
                .ok_or_else(|| {
                    BadInput(format!(
                        "--{name} {}: this model does not read `{name}` (it reads {})",
                        p.display(),
                        m.inputs
                            .iter()
                            .map(|i| i.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            let calibration = match name {
                "r" => png_r.as_ref(),
                "g" => png_g.as_ref(),
                _ => None,
            };
            maps.push((name.to_string(), read_file(p, light, size, calibration)?));
        }
    }
    if let Some(r) = files.rhsm_kpc
        && !(r.is_finite() && r > 0.0)
    {
        return Err(BadInput(format!(
            "--rhsm {r}: give the half-mass radius in kpc (> 0)"
        ))
        .into());
    }
    Ok(GalaxyInputs {
        maps,
        log_rhsm: files.rhsm_kpc.map(f64::log10),
        // The caller gave the radius the model's scale asks for (`predict`'s --rhsm or R_e).
        scale: m.training.scale,
    })
}
