//! Two kinds of real file other readers decode: native pixel data with Bits Allocated 12 (two
//! samples in three bytes, written by ACR-NEMA era scanners; GDCM reads it) and JPEG 2000 with
//! Bits Allocated 1 (segmentation masks; pydicom and GDCM read it). Both are generated here, read
//! through both of the core's paths (`DicomImage`, which locates the pixels itself, and
//! `decode_frame` on a parsed object) and compared with the values they were made from; malformed
//! variants are refused with a typed error. The peers themselves are compared in tests/oracle on
//! the same kinds of file (written by fuzz/src/bin/make-seeds.rs).

use dicom_core::value::{PixelFragmentSequence, Value};
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;
use scanpass_core::dicom::{self, DicomImage, ImageInfo, ReadDepth, Samples};
use scanpass_core::Error;

const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const IMPLICIT_LE: &str = "1.2.840.10008.1.2";
const EXPLICIT_BE: &str = "1.2.840.10008.1.2.2";
const RLE: &str = "1.2.840.10008.1.2.5";

fn us(o: &mut InMemDicomObject, tag: Tag, v: u16) {
    o.put(DataElement::new(tag, VR::US, PrimitiveValue::from(v)));
}

/// A monochrome image object with the given geometry and bits, pixel data to be added.
fn image(
    rows: u16,
    cols: u16,
    frames: u32,
    bits: (u16, u16, u16),
    signed: bool,
) -> InMemDicomObject {
    let mut o = InMemDicomObject::new_empty();
    o.put(DataElement::new(
        tags::SOP_CLASS_UID,
        VR::UI,
        PrimitiveValue::from("1.2.840.10008.5.1.4.1.1.7"),
    ));
    o.put(DataElement::new(
        tags::SOP_INSTANCE_UID,
        VR::UI,
        PrimitiveValue::from("2.25.12"),
    ));
    us(&mut o, tags::ROWS, rows);
    us(&mut o, tags::COLUMNS, cols);
    us(&mut o, tags::SAMPLES_PER_PIXEL, 1);
    o.put(DataElement::new(
        tags::PHOTOMETRIC_INTERPRETATION,
        VR::CS,
        PrimitiveValue::from("MONOCHROME2"),
    ));
    if frames > 1 {
        o.put(DataElement::new(
            tags::NUMBER_OF_FRAMES,
            VR::IS,
            PrimitiveValue::from(frames.to_string()),
        ));
    }
    us(&mut o, tags::BITS_ALLOCATED, bits.0);
    us(&mut o, tags::BITS_STORED, bits.1);
    us(&mut o, tags::HIGH_BIT, bits.2);
    us(&mut o, tags::PIXEL_REPRESENTATION, signed as u16);
    o
}

fn file(o: InMemDicomObject, ts: &str) -> Vec<u8> {
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.7")
        .media_storage_sop_instance_uid("2.25.12")
        .transfer_syntax(ts)
        .build()
        .unwrap();
    let mut out = Vec::new();
    o.with_exact_meta(meta).write_all(&mut out).unwrap();
    out
}

/// Pack 12-bit samples two in three bytes, as GDCM's `Unpacker12Bits::Pack` does.
fn pack_12(v: &[u16]) -> Vec<u8> {
    v.chunks(2)
        .flat_map(|p| {
            let (a, b) = (p[0], p.get(1).copied().unwrap_or(0));
            [
                (a & 0xFF) as u8,
                ((a >> 8) & 0x0F) as u8 | ((b & 0x0F) << 4) as u8,
                (b >> 4) as u8,
            ]
        })
        .collect()
}

/// Decode every frame through both paths; they must agree.
fn decode_all(bytes: &[u8]) -> Result<Vec<Samples<'static>>, Error> {
    let img = DicomImage::from_bytes(bytes.to_vec())?;
    let info = img.info()?.clone();
    let obj = dicom::parse(bytes, ReadDepth::Full)?;
    let parsed_info = ImageInfo::from_object(&obj)?;
    let mut out = Vec::new();
    for f in 0..info.frames {
        let a = img.decode_frame(f)?.samples.into_owned();
        let b = dicom::decode_frame(&obj, &parsed_info, f)?
            .samples
            .into_owned();
        assert_eq!(a, b, "frame {f}: the two paths differ");
        out.push(a);
    }
    Ok(out)
}

