//! The viewer screen: one series of a study on screen, with the study's other series in a strip.
//! Events in (a scroll by a gesture's distance, a window drag, a preset, zoom and pan, a
//! measurement, cine), a view out, display-ready in the app's language: "Slice 12 of 192", the
//! window, the presets for the modality, the overlay's fields, the orientation letters, the
//! measurement in millimetres (and which spacing it used, or "not calibrated"), the slices being
//! prefetched. Every rule is a function of [`rules`], the one copy the browser viewer's
//! TypeScript is checked against.
//!
//! Pixels stay out of the view: [`ViewerScreen::render_into`] fills the app's buffer with the
//! slice on screen, at the screen's window and inversion (one call, ADR 5). Zoom and pan are
//! state the shell applies when it draws that buffer: the image fitted to the viewport, scaled
//! by `zoom`, its centre moved by `pan` viewport pixels.
//!
//! The folder by job: this file holds the state and its events, [`view`] the view made from
//! them, [`tools`] the one-finger tool and the controls' words, [`rules`] the numbers.
//!
//! Threads: `handle` and `view` read headers from the vault when the slice or series changes
//! (milliseconds); `render_into` decrypts and decodes (tens of milliseconds unless prefetched).
//! Call them off the main thread.

pub mod rules;
mod tools;
mod view;

pub use tools::{ToolItem, ViewerLabels, ViewerTool};
#[cfg(test)]
use view::length_text;
pub use view::{
    Calibration, CineView, MeasurementView, Orientation, Overlay, PresetItem, SeriesItem,
    ViewerView, WindowView,
};

use std::sync::Arc;

use crate::dicom::{ImageInfo, Photometric};
use crate::error::{Error, Result};
use crate::render::{presets, Applied, Voi};
use crate::text::Language;
use crate::vault::{SeriesRow, StudyRow, Vault};
use crate::viewer::{Rendered, Viewer};

/// A point in image pixels (column, row; 0,0 the top left corner of the first pixel) or in
/// viewport pixels, as the event says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// What the patient did on the viewer screen.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewerEvent {
    /// The viewport's size in the shell's pixels (points, dp): scrolling and zoom depend on it.
    Resize {
        width: f64,
        height: f64,
    },
    /// A scroll gesture moved `dy_px` viewport pixels (down: towards the last slice); the core
    /// turns distance into slices and keeps the remainder for the next move.
    Scroll {
        dy_px: f64,
    },
    /// Show slice `slice` (0-based; the slider).
    GoTo {
        slice: u32,
    },
    /// A window drag moved (`dx`, `dy`) viewport pixels: right widens, down raises the centre.
    WindowDrag {
        dx: f64,
        dy: f64,
    },
    /// A window from the view's `presets` (by id).
    Preset {
        id: String,
    },
    /// Invert the grey levels (again: back).
    Invert,
    /// Back to the window of the file, no inversion, fitted, no measurement.
    Reset,
    /// Zoom by `factor` about `focus` (viewport pixels): the point under it stays there.
    Zoom {
        factor: f64,
        focus: Point,
    },
    /// Move the image by (`dx`, `dy`) viewport pixels.
    Pan {
        dx: f64,
        dy: f64,
    },
    /// Fit the image to the viewport again.
    Fit,
    /// A length from `from` to `to`, in image pixels.
    Measure {
        from: Point,
        to: Point,
    },
    ClearMeasure,
    Play,
    Pause,
    /// The cine rate the patient asked for (clamped to 1..60 frames a second).
    SetRate {
        fps: f64,
    },
    /// The shell's cine timer fired (every `cine.interval_ms`): the next slice, looping.
    Tick,
    /// Another series of the study, from the strip.
    SelectSeries {
        id: String,
    },
    /// Hide (or show again) the patient's name in the overlay (appointment mode sets it).
    HideName {
        hidden: bool,
    },
    /// What a one-finger drag on the image does from now on (the view's `tools`).
    SelectTool {
        tool: ViewerTool,
    },
}

