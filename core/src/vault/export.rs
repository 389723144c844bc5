//! Export: a study leaves the vault decrypted, as a DICOM File-set any hospital system can read.
//!
//! The layout is that of a disc or USB stick made by a PACS (PS3.10 File-set, PS3.11 General
//! Purpose CD-R / USB profiles, IHE Portable Data for Imaging), in a folder or in a zip:
//!
//! ```text
//! DICOMDIR                              the index: PATIENT → STUDY → SERIES → IMAGE records
//! README.TXT                            what the medium is, in plain words (no patient data)
//! DICOM/PT000000/ST000000/SE000000/IM000000 ...   one Part 10 file per stored instance
//! ```
//!
//! Every file is the stored instance, byte for byte, as a Part 10 file: preamble zeroed, and a
//! file meta group written in front of the data set when the stored file had none (bare ACR-NEMA
//! style data sets) or one that does not read. Images are never transcoded: each keeps its
//! transfer syntax, named in the DICOMDIR.
//!
//! Nothing is left half-written: the export is built in a temporary folder or file beside the
//! target and renamed into place at the end; on error or cancel the temporary is removed.
//! Exporting into an existing folder (the root of a USB stick) moves `DICOM/`, `README.TXT` and
//! last `DICOMDIR` into it, and refuses a folder that already holds a file-set.
//!
//! The DICOMDIR is written by hand (dicom-rs has no DICOMDIR writer): explicit VR little endian,
//! records as defined-length items of an undefined-length Directory Record Sequence, in
//! depth-first order. Record offsets are byte positions from the first byte of the file; each
//! record is encoded with zero offsets, the records are laid out, then the offsets are patched.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use dicom_core::header::Header;
use dicom_core::value::{DataSetSequence, Value};
use dicom_core::{DataElement, Length, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_encoding::text::{SpecificCharacterSet, TextCodec};
use dicom_object::mem::InMemElement;
use dicom_object::meta::FileMetaTable;
use dicom_object::InMemDicomObject;
use serde::Serialize;

use super::{InstanceRow, SeriesRow, Vault};
use crate::dicom::{parse, Object, ReadDepth, IMPLEMENTATION_CLASS_UID};
use crate::error::{Error, Result};
use crate::import::CancelToken;

/// The Media Storage SOP Class of a DICOMDIR (Media Storage Directory Storage).
pub const DICOMDIR_SOP_CLASS: &str = "1.2.840.10008.1.3.10";
const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const FILE_SET_ID: &str = "SCANPASS";

/// Where the export goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// A folder (new, or an existing one such as the root of a USB stick).
    Folder,
    /// A zip file holding the same layout.
    Zip,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    pub series: usize,
    pub instances: usize,
    /// Bytes of DICOM files written (the DICOMDIR and README included).
    pub bytes: u64,
    /// Instances stored without a (readable) file meta group, given one on the way out.
    pub meta_groups_written: usize,
}

/// Receives export progress, one call per instance written. Called from the exporting thread.
pub trait ExportListener: Send + Sync {
    fn on_progress(&self, done: u64, total: u64);
}

impl ExportListener for crate::import::Silent {
    fn on_progress(&self, _: u64, _: u64) {}
}

/// Export study `study_id` of an unlocked vault to `out` (a folder, or the zip file to create).
///
/// Errors: [`Error::NotFound`] for an unknown study, [`Error::InvalidArgument`] when `out`
/// already holds an export (or, for a zip, exists at all), [`Error::Io`] when writing fails,
/// [`Error::Cancelled`]; in every case nothing is left at `out`.
pub fn export_study(
    vault: &Vault,
    study_id: &str,
    out: &Path,
    format: ExportFormat,
    listener: &dyn ExportListener,
    cancel: &CancelToken,
) -> Result<ExportSummary> {
    export_studies(
        vault,
        &[study_id.to_string()],
        out,
        format,
        listener,
        cancel,
    )
}

/// [`export_study`] of several studies into one file-set (one DICOMDIR), in the order given; the
/// studies of one patient (by Patient ID) under one patient folder.
pub fn export_studies(
    vault: &Vault,
    studies: &[String],
    out: &Path,
    format: ExportFormat,
    listener: &dyn ExportListener,
    cancel: &CancelToken,
) -> Result<ExportSummary> {
    let plan = plan_studies(vault, studies, &[])?;
    let mut sink = Sink::begin(out, format)?;
    let summary = write_file_set(vault, &plan, &mut |_| Ok(()), &mut sink, listener, cancel)?;
    sink.commit()?;
    Ok(summary)
}

/// Where the files of a file-set go, one after another (a folder, a zip, a share).
pub trait FileSink {
    /// Add the file at `rel` ('/'-separated) made of `parts` one after the other; `compressible`
    /// says whether deflating it is worth it.
    fn add(&mut self, rel: &str, parts: &[&[u8]], compressible: bool) -> Result<()>;
}

impl FileSink for Sink {
    fn add(&mut self, rel: &str, parts: &[&[u8]], compressible: bool) -> Result<()> {
        Sink::add(self, rel, parts, compressible)
    }
}

/// Which instances a file-set of `studies` holds, study by study in the order given (each named
/// once): the series named in `series` (all when empty; each must belong to one of the studies),
/// in the vault's order, instances in display order. Studies left with nothing to show are
/// dropped.
pub fn plan_studies(
    vault: &Vault,
    studies: &[String],
    series: &[String],
) -> Result<Vec<StudyPlan>> {
    let mut seen = std::collections::HashSet::new();
    let mut known = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(studies.len());
    for study in studies.iter().filter(|s| seen.insert(*s)) {
        let mut chosen = Vec::new();
        for s in vault.series(study)? {
            known.insert(s.id.clone());
            if !series.is_empty() && !series.contains(&s.id) {
                continue;
            }
            let rows = vault.instances(&s.id)?;
            if !rows.is_empty() {
                chosen.push((s, rows));
            }
        }
        if !chosen.is_empty() {
            out.push((study.clone(), chosen));
        }
    }
    if series.iter().any(|s| !known.contains(s)) {
        return Err(Error::NotFound("series"));
    }
    Ok(out)
}

/// One study of a file-set: its id, and its series with their instances in display order.
pub type StudyPlan = (String, Vec<(SeriesRow, Vec<InstanceRow>)>);

