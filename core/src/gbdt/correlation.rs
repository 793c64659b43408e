//! Pearson correlation matrix of columns (features and targets; the paper's Fig. 10).

use super::GbdtError;

/// Pearson correlation coefficients r_ij = cov(i, j)/(σ_i σ_j) of equally long columns,
/// computed with two-pass means in f64. A constant column has NaN correlations (0/0)
/// except r_ii = 1.
pub fn pearson_matrix(columns: &[&[f64]]) -> Result<Vec<Vec<f64>>, GbdtError> {
    let k = columns.len();
    let n = columns.first().map_or(0, |c| c.len());
    for c in columns {
        if c.len() != n {
            return Err(GbdtError::LengthMismatch {
                what: "correlation column",
                expected: n,
                got: c.len(),
            });
        }
    }
    if n < 2 {
        return Err(GbdtError::EmptyTrainingSet);
    }
    let centred: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| {
            let m = c.iter().sum::<f64>() / n as f64;
            c.iter().map(|v| v - m).collect()
        })
        .collect();
    let norms: Vec<f64> = centred
        .iter()
        .map(|c| c.iter().map(|v| v * v).sum::<f64>().sqrt())
        .collect();
    let mut r = vec![vec![0.0; k]; k];
    for i in 0..k {
        r[i][i] = 1.0;
        for j in i + 1..k {
            let dot: f64 = centred[i].iter().zip(&centred[j]).map(|(a, b)| a * b).sum();
            let v = (dot / (norms[i] * norms[j])).clamp(-1.0, 1.0);
            let v = if norms[i] > 0.0 && norms[j] > 0.0 {
                v
            } else {
                f64::NAN
            };
            r[i][j] = v;
            r[j][i] = v;
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_linear_relations_and_known_value() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 4.0, 6.0, 8.0];
        let c = [4.0, 3.0, 2.0, 1.0];
        // x = (1,2,3,4), y = (1,3,2,4): r = 0.8 analytically.
        let d = [1.0, 3.0, 2.0, 4.0];
        let r = pearson_matrix(&[&a, &b, &c, &d]).unwrap();
        assert!((r[0][1] - 1.0).abs() < 1e-15);
        assert!((r[0][2] + 1.0).abs() < 1e-15);
        assert!((r[0][3] - 0.8).abs() < 1e-15);
        assert_eq!(r[3][0], r[0][3]);
    }

    #[test]
    fn mismatched_columns_error() {
        assert!(pearson_matrix(&[&[1.0, 2.0], &[1.0]]).is_err());
    }
}
