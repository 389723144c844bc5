//! Import: what a patient receives (a CD or USB copy, a folder, loose files, a zip, a link) into
//! the vault. Sources are expanded into candidate files ([`scan`]); each candidate is read, parsed
//! and checked on its own, so that one bad file is reported and the import goes on. Stored files
//! are committed in groups (group commit): their blobs written, then one durable barrier for the
//! group, then their index rows in one transaction ([`Ingest`]). Progress moves file by file as
//! files are staged; the summary counts a file once its group is committed, and a cancel commits
//! the group staged, so a cancel keeps what was reported done and a kill never leaves a
//! half-imported instance (it loses at most the group not yet committed, which a second import
//! adds).

pub mod multipart;
pub mod scan;
pub mod url;
pub mod zip;

use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::dicom::{ByteSource, DicomImage, WHOLE_FILE_LIMIT};
use crate::error::{Error, Result};
use crate::vault::{Batch, Storable, Stored, Vault};

/// Where to import from.
#[derive(Clone, PartialEq, Eq)]
pub enum Source {
    /// A file, a folder (searched recursively; a DICOMDIR in it is read), or a zip archive.
    Path(PathBuf),
    /// A provider link: a DICOMweb WADO-RS study URL (`.../studies/<uid>`), or a link to a zip
    /// (or a single DICOM file). https, or http to this device only; `bearer` is sent as an
    /// `Authorization: Bearer` token and never appears in errors or `Debug` output.
    Url { url: String, bearer: Option<String> },
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Path(p) => f.debug_tuple("Path").field(p).finish(),
            // the link names a study (its UID) and the token opens it: neither is printed
            Source::Url { bearer, .. } => f
                .debug_struct("Url")
                .field("url", &"(hidden)")
                .field("bearer", &bearer.as_ref().map(|_| "(hidden)"))
                .finish(),
        }
    }
}

/// Progress, as the import goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportEvent {
    /// The sources were searched: this many candidate files, this many bytes.
    Found { files: u64, bytes: u64 },
    /// One more file done (stored, skipped as duplicate, or failed).
    Processed { done: u64, files: u64, bytes: u64 },
    /// A file could not be imported; the import goes on.
    FileError { path: String, error: String },
}

/// Receives import progress. Called from the importing thread.
pub trait ImportListener: Send + Sync {
    fn on_event(&self, event: &ImportEvent);
}

pub use crate::task::{CancelToken, Silent};

impl ImportListener for Silent {
    fn on_event(&self, _: &ImportEvent) {}
}

/// One file that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileError {
    /// Where it was, relative to the source named (never a patient attribute).
    pub path: String,
    /// The technical reason (for logs and the CLI).
    pub error: String,
    /// The kind of problem, which the import screen puts in the patient's words.
    pub problem: Problem,
}

/// Why a file could not be imported, as a patient is told it (`screens::import` words it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Problem {
    /// The file could not be read (the disk, stick or folder went away, no permission).
    Unreadable,
    /// It reads but is damaged or incomplete.
    Damaged,
    /// An image of a kind Scanpass cannot store or show yet.
    Unsupported,
    /// Named by the disc's index (DICOMDIR) but not on the disc.
    Missing,
    /// Larger than the import accepts.
    TooLarge,
    /// A zip entry that is damaged, protected or of an unsupported compression.
    Archive,
    /// A download that ended early.
    Incomplete,
    /// The preview picture of a series could not be made (the images are stored).
    Thumbnail,
}

