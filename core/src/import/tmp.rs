//! Temporary files of an import (a downloaded zip or DICOMweb response, a zip found inside a zip):
//! random names, owner-only permissions, in a folder the caller picks (the vault's own `import-tmp`
//! folder, which is app-private on a phone where the OS temp folder may not be writable), removed
//! when dropped. They hold plain text only while the import runs; leftovers of a crash are removed
//! by the next import.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::CancelToken;
use crate::error::{Error, Result};

const PREFIX: &str = "import-";

/// A file removed when this is dropped.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// Create an empty file in `dir` (created if absent), open for writing.
    pub fn create(dir: &Path) -> Result<(TempFile, File)> {
        std::fs::create_dir_all(dir).map_err(io("the import's temporary folder"))?;
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        for _ in 0..8 {
            let path = dir.join(format!(
                "{PREFIX}{}.tmp",
                hex::encode(rand::random::<[u8; 12]>())
            ));
            match opts.open(&path) {
                Ok(f) => return Ok((TempFile { path }, f)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io("a temporary file")(e)),
            }
        }
        Err(Error::Storage("cannot name a temporary file".into()))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Remove temporary files older than a day that a crashed import left in `dir`.
pub fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let day = Duration::from_secs(24 * 3600);
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > day);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Why a bounded copy stopped.
#[derive(Debug)]
pub enum CopyError {
    /// More than `cap` bytes were offered.
    TooLarge,
    Cancelled,
    Read(io::Error),
    Write(io::Error),
}

/// Copy `from` into `to`, at most `cap` bytes, checking `cancel` between chunks. Returns the
/// number of bytes copied. Memory: one 256 KiB buffer.
pub fn copy_capped(
    from: &mut dyn Read,
    to: &mut dyn Write,
    cap: u64,
    cancel: &CancelToken,
) -> std::result::Result<u64, CopyError> {
    let mut buf = vec![0u8; 256 << 10];
    let mut total = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(CopyError::Cancelled);
        }
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        total += n as u64;
        if total > cap {
            return Err(CopyError::TooLarge);
        }
        to.write_all(&buf[..n]).map_err(CopyError::Write)?;
    }
    to.flush().map_err(CopyError::Write)?;
    Ok(total)
}

fn io(what: &'static str) -> impl FnOnce(io::Error) -> Error {
    move |source| Error::Io { what, source }
}

/// A fresh folder under the OS temp folder, for tests.
#[cfg(test)]
pub(crate) fn test_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sp-{tag}-{}-{}",
        std::process::id(),
        hex::encode(rand::random::<[u8; 6]>())
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_files_are_private_and_removed_on_drop() {
        let dir = test_dir("tmp");
        let (t, mut f) = TempFile::create(&dir).unwrap();
        f.write_all(b"x").unwrap();
        let p = t.path().to_path_buf();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        drop(t);
        assert!(!p.exists());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn capped_copy_stops_past_the_cap() {
        let cancel = CancelToken::new();
        let mut out = Vec::new();
        let n = copy_capped(&mut &[7u8; 1000][..], &mut out, 1000, &cancel).unwrap();
        assert_eq!((n, out.len()), (1000, 1000));
        let mut out = Vec::new();
        assert!(matches!(
            copy_capped(&mut &[7u8; 1001][..], &mut out, 1000, &cancel),
            Err(CopyError::TooLarge)
        ));
        cancel.cancel();
        assert!(matches!(
            copy_capped(&mut &[7u8; 10][..], &mut Vec::new(), 1000, &cancel),
            Err(CopyError::Cancelled)
        ));
    }
}
