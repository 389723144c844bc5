//! The vault: every study a patient carries, encrypted at rest on the device.
//!
//! Layout of a vault folder (nothing in it names the patient):
//! - `vault.json`: the vault id and format version (no secrets, no patient data);
//! - `index.db`: the SQLCipher-encrypted index (studies, series, instances, sealed study keys,
//!   the services' documents), behind an [`index::IndexStore`]: this file by default
//!   ([`index::SqlCipherIndex`]), or memory ([`index::MemoryIndex`]) in tests;
//! - `blobs/xx/<id>`: one encrypted blob per stored DICOM file or thumbnail ([`crate::crypto`]),
//!   kept by a [`blobs::BlobStore`]: these files by default ([`blobs::FileBlobStore`]), or
//!   memory ([`blobs::MemoryBlobStore`], [`Vault::create_with_stores`]) in tests;
//! - `passphrase.key`: only when a [`PassphraseKeyStore`] keeps the vault key.
//!
//! Key hierarchy: the vault key (in a [`KeyStore`]) → the index key (HKDF) and, sealed in the index,
//! one random key per study → one key per blob (HKDF with the blob id). Deleting a study destroys
//! its key and its blobs. A locked vault holds no key in memory.
//!
//! Thread safety: [`Vault`] is `Send + Sync`; calls serialise on an internal lock where they touch
//! the index. Reads of pixel data happen outside it.

pub mod blobs;
mod documents;
pub mod index;
mod instances;
pub mod keystore;
mod listing;
pub(crate) mod scratch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::crypto::{self, BlobId, Key};
use crate::error::{Error, Result};
use blobs::{BlobStore, Blobs, FileBlobStore};
pub use documents::{Document, Documents};
use index::{IndexOpener, IndexStore, SqlCipherFile};
pub(crate) use instances::{Batch, Storable, Stored};
#[cfg(feature = "desktop")]
pub use keystore::KeyringKeyStore;
pub use keystore::{KeyStore, KeyStoreError, PassphraseKeyStore};
pub use listing::{InstanceRow, PatientRow, SeriesRow, StudyRow};

const FORMAT: u32 = 1;

/// Called when the vault locks, so that whatever holds decrypted pixels drops them.
pub type LockHook = dyn Fn() + Send + Sync;

/// Called after each change of what the vault holds (an instance stored, a study deleted, a
/// thumbnail made, a request or share record written), with the new [`Vault::revision`], on the
/// thread that made the change.
pub type ChangeHook = dyn Fn(u64) + Send + Sync;

struct Unlocked {
    key: Key,
    index: Box<dyn IndexStore>,
    /// study id → study key, unsealed on first use
    study_keys: HashMap<String, Key>,
}

