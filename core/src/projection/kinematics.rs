//! Nearest-grid-point stellar kinematic maps (galaxy-model.md 4.3): a K×K grid (K = 48 by
//! default, 8 pixels per R_hsm) over the field ±3R_hsm of one projection.
//!
//! Per pixel the grid keeps the particle count N and the weighted sums Σw, Σw², Σwv, Σwv²
//! (w = r-band attenuated luminosity in L☉,r, or mass in M☉; v = v_los − v̄ in km/s), plus the
//! r-band flux ΣL in the pixel (the F_k of λ_R). Maps: V = Σwv/Σw and the plain dispersion
//! σ = √max(Σwv²/Σw − V², 0); pixels with N < 2 get V = σ = 0 and mask = 0.

/// Default number of kinematic pixels per side (48).
pub const KIN_SIZE: usize = 48;
/// Half-width of the kinematic field in units of R_hsm (the field spans ±3R_hsm).
pub const FIELD_HALF_WIDTH_RHSM: f64 = 3.0;

/// Per-pixel accumulators of an NGP kinematic grid. Pixel k = i_w · size + i_u: the row is
/// the second image axis, the column the first (as the dataset's maps).
#[derive(Clone, Debug, PartialEq)]
pub struct KinGrid {
    /// Pixels per side.
    pub size: usize,
    /// Half-width of the square field in kpc (the grid spans [−half_width, +half_width]²).
    pub half_width: f64,
    /// Number of particles per pixel.
    pub n: Vec<u32>,
    /// Σw per pixel (L☉,r or M☉).
    pub sum_w: Vec<f64>,
    /// Σw² per pixel.
    pub sum_w2: Vec<f64>,
    /// Σw·v per pixel (km/s × weight).
    pub sum_wv: Vec<f64>,
    /// Σw·v² per pixel ((km/s)² × weight).
    pub sum_wv2: Vec<f64>,
    /// Σ L_r,att per pixel (L☉,r), the flux weight F_k of λ_R.
    pub flux: Vec<f64>,
}

/// The rendered kinematic maps of one projection, row-major (row = second image axis).
#[derive(Clone, Debug, PartialEq)]
pub struct KinMaps {
    /// Pixels per side.
    pub size: usize,
    /// Weighted mean line-of-sight velocity V in km/s (0 where masked).
    pub vel: Vec<f32>,
    /// Plain weighted dispersion σ in km/s (0 where masked).
    pub sigma: Vec<f32>,
    /// 1 where the pixel holds at least 2 particles, else 0.
    pub mask: Vec<u8>,
}

impl KinGrid {
    /// An empty grid of `size`² pixels spanning ±`half_width` kpc in both image axes.
    pub fn new(size: usize, half_width: f64) -> Self {
        let n2 = size * size;
        KinGrid {
            size,
            half_width,
            n: vec![0; n2],
            sum_w: vec![0.0; n2],
            sum_w2: vec![0.0; n2],
            sum_wv: vec![0.0; n2],
            sum_wv2: vec![0.0; n2],
            flux: vec![0.0; n2],
        }
    }

    /// Pixel side length in kpc.
    pub fn pixel_size(&self) -> f64 {
        2.0 * self.half_width / self.size as f64
    }

    /// Pixel index of image position (u, w) in kpc: i = floor((u + H)/(2H) · K); `None`
    /// outside the field.
    pub fn pixel_of(&self, u: f64, w: f64) -> Option<usize> {
        let k = self.size as f64;
        let fu = ((u + self.half_width) / (2.0 * self.half_width) * k).floor();
        let fw = ((w + self.half_width) / (2.0 * self.half_width) * k).floor();
        if !(fu >= 0.0 && fu < k && fw >= 0.0 && fw < k) {
            return None;
        }
        Some(fw as usize * self.size + fu as usize)
    }

