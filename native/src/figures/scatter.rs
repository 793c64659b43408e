//! Predicted vs true (the paper's Figs 6–9, 11–12): density of test points as shaded 2-D
//! histogram bins with contours enclosing 68 % and 95 % of the points, the 1:1 line, and
//! beside it the histogram of log10(pred/true) = pred − true (dex) with its mean and ±1σ.

use std::path::Path;

use anyhow::{Result, bail};
use plotters::prelude::*;

use super::{font, plot_err, render_png, sequential};
use crate::stats::offset_mean_sigma;

/// Text of the figure.
#[derive(Clone, Debug)]
pub struct Labels {
    /// The quantity on both axes, e.g. `log10 M* / Msun`.
    pub quantity: String,
    /// Title above the scatter panel.
    pub title: String,
}

/// Bins per axis of the density histogram for `n` points: 1.5 √n within [16, 60], so
/// that cells hold a few points on average whatever the sample size.
pub fn density_bins(n: usize) -> usize {
    ((n as f64).sqrt() * 1.5).clamp(16.0, 60.0) as usize
}

/// Fractions of points enclosed by the contours.
pub const CONTOUR_FRACTIONS: [f64; 2] = [0.68, 0.95];

/// Draws the figure (1100 × 540 px) for `truth` and `pred` (log10 values, equal lengths,
/// finite) into `path`.
pub fn draw(path: &Path, truth: &[f64], pred: &[f64], labels: &Labels) -> Result<()> {
    let Some((mean, sigma)) = offset_mean_sigma(pred, truth) else {
        bail!("scatter figure: need equally many finite predictions and true values");
    };
    let (lo, hi) = padded_range(truth.iter().chain(pred));
    let bins = density_bins(truth.len());
    let hist = Histogram2d::new(truth, pred, (lo, hi), bins);
    let smooth = hist.smoothed();
    let levels: Vec<f64> = CONTOUR_FRACTIONS
        .iter()
        .map(|&f| level_enclosing(&smooth, f))
        .collect();
    let diffs: Vec<f64> = pred.iter().zip(truth).map(|(p, t)| p - t).collect();

    render_png(path, (1100, 540), |root| {
        let (left, right) = root.split_horizontally(580);
        let mut chart = ChartBuilder::on(&left)
            .caption(&labels.title, font(18.0))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(lo..hi, lo..hi)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(format!("true {}", labels.quantity))
            .y_desc(format!("predicted {}", labels.quantity))
            .label_style(font(14.0))
            .axis_desc_style(font(15.0))
            .draw()
            .map_err(plot_err)?;
        let max = hist.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
        let w = (hi - lo) / bins as f64;
        chart
            .draw_series(
                hist.counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(k, &c)| {
                        let (i, j) = (k % bins, k / bins);
                        let t = 0.15 + 0.85 * (1.0 + c as f64).ln() / (1.0 + max).ln();
                        let (x0, y0) = (lo + i as f64 * w, lo + j as f64 * w);
                        Rectangle::new([(x0, y0), (x0 + w, y0 + w)], sequential(t).filled())
                    }),
            )
            .map_err(plot_err)?;
        chart
            .draw_series(LineSeries::new([(lo, lo), (hi, hi)], BLACK.stroke_width(2)))
            .map_err(plot_err)?
            .label("1:1")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.stroke_width(2)));
        let to_data = |(gx, gy): (f64, f64)| (lo + (gx + 0.5) * w, lo + (gy + 0.5) * w);
        for (level, (frac, colour)) in levels
            .iter()
            .zip(CONTOUR_FRACTIONS.iter().zip([RED, MAGENTA]))
        {
            let segs = contour_segments(&smooth, bins, bins, *level);
            chart
                .draw_series(segs.into_iter().map(|[a, b]| {
                    PathElement::new([to_data(a), to_data(b)], colour.stroke_width(2))
                }))
                .map_err(plot_err)?
                .label(format!("{:.0} % of points", frac * 100.0))
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font(font(14.0))
            .draw()
            .map_err(plot_err)?;

        // Histogram of the offsets.
        let (dlo, dhi) = offset_range(&diffs, mean, sigma);
        let nb = 40;
        let bw = (dhi - dlo) / nb as f64;
        let mut counts = vec![0usize; nb];
        for d in &diffs {
            let b = ((d - dlo) / bw).floor();
            if b >= 0.0 && (b as usize) < nb {
                counts[b as usize] += 1;
            }
        }
        let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.12;
        let mut h = ChartBuilder::on(&right)
            .caption(
                format!("mean = {mean:+.3} dex, σ = {sigma:.3} dex"),
                font(18.0),
            )
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(dlo..dhi, 0.0..top)
            .map_err(plot_err)?;
        h.configure_mesh()
            .disable_mesh()
            .x_desc("log10(pred / true) [dex]")
            .y_desc("test samples")
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(14.0))
            .axis_desc_style(font(15.0))
            .draw()
            .map_err(plot_err)?;
        h.draw_series(counts.iter().enumerate().map(|(b, &c)| {
            let x0 = dlo + b as f64 * bw;
            Rectangle::new(
                [(x0, 0.0), (x0 + bw, c as f64)],
                RGBColor(65, 68, 135).filled(),
            )
        }))
        .map_err(plot_err)?;
        h.draw_series(LineSeries::new(
            [(mean, 0.0), (mean, top)],
            BLACK.stroke_width(2),
        ))
        .map_err(plot_err)?;
        for x in [mean - sigma, mean + sigma] {
            h.draw_series(DashedLineSeries::new(
                [(x, 0.0), (x, top)],
                8,
                5,
                RED.stroke_width(2),
            ))
            .map_err(plot_err)?;
        }
        Ok(())
    })
}

