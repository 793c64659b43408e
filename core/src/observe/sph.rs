//! Flux-conserving SPH light maps with the level scheme of galaxy-model.md 4.2.
//!
//! The image is a square of `size`² pixels of side Δ (kpc) centred on the galaxy (default:
//! 300² pixels, Δ = 0.02R_hsm, field ±3R_hsm). Row = second image axis (w), column = first
//! (u); pixel (row j, column i) is element j·size + i and covers u ∈ [−H + iΔ, −H + (i+1)Δ],
//! H = size·Δ/2.
//!
//! Deposit: a particle with luminosity L and smoothing length h (support radius, 2D cubic
//! spline [`super::kernel`]) spreads L·w_p/Σ_p' w_p' over the pixel centres x_p of an
//! **unclipped** lattice within its support, with w_p = W(|x_p − x_i|, h_eff), h_eff =
//! max(h, Δ_lattice); only pixels inside the grid receive flux, so the image holds exactly the
//! flux of the particles whose support lies inside it.
//!
//! Level scheme: the field is padded to `size + 2·pad` pixels (320 by default), and six
//! levels ℓ = 0…5 of pixel Δ_ℓ = 2^ℓ Δ tile the padded square from its corner. A particle is
//! deposited on the smallest ℓ with h < 8Δ_ℓ (ℓ = 5 takes the rest), normalised over that
//! level's lattice, so each particle costs at most ≈ π·8² kernel evaluations. Levels are
//! brought down to ℓ = 0 one at a time by conservative tent upsampling (a coarse pixel of
//! side D spreads its flux over fine pixels with weights ∝ T = (1 − |dx|/D)₊(1 − |dy|/D)₊,
//! i.e. 1/8, 3/8, 3/8, 1/8 per axis), then the central `size`² pixels are cropped. Every
//! level's grid carries two ghost pixels per side beyond the padded square (same lattice), so
//! the outermost padded pixels also receive the tent flux coming from outside; this keeps the
//! field edges as the brute-force rendering has them (without it the outer ≈ 5 pixels lose
//! up to ≈ 10 % of their flux to the level scheme).
//! g and r are rendered in the same pass with the same weights. Images hold flux per pixel
//! (L☉ of the band), f64.

use thiserror::Error;

/// Pixels per side of the rendered light maps (4.2).
pub const IMAGE_SIZE: usize = 300;
/// Padding in pixels added on each side before the level scheme (300 → 320).
pub const IMAGE_PAD: usize = 10;
/// Pixel side in units of R_hsm (Δ = 0.02R_hsm, so 300 pixels span ±3R_hsm).
pub const PIXEL_RHSM: f64 = 0.02;
/// Number of levels ℓ = 0…5 of the level scheme.
pub const N_LEVELS: usize = 6;
/// A particle goes to the smallest level with h < `LEVEL_H_PIXELS`·Δ_ℓ.
pub const LEVEL_H_PIXELS: f64 = 8.0;

/// Invalid image geometry.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SphError {
    /// The padded image side must be a positive multiple of 2^(levels−1) = 32.
    #[error(
        "padded image side {padded} (size {size} + 2×pad {pad}) is not a positive multiple of 32"
    )]
    BadPadding {
        /// Requested image side in pixels.
        size: usize,
        /// Requested padding in pixels.
        pad: usize,
        /// size + 2·pad.
        padded: usize,
    },
    /// The pixel side must be positive and finite.
    #[error("pixel side {0} kpc is not positive and finite")]
    BadPixel(f64),
}

/// Geometry of a rendered image: `size`² pixels of side `pixel` kpc centred on the origin,
/// padded by `pad` pixels on each side for the level scheme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImageGeometry {
    /// Pixels per side of the cropped image.
    pub size: usize,
    /// Padding in pixels on each side.
    pub pad: usize,
    /// Pixel side Δ in kpc.
    pub pixel: f64,
}

