//! A galaxy seen along one axis, the step both `measure` and `observe` build on: the
//! projection of positions and velocities onto the image plane and the line of sight
//! ([`project`], galaxy-model.md 2.9) and the nearest-grid-point stellar kinematic grid
//! ([`kinematics`], 4.3) that the kinematic maps and λ_R are read from.

// `!(x > 0.0)` is used on purpose: it also rejects NaN.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

pub mod kinematics;

use crate::galaxy::Axis;

/// Projects 3D positions (kpc) and velocities (km/s) onto a line of sight (2.9): returns the
/// image coordinates (u, w) in kpc and the line-of-sight velocity v_los in km/s, in f64.
/// Along x the image axes are (y, z), along y (z, x), along z (x, y); v_los is the velocity
/// component along the axis (positive = receding, observer at −∞).
pub fn project(pos: &[[f32; 3]], vel: &[[f32; 3]], axis: Axis) -> Projected {
    let (a, b) = axis.image_axes();
    let k = axis.los();
    Projected {
        u: pos.iter().map(|p| p[a] as f64).collect(),
        w: pos.iter().map(|p| p[b] as f64).collect(),
        v_los: vel.iter().map(|v| v[k] as f64).collect(),
    }
}

/// Particle coordinates in the image plane of one projection (f64 copies of the f32 data).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Projected {
    /// First image coordinate in kpc.
    pub u: Vec<f64>,
    /// Second image coordinate in kpc.
    pub w: Vec<f64>,
    /// Line-of-sight velocity in km/s.
    pub v_los: Vec<f64>,
}

impl Projected {
    /// Projected radius √(u² + w²) of particle `i` in kpc.
    pub fn radius(&self, i: usize) -> f64 {
        self.u[i].hypot(self.w[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test 13 (projection part): a particle at (1,2,3) kpc projects to (2,3), (3,1), (1,2).
    #[test]
    fn projection_axes_follow_the_paper() {
        let pos = [[1.0f32, 2.0, 3.0]];
        let vel = [[10.0f32, 20.0, 30.0]];
        let expect = [((2.0, 3.0), 10.0), ((3.0, 1.0), 20.0), ((1.0, 2.0), 30.0)];
        for (axis, ((eu, ew), ev)) in Axis::ALL.into_iter().zip(expect) {
            let p = project(&pos, &vel, axis);
            assert_eq!(
                (p.u[0], p.w[0], p.v_los[0]),
                (eu, ew, ev),
                "{}",
                axis.name()
            );
        }
    }
}
