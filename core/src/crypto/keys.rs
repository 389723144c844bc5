//! Keys and the AEAD primitives: 256-bit keys (zeroized, never printed), HKDF-SHA256 sub-keys,
//! the AES-256-GCM and ChaCha20-Poly1305 ciphers from `ring` with their key schedule wiped, and
//! [`seal`] / [`open`] for small secrets.

use std::mem::MaybeUninit;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use hkdf::Hkdf;
use rand::RngCore;
use ring::aead::{Aad, LessSafeKey, Nonce, Tag, UnboundKey, AES_256_GCM, CHACHA20_POLY1305};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::SecretBytes;

/// Bytes of an AEAD tag.
pub const TAG: usize = 16;

/// A 256-bit secret key.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

impl Key {
    /// A fresh random key from the operating system's generator.
    pub fn random() -> Key {
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        Key(k)
    }

    /// Take ownership of key bytes (the caller's copy should be zeroized).
    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    /// Read a key from a slice of exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Key> {
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(Key(arr))
    }

    /// The key bytes, for handing to a key store or cipher.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// A sub-key for `purpose` (a fixed label such as `"scanpass index v1"`) and `context`
    /// (an identifier such as a blob id): HKDF-SHA256 expand with info = purpose ‖ 0 ‖ context.
    pub fn derive(&self, purpose: &str, context: &[u8]) -> Key {
        let hk = Hkdf::<Sha256>::new(None, &self.0);
        let mut info = Vec::with_capacity(purpose.len() + 1 + context.len());
        info.extend_from_slice(purpose.as_bytes());
        info.push(0);
        info.extend_from_slice(context);
        let mut out = [0u8; 32];
        // 32 bytes is always a valid HKDF-SHA256 output length
        let _ = hk.expand(&info, &mut out);
        Key(out)
    }
}

/// Decryption failed: wrong key, or bytes altered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("integrity check failed")]
pub struct IntegrityError;

/// An AEAD key (AES-256-GCM or ChaCha20-Poly1305, 96-bit nonces, 128-bit tags) whose expanded
/// key schedule is wiped when it is dropped: `ring` keeps the schedule inline in its key and does
/// not wipe it, so it lives here in a box of its own, dropped and then zeroed.
pub struct AeadKey(Box<MaybeUninit<LessSafeKey>>);

impl AeadKey {
    /// AES-256-GCM under `key`.
    pub fn aes_256_gcm(key: &Key) -> Result<AeadKey, IntegrityError> {
        Self::new(&AES_256_GCM, key)
    }

    /// ChaCha20-Poly1305 (RFC 8439) under `key`.
    pub fn chacha20_poly1305(key: &Key) -> Result<AeadKey, IntegrityError> {
        Self::new(&CHACHA20_POLY1305, key)
    }

    fn new(alg: &'static ring::aead::Algorithm, key: &Key) -> Result<AeadKey, IntegrityError> {
        // both algorithms take 32-byte keys: ring's only reason to refuse one
        let k = UnboundKey::new(alg, key.expose()).map_err(|_| IntegrityError)?;
        let mut slot = Box::new(MaybeUninit::uninit());
        slot.write(LessSafeKey::new(k));
        Ok(AeadKey(slot))
    }

    #[allow(unsafe_code)] // reads the key from its MaybeUninit slot, kept so that Drop can zero it
    fn key(&self) -> &LessSafeKey {
        // SAFETY: written in `new`, and only dropped in `drop`
        unsafe { self.0.assume_init_ref() }
    }

    /// Encrypt `buf` in place; returns the tag. Fails only past the cipher's input limit
    /// (64 GiB), far above any chunk.
    pub fn seal_in_place(
        &self,
        nonce: [u8; 12],
        aad: &[u8],
        buf: &mut [u8],
    ) -> Result<[u8; TAG], IntegrityError> {
        let tag = self
            .key()
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), buf)
            .map_err(|_| IntegrityError)?;
        tag.as_ref().try_into().map_err(|_| IntegrityError)
    }

    /// Decrypt `buf` in place and check `tag`; on failure `buf` is zeroed (no unauthenticated
    /// plaintext is ever handed out).
    pub fn open_in_place(
        &self,
        nonce: [u8; 12],
        aad: &[u8],
        buf: &mut [u8],
        tag: &[u8; TAG],
    ) -> Result<(), IntegrityError> {
        self.key()
            .open_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                Tag::from(*tag),
                buf,
                0..,
            )
            .map(|_| ())
            .map_err(|_| {
                buf.fill(0);
                IntegrityError
            })
    }

    /// Decrypt `in_out[src..]` (ciphertext then tag) and move the plaintext to the front of
    /// `in_out`, in the same pass; returns the plaintext length. On failure `in_out` is zeroed.
    pub fn open_within(
        &self,
        nonce: [u8; 12],
        aad: &[u8],
        in_out: &mut [u8],
        src: std::ops::RangeFrom<usize>,
    ) -> Result<usize, IntegrityError> {
        let r = self
            .key()
            .open_within(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                in_out,
                src,
            )
            .map(|p| p.len());
        r.map_err(|_| {
            in_out.fill(0);
            IntegrityError
        })
    }
}

