//! De-identification following DICOM PS3.15 Annex E, for sharing images without (or with) the
//! patient's identity.
//!
//! Pick a [`Preset`] (or build [`Options`]), open one [`Session`] per set of files shared
//! together (a study, or several studies of one patient), and run every file through it:
//! [`Session::apply`] on a parsed [`Object`], or [`deidentify_bytes`] for Part 10 in, Part 10
//! out. The session holds what must stay consistent across files: the UID map (the same original
//! UID always becomes the same new UID, references inside sequences included) and the date shift
//! of each patient. Before sharing, ask [`burned_in_risk`]: header de-identification does not
//! touch pixels, and some images carry the patient's name burned into them.
//!
//! The Basic Application Level Confidentiality Profile is [`table`], Table E.1-1 as data. How its
//! codes are carried out here, where the standard leaves a choice:
//! - the combined codes depend on each IOD's attribute Types, which dicom-rs does not know; the
//!   alternative that keeps any IOD conformant is taken: X/Z → zero length, X/D, Z/D and X/Z/D
//!   → a dummy value, X/Z/U* → keep the sequence and replace the UIDs in its items. Dummy values
//!   (`ANONYMIZED`, `19000101`, `000000`, `0`) carry no information.
//! - sequences: K, C, D and U-bearing sequences keep their items and are de-identified
//!   recursively (every rule applies at every depth); Z empties them; X removes them. Code
//!   sequences whose codes name a person or an institution (Person Identification Code Sequence,
//!   Institution Code Sequence) are emptied rather than kept.
//! - private attributes (odd groups, private creators included) are removed; Retain Safe Private
//!   is not offered. Curves (50xx) and overlays (60xx) are removed whole (the table names their
//!   data and comments; what is left of an overlay without its data is not a valid overlay).
//! - beyond the table, conservatively: any other person name (VR PN) is emptied; any other
//!   date, time or date-time is treated as the table's dated rows (dummy, or kept / shifted by
//!   the temporal options); any other UID that is not a registry UID (`1.2.840.10008.…`) or a
//!   class / coding-scheme UID is remapped like U; group lengths are dropped.
//! - new UIDs are `2.25.` followed by a random (version 4) UUID as a decimal integer (PS3.5
//!   B.2): no root of ours to leak, no coordination needed.
//! - Patient's Name and Patient ID (Z) get a pseudonym, `SUBJECT-` and eight random hex digits,
//!   one per patient of the session: the studies of two people shared together (a parent's and
//!   a child's) still show as two people, while saying nothing of either. A patient is the
//!   original Patient ID with its issuer, else the name and birth date; the same person under
//!   two hospitals' IDs shows as two subjects, the safe side of the choice.
//! - Modified Dates shifts every date of a patient back by the same random number of days
//!   (30 to 3650), chosen once per patient (the same patient as above) per session; times are
//!   kept (a whole-day shift leaves them valid).
//! - Clean Descriptors (and the C of Retain Patient Characteristics) keeps a text only when it
//!   holds none of the patient's name parts, IDs or birth date and no run of five or more digits
//!   (phone numbers, record numbers, dates); anything else is emptied. Coded sequences are kept
//!   and cleaned recursively.
//!
//! Every file gets Patient Identity Removed (0012,0062), De-identification Method (0012,0063),
//! the De-identification Method Code Sequence (0012,0064) with the CID 7050 codes applied, and
//! Longitudinal Temporal Information Modified (0028,0303). The file meta group is written anew
//! (our implementation UID; the new SOP Instance UID as Media Storage SOP Instance UID).
//!
//! Not done yet: Clean Pixel Data, Clean Recognizable Visual Features, Clean Graphics, Clean
//! Structured Content, Retain Device / Institution Identity, Retain Safe Private.

pub mod table;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use dicom_core::header::Header;
use dicom_core::value::{DataSetSequence, Value};
use dicom_core::{DataElement, PrimitiveValue, Tag, VR};
use dicom_dictionary_std::tags;
use dicom_object::meta::FileMetaTableBuilder;
use dicom_object::InMemDicomObject;

use crate::dicom::{parse, Object, ReadDepth, IMPLEMENTATION_CLASS_UID};
use crate::error::{Error, Result};
use table::Code;

