//! What a crafted zip can make the import hold in memory (issue 15, point 9): an entry is read
//! whole only up to `import::IN_MEMORY` (8 MiB); a larger one streams through an encrypted
//! temporary file and is parsed, hashed and stored from there a block at a time, and an entry
//! that inflates past its declared size is refused as it passes it; what the DICOM reader would
//! read whole of a streamed file (its header, or all of a data set it cannot walk) is bounded by
//! `import::MAX_WHOLE` (32 MiB). The allocator below counts
//! the bytes live on the heap (all threads) and their peak; the figures are printed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use scanpass_core::import::{import, CancelToken, Silent, Source};
use scanpass_core::phantom;
use scanpass_core::vault::keystore::PassphraseKeyStore;
use scanpass_core::vault::Vault;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting live bytes and their peak.
struct Counting;

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: forwards to the system allocator; only counts.
#[allow(unsafe_code)] // a counting allocator is the only way to see the peak heap of an import
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const MIB: usize = 1 << 20;

/// Low-entropy bytes that are not DICOM (deflate squeezes them about 30:1, under the importer's
/// 1000:1 limit).
fn filler(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|i| {
            if i % 64 == 0 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8 | 1
            } else {
                0
            }
        })
        .collect()
}

fn find(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn a_crafted_zip_cannot_make_the_import_hold_what_it_declares() {
    let root = std::env::temp_dir().join(format!("sp-import-memory-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    let keys = PassphraseKeyStore::new(&root.join("vault"), "test").with_cost(1024, 1);
    let vault = Vault::create(&root.join("vault"), &keys).unwrap();

    // a real 40 MiB multi-frame object; an entry whose header says 9 MiB and which inflates to
    // 64 MiB; an honest 96 MiB entry that is a bare data set without an image
    let big = phantom::cine(160, 512, 512).unwrap();
    let big_len = big.len();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("DICOM/CINE", stored).unwrap();
    w.write_all(&big).unwrap();
    drop(big);
    w.start_file("LIES-ENTRY", deflated).unwrap();
    w.write_all(&filler(64 * MIB, 7)).unwrap();
    // a bare data set (explicit VR little endian) with no pixel data and one 96 MiB private
    // element: a DICOM reader that reads a header whole would read all of it
    let mut large = b"\x08\x00\x05\x00CS\x0a\x00ISO_IR 100\x09\x00\x10\x10OB\x00\x00".to_vec();
    large.extend_from_slice(&((96 * MIB) as u32).to_le_bytes());
    large.extend_from_slice(&filler(96 * MIB, 11));
    w.start_file("LARGE-ENTRY", deflated).unwrap();
    w.write_all(&large).unwrap();
    drop(large);
    let mut bytes = w.finish().unwrap().into_inner();
    let at = find(&bytes, b"LIES-ENTRY");
    assert_eq!(
        at.len(),
        2,
        "the local header and the central directory record"
    );
    let (local, central) = (at[0] - 30, at[1] - 46);
    assert_eq!(&bytes[local..local + 4], b"PK\x03\x04");
    assert_eq!(&bytes[central..central + 4], b"PK\x01\x02");
    let declared = (9 * MIB) as u32;
    bytes[local + 22..local + 26].copy_from_slice(&declared.to_le_bytes());
    bytes[central + 24..central + 28].copy_from_slice(&declared.to_le_bytes());
    let zip_len = bytes.len();
    let path = root.join("from-the-clinic.zip");
    std::fs::write(&path, &bytes).unwrap();
    drop(bytes);

    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let sum = import(&vault, &[Source::Path(path)], &Silent, &CancelToken::new()).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - base;
    let inflated = big_len + 64 * MIB + 96 * MIB;
    eprintln!(
        "zip of {:.1} MiB, entries inflating to {:.1} MiB (the largest real one {:.1} MiB): \
         peak heap during the import {:.1} MiB above the {:.1} MiB before it",
        zip_len as f64 / MIB as f64,
        inflated as f64 / MIB as f64,
        big_len as f64 / MIB as f64,
        peak as f64 / MIB as f64,
        base as f64 / MIB as f64,
    );
    assert_eq!(sum.instances_added, 1, "{sum:#?}");
    let err = |name: &str| {
        sum.errors
            .iter()
            .find(|e| e.path.ends_with(name))
            .map(|e| e.error.clone())
            .unwrap_or_default()
    };
    assert!(
        err("LIES-ENTRY").contains("more than its header says"),
        "{sum:#?}"
    );
    // no DICOM magic, and too large a header to read: skipped as not DICOM (with the magic it
    // would be a file error)
    assert_eq!(sum.skipped, 1, "{sum:#?}");
    assert_eq!(sum.errors.len(), 1, "{sum:#?}");
    assert!(
        peak < 24 * MIB,
        "the import held {:.1} MiB at its peak",
        peak as f64 / MIB as f64
    );
    // the stored object is the one given, read back from the vault
    let study = vault.studies().unwrap()[0].id.clone();
    let series = vault.series(&study).unwrap()[0].id.clone();
    assert!(!series.is_empty());
    std::fs::remove_dir_all(&root).ok();
}
