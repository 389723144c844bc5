//! Decoding one frame to its stored values: native slicing without copies where the layout
//! allows, libjpeg-turbo for JPEG, dicom-rs's codecs for RLE, JPEG-LS, JPEG 2000, HTJ2K and
//! deflated frames. Only the requested frame is decompressed.
//!
//! The result follows one convention whatever the source: samples interleaved, bits above
//! Bits Stored cleared (unsigned) or sign-extended (signed), YBR converted to RGB, palette
//! indices left as indices.

use std::borrow::Cow;

use dicom_core::value::{PrimitiveValue, Value};
use dicom_dictionary_std::tags;
use dicom_encoding::transfer_syntax::{Codec, TransferSyntaxIndex};
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;

use super::color;
use super::encapsulated::frame_bytes;
use super::header::{ImageInfo, Photometric, PixelElement, SampleType};
use super::j2k;
use super::jpeg::{self, JpegSamples};
use super::open::Object;
use super::{jpegls, rle};
use crate::error::{one_line, Error, Result};

/// Decoded samples of one frame, typed; borrowed from the parsed object where possible.
#[derive(Debug, Clone, PartialEq)]
pub enum Samples<'a> {
    U8(Cow<'a, [u8]>),
    I8(Cow<'a, [i8]>),
    U16(Cow<'a, [u16]>),
    I16(Cow<'a, [i16]>),
    U32(Cow<'a, [u32]>),
    I32(Cow<'a, [i32]>),
    F32(Cow<'a, [f32]>),
    F64(Cow<'a, [f64]>),
}

macro_rules! each_samples {
    ($s:expr, $v:ident => $body:expr) => {
        match $s {
            Samples::U8($v) => $body,
            Samples::I8($v) => $body,
            Samples::U16($v) => $body,
            Samples::I16($v) => $body,
            Samples::U32($v) => $body,
            Samples::I32($v) => $body,
            Samples::F32($v) => $body,
            Samples::F64($v) => $body,
        }
    };
}
pub(crate) use each_samples;

impl Samples<'_> {
    pub fn len(&self) -> usize {
        each_samples!(self, v => v.len())
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Little-endian bytes, as `scanpass decode` writes them.
    pub fn to_le_bytes(&self) -> Vec<u8> {
        // every target Scanpass ships to (x86-64, arm64, armv7) is little endian
        each_samples!(self, v => bytemuck::cast_slice(v).to_vec())
    }
    /// Bytes the samples occupy.
    pub fn byte_len(&self) -> usize {
        each_samples!(self, v => std::mem::size_of_val(&**v))
    }
    pub fn sample_type(&self) -> SampleType {
        match self {
            Samples::U8(_) => SampleType::Uint8,
            Samples::I8(_) => SampleType::Int8,
            Samples::U16(_) => SampleType::Uint16,
            Samples::I16(_) => SampleType::Int16,
            Samples::U32(_) => SampleType::Uint32,
            Samples::I32(_) => SampleType::Int32,
            Samples::F32(_) => SampleType::Float32,
            Samples::F64(_) => SampleType::Float64,
        }
    }
    pub fn into_owned(self) -> Samples<'static> {
        match self {
            Samples::U8(v) => Samples::U8(Cow::Owned(v.into_owned())),
            Samples::I8(v) => Samples::I8(Cow::Owned(v.into_owned())),
            Samples::U16(v) => Samples::U16(Cow::Owned(v.into_owned())),
            Samples::I16(v) => Samples::I16(Cow::Owned(v.into_owned())),
            Samples::U32(v) => Samples::U32(Cow::Owned(v.into_owned())),
            Samples::I32(v) => Samples::I32(Cow::Owned(v.into_owned())),
            Samples::F32(v) => Samples::F32(Cow::Owned(v.into_owned())),
            Samples::F64(v) => Samples::F64(Cow::Owned(v.into_owned())),
        }
    }
}

#[cfg(target_endian = "big")]
compile_error!("scanpass-core assumes a little-endian target");

/// The colour model of decoded samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorModel {
    /// Grey, minimum is white.
    Monochrome1,
    /// Grey, minimum is black.
    Monochrome2,
    /// Three samples per pixel, RGB.
    Rgb,
    /// One sample per pixel: an index into the palette.
    Palette,
}

/// One decoded frame.
#[derive(Debug, Clone)]
pub struct Frame<'a> {
    pub index: u32,
    pub rows: u32,
    pub cols: u32,
    pub samples_per_pixel: u16,
    pub color: ColorModel,
    pub samples: Samples<'a>,
}

impl Frame<'_> {
    pub fn into_owned(self) -> Frame<'static> {
        Frame {
            index: self.index,
            rows: self.rows,
            cols: self.cols,
            samples_per_pixel: self.samples_per_pixel,
            color: self.color,
            samples: self.samples.into_owned(),
        }
    }
}

/// A decoded frame before bit normalisation and colour conversion.
pub(crate) enum Raw<'a> {
    /// Typed samples in bits-allocated width; `interleaved` tells whether planar configuration
    /// still has to be undone; `ybr` whether YBR still has to be converted.
    Samples(Samples<'a>),
    /// Little-endian bytes in bits-allocated width.
    Bytes(Cow<'a, [u8]>),
}

/// Decode frame `frame` (0-based) of `obj`.
pub fn decode_frame<'a>(obj: &'a Object, info: &ImageInfo, frame: u32) -> Result<Frame<'a>> {
    if frame >= info.frames {
        return Err(Error::FrameOutOfRange {
            frame,
            frames: info.frames,
        });
    }
    let tag = match info.element {
        PixelElement::Integer => tags::PIXEL_DATA,
        PixelElement::Float => tags::FLOAT_PIXEL_DATA,
        PixelElement::Double => tags::DOUBLE_FLOAT_PIXEL_DATA,
    };
    let element = obj.get(tag).ok_or(Error::NoPixelData)?;
    let input = match element.value() {
        Value::Primitive(p) => {
            let count = if native_422(info) {
                pixels(info) * 2
            } else {
                pixels(info) * info.samples_per_pixel as usize
            };
            FrameInput::Native(native_frame(
                p,
                info,
                frame,
                count,
                &info.transfer_syntax.uid,
            )?)
        }
        Value::PixelSequence(seq) => FrameInput::Stream(frame_bytes(
            seq.fragments(),
            seq.offset_table(),
            info.frames,
            frame,
        )?),
        Value::Sequence(_) => {
            return Err(Error::bad("PixelData", "is a sequence"));
        }
    };
    decode_input(info, frame, input)
}

/// A frame's data before decoding: native samples or one compressed stream (or a stream a
/// codec has already decoded at a reduced size).
pub(crate) enum FrameInput<'a> {
    Native(Raw<'a>),
    Stream(Cow<'a, [u8]>),
    Decoded { raw: Raw<'a>, already_rgb: bool },
}

/// The largest power-of-two reduction (0 to 5) that keeps an image of `cols` × `rows` at least
/// three quarters of `view` (width, height) in both directions: what a first image for that view
/// needs, shown scaled up by at most 4/3 for the moment the full decode takes (a 1760-pixel
/// radiograph on a 1080-pixel-wide phone: 880 pixels, a quarter of the work).
pub fn reduction_for_view(cols: u32, rows: u32, view: (u32, u32)) -> u32 {
    let (w, h) = (view.0.max(1) as u64, view.1.max(1) as u64);
    let fits = |side: u32, r: u32, want: u64| side.div_ceil(1 << r) as u64 * 4 >= want * 3;
    (0..=5u32)
        .rev()
        .find(|&r| fits(cols, r, w) && fits(rows, r, h))
        .unwrap_or(0)
}

/// Whether frames of `info` can be decoded at a reduced size: JPEG 2000 of 8 or 16 bits (its
/// wavelet has the resolution levels) and JPEG baseline and extended (libjpeg-turbo's DCT
/// scaling, down to 1/8 of each side, so a reduction past 3 gives 1/8). Other codecs, JPEG
/// lossless (process 14) and JPEG-LS among them, decode whole.
pub fn reducible(info: &ImageInfo) -> bool {
    match info.transfer_syntax.uid.as_str() {
        J2K_LOSSLESS | J2K => matches!(info.bits_allocated, 8 | 16),
        JPEG_BASELINE | JPEG_EXTENDED => matches!(info.bits_allocated, 8 | 16),
        _ => false,
    }
}

/// Decode frame `frame` of `obj` at the resolution a view of `view` (width, height) pixels
/// needs ([`reduction_for_view`]): a smaller [`Frame`] (its `rows` and `cols` say how much) when
/// the codec can decode less ([`reducible`]) and the image is large enough, else as
/// [`decode_frame`].
/// Decoding whole later gives exactly [`decode_frame`]'s samples.
pub fn decode_frame_for_view<'a>(
    obj: &'a Object,
    info: &ImageInfo,
    frame: u32,
    view: (u32, u32),
) -> Result<Frame<'a>> {
    let reduce = reduction_for_view(info.cols, info.rows, view);
    decode_frame_reduced(obj, info, frame, reduce)
}

/// [`decode_frame`] at a resolution reduced by 2 to the power `reduce` when the codec can.
pub(crate) fn decode_frame_reduced<'a>(
    obj: &'a Object,
    info: &ImageInfo,
    frame: u32,
    reduce: u32,
) -> Result<Frame<'a>> {
    if reduce == 0 || !reducible(info) || frame >= info.frames {
        return decode_frame(obj, info, frame);
    }
    let element = obj.get(tags::PIXEL_DATA).ok_or(Error::NoPixelData)?;
    let Value::PixelSequence(seq) = element.value() else {
        return decode_frame(obj, info, frame);
    };
    let stream = frame_bytes(seq.fragments(), seq.offset_table(), info.frames, frame)?;
    decode_input_at(info, frame, FrameInput::Stream(stream), reduce)
}