/// The version of what de-identification writes, for whoever keeps de-identified bytes across
/// versions (a share resumed after an update must not mix two versions' files): changed with
/// every change to the output. 2: pseudonyms for Patient's Name and ID (2026-11-28).
pub const DEID_OUTPUT: &str = "deid output 2";

const DUMMY_TEXT: &str = "ANONYMIZED";

/// The ready-made choices the app offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// For a doctor giving a second opinion, who must know whose scan it is. Keeps the patient's
    /// identity, all dates and times, all UIDs, descriptions and everything clinical. Removes
    /// what is not the patient's to share and not needed to read the images: private (vendor)
    /// attributes, the names, IDs and contact details of staff (referring, performing and
    /// reading physicians, operators, requesting physician, performers), digital signatures and
    /// data set padding. The institution is kept: where the scan was made is the patient's own
    /// care history, and lets the reader ask for priors. Patient Identity Removed = NO.
    SecondOpinion,
    /// For research: the Basic Profile with no option, new UIDs remapped consistently across the
    /// session, private attributes removed, dates removed. Patient Identity Removed = YES.
    Research,
}

impl Preset {
    /// The preset's name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Preset::SecondOpinion => "second-opinion",
            Preset::Research => "research",
        }
    }

    /// The preset named `name` (`second-opinion`, `research`).
    pub fn from_name(name: &str) -> Option<Preset> {
        match name {
            "second-opinion" => Some(Preset::SecondOpinion),
            "research" => Some(Preset::Research),
            _ => None,
        }
    }

    pub fn options(self) -> Options {
        match self {
            Preset::SecondOpinion => Options {
                keep_identity: true,
                ..Options::basic()
            },
            Preset::Research => Options::basic(),
        }
    }
}

/// What happens to dates and times (the two Retain Longitudinal Temporal Information options).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dates {
    /// Basic Profile: removed or replaced by dummies.
    Remove,
    /// Retain Longitudinal Temporal Information with Full Dates.
    Keep,
    /// Retain Longitudinal Temporal Information with Modified Dates: shifted per patient.
    Shift,
}

/// The profile and its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Keep the patient's identity (the second-opinion rules; the options below are ignored).
    pub keep_identity: bool,
    pub retain_patient_characteristics: bool,
    pub dates: Dates,
    pub retain_uids: bool,
    pub clean_descriptors: bool,
}

impl Options {
    /// The Basic Profile with no option.
    pub fn basic() -> Options {
        Options {
            keep_identity: false,
            retain_patient_characteristics: false,
            dates: Dates::Remove,
            retain_uids: false,
            clean_descriptors: false,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::basic()
    }
}

/// Why an image may show identifying text in its pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Burned In Annotation (0028,0301) is YES.
    BurnedInAnnotation,
    /// Ultrasound: the scanner's screen, patient name included, is usually in the image.
    Ultrasound,
    /// Secondary capture (screenshots, scanned documents, other modality OT).
    SecondaryCapture,
}

impl Reason {
    /// The warning a patient reads before sharing.
    pub fn sentence(self) -> &'static str {
        match self {
            Reason::BurnedInAnnotation => {
                "some images say they carry text burned into the picture, which may show your name or other details"
            }
            Reason::Ultrasound => {
                "ultrasound images usually show the scanner's screen, which may show your name or other details"
            }
            Reason::SecondaryCapture => {
                "some images are screenshots or scanned documents, which may show your name or other details"
            }
        }
    }
}

/// Whether `obj`'s pixels may carry identifying text: warn before sharing.
pub fn burned_in_risk(obj: &InMemDicomObject) -> Option<Reason> {
    let text = |tag| {
        obj.get(tag)
            .and_then(|e| e.to_str().ok())
            .map(|s| s.trim_end_matches(['\0', ' ']).trim().to_ascii_uppercase())
            .unwrap_or_default()
    };
    if text(tags::BURNED_IN_ANNOTATION) == "YES" {
        return Some(Reason::BurnedInAnnotation);
    }
    let class = text(tags::SOP_CLASS_UID);
    let modality = text(tags::MODALITY);
    // Ultrasound (retired and current), Ultrasound Multi-frame (retired and current)
    const US: [&str; 4] = [
        "1.2.840.10008.5.1.4.1.1.6",
        "1.2.840.10008.5.1.4.1.1.6.1",
        "1.2.840.10008.5.1.4.1.1.3",
        "1.2.840.10008.5.1.4.1.1.3.1",
    ];
    if modality == "US" || modality == "IVUS" || US.contains(&class.as_str()) {
        return Some(Reason::Ultrasound);
    }
    if modality == "SC"
        || modality == "OT"
        || class == "1.2.840.10008.5.1.4.1.1.7"
        || class.starts_with("1.2.840.10008.5.1.4.1.1.7.")
        || class == "1.2.840.10008.5.1.4.1.1.104.1"
    // Encapsulated PDF
    {
        return Some(Reason::SecondaryCapture);
    }
    None
}

