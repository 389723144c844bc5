//! Export of a study as a DICOM File-set (folder and zip): the layout, the DICOMDIR read with
//! dicom-rs and walked by its offsets, and the round trip (export, re-import into a fresh vault,
//! compare every instance byte for byte; export again, compare every file).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use dicom_core::{DataElement, PrimitiveValue, VR};
use dicom_dictionary_std::tags;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::{InMemDicomObject, OpenFileOptions};
use scanpass_core::export::{export_study, ExportFormat, ExportListener};
use scanpass_core::import::{import, CancelToken, Silent, Source};
use scanpass_core::phantom::{self, PhantomSpec};
use scanpass_core::vault::{PassphraseKeyStore, Vault};
use scanpass_core::Error;

const IMPLICIT_LE: &str = "1.2.840.10008.1.2";
const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sp-export-{tag}-{}-{}",
        std::process::id(),
        hex::encode(rand::random::<[u8; 6]>())
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn new_vault(tag: &str) -> (PathBuf, Vault) {
    let dir = temp_dir(tag);
    let keys = PassphraseKeyStore::new(&dir, "test passphrase").with_cost(1024, 1);
    let vault = Vault::create(&dir, &keys).unwrap();
    (dir, vault)
}

/// How a stored file is wrapped (the import keeps what it is given).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Wrapping {
    /// Preamble, `DICM`, meta group, data set.
    Part10,
    /// `DICM`, meta group, data set.
    NoPreamble,
    /// Meta group and data set.
    NoMagic,
    /// A bare implicit VR little endian data set (ACR-NEMA style).
    Bare,
}

/// One series of the test study: phantom slices re-identified as series `k`.
struct SeriesSpec {
    k: u32,
    slices: u32,
    wrapping: Wrapping,
    description: &'static str,
    charset: Option<&'static str>,
    /// Drop Series Number and Instance Number (the DICOMDIR must still have them).
    unnumbered: bool,
}

const SERIES: [SeriesSpec; 4] = [
    SeriesSpec {
        k: 1,
        slices: 5,
        wrapping: Wrapping::Part10,
        description: "Axial tête (généré)",
        charset: None, // the phantom's ISO_IR 192
        unnumbered: false,
    },
    SeriesSpec {
        k: 2,
        slices: 3,
        wrapping: Wrapping::NoPreamble,
        description: "Coronal Kopf ähnlich",
        charset: Some("ISO_IR 100"),
        unnumbered: false,
    },
    SeriesSpec {
        k: 3,
        slices: 4,
        wrapping: Wrapping::Bare,
        description: "Bare data sets",
        charset: None,
        unnumbered: false,
    },
    SeriesSpec {
        k: 4,
        slices: 2,
        wrapping: Wrapping::NoMagic,
        description: "Unnumbered",
        charset: None,
        unnumbered: true,
    },
];

fn text(obj: &InMemDicomObject, tag: dicom_core::Tag) -> String {
    obj.element_opt(tag)
        .ok()
        .flatten()
        .and_then(|e| e.to_str().ok().map(|s| s.to_string()))
        .unwrap_or_default()
        .trim_end_matches(['\0', ' '])
        .to_string()
}

