//! Figures as PNG (plotters, bitmap backend) with an embedded font, so that neither
//! building nor running needs a system font library. One module per figure kind, shared by
//! the GBDT, the CNN and the reports:
//!
//! - [`scatter`]: predicted vs true with the 1:1 line, density shading and contours, and the
//!   histogram of log10(pred/true) with ±1σ (the paper's Figs 6–9, 11–12);
//! - [`bars`]: horizontal bars, e.g. gain importances;
//! - [`curves`]: loss per boosting round (MAE and MSE, train and test; Fig. 4);
//! - [`degradation`]: σ per observing condition for two models (`galmass degradation`);
//! - [`matrix`]: a correlation matrix with the coefficient in each cell (Fig. 10).
//!
//! Every file is drawn under a temporary name and renamed when complete.

pub mod bars;
pub mod curves;
pub mod degradation;
pub mod matrix;
pub mod saliency;
pub mod scatter;

use std::path::Path;
use std::sync::OnceLock;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::atomic::write_via_temp;

/// DejaVu Sans (Bitstream Vera licence, `native/assets/DejaVuSans-LICENSE.txt`).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Family name under which the embedded font is registered.
pub const FAMILY: &str = "sans-serif";

/// Registers the embedded font with plotters (once per process).
pub fn ensure_font() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(anyhow!("the embedded font could not be loaded"))
    }
}

/// A plotters error as an [`anyhow::Error`].
pub fn plot_err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow!("drawing a figure: {e}")
}

/// The drawing area of a PNG figure.
pub type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Draws a `size` (pixels) PNG at `path` on a white background with `draw`, atomically.
pub fn render_png(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<()>,
) -> Result<()> {
    ensure_font()?;
    write_via_temp(path, |tmp| {
        let root = BitMapBackend::new(tmp, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        draw(&root)?;
        root.present()
            .map_err(|e| anyhow!("{}: cannot write the figure: {e}", path.display()))?;
        Ok(())
    })
}

/// A text style of the embedded font, `px` pixels high.
pub fn font(px: f64) -> TextStyle<'static> {
    (FAMILY, px).into_font().color(&BLACK)
}

/// Linear interpolation of an RGB colour map through `stops` at `t` ∈ [0, 1].
fn interpolate(stops: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (stops.len() - 1) as f64;
    let i = (x.floor() as usize).min(stops.len() - 2);
    let f = x - i as f64;
    let (a, b) = (stops[i], stops[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + f * (q as f64 - p as f64)).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Sequential colour map (viridis, reversed so that 0 is light and 1 dark) at `t` ∈ [0, 1].
pub fn sequential(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 6] = [
        (253, 231, 37),
        (122, 209, 81),
        (34, 168, 132),
        (42, 120, 142),
        (65, 68, 135),
        (68, 1, 84),
    ];
    interpolate(&STOPS, t)
}

/// Diverging colour map for r ∈ [−1, 1]: blue (−1), white (0), red (+1).
pub fn diverging(r: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (33, 102, 172),
        (146, 197, 222),
        (247, 247, 247),
        (244, 165, 130),
        (178, 24, 43),
    ];
    interpolate(&STOPS, 0.5 * (r + 1.0))
}

/// Short display names of dataset columns (features and targets) for figure labels.
pub fn display_name(name: &str) -> &str {
    match name {
        "mr" => "Mr",
        "g_r" => "g−r",
        "sfr" => "log SFR",
        "n_ser" => "n",
        "c_over_a" => "c/a",
        "sigma_v" => "σv",
        "lambda_r" => "λ",
        "bt" => "B/T",
        "f_cold" => "fcold",
        "f_hot" => "fhot",
        "mstar" => "M*",
        "mdm" => "MDM",
        "mtot" => "Mtot",
        "fstar" => "f*",
        "fdm" => "fDM",
        "ml_r" => "M*/L",
        "mstar_2d" => "M*,2D",
        "mstar_2r" => "M*(<2Rhsm)",
        "mtot_2r" => "Mtot(<2Rhsm)",
        "fdm_derived" => "fDM (1 − M*/Mtot)",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_maps_hit_their_ends_and_middle() {
        assert_eq!(diverging(-1.0), RGBColor(33, 102, 172));
        assert_eq!(diverging(0.0), RGBColor(247, 247, 247));
        assert_eq!(diverging(1.0), RGBColor(178, 24, 43));
        assert_eq!(sequential(0.0), RGBColor(253, 231, 37));
        assert_eq!(sequential(1.0), RGBColor(68, 1, 84));
        // NaN maps to the low end instead of panicking.
        assert_eq!(sequential(f64::NAN), RGBColor(253, 231, 37));
    }
}
