//! De-identification tests: the phantom series and real sample files through both presets.

use std::path::PathBuf;

use dicom_core::header::Header;
use dicom_core::value::Value;
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::InMemDicomObject;

use super::*;
use crate::phantom::{self, PhantomSpec};

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/dicom-samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("!!! SKIPPED: ../shared/dicom-samples is absent; real-file de-id tests not run");
        None
    }
}

fn text(ds: &InMemDicomObject, tag: Tag) -> Option<String> {
    ds.get(tag)
        .and_then(|e| e.to_str().ok())
        .map(|s| s.trim_end_matches(['\0', ' ']).to_string())
}

/// Every (tag, value) of a data set, at every depth, as text (sequences by their items).
fn values(ds: &InMemDicomObject, out: &mut Vec<(Tag, String)>) {
    for e in ds.iter() {
        match e.value() {
            Value::Sequence(seq) => {
                for item in seq.items() {
                    values(item, out);
                }
            }
            Value::Primitive(_) => {
                if let Ok(s) = e.to_str() {
                    let s = s.trim_end_matches(['\0', ' ']).to_string();
                    out.push((e.tag(), s));
                }
            }
            Value::PixelSequence(_) => {}
        }
    }
}

/// Attributes of the table that the Basic Profile alters and that still hold their original
/// (non-empty) value somewhere in `after`; plus any private attribute left.
fn survivors(before: &InMemDicomObject, after: &InMemDicomObject) -> Vec<Tag> {
    let mut old = Vec::new();
    values(before, &mut old);
    let mut new = Vec::new();
    values(after, &mut new);
    let mut bad = Vec::new();
    for (tag, v) in &old {
        let altered = table::lookup(*tag).is_some_and(|r| r.basic.alters());
        if altered && !v.is_empty() && new.iter().any(|(t, nv)| t == tag && nv == v) {
            bad.push(*tag);
        }
    }
    bad.extend(new.iter().map(|(t, _)| *t).filter(|t| t.group() % 2 == 1));
    bad.sort();
    bad.dedup();
    bad
}