/// What one [`Session::apply`] did (counts only: no values).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub removed: usize,
    pub emptied: usize,
    pub dummied: usize,
    pub uids_replaced: usize,
    pub dates_shifted: usize,
    pub cleaned: usize,
    pub private_removed: usize,
    /// Set when the pixels may still identify the patient.
    pub burned_in_risk: Option<Reason>,
}

/// One de-identification session: the UID map and the per-patient date shifts and pseudonyms
/// shared by every file run through it.
pub struct Session {
    options: Options,
    uids: HashMap<String, String>,
    shifts: HashMap<String, i64>,
    subjects: HashMap<String, String>,
    /// With a seed, new UIDs, date shifts and pseudonyms are derived from it (HKDF-SHA256), so
    /// that running the same files through a session with the same seed again gives the same
    /// bytes: a share resumed after the app was killed seals the same files it began with.
    seed: Option<zeroize::Zeroizing<[u8; 32]>>,
}

/// Who the patient of `ds` is, for the session's per-patient choices (date shift, pseudonym):
/// the Patient ID (with its issuer), or the name and birth date when there is no ID.
fn patient_identity(ds: &InMemDicomObject) -> String {
    let text = |tag| crate::dicom::attrs::text(ds, tag).unwrap_or_default();
    let id = text(tags::PATIENT_ID);
    if id.is_empty() {
        format!(
            "name:{}|{}",
            text(tags::PATIENT_NAME),
            text(tags::PATIENT_BIRTH_DATE)
        )
    } else {
        format!("id:{}|{}", id, text(tags::ISSUER_OF_PATIENT_ID))
    }
}

/// What to do with one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Keep,
    Remove,
    Empty,
    Dummy,
    Uid,
    /// Dates: shift (Modified Dates); other text: clean.
    Clean,
}

/// Identifying strings of the patient, for cleaning free text.
struct Identity {
    tokens: Vec<String>,
}

impl Identity {
    fn of(ds: &InMemDicomObject) -> Identity {
        let mut tokens = Vec::new();
        for tag in [
            tags::PATIENT_NAME,
            tags::PATIENT_ID,
            tags::PATIENT_BIRTH_DATE,
            Tag(0x0010, 0x1000), // Other Patient IDs (retired)
            tags::OTHER_PATIENT_NAMES,
            tags::PATIENT_BIRTH_NAME,
            tags::PATIENT_MOTHER_BIRTH_NAME,
            tags::ACCESSION_NUMBER,
        ] {
            if let Some(s) = ds.get(tag).and_then(|e| e.to_str().ok()) {
                for t in s.split(['^', '\\', ' ', '=', ',']) {
                    let t = t.trim().to_lowercase();
                    if t.chars().count() >= 2 {
                        tokens.push(t);
                    }
                }
            }
        }
        Identity { tokens }
    }

    /// Whether free text may be kept: none of the identity's tokens, no run of 5+ digits.
    fn text_is_clean(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        let mut run = 0;
        for c in text.chars() {
            run = if c.is_ascii_digit() { run + 1 } else { 0 };
            if run >= 5 {
                return false;
            }
        }
        !self.tokens.iter().any(|t| lower.contains(t.as_str()))
    }
}

/// UIDs that name a class, a syntax or a coding scheme rather than an instance: never remapped.
const CLASS_UID_TAGS: [Tag; 12] = [
    tags::SOP_CLASS_UID,
    tags::REFERENCED_SOP_CLASS_UID,
    tags::RELATED_GENERAL_SOP_CLASS_UID,
    tags::ORIGINAL_SPECIALIZED_SOP_CLASS_UID,
    tags::CODING_SCHEME_UID,
    tags::CONTEXT_GROUP_EXTENSION_CREATOR_UID,
    tags::CONTEXT_UID,
    tags::MAPPING_RESOURCE_UID,
    tags::REFERENCED_SOP_CLASS_UID_IN_FILE,
    tags::REFERENCED_TRANSFER_SYNTAX_UID_IN_FILE,
    tags::SOP_CLASSES_IN_STUDY,
    tags::TRANSFER_SYNTAX_UID,
];

