//! How the maps are stored in the dataset file, and the one way to read a sample's map back
//! as physical f32 values whatever the storage.
//!
//! Two storages (docs/contracts/dataset.md "Dataset file"):
//! - **f16** (default of `dataset build`): IEEE half floats, chunked one sample per chunk,
//!   HDF5's built-in shuffle + deflate filters (every HDF5 reader has them, h5py without
//!   plugins). Light maps hold surface brightness / [`LIGHT_SCALE_F16`], the scale recorded
//!   in the dataset attribute `scale_factor` (the netCDF-CF convention: physical = stored ×
//!   scale_factor), because a surface brightness in L☉/kpc² overflows f16 (largest 65504).
//!   Kinematic maps hold km/s as they are.
//! - **f32**: uncompressed f32, no `scale_factor` (schema 1's layout).
//!
//! Every map dataset also carries a `units` attribute.

use anyhow::{Context, Result};
use clap::ValueEnum;
use half::f16;
use half::slice::HalfFloatSliceExt;
use hdf5::filters::Filter;
use hdf5::types::{FloatSize, TypeDescriptor};
use hdf5::{Dataset, File};
use ndarray::s;

/// Element type of the map datasets of a file being written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum MapDtype {
    /// Half floats, shuffle + deflate (≈ 0.28 of the f32 size for 300² light maps)
    #[default]
    F16,
    /// Single floats, uncompressed (the layout of schema 1)
    F32,
}

impl MapDtype {
    /// `"f16"` or `"f32"`.
    pub fn name(self) -> &'static str {
        match self {
            MapDtype::F16 => "f16",
            MapDtype::F32 => "f32",
        }
    }
}

/// L☉/kpc² per stored unit of an f16 light map (= 10 L☉/pc²). The brightest pixel of 600
/// mock samples at 300² (3.5·10¹⁰ L☉/kpc²) stays 18× below the largest storable value
/// (65504 × 10⁷ = 6.55·10¹¹ L☉/kpc²); pixels above 610 L☉/kpc² (f16's smallest normal
/// number × scale) keep f16's relative rounding ≤ 2⁻¹¹ = 4.9·10⁻⁴, fainter ones an
/// absolute step of 0.6 L☉/kpc².
pub const LIGHT_SCALE_F16: f64 = 1e7;

/// Deflate level of the f16 maps (1–9). Level 4 stores 300² light maps in 0.55 of their f16
/// size (level 1: 0.57, level 6: 0.54) at ≈ 85 % of level 1's speed.
pub const DEFLATE_LEVEL: u8 = 4;

/// The `units` attribute of each map dataset.
pub fn map_units(name: &str) -> &'static str {
    match name {
        "r" | "g" => "Lsun kpc-2",
        "vel" => "km s-1",
        _ => "1",
    }
}

/// The scale factor a map of this storage is stored with (physical = stored × scale).
pub fn scale_for(dtype: MapDtype, name: &str) -> f64 {
    match (dtype, name) {
        (MapDtype::F16, "r" | "g") => LIGHT_SCALE_F16,
        _ => 1.0,
    }
}

/// `values` / `scale` as half floats (round to nearest even). `Err` names the first value
/// that f16 cannot hold (non-finite, or beyond ±65504 × scale).
pub fn encode_f16(values: &[f32], scale: f64) -> Result<Vec<f16>, f32> {
    let max = f64::from(f16::MAX.to_f32());
    values
        .iter()
        .map(|&x| {
            let y = f64::from(x) / scale;
            if y.is_finite() && y.abs() <= max {
                Ok(f16::from_f64(y))
            } else {
                Err(x)
            }
        })
        .collect()
}

/// Whether dataset `ds` holds half floats.
fn is_f16(ds: &Dataset) -> Result<bool> {
    Ok(matches!(
        ds.dtype()?.to_descriptor()?,
        TypeDescriptor::Float(FloatSize::U2)
    ))
}

/// The `scale_factor` attribute of `ds`, 1 when absent.
fn scale_factor(ds: &Dataset) -> Result<f64> {
    if ds.attr_names()?.iter().any(|a| a == "scale_factor") {
        Ok(ds.attr("scale_factor")?.read_scalar::<f64>()?)
    } else {
        Ok(1.0)
    }
}

