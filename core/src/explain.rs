//! Where a model looks: occlusion sensitivity (Zeiler & Fergus 2014). A patch of one input
//! map is blanked — no light in a light map; no measurement (V = σ = 0, masked) in the
//! kinematic maps — the model re-runs, and the change of each predicted log10 target is added
//! to every pixel the patch covered. Averaged over the patches that covered it, a pixel's
//! value is how much, in dex, the prediction moves when that part of the galaxy is hidden.
//! Beyond the paper; the one code path of `galmass explain` and, next, the web app.
//!
//! The model is any function from [`GalaxyInputs`] to log10 targets, so the same saliency
//! maps come from a CNN ensemble on any backend or from a test function with a known answer.

use serde::{Deserialize, Serialize};

use crate::bundle::cnn_input::{GalaxyInputs, GalaxyMap};

/// Patch and stride of the occlusion, as fractions of each map's side.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Occlusion {
    /// Patch side / map side (1/8 by default: 0.75 R_hsm on a ±3 R_hsm map).
    pub patch_frac: f64,
    /// Step between patches / map side (1/16 by default: every pixel covered about 4 times).
    pub stride_frac: f64,
}

impl Default for Occlusion {
    fn default() -> Self {
        Self {
            patch_frac: 0.125,
            stride_frac: 0.0625,
        }
    }
}

/// One saliency map: how `target` moves (dex) when each part of input `input` is hidden.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Saliency {
    /// The hidden input: a map (`r`, `g`, `vel`) or a group of maps hidden together (`rg`).
    pub input: String,
    /// The target (`mstar`, `mtot`, …).
    pub target: String,
    /// Pixels per side of the map.
    pub side: usize,
    /// Mean change of log10(target) over the patches covering each pixel, dex, row-major.
    pub delta_dex: Vec<f32>,
}

impl Saliency {
    /// The pixel whose hiding moves the target most (largest |Δ|), as (row, column, Δ).
    pub fn strongest(&self) -> Option<(usize, usize, f32)> {
        let k = (0..self.delta_dex.len())
            .max_by(|&a, &b| self.delta_dex[a].abs().total_cmp(&self.delta_dex[b].abs()))?;
        Some((k / self.side, k % self.side, self.delta_dex[k]))
    }

    /// The map as an NPY file (f32, shape (side, side), row-major), as `galmass explain`
    /// writes it.
    pub fn to_npy(&self) -> Vec<u8> {
        crate::upload::write::npy_f32(&[self.side, self.side], &self.delta_dex)
    }
}

/// One occlusion group per model input of `manifest`: the maps it reads (`r`, `g`, `vel`),
/// hidden together — the bands of a two-channel light input (`rg`) go together, since hiding
/// one alone would only change the colour.
pub fn input_groups(manifest: &crate::bundle::Manifest) -> Vec<(String, Vec<String>)> {
    use crate::bundle::cnn_input::reads_map;
    manifest
        .inputs
        .iter()
        .map(|i| {
            let maps = ["r", "g", "vel"]
                .into_iter()
                .filter(|map| reads_map(&i.name, map))
                .map(str::to_string)
                .collect();
            (i.name.clone(), maps)
        })
        .collect()
}

/// Where a saliency map is strongest, in words: "hiding the vel map near the centre moves
/// mtot most: −0.081 dex". The maps cover ±3 R_hsm.
pub fn in_words(s: &Saliency) -> String {
    match s.strongest() {
        Some((i, j, d)) if d != 0.0 => {
            let c = s.side as f64 / 2.0;
            let r = ((i as f64 + 0.5 - c).hypot(j as f64 + 0.5 - c)) * 6.0 / s.side as f64;
            let place = if r < 0.5 {
                "near the centre".to_string()
            } else {
                format!("{r:.1} R_hsm from the centre")
            };
            format!(
                "hiding the {} map {place} moves {} most: {d:+.3} dex",
                s.input, s.target
            )
        }
        _ => format!(
            "hiding any part of the {} map does not move {}",
            s.input, s.target
        ),
    }
}

/// The saliency colour of `t` = Δ / max|Δ| ∈ [−1, 1]: dark blue (the target drops) through
/// mid grey (no change) to pale yellow (it rises). Its luminance rises monotonically with t,
/// so the map reads in grey too (dark = drops, light = rises). Shared by `galmass explain`'s
/// PNG and the web page.
pub fn colour(t: f64) -> [u8; 3] {
    const STOPS: [[f64; 3]; 5] = [
        [23.0, 37.0, 110.0],
        [64.0, 110.0, 190.0],
        [160.0, 160.0, 160.0],
        [235.0, 185.0, 80.0],
        [255.0, 240.0, 160.0],
    ];
    let x = (t.clamp(-1.0, 1.0) + 1.0) / 2.0 * (STOPS.len() - 1) as f64;
    let k = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - k as f64;
    let (a, b) = (STOPS[k], STOPS[k + 1]);
    [0, 1, 2].map(|c| (a[c] + f * (b[c] - a[c])).round().clamp(0.0, 255.0) as u8)
}