impl ImageGeometry {
    /// A geometry of `size`² pixels of side `pixel` kpc with `pad` pixels of padding; the
    /// padded side must be a multiple of 32 (e.g. 300 + 2·10 = 320).
    pub fn new(size: usize, pad: usize, pixel: f64) -> Result<Self, SphError> {
        let padded = size + 2 * pad;
        let step = 1usize << (N_LEVELS - 1);
        if size == 0 || !padded.is_multiple_of(step) {
            return Err(SphError::BadPadding { size, pad, padded });
        }
        if !(pixel > 0.0 && pixel.is_finite()) {
            return Err(SphError::BadPixel(pixel));
        }
        Ok(ImageGeometry { size, pad, pixel })
    }

    /// The paper's geometry for a galaxy of half-mass radius `rhsm` kpc: 300² pixels of
    /// 0.02R_hsm (field ±3R_hsm), padded to 320².
    pub fn for_rhsm(rhsm: f64) -> Result<Self, SphError> {
        Self::new(IMAGE_SIZE, IMAGE_PAD, PIXEL_RHSM * rhsm)
    }

    /// Side of the padded square in pixels.
    pub fn padded(&self) -> usize {
        self.size + 2 * self.pad
    }

    /// Half-width of the cropped field in kpc, size·Δ/2.
    pub fn half_width(&self) -> f64 {
        0.5 * self.size as f64 * self.pixel
    }

    /// Image coordinate (kpc) of the padded corner, −(size/2 + pad)·Δ.
    fn origin(&self) -> f64 {
        -(0.5 * self.size as f64 + self.pad as f64) * self.pixel
    }
}

/// A pair of rendered light maps, flux per pixel in L☉ of each band, `size`² row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct SphImages {
    /// Pixels per side.
    pub size: usize,
    /// Pixel side in kpc.
    pub pixel: f64,
    /// g-band flux per pixel, L☉,g.
    pub g: Vec<f64>,
    /// r-band flux per pixel, L☉,r.
    pub r: Vec<f64>,
}

/// Particles to render: image coordinates `u`, `w` (kpc), smoothing lengths `h` (kpc) and
/// the g and r luminosities (L☉ of each band). Slices are used up to the shortest length.
#[derive(Clone, Copy, Debug)]
pub struct SphParticles<'a> {
    /// First image coordinate, kpc (image column).
    pub u: &'a [f64],
    /// Second image coordinate, kpc (image row).
    pub w: &'a [f64],
    /// Smoothing length (kernel support radius), kpc.
    pub h: &'a [f64],
    /// g-band luminosity, L☉,g.
    pub lum_g: &'a [f64],
    /// r-band luminosity, L☉,r.
    pub lum_r: &'a [f64],
}

impl SphParticles<'_> {
    fn len(&self) -> usize {
        [
            self.u.len(),
            self.w.len(),
            self.h.len(),
            self.lum_g.len(),
            self.lum_r.len(),
        ]
        .into_iter()
        .min()
        .unwrap_or(0)
    }
}

/// Level ℓ ∈ 0…5 of a particle with smoothing length `h_pixels` (in level-0 pixels): the
/// smallest ℓ with h < 8·2^ℓ, and 5 for larger h (and for non-finite h).
pub fn level_of(h_pixels: f64) -> usize {
    (0..N_LEVELS)
        .find(|&l| h_pixels < LEVEL_H_PIXELS * (1u32 << l) as f64)
        .unwrap_or(N_LEVELS - 1)
}

/// Ghost pixels added on each side of every level's grid, beyond the padded square, so the
/// tent upsampling of the outermost padded pixels receives flux from outside too (the lattice
/// is the same; ghost pixels never reach the cropped image directly). With 2, every pixel of
/// the padded square gets all its tent contributions.
const GHOST: usize = 2;

