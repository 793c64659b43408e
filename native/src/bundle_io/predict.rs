//! `galmass predict --bundle FILE --data DS.h5`: a bundle's predictions for the samples of a
//! dataset file, one CSV row per galaxy-projection, with an uncertainty.
//!
//! The uncertainty of each prediction is the bundle's own test-split scatter σ of
//! log10(pred/true) for that target (from its manifest): an honest population-level 1σ
//! error in dex for galaxies like the training set, not a per-galaxy posterior.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use galmass_core::bundle::ensemble::{self, EnsembleValue};
use galmass_core::bundle::{Bundle, ModelKind};

use crate::BadInput;
use crate::atomic::write_via_temp;
use crate::dataset::reader::DatasetReader;

/// Predictions for the samples of one dataset file.
#[derive(Clone, Debug)]
pub struct Predictions {
    /// Target names, in the bundle's order.
    pub targets: Vec<String>,
    /// Per target: the test-split σ (dex) quoted as each prediction's uncertainty.
    pub sigma_dex: Vec<f64>,
    /// One row per predicted sample.
    pub rows: Vec<PredictionRow>,
    /// Samples skipped because a feature was not finite.
    pub skipped: usize,
}

/// One galaxy-projection's prediction.
#[derive(Clone, Debug)]
pub struct PredictionRow {
    /// Row in the dataset file.
    pub row: usize,
    /// Galaxy id (`/meta/galaxy_id`).
    pub galaxy_id: u64,
    /// Projection 0 = x, 1 = y, 2 = z.
    pub projection: u8,
    /// Split 0 = train, 1 = validation, 2 = test.
    pub split: u8,
    /// Predicted log10 per target.
    pub pred: Vec<f64>,
    /// True log10 per target, when the file has the target.
    pub truth: Vec<Option<f64>>,
}

/// Predicts with a GBDT bundle for every sample of `data` (only `split` when given).
pub fn predict_dataset(bundle: &Bundle, data: &Path, split: Option<u8>) -> Result<Predictions> {
    if bundle.manifest.kind != ModelKind::Gbdt {
        return Err(BadInput(format!(
            "{}: this bundle is a {} model; prediction from a dataset file needs a GBDT bundle",
            data.display(),
            bundle.manifest.kind.name()
        ))
        .into());
    }
    let models = bundle
        .gbdt_models()
        .map_err(|e| BadInput(format!("bundle: {e}")))?;
    let ds = DatasetReader::open(data)?;
    let names: Vec<&str> = bundle
        .manifest
        .features
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let mut columns = Vec::with_capacity(names.len());
    for f in &bundle.manifest.features {
        let col: Vec<f64> = ds.feature_column(&f.name).map_err(|_| {
            BadInput(format!(
                "{}: no dataset /features/{} (the bundle reads {})",
                data.display(),
                f.name,
                names.join(", ")
            ))
        })?;
        columns.push(
            col.into_iter()
                .map(|x| f.transform.apply(x))
                .collect::<Vec<f64>>(),
        );
    }
    let truths: Vec<Option<Vec<f64>>> = bundle
        .manifest
        .targets
        .iter()
        .map(|t| ds.column::<f64>(&format!("targets/{}", t.name)).ok())
        .collect();
    let ids: Vec<u64> = ds.column("meta/galaxy_id")?;
    let proj: Vec<u8> = ds.column("meta/projection")?;
    let splits: Vec<u8> = ds.column("meta/split")?;
    let nf = names.len();
    let mut x = Vec::new();
    let mut kept = Vec::new();
    let mut skipped = 0;
    for i in 0..ds.len() {
        if split.is_some_and(|s| splits[i] != s) {
            continue;
        }
        let row: Vec<f64> = columns.iter().map(|c| c[i]).collect();
        if row.iter().all(|v| v.is_finite()) {
            x.extend(row);
            kept.push(i);
        } else {
            skipped += 1;
        }
    }
    if kept.is_empty() {
        return Err(BadInput(format!(
            "{}: no sample to predict ({skipped} with non-finite features)",
            data.display()
        ))
        .into());
    }
    let mut preds = Vec::with_capacity(models.len());
    for m in &models {
        preds.push(m.predict(&x).context("GBDT prediction")?);
    }
    debug_assert_eq!(x.len(), kept.len() * nf);
    let rows = kept
        .iter()
        .enumerate()
        .map(|(k, &i)| PredictionRow {
            row: i,
            galaxy_id: ids[i],
            projection: proj[i],
            split: splits[i],
            pred: preds.iter().map(|p| p[k]).collect(),
            truth: truths.iter().map(|t| t.as_ref().map(|t| t[i])).collect(),
        })
        .collect();
    let sigma_dex = bundle
        .manifest
        .targets
        .iter()
        .map(|t| {
            bundle
                .manifest
                .metrics
                .iter()
                .find(|m| m.target == t.name)
                .map_or(f64::NAN, |m| m.sigma_dex)
        })
        .collect();
    Ok(Predictions {
        targets: bundle
            .manifest
            .targets
            .iter()
            .map(|t| t.name.clone())
            .collect(),
        sigma_dex,
        rows,
        skipped,
    })
}

