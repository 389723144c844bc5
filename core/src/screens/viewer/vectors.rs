//! The viewer rules' vectors: inputs and the core's answers, committed in
//! `docs/viewer-rule-vectors/viewer-rules.json` for the browser viewer's TypeScript copies
//! (`tests/web/viewer-rules-test.mjs`). This test fails when the file differs from what the core
//! computes; `SCANPASS_WRITE_VECTORS=1 cargo test -p scanpass-core --lib vectors` writes it again.

use serde_json::{json, Value};

use super::rules;
use crate::text::{self, Language};

const PATH: &str = "../docs/viewer-rule-vectors/viewer-rules.json";

fn vectors() -> Value {
    let scroll_per: Vec<Value> = [
        (768.0, 192),
        (740.0, 20),
        (300.0, 600),
        (0.0, 10),
        (500.0, 0),
        (1000.0, 1),
    ]
    .iter()
    .map(|&(h, n)| json!({"height": h, "slices": n, "per": rules::scroll_px_per_slice(h, n)}))
    .collect();
    let scroll: Vec<Value> = [
        (0.0, 10.0, 4.0),
        (2.0, 2.0, 4.0),
        (0.0, -9.0, 4.0),
        (1.5, -3.0, 2.0),
        (0.0, 3.0, 12.0),
        (11.0, 25.0, 12.0),
    ]
    .iter()
    .map(|&(carry, dy, per)| {
        let (n, left) = rules::scroll(carry, dy, per);
        json!({"carry": carry, "dy": dy, "per": per, "slices": n, "carry_out": left})
    })
    .collect();
    let ranges: Vec<Value> = [
        ("CT", 16, true, 1.0, -1024.0),
        ("CT", 12, false, 1.0, -1024.0),
        ("CT", 12, false, 0.5, -100.0),
        ("MR", 12, false, 1.0, 0.0),
        ("MR", 16, true, 1.0, 0.0),
        ("PT", 16, true, 0.25, 0.0),
        ("CR", 10, false, 1.0, 0.0),
        ("US", 8, false, -1.0, 255.0),
        ("", 1, false, f64::NAN, 0.0),
    ]
    .iter()
    .map(|&(m, bits, signed, slope, intercept)| {
        let (lo, hi) = rules::drag_range(m, bits, signed, slope, intercept);
        json!({"modality": m, "bits_stored": bits, "signed": signed,
               "slope": if slope.is_nan() { Value::Null } else { json!(slope) },
               "intercept": intercept, "range": [lo, hi]})
    })
    .collect();
    let drags: Vec<Value> = [
        (11.0, 22.0, (0.0, 4095.0), 100.0, -20.0),
        (40.0, 80.0, (-1024.0, 3071.0), 60.0, 6.0),
        (40.0, 80.0, (-1024.0, 3071.0), -1000.0, 0.0),
        (0.5, 1.0, (0.0, 1.0), 3.0, 3.0),
        (127.5, 255.0, (0.0, 255.0), -12.5, 7.25),
    ]
    .iter()
    .map(|&(c, w, range, dx, dy)| {
        let (c2, w2) = rules::drag_window(c, w, range, dx, dy);
        json!({"center": c, "width": w, "range": [range.0, range.1], "dx": dx, "dy": dy, "out": [c2, w2]})
    })
    .collect();
    let lengths: Vec<Value> = [
        ((10.0, 10.0), (110.0, 10.0), Some((0.859375, 0.859375))),
        ((0.0, 0.0), (30.0, 40.0), Some((0.1, 0.1))),
        ((3.5, 7.25), (200.0, 91.0), Some((0.7, 0.5))),
        ((0.0, 0.0), (30.0, 40.0), None),
        ((1.0, 1.0), (1.25, 1.0), None),
    ]
    .iter()
    .map(|&(a, b, spacing)| {
        let mm = spacing.map(|s| rules::length_mm(a, b, s));
        let px = rules::length_px(a, b);
        let text_en = super::length_text(mm, px, Language::En);
        let text_fr = super::length_text(mm, px, Language::Fr);
        json!({"a": [a.0, a.1], "b": [b.0, b.1], "spacing": spacing.map(|s| [s.0, s.1]),
               "mm": mm, "px": px, "text_en": text_en, "text_fr": text_fr})
    })
    .collect();
    let fps: Vec<Value> = [
        Some(30.0),
        Some(0.0),
        Some(-3.0),
        Some(0.5),
        Some(500.0),
        None,
        Some(12.5),
    ]
    .iter()
    .map(|&r| json!({"requested": r, "fps": rules::cine_fps(r.unwrap_or(f64::NAN))}))
    .collect();
    let zooms: Vec<Value> = [(1.0, 2.0), (1.0, 0.01), (30.0, 2.0), (0.5, 1.1)]
        .iter()
        .map(|&(z, f)| json!({"zoom": z, "factor": f, "out": rules::zoom(z, f)}))
        .collect();
    let pans: Vec<Value> = [((0.0, 0.0), 1.0, 2.0, (300.0, 400.0), (400.0, 800.0)), ((-100.0, 20.0), 2.0, 3.0, (10.0, 10.0), (360.0, 740.0))]
        .iter()
        .map(|&(pan, z, nz, focus, size)| {
            let out = rules::pan_after_zoom(pan, z, nz, focus, size);
            json!({"pan": [pan.0, pan.1], "zoom": z, "new_zoom": nz, "focus": [focus.0, focus.1], "size": [size.0, size.1], "out": [out.0, out.1]})
        })
        .collect();
    let numbers: Vec<Value> = [
        0.0,
        -0.04,
        0.25,
        1.05,
        11.0,
        22.5,
        99.95,
        100.0,
        704.5,
        -125.5,
        -1024.0,
        0.9000000357627869,
        83.467859356836,
    ]
    .iter()
    .map(|&x| json!({"x": x, "text": rules::number(x), "fixed1": rules::fixed(x, 1)}))
    .collect();
    let orientations: Vec<Value> = [
        [1.0, 0.0, 0.0, 0.0, 1.0, 0.0],
        [0.0, 1.0, 0.0, 0.0, 0.0, -1.0],
        [1.0, 0.0, 0.0, 0.0, 0.0, -1.0],
        [
            0.05378466379901,
            0.96501313248301,
            0.256625922454,
            0.01811332435568,
            -0.2590622,
            0.9656934,
        ],
        [0.866, 0.5, 0.0, 0.0, 0.0, -1.0],
        [0.707, 0.0, -0.707, 0.0, 1.0, 0.0],
        [-1.0, 0.0, 0.0, 0.0, -1.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 1.0, 0.0],
    ]
    .iter()
    .map(|iop| json!({"iop": iop, "letters": rules::orientation_letters(*iop)}))
    .collect();
    let names: Vec<Value> = [
        "DOE^JANE",
        "anonymized",
        "Doe^Jane^Mary^Dr.^PhD",
        "O'NEIL^JEAN-LUC",
        "^^^",
        "=Yamada^Tarou",
        "MÜLLER^JÜRGEN",
        "",
    ]
    .iter()
    .map(|&n| json!({"dicom": n, "text": text::person_name(n)}))
    .collect();
    let dates: Vec<Value> = ["20130308", "20240131", "2024.01.31", "20241301", "2024", ""]
        .iter()
        .map(|&d| json!({"dicom": d, "en": text::date(d, Language::En), "fr": text::date(d, Language::Fr)}))
        .collect();
    json!({
        "about": "Made by the core (core/src/screens/viewer/vectors.rs) from core/src/screens/viewer/rules.rs and core/src/text; read by tests/web/viewer-rules-test.mjs against web/src/viewer/rules.ts. Numbers compare within 1e-9 (relative); texts exactly. null for a number means not a number (NaN).",
        "scroll_px_per_slice": scroll_per,
        "scroll": scroll,
        "drag_range": ranges,
        "drag_window": drags,
        "length": lengths,
        "cine_fps": fps,
        "zoom": zooms,
        "pan_after_zoom": pans,
        "number": numbers,
        "orientation": orientations,
        "person_name": names,
        "date": dates,
    })
}

#[test]
fn committed_vectors_are_what_the_core_computes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(PATH);
    let want = serde_json::to_string_pretty(&vectors()).unwrap() + "\n";
    if std::env::var_os("SCANPASS_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} differs from what the core computes: run SCANPASS_WRITE_VECTORS=1 cargo test -p scanpass-core --lib vectors, and make web/src/viewer/rules.ts agree",
        path.display()
    );
}
