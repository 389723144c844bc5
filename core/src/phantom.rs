//! Generated test data: a CT head phantom series (3D Shepp-Logan style ellipsoids in Hounsfield
//! units) written as real DICOM Part 10 files. Used by the demo, the tests, the fuzz seeds and the
//! benchmarks wherever a study of any size is needed without shipping patient images.
//!
//! Everything is deterministic: the same arguments give the same bytes (UIDs included).

use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use dicom_object::{meta::FileMetaTableBuilder, InMemDicomObject};

use crate::error::{Error, Result};

/// The phantom patient's name, for tests that search for patient data where none may be.
pub const PATIENT_NAME: &str = "Phantom^Scanpass";
/// The phantom patient's ID.
pub const PATIENT_ID: &str = "SP-PHANTOM-0001";

/// Shape of a generated series.
#[derive(Debug, Clone, Copy)]
pub struct PhantomSpec {
    pub slices: u32,
    pub size: u16,
    /// Seed of the UIDs and of the noise: different seeds give different studies.
    pub seed: u64,
}

impl Default for PhantomSpec {
    fn default() -> Self {
        PhantomSpec {
            slices: 24,
            size: 256,
            seed: 1,
        }
    }
}

// (centre x, y, z, semi-axes a, b, c, rotation about z in degrees, HU value; replaces what is below)
const ELLIPSOIDS: &[([f64; 3], [f64; 3], f64, f64)] = &[
    ([0.0, 0.0, 0.0], [0.69, 0.92, 0.90], 0.0, 900.0), // skull
    ([0.0, -0.0184, 0.0], [0.6624, 0.874, 0.88], 0.0, 35.0), // brain
    ([0.22, 0.0, -0.25], [0.11, 0.31, 0.22], -18.0, 8.0), // right ventricle
    ([-0.22, 0.0, -0.25], [0.16, 0.41, 0.21], 18.0, 8.0), // left ventricle
    ([0.0, 0.35, -0.25], [0.21, 0.25, 0.35], 0.0, 55.0), // a lesion
    ([0.0, 0.1, -0.25], [0.046, 0.046, 0.046], 0.0, 70.0),
    ([-0.08, -0.605, -0.25], [0.046, 0.023, 0.02], 0.0, 70.0),
    ([0.06, -0.605, -0.25], [0.023, 0.046, 0.02], 0.0, 70.0),
];

/// HU value of the phantom at a point of the unit cube.
fn hu_at(x: f64, y: f64, z: f64) -> f64 {
    let mut v = -1000.0;
    for (c, a, deg, value) in ELLIPSOIDS {
        let (s, co) = deg.to_radians().sin_cos();
        let (dx, dy, dz) = (x - c[0], y - c[1], z - c[2]);
        let (rx, ry) = (dx * co + dy * s, -dx * s + dy * co);
        if (rx / a[0]).powi(2) + (ry / a[1]).powi(2) + (dz / a[2]).powi(2) <= 1.0 {
            v = *value;
        }
    }
    v
}

fn uid(seed: u64, kind: u64, index: u64) -> String {
    // 2.25 + a decimal 128-bit value (PS3.5 B.2), from a small deterministic mixer
    let mut h = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut mix = |v: u64| {
        h ^= v;
        h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        h ^= h >> 31;
        h
    };
    let hi = mix(kind) as u128;
    let lo = mix(index) as u128;
    format!("2.25.{}", (hi << 64 | lo) >> 1)
}

/// Generate the series: one Part 10 file (bytes) per slice, in slice order.
pub fn ct_series(spec: PhantomSpec) -> Result<Vec<Vec<u8>>> {
    (0..spec.slices).map(|i| ct_slice(spec, i)).collect()
}

