//! The vault's cryptography, kept small to be reviewed in one sitting.
//!
//! - [`Key`]: 256-bit keys, zeroized on drop, never printed.
//! - [`Key::derive`]: HKDF-SHA256 sub-keys, one per purpose and context.
//! - [`seal`] / [`open`]: XChaCha20-Poly1305 with a random 192-bit nonce, for small secrets
//!   (wrapped keys, encrypted settings). The associated data names what the secret belongs to.
//! - Blobs ([`encrypt_blob`], [`BlobReader`]): a 32-byte header, then the plaintext in 64 KiB
//!   chunks, each sealed with AES-256-GCM (format version 2; version 1, still read, used
//!   ChaCha20-Poly1305) under a key derived for that blob alone, with the chunk index and a
//!   last-chunk flag as the nonce and the header as associated data (the design of age's STREAM).
//!   A chunk cannot be moved, dropped, swapped between blobs or truncated away unnoticed, and any
//!   slice of a blob is read by decrypting only the chunks it covers.
//! - Streams ([`StreamWriter`], [`BlobReader::stream`]): the same chunks, cipher and nonces for
//!   bytes whose length is not known when they start (an import's temporary files: a download, a
//!   zip entry), each chunk followed by its tag (format version 3) and written as it fills; the
//!   last chunk's flag marks the end, so a stream cut at a chunk boundary is noticed too.
//! - [`AeadKey`]: the blob and share ciphers, from `ring` (assembly using AES-NI/VAES on x86-64
//!   and the ARMv8 crypto extensions on phones), with the key schedule wiped on drop.
//!
//! Nonces are never reused: blob keys are unique per (study key, random 128-bit blob id), a blob id
//! is written once, and chunk nonces count chunks within a blob; sealed secrets draw 192-bit
//! random nonces.

use std::io;
use std::mem::MaybeUninit;
use std::sync::Mutex;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use hkdf::Hkdf;
use rand::RngCore;
use ring::aead::{Aad, LessSafeKey, Nonce, Tag, UnboundKey, AES_256_GCM, CHACHA20_POLY1305};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

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

pub use crate::secret::SecretBytes;

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

/// Plaintext bytes per blob chunk.
pub const CHUNK: usize = 64 * 1024;
/// Bytes of an AEAD tag.
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
    h[4] = BLOB_V2_AES; // version
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

/// Blob format version 1: chunks sealed with ChaCha20-Poly1305 (written until 2026-11-28, read
/// still).
const BLOB_V1_CHACHA: u8 = 1;
/// Blob format version 2: chunks sealed with AES-256-GCM (8.9 GB/s through ring on this machine's
/// VAES, against 1.4 GB/s for version 1's RustCrypto ChaCha20-Poly1305; hardware AES on phones
/// too); written since 2026-11-28.
const BLOB_V2_AES: u8 = 2;

/// Blob format version 3: a stream whose length is not known when it starts (the import's
/// temporary files): AES-256-GCM as version 2, each chunk followed by its tag as in version 1,
/// so that a chunk is written as soon as the next byte shows it is not the last; the header's
/// length field is zero and the length follows from the file's size. Never a vault blob.
const BLOB_V3_STREAM: u8 = 3;

/// The cipher of a blob of format `version` (each version under its own derived key).
fn blob_cipher(study_key: &Key, id: &BlobId, version: u8) -> Option<AeadKey> {
    match version {
        BLOB_V3_STREAM => AeadKey::aes_256_gcm(&study_key.derive("scanpass stream v3", id)).ok(),
        BLOB_V1_CHACHA => {
            AeadKey::chacha20_poly1305(&study_key.derive("scanpass blob v1", id)).ok()
        }
        BLOB_V2_AES => AeadKey::aes_256_gcm(&study_key.derive("scanpass blob v2", id)).ok(),
        _ => None,
    }
}

/// Size of the encrypted form of `len` plaintext bytes.
pub fn encrypted_len(len: u64) -> u64 {
    let chunks = len.div_ceil(CHUNK as u64).max(1);
    HEADER as u64 + len + chunks * TAG as u64
}