/// Write the instances of `plan` ([`plan_studies`]) as a DICOM File-set into `sink`: each instance passed through `transform` (de-identification; nothing for
/// an export) before it is made a Part 10 file, then `README.TXT` and `DICOMDIR`. Files are
/// `DICOM/PT<patient>/ST<study>/SE<series>/IM<instance>`, the studies of one patient (same
/// Patient ID, after `transform`) under one patient folder.
pub fn write_file_set(
    vault: &Vault,
    plan: &[StudyPlan],
    transform: &mut dyn FnMut(&mut crate::vault::crypto::SecretBytes) -> Result<()>,
    sink: &mut dyn FileSink,
    listener: &dyn ExportListener,
    cancel: &CancelToken,
) -> Result<ExportSummary> {
    let total: u64 = plan
        .iter()
        .flat_map(|(_, p)| p.iter())
        .map(|(_, r)| r.len() as u64)
        .sum();
    if total == 0 {
        return Err(Error::InvalidArgument(
            "this study holds no images to export".into(),
        ));
    }
    let series_count: usize = plan.iter().map(|(_, p)| p.len()).sum();
    if series_count > 1_000_000
        || plan
            .iter()
            .flat_map(|(_, p)| p.iter())
            .any(|(_, r)| r.len() > 1_000_000)
    {
        return Err(Error::InvalidArgument(
            "too many series or images for one file-set".into(),
        ));
    }
    let mut summary = ExportSummary {
        series: series_count,
        ..Default::default()
    };
    let mut tree = Tree {
        patients: Vec::new(),
    };
    let mut done = 0u64;
    for (study_id, study_plan) in plan {
        // the patient folder and study folder, known from the study's first file
        let mut at: Option<(usize, usize)> = None;
        for (si, (_, rows)) in study_plan.iter().enumerate() {
            let mut series = Vec::with_capacity(rows.len());
            let mut series_rec = Record::new("SERIES");
            for (ii, row) in rows.iter().enumerate() {
                if cancel.is_cancelled() {
                    return Err(Error::Cancelled); // the sink's drop removes the temporary
                }
                let mut stored = vault.read_instance(study_id, &row.id)?;
                transform(&mut stored)?;
                let file = prepare(&mut stored)?;
                let ds: &InMemDicomObject = &file.header;
                let (pt, st) = *at.get_or_insert_with(|| tree.place_study(ds));
                let components = vec![
                    "DICOM".to_string(),
                    format!("PT{pt:06}"),
                    format!("ST{st:06}"),
                    format!("SE{si:06}"),
                    format!("IM{ii:06}"),
                ];
                let body = &stored[file.body_start..];
                sink.add(
                    &components.join("/"),
                    &[&file.prefix, body],
                    compressible(&file.transfer_syntax),
                )?;
                summary.bytes += (file.prefix.len() + body.len()) as u64;
                summary.meta_groups_written += file.meta_written as usize;
                summary.instances += 1;

                let patient = &mut tree.patients[pt];
                patient.rec.fill(ds, PATIENT_KEYS);
                patient.studies[st].rec.fill(ds, STUDY_KEYS);
                series_rec.fill(ds, SERIES_KEYS);
                let kind = record_type(&file.sop_class);
                let mut rec = Record::new(kind);
                rec.fill(ds, keys_of(kind));
                rec.file = Some(FileRef {
                    id: components,
                    sop_class: file.sop_class,
                    sop_instance: file.sop_instance,
                    transfer_syntax: file.transfer_syntax,
                });
                rec.invent(tags::INSTANCE_NUMBER, VR::IS, &(ii + 1).to_string());
                series.push(rec);
                done += 1;
                listener.on_progress(done, total);
            }
            series_rec.invent(tags::MODALITY, VR::CS, "OT");
            series_rec.invent(tags::SERIES_NUMBER, VR::IS, &(si + 1).to_string());
            if let Some((pt, st)) = at {
                tree.patients[pt].studies[st]
                    .series
                    .push((series_rec, series));
            }
        }
    }
    for patient in &mut tree.patients {
        for (i, study) in patient.studies.iter_mut().enumerate() {
            study
                .rec
                .invent(tags::STUDY_ID, VR::SH, &(i + 1).to_string());
        }
        let study_uid = patient
            .studies
            .first()
            .and_then(|s| s.rec.text(tags::STUDY_INSTANCE_UID))
            .unwrap_or_default();
        patient.rec.invent(tags::PATIENT_ID, VR::LO, &study_uid);
    }

    let readme = readme();
    sink.add("README.TXT", &[readme.as_bytes()], true)?;
    let dicomdir = write_dicomdir(&tree)?;
    sink.add("DICOMDIR", &[&dicomdir], true)?;
    summary.bytes += (readme.len() + dicomdir.len()) as u64;
    Ok(summary)
}

// ---------------------------------------------------------------------------------------------
// One instance as a Part 10 file

/// A stored instance ready to write: `prefix` then the stored bytes from `body_start`.
struct Part10 {
    prefix: Vec<u8>,
    body_start: usize,
    header: Object,
    sop_class: String,
    sop_instance: String,
    transfer_syntax: String,
    meta_written: bool,
}

