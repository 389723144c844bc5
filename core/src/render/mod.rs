//! Rendering decoded frames for a screen: the DICOM grayscale pipeline (PS3.3 C.11; PS3.4 N.2)
//! and colour, into RGBA8 that a shell blits as is.
//!
//! Stored value → Modality LUT (rescale slope/intercept or LUT sequence) → VOI (a window with
//! its LINEAR / LINEAR_EXACT / SIGMOID function, or a VOI LUT) → MONOCHROME1 inversion → 8 bits.
//!
//! For integer samples the whole chain is folded into one table indexed by the stored value,
//! built over the frame's actual value range, so a render is one pass of table look-ups with no
//! intermediate image. Float samples go through the same maths per pixel.

pub mod presets;
mod thumbnail;

use serde::Serialize;

use crate::dicom::{
    each_samples, ColorModel, Frame, FrameTransforms, ImageInfo, Lut, Samples, VoiFunction,
};
use crate::error::{Error, Result};
pub use presets::Preset;
pub use thumbnail::{encode_png, thumbnail};

/// An RGBA8 image, rows top to bottom, 4 bytes a pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// Which VOI transform to apply to a grayscale frame.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Voi {
    /// What a reader expects on opening: the file's first window, else its first VOI LUT, else
    /// the frame's full value range.
    #[default]
    Default,
    /// The n-th window in the file.
    FileWindow(usize),
    /// The n-th VOI LUT in the file.
    FileLut(usize),
    /// A window chosen by the user (LINEAR function), in modality units.
    Window { center: f64, width: f64 },
    /// A named preset (see [`presets`]).
    Preset(&'static Preset),
    /// The frame's value range mapped to black..white.
    Auto,
}

impl Voi {
    /// Parse a command-line style choice: `C,W` for a window or a preset name.
    pub fn parse_window(s: &str) -> Result<Voi> {
        let parts: Vec<&str> = s.split(',').collect();
        let bad = || {
            Error::InvalidArgument(format!(
                "window must be CENTER,WIDTH with WIDTH > 0, got {s:?}"
            ))
        };
        if parts.len() != 2 {
            return Err(bad());
        }
        let c: f64 = parts[0].trim().parse().map_err(|_| bad())?;
        let w: f64 = parts[1].trim().parse().map_err(|_| bad())?;
        if !c.is_finite() || !w.is_finite() || w <= 0.0 {
            return Err(bad());
        }
        Ok(Voi::Window {
            center: c,
            width: w,
        })
    }

    /// Look a preset up by name (`ct-brain`, `brain`, `lung`...).
    pub fn preset(name: &str) -> Result<Voi> {
        presets::find(name).map(Voi::Preset).ok_or_else(|| {
            let names: Vec<&str> = presets::PRESETS.iter().map(|p| p.id).collect();
            Error::InvalidArgument(format!(
                "unknown preset {name:?}; known: {}",
                names.join(", ")
            ))
        })
    }
}

/// What was applied, for the overlay ("W 400 L 40").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Applied {
    Window {
        center: f64,
        width: f64,
        function: VoiFunctionName,
    },
    VoiLut {
        index: usize,
    },
    Colour,
}

/// Serializable name of a VOI function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum VoiFunctionName {
    Linear,
    LinearExact,
    Sigmoid,
}

impl From<VoiFunction> for VoiFunctionName {
    fn from(f: VoiFunction) -> Self {
        match f {
            VoiFunction::Linear => Self::Linear,
            VoiFunction::LinearExact => Self::LinearExact,
            VoiFunction::Sigmoid => Self::Sigmoid,
        }
    }
}

/// Render a frame into a new RGBA8 image.
pub fn render(info: &ImageInfo, frame: &Frame<'_>, voi: &Voi) -> Result<(Image, Applied)> {
    let mut rgba = vec![0u8; frame.rows as usize * frame.cols as usize * 4];
    let applied = render_into(info, frame, voi, false, &mut rgba)?;
    Ok((
        Image {
            width: frame.cols,
            height: frame.rows,
            rgba,
        },
        applied,
    ))
}

