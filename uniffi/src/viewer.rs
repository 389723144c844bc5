//! A viewer session over one series.

use std::sync::Arc;

use scanpass_core::render::{self, presets, Voi};
use scanpass_core::vault::Vault as CoreVault;
use scanpass_core::viewer as core;

use crate::error::ScanpassError;
use crate::pixels::{RenderedSliceWire, Shape};

type Result<T> = std::result::Result<T, ScanpassError>;

/// Which window (contrast) to show a slice with.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Window {
    /// What a reader expects on opening: the file's own window, else the slice's full range.
    Default,
    /// The slice's full value range.
    Auto,
    /// A named preset (`ct-brain`, `ct-lung`...; see [`presets`]).
    Preset { id: String },
    /// Centre and width in the modality's units (Hounsfield units for CT); width > 0.
    Custom { center: f64, width: f64 },
    /// The n-th window the file itself offers.
    FromFile { index: u32 },
}

impl TryFrom<Window> for Voi {
    type Error = ScanpassError;
    fn try_from(w: Window) -> Result<Voi> {
        Ok(match w {
            Window::Default => Voi::Default,
            Window::Auto => Voi::Auto,
            Window::Preset { id } => Voi::preset(&id)?,
            Window::Custom { center, width }
                if width > 0.0 && width.is_finite() && center.is_finite() =>
            {
                Voi::Window { center, width }
            }
            Window::Custom { .. } => return Err(crate::error::Case::InvalidInput.into()),
            Window::FromFile { index } => Voi::FileWindow(index as usize),
        })
    }
}

/// A named window for a menu.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Preset {
    /// Pass as `Window.Preset(id)`.
    pub id: String,
    pub label: String,
    pub modality: String,
    pub center: f64,
    pub width: f64,
}

impl From<&presets::Preset> for Preset {
    fn from(p: &presets::Preset) -> Self {
        Preset {
            id: p.id.into(),
            label: p.label.into(),
            modality: p.modality.into(),
            center: p.center,
            width: p.width,
        }
    }
}

/// The presets for `modality` (all of them when none is given), in menu order.
#[uniffi::export]
pub fn presets(modality: Option<String>) -> Vec<Preset> {
    presets::PRESETS
        .iter()
        .filter(|p| modality.as_deref().is_none_or(|m| p.modality == m))
        .map(Preset::from)
        .collect()
}

/// The shape of a series, for measurement and layout.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Geometry {
    pub rows: u32,
    pub cols: u32,
    /// Millimetres between pixel centres, down a column and along a row.
    pub row_spacing_mm: Option<f64>,
    pub column_spacing_mm: Option<f64>,
    /// Millimetres between neighbouring slices.
    pub slice_spacing_mm: Option<f64>,
    pub slice_thickness_mm: Option<f64>,
    /// Row then column direction cosines (6 numbers), when the slices share one orientation.
    pub orientation: Option<Vec<f64>>,
}

/// Cine playback of a multi-frame series.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Cine {
    pub frames: u32,
    pub frame_interval_ms: f64,
}

/// Where a slice comes from.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SliceInfo {
    pub instance: u32,
    pub frame: u32,
    pub instance_number: Option<i64>,
    /// Image Position (Patient), mm.
    pub position: Option<Vec<f64>>,
}

/// This module's path, as uniffi's derives record it (the rendered-slice wire names its record
/// by it).
pub(crate) const MODULE_PATH: &str = module_path!();

/// One rendered slice: its size, the window applied, and its pixels. Built in place by the
/// viewer ([`RenderedSliceWire`]): the fields here are the wire layout, in this order.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RenderedSlice {
    pub width: u32,
    pub height: u32,
    /// Whether a window was applied (grey images); false for colour images and VOI LUTs.
    pub windowed: bool,
    /// The window applied, in modality units (to show in a corner and start a drag from).
    pub window_center: f64,
    pub window_width: f64,
    /// Decoded below the image's full resolution: a first image at the size of the view
    /// (`render_for_view`), `width` × `height` being that smaller size; the shell scales it to
    /// the view and renders again for the full image. False from `render`.
    pub reduced: bool,
    /// RGBA8, row by row, 4 bytes a pixel, alpha 255: width × height × 4 bytes.
    pub rgba: Vec<u8>,
}

/// A viewer session over one series: slices in display order (along the slice normal), rendered
/// with a window; after each render the neighbours are decoded ahead in the background, into a
/// cache bounded by the device's budget (128 MiB on a 4 GB phone: `core::viewer::cache_budget`).
/// Locking the vault empties the cache; so does memory pressure, but for the slice on screen.
/// Safe from any thread.
#[derive(uniffi::Object)]
pub struct Viewer {
    inner: core::Viewer,
}