/// Make a stored instance a Part 10 file. The data set bytes are kept as they are; only the
/// preamble (zeroed), the `DICM` magic and the meta group are added or replaced.
fn prepare(bytes: &mut [u8]) -> Result<Part10> {
    let header = parse(bytes, ReadDepth::HeaderOnly)?;
    let meta = header.meta();
    let ts = clean(meta.transfer_syntax());
    let is_vr = |b: &[u8]| b.len() >= 2 && b[0].is_ascii_uppercase() && b[1].is_ascii_uppercase();
    // where the meta group starts (just after `DICM`, or at 0 without the magic), if any
    let (meta_at, prefix): (Option<usize>, Vec<u8>) =
        if bytes.len() >= 132 && &bytes[128..132] == b"DICM" {
            bytes[..128].fill(0);
            (Some(132), Vec::new())
        } else if bytes.starts_with(b"DICM") {
            (Some(4), vec![0; 128])
        } else if bytes.len() >= 8 && bytes[0..2] == [0x02, 0x00] && is_vr(&bytes[4..6]) {
            let mut p = vec![0; 128];
            p.extend_from_slice(b"DICM");
            (Some(0), p)
        } else {
            (None, Vec::new())
        };
    // keep the file's own meta group when it reads strictly and is the one the data set was
    // parsed with
    if let Some(at) = meta_at {
        let own = FileMetaTable::from_reader(b"DICM".chain(&bytes[at..]));
        if let Ok(own) = own {
            if clean(own.transfer_syntax()) == ts && !ts.is_empty() {
                return Ok(Part10 {
                    prefix,
                    body_start: 0,
                    sop_class: clean(own.media_storage_sop_class_uid()),
                    sop_instance: clean(own.media_storage_sop_instance_uid()),
                    transfer_syntax: ts,
                    header,
                    meta_written: false,
                });
            }
        }
    }
    // write a meta group: identity from the data set, the syntax the data set was read with
    let body_start = match meta_at {
        Some(at) => crate::dicom::end_of_meta(bytes, at)
            .ok_or_else(|| Error::NotDicom("a stored file's meta group does not read".into()))?,
        None => 0,
    };
    let ds_text = |tag| {
        header
            .get(tag)
            .and_then(|e| e.to_str().ok().map(|s| clean(&s)))
            .filter(|s| !s.is_empty())
    };
    let sop_class =
        ds_text(tags::SOP_CLASS_UID).unwrap_or_else(|| clean(meta.media_storage_sop_class_uid()));
    let sop_instance = ds_text(tags::SOP_INSTANCE_UID)
        .unwrap_or_else(|| clean(meta.media_storage_sop_instance_uid()));
    let mut prefix = vec![0u8; 128];
    prefix.extend_from_slice(b"DICM");
    prefix.extend_from_slice(&meta_group(&sop_class, &sop_instance, &ts));
    Ok(Part10 {
        prefix,
        body_start,
        header,
        sop_class,
        sop_instance,
        transfer_syntax: ts,
        meta_written: true,
    })
}

/// A UID or code string without its padding.
fn clean(s: &str) -> String {
    s.trim_end_matches(['\0', ' ']).trim_start().to_string()
}

/// A file meta group (PS3.10 7.1), group length included.
fn meta_group(sop_class: &str, sop_instance: &str, ts: &str) -> Vec<u8> {
    let mut body = Vec::new();
    put(&mut body, (0x0002, 0x0001), b"OB", &[0, 1]);
    put(&mut body, (0x0002, 0x0002), b"UI", sop_class.as_bytes());
    put(&mut body, (0x0002, 0x0003), b"UI", sop_instance.as_bytes());
    put(&mut body, (0x0002, 0x0010), b"UI", ts.as_bytes());
    put(
        &mut body,
        (0x0002, 0x0012),
        b"UI",
        IMPLEMENTATION_CLASS_UID.as_bytes(),
    );
    put(
        &mut body,
        (0x0002, 0x0013),
        b"SH",
        implementation_version().as_bytes(),
    );
    let mut out = Vec::with_capacity(body.len() + 12);
    put(
        &mut out,
        (0x0002, 0x0000),
        b"UL",
        &(body.len() as u32).to_le_bytes(),
    );
    out.extend_from_slice(&body);
    out
}

fn implementation_version() -> String {
    let mut v = format!("SCANPASS_{}", env!("CARGO_PKG_VERSION"));
    v.truncate(16);
    v
}

fn long_vr(vr: &[u8]) -> bool {
    matches!(
        vr,
        b"OB" | b"OD" | b"OF" | b"OL" | b"OV" | b"OW" | b"SQ" | b"UC" | b"UN" | b"UR" | b"UT"
    )
}

/// Append one explicit VR little endian element, padded to even length.
fn put(out: &mut Vec<u8>, tag: (u16, u16), vr: &[u8; 2], value: &[u8]) {
    let odd = value.len() % 2;
    let len = value.len() + odd;
    out.extend_from_slice(&tag.0.to_le_bytes());
    out.extend_from_slice(&tag.1.to_le_bytes());
    out.extend_from_slice(vr);
    if long_vr(vr) {
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&(len as u32).to_le_bytes());
    } else {
        out.extend_from_slice(&(len as u16).to_le_bytes());
    }
    out.extend_from_slice(value);
    if odd == 1 {
        out.push(if matches!(vr, b"UI" | b"OB") { 0 } else { b' ' });
    }
}

/// Whether deflating the file is worth it (native pixel data) or not (already compressed).
fn compressible(ts: &str) -> bool {
    matches!(
        ts,
        "1.2.840.10008.1.2" | "1.2.840.10008.1.2.1" | "1.2.840.10008.1.2.2"
    )
}

// ---------------------------------------------------------------------------------------------
// Directory records

/// Whether a key must hold a value (type 1), must be present (type 2), or is copied when the
/// files have it (types 1C and 3).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    One,
    Two,
    IfPresent,
}

/// A record key: the attribute, its VR, its type, and attributes to take its value from when
/// the files lack it (Study Date from Series Date, say).
struct Key(Tag, VR, Need, &'static [Tag]);

const PATIENT_KEYS: &[Key] = &[
    Key(tags::PATIENT_NAME, VR::PN, Need::Two, &[]),
    Key(tags::PATIENT_ID, VR::LO, Need::One, &[]),
];

const STUDY_KEYS: &[Key] = &[
    Key(
        tags::STUDY_DATE,
        VR::DA,
        Need::One,
        &[
            tags::SERIES_DATE,
            tags::ACQUISITION_DATE,
            tags::CONTENT_DATE,
        ],
    ),
    Key(
        tags::STUDY_TIME,
        VR::TM,
        Need::One,
        &[
            tags::SERIES_TIME,
            tags::ACQUISITION_TIME,
            tags::CONTENT_TIME,
        ],
    ),
    Key(tags::ACCESSION_NUMBER, VR::SH, Need::Two, &[]),
    Key(tags::STUDY_DESCRIPTION, VR::LO, Need::Two, &[]),
    Key(tags::STUDY_INSTANCE_UID, VR::UI, Need::One, &[]),
    Key(tags::STUDY_ID, VR::SH, Need::One, &[]),
];

const SERIES_KEYS: &[Key] = &[
    Key(tags::MODALITY, VR::CS, Need::One, &[]),
    Key(tags::SERIES_INSTANCE_UID, VR::UI, Need::One, &[]),
    Key(tags::SERIES_NUMBER, VR::IS, Need::One, &[]),
    Key(tags::SERIES_DESCRIPTION, VR::LO, Need::IfPresent, &[]),
];

const IMAGE_KEYS: &[Key] = &[Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[])];