/// The second-opinion rules: staff identity and other things not the patient's to share.
/// (Z where General Study makes the attribute Type 2, X elsewhere.)
fn second_opinion_act(tag: Tag) -> Act {
    const EMPTY: [Tag; 1] = [tags::REFERRING_PHYSICIAN_NAME];
    const REMOVE: [Tag; 30] = [
        tags::REFERRING_PHYSICIAN_ADDRESS,
        tags::REFERRING_PHYSICIAN_TELEPHONE_NUMBERS,
        tags::REFERRING_PHYSICIAN_IDENTIFICATION_SEQUENCE,
        tags::CONSULTING_PHYSICIAN_NAME,
        tags::CONSULTING_PHYSICIAN_IDENTIFICATION_SEQUENCE,
        tags::PHYSICIANS_OF_RECORD,
        tags::PHYSICIANS_OF_RECORD_IDENTIFICATION_SEQUENCE,
        tags::PERFORMING_PHYSICIAN_NAME,
        tags::PERFORMING_PHYSICIAN_IDENTIFICATION_SEQUENCE,
        tags::NAME_OF_PHYSICIANS_READING_STUDY,
        tags::PHYSICIANS_READING_STUDY_IDENTIFICATION_SEQUENCE,
        tags::OPERATORS_NAME,
        tags::OPERATOR_IDENTIFICATION_SEQUENCE,
        tags::REQUESTING_PHYSICIAN,
        tags::SCHEDULED_PERFORMING_PHYSICIAN_NAME,
        tags::SCHEDULED_PERFORMING_PHYSICIAN_IDENTIFICATION_SEQUENCE,
        tags::HUMAN_PERFORMER_NAME,
        tags::HUMAN_PERFORMER_ORGANIZATION,
        tags::ACTUAL_HUMAN_PERFORMERS_SEQUENCE,
        tags::SCHEDULED_HUMAN_PERFORMERS_SEQUENCE,
        tags::ORDER_ENTERED_BY,
        tags::ORDER_ENTERER_LOCATION,
        tags::ORDER_CALLBACK_PHONE_NUMBER,
        tags::ORDER_CALLBACK_TELECOM_INFORMATION,
        tags::NAMES_OF_INTENDED_RECIPIENTS_OF_RESULTS,
        tags::INTENDED_RECIPIENTS_OF_RESULTS_IDENTIFICATION_SEQUENCE,
        tags::PERSON_ADDRESS,
        tags::PERSON_TELEPHONE_NUMBERS,
        tags::PERSON_TELECOM_INFORMATION,
        tags::DIGITAL_SIGNATURES_SEQUENCE,
    ];
    if EMPTY.contains(&tag) {
        Act::Empty
    } else if REMOVE.contains(&tag)
        || tag == tags::DATA_SET_TRAILING_PADDING
        || tag == tags::MAC
        || tag == tags::REFERENCED_DIGITAL_SIGNATURE_SEQUENCE
        || tag == tags::REFERENCED_SOP_INSTANCE_MAC_SEQUENCE
    {
        Act::Remove
    } else {
        Act::Keep
    }
}

impl Session {
    pub fn new(options: Options) -> Session {
        Session {
            options,
            uids: HashMap::new(),
            shifts: HashMap::new(),
            subjects: HashMap::new(),
            seed: None,
        }
    }

    /// A session whose new UIDs and date shifts are a function of `seed` (kept secret: whoever
    /// holds it can tell which original UID a new one stands for).
    pub fn seeded(options: Options, seed: [u8; 32]) -> Session {
        Session {
            seed: Some(zeroize::Zeroizing::new(seed)),
            ..Session::new(options)
        }
    }

