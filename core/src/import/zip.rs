//! Zip archives as import sources: a zip the patient was given (detected by its bytes, not its
//! name), a zip found in a folder, a zip downloaded from a provider link, and a zip inside one of
//! those (one level; deeper ones are reported, not opened).
//!
//! Safe by construction:
//! - entry names are display names only: nothing is ever written under them, so `../../etc/x`
//!   is just a strange name in a report;
//! - zip bombs: an entry over [`MAX_ENTRY`] (declared), a large entry compressed more than
//!   [`MAX_RATIO`]:1, or contents past [`MAX_TOTAL`] altogether are reported and not opened; an
//!   entry is read through a reader bounded by its declared size plus one byte, so a header that
//!   lies cannot make it bigger than declared (that is an error too);
//! - password-protected entries and compression methods other than stored/deflate are reported
//!   as per-file errors;
//! - memory: an entry up to [`super::IN_MEMORY`] (8 MiB) is read whole, bounded by its declared
//!   size; a larger one is streamed as it inflates into a temporary file (encrypted as it is
//!   written: [`crate::vault::scratch`]), bounded the same way, and parsed, hashed and stored from there a
//!   block at a time, so that what an archive declares never decides what memory is taken; a
//!   nested zip is copied to a temporary file the same way and listed from there.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ::zip::result::ZipError;
use ::zip::{CompressionMethod, ZipArchive};

use super::scan::{Candidate, Context, Found, Origin};
use super::FileError;
use crate::error::{one_line, Error, Result};
use crate::vault::scratch::{self as tmp, CopyError, SourceReader, TempFile, TempWriter};

/// Largest entry opened (as large as a file in a folder may be).
pub const MAX_ENTRY: u64 = 4 << 30;
/// Largest total of entry sizes (nested zips included) one source may expand to.
pub const MAX_TOTAL: u64 = 64 << 30;
/// Largest compression ratio accepted for entries over [`RATIO_FROM`] bytes. Deflate's ceiling is
/// about 1032:1, reached only by long runs of one byte; real DICOM stays far below.
pub const MAX_RATIO: u64 = 1000;
pub const RATIO_FROM: u64 = 1 << 20;
/// Most entries in one archive.
pub const MAX_ENTRIES: usize = 1_000_000;

/// An archive: the patient's own file, or a temporary one (a download, a nested zip), removed
/// when the last candidate that reads from it is gone.
#[derive(Debug)]
pub enum Archive {
    File(PathBuf),
    Temp(Arc<TempFile>),
}

impl Archive {
    pub fn file(path: PathBuf) -> Self {
        Archive::File(path)
    }
    pub fn temp(t: TempFile) -> Self {
        Archive::Temp(Arc::new(t))
    }
}

/// The bytes of an [`Archive`], for the zip reader.
pub enum ArchiveBytes {
    File(File),
    Temp(SourceReader<Arc<TempFile>>),
}

impl Read for ArchiveBytes {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            ArchiveBytes::File(f) => f.read(buf),
            ArchiveBytes::Temp(t) => t.read(buf),
        }
    }
}

impl Seek for ArchiveBytes {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        match self {
            ArchiveBytes::File(f) => f.seek(to),
            ArchiveBytes::Temp(t) => t.seek(to),
        }
    }
}

/// An archive open for reading.
pub type Open = ZipArchive<BufReader<ArchiveBytes>>;

/// Whether a file's first bytes are a zip's (a local file header) rather than a DICOM file's: the
/// 128-byte DICOM preamble may hold anything, so "DICM" at 128 wins.
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") && head.get(128..132) != Some(b"DICM".as_slice())
}

/// [`is_zip`] on the first bytes of a file (false when it cannot be read).
pub fn sniff(path: &Path) -> bool {
    let mut head = Vec::with_capacity(132);
    File::open(path)
        .and_then(|f| f.take(132).read_to_end(&mut head))
        .is_ok()
        && is_zip(&head)
}

