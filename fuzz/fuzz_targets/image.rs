//! Fuzz the viewer's image path: bytes -> `DicomImage::from_bytes` (header parsed, pixel data
//! located by the walk) -> `info` -> decode every frame (up to a small cap) -> render to RGBA with
//! the default VOI; and each frame again at the size a small view needs (JPEG 2000's reduced
//! resolution levels), no larger than the image. Same rules and options as the `decode` target.
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
        let view = (info.cols / 5 + 1, info.rows / 5 + 1);
        if let Ok(frame) = image.decode_frame_for_view(index, view) {
            assert!(frame.rows <= info.rows && frame.cols <= info.cols);
            check_and_render(info, &frame, index);
        }
    }
});
