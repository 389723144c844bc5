//! The vault and what it lists: patients, studies, series, thumbnails.

use std::path::Path;
use std::sync::Arc;

use scanpass_core::{import as core_import, vault as core};

use crate::error::ScanpassError;
use crate::import::{CancelHandle, ImportListener, ImportSource, ImportSummary, Listener};
use crate::keys::{Foreign, KeyStore};
use crate::viewer::Viewer;

type Result<T> = std::result::Result<T, ScanpassError>;

/// Told of the vault's changes (see [`Vault::watch`]). Called on the thread that made the change
/// (an import's worker, say), after the change is committed and outside the vault's locks:
/// return quickly (post to the main thread and list there); calling the vault from it is allowed.
#[uniffi::export(with_foreign)]
pub trait VaultListener: Send + Sync {
    /// The vault now stands at `revision` (see [`Vault::revision`]).
    fn on_change(&self, revision: u64);
}

/// A watch on the vault's changes: the listener is told until [`VaultWatch::stop`] or until
/// this object is dropped (the core holds it weakly).
#[derive(uniffi::Object)]
pub struct VaultWatch {
    listener: Arc<std::sync::Mutex<Option<Arc<dyn VaultListener>>>>,
    _hook: Arc<core::ChangeHook>,
}

#[uniffi::export]
impl VaultWatch {
    /// Stop telling the listener (it is released: nothing calls it after this returns, except a
    /// call already under way on another thread). Quick; stopping twice is allowed.
    pub fn stop(&self) {
        self.listener
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }
}

/// A patient: the studies of one (Patient ID, name) pair.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Patient {
    /// Opaque; pass it to `studies_of`. Stable while the app runs.
    pub id: String,
    pub name: Option<String>,
    pub patient_id: Option<String>,
    pub study_count: u32,
    /// `YYYYMMDD`
    pub latest_study_date: Option<String>,
}

/// A study.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Study {
    pub id: String,
    pub patient_name: Option<String>,
    pub patient_id: Option<String>,
    /// `YYYYMMDD`
    pub study_date: Option<String>,
    pub description: Option<String>,
    pub modalities: Vec<String>,
    pub series_count: u32,
    pub instance_count: u32,
}

/// A series of a study.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Series {
    pub id: String,
    pub number: Option<i64>,
    pub modality: Option<String>,
    pub description: Option<String>,
    pub instance_count: u32,
}

impl From<core::PatientRow> for Patient {
    fn from(p: core::PatientRow) -> Self {
        Patient {
            id: p.id,
            name: p.name,
            patient_id: p.patient_id,
            study_count: p.study_count,
            latest_study_date: p.latest_study_date,
        }
    }
}

impl From<core::StudyRow> for Study {
    fn from(s: core::StudyRow) -> Self {
        Study {
            id: s.id,
            patient_name: s.patient_name,
            patient_id: s.patient_id,
            study_date: s.study_date,
            description: s.description,
            modalities: s.modalities,
            series_count: s.series_count,
            instance_count: s.instance_count,
        }
    }
}

impl From<core::SeriesRow> for Series {
    fn from(s: core::SeriesRow) -> Self {
        Series {
            id: s.id,
            number: s.number,
            modality: s.modality,
            description: s.description,
            instance_count: s.instance_count,
        }
    }
}

fn list<T, U: From<T>>(rows: scanpass_core::Result<Vec<T>>) -> Result<Vec<U>> {
    Ok(rows?.into_iter().map(U::from).collect())
}

/// The encrypted vault in a folder of the app's private storage.
#[derive(uniffi::Object)]
pub struct Vault {
    pub(crate) inner: Arc<core::Vault>,
}

/// Whether a vault exists in `dir`.
#[uniffi::export]
pub fn vault_exists(dir: String) -> bool {
    core::Vault::exists(Path::new(&dir))
}

#[uniffi::export]
impl Vault {
    /// Create a vault in `dir` (empty or absent) with a new random key kept by `keys`. Returned
    /// unlocked. Blocks.
    #[uniffi::constructor]
    pub fn create(dir: String, keys: Arc<dyn KeyStore>) -> Result<Arc<Self>> {
        let v = core::Vault::create(Path::new(&dir), &Foreign(keys))?;
        Ok(Arc::new(Vault { inner: Arc::new(v) }))
    }

    /// Open the vault in `dir`, locked. Blocks.
    #[uniffi::constructor]
    pub fn open(dir: String) -> Result<Arc<Self>> {
        let v = core::Vault::open(Path::new(&dir))?;
        Ok(Arc::new(Vault { inner: Arc::new(v) }))
    }

    /// The vault's id: names its key in key stores.
    pub fn id(&self) -> String {
        self.inner.id().to_string()
    }

