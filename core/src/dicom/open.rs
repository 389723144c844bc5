//! Turning bytes into a parsed DICOM object, whatever the file's wrapping.
//!
//! Media in the wild come in four shapes, all handled here:
//! 1. the standard Part 10 file: 128-byte preamble, `DICM`, file meta group, data set;
//! 2. `DICM` and the meta group without the preamble;
//! 3. the meta group without preamble and without `DICM` (seen in JPEG-LS test files);
//! 4. a bare data set (ACR-NEMA style, no meta group at all), or a meta group that lacks its
//!    Transfer Syntax UID: the data set's encoding is then recognised from its first element.

use std::io::Read;
use std::path::Path;

use dicom_dictionary_std::tags;
use dicom_object::{
    mem::InMemDicomObject, meta::FileMetaTableBuilder, DefaultDicomObject, OpenFileOptions,
};
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;

use crate::error::{Error, Result};
use dicom_encoding::transfer_syntax::TransferSyntaxIndex;

/// A parsed DICOM object with its file meta group (real, or made up for bare data sets).
pub type Object = DefaultDicomObject;

/// How much of the object to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadDepth {
    /// Everything, pixel data included.
    Full,
    /// Stop before Pixel Data: for listing studies fast. Never reads pixel bytes.
    HeaderOnly,
}

const IMPLICIT_LE: &str = "1.2.840.10008.1.2";
const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const EXPLICIT_BE: &str = "1.2.840.10008.1.2.2";

#[derive(Debug, PartialEq, Eq)]
enum Layout {
    /// Part 10 with the meta group starting at this offset (after `DICM`).
    Meta { dicm_at: usize },
    /// Meta group at offset 0 without the `DICM` magic.
    MetaNoMagic,
    /// A bare data set starting at this offset, in this transfer syntax.
    Bare { start: usize, ts: &'static str },
}

fn detect(head: &[u8]) -> Result<Layout> {
    if head.len() >= 132 && &head[128..132] == b"DICM" {
        return Ok(Layout::Meta { dicm_at: 128 });
    }
    if head.len() >= 4 && &head[0..4] == b"DICM" {
        return Ok(Layout::Meta { dicm_at: 0 });
    }
    if head.len() >= 8 && head[0..2] == [0x02, 0x00] && is_vr(&head[4..6]) {
        return Ok(Layout::MetaNoMagic);
    }
    guess_bare(head, 0).map(|ts| Layout::Bare { start: 0, ts })
}

fn is_vr(b: &[u8]) -> bool {
    const VRS: [&[u8; 2]; 34] = [
        b"AE", b"AS", b"AT", b"CS", b"DA", b"DS", b"DT", b"FL", b"FD", b"IS", b"LO", b"LT", b"OB",
        b"OD", b"OF", b"OL", b"OV", b"OW", b"PN", b"SH", b"SL", b"SQ", b"SS", b"ST", b"SV", b"TM",
        b"UC", b"UI", b"UL", b"UN", b"UR", b"US", b"UT", b"UV",
    ];
    b.len() >= 2 && VRS.iter().any(|v| v[..] == b[..2])
}

/// Recognise the encoding of a data set from its first element header.
fn guess_bare(bytes: &[u8], start: usize) -> Result<&'static str> {
    let h = bytes
        .get(start..start + 8)
        .ok_or_else(|| Error::NotDicom("too short to be DICOM".into()))?;
    let group_le = u16::from_le_bytes([h[0], h[1]]);
    let group_be = u16::from_be_bytes([h[0], h[1]]);
    let explicit = is_vr(&h[4..6]);
    // Data sets start with a low group number (0008 most of the time); a little-endian read
    // that gives 0x0800 means the bytes are big endian.
    let plausible = |g: u16| (0x0002..=0x0030).contains(&g) && g.is_multiple_of(2) || g == 0x0000;
    match (plausible(group_le), plausible(group_be), explicit) {
        (true, _, true) => Ok(EXPLICIT_LE),
        (true, _, false) => {
            // implicit VR: the 32-bit length must fit in what is left
            let len = u32::from_le_bytes([h[4], h[5], h[6], h[7]]) as usize;
            if len == 0xFFFF_FFFF || len <= bytes.len() - start {
                Ok(IMPLICIT_LE)
            } else {
                Err(Error::NotDicom(
                    "no DICOM preamble, meta group or data set found".into(),
                ))
            }
        }
        (false, true, true) => Ok(EXPLICIT_BE),
        _ => Err(Error::NotDicom(
            "no DICOM preamble, meta group or data set found".into(),
        )),
    }
}

