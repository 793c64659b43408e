//! The dataset as the CNN sees it: which samples are in which split, the targets (log10)
//! and side input held as small columns, and the maps read sample by sample from the HDF5
//! file (never the whole set of maps in memory), rebinned and normalised per channel.
//!
//! Channels per input: `r`, `g` — surface brightness (L☉ kpc⁻²); `gr` — the g−r colour map
//! of the (rebinned) g and r maps, `galmass_core::observe::rebin::colour_map`, filled with the
//! galaxy's integrated g−r where r is faint; `rg` — the g and r surface brightness as two
//! channels; `vel` — mean line-of-sight velocity V, dispersion
//! σ (km/s) and the 0/1 mask of populated pixels (not normalised).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use galmass_core::cnn::scalars::{MAP_SCALAR_NAMES, MapsForScalars, map_scalars};
use galmass_core::cnn::{CnnInput, KIN_MAP_SIZE, LIGHT_MAP_SIDES, Standard};
use galmass_core::observe::normalise::{
    CellLuminosity, LINEAR_LUMINOSITY_REFERENCE, MapKind, MinMax, Norm, normalise,
};
use galmass_core::observe::rebin::colour_map;
use galmass_core::telescope::MapScale;
use hdf5::File;
use ndarray::s;
use serde::{Deserialize, Serialize};

use crate::BadInput;
use crate::dataset::{DatasetReader, TARGET_NAMES, read_map};

/// The map normalisation the network sees (galaxy-model.md 4.4, `galmass_core::observe::normalise`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormChoice {
    /// Fixed physical transforms (log surface brightness, colour, V/1000, σ/500), clipped to [0, 1].
    Physical,
    /// Min–max of each map over its own unmasked pixels.
    PerMapMinMax,
    /// Min–max over the training split, per input channel.
    DatasetMinMax,
    /// Light maps as the log luminosity per cell of 0.1 R_hsm (`Norm::CellLuminosity`, fixed
    /// constants), kinematic maps physical: the light planes carry L, not L/R_hsm² (beyond the
    /// paper; the default of new runs).
    CellLuminosity,
    /// Light maps as the pixel's luminosity over one fixed reference, in [0, 1]
    /// (`Norm::LinearLuminosity`, the paper's linear scaling), kinematic maps physical.
    LinearLuminosity,
}

impl NormChoice {
    /// The `--norm` value that selects it.
    pub fn arg_name(self) -> &'static str {
        match self {
            NormChoice::Physical => "physical",
            NormChoice::PerMapMinMax => "per-map-minmax",
            NormChoice::DatasetMinMax => "dataset-minmax",
            NormChoice::CellLuminosity => "cell-luminosity",
            NormChoice::LinearLuminosity => "linear-luminosity",
        }
    }
}

/// The normalisation of one input channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelNorm {
    /// What the channel holds; `None` for the mask channel, passed through as 0/1.
    pub kind: Option<MapKind>,
    /// The normalisation applied (with the training-split range for dataset min–max).
    pub norm: Norm,
}

/// The normalisation of every channel of every input, in branch order; stored with the
/// model so new data is normalised identically.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Normalisation {
    /// Per input, per channel.
    pub inputs: Vec<(CnnInput, Vec<ChannelNorm>)>,
}

/// The kinds of the channels of an input.
fn channel_kinds(input: CnnInput) -> Vec<Option<MapKind>> {
    match input {
        CnnInput::R | CnnInput::G => vec![Some(MapKind::SurfaceBrightness)],
        CnnInput::Rg => vec![Some(MapKind::SurfaceBrightness); 2],
        CnnInput::Gr => vec![Some(MapKind::Colour)],
        CnnInput::Vel => vec![Some(MapKind::Velocity), Some(MapKind::Dispersion), None],
    }
}

/// The physical channels of one input of one sample and the mask (1 = valid) that applies.
type RawMaps = (Vec<Vec<f32>>, Option<Vec<u8>>);

