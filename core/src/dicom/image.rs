//! [`DicomImage`]: one DICOM object opened for viewing. The header is parsed; the pixel data is
//! only located, and each frame is read (and decompressed) when asked for. Backed by a buffer (native
//! frames are then borrowed, not copied; a decrypted one is wiped on drop), a file, or any
//! [`ByteSource`] such as a decrypting vault blob: memory stays in proportion to one frame,
//! whatever the object's size.

use std::borrow::Cow;
use std::path::Path;

use super::decode::{
    decode_frame_reduced, decode_input_at, native_422, samples_filled, FrameInput, Raw,
};
use super::encapsulated::{ends_image, frame_fragments};
use super::header::{ImageInfo, PixelElement};
use super::locate::{locate, Encoding, Located, PixelLocation};
use super::open::{dataset_start, parse, Object, ReadDepth};
use super::summary::{summary, Summary};
use super::Frame;
use crate::byte_source::ByteSource;
use crate::crypto::SecretBytes;
use crate::error::{Error, Result};

/// Files up to this size are read whole by [`DicomImage::open`].
pub const WHOLE_FILE_LIMIT: u64 = 8 * 1024 * 1024;

/// Bytes of the object read up front to find its meta group and data set start.
const HEAD: usize = 64 * 1024;

enum Source {
    Memory(Vec<u8>),
    /// Decrypted bytes (a vault blob read whole), wiped when the image is dropped.
    Secret(SecretBytes),
    Reader(Box<dyn ByteSource + Send + Sync>),
}

impl Source {
    fn src(&self) -> &dyn ByteSource {
        match self {
            Source::Memory(v) => v,
            Source::Secret(v) => v.as_vec(),
            Source::Reader(r) => r.as_ref(),
        }
    }

    /// Bytes `start..start+len`: borrowed from memory, read otherwise.
    fn range(&self, start: u64, len: u64) -> Result<Cow<'_, [u8]>> {
        let end = start
            .checked_add(len)
            .filter(|e| *e <= self.src().len())
            .ok_or(Error::Truncated {
                frame: 0,
                needed: (start + len) as usize,
                available: self.src().len() as usize,
            })?;
        match self {
            Source::Memory(v) => Ok(Cow::Borrowed(&v[start as usize..end as usize])),
            Source::Secret(v) => Ok(Cow::Borrowed(&v[start as usize..end as usize])),
            Source::Reader(r) => {
                let mut buf = vec![0u8; len as usize];
                r.read_at(start, &mut buf).map_err(|source| Error::Io {
                    what: "pixel data",
                    source,
                })?;
                Ok(Cow::Owned(buf))
            }
        }
    }
}

/// The bytes before `end`, without the given ranges (unknown-VR sequences dicom-rs cannot read).
fn header_bytes<'s>(
    source: &'s Source,
    end: u64,
    skip: &[std::ops::Range<u64>],
) -> Result<Cow<'s, [u8]>> {
    let bytes = source.range(0, end)?;
    if skip.is_empty() {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0usize;
    for r in skip {
        let (s, e) = (r.start as usize, (r.end as usize).min(bytes.len()));
        if s >= at && s <= e {
            out.extend_from_slice(&bytes[at..s]);
            at = e;
        }
    }
    out.extend_from_slice(&bytes[at..]);
    Ok(Cow::Owned(out))
}

/// Number of Frames that does not parse (the `1A` of pydicom's badVR.dcm) while the native pixel
/// data holds a whole number of frames: count the frames there are rather than show only the
/// first. A valid Number of Frames is always believed.
fn infer_frames(info: &mut ImageInfo, header: &Object, loc: &Located) {
    use dicom_dictionary_std::tags;
    let declared = header.get(tags::NUMBER_OF_FRAMES);
    let valid = declared.as_ref().is_some_and(|e| e.to_int::<i64>().is_ok());
    if declared.is_none() || valid {
        return;
    }
    let Some(frame_len) = info.native_frame_bytes() else {
        return;
    };
    if let PixelLocation::Native { length, .. } = loc.pixels {
        let frame_len = frame_len as u64;
        if frame_len > 0 && length >= 2 * frame_len && length % frame_len == 0 {
            info.frames = (length / frame_len).min(1_000_000) as u32;
        }
    }
}

