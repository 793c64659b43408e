//! Streaming writer of the dataset file. Every dataset is created empty and resizable along
//! the sample axis, chunked one sample per chunk for the maps (a reader loading one sample
//! touches one chunk per map) and 4096 samples per chunk for the 1-D columns; each batch is
//! appended by resizing and writing a hyperslab, so memory holds one batch, whatever `n`.
//!
//! Storage ([`super::storage`]): maps are f16 with shuffle + deflate and a `scale_factor` on
//! the light maps (default), or f32 uncompressed ([`WriteAttrs::map_dtype`]). The
//! file is written as `<path>.partial` and renamed to `<path>` by [`DatasetWriter::finish`];
//! a writer dropped before that (error or interruption) removes the partial file, and an
//! interrupted process leaves at most the `.partial` file, never one under the final name.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use galmass_core::telescope::MapScale;
use hdf5::types::VarLenUnicode;
use hdf5::{Extent, File, H5Type, SimpleExtents};
use ndarray::{ArrayView1, ArrayView2, ArrayView3, s};

use super::sample::Sample;
use super::schema::{FEATURE_NAMES, GENERATOR_VERSION, SCHEMA, TARGET_NAMES};
use super::storage::{DEFLATE_LEVEL, MapDtype, encode_f16, map_units, scale_for};
use crate::BadInput;
use crate::atomic::Partial;

/// Samples per chunk of the 1-D columns.
const COLUMN_CHUNK: usize = 4096;

/// Root attributes of a dataset file besides `schema`, `generator_version` and `n`.
#[derive(Clone, Debug, PartialEq)]
pub struct WriteAttrs {
    /// `"mock"` or `"tng"`.
    pub source: String,
    /// Seed of the mock sample and of the split hash.
    pub seed: u64,
    /// Creation time, ISO 8601 UTC.
    pub created: String,
    /// Light-map side S in pixels.
    pub image_size: usize,
    /// Kinematic-map side K in pixels.
    pub kin_size: usize,
    /// Unit of the split: `"galaxy"` or `"sample"`.
    pub split_by: String,
    /// Which shard of a sharded build this file is (`dataset build --shard i/n`); `None` for
    /// a whole build or a merged file.
    pub shard: Option<ShardAttrs>,
    /// Element type of the maps (f16 + shuffle/deflate, or f32 uncompressed).
    pub map_dtype: MapDtype,
    /// The observing conditions drawn per sample (`galmass_core::telescope::ConditionRanges`
    /// as JSON, the root attribute `conditions`); `None`: the paper's ideal maps.
    pub conditions: Option<String>,
    /// The radius the maps cover ±3 of (root attribute `scale`: `rhsm`, the paper's, or
    /// `re`; `galmass_core::telescope::MapScale`).
    pub scale: MapScale,
    /// Name of the mock generator's physics variant (root attribute `physics`:
    /// `galmass_core::mock::PhysicsVariant`, `default` without `--physics`); `None` for TNG
    /// cutouts and files written before the variants.
    pub physics: Option<String>,
    /// The mock generator's options as JSON (root attribute `mock_options`:
    /// `galmass_core::mock::MockOptions`, the variant's with every flag applied); `None` for
    /// TNG cutouts and files written before the variants.
    pub mock_options: Option<String>,
    /// How TNG cutouts were selected and read, as JSON (root attribute `selection`:
    /// `{"cuts": "paper"|"none", "rhsm_tolerance": 0.1|null, "tng_dust": "gas-column"|"none"}`);
    /// `None` for mocks and files written before it.
    pub selection: Option<String>,
}

/// The root attributes `shard_index`, `shard_count` and `shard_list_len` of a shard file:
/// the file holds the galaxies whose position in the build's list of `list_len` galaxies is
/// ≡ `index` (mod `count`). `dataset merge` checks them: one build, every shard once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardAttrs {
    /// This shard's number, 0 ≤ index < count.
    pub index: u64,
    /// Number of shards of the build.
    pub count: u64,
    /// Galaxies in the whole build's list (before sharding).
    pub list_len: u64,
}

/// Appends samples to a new dataset file; see the module documentation.
pub struct DatasetWriter {
    file: Option<File>,
    /// `<path>.partial` until [`DatasetWriter::finish`] commits it; removed if never.
    partial: Partial,
    attrs: WriteAttrs,
    n: usize,
}

