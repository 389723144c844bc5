//! The viewer screen driven by events over real files from ../shared/dicom-samples.

use std::path::PathBuf;
use std::sync::OnceLock;

use super::*;
use crate::import::{import, CancelToken, Silent, Source};
use crate::vault::tests::temp_dir;
use crate::vault::PassphraseKeyStore;

fn samples() -> Option<PathBuf> {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/dicom-samples");
    if d.join("SAG-anon").is_dir() {
        Some(d)
    } else {
        eprintln!("!!! SKIPPED: ../shared/dicom-samples is absent; viewer screen tests not run");
        None
    }
}

/// A vault holding `paths` (relative to the samples), and its series by modality and size.
fn vault_of(tag: &str, paths: &[&str]) -> Option<Arc<Vault>> {
    let s = samples()?;
    let dir = temp_dir(tag);
    let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
    let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
    let sources = paths
        .iter()
        .map(|p| Source::Path(s.join(p)))
        .collect::<Vec<_>>();
    let r = import(&vault, &sources, &Silent, &CancelToken::new()).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    Some(vault)
}

/// The SAG-anon vault, imported once for the tests that read it.
fn sag() -> Option<(Arc<Vault>, String)> {
    static SAG: OnceLock<Option<(Arc<Vault>, String)>> = OnceLock::new();
    SAG.get_or_init(|| {
        let vault = vault_of("screen-viewer-sag", &["SAG-anon"])?;
        let series = only_series(&vault);
        Some((vault, series))
    })
    .clone()
}

fn only_series(vault: &Vault) -> String {
    let studies = vault.studies().unwrap();
    let series = vault.series(&studies[0].id).unwrap();
    series[0].id.clone()
}

fn screen(vault: &Arc<Vault>, series: &str, lang: Language) -> ViewerScreen {
    ViewerScreen::open(vault.clone(), series, lang).unwrap()
}

#[test]
fn scrolling_moves_by_distance_and_stops_at_the_ends() {
    let Some((vault, series)) = sag() else { return };
    let mut s = screen(&vault, &series, Language::Fr);
    let v = s.view().unwrap();
    assert_eq!((v.slice, v.slice_count), (0, 192));
    assert_eq!(v.slice_text, "Coupe 1 sur 192");
    // 768 px tall for 192 slices: 4 px a slice
    s.handle(ViewerEvent::Resize {
        width: 400.0,
        height: 768.0,
    })
    .unwrap();
    let v = s.handle(ViewerEvent::Scroll { dy_px: 10.0 }).unwrap();
    assert_eq!(v.slice, 2, "10 px is 2 slices, 2 px carried");
    let v = s.handle(ViewerEvent::Scroll { dy_px: 2.0 }).unwrap();
    assert_eq!(v.slice, 3, "the carried 2 px and 2 more make a slice");
    assert_eq!(v.prefetch[..2], [4, 2], "ahead first when going forward");
    let v = s.handle(ViewerEvent::Scroll { dy_px: -4.0 }).unwrap();
    assert_eq!(v.slice, 2);
    assert_eq!(v.prefetch[..2], [1, 3], "behind first when going back");
    let v = s.handle(ViewerEvent::Scroll { dy_px: -10_000.0 }).unwrap();
    assert_eq!(v.slice, 0, "clamped at the first slice");
    let v = s.handle(ViewerEvent::Scroll { dy_px: 4.0 }).unwrap();
    assert_eq!(v.slice, 1, "no remainder kept from past the end");
    let v = s.handle(ViewerEvent::Scroll { dy_px: 1e9 }).unwrap();
    assert_eq!(v.slice, 191);
    assert_eq!(v.slice_text, "Coupe 192 sur 192");
    assert_eq!(v.prefetch, [190, 189, 188, 187]);
    // a tall viewport on a short scroll: at most 12 px a slice
    s.handle(ViewerEvent::Resize {
        width: 400.0,
        height: 1e6,
    })
    .unwrap();
    let v = s.handle(ViewerEvent::Scroll { dy_px: -24.0 }).unwrap();
    assert_eq!(v.slice, 189);
    // refusals leave the slice where it was
    let err = s.handle(ViewerEvent::GoTo { slice: 192 }).unwrap_err();
    assert!(
        matches!(
            err,
            Error::FrameOutOfRange {
                frame: 192,
                frames: 192
            }
        ),
        "{err:?}"
    );
    assert!(s.handle(ViewerEvent::Scroll { dy_px: f64::NAN }).is_err());
    assert!(s
        .handle(ViewerEvent::Resize {
            width: 0.0,
            height: 10.0
        })
        .is_err());
    assert_eq!(s.view().unwrap().slice, 189);
    let v = s.handle(ViewerEvent::GoTo { slice: 95 }).unwrap();
    assert_eq!(v.slice_text, "Coupe 96 sur 192");
}