/// Smoothing length (in pixels of the particle's level) above which the lattice sum of the
/// kernel shape is replaced by its integral [`SHAPE_INTEGRAL`]·h² (relative difference
/// < 1e-10 there; such particles have supports of more than 80R_hsm).
const ANALYTIC_NORM_H: f64 = 128.0;
/// ∫ shape(|x|/h) d²x / h² = 7π/40 for the 2D cubic spline (the inverse of its 40/(7π)).
const SHAPE_INTEGRAL: f64 = 7.0 * std::f64::consts::PI / 40.0;

/// Reusable buffers of [`Grid::deposit`]: kernel weights of the lattice rows, and the rows
/// inside the grid as (row, first column, offset into `weights`, length).
#[derive(Default)]
struct Scratch {
    weights: Vec<f64>,
    spans: Vec<(usize, i64, usize, usize)>,
}

/// The cubic-spline shape of `super::kernel::spline_shape` (a test reference) for q ≥ 0, written without early returns so
/// the row loop vectorises: 1 − 6q² + 6q³ (q ≤ ½), 2(1 − q)³ (½ < q ≤ 1), 0 beyond.
#[inline]
fn shape_unchecked(q: f64) -> f64 {
    let t = (1.0 - q).max(0.0);
    let outer = 2.0 * t * t * t;
    let inner = 1.0 - 6.0 * q * q * (1.0 - q);
    if q <= 0.5 { inner } else { outer }
}

/// ⌊v⌋ as an integer without a libm call (the baseline x86-64 target has no rounding
/// instruction); `v` finite and well inside the i64 range.
#[inline]
fn floor_i64(v: f64) -> i64 {
    let t = v as i64;
    if (t as f64) > v { t - 1 } else { t }
}

/// ⌈v⌉ as an integer without a libm call; `v` finite and well inside the i64 range.
#[inline]
fn ceil_i64(v: f64) -> i64 {
    let t = v as i64;
    if (t as f64) < v { t + 1 } else { t }
}

/// One square accumulation grid of a level: `n`² pixels, g and r flux.
struct Grid {
    n: usize,
    g: Vec<f64>,
    r: Vec<f64>,
}

impl Grid {
    fn new(n: usize) -> Self {
        Grid {
            n,
            g: vec![0.0; n * n],
            r: vec![0.0; n * n],
        }
    }

    /// Deposits one particle at (x, y) in pixel units of this grid (pixel i spans [i, i+1])
    /// with support `h` pixels (≥ 1), normalised over the unclipped lattice. `scratch` is
    /// reused between calls.
    fn deposit(&mut self, x: f64, y: f64, h: f64, lg: f64, lr: f64, scratch: &mut Scratch) {
        let n = self.n as f64;
        // Skip particles whose support misses the grid entirely.
        if x + h <= 0.0 || y + h <= 0.0 || x - h >= n || y - h >= n {
            return;
        }
        scratch.weights.clear();
        scratch.spans.clear();
        let h2 = h * h;
        let inv_h = 1.0 / h;
        // Beyond ANALYTIC_NORM_H the lattice sum equals its integral 7πh²/40 to < 1e-10, so
        // only the rows and columns inside the grid are evaluated (bounded cost).
        let analytic = h > ANALYTIC_NORM_H;
        let (lo_clip, hi_clip) = if analytic {
            (0, self.n as i64 - 1)
        } else {
            (i64::MIN, i64::MAX)
        };
        // Lattice centres c = j + 0.5 with |c − y| < h; per row, the centres |c − x| < half.
        let j0 = ceil_i64(y - h - 0.5).max(lo_clip);
        let j1 = floor_i64(y + h - 0.5).min(hi_clip);
        for j in j0..=j1 {
            let dy = j as f64 + 0.5 - y;
            let dy2 = dy * dy;
            let rem = h2 - dy2;
            if rem <= 0.0 {
                continue;
            }
            let half = rem.sqrt();
            let i0 = ceil_i64(x - half - 0.5).max(lo_clip);
            let i1 = floor_i64(x + half - 0.5).min(hi_clip);
            if i1 < i0 {
                continue;
            }
            let start = scratch.weights.len();
            let len = (i1 - i0 + 1) as usize;
            scratch.weights.resize(start + len, 0.0);
            let base = i0 as f64 + 0.5 - x;
            for (k, wk) in scratch.weights[start..].iter_mut().enumerate() {
                let dx = base + k as f64;
                *wk = shape_unchecked((dx * dx + dy2).sqrt() * inv_h);
            }
            if j >= 0 && (j as usize) < self.n {
                scratch.spans.push((j as usize, i0, start, len));
            }
        }
        let sum: f64 = if analytic {
            SHAPE_INTEGRAL * h2
        } else {
            scratch.weights.iter().sum()
        };
        if !(sum > 0.0) {
            return;
        }
        let (fg, fr) = (lg / sum, lr / sum);
        let m = self.n as i64;
        for &(j, i0, start, len) in &scratch.spans {
            let lo = i0.max(0);
            let hi = (i0 + len as i64).min(m);
            if lo >= hi {
                continue;
            }
            let ws = &scratch.weights[start + (lo - i0) as usize..start + (hi - i0) as usize];
            let row = j * self.n;
            let (a, b) = (row + lo as usize, row + hi as usize);
            for ((dg, dr), &wk) in self.g[a..b].iter_mut().zip(&mut self.r[a..b]).zip(ws) {
                *dg += fg * wk;
                *dr += fr * wk;
            }
        }
    }

