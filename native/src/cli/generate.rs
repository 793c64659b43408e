//! `galmass generate`: mock galaxies (galaxy-model.md 1–2) → TNG-layout cutouts
//! `cutout_<id>.hdf5`, `catalog.csv` (id, centre x,y,z in ckpc/h, then every hidden
//! generator parameter) and `generator.json` (seed, galaxies, physics variant and the full
//! generator options), followed by a population summary.
//!
//! Galaxies are made in parallel (rayon); each draws from its own random stream and the
//! results are collected in index order, so the files are identical for any thread count.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use clap::Args;
use galmass::BadInput;
use galmass::atomic::write_atomic;
use galmass::stats::{LineFit, fit_line, median};
use galmass::tng::{
    CatalogRow, TNG100_BOX, WriteOptions, box_position, cutout_file_name, write_catalog,
    write_cutout,
};
use galmass_core::measure::{MeasureOptions, measure};
use galmass_core::mock::{MockOptions, generate, selected_indices};
use galmass_core::units::MSUN_R;
use rayon::prelude::*;
use serde_json::Value;

use super::measure_opts::MeasureOptArgs;
use super::mock_args::MockArgs;
use super::progress;

/// Arguments of `galmass generate`.
#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Number of (selected) galaxies
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub galaxies: u64,
    /// Global random seed (galaxy i uses stream i of it)
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output directory (created if needed)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub mock: MockArgs,
    /// Measurement options (for the summary)
    #[command(flatten)]
    pub measure: MeasureOptArgs,
}

/// What is kept of one generated galaxy for the catalogue and the summary.
pub struct Generated {
    /// Mock index (the id in `cutout_<id>.hdf5`).
    pub index: u64,
    /// Centre in the box, ckpc/h.
    pub centre: [f64; 3],
    /// Hidden generator parameters, as JSON fields.
    pub params: serde_json::Map<String, Value>,
    /// Whether the galaxy is quenched.
    pub quenched: bool,
    /// log10 of the total stellar mass of the particles, M☉.
    pub log_mstar: f64,
    /// f_DM(<R_hsm) (linear).
    pub fdm: f64,
    /// Per projection: (log10 L_r,att of all stars [L☉,r], log10 M*(<R_hsm) [M☉]).
    pub light_mass: Vec<(f64, f64)>,
}

/// Population summary printed at the end of `generate`.
pub struct Summary {
    /// Number of galaxies.
    pub n: usize,
    /// Median log10 M* (M☉).
    pub median_log_mstar: f64,
    /// Fraction of quenched galaxies.
    pub quenched_fraction: f64,
    /// Median f_DM(<R_hsm).
    pub median_fdm: f64,
    /// Power-law fit log M*(<R_hsm) = a + b log L_r over all galaxy-projections.
    pub mass_light: Option<LineFit>,
}

/// Runs `galmass generate`.
pub fn run(args: &GenerateArgs) -> Result<()> {
    let opts = args.mock.options();
    std::fs::create_dir_all(&args.out).map_err(|e| {
        BadInput(format!(
            "{}: cannot create the output directory: {e}",
            args.out.display()
        ))
    })?;
    let mo = args.measure.options();
    let indices = selected_indices(args.seed, args.galaxies as usize, &opts);
    let pb = progress::bar(indices.len() as u64, "generate");
    let done: Vec<Generated> = indices
        .par_iter()
        .map(|&i| {
            let g = one(&args.out, args.seed, i, &opts, &mo);
            pb.inc(1);
            g
        })
        .collect::<Result<_>>()?;
    pb.finish_and_clear();
    let catalog = args.out.join("catalog.csv");
    let rows: Vec<CatalogRow> = done
        .iter()
        .map(|g| CatalogRow {
            id: g.index,
            centre: g.centre,
            params: &g.params,
        })
        .collect();
    write_catalog(&catalog, &rows)?;
    let meta = serde_json::json!({
        "seed": args.seed,
        "galaxies": done.len(),
        "physics": args.mock.physics_name(),
        "mock_options": opts,
    });
    write_atomic(
        &args.out.join("generator.json"),
        serde_json::to_string_pretty(&meta)?.as_bytes(),
    )?;
    let s = summarise(&done);
    println!(
        "wrote {} cutouts, {} and generator.json to {} (physics: {})",
        done.len(),
        catalog.display(),
        args.out.display(),
        args.mock.physics_name()
    );
    print_summary(&s);
    Ok(())
}

/// Generates, writes and measures mock galaxy `index`.
fn one(
    out: &Path,
    seed: u64,
    index: u64,
    opts: &MockOptions,
    mo: &MeasureOptions,
) -> Result<Generated> {
    let mg = generate(seed, index, opts)
        .ok_or_else(|| anyhow!("mock galaxy {index} of seed {seed} was not selected"))?;
    let centre = box_position(mg.index, TNG100_BOX);
    let wo = WriteOptions {
        centre_ckpc_h: centre,
        ..WriteOptions::default()
    };
    write_cutout(&out.join(cutout_file_name(mg.index)), &mg.galaxy, &wo)?;
    let m = measure(&mg.galaxy, mo).with_context(|| format!("measuring mock galaxy {index}"))?;
    let params = match serde_json::to_value(&mg.params)? {
        Value::Object(map) => map,
        other => return Err(anyhow!("generator parameters are not a record: {other}")),
    };
    let light_mass = m
        .projections
        .iter()
        .map(|p| ((MSUN_R - p.features.mr) / 2.5, p.targets.mstar))
        .collect();
    Ok(Generated {
        index: mg.index,
        centre,
        params,
        quenched: mg.params.quenched,
        log_mstar: mg.galaxy.stellar_mass().log10(),
        fdm: m
            .projections
            .first()
            .map_or(f64::NAN, |p| 10f64.powf(p.targets.fdm)),
        light_mass,
    })
}

/// Population summary of generated galaxies.
pub fn summarise(rows: &[Generated]) -> Summary {
    let n = rows.len();
    let log_mstar: Vec<f64> = rows.iter().map(|r| r.log_mstar).collect();
    let fdm: Vec<f64> = rows.iter().map(|r| r.fdm).collect();
    let q = rows.iter().filter(|r| r.quenched).count();
    let (x, y): (Vec<f64>, Vec<f64>) = rows
        .iter()
        .flat_map(|r| r.light_mass.iter().copied())
        .unzip();
    Summary {
        n,
        median_log_mstar: median(&log_mstar).unwrap_or(f64::NAN),
        quenched_fraction: if n > 0 { q as f64 / n as f64 } else { f64::NAN },
        median_fdm: median(&fdm).unwrap_or(f64::NAN),
        mass_light: fit_line(&x, &y),
    }
}

fn print_summary(s: &Summary) {
    println!("galaxies                      {}", s.n);
    println!("median log M*/Msun            {:.3}", s.median_log_mstar);
    println!("quenched fraction             {:.3}", s.quenched_fraction);
    println!("median f_DM(<R_hsm)           {:.3}", s.median_fdm);
    match s.mass_light {
        Some(f) => println!(
            "log M*(<R_hsm) vs log L_r     slope {:.3}, intercept {:.3}, scatter {:.3} dex",
            f.slope, f.intercept, f.scatter
        ),
        None => println!("log M*(<R_hsm) vs log L_r     (too few galaxies for a fit)"),
    }
}