#[test]
fn a_window_drag_moves_by_the_modality_and_bit_depth() {
    let Some((vault, series)) = sag() else { return };
    let mut s = screen(&vault, &series, Language::En);
    let v = s.view().unwrap();
    // the file's own window, before any render
    let w = v.window.clone().unwrap();
    assert_eq!((w.center, w.width), (11.0, 22.0));
    assert_eq!(w.text, "W 22 · C 11");
    assert_eq!(w.source, "As in the file");
    // MR, 12 bits stored, unsigned, no rescale: 4095 over 600 px
    let step = 4095.0 / 600.0;
    let v = s
        .handle(ViewerEvent::WindowDrag {
            dx: 100.0,
            dy: -20.0,
        })
        .unwrap();
    let w = v.window.unwrap();
    assert!((w.center - (11.0 - 20.0 * step)).abs() < 1e-9, "{w:?}");
    assert!((w.width - (22.0 + 100.0 * step)).abs() < 1e-9, "{w:?}");
    assert_eq!(w.text, "W 705 · C -126");
    assert_eq!(w.source, "Custom");
    // narrowing never goes below a width of 1
    let v = s
        .handle(ViewerEvent::WindowDrag { dx: -1e5, dy: 0.0 })
        .unwrap();
    assert_eq!(v.window.unwrap().width, 1.0);
    // MR has no presets of its own: the file's window and the full range
    let ids: Vec<_> = v.presets.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["default", "auto"]);
    let err = s
        .handle(ViewerEvent::Preset {
            id: "ct-lung".into(),
        })
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
    assert!(s
        .handle(ViewerEvent::WindowDrag {
            dx: f64::INFINITY,
            dy: 0.0
        })
        .is_err());
    // the full range is known once rendered
    let v = s.handle(ViewerEvent::Preset { id: "auto".into() }).unwrap();
    assert!(v.window.is_none());
    let mut buf = Vec::new();
    s.render_into(&mut buf, 0).unwrap();
    let v = s.view().unwrap();
    assert!(v.window.is_some());
    assert!(v.presets.iter().any(|p| p.id == "auto" && p.selected));
    let v = s.handle(ViewerEvent::Reset).unwrap();
    assert_eq!(v.window.unwrap().width, 22.0);

    // CT: 16 bits signed with an intercept of -1024 drags over the Hounsfield range
    let Some(ct) = vault_of("screen-viewer-ct", &["pydicom/CT_small.dcm"]) else {
        return;
    };
    let mut s = screen(&ct, &only_series(&ct), Language::En);
    // no window in the file: the frame's range, known once rendered
    assert!(s.view().unwrap().window.is_none());
    s.render_into(&mut Vec::new(), 0).unwrap();
    let v = s.view().unwrap();
    let before = v.window.clone().unwrap();
    let ids: Vec<_> = v.presets.iter().map(|p| p.id.as_str()).collect();
    assert!(
        ids.contains(&"ct-lung") && ids.contains(&"ct-brain"),
        "{ids:?}"
    );
    let v = s
        .handle(ViewerEvent::WindowDrag { dx: 60.0, dy: 6.0 })
        .unwrap();
    let w = v.window.unwrap();
    let step = 4095.0 / 600.0;
    assert!((w.center - (before.center + 6.0 * step)).abs() < 1e-9);
    assert!((w.width - (before.width + 60.0 * step)).abs() < 1e-9);
    let v = s
        .handle(ViewerEvent::Preset {
            id: "ct-lung".into(),
        })
        .unwrap();
    let w = v.window.unwrap();
    assert_eq!(
        (w.center, w.width, w.source.as_str()),
        (-600.0, 1500.0, "Lung")
    );
    assert!(v.presets.iter().any(|p| p.id == "ct-lung" && p.selected));
}