    /// Conservative tent upsampling onto a grid of twice the resolution, added into `fine`
    /// (side 2n): per axis, coarse pixel c gives 1/8, 3/8, 3/8, 1/8 of its flux to fine
    /// pixels 2c−1, 2c, 2c+1, 2c+2 (weights normalised over the unclipped fine lattice;
    /// what falls outside the grid is lost).
    fn upsample_into(&self, fine: &mut Grid) {
        let n = self.n;
        // Both grids carry GHOST extra pixels per side: coarse c' ↦ fine 2c' + off − GHOST.
        let m = 2 * n - 2 * GHOST;
        debug_assert_eq!(fine.n, m);
        let shift = GHOST as isize;
        const TENT: [(isize, f64); 4] = [(-1, 0.125), (0, 0.375), (1, 0.375), (2, 0.125)];
        for (src, dst) in [(&self.g, &mut fine.g), (&self.r, &mut fine.r)] {
            // Along rows (columns index): n rows × m columns.
            let mut tmp = vec![0.0; n * m];
            for j in 0..n {
                let row = &src[j * n..(j + 1) * n];
                let out = &mut tmp[j * m..(j + 1) * m];
                for (c, &v) in row.iter().enumerate() {
                    if v == 0.0 {
                        continue;
                    }
                    for (off, t) in TENT {
                        let f = 2 * c as isize + off - shift;
                        if f >= 0 && (f as usize) < m {
                            out[f as usize] += t * v;
                        }
                    }
                }
            }
            // Along columns (rows index): m × m.
            for j in 0..n {
                for (off, t) in TENT {
                    let f = 2 * j as isize + off - shift;
                    if f < 0 || f as usize >= m {
                        continue;
                    }
                    let f = f as usize;
                    let src_row = &tmp[j * m..(j + 1) * m];
                    let dst_row = &mut dst[f * m..(f + 1) * m];
                    for (d, &s) in dst_row.iter_mut().zip(src_row) {
                        *d += t * s;
                    }
                }
            }
        }
    }

    /// The central `size`² pixels (offset `pad` + [`GHOST`]) as flux images.
    fn crop(self, geom: &ImageGeometry) -> SphImages {
        let (s, p) = (geom.size, geom.pad + GHOST);
        let take = |v: &[f64]| -> Vec<f64> {
            let mut out = Vec::with_capacity(s * s);
            for j in p..p + s {
                out.extend_from_slice(&v[j * self.n + p..j * self.n + p + s]);
            }
            out
        };
        SphImages {
            size: s,
            pixel: geom.pixel,
            g: take(&self.g),
            r: take(&self.r),
        }
    }
}

