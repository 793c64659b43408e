//! The degradation study's figure (`galmass degradation`, beyond the paper; the data from
//! `report::degradation`): per target a panel of horizontal bars, one group per observing
//! condition (top: ideal maps; bottom: MaNGA-like), one bar per model of σ of
//! log10(pred/true), the bias printed beside each bar; a dashed line at the goal (1.5× the
//! ideal model's σ on ideal maps) and a dotted one at the mock's noise floor.

use std::path::Path;

use anyhow::{Result, bail};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{font, plot_err, render_png};

/// Bar colours of the models in order: teal, orange; they differ in lightness too, for grey
/// printing.
const COLOURS: [RGBColor; 2] = [RGBColor(42, 120, 142), RGBColor(230, 159, 0)];

/// One model's bars: its name in the legend and its (σ, bias) in dex per condition (`None`:
/// not measured).
pub type Series = (String, Vec<Option<(f64, f64)>>);

/// One panel: a target, per model (name, per condition (σ, bias) in dex or `None`), and the
/// optional goal and noise-floor lines (dex).
pub struct Panel {
    /// The panel's title (the target).
    pub title: String,
    /// Per model: its name in the legend and its (σ, bias) per condition.
    pub models: Vec<Series>,
    /// A dashed line: the goal for the observed model (1.5× the ideal σ).
    pub goal: Option<f64>,
    /// A dotted line: the noise floor of the mock.
    pub floor: Option<f64>,
}

/// Draws the panels side by side into `path` (1400 × 760 px): one group of bars per entry
/// of `conditions` (top to bottom), one bar per model.
pub fn draw(path: &Path, conditions: &[&str], panels: &[Panel]) -> Result<()> {
    let max = panels
        .iter()
        .flat_map(|p| p.models.iter().flat_map(|m| m.1.iter().flatten()))
        .map(|v| v.0)
        .fold(0.0, f64::max);
    if panels.is_empty() || conditions.is_empty() {
        bail!("degradation figure: nothing to draw");
    }
    let xmax = if max > 0.0 { max * 1.7 } else { 1.0 };
    let n = conditions.len();
    render_png(path, (1400, 760), |root| {
        let root = root
            .titled(
                "Degradation: σ of log10(pred/true) per observing condition (beyond the paper)",
                font(20.0),
            )
            .map_err(plot_err)?;
        let areas = root.split_evenly((1, panels.len()));
        for (area, panel) in areas.iter().zip(panels) {
            let label = |y: &f64| -> String {
                let k = n as f64 - y - 0.5;
                let r = k.round();
                if (k - r).abs() < 1e-6 && r >= 0.0 && (r as usize) < n {
                    conditions[r as usize].to_string()
                } else {
                    String::new()
                }
            };
            let mut chart = ChartBuilder::on(area)
                .caption(&panel.title, font(18.0))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(120)
                .build_cartesian_2d(0.0..xmax, 0.0..n as f64)
                .map_err(plot_err)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .max_light_lines(0)
                .bold_line_style(RGBColor(225, 225, 225))
                .y_labels(2 * n + 1)
                .y_label_formatter(&label)
                .x_desc("σ [dex]  (bias printed beside each bar)")
                .label_style(font(14.0))
                .axis_desc_style(font(15.0))
                .draw()
                .map_err(plot_err)?;
            let slot = 0.8 / panel.models.len().max(1) as f64;
            for (m, (name, values)) in panel.models.iter().enumerate() {
                let bars: Vec<(f64, f64, f64)> = values
                    .iter()
                    .enumerate()
                    .filter_map(|(k, v)| {
                        let (s, b) = (*v)?;
                        let y0 = n as f64 - k as f64 - 0.1 - slot * (m + 1) as f64;
                        Some((y0, s, b))
                    })
                    .collect();
                let colour = COLOURS[m % COLOURS.len()];
                chart
                    .draw_series(bars.iter().map(|&(y0, s, _)| {
                        Rectangle::new([(0.0, y0), (s, y0 + 0.9 * slot)], colour.filled())
                    }))
                    .map_err(plot_err)?
                    .label(name.as_str())
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled())
                    });
                chart
                    .draw_series(bars.iter().map(|&(y0, s, b)| {
                        Text::new(
                            format!(" {s:.3} ({b:+.2})"),
                            (s, y0 + 0.45 * slot),
                            font(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
                        )
                    }))
                    .map_err(plot_err)?;
            }
            let vline = |x: f64| vec![(x, 0.0), (x, n as f64)];
            if let Some(g) = panel.goal {
                chart
                    .draw_series(DashedLineSeries::new(vline(g), 8, 5, BLACK.stroke_width(2)))
                    .map_err(plot_err)?
                    .label("1.5× ideal-on-ideal σ (goal)")
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK));
            }
            if let Some(f) = panel.floor {
                let grey = RGBColor(120, 120, 120);
                chart
                    .draw_series(DashedLineSeries::new(vline(f), 2, 4, grey.stroke_width(2)))
                    .map_err(plot_err)?
                    .label("noise floor of the mock")
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], grey));
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.9))
                .border_style(RGBColor(200, 200, 200))
                .label_font(font(13.0))
                .draw()
                .map_err(plot_err)?;
        }
        Ok(())
    })
}