/// The files of one series, as the patient received them.
fn series_files(spec: &SeriesSpec) -> Vec<Vec<u8>> {
    let files = phantom::ct_series(PhantomSpec {
        slices: spec.slices,
        size: 16,
        seed: 42,
    })
    .unwrap();
    files
        .iter()
        .map(|f| {
            let file = OpenFileOptions::new()
                .read_preamble(dicom_object::file::ReadPreamble::Never)
                .from_reader(&f[128..])
                .unwrap();
            let mut ds: InMemDicomObject = file.into_inner();
            let series = format!("{}.{}", text(&ds, tags::SERIES_INSTANCE_UID), spec.k);
            let sop = format!("{}.{}", text(&ds, tags::SOP_INSTANCE_UID), spec.k);
            let s = |v: &str| PrimitiveValue::from(v.to_string());
            ds.put(DataElement::new(
                tags::SERIES_INSTANCE_UID,
                VR::UI,
                s(&series),
            ));
            ds.put(DataElement::new(tags::SOP_INSTANCE_UID, VR::UI, s(&sop)));
            ds.put(DataElement::new(
                tags::SERIES_NUMBER,
                VR::IS,
                s(&spec.k.to_string()),
            ));
            ds.put(DataElement::new(
                tags::SERIES_DESCRIPTION,
                VR::LO,
                s(spec.description),
            ));
            if let Some(cs) = spec.charset {
                ds.put(DataElement::new(
                    tags::SPECIFIC_CHARACTER_SET,
                    VR::CS,
                    s(cs),
                ));
            }
            if spec.unnumbered {
                ds.remove_element(tags::SERIES_NUMBER);
                ds.remove_element(tags::INSTANCE_NUMBER);
            }
            if spec.wrapping == Wrapping::Bare {
                let mut out = Vec::new();
                ds.write_dataset_with_ts(
                    &mut out,
                    &dicom_transfer_syntax_registry::entries::IMPLICIT_VR_LITTLE_ENDIAN.erased(),
                )
                .unwrap();
                return out;
            }
            let meta = FileMetaTableBuilder::new()
                .media_storage_sop_class_uid("1.2.840.10008.5.1.4.1.1.2")
                .media_storage_sop_instance_uid(sop)
                .transfer_syntax(EXPLICIT_LE)
                .implementation_class_uid(scanpass_core::dicom::IMPLEMENTATION_CLASS_UID)
                .build()
                .unwrap();
            let mut out = Vec::new();
            ds.with_exact_meta(meta).write_all(&mut out).unwrap();
            assert_eq!(&out[128..132], b"DICM");
            match spec.wrapping {
                Wrapping::Part10 => out,
                Wrapping::NoPreamble => out[128..].to_vec(),
                Wrapping::NoMagic => out[132..].to_vec(),
                Wrapping::Bare => unreachable!(),
            }
        })
        .collect()
}

/// A vault holding one study of four series, one per wrapping. Returns the vault, its study id
/// and the wrapping of each SOP Instance UID.
fn study_vault() -> (PathBuf, Vault, String, HashMap<String, Wrapping>) {
    let src = temp_dir("src");
    let mut wrapping = HashMap::new();
    for spec in &SERIES {
        for (i, f) in series_files(spec).iter().enumerate() {
            std::fs::write(src.join(format!("s{}_{i}", spec.k)), f).unwrap();
            let sop = format!("{}.{}", phantom_sop(spec.slices, i as u32), spec.k);
            wrapping.insert(sop, spec.wrapping);
        }
    }
    let (dir, vault) = new_vault("a");
    let s = import(
        &vault,
        &[Source::Path(src.clone())],
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!((s.studies, s.series, s.instances_added), (1, 4, 14));
    std::fs::remove_dir_all(&src).ok();
    let study = vault.studies().unwrap()[0].id.clone();
    (dir, vault, study, wrapping)
}

fn phantom_sop(slices: u32, i: u32) -> String {
    let f = phantom::ct_slice(
        PhantomSpec {
            slices,
            size: 16,
            seed: 42,
        },
        i,
    )
    .unwrap();
    let obj = scanpass_core::dicom::parse(&f, scanpass_core::dicom::ReadDepth::HeaderOnly).unwrap();
    text(&obj, tags::SOP_INSTANCE_UID)
}

/// SOP Instance UID → stored bytes, for every instance of every study of a vault.
fn stored(vault: &Vault) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    for study in vault.studies().unwrap() {
        for s in vault.series(&study.id).unwrap() {
            for i in scanpass_core::library::instances(vault, &s.id).unwrap() {
                let bytes = vault.read_instance(&study.id, &i.id).unwrap().to_vec();
                let obj = scanpass_core::dicom::parse(
                    &bytes,
                    scanpass_core::dicom::ReadDepth::HeaderOnly,
                )
                .unwrap();
                all.insert(text(&obj, tags::SOP_INSTANCE_UID), bytes);
            }
        }
    }
    all
}

