//! The vault commands of `scanpass`: import, list, render, export, delete, lock, unlock. Each opens the
//! vault (creating it on first import), unlocks it through the core's desktop key rules and prints.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use scanpass_core::export::{self, ExportFormat, ExportListener};
use scanpass_core::import::{self, CancelToken, ImportEvent, ImportListener, Source};
use scanpass_core::render::{self, Voi};
use scanpass_core::vault::{keystore::desktop, Vault};

use crate::progress::FileBar;
use crate::{err, write, CliResult};

/// The vault folder: `--vault`, else the OS's data folder (e.g. `~/.local/share/scanpass/vault`).
pub fn vault_dir(arg: Option<PathBuf>) -> Result<PathBuf, String> {
    match arg {
        Some(d) => Ok(d),
        None => dirs::data_dir()
            .map(|d| d.join("scanpass").join("vault"))
            .ok_or_else(|| "no data folder on this system: pass --vault DIR".to_string()),
    }
}

pub(crate) fn passphrase() -> Option<String> {
    std::env::var("SCANPASS_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty())
}

/// Open and unlock an existing vault.
pub fn open(dir: &Path) -> Result<Vault, String> {
    if !Vault::exists(dir) {
        return Err(format!(
            "no vault in {} (import something first)",
            dir.display()
        ));
    }
    let vault = Vault::open(dir).map_err(err)?;
    desktop::unlock(&vault, passphrase().as_deref()).map_err(err)?;
    Ok(vault)
}

struct Progress {
    tty: bool,
    bar: FileBar,
}

impl ImportListener for Progress {
    fn on_event(&self, e: &ImportEvent) {
        if !self.tty {
            return;
        }
        match e {
            ImportEvent::Found { files, bytes } => self.bar.println(&format!(
                "found {files} files ({:.1} MB)",
                *bytes as f64 / 1e6
            )),
            ImportEvent::Processed { done, files, bytes } => {
                self.bar.set(*done, *files, Some(*bytes))
            }
            ImportEvent::FileError { path, error } => self.bar.println(&format!("{path}: {error}")),
        }
    }
}

/// `http://` and `https://` arguments are links (the core refuses plain http to other machines);
/// anything else is a path.
fn is_link(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

pub fn import(
    dir: &Path,
    sources: &[String],
    bearer_env: Option<&str>,
    as_json: bool,
) -> CliResult {
    let bearer = match bearer_env {
        Some(var) => Some(
            std::env::var(var)
                .ok()
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| format!("--bearer-env: {var} is not set"))?,
        ),
        None => None,
    };
    let vault = desktop::open_or_create(dir, passphrase().as_deref()).map_err(err)?;
    let sources: Vec<Source> = sources
        .iter()
        .map(|s| {
            if is_link(s) {
                Source::Url {
                    url: s.clone(),
                    bearer: bearer.clone(),
                }
            } else {
                Source::Path(PathBuf::from(s))
            }
        })
        .collect();
    let cancel = CancelToken::new();
    let listener = Progress {
        tty: std::io::stderr().is_terminal() && !as_json,
        bar: FileBar::new(""),
    };
    let s = import::import(&vault, &sources, &listener, &cancel).map_err(err)?;
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&s).map_err(|e| e.to_string())?
        );
    } else {
        println!(
            "{} new instance(s) in {} series of {} study(ies); {} duplicate(s), {} skipped (not DICOM), {} error(s)",
            s.instances_added, s.series, s.studies, s.duplicates, s.skipped, s.errors.len()
        );
        if s.conflicts > 0 {
            println!(
                "{} file(s) reuse an instance UID with other content: kept and flagged",
                s.conflicts
            );
        }
        if s.mixed_patients {
            println!(
                "warning: these files belong to {} different patients",
                s.patients
            );
        }
        for e in &s.errors {
            println!("  {}: {}", e.path, e.error);
        }
    }
    Ok(())
}

