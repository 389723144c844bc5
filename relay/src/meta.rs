//! Share metadata behind a small trait: SQLite by default ([`SqliteMeta`]), PostgreSQL when
//! several relay processes serve one set of shares ([`PgMeta`], `--database-url`).
//!
//! The trait is synchronous on purpose: each call is one short transaction, and the server runs
//! it on tokio's blocking pool (`spawn_blocking`). Every method that decides something (quota,
//! download count, lockout) does it inside one transaction, with the arithmetic in SQL, so two
//! relay processes over one PostgreSQL database stay correct. Migrations are numbered files,
//! one folder per database: `relay/migrations/{sqlite,postgres}/NNN_*.sql`.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

mod postgres;
pub use postgres::PgMeta;

/// What a store may fail with. Internal: the HTTP layer maps it to a status without details.
#[derive(Debug, thiserror::Error)]
pub enum MetaError {
    #[error("metadata database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("metadata migration {0} failed: {1}")]
    Migration(u32, rusqlite::Error),
    /// Built by `From<tokio_postgres::Error>`, which drops the server's DETAIL text (it can
    /// quote a row's values, such as a share id).
    #[error("PostgreSQL metadata: {0}")]
    Pg(String),
    #[error("PostgreSQL metadata migration {0} failed: {1}")]
    PgMigration(u32, String),
    #[error("PostgreSQL connection pool: {0}")]
    Pool(String),
    #[error("bad --database-url: {0}")]
    Config(String),
    #[error("the share's size quota would be exceeded")]
    Quota,
    #[error("the share is finalized")]
    Finalized,
    #[error("the share does not exist")]
    Missing,
}

pub type MetaResult<T> = Result<T, MetaError>;

/// A share's lifecycle state. A row is never deleted: revoked and expired shares stay as
/// tombstones so their ids answer 410 rather than 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareState {
    Active,
    Revoked,
    Expired,
}

impl ShareState {
    fn as_str(self) -> &'static str {
        match self {
            ShareState::Active => "active",
            ShareState::Revoked => "revoked",
            ShareState::Expired => "expired",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "revoked" => ShareState::Revoked,
            "expired" => ShareState::Expired,
            _ => ShareState::Active,
        }
    }
}

/// Events of the owner's access log (the protocol's [`AccessKind`]).
pub use scanpass_protocol::AccessKind as Event;

/// An event as stored; a name this version does not know reads as a refusal.
fn stored_event(name: &str) -> Event {
    Event::parse(name).unwrap_or(Event::Denied)
}

#[derive(Debug, Clone)]
pub struct NewShare {
    pub id: String,
    pub owner_hash: [u8; 32],
    pub created_at: i64,
    pub expires_at: i64,
    pub max_downloads: Option<u64>,
    pub size_quota: u64,
    pub auth_verifier: Option<[u8; 32]>,
    /// Whether the recipient token is derived from a passcode (guessable): only such shares
    /// count wrong tokens and lock.
    pub passcode: bool,
}

#[derive(Debug, Clone)]
pub struct Share {
    pub id: String,
    pub owner_hash: Vec<u8>,
    pub expires_at: i64,
    pub max_downloads: Option<u64>,
    pub downloads: u64,
    pub exhausted_at: Option<i64>,
    pub size_quota: u64,
    pub bytes_used: u64,
    pub auth_verifier: Option<Vec<u8>>,
    pub passcode: bool,
    /// Recipient requests are refused until then (unix seconds); 0: not locked.
    pub locked_until: i64,
    pub manifest: Option<Stored>,
    pub finalized_chunks: Option<u32>,
    pub state: ShareState,
}

/// Size and SHA-256 of a stored object (a chunk or the manifest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub size: u64,
    pub sha256: Vec<u8>,
}

/// What reserving a recipient's attempt found ([`MetaStore::reserve_attempt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Counted: the token may now be compared.
    Reserved,
    /// The share is locked until then (unix seconds).
    Locked { until: i64 },
    /// As many attempts as the limit allows are being compared right now: wait for them.
    Busy,
}

/// What settling a wrong recipient token found ([`MetaStore::settle_failure`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthFailure {
    /// Wrong tokens counted in the share's current window, this one included.
    pub failures: u64,
    /// `Some(until)` for the one failure that reached the limit and locked the share.
    pub locked_until: Option<i64>,
}

/// Seconds after which attempts counted but never settled (their relay died while comparing)
/// stop counting, so that they cannot hold a share shut.
pub const PENDING_FORGOTTEN_SECS: i64 = 60;

