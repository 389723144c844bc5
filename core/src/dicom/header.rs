//! What the header says about an image: geometry, sample layout, colour model and the display
//! transforms (modality LUT, VOI windows and LUTs, palette), read once and kept as plain data.
//!
//! Enhanced multi-frame objects keep rescale and windows in functional groups; `ImageInfo`
//! resolves them per frame (per-frame group first, then the shared one, then the top level).

use dicom_dictionary_std::tags;
use dicom_transfer_syntax_registry::TransferSyntaxRegistry;
use serde::Serialize;

use super::attrs::{first_item, float, floats, int, items, text, texts, Ds};
use super::open::Object;
use crate::error::{Error, Result};
use dicom_encoding::transfer_syntax::TransferSyntaxIndex;

/// The type of one stored sample, as written by `scanpass decode` (numpy spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SampleType {
    Uint8,
    Int8,
    Uint16,
    Int16,
    Uint32,
    Int32,
    Float32,
    Float64,
}

impl SampleType {
    pub fn bytes(self) -> usize {
        match self {
            SampleType::Uint8 | SampleType::Int8 => 1,
            SampleType::Uint16 | SampleType::Int16 => 2,
            SampleType::Uint32 | SampleType::Int32 | SampleType::Float32 => 4,
            SampleType::Float64 => 8,
        }
    }
    pub fn numpy(self) -> &'static str {
        match self {
            SampleType::Uint8 => "uint8",
            SampleType::Int8 => "int8",
            SampleType::Uint16 => "uint16",
            SampleType::Int16 => "int16",
            SampleType::Uint32 => "uint32",
            SampleType::Int32 => "int32",
            SampleType::Float32 => "float32",
            SampleType::Float64 => "float64",
        }
    }
    pub fn is_signed(self) -> bool {
        matches!(
            self,
            SampleType::Int8 | SampleType::Int16 | SampleType::Int32
        )
    }
}

/// Photometric interpretation as stored in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Photometric {
    Monochrome1,
    Monochrome2,
    Rgb,
    PaletteColor,
    YbrFull,
    YbrFull422,
    YbrPartial420,
    YbrIct,
    YbrRct,
    Other(String),
}

impl Photometric {
    fn parse(s: &str) -> Self {
        match s {
            "MONOCHROME1" => Self::Monochrome1,
            "MONOCHROME2" => Self::Monochrome2,
            "RGB" => Self::Rgb,
            "PALETTE COLOR" => Self::PaletteColor,
            "YBR_FULL" => Self::YbrFull,
            "YBR_FULL_422" => Self::YbrFull422,
            "YBR_PARTIAL_420" => Self::YbrPartial420,
            "YBR_ICT" => Self::YbrIct,
            "YBR_RCT" => Self::YbrRct,
            other => Self::Other(other.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Self::Monochrome1 => "MONOCHROME1",
            Self::Monochrome2 => "MONOCHROME2",
            Self::Rgb => "RGB",
            Self::PaletteColor => "PALETTE COLOR",
            Self::YbrFull => "YBR_FULL",
            Self::YbrFull422 => "YBR_FULL_422",
            Self::YbrPartial420 => "YBR_PARTIAL_420",
            Self::YbrIct => "YBR_ICT",
            Self::YbrRct => "YBR_RCT",
            Self::Other(s) => s,
        }
    }
    pub fn is_monochrome(&self) -> bool {
        matches!(self, Self::Monochrome1 | Self::Monochrome2)
    }
}

/// Which element carries the pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PixelElement {
    /// (7FE0,0010) Pixel Data.
    Integer,
    /// (7FE0,0008) Float Pixel Data.
    Float,
    /// (7FE0,0009) Double Float Pixel Data.
    Double,
}

/// Linear rescale from stored values to modality values (e.g. Hounsfield units).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rescale {
    pub slope: f64,
    pub intercept: f64,
}

/// A lookup table (Modality LUT, VOI LUT, one channel of a palette).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lut {
    /// The input value mapped to the first entry.
    pub first_mapped: i64,
    /// Bits per entry as declared.
    pub bits: u16,
    pub data: Vec<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

impl Lut {
    /// Look up with clamping at both ends, as PS3.3 C.11 requires.
    #[inline]
    pub fn get(&self, value: i64) -> u16 {
        let i = (value - self.first_mapped).clamp(0, self.data.len() as i64 - 1);
        self.data[i as usize]
    }
    /// The largest output value the table can produce (2^bits - 1).
    pub fn max_output(&self) -> f64 {
        ((1u64 << self.bits.clamp(1, 16)) - 1) as f64
    }
}

