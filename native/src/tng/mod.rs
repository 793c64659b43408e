//! TNG snapshot cutouts (galaxy-model.md Section 5): the reader that turns a cutout (real
//! TNG100 or a written mock) into a centred [`galmass_core::galaxy::Galaxy`], the writer of
//! the same layout, centre catalogues and the centring step.

mod catalog;
mod centre;
mod error;
pub mod extras;
mod h5;
mod header;
mod read;
mod write;

pub use catalog::{
    CatalogRow, catalog_centre, cutout_file_name, cutout_id, read_catalog, write_catalog,
};
pub use centre::{CentreSource, stellar_centre, wrap};
pub use error::{TngError, WriteError};
pub use header::{Header, HeaderOverrides};
pub use read::{Cutout, ReadOptions, TngDust, read_cutout};
pub use write::{TNG100_BOX, WriteOptions, box_position, write_cutout};
