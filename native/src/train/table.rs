//! The GBDT's tabular view of a dataset file: one row per galaxy projection with the
//! chosen summary features (Table 1 of the paper) and one target, split into training
//! (train + validation splits, as the paper has no validation set for the GBDT) and test,
//! after the paper's quality cut (Sérsic n ≤ 100 and kinetic B/T ≤ 1).

use std::path::Path;

use anyhow::Result;

use crate::BadInput;
use crate::dataset::{DatasetReader, FEATURE_NAMES, TARGET_NAMES};

/// Which features the model sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeatureSet {
    /// The ten summary features of Table 1 (`mr g_r sfr n_ser c_over_a sigma_v lambda_r bt
    /// f_cold f_hot`).
    Default,
    /// Table 1 without the absolute magnitude `mr` (Table 6, "without Mr").
    NoMr,
    /// Every dataset under `/features` of the file, in the file's (alphabetical) order.
    All,
    /// The ten of Table 1 plus log10 R_hsm ([`LOG_RHSM`]): what the CNNs with the side
    /// input are given (beyond the paper).
    WithRhsm,
    /// Named datasets under `/features` (a comma-separated list on the command line), and
    /// [`LOG_RHSM`].
    Named(Vec<String>),
}

/// The pseudo-feature log10(R_hsm / kpc), read from `/meta/rhsm_kpc` (not a `/features`
/// dataset): the galaxy's size, which the paper's GBDT is not given.
pub use crate::dataset::schema::LOG_RHSM;

impl FeatureSet {
    /// The names accepted on the command line.
    pub const NAMES: [&'static str; 4] = ["default", "no-mr", "all", "default+log_rhsm"];

    /// Parses `default`, `no-mr`, `all` or a comma-separated list of feature names
    /// (checked against the file by [`load`]); `None` for an empty list.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "default" => Some(Self::Default),
            "no-mr" => Some(Self::NoMr),
            "all" => Some(Self::All),
            "default+log_rhsm" => Some(Self::WithRhsm),
            list => {
                let names: Vec<String> = list
                    .split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect();
                (!names.is_empty()).then_some(Self::Named(names))
            }
        }
    }

    /// The command-line name (the list joined by commas for [`FeatureSet::Named`]).
    pub fn name(&self) -> String {
        match self {
            Self::Default => "default".into(),
            Self::NoMr => "no-mr".into(),
            Self::All => "all".into(),
            Self::WithRhsm => "default+log_rhsm".into(),
            Self::Named(v) => v.join(","),
        }
    }
}

/// Star formation rates are stored linear (M☉/yr, may be 0); models see
/// log10(sfr + `SFR_FLOOR`) (docs/contracts/dataset.md).
pub const SFR_FLOOR: f64 = 1e-3;

/// The value a model sees for feature `name` stored as `v`: log10(v + 10⁻³) for `sfr`, the
/// stored value otherwise.
pub fn model_input(name: &str, v: f64) -> f64 {
    if name == "sfr" {
        (v + SFR_FLOOR).log10()
    } else {
        v
    }
}

/// The quality cut of the paper (Section 2.3): rows with Sérsic index `n_ser` > 100 or
/// kinetic bulge-to-total ratio `bt` > 1 are excluded.
pub fn passes_quality_cut(n_ser: f64, bt: f64) -> bool {
    !(n_ser > 100.0 || bt > 1.0)
}

/// Rows of one split: row-major features (`len × n_features`), labels and the file row
/// each came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// Features, row-major, model inputs (see [`model_input`]).
    pub x: Vec<f64>,
    /// Target values (log10, dex).
    pub y: Vec<f64>,
    /// Index of each row in the file.
    pub file_row: Vec<usize>,
}

impl Rows {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// A dataset file as a GBDT table.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Target name (a dataset under `/targets`).
    pub target: String,
    /// Feature names, one per column.
    pub features: Vec<String>,
    /// Training rows: splits 0 (train) and 1 (validation).
    pub train: Rows,
    /// Test rows: split 2.
    pub test: Rows,
    /// Rows in the file.
    pub n_file: usize,
    /// Rows removed by the quality cut ([`passes_quality_cut`]).
    pub n_cut: usize,
}

/// Names of the datasets under `/features` of the open file, sorted.
fn feature_columns(r: &DatasetReader) -> Result<Vec<String>> {
    let file = hdf5::File::open(r.path())?;
    let mut names = file.group("features")?.member_names()?;
    names.sort();
    Ok(names)
}