/// Patch origins along one axis of `side` pixels: every `stride`, the last flush with the edge.
fn origins(side: usize, patch: usize, stride: usize) -> Vec<usize> {
    let last = side.saturating_sub(patch);
    let mut v: Vec<usize> = (0..=last).step_by(stride.max(1)).collect();
    if v.last() != Some(&last) {
        v.push(last);
    }
    v
}

/// `map` with the square patch at (i0, j0) of side `p` blanked.
fn blank(map: &GalaxyMap, (i0, j0): (usize, usize), p: usize) -> GalaxyMap {
    let mut m = map.clone();
    let side = side_of(map);
    let cells = (i0..i0 + p).flat_map(|i| (j0..j0 + p).map(move |j| i * side + j));
    match &mut m {
        GalaxyMap::Light { sb, .. } => cells.for_each(|k| sb[k] = 0.0),
        GalaxyMap::Kinematic(k) => cells.for_each(|c| {
            k.v[c] = 0.0;
            k.sigma[c] = 0.0;
            k.mask[c] = 0;
        }),
    }
    m
}

fn side_of(map: &GalaxyMap) -> usize {
    match map {
        GalaxyMap::Light { side, .. } => *side,
        GalaxyMap::Kinematic(k) => k.size,
    }
}

/// Occlusion saliency of every map of `galaxy`, each hidden alone ([`occlusion_grouped`]).
pub fn occlusion<E>(
    galaxy: &GalaxyInputs,
    targets: &[String],
    opts: &Occlusion,
    predict: impl FnMut(&GalaxyInputs) -> Result<Vec<f64>, E>,
) -> Result<Vec<Saliency>, E> {
    let groups: Vec<(String, Vec<String>)> = galaxy
        .maps
        .iter()
        .map(|(n, _)| (n.clone(), vec![n.clone()]))
        .collect();
    occlusion_grouped(galaxy, &groups, targets, opts, predict)
}

/// Occlusion saliency for every target of `targets` (the order of `predict`'s output), one
/// map per group (see [`OcclusionPlan::new`]). `predict` runs once for the galaxy and once per
/// patch, in one go; the web page runs the same [`OcclusionPlan`] in slices.
pub fn occlusion_grouped<E>(
    galaxy: &GalaxyInputs,
    groups: &[(String, Vec<String>)],
    targets: &[String],
    opts: &Occlusion,
    mut predict: impl FnMut(&GalaxyInputs) -> Result<Vec<f64>, E>,
) -> Result<Vec<Saliency>, E> {
    let plan = OcclusionPlan::new(galaxy, groups, opts);
    let base = predict(plan.galaxy())?;
    let preds = (0..plan.len())
        .filter_map(|k| plan.input(k))
        .map(|g| predict(&g))
        .collect::<Result<Vec<_>, E>>()?;
    Ok(plan.finish(targets, &base, &preds))
}

/// One group of maps hidden together, and where its patches go.
#[derive(Clone, Debug)]
struct Group {
    name: String,
    /// Indices of the group's maps in the galaxy.
    maps: Vec<usize>,
    side: usize,
    patch: usize,
    /// Patch origins along either axis.
    starts: Vec<usize>,
}

/// The occlusion of one galaxy as separate steps, so that a caller can run the predictions
/// as it likes (in batches, in slices between which a web page yields, cancellable): the
/// galaxy with patch `k` hidden is [`Self::input`]`(k)` for k < [`Self::len`], and
/// [`Self::finish`] turns the predictions into saliency maps.
#[derive(Clone, Debug)]
pub struct OcclusionPlan {
    galaxy: GalaxyInputs,
    groups: Vec<Group>,
    /// Per hidden input: (group, row origin, column origin).
    jobs: Vec<(usize, usize, usize)>,
}

