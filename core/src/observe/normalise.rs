//! Normalisations of the maps for the CNN (galaxy-model.md 4.4), applied when a model reads
//! maps; the dataset stores physical maps.
//!
//! * [`Norm::Physical`] (default): fixed transforms, the same for every galaxy —
//!   surface brightness S (L☉ kpc⁻²): x = clip((log10 S − 5)/5, 0, 1) (0 where S ≤ 0);
//!   g−r: x = clip((c + 0.2)/1.4, 0, 1); V: x = clip(0.5 + V/1000 km/s, 0, 1);
//!   σ: x = clip(σ/500 km/s, 0, 1).
//! * [`Norm::PerMapMinMax`]: x = (p − min)/(max − min) over the map's unmasked pixels; masked
//!   pixels are excluded from min/max and set to 0.
//! * [`Norm::DatasetMinMax`]: the same with min and max taken over the training set
//!   ([`MinMax`]), clipped to [0, 1] for values outside that range.
//!
//! * [`Norm::CellLuminosity`] (light maps; the default of new CNN runs, beyond the paper):
//!   the log luminosity of a cell of fixed size in units of R_hsm,
//!   x = max(0, (log10(S · (c R_hsm)²) − lo) / span), 0 where S ≤ 0. The maps cover ±3 R_hsm,
//!   so S · (c R_hsm)² is the light of a fixed fraction of the field: a sum over the map is
//!   linear in the galaxy's luminosity L (not L/R_hsm² as surface brightness is) and the same
//!   at 300, 150 or 60 px. Needs R_hsm. No upper clip: a brighter galaxy stays brighter.
//! * [`Norm::LinearLuminosity`] (light maps; the paper-literal input, Sec. 2.2 "pixels
//!   linearly scaled into [0, 1]"): the luminosity of the pixel, S · (6 R_hsm / side)², over
//!   one fixed reference (L☉), clipped to [0, 1]. Needs R_hsm.
//!
//! A constant map (max = min) normalises to 0 under both min–max variants.

use serde::{Deserialize, Serialize};

/// What a map holds, which fixes its physical transform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MapKind {
    /// Surface brightness in L☉ kpc⁻² (r or g band).
    SurfaceBrightness,
    /// g−r colour in mag.
    Colour,
    /// Mean line-of-sight velocity V in km/s.
    Velocity,
    /// Line-of-sight velocity dispersion σ in km/s.
    Dispersion,
}

/// Running minimum and maximum of a map kind over a set of maps (e.g. the training split),
/// for [`Norm::DatasetMinMax`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MinMax {
    /// Smallest unmasked finite value seen.
    pub min: f64,
    /// Largest unmasked finite value seen.
    pub max: f64,
}

