//! The vault's cryptography, kept small to be reviewed in one sitting.
//!
//! - [`Key`]: 256-bit keys, zeroized on drop, never printed.
//! - [`Key::derive`]: HKDF-SHA256 sub-keys, one per purpose and context.
//! - [`seal`] / [`open`]: XChaCha20-Poly1305 with a random 192-bit nonce, for small secrets
//!   (wrapped keys, encrypted settings). The associated data names what the secret belongs to.
//! - Blobs ([`encrypt_blob`], [`BlobReader`]): a 32-byte header, then the plaintext in 64 KiB
//!   chunks, each sealed with ChaCha20-Poly1305 under a key derived for that blob alone, with the
//!   chunk index and a last-chunk flag as the nonce and the header as associated data (the design
//!   of age's STREAM). A chunk cannot be moved, dropped, swapped between blobs or truncated away
//!   unnoticed, and any slice of a blob is read by decrypting only the chunks it covers.
//!
//! Nonces are never reused: blob keys are unique per (study key, random 128-bit blob id), a blob id
//! is written once, and chunk nonces count chunks within a blob; sealed secrets draw 192-bit
//! random nonces.

use std::io;
use std::sync::Mutex;

use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, XChaCha20Poly1305};
use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::dicom::ByteSource;

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
pub fn open(key: &Key, sealed: &[u8], ad: &[u8]) -> Result<Zeroizing<Vec<u8>>, IntegrityError> {
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
        .map(Zeroizing::new)
        .map_err(|_| IntegrityError)
}

/// Plaintext bytes per blob chunk.
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
/// Size of a blob's header.
pub const HEADER: usize = 32;
const MAGIC: &[u8; 4] = b"SPB1";

/// A blob identifier: 128 random bits, also its file name.
pub type BlobId = [u8; 16];

/// A new random blob id.
pub fn new_blob_id() -> BlobId {
    let mut id = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id);
    id
}

fn blob_header(id: &BlobId, len: u64) -> [u8; HEADER] {
    let mut h = [0u8; HEADER];
    h[..4].copy_from_slice(MAGIC);
    h[4] = 1; // version
    h[5] = 16; // log2(CHUNK)
    h[8..24].copy_from_slice(id);
    h[24..32].copy_from_slice(&len.to_le_bytes());
    h
}

fn chunk_nonce(index: u64, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[..8].copy_from_slice(&index.to_le_bytes());
    n[8] = last as u8;
    n
}

fn blob_cipher(study_key: &Key, id: &BlobId) -> ChaCha20Poly1305 {
    let k = study_key.derive("scanpass blob v1", id);
    ChaCha20Poly1305::new(k.0.as_ref().into())
}

/// Size of the encrypted form of `len` plaintext bytes.
pub fn encrypted_len(len: u64) -> u64 {
    let chunks = len.div_ceil(CHUNK as u64).max(1);
    HEADER as u64 + len + chunks * TAG as u64
}

/// Encrypt `plaintext` as blob `id` under a study key, writing the whole blob to `out`.
pub fn encrypt_blob(
    study_key: &Key,
    id: &BlobId,
    plaintext: &[u8],
    out: &mut impl io::Write,
) -> io::Result<()> {
    let header = blob_header(id, plaintext.len() as u64);
    out.write_all(&header)?;
    let cipher = blob_cipher(study_key, id);
    let chunks: Vec<&[u8]> = if plaintext.is_empty() {
        vec![&[][..]]
    } else {
        plaintext.chunks(CHUNK).collect()
    };
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        let ct = cipher
            .encrypt(
                chunk_nonce(i as u64, i == last).as_ref().into(),
                Payload {
                    msg: chunk,
                    aad: &header,
                },
            )
            .map_err(|_| io::Error::other("encryption failed"))?;
        out.write_all(&ct)?;
    }
    Ok(())
}

/// Random-access reader of one encrypted blob: serves plaintext ranges by decrypting only the
/// chunks they cover (the last chunk read is kept). Usable directly as a [`ByteSource`].
pub struct BlobReader<S: ByteSource> {
    source: S,
    cipher: ChaCha20Poly1305,
    header: [u8; HEADER],
    len: u64,
    cache: Mutex<Option<(u64, Zeroizing<Vec<u8>>)>>,
}

impl<S: ByteSource> BlobReader<S> {
    /// Check the header of blob `id` in `source` and prepare to read it.
    pub fn new(source: S, study_key: &Key, id: &BlobId) -> Result<Self, IntegrityError> {
        let mut header = [0u8; HEADER];
        source.read_at(0, &mut header).map_err(|_| IntegrityError)?;
        if &header[..4] != MAGIC || header[4] != 1 || header[5] != 16 || &header[8..24] != id {
            return Err(IntegrityError);
        }
        let len = u64::from_le_bytes(header[24..32].try_into().map_err(|_| IntegrityError)?);
        if encrypted_len(len) != source.len() {
            return Err(IntegrityError);
        }
        Ok(BlobReader {
            source,
            cipher: blob_cipher(study_key, id),
            header,
            len,
            cache: Mutex::new(None),
        })
    }

    fn chunks(&self) -> u64 {
        self.len.div_ceil(CHUNK as u64).max(1)
    }

    fn chunk_len(&self, index: u64) -> usize {
        if index + 1 == self.chunks() {
            (self.len - index * CHUNK as u64) as usize
        } else {
            CHUNK
        }
    }

