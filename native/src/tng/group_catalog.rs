//! Reader of a TNG group catalogue (HDF5) for the galaxies of a build (galaxy-model.md 5.2).
//!
//! Layout (the row index is the subhalo id, the number in `cutout_<id>.hdf5`; a catalogue
//! split over several `fof_subhalo_tab_*.N.hdf5` chunks must first be joined into one file,
//! e.g. with illustris_python's `loadSubhalos`):
//!
//! | field | shape | units | |
//! |---|---|---|---|
//! | `Subhalo/SubhaloPos` | (N, 3) | ckpc/h | required: the centre |
//! | `Subhalo/SubhaloHalfmassRadType` | (N, 6) | ckpc/h | optional: column 4 (stars) for the R_hsm check |
//! | `Subhalo/SubhaloMass` | (N,) | 1e10 M☉/h | optional: the subhalo-mass cut |
//! | `Subhalo/SubhaloMassType` | (N, 6) | 1e10 M☉/h | optional: summed when `SubhaloMass` is absent |
//! | `Header.HubbleParam`, `Header.Time` (or `Redshift`) | scalars | | optional: else the cutout's |
//!
//! Every field used must have N rows (`SubhaloMassType` is not read when `SubhaloMass` is
//! there); the rows of the galaxies asked for must be finite, radii and masses ≥ 0. Errors
//! name the file and the field ([`TngError`]).

use std::collections::HashMap;
use std::path::Path;

use hdf5::Group;

use super::error::TngError;
use super::h5::Source;
use super::subhalo::{Catalog, CatalogCosmology, CatalogKind, SubhaloRow};

const GROUP: &str = "Subhalo";
const POS: &str = "SubhaloPos";
const RAD: &str = "SubhaloHalfmassRadType";
const MASS: &str = "SubhaloMass";
const MASS_TYPE: &str = "SubhaloMassType";

/// Column of the star particles (PartType4) in the `…Type` tables.
const STARS: usize = 4;

/// Reads the group catalogue at `path` and the rows of subhaloes `ids`: an id beyond the
/// catalogue's rows, a non-finite value or a negative radius or mass in one of those rows is
/// an error naming the field. One dataset is held in memory at a time (TNG100 at z = 0 has
/// 4.4 million subhaloes: ≈ 210 MB for an (N, 6) table read as f64).
pub fn read_group_catalog(path: &Path, ids: &[u64]) -> Result<Catalog, TngError> {
    let src = Source::open(path)?;
    let g = src
        .group(GROUP)?
        .ok_or_else(|| src.missing(&format!("{GROUP}/{POS} (no group {GROUP})")))?;
    let field = |name: &str| format!("{GROUP}/{name}");
    let (pos, n) = src.table(&g, GROUP, POS, 3, None, false)?;
    let mut wanted = Vec::with_capacity(ids.len());
    for &id in ids {
        let i = usize::try_from(id).ok().filter(|&i| i < n).ok_or_else(|| {
            let reason = format!(
                "no row {id} for cutout_{id}: the catalogue has {n} subhaloes (row index = subhalo id)"
            );
            src.invalid(&field(POS), reason)
        })?;
        let p: [f64; 3] = std::array::from_fn(|k| pos[3 * i + k]);
        for &x in &p {
            finite(&src, &field(POS), x, id)?;
        }
        wanted.push((id, i, p));
    }
    drop(pos);
    // Column 4 (stars) of SubhaloHalfmassRadType for each wanted row.
    let rad_field = format!("{GROUP}/{RAD}[:, {STARS}]");
    let rhsm = match same_rows(&src, &g, RAD, 6, n)? {
        Some(t) => Some(
            wanted
                .iter()
                .map(|&(id, i, _)| non_negative(&src, &rad_field, t[6 * i + STARS], id))
                .collect::<Result<Vec<f64>, TngError>>()?,
        ),
        None => None,
    };
    // SubhaloMass, else the sum of SubhaloMassType's six columns.
    let (mass_field, mass) = if let Some(t) = same_rows(&src, &g, MASS, 1, n)? {
        let m = wanted
            .iter()
            .map(|&(id, i, _)| non_negative(&src, &field(MASS), t[i], id))
            .collect::<Result<Vec<f64>, TngError>>()?;
        (Some(MASS), Some(m))
    } else if let Some(t) = same_rows(&src, &g, MASS_TYPE, 6, n)? {
        let mut m = Vec::with_capacity(wanted.len());
        for &(id, i, _) in &wanted {
            let mut sum = 0.0;
            for &x in &t[6 * i..6 * i + 6] {
                sum += non_negative(&src, &field(MASS_TYPE), x, id)?;
            }
            m.push(sum);
        }
        (Some(MASS_TYPE), Some(m))
    } else {
        (None, None)
    };
    let rows: HashMap<u64, SubhaloRow> = wanted
        .iter()
        .enumerate()
        .map(|(k, &(id, _, p))| {
            let row = SubhaloRow {
                pos_ckpc_h: p,
                rhsm_star_ckpc_h: rhsm.as_ref().map(|r| r[k]),
                mass_1e10_h: mass.as_ref().map(|m| m[k]),
            };
            (id, row)
        })
        .collect();
    Ok(Catalog {
        file: src.name.clone(),
        kind: CatalogKind::Group,
        cosmology: cosmology(&src)?,
        mass_field,
        has_rhsm: rhsm.is_some(),
        rows,
    })
}

