//! Expanding an import source into candidate files: folders walked recursively (links not
//! followed), names taken as they are (CDs carry files without extension, upper-cased or mangled
//! names), DICOMDIR read to report the files it names that are missing.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use dicom_dictionary_std::tags;

use super::{FileError, Source};
use crate::dicom::{parse, ReadDepth};
use crate::error::{Error, Result};

/// One file to try.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Where it is, for reading.
    pub path: PathBuf,
    /// How to name it in reports: relative to the source.
    pub display: String,
    pub size: u64,
}

impl Candidate {
    pub fn read(&self) -> Result<Vec<u8>> {
        std::fs::read(&self.path).map_err(|source| Error::Io {
            what: "the file",
            source,
        })
    }
}

/// What a source expands to.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<Candidate>,
    /// Files a DICOMDIR names that are not there.
    pub missing: Vec<FileError>,
}

/// Files larger than this are not DICOM objects a patient receives (and would not fit a phone).
const MAX_FILE: u64 = 4 << 30;

pub fn expand(source: &Source) -> Result<Found> {
    match source {
        Source::Path(p) => {
            let meta = std::fs::metadata(p).map_err(|source| Error::Io {
                what: "the import source",
                source,
            })?;
            let mut found = Found::default();
            if meta.is_dir() {
                walk(p, p, &mut found, 0)?;
                found.files.sort_by(|a, b| a.display.cmp(&b.display));
                check_dicomdirs(p, &mut found);
            } else {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                found.files.push(Candidate {
                    path: p.clone(),
                    display: name,
                    size: meta.len(),
                });
            }
            Ok(found)
        }
    }
}

fn walk(root: &Path, dir: &Path, found: &mut Found, depth: u32) -> Result<()> {
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
            walk(root, &path, found, depth + 1)?;
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
            found.files.push(Candidate {
                path,
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
        .filter(|c| {
            c.path
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("DICOMDIR"))
        })
        .cloned()
        .collect();
    for d in dirs {
        let Ok(bytes) = d.read() else { continue };
        let Ok(obj) = parse(&bytes, ReadDepth::Full) else {
            found.missing.push(FileError {
                path: d.display.clone(),
                error: "unreadable DICOMDIR (the files are searched anyway)".into(),
            });
            continue;
        };
        let base = Path::new(&d.display)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let records = obj
            .element_opt(tags::DIRECTORY_RECORD_SEQUENCE)
            .ok()
            .flatten()
            .and_then(|e| e.items().map(|i| i.to_vec()))
            .unwrap_or_default();
        for r in records {
            let Some(id) = r
                .element_opt(tags::REFERENCED_FILE_ID)
                .ok()
                .flatten()
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
                });
            }
        }
    }
    let _ = root;
}
