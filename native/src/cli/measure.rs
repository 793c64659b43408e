//! `galmass measure`: one cutout (mock or real TNG) → R_hsm and every target and feature of
//! each projection (galaxy-model.md 3), as a table or JSON.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::tng::{Selection, read_cutout};
use galmass_core::measure::{Measurement, measure};
use serde_json::{Value, json};

use super::cutout_args::CutoutArgs;
use super::measure_opts::MeasureOptArgs;

/// Arguments of `galmass measure`.
#[derive(Args, Debug)]
pub struct MeasureArgs {
    /// The cutout (TNG layout HDF5)
    pub file: PathBuf,
    /// Print JSON: {"file", "rhsm_kpc", "projections": [{"axis", "targets", "features"}, …]}
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub cutout: CutoutArgs,
    #[command(flatten)]
    pub measure: MeasureOptArgs,
}

/// Runs `galmass measure`.
pub fn run(args: &MeasureArgs) -> Result<()> {
    let cat = args.cutout.catalog_row(&args.file)?;
    let ro = args.cutout.read_options(cat.as_ref().map(|(_, row)| row));
    let cutout = read_cutout(&args.file, &ro)?;
    // The paper's cuts and the R_hsm check only warn here; `dataset build` applies them.
    let catalog = cat.as_ref().map(|(c, row)| (c, row));
    if let Err(why) = Selection::default().check(&cutout, catalog) {
        eprintln!(
            "warning: {}: {why} (dataset build --source tng would skip it)",
            args.file.display()
        );
    }
    let m = measure(&cutout.galaxy, &args.measure.options())
        .map_err(|e| BadInput(format!("{}: cannot be measured: {e}", args.file.display())))?;
    let doc = to_json(
        &args.file.display().to_string(),
        &m,
        cutout.centre_ckpc_h,
        cutout.v_sys_kms,
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print_table(&doc);
    }
    Ok(())
}

/// The JSON document of one measurement (the `measure --json` contract), plus the centre
/// used (ckpc/h) and the systemic velocity removed (km/s).
pub fn to_json(file: &str, m: &Measurement, centre: [f64; 3], v_sys: [f64; 3]) -> Result<Value> {
    let mut projections = Vec::new();
    for p in &m.projections {
        projections.push(json!({
            "axis": p.axis.name(),
            "targets": serde_json::to_value(p.targets)?,
            "features": serde_json::to_value(p.features)?,
        }));
    }
    Ok(json!({
        "file": file,
        "rhsm_kpc": m.rhsm_kpc,
        "centre_ckpc_h": centre,
        "v_sys_kms": v_sys,
        "projections": projections,
    }))
}

/// Prints the document as a table: one row per target/feature, one column per projection.
fn print_table(doc: &Value) {
    println!("{}", doc["file"].as_str().unwrap_or(""));
    println!(
        "R_hsm = {:.4} kpc",
        doc["rhsm_kpc"].as_f64().unwrap_or(f64::NAN)
    );
    let Some(projs) = doc["projections"].as_array() else {
        return;
    };
    for section in ["targets", "features"] {
        let mut header = format!("{section:<12}");
        for p in projs {
            header.push_str(&format!("{:>12}", p["axis"].as_str().unwrap_or("?")));
        }
        println!("\n{header}");
        let Some(names) = projs.first().and_then(|p| p[section].as_object()) else {
            continue;
        };
        for name in names.keys() {
            let mut row = format!("{name:<12}");
            for p in projs {
                let v = p[section][name].as_f64().unwrap_or(f64::NAN);
                row.push_str(&format!("{v:>12.4}"));
            }
            println!("{row}");
        }
    }
}