/// A dataset opened for training: the checked file, the columns, the split indices.
#[derive(Clone, Debug)]
pub struct CnnData {
    /// The file.
    pub path: PathBuf,
    /// Inputs in branch order.
    pub inputs: Vec<CnnInput>,
    /// Light-map side in the file.
    pub file_size: usize,
    /// Light-map side the network reads (divides `file_size`).
    pub size: usize,
    /// Kinematic-map side (48).
    pub kin_size: usize,
    /// Target names.
    pub target_names: Vec<String>,
    /// Targets, `targets[t][i]` (log10).
    pub targets: Vec<Vec<f64>>,
    /// log10 of the map scale radius in kpc per sample: R_hsm (`meta/rhsm_kpc`), or R_e
    /// (`meta/re_kpc`) for a file built with `--scale re`.
    pub log_rhsm: Vec<f64>,
    /// The file's map scale (root attribute `scale`).
    pub scale: MapScale,
    /// Integrated g−r per sample (the colour map's fill).
    pub g_r: Vec<f64>,
    /// Sample indices of the training, validation and test splits (0, 1, 2).
    pub splits: [Vec<usize>; 3],
    /// Per-channel normalisation.
    pub normalisation: Normalisation,
    /// Whether batches carry the hybrid model's map scalars after log10 R_hsm in the side
    /// input (`galmass_core::cnn::scalars`).
    pub hybrid: bool,
}

/// One mini-batch, ready to become tensors.
#[derive(Clone, Debug)]
pub struct Batch {
    /// Sample indices in the file.
    pub indices: Vec<usize>,
    /// Per branch, (N, C, S, S) row-major.
    pub maps: Vec<Vec<f32>>,
    /// The side input, (N, k) row-major: log10(R_hsm/kpc), then the map scalars when
    /// `hybrid` (k = 1 or 4).
    pub side: Vec<f32>,
    /// Targets, (N, T) row-major.
    pub targets: Vec<f32>,
}

impl CnnData {
    /// Opens and checks `path` for `inputs` and `targets` at light-map side `image_size`
    /// (`None` = the file's). Unknown targets, sizes the file cannot give, a kinematic grid
    /// other than 48² or an empty split are [`BadInput`].
    pub fn open(
        path: &Path,
        inputs: &[CnnInput],
        targets: &[String],
        image_size: Option<usize>,
    ) -> Result<Self> {
        let reader = DatasetReader::open(path)?;
        let name = path.display();
        let file_size = reader.attrs.build.image_size;
        let size = image_size.unwrap_or(file_size);
        let light = inputs.iter().any(|i| i.is_light_map());
        if light && (!LIGHT_MAP_SIDES.contains(&size) || size > file_size || file_size % size != 0)
        {
            return Err(BadInput(format!(
                "--image-size {size}: {name} holds {file_size}² light maps; the CNN reads a side \
                 of at least {} px that divides {file_size} (e.g. 300, 150, 60)",
                LIGHT_MAP_SIDES.start()
            ))
            .into());
        }
        let kin_size = reader.attrs.build.kin_size;
        if inputs.contains(&CnnInput::Vel) && kin_size != KIN_MAP_SIZE {
            return Err(BadInput(format!(
                "{name}: kinematic maps are {kin_size}², the CNN reads {KIN_MAP_SIZE}²"
            ))
            .into());
        }
        let mut cols = Vec::new();
        for t in targets {
            if !TARGET_NAMES.contains(&t.as_str()) {
                return Err(BadInput(format!(
                    "--targets: `{t}` is not a target of {name} (have {})",
                    TARGET_NAMES.join(", ")
                ))
                .into());
            }
            cols.push(reader.column::<f64>(&format!("targets/{t}"))?);
        }
        let scale = reader.attrs.build.scale;
        let rhsm = reader.column::<f64>(match scale {
            MapScale::Rhsm => "meta/rhsm_kpc",
            MapScale::Re => "meta/re_kpc",
        })?;
        let g_r = reader.column::<f64>("features/g_r")?;
        let split = reader.column::<u8>("meta/split")?;
        let mut splits: [Vec<usize>; 3] = Default::default();
        for (i, &s) in split.iter().enumerate() {
            if let Some(v) = splits.get_mut(s as usize) {
                v.push(i);
            }
        }
        for (k, what) in ["training", "validation", "test"].iter().enumerate() {
            if splits[k].is_empty() {
                return Err(BadInput(format!("{name}: the {what} split is empty")).into());
            }
        }
        for (t, col) in targets.iter().zip(&cols) {
            if let Some(i) = col.iter().position(|v| !v.is_finite()) {
                return Err(BadInput(format!(
                    "{name}: target `{t}` of sample {i} is not finite ({})",
                    col[i]
                ))
                .into());
            }
        }
        let log_rhsm = rhsm
            .iter()
            .map(|&r| if r > 0.0 { r.log10() } else { 0.0 })
            .collect();
        let normalisation = Normalisation {
            inputs: inputs
                .iter()
                .map(|&i| {
                    let ch = channel_kinds(i)
                        .into_iter()
                        .map(|kind| ChannelNorm {
                            kind,
                            norm: Norm::Physical,
                        })
                        .collect();
                    (i, ch)
                })
                .collect(),
        };
        Ok(CnnData {
            path: path.to_path_buf(),
            inputs: inputs.to_vec(),
            file_size,
            size,
            kin_size,
            target_names: targets.to_vec(),
            targets: cols,
            log_rhsm,
            scale,
            g_r,
            splits,
            normalisation,
            hybrid: false,
        })
    }

