//! JPEG (ISO 10918: baseline, extended 12-bit, lossless process 14) through libjpeg-turbo 3.
//!
//! dicom-rs decodes JPEG with `jpeg-decoder`, which cannot read 12-bit lossy streams and is
//! several times slower than libjpeg-turbo's SIMD decoder. libjpeg-turbo 3 reads every JPEG
//! process DICOM uses (8/12-bit lossy, 2-16-bit lossless). See docs/adr/0002-jpeg-libjpeg-turbo.md.

#![allow(unsafe_code)] // calls libjpeg-turbo's C API (turbojpeg-sys), which has no safe wrapper

use std::ffi::CStr;

use turbojpeg_sys as tj;

use crate::error::{Error, Result};

/// Decoded samples of one JPEG image, interleaved.
pub(crate) enum JpegSamples {
    U8(Vec<u8>),
    /// 9 to 16 bits of precision (12-bit lossy comes out of libjpeg as `i16` holding 0..4095).
    U16(Vec<u16>),
}

pub(crate) struct JpegImage {
    pub width: u32,
    pub height: u32,
    pub components: u16,
    pub precision: u16,
    pub samples: JpegSamples,
}

/// Stream fix-ups that make libjpeg-turbo read what DCMTK and GDCM read; `None` when the stream
/// needs none (the common case: no copy).
///
/// 1. Some encoders (the NEMA WG04 12-bit JPLY set among them) write a sequential-DCT scan header
///    with spectral selection end Se = 0 instead of 63. IJG libjpeg 6b (DCMTK) and GDCM ignore Se
///    for sequential scans; libjpeg-turbo rejects it. Se is set to 63 when the frame is sequential
///    (SOF0/SOF1).
/// 2. A three-component stream without JFIF or Adobe marker is taken by libjpeg for YCbCr unless its
///    component IDs spell 'R','G','B'. When the DICOM header says RGB (the stream was written
///    without colour transform, as DCMTK and GDCM assume), the IDs are rewritten to 'R','G','B' in
///    the frame and scan headers so that no conversion is applied.
fn fix_up(stream: &[u8], rgb_declared: bool) -> Option<Vec<u8>> {
    let mut pos = 2; // after SOI
    let mut sequential = false;
    let mut marked = false; // JFIF or Adobe marker seen
    let mut se_fixes = Vec::new();
    let mut sof_ids: Vec<usize> = Vec::new();
    let mut sos_ids: Vec<usize> = Vec::new();
    while pos + 4 <= stream.len() {
        if stream[pos] != 0xFF {
            return None;
        }
        let marker = stream[pos + 1];
        if marker == 0xFF {
            pos += 1; // fill byte
            continue;
        }
        let len = u16::from_be_bytes([stream[pos + 2], stream[pos + 3]]) as usize;
        let body = stream.get(pos + 4..pos + 2 + len)?;
        match marker {
            0xE0 if body.starts_with(b"JFIF") => marked = true,
            0xEE if body.starts_with(b"Adobe") => marked = true,
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                sequential = matches!(marker, 0xC0 | 0xC1);
                let n = *body.get(5)? as usize;
                for c in 0..n {
                    sof_ids.push(pos + 4 + 6 + 3 * c);
                }
                body.get(6 + 3 * n - 1)?;
            }
            0xDA => {
                let ns = *body.first()? as usize;
                for c in 0..ns {
                    sos_ids.push(pos + 4 + 1 + 2 * c);
                }
                let se_at = pos + 4 + 1 + 2 * ns + 1;
                if sequential && stream.get(se_at - 1) == Some(&0) && stream.get(se_at) != Some(&63)
                {
                    se_fixes.push(se_at);
                }
                break; // entropy-coded data follows
            }
            0xD9 => break,
            _ => {}
        }
        pos = pos.checked_add(2 + len)?;
    }
    let recolour = rgb_declared
        && !marked
        && sof_ids.len() == 3
        && sof_ids.iter().map(|i| stream[*i]).collect::<Vec<_>>() != b"RGB";
    if se_fixes.is_empty() && !recolour {
        return None;
    }
    let mut out = stream.to_vec();
    for at in se_fixes {
        out[at] = 63;
    }
    if recolour {
        let old: Vec<u8> = sof_ids.iter().map(|i| stream[*i]).collect();
        for (k, i) in sof_ids.iter().enumerate() {
            out[*i] = b"RGB"[k];
        }
        for i in &sos_ids {
            if let Some(k) = old.iter().position(|id| *id == stream[*i]) {
                out[*i] = b"RGB"[k];
            }
        }
    }
    Some(out)
}

