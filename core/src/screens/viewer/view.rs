//! The viewer screen's view: what the shell draws, display-ready in the app's language (the
//! slice in words, the window, the presets, the measurement, cine, the overlay, the orientation
//! letters, the tools and the controls' words), made from the screen's state.

use crate::error::Result;
use crate::render::presets;
use crate::text::{self, Arg, Counted, Language};
use crate::vault::SeriesRow;
use crate::viewer::{prefetch_order, SpacingSource, DEFAULT_PREFETCH_RADIUS};

use super::tools::{self, ToolItem, ViewerLabels, ViewerTool};
use super::{is_grey, rules, Chosen, Point, ViewerScreen};

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
    /// The slice's own size in pixels (columns, rows), whatever size was rendered: the shell
    /// fits and places the image, and turns touches into the image pixels that `Measure`
    /// takes, by this size, never by its bitmap's (a first image may be reduced).
    pub image_width: u32,
    pub image_height: u32,
    /// The image on screen is a reduced first image of this slice (`render_for_view`); its
    /// whole decode is under way: render again (`render`) once the gestures pause.
    pub refine: bool,
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
    /// What a one-finger drag on the image does now (the shell sends the matching event).
    pub tool: ViewerTool,
    /// The tools to offer, the one in effect `selected`.
    pub tools: Vec<ToolItem>,
    /// The words of the screen's controls.
    pub labels: ViewerLabels,
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
    /// The play/pause button's word: what pressing it does now ("Play", "Pause").
    pub toggle_label: String,
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

impl ViewerScreen {
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
            toggle_label: tools::cine_toggle(self.playing, lang),
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
            image_width: info.cols,
            image_height: info.rows,
            refine: self
                .reduced_on_screen
                .as_ref()
                .is_some_and(|(s, n)| *s == self.series.id && *n == self.slice),
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
            tool: tools::in_effect(self.tool, grey),
            tools: tools::items(self.tool, grey, lang),
            labels: tools::labels(lang),
        })
    }
}

/// A number written by [`rules`] with the language's decimal separator.
fn localized(s: &str, lang: Language) -> String {
    s.replace('.', &text::message(lang, "decimal-separator", &[]))
}

/// "42.3 mm" from millimetres, else "120.5 px (not calibrated)" from image pixels.
pub(super) fn length_text(mm: Option<f64>, px: f64, lang: Language) -> String {
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
