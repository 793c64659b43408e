//! Errors of the TNG cutout reader and writer. Every reader error is bad input: its message
//! names the file and the field (group/dataset or attribute) and says what is wrong.

use thiserror::Error;

/// A cutout file that cannot be used: missing, unreadable, incomplete or with invalid values.
#[derive(Debug, Error)]
pub enum TngError {
    /// The file does not exist or is not an HDF5 file.
    #[error("{file}: cannot open as an HDF5 file: {reason}")]
    Open {
        /// The file's path as given.
        file: String,
        /// Why it could not be opened.
        reason: String,
    },
    /// A required group, dataset or attribute is absent.
    #[error("{file}: missing {field}")]
    Missing {
        /// The file's path as given.
        file: String,
        /// The HDF5 path of the field (e.g. `PartType4/Masses`, `Header.Time`).
        field: String,
    },
    /// A field exists but its shape, type or values are unusable.
    #[error("{file}: {field}: {reason}")]
    Invalid {
        /// The file's path as given.
        file: String,
        /// The HDF5 path of the field.
        field: String,
        /// What is wrong with it (the offending value where there is one).
        reason: String,
    },
    /// The cutout contains no star particle (no PartType4 entry with a formation time > 0).
    #[error(
        "{file}: PartType4/GFM_StellarFormationTime: no star particles (every entry ≤ 0 or none)"
    )]
    NoStars {
        /// The file's path as given.
        file: String,
    },
    /// The centre catalogue is missing, malformed or has no row for the galaxy.
    #[error("{file}: {reason}")]
    Catalog {
        /// The catalogue's path as given.
        file: String,
        /// What is wrong (column, row, value).
        reason: String,
    },
}

/// Failure while writing a cutout (an I/O or HDF5 library problem, not bad input).
#[derive(Debug, Error)]
#[error("{file}: cannot write {field}: {reason}")]
pub struct WriteError {
    /// The file being written.
    pub file: String,
    /// The field being written when it failed.
    pub field: String,
    /// The underlying error.
    pub reason: String,
}