fn stored_12(n: usize, seed: u16) -> Vec<u16> {
    (0..n as u16)
        .map(|i| (i.wrapping_mul(173).wrapping_add(seed)) & 0xFFF)
        .collect()
}

#[test]
fn packed_12_bit_pixels_decode_to_their_values_in_16_bits() {
    // the layout itself, byte by byte: 0x123 and 0xABC are 23 C1 AB
    assert_eq!(pack_12(&[0x123, 0xABC]), [0x23, 0xC1, 0xAB]);
    let (rows, cols, frames) = (6u16, 10u16, 3u32);
    let n = rows as usize * cols as usize;
    let values: Vec<Vec<u16>> = (0..frames)
        .map(|f| stored_12(n, 0x123 + f as u16 * 7))
        .collect();
    let packed: Vec<u8> = values.iter().flat_map(|v| pack_12(v)).collect();
    for (ts, vr) in [
        (EXPLICIT_LE, VR::OW),
        (EXPLICIT_LE, VR::OB),
        (IMPLICIT_LE, VR::OW),
    ] {
        let mut o = image(rows, cols, frames, (12, 12, 11), false);
        o.put(DataElement::new(
            tags::PIXEL_DATA,
            vr,
            PrimitiveValue::from(packed.clone()),
        ));
        let got = decode_all(&file(o, ts)).unwrap_or_else(|e| panic!("{ts} {vr:?}: {e}"));
        for (f, s) in got.iter().enumerate() {
            assert_eq!(
                s,
                &Samples::U16(values[f].clone().into()),
                "{ts} {vr:?} frame {f}"
            );
        }
    }
}

#[test]
fn packed_12_bit_signed_and_narrower_samples_follow_the_convention() {
    let n = 4 * 4;
    let raw = stored_12(n, 0x7F0);
    // signed, 12 bits stored: sign-extended from bit 11
    let mut o = image(4, 4, 1, (12, 12, 11), true);
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OW,
        PrimitiveValue::from(pack_12(&raw)),
    ));
    let got = decode_all(&file(o, EXPLICIT_LE)).unwrap();
    let want: Vec<i16> = raw.iter().map(|v| ((v << 4) as i16) >> 4).collect();
    assert_eq!(got[0], Samples::I16(want.into()));
    // unsigned, 10 bits stored: the two bits above are cleared
    let mut o = image(4, 4, 1, (12, 10, 9), false);
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OW,
        PrimitiveValue::from(pack_12(&raw)),
    ));
    let got = decode_all(&file(o, EXPLICIT_LE)).unwrap();
    let want: Vec<u16> = raw.iter().map(|v| v & 0x3FF).collect();
    assert_eq!(got[0], Samples::U16(want.into()));
}

#[test]
fn malformed_packed_12_bit_data_is_refused_with_a_typed_error() {
    // too short for its frames: truncated, never padded with invented pixels
    let mut o = image(4, 4, 2, (12, 12, 11), false);
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OB,
        PrimitiveValue::from(pack_12(&stored_12(24, 1))),
    ));
    let img = DicomImage::from_bytes(file(o, EXPLICIT_LE)).unwrap();
    assert!(img.decode_frame(0).is_ok());
    assert!(
        matches!(img.decode_frame(1), Err(Error::Truncated { .. })),
        "{:?}",
        img.decode_frame(1).err()
    );
    // an odd number of samples per frame does not fill whole bytes
    let mut o = image(3, 3, 1, (12, 12, 11), false);
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OB,
        PrimitiveValue::from(vec![0u8; 14]),
    ));
    let err = decode_all(&file(o, EXPLICIT_LE)).unwrap_err();
    assert!(matches!(err, Error::BadPixelData(_)), "{err}");
    // colour, big endian and compressed 12-bit packing are not defined: refused by name
    let mut o = image(2, 2, 1, (12, 12, 11), false);
    us(&mut o, tags::SAMPLES_PER_PIXEL, 3);
    o.put(DataElement::new(
        tags::PHOTOMETRIC_INTERPRETATION,
        VR::CS,
        PrimitiveValue::from("RGB"),
    ));
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OB,
        PrimitiveValue::from(vec![0u8; 18]),
    ));
    let err = decode_all(&file(o, EXPLICIT_LE)).unwrap_err();
    assert!(matches!(err, Error::UnsupportedPixelData(_)), "{err}");
    let mut o = image(2, 2, 1, (12, 12, 11), false);
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OB,
        PrimitiveValue::from(vec![0u8; 6]),
    ));
    let err = decode_all(&file(o, EXPLICIT_BE)).unwrap_err();
    assert!(err.to_string().contains("Big Endian"), "{err}");
    let mut o = image(2, 2, 1, (12, 12, 11), false);
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OB,
        Value::PixelSequence(PixelFragmentSequence::new(vec![], vec![vec![0u8; 8]])),
    ));
    let err = decode_all(&file(o, RLE)).unwrap_err();
    assert!(err.to_string().contains("native data only"), "{err}");
}

