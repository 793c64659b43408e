//! L2 and L1 regression objectives as in LightGBM's `regression_objective.hpp`:
//! gradients (as f32, LightGBM's `score_t`), the initial score of `boost_from_average` and
//! the L1 leaf renewal. Labels are f32 (LightGBM's `label_t`), scores f64.

use super::params::Objective;

/// Fills `grad` with the gradients of the loss at `score` (hessians are the constant 1).
/// L2: score − label; L1: sign(score − label).
pub fn gradients(obj: Objective, score: &[f64], label: &[f32], grad: &mut [f32]) {
    match obj {
        Objective::L2 => {
            for ((g, &s), &y) in grad.iter_mut().zip(score).zip(label) {
                *g = (s - y as f64) as f32;
            }
        }
        Objective::L1 => {
            for ((g, &s), &y) in grad.iter_mut().zip(score).zip(label) {
                let d = s - y as f64;
                *g = ((d > 0.0) as i32 - (d < 0.0) as i32) as f32;
            }
        }
    }
}

/// The constant hessian of both objectives.
pub const HESSIAN: f32 = 1.0;

/// Initial score (`BoostFromScore`): the mean label (L2, summed in f64) or the median
/// label (L1, LightGBM's `PercentileFun` in f32 arithmetic).
pub fn boost_from_score(obj: Objective, label: &[f32]) -> f64 {
    match obj {
        Objective::L2 => {
            let mut s = 0.0f64;
            for &y in label {
                s += y as f64;
            }
            s / label.len() as f64
        }
        Objective::L1 => median_f32(label) as f64,
    }
}

/// Ranks of LightGBM's percentile at α = 0.5: the result is v1 − (v1 − v2)·bias with v1
/// the `pos`-th and v2 the (`pos`+1)-th largest value (1-based).
fn median_ranks(n: usize) -> (usize, f64) {
    let float_pos = (n - 1) as f64 * 0.5;
    let pos = float_pos as usize + 1;
    (pos, float_pos - (pos - 1) as f64)
}

/// `PercentileFun(label_t, …, 0.5)`: the median of f32 values, computed as LightGBM does
/// (interpolation between the two middle values, the difference in f32).
pub fn median_f32(v: &[f32]) -> f32 {
    if v.len() <= 1 {
        return v.first().copied().unwrap_or(0.0);
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| b.total_cmp(a));
    let (pos, bias) = median_ranks(s.len());
    let v1 = s[pos - 1];
    let v2 = s[pos];
    (v1 as f64 - (v1 - v2) as f64 * bias) as f32
}

/// `PercentileFun(double, …, 0.5)`: the median of f64 values (the L1 leaf renewal).
/// `v` is reordered.
pub fn median_f64(v: &mut [f64]) -> f64 {
    if v.len() <= 1 {
        return v.first().copied().unwrap_or(0.0);
    }
    let n = v.len();
    let (pos, bias) = median_ranks(n);
    // Descending order: the pos-th and (pos+1)-th largest.
    let (_, &mut v1, rest) = v.select_nth_unstable_by(pos - 1, |a, b| b.total_cmp(a));
    let v2 = rest.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    v1 - (v1 - v2) * bias
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median_f32(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median_f32(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median_f64(&mut [5.0, 1.0, 4.0, 2.0]), 3.0);
        assert_eq!(median_f64(&mut [7.0]), 7.0);
    }

    #[test]
    fn gradient_signs() {
        let mut g = [0.0f32; 3];
        gradients(Objective::L1, &[1.0, 2.0, 3.0], &[2.0, 2.0, 2.0], &mut g);
        assert_eq!(g, [-1.0, 0.0, 1.0]);
        gradients(Objective::L2, &[1.0, 2.0, 3.0], &[2.0, 2.0, 2.0], &mut g);
        assert_eq!(g, [-1.0, 0.0, 1.0]);
    }
}