fn pixels(info: &ImageInfo) -> usize {
    info.rows as usize * info.cols as usize
}

/// Native YBR_FULL_422 keeps two luma and one pair of chroma samples per two pixels.
pub(crate) fn native_422(info: &ImageInfo) -> bool {
    info.photometric == Photometric::YbrFull422 && info.samples_per_pixel == 3
}

/// Decode one frame's input, then normalise bits and colour.
pub(crate) fn decode_input<'a>(
    info: &ImageInfo,
    frame: u32,
    input: FrameInput<'a>,
) -> Result<Frame<'a>> {
    decode_input_at(info, frame, input, 0)
}

/// [`decode_input`], a JPEG 2000 or lossy JPEG stream at a resolution reduced by 2 to the power
/// `reduce` (JPEG: at most 3).
pub(crate) fn decode_input_at<'a>(
    info: &ImageInfo,
    frame: u32,
    input: FrameInput<'a>,
    reduce: u32,
) -> Result<Frame<'a>> {
    let pixels = pixels(info);
    let spp = info.samples_per_pixel as usize;
    let ts_uid = info.transfer_syntax.uid.as_str();
    // only native data carries YBR_FULL_422 subsampled; codecs return full-size samples
    let native_422 = matches!(input, FrameInput::Native(_)) && native_422(info);
    let (raw, already_rgb, interleaved) = match input {
        FrameInput::Native(raw) => (raw, false, info.planar_configuration == 0),
        FrameInput::Decoded { raw, already_rgb } => (raw, already_rgb, true),
        FrameInput::Stream(_) if info.bits_allocated == 12 => {
            return Err(Error::UnsupportedPixelData(format!(
                "BitsAllocated 12 (packed) is defined for native data only, not {}",
                info.transfer_syntax.name
            )))
        }
        FrameInput::Stream(stream) => {
            let kind = match StreamKind::of_syntax(ts_uid) {
                StreamKind::Native => StreamKind::sniff(&stream),
                k => k,
            };
            match kind {
                StreamKind::Jpeg => {
                    let rgb_declared = info.photometric == Photometric::Rgb;
                    let reduce = if reducible(info) { reduce } else { 0 };
                    let img = jpeg::decode(
                        &stream,
                        &info.transfer_syntax.name,
                        (info.cols, info.rows),
                        rgb_declared,
                        reduce,
                    )?;
                    let (w, h) = (img.width, img.height);
                    // a smaller image (DCT scaling): the rest of the way on an info of its size
                    let mut small = None;
                    if (w, h) != (info.cols, info.rows) {
                        let mut s = info.clone();
                        (s.rows, s.cols) = (h, w);
                        small = Some(s);
                    }
                    check_dims(small.as_ref().unwrap_or(info), w, h, img.components)?;
                    let s = match (img.samples, info.sample_type.bytes()) {
                        (JpegSamples::U8(v), 1) => Samples::U8(Cow::Owned(v)),
                        (JpegSamples::U8(v), 2) => {
                            Samples::U16(Cow::Owned(v.into_iter().map(u16::from).collect()))
                        }
                        (JpegSamples::U16(v), 2) => Samples::U16(Cow::Owned(v)),
                        _ => {
                            return Err(Error::UnsupportedPixelData(format!(
                                "{}-bit JPEG in {}-bit samples",
                                img.precision, info.bits_allocated
                            )))
                        }
                    };
                    let raw = Raw::Samples(retype(s, info.sample_type));
                    if let Some(small) = small {
                        let decoded = FrameInput::Decoded {
                            raw,
                            already_rgb: spp == 3,
                        };
                        return decode_input_at(&small, frame, decoded, 0);
                    }
                    (raw, spp == 3, true)
                }
                StreamKind::JpegLs => {
                    let img = jpegls::decode(&stream, &info.transfer_syntax.name, pixels)?;
                    if img.components as usize != spp {
                        return Err(Error::codec(
                            &info.transfer_syntax.name,
                            "component count differs from the header",
                        ));
                    }
                    let bytes = widen(img.data, img.bytes_per_sample, info.sample_type.bytes())?;
                    (Raw::Bytes(Cow::Owned(bytes)), false, true)
                }
                StreamKind::Rle => {
                    let size = if info.bits_allocated == 1 {
                        1
                    } else {
                        info.sample_type.bytes()
                    };
                    if size == 2 && spp == 1 && info.bits_allocated == 16 {
                        let v = rle::decode_u16(&stream, pixels)?;
                        let s = retype(Samples::U16(Cow::Owned(v)), info.sample_type);
                        (Raw::Samples(s), false, true)
                    } else {
                        let bytes = rle::decode(&stream, pixels, spp, size)?;
                        (Raw::Bytes(Cow::Owned(bytes)), false, true)
                    }
                }
                StreamKind::Registry(J2K_LOSSLESS | J2K) if info.bits_allocated == 1 => {
                    // a 1-bit codestream (segmentation masks): one 0/1 value per sample, as
                    // native 1-bit data decodes; not bit-packed
                    let v = j2k::decode_1bit(&stream, &info.transfer_syntax.name, pixels, spp)?;
                    (Raw::Samples(Samples::U8(Cow::Owned(v))), false, true)
                }
                StreamKind::Registry(J2K_LOSSLESS | J2K) if reduce > 0 && reducible(info) => {
                    let (bytes, w, h) = j2k::decode_reduced(
                        &stream,
                        &info.transfer_syntax.name,
                        spp,
                        info.sample_type.bytes(),
                        reduce,
                    )?;
                    // the rest of the way (bits, colour) on an image of the size decoded
                    let mut small = info.clone();
                    (small.rows, small.cols) = (h, w);
                    let rgb = matches!(info.photometric, Photometric::YbrIct | Photometric::YbrRct);
                    let raw = Raw::Bytes(Cow::Owned(bytes));
                    let decoded = FrameInput::Decoded {
                        raw,
                        already_rgb: rgb,
                    };
                    return decode_input_at(&small, frame, decoded, 0);
                }
                StreamKind::Registry(uid) => {
                    let bytes = match uid {
                        J2K_LOSSLESS | J2K if matches!(info.bits_allocated, 8 | 16) => j2k::decode(
                            &stream,
                            &info.transfer_syntax.name,
                            pixels,
                            spp,
                            info.sample_type.bytes(),
                        )?,
                        _ => codec_stream(info, &stream, uid)?,
                    };
                    // JPEG 2000 applies its own inverse colour transform (YBR_ICT/YBR_RCT).
                    let rgb = matches!(info.photometric, Photometric::YbrIct | Photometric::YbrRct);
                    (Raw::Bytes(Cow::Owned(bytes)), rgb, true)
                }
                StreamKind::Native => {
                    return Err(Error::UnsupportedPixelData(
                        "encapsulated pixel data in an unknown compression".into(),
                    ))
                }
            }
        }
    };

    let mut samples = match raw {
        Raw::Samples(s) => s,
        Raw::Bytes(b) => {
            if info.bits_allocated == 1 {
                Samples::U8(Cow::Owned(unpack_bits(&b, 0, pixels * spp)?))
            } else {
                let count = if native_422 { pixels * 2 } else { pixels * spp };
                typed_from_bytes(b, info.sample_type, count, frame)?
            }
        }
    };
    // native YBR_FULL_422 has one layout (Y1 Y2 Cb Cr per pair of pixels) whatever the planar
    // configuration claims (the standard requires 0)
    if !interleaved && spp == 3 && !native_422 {
        samples = color::interleave(samples, pixels);
    }
    normalize_bits(&mut samples, info);

    let color = match &info.photometric {
        Photometric::Monochrome1 if spp == 1 => ColorModel::Monochrome1,
        Photometric::PaletteColor if spp == 1 => ColorModel::Palette,
        _ if spp == 1 => ColorModel::Monochrome2,
        _ => {
            if native_422 {
                samples = color::expand_422(samples, info.rows as usize, info.cols as usize)?;
            }
            if !already_rgb {
                match info.photometric {
                    Photometric::YbrFull | Photometric::YbrFull422 => {
                        samples = color::ybr_full_to_rgb(samples, info.bits_stored)?
                    }
                    Photometric::YbrPartial420 => {
                        return Err(Error::UnsupportedPixelData(
                            "YBR_PARTIAL_420 outside MPEG".into(),
                        ))
                    }
                    _ => {}
                }
            }
            ColorModel::Rgb
        }
    };
    Ok(Frame {
        index: frame,
        rows: info.rows,
        cols: info.cols,
        samples_per_pixel: info.samples_per_pixel,
        color,
        samples,
    })
}