/// A window from the file (or the user): centre and width, in modality units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Window {
    pub center: f64,
    pub width: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// The VOI LUT Function (0028,1056).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum VoiFunction {
    #[default]
    Linear,
    LinearExact,
    Sigmoid,
}

/// Display transforms for one frame.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct FrameTransforms {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rescale: Option<Rescale>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modality_lut: Option<Lut>,
    pub windows: Vec<Window>,
    pub voi_luts: Vec<Lut>,
    pub voi_function: VoiFunction,
}

/// The transfer syntax: UID and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyntaxName {
    pub uid: String,
    pub name: String,
}

impl SyntaxName {
    pub fn of(uid: &str) -> Self {
        let uid = uid.trim_end_matches(['\0', ' ']).to_string();
        let name = TransferSyntaxRegistry
            .get(&uid)
            .map(|ts| ts.name().to_string())
            .unwrap_or_else(|| "unknown".to_string());
        SyntaxName { uid, name }
    }
}

/// Everything the decoder and the renderer need to know about an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageInfo {
    pub rows: u32,
    pub cols: u32,
    pub frames: u32,
    pub samples_per_pixel: u16,
    pub bits_allocated: u16,
    pub bits_stored: u16,
    pub high_bit: u16,
    pub signed: bool,
    pub planar_configuration: u16,
    pub photometric: Photometric,
    pub element: PixelElement,
    pub sample_type: SampleType,
    pub transfer_syntax: SyntaxName,
    pub modality: Option<String>,
    /// Row spacing, column spacing in mm (Pixel Spacing, else Imager Pixel Spacing).
    pub pixel_spacing: Option<(f64, f64)>,
    /// Transforms of the first frame; other frames via [`ImageInfo::transforms`].
    pub transforms: FrameTransforms,
    #[serde(skip)]
    per_frame: Vec<FrameTransforms>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub palette: Option<[Lut; 3]>,
    /// Where the Burned In Annotation attribute says YES.
    pub burned_in_annotation: bool,
}

impl ImageInfo {
    /// Read the image description of an object. Fails with [`Error::NoPixelData`] for objects
    /// that carry no image.
    pub fn from_object(obj: &Object) -> Result<Self> {
        let ds: &Ds = obj;
        let element = if ds.get(tags::PIXEL_DATA).is_some() {
            PixelElement::Integer
        } else if ds.get(tags::FLOAT_PIXEL_DATA).is_some() {
            PixelElement::Float
        } else if ds.get(tags::DOUBLE_FLOAT_PIXEL_DATA).is_some() {
            PixelElement::Double
        } else {
            return Err(Error::NoPixelData);
        };
        Self::from_header(ds, obj.meta().transfer_syntax(), element)
    }

    /// Describe the image of an object read fully or with [`super::ReadDepth::HeaderOnly`]:
    /// `None` when it carries no image (Rows absent and no pixel data element).
    pub fn describe(obj: &Object) -> Result<Option<Self>> {
        let ds: &Ds = obj;
        let has = |tag| ds.get(tag).is_some();
        let element = if has(tags::FLOAT_PIXEL_DATA) {
            PixelElement::Float
        } else if has(tags::DOUBLE_FLOAT_PIXEL_DATA) {
            PixelElement::Double
        } else if has(tags::PIXEL_DATA) || has(tags::ROWS) {
            PixelElement::Integer
        } else {
            return Ok(None);
        };
        Self::from_header(ds, obj.meta().transfer_syntax(), element).map(Some)
    }