const CONTENT_DATE: Key = Key(
    tags::CONTENT_DATE,
    VR::DA,
    Need::One,
    &[tags::INSTANCE_CREATION_DATE, tags::STUDY_DATE],
);
const CONTENT_TIME: Key = Key(
    tags::CONTENT_TIME,
    VR::TM,
    Need::One,
    &[tags::INSTANCE_CREATION_TIME, tags::STUDY_TIME],
);

const SR_KEYS: &[Key] = &[
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    Key(tags::COMPLETION_FLAG, VR::CS, Need::One, &[]),
    Key(tags::VERIFICATION_FLAG, VR::CS, Need::One, &[]),
    CONTENT_DATE,
    CONTENT_TIME,
    Key(tags::VERIFICATION_DATE_TIME, VR::DT, Need::IfPresent, &[]),
    Key(tags::CONCEPT_NAME_CODE_SEQUENCE, VR::SQ, Need::One, &[]),
];

const KEY_OBJECT_KEYS: &[Key] = &[
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    CONTENT_DATE,
    CONTENT_TIME,
    Key(tags::CONCEPT_NAME_CODE_SEQUENCE, VR::SQ, Need::One, &[]),
];

const PRESENTATION_KEYS: &[Key] = &[
    Key(tags::PRESENTATION_CREATION_DATE, VR::DA, Need::One, &[]),
    Key(tags::PRESENTATION_CREATION_TIME, VR::TM, Need::One, &[]),
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    Key(
        tags::REFERENCED_SERIES_SEQUENCE,
        VR::SQ,
        Need::IfPresent,
        &[],
    ),
    Key(tags::CONTENT_LABEL, VR::CS, Need::One, &[]),
    Key(tags::CONTENT_DESCRIPTION, VR::LO, Need::Two, &[]),
    Key(tags::CONTENT_CREATOR_NAME, VR::PN, Need::Two, &[]),
];

const ENCAP_DOC_KEYS: &[Key] = &[
    Key(tags::CONTENT_DATE, VR::DA, Need::Two, &[]),
    Key(tags::CONTENT_TIME, VR::TM, Need::Two, &[]),
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    Key(tags::DOCUMENT_TITLE, VR::ST, Need::Two, &[]),
    Key(tags::HL7_INSTANCE_IDENTIFIER, VR::ST, Need::IfPresent, &[]),
    Key(tags::CONCEPT_NAME_CODE_SEQUENCE, VR::SQ, Need::Two, &[]),
    Key(
        tags::MIME_TYPE_OF_ENCAPSULATED_DOCUMENT,
        VR::LO,
        Need::One,
        &[],
    ),
];

const WAVEFORM_KEYS: &[Key] = &[
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    CONTENT_DATE,
    CONTENT_TIME,
];

const RT_DOSE_KEYS: &[Key] = &[
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    Key(tags::DOSE_SUMMATION_TYPE, VR::CS, Need::One, &[]),
];

const RT_STRUCTURE_SET_KEYS: &[Key] = &[
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    Key(tags::STRUCTURE_SET_LABEL, VR::SH, Need::One, &[]),
    Key(tags::STRUCTURE_SET_DATE, VR::DA, Need::Two, &[]),
    Key(tags::STRUCTURE_SET_TIME, VR::TM, Need::Two, &[]),
];

const RT_PLAN_KEYS: &[Key] = &[
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    Key(tags::RT_PLAN_LABEL, VR::SH, Need::One, &[]),
    Key(tags::RT_PLAN_DATE, VR::DA, Need::Two, &[]),
    Key(tags::RT_PLAN_TIME, VR::TM, Need::Two, &[]),
];

const RT_TREAT_RECORD_KEYS: &[Key] = &[
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    Key(tags::TREATMENT_DATE, VR::DA, Need::Two, &[]),
    Key(tags::TREATMENT_TIME, VR::TM, Need::Two, &[]),
];

const RAW_DATA_KEYS: &[Key] = &[
    CONTENT_DATE,
    CONTENT_TIME,
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::Two, &[]),
];

const REGISTRATION_KEYS: &[Key] = &[
    CONTENT_DATE,
    CONTENT_TIME,
    Key(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    Key(tags::CONTENT_LABEL, VR::CS, Need::One, &[]),
    Key(tags::CONTENT_DESCRIPTION, VR::LO, Need::Two, &[]),
    Key(tags::CONTENT_CREATOR_NAME, VR::PN, Need::Two, &[]),
];

/// The directory record type of an instance, from its SOP Class (PS3.3 Table F.4-1); anything
/// not listed is an image.
fn record_type(sop_class: &str) -> &'static str {
    const STORAGE: &str = "1.2.840.10008.5.1.4.1.1.";
    let Some(rest) = sop_class.strip_prefix(STORAGE) else {
        return "IMAGE";
    };
    let family = rest.split('.').next().unwrap_or("");
    match (family, rest) {
        (_, "88.59") => "KEY OBJECT DOC",
        ("88", _) => "SR DOCUMENT",
        ("11", _) => "PRESENTATION",
        ("104", _) => "ENCAP DOC",
        ("9", _) => "WAVEFORM",
        (_, "481.2") => "RT DOSE",
        (_, "481.3") => "RT STRUCTURE SET",
        (_, "481.5" | "481.8") => "RT PLAN",
        (_, "481.4" | "481.6" | "481.7" | "481.9") => "RT TREAT RECORD",
        (_, "66") => "RAW DATA",
        (_, "66.1" | "66.3") => "REGISTRATION",
        (_, "66.2") => "FIDUCIAL",
        _ => "IMAGE",
    }
}

fn keys_of(kind: &str) -> &'static [Key] {
    match kind {
        "SR DOCUMENT" => SR_KEYS,
        "KEY OBJECT DOC" => KEY_OBJECT_KEYS,
        "PRESENTATION" => PRESENTATION_KEYS,
        "ENCAP DOC" => ENCAP_DOC_KEYS,
        "WAVEFORM" => WAVEFORM_KEYS,
        "RT DOSE" => RT_DOSE_KEYS,
        "RT STRUCTURE SET" => RT_STRUCTURE_SET_KEYS,
        "RT PLAN" => RT_PLAN_KEYS,
        "RT TREAT RECORD" => RT_TREAT_RECORD_KEYS,
        "RAW DATA" => RAW_DATA_KEYS,
        "REGISTRATION" | "FIDUCIAL" => REGISTRATION_KEYS,
        _ => IMAGE_KEYS,
    }
}