    /// The hybrid model's map scalars of sample `i` (`galmass_core::cnn::scalars`), from its
    /// r, g and kinematic maps at the network's light-map side.
    pub fn map_scalars(&self, file: &File, i: usize) -> Result<[f64; 3]> {
        let mut maps = SampleMaps::default();
        for input in [CnnInput::R, CnnInput::G, CnnInput::Vel] {
            let (raw, mask) = self.raw_maps(file, input, i)?;
            maps.keep(input, raw, mask);
        }
        self.scalars_of(&maps, i)
    }

    /// The map scalars of sample `i` from its maps already read (r, g and the kinematics).
    fn scalars_of(&self, maps: &SampleMaps, i: usize) -> Result<[f64; 3]> {
        let ctx = || format!("{}: map scalars of sample {i}", self.path.display());
        let (Some(r), Some(g), Some((kin, mask))) = (&maps.r, &maps.g, &maps.kin) else {
            anyhow::bail!("{}: needs the r, g and kinematic maps", ctx());
        };
        map_scalars(&MapsForScalars {
            r,
            g,
            light_side: self.size,
            v: &kin[0],
            sigma: &kin[1],
            mask,
            kin_side: self.kin_size,
            rhsm_kpc: 10f64.powf(self.log_rhsm[i]),
        })
        .with_context(ctx)
    }

    /// Mean and σ of each map scalar over the training split (one streamed pass).
    pub fn map_scalar_standards(&self) -> Result<Vec<Standard>> {
        let file = self.open_file()?;
        let mut cols = vec![Vec::with_capacity(self.splits[0].len()); MAP_SCALAR_NAMES.len()];
        for &i in &self.splits[0] {
            for (c, v) in cols.iter_mut().zip(self.map_scalars(&file, i)?) {
                c.push(v);
            }
        }
        Ok(cols.into_iter().map(Standard::of).collect())
    }

    /// Sets the normalisation: physical and per-map min–max need nothing from the data;
    /// dataset min–max scans the training split once (streamed) for each channel's range.
    pub fn set_norm(&mut self, choice: NormChoice) -> Result<()> {
        let file = self.open_file()?;
        let mut ranges: Vec<Vec<MinMax>> = self
            .inputs
            .iter()
            .map(|&i| vec![MinMax::default(); i.channels()])
            .collect();
        if choice == NormChoice::DatasetMinMax {
            for &i in &self.splits[0] {
                for (b, &input) in self.inputs.iter().enumerate() {
                    let (channels, mask) = self.raw_maps(&file, input, i)?;
                    for (c, ch) in channels.iter().enumerate() {
                        if channel_kinds(input)[c].is_some() {
                            ranges[b][c].update(ch, mask.as_deref());
                        }
                    }
                }
            }
        }
        for ((_, chans), r) in self.normalisation.inputs.iter_mut().zip(&ranges) {
            for (c, cn) in chans.iter_mut().enumerate() {
                cn.norm = match choice {
                    NormChoice::Physical => Norm::Physical,
                    NormChoice::PerMapMinMax => Norm::PerMapMinMax,
                    NormChoice::DatasetMinMax => Norm::DatasetMinMax(r[c]),
                    NormChoice::CellLuminosity if cn.kind == Some(MapKind::SurfaceBrightness) => {
                        Norm::CellLuminosity(CellLuminosity::DEFAULT)
                    }
                    NormChoice::LinearLuminosity if cn.kind == Some(MapKind::SurfaceBrightness) => {
                        Norm::LinearLuminosity(LINEAR_LUMINOSITY_REFERENCE)
                    }
                    NormChoice::CellLuminosity | NormChoice::LinearLuminosity => Norm::Physical,
                };
            }
        }
        Ok(())
    }

