//! Number formatting for the page: scientific notation with Unicode superscripts
//! (e.g. "2.50 × 10¹⁰") and fixed decimals.

/// Formats `x` as `m.mm × 10ᵉ` with `digits` decimals in the mantissa; zero and
/// non-finite values are written plainly ("0", "NaN", "inf").
pub fn sci(x: f64, digits: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    // Rust's `{:e}` rounds the mantissa and carries into the exponent correctly.
    let text = format!("{:.*e}", digits, x);
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    if exponent == "0" {
        return mantissa.to_string();
    }
    format!("{mantissa} × 10{}", superscript(exponent))
}

/// Writes an integer string (optional leading '-') in Unicode superscript digits.
pub fn superscript(digits: &str) -> String {
    digits
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            '9' => '⁹',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_with_superscripts() {
        assert_eq!(sci(2.5e10, 2), "2.50 × 10¹⁰");
        assert_eq!(sci(1e11, 1), "1.0 × 10¹¹");
        assert_eq!(sci(9.996e10, 2), "1.00 × 10¹¹");
        assert_eq!(sci(3.2e-5, 1), "3.2 × 10⁻⁵");
        assert_eq!(sci(4.0, 2), "4.00");
        assert_eq!(sci(0.0, 2), "0");
    }
}
