//! The vault index: patients' studies, series and instances in SQLite, encrypted whole by
//! SQLCipher (see docs/adr/0004-vault-encryption.md), schema changes in numbered migrations.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use crate::crypto::Key;
use crate::error::{Error, Result};

/// Numbered migrations, applied in order; `PRAGMA user_version` records the last one applied.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../../migrations/001_init.sql")),
    (2, include_str!("../../migrations/002_requests.sql")),
    (3, include_str!("../../migrations/003_shares.sql")),
];

pub(crate) struct Index {
    pub conn: Connection,
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

impl Index {
    /// Open (or create) the index at `path` with the vault key.
    pub fn open(path: &Path, vault_key: &Key) -> Result<Index> {
        let conn = Connection::open(path).map_err(storage)?;
        // SQLCipher logs decryption failures to stderr by default; errors reach the caller typed
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")
            .map_err(storage)?;
        let db_key = vault_key.derive("scanpass index v1", b"");
        key_connection(&conn, db_key.expose())?;
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
        let mut index = Index { conn };
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

    /// The SQLCipher version linked in (a check that the index really is encrypted).
    pub fn cipher_version(&self) -> Result<String> {
        self.conn
            .query_row("PRAGMA cipher_version", [], |r| r.get(0))
            .optional()
            .map_err(storage)?
            .ok_or_else(|| Error::Storage("SQLCipher is not linked".into()))
    }
}

/// Helper for callers: run `f` in one transaction.
pub(crate) fn in_transaction<T>(
    conn: &mut Connection,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn.transaction().map_err(storage)?;
    let out = f(&tx)?;
    tx.commit().map_err(storage)?;
    Ok(out)
}

pub(crate) fn sql(e: rusqlite::Error) -> Error {
    storage(e)
}