/// Generate slice `index` of the series.
pub fn ct_slice(spec: PhantomSpec, index: u32) -> Result<Vec<u8>> {
    let n = spec.size.max(8) as usize;
    let spacing = 220.0 / n as f64; // a 22 cm field of view
    let thickness = 200.0 / spec.slices.max(1) as f64;
    let z_mm = -100.0 + (index as f64 + 0.5) * thickness;
    let z = z_mm / 100.0;
    let mut noise = spec
        .seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(index as u64 + 1);
    let mut pixels = Vec::with_capacity(n * n);
    for r in 0..n {
        let y = (r as f64 + 0.5) / n as f64 * 2.0 - 1.0;
        for c in 0..n {
            let x = (c as f64 + 0.5) / n as f64 * 2.0 - 1.0;
            noise = noise
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let jitter = ((noise >> 61) as f64) - 4.0; // -4..3 HU of quantum noise
            let hu = hu_at(x, y, z)
                + if hu_at(x, y, z) > -1000.0 {
                    jitter
                } else {
                    0.0
                };
            pixels.push((hu + 1024.0).clamp(0.0, 4095.0) as u16);
        }
    }

    let study = uid(spec.seed, 1, 0);
    let series = uid(spec.seed, 2, 0);
    let instance = uid(spec.seed, 3, index as u64);
    let mut obj = InMemDicomObject::new_empty();
    let mut put = |tag, vr, v: PrimitiveValue| {
        obj.put(DataElement::new(tag, vr, v));
    };
    let s = |v: &str| PrimitiveValue::from(v.to_string());
    put(tags::SPECIFIC_CHARACTER_SET, VR::CS, s("ISO_IR 192"));
    put(tags::IMAGE_TYPE, VR::CS, s("ORIGINAL\\PRIMARY\\AXIAL"));
    put(tags::SOP_CLASS_UID, VR::UI, s("1.2.840.10008.5.1.4.1.1.2"));
    put(tags::SOP_INSTANCE_UID, VR::UI, s(&instance));
    put(tags::STUDY_DATE, VR::DA, s("20260115"));
    put(tags::STUDY_TIME, VR::TM, s("101500"));
    put(tags::ACCESSION_NUMBER, VR::SH, s("SP0001"));
    put(tags::MODALITY, VR::CS, s("CT"));
    put(tags::MANUFACTURER, VR::LO, s("Scanpass phantom generator"));
    put(
        tags::STUDY_DESCRIPTION,
        VR::LO,
        s("Head phantom (generated)"),
    );
    put(tags::SERIES_DESCRIPTION, VR::LO, s("Axial 3D Shepp-Logan"));
    put(tags::PATIENT_NAME, VR::PN, s(PATIENT_NAME));
    put(tags::PATIENT_ID, VR::LO, s(PATIENT_ID));
    put(tags::PATIENT_BIRTH_DATE, VR::DA, s("19700101"));
    put(tags::PATIENT_SEX, VR::CS, s("O"));
    put(tags::BODY_PART_EXAMINED, VR::CS, s("HEAD"));
    put(tags::SLICE_THICKNESS, VR::DS, s(&format!("{thickness:.4}")));
    put(tags::STUDY_INSTANCE_UID, VR::UI, s(&study));
    put(tags::SERIES_INSTANCE_UID, VR::UI, s(&series));
    put(tags::STUDY_ID, VR::SH, s("1"));
    put(tags::SERIES_NUMBER, VR::IS, s("1"));
    put(tags::INSTANCE_NUMBER, VR::IS, s(&(index + 1).to_string()));
    let origin = -110.0 + spacing / 2.0;
    put(
        tags::IMAGE_POSITION_PATIENT,
        VR::DS,
        s(&format!("{origin:.4}\\{origin:.4}\\{z_mm:.4}")),
    );
    put(
        tags::IMAGE_ORIENTATION_PATIENT,
        VR::DS,
        s("1\\0\\0\\0\\1\\0"),
    );
    put(
        tags::FRAME_OF_REFERENCE_UID,
        VR::UI,
        s(&uid(spec.seed, 4, 0)),
    );
    put(tags::SLICE_LOCATION, VR::DS, s(&format!("{z_mm:.4}")));
    put(tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1u16));
    put(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, s("MONOCHROME2"));
    put(tags::ROWS, VR::US, PrimitiveValue::from(n as u16));
    put(tags::COLUMNS, VR::US, PrimitiveValue::from(n as u16));
    put(
        tags::PIXEL_SPACING,
        VR::DS,
        s(&format!("{spacing:.6}\\{spacing:.6}")),
    );
    put(tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(16u16));
    put(tags::BITS_STORED, VR::US, PrimitiveValue::from(12u16));
    put(tags::HIGH_BIT, VR::US, PrimitiveValue::from(11u16));
    put(
        tags::PIXEL_REPRESENTATION,
        VR::US,
        PrimitiveValue::from(0u16),
    );
    put(tags::WINDOW_CENTER, VR::DS, s("40\\400"));
    put(tags::WINDOW_WIDTH, VR::DS, s("80\\1800"));
    put(
        tags::WINDOW_CENTER_WIDTH_EXPLANATION,
        VR::LO,
        s("BRAIN\\BONE"),
    );
    put(tags::RESCALE_INTERCEPT, VR::DS, s("-1024"));
    put(tags::RESCALE_SLOPE, VR::DS, s("1"));
    put(tags::RESCALE_TYPE, VR::LO, s("HU"));
    put(tags::PIXEL_DATA, VR::OW, PrimitiveValue::U16(pixels.into()));

    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.2")
        .media_storage_sop_instance_uid(instance)
        .transfer_syntax("1.2.840.10008.1.2.1")
        .implementation_class_uid(crate::dicom::IMPLEMENTATION_CLASS_UID)
        .implementation_version_name("SCANPASS_01")
        .build()
        .map_err(|e| Error::InvalidArgument(format!("phantom meta: {e}")))?;
    let file = obj.with_exact_meta(meta);
    let mut out = Vec::new();
    file.write_all(&mut out)
        .map_err(|e| Error::InvalidArgument(format!("phantom write: {e}")))?;
    Ok(out)
}