impl OcclusionPlan {
    /// The plan for `galaxy`: a group (name, map names) hides the same patch of all its maps
    /// at once — the g and r images of a galaxy together are its light (a model input `rg`),
    /// where hiding one band alone would only change the colour. Maps of a group share their
    /// side; groups naming no map of `galaxy`, or maps of different sides, are skipped.
    pub fn new(galaxy: &GalaxyInputs, groups: &[(String, Vec<String>)], opts: &Occlusion) -> Self {
        let mut planned = Vec::new();
        for (name, members) in groups {
            let maps: Vec<usize> = galaxy
                .maps
                .iter()
                .enumerate()
                .filter(|(_, (n, _))| members.contains(n))
                .map(|(k, _)| k)
                .collect();
            let Some(&first) = maps.first() else {
                continue;
            };
            let side = side_of(&galaxy.maps[first].1);
            if maps.iter().any(|&k| side_of(&galaxy.maps[k].1) != side) {
                continue;
            }
            let patch = ((opts.patch_frac * side as f64).round() as usize).clamp(1, side.max(1));
            let stride = ((opts.stride_frac * side as f64).round() as usize).max(1);
            planned.push(Group {
                name: name.clone(),
                maps,
                side,
                patch,
                starts: origins(side, patch, stride),
            });
        }
        let jobs = planned
            .iter()
            .enumerate()
            .flat_map(|(g, group)| {
                group
                    .starts
                    .iter()
                    .flat_map(move |&i| group.starts.iter().map(move |&j| (g, i, j)))
            })
            .collect();
        Self {
            galaxy: galaxy.clone(),
            groups: planned,
            jobs,
        }
    }

    /// The galaxy with nothing hidden (predict it first: the base of every change).
    pub fn galaxy(&self) -> &GalaxyInputs {
        &self.galaxy
    }

    /// Number of hidden inputs (predictions besides the base).
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    /// True when no map can be hidden.
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// The galaxy with patch `k` hidden (`None` for k ≥ [`Self::len`]).
    pub fn input(&self, k: usize) -> Option<GalaxyInputs> {
        let &(g, i0, j0) = self.jobs.get(k)?;
        let group = &self.groups[g];
        let mut out = self.galaxy.clone();
        for &m in &group.maps {
            out.maps[m].1 = blank(&self.galaxy.maps[m].1, (i0, j0), group.patch);
        }
        Some(out)
    }

