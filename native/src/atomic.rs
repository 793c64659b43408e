//! Atomic file output: write under a temporary name in the same directory, then rename, so
//! a reader (or a crash) never sees a half-written file under the final name.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The temporary sibling of `path`: `.<stem>.partial.<ext>` in the same directory (the
/// extension is kept so that writers choosing a format by extension still work).
pub fn partial_sibling(path: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(path.file_stem().unwrap_or_default());
    name.push(".partial");
    if let Some(ext) = path.extension() {
        name.push(".");
        name.push(ext);
    }
    path.with_file_name(name)
}

/// Runs `write(tmp)` to produce the file under its temporary name, then renames it to
/// `path`. On any failure the temporary file is removed and `path` is left untouched.
pub fn write_via_temp(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let tmp = partial_sibling(path);
    let result = write(&tmp).and_then(|()| {
        std::fs::rename(&tmp, path)
            .with_context(|| format!("{}: cannot rename from {}", path.display(), tmp.display()))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path` atomically (temporary sibling + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_via_temp(path, |tmp| {
        std::fs::write(tmp, bytes).with_context(|| format!("{}: cannot write", tmp.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_name_keeps_directory_and_extension() {
        assert_eq!(
            partial_sibling(Path::new("out/fig.png")),
            PathBuf::from("out/.fig.partial.png")
        );
        assert_eq!(
            partial_sibling(Path::new("model")),
            PathBuf::from(".model.partial")
        );
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        let r = write_via_temp(&p, |tmp| {
            std::fs::write(tmp, b"half")?;
            anyhow::bail!("interrupted")
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_atomic(&p, b"{}").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"{}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