/// Where the data set starts in `head` (the object's first bytes, enough to hold its meta group)
/// and which transfer syntax encodes it, read without dicom-rs (the lenient rules above).
pub(crate) fn dataset_start(head: &[u8]) -> Result<(usize, String)> {
    let meta_at = match detect(head)? {
        Layout::Meta { dicm_at } => dicm_at + 4,
        Layout::MetaNoMagic => 0,
        Layout::Bare { start, ts } => return Ok((start, ts.to_string())),
    };
    let start =
        end_of_meta(head, meta_at).ok_or_else(|| Error::NotDicom("bad meta group".into()))?;
    let ts = match meta_transfer_syntax(&head[meta_at..start]) {
        Some(uid) if TransferSyntaxRegistry.get(&uid).is_some() => uid,
        _ => guess_bare(head, start)?.to_string(),
    };
    Ok((start, ts))
}

/// A meta group that dicom-rs refuses (no group length, no Transfer Syntax UID...): take the
/// Transfer Syntax UID from it when present, else recognise the data set's encoding, as pydicom
/// and DCMTK do, and read the data set that follows.
fn lenient_meta(bytes: &[u8], meta_at: usize, depth: ReadDepth) -> Result<Object> {
    let start =
        end_of_meta(bytes, meta_at).ok_or_else(|| Error::NotDicom("bad meta group".into()))?;
    let named = meta_transfer_syntax(&bytes[meta_at..start]);
    let ts: &str = match named.as_deref() {
        Some(uid) if TransferSyntaxRegistry.get(uid).is_some() => uid,
        _ => guess_bare(bytes, start)?,
    };
    let ts = TransferSyntaxRegistry
        .get(ts)
        .map(|t| t.uid())
        .ok_or_else(|| Error::NotDicom("unknown transfer syntax".into()))?;
    parse_bare(&bytes[start..], ts, depth)
}

/// The value of (0002,0010) in a meta group (explicit VR little endian).
fn meta_transfer_syntax(meta: &[u8]) -> Option<String> {
    let mut pos = 0;
    while pos + 8 <= meta.len() {
        let elem = u16::from_le_bytes([meta[pos + 2], meta[pos + 3]]);
        let vr = &meta[pos + 4..pos + 6];
        let (hdr, len) = if matches!(vr, b"OB" | b"OW" | b"UN" | b"UT" | b"SQ" | b"UC" | b"UR") {
            (
                12,
                u32::from_le_bytes(meta.get(pos + 8..pos + 12)?.try_into().ok()?) as usize,
            )
        } else {
            (
                8,
                u16::from_le_bytes([meta[pos + 6], meta[pos + 7]]) as usize,
            )
        };
        let value = meta.get(pos + hdr..pos.checked_add(hdr)?.checked_add(len)?)?;
        if elem == 0x0010 {
            let s = String::from_utf8_lossy(value);
            return Some(s.trim_end_matches(['\0', ' ']).to_string());
        }
        pos += hdr + len;
    }
    None
}

/// Whether these first bytes of a file could start a DICOM object (Part 10, meta group without
/// preamble, or a bare data set). Cheap: for sorting DICOM from the rest of a CD.
pub fn looks_like_dicom(head: &[u8]) -> bool {
    detect(head).is_ok()
}

/// Whether the bytes carry the `DICM` magic or a meta group: DICOM beyond doubt.
pub fn has_dicom_magic(head: &[u8]) -> bool {
    matches!(detect(head), Ok(Layout::Meta { .. } | Layout::MetaNoMagic))
}

