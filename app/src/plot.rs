//! Geometry of the cumulative-mass plot: M(<r)/M against log r, as SVG path data.
//! Pure arithmetic, so it is unit-tested natively.

use crate::hernquist::HernquistSphere;

/// Plot frame in SVG user units: the plotting area inside the axes plus the r range (kpc).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Left edge of the plotting area.
    pub left: f64,
    /// Top edge of the plotting area.
    pub top: f64,
    /// Width of the plotting area.
    pub width: f64,
    /// Height of the plotting area.
    pub height: f64,
    /// Smallest radius on the (logarithmic) x axis, kpc.
    pub r_min_kpc: f64,
    /// Largest radius on the x axis, kpc.
    pub r_max_kpc: f64,
}

/// The frame used on the first page (SVG viewBox 0 0 440 260).
pub const PAGE_FRAME: Frame = Frame {
    left: 48.0,
    top: 14.0,
    width: 376.0,
    height: 200.0,
    r_min_kpc: 0.1,
    r_max_kpc: 100.0,
};

impl Frame {
    /// x coordinate of radius `r_kpc` (logarithmic axis, clamped to the frame).
    pub fn x(&self, r_kpc: f64) -> f64 {
        let (lo, hi) = (self.r_min_kpc.log10(), self.r_max_kpc.log10());
        let t = ((r_kpc.max(self.r_min_kpc)).log10() - lo) / (hi - lo);
        self.left + self.width * t.clamp(0.0, 1.0)
    }

    /// y coordinate of the enclosed fraction `f` (0 at the bottom, 1 at the top).
    pub fn y(&self, f: f64) -> f64 {
        self.top + self.height * (1.0 - f.clamp(0.0, 1.0))
    }

    /// SVG path data ("M x y L x y …") of M(<r)/M for `sphere`, sampled at `n` ≥ 2
    /// logarithmically spaced radii across the frame.
    pub fn curve(&self, sphere: &HernquistSphere, n: usize) -> String {
        let n = n.max(2);
        let (lo, hi) = (self.r_min_kpc.log10(), self.r_max_kpc.log10());
        (0..n)
            .map(|i| {
                let r = 10f64.powf(lo + (hi - lo) * i as f64 / (n - 1) as f64);
                let f = sphere.enclosed_mass(r) / sphere.mass_msun;
                let cmd = if i == 0 { 'M' } else { 'L' };
                format!("{cmd}{:.2} {:.2}", self.x(r), self.y(f))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_map_the_frame_corners() {
        let f = PAGE_FRAME;
        assert!((f.x(0.1) - f.left).abs() < 1e-12);
        assert!((f.x(100.0) - (f.left + f.width)).abs() < 1e-9);
        // log10 r = 0.5 sits (0.5 − (−1)) / 3 = half-way across the three decades 0.1–100 kpc.
        assert!((f.x(10f64.powf(0.5)) - (f.left + f.width * 0.5)).abs() < 1e-9);
        assert!((f.y(0.0) - (f.top + f.height)).abs() < 1e-12);
        assert!((f.y(1.0) - f.top).abs() < 1e-12);
    }

    #[test]
    fn curve_passes_through_quarter_mass_at_a() {
        let s = HernquistSphere::default();
        // With 301 samples over 3 decades, r = a = 2 kpc is not a sample, but the path
        // must start at the left edge, end at the right and rise monotonically.
        let path = PAGE_FRAME.curve(&s, 301);
        let points: Vec<(f64, f64)> = path
            .split(['M', 'L'])
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                let mut it = p.split_whitespace().map(|v| v.parse::<f64>().unwrap());
                (it.next().unwrap(), it.next().unwrap())
            })
            .collect();
        assert_eq!(points.len(), 301);
        assert!((points[0].0 - PAGE_FRAME.left).abs() < 0.01);
        assert!(points.windows(2).all(|w| w[1].1 <= w[0].1 + 1e-9));
        // Point nearest x(a) has y close to y(0.25).
        let xa = PAGE_FRAME.x(2.0);
        let near = points
            .iter()
            .min_by(|p, q| (p.0 - xa).abs().total_cmp(&(q.0 - xa).abs()))
            .unwrap();
        assert!((near.1 - PAGE_FRAME.y(0.25)).abs() < 1.0);
    }
}