/// How long the `n`-th lock of a share lasts (n from 0): `base` doubled each time, capped.
pub fn lock_length(base_secs: u64, n: u32) -> i64 {
    (base_secs.max(1) << n.min(16)).min(i64::MAX as u64 / 4) as i64
}

/// What a recipient's download attempt found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadCount {
    Counted,
    Exhausted,
}

pub trait MetaStore: Send + Sync + 'static {
    fn create_share(&self, share: &NewShare) -> MetaResult<()>;
    fn share(&self, id: &str) -> MetaResult<Option<Share>>;
    fn chunk(&self, id: &str, index: u32) -> MetaResult<Option<Stored>>;
    fn chunks(&self, id: &str) -> MetaResult<Vec<(u32, Stored)>>;
    /// Records a stored chunk (replacing an earlier one of that index), keeping `bytes_used`
    /// within the quota. Fails with `Quota` or `Finalized` without changing anything.
    fn record_chunk(&self, id: &str, index: u32, stored: &Stored) -> MetaResult<()>;
    fn record_manifest(&self, id: &str, stored: &Stored) -> MetaResult<()>;
    fn finalize(&self, id: &str, chunks: u32) -> MetaResult<()>;
    /// Sets the recipient-token verifier and whether its token is passcode-derived; refused
    /// (`Finalized`) once recipients can fetch.
    fn set_verifier(&self, id: &str, verifier: &[u8; 32], passcode: bool) -> MetaResult<()>;
    /// Counts one download unless `max_downloads` is reached.
    fn count_download(&self, id: &str, now: i64) -> MetaResult<DownloadCount>;
    /// Counts a recipient's attempt BEFORE its token is compared, in one statement: refused when
    /// the share is locked, or when `max_failures` attempts are already counted in its window
    /// (wrong ones, and ones still being compared). A lock that has run out opens a new window.
    /// So however many requests arrive at once, at most `max_failures` tokens are compared per
    /// window.
    fn reserve_attempt(&self, id: &str, max_failures: u32, now: i64) -> MetaResult<Attempt>;
    /// Gives back the attempt of a right token.
    fn refund_attempt(&self, id: &str) -> MetaResult<()>;
    /// Keeps the attempt of a wrong token counted; the one that fills the window locks the share
    /// until `now + lock_length(lock_base_secs, locks so far)`.
    fn settle_failure(
        &self,
        id: &str,
        max_failures: u32,
        now: i64,
        lock_base_secs: u64,
    ) -> MetaResult<AuthFailure>;
    /// The owner's reset: unlocked, no failures counted, the back-off from the start.
    fn reset_lock(&self, id: &str) -> MetaResult<()>;
    /// Bytes stored across all shares not yet purged.
    fn total_bytes(&self) -> MetaResult<u64>;
    fn log_event(&self, id: &str, at: i64, event: Event) -> MetaResult<()>;
    fn events(&self, id: &str) -> MetaResult<Vec<(i64, Event)>>;
    fn set_state(&self, id: &str, state: ShareState) -> MetaResult<()>;
    /// Shares whose objects must go, not yet purged: revoked; expired by `now`; or spent (their
    /// last allowed download began more than `grace_secs` ago, the time it had to finish).
    fn to_purge(&self, now: i64, grace_secs: u64) -> MetaResult<Vec<String>>;
    /// After the objects are deleted: drop chunk and event rows, keep the tombstone.
    fn mark_purged(&self, id: &str) -> MetaResult<()>;
    /// Serialises the owner's writes to one share across relay processes: the server holds the
    /// returned guard (dropping it releases the lock) over the object write and its row, inside
    /// its own per-process lock. `None`, the default: one process per store (SQLite), where the
    /// per-process lock is enough.
    fn lock_share(&self, _id: &str) -> MetaResult<Option<Box<dyn std::any::Any + Send>>> {
        Ok(None)
    }
}

/// SQLite migrations, applied in order; `PRAGMA user_version` counts the applied ones.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/sqlite/001_init.sql"),
    include_str!("../migrations/sqlite/002_lock_backoff.sql"),
];

/// SQLite metadata in one file, one connection behind a mutex (each call is a short transaction).
pub struct SqliteMeta {
    conn: Mutex<Connection>,
}

impl SqliteMeta {
    pub fn open(path: &Path) -> MetaResult<Self> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let n = i as u32 + 1;
            conn.execute_batch(&format!("BEGIN; {sql}\nPRAGMA user_version = {n}; COMMIT;"))
                .map_err(|e| MetaError::Migration(n, e))?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> MetaResult<T>) -> MetaResult<T> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back).
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }
}

