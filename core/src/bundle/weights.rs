//! Encoding of weight arrays in a bundle payload: little-endian f32, or IEEE 754 half
//! precision (f16: 11-bit significand, relative rounding error ≤ 2⁻¹¹ ≈ 4.9e-4 for
//! |x| in [6.1e-5, 65504]; smaller values lose precision as subnormals, larger ones do not fit).
//! Pure functions over slices.

use half::f16;

use super::BundleError;

/// Largest finite f16.
pub const F16_MAX: f32 = 65504.0;

/// f32 values as little-endian f16 bytes (round to nearest even). A finite value beyond
/// ±65504 or a non-finite value is an error (a weight must not silently become ∞).
pub fn encode_f16(values: &[f32]) -> Result<Vec<u8>, BundleError> {
    let mut out = Vec::with_capacity(values.len() * 2);
    for (index, &v) in values.iter().enumerate() {
        let h = f16::from_f32(v);
        if !v.is_finite() || !h.is_finite() {
            return Err(BundleError::WeightOutOfRange { index, value: v });
        }
        out.extend_from_slice(&h.to_le_bytes());
    }
    Ok(out)
}

/// Little-endian f16 bytes back to f32 (exact: every f16 is an f32).
pub fn decode_f16(bytes: &[u8]) -> Result<Vec<f32>, BundleError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(BundleError::Payload(format!(
            "{} bytes is not a whole number of f16 values",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(2)
        .map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32())
        .collect())
}

/// f32 values as little-endian bytes.
pub fn encode_f32(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Little-endian f32 bytes back to values.
pub fn decode_f32(bytes: &[u8]) -> Result<Vec<f32>, BundleError> {
    if !bytes.len().is_multiple_of(4) {
        return Err(BundleError::Payload(format!(
            "{} bytes is not a whole number of f32 values",
            bytes.len()
        )));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values representable in f16 round-trip exactly; others within 2⁻¹¹ relative in the
    /// normal range; overflow and NaN are refused; odd byte counts are refused.
    #[test]
    fn f16_round_trip_and_precision() {
        let exact = [
            0.0f32,
            1.0,
            -2.5,
            0.099975586,
            65504.0,
            -65504.0,
            6.1035156e-5,
        ];
        let back = decode_f16(&encode_f16(&exact).unwrap()).unwrap();
        assert_eq!(back, exact);
        let mut x = 6.2e-5f32;
        while x < 6.0e4 {
            for v in [x, -x] {
                let b = decode_f16(&encode_f16(&[v]).unwrap()).unwrap()[0];
                assert!(((b - v) / v).abs() <= 2f32.powi(-11), "{v} → {b}");
            }
            x *= 1.37;
        }
        assert!(matches!(
            encode_f16(&[1.0, 70000.0]),
            Err(BundleError::WeightOutOfRange { index: 1, .. })
        ));
        assert!(encode_f16(&[f32::NAN]).is_err());
        assert!(decode_f16(&[0, 0, 0]).is_err());
        let v = [1.5f32, -3.25e-7, 1e30];
        assert_eq!(decode_f32(&encode_f32(&v)).unwrap(), v);
        assert!(decode_f32(&[0; 5]).is_err());
    }
}
