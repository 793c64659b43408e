//! Reading maps that people upload (FITS, NPY, PNG) from bytes, checking them before anything
//! is allocated, and bringing them to a model's grid. One code path for `galmass predict`
//! (native) and the web app (wasm32): every function takes `&[u8]` and returns owned maps.
//!
//! What a map must be (the dataset schema, docs/contracts/dataset.md):
//! * **light maps** (`r`, `g`): surface brightness in L☉ kpc⁻² of the band, one plane, square,
//!   covering 6 R_hsm × 6 R_hsm centred on the galaxy (galaxy-model.md 4.2); row = second image
//!   axis, column = first. A PNG holds only *relative brightness* (grey levels scaled to
//!   [0, 1]), not physical units: use it for shape-only models or for a look, never for masses
//!   that need the absolute luminosity.
//! * **kinematic maps** (`vel`): planes (mean line-of-sight velocity V, dispersion σ) in km/s
//!   and optionally a third plane, the mask (1 = valid pixel, 0 = empty), square, covering the
//!   same 6 R_hsm field (galaxy-model.md 4.3). Without a mask plane a pixel is valid when V ≠ 0
//!   or σ ≠ 0 (empty pixels of the dataset hold 0 in both).
//!
//! Array order: FITS NAXIS1 is the column (fast) axis and NAXIS2 the row; an NPY array of
//! shape (H, W) or (P, H, W) is read as rows of W values (C order; Fortran-order files are
//! transposed into this order). A numpy array written with `np.save` or with
//! `astropy.io.fits.writeto` therefore gives the same [`Map2d`]. PNG rows are flipped so that
//! row 0 is the *bottom* row of the picture, the FITS display convention (origin lower left).
//!
//! Modules: [`fits`], [`npy`], [`png`] (parsers), [`validate`] (limits, shapes, finiteness),
//! [`resample`] (flux-conserving light maps, masked means for kinematics), [`write`](mod@write) (FITS and
//! NPY files the parsers read back: example files, saliency maps).

pub(crate) mod fits;
pub(crate) mod npy;
pub(crate) mod png;
pub(crate) mod resample;
pub(crate) mod validate;
pub(crate) mod write;

pub use resample::{KinematicMaps, resample_flux, resample_kinematic, resample_surface_brightness};
pub use validate::{Limits, check_finite, check_kinematic_shape, check_light_shape};
pub use write::npy_f32;

use thiserror::Error;

/// File formats accepted for uploaded maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapFormat {
    /// FITS: primary HDU (or first IMAGE extension), BITPIX 8/16/32/−32/−64 with BSCALE/BZERO.
    Fits,
    /// NumPy `.npy` (format 1.0–3.0), numeric dtypes, either byte order, C or Fortran order.
    Npy,
    /// PNG, 8- or 16-bit grey or RGB(A), read as relative brightness in [0, 1].
    Png,
}

impl MapFormat {
    /// The format named by a file name's extension (`.fits`, `.fit`, `.fts`, `.npy`, `.png`,
    /// case-insensitive), or `None`.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "fits" | "fit" | "fts" => Some(MapFormat::Fits),
            "npy" => Some(MapFormat::Npy),
            "png" => Some(MapFormat::Png),
            _ => None,
        }
    }

    /// The format recognised from the first bytes (FITS `SIMPLE  =`, NPY `\x93NUMPY`, PNG
    /// signature), or `None`.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"SIMPLE  =") {
            Some(MapFormat::Fits)
        } else if bytes.starts_with(b"\x93NUMPY") {
            Some(MapFormat::Npy)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(MapFormat::Png)
        } else {
            None
        }
    }

    /// Lower-case name of the format for messages.
    pub fn name(self) -> &'static str {
        match self {
            MapFormat::Fits => "FITS",
            MapFormat::Npy => "NPY",
            MapFormat::Png => "PNG",
        }
    }
}

/// A stack of `planes` images of `height` rows × `width` columns, f32, plane-major then
/// row-major: value (p, row, col) is `data[(p·height + row)·width + col]`. Units are those
/// of the file (see the module docs for what each input must hold).
#[derive(Clone, Debug, PartialEq)]
pub struct Map2d {
    /// Number of planes (1 for an image; 2 or 3 for V, σ and optionally the mask).
    pub planes: usize,
    /// Rows per plane.
    pub height: usize,
    /// Columns per row.
    pub width: usize,
    /// `planes × height × width` values.
    pub data: Vec<f32>,
}

impl Map2d {
    /// Plane `p` as a row-major `height × width` slice (`None` past the last plane).
    pub fn plane(&self, p: usize) -> Option<&[f32]> {
        let n = self.height * self.width;
        (p < self.planes).then(|| &self.data[p * n..(p + 1) * n])
    }

    /// Shape as numpy writes it: `(H, W)` for one plane, `(P, H, W)` otherwise.
    pub fn shape_text(&self) -> String {
        if self.planes == 1 {
            format!("({}, {})", self.height, self.width)
        } else {
            format!("({}, {}, {})", self.planes, self.height, self.width)
        }
    }
}