    /// Read the image description from a header read without its pixel data.
    pub fn from_header(ds: &Ds, ts_uid: &str, element: PixelElement) -> Result<Self> {
        let req = |tag, name: &'static str| -> Result<i64> {
            int(ds, tag).ok_or_else(|| Error::bad(name, "absent"))
        };
        let rows = req(tags::ROWS, "Rows")?;
        let cols = req(tags::COLUMNS, "Columns")?;
        if !(1..=65535).contains(&rows) || !(1..=65535).contains(&cols) {
            return Err(Error::bad("Rows/Columns", format!("{rows}x{cols}")));
        }
        let spp = int(ds, tags::SAMPLES_PER_PIXEL).unwrap_or(1);
        if spp != 1 && spp != 3 {
            return Err(Error::bad("SamplesPerPixel", spp));
        }
        let frames = int(ds, tags::NUMBER_OF_FRAMES).unwrap_or(1).max(1);
        if frames > 1_000_000 {
            return Err(Error::bad("NumberOfFrames", frames));
        }
        let photometric = text(ds, tags::PHOTOMETRIC_INTERPRETATION)
            .map(|s| Photometric::parse(&s))
            .unwrap_or(if spp == 3 {
                Photometric::Rgb
            } else {
                Photometric::Monochrome2
            });
        let (bits_allocated, sample_type) = match element {
            PixelElement::Float => (32, SampleType::Float32),
            PixelElement::Double => (64, SampleType::Float64),
            PixelElement::Integer => {
                let ba = req(tags::BITS_ALLOCATED, "BitsAllocated")?;
                let signed = int(ds, tags::PIXEL_REPRESENTATION).unwrap_or(0) == 1;
                let t = match (ba, signed) {
                    (1, _) => SampleType::Uint8,
                    // two samples packed in three bytes (ACR-NEMA era scanners): decoded into
                    // 16-bit samples, see `decode::unpack_12`
                    (12, false) => SampleType::Uint16,
                    (12, true) => SampleType::Int16,
                    (8, false) => SampleType::Uint8,
                    (8, true) => SampleType::Int8,
                    (16, false) => SampleType::Uint16,
                    (16, true) => SampleType::Int16,
                    (32, false) => SampleType::Uint32,
                    (32, true) => SampleType::Int32,
                    _ => {
                        return Err(Error::UnsupportedPixelData(format!(
                        "BitsAllocated {ba} (only 1, 8, 12 (packed), 16 and 32 are read for integer pixels)"
                    )))
                    }
                };
                (ba as u16, t)
            }
        };
        let bits_stored = match element {
            PixelElement::Integer => int(ds, tags::BITS_STORED)
                .unwrap_or(bits_allocated as i64)
                .clamp(1, bits_allocated as i64) as u16,
            _ => bits_allocated,
        };
        let high_bit = int(ds, tags::HIGH_BIT)
            .unwrap_or(bits_stored as i64 - 1)
            .clamp(0, bits_allocated as i64 - 1) as u16;
        let signed = sample_type.is_signed() && bits_allocated != 1;
        let spacing = {
            let ps = floats(ds, tags::PIXEL_SPACING);
            let ps = if ps.len() == 2 {
                ps
            } else {
                // enhanced objects: Pixel Measures in the shared functional groups
                first_item(ds, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE)
                    .and_then(|g| first_item(g, tags::PIXEL_MEASURES_SEQUENCE))
                    .map(|m| floats(m, tags::PIXEL_SPACING))
                    .filter(|v| v.len() == 2)
                    .unwrap_or_else(|| floats(ds, tags::IMAGER_PIXEL_SPACING))
            };
            (ps.len() == 2 && ps.iter().all(|v| *v > 0.0)).then(|| (ps[0], ps[1]))
        };

        let top = transforms_of(ds, signed, None, None);
        let shared = first_item(ds, tags::SHARED_FUNCTIONAL_GROUPS_SEQUENCE);
        let per_frame_groups = items(ds, tags::PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE);
        let per_frame: Vec<FrameTransforms> = per_frame_groups
            .iter()
            .take(frames as usize)
            .map(|g| transforms_of(ds, signed, shared, Some(g)))
            .collect();
        let transforms = match (per_frame.first(), shared) {
            (Some(t), _) => t.clone(),
            (None, Some(s)) => transforms_of(ds, signed, Some(s), None),
            (None, None) => top,
        };
        let palette = if photometric == Photometric::PaletteColor {
            Some(read_palette(ds)?)
        } else {
            None
        };
        Ok(ImageInfo {
            rows: rows as u32,
            cols: cols as u32,
            frames: frames as u32,
            samples_per_pixel: spp as u16,
            bits_allocated,
            bits_stored,
            high_bit,
            signed,
            planar_configuration: int(ds, tags::PLANAR_CONFIGURATION).unwrap_or(0).clamp(0, 1)
                as u16,
            photometric,
            element,
            sample_type,
            transfer_syntax: SyntaxName::of(ts_uid),
            modality: text(ds, tags::MODALITY),
            pixel_spacing: spacing,
            transforms,
            per_frame,
            palette,
            burned_in_annotation: text(ds, tags::BURNED_IN_ANNOTATION).as_deref() == Some("YES"),
        })
    }

    /// Display transforms of one frame.
    pub fn transforms(&self, frame: u32) -> &FrameTransforms {
        self.per_frame
            .get(frame as usize)
            .unwrap_or(&self.transforms)
    }

    /// Bytes one frame of native (uncompressed) pixel data occupies in the file: `None` where
    /// frames are not whole bytes (1-bit data, whose frames are bit-packed back to back).
    pub fn native_frame_bytes(&self) -> Option<usize> {
        let samples = self.rows as usize * self.cols as usize * self.samples_per_pixel as usize;
        match self.bits_allocated {
            1 => None,
            12 => samples.is_multiple_of(2).then_some(samples / 2 * 3),
            _ => Some(self.frame_len()),
        }
    }

    /// Bytes of one frame's samples once decoded (one byte per pixel for 1-bit data).
    pub fn frame_len(&self) -> usize {
        self.rows as usize
            * self.cols as usize
            * self.samples_per_pixel as usize
            * self.sample_type.bytes()
    }
}

