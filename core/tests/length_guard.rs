//! The length guard before dicom-rs: inputs whose elements claim gigabytes give a typed error, and
//! nothing asks the allocator for anything near what they claim. The inputs are built here; the
//! first reproduces the open finding of the `decode` fuzz target (fuzz/findings/README.md): a
//! bare explicit VR little endian data set, reached through a meta group dicom-rs refuses, whose
//! encapsulated pixel data holds no fragment, followed by an OB element claiming 3.2 GB. The walk
//! stopped at the pixel data and looked no further when there was no fragment; dicom-rs read on
//! and reserved the 3.2 GB.
//!
//! The allocator below records the largest request of the whole test process (the other test
//! here allocates little).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use scanpass_core::dicom::{parse, DicomImage, ReadDepth};
use scanpass_core::Error;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, recording the largest request and refusing any over 1 GiB (as the fuzz
/// targets' cap does), so that a regression fails this test instead of the machine.
struct Recording;

const REFUSE_OVER: usize = 1 << 30;

// SAFETY: forwards to the system allocator, or returns null, which GlobalAlloc allows.
#[allow(unsafe_code)] // a recording allocator is the only way to see the largest allocation
unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        if layout.size() > REFUSE_OVER {
            return std::ptr::null_mut();
        }
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        if layout.size() > REFUSE_OVER {
            return std::ptr::null_mut();
        }
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        if new_size > REFUSE_OVER {
            return std::ptr::null_mut();
        }
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Recording = Recording;

const CLAIM: u32 = 3_200_000_000;

/// An explicit VR little endian element.
fn el(group: u16, element: u16, vr: &[u8; 2], value: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&group.to_le_bytes());
    v.extend_from_slice(&element.to_le_bytes());
    v.extend_from_slice(vr);
    if matches!(vr, b"OB" | b"OW" | b"SQ" | b"UN" | b"UT") {
        v.extend_from_slice(&[0, 0]);
        v.extend_from_slice(&(value.len() as u32).to_le_bytes());
    } else {
        v.extend_from_slice(&(value.len() as u16).to_le_bytes());
    }
    v.extend_from_slice(value);
    v
}

/// An item-group header (no VR): item, item delimiter, sequence delimiter.
fn item_tag(element: u16, length: u32) -> Vec<u8> {
    let mut v = vec![0xFE, 0xFF];
    v.extend_from_slice(&element.to_le_bytes());
    v.extend_from_slice(&length.to_le_bytes());
    v
}

/// An OB element whose length claims `CLAIM` bytes, followed by a few bytes only.
fn huge_ob(group: u16, element: u16) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&group.to_le_bytes());
    v.extend_from_slice(&element.to_le_bytes());
    v.extend_from_slice(b"OB\0\0");
    v.extend_from_slice(&CLAIM.to_le_bytes());
    v.extend_from_slice(&[0; 16]);
    v
}

/// The start of a small secondary-capture data set.
fn header() -> Vec<u8> {
    let mut d = el(0x0008, 0x0016, b"UI", b"1.2.840.10008.5.1.4.1.1.7\0");
    d.extend(el(0x0028, 0x0010, b"US", &4u16.to_le_bytes()));
    d.extend(el(0x0028, 0x0011, b"US", &4u16.to_le_bytes()));
    d
}

/// Preamble, `DICM` and a meta group that dicom-rs refuses (no group length, no transfer syntax):
/// the data set after it is then recognised as explicit VR little endian.
fn part10_without_group_length(dataset: &[u8]) -> Vec<u8> {
    let mut f = vec![0u8; 128];
    f.extend_from_slice(b"DICM");
    f.extend(el(0x0002, 0x0001, b"OB", &[0, 1]));
    f.extend(el(0x0002, 0x0002, b"UI", b"1.2.840.10008.5.1.4.1.1.7\0"));
    f.extend_from_slice(dataset);
    f
}

fn assert_refused(name: &str, bytes: &[u8]) {
    LARGEST.store(0, Ordering::Relaxed);
    for depth in [ReadDepth::Full, ReadDepth::HeaderOnly] {
        match parse(bytes, depth) {
            Err(Error::NotDicom(_) | Error::BadPixelData(_)) => {}
            // a header read stops before the pixel data and may well succeed
            Ok(_) if depth == ReadDepth::HeaderOnly => {}
            other => panic!("{name} ({depth:?}): {:?}", other.map(|_| ())),
        }
    }
    let _ = DicomImage::from_bytes(bytes.to_vec()).and_then(|img| img.decode_frame(0).map(|_| ()));
    let largest = LARGEST.load(Ordering::Relaxed);
    assert!(
        largest < 64 << 20,
        "{name}: an allocation of {largest} bytes was attempted"
    );
}

