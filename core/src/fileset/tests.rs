use super::*;

const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
use crate::phantom::{self, PhantomSpec};

fn slice() -> Vec<u8> {
    let spec = PhantomSpec {
        slices: 2,
        size: 8,
        seed: 3,
    };
    phantom::ct_slice(spec, 1).unwrap()
}

#[test]
fn elements_are_padded_and_long_vrs_get_32_bit_lengths() {
    let mut b = Vec::new();
    put(&mut b, (0x0002, 0x0010), b"UI", b"1.2.3");
    assert_eq!(b, b"\x02\x00\x10\x00UI\x06\x001.2.3\0");
    b.clear();
    put(&mut b, (0x0004, 0x1430), b"CS", b"IMAGE");
    assert_eq!(&b[6..], b"\x06\x00IMAGE ");
    b.clear();
    put(&mut b, (0x0002, 0x0001), b"OB", &[0, 1]);
    assert_eq!(b, b"\x02\x00\x01\x00OB\0\0\x02\0\0\0\0\x01");
}

#[test]
fn every_wrapping_becomes_a_part10_file_with_the_data_set_unchanged() {
    let p10 = slice();
    let meta_end = crate::dicom::end_of_meta(&p10, 132).unwrap();
    let data_set = p10[meta_end..].to_vec();
    // as stored: Part 10 with a non-zero preamble (zeroed at import, zeroed again here)
    let mut stored = p10.clone();
    stored[..4].copy_from_slice(b"MZ\x90\0");
    let f = prepare(&mut stored).unwrap();
    assert!(!f.meta_written && f.prefix.is_empty() && f.body_start == 0);
    assert_eq!(stored, p10);
    // no preamble, no magic: the file's meta group is kept
    let mut no_preamble = p10[128..].to_vec();
    let f = prepare(&mut no_preamble).unwrap();
    assert_eq!([f.prefix.as_slice(), &no_preamble].concat(), p10);
    let mut no_magic = p10[132..].to_vec();
    let f = prepare(&mut no_magic).unwrap();
    assert!(!f.meta_written);
    assert_eq!([f.prefix.as_slice(), &no_magic].concat(), p10);
    // a bare data set gets a meta group naming it
    let mut bare = data_set.clone();
    let f = prepare(&mut bare).unwrap();
    assert!(f.meta_written);
    let file = [f.prefix.as_slice(), &bare[f.body_start..]].concat();
    assert!(file.ends_with(&data_set));
    let meta = FileMetaTable::from_reader(&file[128..]).unwrap();
    assert_eq!(clean(meta.transfer_syntax()), EXPLICIT_LE);
    assert_eq!(
        clean(meta.media_storage_sop_class_uid()),
        "1.2.840.10008.5.1.4.1.1.2"
    );
    assert_eq!(clean(meta.media_storage_sop_instance_uid()), f.sop_instance);
    assert!(parse(&file, ReadDepth::Full).is_ok());
    // a meta group without its Transfer Syntax UID is replaced, the data set kept
    let mut broken = b"DICM".to_vec();
    let mut group = Vec::new();
    put(&mut group, (0x0002, 0x0001), b"OB", &[0, 1]);
    put(
        &mut group,
        (0x0002, 0x0002),
        b"UI",
        b"1.2.840.10008.5.1.4.1.1.2",
    );
    put(
        &mut broken,
        (0x0002, 0x0000),
        b"UL",
        &(group.len() as u32).to_le_bytes(),
    );
    broken.extend_from_slice(&group);
    broken.extend_from_slice(&data_set);
    let f = prepare(&mut broken).unwrap();
    assert!(f.meta_written);
    assert_eq!(&broken[f.body_start..], &data_set[..]);
    assert_eq!(f.transfer_syntax, EXPLICIT_LE);
}

#[test]
fn readme_names_no_patient() {
    let r = readme();
    assert!(r.contains("DICOMDIR") && r.contains("\r\n") && r.is_ascii());
}