/// Relative path ('/'-separated) → bytes, for every file under `root`.
fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap();
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Byte offsets of the items of the Directory Record Sequence, found by walking the DICOMDIR's
/// elements (explicit VR little endian) the way a reader does.
fn record_offsets(bytes: &[u8]) -> Vec<u32> {
    assert_eq!(&bytes[128..132], b"DICM");
    let mut pos = 132;
    let u16_at = |p: usize| u16::from_le_bytes([bytes[p], bytes[p + 1]]);
    let u32_at = |p: usize| u32::from_le_bytes(bytes[p..p + 4].try_into().unwrap());
    loop {
        let (group, elem) = (u16_at(pos), u16_at(pos + 2));
        let vr = &bytes[pos + 4..pos + 6];
        let long = matches!(vr, b"OB" | b"OW" | b"SQ" | b"UN" | b"UT" | b"UC" | b"UR");
        let (hdr, len) = if long {
            (12, u32_at(pos + 8))
        } else {
            (8, u16_at(pos + 6) as u32)
        };
        if (group, elem) == (0x0004, 0x1220) {
            let mut p = pos + hdr;
            let mut items = Vec::new();
            let end = if len == u32::MAX {
                usize::MAX
            } else {
                p + len as usize
            };
            while p < end {
                let (g, e, l) = (u16_at(p), u16_at(p + 2), u32_at(p + 4));
                if (g, e) == (0xFFFE, 0xE0DD) {
                    break;
                }
                assert_eq!((g, e), (0xFFFE, 0xE000), "an item at {p}");
                assert_ne!(l, u32::MAX, "records are written with defined lengths");
                items.push(p as u32);
                p += 8 + l as usize;
            }
            return items;
        }
        assert_ne!(
            len,
            u32::MAX,
            "no undefined length before the record sequence"
        );
        pos += hdr + len as usize;
    }
}

fn ul(obj: &InMemDicomObject, tag: dicom_core::Tag) -> u32 {
    obj.element(tag).unwrap().to_int::<u32>().unwrap()
}

/// The records of a chain of siblings starting at `first`, following Offset of the Next
/// Directory Record.
fn chain<'a>(
    first: u32,
    by_offset: &HashMap<u32, &'a InMemDicomObject>,
    visited: &mut HashSet<u32>,
) -> Vec<&'a InMemDicomObject> {
    let mut out = Vec::new();
    let mut at = first;
    while at != 0 {
        assert!(visited.insert(at), "record at {at} reached twice");
        let rec = by_offset
            .get(&at)
            .unwrap_or_else(|| panic!("offset {at} is not a record"));
        out.push(*rec);
        at = ul(rec, tags::OFFSET_OF_THE_NEXT_DIRECTORY_RECORD);
    }
    out
}