struct Handle(tj::tjhandle);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from tj3Init and is destroyed once.
        unsafe { tj::tj3Destroy(self.0) }
    }
}

impl Handle {
    fn error(&self) -> String {
        // SAFETY: tj3GetErrorStr returns a static or handle-owned NUL-terminated string.
        unsafe {
            let p = tj::tj3GetErrorStr(self.0);
            if p.is_null() {
                "unknown error".into()
            } else {
                CStr::from_ptr(p).to_string_lossy().into_owned()
            }
        }
    }
    fn get(&self, p: tj::TJPARAM) -> i32 {
        // SAFETY: valid handle, valid parameter id.
        unsafe { tj::tj3Get(self.0, p as i32) }
    }
}

/// The largest reduction libjpeg-turbo's DCT scaling offers: 1/8 of each side (an 8×8 block
/// decoded to its DC value alone).
pub(crate) const MAX_REDUCE: u32 = 3;

/// Decode one JPEG stream. Three-component images come out as RGB (libjpeg converts YCbCr by the
/// stream's own markers, as DCMTK and GDCM do); one-component images as grey.
///
/// With `reduce` > 0, a lossy (DCT) stream is decoded at each side divided by 2 to the power
/// `reduce` (at most [`MAX_REDUCE`], rounded up: libjpeg-turbo's DCT scaling, which computes
/// smaller inverse DCTs instead of decoding whole and shrinking, so the work falls with the
/// area); `width` and `height` say the size decoded. A lossless (process 14) stream has no DCT
/// and is decoded whole whatever `reduce` says.
pub(crate) fn decode(
    stream: &[u8],
    syntax: &str,
    expect: (u32, u32),
    rgb_declared: bool,
    reduce: u32,
) -> Result<JpegImage> {
    let max_pixels = (expect.0 as usize * expect.1 as usize).max(1);
    let patched;
    let stream = match fix_up(stream, rgb_declared) {
        Some(fixed) => {
            patched = fixed;
            &patched[..]
        }
        None => stream,
    };
    // SAFETY: FFI calls on a handle we own; every buffer passed is sized from the header values
    // libjpeg-turbo reports, and libjpeg-turbo never writes past `pitch * height` samples.
    unsafe {
        let raw = tj::tj3Init(tj::TJINIT_TJINIT_DECOMPRESS as i32);
        if raw.is_null() {
            return Err(Error::codec(syntax, "cannot initialise libjpeg-turbo"));
        }
        let h = Handle(raw);
        tj::tj3Set(
            h.0,
            tj::TJPARAM_TJPARAM_MAXPIXELS as i32,
            max_pixels.min(i32::MAX as usize) as i32,
        );
        tj::tj3Set(h.0, tj::TJPARAM_TJPARAM_STOPONWARNING as i32, 0);
        if tj::tj3DecompressHeader(h.0, stream.as_ptr(), stream.len() as _) != 0 {
            return Err(Error::codec(syntax, h.error()));
        }
        let width = h.get(tj::TJPARAM_TJPARAM_JPEGWIDTH);
        let height = h.get(tj::TJPARAM_TJPARAM_JPEGHEIGHT);
        let precision = h.get(tj::TJPARAM_TJPARAM_PRECISION);
        let lossless = h.get(tj::TJPARAM_TJPARAM_LOSSLESS) == 1;
        let colorspace = h.get(tj::TJPARAM_TJPARAM_COLORSPACE);
        if width <= 0 || height <= 0 {
            return Err(Error::codec(syntax, "empty image"));
        }
        // compare with the DICOM header before allocating anything
        if (width as u32, height as u32) != expect {
            return Err(Error::codec(
                syntax,
                format!(
                    "stream is {width}x{height}, header says {}x{}",
                    expect.0, expect.1
                ),
            ));
        }
        // DCT scaling: 1/2, 1/4, 1/8 of each side (TJSCALED rounds up); none for lossless
        let reduce = if lossless { 0 } else { reduce.min(MAX_REDUCE) };
        let (width, height) = if reduce > 0 {
            let factor = tj::tjscalingfactor {
                num: 1,
                denom: 1 << reduce,
            };
            if tj::tj3SetScalingFactor(h.0, factor) != 0 {
                return Err(Error::codec(syntax, h.error()));
            }
            let scaled = |side: i32| (side + factor.denom - 1) / factor.denom;
            (scaled(width), scaled(height))
        } else {
            (width, height)
        };
        let (components, format) = match colorspace as u32 {
            tj::TJCS_TJCS_GRAY => (1u16, tj::TJPF_TJPF_GRAY),
            tj::TJCS_TJCS_RGB | tj::TJCS_TJCS_YCbCr => (3u16, tj::TJPF_TJPF_RGB),
            _ => {
                return Err(Error::codec(
                    syntax,
                    "CMYK/YCCK JPEG is not a DICOM colour model",
                ))
            }
        };
        let n = width as usize * height as usize * components as usize;
        if n > max_pixels.saturating_mul(3) {
            return Err(Error::codec(syntax, "image larger than its header allows"));
        }
        let samples = match precision {
            2..=8 => {
                let mut out = vec![0u8; n];
                if tj::tj3Decompress8(
                    h.0,
                    stream.as_ptr(),
                    stream.len() as _,
                    out.as_mut_ptr(),
                    0,
                    format as _,
                ) != 0
                {
                    return Err(Error::codec(syntax, h.error()));
                }
                JpegSamples::U8(out)
            }
            9..=12 => {
                let mut out = vec![0i16; n];
                if tj::tj3Decompress12(
                    h.0,
                    stream.as_ptr(),
                    stream.len() as _,
                    out.as_mut_ptr(),
                    0,
                    format as _,
                ) != 0
                {
                    return Err(Error::codec(syntax, h.error()));
                }
                JpegSamples::U16(out.into_iter().map(|v| v as u16).collect())
            }
            13..=16 if lossless => {
                let mut out = vec![0u16; n];
                if tj::tj3Decompress16(
                    h.0,
                    stream.as_ptr(),
                    stream.len() as _,
                    out.as_mut_ptr(),
                    0,
                    format as _,
                ) != 0
                {
                    return Err(Error::codec(syntax, h.error()));
                }
                JpegSamples::U16(out)
            }
            p => {
                return Err(Error::codec(
                    syntax,
                    format!(
                        "{p}-bit {} JPEG",
                        if lossless { "lossless" } else { "lossy" }
                    ),
                ))
            }
        };
        Ok(JpegImage {
            width: width as u32,
            height: height as u32,
            components,
            precision: precision as u16,
            samples,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_scan_with_se_zero_is_patched_to_63() {
        // SOI, SOF1 (len 11, 1 component), SOS (len 8, 1 component, Ss=0 Se=0 AhAl=0), data
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xC1, 0, 11, 12, 0, 1, 0, 1, 1, 1, 0x11, 0];
        j.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0, 0, 0x12, 0xFF, 0xD9]);
        let fixed = fix_up(&j, false).unwrap();
        assert_eq!(fixed[15 + 8], 63);
        assert_eq!(fix_up(&fixed, false), None);
        // a lossless (SOF3) stream has Se = 0 by design and is left alone
        let mut l = j.clone();
        l[3] = 0xC3;
        assert_eq!(fix_up(&l, false), None);
    }

    #[test]
    fn rgb_declared_streams_without_markers_get_rgb_component_ids() {
        // SOI, SOF0 with 3 components (ids 0,1,2), SOS naming them, EOI
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 17, 8, 0, 1, 0, 1, 3];
        j.extend_from_slice(&[0, 0x11, 0, 1, 0x11, 0, 2, 0x11, 0]);
        j.extend_from_slice(&[0xFF, 0xDA, 0, 12, 3, 0, 0, 1, 0x11, 2, 0x11, 0, 63, 0]);
        j.extend_from_slice(&[0xFF, 0xD9]);
        let fixed = fix_up(&j, true).unwrap();
        assert_eq!([fixed[12], fixed[15], fixed[18]], *b"RGB");
        assert_eq!([fixed[26], fixed[28], fixed[30]], *b"RGB");
        // not when the header says YBR, nor when a JFIF marker is present
        assert_eq!(fix_up(&j, false), None);
    }
}
