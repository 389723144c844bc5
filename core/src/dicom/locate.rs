//! Finding the pixel data inside the bytes of a file without parsing (or reading) them: a walk
//! over the top-level element headers of the data set, skipping values and nested sequences.
//!
//! This is what lets Scanpass read a header without touching pixel data, borrow native pixels
//! straight from the file buffer, and read one frame of a long cine from disk (or from an
//! encrypted blob) without the others.

use crate::byte_source::ByteSource;
use crate::error::{Error, Result};

/// How the data set is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Encoding {
    pub explicit: bool,
    pub big_endian: bool,
}

impl Encoding {
    pub fn of_syntax(uid: &str) -> Option<Encoding> {
        match uid {
            "1.2.840.10008.1.2" => Some(Encoding {
                explicit: false,
                big_endian: false,
            }),
            "1.2.840.10008.1.2.2" => Some(Encoding {
                explicit: true,
                big_endian: true,
            }),
            // deflated data sets (dicom-rs inflates all three) cannot be walked as they stand
            "1.2.840.10008.1.2.1.99" | "1.2.840.10008.1.2.4.95" | "1.2.840.10008.1.2.4.205" => None,
            _ => Some(Encoding {
                explicit: true,
                big_endian: false,
            }),
        }
    }
}

/// Where the pixels are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PixelLocation {
    /// Native pixel data: the value's offset and length.
    Native { offset: u64, length: u64 },
    /// Encapsulated pixel data: the Basic Offset Table and each fragment's (offset, length).
    Encapsulated {
        offset_table: Vec<u32>,
        fragments: Vec<(u64, u32)>,
    },
}

/// The result of a walk: where the pixel data element starts (its tag), which element it is,
/// and where its value lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub element_start: u64,
    pub element: u16,
    pub pixels: PixelLocation,
    /// Just past the element: the end of a native value (which may lie past the end of the
    /// source: the walk does not judge it), or past the sequence delimiter of encapsulated data.
    pub end: u64,
}

const SEQ_DELIM: (u16, u16) = (0xFFFE, 0xE0DD);
const ITEM: (u16, u16) = (0xFFFE, 0xE000);
const ITEM_DELIM: (u16, u16) = (0xFFFE, 0xE00D);
const MAX_FRAGMENTS: usize = 1 << 22;
const MAX_DEPTH: u32 = 64;

struct Walker<'s, S: ByteSource + ?Sized> {
    src: &'s S,
    end: u64,
}

struct Header {
    group: u16,
    element: u16,
    vr: [u8; 2],
    /// `None` for undefined length.
    length: Option<u32>,
    value_at: u64,
}

fn malformed(what: &str) -> Error {
    Error::NotDicom(format!("malformed data set: {what}"))
}