impl Default for MinMax {
    fn default() -> Self {
        MinMax {
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl MinMax {
    /// Extends the range with the finite values of `map` whose `mask` is 1 (all values when
    /// `mask` is `None`).
    pub fn update(&mut self, map: &[f32], mask: Option<&[u8]>) {
        for (k, &v) in map.iter().enumerate() {
            if mask.is_some_and(|m| m.get(k) != Some(&1)) || !v.is_finite() {
                continue;
            }
            self.min = self.min.min(v as f64);
            self.max = self.max.max(v as f64);
        }
    }

    /// The range of one map (see [`MinMax::update`]).
    pub fn of(map: &[f32], mask: Option<&[u8]>) -> Self {
        let mut mm = MinMax::default();
        mm.update(map, mask);
        mm
    }

    /// (p − min)/(max − min) clipped to [0, 1]; 0 when the range is empty or degenerate.
    pub fn scale(&self, p: f64) -> f64 {
        let span = self.max - self.min;
        if span > 0.0 && span.is_finite() && p.is_finite() {
            ((p - self.min) / span).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// The constants of [`Norm::CellLuminosity`]: cell side `cell_rhsm` (units of R_hsm) and the
/// log10 luminosity range (L☉) mapped to [0, 1].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellLuminosity {
    /// Side of the cell in units of R_hsm.
    pub cell_rhsm: f64,
    /// log10 of the cell luminosity (L☉) that maps to 0.
    pub log_lo: f64,
    /// log10 range mapped to 1.
    pub span: f64,
}

impl CellLuminosity {
    /// The fixed constants of new runs: cells of 0.1 R_hsm, log10 L_cell from 4 (faint
    /// outskirts; 0 below) over 5 dex (a bright centre, 10⁹ L☉, is 1).
    pub const DEFAULT: CellLuminosity = CellLuminosity {
        cell_rhsm: 0.1,
        log_lo: 4.0,
        span: 5.0,
    };

    /// x of one pixel of surface brightness `sb` (L☉ kpc⁻²) of a galaxy of half-mass radius
    /// `rhsm_kpc`; 0 where the light or the radius is not positive.
    pub fn apply(&self, sb: f64, rhsm_kpc: f64) -> f64 {
        if !(sb > 0.0 && rhsm_kpc > 0.0) {
            return 0.0;
        }
        let cell_kpc = self.cell_rhsm * rhsm_kpc;
        let x = ((sb * cell_kpc * cell_kpc).log10() - self.log_lo) / self.span;
        if x.is_finite() { x.max(0.0) } else { 0.0 }
    }
}

/// Which normalisation a model applies to the maps it reads (4.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Norm {
    /// Fixed physical transforms (recommended default).
    #[default]
    Physical,
    /// Min–max over each map's unmasked pixels.
    PerMapMinMax,
    /// Min–max over the training set, given.
    DatasetMinMax(MinMax),
    /// Light maps: the log luminosity per cell of fixed size in units of R_hsm (needs R_hsm;
    /// other map kinds fall back to [`Norm::Physical`]).
    CellLuminosity(CellLuminosity),
    /// Light maps: the pixel's luminosity over a fixed reference in L☉, clipped to [0, 1]
    /// (the paper's linear scaling; needs R_hsm; other map kinds fall back to
    /// [`Norm::Physical`]).
    LinearLuminosity(f64),
}

/// The fixed reference of the paper-literal [`Norm::LinearLuminosity`] (L☉ per pixel): the
/// brightest pixels of the mock galaxies on a 60² grid, so that they map near 1.
pub const LINEAR_LUMINOSITY_REFERENCE: f64 = 1e9;

impl Norm {
    /// Whether this normalisation needs the galaxy's R_hsm.
    pub fn needs_rhsm(&self) -> bool {
        matches!(self, Norm::CellLuminosity(_) | Norm::LinearLuminosity(_))
    }
}

/// Fixed physical transform of one value `p` of a map of `kind` (see the module docs).
pub fn physical(kind: MapKind, p: f64) -> f64 {
    let x = match kind {
        MapKind::SurfaceBrightness => {
            if p > 0.0 {
                (p.log10() - 5.0) / 5.0
            } else {
                0.0
            }
        }
        MapKind::Colour => (p + 0.2) / 1.4,
        MapKind::Velocity => 0.5 + p / 1000.0,
        MapKind::Dispersion => p / 500.0,
    };
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Normalises `map` of `kind` with `norm`; `mask` (1 = valid) excludes pixels from the
/// min–max ranges and sets them to 0 there (the physical transform ignores it: masked V and
/// σ are stored as 0 and the mask is a separate channel). `rhsm_kpc` is the galaxy's
/// half-stellar-mass radius, read only by [`Norm::CellLuminosity`] (give NaN when unknown and
/// the norm does not need it). Values in [0, 1], except cell luminosities (≥ 0, no upper
/// clip).
pub fn normalise(
    map: &[f32],
    kind: MapKind,
    mask: Option<&[u8]>,
    norm: &Norm,
    rhsm_kpc: f64,
) -> Vec<f32> {
    let masked = |k: usize| mask.is_some_and(|m| m.get(k) != Some(&1));
    let minmax = |mm: MinMax| -> Vec<f32> {
        map.iter()
            .enumerate()
            .map(|(k, &p)| {
                if masked(k) {
                    0.0
                } else {
                    mm.scale(p as f64) as f32
                }
            })
            .collect()
    };
    match norm {
        Norm::Physical => map
            .iter()
            .map(|&p| physical(kind, p as f64) as f32)
            .collect(),
        Norm::PerMapMinMax => minmax(MinMax::of(map, mask)),
        Norm::DatasetMinMax(mm) => minmax(*mm),
        Norm::CellLuminosity(c) if kind == MapKind::SurfaceBrightness => map
            .iter()
            .map(|&p| c.apply(p as f64, rhsm_kpc) as f32)
            .collect(),
        Norm::LinearLuminosity(reference) if kind == MapKind::SurfaceBrightness => {
            let side = (map.len() as f64).sqrt().max(1.0);
            let area = (6.0 * rhsm_kpc / side).powi(2);
            map.iter()
                .map(|&p| {
                    let x = p as f64 * area / reference;
                    if x.is_finite() {
                        x.clamp(0.0, 1.0) as f32
                    } else {
                        0.0
                    }
                })
                .collect()
        }
        Norm::CellLuminosity(_) | Norm::LinearLuminosity(_) => {
            normalise(map, kind, mask, &Norm::Physical, rhsm_kpc)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 4.4 physical: 10⁵ and 10¹⁰ L☉ kpc⁻² map to 0 and 1, 10^7.5 to ½; g−r −0.2 → 0,
    /// 1.2 → 1; V = 0 → ½, ±500 km/s → 1 and 0; σ = 250 → ½; out-of-range values clip.
    #[test]
    fn physical_transforms() {
        let sb = MapKind::SurfaceBrightness;
        assert!(physical(sb, 1e5).abs() < 1e-12);
        assert!((physical(sb, 1e10) - 1.0).abs() < 1e-12);
        assert!((physical(sb, 10f64.powf(7.5)) - 0.5).abs() < 1e-12);
        assert_eq!(physical(sb, 1e12), 1.0);
        assert_eq!(physical(sb, 0.0), 0.0);
        assert!(physical(MapKind::Colour, -0.2).abs() < 1e-12);
        assert!((physical(MapKind::Colour, 1.2) - 1.0).abs() < 1e-12);
        assert!((physical(MapKind::Velocity, 0.0) - 0.5).abs() < 1e-12);
        assert!((physical(MapKind::Velocity, 500.0) - 1.0).abs() < 1e-12);
        assert!(physical(MapKind::Velocity, -500.0).abs() < 1e-12);
        assert!((physical(MapKind::Dispersion, 250.0) - 0.5).abs() < 1e-12);
        assert_eq!(physical(MapKind::Dispersion, 900.0), 1.0);
        let out = normalise(&[1e5, 1e10], sb, None, &Norm::Physical, f64::NAN);
        assert_eq!(out, vec![0.0, 1.0]);
    }

    /// 4.4 per_map_minmax: x = (p − min)/(max − min) over unmasked pixels, masked pixels
    /// excluded (a masked extreme does not stretch the range) and set to 0.
    #[test]
    fn per_map_minmax_excludes_masked_pixels() {
        let map = [10.0f32, 20.0, 30.0, -500.0, 1000.0];
        let mask = [1u8, 1, 1, 0, 0];
        let x = normalise(
            &map,
            MapKind::Velocity,
            Some(&mask),
            &Norm::PerMapMinMax,
            f64::NAN,
        );
        assert_eq!(x, vec![0.0, 0.5, 1.0, 0.0, 0.0]);
        let x = normalise(
            &map[..3],
            MapKind::Velocity,
            None,
            &Norm::PerMapMinMax,
            f64::NAN,
        );
        assert_eq!(x, vec![0.0, 0.5, 1.0]);
        // Constant map → 0.
        let x = normalise(
            &[3.0, 3.0],
            MapKind::Dispersion,
            None,
            &Norm::PerMapMinMax,
            f64::NAN,
        );
        assert_eq!(x, vec![0.0, 0.0]);
    }

    /// 4.4 dataset_minmax: min/max accumulated over several (training) maps, then applied to
    /// any map, values outside the training range clipped to [0, 1].
    #[test]
    fn dataset_minmax_uses_the_training_range() {
        let mut mm = MinMax::default();
        mm.update(&[0.0, 50.0], None);
        mm.update(&[100.0, -1e9], Some(&[1, 0]));
        assert_eq!((mm.min, mm.max), (0.0, 100.0));
        let x = normalise(
            &[25.0, 150.0, -10.0, 40.0],
            MapKind::Dispersion,
            Some(&[1, 1, 1, 0]),
            &Norm::DatasetMinMax(mm),
            f64::NAN,
        );
        assert_eq!(x, vec![0.25, 1.0, 0.0, 0.0]);
    }

    /// Cell luminosity: x is linear in log10 L_cell = log10(S (0.1 R_hsm)²), so ×10 in light
    /// adds 1/span everywhere, and a galaxy twice as large with the same surface brightness
    /// has 4× the light per cell (+log10 4 / span); the same S at another pixel count gives the
    /// same x (surface brightness is kept by block means).
    #[test]
    fn cell_luminosity_is_log_light_per_cell() {
        let c = CellLuminosity::DEFAULT;
        let n = Norm::CellLuminosity(c);
        let sb = MapKind::SurfaceBrightness;
        // S = 1e8 L☉/kpc², R_hsm = 10 kpc: cell 1 kpc² holds 1e8 L☉ → (8 − 4)/5.
        let x = normalise(&[1e8, 0.0, -3.0], sb, None, &n, 10.0);
        assert!((x[0] - 0.8).abs() < 1e-6, "{x:?}");
        assert_eq!(&x[1..], &[0.0, 0.0]);
        let bright = normalise(&[1e9], sb, None, &n, 10.0)[0];
        assert!((bright - x[0] - 0.2).abs() < 1e-6);
        let big = normalise(&[1e8], sb, None, &n, 20.0)[0];
        assert!((big - x[0] - (4f32).log10() / 5.0).abs() < 1e-6);
        // Beyond the range: not clipped above, floored at 0 below.
        assert!((normalise(&[1e12], sb, None, &n, 10.0)[0] - 1.6).abs() < 1e-6);
        assert_eq!(normalise(&[1.0], sb, None, &n, 10.0)[0], 0.0);
        // Kinematic maps keep the physical transform.
        assert_eq!(
            normalise(&[250.0], MapKind::Dispersion, None, &n, 10.0),
            normalise(
                &[250.0],
                MapKind::Dispersion,
                None,
                &Norm::Physical,
                f64::NAN
            )
        );
        assert!(n.needs_rhsm() && !Norm::Physical.needs_rhsm());
    }

    /// Paper-literal linear luminosity: a 2×2 map over ±3 R_hsm with R_hsm = 1 kpc has
    /// pixels of 9 kpc², so S = 1e7 L☉/kpc² is 9e7 L☉ → 0.09 of a 1e9 reference; linear
    /// (twice the light, twice x), clipped at 1.
    #[test]
    fn linear_luminosity_is_the_pixel_light_over_a_reference() {
        let n = Norm::LinearLuminosity(1e9);
        let sb = MapKind::SurfaceBrightness;
        let x = normalise(&[1e7, 2e7, 0.0, 1e12], sb, None, &n, 1.0);
        assert!(
            (x[0] - 0.09).abs() < 1e-7 && (x[1] - 0.18).abs() < 1e-7,
            "{x:?}"
        );
        assert_eq!(&x[2..], &[0.0, 1.0]);
        assert!(n.needs_rhsm());
    }
}
