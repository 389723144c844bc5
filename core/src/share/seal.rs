//! Sealed objects of a share (docs/share-format.md): `0x01 || nonce (12) || AES-256-GCM`.
//!
//! AES-256-GCM rather than the vault's ChaCha20-Poly1305: the recipient's browser decrypts with
//! WebCrypto, which has AES-GCM and no ChaCha20. The associated data binds every chunk to its
//! share and its index, and the manifest to its share, so a relay cannot swap them.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use zeroize::Zeroizing;

use crate::vault::crypto::Key;

/// The format byte every sealed object starts with.
pub const VERSION: u8 = 1;
const NONCE: usize = 12;
/// Bytes a sealed object adds to its plaintext: version, nonce, tag.
pub const OVERHEAD: usize = 1 + NONCE + 16;

/// Opening failed: wrong key (or passcode), another share's object, or altered bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the share's data is of a newer format than this app reads")]
    Version,
    #[error("the share's data does not decrypt (wrong key, or altered)")]
    Integrity,
}

/// Associated data of chunk `index` of share `share_id`.
pub fn chunk_aad(share_id: &str, index: u32) -> Vec<u8> {
    let mut ad = Vec::with_capacity(40 + share_id.len());
    ad.extend_from_slice(b"scanpass chunk v1\0");
    ad.extend_from_slice(share_id.as_bytes());
    ad.push(0);
    ad.extend_from_slice(&index.to_be_bytes());
    ad
}

/// Associated data of the manifest of share `share_id`.
pub fn manifest_aad(share_id: &str) -> Vec<u8> {
    let mut ad = Vec::with_capacity(32 + share_id.len());
    ad.extend_from_slice(b"scanpass manifest v1\0");
    ad.extend_from_slice(share_id.as_bytes());
    ad
}

/// Seal `plaintext` under `key` with a fresh random nonce.
pub fn seal(key: &Key, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(key.expose().into());
    let mut nonce = [0u8; NONCE];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        // AES-GCM encryption fails only past 64 GiB per message; chunks are at most 4 MiB
        .unwrap_or_default();
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

/// Open a sealed object.
pub fn open(key: &Key, sealed: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
    if sealed.len() < OVERHEAD {
        return Err(SealError::Integrity);
    }
    if sealed[0] != VERSION {
        return Err(SealError::Version);
    }
    let cipher = Aes256Gcm::new(key.expose().into());
    cipher
        .decrypt(
            Nonce::from_slice(&sealed[1..1 + NONCE]),
            Payload {
                msg: &sealed[1 + NONCE..],
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| SealError::Integrity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_chunks_open_only_in_their_place() {
        let key = Key::random();
        let sealed = seal(&key, b"slice bytes", &chunk_aad("share1", 3));
        assert_eq!(sealed.len(), OVERHEAD + 11);
        assert_eq!(
            open(&key, &sealed, &chunk_aad("share1", 3))
                .unwrap()
                .as_slice(),
            b"slice bytes"
        );
        // another index, another share, another key, a flipped byte, a newer format: refused
        assert_eq!(
            open(&key, &sealed, &chunk_aad("share1", 4)),
            Err(SealError::Integrity)
        );
        assert_eq!(
            open(&key, &sealed, &chunk_aad("share2", 3)),
            Err(SealError::Integrity)
        );
        assert_eq!(
            open(&Key::random(), &sealed, &chunk_aad("share1", 3)),
            Err(SealError::Integrity)
        );
        let mut flipped = sealed.clone();
        flipped[20] ^= 1;
        assert_eq!(
            open(&key, &flipped, &chunk_aad("share1", 3)),
            Err(SealError::Integrity)
        );
        let mut newer = sealed.clone();
        newer[0] = 2;
        assert_eq!(
            open(&key, &newer, &chunk_aad("share1", 3)),
            Err(SealError::Version)
        );
        assert_eq!(open(&key, &sealed[..10], b""), Err(SealError::Integrity));
        // two seals of the same bytes differ (random nonces)
        assert_ne!(seal(&key, b"x", b""), seal(&key, b"x", b""));
    }

    #[test]
    fn manifest_and_chunk_ad_are_as_documented() {
        assert_eq!(
            chunk_aad("ab", 258),
            b"scanpass chunk v1\0ab\0\x00\x00\x01\x02".to_vec()
        );
        assert_eq!(manifest_aad("ab"), b"scanpass manifest v1\0ab".to_vec());
    }
}