/// Reads `target` and the features of `set` from the dataset file at `path`, applies the
/// quality cut and splits the rows. Bad input (exit 2, naming file and field): unknown
/// target or feature (the message lists the valid ones), a non-finite target or feature
/// value, an empty training or test split.
pub fn load(path: &Path, target: &str, set: &FeatureSet) -> Result<Table> {
    let r = DatasetReader::open(path)?;
    let file = path.display().to_string();
    if !TARGET_NAMES.contains(&target) {
        return Err(BadInput(format!(
            "{file}: unknown target `{target}`; valid targets: {}",
            TARGET_NAMES.join(", ")
        ))
        .into());
    }
    let features: Vec<String> = match set {
        FeatureSet::Default => FEATURE_NAMES.iter().map(|s| s.to_string()).collect(),
        FeatureSet::NoMr => FEATURE_NAMES
            .iter()
            .filter(|&&s| s != "mr")
            .map(|s| s.to_string())
            .collect(),
        FeatureSet::All => feature_columns(&r)?,
        FeatureSet::WithRhsm => FEATURE_NAMES
            .iter()
            .copied()
            .chain([LOG_RHSM])
            .map(String::from)
            .collect(),
        FeatureSet::Named(list) => {
            let mut valid = feature_columns(&r)?;
            valid.push(LOG_RHSM.to_string());
            if let Some(bad) = list.iter().find(|n| !valid.contains(n)) {
                return Err(BadInput(format!(
                    "{file}: unknown feature `{bad}`; valid features: {} (or a set: {})",
                    valid.join(", "),
                    FeatureSet::NAMES.join(", ")
                ))
                .into());
            }
            if let Some(dup) = list
                .iter()
                .enumerate()
                .find(|(i, n)| list[..*i].contains(n))
            {
                return Err(BadInput(format!("--features: `{}` is listed twice", dup.1)).into());
            }
            list.clone()
        }
    };
    let n = r.len();
    let y: Vec<f64> = r.column(&format!("targets/{target}"))?;
    if let Some(i) = y.iter().position(|v| !v.is_finite()) {
        let bad = y.iter().filter(|v| !v.is_finite()).count();
        return Err(BadInput(format!(
            "{file}: /targets/{target}: {bad} non-finite value(s), first at row {i} ({})",
            y[i]
        ))
        .into());
    }
    let mut cols: Vec<Vec<f64>> = Vec::with_capacity(features.len());
    for name in &features {
        let c: Vec<f64> = r.feature_column(name)?;
        if c.len() != n {
            return Err(BadInput(format!(
                "{file}: /features/{name}: {} values, expected {n}",
                c.len()
            ))
            .into());
        }
        cols.push(c.iter().map(|&v| model_input(name, v)).collect());
    }
    let n_ser: Vec<f64> = r.column("features/n_ser")?;
    let bt: Vec<f64> = r.column("features/bt")?;
    let split: Vec<u8> = r.column("meta/split")?;

    let mut train = Rows::default();
    let mut test = Rows::default();
    let mut n_cut = 0;
    for i in 0..n {
        if !passes_quality_cut(n_ser[i], bt[i]) {
            n_cut += 1;
            continue;
        }
        let rows = match split[i] {
            0 | 1 => &mut train,
            2 => &mut test,
            s => {
                return Err(BadInput(format!(
                    "{file}: /meta/split: row {i} has split {s}, expected 0, 1 or 2"
                ))
                .into());
            }
        };
        for (c, name) in cols.iter().zip(&features) {
            if !c[i].is_finite() {
                return Err(BadInput(format!(
                    "{file}: /features/{name}: row {i} is not finite ({}); the GBDT needs \
                     finite features",
                    c[i]
                ))
                .into());
            }
            rows.x.push(c[i]);
        }
        rows.y.push(y[i]);
        rows.file_row.push(i);
    }
    for (rows, what) in [(&train, "training (splits 0+1)"), (&test, "test (split 2)")] {
        if rows.is_empty() {
            return Err(BadInput(format!(
                "{file}: /meta/split: the {what} split is empty after the quality cut \
                 ({n} rows in the file, {n_cut} cut)"
            ))
            .into());
        }
    }
    Ok(Table {
        target: target.to_string(),
        features,
        train,
        test,
        n_file: n,
        n_cut,
    })
}

/// Columns for the correlation matrix (Fig. 10): the model inputs of the ten Table 1
/// features and the six Table 6 targets over the rows passing the quality cut (all
/// splits). Returns (names, columns).
pub fn correlation_columns(path: &Path) -> Result<(Vec<String>, Vec<Vec<f64>>)> {
    let r = DatasetReader::open(path)?;
    let n_ser: Vec<f64> = r.column("features/n_ser")?;
    let bt: Vec<f64> = r.column("features/bt")?;
    let keep: Vec<bool> = n_ser
        .iter()
        .zip(&bt)
        .map(|(&n, &b)| passes_quality_cut(n, b))
        .collect();
    let mut names = Vec::new();
    let mut cols = Vec::new();
    let groups = FEATURE_NAMES
        .iter()
        .map(|f| ("features", *f))
        .chain(TABLE6_TARGETS.iter().map(|t| ("targets", *t)));
    for (group, name) in groups {
        let c: Vec<f64> = r.column(&format!("{group}/{name}"))?;
        cols.push(
            c.iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(&v, _)| model_input(name, v))
                .collect(),
        );
        names.push(name.to_string());
    }
    Ok((names, cols))
}

/// The targets of the paper's Table 6 (GBDT): M*, M_DM, M_tot, f*, f_DM, M*/L.
pub const TABLE6_TARGETS: [&str; 6] = ["mstar", "mdm", "mtot", "fstar", "fdm", "ml_r"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_cut_is_the_papers() {
        assert!(passes_quality_cut(100.0, 1.0));
        assert!(!passes_quality_cut(100.5, 0.2));
        assert!(!passes_quality_cut(4.0, 1.01));
    }

    #[test]
    fn sfr_is_logged_with_its_floor() {
        assert!((model_input("sfr", 0.0) + 3.0).abs() < 1e-15);
        assert!((model_input("sfr", 9.999) - 1.0).abs() < 1e-15);
        assert_eq!(model_input("mr", -21.5), -21.5);
    }

    #[test]
    fn feature_set_names_round_trip() {
        for n in FeatureSet::NAMES {
            assert_eq!(FeatureSet::parse(n).unwrap().name(), n);
        }
        assert_eq!(
            FeatureSet::parse("mr, sigma_v"),
            Some(FeatureSet::Named(vec!["mr".into(), "sigma_v".into()]))
        );
        assert!(FeatureSet::parse(" , ").is_none());
    }
}