/// JPEG Baseline (Process 1) and JPEG Extended (Process 2 & 4): the lossy DCT processes.
const JPEG_BASELINE: &str = "1.2.840.10008.1.2.4.50";
const JPEG_EXTENDED: &str = "1.2.840.10008.1.2.4.51";
/// JPEG 2000 Image Compression (Lossless Only), and JPEG 2000 Image Compression.
const J2K_LOSSLESS: &str = "1.2.840.10008.1.2.4.90";
const J2K: &str = "1.2.840.10008.1.2.4.91";

/// Which decoder reads a compressed frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamKind {
    Jpeg,
    JpegLs,
    Rle,
    /// A codec of dicom-rs's registry, by transfer syntax UID.
    Registry(&'static str),
    Native,
}

impl StreamKind {
    fn of_syntax(ts: &str) -> StreamKind {
        match ts {
            "1.2.840.10008.1.2.4.50"
            | "1.2.840.10008.1.2.4.51"
            | "1.2.840.10008.1.2.4.57"
            | "1.2.840.10008.1.2.4.70" => StreamKind::Jpeg,
            "1.2.840.10008.1.2.4.80" | "1.2.840.10008.1.2.4.81" => StreamKind::JpegLs,
            "1.2.840.10008.1.2.5" => StreamKind::Rle,
            "1.2.840.10008.1.2"
            | "1.2.840.10008.1.2.1"
            | "1.2.840.10008.1.2.2"
            | "1.2.840.10008.1.2.1.99" => StreamKind::Native,
            _ => match TransferSyntaxRegistry.get(ts) {
                Some(t) => StreamKind::Registry(t.uid()),
                None => StreamKind::Registry("unknown"),
            },
        }
    }

