//! `report/` (docs/contracts/reports.md "Reports", **contract**): `report.json` — `rows` of
//! `{model, inputs, target, split, n_test, mean_dex, sigma_dex}` (plus the grid row `id` and
//! the paper's numbers), `baselines` (power law M*–L) and `importance` per GBDT target —
//! and `report.md`, the same as tables beside the paper's numbers, with the checks of the
//! paper's ordering.

pub mod cross_physics;
pub mod degradation;
pub mod grid;
mod markdown;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use markdown::render;

use crate::evaluate::{PowerLaw, ReportRow};

/// A report row: the contract's keys, and where it comes from in the paper.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The grid row (`r_vel-mstar`, …) or GBDT run id.
    pub id: String,
    /// The contract's keys.
    #[serde(flatten)]
    pub row: ReportRow,
    /// The paper's mean (dex), when it quotes one.
    pub paper_mean_dex: Option<f64>,
    /// The paper's σ (dex).
    pub paper_sigma_dex: Option<f64>,
    /// Light-map side the CNN read (px); `None` for the GBDT.
    pub image_size: Option<usize>,
    /// Training wall time, seconds.
    pub train_seconds: f64,
    /// The generator's noise floor for what the row reads (`grid::noise_floor`), low and
    /// high σ in dex; absent where the design gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_dex: Option<[f64; 2]>,
}

/// Standard error of a σ measured on n samples, σ / √(2(n − 1)) (normal residuals).
pub fn sigma_se(sigma: f64, n: usize) -> f64 {
    sigma / (2.0 * (n.max(2) - 1) as f64).sqrt()
}

/// One check of the paper's ordering of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Check {
    /// The claim, in words.
    pub claim: String,
    /// Whether our numbers follow it (`None`: a row it needs was not run).
    pub holds: Option<bool>,
    /// The numbers behind it.
    pub detail: String,
}

/// How the grid was run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// `quick` or `paper`.
    pub scale: String,
    /// Dataset file.
    pub data: String,
    /// Galaxies in it (when built here).
    pub galaxies: Option<u64>,
    /// Light-map side of the main CNN rows (px).
    pub image_size: usize,
    /// Width multiplier w of the ResNet-18 branches.
    pub width: f64,
    /// Epochs per CNN.
    pub epochs: usize,
    /// Batch size.
    pub batch: usize,
    /// Adam's base learning rate.
    pub lr: f64,
    /// Device label of the CNN runs.
    pub device: String,
    /// Whether the CNNs had the log10(R_hsm/kpc) side input.
    pub side_input: bool,
    /// Whether the CNN training maps were augmented (random rotations/reflections).
    pub augment: bool,
    /// Wall time of the whole run, seconds.
    pub wall_seconds: f64,
}

/// `report.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// How it was run.
    pub settings: Settings,
    /// Table 4 (CNN) then Table 6 (GBDT) rows.
    pub rows: Vec<Row>,
    /// Power-law baselines.
    pub baselines: Vec<PowerLaw>,
    /// Per GBDT run id: feature → share of the total gain.
    pub importance: BTreeMap<String, BTreeMap<String, f64>>,
    /// The paper's ordering, checked on our rows.
    pub checks: Vec<Check>,
    /// The commands that made each row (re-run one by copying it).
    pub commands: Vec<String>,
}

impl Report {
    /// The σ of row `id`, target `target`.
    pub fn sigma(&self, id: &str, target: &str) -> Option<f64> {
        self.sigma_se(id, target).map(|(s, _)| s)
    }

    /// The σ of row `id`, target `target`, and its standard error.
    pub fn sigma_se(&self, id: &str, target: &str) -> Option<(f64, f64)> {
        self.rows
            .iter()
            .find(|r| r.id == id && r.row.target == target)
            .map(|r| (r.row.sigma_dex, sigma_se(r.row.sigma_dex, r.row.n_test)))
    }

    /// Whether σ `a` is below σ `b` by more than their combined standard error
    /// √(se_a² + se_b²), with the numbers in words; `None` when a row was not run.
    fn below(a: Option<(f64, f64)>, b: Option<(f64, f64)>) -> (Option<bool>, String) {
        let fmt = |v: Option<(f64, f64)>| {
            v.map_or("not run".to_string(), |(s, e)| format!("{s:.3} ± {e:.3}"))
        };
        let holds = a.zip(b).map(|((sa, ea), (sb, eb))| sa + ea.hypot(eb) < sb);
        (holds, format!("σ = {} < {} dex", fmt(a), fmt(b)))
    }

    /// Checks the paper's ordering: for M*, the CNN with colour (g, r + vel) < GBDT < power
    /// law; for Mtot, the CNN (r + vel, with R_hsm) below the GBDT given R_hsm too; Mtot
    /// harder than M* for each input set; g,r(+vel) best for M*/L. "<" holds only by more
    /// than the combined standard error of the two σ's.
    pub fn ordering_checks(&self) -> Vec<Check> {
        let fmt = |v: Option<f64>| v.map_or("not run".to_string(), |s| format!("{s:.3}"));
        let mut out = Vec::new();
        let cnn = self
            .sigma_se("rg_vel-mstar_mtot", "mstar")
            .or_else(|| self.sigma_se("g_r_vel-mstar", "mstar"));
        let gbdt = self.sigma_se("gbdt-mstar", "mstar");
        let pl = self
            .baselines
            .iter()
            .find(|b| b.target == "mstar")
            .map(|b| (b.sigma_dex, sigma_se(b.sigma_dex, b.n_test)));
        let (h1, d1) = Self::below(cnn, gbdt);
        let (h2, d2) = Self::below(gbdt, pl);
        out.push(Check {
            claim: "M*: CNN (g, r + vel) < GBDT < power law on L".into(),
            holds: h1.zip(h2).map(|(a, b)| a && b),
            detail: format!("{d1}; {d2}"),
        });
        let (holds, detail) = Self::below(
            self.sigma_se("r_vel-mtot", "mtot"),
            self.sigma_se("gbdt-mtot-log_rhsm", "mtot"),
        );
        out.push(Check {
            claim: "Mtot: CNN (r + vel, R_hsm) < GBDT (10 features + log R_hsm), like with like"
                .into(),
            holds,
            detail,
        });
        for inputs in ["r", "g_r", "vel", "r_vel"] {
            let ms = self.sigma_se(&format!("{inputs}-mstar"), "mstar");
            let mt = self.sigma_se(&format!("{inputs}-mtot"), "mtot");
            let (holds, detail) = Self::below(ms, mt);
            out.push(Check {
                claim: format!("Mtot harder than M* ({})", inputs.replace('_', ",")),
                holds,
                detail: format!("M*, Mtot: {detail}"),
            });
        }
        let ml: Vec<(&str, Option<f64>)> = [
            "r-ml_r",
            "vel-ml_r",
            "r_vel-ml_r",
            "g_r-ml_r",
            "g_r_vel-ml_r",
        ]
        .iter()
        .map(|id| (*id, self.sigma(id, "ml_r")))
        .collect();
        let best = ml
            .iter()
            .filter_map(|(id, s)| s.map(|s| (*id, s)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        out.push(Check {
            claim: "M*/L: g,r (+ vel) inputs are best".into(),
            holds: if ml.iter().all(|(_, s)| s.is_some()) {
                best.map(|(id, _)| id.starts_with("g_r"))
            } else {
                None
            },
            detail: ml
                .iter()
                .map(|(id, s)| {
                    format!(
                        "{} {}",
                        id.trim_end_matches("-ml_r").replace('_', ","),
                        fmt(*s)
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        });
        out
    }
}