fn pixel_bytes(obj: &InMemDicomObject) -> Option<Vec<u8>> {
    let e = obj.get(tags::PIXEL_DATA)?;
    Some(match e.value() {
        Value::PixelSequence(seq) => {
            let mut v = Vec::new();
            for f in seq.fragments() {
                v.extend_from_slice(f);
            }
            v
        }
        _ => e.to_bytes().ok()?.into_owned(),
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Research checks on one file's bytes before and after: returns the de-identified object.
fn check_research(original: &[u8], out: &[u8], label: &str) -> Object {
    let before = parse(original, ReadDepth::Full).unwrap();
    let after = parse(out, ReadDepth::Full).unwrap_or_else(|e| panic!("{label}: {e}"));
    let left = survivors(&before, &after);
    assert!(
        left.is_empty(),
        "{label}: attributes kept their value: {left:?}"
    );
    assert_eq!(
        pixel_bytes(&before),
        pixel_bytes(&after),
        "{label}: pixel data changed"
    );
    let sop = text(&after, tags::SOP_INSTANCE_UID).unwrap();
    assert_ne!(Some(&sop), text(&before, tags::SOP_INSTANCE_UID).as_ref());
    assert!(sop.starts_with("2.25."), "{label}");
    assert_eq!(
        after
            .meta()
            .media_storage_sop_instance_uid()
            .trim_end_matches('\0'),
        sop,
        "{label}"
    );
    for tag in [tags::PATIENT_NAME, tags::PATIENT_ID] {
        if let Some(v) = text(&before, tag) {
            let v = v.trim();
            if v.len() >= 3 {
                assert!(
                    !contains(out, v.as_bytes()),
                    "{label}: {tag} found in output"
                );
            }
        }
    }
    assert_eq!(
        text(&after, tags::PATIENT_IDENTITY_REMOVED).as_deref(),
        Some("YES")
    );
    after
}

#[test]
fn the_check_detects_a_planted_patient_name() {
    let original = phantom::ct_slice(PhantomSpec::default(), 0).unwrap();
    let mut session = Session::for_preset(Preset::Research);
    let out = deidentify_bytes(&mut session, &original).unwrap();
    let before = parse(&original, ReadDepth::Full).unwrap();
    let mut after = parse(&out, ReadDepth::Full).unwrap();
    assert!(survivors(&before, &after).is_empty());
    // put the name back, in a nested item: the check must see it
    let item = InMemDicomObject::from_element_iter([DataElement::new(
        tags::PATIENT_NAME,
        VR::PN,
        PrimitiveValue::from(phantom::PATIENT_NAME),
    )]);
    after.put(DataElement::new(
        tags::REFERENCED_IMAGE_SEQUENCE,
        VR::SQ,
        dicom_core::value::DataSetSequence::from(vec![item]),
    ));
    assert_eq!(survivors(&before, &after), vec![tags::PATIENT_NAME]);
    // and a private attribute
    after.put(DataElement::new(
        Tag(0x0009, 0x0010),
        VR::LO,
        PrimitiveValue::from("X"),
    ));
    assert!(survivors(&before, &after).contains(&Tag(0x0009, 0x0010)));
}

#[test]
fn research_on_the_phantom_series() {
    let spec = PhantomSpec {
        slices: 4,
        size: 32,
        seed: 7,
    };
    let series = phantom::ct_series(spec).unwrap();
    let mut session = Session::for_preset(Preset::Research);
    let mut outs = Vec::new();
    for (i, f) in series.iter().enumerate() {
        let out = deidentify_bytes(&mut session, f).unwrap();
        assert!(!contains(&out, phantom::PATIENT_NAME.as_bytes()));
        assert!(!contains(&out, phantom::PATIENT_ID.as_bytes()));
        assert!(!contains(&out, b"19700101"));
        outs.push(check_research(f, &out, &format!("phantom {i}")));
    }
    let series_uid = text(&outs[0], tags::SERIES_INSTANCE_UID);
    let study_uid = text(&outs[0], tags::STUDY_INSTANCE_UID);
    let frame_uid = text(&outs[0], tags::FRAME_OF_REFERENCE_UID);
    for o in &outs[1..] {
        assert_eq!(text(o, tags::SERIES_INSTANCE_UID), series_uid);
        assert_eq!(text(o, tags::STUDY_INSTANCE_UID), study_uid);
        assert_eq!(text(o, tags::FRAME_OF_REFERENCE_UID), frame_uid);
    }
    let sops: std::collections::HashSet<_> = outs
        .iter()
        .map(|o| text(o, tags::SOP_INSTANCE_UID))
        .collect();
    assert_eq!(sops.len(), outs.len());
    let codes: Vec<String> = outs[0]
        .get(tags::DEIDENTIFICATION_METHOD_CODE_SEQUENCE)
        .unwrap()
        .items()
        .unwrap()
        .iter()
        .map(|i| text(i, tags::CODE_VALUE).unwrap())
        .collect();
    assert_eq!(codes, vec!["113100"]);
    // one patient, one pseudonym, as name and as ID, on every slice
    let subject = text(&outs[0], tags::PATIENT_NAME).unwrap();
    assert!(
        subject.starts_with("SUBJECT-") && subject.len() == 16,
        "{subject}"
    );
    for o in &outs {
        assert_eq!(text(o, tags::PATIENT_NAME).as_ref(), Some(&subject));
        assert_eq!(text(o, tags::PATIENT_ID).as_ref(), Some(&subject));
    }
    assert!(outs[0].get(tags::STUDY_DESCRIPTION).is_none());
}

/// Two people's studies in one research session stay two people (a parent sharing their own and
/// a child's scans): each patient gets a pseudonym of their own, the same on every file, and a
/// seeded session gives the same pseudonyms again.
#[test]
fn two_patients_keep_two_pseudonyms() {
    let spec = PhantomSpec {
        slices: 2,
        size: 16,
        seed: 3,
    };
    let person = |id: &str, name: &str| -> Vec<Vec<u8>> {
        phantom::ct_series(spec)
            .unwrap()
            .into_iter()
            .map(|f| {
                let mut o = parse(&f, ReadDepth::Full).unwrap();
                o.put(DataElement::new(
                    tags::PATIENT_ID,
                    VR::LO,
                    PrimitiveValue::from(id),
                ));
                o.put(DataElement::new(
                    tags::PATIENT_NAME,
                    VR::PN,
                    PrimitiveValue::from(name),
                ));
                let mut out = Vec::new();
                o.write_all(&mut out).unwrap();
                out
            })
            .collect()
    };
    // the second child has no Patient ID: told apart by name and birth date
    let files: Vec<Vec<u8>> = [
        person("PARENT-77", "Doe^Jane"),
        person("CHILD-78", "Doe^Tim"),
        person("", "Doe^Ann"),
    ]
    .concat();
    let run = |session: &mut Session| -> Vec<(String, String)> {
        files
            .iter()
            .map(|f| {
                let out = deidentify_bytes(session, f).unwrap();
                let o = parse(&out, ReadDepth::Full).unwrap();
                (
                    text(&o, tags::PATIENT_NAME).unwrap(),
                    text(&o, tags::PATIENT_ID).unwrap(),
                )
            })
            .collect()
    };
    let got = run(&mut Session::for_preset(Preset::Research));
    for pair in got.chunks(2) {
        assert_eq!(pair[0], pair[1], "one patient, one pseudonym");
        assert_eq!(pair[0].0, pair[0].1, "the same as name and as ID");
    }
    let subjects: std::collections::HashSet<_> = got.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(subjects.len(), 3, "{got:?}");
    let seeded = |seed| run(&mut Session::seeded(Preset::Research.options(), seed));
    assert_eq!(seeded([9; 32]), seeded([9; 32]));
    assert_ne!(seeded([9; 32]), seeded([8; 32]));
    // the second-opinion preset keeps the names and IDs
    let kept = run(&mut Session::for_preset(Preset::SecondOpinion));
    assert_eq!(kept[0], ("Doe^Jane".to_string(), "PARENT-77".to_string()));
}

#[test]
fn references_inside_sequences_follow_the_same_map() {
    let a = phantom::ct_slice(PhantomSpec::default(), 0).unwrap();
    let b = phantom::ct_slice(PhantomSpec::default(), 1).unwrap();
    let a_obj = parse(&a, ReadDepth::Full).unwrap();
    let a_sop = text(&a_obj, tags::SOP_INSTANCE_UID).unwrap();
    // b references a, as a derived image would
    let mut b_obj = parse(&b, ReadDepth::Full).unwrap();
    let item = InMemDicomObject::from_element_iter([
        DataElement::new(
            tags::REFERENCED_SOP_CLASS_UID,
            VR::UI,
            PrimitiveValue::from("1.2.840.10008.5.1.4.1.1.2"),
        ),
        DataElement::new(
            tags::REFERENCED_SOP_INSTANCE_UID,
            VR::UI,
            PrimitiveValue::from(a_sop.clone()),
        ),
    ]);
    b_obj.put(DataElement::new(
        tags::SOURCE_IMAGE_SEQUENCE,
        VR::SQ,
        dicom_core::value::DataSetSequence::from(vec![item]),
    ));
    let mut session = Session::for_preset(Preset::Research);
    let mut a_obj = a_obj;
    session.apply(&mut a_obj).unwrap();
    session.apply(&mut b_obj).unwrap();
    let item = &b_obj
        .get(tags::SOURCE_IMAGE_SEQUENCE)
        .unwrap()
        .items()
        .unwrap()[0];
    assert_eq!(
        text(item, tags::REFERENCED_SOP_INSTANCE_UID),
        text(&a_obj, tags::SOP_INSTANCE_UID)
    );
    assert_eq!(
        text(item, tags::REFERENCED_SOP_CLASS_UID).as_deref(),
        Some("1.2.840.10008.5.1.4.1.1.2")
    );
}

#[test]
fn second_opinion_keeps_identity_and_drops_private_and_staff() {
    let original = phantom::ct_slice(PhantomSpec::default(), 0).unwrap();
    let mut obj = parse(&original, ReadDepth::Full).unwrap();
    obj.put(DataElement::new(
        Tag(0x0029, 0x0010),
        VR::LO,
        PrimitiveValue::from("SIEMENS CSA HEADER"),
    ));
    obj.put(DataElement::new(
        Tag(0x0029, 0x1010),
        VR::OB,
        PrimitiveValue::from(vec![1u8, 2, 3, 4]),
    ));
    obj.put(DataElement::new(
        tags::OPERATORS_NAME,
        VR::PN,
        PrimitiveValue::from("Tech^Tom"),
    ));
    obj.put(DataElement::new(
        tags::REFERRING_PHYSICIAN_NAME,
        VR::PN,
        PrimitiveValue::from("Doc^Dan"),
    ));
    let before = obj.clone();
    let mut session = Session::for_preset(Preset::SecondOpinion);
    session.apply(&mut obj).unwrap();
    for tag in [
        tags::PATIENT_NAME,
        tags::PATIENT_ID,
        tags::PATIENT_BIRTH_DATE,
        tags::STUDY_DATE,
        tags::STUDY_INSTANCE_UID,
        tags::SERIES_INSTANCE_UID,
        tags::SOP_INSTANCE_UID,
        tags::STUDY_DESCRIPTION,
        tags::ACCESSION_NUMBER,
    ] {
        assert_eq!(text(&obj, tag), text(&before, tag), "{tag}");
    }
    assert!(obj.iter().all(|e| e.tag().group() % 2 == 0));
    assert!(obj.get(tags::OPERATORS_NAME).is_none());
    assert_eq!(
        text(&obj, tags::REFERRING_PHYSICIAN_NAME).as_deref(),
        Some("")
    );
    assert_eq!(
        text(&obj, tags::PATIENT_IDENTITY_REMOVED).as_deref(),
        Some("NO")
    );
    assert_eq!(pixel_bytes(&obj), pixel_bytes(&before));
    assert_eq!(
        obj.meta()
            .media_storage_sop_instance_uid()
            .trim_end_matches('\0'),
        text(&before, tags::SOP_INSTANCE_UID).unwrap()
    );
}

#[test]
fn options_keep_and_shift_dates_and_keep_characteristics() {
    let original = phantom::ct_slice(PhantomSpec::default(), 0).unwrap();
    let opts = Options {
        dates: Dates::Shift,
        retain_patient_characteristics: true,
        retain_uids: true,
        clean_descriptors: true,
        ..Options::basic()
    };
    let mut session = Session::new(opts);
    let mut a = parse(&original, ReadDepth::Full).unwrap();
    let before = a.clone();
    a.put(DataElement::new(
        tags::IMAGE_COMMENTS,
        VR::LT,
        PrimitiveValue::from("seen by Phantom at 555-12345"),
    ));
    session.apply(&mut a).unwrap();
    let study = text(&a, tags::STUDY_DATE).unwrap();
    assert_eq!(study.len(), 8);
    assert_ne!(study, "20260115");
    assert_eq!(text(&a, tags::STUDY_TIME).as_deref(), Some("101500"));
    assert_eq!(text(&a, tags::PATIENT_SEX).as_deref(), Some("O"));
    assert_eq!(
        text(&a, tags::SOP_INSTANCE_UID),
        text(&before, tags::SOP_INSTANCE_UID)
    );
    // descriptions are kept unless they hold a part of the patient's name ("Phantom")
    assert_eq!(
        text(&a, tags::SERIES_DESCRIPTION).as_deref(),
        Some("Axial 3D Shepp-Logan")
    );
    assert_eq!(text(&a, tags::STUDY_DESCRIPTION).as_deref(), Some(""));
    assert_eq!(text(&a, tags::IMAGE_COMMENTS).as_deref(), Some(""));
    assert!(text(&a, tags::PATIENT_NAME)
        .unwrap()
        .starts_with("SUBJECT-"));
    assert_eq!(
        text(&a, tags::LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED).as_deref(),
        Some("MODIFIED")
    );
    let codes: Vec<String> = a
        .get(tags::DEIDENTIFICATION_METHOD_CODE_SEQUENCE)
        .unwrap()
        .items()
        .unwrap()
        .iter()
        .map(|i| text(i, tags::CODE_VALUE).unwrap())
        .collect();
    assert_eq!(
        codes,
        vec!["113100", "113108", "113107", "113110", "113105"]
    );
    // the same patient in the same session gets the same shift
    let mut b = parse(
        &phantom::ct_slice(PhantomSpec::default(), 1).unwrap(),
        ReadDepth::Full,
    )
    .unwrap();
    session.apply(&mut b).unwrap();
    assert_eq!(text(&b, tags::STUDY_DATE).as_deref(), Some(study.as_str()));
    // full dates keep them
    let mut full = Session::new(Options {
        dates: Dates::Keep,
        ..Options::basic()
    });
    let mut c = parse(&original, ReadDepth::Full).unwrap();
    full.apply(&mut c).unwrap();
    assert_eq!(text(&c, tags::STUDY_DATE).as_deref(), Some("20260115"));
}

#[test]
fn shift_dates_reads_da_and_dt() {
    assert_eq!(
        shift_dates("20240301", VR::DA, -1).as_deref(),
        Some("20240229")
    );
    assert_eq!(
        shift_dates("20240301120000.5+0100\\20240302", VR::DT, -1).as_deref(),
        Some("20240229120000.5+0100\\20240301")
    );
    assert_eq!(shift_dates("2024", VR::DA, -1), None);
}

#[test]
fn new_uids_are_valid_2_25_uids() {
    for _ in 0..100 {
        let u = new_uid();
        assert!(u.len() <= 64 && u.starts_with("2.25."));
        assert!(!u[5..].starts_with('0'));
    }
}

#[test]
fn burned_in_risk_names_the_reason() {
    let mut o = InMemDicomObject::new_empty();
    assert_eq!(burned_in_risk(&o), None);
    o.put_str(tags::MODALITY, VR::CS, "US");
    assert_eq!(burned_in_risk(&o), Some(Reason::Ultrasound));
    o.put_str(tags::MODALITY, VR::CS, "OT");
    assert_eq!(burned_in_risk(&o), Some(Reason::SecondaryCapture));
    o.put_str(tags::MODALITY, VR::CS, "CT");
    assert_eq!(burned_in_risk(&o), None);
    o.put_str(tags::BURNED_IN_ANNOTATION, VR::CS, "YES");
    assert_eq!(burned_in_risk(&o), Some(Reason::BurnedInAnnotation));
}

const REAL: [&str; 10] = [
    "SAG-anon/0001-1.3.12.2.1107.5.2.19.45152.2013030808110258929186035.dcm",
    "SAG-anon/0002-1.3.12.2.1107.5.2.19.45152.2013030808110261698786039.dcm",
    "pydicom/CT_small.dcm",
    "pydicom/MR_small.dcm",
    "pydicom/examples_rgb_color.dcm",
    "pydicom-data/SC_rgb.dcm",
    "pydicom-data/MR-SIEMENS-DICOM-WithOverlays.dcm",
    "pydicom-data/emri_small.dcm",
    "dicom-test-files/WG04/JPLL/CT1_JPLL",
    "pydicom/dicomdirtests/77654033/CT2/17106",
];

#[test]
fn research_on_real_files() {
    let Some(dir) = samples() else { return };
    let mut session = Session::for_preset(Preset::Research);
    let mut outs = Vec::new();
    for name in REAL {
        let original = std::fs::read(dir.join(name)).unwrap();
        let out = deidentify_bytes(&mut session, &original).unwrap();
        outs.push(check_research(&original, &out, name));
    }
    // the two SAG-anon slices are one series: one new Series Instance UID
    assert_eq!(
        text(&outs[0], tags::SERIES_INSTANCE_UID),
        text(&outs[1], tags::SERIES_INSTANCE_UID)
    );
    assert_ne!(
        text(&outs[0], tags::SOP_INSTANCE_UID),
        text(&outs[1], tags::SOP_INSTANCE_UID)
    );
    // overlays go whole
    assert!(outs[6]
        .iter()
        .all(|e| !(0x6000..=0x60FF).contains(&e.tag().group())));
}

#[test]
fn second_opinion_on_real_files() {
    let Some(dir) = samples() else { return };
    let mut session = Session::for_preset(Preset::SecondOpinion);
    for name in REAL {
        let original = std::fs::read(dir.join(name)).unwrap();
        let before = parse(&original, ReadDepth::Full).unwrap();
        let out = deidentify_bytes(&mut session, &original).unwrap();
        let after = parse(&out, ReadDepth::Full).unwrap();
        for tag in [
            tags::PATIENT_NAME,
            tags::PATIENT_ID,
            tags::PATIENT_BIRTH_DATE,
            tags::STUDY_INSTANCE_UID,
            tags::SOP_INSTANCE_UID,
            tags::STUDY_DATE,
        ] {
            assert_eq!(text(&after, tag), text(&before, tag), "{name} {tag}");
        }
        let mut all = Vec::new();
        values(&after, &mut all);
        assert!(all.iter().all(|(t, _)| t.group() % 2 == 0), "{name}");
        assert_eq!(pixel_bytes(&after), pixel_bytes(&before), "{name}");
    }
}

#[test]
fn a_seeded_session_gives_the_same_bytes_again_and_another_seed_other_uids() {
    let spec = PhantomSpec {
        slices: 2,
        size: 16,
        seed: 3,
    };
    let series = phantom::ct_series(spec).unwrap();
    let mut options = Preset::Research.options();
    options.dates = Dates::Shift;
    let run = |seed: [u8; 32]| -> Vec<Vec<u8>> {
        let mut s = Session::seeded(options, seed);
        series
            .iter()
            .map(|f| deidentify_bytes(&mut s, f).unwrap())
            .collect()
    };
    let a = run([1; 32]);
    assert_eq!(a, run([1; 32]), "same seed, same bytes (a resumed share)");
    let b = run([2; 32]);
    let uid = |bytes: &[u8]| {
        text(
            &parse(bytes, ReadDepth::HeaderOnly).unwrap(),
            tags::SOP_INSTANCE_UID,
        )
        .unwrap()
    };
    assert_ne!(uid(&a[0]), uid(&b[0]));
    assert_ne!(uid(&a[0]), uid(&a[1]));
    assert!(uid(&a[0]).starts_with("2.25."));
}