/// The window chosen.
#[derive(Debug, Clone, PartialEq)]
enum Chosen {
    File,
    Auto,
    Preset(&'static presets::Preset),
    Custom { center: f64, width: f64 },
}

/// The viewer screen's state.
pub struct ViewerScreen {
    vault: Arc<Vault>,
    lang: Language,
    study: StudyRow,
    strip: Vec<SeriesRow>,
    series: SeriesRow,
    viewer: Viewer,
    slice: u32,
    forward: bool,
    carry_px: f64,
    viewport: (f64, f64),
    chosen: Chosen,
    /// The window the last render applied, and to which slice.
    applied: Option<(u32, Applied)>,
    inverted: bool,
    zoom: f64,
    pan: (f64, f64),
    measure: Option<(Point, Point)>,
    playing: bool,
    fps: f64,
    hide_name: bool,
    tool: ViewerTool,
    /// The slice (series, index) whose last render was a reduced first image
    /// ([`Self::render_for_view`]): the view asks the shell to `refine` it.
    reduced_on_screen: Option<(String, u32)>,
}

impl ViewerScreen {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    /// Open the viewer on `series_id` in `lang`. Blocks while the series' first header is read.
    pub fn open(vault: Arc<Vault>, series_id: &str, lang: Language) -> Result<ViewerScreen> {
        let study_id = vault.study_of_series(series_id)?;
        Self::open_in(vault, &study_id, Some(series_id), lang)
    }

    /// Open the viewer on a study, at the series a reader starts with: the strip's first (series
    /// number order, as the strip lists them). A study with no series left (deleted meanwhile,
    /// or never there) is [`Error::NotFound`]. Blocks while the series' first header is read.
    pub fn open_study(vault: Arc<Vault>, study_id: &str, lang: Language) -> Result<ViewerScreen> {
        Self::open_in(vault, study_id, None, lang)
    }

    /// Open on `series_id` of `study_id`, or on the strip's first series when `None`.
    fn open_in(
        vault: Arc<Vault>,
        study_id: &str,
        series_id: Option<&str>,
        lang: Language,
    ) -> Result<ViewerScreen> {
        let study = vault
            .studies()?
            .into_iter()
            .find(|s| s.id == study_id)
            .ok_or(Error::NotFound("study"))?;
        let strip = vault.series(study_id)?;
        let series = match series_id {
            Some(id) => strip.iter().find(|s| s.id == id),
            None => strip.first(),
        }
        .cloned()
        .ok_or(Error::NotFound("series"))?;
        let series_id = series.id.as_str();
        let viewer = Viewer::open(vault.clone(), series_id)?;
        let fps = default_fps(&viewer);
        Ok(ViewerScreen {
            vault,
            lang,
            study,
            strip,
            series,
            viewer,
            slice: 0,
            forward: true,
            carry_px: 0.0,
            viewport: (0.0, 0.0),
            chosen: Chosen::File,
            applied: None,
            inverted: false,
            zoom: 1.0,
            pan: (0.0, 0.0),
            measure: None,
            playing: false,
            fps,
            hide_name: false,
            tool: ViewerTool::Scroll,
            reduced_on_screen: None,
        })
    }

    /// The core viewer under the screen (geometry, slice info, memory pressure).
    pub fn viewer(&self) -> &Viewer {
        &self.viewer
    }