impl<S: ByteSource + ?Sized> Walker<'_, S> {
    fn read<const N: usize>(&self, at: u64) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        self.src
            .read_at(at, &mut b)
            .map_err(|_| malformed("element header past the end"))?;
        Ok(b)
    }
    fn u16(&self, b: [u8; 2], big: bool) -> u16 {
        if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }
    fn u32(&self, b: [u8; 4], big: bool) -> u32 {
        if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }

    /// Read an element header at `at` in encoding `enc` (item tags are always without VR).
    fn header(&self, at: u64, enc: Encoding) -> Result<Header> {
        let big = enc.big_endian;
        let t: [u8; 8] = self.read(at)?;
        let group = self.u16([t[0], t[1]], big);
        let element = self.u16([t[2], t[3]], big);
        let undefined = |l: u32| (l != 0xFFFF_FFFF).then_some(l);
        if group == 0xFFFE || !enc.explicit {
            let l = self.u32([t[4], t[5], t[6], t[7]], big);
            return Ok(Header {
                group,
                element,
                vr: if group == 0xFFFE {
                    *b"UN"
                } else {
                    implicit_vr(group, element)
                },
                length: undefined(l),
                value_at: at + 8,
            });
        }
        let vr = [t[4], t[5]];
        match &vr {
            b"OB" | b"OD" | b"OF" | b"OL" | b"OV" | b"OW" | b"SQ" | b"UC" | b"UN" | b"UR"
            | b"UT" | b"SV" | b"UV" => {
                let l: [u8; 4] = self.read(at + 8)?;
                let l = self.u32(l, big);
                Ok(Header {
                    group,
                    element,
                    vr,
                    length: undefined(l),
                    value_at: at + 12,
                })
            }
            b"AE" | b"AS" | b"AT" | b"CS" | b"DA" | b"DS" | b"DT" | b"FL" | b"FD" | b"IS"
            | b"LO" | b"LT" | b"PN" | b"SH" | b"SL" | b"SS" | b"ST" | b"TM" | b"UI" | b"UL"
            | b"US" => {
                let l = self.u16([t[6], t[7]], big) as u32;
                Ok(Header {
                    group,
                    element,
                    vr,
                    length: Some(l),
                    value_at: at + 8,
                })
            }
            // a VR this walk does not know: dicom-rs reads it as UN (two reserved bytes, a 4-byte
            // length), so the walk must too, or the two disagree on every element after it and
            // the length guard checks lengths dicom-rs never reads (found by the image fuzzer: a
            // "??" VR whose 4-byte length claimed 4 GB inside a nested item)
            _ => {
                let l: [u8; 4] = self.read(at + 8)?;
                let l = self.u32(l, big);
                Ok(Header {
                    group,
                    element,
                    vr: *b"UN",
                    length: undefined(l),
                    value_at: at + 12,
                })
            }
        }
    }

    /// Skip an undefined-length sequence whose value starts at `at`; returns the offset after its
    /// delimiter. Items inside are walked in `enc` (implicit VR LE for UN sequences).
    fn skip_sequence(&self, mut at: u64, enc: Encoding, depth: u32) -> Result<u64> {
        if depth > MAX_DEPTH {
            return Err(malformed("sequences nested too deep"));
        }
        loop {
            let h = self.header(at, enc)?;
            match (h.group, h.element) {
                SEQ_DELIM => return Ok(h.value_at),
                ITEM => {
                    at = match h.length {
                        Some(l) => {
                            // dicom-rs reads the elements of a defined-length item too
                            let item_end = h.value_at + l as u64;
                            if item_end > self.end {
                                return Err(overrun());
                            }
                            self.check_item(h.value_at, item_end, enc, depth + 1)?;
                            item_end
                        }
                        None => self.skip_item(h.value_at, enc, depth + 1)?,
                    };
                }
                _ => return Err(malformed("unexpected element in a sequence")),
            }
            if at > self.end {
                return Err(malformed("sequence past the end"));
            }
        }
    }

    /// Skip the elements of an undefined-length item; returns the offset after its delimiter.
    fn skip_item(&self, mut at: u64, enc: Encoding, depth: u32) -> Result<u64> {
        loop {
            let h = self.header(at, enc)?;
            if (h.group, h.element) == ITEM_DELIM {
                return Ok(h.value_at);
            }
            at = self.skip_value(&h, enc, depth)?;
            if at > self.end {
                return Err(malformed("item past the end"));
            }
        }
    }

    fn skip_value(&self, h: &Header, enc: Encoding, depth: u32) -> Result<u64> {
        if (h.group, h.element) == ITEM_DELIM {
            // an item delimiter where no item ends: dicom-rs steps over its 8 bytes whatever
            // length it claims, and so must the walk, or it skips elements dicom-rs reads
            return Ok(h.value_at);
        }
        match h.length {
            Some(l) => {
                let end = h.value_at + l as u64;
                if end > self.end {
                    return Err(overrun());
                }
                if &h.vr == b"SQ" && depth < MAX_DEPTH {
                    // look inside: dicom-rs allocates what nested elements claim before reading
                    self.check_items(h.value_at, end, enc, depth + 1)?;
                }
                Ok(h.value_at + consumed(&h.vr, l as u64))
            }
            None => {
                // an undefined length is a sequence (or UN holding one, encoded implicit LE)
                let inner = if &h.vr == b"UN" && enc.explicit {
                    Encoding {
                        explicit: false,
                        big_endian: false,
                    }
                } else {
                    enc
                };
                self.skip_sequence(h.value_at, inner, depth + 1)
            }
        }
    }
}

