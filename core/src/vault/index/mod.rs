//! The vault's index behind a narrow trait, in the manner of matrix-rust-sdk's store traits: an
//! [`IndexStore`] answers the queries the [`Vault`](super::Vault) makes of its index (studies,
//! series and instances as rows; where their blobs are; the sealed study keys; thumbnails; the
//! services' documents) and decides nothing: the rules (which file is a duplicate, which study a
//! file may join, who the patient is) stay in the vault above it.
//!
//! - [`SqlCipherIndex`]: the vault's `index.db`, SQLite encrypted whole by SQLCipher under a key
//!   derived from the vault key (ADR 4), schema changes in numbered migrations. What every
//!   vault uses.
//! - [`MemoryIndex`]: the same tables in memory, for tests and for a store that needs no disk;
//!   the same contract, checked by the same tests, and a differential test that replays one
//!   sequence of calls on both and compares every answer.
//!
//! What crosses the trait: rows, blob ids, and study keys only sealed under the vault key (the
//! vault seals and opens them). An [`IndexOpener`] receives the index key (derived, never the
//! vault key) when the vault unlocks, as SQLCipher did before the trait; locking drops the open
//! store.

mod memory;
mod sqlcipher;
#[cfg(test)]
mod tests;

pub use memory::MemoryIndex;
pub use sqlcipher::{SqlCipherFile, SqlCipherIndex};

use super::documents::{Document, Documents};
use super::listing::{InstanceRow, SeriesRow, StudyRow};
use crate::crypto::{BlobId, Key};
use crate::error::Result;

/// Opens a vault's index with its key, each time the vault unlocks.
pub trait IndexOpener: Send + Sync {
    /// The index, opened (created empty the first time) with `index_key`. A key other than the
    /// one it was created with is [`crate::Error::Integrity`] (the index cannot tell a wrong key
    /// from damage).
    fn open(&self, index_key: &Key) -> Result<Box<dyn IndexStore>>;
}

/// A study being stored, with its key sealed under the vault key.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStudy {
    pub id: String,
    pub study_uid: String,
    pub patient_name: Option<String>,
    pub patient_id: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    pub study_date: Option<String>,
    pub description: Option<String>,
    pub accession: Option<String>,
    pub sealed_key: Vec<u8>,
    pub created_at: i64,
}

/// A series being stored (kept as it was when one of that id or UID exists).
#[derive(Debug, Clone, PartialEq)]
pub struct NewSeries {
    pub id: String,
    pub study_id: String,
    pub series_uid: String,
    pub number: Option<i64>,
    pub modality: Option<String>,
    pub description: Option<String>,
    pub body_part: Option<String>,
}

/// An instance being stored, its blob written already.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInstance {
    pub id: String,
    pub series_id: String,
    pub sop_uid: String,
    pub sop_class: Option<String>,
    pub number: Option<i64>,
    pub position: Option<[f64; 3]>,
    pub orientation: Option<[f64; 6]>,
    pub frames: u32,
    pub rows: Option<u32>,
    pub cols: Option<u32>,
    pub transfer_syntax: Option<String>,
    pub blob_id: BlobId,
    pub size: u64,
    pub sha256: [u8; 32],
    /// Another instance has the same SOP Instance UID and other content.
    pub conflict: bool,
    pub imported_at: i64,
}

/// One instance to store, with its series and, when the study is new, its study: a row of
/// [`IndexStore::insert_all`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewRows {
    pub study: Option<NewStudy>,
    pub series: NewSeries,
    pub instance: NewInstance,
}

/// A stored study found by its Study Instance UID: its id and the patient it is filed under.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyMatch {
    pub id: String,
    pub patient_id: Option<String>,
    pub patient_name: Option<String>,
}

/// A stored series found by its Series Instance UID.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesMatch {
    pub id: String,
    pub study_id: String,
}

/// The queries the vault makes of its index. Calls come one at a time (the vault holds its lock
/// around them); each call is all or nothing. Errors are [`crate::Error::Storage`] for a broken
/// constraint (a unique id or UID taken, a link to a row that is not there) and
/// [`crate::Error::Integrity`] for damage.
pub trait IndexStore: Send {
    /// Every study, newest first (study date, then the time it was stored; no date last).
    fn studies(&self) -> Result<Vec<StudyRow>>;