    /// Opens the HDF5 file for reading maps (one handle per reading thread).
    pub fn open_file(&self) -> Result<File> {
        File::open(&self.path).with_context(|| format!("opening {}", self.path.display()))
    }

    /// The physical channels of `input` for sample `i` at the network's size, and the mask
    /// (1 = valid pixel) that applies to them, if any.
    fn raw_maps(&self, file: &File, input: CnnInput, i: usize) -> Result<RawMaps> {
        let light = |band: &str| -> Result<Vec<f32>> {
            let v = read_map(file, band, i)?;
            Ok(block_mean(&v, self.file_size, self.size))
        };
        let ctx = || format!("{}: reading maps of sample {i}", self.path.display());
        let body = || -> Result<RawMaps> {
            Ok(match input {
                CnnInput::R => (vec![light("r")?], None),
                CnnInput::G => (vec![light("g")?], None),
                CnnInput::Rg => (vec![light("g")?, light("r")?], None),
                CnnInput::Gr => {
                    let (c, m) = colour_map(&light("g")?, &light("r")?, self.g_r[i]);
                    (vec![c], Some(m))
                }
                CnnInput::Vel => {
                    let vel = read_map(file, "vel", i)?;
                    let mask = file
                        .dataset("maps/vel_mask")?
                        .read_slice::<u8, _, ndarray::Ix3>(s![i..i + 1, .., ..])?;
                    let mask: Vec<u8> = mask.iter().copied().collect();
                    let k2 = self.kin_size * self.kin_size;
                    let (v, sig) = vel.split_at(k2);
                    let m: Vec<f32> = mask.iter().map(|&b| f32::from(b)).collect();
                    (vec![v.to_vec(), sig.to_vec(), m], Some(mask))
                }
            })
        };
        body().with_context(ctx)
    }

    /// Channels C and side S of the tensor of branch `b`.
    pub fn branch_shape(&self, b: usize) -> (usize, usize) {
        let input = self.inputs[b];
        let s = if input.is_light_map() {
            self.size
        } else {
            self.kin_size
        };
        (input.channels(), s)
    }

    /// Reads, rebins and normalises the samples `indices` from `file` into a [`Batch`];
    /// with `ops`, sample k's maps (every branch alike) get the dihedral transform `ops[k]`.
    pub fn read_batch(&self, file: &File, indices: &[usize], ops: Option<&[u8]>) -> Result<Batch> {
        let mut maps: Vec<Vec<f32>> = (0..self.inputs.len())
            .map(|b| {
                let (c, s) = self.branch_shape(b);
                Vec::with_capacity(indices.len() * c * s * s)
            })
            .collect();
        let mut side = Vec::with_capacity(indices.len() * (1 + 3 * usize::from(self.hybrid)));
        for (k, &i) in indices.iter().enumerate() {
            let op = ops.and_then(|o| o.get(k)).copied().unwrap_or(0);
            // The hybrid model's scalars come from the maps read for the branches.
            let mut kept = SampleMaps::default();
            for (b, (input, chans)) in self.normalisation.inputs.iter().enumerate() {
                let (raw, mask) = self.raw_maps(file, *input, i)?;
                let side = self.branch_shape(b).1;
                for (ch, cn) in raw.iter().zip(chans) {
                    let x = match cn.kind {
                        Some(kind) => normalise(
                            ch,
                            kind,
                            mask.as_deref(),
                            &cn.norm,
                            10f64.powf(self.log_rhsm[i]),
                        ),
                        None => ch.clone(),
                    };
                    maps[b].extend(dihedral(&x, side, op));
                }
                if self.hybrid {
                    kept.keep(*input, raw, mask);
                }
            }
            side.push(self.log_rhsm[i] as f32);
            if self.hybrid {
                side.extend(self.scalars_of(&kept, i)?.map(|x| x as f32));
            }
        }
        let t = self.targets.len();
        let mut targets = Vec::with_capacity(indices.len() * t);
        for &i in indices {
            targets.extend(self.targets.iter().map(|col| col[i] as f32));
        }
        Ok(Batch {
            indices: indices.to_vec(),
            maps,
            side,
            targets,
        })
    }
}

/// The physical maps of one sample that the hybrid model's scalars are computed from.
#[derive(Default)]
struct SampleMaps {
    r: Option<Vec<f32>>,
    g: Option<Vec<f32>>,
    kin: Option<(Vec<Vec<f32>>, Vec<u8>)>,
}

