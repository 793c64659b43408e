//! Feature discretisation exactly as LightGBM's `BinMapper::FindBin` for numerical
//! features without missing values (`src/io/bin.cpp`).
//!
//! Distinct values are collected (values within one ulp merge, keeping the larger); zero
//! gets a bin of its own, bounded by ±`kZeroThreshold`; negative and positive values are
//! binned separately by `GreedyFindBin`, whose bin upper bounds lie just above the
//! midpoints of neighbouring distinct values (`nextafter((a+b)/2, +∞)`), with at least
//! `min_data_in_bin` rows a bin and at most `max_bin` bins in all.

use serde::{Deserialize, Serialize};

use super::K_ZERO_THRESHOLD;

/// LightGBM's `kSparseThreshold`: the most frequent bin is used as the "fixed" histogram
/// bin only if it holds at least this fraction of rows.
const K_SPARSE_THRESHOLD: f64 = 0.7;

/// `Common::CheckDoubleEqualOrdered`: `b` is at most one ulp above `a`.
fn check_double_equal_ordered(a: f64, b: f64) -> bool {
    b <= a.next_up()
}

/// `GreedyFindBin`: bin upper bounds for sorted distinct values with their counts.
/// The last bound is +∞.
pub fn greedy_find_bin(
    distinct: &[f64],
    counts: &[i64],
    max_bin: i64,
    total_cnt: i64,
    min_data_in_bin: i64,
) -> Vec<f64> {
    let n = distinct.len();
    let mut bounds = Vec::new();
    if n == 0 {
        bounds.push(f64::INFINITY);
        return bounds;
    }
    if n as i64 <= max_bin {
        let mut cur = 0i64;
        for i in 0..n - 1 {
            cur += counts[i];
            if cur >= min_data_in_bin {
                let val = ((distinct[i] + distinct[i + 1]) / 2.0).next_up();
                if bounds
                    .last()
                    .is_none_or(|&b| !check_double_equal_ordered(b, val))
                {
                    bounds.push(val);
                    cur = 0;
                }
            }
        }
        bounds.push(f64::INFINITY);
    } else {
        let mut max_bin = max_bin;
        if min_data_in_bin > 0 {
            max_bin = max_bin.min(total_cnt / min_data_in_bin).max(1);
        }
        let mut mean_bin_size = total_cnt as f64 / max_bin as f64;
        let mut rest_bin_cnt = max_bin;
        let mut rest_sample_cnt = total_cnt;
        let mut is_big = vec![false; n];
        for i in 0..n {
            if counts[i] as f64 >= mean_bin_size {
                is_big[i] = true;
                rest_bin_cnt -= 1;
                rest_sample_cnt -= counts[i];
            }
        }
        mean_bin_size = rest_sample_cnt as f64 / rest_bin_cnt as f64;
        let mb = max_bin as usize;
        let mut upper = vec![f64::INFINITY; mb];
        let mut lower = vec![f64::INFINITY; mb];
        let mut bin_cnt = 0usize;
        lower[0] = distinct[0];
        let mut cur = 0i64;
        for i in 0..n - 1 {
            if !is_big[i] {
                rest_sample_cnt -= counts[i];
            }
            cur += counts[i];
            // `mean_bin_size * 0.5f` is a double times a float.
            if is_big[i]
                || cur as f64 >= mean_bin_size
                || (is_big[i + 1] && cur as f64 >= (mean_bin_size * 0.5).max(1.0))
            {
                upper[bin_cnt] = distinct[i];
                bin_cnt += 1;
                lower[bin_cnt] = distinct[i + 1];
                if bin_cnt as i64 >= max_bin - 1 {
                    break;
                }
                cur = 0;
                if !is_big[i] {
                    rest_bin_cnt -= 1;
                    mean_bin_size = rest_sample_cnt as f64 / rest_bin_cnt as f64;
                }
            }
        }
        bin_cnt += 1;
        for i in 0..bin_cnt - 1 {
            let val = ((upper[i] + lower[i + 1]) / 2.0).next_up();
            if bounds
                .last()
                .is_none_or(|&b| !check_double_equal_ordered(b, val))
            {
                bounds.push(val);
            }
        }
        bounds.push(f64::INFINITY);
    }
    bounds
}

