//! The viewer's memory: how many bytes of decoded slices a device can keep ([`cache_budget`]),
//! and the cache that keeps them, least recently used dropped first, never below one slice.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use crate::dicom::{Frame, ImageInfo};

/// Decoded slices kept at most (bytes of decoded samples) on a desktop, unless one slice is
/// larger. Phones get [`cache_budget`].
pub const DEFAULT_CACHE_BYTES: usize = 192 * 1024 * 1024;

pub(super) const MIB: usize = 1024 * 1024;

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

/// A slice decoded whole, with the description it renders by.
pub(super) struct Decoded {
    pub(super) info: Arc<ImageInfo>,
    pub(super) frame: Frame<'static>,
    pub(super) bytes: usize,
}

/// Decoded slices by index, bounded in bytes: the least recently used goes first.
#[derive(Default)]
pub(super) struct Cache {
    pub(super) slices: HashMap<usize, Arc<Decoded>>,
    /// least recently used first
    order: VecDeque<usize>,
    pub(super) bytes: usize,
}

impl Cache {
    pub(super) fn get(&mut self, n: usize) -> Option<Arc<Decoded>> {
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

    pub(super) fn insert(&mut self, n: usize, d: Arc<Decoded>, limit: usize) {
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

    pub(super) fn clear(&mut self) {
        *self = Cache::default();
    }
}