struct FileRef {
    /// Referenced File ID components, e.g. DICOM, PT000000, ST000000, SE000000, IM000000.
    id: Vec<String>,
    sop_class: String,
    sop_instance: String,
    transfer_syntax: String,
}

/// One directory record being gathered: its type, its keys (decoded values, as dicom-rs read
/// them from the files), the character set of the file a non-ASCII value came from.
struct Record {
    kind: &'static str,
    keys: InMemDicomObject,
    charset: Option<String>,
    file: Option<FileRef>,
}

impl Record {
    fn new(kind: &'static str) -> Self {
        Record {
            kind,
            keys: InMemDicomObject::new_empty(),
            charset: None,
            file: None,
        }
    }

    fn has_value(&self, tag: Tag) -> bool {
        self.keys.get(tag).is_some_and(has_value)
    }

    fn text(&self, tag: Tag) -> Option<String> {
        let e = self.keys.get(tag)?;
        e.to_str().ok().map(|s| clean(&s)).filter(|s| !s.is_empty())
    }

    /// Take the keys this record still lacks from a file's data set (first file with a value
    /// wins); type 2 keys no file has are present and empty.
    fn fill(&mut self, ds: &InMemDicomObject, keys: &[Key]) {
        for Key(tag, vr, need, fallbacks) in keys {
            if self.has_value(*tag) {
                continue;
            }
            let found = std::iter::once(tag)
                .chain(fallbacks.iter())
                .filter_map(|t| ds.get(*t))
                .find(|e| has_value(e));
            match found {
                Some(e) => {
                    if !is_ascii(e) && self.charset.is_none() {
                        self.charset = ds
                            .get(tags::SPECIFIC_CHARACTER_SET)
                            .and_then(|c| c.to_str().ok().map(|s| s.trim().to_string()));
                    }
                    self.keys.put(acr_nema_dates(retag(e, *tag, *vr)));
                }
                None if *need != Need::IfPresent && self.keys.get(*tag).is_none() => {
                    self.keys.put(DataElement::empty(*tag, *vr));
                }
                None => {}
            }
        }
    }

    /// Give a type 1 key that no file had a made-up value (as DCMTK's `+I` does): the
    /// DICOMDIR is an index, the files keep what they say.
    fn invent(&mut self, tag: Tag, vr: VR, value: &str) {
        if !self.has_value(tag) && !value.is_empty() {
            self.keys
                .put(DataElement::new(tag, vr, PrimitiveValue::from(value)));
        }
    }

    /// The record's item content with zero offsets: the Directory Information elements, then
    /// the keys (with a Specific Character Set when a key needs one).
    fn encode(&self) -> Result<Vec<u8>> {
        let mut b = Vec::with_capacity(256);
        put(&mut b, (0x0004, 0x1400), b"UL", &0u32.to_le_bytes());
        put(&mut b, (0x0004, 0x1410), b"US", &0xFFFFu16.to_le_bytes());
        put(&mut b, (0x0004, 0x1420), b"UL", &0u32.to_le_bytes());
        put(&mut b, (0x0004, 0x1430), b"CS", self.kind.as_bytes());
        if let Some(f) = &self.file {
            put(&mut b, (0x0004, 0x1500), b"CS", f.id.join("\\").as_bytes());
            put(&mut b, (0x0004, 0x1510), b"UI", f.sop_class.as_bytes());
            put(&mut b, (0x0004, 0x1511), b"UI", f.sop_instance.as_bytes());
            put(
                &mut b,
                (0x0004, 0x1512),
                b"UI",
                f.transfer_syntax.as_bytes(),
            );
        }
        let mut keys = self.keys.clone();
        if keys.iter().any(|e| !is_ascii(e)) {
            let strings = all_strings(&keys);
            let usable = self
                .charset
                .as_deref()
                .filter(|c| !c.contains('\\'))
                .and_then(|c| SpecificCharacterSet::from_code(c).map(|cs| (c, cs)))
                .filter(|(_, cs)| strings.iter().all(|s| cs.encode(s).is_ok()));
            let code = usable.map(|(c, _)| c).unwrap_or("ISO_IR 192");
            keys.put(DataElement::new(
                tags::SPECIFIC_CHARACTER_SET,
                VR::CS,
                PrimitiveValue::from(code),
            ));
        }
        let ts = dicom_transfer_syntax_registry::entries::EXPLICIT_VR_LITTLE_ENDIAN.erased();
        keys.write_dataset_with_ts(&mut b, &ts)
            .map_err(|e| Error::bad("directory record", e))?;
        Ok(b)
    }
}

/// Byte positions, inside a record's item (item header included), of the values of Offset of
/// the Next Directory Record and Offset of Referenced Lower-Level Directory Entity.
const NEXT_AT: usize = 8 + 8;
const LOWER_AT: usize = 8 + 12 + 10 + 8;

fn has_value(e: &InMemElement) -> bool {
    match e.value() {
        Value::Primitive(PrimitiveValue::Empty) => false,
        Value::Primitive(p) => !p.to_str().trim_matches(['\0', ' ']).is_empty(),
        Value::Sequence(s) => !s.items().is_empty(),
        Value::PixelSequence(_) => false,
    }
}

fn is_ascii(e: &InMemElement) -> bool {
    match e.value() {
        Value::Primitive(p) => p.to_str().is_ascii(),
        Value::Sequence(s) => s.items().iter().all(|i| i.iter().all(is_ascii)),
        Value::PixelSequence(_) => true,
    }
}

fn all_strings(obj: &InMemDicomObject) -> Vec<String> {
    let mut v = Vec::new();
    for e in obj.iter() {
        match e.value() {
            Value::Primitive(p) => v.push(p.to_str().into_owned()),
            Value::Sequence(s) => s.items().iter().for_each(|i| v.extend(all_strings(i))),
            Value::PixelSequence(_) => {}
        }
    }
    v
}

/// Dates and times in the ACR-NEMA forms still found in old files (`1996.10.29`, `15:18:59`),
/// which DICOM readers accept but a DICOMDIR must not carry: `19961029`, `151859`.
fn acr_nema_dates(e: InMemElement) -> InMemElement {
    let vr = e.vr();
    if !matches!(vr, VR::DA | VR::TM) {
        return e;
    }
    let Ok(v) = e.to_str() else { return e };
    let v = v.trim();
    let fixed = match vr {
        VR::DA if v.len() == 10 && v.as_bytes()[4] == b'.' && v.as_bytes()[7] == b'.' => {
            v.replace('.', "")
        }
        VR::TM if v.contains(':') => v.replace(':', ""),
        _ => return e,
    };
    if !fixed.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return e;
    }
    DataElement::new(e.tag(), vr, PrimitiveValue::from(fixed))
}

