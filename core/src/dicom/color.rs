//! Colour-space and sample-layout conversions of decoded frames.

use std::borrow::Cow;

use super::decode::Samples;
use crate::error::{Error, Result};

/// Planar configuration 1 (RRR...GGG...BBB) to interleaved (RGBRGB...).
pub(crate) fn interleave(s: Samples<'_>, pixels: usize) -> Samples<'static> {
    fn go<T: Copy>(v: &[T], pixels: usize) -> Vec<T> {
        // three planes of `pixels` samples; a shorter buffer gives as many pixels as all three
        // planes hold (the frame size check then reports it), never an index past the end
        let (r, rest) = v.split_at(pixels.min(v.len()));
        let (g, b) = rest.split_at(pixels.min(rest.len()));
        let mut out = Vec::with_capacity(pixels * 3);
        for ((r, g), b) in r.iter().zip(g).zip(b) {
            out.extend_from_slice(&[*r, *g, *b]);
        }
        out
    }
    match s {
        Samples::U8(v) => Samples::U8(Cow::Owned(go(&v, pixels))),
        Samples::I8(v) => Samples::I8(Cow::Owned(go(&v, pixels))),
        Samples::U16(v) => Samples::U16(Cow::Owned(go(&v, pixels))),
        Samples::I16(v) => Samples::I16(Cow::Owned(go(&v, pixels))),
        Samples::U32(v) => Samples::U32(Cow::Owned(go(&v, pixels))),
        Samples::I32(v) => Samples::I32(Cow::Owned(go(&v, pixels))),
        Samples::F32(v) => Samples::F32(Cow::Owned(go(&v, pixels))),
        Samples::F64(v) => Samples::F64(Cow::Owned(go(&v, pixels))),
    }
}

/// Native YBR_FULL_422 (Y1 Y2 Cb Cr per pixel pair) to YBR_FULL, three samples per pixel.
pub(crate) fn expand_422(s: Samples<'_>, rows: usize, cols: usize) -> Result<Samples<'static>> {
    let v = match &s {
        Samples::U8(v) => v,
        _ => {
            return Err(Error::UnsupportedPixelData(
                "YBR_FULL_422 with more than 8 bits".into(),
            ))
        }
    };
    let mut out = Vec::with_capacity(rows * cols * 3);
    let pairs_per_row = cols.div_ceil(2);
    for r in 0..rows {
        for p in 0..pairs_per_row {
            let base = (r * pairs_per_row + p) * 4;
            let q = v
                .get(base..base + 4)
                .ok_or_else(|| Error::UnsupportedPixelData("YBR_FULL_422 data too short".into()))?;
            out.extend_from_slice(&[q[0], q[2], q[3]]);
            if p * 2 + 1 < cols {
                out.extend_from_slice(&[q[1], q[2], q[3]]);
            }
        }
    }
    Ok(Samples::U8(Cow::Owned(out)))
}

/// YBR_FULL to RGB (PS3.3 C.7.6.3.1.2), rounded half up and clipped, as pydicom and GDCM do.
pub(crate) fn ybr_full_to_rgb(s: Samples<'_>, bits_stored: u16) -> Result<Samples<'static>> {
    let max = ((1u32 << bits_stored.clamp(1, 16)) - 1) as f32;
    let half = ((1u32 << (bits_stored.clamp(1, 16) - 1)) as f32).max(1.0);
    let g_cb = 0.114 * 1.772 / 0.587;
    let g_cr = 0.299 * 1.402 / 0.587;
    let convert = |y: f32, cb: f32, cr: f32| -> [f32; 3] {
        let (cb, cr) = (cb - half, cr - half);
        [
            (y + 1.402 * cr + 0.5).floor().clamp(0.0, max),
            (y - g_cb * cb - g_cr * cr + 0.5).floor().clamp(0.0, max),
            (y + 1.772 * cb + 0.5).floor().clamp(0.0, max),
        ]
    };
    match s {
        Samples::U8(v) => Ok(Samples::U8(Cow::Owned(
            v.chunks_exact(3)
                .flat_map(|p| convert(p[0] as f32, p[1] as f32, p[2] as f32).map(|x| x as u8))
                .collect(),
        ))),
        Samples::U16(v) => Ok(Samples::U16(Cow::Owned(
            v.chunks_exact(3)
                .flat_map(|p| convert(p[0] as f32, p[1] as f32, p[2] as f32).map(|x| x as u16))
                .collect(),
        ))),
        _ => Err(Error::UnsupportedPixelData(
            "signed or wide YBR samples".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ybr_grey_stays_grey_and_primaries_land_right() {
        let s = Samples::U8(Cow::Owned(vec![100, 128, 128, 76, 85, 255]));
        let Samples::U8(rgb) = ybr_full_to_rgb(s, 8).unwrap() else {
            panic!()
        };
        assert_eq!(&rgb[..3], &[100, 100, 100]);
        // pure red in full-range BT.601 is Y=76, Cb=85, Cr=255
        assert!(
            rgb[3] >= 253 && rgb[4] <= 2 && rgb[5] <= 2,
            "{:?}",
            &rgb[3..]
        );
    }

    #[test]
    fn short_planes_are_not_read_past_their_end() {
        // 2 × pixels samples where three planes were expected (native YBR_FULL_422 with planar
        // configuration 1, decode fuzz target): no panic
        let s = Samples::U8(Cow::Owned(vec![1u8; 8]));
        let Samples::U8(v) = interleave(s, 4) else {
            unreachable!()
        };
        assert!(v.is_empty());
    }

    #[test]
    fn planar_to_interleaved() {
        let s = Samples::U8(Cow::Owned(vec![1, 2, 10, 20, 100, 200]));
        let Samples::U8(v) = interleave(s, 2) else {
            panic!()
        };
        assert_eq!(&v[..], &[1, 10, 100, 2, 20, 200]);
    }

    #[test]
    fn native_422_shares_chroma_between_pixel_pairs() {
        let s = Samples::U8(Cow::Owned(vec![1, 2, 50, 60, 3, 4, 70, 80]));
        let Samples::U8(v) = expand_422(s, 2, 2).unwrap() else {
            panic!()
        };
        assert_eq!(&v[..], &[1, 50, 60, 2, 50, 60, 3, 70, 80, 4, 70, 80]);
    }
}