impl Problem {
    /// The kind of problem an error is.
    pub fn of(e: &Error) -> Problem {
        match e {
            Error::Io { .. } | Error::Locked | Error::KeyStore(_) | Error::Storage(_) => {
                Problem::Unreadable
            }
            Error::UnsupportedTransferSyntax { .. }
            | Error::UnsupportedPixelData(_)
            | Error::NoPixelData => Problem::Unsupported,
            Error::Archive(_) => Problem::Archive,
            Error::Network(_) => Problem::Incomplete,
            _ => Problem::Damaged,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Studies that received new instances.
    pub studies: usize,
    /// Series that received new instances.
    pub series: usize,
    pub instances_added: usize,
    /// Files already in the vault with the same content.
    pub duplicates: usize,
    /// Files whose SOP Instance UID is already in the vault with other content (kept, flagged).
    pub conflicts: usize,
    /// Files that were not DICOM (viewers, autorun files, web pages on a CD), skipped.
    pub skipped: usize,
    pub errors: Vec<FileError>,
    /// How many different patients the imported files belong to.
    pub patients: usize,
    /// More than one patient: the app should say so before the patient shares anything.
    pub mixed_patients: bool,
    pub cancelled: bool,
}

/// Import `sources` into an unlocked vault.
pub fn import(
    vault: &Vault,
    sources: &[Source],
    listener: &dyn ImportListener,
    cancel: &CancelToken,
) -> Result<ImportSummary> {
    #[cfg(test)]
    let groups = TEST_GROUPS.with(|g| g.get()).unwrap_or_default();
    #[cfg(not(test))]
    let groups = Groups::default();
    import_in_groups(vault, sources, listener, cancel, groups)
}

#[cfg(test)]
thread_local! {
    /// Group bounds for the imports this thread runs through [`import`] (tests of callers, such
    /// as the import screen, that must see a cancel land between groups).
    pub(crate) static TEST_GROUPS: std::cell::Cell<Option<Groups>> =
        const { std::cell::Cell::new(None) };
}

/// [`import`] with groups of other bounds (tests make them small).
pub(crate) fn import_in_groups(
    vault: &Vault,
    sources: &[Source],
    listener: &dyn ImportListener,
    cancel: &CancelToken,
    groups: Groups,
) -> Result<ImportSummary> {
    if !vault.is_unlocked() {
        return Err(Error::Locked);
    }
    let mut summary = ImportSummary::default();
    let mut candidates = Vec::new();
    let ctx = scan::Context {
        tmp: vault.import_tmp_dir(),
        cancel,
    };
    for source in sources {
        let found = match scan::expand(source, &ctx) {
            Ok(found) => found,
            Err(Error::Cancelled) => {
                summary.cancelled = true;
                return Ok(summary);
            }
            Err(e) => return Err(e),
        };
        for e in found.missing {
            listener.on_event(&ImportEvent::FileError {
                path: e.path.clone(),
                error: e.error.clone(),
            });
            summary.errors.push(e);
        }
        candidates.extend(found.files);
    }
    let total_bytes: u64 = candidates.iter().map(|c| c.size).sum();
    let mut ingest = Ingest::begin(vault, listener, candidates.len() as u64, total_bytes)?;
    ingest.groups = groups;
    ingest.summary.errors = summary.errors;
    // two stages on two threads: this one stores (encrypts and writes each blob, and commits
    // them in groups: one barrier, then their index rows); a second reads, parses and hashes the
    // next files meanwhile, so that the wait for the disk overlaps with the CPU work. The queue
    // between them is short.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Option<Prepared>>>(2);
    let candidates = &candidates;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut reader = scan::Reader::new(ctx.tmp.clone());
            for c in candidates {
                let prepared = reader.read(c, cancel).and_then(prepare_content);
                if cancel.is_cancelled() || tx.send(prepared).is_err() {
                    break; // cancelled, or the storing side stopped
                }
            }
        });
        for c in candidates {
            // the reading side stops only when cancelled; a group waiting for a slow source
            // (a CD, a download) is committed when due, not held until the next file
            let prepared = loop {
                match rx.recv_timeout(ingest.due_in()) {
                    Ok(p) => break Some(p),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        if cancel.is_cancelled() {
                            break None;
                        }
                        ingest.commit_if_due()?;
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break None,
                }
            };
            let Some(prepared) = prepared.filter(|_| !cancel.is_cancelled()) else {
                ingest.summary.cancelled = true;
                break;
            };
            ingest.add_prepared(&c.display, c.size, prepared)?;
        }
        drop(rx); // stops the reading side if this side stopped first
        Ok::<(), Error>(())
    })?;
    ingest.finish()
}