/// Print rows as pretty JSON, or one line each.
fn print_rows<T: serde::Serialize>(
    rows: &[T],
    as_json: bool,
    line: impl Fn(&T) -> String,
) -> CliResult {
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(rows).map_err(|e| e.to_string())?
        );
    } else {
        for r in rows {
            println!("{}", line(r));
        }
    }
    Ok(())
}

pub fn studies(dir: &Path, as_json: bool) -> CliResult {
    let rows = open(dir)?.studies().map_err(err)?;
    print_rows(&rows, as_json, |s| {
        format!(
            "{}  {}  {}  {}  [{}]  {} series, {} images",
            s.id,
            s.study_date.as_deref().unwrap_or("-"),
            s.patient_name.as_deref().unwrap_or("-"),
            s.description.as_deref().unwrap_or("-"),
            s.modalities.join(","),
            s.series_count,
            s.instance_count
        )
    })
}

pub fn series(dir: &Path, study: &str, as_json: bool) -> CliResult {
    let rows = open(dir)?.series(study).map_err(err)?;
    print_rows(&rows, as_json, |s| {
        format!(
            "{}  #{}  {}  {}  {} images",
            s.id,
            s.number
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into()),
            s.modality.as_deref().unwrap_or("-"),
            s.description.as_deref().unwrap_or("-"),
            s.instance_count
        )
    })
}

pub fn render(
    dir: &Path,
    series: &str,
    index: &str,
    frame: u32,
    voi: &Voi,
    out: &Path,
    thumb: Option<u32>,
) -> CliResult {
    let vault = open(dir)?;
    let index: usize = index
        .parse()
        .map_err(|_| format!("INDEX must be a number, got {index:?}"))?;
    let (image, _) =
        scanpass_core::library::render(&vault, series, index, frame, voi).map_err(err)?;
    let image = match thumb {
        Some(px) => render::thumbnail(&image, px),
        None => image,
    };
    write(out, &crate::encode_image(out, image)?)
}

/// A progress bar on stderr while exporting (when it is a terminal).
struct ExportProgress(FileBar);

impl ExportListener for ExportProgress {
    fn on_progress(&self, done: u64, total: u64) {
        self.0.set(done, total, None);
    }
}

pub fn export(dir: &Path, studies: &[String], out: &Path, zip: bool) -> CliResult {
    let vault = open(dir)?;
    let format = if zip {
        ExportFormat::Zip
    } else {
        ExportFormat::Folder
    };
    let tty = std::io::stderr().is_terminal();
    let progress = ExportProgress(FileBar::new(""));
    let listener: &dyn ExportListener = if tty { &progress } else { &import::Silent };
    let s = export::export_studies(&vault, studies, out, format, listener, &CancelToken::new())
        .map_err(err)?;
    println!(
        "exported {} instance(s) in {} series ({:.1} MB) to {}{}",
        s.instances,
        s.series,
        s.bytes as f64 / 1e6,
        out.display(),
        if zip { "" } else { " (open its DICOMDIR)" }
    );
    if s.meta_groups_written > 0 {
        println!(
            "{} file(s) had no DICOM file header: one was written in front of the unchanged data",
            s.meta_groups_written
        );
    }
    Ok(())
}

pub fn delete(dir: &Path, study: &str) -> CliResult {
    let vault = open(dir)?;
    vault.delete_study(study).map_err(err)?;
    println!("deleted study {study}");
    Ok(())
}

pub fn lock(dir: &Path) -> CliResult {
    if !Vault::exists(dir) {
        return Err(format!("no vault in {}", dir.display()));
    }
    let vault = Vault::open(dir).map_err(err)?;
    desktop::lock(&vault).map_err(err)?;
    println!("locked: the next command needs the passphrase");
    Ok(())
}

pub fn unlock(dir: &Path) -> CliResult {
    if !Vault::exists(dir) {
        return Err(format!("no vault in {}", dir.display()));
    }
    let vault = Vault::open(dir).map_err(err)?;
    desktop::unlock_and_cache(&vault, passphrase().as_deref()).map_err(err)?;
    println!("unlocked until `scanpass lock`");
    Ok(())
}
