//! What a viewer relies on: headers read without pixel data, one frame read without the others,
//! damaged files refused with a named error, never a panic.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use scanpass_core::dicom::{self, ByteSource, DicomImage, ReadDepth, Samples};
use scanpass_core::phantom;
use scanpass_core::Error;

/// A byte source that counts what is read from it.
struct Counting {
    bytes: Vec<u8>,
    read: Arc<AtomicU64>,
}

impl ByteSource for Counting {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
        self.read.fetch_add(buf.len() as u64, Ordering::Relaxed);
        self.bytes.as_slice().read_at(offset, buf)
    }
}

#[test]
fn one_frame_of_a_long_cine_reads_one_frame_of_bytes() {
    // 300 frames of 256 × 256: 19.7 MB of pixels
    let file = phantom::cine(300, 256, 256).unwrap();
    let read = Arc::new(AtomicU64::new(0));
    let img = DicomImage::from_reader(Box::new(Counting {
        bytes: file,
        read: read.clone(),
    }))
    .unwrap();
    let after_open = read.load(Ordering::Relaxed);
    assert!(after_open < 70 * 1024, "opening read {after_open} bytes");
    let info = img.info().unwrap();
    assert_eq!(info.frames, 300);

    let frame = img.decode_frame(137).unwrap();
    let during_decode = read.load(Ordering::Relaxed) - after_open;
    assert_eq!(
        during_decode,
        256 * 256,
        "decoding one frame read {during_decode} bytes"
    );
    // the disc of frame 137 is centred on column 137
    let Samples::U8(v) = &frame.samples else {
        panic!("8-bit expected")
    };
    assert_eq!(v[128 * 256 + 137], 220);
    assert_ne!(v[128 * 256 + 10], 220);
    assert!(matches!(
        img.decode_frame(300),
        Err(Error::FrameOutOfRange {
            frame: 300,
            frames: 300
        })
    ));
}

#[test]
fn header_only_reading_stops_before_pixel_data() {
    let mut file = phantom::ct_slice(phantom::PhantomSpec::default(), 3).unwrap();
    // wreck the pixel data: its length now claims far more than the file holds
    let at = file
        .windows(4)
        .rposition(|w| w == [0xE0, 0x7F, 0x10, 0x00])
        .unwrap();
    file[at + 8..at + 12].copy_from_slice(&0x7FFF_FFF0u32.to_le_bytes());
    file.truncate(at + 12 + 1000);

    let head = dicom::parse(&file, ReadDepth::HeaderOnly).unwrap();
    let info = dicom::ImageInfo::describe(&head).unwrap().unwrap();
    assert_eq!((info.rows, info.cols), (256, 256));
    assert_eq!(
        dicom::summary(&head).patient_id.as_deref(),
        Some(phantom::PATIENT_ID)
    );

    // a viewer opening it gets a named error for the frame, not a crash
    let img = DicomImage::from_bytes(file).unwrap();
    match img.decode_frame(0) {
        Err(Error::Truncated {
            needed, available, ..
        }) => {
            assert_eq!(needed, 256 * 256 * 2);
            assert_eq!(available, 1000);
        }
        other => panic!("expected a truncation error, got {other:?}"),
    }
}

#[test]
fn every_truncation_of_a_file_is_an_error_or_an_image_never_a_panic() {
    let file = phantom::ct_slice(
        phantom::PhantomSpec {
            slices: 4,
            size: 16,
            seed: 3,
        },
        1,
    )
    .unwrap();
    for cut in (0..file.len()).step_by(7) {
        let bytes = file[..cut].to_vec();
        if let Ok(img) = DicomImage::from_bytes(bytes) {
            let _ = img.decode_frame(0);
        }
    }
}

#[test]
fn file_backed_and_memory_backed_images_decode_alike() {
    let dir = std::env::temp_dir().join(format!("scanpass-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("IM0001");
    let bytes = phantom::ct_slice(phantom::PhantomSpec::default(), 12).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let from_file = DicomImage::from_reader(Box::new(std::fs::File::open(&path).unwrap())).unwrap();
    let from_memory = DicomImage::from_bytes(bytes).unwrap();
    let a = from_file.decode_frame(0).unwrap();
    let b = from_memory.decode_frame(0).unwrap();
    assert_eq!(a.samples, b.samples);
    // the in-memory native frame is borrowed from the buffer, not copied
    assert!(matches!(
        &b.samples,
        Samples::U16(std::borrow::Cow::Borrowed(_))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
