//! Measurement commands: `bench` (decode and render one frame per file, in-process) and
//! `scroll-bench` (a scroll replayed through a viewer session on a series of the vault, as a
//! patient's thumb drives it). Their JSON is a contract: `benches/` and the checks call them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::sleep;
use std::time::{Duration, Instant};

use scanpass_core::render::Voi;
use scanpass_core::viewer::Viewer;
use serde_json::json;

use crate::{err, CliResult};

/// `bench`; with `view` (width, height), each frame is decoded at the resolution a view of that
/// size needs where the codec can (JPEG 2000's levels, lossy JPEG's DCT scaling), as a viewer's
/// first image is.
pub fn bench(
    files: &[PathBuf],
    repeat: usize,
    as_json: bool,
    view: Option<(u32, u32)>,
) -> CliResult {
    let mut rows = Vec::new();
    for file in files {
        let mut times = Vec::with_capacity(repeat);
        // The output buffer is reused across runs, as a viewer reuses the buffer it blits.
        let mut rgba = Vec::new();
        // one warm-up run (page cache, allocator) that is not counted
        for i in 0..=repeat {
            let t = Instant::now();
            render_once(file, view, &mut rgba).map_err(|e| format!("{}: {e}", file.display()))?;
            std::hint::black_box(&rgba);
            if i > 0 {
                times.push(ms(t.elapsed()));
            }
        }
        times.sort_by(|a, b| a.total_cmp(b));
        rows.push((
            file.display().to_string(),
            percentile(&times, 50.0),
            times[0],
        ));
    }
    if as_json {
        let v: Vec<_> = rows
            .iter()
            .map(|(f, m, n)| json!({"file": f, "median_ms": m, "min_ms": n}))
            .collect();
        println!("{}", serde_json::to_string(&v).map_err(|e| e.to_string())?);
    } else {
        println!("{:>10} {:>10}  file", "median ms", "min ms");
        for (f, m, n) in rows {
            println!("{m:>10.3} {n:>10.3}  {f}");
        }
    }
    Ok(())
}

fn render_once(
    file: &Path,
    view: Option<(u32, u32)>,
    rgba: &mut Vec<u8>,
) -> scanpass_core::Result<()> {
    let Some(view) = view else {
        return scanpass_core::render_file_into(file, 0, &Voi::Default, rgba).map(|_| ());
    };
    let img = scanpass_core::dicom::DicomImage::open(file)?;
    let frame = img.decode_frame_for_view(0, view)?;
    rgba.resize(frame.rows as usize * frame.cols as usize * 4, 0);
    scanpass_core::render::render_into(img.info()?, &frame, &Voi::Default, false, rgba)?;
    Ok(())
}

/// `WIDTHxHEIGHT` in pixels.
pub fn parse_view(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("--view must be WIDTHxHEIGHT in pixels (e.g. 1080x1920), got {s:?}");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h): (u32, u32) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if w == 0 || h == 0 {
        return Err(bad());
    }
    Ok((w, h))
}

/// What one replay measured.
#[derive(Debug)]
struct Scroll {
    slices: usize,
    fps_asked: f64,
    slices_per_s: f64,
    slices_per_s_after_1s: f64,
    forward_slices_per_s: f64,
    wait_ms_p50: f64,
    wait_ms_p99: f64,
    first_slice_ms: f64,
    fling: Fling,
}

/// A fling measured on a session of its own (nothing cached): the slices shown, how far it went,
/// and the waits of the slices it showed.
#[derive(Debug)]
struct Fling {
    slices: usize,
    span: u32,
    wait_ms_p50: f64,
    wait_ms_p99: f64,
}

/// A fling's first speed, in slices per frame, and what is left of it after each frame (an
/// exponential decay as the platforms' scrollers apply: 4 slices a frame falling to a quarter of
/// a slice in about 90 frames, 1.5 s at 60 per second, covering about 125 slices).
const FLING_SPEED: f64 = 4.0;
const FLING_DECAY: f64 = 0.97;
const FLING_STOP: f64 = 0.25;

