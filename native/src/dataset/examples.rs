//! Example galaxies for the web app's gallery ([`galmass_core::gallery`]): `n` test-split
//! samples of a dataset file spread evenly in log M* (the samples at the n quantiles), with
//! their maps (r, g, V, σ, mask) and truths.

use std::path::Path;

use anyhow::Result;
use galmass_core::gallery::{Example, Gallery};

use super::reader::DatasetReader;
use crate::BadInput;

/// The gallery of `n` test-split examples of `data`; `source` says how it was made.
pub fn gallery(data: &Path, n: usize, source: String) -> Result<Gallery> {
    let ds = DatasetReader::open(data)?;
    let split: Vec<u8> = ds.column("meta/split")?;
    let mstar: Vec<f64> = ds.column("targets/mstar")?;
    let mut test: Vec<usize> = (0..ds.len())
        .filter(|&i| split[i] == 2 && mstar[i].is_finite())
        .collect();
    if test.len() < n || n == 0 {
        return Err(BadInput(format!(
            "{}: {} test samples, asked for {n} examples",
            data.display(),
            test.len()
        ))
        .into());
    }
    test.sort_by(|&a, &b| mstar[a].total_cmp(&mstar[b]));
    let mut examples = Vec::with_capacity(n);
    for k in 0..n {
        // The sample at quantile (k + ½)/n of log M*.
        let i = test[((k as f64 + 0.5) / n as f64 * test.len() as f64) as usize];
        let s = ds.sample(i)?;
        let kk = s.vel_mask.len();
        let mut vel = s.vel.clone();
        vel.extend(s.vel_mask.iter().map(|&m| f32::from(m)));
        let target = |name: &str| {
            super::TARGET_NAMES
                .iter()
                .position(|t| *t == name)
                .map_or(f64::NAN, |p| s.targets[p])
        };
        examples.push(Example {
            row: i,
            galaxy_id: s.galaxy_id,
            projection: s.projection,
            rhsm_kpc: s.rhsm_kpc,
            mstar: target("mstar"),
            mtot: target("mtot"),
            fdm: 10f64.powf(target("fdm")),
            r_side: (s.r.len() as f64).sqrt() as usize,
            r: s.r,
            g: Some(s.g),
            vel_side: (kk as f64).sqrt() as usize,
            vel,
        });
    }
    Ok(Gallery { source, examples })
}
