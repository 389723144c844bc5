//! DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
//! segment per byte plane, most significant byte first, sample by sample. Written here rather than
//! taken from dicom-rs because dicom-rs 0.10's RLE reader refuses 32-bit samples (RT Dose).
//!
//! Segments are decoded straight into the interleaved output, run by run: no plane buffers. The
//! common 16-bit grey case walks its two segments side by side and writes each `u16` once.
//! Malformed data gives typed errors or, as DCMTK does, zeros where a segment runs short; it
//! never panics.

use crate::error::{Error, Result};

const SYNTAX: &str = "RLE Lossless";

fn bad(detail: &str) -> Error {
    Error::codec(SYNTAX, detail)
}

/// Decode one RLE frame into little-endian interleaved samples of `bytes_per_sample` bytes.
pub(crate) fn decode(
    data: &[u8],
    pixels: usize,
    samples: usize,
    bytes_per_sample: usize,
) -> Result<Vec<u8>> {
    let stride = samples * bytes_per_sample;
    let segments = segments(data, pixels, stride)?;
    let mut out = vec![0u8; pixels * stride];
    // segment order: sample 0 MSB..LSB, sample 1 MSB..LSB, ...; output little endian, interleaved
    for (s, segment) in segments.into_iter().enumerate() {
        let sample = s / bytes_per_sample;
        let byte = bytes_per_sample - 1 - s % bytes_per_sample;
        let offset = sample * bytes_per_sample + byte;
        if stride == 1 {
            unpack_bits(segment, &mut out);
        } else if let Some(out) = out.get_mut(offset..) {
            unpack_strided(segment, out, stride);
        }
    }
    Ok(out)
}

/// Decode 16-bit single-sample RLE (most CT, MR, CR) straight to `u16`: block by block, the
/// high-byte and low-byte segments are unpacked into two small buffers that stay in the L1 cache,
/// then joined in one vectorisable pass; each sample is written once.
pub(crate) fn decode_u16(data: &[u8], pixels: usize) -> Result<Vec<u16>> {
    const BLOCK: usize = 4096;
    let segs = segments(data, pixels, 2)?;
    let (mut hi, mut lo) = (Cursor::new(segs[0]), Cursor::new(segs[1]));
    let (mut h, mut l) = ([0u8; BLOCK], [0u8; BLOCK]);
    let mut out: Vec<u16> = Vec::with_capacity(pixels);
    while out.len() < pixels {
        let n = BLOCK.min(pixels - out.len());
        let (h, l) = (&mut h[..n], &mut l[..n]);
        hi.unpack(h);
        lo.unpack(l);
        out.extend(
            h.iter()
                .zip(l.iter())
                .map(|(&h, &l)| u16::from_be_bytes([h, l])),
        );
    }
    Ok(out)
}

/// The header's segments, checked: as many as `planes`, in order, inside `data`.
fn segments(data: &[u8], pixels: usize, planes: usize) -> Result<Vec<&[u8]>> {
    let Some(header) = data.get(..64) else {
        return Err(bad("header shorter than 64 bytes"));
    };
    let word = |i: usize| {
        let w: [u8; 4] = header[4 * i..4 * i + 4].try_into().unwrap_or_default();
        u32::from_le_bytes(w) as usize
    };
    let count = word(0);
    if count != planes {
        return Err(bad(&format!(
            "{count} segments where the header needs {planes}"
        )));
    }
    if planes == 0 || planes > 15 {
        return Err(bad(&format!(
            "{planes} segments (at most 15 fit the header)"
        )));
    }
    // PackBits turns 2 bytes into at most 128: a frame larger than that cannot come from this data
    // (and would be a decompression bomb)
    if (pixels as u128 * planes as u128) > 64 * data.len() as u128 + 128 * planes as u128 {
        return Err(bad("the data is far too short for the frame size"));
    }
    (0..planes)
        .map(|s| {
            let start = word(1 + s);
            let end = if s + 1 < planes {
                word(2 + s)
            } else {
                data.len()
            };
            match data.get(start..end) {
                Some(seg) if start >= 64 => Ok(seg),
                _ => Err(bad("segment offsets out of range")),
            }
        })
        .collect()
}

/// One PackBits run: literal bytes, or one byte repeated.
#[derive(Clone, Copy)]
enum Run<'a> {
    Literal(&'a [u8]),
    Fill(u8, usize),
}

impl Run<'_> {
    fn len(&self) -> usize {
        match self {
            Run::Literal(b) => b.len(),
            Run::Fill(_, n) => *n,
        }
    }
}

/// The runs of one PackBits segment. A literal cut short by the end of the segment is kept as
/// far as it goes; a replicate run without its byte ends the segment; -128 is skipped.
struct Runs<'a>(&'a [u8]);

impl<'a> Iterator for Runs<'a> {
    type Item = Run<'a>;

