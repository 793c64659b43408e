//! The boosting loop (LightGBM's `GBDT::TrainOneIter`), the trained model, prediction,
//! importances and the per-iteration loss curves.

use serde::{Deserialize, Serialize};

use super::learner::{BinnedData, TreeLearner};
use super::objective::{self, HESSIAN};
use super::params::{GbdtParams, Objective};
use super::tree::Tree;
use super::{GbdtError, K_EPSILON};

/// A set of rows: row-major features (`n_rows × n_features`) and one label a row.
#[derive(Debug, Clone, Copy)]
pub struct Samples<'a> {
    /// Features, row-major: value of feature `f` of row `r` at `x[r * n_features + f]`.
    pub x: &'a [f64],
    /// Number of features (columns).
    pub n_features: usize,
    /// Labels, one a row.
    pub y: &'a [f64],
}

impl<'a> Samples<'a> {
    /// Checks shapes and that every label and feature is finite.
    pub fn new(x: &'a [f64], n_features: usize, y: &'a [f64]) -> Result<Self, GbdtError> {
        if n_features == 0 {
            return Err(GbdtError::NoFeatures);
        }
        if x.len() != y.len() * n_features {
            return Err(GbdtError::LengthMismatch {
                what: "features (rows × n_features)",
                expected: y.len() * n_features,
                got: x.len(),
            });
        }
        if let Some((index, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(GbdtError::NonFiniteLabel { index, value });
        }
        if let Some((i, &value)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(GbdtError::NonFiniteFeature {
                row: i / n_features,
                feature: i % n_features,
                value,
            });
        }
        Ok(Self { x, n_features, y })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.y.len()
    }
}

/// Per-iteration losses: mean absolute error and mean squared error (label units and
/// squared label units) on the training and test rows, after each boosting round.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    /// Training MAE per round.
    pub train_mae: Vec<f64>,
    /// Training MSE per round.
    pub train_mse: Vec<f64>,
    /// Test MAE per round (empty without a test set).
    pub test_mae: Vec<f64>,
    /// Test MSE per round (empty without a test set).
    pub test_mse: Vec<f64>,
}

/// A trained GBDT: its trees (tree 0 includes the initial score) and what is needed to
/// export it to LightGBM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GbdtModel {
    /// Parameters it was trained with.
    pub params: GbdtParams,
    /// Feature names, one a column.
    pub feature_names: Vec<String>,
    /// Per feature: (min, max) of the training values, `None` for a feature LightGBM
    /// would drop (constant or unsplittable).
    pub feature_ranges: Vec<Option<(f64, f64)>>,
    /// Initial score (mean or median label; 0 without `boost_from_average`).
    pub init_score: f64,
    /// The trees, in boosting order.
    pub trees: Vec<Tree>,
}

/// A trained model and its loss curves.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    /// The model.
    pub model: GbdtModel,
    /// MAE/MSE per round.
    pub curves: Curves,
}

/// MAE and MSE of scores against f32 labels (LightGBM's `l1` and `l2` metrics).
fn mae_mse(score: &[f64], label: &[f32]) -> (f64, f64) {
    let mut a = 0.0;
    let mut s = 0.0;
    for (&p, &y) in score.iter().zip(label) {
        let d = p - y as f64;
        a += d.abs();
        s += d * d;
    }
    let n = label.len() as f64;
    (a / n, s / n)
}

/// Trains a GBDT on `train`, recording losses on `test` if given. `feature_names` must
/// have one name per feature (empty: `Column_i` as LightGBM names them). Training stops
/// early when a round after the first cannot split at all.
pub fn train(
    params: &GbdtParams,
    train: &Samples,
    test: Option<&Samples>,
    feature_names: &[String],
) -> Result<Trained, GbdtError> {
    train_observed(params, train, test, feature_names, &mut |_| {})
}