/// Uncompressed bytes one source has committed to.
#[derive(Debug, Default)]
pub struct Budget {
    used: u64,
}

impl Budget {
    fn take(&mut self, bytes: u64) -> bool {
        match self.used.checked_add(bytes) {
            Some(n) if n <= MAX_TOTAL => {
                self.used = n;
                true
            }
            _ => false,
        }
    }
}

pub fn open(archive: &Archive) -> Result<Open> {
    let bytes = match archive {
        Archive::File(path) => {
            ArchiveBytes::File(File::open(path).map_err(|source| Error::Io {
                what: "a zip archive",
                source,
            })?)
        }
        Archive::Temp(t) => ArchiveBytes::Temp(SourceReader::new(t.clone())),
    };
    ZipArchive::new(BufReader::new(bytes)).map_err(zip_err)
}

/// List `archive`'s entries as candidates named `prefix/entry name`; problems go to
/// `found.missing` as per-file errors. `nested`: this archive is itself inside a zip.
pub fn expand(
    archive: Arc<Archive>,
    prefix: &str,
    nested: bool,
    ctx: &Context,
    budget: &mut Budget,
    found: &mut Found,
) -> Result<()> {
    let report = |found: &mut Found, path: String, error: &str| {
        found.missing.push(FileError {
            path,
            error: error.to_string(),
            problem: super::Problem::Archive,
        })
    };
    let mut zip = match open(&archive) {
        Ok(z) => z,
        Err(e) => {
            report(found, prefix.to_string(), &e.to_string());
            return Ok(());
        }
    };
    if zip.len() > MAX_ENTRIES {
        report(
            found,
            prefix.to_string(),
            &format!("over {MAX_ENTRIES} entries: not opened"),
        );
        return Ok(());
    }
    for index in 0..zip.len() {
        if ctx.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let entry = match zip.by_index_raw(index) {
            Ok(f) => Entry {
                name: display_name(f.name()),
                size: f.size(),
                compressed: f.compressed_size(),
                encrypted: f.encrypted(),
                method: f.compression(),
                dir: f.is_dir(),
            },
            Err(e) => {
                report(
                    found,
                    format!("{prefix}/#{}", index + 1),
                    &zip_err(e).to_string(),
                );
                continue;
            }
        };
        let display = format!("{prefix}/{}", entry.name);
        if entry.dir {
            continue;
        }
        if let Some(problem) = entry.problem() {
            report(found, display, &problem);
            continue;
        }
        if entry.size < 8 {
            continue; // as in a folder: too small to be anything
        }
        if !budget.take(entry.size) {
            report(
                found,
                prefix.to_string(),
                &format!(
                    "contents past {} GiB in all: the rest is not opened (a zip bomb?)",
                    MAX_TOTAL >> 30
                ),
            );
            return Ok(());
        }
        if is_zip(&peek(&mut zip, index)) {
            if nested {
                report(
                    found,
                    display,
                    "a zip inside a zip inside a zip: not opened",
                );
                continue;
            }
            match extract(&mut zip, index, ctx) {
                Ok(t) => expand(
                    Arc::new(Archive::temp(t)),
                    &display,
                    true,
                    ctx,
                    budget,
                    found,
                )?,
                Err(Error::Cancelled) => return Err(Error::Cancelled),
                Err(e) => report(found, display, &e.to_string()),
            }
            continue;
        }
        found.files.push(Candidate {
            origin: Origin::Zip {
                archive: archive.clone(),
                index,
            },
            display,
            size: entry.size,
        });
    }
    Ok(())
}

struct Entry {
    name: String,
    size: u64,
    compressed: u64,
    encrypted: bool,
    method: CompressionMethod,
    dir: bool,
}

