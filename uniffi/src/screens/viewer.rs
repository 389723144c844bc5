//! The viewer screen (core `screens::viewer`).

use std::sync::{Arc, Mutex};

use scanpass_core::screens::viewer as core;
use scanpass_core::text::Language;

use super::Result;
use crate::error::Speak;
use crate::library::Vault;
use crate::pixels::{RenderedSliceWire, Shape};

/// A point in image pixels (column, row) or viewport pixels, as the event says.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct ViewerPoint {
    pub x: f64,
    pub y: f64,
}

/// What the patient did on the viewer screen (see the core's `ViewerEvent`).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum ViewerEvent {
    Resize {
        width: f64,
        height: f64,
    },
    Scroll {
        dy_px: f64,
    },
    GoTo {
        slice: u32,
    },
    WindowDrag {
        dx: f64,
        dy: f64,
    },
    Preset {
        id: String,
    },
    Invert,
    Reset,
    Zoom {
        factor: f64,
        focus: ViewerPoint,
    },
    Pan {
        dx: f64,
        dy: f64,
    },
    Fit,
    /// A length from `start` to `end`, in image pixels.
    Measure {
        start: ViewerPoint,
        end: ViewerPoint,
    },
    ClearMeasure,
    Play,
    Pause,
    SetRate {
        fps: f64,
    },
    Tick,
    SelectSeries {
        id: String,
    },
    HideName {
        hidden: bool,
    },
    /// What a one-finger drag on the image does from now on (the view's `tools`).
    SelectTool {
        tool: ViewerTool,
    },
}

/// What a one-finger drag on the image does (see the core's `ViewerTool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ViewerTool {
    Scroll,
    Window,
    Measure,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerToolItem {
    pub tool: ViewerTool,
    pub label: String,
    pub selected: bool,
}

