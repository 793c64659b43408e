//! Uniformly random orientations (galaxy-model.md 2.9): Shoemake's (1992) uniform random unit
//! quaternion and its rotation matrix.

use rand::Rng;

/// Uniform random unit quaternion (x, y, z, w) from three uniforms u1, u2, u3 ∈ [0, 1)
/// (Shoemake 1992): (√(1−u1) sin 2πu2, √(1−u1) cos 2πu2, √u1 sin 2πu3, √u1 cos 2πu3).
pub fn shoemake_quaternion(u1: f64, u2: f64, u3: f64) -> [f64; 4] {
    let tau = std::f64::consts::TAU;
    let (a, b) = ((1.0 - u1).sqrt(), u1.sqrt());
    [
        a * (tau * u2).sin(),
        a * (tau * u2).cos(),
        b * (tau * u3).sin(),
        b * (tau * u3).cos(),
    ]
}

/// Row-major rotation matrix of the unit quaternion q = (x, y, z, w), applied as x ← R x:
/// [[1−2(y²+z²), 2(xy−zw), 2(xz+yw)], [2(xy+zw), 1−2(x²+z²), 2(yz−xw)],
///  [2(xz−yw), 2(yz+xw), 1−2(x²+y²)]].
pub fn quaternion_matrix(q: [f64; 4]) -> [[f64; 3]; 3] {
    let [x, y, z, w] = q;
    [
        [
            1.0 - 2.0 * (y * y + z * z),
            2.0 * (x * y - z * w),
            2.0 * (x * z + y * w),
        ],
        [
            2.0 * (x * y + z * w),
            1.0 - 2.0 * (x * x + z * z),
            2.0 * (y * z - x * w),
        ],
        [
            2.0 * (x * z - y * w),
            2.0 * (y * z + x * w),
            1.0 - 2.0 * (x * x + y * y),
        ],
    ]
}

/// Draws three uniforms from `rng` and returns the uniformly random rotation's quaternion.
pub fn random_quaternion<R: Rng + ?Sized>(rng: &mut R) -> [f64; 4] {
    let u1: f64 = rng.random();
    let u2: f64 = rng.random();
    let u3: f64 = rng.random();
    shoemake_quaternion(u1, u2, u3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::galaxy_rng;

    #[test]
    fn matrices_are_proper_rotations() {
        let mut rng = galaxy_rng(1, 2);
        for _ in 0..100 {
            let q = random_quaternion(&mut rng);
            let norm: f64 = q.iter().map(|v| v * v).sum();
            assert!((norm - 1.0).abs() < 1e-12);
            let r = quaternion_matrix(q);
            let rt = [0, 1, 2].map(|i| [0, 1, 2].map(|j| r[j][i]));
            let p = crate::galaxy::matmul(&r, &rt);
            for (i, row) in p.iter().enumerate() {
                for (j, v) in row.iter().enumerate() {
                    let want = if i == j { 1.0 } else { 0.0 };
                    assert!((v - want).abs() < 1e-12);
                }
            }
            let det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
                - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
                + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
            assert!((det - 1.0).abs() < 1e-12);
        }
        // The identity quaternion.
        assert_eq!(
            quaternion_matrix([0.0, 0.0, 0.0, 1.0]),
            crate::galaxy::IDENTITY
        );
    }

    #[test]
    fn rotated_axes_are_isotropic() {
        // The image of ẑ (the disc normal) is uniform on the sphere: each Cartesian component is
        // U(−1, 1) with mean 0 and variance 1/3; |n_z| = cos i is U(0, 1).
        let mut rng = galaxy_rng(7, 0);
        let n = 40_000;
        let (mut mean, mut var, mut below_half) = ([0.0f64; 3], [0.0f64; 3], 0usize);
        for _ in 0..n {
            let r = quaternion_matrix(random_quaternion(&mut rng));
            let nz = [r[0][2], r[1][2], r[2][2]];
            for k in 0..3 {
                mean[k] += nz[k] / n as f64;
                var[k] += nz[k] * nz[k] / n as f64;
            }
            below_half += usize::from(nz[2].abs() < 0.5);
        }
        for k in 0..3 {
            assert!(mean[k].abs() < 0.015, "{mean:?}");
            assert!((var[k] - 1.0 / 3.0).abs() < 0.01, "{var:?}");
        }
        let f = below_half as f64 / n as f64;
        assert!((f - 0.5).abs() < 0.01, "{f}");
    }
}
