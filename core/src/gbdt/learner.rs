//! Leaf-wise (best-first) tree growth, LightGBM's `SerialTreeLearner` with column-wise
//! histograms: at each step the leaf with the largest split gain is split, until
//! `num_leaves` leaves, no positive gain, or the depth/data limits stop it. Histograms are
//! built for the smaller child only; the larger child's is parent − smaller.

#[cfg(feature = "parallel")]
use rayon::prelude::*;

use super::binning::BinMapper;
use super::histogram::{self, HistBin};
use super::params::GbdtParams;
use super::split::{self, SplitInfo};
use super::tree::Tree;

/// Smallest leaf (rows) whose histograms are built in parallel over features.
#[cfg(feature = "parallel")]
const PARALLEL_MIN_ROWS: usize = 16384;

/// One feature's best splits in the smaller and (if any) larger leaf, each with its
/// "splittable" flag; `None` for a feature not searched.
type FeatureResult = Option<((SplitInfo, bool), Option<(SplitInfo, bool)>)>;

/// One feature's histograms in the smaller and (if any) larger leaf.
type FeatureItem<'h> = (usize, &'h mut Vec<HistBin>, Option<&'h mut Vec<HistBin>>);

/// The training rows discretised: one bin mapper per real feature and one column of bins
/// per used (non-trivial) feature.
#[derive(Debug, Clone)]
pub struct BinnedData {
    /// Bin mapper of every real feature (trivial ones included).
    pub mappers: Vec<BinMapper>,
    /// Real index of each used feature (LightGBM's inner → real feature map).
    pub used: Vec<usize>,
    /// Bins of each used feature, one per row.
    pub bins: Vec<Vec<u8>>,
    /// The same bins row-major: `rows[r * used.len() + f]` (histogram construction).
    pub rows: Vec<u8>,
    /// Number of rows.
    pub n_rows: usize,
}

impl BinnedData {
    /// Bins row-major features `x` (`n_rows × n_features`, finite values) with the
    /// parameters' `max_bin`, `min_data_in_bin` and `min_data_in_leaf` (pre-filter).
    pub fn new(x: &[f64], n_features: usize, p: &GbdtParams) -> Self {
        let n_rows = x.len() / n_features.max(1);
        let mut mappers = Vec::with_capacity(n_features);
        let mut used = Vec::new();
        let mut bins: Vec<Vec<u8>> = Vec::new();
        let mut col = vec![0.0f64; n_rows];
        for f in 0..n_features {
            for (r, c) in col.iter_mut().enumerate() {
                *c = x[r * n_features + f];
            }
            let m = BinMapper::find(&col, p.max_bin, p.min_data_in_bin, p.min_data_in_leaf);
            if !m.is_trivial {
                used.push(f);
                bins.push(col.iter().map(|&v| m.value_to_bin(v) as u8).collect());
            }
            mappers.push(m);
        }
        let nu = used.len();
        let mut rows = vec![0u8; n_rows * nu];
        for (f, col) in bins.iter().enumerate() {
            for (r, &b) in col.iter().enumerate() {
                rows[r * nu + f] = b;
            }
        }
        Self {
            mappers,
            used,
            bins,
            rows,
            n_rows,
        }
    }
}

/// Gradient and hessian totals of a leaf (LightGBM's `LeafSplits`).
#[derive(Debug, Clone, Copy)]
struct LeafSums {
    leaf: usize,
    num_data: usize,
    sum_grad: f64,
    sum_hess: f64,
}

/// The histograms of one leaf and, per feature, whether it could be split there.
#[derive(Debug, Clone)]
struct LeafHist {
    hists: Vec<Vec<HistBin>>,
    splittable: Vec<bool>,
}

/// Grows trees on a [`BinnedData`]; keeps the row partition of the last tree so the
/// booster can update scores and renew leaf outputs.
#[derive(Debug)]
pub struct TreeLearner<'a> {
    data: &'a BinnedData,
    params: &'a GbdtParams,
    inner_of_real: Vec<Option<usize>>,
    indices: Vec<u32>,
    leaf_begin: Vec<usize>,
    leaf_count: Vec<usize>,
    pool: Vec<Option<LeafHist>>,
    spare: Vec<LeafHist>,
    best: Vec<SplitInfo>,
    scratch: Vec<u32>,
}

