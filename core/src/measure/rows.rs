//! Targets and features as rows: the fixed order and names the dataset file, the GBDT
//! bundles and the web app share (docs/contracts/dataset.md "Dataset file").

use super::{Features, Targets};

/// Names of the targets (the dataset's `/targets` datasets, all log10, f64), in row order.
pub const TARGET_NAMES: [&str; 10] = [
    "mstar",
    "mtot",
    "mdm",
    "fstar",
    "fdm",
    "ml_r",
    "mstar_2d",
    "mstar_2r",
    "mtot_2r",
    "mstar_2d_2r",
];

/// Names of the GBDT features (the dataset's `/features` datasets, f64), in row order.
pub const FEATURE_NAMES: [&str; 10] = [
    "mr", "g_r", "sfr", "n_ser", "c_over_a", "sigma_v", "lambda_r", "bt", "f_cold", "f_hot",
];

/// The targets of one projection in the order of [`TARGET_NAMES`].
pub fn targets_row(t: &Targets) -> [f64; 10] {
    [
        t.mstar,
        t.mtot,
        t.mdm,
        t.fstar,
        t.fdm,
        t.ml_r,
        t.mstar_2d,
        t.mstar_2r,
        t.mtot_2r,
        t.mstar_2d_2r,
    ]
}

/// The features of one projection in the order of [`FEATURE_NAMES`].
pub fn features_row(f: &Features) -> [f64; 10] {
    [
        f.mr, f.g_r, f.sfr, f.n_ser, f.c_over_a, f.sigma_v, f.lambda_r, f.bt, f.f_cold, f.f_hot,
    ]
}

/// The features of one projection by name, for the GBDT bundles
/// ([`crate::bundle::gbdt_predict_one`] reads them by name).
pub fn named_features(f: &Features) -> Vec<(String, f64)> {
    FEATURE_NAMES
        .iter()
        .zip(features_row(f))
        .map(|(n, v)| (n.to_string(), v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The row order follows the struct fields one to one (names as in serde).
    #[test]
    fn rows_follow_the_names() {
        let t = Targets {
            mstar: 0.0,
            mtot: 1.0,
            mdm: 2.0,
            fstar: 3.0,
            fdm: 4.0,
            ml_r: 5.0,
            mstar_2d: 6.0,
            mstar_2r: 7.0,
            mtot_2r: 8.0,
            mstar_2d_2r: 9.0,
        };
        let v = serde_json::to_value(t).unwrap();
        for (k, (name, x)) in TARGET_NAMES.iter().zip(targets_row(&t)).enumerate() {
            assert_eq!(v[name].as_f64(), Some(x), "{name}");
            assert_eq!(x, k as f64);
        }
        let f = Features {
            mr: 0.0,
            g_r: 1.0,
            sfr: 2.0,
            n_ser: 3.0,
            c_over_a: 4.0,
            sigma_v: 5.0,
            lambda_r: 6.0,
            bt: 7.0,
            f_cold: 8.0,
            f_hot: 9.0,
        };
        let v = serde_json::to_value(f).unwrap();
        for (k, (name, x)) in FEATURE_NAMES.iter().zip(features_row(&f)).enumerate() {
            assert_eq!(v[name].as_f64(), Some(x), "{name}");
            assert_eq!(x, k as f64);
        }
    }
}
