//! Reading a dataset file: schema check (exit 2 naming the file and attribute on mismatch),
//! root attributes, 1-D columns and single samples.

use std::path::{Path, PathBuf};

use crate::BadInput;
use anyhow::{Context, Result};
use hdf5::types::VarLenUnicode;
use hdf5::{File, H5Type};
use ndarray::s;

use super::sample::Sample;
use super::schema::{DUST_MODEL_UNKNOWN, FEATURE_NAMES, SCHEMAS_READ, TARGET_NAMES};
use super::storage::{MapStorage, map_dtype, map_storage, read_map};
use super::writer::{ShardAttrs, WriteAttrs};
use galmass_core::telescope::MapScale;

/// Root attributes of a dataset file: what its build chose ([`WriteAttrs`], the writer's
/// own type) and what the writer adds.
#[derive(Clone, Debug, PartialEq)]
pub struct FileAttrs {
    /// Schema version (`galmass-dataset/1` or `/2`).
    pub schema: String,
    /// Version of the program that wrote the file.
    pub generator_version: String,
    /// Number of samples.
    pub n: u64,
    /// Source, seed, creation time, map sides (from the shapes of `/maps/r` and
    /// `/maps/vel_mask`), split unit (empty if absent), shard, map element type (from
    /// `/maps/r`), observing conditions and the mock physics (variant name and options).
    pub build: WriteAttrs,
}

/// The root attribute `scale` (`rhsm` or `re`); absent in files from before the option: the
/// paper's R_hsm. Anything else is [`BadInput`] naming the file.
fn read_scale(file: &File, name: &str) -> Result<MapScale> {
    let Ok(a) = file.attr("scale") else {
        return Ok(MapScale::Rhsm);
    };
    let v: VarLenUnicode = a
        .read_scalar()
        .map_err(|e| BadInput(format!("{name}: attribute `scale`: not a string ({e})")))?;
    MapScale::from_name(v.as_str()).ok_or_else(|| {
        BadInput(format!(
            "{name}: attribute `scale`: is `{}`, expected `rhsm` or `re`",
            v.as_str()
        ))
        .into()
    })
}

/// An open dataset file whose schema was checked.
pub struct DatasetReader {
    file: File,
    path: PathBuf,
    /// Its root attributes.
    pub attrs: FileAttrs,
}

