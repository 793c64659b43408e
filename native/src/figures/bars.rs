//! Horizontal bar chart of named values (e.g. gain importance shares), largest first as
//! given, with each value printed at the end of its bar.

use std::path::Path;

use anyhow::{Result, bail};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{display_name, font, plot_err, render_png};

/// Draws bars for `(name, value)` pairs (top to bottom in the given order; values ≥ 0)
/// into `path` (900 px wide, 46 px per bar). Names are shown by [`display_name`].
pub fn draw(path: &Path, items: &[(String, f64)], title: &str, x_label: &str) -> Result<()> {
    if items.is_empty() {
        bail!("bar figure: nothing to draw");
    }
    let n = items.len();
    let max = items.iter().map(|i| i.1).fold(0.0, f64::max);
    let xmax = if max > 0.0 { max * 1.18 } else { 1.0 };
    let height = 140 + 46 * n as u32;
    render_png(path, (900, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, font(20.0))
            .margin(14)
            .x_label_area_size(46)
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..xmax, 0.0..n as f64)
            .map_err(plot_err)?;
        let label_of = |y: &f64| -> String {
            // Bar k (from the top) spans [n−k−1, n−k]; label its centre.
            let k = n as f64 - y - 0.5;
            let r = k.round();
            if (k - r).abs() < 1e-6 && r >= 0.0 && (r as usize) < n {
                display_name(&items[r as usize].0).to_string()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .max_light_lines(0)
            .bold_line_style(RGBColor(225, 225, 225))
            .y_labels(2 * n + 1)
            .y_label_formatter(&label_of)
            .x_desc(x_label)
            .label_style(font(15.0))
            .axis_desc_style(font(16.0))
            .draw()
            .map_err(plot_err)?;
        let top = n as f64;
        chart
            .draw_series(items.iter().enumerate().map(|(k, (_, v))| {
                let y0 = top - k as f64 - 0.85;
                Rectangle::new([(0.0, y0), (*v, y0 + 0.7)], RGBColor(42, 120, 142).filled())
            }))
            .map_err(plot_err)?;
        chart
            .draw_series(items.iter().enumerate().map(|(k, (_, v))| {
                let y = top - k as f64 - 0.5;
                Text::new(
                    format!(" {v:.3}"),
                    (*v, y),
                    font(14.0).pos(Pos::new(HPos::Left, VPos::Center)),
                )
            }))
            .map_err(plot_err)?;
        Ok(())
    })
}