    /// Centre (u, w) in kpc of pixel `k`.
    pub fn pixel_centre(&self, k: usize) -> (f64, f64) {
        let d = self.pixel_size();
        let (iu, iw) = (k % self.size, k / self.size);
        (
            -self.half_width + (iu as f64 + 0.5) * d,
            -self.half_width + (iw as f64 + 0.5) * d,
        )
    }

    /// Adds one particle at image position (u, w) kpc with velocity `v` km/s (already
    /// relative to the aperture mean), weight `weight` and r-band flux `flux`. Particles
    /// outside the field are dropped.
    pub fn add(&mut self, u: f64, w: f64, v: f64, weight: f64, flux: f64) {
        if let Some(k) = self.pixel_of(u, w) {
            self.n[k] += 1;
            self.sum_w[k] += weight;
            self.sum_w2[k] += weight * weight;
            self.sum_wv[k] += weight * v;
            self.sum_wv2[k] += weight * v * v;
            self.flux[k] += flux;
        }
    }

    /// Weighted mean velocity V_k = Σwv/Σw of pixel `k` in km/s (0 if Σw = 0).
    pub fn mean_velocity(&self, k: usize) -> f64 {
        if self.sum_w[k] > 0.0 {
            self.sum_wv[k] / self.sum_w[k]
        } else {
            0.0
        }
    }

    /// Plain weighted variance Σw(v − V)²/Σw = Σwv²/Σw − V² of pixel `k` in (km/s)²,
    /// floored at 0.
    pub fn variance(&self, k: usize) -> f64 {
        if self.sum_w[k] > 0.0 {
            let v = self.mean_velocity(k);
            (self.sum_wv2[k] / self.sum_w[k] - v * v).max(0.0)
        } else {
            0.0
        }
    }

    /// Effective number of particles N_eff = (Σw)²/Σw² of pixel `k` (0 if empty).
    pub fn n_eff(&self, k: usize) -> f64 {
        if self.sum_w2[k] > 0.0 {
            self.sum_w[k] * self.sum_w[k] / self.sum_w2[k]
        } else {
            0.0
        }
    }

    /// The V, σ and mask maps (4.3): pixels with N < 2 are masked with V = σ = 0.
    pub fn maps(&self) -> KinMaps {
        let n2 = self.size * self.size;
        let mut maps = KinMaps {
            size: self.size,
            vel: vec![0.0; n2],
            sigma: vec![0.0; n2],
            mask: vec![0; n2],
        };
        for k in 0..n2 {
            if self.n[k] >= 2 && self.sum_w[k] > 0.0 {
                maps.vel[k] = self.mean_velocity(k) as f32;
                maps.sigma[k] = self.variance(k).sqrt() as f32;
                maps.mask[k] = 1;
            }
        }
        maps
    }
}