/// Files that arrive one by one as bytes, stored with the same checks, dedupe, thumbnails and
/// summary as [`import`] (which uses it; a share being received uses it too).
///
/// Group commit: the files stored are staged into a [`Batch`] (blobs written, not yet durable)
/// that is committed (one durable barrier, then the index rows in one transaction) when it holds
/// [`GROUP_FILES`] files or [`GROUP_BYTES`] bytes, when it is [`GROUP_AGE`] old, and at
/// [`Ingest::finish`], a cancelled ingest's too. A file is reported done
/// ([`ImportEvent::Processed`]) as it is staged, so that progress moves file by file, and counted
/// in the summary when its group commits; as a cancel keeps the group, what was reported done is
/// what is stored. An ingest dropped without finishing (a storage failure stopped it; or the
/// process died) stores nothing of the group not yet committed.
pub struct Ingest<'a> {
    vault: &'a Vault,
    listener: &'a dyn ImportListener,
    /// The summary so far; `cancelled` and `errors` may be set by the caller.
    pub summary: ImportSummary,
    studies: HashSet<String>,
    series: BTreeSet<String>,
    patients: HashSet<String>,
    files: u64,
    done: u64,
    bytes_done: u64,
    /// the group being staged
    batch: Batch,
    /// what each file of the group did, counted in the summary when the group commits
    pending: Vec<Outcome>,
    /// when the group's first file was staged
    opened: Option<Instant>,
    pub(crate) groups: Groups,
}

/// The bounds of a group commit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Groups {
    pub files: usize,
    pub bytes: u64,
    pub age: Duration,
}

impl Default for Groups {
    fn default() -> Self {
        Groups {
            files: GROUP_FILES,
            bytes: GROUP_BYTES,
            age: GROUP_AGE,
        }
    }
}

/// Most files in one group commit.
pub const GROUP_FILES: usize = 1000;
/// Most bytes of blobs in one group commit (what a kill or cancel can cost to redo, and the
/// dirty pages one barrier waits for). Memory does not grow with it: a group holds rows, not
/// file bytes.
pub const GROUP_BYTES: u64 = 64 << 20;
/// Oldest a group gets before it is committed (progress and what a kill can cost stay bounded
/// when files come slowly).
pub const GROUP_AGE: Duration = Duration::from_secs(1);

/// What one file of a group did, applied to the summary when the group commits.
enum Outcome {
    Added {
        study_id: String,
        series_id: String,
        conflict: bool,
        patient: String,
    },
    Duplicate,
    Skipped,
    Failed,
}

