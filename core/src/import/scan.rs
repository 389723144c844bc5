//! Expanding an import source into candidate files: folders walked recursively (links not
//! followed), names taken as they are (CDs carry files without extension, upper-cased or mangled
//! names), DICOMDIR read to report the files it names that are missing; zip archives (found by
//! their bytes) listed entry by entry ([`super::zip`]); provider links fetched ([`super::url`]).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dicom_dictionary_std::tags;

use super::zip::{self as archive, Archive, Budget};
use super::{CancelToken, Content, FileError, Source, IN_MEMORY};
use crate::dicom::{parse, ByteSource, ReadDepth};
use crate::error::{Error, Result};
use crate::vault::scratch::Span;

/// One file to try.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where its bytes are.
    pub origin: Origin,
    /// How to name it in reports: relative to the source.
    pub display: String,
    pub size: u64,
}

/// Where a candidate's bytes come from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A file on disk.
    File(PathBuf),
    /// Entry `index` of a zip archive.
    Zip { archive: Arc<Archive>, index: usize },
    /// A byte range of a temporary file (one part of a downloaded DICOMweb response, or a
    /// downloaded DICOM file).
    Span(Span),
}

impl Candidate {
    /// Read the whole candidate (a zip entry reopens its archive; see [`Reader`] for many).
    pub fn read(&self) -> Result<Vec<u8>> {
        Reader::default().read_whole(self)
    }
}

/// Reads candidates one after another, keeping the last zip archive open.
#[derive(Default)]
pub struct Reader {
    zip: Option<(Arc<Archive>, archive::Open)>,
    /// Where large zip entries are streamed to; none: everything is read whole.
    tmp: Option<PathBuf>,
}

impl Reader {
    /// A reader that streams zip entries over [`IN_MEMORY`] into temporary files in `tmp`.
    pub fn new(tmp: PathBuf) -> Self {
        Reader {
            zip: None,
            tmp: Some(tmp),
        }
    }

    fn archive(&mut self, a: &Arc<Archive>) -> Result<&mut archive::Open> {
        let open = match self.zip.take() {
            Some((cached, open)) if Arc::ptr_eq(&cached, a) => open,
            _ => archive::open(a)?,
        };
        let (_, open) = self.zip.insert((a.clone(), open));
        Ok(open)
    }

    /// A candidate's content: in memory up to [`IN_MEMORY`], else streamed (a zip entry through
    /// an encrypted temporary file, a part of a download from its own).
    pub fn read(&mut self, c: &Candidate, cancel: &CancelToken) -> Result<Content> {
        match &c.origin {
            Origin::Zip { archive: a, index } if c.size > IN_MEMORY => {
                let Some(tmp) = self.tmp.clone() else {
                    return self.read_whole(c).map(Content::Bytes);
                };
                let open = self.archive(a)?;
                let t = archive::stream_entry(open, *index, &tmp, cancel)?;
                Ok(Content::Stream(Box::new(t)))
            }
            Origin::Span(span) if span.len > IN_MEMORY && span.len <= MAX_FILE => {
                Ok(Content::Stream(Box::new(span.clone())))
            }
            _ => self.read_whole(c).map(Content::Bytes),
        }
    }

    /// A candidate's bytes, whole.
    pub fn read_whole(&mut self, c: &Candidate) -> Result<Vec<u8>> {
        match &c.origin {
            Origin::File(path) => std::fs::read(path).map_err(|source| Error::Io {
                what: "the file",
                source,
            }),
            Origin::Zip { archive: a, index } => archive::read_entry(self.archive(a)?, *index),
            Origin::Span(span) => {
                let io = |source| Error::Io {
                    what: "a downloaded file",
                    source,
                };
                let len = span.len().min(MAX_FILE) as usize;
                let mut buf = Vec::new();
                buf.try_reserve_exact(len)
                    .map_err(|_| io(std::io::ErrorKind::OutOfMemory.into()))?;
                buf.resize(len, 0);
                span.read_at(0, &mut buf).map_err(io)?;
                Ok(buf)
            }
        }
    }
}

/// What a source expands to.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<Candidate>,
    /// Problems found while searching: files a DICOMDIR names that are not there, zip entries
    /// not opened, a cut download.
    pub missing: Vec<FileError>,
}

