//! Flags for reading a TNG cutout: centre catalogue, header overrides, particle types.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, ValueEnum};
use galmass::BadInput;
use galmass::tng::{
    Catalog, CentreSource, HeaderOverrides, ReadOptions, SubhaloRow, TngDust, TngError, cutout_id,
    open_catalog,
};

/// Dust of cutouts that carry no dust model of their own (real TNG cutouts).
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum TngDustArg {
    /// The cold-gas column in front of each star, 0.25 R_hsm cells, f_d = 0.4
    /// (docs/galaxy-model.md 5.4; default)
    #[default]
    GasColumn,
    /// No dust: the catalogue's dust-free photometry
    None,
}

impl From<TngDustArg> for TngDust {
    fn from(a: TngDustArg) -> Self {
        match a {
            TngDustArg::GasColumn => TngDust::GasColumn,
            TngDustArg::None => TngDust::None,
        }
    }
}

/// How to read a cutout.
#[derive(Args, Clone, Debug, Default)]
pub struct CutoutArgs {
    /// Subhalo catalogue: a CSV with columns id,x,y,z (ckpc/h, TNG SubhaloPos), or a TNG group
    /// catalogue in HDF5 (told apart by content; Subhalo/SubhaloPos (N,3) ckpc/h, optional
    /// Subhalo/SubhaloHalfmassRadType (N,6) for the R_hsm check, Subhalo/SubhaloMass or
    /// SubhaloMassType in 1e10 Msun/h for the mass cut, Header HubbleParam/Time; row index =
    /// subhalo id). The id is the number in the file name cutout_<id>.hdf5. The centre is
    /// SubhaloPos; without a catalogue it is found from the stars by shrinking spheres
    #[arg(long, value_name = "CSV|HDF5")]
    pub catalog: Option<PathBuf>,
    /// Scale factor a, replacing Header.Time
    #[arg(long, value_name = "A")]
    pub time: Option<f64>,
    /// Hubble parameter h, replacing Header.HubbleParam
    #[arg(long, value_name = "H")]
    pub hubble: Option<f64>,
    /// DM particle mass in 1e10 Msun/h, replacing Header.MassTable[1]
    #[arg(long, value_name = "M")]
    pub mass_dm: Option<f64>,
    /// Box side in ckpc/h, replacing Header.BoxSize
    #[arg(long, value_name = "L")]
    pub box_size: Option<f64>,
    /// Ignore gas cells (PartType0) and wind cells
    #[arg(long)]
    pub no_gas: bool,
    /// Ignore black holes (PartType5)
    #[arg(long)]
    pub no_bh: bool,
    /// Dust of cutouts without their own dust model (real TNG cutouts; a written mock keeps
    /// the dust it was made with)
    #[arg(long, value_enum, default_value_t = TngDustArg::GasColumn)]
    pub tng_dust: TngDustArg,
}

impl CutoutArgs {
    /// The catalogue row of the cutout `file` (its id from the name `cutout_<id>.hdf5`), when
    /// `--catalog` is given; a missing row is bad input.
    pub fn catalog_row(&self, file: &Path) -> Result<Option<(Catalog, SubhaloRow)>> {
        let Some(cat) = &self.catalog else {
            return Ok(None);
        };
        let id = cutout_id(file).ok_or_else(|| {
            BadInput(format!(
                "{}: cannot tell the galaxy id for --catalog (expected a name cutout_<id>.hdf5)",
                file.display()
            ))
        })?;
        let catalog = open_catalog(cat, &[id])?;
        let row = catalog.get(id).copied().ok_or_else(|| TngError::Catalog {
            file: cat.display().to_string(),
            reason: format!("no row with id {id}"),
        })?;
        Ok(Some((catalog, row)))
    }

    /// Reader options: the centre from `row` (the catalogue's SubhaloPos) if given, else
    /// shrinking spheres; header overrides and particle types from the flags.
    pub fn read_options(&self, row: Option<&SubhaloRow>) -> ReadOptions {
        ReadOptions {
            centre: row.map_or(CentreSource::ShrinkingSphere, |r| {
                CentreSource::Catalog(r.pos_ckpc_h)
            }),
            header: HeaderOverrides {
                time: self.time,
                hubble: self.hubble,
                mass_dm: self.mass_dm,
                box_size: self.box_size,
            },
            gas: !self.no_gas,
            black_holes: !self.no_bh,
            dust: self.tng_dust.into(),
        }
    }
}