impl<'a> Ingest<'a> {
    /// Begin: `files` and `bytes` expected (reported to the listener as found).
    pub fn begin(
        vault: &'a Vault,
        listener: &'a dyn ImportListener,
        files: u64,
        bytes: u64,
    ) -> Result<Ingest<'a>> {
        if !vault.is_unlocked() {
            return Err(Error::Locked);
        }
        listener.on_event(&ImportEvent::Found { files, bytes });
        Ok(Ingest {
            vault,
            listener,
            summary: ImportSummary::default(),
            studies: HashSet::new(),
            series: BTreeSet::new(),
            patients: HashSet::new(),
            files,
            done: 0,
            bytes_done: 0,
            batch: Batch::default(),
            pending: Vec::new(),
            opened: None,
            groups: Groups::default(),
        })
    }

    /// Store one file (or record why it could not be read). Only errors that stop the whole
    /// import (a locked vault, a storage failure) are returned; the others go to the summary.
    pub fn add(&mut self, display: &str, size: u64, bytes: Result<Vec<u8>>) -> Result<()> {
        self.add_prepared(display, size, bytes.and_then(prepare))
    }

    /// [`Ingest::add`] of a file already read and checked by [`prepare`].
    fn add_prepared(
        &mut self,
        display: &str,
        size: u64,
        prepared: Result<Option<Prepared>>,
    ) -> Result<()> {
        let stored = prepared.and_then(|p| match p {
            Some(p) => self
                .vault
                .stage(&mut self.batch, &p.file, &p.image)
                .map(Some),
            None => Ok(None),
        });
        let outcome = match stored {
            Ok(Some(Stored::Added {
                study_id,
                series_id,
                conflict,
                patient,
            })) => Outcome::Added {
                study_id,
                series_id,
                conflict,
                patient,
            },
            Ok(Some(Stored::Duplicate)) => Outcome::Duplicate,
            Ok(None) => Outcome::Skipped,
            Err(e @ (Error::Locked | Error::Storage(_) | Error::KeyStore(_))) => {
                self.discard();
                return Err(e);
            }
            Err(e) => {
                self.error(display, &e);
                Outcome::Failed
            }
        };
        self.pending.push(outcome);
        // reported as it is staged, so that progress moves file by file; a cancel keeps the
        // group (`finish` commits it), so what was reported done is what is stored, unless the
        // process dies or the storage fails before the group commits
        self.done += 1;
        self.bytes_done += size;
        self.listener.on_event(&ImportEvent::Processed {
            done: self.done,
            files: self.files,
            bytes: self.bytes_done,
        });
        if self.opened.is_none() && !self.batch.is_empty() {
            self.opened = Some(Instant::now());
        }
        if self.batch.is_empty()
            || self.pending.len() >= self.groups.files
            || self.batch.bytes() >= self.groups.bytes
        {
            self.commit()?;
        } else {
            self.commit_if_due()?;
        }
        Ok(())
    }

    /// How long until the group being staged is due ([`GROUP_AGE`]); [`GROUP_AGE`] when there
    /// is none.
    fn due_in(&self) -> Duration {
        match self.opened {
            Some(t) => self.groups.age.saturating_sub(t.elapsed()),
            None => self.groups.age,
        }
    }

    /// Commit the group being staged if it is [`GROUP_AGE`] old.
    pub fn commit_if_due(&mut self) -> Result<()> {
        match self.opened {
            Some(t) if t.elapsed() >= self.groups.age => self.commit(),
            _ => Ok(()),
        }
    }

    /// Commit the group being staged: its blobs made durable, its rows written, then its files
    /// counted in the summary. On an error none of them is stored (the import stops).
    pub fn commit(&mut self) -> Result<()> {
        self.opened = None;
        if let Err(e) = self.vault.commit(&mut self.batch) {
            self.pending.clear();
            return Err(e);
        }
        for outcome in std::mem::take(&mut self.pending) {
            match outcome {
                Outcome::Added {
                    study_id,
                    series_id,
                    conflict,
                    patient,
                } => {
                    self.summary.instances_added += 1;
                    self.summary.conflicts += conflict as usize;
                    self.studies.insert(study_id);
                    self.series.insert(series_id);
                    self.patients.insert(patient);
                }
                Outcome::Duplicate => self.summary.duplicates += 1,
                Outcome::Skipped => self.summary.skipped += 1,
                Outcome::Failed => {}
            }
        }
        Ok(())
    }

    /// Drop the group being staged: nothing of it is stored or reported.
    fn discard(&mut self) {
        self.vault.discard(&mut self.batch);
        self.pending.clear();
        self.opened = None;
    }

    /// Report a file that could not be stored.
    pub fn error(&mut self, display: &str, e: &Error) {
        let fe = FileError {
            path: display.to_string(),
            error: e.to_string(),
            problem: Problem::of(e),
        };
        self.listener.on_event(&ImportEvent::FileError {
            path: fe.path.clone(),
            error: fe.error.clone(),
        });
        self.summary.errors.push(fe);
    }

    /// Commit the last group (cancelled or not: its files were reported done), then thumbnails
    /// for the series that gained instances, and the summary.
    pub fn finish(mut self) -> Result<ImportSummary> {
        self.commit()?;
        let vault = self.vault;
        let summary = std::mem::take(&mut self.summary);
        let studies = std::mem::take(&mut self.studies);
        let series = std::mem::take(&mut self.series);
        let patients = std::mem::take(&mut self.patients);
        drop(self);
        let mut summary = summary;
        // series that gained instances, and any an interrupted import left without a thumbnail
        let mut need: BTreeSet<String> = series.iter().cloned().collect();
        need.extend(vault.series_without_thumbnail()?);
        for s in &need {
            if let Err(e) = crate::library::make_thumbnail(vault, s) {
                summary.errors.push(FileError {
                    path: "(thumbnail)".into(),
                    error: e.to_string(),
                    problem: Problem::Thumbnail,
                });
            }
        }
        summary.studies = studies.len();
        summary.series = series.len();
        summary.patients = patients.len();
        summary.mixed_patients = patients.len() > 1;
        Ok(summary)
    }
}

