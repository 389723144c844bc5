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

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::*;

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
