//! Special functions of the mock generator: the Lambert W function (branches W₀ and W₋₁,
//! used to invert the NFW and exponential-disc mass profiles in closed form) and modified
//! Bessel functions I₀, I₁, K₀, K₁, K₂ (Freeman 1970 disc rotation curve, gas-disc
//! normalisation), including the exponentially scaled forms e^{−x}Iₙ(x) and e^{x}Kₙ(x) so that
//! products Iₙ·Kₙ never overflow.
//!
//! The Bessel functions are the polynomial approximations of Abramowitz & Stegun 9.8.1–9.8.8
//! (absolute errors ≲ 2·10⁻⁷ of the scaled functions).

/// e, Euler's number.
const E: f64 = std::f64::consts::E;

/// Principal branch W₀(x) of the Lambert W function, the solution w ≥ −1 of w e^w = x, for
/// x ≥ −1/e. Halley iteration from a branch-point series / asymptotic start, to full f64
/// precision. Returns NaN for x < −1/e (beyond rounding).
pub fn lambert_w0(x: f64) -> f64 {
    let branch = -1.0 / E;
    if x.is_nan() || x < branch - 1e-15 {
        return f64::NAN;
    }
    if x <= branch {
        return -1.0;
    }
    if x == 0.0 {
        return 0.0;
    }
    let w0 = if x < -0.25 {
        let p = (2.0 * (E * x + 1.0)).max(0.0).sqrt();
        -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p * p * p
    } else if x < 3.0 {
        let l = x.ln_1p();
        l * (1.0 - l.ln_1p() / (2.0 + l))
    } else {
        let l1 = x.ln();
        let l2 = l1.ln();
        l1 - l2 + l2 / l1
    };
    halley(x, w0)
}

/// Lower branch W₋₁(x) of the Lambert W function, the solution w ≤ −1 of w e^w = x, for
/// −1/e ≤ x < 0. Returns NaN outside that interval.
pub fn lambert_wm1(x: f64) -> f64 {
    let branch = -1.0 / E;
    if x.is_nan() || x < branch - 1e-15 || x >= 0.0 {
        return f64::NAN;
    }
    if x <= branch {
        return -1.0;
    }
    let w0 = if x < -0.25 {
        let p = -(2.0 * (E * x + 1.0)).max(0.0).sqrt();
        -1.0 + p - p * p / 3.0 + 11.0 / 72.0 * p * p * p
    } else {
        let l1 = (-x).ln();
        let l2 = (-l1).ln();
        l1 - l2 + l2 / l1
    };
    halley(x, w0)
}

/// Halley iteration for w e^w = x from the start `w`.
fn halley(x: f64, mut w: f64) -> f64 {
    for _ in 0..30 {
        let ew = w.exp();
        let f = w * ew - x;
        let wp1 = w + 1.0;
        if wp1.abs() < 1e-300 {
            break;
        }
        let denom = ew * wp1 - (w + 2.0) * f / (2.0 * wp1);
        if denom == 0.0 || !denom.is_finite() {
            break;
        }
        let dw = f / denom;
        w -= dw;
        // Cubic convergence: after a step of 1e-9 the error is far below f64 resolution.
        if dw.abs() <= 1e-9 * (1.0 + w.abs()) {
            break;
        }
    }
    w
}

/// Polynomial of A&S 9.8.1 in t² (t = x/3.75): I₀(x) for |x| ≤ 3.75.
fn i0_small(x: f64) -> f64 {
    let y = (x / 3.75) * (x / 3.75);
    1.0 + y
        * (3.5156229
            + y * (3.0899424 + y * (1.2067492 + y * (0.2659732 + y * (0.0360768 + y * 0.0045813)))))
}

/// A&S 9.8.2: x^{1/2} e^{−x} I₀(x) for x ≥ 3.75.
fn i0_large_scaled_sqrt(x: f64) -> f64 {
    let y = 3.75 / x;
    0.39894228
        + y * (0.01328592
            + y * (0.00225319
                + y * (-0.00157565
                    + y * (0.00916281
                        + y * (-0.02057706
                            + y * (0.02635537 + y * (-0.01647633 + y * 0.00392377)))))))
}

/// A&S 9.8.3: I₁(x) for |x| ≤ 3.75.
fn i1_small(x: f64) -> f64 {
    let y = (x / 3.75) * (x / 3.75);
    x * (0.5
        + y * (0.87890594
            + y * (0.51498869
                + y * (0.15084934 + y * (0.02658733 + y * (0.00301532 + y * 0.00032411))))))
}

