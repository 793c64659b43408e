//! Gradient-boosted decision trees, a pure-Rust re-implementation of LightGBM's GBDT for
//! regression (the paper's second model, Chu et al. 2024 Section 5: LightGBM on the ten
//! summary features).
//!
//! The algorithm follows LightGBM 4.x step by step so that, for the same data and
//! parameters, the trees are the same (split features, bin-boundary thresholds, leaf values):
//! * [`binning`]: feature discretisation (`BinMapper::FindBin`, `GreedyFindBin`,
//!   `FindBinWithZeroAsOneBin`): at most `max_bin` bins, bin upper bounds at the midpoints of
//!   distinct values, at least `min_data_in_bin` rows a bin, zero in a bin of its own;
//! * [`histogram`]: per-leaf gradient/hessian histograms and the subtraction trick (the larger
//!   child's histogram is parent − smaller child);
//! * [`split`]: the best threshold of one feature (LightGBM's reverse scan, L1/L2
//!   regularised gain, `min_data_in_leaf`, `min_sum_hessian_in_leaf`, `min_gain_to_split`);
//! * [`learner`]: leaf-wise (best-first) growth limited by `num_leaves` and `max_depth`;
//! * [`objective`]: L2 and L1 losses, `boost_from_average`, the L1 leaf renewal by the
//!   median of residuals;
//! * [`booster`]: the boosting loop, per-iteration MAE/MSE curves, prediction, split and gain
//!   importance;
//! * [`model_text`]: export to LightGBM's `model.txt`, loadable by `lightgbm.Booster`.
//!
//! Also [`correlation`]: the Pearson correlation matrix of features and targets (Fig. 10).
//!
//! Verification: `tests/gbdt_lightgbm.rs` compares trees, predictions, importances and
//! loss curves with LightGBM 4.x runs stored by `tests/fixtures/gbdt/make_fixtures.py`
//! (which also checks, by hand, that LightGBM loads our `model.txt`);
//! `tests/fixtures/gbdt/bench_lightgbm.py` with `examples/gbdt_bench.rs` compares speed
//! and predictions at 18000 rows.
//!
//! Scope: numerical features without missing values (NaN/∞ are rejected), no sample
//! weights, bagging, feature sub-sampling, categorical features or monotone constraints.
//!
//! Units: features and labels are whatever the caller passes (dex for log masses); gains
//! are in squared label units summed over rows (LightGBM's definition).

// `!(x > y)` is used on purpose, as in LightGBM: it also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub(crate) mod binning;
pub(crate) mod booster;
pub(crate) mod correlation;
pub(crate) mod histogram;
pub(crate) mod learner;
pub(crate) mod model_text;
pub(crate) mod objective;
pub(crate) mod params;
pub(crate) mod split;
pub(crate) mod tree;

pub use booster::{Curves, GbdtModel, Samples, Trained, train, train_observed};
pub use correlation::pearson_matrix;
pub use params::{GbdtParams, Objective};
pub use tree::Tree;

/// LightGBM's `kZeroThreshold` (a `float` literal `1e-35f` used in double arithmetic):
/// values with |x| ≤ this are zero for binning and leaf values.
pub const K_ZERO_THRESHOLD: f64 = 1e-35_f32 as f64;

/// LightGBM's `kEpsilon` (`1e-15f` as a double), added to hessian sums during the split scan.
pub const K_EPSILON: f64 = 1e-15_f32 as f64;

/// Errors of GBDT training and prediction (bad input or parameters).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GbdtError {
    /// The training set has no rows.
    #[error("empty training set")]
    EmptyTrainingSet,
    /// There are no feature columns.
    #[error("no features")]
    NoFeatures,
    /// Two arrays that must agree in length do not.
    #[error("length mismatch for {what}: expected {expected}, got {got}")]
    LengthMismatch {
        /// Which array.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// A label is NaN or infinite.
    #[error("label {index} is not finite ({value})")]
    NonFiniteLabel {
        /// Row index.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A training feature value is NaN or infinite (missing values are not supported).
    #[error("feature {feature} of row {row} is not finite ({value})")]
    NonFiniteFeature {
        /// Row index.
        row: usize,
        /// Feature (column) index.
        feature: usize,
        /// The offending value.
        value: f64,
    },
    /// A parameter is out of its valid range.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParam {
        /// Parameter name (LightGBM's).
        name: &'static str,
        /// Why it is invalid.
        reason: String,
    },
}