/// A multi-frame ultrasound-like cine: `frames` frames of `rows` × `cols` 8-bit grey, native
/// (explicit VR little endian), a bright disc moving across a speckled background. Frame `i` has
/// the disc centred at column `i mod cols`, so a test can tell frames apart.
pub fn cine(frames: u32, rows: u16, cols: u16) -> Result<Vec<u8>> {
    let (r, c) = (rows.max(2) as usize, cols.max(2) as usize);
    let mut pixels = Vec::with_capacity(frames as usize * r * c);
    let mut noise = 0x2545_F491_4F6C_DD1Du64;
    for f in 0..frames as usize {
        let cx = (f % c) as f64;
        let cy = r as f64 / 2.0;
        let rad = (r.min(c) as f64 / 6.0).max(1.0);
        for y in 0..r {
            for x in 0..c {
                noise ^= noise << 13;
                noise ^= noise >> 7;
                noise ^= noise << 17;
                let d = ((x as f64 - cx).powi(2) + (y as f64 - cy).powi(2)).sqrt();
                let v = if d <= rad {
                    220
                } else {
                    30 + (noise >> 58) as u8
                };
                pixels.push(v);
            }
        }
    }
    let mut obj = InMemDicomObject::new_empty();
    let mut put = |tag, vr, v: PrimitiveValue| {
        obj.put(DataElement::new(tag, vr, v));
    };
    let s = |v: &str| PrimitiveValue::from(v.to_string());
    let instance = uid(frames as u64, 5, rows as u64 * 65536 + cols as u64);
    put(
        tags::SOP_CLASS_UID,
        VR::UI,
        s("1.2.840.10008.5.1.4.1.1.3.1"),
    );
    put(tags::SOP_INSTANCE_UID, VR::UI, s(&instance));
    put(tags::MODALITY, VR::CS, s("US"));
    put(tags::PATIENT_NAME, VR::PN, s(PATIENT_NAME));
    put(tags::PATIENT_ID, VR::LO, s(PATIENT_ID));
    put(
        tags::STUDY_INSTANCE_UID,
        VR::UI,
        s(&uid(frames as u64, 6, 0)),
    );
    put(
        tags::SERIES_INSTANCE_UID,
        VR::UI,
        s(&uid(frames as u64, 7, 0)),
    );
    put(tags::SERIES_DESCRIPTION, VR::LO, s("Cine loop (generated)"));
    put(tags::NUMBER_OF_FRAMES, VR::IS, s(&frames.to_string()));
    put(tags::FRAME_TIME, VR::DS, s("33.3"));
    put(tags::SAMPLES_PER_PIXEL, VR::US, PrimitiveValue::from(1u16));
    put(tags::PHOTOMETRIC_INTERPRETATION, VR::CS, s("MONOCHROME2"));
    put(tags::ROWS, VR::US, PrimitiveValue::from(rows));
    put(tags::COLUMNS, VR::US, PrimitiveValue::from(cols));
    put(tags::BITS_ALLOCATED, VR::US, PrimitiveValue::from(8u16));
    put(tags::BITS_STORED, VR::US, PrimitiveValue::from(8u16));
    put(tags::HIGH_BIT, VR::US, PrimitiveValue::from(7u16));
    put(
        tags::PIXEL_REPRESENTATION,
        VR::US,
        PrimitiveValue::from(0u16),
    );
    put(tags::PIXEL_DATA, VR::OB, PrimitiveValue::U8(pixels.into()));
    let meta = FileMetaTableBuilder::new()
        .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.3.1")
        .media_storage_sop_instance_uid(instance)
        .transfer_syntax("1.2.840.10008.1.2.1")
        .implementation_class_uid(crate::dicom::IMPLEMENTATION_CLASS_UID)
        .build()
        .map_err(|e| Error::InvalidArgument(format!("phantom meta: {e}")))?;
    let mut out = Vec::new();
    obj.with_exact_meta(meta)
        .write_all(&mut out)
        .map_err(|e| Error::InvalidArgument(format!("phantom write: {e}")))?;
    Ok(out)
}