/// A copy of `e` under `tag` (a fallback's value moves to the key), with the key's VR where
/// the file's was unknown, and sequences re-made with undefined lengths (the values may be
/// re-encoded in another character set, so stored lengths would not hold).
fn retag(e: &InMemElement, tag: Tag, vr: VR) -> InMemElement {
    let vr = if e.vr() == VR::UN { vr } else { e.vr() };
    match e.value() {
        Value::Sequence(s) => {
            let items: Vec<InMemDicomObject> = s
                .items()
                .iter()
                .map(|i| {
                    InMemDicomObject::from_element_iter(i.iter().map(|x| retag(x, x.tag(), x.vr())))
                })
                .collect();
            DataElement::new(tag, VR::SQ, DataSetSequence::new(items, Length::UNDEFINED))
        }
        Value::Primitive(p) => DataElement::new(tag, vr, p.clone()),
        Value::PixelSequence(_) => DataElement::empty(tag, vr),
    }
}

/// The records of one exported study.
struct Tree {
    patients: Vec<PatientNode>,
}

struct PatientNode {
    /// Patient ID as the files give it (the name, when they have no ID): studies with the same
    /// go under this patient
    key: (Option<String>, Option<String>),
    rec: Record,
    studies: Vec<StudyNode>,
}

struct StudyNode {
    rec: Record,
    series: Vec<(Record, Vec<Record>)>,
}

impl Tree {
    /// Place a new study (its first file's data set given): under the patient of the same ID and
    /// name, or a new one; returns (patient, study) indexes.
    fn place_study(&mut self, ds: &InMemDicomObject) -> (usize, usize) {
        let text = |tag| crate::dicom::attrs::text(ds, tag);
        // Patient ID is unique per patient record in a file-set: the name only tells apart
        // files that have no ID
        let id = text(tags::PATIENT_ID);
        let name = if id.is_some() {
            None
        } else {
            text(tags::PATIENT_NAME)
        };
        let key = (id, name);
        let pt = match self.patients.iter().position(|p| p.key == key) {
            Some(pt) => pt,
            None => {
                self.patients.push(PatientNode {
                    key,
                    rec: Record::new("PATIENT"),
                    studies: Vec::new(),
                });
                self.patients.len() - 1
            }
        };
        let studies = &mut self.patients[pt].studies;
        studies.push(StudyNode {
            rec: Record::new("STUDY"),
            series: Vec::new(),
        });
        (pt, studies.len() - 1)
    }
}

/// The whole DICOMDIR file. Type 1 keys that no file had and that are not made up (dates) are
/// present and empty.
fn write_dicomdir(tree: &Tree) -> Result<Vec<u8>> {
    let mut out = vec![0u8; 128];
    out.extend_from_slice(b"DICM");
    // 2.25 + a random 128-bit number (PS3.5 B.2), top bit set: always 39 digits
    let instance_uid = format!("2.25.{}", rand::random::<u128>() | 1 << 127);
    out.extend_from_slice(&meta_group(DICOMDIR_SOP_CLASS, &instance_uid, EXPLICIT_LE));
    put(&mut out, (0x0004, 0x1130), b"CS", FILE_SET_ID.as_bytes());
    put(&mut out, (0x0004, 0x1200), b"UL", &0u32.to_le_bytes());
    let first_at = out.len() - 4;
    put(&mut out, (0x0004, 0x1202), b"UL", &0u32.to_le_bytes());
    let last_at = out.len() - 4;
    put(&mut out, (0x0004, 0x1212), b"US", &0u16.to_le_bytes());
    // Directory Record Sequence, undefined length
    out.extend_from_slice(&[
        0x04, 0x00, 0x20, 0x12, b'S', b'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
    ]);

    let item = |out: &mut Vec<u8>, rec: &Record| -> Result<usize> {
        let at = out.len();
        let content = rec.encode()?;
        let len = u32::try_from(content.len())
            .map_err(|_| Error::InvalidArgument("a directory record is too large".into()))?;
        out.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0]);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&content);
        Ok(at)
    };
    // records in depth-first order: patient, its studies, each study's series, their images
    /// a record's offset, and its children's
    type Node<T> = (usize, Vec<T>);
    struct At {
        patient: usize,
        studies: Vec<Node<Node<usize>>>,
    }
    let mut ats: Vec<At> = Vec::with_capacity(tree.patients.len());
    for p in &tree.patients {
        let patient = item(&mut out, &p.rec)?;
        let mut studies = Vec::with_capacity(p.studies.len());
        for st in &p.studies {
            let study = item(&mut out, &st.rec)?;
            let mut series_at = Vec::with_capacity(st.series.len());
            for (rec, images) in &st.series {
                let s = item(&mut out, rec)?;
                let mut imgs = Vec::with_capacity(images.len());
                for img in images {
                    imgs.push(item(&mut out, img)?);
                }
                series_at.push((s, imgs));
            }
            studies.push((study, series_at));
        }
        ats.push(At { patient, studies });
    }
    out.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);

    let offset = |v: usize| -> Result<[u8; 4]> {
        u32::try_from(v)
            .map(u32::to_le_bytes)
            .map_err(|_| Error::InvalidArgument("the DICOMDIR would exceed 4 GB".into()))
    };
    let patch = |out: &mut Vec<u8>, at: usize, value: usize| -> Result<()> {
        out[at..at + 4].copy_from_slice(&offset(value)?);
        Ok(())
    };
    // each level: the records of one parent chained by "next", the parent's "lower" to the first
    let chain = |out: &mut Vec<u8>, parent: Option<usize>, items: &[usize]| -> Result<()> {
        if let (Some(parent), Some(first)) = (parent, items.first()) {
            patch(out, parent + LOWER_AT, *first)?;
        }
        for pair in items.windows(2) {
            patch(out, pair[0] + NEXT_AT, pair[1])?;
        }
        Ok(())
    };
    if let (Some(first), Some(last)) = (ats.first(), ats.last()) {
        patch(&mut out, first_at, first.patient)?;
        patch(&mut out, last_at, last.patient)?;
    }
    let patients: Vec<usize> = ats.iter().map(|a| a.patient).collect();
    chain(&mut out, None, &patients)?;
    for a in &ats {
        let studies: Vec<usize> = a.studies.iter().map(|s| s.0).collect();
        chain(&mut out, Some(a.patient), &studies)?;
        for (study, series_at) in &a.studies {
            let series: Vec<usize> = series_at.iter().map(|s| s.0).collect();
            chain(&mut out, Some(*study), &series)?;
            for (s, imgs) in series_at {
                chain(&mut out, Some(*s), imgs)?;
            }
        }
    }
    Ok(out)
}

