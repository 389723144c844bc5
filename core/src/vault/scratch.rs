//! Temporary files of an import (a downloaded zip or DICOMweb response, a zip inside a zip, a
//! large zip entry): never plain text on disk. Each is encrypted as it is written, as a stream of
//! the vault's chunked AEAD ([`StreamWriter`], 64 KiB AES-256-GCM chunks) under a random key that
//! exists only in this process's memory and only while the file is used: a file left by a killed
//! process, or copied off the phone in the middle of an import, is ciphertext under a key that is
//! gone. Read back through [`BlobReader::stream`] (random access: the zip reader seeks, the DICOM
//! reader reads ranges), which checks every chunk and that the stream was finished.
//!
//! They live in `<vault>/import-tmp` ([`DIR`]), app-private on a phone (where the OS temp folder
//! may not be writable). On unix a file is unlinked as soon as it is created and used through its
//! open handle, so nothing is left even after SIGKILL; elsewhere it is removed when dropped. The
//! folder is emptied whenever the vault is opened or unlocked ([`wipe`]) and carries a
//! `CACHEDIR.TAG` (backup tools skip such folders) and a `.nomedia`; the apps also exclude it from
//! backups (Android: `<exclude domain="file" path="…/import-tmp"/>` in the backup and data
//! extraction rules, or a vault under `noBackupFilesDir`; iOS: `isExcludedFromBackup` on the
//! folder, [`crate::vault::Vault::import_tmp_dir`] names it).

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::crypto::{new_blob_id, BlobId, BlobReader, Key, StreamWriter};
use crate::dicom::ByteSource;
use crate::error::{Error, Result};
use crate::task::CancelToken;

/// The folder of a vault that holds its imports' temporary files.
pub const DIR: &str = "import-tmp";
const PREFIX: &str = "import-";
/// Files kept when the folder is wiped: markers asking backup and media tools to skip it.
const CACHEDIR_TAG: &str = "CACHEDIR.TAG";
const NOMEDIA: &str = ".nomedia";
const CACHEDIR_SIGNATURE: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
    # This folder holds Scanpass's temporary import files (encrypted; removed after use).\n\
    # For information about cache directory tags, see https://bford.info/cachedir/\n";

/// Remove a file when dropped (a file not unlinked at creation: not on unix).
#[derive(Debug)]
struct Unlink(Option<PathBuf>);

impl Drop for Unlink {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// A temporary file being written: encrypts as it goes. [`TempWriter::finish`] makes it
/// readable; dropped unfinished, it is gone.
pub struct TempWriter {
    out: StreamWriter<BufWriter<File>>,
    key: Key,
    id: BlobId,
    unlink: Unlink,
}

/// A finished temporary file: random-access plaintext through its in-memory key, removed when
/// dropped (on unix, already unlinked).
pub struct TempFile {
    reader: BlobReader<File>,
    _unlink: Unlink,
}

impl std::fmt::Debug for TempFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TempFile({} bytes)", self.reader.len())
    }
}

impl TempWriter {
    /// Create an empty temporary file in `dir` (created if absent, with its markers).
    pub fn create(dir: &Path) -> Result<TempWriter> {
        prepare_dir(dir)?;
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create_new(true);
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
            let file = match opts.open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io("a temporary file")(e)),
            };
            // unix: used through its handle only, so that no name is left for anyone
            #[cfg(unix)]
            let unlink = {
                std::fs::remove_file(&path).map_err(io("a temporary file"))?;
                Unlink(None)
            };
            #[cfg(not(unix))]
            let unlink = Unlink(Some(path));
            let key = Key::random();
            let id = new_blob_id();
            let out = StreamWriter::new(&key, &id, BufWriter::with_capacity(1 << 17, file))
                .map_err(io("a temporary file"))?;
            return Ok(TempWriter {
                out,
                key,
                id,
                unlink,
            });
        }
        Err(Error::Storage("cannot name a temporary file".into()))
    }

    /// Seal the last chunk and open the file for reading.
    pub fn finish(self) -> Result<TempFile> {
        let TempWriter {
            out,
            key,
            id,
            unlink,
        } = self;
        let file = out
            .finish()
            .and_then(|b| b.into_inner().map_err(|e| e.into_error()))
            .map_err(io("a temporary file"))?;
        let reader = BlobReader::stream(file, &key, &id)
            .map_err(|_| Error::Storage("a temporary file was changed while in use".into()))?;
        Ok(TempFile {
            reader,
            _unlink: unlink,
        })
    }
}

impl Write for TempWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl ByteSource for TempFile {
    fn len(&self) -> u64 {
        self.reader.len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.reader.read_at(offset, buf)
    }
}

impl ByteSource for Arc<TempFile> {
    fn len(&self) -> u64 {
        self.as_ref().len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.as_ref().read_at(offset, buf)
    }
}

/// A byte range of a shared temporary file, as a [`ByteSource`].
#[derive(Debug, Clone)]
pub struct Span {
    pub file: Arc<TempFile>,
    pub offset: u64,
    pub len: u64,
}

impl ByteSource for Span {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        offset
            .checked_add(buf.len() as u64)
            .filter(|e| *e <= self.len)
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        self.file.read_at(self.offset + offset, buf)
    }
}

/// Sequential reads and seeks over a [`ByteSource`] (for the zip reader and the multipart
/// indexer, which take `Read + Seek`).
pub struct SourceReader<S> {
    source: S,
    pos: u64,
}

