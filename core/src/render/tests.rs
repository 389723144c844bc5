//! Rendering maths checked against values computed by hand from PS3.3 C.11.

use std::borrow::Cow;

use super::*;
use crate::dicom::{ColorModel, Frame, FrameTransforms, ImageInfo, Lut, Rescale, Samples, Window};

fn mono(samples: Samples<'static>, color: ColorModel) -> Frame<'static> {
    let n = samples.len() as u32;
    Frame {
        index: 0,
        rows: 1,
        cols: n,
        samples_per_pixel: 1,
        color,
        samples,
    }
}

fn grey(t: &FrameTransforms, f: &Frame<'_>, voi: &Voi) -> Vec<u8> {
    let mut out = vec![0u8; f.samples.len() * 4];
    render_grey(
        t,
        &f.samples,
        voi,
        f.color == ColorModel::Monochrome1,
        &mut out,
    )
    .unwrap();
    out.chunks_exact(4)
        .map(|p| {
            assert_eq!((p[0], p[1], p[3]), (p[2], p[2], 255));
            p[0]
        })
        .collect()
}

#[test]
fn linear_window_follows_the_standard_formula() {
    // C=40, W=80: x <= -0.5 -> 0; x > 79.5 -> 255; else ((x - 39.5)/79 + 0.5) * 255
    let t = FrameTransforms::default();
    let f = mono(
        Samples::I16(Cow::Owned(vec![-100, -1, 1, 40, 79, 80, 1000])),
        ColorModel::Monochrome2,
    );
    let got = grey(
        &t,
        &f,
        &Voi::Window {
            center: 40.0,
            width: 80.0,
        },
    );
    let expect = |x: f64| (((x - 39.5) / 79.0 + 0.5) * 255.0).round() as u8;
    assert_eq!(
        got,
        vec![0, 0, expect(1.0), expect(40.0), expect(79.0), 255, 255]
    );
    assert_eq!((expect(1.0), expect(40.0), expect(79.0)), (3, 129, 255)); // ((1 − 39.5)/79 + .5)·255 = 3.23; 40 → 129.1; 79 → 255.0
}

#[test]
fn rescale_applies_before_the_window() {
    // CT: stored 1024 with intercept -1024 is 0 HU, the centre of a C=0 W=100 window.
    let t = FrameTransforms {
        rescale: Some(Rescale {
            slope: 1.0,
            intercept: -1024.0,
        }),
        ..Default::default()
    };
    let f = mono(
        Samples::U16(Cow::Owned(vec![0, 974, 1024, 1074, 4095])),
        ColorModel::Monochrome2,
    );
    let got = grey(
        &t,
        &f,
        &Voi::Window {
            center: 0.0,
            width: 100.0,
        },
    );
    // HU −50 → x ≤ −0.5 − 49.5 = −50 → 0; HU 0 → (0.5/99 + .5)·255 = 128.79 → 129; HU 50 → 255
    assert_eq!(got, vec![0, 0, 129, 255, 255]);
}

#[test]
fn monochrome1_inverts_after_the_window() {
    let t = FrameTransforms {
        windows: vec![Window {
            center: 128.0,
            width: 256.0,
            explanation: None,
        }],
        ..Default::default()
    };
    let f2 = mono(
        Samples::U8(Cow::Owned(vec![0, 64, 255])),
        ColorModel::Monochrome2,
    );
    let f1 = mono(
        Samples::U8(Cow::Owned(vec![0, 64, 255])),
        ColorModel::Monochrome1,
    );
    let g2 = grey(&t, &f2, &Voi::Default);
    let g1 = grey(&t, &f1, &Voi::Default);
    assert_eq!(g2.iter().map(|v| 255 - v).collect::<Vec<_>>(), g1);
    assert_eq!(g1[0], 255, "MONOCHROME1 minimum is white");
}

#[test]
fn linear_exact_and_sigmoid() {
    assert_eq!(window(100.0, 100.0, 50.0, VoiFunction::LinearExact), 0.5);
    assert_eq!(window(75.0, 100.0, 50.0, VoiFunction::LinearExact), 0.0);
    assert_eq!(window(124.0, 100.0, 50.0, VoiFunction::LinearExact), 0.98);
    assert_eq!(window(100.0, 100.0, 50.0, VoiFunction::Sigmoid), 0.5);
    // y = 1 / (1 + exp(−4·(x−c)/w)); x−c = w/4 → 1/(1+e^−1) = 0.7311
    assert!((window(112.5, 100.0, 50.0, VoiFunction::Sigmoid) - 0.731_058_6).abs() < 1e-6);
}

#[test]
fn modality_and_voi_luts_are_looked_up_and_clamped() {
    let t = FrameTransforms {
        modality_lut: Some(Lut {
            first_mapped: 10,
            bits: 16,
            data: vec![100, 200, 300],
            explanation: None,
        }),
        voi_luts: vec![Lut {
            first_mapped: 100,
            bits: 8,
            data: (0..=255).collect(),
            explanation: None,
        }],
        ..Default::default()
    };
    // stored 0 clamps to entry 0 (100) → VOI LUT index 0 → 0; stored 11 → 200 → entry 100 → 100;
    // stored 99 clamps to 300 → entry 200 → 200.
    let f = mono(
        Samples::U16(Cow::Owned(vec![0, 11, 99])),
        ColorModel::Monochrome2,
    );
    assert_eq!(grey(&t, &f, &Voi::Default), vec![0, 100, 200]);
}

#[test]
fn default_without_windows_spans_the_frame_range() {
    let t = FrameTransforms::default();
    let f = mono(
        Samples::I32(Cow::Owned(vec![-5000, 0, 5000])),
        ColorModel::Monochrome2,
    );
    assert_eq!(grey(&t, &f, &Voi::Default), vec![0, 128, 255]);
    let f = mono(
        Samples::F32(Cow::Owned(vec![0.25, 0.5, 0.75, f32::NAN])),
        ColorModel::Monochrome2,
    );
    assert_eq!(grey(&t, &f, &Voi::Auto), vec![0, 128, 255, 0]);
}

#[test]
fn palette_maps_indices_through_16_bit_tables() {
    let lut = |d: Vec<u16>| Lut {
        first_mapped: 0,
        bits: 16,
        data: d,
        explanation: None,
    };
    let palette = [
        lut(vec![0, 0xFFFF, 0x8000]),
        lut(vec![0, 0, 0x4000]),
        lut(vec![0xFFFF, 0, 0]),
    ];
    let f = mono(
        Samples::U8(Cow::Owned(vec![0, 1, 2, 7])),
        ColorModel::Palette,
    );
    let mut out = vec![0; 16];
    render_palette(&f.samples, &palette, &mut out).unwrap();
    assert_eq!(
        out,
        vec![0, 0, 255, 255, 255, 0, 0, 255, 128, 64, 0, 255, 128, 64, 0, 255]
    );
}

#[test]
fn rgb_16_bit_scales_by_bits_stored() {
    let s = Samples::U16(Cow::Owned(vec![0, 2048, 4095]));
    let mut out = vec![0; 4];
    render_rgb(&s, 12, &mut out);
    assert_eq!(out, vec![0, 128, 255, 255]);
}

#[test]
fn presets_resolve_by_short_name() {
    assert!(
        matches!(Voi::preset("brain").unwrap(), Voi::Preset(p) if p.center == 40.0 && p.width == 80.0)
    );
    assert!(matches!(Voi::preset("CT-LUNG").unwrap(), Voi::Preset(p) if p.center == -600.0));
    assert!(Voi::preset("nonsense").is_err());
    assert!(Voi::parse_window("40,0").is_err());
    assert_eq!(
        Voi::parse_window(" 40 , 400").unwrap(),
        Voi::Window {
            center: 40.0,
            width: 400.0
        }
    );
    let _unused: Option<&ImageInfo> = None;
}