/// Collect rescale, LUTs and windows, looking first in the per-frame group, then the shared group,
/// then the top-level data set.
fn transforms_of(
    top: &Ds,
    signed: bool,
    shared: Option<&Ds>,
    frame: Option<&Ds>,
) -> FrameTransforms {
    let scopes: Vec<&Ds> = [frame, shared].into_iter().flatten().collect();
    let find = |seq| {
        scopes
            .iter()
            .find_map(|g| first_item(g, seq))
            .unwrap_or(top)
    };
    let pvt = find(tags::PIXEL_VALUE_TRANSFORMATION_SEQUENCE);
    let voi = find(tags::FRAME_VOILUT_SEQUENCE);

    let rescale = match (
        float(pvt, tags::RESCALE_SLOPE),
        float(pvt, tags::RESCALE_INTERCEPT),
    ) {
        (None, None) => None,
        (s, i) => Some(Rescale {
            slope: s.filter(|s| *s != 0.0).unwrap_or(1.0),
            intercept: i.unwrap_or(0.0),
        }),
    };
    let modality_lut =
        first_item(top, tags::MODALITY_LUT_SEQUENCE).and_then(|i| read_lut(i, signed));
    let centers = floats(voi, tags::WINDOW_CENTER);
    let widths = floats(voi, tags::WINDOW_WIDTH);
    let explanations = texts(voi, tags::WINDOW_CENTER_WIDTH_EXPLANATION);
    let windows = centers
        .iter()
        .zip(&widths)
        .enumerate()
        .filter(|(_, (c, w))| c.is_finite() && w.is_finite() && **w > 0.0)
        .map(|(i, (c, w))| Window {
            center: *c,
            width: *w,
            explanation: explanations.get(i).filter(|s| !s.is_empty()).cloned(),
        })
        .collect();
    let voi_luts = items(top, tags::VOILUT_SEQUENCE)
        .iter()
        .filter_map(|i| read_lut(i, false))
        .collect();
    let voi_function = match text(voi, tags::VOILUT_FUNCTION).as_deref() {
        Some("LINEAR_EXACT") => VoiFunction::LinearExact,
        Some("SIGMOID") => VoiFunction::Sigmoid,
        _ => VoiFunction::Linear,
    };
    FrameTransforms {
        rescale,
        modality_lut,
        windows,
        voi_luts,
        voi_function,
    }
}

/// Read a LUT item (LUT Descriptor + LUT Data). `signed_first` reads the first mapped value as
/// signed (Modality LUT of signed pixels, PS3.3 C.11.1.1.1).
fn read_lut(item: &Ds, signed_first: bool) -> Option<Lut> {
    let desc = item.get(tags::LUT_DESCRIPTOR)?;
    let d: Vec<i64> = desc.to_multi_int::<i64>().ok()?;
    if d.len() != 3 {
        return None;
    }
    let entries = if d[0] == 0 {
        65536
    } else {
        d[0] as usize & 0xFFFF
    };
    let entries = if entries == 0 { 65536 } else { entries };
    let first_mapped = if signed_first {
        d[1] as u16 as i16 as i64
    } else {
        d[1] & 0xFFFF
    };
    let bits = d[2].clamp(1, 16) as u16;
    let data_el = item.get(tags::LUT_DATA)?;
    let mut data: Vec<u16> = data_el.to_multi_int::<u16>().ok().or_else(|| {
        data_el.to_bytes().ok().map(|b| {
            b.chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect()
        })
    })?;
    if bits == 8 && data.len() * 2 == entries {
        // 8-bit entries packed two per 16-bit word
        data = data
            .iter()
            .flat_map(|w| [w & 0xFF, w >> 8])
            .collect::<Vec<u16>>();
    }
    if data.is_empty() {
        return None;
    }
    data.truncate(entries);
    Some(Lut {
        first_mapped,
        bits,
        data,
        explanation: text(item, tags::LUT_EXPLANATION),
    })
}

