//! An IFU footprint: the hexagonal fibre bundle of MaNGA-like surveys. A bundle "covering
//! k R_e" is the regular hexagon whose inscribed circle (centre to the middle of a side) has
//! radius k R_e, so the whole circle of k R_e is observed (vertices at k R_e / cos 30°). MaNGA
//! targets k = 1.5 (Primary sample) or 2.5 (Secondary). The position angle turns the hexagon
//! counter-clockwise from having a vertex on the first image axis.

use serde::{Deserialize, Serialize};

use super::{TelescopeError, positive};

/// A hexagonal footprint centred on the galaxy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hexagon {
    /// Inscribed radius (centre to the middle of a side), in pixels of the map it masks.
    pub inscribed_px: f64,
    /// Position angle in degrees.
    pub pa_deg: f64,
}

impl Hexagon {
    /// Checks the parameters.
    pub fn check(&self) -> Result<(), TelescopeError> {
        positive("ifu_radius", self.inscribed_px)?;
        if !self.pa_deg.is_finite() {
            return Err(TelescopeError::Invalid {
                what: "ifu_pa_deg",
                value: self.pa_deg,
                why: "must be a finite angle",
            });
        }
        Ok(())
    }

    /// Whether the point (x, y), in pixels from the centre along the first and second image
    /// axes, lies inside.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        let (s, c) = self.pa_deg.to_radians().sin_cos();
        // Into the hexagon's frame (vertex on its x axis).
        let (u, w) = ((c * x + s * y).abs(), (-s * x + c * y).abs());
        let h = self.inscribed_px; // the flat sides are at |w| = h
        let circum = h / (std::f64::consts::PI / 6.0).cos();
        w <= h && 3f64.sqrt() * u + w <= 3f64.sqrt() * circum
    }

    /// The footprint on a side × side map centred on the galaxy: 1 inside (pixel centre),
    /// 0 outside.
    pub fn mask(&self, side: usize) -> Vec<u8> {
        let c = side as f64 / 2.0;
        (0..side * side)
            .map(|p| {
                let (i, j) = ((p / side) as f64 + 0.5 - c, (p % side) as f64 + 0.5 - c);
                // Row i runs along the second axis, column j along the first.
                u8::from(self.contains(j, i))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hexagon_covers_its_inscribed_circle_and_reaches_its_vertices() {
        let h = Hexagon {
            inscribed_px: 10.0,
            pa_deg: 0.0,
        };
        let circum = 10.0 / (30f64.to_radians()).cos();
        // Every point of the inscribed circle is inside.
        for k in 0..360 {
            let (s, c) = (k as f64).to_radians().sin_cos();
            assert!(h.contains(9.99 * c, 9.99 * s), "{k}°");
        }
        // Along a vertex (0°) the hexagon reaches the circumradius; across a side (90°) only h.
        assert!(h.contains(circum - 0.01, 0.0) && !h.contains(circum + 0.01, 0.0));
        assert!(h.contains(0.0, 9.99) && !h.contains(0.0, 10.01));
    }

    #[test]
    fn the_mask_follows_rotation() {
        let side = 41;
        let a = Hexagon {
            inscribed_px: 12.0,
            pa_deg: 0.0,
        };
        let b = Hexagon { pa_deg: 90.0, ..a };
        let (ma, mb) = (a.mask(side), b.mask(side));
        // Turning the hexagon by 90° is turning the map by 90°: pixel (i, j) of one is pixel
        // (j, side − 1 − i) of the other.
        for i in 0..side {
            for j in 0..side {
                assert_eq!(ma[i * side + j], mb[j * side + (side - 1 - i)], "{i},{j}");
            }
        }
        assert_ne!(ma, mb);
        // 60° is a symmetry of the hexagon: the masks differ only where the pixel grid cuts
        // its edges, between the inscribed and the circumscribed circle.
        let c = Hexagon { pa_deg: 60.0, ..a };
        let circum = 12.0 / (30f64.to_radians()).cos();
        for (p, (x, y)) in ma.iter().zip(c.mask(side)).enumerate() {
            if *x != y {
                let (i, j) = (
                    (p / side) as f64 + 0.5 - 20.5,
                    (p % side) as f64 + 0.5 - 20.5,
                );
                let r = i.hypot(j);
                assert!(r > 12.0 - 1e-9 && r < circum, "pixel {p} at r = {r}");
            }
        }
        // Pixels outside are masked.
        assert_eq!(ma[0], 0);
        assert_eq!(ma[20 * side + 20], 1);
    }

    #[test]
    fn bad_footprints_are_named() {
        let e = Hexagon {
            inscribed_px: -1.0,
            pa_deg: 0.0,
        }
        .check()
        .unwrap_err();
        assert!(e.to_string().starts_with("ifu_radius = -1"), "{e}");
    }
}