impl<S: ByteSource> SourceReader<S> {
    pub fn new(source: S) -> Self {
        SourceReader { source, pos: 0 }
    }
}

impl<S: ByteSource> Read for SourceReader<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.source.len().saturating_sub(self.pos);
        let n = (buf.len() as u64).min(left) as usize;
        self.source.read_at(self.pos, &mut buf[..n])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<S: ByteSource> Seek for SourceReader<S> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let base = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.source.len().checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = base.ok_or(io::ErrorKind::InvalidInput)?;
        Ok(self.pos)
    }
}

/// Create the folder with its markers (`CACHEDIR.TAG`, `.nomedia`) if absent.
fn prepare_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(io("the import's temporary folder"))?;
    for (name, text) in [(CACHEDIR_TAG, CACHEDIR_SIGNATURE), (NOMEDIA, "")] {
        let p = dir.join(name);
        if !p.exists() {
            std::fs::write(&p, text).map_err(io("the import's temporary folder"))?;
        }
    }
    Ok(())
}

/// Empty `dir` of everything but its markers: what an import killed on a system that could not
/// unlink its files at once left behind (called whenever the vault is opened or unlocked, when no
/// import of this vault can be running in this process). The folder and its markers are created
/// when absent, so that a shell can mark it for exclusion from backups before any import.
pub fn wipe(dir: &Path) {
    let _ = prepare_dir(dir);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        if name == CACHEDIR_TAG || name == NOMEDIA {
            continue;
        }
        let p = e.path();
        let _ = match e.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&p),
            _ => std::fs::remove_file(&p),
        };
    }
}

/// How many files other than its markers `dir` holds (0 when absent).
#[cfg(test)]
pub fn leftovers(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name() != CACHEDIR_TAG && e.file_name() != NOMEDIA)
                .count()
        })
        .unwrap_or(0)
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
/// number of bytes copied. Memory: one 256 KiB buffer (wiped when dropped).
pub fn copy_capped(
    from: &mut dyn Read,
    to: &mut dyn Write,
    cap: u64,
    cancel: &CancelToken,
) -> std::result::Result<u64, CopyError> {
    // plaintext passes through it: wiped when dropped
    let mut buf = crate::crypto::SecretBytes::new(vec![0u8; 256 << 10]);
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

    /// The bytes on disk of this process's open temporary files (unlinked: found through
    /// /proc), and their permissions.
    #[cfg(target_os = "linux")]
    fn open_temp_files() -> Vec<(Vec<u8>, u32)> {
        use std::os::unix::fs::PermissionsExt;
        let mut out = Vec::new();
        for e in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
            let Ok(target) = std::fs::read_link(e.path()) else {
                continue;
            };
            let t = target.to_string_lossy();
            if t.contains("/import-") && t.ends_with(".tmp (deleted)") {
                let mode = std::fs::metadata(e.path()).unwrap().permissions().mode();
                out.push((std::fs::read(e.path()).unwrap(), mode & 0o777));
            }
        }
        out
    }

    #[test]
    fn temp_files_are_encrypted_private_nameless_and_read_back() {
        let dir = test_dir("tmp");
        // bytes with a DICOM's look and a patient's name
        let mut plain = vec![0u8; 128];
        plain.extend_from_slice(b"DICM");
        for i in 0..40_000u32 {
            plain.extend_from_slice(format!("DOE^JANE {i} ").as_bytes());
        }
        let mut w = TempWriter::create(&dir).unwrap();
        w.write_all(&plain[..100_000]).unwrap();
        let names = |d: &Path| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        #[cfg(unix)]
        assert_eq!(names(&dir), [".nomedia", "CACHEDIR.TAG"], "no name on disk");
        w.write_all(&plain[100_000..]).unwrap();
        w.flush().unwrap();
        #[cfg(target_os = "linux")]
        {
            let open = open_temp_files();
            assert_eq!(open.len(), 1);
            let (raw, mode) = &open[0];
            assert_eq!(*mode, 0o600);
            assert!(raw.len() > 400_000, "written as it goes: {}", raw.len());
            for needle in [&b"DOE^JANE"[..], b"DICM", &plain[1000..1032]] {
                assert!(!raw.windows(needle.len()).any(|w| w == needle));
            }
        }
        let t = w.finish().unwrap();
        assert_eq!(t.len(), plain.len() as u64);
        let mut all = vec![0u8; plain.len()];
        t.read_at(0, &mut all).unwrap();
        assert_eq!(all, plain);
        let mut r = SourceReader::new(Span {
            file: Arc::new(t),
            offset: 128,
            len: 1000,
        });
        let mut head = [0u8; 4];
        r.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"DICM");
        r.seek(SeekFrom::End(-4)).unwrap();
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, &plain[1124..1128]);
        drop(r);
        #[cfg(target_os = "linux")]
        assert!(open_temp_files().is_empty(), "closed when dropped");
        // a temporary file of a killed process, on a system that could not unlink it: removed
        // with everything else but the markers when the vault opens
        std::fs::write(dir.join("import-0123.tmp"), b"x").unwrap();
        std::fs::create_dir(dir.join("stray")).unwrap();
        wipe(&dir);
        assert_eq!(names(&dir), [".nomedia", "CACHEDIR.TAG"]);
        assert!(std::fs::read_to_string(dir.join("CACHEDIR.TAG"))
            .unwrap()
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
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