#[test]
fn lengths_are_in_mm_with_the_spacing_they_used() {
    let Some((vault, series)) = sag() else { return };
    let mut s = screen(&vault, &series, Language::Fr);
    let p = |x, y| Point { x, y };
    // Pixel Spacing 0.859375 mm: 100 columns are 85.9375 mm
    let v = s
        .handle(ViewerEvent::Measure {
            from: p(10.0, 10.0),
            to: p(110.0, 10.0),
        })
        .unwrap();
    let m = v.measurement.unwrap();
    assert_eq!(m.calibration, Calibration::PixelSpacing);
    assert!((m.length_mm.unwrap() - 85.9375).abs() < 1e-9);
    assert_eq!(m.text, "85,9 mm");
    assert!(m.calibration_text.contains("Pixel Spacing"));
    // ends off the image are refused, and the last measurement stays
    let err = s
        .handle(ViewerEvent::Measure {
            from: p(-1.0, 0.0),
            to: p(3.0, 3.0),
        })
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)));
    assert!(s.view().unwrap().measurement.is_some());
    let v = s.handle(ViewerEvent::ClearMeasure).unwrap();
    assert!(v.measurement.is_none());

    // Imager Pixel Spacing (a CR): 0.1 mm at the detector
    let Some(cr) = vault_of(
        "screen-viewer-cr",
        &["pydicom/dicomdirtests/77654033/CR1/6154"],
    ) else {
        return;
    };
    let mut s = screen(&cr, &only_series(&cr), Language::En);
    let v = s
        .handle(ViewerEvent::Measure {
            from: p(1.0, 2.0),
            to: p(10.0, 14.0),
        })
        .unwrap();
    let m = v.measurement.unwrap();
    // a CR of 16 × 16 pixels, 0.1 mm at the detector
    assert_eq!(m.calibration, Calibration::ImagerPixelSpacing);
    assert_eq!(m.text, "1.5 mm");
    assert!(m.calibration_text.contains("detector"));

    // no spacing at all (an ultrasound): pixels, and says so
    let Some(us) = vault_of("screen-viewer-us", &["pydicom-data/US1_J2KR.dcm"]) else {
        return;
    };
    let mut s = screen(&us, &only_series(&us), Language::En);
    let v = s
        .handle(ViewerEvent::Measure {
            from: p(0.0, 0.0),
            to: p(30.0, 40.0),
        })
        .unwrap();
    let m = v.measurement.unwrap();
    assert_eq!(m.calibration, Calibration::NotCalibrated);
    assert_eq!(m.length_mm, None);
    assert_eq!(m.text, "50.0 px (not calibrated)");
    // a colour image: no window, no presets, and a drag is refused
    assert!(v.window.is_none() && v.presets.is_empty());
    assert!(s
        .handle(ViewerEvent::WindowDrag { dx: 1.0, dy: 1.0 })
        .is_err());
}

