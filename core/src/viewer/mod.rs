//! A viewer session over one series of the vault: what a reading screen needs, in slice order.
//!
//! - Slices are the frames of the series' instances in display order (along the slice normal when
//!   the geometry is shared, else by instance number), so a CT of 300 single-frame files and an
//!   enhanced CT of one 300-frame file scroll alike.
//! - [`Viewer::render_into`] decrypts and decodes slice `n` (or takes it from the cache), applies
//!   the window, and writes RGBA8 into the caller's buffer. After each render a background thread
//!   decodes the neighbours, ahead first when the user scrolls forward, into a cache bounded in
//!   bytes, so the next swipe finds its slice ready.
//! - Multi-frame objects with a frame time (ultrasound, angiography) report a [`Cine`] rate.
//! - Locking the vault empties the cache: no decrypted pixels outlive the key.
//! - The cache's budget follows the device ([`cache_budget`]: 128 MiB on a 4 GB phone), and
//!   [`Viewer::memory_pressure`], which the apps call when the system warns them, drops it to the
//!   slice on screen.
//!
//! Thread safety: every method takes `&self` and may be called from any thread; renders of
//! different slices run in parallel, and the prefetch thread never holds a lock while it decodes.
//!
//! By job: this file is the session (open a series, render a slice, memory pressure);
//! `geometry.rs` the shape of the series and its cine rate; `cache.rs` the device's budget and
//! the decoded-slice LRU cache; `prefetch.rs` the workers that fill it around the slice shown.

mod cache;
mod geometry;
mod prefetch;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use dicom_dictionary_std::tags;

use crate::dicom::{DicomImage, Frame, ImageInfo};
use crate::error::{Error, Result};
use crate::render::{self, Applied, Voi};
use crate::vault::{InstanceRow, LockHook, Vault};
pub use cache::{cache_budget, physical_memory, Platform, DEFAULT_CACHE_BYTES};
use cache::{Cache, Decoded};
use geometry::{cine_interval, slice_spacing, spacing_source};
pub use geometry::{Cine, Geometry, SpacingSource};
use prefetch::Want;
pub use prefetch::{prefetch_order, DEFAULT_PREFETCH_RADIUS};

/// Where a slice comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceInfo {
    /// Index of the instance in display order.
    pub instance: u32,
    /// Frame within that instance.
    pub frame: u32,
    pub instance_number: Option<i64>,
    /// Image Position (Patient) of the instance's first frame.
    pub position: Option<[f64; 3]>,
}

/// What a render produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub width: u32,
    pub height: u32,
    pub applied: Applied,
    /// Decoded below the image's full resolution (a first image at the size of the view, see
    /// [`Viewer::render_for_view`]); the full one follows from the next render.
    pub reduced: bool,
}

#[derive(Clone, Copy)]
struct Slice {
    instance: usize,
    frame: u32,
}

struct Inner {
    vault: Arc<Vault>,
    study: String,
    instances: Vec<InstanceRow>,
    slices: Vec<Slice>,
    /// image description per instance, read on first use
    infos: Mutex<HashMap<usize, Arc<ImageInfo>>>,
    /// the multi-frame instance opened last (its header is not re-read for every cine frame)
    open_multi: Mutex<Option<(usize, Arc<DicomImage>)>>,
    cache: Mutex<Cache>,
    cache_limit: usize,
    radius: usize,
    want: Mutex<Want>,
    wake: Condvar,
    locked: AtomicBool,
}

/// A viewer session over one series. Dropping it stops its prefetch thread.
pub struct Viewer {
    inner: Arc<Inner>,
    geometry: Geometry,
    cine: Option<Cine>,
    workers: Vec<JoinHandle<()>>,
    _on_lock: Arc<LockHook>,
}