/// `FindBinWithZeroAsOneBin`: negative values, the zero bin and positive values binned
/// separately; returns the bin upper bounds (last +∞).
pub fn find_bin_with_zero_as_one_bin(
    distinct: &[f64],
    counts: &[i64],
    max_bin: i64,
    total_sample_cnt: i64,
    min_data_in_bin: i64,
) -> Vec<f64> {
    let n = distinct.len();
    let mut left_cnt_data = 0i64;
    let mut cnt_zero = 0i64;
    let mut right_cnt_data = 0i64;
    for (&v, &c) in distinct.iter().zip(counts) {
        if v <= -K_ZERO_THRESHOLD {
            left_cnt_data += c;
        } else if v > K_ZERO_THRESHOLD {
            right_cnt_data += c;
        } else {
            cnt_zero += c;
        }
    }
    let left_cnt = distinct
        .iter()
        .position(|&v| v > -K_ZERO_THRESHOLD)
        .unwrap_or(n);
    let mut bounds: Vec<f64> = Vec::new();
    if left_cnt > 0 && max_bin > 1 {
        let left_max_bin = ((left_cnt_data as f64 / (total_sample_cnt - cnt_zero) as f64)
            * (max_bin - 1) as f64) as i64;
        let left_max_bin = left_max_bin.max(1);
        bounds = greedy_find_bin(
            &distinct[..left_cnt],
            &counts[..left_cnt],
            left_max_bin,
            left_cnt_data,
            min_data_in_bin,
        );
        if let Some(last) = bounds.last_mut() {
            *last = -K_ZERO_THRESHOLD;
        }
    }
    let right_start = (left_cnt..n).find(|&i| distinct[i] > K_ZERO_THRESHOLD);
    let right_max_bin = max_bin - 1 - bounds.len() as i64;
    match right_start {
        Some(rs) if right_max_bin > 0 => {
            let right = greedy_find_bin(
                &distinct[rs..],
                &counts[rs..],
                right_max_bin,
                right_cnt_data,
                min_data_in_bin,
            );
            bounds.push(K_ZERO_THRESHOLD);
            bounds.extend(right);
        }
        _ => bounds.push(f64::INFINITY),
    }
    bounds
}

/// The bins of one numerical feature (LightGBM's `BinMapper`, missing type "None").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinMapper {
    /// Upper bound of each bin (inclusive); the last is +∞.
    pub upper_bounds: Vec<f64>,
    /// True when the feature cannot be split (one bin, or no split leaves
    /// `min_data_in_leaf` rows on both sides): LightGBM drops it.
    pub is_trivial: bool,
    /// Bin of the value 0.
    pub default_bin: u32,
    /// Bin whose histogram entry is recomputed as total − others (LightGBM's
    /// `most_freq_bin`).
    pub most_freq_bin: u32,
    /// Smallest distinct value (0 counts as a value when zeros are present).
    pub min_val: f64,
    /// Largest distinct value.
    pub max_val: f64,
}