/// Encode one greyscale image as a lossless JPEG 2000 codestream (reversible 5/3 wavelet, one
/// quality layer) with OpenJPEG: `samples` row by row, each below 2^`precision`. For generated
/// J2K phantoms and masks (a `precision` of 1 is what segmentation objects hold), never for
/// patient data.
#[allow(unsafe_code)] // OpenJPEG's encoder has no safe wrapper (jpeg2k encodes only to files)
pub fn j2k_lossless(samples: &[u16], width: u32, height: u32, precision: u32) -> Result<Vec<u8>> {
    use openjpeg_sys as opj;
    use std::os::raw::c_void;
    let bad = |what: &str| Error::InvalidArgument(format!("JPEG 2000 encoder: {what}"));
    if width == 0 || height == 0 || !(1..=16).contains(&precision) {
        return Err(bad("empty image or precision outside 1..=16"));
    }
    if samples.len() != width as usize * height as usize
        || samples.iter().any(|v| (*v as u32) >> precision != 0)
    {
        return Err(bad("samples do not fit the size or the precision"));
    }
    /// The codestream written so far, and where OpenJPEG's seeks put the next write.
    struct Out {
        bytes: Vec<u8>,
        at: usize,
    }
    unsafe extern "C" fn write(buf: *mut c_void, n: usize, user: *mut c_void) -> usize {
        let out = &mut *(user as *mut Out);
        let src = std::slice::from_raw_parts(buf as *const u8, n);
        let end = out.at + n;
        if out.bytes.len() < end {
            out.bytes.resize(end, 0);
        }
        out.bytes[out.at..end].copy_from_slice(src);
        out.at = end;
        n
    }
    unsafe extern "C" fn skip(n: i64, user: *mut c_void) -> i64 {
        let out = &mut *(user as *mut Out);
        out.at = (out.at as i64 + n).max(0) as usize;
        n
    }
    unsafe extern "C" fn seek(to: i64, user: *mut c_void) -> i32 {
        let out = &mut *(user as *mut Out);
        out.at = to.max(0) as usize;
        1
    }
    let mut out = Out {
        bytes: Vec::new(),
        at: 0,
    };
    // SAFETY: every pointer OpenJPEG is given outlives the calls (image, codec and stream are
    // destroyed below, before `out` and `params` go out of scope); the component buffer is
    // written within the w × h samples opj_image_create allocated.
    let ok = unsafe {
        let mut comp = opj::opj_image_cmptparm_t {
            dx: 1,
            dy: 1,
            w: width,
            h: height,
            x0: 0,
            y0: 0,
            prec: precision,
            bpp: precision,
            sgnd: 0,
        };
        let image = opj::opj_image_create(1, &mut comp, opj::COLOR_SPACE::OPJ_CLRSPC_GRAY);
        if image.is_null() {
            return Err(bad("opj_image_create failed"));
        }
        (*image).x1 = width;
        (*image).y1 = height;
        let data = std::slice::from_raw_parts_mut((*(*image).comps).data, samples.len());
        for (d, s) in data.iter_mut().zip(samples) {
            *d = *s as i32;
        }
        let mut params: opj::opj_cparameters_t = std::mem::zeroed();
        opj::opj_set_default_encoder_parameters(&mut params);
        params.tcp_numlayers = 1;
        params.tcp_rates[0] = 0.0;
        params.cp_disto_alloc = 1;
        // resolution levels the smaller side allows (at most OpenJPEG's default of 6)
        let mut levels = 1;
        while levels < 6 && (width.min(height) >> levels) > 0 {
            levels += 1;
        }
        params.numresolution = levels;
        let codec = opj::opj_create_compress(opj::CODEC_FORMAT::OPJ_CODEC_J2K);
        let stream = opj::opj_stream_create(1 << 16, 0);
        opj::opj_stream_set_write_function(stream, Some(write));
        opj::opj_stream_set_skip_function(stream, Some(skip));
        opj::opj_stream_set_seek_function(stream, Some(seek));
        opj::opj_stream_set_user_data(stream, &mut out as *mut Out as *mut c_void, None);
        let ok = opj::opj_setup_encoder(codec, &mut params, image) == 1
            && opj::opj_start_compress(codec, image, stream) == 1
            && opj::opj_encode(codec, stream) == 1
            && opj::opj_end_compress(codec, stream) == 1;
        opj::opj_stream_destroy(stream);
        opj::opj_destroy_codec(codec);
        opj::opj_image_destroy(image);
        ok
    };
    if !ok {
        return Err(bad("OpenJPEG failed to encode"));
    }
    Ok(out.bytes)
}

