//! The answers a request is made of, their validation and the answers-file format.
//!
//! Every field is kept as the patient typed it (trimmed), so that a wizard screen shows it back
//! unchanged; validation checks it and [`FieldError`] names the field (`provider.email`,
//! `patient.date_of_birth`) and the problem, never the value: errors may be logged.
//!
//! The answers file of `scanpass request new --answers FILE.json`:
//! ```json
//! {"jurisdiction": "EU",
//!  "provider": {"name": "...", "address": "...", "email": "...", "fax": "..."},
//!  "patient": {"name": "...", "date_of_birth": "1970-01-31",
//!              "address": "...", "email": "...", "phone": "...", "record_number": "..."},
//!  "studies": "CT head, March 2024",
//!  "reports": true,
//!  "format": "dicom-download",
//!  "deliver_to": {"name": "Dr ...", "address": "...", "email": "..."},
//!  "language": "en",
//!  "authority": "the supervisory authority's name and address (EU)",
//!  "expedited": {"by": "2026-12-20", "reason": "..."},
//!  "sent_on": "2025-01-31", "channel": "email", "acknowledged_on": "2025-02-03"}
//! ```
//! Required: `jurisdiction`, `provider.name` and one of its `address`, `email` or `fax`,
//! `patient.name`, `patient.date_of_birth`, `studies`, `format`; `patient.address` when a CD or
//! USB drive is posted to the patient (`deliver_to.address` when it is posted to a doctor).
//! `studies` may also be an object `{"all", "from", "to", "modality", "body_part",
//! "description"}`; `deliver_to` may be a string (the doctor's name and address). `authority` is
//! for EU requests (the patient chooses the supervisory authority), `expedited` for Ontario
//! (PHIPA s. 54(5)); `acknowledged_on` is the day the provider received the request, when known.
//! Unknown keys are rejected, so that a typo is not silently lost.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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

/// What an answers file holds: the answers and, when the request was already sent, when and how.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswersFile {
    pub answers: Answers,
    pub sent_on: Option<NaiveDate>,
    pub channel: Option<Channel>,
    /// The day the provider received the request (its acknowledgement), when known.
    pub acknowledged_on: Option<NaiveDate>,
}