/// Sample `i` of the map dataset `maps/<name>` (r, g: S×S; vel: 2×K×K), row-major, as
/// physical f32 values (f16 storage decoded and multiplied by its `scale_factor`).
pub fn read_map(file: &File, name: &str, i: usize) -> Result<Vec<f32>> {
    let path = format!("maps/{name}");
    let body = || -> Result<Vec<f32>> {
        let ds = file.dataset(&path)?;
        let rank = ds.ndim();
        if is_f16(&ds)? {
            let raw: Vec<f16> = read_row(&ds, rank, i)?;
            let mut out = vec![0.0f32; raw.len()];
            raw.convert_to_f32_slice(&mut out);
            let scale = scale_factor(&ds)? as f32;
            if scale != 1.0 {
                out.iter_mut().for_each(|x| *x *= scale);
            }
            Ok(out)
        } else {
            let v: Vec<f32> = read_row(&ds, rank, i)?;
            let scale = scale_factor(&ds)? as f32;
            Ok(if scale == 1.0 {
                v
            } else {
                v.into_iter().map(|x| x * scale).collect()
            })
        }
    };
    body().with_context(|| format!("reading /{path} of sample {i}"))
}

/// The row `i` (first axis) of a rank-3 or rank-4 dataset, flattened.
fn read_row<T: hdf5::H5Type + Copy>(ds: &Dataset, rank: usize, i: usize) -> Result<Vec<T>> {
    Ok(match rank {
        3 => {
            ds.read_slice::<T, _, ndarray::Ix3>(s![i..i + 1, .., ..])?
                .into_raw_vec_and_offset()
                .0
        }
        4 => {
            ds.read_slice::<T, _, ndarray::Ix4>(s![i..i + 1, .., .., ..])?
                .into_raw_vec_and_offset()
                .0
        }
        r => anyhow::bail!("rank {r}, expected 3 or 4"),
    })
}

/// The map storage of a file: f16 when `maps/r` holds half floats.
pub fn map_dtype(file: &File) -> Result<MapDtype> {
    Ok(if is_f16(&file.dataset("maps/r")?)? {
        MapDtype::F16
    } else {
        MapDtype::F32
    })
}

/// How one map dataset is stored (`dataset info`).
#[derive(Clone, Debug, PartialEq)]
pub struct MapStorage {
    /// Dataset path, e.g. `maps/r`.
    pub name: String,
    /// Element type (`f16`, `f32`, `u8`, …).
    pub dtype: String,
    /// Chunk shape, if chunked.
    pub chunk: Option<Vec<usize>>,
    /// Filters, e.g. `shuffle`, `deflate(4)`.
    pub filters: Vec<String>,
    /// Physical value per stored unit.
    pub scale_factor: f64,
    /// Bytes on disk.
    pub stored_bytes: u64,
    /// Bytes of the same values as uncompressed f32 (u8 for the mask).
    pub f32_bytes: u64,
}

/// The storage of every map dataset of `file`.
pub fn map_storage(file: &File) -> Result<Vec<MapStorage>> {
    ["r", "g", "vel", "vel_mask"]
        .iter()
        .map(|name| {
            let path = format!("maps/{name}");
            let ds = file.dataset(&path)?;
            let desc = ds.dtype()?.to_descriptor()?;
            let (dtype, f32_size) = match desc {
                TypeDescriptor::Float(FloatSize::U2) => ("f16".to_string(), 4),
                TypeDescriptor::Float(FloatSize::U4) => ("f32".to_string(), 4),
                TypeDescriptor::Float(FloatSize::U8) => ("f64".to_string(), 4),
                TypeDescriptor::Unsigned(s) => (format!("u{}", 8 * s as usize), s as u64),
                other => (format!("{other}"), 4),
            };
            let filters = ds
                .filters()
                .iter()
                .map(|f| match f {
                    Filter::Deflate(l) => format!("deflate({l})"),
                    Filter::Shuffle => "shuffle".to_string(),
                    other => format!("{other:?}").to_lowercase(),
                })
                .collect();
            Ok(MapStorage {
                name: path,
                dtype,
                chunk: ds.chunk(),
                filters,
                scale_factor: scale_factor(&ds)?,
                stored_bytes: ds.storage_size(),
                f32_bytes: ds.size() as u64 * f32_size,
            })
        })
        .collect()
}
