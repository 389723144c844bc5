//! The direct Rust side of benches/bindings/run: a viewer session renders every slice of a series
//! with the default window, round after round, as an app scrolls, into one reused buffer (what a
//! Rust viewer does); prints the median time per render over the rounds as one JSON line. The
//! bindings run the same loop through uniffi, where each render hands over a new buffer.
//!
//! Environment: BENCH_VAULT, BENCH_PASSPHRASE, BENCH_SERIES, BENCH_ROUNDS (default 20),
//! BENCH_WARM (untimed rounds first, default 10).
use std::sync::Arc;
use std::time::Instant;

use scanpass_core::render::Voi;
use scanpass_core::vault::{PassphraseKeyStore, Vault};
use scanpass_core::viewer::Viewer;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(env("BENCH_VAULT"));
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let vault = Arc::new(Vault::open(&dir)?);
    vault.unlock(&PassphraseKeyStore::new(&dir, &env("BENCH_PASSPHRASE")))?;
    let viewer = Viewer::open(vault, &env("BENCH_SERIES"))?;
    let n = viewer.slice_count();
    // warm: every slice decoded and cached, as after a first scroll through the series
    for i in 0..n {
        viewer.render(i, &Voi::Default)?;
    }
    viewer.wait_prefetch_idle();
    // warm-up rounds, as every language does (a JIT compiles its hot loop meanwhile)
    let warm: usize = std::env::var("BENCH_WARM")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(10);
    let mut rgba = Vec::new();
    for _ in 0..warm {
        for i in 0..n {
            viewer.render_into(i, &Voi::Default, &mut rgba, 0)?;
        }
    }
    let mut per_render = Vec::with_capacity(rounds);
    let mut checksum = 0u64;
    // a Rust viewer renders into the buffer it blits, reused from slice to slice
    for _ in 0..rounds {
        let t = Instant::now();
        for i in 0..n {
            viewer.render_into(i, &Voi::Default, &mut rgba, 0)?;
            checksum = checksum.wrapping_add(rgba[rgba.len() / 2] as u64);
        }
        per_render.push(t.elapsed().as_secs_f64() * 1e6 / n as f64);
    }
    per_render.sort_by(f64::total_cmp);
    println!(
        "{{\"lang\": \"rust\", \"us_per_render\": {:.2}, \"slices\": {n}, \"rounds\": {rounds}, \"checksum\": {checksum}}}",
        per_render[rounds / 2]
    );
    Ok(())
}