impl Viewer {
    pub(crate) fn open(vault: Arc<CoreVault>, series_id: &str) -> Result<Arc<Viewer>> {
        Ok(Arc::new(Viewer {
            inner: core::Viewer::open(vault, series_id)?,
        }))
    }

    fn render_now(&self, n: u32, window: Window) -> Result<RenderedSliceWire> {
        let voi = Voi::try_from(window)?;
        RenderedSliceWire::build(|buf, at| {
            let r = self.inner.render_into(n, &voi, buf, at)?;
            Ok::<_, ScanpassError>(Shape::of(&r))
        })
    }

    fn render_for_view_now(
        &self,
        n: u32,
        window: Window,
        view_width: u32,
        view_height: u32,
    ) -> Result<RenderedSliceWire> {
        let voi = Voi::try_from(window)?;
        let view = (view_width, view_height);
        RenderedSliceWire::build(|buf, at| {
            let r = self.inner.render_for_view(n, &voi, view, buf, at)?;
            Ok::<_, ScanpassError>(Shape::of(&r))
        })
    }
}

#[uniffi::export]
impl Viewer {
    /// Slices: the frames of all the series' images.
    pub fn slice_count(&self) -> u32 {
        self.inner.slice_count()
    }

    pub fn geometry(&self) -> Geometry {
        let g = self.inner.geometry();
        Geometry {
            rows: g.rows,
            cols: g.cols,
            row_spacing_mm: g.pixel_spacing.map(|s| s.0),
            column_spacing_mm: g.pixel_spacing.map(|s| s.1),
            slice_spacing_mm: g.slice_spacing,
            slice_thickness_mm: g.slice_thickness,
            orientation: g.orientation.map(|o| o.to_vec()),
        }
    }

    /// The cine rate, for multi-frame images that state one.
    pub fn cine(&self) -> Option<Cine> {
        self.inner.cine().map(|c| Cine {
            frames: c.frames,
            frame_interval_ms: c.frame_interval_ms,
        })
    }

    /// The presets for this series' modality.
    pub fn presets(&self) -> Vec<Preset> {
        let modality = self.inner.info(0).ok().and_then(|i| i.modality.clone());
        match modality {
            Some(m) => render::presets::for_modality(&m)
                .map(Preset::from)
                .collect(),
            None => Vec::new(),
        }
    }

    pub fn slice_info(&self, n: u32) -> Result<SliceInfo> {
        let s = self.inner.slice_info(n)?;
        Ok(SliceInfo {
            instance: s.instance,
            frame: s.frame,
            instance_number: s.instance_number,
            position: s.position.map(|p| p.to_vec()),
        })
    }

    /// Render slice `n` with `window` into a [`RenderedSlice`]. Blocks while the slice is
    /// decrypted and decoded (instant when prefetched). One call through the FFI; the pixels are
    /// copied once, into the app's own array.
    pub fn render(&self, n: u32, window: Window) -> Result<RenderedSliceWire> {
        self.render_now(n, window)
    }

    /// Render slice `n` for a view of `view_width` × `view_height` device pixels, as soon as it
    /// can: the first image of a large slice whose codec can decode less (JPEG 2000, lossy JPEG)
    /// comes at the size the view needs (at least 3/4 of it; `reduced`, `width` × `height`
    /// smaller than the image: scale it to the view) in a fraction of a full decode, while a
    /// background thread decodes the slice whole; call again (or `render`) when the user zooms
    /// in or the screen is idle for the full image, exactly `render`'s. Other slices render as
    /// `render`. Blocks while the slice is decrypted and decoded: call it off the main thread.
    pub fn render_for_view(
        &self,
        n: u32,
        window: Window,
        view_width: u32,
        view_height: u32,
    ) -> Result<RenderedSliceWire> {
        self.render_for_view_now(n, window, view_width, view_height)
    }

    /// The system is short of memory: call from Android's `onTrimMemory` / `onLowMemory` and
    /// iOS's `didReceiveMemoryWarning`. Drops every decoded slice but the one on screen; the next
    /// render works as before. Returns the bytes freed. Quick.
    pub fn memory_pressure(&self) -> u64 {
        self.inner.memory_pressure() as u64
    }

    /// The decoded-slice cache's budget in bytes on this device.
    pub fn cache_budget_bytes(&self) -> u64 {
        self.inner.cache_limit() as u64
    }

    /// [`Viewer::render`] on a thread of its own.
    pub async fn render_async(
        self: Arc<Self>,
        n: u32,
        window: Window,
    ) -> Result<RenderedSliceWire> {
        crate::on_thread("scanpass-render", move || self.render_now(n, window)).await
    }
}