/// `<path>.partial`.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".partial");
    PathBuf::from(s)
}

fn string_attr(loc: &hdf5::Location, name: &str, value: &str) -> Result<()> {
    let v: VarLenUnicode = value
        .parse()
        .map_err(|e| anyhow::anyhow!("attribute {name}: {e:?}"))?;
    loc.new_attr::<VarLenUnicode>()
        .create(name)?
        .write_scalar(&v)?;
    Ok(())
}

fn u64_attr(loc: &hdf5::Location, name: &str, value: u64) -> Result<()> {
    loc.new_attr::<u64>().create(name)?.write_scalar(&value)?;
    Ok(())
}

fn new_resizable<T: H5Type>(g: &hdf5::Group, name: &str, dims: &[usize]) -> Result<()> {
    new_dataset::<T>(g, name, dims, false)?;
    Ok(())
}

/// An empty dataset resizable along the sample axis, chunked one sample per chunk for maps
/// and [`COLUMN_CHUNK`] samples for columns; `compress`: shuffle + deflate.
fn new_dataset<T: H5Type>(
    g: &hdf5::Group,
    name: &str,
    dims: &[usize],
    compress: bool,
) -> Result<hdf5::Dataset> {
    let mut ext = vec![Extent::resizable(0)];
    ext.extend(dims.iter().map(|&d| Extent::fixed(d)));
    let mut chunk = vec![if dims.is_empty() { COLUMN_CHUNK } else { 1 }];
    chunk.extend_from_slice(dims);
    let mut b = g.new_dataset::<T>().chunk(chunk);
    if compress {
        if std::mem::size_of::<T>() > 1 {
            b = b.shuffle();
        }
        b = b.deflate(DEFLATE_LEVEL);
    }
    b.shape(SimpleExtents::from_vec(ext))
        .create(name)
        .with_context(|| format!("creating {}/{name}", g.name()))
}

/// A map dataset `maps/<name>` of the file's storage, with its `units` (and, when not 1,
/// `scale_factor`) attribute.
fn new_map(g: &hdf5::Group, name: &str, dims: &[usize], dtype: MapDtype) -> Result<()> {
    let ds = match (name, dtype) {
        ("vel_mask", d) => new_dataset::<u8>(g, name, dims, d == MapDtype::F16)?,
        (_, MapDtype::F16) => new_dataset::<half::f16>(g, name, dims, true)?,
        (_, MapDtype::F32) => new_dataset::<f32>(g, name, dims, false)?,
    };
    string_attr(&ds, "units", map_units(name))?;
    let scale = scale_for(dtype, name);
    if scale != 1.0 {
        ds.new_attr::<f64>()
            .create("scale_factor")?
            .write_scalar(&scale)?;
    }
    Ok(())
}