    /// Files whose meta group names a native syntax around encapsulated data exist (written by
    /// converters that forgot to update it): recognise the stream by its first bytes.
    fn sniff(stream: &[u8]) -> StreamKind {
        match stream {
            [0xFF, 0xD8, 0xFF, 0xF7, ..] => StreamKind::JpegLs,
            [0xFF, 0xD8, 0xFF, ..] => StreamKind::Jpeg,
            [0xFF, 0x4F, 0xFF, 0x51, ..] | [0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, ..] => {
                StreamKind::Registry(J2K_LOSSLESS)
            }
            _ => StreamKind::Native,
        }
    }
}

fn check_dims(info: &ImageInfo, width: u32, height: u32, components: u16) -> Result<()> {
    if width != info.cols || height != info.rows || components != info.samples_per_pixel {
        return Err(Error::codec(
            &info.transfer_syntax.name,
            format!(
                "stream is {width}x{height}x{components}, header says {}x{}x{}",
                info.cols, info.rows, info.samples_per_pixel
            ),
        ));
    }
    Ok(())
}

/// Widen little-endian samples from `from` to `to` bytes (a 7-bit JPEG-LS stream in 16-bit
/// samples, say).
fn widen(data: Vec<u8>, from: usize, to: usize) -> Result<Vec<u8>> {
    match (from, to) {
        (a, b) if a == b => Ok(data),
        (1, 2) => Ok(data.iter().flat_map(|v| [*v, 0]).collect()),
        _ => Err(Error::UnsupportedPixelData(format!(
            "{from}-byte samples in {to}-byte pixels"
        ))),
    }
}

