//! The prefetch pool: after each render, worker threads decode the neighbours of the slice
//! shown, ahead first in the direction of travel, into the session's cache, so that the next
//! swipe finds its slice ready. No worker holds a lock while it decodes.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;

use super::cache::Cache;
use super::{guard, Inner};
use crate::error::{Error, Result};

/// Slices decoded ahead and behind the one shown.
pub const DEFAULT_PREFETCH_RADIUS: usize = 4;

/// How many times the radius the prefetch reaches in the direction of travel.
const AHEAD: usize = 4;

/// Prefetch workers per viewer: one per core, up to four (decoders are single-threaded, so a
/// JPEG 2000 or JPEG-LS series scrolls as fast as the cores decode; the slice on screen, once
/// decoded, costs only the window and the RGBA write on the caller's thread).
fn prefetch_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 4))
}

/// The prefetch workers' orders: the slice shown last and which way the user is going, and
/// the slices being decoded now (each by one worker; the screen waits for one rather than
/// decoding it twice).
#[derive(Default)]
pub(super) struct Want {
    /// the slice whose neighbours are to be decoded; none when there is nothing to do
    pub(super) centre: Option<usize>,
    pub(super) in_flight: HashSet<usize>,
    /// the slice shown last, for the direction
    pub(super) last: Option<usize>,
    pub(super) forward: bool,
    pub(super) stop: bool,
}

/// The slices to decode around slice `centre` of `len`: `radius` behind and [`AHEAD`] times that
/// in the direction of travel, nearest first, the scrolling direction first at each distance.
/// The viewer's prefetch workers follow this order, and the viewer screen shows it.
pub fn prefetch_order(centre: usize, len: usize, radius: usize, forward: bool) -> Vec<usize> {
    let ahead_radius = radius * AHEAD;
    let mut out = Vec::with_capacity(radius + ahead_radius);
    for d in 1..=ahead_radius {
        let up = centre.checked_add(d).filter(|&i| i < len);
        let down = centre.checked_sub(d);
        let (ahead, behind) = if forward { (up, down) } else { (down, up) };
        out.extend(ahead);
        if d <= radius {
            out.extend(behind);
        }
    }
    out
}

/// Start the prefetch workers of a session ([`prefetch_threads`] of them). Fewer than asked is
/// slower, not wrong; none is an error.
pub(super) fn start_workers(inner: &Arc<Inner>) -> Result<Vec<JoinHandle<()>>> {
    let mut workers = Vec::new();
    for _ in 0..prefetch_threads() {
        let inner = inner.clone();
        let worker = std::thread::Builder::new()
            .name("scanpass-prefetch".into())
            .spawn(move || inner.prefetch_loop());
        match worker {
            Ok(w) => workers.push(w),
            Err(e) if workers.is_empty() => {
                return Err(Error::Storage(format!(
                    "cannot start the prefetch thread: {e}"
                )))
            }
            Err(_) => break,
        }
    }
    Ok(workers)
}

impl Inner {
    pub(super) fn ask_prefetch(&self, n: usize) {
        if self.radius == 0 {
            return;
        }
        let mut want = guard(&self.want);
        want.forward = match want.last {
            Some(prev) if n < prev => false,
            Some(prev) if n > prev => true,
            Some(_) => want.forward,
            None => true,
        };
        want.last = Some(n);
        // wake the thread only when a neighbour is missing: scrolling through cached slices
        // costs no thread switch
        let missing = {
            let cache = guard(&self.cache);
            self.candidates(&cache, n, want.forward)
                .any(|k| !cache.slices.contains_key(&k))
        };
        if missing {
            want.centre = Some(n);
            self.wake.notify_all();
        }
    }

    /// How many neighbours of `centre` the cache holds beside it.
    fn budget(&self, cache: &Cache, centre: usize) -> usize {
        let bytes = match cache.slices.get(&centre) {
            Some(d) => Some(d.bytes),
            // not decoded whole yet (a first image at the view's size): as its header says
            None => self.slices.get(centre).and_then(|s| {
                let infos = guard(&self.infos);
                let i = infos.get(&s.instance)?;
                Some(
                    i.rows as usize
                        * i.cols as usize
                        * i.samples_per_pixel as usize
                        * i.sample_type.bytes(),
                )
            }),
        };
        match bytes {
            Some(b) if b > 0 => (self.cache_limit / b).saturating_sub(1),
            _ => usize::MAX,
        }
    }

    /// What the prefetch decodes around `centre`, in order: `centre` itself (when it is shown at
    /// a reduced size it is not cached yet), then as many neighbours as the cache holds beside it.
    fn candidates<'c>(
        &self,
        cache: &Cache,
        centre: usize,
        forward: bool,
    ) -> impl Iterator<Item = usize> + 'c {
        let budget = self.budget(cache, centre);
        std::iter::once(centre).chain(self.neighbours(centre, forward).into_iter().take(budget))
    }

    /// The neighbours of `centre` to prefetch, nearest first, the scrolling direction first at
    /// each distance: `radius` on each side, and [`AHEAD`] times that in the direction of travel
    /// (a scroll at 60 slices a second is a quarter of a second ahead at the default radius).
    fn neighbours(&self, centre: usize, forward: bool) -> Vec<usize> {
        prefetch_order(centre, self.slices.len(), self.radius, forward)
    }

    /// One prefetch worker: takes the nearest neighbour of the slice shown that is neither
    /// cached nor taken by another worker, decodes it, and again; clears the order when none is
    /// left and no worker is busy.
    pub(super) fn prefetch_loop(&self) {
        loop {
            let n = {
                let mut want = guard(&self.want);
                loop {
                    if want.stop {
                        return;
                    }
                    if let Some(centre) = want.centre {
                        if let Some(n) = self.next_to_prefetch(&want, centre) {
                            want.in_flight.insert(n);
                            break n;
                        }
                        if want.in_flight.is_empty() {
                            want.centre = None;
                            self.wake.notify_all();
                        }
                    }
                    want = self.wake.wait(want).unwrap_or_else(|p| p.into_inner());
                }
            };
            // a failure (a damaged file, a lock) shows when that slice is asked for
            let failed = self.decoded(n).is_err();
            let mut want = guard(&self.want);
            want.in_flight.remove(&n);
            if failed && self.locked.load(Ordering::SeqCst) {
                want.centre = None;
            }
            self.wake.notify_all();
        }
    }

    /// The next slice to prefetch around `centre`: no more than the cache holds beside the slice
    /// shown, nearest first, skipping what is cached or being decoded.
    fn next_to_prefetch(&self, want: &Want, centre: usize) -> Option<usize> {
        let cache = guard(&self.cache);
        self.candidates(&cache, centre, want.forward)
            .find(|n| !cache.slices.contains_key(n) && !want.in_flight.contains(n))
    }
}
