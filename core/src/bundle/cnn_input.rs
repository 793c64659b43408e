//! One galaxy's maps → the tensors a CNN bundle reads: every input present, each plane
//! resampled to the model's grid (light: luminosity-conserving; kinematics: masked means —
//! [`crate::upload`]) and normalised as the manifest says. The one code path of
//! `galmass predict --r … --vel …` and the web app.

use burn::tensor::{Device, Tensor, TensorData};

use super::{BundleError, Manifest, ModelKind, SIDE_INPUT};
use crate::cnn::CnnInput;
use crate::cnn::scalars::{MapsForScalars, map_scalars};
use crate::observe::normalise::normalise;
use crate::telescope::MapScale;
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

/// A galaxy as a CNN bundle reads it: named maps (`r`, `g`, `vel`) laid on ±3 of a radius
/// (`scale`) and, when the model takes it, log10 of that radius in kpc.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GalaxyInputs {
    /// Maps by input name.
    pub maps: Vec<(String, GalaxyMap)>,
    /// log10 of the scale radius in kpc: the half-stellar-mass radius R_hsm (the paper's), or
    /// R_e when `scale` is [`MapScale::Re`].
    pub log_rhsm: Option<f64>,
    /// The radius the maps cover ±3 of; it must be the model's (`training.scale`).
    pub scale: MapScale,
}

/// Network-ready data of one galaxy: per branch (network order) the normalised planes,
/// C × S × S values, and the side input.
#[derive(Clone, Debug, PartialEq)]
pub struct PreparedInputs {
    /// Per branch: values and (C, S).
    pub branches: Vec<(Vec<f32>, [usize; 2])>,
    /// The side input when the network takes it: log10(R_hsm/kpc), then for a hybrid model
    /// the map scalars ([`crate::cnn::scalars`]); empty otherwise.
    pub side: Vec<f32>,
}

impl PreparedInputs {
    /// The tensors for [`crate::cnn::MultiBranchResNet::try_forward`] (batch of one).
    pub fn tensors(&self, device: &Device) -> (Vec<Tensor<4>>, Option<Tensor<2>>) {
        Self::batch_tensors(std::slice::from_ref(self), device)
    }

    /// The tensors of a batch of galaxies prepared by one manifest (same branches and
    /// shapes), galaxy k at batch index k: per branch N × C × S × S, and the side input
    /// N × K when the network takes one. `galmass predict`, `explain` and the web page batch
    /// through here.
    pub fn batch_tensors(
        batch: &[PreparedInputs],
        device: &Device,
    ) -> (Vec<Tensor<4>>, Option<Tensor<2>>) {
        let n = batch.len();
        let Some(first) = batch.first() else {
            return (Vec::new(), None);
        };
        let maps = first
            .branches
            .iter()
            .enumerate()
            .map(|(b, (_, [c, s]))| {
                let data: Vec<f32> = batch
                    .iter()
                    .flat_map(|p| p.branches[b].0.iter().copied())
                    .collect();
                Tensor::from_data(TensorData::new(data, [n, *c, *s, *s]), device)
            })
            .collect();
        let k = first.side.len();
        let side = (k > 0).then(|| {
            let v: Vec<f32> = batch.iter().flat_map(|p| p.side.iter().copied()).collect();
            Tensor::from_data(TensorData::new(v, [n, k]), device)
        });
        (maps, side)
    }
}

/// Whether the model input `input` reads the uploaded map named `map`: its own name, or `g`
/// and `r` for the two-channel light input `rg`.
pub fn reads_map(input: &str, map: &str) -> bool {
    input == map || (input == CnnInput::Rg.name() && (map == "g" || map == "r"))
}

fn missing(name: &str, needed: Vec<usize>) -> BundleError {
    BundleError::MissingInput {
        name: name.to_string(),
        needed,
    }
}

impl Manifest {
    /// Whether some input of this model reads the map named `map` (`r`, `g`, `vel`, …).
    pub fn reads(&self, map: &str) -> bool {
        self.inputs
            .iter()
            .any(|i| !i.shape.is_empty() && reads_map(&i.name, map))
    }