#[test]
fn orientation_letters_from_real_sagittal_and_axial_series() {
    let Some((vault, series)) = sag() else { return };
    let s = screen(&vault, &series, Language::En);
    let o = s.view().unwrap().orientation.unwrap();
    // a sagittal MPRAGE: rows run to the back, columns to the feet (tilted under 20°)
    assert_eq!(
        [o.top.as_str(), &o.right, &o.bottom, &o.left],
        ["H", "P", "F", "A"]
    );
    assert_eq!(
        o.spoken,
        "Top: head. Right: back. Bottom: feet. Left: front."
    );
    let Some(ct) = vault_of("screen-viewer-axial", &["pydicom/CT_small.dcm"]) else {
        return;
    };
    let s = screen(&ct, &only_series(&ct), Language::Fr);
    let o = s.view().unwrap().orientation.unwrap();
    // an axial slice seen from the feet: the patient's left on the screen's right
    assert_eq!(
        [o.top.as_str(), &o.right, &o.bottom, &o.left],
        ["A", "L", "P", "R"]
    );
    assert!(o.spoken.starts_with("En haut : avant."), "{}", o.spoken);
}

#[test]
fn the_overlay_is_display_ready_and_the_name_can_be_hidden() {
    let Some((vault, series)) = sag() else { return };
    let mut s = screen(&vault, &series, Language::Fr);
    let v = s.handle(ViewerEvent::GoTo { slice: 95 }).unwrap();
    let o = &v.overlay;
    assert_eq!(o.patient.as_deref(), Some("ANONYMIZED"));
    assert_eq!(o.study_date, "8 mars 2013");
    assert_eq!(o.series, "SAG MPRAGE 220 FOV");
    assert_eq!(o.thickness.as_deref(), Some("Épaisseur 0,9 mm"));
    assert!(o.position.as_deref().unwrap().starts_with("Position "));
    // each slice has its own window in this series
    assert_eq!(o.window.as_deref(), Some("L 617 · C 277"));
    assert_eq!(o.zoom, "Zoom 100 %");
    assert_eq!(v.strip.len(), 1);
    assert!(v.strip[0].selected);
    assert_eq!(v.strip[0].count, "192 images");
    // positions differ from slice to slice
    let next = s.handle(ViewerEvent::GoTo { slice: 96 }).unwrap();
    assert_ne!(next.overlay.position, v.overlay.position);
    let v = s.handle(ViewerEvent::HideName { hidden: true }).unwrap();
    assert_eq!(v.overlay.patient, None);
    let v = s.handle(ViewerEvent::Invert).unwrap();
    assert!(v.inverted);
    assert_eq!(
        v.overlay.window.as_deref(),
        Some(format!("{} · Inversé", next.overlay.window.unwrap()).as_str())
    );
    let err = s
        .handle(ViewerEvent::SelectSeries {
            id: "not-a-series".into(),
        })
        .unwrap_err();
    assert!(matches!(err, Error::NotFound(_)));
}

#[test]
fn zoom_and_pan_keep_the_focus_and_stay_in_range() {
    let Some((vault, series)) = sag() else { return };
    let mut s = screen(&vault, &series, Language::En);
    s.handle(ViewerEvent::Resize {
        width: 400.0,
        height: 800.0,
    })
    .unwrap();
    let v = s
        .handle(ViewerEvent::Zoom {
            factor: 2.0,
            focus: Point { x: 300.0, y: 400.0 },
        })
        .unwrap();
    // the point 100 px right of the centre stays put: the centre moves 100 px left
    assert_eq!((v.zoom, v.pan_x, v.pan_y), (2.0, -100.0, 0.0));
    assert_eq!(v.overlay.zoom, "Zoom 200%");
    let v = s
        .handle(ViewerEvent::Zoom {
            factor: 1000.0,
            focus: Point { x: 200.0, y: 400.0 },
        })
        .unwrap();
    assert_eq!(v.zoom, 40.0);
    let v = s.handle(ViewerEvent::Pan { dx: 5.0, dy: -5.0 }).unwrap();
    assert_eq!((v.pan_x, v.pan_y), (-2000.0 + 5.0, -5.0));
    assert!(s
        .handle(ViewerEvent::Zoom {
            factor: 0.0,
            focus: Point { x: 0.0, y: 0.0 }
        })
        .is_err());
    let v = s.handle(ViewerEvent::Fit).unwrap();
    assert_eq!((v.zoom, v.pan_x, v.pan_y), (1.0, 0.0, 0.0));
}