/// Render a frame into `out` (exactly rows × cols × 4 bytes). `invert` flips grey levels on top of
/// what MONOCHROME1 already implies.
pub fn render_into(
    info: &ImageInfo,
    frame: &Frame<'_>,
    voi: &Voi,
    invert: bool,
    out: &mut [u8],
) -> Result<Applied> {
    let pixels = frame.rows as usize * frame.cols as usize;
    if out.len() != pixels * 4 {
        return Err(Error::InvalidArgument(format!(
            "output buffer is {} bytes, the frame needs {}",
            out.len(),
            pixels * 4
        )));
    }
    match frame.color {
        ColorModel::Rgb => {
            render_rgb(&frame.samples, info.bits_stored, out);
            Ok(Applied::Colour)
        }
        ColorModel::Palette => {
            let palette = info
                .palette
                .as_ref()
                .ok_or_else(|| Error::bad("PaletteColorLookupTable", "absent"))?;
            render_palette(&frame.samples, palette, out)?;
            Ok(Applied::Colour)
        }
        ColorModel::Monochrome1 | ColorModel::Monochrome2 => {
            let invert = invert ^ (frame.color == ColorModel::Monochrome1);
            render_grey(
                info.transforms(frame.index),
                &frame.samples,
                voi,
                invert,
                out,
            )
        }
    }
}

/// The grayscale chain for one value, built once per render.
struct Chain<'a> {
    rescale: (f64, f64),
    modality_lut: Option<&'a Lut>,
    voi: VoiStep<'a>,
    invert: bool,
}

enum VoiStep<'a> {
    Window {
        center: f64,
        width: f64,
        function: VoiFunction,
    },
    Lut(&'a Lut),
}

impl Chain<'_> {
    #[inline]
    fn modality(&self, v: f64) -> f64 {
        match self.modality_lut {
            Some(l) => l.get(v.round() as i64) as f64,
            None => v * self.rescale.0 + self.rescale.1,
        }
    }

    #[inline]
    fn display(&self, stored: f64) -> u8 {
        let x = self.modality(stored);
        let y = match &self.voi {
            VoiStep::Window {
                center,
                width,
                function,
            } => window(x, *center, *width, *function),
            VoiStep::Lut(l) => l.get(x.round() as i64) as f64 / l.max_output(),
        };
        let y = (y.clamp(0.0, 1.0) * 255.0).round() as u8;
        if self.invert {
            255 - y
        } else {
            y
        }
    }
}

/// The VOI window functions of PS3.3 C.11.2.1.2, normalised to 0..1.
#[inline]
pub fn window(x: f64, c: f64, w: f64, f: VoiFunction) -> f64 {
    match f {
        VoiFunction::Linear => {
            let w1 = (w - 1.0).max(0.0);
            if w1 == 0.0 {
                return if x <= c - 0.5 { 0.0 } else { 1.0 };
            }
            if x <= c - 0.5 - w1 / 2.0 {
                0.0
            } else if x > c - 0.5 + w1 / 2.0 {
                1.0
            } else {
                (x - (c - 0.5)) / w1 + 0.5
            }
        }
        VoiFunction::LinearExact => {
            if x <= c - w / 2.0 {
                0.0
            } else if x > c + w / 2.0 {
                1.0
            } else {
                (x - c) / w + 0.5
            }
        }
        VoiFunction::Sigmoid => 1.0 / (1.0 + (-4.0 * (x - c) / w).exp()),
    }
}

fn min_max(s: &Samples<'_>) -> Option<(f64, f64)> {
    // Integer reductions written with min/max so that LLVM vectorises them.
    macro_rules! int_mm {
        ($v:expr, $t:ty) => {{
            if $v.is_empty() {
                return None;
            }
            let (lo, hi) = $v
                .iter()
                .fold((<$t>::MAX, <$t>::MIN), |(l, h), &x| (l.min(x), h.max(x)));
            Some((lo as f64, hi as f64))
        }};
    }
    match s {
        Samples::U8(v) => int_mm!(v, u8),
        Samples::I8(v) => int_mm!(v, i8),
        Samples::U16(v) => int_mm!(v, u16),
        Samples::I16(v) => int_mm!(v, i16),
        Samples::U32(v) => int_mm!(v, u32),
        Samples::I32(v) => int_mm!(v, i32),
        Samples::F32(v) => {
            let finite = v.iter().copied().filter(|x| x.is_finite());
            finite.fold(None, |acc: Option<(f64, f64)>, x| {
                let x = x as f64;
                Some(acc.map_or((x, x), |(l, h)| (l.min(x), h.max(x))))
            })
        }
        Samples::F64(v) => v
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(None, |acc, x| {
                Some(acc.map_or((x, x), |(l, h): (f64, f64)| (l.min(x), h.max(x))))
            }),
    }
}