impl<S: ByteSource + ?Sized> Walker<'_, S> {
    /// Check the elements of a defined-length item value `[at, end)`: each must end within it.
    fn check_item(&self, mut at: u64, end: u64, enc: Encoding, depth: u32) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(malformed("sequences nested too deep"));
        }
        while at + 8 <= end {
            let h = self.header(at, enc)?;
            at = self.skip_value(&h, enc, depth + 1)?;
            if at > end {
                return Err(overrun());
            }
        }
        Ok(())
    }

    /// Check the items of a defined-length sequence value `[at, end)`: every item and element
    /// must end within it.
    fn check_items(&self, mut at: u64, end: u64, enc: Encoding, depth: u32) -> Result<()> {
        while at + 8 <= end {
            let h = self.header(at, enc)?;
            match (h.group, h.element) {
                ITEM => match h.length {
                    Some(l) => {
                        let item_end = h.value_at + l as u64;
                        if item_end > end {
                            return Err(overrun());
                        }
                        self.check_item(h.value_at, item_end, enc, depth)?;
                        at = item_end;
                    }
                    None => at = self.skip_item(h.value_at, enc, depth + 1)?,
                },
                _ => return Ok(()), // not an item: leave it to the parser
            }
        }
        Ok(())
    }
}

/// The VR dicom-rs gives an element of an implicit VR data set (`ImplicitVRLittleEndianDecoder`):
/// OW for pixel and overlay data, else the dictionary's (relaxed), else UN.
fn implicit_vr(group: u16, element: u16) -> [u8; 2] {
    use dicom_core::dictionary::{DataDictionary, DataDictionaryEntry};
    use dicom_core::{Tag, VR};
    let tag = Tag(group, element);
    let vr = if tag == Tag(0x7FE0, 0x0010) || (group >> 8 == 0x60 && element == 0x3000) {
        VR::OW
    } else {
        dicom_dictionary_std::StandardDataDictionary
            .by_tag(tag)
            .map(|e| e.vr().relaxed())
            .unwrap_or(VR::UN)
    };
    vr.to_bytes()
}

/// How many bytes of a `length`-byte value dicom-rs 0.10 takes from the stream: for binary
/// numbers, whole values only (it reads `length / size` of them and leaves the rest, so the next
/// element header starts that much earlier than the length says); for anything else, all.
fn consumed(vr: &[u8; 2], length: u64) -> u64 {
    let size = match vr {
        b"US" | b"OW" | b"SS" => 2,
        b"AT" | b"FL" | b"OF" | b"SL" | b"OL" | b"UL" => 4,
        b"FD" | b"OD" | b"SV" | b"OV" | b"UV" => 8,
        _ => 1,
    };
    length - length % size
}

/// The message of a walk that found an element longer than what holds it.
pub(crate) const OVERRUN: &str = "an element claims more bytes than the file holds";

fn overrun() -> Error {
    malformed(OVERRUN)
}

/// What a walk over the top level of a data set found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Walk {
    /// The pixel data element, if any.
    pub pixels: Option<Located>,
    /// Top-level elements of VR UN with undefined length (sequences of unknown private tags,
    /// CP-246): byte ranges dicom-rs 0.10 cannot parse, left out of the header it reads.
    pub unknown_sequences: Vec<std::ops::Range<u64>>,
}

/// Walk the data set that starts at `start` and locate the pixel data element
/// ((7FE0,0010), (7FE0,0008) or (7FE0,0009)).
pub(crate) fn locate<S: ByteSource + ?Sized>(src: &S, start: u64, enc: Encoding) -> Result<Walk> {
    let w = Walker {
        src,
        end: src.len(),
    };
    let mut walk = Walk::default();
    if let Some((at, h)) = walk_to_pixels(&w, start, enc, &mut walk)? {
        let (pixels, end) = match h.length {
            Some(l) => (
                PixelLocation::Native {
                    offset: h.value_at,
                    length: l as u64,
                },
                // a full read takes the value as dicom-rs does (OW: whole 16-bit words)
                h.value_at + consumed(&h.vr, l as u64),
            ),
            None => encapsulated(&w, h.value_at)?,
        };
        walk.pixels = Some(Located {
            element_start: at,
            element: h.element,
            pixels,
            end,
        });
    }
    Ok(walk)
}

/// Where the header of the data set that starts at `start` ends: the offset of its first pixel
/// data element, whose value is not looked at (`None`: no pixel data). Every element before it
/// is checked as [`locate`] checks it.
pub(crate) fn header_end<S: ByteSource + ?Sized>(
    src: &S,
    start: u64,
    enc: Encoding,
) -> Result<Option<u64>> {
    let w = Walker {
        src,
        end: src.len(),
    };
    Ok(walk_to_pixels(&w, start, enc, &mut Walk::default())?.map(|(at, _)| at))
}

