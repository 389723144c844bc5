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

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use crate::dicom::{DicomImage, Frame, ImageInfo};
use crate::error::{Error, Result};
use crate::render::{self, Applied, Voi};
use crate::vault::{InstanceRow, LockHook, Vault};

/// Decoded slices kept at most (bytes of decoded samples) on a desktop, unless one slice is
/// larger. Phones get [`cache_budget`].
pub const DEFAULT_CACHE_BYTES: usize = 192 * 1024 * 1024;

const MIB: usize = 1024 * 1024;

/// What a viewer runs on, for its cache budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Android,
    Ios,
    /// The CLI and desktop builds.
    Desktop,
}

impl Platform {
    /// The platform this build is for.
    pub fn current() -> Platform {
        if cfg!(target_os = "android") {
            Platform::Android
        } else if cfg!(target_os = "ios") {
            Platform::Ios
        } else {
            Platform::Desktop
        }
    }
}

/// Bytes of decoded slices a viewer keeps on `platform`, given the device's physical memory
/// (`None` when unknown). Phones: 1/32 of the memory, between 48 and 192 MiB (96 MiB when
/// unknown, as for a 3 GB phone): 128 MiB on a 4 GB phone, 256 CT slices of 512 × 512, far more
/// than the prefetch needs. Why that much and no more (docs/memory.md): Android reports a
/// per-app memory class of typically 256 MB on 4 GB phones and kills apps by their total
/// memory under pressure (lmkd); iOS ends a foreground app past its jetsam limit, and the
/// decoded slices come on top of the app's own views and the decrypted blob being read.
/// Desktops keep [`DEFAULT_CACHE_BYTES`].
pub fn cache_budget(platform: Platform, physical_memory: Option<u64>) -> usize {
    match platform {
        Platform::Desktop => DEFAULT_CACHE_BYTES,
        Platform::Android | Platform::Ios => match physical_memory {
            Some(m) => ((m / 32) as usize).clamp(48 * MIB, 192 * MIB),
            None => 96 * MIB,
        },
    }
}

/// The device's physical memory, where the system tells it without a platform API
/// (`/proc/meminfo`: Linux and Android); `None` elsewhere (iOS).
pub fn physical_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
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

/// The shape of a series, for measurement and layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// Rows and columns of the first slice (slices of another size render at their own size).
    pub rows: u32,
    pub cols: u32,
    /// Row spacing, column spacing in mm (Pixel Spacing, else Imager Pixel Spacing).
    pub pixel_spacing: Option<(f64, f64)>,
    /// Which attribute [`Geometry::pixel_spacing`] comes from.
    pub spacing_source: Option<SpacingSource>,
    /// Distance between neighbouring slice centres in mm, along the slice normal (the median
    /// of the gaps between positions), when every slice has a position and one orientation.
    pub slice_spacing: Option<f64>,
    /// Slice Thickness in mm, as the file states it.
    pub slice_thickness: Option<f64>,
    /// Image Orientation (Patient) shared by the slices.
    pub orientation: Option<[f64; 6]>,
}

/// Where a series' pixel spacing comes from: a measurement's meaning depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpacingSource {
    /// Pixel Spacing (0028,0030), in the patient (or the Pixel Measures of an enhanced object).
    PixelSpacing,
    /// Imager Pixel Spacing (0018,1164), at the detector: a projection radiograph's lengths
    /// there include the beam's magnification (usually a few per cent larger than in the body).
    ImagerPixelSpacing,
}

/// The attribute a header's pixel spacing comes from, by the rule of [`ImageInfo`]'s
/// `pixel_spacing` (Pixel Spacing, the enhanced Pixel Measures, then Imager Pixel Spacing).
fn spacing_source(
    header: &crate::dicom::Object,
    spacing: Option<(f64, f64)>,
) -> Option<SpacingSource> {
    spacing?;
    let ok = |tag| crate::dicom::attrs::floats(header, tag).len() == 2;
    if ok(tags::PIXEL_SPACING) || !ok(tags::IMAGER_PIXEL_SPACING) {
        Some(SpacingSource::PixelSpacing)
    } else {
        Some(SpacingSource::ImagerPixelSpacing)
    }
}

/// Cine playback of a multi-frame series.
#[derive(Debug, Clone, PartialEq)]
pub struct Cine {
    pub frames: u32,
    /// Time between frames in ms: Frame Time, else 1000 / Cine Rate, else 1000 / Recommended
    /// Display Frame Rate.
    pub frame_interval_ms: f64,
}

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