#[test]
fn cine_plays_at_a_clamped_rate_and_loops() {
    let Some((vault, series)) = sag() else { return };
    let mut s = screen(&vault, &series, Language::En);
    let v = s.view().unwrap();
    assert!(v.cine.available && !v.cine.playing);
    assert_eq!(v.cine.fps, 10.0);
    assert_eq!(
        s.handle(ViewerEvent::SetRate { fps: 500.0 })
            .unwrap()
            .cine
            .fps,
        60.0
    );
    assert_eq!(
        s.handle(ViewerEvent::SetRate { fps: -3.0 })
            .unwrap()
            .cine
            .fps,
        1.0
    );
    assert_eq!(
        s.handle(ViewerEvent::SetRate { fps: f64::NAN })
            .unwrap()
            .cine
            .fps,
        10.0
    );
    let v = s.handle(ViewerEvent::SetRate { fps: 25.0 }).unwrap();
    assert_eq!(
        (v.cine.interval_ms, v.cine.rate_text.as_str()),
        (40.0, "25 images/s")
    );
    // ticks do nothing while paused
    assert_eq!(s.handle(ViewerEvent::Tick).unwrap().slice, 0);
    s.handle(ViewerEvent::Play).unwrap();
    assert_eq!(s.handle(ViewerEvent::Tick).unwrap().slice, 1);
    s.handle(ViewerEvent::GoTo { slice: 191 }).unwrap();
    assert_eq!(s.handle(ViewerEvent::Tick).unwrap().slice, 0, "loops");
    let v = s.handle(ViewerEvent::Pause).unwrap();
    assert!(!v.cine.playing);

    let Some(ct) = vault_of("screen-viewer-one", &["pydicom/CT_small.dcm"]) else {
        return;
    };
    let mut one = screen(&ct, &only_series(&ct), Language::En);
    assert!(!one.view().unwrap().cine.available);
    assert!(one.handle(ViewerEvent::Play).is_err());
}

#[test]
fn renders_follow_the_screens_window_and_inversion() {
    let Some((vault, series)) = sag() else { return };
    let mut s = screen(&vault, &series, Language::En);
    s.handle(ViewerEvent::GoTo { slice: 96 }).unwrap();
    let mut plain = Vec::new();
    let r = s.render_into(&mut plain, 0).unwrap();
    assert_eq!((r.width, r.height), (256, 256));
    // the same pixels as the core viewer's render with the file's window
    let (want, _) = s.viewer().render(96, &Voi::Default).unwrap();
    assert_eq!(plain, want.rgba);
    s.handle(ViewerEvent::Invert).unwrap();
    let mut inverted = Vec::new();
    s.render_into(&mut inverted, 0).unwrap();
    assert!(plain
        .chunks(4)
        .zip(inverted.chunks(4))
        .all(|(a, b)| a[0] == 255 - b[0] && b[3] == 255));
}

