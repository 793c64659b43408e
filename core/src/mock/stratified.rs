//! Stratified uniforms and rank pairing (galaxy-model.md 2.2).
//!
//! Every inverse-CDF draw of the generator uses stratified uniforms u_i = (π(i) + U_i)/N, with
//! π a random permutation and U_i ~ U(0,1): each of the N strata (k/N, (k+1)/N) holds exactly
//! one draw, so enclosed-mass profiles of the particles are exact to one particle. Correlated
//! quantiles (inside-out discs: radius and formation time) are made by rank pairing of a
//! correlated Gaussian pair.

use rand::Rng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, StandardNormal};

/// The sorted stratified set (k + U_k)/N, k = 0…N−1, U_k ~ U(0,1): increasing, one value in
/// each stratum.
pub fn sorted_stratified<R: Rng + ?Sized>(rng: &mut R, n: usize) -> Vec<f64> {
    let nf = n as f64;
    (0..n)
        .map(|k| (k as f64 + rng.random::<f64>()) / nf)
        .collect()
}

/// N stratified uniforms in random order: u_i = (π(i) + U_i)/N.
pub fn stratified_uniforms<R: Rng + ?Sized>(rng: &mut R, n: usize) -> Vec<f64> {
    let mut u = sorted_stratified(rng, n);
    u.shuffle(rng);
    u
}

/// Two stratified sets (u, v) of length N whose ranks are paired through a Gaussian pair
/// (g1, g2) with correlation `rho` ∈ [−1, 1]: the particle with the k-th smallest g1 gets the
/// k-th smallest u, likewise g2 → v. Both marginals stay exactly stratified; the rank
/// correlation of (u, v) is ≈ (6/π) asin(ρ/2) ≈ ρ.
pub fn rank_paired_uniforms<R: Rng + ?Sized>(
    rng: &mut R,
    n: usize,
    rho: f64,
) -> (Vec<f64>, Vec<f64>) {
    let rho = rho.clamp(-1.0, 1.0);
    let s = (1.0 - rho * rho).sqrt();
    let mut g1 = Vec::with_capacity(n);
    let mut g2 = Vec::with_capacity(n);
    for _ in 0..n {
        let a: f64 = StandardNormal.sample(rng);
        let b: f64 = StandardNormal.sample(rng);
        g1.push(a);
        g2.push(rho * a + s * b);
    }
    let u_sorted = sorted_stratified(rng, n);
    let v_sorted = sorted_stratified(rng, n);
    (
        assign_by_rank(&g1, &u_sorted),
        assign_by_rank(&g2, &v_sorted),
    )
}

/// Bits of the particle index in the packed sort key.
const IDX_BITS: u32 = 20;

/// `out[i] = sorted[rank of key[i]]`.
fn assign_by_rank(key: &[f64], sorted: &[f64]) -> Vec<f64> {
    if key.len() < (1 << IDX_BITS) {
        assign_by_rank_packed(key, sorted)
    } else {
        assign_by_rank_pairs(key, sorted)
    }
}

/// Fast path of [`assign_by_rank`] for N < 2^20: one u64 per particle, the key quantised to 44
/// bits (monotone; resolution 16/2^44 ≈ 1e-12 for Gaussian keys clamped to ±8) above the index.
fn assign_by_rank_packed(key: &[f64], sorted: &[f64]) -> Vec<f64> {
    let scale = ((1u64 << 44) - 1) as f64 / 16.0;
    let mut packed: Vec<u64> = key
        .iter()
        .enumerate()
        .map(|(i, &k)| (((k.clamp(-8.0, 8.0) + 8.0) * scale) as u64) << IDX_BITS | i as u64)
        .collect();
    packed.sort_unstable();
    let mut out = vec![0.0; key.len()];
    for (rank, &p) in packed.iter().enumerate() {
        out[(p & ((1 << IDX_BITS) - 1)) as usize] = sorted[rank];
    }
    out
}

/// General path of [`assign_by_rank`]: sort (key, index) pairs.
fn assign_by_rank_pairs(key: &[f64], sorted: &[f64]) -> Vec<f64> {
    let mut idx: Vec<(f64, usize)> = key.iter().copied().zip(0..).collect();
    idx.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = vec![0.0; key.len()];
    for (rank, &(_, i)) in idx.iter().enumerate() {
        out[i] = sorted[rank];
    }
    out
}

/// An isotropic unit vector from two plain (unstratified) uniforms: cos θ ~ U(−1,1),
/// φ ~ U(0, 2π).
pub fn isotropic_direction<R: Rng + ?Sized>(rng: &mut R) -> [f64; 3] {
    let cos_t = 2.0 * rng.random::<f64>() - 1.0;
    let sin_t = (1.0 - cos_t * cos_t).max(0.0).sqrt();
    let phi = std::f64::consts::TAU * rng.random::<f64>();
    [sin_t * phi.cos(), sin_t * phi.sin(), cos_t]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::galaxy_rng;

    #[test]
    fn stratified_uniforms_fill_every_stratum_once() {
        let mut rng = galaxy_rng(1, 2);
        let n = 1000;
        let u = stratified_uniforms(&mut rng, n);
        let mut seen = vec![0; n];
        for &x in &u {
            assert!((0.0..1.0).contains(&x));
            seen[(x * n as f64) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| c == 1));
        // Random order: not sorted.
        assert!(u.windows(2).any(|w| w[0] > w[1]));
    }

    #[test]
    fn packed_and_pair_rank_assignment_agree() {
        let mut rng = galaxy_rng(5, 6);
        let n = 5000;
        let key: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
        let sorted = sorted_stratified(&mut rng, n);
        assert_eq!(
            assign_by_rank_packed(&key, &sorted),
            assign_by_rank_pairs(&key, &sorted)
        );
    }

    #[test]
    fn rank_pairing_keeps_marginals_and_correlates_ranks() {
        let mut rng = galaxy_rng(3, 4);
        let n = 20000;
        let (u, v) = rank_paired_uniforms(&mut rng, n, 0.3);
        for set in [&u, &v] {
            let mut seen = vec![0; n];
            for &x in set.iter() {
                seen[(x * n as f64) as usize] += 1;
            }
            assert!(seen.iter().all(|&c| c == 1));
        }
        // Spearman correlation of uniforms = Pearson correlation of the values (ranks ∝ u).
        let mean = 0.5;
        let cov: f64 = u
            .iter()
            .zip(&v)
            .map(|(a, b)| (a - mean) * (b - mean))
            .sum::<f64>()
            / n as f64;
        let spearman = cov * 12.0;
        let expect = 6.0 / std::f64::consts::PI * (0.15f64).asin();
        assert!((spearman - expect).abs() < 0.03, "{spearman} vs {expect}");
    }
}
