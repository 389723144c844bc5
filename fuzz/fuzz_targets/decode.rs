//! Fuzz the whole-object image path: bytes -> `dicom::parse` (full) -> `ImageInfo::from_object`
//! -> decode every frame (up to a small cap) -> render to RGBA with the default VOI. `parse` is what
//! the import reads DICOMDIR files with, and what `DicomImage` falls back to when its walk cannot
//! follow a data set (deflated ones, say); the viewer's own path is the `image` target.
//!
//! Errors are expected and fine. Panics, aborts, hangs (libFuzzer `-timeout`) and huge
//! allocations (`-rss_limit_mb` / `-malloc_limit_mb`) are bugs in scanpass-core.
//!
//! `SCANPASS_FUZZ_ALLOC_CAP_MB=N` makes the Rust allocator refuse any single request over N MiB
//! (see `scanpass_fuzz::Capped`). Long campaigns use it so that inputs merely claiming a huge
//! length stop costing an out-of-memory restart each.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scanpass_core::dicom::{decode_frame, parse, ImageInfo, ReadDepth};
use scanpass_fuzz::{check_and_render, Capped, MAX_FRAMES};

#[global_allocator]
static ALLOCATOR: Capped = Capped;

fuzz_target!(init: scanpass_fuzz::init(), |data: &[u8]| {
    let Ok(obj) = parse(data, ReadDepth::Full) else {
        return;
    };
    let Ok(info) = ImageInfo::from_object(&obj) else {
        return;
    };
    for index in 0..info.frames.min(MAX_FRAMES) {
        if let Ok(frame) = decode_frame(&obj, &info, index) {
            check_and_render(&info, &frame, index);
        }
    }
});
