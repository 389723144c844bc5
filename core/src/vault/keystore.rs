//! Where the vault key lives. The vault key (256 random bits) encrypts the index and wraps every
//! study key; a [`KeyStore`] keeps it between runs:
//!
//! - the apps implement [`KeyStore`] over the Android Keystore and the iOS Keychain (through the
//!   FFI), binding it to the device and, where asked, to biometrics;
//! - [`KeyringKeyStore`] uses the desktop's store through the `keyring` crate (macOS Keychain,
//!   Windows Credential Manager, the Linux kernel keyring);
//! - [`PassphraseKeyStore`] serves headless machines and CI: the vault key sealed under a key
//!   derived from a passphrase with Argon2id, in a file beside the vault.

use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use zeroize::Zeroizing;

use crate::crypto::{open, seal, Key};

/// Why a key store could not give or keep a key.
#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    /// The passphrase (or biometric, or device credential) does not unlock the key.
    #[error("wrong passphrase")]
    WrongSecret,
    /// The platform store refused or is not there.
    #[error("key store unavailable: {0}")]
    Unavailable(String),
}

/// Keeps one vault key per vault id. Implementations must be safe to call from any thread.
pub trait KeyStore: Send + Sync {
    /// The vault key of `vault_id`, or `None` when this store holds none.
    fn load(&self, vault_id: &str) -> Result<Option<Key>, KeyStoreError>;
    /// Keep `key` as the vault key of `vault_id` (replacing any).
    fn store(&self, vault_id: &str, key: &Key) -> Result<(), KeyStoreError>;
    /// Forget the vault key of `vault_id`.
    fn delete(&self, vault_id: &str) -> Result<(), KeyStoreError>;
}

/// Argon2id parameters of the passphrase store: 64 MiB, 3 passes, 1 lane (RFC 9106's second
/// recommended option with one lane, since phones and CI have few cores). About 0.3 s here.
pub const ARGON2_MEMORY_KIB: u32 = 64 * 1024;
pub const ARGON2_PASSES: u32 = 3;
pub const ARGON2_LANES: u32 = 1;

const FILE_MAGIC: &[u8; 4] = b"SPK1";

/// The vault key sealed under a passphrase-derived key, in `<dir>/passphrase.key`.
pub struct PassphraseKeyStore {
    dir: PathBuf,
    passphrase: Zeroizing<String>,
    memory_kib: u32,
    passes: u32,
}

impl PassphraseKeyStore {
    /// A store in `dir` (the vault folder) opened with `passphrase`.
    pub fn new(dir: &Path, passphrase: &str) -> Self {
        PassphraseKeyStore {
            dir: dir.to_path_buf(),
            passphrase: Zeroizing::new(passphrase.to_string()),
            memory_kib: ARGON2_MEMORY_KIB,
            passes: ARGON2_PASSES,
        }
    }

    /// Weaker, faster parameters, for tests only.
    #[doc(hidden)]
    pub fn with_cost(mut self, memory_kib: u32, passes: u32) -> Self {
        self.memory_kib = memory_kib;
        self.passes = passes;
        self
    }

    fn path(&self) -> PathBuf {
        self.dir.join("passphrase.key")
    }

    fn kek(&self, salt: &[u8], memory_kib: u32, passes: u32) -> Result<Key, KeyStoreError> {
        let params = Params::new(memory_kib, passes, ARGON2_LANES, Some(32))
            .map_err(|e| KeyStoreError::Unavailable(format!("argon2 parameters: {e}")))?;
        let mut out = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(self.passphrase.as_bytes(), salt, &mut *out)
            .map_err(|e| KeyStoreError::Unavailable(format!("argon2: {e}")))?;
        Ok(Key::from_bytes(*out))
    }
}

fn ad(vault_id: &str) -> Vec<u8> {
    [b"scanpass vault key v1\0".as_slice(), vault_id.as_bytes()].concat()
}

