//! The request wizard: its questions as fields, step by step.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::request::answers::{Delivery, Doctor, FieldError, Format};
use crate::request::flow::{self, Clock, RequestError};
use crate::request::wizard::{Event, Step, Wizard};
use crate::request::{Jurisdiction, RequestRecord};
use crate::text::{self, Arg, Language};
use crate::vault::Vault;

/// How a field is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines (an address).
    Multiline,
    /// A date, `YYYY-MM-DD`.
    Date,
    Email,
    Phone,
    /// On or off (`SetToggle`).
    Toggle,
    /// One of `choices` (`Choose`).
    Choice,
}

/// One answer of a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceItem {
    pub code: String,
    pub label: String,
}

/// One field of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The answers file's path (`provider.email`): what `SetText`, `SetToggle` and `Choose` name.
    pub id: String,
    pub kind: FieldKind,
    pub label: String,
    /// A line under the field, when it needs one.
    pub hint: Option<String>,
    pub required: bool,
    /// As typed; a toggle's is `true` or `false`; a choice's is its code (empty: none yet).
    pub value: String,
    /// What is wrong with it, after a refused `Next` or `Generate`.
    pub error: Option<String>,
    pub choices: Vec<ChoiceItem>,
}

/// One line of the review step; `step` is the step code `Edit` goes back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewItem {
    pub step: String,
    pub label: String,
    pub value: String,
    /// The button that goes back to the step ("Edit: Your details").
    pub edit_label: String,
}

/// What the patient did in the wizard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WizardEvent {
    SetText {
        field: String,
        value: String,
    },
    SetToggle {
        field: String,
        on: bool,
    },
    Choose {
        field: String,
        code: String,
    },
    Next,
    Back,
    /// Go back to a step already reached (the review's "change"), by its code.
    Edit {
        step: String,
    },
    /// On the review step: make the request.
    Generate,
}

/// The wizard as the shell draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WizardScreenView {
    /// The step's code: `jurisdiction`, `provider`, `patient`, `studies`, `format`, `delivery`,
    /// `review`, `done`.
    pub step: String,
    pub number: u32,
    pub count: u32,
    /// "Step 2 of 7".
    pub progress: String,
    pub title: String,
    pub help: String,
    pub fields: Vec<Field>,
    /// Errors of fields not on this step ("Date of birth: is in the future").
    pub errors: Vec<String>,
    /// Things to know before sending; they do not block.
    pub warnings: Vec<String>,
    pub review: Vec<ReviewItem>,
    pub can_back: bool,
    pub can_next: bool,
    pub can_generate: bool,
    pub back_label: String,
    pub next_label: String,
    pub generate_label: String,
    /// The stored request (draft or finished), once saved.
    pub request_id: Option<String>,
    /// Once generated: the letter is ready (`letter_pdf`), and what to do with it.
    pub finished: bool,
    /// Saves the letter once finished.
    pub save_letter_label: String,
}

/// The request wizard screen.
pub struct RequestWizard {
    vault: Arc<Vault>,
    lang: Language,
    clock: Arc<dyn Clock>,
    id: Option<String>,
    wizard: Wizard,
    record: Option<RequestRecord>,
}

pub(super) fn refused(e: RequestError) -> Error {
    e.into()
}

impl RequestWizard {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    /// A new request; it is stored as a draft on its first change.
    pub fn new(vault: Arc<Vault>, lang: Language, clock: Arc<dyn Clock>) -> RequestWizard {
        let wizard = Wizard::new(clock.today());
        RequestWizard {
            vault,
            lang,
            clock,
            id: None,
            wizard,
            record: None,
        }
    }

    /// The draft `id`, where it stopped. Errors: not found; `InvalidArgument` when it is finished.
    pub fn resume(
        vault: Arc<Vault>,
        lang: Language,
        clock: Arc<dyn Clock>,
        id: &str,
    ) -> Result<RequestWizard> {
        let wizard = flow::resume(&vault, id, clock.today()).map_err(refused)?;
        Ok(RequestWizard {
            vault,
            lang,
            clock,
            id: Some(id.to_string()),
            wizard,
            record: None,
        })
    }

    /// Apply what the patient did; returns the view to draw next. A refused `Next` or
    /// `Generate` is not an error: the view carries the fields' errors. Errors: the vault's; an
    /// unknown field, choice or step (`InvalidArgument`).
    pub fn handle(&mut self, event: WizardEvent) -> Result<WizardScreenView> {
        let ev = match event {
            WizardEvent::SetText { field, value } => self.set_text(&field, value)?,
            WizardEvent::SetToggle { field, on } => self.set_toggle(&field, on)?,
            WizardEvent::Choose { field, code } => self.choose(&field, &code)?,
            WizardEvent::Next => Event::Next,
            WizardEvent::Back => Event::Back,
            WizardEvent::Edit { step } => Event::GoTo(step_of(&step)?),
            WizardEvent::Generate => Event::Generate,
        };
        let effects = self.wizard.update(ev);
        let today = self.clock.today();
        let (id, finished) = flow::perform(
            &self.vault,
            self.id.as_deref(),
            &self.wizard,
            effects,
            today,
        )
        .map_err(refused)?;
        if id.is_some() {
            self.id = id;
        }
        if finished.is_some() {
            self.record = finished;
        }
        self.view()
    }

