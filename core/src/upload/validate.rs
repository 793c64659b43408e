//! Checks on uploaded maps: declared sizes against [`Limits`] and against the bytes present
//! (run on the header, before any pixel buffer is allocated), finiteness, mask values and the
//! shapes a model input needs.

use super::{Map2d, UploadError};

/// Largest upload accepted: pixels per plane, total elements and data bytes a header may
/// declare. Defaults: 4096² pixels a plane, 3 planes, 64 MiB of data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most pixels in one plane (height × width).
    pub max_pixels: u64,
    /// Most planes (V, σ, mask = 3).
    pub max_planes: u64,
    /// Most data bytes the header may declare (element size × elements).
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pixels: 4096 * 4096,
            max_planes: 3,
            max_bytes: 64 << 20,
        }
    }
}

/// Checks a header's declared array before anything is allocated: `planes` × `height` ×
/// `width` elements of `elem_size` bytes must be within `limits`, and the declared data must
/// not exceed `present` bytes (a shorter file is [`UploadError::Truncated`]). Products are
/// computed without overflow (a header claiming 10⁹ or 2⁶⁴ pixels is refused the same way).
/// Returns the number of elements and of data bytes.
pub fn check_declared(
    planes: u64,
    height: u64,
    width: u64,
    elem_size: u64,
    present: u64,
    limits: &Limits,
) -> Result<(usize, usize), UploadError> {
    let too_large = |what, declared: String, limit| UploadError::TooLarge {
        what,
        declared,
        limit,
    };
    if planes > limits.max_planes {
        return Err(too_large("planes", planes.to_string(), limits.max_planes));
    }
    let pixels = height.checked_mul(width).ok_or_else(|| {
        too_large(
            "pixels a plane",
            format!("{height} × {width}"),
            limits.max_pixels,
        )
    })?;
    if pixels > limits.max_pixels {
        return Err(too_large(
            "pixels a plane",
            format!("{height} × {width} = {pixels}"),
            limits.max_pixels,
        ));
    }
    // pixels ≤ max_pixels and planes ≤ max_planes: these products fit easily unless the
    // limits themselves are absurd, so they stay checked.
    let elements = pixels
        .checked_mul(planes)
        .ok_or_else(|| too_large("elements", format!("{planes} × {pixels}"), limits.max_bytes))?;
    let bytes = elements.checked_mul(elem_size).ok_or_else(|| {
        too_large(
            "bytes",
            format!("{elements} × {elem_size}"),
            limits.max_bytes,
        )
    })?;
    if bytes > limits.max_bytes {
        return Err(too_large("bytes", bytes.to_string(), limits.max_bytes));
    }
    if bytes > present {
        return Err(UploadError::Truncated {
            expected: bytes,
            present,
        });
    }
    let n = usize::try_from(elements)
        .map_err(|_| too_large("elements", elements.to_string(), limits.max_bytes))?;
    let b = usize::try_from(bytes)
        .map_err(|_| too_large("bytes", bytes.to_string(), limits.max_bytes))?;
    Ok((n, b))
}

/// Refuses a map holding NaN or ±∞: the error counts them and locates the first.
pub fn check_finite(map: &Map2d) -> Result<(), UploadError> {
    let mut count = 0usize;
    let mut first = None;
    for (k, v) in map.data.iter().enumerate() {
        if !v.is_finite() {
            count += 1;
            first.get_or_insert(k);
        }
    }
    match first {
        None => Ok(()),
        Some(k) => {
            let per_plane = (map.height * map.width).max(1);
            let width = map.width.max(1);
            Err(UploadError::NonFinite {
                count,
                plane: k / per_plane,
                row: (k % per_plane) / width,
                col: k % width,
            })
        }
    }
}

/// A light-map input (r, g) needs one square plane. `model_size` (the model's grid side) is
/// only used for the message; other square sizes are accepted and resampled.
pub fn check_light_shape(map: &Map2d, model_size: usize) -> Result<(), UploadError> {
    if map.planes == 1 && map.height == map.width && map.height > 0 {
        Ok(())
    } else {
        Err(UploadError::Shape {
            found: map.shape_text(),
            needed: format!("a square image, e.g. ({model_size}, {model_size})"),
        })
    }
}