#[test]
fn the_one_finger_tool_is_the_screens_state_and_its_words_come_from_the_core() {
    let Some((vault, series)) = sag() else { return };
    let mut s = screen(&vault, &series, Language::En);
    let v = s.view().unwrap();
    // scrolling first; a grey series offers the window
    assert_eq!(v.tool, ViewerTool::Scroll);
    let offered: Vec<_> = v
        .tools
        .iter()
        .map(|t| (t.tool, t.label.as_str(), t.selected))
        .collect();
    assert_eq!(
        offered,
        [
            (ViewerTool::Scroll, "Scroll", true),
            (ViewerTool::Window, "Window", false),
            (ViewerTool::Measure, "Measure", false),
        ]
    );
    let v = s
        .handle(ViewerEvent::SelectTool {
            tool: ViewerTool::Window,
        })
        .unwrap();
    assert_eq!(v.tool, ViewerTool::Window);
    assert!(v.tools[1].selected && !v.tools[0].selected);
    // the controls' words, and cine's button says what pressing it does
    assert_eq!(v.labels.back, "Back");
    assert_eq!(v.labels.appointment, "Appointment mode");
    assert_eq!(
        [
            &v.labels.invert,
            &v.labels.fit,
            &v.labels.reset,
            &v.labels.clear_measure
        ],
        ["Invert", "Fit", "Reset", "Clear measurement"]
    );
    assert_eq!(v.cine.toggle_label, "Play");
    let v = s.handle(ViewerEvent::Play).unwrap();
    assert_eq!(v.cine.toggle_label, "Pause");
    // the tool stays through a reset (a reset is about the image, not the hand)
    let v = s.handle(ViewerEvent::Reset).unwrap();
    assert_eq!(v.tool, ViewerTool::Window);

    let fr = screen(&vault, &series, Language::Fr).view().unwrap();
    assert_eq!(fr.tools[0].label, "Défiler");
    assert_eq!(fr.labels.clear_measure, "Effacer la mesure");
    assert_eq!(fr.cine.toggle_label, "Lecture");

    // a colour image has no window tool: refused, and the view offers scroll and measure only
    let Some(us) = vault_of("screen-viewer-us-tools", &["pydicom-data/US1_J2KR.dcm"]) else {
        return;
    };
    let mut s = screen(&us, &only_series(&us), Language::En);
    assert!(s
        .handle(ViewerEvent::SelectTool {
            tool: ViewerTool::Window
        })
        .is_err());
    let v = s
        .handle(ViewerEvent::SelectTool {
            tool: ViewerTool::Measure,
        })
        .unwrap();
    let offered: Vec<_> = v.tools.iter().map(|t| t.tool).collect();
    assert_eq!(offered, [ViewerTool::Scroll, ViewerTool::Measure]);
    assert_eq!(v.tool, ViewerTool::Measure);
}

#[test]
fn a_study_opens_at_the_strips_first_series() {
    // a CD's study of two CT series (numbers 4 and 5, two and five images)
    let Some(vault) = vault_of("screen-viewer-study", &["pydicom/dicomdirtests/98892001"]) else {
        return;
    };
    let study = vault.studies().unwrap().remove(0);
    let strip = vault.series(&study.id).unwrap();
    assert_eq!(strip.len(), 2, "the sample's two series in one study");
    let s = ViewerScreen::open_study(vault.clone(), &study.id, Language::En).unwrap();
    let v = s.view().unwrap();
    assert_eq!(v.series_id, strip[0].id);
    assert_eq!(
        v.strip.iter().map(|i| i.selected).collect::<Vec<_>>(),
        [true, false]
    );
    // series 4 (its two images a scout) before series 5, as a reading room lists them
    assert_eq!(
        (v.strip[0].title.as_str(), v.strip[0].count.as_str()),
        ("Scout", "2 images")
    );
    // the second series is still reached by its id, selected in the same strip
    let s = ViewerScreen::open(vault.clone(), &strip[1].id, Language::En).unwrap();
    assert_eq!(s.view().unwrap().series_id, strip[1].id);
    // an id that is no study of this vault (a series id, an unknown one) is refused, typed
    for wrong in [strip[0].id.as_str(), "no-such-study"] {
        let e = ViewerScreen::open_study(vault.clone(), wrong, Language::En).err();
        assert!(matches!(e, Some(Error::NotFound(_))), "{wrong}: {e:?}");
    }
}
