//! Correlation matrix (the paper's Fig. 10): one coloured cell per pair (blue −1, white 0,
//! red +1) with the coefficient printed in it; names on the left and on top.

use std::path::Path;

use anyhow::{Result, bail};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{display_name, diverging, font, plot_err, render_png};

/// Side of one cell, pixels.
const CELL: i32 = 58;
/// Room for the names on the left and on top, pixels.
const GUTTER: i32 = 90;

/// Draws the `k × k` matrix `r` (rows and columns named by `names`) into `path`. NaN
/// entries (a constant column) are grey and show "–".
pub fn draw(path: &Path, names: &[String], r: &[Vec<f64>], title: &str) -> Result<()> {
    let k = names.len();
    if k == 0 || r.len() != k || r.iter().any(|row| row.len() != k) {
        bail!("matrix figure: need a square matrix with one name per row");
    }
    let side = (GUTTER + CELL * k as i32 + 20) as u32;
    render_png(path, (side, side + 50), |root| {
        let root = root
            .margin(8, 0, 0, 0)
            .titled(title, font(22.0))
            .map_err(plot_err)?;
        let centred = |px: f64| font(px).pos(Pos::new(HPos::Center, VPos::Center));
        for (i, name) in names.iter().enumerate() {
            let c = GUTTER + CELL * i as i32 + CELL / 2;
            let label = display_name(name);
            root.draw(&Text::new(
                label.to_string(),
                (c, GUTTER - 22),
                centred(15.0),
            ))
            .map_err(plot_err)?;
            root.draw(&Text::new(
                label.to_string(),
                (GUTTER - 8, c),
                font(15.0).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(plot_err)?;
        }
        for (i, row) in r.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                let (x0, y0) = (GUTTER + CELL * j as i32, GUTTER + CELL * i as i32);
                let fill = if v.is_finite() {
                    diverging(v)
                } else {
                    RGBColor(190, 190, 190)
                };
                root.draw(&Rectangle::new(
                    [(x0, y0), (x0 + CELL, y0 + CELL)],
                    fill.filled(),
                ))
                .map_err(plot_err)?;
                root.draw(&Rectangle::new(
                    [(x0, y0), (x0 + CELL, y0 + CELL)],
                    WHITE.stroke_width(1),
                ))
                .map_err(plot_err)?;
                let text = if v.is_finite() {
                    format!("{v:.2}")
                } else {
                    "–".to_string()
                };
                let colour = if v.abs() > 0.6 { WHITE } else { BLACK };
                root.draw(&Text::new(
                    text,
                    (x0 + CELL / 2, y0 + CELL / 2),
                    centred(14.0).color(&colour),
                ))
                .map_err(plot_err)?;
            }
        }
        Ok(())
    })
}
