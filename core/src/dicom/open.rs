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
    mem::InMemDicomObject,
    meta::{FileMetaTable, FileMetaTableBuilder},
    DefaultDicomObject,
};
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;

use super::locate::Encoding;
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

/// The value of (0002,0010) in a meta group (explicit VR little endian).
fn meta_transfer_syntax(meta: &[u8]) -> Option<String> {
    let mut pos = 0;
    while pos + 8 <= meta.len() {
        let elem = u16::from_le_bytes([meta[pos + 2], meta[pos + 3]]);
        let (hdr, len) = if long_length(&meta[pos + 4..pos + 6]) {
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

/// Whether an explicit VR element with this VR has a 4-byte length, as dicom-rs decodes it: every
/// VR but the 21 with a 2-byte length, unknown ones included (dicom-rs reads those as UN).
fn long_length(vr: &[u8]) -> bool {
    !matches!(
        vr,
        b"AE"
            | b"AS"
            | b"AT"
            | b"CS"
            | b"DA"
            | b"DS"
            | b"DT"
            | b"FL"
            | b"FD"
            | b"IS"
            | b"LO"
            | b"LT"
            | b"PN"
            | b"SH"
            | b"SL"
            | b"SS"
            | b"ST"
            | b"TM"
            | b"UI"
            | b"UL"
            | b"US"
    )
}

/// Offset just past the meta group, walking its explicit VR little endian elements (with the
/// lengths dicom-rs reads: it is given these bytes to read the meta group from).
pub(crate) fn end_of_meta(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while pos + 8 <= bytes.len() && bytes[pos..pos + 2] == [0x02, 0x00] {
        if long_length(&bytes[pos + 4..pos + 6]) {
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

/// Transfer syntaxes whose data set is deflated (dicom-rs inflates all three when it reads one).
pub(crate) fn is_deflated(ts_uid: &str) -> bool {
    matches!(
        ts_uid,
        DEFLATED | "1.2.840.10008.1.2.4.95" | "1.2.840.10008.1.2.4.205"
    )
}

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
    // a meta group or data set start we cannot read is not handed to dicom-rs either
    let (start, ts) = dataset_start(bytes)?;
    let (data, start, enc) = if is_deflated(&ts) {
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
    check_lengths(&data[..], start as u64, enc, depth).map(|_| ())
}

/// Walk the data set that starts at `start` as dicom-rs will read it to `depth`, and refuse what
/// it cannot follow or any element longer than what holds it. A full read goes on past the pixel
/// data: every element after it (further pixel data elements included) is checked too. A header
/// read stops at the first pixel data element, whose offset is returned (the bytes dicom-rs may
/// be given end there).
fn check_lengths(data: &[u8], start: u64, enc: Encoding, depth: ReadDepth) -> Result<Option<u64>> {
    use super::locate::{check_rest, header_end, locate, PixelLocation};
    if depth == ReadDepth::HeaderOnly {
        return header_end(data, start, enc);
    }
    let Some(p) = locate(data, start, enc)?.pixels else {
        return Ok(None);
    };
    if let PixelLocation::Native { offset, length } = p.pixels {
        if offset + length > data.len() as u64 {
            return Err(Error::BadPixelData(format!(
                "the pixel data claims {length} bytes, {} present",
                (data.len() as u64).saturating_sub(offset)
            )));
        }
    }
    check_rest(data, p.end, enc)?;
    Ok(None)
}

/// Parse a whole object held in memory.
pub fn parse(bytes: &[u8], depth: ReadDepth) -> Result<Object> {
    guard(bytes, depth)?;
    match parse_inner(bytes, depth) {
        Err(Error::NotDicom(msg)) if depth == ReadDepth::Full => {
            // Tell a damaged image apart from a file that is not DICOM at all.
            match parse_inner(bytes, ReadDepth::HeaderOnly) {
                Ok(head) if head.get(tags::ROWS).is_some() => Err(Error::BadPixelData(msg)),
                _ => Err(Error::NotDicom(msg)),
            }
        }
        other => other,
    }
}

fn parse_inner(bytes: &[u8], depth: ReadDepth) -> Result<Object> {
    match detect(bytes)? {
        Layout::Meta { dicm_at } => parse_with_meta(bytes, dicm_at + 4, depth),
        Layout::MetaNoMagic => parse_with_meta(bytes, 0, depth),
        Layout::Bare { start, ts } => parse_dataset(&bytes[start..], ts, depth, None),
    }
}

/// A meta group and the data set after it. The data set is read from where this module's walk of
/// the meta group ends, in the transfer syntax it finds there: the very start and syntax the
/// length guard walked. dicom-rs reading the whole file would start where the meta group's length
/// (0002,0000) says and take the last Transfer Syntax UID it meets; a file where those differ from
/// the walk's would have its data set read in a way the guard never checked. dicom-rs reads the
/// meta group alone; one it refuses (no group length, no Transfer Syntax UID...) is rebuilt from
/// the data set, as pydicom and DCMTK read such files.
fn parse_with_meta(bytes: &[u8], meta_at: usize, depth: ReadDepth) -> Result<Object> {
    let start =
        end_of_meta(bytes, meta_at).ok_or_else(|| Error::NotDicom("bad meta group".into()))?;
    let named = meta_transfer_syntax(&bytes[meta_at..start]);
    let ts: &str = match named.as_deref() {
        Some(uid) if TransferSyntaxRegistry.get(uid).is_some() => uid,
        _ => guess_bare(bytes, start)?,
    };
    let meta = FileMetaTable::from_reader(b"DICM".chain(&bytes[meta_at..start])).ok();
    parse_dataset(&bytes[start..], ts, depth, meta)
}

/// Read a data set in transfer syntax `ts_uid` (a deflated one is inflated here, bounded), after
/// the same length walk as `guard`'s. `meta` is the file's meta group if dicom-rs could read it;
/// otherwise one is made from the data set.
fn parse_dataset(
    bytes: &[u8],
    ts_uid: &str,
    depth: ReadDepth,
    meta: Option<FileMetaTable>,
) -> Result<Object> {
    let ts_uid = TransferSyntaxRegistry
        .get(ts_uid)
        .map(|t| t.uid())
        .ok_or_else(|| Error::NotDicom(format!("transfer syntax {ts_uid} not registered")))?;
    let inflated;
    let (data, read_as) = if is_deflated(ts_uid) {
        inflated = inflate_bounded(bytes)?;
        (&inflated[..], EXPLICIT_LE)
    } else {
        (bytes, ts_uid)
    };
    let enc = Encoding::of_syntax(read_as)
        .ok_or_else(|| Error::NotDicom(format!("transfer syntax {read_as} not readable")))?;
    let data = match check_lengths(data, 0, enc, depth)? {
        // a header read stops before the pixel data, as `read_until(PIXEL_DATA)` would
        Some(end) => &data[..end as usize],
        None => data,
    };
    let ts = TransferSyntaxRegistry
        .get(read_as)
        .ok_or_else(|| Error::NotDicom(format!("transfer syntax {read_as} not registered")))?;
    let obj = InMemDicomObject::read_dataset_with_ts(data, ts)
        .map_err(|e| Error::NotDicom(crate::error::one_line(&e.to_string())))?;
    let meta = match meta {
        Some(mut meta) => {
            if meta.transfer_syntax() != ts_uid {
                // the syntax the data set was read in, padded as a UI value
                let mut uid = ts_uid.to_string();
                if uid.len() % 2 == 1 {
                    uid.push('\0');
                }
                meta.transfer_syntax = uid;
                meta.update_information_group_length();
            }
            meta
        }
        None => {
            let text = |tag| {
                obj.get(tag)
                    .and_then(|e| e.to_str().ok())
                    .map(|s| s.trim_end_matches(['\0', ' ']).to_string())
                    .unwrap_or_default()
            };
            FileMetaTableBuilder::new()
                .media_storage_sop_class_uid(text(tags::SOP_CLASS_UID))
                .media_storage_sop_instance_uid(text(tags::SOP_INSTANCE_UID))
                .transfer_syntax(ts_uid)
                .implementation_class_uid(super::IMPLEMENTATION_CLASS_UID)
                .build()
                .map_err(|e| Error::NotDicom(e.to_string()))?
        }
    };
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
