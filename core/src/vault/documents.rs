//! Documents the services keep in the vault's encrypted index: one JSON text per record, by id,
//! with an optional link to a stored study (a foreign key: deleting the study clears the link).
//! The vault does not know what a document means: the records request service
//! ([`crate::request`]) and the share service ([`crate::share`]) encode their own records.

use super::{now, Vault};
use crate::error::Result;

/// Which service's documents (each a table of the index: migrations 002 and 003).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Documents {
    /// Records requests (`request`).
    Requests,
    /// The patient's shares (`share`).
    Shares,
}

/// One stored document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: String,
    pub data: String,
    /// The study it is linked to, if that study is still in the vault.
    pub study_id: Option<String>,
}

impl Vault {
    /// Whether study `id` is in the vault.
    pub(crate) fn has_study(&self, id: &str) -> Result<bool> {
        self.with(|u| u.index.has_study(id))
    }

    /// Stores document `id`, new or replacing the one of that id, linked to `study` (which must
    /// be in the vault: see [`Vault::has_study`]).
    pub(crate) fn put_document(
        &self,
        kind: Documents,
        id: &str,
        data: &str,
        study: Option<&str>,
    ) -> Result<()> {
        self.with(|u| u.index.put_document(kind, id, data, study, now()))?;
        self.changed();
        Ok(())
    }

    /// Replaces document `id`; false when there is none.
    pub(crate) fn update_document(
        &self,
        kind: Documents,
        id: &str,
        data: &str,
        study: Option<&str>,
    ) -> Result<bool> {
        let updated = self.with(|u| u.index.update_document(kind, id, data, study, now()))?;
        if updated {
            self.changed();
        }
        Ok(updated)
    }

    /// Document `id`, if stored.
    pub(crate) fn document(&self, kind: Documents, id: &str) -> Result<Option<Document>> {
        self.with(|u| u.index.document(kind, id))
    }

    /// Every document of `kind`, oldest first.
    pub(crate) fn documents(&self, kind: Documents) -> Result<Vec<Document>> {
        self.with(|u| u.index.documents(kind))
    }

    /// The ids of `kind` that start with `prefix`, at most two (enough to tell one from many).
    pub(crate) fn document_ids_starting(
        &self,
        kind: Documents,
        prefix: &str,
    ) -> Result<Vec<String>> {
        self.with(|u| u.index.document_ids_starting(kind, prefix))
    }

    /// Deletes document `id`; false when there was none.
    pub(crate) fn delete_document(&self, kind: Documents, id: &str) -> Result<bool> {
        let deleted = self.with(|u| u.index.delete_document(kind, id))?;
        if deleted {
            self.changed();
        }
        Ok(deleted)
    }
}
