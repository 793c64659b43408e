//! The 2D cubic-spline SPH kernel used to render light maps (galaxy-model.md 4.2).
//!
//! Gadget convention: the kernel support radius is h (not 2h). Normalised in the plane,
//! ∫₀^h W(R, h) 2πR dR = 1, so W has units of 1/length² (kpc⁻² when h is in kpc).

#[cfg(test)]
use std::f64::consts::PI;

/// Normalisation constant of the 2D cubic spline, 40/(7π), multiplying 1/h².
#[cfg(test)]
pub const KERNEL_NORM_2D: f64 = 40.0 / (7.0 * PI);

/// Dimensionless shape of the 2D cubic spline at q = R/h (without the 40/(7π h²) factor):
/// 1 − 6q² + 6q³ for 0 ≤ q ≤ ½, 2(1 − q)³ for ½ < q ≤ 1, and 0 beyond the support.
#[cfg(test)]
pub fn spline_shape(q: f64) -> f64 {
    let q = q.abs();
    if q <= 0.5 {
        1.0 - 6.0 * q * q + 6.0 * q * q * q
    } else if q <= 1.0 {
        let t = 1.0 - q;
        2.0 * t * t * t
    } else {
        0.0
    }
}

/// The 2D cubic-spline kernel W(R, h) = 40/(7π h²) · shape(R/h), in 1/length² for a
/// projected distance `r` and support radius `h` (same length unit, h > 0).
/// Returns 0 for h ≤ 0 or non-finite input.
#[cfg(test)]
pub fn w2d(r: f64, h: f64) -> f64 {
    if !(h > 0.0) || !r.is_finite() {
        return 0.0;
    }
    KERNEL_NORM_2D / (h * h) * spline_shape(r / h)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test 14: ∫ W 2πR dR = 1 to 1e-6 (composite Simpson on each polynomial piece).
    #[test]
    fn kernel_is_normalised_in_the_plane() {
        for h in [0.3, 1.0, 7.5] {
            let simpson = |a: f64, b: f64, n: usize| {
                let dx = (b - a) / n as f64;
                let f = |r: f64| w2d(r, h) * 2.0 * PI * r;
                let mut s = f(a) + f(b);
                for i in 1..n {
                    let x = a + i as f64 * dx;
                    s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
                }
                s * dx / 3.0
            };
            let total = simpson(0.0, 0.5 * h, 2000) + simpson(0.5 * h, h, 2000);
            assert!((total - 1.0).abs() < 1e-6, "h = {h}: ∫W 2πR dR = {total}");
            // Nothing beyond the support.
            assert_eq!(w2d(1.0000001 * h, h), 0.0);
        }
    }

    /// Test 14: W is continuous at q = ½ and q = 1.
    #[test]
    fn kernel_is_continuous_at_the_joins() {
        let eps = 1e-12;
        for q in [0.5, 1.0] {
            let below = spline_shape(q - eps);
            let above = spline_shape(q + eps);
            assert!(
                (below - above).abs() < 1e-10,
                "jump at q = {q}: {below} vs {above}"
            );
        }
        assert!((spline_shape(0.5) - 0.25).abs() < 1e-15);
        assert_eq!(spline_shape(1.0), 0.0);
        assert_eq!(spline_shape(0.0), 1.0);
    }
}
