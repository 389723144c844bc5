//! The viewer's rules as plain functions of numbers, one copy for every shell: the viewer screen
//! applies them, and the browser viewer's TypeScript copies (web/src/viewer/*.ts) are held to
//! them by vectors the core writes (`docs/viewer-rule-vectors/viewer-rules.json`, checked by
//! the `vectors` test beside this file and by `tests/web/viewer-rules-test.mjs`).

/// A finger or mouse moved this many pixels per slice at least and at most, whatever the series
/// length: a 20-slice series does not fly past, a 600-slice one can be crossed in a few swipes.
pub const SCROLL_PX_PER_SLICE: (f64, f64) = (2.0, 12.0);

/// A window drag across this many pixels moves the centre or the width by the whole range.
pub const DRAG_PX_FOR_RANGE: f64 = 600.0;

/// The smallest change of centre or width per pixel of drag.
pub const DRAG_MIN_STEP: f64 = 0.05;

/// The Hounsfield range a CT drag spans, whatever the bits: air to dense bone and metal.
pub const CT_RANGE_HU: (f64, f64) = (-1024.0, 3071.0);

/// Zoom limits, in multiples of the fitted size.
pub const ZOOM_RANGE: (f64, f64) = (0.1, 40.0);

/// Cine rates offered, in frames per second, and the rate when nothing says one.
pub const CINE_FPS_RANGE: (f64, f64) = (1.0, 60.0);
pub const CINE_DEFAULT_FPS: f64 = 10.0;

/// Pixels of drag per slice for a viewport `height_px` tall showing `slices` slices: the height
/// spans the series, within [`SCROLL_PX_PER_SLICE`]; the slowest when the height is not known
/// yet (0).
pub fn scroll_px_per_slice(height_px: f64, slices: u32) -> f64 {
    let (lo, hi) = SCROLL_PX_PER_SLICE;
    if !(height_px.is_finite() && height_px > 0.0) {
        return hi;
    }
    (height_px / f64::from(slices.max(1))).clamp(lo, hi)
}

/// A scroll gesture: `carry` pixels left over from the last one plus `dy_px` now, at `per` pixels
/// a slice. Returns the slices to move (towards the end when positive) and the pixels carried.
pub fn scroll(carry: f64, dy_px: f64, per: f64) -> (i64, f64) {
    let acc = carry + dy_px;
    let n = (acc / per).trunc();
    (n as i64, acc - n * per)
}

/// The range a window drag spans for a modality and a bit depth, in modality units: the stored
/// values' range (`bits_stored`, signed or not) through the rescale; for CT, the Hounsfield
/// range [`CT_RANGE_HU`] where the stored range is wider (a 16-bit CT does not drag 16 times
/// faster than a 12-bit one).
pub fn drag_range(
    modality: &str,
    bits_stored: u16,
    signed: bool,
    slope: f64,
    intercept: f64,
) -> (f64, f64) {
    let bits = i32::from(bits_stored.clamp(1, 16));
    let (lo, hi) = if signed {
        (-(2f64.powi(bits - 1)), 2f64.powi(bits - 1) - 1.0)
    } else {
        (0.0, 2f64.powi(bits) - 1.0)
    };
    let slope = if slope.is_finite() && slope != 0.0 {
        slope
    } else {
        1.0
    };
    let intercept = if intercept.is_finite() {
        intercept
    } else {
        0.0
    };
    let (a, b) = (lo * slope + intercept, hi * slope + intercept);
    let (a, b) = (a.min(b), a.max(b));
    if modality.trim().eq_ignore_ascii_case("CT") {
        (a.max(CT_RANGE_HU.0), b.min(CT_RANGE_HU.1))
    } else {
        (a, b)
    }
}

/// The window after a drag of (`dx`, `dy`) pixels from (`center`, `width`) over `range`: down
/// raises the centre (darker), right widens (less contrast); a drag across
/// [`DRAG_PX_FOR_RANGE`] pixels spans the range. The width stays at least 1.
pub fn drag_window(center: f64, width: f64, range: (f64, f64), dx: f64, dy: f64) -> (f64, f64) {
    let step = ((range.1 - range.0) / DRAG_PX_FOR_RANGE).max(DRAG_MIN_STEP);
    (center + dy * step, (width + dx * step).max(1.0))
}

