//! The dataset file (docs/contracts/dataset.md, a contract): one HDF5 file of galaxy
//! projections with their physical maps, targets, features and metadata, readable by h5py.
//!
//! - [`schema`]: dataset names, the schema version and the row layout of targets/features;
//! - [`split`]: the seeded train/validation/test assignment (16000:4000:8110 as in the paper);
//! - [`sample`]: one galaxy projection as written, and how a measured and observed galaxy
//!   becomes samples;
//! - [`writer`]: the streaming writer (resizable chunked datasets, one sample per map chunk,
//!   temporary `.partial` name renamed when complete);
//! - [`storage`]: f16 (shuffle + deflate, `scale_factor`) or f32 maps, and reading a
//!   sample's map back as physical f32 whatever the storage;
//! - [`reader`]: opening a file, checking its schema, reading columns and samples;
//! - [`mod@build`]: the parallel generate/read → measure → observe → append pipeline;
//! - [`mod@merge`]: shards → one file sorted by (galaxy_id, projection).
//! - [`mod@info`]: the summary shown by `galmass dataset info`.

pub mod build;
pub mod examples;
pub mod info;
pub mod merge;
pub mod reader;
pub mod sample;
pub mod schema;
pub mod split;
pub mod storage;
pub mod writer;

pub use build::{BuildReport, GalaxySource, Skipped, build};
pub use info::{Info, Range, info, iso8601_utc};
pub use merge::merge;
pub use reader::{DatasetReader, FileAttrs};
pub use sample::{Sample, SampleOptions, samples_of};
pub use schema::{FEATURE_NAMES, SCHEMA, TARGET_NAMES};
pub use split::{Split, SplitBy, assign_split};
pub use storage::{MapDtype, MapStorage, read_map};
pub use writer::{DatasetWriter, ShardAttrs, WriteAttrs, partial_path};