impl KeyStore for PassphraseKeyStore {
    fn load(&self, vault_id: &str) -> Result<Option<Key>, KeyStoreError> {
        let bytes = match std::fs::read(self.path()) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(KeyStoreError::Unavailable(e.to_string())),
        };
        let bad = || KeyStoreError::Unavailable("passphrase.key is damaged".into());
        if bytes.len() < 4 + 8 + 16 || &bytes[..4] != FILE_MAGIC {
            return Err(bad());
        }
        let memory = u32::from_le_bytes(bytes[4..8].try_into().map_err(|_| bad())?);
        let passes = u32::from_le_bytes(bytes[8..12].try_into().map_err(|_| bad())?);
        let salt = &bytes[12..28];
        let kek = self.kek(salt, memory, passes)?;
        let key =
            open(&kek, &bytes[28..], &ad(vault_id)).map_err(|_| KeyStoreError::WrongSecret)?;
        Key::from_slice(&key).map(Some).ok_or_else(bad)
    }

    fn store(&self, vault_id: &str, key: &Key) -> Result<(), KeyStoreError> {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let kek = self.kek(&salt, self.memory_kib, self.passes)?;
        let mut out = FILE_MAGIC.to_vec();
        out.extend_from_slice(&self.memory_kib.to_le_bytes());
        out.extend_from_slice(&self.passes.to_le_bytes());
        out.extend_from_slice(&salt);
        out.extend_from_slice(&seal(&kek, key.expose(), &ad(vault_id)));
        super::blobs::write_atomic(&self.path(), &out)
            .map_err(|e| KeyStoreError::Unavailable(e.to_string()))
    }

    fn delete(&self, _vault_id: &str) -> Result<(), KeyStoreError> {
        match std::fs::remove_file(self.path()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(KeyStoreError::Unavailable(e.to_string())),
        }
    }
}

/// The desktop's own secret store, through the `keyring` crate (service `scanpass`, one entry
/// per vault id). Feature `desktop`.
#[cfg(feature = "desktop")]
#[derive(Debug, Default, Clone)]
pub struct KeyringKeyStore;

#[cfg(feature = "desktop")]
impl KeyringKeyStore {
    fn entry(vault_id: &str) -> Result<keyring::Entry, KeyStoreError> {
        keyring::Entry::new("scanpass", &format!("vault-{vault_id}"))
            .map_err(|e| KeyStoreError::Unavailable(e.to_string()))
    }
}

