//! The paper's grids as data: every row of Table 4 (the CNN, including the resolution test and
//! the joint M* + Mtot → f_DM row) and of Table 6 (the GBDT), with the paper's mean ± σ (dex)
//! on TNG100 (Chu et al. 2024; `shared/paper/DIGEST.md`).

/// The paper's mean and σ of log10(pred/true), dex.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Paper {
    /// Mean offset.
    pub mean: f64,
    /// Scatter.
    pub sigma: f64,
}

const fn p(mean: f64, sigma: f64) -> Paper {
    Paper { mean, sigma }
}

/// One CNN training of Table 4.
#[derive(Clone, Copy, Debug)]
pub struct CnnRow {
    /// Short id, also the run directory's name.
    pub id: &'static str,
    /// Input branches (`galmass train cnn --inputs`).
    pub inputs: &'static [&'static str],
    /// Targets (1, or mstar + mtot for the joint row).
    pub targets: &'static [&'static str],
    /// The light maps are the scale's base side divided by this (1; 2 and 5 for the
    /// resolution test, the paper's 300² → 150², 60²).
    pub downsample: usize,
    /// The paper's numbers per target (and for the derived f_DM of the joint row, last);
    /// empty for our rows beyond the paper.
    pub paper: &'static [Paper],
    /// The hybrid model (`train cnn --hybrid`): map scalars beside the CNN features.
    pub hybrid: bool,
}

/// Table 4, in the paper's order.
pub const TABLE4: [CnnRow; 16] = [
    CnnRow {
        id: "r-mstar",
        inputs: &["r"],
        targets: &["mstar"],
        downsample: 1,
        paper: &[p(0.00, 0.06)],
        hybrid: false,
    },
    CnnRow {
        id: "g_r-mstar",
        inputs: &["g", "r"],
        targets: &["mstar"],
        downsample: 1,
        paper: &[p(0.00, 0.05)],
        hybrid: false,
    },
    CnnRow {
        id: "vel-mstar",
        inputs: &["vel"],
        targets: &["mstar"],
        downsample: 1,
        paper: &[p(0.00, 0.05)],
        hybrid: false,
    },
    CnnRow {
        id: "r_vel-mstar",
        inputs: &["r", "vel"],
        targets: &["mstar"],
        downsample: 1,
        paper: &[p(0.00, 0.04)],
        hybrid: false,
    },
    CnnRow {
        id: "r_vel-mstar_2d",
        inputs: &["r", "vel"],
        targets: &["mstar_2d"],
        downsample: 1,
        paper: &[p(0.00, 0.05)],
        hybrid: false,
    },
    CnnRow {
        id: "r_vel-mstar_2r",
        inputs: &["r", "vel"],
        targets: &["mstar_2r"],
        downsample: 1,
        paper: &[p(0.00, 0.04)],
        hybrid: false,
    },
    CnnRow {
        id: "r-mtot",
        inputs: &["r"],
        targets: &["mtot"],
        downsample: 1,
        paper: &[p(0.00, 0.07)],
        hybrid: false,
    },
    CnnRow {
        id: "g_r-mtot",
        inputs: &["g", "r"],
        targets: &["mtot"],
        downsample: 1,
        paper: &[p(0.00, 0.07)],
        hybrid: false,
    },
    CnnRow {
        id: "vel-mtot",
        inputs: &["vel"],
        targets: &["mtot"],
        downsample: 1,
        paper: &[p(0.00, 0.09)],
        hybrid: false,
    },
    CnnRow {
        id: "r_vel-mtot",
        inputs: &["r", "vel"],
        targets: &["mtot"],
        downsample: 1,
        paper: &[p(0.00, 0.06)],
        hybrid: false,
    },
    CnnRow {
        id: "r_vel-mstar_mtot",
        inputs: &["r", "vel"],
        targets: &["mstar", "mtot"],
        downsample: 1,
        paper: &[p(0.01, 0.04), p(-0.01, 0.06), p(0.02, 0.05)],
        hybrid: false,
    },
    CnnRow {
        id: "r-ml_r",
        inputs: &["r"],
        targets: &["ml_r"],
        downsample: 1,
        paper: &[p(0.01, 0.10)],
        hybrid: false,
    },
    CnnRow {
        id: "vel-ml_r",
        inputs: &["vel"],
        targets: &["ml_r"],
        downsample: 1,
        paper: &[p(0.01, 0.11)],
        hybrid: false,
    },
    CnnRow {
        id: "r_vel-ml_r",
        inputs: &["r", "vel"],
        targets: &["ml_r"],
        downsample: 1,
        paper: &[p(0.01, 0.07)],
        hybrid: false,
    },
    CnnRow {
        id: "g_r-ml_r",
        inputs: &["g", "r"],
        targets: &["ml_r"],
        downsample: 1,
        paper: &[p(0.01, 0.05)],
        hybrid: false,
    },
    CnnRow {
        id: "g_r_vel-ml_r",
        inputs: &["g", "r", "vel"],
        targets: &["ml_r"],
        downsample: 1,
        paper: &[p(0.00, 0.04)],
        hybrid: false,
    },
];