    /// The saliency maps, per group then per target of `targets` (the order of the
    /// predictions): each pixel's mean change of the prediction, `preds[k]` − `base`, over the
    /// patches `k` that covered it. Missing predictions (fewer than [`Self::len`]) count as
    /// no change.
    pub fn finish(&self, targets: &[String], base: &[f64], preds: &[Vec<f64>]) -> Vec<Saliency> {
        let mut out = Vec::new();
        for (g, group) in self.groups.iter().enumerate() {
            let (side, p) = (group.side, group.patch);
            let mut acc = vec![vec![0f64; side * side]; targets.len()];
            let mut count = vec![0u32; side * side];
            let mine = self
                .jobs
                .iter()
                .zip(preds)
                .filter(|((jg, _, _), _)| *jg == g);
            for (&(_, i0, j0), pred) in mine {
                let cells =
                    || (i0..i0 + p).flat_map(move |i| (j0..j0 + p).map(move |j| i * side + j));
                cells().for_each(|c| count[c] += 1);
                for (t, a) in acc.iter_mut().enumerate() {
                    let d = pred.get(t).zip(base.get(t)).map_or(0.0, |(x, y)| x - y);
                    cells().for_each(|c| a[c] += d);
                }
            }
            for (t, a) in acc.into_iter().enumerate() {
                let delta_dex = a
                    .iter()
                    .zip(&count)
                    .map(|(s, &c)| {
                        if c > 0 {
                            (s / f64::from(c)) as f32
                        } else {
                            0.0
                        }
                    })
                    .collect();
                out.push(Saliency {
                    input: group.name.clone(),
                    target: targets[t].clone(),
                    side,
                    delta_dex,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::resample::KinematicMaps;

    fn galaxy(side: usize, k: usize) -> GalaxyInputs {
        GalaxyInputs {
            maps: vec![
                (
                    "r".into(),
                    GalaxyMap::Light {
                        side,
                        sb: vec![1.0; side * side],
                    },
                ),
                (
                    "vel".into(),
                    GalaxyMap::Kinematic(KinematicMaps {
                        size: k,
                        v: vec![50.0; k * k],
                        sigma: vec![100.0; k * k],
                        mask: vec![1; k * k],
                    }),
                ),
            ],
            log_rhsm: Some(0.5),
            scale: Default::default(),
        }
    }

    /// A model that reads only the light of rows 10–19, columns 30–39 of the r map: its
    /// saliency lights that region and no other map or place.
    #[test]
    fn a_model_reading_one_region_lights_that_region_only() {
        let side = 64;
        let region = |i: usize, j: usize| (10..20).contains(&i) && (30..40).contains(&j);
        let model = |g: &GalaxyInputs| -> Result<Vec<f64>, String> {
            let GalaxyMap::Light { sb, .. } = &g.maps[0].1 else {
                return Err("no light".into());
            };
            let s: f64 = (0..side * side)
                .filter(|&k| region(k / side, k % side))
                .map(|k| f64::from(sb[k]))
                .sum();
            Ok(vec![(1.0 + s).log10()])
        };
        let targets = ["mstar".to_string()];
        let sal = occlusion(&galaxy(side, 32), &targets, &Occlusion::default(), model).unwrap();
        assert_eq!(sal.len(), 2);
        let r = &sal[0];
        assert_eq!((r.input.as_str(), r.side), ("r", side));
        let p = 8; // 1/8 of 64
        for i in 0..side {
            for j in 0..side {
                let d = r.delta_dex[i * side + j];
                // A pixel farther than a patch from the region was never hidden with it.
                let near = (i + p > 10 && i < 20 + p) && (j + p > 30 && j < 40 + p);
                if region(i, j) {
                    assert!(d < -0.01, "({i},{j}) in the region: {d}");
                } else if !near {
                    assert_eq!(d, 0.0, "({i},{j}) far from the region");
                }
            }
        }
        let (i, j, d) = r.strongest().unwrap();
        assert!(region(i, j) && d < 0.0, "strongest at ({i},{j})");
        // The kinematic maps do not matter to this model.
        assert!(sal[1].delta_dex.iter().all(|&d| d == 0.0));
        // The NPY file reads back through the upload parser as the same map.
        let back = crate::upload::read_map(
            &r.to_npy(),
            crate::upload::MapFormat::Npy,
            &crate::upload::Limits::default(),
        )
        .unwrap();
        assert_eq!((back.planes, back.height, back.width), (1, side, side));
        assert_eq!(back.data, r.delta_dex);
    }

    /// Hiding a group hides the same patch of each of its maps in one prediction.
    #[test]
    fn a_group_hides_its_maps_together() {
        let side = 16;
        let mut g = galaxy(side, 8);
        let light = GalaxyMap::Light {
            side,
            sb: vec![1.0; side * side],
        };
        g.maps.insert(1, ("g".into(), light));
        // The model counts the pixels dark in both bands.
        let model = |g: &GalaxyInputs| -> Result<Vec<f64>, String> {
            let band = |k: usize| match &g.maps[k].1 {
                GalaxyMap::Light { sb, .. } => sb.clone(),
                GalaxyMap::Kinematic(_) => Vec::new(),
            };
            let (r, gb) = (band(0), band(1));
            let dark = r.iter().zip(&gb).filter(|(a, b)| **a == 0.0 && **b == 0.0);
            Ok(vec![dark.count() as f64])
        };
        let groups = [("rg".to_string(), vec!["r".to_string(), "g".to_string()])];
        let t = ["m".to_string()];
        let s = occlusion_grouped(&g, &groups, &t, &Occlusion::default(), model).unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].input, "rg");
        assert!(s[0].delta_dex.iter().all(|&d| d > 0.0));
        // Hidden one at a time, the bands never go dark together.
        let alone = occlusion(&g, &t, &Occlusion::default(), model).unwrap();
        assert!(alone.iter().all(|a| a.delta_dex.iter().all(|&d| d == 0.0)));
    }

    #[test]
    fn every_pixel_is_covered_and_errors_pass_through() {
        assert_eq!(origins(64, 8, 4).last(), Some(&56));
        assert_eq!(origins(10, 8, 4), vec![0, 2]);
        assert_eq!(origins(4, 8, 4), vec![0]);
        let err = occlusion(&galaxy(16, 8), &["m".into()], &Occlusion::default(), |_| {
            Err::<Vec<f64>, _>("model failed")
        });
        assert_eq!(err.unwrap_err(), "model failed");
    }

    /// The colour scale reads in grey: its luminance (Rec. 709 weights) rises strictly from
    /// −1 to +1, zero is a neutral grey, and the ends differ in luminance by more than half
    /// the range.
    #[test]
    fn colour_scale_is_monotonic_in_luminance() {
        let luma = |c: [u8; 3]| {
            0.2126 * f64::from(c[0]) + 0.7152 * f64::from(c[1]) + 0.0722 * f64::from(c[2])
        };
        let l: Vec<f64> = (0..=100)
            .map(|k| luma(colour(-1.0 + 0.02 * f64::from(k))))
            .collect();
        assert!(l.windows(2).all(|w| w[1] > w[0]), "{l:?}");
        let z = colour(0.0);
        assert!(z[0] == z[1] && z[1] == z[2], "{z:?}");
        assert!(l[100] - l[0] > 128.0);
    }
}