/// Encrypt `plaintext` as blob `id` under a study key: the whole blob, in the layout of the
/// current format (version 2).
pub fn encrypt_blob(study_key: &Key, id: &BlobId, plaintext: &[u8]) -> io::Result<Vec<u8>> {
    let len = plaintext.len() as u64;
    let header = blob_header(id, len);
    let cipher = blob_cipher(study_key, id, BLOB_V2_AES).ok_or(io::ErrorKind::Other)?;
    let layout = Layout {
        version: BLOB_V2_AES,
        len,
    };
    let total = encrypted_len(len) as usize;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&header);
    out.extend_from_slice(plaintext);
    out.resize(total, 0); // room for the tags
    let (body, tags) = out[HEADER..].split_at_mut(plaintext.len());
    let chunks = layout.chunks();
    for i in 0..chunks {
        let start = (i * CHUNK as u64) as usize;
        let chunk = &mut body[start..start + layout.chunk_len(i)];
        let tag = cipher
            .seal_in_place(chunk_nonce(i, i + 1 == chunks), &header, chunk)
            .map_err(|_| io::Error::other("encryption failed"))?;
        tags[i as usize * TAG..(i as usize + 1) * TAG].copy_from_slice(&tag);
    }
    Ok(out)
}

/// [`encrypt_blob`] of a plaintext read from `source` chunk by chunk (a large file streamed from
/// an import's temporary file): the same bytes, written to `out` as they are sealed, holding one
/// chunk of plaintext (wiped) and the tags (16 bytes a chunk) at a time. Returns the size written.
pub fn encrypt_blob_to(
    study_key: &Key,
    id: &BlobId,
    source: &dyn ByteSource,
    out: &mut dyn io::Write,
) -> io::Result<u64> {
    let len = source.len();
    let header = blob_header(id, len);
    let cipher = blob_cipher(study_key, id, BLOB_V2_AES).ok_or(io::ErrorKind::Other)?;
    let layout = Layout {
        version: BLOB_V2_AES,
        len,
    };
    out.write_all(&header)?;
    let chunks = layout.chunks();
    let mut tags = Vec::new();
    tags.try_reserve_exact(chunks as usize * TAG)
        .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
    let mut buf = SecretBytes::new(vec![0u8; CHUNK]);
    for i in 0..chunks {
        let chunk = &mut buf[..layout.chunk_len(i)];
        source.read_at(i * CHUNK as u64, chunk)?;
        let tag = cipher
            .seal_in_place(chunk_nonce(i, i + 1 == chunks), &header, chunk)
            .map_err(|_| io::Error::other("encryption failed"))?;
        out.write_all(chunk)?;
        tags.extend_from_slice(&tag);
    }
    out.write_all(&tags)?;
    Ok(encrypted_len(len))
}

/// Where a blob's chunks and tags lie, by format version:
/// - version 1: `header ‖ (chunk 0 ‖ tag 0) ‖ (chunk 1 ‖ tag 1) ‖ …`;
/// - version 2: `header ‖ chunk 0 ‖ chunk 1 ‖ … ‖ tag 0 ‖ tag 1 ‖ …`, so that a run of chunks
///   (a whole frame) is read with one read and decrypted where it lands, and its tags with one
///   more;
/// - version 3 (streams): as version 1.
#[derive(Clone, Copy)]
struct Layout {
    version: u8,
    len: u64,
}

impl Layout {
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

    fn data_at(&self, index: u64) -> u64 {
        match self.version {
            BLOB_V1_CHACHA | BLOB_V3_STREAM => HEADER as u64 + index * (CHUNK + TAG) as u64,
            _ => HEADER as u64 + index * CHUNK as u64,
        }
    }

    fn tag_at(&self, index: u64) -> u64 {
        match self.version {
            BLOB_V1_CHACHA | BLOB_V3_STREAM => self.data_at(index) + self.chunk_len(index) as u64,
            _ => HEADER as u64 + self.len + index * TAG as u64,
        }
    }
}

/// Random-access reader of one encrypted blob: serves plaintext ranges by decrypting only the
/// chunks they cover (the last chunk read is kept). Usable directly as a [`ByteSource`].
pub struct BlobReader<S: ByteSource> {
    source: S,
    cipher: AeadKey,
    header: [u8; HEADER],
    layout: Layout,
    cache: Mutex<Option<(u64, SecretBytes)>>,
}