/// Decode one compressed frame through dicom-rs's registered reader for the transfer syntax,
/// handing it a one-frame object that holds just this stream (so that only this frame is read).
fn codec_stream(info: &ImageInfo, stream: &[u8], uid: &str) -> Result<Vec<u8>> {
    use dicom_core::value::PixelFragmentSequence;
    use dicom_core::{DataElement, VR};
    let unsupported = || Error::UnsupportedTransferSyntax {
        uid: info.transfer_syntax.uid.clone(),
        name: info.transfer_syntax.name.clone(),
    };
    let ts = TransferSyntaxRegistry.get(uid).ok_or_else(unsupported)?;
    let Codec::EncapsulatedPixelData(Some(reader), _) = ts.codec() else {
        return Err(unsupported());
    };
    let mut o = dicom_object::InMemDicomObject::new_empty();
    for (tag, v) in [
        (tags::ROWS, info.rows as u16),
        (tags::COLUMNS, info.cols as u16),
        (tags::SAMPLES_PER_PIXEL, info.samples_per_pixel),
        (tags::BITS_ALLOCATED, info.bits_allocated),
        (tags::BITS_STORED, info.bits_stored),
        (tags::HIGH_BIT, info.high_bit),
        (tags::PIXEL_REPRESENTATION, info.signed as u16),
        (tags::PLANAR_CONFIGURATION, info.planar_configuration),
    ] {
        o.put(DataElement::new(tag, VR::US, PrimitiveValue::from(v)));
    }
    o.put(DataElement::new(
        tags::PHOTOMETRIC_INTERPRETATION,
        VR::CS,
        PrimitiveValue::from(info.photometric.as_str().to_string()),
    ));
    o.put(DataElement::new(
        tags::NUMBER_OF_FRAMES,
        VR::IS,
        PrimitiveValue::from("1".to_string()),
    ));
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OB,
        Value::PixelSequence(PixelFragmentSequence::new(vec![], vec![stream.to_vec()])),
    ));
    let meta = dicom_object::meta::FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.7")
        .media_storage_sop_instance_uid("2.25.1")
        .transfer_syntax(uid)
        .implementation_class_uid(super::IMPLEMENTATION_CLASS_UID)
        .build()
        .map_err(|e| Error::codec(&info.transfer_syntax.name, e))?;
    let obj = o.with_exact_meta(meta);
    let mut out = Vec::new();
    reader
        .decode_frame(&obj, 0, &mut out)
        .map_err(|e| Error::codec(&info.transfer_syntax.name, one_line(&e.to_string())))?;
    let want = if info.bits_allocated == 1 {
        (pixels(info) * info.samples_per_pixel as usize).div_ceil(8)
    } else {
        info.frame_len()
    };
    if out.len() < want {
        return Err(Error::codec(
            &info.transfer_syntax.name,
            format!("decoded {} bytes, the frame needs {want}", out.len()),
        ));
    }
    Ok(out)
}