    /// The folder of the imports' temporary files (encrypted under keys that live only while an
    /// import runs, emptied whenever the vault opens or unlocks, marked with `CACHEDIR.TAG` and
    /// `.nomedia`). Keep it out of backups: on iOS set `isExcludedFromBackup` on it (it exists once
    /// the vault is open); on Android exclude it in the backup and data-extraction rules, or keep the vault
    /// under `noBackupFilesDir`.
    pub fn import_tmp_dir(&self) -> String {
        self.inner.import_tmp_dir().to_string_lossy().into_owned()
    }

    /// Unlock with the key kept by `keys` (`WrongKey` when it does not open). Blocks.
    pub fn unlock(&self, keys: Arc<dyn KeyStore>) -> Result<()> {
        Ok(self.inner.unlock(&Foreign(keys))?)
    }

    /// Lock: the keys leave memory, viewers drop their decoded slices. Quick.
    pub fn lock(&self) {
        self.inner.lock()
    }

    pub fn is_unlocked(&self) -> bool {
        self.inner.is_unlocked()
    }

    /// A number that grows with every change of what the vault holds: a screen drawn at
    /// revision `r` is up to date while this returns `r`. Quick.
    pub fn revision(&self) -> u64 {
        self.inner.revision()
    }

    /// Tell `listener` of every change of what the vault holds (the moments [`Vault::revision`]
    /// grows: an import's group committed, a study deleted, a thumbnail made, a request or share
    /// record written) until the returned [`VaultWatch`] is stopped or dropped. Replaces polling
    /// `revision()`: a screen that listed at revision `r` reloads when told of a larger one.
    /// Quick.
    pub fn watch(&self, listener: Arc<dyn VaultListener>) -> Arc<VaultWatch> {
        let slot = Arc::new(std::sync::Mutex::new(Some(listener)));
        let for_hook = slot.clone();
        let hook: Arc<core::ChangeHook> = Arc::new(move |revision| {
            // cloned out so that stop() from inside the listener cannot deadlock
            let listener = for_hook.lock().unwrap_or_else(|p| p.into_inner()).clone();
            if let Some(l) = listener {
                l.on_change(revision);
            }
        });
        self.inner.on_change(&hook);
        Arc::new(VaultWatch {
            listener: slot,
            _hook: hook,
        })
    }

    /// The patients, newest study first. Blocks.
    pub fn patients(&self) -> Result<Vec<Patient>> {
        list(self.inner.patients())
    }

    /// Every study, newest first. Blocks.
    pub fn studies(&self) -> Result<Vec<Study>> {
        list(self.inner.studies())
    }

    /// The studies of one patient. Blocks.
    pub fn studies_of(&self, patient_id: String) -> Result<Vec<Study>> {
        list(self.inner.studies_of(&patient_id))
    }

    /// The series of a study, by series number. Blocks.
    pub fn series(&self, study_id: String) -> Result<Vec<Series>> {
        list(self.inner.series(&study_id))
    }

    /// The thumbnail of a series: PNG bytes, at most 128 pixels a side. Blocks.
    pub fn thumbnail(&self, series_id: String) -> Result<Vec<u8>> {
        Ok(self.inner.thumbnail(&series_id)?)
    }

    /// Delete a study: its key is destroyed and its files removed. Blocks.
    pub fn delete_study(&self, study_id: String) -> Result<()> {
        Ok(self.inner.delete_study(&study_id)?)
    }

    /// Import `sources`. Progress goes to `listener`; `cancel` stops it (the summary then says
    /// `cancelled`, and what was stored stays). One bad file does not stop the import: it is
    /// listed in the summary's errors. Blocks for as long as the import runs.
    pub fn import_from(
        &self,
        sources: Vec<ImportSource>,
        listener: Option<Arc<dyn ImportListener>>,
        cancel: Arc<CancelHandle>,
    ) -> Result<ImportSummary> {
        let sources: Vec<core_import::Source> = sources.into_iter().map(Into::into).collect();
        let s = core_import::import(&self.inner, &sources, &Listener(listener), &cancel.0)?;
        Ok(s.into())
    }

    /// [`Vault::import_from`] on a thread of its own (Kotlin `suspend`, Swift `async`).
    pub async fn import_from_async(
        &self,
        sources: Vec<ImportSource>,
        listener: Option<Arc<dyn ImportListener>>,
        cancel: Arc<CancelHandle>,
    ) -> Result<ImportSummary> {
        let vault = self.inner.clone();
        crate::on_thread("scanpass-import", move || {
            let sources: Vec<core_import::Source> = sources.into_iter().map(Into::into).collect();
            Ok(core_import::import(&vault, &sources, &Listener(listener), &cancel.0)?.into())
        })
        .await
    }

    /// A viewer over one series. Blocks while the first slice's header is read.
    pub fn open_viewer(&self, series_id: String) -> Result<Arc<Viewer>> {
        Viewer::open(self.inner.clone(), &series_id)
    }
}