fn read_palette(ds: &Ds) -> Result<[Lut; 3]> {
    let channel = |desc_tag, data_tag, seg_tag, name: &'static str| -> Result<Lut> {
        let d: Vec<i64> = ds
            .get(desc_tag)
            .and_then(|e| e.to_multi_int::<i64>().ok())
            .filter(|d| d.len() == 3)
            .ok_or_else(|| Error::bad(name, "palette descriptor absent"))?;
        let entries = match d[0] & 0xFFFF {
            0 => 65536,
            n => n as usize,
        };
        let bits = d[2].clamp(1, 16) as u16;
        let raw: Vec<u16> = if let Some(e) = ds.get(data_tag) {
            e.to_bytes()
                .map_err(|e| Error::bad(name, e))?
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect()
        } else if let Some(e) = ds.get(seg_tag) {
            let words: Vec<u16> = e
                .to_bytes()
                .map_err(|e| Error::bad(name, e))?
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            expand_segmented(&words, entries)
                .ok_or_else(|| Error::bad(name, "bad segmented palette"))?
        } else {
            return Err(Error::bad(name, "palette data absent"));
        };
        // 8-bit palettes may be packed two entries per word
        let data = if bits == 8 && raw.len() * 2 == entries {
            raw.iter().flat_map(|w| [w & 0xFF, w >> 8]).collect()
        } else {
            raw
        };
        if data.is_empty() {
            return Err(Error::bad(name, "palette data empty"));
        }
        Ok(Lut {
            first_mapped: d[1] & 0xFFFF,
            bits,
            data: data.into_iter().take(entries).collect(),
            explanation: None,
        })
    };
    Ok([
        channel(
            tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR,
            tags::RED_PALETTE_COLOR_LOOKUP_TABLE_DATA,
            tags::SEGMENTED_RED_PALETTE_COLOR_LOOKUP_TABLE_DATA,
            "RedPaletteColorLookupTable",
        )?,
        channel(
            tags::GREEN_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR,
            tags::GREEN_PALETTE_COLOR_LOOKUP_TABLE_DATA,
            tags::SEGMENTED_GREEN_PALETTE_COLOR_LOOKUP_TABLE_DATA,
            "GreenPaletteColorLookupTable",
        )?,
        channel(
            tags::BLUE_PALETTE_COLOR_LOOKUP_TABLE_DESCRIPTOR,
            tags::BLUE_PALETTE_COLOR_LOOKUP_TABLE_DATA,
            tags::SEGMENTED_BLUE_PALETTE_COLOR_LOOKUP_TABLE_DATA,
            "BluePaletteColorLookupTable",
        )?,
    ])
}

/// Expand a segmented palette (PS3.3 C.7.9.2): discrete, linear and indirect segments.
fn expand_segmented(words: &[u16], max_entries: usize) -> Option<Vec<u16>> {
    let mut out: Vec<u16> = Vec::new();
    let mut i = 0;
    let mut guard = 0;
    while i + 1 < words.len() {
        guard += 1;
        if guard > 1 << 20 || out.len() > max_entries.max(65536) {
            return None;
        }
        let (op, len) = (words[i], words[i + 1] as usize);
        match op {
            0 => {
                out.extend(words.get(i + 2..i + 2 + len)?);
                i += 2 + len;
            }
            1 => {
                let y1 = *words.get(i + 2)? as f64;
                let y0 = *out.last()? as f64;
                if out.len() + len > max_entries.max(65536) {
                    return None;
                }
                for k in 1..=len {
                    out.push((y0 + (y1 - y0) * k as f64 / len as f64).round() as u16);
                }
                i += 3;
            }
            2 => {
                let off = (*words.get(i + 2)? as usize) | ((*words.get(i + 3)? as usize) << 16);
                // indirect: copy `len` segments starting at word offset `off`
                let mut j = off;
                for _ in 0..len {
                    if out.len() > max_entries.max(65536) {
                        return None;
                    }
                    let (sop, slen) = (*words.get(j)?, *words.get(j + 1)? as usize);
                    match sop {
                        0 => {
                            out.extend(words.get(j + 2..j + 2 + slen)?);
                            j += 2 + slen;
                        }
                        1 => {
                            let y1 = *words.get(j + 2)? as f64;
                            let y0 = *out.last()? as f64;
                            if out.len() + slen > max_entries.max(65536) {
                                return None;
                            }
                            for k in 1..=slen {
                                out.push((y0 + (y1 - y0) * k as f64 / slen as f64).round() as u16);
                            }
                            j += 3;
                        }
                        _ => return None,
                    }
                }
                i += 4;
            }
            _ => return None,
        }
    }
    Some(out)
}
