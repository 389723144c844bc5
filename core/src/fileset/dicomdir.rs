//! The DICOMDIR (PS3.10 Media Storage Directory, PS3.3 F.5): directory records PATIENT →
//! STUDY → SERIES → IMAGE (and the other leaf kinds) filled from the files' data sets, laid out
//! depth first with their byte offsets patched in.

use dicom_core::header::Header;
use dicom_core::value::{DataSetSequence, Value};
use dicom_core::{DataElement, Length, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_encoding::text::{SpecificCharacterSet, TextCodec};
use dicom_object::mem::InMemElement;
use dicom_object::InMemDicomObject;

use super::{clean, meta_group, put, DICOMDIR_SOP_CLASS};
use crate::error::{Error, Result};

const EXPLICIT_LE: &str = "1.2.840.10008.1.2.1";
const FILE_SET_ID: &str = "SCANPASS";

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
pub(super) struct RecordKey(Tag, VR, Need, &'static [Tag]);

pub(super) const PATIENT_KEYS: &[RecordKey] = &[
    RecordKey(tags::PATIENT_NAME, VR::PN, Need::Two, &[]),
    RecordKey(tags::PATIENT_ID, VR::LO, Need::One, &[]),
];

pub(super) const STUDY_KEYS: &[RecordKey] = &[
    RecordKey(
        tags::STUDY_DATE,
        VR::DA,
        Need::One,
        &[
            tags::SERIES_DATE,
            tags::ACQUISITION_DATE,
            tags::CONTENT_DATE,
        ],
    ),
    RecordKey(
        tags::STUDY_TIME,
        VR::TM,
        Need::One,
        &[
            tags::SERIES_TIME,
            tags::ACQUISITION_TIME,
            tags::CONTENT_TIME,
        ],
    ),
    RecordKey(tags::ACCESSION_NUMBER, VR::SH, Need::Two, &[]),
    RecordKey(tags::STUDY_DESCRIPTION, VR::LO, Need::Two, &[]),
    RecordKey(tags::STUDY_INSTANCE_UID, VR::UI, Need::One, &[]),
    RecordKey(tags::STUDY_ID, VR::SH, Need::One, &[]),
];

pub(super) const SERIES_KEYS: &[RecordKey] = &[
    RecordKey(tags::MODALITY, VR::CS, Need::One, &[]),
    RecordKey(tags::SERIES_INSTANCE_UID, VR::UI, Need::One, &[]),
    RecordKey(tags::SERIES_NUMBER, VR::IS, Need::One, &[]),
    RecordKey(tags::SERIES_DESCRIPTION, VR::LO, Need::IfPresent, &[]),
];

const IMAGE_KEYS: &[RecordKey] = &[RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[])];

const CONTENT_DATE: RecordKey = RecordKey(
    tags::CONTENT_DATE,
    VR::DA,
    Need::One,
    &[tags::INSTANCE_CREATION_DATE, tags::STUDY_DATE],
);
const CONTENT_TIME: RecordKey = RecordKey(
    tags::CONTENT_TIME,
    VR::TM,
    Need::One,
    &[tags::INSTANCE_CREATION_TIME, tags::STUDY_TIME],
);

const SR_KEYS: &[RecordKey] = &[
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    RecordKey(tags::COMPLETION_FLAG, VR::CS, Need::One, &[]),
    RecordKey(tags::VERIFICATION_FLAG, VR::CS, Need::One, &[]),
    CONTENT_DATE,
    CONTENT_TIME,
    RecordKey(tags::VERIFICATION_DATE_TIME, VR::DT, Need::IfPresent, &[]),
    RecordKey(tags::CONCEPT_NAME_CODE_SEQUENCE, VR::SQ, Need::One, &[]),
];

const KEY_OBJECT_KEYS: &[RecordKey] = &[
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    CONTENT_DATE,
    CONTENT_TIME,
    RecordKey(tags::CONCEPT_NAME_CODE_SEQUENCE, VR::SQ, Need::One, &[]),
];

const PRESENTATION_KEYS: &[RecordKey] = &[
    RecordKey(tags::PRESENTATION_CREATION_DATE, VR::DA, Need::One, &[]),
    RecordKey(tags::PRESENTATION_CREATION_TIME, VR::TM, Need::One, &[]),
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    RecordKey(
        tags::REFERENCED_SERIES_SEQUENCE,
        VR::SQ,
        Need::IfPresent,
        &[],
    ),
    RecordKey(tags::CONTENT_LABEL, VR::CS, Need::One, &[]),
    RecordKey(tags::CONTENT_DESCRIPTION, VR::LO, Need::Two, &[]),
    RecordKey(tags::CONTENT_CREATOR_NAME, VR::PN, Need::Two, &[]),
];

const ENCAP_DOC_KEYS: &[RecordKey] = &[
    RecordKey(tags::CONTENT_DATE, VR::DA, Need::Two, &[]),
    RecordKey(tags::CONTENT_TIME, VR::TM, Need::Two, &[]),
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    RecordKey(tags::DOCUMENT_TITLE, VR::ST, Need::Two, &[]),
    RecordKey(tags::HL7_INSTANCE_IDENTIFIER, VR::ST, Need::IfPresent, &[]),
    RecordKey(tags::CONCEPT_NAME_CODE_SEQUENCE, VR::SQ, Need::Two, &[]),
    RecordKey(
        tags::MIME_TYPE_OF_ENCAPSULATED_DOCUMENT,
        VR::LO,
        Need::One,
        &[],
    ),
];

const WAVEFORM_KEYS: &[RecordKey] = &[
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    CONTENT_DATE,
    CONTENT_TIME,
];

const RT_DOSE_KEYS: &[RecordKey] = &[
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    RecordKey(tags::DOSE_SUMMATION_TYPE, VR::CS, Need::One, &[]),
];

const RT_STRUCTURE_SET_KEYS: &[RecordKey] = &[
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    RecordKey(tags::STRUCTURE_SET_LABEL, VR::SH, Need::One, &[]),
    RecordKey(tags::STRUCTURE_SET_DATE, VR::DA, Need::Two, &[]),
    RecordKey(tags::STRUCTURE_SET_TIME, VR::TM, Need::Two, &[]),
];

const RT_PLAN_KEYS: &[RecordKey] = &[
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    RecordKey(tags::RT_PLAN_LABEL, VR::SH, Need::One, &[]),
    RecordKey(tags::RT_PLAN_DATE, VR::DA, Need::Two, &[]),
    RecordKey(tags::RT_PLAN_TIME, VR::TM, Need::Two, &[]),
];

const RT_TREAT_RECORD_KEYS: &[RecordKey] = &[
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    RecordKey(tags::TREATMENT_DATE, VR::DA, Need::Two, &[]),
    RecordKey(tags::TREATMENT_TIME, VR::TM, Need::Two, &[]),
];

const RAW_DATA_KEYS: &[RecordKey] = &[
    CONTENT_DATE,
    CONTENT_TIME,
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::Two, &[]),
];