/// Step over the top-level elements from `start` up to the first pixel data element, returning
/// its offset and header.
fn walk_to_pixels<S: ByteSource + ?Sized>(
    w: &Walker<'_, S>,
    start: u64,
    enc: Encoding,
    walk: &mut Walk,
) -> Result<Option<(u64, Header)>> {
    let mut at = start;
    while at + 8 <= w.end {
        let h = w.header(at, enc)?;
        if h.group == 0x7FE0 && matches!(h.element, 0x0010 | 0x0008 | 0x0009) {
            return Ok(Some((at, h)));
        }
        // every element is walked, those after group 7FE0 too: all of their lengths are checked
        let next = w.skip_value(&h, enc, 0)?;
        if enc.explicit && &h.vr == b"UN" && h.length.is_none() {
            walk.unknown_sequences.push(at..next);
        }
        at = next;
    }
    Ok(None)
}

/// Walk on from `at`, just past a pixel data element, to the end of the data set, through any
/// further pixel data elements: a full read by dicom-rs reads every element after the pixel data
/// too, so each of their lengths must be checked.
pub(crate) fn check_rest<S: ByteSource + ?Sized>(
    src: &S,
    mut at: u64,
    enc: Encoding,
) -> Result<()> {
    loop {
        if at > src.len() {
            return Err(overrun());
        }
        match locate(src, at, enc)?.pixels {
            // `end` is past the element's header: the walk always moves on
            Some(p) => at = p.end,
            None => return Ok(()),
        }
    }
}

