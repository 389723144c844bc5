//! Times each stage of open → decode → render for one file (a profiling aid, not a benchmark).
use std::time::Instant;

use scanpass_core::{dicom, render};

fn main() {
    let path = std::env::args().nth(1).expect("usage: stages FILE");
    let n = 200;
    let mut t = [0f64; 5];
    for _ in 0..n {
        let a = Instant::now();
        let bytes = std::fs::read(&path).unwrap();
        let b = Instant::now();
        let obj = dicom::parse(&bytes, dicom::ReadDepth::Full).unwrap();
        let c = Instant::now();
        let info = dicom::ImageInfo::from_object(&obj).unwrap();
        let d = Instant::now();
        let f = dicom::decode_frame(&obj, &info, 0).unwrap();
        let e = Instant::now();
        let img = render::render(&info, &f, &render::Voi::Default).unwrap();
        let g = Instant::now();
        std::hint::black_box(img);
        for (i, (x, y)) in [(a, b), (b, c), (c, d), (d, e), (e, g)].iter().enumerate() {
            t[i] += (*y - *x).as_secs_f64() * 1e3 / n as f64;
        }
    }
    println!(
        "read {:.3} parse {:.3} info {:.3} decode {:.3} render {:.3} ms",
        t[0], t[1], t[2], t[3], t[4]
    );
}