impl Entry {
    /// Why this entry is not opened, if it is not.
    fn problem(&self) -> Option<String> {
        if self.encrypted {
            return Some("password-protected zip entry: not opened".into());
        }
        if !matches!(
            self.method,
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Some(format!(
                "zip entry compressed with {:?}, which is not supported: not opened",
                self.method
            ));
        }
        if self.size > MAX_ENTRY {
            return Some(format!(
                "zip entry over {} GiB: not opened",
                MAX_ENTRY >> 30
            ));
        }
        if self.size > RATIO_FROM && self.size / self.compressed.max(1) > MAX_RATIO {
            return Some(format!(
                "zip entry compressed over {MAX_RATIO}:1: not opened (a zip bomb?)"
            ));
        }
        None
    }
}

/// The first bytes of an entry (empty when it cannot be read: the read proper reports why).
fn peek(zip: &mut Open, index: usize) -> Vec<u8> {
    let mut head = Vec::with_capacity(132);
    if let Ok(f) = zip.by_index(index) {
        let _ = f.take(132).read_to_end(&mut head);
    }
    head
}

/// Copy a (nested zip) entry to a temporary file, bounded by its declared size.
fn extract(zip: &mut Open, index: usize, ctx: &Context) -> Result<TempFile> {
    stream_entry(zip, index, &ctx.tmp, ctx.cancel)
}

/// Copy one entry to an encrypted temporary file in `dir` as it inflates, bounded by its
/// declared size (an entry that inflates to more is refused as soon as it passes it: a lying
/// header or a bomb), checking `cancel` between blocks. Memory: one copy buffer and one chunk,
/// whatever the entry's size.
pub fn stream_entry(
    zip: &mut Open,
    index: usize,
    dir: &Path,
    cancel: &super::CancelToken,
) -> Result<TempFile> {
    let mut f = zip.by_index(index).map_err(zip_err)?;
    let size = f.size();
    if size > MAX_ENTRY {
        return Err(Error::Archive(format!(
            "zip entry over {} GiB",
            MAX_ENTRY >> 30
        )));
    }
    let mut out = TempWriter::create(dir)?;
    match tmp::copy_capped(&mut f, &mut out, size, cancel) {
        Ok(n) if n == size => out.finish(),
        Ok(_) => Err(Error::Archive(
            "zip entry shorter than its header says".into(),
        )),
        Err(CopyError::TooLarge) => Err(bigger_than_declared()),
        Err(CopyError::Cancelled) => Err(Error::Cancelled),
        Err(CopyError::Read(e)) => Err(Error::Archive(one_line(&e.to_string()))),
        Err(CopyError::Write(source)) => Err(Error::Io {
            what: "a temporary file",
            source,
        }),
    }
}

/// Read one entry whole, bounded by its declared size (plus one byte, to catch a lie).
pub fn read_entry(zip: &mut Open, index: usize) -> Result<Vec<u8>> {
    let mut f = zip.by_index(index).map_err(zip_err)?;
    let size = f.size();
    if size > MAX_ENTRY {
        return Err(Error::Archive(format!(
            "zip entry over {} GiB",
            MAX_ENTRY >> 30
        )));
    }
    let mut buf = Vec::with_capacity(size.min(64 << 20) as usize);
    (&mut f)
        .take(size + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::Archive(one_line(&e.to_string())))?;
    match (buf.len() as u64).cmp(&size) {
        std::cmp::Ordering::Equal => Ok(buf),
        std::cmp::Ordering::Greater => Err(bigger_than_declared()),
        std::cmp::Ordering::Less => Err(Error::Archive(
            "zip entry shorter than its header says".into(),
        )),
    }
}

fn bigger_than_declared() -> Error {
    Error::Archive("zip entry holds more than its header says (a zip bomb?): not imported".into())
}

fn zip_err(e: ZipError) -> Error {
    match e {
        ZipError::UnsupportedArchive(m) if m == ZipError::PASSWORD_REQUIRED => {
            Error::Archive("password-protected zip entry".into())
        }
        ZipError::Io(source) => Error::Io {
            what: "a zip archive",
            source,
        },
        e => Error::Archive(one_line(&e.to_string())),
    }
}