/// [`train`], calling `on_round(k)` with the number `k` of finished boosting rounds (0
/// before the first, `num_iterations` at the end, also after an early stop) — for progress
/// bars. The callback does not influence training.
pub fn train_observed(
    params: &GbdtParams,
    train: &Samples,
    test: Option<&Samples>,
    feature_names: &[String],
    on_round: &mut dyn FnMut(usize),
) -> Result<Trained, GbdtError> {
    params.validate()?;
    // The fields are public: check again whatever way the samples were built.
    let train = &Samples::new(train.x, train.n_features, train.y)?;
    let test = match test {
        Some(t) => Some(Samples::new(t.x, t.n_features, t.y)?),
        None => None,
    };
    let test = test.as_ref();
    let n = train.n_rows();
    if n == 0 {
        return Err(GbdtError::EmptyTrainingSet);
    }
    let nf = train.n_features;
    let names: Vec<String> = if feature_names.is_empty() {
        (0..nf).map(|i| format!("Column_{i}")).collect()
    } else if feature_names.len() == nf {
        feature_names.to_vec()
    } else {
        return Err(GbdtError::LengthMismatch {
            what: "feature_names",
            expected: nf,
            got: feature_names.len(),
        });
    };
    if let Some(t) = test
        && t.n_features != nf
    {
        return Err(GbdtError::LengthMismatch {
            what: "test features",
            expected: nf,
            got: t.n_features,
        });
    }
    let obj = params.objective;
    let label: Vec<f32> = train.y.iter().map(|&v| v as f32).collect();
    let test_label: Vec<f32> = test.map_or(Vec::new(), |t| t.y.iter().map(|&v| v as f32).collect());
    let data = BinnedData::new(train.x, nf, params);
    let feature_ranges = data
        .mappers
        .iter()
        .map(|m| (!m.is_trivial).then_some((m.min_val, m.max_val)))
        .collect();

    let mut init_score = 0.0;
    if params.boost_from_average {
        let s = objective::boost_from_score(obj, &label);
        if s.abs() > K_EPSILON {
            init_score = s;
        }
    }
    let mut score = vec![init_score; n];
    let mut test_score = vec![init_score; test.map_or(0, |t| t.n_rows())];
    let mut grad = vec![0.0f32; n];
    let mut learner = TreeLearner::new(&data, params);
    let mut trees: Vec<Tree> = Vec::with_capacity(params.num_iterations);
    let mut curves = Curves::default();
    let mut residuals: Vec<f64> = Vec::new();

    for round in 0..params.num_iterations {
        on_round(round);
        objective::gradients(obj, &score, &label, &mut grad);
        let mut tree = if data.used.is_empty() {
            Tree::new(params.num_leaves, 0.0)
        } else {
            learner.train(&grad, HESSIAN)
        };
        if tree.num_leaves > 1 {
            if obj == Objective::L1 {
                for leaf in 0..tree.num_leaves {
                    let rows = learner.leaf_rows(leaf);
                    if rows.is_empty() {
                        continue;
                    }
                    residuals.clear();
                    residuals.extend(
                        rows.iter()
                            .map(|&r| label[r as usize] as f64 - score[r as usize]),
                    );
                    tree.set_leaf_output(leaf, objective::median_f64(&mut residuals));
                }
            }
            tree.shrink(params.learning_rate);
            for leaf in 0..tree.num_leaves {
                let v = tree.leaf_value[leaf];
                for &r in learner.leaf_rows(leaf) {
                    score[r as usize] += v;
                }
            }
            if let Some(t) = test {
                for (r, s) in test_score.iter_mut().enumerate() {
                    *s += tree.predict_row(&t.x[r * nf..(r + 1) * nf]);
                }
            }
            if trees.is_empty() && init_score.abs() > K_EPSILON {
                tree.add_bias(init_score);
            }
            trees.push(tree);
        } else {
            // No split possible. The first round keeps a constant tree (and, without
            // boost_from_average, only now starts from the average) and boosting goes on;
            // later rounds would all repeat this one, so training stops and the curves
            // keep their last values for the remaining rounds, as LightGBM reports them.
            if trees.is_empty() {
                if !params.boost_from_average {
                    init_score = objective::boost_from_score(obj, &label);
                    score.iter_mut().for_each(|s| *s += init_score);
                    test_score.iter_mut().for_each(|s| *s += init_score);
                }
                let mut t = Tree::new(params.num_leaves, 0.0);
                t.leaf_value[0] = init_score;
                t.leaf_count[0] = n;
                trees.push(t);
                push_curves(
                    &mut curves,
                    &score,
                    &label,
                    test.map(|_| (&test_score[..], &test_label[..])),
                );
                continue;
            }
            while curves.train_mae.len() < params.num_iterations {
                push_curves(
                    &mut curves,
                    &score,
                    &label,
                    test.map(|_| (&test_score[..], &test_label[..])),
                );
            }
            break;
        }
        push_curves(
            &mut curves,
            &score,
            &label,
            test.map(|_| (&test_score[..], &test_label[..])),
        );
    }
    on_round(params.num_iterations);
    Ok(Trained {
        model: GbdtModel {
            params: params.clone(),
            feature_names: names,
            feature_ranges,
            init_score,
            trees,
        },
        curves,
    })
}