/// A&S 9.8.4: x^{1/2} e^{−x} I₁(x) for x ≥ 3.75.
fn i1_large_scaled_sqrt(x: f64) -> f64 {
    let y = 3.75 / x;
    0.39894228
        + y * (-0.03988024
            + y * (-0.00362018
                + y * (0.00163801
                    + y * (-0.01031555
                        + y * (0.02282967
                            + y * (-0.02895312 + y * (0.01787654 - y * 0.00420059)))))))
}

/// A&S 9.8.5: K₀(x) for 0 < x ≤ 2.
fn k0_small(x: f64) -> f64 {
    let y = x * x / 4.0;
    -(x / 2.0).ln() * i0_small(x)
        + (-0.57721566
            + y * (0.42278420
                + y * (0.23069756
                    + y * (0.03488590 + y * (0.00262698 + y * (0.00010750 + y * 0.0000074))))))
}

/// A&S 9.8.6: x^{1/2} e^{x} K₀(x) for x ≥ 2.
fn k0_large_scaled_sqrt(x: f64) -> f64 {
    let y = 2.0 / x;
    1.25331414
        + y * (-0.07832358
            + y * (0.02189568
                + y * (-0.01062446 + y * (0.00587872 + y * (-0.00251540 + y * 0.00053208)))))
}

/// A&S 9.8.7: K₁(x) for 0 < x ≤ 2.
fn k1_small(x: f64) -> f64 {
    let y = x * x / 4.0;
    (x / 2.0).ln() * i1_small(x)
        + (1.0 / x)
            * (1.0
                + y * (0.15443144
                    + y * (-0.67278579
                        + y * (-0.18156897
                            + y * (-0.01919402 + y * (-0.00110404 + y * (-0.00004686)))))))
}

/// A&S 9.8.8: x^{1/2} e^{x} K₁(x) for x ≥ 2.
fn k1_large_scaled_sqrt(x: f64) -> f64 {
    let y = 2.0 / x;
    1.25331414
        + y * (0.23498619
            + y * (-0.03655620
                + y * (0.01504268 + y * (-0.00780353 + y * (0.00325614 + y * (-0.00068245))))))
}

/// Modified Bessel function I₀(x) (x ≥ 0), A&S 9.8.1–9.8.2. Overflows beyond x ≈ 700; use
/// [`i0e`] in products.
#[cfg(test)]
pub fn i0(x: f64) -> f64 {
    let x = x.abs();
    if x <= 3.75 {
        i0_small(x)
    } else {
        x.exp() / x.sqrt() * i0_large_scaled_sqrt(x)
    }
}

/// Modified Bessel function I₁(x) (x ≥ 0), A&S 9.8.3–9.8.4.
#[cfg(test)]
pub fn i1(x: f64) -> f64 {
    if x <= 3.75 {
        i1_small(x)
    } else {
        x.exp() / x.sqrt() * i1_large_scaled_sqrt(x)
    }
}

/// Modified Bessel function K₀(x) (x > 0), A&S 9.8.5–9.8.6.
pub fn k0(x: f64) -> f64 {
    if x <= 2.0 {
        k0_small(x)
    } else {
        (-x).exp() / x.sqrt() * k0_large_scaled_sqrt(x)
    }
}

/// Modified Bessel function K₁(x) (x > 0), A&S 9.8.7–9.8.8.
pub fn k1(x: f64) -> f64 {
    if x <= 2.0 {
        k1_small(x)
    } else {
        (-x).exp() / x.sqrt() * k1_large_scaled_sqrt(x)
    }
}

/// K₂(x) = K₀(x) + (2/x) K₁(x) (x > 0), by the recurrence of the modified Bessel functions.
pub fn k2(x: f64) -> f64 {
    k0(x) + 2.0 / x * k1(x)
}

/// Exponentially scaled e^{−x} I₀(x) (x ≥ 0); never overflows.
pub fn i0e(x: f64) -> f64 {
    let x = x.abs();
    if x <= 3.75 {
        (-x).exp() * i0_small(x)
    } else {
        i0_large_scaled_sqrt(x) / x.sqrt()
    }
}

/// Exponentially scaled e^{−x} I₁(x) (x ≥ 0).
pub fn i1e(x: f64) -> f64 {
    if x <= 3.75 {
        (-x).exp() * i1_small(x)
    } else {
        i1_large_scaled_sqrt(x) / x.sqrt()
    }
}

/// Exponentially scaled e^{x} K₀(x) (x > 0).
pub fn k0e(x: f64) -> f64 {
    if x <= 2.0 {
        x.exp() * k0_small(x)
    } else {
        k0_large_scaled_sqrt(x) / x.sqrt()
    }
}

