//! Where the vault key lives: the app's platform store, or one of the core's.

use std::path::Path;
use std::sync::Arc;

use scanpass_core::crypto::Key;
use scanpass_core::vault::{self, PassphraseKeyStore};
use zeroize::Zeroizing;

use crate::error::KeyStoreError;

/// Keeps one 32-byte vault key per vault id, between runs. The apps implement it over the
/// Android Keystore (the key wrapped by a non-exportable AES key, optionally bound to the user's
/// biometrics) and the iOS Keychain (`kSecAttrAccessibleWhenUnlockedThisDeviceOnly`, optionally
/// with an access control). It must never write the key in the clear, and must be safe to call
/// from any thread. Called during `Vault.create` (store) and `Vault.unlock` (load).
#[uniffi::export(with_foreign)]
pub trait KeyStore: Send + Sync {
    /// The key of `vault_id`, or none when this store holds none.
    fn load(&self, vault_id: String) -> Result<Option<Vec<u8>>, KeyStoreError>;
    /// Keep `key` as the key of `vault_id`, replacing any.
    fn store(&self, vault_id: String, key: Vec<u8>) -> Result<(), KeyStoreError>;
    /// Forget the key of `vault_id`.
    fn delete(&self, vault_id: String) -> Result<(), KeyStoreError>;
}

/// A key store of the core, offered to the apps through the same trait.
struct Core<S>(S);

impl<S: vault::KeyStore> KeyStore for Core<S> {
    fn load(&self, vault_id: String) -> Result<Option<Vec<u8>>, KeyStoreError> {
        Ok(self
            .0
            .load(&vault_id)
            .map_err(from_core)?
            .map(|k| k.expose().to_vec()))
    }
    fn store(&self, vault_id: String, key: Vec<u8>) -> Result<(), KeyStoreError> {
        let key = Zeroizing::new(key);
        let key = Key::from_slice(&key).ok_or_else(|| KeyStoreError::Unavailable {
            reason: "a vault key has 32 bytes".into(),
        })?;
        self.0.store(&vault_id, &key).map_err(from_core)
    }
    fn delete(&self, vault_id: String) -> Result<(), KeyStoreError> {
        self.0.delete(&vault_id).map_err(from_core)
    }
}

fn from_core(e: vault::KeyStoreError) -> KeyStoreError {
    match e {
        vault::KeyStoreError::WrongSecret => KeyStoreError::WrongSecret,
        vault::KeyStoreError::Unavailable(reason) => KeyStoreError::Unavailable { reason },
    }
}

/// The vault key sealed under a passphrase (Argon2id, 64 MiB), in a file in the vault folder:
/// for desktops without a key store, tests and CI.
#[uniffi::export]
pub fn passphrase_key_store(vault_dir: String, passphrase: String) -> Arc<dyn KeyStore> {
    Arc::new(Core(PassphraseKeyStore::new(
        Path::new(&vault_dir),
        &passphrase,
    )))
}

/// The desktop's own secret store (macOS Keychain, Windows Credential Manager, the Linux kernel
/// keyring). Not in the phone libraries (feature `desktop`).
#[cfg(feature = "desktop")]
#[uniffi::export]
pub fn desktop_key_store() -> Arc<dyn KeyStore> {
    Arc::new(Core(scanpass_core::vault::KeyringKeyStore))
}

/// The app's key store seen by the core. The key crosses the FFI as bytes, zeroized here once
/// used; the app keeps it wrapped by its platform store.
pub(crate) struct Foreign(pub Arc<dyn KeyStore>);

impl vault::KeyStore for Foreign {
    fn load(&self, vault_id: &str) -> Result<Option<Key>, vault::KeyStoreError> {
        match self.0.load(vault_id.to_string()).map_err(to_core)? {
            None => Ok(None),
            Some(bytes) => {
                let bytes = Zeroizing::new(bytes);
                Key::from_slice(&bytes).map(Some).ok_or_else(|| {
                    vault::KeyStoreError::Unavailable(
                        "the key store gave a key of the wrong size".into(),
                    )
                })
            }
        }
    }
    fn store(&self, vault_id: &str, key: &Key) -> Result<(), vault::KeyStoreError> {
        self.0
            .store(vault_id.to_string(), key.expose().to_vec())
            .map_err(to_core)
    }
    fn delete(&self, vault_id: &str) -> Result<(), vault::KeyStoreError> {
        self.0.delete(vault_id.to_string()).map_err(to_core)
    }
}

fn to_core(e: KeyStoreError) -> vault::KeyStoreError {
    match e {
        KeyStoreError::WrongSecret => vault::KeyStoreError::WrongSecret,
        KeyStoreError::Unavailable { reason } => vault::KeyStoreError::Unavailable(reason),
    }
}
