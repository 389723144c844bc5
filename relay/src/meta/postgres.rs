//! [`PgMeta`]: share metadata in PostgreSQL, for several relay processes behind a load balancer.
//!
//! The same rows as SQLite (`relay/migrations/postgres/`), reached through tokio-postgres and a
//! deadpool pool. The trait is synchronous: each method runs its queries on the relay's tokio
//! runtime with `Handle::block_on`, which is allowed on the blocking pool where the server calls
//! the store (never call it from an async task). Correctness with several processes rests on
//! PostgreSQL alone: every counter (downloads, wrong tokens, bytes used) is changed by an UPDATE
//! that does the arithmetic and the limit check in SQL, and a chunk's quota check runs with the
//! share's row locked (`SELECT … FOR UPDATE`), so no two relays can both spend the last byte or
//! the last download. The owner's writes to one share (object, then row) are serialised across
//! relays by a session advisory lock on a second, separate pool ([`MetaStore::lock_share`]), so a
//! lock holder never waits for a connection that other lock holders keep.

use std::future::Future;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio::runtime::Handle;
use tokio_postgres::{NoTls, Row};

use super::{
    lock_length, stored_event, to_u64, Attempt, AuthFailure, DownloadCount, Event, MetaError,
    MetaResult, MetaStore, NewShare, Share, ShareState, Stored,
};

/// PostgreSQL migrations, applied in order; `scanpass_relay_migrations` records the applied ones.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/001_init.sql"),
    include_str!("../../migrations/postgres/002_lock_backoff.sql"),
];

/// Key of the transaction-scoped advisory lock under which a relay migrates, so that relays
/// starting together do not race ("SCANPASS" in ASCII).
const MIGRATION_LOCK: i64 = 0x5343_414e_5041_5353;

const SHARE_COLUMNS: &str = "id, owner_hash, expires_at, max_downloads, downloads, exhausted_at, \
     size_quota, bytes_used, auth_verifier, passcode, locked_until, manifest_size, \
     manifest_sha256, finalized_chunks, state";

impl From<tokio_postgres::Error> for MetaError {
    fn from(e: tokio_postgres::Error) -> Self {
        MetaError::Pg(describe(&e))
    }
}

/// The error without the server's DETAIL and WHERE parts, which can quote a row's values.
fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} {}: {}", db.severity(), db.code().code(), db.message()),
        None => e.to_string(),
    }
}

/// A pool's error with its causes ("error connecting to server: Connection refused").
fn pool_error(e: deadpool_postgres::PoolError) -> MetaError {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = cause.source();
    }
    MetaError::Pool(text)
}

/// PostgreSQL metadata through a connection pool. Several relays may share one database.
pub struct PgMeta {
    pool: Pool,
    /// Connections that hold a share's advisory lock during an owner write.
    locks: Pool,
    rt: Handle,
}

impl PgMeta {
    /// Connects (`postgres://user[:password]@host[:port]/database`, or libpq's `key=value`
    /// form; `host=/run/postgresql` for a Unix socket) and applies pending migrations. Call it
    /// inside the tokio runtime the relay serves on: the store runs its queries there.
    pub async fn connect(url: &str, max_connections: usize) -> MetaResult<Self> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|e: tokio_postgres::Error| MetaError::Config(e.to_string()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        if config.get_application_name().is_none() {
            config.application_name("scanpass-relay");
        }
        let pool = |config: tokio_postgres::Config| {
            let manager = Manager::from_config(
                config,
                NoTls,
                ManagerConfig {
                    recycling_method: RecyclingMethod::Fast,
                },
            );
            Pool::builder(manager)
                .max_size(max_connections.max(1))
                .runtime(Runtime::Tokio1)
                .wait_timeout(Some(Duration::from_secs(30)))
                .create_timeout(Some(Duration::from_secs(10)))
                .build()
                .map_err(|e| MetaError::Pool(e.to_string()))
        };
        let meta = Self {
            pool: pool(config.clone())?,
            locks: pool(config)?,
            rt: Handle::current(),
        };
        meta.migrate().await?;
        Ok(meta)
    }