    /// Apply what the patient did; returns the view to draw next. A refused event (a slice out
    /// of range, a number that is not one, a preset for another modality) leaves the state as
    /// it was and says why.
    pub fn handle(&mut self, event: ViewerEvent) -> Result<ViewerView> {
        match event {
            ViewerEvent::Resize { width, height } => {
                if !(finite(&[width, height]) && width > 0.0 && height > 0.0) {
                    return Err(bad("the viewport's size must be positive"));
                }
                self.viewport = (width, height);
            }
            ViewerEvent::Scroll { dy_px } => {
                if !dy_px.is_finite() {
                    return Err(bad("a scroll distance must be a number"));
                }
                let count = self.viewer.slice_count();
                let per = rules::scroll_px_per_slice(self.viewport.1, count);
                let (n, carry) = rules::scroll(self.carry_px, dy_px, per);
                self.carry_px = carry;
                let want = i64::from(self.slice) + n;
                let target = want.clamp(0, i64::from(count) - 1);
                if want != target {
                    // past an end: the remainder would only delay the way back
                    self.carry_px = 0.0;
                }
                let target = target as u32;
                self.go_to(target);
            }
            ViewerEvent::GoTo { slice } => {
                let count = self.viewer.slice_count();
                if slice >= count {
                    return Err(Error::FrameOutOfRange {
                        frame: slice,
                        frames: count,
                    });
                }
                self.carry_px = 0.0;
                self.go_to(slice);
            }
            ViewerEvent::WindowDrag { dx, dy } => {
                if !finite(&[dx, dy]) {
                    return Err(bad("a drag distance must be a number"));
                }
                let info = self.viewer.info(self.slice)?;
                if !is_grey(&info) {
                    return Err(bad("a colour image has no window"));
                }
                let range = drag_range(&info);
                let (c, w) = self
                    .window_now(&info)
                    .unwrap_or(((range.0 + range.1) / 2.0, (range.1 - range.0).max(1.0)));
                let (center, width) = rules::drag_window(c, w, range, dx, dy);
                self.chosen = Chosen::Custom { center, width };
            }
            ViewerEvent::Preset { id } => {
                self.chosen = match id.as_str() {
                    "default" => Chosen::File,
                    "auto" => Chosen::Auto,
                    _ => Chosen::Preset(
                        self.presets_for_series()?
                            .into_iter()
                            .find(|p| p.id == id)
                            .ok_or_else(|| bad("no such window for this series"))?,
                    ),
                };
            }
            ViewerEvent::Invert => self.inverted = !self.inverted,
            ViewerEvent::Reset => {
                self.chosen = Chosen::File;
                self.inverted = false;
                self.zoom = 1.0;
                self.pan = (0.0, 0.0);
                self.measure = None;
            }
            ViewerEvent::Zoom { factor, focus } => {
                if !(finite(&[factor, focus.x, focus.y]) && factor > 0.0) {
                    return Err(bad("a zoom factor must be a positive number"));
                }
                let z = rules::zoom(self.zoom, factor);
                self.pan = rules::pan_after_zoom(
                    self.pan,
                    self.zoom,
                    z,
                    (focus.x, focus.y),
                    self.viewport,
                );
                self.zoom = z;
            }
            ViewerEvent::Pan { dx, dy } => {
                if !finite(&[dx, dy]) {
                    return Err(bad("a pan distance must be a number"));
                }
                self.pan = (self.pan.0 + dx, self.pan.1 + dy);
            }
            ViewerEvent::Fit => {
                self.zoom = 1.0;
                self.pan = (0.0, 0.0);
            }
            ViewerEvent::Measure { from, to } => {
                let g = self.viewer.geometry();
                let (w, h) = (f64::from(g.cols), f64::from(g.rows));
                let inside = |p: Point| {
                    p.x.is_finite()
                        && p.y.is_finite()
                        && (0.0..=w).contains(&p.x)
                        && (0.0..=h).contains(&p.y)
                };
                if !(inside(from) && inside(to)) {
                    return Err(bad("a measurement's ends must be on the image"));
                }
                self.measure = Some((from, to));
            }
            ViewerEvent::ClearMeasure => self.measure = None,
            ViewerEvent::Play => {
                if self.viewer.slice_count() < 2 {
                    return Err(bad("a single image cannot play"));
                }
                self.playing = true;
            }
            ViewerEvent::Pause => self.playing = false,
            ViewerEvent::SetRate { fps } => self.fps = rules::cine_fps(fps),
            ViewerEvent::Tick => {
                if self.playing {
                    let next = (self.slice + 1) % self.viewer.slice_count();
                    self.forward = true;
                    self.slice = next;
                }
            }
            ViewerEvent::SelectSeries { id } => {
                if id != self.series.id {
                    let series = self
                        .strip
                        .iter()
                        .find(|s| s.id == id)
                        .cloned()
                        .ok_or(Error::NotFound("series"))?;
                    let viewer = Viewer::open(self.vault.clone(), &id)?;
                    self.fps = default_fps(&viewer);
                    self.viewer = viewer;
                    self.series = series;
                    self.slice = 0;
                    self.forward = true;
                    self.carry_px = 0.0;
                    self.chosen = Chosen::File;
                    self.applied = None;
                    self.inverted = false;
                    self.zoom = 1.0;
                    self.pan = (0.0, 0.0);
                    self.measure = None;
                    self.playing = false;
                }
            }
            ViewerEvent::HideName { hidden } => self.hide_name = hidden,
            ViewerEvent::SelectTool { tool } => {
                let info = self.viewer.info(self.slice)?;
                let grey = is_grey(&info);
                if !tools::offered(grey).contains(&tool) {
                    return Err(bad("a colour image has no window"));
                }
                self.tool = tool;
            }
        }
        self.view()
    }

    fn go_to(&mut self, slice: u32) {
        if slice != self.slice {
            self.forward = slice > self.slice;
            self.slice = slice;
        }
    }

