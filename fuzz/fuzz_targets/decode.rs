//! Fuzz the whole image path a patient's file goes through: bytes -> parse (full) -> image
//! description -> decode every frame (up to a small cap) -> render to RGBA with the default VOI.
//!
//! Errors are expected and fine. Panics, aborts, hangs (libFuzzer `-timeout`) and huge
//! allocations (`-rss_limit_mb` / `-malloc_limit_mb`) are bugs in scanpass-core.
//!
//! `SCANPASS_FUZZ_ALLOC_CAP_MB=N` makes the Rust allocator refuse (return null for) any single
//! request over N MiB, as a phone's allocator would: fallible allocations then fail with an error
//! and the run goes on, while an infallible one aborts and is reported as a crash with its stack.
//! Long campaigns use it so that inputs merely claiming a huge length (dicom-rs allocates and
//! zero-fills the declared length before reading) stop costing an out-of-memory restart each.
#![no_main]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use libfuzzer_sys::fuzz_target;
use scanpass_core::dicom::{decode_frame, parse, ColorModel, ImageInfo, ReadDepth};
use scanpass_core::render::{render, Voi};

/// Frames decoded per input: enough to reach the multi-frame paths (offset tables, fragment
/// splitting, per-frame transforms) without letting one input decode thousands of frames.
const MAX_FRAMES: u32 = 4;

/// Largest single allocation the Rust allocator grants (unlimited unless the variable is set).
static ALLOC_CAP: AtomicUsize = AtomicUsize::new(usize::MAX);

struct Capped;

// SAFETY: forwards to the system allocator, or returns null, which GlobalAlloc allows.
unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > ALLOC_CAP.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() > ALLOC_CAP.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > ALLOC_CAP.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Capped = Capped;

fuzz_target!(init: {
    if let Some(mb) = std::env::var("SCANPASS_FUZZ_ALLOC_CAP_MB").ok().and_then(|v| v.parse::<usize>().ok()) {
        ALLOC_CAP.store(mb << 20, Ordering::Relaxed);
    }
}, |data: &[u8]| {
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
