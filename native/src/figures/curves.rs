//! Loss curves per boosting round (the paper's Fig. 4): MAE and MSE on the training and
//! test rows, two panels with logarithmic loss axes.

use std::path::Path;

use anyhow::{Result, bail};
use galmass_core::gbdt::Curves;
use plotters::prelude::*;

use super::{Area, font, plot_err, render_png};

/// A loss value as a tick label with two significant digits.
fn loss_label(v: f64) -> String {
    if v.is_nan() || v < 1e-4 {
        return format!("{v:.1e}");
    }
    let decimals = (1.0 - v.log10().floor()).max(0.0) as usize;
    format!("{v:.decimals$}")
}

/// One loss series: its legend name, values per round/epoch (1-based) and colour.
type Series<'a> = (&'a str, &'a [f64], RGBColor);

/// Draws one panel of loss `series` against round/epoch on a logarithmic loss axis.
fn panel(area: &Area<'_>, x_desc: &str, y_desc: &str, series: &[Series<'_>]) -> Result<()> {
    let n = series.iter().map(|s| s.1.len()).max().unwrap_or(0).max(2);
    let (lo, hi) = series
        .iter()
        .flat_map(|s| s.1.iter().copied())
        .filter(|v| *v > 0.0 && v.is_finite())
        .fold((f64::INFINITY, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo < hi {
        (lo / 1.15, hi * 1.15)
    } else if lo == hi {
        (lo / 2.0, hi * 2.0)
    } else {
        (1e-6, 1.0)
    };
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(1.0..n as f64, lo.log10()..hi.log10())
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .max_light_lines(0)
        .bold_line_style(RGBColor(225, 225, 225))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .y_label_formatter(&|v| loss_label(10f64.powf(*v)))
        .label_style(font(14.0))
        .axis_desc_style(font(15.0))
        .draw()
        .map_err(plot_err)?;
    for &(name, values, colour) in series {
        if values.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(
                values
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v > 0.0 && v.is_finite())
                    .map(|(k, v)| ((k + 1) as f64, v.log10())),
                colour.stroke_width(2),
            ))
            .map_err(plot_err)?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(font(14.0))
        .draw()
        .map_err(plot_err)?;
    Ok(())
}

/// Draws the MAE (left) and MSE (right) curves into `path` (1100 × 480 px) on logarithmic
/// loss axes (ticks evenly spaced in log10). Train curves in blue, test curves in red;
/// rounds start at 1.
pub fn draw(path: &Path, curves: &Curves, title: &str) -> Result<()> {
    if curves.train_mae.is_empty() {
        bail!("loss-curve figure: no rounds");
    }
    render_png(path, (1100, 480), |root| {
        let root = root.titled(title, font(20.0)).map_err(plot_err)?;
        let (left, right) = root.split_horizontally(550);
        panel(
            &left,
            "boosting round",
            "MAE [dex]",
            &[
                ("train", &curves.train_mae, BLUE),
                ("test", &curves.test_mae, RED),
            ],
        )?;
        panel(
            &right,
            "boosting round",
            "MSE [dex²]",
            &[
                ("train", &curves.train_mse, BLUE),
                ("test", &curves.test_mse, RED),
            ],
        )
    })
}

/// Draws the CNN's training and validation MSE (dex², the loss it minimises) per epoch into
/// `path` (700 × 480 px), the paper's Fig. 5, on a logarithmic loss axis; epochs start at 1.
pub fn draw_epochs(path: &Path, train: &[f64], val: &[f64], title: &str) -> Result<()> {
    if train.is_empty() {
        bail!("loss-curve figure: no epochs");
    }
    render_png(path, (700, 480), |root| {
        let root = root.titled(title, font(20.0)).map_err(plot_err)?;
        panel(
            &root,
            "epoch",
            "MSE [dex²]",
            &[("train", train, BLUE), ("validation", val, RED)],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::loss_label;

    #[test]
    fn tick_labels_have_two_significant_digits() {
        assert_eq!(loss_label(0.0316), "0.032");
        assert_eq!(loss_label(0.1), "0.10");
        assert_eq!(loss_label(1.5), "1.5");
        assert_eq!(loss_label(25.0), "25");
        assert_eq!(loss_label(3.16e-5), "3.2e-5");
    }
}