/// One frame of native (uncompressed) pixel data.
fn native_frame<'a>(
    p: &'a PrimitiveValue,
    info: &ImageInfo,
    frame: u32,
    count: usize,
    ts_uid: &str,
) -> Result<Raw<'a>> {
    let f = frame as usize;
    let truncated = |available: usize, needed: usize| Error::Truncated {
        frame,
        needed,
        available,
    };
    if info.bits_allocated == 1 {
        let bytes = p.to_bytes();
        let unpacked = unpack_bits(&bytes, f * count, count)?;
        return Ok(Raw::Samples(Samples::U8(Cow::Owned(unpacked))));
    }
    if info.bits_allocated == 12 {
        let frame_bytes = packed_12_frame_bytes(info)?;
        // OW words come back as their little-endian bytes: the file's byte order
        let bytes = p.to_bytes();
        let start = f * frame_bytes;
        let available = bytes.len().saturating_sub(start);
        let data = bytes
            .get(start..start + frame_bytes)
            .ok_or_else(|| truncated(available, frame_bytes))?;
        return Ok(Raw::Samples(unpack_12(data, info.sample_type)));
    }
    let range = f * count..(f + 1) * count;
    macro_rules! borrow {
        ($v:expr, $variant:ident, $t:ty) => {{
            let v: &[_] = $v;
            let s = v.get(range.clone()).ok_or_else(|| {
                truncated(
                    std::mem::size_of_val(v),
                    range.end * info.sample_type.bytes(),
                )
            })?;
            let s: &[$t] = bytemuck::cast_slice(s);
            return Ok(Raw::Samples(Samples::$variant(Cow::Borrowed(s))));
        }};
    }
    let big_endian = ts_uid == "1.2.840.10008.1.2.2";
    match (p, info.sample_type) {
        (PrimitiveValue::U8(v), SampleType::Uint8) => borrow!(v, U8, u8),
        (PrimitiveValue::U8(v), SampleType::Int8) => borrow!(v, I8, i8),
        (PrimitiveValue::U16(v), SampleType::Uint16) => borrow!(v, U16, u16),
        (PrimitiveValue::U16(v), SampleType::Int16) => borrow!(v, I16, i16),
        (PrimitiveValue::I16(v), SampleType::Int16) => borrow!(v, I16, i16),
        (PrimitiveValue::I16(v), SampleType::Uint16) => borrow!(v, U16, u16),
        (PrimitiveValue::U32(v), SampleType::Uint32) if !big_endian => borrow!(v, U32, u32),
        (PrimitiveValue::U32(v), SampleType::Int32) if !big_endian => borrow!(v, I32, i32),
        (PrimitiveValue::F32(v), SampleType::Float32) => borrow!(v, F32, f32),
        (PrimitiveValue::F64(v), SampleType::Float64) => borrow!(v, F64, f64),
        _ => {}
    }
    // Any other in-memory representation: go through little-endian bytes.
    let mut bytes = p.to_bytes();
    if big_endian && info.sample_type.bytes() == 4 {
        if let PrimitiveValue::U16(_) = p {
            // 32-bit samples read as 16-bit words from a big-endian file: swap the word pairs
            let mut owned = bytes.into_owned();
            for c in owned.chunks_exact_mut(4) {
                c.swap(0, 2);
                c.swap(1, 3);
            }
            bytes = Cow::Owned(owned);
        }
    }
    let size = info.sample_type.bytes();
    let needed = range.end * size;
    if bytes.len() < needed {
        return Err(truncated(bytes.len(), needed));
    }
    let slice = match bytes {
        Cow::Borrowed(b) => Cow::Borrowed(&b[range.start * size..needed]),
        Cow::Owned(b) => Cow::Owned(b[range.start * size..needed].to_vec()),
    };
    Ok(Raw::Bytes(slice))
}

