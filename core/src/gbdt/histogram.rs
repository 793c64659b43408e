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

/// Adds the rows of a leaf into the histograms of several features at once, reading the
/// row-major bins `row_bins` (`n_used` bins a row). `hists` pairs a used-feature index
/// with its (zeroed) histogram. `rows` lists the leaf's rows in order (`None`: every row).
/// Each bin sums its rows in row order, as LightGBM's column-wise `ConstructHistogram`
/// does, so the sums are the same to the last bit; the features' independent updates
/// just interleave. Hessians are the constant `hess_const`, added once a row (for h = 1
/// this equals LightGBM's count · h exactly).
pub fn build_rows(
    hists: &mut [(usize, &mut [HistBin])],
    row_bins: &[u8],
    n_used: usize,
    rows: Option<&[u32]>,
    grad: &[f32],
    hess_const: f32,
) {
    let h = hess_const as f64;
    let mut add = |r: usize| {
        let bins = &row_bins[r * n_used..(r + 1) * n_used];
        let g = grad[r] as f64;
        for (f, hist) in hists.iter_mut() {
            let e = &mut hist[bins[*f] as usize];
            e.grad += g;
            e.hess += h;
        }
    };
    match rows {
        Some(rows) => rows.iter().for_each(|&r| add(r as usize)),
        None => (0..grad.len()).for_each(add),
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