#[allow(unsafe_code)] // zeroes ring's key in place after its drop: ring does not zeroize it
impl Drop for AeadKey {
    fn drop(&mut self) {
        // SAFETY: the key was written in `new` and is dropped only here; after its drop the slot
        // is plain memory, which a `MaybeUninit` may hold as all zeroes
        unsafe {
            self.0.assume_init_drop();
            zeroize::zeroize_flat_type(&mut *self.0 as *mut MaybeUninit<LessSafeKey>);
        }
    }
}

const X_NONCE: usize = 24;

/// Encrypt a small secret: nonce ‖ ciphertext ‖ tag.
pub fn seal(key: &Key, plaintext: &[u8], ad: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.0.as_ref().into());
    let mut nonce = [0u8; X_NONCE];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(
            nonce.as_ref().into(),
            Payload {
                msg: plaintext,
                aad: ad,
            },
        )
        .unwrap_or_default(); // encryption of in-memory data cannot fail
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ct);
    out
}

/// Decrypt what [`seal`] made, with the same associated data.
pub fn open(key: &Key, sealed: &[u8], ad: &[u8]) -> Result<SecretBytes, IntegrityError> {
    if sealed.len() < X_NONCE + 16 {
        return Err(IntegrityError);
    }
    let cipher = XChaCha20Poly1305::new(key.0.as_ref().into());
    cipher
        .decrypt(
            sealed[..X_NONCE].into(),
            Payload {
                msg: &sealed[X_NONCE..],
                aad: ad,
            },
        )
        .map(SecretBytes::new)
        .map_err(|_| IntegrityError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_key_and_context() {
        let k = Key::random();
        let s = seal(&k, b"study key", b"study 1");
        assert_eq!(&open(&k, &s, b"study 1").unwrap()[..], b"study key");
        assert_eq!(open(&k, &s, b"study 2"), Err(IntegrityError));
        assert_eq!(open(&Key::random(), &s, b"study 1"), Err(IntegrityError));
        assert_ne!(
            seal(&k, b"study key", b"study 1"),
            s,
            "fresh nonce each time"
        );
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_context() {
        let k = Key::from_bytes([7; 32]);
        assert_ne!(k.derive("a", b"1"), k.derive("a", b"2"));
        assert_ne!(k.derive("a", b"1"), k.derive("b", b"1"));
        assert_eq!(k.derive("a", b"1"), k.derive("a", b"1"));
        assert_eq!(format!("{k:?}"), "Key(<redacted>)");
    }

    /// A blob as format version 1 wrote it (ChaCha20-Poly1305 through RustCrypto, the code of

    #[test]
    fn aead_keys_match_the_rfc_vectors_through_ring() {
        // RFC 8439 section 2.8.2 (ChaCha20-Poly1305 AEAD)
        let key: [u8; 32] = core::array::from_fn(|i| 0x80 + i as u8);
        let nonce = [
            0x07, 0, 0, 0, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
        ];
        let aad = hex::decode("50515253c0c1c2c3c4c5c6c7").unwrap();
        let mut msg = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".to_vec();
        let k = AeadKey::chacha20_poly1305(&Key::from_bytes(key)).unwrap();
        let tag = k.seal_in_place(nonce, &aad, &mut msg).unwrap();
        assert_eq!(hex::encode(&msg[..16]), "d31a8d34648e60db7b86afbc53ef7ec2");
        assert_eq!(hex::encode(tag), "1ae10b594f09e26a7e902ecbd0600691");
        k.open_in_place(nonce, &aad, &mut msg, &tag).unwrap();
        assert!(msg.starts_with(b"Ladies and Gentlemen"));
        // a flipped tag bit: refused, and the buffer zeroed rather than left half-decrypted
        let mut bad = tag;
        bad[0] ^= 1;
        let mut ct = msg.clone();
        let tag2 = k.seal_in_place(nonce, &aad, &mut ct).unwrap();
        assert_eq!(tag2, tag);
        assert_eq!(
            k.open_in_place(nonce, &aad, &mut ct, &bad),
            Err(IntegrityError)
        );
        assert!(ct.iter().all(|b| *b == 0));
    }
}