/// Check a file-set folder: names, README, DICOMDIR records and offsets, referenced files.
/// Returns SOP Instance UID → the exported file's bytes.
fn check_fileset(root: &Path, wrapping: &HashMap<String, Wrapping>) -> HashMap<String, Vec<u8>> {
    let files = files_under(root);
    // names: DICOMDIR, README.TXT, and DICOM/ components of 8 characters at most, A-Z 0-9 _
    for name in files.keys() {
        if name == "DICOMDIR" || name == "README.TXT" {
            continue;
        }
        let parts: Vec<&str> = name.split('/').collect();
        assert_eq!(parts[0], "DICOM", "{name}");
        assert!(parts.len() <= 8);
        for p in &parts {
            assert!(
                !p.is_empty()
                    && p.len() <= 8
                    && p.bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{name}"
            );
        }
    }
    assert_eq!(files.len(), 2 + wrapping.len());
    let readme = String::from_utf8(files["README.TXT"].clone()).unwrap();
    assert!(readme.contains("DICOMDIR"));
    for secret in [
        phantom::PATIENT_NAME,
        phantom::PATIENT_ID,
        "Phantom",
        "19700101",
        "2.25.",
    ] {
        assert!(!readme.contains(secret), "README.TXT names {secret}");
    }

    // the DICOMDIR through dicom-rs
    let bytes = &files["DICOMDIR"];
    assert!(bytes[..128].iter().all(|&b| b == 0));
    let dir = dicom_object::open_file(root.join("DICOMDIR")).unwrap();
    assert_eq!(
        dir.meta()
            .media_storage_sop_class_uid()
            .trim_end_matches('\0'),
        "1.2.840.10008.1.3.10"
    );
    assert_eq!(
        dir.meta().transfer_syntax().trim_end_matches('\0'),
        EXPLICIT_LE
    );
    assert_eq!(ul(&dir, tags::FILE_SET_CONSISTENCY_FLAG), 0);
    let records = dir
        .element(tags::DIRECTORY_RECORD_SEQUENCE)
        .unwrap()
        .items()
        .unwrap();
    assert_eq!(records.len(), 1 + 1 + SERIES.len() + wrapping.len());
    let offsets = record_offsets(bytes);
    assert_eq!(offsets.len(), records.len());
    let by_offset: HashMap<u32, &InMemDicomObject> =
        offsets.iter().copied().zip(records.iter()).collect();

    // walk the tree by its offsets; every record is reached exactly once
    let first = ul(
        &dir,
        tags::OFFSET_OF_THE_FIRST_DIRECTORY_RECORD_OF_THE_ROOT_DIRECTORY_ENTITY,
    );
    let last = ul(
        &dir,
        tags::OFFSET_OF_THE_LAST_DIRECTORY_RECORD_OF_THE_ROOT_DIRECTORY_ENTITY,
    );
    assert_eq!((first, last), (offsets[0], offsets[0]));
    let mut visited = HashSet::new();
    let kind = |r: &InMemDicomObject| text(r, tags::DIRECTORY_RECORD_TYPE);
    let lower =
        |r: &InMemDicomObject| ul(r, tags::OFFSET_OF_REFERENCED_LOWER_LEVEL_DIRECTORY_ENTITY);
    let patients = chain(first, &by_offset, &mut visited);
    assert_eq!(patients.len(), 1);
    let patient = patients[0];
    assert_eq!(kind(patient), "PATIENT");
    assert_eq!(text(patient, tags::PATIENT_ID), phantom::PATIENT_ID);
    assert_eq!(text(patient, tags::PATIENT_NAME), phantom::PATIENT_NAME);
    let studies = chain(lower(patient), &by_offset, &mut visited);
    assert_eq!(studies.len(), 1);
    let study = studies[0];
    assert_eq!(kind(study), "STUDY");
    for key in [
        tags::STUDY_DATE,
        tags::STUDY_TIME,
        tags::STUDY_INSTANCE_UID,
        tags::STUDY_ID,
    ] {
        assert!(!text(study, key).is_empty(), "{key}");
    }
    assert_eq!(text(study, tags::STUDY_DATE), "20260115");
    assert!(study.element_opt(tags::ACCESSION_NUMBER).unwrap().is_some());
    let series = chain(lower(study), &by_offset, &mut visited);
    assert_eq!(series.len(), SERIES.len());
    let mut exported = HashMap::new();
    for (si, (rec, spec)) in series.iter().zip(&SERIES).enumerate() {
        assert_eq!(kind(rec), "SERIES");
        assert_eq!(text(rec, tags::MODALITY), "CT");
        assert_eq!(
            text(rec, tags::SERIES_NUMBER),
            spec.k.to_string(),
            "made up when absent"
        );
        assert_eq!(text(rec, tags::SERIES_DESCRIPTION), spec.description);
        let charset = text(rec, tags::SPECIFIC_CHARACTER_SET);
        match spec.k {
            1 => assert_eq!(charset, "ISO_IR 192"),
            2 => assert_eq!(charset, "ISO_IR 100"),
            _ => assert_eq!(charset, "", "no character set for ASCII keys"),
        }
        let images = chain(lower(rec), &by_offset, &mut visited);
        assert_eq!(images.len() as u32, spec.slices);
        for (ii, img) in images.iter().enumerate() {
            assert_eq!(kind(img), "IMAGE");
            assert_eq!(lower(img), 0);
            assert_eq!(text(img, tags::INSTANCE_NUMBER), (ii + 1).to_string());
            let id = img
                .element(tags::REFERENCED_FILE_ID)
                .unwrap()
                .to_multi_str()
                .unwrap();
            let id: Vec<String> = id.iter().map(|s| s.trim().to_string()).collect();
            assert_eq!(
                id,
                [
                    "DICOM",
                    "PT000000",
                    "ST000000",
                    &format!("SE{si:06}"),
                    &format!("IM{ii:06}")
                ]
            );
            let rel = id.join("/");
            let file = files.get(&rel).unwrap_or_else(|| panic!("{rel} missing"));
            assert!(file[..128].iter().all(|&b| b == 0), "preamble zeroed");
            assert_eq!(&file[128..132], b"DICM");
            let obj = dicom_object::open_file(id.iter().fold(root.to_path_buf(), |p, c| p.join(c)))
                .unwrap();
            let sop = text(img, tags::REFERENCED_SOP_INSTANCE_UID_IN_FILE);
            assert_eq!(
                obj.meta()
                    .media_storage_sop_instance_uid()
                    .trim_end_matches('\0'),
                sop
            );
            assert_eq!(text(&obj, tags::SOP_INSTANCE_UID), sop);
            assert_eq!(
                text(img, tags::REFERENCED_SOP_CLASS_UID_IN_FILE),
                "1.2.840.10008.5.1.4.1.1.2"
            );
            let ts = text(img, tags::REFERENCED_TRANSFER_SYNTAX_UID_IN_FILE);
            assert_eq!(obj.meta().transfer_syntax().trim_end_matches('\0'), ts);
            let want_ts = if wrapping[&sop] == Wrapping::Bare {
                IMPLICIT_LE
            } else {
                EXPLICIT_LE
            };
            assert_eq!(ts, want_ts);
            exported.insert(sop, file.clone());
        }
    }
    assert_eq!(visited.len(), records.len());
    exported
}