    fn next(&mut self) -> Option<Run<'a>> {
        loop {
            let (&n, rest) = self.0.split_first()?;
            let n = n as i8;
            if n >= 0 {
                let (literal, rest) = rest.split_at((n as usize + 1).min(rest.len()));
                self.0 = rest;
                return (!literal.is_empty()).then_some(Run::Literal(literal));
            } else if n == -128 {
                self.0 = rest;
            } else {
                let (&v, rest) = rest.split_first()?;
                self.0 = rest;
                return Some(Run::Fill(v, (1 - n as isize) as usize));
            }
        }
    }
}

/// A segment read run by run, any number of samples at a time; zeros for ever once it ends.
struct Cursor<'a> {
    runs: Runs<'a>,
    run: Run<'a>,
}

impl<'a> Cursor<'a> {
    fn new(segment: &'a [u8]) -> Self {
        let mut runs = Runs(segment);
        let run = runs.next().unwrap_or(Run::Fill(0, usize::MAX));
        Cursor { runs, run }
    }

    /// Fill `out` with the next `out.len()` bytes of the segment.
    fn unpack(&mut self, out: &mut [u8]) {
        let mut o = 0;
        while o < out.len() {
            let rest = &mut out[o..];
            let n = self.run.len().min(rest.len());
            match self.run {
                Run::Literal(b) => rest[..n].copy_from_slice(&b[..n]),
                Run::Fill(v, _) => rest[..n].fill(v),
            }
            o += n;
            self.run = match self.run {
                Run::Literal(b) if n < b.len() => Run::Literal(&b[n..]),
                Run::Fill(v, left) if n < left => Run::Fill(v, left - n),
                _ => self.runs.next().unwrap_or(Run::Fill(0, usize::MAX)),
            };
        }
    }
}

/// PackBits into `out`, ignoring any excess; what the segment does not reach stays as it is
/// (zero in a fresh buffer, as DCMTK fills a short segment).
fn unpack_bits(src: &[u8], out: &mut [u8]) {
    let mut o = 0;
    for run in Runs(src) {
        let rest = &mut out[o..];
        let n = run.len().min(rest.len());
        match run {
            Run::Literal(b) => rest[..n].copy_from_slice(&b[..n]),
            Run::Fill(v, _) => rest[..n].fill(v),
        }
        o += n;
        if o == out.len() {
            break;
        }
    }
}