enum Pixels {
    /// Located by the walk: read per frame.
    Located(Located),
    /// Parsed whole by dicom-rs (deflated data sets, or data sets the walk cannot follow).
    Parsed(Box<Object>),
    /// No image in this object.
    None,
}

/// One DICOM object opened for viewing.
pub struct DicomImage {
    source: Source,
    header: Object,
    info: Option<ImageInfo>,
    pixels: Pixels,
}

impl DicomImage {
    /// Open from bytes in memory.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        Self::from_source(Source::Memory(bytes), u64::MAX)
    }

    /// Open from decrypted bytes in memory (a vault blob read whole), borrowed like
    /// [`DicomImage::from_bytes`]'s and wiped when the image is dropped.
    pub fn from_secret(bytes: SecretBytes) -> Result<Self> {
        Self::from_source(Source::Secret(bytes), u64::MAX)
    }

    /// Open a file. Files up to [`WHOLE_FILE_LIMIT`] are read in one go (their frames are then
    /// borrowed from the buffer); larger ones keep the file open and read each frame when asked.
    pub fn open(path: &Path) -> Result<Self> {
        let io = |source| Error::Io {
            what: "the file",
            source,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        if len <= WHOLE_FILE_LIMIT {
            let mut bytes = Vec::with_capacity(len as usize);
            std::io::Read::read_to_end(&mut &file, &mut bytes).map_err(io)?;
            Self::from_bytes(bytes)
        } else {
            Self::from_reader(Box::new(file))
        }
    }

    /// Open from any random-access source (a decrypting blob reader, say).
    pub fn from_reader(reader: Box<dyn ByteSource + Send + Sync>) -> Result<Self> {
        Self::from_source(Source::Reader(reader), u64::MAX)
    }

    /// [`DicomImage::from_reader`], reading at most `whole` bytes of it into memory at once: a
    /// header (everything before the pixel data), a deflated data set or a data set the walk
    /// cannot follow larger than that is refused rather than read whole (an import of outside
    /// files bounds what one file can make it hold).
    pub fn from_reader_within(
        reader: Box<dyn ByteSource + Send + Sync>,
        whole: u64,
    ) -> Result<Self> {
        Self::from_source(Source::Reader(reader), whole)
    }

    fn from_source(source: Source, whole: u64) -> Result<Self> {
        let too_large = |what: &str| {
            Error::NotDicom(format!(
                "{what} over {} MiB would have to be read whole: not read",
                whole >> 20
            ))
        };
        let total = source.src().len();
        let head = source.range(0, total.min(HEAD as u64))?;
        let start = dataset_start(&head);
        drop(head);
        if let Ok((at, ts)) = &start {
            if super::open::is_deflated(ts) {
                // inflate the data set ourselves (bounded), then read it as the explicit VR little
                // endian data set it is: the walk can then check every length before dicom-rs
                // allocates what an element claims
                if total - *at as u64 > whole {
                    return Err(too_large("a deflated data set"));
                }
                let deflated = source.range(*at as u64, total - *at as u64)?;
                let inflated = super::open::inflate_bounded(&deflated)?;
                drop(deflated);
                if inflated.len() as u64 > whole {
                    return Err(too_large("a deflated data set"));
                }
                return Self::from_source(
                    match source {
                        Source::Memory(_) => Source::Memory(inflated),
                        // what was decrypted (or read from a source that may be) stays wiped
                        _ => Source::Secret(SecretBytes::new(inflated)),
                    },
                    whole,
                );
            }
        }
        let (located, ts) = match start {
            Ok((start, ts)) => match Encoding::of_syntax(&ts) {
                Some(enc) => match locate(source.src(), start as u64, enc) {
                    Ok(walk) => (Some(walk), ts),
                    // dicom-rs would allocate what such an element claims: refuse here
                    Err(Error::NotDicom(m)) if m.ends_with(super::locate::OVERRUN) => {
                        return Err(Error::NotDicom(m))
                    }
                    Err(_) => (None, ts),
                },
                None => (None, ts),
            },
            Err(_) => (None, String::new()),
        };
        let (walk, header) = match located {
            Some(walk) => {
                let end = walk
                    .pixels
                    .as_ref()
                    .map(|p| p.element_start)
                    .unwrap_or(total);
                if end > whole {
                    return Err(too_large("a header"));
                }
                let bytes = header_bytes(&source, end, &walk.unknown_sequences)?;
                let depth = if walk.pixels.is_some() {
                    ReadDepth::HeaderOnly
                } else {
                    ReadDepth::Full
                };
                (Some(walk), parse(&bytes, depth).ok())
            }
            None => (None, None),
        };
        match (walk, header) {
            (Some(walk), Some(header)) => {
                let Some(loc) = walk.pixels else {
                    return Ok(DicomImage {
                        source,
                        header,
                        info: None,
                        pixels: Pixels::None,
                    });
                };
                let element = match loc.element {
                    0x0008 => PixelElement::Float,
                    0x0009 => PixelElement::Double,
                    _ => PixelElement::Integer,
                };
                let mut info = ImageInfo::from_header(&header, &ts, element)?;
                infer_frames(&mut info, &header, &loc);
                Ok(DicomImage {
                    source,
                    header,
                    info: Some(info),
                    pixels: Pixels::Located(loc),
                })
            }
            _ => {
                // the walk could not follow this data set: let dicom-rs read all of it
                if total > whole {
                    return Err(too_large("a data set the walk cannot follow"));
                }
                let bytes = source.range(0, total)?;
                let obj = parse(&bytes, ReadDepth::Full)?;
                drop(bytes);
                let info = match ImageInfo::from_object(&obj) {
                    Ok(i) => Some(i),
                    Err(Error::NoPixelData) => None,
                    Err(e) => return Err(e),
                };
                let header = obj.clone();
                Ok(DicomImage {
                    source,
                    header,
                    info,
                    pixels: Pixels::Parsed(Box::new(obj)),
                })
            }
        }
    }

    /// The parsed header (everything but the pixel data).
    pub fn header(&self) -> &Object {
        &self.header
    }

    /// Patient, study, series and instance identity.
    pub fn summary(&self) -> Summary {
        summary(&self.header)
    }

    /// The image description; [`Error::NoPixelData`] for objects without an image.
    pub fn info(&self) -> Result<&ImageInfo> {
        self.info.as_ref().ok_or(Error::NoPixelData)
    }

    /// Decode frame `frame` (0-based), reading only its bytes.
    pub fn decode_frame(&self, frame: u32) -> Result<Frame<'_>> {
        self.decode_frame_at(frame, 0)
    }

    /// Decode frame `frame` at the resolution a view of `view` (width, height) pixels needs
    /// (see [`super::decode_frame_for_view`]): smaller when the codec can, else whole.
    pub fn decode_frame_for_view(&self, frame: u32, view: (u32, u32)) -> Result<Frame<'_>> {
        let info = self.info()?;
        let reduce = match super::reducible(info) {
            true => super::reduction_for_view(info.cols, info.rows, view),
            false => 0,
        };
        self.decode_frame_at(frame, reduce)
    }

    fn decode_frame_at(&self, frame: u32, reduce: u32) -> Result<Frame<'_>> {
        let info = self.info()?;
        if frame >= info.frames {
            return Err(Error::FrameOutOfRange {
                frame,
                frames: info.frames,
            });
        }
        let loc = match &self.pixels {
            Pixels::Parsed(obj) => return decode_frame_reduced(obj, info, frame, reduce),
            Pixels::None => return Err(Error::NoPixelData),
            Pixels::Located(loc) => loc,
        };
        let input = match &loc.pixels {
            PixelLocation::Native { offset, length } => {
                FrameInput::Native(self.native(info, frame, *offset, *length)?)
            }
            PixelLocation::Encapsulated {
                offset_table,
                fragments,
            } => {
                let lens: Vec<u64> = fragments.iter().map(|(_, l)| *l as u64).collect();
                let ends = |i: usize| {
                    let (at, len) = fragments[i];
                    let tail = (len as u64).min(16);
                    self.source
                        .range(at + len as u64 - tail, tail)
                        .map(|b| ends_image(&b))
                        .unwrap_or(false)
                };
                let range = frame_fragments(&lens, offset_table, info.frames, frame, &ends)?;
                let stream = if range.len() == 1 {
                    let (at, len) = fragments[range.start];
                    self.source.range(at, len as u64)?
                } else {
                    let mut joined = Vec::new();
                    for &(at, len) in &fragments[range] {
                        joined.extend_from_slice(&self.source.range(at, len as u64)?);
                    }
                    Cow::Owned(joined)
                };
                FrameInput::Stream(stream)
            }
        };
        decode_input_at(info, frame, input, reduce)
    }

    fn native(&self, info: &ImageInfo, frame: u32, offset: u64, length: u64) -> Result<Raw<'_>> {
        let spp = info.samples_per_pixel as u64;
        let pixels = info.rows as u64 * info.cols as u64;
        // what the element holds, and what of it the source really has
        let length = length.min(self.source.src().len().saturating_sub(offset));
        let check = |from: u64, len: u64| {
            if from + len > length {
                Err(Error::Truncated {
                    frame,
                    needed: len as usize,
                    available: length.saturating_sub(from) as usize,
                })
            } else {
                Ok(())
            }
        };
        if info.bits_allocated == 1 {
            let bits = pixels * spp;
            let first_bit = frame as u64 * bits;
            let (from, to) = (first_bit / 8, (first_bit + bits).div_ceil(8));
            check(from, to - from)?;
            let bytes = self.source.range(offset + from, to - from)?;
            let unpacked =
                super::decode::unpack_bits(&bytes, (first_bit % 8) as usize, bits as usize)?;
            return Ok(Raw::Samples(super::Samples::U8(Cow::Owned(unpacked))));
        }
        if info.bits_allocated == 12 {
            let frame_len = super::decode::packed_12_frame_bytes(info)? as u64;
            let start = frame as u64 * frame_len;
            check(start, frame_len)?;
            let bytes = self.source.range(offset + start, frame_len)?;
            return Ok(Raw::Samples(super::decode::unpack_12(
                &bytes,
                info.sample_type,
            )));
        }
        let count = if native_422(info) {
            pixels * 2
        } else {
            pixels * spp
        };
        let size = info.sample_type.bytes() as u64;
        let frame_len = count * size;
        let start = frame as u64 * frame_len;
        check(start, frame_len)?;
        let big_endian = info.transfer_syntax.uid == "1.2.840.10008.1.2.2" && size > 1;
        if let (Source::Reader(r), false) = (&self.source, big_endian) {
            // read straight into samples of the file's type: a read into bytes would be copied
            // again to retype them (a frame's worth, on every slice a viewer opens from the vault)
            let samples = samples_filled(info.sample_type, count as usize, |dst| {
                r.read_at(offset + start, dst).map_err(|source| Error::Io {
                    what: "pixel data",
                    source,
                })
            })?;
            return Ok(Raw::Samples(samples));
        }
        let bytes = self.source.range(offset + start, frame_len)?;
        if big_endian {
            let mut owned = bytes.into_owned();
            for s in owned.chunks_exact_mut(size as usize) {
                s.reverse();
            }
            return Ok(Raw::Bytes(Cow::Owned(owned)));
        }
        Ok(Raw::Bytes(bytes))
    }
}