    /// `g` with only the maps this model reads: for probing a model on galaxies that carry
    /// more maps than it takes (a gallery holds r, g and vel; an r + vel model reads two).
    pub fn keep_read_maps(&self, g: &GalaxyInputs) -> GalaxyInputs {
        GalaxyInputs {
            maps: g
                .maps
                .iter()
                .filter(|(name, _)| self.reads(name))
                .cloned()
                .collect(),
            log_rhsm: g.log_rhsm,
            scale: g.scale,
        }
    }

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
            if !self.reads(name) {
                return Err(BundleError::UnexpectedInput {
                    name: name.clone(),
                    expected: self.inputs.iter().map(|s| s.name.clone()).collect(),
                });
            }
        }
        if g.scale != self.training.scale {
            return Err(BundleError::Scale {
                maps: g.scale,
                model: self.training.scale,
            });
        }
        let net = self
            .network
            .as_ref()
            .ok_or_else(|| BundleError::Invalid("a CNN bundle without its network".into()))?;
        let mut side = Vec::new();
        if net.side_input {
            let v = g
                .log_rhsm
                .filter(|x| x.is_finite())
                .ok_or_else(|| missing(SIDE_INPUT, vec![]))?;
            side.push(v as f32);
        }
        // The physical maps at the network's sizes, for the hybrid model's map scalars.
        let mut phys = PhysicalMaps::default();
        // R_hsm in kpc, for normalisations that need it (light per cell of fixed size in
        // units of R_hsm): then required even without the side input.
        let rhsm_kpc = g
            .log_rhsm
            .filter(|x| x.is_finite())
            .map_or(f64::NAN, |x| 10f64.powf(x));
        let needs_rhsm = self
            .inputs
            .iter()
            .flat_map(|i| &i.planes)
            .any(|p| p.norm.needs_rhsm());
        if needs_rhsm && rhsm_kpc.is_nan() {
            return Err(missing(SIDE_INPUT, vec![]));
        }
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
            let bad = |what: &str| BundleError::Invalid(format!("input {}: {what}", spec.name));
            if spec.name == CnnInput::Rg.name() {
                // The two-channel light branch: the g map, then the r map.
                let mut out = Vec::with_capacity(2 * size * size);
                for (band, plane) in ["g", "r"].into_iter().zip(&spec.planes) {
                    let map = g
                        .maps
                        .iter()
                        .find(|(n, _)| n == band)
                        .map(|(_, m)| m)
                        .ok_or_else(|| missing(band, spec.shape[1..].to_vec()))?;
                    let GalaxyMap::Light { side: n, sb } = map else {
                        return Err(bad("needs g and r light maps, got kinematic maps"));
                    };
                    let r = resample_surface_brightness(sb, *n, size)
                        .map_err(|e| bad(&e.to_string()))?;
                    let kind = plane.quantity.map_kind().ok_or_else(|| bad("mask plane"))?;
                    out.extend(normalise(&r, kind, None, &plane.norm, rhsm_kpc));
                    phys.keep(band, r, size);
                }
                if spec.planes.len() != 2 {
                    return Err(bad("needs two planes (g, r)"));
                }
                branches.push((out, [2, size]));
                continue;
            }
            let map = g
                .maps
                .iter()
                .find(|(n, _)| n == &spec.name)
                .map(|(_, m)| m)
                .ok_or_else(|| missing(&spec.name, spec.shape.clone()))?;
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
                    out.extend(normalise(&r, kind, None, &spec.planes[0].norm, rhsm_kpc));
                    phys.keep(&spec.name, r, size);
                }
                GalaxyMap::Kinematic(k) => {
                    if spec.planes.len() != 3 {
                        return Err(bad("is a light map, got kinematic maps"));
                    }
                    let r = resample_kinematic(k, size).map_err(|e| bad(&e.to_string()))?;
                    let mask_f: Vec<f32> = r.mask.iter().map(|&m| f32::from(m)).collect();
                    for (plane, values) in spec.planes.iter().zip([&r.v, &r.sigma, &mask_f]) {
                        match plane.quantity.map_kind() {
                            Some(kind) => out.extend(normalise(
                                values,
                                kind,
                                Some(&r.mask),
                                &plane.norm,
                                rhsm_kpc,
                            )),
                            None => out.extend_from_slice(values),
                        }
                    }
                    phys.kin = Some(r);
                }
            }
            branches.push((out, [spec.planes.len(), size]));
        }
        if net.is_hybrid() {
            side.extend(phys.scalars(rhsm_kpc)?.map(|x| x as f32));
        }
        Ok(PreparedInputs { branches, side })
    }
}