impl<'a> TreeLearner<'a> {
    /// A learner for `data` with `params`.
    pub fn new(data: &'a BinnedData, params: &'a GbdtParams) -> Self {
        let mut inner_of_real = vec![None; data.mappers.len()];
        for (i, &r) in data.used.iter().enumerate() {
            inner_of_real[r] = Some(i);
        }
        let nl = params.num_leaves;
        Self {
            data,
            params,
            inner_of_real,
            indices: (0..data.n_rows as u32).collect(),
            leaf_begin: vec![0; nl],
            leaf_count: vec![0; nl],
            pool: (0..nl).map(|_| None).collect(),
            spare: Vec::new(),
            best: vec![SplitInfo::default(); nl],
            scratch: vec![0; data.n_rows],
        }
    }

    /// Rows of a leaf of the last trained tree.
    pub fn leaf_rows(&self, leaf: usize) -> &[u32] {
        let b = self.leaf_begin[leaf];
        &self.indices[b..b + self.leaf_count[leaf]]
    }

    fn new_hist(&mut self) -> LeafHist {
        self.spare.pop().unwrap_or_else(|| LeafHist {
            hists: self
                .data
                .used
                .iter()
                .map(|&r| vec![HistBin::default(); self.data.mappers[r].num_bin()])
                .collect(),
            splittable: vec![false; self.data.used.len()],
        })
    }

    /// Grows one tree on gradients `grad` (hessians are the constant `hess`); leaf values
    /// are unshrunk.
    pub fn train(&mut self, grad: &[f32], hess: f32) -> Tree {
        let n = self.data.n_rows;
        let p = self.params;
        // Reset partition, histograms and best splits.
        for (i, v) in self.indices.iter_mut().enumerate() {
            *v = i as u32;
        }
        self.leaf_begin.fill(0);
        self.leaf_count.fill(0);
        self.leaf_count[0] = n;
        for slot in self.pool.iter_mut() {
            if let Some(h) = slot.take() {
                self.spare.push(h);
            }
        }
        self.best.fill(SplitInfo::default());
        let mut sum_grad = 0.0f64;
        for &g in grad {
            sum_grad += g as f64;
        }
        // Σ of n constant hessians: exact for the objectives' h = 1 (the sequential sum
        // LightGBM forms gives the same integer).
        let sum_hess = n as f64 * hess as f64;
        let mut smaller = LeafSums {
            leaf: 0,
            num_data: n,
            sum_grad,
            sum_hess,
        };
        let mut larger: Option<LeafSums> = None;
        let mut tree = Tree::new(p.num_leaves, split::leaf_output(sum_grad, sum_hess, p));
        let mut left_leaf = 0usize;
        let mut right_leaf: Option<usize> = None;
        for _ in 0..p.num_leaves - 1 {
            if self.before_find_best_split(&tree, left_leaf, right_leaf) {
                self.find_best_splits(grad, hess, left_leaf, right_leaf, smaller, larger);
            }
            let mut best_leaf = 0;
            for i in 1..self.best.len() {
                if self.best[i].better_than(&self.best[best_leaf]) {
                    best_leaf = i;
                }
            }
            if !(self.best[best_leaf].gain > 0.0) {
                break;
            }
            let (l, r, s, g) = self.split(&mut tree, best_leaf);
            left_leaf = l;
            right_leaf = Some(r);
            smaller = s;
            larger = Some(g);
        }
        tree
    }

    fn before_find_best_split(&mut self, tree: &Tree, left: usize, right: Option<usize>) -> bool {
        let p = self.params;
        let block = |best: &mut Vec<SplitInfo>| {
            best[left].gain = f64::NEG_INFINITY;
            if let Some(r) = right {
                best[r].gain = f64::NEG_INFINITY;
            }
        };
        if p.max_depth > 0 && tree.leaf_depth[left] >= p.max_depth as usize {
            block(&mut self.best);
            return false;
        }
        let nl = self.leaf_count[left];
        let nr = right.map_or(0, |r| self.leaf_count[r]);
        if nr < 2 * p.min_data_in_leaf && nl < 2 * p.min_data_in_leaf {
            block(&mut self.best);
            return false;
        }
        true
    }