/// An open vault.
pub struct Vault {
    dir: PathBuf,
    id: String,
    key_check: Option<String>,
    blobs: Blobs,
    /// opens the index when the vault unlocks
    index: Arc<dyn IndexOpener>,
    state: Mutex<Option<Unlocked>>,
    lock_hooks: Mutex<Vec<std::sync::Weak<LockHook>>>,
    /// bumped by every change of what the vault holds ([`Vault::revision`])
    revision: AtomicU64,
    change_hooks: Mutex<Vec<std::sync::Weak<ChangeHook>>>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct VaultFile {
    id: String,
    format: u32,
    /// A check value of the vault key (HKDF output, 128 bits; says nothing of the key), so that a
    /// wrong key is told apart from a damaged index. Absent in vaults made before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_check: Option<String>,
}

fn key_check(key: &Key, vault_id: &str) -> String {
    hex::encode(
        &key.derive("scanpass key check v1", vault_id.as_bytes())
            .expose()[..16],
    )
}

fn io_err(what: &'static str) -> impl Fn(std::io::Error) -> Error {
    move |source| Error::Io { what, source }
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn new_id() -> String {
    hex::encode(crypto::new_blob_id())
}

/// Where a vault keeps its blobs and its index. `None`: in the vault's folder (the blob files,
/// `index.db`), as [`Vault::create`] and [`Vault::open`] do.
#[derive(Clone, Default)]
pub struct Stores {
    pub blobs: Option<Arc<dyn BlobStore>>,
    pub index: Option<Arc<dyn IndexOpener>>,
}

impl Stores {
    /// Blobs and index in memory ([`blobs::MemoryBlobStore`], [`index::MemoryIndex`]): only
    /// `vault.json` (and the import's scratch folder) touch the disk. Pass the same `Stores` to
    /// [`Vault::open_with_stores`] to open the vault again.
    pub fn memory() -> Stores {
        Stores {
            blobs: Some(Arc::new(blobs::MemoryBlobStore::new())),
            index: Some(Arc::new(index::MemoryIndex::new())),
        }
    }
}

impl Vault {
    /// Create a vault in `dir` (empty or absent), its key kept by `keys`. Returns it unlocked.
    pub fn create(dir: &Path, keys: &dyn KeyStore) -> Result<Vault> {
        Self::create_with_stores(dir, keys, Stores::default())
    }

    /// [`Vault::create`] with its blobs or its index kept in `stores` instead of the vault's
    /// folder (memory in tests: [`Stores::memory`]); `vault.json` stays in `dir`.
    pub fn create_with_stores(dir: &Path, keys: &dyn KeyStore, stores: Stores) -> Result<Vault> {
        std::fs::create_dir_all(dir).map_err(io_err("the vault folder"))?;
        if dir.join("vault.json").exists() {
            return Err(Error::AlreadyExists("vault"));
        }
        let id = new_id();
        let key = Key::random();
        keys.store(&id, &key)
            .map_err(|e| Error::KeyStore(e.to_string()))?;
        let file = serde_json::to_vec_pretty(&VaultFile {
            key_check: Some(key_check(&key, &id)),
            id: id.clone(),
            format: FORMAT,
        })
        .map_err(|e| Error::Storage(e.to_string()))?;
        blobs::write_atomic(&dir.join("vault.json"), &file).map_err(io_err("vault.json"))?;
        let vault = Vault::open_with_stores(dir, stores)?;
        vault.unlock_with(key)?;
        Ok(vault)
    }

    /// Open the vault in `dir`, locked.
    pub fn open(dir: &Path) -> Result<Vault> {
        Self::open_with_stores(dir, Stores::default())
    }

    /// [`Vault::open`] of a vault whose blobs or index are kept in `stores` (see
    /// [`Vault::create_with_stores`]).
    pub fn open_with_stores(dir: &Path, stores: Stores) -> Result<Vault> {
        let raw = std::fs::read(dir.join("vault.json")).map_err(io_err("vault.json"))?;
        let file: VaultFile = serde_json::from_slice(&raw)
            .map_err(|_| Error::Integrity("vault.json is damaged".into()))?;
        if file.format != FORMAT {
            return Err(Error::Storage(format!(
                "unknown vault format {}",
                file.format
            )));
        }
        let blobs = match stores.blobs {
            Some(store) => store,
            None => {
                Arc::new(FileBlobStore::new(dir.join("blobs")).map_err(io_err("the blob folder"))?)
            }
        };
        let blobs = Blobs::new(blobs);
        let index = stores
            .index
            .unwrap_or_else(|| Arc::new(SqlCipherFile::new(dir.join("index.db"))));
        // whatever an import killed mid-way left (ciphertext under a key that died with it)
        scratch::wipe(&dir.join(scratch::DIR));
        Ok(Vault {
            dir: dir.to_path_buf(),
            id: file.id,
            key_check: file.key_check,
            blobs,
            index,
            state: Mutex::new(None),
            lock_hooks: Mutex::new(Vec::new()),
            revision: AtomicU64::new(0),
            change_hooks: Mutex::new(Vec::new()),
        })
    }

    /// Whether a vault exists in `dir`.
    pub fn exists(dir: &Path) -> bool {
        dir.join("vault.json").is_file()
    }

    /// The vault's id (random; names its key in key stores).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The vault's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder of the imports' temporary files (encrypted, emptied whenever the vault is opened
    /// or unlocked, marked with `CACHEDIR.TAG` and `.nomedia`). Shells keep it out of backups: iOS
    /// sets `isExcludedFromBackup` on it; Android excludes it in its backup rules (or keeps the
    /// vault under `noBackupFilesDir`).
    pub fn import_tmp_dir(&self) -> PathBuf {
        self.dir.join(scratch::DIR)
    }

    /// Unlock with the key kept by `keys`.
    pub fn unlock(&self, keys: &dyn KeyStore) -> Result<()> {
        let key = match keys.load(&self.id) {
            Ok(Some(k)) => k,
            Ok(None) => {
                return Err(Error::KeyStore(
                    "no key for this vault in the key store".into(),
                ))
            }
            Err(KeyStoreError::WrongSecret) => return Err(Error::WrongKey),
            Err(e) => return Err(Error::KeyStore(e.to_string())),
        };
        self.unlock_with(key)
    }

    /// Unlock with a vault key obtained elsewhere (a cached copy, say).
    pub fn unlock_with_key(&self, key: Key) -> Result<()> {
        self.unlock_with(key)
    }

    /// A copy of the vault key, to cache in a key store.
    pub(crate) fn key_copy(&self) -> Result<Key> {
        self.with(|u| Ok(u.key.clone()))
    }

    fn unlock_with(&self, key: Key) -> Result<()> {
        if let Some(check) = &self.key_check {
            let ours = key_check(&key, &self.id);
            if !crypto::ct_eq(ours.as_bytes(), check.as_bytes()) {
                return Err(Error::WrongKey);
            }
        }
        let index = self.index.open(&key.derive("scanpass index v1", b""))?;
        scratch::wipe(&self.import_tmp_dir());
        *self.lock_state() = Some(Unlocked {
            key,
            index,
            study_keys: HashMap::new(),
        });
        self.collect_orphans()?;
        Ok(())
    }

    /// Lock: forget every key and close the index; viewers drop the pixels they hold
    /// ([`Vault::on_lock`]).
    pub fn lock(&self) {
        *self.lock_state() = None; // keys zeroize on drop
        let hooks: Vec<_> = {
            let mut hooks = self.lock_hooks.lock().unwrap_or_else(|p| p.into_inner());
            hooks.retain(|h| h.strong_count() > 0);
            hooks.iter().filter_map(|h| h.upgrade()).collect()
        };
        for hook in hooks {
            hook();
        }
    }

    /// Run `hook` whenever the vault locks, for as long as the caller keeps it alive (the vault
    /// holds it weakly).
    pub fn on_lock(&self, hook: &Arc<LockHook>) {
        let mut hooks = self.lock_hooks.lock().unwrap_or_else(|p| p.into_inner());
        hooks.retain(|h| h.strong_count() > 0);
        hooks.push(Arc::downgrade(hook));
    }

    /// A number that grows with every change of what the vault holds (an instance stored, a study
    /// deleted, a thumbnail made, a request or share record written): a screen that listed at
    /// revision `r` is up to date while `revision() == r`. Starts at 0 when the vault is opened.
    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::SeqCst)
    }