/// Offset just past the meta group, walking its explicit VR little endian elements.
pub(crate) fn end_of_meta(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while pos + 8 <= bytes.len() && bytes[pos..pos + 2] == [0x02, 0x00] {
        let vr = &bytes[pos + 4..pos + 6];
        if matches!(
            vr,
            b"OB" | b"OD" | b"OF" | b"OL" | b"OV" | b"OW" | b"SQ" | b"UC" | b"UN" | b"UR" | b"UT"
        ) {
            let len = u32::from_le_bytes(bytes.get(pos + 8..pos + 12)?.try_into().ok()?) as usize;
            pos = pos.checked_add(12)?.checked_add(len)?;
        } else {
            let len = u16::from_le_bytes([bytes[pos + 6], bytes[pos + 7]]) as usize;
            pos += 8 + len;
        }
    }
    (pos <= bytes.len()).then_some(pos)
}

pub(crate) const DEFLATED: &str = "1.2.840.10008.1.2.1.99";

/// Largest inflated data set accepted (a phone must not be made to allocate more).
const MAX_INFLATED: u64 = 1 << 30;

pub(crate) fn inflate_bounded(deflated: &[u8]) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(deflated)
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::NotDicom(format!("deflated data set does not inflate: {e}")))?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(Error::NotDicom(
            "deflated data set inflates past 1 GiB".into(),
        ));
    }
    Ok(out)
}