fn push_curves(c: &mut Curves, score: &[f64], label: &[f32], test: Option<(&[f64], &[f32])>) {
    let (a, s) = mae_mse(score, label);
    c.train_mae.push(a);
    c.train_mse.push(s);
    if let Some((ts, tl)) = test {
        let (a, s) = mae_mse(ts, tl);
        c.test_mae.push(a);
        c.test_mse.push(s);
    }
}

impl GbdtModel {
    /// Number of features the model expects.
    pub fn n_features(&self) -> usize {
        self.feature_names.len()
    }

    /// Prediction for one row of raw features (sum of all trees' outputs, label units).
    pub fn predict_row(&self, row: &[f64]) -> Result<f64, GbdtError> {
        if row.len() != self.n_features() {
            return Err(GbdtError::LengthMismatch {
                what: "row features",
                expected: self.n_features(),
                got: row.len(),
            });
        }
        Ok(self.sum_trees(row))
    }

    fn sum_trees(&self, row: &[f64]) -> f64 {
        let mut out = 0.0;
        for t in &self.trees {
            out += t.predict_row(row);
        }
        out
    }

    /// Predictions for row-major features `x` (`n_rows × n_features`).
    pub fn predict(&self, x: &[f64]) -> Result<Vec<f64>, GbdtError> {
        let nf = self.n_features();
        if nf == 0 || !x.len().is_multiple_of(nf) {
            return Err(GbdtError::LengthMismatch {
                what: "features (rows × n_features)",
                expected: nf,
                got: x.len(),
            });
        }
        Ok(x.chunks_exact(nf).map(|row| self.sum_trees(row)).collect())
    }

    /// Split importance: per feature, the number of splits using it with positive gain
    /// (LightGBM `importance_type="split"`).
    pub fn importance_split(&self) -> Vec<u64> {
        let mut imp = vec![0u64; self.n_features()];
        for t in &self.trees {
            for (&f, &g) in t.split_feature.iter().zip(&t.split_gain) {
                if g > 0.0 {
                    imp[f] += 1;
                }
            }
        }
        imp
    }

    /// Gain importance: per feature, the sum of the (f32-stored) gains of its splits
    /// (LightGBM `importance_type="gain"`), in squared label units.
    pub fn importance_gain(&self) -> Vec<f64> {
        let mut imp = vec![0.0f64; self.n_features()];
        for t in &self.trees {
            for (&f, &g) in t.split_feature.iter().zip(&t.split_gain) {
                if g > 0.0 {
                    imp[f] += g as f64;
                }
            }
        }
        imp
    }

    /// Gain importance normalised to shares summing to 1 (all zero if no split).
    pub fn importance_gain_share(&self) -> Vec<f64> {
        let g = self.importance_gain();
        let total: f64 = g.iter().sum();
        if total > 0.0 {
            g.iter().map(|v| v / total).collect()
        } else {
            g
        }
    }
}