/// README.TXT: what the medium is, for whoever receives it. No patient data.
fn readme() -> String {
    let text = format!(
        "MEDICAL IMAGES (DICOM)

This folder holds one imaging study (for example a CT, MRI, X-ray or ultrasound
examination), exported by its patient from the Scanpass app, which patients use to keep
and share their own medical images.

HOW TO OPEN IT
Any DICOM viewer or hospital imaging system (PACS) can read it: choose the option to
import or open a CD, DVD or USB medium, or open the file named DICOMDIR.

WHAT IS HERE
  DICOMDIR     the index of the images (DICOM Media Storage Directory)
  DICOM\\       the images: one DICOM file per image, in sub-folders by series
  README.TXT   this file

The images are exactly as the hospital produced them: nothing was recompressed or
altered (a file that came without the standard DICOM file header was given one). The
layout follows the DICOM standard for media (PS3.10 File-set, PS3.11 General Purpose
profiles) and IHE Portable Data for Imaging (PDI). There is no viewer program on this
medium and nothing to install or run.

This file contains no patient information; the patient's details are inside the DICOM
files.

Created with Scanpass {}.
",
        env!("CARGO_PKG_VERSION")
    );
    text.replace('\n', "\r\n")
}

// ---------------------------------------------------------------------------------------------
// Where the bytes go: a temporary folder or zip, renamed into place at the end

enum Target {
    /// A new folder: `tmp` is renamed to `out`.
    NewFolder,
    /// An existing folder: `tmp` is inside it; its entries are moved out, DICOMDIR last.
    IntoFolder,
    Zip(Option<Box<zip::ZipWriter<BufWriter<File>>>>),
}

struct Sink {
    out: PathBuf,
    tmp: PathBuf,
    target: Target,
    done: bool,
}

const ENTRIES: [&str; 3] = ["DICOM", "README.TXT", "DICOMDIR"];

fn io(what: &'static str) -> impl Fn(std::io::Error) -> Error {
    move |source| Error::Io { what, source }
}

fn zip_err(e: zip::result::ZipError) -> Error {
    Error::Io {
        what: "the export zip",
        source: match e {
            zip::result::ZipError::Io(e) => e,
            other => std::io::Error::other(other.to_string()),
        },
    }
}

fn temp_name(prefix: &str) -> String {
    format!(
        "{prefix}.scanpass-partial-{}",
        hex::encode(rand::random::<[u8; 8]>())
    )
}

impl Sink {
    fn begin(out: &Path, format: ExportFormat) -> Result<Sink> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Error::InvalidArgument("the export needs a folder or file name".into())
            })?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        match format {
            ExportFormat::Folder if out.is_dir() => {
                if let Some(taken) = ENTRIES.iter().find(|e| out.join(e).exists()) {
                    return Err(Error::InvalidArgument(format!(
                        "the export folder already holds {taken}: choose an empty folder"
                    )));
                }
                let tmp = out.join(temp_name(""));
                std::fs::create_dir(&tmp).map_err(io("the export folder"))?;
                Ok(Sink {
                    out: out.to_path_buf(),
                    tmp,
                    target: Target::IntoFolder,
                    done: false,
                })
            }
            ExportFormat::Folder => {
                if out.exists() {
                    return Err(Error::InvalidArgument(
                        "the export target exists and is not a folder".into(),
                    ));
                }
                std::fs::create_dir_all(&parent).map_err(io("the export folder"))?;
                let tmp = parent.join(temp_name(&format!(".{name}")));
                std::fs::create_dir(&tmp).map_err(io("the export folder"))?;
                Ok(Sink {
                    out: out.to_path_buf(),
                    tmp,
                    target: Target::NewFolder,
                    done: false,
                })
            }
            ExportFormat::Zip => {
                if out.exists() {
                    return Err(Error::InvalidArgument(
                        "the export file already exists".into(),
                    ));
                }
                std::fs::create_dir_all(&parent).map_err(io("the export folder"))?;
                let tmp = parent.join(temp_name(&format!(".{name}")));
                let file = File::options()
                    .write(true)
                    .create_new(true)
                    .open(&tmp)
                    .map_err(io("the export zip"))?;
                Ok(Sink {
                    out: out.to_path_buf(),
                    tmp,
                    target: Target::Zip(Some(Box::new(zip::ZipWriter::new(BufWriter::new(file))))),
                    done: false,
                })
            }
        }
    }

    /// Add a file at `rel` ('/'-separated) made of `parts` one after the other.
    fn add(&mut self, rel: &str, parts: &[&[u8]], compress: bool) -> Result<()> {
        let len: u64 = parts.iter().map(|p| p.len() as u64).sum();
        match &mut self.target {
            Target::Zip(zip) => {
                let zip = zip
                    .as_mut()
                    .ok_or_else(|| Error::Storage("zip closed".into()))?;
                let method = if compress {
                    zip::CompressionMethod::Deflated
                } else {
                    zip::CompressionMethod::Stored
                };
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(method)
                    .last_modified_time(zip_now())
                    .unix_permissions(0o644)
                    .large_file(len >= 0xFFFF_0000);
                zip.start_file(rel, options).map_err(zip_err)?;
                for p in parts {
                    zip.write_all(p).map_err(io("the export zip"))?;
                }
                Ok(())
            }
            Target::NewFolder | Target::IntoFolder => {
                let path = rel.split('/').fold(self.tmp.clone(), |p, c| p.join(c));
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(io("the export folder"))?;
                }
                let mut f = File::create(&path).map_err(io("an exported file"))?;
                for p in parts {
                    f.write_all(p).map_err(io("an exported file"))?;
                }
                f.sync_all().map_err(io("an exported file"))
            }
        }
    }

    /// Put the export in place.
    fn commit(mut self) -> Result<()> {
        match &mut self.target {
            Target::Zip(zip) => {
                let zip = zip
                    .take()
                    .ok_or_else(|| Error::Storage("zip closed".into()))?;
                let file = (*zip)
                    .finish()
                    .map_err(zip_err)?
                    .into_inner()
                    .map_err(|e| Error::Io {
                        what: "the export zip",
                        source: e.into_error(),
                    })?;
                file.sync_all().map_err(io("the export zip"))?;
                drop(file);
                rename_new(&self.tmp, &self.out).map_err(io("the export zip"))?;
            }
            Target::NewFolder => {
                sync_dir(&self.tmp);
                rename_new(&self.tmp, &self.out).map_err(io("the export folder"))?;
            }
            Target::IntoFolder => {
                sync_dir(&self.tmp);
                let mut moved = Vec::new();
                for e in ENTRIES {
                    let to = self.out.join(e);
                    if let Err(err) = rename_new(&self.tmp.join(e), &to) {
                        for back in moved.iter().rev() {
                            let _ = std::fs::rename(self.out.join(back), self.tmp.join(back));
                        }
                        return Err(Error::Io {
                            what: "the export folder",
                            source: err,
                        });
                    }
                    moved.push(e);
                }
                let _ = std::fs::remove_dir(&self.tmp);
            }
        }
        if let Some(parent) = self.out.parent() {
            sync_dir(parent);
        }
        sync_dir(&self.out);
        self.done = true;
        Ok(())
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let Target::Zip(zip) = &mut self.target {
            drop(zip.take());
            let _ = std::fs::remove_file(&self.tmp);
        } else {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Rename, refusing to replace something that appeared at `to` meanwhile.
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    if to.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the export target appeared while exporting",
        ));
    }
    std::fs::rename(from, to)
}