/// The resolution test: r only at the base side / 2 and / 5 (the paper's 150² and 60²).
pub const RESOLUTION: [CnnRow; 2] = [
    CnnRow {
        id: "r-mstar-res2",
        inputs: &["r"],
        targets: &["mstar"],
        downsample: 2,
        paper: &[p(0.00, 0.06)],
        hybrid: false,
    },
    CnnRow {
        id: "r-mstar-res5",
        inputs: &["r"],
        targets: &["mstar"],
        downsample: 5,
        paper: &[p(0.00, 0.07)],
        hybrid: false,
    },
];

/// Our rows beyond the paper (labelled so in the report): g and r light as one two-channel
/// branch with the kinematic maps (colour at every pixel), and the hybrid model (the same
/// CNN plus log L_r, g−r and log v_rms computed from the maps, into an MLP head); both predict
/// M* and Mtot jointly.
pub const BEYOND: [CnnRow; 2] = [
    CnnRow {
        id: "rg_vel-mstar_mtot",
        inputs: &["rg", "vel"],
        targets: &["mstar", "mtot"],
        downsample: 1,
        paper: &[],
        hybrid: false,
    },
    CnnRow {
        id: "hybrid-mstar_mtot",
        inputs: &["rg", "vel"],
        targets: &["mstar", "mtot"],
        downsample: 1,
        paper: &[],
        hybrid: true,
    },
];

/// Every CNN training of the grid, in report order: Table 4, the resolution test, then our
/// rows beyond the paper.
pub fn cnn_rows() -> Vec<CnnRow> {
    TABLE4
        .iter()
        .chain(RESOLUTION.iter())
        .chain(BEYOND.iter())
        .copied()
        .collect()
}

/// One GBDT training of Table 6.
#[derive(Clone, Copy, Debug)]
pub struct GbdtRow {
    /// Short id, also the run's file stem.
    pub id: &'static str,
    /// Target.
    pub target: &'static str,
    /// Feature set (`default` = the 10 of Table 1, `no-mr` = without M_r).
    pub features: &'static str,
    /// The paper's σ (dex; Table 6 quotes no mean); `None` for our rows beyond the paper.
    pub paper_sigma: Option<f64>,
}

