//! The best split of one feature's histogram (LightGBM's
//! `FeatureHistogram::FindBestThresholdSequentially`, reverse scan, no missing values).
//!
//! For a leaf with gradient sum G and hessian sum H, the gain of a leaf is
//! T(G)²/(H + λ₂) with T(G) = sign(G)·max(0, |G| − λ₁), its output −T(G)/(H + λ₂). A split
//! is kept when gain(left) + gain(right) > gain(parent) + `min_gain_to_split`, both sides
//! hold ≥ `min_data_in_leaf` rows and ≥ `min_sum_hessian_in_leaf`; its reported gain is the
//! excess over that shift.

use super::K_EPSILON;
use super::histogram::HistBin;
use super::params::GbdtParams;

/// A candidate split of a leaf (LightGBM's `SplitInfo`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitInfo {
    /// Real feature index, −1 when none.
    pub feature: i32,
    /// Threshold bin: rows with bin ≤ threshold go left.
    pub threshold: u32,
    /// Output of the left child.
    pub left_output: f64,
    /// Output of the right child.
    pub right_output: f64,
    /// Rows going left.
    pub left_count: usize,
    /// Rows going right.
    pub right_count: usize,
    /// Σ gradient on the left.
    pub left_sum_gradient: f64,
    /// Σ hessian on the left.
    pub left_sum_hessian: f64,
    /// Σ gradient on the right.
    pub right_sum_gradient: f64,
    /// Σ hessian on the right.
    pub right_sum_hessian: f64,
    /// Split gain over the parent (minus `min_gain_to_split`); −∞ when no split.
    pub gain: f64,
}

impl Default for SplitInfo {
    fn default() -> Self {
        Self {
            feature: -1,
            threshold: 0,
            left_output: 0.0,
            right_output: 0.0,
            left_count: 0,
            right_count: 0,
            left_sum_gradient: 0.0,
            left_sum_hessian: 0.0,
            right_sum_gradient: 0.0,
            right_sum_hessian: 0.0,
            gain: f64::NEG_INFINITY,
        }
    }
}

impl SplitInfo {
    /// LightGBM's `SplitInfo::operator>`: larger gain wins, ties go to the smaller feature
    /// index (no feature counts as the largest index).
    pub fn better_than(&self, other: &SplitInfo) -> bool {
        let a = if self.gain.is_nan() {
            f64::NEG_INFINITY
        } else {
            self.gain
        };
        let b = if other.gain.is_nan() {
            f64::NEG_INFINITY
        } else {
            other.gain
        };
        if a != b {
            return a > b;
        }
        let fa = if self.feature < 0 {
            i32::MAX
        } else {
            self.feature
        };
        let fb = if other.feature < 0 {
            i32::MAX
        } else {
            other.feature
        };
        fa < fb
    }
}

/// `Common::Sign` as a double.
fn sign(x: f64) -> f64 {
    ((x > 0.0) as i32 - (x < 0.0) as i32) as f64
}

/// `ThresholdL1`: sign(s)·max(0, |s| − l1).
pub fn threshold_l1(s: f64, l1: f64) -> f64 {
    sign(s) * (s.abs() - l1).max(0.0)
}

/// Leaf output −T(G)/(H + λ₂) (`CalculateSplittedLeafOutput`, no max_delta_step).
pub fn leaf_output(sum_grad: f64, sum_hess: f64, p: &GbdtParams) -> f64 {
    -threshold_l1(sum_grad, p.lambda_l1) / (sum_hess + p.lambda_l2)
}

/// Leaf gain T(G)²/(H + λ₂) (`GetLeafGain`).
pub fn leaf_gain(sum_grad: f64, sum_hess: f64, p: &GbdtParams) -> f64 {
    let sg = threshold_l1(sum_grad, p.lambda_l1);
    sg * sg / (sum_hess + p.lambda_l2)
}

/// LightGBM's `RoundInt`.
fn round_int(x: f64) -> i64 {
    (x + 0.5) as i64
}