/// A kinematic input (vel) needs 2 square planes (V, σ in km/s) or 3 (V, σ, mask of 0/1).
/// `model_size` is the model's grid side (for the message; other square sizes are resampled).
pub fn check_kinematic_shape(map: &Map2d, model_size: usize) -> Result<(), UploadError> {
    let k = model_size;
    if (map.planes == 2 || map.planes == 3) && map.height == map.width && map.height > 0 {
        if let Some(mask) = map.plane(2) {
            for (i, &m) in mask.iter().enumerate() {
                if m != 0.0 && m != 1.0 {
                    return Err(UploadError::BadMask {
                        value: m,
                        row: i / map.width,
                        col: i % map.width,
                    });
                }
            }
        }
        Ok(())
    } else {
        Err(UploadError::Shape {
            found: map.shape_text(),
            needed: format!("(2, {k}, {k}) or (3, {k}, {k})"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header claiming 10⁹ pixels, or a product that overflows u64, is refused without
    /// allocating; a declared size larger than the bytes present is "truncated".
    #[test]
    fn declared_sizes_are_checked_before_allocation() {
        let l = Limits::default();
        assert!(matches!(
            check_declared(1, 31623, 31623, 4, 1 << 40, &l),
            Err(UploadError::TooLarge {
                what: "pixels a plane",
                ..
            })
        ));
        assert!(matches!(
            check_declared(1, u64::MAX, 3, 4, 100, &l),
            Err(UploadError::TooLarge { .. })
        ));
        assert!(matches!(
            check_declared(4, 8, 8, 4, 10_000, &l),
            Err(UploadError::TooLarge { what: "planes", .. })
        ));
        // 4096² f64 = 128 MiB > 64 MiB.
        assert!(matches!(
            check_declared(1, 4096, 4096, 8, u64::MAX, &l),
            Err(UploadError::TooLarge { what: "bytes", .. })
        ));
        assert_eq!(
            check_declared(2, 48, 48, 4, 100, &l),
            Err(UploadError::Truncated {
                expected: 2 * 48 * 48 * 4,
                present: 100
            })
        );
        assert_eq!(check_declared(3, 4, 5, 8, 480, &l), Ok((60, 480)));
    }

    #[test]
    fn non_finite_values_are_counted_and_located() {
        let mut data = vec![1.0f32; 2 * 3 * 4];
        data[12 + 4 + 2] = f32::NAN; // plane 1, row 1, column 2
        data[20] = f32::INFINITY;
        let m = Map2d {
            planes: 2,
            height: 3,
            width: 4,
            data,
        };
        let e = check_finite(&m).unwrap_err();
        assert_eq!(
            e,
            UploadError::NonFinite {
                count: 2,
                plane: 1,
                row: 1,
                col: 2
            }
        );
        assert!(e.to_string().contains("2 non-finite"));
    }

    /// The message a person sees for a velocity file with one plane.
    #[test]
    fn shape_messages_name_what_is_needed() {
        let m = Map2d {
            planes: 1,
            height: 48,
            width: 48,
            data: vec![0.0; 48 * 48],
        };
        let e = check_kinematic_shape(&m, 48)
            .unwrap_err()
            .in_file("vel.npy");
        assert_eq!(
            e.to_string(),
            "vel.npy: shape (48, 48) but the model needs (2, 48, 48) or (3, 48, 48)"
        );
        assert!(check_light_shape(&m, 300).is_ok());
        let rect = Map2d {
            planes: 1,
            height: 4,
            width: 5,
            data: vec![0.0; 20],
        };
        assert!(check_light_shape(&rect, 300).is_err());
        let mut mask3 = vec![0.0f32; 3 * 4];
        mask3[8 + 3] = 0.5;
        let v = Map2d {
            planes: 3,
            height: 2,
            width: 2,
            data: mask3,
        };
        assert!(matches!(
            check_kinematic_shape(&v, 2),
            Err(UploadError::BadMask { row: 1, col: 1, .. })
        ));
    }
}
