//! The one stream of a share and its padding (docs/share-format.md, ADR 9): the thumbnails and
//! every file of the file-set, end to end, cut into chunks of one fixed size, padded with zeros
//! to a Padmé size class; the manifest padded with spaces to a power of two. The relay sees
//! chunks that all have the same size, how many there are (a size class, not the study's size),
//! and a manifest whose size is a power of two: no file's size, and not how many files.

use std::ops::Range;

use super::seal::OVERHEAD;
use crate::crypto::SecretBytes;

/// Bytes of plaintext in every chunk this code writes (1 MiB: a 512 × 512 CT slice takes one
/// or two chunks, so a viewer shows a slice after one or two requests).
pub const CHUNK_SIZE: u64 = 1 << 20;
/// Smallest and largest chunk size a reader accepts (the test vectors use a small one).
pub const MIN_CHUNK_SIZE: u64 = 1 << 10;
pub const MAX_CHUNK_SIZE: u64 = 16 << 20;
/// Most chunks in one share (the relay's limit too).
pub const MAX_CHUNKS: u32 = 1 << 20;
/// Smallest sealed manifest: 16 KiB (a few dozen files' worth, so that small shares all look
/// alike).
pub const MIN_SEALED_MANIFEST: usize = 16 << 10;

/// Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with
/// PURBs", PETS 2019): `len` rounded up so that only its top `floor(log2(floor(log2 len))) + 1`
/// bits may be non-zero. Leaks O(log log len) bits of the length; costs at most 12 % (less as
/// `len` grows: under 3 % past 1 MiB).
pub fn padme(len: u64) -> u64 {
    if len < 2 {
        return len;
    }
    let e = 63 - len.leading_zeros(); // floor(log2 len)
    let s = 32 - e.leading_zeros(); // floor(log2 e) + 1
    let zeros = e - s;
    let mask = (1u64 << zeros) - 1;
    (len + mask) & !mask
}

/// Chunks a stream of `len` bytes is padded to: Padmé of its length, in whole chunks (at least
/// one).
pub fn padded_chunks(len: u64, chunk_size: u64) -> u64 {
    padme(len).div_ceil(chunk_size).max(1)
}

/// Plaintext length of a manifest of `json_len` bytes once padded: its sealed size is the next
/// power of two, at least [`MIN_SEALED_MANIFEST`].
pub fn padded_manifest_len(json_len: usize) -> usize {
    (json_len + OVERHEAD)
        .max(MIN_SEALED_MANIFEST)
        .next_power_of_two()
        - OVERHEAD
}

/// The chunks holding bytes `offset .. offset + size` of the stream (empty for an empty range).
pub fn chunks_of(offset: u64, size: u64, chunk_size: u64) -> Range<u64> {
    if size == 0 {
        return 0..0;
    }
    offset / chunk_size..(offset + size).div_ceil(chunk_size)
}

/// Cuts what is appended into chunks of `chunk_size` and pads the end: the writer's half of the
/// format, shared by the share flow and the test vectors. `emit(n, plaintext)` seals and sends
/// chunk `n`.
pub struct StreamWriter {
    chunk_size: u64,
    /// The chunk being filled (plaintext: wiped when dropped; never grows past its capacity).
    buf: SecretBytes,
    /// Bytes of the stream so far.
    pos: u64,
    next_chunk: u32,
}

/// Seals and sends chunk `n` of the stream, given its plaintext.
pub type Emit<'a, E> = dyn FnMut(u32, &[u8]) -> Result<(), E> + 'a;

/// Why a stream cannot be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl StreamWriter {
    pub fn new(chunk_size: u64) -> StreamWriter {
        StreamWriter {
            chunk_size,
            buf: SecretBytes::with_capacity(chunk_size as usize),
            pos: 0,
            next_chunk: 0,
        }
    }

    /// Bytes appended so far (the offset of the next piece).
    pub fn pos(&self) -> u64 {
        self.pos
    }

    /// Chunks emitted so far.
    pub fn chunks(&self) -> u32 {
        self.next_chunk
    }

    /// Append `bytes`, emitting each chunk as it fills.
    pub fn append<E: From<TooLarge>>(
        &mut self,
        mut bytes: &[u8],
        emit: &mut Emit<'_, E>,
    ) -> Result<(), E> {
        while !bytes.is_empty() {
            let take = bytes.len().min(self.chunk_size as usize - self.buf.len());
            self.buf.extend_from_slice(&bytes[..take]);
            self.pos += take as u64;
            bytes = &bytes[take..];
            if self.buf.len() as u64 == self.chunk_size {
                self.flush(emit)?;
            }
        }
        Ok(())
    }

    fn flush<E: From<TooLarge>>(&mut self, emit: &mut Emit<'_, E>) -> Result<(), E> {
        let n = self.next_chunk;
        if n >= MAX_CHUNKS {
            return Err(TooLarge.into());
        }
        emit(n, &self.buf)?;
        self.next_chunk += 1;
        self.buf.truncate(0);
        Ok(())
    }

    /// Pad with zeros to [`padded_chunks`] of what was appended and emit the rest; returns the
    /// number of chunks.
    pub fn finish<E: From<TooLarge>>(mut self, emit: &mut Emit<'_, E>) -> Result<u32, E> {
        let total = padded_chunks(self.pos, self.chunk_size);
        if total > MAX_CHUNKS as u64 {
            return Err(TooLarge.into());
        }
        while (self.next_chunk as u64) < total {
            let rest = self.chunk_size as usize - self.buf.len();
            self.buf.extend_from_slice(&vec![0u8; rest]);
            self.flush(emit)?;
        }
        Ok(self.next_chunk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padme_matches_the_paper_and_costs_little() {
        // values from the PURBs paper's definition, worked by hand
        for (len, want) in [
            (0, 0),
            (1, 1),
            (2, 2),
            (7, 7),
            (8, 8),
            (9, 10),
            (100, 104),
            (1000, 1024),
            (527_082, 540_672),
            (1 << 20, 1 << 20),
            ((1 << 20) + 1, (1 << 20) + (1 << 15)),
            (45_000_000, 45_088_768),
        ] {
            assert_eq!(padme(len), want, "{len}");
        }
        for len in (1u64..2_000_000)
            .step_by(997)
            .chain([u32::MAX as u64, 1 << 40])
        {
            let p = padme(len);
            assert!(
                p >= len && (p - len) as f64 <= len as f64 * 0.12,
                "{len} {p}"
            );
            assert_eq!(padme(p), p, "a padded length is its own class");
        }
        assert_eq!(padded_chunks(0, CHUNK_SIZE), 1);
        assert_eq!(padded_chunks(45_000_000, CHUNK_SIZE), 43);
    }

    #[test]
    fn manifests_pad_to_a_power_of_two_sealed() {
        assert_eq!(padded_manifest_len(10) + OVERHEAD, 16 << 10);
        assert_eq!(padded_manifest_len(16_000) + OVERHEAD, 16 << 10);
        assert_eq!(padded_manifest_len(16 << 10) + OVERHEAD, 32 << 10);
        assert_eq!(padded_manifest_len(100_000) + OVERHEAD, 128 << 10);
    }

    #[test]
    fn a_range_covers_the_chunks_it_touches() {
        assert_eq!(chunks_of(0, 1, 10), 0..1);
        assert_eq!(chunks_of(9, 2, 10), 0..2);
        assert_eq!(chunks_of(10, 10, 10), 1..2);
        assert_eq!(chunks_of(5, 0, 10), 0..0);
    }
}
