//! What handing pixels to the app costs on the Rust side: uniffi's standard `Vec<u8>` lowering
//! (serialised byte by byte into a new buffer) against the rendered-slice wire (the rendered
//! buffer handed over as it is). Prints one JSON line per size with the median ns of each over many rounds.
use std::time::Instant;

use scanpass_ffi::RenderedSliceWire;
use uniffi::Lower;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    for side in [256usize, 512, 1024] {
        let len = side * side * 4;
        let rounds = 200;
        let (mut std_ns, mut ours_ns) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            // the same work before each: a rendered slice of `len` bytes
            let v = vec![7u8; len];
            let t = Instant::now();
            let buf = <Vec<u8> as Lower<scanpass_ffi::UniFfiTag>>::lower(v);
            std_ns.push(t.elapsed().as_nanos() as f64);
            std::hint::black_box(buf.destroy_into_vec());

            let p = RenderedSliceWire::for_bench(len);
            let t = Instant::now();
            let buf = <RenderedSliceWire as Lower<scanpass_ffi::UniFfiTag>>::lower(p);
            ours_ns.push(t.elapsed().as_nanos() as f64);
            std::hint::black_box(buf.destroy_into_vec());
        }
        let (s, o) = (median(std_ns), median(ours_ns));
        println!(
            "{{\"side\": {side}, \"bytes\": {len}, \"uniffi_vec_ns\": {s:.0}, \"pixels_ns\": {o:.0}, \"ratio\": {:.1}}}",
            s / o.max(1.0)
        );
    }
}
