//! Where an export's bytes go: a temporary folder or zip beside the target, renamed into place
//! at the end (or moved into an existing folder, DICOMDIR last); removed on error or cancel.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::ExportFormat;
use crate::error::{Error, Result};
use crate::fileset::FileSink;

enum Target {
    /// A new folder: `tmp` is renamed to `out`.
    NewFolder,
    /// An existing folder: `tmp` is inside it; its entries are moved out, DICOMDIR last.
    IntoFolder,
    Zip(Option<Box<zip::ZipWriter<BufWriter<File>>>>),
}

pub(super) struct Sink {
    out: PathBuf,
    tmp: PathBuf,
    target: Target,
    done: bool,
}

const ENTRIES: [&str; 3] = ["DICOM", "README.TXT", "DICOMDIR"];

fn io(what: &'static str) -> impl Fn(std::io::Error) -> Error {
    move |source| Error::Io { what, source }
}

fn zip_err(e: zip::result::ZipError) -> Error {
    Error::Io {
        what: "the export zip",
        source: match e {
            zip::result::ZipError::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        },
    }
}

fn temp_name(prefix: &str) -> String {
    format!(
        "{prefix}.scanpass-partial-{}",
        hex::encode(rand::random::<[u8; 8]>())
    )
}

impl Sink {
    pub(super) fn begin(out: &Path, format: ExportFormat) -> Result<Sink> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Error::InvalidArgument("the export needs a folder or file name".into())
            })?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        match format {
            ExportFormat::Folder if out.is_dir() => {
                if let Some(taken) = ENTRIES.iter().find(|e| out.join(e).exists()) {
                    return Err(Error::InvalidArgument(format!(
                        "the export folder already holds {taken}: choose an empty folder"
                    )));
                }
                let tmp = out.join(temp_name(""));
                std::fs::create_dir(&tmp).map_err(io("the export folder"))?;
                Ok(Sink {
                    out: out.to_path_buf(),
                    tmp,
                    target: Target::IntoFolder,
                    done: false,
                })
            }
            ExportFormat::Folder => {
                if out.exists() {
                    return Err(Error::InvalidArgument(
                        "the export target exists and is not a folder".into(),
                    ));
                }
                std::fs::create_dir_all(&parent).map_err(io("the export folder"))?;
                let tmp = parent.join(temp_name(&format!(".{name}")));
                std::fs::create_dir(&tmp).map_err(io("the export folder"))?;
                Ok(Sink {
                    out: out.to_path_buf(),
                    tmp,
                    target: Target::NewFolder,
                    done: false,
                })
            }
            ExportFormat::Zip => {
                if out.exists() {
                    return Err(Error::InvalidArgument(
                        "the export file already exists".into(),
                    ));
                }
                std::fs::create_dir_all(&parent).map_err(io("the export folder"))?;
                let tmp = parent.join(temp_name(&format!(".{name}")));
                let file = File::options()
                    .write(true)
                    .create_new(true)
                    .open(&tmp)
                    .map_err(io("the export zip"))?;
                Ok(Sink {
                    out: out.to_path_buf(),
                    tmp,
                    target: Target::Zip(Some(Box::new(zip::ZipWriter::new(BufWriter::new(file))))),
                    done: false,
                })
            }
        }
    }

    /// Add a file at `rel` ('/'-separated) made of `parts` one after the other.
    fn add(&mut self, rel: &str, parts: &[&[u8]], compress: bool) -> Result<()> {
        let len: u64 = parts.iter().map(|p| p.len() as u64).sum();
        match &mut self.target {
            Target::Zip(zip) => {
                let zip = zip
                    .as_mut()
                    .ok_or_else(|| Error::Storage("zip closed".into()))?;
                let method = if compress {
                    zip::CompressionMethod::Deflated
                } else {
                    zip::CompressionMethod::Stored
                };
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(method)
                    .last_modified_time(zip_now())
                    .unix_permissions(0o644)
                    .large_file(len >= 0xFFFF_0000);
                zip.start_file(rel, options).map_err(zip_err)?;
                for p in parts {
                    zip.write_all(p).map_err(io("the export zip"))?;
                }
                Ok(())
            }
            Target::NewFolder | Target::IntoFolder => {
                let path = rel.split('/').fold(self.tmp.clone(), |p, c| p.join(c));
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io("the export folder"))?;
                }
                let mut f = File::create(&path).map_err(io("an exported file"))?;
                for p in parts {
                    f.write_all(p).map_err(io("an exported file"))?;
                }
                f.sync_all().map_err(io("an exported file"))
            }
        }
    }

    /// Put the export in place.
    pub(super) fn commit(mut self) -> Result<()> {
        match &mut self.target {
            Target::Zip(zip) => {
                let zip = zip
                    .take()
                    .ok_or_else(|| Error::Storage("zip closed".into()))?;
                let file = (*zip)
                    .finish()
                    .map_err(zip_err)?
                    .into_inner()
                    .map_err(|e| Error::Io {
                        what: "the export zip",
                        source: e.into_error(),
                    })?;
                file.sync_all().map_err(io("the export zip"))?;
                drop(file);
                rename_new(&self.tmp, &self.out).map_err(io("the export zip"))?;
            }
            Target::NewFolder => {
                sync_dir(&self.tmp);
                rename_new(&self.tmp, &self.out).map_err(io("the export folder"))?;
            }
            Target::IntoFolder => {
                sync_dir(&self.tmp);
                let mut moved = Vec::new();
                for e in ENTRIES {
                    let to = self.out.join(e);
                    if let Err(err) = rename_new(&self.tmp.join(e), &to) {
                        for back in moved.iter().rev() {
                            let _ = std::fs::rename(self.out.join(back), self.tmp.join(back));
                        }
                        return Err(Error::Io {
                            what: "the export folder",
                            source: err,
                        });
                    }
                    moved.push(e);
                }
                let _ = std::fs::remove_dir(&self.tmp);
            }
        }
        if let Some(parent) = self.out.parent() {
            sync_dir(parent);
        }
        sync_dir(&self.out);
        self.done = true;
        Ok(())
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let Target::Zip(zip) = &mut self.target {
            drop(zip.take());
            let _ = std::fs::remove_file(&self.tmp);
        } else {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Rename, refusing to replace something that appeared at `to` meanwhile.
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    if to.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the export target appeared while exporting",
        ));
    }
    std::fs::rename(from, to)
}

/// Flush a folder's entries to disk (best effort: not every platform opens folders).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The current UTC time as a zip timestamp.
fn zip_now() -> zip::DateTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // civil date from days since 1970-01-01 (H. Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + (month <= 2) as i64;
    zip::DateTime::from_date_and_time(
        year.clamp(1980, 2107) as u16,
        month as u8,
        day as u8,
        (rem / 3600) as u8,
        (rem % 3600 / 60) as u8,
        (rem % 60) as u8,
    )
    .unwrap_or_default()
}

impl FileSink for Sink {
    fn add(&mut self, rel: &str, parts: &[&[u8]], compressible: bool) -> Result<()> {
        Sink::add(self, rel, parts, compressible)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn zip_time_is_plausible() {
        assert!(super::zip_now().year() >= 2024);
    }
}
