//! The model bundle: one file per exported model (**contract**, docs/contracts/bundle.md),
//! read from bytes on native and wasm32.
//!
//! Layout (all integers little-endian):
//! ```text
//! offset      size  field
//! 0           8     magic  b"GALMASS\0"
//! 8           4     u32 format version (FORMAT_VERSION = 1)
//! 12          8     u64 manifest length L
//! 20          L     manifest, UTF-8 JSON (manifest::Manifest, schema "galmass-bundle/1")
//! 20+L        8     u64 payload length P
//! 28+L        P     payload (opaque: a Burn record for a CNN, JSON of GBDT models for a GBDT)
//! 28+L+P      4     u32 CRC-32 (IEEE, as zlib) of every preceding byte
//! ```
//! A reader checks, in this order: magic, version, the lengths against the bytes present
//! (truncated or trailing bytes), the checksum, then the manifest (JSON, schema,
//! self-consistency). Nothing is allocated from a declared length before it is known to be
//! present.

pub(crate) mod cnn;
pub mod cnn_input;
pub mod ensemble;
pub(crate) mod gbdt;
pub use gbdt::{gbdt_predict_one, gbdt_predict_one_with};
pub(crate) mod manifest;
pub mod probe;
pub mod weights;

pub use manifest::{
    FeatureSpec, FeatureTransform, InputSpec, Manifest, ModelKind, PayloadEncoding, PlaneKind,
    PlaneSpec, SCHEMA, SIDE_INPUT, TargetMetrics, TargetSpec, TrainingSummary,
};

use thiserror::Error;

/// First 8 bytes of every bundle.
pub const MAGIC: &[u8; 8] = b"GALMASS\0";
/// The bundle format version this galmass reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Bytes before the manifest: magic, version, manifest length.
const PREFIX: usize = 8 + 4 + 8;

/// Why a bundle cannot be read or used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BundleError {
    /// The first bytes are not `GALMASS\0`.
    #[error("not a galmass bundle (the file does not start with GALMASS)")]
    WrongMagic,
    /// Another format version.
    #[error(
        "bundle format {found}, this galmass reads {FORMAT_VERSION}: re-export it with this galmass \
         (galmass export --model DIR --out FILE) or open it with the galmass that wrote it"
    )]
    Version {
        /// Version in the file.
        found: u32,
    },
    /// The file ends before what its lengths declare.
    #[error("truncated bundle: {needed} bytes needed, {present} present (incomplete download?)")]
    Truncated {
        /// Bytes the lengths declare (so far).
        needed: u64,
        /// Bytes present.
        present: u64,
    },
    /// Bytes after the checksum.
    #[error("{extra} unexpected bytes after the end of the bundle")]
    TrailingBytes {
        /// How many.
        extra: u64,
    },
    /// The checksum does not match: the file was altered or damaged.
    #[error(
        "bundle checksum mismatch (stored {stored:08x}, computed {computed:08x}): the file is damaged"
    )]
    Checksum {
        /// CRC-32 stored in the file.
        stored: u32,
        /// CRC-32 of the bytes.
        computed: u32,
    },
    /// The manifest is not valid JSON of the expected structure.
    #[error("bundle manifest unreadable: {0}")]
    Manifest(String),
    /// The manifest's schema is another one.
    #[error("bundle manifest schema {found:?}, this galmass reads {SCHEMA:?}")]
    Schema {
        /// Schema found.
        found: String,
    },
    /// The manifest contradicts itself.
    #[error("bundle manifest invalid: {0}")]
    Invalid(String),
    /// The payload cannot be decoded.
    #[error("bundle payload unreadable: {0}")]
    Payload(String),
    /// One member of an ensemble (a file, or a bundled model) cannot be read.
    #[error("{name}: {source}")]
    Member {
        /// The member's name (its file).
        name: String,
        /// Why.
        source: Box<BundleError>,
    },
    /// The model is of another kind than the caller needs.
    #[error("this bundle holds a {found} model, not a {expected} model")]
    Kind {
        /// Kind needed.
        expected: &'static str,
        /// Kind in the bundle.
        found: &'static str,
    },
    /// A model input was not provided.
    #[error("the model needs input {name} with shape {needed:?}, which was not given")]
    MissingInput {
        /// Input name.
        name: String,
        /// Its shape.
        needed: Vec<usize>,
    },
    /// An input the model does not read.
    #[error("the model has no input {name}; its inputs are {expected:?}")]
    UnexpectedInput {
        /// Name given.
        name: String,
        /// The model's inputs.
        expected: Vec<String>,
    },
    /// Maps laid on another radius than the model learned (`telescope::MapScale`).
    #[error(
        "these maps cover ±3 {}, but the model learned maps on ±3 {}",
        maps.symbol(),
        model.symbol()
    )]
    Scale {
        /// The radius the given maps cover ±3 of.
        maps: crate::telescope::MapScale,
        /// The radius the model's training maps covered ±3 of.
        model: crate::telescope::MapScale,
    },
    /// An input of the wrong shape.
    #[error("input {name} has shape {found:?} but the model needs {needed:?}")]
    InputShape {
        /// Input name.
        name: String,
        /// Shape given.
        found: Vec<usize>,
        /// Shape needed.
        needed: Vec<usize>,
    },
    /// Feature columns differ from the model's.
    #[error("features {found:?} given, the model needs {needed:?} in this order")]
    Features {
        /// Names given.
        found: Vec<String>,
        /// Names needed.
        needed: Vec<String>,
    },
    /// A weight does not fit the payload encoding.
    #[error("weight {index} = {value} does not fit in f16 (|x| ≤ 65504, finite)")]
    WeightOutOfRange {
        /// Index in the array.
        index: usize,
        /// The value.
        value: f32,
    },
}