fn guard<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Viewer {
    /// Open a session over `series_id` with this device's cache budget ([`cache_budget`]) and
    /// the default prefetch radius.
    pub fn open(vault: Arc<Vault>, series_id: &str) -> Result<Viewer> {
        Self::with_limits(
            vault,
            series_id,
            cache_budget(Platform::current(), physical_memory()),
            DEFAULT_PREFETCH_RADIUS,
        )
    }

    /// Open a session with a cache of at most `cache_bytes` of decoded samples (at least one
    /// slice is always kept) and `radius` slices prefetched on each side (0: no prefetch).
    pub fn with_limits(
        vault: Arc<Vault>,
        series_id: &str,
        cache_bytes: usize,
        radius: usize,
    ) -> Result<Viewer> {
        let instances = crate::library::instances(&vault, series_id)?;
        let study = vault.study_of_series(series_id)?;
        let slices: Vec<Slice> = instances
            .iter()
            .enumerate()
            .flat_map(|(i, row)| {
                (0..row.frames.max(1)).map(move |frame| Slice { instance: i, frame })
            })
            .collect();
        if slices.is_empty() {
            return Err(Error::NotFound("image in this series"));
        }
        // the first instance's header gives the geometry and the cine rate
        let first = vault.open_row(&study, &instances[0])?;
        let info = first.info()?;
        let header = first.header();
        let geometry = Geometry {
            rows: info.rows,
            cols: info.cols,
            pixel_spacing: info.pixel_spacing,
            spacing_source: spacing_source(header, info.pixel_spacing),
            slice_spacing: slice_spacing(&instances),
            slice_thickness: crate::dicom::attrs::float(header, tags::SLICE_THICKNESS),
            orientation: instances[0].orientation(),
        };
        let cine = instances
            .iter()
            .any(|r| r.frames > 1)
            .then(|| cine_interval(header))
            .flatten()
            .map(|frame_interval_ms| Cine {
                frames: slices.len() as u32,
                frame_interval_ms,
            });
        let inner = Arc::new(Inner {
            vault: vault.clone(),
            study,
            instances,
            slices,
            infos: Mutex::new(HashMap::from([(0, Arc::new(info.clone()))])),
            open_multi: Mutex::new(None),
            cache: Mutex::new(Cache::default()),
            cache_limit: cache_bytes,
            radius,
            want: Mutex::new(Want::default()),
            wake: Condvar::new(),
            locked: AtomicBool::new(false),
        });
        let weak = Arc::downgrade(&inner);
        let on_lock: Arc<LockHook> = Arc::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.locked.store(true, Ordering::SeqCst);
                guard(&inner.cache).clear();
                *guard(&inner.open_multi) = None;
            }
        });
        vault.on_lock(&on_lock);
        let mut viewer = Viewer {
            inner,
            geometry,
            cine,
            workers: Vec::new(),
            _on_lock: on_lock,
        };
        if radius > 0 {
            viewer.workers = prefetch::start_workers(&viewer.inner)?;
        }
        Ok(viewer)
    }

    /// How many slices (frames of all instances) the series has.
    pub fn slice_count(&self) -> u32 {
        self.inner.slices.len() as u32
    }

    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    /// The cine rate, for a series of multi-frame objects that state one.
    pub fn cine(&self) -> Option<&Cine> {
        self.cine.as_ref()
    }

    /// Where slice `n` comes from.
    pub fn slice_info(&self, n: u32) -> Result<SliceInfo> {
        let s = self.inner.slice(n)?;
        let row = &self.inner.instances[s.instance];
        Ok(SliceInfo {
            instance: s.instance as u32,
            frame: s.frame,
            instance_number: row.number,
            position: row.position(),
        })
    }

    /// The image description of slice `n` (windows, rescale, photometric...).
    pub fn info(&self, n: u32) -> Result<Arc<ImageInfo>> {
        let s = self.inner.slice(n)?;
        self.inner.info(s.instance)
    }

    /// Render slice `n` with `voi` into `out[prefix..]` (`out` is resized to `prefix` + width ×
    /// height × 4), keeping `out[..prefix]` for the caller's own header. Blocks while the slice
    /// is decrypted and decoded unless it is cached; then asks for its neighbours.
    pub fn render_into(
        &self,
        n: u32,
        voi: &Voi,
        out: &mut Vec<u8>,
        prefix: usize,
    ) -> Result<Rendered> {
        self.render_into_with(n, voi, false, out, prefix)
    }

    /// [`Viewer::render_into`], grey levels inverted when `invert` (on top of what MONOCHROME1
    /// implies).
    pub fn render_into_with(
        &self,
        n: u32,
        voi: &Voi,
        invert: bool,
        out: &mut Vec<u8>,
        prefix: usize,
    ) -> Result<Rendered> {
        let decoded = self.inner.decoded_for_screen(n as usize)?;
        self.inner.ask_prefetch(n as usize);
        fill(
            &decoded.info,
            &decoded.frame,
            voi,
            invert,
            out,
            prefix,
            false,
        )
    }

    /// Render slice `n` for a view of `view` (width, height) device pixels, as soon as it can:
    /// a slice decoded whole (cached, or not reducible) renders as [`Self::render_into`]; an
    /// image larger than the view whose codec can decode less (JPEG 2000's resolution levels,
    /// lossy JPEG's DCT scaling: [`crate::dicom::reducible`]) is decoded now at
    /// the resolution the view needs ([`crate::dicom::reduction_for_view`]), which takes a
    /// fraction of the time, and rendered
    /// smaller (`reduced`; the shell scales it to the view), while a prefetch worker decodes it
    /// whole. Render it again (this call or [`Self::render_into`]) when the user zooms in or the
    /// screen is idle: the full image is then exactly what [`Self::render_into`] gives.
    pub fn render_for_view(
        &self,
        n: u32,
        voi: &Voi,
        view: (u32, u32),
        out: &mut Vec<u8>,
        prefix: usize,
    ) -> Result<Rendered> {
        self.render_for_view_with(n, voi, false, view, out, prefix)
    }

    /// [`Viewer::render_for_view`], grey levels inverted when `invert` (as
    /// [`Viewer::render_into_with`]).
    pub fn render_for_view_with(
        &self,
        n: u32,
        voi: &Voi,
        invert: bool,
        view: (u32, u32),
        out: &mut Vec<u8>,
        prefix: usize,
    ) -> Result<Rendered> {
        let k = n as usize;
        let s = self.inner.slice(n)?;
        // decoded whole, or being decoded whole by a worker: that is sooner
        let busy = guard(&self.inner.want).in_flight.contains(&k);
        if busy || guard(&self.inner.cache).slices.contains_key(&k) {
            return self.render_into_with(n, voi, invert, out, prefix);
        }
        self.inner.check_unlocked()?;
        // one decryption and parse, whichever way the slice is decoded
        let (img, info) = self.inner.open_with_info(s.instance)?;
        let reduce = crate::dicom::reduction_for_view(info.cols, info.rows, view);
        if reduce == 0 || !crate::dicom::reducible(&info) {
            let d = self.inner.decode_and_keep(k, s, &img, info)?;
            self.inner.ask_prefetch(k);
            return fill(&d.info, &d.frame, voi, invert, out, prefix, false);
        }
        let frame = img.decode_frame_for_view(s.frame, view)?;
        let reduced = frame.rows < info.rows || frame.cols < info.cols;
        if !reduced {
            // the stream would not decode smaller (a lossless stream labelled lossy): this is
            // the whole decode, kept so that the prefetch does not decode it again
            let d = self.inner.keep(k, info, frame.into_owned())?;
            self.inner.ask_prefetch(k);
            return fill(&d.info, &d.frame, voi, invert, out, prefix, false);
        }
        // the full decode of this slice comes first in the prefetch
        self.inner.ask_prefetch(k);
        let r = fill(&info, &frame, voi, invert, out, prefix, reduced)?;
        if self.inner.locked.load(Ordering::SeqCst) || !self.inner.vault.is_unlocked() {
            out.truncate(prefix);
            return Err(Error::Locked);
        }
        Ok(r)
    }

    /// Render slice `n` into a new RGBA8 image.
    pub fn render(&self, n: u32, voi: &Voi) -> Result<(render::Image, Applied)> {
        let mut rgba = Vec::new();
        let r = self.render_into(n, voi, &mut rgba, 0)?;
        Ok((
            render::Image {
                width: r.width,
                height: r.height,
                rgba,
            },
            r.applied,
        ))
    }

    /// Whether slice `n` is decoded and waiting in the cache (for tests and diagnostics).
    pub fn is_cached(&self, n: u32) -> bool {
        guard(&self.inner.cache).slices.contains_key(&(n as usize))
    }

    /// Bytes of decoded samples held in the cache now.
    pub fn cached_bytes(&self) -> usize {
        guard(&self.inner.cache).bytes
    }

    /// The cache's budget in bytes.
    pub fn cache_limit(&self) -> usize {
        self.inner.cache_limit
    }

    /// The system is short of memory (Android's `onTrimMemory`, iOS's memory warning): stop the
    /// prefetch, drop every decoded slice but the one on screen, and the multi-frame object held
    /// open. The next render works as before (decoding again what it needs) and the prefetch
    /// resumes with it. Returns the bytes freed.
    pub fn memory_pressure(&self) -> usize {
        let shown = {
            let mut want = guard(&self.inner.want);
            want.centre = None;
            self.inner.wake.notify_all();
            want.last
        };
        *guard(&self.inner.open_multi) = None;
        let mut cache = guard(&self.inner.cache);
        let before = cache.bytes;
        let kept = shown.and_then(|n| cache.slices.get(&n).cloned());
        cache.clear();
        if let (Some(n), Some(d)) = (shown, kept) {
            cache.insert(n, d, usize::MAX);
        }
        before - cache.bytes
    }

    /// Wait until the prefetch workers have nothing left to do (for tests and benchmarks).
    pub fn wait_prefetch_idle(&self) {
        let mut want = guard(&self.inner.want);
        while (want.centre.is_some() || !want.in_flight.is_empty()) && !want.stop {
            want = self
                .inner
                .wake
                .wait(want)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Render `frame` into `out[prefix..]` (resized to fit).
fn fill(
    info: &ImageInfo,
    frame: &Frame<'_>,
    voi: &Voi,
    invert: bool,
    out: &mut Vec<u8>,
    prefix: usize,
    reduced: bool,
) -> Result<Rendered> {
    let (w, h) = (frame.cols, frame.rows);
    out.resize(prefix + w as usize * h as usize * 4, 0);
    let applied = render::render_into(info, frame, voi, invert, &mut out[prefix..])?;
    Ok(Rendered {
        width: w,
        height: h,
        applied,
        reduced,
    })
}

impl Drop for Viewer {
    fn drop(&mut self) {
        guard(&self.inner.want).stop = true;
        self.inner.wake.notify_all();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        guard(&self.inner.cache).clear();
    }
}

impl Inner {
    fn slice(&self, n: u32) -> Result<Slice> {
        self.slices
            .get(n as usize)
            .copied()
            .ok_or(Error::FrameOutOfRange {
                frame: n,
                frames: self.slices.len() as u32,
            })
    }

    fn check_unlocked(&self) -> Result<()> {
        if self.vault.is_unlocked() {
            self.locked.store(false, Ordering::SeqCst);
            Ok(())
        } else {
            guard(&self.cache).clear();
            Err(Error::Locked)
        }
    }

    fn open(&self, instance: usize) -> Result<Arc<DicomImage>> {
        let multi = self.instances[instance].frames > 1;
        if multi {
            if let Some((i, img)) = guard(&self.open_multi).as_ref() {
                if *i == instance {
                    return Ok(img.clone());
                }
            }
        }
        let img = Arc::new(
            self.vault
                .open_row(&self.study, &self.instances[instance])?,
        );
        if multi {
            *guard(&self.open_multi) = Some((instance, img.clone()));
        }
        Ok(img)
    }

    fn info(&self, instance: usize) -> Result<Arc<ImageInfo>> {
        if let Some(i) = guard(&self.infos).get(&instance) {
            return Ok(i.clone());
        }
        let img = self.open(instance)?;
        let info = Arc::new(img.info()?.clone());
        guard(&self.infos).insert(instance, info.clone());
        Ok(info)
    }

    /// Instance `instance` opened, and its description (read from it once, then remembered):
    /// one decryption and parse for both.
    fn open_with_info(&self, instance: usize) -> Result<(Arc<DicomImage>, Arc<ImageInfo>)> {
        let img = self.open(instance)?;
        let known = guard(&self.infos).get(&instance).cloned();
        let info = match known {
            Some(i) => i,
            None => {
                let i = Arc::new(img.info()?.clone());
                guard(&self.infos).insert(instance, i.clone());
                i
            }
        };
        Ok((img, info))
    }

    /// Slice `n` decoded: from the cache, else decrypted and decoded now (and cached).
    fn decoded(&self, n: usize) -> Result<Arc<Decoded>> {
        self.check_unlocked()?;
        if let Some(hit) = guard(&self.cache).get(n) {
            return Ok(hit);
        }
        let s = self.slice(n as u32)?;
        let (img, info) = self.open_with_info(s.instance)?;
        self.decode_and_keep(n, s, &img, info)
    }

    /// Slice `n` (`s`, of `img` described by `info`) decoded whole and cached.
    fn decode_and_keep(
        &self,
        n: usize,
        s: Slice,
        img: &DicomImage,
        info: Arc<ImageInfo>,
    ) -> Result<Arc<Decoded>> {
        let frame = img.decode_frame(s.frame)?.into_owned();
        self.keep(n, info, frame)
    }

    /// Keeps slice `n`, decoded whole, in the cache; refused when a lock came meanwhile.
    fn keep(
        &self,
        n: usize,
        info: Arc<ImageInfo>,
        frame: crate::dicom::Frame<'static>,
    ) -> Result<Arc<Decoded>> {
        let d = Arc::new(Decoded {
            bytes: frame.samples.byte_len(),
            info,
            frame,
        });
        // a lock that came while decoding must not leave pixels behind
        if self.locked.load(Ordering::SeqCst) || !self.vault.is_unlocked() {
            return Err(Error::Locked);
        }
        guard(&self.cache).insert(n, d.clone(), self.cache_limit);
        Ok(d)
    }

    /// Slice `n` for the screen: a slice a worker is decoding now is waited for (it started
    /// earlier than a decode here would), anything else is [`Self::decoded`].
    fn decoded_for_screen(&self, n: usize) -> Result<Arc<Decoded>> {
        let mut want = guard(&self.want);
        while want.in_flight.contains(&n) && !want.stop {
            want = self.wake.wait(want).unwrap_or_else(|p| p.into_inner());
        }
        drop(want);
        self.decoded(n)
    }
}

#[cfg(test)]
mod tests;