impl DatasetWriter {
    /// Creates `<path>.partial` with every group and empty dataset of the schema.
    pub fn create(path: &Path, attrs: WriteAttrs) -> Result<Self> {
        let partial = Partial::with_temp(path, partial_path(path));
        let file = File::create(partial.temp())
            .map_err(|e| BadInput(format!("{}: cannot create: {e}", partial.temp().display())))?;
        let (sz, k) = (attrs.image_size, attrs.kin_size);
        let w = DatasetWriter {
            file: Some(file),
            partial,
            attrs,
            n: 0,
        };
        let f = w.file()?;
        string_attr(f, "schema", SCHEMA)?;
        string_attr(f, "source", &w.attrs.source)?;
        u64_attr(f, "seed", w.attrs.seed)?;
        string_attr(f, "generator_version", GENERATOR_VERSION)?;
        string_attr(f, "created", &w.attrs.created)?;
        u64_attr(f, "image_size", sz as u64)?;
        u64_attr(f, "kin_size", k as u64)?;
        string_attr(f, "split_by", &w.attrs.split_by)?;
        if let Some(sh) = w.attrs.shard {
            u64_attr(f, "shard_index", sh.index)?;
            u64_attr(f, "shard_count", sh.count)?;
            u64_attr(f, "shard_list_len", sh.list_len)?;
        }
        let maps = f.create_group("maps")?;
        string_attr(f, "scale", w.attrs.scale.name())?;
        if let Some(c) = &w.attrs.conditions {
            string_attr(f, "conditions", c)?;
        }
        if let Some(v) = &w.attrs.physics {
            string_attr(f, "physics", v)?;
        }
        if let Some(o) = &w.attrs.selection {
            string_attr(f, "selection", o)?;
        }
        if let Some(o) = &w.attrs.mock_options {
            string_attr(f, "mock_options", o)?;
        }
        let dt = w.attrs.map_dtype;
        new_map(&maps, "r", &[sz, sz], dt)?;
        new_map(&maps, "g", &[sz, sz], dt)?;
        new_map(&maps, "vel", &[2, k, k], dt)?;
        new_map(&maps, "vel_mask", &[k, k], dt)?;
        let t = f.create_group("targets")?;
        for name in TARGET_NAMES {
            new_resizable::<f64>(&t, name, &[])?;
        }
        let ft = f.create_group("features")?;
        for name in FEATURE_NAMES {
            new_resizable::<f64>(&ft, name, &[])?;
        }
        let m = f.create_group("meta")?;
        new_resizable::<u64>(&m, "galaxy_id", &[])?;
        new_resizable::<u8>(&m, "projection", &[])?;
        new_resizable::<f64>(&m, "rhsm_kpc", &[])?;
        new_resizable::<u8>(&m, "split", &[])?;
        new_resizable::<f64>(&m, "re_kpc", &[])?;
        new_resizable::<u8>(&m, "dust_model", &[])?;
        if w.attrs.conditions.is_some() {
            let c = f.create_group("conditions")?;
            new_resizable::<f64>(&c, "psf_fwhm_kpc", &[])?;
            new_resizable::<f64>(&c, "snr_re", &[])?;
        }
        Ok(w)
    }

    fn file(&self) -> Result<&File> {
        self.file
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("dataset writer already finished"))
    }

    /// Samples written so far.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether no sample was written yet.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Appends `batch` (in order). Every sample must have the file's map sizes.
    pub fn append(&mut self, batch: &[Sample]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let (sz, k) = (self.attrs.image_size, self.attrs.kin_size);
        for smp in batch {
            anyhow::ensure!(
                smp.r.len() == sz * sz
                    && smp.g.len() == sz * sz
                    && smp.vel.len() == 2 * k * k
                    && smp.vel_mask.len() == k * k,
                "sample of galaxy {} has map sizes other than {sz}² and {k}²",
                smp.galaxy_id
            );
        }
        let (a, b) = (self.n, self.n + batch.len());
        let nb = batch.len();
        let f = self.file()?;
        // Maps: one hyperslab (= one chunk) per sample, no copy of the batch.
        let ds_r = f.dataset("maps/r")?;
        let ds_g = f.dataset("maps/g")?;
        let ds_v = f.dataset("maps/vel")?;
        let ds_m = f.dataset("maps/vel_mask")?;
        ds_r.resize((b, sz, sz))?;
        ds_g.resize((b, sz, sz))?;
        ds_v.resize((b, 2, k, k))?;
        ds_m.resize((b, k, k))?;
        let dtype = self.attrs.map_dtype;
        for (j, smp) in batch.iter().enumerate() {
            let row = a + j;
            write_map(&ds_r, dtype, "r", smp, row, &[sz, sz], &smp.r)?;
            write_map(&ds_g, dtype, "g", smp, row, &[sz, sz], &smp.g)?;
            write_map(&ds_v, dtype, "vel", smp, row, &[2, k, k], &smp.vel)?;
            ds_m.write_slice(
                ArrayView3::from_shape((1, k, k), &smp.vel_mask)?,
                s![row..row + 1, .., ..],
            )?;
        }

        fn column<T: H5Type>(f: &File, name: &str, a: usize, v: &[T]) -> Result<()> {
            let ds = f.dataset(name)?;
            ds.resize(a + v.len())?;
            ds.write_slice(ArrayView1::from(v), s![a..a + v.len()])?;
            Ok(())
        }
        let tv: Vec<f64> = batch.iter().flat_map(|x| x.targets).collect();
        let tv = ArrayView2::from_shape((nb, 10), &tv)?;
        for (j, name) in TARGET_NAMES.iter().enumerate() {
            column(f, &format!("targets/{name}"), a, &tv.column(j).to_vec())?;
        }
        let fv: Vec<f64> = batch.iter().flat_map(|x| x.features).collect();
        let fv = ArrayView2::from_shape((nb, 10), &fv)?;
        for (j, name) in FEATURE_NAMES.iter().enumerate() {
            column(f, &format!("features/{name}"), a, &fv.column(j).to_vec())?;
        }
        let ids: Vec<u64> = batch.iter().map(|x| x.galaxy_id).collect();
        column(f, "meta/galaxy_id", a, &ids)?;
        let proj: Vec<u8> = batch.iter().map(|x| x.projection).collect();
        column(f, "meta/projection", a, &proj)?;
        let rh: Vec<f64> = batch.iter().map(|x| x.rhsm_kpc).collect();
        column(f, "meta/rhsm_kpc", a, &rh)?;
        let sp: Vec<u8> = batch.iter().map(|x| x.split).collect();
        column(f, "meta/split", a, &sp)?;
        let re: Vec<f64> = batch.iter().map(|x| x.re_kpc).collect();
        column(f, "meta/re_kpc", a, &re)?;
        let dm: Vec<u8> = batch.iter().map(|x| x.dust_model).collect();
        column(f, "meta/dust_model", a, &dm)?;
        if self.attrs.conditions.is_some() {
            let psf: Vec<f64> = batch.iter().map(|x| x.psf_fwhm_kpc).collect();
            column(f, "conditions/psf_fwhm_kpc", a, &psf)?;
            let snr: Vec<f64> = batch.iter().map(|x| x.snr_re).collect();
            column(f, "conditions/snr_re", a, &snr)?;
        }
        self.n = b;
        Ok(())
    }

    /// Writes the root attribute `n`, closes the file and commits it to its final name
    /// (synced, then renamed: [`Partial::commit`]).
    pub fn finish(mut self) -> Result<PathBuf> {
        let f = self.file()?;
        u64_attr(f, "n", self.n as u64)?;
        f.flush()?;
        if let Some(f) = self.file.take() {
            f.close()?;
        }
        self.partial.commit().with_context(|| {
            format!(
                "renaming {} to {}",
                self.partial.temp().display(),
                self.partial.path().display()
            )
        })?;
        Ok(self.partial.path().to_path_buf())
    }
}

