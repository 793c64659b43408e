//! SPH smoothing lengths of the star particles (galaxy-model.md 4.1).
//!
//! h_i is the distance from star i to its 32nd nearest *other* star (the 33rd nearest
//! including itself), found with a k-d tree (`kiddo`), Gadget convention: the kernel support
//! radius is h. The default is the 3D distance, computed once per galaxy and shared by the
//! three projections; option [`Hsml::Knn2d`] uses the projected distance in the image plane
//! of each projection instead. Lengths in kpc, f64.
//!
//! With fewer than 33 stars the farthest other star sets h; a lone star gets h = 0 (the
//! renderer then uses one pixel, h_eff = max(h, Δ)).

use std::num::NonZeroUsize;

use kiddo::SquaredEuclidean;
use kiddo::immutable::float::kdtree::ImmutableKdTree;
use serde::{Deserialize, Serialize};

/// Number of neighbours (other than the particle itself) enclosed by the smoothing length.
pub const N_NEIGHBOURS: usize = 32;

/// Which distance defines the smoothing length (4.1, option `hsml`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hsml {
    /// 3D distance to the 32nd nearest other star, once per galaxy (paper-faithful). Default.
    #[default]
    Knn3d,
    /// Projected (image-plane) distance to the 32nd nearest other star, per projection.
    Knn2d,
}

/// 3D smoothing lengths (kpc) of particles at positions `pos` (kpc): the distance to the
/// `n_neighbours`-th nearest other particle. Non-finite positions get h = 0 and are not
/// used as neighbours of the others.
pub fn smoothing_lengths_3d(pos: &[[f32; 3]], n_neighbours: usize) -> Vec<f64> {
    let pts: Vec<[f64; 3]> = pos.iter().map(|p| p.map(|x| x as f64)).collect();
    knn_distance(&pts, n_neighbours)
}

/// Projected smoothing lengths (kpc) in the image plane: `u`, `w` are the image coordinates
/// (kpc) of one projection; h is the 2D distance to the `n_neighbours`-th nearest other
/// particle.
pub fn smoothing_lengths_2d(u: &[f64], w: &[f64], n_neighbours: usize) -> Vec<f64> {
    let pts: Vec<[f64; 2]> = u.iter().zip(w).map(|(&a, &b)| [a, b]).collect();
    knn_distance(&pts, n_neighbours)
}

