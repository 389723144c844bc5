//! Streams (blob format version 3): the blob format's chunks, cipher and nonces for bytes whose
//! length is not known when they start (an import's temporary files: a download, a zip entry),
//! each chunk followed by its tag and written as it fills; the last chunk's flag marks the end,
//! so a stream cut at a chunk boundary is noticed too. Never a vault blob.

use std::io;
use std::sync::Mutex;

use super::blob::{blob_cipher, blob_header, chunk_nonce, BlobId, BlobReader, Layout};
use super::blob::{BLOB_V3_STREAM, CHUNK, HEADER, MAGIC};
use super::keys::{AeadKey, IntegrityError, Key, TAG};
use super::SecretBytes;
use crate::byte_source::ByteSource;

impl<S: ByteSource> BlobReader<S> {
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
    use crate::crypto::{encrypt_blob, new_blob_id};

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
        assert!(BlobReader::stream(encrypt_blob(&k, &id, &data).unwrap(), &k, &id).is_err());
    }
}