impl DatasetReader {
    /// Opens `path` and checks the `schema` attribute and the presence and shapes of every
    /// dataset of the schema. Problems are [`BadInput`] naming the file and attribute/dataset.
    pub fn open(path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let file = File::open(path)
            .map_err(|e| BadInput(format!("{name}: not a readable HDF5 file: {e}")))?;
        let bad = |what: &str, why: String| BadInput(format!("{name}: {what}: {why}"));
        let str_attr = |a: &str| -> Result<String> {
            let v: VarLenUnicode = file.attr(a).and_then(|x| x.read_scalar()).map_err(|e| {
                bad(
                    &format!("attribute `{a}`"),
                    format!("missing or not a string ({e})"),
                )
            })?;
            Ok(v.as_str().to_string())
        };
        // A string attribute that older files may lack.
        let optional_attr = |a: &str| file.attr(a).is_ok().then(|| str_attr(a)).transpose();
        let schema = str_attr("schema")?;
        if !SCHEMAS_READ.contains(&schema.as_str()) {
            return Err(bad(
                "attribute `schema`",
                format!(
                    "is `{schema}`, this program reads {}",
                    SCHEMAS_READ.map(|s| format!("`{s}`")).join(" and ")
                ),
            )
            .into());
        }
        let u64_attr = |a: &str| -> Result<u64> {
            Ok(file
                .attr(a)
                .and_then(|x| x.read_scalar::<u64>())
                .map_err(|e| {
                    bad(
                        &format!("attribute `{a}`"),
                        format!("missing or not an integer ({e})"),
                    )
                })?)
        };
        let n = u64_attr("n")?;
        let shape = |d: &str| -> Result<Vec<usize>> {
            Ok(file
                .dataset(d)
                .map_err(|e| bad(&format!("dataset `/{d}`"), format!("missing ({e})")))?
                .shape())
        };
        let r = shape("maps/r")?;
        let m = shape("maps/vel_mask")?;
        let n_us = n as usize;
        if r.len() != 3 || r[0] != n_us || r[1] != r[2] {
            return Err(bad(
                "dataset `/maps/r`",
                format!("shape {r:?}, expected ({n}, S, S)"),
            )
            .into());
        }
        if m.len() != 3 || m[0] != n_us || m[1] != m[2] {
            return Err(bad(
                "dataset `/maps/vel_mask`",
                format!("shape {m:?}, expected ({n}, K, K)"),
            )
            .into());
        }
        let (sz, k) = (r[1], m[1]);
        for (d, want) in [
            ("maps/g".to_string(), vec![n_us, sz, sz]),
            ("maps/vel".to_string(), vec![n_us, 2, k, k]),
        ]
        .into_iter()
        .chain(
            TARGET_NAMES
                .iter()
                .map(|t| (format!("targets/{t}"), vec![n_us])),
        )
        .chain(
            FEATURE_NAMES
                .iter()
                .map(|t| (format!("features/{t}"), vec![n_us])),
        )
        .chain(
            ["galaxy_id", "projection", "rhsm_kpc", "split"]
                .iter()
                .map(|t| (format!("meta/{t}"), vec![n_us])),
        ) {
            let got = shape(&d)?;
            if got != want {
                return Err(bad(
                    &format!("dataset `/{d}`"),
                    format!("shape {got:?}, expected {want:?}"),
                )
                .into());
            }
        }
        let map_dtype = map_dtype(&file).map_err(|e| {
            bad(
                "dataset `/maps/r`",
                format!("unreadable element type ({e})"),
            )
        })?;
        let attrs = FileAttrs {
            schema,
            generator_version: str_attr("generator_version")?,
            n,
            build: WriteAttrs {
                map_dtype,
                source: str_attr("source")?,
                seed: u64_attr("seed")?,
                created: str_attr("created")?,
                image_size: sz,
                kin_size: k,
                split_by: str_attr("split_by").unwrap_or_default(),
                scale: read_scale(&file, &name)?,
                conditions: optional_attr("conditions")?,
                physics: optional_attr("physics")?,
                mock_options: optional_attr("mock_options")?,
                selection: optional_attr("selection")?,
                shard: match (
                    file.attr("shard_index").is_ok(),
                    file.attr("shard_count").is_ok(),
                    file.attr("shard_list_len").is_ok(),
                ) {
                    (false, false, false) => None,
                    _ => {
                        let sh = ShardAttrs {
                            index: u64_attr("shard_index")?,
                            count: u64_attr("shard_count")?,
                            list_len: u64_attr("shard_list_len")?,
                        };
                        if sh.count == 0 || sh.index >= sh.count {
                            return Err(bad(
                                "attribute `shard_index`",
                                format!("{} is not below shard_count {}", sh.index, sh.count),
                            )
                            .into());
                        }
                        Some(sh)
                    }
                },
            },
        };
        Ok(DatasetReader {
            file,
            path: path.to_path_buf(),
            attrs,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How each map dataset is stored (type, chunks, filters, scale, bytes).
    pub fn map_storage(&self) -> Result<Vec<MapStorage>> {
        map_storage(&self.file).with_context(|| format!("{}: map storage", self.path.display()))
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.attrs.n as usize
    }

    /// Whether the file holds no sample.
    pub fn is_empty(&self) -> bool {
        self.attrs.n == 0
    }

    /// A feature column as the GBDTs read it: `/features/<name>`, or for
    /// [`super::schema::LOG_RHSM`] log10 of `/meta/rhsm_kpc` (kpc), the size the CNNs read
    /// as their side input.
    pub fn feature_column(&self, name: &str) -> Result<Vec<f64>> {
        if name == super::schema::LOG_RHSM {
            let rh: Vec<f64> = self.column("meta/rhsm_kpc")?;
            Ok(rh.iter().map(|&x| x.log10()).collect())
        } else {
            self.column(&format!("features/{name}"))
        }
    }

    /// A whole 1-D dataset, e.g. `"targets/mstar"` or `"meta/galaxy_id"`.
    pub fn column<T: H5Type>(&self, name: &str) -> Result<Vec<T>> {
        self.file
            .dataset(name)
            .and_then(|d| d.read_raw::<T>())
            .with_context(|| format!("{}: reading /{name}", self.path.display()))
    }

    /// Sample `i` (maps, targets, features, meta).
    pub fn sample(&self, i: usize) -> Result<Sample> {
        let ctx = || format!("{}: reading sample {i}", self.path.display());
        let f = &self.file;
        let one_f64 = |d: &str| -> Result<f64> {
            Ok(f.dataset(d)?.read_slice_1d::<f64, _>(s![i..i + 1])?[0])
        };
        // Columns older files lack (re_kpc: before issue 16; conditions: ideal maps).
        let optional = |d: &str, absent: f64| -> Result<f64> {
            if f.link_exists(d) {
                one_f64(d)
            } else {
                Ok(absent)
            }
        };
        let body = || -> Result<Sample> {
            let mut targets = [0.0; 10];
            for (t, name) in targets.iter_mut().zip(TARGET_NAMES) {
                *t = one_f64(&format!("targets/{name}"))?;
            }
            let mut features = [0.0; 10];
            for (t, name) in features.iter_mut().zip(FEATURE_NAMES) {
                *t = one_f64(&format!("features/{name}"))?;
            }
            let mask = f
                .dataset("maps/vel_mask")?
                .read_slice::<u8, _, ndarray::Ix3>(s![i..i + 1, .., ..])?;
            Ok(Sample {
                galaxy_id: f
                    .dataset("meta/galaxy_id")?
                    .read_slice_1d::<u64, _>(s![i..i + 1])?[0],
                projection: f
                    .dataset("meta/projection")?
                    .read_slice_1d::<u8, _>(s![i..i + 1])?[0],
                rhsm_kpc: one_f64("meta/rhsm_kpc")?,
                split: f
                    .dataset("meta/split")?
                    .read_slice_1d::<u8, _>(s![i..i + 1])?[0],
                targets,
                features,
                r: read_map(f, "r", i)?,
                g: read_map(f, "g", i)?,
                vel: read_map(f, "vel", i)?,
                vel_mask: mask.iter().copied().collect(),
                re_kpc: optional("meta/re_kpc", f64::NAN)?,
                psf_fwhm_kpc: optional("conditions/psf_fwhm_kpc", 0.0)?,
                snr_re: optional("conditions/snr_re", f64::INFINITY)?,
                dust_model: if f.link_exists("meta/dust_model") {
                    f.dataset("meta/dust_model")?
                        .read_slice_1d::<u8, _>(s![i..i + 1])?[0]
                } else {
                    DUST_MODEL_UNKNOWN
                },
            })
        };
        body().with_context(ctx)
    }
}