    /// Whether study `id` is stored.
    fn has_study(&self, id: &str) -> Result<bool>;

    /// The key of study `id`, sealed under the vault key.
    fn sealed_study_key(&self, id: &str) -> Result<Option<Vec<u8>>>;

    /// The study of Study Instance UID `study_uid`.
    fn study_by_uid(&self, study_uid: &str) -> Result<Option<StudyMatch>>;

    /// Deletes study `id` with its series, instances and thumbnails (documents linked to it lose
    /// the link), wiping and reclaiming the space they took; returns the blobs they referenced,
    /// or `None` when there is no such study.
    fn delete_study(&mut self, id: &str) -> Result<Option<Vec<BlobId>>>;

    /// The series of study `study_id` by series number (none last), then description.
    fn series_of(&self, study_id: &str) -> Result<Vec<SeriesRow>>;

    /// The series of Series Instance UID `series_uid`.
    fn series_by_uid(&self, series_uid: &str) -> Result<Option<SeriesMatch>>;

    /// The study series `series_id` belongs to.
    fn study_of_series(&self, series_id: &str) -> Result<Option<String>>;

    /// Series that have instances but no thumbnail.
    fn series_without_thumbnail(&self) -> Result<Vec<String>>;

    /// The instances of series `series_id`, in no particular order.
    fn instances_of(&self, series_id: &str) -> Result<Vec<InstanceRow>>;

    /// The SHA-256 of every instance of SOP Instance UID `sop_uid`.
    fn instance_digests(&self, sop_uid: &str) -> Result<Vec<[u8; 32]>>;

    /// The blob of instance `instance_id` when it belongs to study `study_id`.
    fn instance_blob(&self, study_id: &str, instance_id: &str) -> Result<Option<BlobId>>;

    /// Stores an instance, with its study when new (`study`) and its series unless stored.
    fn insert(
        &mut self,
        study: Option<&NewStudy>,
        series: &NewSeries,
        instance: &NewInstance,
    ) -> Result<()> {
        self.insert_all(&[NewRows {
            study: study.cloned(),
            series: series.clone(),
            instance: instance.clone(),
        }])
    }

    /// Stores many instances in one transaction (the import's group commit), in order, each as
    /// [`IndexStore::insert`] would (a row may name a study or series an earlier row of the same
    /// call stores): all of them, or none.
    fn insert_all(&mut self, rows: &[NewRows]) -> Result<()>;

    /// Every blob an instance or a thumbnail references.
    fn blob_ids(&self) -> Result<Vec<BlobId>>;

    /// The blob of series `series_id`'s thumbnail.
    fn thumbnail_blob(&self, series_id: &str) -> Result<Option<BlobId>>;

    /// Sets the thumbnail of series `series_id`; returns the blob it replaces.
    fn set_thumbnail(&mut self, series_id: &str, blob: &BlobId) -> Result<Option<BlobId>>;

    /// Stores document `id` of `kind`, new or replacing the one of that id, linked to `study`.
    fn put_document(
        &mut self,
        kind: Documents,
        id: &str,
        data: &str,
        study: Option<&str>,
        now: i64,
    ) -> Result<()>;

    /// Replaces document `id`; false when there is none.
    fn update_document(
        &mut self,
        kind: Documents,
        id: &str,
        data: &str,
        study: Option<&str>,
        now: i64,
    ) -> Result<bool>;

    /// Document `id`, if stored.
    fn document(&self, kind: Documents, id: &str) -> Result<Option<Document>>;

    /// Every document of `kind`, oldest first (then by id).
    fn documents(&self, kind: Documents) -> Result<Vec<Document>>;

    /// The ids of `kind` that start with `prefix`, in order, at most two.
    fn document_ids_starting(&self, kind: Documents, prefix: &str) -> Result<Vec<String>>;

    /// Deletes document `id`; false when there was none.
    fn delete_document(&mut self, kind: Documents, id: &str) -> Result<bool>;

    /// What encrypts the index: the SQLCipher version; an error for a store that is not
    /// encrypted (memory).
    fn cipher_version(&self) -> Result<String>;
}
