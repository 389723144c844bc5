//! Documents the services keep in the vault's encrypted index: one JSON text per record, by id,
//! with an optional link to a stored study (a foreign key: deleting the study clears the link).
//! The vault does not know what a document means: the records request service
//! ([`crate::request`]) and the share service ([`crate::share`]) encode their own records.

use rusqlite::{params, OptionalExtension};

use super::index::sql;
use super::{now, Vault};
use crate::error::Result;

/// Which service's documents (each a table of the index: migrations 002 and 003).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Documents {
    /// Records requests (`request`).
    Requests,
    /// The patient's shares (`share`).
    Shares,
}

impl Documents {
    fn table(self) -> &'static str {
        match self {
            Documents::Requests => "request",
            Documents::Shares => "share",
        }
    }
}

/// One stored document.
pub(crate) struct Document {
    pub id: String,
    pub data: String,
    /// The study it is linked to, if that study is still in the vault.
    pub study_id: Option<String>,
}

impl Vault {
    /// Whether study `id` is in the vault.
    pub(crate) fn has_study(&self, id: &str) -> Result<bool> {
        self.with(|u| {
            let n: i64 = u
                .index
                .conn
                .query_row("SELECT count(*) FROM study WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .map_err(sql)?;
            Ok(n > 0)
        })
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
        let t = kind.table();
        self.with(|u| {
            u.index
                .conn
                .execute(
                    &format!(
                        "INSERT INTO {t} (id, data, study_id, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?4)
                         ON CONFLICT(id) DO UPDATE SET data = ?2, study_id = ?3, updated_at = ?4"
                    ),
                    params![id, data, study, now()],
                )
                .map_err(sql)?;
            Ok(())
        })?;
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
        let t = kind.table();
        let updated = self.with(|u| {
            let n = u
                .index
                .conn
                .execute(
                    &format!(
                        "UPDATE {t} SET data = ?2, study_id = ?3, updated_at = ?4 WHERE id = ?1"
                    ),
                    params![id, data, study, now()],
                )
                .map_err(sql)?;
            Ok(n > 0)
        })?;
        if updated {
            self.changed();
        }
        Ok(updated)
    }

    /// Document `id`, if stored.
    pub(crate) fn document(&self, kind: Documents, id: &str) -> Result<Option<Document>> {
        let t = kind.table();
        self.with(|u| {
            u.index
                .conn
                .query_row(
                    &format!("SELECT id, data, study_id FROM {t} WHERE id = ?1"),
                    [id],
                    document_row,
                )
                .optional()
                .map_err(sql)
        })
    }

    /// Every document of `kind`, oldest first.
    pub(crate) fn documents(&self, kind: Documents) -> Result<Vec<Document>> {
        let t = kind.table();
        self.with(|u| {
            let mut stmt = u
                .index
                .conn
                .prepare(&format!(
                    "SELECT id, data, study_id FROM {t} ORDER BY created_at, id"
                ))
                .map_err(sql)?;
            let rows = stmt.query_map([], document_row).map_err(sql)?;
            rows.collect::<std::result::Result<_, _>>().map_err(sql)
        })
    }

    /// The ids of `kind` that start with `prefix`, at most two (enough to tell one from many).
    pub(crate) fn document_ids_starting(
        &self,
        kind: Documents,
        prefix: &str,
    ) -> Result<Vec<String>> {
        let t = kind.table();
        self.with(|u| {
            let mut stmt = u
                .index
                .conn
                .prepare(&format!(
                    "SELECT id FROM {t} WHERE substr(id, 1, ?2) = ?1 ORDER BY id LIMIT 2"
                ))
                .map_err(sql)?;
            let rows = stmt
                .query_map(params![prefix, prefix.chars().count() as i64], |r| r.get(0))
                .map_err(sql)?;
            rows.collect::<std::result::Result<_, _>>().map_err(sql)
        })
    }

    /// Deletes document `id`; false when there was none.
    pub(crate) fn delete_document(&self, kind: Documents, id: &str) -> Result<bool> {
        let t = kind.table();
        let deleted = self.with(|u| {
            let n = u
                .index
                .conn
                .execute(&format!("DELETE FROM {t} WHERE id = ?1"), [id])
                .map_err(sql)?;
            Ok(n > 0)
        })?;
        if deleted {
            self.changed();
        }
        Ok(deleted)
    }
}

/// A `SELECT id, data, study_id` row as a document.
fn document_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        data: r.get(1)?,
        study_id: r.get(2)?,
    })
}