/// Whether particle i can be rendered (finite position and h ≥ 0, finite luminosities).
fn usable(p: &SphParticles, i: usize) -> bool {
    p.u[i].is_finite()
        && p.w[i].is_finite()
        && p.h[i].is_finite()
        && p.h[i] >= 0.0
        && p.lum_g[i].is_finite()
        && p.lum_r[i].is_finite()
}

/// Renders the g and r light maps of `particles` with the level scheme (4.2). Particles
/// with non-finite values are skipped. Flux per pixel in L☉; see the module docs.
pub fn render(particles: &SphParticles, geom: &ImageGeometry) -> SphImages {
    let n0 = geom.padded();
    let mut levels: Vec<Grid> = (0..N_LEVELS)
        .map(|l| Grid::new((n0 >> l) + 2 * GHOST))
        .collect();
    let origin = geom.origin();
    let mut scratch = Scratch::default();
    for i in 0..particles.len() {
        if !usable(particles, i) {
            continue;
        }
        let h0 = particles.h[i] / geom.pixel;
        let l = level_of(h0);
        let scale = (1u32 << l) as f64;
        let d = geom.pixel * scale;
        let x = (particles.u[i] - origin) / d + GHOST as f64;
        let y = (particles.w[i] - origin) / d + GHOST as f64;
        let h = (h0 / scale).max(1.0);
        levels[l].deposit(
            x,
            y,
            h,
            particles.lum_g[i],
            particles.lum_r[i],
            &mut scratch,
        );
    }
    // Bring the levels down one at a time: ℓ → ℓ−1.
    let mut acc = levels.pop().unwrap_or_else(|| Grid::new(n0 + 2 * GHOST));
    while let Some(mut fine) = levels.pop() {
        acc.upsample_into(&mut fine);
        acc = fine;
    }
    acc.crop(geom)
}

/// Brute-force reference renderer: every particle deposited on the level-0 lattice with
/// h_eff = max(h, Δ), no level scheme. Same conventions as [`render`]; cost ∝ Σ h² per
/// particle, used by the tests.
pub fn render_brute_force(particles: &SphParticles, geom: &ImageGeometry) -> SphImages {
    let mut grid = Grid::new(geom.padded() + 2 * GHOST);
    let origin = geom.origin();
    let mut scratch = Scratch::default();
    for i in 0..particles.len() {
        if !usable(particles, i) {
            continue;
        }
        let x = (particles.u[i] - origin) / geom.pixel + GHOST as f64;
        let y = (particles.w[i] - origin) / geom.pixel + GHOST as f64;
        let h = (particles.h[i] / geom.pixel).max(1.0);
        grid.deposit(
            x,
            y,
            h,
            particles.lum_g[i],
            particles.lum_r[i],
            &mut scratch,
        );
    }
    grid.crop(geom)
}

#[cfg(test)]
mod tests {
    use super::super::kernel::spline_shape;
    use super::*;

    fn one(
        u: f64,
        w: f64,
        h: f64,
        lg: f64,
        lr: f64,
        geom: &ImageGeometry,
    ) -> (SphImages, SphImages) {
        let (u, w, h, lg, lr) = ([u], [w], [h], [lg], [lr]);
        let p = SphParticles {
            u: &u,
            w: &w,
            h: &h,
            lum_g: &lg,
            lum_r: &lr,
        };
        (render(&p, geom), render_brute_force(&p, geom))
    }

    /// The vectorisable kernel shape equals [`spline_shape`] (4.2) for q ≥ 0.
    #[test]
    fn fast_shape_equals_the_kernel() {
        for k in 0..=3000 {
            let q = k as f64 / 2000.0;
            assert!(
                (shape_unchecked(q) - spline_shape(q)).abs() < 1e-15,
                "q = {q}"
            );
        }
    }