/// The fragments of encapsulated pixel data whose first item starts at `at`, and the offset just
/// past its sequence delimiter (or the end of the source, where the delimiter is missing).
fn encapsulated<S: ByteSource + ?Sized>(
    w: &Walker<'_, S>,
    mut at: u64,
) -> Result<(PixelLocation, u64)> {
    let item_enc = Encoding {
        explicit: false,
        big_endian: false,
    };
    let mut offset_table = Vec::new();
    let mut fragments = Vec::new();
    let mut first = true;
    loop {
        let h = w.header(at, item_enc)?;
        match (h.group, h.element) {
            SEQ_DELIM => {
                at = h.value_at;
                break;
            }
            ITEM => {
                let len = h
                    .length
                    .ok_or_else(|| malformed("fragment of undefined length"))?;
                if h.value_at + len as u64 > w.end {
                    return Err(Error::BadPixelData(
                        "fragment past the end of the file".into(),
                    ));
                }
                if first {
                    if len % 4 != 0 || len > 4 * MAX_FRAGMENTS as u32 {
                        return Err(malformed("bad basic offset table"));
                    }
                    let mut table = vec![0u8; len as usize];
                    w.src
                        .read_at(h.value_at, &mut table)
                        .map_err(|_| malformed("offset table past the end"))?;
                    offset_table = table
                        .chunks_exact(4)
                        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect();
                    first = false;
                } else {
                    if fragments.len() >= MAX_FRAGMENTS {
                        return Err(malformed("too many fragments"));
                    }
                    fragments.push((h.value_at, len));
                }
                at = h.value_at + len as u64;
            }
            _ => {
                // A sequence delimiter missing at the end of the file is tolerated (as pydicom does)
                if at >= w.end {
                    at = w.end;
                    break;
                }
                return Err(Error::BadPixelData(
                    "unexpected element among fragments".into(),
                ));
            }
        }
        if at + 8 > w.end {
            at = w.end;
            break;
        }
    }
    Ok((
        PixelLocation::Encapsulated {
            offset_table,
            fragments,
        },
        at,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LE: Encoding = Encoding {
        explicit: true,
        big_endian: false,
    };

    fn el(tag: (u16, u16), vr: &[u8; 2], value: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&tag.0.to_le_bytes());
        v.extend_from_slice(&tag.1.to_le_bytes());
        v.extend_from_slice(vr);
        if matches!(vr, b"OB" | b"OW" | b"SQ" | b"UN") {
            v.extend_from_slice(&[0, 0]);
            v.extend_from_slice(&(value.len() as u32).to_le_bytes());
        } else {
            v.extend_from_slice(&(value.len() as u16).to_le_bytes());
        }
        v.extend_from_slice(value);
        v
    }

    fn undefined_seq(tag: (u16, u16), items: &[Vec<u8>]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&tag.0.to_le_bytes());
        v.extend_from_slice(&tag.1.to_le_bytes());
        v.extend_from_slice(b"SQ\0\0\xFF\xFF\xFF\xFF");
        for it in items {
            v.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]);
            v.extend_from_slice(it);
            v.extend_from_slice(&[0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0]);
        }
        v.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
        v
    }

    #[test]
    fn an_unknown_vr_is_read_as_dicom_rs_reads_it_with_a_4_byte_length() {
        // (0028,1054) with VR "??" and a 4-byte length of ~4 GB inside a nested item: dicom-rs
        // reads unknown VRs as UN, so must the walk, and refuse the overrun (image fuzzer finding)
        let mut bad = vec![0x28, 0x00, 0x54, 0x10, b'?', b'?', 0, 0];
        bad.extend_from_slice(&0xFFFE_5348u32.to_le_bytes());
        bad.extend_from_slice(b"short");
        let mut d = el((0x0008, 0x0060), b"CS", b"CT");
        d.extend(undefined_seq((0x0028, 0x9145), &[bad]));
        d.extend(el((0x7FE0, 0x0010), b"OW", &[1, 2, 3, 4]));
        let Err(err) = locate(&d[..], 0, LE) else {
            panic!("the overrun is not refused")
        };
        assert!(err.to_string().ends_with(OVERRUN), "{err}");
        // an unknown VR whose 4-byte length fits is stepped over, as dicom-rs does
        let mut ok = vec![0x09, 0x00, 0x10, 0x00, b'Z', b'Z', 0, 0];
        ok.extend_from_slice(&2u32.to_le_bytes());
        ok.extend_from_slice(b"ab");
        let mut d = ok;
        let at = d.len() as u64;
        d.extend(el((0x7FE0, 0x0010), b"OW", &[1, 2, 3, 4]));
        assert_eq!(
            locate(&d[..], 0, LE).unwrap().pixels.unwrap().element_start,
            at
        );
    }

    #[test]
    fn finds_native_pixels_after_nested_undefined_sequences() {
        let mut d = el((0x0008, 0x0060), b"CS", b"CT");
        let inner = undefined_seq((0x0040, 0xA730), &[el((0x0040, 0xA040), b"CS", b"NUM ")]);
        d.extend(undefined_seq((0x0008, 0x1140), &[inner]));
        d.extend(el((0x0028, 0x0010), b"US", &[2, 0]));
        let at = d.len() as u64;
        d.extend(el((0x7FE0, 0x0010), b"OW", &[1, 2, 3, 4]));
        let loc = locate(&d[..], 0, LE).unwrap().pixels.unwrap();
        assert_eq!(loc.element_start, at);
        assert_eq!(
            loc.pixels,
            PixelLocation::Native {
                offset: at + 12,
                length: 4
            }
        );
    }

    #[test]
    fn lists_fragments_and_the_offset_table() {
        let mut d = el((0x0028, 0x0010), b"US", &[2, 0]);
        d.extend_from_slice(&[0xE0, 0x7F, 0x10, 0x00]);
        d.extend_from_slice(b"OB\0\0\xFF\xFF\xFF\xFF");
        d.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 4, 0, 0, 0, 0, 0, 0, 0]); // BOT [0]
        let frag_at = d.len() as u64 + 8;
        d.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 2, 0, 0, 0, 0xAB, 0xCD]);
        d.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
        let loc = locate(&d[..], 0, LE).unwrap().pixels.unwrap();
        assert_eq!(
            loc.pixels,
            PixelLocation::Encapsulated {
                offset_table: vec![0],
                fragments: vec![(frag_at, 2)]
            }
        );
    }

    #[test]
    fn garbage_is_an_error_or_nothing_never_a_panic() {
        assert!(locate(&b"\x08\x00\x60\x00zz\x02\x00CT"[..], 0, LE).is_err());
        assert_eq!(locate(&[0u8; 4][..], 0, LE).unwrap(), Walk::default());
        let mut loop_seq = Vec::new();
        for _ in 0..100 {
            loop_seq.extend_from_slice(&[0x08, 0x00, 0x40, 0x11]);
            loop_seq.extend_from_slice(b"SQ\0\0\xFF\xFF\xFF\xFF");
            loop_seq.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]);
        }
        assert!(locate(&loop_seq[..], 0, LE).is_err());
    }
}
