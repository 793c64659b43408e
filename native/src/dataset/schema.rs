//! Names and layout of the dataset file (ARCHITECTURE.md "Dataset file").

pub use galmass_core::measure::{FEATURE_NAMES, TARGET_NAMES, features_row, targets_row};

/// Value of the root attribute `schema`.
pub const SCHEMA: &str = "galmass-dataset/1";

/// Version string written to the root attribute `generator_version`.
pub const GENERATOR_VERSION: &str = concat!("galmass ", env!("CARGO_PKG_VERSION"));

/// Names of the datasets under `/meta`.
pub const META_NAMES: [&str; 4] = ["galaxy_id", "projection", "rhsm_kpc", "split"];
