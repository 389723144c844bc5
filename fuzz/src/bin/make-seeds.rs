//! Write the seed corpus of the `decode` fuzz target, all of it generated: small CT phantom slices
//! from `scanpass_core::phantom`, and variants made by editing the DICOM object (sample types,
//! colour models, wrappings, transfer syntaxes), compressed with our own RLE encoder, libjpeg-turbo
//! and CharLS. No file here comes from a patient or from `../shared/dicom-samples`.
//!
//! Every seed is then read back through scanpass-core, by `dicom::parse` and by `DicomImage` (parse,
//! describe, decode each frame, render), and compared with the samples it was made from; a table
//! says which decoded correctly.
//!
//! Usage: `make-seeds [--out DIR] [--strict]` (default DIR: `fuzz/corpus/decode`). `--strict` exits
//! with status 1 when a seed does not decode to what it was made from.
//! `make-seeds --check FILE...` runs files through the fuzz target's pipeline and says what happened.
//! `make-seeds --regressions [DIR]` writes instead the hand-made files of `fuzz/regressions/`
//! (default DIR), inputs that once made scanpass-core allocate far more than their size.

use std::path::PathBuf;

use charls::{CharLS, FrameInfo, InterleaveMode};
use dicom_core::value::{DataSetSequence, PixelFragmentSequence, Value};
use dicom_core::{DataElement, Length, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_encoding::transfer_syntax::TransferSyntaxIndex;
use dicom_object::file::ReadPreamble;
use dicom_object::{DefaultDicomObject, InMemDicomObject, OpenFileOptions};
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;
use scanpass_core::dicom::{decode_frame, parse, DicomImage, ImageInfo, ReadDepth, Samples};
use scanpass_core::phantom::{ct_slice, PhantomSpec};
use scanpass_core::render::{render, Voi};
use turbojpeg_sys as tj;

type Obj = DefaultDicomObject;

const IMPLICIT_LE: &str = "1.2.840.10008.1.2";
const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const DEFLATED_LE: &str = "1.2.840.10008.1.2.1.99";
const EXPLICIT_BE: &str = "1.2.840.10008.1.2.2";
const JPEG_BASELINE: &str = "1.2.840.10008.1.2.4.50";
const JPEG_EXTENDED: &str = "1.2.840.10008.1.2.4.51";
const JPEG_LOSSLESS: &str = "1.2.840.10008.1.2.4.57";
const JPEG_LOSSLESS_SV1: &str = "1.2.840.10008.1.2.4.70";
const JPEG_LS_LOSSLESS: &str = "1.2.840.10008.1.2.4.80";
const JPEG_LS_NEAR: &str = "1.2.840.10008.1.2.4.81";
const RLE_LOSSLESS: &str = "1.2.840.10008.1.2.5";
const J2K_LOSSLESS: &str = "1.2.840.10008.1.2.4.90";
const J2K: &str = "1.2.840.10008.1.2.4.91";

/// How decoded samples must compare with the samples a seed was made from.
#[derive(Clone, Copy)]
enum Check {
    /// Lossless: every sample equal.
    Exact,
    /// Near-lossless: no sample further off than this.
    MaxAbs(f64),
    /// Lossy: PSNR at least `db` for samples whose full scale is `peak`.
    Psnr { db: f64, peak: f64 },
}

type RenderCheck = Box<dyn Fn(&[u8]) -> Result<(), String>>;

struct Seed {
    name: String,
    bytes: Vec<u8>,
    /// Expected samples per frame, interleaved, as decoded (sign-extended, YBR converted to RGB).
    expect: Vec<Vec<f64>>,
    check: Check,
    /// An extra look at the first frame's RGBA (palette colours, MONOCHROME1 inversion).
    render_check: Option<RenderCheck>,
    /// Also held against the peers by tests/oracle (`--oracle DIR`): kinds of file the shared
    /// corpus has no example of.
    oracle: bool,
}

fn seed(name: &str, bytes: Vec<u8>, expect: Vec<Vec<f64>>, check: Check) -> Seed {
    Seed {
        name: name.to_string(),
        bytes,
        expect,
        check,
        render_check: None,
        oracle: false,
    }
}

/// A seed that tests/oracle also decodes with pydicom, GDCM or DCMTK.
fn oracle_seed(name: &str, bytes: Vec<u8>, expect: Vec<Vec<f64>>, check: Check) -> Seed {
    Seed {
        oracle: true,
        ..seed(name, bytes, expect, check)
    }
}

// ---------------------------------------------------------------------------------------------
// Building objects

/// A phantom slice parsed back into an object, with its stored values (12 bits in 16).
struct Base {
    obj: Obj,
    px: Vec<u16>,
    n: usize,
}

fn phantom(size: u16, index: u32) -> Base {
    let bytes = ct_slice(
        PhantomSpec {
            slices: 4,
            size,
            seed: 1,
        },
        index,
    )
    .expect("phantom slice");
    let obj = OpenFileOptions::new()
        .read_preamble(ReadPreamble::Never)
        .from_reader(&bytes[128..])
        .expect("phantom parses with dicom-object");
    let px: Vec<u16> = obj
        .element(tags::PIXEL_DATA)
        .expect("pixel data")
        .to_multi_int::<u16>()
        .expect("16-bit pixels");
    Base {
        obj,
        n: size as usize,
        px,
    }
}

fn put(o: &mut Obj, tag: Tag, vr: VR, v: PrimitiveValue) {
    o.put(DataElement::new(tag, vr, v));
}
fn us(o: &mut Obj, tag: Tag, v: u16) {
    put(o, tag, VR::US, PrimitiveValue::from(v));
}
fn text(o: &mut Obj, tag: Tag, vr: VR, s: &str) {
    put(o, tag, vr, PrimitiveValue::from(s.to_string()));
}
fn bits(o: &mut Obj, allocated: u16, stored: u16, high: u16, signed: bool) {
    us(o, tags::BITS_ALLOCATED, allocated);
    us(o, tags::BITS_STORED, stored);
    us(o, tags::HIGH_BIT, high);
    us(o, tags::PIXEL_REPRESENTATION, signed as u16);
}
/// Drop the CT windows and rescale (for data whose values no longer are CT numbers).
fn no_voi(o: &mut Obj) {
    for t in [
        tags::WINDOW_CENTER,
        tags::WINDOW_WIDTH,
        tags::WINDOW_CENTER_WIDTH_EXPLANATION,
        tags::RESCALE_INTERCEPT,
        tags::RESCALE_SLOPE,
        tags::RESCALE_TYPE,
    ] {
        o.remove_element(t);
    }
}
fn rgb_header(o: &mut Obj, photometric: &str, planar: u16) {
    no_voi(o);
    us(o, tags::SAMPLES_PER_PIXEL, 3);
    text(o, tags::PHOTOMETRIC_INTERPRETATION, VR::CS, photometric);
    us(o, tags::PLANAR_CONFIGURATION, planar);
}
fn pixels_u8(o: &mut Obj, v: Vec<u8>) {
    put(o, tags::PIXEL_DATA, VR::OB, PrimitiveValue::U8(v.into()));
}
fn pixels_u16(o: &mut Obj, v: Vec<u16>) {
    put(o, tags::PIXEL_DATA, VR::OW, PrimitiveValue::U16(v.into()));
}
fn pixels_u32(o: &mut Obj, v: Vec<u32>) {
    put(o, tags::PIXEL_DATA, VR::OW, PrimitiveValue::U32(v.into()));
}
fn set_ts(o: &mut Obj, uid: &str) {
    let mut uid = uid.to_string();
    if uid.len() % 2 == 1 {
        uid.push('\0');
    }
    o.update_meta(|m| m.transfer_syntax = uid);
}
fn write(o: &Obj) -> Vec<u8> {
    let mut out = Vec::new();
    o.write_all(&mut out).expect("write DICOM");
    out
}
fn with_ts(mut o: Obj, uid: &str) -> Vec<u8> {
    set_ts(&mut o, uid);
    write(&o)
}
/// The data set alone, without preamble or meta group.
fn bare(o: &Obj, uid: &str) -> Vec<u8> {
    let ts = TransferSyntaxRegistry.get(uid).expect("registered syntax");
    let mut out = Vec::new();
    let ds: &InMemDicomObject = o;
    ds.write_dataset_with_ts(&mut out, ts).expect("write data set");
    out
}
fn item(elements: Vec<(Tag, VR, PrimitiveValue)>) -> InMemDicomObject {
    let mut i = InMemDicomObject::new_empty();
    for (t, vr, v) in elements {
        i.put(DataElement::new(t, vr, v));
    }
    i
}
fn sequence(o: &mut InMemDicomObject, tag: Tag, items: Vec<InMemDicomObject>) {
    o.put(DataElement::new(
        tag,
        VR::SQ,
        DataSetSequence::new(items, Length::UNDEFINED),
    ));
}
fn s(v: &str) -> PrimitiveValue {
    PrimitiveValue::from(v.to_string())
}

/// Encapsulated pixel data: `frames[f]` is the list of fragments of frame f. With `offsets`, the
/// Basic Offset Table gives each frame's first fragment; without, it is empty.
fn encapsulate(o: &mut Obj, frames: &[Vec<Vec<u8>>], offsets: bool) {
    let mut table = Vec::new();
    let mut fragments: Vec<Vec<u8>> = Vec::new();
    let mut at = 0u32;
    for f in frames {
        table.push(at);
        for frag in f {
            let mut b = frag.clone();
            if b.len() % 2 == 1 {
                b.push(0);
            }
            at += 8 + b.len() as u32;
            fragments.push(b);
        }
    }
    let seq: PixelFragmentSequence<Vec<u8>> =
        PixelFragmentSequence::new(if offsets { table } else { Vec::new() }, fragments);
    o.put(DataElement::new(tags::PIXEL_DATA, VR::OB, Value::from(seq)));
}

/// Split a stream into `parts` fragments; all but the last of even length, as fragments must be
/// (the encapsulation pads odd fragments, which would put a byte in the middle of the stream).
fn split_even(stream: &[u8], parts: usize) -> Vec<Vec<u8>> {
    let step = (stream.len() / parts) & !1;
    let mut out: Vec<Vec<u8>> = (0..parts - 1)
        .map(|i| stream[i * step..(i + 1) * step].to_vec())
        .collect();
    out.push(stream[(parts - 1) * step..].to_vec());
    out
}

fn f64s<T: Copy + Into<f64>>(v: &[T]) -> Vec<f64> {
    v.iter().map(|x| (*x).into()).collect()
}

fn le_bytes_u16(v: &[u16]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A colour picture made from a grey one: R = grey, G = its inverse, B = a diagonal ramp.
fn colour(grey: &[u8], n: usize) -> Vec<u8> {
    grey.iter()
        .enumerate()
        .flat_map(|(i, g)| [*g, 255 - *g, (((i % n) + (i / n)) * 255 / (2 * n - 2)) as u8])
        .collect()
}

fn planar(rgb: &[u8]) -> Vec<u8> {
    (0..3)
        .flat_map(|c| rgb.iter().skip(c).step_by(3).copied())
        .collect()
}

/// RGB to YBR_FULL (PS3.3 C.7.6.3.1.2), rounded and clipped.
fn to_ybr(rgb: &[u8]) -> Vec<u8> {
    rgb.chunks_exact(3)
        .flat_map(|p| {
            let (r, g, b) = (p[0] as f64, p[1] as f64, p[2] as f64);
            let y = 0.299 * r + 0.587 * g + 0.114 * b;
            let cb = -0.168_736 * r - 0.331_264 * g + 0.5 * b + 128.0;
            let cr = 0.5 * r - 0.418_688 * g - 0.081_312 * b + 128.0;
            [y, cb, cr].map(|v| v.round().clamp(0.0, 255.0) as u8)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Encoders

/// PackBits (PS3.5 G.3.1) of one row or plane.
fn packbits(src: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < src.len() {
        let mut run = 1;
        while i + run < src.len() && run < 128 && src[i + run] == src[i] {
            run += 1;
        }
        if run >= 2 {
            out.push((1 - run as i16) as i8 as u8);
            out.push(src[i]);
            i += run;
        } else {
            let start = i;
            while i < src.len() && i - start < 128 {
                if i + 1 < src.len() && src[i] == src[i + 1] {
                    break;
                }
                i += 1;
            }
            out.push((i - start - 1) as u8);
            out.extend_from_slice(&src[start..i]);
        }
    }
}

/// One RLE Lossless frame (PS3.5 Annex G) from interleaved little-endian samples of
/// `bytes_per_sample` bytes: a segment per byte plane, most significant byte first, each row
/// encoded on its own. `row` is the width in bytes of a row of one plane.
fn rle_frame(le: &[u8], samples: usize, bytes_per_sample: usize, row: usize) -> Vec<u8> {
    let planes = samples * bytes_per_sample;
    let count = le.len() / planes;
    let mut out = vec![0u8; 64];
    out[..4].copy_from_slice(&(planes as u32).to_le_bytes());
    for s in 0..samples {
        for b in (0..bytes_per_sample).rev() {
            let segment = 1 + s * bytes_per_sample + (bytes_per_sample - 1 - b);
            let at = out.len() as u32;
            out[4 * segment..4 * segment + 4].copy_from_slice(&at.to_le_bytes());
            let plane: Vec<u8> = (0..count)
                .map(|p| le[(p * samples + s) * bytes_per_sample + b])
                .collect();
            for r in plane.chunks(row.max(1)) {
                packbits(r, &mut out);
            }
            if out.len() % 2 == 1 {
                out.push(0);
            }
        }
    }
    out
}

enum JpegInput<'a> {
    P8(&'a [u8]),
    P12(&'a [i16]),
    P16(&'a [u16]),
}

/// Compress with libjpeg-turbo 3's TurboJPEG API.
fn turbojpeg(input: JpegInput<'_>, w: usize, h: usize, components: usize, params: &[(tj::TJPARAM, i32)]) -> Vec<u8> {
    // SAFETY: a handle we own and destroy; source buffers hold w * h * components samples;
    // the output buffer is allocated by TurboJPEG and freed with tj3Free.
    unsafe {
        let handle = tj::tj3Init(tj::TJINIT_TJINIT_COMPRESS as i32);
        assert!(!handle.is_null(), "tj3Init");
        unsafe fn fail(handle: tj::tjhandle, what: &str) -> ! {
            let msg = std::ffi::CStr::from_ptr(tj::tj3GetErrorStr(handle));
            panic!("{what}: {}", msg.to_string_lossy())
        }
        for (p, v) in params {
            if tj::tj3Set(handle, *p as i32, *v) != 0 {
                fail(handle, &format!("tj3Set({p}, {v})"));
            }
        }
        let format = if components == 3 {
            tj::TJPF_TJPF_RGB
        } else {
            tj::TJPF_TJPF_GRAY
        } as i32;
        let mut buf: *mut u8 = std::ptr::null_mut();
        let mut size = 0;
        let (w, h) = (w as i32, h as i32);
        let rc = match input {
            JpegInput::P8(s) => tj::tj3Compress8(handle, s.as_ptr(), w, 0, h, format, &mut buf, &mut size),
            JpegInput::P12(s) => tj::tj3Compress12(handle, s.as_ptr(), w, 0, h, format, &mut buf, &mut size),
            JpegInput::P16(s) => tj::tj3Compress16(handle, s.as_ptr(), w, 0, h, format, &mut buf, &mut size),
        };
        if rc != 0 {
            fail(handle, "tj3Compress");
        }
        let out = std::slice::from_raw_parts(buf, size as usize).to_vec();
        tj::tj3Free(buf as *mut _);
        tj::tj3Destroy(handle);
        out
    }
}

fn jpeg_params(extra: &[(tj::TJPARAM, i32)], grey: bool) -> Vec<(tj::TJPARAM, i32)> {
    let mut p = vec![(tj::TJPARAM_TJPARAM_QUALITY, 92)];
    if grey {
        p.push((tj::TJPARAM_TJPARAM_SUBSAMP, tj::TJSAMP_TJSAMP_GRAY as i32));
    }
    p.extend_from_slice(extra);
    p
}

fn lossless(precision: i32, psv: i32, subsamp: tj::TJSAMP) -> Vec<(tj::TJPARAM, i32)> {
    vec![
        (tj::TJPARAM_TJPARAM_LOSSLESS, 1),
        (tj::TJPARAM_TJPARAM_LOSSLESSPSV, psv),
        (tj::TJPARAM_TJPARAM_PRECISION, precision),
        (tj::TJPARAM_TJPARAM_SUBSAMP, subsamp as i32),
    ]
}

/// JPEG-LS with CharLS. `src` is interleaved for `Sample`/`Line`, planar for `None`.
fn jpeg_ls(src: &[u8], w: usize, h: usize, bits: i32, components: i32, near: i32, mode: InterleaveMode) -> Vec<u8> {
    let mut c = CharLS::default();
    if components > 1 {
        c.set_interleave_mode(mode).expect("interleave mode");
    }
    c.encode(
        FrameInfo {
            width: w as u32,
            height: h as u32,
            bits_per_sample: bits,
            component_count: components,
        },
        near,
        src,
    )
    .expect("CharLS encode")
}

// ---------------------------------------------------------------------------------------------
// The seeds

fn seeds() -> Vec<Seed> {
    let mut out = Vec::new();
    let b16 = phantom(16, 1);
    let b32 = phantom(32, 1);
    let n = b32.n;
    let px = &b32.px;
    let grey8: Vec<u8> = px.iter().map(|v| (v >> 4) as u8).collect();
    let hu: Vec<i16> = px.iter().map(|v| *v as i16 - 1024).collect();
    let rgb = colour(&grey8, n);

    // --- the phantom as generated, and its wrappings
    out.push(seed("ct16_explicit_le", write(&b16.obj), vec![f64s(&b16.px)], Check::Exact));
    let p10 = write(&b32.obj);
    out.push(seed("ct32_explicit_le", p10.clone(), vec![f64s(px)], Check::Exact));
    out.push(seed("ct32_no_preamble", p10[128..].to_vec(), vec![f64s(px)], Check::Exact));
    out.push(seed("ct32_meta_without_dicm", p10[132..].to_vec(), vec![f64s(px)], Check::Exact));
    out.push(seed("ct32_implicit_le", with_ts(b32.obj.clone(), IMPLICIT_LE), vec![f64s(px)], Check::Exact));
    out.push(seed("ct32_explicit_be", with_ts(b32.obj.clone(), EXPLICIT_BE), vec![f64s(px)], Check::Exact));
    out.push(seed("ct32_deflated", with_ts(b32.obj.clone(), DEFLATED_LE), vec![f64s(px)], Check::Exact));
    out.push(seed("ct32_no_meta_implicit_le", bare(&b32.obj, IMPLICIT_LE), vec![f64s(px)], Check::Exact));
    out.push(seed("ct32_no_meta_explicit_le", bare(&b32.obj, EXPLICIT_LE), vec![f64s(px)], Check::Exact));
    out.push(seed("ct32_no_meta_explicit_be", bare(&b32.obj, EXPLICIT_BE), vec![f64s(px)], Check::Exact));
    {
        // a meta group without Transfer Syntax UID (nor group length), then an implicit VR data set
        let mut m = b"DICM".to_vec();
        for (elem, value) in [(0x0002u16, "1.2.840.10008.5.1.4.1.1.2"), (0x0003, "2.25.1234")] {
            let mut v = value.as_bytes().to_vec();
            if v.len() % 2 == 1 {
                v.push(0);
            }
            m.extend_from_slice(&[0x02, 0x00]);
            m.extend_from_slice(&elem.to_le_bytes());
            m.extend_from_slice(b"UI");
            m.extend_from_slice(&(v.len() as u16).to_le_bytes());
            m.extend_from_slice(&v);
        }
        let mut bytes = vec![0u8; 128];
        bytes.extend_from_slice(&m);
        bytes.extend_from_slice(&bare(&b32.obj, IMPLICIT_LE));
        out.push(seed("ct32_meta_without_syntax", bytes, vec![f64s(px)], Check::Exact));
    }

    // --- sample types
    {
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 8, 8, 7, false);
        pixels_u8(&mut o, grey8.clone());
        out.push(seed("u8", write(&o), vec![f64s(&grey8)], Check::Exact));
        out.push(seed("u8_implicit_le", with_ts(o.clone(), IMPLICIT_LE), vec![f64s(&grey8)], Check::Exact));
        out.push(seed("u8_explicit_be", with_ts(o, EXPLICIT_BE), vec![f64s(&grey8)], Check::Exact));
    }
    {
        let v: Vec<i8> = grey8.iter().map(|g| (*g as i16 - 128) as i8).collect();
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 8, 8, 7, true);
        pixels_u8(&mut o, v.iter().map(|x| *x as u8).collect());
        out.push(seed("s8", write(&o), vec![f64s(&v)], Check::Exact));
    }
    {
        // signed 16-bit Hounsfield units, no rescale
        let mut o = b32.obj.clone();
        o.remove_element(tags::RESCALE_INTERCEPT);
        o.remove_element(tags::RESCALE_SLOPE);
        bits(&mut o, 16, 16, 15, true);
        pixels_u16(&mut o, hu.iter().map(|v| *v as u16).collect());
        out.push(seed("s16", write(&o), vec![f64s(&hu)], Check::Exact));
        out.push(seed("s16_explicit_be", with_ts(o, EXPLICIT_BE), vec![f64s(&hu)], Check::Exact));
    }
    {
        // signed 12 bits in 16, upper bits left zero: the decoder must sign-extend from bit 11
        let mut o = b32.obj.clone();
        o.remove_element(tags::RESCALE_INTERCEPT);
        o.remove_element(tags::RESCALE_SLOPE);
        bits(&mut o, 16, 12, 11, true);
        pixels_u16(&mut o, hu.iter().map(|v| *v as u16 & 0x0FFF).collect());
        out.push(seed("s16_stored12_sign_extend", write(&o), vec![f64s(&hu)], Check::Exact));
    }
    {
        // 12 bits stored with junk (overlay bits) above them: the decoder must mask them
        let mut o = b32.obj.clone();
        pixels_u16(&mut o, px.iter().enumerate().map(|(i, v)| v | ((i as u16 % 16) << 12)).collect());
        out.push(seed("u16_stored12_junk_high_bits", write(&o), vec![f64s(px)], Check::Exact));
    }
    {
        // High Bit 15 with 12 bits stored: the samples sit in the top of the word
        let mut o = b32.obj.clone();
        bits(&mut o, 16, 12, 15, false);
        pixels_u16(&mut o, px.iter().map(|v| v << 4).collect());
        out.push(seed("u16_high_bit_15", write(&o), vec![f64s(px)], Check::Exact));
    }
    {
        let v: Vec<u32> = px.iter().map(|p| *p as u32 * 40_000 + 7).collect();
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 32, 32, 31, false);
        pixels_u32(&mut o, v.clone());
        out.push(seed("u32", write(&o), vec![f64s(&v)], Check::Exact));
        out.push(seed("u32_explicit_be", with_ts(o, EXPLICIT_BE), vec![f64s(&v)], Check::Exact));
    }
    {
        let v: Vec<i32> = hu.iter().map(|h| *h as i32 * 1000).collect();
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 32, 32, 31, true);
        pixels_u32(&mut o, v.iter().map(|x| *x as u32).collect());
        out.push(seed("s32", write(&o), vec![f64s(&v)], Check::Exact));
    }
    {
        // 1 bit per pixel, packed least significant bit first; 5x5 frames so frames start mid-byte
        let mut o = phantom(16, 1).obj;
        no_voi(&mut o);
        let (r, c, frames) = (5usize, 5usize, 3usize);
        us(&mut o, tags::ROWS, r as u16);
        us(&mut o, tags::COLUMNS, c as u16);
        text(&mut o, tags::NUMBER_OF_FRAMES, VR::IS, &frames.to_string());
        bits(&mut o, 1, 1, 0, false);
        let bitsv: Vec<u8> = (0..r * c * frames).map(|i| ((i * 7 + i / 3) % 5 < 2) as u8).collect();
        let mut packed = vec![0u8; bitsv.len().div_ceil(8)];
        for (i, b) in bitsv.iter().enumerate() {
            packed[i / 8] |= b << (i % 8);
        }
        pixels_u8(&mut o, packed.clone());
        let expect: Vec<Vec<f64>> = bitsv.chunks(r * c).map(f64s).collect();
        out.push(seed("bit1_multiframe_5x5", write(&o), expect.clone(), Check::Exact));
        // the same bits, RLE compressed: one segment of the frame's packed bytes
        let mut e = o.clone();
        let frames_rle: Vec<Vec<Vec<u8>>> = bitsv
            .chunks(r * c)
            .map(|f| {
                let mut p = vec![0u8; f.len().div_ceil(8)];
                for (i, b) in f.iter().enumerate() {
                    p[i / 8] |= b << (i % 8);
                }
                vec![rle_frame(&p, 1, 1, p.len())]
            })
            .collect();
        encapsulate(&mut e, &frames_rle, true);
        out.push(seed("bit1_rle_multiframe", with_ts(e, RLE_LOSSLESS), expect, Check::Exact));
    }
    {
        // Bits Allocated 12: two samples in three bytes, s0 = b0 | (b1 & 0xF) << 8 and
        // s1 = b1 >> 4 | b2 << 4 (GDCM's Unpacker12Bits), as ACR-NEMA era scanners wrote them
        let pack12 = |v: &[u16]| -> Vec<u8> {
            v.chunks_exact(2)
                .flat_map(|p| [(p[0] & 0xFF) as u8, (p[0] >> 8 & 0xF) as u8 | ((p[1] & 0xF) << 4) as u8, (p[1] >> 4) as u8])
                .collect()
        };
        let v12: Vec<u16> = px.iter().map(|v| v & 0xFFF).collect();
        let mut o = b32.obj.clone();
        bits(&mut o, 12, 12, 11, false);
        put(&mut o, tags::PIXEL_DATA, VR::OW, PrimitiveValue::U8(pack12(&v12).into()));
        out.push(oracle_seed("bit12_packed", write(&o), vec![f64s(&v12)], Check::Exact));
        // three frames, implicit VR (as those scanners wrote); 12 bits stored (python-gdcm 3.2.6
        // aborts the process on Bits Stored 10 in 12: core/tests/packed_pixels.rs covers that)
        let frames: Vec<Vec<u16>> = (0..3u16).map(|f| v12.iter().map(|v| (v + 97 * f) & 0xFFF).collect()).collect();
        let mut o = b32.obj.clone();
        bits(&mut o, 12, 12, 11, false);
        text(&mut o, tags::NUMBER_OF_FRAMES, VR::IS, "3");
        no_voi(&mut o);
        put(&mut o, tags::PIXEL_DATA, VR::OW, PrimitiveValue::U8(frames.iter().flat_map(|f| pack12(f)).collect::<Vec<u8>>().into()));
        let expect = frames.iter().map(|f| f64s(f)).collect();
        out.push(oracle_seed("bit12_packed_implicit_multiframe3", with_ts(o, IMPLICIT_LE), expect, Check::Exact));
        // signed: sign-extended from bit 11
        let mut o = b32.obj.clone();
        bits(&mut o, 12, 12, 11, true);
        no_voi(&mut o);
        put(&mut o, tags::PIXEL_DATA, VR::OW, PrimitiveValue::U8(pack12(&v12).into()));
        let signed: Vec<f64> = v12.iter().map(|v| (((v << 4) as i16) >> 4) as f64).collect();
        out.push(oracle_seed("bit12_packed_signed", write(&o), vec![signed], Check::Exact));
    }
    {
        // JPEG 2000 with Bits Allocated 1 (segmentation masks): a 1-bit codestream per frame
        let (r, c) = (48usize, 40usize);
        let masks: Vec<Vec<u16>> = (0..3)
            .map(|f| (0..r * c).map(|i| (((i / c) * (i % c) + 5 * f) % 11 < 4) as u16).collect())
            .collect();
        let streams: Vec<Vec<u8>> = masks
            .iter()
            .map(|m| scanpass_core::phantom::j2k_lossless(m, c as u32, r as u32, 1).expect("J2K encode"))
            .collect();
        let mask_header = |frames: usize| {
            let mut o = phantom(16, 1).obj;
            no_voi(&mut o);
            us(&mut o, tags::ROWS, r as u16);
            us(&mut o, tags::COLUMNS, c as u16);
            bits(&mut o, 1, 1, 0, false);
            if frames > 1 {
                text(&mut o, tags::NUMBER_OF_FRAMES, VR::IS, &frames.to_string());
            }
            o
        };
        let mut o = mask_header(1);
        encapsulate(&mut o, &[vec![streams[0].clone()]], true);
        out.push(oracle_seed("j2k_bit1_mask", with_ts(o, J2K_LOSSLESS), vec![f64s(&masks[0])], Check::Exact));
        let mut o = mask_header(3);
        let frames: Vec<Vec<Vec<u8>>> = streams.iter().map(|s| vec![s.clone()]).collect();
        encapsulate(&mut o, &frames, true);
        let expect = masks.iter().map(|m| f64s(m)).collect();
        out.push(oracle_seed("j2k_bit1_multiframe3", with_ts(o, J2K), expect, Check::Exact));
    }
    {
        // Float Pixel Data and Double Float Pixel Data (parametric maps)
        let f: Vec<f32> = hu.iter().map(|h| *h as f32 / 10.0 + 0.25).collect();
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        o.remove_element(tags::PIXEL_DATA);
        for t in [tags::BITS_STORED, tags::HIGH_BIT, tags::PIXEL_REPRESENTATION] {
            o.remove_element(t);
        }
        us(&mut o, tags::BITS_ALLOCATED, 32);
        put(&mut o, tags::FLOAT_PIXEL_DATA, VR::OF, PrimitiveValue::F32(f.clone().into()));
        out.push(seed("float32", write(&o), vec![f64s(&f)], Check::Exact));
        out.push(seed("float32_explicit_be", with_ts(o.clone(), EXPLICIT_BE), vec![f64s(&f)], Check::Exact));
        let d: Vec<f64> = f.iter().map(|v| *v as f64 * 1.5).collect();
        o.remove_element(tags::FLOAT_PIXEL_DATA);
        us(&mut o, tags::BITS_ALLOCATED, 64);
        put(&mut o, tags::DOUBLE_FLOAT_PIXEL_DATA, VR::OD, PrimitiveValue::F64(d.clone().into()));
        out.push(seed("float64", write(&o), vec![d], Check::Exact));
    }

    // --- colour models
    let rgb_f = f64s(&rgb);
    {
        let mut o = b32.obj.clone();
        rgb_header(&mut o, "RGB", 0);
        bits(&mut o, 8, 8, 7, false);
        pixels_u8(&mut o, rgb.clone());
        out.push(seed("rgb8_interleaved", write(&o), vec![rgb_f.clone()], Check::Exact));
        out.push(seed("rgb8_interleaved_explicit_be", with_ts(o.clone(), EXPLICIT_BE), vec![rgb_f.clone()], Check::Exact));
        us(&mut o, tags::PLANAR_CONFIGURATION, 1);
        pixels_u8(&mut o, planar(&rgb));
        out.push(seed("rgb8_planar", write(&o), vec![rgb_f.clone()], Check::Exact));
    }
    {
        let v: Vec<u16> = rgb.iter().map(|c| *c as u16 * 257).collect();
        let mut o = b32.obj.clone();
        rgb_header(&mut o, "RGB", 0);
        bits(&mut o, 16, 16, 15, false);
        pixels_u16(&mut o, v.clone());
        out.push(seed("rgb16_interleaved", write(&o), vec![f64s(&v)], Check::Exact));
    }
    {
        let ybr = to_ybr(&rgb);
        let mut o = b32.obj.clone();
        rgb_header(&mut o, "YBR_FULL", 0);
        bits(&mut o, 8, 8, 7, false);
        pixels_u8(&mut o, ybr.clone());
        out.push(seed("ybr_full_native", write(&o), vec![rgb_f.clone()], Check::MaxAbs(2.0)));
        // YBR_FULL_422: Y1 Y2 Cb Cr per pair, chroma of the first pixel of the pair
        let mut v = Vec::new();
        for p in ybr.chunks_exact(6) {
            v.extend_from_slice(&[p[0], p[3], p[1], p[2]]);
        }
        let mut expect = Vec::new();
        for p in ybr.chunks_exact(6) {
            let pair = to_rgb_ref(&[p[0], p[1], p[2], p[3], p[1], p[2]]);
            expect.extend(pair.iter().map(|x| *x as f64));
        }
        let mut o = b32.obj.clone();
        rgb_header(&mut o, "YBR_FULL_422", 0);
        bits(&mut o, 8, 8, 7, false);
        pixels_u8(&mut o, v);
        out.push(seed("ybr_full_422_native", write(&o), vec![expect], Check::MaxAbs(2.0)));
    }
    {
        // PALETTE COLOR: 16 entries of 16 bits, indices from the phantom
        let idx: Vec<u8> = px.iter().map(|v| (v >> 7).min(15) as u8).collect();
        let lut = |f: fn(u16) -> u16| -> Vec<u16> { (0..16u16).map(f).collect() };
        let (r, g, b) = (lut(|i| i * 4369), lut(|i| 65535 - i * 4369), lut(|i| (i % 4) * 21845));
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        text(&mut o, tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "PALETTE COLOR");
        bits(&mut o, 8, 8, 7, false);
        for (d, data, l) in [
            (tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR, tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DATA, &r),
            (tags::GREEN_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR, tags::GREEN_PALETTE_COLOR_LOOKUP_TABLE_DATA, &g),
            (tags::BLUE_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR, tags::BLUE_PALETTE_COLOR_LOOKUP_TABLE_DATA, &b),
        ] {
            put(&mut o, d, VR::US, PrimitiveValue::U16(vec![16, 0, 16].into()));
            put(&mut o, data, VR::OW, PrimitiveValue::U16(l.clone().into()));
        }
        pixels_u8(&mut o, idx.clone());
        let (r2, g2, b2) = (r.clone(), g.clone(), b.clone());
        let idx2 = idx.clone();
        let mut sd = seed("palette8_lut16", write(&o), vec![f64s(&idx)], Check::Exact);
        sd.render_check = Some(Box::new(move |rgba: &[u8]| {
            for (i, p) in rgba.chunks_exact(4).enumerate() {
                let k = idx2[i] as usize;
                let want = [(r2[k] >> 8) as u8, (g2[k] >> 8) as u8, (b2[k] >> 8) as u8, 255];
                if p != want {
                    return Err(format!("pixel {i}: {p:?}, palette says {want:?}"));
                }
            }
            Ok(())
        }));
        out.push(sd);

        // segmented palette (PS3.3 C.7.9.2): discrete, linear and indirect segments, 16-bit indices
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        text(&mut o, tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "PALETTE COLOR");
        let idx16: Vec<u16> = px.iter().map(|v| v >> 4).collect(); // 0..255
        for (d, data, y) in [
            (tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR, tags::SEGMENTED_RED_PALETTE_COLOR_LOOKUP_TABLE_DATA, 65535u16),
            (tags::GREEN_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR, tags::SEGMENTED_GREEN_PALETTE_COLOR_LOOKUP_TABLE_DATA, 30000),
            (tags::BLUE_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR, tags::SEGMENTED_BLUE_PALETTE_COLOR_LOOKUP_TABLE_DATA, 0),
        ] {
            put(&mut o, d, VR::US, PrimitiveValue::U16(vec![256, 0, 16].into()));
            // discrete [0], linear over 127 entries to y, an indirect copy of that linear segment
            // (words 3..6; from y to y), then one linear step down to 0: 256 entries
            let seg = vec![0, 1, 0, 1, 127, y, 2, 1, 3, 0, 1, 1, 0];
            put(&mut o, data, VR::OW, PrimitiveValue::U16(seg.into()));
        }
        pixels_u16(&mut o, idx16.clone());
        out.push(seed("palette16_segmented", write(&o), vec![f64s(&idx16)], Check::Exact));
    }
    {
        let mut o = b32.obj.clone();
        text(&mut o, tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "MONOCHROME1");
        let mut sd = seed("monochrome1", write(&o), vec![f64s(px)], Check::Exact);
        // air (-1000 HU) under the brain window (40/80) is black in MONOCHROME2: white here
        sd.render_check = Some(Box::new(|rgba: &[u8]| {
            if rgba[..4] == [255, 255, 255, 255] {
                Ok(())
            } else {
                Err(format!("air renders {:?}, want white", &rgba[..4]))
            }
        }));
        out.push(sd);
    }

    // --- display transforms
    {
        let mut o = b32.obj.clone();
        o.remove_element(tags::RESCALE_INTERCEPT);
        o.remove_element(tags::RESCALE_SLOPE);
        let ident: Vec<u16> = (0..4096u16).map(|i| i / 2).collect();
        sequence(
            &mut o,
            tags::MODALITY_LUT_SEQUENCE,
            vec![item(vec![
                (tags::LUT_DESCRIPTOR, VR::US, PrimitiveValue::U16(vec![4096, 0, 12].into())),
                (tags::MODALITY_LUT_TYPE, VR::LO, s("HU")),
                (tags::LUT_DATA, VR::OW, PrimitiveValue::U16(ident.into())),
            ])],
        );
        let ramp: Vec<u16> = (0..256u16).map(|i| (i * 3) % 256).collect();
        for t in [tags::WINDOW_CENTER, tags::WINDOW_WIDTH, tags::WINDOW_CENTER_WIDTH_EXPLANATION] {
            o.remove_element(t);
        }
        sequence(
            &mut o,
            tags::VOILUT_SEQUENCE,
            vec![item(vec![
                (tags::LUT_DESCRIPTOR, VR::US, PrimitiveValue::U16(vec![256, 500, 8].into())),
                (tags::LUT_EXPLANATION, VR::LO, s("SAWTOOTH")),
                (tags::LUT_DATA, VR::OW, PrimitiveValue::U16(ramp.into())),
            ])],
        );
        out.push(seed("modality_lut_and_voi_lut", write(&o), vec![f64s(px)], Check::Exact));
    }
    {
        let mut o = b32.obj.clone();
        text(&mut o, tags::VOILUT_FUNCTION, VR::CS, "SIGMOID");
        out.push(seed("window_sigmoid", write(&o), vec![f64s(px)], Check::Exact));
        text(&mut o, tags::VOILUT_FUNCTION, VR::CS, "LINEAR_EXACT");
        text(&mut o, tags::WINDOW_WIDTH, VR::DS, "0.5\\1800");
        out.push(seed("window_linear_exact", write(&o), vec![f64s(px)], Check::Exact));
    }

    // --- multi-frame
    let slices: Vec<Vec<u16>> = (0..3).map(|i| phantom(16, i).px).collect();
    let all: Vec<u16> = slices.concat();
    let expect16: Vec<Vec<f64>> = slices.iter().map(|v| f64s(v)).collect();
    {
        let mut o = b16.obj.clone();
        text(&mut o, tags::NUMBER_OF_FRAMES, VR::IS, "3");
        pixels_u16(&mut o, all.clone());
        out.push(seed("multiframe3_u16", write(&o), expect16.clone(), Check::Exact));
    }
    {
        // enhanced multi-frame: per-frame rescale and window, shared pixel measures
        let mut o = b16.obj.clone();
        no_voi(&mut o);
        text(&mut o, tags::SOP_CLASS_UID, VR::UI, "1.2.840.10008.5.1.4.1.1.2.1");
        text(&mut o, tags::NUMBER_OF_FRAMES, VR::IS, "3");
        o.remove_element(tags::PIXEL_SPACING);
        let mut shared = InMemDicomObject::new_empty();
        sequence(
            &mut shared,
            tags::PIXEL_MEASURES_SEQUENCE,
            vec![item(vec![(tags::PIXEL_SPACING, VR::DS, s("0.5\\0.5"))])],
        );
        sequence(&mut o, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE, vec![shared]);
        let per_frame: Vec<InMemDicomObject> = (0..3)
            .map(|f| {
                let mut g = InMemDicomObject::new_empty();
                sequence(
                    &mut g,
                    tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE,
                    vec![item(vec![
                        (tags::RESCALE_SLOPE, VR::DS, s(&format!("{}", f + 1))),
                        (tags::RESCALE_INTERCEPT, VR::DS, s("-1024")),
                        (tags::RESCALE_TYPE, VR::LO, s("HU")),
                    ])],
                );
                sequence(
                    &mut g,
                    tags::FRAME_VOILUT_SEQUENCE,
                    vec![item(vec![
                        (tags::WINDOW_CENTER, VR::DS, s(&format!("{}", 40 * (f + 1)))),
                        (tags::WINDOW_WIDTH, VR::DS, s("400")),
                    ])],
                );
                g
            })
            .collect();
        sequence(&mut o, tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, per_frame);
        pixels_u16(&mut o, all.clone());
        out.push(seed("enhanced_multiframe3", write(&o), expect16.clone(), Check::Exact));
    }

    // --- RLE Lossless
    {
        let mut o = b32.obj.clone();
        encapsulate(&mut o, &[vec![rle_frame(&le_bytes_u16(px), 1, 2, n)]], true);
        out.push(seed("rle_u16", with_ts(o, RLE_LOSSLESS), vec![f64s(px)], Check::Exact));

        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 8, 8, 7, false);
        encapsulate(&mut o, &[vec![rle_frame(&grey8, 1, 1, n)]], false);
        out.push(seed("rle_u8_no_offset_table", with_ts(o, RLE_LOSSLESS), vec![f64s(&grey8)], Check::Exact));

        let mut o = b32.obj.clone();
        o.remove_element(tags::RESCALE_INTERCEPT);
        o.remove_element(tags::RESCALE_SLOPE);
        bits(&mut o, 16, 16, 15, true);
        let le: Vec<u8> = hu.iter().flat_map(|v| v.to_le_bytes()).collect();
        encapsulate(&mut o, &[vec![rle_frame(&le, 1, 2, n)]], true);
        out.push(seed("rle_s16", with_ts(o, RLE_LOSSLESS), vec![f64s(&hu)], Check::Exact));

        let mut o = b32.obj.clone();
        rgb_header(&mut o, "RGB", 0);
        bits(&mut o, 8, 8, 7, false);
        encapsulate(&mut o, &[vec![rle_frame(&rgb, 3, 1, n)]], true);
        out.push(seed("rle_rgb8", with_ts(o, RLE_LOSSLESS), vec![rgb_f.clone()], Check::Exact));

        let v: Vec<u32> = px.iter().map(|p| *p as u32 * 40_000 + 7).collect();
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 32, 32, 31, false);
        let le: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        encapsulate(&mut o, &[vec![rle_frame(&le, 1, 4, n)]], true);
        out.push(seed("rle_u32", with_ts(o, RLE_LOSSLESS), vec![f64s(&v)], Check::Exact));

        let mut o = b16.obj.clone();
        text(&mut o, tags::NUMBER_OF_FRAMES, VR::IS, "3");
        let frames: Vec<Vec<Vec<u8>>> = slices
            .iter()
            .map(|f| vec![rle_frame(&le_bytes_u16(f), 1, 2, 16)])
            .collect();
        encapsulate(&mut o, &frames, true);
        out.push(seed("rle_multiframe3", with_ts(o, RLE_LOSSLESS), expect16.clone(), Check::Exact));
    }

    // --- JPEG (libjpeg-turbo)
    let psnr8 = Check::Psnr { db: 30.0, peak: 255.0 };
    {
        let j = turbojpeg(JpegInput::P8(&grey8), n, n, 1, &jpeg_params(&[], true));
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 8, 8, 7, false);
        encapsulate(&mut o, &[vec![j.clone()]], true);
        out.push(seed("jpeg_baseline_grey8", with_ts(o.clone(), JPEG_BASELINE), vec![f64s(&grey8)], psnr8));
        // the same stream split over three fragments of one frame
        encapsulate(&mut o, &[split_even(&j, 3)], false);
        out.push(seed("jpeg_baseline_3_fragments", with_ts(o.clone(), JPEG_BASELINE), vec![f64s(&grey8)], psnr8));
        // encapsulated JPEG under a meta group that names explicit VR little endian
        encapsulate(&mut o, &[vec![j.clone()]], true);
        out.push(seed("jpeg_under_explicit_le_syntax", with_ts(o.clone(), EXPLICIT_LE), vec![f64s(&grey8)], psnr8));
        // restart markers every row of blocks
        let jr = turbojpeg(
            JpegInput::P8(&grey8),
            n,
            n,
            1,
            &jpeg_params(&[(tj::TJPARAM_TJPARAM_RESTARTROWS, 1)], true),
        );
        encapsulate(&mut o, &[vec![jr]], true);
        out.push(seed("jpeg_baseline_restart", with_ts(o, JPEG_BASELINE), vec![f64s(&grey8)], psnr8));
    }
    {
        // three frames with an offset table, and three frames each split in two without one
        let g: Vec<Vec<u8>> = slices.iter().map(|f| f.iter().map(|v| (v >> 4) as u8).collect()).collect();
        let streams: Vec<Vec<u8>> = g
            .iter()
            .map(|f| turbojpeg(JpegInput::P8(f), 16, 16, 1, &jpeg_params(&[], true)))
            .collect();
        let expect: Vec<Vec<f64>> = g.iter().map(|f| f64s(f)).collect();
        let mut o = b16.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 8, 8, 7, false);
        text(&mut o, tags::NUMBER_OF_FRAMES, VR::IS, "3");
        let frames: Vec<Vec<Vec<u8>>> = streams.iter().map(|s| vec![s.clone()]).collect();
        encapsulate(&mut o, &frames, true);
        out.push(seed("jpeg_multiframe3", with_ts(o.clone(), JPEG_BASELINE), expect.clone(), psnr8));
        let split: Vec<Vec<Vec<u8>>> = streams
            .iter()
            .map(|s| split_even(s, 2))
            .collect();
        encapsulate(&mut o, &split, false);
        out.push(seed("jpeg_multiframe3_split_no_offsets", with_ts(o.clone(), JPEG_BASELINE), expect.clone(), psnr8));
        encapsulate(&mut o, &split, true);
        out.push(seed("jpeg_multiframe3_split_offsets", with_ts(o, JPEG_BASELINE), expect, psnr8));
    }
    {
        // colour: 4:2:0 YCbCr (YBR_FULL_422 in DICOM terms), 4:4:4 YCbCr, and RGB without conversion
        for (name, samp, cs, photometric) in [
            ("jpeg_baseline_ybr_420", tj::TJSAMP_TJSAMP_420, None, "YBR_FULL_422"),
            ("jpeg_baseline_ybr_422", tj::TJSAMP_TJSAMP_422, None, "YBR_FULL_422"),
            ("jpeg_baseline_ybr_444", tj::TJSAMP_TJSAMP_444, None, "YBR_FULL"),
            ("jpeg_baseline_rgb", tj::TJSAMP_TJSAMP_444, Some(tj::TJCS_TJCS_RGB), "RGB"),
        ] {
            let mut p = jpeg_params(&[(tj::TJPARAM_TJPARAM_SUBSAMP, samp as i32)], false);
            if let Some(cs) = cs {
                p.push((tj::TJPARAM_TJPARAM_COLORSPACE, cs as i32));
            }
            let j = turbojpeg(JpegInput::P8(&rgb), n, n, 3, &p);
            let mut o = b32.obj.clone();
            rgb_header(&mut o, photometric, 0);
            bits(&mut o, 8, 8, 7, false);
            encapsulate(&mut o, &[vec![j]], true);
            let db = if samp == tj::TJSAMP_TJSAMP_444 { 28.0 } else { 22.0 };
            out.push(seed(name, with_ts(o, JPEG_BASELINE), vec![rgb_f.clone()], Check::Psnr { db, peak: 255.0 }));
        }
    }
    {
        // 12-bit lossy (process 4)
        let v: Vec<i16> = px.iter().map(|p| *p as i16).collect();
        let j = turbojpeg(JpegInput::P12(&v), n, n, 1, &jpeg_params(&[], true));
        let mut o = b32.obj.clone();
        encapsulate(&mut o, &[vec![j]], true);
        out.push(seed("jpeg_extended_12bit", with_ts(o, JPEG_EXTENDED), vec![f64s(px)], Check::Psnr { db: 40.0, peak: 4095.0 }));
    }
    {
        // lossless: 12 bits (SV1), 16 bits (predictor 7), 8-bit grey and RGB
        let v: Vec<i16> = px.iter().map(|p| *p as i16).collect();
        let j = turbojpeg(JpegInput::P12(&v), n, n, 1, &lossless(12, 1, tj::TJSAMP_TJSAMP_GRAY));
        let mut o = b32.obj.clone();
        encapsulate(&mut o, &[vec![j]], true);
        out.push(seed("jpeg_lossless_sv1_12bit", with_ts(o, JPEG_LOSSLESS_SV1), vec![f64s(px)], Check::Exact));

        let w: Vec<u16> = px.iter().map(|p| p * 16 + 5).collect();
        let j = turbojpeg(JpegInput::P16(&w), n, n, 1, &lossless(16, 7, tj::TJSAMP_TJSAMP_GRAY));
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 16, 16, 15, false);
        encapsulate(&mut o, &[vec![j]], true);
        out.push(seed("jpeg_lossless_psv7_16bit", with_ts(o, JPEG_LOSSLESS), vec![f64s(&w)], Check::Exact));

        let j = turbojpeg(JpegInput::P8(&grey8), n, n, 1, &lossless(8, 1, tj::TJSAMP_TJSAMP_GRAY));
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 8, 8, 7, false);
        encapsulate(&mut o, &[vec![j]], true);
        out.push(seed("jpeg_lossless_sv1_8bit", with_ts(o, JPEG_LOSSLESS_SV1), vec![f64s(&grey8)], Check::Exact));

        let j = turbojpeg(JpegInput::P8(&rgb), n, n, 3, &lossless(8, 1, tj::TJSAMP_TJSAMP_444));
        let mut o = b32.obj.clone();
        rgb_header(&mut o, "RGB", 0);
        bits(&mut o, 8, 8, 7, false);
        encapsulate(&mut o, &[vec![j]], true);
        out.push(seed("jpeg_lossless_sv1_rgb8", with_ts(o, JPEG_LOSSLESS_SV1), vec![rgb_f.clone()], Check::Exact));

        // signed 16-bit lossless: the stream carries the bit pattern, the header says signed
        let hs: Vec<u16> = hu.iter().map(|v| *v as u16).collect();
        let j = turbojpeg(JpegInput::P16(&hs), n, n, 1, &lossless(16, 1, tj::TJSAMP_TJSAMP_GRAY));
        let mut o = b32.obj.clone();
        o.remove_element(tags::RESCALE_INTERCEPT);
        o.remove_element(tags::RESCALE_SLOPE);
        bits(&mut o, 16, 16, 15, true);
        encapsulate(&mut o, &[vec![j]], true);
        out.push(seed("jpeg_lossless_sv1_s16", with_ts(o, JPEG_LOSSLESS_SV1), vec![f64s(&hu)], Check::Exact));
    }

    // --- JPEG-LS (CharLS)
    {
        let j = jpeg_ls(&le_bytes_u16(px), n, n, 12, 1, 0, InterleaveMode::None);
        let mut o = b32.obj.clone();
        encapsulate(&mut o, &[vec![j.clone()]], true);
        out.push(seed("jpegls_lossless_12bit", with_ts(o.clone(), JPEG_LS_LOSSLESS), vec![f64s(px)], Check::Exact));
        encapsulate(&mut o, &[split_even(&j, 2)], true);
        out.push(seed("jpegls_lossless_2_fragments", with_ts(o, JPEG_LS_LOSSLESS), vec![f64s(px)], Check::Exact));

        let j = jpeg_ls(&le_bytes_u16(px), n, n, 12, 1, 3, InterleaveMode::None);
        let mut o = b32.obj.clone();
        encapsulate(&mut o, &[vec![j]], true);
        out.push(seed("jpegls_near3_12bit", with_ts(o, JPEG_LS_NEAR), vec![f64s(px)], Check::MaxAbs(3.0)));

        let j = jpeg_ls(&grey8, n, n, 8, 1, 0, InterleaveMode::None);
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 8, 8, 7, false);
        encapsulate(&mut o, &[vec![j]], true);
        out.push(seed("jpegls_lossless_8bit", with_ts(o, JPEG_LS_LOSSLESS), vec![f64s(&grey8)], Check::Exact));

        // 7-bit samples in 16-bit pixels: the decoder widens CharLS's bytes
        let g7: Vec<u8> = grey8.iter().map(|g| g >> 1).collect();
        let j = jpeg_ls(&g7, n, n, 7, 1, 0, InterleaveMode::None);
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 16, 7, 6, false);
        encapsulate(&mut o, &[vec![j]], true);
        out.push(seed("jpegls_lossless_7bit_in_16", with_ts(o, JPEG_LS_LOSSLESS), vec![f64s(&g7)], Check::Exact));

        for (name, mode, src) in [
            ("jpegls_rgb8_sample_interleaved", InterleaveMode::Sample, rgb.clone()),
            ("jpegls_rgb8_line_interleaved", InterleaveMode::Line, rgb.clone()),
            ("jpegls_rgb8_not_interleaved", InterleaveMode::None, planar(&rgb)),
        ] {
            let j = jpeg_ls(&src, n, n, 8, 3, 0, mode);
            let mut o = b32.obj.clone();
            rgb_header(&mut o, "RGB", 0);
            bits(&mut o, 8, 8, 7, false);
            encapsulate(&mut o, &[vec![j]], true);
            out.push(seed(name, with_ts(o, JPEG_LS_LOSSLESS), vec![rgb_f.clone()], Check::Exact));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Regressions: small files that made scanpass-core allocate or work out of proportion to their
// size (see fuzz/regressions/README.md). Not seeds: each costs the fuzzer an out-of-memory restart.

/// Set the SOFn frame size of a JPEG or JPEG-LS stream (the first SOF marker segment).
fn patch_sof(stream: &mut [u8], width: u16, height: u16) {
    let mut pos = 2;
    while pos + 9 < stream.len() {
        let marker = stream[pos + 1];
        if matches!(marker, 0xC0..=0xC3 | 0xF7) {
            stream[pos + 5..pos + 7].copy_from_slice(&height.to_be_bytes());
            stream[pos + 7..pos + 9].copy_from_slice(&width.to_be_bytes());
            return;
        }
        pos += 2 + u16::from_be_bytes([stream[pos + 2], stream[pos + 3]]) as usize;
    }
    panic!("no SOF marker");
}

fn regressions() -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    let b32 = phantom(32, 1);
    let grey8: Vec<u8> = b32.px.iter().map(|v| (v >> 4) as u8).collect();
    {
        // dicom-parser allocates (and zero-fills) an element's declared length before reading
        // it. A bare implicit VR data set: Specific Character Set, then Image Type (CS) declared
        // 4 GiB long: 34 bytes make the text reader resize a buffer to 4 GiB (infallibly).
        let mut b = vec![0x08, 0x00, 0x05, 0x00, 10, 0, 0, 0];
        b.extend_from_slice(b"ISO_IR 100");
        b.extend_from_slice(&[0x08, 0x00, 0x08, 0x00, 0xF0, 0xFF, 0xFF, 0xFF]);
        b.extend_from_slice(b"ORIGINAL");
        out.push(("dicom-parser-4gib-text-length", b));
        // the same claim in an element after group 7FE0 (a private (7FE1,0010) here): the walk
        // that checks lengths for DicomImage stops at the first group past 7FE0, and the whole
        // file then goes to dicom-rs, which allocates what the element claims
        let mut b = vec![0x08, 0x00, 0x05, 0x00, 10, 0, 0, 0];
        b.extend_from_slice(b"ISO_IR 100");
        b.extend_from_slice(&[0xE1, 0x7F, 0x10, 0x00, 0xF0, 0xFF, 0xFF, 0xF0]);
        b.extend_from_slice(b"SCANPASS");
        out.push(("walk-stops-past-7fe0-4gib-element", b));
        // the same with Pixel Data (OB) of an ordinary Part 10 file declared 4 GiB long
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 8, 8, 7, false);
        pixels_u8(&mut o, grey8.clone());
        let mut b = write(&o);
        let at = b
            .windows(8)
            .position(|w| w == b"\xE0\x7F\x10\x00OB\x00\x00")
            .expect("pixel data header");
        b[at + 8..at + 12].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        out.push(("dicom-parser-4gib-pixel-data-length", b.clone()));
        // the same data set deflated (1.2.840.10008.1.2.1.99): the walk that guards dicom-rs
        // cannot look inside a deflated data set
        let mut d = o.clone();
        set_ts(&mut d, DEFLATED_LE);
        let file = write(&d);
        let meta_end = |f: &[u8]| 144 + u32::from_le_bytes(f[140..144].try_into().unwrap()) as usize;
        let mut bytes = file[..meta_end(&file)].to_vec();
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, &b[meta_end(&b)..]).unwrap();
        bytes.extend_from_slice(&z.finish().unwrap());
        out.push(("dicom-parser-4gib-pixel-data-length-deflated", bytes.clone()));
        // deflated from two bytes too far (the explicit VR file's meta group is two bytes shorter
        // than the deflated one's): the inflated data set is garbage whose element lengths make
        // dicom-parser zero-fill buffers just under 2 GB: about 16 s for a 1 KB file
        let mut bytes = file[..meta_end(&file)].to_vec();
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, &b[meta_end(&file)..]).unwrap();
        bytes.extend_from_slice(&z.finish().unwrap());
        out.push(("dicom-parser-deflated-garbage-slow", bytes));
    }
    {
        // RLE, 8 bits, 65535 x 65535 declared: one 66-byte segment stands for 4 GiB of pixels
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        bits(&mut o, 8, 8, 7, false);
        us(&mut o, tags::ROWS, 65535);
        us(&mut o, tags::COLUMNS, 65535);
        encapsulate(&mut o, &[vec![rle_frame(&grey8, 1, 1, 32)]], true);
        out.push(("rle-65535x65535-bomb", with_ts(o, RLE_LOSSLESS)));
    }
    {
        // segmented palette whose one indirect segment replays 65535 linear segments of 65535
        // entries each: 400 KB of words expand to 4.3 G entries
        let mut o = b32.obj.clone();
        no_voi(&mut o);
        text(&mut o, tags::PHOTOMETRIC_INTERPRETATION, VR::CS, "PALETTE COLOR");
        bits(&mut o, 8, 8, 7, false);
        pixels_u8(&mut o, grey8.clone());
        let mut seg: Vec<u16> = vec![0, 1, 0, 2, 65535, 7, 0];
        for k in 0..65535u32 {
            seg.extend_from_slice(&[1, 65535, (k % 2 * 65535) as u16]);
        }
        // the bomb in the red table; green and blue are an ordinary ramp
        let ramp: Vec<u16> = vec![0, 1, 0, 1, 255, 65535];
        for (d, data, words) in [
            (tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR, tags::SEGMENTED_RED_PALETTE_COLOR_LOOKUP_TABLE_DATA, &seg),
            (tags::GREEN_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR, tags::SEGMENTED_GREEN_PALETTE_COLOR_LOOKUP_TABLE_DATA, &ramp),
            (tags::BLUE_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR, tags::SEGMENTED_BLUE_PALETTE_COLOR_LOOKUP_TABLE_DATA, &ramp),
        ] {
            put(&mut o, d, VR::US, PrimitiveValue::U16(vec![256, 0, 16].into()));
            put(&mut o, data, VR::OW, PrimitiveValue::U16(words.clone().into()));
        }
        out.push(("palette-segmented-indirect-bomb", write(&o)));
    }
    {
        // a 32x32 header around a JPEG whose frame header says 16384 x 16384 x 3 (lossless, 16
        // bits): the stream is decoded in full before its size is compared with the header's
        let rgb16: Vec<u16> = colour(&grey8, 32).iter().map(|c| *c as u16 * 257).collect();
        let mut j = turbojpeg(JpegInput::P16(&rgb16), 32, 32, 3, &lossless(16, 1, tj::TJSAMP_TJSAMP_444));
        patch_sof(&mut j, 16384, 16384);
        let mut o = b32.obj.clone();
        rgb_header(&mut o, "RGB", 0);
        bits(&mut o, 16, 16, 15, false);
        encapsulate(&mut o, &[vec![j]], true);
        out.push(("jpeg-frame-16384-in-32x32-header", with_ts(o, JPEG_LOSSLESS_SV1)));
    }
    {
        // the same for JPEG-LS: 16384 x 16384, 3 components of 16 bits
        let rgb16: Vec<u8> = colour(&grey8, 32).iter().flat_map(|c| (*c as u16 * 257).to_le_bytes()).collect();
        let mut j = jpeg_ls(&rgb16, 32, 32, 16, 3, 0, InterleaveMode::Sample);
        patch_sof(&mut j, 16384, 16384);
        let mut o = b32.obj.clone();
        rgb_header(&mut o, "RGB", 0);
        bits(&mut o, 16, 16, 15, false);
        encapsulate(&mut o, &[vec![j]], true);
        out.push(("jpegls-frame-16384-in-32x32-header", with_ts(o, JPEG_LS_LOSSLESS)));
    }
    out
}

