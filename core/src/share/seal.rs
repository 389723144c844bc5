//! Sealed objects of a share (docs/share-format.md): `0x01 || nonce (12) || AES-256-GCM`.
//!
//! AES-256-GCM rather than the vault's ChaCha20-Poly1305: the recipient's browser decrypts with
//! WebCrypto, which has AES-GCM and no ChaCha20. The associated data binds every chunk to its
//! share and its index, and the manifest to its share, so a relay cannot swap them.

use rand::RngCore;

use crate::crypto::{AeadKey, Key, SecretBytes};

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
    let mut nonce = [0u8; NONCE];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    seal_with_nonce(key, nonce, plaintext, aad)
}

/// [`seal`] with a given nonce: for the known-answer vectors only (a nonce must never be used
/// twice under one key; the share flow draws each at random).
pub(crate) fn seal_with_nonce(
    key: &Key,
    nonce: [u8; NONCE],
    plaintext: &[u8],
    aad: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    // AES-GCM refuses only messages past 64 GiB (chunks are at most 4 MiB) and 32-byte keys fit
    let tag = AeadKey::aes_256_gcm(key)
        .and_then(|c| c.seal_in_place(nonce, aad, &mut out[1 + NONCE..]))
        .unwrap_or_default();
    out.extend_from_slice(&tag);
    out
}

/// Open a sealed object.
pub fn open(key: &Key, sealed: &[u8], aad: &[u8]) -> Result<SecretBytes, SealError> {
    open_owned(key, sealed.to_vec(), aad)
}

/// [`open`] of a sealed object the caller owns (a body just received): decrypted where it lies,
/// without a second buffer.
pub fn open_owned(key: &Key, sealed: Vec<u8>, aad: &[u8]) -> Result<SecretBytes, SealError> {
    let mut sealed = SecretBytes::new(sealed);
    if sealed.len() < OVERHEAD {
        return Err(SealError::Integrity);
    }
    if sealed[0] != VERSION {
        return Err(SealError::Version);
    }
    let nonce: [u8; NONCE] = sealed[1..1 + NONCE]
        .try_into()
        .map_err(|_| SealError::Integrity)?;
    let n = AeadKey::aes_256_gcm(key)
        .and_then(|c| c.open_within(nonce, aad, &mut sealed, 1 + NONCE..))
        .map_err(|_| SealError::Integrity)?;
    sealed.truncate(n);
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_objects_are_plain_aes_256_gcm() {
        // what a browser's WebCrypto does, here through RustCrypto's AES-GCM: nonce after the
        // version byte, tag at the end
        use aes_gcm::aead::{Aead, KeyInit, Payload};
        let key = Key::random();
        let sealed = seal(&key, b"a chunk of a DICOM file", b"aad");
        let other = aes_gcm::Aes256Gcm::new(key.expose().into());
        let plain = other
            .decrypt(
                aes_gcm::Nonce::from_slice(&sealed[1..13]),
                Payload {
                    msg: &sealed[13..],
                    aad: b"aad",
                },
            )
            .unwrap();
        assert_eq!(plain, b"a chunk of a DICOM file");
        let theirs = other
            .encrypt(
                aes_gcm::Nonce::from_slice(&[9; 12]),
                Payload {
                    msg: b"back",
                    aad: b"aad",
                },
            )
            .unwrap();
        let mut sealed = vec![VERSION];
        sealed.extend_from_slice(&[9; 12]);
        sealed.extend_from_slice(&theirs);
        assert_eq!(open(&key, &sealed, b"aad").unwrap().as_slice(), b"back");
    }

    #[test]
    fn owned_objects_open_in_place_like_borrowed_ones() {
        let key = Key::random();
        let plain: Vec<u8> = (0..100_000).map(|i| (i % 251) as u8).collect();
        let sealed = seal(&key, &plain, b"ad");
        assert_eq!(
            open_owned(&key, sealed.clone(), b"ad").unwrap().as_slice(),
            &plain[..]
        );
        assert_eq!(
            open_owned(&key, sealed.clone(), b"other"),
            Err(SealError::Integrity)
        );
        let mut bad = sealed.clone();
        bad[500] ^= 4;
        assert_eq!(open_owned(&key, bad, b"ad"), Err(SealError::Integrity));
        let mut newer = sealed;
        newer[0] = 2;
        assert_eq!(open_owned(&key, newer, b"ad"), Err(SealError::Version));
        assert_eq!(
            open_owned(&key, vec![1; 10], b"ad"),
            Err(SealError::Integrity)
        );
    }

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