/// Why an uploaded map was refused. Messages say what was found and what is needed; wrap in
/// [`FileError`] (via [`UploadError::in_file`]) to prefix the file name.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum UploadError {
    /// The bytes are not a file of the expected format.
    #[error("not a {format} file: {reason}")]
    NotFormat {
        /// Expected format name.
        format: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The header is readable but says something this reader does not support.
    #[error("unsupported {format} file: {reason}")]
    Unsupported {
        /// Format name.
        format: &'static str,
        /// What is unsupported.
        reason: String,
    },
    /// The header is malformed.
    #[error("bad {format} header: {reason}")]
    BadHeader {
        /// Format name.
        format: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The header declares more pixels or bytes than allowed (nothing was allocated).
    #[error(
        "the header declares {declared} ({what}), over the limit of {limit}; refused before reading"
    )]
    TooLarge {
        /// What is too large ("pixels", "bytes", …).
        what: &'static str,
        /// Declared amount (as text: it may not fit in an integer).
        declared: String,
        /// The limit.
        limit: u64,
    },
    /// Fewer data bytes than the header declares.
    #[error("truncated: the header declares {expected} data bytes but only {present} are present")]
    Truncated {
        /// Bytes the header declares.
        expected: u64,
        /// Bytes present after the header.
        present: u64,
    },
    /// More data bytes than the header declares (NPY must match exactly).
    #[error("{extra} bytes after the {expected} data bytes the header declares")]
    TrailingBytes {
        /// Declared data bytes.
        expected: u64,
        /// Extra bytes.
        extra: u64,
    },
    /// The array does not have the shape the model input needs.
    #[error("shape {found} but the model needs {needed}")]
    Shape {
        /// Shape found, numpy style.
        found: String,
        /// Shape(s) needed.
        needed: String,
    },
    /// Some values are NaN or infinite.
    #[error(
        "{count} non-finite value(s) (NaN or infinity); the first at plane {plane}, row {row}, column {col}"
    )]
    NonFinite {
        /// How many values are not finite.
        count: usize,
        /// Plane of the first.
        plane: usize,
        /// Row of the first.
        row: usize,
        /// Column of the first.
        col: usize,
    },
    /// A mask plane holds something other than 0 and 1.
    #[error("mask plane value {value} at row {row}, column {col}; a mask holds only 0 and 1")]
    BadMask {
        /// The value.
        value: f32,
        /// Row.
        row: usize,
        /// Column.
        col: usize,
    },
    /// A relative-brightness PNG cannot be turned into surface brightness.
    #[error("{0}")]
    Calibration(String),
    /// The grids cannot be resampled (empty grid or data of the wrong length).
    #[error("cannot resample: {0}")]
    Resample(String),
}

impl UploadError {
    /// The error with the file name it concerns, for messages like
    /// "vel.npy: shape (48, 48) but the model needs (2, 48, 48) or (3, 48, 48)".
    pub fn in_file(self, file: &str) -> FileError {
        FileError {
            file: file.to_owned(),
            source: self,
        }
    }
}

/// An [`UploadError`] with the name of the file it concerns.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{file}: {source}")]
pub struct FileError {
    /// File name as the user gave it.
    pub file: String,
    /// What was wrong.
    #[source]
    pub source: UploadError,
}

/// Reads one map from the bytes of a file in `format`, refusing (before allocating) headers
/// that declare more than `limits` allow or more bytes than present, and refusing
/// non-finite values. Shapes are not checked against a model here: see
/// [`check_light_shape`] and [`check_kinematic_shape`].
pub fn read_map(bytes: &[u8], format: MapFormat, limits: &Limits) -> Result<Map2d, UploadError> {
    let map = match format {
        MapFormat::Fits => fits::read_fits(bytes, limits)?,
        MapFormat::Npy => npy::read_npy(bytes, limits)?,
        MapFormat::Png => png::read_png(bytes, limits)?,
    };
    check_finite(&map)?;
    Ok(map)
}

/// A light-map input ready for a model whose grid is `size`² pixels: reads the file,
/// refuses anything but one square plane, and resamples the surface brightness (L☉ kpc⁻², or
/// relative brightness for a PNG) to `size`² conserving the luminosity
/// ([`resample_surface_brightness`]). Row-major, f32.
pub fn light_input(
    bytes: &[u8],
    format: MapFormat,
    limits: &Limits,
    size: usize,
) -> Result<Vec<f32>, UploadError> {
    let map = read_map(bytes, format, limits)?;
    check_light_shape(&map, size)?;
    resample_surface_brightness(&map.data, map.width, size)
}

/// A kinematic input ready for a model whose grid is `size`² pixels: reads the file, refuses
/// anything but 2 or 3 square planes (V, σ in km/s, [mask 0/1]) and resamples by masked
/// area-weighted means ([`resample_kinematic`]).
pub fn kinematic_input(
    bytes: &[u8],
    format: MapFormat,
    limits: &Limits,
    size: usize,
) -> Result<KinematicMaps, UploadError> {
    let map = read_map(bytes, format, limits)?;
    check_kinematic_shape(&map, size)?;
    resample_kinematic(&KinematicMaps::from_map(&map)?, size)
}
