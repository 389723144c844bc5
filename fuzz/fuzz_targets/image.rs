//! Fuzz the viewer's image path: bytes -> `DicomImage::from_bytes` (header parsed, pixel data
//! located by the walk) -> `info` -> decode every frame (up to a small cap) -> render to RGBA with
//! the default VOI; and each frame again at the size a smaller view needs (JPEG 2000's reduced
//! resolution levels, lossy JPEG's DCT scaling: `dicom::reducible`), no larger than the image.
//! Same rules and options as the `decode` target.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scanpass_core::dicom::DicomImage;
use scanpass_fuzz::{check_and_render, Capped, MAX_FRAMES};

#[global_allocator]
static ALLOCATOR: Capped = Capped;

fuzz_target!(init: scanpass_fuzz::init(), |data: &[u8]| {
    let Ok(image) = DicomImage::from_bytes(data.to_vec()) else {
        return;
    };
    let Ok(info) = image.info() else {
        return;
    };
    for index in 0..info.frames.min(MAX_FRAMES) {
        if let Ok(frame) = image.decode_frame(index) {
            check_and_render(info, &frame, index);
        }
        // a view of 1/2, 1/5 or 1/10 of the image (by the input's length): reductions of 1/2,
        // 1/4 and 1/8, each of lossy JPEG's DCT scalings
        let k = [2, 5, 10][data.len() % 3];
        let view = (info.cols / k + 1, info.rows / k + 1);
        if let Ok(frame) = image.decode_frame_for_view(index, view) {
            assert!(frame.rows <= info.rows && frame.cols <= info.cols);
            check_and_render(info, &frame, index);
        }
    }
});