/// Finds the best threshold of one feature for a leaf with totals `sum_gradient`,
/// `sum_hessian` over `num_data` rows (`FindBestThreshold` with missing type "None").
/// Returns the split (gain −∞ when none) and whether any threshold beat the parent
/// ("splittable", which LightGBM propagates to the children).
pub fn find_best_threshold(
    hist: &[HistBin],
    real_feature: i32,
    sum_gradient: f64,
    sum_hessian: f64,
    num_data: usize,
    p: &GbdtParams,
) -> (SplitInfo, bool) {
    let sum_hessian = sum_hessian + 2.0 * K_EPSILON;
    let num_bin = hist.len();
    let gain_shift = leaf_gain(sum_gradient, sum_hessian, p);
    let min_gain_shift = gain_shift + p.min_gain_to_split;
    let cnt_factor = num_data as f64 / sum_hessian;
    let min_data = p.min_data_in_leaf as i64;
    let num_data = num_data as i64;

    let no_l1 = p.lambda_l1 == 0.0;
    let l2 = p.lambda_l2;
    let mut splittable = false;
    let mut best_gain = f64::NEG_INFINITY;
    let mut best_left_count = 0i64;
    let mut best_sum_left_gradient = f64::NAN;
    let mut best_sum_left_hessian = f64::NAN;
    let mut best_threshold = num_bin as u32;

    let mut sum_right_gradient = 0.0f64;
    let mut sum_right_hessian = K_EPSILON;
    let mut right_count = 0i64;
    // From the last bin down to bin 1: threshold t − 1 puts bins ≥ t on the right.
    for t in (1..num_bin).rev() {
        let b = hist[t];
        // An empty bin leaves every sum, count and hence the gain as in the previous
        // step, whose outcome (skip, or a gain that cannot strictly beat itself) repeats:
        // skipping it changes nothing.
        if b.hess == 0.0 && b.grad == 0.0 && t + 1 < num_bin {
            continue;
        }
        let cnt = round_int(b.hess * cnt_factor);
        sum_right_gradient += b.grad;
        sum_right_hessian += b.hess;
        right_count += cnt;
        if right_count < min_data || sum_right_hessian < p.min_sum_hessian_in_leaf {
            continue;
        }
        let left_count = num_data - right_count;
        if left_count < min_data {
            break;
        }
        let sum_left_hessian = sum_hessian - sum_right_hessian;
        if sum_left_hessian < p.min_sum_hessian_in_leaf {
            break;
        }
        let sum_left_gradient = sum_gradient - sum_right_gradient;
        // Without L1, T(G) = G exactly: the same gain without the sign arithmetic.
        let current_gain = if no_l1 {
            sum_left_gradient * sum_left_gradient / (sum_left_hessian + l2)
                + sum_right_gradient * sum_right_gradient / (sum_right_hessian + l2)
        } else {
            leaf_gain(sum_left_gradient, sum_left_hessian, p)
                + leaf_gain(sum_right_gradient, sum_right_hessian, p)
        };
        if !(current_gain > min_gain_shift) {
            continue;
        }
        splittable = true;
        if current_gain > best_gain {
            best_left_count = left_count;
            best_sum_left_gradient = sum_left_gradient;
            best_sum_left_hessian = sum_left_hessian;
            best_threshold = (t - 1) as u32;
            best_gain = current_gain;
        }
    }

    let mut out = SplitInfo::default();
    if splittable && best_gain > f64::NEG_INFINITY + min_gain_shift {
        let right_grad = sum_gradient - best_sum_left_gradient;
        let right_hess = sum_hessian - best_sum_left_hessian;
        out = SplitInfo {
            feature: real_feature,
            threshold: best_threshold,
            left_output: leaf_output(best_sum_left_gradient, best_sum_left_hessian, p),
            right_output: leaf_output(right_grad, right_hess, p),
            left_count: best_left_count as usize,
            right_count: (num_data - best_left_count) as usize,
            left_sum_gradient: best_sum_left_gradient,
            left_sum_hessian: best_sum_left_hessian - K_EPSILON,
            right_sum_gradient: right_grad,
            right_sum_hessian: sum_hessian - best_sum_left_hessian - K_EPSILON,
            gain: best_gain - min_gain_shift,
        };
    }
    // LightGBM sets `feature` on the (possibly empty) result.
    out.feature = real_feature;
    (out, splittable)
}
