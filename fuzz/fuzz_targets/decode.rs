//! Fuzz the whole image path a patient's file goes through: bytes -> parse (full) -> image
//! description -> decode every frame (up to a small cap) -> render to RGBA with the default VOI.
//!
//! Errors are expected and fine. Panics, aborts, hangs (libFuzzer `-timeout`) and huge
//! allocations (`-rss_limit_mb` / `-malloc_limit_mb`) are bugs in scanpass-core.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scanpass_core::dicom::{decode_frame, parse, ColorModel, ImageInfo, ReadDepth};
use scanpass_core::render::{render, Voi};

/// Frames decoded per input: enough to reach the multi-frame paths (offset tables, fragment
/// splitting, per-frame transforms) without letting one input decode thousands of frames.
const MAX_FRAMES: u32 = 4;

fuzz_target!(|data: &[u8]| {
    let Ok(obj) = parse(data, ReadDepth::Full) else {
        return;
    };
    let Ok(info) = ImageInfo::from_object(&obj) else {
        return;
    };
    for index in 0..info.frames.min(MAX_FRAMES) {
        let Ok(frame) = decode_frame(&obj, &info, index) else {
            continue;
        };
        // The decoder's contract: one frame, samples interleaved, rows x cols x samples of them
        // (one sample a pixel for grey and palette, three for colour). A shorter buffer would be
        // drawn as a partly black image without any error.
        let per_pixel = match frame.color {
            ColorModel::Rgb => 3,
            _ => 1,
        };
        assert_eq!(
            frame.samples.len(),
            frame.rows as usize * frame.cols as usize * per_pixel,
            "decoded sample count of frame {index} ({}x{}, {:?})",
            frame.rows,
            frame.cols,
            frame.color
        );
        if let Ok((image, _applied)) = render(&info, &frame, &Voi::Default) {
            assert_eq!(
                image.rgba.len(),
                image.width as usize * image.height as usize * 4
            );
        }
    }
});
