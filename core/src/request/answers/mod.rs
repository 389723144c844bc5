//! The answers a request is made of and their validation (the answers-file format: `file.rs`).
//!
//! Every field is kept as the patient typed it (trimmed), so that a wizard screen shows it back
//! unchanged; validation checks it and [`FieldError`] names the field (`provider.email`,
//! `patient.date_of_birth`) and the problem, never the value: errors may be logged.

mod file;
#[cfg(test)]
mod tests;

pub use file::{from_json, AnswersFile};

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates::parse_iso;
use super::problem::Problem;
use super::tracking::Channel;
use super::{Jurisdiction, Language};

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's path, as in the answers file: `provider.email`.
    pub field: String,
    /// What is wrong, in English a patient can read (never the value itself).
    pub problem: String,
    /// The same by a stable code, which the screens translate; `None` for the answers file's
    /// own shape errors, which only the CLI meets.
    #[serde(skip)]
    pub code: Option<Problem>,
}

impl FieldError {
    /// An error the screens cannot translate (the answers file's shape): English only.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            problem: problem.into(),
            code: None,
        }
    }
    /// `problem` on `field`, in its standard English.
    pub fn of(field: impl Into<String>, problem: Problem) -> Self {
        Self::coded(field, problem, problem.english())
    }
    /// `problem` on `field`, with English that says more than the standard (a limit, an example).
    pub fn coded(field: impl Into<String>, problem: Problem, english: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            problem: english.into(),
            code: Some(problem),
        }
    }
    fn missing(field: &str) -> Self {
        Self::of(field, Problem::Required)
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for FieldError {}

impl From<FieldError> for crate::Error {
    fn from(e: FieldError) -> Self {
        crate::Error::InvalidArgument(e.to_string())
    }
}

/// All the errors of a set of answers on one line (the CLI's one-line contract).
pub fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The provider and its records department.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Provider {
    pub name: String,
    /// The records department's postal address (lines separated by newlines or commas).
    pub address: String,
    pub email: String,
    pub fax: String,
    /// EU: the data protection supervisory authority the patient chose for a complaint (name and
    /// postal address); the answers file's top-level `authority`.
    pub authority: String,
}

/// Who the records are about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Patient {
    pub name: String,
    /// ISO date, `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// The patient's own postal address, for the letter head and delivery.
    pub address: String,
    pub email: String,
    pub phone: String,
    /// A medical record or patient number at this provider, when known.
    pub record_number: String,
}

/// What to ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Studies {
    /// Every imaging study the provider holds.
    pub all: bool,
    /// First and last study date of a range (ISO), either may be empty.
    pub from: String,
    pub to: String,
    /// CT, MR, X-ray... free text.
    pub modality: String,
    pub body_part: String,
    /// Free text: "the CT of my head in March 2024".
    pub description: String,
    /// The radiology reports too.
    pub reports: bool,
    /// Ontario: expedited access (PHIPA s. 54(5)); the answers file's top-level `expedited`.
    pub expedited: Option<Expedited>,
}

/// An urgent need for access by a date (Ontario, PHIPA s. 54(5)).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Expedited {
    /// ISO date, `YYYY-MM-DD`: when access is needed.
    pub by: String,
    /// Why ("a second opinion before surgery on ..."), in the patient's words.
    pub reason: String,
}

impl Default for Studies {
    fn default() -> Self {
        Studies {
            all: false,
            from: String::new(),
            to: String::new(),
            modality: String::new(),
            body_part: String::new(),
            description: String::new(),
            reports: true,
            expedited: None,
        }
    }
}

/// The format asked for: always the complete studies as original DICOM files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    /// By secure download link.
    #[serde(rename = "dicom-download")]
    DicomDownload,
    /// On a CD or USB drive with a DICOMDIR.
    #[serde(rename = "dicom-media")]
    DicomMedia,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::DicomDownload => "dicom-download",
            Format::DicomMedia => "dicom-media",
        }
    }
    pub fn from_code(s: &str) -> Option<Format> {
        match s.trim() {
            "dicom-download" => Some(Format::DicomDownload),
            "dicom-media" => Some(Format::DicomMedia),
            _ => None,
        }
    }
}

/// A doctor to send the copy to directly.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Doctor {
    pub name: String,
    pub address: String,
    pub email: String,
}

/// Where the copy goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    Patient,
    Doctor(Doctor),
}

/// A complete, validated set of answers: what a request letter is written from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    pub jurisdiction: Jurisdiction,
    #[serde(default)]
    pub language: Language,
    pub provider: Provider,
    pub patient: Patient,
    pub studies: Studies,
    pub format: Format,
    pub delivery: Delivery,
}