    fn derived(&self, label: &str, input: &str) -> Option<[u8; 16]> {
        let seed = self.seed.as_ref()?;
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(seed.as_ref()), input.as_bytes());
        let mut out = [0u8; 16];
        // 16 bytes is always a valid HKDF-SHA256 output length
        let _ = hk.expand(label.as_bytes(), &mut out);
        Some(out)
    }

    /// A session for `preset`.
    pub fn for_preset(preset: Preset) -> Session {
        Session::new(preset.options())
    }

    pub fn options(&self) -> Options {
        self.options
    }

    /// The new UID for `original`, the same for the whole session.
    pub fn map_uid(&mut self, original: &str) -> String {
        let original = original.trim_end_matches(['\0', ' ']);
        if let Some(new) = self.uids.get(original) {
            return new.clone();
        }
        let new = match self.derived("scanpass deid uid v1", original) {
            Some(bytes) => uuid_uid(u128::from_be_bytes(bytes)),
            None => new_uid(),
        };
        self.uids.insert(original.to_string(), new.clone());
        new
    }

    fn shift_for(&mut self, patient: &str) -> i64 {
        use rand::Rng;
        if let Some(&days) = self.shifts.get(patient) {
            return days;
        }
        let days = match self.derived("scanpass deid shift v1", patient) {
            Some(b) => -(30 + (u128::from_be_bytes(b) % 3621) as i64),
            None => -rand::thread_rng().gen_range(30..=3650),
        };
        self.shifts.insert(patient.to_string(), days);
        days
    }

    /// The pseudonym of one patient of the session: `SUBJECT-` and eight hex digits, random (or
    /// derived from the seed), the same for every file of that patient.
    fn subject_for(&mut self, patient: &str) -> String {
        use rand::RngCore;
        if let Some(s) = self.subjects.get(patient) {
            return s.clone();
        }
        let bytes = match self.derived("scanpass deid subject v1", patient) {
            Some(b) => [b[0], b[1], b[2], b[3]],
            None => rand::thread_rng().next_u32().to_be_bytes(),
        };
        let subject = format!("SUBJECT-{}", hex::encode_upper(bytes));
        self.subjects.insert(patient.to_string(), subject.clone());
        subject
    }

    /// De-identify `obj` in place, meta group included.
    pub fn apply(&mut self, obj: &mut Object) -> Result<Report> {
        let mut report = Report {
            burned_in_risk: burned_in_risk(obj),
            ..Report::default()
        };
        let identity = Identity::of(obj);
        let patient = patient_identity(obj);
        let shift = match self.options.dates {
            Dates::Shift if !self.options.keep_identity => self.shift_for(&patient),
            _ => 0,
        };
        let mut ctx = Ctx {
            identity,
            shift,
            report: &mut report,
        };
        self.dataset(obj, &mut ctx, 0)?;
        if !self.options.keep_identity {
            // Z allows a dummy value: one pseudonym per patient, so that the studies of two
            // people shared together still show as two people
            let subject = self.subject_for(&patient);
            obj.put(DataElement::new(
                tags::PATIENT_NAME,
                VR::PN,
                PrimitiveValue::from(subject.clone()),
            ));
            obj.put(DataElement::new(
                tags::PATIENT_ID,
                VR::LO,
                PrimitiveValue::from(subject),
            ));
        }
        self.mark(obj);

        // the meta group, anew: the new instance UID, the same class and transfer syntax
        let meta = obj.meta();
        let sop_class = meta
            .media_storage_sop_class_uid()
            .trim_end_matches(['\0', ' '])
            .to_string();
        let ts = meta
            .transfer_syntax()
            .trim_end_matches(['\0', ' '])
            .to_string();
        let old_instance = meta
            .media_storage_sop_instance_uid()
            .trim_end_matches(['\0', ' '])
            .to_string();
        let instance = match obj
            .get(tags::SOP_INSTANCE_UID)
            .and_then(|e| e.to_str().ok())
        {
            Some(s) if !s.trim().is_empty() => s.trim_end_matches(['\0', ' ']).to_string(),
            _ if self.options.retain_uids || self.options.keep_identity => old_instance,
            _ => self.map_uid(&old_instance),
        };
        let meta = FileMetaTableBuilder::new()
            .media_storage_sop_class_uid(sop_class)
            .media_storage_sop_instance_uid(instance)
            .transfer_syntax(ts)
            .implementation_class_uid(IMPLEMENTATION_CLASS_UID)
            .implementation_version_name("SCANPASS_DEID")
            .build()
            .map_err(|e| Error::InvalidArgument(format!("de-identified meta group: {e}")))?;
        *obj.meta_mut() = meta;
        Ok(report)
    }

    /// Patient Identity Removed, De-identification Method (and its codes), Longitudinal
    /// Temporal Information Modified.
    fn mark(&self, ds: &mut InMemDicomObject) {
        let o = self.options;
        let cs = |tag, v: &str| DataElement::new(tag, VR::CS, PrimitiveValue::from(v.to_string()));
        if o.keep_identity {
            ds.put(cs(tags::PATIENT_IDENTITY_REMOVED, "NO"));
            ds.put(DataElement::new(
                tags::DEIDENTIFICATION_METHOD,
                VR::LO,
                PrimitiveValue::from("Scanpass second-opinion: private, staff removed"),
            ));
            return;
        }
        ds.put(cs(tags::PATIENT_IDENTITY_REMOVED, "YES"));
        let mut codes = vec![("113100", "Basic Application Confidentiality Profile")];
        if o.retain_patient_characteristics {
            codes.push(("113108", "Retain Patient Characteristics Option"));
        }
        match o.dates {
            Dates::Keep => codes.push((
                "113106",
                "Retain Longitudinal Temporal Information Full Dates Option",
            )),
            Dates::Shift => codes.push((
                "113107",
                "Retain Longitudinal Temporal Information Modified Dates Option",
            )),
            Dates::Remove => {}
        }
        if o.retain_uids {
            codes.push(("113110", "Retain UIDs Option"));
        }
        if o.clean_descriptors {
            codes.push(("113105", "Clean Descriptors Option"));
        }
        let method: Vec<String> = std::iter::once("Scanpass PS3.15 E.1 Basic".to_string())
            .chain(codes[1..].iter().map(|(_, m)| m.replace(" Option", "")))
            .map(|m| m.chars().take(64).collect())
            .collect();
        ds.put(DataElement::new(
            tags::DEIDENTIFICATION_METHOD,
            VR::LO,
            PrimitiveValue::Strs(method.into()),
        ));
        let items: Vec<InMemDicomObject> = codes
            .iter()
            .map(|(value, meaning)| {
                InMemDicomObject::from_element_iter([
                    DataElement::new(
                        tags::CODE_VALUE,
                        VR::SH,
                        PrimitiveValue::from(value.to_string()),
                    ),
                    DataElement::new(
                        tags::CODING_SCHEME_DESIGNATOR,
                        VR::SH,
                        PrimitiveValue::from("DCM"),
                    ),
                    DataElement::new(
                        tags::CODE_MEANING,
                        VR::LO,
                        PrimitiveValue::from(meaning.to_string()),
                    ),
                ])
            })
            .collect();
        ds.put(DataElement::new(
            tags::DEIDENTIFICATION_METHOD_CODE_SEQUENCE,
            VR::SQ,
            DataSetSequence::from(items),
        ));
        let temporal = match o.dates {
            Dates::Keep => "UNMODIFIED",
            Dates::Shift => "MODIFIED",
            Dates::Remove => "REMOVED",
        };
        ds.put(cs(
            tags::LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED,
            temporal,
        ));
    }

    /// The action for `tag` under the options (private, repeating groups and group lengths are
    /// decided by the caller).
    fn act(&self, tag: Tag, vr: VR) -> Act {
        let o = self.options;
        if o.keep_identity {
            return second_opinion_act(tag);
        }
        let code = match table::lookup(tag) {
            Some(row) => {
                let mut options = Vec::new();
                if o.retain_uids {
                    options.push(row.retain_uids);
                }
                if o.retain_patient_characteristics {
                    options.push(row.retain_patient_characteristics);
                }
                if o.clean_descriptors {
                    options.push(row.clean_descriptors);
                }
                if row.dates {
                    match o.dates {
                        Dates::Keep => options.push(Some(Code::K)),
                        Dates::Shift => options.push(Some(Code::C)),
                        Dates::Remove => {}
                    }
                }
                let options: Vec<Code> = options.into_iter().flatten().collect();
                // the most retaining option wins: K, then C, then what an option says instead
                if options.contains(&Code::K) {
                    Code::K
                } else if options.contains(&Code::C) {
                    Code::C
                } else {
                    options.first().copied().unwrap_or(row.basic)
                }
            }
            None => return self.act_beyond_table(tag, vr),
        };
        match code {
            Code::K => Act::Keep,
            Code::X => Act::Remove,
            Code::Z | Code::XZ => Act::Empty,
            Code::D | Code::XD | Code::ZD | Code::XZD => Act::Dummy,
            Code::U => Act::Uid,
            Code::XZU => {
                if vr == VR::SQ {
                    Act::Keep
                } else {
                    Act::Empty
                }
            }
            Code::C => Act::Clean,
        }
    }

    /// The conservative rules for attributes the table does not name.
    fn act_beyond_table(&self, tag: Tag, vr: VR) -> Act {
        let o = self.options;
        match vr {
            VR::PN => Act::Empty,
            VR::DA | VR::DT | VR::TM => match o.dates {
                Dates::Remove => Act::Dummy,
                Dates::Keep => Act::Keep,
                Dates::Shift => Act::Clean,
            },
            VR::UI if !o.retain_uids && !CLASS_UID_TAGS.contains(&tag) => Act::Uid,
            _ => Act::Keep,
        }
    }

    fn dataset(&mut self, ds: &mut InMemDicomObject, ctx: &mut Ctx, depth: u32) -> Result<()> {
        if depth > 64 {
            return Err(Error::InvalidArgument(
                "sequences nested too deep to de-identify".into(),
            ));
        }
        let all: Vec<Tag> = ds.tags().collect();
        for tag in all {
            let group = tag.group();
            if group % 2 == 1 {
                ds.remove_element(tag);
                ctx.report.private_removed += 1;
                continue;
            }
            if tag.element() == 0 || (0x5000..=0x50FF).contains(&group) {
                ds.remove_element(tag);
                ctx.report.removed += 1;
                continue;
            }
            if (0x6000..=0x60FF).contains(&group) && !self.options.keep_identity {
                ds.remove_element(tag);
                ctx.report.removed += 1;
                continue;
            }
            let Some(elem) = ds.take(tag) else { continue };
            let vr = elem.vr();
            let act = self.act(tag, vr);
            if let Some(new) = self.element(elem, act, ctx, depth)? {
                ds.put(new);
            }
        }
        Ok(())
    }

    fn element(
        &mut self,
        elem: dicom_object::mem::InMemElement,
        act: Act,
        ctx: &mut Ctx,
        depth: u32,
    ) -> Result<Option<dicom_object::mem::InMemElement>> {
        let tag = elem.tag();
        let vr = elem.vr();
        if act == Act::Remove {
            ctx.report.removed += 1;
            return Ok(None);
        }
        if vr == VR::SQ {
            let emptied_codes = [
                tags::PERSON_IDENTIFICATION_CODE_SEQUENCE,
                tags::INSTITUTION_CODE_SEQUENCE,
            ];
            if act == Act::Empty || (emptied_codes.contains(&tag) && !self.options.keep_identity) {
                ctx.report.emptied += 1;
                return Ok(Some(DataElement::new(
                    tag,
                    VR::SQ,
                    DataSetSequence::<InMemDicomObject>::empty(),
                )));
            }
            // every other action keeps the items and de-identifies them
            let Value::Sequence(seq) = elem.into_value() else {
                return Ok(None);
            };
            let mut items = seq.into_items().into_vec();
            for item in &mut items {
                self.dataset(item, ctx, depth + 1)?;
            }
            return Ok(Some(DataElement::new(
                tag,
                VR::SQ,
                DataSetSequence::from(items),
            )));
        }
        Ok(Some(match act {
            Act::Keep => elem,
            Act::Remove => unreachable!("handled above"),
            Act::Empty => {
                ctx.report.emptied += 1;
                DataElement::new(tag, vr, PrimitiveValue::Empty)
            }
            Act::Dummy => {
                ctx.report.dummied += 1;
                DataElement::new(tag, vr, dummy(vr))
            }
            Act::Uid => {
                let text = elem.to_str().map(|s| s.to_string()).unwrap_or_default();
                if text.trim_end_matches(['\0', ' ']).is_empty() {
                    elem
                } else {
                    let mapped: Vec<String> = text
                        .split('\\')
                        .map(|u| {
                            let u = u.trim_end_matches(['\0', ' ']);
                            if u.starts_with("1.2.840.10008.") {
                                u.to_string()
                            } else {
                                self.map_uid(u)
                            }
                        })
                        .collect();
                    ctx.report.uids_replaced += 1;
                    DataElement::new(tag, vr, PrimitiveValue::Strs(mapped.into()))
                }
            }
            Act::Clean => match vr {
                VR::DA | VR::DT => {
                    let text = elem.to_str().map(|s| s.to_string()).unwrap_or_default();
                    match shift_dates(&text, vr, ctx.shift) {
                        Some(v) => {
                            ctx.report.dates_shifted += 1;
                            DataElement::new(tag, vr, PrimitiveValue::from(v))
                        }
                        None => {
                            // a date we cannot read is not kept
                            ctx.report.dummied += 1;
                            DataElement::new(tag, vr, dummy(vr))
                        }
                    }
                }
                VR::TM => elem,
                VR::AE
                | VR::AS
                | VR::CS
                | VR::LO
                | VR::LT
                | VR::SH
                | VR::ST
                | VR::UC
                | VR::UT
                | VR::PN => {
                    let clean = elem
                        .to_str()
                        .map(|s| ctx.identity.text_is_clean(&s))
                        .unwrap_or(false);
                    if clean {
                        elem
                    } else {
                        ctx.report.cleaned += 1;
                        DataElement::new(tag, vr, PrimitiveValue::Empty)
                    }
                }
                // numbers and codes carry no free text
                _ => elem,
            },
        }))
    }
}