    /// Rows of `leaf` for histogram construction (`None` when it holds every row).
    fn rows_of(&self, leaf: usize) -> Option<&[u32]> {
        let b = self.leaf_begin[leaf];
        let cnt = self.leaf_count[leaf];
        (cnt != self.data.n_rows).then(|| &self.indices[b..b + cnt])
    }

    /// Builds the histograms of the used features of `leaf` into `h`.
    fn construct(&self, h: &mut LeafHist, leaf: usize, used: &[bool], grad: &[f32], hess: f32) {
        let mut hs: Vec<(usize, &mut [HistBin])> = h
            .hists
            .iter_mut()
            .enumerate()
            .filter(|(f, _)| used[*f])
            .map(|(f, v)| {
                v.fill(HistBin::default());
                (f, v.as_mut_slice())
            })
            .collect();
        let rows = self.rows_of(leaf);
        histogram::build_rows(
            &mut hs,
            &self.data.rows,
            self.data.used.len(),
            rows,
            grad,
            hess,
        );
    }

    fn find_best_splits(
        &mut self,
        grad: &[f32],
        hess: f32,
        left: usize,
        right: Option<usize>,
        smaller: LeafSums,
        larger: Option<LeafSums>,
    ) {
        let p = self.params;
        let nf = self.data.used.len();
        let parent = match right {
            Some(_) => self.pool[left].take(),
            None => None,
        };
        let used: Vec<bool> = (0..nf)
            .map(|f| parent.as_ref().is_none_or(|ph| ph.splittable[f]))
            .collect();
        let mut sh = self.new_hist();
        let subtract = parent.is_some();
        let mut lh = match (larger, parent) {
            (Some(_), Some(ph)) => Some(ph),
            (Some(lg), None) => {
                let mut h = self.new_hist();
                self.construct(&mut h, lg.leaf, &used, grad, hess);
                Some(h)
            }
            (None, Some(ph)) => {
                self.spare.push(ph);
                None
            }
            (None, None) => None,
        };
        let data = self.data;
        let nu = data.used.len();
        let srows = self.rows_of(smaller.leaf);
        // Per feature: fix/subtract the histograms and find both leaves' best thresholds.
        let work =
            |f: usize, sfh: &mut Vec<HistBin>, lfh: Option<&mut Vec<HistBin>>| -> FeatureResult {
                if !used[f] {
                    return None;
                }
                let real = data.used[f];
                let mfb = data.mappers[real].most_freq_bin as usize;
                histogram::fix_histogram(sfh, mfb, smaller.sum_grad, smaller.sum_hess);
                let s = split::find_best_threshold(
                    sfh,
                    real as i32,
                    smaller.sum_grad,
                    smaller.sum_hess,
                    smaller.num_data,
                    p,
                );
                let l = match (larger, lfh) {
                    (Some(lg), Some(lh)) => {
                        if subtract {
                            histogram::subtract(lh, sfh);
                        } else {
                            histogram::fix_histogram(lh, mfb, lg.sum_grad, lg.sum_hess);
                        }
                        Some(split::find_best_threshold(
                            lh,
                            real as i32,
                            lg.sum_grad,
                            lg.sum_hess,
                            lg.num_data,
                            p,
                        ))
                    }
                    _ => None,
                };
                Some((s, l))
            };
        let mut items: Vec<FeatureItem> = match lh.as_mut() {
            Some(h) => sh
                .hists
                .iter_mut()
                .zip(h.hists.iter_mut())
                .enumerate()
                .map(|(f, (a, b))| (f, a, Some(b)))
                .collect(),
            None => sh
                .hists
                .iter_mut()
                .enumerate()
                .map(|(f, a)| (f, a, None))
                .collect(),
        };
        // A group of features: build the smaller leaf's histograms (one pass over its
        // rows), then search the thresholds of both leaves.
        let process = |chunk: &mut [FeatureItem]| -> Vec<FeatureResult> {
            {
                let mut hs: Vec<(usize, &mut [HistBin])> = chunk
                    .iter_mut()
                    .filter(|(f, _, _)| used[*f])
                    .map(|(f, a, _)| {
                        a.fill(HistBin::default());
                        (*f, a.as_mut_slice())
                    })
                    .collect();
                histogram::build_rows(&mut hs, &data.rows, nu, srows, grad, hess);
            }
            chunk
                .iter_mut()
                .map(|(f, a, b)| work(*f, a, b.as_deref_mut()))
                .collect()
        };
        // Threads (each on its own features, one fork-join a step) pay off on large leaves.
        #[cfg(feature = "parallel")]
        let results: Vec<FeatureResult> =
            if smaller.num_data + larger.map_or(0, |l| l.num_data) >= PARALLEL_MIN_ROWS {
                let chunk = nu.div_ceil(rayon::current_num_threads().max(1)).max(1);
                items
                    .par_chunks_mut(chunk)
                    .map(process)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .flatten()
                    .collect()
            } else {
                process(&mut items)
            };
        #[cfg(not(feature = "parallel"))]
        let results: Vec<FeatureResult> = process(&mut items);
        drop(items);
        // Reduce in feature order (ties go to the smaller feature index, as in LightGBM).
        let mut smaller_best = SplitInfo::default();
        let mut larger_best = SplitInfo::default();
        for (f, r) in results.into_iter().enumerate() {
            let Some(((s, ok), l)) = r else {
                sh.splittable[f] = false;
                continue;
            };
            sh.splittable[f] = ok;
            if s.better_than(&smaller_best) {
                smaller_best = s;
            }
            if let (Some((s, ok)), Some(h)) = (l, lh.as_mut()) {
                h.splittable[f] = ok;
                if s.better_than(&larger_best) {
                    larger_best = s;
                }
            }
        }
        self.best[smaller.leaf] = smaller_best;
        self.pool[smaller.leaf] = Some(sh);
        if let (Some(lg), Some(h)) = (larger, lh) {
            self.best[lg.leaf] = larger_best;
            self.pool[lg.leaf] = Some(h);
        }
    }

