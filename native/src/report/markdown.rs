//! `report.md`: the report's rows as Markdown tables beside the paper's numbers.

use std::fmt::Write;

use super::{Report, Row};
use crate::figures::display_name;

fn pm(mean: Option<f64>, sigma: Option<f64>) -> String {
    match (mean, sigma) {
        (Some(m), Some(s)) => format!("{m:+.2} ± {s:.2}"),
        (None, Some(s)) => format!("σ {s:.2}"),
        _ => "—".to_string(),
    }
}

fn row_line(r: &Row, what: &str) -> String {
    let floor = match r.floor_dex {
        Some([lo, hi]) if lo == hi => format!("{lo:.3}"),
        Some([lo, hi]) => format!("{lo:.3}–{hi:.3}"),
        None => "—".to_string(),
    };
    format!(
        "| {what} | {} | {} | {:+.3} ± {:.3} (±{:.3}) | {floor} | {} | {} | {:.0} |\n",
        display_name(&r.row.target),
        r.row.n_test,
        r.row.mean_dex,
        r.row.sigma_dex,
        super::sigma_se(r.row.sigma_dex, r.row.n_test),
        pm(r.paper_mean_dex, r.paper_sigma_dex),
        r.image_size.map_or("—".to_string(), |s| format!("{s}²")),
        r.train_seconds
    )
}

/// How a row is labelled: what it reads, and whether it is the paper's method or ours
/// beyond it (no paper numbers).
fn row_label(r: &Row) -> String {
    let mut what = r.row.inputs.replace(',', " + ");
    if r.id.starts_with("hybrid") {
        what = format!("hybrid: CNN ({what}) + map scalars");
    }
    if r.id.ends_with("mstar_mtot") {
        what.push_str(" (joint M*, Mtot)");
    }
    if r.paper_sigma_dex.is_none() {
        what.push_str(" — *ours, beyond the paper*");
    }
    what
}

/// Renders the report as Markdown.
pub fn render(rep: &Report) -> String {
    let s = &rep.settings;
    let mut md = String::new();
    let _ = writeln!(md, "# galmass reproduce — scale `{}`\n", s.scale);
    let _ = writeln!(
        md,
        "Data `{}`{}; CNN: width w = {}, {} epochs, batch {}, lr {}, light maps {}², device {}, \
         log10 R_hsm side input {}, augmentation {}. Wall time {:.1} min.\n",
        s.data,
        s.galaxies
            .map_or(String::new(), |g| format!(" ({g} mock galaxies)")),
        s.width,
        s.epochs,
        s.batch,
        s.lr,
        s.image_size,
        s.device,
        if s.side_input { "on" } else { "off" },
        if s.augment { "on" } else { "off" },
        s.wall_seconds / 60.0
    );
    md.push_str(
        "All numbers are the mean ± σ of log10(pred/true) in dex on the test split, with the \
         standard error of σ in brackets. The paper's are on TNG100 galaxies; ours on the data \
         named above (our mock galaxies unless a TNG dataset was given), so compare the \
         ordering, not the digits. *Floor*: the best σ a model can reach on our generator with \
         what the row reads (colour or not, R_hsm or not; galaxy-model.md §7). Rows marked \
         *ours, beyond the paper* are not the paper's method: the two-channel g, r light branch \
         (colour at every pixel), the hybrid model (the CNN's features plus log L_r, g−r and \
         log v_rms computed from the maps, into an MLP head) and the GBDT given log R_hsm (the \
         size the CNN rows are given). CNNs beyond the paper-literal mode train with light \
         planes of log luminosity per cell of 0.1 R_hsm, standardised side input and targets, \
         AdamW and a per-step warm-up + cosine schedule.\n\n",
    );
    md.push_str(
        "## Checks of the paper's ordering\n\n| claim | holds | numbers |\n|---|---|---|\n",
    );
    for c in &rep.checks {
        let h = match c.holds {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "not run",
        };
        let _ = writeln!(md, "| {} | {h} | {} |", c.claim, c.detail);
    }
    md.push_str("\n## Table 4 — CNN\n\n| inputs | target | n test | ours | floor | paper | light map | train s |\n|---|---|---|---|---|---|---|---|\n");
    for r in rep.rows.iter().filter(|r| r.row.model == "cnn") {
        md.push_str(&row_line(r, &row_label(r)));
    }
    md.push_str("\n## Table 6 — GBDT\n\n| features | target | n test | ours | floor | paper | | train s |\n|---|---|---|---|---|---|---|---|\n");
    for r in rep.rows.iter().filter(|r| r.row.model == "gbdt") {
        md.push_str(&row_line(r, &row_label(r)));
    }
    md.push_str("\n## Baseline — power law on luminosity (Fig. 6 bottom)\n\n| target | fit | n fit | n test | ours | paper |\n|---|---|---|---|---|---|\n");
    for b in &rep.baselines {
        let paper = if b.target == "mstar" {
            format!("σ {:.2}", super::grid::POWER_LAW_MSTAR_SIGMA)
        } else {
            "—".to_string()
        };
        let _ = writeln!(
            md,
            "| {} | log10 M = {:.3} + {:.3} log10 L_r | {} | {} | {:+.3} ± {:.3} | {paper} |",
            display_name(&b.target),
            b.intercept,
            b.slope,
            b.n_fit,
            b.n_test,
            b.mean_dex,
            b.sigma_dex
        );
    }
    md.push_str("\n## Gain importance (GBDT, share of total gain)\n\n");
    for (id, imp) in &rep.importance {
        let mut v: Vec<(&String, &f64)> = imp.iter().collect();
        v.sort_by(|a, b| b.1.total_cmp(a.1));
        let top: Vec<String> = v
            .iter()
            .take(4)
            .map(|(f, s)| format!("{f} {:.0} %", 100.0 * **s))
            .collect();
        let _ = writeln!(md, "- `{id}`: {}", top.join(", "));
    }
    md.push_str("\n## Figures\n\n- `figures/sigma_cnn.png`, `figures/sigma_gbdt.png`: our σ per row\n- `cnn/<id>/scatter_<target>.png` (Figs 6–9), `cnn/<id>/curves.png` (Fig. 5)\n- `gbdt/<id>_figures/` (Figs 4, 10, 11, importance)\n- `figures/power_law_mstar.png` (Fig. 6 bottom)\n\n## Commands\n\n```\n");
    for c in &rep.commands {
        md.push_str(c);
        md.push('\n');
    }
    md.push_str("```\n");
    md
}
