//! Small checked accessors over an open HDF5 file: every failure becomes a [`TngError`] that
//! names the file and the field; and [`new_group`], which the cutout writers share.

use std::path::Path;

use hdf5::Group;

use super::error::TngError;

/// An open cutout plus its display name, for error messages.
pub(crate) struct Source {
    /// The path as the user gave it.
    pub name: String,
    /// The open HDF5 file.
    pub file: hdf5::File,
}

impl Source {
    /// Opens `path` read-only.
    pub fn open(path: &Path) -> Result<Self, TngError> {
        let name = path.display().to_string();
        if !path.exists() {
            let reason = "no such file".into();
            return Err(TngError::Open { file: name, reason });
        }
        if !path.is_file() {
            let reason = "not a regular file".into();
            return Err(TngError::Open { file: name, reason });
        }
        match hdf5::File::open(path) {
            Ok(file) => Ok(Self { name, file }),
            Err(e) => Err(TngError::Open {
                file: name,
                reason: e.to_string(),
            }),
        }
    }

    /// A "missing field" error for this file.
    pub fn missing(&self, field: &str) -> TngError {
        TngError::Missing {
            file: self.name.clone(),
            field: field.to_string(),
        }
    }

    /// An "invalid field" error for this file.
    pub fn invalid(&self, field: &str, reason: String) -> TngError {
        TngError::Invalid {
            file: self.name.clone(),
            field: field.to_string(),
            reason,
        }
    }

    /// The top-level group `name`, or `None` when the file has no such link.
    pub fn group(&self, name: &str) -> Result<Option<Group>, TngError> {
        if !self.file.link_exists(name) {
            return Ok(None);
        }
        self.file
            .group(name)
            .map(Some)
            .map_err(|e| self.invalid(name, format!("not a group: {e}")))
    }

    /// Whether group `g` has a link `name`.
    pub fn has(&self, g: &Group, name: &str) -> bool {
        g.link_exists(name)
    }

    /// All values of attribute `name` of group `g` (named `gname`) as f64, or `None` when
    /// the attribute is absent.
    pub fn attr(&self, g: &Group, gname: &str, name: &str) -> Result<Option<Vec<f64>>, TngError> {
        let field = format!("{gname}.{name}");
        let names = g
            .attr_names()
            .map_err(|e| self.invalid(gname, e.to_string()))?;
        if !names.iter().any(|n| n == name) {
            return Ok(None);
        }
        let a = g
            .attr(name)
            .map_err(|e| self.invalid(&field, e.to_string()))?;
        a.read_raw::<f64>()
            .map(Some)
            .map_err(|e| self.invalid(&field, format!("not numeric: {e}")))
    }

    /// Dataset `name` of group `g` as a flat f64 array of shape (n, cols) (`cols = 1`: 1-D of
    /// length n, a trailing dimension of 1 is accepted). `n`: required row count, if known.
    /// Returns the values and the row count. With `finite`, NaN/inf are refused.
    pub fn table(
        &self,
        g: &Group,
        gname: &str,
        name: &str,
        cols: usize,
        n: Option<usize>,
        finite: bool,
    ) -> Result<(Vec<f64>, usize), TngError> {
        let field = format!("{gname}/{name}");
        if !g.link_exists(name) {
            return Err(self.missing(&field));
        }
        let ds = g
            .dataset(name)
            .map_err(|e| self.invalid(&field, format!("not a dataset: {e}")))?;
        let shape = ds.shape();
        let rows = match (shape.as_slice(), cols) {
            ([r], 1) => *r,
            ([r, 1], 1) => *r,
            ([r, c], _) if *c == cols => *r,
            _ => {
                let want = if cols == 1 {
                    "(N,)".to_string()
                } else {
                    format!("(N, {cols})")
                };
                return Err(self.invalid(&field, format!("shape {shape:?}, expected {want}")));
            }
        };
        if let Some(n) = n
            && rows != n
        {
            return Err(self.invalid(
                &field,
                format!("{rows} rows, but the group's Coordinates have {n}"),
            ));
        }
        let v = ds
            .read_raw::<f64>()
            .map_err(|e| self.invalid(&field, format!("not numeric: {e}")))?;
        if finite && let Some(i) = v.iter().position(|x| !x.is_finite()) {
            return Err(self.invalid(
                &field,
                format!("non-finite value {} in row {}", v[i], i / cols),
            ));
        }
        Ok((v, rows))
    }

    /// Like [`Source::table`], but `None` when the dataset is absent.
    pub fn optional_table(
        &self,
        g: &Group,
        gname: &str,
        name: &str,
        cols: usize,
        n: Option<usize>,
        finite: bool,
    ) -> Result<Option<Vec<f64>>, TngError> {
        if !g.link_exists(name) {
            return Ok(None);
        }
        self.table(g, gname, name, cols, n, finite)
            .map(|(v, _)| Some(v))
    }

    /// Refuses negative entries of a mass-like column.
    pub fn non_negative(&self, field: &str, v: &[f64]) -> Result<(), TngError> {
        match v.iter().position(|&x| x < 0.0) {
            Some(i) => Err(self.invalid(field, format!("negative value {} in row {i}", v[i]))),
            None => Ok(()),
        }
    }
}

/// Creates group `name` without modification times, so identical content gives identical
/// bytes (generation is reproducible file for file).
pub(crate) fn new_group(file: &hdf5::File, name: &str) -> hdf5::Result<Group> {
    file.create_group_builder()
        .obj_track_times(false)
        .create(name)
}