/// [min, max] of `values` widened by 3 % on each side (±0.5 if all equal).
fn padded_range<'a>(values: impl Iterator<Item = &'a f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return (lo - 0.5, lo + 0.5);
    }
    let pad = 0.03 * (hi - lo);
    (lo - pad, hi + pad)
}

/// Range of the offset histogram: the data range, at most mean ± 6σ, at least mean ± 3σ.
fn offset_range(d: &[f64], mean: f64, sigma: f64) -> (f64, f64) {
    let s = if sigma > 0.0 { sigma } else { 0.01 };
    let (mut lo, mut hi) = padded_range(d.iter());
    lo = lo.max(mean - 6.0 * s).min(mean - 3.0 * s);
    hi = hi.min(mean + 6.0 * s).max(mean + 3.0 * s);
    (lo, hi)
}

/// Counts of points in `bins × bins` square cells over `[lo, hi)²`, row-major with x
/// fastest (`counts[j * bins + i]`, i along x = truth, j along y = prediction).
pub struct Histogram2d {
    /// Cells per axis.
    pub bins: usize,
    /// Counts per cell.
    pub counts: Vec<usize>,
}

impl Histogram2d {
    /// Bins the points (x, y); points outside the range are ignored.
    pub fn new(x: &[f64], y: &[f64], (lo, hi): (f64, f64), bins: usize) -> Self {
        let mut counts = vec![0usize; bins * bins];
        let w = (hi - lo) / bins as f64;
        for (a, b) in x.iter().zip(y) {
            let (i, j) = (((a - lo) / w).floor(), ((b - lo) / w).floor());
            if i >= 0.0 && j >= 0.0 && (i as usize) < bins && (j as usize) < bins {
                counts[j as usize * bins + i as usize] += 1;
            }
        }
        Self { bins, counts }
    }

    /// Counts smoothed with the separable kernel (1, 2, 1)/4 along each axis (total kept
    /// inside the grid up to what leaks over its edges).
    pub fn smoothed(&self) -> Vec<f64> {
        let n = self.bins;
        let src: Vec<f64> = self.counts.iter().map(|&c| c as f64).collect();
        let pass = |v: &[f64], stride: usize, step: usize| -> Vec<f64> {
            let mut out = vec![0.0; n * n];
            for j in 0..n {
                for i in 0..n {
                    let k = j * stride + i * step;
                    let at = |d: isize| -> f64 {
                        let ii = i as isize + d;
                        if ii < 0 || ii >= n as isize {
                            0.0
                        } else {
                            v[j * stride + ii as usize * step]
                        }
                    };
                    out[k] = 0.25 * at(-1) + 0.5 * at(0) + 0.25 * at(1);
                }
            }
            out
        };
        let along_x = pass(&src, n, 1);
        pass(&along_x, 1, n)
    }
}

/// The density level whose super-level set {cells ≥ level} holds the fraction `frac` of
/// the total of `grid` (cells taken from the densest down).
pub fn level_enclosing(grid: &[f64], frac: f64) -> f64 {
    let mut v: Vec<f64> = grid.iter().copied().filter(|x| *x > 0.0).collect();
    v.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = v.iter().sum();
    let mut acc = 0.0;
    for &x in &v {
        acc += x;
        if acc >= frac * total {
            return x;
        }
    }
    v.last().copied().unwrap_or(0.0)
}