/// Table 6 in the paper's order, then our row beyond it: Mtot from the ten features plus
/// log10 R_hsm, the size the CNN rows are given (like with like).
pub const TABLE6: [GbdtRow; 10] = [
    GbdtRow {
        id: "mstar",
        target: "mstar",
        features: "default",
        paper_sigma: Some(0.05),
    },
    GbdtRow {
        id: "mstar-no_mr",
        target: "mstar",
        features: "no-mr",
        paper_sigma: Some(0.08),
    },
    GbdtRow {
        id: "mdm",
        target: "mdm",
        features: "default",
        paper_sigma: Some(0.13),
    },
    GbdtRow {
        id: "mdm-no_mr",
        target: "mdm",
        features: "no-mr",
        paper_sigma: Some(0.15),
    },
    GbdtRow {
        id: "mtot",
        target: "mtot",
        features: "default",
        paper_sigma: Some(0.08),
    },
    GbdtRow {
        id: "mtot-no_mr",
        target: "mtot",
        features: "no-mr",
        paper_sigma: Some(0.11),
    },
    GbdtRow {
        id: "fstar",
        target: "fstar",
        features: "default",
        paper_sigma: Some(0.08),
    },
    GbdtRow {
        id: "fdm",
        target: "fdm",
        features: "default",
        paper_sigma: Some(0.06),
    },
    GbdtRow {
        id: "ml_r",
        target: "ml_r",
        features: "default",
        paper_sigma: Some(0.06),
    },
    GbdtRow {
        id: "mtot-log_rhsm",
        target: "mtot",
        features: "default+log_rhsm",
        paper_sigma: None,
    },
];

/// [`noise_floor`] of a model that reads colour, kinematics and the scale, as table text:
/// `0.035` or `0.030–0.035` (dex), `—` without an estimate.
pub fn noise_floor_text(target: &str) -> String {
    noise_floor(target, true, true, true)
        .map(|[lo, hi]| {
            if lo == hi {
                format!("{lo:.3}")
            } else {
                format!("{lo:.3}–{hi:.3}")
            }
        })
        .unwrap_or_else(|| "—".into())
}

/// The noise floor of a row on our generator (galaxy-model.md §7, "floor estimates for a
/// perfect-information model on the maps"), as the (low, high) σ in dex a model can at best
/// reach given what it reads: colour (g and r) or not, the physical scale (R_hsm) or not.
/// `None` where the design gives no estimate (e.g. light alone, the power law).
pub fn noise_floor(
    target: &str,
    has_colour: bool,
    has_kinematics: bool,
    has_scale: bool,
) -> Option<[f64; 2]> {
    match target {
        "mstar" | "mstar_2d" | "mstar_2r" | "mstar_2d_2r" | "ml_r" if has_kinematics => {
            Some(if has_colour {
                [0.030, 0.035]
            } else {
                [0.06, 0.07]
            })
        }
        "mtot" | "mtot_2r" if has_kinematics => Some(if has_scale {
            [0.035, 0.035]
        } else {
            [0.06, 0.08]
        }),
        "mdm" if has_kinematics => Some(if has_scale {
            [0.035, 0.035]
        } else {
            [0.10, 0.13]
        }),
        "fstar" | "fdm" | "fdm_derived" if has_kinematics => Some(if has_scale {
            [0.02, 0.02]
        } else {
            [0.05, 0.06]
        }),
        _ => None,
    }
}

/// The paper's power-law baseline σ for M* on L (Fig. 6 bottom), dex.
pub const POWER_LAW_MSTAR_SIGMA: f64 = 0.16;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of DIGEST.md's Table 4 is in the grid once: 16 trainings (the joint one
    /// reports three rows) plus the two resolution rows and our two beyond the paper (no
    /// paper numbers), ids unique.
    #[test]
    fn grid_covers_table4_and_table6() {
        let rows = cnn_rows();
        assert_eq!(rows.len(), 20);
        let reported: usize = rows.iter().map(|r| r.paper.len()).sum();
        assert_eq!(reported, 20);
        assert!(BEYOND.iter().all(|r| r.paper.is_empty()));
        for ids in [
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            TABLE6.iter().map(|r| r.id).collect(),
        ] {
            let mut u = ids.clone();
            u.sort_unstable();
            u.dedup();
            assert_eq!(u.len(), ids.len());
        }
        for r in TABLE4.iter().chain(&RESOLUTION) {
            assert_eq!(
                r.paper.len(),
                r.targets.len() + usize::from(r.targets.len() == 2)
            );
        }
    }
}