const J2K_LOSSLESS: &str = "1.2.840.10008.1.2.4.90";
const J2K: &str = "1.2.840.10008.1.2.4.91";

fn mask(rows: usize, cols: usize, frame: usize) -> Vec<u16> {
    (0..rows * cols)
        .map(|i| ((i / cols + 2 * frame) % 5 < 2 || (i % cols) % 7 == frame) as u16)
        .collect()
}

fn j2k_object(rows: u16, cols: u16, streams: Vec<Vec<u8>>, ts: &str) -> Vec<u8> {
    let mut o = image(rows, cols, streams.len() as u32, (1, 1, 0), false);
    o.put(DataElement::new(
        tags::PIXEL_DATA,
        VR::OB,
        Value::PixelSequence(PixelFragmentSequence::new(vec![], streams)),
    ));
    file(o, ts)
}

#[test]
fn one_bit_jpeg_2000_masks_decode_to_one_value_per_pixel() {
    let (rows, cols) = (40usize, 36usize);
    for ts in [J2K_LOSSLESS, J2K] {
        let masks: Vec<Vec<u16>> = (0..3).map(|f| mask(rows, cols, f)).collect();
        let streams = masks
            .iter()
            .map(|m| scanpass_core::phantom::j2k_lossless(m, cols as u32, rows as u32, 1).unwrap())
            .collect();
        let got = decode_all(&j2k_object(rows as u16, cols as u16, streams, ts)).unwrap();
        for (f, s) in got.iter().enumerate() {
            let want: Vec<u8> = masks[f].iter().map(|v| *v as u8).collect();
            assert_eq!(s, &Samples::U8(want.into()), "{ts} frame {f}");
        }
    }
}

#[test]
fn jpeg_2000_that_is_not_a_one_bit_image_is_refused_for_one_bit_pixels() {
    // an 8-bit stream holding a 2: not 1-bit data, refused rather than cut to its low bit
    let mut m = mask(16, 16, 0);
    m[5] = 2;
    let stream = scanpass_core::phantom::j2k_lossless(&m, 16, 16, 8).unwrap();
    let err = decode_all(&j2k_object(16, 16, vec![stream], J2K_LOSSLESS)).unwrap_err();
    assert!(
        matches!(err, Error::Codec { .. }) && err.to_string().contains("sample of 2"),
        "{err}"
    );
    // an 8-bit stream of 0 and 1 only holds 1-bit data exactly: decoded
    let stream = scanpass_core::phantom::j2k_lossless(&mask(16, 16, 1), 16, 16, 8).unwrap();
    assert!(decode_all(&j2k_object(16, 16, vec![stream], J2K_LOSSLESS)).is_ok());
    // a stream of another size than the header's
    let stream = scanpass_core::phantom::j2k_lossless(&mask(16, 12, 0), 12, 16, 1).unwrap();
    let err = decode_all(&j2k_object(16, 16, vec![stream.clone()], J2K_LOSSLESS)).unwrap_err();
    assert!(matches!(err, Error::Codec { .. }), "{err}");
    // cut short: an error, never a panic
    let err = decode_all(&j2k_object(
        12,
        16,
        vec![stream[..stream.len() / 2].to_vec()],
        J2K_LOSSLESS,
    ));
    assert!(err.is_err());
}
