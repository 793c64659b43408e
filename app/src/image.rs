//! Maps as images: PNG data URLs of light maps (grey, logarithmic), velocity maps (dark blue
//! → grey → pale yellow, symmetric about zero), dispersion maps (dark → orange → pale yellow)
//! and saliency maps, with their colour bars. Every scale's luminance rises monotonically, so
//! the maps read in grey too.
//! Maps are stored with row 0 at the bottom (north up), as galmass-core writes them.

/// Colour of masked kinematic pixels (light grey).
const MASKED: [u8; 3] = [225, 228, 232];

/// RGB of `x` ∈ [0, 1] interpolated linearly between equally spaced `stops`.
fn ramp(stops: &[[f64; 3]], x: f64) -> [u8; 3] {
    let x = x.clamp(0.0, 1.0) * (stops.len() - 1) as f64;
    let k = (x.floor() as usize).min(stops.len() - 2);
    let t = x - k as f64;
    let (a, b) = (stops[k], stops[k + 1]);
    [0, 1, 2].map(|c| (a[c] + t * (b[c] - a[c])).round().clamp(0.0, 255.0) as u8)
}

/// PNG data URL of an RGB image given as a colour per map pixel (map row 0 at the bottom).
fn png_url(side: usize, colour: impl Fn(usize) -> [u8; 3]) -> Option<String> {
    png_rgb(side, side, |x, y| colour((side - 1 - y) * side + x))
}

/// PNG data URL of a `w` × `h` RGB image, `colour(x, y)` with y = 0 the top row.
fn png_rgb(w: usize, h: usize, colour: impl Fn(usize, usize) -> [u8; 3]) -> Option<String> {
    let mut pixels = Vec::with_capacity(3 * w * h);
    for y in 0..h {
        for x in 0..w {
            pixels.extend_from_slice(&colour(x, y));
        }
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, w as u32, h as u32);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut wr = enc.write_header().ok()?;
        wr.write_image_data(&pixels).ok()?;
    }
    let latin1: String = png_bytes.iter().map(|&b| b as char).collect();
    let b64 = web_sys::window()?.btoa(&latin1).ok()?;
    Some(format!("data:image/png;base64,{b64}"))
}

/// Grey image of a surface-brightness map (L☉ kpc⁻²): log10 from `lo` (black) to `hi`
/// (white).
pub fn light(sb: &[f32], side: usize, lo: f64, hi: f64) -> Option<String> {
    if sb.len() != side * side {
        return None;
    }
    png_url(side, |k| {
        let v = f64::from(sb[k]);
        let x = if v > 0.0 {
            ((v.log10() - lo) / (hi - lo)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let g = (255.0 * x).round() as u8;
        [g, g, g]
    })
}

/// Line-of-sight velocity (km/s) on galmass-core's diverging scale (`explain::colour`): dark
/// blue (approaching, −`vmax`) → grey (0) → pale yellow (receding, +`vmax`), its luminance
/// rising throughout so that the map reads in grey too; masked pixels light grey.
pub fn velocity(v: &[f32], mask: &[u8], side: usize, vmax: f64) -> Option<String> {
    if v.len() != side * side || mask.len() != v.len() {
        return None;
    }
    png_url(side, |k| {
        if mask[k] == 0 {
            MASKED
        } else {
            galmass_core::explain::colour(f64::from(v[k]) / vmax.max(1.0))
        }
    })
}

/// The dispersion scale at x ∈ [0, 1]: dark → purple → orange → pale yellow (luminance rising
/// throughout, so it reads in grey).
pub fn dispersion_colour(x: f64) -> [u8; 3] {
    let stops = [
        [20.0, 11.0, 52.0],
        [132.0, 32.0, 107.0],
        [229.0, 92.0, 48.0],
        [252.0, 255.0, 164.0],
    ];
    ramp(&stops, x)
}

/// Velocity dispersion (km/s) from 0 (dark) to `smax` (pale yellow); masked pixels grey.
pub fn dispersion(s: &[f32], mask: &[u8], side: usize, smax: f64) -> Option<String> {
    if s.len() != side * side || mask.len() != s.len() {
        return None;
    }
    png_url(side, |k| {
        if mask[k] == 0 {
            MASKED
        } else {
            dispersion_colour(f64::from(s[k]) / smax.max(1.0))
        }
    })
}

/// The largest |value| of the unmasked pixels (0 if none).
pub fn max_abs(v: &[f32], mask: &[u8]) -> f64 {
    v.iter()
        .zip(mask)
        .filter(|(_, m)| **m != 0)
        .map(|(x, _)| f64::from(x.abs()))
        .fold(0.0, f64::max)
}

/// A saliency map (dex, row 0 at the bottom) coloured by `colour(Δ / amp)`.
pub fn saliency(
    delta: &[f32],
    side: usize,
    amp: f64,
    colour: fn(f64) -> [u8; 3],
) -> Option<String> {
    if delta.len() != side * side {
        return None;
    }
    png_url(side, |k| colour(f64::from(delta[k]) / amp.max(1e-12)))
}

/// A horizontal colour bar of `colour` from `lo` (left) to `hi` (right), 100 × 1 pixels.
pub fn colour_bar(colour: fn(f64) -> [u8; 3], lo: f64, hi: f64) -> Option<String> {
    png_rgb(100, 1, |x, _| colour(lo + (hi - lo) * x as f64 / 99.0))
}

/// The grey scale of the light maps at x ∈ [0, 1].
pub fn grey(x: f64) -> [u8; 3] {
    let g = (255.0 * x.clamp(0.0, 1.0)).round() as u8;
    [g, g, g]
}