    /// Render the slice on screen at the screen's window and inversion into `out[prefix..]`
    /// (resized to prefix + width × height × 4, RGBA8), keeping `out[..prefix]` for the caller.
    /// Blocks while the slice is decrypted and decoded, unless prefetched.
    pub fn render_into(&mut self, out: &mut Vec<u8>, prefix: usize) -> Result<Rendered> {
        let voi = self.voi();
        let r = self
            .viewer
            .render_into_with(self.slice, &voi, self.inverted, out, prefix)?;
        self.applied = Some((self.slice, r.applied.clone()));
        self.reduced_on_screen = None;
        Ok(r)
    }

    /// [`Self::render_into`] for a view of `view` (width, height) device pixels, as soon as it
    /// can ([`Viewer::render_for_view`]): a large image whose codec can decode less (JPEG 2000,
    /// lossy JPEG) comes first at the size the view needs, `reduced`, while the slice is decoded
    /// whole in the background; render again (this or [`Self::render_into`]) for the full
    /// image, exactly [`Self::render_into`]'s. Blocks while the slice is decrypted and decoded.
    ///
    /// After a reduced image the view's `refine` is true until a full render: the shell renders
    /// again (either call) as soon as the patient's gestures pause, so that a zoom or a
    /// measurement soon works on the full image; `image_width` × `image_height` (the image's
    /// own size) places the image and maps touches to image pixels whichever size was rendered.
    pub fn render_for_view(
        &mut self,
        view: (u32, u32),
        out: &mut Vec<u8>,
        prefix: usize,
    ) -> Result<Rendered> {
        let voi = self.voi();
        let r =
            self.viewer
                .render_for_view_with(self.slice, &voi, self.inverted, view, out, prefix)?;
        self.applied = Some((self.slice, r.applied.clone()));
        self.reduced_on_screen = r.reduced.then(|| (self.series.id.clone(), self.slice));
        Ok(r)
    }

    /// The window chosen, as the renderer takes it.
    fn voi(&self) -> Voi {
        match &self.chosen {
            Chosen::File => Voi::Default,
            Chosen::Auto => Voi::Auto,
            Chosen::Preset(p) => Voi::Preset(p),
            Chosen::Custom { center, width } => Voi::Window {
                center: *center,
                width: *width,
            },
        }
    }

    /// The window on screen now, when it can be told without pixels (or was applied).
    fn window_now(&self, info: &ImageInfo) -> Option<(f64, f64)> {
        let applied = || match &self.applied {
            Some((n, Applied::Window { center, width, .. })) if *n == self.slice => {
                Some((*center, *width))
            }
            _ => None,
        };
        match &self.chosen {
            Chosen::Custom { center, width } => Some((*center, *width)),
            Chosen::Preset(p) => Some((p.center, p.width)),
            Chosen::File => info
                .transforms
                .windows
                .first()
                .map(|w| (w.center, w.width))
                .or_else(applied),
            Chosen::Auto => applied(),
        }
    }

    fn presets_for_series(&self) -> Result<Vec<&'static presets::Preset>> {
        let info = self.viewer.info(self.slice)?;
        Ok(match info.modality.as_deref() {
            Some(m) if is_grey(&info) => presets::for_modality(m).collect(),
            _ => Vec::new(),
        })
    }

    /// The slice's position along the series' normal (mm), from its Image Position (Patient).
    fn position_along_normal(&self) -> Option<f64> {
        let o = self.viewer.geometry().orientation?;
        let p = self.viewer.slice_info(self.slice).ok()?.position?;
        let n = [
            o[1] * o[5] - o[2] * o[4],
            o[2] * o[3] - o[0] * o[5],
            o[0] * o[4] - o[1] * o[3],
        ];
        let d = p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
        d.is_finite().then_some(d)
    }
}

fn bad(why: &str) -> Error {
    Error::InvalidArgument(why.into())
}

fn finite(xs: &[f64]) -> bool {
    xs.iter().all(|x| x.is_finite())
}

fn is_grey(info: &ImageInfo) -> bool {
    matches!(
        info.photometric,
        Photometric::Monochrome1 | Photometric::Monochrome2
    )
}

fn drag_range(info: &ImageInfo) -> (f64, f64) {
    let (slope, intercept) = info
        .transforms
        .rescale
        .as_ref()
        .map(|r| (r.slope, r.intercept))
        .unwrap_or((1.0, 0.0));
    rules::drag_range(
        info.modality.as_deref().unwrap_or(""),
        info.bits_stored,
        info.signed,
        slope,
        intercept,
    )
}

fn default_fps(viewer: &Viewer) -> f64 {
    viewer
        .cine()
        .map(|c| rules::cine_fps(1000.0 / c.frame_interval_ms))
        .unwrap_or(rules::CINE_DEFAULT_FPS)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;
