//! The index in SQLite, encrypted whole by SQLCipher (see docs/adr/0004-vault-encryption.md),
//! schema changes in numbered migrations: the vault's `index.db`.

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};

use super::{IndexOpener, IndexStore, NewRows, SeriesMatch, StudyMatch};
use crate::crypto::{BlobId, Key};
use crate::error::{Error, Result};
use crate::vault::documents::{Document, Documents};
use crate::vault::listing::{InstanceRow, SeriesRow, StudyRow};

/// Numbered migrations, applied in order; `PRAGMA user_version` records the last one applied.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../../migrations/001_init.sql")),
    (2, include_str!("../../../migrations/002_requests.sql")),
    (3, include_str!("../../../migrations/003_shares.sql")),
];

/// The index file of a vault, opened by SQLCipher with the index key when the vault unlocks.
#[derive(Debug, Clone)]
pub struct SqlCipherFile {
    path: PathBuf,
}

impl SqlCipherFile {
    /// The index at `path` (`<vault>/index.db`), created on first open.
    pub fn new(path: PathBuf) -> Self {
        SqlCipherFile { path }
    }
}

impl IndexOpener for SqlCipherFile {
    fn open(&self, index_key: &Key) -> Result<Box<dyn IndexStore>> {
        Ok(Box::new(SqlCipherIndex::open(&self.path, index_key)?))
    }
}

/// An open SQLCipher index.
pub struct SqlCipherIndex {
    conn: Connection,
}

fn storage(e: rusqlite::Error) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(
                f.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ) =>
        {
            Error::Integrity("the vault index is damaged or was written with another key".into())
        }
        _ => Error::Storage(crate::error::one_line(&e.to_string())),
    }
}

/// Keys a connection with a raw 256-bit key (`x'<hex>'`, so that SQLCipher skips its own
/// passphrase derivation) through `sqlite3_key`, the call `PRAGMA key` makes: the pragma would
/// put the key into an SQL string that rusqlite copies into a C string it frees unwiped. Here the
/// only copy outside SQLCipher (which wipes its own) is a buffer of known size, wiped on drop.
#[allow(unsafe_code)] // one FFI call; SQLCipher's C API has no safe wrapper in rusqlite
fn key_connection(conn: &Connection, key: &[u8; 32]) -> Result<()> {
    use std::io::Write;
    let mut spec = zeroize::Zeroizing::new([0u8; 67]); // x ' 64 hex digits '
    let mut w = &mut spec[..];
    let hex_digits = zeroize::Zeroizing::new(hex::encode(key));
    let written = write!(w, "x'{}'", hex_digits.as_str());
    debug_assert!(written.is_ok() && w.is_empty());
    // SAFETY: the handle is the connection's own and stays valid while `conn` is borrowed;
    // sqlite3_key reads `spec.len()` bytes from a live buffer and keeps no pointer to it.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_key(
            conn.handle(),
            spec.as_ptr().cast(),
            spec.len() as std::os::raw::c_int,
        )
    };
    if rc != rusqlite::ffi::SQLITE_OK {
        return Err(Error::Storage(format!(
            "the index key was refused (code {rc})"
        )));
    }
    Ok(())
}

impl SqlCipherIndex {
    /// Open (or create) the index at `path` with the index key (derived from the vault key).
    pub fn open(path: &Path, index_key: &Key) -> Result<SqlCipherIndex> {
        let conn = Connection::open(path).map_err(storage)?;
        // SQLCipher logs decryption failures to stderr by default; errors reach the caller typed
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")
            .map_err(storage)?;
        key_connection(&conn, index_key.expose())?;
        // SQLCipher logs decryption failures to stderr (and resets the level when keyed): silence
        // it after the key; errors reach the caller typed
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")
            .map_err(storage)?;
        // the first read tells a wrong key (or a damaged file) apart
        match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        }) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::NotADatabase =>
            {
                return Err(Error::Integrity(
                    "the vault index is damaged, or the key is wrong".into(),
                ))
            }
            Err(e) => return Err(storage(e)),
        }
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
             PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
        )
        .map_err(storage)?;
        let mut index = SqlCipherIndex { conn };
        index.migrate()?;
        Ok(index)
    }

    fn migrate(&mut self) -> Result<()> {
        let current: u32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(storage)?;
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            let tx = self.conn.transaction().map_err(storage)?;
            tx.execute_batch(sql).map_err(storage)?;
            tx.execute_batch(&format!("PRAGMA user_version = {version}"))
                .map_err(storage)?;
            tx.commit().map_err(storage)?;
        }
        Ok(())
    }
}

