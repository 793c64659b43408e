//! Atomic file output, the one scheme every writer of galmass uses: write under a temporary
//! name in the same directory, sync, then rename, so a reader (or a crash) never sees a
//! half-written file under the final name.

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

/// A file being written under a temporary name beside its final one. [`Partial::commit`]
/// flushes it to disk and renames it to the final name; dropped uncommitted (an error, a
/// panic), it removes the temporary file. A reader, or a crash, never sees a half-written file
/// under the final name, and a file already there stays as it was until the rename.
#[derive(Debug)]
pub struct Partial {
    tmp: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Partial {
    /// `path` written through its [`partial_sibling`].
    pub fn new(path: &Path) -> Self {
        Self::with_temp(path, partial_sibling(path))
    }

    /// `path` written through the temporary name `tmp` (in the same directory, so the rename
    /// stays on one file system).
    pub fn with_temp(path: &Path, tmp: PathBuf) -> Self {
        Partial {
            tmp,
            path: path.to_path_buf(),
            committed: false,
        }
    }

    /// Where to write: the temporary name.
    pub fn temp(&self) -> &Path {
        &self.tmp
    }

    /// The final name.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Syncs the temporary file to disk, renames it to the final name and syncs the directory
    /// (best effort: not every file system can), so the rename survives a power cut too.
    pub fn commit(&mut self) -> std::io::Result<()> {
        std::fs::File::open(&self.tmp)?.sync_all()?;
        std::fs::rename(&self.tmp, &self.path)?;
        self.committed = true;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Ok(d) = std::fs::File::open(dir)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Runs `write(tmp)` to produce the file under its temporary name, then commits it to `path`
/// ([`Partial`]); a failed rename becomes `rename_err(e)`. On any failure the temporary file
/// is removed and `path` is left untouched. For writers with their own error type.
pub fn replace_with<E>(
    path: &Path,
    write: impl FnOnce(&Path) -> std::result::Result<(), E>,
    rename_err: impl FnOnce(std::io::Error) -> E,
) -> std::result::Result<(), E> {
    let mut p = Partial::new(path);
    write(p.temp())?;
    p.commit().map_err(rename_err)
}

/// Runs `write(tmp)` to produce the file under its temporary name, then commits it to `path`
/// ([`Partial`]). On any failure the temporary file is removed and `path` is left untouched.
pub fn write_via_temp(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    replace_with(path, write, |e| {
        anyhow::Error::new(e).context(format!(
            "{}: cannot sync the finished file or rename it into place",
            path.display()
        ))
    })
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

    /// An uncommitted [`Partial`] leaves nothing; a committed one leaves only the final file.
    #[test]
    fn partial_guard_removes_or_commits() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.h5");
        {
            let part = Partial::with_temp(&p, dir.path().join("d.h5.partial"));
            std::fs::write(part.temp(), b"x").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut part = Partial::new(&p);
        std::fs::write(part.temp(), b"y").unwrap();
        part.commit().unwrap();
        drop(part);
        assert_eq!(std::fs::read(&p).unwrap(), b"y");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
