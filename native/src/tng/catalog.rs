//! Centre catalogues: CSV files with one row per galaxy.
//!
//! Columns (header row required, other columns ignored, order free):
//! `id` (unsigned integer, the number in `cutout_<id>.hdf5`), `x`, `y`, `z` (the galaxy centre
//! in the cutout's comoving coordinates, ckpc/h — TNG's `SubhaloPos`). The `catalog.csv`
//! written by `galmass generate` has this form.

use std::collections::HashMap;
use std::path::Path;

use super::error::TngError;

/// Galaxy id → centre (ckpc/h) from a catalogue file.
pub fn read_catalog(path: &Path) -> Result<HashMap<u64, [f64; 3]>, TngError> {
    let file = path.display().to_string();
    let err = |reason: String| TngError::Catalog {
        file: file.clone(),
        reason,
    };
    let mut rdr = csv::Reader::from_path(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let headers = rdr
        .headers()
        .map_err(|e| err(format!("cannot read the header: {e}")))?;
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| err(format!("no column `{name}` (need id,x,y,z)")))
    };
    let cols = [col("id")?, col("x")?, col("y")?, col("z")?];
    let mut out = HashMap::new();
    for (row, rec) in rdr.records().enumerate() {
        let line = row + 2;
        let rec = rec.map_err(|e| err(format!("line {line}: {e}")))?;
        let field = |k: usize| rec.get(cols[k]).unwrap_or("").trim().to_string();
        let id: u64 = field(0).parse().map_err(|_| {
            err(format!(
                "line {line}: id `{}` is not an unsigned integer",
                field(0)
            ))
        })?;
        let mut c = [0.0; 3];
        for (k, name) in ["x", "y", "z"].iter().enumerate() {
            let s = field(k + 1);
            c[k] = s
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    err(format!(
                        "line {line}: {name} = `{s}` is not a finite number"
                    ))
                })?;
        }
        out.insert(id, c);
    }
    Ok(out)
}

/// Centre (ckpc/h) of galaxy `id` from the catalogue at `path`.
pub fn catalog_centre(path: &Path, id: u64) -> Result<[f64; 3], TngError> {
    read_catalog(path)?
        .get(&id)
        .copied()
        .ok_or_else(|| TngError::Catalog {
            file: path.display().to_string(),
            reason: format!("no row with id {id}"),
        })
}

/// The galaxy id in a cutout file name `cutout_<id>.hdf5` (also `.h5`), if it has that form.
pub fn cutout_id(path: &Path) -> Option<u64> {
    let stem = path.file_stem()?.to_str()?;
    stem.strip_prefix("cutout_")?.parse().ok()
}

/// File name of the cutout of galaxy `id`: `cutout_<id>.hdf5`.
pub fn cutout_file_name(id: u64) -> String {
    format!("cutout_{id}.hdf5")
}
