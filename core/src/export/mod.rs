//! Export: studies leave the vault decrypted, as a DICOM File-set any hospital system can read
//! ([`crate::fileset`]: the layout, Part 10 files, the DICOMDIR), in a folder or in a zip.
//!
//! Nothing is left half-written: the export is built in a temporary folder or file beside the
//! target and renamed into place at the end; on error or cancel the temporary is removed.
//! Exporting into an existing folder (the root of a USB stick) moves `DICOM/`, `README.TXT` and
//! last `DICOMDIR` into it, and refuses a folder that already holds a file-set (`sink.rs`).
//!
//! [`plan_studies`] and [`write_plan`] are also how a share reads the vault ([`crate::share`]).

mod sink;

use std::path::Path;

use crate::crypto::SecretBytes;
use crate::error::{Error, Result};
use crate::fileset::{FileSetWriter, FileSink};
use crate::task::CancelToken;
use crate::vault::{InstanceRow, SeriesRow, Vault};
use sink::Sink;

/// What an export wrote.
pub use crate::fileset::FileSetSummary as ExportSummary;

/// Where the export goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A folder (new, or an existing one such as the root of a USB stick).
    Folder,
    /// A zip file holding the same layout.
    Zip,
}

/// Receives export progress, one call per instance written. Called from the exporting thread.
pub trait ExportListener: Send + Sync {
    fn on_progress(&self, done: u64, total: u64);
}

impl ExportListener for crate::task::Silent {
    fn on_progress(&self, _: u64, _: u64) {}
}

/// Export study `study_id` of an unlocked vault to `out` (a folder, or the zip file to create).
///
/// Errors: [`Error::NotFound`] for an unknown study, [`Error::InvalidArgument`] when `out`
/// already holds an export (or, for a zip, exists at all), [`Error::Io`] when writing fails,
/// [`Error::Cancelled`]; in every case nothing is left at `out`.
pub fn export_study(
    vault: &Vault,
    study_id: &str,
    out: &Path,
    format: ExportFormat,
    listener: &dyn ExportListener,
    cancel: &CancelToken,
) -> Result<ExportSummary> {
    export_studies(
        vault,
        &[study_id.to_string()],
        out,
        format,
        listener,
        cancel,
    )
}

/// [`export_study`] of several studies into one file-set (one DICOMDIR), in the order given; the
/// studies of one patient (by Patient ID) under one patient folder.
pub fn export_studies(
    vault: &Vault,
    studies: &[String],
    out: &Path,
    format: ExportFormat,
    listener: &dyn ExportListener,
    cancel: &CancelToken,
) -> Result<ExportSummary> {
    let plan = plan_studies(vault, studies, &[])?;
    let mut sink = Sink::begin(out, format)?;
    let summary = write_plan(vault, &plan, &mut |_| Ok(()), &mut sink, listener, cancel)?;
    sink.commit()?;
    Ok(summary)
}

/// Which instances a file-set of `studies` holds, study by study in the order given (each named
/// once): the series named in `series` (all when empty; each must belong to one of the studies),
/// in the vault's order, instances in display order. Studies left with nothing to show are
/// dropped.
pub fn plan_studies(
    vault: &Vault,
    studies: &[String],
    series: &[String],
) -> Result<Vec<StudyPlan>> {
    let mut seen = std::collections::HashSet::new();
    let mut known = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(studies.len());
    for study in studies.iter().filter(|s| seen.insert(*s)) {
        let mut chosen = Vec::new();
        for s in vault.series(study)? {
            known.insert(s.id.clone());
            if !series.is_empty() && !series.contains(&s.id) {
                continue;
            }
            let rows = crate::library::instances(vault, &s.id)?;
            if !rows.is_empty() {
                chosen.push((s, rows));
            }
        }
        if !chosen.is_empty() {
            out.push((study.clone(), chosen));
        }
    }
    if series.iter().any(|s| !known.contains(s)) {
        return Err(Error::NotFound("series"));
    }
    Ok(out)
}

/// One study of a file-set: its id, and its series with their instances in display order.
pub type StudyPlan = (String, Vec<(SeriesRow, Vec<InstanceRow>)>);

/// Write the instances of `plan` ([`plan_studies`]) as a DICOM File-set ([`crate::fileset`]) into
/// `sink`: each instance read from the vault and passed through `transform` (de-identification;
/// nothing for an export) before it is made a Part 10 file, then `README.TXT` and `DICOMDIR`.
pub fn write_plan(
    vault: &Vault,
    plan: &[StudyPlan],
    transform: &mut dyn FnMut(&mut SecretBytes) -> Result<()>,
    sink: &mut dyn FileSink,
    listener: &dyn ExportListener,
    cancel: &CancelToken,
) -> Result<ExportSummary> {
    let total: u64 = plan
        .iter()
        .flat_map(|(_, p)| p.iter())
        .map(|(_, r)| r.len() as u64)
        .sum();
    if total == 0 {
        return Err(Error::InvalidArgument(
            "this study holds no images to export".into(),
        ));
    }
    let series_count: usize = plan.iter().map(|(_, p)| p.len()).sum();
    if series_count > 1_000_000
        || plan
            .iter()
            .flat_map(|(_, p)| p.iter())
            .any(|(_, r)| r.len() > 1_000_000)
    {
        return Err(Error::InvalidArgument(
            "too many series or images for one file-set".into(),
        ));
    }
    let mut writer = FileSetWriter::new();
    let mut done = 0u64;
    for (study_id, study_plan) in plan {
        writer.begin_study();
        for (_, rows) in study_plan {
            writer.begin_series();
            for row in rows {
                if cancel.is_cancelled() {
                    return Err(Error::Cancelled); // the sink's drop removes the temporary
                }
                let mut stored = vault.read_instance(study_id, &row.id)?;
                transform(&mut stored)?;
                writer.add_instance(&mut stored, sink)?;
                done += 1;
                listener.on_progress(done, total);
            }
        }
    }
    writer.finish(sink)
}
