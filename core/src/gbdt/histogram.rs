//! Gradient/hessian histograms of one leaf, one per used feature (LightGBM's
//! `FeatureHistogram` data with `hist_t = double`), and the subtraction trick.

/// One histogram bin: sum of gradients and sum of hessians of the rows in the bin.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HistBin {
    /// Σ gradient (f32 gradients summed in f64).
    pub grad: f64,
    /// Σ hessian.
    pub hess: f64,
}

/// Fills `hist` (length = the feature's bin count) with the sums over `rows` of a
/// column of bins, in row order (LightGBM's `ConstructHistogram` with ordered gradients).
/// Hessians are the constant `hess_const`, added once a row: for the objectives here
/// (h = 1) this equals LightGBM's count · h exactly.
pub fn build_feature(
    hist: &mut [HistBin],
    bins: &[u8],
    rows: &[u32],
    ordered_grad: &[f32],
    hess_const: f32,
) {
    hist.fill(HistBin::default());
    let h = hess_const as f64;
    for (&r, &g) in rows.iter().zip(ordered_grad) {
        let e = &mut hist[bins[r as usize] as usize];
        e.grad += g as f64;
        e.hess += h;
    }
}

/// Same as [`build_feature`] for the root leaf holding every row in order.
pub fn build_feature_all(hist: &mut [HistBin], bins: &[u8], grad: &[f32], hess_const: f32) {
    hist.fill(HistBin::default());
    let h = hess_const as f64;
    for (&b, &g) in bins.iter().zip(grad) {
        let e = &mut hist[b as usize];
        e.grad += g as f64;
        e.hess += h;
    }
}

/// LightGBM's `Dataset::FixHistogram`: when the "most frequent" bin is not bin 0, its
/// entry is recomputed as the leaf totals minus all other bins.
pub fn fix_histogram(hist: &mut [HistBin], most_freq_bin: usize, sum_grad: f64, sum_hess: f64) {
    if most_freq_bin > 0 {
        let mut g = sum_grad;
        let mut h = sum_hess;
        for (i, b) in hist.iter().enumerate() {
            if i != most_freq_bin {
                g -= b.grad;
                h -= b.hess;
            }
        }
        hist[most_freq_bin] = HistBin { grad: g, hess: h };
    }
}

/// The subtraction trick: `larger` holds the parent's histogram on entry and the larger
/// child's (parent − smaller child) on exit.
pub fn subtract(larger: &mut [HistBin], smaller: &[HistBin]) {
    for (l, s) in larger.iter_mut().zip(smaller) {
        l.grad -= s.grad;
        l.hess -= s.hess;
    }
}