    /// The request letter as PDF bytes, once generated (dated today).
    pub fn letter_pdf(&self) -> Result<Vec<u8>> {
        let rec = self
            .record
            .as_ref()
            .ok_or_else(|| Error::InvalidArgument("the request is not made yet".into()))?;
        flow::request_letter(rec, None, self.clock.today())
            .map_err(refused)?
            .to_pdf()
    }

    fn set_text(&self, field: &str, value: String) -> Result<Event> {
        let d = self.wizard.draft();
        let (mut pr, mut pa, mut st) = (d.provider.clone(), d.patient.clone(), d.studies.clone());
        let mut doc = match &d.delivery {
            Some(Delivery::Doctor(doc)) => doc.clone(),
            _ => Doctor::default(),
        };
        let mut x = st.expedited.clone().unwrap_or_default();
        let slot = match field {
            "provider.name" => &mut pr.name,
            "provider.address" => &mut pr.address,
            "provider.email" => &mut pr.email,
            "provider.fax" => &mut pr.fax,
            "authority" | "provider.authority" => &mut pr.authority,
            "patient.name" => &mut pa.name,
            "patient.date_of_birth" => &mut pa.date_of_birth,
            "patient.address" => &mut pa.address,
            "patient.email" => &mut pa.email,
            "patient.phone" => &mut pa.phone,
            "patient.record_number" => &mut pa.record_number,
            "studies.description" => &mut st.description,
            "studies.modality" => &mut st.modality,
            "studies.body_part" => &mut st.body_part,
            "studies.from" => &mut st.from,
            "studies.to" => &mut st.to,
            "expedited.by" => &mut x.by,
            "expedited.reason" => &mut x.reason,
            "deliver_to.name" => &mut doc.name,
            "deliver_to.address" => &mut doc.address,
            "deliver_to.email" => &mut doc.email,
            _ => return Err(unknown("field")),
        };
        *slot = value;
        Ok(match field.split('.').next() {
            Some("provider") | Some("authority") => Event::SetProvider(pr),
            Some("patient") => Event::SetPatient(pa),
            Some("studies") => Event::SetStudies(st),
            Some("expedited") => Event::SetExpedited(Some(x)),
            _ => Event::SetDelivery(Delivery::Doctor(doc)),
        })
    }

    fn set_toggle(&self, field: &str, on: bool) -> Result<Event> {
        let mut st = self.wizard.draft().studies.clone();
        match field {
            "studies.all" => st.all = on,
            "studies.reports" => st.reports = on,
            "expedited" => {
                return Ok(Event::SetExpedited(
                    on.then(|| st.expedited.clone().unwrap_or_default()),
                ))
            }
            _ => return Err(unknown("field")),
        }
        Ok(Event::SetStudies(st))
    }

    fn choose(&self, field: &str, code: &str) -> Result<Event> {
        let d = self.wizard.draft();
        Ok(match field {
            "jurisdiction" => {
                Event::SetJurisdiction(Jurisdiction::from_code(code).ok_or(unknown("choice"))?)
            }
            "language" => Event::SetLanguage(match code {
                "en" => Language::En,
                "fr" => Language::Fr,
                _ => return Err(unknown("choice")),
            }),
            "format" => Event::SetFormat(Format::from_code(code).ok_or(unknown("choice"))?),
            "deliver_to" => Event::SetDelivery(match code {
                "patient" => Delivery::Patient,
                "doctor" => match &d.delivery {
                    Some(Delivery::Doctor(doc)) => Delivery::Doctor(doc.clone()),
                    _ => Delivery::Doctor(Doctor::default()),
                },
                _ => return Err(unknown("choice")),
            }),
            _ => return Err(unknown("field")),
        })
    }

