//! DICOM File-sets (PS3.10): stored instances written as the files of a disc or USB stick made
//! by a PACS, with their DICOMDIR. Pure: bytes in, bytes out to a [`FileSink`]; where the bytes
//! come from (the vault, for an export or a share) and where they go (a folder, a zip, sealed
//! chunks) is the caller's business ([`crate::export`], [`crate::share`]).
//!
//! The layout (PS3.11 General Purpose CD-R / USB profiles, IHE Portable Data for Imaging):
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
//! The DICOMDIR is written by hand (dicom-rs has no DICOMDIR writer): explicit VR little endian,
//! records as defined-length items of an undefined-length Directory Record Sequence, in
//! depth-first order. Record offsets are byte positions from the first byte of the file; each
//! record is encoded with zero offsets, the records are laid out, then the offsets are patched
//! (`dicomdir.rs`).

mod dicomdir;

use std::io::Read;

use dicom_dictionary_std::tags;
use dicom_object::meta::FileMetaTable;
use dicom_object::InMemDicomObject;
use serde::Serialize;

use crate::dicom::{parse, Object, ReadDepth};
use crate::error::{Error, Result};
use dicomdir::{
    keys_of, record_type, FileRef, Record, Tree, PATIENT_KEYS, SERIES_KEYS, STUDY_KEYS,
};

/// The Media Storage SOP Class of a DICOMDIR (Media Storage Directory Storage).
pub const DICOMDIR_SOP_CLASS: &str = "1.2.840.10008.1.3.10";
/// Scanpass's Implementation Class UID (PS3.7 D.3.3.2), written in every file meta group: the
/// DICOM layer's, the one copy.
pub use crate::dicom::IMPLEMENTATION_CLASS_UID;

/// Where the files of a file-set go, one after another (a folder, a zip, a share).
pub trait FileSink {
    /// Add the file at `rel` ('/'-separated) made of `parts` one after the other; `compressible`
    /// says whether deflating it is worth it.
    fn add(&mut self, rel: &str, parts: &[&[u8]], compressible: bool) -> Result<()>;
}

/// What a file-set holds once written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileSetSummary {
    pub series: usize,
    pub instances: usize,
    /// Bytes of DICOM files written (the DICOMDIR and README included).
    pub bytes: u64,
    /// Instances stored without a (readable) file meta group, given one on the way out.
    pub meta_groups_written: usize,
}

/// Writes a file-set instance by instance: studies, in each its series, in each its instances in
/// display order; then [`FileSetWriter::finish`] writes `README.TXT` and `DICOMDIR`. Files are
/// `DICOM/PT<patient>/ST<study>/SE<series>/IM<instance>`, the studies of one patient (same
/// Patient ID) under one patient folder.
pub struct FileSetWriter {
    tree: Tree,
    summary: FileSetSummary,
    /// the current study's (patient, study) indexes, known from its first file
    study: Option<(usize, usize)>,
    series_index: usize,
    series: Option<(Record, Vec<Record>)>,
}

impl Default for FileSetWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl FileSetWriter {
    pub fn new() -> FileSetWriter {
        FileSetWriter {
            tree: Tree {
                patients: Vec::new(),
            },
            summary: FileSetSummary::default(),
            study: None,
            series_index: 0,
            series: None,
        }
    }

    /// Starts a new study: the instances that follow belong to it.
    pub fn begin_study(&mut self) {
        self.end_series();
        self.study = None;
        self.series_index = 0;
    }

    /// Starts a new series of the current study.
    pub fn begin_series(&mut self) {
        self.end_series();
        self.series = Some((Record::new("SERIES"), Vec::new()));
    }

