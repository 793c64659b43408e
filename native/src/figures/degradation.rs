//! The degradation study's figure (`galmass degradation`, beyond the paper): per target a
//! panel of horizontal bars, one group per observing condition (top: ideal maps; bottom:
//! MaNGA-like), one bar per model (ideal-trained, MaNGA-trained) of σ of log10(pred/true),
//! the bias printed beside each bar; a dashed line at 1.5× the ideal model's σ on ideal maps
//! (issue 16's goal for the observed model) and a dotted one at the mock's noise floor.

use std::path::Path;

use anyhow::{Result, bail};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{font, plot_err, render_png};
use crate::report::degradation::{CONDITIONS, Degradation, MODELS, TARGETS};
use crate::report::grid::noise_floor;

/// Bar colours of the two models: teal (ideal-trained), orange (MaNGA-trained); they differ
/// in lightness too, for grey printing.
const COLOURS: [RGBColor; 2] = [RGBColor(42, 120, 142), RGBColor(230, 159, 0)];

/// Draws `d` into `path` (1400 × 760 px).
pub fn draw(path: &Path, d: &Degradation) -> Result<()> {
    if d.rows.is_empty() {
        bail!("degradation figure: no rows");
    }
    let max = d.rows.iter().map(|r| r.sigma_dex).fold(0.0, f64::max);
    let xmax = if max > 0.0 { max * 1.7 } else { 1.0 };
    let n = CONDITIONS.len();
    render_png(path, (1400, 760), |root| {
        let root = root
            .titled(
                "Degradation: σ of log10(pred/true) per observing condition (beyond the paper)",
                font(20.0),
            )
            .map_err(plot_err)?;
        let panels = root.split_evenly((1, TARGETS.len()));
        for (panel, target) in panels.iter().zip(TARGETS) {
            let label = |y: &f64| -> String {
                let k = n as f64 - y - 0.5;
                let r = k.round();
                if (k - r).abs() < 1e-6 && r >= 0.0 && (r as usize) < n {
                    short(CONDITIONS[r as usize].id).to_string()
                } else {
                    String::new()
                }
            };
            let mut chart = ChartBuilder::on(panel)
                .caption(if target == "mstar" { "M*" } else { "Mtot" }, font(18.0))
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
            for (m, (model, _, words)) in MODELS.iter().enumerate() {
                let bars: Vec<(f64, f64, f64)> = CONDITIONS
                    .iter()
                    .enumerate()
                    .filter_map(|(k, c)| {
                        let r = d.get(c.id, model, target)?;
                        let y0 = n as f64 - k as f64 - 0.9 + 0.4 * (1 - m) as f64;
                        Some((y0, r.sigma_dex, r.mean_dex))
                    })
                    .collect();
                let colour = COLOURS[m];
                chart
                    .draw_series(bars.iter().map(|&(y0, s, _)| {
                        Rectangle::new([(0.0, y0), (s, y0 + 0.36)], colour.filled())
                    }))
                    .map_err(plot_err)?
                    .label(*words)
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled())
                    });
                chart
                    .draw_series(bars.iter().map(|&(y0, s, b)| {
                        Text::new(
                            format!(" {s:.3} ({b:+.2})"),
                            (s, y0 + 0.18),
                            font(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
                        )
                    }))
                    .map_err(plot_err)?;
            }
            let vline = |x: f64| vec![(x, 0.0), (x, n as f64)];
            if let Some(r) = d.get("ideal", "ideal", target)
                && target == "mstar"
            {
                chart
                    .draw_series(DashedLineSeries::new(
                        vline(1.5 * r.sigma_dex),
                        8,
                        5,
                        BLACK.stroke_width(2),
                    ))
                    .map_err(plot_err)?
                    .label("1.5× ideal-on-ideal σ (goal)")
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], BLACK));
            }
            if let Some([lo, _]) = noise_floor(target, true, true, true) {
                chart
                    .draw_series(DashedLineSeries::new(
                        vline(lo),
                        2,
                        4,
                        RGBColor(120, 120, 120).stroke_width(2),
                    ))
                    .map_err(plot_err)?
                    .label("noise floor of the mock")
                    .legend(|(x, y)| {
                        PathElement::new(vec![(x, y), (x + 16, y)], RGBColor(120, 120, 120))
                    });
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

/// A short axis label of a condition id.
fn short(id: &str) -> &str {
    match id {
        "ideal" => "ideal",
        "psf0.25" => "seeing ¼ R_e",
        "psf0.5" => "seeing ½ R_e",
        "psf1" => "seeing 1 R_e",
        "snr20" => "S/N 20",
        "snr5" => "S/N 5",
        "ifu1.5" => "IFU 1.5 R_e",
        "manga" => "MaNGA-like",
        other => other,
    }
}