struct Decoded {
    info: Arc<ImageInfo>,
    frame: Frame<'static>,
    bytes: usize,
}

#[derive(Default)]
struct Cache {
    slices: HashMap<usize, Arc<Decoded>>,
    /// least recently used first
    order: VecDeque<usize>,
    bytes: usize,
}

impl Cache {
    fn get(&mut self, n: usize) -> Option<Arc<Decoded>> {
        let hit = self.slices.get(&n).cloned()?;
        self.touch(n);
        Some(hit)
    }

    fn touch(&mut self, n: usize) {
        if let Some(i) = self.order.iter().position(|&k| k == n) {
            self.order.remove(i);
        }
        self.order.push_back(n);
    }

    fn insert(&mut self, n: usize, d: Arc<Decoded>, limit: usize) {
        if let Some(old) = self.slices.insert(n, d.clone()) {
            self.bytes -= old.bytes;
        }
        self.bytes += d.bytes;
        self.touch(n);
        while self.bytes > limit && self.order.len() > 1 {
            let Some(victim) = self.order.pop_front() else {
                break;
            };
            if let Some(v) = self.slices.remove(&victim) {
                self.bytes -= v.bytes;
            }
        }
    }

    fn clear(&mut self) {
        *self = Cache::default();
    }
}

/// The prefetch workers' orders: the slice shown last and which way the user is going, and
/// the slices being decoded now (each by one worker; the screen waits for one rather than
/// decoding it twice).
#[derive(Default)]
struct Want {
    /// the slice whose neighbours are to be decoded; none when there is nothing to do
    centre: Option<usize>,
    in_flight: HashSet<usize>,
    /// the slice shown last, for the direction
    last: Option<usize>,
    forward: bool,
    stop: bool,
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
            for _ in 0..prefetch_threads() {
                let inner = viewer.inner.clone();
                let worker = std::thread::Builder::new()
                    .name("scanpass-prefetch".into())
                    .spawn(move || inner.prefetch_loop());
                match worker {
                    Ok(w) => viewer.workers.push(w),
                    // fewer workers than cores is slower, not wrong; none is an error (dropping
                    // `viewer` stops those started)
                    Err(e) if viewer.workers.is_empty() => {
                        return Err(Error::Storage(format!(
                            "cannot start the prefetch thread: {e}"
                        )))
                    }
                    Err(_) => break,
                }
            }
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

    fn ask_prefetch(&self, n: usize) {
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
    fn prefetch_loop(&self) {
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

use dicom_dictionary_std::tags;

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

/// The median gap between neighbouring slice positions along the shared normal.
fn slice_spacing(rows: &[InstanceRow]) -> Option<f64> {
    let o = rows.first()?.orientation()?;
    let n = [
        o[1] * o[5] - o[2] * o[4],
        o[2] * o[3] - o[0] * o[5],
        o[0] * o[4] - o[1] * o[3],
    ];
    let mut d: Vec<f64> = rows
        .iter()
        .map(|r| {
            let same = r
                .orientation()
                .is_some_and(|x| x.iter().zip(&o).all(|(a, b)| (a - b).abs() < 1e-3));
            let p = r.position().filter(|_| same)?;
            Some(p[0] * n[0] + p[1] * n[1] + p[2] * n[2])
        })
        .collect::<Option<_>>()?;
    if d.len() < 2 {
        return None;
    }
    d.sort_by(f64::total_cmp);
    let mut gaps: Vec<f64> = d.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    let m = gaps[gaps.len() / 2];
    (m.is_finite() && m > 1e-6).then_some(m)
}

fn cine_interval(header: &crate::dicom::Object) -> Option<f64> {
    use crate::dicom::attrs::float;
    let ok = |v: f64| (v.is_finite() && v > 0.0).then_some(v);
    float(header, tags::FRAME_TIME)
        .and_then(ok)
        .or_else(|| {
            float(header, tags::CINE_RATE)
                .and_then(ok)
                .map(|r| 1000.0 / r)
        })
        .or_else(|| {
            float(header, tags::RECOMMENDED_DISPLAY_FRAME_RATE)
                .and_then(ok)
                .map(|r| 1000.0 / r)
        })
}

#[cfg(test)]
mod tests;
