//! The cross-physics test of `galmass cross-physics` (issue 15; the paper's proposed next
//! step, Chu et al. 2024 §6: "test models trained on one simulation with another simulation
//! where different galaxy formation physics have been implemented"): the GBDT and the CNN
//! are trained on one physics variant of the mock (or on TNG cutouts) and scored on the test
//! split of every other, beside the same-physics score. `cross_physics.json` (**contract**,
//! docs/contracts/reports.md) and `cross_physics.md`.

use serde::{Deserialize, Serialize};

use super::grid::noise_floor_text;

/// A physics variant of the study: the mock dataset `data/<id>.h5` built with `flags`
/// (the models are `models/{cnn,gbdt}-<id>`).
pub type Physics = super::degradation::Condition;

/// The variants the study knows by name (docs/galaxy-model.md "Physics variants").
pub const PHYSICS: [Physics; 7] = [
    Physics {
        id: "default",
        flags: &[],
        words: "the default mock (the spec's stand-in for TNG100)",
    },
    Physics {
        id: "ml-scatter",
        flags: &["--physics", "ml-scatter"],
        words: "M/L scatter at fixed colour",
    },
    Physics {
        id: "halo-scatter",
        flags: &["--physics", "halo-scatter"],
        words: "scatter in the halo's response to the baryons",
    },
    Physics {
        id: "uncontracted",
        flags: &["--physics", "uncontracted"],
        words: "no halo contraction (uncontracted NFW)",
    },
    Physics {
        id: "tng-sizes",
        flags: &["--physics", "tng-sizes"],
        words: "galaxies on TNG100's size–mass relation",
    },
    Physics {
        id: "hard",
        flags: &["--physics", "hard"],
        words: "all the harder physics at once",
    },
    Physics {
        id: "gas-column-dust",
        flags: &["--dust", "gas-column", "--n-gas", "50000"],
        words: "dust from the gas particles' column (as for TNG) instead of the slab",
    },
];

/// The variants run unless `--variants` says otherwise.
pub const DEFAULT_VARIANTS: [&str; 4] = ["default", "ml-scatter", "uncontracted", "tng-sizes"];

/// The models: (id, in words).
pub const MODELS: [(&str, &str); 2] = [
    (
        "gbdt",
        "GBDT, the paper's 10 features + log10 R_hsm (the paper's method + our scale feature)",
    ),
    (
        "cnn",
        "CNN, r- and g-band light + kinematics + log10 R_hsm (the paper's method + side input)",
    ),
];

/// The targets of the study.
pub const TARGETS: [&str; 2] = ["mstar", "mtot"];

/// One cell: a model trained on `train` scored on the test split of `test`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossRow {
    /// Variant the model was trained on.
    pub train: String,
    /// Variant whose test split it was scored on.
    pub test: String,
    /// `gbdt` or `cnn`.
    pub model: String,
    /// `mstar` or `mtot`.
    pub target: String,
    /// Test samples.
    pub n_test: usize,
    /// Mean of log10(pred/true), dex.
    pub mean_dex: f64,
    /// Standard deviation of log10(pred/true), dex.
    pub sigma_dex: f64,
}

/// How the study was run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossSettings {
    /// The variants, in order (ids of [`PHYSICS`] or of `--dataset NAME=FILE`).
    pub variants: Vec<String>,
    /// Each variant in words.
    pub words: Vec<String>,
    /// Mock galaxies per dataset.
    pub galaxies: u64,
    /// Seed of the samples, the split and the models.
    pub seed: u64,
    /// Light-map side (px).
    pub image_size: usize,
    /// CNN epochs.
    pub epochs: usize,
    /// CNN width multiplier.
    pub width: f64,
    /// Wall time of the run (s), reused steps at zero cost.
    pub wall_seconds: f64,
}

/// `cross_physics.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossPhysics {
    /// How it was run.
    pub settings: CrossSettings,
    /// One per train variant × test variant × model × target.
    pub rows: Vec<CrossRow>,
    /// The commands that made it, in order.
    pub commands: Vec<String>,
}

impl CrossPhysics {
    /// The row of (train, test, model, target).
    pub fn get(&self, train: &str, test: &str, model: &str, target: &str) -> Option<&CrossRow> {
        self.rows
            .iter()
            .find(|r| r.train == train && r.test == test && r.model == model && r.target == target)
    }