/// YBR_FULL to RGB as a reference (PS3.3 C.7.6.3.1.2).
fn to_rgb_ref(ybr: &[u8]) -> Vec<u8> {
    ybr.chunks_exact(3)
        .flat_map(|p| {
            let (y, cb, cr) = (p[0] as f64, p[1] as f64 - 128.0, p[2] as f64 - 128.0);
            [
                y + 1.402 * cr,
                y - 0.344_136 * cb - 0.714_136 * cr,
                y + 1.772 * cb,
            ]
            .map(|v| v.round().clamp(0.0, 255.0) as u8)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading back through scanpass-core

fn samples_f64(s: &Samples<'_>) -> Vec<f64> {
    match s {
        Samples::U8(v) => f64s(v),
        Samples::I8(v) => f64s(v),
        Samples::U16(v) => f64s(v),
        Samples::I16(v) => f64s(v),
        Samples::U32(v) => f64s(v),
        Samples::I32(v) => f64s(v),
        Samples::F32(v) => f64s(v),
        Samples::F64(v) => v.to_vec(),
    }
}

fn compare(got: &[f64], want: &[f64], check: Check) -> Result<String, String> {
    if got.len() != want.len() {
        return Err(format!("{} samples, want {}", got.len(), want.len()));
    }
    let diffs = got.iter().zip(want).map(|(a, b)| (a - b).abs());
    match check {
        Check::Exact => match got.iter().zip(want).position(|(a, b)| a != b) {
            None => Ok("exact".into()),
            Some(i) => Err(format!(
                "sample {i} is {}, want {} ({} samples differ)",
                got[i],
                want[i],
                got.iter().zip(want).filter(|(a, b)| a != b).count()
            )),
        },
        Check::MaxAbs(limit) => {
            let max = diffs.fold(0.0, f64::max);
            if max <= limit {
                Ok(format!("max err {max}"))
            } else {
                Err(format!("max error {max} > {limit}"))
            }
        }
        Check::Psnr { db, peak } => {
            let mse = diffs.map(|d| d * d).sum::<f64>() / got.len().max(1) as f64;
            let psnr = if mse == 0.0 {
                f64::INFINITY
            } else {
                10.0 * (peak * peak / mse).log10()
            };
            if psnr >= db {
                Ok(format!("PSNR {psnr:.1} dB"))
            } else {
                Err(format!("PSNR {psnr:.1} dB < {db} dB"))
            }
        }
    }
}

struct Row {
    name: String,
    bytes: usize,
    syntax: String,
    image: String,
    ok: bool,
    detail: String,
}

fn check(seed: &Seed) -> Row {
    let mut row = Row {
        name: seed.name.clone(),
        bytes: seed.bytes.len(),
        syntax: "-".into(),
        image: "-".into(),
        ok: false,
        detail: String::new(),
    };
    let obj = match parse(&seed.bytes, ReadDepth::Full) {
        Ok(o) => o,
        Err(e) => {
            row.detail = format!("parse: {e}");
            return row;
        }
    };
    let info = match ImageInfo::from_object(&obj) {
        Ok(i) => i,
        Err(e) => {
            row.detail = format!("describe: {e}");
            return row;
        }
    };
    row.syntax = short_syntax(&info.transfer_syntax.uid);
    row.image = format!(
        "{}x{}x{} {} {}{}b",
        info.cols,
        info.rows,
        info.frames,
        info.photometric.as_str(),
        if info.signed { "s" } else { "u" },
        info.bits_stored
    );
    if info.frames as usize != seed.expect.len() {
        row.detail = format!("{} frames, want {}", info.frames, seed.expect.len());
        return row;
    }
    let mut notes = Vec::new();
    for (f, want) in seed.expect.iter().enumerate() {
        let frame = match decode_frame(&obj, &info, f as u32) {
            Ok(fr) => fr,
            Err(e) => {
                row.detail = format!("frame {f}: decode: {e}");
                return row;
            }
        };
        match compare(&samples_f64(&frame.samples), want, seed.check) {
            Ok(note) => {
                if f == 0 {
                    notes.push(note)
                }
            }
            Err(e) => {
                row.detail = format!("frame {f}: {e}");
                return row;
            }
        }
        match render(&info, &frame, &Voi::Default) {
            Ok((image, _)) => {
                if let (0, Some(rc)) = (f, &seed.render_check) {
                    if let Err(e) = rc(&image.rgba) {
                        row.detail = format!("render: {e}");
                        return row;
                    }
                    notes.push("render ok".into());
                }
            }
            Err(e) => {
                row.detail = format!("frame {f}: render: {e}");
                return row;
            }
        }
    }
    // the viewer's path (header parsed, pixel data located, frames read one by one) must agree
    if let Err(e) = check_image(seed) {
        row.detail = format!("DicomImage path: {e}");
        return row;
    }
    row.ok = true;
    row.detail = notes.join(", ");
    row
}

fn check_image(seed: &Seed) -> Result<(), String> {
    let image = DicomImage::from_bytes(seed.bytes.clone()).map_err(|e| format!("open: {e}"))?;
    let info = image.info().map_err(|e| format!("describe: {e}"))?;
    if info.frames as usize != seed.expect.len() {
        return Err(format!("{} frames, want {}", info.frames, seed.expect.len()));
    }
    for (f, want) in seed.expect.iter().enumerate() {
        let frame = image
            .decode_frame(f as u32)
            .map_err(|e| format!("frame {f}: decode: {e}"))?;
        compare(&samples_f64(&frame.samples), want, seed.check).map_err(|e| format!("frame {f}: {e}"))?;
        render(info, &frame, &Voi::Default).map_err(|e| format!("frame {f}: render: {e}"))?;
    }
    Ok(())
}

/// What the fuzz target does to one input, as text: parse, describe, decode up to 4 frames, render.
fn run_pipeline(bytes: &[u8]) -> String {
    let obj = match parse(bytes, ReadDepth::Full) {
        Ok(o) => o,
        Err(e) => return format!("parse error: {e}"),
    };
    let info = match ImageInfo::from_object(&obj) {
        Ok(i) => i,
        Err(e) => return format!("describe error: {e}"),
    };
    let mut notes = Vec::new();
    for f in 0..info.frames.min(4) {
        match decode_frame(&obj, &info, f) {
            Ok(frame) => match render(&info, &frame, &Voi::Default) {
                Ok((img, _)) => notes.push(format!("frame {f}: rendered {}x{}", img.width, img.height)),
                Err(e) => notes.push(format!("frame {f}: render error: {e}")),
            },
            Err(e) => notes.push(format!("frame {f}: decode error: {e}")),
        }
    }
    notes.join("; ")
}

fn short_syntax(uid: &str) -> String {
    match uid {
        IMPLICIT_LE => "implicit LE",
        EXPLICIT_LE => "explicit LE",
        DEFLATED_LE => "deflated LE",
        EXPLICIT_BE => "explicit BE",
        JPEG_BASELINE => "JPEG baseline",
        JPEG_EXTENDED => "JPEG extended",
        JPEG_LOSSLESS => "JPEG lossless",
        JPEG_LOSSLESS_SV1 => "JPEG lossless SV1",
        JPEG_LS_LOSSLESS => "JPEG-LS lossless",
        JPEG_LS_NEAR => "JPEG-LS near",
        RLE_LOSSLESS => "RLE",
        J2K_LOSSLESS => "J2K lossless",
        J2K => "J2K",
        other => other,
    }
    .to_string()
}

/// Write the seeds marked for the oracle, and a MANIFEST.tsv in the shared corpus's layout (the
/// columns tests/oracle reads), for `tests/oracle/run` to hold against pydicom, GDCM and DCMTK.
fn write_oracle_corpus(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).expect("create the oracle folder");
    let mut manifest = String::from("path\ttransfer_syntax_uid\tnotes\n");
    for sd in seeds().into_iter().filter(|s| s.oracle) {
        let name = format!("seed-{}.dcm", sd.name);
        std::fs::write(dir.join(&name), &sd.bytes).expect("write seed");
        let ts = parse(&sd.bytes, ReadDepth::HeaderOnly)
            .map(|o| o.meta().transfer_syntax().trim_end_matches('\0').to_string())
            .unwrap_or_default();
        manifest.push_str(&format!("{name}\t{ts}\tgenerated by fuzz/src/bin/make-seeds.rs\n"));
    }
    std::fs::write(dir.join("MANIFEST.tsv"), manifest).expect("write MANIFEST.tsv");
    println!("oracle seeds written to {}", dir.display());
}

fn main() {
    let mut out_dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/decode"));
    let mut strict = false;
    let mut regressions_dir: Option<PathBuf> = None;
    let mut check_files: Vec<PathBuf> = Vec::new();
    let mut oracle_dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => out_dir = PathBuf::from(args.next().expect("--out DIR")),
            "--strict" => strict = true,
            "--regressions" => {
                regressions_dir = Some(PathBuf::from(args.next().unwrap_or_else(|| {
                    concat!(env!("CARGO_MANIFEST_DIR"), "/regressions").to_string()
                })))
            }
            "--check" => check_files.extend(args.by_ref().map(PathBuf::from)),
            "--oracle" => oracle_dir = Some(PathBuf::from(args.next().expect("--oracle DIR"))),
            "-h" | "--help" => {
                println!("usage: make-seeds [--out DIR] [--strict] | --oracle DIR | --regressions [DIR] | --check FILE...");
                return;
            }
            other => {
                eprintln!("unknown argument {other:?}; usage: make-seeds [--out DIR] [--strict] | --oracle DIR | --regressions [DIR] | --check FILE...");
                std::process::exit(2);
            }
        }
    }
    if check_files.len() > 0 {
        for path in &check_files {
            let bytes = std::fs::read(path).expect("read file");
            let start = std::time::Instant::now();
            println!("{}: {} ({:.2} s)", path.display(), run_pipeline(&bytes), start.elapsed().as_secs_f64());
        }
        return;
    }
    if let Some(dir) = regressions_dir {
        std::fs::create_dir_all(&dir).expect("create the regressions folder");
        for (name, bytes) in regressions() {
            let path = dir.join(format!("{name}.dcm"));
            std::fs::write(&path, bytes).expect("write regression");
            println!("{}", path.display());
        }
        return;
    }
    if let Some(dir) = oracle_dir {
        write_oracle_corpus(&dir);
        return;
    }
    std::fs::create_dir_all(&out_dir).expect("create the corpus folder");
    let seeds = seeds();
    let rows: Vec<Row> = seeds.iter().map(check).collect();
    for sd in &seeds {
        std::fs::write(out_dir.join(format!("seed-{}.dcm", sd.name)), &sd.bytes).expect("write seed");
    }
    let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(4);
    println!("{:<w$}  {:>6}  {:<17}  {:<28}  {:<4}  detail", "seed", "bytes", "syntax", "image", "ok");
    for r in &rows {
        println!(
            "{:<w$}  {:>6}  {:<17}  {:<28}  {:<4}  {}",
            r.name,
            r.bytes,
            r.syntax,
            r.image,
            if r.ok { "ok" } else { "FAIL" },
            r.detail
        );
    }
    let failed = rows.iter().filter(|r| !r.ok).count();
    println!(
        "{} seeds written to {}: {} decoded as made, {} failed",
        rows.len(),
        out_dir.display(),
        rows.len() - failed,
        failed
    );
    if strict && failed > 0 {
        std::process::exit(1);
    }
}
