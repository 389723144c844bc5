//! DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
//! segment per byte plane, most significant byte first, sample by sample. Written here rather than
//! taken from dicom-rs because dicom-rs 0.10's RLE reader refuses 32-bit samples (RT Dose).

use crate::error::{Error, Result};

const SYNTAX: &str = "RLE Lossless";

/// Decode one RLE frame into little-endian interleaved samples of `bytes_per_sample` bytes.
pub(crate) fn decode(
    data: &[u8],
    pixels: usize,
    samples: usize,
    bytes_per_sample: usize,
) -> Result<Vec<u8>> {
    let planes = decode_planes(data, pixels, samples * bytes_per_sample)?;
    if samples == 1 && bytes_per_sample == 1 {
        return Ok(planes);
    }
    // segment order: sample 0 MSB..LSB, sample 1 MSB..LSB, ...; output little endian, interleaved
    let stride = samples * bytes_per_sample;
    let mut out = vec![0u8; pixels * stride];
    for (s, plane) in planes.chunks_exact(pixels).enumerate() {
        let sample = s / bytes_per_sample;
        let byte = bytes_per_sample - 1 - s % bytes_per_sample;
        let offset = sample * bytes_per_sample + byte;
        for (dst, v) in out[offset..].iter_mut().step_by(stride).zip(plane) {
            *dst = *v;
        }
    }
    Ok(out)
}

/// Decode 16-bit single-sample RLE (most CT, MR, CR) straight to `u16`: the two byte planes are
/// joined in one vectorisable pass.
pub(crate) fn decode_u16(data: &[u8], pixels: usize) -> Result<Vec<u16>> {
    let planes = decode_planes(data, pixels, 2)?;
    let (msb, lsb) = planes.split_at(pixels);
    Ok(msb
        .iter()
        .zip(lsb)
        .map(|(h, l)| (*h as u16) << 8 | *l as u16)
        .collect())
}

/// Every segment's bytes, plane after plane.
fn decode_planes(data: &[u8], pixels: usize, planes: usize) -> Result<Vec<u8>> {
    let bad = |d: &str| Error::codec(SYNTAX, d);
    if data.len() < 64 {
        return Err(bad("header shorter than 64 bytes"));
    }
    let word = |i: usize| {
        u32::from_le_bytes([
            data[4 * i],
            data[4 * i + 1],
            data[4 * i + 2],
            data[4 * i + 3],
        ]) as usize
    };
    let segments = word(0);
    if segments != planes {
        return Err(bad(&format!(
            "{segments} segments where the header needs {planes}"
        )));
    }
    // PackBits turns 2 bytes into at most 128: a frame larger than that cannot come from this data
    // (and would be a decompression bomb)
    if (pixels as u128 * planes as u128) > 64 * data.len() as u128 + 128 * planes as u128 {
        return Err(bad("the data is far too short for the frame size"));
    }
    let mut out = vec![0u8; pixels * planes];
    for (s, plane) in out
        .chunks_exact_mut(pixels.max(1))
        .enumerate()
        .take(segments)
    {
        let start = word(1 + s);
        let end = if s + 1 < segments {
            word(2 + s)
        } else {
            data.len()
        };
        if start < 64 || start > end || end > data.len() {
            return Err(bad("segment offsets out of range"));
        }
        unpack_bits(&data[start..end], plane);
    }
    Ok(out)
}

/// PackBits into `out`, filling with zeros when the segment is short (as DCMTK does) and
/// ignoring any excess.
fn unpack_bits(mut src: &[u8], out: &mut [u8]) {
    let mut o = 0;
    while o < out.len() {
        let Some((&n, rest)) = src.split_first() else {
            break;
        };
        src = rest;
        let n = n as i8;
        if n >= 0 {
            let len = (n as usize + 1).min(src.len()).min(out.len() - o);
            out[o..o + len].copy_from_slice(&src[..len]);
            src = &src[(n as usize + 1).min(src.len())..];
            o += len;
        } else if n != -128 {
            let Some((&v, rest)) = src.split_first() else {
                break;
            };
            src = rest;
            let len = ((1 - n as isize) as usize).min(out.len() - o);
            out[o..o + len].fill(v);
            o += len;
        }
    }
    out[o..].fill(0);
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
}
