//! Training parameters with LightGBM's names and defaults, and the paper's preset.

use serde::{Deserialize, Serialize};

use super::GbdtError;

/// The loss minimised by boosting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Objective {
    /// Squared error (LightGBM `regression`): gradient = score − label, hessian = 1;
    /// initial score = mean label.
    L2,
    /// Absolute error (LightGBM `regression_l1`): gradient = sign(score − label),
    /// hessian = 1; initial score = median label; each leaf's output is renewed to the
    /// median residual (label − score) of its rows.
    L1,
}

impl Objective {
    /// LightGBM's name of the objective (`objective=` line of `model.txt`).
    pub fn lightgbm_name(self) -> &'static str {
        match self {
            Objective::L2 => "regression",
            Objective::L1 => "regression_l1",
        }
    }
}

/// GBDT hyper-parameters; names and defaults are LightGBM 4.x's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbdtParams {
    /// Loss function (default L2).
    pub objective: Objective,
    /// Number of boosting rounds (default 100).
    pub num_iterations: usize,
    /// Shrinkage applied to every tree (default 0.1).
    pub learning_rate: f64,
    /// Maximum leaves per tree (default 31).
    pub num_leaves: usize,
    /// Maximum tree depth; ≤ 0 means no limit (default −1).
    pub max_depth: i32,
    /// Minimum rows in a leaf (default 20).
    pub min_data_in_leaf: usize,
    /// Minimum hessian sum in a leaf (default 1e-3).
    pub min_sum_hessian_in_leaf: f64,
    /// L1 regularisation of leaf outputs (default 0).
    pub lambda_l1: f64,
    /// L2 regularisation of leaf outputs (default 0).
    pub lambda_l2: f64,
    /// Minimum gain to make a split (default 0).
    pub min_gain_to_split: f64,
    /// Maximum bins per feature, 2..=256 (default 255).
    pub max_bin: usize,
    /// Minimum rows per bin (default 3).
    pub min_data_in_bin: usize,
    /// Start from the mean (L2) or median (L1) label (default true).
    pub boost_from_average: bool,
}

impl Default for GbdtParams {
    fn default() -> Self {
        Self {
            objective: Objective::L2,
            num_iterations: 100,
            learning_rate: 0.1,
            num_leaves: 31,
            max_depth: -1,
            min_data_in_leaf: 20,
            min_sum_hessian_in_leaf: 1e-3,
            lambda_l1: 0.0,
            lambda_l2: 0.0,
            min_gain_to_split: 0.0,
            max_bin: 255,
            min_data_in_bin: 3,
            boost_from_average: true,
        }
    }
}

impl GbdtParams {
    /// The paper's Table 3 preset: 5 leaves, 500 rounds, `min_data_in_leaf` 20, no depth
    /// limit, learning rate 0.1, L2 loss; everything else LightGBM's default.
    pub fn paper() -> Self {
        Self {
            num_leaves: 5,
            num_iterations: 500,
            min_data_in_leaf: 20,
            max_depth: -1,
            learning_rate: 0.1,
            ..Self::default()
        }
    }

    /// A preset by name: `"default"` (LightGBM's defaults) or `"paper"`.
    pub fn preset(name: &str) -> Option<Self> {
        match name {
            "default" => Some(Self::default()),
            "paper" => Some(Self::paper()),
            _ => None,
        }
    }

    /// Checks every parameter's range.
    pub fn validate(&self) -> Result<(), GbdtError> {
        let bad = |name: &'static str, reason: &str| {
            Err(GbdtError::InvalidParam {
                name,
                reason: reason.to_string(),
            })
        };
        if self.num_leaves < 2 {
            return bad("num_leaves", "must be at least 2");
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return bad("learning_rate", "must be positive and finite");
        }
        if !(2..=256).contains(&self.max_bin) {
            return bad("max_bin", "must be in 2..=256");
        }
        if self.min_data_in_bin == 0 {
            return bad("min_data_in_bin", "must be at least 1");
        }
        if !(self.min_sum_hessian_in_leaf >= 0.0) {
            return bad("min_sum_hessian_in_leaf", "must be non-negative");
        }
        if !(self.lambda_l1 >= 0.0 && self.lambda_l1.is_finite()) {
            return bad("lambda_l1", "must be non-negative and finite");
        }
        if !(self.lambda_l2 >= 0.0 && self.lambda_l2.is_finite()) {
            return bad("lambda_l2", "must be non-negative and finite");
        }
        if !(self.min_gain_to_split >= 0.0 && self.min_gain_to_split.is_finite()) {
            return bad("min_gain_to_split", "must be non-negative and finite");
        }
        Ok(())
    }
}