/// Millimetres between image points `a` and `b` (column, row), with `spacing` (row spacing,
/// column spacing, mm).
pub fn length_mm(a: (f64, f64), b: (f64, f64), spacing: (f64, f64)) -> f64 {
    let dx = (b.0 - a.0) * spacing.1;
    let dy = (b.1 - a.1) * spacing.0;
    dx.hypot(dy)
}

/// Image pixels between `a` and `b`.
pub fn length_px(a: (f64, f64), b: (f64, f64)) -> f64 {
    (b.0 - a.0).hypot(b.1 - a.1)
}

/// The cine rate for what the patient asked: 1 to 60 frames a second; not a number (or 0, an
/// empty field) gives the default.
pub fn cine_fps(requested: f64) -> f64 {
    if requested.is_nan() || requested == 0.0 {
        return CINE_DEFAULT_FPS;
    }
    requested.clamp(CINE_FPS_RANGE.0, CINE_FPS_RANGE.1)
}

/// The zoom after multiplying `zoom` by `factor`, within [`ZOOM_RANGE`].
pub fn zoom(zoom: f64, factor: f64) -> f64 {
    (zoom * factor).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1)
}

/// The pan after zooming from `zoom` to `new_zoom` about `focus` (viewport pixels from its top
/// left, the viewport `size` wide and tall): the point under the focus stays there.
pub fn pan_after_zoom(
    pan: (f64, f64),
    zoom: f64,
    new_zoom: f64,
    focus: (f64, f64),
    size: (f64, f64),
) -> (f64, f64) {
    let f = new_zoom / zoom;
    let (cx, cy) = (size.0 / 2.0, size.1 / 2.0);
    (
        focus.0 - cx - (focus.0 - cx - pan.0) * f,
        focus.1 - cy - (focus.1 - cy - pan.1) * f,
    )
}

/// `x` with `decimals` decimals, halves rounded away from zero (as people round, and the same in
/// every language's formatter).
pub fn fixed(x: f64, decimals: u8) -> String {
    let m = 10f64.powi(i32::from(decimals));
    let r = (x * m).round() / m;
    let s = format!("{r:.*}", usize::from(decimals));
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A millimetre or window value as the overlay writes it: whole from 100 up, else one decimal
/// (none when it is .0); `-0` as `0`.
pub fn number(x: f64) -> String {
    if x.abs() >= 100.0 {
        fixed(x, 0)
    } else {
        let s = fixed(x, 1);
        s.strip_suffix(".0").map(String::from).unwrap_or(s)
    }
}

/// The patient-side direction a unit vector points to, as DICOM's letters (PS3.3 C.7.6.1.1.1:
/// x towards the patient's Left, y Posterior, z Head), strongest first, for each axis whose
/// component is at least [`OBLIQUE_MIN`] (an axial slice tilted 10° reads `A`, tilted 30° `AF`):
/// at most 3 letters; empty for a zero or broken vector.
pub fn direction_letters(v: [f64; 3]) -> String {
    let norm = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    if !(norm.is_finite() && norm > 1e-6) {
        return String::new();
    }
    let mut axes: Vec<(f64, char)> = [('L', 'R'), ('P', 'A'), ('H', 'F')]
        .iter()
        .zip(v)
        .map(|(&(plus, minus), c)| {
            let c = c / norm;
            (c.abs(), if c > 0.0 { plus } else { minus })
        })
        .filter(|(m, _)| *m >= OBLIQUE_MIN)
        .collect();
    axes.sort_by(|a, b| b.0.total_cmp(&a.0));
    axes.into_iter().map(|(_, l)| l).collect()
}

/// The smallest direction cosine that adds an axis's letter: sin 20°, so a slice within 20° of
/// an axis reads as one letter.
pub const OBLIQUE_MIN: f64 = 0.342;

/// The letters outside the image's four edges, top, right, bottom, left, from Image Orientation
/// (Patient) (row direction then column direction cosines): the right edge is where the row
/// direction points, the bottom where the column direction points. None for a broken
/// orientation.
pub fn orientation_letters(iop: [f64; 6]) -> Option<[String; 4]> {
    let row = [iop[0], iop[1], iop[2]];
    let col = [iop[3], iop[4], iop[5]];
    let neg = |v: [f64; 3]| [-v[0], -v[1], -v[2]];
    let letters = [
        direction_letters(neg(col)),
        direction_letters(row),
        direction_letters(col),
        direction_letters(neg(row)),
    ];
    letters.iter().all(|l| !l.is_empty()).then_some(letters)
}
