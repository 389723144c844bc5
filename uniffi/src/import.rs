//! Import: sources, progress, cancellation and the summary.

use std::path::PathBuf;
use std::sync::Arc;

use scanpass_core::import as core;

/// Where to import from.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum ImportSource {
    /// A file, a folder (a CD or USB copy: searched recursively, its DICOMDIR read), or a zip.
    Path { path: String },
    /// A provider link: a DICOMweb study URL, or a link to a zip or a DICOM file. https, or http
    /// to this device only. `bearer_token` is sent as `Authorization: Bearer`.
    Url {
        url: String,
        bearer_token: Option<String>,
    },
}

impl From<ImportSource> for core::Source {
    fn from(s: ImportSource) -> Self {
        match s {
            ImportSource::Path { path } => core::Source::Path(PathBuf::from(path)),
            ImportSource::Url { url, bearer_token } => core::Source::Url {
                url,
                bearer: bearer_token,
            },
        }
    }
}

/// Progress of an import.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ImportEvent {
    /// The sources were searched: this many candidate files of this many bytes.
    Found { files: u64, bytes: u64 },
    /// `done` of `files` candidates handled (stored, a duplicate, skipped or failed).
    Processed { done: u64, files: u64, bytes: u64 },
    /// One file could not be imported; the import goes on.
    FileFailed { path: String, error: String },
}

/// Receives import progress on the importing thread: never the app's main thread, and with
/// `import_from_async` not always the same thread, so an implementation must be thread-safe.
/// An exception it throws is ignored and the import goes on.
#[uniffi::export(with_foreign)]
pub trait ImportListener: Send + Sync {
    fn on_event(&self, event: ImportEvent) -> Result<(), ListenerError>;
}

/// What a listener may throw; it does not stop the import.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum ListenerError {
    #[error("listener failed: {reason}")]
    Failed { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ListenerError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: e.reason }
    }
}

pub(crate) struct Listener(pub Option<Arc<dyn ImportListener>>);

impl core::ImportListener for Listener {
    fn on_event(&self, event: &core::ImportEvent) {
        let Some(l) = &self.0 else { return };
        // an app's listener that fails (touching a view off the main thread, say) must not stop
        // the import
        let _ = l.on_event(match event.clone() {
            core::ImportEvent::Found { files, bytes } => ImportEvent::Found { files, bytes },
            core::ImportEvent::Processed { done, files, bytes } => {
                ImportEvent::Processed { done, files, bytes }
            }
            core::ImportEvent::FileError { path, error } => ImportEvent::FileFailed { path, error },
        });
    }
}

/// Stops an import from any thread: files already stored stay, none is left half-stored.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelHandle(pub(crate) core::CancelToken);

#[uniffi::export]
impl CancelHandle {
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }
    pub fn cancel(&self) {
        self.0.cancel()
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// One file that could not be imported: where it was (relative to the source named) and why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FileError {
    pub path: String,
    pub error: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportSummary {
    /// Studies and series that received new images.
    pub studies: u32,
    pub series: u32,
    pub instances_added: u32,
    /// Files already in the vault.
    pub duplicates: u32,
    /// Files with an id already used by another image (kept, flagged).
    pub conflicts: u32,
    /// Files that were not images (the viewer, autorun and web pages of a CD).
    pub skipped: u32,
    pub errors: Vec<FileError>,
    /// How many patients the files belong to; more than one: say so before anything is shared.
    pub patients: u32,
    pub mixed_patients: bool,
    pub cancelled: bool,
}

fn n(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl From<core::ImportSummary> for ImportSummary {
    fn from(s: core::ImportSummary) -> Self {
        ImportSummary {
            studies: n(s.studies),
            series: n(s.series),
            instances_added: n(s.instances_added),
            duplicates: n(s.duplicates),
            conflicts: n(s.conflicts),
            skipped: n(s.skipped),
            errors: s
                .errors
                .into_iter()
                .inspect(|e| {
                    // the app's log: the core's message, never the path (crate::log)
                    ::log::warn!(target: "scanpass::import", "a file was not stored: {}", e.error)
                })
                .map(|e| FileError {
                    path: e.path,
                    error: e.error,
                })
                .collect(),
            patients: n(s.patients),
            mixed_patients: s.mixed_patients,
            cancelled: s.cancelled,
        }
    }
}
