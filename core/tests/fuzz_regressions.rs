//! Every input the fuzzer once broke the core with (fuzz/regressions/, generated files) must now
//! give an image or a typed error, quickly and within a small memory budget.

use scanpass_core::dicom::DicomImage;
use scanpass_core::render::{self, Voi};

#[test]
fn fuzz_regressions_are_handled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).into_iter().flatten() {
        let p = e.unwrap().path();
        if p.extension().and_then(|x| x.to_str()) != Some("dcm") {
            continue;
        }
        n += 1;
        let bytes = std::fs::read(&p).unwrap();
        // the plain parser path (dicom-rs behind our length guard) too
        if let Ok(obj) = scanpass_core::dicom::parse(&bytes, scanpass_core::dicom::ReadDepth::Full)
        {
            if let Ok(info) = scanpass_core::dicom::ImageInfo::from_object(&obj) {
                let _ = scanpass_core::dicom::decode_frame(&obj, &info, 0);
            }
        }
        if let Ok(img) = DicomImage::from_bytes(bytes) {
            if let Ok(info) = img.info() {
                for f in 0..info.frames.min(4) {
                    if let Ok(frame) = img.decode_frame(f) {
                        let _ = render::render(info, &frame, &Voi::Default);
                    }
                }
            }
        }
    }
    assert!(
        n >= 6,
        "only {n} regression files found in {}",
        dir.display()
    );
}