const SHORT: usize = 200;
const LONG: usize = 1000;

fn check_text(errors: &mut Vec<FieldError>, field: &str, value: &str, required: bool, max: usize) {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push(FieldError::missing(field));
        }
    } else if v.chars().count() > max {
        errors.push(FieldError::coded(
            field,
            Problem::TooLong,
            format!("is too long (at most {max} characters)"),
        ));
    } else if v
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(FieldError::of(field, Problem::Control));
    }
}

fn check_email(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    let v = value.trim();
    if v.is_empty() {
        return;
    }
    let ok = v.len() <= 254
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && match v.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if !ok {
        errors.push(FieldError::of(field, Problem::Email));
    }
}

fn check_phone(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    let v = value.trim();
    if v.is_empty() {
        return;
    }
    let digits = v.chars().filter(|c| c.is_ascii_digit()).count();
    let ok = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        && (7..=20).contains(&digits);
    if !ok {
        errors.push(FieldError::of(field, Problem::Phone));
    }
}

/// A date field: `Ok(None)` when empty and optional.
fn check_date(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    required: bool,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push(FieldError::missing(field));
        }
        return None;
    }
    match parse_iso(v) {
        None => {
            errors.push(FieldError::of(field, Problem::Date));
            None
        }
        Some(d) if d > today => {
            errors.push(FieldError::of(field, Problem::Future));
            None
        }
        Some(d) if d < NaiveDate::from_ymd_opt(1880, 1, 1).unwrap_or(d) => {
            errors.push(FieldError::of(field, Problem::Past));
            None
        }
        Some(d) => Some(d),
    }
}

/// Check the jurisdiction and language.
pub fn validate_jurisdiction(
    jurisdiction: Option<Jurisdiction>,
    language: Language,
) -> Vec<FieldError> {
    let mut e = Vec::new();
    match jurisdiction {
        None => e.push(FieldError::missing("jurisdiction")),
        Some(j) if !j.languages().contains(&language) => {
            e.push(FieldError::of("language", Problem::Language))
        }
        Some(_) => {}
    }
    e
}

impl Provider {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        check_text(&mut e, "provider.name", &self.name, true, SHORT);
        check_text(&mut e, "provider.address", &self.address, false, LONG);
        check_email(&mut e, "provider.email", &self.email);
        check_phone(&mut e, "provider.fax", &self.fax);
        if self.address.trim().is_empty()
            && self.email.trim().is_empty()
            && self.fax.trim().is_empty()
        {
            e.push(FieldError::of("provider.address", Problem::ProviderReach));
        }
        e
    }
}

impl Patient {
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = Vec::new();
        check_text(&mut e, "patient.name", &self.name, true, SHORT);
        check_date(
            &mut e,
            "patient.date_of_birth",
            &self.date_of_birth,
            true,
            today,
        );
        check_text(&mut e, "patient.address", &self.address, false, LONG);
        check_email(&mut e, "patient.email", &self.email);
        check_phone(&mut e, "patient.phone", &self.phone);
        check_text(
            &mut e,
            "patient.record_number",
            &self.record_number,
            false,
            64,
        );
        e
    }
}

impl Studies {
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = Vec::new();
        let from = check_date(&mut e, "studies.from", &self.from, false, today);
        let to = check_date(&mut e, "studies.to", &self.to, false, today);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                e.push(FieldError::of("studies.to", Problem::Range));
            }
        }
        check_text(&mut e, "studies.modality", &self.modality, false, SHORT);
        check_text(&mut e, "studies.body_part", &self.body_part, false, SHORT);
        check_text(
            &mut e,
            "studies.description",
            &self.description,
            false,
            LONG,
        );
        let chosen = [
            &self.from,
            &self.to,
            &self.modality,
            &self.body_part,
            &self.description,
        ]
        .iter()
        .any(|s| !s.trim().is_empty());
        if !self.all && !chosen {
            e.push(FieldError::of("studies", Problem::Studies));
        }
        e
    }
}

/// Where the copy goes: media (a CD or USB drive) are posted, so they need a postal address, the
/// patient's or the doctor's, whatever email is given; a download needs the patient's email or
/// postal address.
pub fn validate_media(format: Format, delivery: &Delivery, patient: &Patient) -> Vec<FieldError> {
    let mut e = Vec::new();
    if format != Format::DicomMedia {
        // a download link goes to an email, or by post; the letter must say where
        if *delivery == Delivery::Patient
            && patient.email.trim().is_empty()
            && patient.address.trim().is_empty()
        {
            e.push(FieldError::of("patient.email", Problem::PatientReach));
        }
        return e;
    }
    match delivery {
        Delivery::Patient if patient.address.trim().is_empty() => {
            e.push(FieldError::of("patient.address", Problem::MediaPatient))
        }
        // with neither address nor email, Delivery::validate already names this field
        Delivery::Doctor(d) if d.address.trim().is_empty() && !d.email.trim().is_empty() => {
            e.push(FieldError::of("deliver_to.address", Problem::MediaDoctor))
        }
        _ => {}
    }
    e
}

