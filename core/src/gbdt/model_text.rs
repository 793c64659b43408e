//! Export to LightGBM's text model format (`model.txt`, `GBDT::SaveModelToString` of
//! LightGBM 4.x), so that `lightgbm.Booster(model_file=...)` loads a galmass model and
//! predicts the same values.

use std::fmt::Write;

use super::booster::GbdtModel;
use super::tree::Tree;

/// A double as LightGBM reads it back exactly (shortest round-trip representation,
/// exponent notation for very small or large magnitudes).
fn num(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || (1e-5..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

fn join<T>(v: &[T], f: impl Fn(&T) -> String) -> String {
    v.iter().map(f).collect::<Vec<_>>().join(" ")
}

/// One tree block (`Tree::ToString`), without the `Tree=i` line.
fn tree_to_string(t: &Tree) -> String {
    let n_nodes = t.num_leaves.saturating_sub(1);
    let mut s = String::new();
    let _ = writeln!(s, "num_leaves={}", t.num_leaves);
    let _ = writeln!(s, "num_cat=0");
    let _ = writeln!(
        s,
        "split_feature={}",
        join(&t.split_feature, |v| v.to_string())
    );
    let _ = writeln!(s, "split_gain={}", join(&t.split_gain, |v| num(*v as f64)));
    let _ = writeln!(s, "threshold={}", join(&t.threshold, |v| num(*v)));
    // Numerical split, default left, missing type None: decision_type = 2.
    let _ = writeln!(
        s,
        "decision_type={}",
        join(&vec![2; n_nodes], |v: &i32| v.to_string())
    );
    let _ = writeln!(s, "left_child={}", join(&t.left_child, |v| v.to_string()));
    let _ = writeln!(s, "right_child={}", join(&t.right_child, |v| v.to_string()));
    let _ = writeln!(s, "leaf_value={}", join(&t.leaf_value, |v| num(*v)));
    let _ = writeln!(s, "leaf_weight={}", join(&t.leaf_weight, |v| num(*v)));
    let _ = writeln!(s, "leaf_count={}", join(&t.leaf_count, |v| v.to_string()));
    let _ = writeln!(s, "internal_value={}", join(&t.internal_value, |v| num(*v)));
    let _ = writeln!(
        s,
        "internal_weight={}",
        join(&t.internal_weight, |v| num(*v))
    );
    let _ = writeln!(
        s,
        "internal_count={}",
        join(&t.internal_count, |v| v.to_string())
    );
    let _ = writeln!(s, "is_linear=0");
    let _ = writeln!(s, "shrinkage={}", num(t.shrinkage));
    s.push('\n');
    s
}

impl GbdtModel {
    /// The model in LightGBM's `model.txt` format (header, trees, split importances,
    /// parameters).
    pub fn to_lightgbm_text(&self) -> String {
        let p = &self.params;
        let mut s = String::new();
        s.push_str("tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\n");
        let _ = writeln!(s, "max_feature_idx={}", self.n_features().saturating_sub(1));
        let _ = writeln!(s, "objective={}", p.objective.lightgbm_name());
        let _ = writeln!(s, "feature_names={}", self.feature_names.join(" "));
        let infos = join(&self.feature_ranges, |r| match r {
            Some((lo, hi)) => format!("[{}:{}]", num(*lo), num(*hi)),
            None => "none".to_string(),
        });
        let _ = writeln!(s, "feature_infos={infos}");
        let blocks: Vec<String> = self
            .trees
            .iter()
            .enumerate()
            .map(|(i, t)| format!("Tree={i}\n{}\n", tree_to_string(t)))
            .collect();
        let _ = writeln!(s, "tree_sizes={}\n", join(&blocks, |b| b.len().to_string()));
        for b in &blocks {
            s.push_str(b);
        }
        s.push_str("end of trees\n\nfeature_importances:\n");
        let imp = self.importance_split();
        let mut pairs: Vec<(u64, &str)> = imp
            .iter()
            .zip(&self.feature_names)
            .filter(|(v, _)| **v > 0)
            .map(|(v, n)| (*v, n.as_str()))
            .collect();
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0));
        for (v, n) in pairs {
            let _ = writeln!(s, "{n}={v}");
        }
        s.push_str("\nparameters:\n[boosting: gbdt]\n");
        let _ = writeln!(s, "[objective: {}]", p.objective.lightgbm_name());
        let _ = writeln!(s, "[num_iterations: {}]", p.num_iterations);
        let _ = writeln!(s, "[learning_rate: {}]", num(p.learning_rate));
        let _ = writeln!(s, "[num_leaves: {}]", p.num_leaves);
        let _ = writeln!(s, "[max_depth: {}]", p.max_depth);
        let _ = writeln!(s, "[min_data_in_leaf: {}]", p.min_data_in_leaf);
        let _ = writeln!(
            s,
            "[min_sum_hessian_in_leaf: {}]",
            num(p.min_sum_hessian_in_leaf)
        );
        let _ = writeln!(s, "[lambda_l1: {}]", num(p.lambda_l1));
        let _ = writeln!(s, "[lambda_l2: {}]", num(p.lambda_l2));
        let _ = writeln!(s, "[min_gain_to_split: {}]", num(p.min_gain_to_split));
        let _ = writeln!(s, "[max_bin: {}]", p.max_bin);
        let _ = writeln!(s, "[min_data_in_bin: {}]", p.min_data_in_bin);
        let _ = writeln!(s, "[boost_from_average: {}]", p.boost_from_average as i32);
        s.push_str("\nend of parameters\n\npandas_categorical:null\n");
        s
    }
}
