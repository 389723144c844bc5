//! JPEG-LS (ISO 14495-1: lossless and near-lossless) through CharLS, fed with the whole frame
//! (dicom-rs 0.10 hands CharLS only the first fragment, which fails on streams split over several
//! fragments, such as the WG04 MR1_JLSL file).

use charls::CharLS;

use crate::error::{Error, Result};

pub(crate) struct JlsImage {
    pub components: u16,
    /// Bytes per decoded sample (1 for up to 8 bits, else 2).
    pub bytes_per_sample: usize,
    /// Interleaved samples, little endian.
    pub data: Vec<u8>,
}

pub(crate) fn decode(stream: &[u8], syntax: &str, max_pixels: usize) -> Result<JlsImage> {
    // CharLS 2.3+ refuses a zero byte between the scan data and the end-of-image marker
    // (team-charls/charls#365), which some encoders (the WG04 MR1_JLSL file) write; DCMTK and
    // libjpeg accept it. Dropping that byte first is safe: it holds only zero bits, which a decoder
    // reaching the marker reads as zeros anyway. The stream as given is the fallback.
    let end = stream
        .iter()
        .rposition(|b| *b != 0)
        .map(|p| p + 1)
        .unwrap_or(0);
    let body = &stream[..end];
    if body.len() >= 3 && body.ends_with(&[0xFF, 0xD9]) && body[body.len() - 3] == 0 {
        let mut fixed = body[..body.len() - 3].to_vec();
        fixed.extend_from_slice(&[0xFF, 0xD9]);
        if let Ok(img) = decode_once(&fixed, syntax, max_pixels) {
            return Ok(img);
        }
    }
    decode_once(stream, syntax, max_pixels)
}

fn decode_once(stream: &[u8], syntax: &str, max_pixels: usize) -> Result<JlsImage> {
    // CharLS wants a fresh decoder per call sequence
    let info = CharLS::default()
        .get_frame_info(stream)
        .map_err(|e| Error::codec(syntax, e))?;
    let pixels = info.width as usize * info.height as usize;
    if pixels == 0 || pixels > max_pixels.max(1) || !(1..=4).contains(&info.component_count) {
        return Err(Error::codec(syntax, "implausible frame header"));
    }
    let data = CharLS::default()
        .decode(stream)
        .map_err(|e| Error::codec(syntax, e))?;
    let bytes_per_sample = if info.bits_per_sample <= 8 { 1 } else { 2 };
    let components = info.component_count as usize;
    let data = if components > 1 && scan_components(stream) == Some(1) {
        // interleave mode "none": one scan per component, decoded plane after plane
        let plane = pixels * bytes_per_sample;
        let mut out = vec![0u8; data.len()];
        for p in 0..pixels {
            for c in 0..components {
                let src = c * plane + p * bytes_per_sample;
                let dst = (p * components + c) * bytes_per_sample;
                out[dst..dst + bytes_per_sample]
                    .copy_from_slice(&data[src..src + bytes_per_sample]);
            }
        }
        out
    } else {
        data
    };
    Ok(JlsImage {
        components: components as u16,
        bytes_per_sample,
        data,
    })
}

/// Number of components in the first scan (SOS Ns), walking the marker segments.
fn scan_components(stream: &[u8]) -> Option<u8> {
    let mut pos = 2;
    while pos + 4 <= stream.len() {
        if stream[pos] != 0xFF {
            return None;
        }
        let marker = stream[pos + 1];
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        if marker == 0xDA {
            return stream.get(pos + 4).copied();
        }
        let len = u16::from_be_bytes([stream[pos + 2], stream[pos + 3]]) as usize;
        pos = pos.checked_add(2 + len)?;
    }
    None
}