/// The fields only some laws use: the EU complaint authority, Ontario's expedited access.
pub fn validate_extras(
    jurisdiction: Jurisdiction,
    authority: &str,
    expedited: Option<&Expedited>,
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut e = Vec::new();
    if !authority.trim().is_empty() {
        if jurisdiction.rule().patient_names_authority {
            check_text(&mut e, "authority", authority, true, LONG);
        } else {
            e.push(FieldError::of("authority", Problem::AuthorityEuOnly));
        }
    }
    if let Some(x) = expedited {
        if jurisdiction.rule().en.expedited.is_empty() {
            e.push(FieldError::of("expedited", Problem::ExpeditedOntarioOnly));
            return e;
        }
        check_text(&mut e, "expedited.reason", &x.reason, true, LONG);
        let by = x.by.trim();
        match parse_iso(by) {
            _ if by.is_empty() => e.push(FieldError::missing("expedited.by")),
            None => e.push(FieldError::coded(
                "expedited.by",
                Problem::Date,
                "is not a date written YYYY-MM-DD (for example 2026-12-20)",
            )),
            Some(d) if d <= today => e.push(FieldError::of("expedited.by", Problem::NotFuture)),
            Some(d) => {
                let rule = jurisdiction.rule();
                let ordinary = super::dates::deadline(today, rule.deadline, rule.roll);
                if ordinary.is_some_and(|o| d >= o) {
                    e.push(FieldError::of("expedited.by", Problem::ExpeditedLate));
                }
            }
        }
    }
    e
}

/// Warnings for the patient, from what is known so far (the wizard calls this step by step).
pub fn warnings(
    jurisdiction: Option<Jurisdiction>,
    provider: &Provider,
    delivery: Option<&Delivery>,
) -> Vec<String> {
    let Some(j) = jurisdiction else {
        return Vec::new();
    };
    let rule = j.rule();
    let mut out = Vec::new();
    if !rule.scope_warning.is_empty() {
        let name = provider.name.to_lowercase();
        let public = [
            "hospital",
            "hôpital",
            "hopital",
            "health authority",
            "santé",
            "sante",
            "régie",
            "regional health",
            "health sciences centre",
        ]
        .iter()
        .any(|w| name.contains(w));
        if public {
            out.push(format!(
                "The provider's name suggests a hospital or health authority. {}",
                rule.scope_warning
            ));
        } else {
            out.push(rule.scope_warning.to_string());
        }
    }
    if matches!(delivery, Some(Delivery::Doctor(_))) && !rule.third_party_warning.is_empty() {
        out.push(rule.third_party_warning.to_string());
    }
    out
}

impl Delivery {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if let Delivery::Doctor(d) = self {
            check_text(&mut e, "deliver_to.name", &d.name, true, SHORT);
            check_text(&mut e, "deliver_to.address", &d.address, false, LONG);
            check_email(&mut e, "deliver_to.email", &d.email);
            if d.address.trim().is_empty() && d.email.trim().is_empty() {
                e.push(FieldError::of("deliver_to.address", Problem::DoctorReach));
            }
        }
        e
    }
}

impl Answers {
    /// Every problem of these answers.
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = validate_jurisdiction(Some(self.jurisdiction), self.language);
        e.extend(self.provider.validate());
        e.extend(self.patient.validate(today));
        e.extend(self.studies.validate(today));
        e.extend(self.delivery.validate());
        e.extend(validate_media(self.format, &self.delivery, &self.patient));
        e.extend(validate_extras(
            self.jurisdiction,
            &self.provider.authority,
            self.studies.expedited.as_ref(),
            today,
        ));
        e
    }

    /// Warnings for the patient (not the letter): a copy sent to a doctor where the law's fee
    /// limits do not follow it; a provider the law may not cover.
    pub fn warnings(&self) -> Vec<String> {
        warnings(
            Some(self.jurisdiction),
            &self.provider,
            Some(&self.delivery),
        )
    }

    /// The patient's date of birth (validated answers always have one).
    pub fn date_of_birth(&self) -> Option<NaiveDate> {
        parse_iso(&self.patient.date_of_birth)
    }
}