/// `scroll-bench`: open a viewer session on `series` (its id), render slice 0 (timed from the
/// opening: `first_slice_ms`), then ask for slices at `fps` as a scroll does: one pass forward,
/// one backward, and a jump to the far end followed by a second of scrolling back from there.
/// A slice is asked for at its time, or as soon as the one before it is ready when that is later
/// (a late slice delays the next, as on screen: nothing is skipped). Each wait runs from the
/// moment a slice is asked for to its RGBA being ready in the reused buffer; `slices_per_s` is
/// the slices rendered over the time from the first ask to the last slice ready;
/// `slices_per_s_after_1s` the same once the first second of the replay is over (the rate a
/// scroll sustains once it has started; 0 when the replay is shorter); `forward_slices_per_s`
/// the rate of the first pass alone, where every slice is decoded for the first time (asked at a
/// rate above what the machine decodes, it is what the prefetch pool sustains; the backward pass
/// and the jump find the slices the cache kept). Then a *fling*, on a new session of the same
/// series (its cache empty): from slice 0, a speed of [`FLING_SPEED`] slices a frame decaying by
/// [`FLING_DECAY`] a frame, a frame every 1/`fps` s, the slice under the finger shown at each frame
/// when it changed (the slices flown past are never asked for); its waits are reported apart
/// (`fling_*`), since whether the prefetch guessed the slices the fling lands on is the question.
pub fn scroll_bench(dir: &Path, series: &str, fps: f64, as_json: bool) -> CliResult {
    if !(fps.is_finite() && fps > 0.0 && fps <= 1000.0) {
        return Err(format!("--fps must be above 0 and at most 1000, got {fps}"));
    }
    let vault = Arc::new(crate::vault_cmd::open(dir)?);
    let r = replay(vault, series, fps)?;
    if as_json {
        let v = json!({
            "slices": r.slices,
            "fps_asked": r.fps_asked,
            "slices_per_s": r.slices_per_s,
            "slices_per_s_after_1s": r.slices_per_s_after_1s,
            "forward_slices_per_s": r.forward_slices_per_s,
            "wait_ms_p50": r.wait_ms_p50,
            "wait_ms_p99": r.wait_ms_p99,
            "first_slice_ms": r.first_slice_ms,
            "fling_slices": r.fling.slices,
            "fling_span": r.fling.span,
            "fling_wait_ms_p50": r.fling.wait_ms_p50,
            "fling_wait_ms_p99": r.fling.wait_ms_p99,
        });
        println!("{v}");
    } else {
        println!(
            "{} slices asked at {} per second: {:.1} per second ready ({:.1} after the first second); wait p50 {:.2} ms, p99 {:.2} ms; first slice {:.1} ms",
            r.slices,
            r.fps_asked,
            r.slices_per_s,
            r.slices_per_s_after_1s,
            r.wait_ms_p50, r.wait_ms_p99, r.first_slice_ms
        );
        println!(
            "fling over {} slices, {} shown: wait p50 {:.2} ms, p99 {:.2} ms",
            r.fling.span, r.fling.slices, r.fling.wait_ms_p50, r.fling.wait_ms_p99
        );
    }
    Ok(())
}