fn render_grey(
    t: &FrameTransforms,
    samples: &Samples<'_>,
    voi: &Voi,
    invert: bool,
    out: &mut [u8],
) -> Result<Applied> {
    let (lo, hi) = min_max(samples).unwrap_or((0.0, 0.0));
    let rescale = t
        .rescale
        .map(|r| (r.slope, r.intercept))
        .unwrap_or((1.0, 0.0));
    let mut chain = Chain {
        rescale,
        modality_lut: t.modality_lut.as_ref(),
        voi: VoiStep::Window {
            center: 0.0,
            width: 1.0,
            function: VoiFunction::Linear,
        },
        invert,
    };
    let auto = |chain: &Chain<'_>| {
        let (a, b) = (chain.modality(lo), chain.modality(hi));
        let (a, b) = (a.min(b), a.max(b));
        VoiStep::Window {
            center: (a + b) / 2.0,
            width: (b - a).max(1e-9),
            function: VoiFunction::LinearExact,
        }
    };
    let file_window = |i: usize| {
        t.windows.get(i).map(|w| VoiStep::Window {
            center: w.center,
            width: w.width,
            function: if t.voi_function == VoiFunction::Linear && w.width < 1.0 {
                VoiFunction::LinearExact
            } else {
                t.voi_function
            },
        })
    };
    chain.voi = match voi {
        Voi::Default => file_window(0)
            .or_else(|| t.voi_luts.first().map(VoiStep::Lut))
            .unwrap_or_else(|| auto(&chain)),
        Voi::FileWindow(i) => file_window(*i)
            .ok_or_else(|| Error::InvalidArgument(format!("the file has no window {i}")))?,
        Voi::FileLut(i) => VoiStep::Lut(
            t.voi_luts
                .get(*i)
                .ok_or_else(|| Error::InvalidArgument(format!("the file has no VOI LUT {i}")))?,
        ),
        Voi::Window { center, width } => VoiStep::Window {
            center: *center,
            width: *width,
            function: VoiFunction::Linear,
        },
        Voi::Preset(p) => VoiStep::Window {
            center: p.center,
            width: p.width,
            function: VoiFunction::Linear,
        },
        Voi::Auto => auto(&chain),
    };
    let applied = match &chain.voi {
        VoiStep::Window {
            center,
            width,
            function,
        } => Applied::Window {
            center: *center,
            width: *width,
            function: (*function).into(),
        },
        VoiStep::Lut(l) => Applied::VoiLut {
            index: t
                .voi_luts
                .iter()
                .position(|x| std::ptr::eq(x, *l))
                .unwrap_or(0),
        },
    };

    let span = hi - lo;
    let (base, top) = (lo as i64, hi as i64);
    match samples {
        // 8 and 16-bit samples index a table as wide as their type: no bounds checks, no clamps.
        Samples::U8(v) => lut_pass_full(
            v,
            &full_table::<256>(&chain, base, top),
            |x| x as usize,
            out,
        ),
        Samples::I8(v) => lut_pass_full(
            v,
            &full_table::<256>(&chain, base, top),
            |x| x as u8 as usize,
            out,
        ),
        Samples::U16(v) => lut_pass_full(
            v,
            &full_table::<65536>(&chain, base, top),
            |x| x as usize,
            out,
        ),
        Samples::I16(v) => lut_pass_full(
            v,
            &full_table::<65536>(&chain, base, top),
            |x| x as u16 as usize,
            out,
        ),
        Samples::U32(_) | Samples::I32(_) if span < (1 << 20) as f64 => {
            let t: Vec<u32> = (base..=top)
                .map(|x| pack(chain.display(x as f64)))
                .collect();
            each_samples!(samples, v => lut_pass(v, base, &t, out));
        }
        _ => each_samples!(samples, v => {
            for (px, o) in v.iter().zip(out.chunks_exact_mut(4)) {
                let x: f64 = num_f64(*px);
                let g = if x.is_finite() { chain.display(x) } else { 0 };
                o.copy_from_slice(&pack(g).to_le_bytes());
            }
        }),
    }
    Ok(applied)
}

