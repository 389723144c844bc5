//! Shared by the fuzz targets: a capped allocator and the decode-and-render checks.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use scanpass_core::dicom::{ColorModel, Frame, ImageInfo};
use scanpass_core::render::{render, Voi};

/// Frames decoded per input: enough to reach the multi-frame paths (offset tables, fragment
/// splitting, per-frame transforms) without letting one input decode thousands of frames.
pub const MAX_FRAMES: u32 = 4;

/// Largest single allocation the Rust allocator grants (unlimited unless [`init`] sets it).
static ALLOC_CAP: AtomicUsize = AtomicUsize::new(usize::MAX);

/// The system allocator, refusing (returning null for) any single request over the cap, as a
/// phone's allocator would: fallible allocations then fail with an error and the run goes on,
/// while an infallible one aborts and is reported as a crash with its stack.
pub struct Capped;

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

/// Read `SCANPASS_FUZZ_ALLOC_CAP_MB` (see [`Capped`]); call from the target's `init`.
pub fn init() {
    if let Some(mb) = std::env::var("SCANPASS_FUZZ_ALLOC_CAP_MB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        ALLOC_CAP.store(mb << 20, Ordering::Relaxed);
    }
}

/// Check a decoded frame against the decoder's contract and render it with the default VOI.
pub fn check_and_render(info: &ImageInfo, frame: &Frame<'_>, index: u32) {
    // One frame, samples interleaved, rows x cols x samples of them (one sample a pixel for grey
    // and palette, three for colour). A shorter buffer would be drawn as a partly black image
    // without any error.
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
    if let Ok((image, _applied)) = render(info, frame, &Voi::Default) {
        assert_eq!(
            image.rgba.len(),
            image.width as usize * image.height as usize * 4
        );
    }
}
