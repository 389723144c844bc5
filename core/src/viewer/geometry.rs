//! The shape of a series, read once when a session opens: size, pixel and slice spacing (and
//! where the spacing comes from), orientation, and the cine rate of multi-frame objects.

use dicom_dictionary_std::tags;

use crate::vault::InstanceRow;

/// The shape of a series, for measurement and layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// Rows and columns of the first slice (slices of another size render at their own size).
    pub rows: u32,
    pub cols: u32,
    /// Row spacing, column spacing in mm (Pixel Spacing, else Imager Pixel Spacing).
    pub pixel_spacing: Option<(f64, f64)>,
    /// Which attribute [`Geometry::pixel_spacing`] comes from.
    pub spacing_source: Option<SpacingSource>,
    /// Distance between neighbouring slice centres in mm, along the slice normal (the median
    /// of the gaps between positions), when every slice has a position and one orientation.
    pub slice_spacing: Option<f64>,
    /// Slice Thickness in mm, as the file states it.
    pub slice_thickness: Option<f64>,
    /// Image Orientation (Patient) shared by the slices.
    pub orientation: Option<[f64; 6]>,
}

/// Where a series' pixel spacing comes from: a measurement's meaning depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpacingSource {
    /// Pixel Spacing (0028,0030), in the patient (or the Pixel Measures of an enhanced object).
    PixelSpacing,
    /// Imager Pixel Spacing (0018,1164), at the detector: a projection radiograph's lengths
    /// there include the beam's magnification (usually a few per cent larger than in the body).
    ImagerPixelSpacing,
}

/// The attribute a header's pixel spacing comes from, by the rule of [`crate::dicom::ImageInfo`]'s
/// `pixel_spacing` (Pixel Spacing, the enhanced Pixel Measures, then Imager Pixel Spacing).
pub(super) fn spacing_source(
    header: &crate::dicom::Object,
    spacing: Option<(f64, f64)>,
) -> Option<SpacingSource> {
    spacing?;
    let ok = |tag| crate::dicom::attrs::floats(header, tag).len() == 2;
    if ok(tags::PIXEL_SPACING) || !ok(tags::IMAGER_PIXEL_SPACING) {
        Some(SpacingSource::PixelSpacing)
    } else {
        Some(SpacingSource::ImagerPixelSpacing)
    }
}

/// Cine playback of a multi-frame series.
#[derive(Debug, Clone, PartialEq)]
pub struct Cine {
    pub frames: u32,
    /// Time between frames in ms: Frame Time, else 1000 / Cine Rate, else 1000 / Recommended
    /// Display Frame Rate.
    pub frame_interval_ms: f64,
}

/// The median gap between neighbouring slice positions along the shared normal.
pub(super) fn slice_spacing(rows: &[InstanceRow]) -> Option<f64> {
    let o = rows.first()?.orientation()?;
    let n = [
        o[1] * o[5] - o[2] * o[4],
        o[2] * o[3] - o[0] * o[5],
        o[0] * o[4] - o[1] * o[3],
    ];
    let mut d: Vec<f64> = rows
        .iter()
        .map(|r| {
            let same = r
                .orientation()
                .is_some_and(|x| x.iter().zip(&o).all(|(a, b)| (a - b).abs() < 1e-3));
            let p = r.position().filter(|_| same)?;
            Some(p[0] * n[0] + p[1] * n[1] + p[2] * n[2])
        })
        .collect::<Option<_>>()?;
    if d.len() < 2 {
        return None;
    }
    d.sort_by(f64::total_cmp);
    let mut gaps: Vec<f64> = d.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    let m = gaps[gaps.len() / 2];
    (m.is_finite() && m > 1e-6).then_some(m)
}

pub(super) fn cine_interval(header: &crate::dicom::Object) -> Option<f64> {
    use crate::dicom::attrs::float;
    let ok = |v: f64| (v.is_finite() && v > 0.0).then_some(v);
    float(header, tags::FRAME_TIME)
        .and_then(ok)
        .or_else(|| {
            float(header, tags::CINE_RATE)
                .and_then(ok)
                .map(|r| 1000.0 / r)
        })
        .or_else(|| {
            float(header, tags::RECOMMENDED_DISPLAY_FRAME_RATE)
                .and_then(ok)
                .map(|r| 1000.0 / r)
        })
}