    /// σ of the model trained on `train` and tested on `test` over σ of the model trained
    /// on `test` itself (same physics): how much the change of physics costs.
    pub fn sigma_ratio(&self, train: &str, test: &str, model: &str, target: &str) -> Option<f64> {
        let cross = self.get(train, test, model, target)?.sigma_dex;
        let same = self.get(test, test, model, target)?.sigma_dex;
        Some(cross / same)
    }

    /// The tables in Markdown: per model and target, trained-on rows × tested-on columns,
    /// bias / σ in each cell, the same-physics diagonal in bold.
    pub fn render(&self) -> String {
        let s = &self.settings;
        let mut out = format!(
            "# Cross-physics test (beyond the paper: its proposed next step)\n\n\
             Chu et al. (2024, §6, Discussion) propose to \"test models trained on one simulation with \
             another simulation where different galaxy formation physics have been \
             implemented\". Here each model is trained on one physics variant of our mock and \
             scored on the test split of every variant: {} galaxies × 3 projections per \
             variant, the same seed ({}) and split, {}² light maps on ±3 R_hsm; CNN w = {}, \
             {} epochs. Cells are bias / σ of log10(pred/true) in dex; the diagonal (bold) is \
             same-physics. A column read down shows what a change of physics costs on that \
             variant's galaxies.\n\nVariants:\n\n",
            s.galaxies, s.seed, s.image_size, s.width, s.epochs
        );
        for (v, w) in s.variants.iter().zip(&s.words) {
            out.push_str(&format!("- `{v}`: {w}\n"));
        }
        for (model, words) in MODELS {
            for t in TARGETS {
                out.push_str(&self.table(model, words, t));
            }
        }
        out.push_str("\n## Commands\n\n```sh\n");
        for c in &self.commands {
            out.push_str(c);
            out.push('\n');
        }
        out.push_str("```\n");
        out
    }

    /// One table: `model` on `target`.
    fn table(&self, model: &str, words: &str, target: &str) -> String {
        let vs = &self.settings.variants;
        let name = if target == "mstar" { "M*" } else { "Mtot" };
        let floor = noise_floor_text(target);
        let mut out = format!(
            "\n## {name}: {words}\n\nNoise floor of the default mock (docs/galaxy-model.md §7): \
             {floor} dex.\n\n| trained on ↓ / tested on → | {} |\n|---|{}\n",
            vs.join(" | "),
            "---|".repeat(vs.len())
        );
        for a in vs {
            let cells: Vec<String> = vs
                .iter()
                .map(|b| match self.get(a, b, model, target) {
                    Some(r) if a == b => format!("**{:+.3} / {:.3}**", r.mean_dex, r.sigma_dex),
                    Some(r) => format!("{:+.3} / {:.3}", r.mean_dex, r.sigma_dex),
                    None => "—".into(),
                })
                .collect();
            out.push_str(&format!("| {a} | {} |\n", cells.join(" | ")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(a: &str, b: &str, m: &str, t: &str, s: f64) -> CrossRow {
        CrossRow {
            train: a.into(),
            test: b.into(),
            model: m.into(),
            target: t.into(),
            n_test: 10,
            mean_dex: 0.01,
            sigma_dex: s,
        }
    }

    /// The cost ratio divides by the same-physics model on the test variant, and each table
    /// has one line per trained-on variant with every cell filled.
    #[test]
    fn ratio_and_tables() {
        let vs = ["default", "ml-scatter"];
        let mut rows = Vec::new();
        for a in vs {
            for b in vs {
                for (m, _) in MODELS {
                    for t in TARGETS {
                        let s = if a == b { 0.05 } else { 0.08 };
                        rows.push(row(a, b, m, t, s));
                    }
                }
            }
        }
        let c = CrossPhysics {
            settings: CrossSettings {
                variants: vs.map(String::from).to_vec(),
                words: vec!["a".into(), "b".into()],
                galaxies: 1,
                seed: 1,
                image_size: 60,
                epochs: 1,
                width: 0.125,
                wall_seconds: 0.0,
            },
            rows,
            commands: vec!["galmass x".into()],
        };
        let r = c
            .sigma_ratio("default", "ml-scatter", "cnn", "mstar")
            .unwrap();
        assert!((r - 1.6).abs() < 1e-12);
        let md = c.render();
        let rows_default = md
            .lines()
            .filter(|l| l.starts_with("| default | ") && !l.contains("ml-scatter"))
            .count();
        assert_eq!(rows_default, 4, "{md}");
        assert_eq!(md.matches("**+0.010 / 0.050**").count(), 8, "{md}");
        assert!(!md.contains('—'), "{md}");
    }
}