    /// Run `hook` after every change, for as long as the caller keeps it alive.
    pub fn on_change(&self, hook: &Arc<ChangeHook>) {
        let mut hooks = self.change_hooks.lock().unwrap_or_else(|p| p.into_inner());
        hooks.retain(|h| h.strong_count() > 0);
        hooks.push(Arc::downgrade(hook));
    }

    /// Record a change: bump the revision and tell the change hooks.
    pub(crate) fn changed(&self) {
        let revision = self.revision.fetch_add(1, Ordering::SeqCst) + 1;
        let hooks: Vec<_> = {
            let mut hooks = self.change_hooks.lock().unwrap_or_else(|p| p.into_inner());
            hooks.retain(|h| h.strong_count() > 0);
            hooks.iter().filter_map(|h| h.upgrade()).collect()
        };
        for hook in hooks {
            hook(revision);
        }
    }

    /// Whether the vault is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.lock_state().is_some()
    }

    fn lock_state(&self) -> MutexGuard<'_, Option<Unlocked>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn with<T>(&self, f: impl FnOnce(&mut Unlocked) -> Result<T>) -> Result<T> {
        let mut guard = self.lock_state();
        let u = guard.as_mut().ok_or(Error::Locked)?;
        f(u)
    }

    /// The SQLCipher version encrypting the index (an error for an index in memory).
    pub fn cipher_version(&self) -> Result<String> {
        self.with(|u| u.index.cipher_version())
    }

    /// Remove blobs that no index row references (left by an interrupted import or delete).
    fn collect_orphans(&self) -> Result<()> {
        let on_disk = self.blobs.list().map_err(io_err("the blob folder"))?;
        let known: std::collections::HashSet<BlobId> =
            self.with(|u| Ok(u.index.blob_ids()?.into_iter().collect()))?;
        for id in on_disk {
            if !known.contains(&id) {
                self.blobs.remove(&id).map_err(io_err("an orphan blob"))?;
            }
        }
        Ok(())
    }

    fn study_key(u: &mut Unlocked, study_id: &str) -> Result<Key> {
        if let Some(k) = u.study_keys.get(study_id) {
            return Ok(k.clone());
        }
        let sealed: Vec<u8> = u
            .index
            .sealed_study_key(study_id)?
            .ok_or(Error::NotFound("study"))?;
        let raw = crypto::open(&u.key, &sealed, study_ad(study_id).as_bytes())
            .map_err(|_| Error::Integrity("a study key does not open".into()))?;
        let key = Key::from_slice(&raw).ok_or_else(|| Error::Integrity("bad study key".into()))?;
        u.study_keys.insert(study_id.to_string(), key.clone());
        Ok(key)
    }
}

fn study_ad(study_id: &str) -> String {
    format!("scanpass study key v1\0{study_id}")
}

fn integrity(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::InvalidData {
        Error::Integrity("a stored file fails its integrity check".into())
    } else {
        Error::Io {
            what: "a stored file",
            source: e,
        }
    }
}

/// A decode error of an image read from the vault: a chunk failing its check is damage, said so.
pub(crate) fn map_integrity(e: Error) -> Error {
    match e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::InvalidData => {
            Error::Integrity("a stored image fails its integrity check".into())
        }
        other => other,
    }
}

#[cfg(test)]
pub(crate) mod tests;