/// Distance from each point to its `k`-th nearest other point, via an immutable k-d tree of
/// the finite points. Points that are not finite get 0.
///
/// Queries run in Morton (Z-curve) order in chunks of [`CHUNK`]; each query first collects
/// the points within √[`FACTOR`] times the previous (spatially adjacent) particle's distance
/// and selects the (k+1)-th smallest distance among them; when fewer than k + 1 points lie
/// inside, it falls back to a k-nearest query. The result is exact either way.
fn knn_distance<const K: usize>(pts: &[[f64; K]], k: usize) -> Vec<f64> {
    let finite: Vec<usize> = (0..pts.len())
        .filter(|&i| pts[i].iter().all(|x| x.is_finite()))
        .collect();
    let mut h = vec![0.0; pts.len()];
    if finite.len() < 2 || k == 0 {
        return h;
    }
    let tree_pts: Vec<[f64; K]> = finite.iter().map(|&i| pts[i]).collect();
    let tree: ImmutableKdTree<f64, u32, K, 32> = ImmutableKdTree::new_from_slice(&tree_pts);
    // k other points plus the point itself, bounded by the number of points available.
    let want = (k + 1).min(tree_pts.len());
    let Some(qty) = NonZeroUsize::new(want) else {
        return h;
    };
    let order = morton_order(&tree_pts);
    let run = |chunk: &[usize]| -> Vec<f64> {
        let mut prev = f64::INFINITY;
        let mut buf: Vec<f64> = Vec::new();
        chunk
            .iter()
            .map(|&i| {
                let q = &tree_pts[i];
                let near = if prev.is_finite() {
                    tree.within_unsorted::<SquaredEuclidean>(q, FACTOR * prev)
                } else {
                    Vec::new()
                };
                let d2 = if near.len() >= want {
                    buf.clear();
                    buf.extend(near.iter().map(|nb| nb.distance));
                    *buf.select_nth_unstable_by(want - 1, f64::total_cmp).1
                } else {
                    let all = tree.nearest_n::<SquaredEuclidean>(q, qty);
                    all.last().map_or(0.0, |nb| nb.distance)
                };
                prev = if d2 > 0.0 { d2 } else { f64::INFINITY };
                d2.max(0.0).sqrt()
            })
            .collect()
    };
    #[cfg(feature = "parallel")]
    let values: Vec<Vec<f64>> = {
        use rayon::prelude::*;
        order.par_chunks(CHUNK).map(run).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let values: Vec<Vec<f64>> = order.chunks(CHUNK).map(run).collect();
    for (&i, v) in order.iter().zip(values.into_iter().flatten()) {
        h[finite[i]] = v;
    }
    h
}

/// Queries per chunk of [`knn_distance`] (the unit of parallel work).
const CHUNK: usize = 1024;
/// Squared search radius of a query relative to the previous particle's squared distance.
const FACTOR: f64 = 1.3;

/// Indices of `pts` sorted along a Morton (Z-order) curve of 2^(60/K) cells per axis over
/// the points' bounding cube, so consecutive points are spatial neighbours.
fn morton_order<const K: usize>(pts: &[[f64; K]]) -> Vec<usize> {
    let bits = 60 / K as u32;
    let cells = (1u64 << bits) as f64;
    let mut lo = [f64::INFINITY; K];
    let mut hi = [f64::NEG_INFINITY; K];
    for p in pts {
        for a in 0..K {
            lo[a] = lo[a].min(p[a]);
            hi[a] = hi[a].max(p[a]);
        }
    }
    let span = (0..K).map(|a| hi[a] - lo[a]).fold(0.0, f64::max);
    let scale = if span > 0.0 { cells / span } else { 0.0 };
    let max_cell = (1u64 << bits) - 1;
    let mut keyed: Vec<(u64, usize)> = pts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let c: [u64; K] =
                std::array::from_fn(|a| (((p[a] - lo[a]) * scale) as u64).min(max_cell));
            let mut key = 0u64;
            for bit in (0..bits).rev() {
                for ca in c {
                    key = (key << 1) | ((ca >> bit) & 1);
                }
            }
            (key, i)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Brute-force O(N²) k-th-nearest-other distance.
    fn brute<const K: usize>(pts: &[[f64; K]], k: usize) -> Vec<f64> {
        pts.iter()
            .enumerate()
            .map(|(i, p)| {
                let mut d: Vec<f64> = pts
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .map(|(_, q)| (0..K).map(|a| (p[a] - q[a]).powi(2)).sum::<f64>().sqrt())
                    .collect();
                d.sort_by(f64::total_cmp);
                d[(k - 1).min(d.len() - 1)]
            })
            .collect()
    }

    /// 4.1: the k-d tree gives the distance to the 32nd nearest other star, equal to a
    /// brute-force O(N²) search (3D and projected), on a clustered set.
    #[test]
    fn knn_matches_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(41);
        let n = 1500; // more than one query chunk
        // A dense core plus a sparse halo, so h spans more than a decade.
        let pos: Vec<[f32; 3]> = (0..n)
            .map(|i| {
                let s = if i % 3 == 0 { 5.0 } else { 0.5 };
                [0, 1, 2].map(|_| (rng.random_range(-1.0..1.0) * s) as f32)
            })
            .collect();
        let h = smoothing_lengths_3d(&pos, N_NEIGHBOURS);
        let p64: Vec<[f64; 3]> = pos.iter().map(|p| p.map(|x| x as f64)).collect();
        let hb = brute(&p64, N_NEIGHBOURS);
        for i in 0..n {
            assert!(
                (h[i] - hb[i]).abs() < 1e-12 * hb[i],
                "{i}: {} vs {}",
                h[i],
                hb[i]
            );
        }
        let (lo, hi) = h
            .iter()
            .fold((f64::MAX, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
        assert!(hi / lo > 10.0, "h range {lo}..{hi}");

        let u: Vec<f64> = p64.iter().map(|p| p[0]).collect();
        let w: Vec<f64> = p64.iter().map(|p| p[1]).collect();
        let h2 = smoothing_lengths_2d(&u, &w, N_NEIGHBOURS);
        let p2: Vec<[f64; 2]> = p64.iter().map(|p| [p[0], p[1]]).collect();
        let hb2 = brute(&p2, N_NEIGHBOURS);
        for i in 0..n {
            assert!((h2[i] - hb2[i]).abs() < 1e-12 * hb2[i]);
            // A projected neighbourhood is never larger than the 3D one.
            assert!(h2[i] <= h[i] * (1.0 + 1e-12));
        }
    }

    /// On a cubic lattice of spacing a, the 32nd nearest other point of an interior point is
    /// at distance 2a (shells: 6 at a, 12 at √2a, 8 at √3a, 6 at 2a: 32 in all; then 24 at
    /// √5a), and with 33 neighbours it is √5a.
    #[test]
    fn lattice_gives_analytic_h() {
        let a = 0.25f32;
        let mut pos = Vec::new();
        for i in 0..11 {
            for j in 0..11 {
                for k in 0..11 {
                    pos.push([i as f32 * a, j as f32 * a, k as f32 * a]);
                }
            }
        }
        let h = smoothing_lengths_3d(&pos, N_NEIGHBOURS);
        let centre = 5 * 121 + 5 * 11 + 5;
        assert!((h[centre] - 2.0 * 0.25).abs() < 1e-12, "{}", h[centre]);
        let h33 = smoothing_lengths_3d(&pos, 33);
        assert!(
            (h33[centre] - 5f64.sqrt() * 0.25).abs() < 1e-7,
            "{}",
            h33[centre]
        );
    }

    /// Small sets: with fewer than 33 stars the farthest other star sets h; one star gets 0;
    /// a non-finite position gets 0 and is ignored by the others.
    #[test]
    fn small_and_bad_inputs() {
        let pos = [[0.0f32, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 3.0, 0.0]];
        let h = smoothing_lengths_3d(&pos, N_NEIGHBOURS);
        assert_eq!(h, vec![3.0, 10f64.sqrt(), 10f64.sqrt()]);
        assert_eq!(smoothing_lengths_3d(&pos[..1], N_NEIGHBOURS), vec![0.0]);
        let bad = [[0.0f32, 0.0, 0.0], [f32::NAN, 0.0, 0.0], [2.0, 0.0, 0.0]];
        assert_eq!(smoothing_lengths_3d(&bad, 1), vec![2.0, 0.0, 2.0]);
    }
}
