//! An occlusion saliency map (`galmass explain`): each pixel coloured by how much hiding that
//! part of the input moves the prediction (galmass-core's `explain::colour`, the web page's:
//! dark blue: the target drops, grey: no change, pale yellow: it rises; readable in grey),
//! with a colour bar in dex and a scale bar of 1 R_hsm (the maps cover ±3 R_hsm). Map row 0
//! is drawn at the bottom (north up), as the web page draws maps.

use std::path::Path;

use anyhow::{Result, bail};
use galmass_core::explain::Saliency;
use plotters::prelude::*;

use super::{font, plot_err, render_png};

/// The core's saliency colour of t ∈ [−1, 1].
fn colour(t: f64) -> RGBColor {
    let [r, g, b] = galmass_core::explain::colour(t);
    RGBColor(r, g, b)
}

/// Side of the map in the figure, pixels.
const MAP: i32 = 360;
/// Left and top margins.
const M: i32 = 20;

/// Draws `s` into `path` with the title `title`.
pub fn draw(path: &Path, s: &Saliency, title: &str) -> Result<()> {
    if s.side == 0 || s.delta_dex.len() != s.side * s.side {
        bail!("saliency figure: need side² values");
    }
    let amp = s
        .delta_dex
        .iter()
        .map(|v| f64::from(v.abs()))
        .fold(0.0, f64::max)
        .max(1e-6);
    let cell = f64::from(MAP) / s.side as f64;
    render_png(
        path,
        ((M + MAP + 130) as u32, (M + MAP + 90) as u32),
        |root| {
            let root = root.titled(title, font(18.0)).map_err(plot_err)?;
            for (k, v) in s.delta_dex.iter().enumerate() {
                // Row 0 at the bottom.
                let (i, j) = ((s.side - 1 - k / s.side) as f64, (k % s.side) as f64);
                let (x0, y0) = (M + (j * cell) as i32, M + (i * cell) as i32);
                let (x1, y1) = (M + ((j + 1.0) * cell) as i32, M + ((i + 1.0) * cell) as i32);
                let c = colour(f64::from(*v) / amp);
                root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
                    .map_err(plot_err)?;
            }
            root.draw(&Rectangle::new([(M, M), (M + MAP, M + MAP)], BLACK))
                .map_err(plot_err)?;
            // Scale bar: 1 R_hsm is a sixth of the map.
            let (y, x0) = (M + MAP + 25, M);
            root.draw(&PathElement::new(
                vec![(x0, y), (x0 + MAP / 6, y)],
                BLACK.stroke_width(3),
            ))
            .map_err(plot_err)?;
            root.draw(&Text::new("1 R_hsm", (x0 + MAP / 6 + 8, y - 8), font(15.0)))
                .map_err(plot_err)?;
            // Colour bar, −amp (bottom) to +amp (top).
            let (bx, steps) = (M + MAP + 20, 60);
            for q in 0..steps {
                let t = 1.0 - 2.0 * f64::from(q) / f64::from(steps - 1);
                let y0 = M + q * MAP / steps;
                root.draw(&Rectangle::new(
                    [(bx, y0), (bx + 18, y0 + MAP / steps + 1)],
                    colour(t).filled(),
                ))
                .map_err(plot_err)?;
            }
            for (t, yy) in [(amp, M), (0.0, M + MAP / 2), (-amp, M + MAP - 12)] {
                root.draw(&Text::new(
                    format!("{t:+.3} dex"),
                    (bx + 24, yy),
                    font(14.0),
                ))
                .map_err(plot_err)?;
            }
            root.draw(&Text::new(
                format!("Δ log10 {} when hidden", s.target),
                (M, M + MAP + 45),
                font(15.0),
            ))
            .map_err(plot_err)?;
            Ok(())
        },
    )
}
