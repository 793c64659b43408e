//! Small summary statistics for the CLI's reports.

/// Median of `v` (mean of the two central values for an even count); `None` when empty or
/// when any value is NaN.
pub fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() || v.iter().any(|x| x.is_nan()) {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    })
}

/// Least-squares straight line y = intercept + slope·x and the scatter about it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineFit {
    /// Intercept (y at x = 0).
    pub intercept: f64,
    /// Slope dy/dx.
    pub slope: f64,
    /// Root-mean-square residual √(Σ r²/N), in the units of y (dex for log quantities).
    pub scatter: f64,
}

/// Ordinary least-squares fit of y on x. `None` with fewer than two points, unequal lengths,
/// non-finite values or all x equal. For log quantities this is a power-law fit and the
/// scatter is in dex.
pub fn fit_line(x: &[f64], y: &[f64]) -> Option<LineFit> {
    let n = x.len();
    if n < 2 || y.len() != n || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let nf = n as f64;
    let (mx, my) = (x.iter().sum::<f64>() / nf, y.iter().sum::<f64>() / nf);
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let ss: f64 = x
        .iter()
        .zip(y)
        .map(|(a, b)| (b - intercept - slope * a).powi(2))
        .sum();
    Some(LineFit {
        intercept,
        slope,
        scatter: (ss / nf).sqrt(),
    })
}

/// Mean and standard deviation (population, 1/N) of the offsets pred − true, the paper's
/// metric "mean ± 1σ of log10(pred/true)" when both are log10 quantities (dex). `None`
/// when empty, of unequal lengths or when any value is not finite.
pub fn offset_mean_sigma(pred: &[f64], truth: &[f64]) -> Option<(f64, f64)> {
    let n = pred.len();
    if n == 0 || truth.len() != n || pred.iter().chain(truth).any(|v| !v.is_finite()) {
        return None;
    }
    let d: Vec<f64> = pred.iter().zip(truth).map(|(p, t)| p - t).collect();
    let mean = d.iter().sum::<f64>() / n as f64;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
    Some((mean, var.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn exact_power_law_has_zero_scatter() {
        // log M = 0.3 + 1.1 log L exactly.
        let x: Vec<f64> = (0..10).map(|i| 8.0 + 0.3 * i as f64).collect();
        let y: Vec<f64> = x.iter().map(|v| 0.3 + 1.1 * v).collect();
        let f = fit_line(&x, &y).unwrap();
        assert!((f.slope - 1.1).abs() < 1e-12 && (f.intercept - 0.3).abs() < 1e-10);
        assert!(f.scatter < 1e-12);
    }

    #[test]
    fn alternating_residuals_give_their_rms() {
        // y = 2x ± 0.1 alternating, x symmetric in pairs: the fit is y = 2x, rms = 0.1.
        let x = [0.0, 0.0, 1.0, 1.0, 2.0, 2.0];
        let y = [0.1, -0.1, 2.1, 1.9, 4.1, 3.9];
        let f = fit_line(&x, &y).unwrap();
        assert!((f.slope - 2.0).abs() < 1e-12 && f.intercept.abs() < 1e-12);
        assert!((f.scatter - 0.1).abs() < 1e-12);
        assert!(fit_line(&[1.0, 1.0], &[0.0, 1.0]).is_none());
    }

    #[test]
    fn offsets_of_plus_minus_one_have_sigma_one() {
        // Offsets +1, −1, +1, −1 around a shift of 0.5: mean 0.5, σ exactly 1 (1/N).
        let truth = [0.0, 1.0, 2.0, 3.0];
        let pred = [1.5, 0.5, 3.5, 2.5];
        let (m, s) = offset_mean_sigma(&pred, &truth).unwrap();
        assert!(
            (m - 0.5).abs() < 1e-15 && (s - 1.0).abs() < 1e-15,
            "{m} {s}"
        );
        assert!(offset_mean_sigma(&[], &[]).is_none());
        assert!(offset_mean_sigma(&[f64::NAN], &[0.0]).is_none());
    }
}