/// Exponentially scaled e^{x} K₁(x) (x > 0).
pub fn k1e(x: f64) -> f64 {
    if x <= 2.0 {
        x.exp() * k1_small(x)
    } else {
        k1_large_scaled_sqrt(x) / x.sqrt()
    }
}

/// Exponentially scaled e^{x} K₂(x) = e^{x}K₀(x) + (2/x) e^{x}K₁(x) (x > 0).
#[cfg(test)]
pub fn k2e(x: f64) -> f64 {
    k0e(x) + 2.0 / x * k1e(x)
}

/// The Freeman (1970) combination y² [I₀(y)K₀(y) − I₁(y)K₁(y)] (y ≥ 0), computed from the
/// scaled functions (the factors e^{∓y} cancel), so it is finite for every y. Its limit at
/// y → 0 is 0.
pub fn freeman_bessel_term(y: f64) -> f64 {
    if y <= 0.0 {
        return 0.0;
    }
    y * y * (i0e(y) * k0e(y) - i1e(y) * k1e(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambert_w0_solves_w_exp_w_on_the_whole_branch() {
        let mut xs: Vec<f64> = (0..300)
            .map(|k| -1.0 / E * (1.0 - 10f64.powf(-12.0 + k as f64 * 0.04)))
            .collect();
        xs.extend((0..300).map(|k| 10f64.powf(-12.0 + k as f64 * 0.06)));
        for x in xs {
            let w = lambert_w0(x);
            assert!(w >= -1.0);
            let res = (w * w.exp() - x).abs();
            assert!(res <= 2e-15 * x.abs().max(0.1), "x={x} w={w} res={res}");
        }
        assert_eq!(lambert_w0(0.0), 0.0);
        assert!((lambert_w0(E) - 1.0).abs() < 1e-15);
        assert!((lambert_w0(-1.0 / E) + 1.0).abs() < 1e-15);
    }

    #[test]
    fn lambert_wm1_solves_w_exp_w_below_minus_one() {
        for k in 1..200 {
            let x = -1.0 / E * (1.0 - (k as f64 / 200.0).powi(3)) - 1e-300;
            let w = lambert_wm1(x);
            assert!(w <= -1.0, "x={x} w={w}");
            assert!((w * w.exp() - x).abs() < 1e-15, "x={x} w={w}");
        }
        // W₋₁(−2 e⁻²) = −2 exactly.
        assert!((lambert_wm1(-2.0 * (-2.0f64).exp()) + 2.0).abs() < 1e-13);
        assert!((lambert_wm1(-1e-10) * (lambert_wm1(-1e-10)).exp() + 1e-10).abs() < 1e-24);
    }

    #[test]
    fn bessel_functions_match_tabulated_values() {
        // A&S Table 9.8 / standard values.
        let cases = [
            (
                1.0,
                1.2660658777520082,
                0.5651591039924851,
                0.42102443824070834,
                0.6019072301972346,
            ),
            (
                2.0,
                2.2795853023360673,
                1.590_636_854_637_329,
                0.11389387274953344,
                0.13986588181652243,
            ),
            (
                5.0,
                27.239871823604442,
                24.335642142450524,
                0.0036910983340425942,
                0.004044613445452164,
            ),
        ];
        for (x, ei0, ei1, ek0, ek1) in cases {
            assert!((i0(x) / ei0 - 1.0).abs() < 2e-7, "I0({x})");
            assert!((i1(x) / ei1 - 1.0).abs() < 2e-7, "I1({x})");
            assert!((k0(x) / ek0 - 1.0).abs() < 2e-7, "K0({x})");
            assert!((k1(x) / ek1 - 1.0).abs() < 2e-7, "K1({x})");
        }
        // K2(1) = 1.6248388986351774.
        assert!((k2(1.0) / 1.6248388986351774 - 1.0).abs() < 1e-6);
    }

    #[test]
    fn scaled_and_unscaled_bessel_forms_agree() {
        // Test 9 (second part): e^{∓y}-scaled and unscaled forms agree to 1e-12 for y < 5.
        let mut y = 0.01;
        while y < 5.0 {
            let plain = i0(y) * k0(y) - i1(y) * k1(y);
            let scaled = i0e(y) * k0e(y) - i1e(y) * k1e(y);
            assert!((plain - scaled).abs() <= 1e-12 * plain.abs(), "y={y}");
            assert!((i0e(y) - (-y).exp() * i0(y)).abs() <= 1e-12 * i0e(y));
            assert!((k1e(y) - y.exp() * k1(y)).abs() <= 1e-12 * k1e(y));
            assert!((k2e(y) - y.exp() * k2(y)).abs() <= 1e-12 * k2e(y));
            y += 0.0137;
        }
    }
}
