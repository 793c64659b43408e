//! TNG snapshot cutouts (galaxy-model.md Section 5): the reader that turns a cutout (real
//! TNG100 or a written mock) into a centred [`galmass_core::galaxy::Galaxy`], the writer of
//! the same layout, subhalo catalogues (CSV centres or a TNG group catalogue), centring, and
//! the paper's sample cuts with the R_hsm check against the catalogue ([`select`]).

mod catalog;
mod centre;
mod error;
pub mod extras;
mod group_catalog;
mod h5;
mod header;
mod read;
pub mod select;
mod subhalo;
mod write;

pub use catalog::{
    CatalogRow, catalog_centre, cutout_file_name, cutout_id, is_hdf5, open_catalog, read_catalog,
    write_catalog,
};
pub use centre::{CentreSource, stellar_centre, wrap};
pub use error::{TngError, WriteError};
pub use group_catalog::read_group_catalog;
pub use header::{Header, HeaderOverrides};
pub use read::{Cutout, ReadOptions, TngDust, read_cutout};
pub use select::{Cuts, Rejection, Selection};
pub use subhalo::{Catalog, CatalogCosmology, CatalogKind, SubhaloRow};
pub use write::{TNG100_BOX, WriteOptions, box_position, write_cutout};
