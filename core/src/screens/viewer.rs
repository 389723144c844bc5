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
//! Threads: `handle` and `view` read headers from the vault when the slice or series changes
//! (milliseconds); `render_into` decrypts and decodes (tens of milliseconds unless prefetched).
//! Call them off the main thread.

pub mod rules;

use std::sync::Arc;

use crate::dicom::{ImageInfo, Photometric};
use crate::error::{Error, Result};
use crate::render::{presets, Applied, Voi};
use crate::text::{self, Arg, Counted, Language};
use crate::vault::{SeriesRow, StudyRow, Vault};
use crate::viewer::{prefetch_order, Rendered, SpacingSource, Viewer, DEFAULT_PREFETCH_RADIUS};

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
}

/// The viewer screen as the shell draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewerView {
    /// The study's series, in the library's order; the one shown is `selected`.
    pub strip: Vec<SeriesItem>,
    pub series_id: String,
    /// 0-based.
    pub slice: u32,
    pub slice_count: u32,
    /// "Slice 12 of 192".
    pub slice_text: String,
    /// The window on screen, when known (a colour image has none; a file's VOI LUT shows after
    /// the first render).
    pub window: Option<WindowView>,
    /// The windows to offer, for this modality, the one in use `selected`.
    pub presets: Vec<PresetItem>,
    pub inverted: bool,
    /// Multiples of the fitted size, and the image centre's offset in viewport pixels.
    pub zoom: f64,
    pub pan_x: f64,
    pub pan_y: f64,
    pub measurement: Option<MeasurementView>,
    pub cine: CineView,
    pub overlay: Overlay,
    /// Letters outside the top, right, bottom and left edges; none without an orientation.
    pub orientation: Option<Orientation>,
    /// The slices decoded ahead of the one shown, in the order they are decoded.
    pub prefetch: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SeriesItem {
    /// The series id: also the key of its thumbnail (`Vault::thumbnail`).
    pub id: String,
    /// The description, else the kind of imaging in words.
    pub title: String,
    /// "192 images".
    pub count: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WindowView {
    pub center: f64,
    pub width: f64,
    /// "W 400 · C 40".
    pub text: String,
    /// Where it comes from: "As in the file", a preset's name, "Custom".
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PresetItem {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

/// Which calibration a length used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calibration {
    PixelSpacing,
    ImagerPixelSpacing,
    NotCalibrated,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementView {
    pub from: Point,
    pub to: Point,
    /// None when the image is not calibrated.
    pub length_mm: Option<f64>,
    /// "42.3 mm", or "120.5 px (not calibrated)".
    pub text: String,
    pub calibration: Calibration,
    /// What the calibration means, in a sentence.
    pub calibration_text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CineView {
    /// Whether there is more than one slice to play.
    pub available: bool,
    pub playing: bool,
    pub fps: f64,
    /// How often to send [`ViewerEvent::Tick`] while playing.
    pub interval_ms: f64,
    /// "10 images/s".
    pub rate_text: String,
}

/// The overlay's fields, each a line ready to draw (none when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    /// The name as people write it; none when hidden.
    pub patient: Option<String>,
    pub study_date: String,
    pub series: String,
    /// "Position 83.5 mm" along the slice normal.
    pub position: Option<String>,
    /// "Thickness 0.9 mm".
    pub thickness: Option<String>,
    /// The window line (as in [`WindowView::text`]), "Inverted" added when it is.
    pub window: Option<String>,
    /// "Zoom 150%".
    pub zoom: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Orientation {
    pub top: String,
    pub right: String,
    pub bottom: String,
    pub left: String,
    /// The four edges in words, for screen readers ("Top: head. Right: ...").
    pub spoken: String,
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
}

impl ViewerScreen {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    /// Open the viewer on `series_id` in `lang`. Blocks while the series' first header is read.
    pub fn open(vault: Arc<Vault>, series_id: &str, lang: Language) -> Result<ViewerScreen> {
        let study_id = vault.study_of_series(series_id)?;
        let study = vault
            .studies()?
            .into_iter()
            .find(|s| s.id == study_id)
            .ok_or(Error::NotFound("study"))?;
        let strip = vault.series(&study_id)?;
        let series = strip
            .iter()
            .find(|s| s.id == series_id)
            .cloned()
            .ok_or(Error::NotFound("series"))?;
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
        Ok(r)
    }

    /// [`Self::render_into`] for a view of `view` (width, height) device pixels, as soon as it
    /// can ([`Viewer::render_for_view`]): a large image whose codec can decode less (JPEG 2000,
    /// lossy JPEG) comes first at the size the view needs, `reduced`, while the slice is decoded
    /// whole in the background; render again (this or [`Self::render_into`]) for the full
    /// image, exactly [`Self::render_into`]'s. Blocks while the slice is decrypted and decoded.
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

    /// The view as things stand.
    pub fn view(&self) -> Result<ViewerView> {
        let lang = self.lang;
        let count = self.viewer.slice_count();
        let info = self.viewer.info(self.slice)?;
        let grey = is_grey(&info);
        let num = |x: f64| localized(&rules::number(x), lang);

        let window = if grey {
            self.window_now(&info).map(|(center, width)| WindowView {
                center,
                width,
                text: text::message(
                    lang,
                    "viewer-window",
                    &[
                        ("width", Arg::Text(&num(width))),
                        ("center", Arg::Text(&num(center))),
                    ],
                ),
                source: match &self.chosen {
                    Chosen::File => text::message(lang, "viewer-preset-default", &[]),
                    Chosen::Auto => text::message(lang, "viewer-preset-auto", &[]),
                    Chosen::Preset(p) => preset_label(p, lang),
                    Chosen::Custom { .. } => text::message(lang, "viewer-window-custom", &[]),
                },
            })
        } else {
            None
        };

        let mut presets = Vec::new();
        if grey {
            presets.push(PresetItem {
                id: "default".into(),
                label: text::message(lang, "viewer-preset-default", &[]),
                selected: self.chosen == Chosen::File,
            });
            presets.push(PresetItem {
                id: "auto".into(),
                label: text::message(lang, "viewer-preset-auto", &[]),
                selected: self.chosen == Chosen::Auto,
            });
            for p in self.presets_for_series()? {
                presets.push(PresetItem {
                    id: p.id.into(),
                    label: preset_label(p, lang),
                    selected: self.chosen == Chosen::Preset(p),
                });
            }
        }

        let g = self.viewer.geometry();
        let measurement = self.measure.map(|(from, to)| {
            let a = (from.x, from.y);
            let b = (to.x, to.y);
            match (g.pixel_spacing, g.spacing_source) {
                (Some(spacing), Some(source)) => {
                    let mm = rules::length_mm(a, b, spacing);
                    let (calibration, id) = match source {
                        SpacingSource::PixelSpacing => {
                            (Calibration::PixelSpacing, "viewer-calibrated-pixel")
                        }
                        SpacingSource::ImagerPixelSpacing => {
                            (Calibration::ImagerPixelSpacing, "viewer-calibrated-imager")
                        }
                    };
                    MeasurementView {
                        from,
                        to,
                        length_mm: Some(mm),
                        text: length_text(Some(mm), rules::length_px(a, b), lang),
                        calibration,
                        calibration_text: text::message(lang, id, &[]),
                    }
                }
                _ => MeasurementView {
                    from,
                    to,
                    length_mm: None,
                    text: length_text(None, rules::length_px(a, b), lang),
                    calibration: Calibration::NotCalibrated,
                    calibration_text: text::message(lang, "viewer-not-calibrated", &[]),
                },
            }
        });

        let cine = CineView {
            available: count > 1,
            playing: self.playing,
            fps: self.fps,
            interval_ms: 1000.0 / self.fps,
            rate_text: text::message(
                lang,
                "viewer-cine-rate",
                &[("fps", Arg::Text(&num(self.fps)))],
            ),
        };

        let patient = (!self.hide_name).then(|| {
            let n = text::person_name(self.study.patient_name.as_deref().unwrap_or(""));
            if n.is_empty() {
                text::message(lang, "library-patient-unnamed", &[])
            } else {
                n
            }
        });
        let study_date = self
            .study
            .study_date
            .as_deref()
            .and_then(|d| text::date(d, lang))
            .unwrap_or_else(|| text::message(lang, "library-study-undated", &[]));
        let position = self
            .position_along_normal()
            .map(|p| text::message(lang, "viewer-position", &[("mm", Arg::Text(&num(p)))]));
        let thickness = g
            .slice_thickness
            .filter(|t| t.is_finite() && *t > 0.0)
            .map(|t| text::message(lang, "viewer-thickness", &[("mm", Arg::Text(&num(t)))]));
        let window_line = match (&window, self.inverted) {
            (Some(w), false) => Some(w.text.clone()),
            (Some(w), true) => Some(format!(
                "{} · {}",
                w.text,
                text::message(lang, "viewer-inverted", &[])
            )),
            (None, true) => Some(text::message(lang, "viewer-inverted", &[])),
            (None, false) => None,
        };
        let overlay = Overlay {
            patient,
            study_date,
            series: series_title(&self.series, lang),
            position,
            thickness,
            window: window_line,
            zoom: text::message(
                lang,
                "viewer-zoom",
                &[("percent", Arg::Text(&rules::fixed(self.zoom * 100.0, 0)))],
            ),
        };

        let orientation =
            g.orientation
                .and_then(rules::orientation_letters)
                .map(|[top, right, bottom, left]| {
                    let words = |l: &str| {
                        l.chars()
                            .map(|c| text::message(lang, &format!("viewer-direction-{c}"), &[]))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    let spoken = text::message(
                        lang,
                        "viewer-orientation-spoken",
                        &[
                            ("top", Arg::Text(&words(&top))),
                            ("right", Arg::Text(&words(&right))),
                            ("bottom", Arg::Text(&words(&bottom))),
                            ("left", Arg::Text(&words(&left))),
                        ],
                    );
                    Orientation {
                        top,
                        right,
                        bottom,
                        left,
                        spoken,
                    }
                });

        Ok(ViewerView {
            strip: self
                .strip
                .iter()
                .map(|s| SeriesItem {
                    id: s.id.clone(),
                    title: series_title(s, lang),
                    count: text::count(Counted::Images, u64::from(s.instance_count), lang),
                    selected: s.id == self.series.id,
                })
                .collect(),
            series_id: self.series.id.clone(),
            slice: self.slice,
            slice_count: count,
            slice_text: text::message(
                lang,
                "viewer-slice",
                &[
                    ("n", Arg::Number(f64::from(self.slice + 1))),
                    ("count", Arg::Number(f64::from(count))),
                ],
            ),
            window,
            presets,
            inverted: self.inverted,
            zoom: self.zoom,
            pan_x: self.pan.0,
            pan_y: self.pan.1,
            measurement,
            cine,
            overlay,
            orientation,
            prefetch: prefetch_order(
                self.slice as usize,
                count as usize,
                DEFAULT_PREFETCH_RADIUS,
                self.forward,
            )
            .into_iter()
            .map(|n| n as u32)
            .collect(),
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

/// A number written by [`rules`] with the language's decimal separator.
fn localized(s: &str, lang: Language) -> String {
    s.replace('.', &text::message(lang, "decimal-separator", &[]))
}

/// "42.3 mm" from millimetres, else "120.5 px (not calibrated)" from image pixels.
fn length_text(mm: Option<f64>, px: f64, lang: Language) -> String {
    match mm {
        Some(mm) => text::message(
            lang,
            "viewer-length-mm",
            &[("mm", Arg::Text(&localized(&rules::fixed(mm, 1), lang)))],
        ),
        None => text::message(
            lang,
            "viewer-length-px",
            &[("px", Arg::Text(&localized(&rules::fixed(px, 1), lang)))],
        ),
    }
}

fn preset_label(p: &presets::Preset, lang: Language) -> String {
    let id = format!("viewer-preset-{}", p.id);
    if text::has_message(lang, &id) {
        text::message(lang, &id, &[])
    } else {
        p.label.to_string()
    }
}

fn series_title(s: &SeriesRow, lang: Language) -> String {
    s.description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(String::from)
        .unwrap_or_else(|| text::modality(s.modality.as_deref().unwrap_or(""), lang))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectors;