impl Drop for Ingest<'_> {
    /// An ingest left unfinished (an error stopped it) stores nothing more.
    fn drop(&mut self) {
        if !self.batch.is_empty() {
            self.discard();
        }
    }
}

/// A file read and checked, ready to be stored: its bytes as the vault keeps them, and its parsed
/// header.
struct Prepared {
    file: Storable,
    image: DicomImage,
}

/// A candidate's bytes: in memory (files up to [`IN_MEMORY`]), or a source read as needed (a
/// larger zip entry or downloaded file, in an encrypted temporary file), so that what a crafted
/// archive makes the import hold is bounded by [`IN_MEMORY`] a file, not by what it declares.
pub enum Content {
    Bytes(Vec<u8>),
    Stream(Box<dyn ByteSource + Send + Sync>),
}

/// Largest zip entry or downloaded file read whole into memory; larger ones are streamed (as
/// large as a file the DICOM reader reads whole from disk).
pub const IN_MEMORY: u64 = WHOLE_FILE_LIMIT;

/// Most of a streamed file read whole to parse it: its header (everything before the pixel data;
/// an enhanced multi-frame object's per-frame groups run to a few MiB), or all of a deflated data
/// set or one the DICOM reader cannot walk. A larger one is refused, not read.
pub const MAX_WHOLE: u64 = 32 << 20;

/// [`prepare`] of either kind of content.
fn prepare_content(content: Content) -> Result<Option<Prepared>> {
    let source = match content {
        Content::Bytes(bytes) => return prepare(bytes),
        Content::Stream(source) => std::sync::Arc::<dyn ByteSource + Send + Sync>::from(source),
    };
    let io = |source| Error::Io {
        what: "a file being imported",
        source,
    };
    let mut head = vec![0u8; source.len().min(132) as usize];
    source.read_at(0, &mut head).map_err(io)?;
    if !crate::dicom::looks_like_dicom(&head) {
        return Ok(None);
    }
    let image = match DicomImage::from_reader_within(Box::new(Shared(source.clone())), MAX_WHOLE) {
        Ok(i) => i,
        Err(Error::NotDicom(_)) if !crate::dicom::has_dicom_magic(&head) => return Ok(None),
        Err(e) => return Err(e),
    };
    if is_dicomdir(&image) {
        return Ok(None);
    }
    Ok(Some(Prepared {
        file: Storable::stream(Box::new(Shared(source)))?,
        image,
    }))
}

/// One source read by two readers (the parsed image and the bytes to store).
struct Shared(std::sync::Arc<dyn ByteSource + Send + Sync>);

impl ByteSource for Shared {
    fn len(&self) -> u64 {
        self.0.len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        self.0.read_at(offset, buf)
    }
}

/// A DICOMDIR (on a CD, or in a zip of one): read by the scan, not stored. Its SOP class is in
/// the file meta group only: the data set has none.
fn is_dicomdir(image: &DicomImage) -> bool {
    const DICOMDIR: &str = "1.2.840.10008.1.3.10";
    let meta_class = image.header().meta().media_storage_sop_class_uid();
    image.summary().sop_class_uid.as_deref() == Some(DICOMDIR)
        || meta_class.trim_end_matches(['\0', ' ']) == DICOMDIR
}

/// Check one file and do the CPU work of storing it (parse, hash). `Ok(None)`: not DICOM,
/// skipped.
fn prepare(bytes: Vec<u8>) -> Result<Option<Prepared>> {
    if !crate::dicom::looks_like_dicom(&bytes) {
        return Ok(None);
    }
    let image = match DicomImage::from_bytes(bytes.clone()) {
        Ok(i) => i,
        // a file that only vaguely looked like a bare data set: not DICOM after all
        Err(Error::NotDicom(_)) if !crate::dicom::has_dicom_magic(&bytes) => return Ok(None),
        Err(e) => return Err(e),
    };
    if is_dicomdir(&image) {
        return Ok(None);
    }
    Ok(Some(Prepared {
        file: Storable::new(bytes),
        image,
    }))
}