#[test]
fn elements_claiming_gigabytes_are_refused_without_allocating_them() {
    // encapsulated pixel data with an empty offset table and no fragment, then the huge element:
    // the decode fuzz target's open finding
    let mut no_fragment = header();
    no_fragment.extend(el(0x7FE0, 0x0010, b"OB", &[]));
    let at = no_fragment.len() - 4;
    no_fragment[at..].copy_from_slice(&u32::MAX.to_le_bytes()); // undefined length
    no_fragment.extend(item_tag(0xE000, 0));
    no_fragment.extend(item_tag(0xE0DD, 0));
    no_fragment.extend(huge_ob(0x7FE1, 0x0010));
    assert_refused(
        "no fragment, through the lenient meta group",
        &part10_without_group_length(&no_fragment),
    );
    assert_refused("no fragment, bare data set", &no_fragment);

    // the same without even the offset table item
    let mut empty = header();
    empty.extend(el(0x7FE0, 0x0010, b"OB", &[]));
    let at = empty.len() - 4;
    empty[at..].copy_from_slice(&u32::MAX.to_le_bytes());
    empty.extend(item_tag(0xE0DD, 0));
    empty.extend(huge_ob(0x7FE1, 0x0010));
    assert_refused("empty pixel sequence", &empty);

    // a second pixel data element after the first: everything after the first is read too
    let mut second = header();
    second.extend(el(0x7FE0, 0x0010, b"OB", &[0; 32]));
    second.extend(el(0x7FE0, 0x0010, b"OB", &[0; 4]));
    second.extend(huge_ob(0x7FE1, 0x0010));
    assert_refused("after a second pixel data element", &second);

    // an item delimiter outside any item, claiming a length: dicom-rs steps over its 8 bytes
    // and reads the element the length would have hidden from the walk
    let mut stray = header();
    stray.extend(item_tag(0xE00D, 16));
    stray.extend(huge_ob(0x0009, 0x1010));
    assert_refused("stray item delimiter", &part10_without_group_length(&stray));
    assert_refused("stray item delimiter, bare", &stray);

    // a binary-number element whose length is not a whole number of values: dicom-rs takes only
    // the whole values (none of a 2-byte UL) and reads the next header from there, where an OB
    // claims 3.2 GB; the length says 2 bytes further on, where a short CS sits (image fuzz target)
    let mut ragged = header();
    ragged.extend_from_slice(&[0x28, 0x00, 0x02, 0x01, b'U', b'L', 2, 0]);
    ragged.extend_from_slice(&[0x09, 0x00, 0x10, 0x10, b'O', b'B', b'C', b'S']);
    ragged.extend_from_slice(&0xC000_0004u32.to_le_bytes());
    ragged.extend_from_slice(b"AB");
    assert_refused("2-byte UL", &part10_without_group_length(&ragged));
    assert_refused("2-byte UL, bare", &ragged);

    // an undefined-length element that is not pixel data is read by dicom-rs as a sequence, the
    // elements of its defined-length items included (decode fuzz target, 2 GB)
    let mut item = Vec::new();
    item.extend_from_slice(&[0x09, 0x00, 0x10, 0x10, 0xE1, 0x01, 0, 0]); // unknown VR: UN
    item.extend_from_slice(&0x7800_01F4u32.to_le_bytes());
    item.extend_from_slice(&[0; 4]);
    let mut seq = header();
    seq.extend_from_slice(&[0xE0, 0x3F, 0x10, 0x00, b'O', b'B', 0, 0]);
    seq.extend_from_slice(&u32::MAX.to_le_bytes());
    seq.extend(item_tag(0xE000, item.len() as u32));
    seq.extend(item);
    seq.extend(item_tag(0xE0DD, 0));
    assert_refused("element inside a defined-length item", &seq);

    // a meta group element with an unknown VR: dicom-rs reads a 4-byte length (805 MB here) and
    // allocates it before reading; the meta walk read a 2-byte one (decode fuzz target)
    let mut f = vec![0u8; 128];
    f.extend_from_slice(b"DICM");
    let mut meta = el(0x0002, 0x0001, b"OB", &[0, 1]);
    meta.extend_from_slice(&[0x02, 0x00, 0x02, 0x00, b'Z', b'Z', 4, 0]);
    meta.extend_from_slice(&0x3000_0000u32.to_le_bytes());
    meta.extend(el(0x0002, 0x0010, b"UI", b"1.2.840.10008.1.2.1\0"));
    f.extend(el(
        0x0002,
        0x0000,
        b"UL",
        &(meta.len() as u32).to_le_bytes(),
    ));
    f.extend(meta);
    f.extend(header());
    assert_refused("unknown VR in the meta group", &f);
}

#[test]
fn a_meta_group_length_that_disagrees_with_the_elements_does_not_move_the_data_set() {
    // (0002,0000) says 2 bytes where the group holds far more: dicom-rs alone would start the
    // data set inside the meta group; the data set is read from where the meta group really ends
    let mut f = vec![0u8; 128];
    f.extend_from_slice(b"DICM");
    f.extend(el(0x0002, 0x0000, b"UL", &2u32.to_le_bytes()));
    f.extend(el(0x0002, 0x0001, b"OB", &[0, 1]));
    f.extend(el(0x0002, 0x0002, b"UI", b"1.2.840.10008.5.1.4.1.1.7\0"));
    f.extend(el(0x0002, 0x0010, b"UI", b"1.2.840.10008.1.2.1\0"));
    f.extend(header());
    f.extend(el(0x7FE0, 0x0010, b"OB", &[7; 16]));
    let obj = parse(&f, ReadDepth::Full).unwrap();
    let rows = obj
        .element(dicom_dictionary_std::tags::ROWS)
        .unwrap()
        .to_int::<u16>()
        .unwrap();
    assert_eq!(rows, 4);
    assert_eq!(obj.meta().transfer_syntax(), "1.2.840.10008.1.2.1");
}

/// A reader-backed image reads at most what it is allowed whole: a header past the bound is
/// refused with a typed error naming the bound, and the same file opens under a larger one.
#[test]
fn a_bounded_reader_refuses_to_read_a_larger_header_whole() {
    let slice = scanpass_core::phantom::ct_slice(
        scanpass_core::phantom::PhantomSpec {
            slices: 1,
            size: 64,
            seed: 3,
        },
        0,
    )
    .unwrap();
    let small = DicomImage::from_reader_within(Box::new(slice.clone()), 256);
    match small {
        Err(Error::NotDicom(m)) => assert!(m.contains("read whole"), "{m}"),
        other => panic!("read a header over 256 bytes: {:?}", other.map(|_| ())),
    }
    assert!(DicomImage::from_reader_within(Box::new(slice), 1 << 20).is_ok());
}
