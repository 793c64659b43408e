//! Flags for reading a TNG cutout: centre catalogue, header overrides, particle types.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, ValueEnum};
use galmass::BadInput;
use galmass::tng::{
    CentreSource, HeaderOverrides, ReadOptions, TngDust, catalog_centre, cutout_id,
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
    /// Centre catalogue: CSV with columns id,x,y,z (ckpc/h, TNG SubhaloPos); the row is the
    /// number in the file name cutout_<id>.hdf5. Without it the centre is found from the
    /// stars by shrinking spheres.
    #[arg(long, value_name = "CSV")]
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
    /// Reader options for the cutout `file`: looks its centre up in the catalogue if given.
    pub fn read_options(&self, file: &Path) -> Result<ReadOptions> {
        let centre = match &self.catalog {
            None => CentreSource::ShrinkingSphere,
            Some(cat) => {
                let id = cutout_id(file).ok_or_else(|| {
                    BadInput(format!(
                        "{}: cannot tell the galaxy id for --catalog (expected a name cutout_<id>.hdf5)",
                        file.display()
                    ))
                })?;
                CentreSource::Catalog(catalog_centre(cat, id)?)
            }
        };
        Ok(ReadOptions {
            centre,
            header: HeaderOverrides {
                time: self.time,
                hubble: self.hubble,
                mass_dm: self.mass_dm,
                box_size: self.box_size,
            },
            gas: !self.no_gas,
            black_holes: !self.no_bh,
            dust: self.tng_dust.into(),
        })
    }
}
