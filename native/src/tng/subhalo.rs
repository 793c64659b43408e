//! A subhalo catalogue as the TNG reader uses it: per galaxy id the centre (`SubhaloPos`) and,
//! from a TNG group catalogue, the stellar half-mass radius (`SubhaloHalfmassRadType[4]`) and
//! the subhalo's total mass (`SubhaloMass`, or the sum of `SubhaloMassType`), all kept in the
//! catalogue's file units and converted with the snapshot's a and h (galaxy-model.md 5.2).
//!
//! Two file kinds carry it: the CSV centre catalogue (`id,x,y,z`, [`super::catalog`]) and an
//! HDF5 file in the TNG group-catalogue layout ([`super::group_catalog`]);
//! [`super::open_catalog`] tells them apart by content.

use std::collections::HashMap;

use super::header::Header;

/// Which kind of file a [`Catalog`] came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatalogKind {
    /// CSV with columns id, x, y, z (ckpc/h): centres only.
    Csv,
    /// HDF5 in the TNG group-catalogue layout (`Subhalo/SubhaloPos`, …): row index = subhalo id.
    Group,
}

/// One subhalo of a catalogue, in the catalogue's file units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SubhaloRow {
    /// Centre (`SubhaloPos`, the potential minimum) in comoving ckpc/h.
    pub pos_ckpc_h: [f64; 3],
    /// 3-D stellar half-mass radius `SubhaloHalfmassRadType[4]` in comoving ckpc/h, when the
    /// catalogue has it.
    pub rhsm_star_ckpc_h: Option<f64>,
    /// Total subhalo mass in 1e10 M☉/h (`SubhaloMass`, else the sum of the six
    /// `SubhaloMassType` columns), when the catalogue has it.
    pub mass_1e10_h: Option<f64>,
}

/// Snapshot values stored in the catalogue's own `Header`, when it has one.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CatalogCosmology {
    /// Scale factor a (`Header.Time`, else 1/(1 + `Header.Redshift`)).
    pub time: Option<f64>,
    /// Hubble parameter h (`Header.HubbleParam`).
    pub hubble: Option<f64>,
}

/// A subhalo catalogue: rows by galaxy id plus what the file offers.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    /// The file's path as given (for messages).
    pub file: String,
    /// CSV or group catalogue.
    pub kind: CatalogKind,
    /// a and h from the catalogue's `Header` (group catalogues only).
    pub cosmology: CatalogCosmology,
    /// The field the subhalo mass comes from (`SubhaloMass` or `SubhaloMassType`), if any.
    pub mass_field: Option<&'static str>,
    /// Whether the rows carry `SubhaloHalfmassRadType[4]`.
    pub has_rhsm: bool,
    /// Rows by galaxy id (for a group catalogue only the ids asked for when it was read).
    pub rows: HashMap<u64, SubhaloRow>,
}

impl Catalog {
    /// A CSV centre catalogue (id → centre in ckpc/h), no radii or masses.
    pub fn from_centres(file: String, centres: HashMap<u64, [f64; 3]>) -> Self {
        let rows = centres
            .into_iter()
            .map(|(id, c)| {
                let row = SubhaloRow {
                    pos_ckpc_h: c,
                    rhsm_star_ckpc_h: None,
                    mass_1e10_h: None,
                };
                (id, row)
            })
            .collect();
        Self {
            file,
            kind: CatalogKind::Csv,
            cosmology: CatalogCosmology::default(),
            mass_field: None,
            has_rhsm: false,
            rows,
        }
    }

    /// The row of galaxy `id`, if the catalogue has one.
    pub fn get(&self, id: u64) -> Option<&SubhaloRow> {
        self.rows.get(&id)
    }

    /// Scale factor and Hubble parameter for converting this catalogue's values: its own
    /// `Header` where it has them, else the cutout's `header`.
    pub fn units(&self, header: &Header) -> (f64, f64) {
        (
            self.cosmology.time.unwrap_or(header.time),
            self.cosmology.hubble.unwrap_or(header.hubble),
        )
    }

    /// `SubhaloHalfmassRadType[4]` of `row` in physical kpc: R·a/h.
    pub fn rhsm_kpc(&self, row: &SubhaloRow, header: &Header) -> Option<f64> {
        let (a, h) = self.units(header);
        row.rhsm_star_ckpc_h.map(|r| r * a / h)
    }

    /// The subhalo mass of `row` in M☉: M·1e10/h.
    pub fn mass_msun(&self, row: &SubhaloRow, header: &Header) -> Option<f64> {
        let (_, h) = self.units(header);
        row.mass_1e10_h.map(|m| m * 1e10 / h)
    }

    /// Where the centres come from, in words (for the build summary).
    pub fn describe_centres(&self) -> String {
        match self.kind {
            CatalogKind::Csv => format!("x,y,z of the CSV catalogue {}", self.file),
            CatalogKind::Group => {
                format!("Subhalo/SubhaloPos of the group catalogue {}", self.file)
            }
        }
    }
}