/// Encode one greyscale image as a lossy JPEG (sequential DCT, Huffman) with libjpeg-turbo:
/// `precision` 8 (JPEG Baseline, process 1) or 12 (JPEG Extended, process 4), `samples` row by
/// row, each below 2^`precision`, at libjpeg's `quality` (1 to 100). For tests and benchmarks
/// that need a lossy JPEG larger than any in the sample corpus (made from a real uncompressed
/// image), never for writing patient data.
#[allow(unsafe_code)] // libjpeg-turbo's TurboJPEG API has no safe wrapper
pub fn jpeg_lossy(
    samples: &[u16],
    width: u32,
    height: u32,
    precision: u32,
    quality: i32,
) -> Result<Vec<u8>> {
    use turbojpeg_sys as tj;
    let bad = |what: &str| Error::InvalidArgument(format!("JPEG encoder: {what}"));
    if width == 0 || height == 0 || !matches!(precision, 8 | 12) || !(1..=100).contains(&quality) {
        return Err(bad(
            "empty image, precision not 8 or 12, or quality outside 1..=100",
        ));
    }
    if samples.len() != width as usize * height as usize
        || samples.iter().any(|v| (*v as u32) >> precision != 0)
    {
        return Err(bad("samples do not fit the size or the precision"));
    }
    struct Handle(tj::tjhandle);
    impl Drop for Handle {
        fn drop(&mut self) {
            // SAFETY: the handle came from tj3Init and is destroyed once.
            unsafe { tj::tj3Destroy(self.0) }
        }
    }
    // SAFETY: a handle we own (dropped once); the source holds width * height samples of one
    // component; the output buffer is allocated by TurboJPEG, copied, then freed with tj3Free.
    unsafe {
        let h = Handle(tj::tj3Init(tj::TJINIT_TJINIT_COMPRESS as i32));
        if h.0.is_null() {
            return Err(bad("cannot initialise libjpeg-turbo"));
        }
        let params = [
            (tj::TJPARAM_TJPARAM_QUALITY, quality),
            (tj::TJPARAM_TJPARAM_SUBSAMP, tj::TJSAMP_TJSAMP_GRAY),
            (tj::TJPARAM_TJPARAM_PRECISION, precision as i32),
        ];
        for (p, v) in params {
            if tj::tj3Set(h.0, p as i32, v) != 0 {
                return Err(bad("parameter refused"));
            }
        }
        let (w, ht) = (width as i32, height as i32);
        let format = tj::TJPF_TJPF_GRAY;
        let mut buf: *mut u8 = std::ptr::null_mut();
        let mut size = 0;
        let rc = if precision == 8 {
            let s: Vec<u8> = samples.iter().map(|v| *v as u8).collect();
            tj::tj3Compress8(h.0, s.as_ptr(), w, 0, ht, format, &mut buf, &mut size)
        } else {
            let s: Vec<i16> = samples.iter().map(|v| *v as i16).collect();
            tj::tj3Compress12(h.0, s.as_ptr(), w, 0, ht, format, &mut buf, &mut size)
        };
        if rc != 0 || buf.is_null() {
            if !buf.is_null() {
                tj::tj3Free(buf.cast());
            }
            return Err(bad("compression failed"));
        }
        let out = std::slice::from_raw_parts(buf, size as usize).to_vec();
        tj::tj3Free(buf.cast());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dicom::{decode_frame, parse, ImageInfo, ReadDepth, Samples};

    #[test]
    fn phantom_slices_parse_and_hold_the_expected_tissues() {
        let spec = PhantomSpec {
            slices: 4,
            size: 64,
            seed: 7,
        };
        let files = ct_series(spec).unwrap();
        assert_eq!(files.len(), 4);
        let obj = parse(&files[2], ReadDepth::Full).unwrap();
        let info = ImageInfo::from_object(&obj).unwrap();
        assert_eq!((info.rows, info.cols, info.bits_stored), (64, 64, 12));
        let f = decode_frame(&obj, &info, 0).unwrap();
        let Samples::U16(v) = &f.samples else {
            panic!("u16 expected")
        };
        // corner is air (-1000 HU = stored 24), centre row holds brain (~35 HU = ~1059 stored)
        assert_eq!(v[0], 24);
        let centre = v[32 * 64 + 32];
        assert!((1040..1080).contains(&centre), "{centre}");
        // deterministic
        assert_eq!(files, ct_series(spec).unwrap());
    }
}
