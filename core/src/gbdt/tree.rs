//! One regression tree in LightGBM's array layout (`include/LightGBM/tree.h`): internal
//! nodes 0..num_leaves−1, leaves referenced as `!leaf` (= −leaf − 1) in the child arrays.

use serde::{Deserialize, Serialize};

use super::K_ZERO_THRESHOLD;

/// LightGBM's `MaybeRoundToZero`: |x| ≤ `kZeroThreshold` becomes 0.
fn maybe_round_to_zero(x: f64) -> f64 {
    if x.abs() > K_ZERO_THRESHOLD { x } else { 0.0 }
}

/// A trained tree. Arrays indexed by node have `num_leaves − 1` entries, by leaf
/// `num_leaves`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Number of leaves.
    pub num_leaves: usize,
    /// Real feature index of each node's split.
    pub split_feature: Vec<usize>,
    /// Gain of each node's split (stored as f32, as LightGBM does).
    pub split_gain: Vec<f32>,
    /// Threshold of each node: rows with feature ≤ threshold go left (a bin upper bound).
    pub threshold: Vec<f64>,
    /// Threshold of each node as a bin index.
    pub threshold_bin: Vec<u32>,
    /// Left child: node index, or `!leaf` for a leaf.
    pub left_child: Vec<i32>,
    /// Right child: node index, or `!leaf` for a leaf.
    pub right_child: Vec<i32>,
    /// Output of each leaf (after shrinkage; tree 0 includes the initial score).
    pub leaf_value: Vec<f64>,
    /// Hessian sum of each leaf.
    pub leaf_weight: Vec<f64>,
    /// Rows in each leaf.
    pub leaf_count: Vec<usize>,
    /// Output the node had as a leaf before it was split.
    pub internal_value: Vec<f64>,
    /// Hessian sum of each node.
    pub internal_weight: Vec<f64>,
    /// Rows under each node.
    pub internal_count: Vec<usize>,
    /// Parent node of each leaf (−1 for the root leaf).
    pub leaf_parent: Vec<i32>,
    /// Depth of each leaf (root 0).
    pub leaf_depth: Vec<usize>,
    /// Product of the shrinkage rates applied (1 after `add_bias`).
    pub shrinkage: f64,
}

impl Tree {
    /// A single-leaf tree with output `value`, room for `max_leaves` leaves.
    pub fn new(max_leaves: usize, value: f64) -> Self {
        let mut t = Self {
            num_leaves: 1,
            split_feature: Vec::with_capacity(max_leaves),
            split_gain: Vec::with_capacity(max_leaves),
            threshold: Vec::with_capacity(max_leaves),
            threshold_bin: Vec::with_capacity(max_leaves),
            left_child: Vec::with_capacity(max_leaves),
            right_child: Vec::with_capacity(max_leaves),
            leaf_value: vec![0.0],
            leaf_weight: vec![0.0],
            leaf_count: vec![0],
            internal_value: Vec::with_capacity(max_leaves),
            internal_weight: Vec::with_capacity(max_leaves),
            internal_count: Vec::with_capacity(max_leaves),
            leaf_parent: vec![-1],
            leaf_depth: vec![0],
            shrinkage: 1.0,
        };
        t.set_leaf_output(0, value);
        t
    }

    /// Sets a leaf's output (`Tree::SetLeafOutput`).
    pub fn set_leaf_output(&mut self, leaf: usize, value: f64) {
        self.leaf_value[leaf] = maybe_round_to_zero(value);
    }

    /// Splits `leaf` (`Tree::Split`): it stays the left child, the new leaf (index
    /// `num_leaves`) is the right child. Returns the new leaf's index.
    #[allow(clippy::too_many_arguments)]
    pub fn split(
        &mut self,
        leaf: usize,
        real_feature: usize,
        threshold_bin: u32,
        threshold: f64,
        left_value: f64,
        right_value: f64,
        left_cnt: usize,
        right_cnt: usize,
        left_weight: f64,
        right_weight: f64,
        gain: f32,
    ) -> usize {
        let new_node = (self.num_leaves - 1) as i32;
        let new_leaf = self.num_leaves;
        let parent = self.leaf_parent[leaf];
        if parent >= 0 {
            let p = parent as usize;
            if self.left_child[p] == !(leaf as i32) {
                self.left_child[p] = new_node;
            } else {
                self.right_child[p] = new_node;
            }
        }
        self.split_feature.push(real_feature);
        self.split_gain.push(gain);
        self.threshold.push(threshold);
        self.threshold_bin.push(threshold_bin);
        self.left_child.push(!(leaf as i32));
        self.right_child.push(!(new_leaf as i32));
        self.leaf_parent[leaf] = new_node;
        self.leaf_parent.push(new_node);
        self.internal_weight.push(left_weight + right_weight);
        self.internal_value.push(self.leaf_value[leaf]);
        self.internal_count.push(left_cnt + right_cnt);
        self.leaf_value[leaf] = if left_value.is_nan() { 0.0 } else { left_value };
        self.leaf_weight[leaf] = left_weight;
        self.leaf_count[leaf] = left_cnt;
        self.leaf_value.push(if right_value.is_nan() {
            0.0
        } else {
            right_value
        });
        self.leaf_weight.push(right_weight);
        self.leaf_count.push(right_cnt);
        let depth = self.leaf_depth[leaf] + 1;
        self.leaf_depth.push(depth);
        self.leaf_depth[leaf] = depth;
        self.num_leaves += 1;
        new_leaf
    }

    /// Multiplies every output by `rate` (`Tree::Shrinkage`).
    pub fn shrink(&mut self, rate: f64) {
        for v in &mut self.leaf_value {
            *v = maybe_round_to_zero(*v * rate);
        }
        for v in &mut self.internal_value {
            *v = maybe_round_to_zero(*v * rate);
        }
        self.shrinkage *= rate;
    }

    /// Adds `val` to every output (`Tree::AddBias`, used for the initial score).
    pub fn add_bias(&mut self, val: f64) {
        for v in &mut self.leaf_value {
            *v = maybe_round_to_zero(*v + val);
        }
        for v in &mut self.internal_value {
            *v = maybe_round_to_zero(*v + val);
        }
        self.shrinkage = 1.0;
    }

    /// The leaf a row of raw feature values falls in (NaN is treated as 0, as LightGBM
    /// does for features without missing values). Panics if `row` is shorter than the
    /// largest split feature index; [`super::GbdtModel::predict_row`] checks the length.
    pub fn leaf_of(&self, row: &[f64]) -> usize {
        if self.num_leaves <= 1 {
            return 0;
        }
        let mut node = 0i32;
        while node >= 0 {
            let n = node as usize;
            let v = row[self.split_feature[n]];
            let v = if v.is_nan() { 0.0 } else { v };
            node = if v <= self.threshold[n] {
                self.left_child[n]
            } else {
                self.right_child[n]
            };
        }
        !node as usize
    }

    /// The tree's output for one row of raw feature values.
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        self.leaf_value[self.leaf_of(row)]
    }
}
