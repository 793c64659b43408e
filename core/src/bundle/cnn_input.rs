//! One galaxy's maps → the tensors a CNN bundle reads: every input present, each plane
//! resampled to the model's grid (light: luminosity-conserving; kinematics: masked means —
//! [`crate::upload`]) and normalised as the manifest says. The one code path of
//! `galmass predict --r … --vel …` and the web app.

use burn::tensor::{Device, Tensor, TensorData};

use super::{BundleError, Manifest, ModelKind, SIDE_INPUT};
use crate::observe::normalise::normalise;
use crate::upload::{
    FileError, KinematicMaps, Limits, MapFormat, UploadError, check_kinematic_shape,
    check_light_shape, read_map, resample_kinematic, resample_surface_brightness,
};

/// One uploaded input in physical units, at its own (square) size.
#[derive(Clone, Debug, PartialEq)]
pub enum GalaxyMap {
    /// Surface brightness (L☉ kpc⁻²), row-major, `side`² values.
    Light {
        /// Pixels per side.
        side: usize,
        /// Values.
        sb: Vec<f32>,
    },
    /// V, σ (km/s) and mask.
    Kinematic(KinematicMaps),
}

/// A galaxy as a CNN bundle reads it: named maps (`r`, `g`, `vel`) and, when the model takes
/// it, log10(R_hsm / kpc).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GalaxyInputs {
    /// Maps by input name.
    pub maps: Vec<(String, GalaxyMap)>,
    /// log10 of the half-stellar-mass radius in kpc.
    pub log_rhsm: Option<f64>,
}

/// Network-ready data of one galaxy: per branch (network order) the normalised planes,
/// C × S × S values, and the side input.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedInputs {
    /// Per branch: values and (C, S).
    pub branches: Vec<(Vec<f32>, [usize; 2])>,
    /// log10(R_hsm/kpc) when the network takes it.
    pub side: Option<f32>,
}

impl PreparedInputs {
    /// The tensors for [`crate::cnn::MultiBranchResNet::try_forward`] (batch of one).
    pub fn tensors(&self, device: &Device) -> (Vec<Tensor<4>>, Option<Tensor<2>>) {
        let maps = self
            .branches
            .iter()
            .map(|(v, [c, s])| {
                Tensor::from_data(TensorData::new(v.clone(), [1, *c, *s, *s]), device)
            })
            .collect();
        let side = self
            .side
            .map(|x| Tensor::from_data(TensorData::new(vec![x], [1, 1]), device));
        (maps, side)
    }
}

fn missing(name: &str, needed: Vec<usize>) -> BundleError {
    BundleError::MissingInput {
        name: name.to_string(),
        needed,
    }
}

impl Manifest {
    /// Resamples and normalises `g` for this CNN bundle. Missing inputs, inputs the model does
    /// not read, a light map given for `vel` (or the reverse), a missing or non-finite
    /// R_hsm, and the `gr` input (give `g` and `r` maps to a model trained on them) are errors
    /// naming the input.
    pub fn prepare(&self, g: &GalaxyInputs) -> Result<PreparedInputs, BundleError> {
        if self.kind != ModelKind::Cnn {
            return Err(BundleError::Kind {
                expected: "cnn",
                found: self.kind.name(),
            });
        }
        for (name, _) in &g.maps {
            if !self
                .inputs
                .iter()
                .any(|i| &i.name == name && !i.shape.is_empty())
            {
                return Err(BundleError::UnexpectedInput {
                    name: name.clone(),
                    expected: self.inputs.iter().map(|s| s.name.clone()).collect(),
                });
            }
        }
        let net = self
            .network
            .as_ref()
            .ok_or_else(|| BundleError::Invalid("a CNN bundle without its network".into()))?;
        let side = if net.side_input {
            let v = g
                .log_rhsm
                .filter(|x| x.is_finite())
                .ok_or_else(|| missing(SIDE_INPUT, vec![]))?;
            Some(v as f32)
        } else {
            None
        };
        let mut branches = Vec::new();
        for b in &net.branches {
            let spec = self
                .inputs
                .iter()
                .find(|i| i.name == b.input.name())
                .ok_or_else(|| {
                    BundleError::Invalid(format!("no input for branch {}", b.input.name()))
                })?;
            let size = *spec.shape.last().unwrap_or(&0);
            let map = g
                .maps
                .iter()
                .find(|(n, _)| n == &spec.name)
                .map(|(_, m)| m)
                .ok_or_else(|| missing(&spec.name, spec.shape.clone()))?;
            let bad = |what: &str| BundleError::Invalid(format!("input {}: {what}", spec.name));
            let mut out = Vec::with_capacity(spec.planes.len() * size * size);
            match map {
                GalaxyMap::Light { side: n, sb } => {
                    if spec.planes.len() != 1 || spec.name == "gr" {
                        return Err(bad("needs kinematic maps or a colour, not one light map"));
                    }
                    let r = resample_surface_brightness(sb, *n, size)
                        .map_err(|e| bad(&e.to_string()))?;
                    let kind = spec.planes[0]
                        .quantity
                        .map_kind()
                        .ok_or_else(|| bad("mask plane"))?;
                    out.extend(normalise(&r, kind, None, &spec.planes[0].norm));
                }
                GalaxyMap::Kinematic(k) => {
                    if spec.planes.len() != 3 {
                        return Err(bad("is a light map, got kinematic maps"));
                    }
                    let r = resample_kinematic(k, size).map_err(|e| bad(&e.to_string()))?;
                    let mask_f: Vec<f32> = r.mask.iter().map(|&m| f32::from(m)).collect();
                    for (plane, values) in spec.planes.iter().zip([&r.v, &r.sigma, &mask_f]) {
                        match plane.quantity.map_kind() {
                            Some(kind) => {
                                out.extend(normalise(values, kind, Some(&r.mask), &plane.norm))
                            }
                            None => out.extend_from_slice(values),
                        }
                    }
                }
            }
            branches.push((out, [spec.planes.len(), size]));
        }
        Ok(PreparedInputs { branches, side })
    }
}

impl GalaxyMap {
    /// One uploaded file as a model input (the browser's and `galmass predict`'s path): the
    /// format from the file name or, failing that, the first bytes; the parser's size limits
    /// checked before allocating; finite values; a light map one square plane, kinematic maps
    /// 2 or 3 square planes. `model_size` (the model's grid side) only shapes the messages.
    /// Errors name the file.
    pub fn from_upload(
        file_name: &str,
        bytes: &[u8],
        light: bool,
        model_size: usize,
    ) -> Result<GalaxyMap, FileError> {
        let fail = |e: UploadError| e.in_file(file_name);
        let format = MapFormat::from_file_name(file_name)
            .or_else(|| MapFormat::sniff(bytes))
            .ok_or_else(|| {
                fail(UploadError::NotFormat {
                    format: "FITS, NPY or PNG",
                    reason: "unknown file name extension and first bytes".into(),
                })
            })?;
        let map = read_map(bytes, format, &Limits::default()).map_err(fail)?;
        if light {
            check_light_shape(&map, model_size).map_err(fail)?;
            Ok(GalaxyMap::Light {
                side: map.width,
                sb: map.data,
            })
        } else {
            check_kinematic_shape(&map, model_size).map_err(fail)?;
            Ok(GalaxyMap::Kinematic(
                KinematicMaps::from_map(&map).map_err(fail)?,
            ))
        }
    }
}