    /// The view as things stand.
    pub fn view(&self) -> Result<WizardScreenView> {
        let lang = self.lang;
        let w = self.wizard.view();
        let m = |id: &str| text::message(lang, id, &[]);
        let mut fields = self.fields(&w);
        let mut errors = Vec::new();
        for e in &w.errors {
            let problem = problem_text(lang, e);
            match fields.iter_mut().find(|f| f.id == e.field) {
                Some(f) if f.error.is_none() => f.error = Some(problem),
                Some(_) => {}
                None => errors.push(format!("{}: {problem}", field_label(lang, &e.field))),
            }
        }
        let rule = w.draft.jurisdiction.map(|j| j.rule());
        let help = match (w.step, rule) {
            (Step::Review, Some(r)) => {
                let t = r.text(w.draft.language).unwrap_or(&r.en);
                let fee = match (t.fee_third_party, &w.draft.delivery) {
                    (Some(f), Some(Delivery::Doctor(_))) => f,
                    _ => t.fee,
                };
                format!("{} {fee}", t.deadline)
            }
            _ => m(&format!("request-help-{}", step_code(w.step))),
        };
        Ok(WizardScreenView {
            step: step_code(w.step).to_string(),
            number: w.number as u32,
            count: w.count as u32,
            progress: text::message(
                lang,
                "request-progress",
                &[
                    ("number", Arg::Number(w.number as f64)),
                    ("count", Arg::Number(w.count as f64)),
                ],
            ),
            title: m(&format!("request-title-{}", step_code(w.step))),
            help,
            fields: std::mem::take(&mut fields),
            errors,
            warnings: w.warnings.clone(),
            review: w
                .review
                .iter()
                .map(|l| {
                    let label = m(&format!("request-review-{}", review_key(l.label)));
                    ReviewItem {
                        step: step_code(l.step).to_string(),
                        edit_label: text::message(
                            lang,
                            "request-edit-step",
                            &[("step", Arg::Text(&label))],
                        ),
                        label,
                        value: review_value(lang, l.label, &l.value),
                    }
                })
                .collect(),
            can_back: w.can_back,
            can_next: w.can_next,
            can_generate: w.can_generate,
            back_label: m("request-action-back"),
            next_label: m("request-action-next"),
            generate_label: m("request-action-generate"),
            request_id: self.id.clone(),
            finished: self.record.is_some(),
            save_letter_label: m("request-save-letter"),
        })
    }

    fn fields(&self, w: &crate::request::wizard::WizardView) -> Vec<Field> {
        let lang = self.lang;
        let d = &w.draft;
        let f = |id: &str, kind: FieldKind, required: bool, value: &str| Field {
            id: id.to_string(),
            kind,
            label: field_label(lang, id),
            hint: hint(lang, id),
            required,
            value: value.to_string(),
            error: None,
            choices: Vec::new(),
        };
        let toggle = |id: &str, on: bool| {
            f(
                id,
                FieldKind::Toggle,
                false,
                if on { "true" } else { "false" },
            )
        };
        let choice = |id: &str, value: &str, choices: Vec<ChoiceItem>| Field {
            choices,
            ..f(id, FieldKind::Choice, true, value)
        };
        let item = |code: &str, id: String| ChoiceItem {
            code: code.to_string(),
            label: text::message(lang, &id, &[]),
        };
        use FieldKind::*;
        match w.step {
            Step::Jurisdiction => vec![choice(
                "jurisdiction",
                d.jurisdiction.map(|j| j.code()).unwrap_or(""),
                Jurisdiction::ALL
                    .iter()
                    .map(|j| item(j.code(), format!("request-law-{}", j.code())))
                    .collect(),
            )],
            Step::Provider => {
                let p = &d.provider;
                let mut v = vec![
                    f("provider.name", Text, true, &p.name),
                    f("provider.address", Multiline, false, &p.address),
                    f("provider.email", Email, false, &p.email),
                    f("provider.fax", Phone, false, &p.fax),
                ];
                if w.authority_needed {
                    v.push(f("authority", Multiline, false, &p.authority));
                }
                if w.languages.len() > 1 {
                    v.push(choice(
                        "language",
                        d.language.code(),
                        w.languages
                            .iter()
                            .map(|l| item(l, format!("request-language-{l}")))
                            .collect(),
                    ));
                }
                v
            }
            Step::Patient => {
                let p = &d.patient;
                let posted_to_me =
                    w.postal_address_needed && matches!(d.delivery, Some(Delivery::Patient));
                vec![
                    f("patient.name", Text, true, &p.name),
                    f("patient.date_of_birth", Date, true, &p.date_of_birth),
                    f("patient.address", Multiline, posted_to_me, &p.address),
                    f("patient.email", Email, false, &p.email),
                    f("patient.phone", Phone, false, &p.phone),
                    f("patient.record_number", Text, false, &p.record_number),
                ]
            }
            Step::Studies => {
                let s = &d.studies;
                let mut v = vec![toggle("studies.all", s.all)];
                if !s.all {
                    v.extend([
                        f("studies.description", Text, false, &s.description),
                        f("studies.modality", Text, false, &s.modality),
                        f("studies.body_part", Text, false, &s.body_part),
                        f("studies.from", Date, false, &s.from),
                        f("studies.to", Date, false, &s.to),
                    ]);
                }
                v.push(toggle("studies.reports", s.reports));
                if w.expedited_available {
                    v.push(toggle("expedited", s.expedited.is_some()));
                    if let Some(x) = &s.expedited {
                        v.push(f("expedited.by", Date, true, &x.by));
                        v.push(f("expedited.reason", Text, true, &x.reason));
                    }
                }
                v
            }
            Step::Format => vec![choice(
                "format",
                d.format.map(|f| f.code()).unwrap_or(""),
                [Format::DicomDownload, Format::DicomMedia]
                    .iter()
                    .map(|f| item(f.code(), format!("request-format-{}", f.code())))
                    .collect(),
            )],
            Step::Delivery => {
                let code = match &d.delivery {
                    Some(Delivery::Patient) => "patient",
                    Some(Delivery::Doctor(_)) => "doctor",
                    None => "",
                };
                let mut v = vec![choice(
                    "deliver_to",
                    code,
                    ["patient", "doctor"]
                        .iter()
                        .map(|c| item(c, format!("request-deliver-{c}")))
                        .collect(),
                )];
                match &d.delivery {
                    Some(Delivery::Doctor(doc)) => v.extend([
                        f("deliver_to.name", Text, true, &doc.name),
                        f(
                            "deliver_to.address",
                            Multiline,
                            w.postal_address_needed,
                            &doc.address,
                        ),
                        f("deliver_to.email", Email, false, &doc.email),
                    ]),
                    // a CD or USB posted to the patient: their postal address, asked here too
                    Some(Delivery::Patient) if w.postal_address_needed => {
                        v.push(f("patient.address", Multiline, true, &d.patient.address))
                    }
                    _ => {}
                }
                v
            }
            Step::Review | Step::Done => Vec::new(),
        }
    }
}