impl BinMapper {
    /// Builds the bins of one feature from all its values (finite), as LightGBM does
    /// with `max_bin`, `min_data_in_bin` and the pre-filter threshold `min_split_data`
    /// (= `min_data_in_leaf`).
    pub fn find(
        values: &[f64],
        max_bin: usize,
        min_data_in_bin: usize,
        min_split_data: usize,
    ) -> Self {
        let total = values.len() as i64;
        // LightGBM samples only the non-zero values; zeros are counted from the total.
        let mut nz: Vec<f64> = values
            .iter()
            .copied()
            .filter(|v| v.abs() > K_ZERO_THRESHOLD)
            .collect();
        let zero_cnt = total - nz.len() as i64;
        nz.sort_by(f64::total_cmp);
        let mut distinct: Vec<f64> = Vec::new();
        let mut counts: Vec<i64> = Vec::new();
        if nz.is_empty() || (nz[0] > 0.0 && zero_cnt > 0) {
            distinct.push(0.0);
            counts.push(zero_cnt);
        }
        if let Some(&first) = nz.first() {
            distinct.push(first);
            counts.push(1);
        }
        for i in 1..nz.len() {
            if !check_double_equal_ordered(nz[i - 1], nz[i]) {
                if nz[i - 1] < 0.0 && nz[i] > 0.0 {
                    distinct.push(0.0);
                    counts.push(zero_cnt);
                }
                distinct.push(nz[i]);
                counts.push(1);
            } else {
                if let Some(last) = distinct.last_mut() {
                    *last = nz[i];
                }
                if let Some(last) = counts.last_mut() {
                    *last += 1;
                }
            }
        }
        if nz.last().is_some_and(|&v| v < 0.0) && zero_cnt > 0 {
            distinct.push(0.0);
            counts.push(zero_cnt);
        }
        let min_val = distinct[0];
        let max_val = distinct[distinct.len() - 1];
        let upper_bounds = find_bin_with_zero_as_one_bin(
            &distinct,
            &counts,
            max_bin as i64,
            total,
            min_data_in_bin as i64,
        );
        let num_bin = upper_bounds.len();
        let mut cnt_in_bin = vec![0i64; num_bin];
        let mut i_bin = 0;
        for (&v, &c) in distinct.iter().zip(&counts) {
            while v > upper_bounds[i_bin] && i_bin < num_bin - 1 {
                i_bin += 1;
            }
            cnt_in_bin[i_bin] += c;
        }
        let mut mapper = Self {
            upper_bounds,
            is_trivial: num_bin <= 1,
            default_bin: 0,
            most_freq_bin: 0,
            min_val,
            max_val,
        };
        if !mapper.is_trivial && need_filter(&cnt_in_bin, total, min_split_data as i64) {
            mapper.is_trivial = true;
        }
        if !mapper.is_trivial {
            mapper.default_bin = mapper.value_to_bin(0.0);
            let mut most = 0usize;
            for (i, &c) in cnt_in_bin.iter().enumerate().skip(1) {
                if c > cnt_in_bin[most] {
                    most = i;
                }
            }
            let rate = cnt_in_bin[most] as f64 / total as f64;
            mapper.most_freq_bin = if most as u32 != mapper.default_bin && rate < K_SPARSE_THRESHOLD
            {
                mapper.default_bin
            } else {
                most as u32
            };
        }
        mapper
    }

    /// Number of bins.
    pub fn num_bin(&self) -> usize {
        self.upper_bounds.len()
    }

    /// The bin of a value (`BinMapper::ValueToBin`): the first bin whose upper bound is
    /// ≥ the value; NaN is treated as 0.
    pub fn value_to_bin(&self, value: f64) -> u32 {
        let value = if value.is_nan() { 0.0 } else { value };
        let mut l = 0usize;
        let mut r = self.upper_bounds.len() - 1;
        while l < r {
            let m = (r + l - 1) / 2;
            if value <= self.upper_bounds[m] {
                r = m;
            } else {
                l = m + 1;
            }
        }
        l as u32
    }
}

/// `NeedFilter`: true when no bin boundary leaves `filter_cnt` rows on both sides.
fn need_filter(cnt_in_bin: &[i64], total: i64, filter_cnt: i64) -> bool {
    let mut sum_left = 0;
    for &c in &cnt_in_bin[..cnt_in_bin.len() - 1] {
        sum_left += c;
        if sum_left >= filter_cnt && total - sum_left >= filter_cnt {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_distinct_values_give_midpoint_bounds_and_zero_bin() {
        // 0..=9 repeated: the zero bin, then bounds just above 0.5, 1.5, ...
        let v: Vec<f64> = (0..100).map(|i| (i % 10) as f64).collect();
        let m = BinMapper::find(&v, 255, 3, 20);
        assert_eq!(m.upper_bounds[0], K_ZERO_THRESHOLD);
        assert_eq!(m.upper_bounds[1], 1.5f64.next_up());
        assert_eq!(m.upper_bounds.len(), 10);
        assert_eq!(m.value_to_bin(0.0), 0);
        assert_eq!(m.value_to_bin(1.0), 1);
        assert_eq!(m.value_to_bin(9.0), 9);
        assert!(!m.is_trivial);
    }

    #[test]
    fn constant_feature_is_trivial() {
        let v = vec![2.5; 50];
        assert!(BinMapper::find(&v, 255, 3, 20).is_trivial);
    }

    #[test]
    fn many_values_respect_max_bin() {
        let v: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.37).sin()).collect();
        let m = BinMapper::find(&v, 16, 3, 20);
        assert!(m.num_bin() <= 16);
        assert!(m.upper_bounds.windows(2).all(|w| w[0] < w[1]));
    }
}