fn to_u64(v: i64) -> u64 {
    v.max(0) as u64
}

impl MetaStore for SqliteMeta {
    fn create_share(&self, s: &NewShare) -> MetaResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO shares (id, owner_hash, created_at, expires_at, max_downloads, \
                 size_quota, auth_verifier, passcode) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    s.id,
                    &s.owner_hash[..],
                    s.created_at,
                    s.expires_at,
                    s.max_downloads.map(|v| v as i64),
                    s.size_quota as i64,
                    s.auth_verifier.as_ref().map(|v| &v[..]),
                    s.passcode,
                ],
            )?;
            Ok(())
        })
    }

    fn share(&self, id: &str) -> MetaResult<Option<Share>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT id, owner_hash, expires_at, max_downloads, downloads, exhausted_at, \
                 size_quota, bytes_used, auth_verifier, passcode, locked_until, manifest_size, \
                 manifest_sha256, finalized_chunks, state FROM shares WHERE id = ?1",
                [id],
                |r| {
                    let manifest_size: Option<i64> = r.get(11)?;
                    let manifest_sha: Option<Vec<u8>> = r.get(12)?;
                    Ok(Share {
                        id: r.get(0)?,
                        owner_hash: r.get(1)?,
                        expires_at: r.get(2)?,
                        max_downloads: r.get::<_, Option<i64>>(3)?.map(to_u64),
                        downloads: to_u64(r.get(4)?),
                        exhausted_at: r.get(5)?,
                        size_quota: to_u64(r.get(6)?),
                        bytes_used: to_u64(r.get(7)?),
                        auth_verifier: r.get(8)?,
                        passcode: r.get::<_, i64>(9)? != 0,
                        locked_until: r.get(10)?,
                        manifest: match (manifest_size, manifest_sha) {
                            (Some(size), Some(sha256)) => Some(Stored {
                                size: to_u64(size),
                                sha256,
                            }),
                            _ => None,
                        },
                        finalized_chunks: r.get::<_, Option<i64>>(13)?.map(|v| v as u32),
                        state: ShareState::parse(&r.get::<_, String>(14)?),
                    })
                },
            )
            .optional()?)
        })
    }

    fn chunk(&self, id: &str, index: u32) -> MetaResult<Option<Stored>> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT size, sha256 FROM chunks WHERE share_id = ?1 AND idx = ?2",
                params![id, index],
                |r| {
                    Ok(Stored {
                        size: to_u64(r.get(0)?),
                        sha256: r.get(1)?,
                    })
                },
            )
            .optional()?)
        })
    }

    fn chunks(&self, id: &str) -> MetaResult<Vec<(u32, Stored)>> {
        self.with(|c| {
            let mut st =
                c.prepare("SELECT idx, size, sha256 FROM chunks WHERE share_id = ?1 ORDER BY idx")?;
            let rows = st.query_map([id], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    Stored {
                        size: to_u64(r.get(1)?),
                        sha256: r.get(2)?,
                    },
                ))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn record_chunk(&self, id: &str, index: u32, stored: &Stored) -> MetaResult<()> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (used, quota, finalized): (i64, i64, Option<i64>) = tx
                .query_row(
                    "SELECT bytes_used, size_quota, finalized_chunks FROM shares WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?
                .ok_or(MetaError::Missing)?;
            if finalized.is_some() {
                return Err(MetaError::Finalized);
            }
            let old: i64 = tx
                .query_row(
                    "SELECT size FROM chunks WHERE share_id = ?1 AND idx = ?2",
                    params![id, index],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(0);
            let new_used = used - old + stored.size as i64;
            if new_used > quota {
                return Err(MetaError::Quota);
            }
            tx.execute(
                "INSERT INTO chunks (share_id, idx, size, sha256) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (share_id, idx) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256",
                params![id, index, stored.size as i64, stored.sha256],
            )?;
            tx.execute(
                "UPDATE shares SET bytes_used = ?2 WHERE id = ?1",
                params![id, new_used],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn record_manifest(&self, id: &str, stored: &Stored) -> MetaResult<()> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (used, quota, finalized, old): (i64, i64, Option<i64>, Option<i64>) = tx
                .query_row(
                    "SELECT bytes_used, size_quota, finalized_chunks, manifest_size FROM shares WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?
                .ok_or(MetaError::Missing)?;
            if finalized.is_some() {
                return Err(MetaError::Finalized);
            }
            let new_used = used - old.unwrap_or(0) + stored.size as i64;
            if new_used > quota {
                return Err(MetaError::Quota);
            }
            tx.execute(
                "UPDATE shares SET bytes_used = ?2, manifest_size = ?3, manifest_sha256 = ?4 WHERE id = ?1",
                params![id, new_used, stored.size as i64, stored.sha256],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn finalize(&self, id: &str, chunks: u32) -> MetaResult<()> {
        self.with(|c| {
            c.execute(
                "UPDATE shares SET finalized_chunks = ?2 WHERE id = ?1 AND finalized_chunks IS NULL",
                params![id, chunks],
            )?;
            Ok(())
        })
    }

    fn set_verifier(&self, id: &str, verifier: &[u8; 32], passcode: bool) -> MetaResult<()> {
        self.with(|c| {
            let changed = c.execute(
                "UPDATE shares SET auth_verifier = ?2, passcode = ?3 \
                 WHERE id = ?1 AND finalized_chunks IS NULL",
                params![id, &verifier[..], passcode],
            )?;
            if changed == 0 {
                return Err(MetaError::Finalized);
            }
            Ok(())
        })
    }

    fn count_download(&self, id: &str, now: i64) -> MetaResult<DownloadCount> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let changed = tx.execute(
                "UPDATE shares SET downloads = downloads + 1 \
                 WHERE id = ?1 AND (max_downloads IS NULL OR downloads < max_downloads)",
                [id],
            )?;
            if changed == 0 {
                return Ok(DownloadCount::Exhausted);
            }
            tx.execute(
                "UPDATE shares SET exhausted_at = ?2 \
                 WHERE id = ?1 AND max_downloads IS NOT NULL AND downloads >= max_downloads",
                params![id, now],
            )?;
            tx.commit()?;
            Ok(DownloadCount::Counted)
        })
    }

    fn reserve_attempt(&self, id: &str, max_failures: u32, now: i64) -> MetaResult<Attempt> {
        self.with(|c| {
            // one statement: the count and the limit check cannot be split by another request
            let reserved = c
                .query_row(
                    "UPDATE shares SET \
                       auth_pending = CASE WHEN auth_pending_at < ?4 THEN 1 \
                         ELSE auth_pending + 1 END, \
                       auth_pending_at = ?3, \
                       auth_failures = CASE WHEN locked_until > 0 THEN 0 ELSE auth_failures END, \
                       locked_until = 0 \
                     WHERE id = ?1 AND ( \
                       (locked_until = 0 AND auth_failures \
                         + CASE WHEN auth_pending_at < ?4 THEN 0 ELSE auth_pending END < ?2) \
                       OR (locked_until > 0 AND locked_until <= ?3)) \
                     RETURNING auth_pending",
                    params![id, max_failures, now, now - PENDING_FORGOTTEN_SECS],
                    |r| r.get::<_, i64>(0),
                )
                .optional()?;
            if reserved.is_some() {
                return Ok(Attempt::Reserved);
            }
            let until: i64 = c
                .query_row("SELECT locked_until FROM shares WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or(MetaError::Missing)?;
            Ok(if until > now {
                Attempt::Locked { until }
            } else {
                Attempt::Busy
            })
        })
    }

    fn refund_attempt(&self, id: &str) -> MetaResult<()> {
        self.with(|c| {
            c.execute(
                "UPDATE shares SET auth_pending = MAX(auth_pending - 1, 0) WHERE id = ?1",
                [id],
            )?;
            Ok(())
        })
    }

    fn settle_failure(
        &self,
        id: &str,
        max_failures: u32,
        now: i64,
        lock_base_secs: u64,
    ) -> MetaResult<AuthFailure> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (failures, locked_until, locks): (i64, i64, i64) = tx
                .query_row(
                    "UPDATE shares SET auth_pending = MAX(auth_pending - 1, 0), \
                       auth_failures = auth_failures + 1 WHERE id = ?1 \
                     RETURNING auth_failures, locked_until, lock_count",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?
                .ok_or(MetaError::Missing)?;
            let mut locked_now = None;
            if locked_until == 0 && failures >= i64::from(max_failures) {
                let until = now + lock_length(lock_base_secs, locks.clamp(0, 64) as u32);
                tx.execute(
                    "UPDATE shares SET locked_until = ?2, lock_count = lock_count + 1 WHERE id = ?1",
                    params![id, until],
                )?;
                locked_now = Some(until);
            }
            tx.commit()?;
            Ok(AuthFailure {
                failures: failures.max(0) as u64,
                locked_until: locked_now,
            })
        })
    }

    fn total_bytes(&self) -> MetaResult<u64> {
        self.with(|c| {
            let n: i64 = c.query_row(
                "SELECT COALESCE(SUM(bytes_used), 0) FROM shares WHERE purged = 0",
                [],
                |r| r.get(0),
            )?;
            Ok(to_u64(n))
        })
    }

    fn reset_lock(&self, id: &str) -> MetaResult<()> {
        self.with(|c| {
            c.execute(
                "UPDATE shares SET auth_failures = 0, auth_pending = 0, locked_until = 0, \
                 lock_count = 0 WHERE id = ?1",
                [id],
            )?;
            Ok(())
        })
    }

    fn log_event(&self, id: &str, at: i64, event: Event) -> MetaResult<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO events (share_id, at, event) VALUES (?1, ?2, ?3)",
                params![id, at, event.as_str()],
            )?;
            Ok(())
        })
    }

    fn events(&self, id: &str) -> MetaResult<Vec<(i64, Event)>> {
        self.with(|c| {
            let mut st =
                c.prepare("SELECT at, event FROM events WHERE share_id = ?1 ORDER BY rowid")?;
            let rows = st.query_map([id], |r| {
                Ok((r.get::<_, i64>(0)?, stored_event(&r.get::<_, String>(1)?)))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn set_state(&self, id: &str, state: ShareState) -> MetaResult<()> {
        self.with(|c| {
            c.execute(
                "UPDATE shares SET state = ?2 WHERE id = ?1",
                params![id, state.as_str()],
            )?;
            Ok(())
        })
    }

    fn to_purge(&self, now: i64, grace_secs: u64) -> MetaResult<Vec<String>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id FROM shares WHERE purged = 0 AND (state != 'active' OR expires_at <= ?1 \
                 OR (max_downloads IS NOT NULL AND downloads >= max_downloads \
                     AND exhausted_at <= ?2))",
            )?;
            let spent_before = now - grace_secs.min(i64::MAX as u64 / 2) as i64;
            let rows = st.query_map([now, spent_before], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn mark_purged(&self, id: &str) -> MetaResult<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM chunks WHERE share_id = ?1", [id])?;
            tx.execute("DELETE FROM events WHERE share_id = ?1", [id])?;
            tx.execute(
                "UPDATE shares SET purged = 1, bytes_used = 0, manifest_size = NULL, \
                 manifest_sha256 = NULL, auth_verifier = NULL, \
                 state = CASE state WHEN 'active' THEN 'expired' ELSE state END WHERE id = ?1",
                [id],
            )?;
            tx.commit()?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(id: &str, quota: u64) -> NewShare {
        NewShare {
            id: id.into(),
            owner_hash: [1; 32],
            created_at: 0,
            expires_at: 100,
            max_downloads: Some(1),
            size_quota: quota,
            auth_verifier: None,
            passcode: true,
        }
    }

    #[test]
    fn quota_counts_replacements_once() {
        let dir = tempfile::tempdir().unwrap();
        let m = SqliteMeta::open(&dir.path().join("m.sqlite3")).unwrap();
        m.create_share(&share("a", 10)).unwrap();
        let s = |n| Stored {
            size: n,
            sha256: vec![0; 32],
        };
        m.record_chunk("a", 0, &s(6)).unwrap();
        m.record_chunk("a", 0, &s(6)).unwrap(); // same chunk again: still 6 used
        assert!(matches!(
            m.record_chunk("a", 1, &s(5)),
            Err(MetaError::Quota)
        ));
        m.record_chunk("a", 1, &s(4)).unwrap();
        assert_eq!(m.share("a").unwrap().unwrap().bytes_used, 10);
        m.finalize("a", 2).unwrap();
        assert!(matches!(
            m.record_chunk("a", 1, &s(1)),
            Err(MetaError::Finalized)
        ));
    }

    #[test]
    fn downloads_stop_at_the_maximum() {
        let dir = tempfile::tempdir().unwrap();
        let m = SqliteMeta::open(&dir.path().join("m.sqlite3")).unwrap();
        m.create_share(&share("a", 10)).unwrap();
        assert_eq!(m.count_download("a", 5).unwrap(), DownloadCount::Counted);
        assert_eq!(m.count_download("a", 6).unwrap(), DownloadCount::Exhausted);
        assert_eq!(m.share("a").unwrap().unwrap().exhausted_at, Some(5));
    }
}