/// Builds the 48×48 NGP grid of one projection over ±3R_hsm: image coordinates `u`, `w`
/// (kpc), line-of-sight velocities `v_los` (km/s), kinematic weights `weight`, r-band fluxes
/// `flux`; `v_offset` (km/s, the aperture mean v̄) is subtracted from every velocity.
/// All slices must have the same length (extra elements of longer slices are ignored).
pub fn kinematic_grid(
    u: &[f64],
    w: &[f64],
    v_los: &[f64],
    weight: &[f64],
    flux: &[f64],
    v_offset: f64,
    rhsm: f64,
) -> KinGrid {
    let mut grid = KinGrid::new(KIN_SIZE, FIELD_HALF_WIDTH_RHSM * rhsm);
    for ((((&ui, &wi), &vi), &mi), &fi) in u.iter().zip(w).zip(v_los).zip(weight).zip(flux) {
        grid.add(ui, wi, vi - v_offset, mi, fi);
    }
    grid
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Pixel assignment: i = floor((u + 3R)/(6R) · 48); outside → dropped.
    #[test]
    fn pixel_indices_follow_the_spec() {
        let g = KinGrid::new(48, 3.0);
        assert_eq!(g.pixel_of(-3.0, -3.0), Some(0));
        assert_eq!(g.pixel_of(2.99, -3.0), Some(47));
        assert_eq!(g.pixel_of(-3.0, 2.99), Some(47 * 48));
        assert_eq!(g.pixel_of(3.0, 0.0), None);
        assert_eq!(g.pixel_of(0.0, -3.01), None);
        let (cu, cw) = g.pixel_centre(47 * 48 + 1);
        assert!((cu - (-3.0 + 1.5 * 0.125)).abs() < 1e-12);
        assert!((cw - (3.0 - 0.5 * 0.125)).abs() < 1e-12);
    }

    /// Test 17: all v_los = 100 km/s ⇒ V = 100 − v̄ = 0 in every filled pixel and σ = 0.
    #[test]
    fn constant_velocity_gives_zero_v_and_sigma() {
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        let n = 20_000;
        let u: Vec<f64> = (0..n).map(|_| rng.random_range(-3.5..3.5)).collect();
        let w: Vec<f64> = (0..n).map(|_| rng.random_range(-3.5..3.5)).collect();
        let lum: Vec<f64> = (0..n).map(|_| rng.random_range(0.1..10.0)).collect();
        let v = vec![100.0; n];
        let vbar = lum.iter().map(|l| l * 100.0).sum::<f64>() / lum.iter().sum::<f64>();
        let grid = kinematic_grid(&u, &w, &v, &lum, &lum, vbar, 1.0);
        let maps = grid.maps();
        let filled = maps.mask.iter().filter(|&&m| m == 1).count();
        assert!(filled > 2000, "{filled} filled pixels");
        for k in 0..48 * 48 {
            assert!(maps.vel[k].abs() < 1e-9, "V = {}", maps.vel[k]);
            assert!(maps.sigma[k].abs() < 1e-6, "σ = {}", maps.sigma[k]);
            assert!(grid.mean_velocity(k).abs() < 1e-9);
            assert!(grid.variance(k).sqrt() < 1e-6);
        }
    }

    /// Test 17: a rigid rotator v = Ω × x seen edge-on gives V_k = Ω·ū_k, ū_k the
    /// light-weighted mean first image coordinate of the pixel's particles, to 1e-9.
    #[test]
    fn rigid_rotator_gives_omega_times_mean_u() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let omega = 35.0; // km/s/kpc, rotation about −x
        let n = 30_000;
        let pos: Vec<[f64; 3]> = (0..n)
            .map(|_| {
                [
                    rng.random_range(-4.0..4.0),
                    rng.random_range(-4.0..4.0),
                    rng.random_range(-4.0..4.0),
                ]
            })
            .collect();
        let om = [-omega, 0.0, 0.0];
        // Seen along y: image axes (z, x), v_los = v_y = (Ω × x)_y = Ω_z x − Ω_x z = Ω z.
        let u: Vec<f64> = pos.iter().map(|p| p[2]).collect();
        let w: Vec<f64> = pos.iter().map(|p| p[0]).collect();
        let v: Vec<f64> = pos.iter().map(|p| om[2] * p[0] - om[0] * p[2]).collect();
        let lum: Vec<f64> = (0..n).map(|_| rng.random_range(0.5..2.0)).collect();
        let grid = kinematic_grid(&u, &w, &v, &lum, &lum, 0.0, 1.0);
        let mut su = vec![0.0; 48 * 48];
        let mut sl = vec![0.0; 48 * 48];
        for i in 0..n {
            if let Some(k) = grid.pixel_of(u[i], w[i]) {
                su[k] += lum[i] * u[i];
                sl[k] += lum[i];
            }
        }
        let mut checked = 0;
        for k in 0..48 * 48 {
            if grid.n[k] >= 1 {
                let expect = omega * su[k] / sl[k];
                assert!(
                    (grid.mean_velocity(k) - expect).abs() < 1e-9,
                    "pixel {k}: {} vs {expect}",
                    grid.mean_velocity(k)
                );
                checked += 1;
            }
        }
        assert!(checked > 2000);
    }
}