/// The physical maps a galaxy's branches were prepared from, at the network's sizes.
#[derive(Default)]
struct PhysicalMaps {
    r: Option<(Vec<f32>, usize)>,
    g: Option<(Vec<f32>, usize)>,
    kin: Option<KinematicMaps>,
}

impl PhysicalMaps {
    fn keep(&mut self, band: &str, sb: Vec<f32>, side: usize) {
        match band {
            "r" => self.r = Some((sb, side)),
            "g" => self.g = Some((sb, side)),
            _ => {}
        }
    }

    /// The map scalars of the hybrid model ([`crate::cnn::scalars`]).
    fn scalars(&self, rhsm_kpc: f64) -> Result<[f64; 3], BundleError> {
        let bad = |what: &str| BundleError::Invalid(format!("hybrid model: {what}"));
        let ((r, side), (g, _), k) = match (&self.r, &self.g, &self.kin) {
            (Some(r), Some(g), Some(k)) if r.1 == g.1 => (r, g, k),
            _ => return Err(bad("needs the g, r and kinematic maps")),
        };
        map_scalars(&MapsForScalars {
            r,
            g,
            light_side: *side,
            v: &k.v,
            sigma: &k.sigma,
            mask: &k.mask,
            kin_side: k.size,
            rhsm_kpc,
        })
        .map_err(|e| bad(&e.to_string()))
    }
}

/// What turns a PNG's relative brightness into surface brightness: the luminosity inside the
/// image and the half-mass radius that sets its field (6 R_hsm across, as every light map).
/// Grey levels are taken as proportional to brightness (a linear image, no gamma or log
/// stretch).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PngCalibration {
    /// Luminosity of the band inside the image, L☉.
    pub luminosity_lsun: f64,
    /// Half-stellar-mass radius, kpc.
    pub rhsm_kpc: f64,
}

impl PngCalibration {
    /// From the absolute AB magnitude `m_abs` of the light inside the image and the Sun's
    /// absolute magnitude `msun` in that band (r: [`crate::units::MSUN_R`]):
    /// L = 10^{−0.4 (M − M☉)} L☉.
    pub fn from_magnitude(m_abs: f64, msun: f64, rhsm_kpc: f64) -> Self {
        Self {
            luminosity_lsun: crate::units::lum_from_mag(m_abs, msun),
            rhsm_kpc,
        }
    }

    /// Scales relative brightness `rel` (`side`² values) in place to L☉ kpc⁻²:
    /// sb = L · rel / (Σ rel · A_pix) with the pixel area A_pix = (6 R_hsm / side)², so the
    /// image holds exactly L.
    pub fn apply(&self, rel: &mut [f32], side: usize) -> Result<(), UploadError> {
        let bad = |what: String| Err(UploadError::Calibration(what));
        if !(self.luminosity_lsun.is_finite() && self.luminosity_lsun > 0.0) {
            return bad(format!(
                "the luminosity for the PNG must be positive and finite, got {}",
                self.luminosity_lsun
            ));
        }
        if !(self.rhsm_kpc.is_finite() && self.rhsm_kpc > 0.0) {
            return bad(format!(
                "the half-mass radius for the PNG must be positive and finite, got {}",
                self.rhsm_kpc
            ));
        }
        let total: f64 = rel.iter().map(|&v| f64::from(v)).sum();
        if side == 0 || total.is_nan() || total <= 0.0 {
            return bad("the PNG is black: no light to scale".into());
        }
        let pixel_kpc = 6.0 * self.rhsm_kpc / side as f64;
        let scale = self.luminosity_lsun / (total * pixel_kpc * pixel_kpc);
        for v in rel.iter_mut() {
            *v = (f64::from(*v) * scale) as f32;
        }
        Ok(())
    }
}

