//! The patient's shares in the vault: one JSON document per share in the encrypted index (table
//! `share`, migration 003). The record holds the link with its key and the relay's owner secret,
//! so it never leaves the vault.

use rusqlite::{params, OptionalExtension};

use super::index::sql;
use super::{now, Vault};
use crate::error::{Error, Result};
use crate::share::ShareRecord;

fn to_json(r: &ShareRecord) -> Result<String> {
    serde_json::to_string(r).map_err(|e| Error::Storage(format!("a share does not encode: {e}")))
}

fn from_json(s: &str) -> Result<ShareRecord> {
    serde_json::from_str(s).map_err(|_| Error::Integrity("a stored share is damaged".into()))
}

impl Vault {
    /// Store a share record (new or changed), by its relay id.
    pub fn save_share(&self, r: &ShareRecord) -> Result<()> {
        let data = to_json(r)?;
        self.with(|u| {
            let known: i64 = u
                .index
                .conn
                .query_row(
                    "SELECT count(*) FROM study WHERE id = ?1",
                    [&r.study_id],
                    |row| row.get(0),
                )
                .map_err(sql)?;
            let study = (known > 0).then_some(r.study_id.as_str());
            u.index
                .conn
                .execute(
                    "INSERT INTO share (id, data, study_id, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?4)
                     ON CONFLICT(id) DO UPDATE SET data = ?2, updated_at = ?4",
                    params![r.id, data, study, now()],
                )
                .map_err(sql)?;
            Ok(())
        })
    }

    /// One share, by its relay id.
    pub fn share_record(&self, id: &str) -> Result<ShareRecord> {
        let data: Option<String> = self.with(|u| {
            u.index
                .conn
                .query_row("SELECT data FROM share WHERE id = ?1", [id], |r| r.get(0))
                .optional()
                .map_err(sql)
        })?;
        from_json(&data.ok_or(Error::NotFound("share"))?)
    }

    /// Every share, oldest first.
    pub fn share_records(&self) -> Result<Vec<ShareRecord>> {
        let rows: Vec<String> = self.with(|u| {
            let mut stmt = u
                .index
                .conn
                .prepare("SELECT data FROM share ORDER BY created_at, id")
                .map_err(sql)?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(sql)?;
            rows.collect::<std::result::Result<_, _>>().map_err(sql)
        })?;
        rows.iter().map(|d| from_json(d)).collect()
    }

    /// The id of the one share whose id starts with `prefix` (at least 4 characters).
    pub fn resolve_share(&self, prefix: &str) -> Result<String> {
        let p = prefix.trim();
        if p.len() < 4 {
            return Err(Error::InvalidArgument(
                "share id: give at least its first 4 characters".into(),
            ));
        }
        let ids: Vec<String> = self
            .share_records()?
            .into_iter()
            .map(|r| r.id)
            .filter(|id| id.starts_with(p))
            .take(2)
            .collect();
        match ids.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(Error::NotFound("share")),
            _ => Err(Error::InvalidArgument(
                "more than one share starts with these characters: give more of the id".into(),
            )),
        }
    }
}