/// A listener that cancels after `after` files.
struct CancelAfter {
    after: u64,
    token: CancelToken,
    calls: AtomicU64,
}

impl ExportListener for CancelAfter {
    fn on_progress(&self, done: u64, _: u64) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if done >= self.after {
            self.token.cancel();
        }
    }
}

#[test]
fn export_round_trip_folder_and_zip() {
    let (dir_a, a, study, wrapping) = study_vault();
    let out = temp_dir("out");
    let folder = out.join("cd");
    let zip = out.join("study.zip");
    let s = export_study(
        &a,
        &study,
        &folder,
        ExportFormat::Folder,
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!((s.series, s.instances, s.meta_groups_written), (4, 14, 4));
    export_study(
        &a,
        &study,
        &zip,
        ExportFormat::Zip,
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["cd", "study.zip"],
        "no temporary left beside the targets"
    );

    let exported = check_fileset(&folder, &wrapping);

    // the stored instances, and what the export made of each
    let originals = stored(&a);
    assert_eq!(originals.len(), 14);
    for (sop, orig) in &originals {
        let file = &exported[sop];
        match wrapping[sop] {
            Wrapping::Part10 => assert_eq!(file, orig),
            Wrapping::NoPreamble => assert_eq!(file, &[&[0u8; 128][..], orig].concat()),
            Wrapping::NoMagic => assert_eq!(file, &[&[0u8; 128][..], b"DICM", orig].concat()),
            Wrapping::Bare => {
                assert!(file.ends_with(orig), "the data set is kept byte for byte");
                let meta = dicom_object::meta::FileMetaTable::from_reader(&file[128..]).unwrap();
                assert_eq!(meta.transfer_syntax().trim_end_matches('\0'), IMPLICIT_LE);
                assert_eq!(
                    meta.media_storage_sop_instance_uid().trim_end_matches('\0'),
                    sop
                );
            }
        }
    }

    // re-import the folder into a fresh vault: every instance stored is the exported file
    let (dir_b, b) = new_vault("b");
    let s = import(
        &b,
        &[Source::Path(folder.clone())],
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!((s.studies, s.series, s.instances_added), (1, 4, 14));
    let again = stored(&b);
    assert_eq!(again.len(), 14);
    for (sop, bytes) in &again {
        assert_eq!(bytes, &exported[sop], "re-imported instance differs");
    }

    // export the re-imported study: the same files, byte for byte
    let folder2 = out.join("cd2");
    let study_b = b.studies().unwrap()[0].id.clone();
    let s2 = export_study(
        &b,
        &study_b,
        &folder2,
        ExportFormat::Folder,
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(
        s2.meta_groups_written, 0,
        "every file now has its meta group"
    );
    let (f1, f2) = (files_under(&folder), files_under(&folder2));
    assert_eq!(f1.keys().collect::<Vec<_>>(), f2.keys().collect::<Vec<_>>());
    for (name, bytes) in &f1 {
        if name == "DICOMDIR" {
            // the DICOMDIR differs only in its own random instance UID, in the meta group
            assert_eq!(bytes.len(), f2[name].len());
            let meta_end = 144 + u32::from_le_bytes(bytes[140..144].try_into().unwrap()) as usize;
            assert_eq!(bytes[meta_end..], f2[name][meta_end..]);
        } else {
            assert_eq!(bytes, &f2[name], "{name}");
        }
    }

    // the zip holds the same files
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut in_zip = BTreeMap::new();
    for i in 0..archive.len() {
        let mut e = archive.by_index(i).unwrap();
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut v).unwrap();
        in_zip.insert(e.name().to_string(), v);
    }
    assert_eq!(
        in_zip.keys().collect::<Vec<_>>(),
        f1.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &in_zip {
        if name != "DICOMDIR" {
            assert_eq!(bytes, &f1[name], "{name}");
        }
    }
    // ... and imports to the same instances
    let (dir_c, c) = new_vault("c");
    let s = import(
        &c,
        &[Source::Path(zip.clone())],
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(s.errors.is_empty(), "{:?}", s.errors);
    assert_eq!(s.instances_added, 14);
    assert_eq!(stored(&c), again);

    for d in [dir_a, dir_b, dir_c, out] {
        std::fs::remove_dir_all(d).ok();
    }
}

#[test]
fn export_into_an_existing_folder_refusals_and_cancel() {
    let (dir, vault, study, wrapping) = study_vault();
    let out = temp_dir("usb");
    // a USB stick with something on it already
    std::fs::write(out.join("photo.jpg"), b"not ours").unwrap();
    export_study(
        &vault,
        &study,
        &out,
        ExportFormat::Folder,
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["DICOM", "DICOMDIR", "README.TXT", "photo.jpg"]);
    std::fs::remove_file(out.join("photo.jpg")).unwrap();
    check_fileset(&out, &wrapping);
    let before = files_under(&out);

    // a folder that already holds a file-set is left alone
    let e = export_study(
        &vault,
        &study,
        &out,
        ExportFormat::Folder,
        &Silent,
        &CancelToken::new(),
    );
    assert!(matches!(e, Err(Error::InvalidArgument(_))), "{e:?}");
    assert_eq!(files_under(&out), before);
    // so is an existing zip (or any file)
    let zip = out.join("DICOMDIR");
    let e = export_study(
        &vault,
        &study,
        &zip,
        ExportFormat::Zip,
        &Silent,
        &CancelToken::new(),
    );
    assert!(matches!(e, Err(Error::InvalidArgument(_))), "{e:?}");
    assert_eq!(files_under(&out), before);
    // an unknown study
    let e = export_study(
        &vault,
        "nope",
        &out.join("x"),
        ExportFormat::Folder,
        &Silent,
        &CancelToken::new(),
    );
    assert!(matches!(e, Err(Error::NotFound(_))), "{e:?}");

    // cancelled half-way: an error, and nothing left, in a new folder, a zip or an existing folder
    let parent = temp_dir("cancel");
    let existing = parent.join("stick");
    std::fs::create_dir(&existing).unwrap();
    for (target, format) in [
        (parent.join("new"), ExportFormat::Folder),
        (parent.join("new.zip"), ExportFormat::Zip),
        (existing.clone(), ExportFormat::Folder),
    ] {
        let token = CancelToken::new();
        let listener = CancelAfter {
            after: 3,
            token: token.clone(),
            calls: AtomicU64::new(0),
        };
        let e = export_study(&vault, &study, &target, format, &listener, &token);
        assert!(matches!(e, Err(Error::Cancelled)), "{e:?}");
        assert_eq!(listener.calls.load(Ordering::Relaxed), 3);
        let mut left: Vec<String> = std::fs::read_dir(&parent)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["stick"], "{target:?}");
        assert_eq!(std::fs::read_dir(&existing).unwrap().count(), 0);
    }
    for d in [dir, out, parent] {
        std::fs::remove_dir_all(d).ok();
    }
}