impl<S: ByteSource> BlobReader<S> {
    /// Check the header of blob `id` in `source` and prepare to read it.
    pub fn new(source: S, study_key: &Key, id: &BlobId) -> Result<Self, IntegrityError> {
        let mut header = [0u8; HEADER];
        source.read_at(0, &mut header).map_err(|_| IntegrityError)?;
        if &header[..4] != MAGIC
            || header[5] != 16
            || &header[8..24] != id
            || header[4] == BLOB_V3_STREAM
        {
            return Err(IntegrityError);
        }
        let cipher = blob_cipher(study_key, id, header[4]).ok_or(IntegrityError)?;
        let len = u64::from_le_bytes(header[24..32].try_into().map_err(|_| IntegrityError)?);
        if encrypted_len(len) != source.len() {
            return Err(IntegrityError);
        }
        Ok(BlobReader {
            source,
            cipher,
            header,
            layout: Layout {
                version: header[4],
                len,
            },
            cache: Mutex::new(None),
        })
    }

    /// Check the header of stream `id` (what a [`StreamWriter`] wrote) in `source` and prepare to
    /// read it. The length follows from the source's size; a stream cut short (at a chunk
    /// boundary or inside a chunk) fails when its last chunk is read.
    pub fn stream(source: S, key: &Key, id: &BlobId) -> Result<Self, IntegrityError> {
        let mut header = [0u8; HEADER];
        source.read_at(0, &mut header).map_err(|_| IntegrityError)?;
        if &header[..4] != MAGIC
            || header[4] != BLOB_V3_STREAM
            || header[5] != 16
            || &header[8..24] != id
            || header[24..32] != [0; 8]
        {
            return Err(IntegrityError);
        }
        let cipher = blob_cipher(key, id, BLOB_V3_STREAM).ok_or(IntegrityError)?;
        // whole chunks with their tags, then a last chunk (1..=CHUNK bytes, or 0 when it is the
        // only one) with its tag
        let body = source
            .len()
            .checked_sub(HEADER as u64)
            .ok_or(IntegrityError)?;
        let sealed = (CHUNK + TAG) as u64;
        let chunks = body.div_ceil(sealed).max(1);
        let last = body - (chunks - 1) * sealed;
        let last = last.checked_sub(TAG as u64).ok_or(IntegrityError)?;
        if last == 0 && chunks > 1 {
            return Err(IntegrityError);
        }
        let layout = Layout {
            version: BLOB_V3_STREAM,
            len: (chunks - 1) * CHUNK as u64 + last,
        };
        debug_assert_eq!(layout.chunks(), chunks);
        Ok(BlobReader {
            source,
            cipher,
            header,
            layout,
            cache: Mutex::new(None),
        })
    }