const REGISTRATION_KEYS: &[RecordKey] = &[
    CONTENT_DATE,
    CONTENT_TIME,
    RecordKey(tags::INSTANCE_NUMBER, VR::IS, Need::One, &[]),
    RecordKey(tags::CONTENT_LABEL, VR::CS, Need::One, &[]),
    RecordKey(tags::CONTENT_DESCRIPTION, VR::LO, Need::Two, &[]),
    RecordKey(tags::CONTENT_CREATOR_NAME, VR::PN, Need::Two, &[]),
];

/// The directory record type of an instance, from its SOP Class (PS3.3 Table F.4-1); anything
/// not listed is an image.
pub(super) fn record_type(sop_class: &str) -> &'static str {
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

pub(super) fn keys_of(kind: &str) -> &'static [RecordKey] {
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

pub(super) struct FileRef {
    /// Referenced File ID components, e.g. DICOM, PT000000, ST000000, SE000000, IM000000.
    pub(super) id: Vec<String>,
    pub(super) sop_class: String,
    pub(super) sop_instance: String,
    pub(super) transfer_syntax: String,
}

/// One directory record being gathered: its type, its keys (decoded values, as dicom-rs read
/// them from the files), the character set of the file a non-ASCII value came from.
pub(super) struct Record {
    pub(super) kind: &'static str,
    pub(super) keys: InMemDicomObject,
    pub(super) charset: Option<String>,
    pub(super) file: Option<FileRef>,
}

impl Record {
    pub(super) fn new(kind: &'static str) -> Self {
        Record {
            kind,
            keys: InMemDicomObject::new_empty(),
            charset: None,
            file: None,
        }
    }

    pub(super) fn has_value(&self, tag: Tag) -> bool {
        self.keys.get(tag).is_some_and(has_value)
    }

    pub(super) fn text(&self, tag: Tag) -> Option<String> {
        let e = self.keys.get(tag)?;
        e.to_str().ok().map(|s| clean(&s)).filter(|s| !s.is_empty())
    }

    /// Take the keys this record still lacks from a file's data set (first file with a value
    /// wins); type 2 keys no file has are present and empty.
    pub(super) fn fill(&mut self, ds: &InMemDicomObject, keys: &[RecordKey]) {
        for RecordKey(tag, vr, need, fallbacks) in keys {
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
    pub(super) fn invent(&mut self, tag: Tag, vr: VR, value: &str) {
        if !self.has_value(tag) && !value.is_empty() {
            self.keys
                .put(DataElement::new(tag, vr, PrimitiveValue::from(value)));
        }
    }

    /// The record's item content with zero offsets: the Directory Information elements, then
    /// the keys (with a Specific Character Set when a key needs one).
    pub(super) fn encode(&self) -> Result<Vec<u8>> {
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
pub(super) struct Tree {
    pub(super) patients: Vec<PatientNode>,
}

pub(super) struct PatientNode {
    /// Patient ID as the files give it (the name, when they have no ID): studies with the same
    /// go under this patient
    pub(super) key: (Option<String>, Option<String>),
    pub(super) rec: Record,
    pub(super) studies: Vec<StudyNode>,
}

pub(super) struct StudyNode {
    pub(super) rec: Record,
    pub(super) series: Vec<(Record, Vec<Record>)>,
}

impl Tree {
    /// Place a new study (its first file's data set given): under the patient of the same ID and
    /// name, or a new one; returns (patient, study) indexes.
    pub(super) fn place_study(&mut self, ds: &InMemDicomObject) -> (usize, usize) {
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
pub(super) fn write_dicomdir(tree: &Tree) -> Result<Vec<u8>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