/// Derived dark-matter fraction log10 f_DM = log10(1 − M*/Mtot) from predicted log10 M* and
/// log10 Mtot; `None` when M* ≥ Mtot (no dark matter left).
pub fn derived_log_fdm(log_mstar: f64, log_mtot: f64) -> Option<f64> {
    let f = 1.0 - 10f64.powf(log_mstar - log_mtot);
    (f > 0.0).then(|| f.log10())
}

/// Combines the members' predictions of the same samples into ensemble values per row
/// (`galmass_core::bundle::ensemble::combine`); the rows must be the same samples.
pub fn combine_rows(
    members: &[Predictions],
    test_sigma: &[f64],
) -> Result<Vec<Vec<EnsembleValue>>> {
    let Some(first) = members.first() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(first.rows.len());
    for (i, row) in first.rows.iter().enumerate() {
        let mut preds = Vec::with_capacity(members.len());
        for m in members {
            match m.rows.get(i) {
                Some(r) if r.row == row.row => preds.push(r.pred.clone()),
                _ => {
                    return Err(BadInput(format!(
                        "the ensemble's bundles predicted different samples (row {} of the file)",
                        row.row
                    ))
                    .into());
                }
            }
        }
        out.push(ensemble::combine(&preds, test_sigma));
    }
    Ok(out)
}

/// Writes the predictions as CSV (atomically): `row,galaxy_id,projection,split`, then per
/// target `<t>_pred` (log10, the ensemble mean), `<t>_sigma_dex` (the quoted 1σ), with an
/// ensemble of several bundles `<t>_spread_dex` (the members' standard deviation),
/// `<t>_true` (log10, empty if unknown), and `fdm_derived` (log10) when the bundle predicts
/// both mstar and mtot. `values` holds the ensemble values of `p.rows`, row by row.
pub fn write_csv(
    p: &Predictions,
    values: &[Vec<EnsembleValue>],
    members: usize,
    out: &Path,
) -> Result<()> {
    let i_ms = p.targets.iter().position(|t| t == "mstar");
    let i_mt = p.targets.iter().position(|t| t == "mtot");
    let both = i_ms.zip(i_mt);
    write_via_temp(out, |tmp| {
        let file = std::fs::File::create(tmp)
            .with_context(|| format!("{}: cannot create", tmp.display()))?;
        let mut w = std::io::BufWriter::new(file);
        let mut head = String::from("row,galaxy_id,projection,split");
        for t in &p.targets {
            head.push_str(&format!(",{t}_pred,{t}_sigma_dex"));
            if members > 1 {
                head.push_str(&format!(",{t}_spread_dex"));
            }
            head.push_str(&format!(",{t}_true"));
        }
        if both.is_some() {
            head.push_str(",fdm_derived");
        }
        writeln!(w, "{head}")?;
        for (r, v) in p.rows.iter().zip(values) {
            let mut line = format!("{},{},{},{}", r.row, r.galaxy_id, r.projection, r.split);
            for (k, e) in v.iter().enumerate() {
                let truth = r.truth[k].map(|v| format!("{v:.6}")).unwrap_or_default();
                line.push_str(&format!(",{:.6},{:.4}", e.mean, e.sigma));
                if members > 1 {
                    line.push_str(&format!(",{:.4}", e.spread));
                }
                line.push_str(&format!(",{truth}"));
            }
            if let Some((a, b)) = both {
                let f = derived_log_fdm(v[a].mean, v[b].mean);
                line.push_str(&format!(
                    ",{}",
                    f.map(|v| format!("{v:.6}")).unwrap_or_default()
                ));
            }
            writeln!(w, "{line}")?;
        }
        w.flush()?;
        Ok(())
    })
    .with_context(|| format!("{}: writing predictions", out.display()))
}
