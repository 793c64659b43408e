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
//! Every present field must have N rows; the rows of the galaxies asked for must be finite,
//! radii and masses ≥ 0. Errors name the file and the field ([`TngError`]).

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
/// an error naming the field.
pub fn read_group_catalog(path: &Path, ids: &[u64]) -> Result<Catalog, TngError> {
    let src = Source::open(path)?;
    let g = src
        .group(GROUP)?
        .ok_or_else(|| src.missing(&format!("{GROUP}/{POS} (no group {GROUP})")))?;
    let (pos, n) = src.table(&g, GROUP, POS, 3, None, false)?;
    let rad = same_rows(&src, &g, RAD, 6, n)?;
    let mass = same_rows(&src, &g, MASS, 1, n)?;
    let mass_type = same_rows(&src, &g, MASS_TYPE, 6, n)?;
    let mass_field = match (&mass, &mass_type) {
        (Some(_), _) => Some(MASS),
        (None, Some(_)) => Some(MASS_TYPE),
        (None, None) => None,
    };
    let mut rows = HashMap::new();
    for &id in ids {
        let i = usize::try_from(id).ok().filter(|&i| i < n).ok_or_else(|| {
            src.invalid(
                &format!("{GROUP}/{POS}"),
                format!(
                    "no row {id} for cutout_{id}: the catalogue has {n} subhaloes (row index = subhalo id)"
                ),
            )
        })?;
        let field = |name: &str| format!("{GROUP}/{name}");
        let pos_i: [f64; 3] = std::array::from_fn(|k| pos[3 * i + k]);
        for &x in &pos_i {
            finite(&src, &field(POS), x, id)?;
        }
        let rhsm = match &rad {
            Some(r) => Some(non_negative(
                &src,
                &format!("{GROUP}/{RAD}[:, {STARS}]"),
                r[6 * i + STARS],
                id,
            )?),
            None => None,
        };
        let m = match (&mass, &mass_type) {
            (Some(m), _) => Some(non_negative(&src, &field(MASS), m[i], id)?),
            (None, Some(t)) => {
                let mut sum = 0.0;
                for &x in &t[6 * i..6 * i + 6] {
                    sum += non_negative(&src, &field(MASS_TYPE), x, id)?;
                }
                Some(sum)
            }
            (None, None) => None,
        };
        let row = SubhaloRow {
            pos_ckpc_h: pos_i,
            rhsm_star_ckpc_h: rhsm,
            mass_1e10_h: m,
        };
        rows.insert(id, row);
    }
    Ok(Catalog {
        file: src.name.clone(),
        kind: CatalogKind::Group,
        cosmology: cosmology(&src)?,
        mass_field,
        has_rhsm: rad.is_some(),
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
