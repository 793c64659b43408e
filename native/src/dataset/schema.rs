//! Names and layout of the dataset file (docs/contracts/dataset.md "Dataset file").

pub use galmass_core::measure::{FEATURE_NAMES, TARGET_NAMES, features_row, targets_row};

/// Value of the root attribute `schema` written by this program. Version 2 added f16 maps
/// with a `scale_factor` attribute (version 1: f32 maps, no scale).
pub const SCHEMA: &str = "galmass-dataset/2";

/// Schema versions this program reads.
pub const SCHEMAS_READ: [&str; 2] = ["galmass-dataset/1", SCHEMA];

/// Version string written to the root attribute `generator_version`.
pub const GENERATOR_VERSION: &str = concat!("galmass ", env!("CARGO_PKG_VERSION"));

/// Names of the datasets under `/meta`.
pub const META_NAMES: [&str; 4] = ["galaxy_id", "projection", "rhsm_kpc", "split"];

/// The derived feature log10 R_hsm (R_hsm in kpc, from `/meta/rhsm_kpc`): not stored under
/// `/features`, read by [`super::reader::DatasetReader::feature_column`].
pub const LOG_RHSM: &str = "log_rhsm";

/// Dust models by their code in `/meta/dust_model` (galaxy-model.md 2.8 and 5.4).
pub const DUST_MODELS: [&str; 3] = ["none", "analytic_slab", "gas_column"];

/// `/meta/dust_model` of files written before the column existed (2026-12-04): unknown.
pub const DUST_MODEL_UNKNOWN: u8 = 255;

/// Code in `/meta/dust_model` of the dust model that attenuated a galaxy's light.
pub fn dust_code(dust: &galmass_core::galaxy::Dust) -> u8 {
    use galmass_core::galaxy::Dust;
    match dust {
        Dust::None => 0,
        Dust::AnalyticSlab(_) => 1,
        Dust::GasColumn(_) => 2,
    }
}