struct Ctx<'a> {
    identity: Identity,
    shift: i64,
    report: &'a mut Report,
}

/// A non-zero length value of `vr` that says nothing.
fn dummy(vr: VR) -> PrimitiveValue {
    match vr {
        VR::DA => PrimitiveValue::from("19000101"),
        VR::TM => PrimitiveValue::from("000000"),
        VR::DT => PrimitiveValue::from("19000101000000"),
        VR::AS => PrimitiveValue::from("000Y"),
        VR::IS | VR::DS => PrimitiveValue::from("0"),
        VR::UI => PrimitiveValue::from(new_uid()),
        VR::US => PrimitiveValue::from(0u16),
        VR::SS => PrimitiveValue::from(0i16),
        VR::UL => PrimitiveValue::from(0u32),
        VR::SL => PrimitiveValue::from(0i32),
        VR::FL => PrimitiveValue::from(0f32),
        VR::FD => PrimitiveValue::from(0f64),
        VR::AE | VR::CS | VR::LO | VR::LT | VR::PN | VR::SH | VR::ST | VR::UC | VR::UT => {
            PrimitiveValue::from(DUMMY_TEXT)
        }
        _ => PrimitiveValue::Empty,
    }
}

/// `2.25.` + a random version 4 UUID as a decimal integer.
fn new_uid() -> String {
    uuid_uid(rand::random())
}

