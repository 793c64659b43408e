//! The build pipeline: galaxies are made (mock) or read (TNG cutouts), measured and observed
//! in parallel (rayon) batch by batch in a fixed order, and each batch is appended to the
//! file as soon as it is done. A galaxy that fails is skipped and its reason counted; TNG
//! cutouts first pass the paper's cuts and the R_hsm check ([`crate::tng::select`]).
//!
//! Memory is bounded by one batch of samples plus the galaxies in flight (one per thread),
//! whatever the number of galaxies. The order and content of the file depend only on the
//! list of galaxies, never on the number of threads.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::tng::{Catalog, CentreSource, ReadOptions, Selection, TngError, read_cutout};
use anyhow::Result;
use galmass_core::galaxy::Galaxy;
use galmass_core::mock::{MockOptions, generate};
use rayon::prelude::*;

use super::sample::{Sample, SampleOptions, samples_of};
use super::writer::DatasetWriter;

/// Where the galaxies come from, in build order.
pub enum GalaxySource {
    /// Mock galaxies of `seed` with draw indices `indices`.
    Mock {
        /// Global seed of the mock sample.
        seed: u64,
        /// Generator options.
        options: MockOptions,
        /// Mock indices (ids) to build, in order.
        indices: Vec<u64>,
    },
    /// TNG-layout cutout files.
    Tng {
        /// (galaxy id, file) in build order.
        files: Vec<(u64, PathBuf)>,
        /// Reader options (the centre is replaced per file when a catalogue is given).
        read: ReadOptions,
        /// The subhalo catalogue (centres; a group catalogue's R_hsm and M_sub), if one was
        /// given. Without it each centre is found by shrinking spheres.
        catalog: Option<Box<Catalog>>,
        /// The paper's cuts and the R_hsm check ([`crate::tng::select`]); a galaxy that fails
        /// is skipped with the reason.
        select: Selection,
    },
}

impl GalaxySource {
    /// Number of galaxies to build.
    pub fn len(&self) -> usize {
        match self {
            GalaxySource::Mock { indices, .. } => indices.len(),
            GalaxySource::Tng { files, .. } => files.len(),
        }
    }

    /// Whether there is no galaxy to build.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Galaxy number `k` of the list: its id and particles, or why it is skipped.
    fn load(&self, k: usize) -> (u64, Result<Galaxy, String>) {
        match self {
            GalaxySource::Mock {
                seed,
                options,
                indices,
            } => {
                let id = indices[k];
                let g = generate(*seed, id, options)
                    .map(|m| m.galaxy)
                    .ok_or_else(|| format!("not selected: mock index {id} of seed {seed}"));
                (id, g)
            }
            GalaxySource::Tng {
                files,
                read,
                catalog,
                select,
            } => {
                let (id, path) = &files[k];
                (
                    *id,
                    load_cutout(*id, path, read, catalog.as_deref(), select),
                )
            }
        }
    }
}

/// Reads the cutout of galaxy `id` (centred on the catalogue's position when there is a
/// catalogue) and applies the selection; the error is the reason it is skipped.
fn load_cutout(
    id: u64,
    path: &std::path::Path,
    read: &ReadOptions,
    catalog: Option<&Catalog>,
    select: &Selection,
) -> Result<Galaxy, String> {
    let mut ro = *read;
    let row = match catalog {
        Some(cat) => match cat.get(id) {
            Some(row) => {
                ro.centre = CentreSource::Catalog(row.pos_ckpc_h);
                Some((cat, row))
            }
            None => return Err(format!("not in the catalogue: {}", path.display())),
        },
        None => None,
    };
    let cut = read_cutout(path, &ro).map_err(|e| match e {
        TngError::NoStars { .. } => format!("no star particles: {e}"),
        e => format!("unreadable cutout: {e}"),
    })?;
    select.check(&cut, row).map_err(|r| r.to_string())?;
    Ok(cut.galaxy)
}

/// Galaxies skipped for one reason.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Skipped {
    /// How many.
    pub count: usize,
    /// The first one's galaxy id and full message.
    pub example: String,
}

/// What a build did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuildReport {
    /// Galaxies attempted.
    pub galaxies: usize,
    /// Galaxies written (3 samples each).
    pub written: usize,
    /// Samples per split (train, validation, test).
    pub per_split: [usize; 3],
    /// Skipped galaxies by reason (the message up to its first `:`).
    pub skipped: BTreeMap<String, Skipped>,
}

/// Builds every galaxy of `source` into `writer`, `batch` galaxies at a time (each batch
/// appended while the next is made);
/// `progress(k)` is called (from worker threads) as each galaxy finishes.
pub fn build(
    source: &GalaxySource,
    opts: &SampleOptions,
    writer: &mut DatasetWriter,
    batch: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<BuildReport> {
    let mut report = BuildReport {
        galaxies: source.len(),
        ..BuildReport::default()
    };
    let batch = batch.max(1);
    let mut start = 0;
    // Batch k is appended (compressed, written) while batch k + 1 is being made.
    let mut pending: Vec<Sample> = Vec::new();
    while start < source.len() {
        let end = (start + batch).min(source.len());
        let to_write = std::mem::take(&mut pending);
        let (done, wrote) = rayon::join(
            || -> Vec<(u64, Result<Vec<Sample>, String>)> {
                (start..end)
                    .into_par_iter()
                    .map(|k| {
                        let (id, g) = source.load(k);
                        let r = g.and_then(|g| samples_of(&g, id, opts));
                        progress(1);
                        (id, r)
                    })
                    .collect()
            },
            || writer.append(&to_write),
        );
        wrote?;
        for (id, r) in done {
            match r {
                Ok(s) => {
                    report.written += 1;
                    for x in &s {
                        report.per_split[x.split as usize] += 1;
                    }
                    pending.extend(s);
                }
                Err(msg) => {
                    let key = msg.split(':').next().unwrap_or(&msg).trim().to_string();
                    let e = report.skipped.entry(key).or_default();
                    if e.count == 0 {
                        e.example = format!("galaxy {id}: {msg}");
                    }
                    e.count += 1;
                }
            }
        }
        start = end;
    }
    writer.append(&pending)?;
    Ok(report)
}