/// A model bundle: manifest and opaque payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Bundle {
    /// What the model is.
    pub manifest: Manifest,
    /// Weights (see [`Manifest::payload_encoding`]).
    pub payload: Vec<u8>,
}

fn read_u64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

impl Bundle {
    /// The bundle's bytes (layout in the module docs). Fails only if the manifest is
    /// invalid ([`Manifest::validate`]).
    pub fn to_bytes(&self) -> Result<Vec<u8>, BundleError> {
        self.manifest.validate()?;
        let json =
            serde_json::to_vec(&self.manifest).map_err(|e| BundleError::Manifest(e.to_string()))?;
        let mut out = Vec::with_capacity(PREFIX + json.len() + 8 + self.payload.len() + 4);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(json.len() as u64).to_le_bytes());
        out.extend_from_slice(&json);
        out.extend_from_slice(&(self.payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&self.payload);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        Ok(out)
    }

    /// Reads a bundle from bytes, checking magic, version, lengths, checksum and manifest
    /// (in that order; see [`BundleError`] for the messages).
    pub fn from_bytes(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let present = bytes.len() as u64;
        let k = bytes.len().min(8);
        if bytes[..k] != MAGIC[..k] {
            return Err(BundleError::WrongMagic);
        }
        if bytes.len() < 12 {
            return Err(BundleError::Truncated {
                needed: PREFIX as u64,
                present,
            });
        }
        let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if version != FORMAT_VERSION {
            return Err(BundleError::Version { found: version });
        }
        if bytes.len() < PREFIX {
            return Err(BundleError::Truncated {
                needed: PREFIX as u64,
                present,
            });
        }
        let mlen = read_u64(bytes, 12);
        let truncated = |needed: u64| BundleError::Truncated { needed, present };
        // Where the payload length sits; all sums checked (lengths come from the file).
        let plen_at = (PREFIX as u64)
            .checked_add(mlen)
            .ok_or(truncated(u64::MAX))?;
        let after_plen = plen_at.checked_add(8).ok_or(truncated(u64::MAX))?;
        if after_plen > present {
            return Err(truncated(after_plen.saturating_add(4)));
        }
        let plen = read_u64(bytes, plen_at as usize);
        let total = after_plen
            .checked_add(plen)
            .and_then(|t| t.checked_add(4))
            .ok_or(truncated(u64::MAX))?;
        if total > present {
            return Err(truncated(total));
        }
        if total < present {
            return Err(BundleError::TrailingBytes {
                extra: present - total,
            });
        }
        let body = &bytes[..bytes.len() - 4];
        let t = &bytes[bytes.len() - 4..];
        let stored = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
        let computed = crc32fast::hash(body);
        if stored != computed {
            return Err(BundleError::Checksum { stored, computed });
        }
        let manifest: Manifest = serde_json::from_slice(&bytes[PREFIX..plen_at as usize])
            .map_err(|e| BundleError::Manifest(e.to_string()))?;
        manifest.validate()?;
        Ok(Bundle {
            manifest,
            payload: bytes[after_plen as usize..body.len()].to_vec(),
        })
    }
}