/// Marching squares: line segments of the iso-line `level` of `grid` (`nx × ny`, x
/// fastest), in grid coordinates (cell i, j at (i, j)). Saddle cells are resolved by the
/// mean of their four corners.
pub fn contour_segments(grid: &[f64], nx: usize, ny: usize, level: f64) -> Vec<[(f64, f64); 2]> {
    let mut segs = Vec::new();
    if nx < 2 || ny < 2 {
        return segs;
    }
    for j in 0..ny - 1 {
        for i in 0..nx - 1 {
            // Corners counter-clockwise from bottom-left.
            let c = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let v = c.map(|(a, b)| grid[b * nx + a]);
            let above = v.map(|x| x >= level);
            // Crossing on edge e (corner e → corner e+1), if any.
            let cross = |e: usize| -> Option<(f64, f64)> {
                let (a, b) = (e, (e + 1) % 4);
                if above[a] == above[b] {
                    return None;
                }
                let t = (level - v[a]) / (v[b] - v[a]);
                let (pa, pb) = (c[a], c[b]);
                Some((
                    pa.0 as f64 + t * (pb.0 as f64 - pa.0 as f64),
                    pa.1 as f64 + t * (pb.1 as f64 - pa.1 as f64),
                ))
            };
            let p: Vec<Option<(f64, f64)>> = (0..4).map(cross).collect();
            let hits: Vec<(f64, f64)> = p.iter().flatten().copied().collect();
            match hits.len() {
                2 => segs.push([hits[0], hits[1]]),
                4 => {
                    let centre_above = v.iter().sum::<f64>() / 4.0 >= level;
                    let q = |e: usize| p[e].unwrap_or_default();
                    if centre_above == above[0] {
                        // Corners 1 and 3 are cut off.
                        segs.push([q(0), q(1)]);
                        segs.push([q(2), q(3)]);
                    } else {
                        // Corners 0 and 2 are cut off.
                        segs.push([q(3), q(0)]);
                        segs.push([q(1), q(2)]);
                    }
                }
                _ => {}
            }
        }
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contour_of_a_cone_is_a_circle() {
        // f = −distance from the centre (15, 15): the level −r iso-line is the circle of
        // radius r; linear interpolation of a cone is exact to O(h²/r) on a grid of step 1.
        let n = 31;
        let grid: Vec<f64> = (0..n * n)
            .map(|k| {
                let (i, j) = ((k % n) as f64, (k / n) as f64);
                -((i - 15.0).powi(2) + (j - 15.0).powi(2)).sqrt()
            })
            .collect();
        let segs = contour_segments(&grid, n, n, -10.0);
        assert!(segs.len() > 40, "{}", segs.len());
        let mut length = 0.0;
        for [a, b] in &segs {
            for p in [a, b] {
                let r = ((p.0 - 15.0).powi(2) + (p.1 - 15.0).powi(2)).sqrt();
                assert!((r - 10.0).abs() < 0.06, "r = {r}");
            }
            length += ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        }
        // The polygon's perimeter is within 1 % of 2π·10.
        assert!(
            (length / (std::f64::consts::TAU * 10.0) - 1.0).abs() < 0.01,
            "{length}"
        );
    }

    #[test]
    fn enclosing_levels_hold_their_fraction() {
        // Values 1..=10 (total 55): the densest cells 10, 9, 8, 7 hold 34 ≥ 0.6·55 = 33.
        let g: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(level_enclosing(&g, 0.6), 7.0);
        assert_eq!(level_enclosing(&g, 1.0), 1.0);
    }

    #[test]
    fn histogram_counts_every_point_inside() {
        let x = [0.05, 0.15, 0.95, 1.5];
        let y = [0.05, 0.95, 0.95, 0.5];
        let h = Histogram2d::new(&x, &y, (0.0, 1.0), 10);
        assert_eq!(h.counts.iter().sum::<usize>(), 3);
        assert_eq!(h.counts[0], 1);
        assert_eq!(h.counts[9 * 10 + 1], 1);
        assert_eq!(h.counts[99], 1);
        // Smoothing keeps the total of an interior point.
        let h = Histogram2d::new(&[0.55], &[0.55], (0.0, 1.0), 10);
        let s: f64 = h.smoothed().iter().sum();
        assert!((s - 1.0).abs() < 1e-12);
    }
}