    async fn client(&self) -> MetaResult<Object> {
        self.pool.get().await.map_err(pool_error)
    }

    async fn migrate(&self) -> MetaResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS scanpass_relay_migrations \
             (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await?;
        let done: i64 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM scanpass_relay_migrations",
                &[],
            )
            .await?
            .get(0);
        if done as usize > MIGRATIONS.len() {
            return Err(MetaError::Config(format!(
                "the database is at migration {done}, newer than this relay ({})",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(done as usize) {
            let n = i as i64 + 1;
            tx.batch_execute(sql)
                .await
                .map_err(|e| MetaError::PgMigration(n as u32, describe(&e)))?;
            tx.execute(
                "INSERT INTO scanpass_relay_migrations (version) VALUES ($1)",
                &[&n],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Runs one call's queries on the relay's runtime from the calling (blocking) thread.
    fn block<T>(&self, f: impl Future<Output = MetaResult<T>>) -> MetaResult<T> {
        self.rt.block_on(f)
    }
}

/// A share's advisory lock, held by one connection of the lock pool; released when dropped.
struct AdvisoryLock {
    client: Option<Object>,
    rt: Handle,
}

impl Drop for AdvisoryLock {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        // Dropped inside request handlers, so the unlock runs as a task. Should it fail, the
        // connection is closed rather than pooled: closing it releases every lock it held.
        self.rt.spawn(async move {
            if client
                .execute("SELECT pg_advisory_unlock_all()", &[])
                .await
                .is_err()
            {
                drop(Object::take(client));
            }
        });
    }
}

fn share_from(r: &Row) -> Share {
    let manifest = match (r.get::<_, Option<i64>>(11), r.get::<_, Option<Vec<u8>>>(12)) {
        (Some(size), Some(sha256)) => Some(Stored {
            size: to_u64(size),
            sha256,
        }),
        _ => None,
    };
    Share {
        id: r.get(0),
        owner_hash: r.get(1),
        expires_at: r.get(2),
        max_downloads: r.get::<_, Option<i64>>(3).map(to_u64),
        downloads: to_u64(r.get(4)),
        exhausted_at: r.get(5),
        size_quota: to_u64(r.get(6)),
        bytes_used: to_u64(r.get(7)),
        auth_verifier: r.get(8),
        passcode: r.get(9),
        locked_until: r.get(10),
        manifest,
        finalized_chunks: r.get::<_, Option<i64>>(13).map(|v| v as u32),
        state: ShareState::parse(r.get(14)),
    }
}

fn stored_from(r: &Row, first: usize) -> Stored {
    Stored {
        size: to_u64(r.get(first)),
        sha256: r.get(first + 1),
    }
}

impl MetaStore for PgMeta {
    fn create_share(&self, s: &NewShare) -> MetaResult<()> {
        self.block(async {
            self.client()
                .await?
                .execute(
                    "INSERT INTO shares (id, owner_hash, created_at, expires_at, max_downloads, \
                     size_quota, auth_verifier, passcode) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        &s.id,
                        &&s.owner_hash[..],
                        &s.created_at,
                        &s.expires_at,
                        &s.max_downloads.map(|v| v as i64),
                        &(s.size_quota as i64),
                        &s.auth_verifier.as_ref().map(|v| &v[..]),
                        &s.passcode,
                    ],
                )
                .await?;
            Ok(())
        })
    }

    fn share(&self, id: &str) -> MetaResult<Option<Share>> {
        self.block(async {
            let sql = format!("SELECT {SHARE_COLUMNS} FROM shares WHERE id = $1");
            let row = self.client().await?.query_opt(&sql, &[&id]).await?;
            Ok(row.as_ref().map(share_from))
        })
    }

    fn chunk(&self, id: &str, index: u32) -> MetaResult<Option<Stored>> {
        self.block(async {
            let row = self
                .client()
                .await?
                .query_opt(
                    "SELECT size, sha256 FROM chunks WHERE share_id = $1 AND idx = $2",
                    &[&id, &i64::from(index)],
                )
                .await?;
            Ok(row.map(|r| stored_from(&r, 0)))
        })
    }

    fn chunks(&self, id: &str) -> MetaResult<Vec<(u32, Stored)>> {
        self.block(async {
            let rows = self
                .client()
                .await?
                .query(
                    "SELECT idx, size, sha256 FROM chunks WHERE share_id = $1 ORDER BY idx",
                    &[&id],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| (r.get::<_, i64>(0) as u32, stored_from(r, 1)))
                .collect())
        })
    }

    fn record_chunk(&self, id: &str, index: u32, stored: &Stored) -> MetaResult<()> {
        self.block(async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            // The share's row lock orders every chunk write of this share across relays; the
            // statements below then see each other's committed chunk rows.
            let row = tx
                .query_opt(
                    "SELECT finalized_chunks FROM shares WHERE id = $1 FOR UPDATE",
                    &[&id],
                )
                .await?
                .ok_or(MetaError::Missing)?;
            if row.get::<_, Option<i64>>(0).is_some() {
                return Err(MetaError::Finalized);
            }
            let (idx, size) = (i64::from(index), stored.size as i64);
            // Quota check and new total in one UPDATE: the index's old size off, the new on.
            let within = tx
                .execute(
                    "UPDATE shares SET bytes_used = bytes_used + $3 - COALESCE( \
                       (SELECT size FROM chunks WHERE share_id = $1 AND idx = $2), 0) \
                     WHERE id = $1 AND bytes_used + $3 - COALESCE( \
                       (SELECT size FROM chunks WHERE share_id = $1 AND idx = $2), 0) <= size_quota",
                    &[&id, &idx, &size],
                )
                .await?;
            if within == 0 {
                return Err(MetaError::Quota); // dropping the transaction rolls it back
            }
            tx.execute(
                "INSERT INTO chunks (share_id, idx, size, sha256) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (share_id, idx) DO UPDATE SET size = excluded.size, \
                 sha256 = excluded.sha256",
                &[&id, &idx, &size, &stored.sha256],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn record_manifest(&self, id: &str, stored: &Stored) -> MetaResult<()> {
        self.block(async {
            let c = self.client().await?;
            let size = stored.size as i64;
            let changed = c
                .execute(
                    "UPDATE shares SET bytes_used = bytes_used + $2 - COALESCE(manifest_size, 0), \
                     manifest_size = $2, manifest_sha256 = $3 \
                     WHERE id = $1 AND finalized_chunks IS NULL \
                     AND bytes_used + $2 - COALESCE(manifest_size, 0) <= size_quota",
                    &[&id, &size, &stored.sha256],
                )
                .await?;
            if changed == 1 {
                return Ok(());
            }
            let finalized: Option<bool> = c
                .query_opt(
                    "SELECT finalized_chunks IS NOT NULL FROM shares WHERE id = $1",
                    &[&id],
                )
                .await?
                .map(|r| r.get(0));
            Err(match finalized {
                None => MetaError::Missing,
                Some(true) => MetaError::Finalized,
                Some(false) => MetaError::Quota,
            })
        })
    }

    fn finalize(&self, id: &str, chunks: u32) -> MetaResult<()> {
        self.block(async {
            self.client()
                .await?
                .execute(
                    "UPDATE shares SET finalized_chunks = $2 \
                     WHERE id = $1 AND finalized_chunks IS NULL",
                    &[&id, &i64::from(chunks)],
                )
                .await?;
            Ok(())
        })
    }

    fn set_verifier(&self, id: &str, verifier: &[u8; 32], passcode: bool) -> MetaResult<()> {
        self.block(async {
            let changed = self
                .client()
                .await?
                .execute(
                    "UPDATE shares SET auth_verifier = $2, passcode = $3 \
                     WHERE id = $1 AND finalized_chunks IS NULL",
                    &[&id, &&verifier[..], &passcode],
                )
                .await?;
            if changed == 0 {
                return Err(MetaError::Finalized);
            }
            Ok(())
        })
    }

    fn count_download(&self, id: &str, now: i64) -> MetaResult<DownloadCount> {
        self.block(async {
            // One statement: the limit check and the increment cannot be split by another relay.
            let changed = self
                .client()
                .await?
                .execute(
                    "UPDATE shares SET downloads = downloads + 1, exhausted_at = CASE \
                       WHEN max_downloads IS NOT NULL AND downloads + 1 >= max_downloads \
                       THEN $2 ELSE exhausted_at END \
                     WHERE id = $1 AND (max_downloads IS NULL OR downloads < max_downloads)",
                    &[&id, &now],
                )
                .await?;
            Ok(if changed == 0 {
                DownloadCount::Exhausted
            } else {
                DownloadCount::Counted
            })
        })
    }

    fn reserve_attempt(&self, id: &str, max_failures: u32, now: i64) -> MetaResult<Attempt> {
        self.block(async {
            let c = self.client().await?;
            // One statement: PostgreSQL re-checks the WHERE on the row's newest version after
            // waiting for its lock, so concurrent attempts on any relay are counted one by one.
            let reserved = c
                .query_opt(
                    "UPDATE shares SET \
                       auth_pending = CASE WHEN auth_pending_at < $4 THEN 1 \
                         ELSE auth_pending + 1 END, \
                       auth_pending_at = $3, \
                       auth_failures = CASE WHEN locked_until > 0 THEN 0 ELSE auth_failures END, \
                       locked_until = 0 \
                     WHERE id = $1 AND ( \
                       (locked_until = 0 AND auth_failures \
                         + CASE WHEN auth_pending_at < $4 THEN 0 ELSE auth_pending END < $2) \
                       OR (locked_until > 0 AND locked_until <= $3)) \
                     RETURNING auth_pending",
                    &[
                        &id,
                        &i64::from(max_failures),
                        &now,
                        &(now - super::PENDING_FORGOTTEN_SECS),
                    ],
                )
                .await?;
            if reserved.is_some() {
                return Ok(Attempt::Reserved);
            }
            let until: i64 = c
                .query_opt("SELECT locked_until FROM shares WHERE id = $1", &[&id])
                .await?
                .ok_or(MetaError::Missing)?
                .get(0);
            Ok(if until > now {
                Attempt::Locked { until }
            } else {
                Attempt::Busy
            })
        })
    }

    fn refund_attempt(&self, id: &str) -> MetaResult<()> {
        self.block(async {
            self.client()
                .await?
                .execute(
                    "UPDATE shares SET auth_pending = GREATEST(auth_pending - 1, 0) WHERE id = $1",
                    &[&id],
                )
                .await?;
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
        self.block(async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            // the UPDATE locks the row until commit: exactly one failure sees the lock to set
            let row = tx
                .query_opt(
                    "UPDATE shares SET auth_pending = GREATEST(auth_pending - 1, 0), \
                       auth_failures = auth_failures + 1 WHERE id = $1 \
                     RETURNING auth_failures, locked_until, lock_count",
                    &[&id],
                )
                .await?
                .ok_or(MetaError::Missing)?;
            let (failures, locked_until, locks): (i64, i64, i64) =
                (row.get(0), row.get(1), row.get(2));
            let mut locked_now = None;
            if locked_until == 0 && failures >= i64::from(max_failures) {
                let until = now + lock_length(lock_base_secs, locks.clamp(0, 64) as u32);
                tx.execute(
                    "UPDATE shares SET locked_until = $2, lock_count = lock_count + 1 WHERE id = $1",
                    &[&id, &until],
                )
                .await?;
                locked_now = Some(until);
            }
            tx.commit().await?;
            Ok(AuthFailure {
                failures: failures.max(0) as u64,
                locked_until: locked_now,
            })
        })
    }

    fn total_bytes(&self) -> MetaResult<u64> {
        self.block(async {
            let row = self
                .client()
                .await?
                .query_one(
                    "SELECT COALESCE(SUM(bytes_used), 0)::BIGINT FROM shares WHERE NOT purged",
                    &[],
                )
                .await?;
            Ok(to_u64(row.get(0)))
        })
    }

    fn reset_lock(&self, id: &str) -> MetaResult<()> {
        self.block(async {
            self.client()
                .await?
                .execute(
                    "UPDATE shares SET auth_failures = 0, auth_pending = 0, locked_until = 0, \
                     lock_count = 0 WHERE id = $1",
                    &[&id],
                )
                .await?;
            Ok(())
        })
    }

    fn log_event(&self, id: &str, at: i64, event: Event) -> MetaResult<()> {
        self.block(async {
            self.client()
                .await?
                .execute(
                    "INSERT INTO events (share_id, at, event) VALUES ($1, $2, $3)",
                    &[&id, &at, &event.as_str()],
                )
                .await?;
            Ok(())
        })
    }

    fn events(&self, id: &str) -> MetaResult<Vec<(i64, Event)>> {
        self.block(async {
            let rows = self
                .client()
                .await?
                .query(
                    "SELECT at, event FROM events WHERE share_id = $1 ORDER BY seq",
                    &[&id],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), stored_event(r.get(1))))
                .collect())
        })
    }

    fn set_state(&self, id: &str, state: ShareState) -> MetaResult<()> {
        self.block(async {
            self.client()
                .await?
                .execute(
                    "UPDATE shares SET state = $2 WHERE id = $1",
                    &[&id, &state.as_str()],
                )
                .await?;
            Ok(())
        })
    }

    fn to_purge(&self, now: i64, grace_secs: u64) -> MetaResult<Vec<String>> {
        self.block(async {
            let spent_before = now - grace_secs.min(i64::MAX as u64 / 2) as i64;
            let rows = self
                .client()
                .await?
                .query(
                    "SELECT id FROM shares \
                     WHERE NOT purged AND (state <> 'active' OR expires_at <= $1 \
                       OR (max_downloads IS NOT NULL AND downloads >= max_downloads \
                           AND exhausted_at <= $2))",
                    &[&now, &spent_before],
                )
                .await?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        })
    }

    fn mark_purged(&self, id: &str) -> MetaResult<()> {
        self.block(async {
            let mut c = self.client().await?;
            let tx = c.transaction().await?;
            tx.execute("DELETE FROM chunks WHERE share_id = $1", &[&id])
                .await?;
            tx.execute("DELETE FROM events WHERE share_id = $1", &[&id])
                .await?;
            tx.execute(
                "UPDATE shares SET purged = TRUE, bytes_used = 0, manifest_size = NULL, \
                 manifest_sha256 = NULL, auth_verifier = NULL, \
                 state = CASE state WHEN 'active' THEN 'expired' ELSE state END WHERE id = $1",
                &[&id],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn lock_share(&self, id: &str) -> MetaResult<Option<Box<dyn std::any::Any + Send>>> {
        self.block(async {
            let client = self.locks.get().await.map_err(pool_error)?;
            client
                .execute("SELECT pg_advisory_lock(hashtextextended($1, 0))", &[&id])
                .await?;
            let lock = AdvisoryLock {
                client: Some(client),
                rt: self.rt.clone(),
            };
            Ok(Some(Box::new(lock) as Box<dyn std::any::Any + Send>))
        })
    }
}