impl SampleMaps {
    /// Keeps the raw channels of `input` (`raw_maps`' order: rg is g then r).
    fn keep(&mut self, input: CnnInput, raw: Vec<Vec<f32>>, mask: Option<Vec<u8>>) {
        let mut raw = raw.into_iter();
        match input {
            CnnInput::R => self.r = raw.next(),
            CnnInput::G => self.g = raw.next(),
            CnnInput::Rg => {
                self.g = raw.next();
                self.r = raw.next();
            }
            CnnInput::Vel => self.kin = Some((raw.collect(), mask.unwrap_or_default())),
            CnnInput::Gr => {}
        }
    }
}

/// The dihedral transform `op` (0–7) of a `side`² map (row-major, row j = image axis w):
/// rotation by 90°·(op mod 4) counter-clockwise, then a transpose when op ≥ 4; op 0 is the
/// identity. A galaxy seen rotated or mirrored on the sky is still a galaxy with the same
/// masses, and a mirrored velocity field is that of a disc turning the other way, so the 8
/// transforms are valid training samples (data augmentation).
pub fn dihedral(img: &[f32], side: usize, op: u8) -> Vec<f32> {
    if op == 0 {
        return img.to_vec();
    }
    let n = side;
    let mut out = vec![0.0f32; n * n];
    for j in 0..n {
        for i in 0..n {
            // Rotation by 90° CCW maps (i, j) → (j, n − 1 − i).
            let (mut x, mut y) = (i, j);
            for _ in 0..op % 4 {
                (x, y) = (y, n - 1 - x);
            }
            if op >= 4 {
                (x, y) = (y, x);
            }
            out[y * n + x] = img[j * n + i];
        }
    }
    out
}

/// Block mean of a `from`² surface-brightness map to `to`² (`to` divides `from`): the mean
/// surface brightness of each block, i.e. the block's flux over its area.
pub fn block_mean(img: &[f32], from: usize, to: usize) -> Vec<f32> {
    if to == from || to == 0 {
        return img.to_vec();
    }
    let f = from / to;
    let mut out = vec![0.0f64; to * to];
    for j in 0..from {
        let orow = (j / f) * to;
        for (i, &v) in img[j * from..(j + 1) * from].iter().enumerate() {
            out[orow + i / f] += v as f64;
        }
    }
    let area = (f * f) as f64;
    out.into_iter().map(|v| (v / area) as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Block means conserve flux: the mean surface brightness of the whole map is unchanged,
    /// and a 2×2 block of (1, 2, 3, 4) becomes 2.5.
    #[test]
    fn block_mean_conserves_flux() {
        let img: Vec<f32> = (0..36).map(|k| k as f32).collect();
        let out = block_mean(&img, 6, 3);
        assert_eq!(out.len(), 9);
        assert_eq!(out[0], (0.0 + 1.0 + 6.0 + 7.0) / 4.0);
        let mean_in: f32 = img.iter().sum::<f32>() / 36.0;
        let mean_out: f32 = out.iter().sum::<f32>() / 9.0;
        assert!((mean_in - mean_out).abs() < 1e-5);
        assert_eq!(block_mean(&img, 6, 6), img);
    }

    /// The 8 transforms are distinct permutations of the pixels, rotation by 90° four times
    /// and a transpose twice are the identity, and a 2×2 map rotates as a rotation should.
    #[test]
    fn dihedral_group() {
        let img: Vec<f32> = (0..16).map(|k| k as f32).collect();
        let mut seen = Vec::new();
        for op in 0..8u8 {
            let t = dihedral(&img, 4, op);
            let mut sorted = t.clone();
            sorted.sort_by(f32::total_cmp);
            assert_eq!(sorted, img, "op {op} is a permutation");
            assert!(!seen.contains(&t), "op {op} repeats another");
            seen.push(t);
        }
        let mut r = img.clone();
        for _ in 0..4 {
            r = dihedral(&r, 4, 1);
        }
        assert_eq!(r, img);
        assert_eq!(dihedral(&dihedral(&img, 4, 4), 4, 4), img);
        // [[a, b], [c, d]] (rows top to bottom) rotated 90° CCW in (x right, y down) pixel
        // order is [[b, d], [a, c]].
        assert_eq!(
            dihedral(&[1.0, 2.0, 3.0, 4.0], 2, 1),
            vec![2.0, 4.0, 1.0, 3.0]
        );
    }
}