/// The words of the viewer's controls.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerLabels {
    pub back: String,
    pub appointment: String,
    pub presets: String,
    pub invert: String,
    pub fit: String,
    pub reset: String,
    pub clear_measure: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerView {
    pub strip: Vec<ViewerSeriesItem>,
    pub series_id: String,
    pub slice: u32,
    pub slice_count: u32,
    pub slice_text: String,
    /// The slice's own size (columns, rows): place the image and map touches by it, never by
    /// the rendered bitmap's size (a first image from `render_for_view` may be reduced).
    pub image_width: u32,
    pub image_height: u32,
    /// The image on screen is a reduced first image: call `render` for the full one once the
    /// patient's gestures pause (its decode is already under way).
    pub refine: bool,
    pub window: Option<ViewerWindow>,
    pub presets: Vec<ViewerPreset>,
    pub inverted: bool,
    pub zoom: f64,
    pub pan_x: f64,
    pub pan_y: f64,
    pub measurement: Option<ViewerMeasurement>,
    pub cine: ViewerCine,
    pub overlay: ViewerOverlay,
    pub orientation: Option<ViewerOrientation>,
    pub prefetch: Vec<u32>,
    pub tool: ViewerTool,
    pub tools: Vec<ViewerToolItem>,
    pub labels: ViewerLabels,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerSeriesItem {
    pub id: String,
    pub title: String,
    pub count: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerWindow {
    pub center: f64,
    pub width: f64,
    pub text: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerPreset {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ViewerCalibration {
    PixelSpacing,
    ImagerPixelSpacing,
    NotCalibrated,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerMeasurement {
    pub start: ViewerPoint,
    pub end: ViewerPoint,
    pub length_mm: Option<f64>,
    pub text: String,
    pub calibration: ViewerCalibration,
    pub calibration_text: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerCine {
    pub available: bool,
    pub playing: bool,
    pub fps: f64,
    pub interval_ms: f64,
    pub rate_text: String,
    pub toggle_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerOverlay {
    pub patient: Option<String>,
    pub study_date: String,
    pub series: String,
    pub position: Option<String>,
    pub thickness: Option<String>,
    pub window: Option<String>,
    pub zoom: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ViewerOrientation {
    pub top: String,
    pub right: String,
    pub bottom: String,
    pub left: String,
    pub spoken: String,
}

impl From<ViewerPoint> for core::Point {
    fn from(p: ViewerPoint) -> Self {
        core::Point { x: p.x, y: p.y }
    }
}

impl From<core::Point> for ViewerPoint {
    fn from(p: core::Point) -> Self {
        ViewerPoint { x: p.x, y: p.y }
    }
}

impl From<ViewerEvent> for core::ViewerEvent {
    fn from(e: ViewerEvent) -> Self {
        use core::ViewerEvent as C;
        match e {
            ViewerEvent::Resize { width, height } => C::Resize { width, height },
            ViewerEvent::Scroll { dy_px } => C::Scroll { dy_px },
            ViewerEvent::GoTo { slice } => C::GoTo { slice },
            ViewerEvent::WindowDrag { dx, dy } => C::WindowDrag { dx, dy },
            ViewerEvent::Preset { id } => C::Preset { id },
            ViewerEvent::Invert => C::Invert,
            ViewerEvent::Reset => C::Reset,
            ViewerEvent::Zoom { factor, focus } => C::Zoom {
                factor,
                focus: focus.into(),
            },
            ViewerEvent::Pan { dx, dy } => C::Pan { dx, dy },
            ViewerEvent::Fit => C::Fit,
            ViewerEvent::Measure { start, end } => C::Measure {
                from: start.into(),
                to: end.into(),
            },
            ViewerEvent::ClearMeasure => C::ClearMeasure,
            ViewerEvent::Play => C::Play,
            ViewerEvent::Pause => C::Pause,
            ViewerEvent::SetRate { fps } => C::SetRate { fps },
            ViewerEvent::Tick => C::Tick,
            ViewerEvent::SelectSeries { id } => C::SelectSeries { id },
            ViewerEvent::HideName { hidden } => C::HideName { hidden },
            ViewerEvent::SelectTool { tool } => C::SelectTool { tool: tool.into() },
        }
    }
}

impl From<core::ViewerView> for ViewerView {
    fn from(v: core::ViewerView) -> Self {
        ViewerView {
            strip: v
                .strip
                .into_iter()
                .map(|s| ViewerSeriesItem {
                    id: s.id,
                    title: s.title,
                    count: s.count,
                    selected: s.selected,
                })
                .collect(),
            series_id: v.series_id,
            slice: v.slice,
            slice_count: v.slice_count,
            slice_text: v.slice_text,
            image_width: v.image_width,
            image_height: v.image_height,
            refine: v.refine,
            window: v.window.map(|w| ViewerWindow {
                center: w.center,
                width: w.width,
                text: w.text,
                source: w.source,
            }),
            presets: v
                .presets
                .into_iter()
                .map(|p| ViewerPreset {
                    id: p.id,
                    label: p.label,
                    selected: p.selected,
                })
                .collect(),
            inverted: v.inverted,
            zoom: v.zoom,
            pan_x: v.pan_x,
            pan_y: v.pan_y,
            measurement: v.measurement.map(|m| ViewerMeasurement {
                start: m.from.into(),
                end: m.to.into(),
                length_mm: m.length_mm,
                text: m.text,
                calibration: match m.calibration {
                    core::Calibration::PixelSpacing => ViewerCalibration::PixelSpacing,
                    core::Calibration::ImagerPixelSpacing => ViewerCalibration::ImagerPixelSpacing,
                    core::Calibration::NotCalibrated => ViewerCalibration::NotCalibrated,
                },
                calibration_text: m.calibration_text,
            }),
            cine: ViewerCine {
                available: v.cine.available,
                playing: v.cine.playing,
                fps: v.cine.fps,
                interval_ms: v.cine.interval_ms,
                rate_text: v.cine.rate_text,
                toggle_label: v.cine.toggle_label,
            },
            overlay: ViewerOverlay {
                patient: v.overlay.patient,
                study_date: v.overlay.study_date,
                series: v.overlay.series,
                position: v.overlay.position,
                thickness: v.overlay.thickness,
                window: v.overlay.window,
                zoom: v.overlay.zoom,
            },
            orientation: v.orientation.map(|o| ViewerOrientation {
                top: o.top,
                right: o.right,
                bottom: o.bottom,
                left: o.left,
                spoken: o.spoken,
            }),
            prefetch: v.prefetch,
            tool: v.tool.into(),
            tools: v
                .tools
                .into_iter()
                .map(|t| ViewerToolItem {
                    tool: t.tool.into(),
                    label: t.label,
                    selected: t.selected,
                })
                .collect(),
            labels: ViewerLabels {
                back: v.labels.back,
                appointment: v.labels.appointment,
                presets: v.labels.presets,
                invert: v.labels.invert,
                fit: v.labels.fit,
                reset: v.labels.reset,
                clear_measure: v.labels.clear_measure,
            },
        }
    }
}

impl From<ViewerTool> for core::ViewerTool {
    fn from(t: ViewerTool) -> Self {
        match t {
            ViewerTool::Scroll => core::ViewerTool::Scroll,
            ViewerTool::Window => core::ViewerTool::Window,
            ViewerTool::Measure => core::ViewerTool::Measure,
        }
    }
}

impl From<core::ViewerTool> for ViewerTool {
    fn from(t: core::ViewerTool) -> Self {
        match t {
            core::ViewerTool::Scroll => ViewerTool::Scroll,
            core::ViewerTool::Window => ViewerTool::Window,
            core::ViewerTool::Measure => ViewerTool::Measure,
        }
    }
}

/// The viewer screen over one series of a study. `view` and `handle` read headers from the vault
/// (milliseconds); `render` decrypts and decodes (tens of milliseconds unless prefetched): call
/// them off the main thread. Safe from any thread (calls are serialised).
#[derive(uniffi::Object)]
pub struct ViewerScreen(Mutex<core::ViewerScreen>);

#[uniffi::export]
impl ViewerScreen {
    /// The viewer on `series_id` of `vault`, in `locale` (the platform's tag, such as `fr-CA`).
    /// Blocks while the series' first header is read.
    #[uniffi::constructor]
    pub fn new(vault: Arc<Vault>, series_id: String, locale: String) -> Result<Arc<Self>> {
        let lang = Language::from_locale(&locale);
        Ok(Arc::new(ViewerScreen(Mutex::new(
            core::ViewerScreen::open(vault.inner.clone(), &series_id, lang).speak(lang)?,
        ))))
    }

    /// The viewer on study `study_id`, at the series the core starts a study with (the strip's
    /// first); the library opens a study with this. A study that is gone is `NotFound`.
    #[uniffi::constructor]
    pub fn for_study(vault: Arc<Vault>, study_id: String, locale: String) -> Result<Arc<Self>> {
        let lang = Language::from_locale(&locale);
        Ok(Arc::new(ViewerScreen(Mutex::new(
            core::ViewerScreen::open_study(vault.inner.clone(), &study_id, lang).speak(lang)?,
        ))))
    }

    /// What to draw now. Blocks.
    pub fn view(&self) -> Result<ViewerView> {
        let screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.view().speak(screen.language())?.into())
    }

    /// Apply what the patient did; returns the view to draw next. Blocks.
    pub fn handle(&self, event: ViewerEvent) -> Result<ViewerView> {
        let mut screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.handle(event.into()).speak(screen.language())?.into())
    }

    /// The slice on screen at the screen's window and inversion, as a `RenderedSlice` (RGBA8).
    /// Blocks while the slice is decrypted and decoded (instant when prefetched).
    pub fn render(&self) -> Result<RenderedSliceWire> {
        let mut screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        RenderedSliceWire::build(|buf, at| {
            let lang = screen.language();
            let r = screen.render_into(buf, at).speak(lang)?;
            Ok::<_, crate::error::ScanpassError>(Shape::of(&r))
        })
    }

    /// The slice on screen for a view of `view_width` × `view_height` device pixels, as soon as
    /// it can: a large image whose codec can decode less (JPEG 2000, lossy JPEG) comes first at
    /// the size the view needs (`reduced`: `width` × `height` is that smaller size, at least
    /// 3/4 of the view; scale it to the view) in a fraction of a full decode, while a background
    /// thread decodes the slice whole; then call `render` (or this again) for the full image,
    /// exactly `render`'s, at once or when the user zooms in. Other slices come whole, as from
    /// `render`. Blocks while the slice is decrypted and decoded: call it off the main thread.
    pub fn render_for_view(&self, view_width: u32, view_height: u32) -> Result<RenderedSliceWire> {
        let mut screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        RenderedSliceWire::build(|buf, at| {
            let lang = screen.language();
            let r = screen
                .render_for_view((view_width, view_height), buf, at)
                .speak(lang)?;
            Ok::<_, crate::error::ScanpassError>(Shape::of(&r))
        })
    }

    /// The system is short of memory (Android's `onTrimMemory`, iOS's
    /// `didReceiveMemoryWarning`): drops every decoded slice but the one on screen, as
    /// `Viewer.memory_pressure` does; the next render works as before. Returns the bytes freed.
    /// Quick.
    pub fn memory_pressure(&self) -> u64 {
        let screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        screen.viewer().memory_pressure() as u64
    }
}
