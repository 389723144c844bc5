use super::*;
use crate::dicom::{DicomImage, WHOLE_FILE_LIMIT};
use crate::import::{import, CancelToken, ImportEvent, ImportListener, Silent, Source};
use crate::phantom::{self, PhantomSpec};
use crate::render::{self, Voi};

pub(crate) fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sp-{tag}-{}-{}", std::process::id(), new_id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn fast_store(dir: &Path) -> PassphraseKeyStore {
    PassphraseKeyStore::new(dir, "test passphrase").with_cost(1024, 1)
}

/// A CD-like folder: a phantom series with extension-less upper-case names, shuffled, plus the
/// usual non-DICOM passengers.
fn cd_folder(slices: u32, seed: u64) -> PathBuf {
    let cd = temp_dir("cd");
    std::fs::create_dir_all(cd.join("DICOM/ST000001")).unwrap();
    let files = phantom::ct_series(PhantomSpec {
        slices,
        size: 32,
        seed,
    })
    .unwrap();
    for (i, f) in files.iter().enumerate() {
        // reverse order on disk: import must order by geometry, not by name
        let name = format!("IM{:06}", slices as usize - i);
        std::fs::write(cd.join("DICOM/ST000001").join(name), f).unwrap();
    }
    std::fs::write(cd.join("AUTORUN.INF"), "[autorun]\nopen=viewer.exe\n").unwrap();
    std::fs::write(cd.join("VIEWER.EXE"), b"MZ\x90\x00 not a real program").unwrap();
    std::fs::write(cd.join("INDEX.HTM"), "<html>viewer</html>").unwrap();
    cd
}

/// Flip one bit of the file at `path`, at the offset `at` gives for the file's length.
fn flip_byte(path: &Path, at: impl FnOnce(usize) -> usize) {
    let mut b = std::fs::read(path).unwrap();
    let at = at(b.len());
    b[at] ^= 0x40;
    std::fs::write(path, b).unwrap();
}

/// Where a test vault keeps its blobs and its index: the tests of what the vault stores and lists
/// run against both (the folder's files and SQLCipher; memory).
enum Backend {
    Files,
    Memory {
        blobs: Arc<blobs::MemoryBlobStore>,
        index: Arc<index::MemoryIndex>,
    },
}

impl Backend {
    fn both() -> [Backend; 2] {
        [
            Backend::Files,
            Backend::Memory {
                blobs: Arc::new(blobs::MemoryBlobStore::new()),
                index: Arc::new(index::MemoryIndex::new()),
            },
        ]
    }

    fn stores(&self) -> Stores {
        match self {
            Backend::Files => Stores::default(),
            Backend::Memory { blobs, index } => Stores {
                blobs: Some(blobs.clone()),
                index: Some(index.clone()),
            },
        }
    }

    fn create(&self, dir: &Path) -> Vault {
        Vault::create_with_stores(dir, &fast_store(dir), self.stores()).unwrap()
    }

    /// The vault in `dir` opened again (a relaunch), locked.
    fn open(&self, dir: &Path) -> Vault {
        Vault::open_with_stores(dir, self.stores()).unwrap()
    }

    /// [`flip_byte`] of the stored blob `id`.
    fn flip(&self, dir: &Path, id: &BlobId, at: impl FnOnce(usize) -> usize) {
        match self {
            Backend::Files => {
                let files = blobs::FileBlobStore::new(dir.join("blobs")).unwrap();
                flip_byte(&files.path(id), at)
            }
            Backend::Memory { blobs, .. } => assert!(blobs.tamper(id, |b| {
                let at = at(b.len());
                b[at] ^= 0x40;
            })),
        }
    }
}

struct Recorder(Mutex<Vec<ImportEvent>>);
impl ImportListener for Recorder {
    fn on_event(&self, e: &ImportEvent) {
        self.0.lock().unwrap().push(e.clone());
    }
}