#[cfg(feature = "desktop")]
impl KeyStore for KeyringKeyStore {
    fn load(&self, vault_id: &str) -> Result<Option<Key>, KeyStoreError> {
        match Self::entry(vault_id)?.get_secret() {
            Ok(s) => {
                let s = Zeroizing::new(s);
                Key::from_slice(&s).map(Some).ok_or_else(|| {
                    KeyStoreError::Unavailable("stored key has the wrong size".into())
                })
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(KeyStoreError::Unavailable(e.to_string())),
        }
    }

    fn store(&self, vault_id: &str, key: &Key) -> Result<(), KeyStoreError> {
        Self::entry(vault_id)?
            .set_secret(key.expose())
            .map_err(|e| KeyStoreError::Unavailable(e.to_string()))
    }

    fn delete(&self, vault_id: &str) -> Result<(), KeyStoreError> {
        match Self::entry(vault_id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(KeyStoreError::Unavailable(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_store_round_trips_and_refuses_a_wrong_passphrase() {
        let dir = std::env::temp_dir().join(format!("sp-ks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = PassphraseKeyStore::new(&dir, "correct horse").with_cost(1024, 1);
        assert!(store.load("v1").unwrap().is_none());
        let key = Key::random();
        store.store("v1", &key).unwrap();
        assert_eq!(store.load("v1").unwrap(), Some(key));
        let wrong = PassphraseKeyStore::new(&dir, "battery staple");
        assert!(matches!(wrong.load("v1"), Err(KeyStoreError::WrongSecret)));
        // the sealed key is bound to its vault id
        assert!(matches!(store.load("v2"), Err(KeyStoreError::WrongSecret)));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(feature = "desktop")]
    #[test]
    fn keyring_store_round_trips_where_the_platform_store_runs() {
        let store = KeyringKeyStore;
        let id = format!("test-{}", std::process::id());
        let key = Key::random();
        match store.store(&id, &key) {
            Ok(()) => {
                assert_eq!(store.load(&id).unwrap(), Some(key));
                store.delete(&id).unwrap();
                assert_eq!(store.load(&id).unwrap(), None);
            }
            Err(e) => eprintln!("SKIPPED: no platform key store on this machine ({e})"),
        }
    }
}

/// How a desktop shell (the `scanpass` command) keeps and finds the vault key: a vault created
/// with a passphrase keeps its key in a [`PassphraseKeyStore`]; `unlock` caches the key in the
/// desktop's own store ([`KeyringKeyStore`]) so that later commands need no passphrase, and
/// `lock` removes that cached copy. A vault created without a passphrase keeps its key in the
/// desktop store only. Feature `desktop`.
#[cfg(feature = "desktop")]
pub mod desktop {
    use std::path::Path;

    use super::{KeyStore, KeyStoreError, KeyringKeyStore, PassphraseKeyStore};
    use crate::error::{Error, Result};
    use crate::vault::Vault;

    fn cache_id(vault: &Vault) -> String {
        format!("{}-unlocked", vault.id())
    }

    /// Open the vault in `dir`, creating it when absent, and unlock it.
    pub fn open_or_create(dir: &Path, passphrase: Option<&str>) -> Result<Vault> {
        if !Vault::exists(dir) {
            return match passphrase {
                Some(p) => Vault::create(dir, &PassphraseKeyStore::new(dir, p)),
                None => Vault::create(dir, &KeyringKeyStore),
            };
        }
        let vault = Vault::open(dir)?;
        unlock(&vault, passphrase)?;
        Ok(vault)
    }

    /// Unlock: the cached key first, then the passphrase, then the desktop store.
    pub fn unlock(vault: &Vault, passphrase: Option<&str>) -> Result<()> {
        if let Ok(Some(key)) = KeyringKeyStore.load(&cache_id(vault)) {
            if vault.unlock_with_key(key).is_ok() {
                return Ok(());
            }
        }
        let has_passphrase_file = vault.dir().join("passphrase.key").exists();
        match (has_passphrase_file, passphrase) {
            (true, Some(p)) => vault.unlock(&PassphraseKeyStore::new(vault.dir(), p)),
            (true, None) => Err(Error::KeyStore(
                "the vault is locked: set SCANPASS_PASSPHRASE or run `scanpass unlock`".into(),
            )),
            (false, _) => vault.unlock(&KeyringKeyStore),
        }
    }

    /// Unlock with the passphrase and keep the key in the desktop store for later commands.
    pub fn unlock_and_cache(vault: &Vault, passphrase: Option<&str>) -> Result<()> {
        unlock(vault, passphrase)?;
        let key = vault.key_copy()?;
        let id = cache_id(vault);
        KeyringKeyStore
            .store(&id, &key)
            .map_err(|e: KeyStoreError| Error::KeyStore(e.to_string()))?;
        // some stores accept a key and cannot give it back (the Linux kernel keyring inside a
        // container): say so rather than pretend the vault stays unlocked
        match KeyringKeyStore.load(&id) {
            Ok(Some(back)) if back == key => Ok(()),
            _ => {
                let _ = KeyringKeyStore.delete(&id);
                Err(Error::KeyStore(
                    "the desktop key store does not keep keys here: use SCANPASS_PASSPHRASE".into(),
                ))
            }
        }
    }

    /// Forget the cached key: the next command needs the passphrase again.
    pub fn lock(vault: &Vault) -> Result<()> {
        vault.lock();
        KeyringKeyStore
            .delete(&cache_id(vault))
            .map_err(|e| Error::KeyStore(e.to_string()))
    }
}