/// `2.25.` and the UUID made of the 128 bits `v` with the version-4 and variant bits set.
fn uuid_uid(mut v: u128) -> String {
    v = (v & !(0xF << 76)) | (0x4 << 76); // version 4
    v = (v & !(0x3 << 62)) | (0x2 << 62); // RFC 4122 variant
    format!("2.25.{v}")
}

/// Shift every value of a DA or DT element by `days`; None when a value does not read.
fn shift_dates(text: &str, vr: VR, days: i64) -> Option<String> {
    use chrono::{Duration, NaiveDate};
    let shifted: Option<Vec<String>> = text
        .trim_end_matches(['\0', ' '])
        .split('\\')
        .map(|v| {
            let v = v.trim();
            if v.is_empty() {
                return Some(String::new());
            }
            if vr == VR::DA && v.contains('-') {
                return None; // date ranges appear only in queries
            }
            let date = NaiveDate::parse_from_str(v.get(..8)?, "%Y%m%d").ok()?;
            let new = date.checked_add_signed(Duration::days(days))?;
            Some(format!("{}{}", new.format("%Y%m%d"), &v[8..]))
        })
        .collect();
    shifted.map(|v| v.join("\\"))
}

/// De-identify one Part 10 file held in memory (any wrapping [`parse`] reads); Part 10 out.
pub fn deidentify_bytes(session: &mut Session, bytes: &[u8]) -> Result<Vec<u8>> {
    let mut obj = parse(bytes, ReadDepth::Full)?;
    session.apply(&mut obj)?;
    let mut out = Vec::with_capacity(bytes.len());
    obj.write_all(&mut out)
        .map_err(|e| Error::InvalidArgument(format!("cannot write the de-identified file: {e}")))?;
    Ok(out)
}
