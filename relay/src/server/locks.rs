//! One write lock per share: the owner's writes to a share (chunk, manifest, verifier,
//! finalize, revoke) and its purge never interleave.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use crate::meta::MetaStore;

/// One async mutex per share, so the owner's writes to one share (chunk, manifest, finalize,
/// revoke) do not interleave: a finalized chunk can then never be overwritten by a late upload.
/// With a metadata store shared by several relays (PostgreSQL) the store's own share lock is
/// taken too, inside this one ([`MetaStore::lock_share`]).
pub(super) struct ShareLocks {
    local: Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>,
    meta: Arc<dyn MetaStore>,
}

impl ShareLocks {
    pub(super) fn new(meta: Arc<dyn MetaStore>) -> Self {
        Self {
            local: Mutex::default(),
            meta,
        }
    }

    pub(super) fn get(&self, id: &str) -> ShareLock {
        let mut map = self.local.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 1024 {
            map.retain(|_, w| w.strong_count() > 0);
        }
        let local = match map.get(id).and_then(Weak::upgrade) {
            Some(lock) => lock,
            None => {
                let lock = Arc::new(tokio::sync::Mutex::new(()));
                map.insert(id.to_string(), Arc::downgrade(&lock));
                lock
            }
        };
        ShareLock {
            local,
            meta: self.meta.clone(),
            id: id.to_string(),
        }
    }
}

pub(super) struct ShareLock {
    local: Arc<tokio::sync::Mutex<()>>,
    meta: Arc<dyn MetaStore>,
    id: String,
}

/// Held over one owner write; fields drop in order: the store's lock, then the process's.
pub(super) struct ShareGuard {
    _store: Option<Box<dyn std::any::Any + Send>>,
    _local: tokio::sync::OwnedMutexGuard<()>,
}

impl ShareLock {
    pub(super) async fn lock(&self) -> ShareGuard {
        let local = self.local.clone().lock_owned().await;
        let (meta, id) = (self.meta.clone(), self.id.clone());
        let store = match tokio::task::spawn_blocking(move || meta.lock_share(&id)).await {
            Ok(Ok(store)) => store,
            // The metadata calls that follow fail too when the database is gone; a write that
            // gets through is still checked by the store's own transactions.
            Ok(Err(e)) => {
                tracing::error!(error = %e, "share write lock not taken in the metadata store");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, "share write lock task failed");
                None
            }
        };
        ShareGuard {
            _store: store,
            _local: local,
        }
    }
}