impl GalaxyMap {
    /// One uploaded file as a model input (the browser's and `galmass predict`'s path): the
    /// format from the file name or, failing that, the first bytes; the parser's size limits
    /// checked before allocating; finite values; a light map one square plane, kinematic maps
    /// 2 or 3 square planes. `model_size` (the model's grid side) only shapes the messages.
    /// A PNG light map holds relative brightness only and needs `png` to become surface
    /// brightness (refused without it). Errors name the file.
    pub fn from_upload(
        file_name: &str,
        bytes: &[u8],
        light: bool,
        model_size: usize,
        png: Option<&PngCalibration>,
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
        let mut map = read_map(bytes, format, &Limits::default()).map_err(fail)?;
        if light {
            check_light_shape(&map, model_size).map_err(fail)?;
            if format == MapFormat::Png {
                let c = png.ok_or_else(|| {
                    fail(UploadError::Calibration(
                        "a PNG holds relative brightness only: give the absolute AB magnitude \
                         of the light inside the image to scale it to L☉/kpc²"
                            .into(),
                    ))
                })?;
                c.apply(&mut map.data, map.width).map_err(fail)?;
            }
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

#[cfg(test)]
mod png_tests {
    use super::*;

    /// A 16-bit grey PNG whose levels are proportional to `sb` (map row 0 = bottom row).
    fn png16(sb: &[f32], side: usize) -> Vec<u8> {
        let max = sb.iter().copied().fold(0.0f32, f32::max);
        let mut rows = Vec::with_capacity(2 * side * side);
        for row in (0..side).rev() {
            for col in 0..side {
                let level = (f64::from(sb[row * side + col] / max) * 65535.0).round() as u16;
                rows.extend_from_slice(&level.to_be_bytes());
            }
        }
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, side as u32, side as u32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Sixteen);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&rows).unwrap();
        w.finish().unwrap();
        out
    }

    /// An exponential disc seen face-on, L☉ kpc⁻², on the 6 R_hsm field of `rhsm`.
    fn disc(side: usize, rhsm: f64, sigma0: f64) -> Vec<f32> {
        let pix = 6.0 * rhsm / side as f64;
        let rd = rhsm / 1.678;
        (0..side * side)
            .map(|k| {
                let (row, col) = (k / side, k % side);
                let x = (col as f64 + 0.5) * pix - 3.0 * rhsm;
                let y = (row as f64 + 0.5) * pix - 3.0 * rhsm;
                (sigma0 * (-(x.hypot(y)) / rd).exp()) as f32
            })
            .collect()
    }

    #[test]
    fn a_calibrated_png_is_the_surface_brightness_it_was_made_from() {
        let (side, rhsm) = (64, 3.5);
        let sb = disc(side, rhsm, 2e9);
        let pix = 6.0 * rhsm / side as f64;
        let lum: f64 = sb.iter().map(|&v| f64::from(v) * pix * pix).sum();
        let mag = crate::units::abs_mag(lum, crate::units::MSUN_R);
        let c = PngCalibration::from_magnitude(mag, crate::units::MSUN_R, rhsm);
        let map = GalaxyMap::from_upload("disc.png", &png16(&sb, side), true, 60, Some(&c))
            .expect("calibrated PNG");
        let GalaxyMap::Light { side: s, sb: got } = map else {
            panic!("a light map");
        };
        assert_eq!(s, side);
        // The image holds the luminosity given, exactly (f32 sums aside).
        let held: f64 = got.iter().map(|&v| f64::from(v) * pix * pix).sum();
        assert!((held / lum - 1.0).abs() < 1e-5, "{held} vs {lum}");
        // Pixels agree within the 16-bit quantisation of the levels (and the total's
        // rescaling), bottom row first as in the FITS convention.
        let max = f64::from(sb.iter().copied().fold(0.0f32, f32::max));
        for (k, (a, b)) in sb.iter().zip(&got).enumerate() {
            let err = (f64::from(*a) - f64::from(*b)).abs();
            assert!(
                err <= max / 65535.0 + 1e-4 * f64::from(*a),
                "pixel {k}: {a} vs {b}"
            );
        }
    }

    #[test]
    fn a_png_without_its_magnitude_or_without_light_is_refused() {
        let side = 16;
        let bytes = png16(&disc(side, 2.0, 1e9), side);
        let err = GalaxyMap::from_upload("img.png", &bytes, true, 60, None).unwrap_err();
        assert!(matches!(err.source, UploadError::Calibration(_)));
        assert!(
            err.to_string()
                .starts_with("img.png: a PNG holds relative brightness only")
        );
        let black = png16(&vec![0.0; side * side], side);
        let c = PngCalibration::from_magnitude(-21.0, crate::units::MSUN_R, 2.0);
        let err = GalaxyMap::from_upload("black.png", &black, true, 60, Some(&c)).unwrap_err();
        assert!(err.to_string().contains("black"), "{err}");
        let bad = PngCalibration::from_magnitude(f64::NAN, crate::units::MSUN_R, 2.0);
        assert!(GalaxyMap::from_upload("img.png", &bytes, true, 60, Some(&bad)).is_err());
    }
}