/// What expanding a source needs besides the source.
pub struct Context<'a> {
    /// Where temporary files go (downloads, nested zips).
    pub tmp: PathBuf,
    pub cancel: &'a CancelToken,
}

/// Files larger than this are not DICOM objects a patient receives (and would not fit a phone).
pub(crate) const MAX_FILE: u64 = 4 << 30;

pub fn expand(source: &Source, ctx: &Context) -> Result<Found> {
    let mut budget = Budget::default();
    match source {
        Source::Url { url, bearer } => {
            let mut found = Found::default();
            super::url::expand(url, bearer.as_deref(), ctx, &mut budget, &mut found)?;
            Ok(found)
        }
        Source::Path(p) => {
            let meta = std::fs::metadata(p).map_err(|source| Error::Io {
                what: "the import source",
                source,
            })?;
            let mut found = Found::default();
            if meta.is_dir() {
                walk(p, p, &mut found, 0, ctx, &mut budget)?;
                found.files.sort_by(|a, b| a.display.cmp(&b.display));
                check_dicomdirs(p, &mut found);
            } else {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if archive::sniff(p) {
                    let a = Arc::new(Archive::file(p.clone()));
                    archive::expand(a, &name, false, ctx, &mut budget, &mut found)?;
                    return Ok(found);
                }
                found.files.push(Candidate {
                    origin: Origin::File(p.clone()),
                    display: name,
                    size: meta.len(),
                });
            }
            Ok(found)
        }
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    found: &mut Found,
    depth: u32,
    ctx: &Context,
    budget: &mut Budget,
) -> Result<()> {
    if depth > 32 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        what: "a folder",
        source,
    })?;
    for e in entries.flatten() {
        let Ok(ft) = e.file_type() else { continue };
        let path = e.path();
        if ft.is_dir() {
            walk(root, &path, found, depth + 1, ctx, budget)?;
        } else if ft.is_file() {
            let size = e.metadata().map(|m| m.len()).unwrap_or(0);
            if !(8..=MAX_FILE).contains(&size) {
                continue;
            }
            let display = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            if archive::sniff(&path) {
                let a = Arc::new(Archive::file(path));
                archive::expand(a, &display, false, ctx, budget, found)?;
                continue;
            }
            found.files.push(Candidate {
                origin: Origin::File(path),
                display,
                size,
            });
        }
    }
    Ok(())
}

/// For each DICOMDIR among the candidates, report the referenced files that do not exist.
fn check_dicomdirs(root: &Path, found: &mut Found) {
    let present: HashSet<String> = found
        .files
        .iter()
        .map(|c| c.display.to_ascii_uppercase().replace('\\', "/"))
        .collect();
    let dirs: Vec<Candidate> = found
        .files
        .iter()
        .filter(|c| match &c.origin {
            Origin::File(p) => p
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("DICOMDIR")),
            _ => false,
        })
        .cloned()
        .collect();
    for d in dirs {
        let Ok(bytes) = d.read() else { continue };
        let Ok(obj) = parse(&bytes, ReadDepth::Full) else {
            found.missing.push(FileError {
                path: d.display.clone(),
                error: "unreadable DICOMDIR (the files are searched anyway)".into(),
                problem: super::Problem::Damaged,
            });
            continue;
        };
        let base = Path::new(&d.display)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let records = obj
            .get(tags::DIRECTORY_RECORD_SEQUENCE)
            .and_then(|e| e.items().map(|i| i.to_vec()))
            .unwrap_or_default();
        for r in records {
            let Some(id) = r
                .get(tags::REFERENCED_FILE_ID)
                .and_then(|e| e.to_str().ok().map(|s| s.to_string()))
            else {
                continue;
            };
            let rel: Vec<&str> = id
                .split('\\')
                .map(|p| p.trim())
                .filter(|p| !p.is_empty())
                .collect();
            let joined = if base.is_empty() {
                rel.join("/")
            } else {
                format!("{base}/{}", rel.join("/"))
            };
            if !present.contains(&joined.to_ascii_uppercase()) {
                found.missing.push(FileError {
                    path: joined,
                    error: "named in DICOMDIR but missing".into(),
                    problem: super::Problem::Missing,
                });
            }
        }
    }
    let _ = root;
}