    /// Splits `leaf` by its best split; returns (left leaf, right leaf, smaller, larger).
    fn split(&mut self, tree: &mut Tree, leaf: usize) -> (usize, usize, LeafSums, LeafSums) {
        let s = self.best[leaf];
        let real = s.feature as usize;
        let inner = self.inner_of_real[real].unwrap_or(0);
        let threshold = self.data.mappers[real].upper_bounds[s.threshold as usize];
        // Stable partition of the leaf's rows: bin ≤ threshold left, the rest right.
        let b = self.leaf_begin[leaf];
        let cnt = self.leaf_count[leaf];
        let bins = &self.data.bins[inner];
        let seg = &mut self.indices[b..b + cnt];
        let mut nl = 0;
        let mut nr = 0;
        // Branch-free: the row is written to both sides, only one cursor advances.
        for i in 0..cnt {
            let r = seg[i];
            let goes_left = ((bins[r as usize] as u32) <= s.threshold) as usize;
            seg[nl] = r;
            self.scratch[nr] = r;
            nl += goes_left;
            nr += 1 - goes_left;
        }
        seg[nl..].copy_from_slice(&self.scratch[..nr]);
        let new_leaf = tree.split(
            leaf,
            real,
            s.threshold,
            threshold,
            s.left_output,
            s.right_output,
            nl,
            nr,
            s.left_sum_hessian,
            s.right_sum_hessian,
            (s.gain + self.params.min_gain_to_split) as f32,
        );
        self.leaf_count[leaf] = nl;
        self.leaf_begin[new_leaf] = b + nl;
        self.leaf_count[new_leaf] = nr;
        let left = LeafSums {
            leaf,
            num_data: nl,
            sum_grad: s.left_sum_gradient,
            sum_hess: s.left_sum_hessian,
        };
        let right = LeafSums {
            leaf: new_leaf,
            num_data: nr,
            sum_grad: s.right_sum_gradient,
            sum_hess: s.right_sum_hessian,
        };
        if nl < nr {
            (leaf, new_leaf, left, right)
        } else {
            (leaf, new_leaf, right, left)
        }
    }
}