    /// Above [`ANALYTIC_NORM_H`] the lattice sum of the kernel shape equals 7πh²/40 to
    /// 1e-10 (so flux stays conserved to 1e-9 there), and a particle with an enormous
    /// support renders at bounded cost with the expected central surface density.
    #[test]
    fn analytic_normalisation_of_huge_supports() {
        for h in [ANALYTIC_NORM_H, 1.7 * ANALYTIC_NORM_H] {
            for (x, y) in [(0.0, 0.0), (0.3, 0.7), (0.91, 0.13)] {
                let n = h as i64 + 2;
                let mut s = 0.0;
                for j in -n..=n {
                    for i in -n..=n {
                        let (dx, dy) = (i as f64 + 0.5 - x, j as f64 + 0.5 - y);
                        s += spline_shape((dx * dx + dy * dy).sqrt() / h);
                    }
                }
                let rel = s / (SHAPE_INTEGRAL * h * h) - 1.0;
                assert!(rel.abs() < 1e-10, "h {h}: {rel}");
            }
        }
        // h = 10⁶ pixels centred on the field: every pixel gets L·W(≈0)·Δ² = L·40/(7πh²).
        let geom = ImageGeometry::new(300, 10, 1.0).unwrap();
        let particle = SphParticles {
            u: &[0.0],
            w: &[0.0],
            h: &[1e6],
            lum_g: &[1.0],
            lum_r: &[1.0],
        };
        let img = render(&particle, &geom);
        let expect = 40.0 / (7.0 * std::f64::consts::PI * 1e12);
        let centre = img.r[150 * 300 + 150];
        assert!((centre / expect - 1.0).abs() < 1e-3, "{centre} vs {expect}");
    }

    /// The inline floor and ceil equal f64::floor and f64::ceil on integers, halves and
    /// negative values.
    #[test]
    fn integer_floor_and_ceil() {
        for k in -4000..=4000 {
            let v = k as f64 * 0.37 - 0.5;
            assert_eq!(floor_i64(v), v.floor() as i64, "{v}");
            assert_eq!(ceil_i64(v), v.ceil() as i64, "{v}");
        }
        for v in [-3.0, -0.5, 0.0, -0.0, 0.5, 7.0, 1e9 + 0.25] {
            assert_eq!(
                (floor_i64(v), ceil_i64(v)),
                (v.floor() as i64, v.ceil() as i64)
            );
        }
    }

    /// Level choice: smallest ℓ with h < 8·2^ℓ pixels, ℓ = 5 beyond.
    #[test]
    fn level_thresholds() {
        assert_eq!(level_of(0.1), 0);
        assert_eq!(level_of(7.999), 0);
        assert_eq!(level_of(8.0), 1);
        assert_eq!(level_of(40.0), 3);
        assert_eq!(level_of(150.0), 5);
        assert_eq!(level_of(1e6), 5);
        assert_eq!(level_of(f64::NAN), 5);
    }

    /// Geometry: 300 + 2·10 = 320 is a multiple of 32; 300 + 2·9 is not.
    #[test]
    fn geometry_checks() {
        let g = ImageGeometry::for_rhsm(2.0).unwrap();
        assert_eq!((g.size, g.padded()), (300, 320));
        assert!((g.half_width() - 6.0).abs() < 1e-12);
        assert!(ImageGeometry::new(300, 9, 0.1).is_err());
        assert!(ImageGeometry::new(300, 10, 0.0).is_err());
    }