fn replay(
    vault: Arc<scanpass_core::vault::Vault>,
    series: &str,
    fps: f64,
) -> Result<Scroll, String> {
    let mut rgba = Vec::new();
    let opened = Instant::now();
    let viewer = Viewer::open(vault.clone(), series).map_err(err)?;
    viewer
        .render_into(0, &Voi::Default, &mut rgba, 0)
        .map_err(err)?;
    let first_slice_ms = ms(opened.elapsed());
    let n = viewer.slice_count() as usize;
    let mut order: Vec<u32> = (1..n as u32).collect(); // forward (slice 0 is on screen)
    order.extend((0..n.saturating_sub(1) as u32).rev()); // backward
    let back = (fps.round() as usize).clamp(1, n);
    order.extend((n - back..n).rev().map(|k| k as u32)); // the jump, then a second back
    let interval = Duration::from_secs_f64(1.0 / fps);
    let mut waits = Vec::with_capacity(order.len());
    let mut ready_at = Vec::with_capacity(order.len());
    let start = Instant::now();
    let mut due = start;
    for k in order {
        if let Some(early) = due.checked_duration_since(Instant::now()) {
            sleep(early);
        }
        let asked = Instant::now();
        viewer
            .render_into(k, &Voi::Default, &mut rgba, 0)
            .map_err(err)?;
        std::hint::black_box(&rgba);
        waits.push(ms(asked.elapsed()));
        ready_at.push(start.elapsed().as_secs_f64());
        // the next slice is due one interval later, or now when this one took longer
        due = (due + interval).max(Instant::now());
    }
    let elapsed = start.elapsed().as_secs_f64();
    let slices = waits.len();
    let slices_per_s_after_1s = rate_after(&ready_at, 1.0);
    let forward = n.saturating_sub(1);
    let forward_slices_per_s = match ready_at.get(forward.wrapping_sub(1)) {
        Some(&t) if forward > 0 && t > 0.0 => forward as f64 / t,
        _ => 0.0,
    };
    waits.sort_by(|a, b| a.total_cmp(b));
    drop(viewer); // its cache too: the fling starts from nothing cached
    let fling = fling(vault, series, fps, &mut rgba)?;
    Ok(Scroll {
        slices,
        fps_asked: fps,
        slices_per_s: slices as f64 / elapsed,
        slices_per_s_after_1s,
        forward_slices_per_s,
        wait_ms_p50: percentile(&waits, 50.0),
        wait_ms_p99: percentile(&waits, 99.0),
        first_slice_ms,
        fling,
    })
}

/// The fling of [`scroll_bench`], on a new session.
fn fling(
    vault: Arc<scanpass_core::vault::Vault>,
    series: &str,
    fps: f64,
    rgba: &mut Vec<u8>,
) -> Result<Fling, String> {
    let viewer = Viewer::open(vault, series).map_err(err)?;
    viewer.render_into(0, &Voi::Default, rgba, 0).map_err(err)?;
    let last = viewer.slice_count().saturating_sub(1);
    let interval = Duration::from_secs_f64(1.0 / fps);
    let (mut at, mut speed, mut shown) = (0.0f64, FLING_SPEED, 0u32);
    let mut waits = Vec::new();
    let mut due = Instant::now();
    while speed >= FLING_STOP && shown < last {
        due += interval;
        if let Some(early) = due.checked_duration_since(Instant::now()) {
            sleep(early);
        }
        at += speed;
        speed *= FLING_DECAY;
        let k = (at as u32).min(last);
        if k == shown {
            continue;
        }
        let asked = Instant::now();
        viewer.render_into(k, &Voi::Default, rgba, 0).map_err(err)?;
        std::hint::black_box(&*rgba);
        waits.push(ms(asked.elapsed()));
        shown = k;
        due = due.max(Instant::now());
    }
    waits.sort_by(|a, b| a.total_cmp(b));
    Ok(Fling {
        slices: waits.len(),
        span: shown,
        wait_ms_p50: percentile(&waits, 50.0),
        wait_ms_p99: percentile(&waits, 99.0),
    })
}

/// Slices ready per second after `skip` seconds: those ready later than `skip`, over the time
/// from `skip` to the last of them (0 when fewer than two).
fn rate_after(ready_at_s: &[f64], skip: f64) -> f64 {
    let after = ready_at_s.iter().filter(|&&t| t > skip).count();
    match ready_at_s.last() {
        Some(&last) if after >= 2 && last > skip => after as f64 / (last - skip),
        _ => 0.0,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `p`th percentile of sorted values, by the nearest rank (0 for none).
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::{percentile, rate_after};

    #[test]
    fn rate_after_the_first_second() {
        // 60 a second for 3 s: 120 ready after the first second, over 2 s
        let v: Vec<f64> = (1..=180).map(|k| f64::from(k) / 60.0).collect();
        assert!((rate_after(&v, 1.0) - 60.0).abs() < 1e-9);
        assert_eq!(rate_after(&[0.5, 0.9], 1.0), 0.0);
        assert_eq!(rate_after(&[], 1.0), 0.0);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