    /// Decrypt chunks `first..first + n` into `dst` (exactly their plaintext length), in place:
    /// the ciphertext is read straight into `dst`. Version 2 reads the run and its tags with
    /// two reads; version 1 reads chunk by chunk.
    fn decrypt_run_into(&self, first: u64, n: u64, dst: &mut [u8]) -> io::Result<()> {
        let l = self.layout;
        let mut tags = vec![0u8; n as usize * TAG];
        if matches!(l.version, BLOB_V1_CHACHA | BLOB_V3_STREAM) {
            let mut at = 0;
            for i in 0..n {
                let len = l.chunk_len(first + i);
                self.source
                    .read_at(l.data_at(first + i), &mut dst[at..at + len])?;
                self.source.read_at(
                    l.tag_at(first + i),
                    &mut tags[i as usize * TAG..(i as usize + 1) * TAG],
                )?;
                at += len;
            }
        } else {
            self.source.read_at(l.data_at(first), dst)?;
            self.source.read_at(l.tag_at(first), &mut tags)?;
        }
        let mut at = 0;
        for i in 0..n {
            let index = first + i;
            let len = l.chunk_len(index);
            let tag: &[u8; TAG] = tags[i as usize * TAG..(i as usize + 1) * TAG]
                .try_into()
                .map_err(|_| io::ErrorKind::Other)?;
            if let Err(e) = self.cipher.open_in_place(
                chunk_nonce(index, index + 1 == l.chunks()),
                &self.header,
                &mut dst[at..at + len],
                tag,
            ) {
                dst.fill(0); // never hand out unauthenticated plaintext
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
            at += len;
        }
        Ok(())
    }

    fn decrypt_chunk(&self, index: u64) -> io::Result<SecretBytes> {
        let mut buf = SecretBytes::new(vec![0u8; self.layout.chunk_len(index)]);
        self.decrypt_run_into(index, 1, &mut buf)?;
        Ok(buf)
    }

    /// Decrypt the whole blob (verifying every chunk).
    pub fn read_all(&self) -> io::Result<SecretBytes> {
        let mut out = SecretBytes::new(vec![0u8; self.layout.len as usize]);
        if out.is_empty() {
            self.decrypt_chunk(0)?; // an empty blob still has its one (empty) chunk's tag
        }
        self.read_at(0, &mut out)?;
        Ok(out)
    }
}

impl<S: ByteSource> ByteSource for BlobReader<S> {
    fn len(&self) -> u64 {
        self.layout.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        let end = offset
            .checked_add(buf.len() as u64)
            .filter(|e| *e <= self.layout.len)
            .ok_or(io::ErrorKind::UnexpectedEof)?;
        let mut at = offset;
        while at < end {
            let index = at / CHUNK as u64;
            let within = (at % CHUNK as u64) as usize;
            // whole chunks requested: decrypt the run of them in place in the caller's buffer
            let mut run = 0;
            let mut run_len = 0u64;
            if within == 0 {
                while index + run < self.layout.chunks() {
                    let next = self.layout.chunk_len(index + run) as u64;
                    if next == 0 || at + run_len + next > end {
                        break;
                    }
                    run_len += next;
                    run += 1;
                }
            }
            if run > 0 {
                let dst = (at - offset) as usize;
                self.decrypt_run_into(index, run, &mut buf[dst..dst + run_len as usize])?;
                at += run_len;
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

/// Encrypts bytes as they come, as a stream (format version 3) under `key` and a random `id`:
/// the header is written at once, each 64 KiB chunk (with its tag) as soon as a byte past it
/// arrives, the last one by [`StreamWriter::finish`]. Plaintext is held one chunk at a time and
/// sealed in place, so the buffer never keeps it. Read back with [`BlobReader::stream`]; a
/// stream never finished (the process killed) is unreadable, as is any cut or altered one.
pub struct StreamWriter<W: io::Write> {
    out: W,
    cipher: AeadKey,
    header: [u8; HEADER],
    buf: SecretBytes,
    filled: usize,
    index: u64,
}

impl<W: io::Write> StreamWriter<W> {
    pub fn new(key: &Key, id: &BlobId, mut out: W) -> io::Result<Self> {
        let mut header = blob_header(id, 0);
        header[4] = BLOB_V3_STREAM;
        let cipher = blob_cipher(key, id, BLOB_V3_STREAM).ok_or(io::ErrorKind::Other)?;
        out.write_all(&header)?;
        Ok(StreamWriter {
            out,
            cipher,
            header,
            buf: SecretBytes::new(vec![0u8; CHUNK]),
            filled: 0,
            index: 0,
        })
    }

    fn seal_chunk(&mut self, last: bool) -> io::Result<()> {
        let chunk = &mut self.buf[..self.filled];
        let tag = self
            .cipher
            .seal_in_place(chunk_nonce(self.index, last), &self.header, chunk)
            .map_err(|_| io::Error::other("encryption failed"))?;
        self.out.write_all(chunk)?;
        self.out.write_all(&tag)?;
        self.index += 1;
        self.filled = 0;
        Ok(())
    }

    /// Seal the last chunk and flush; returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.seal_chunk(true)?;
        self.out.flush()?;
        let StreamWriter { out, .. } = self;
        Ok(out)
    }
}

impl<W: io::Write> io::Write for StreamWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if data.is_empty() {
            return Ok(0);
        }
        if self.filled == CHUNK {
            self.seal_chunk(false)?; // more is coming: this one is not the last
        }
        let n = data.len().min(CHUNK - self.filled);
        self.buf[self.filled..self.filled + n].copy_from_slice(&data[..n]);
        self.filled += n;
        Ok(n)
    }

    /// Writes out what is sealed; the chunk being filled stays until it is full or finished.
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(key: &Key, id: &BlobId, data: &[u8]) -> Vec<u8> {
        let out = encrypt_blob(key, id, data).unwrap();
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

    /// A blob as format version 1 wrote it (ChaCha20-Poly1305 through RustCrypto, the code of
    /// that version), to hold version 2 readers to the blobs already on patients' phones.
    fn blob_v1(key: &Key, id: &BlobId, data: &[u8]) -> Vec<u8> {
        use chacha20poly1305::ChaCha20Poly1305;
        let mut header = blob_header(id, data.len() as u64);
        header[4] = BLOB_V1_CHACHA;
        let k = key.derive("scanpass blob v1", id);
        let cipher = ChaCha20Poly1305::new(k.expose().into());
        let mut out = header.to_vec();
        let chunks: Vec<&[u8]> = data.chunks(CHUNK).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            let nonce = chunk_nonce(i as u64, i + 1 == chunks.len());
            let ct = cipher
                .encrypt(
                    nonce.as_ref().into(),
                    Payload {
                        msg: chunk,
                        aad: &header,
                    },
                )
                .unwrap();
            out.extend_from_slice(&ct);
        }
        out
    }

    #[test]
    fn version_1_blobs_still_read_and_unknown_versions_refused() {
        let k = Key::random();
        let id = new_blob_id();
        let data: Vec<u8> = (0..(2 * CHUNK + 77)).map(|i| (i * 7 % 253) as u8).collect();
        let v1 = blob_v1(&k, &id, &data);
        let r = BlobReader::new(v1.clone(), &k, &id).unwrap();
        assert_eq!(&r.read_all().unwrap()[..], &data[..]);
        let mut buf = [0u8; 100];
        r.read_at(CHUNK as u64 - 50, &mut buf).unwrap();
        assert_eq!(&buf[..], &data[CHUNK - 50..CHUNK + 50]);
        // version 2 is what is written now, and differs from version 1 on the same key and id
        let v2 = blob(&k, &id, &data);
        assert_eq!(v2[4], BLOB_V2_AES);
        assert_eq!(v1.len(), v2.len());
        assert_ne!(v1[HEADER..], v2[HEADER..]);
        // relabelling a blob's version breaks it (the header is associated data)
        for (blob, other) in [(&v1, BLOB_V2_AES), (&v2, BLOB_V1_CHACHA)] {
            let mut b = blob.clone();
            b[4] = other;
            let r = BlobReader::new(b, &k, &id).unwrap();
            assert!(r.read_all().is_err());
        }
        let mut v3 = v2.clone();
        v3[4] = 3;
        assert!(BlobReader::new(v3, &k, &id).is_err());
    }

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
            (CHUNK, 2 * CHUNK),         // a run of whole chunks
            (CHUNK, 2 * CHUNK + 1234),  // a run up to the short last chunk
            (CHUNK - 1, 2 * CHUNK + 2), // partial, run, partial
            (0, data.len()),
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

    fn stream_of(key: &Key, id: &BlobId, data: &[u8], piece: usize) -> Vec<u8> {
        use std::io::Write;
        let mut w = StreamWriter::new(key, id, Vec::new()).unwrap();
        for p in data.chunks(piece.max(1)) {
            w.write_all(p).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn streams_round_trip_and_any_cut_or_change_is_detected() {
        let k = Key::random();
        let id = new_blob_id();
        let data: Vec<u8> = (0..(3 * CHUNK + 99))
            .map(|i| (i * 13 % 241) as u8)
            .collect();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, data.len()] {
            for piece in [1000, CHUNK, 3 * CHUNK + 5] {
                let s = stream_of(&k, &id, &data[..len], piece);
                assert_eq!(
                    s.len() as u64,
                    HEADER as u64 + len as u64 + 16 * (len.div_ceil(CHUNK).max(1) as u64)
                );
                let r = BlobReader::stream(s.clone(), &k, &id).unwrap();
                assert_eq!(r.len(), len as u64);
                assert_eq!(&r.read_all().unwrap()[..], &data[..len]);
                if len > 10 {
                    let mut buf = vec![0u8; 10];
                    r.read_at(len as u64 - 10, &mut buf).unwrap();
                    assert_eq!(&buf[..], &data[len - 10..len]);
                }
            }
        }
        let s = stream_of(&k, &id, &data, 4096);
        // the plaintext is nowhere in the ciphertext
        assert!(!s
            .windows(64)
            .any(|w| data.windows(64).take(1000).any(|d| d == w)));
        // cut at each chunk boundary, and inside a chunk: noticed
        for cut in [
            HEADER + CHUNK + TAG,
            HEADER + 2 * (CHUNK + TAG),
            s.len() - 1,
            HEADER + 5,
        ] {
            let failed = match BlobReader::stream(s[..cut].to_vec(), &k, &id) {
                Err(_) => true,
                Ok(r) => r.read_all().is_err(),
            };
            assert!(failed, "a stream cut at {cut} went unnoticed");
        }
        // a writer dropped before finish (a killed process) leaves no readable stream
        {
            use std::io::Write;
            let mut w = StreamWriter::new(&k, &id, Vec::new()).unwrap();
            w.write_all(&data).unwrap();
            w.flush().unwrap();
            let partial = w.out.clone();
            assert!(BlobReader::stream(partial, &k, &id)
                .map(|r| r.read_all().is_err())
                .unwrap_or(true));
        }
        // flipped bits, another key, another id
        for at in [0, 4, 30, HEADER + 1, HEADER + CHUNK + 3, s.len() - 1] {
            let mut bad = s.clone();
            bad[at] ^= 1;
            let failed = match BlobReader::stream(bad, &k, &id) {
                Err(_) => true,
                Ok(r) => r.read_all().is_err(),
            };
            assert!(failed, "flip at {at} went unnoticed");
        }
        assert!(BlobReader::stream(s.clone(), &k, &new_blob_id()).is_err());
        assert!(BlobReader::stream(s.clone(), &Key::random(), &id)
            .unwrap()
            .read_all()
            .is_err());
        // a stream is not a vault blob, nor a blob a stream
        assert!(BlobReader::new(s, &k, &id).is_err());
        assert!(BlobReader::stream(blob(&k, &id, &data), &k, &id).is_err());
    }

    #[test]
    fn a_blob_encrypted_from_a_source_is_the_same_blob() {
        let k = Key::random();
        let id = new_blob_id();
        for len in [0, 5, CHUNK, 2 * CHUNK + 3] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let mut out = Vec::new();
            let n = encrypt_blob_to(&k, &id, &data, &mut out).unwrap();
            assert_eq!(n, out.len() as u64);
            assert_eq!(out, encrypt_blob(&k, &id, &data).unwrap());
        }
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
        // swapping the first two (same-size) chunks, each with its tag
        let mut swapped = enc.clone();
        let tags = HEADER + data.len();
        for (x, y) in [(HEADER, HEADER + CHUNK), (tags, tags + TAG)] {
            let n = y - x;
            let a = enc[x..y].to_vec();
            swapped.copy_within(y..y + n, x);
            swapped[y..y + n].copy_from_slice(&a);
        }
        assert_ne!(swapped, enc);
        assert!(BlobReader::new(swapped, &k, &id)
            .unwrap()
            .read_all()
            .is_err());
        // every single bit of a small blob
        let small = blob(&k, &id, b"a small blob of a few bytes");
        for at in 0..small.len() * 8 {
            let mut bad = small.clone();
            bad[at / 8] ^= 1 << (at % 8);
            let failed = match BlobReader::new(bad, &k, &id) {
                Err(_) => true,
                Ok(r) => r.read_all().is_err(),
            };
            assert!(failed, "flip of bit {at} went unnoticed");
        }
        // another blob id, or another study key
        assert!(BlobReader::new(enc.clone(), &k, &new_blob_id()).is_err());
        assert!(BlobReader::new(enc, &Key::random(), &id)
            .unwrap()
            .read_all()
            .is_err());
    }
}