/// PackBits into every `stride`-th byte of `out`, starting with the first.
fn unpack_strided(src: &[u8], out: &mut [u8], stride: usize) {
    let mut dst = out.iter_mut().step_by(stride);
    for run in Runs(src) {
        match run {
            Run::Literal(b) => {
                for v in b {
                    let Some(d) = dst.next() else { return };
                    *d = *v;
                }
            }
            Run::Fill(v, n) => {
                for _ in 0..n {
                    let Some(d) = dst.next() else { return };
                    *d = v;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(offsets: &[u32]) -> Vec<u8> {
        let mut h = vec![0u8; 64];
        h[..4].copy_from_slice(&(offsets.len() as u32).to_le_bytes());
        for (i, o) in offsets.iter().enumerate() {
            h[4 + 4 * i..8 + 4 * i].copy_from_slice(&o.to_le_bytes());
        }
        h
    }

    #[test]
    fn packbits_literal_and_replicate_runs() {
        let mut out = [0u8; 6];
        unpack_bits(&[0x01, 7, 8, 0xFD, 9], &mut out); // literal 2, then 4 × 9
        assert_eq!(out, [7, 8, 9, 9, 9, 9]);
    }

    #[test]
    fn sixteen_bit_segments_are_msb_first() {
        // two pixels, 16-bit: values 0x0102 and 0x0304
        let mut d = header(&[64, 67]);
        d.extend_from_slice(&[0x01, 0x01, 0x03]); // MSB plane: literal [1, 3]
        d.extend_from_slice(&[0x01, 0x02, 0x04]); // LSB plane: literal [2, 4]
        assert_eq!(decode(&d, 2, 1, 2).unwrap(), vec![0x02, 0x01, 0x04, 0x03]);
    }

    #[test]
    fn thirty_two_bit_rgb_interleaves_samples() {
        // one pixel, 3 samples × 4 bytes: 12 segments, each a single literal byte
        let offsets: Vec<u32> = (0..12).map(|i| 64 + 2 * i).collect();
        let mut d = header(&offsets);
        for s in 0..12u8 {
            d.extend_from_slice(&[0x00, s]);
        }
        let out = decode(&d, 1, 3, 4).unwrap();
        // sample 0 is segments 0..4 MSB first -> LE bytes [3, 2, 1, 0]
        assert_eq!(out, vec![3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8]);
    }

    #[test]
    fn bad_headers_are_errors_not_panics() {
        assert!(decode(&[0; 10], 1, 1, 1).is_err());
        assert!(decode(&header(&[64, 9999]), 1, 1, 2).is_err());
        assert!(decode(&header(&[64]), 4, 1, 2).is_err());
    }

    /// PackBits as the standard reads it, byte by byte, for comparison.
    fn reference_planes(data: &[u8], pixels: usize, planes: usize) -> Vec<u8> {
        let word =
            |i: usize| u32::from_le_bytes(data[4 * i..4 * i + 4].try_into().unwrap()) as usize;
        let mut out = vec![0u8; pixels * planes];
        for s in 0..planes {
            let end = if s + 1 < planes {
                word(2 + s)
            } else {
                data.len()
            };
            let src = &data[word(1 + s)..end];
            let plane = &mut out[s * pixels..(s + 1) * pixels];
            let (mut i, mut o) = (0, 0);
            while i < src.len() && o < pixels {
                let n = src[i] as i8;
                i += 1;
                if n >= 0 {
                    for _ in 0..=n {
                        if i < src.len() && o < pixels {
                            plane[o] = src[i];
                            o += 1;
                        }
                        i += 1;
                    }
                } else if n != -128 {
                    if i >= src.len() {
                        break;
                    }
                    for _ in 0..(1 - n as isize) {
                        if o < pixels {
                            plane[o] = src[i];
                            o += 1;
                        }
                    }
                    i += 1;
                }
            }
        }
        out
    }

    /// Random segments: valid runs, then sometimes a cut literal, a lone replicate header,
    /// -128 no-ops, too few or too many bytes.
    fn random_frame(seed: u64, pixels: usize, planes: usize) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut segs: Vec<Vec<u8>> = Vec::new();
        for _ in 0..planes {
            let mut seg = Vec::new();
            let target = pixels as u64 * (next() % 3 + 1) / 2; // short, exact-ish or too long
            let mut made = 0u64;
            while made < target {
                match next() % 8 {
                    0 => seg.push(0x80),
                    1..=3 => {
                        let n = next() % 128;
                        seg.push(n as u8);
                        seg.extend((0..=n).map(|_| next() as u8));
                        made += n + 1;
                    }
                    _ => {
                        let n = next() % 127 + 2; // 2..=128 copies
                        seg.push((1i16 - n as i16) as i8 as u8);
                        seg.push(next() as u8);
                        made += n;
                    }
                }
            }
            match next() % 6 {
                0 => seg.push(0x05),           // literal header with nothing after
                1 => seg.push(0xFE),           // replicate header without its byte
                2 => seg.extend([0x10, 1, 2]), // literal cut short
                _ => {}
            }
            segs.push(seg);
        }
        let mut offsets = Vec::new();
        let mut at = 64u32;
        for s in &segs {
            offsets.push(at);
            at += s.len() as u32;
        }
        let mut d = header(&offsets);
        for s in segs {
            d.extend(s);
        }
        d
    }

    #[test]
    fn decoders_agree_with_a_byte_by_byte_reference() {
        for seed in 0..300 {
            let pixels = [0, 1, 7, 130, 1000, 4099][seed as usize % 6];
            // 16-bit grey through both paths
            let d = random_frame(seed, pixels, 2);
            let planes = reference_planes(&d, pixels, 2);
            let want: Vec<u16> = (0..pixels)
                .map(|i| u16::from_be_bytes([planes[i], planes[pixels + i]]))
                .collect();
            assert_eq!(decode_u16(&d, pixels).unwrap(), want, "seed {seed}");
            let le: Vec<u8> = want.iter().flat_map(|v| v.to_le_bytes()).collect();
            assert_eq!(decode(&d, pixels, 1, 2).unwrap(), le, "seed {seed}");
            // 8-bit grey and 8-bit RGB
            let d = random_frame(seed + 1000, pixels, 1);
            assert_eq!(
                decode(&d, pixels, 1, 1).unwrap(),
                reference_planes(&d, pixels, 1)
            );
            let d = random_frame(seed + 2000, pixels, 3);
            let planes = reference_planes(&d, pixels, 3);
            let want: Vec<u8> = (0..pixels)
                .flat_map(|i| [planes[i], planes[pixels + i], planes[2 * pixels + i]])
                .collect();
            assert_eq!(decode(&d, pixels, 3, 1).unwrap(), want, "seed {seed}");
        }
    }

    #[test]
    fn short_segments_fill_with_zeros() {
        // three pixels; the MSB segment has one byte, the LSB segment a replicate run of 2
        let mut d = header(&[64, 66]);
        d.extend_from_slice(&[0x00, 0x12, 0xFF, 0x34]);
        assert_eq!(decode_u16(&d, 3).unwrap(), vec![0x1234, 0x0034, 0x0000]);
    }

    #[test]
    fn too_many_segments_for_the_header_is_an_error() {
        let mut d = vec![0u8; 128];
        d[0] = 16;
        assert!(decode(&d, 1, 4, 4).is_err());
        assert!(decode_u16(&header(&[64, 64]), 0).is_ok());
        assert!(decode_u16(&header(&[64, 40]), 1).is_err()); // offsets out of order
        assert!(decode_u16(&header(&[32, 64]), 1).is_err()); // offset inside the header
    }
}