/// Writes `values` (one sample's map of `dims`) as row `row` of `ds` in the file's storage.
/// A value f16 cannot hold is [`BadInput`] naming the sample and the remedy.
fn write_map(
    ds: &hdf5::Dataset,
    dtype: MapDtype,
    name: &str,
    smp: &Sample,
    row: usize,
    dims: &[usize],
    values: &[f32],
) -> Result<()> {
    let mut shape = vec![1];
    shape.extend_from_slice(dims);
    match dtype {
        MapDtype::F32 => write_row(ds, &shape, values, row),
        MapDtype::F16 => {
            let scale = scale_for(dtype, name);
            let v = encode_f16(values, scale).map_err(|x| {
                BadInput(format!(
                    "galaxy {} projection {}: /maps/{name} holds {x:e} ({}), beyond what f16 \
                     stores at scale {scale:e} (±{:e}); build with --map-dtype f32",
                    smp.galaxy_id,
                    smp.projection,
                    map_units(name),
                    65504.0 * scale
                ))
            })?;
            write_row(ds, &shape, &v, row)
        }
    }
}

/// Writes one sample (`shape` = 1 × the map's dims) as row `row` of `ds`.
fn write_row<T: H5Type>(ds: &hdf5::Dataset, shape: &[usize], v: &[T], row: usize) -> Result<()> {
    let a = ndarray::ArrayView::from_shape(ndarray::IxDyn(shape), v)?;
    match shape.len() {
        3 => ds.write_slice(a, s![row..row + 1, .., ..])?,
        4 => ds.write_slice(a, s![row..row + 1, .., .., ..])?,
        r => anyhow::bail!("map of rank {r}"),
    }
    Ok(())
}

impl Drop for DatasetWriter {
    fn drop(&mut self) {
        // Close the HDF5 file before `partial` (dropped next) removes it when uncommitted.
        drop(self.file.take());
    }
}