/// Read an answers file (JSON). Every problem is reported, each naming its field.
pub fn from_json(bytes: &[u8], today: NaiveDate) -> Result<AnswersFile, Vec<FieldError>> {
    let root: Value = serde_json::from_slice(bytes).map_err(|e| {
        // serde_json's message can quote the input: report only where and what kind
        let what = match e.classify() {
            serde_json::error::Category::Io => "cannot be read",
            serde_json::error::Category::Syntax => "is not valid JSON",
            serde_json::error::Category::Data => "has the wrong shape",
            serde_json::error::Category::Eof => "ends too early",
        };
        vec![FieldError::new(
            "answers",
            format!("{what} (line {}, column {})", e.line(), e.column()),
        )]
    })?;
    let Value::Object(root) = root else {
        return Err(vec![FieldError::new("answers", "must be a JSON object")]);
    };
    let mut e = Vec::new();
    unknown_keys(
        &mut e,
        "",
        &root,
        &[
            "jurisdiction",
            "language",
            "provider",
            "patient",
            "studies",
            "reports",
            "format",
            "deliver_to",
            "authority",
            "expedited",
            "sent_on",
            "channel",
            "acknowledged_on",
        ],
    );

    let jurisdiction = match root.get("jurisdiction") {
        None | Some(Value::Null) => {
            e.push(FieldError::missing("jurisdiction"));
            None
        }
        Some(Value::String(s)) => {
            let j = Jurisdiction::from_code(s);
            if j.is_none() {
                e.push(FieldError::new(
                    "jurisdiction",
                    "must be one of US, EU, UK, CA, CA-ON, AU",
                ));
            }
            j
        }
        Some(_) => {
            e.push(FieldError::new("jurisdiction", "must be a string"));
            None
        }
    };
    let language = match root.get("language") {
        None | Some(Value::Null) => Language::En,
        Some(Value::String(s)) => Language::from_code(s).unwrap_or_else(|| {
            e.push(FieldError::new("language", "must be en or fr"));
            Language::En
        }),
        Some(_) => {
            e.push(FieldError::new("language", "must be a string"));
            Language::En
        }
    };
    if jurisdiction.is_some() {
        e.extend(validate_jurisdiction(jurisdiction, language));
    }

    let provider = object(&mut e, &root, "provider", true).map(|m| {
        unknown_keys(&mut e, "provider", m, &["name", "address", "email", "fax"]);
        Provider {
            name: string(&mut e, m, "provider", "name"),
            address: string(&mut e, m, "provider", "address"),
            email: string(&mut e, m, "provider", "email"),
            fax: string(&mut e, m, "provider", "fax"),
            authority: String::new(),
        }
    });
    if let Some(p) = &provider {
        e.extend(p.validate());
    }

    let patient = object(&mut e, &root, "patient", true).map(|m| {
        unknown_keys(
            &mut e,
            "patient",
            m,
            &[
                "name",
                "date_of_birth",
                "address",
                "email",
                "phone",
                "record_number",
            ],
        );
        Patient {
            name: string(&mut e, m, "patient", "name"),
            date_of_birth: string(&mut e, m, "patient", "date_of_birth"),
            address: string(&mut e, m, "patient", "address"),
            email: string(&mut e, m, "patient", "email"),
            phone: string(&mut e, m, "patient", "phone"),
            record_number: string(&mut e, m, "patient", "record_number"),
        }
    });
    if let Some(p) = &patient {
        e.extend(p.validate(today));
    }

    let reports = match root.get("reports") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            e.push(FieldError::new("reports", "must be true or false"));
            true
        }
    };
    let studies = match root.get("studies") {
        None | Some(Value::Null) => {
            e.push(FieldError::missing("studies"));
            None
        }
        Some(Value::String(s)) => {
            let t = s.trim();
            let all = matches!(
                t.to_ascii_lowercase().as_str(),
                "all" | "all imaging" | "all studies" | "tout" | "tous"
            );
            Some(Studies {
                all,
                description: if all { String::new() } else { t.to_string() },
                reports,
                expedited: None,
                ..Studies::default()
            })
        }
        Some(Value::Object(m)) => {
            unknown_keys(
                &mut e,
                "studies",
                m,
                &["all", "from", "to", "modality", "body_part", "description"],
            );
            let all = match m.get("all") {
                None | Some(Value::Null) => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => {
                    e.push(FieldError::new("studies.all", "must be true or false"));
                    false
                }
            };
            Some(Studies {
                all,
                from: string(&mut e, m, "studies", "from"),
                to: string(&mut e, m, "studies", "to"),
                modality: string(&mut e, m, "studies", "modality"),
                body_part: string(&mut e, m, "studies", "body_part"),
                description: string(&mut e, m, "studies", "description"),
                reports,
                expedited: None,
            })
        }
        Some(_) => {
            e.push(FieldError::new(
                "studies",
                "must be text, or an object with all, from, to, modality, body_part, description",
            ));
            None
        }
    };
    if let Some(s) = &studies {
        e.extend(s.validate(today));
    }

    let format = match root.get("format") {
        None | Some(Value::Null) => {
            e.push(FieldError::missing("format"));
            None
        }
        Some(Value::String(s)) => {
            let f = Format::from_code(s);
            if f.is_none() {
                e.push(FieldError::new(
                    "format",
                    "must be dicom-download or dicom-media",
                ));
            }
            f
        }
        Some(_) => {
            e.push(FieldError::new("format", "must be a string"));
            None
        }
    };

    let delivery = match root.get("deliver_to") {
        None | Some(Value::Null) => Delivery::Patient,
        Some(Value::String(s)) if s.trim().is_empty() => Delivery::Patient,
        Some(Value::String(s)) => {
            // "Dr A. Example, 1 Street, Town": the name, then the address
            let (name, address) = match s.split_once([',', '\n']) {
                Some((n, a)) => (n.trim().to_string(), a.trim().to_string()),
                None => (s.trim().to_string(), String::new()),
            };
            Delivery::Doctor(Doctor {
                name,
                address,
                email: String::new(),
            })
        }
        Some(Value::Object(m)) => {
            unknown_keys(&mut e, "deliver_to", m, &["name", "address", "email"]);
            Delivery::Doctor(Doctor {
                name: string(&mut e, m, "deliver_to", "name"),
                address: string(&mut e, m, "deliver_to", "address"),
                email: string(&mut e, m, "deliver_to", "email"),
            })
        }
        Some(_) => {
            e.push(FieldError::new(
                "deliver_to",
                "must be an object with name, address, email (or left out)",
            ));
            Delivery::Patient
        }
    };
    e.extend(delivery.validate());
    if let (Some(f), Some(p)) = (format, &patient) {
        e.extend(validate_media(f, &delivery, p));
    }

    let authority = match root.get("authority") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(_) => {
            e.push(FieldError::new("authority", "must be a string"));
            String::new()
        }
    };
    let expedited = match root.get("expedited") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => {
            unknown_keys(&mut e, "expedited", m, &["by", "reason"]);
            Some(Expedited {
                by: string(&mut e, m, "expedited", "by"),
                reason: string(&mut e, m, "expedited", "reason"),
            })
        }
        Some(_) => {
            e.push(FieldError::new(
                "expedited",
                "must be an object with by (YYYY-MM-DD) and reason",
            ));
            None
        }
    };
    if let Some(j) = jurisdiction {
        e.extend(validate_extras(j, &authority, expedited.as_ref(), today));
    }

    let sent_on = match root.get("sent_on") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => check_date(&mut e, "sent_on", s, false, today),
        Some(_) => {
            e.push(FieldError::new(
                "sent_on",
                "must be a date written YYYY-MM-DD",
            ));
            None
        }
    };
    let channel = match root.get("channel") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let c = Channel::from_code(s);
            if c.is_none() {
                e.push(FieldError::new(
                    "channel",
                    "must be one of email, post, fax, portal, in-person",
                ));
            }
            c
        }
        Some(_) => {
            e.push(FieldError::new("channel", "must be a string"));
            None
        }
    };
    if channel.is_some() && sent_on.is_none() && root.get("sent_on").is_none() {
        e.push(FieldError::new("channel", "is given without sent_on"));
    }
    let acknowledged_on = match root.get("acknowledged_on") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => check_date(&mut e, "acknowledged_on", s, false, today),
        Some(_) => {
            e.push(FieldError::new(
                "acknowledged_on",
                "must be a date written YYYY-MM-DD",
            ));
            None
        }
    };
    match (acknowledged_on, sent_on) {
        (Some(_), None) if root.get("sent_on").is_none() => e.push(FieldError::new(
            "acknowledged_on",
            "is given without sent_on",
        )),
        (Some(a), Some(s)) if a < s => {
            e.push(FieldError::new("acknowledged_on", "is before sent_on"))
        }
        _ => {}
    }

    match (jurisdiction, provider, patient, studies, format) {
        (
            Some(jurisdiction),
            Some(mut provider),
            Some(patient),
            Some(mut studies),
            Some(format),
        ) if e.is_empty() => {
            provider.authority = authority;
            studies.expedited = expedited;
            let answers = Answers {
                jurisdiction,
                language,
                provider,
                patient,
                studies,
                format,
                delivery,
            };
            Ok(AnswersFile {
                answers,
                sent_on,
                channel,
                acknowledged_on,
            })
        }
        _ => {
            e.dedup();
            Err(e)
        }
    }
}

fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn unknown_keys(e: &mut Vec<FieldError>, parent: &str, m: &Map<String, Value>, known: &[&str]) {
    for k in m.keys() {
        if !known.contains(&k.as_str()) {
            // a key is the file's structure, not patient data; keep it short all the same
            // and printable: no control characters reach a terminal (found by the answers fuzzer)
            let shown: String = k.chars().filter(|c| !c.is_control()).take(40).collect();
            let shown = if shown.trim().is_empty() {
                "(an empty key)".to_string()
            } else {
                shown
            };
            e.push(FieldError::new(path(parent, &shown), "is not a known key"));
        }
    }
}

fn object<'a>(
    e: &mut Vec<FieldError>,
    root: &'a Map<String, Value>,
    key: &str,
    required: bool,
) -> Option<&'a Map<String, Value>> {
    match root.get(key) {
        Some(Value::Object(m)) => Some(m),
        None | Some(Value::Null) => {
            if required {
                e.push(FieldError::missing(key));
            }
            None
        }
        Some(_) => {
            e.push(FieldError::new(key, "must be an object"));
            None
        }
    }
}

fn string(e: &mut Vec<FieldError>, m: &Map<String, Value>, parent: &str, key: &str) -> String {
    match m.get(key) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(_) => {
            e.push(FieldError::new(path(parent, key), "must be a string"));
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        parse_iso("2025-06-01").unwrap()
    }

    const GOOD: &str = r#"{"jurisdiction": "EU",
        "provider": {"name": "Clinique Exemple", "address": "1 Rue X, Paris", "email": "records@example.org"},
        "patient": {"name": "Ana Example", "date_of_birth": "1980-02-29", "email": "ana@example.net"},
        "studies": "CT head March 2024", "format": "dicom-download", "sent_on": "2025-01-31"}"#;

    #[test]
    fn an_empty_or_unprintable_key_is_still_named() {
        // found by the answers fuzzer: `{"": 2}` gave an error naming no field
        for json in [r#"{"": 2}"#, "{\"\\u0007\": 2}"] {
            let errors = from_json(json.as_bytes(), today()).unwrap_err();
            let unknown: Vec<_> = errors
                .iter()
                .filter(|e| e.problem.contains("not a known key"))
                .collect();
            assert_eq!(unknown.len(), 1, "{json}: {errors:?}");
            assert_eq!(unknown[0].field, "(an empty key)", "{json}");
        }
    }

    #[test]
    fn a_good_file_reads() {
        let f = from_json(GOOD.as_bytes(), today()).unwrap();
        assert_eq!(f.answers.jurisdiction, Jurisdiction::Eu);
        assert_eq!(f.answers.format, Format::DicomDownload);
        assert_eq!(f.answers.delivery, Delivery::Patient);
        assert!(f.answers.studies.reports);
        assert_eq!(f.sent_on, parse_iso("2025-01-31"));
        assert!(f.answers.validate(today()).is_empty());
    }

    fn fields(json: &str) -> Vec<String> {
        from_json(json.as_bytes(), today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn bad_files_name_the_field_and_never_the_value() {
        let cases: &[(&str, &str, &str)] = &[
            (
                r#""jurisdiction": "EU""#,
                r#""jurisdiction": "FR""#,
                "jurisdiction",
            ),
            (
                r#""format": "dicom-download""#,
                r#""format": "jpeg""#,
                "format",
            ),
            (
                r#""1980-02-29""#,
                r#""29/02/1980""#,
                "patient.date_of_birth",
            ),
            (
                r#""1980-02-29""#,
                r#""1981-02-29""#,
                "patient.date_of_birth",
            ),
            (
                r#""1980-02-29""#,
                r#""2090-01-01""#,
                "patient.date_of_birth",
            ),
            (
                r#""records@example.org""#,
                r#""records-at-example""#,
                "provider.email",
            ),
            (r#""name": "Ana Example", "#, "", "patient.name"),
            (
                r#""sent_on": "2025-01-31""#,
                r#""sent_on": "2025-31-01""#,
                "sent_on",
            ),
            (
                r#""sent_on": "2025-01-31""#,
                r#""sent_on": "2025-01-31", "colour": 1"#,
                "colour",
            ),
            (
                r#""studies": "CT head March 2024""#,
                r#""studies": """#,
                "studies",
            ),
            (
                r#""studies": "CT head March 2024""#,
                r#""studies": 7"#,
                "studies",
            ),
            (
                r#""sent_on": "2025-01-31""#,
                r#""sent_on": "2025-01-31", "deliver_to": {"name": "Dr B"}"#,
                "deliver_to.address",
            ),
            (
                r#""sent_on": "2025-01-31""#,
                r#""sent_on": "2025-01-31", "language": "fr""#,
                "language",
            ),
        ];
        for (from, to, field) in cases {
            let json = GOOD.replacen(from, to, 1);
            assert_ne!(json, GOOD, "case {field} did not change the file");
            let got = fields(&json);
            assert!(got.iter().any(|f| f == field), "{field}: got {got:?}");
            let err = join(&from_json(json.as_bytes(), today()).unwrap_err());
            for secret in ["Ana Example", "1980", "records@", "29/02", "jpeg", "FR\""] {
                assert!(!err.contains(secret), "{field}: error shows a value: {err}");
            }
        }
        assert_eq!(fields("[1]"), ["answers"]);
        assert_eq!(fields("{\"jurisdiction\": "), ["answers"]);
        let missing = fields("{}");
        for f in ["jurisdiction", "provider", "patient", "studies", "format"] {
            assert!(missing.iter().any(|m| m == f), "{f}: {missing:?}");
        }
    }

    #[test]
    fn provider_needs_a_way_to_reach_it() {
        let p = Provider {
            name: "X".into(),
            ..Provider::default()
        };
        assert_eq!(p.validate()[0].field, "provider.address");
        let p = Provider {
            name: "X".into(),
            fax: "+1 (555) 010-9999".into(),
            ..Provider::default()
        };
        assert!(p.validate().is_empty());
    }

    #[test]
    fn french_only_for_canada() {
        assert!(validate_jurisdiction(Some(Jurisdiction::Ca), Language::Fr).is_empty());
        assert!(validate_jurisdiction(Some(Jurisdiction::CaOn), Language::Fr).is_empty());
        assert_eq!(
            validate_jurisdiction(Some(Jurisdiction::Us), Language::Fr)[0].field,
            "language"
        );
    }
}