/// `$m!(Variant, type)` for the [`Samples`] variant and Rust type of sample type `$t`.
macro_rules! by_sample_type {
    ($t:expr, $m:ident) => {
        match $t {
            SampleType::Uint8 => $m!(U8, u8),
            SampleType::Int8 => $m!(I8, i8),
            SampleType::Uint16 => $m!(U16, u16),
            SampleType::Int16 => $m!(I16, i16),
            SampleType::Uint32 => $m!(U32, u32),
            SampleType::Int32 => $m!(I32, i32),
            SampleType::Float32 => $m!(F32, f32),
            SampleType::Float64 => $m!(F64, f64),
        }
    };
}

fn typed_from_bytes(
    b: Cow<'_, [u8]>,
    t: SampleType,
    count: usize,
    frame: u32,
) -> Result<Samples<'_>> {
    let needed = count * t.bytes();
    if b.len() < needed {
        return Err(Error::Truncated {
            frame,
            needed,
            available: b.len(),
        });
    }
    let owned_copy = |s: &[u8]| {
        samples_filled(t, count, |dst| {
            dst.copy_from_slice(&s[..needed]);
            Ok(())
        })
    };
    match b {
        Cow::Borrowed(s) => {
            let s = &s[..needed];
            // borrowed and aligned: reinterpreted, not copied
            macro_rules! cast {
                ($variant:ident, $t:ty) => {
                    bytemuck::try_cast_slice::<u8, $t>(s)
                        .ok()
                        .map(|v| Samples::$variant(Cow::Borrowed(v)))
                };
            }
            let borrowed = by_sample_type!(t, cast);
            match borrowed {
                Some(v) => Ok(v),
                None => owned_copy(s),
            }
        }
        Cow::Owned(mut s) if t == SampleType::Uint8 => {
            s.truncate(needed);
            Ok(Samples::U8(Cow::Owned(s)))
        }
        Cow::Owned(s) => owned_copy(&s),
    }
}

/// `count` samples of type `t` in a new buffer whose bytes `fill` writes (little endian, as the
/// host): a copy of decoded bytes, or a read straight from a [`super::ByteSource`].
pub(crate) fn samples_filled(
    t: SampleType,
    count: usize,
    fill: impl FnOnce(&mut [u8]) -> Result<()>,
) -> Result<Samples<'static>> {
    macro_rules! filled {
        ($variant:ident, $t:ty) => {{
            let mut v: Vec<$t> = vec![<$t>::default(); count];
            fill(bytemuck::cast_slice_mut(&mut v))?;
            Samples::$variant(Cow::Owned(v))
        }};
    }
    Ok(by_sample_type!(t, filled))
}

/// Reinterpret unsigned codec output as the header's signedness (the bits are the same).
fn retype(s: Samples<'_>, t: SampleType) -> Samples<'static> {
    match (s, t) {
        (Samples::U8(v), SampleType::Int8) => Samples::I8(Cow::Owned(signed(v, |x| x as i8))),
        (Samples::U16(v), SampleType::Int16) => Samples::I16(Cow::Owned(signed(v, |x| x as i16))),
        (s, _) => s.into_owned(),
    }
}

/// The same bits as signed samples; an owned vector is reused, not copied.
fn signed<U: bytemuck::Pod, I: bytemuck::Pod>(v: Cow<'_, [U]>, cast: fn(U) -> I) -> Vec<I> {
    match v {
        Cow::Owned(v) => bytemuck::allocation::try_cast_vec(v)
            .unwrap_or_else(|(_, v)| v.into_iter().map(cast).collect()),
        Cow::Borrowed(b) => b.iter().map(|&x| cast(x)).collect(),
    }
}

/// Bytes of one frame of native pixel data with Bits Allocated 12 (two samples in three bytes),
/// or why such data is refused: a frame of an odd number of samples (its last sample would end
/// mid-byte and the next frame start there: no reader we compare with decodes that), more than
/// one sample per pixel, or a big-endian syntax (the packing is defined on little-endian words).
pub(crate) fn packed_12_frame_bytes(info: &ImageInfo) -> Result<usize> {
    let samples = pixels(info) * info.samples_per_pixel as usize;
    if info.samples_per_pixel != 1 {
        return Err(Error::UnsupportedPixelData(format!(
            "BitsAllocated 12 (packed) with {} samples per pixel",
            info.samples_per_pixel
        )));
    }
    if info.transfer_syntax.uid == "1.2.840.10008.1.2.2" {
        return Err(Error::UnsupportedPixelData(
            "BitsAllocated 12 (packed) in Explicit VR Big Endian".into(),
        ));
    }
    if !samples.is_multiple_of(2) {
        return Err(Error::BadPixelData(format!(
            "BitsAllocated 12 packs two samples in three bytes; a frame of {samples} samples does not fill whole bytes"
        )));
    }
    Ok(samples / 2 * 3)
}

/// Unpack native 12-bit pixel data: each three bytes `b0 b1 b2` hold two samples,
/// `s0 = b0 | (b1 & 0x0F) << 8` and `s1 = b1 >> 4 | b2 << 4`. This is the little-endian bit
/// stream of PS3.5 8.1.1 (pixel cells back to back from the least significant bit, as the 1-bit
/// example of Annex D, Figure D.2-5, shows), and GDCM's `Unpacker12Bits`. Bits above Bits Stored
/// are normalised afterwards like any sample's. `bytes` holds a whole number of pairs.
pub(crate) fn unpack_12(bytes: &[u8], t: SampleType) -> Samples<'static> {
    let mut v = Vec::with_capacity(bytes.len() / 3 * 2);
    for c in bytes.chunks_exact(3) {
        let (b0, b1, b2) = (c[0] as u16, c[1] as u16, c[2] as u16);
        v.push(b0 | (b1 & 0x0F) << 8);
        v.push(b1 >> 4 | b2 << 4);
    }
    retype(Samples::U16(Cow::Owned(v)), t)
}