/// Before dicom-rs reads a data set: walk its element headers and refuse any element that claims
/// more bytes than there are (dicom-parser 0.10 allocates and zero-fills a declared length before
/// reading it, which a 34-byte file can turn into a 4 GiB allocation or an abort).
fn guard(bytes: &[u8], depth: ReadDepth) -> Result<()> {
    use super::locate::{locate, Encoding, PixelLocation, OVERRUN};
    // a meta group or data set start we cannot read is not handed to dicom-rs either
    let (start, ts) = dataset_start(bytes)?;
    let (data, start, enc) = if ts == DEFLATED {
        let inflated = inflate_bounded(&bytes[start..])?;
        (
            std::borrow::Cow::Owned(inflated),
            0,
            Encoding::of_syntax(EXPLICIT_LE),
        )
    } else {
        (
            std::borrow::Cow::Borrowed(bytes),
            start,
            Encoding::of_syntax(&ts),
        )
    };
    let Some(enc) = enc else { return Ok(()) };
    match locate(&data[..], start as u64, enc) {
        Ok(walk) => match walk.pixels.map(|p| p.pixels) {
            Some(PixelLocation::Native { offset, length })
                if depth == ReadDepth::Full && offset + length > data.len() as u64 =>
            {
                Err(Error::BadPixelData(format!(
                    "the pixel data claims {length} bytes, {} present",
                    (data.len() as u64).saturating_sub(offset)
                )))
            }
            // a full read goes on past the pixel data: check what follows it too
            Some(PixelLocation::Native { offset, length }) if depth == ReadDepth::Full => {
                locate(&data[..], offset + length, enc).map(|_| ())
            }
            Some(PixelLocation::Encapsulated { fragments, .. }) if depth == ReadDepth::Full => {
                match fragments.last() {
                    Some((at, len)) => locate(&data[..], at + *len as u64 + 8, enc).map(|_| ()),
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        },
        Err(Error::BadPixelData(m)) if depth != ReadDepth::Full => {
            let _ = m; // pixel data is not read: its damage does not matter here
            Ok(())
        }
        // a data set our walk cannot follow is not handed to dicom-rs, which would allocate
        // whatever its element headers claim
        Err(e) => {
            let _ = OVERRUN;
            Err(e)
        }
    }
}

/// Parse a whole object held in memory.
pub fn parse(bytes: &[u8], depth: ReadDepth) -> Result<Object> {
    guard(bytes, depth)?;
    match parse_inner(bytes, depth) {
        Err(Error::NotDicom(msg)) if depth == ReadDepth::Full => {
            // Tell a damaged image apart from a file that is not DICOM at all.
            match parse_inner(bytes, ReadDepth::HeaderOnly) {
                Ok(head) if head.element_opt(tags::ROWS).ok().flatten().is_some() => {
                    Err(Error::BadPixelData(msg))
                }
                _ => Err(Error::NotDicom(msg)),
            }
        }
        other => other,
    }
}

fn parse_inner(bytes: &[u8], depth: ReadDepth) -> Result<Object> {
    let options = || {
        let o = OpenFileOptions::new().read_preamble(dicom_object::file::ReadPreamble::Never);
        match depth {
            ReadDepth::Full => o,
            ReadDepth::HeaderOnly => o.read_until(tags::PIXEL_DATA),
        }
    };
    match detect(bytes)? {
        Layout::Meta { dicm_at } => match options().from_reader(&bytes[dicm_at..]) {
            Ok(obj) => Ok(obj),
            Err(e) => lenient_meta(bytes, dicm_at + 4, depth)
                .map_err(|_| Error::NotDicom(crate::error::one_line(&e.to_string()))),
        },
        Layout::MetaNoMagic => match options().from_reader(b"DICM".chain(bytes)) {
            Ok(obj) => Ok(obj),
            Err(e) => lenient_meta(bytes, 0, depth)
                .map_err(|_| Error::NotDicom(crate::error::one_line(&e.to_string()))),
        },
        Layout::Bare { start, ts } => parse_bare(&bytes[start..], ts, depth),
    }
}

fn parse_bare(bytes: &[u8], ts_uid: &str, _depth: ReadDepth) -> Result<Object> {
    if let Some(enc) = super::locate::Encoding::of_syntax(ts_uid) {
        super::locate::locate(bytes, 0, enc)?;
    }
    let ts = TransferSyntaxRegistry
        .get(ts_uid)
        .ok_or_else(|| Error::NotDicom(format!("transfer syntax {ts_uid} not registered")))?;
    let obj = InMemDicomObject::read_dataset_with_ts(bytes, ts)
        .map_err(|e| Error::NotDicom(crate::error::one_line(&e.to_string())))?;
    let text = |tag| {
        obj.element_opt(tag)
            .ok()
            .flatten()
            .and_then(|e| e.to_str().ok())
            .map(|s| s.trim_end_matches(['\0', ' ']).to_string())
            .unwrap_or_default()
    };
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid(text(tags::SOP_CLASS_UID))
        .media_storage_sop_instance_uid(text(tags::SOP_INSTANCE_UID))
        .transfer_syntax(ts_uid)
        .implementation_class_uid("1.2.826.0.1.3680043.10.1604.1")
        .build()
        .map_err(|e| Error::NotDicom(e.to_string()))?;
    Ok(obj.with_exact_meta(meta))
}

/// Open a file from disk. `HeaderOnly` reads no further than the Pixel Data element's header.
pub fn open(path: &Path, depth: ReadDepth) -> Result<Object> {
    match depth {
        ReadDepth::Full => {
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                what: "the file",
                source,
            })?;
            parse(&bytes, depth)
        }
        ReadDepth::HeaderOnly => {
            // read lazily through the walk, which checks every length against the file before
            // dicom-rs reads the header (files of ordinary size are read whole the same way)
            Ok(super::DicomImage::open(path)?.header().clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_four_wrappings() {
        let mut p10 = vec![0u8; 128];
        p10.extend_from_slice(b"DICM\x02\x00\x00\x00UL\x04\x00");
        assert_eq!(detect(&p10).unwrap(), Layout::Meta { dicm_at: 128 });
        assert_eq!(
            detect(b"DICM\x02\x00\x00\x00UL\x04\x00").unwrap(),
            Layout::Meta { dicm_at: 0 }
        );
        assert_eq!(
            detect(b"\x02\x00\x10\x00UI\x16\x00").unwrap(),
            Layout::MetaNoMagic
        );
        let implicit = b"\x08\x00\x05\x00\x0a\x00\x00\x00ISO_IR 100";
        assert_eq!(
            detect(implicit).unwrap(),
            Layout::Bare {
                start: 0,
                ts: IMPLICIT_LE
            }
        );
        let big = b"\x00\x08\x00\x05CS\x00\x0aISO_IR 100";
        assert_eq!(
            detect(big).unwrap(),
            Layout::Bare {
                start: 0,
                ts: EXPLICIT_BE
            }
        );
        assert!(matches!(detect(b"%PDF-1.4 hello"), Err(Error::NotDicom(_))));
        assert!(matches!(detect(b"MZ"), Err(Error::NotDicom(_))));
    }
}