/// Run `f` in one transaction.
fn in_transaction<T>(
    conn: &mut Connection,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn.transaction().map_err(storage)?;
    let out = f(&tx)?;
    tx.commit().map_err(storage)?;
    Ok(out)
}

fn sql(e: rusqlite::Error) -> Error {
    storage(e)
}

/// A blob id as the index writes it (hex), read back.
fn blob_id(s: &str) -> Result<BlobId> {
    hex::decode(s)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::Integrity("bad blob id in the index".into()))
}

/// Numbers as the index writes them (`x\y\z`), read back.
fn parse_floats<const N: usize>(s: &str) -> Option<[f64; N]> {
    let v: Vec<f64> = s
        .split('\\')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    v.try_into().ok()
}

fn join(v: &[f64]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("\\")
}

/// The table of a kind of documents (migrations 002 and 003).
fn table(kind: Documents) -> &'static str {
    match kind {
        Documents::Requests => "request",
        Documents::Shares => "share",
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

impl IndexStore for SqlCipherIndex {
    fn studies(&self) -> Result<Vec<StudyRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.id, s.patient_name, s.patient_id, s.study_date, s.description,
                        (SELECT group_concat(DISTINCT modality) FROM series WHERE study_id = s.id),
                        (SELECT count(*) FROM series WHERE study_id = s.id),
                        (SELECT count(*) FROM instance i JOIN series se ON i.series_id = se.id
                          WHERE se.study_id = s.id)
                 FROM study s ORDER BY s.study_date DESC, s.created_at DESC",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| {
                let modalities: Option<String> = r.get(5)?;
                Ok(StudyRow {
                    id: r.get(0)?,
                    patient_name: r.get(1)?,
                    patient_id: r.get(2)?,
                    study_date: r.get(3)?,
                    description: r.get(4)?,
                    modalities: modalities
                        .map(|m| m.split(',').map(str::to_string).collect())
                        .unwrap_or_default(),
                    series_count: r.get(6)?,
                    instance_count: r.get(7)?,
                })
            })
            .map_err(sql)?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql)
    }

    fn has_study(&self, id: &str) -> Result<bool> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM study WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(sql)?;
        Ok(n > 0)
    }

    fn sealed_study_key(&self, id: &str) -> Result<Option<Vec<u8>>> {
        self.conn
            .query_row("SELECT sealed_key FROM study WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql)
    }

    fn study_by_uid(&self, study_uid: &str) -> Result<Option<StudyMatch>> {
        self.conn
            .prepare_cached("SELECT id, patient_id, patient_name FROM study WHERE study_uid = ?1")
            .map_err(sql)?
            .query_row([study_uid], |r| {
                Ok(StudyMatch {
                    id: r.get(0)?,
                    patient_id: r.get(1)?,
                    patient_name: r.get(2)?,
                })
            })
            .optional()
            .map_err(sql)
    }

    fn delete_study(&mut self, id: &str) -> Result<Option<Vec<BlobId>>> {
        let ids: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT i.blob_id FROM instance i JOIN series s ON i.series_id = s.id WHERE s.study_id = ?1
                     UNION SELECT t.blob_id FROM thumbnail t JOIN series s ON t.series_id = s.id WHERE s.study_id = ?1",
                )
                .map_err(sql)?;
            let rows = stmt.query_map([id], |r| r.get(0)).map_err(sql)?;
            rows.collect::<std::result::Result<_, _>>().map_err(sql)?
        };
        let n = self
            .conn
            .execute("DELETE FROM study WHERE id = ?1", [id])
            .map_err(sql)?;
        if n == 0 {
            return Ok(None);
        }
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;")
            .map_err(sql)?;
        ids.iter()
            .map(|b| blob_id(b))
            .collect::<Result<_>>()
            .map(Some)
    }

    fn series_of(&self, study_id: &str) -> Result<Vec<SeriesRow>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT se.id, se.number, se.modality, se.description,
                        (SELECT count(*) FROM instance WHERE series_id = se.id)
                 FROM series se WHERE se.study_id = ?1
                 ORDER BY se.number IS NULL, se.number, se.description",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([study_id], |r| {
                Ok(SeriesRow {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    modality: r.get(2)?,
                    description: r.get(3)?,
                    instance_count: r.get(4)?,
                })
            })
            .map_err(sql)?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql)
    }

    fn series_by_uid(&self, series_uid: &str) -> Result<Option<SeriesMatch>> {
        self.conn
            .prepare_cached("SELECT id, study_id FROM series WHERE series_uid = ?1")
            .map_err(sql)?
            .query_row([series_uid], |r| {
                Ok(SeriesMatch {
                    id: r.get(0)?,
                    study_id: r.get(1)?,
                })
            })
            .optional()
            .map_err(sql)
    }

    fn study_of_series(&self, series_id: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT study_id FROM series WHERE id = ?1")
            .map_err(sql)?
            .query_row([series_id], |r| r.get(0))
            .optional()
            .map_err(sql)
    }

    fn series_without_thumbnail(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.id FROM series s WHERE NOT EXISTS (SELECT 1 FROM thumbnail t WHERE t.series_id = s.id)
                 AND EXISTS (SELECT 1 FROM instance i WHERE i.series_id = s.id)",
            )
            .map_err(sql)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(sql)?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql)
    }

    fn instances_of(&self, series_id: &str) -> Result<Vec<InstanceRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, number, frames, rows, cols, conflict, blob_id, position, orientation
                 FROM instance WHERE series_id = ?1",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([series_id], |r| {
                let blob: String = r.get(6)?;
                let pos: Option<String> = r.get(7)?;
                let ori: Option<String> = r.get(8)?;
                Ok(InstanceRow {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    frames: r.get(2)?,
                    rows: r.get(3)?,
                    cols: r.get(4)?,
                    conflict: r.get::<_, i64>(5)? != 0,
                    blob_id: hex::decode(blob)
                        .ok()
                        .and_then(|b| b.try_into().ok())
                        .unwrap_or([0; 16]),
                    position: pos.and_then(|p| parse_floats::<3>(&p)),
                    orientation: ori.and_then(|p| parse_floats::<6>(&p)),
                })
            })
            .map_err(sql)?;
        rows.collect::<std::result::Result<Vec<_>, _>>()
            .map_err(sql)
    }

    fn instance_digests(&self, sop_uid: &str) -> Result<Vec<[u8; 32]>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT sha256 FROM instance WHERE sop_uid = ?1")
            .map_err(sql)?;
        let rows = stmt
            .query_map([sop_uid], |r| r.get::<_, Vec<u8>>(0))
            .map_err(sql)?;
        // a digest of another length (never written) matches no file's
        Ok(rows
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(sql)?
            .into_iter()
            .map(|h| h.try_into().unwrap_or([0; 32]))
            .collect())
    }

    fn instance_blob(&self, study_id: &str, instance_id: &str) -> Result<Option<BlobId>> {
        let blob: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT i.blob_id FROM instance i JOIN series s ON i.series_id = s.id
                 WHERE i.id = ?1 AND s.study_id = ?2",
            )
            .map_err(sql)?
            .query_row([instance_id, study_id], |r| r.get(0))
            .optional()
            .map_err(sql)?;
        blob.as_deref().map(blob_id).transpose()
    }

    fn insert_all(&mut self, rows: &[NewRows]) -> Result<()> {
        in_transaction(&mut self.conn, |tx| {
            let mut study_stmt = tx
                .prepare_cached(
                    "INSERT INTO study (id, study_uid, patient_name, patient_id, birth_date, sex, study_date, description, accession, sealed_key, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .map_err(sql)?;
            let mut series_stmt = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO series (id, study_id, series_uid, number, modality, description, body_part)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(sql)?;
            let mut instance_stmt = tx
                .prepare_cached(
                    "INSERT INTO instance (id, series_id, sop_uid, sop_class, number, position, orientation, frames, rows, cols, transfer_syntax, blob_id, size, sha256, conflict, imported_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                )
                .map_err(sql)?;
            for row in rows {
                if let Some(s) = &row.study {
                    study_stmt
                        .execute(params![
                            s.id,
                            s.study_uid,
                            s.patient_name,
                            s.patient_id,
                            s.birth_date,
                            s.sex,
                            s.study_date,
                            s.description,
                            s.accession,
                            s.sealed_key,
                            s.created_at
                        ])
                        .map_err(sql)?;
                }
                let se = &row.series;
                series_stmt
                    .execute(params![
                        se.id,
                        se.study_id,
                        se.series_uid,
                        se.number,
                        se.modality,
                        se.description,
                        se.body_part
                    ])
                    .map_err(sql)?;
                let i = &row.instance;
                instance_stmt
                    .execute(params![
                        i.id,
                        i.series_id,
                        i.sop_uid,
                        i.sop_class,
                        i.number,
                        i.position.map(|p| join(&p)),
                        i.orientation.map(|p| join(&p)),
                        i.frames,
                        i.rows,
                        i.cols,
                        i.transfer_syntax,
                        hex::encode(i.blob_id),
                        i.size as i64,
                        i.sha256.to_vec(),
                        i.conflict as i64,
                        i.imported_at
                    ])
                    .map_err(sql)?;
            }
            Ok(())
        })
    }

    fn blob_ids(&self) -> Result<Vec<BlobId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT blob_id FROM instance UNION SELECT blob_id FROM thumbnail")
            .map_err(sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(sql)?;
        let ids: Vec<String> = rows.collect::<std::result::Result<_, _>>().map_err(sql)?;
        // an id that does not read as one (never written) references no blob
        Ok(ids.iter().filter_map(|s| blob_id(s).ok()).collect())
    }

    fn thumbnail_blob(&self, series_id: &str) -> Result<Option<BlobId>> {
        let blob: Option<String> = self
            .conn
            .query_row(
                "SELECT blob_id FROM thumbnail WHERE series_id = ?1",
                [series_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        blob.as_deref().map(blob_id).transpose()
    }

    fn set_thumbnail(&mut self, series_id: &str, blob: &BlobId) -> Result<Option<BlobId>> {
        let old = self.thumbnail_blob(series_id)?;
        self.conn
            .execute(
                "INSERT INTO thumbnail (series_id, blob_id) VALUES (?1, ?2)
                 ON CONFLICT(series_id) DO UPDATE SET blob_id = excluded.blob_id",
                params![series_id, hex::encode(blob)],
            )
            .map_err(sql)?;
        Ok(old)
    }

    fn put_document(
        &mut self,
        kind: Documents,
        id: &str,
        data: &str,
        study: Option<&str>,
        now: i64,
    ) -> Result<()> {
        let t = table(kind);
        self.conn
            .execute(
                &format!(
                    "INSERT INTO {t} (id, data, study_id, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?4)
                     ON CONFLICT(id) DO UPDATE SET data = ?2, study_id = ?3, updated_at = ?4"
                ),
                params![id, data, study, now],
            )
            .map_err(sql)?;
        Ok(())
    }

    fn update_document(
        &mut self,
        kind: Documents,
        id: &str,
        data: &str,
        study: Option<&str>,
        now: i64,
    ) -> Result<bool> {
        let t = table(kind);
        let n = self
            .conn
            .execute(
                &format!("UPDATE {t} SET data = ?2, study_id = ?3, updated_at = ?4 WHERE id = ?1"),
                params![id, data, study, now],
            )
            .map_err(sql)?;
        Ok(n > 0)
    }

    fn document(&self, kind: Documents, id: &str) -> Result<Option<Document>> {
        let t = table(kind);
        self.conn
            .query_row(
                &format!("SELECT id, data, study_id FROM {t} WHERE id = ?1"),
                [id],
                document_row,
            )
            .optional()
            .map_err(sql)
    }

    fn documents(&self, kind: Documents) -> Result<Vec<Document>> {
        let t = table(kind);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, data, study_id FROM {t} ORDER BY created_at, id"
            ))
            .map_err(sql)?;
        let rows = stmt.query_map([], document_row).map_err(sql)?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql)
    }

    fn document_ids_starting(&self, kind: Documents, prefix: &str) -> Result<Vec<String>> {
        let t = table(kind);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id FROM {t} WHERE substr(id, 1, ?2) = ?1 ORDER BY id LIMIT 2"
            ))
            .map_err(sql)?;
        let rows = stmt
            .query_map(params![prefix, prefix.chars().count() as i64], |r| r.get(0))
            .map_err(sql)?;
        rows.collect::<std::result::Result<_, _>>().map_err(sql)
    }

    fn delete_document(&mut self, kind: Documents, id: &str) -> Result<bool> {
        let t = table(kind);
        let n = self
            .conn
            .execute(&format!("DELETE FROM {t} WHERE id = ?1"), [id])
            .map_err(sql)?;
        Ok(n > 0)
    }

    /// The SQLCipher version linked in (a check that the index really is encrypted).
    fn cipher_version(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA cipher_version", [], |r| r.get(0))
            .optional()
            .map_err(storage)?
            .ok_or_else(|| Error::Storage("SQLCipher is not linked".into()))
    }
}