/// Optional dataset `name` of the Subhalo group with `cols` columns and exactly `n` rows.
fn same_rows(
    src: &Source,
    g: &Group,
    name: &str,
    cols: usize,
    n: usize,
) -> Result<Option<Vec<f64>>, TngError> {
    if !src.has(g, name) {
        return Ok(None);
    }
    let (v, rows) = src.table(g, GROUP, name, cols, None, false)?;
    if rows != n {
        return Err(src.invalid(
            &format!("{GROUP}/{name}"),
            format!("{rows} rows, but {GROUP}/{POS} has {n}"),
        ));
    }
    Ok(Some(v))
}

fn finite(src: &Source, field: &str, x: f64, id: u64) -> Result<f64, TngError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(src.invalid(field, format!("non-finite value {x} in row {id}")))
    }
}

fn non_negative(src: &Source, field: &str, x: f64, id: u64) -> Result<f64, TngError> {
    let x = finite(src, field, x, id)?;
    if x < 0.0 {
        return Err(src.invalid(field, format!("negative value {x} in row {id}")));
    }
    Ok(x)
}

/// a and h from the catalogue's `Header`, each optional; present values must be positive and
/// finite scalars, a ≤ 1.
fn cosmology(src: &Source) -> Result<CatalogCosmology, TngError> {
    let Some(hdr) = src.group("Header")? else {
        return Ok(CatalogCosmology::default());
    };
    let scalar = |name: &str| -> Result<Option<f64>, TngError> {
        let field = format!("Header.{name}");
        match src.attr(&hdr, "Header", name)? {
            None => Ok(None),
            Some(v) if v.len() == 1 && v[0].is_finite() => Ok(Some(v[0])),
            Some(v) => Err(src.invalid(&field, format!("expected a finite scalar, found {v:?}"))),
        }
    };
    let hubble = scalar("HubbleParam")?;
    let time = match scalar("Time")? {
        Some(a) => Some(a),
        None => scalar("Redshift")?.map(|z| 1.0 / (1.0 + z)),
    };
    if let Some(h) = hubble
        && h <= 0.0
    {
        let reason = format!("must be positive, found {h}");
        return Err(src.invalid("Header.HubbleParam", reason));
    }
    if let Some(a) = time
        && !(a > 0.0 && a <= 1.0)
    {
        let reason = format!("scale factor must be in (0, 1], found {a}");
        return Err(src.invalid("Header.Time", reason));
    }
    Ok(CatalogCosmology { time, hubble })
}