#[inline]
fn num_f64<T: ToF64>(x: T) -> f64 {
    x.to_f64()
}

trait ToF64: Copy {
    fn to_f64(self) -> f64;
    fn to_i64(self) -> i64;
}
macro_rules! to_f64 {
    ($($t:ty),*) => {$(impl ToF64 for $t {
        #[inline] fn to_f64(self) -> f64 { self as f64 }
        #[inline] fn to_i64(self) -> i64 { self as i64 }
    })*};
}
to_f64!(u8, i8, u16, i16, u32, i32, f32, f64);

#[inline]
fn lut_pass<T: ToF64>(v: &[T], base: i64, table: &[u32], out: &mut [u8]) {
    let last = table.len() as i64 - 1;
    for (px, o) in v.iter().zip(out.chunks_exact_mut(4)) {
        let i = (px.to_i64() - base).clamp(0, last) as usize;
        o.copy_from_slice(&table[i].to_le_bytes());
    }
}

#[inline]
fn pack(g: u8) -> u32 {
    u32::from_le_bytes([g, g, g, 255])
}

/// A table with one RGBA entry per value of an N-valued sample type (indexed by the value's bit
/// pattern), filled only over the frame's range [lo, hi]: one chain evaluation per value present.
fn full_table<const N: usize>(chain: &Chain<'_>, lo: i64, hi: i64) -> Box<[u32; N]> {
    let mut t: Box<[u32; N]> = vec![0u32; N]
        .into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| unreachable!("the vector has N entries"));
    for v in lo..=hi {
        t[(v as usize) & (N - 1)] = pack(chain.display(v as f64));
    }
    t
}

/// The hot loop of every grayscale render: one table look-up and one 32-bit store per pixel.
/// `index` maps a sample to its bit pattern, below N by construction.
#[inline]
fn lut_pass_full<T: Copy, const N: usize>(
    v: &[T],
    table: &[u32; N],
    index: impl Fn(T) -> usize,
    out: &mut [u8],
) {
    match bytemuck::try_cast_slice_mut::<u8, u32>(out) {
        Ok(out32) => {
            for (o, px) in out32.iter_mut().zip(v) {
                *o = table[index(*px) & (N - 1)];
            }
        }
        Err(_) => {
            for (o, px) in out.chunks_exact_mut(4).zip(v) {
                o.copy_from_slice(&table[index(*px) & (N - 1)].to_le_bytes());
            }
        }
    }
}

fn render_rgb(samples: &Samples<'_>, bits_stored: u16, out: &mut [u8]) {
    let shift = bits_stored.saturating_sub(8) as u32;
    match samples {
        Samples::U8(v) => {
            for (p, o) in v.chunks_exact(3).zip(out.chunks_exact_mut(4)) {
                o.copy_from_slice(&[p[0], p[1], p[2], 255]);
            }
        }
        other => each_samples!(other, v => {
            for (p, o) in v.chunks_exact(3).zip(out.chunks_exact_mut(4)) {
                let c = |x: f64| ((x as i64) >> shift).clamp(0, 255) as u8;
                o.copy_from_slice(&[c(num_f64(p[0])), c(num_f64(p[1])), c(num_f64(p[2])), 255]);
            }
        }),
    }
}

fn render_palette(samples: &Samples<'_>, palette: &[Lut; 3], out: &mut [u8]) -> Result<()> {
    // Palettes declare 8 or 16 bits per entry; bring each to 8 bits.
    let to8 = |l: &Lut| -> Vec<u8> {
        let shift = l.bits.saturating_sub(8);
        l.data.iter().map(|v| (v >> shift).min(255) as u8).collect()
    };
    let (r, g, b) = (to8(&palette[0]), to8(&palette[1]), to8(&palette[2]));
    let first = palette[0].first_mapped;
    let last = (r.len().min(g.len()).min(b.len()) as i64 - 1).max(0);
    each_samples!(samples, v => {
        for (px, o) in v.iter().zip(out.chunks_exact_mut(4)) {
            let i = (px.to_i64() - first).clamp(0, last) as usize;
            o.copy_from_slice(&[r[i], g[i], b[i], 255]);
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests;