/// Flush a folder's entries to disk (best effort: not every platform opens folders).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The current UTC time as a zip timestamp.
fn zip_now() -> zip::DateTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // civil date from days since 1970-01-01 (H. Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + (month <= 2) as i64;
    zip::DateTime::from_date_and_time(
        year.clamp(1980, 2107) as u16,
        month as u8,
        day as u8,
        (rem / 3600) as u8,
        (rem % 3600 / 60) as u8,
        (rem % 60) as u8,
    )
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn record_offsets_sit_where_the_patcher_writes() {
        let rec = Record::new("IMAGE");
        let mut item = vec![0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0];
        item.extend(rec.encode().unwrap());
        assert_eq!(&item[NEXT_AT - 8..NEXT_AT - 2], b"\x04\x00\x00\x14UL");
        assert_eq!(&item[LOWER_AT - 8..LOWER_AT - 2], b"\x04\x00\x20\x14UL");
    }

    #[test]
    fn acr_nema_dates_and_times_are_rewritten_in_the_index_only() {
        let el = |vr, v: &str| DataElement::new(tags::STUDY_DATE, vr, PrimitiveValue::from(v));
        let text = |e: InMemElement| e.to_str().unwrap().to_string();
        assert_eq!(text(acr_nema_dates(el(VR::DA, "1996.10.29"))), "19961029");
        assert_eq!(text(acr_nema_dates(el(VR::TM, "15:18:59.5"))), "151859.5");
        assert_eq!(text(acr_nema_dates(el(VR::DA, "20240101"))), "20240101");
        assert_eq!(text(acr_nema_dates(el(VR::LO, "1996.10.29"))), "1996.10.29");
        assert_eq!(text(acr_nema_dates(el(VR::TM, "ab:cd"))), "ab:cd");
    }

    #[test]
    fn record_types_follow_the_sop_class() {
        assert_eq!(record_type("1.2.840.10008.5.1.4.1.1.2"), "IMAGE");
        assert_eq!(record_type("1.2.840.10008.5.1.4.1.1.88.22"), "SR DOCUMENT");
        assert_eq!(
            record_type("1.2.840.10008.5.1.4.1.1.88.59"),
            "KEY OBJECT DOC"
        );
        assert_eq!(record_type("1.2.840.10008.5.1.4.1.1.11.1"), "PRESENTATION");
        assert_eq!(record_type("1.2.840.10008.5.1.4.1.1.104.1"), "ENCAP DOC");
        assert_eq!(record_type("1.2.840.10008.5.1.4.1.1.481.1"), "IMAGE");
        assert_eq!(record_type("1.2.840.10008.5.1.4.1.1.481.2"), "RT DOSE");
        assert_eq!(record_type("1.2.840.10008.5.1.4.1.1.9.1.1"), "WAVEFORM");
        assert_eq!(record_type(""), "IMAGE");
    }

    #[test]
    fn non_ascii_keys_carry_a_character_set_that_encodes_them() {
        let name = |cs: Option<&str>| {
            let mut ds = InMemDicomObject::new_empty();
            if let Some(cs) = cs {
                ds.put(DataElement::new(
                    tags::SPECIFIC_CHARACTER_SET,
                    VR::CS,
                    PrimitiveValue::from(cs),
                ));
            }
            ds.put(DataElement::new(
                tags::PATIENT_NAME,
                VR::PN,
                PrimitiveValue::from("Müller^Jörg"),
            ));
            ds.put(DataElement::new(
                tags::PATIENT_ID,
                VR::LO,
                PrimitiveValue::from("42"),
            ));
            let mut rec = Record::new("PATIENT");
            rec.fill(&ds, PATIENT_KEYS);
            rec.encode().unwrap()
        };
        let latin1 = name(Some("ISO_IR 100"));
        assert!(latin1.windows(10).any(|w| w == b"ISO_IR 100"));
        assert!(latin1.windows(11).any(|w| w == b"M\xfcller^J\xf6rg"));
        // unknown to the encoder (or code extensions): UTF-8
        let utf8 = name(Some("ISO 2022 IR 6\\ISO 2022 IR 87"));
        assert!(utf8.windows(10).any(|w| w == b"ISO_IR 192"));
        assert!(utf8.windows(13).any(|w| w == "Müller^Jörg".as_bytes()));
        let none = name(None);
        assert!(none.windows(10).any(|w| w == b"ISO_IR 192"));
    }

    #[test]
    fn readme_names_no_patient_and_zip_time_is_plausible() {
        let r = readme();
        assert!(r.contains("DICOMDIR") && r.contains("\r\n") && r.is_ascii());
        assert!(zip_now().year() >= 2024);
    }
}