/// An entry name for reports: control characters replaced, length bounded.
fn display_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(300)
        .collect();
    if s.is_empty() {
        s.push('?');
    }
    s
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use ::zip::write::SimpleFileOptions;
    use ::zip::ZipWriter;

    use super::*;
    use crate::import::{import, CancelToken, Silent, Source};
    use crate::phantom::{self, PhantomSpec};
    use crate::vault::keystore::PassphraseKeyStore;
    use crate::vault::Vault;

    fn series(slices: u32, seed: u64) -> Vec<Vec<u8>> {
        phantom::ct_series(PhantomSpec {
            slices,
            size: 32,
            seed,
        })
        .unwrap()
    }

    fn deflated() -> SimpleFileOptions {
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)
    }

    /// A zip of `(name, bytes, deflate?)`.
    fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes, deflate) in entries {
            let opts = if *deflate {
                deflated()
            } else {
                SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
            };
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn vault(tag: &str) -> (PathBuf, Vault) {
        let dir = tmp::test_dir(tag);
        let keys = PassphraseKeyStore::new(&dir, "test").with_cost(1024, 1);
        let v = Vault::create(&dir, &keys).unwrap();
        (dir, v)
    }

    fn find(hay: &[u8], needle: &[u8]) -> usize {
        hay.windows(needle.len()).position(|w| w == needle).unwrap()
    }

    fn rfind(hay: &[u8], needle: &[u8]) -> usize {
        hay.windows(needle.len())
            .rposition(|w| w == needle)
            .unwrap()
    }

    #[test]
    fn detects_zip_by_bytes_not_name() {
        assert!(is_zip(&zip_of(&[("a", b"12345678", false)])));
        assert!(!is_zip(b"PK\x03"));
        let mut dicom_polyglot = b"PK\x03\x04".to_vec();
        dicom_polyglot.resize(128, 0);
        dicom_polyglot.extend_from_slice(b"DICM");
        assert!(!is_zip(&dicom_polyglot));
        assert!(!is_zip(&series(1, 1)[0]));
    }

    /// The brief's hostile archive: a traversal name, a non-DICOM entry, a bomb-like entry, a
    /// nested zip (holding a zip in turn), a password-protected entry and a lying header, beside
    /// good images; a second copy in a folder, found by its bytes under a name without extension.
    #[test]
    fn hostile_archive_imports_the_images_and_reports_the_rest() {
        let (dir, vault) = vault("zipvault");
        let s = series(9, 3);
        let innermost = zip_of(&[("deep/IM1", &s[8], true)]);
        let inner = zip_of(&[
            ("inner/IM6", &s[5], true),
            ("inner/IM7", &s[6], false),
            ("inner/deeper.zip", &innermost, false),
        ]);
        let bomb = vec![0u8; 8 << 20]; // 8 MiB of zeros: deflate squeezes it past 1000:1
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (i, f) in s[..5].iter().enumerate() {
            w.start_file(format!("DICOM/IM{}", i + 1), deflated())
                .unwrap();
            w.write_all(f).unwrap();
        }
        w.start_file("../../etc/x", deflated()).unwrap();
        w.write_all(&s[7]).unwrap();
        w.start_file("README.TXT", deflated()).unwrap();
        w.write_all(b"open viewer.exe to see your images").unwrap();
        w.start_file("VIEWER.EXE", deflated()).unwrap();
        w.write_all(b"MZ\x90\x00 not a real program").unwrap();
        w.start_file("bomb.bin", deflated()).unwrap();
        w.write_all(&bomb).unwrap();
        w.start_file("nested.zip", SimpleFileOptions::default())
            .unwrap();
        w.write_all(&inner).unwrap();
        w.add_directory("EMPTY/", SimpleFileOptions::default())
            .unwrap();
        // a deflated entry whose declared size we shrink below (the CRC stays that of all 32
        // bytes): only a reader bounded by the declared size notices the lie
        w.start_file("LIAR", deflated()).unwrap();
        w.write_all(b"0123456789abcdef0123456789abcdef").unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        // mark README.TXT as encrypted (general purpose flag bit 0) in its central directory
        // record; the reader then refuses it without a password
        let rec = rfind(&bytes, b"README.TXT") - 46;
        assert_eq!(&bytes[rec..rec + 4], b"PK\x01\x02");
        bytes[rec + 8] |= 1;
        let liar_local = find(&bytes, b"LIAR") - 30;
        let liar_cd = rfind(&bytes, b"LIAR") - 46;
        assert_eq!(&bytes[liar_local..liar_local + 4], b"PK\x03\x04");
        assert_eq!(&bytes[liar_cd..liar_cd + 4], b"PK\x01\x02");
        bytes[liar_local + 22..liar_local + 26].copy_from_slice(&16u32.to_le_bytes());
        bytes[liar_cd + 24..liar_cd + 28].copy_from_slice(&16u32.to_le_bytes());

        let src = tmp::test_dir("zipsrc");
        let archive = src.join("from-the-clinic.zip");
        std::fs::write(&archive, &bytes).unwrap();
        let sum = import(
            &vault,
            &[Source::Path(archive.clone())],
            &Silent,
            &CancelToken::new(),
        )
        .unwrap();
        assert_eq!(
            (sum.instances_added, sum.studies, sum.series),
            (8, 1, 1),
            "5 top-level images, the one named ../../etc/x and 2 in the nested zip: {sum:#?}"
        );
        let err = |needle: &str| {
            sum.errors
                .iter()
                .find(|e| e.path.ends_with(needle))
                .unwrap_or_else(|| panic!("no error for {needle}: {:#?}", sum.errors))
                .error
                .clone()
        };
        assert_eq!(sum.skipped, 1, "VIEWER.EXE is not DICOM");
        assert!(err("bomb.bin").contains("1000:1"));
        assert!(err("README.TXT").contains("password"));
        assert!(err("deeper.zip").contains("zip inside a zip inside a zip"));
        assert!(err("LIAR").contains("more than its header says"));
        assert_eq!(sum.errors.len(), 4, "{:#?}", sum.errors);
        assert!(sum
            .errors
            .iter()
            .any(|e| e.path == "from-the-clinic.zip/nested.zip/inner/deeper.zip"));
        // nothing was written under an entry's name, and no temporary file is left
        assert!(!dir.join("../../etc/x").exists() && !src.join("../../etc/x").exists());
        assert_eq!(tmp::leftovers(&dir.join("import-tmp")), 0);

        // the same zip in a folder, under a name without extension, next to loose files
        let folder = tmp::test_dir("zipfolder");
        std::fs::write(folder.join("ARCHIVE"), &bytes).unwrap();
        std::fs::write(folder.join("IM9"), &s[8]).unwrap();
        let again = import(
            &vault,
            &[Source::Path(folder)],
            &Silent,
            &CancelToken::new(),
        )
        .unwrap();
        assert_eq!(
            (again.instances_added, again.duplicates),
            (1, 8),
            "{again:#?}"
        );
        assert_eq!(again.errors.len(), 4);
        assert!(again.errors.iter().all(|e| e.path.starts_with("ARCHIVE/")));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::remove_dir_all(&src).ok();
    }

    /// A file over [`IN_MEMORY`] goes three ways: read whole from a folder, streamed from a zip
    /// entry through an encrypted temporary file, streamed from a downloaded file. All three
    /// store the same bytes (the preamble zeroed) under the same digest (the second and third
    /// are duplicates of the first).
    #[test]
    fn a_large_file_is_stored_alike_from_a_folder_a_zip_and_a_link() {
        use crate::import::IN_MEMORY;
        let (dir, vault) = vault("ziplarge");
        let mut cine = phantom::cine(40, 512, 512).unwrap();
        assert!(cine.len() as u64 > IN_MEMORY);
        assert_eq!(&cine[128..132], b"DICM");
        cine[..128].fill(b'X'); // a preamble, which the vault does not keep
        let src = tmp::test_dir("ziplarge-src");
        std::fs::write(src.join("CINE"), &cine).unwrap();
        std::fs::write(
            src.join("cine.zip"),
            zip_of(&[("CINE", &cine, false), ("CINE2", &cine, true)]),
        )
        .unwrap();
        let run = |s: Source| import(&vault, &[s], &Silent, &CancelToken::new()).unwrap();
        let first = run(Source::Path(src.join("CINE")));
        assert_eq!(first.instances_added, 1, "{first:#?}");
        let zipped = run(Source::Path(src.join("cine.zip")));
        assert_eq!(
            (zipped.instances_added, zipped.duplicates),
            (0, 2),
            "{zipped:#?}"
        );

        // by link: one canned answer from a loopback server
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let body = cine.clone();
        let server = std::thread::spawn(move || {
            use std::io::{BufRead, BufReader};
            let (mut s, _) = l.accept().unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            while r.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/dicom\r\n\
                 Content-Length: {}\r\n\r\n",
                body.len()
            );
            s.write_all(head.as_bytes()).unwrap();
            s.write_all(&body).unwrap();
        });
        let linked = run(Source::Url {
            url: format!("http://127.0.0.1:{port}/cine.dcm"),
            bearer: None,
        });
        server.join().unwrap();
        assert_eq!(
            (linked.instances_added, linked.duplicates),
            (0, 1),
            "{linked:#?}"
        );

        let study = vault.studies().unwrap()[0].id.clone();
        let series = vault.series(&study).unwrap()[0].id.clone();
        let rows = crate::library::instances(&vault, &series).unwrap();
        assert_eq!(rows.len(), 1);
        let stored = vault.read_instance(&study, &rows[0].id).unwrap();
        let mut expected = cine.clone();
        expected[..128].fill(0);
        assert!(stored[..] == expected[..]);
        assert_eq!(tmp::leftovers(&dir.join("import-tmp")), 0);
        std::fs::remove_dir_all(&dir).ok();
        std::fs::remove_dir_all(&src).ok();
    }

    #[test]
    fn a_damaged_or_empty_archive_is_a_file_error() {
        let (dir, vault) = vault("zipbad");
        let src = tmp::test_dir("zipbad-src");
        let mut cut = zip_of(&[("IM1", &series(1, 1)[0], true)]);
        cut.truncate(cut.len() / 2);
        std::fs::write(src.join("cut.zip"), &cut).unwrap();
        let s = import(
            &vault,
            &[Source::Path(src.join("cut.zip"))],
            &Silent,
            &CancelToken::new(),
        )
        .unwrap();
        assert_eq!(s.instances_added, 0);
        assert_eq!(s.errors.len(), 1, "{s:#?}");
        assert_eq!(s.errors[0].path, "cut.zip");
        std::fs::remove_dir_all(&dir).ok();
        std::fs::remove_dir_all(&src).ok();
    }

    #[test]
    fn limits() {
        let e = |size, compressed| Entry {
            name: "x".into(),
            size,
            compressed,
            encrypted: false,
            method: CompressionMethod::Deflated,
            dir: false,
        };
        assert!(e(5 << 30, 4 << 30)
            .problem()
            .unwrap()
            .contains("over 4 GiB"));
        assert!(e(2 << 20, 3 << 10).problem().is_none()); // 682:1
        assert!(e(2 << 20, 2 << 10).problem().unwrap().contains("1000:1")); // 1024:1
        assert!(
            e(1 << 20, 1).problem().is_none(),
            "small entries may compress well"
        );
        let mut b = Budget::default();
        assert!(b.take(MAX_TOTAL));
        assert!(!b.take(1));
        assert_eq!(display_name("a\u{0}b\n"), "a?b?");
    }
}