    /// Decrypt chunk `index` into `dst` (exactly its plaintext length), in place: the ciphertext
    /// is read straight into `dst`, the tag beside it.
    fn decrypt_chunk_into(&self, index: u64, dst: &mut [u8]) -> io::Result<()> {
        let at = HEADER as u64 + index * (CHUNK + TAG) as u64;
        self.source.read_at(at, dst)?;
        let mut tag = [0u8; TAG];
        self.source.read_at(at + dst.len() as u64, &mut tag)?;
        self.cipher
            .decrypt_in_place_detached(
                chunk_nonce(index, index + 1 == self.chunks())
                    .as_ref()
                    .into(),
                &self.header,
                dst,
                tag.as_ref().into(),
            )
            .map_err(|_| {
                dst.fill(0); // never hand out unauthenticated plaintext
                io::Error::new(io::ErrorKind::InvalidData, IntegrityError)
            })
    }

    fn decrypt_chunk(&self, index: u64) -> io::Result<Zeroizing<Vec<u8>>> {
        let mut buf = Zeroizing::new(vec![0u8; self.chunk_len(index)]);
        self.decrypt_chunk_into(index, &mut buf)?;
        Ok(buf)
    }

    /// Decrypt the whole blob (verifying every chunk).
    pub fn read_all(&self) -> io::Result<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(vec![0u8; self.len as usize]);
        self.read_at(0, &mut out)?;
        Ok(out)
    }
}

impl<S: ByteSource> ByteSource for BlobReader<S> {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let end = offset
            .checked_add(buf.len() as u64)
            .filter(|e| *e <= self.len)
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        let mut at = offset;
        while at < end {
            let index = at / CHUNK as u64;
            let within = (at % CHUNK as u64) as usize;
            let whole = self.chunk_len(index);
            if within == 0 && end - at >= whole as u64 {
                // a whole chunk requested: decrypt it in place in the caller's buffer
                let dst = (at - offset) as usize;
                self.decrypt_chunk_into(index, &mut buf[dst..dst + whole])?;
                at += whole as u64;
                continue;
            }
            let mut cache = self
                .cache
                .lock()
                .map_err(|_| io::Error::other("poisoned"))?;
            let hit = matches!(&*cache, Some((i, _)) if *i == index);
            if !hit {
                *cache = Some((index, self.decrypt_chunk(index)?));
            }
            let chunk = &cache.as_ref().map(|(_, c)| c).ok_or(io::ErrorKind::Other)?;
            let n = ((chunk.len() - within) as u64).min(end - at) as usize;
            let dst = (at - offset) as usize;
            buf[dst..dst + n].copy_from_slice(&chunk[within..within + n]);
            at += n as u64;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(key: &Key, id: &BlobId, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encrypt_blob(key, id, data, &mut out).unwrap();
        assert_eq!(out.len() as u64, encrypted_len(data.len() as u64));
        out
    }

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

    #[test]
    fn blobs_round_trip_and_serve_any_range() {
        let k = Key::random();
        let id = new_blob_id();
        let data: Vec<u8> = (0..(3 * CHUNK + 1234))
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let enc = blob(&k, &id, &data);
        let r = BlobReader::new(enc, &k, &id).unwrap();
        assert_eq!(&r.read_all().unwrap()[..], &data[..]);
        for (off, len) in [
            (0, 10),
            (CHUNK - 5, 10),
            (2 * CHUNK + 7, CHUNK + 1000),
            (data.len() - 1, 1),
        ] {
            let mut buf = vec![0; len];
            r.read_at(off as u64, &mut buf).unwrap();
            assert_eq!(&buf[..], &data[off..off + len]);
        }
        let mut past = [0u8; 2];
        assert!(r.read_at(data.len() as u64 - 1, &mut past).is_err());
        let empty = blob(&k, &id, &[]);
        assert_eq!(
            BlobReader::new(empty, &k, &id)
                .unwrap()
                .read_all()
                .unwrap()
                .len(),
            0
        );
    }

    #[test]
    fn any_flipped_byte_or_swapped_chunk_is_detected() {
        let k = Key::random();
        let id = new_blob_id();
        let data = vec![42u8; 2 * CHUNK + 10];
        let enc = blob(&k, &id, &data);
        for at in [0, 10, 30, HEADER + 5, HEADER + CHUNK + 20, enc.len() - 1] {
            let mut bad = enc.clone();
            bad[at] ^= 1;
            let failed = match BlobReader::new(bad, &k, &id) {
                Err(_) => true,
                Ok(r) => r.read_all().is_err(),
            };
            assert!(failed, "flip at {at} went unnoticed");
        }
        // swapping the first two (same-size) chunks
        let mut swapped = enc.clone();
        let c = CHUNK + TAG;
        let (a, b) = (
            enc[HEADER..HEADER + c].to_vec(),
            enc[HEADER + c..HEADER + 2 * c].to_vec(),
        );
        swapped[HEADER..HEADER + c].copy_from_slice(&b);
        swapped[HEADER + c..HEADER + 2 * c].copy_from_slice(&a);
        assert!(BlobReader::new(swapped, &k, &id)
            .unwrap()
            .read_all()
            .is_err());
        // another blob id, or another study key
        assert!(BlobReader::new(enc.clone(), &k, &new_blob_id()).is_err());
        assert!(BlobReader::new(enc, &Key::random(), &id)
            .unwrap()
            .read_all()
            .is_err());
    }
}