#[test]
fn import_a_cd_folder_then_list_order_render_and_dedupe() {
    for backend in Backend::both() {
        let dir = temp_dir("vault");
        let vault = backend.create(&dir);
        match backend {
            Backend::Files => assert!(vault.cipher_version().unwrap().starts_with('4')),
            Backend::Memory { .. } => assert!(vault.cipher_version().is_err()),
        }
        let cd = cd_folder(12, 5);
        let rec = Recorder(Mutex::new(vec![]));
        let s = import(
            &vault,
            &[Source::Path(cd.clone())],
            &rec,
            &CancelToken::new(),
        )
        .unwrap();
        assert_eq!(
            (s.studies, s.series, s.instances_added, s.duplicates),
            (1, 1, 12, 0)
        );
        assert_eq!(
            s.skipped, 3,
            "autorun, viewer and web page are skipped: {s:?}"
        );
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        assert!(!s.mixed_patients);
        let events = rec.0.lock().unwrap();
        assert!(matches!(events[0], ImportEvent::Found { files: 15, .. }));
        assert!(matches!(
            events.last(),
            Some(ImportEvent::Processed {
                done: 15,
                files: 15,
                ..
            })
        ));
        drop(events);

        let studies = vault.studies().unwrap();
        assert_eq!(studies.len(), 1);
        assert_eq!(
            studies[0].patient_name.as_deref(),
            Some(phantom::PATIENT_NAME)
        );
        assert_eq!(studies[0].modalities, vec!["CT".to_string()]);
        let series = vault.series(&studies[0].id).unwrap();
        assert_eq!(series[0].instance_count, 12);
        let inst = crate::library::instances(&vault, &series[0].id).unwrap();
        // ordered by position along the normal (z), which is instance number order here
        let numbers: Vec<i64> = inst.iter().map(|i| i.number.unwrap()).collect();
        assert_eq!(numbers, (1..=12).collect::<Vec<_>>());

        let (img, _) = crate::library::render(&vault, &series[0].id, 5, 0, &Voi::Default).unwrap();
        let direct = crate::dicom::DicomImage::from_bytes(
            phantom::ct_slice(
                PhantomSpec {
                    slices: 12,
                    size: 32,
                    seed: 5,
                },
                5,
            )
            .unwrap(),
        )
        .unwrap();
        let (want, _) = render::render(
            direct.info().unwrap(),
            &direct.decode_frame(0).unwrap(),
            &Voi::Default,
        )
        .unwrap();
        assert_eq!(img, want, "the vault renders exactly what the file renders");
        let png = vault.thumbnail(&series[0].id).unwrap();
        assert_eq!(&png[1..4], b"PNG");

        // a second import of the same CD adds nothing
        let again = import(&vault, &[Source::Path(cd)], &Silent, &CancelToken::new()).unwrap();
        assert_eq!((again.instances_added, again.duplicates), (0, 12));
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn nothing_identifying_is_on_disk_in_plain_text() {
    let dir = temp_dir("vault");
    let vault = Vault::create(&dir, &fast_store(&dir)).unwrap();
    let cd = cd_folder(6, 9);
    import(
        &vault,
        &[Source::Path(cd.clone())],
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    vault.lock();
    drop(vault);
    let first = std::fs::read(cd.join("DICOM/ST000001/IM000001")).unwrap();
    let head = crate::dicom::parse(&first, crate::dicom::ReadDepth::HeaderOnly).unwrap();
    let s = crate::dicom::summary(&head);
    let needles: Vec<String> = [
        Some("Phantom".to_string()),
        s.patient_id,
        s.study_instance_uid,
        s.series_instance_uid,
        s.sop_instance_uid,
        Some("19700101".into()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut files = 0;
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            files += 1;
            let bytes = std::fs::read(&p).unwrap();
            let name = p.to_string_lossy().to_string();
            for n in &needles {
                assert!(!name.contains(n.as_str()), "{n} in a file name");
                assert!(
                    !bytes.windows(n.len()).any(|w| w == n.as_bytes()),
                    "{n} found in {name}"
                );
            }
        }
    }
    assert!(files > 6, "searched {files} files");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn lock_wrong_passphrase_delete_and_integrity() {
    for backend in Backend::both() {
        let dir = temp_dir("vault");
        let vault = backend.create(&dir);
        import(
            &vault,
            &[Source::Path(cd_folder(4, 2))],
            &Silent,
            &CancelToken::new(),
        )
        .unwrap();
        let study = vault.studies().unwrap()[0].id.clone();
        let series = vault.series(&study).unwrap()[0].id.clone();
        if let Backend::Memory { blobs, .. } = &backend {
            // the blobs are in the store given, none in the vault's folder, and no index there
            assert!(!blobs.list().unwrap().is_empty());
            let files = blobs::FileBlobStore::new(dir.join("blobs")).unwrap();
            assert!(files.list().unwrap().is_empty());
            assert!(!dir.join("index.db").exists());
        }

        vault.lock();
        assert!(matches!(vault.studies(), Err(Error::Locked)));
        let wrong = PassphraseKeyStore::new(&dir, "not it");
        assert!(matches!(vault.unlock(&wrong), Err(Error::WrongKey)));
        vault.unlock(&fast_store(&dir)).unwrap();

        // flip a byte in one stored image: a clear integrity error for that image, the rest reads
        let inst = crate::library::instances(&vault, &series).unwrap();
        backend.flip(&dir, &inst[1].blob_id, |len| len - 100);
        assert!(matches!(
            crate::library::render(&vault, &series, 1, 0, &Voi::Default),
            Err(Error::Integrity(_))
        ));
        crate::library::render(&vault, &series, 0, 0, &Voi::Default).unwrap();

        vault.delete_study(&study).unwrap();
        assert!(vault.studies().unwrap().is_empty());
        assert!(vault.blobs.list().unwrap().is_empty(), "blobs removed");
        assert!(matches!(
            vault.series(&study),
            Err(Error::NotFound("study"))
        ));
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// A slice is decrypted whole when opened; an object larger than a file read whole from plain
/// disk (a 10 MB cine here) stays in its blob and only the frames asked for are decrypted: a
/// damaged frame is an integrity error for that frame, and the others still show.
#[test]
fn a_large_multi_frame_object_is_read_frame_by_frame() {
    for backend in Backend::both() {
        let dir = temp_dir("vault");
        let vault = backend.create(&dir);
        let (frames, side) = (40u32, 512usize);
        let cine = phantom::cine(frames, side as u16, side as u16).unwrap();
        assert!(cine.len() as u64 > WHOLE_FILE_LIMIT);
        let file = dir.join("cine.dcm");
        std::fs::write(&file, &cine).unwrap();
        import(&vault, &[Source::Path(file)], &Silent, &CancelToken::new()).unwrap();
        let study = vault.studies().unwrap()[0].id.clone();
        let series = vault.series(&study).unwrap()[0].id.clone();
        let plain = DicomImage::from_bytes(cine.clone()).unwrap();
        for frame in [0, 35] {
            let want = render::render(
                plain.info().unwrap(),
                &plain.decode_frame(frame).unwrap(),
                &Voi::Default,
            )
            .unwrap()
            .0;
            let got = crate::library::render(&vault, &series, 0, frame, &Voi::Default)
                .unwrap()
                .0;
            assert!(got.rgba == want.rgba, "frame {frame} from the vault");
        }

        // flip a byte in the middle of frame 35 (the pixel data end the object; version 2 blobs keep
        // the ciphertext in plaintext order, then one 16-byte tag per 64 KiB chunk)
        let frame_len = side * side;
        let in_plain = cine.len() - (frames as usize - 35) * frame_len + frame_len / 2;
        let inst = crate::library::instances(&vault, &series).unwrap();
        let tags = cine.len().div_ceil(crypto::CHUNK) * 16;
        backend.flip(&dir, &inst[0].blob_id, |len| {
            len - tags - (cine.len() - in_plain)
        });
        assert!(matches!(
            crate::library::render(&vault, &series, 0, 35, &Voi::Default),
            Err(Error::Integrity(_))
        ));
        crate::library::render(&vault, &series, 0, 0, &Voi::Default).unwrap();
        crate::library::render(&vault, &series, 0, 34, &Voi::Default).unwrap();
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// Cancels the import once `after` files are processed.
struct CancelAfter {
    after: u64,
    token: CancelToken,
}
impl ImportListener for CancelAfter {
    fn on_event(&self, e: &ImportEvent) {
        if let ImportEvent::Processed { done, .. } = e {
            if *done >= self.after {
                self.token.cancel();
            }
        }
    }
}

#[test]
fn cancel_half_way_keeps_whole_instances_and_a_rerun_completes() {
    for backend in Backend::both() {
        let dir = temp_dir("vault");
        let vault = backend.create(&dir);
        let cd = cd_folder(10, 11);
        let token = CancelToken::new();
        let listener = CancelAfter {
            after: 4,
            token: token.clone(),
        };
        // groups of 3 files (the CD's 13 files, 10 of them images), so that the cancel comes
        // after some groups have committed
        let groups = crate::import::Groups {
            files: 3,
            ..Default::default()
        };
        let s = crate::import::import_in_groups(
            &vault,
            &[Source::Path(cd.clone())],
            &listener,
            &token,
            groups,
        )
        .unwrap();
        assert!(s.cancelled);
        assert!(s.instances_added < 10, "{s:?}");
        let series = vault.series(&vault.studies().unwrap()[0].id).unwrap()[0]
            .id
            .clone();
        let n = crate::library::instances(&vault, &series).unwrap().len();
        assert_eq!(n, s.instances_added);
        for i in 0..n {
            crate::library::render(&vault, &series, i, 0, &Voi::Default).unwrap();
        }
        let rest = import(&vault, &[Source::Path(cd)], &Silent, &CancelToken::new()).unwrap();
        assert_eq!(rest.instances_added + s.instances_added, 10);
        assert_eq!(rest.duplicates, s.instances_added);
        assert_eq!(
            crate::library::instances(&vault, &series).unwrap().len(),
            10
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn a_bad_file_is_reported_and_the_rest_imported_conflicts_and_mixed_patients_flagged() {
    for backend in Backend::both() {
        let dir = temp_dir("vault");
        let vault = backend.create(&dir);
        let cd = cd_folder(5, 21);
        // a damaged DICOM file (real magic, truncated inside the header)
        let good = std::fs::read(cd.join("DICOM/ST000001/IM000001")).unwrap();
        std::fs::write(cd.join("DICOM/ST000001/BROKEN"), &good[..300]).unwrap();
        // the same instance UID with other content (one pixel changed)
        let mut other = good.clone();
        let last = other.len() - 2;
        other[last] ^= 0x01;
        std::fs::write(cd.join("DICOM/CONFLICT"), &other).unwrap();
        // another patient's study
        let mut stranger = crate::dicom::parse(
            &phantom::ct_slice(
                PhantomSpec {
                    slices: 2,
                    size: 16,
                    seed: 99,
                },
                0,
            )
            .unwrap(),
            crate::dicom::ReadDepth::Full,
        )
        .unwrap();
        stranger.put(dicom_core::DataElement::new(
            dicom_dictionary_std::tags::PATIENT_ID,
            dicom_core::VR::LO,
            dicom_core::PrimitiveValue::from("SOMEONE-ELSE-42".to_string()),
        ));
        let mut bytes = Vec::new();
        stranger.write_all(&mut bytes).unwrap();
        std::fs::write(cd.join("OTHER"), bytes).unwrap();

        let s = import(&vault, &[Source::Path(cd)], &Silent, &CancelToken::new()).unwrap();
        assert_eq!(s.instances_added, 7, "{s:?}");
        assert_eq!(s.conflicts, 1);
        assert_eq!(s.errors.len(), 1, "{:?}", s.errors);
        assert!(s.errors[0].path.ends_with("BROKEN"));
        assert!(s.mixed_patients && s.patients == 2);
        let study = vault
            .studies()
            .unwrap()
            .into_iter()
            .find(|st| st.instance_count == 6)
            .unwrap();
        let series = vault.series(&study.id).unwrap()[0].id.clone();
        assert_eq!(
            crate::library::instances(&vault, &series)
                .unwrap()
                .iter()
                .filter(|i| i.conflict)
                .count(),
            1
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn a_flipped_byte_in_the_index_is_a_clear_error() {
    let dir = temp_dir("vault");
    let vault = Vault::create(&dir, &fast_store(&dir)).unwrap();
    import(
        &vault,
        &[Source::Path(cd_folder(3, 4))],
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    vault.lock();
    drop(vault);
    let db = dir.join("index.db");
    // fold the WAL into the main file first so that the flip hits real content
    let mut b = std::fs::read(&db).unwrap();
    assert!(b.len() >= 4096 * 2, "index is {} bytes", b.len());
    b[4096 + 200] ^= 0x10;
    std::fs::write(&db, b).unwrap();
    let vault = Vault::open(&dir).unwrap();
    let outcome = vault
        .unlock(&fast_store(&dir))
        .and_then(|_| vault.studies().map(|_| ()));
    assert!(matches!(outcome, Err(Error::Integrity(_))), "{outcome:?}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A key store that hands back a key other than the vault's.
struct OtherKey;
impl KeyStore for OtherKey {
    fn load(&self, _: &str) -> Result<Option<Key>, KeyStoreError> {
        Ok(Some(Key::from_bytes([7; 32])))
    }
    fn store(&self, _: &str, _: &Key) -> Result<(), KeyStoreError> {
        Ok(())
    }
    fn delete(&self, _: &str) -> Result<(), KeyStoreError> {
        Ok(())
    }
}

#[test]
fn another_key_is_a_wrong_key_not_a_damaged_vault() {
    let dir = temp_dir("keycheck");
    let vault = Vault::create(&dir, &fast_store(&dir)).unwrap();
    vault.lock();
    assert!(matches!(vault.unlock(&OtherKey), Err(Error::WrongKey)));
    assert!(!vault.is_unlocked());
    let json = std::fs::read_to_string(dir.join("vault.json")).unwrap();
    assert!(json.contains("key_check"), "{json}");
    // a vault written before the check value: the index tells, as damaged-or-wrong
    let old: serde_json::Value = serde_json::from_str(&json).unwrap();
    let old = serde_json::json!({"id": old["id"], "format": old["format"]});
    std::fs::write(dir.join("vault.json"), old.to_string()).unwrap();
    let vault = Vault::open(&dir).unwrap();
    assert!(matches!(vault.unlock(&OtherKey), Err(Error::Integrity(_))));
    vault.unlock(&fast_store(&dir)).unwrap();
}

/// Issue 15, point 14: a crafted file that names a study (or a series) already in the vault but
/// another patient is refused, not filed inside that patient's study.
#[test]
fn a_file_of_another_patient_naming_a_stored_study_is_refused() {
    for backend in Backend::both() {
        use crate::dicom::{parse, ReadDepth};
        use dicom_core::{DataElement, PrimitiveValue, VR};
        use dicom_dictionary_std::tags;
        let dir = temp_dir("vault");
        let vault = backend.create(&dir);
        let cd = cd_folder(4, 7);
        let s = import(&vault, &[Source::Path(cd)], &Silent, &CancelToken::new()).unwrap();
        assert_eq!(s.instances_added, 4);
        let files = phantom::ct_series(PhantomSpec {
            slices: 2,
            size: 32,
            seed: 7,
        })
        .unwrap();
        let crafted = |edit: &dyn Fn(&mut crate::dicom::Object)| {
            let mut o = parse(&files[0], ReadDepth::Full).unwrap();
            o.put(DataElement::new(
                tags::SOP_INSTANCE_UID,
                VR::UI,
                PrimitiveValue::from("1.2.826.0.1.3680043.99.77.1"),
            ));
            edit(&mut o);
            let mut out = Vec::new();
            o.write_all(&mut out).unwrap();
            out
        };
        let other_patient = crafted(&|o| {
            o.put(DataElement::new(
                tags::PATIENT_ID,
                VR::LO,
                PrimitiveValue::from("SOMEONE-ELSE"),
            ));
            o.put(DataElement::new(
                tags::PATIENT_NAME,
                VR::PN,
                PrimitiveValue::from("Else^Someone"),
            ));
        });
        let other_study = crafted(&|o| {
            o.put(DataElement::new(
                tags::STUDY_INSTANCE_UID,
                VR::UI,
                PrimitiveValue::from("1.2.826.0.1.3680043.99.77.2"),
            ));
        });
        let drop = temp_dir("crafted");
        std::fs::write(drop.join("A"), other_patient).unwrap();
        std::fs::write(drop.join("B"), other_study).unwrap();
        let s = import(&vault, &[Source::Path(drop)], &Silent, &CancelToken::new()).unwrap();
        assert_eq!(s.instances_added, 0, "{s:?}");
        assert_eq!(s.errors.len(), 2, "{s:?}");
        assert!(
            s.errors.iter().any(|e| e.error.contains("another patient")),
            "{s:?}"
        );
        assert!(
            s.errors.iter().any(|e| e.error.contains("another study")),
            "{s:?}"
        );
        let studies = vault.studies().unwrap();
        assert_eq!(studies.len(), 1);
        assert_eq!(
            studies[0].instance_count, 4,
            "nothing was filed in the stored study"
        );
    }
}

#[test]
fn patient_ids_survive_a_relaunch_and_differ_between_vaults() {
    let cd = cd_folder(3, 11);
    // each vault its own stores, of either kind
    for kind in 0..2 {
        let ids = |tag: &str| {
            let [files, memory] = Backend::both();
            let backend = if kind == 0 { files } else { memory };
            let dir = temp_dir(tag);
            let keys = fast_store(&dir);
            let vault = backend.create(&dir);
            import(
                &vault,
                &[Source::Path(cd.clone())],
                &Silent,
                &CancelToken::new(),
            )
            .unwrap();
            let first = vault.patients().unwrap()[0].id.clone();
            // a relaunch: the vault opened afresh from its folder and unlocked again
            drop(vault);
            let vault = backend.open(&dir);
            vault.unlock(&keys).unwrap();
            let again = vault.patients().unwrap()[0].id.clone();
            assert_eq!(first, again);
            assert_eq!(vault.studies_of(&again).unwrap().len(), 1);
            // nothing of the patient in it
            assert_eq!(first.len(), 16);
            assert!(first.chars().all(|c| c.is_ascii_hexdigit()));
            first
        };
        // the same patient in two vaults of one process: two unrelated ids (a per-process salt gave
        // the same id to both)
        assert_ne!(ids("pids-a"), ids("pids-b"));
    }
}

/// What an import killed mid-way left in the temporary folder (where its files could not be
/// unlinked at once) is removed whenever the vault is unlocked or opened, whatever its age.
#[test]
fn unlocking_or_opening_empties_the_import_temp_folder() {
    use crate::vault::scratch::leftovers;
    let dir = temp_dir("vault");
    let keys = fast_store(&dir);
    let vault = Vault::create(&dir, &keys).unwrap();
    let tmp = vault.import_tmp_dir();
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("import-0001.tmp"), b"left by a killed import").unwrap();
    vault.lock();
    vault.unlock(&keys).unwrap();
    assert_eq!(leftovers(&tmp), 0);
    std::fs::write(tmp.join("import-0002.tmp"), b"left by a killed import").unwrap();
    drop(vault);
    let _locked = Vault::open(&dir).unwrap();
    assert_eq!(leftovers(&tmp), 0);
    std::fs::remove_dir_all(&dir).ok();
}

/// A phantom series of `slices` slices (seed `seed`) edited: its patient, study date, series
/// number and modality, and (`study_uid`) the study it belongs to; written into a new folder.
fn edited_series(
    seed: u64,
    slices: u32,
    patient: (&str, &str),
    date: &str,
    number: &str,
    modality: &str,
    study_uid: Option<&str>,
) -> PathBuf {
    use dicom_core::{DataElement, PrimitiveValue, VR};
    use dicom_dictionary_std::tags;
    let folder = temp_dir("series");
    let files = phantom::ct_series(PhantomSpec {
        slices,
        size: 16,
        seed,
    })
    .unwrap();
    for (i, f) in files.iter().enumerate() {
        let mut o = crate::dicom::parse(f, crate::dicom::ReadDepth::Full).unwrap();
        let mut put = |tag, vr, v: &str| o.put(DataElement::new(tag, vr, PrimitiveValue::from(v)));
        put(tags::PATIENT_ID, VR::LO, patient.0);
        put(tags::PATIENT_NAME, VR::PN, patient.1);
        put(tags::STUDY_DATE, VR::DA, date);
        put(tags::SERIES_NUMBER, VR::IS, number);
        put(tags::MODALITY, VR::CS, modality);
        if let Some(uid) = study_uid {
            put(tags::STUDY_INSTANCE_UID, VR::UI, uid);
        }
        let mut out = Vec::new();
        o.write_all(&mut out).unwrap();
        std::fs::write(folder.join(format!("F{i}")), out).unwrap();
    }
    folder
}

/// The listings the screens show (patients, their studies, a study's series, a series'
/// instances) over a vault of two patients, three studies and four series, on both backends.
#[test]
fn listing_patients_studies_series_and_instances() {
    for backend in Backend::both() {
        let dir = temp_dir("vault");
        let vault = backend.create(&dir);
        let add = |folder: PathBuf| {
            let s = import(
                &vault,
                &[Source::Path(folder)],
                &Silent,
                &CancelToken::new(),
            )
            .unwrap();
            assert!(s.errors.is_empty(), "{s:?}");
        };
        let me = ("SP-1", "Doe^Jane");
        let other = ("OTHER-1", "Roe^Richard");
        // study X (2026): a CT series number 2, then an MR series number 1 joining it
        let x_uid = {
            let f = edited_series(1, 3, me, "20260115", "2", "CT", None);
            let first = std::fs::read(f.join("F0")).unwrap();
            let head = crate::dicom::parse(&first, crate::dicom::ReadDepth::HeaderOnly).unwrap();
            add(f);
            crate::dicom::summary(&head).study_instance_uid.unwrap()
        };
        add(edited_series(2, 2, me, "20260115", "1", "MR", Some(&x_uid)));
        // study Y (2024), same patient; study Z (2025), another patient
        add(edited_series(3, 4, me, "20240101", "1", "CT", None));
        add(edited_series(4, 1, other, "20250601", "7", "US", None));

        let studies = vault.studies().unwrap();
        let shape: Vec<_> = studies
            .iter()
            .map(|s| {
                (
                    s.patient_id.as_deref(),
                    s.study_date.as_deref(),
                    s.modalities.iter().map(String::as_str).collect(),
                    s.series_count,
                    s.instance_count,
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                (Some("SP-1"), Some("20260115"), vec!["CT", "MR"], 2, 5),
                (Some("OTHER-1"), Some("20250601"), vec!["US"], 1, 1),
                (Some("SP-1"), Some("20240101"), vec!["CT"], 1, 4),
            ],
            "newest first, modalities in the order stored"
        );
        let (x, z, y) = (&studies[0], &studies[1], &studies[2]);

        let series = vault.series(&x.id).unwrap();
        let numbers: Vec<(Option<i64>, Option<&str>, u32)> = series
            .iter()
            .map(|s| (s.number, s.modality.as_deref(), s.instance_count))
            .collect();
        assert_eq!(
            numbers,
            [(Some(1), Some("MR"), 2), (Some(2), Some("CT"), 3)]
        );
        assert_eq!(vault.study_of_series(&series[1].id).unwrap(), x.id);
        let rows = crate::library::instances(&vault, &series[1].id).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            [Some(1), Some(2), Some(3)]
        );
        assert!(rows.iter().all(|r| r.position().is_some() && !r.conflict));
        assert_eq!(rows[0].rows, Some(16));

        let library = vault.library().unwrap();
        let patients: Vec<(Option<&str>, u32, Option<&str>)> = library
            .iter()
            .map(|(p, _)| {
                (
                    p.patient_id.as_deref(),
                    p.study_count,
                    p.latest_study_date.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            patients,
            [
                (Some("SP-1"), 2, Some("20260115")),
                (Some("OTHER-1"), 1, Some("20250601"))
            ]
        );
        assert_eq!(
            vault.patients().unwrap(),
            library.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>()
        );
        let mine = vault.studies_of(&library[0].0.id).unwrap();
        assert_eq!(mine, vec![x.clone(), y.clone()]);

        // what is not there
        assert!(matches!(
            vault.studies_of("nobody"),
            Err(Error::NotFound("patient"))
        ));
        assert!(matches!(
            vault.series("nothing"),
            Err(Error::NotFound("study"))
        ));
        assert!(matches!(
            vault.instance_rows("nothing"),
            Err(Error::NotFound("series"))
        ));
        assert!(matches!(
            vault.study_of_series("nothing"),
            Err(Error::NotFound("series"))
        ));

        // a deleted study leaves the listings, and its patient with it
        vault.delete_study(&z.id).unwrap();
        assert_eq!(vault.studies().unwrap(), vec![x.clone(), y.clone()]);
        assert_eq!(vault.patients().unwrap().len(), 1);
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// How many blobs the vault's store holds (orphans included: listed before any unlock collects).
fn blob_count(backend: &Backend, dir: &Path) -> usize {
    match backend {
        Backend::Files => blobs::FileBlobStore::new(dir.join("blobs"))
            .unwrap()
            .list()
            .unwrap()
            .len(),
        Backend::Memory { blobs, .. } => blobs::BlobStore::list(&**blobs).unwrap().len(),
    }
}

fn processed(events: &[ImportEvent]) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match e {
            ImportEvent::Processed { done, .. } => Some(*done),
            _ => None,
        })
        .collect()
}

#[test]
fn a_group_is_stored_whole_at_commit_a_cancel_keeps_it_and_a_drop_leaves_nothing() {
    use crate::import::Ingest;
    for backend in Backend::both() {
        let dir = temp_dir("vault");
        let vault = backend.create(&dir);
        let files = phantom::ct_series(PhantomSpec {
            slices: 6,
            size: 32,
            seed: 21,
        })
        .unwrap();
        let bytes: u64 = files.iter().map(|f| f.len() as u64).sum();
        let stage_all = |ingest: &mut Ingest<'_>| {
            // one group: no bound reached while staging
            ingest.groups.age = std::time::Duration::from_secs(3600);
            for (i, f) in files.iter().enumerate() {
                ingest
                    .add(&format!("f{i}"), f.len() as u64, Ok(f.clone()))
                    .unwrap();
            }
        };

        // an ingest dropped half-way (an error stopped it) stores nothing
        let mut ingest = Ingest::begin(&vault, &Silent, files.len() as u64, bytes).unwrap();
        stage_all(&mut ingest);
        assert!(vault.studies().unwrap().is_empty(), "visible before commit");
        assert_eq!(blob_count(&backend, &dir), files.len(), "blobs written");
        drop(ingest);
        assert!(vault.studies().unwrap().is_empty());
        assert_eq!(blob_count(&backend, &dir), 0, "the group's blobs removed");

        // staged: reported done file by file, not yet visible; cancelled, then finished: the
        // group is committed, so what was reported done is what is stored
        let rec = Recorder(Mutex::new(Vec::new()));
        let mut ingest = Ingest::begin(&vault, &rec, files.len() as u64, bytes).unwrap();
        stage_all(&mut ingest);
        assert!(vault.studies().unwrap().is_empty(), "visible before commit");
        assert_eq!(processed(&rec.0.lock().unwrap()), vec![1, 2, 3, 4, 5, 6]);
        ingest.summary.cancelled = true;
        let s = ingest.finish().unwrap();
        assert_eq!(
            (s.instances_added, s.studies, s.series, s.cancelled),
            (6, 1, 1, true),
            "{s:?}"
        );
        assert_eq!(processed(&rec.0.lock().unwrap()), vec![1, 2, 3, 4, 5, 6]);
        let study = &vault.studies().unwrap()[0];
        assert_eq!(study.instance_count, 6);
        let series = &vault.series(&study.id).unwrap()[0];
        for i in 0..6 {
            crate::library::render(&vault, &series.id, i, 0, &Voi::Default).unwrap();
        }
        // six instances and the series' thumbnail
        assert_eq!(blob_count(&backend, &dir), 7);
        drop(vault);
        // a relaunch finds them all (the study key sealed in the same transaction)
        let vault = backend.open(&dir);
        vault.unlock(&fast_store(&dir)).unwrap();
        assert_eq!(vault.studies().unwrap()[0].instance_count, 6);
        crate::library::render(&vault, &series.id, 3, 0, &Voi::Default).unwrap();
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn a_group_sees_its_own_files_duplicates_conflicts_and_new_studies() {
    use crate::import::Ingest;
    for backend in Backend::both() {
        let dir = temp_dir("vault");
        let vault = backend.create(&dir);
        let a = phantom::ct_series(PhantomSpec {
            slices: 3,
            size: 32,
            seed: 31,
        })
        .unwrap();
        let b = phantom::ct_series(PhantomSpec {
            slices: 2,
            size: 32,
            seed: 32,
        })
        .unwrap();
        // the same SOP Instance UID as a[1], other pixels
        let mut other = a[1].clone();
        let last = other.len() - 1;
        other[last] ^= 1;
        let mut ingest = Ingest::begin(&vault, &Silent, 8, 0).unwrap();
        ingest.groups.age = std::time::Duration::from_secs(3600);
        for (i, f) in [&a[0], &a[1], &a[0], &b[0], &other, &a[2], &b[1]]
            .into_iter()
            .enumerate()
        {
            ingest
                .add(&format!("f{i}"), f.len() as u64, Ok(f.clone()))
                .unwrap();
        }
        let s = ingest.finish().unwrap();
        assert_eq!(
            (
                s.instances_added,
                s.duplicates,
                s.conflicts,
                s.studies,
                s.series
            ),
            (6, 1, 1, 2, 2),
            "{s:?}"
        );
        let studies = vault.studies().unwrap();
        let mut counts: Vec<_> = studies.iter().map(|s| s.instance_count).collect();
        counts.sort();
        assert_eq!(counts, vec![2, 4]);
        for st in &studies {
            assert_eq!(vault.series(&st.id).unwrap().len(), 1);
        }
        // importing all of it again: duplicates only
        let mut ingest = Ingest::begin(&vault, &Silent, 3, 0).unwrap();
        for f in &a {
            ingest.add("again", f.len() as u64, Ok(f.clone())).unwrap();
        }
        let s = ingest.finish().unwrap();
        assert_eq!((s.instances_added, s.duplicates), (0, 3), "{s:?}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