    /// Writes one stored instance (made a Part 10 file on the way: the preamble is zeroed in
    /// `bytes`) into `sink`, in the current series.
    pub fn add_instance(&mut self, bytes: &mut [u8], sink: &mut dyn FileSink) -> Result<()> {
        if self.series.is_none() {
            self.begin_series();
        }
        let file = prepare(bytes)?;
        let ds: &InMemDicomObject = &file.header;
        let tree = &mut self.tree;
        let (pt, st) = *self.study.get_or_insert_with(|| tree.place_study(ds));
        let (series_rec, series) = self.series.as_mut().expect("a series was begun");
        let ii = series.len();
        let components = vec![
            "DICOM".to_string(),
            format!("PT{pt:06}"),
            format!("ST{st:06}"),
            format!("SE{:06}", self.series_index),
            format!("IM{ii:06}"),
        ];
        let body = &bytes[file.body_start..];
        sink.add(
            &components.join("/"),
            &[&file.prefix, body],
            compressible(&file.transfer_syntax),
        )?;
        self.summary.bytes += (file.prefix.len() + body.len()) as u64;
        self.summary.meta_groups_written += file.meta_written as usize;
        self.summary.instances += 1;

        let patient = &mut self.tree.patients[pt];
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
        rec.invent(
            tags::INSTANCE_NUMBER,
            dicom_core::VR::IS,
            &(ii + 1).to_string(),
        );
        series.push(rec);
        Ok(())
    }

    fn end_series(&mut self) {
        let Some((mut series_rec, series)) = self.series.take() else {
            return;
        };
        self.series_index += 1;
        series_rec.invent(tags::MODALITY, dicom_core::VR::CS, "OT");
        series_rec.invent(
            tags::SERIES_NUMBER,
            dicom_core::VR::IS,
            &self.series_index.to_string(),
        );
        if let Some((pt, st)) = self.study {
            if !series.is_empty() {
                self.summary.series += 1;
            }
            self.tree.patients[pt].studies[st]
                .series
                .push((series_rec, series));
        }
    }

    /// Writes `README.TXT` and `DICOMDIR` into `sink`; returns what the file-set holds.
    pub fn finish(mut self, sink: &mut dyn FileSink) -> Result<FileSetSummary> {
        self.end_series();
        for patient in &mut self.tree.patients {
            for (i, study) in patient.studies.iter_mut().enumerate() {
                study
                    .rec
                    .invent(tags::STUDY_ID, dicom_core::VR::SH, &(i + 1).to_string());
            }
            let study_uid = patient
                .studies
                .first()
                .and_then(|s| s.rec.text(tags::STUDY_INSTANCE_UID))
                .unwrap_or_default();
            patient
                .rec
                .invent(tags::PATIENT_ID, dicom_core::VR::LO, &study_uid);
        }
        let readme = readme();
        sink.add("README.TXT", &[readme.as_bytes()], true)?;
        let dicomdir = dicomdir::write_dicomdir(&self.tree)?;
        sink.add("DICOMDIR", &[&dicomdir], true)?;
        self.summary.bytes += (readme.len() + dicomdir.len()) as u64;
        Ok(self.summary)
    }
}

// ---------------------------------------------------------------------------------------------
// One instance as a Part 10 file

/// A stored instance ready to write: `prefix` then the stored bytes from `body_start`.
pub(crate) struct Part10 {
    pub(crate) prefix: Vec<u8>,
    pub(crate) body_start: usize,
    pub(crate) header: Object,
    pub(crate) sop_class: String,
    pub(crate) sop_instance: String,
    pub(crate) transfer_syntax: String,
    pub(crate) meta_written: bool,
}

/// Make a stored instance a Part 10 file. The data set bytes are kept as they are; only the
/// preamble (zeroed), the `DICM` magic and the meta group are added or replaced.
pub(crate) fn prepare(bytes: &mut [u8]) -> Result<Part10> {
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
pub(crate) fn clean(s: &str) -> String {
    s.trim_end_matches(['\0', ' ']).trim_start().to_string()
}

/// A file meta group (PS3.10 7.1), group length included.
pub(crate) fn meta_group(sop_class: &str, sop_instance: &str, ts: &str) -> Vec<u8> {
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
pub(crate) fn put(out: &mut Vec<u8>, tag: (u16, u16), vr: &[u8; 2], value: &[u8]) {
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

#[cfg(test)]
mod tests;