    /// Test 15: a particle whose support and tent footprint lie inside the field keeps its
    /// flux to 1e-9 relative, for h ∈ {0.1, 1, 5, 40, 150} pixels and sub-pixel offsets,
    /// in both renderers and both bands; g/r is the same in every pixel (same weights).
    #[test]
    fn flux_is_conserved_for_all_smoothing_lengths() {
        // 940 + 20 = 960 = 30·32 pixels, so h = 150 px plus the tent footprint fits.
        let geom = ImageGeometry::new(940, 10, 0.05).unwrap();
        let (lg, lr) = (3.7e8, 5.3e8);
        for h_px in [0.1, 1.0, 5.0, 40.0, 150.0] {
            for (ox, oy) in [
                (0.0, 0.0),
                (0.5, 0.5),
                (0.13, 0.71),
                (0.93, 0.27),
                (-0.41, 0.06),
            ] {
                let (u, w) = (ox * geom.pixel + 1.3, oy * geom.pixel - 0.7);
                let (lev, bf) = one(u, w, h_px * geom.pixel, lg, lr, &geom);
                for (name, img) in [("level", &lev), ("brute", &bf)] {
                    let sg: f64 = img.g.iter().sum();
                    let sr: f64 = img.r.iter().sum();
                    assert!(((sg - lg) / lg).abs() < 1e-9, "{name} h={h_px} g {sg}");
                    assert!(((sr - lr) / lr).abs() < 1e-9, "{name} h={h_px} r {sr}");
                    for (g, r) in img.g.iter().zip(&img.r) {
                        if *r > 0.0 {
                            assert!((g / r - lg / lr).abs() < 1e-9 * lg / lr);
                        }
                    }
                    assert!(img.g.iter().all(|&x| x >= 0.0));
                }
            }
        }
    }

    /// Position and orientation: a particle at u = +1 kpc, w = −0.5 kpc lands in the column
    /// of u and the row of w (row = second image axis); its light centroid is at the
    /// particle to 1 % of a pixel for small h and to 2 % for a level-3 particle.
    #[test]
    fn image_axes_and_centroid() {
        let geom = ImageGeometry::for_rhsm(1.0).unwrap(); // Δ = 0.02 kpc, field ±3 kpc
        for (h_px, tol) in [(2.5, 0.01), (40.0, 0.02)] {
            let (u, w) = (1.0 + 0.3 * geom.pixel, -0.5 + 0.6 * geom.pixel);
            let (img, _) = one(u, w, h_px * geom.pixel, 1.0, 1.0, &geom);
            let (mut su, mut sw, mut s) = (0.0, 0.0, 0.0);
            for (k, &f) in img.r.iter().enumerate() {
                let (i, j) = ((k % 300) as f64, (k / 300) as f64);
                su += f * (-3.0 + (i + 0.5) * geom.pixel);
                sw += f * (-3.0 + (j + 0.5) * geom.pixel);
                s += f;
            }
            assert!(
                ((su / s - u) / geom.pixel).abs() < tol,
                "h {h_px}: u {}",
                su / s
            );
            assert!(
                ((sw / s - w) / geom.pixel).abs() < tol,
                "h {h_px}: w {}",
                sw / s
            );
            if h_px < LEVEL_H_PIXELS {
                let peak = (0..img.r.len())
                    .max_by(|&a, &b| img.r[a].total_cmp(&img.r[b]))
                    .unwrap();
                assert_eq!((peak % 300, peak / 300), (200, 125));
            }
        }
    }

    /// Flux leaving the field is lost: a particle straddling the edge keeps only part of
    /// its flux; one entirely outside leaves the image empty.
    #[test]
    fn flux_outside_the_field_is_lost() {
        let geom = ImageGeometry::for_rhsm(1.0).unwrap();
        let (img, bf) = one(3.0, 0.0, 0.1, 1.0, 1.0, &geom);
        for im in [&img, &bf] {
            let s: f64 = im.r.iter().sum();
            assert!(s > 0.3 && s < 0.7, "edge particle keeps {s}");
        }
        let (img, bf) = one(5.0, 0.0, 0.5, 1.0, 1.0, &geom);
        assert_eq!(img.r.iter().sum::<f64>(), 0.0);
        assert_eq!(bf.r.iter().sum::<f64>(), 0.0);
    }
}