/// Expand 1-bit pixels (least significant bit first), starting at bit `first`.
pub(crate) fn unpack_bits(bytes: &[u8], first: usize, count: usize) -> Result<Vec<u8>> {
    let end_bit = first + count;
    if bytes.len() * 8 < end_bit {
        return Err(Error::Truncated {
            frame: 0,
            needed: end_bit.div_ceil(8),
            available: bytes.len(),
        });
    }
    Ok((first..end_bit)
        .map(|i| (bytes[i >> 3] >> (i & 7)) & 1)
        .collect())
}

/// Clear bits above Bits Stored (unsigned) or sign-extend from it (signed), shifting down when
/// High Bit is not Bits Stored - 1. Copies only when a value actually changes.
fn normalize_bits(s: &mut Samples<'_>, info: &ImageInfo) {
    let ba = info.sample_type.bytes() as u32 * 8;
    let bs = info.bits_stored as u32;
    if info.bits_allocated == 1 || bs >= ba || matches!(s, Samples::F32(_) | Samples::F64(_)) {
        return;
    }
    let shift = (info.high_bit as u32 + 1).saturating_sub(bs);
    // Check with an OR of differences per block (vectorises, unlike an early-exit `any`), then
    // fix in place when the samples are already ours, or into a new vector when borrowed.
    macro_rules! fix {
        (@apply $v:expr, $t:ty, $f:expr) => {{
            let f = $f;
            let differs = $v
                .chunks(1024)
                .any(|c| c.iter().fold(0 as $t, |acc, &x| acc | (f(x) ^ x)) != 0);
            if differs {
                match $v {
                    Cow::Owned(o) => o.iter_mut().for_each(|x| *x = f(*x)),
                    Cow::Borrowed(b) => {
                        let owned: Vec<$t> = b.iter().map(|&x| f(x)).collect();
                        *$v = Cow::Owned(owned);
                    }
                }
            }
        }};
        ($v:expr, $t:ty, $u:ty, signed) => {{
            let up = ba - bs;
            fix!(@apply $v, $t, |x: $t| (((x as $u >> shift) << up) as $t) >> up)
        }};
        ($v:expr, $t:ty, unsigned) => {{
            let mask: $t = ((1u64 << bs) - 1) as $t;
            fix!(@apply $v, $t, |x: $t| (x >> shift) & mask)
        }};
    }
    match s {
        Samples::U8(v) => fix!(v, u8, unsigned),
        Samples::U16(v) => fix!(v, u16, unsigned),
        Samples::U32(v) => fix!(v, u32, unsigned),
        Samples::I8(v) => fix!(v, i8, u8, signed),
        Samples::I16(v) => fix!(v, i16, u16, signed),
        Samples::I32(v) => fix!(v, i32, u32, signed),
        Samples::F32(_) | Samples::F64(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_bits_lsb_first_across_byte_boundaries() {
        assert_eq!(
            unpack_bits(&[0b1000_0101, 0b0000_0001], 0, 9).unwrap(),
            vec![1, 0, 1, 0, 0, 0, 0, 1, 1]
        );
        assert_eq!(unpack_bits(&[0b1000_0101], 2, 3).unwrap(), vec![1, 0, 0]);
        assert!(unpack_bits(&[0], 0, 9).is_err());
    }
}
