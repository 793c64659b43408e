//! `galmass probe`: the physical-response probes of a CNN bundle or ensemble on a gallery.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use galmass::BadInput;
use galmass::bundle_io::probe::responses;
use galmass::bundle_io::{read_ensemble, read_gallery};
use galmass_core::bundle::probe::Probe;

/// Arguments of `galmass probe`.
#[derive(Args, Debug)]
pub struct ProbeArgs {
    /// CNN bundle(s); several form an ensemble (their mean prediction is probed)
    #[arg(long, value_name = "FILE", required = true)]
    pub bundle: Vec<PathBuf>,
    /// Gallery file of the galaxies probed (`galmass dataset examples`)
    #[arg(long, value_name = "JSON", default_value = "www/examples/gallery.json")]
    pub examples: PathBuf,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

/// Runs the probes and prints the median response of each target.
pub fn run(a: &ProbeArgs) -> Result<()> {
    let ens = read_ensemble(&a.bundle)?;
    let gallery = read_gallery(&a.examples)?;
    let galaxies = gallery
        .examples
        .iter()
        .map(|e| e.inputs())
        .collect::<Option<Vec<_>>>()
        .filter(|g| !g.is_empty())
        .ok_or_else(|| BadInput(format!("{}: no usable example", a.examples.display())))?;
    let rs = responses(&ens, &galaxies, &Probe::STANDARD)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&rs)?);
        return Ok(());
    }
    println!(
        "physical-response probes, {} bundle(s), {} galaxies of {}: Δ log10 (changed/original) [dex]",
        ens.len(),
        galaxies.len(),
        a.examples.display()
    );
    println!(
        "{:<12} {:<8} {:>8} {:>8} {:>8}   physics expects",
        "probe", "target", "median", "min", "max"
    );
    for p in Probe::STANDARD {
        let (m_star, m_tot) = p.expected();
        for r in rs.iter().filter(|r| r.probe == p.label()) {
            let expect = match r.target.as_str() {
                "mstar" => m_star.as_str(),
                "mtot" => m_tot.as_str(),
                _ => "",
            };
            println!(
                "{:<12} {:<8} {:>+8.3} {:>+8.3} {:>+8.3}   {expect}",
                r.probe, r.target, r.median_dex, r.min_dex, r.max_dex
            );
        }
    }
    Ok(())
}
