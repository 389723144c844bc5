//! The encrypted blob format of the vault (format versions 1 and 2) and of streams (version 3,
//! in [`super::stream`]): a 32-byte header, then the plaintext in 64 KiB chunks, each sealed
//! under a key derived for that blob alone, with the chunk index and a last-chunk flag as the
//! nonce and the header as associated data (the design of age's STREAM).

use std::io;
use std::sync::Mutex;

use rand::RngCore;

use super::keys::{AeadKey, IntegrityError, Key, TAG};
use super::SecretBytes;
use crate::byte_source::ByteSource;

/// Plaintext bytes per blob chunk.
pub const CHUNK: usize = 64 * 1024;
/// Size of a blob's header.
pub const HEADER: usize = 32;
pub(super) const MAGIC: &[u8; 4] = b"SPB1";

/// A blob identifier: 128 random bits, also its file name.
pub type BlobId = [u8; 16];

/// A new random blob id.
pub fn new_blob_id() -> BlobId {
    let mut id = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut id);
    id
}

pub(super) fn blob_header(id: &BlobId, len: u64) -> [u8; HEADER] {
    let mut h = [0u8; HEADER];
    h[..4].copy_from_slice(MAGIC);
    h[4] = BLOB_V2_AES; // version
    h[5] = 16; // log2(CHUNK)
    h[8..24].copy_from_slice(id);
    h[24..32].copy_from_slice(&len.to_le_bytes());
    h
}

pub(super) fn chunk_nonce(index: u64, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[..8].copy_from_slice(&index.to_le_bytes());
    n[8] = last as u8;
    n
}

/// Blob format version 1: chunks sealed with ChaCha20-Poly1305 (written until 2026-11-28, read
/// still).
pub(super) const BLOB_V1_CHACHA: u8 = 1;
/// Blob format version 2: chunks sealed with AES-256-GCM (8.9 GB/s through ring on this machine's
/// VAES, against 1.4 GB/s for version 1's RustCrypto ChaCha20-Poly1305; hardware AES on phones
/// too); written since 2026-11-28.
pub(super) const BLOB_V2_AES: u8 = 2;

/// Blob format version 3: a stream whose length is not known when it starts (the import's
/// temporary files): AES-256-GCM as version 2, each chunk followed by its tag as in version 1,
/// so that a chunk is written as soon as the next byte shows it is not the last; the header's
/// length field is zero and the length follows from the file's size. Never a vault blob.
pub(super) const BLOB_V3_STREAM: u8 = 3;

/// The cipher of a blob of format `version` (each version under its own derived key).
pub(super) fn blob_cipher(study_key: &Key, id: &BlobId, version: u8) -> Option<AeadKey> {
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
pub(super) struct Layout {
    pub(super) version: u8,
    pub(super) len: u64,
}

impl Layout {
    pub(super) fn chunks(&self) -> u64 {
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
    pub(super) source: S,
    pub(super) cipher: AeadKey,
    pub(super) header: [u8; HEADER],
    pub(super) layout: Layout,
    pub(super) cache: Mutex<Option<(u64, SecretBytes)>>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};

    fn blob(key: &Key, id: &BlobId, data: &[u8]) -> Vec<u8> {
        let out = encrypt_blob(key, id, data).unwrap();
        assert_eq!(out.len() as u64, encrypted_len(data.len() as u64));
        out
    }

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
