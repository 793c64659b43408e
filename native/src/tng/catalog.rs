//! Centre catalogues: CSV files with one row per galaxy; and [`open_catalog`], which reads
//! either such a CSV or a TNG group catalogue in HDF5 ([`super::group_catalog`]), telling them
//! apart by the file's content (the HDF5 signature), else its extension.
//!
//! CSV columns (header row required, other columns ignored, order free):
//! `id` (unsigned integer, the number in `cutout_<id>.hdf5`), `x`, `y`, `z` (the galaxy centre
//! in the cutout's comoving coordinates, ckpc/h — TNG's `SubhaloPos`). The `catalog.csv`
//! written by `galmass generate` ([`write_catalog`]) has this form, with the generator's
//! parameters as further columns.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

use super::error::TngError;
use super::group_catalog::read_group_catalog;
use super::subhalo::Catalog;

/// One galaxy of a catalogue to write: its id, its centre (ckpc/h) and further columns.
pub struct CatalogRow<'a> {
    /// The number in `cutout_<id>.hdf5`.
    pub id: u64,
    /// Centre in the box, ckpc/h.
    pub centre: [f64; 3],
    /// Further columns by name (the mock generator's hidden parameters); a string is written
    /// as it is, any other value as JSON.
    pub params: &'a serde_json::Map<String, Value>,
}

/// Writes `catalog.csv`: id, x, y, z (ckpc/h), then the further columns in the order of the
/// first row's keys (a row without one leaves it empty). Written under a temporary name and
/// renamed when complete ([`crate::atomic`]).
pub fn write_catalog(path: &Path, rows: &[CatalogRow]) -> Result<()> {
    crate::atomic::write_via_temp(path, |tmp| {
        let mut w = csv::Writer::from_path(tmp)
            .with_context(|| format!("{}: cannot create", tmp.display()))?;
        let keys: Vec<&String> = rows
            .first()
            .map(|r| r.params.keys().collect())
            .unwrap_or_default();
        let mut header = vec!["id".to_string(), "x".into(), "y".into(), "z".into()];
        header.extend(keys.iter().map(|k| k.to_string()));
        w.write_record(&header)?;
        for r in rows {
            let mut rec = vec![r.id.to_string()];
            rec.extend(r.centre.iter().map(|c| c.to_string()));
            for k in &keys {
                rec.push(match r.params.get(*k) {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                });
            }
            w.write_record(&rec)?;
        }
        w.flush()?;
        Ok(())
    })
}

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

/// Centre (ckpc/h) of galaxy `id` from the catalogue at `path` (CSV or group catalogue).
pub fn catalog_centre(path: &Path, id: u64) -> Result<[f64; 3], TngError> {
    let cat = open_catalog(path, &[id])?;
    cat.get(id)
        .map(|r| r.pos_ckpc_h)
        .ok_or_else(|| TngError::Catalog {
            file: path.display().to_string(),
            reason: format!("no row with id {id}"),
        })
}

/// The 8-byte signature that starts an HDF5 file (at byte 0, or at 512, 1024, 2048, … after
/// a user block).
const HDF5_SIGNATURE: [u8; 8] = *b"\x89HDF\r\n\x1a\n";

/// Whether `path` is to be read as HDF5: its signature at byte 0, 512, 1024 or 2048, or else
/// an extension `.hdf5`, `.h5` or `.he5` (so a damaged HDF5 file is reported by the HDF5
/// reader, not as a malformed CSV).
pub fn is_hdf5(path: &Path) -> bool {
    let by_ext = || {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "hdf5" | "h5" | "he5"))
    };
    let Ok(mut f) = std::fs::File::open(path) else {
        return by_ext();
    };
    for offset in [0u64, 512, 1024, 2048] {
        let mut buf = [0u8; 8];
        if f.seek(SeekFrom::Start(offset)).is_err() || f.read_exact(&mut buf).is_err() {
            break;
        }
        if buf == HDF5_SIGNATURE {
            return true;
        }
    }
    by_ext()
}

/// Reads the catalogue at `path` for the galaxies `ids`: a TNG group catalogue when the file
/// is HDF5 ([`is_hdf5`]; every id must be a row of it), else a CSV centre catalogue (ids
/// without a row are left out, and a build skips them).
pub fn open_catalog(path: &Path, ids: &[u64]) -> Result<Catalog, TngError> {
    if is_hdf5(path) {
        read_group_catalog(path, ids)
    } else {
        let centres = read_catalog(path)?;
        Ok(Catalog::from_centres(path.display().to_string(), centres))
    }
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