pub(super) fn unknown(what: &str) -> Error {
    Error::InvalidArgument(format!("unknown {what}"))
}

fn step_code(s: Step) -> &'static str {
    match s {
        Step::Jurisdiction => "jurisdiction",
        Step::Provider => "provider",
        Step::Patient => "patient",
        Step::Studies => "studies",
        Step::Format => "format",
        Step::Delivery => "delivery",
        Step::Review => "review",
        Step::Done => "done",
    }
}

fn step_of(code: &str) -> Result<Step> {
    [
        Step::Jurisdiction,
        Step::Provider,
        Step::Patient,
        Step::Studies,
        Step::Format,
        Step::Delivery,
        Step::Review,
    ]
    .into_iter()
    .find(|s| step_code(*s) == code)
    .ok_or(unknown("step"))
}

/// The catalogue id of a field's label: `provider.email` → `request-field-provider-email`.
pub(super) fn field_label(lang: Language, id: &str) -> String {
    let key = format!("request-field-{}", id.replace(['.', '_'], "-"));
    if text::has_message(lang, &key) {
        text::message(lang, &key, &[])
    } else {
        id.to_string()
    }
}

fn hint(lang: Language, id: &str) -> Option<String> {
    let key = format!("request-hint-{}", id.replace(['.', '_'], "-"));
    text::has_message(lang, &key).then(|| text::message(lang, &key, &[]))
}

fn review_key(label: &str) -> &'static str {
    match label {
        "Law" => "law",
        "Provider" => "provider",
        "Letter language" => "language",
        "Complaint authority" => "authority",
        "Patient" => "patient",
        "Postal address" => "address",
        "Studies" => "studies",
        "Reports" => "reports",
        "Expedited" => "expedited",
        "Format" => "format",
        _ => "deliver",
    }
}

fn review_value(lang: Language, label: &str, value: &str) -> String {
    let id = match (label, value) {
        ("Law", v) => format!("request-law-{v}"),
        ("Letter language", v) => format!("request-language-{v}"),
        ("Studies", "all imaging") => "request-studies-all".into(),
        ("Reports", v) => format!("request-{v}"),
        ("Format", v) => format!("request-format-{v}"),
        ("Send to", "me") => "request-deliver-patient".into(),
        _ => return value.to_string(),
    };
    if let ("Law", _) = (label, value) {
        // the wizard gives the label; the catalogue is keyed by code
        if let Some(j) = Jurisdiction::ALL.iter().find(|j| j.label() == value) {
            return text::message(lang, &format!("request-law-{}", j.code()), &[]);
        }
    }
    if text::has_message(lang, &id) {
        text::message(lang, &id, &[])
    } else {
        value.to_string()
    }
}

/// A field error in the language, by its code; an error without one (the answers file's shape,
/// which the screens never send) in the validation's English.
pub(super) fn problem_text(lang: Language, e: &FieldError) -> String {
    match e.code {
        Some(p) => text::message(lang, p.message_id(), &[]),
        None => e.problem.clone(),
    }
}
