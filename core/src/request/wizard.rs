//! The request wizard as a sans-I/O state machine: the shell sends [`Event`]s, draws the
//! [`WizardView`] and performs the [`Effect`]s (saving the draft for a later resume, storing the
//! finished request). The apps' wizard screens and `scanpass request new` drive this same machine.
//!
//! Steps: jurisdiction → provider → patient → studies → format → delivery → review → done.
//! `Set*` events keep what the patient typed on any step; `Next` checks the current step and
//! moves on only when it is valid (else the view lists the errors, each naming its field);
//! `Back` and `GoTo` (to a step already reached) never lose answers; `Generate` on the review
//! step checks everything and yields the [`Answers`]. The wizard serialises (serde) with its
//! answers, so a half-finished request resumes where it stopped ([`Wizard::resume`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::answers::{
    validate_extras, validate_jurisdiction, validate_media, warnings, Answers, Delivery, Expedited,
    FieldError, Format, Patient, Provider, Studies,
};
use super::problem::Problem;
use super::{Jurisdiction, Language};

/// A screen of the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Jurisdiction,
    Provider,
    Patient,
    Studies,
    Format,
    Delivery,
    Review,
    Done,
}

impl Step {
    const ORDER: [Step; 8] = [
        Step::Jurisdiction,
        Step::Provider,
        Step::Patient,
        Step::Studies,
        Step::Format,
        Step::Delivery,
        Step::Review,
        Step::Done,
    ];

    fn index(self) -> usize {
        Step::ORDER.iter().position(|s| *s == self).unwrap_or(0)
    }
    fn next(self) -> Step {
        Step::ORDER[(self.index() + 1).min(Step::ORDER.len() - 1)]
    }
    fn prev(self) -> Step {
        Step::ORDER[self.index().saturating_sub(1)]
    }

    pub fn title(self) -> &'static str {
        match self {
            Step::Jurisdiction => "Where is the provider?",
            Step::Provider => "Who holds your images?",
            Step::Patient => "Who are the images of?",
            Step::Studies => "Which images?",
            Step::Format => "In what form?",
            Step::Delivery => "Where should they go?",
            Step::Review => "Check your request",
            Step::Done => "Your request is ready",
        }
    }
}

/// The answers so far, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub jurisdiction: Option<Jurisdiction>,
    pub language: Language,
    pub provider: Provider,
    pub patient: Patient,
    pub studies: Studies,
    pub format: Option<Format>,
    pub delivery: Option<Delivery>,
}

/// What the patient did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    SetJurisdiction(Jurisdiction),
    SetLanguage(Language),
    SetProvider(Provider),
    SetPatient(Patient),
    SetStudies(Studies),
    SetFormat(Format),
    SetDelivery(Delivery),
    /// Ontario: ask for expedited access (PHIPA s. 54(5)), or not (`None`). Kept with the studies.
    SetExpedited(Option<Expedited>),
    Next,
    Back,
    /// Jump to a step already reached (the review screen's "change").
    GoTo(Step),
    /// On the review step: finish.
    Generate,
}

/// What the shell must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The wizard changed: save it (serialised) so that it can be resumed.
    Save,
    /// The wizard is finished: store these answers as a request.
    Generated(Box<Answers>),
}

/// One choice of a chooser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

/// A line of the review screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewLine {
    pub step: Step,
    pub label: &'static str,
    pub value: String,
}

/// What a wizard screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WizardView {
    pub step: Step,
    /// 1-based position and the number of question steps (review included, done not).
    pub number: usize,
    pub count: usize,
    pub title: &'static str,
    /// One or two sentences saying what this step asks and why (the law's words where it has any).
    pub help: String,
    pub can_back: bool,
    pub can_next: bool,
    pub can_generate: bool,
    pub errors: Vec<FieldError>,
    /// Things the patient should know before sending (a law that may not cover this provider;
    /// fee limits that do not follow a copy sent to a doctor). They do not block.
    pub warnings: Vec<String>,
    /// Whether this law offers expedited access (Ontario): the studies step then asks whether
    /// the patient needs the images urgently, by a date, and why.
    pub expedited_available: bool,
    /// Whether the patient names the complaint authority (EU): the provider step asks which.
    pub authority_needed: bool,
    /// Whether the chosen format is posted (CD or USB): the patient's postal address is needed
    /// when it comes to them.
    pub postal_address_needed: bool,
    pub draft: Draft,
    pub jurisdictions: Vec<Choice>,
    pub languages: Vec<&'static str>,
    pub formats: Vec<Choice>,
    pub review: Vec<ReviewLine>,
}

/// The wizard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wizard {
    step: Step,
    furthest: Step,
    draft: Draft,
    #[serde(skip)]
    errors: Vec<FieldError>,
    #[serde(skip)]
    today: NaiveDate,
}

impl Wizard {
    /// A new wizard; `today` bounds dates (a birth date cannot be in the future).
    pub fn new(today: NaiveDate) -> Self {
        Wizard {
            step: Step::Jurisdiction,
            furthest: Step::Jurisdiction,
            draft: Draft::default(),
            errors: Vec::new(),
            today,
        }
    }

    /// Resume a saved wizard (see [`Effect::Save`]) on another day.
    pub fn resume(mut self, today: NaiveDate) -> Self {
        self.today = today;
        self.errors.clear();
        self
    }

    pub fn step(&self) -> Step {
        self.step
    }

    pub fn draft(&self) -> &Draft {
        &self.draft
    }

    /// Errors of `step` with the answers as they are.
    fn check(&self, step: Step) -> Vec<FieldError> {
        let d = &self.draft;
        match step {
            Step::Jurisdiction => validate_jurisdiction(d.jurisdiction, Language::En),
            Step::Provider => {
                let mut e = d.provider.validate();
                if let Some(j) = d.jurisdiction {
                    e.extend(validate_jurisdiction(d.jurisdiction, d.language));
                    e.extend(validate_extras(j, &d.provider.authority, None, self.today));
                }
                e
            }
            Step::Patient => d.patient.validate(self.today),
            Step::Studies => {
                let mut e = d.studies.validate(self.today);
                if let Some(j) = d.jurisdiction {
                    e.extend(validate_extras(
                        j,
                        "",
                        d.studies.expedited.as_ref(),
                        self.today,
                    ));
                }
                e
            }
            Step::Format => match d.format {
                None => vec![FieldError::of("format", Problem::ChooseFormat)],
                Some(_) => Vec::new(),
            },
            Step::Delivery => match &d.delivery {
                None => vec![FieldError::of("deliver_to", Problem::ChooseDelivery)],
                Some(dl) => {
                    let mut e = dl.validate();
                    if let Some(f) = d.format {
                        e.extend(validate_media(f, dl, &d.patient));
                    }
                    e
                }
            },
            Step::Review | Step::Done => Step::ORDER[..6]
                .iter()
                .flat_map(|s| self.check(*s))
                .collect(),
        }
    }

    fn answers(&self) -> Result<Answers, Vec<FieldError>> {
        let errors = self.check(Step::Review);
        let d = &self.draft;
        match (d.jurisdiction, d.format, &d.delivery) {
            (Some(jurisdiction), Some(format), Some(delivery)) if errors.is_empty() => {
                Ok(Answers {
                    jurisdiction,
                    language: d.language,
                    provider: d.provider.clone(),
                    patient: d.patient.clone(),
                    studies: d.studies.clone(),
                    format,
                    delivery: delivery.clone(),
                })
            }
            _ => Err(errors),
        }
    }

    /// Apply one event.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        if self.step == Step::Done {
            return Vec::new(); // finished: the request lives on as a RequestRecord
        }
        match event {
            Event::SetJurisdiction(j) => {
                self.draft.jurisdiction = Some(j);
                if !j.languages().contains(&self.draft.language) {
                    self.draft.language = Language::En;
                }
            }
            Event::SetLanguage(l) => self.draft.language = l,
            Event::SetProvider(p) => self.draft.provider = p,
            Event::SetPatient(p) => self.draft.patient = p,
            Event::SetStudies(s) => self.draft.studies = s,
            Event::SetFormat(f) => self.draft.format = Some(f),
            Event::SetDelivery(d) => self.draft.delivery = Some(d),
            Event::SetExpedited(x) => self.draft.studies.expedited = x,
            Event::Next => {
                if self.step == Step::Review {
                    return Vec::new(); // the review step finishes with Generate
                }
                self.errors = self.check(self.step);
                if self.errors.is_empty() {
                    self.step = self.step.next();
                    self.furthest = self.furthest.max(self.step);
                }
            }
            Event::Back => {
                self.errors.clear();
                self.step = self.step.prev();
            }
            Event::GoTo(s) => {
                if s > self.furthest || s == Step::Done {
                    return Vec::new();
                }
                self.errors.clear();
                self.step = s;
            }
            Event::Generate => {
                if self.step != Step::Review {
                    return Vec::new();
                }
                return match self.answers() {
                    Ok(a) => {
                        self.errors.clear();
                        self.step = Step::Done;
                        self.furthest = Step::Done;
                        vec![Effect::Save, Effect::Generated(Box::new(a))]
                    }
                    Err(e) => {
                        self.errors = e;
                        Vec::new()
                    }
                };
            }
        }
        vec![Effect::Save]
    }

    /// What to draw.
    pub fn view(&self) -> WizardView {
        let d = &self.draft;
        let rule = d.jurisdiction.map(|j| j.rule());
        let help = match self.step {
            Step::Jurisdiction => "The law of the place where the provider is decides the deadline, the fees and where to complain.".to_string(),
            Step::Provider => "The hospital, clinic or imaging centre that made the images: its records department's postal address, email or fax.".to_string(),
            Step::Patient => "Your name and date of birth as the provider knows them, so that they find your records. Your own address or email is where the answer goes; a CD or USB drive needs your postal address.".to_string(),
            Step::Studies => "All your imaging, or the studies you want: a date range, the kind of scan (CT, MRI, X-ray...) and the body part. The reports come too unless you say no.".to_string(),
            Step::Format => "You will ask for the complete studies as original DICOM files, not screenshots or JPEGs: by secure download link, or on a CD/USB with DICOMDIR.".to_string(),
            Step::Delivery => "To you, or directly to a doctor you name: their name and address or email go in the letter. A CD or USB drive goes by post: it needs a postal address.".to_string(),
            Step::Review => match rule {
                Some(r) => format!(
                    "{} {}",
                    r.en.deadline,
                    match (r.en.fee_third_party, &d.delivery) {
                        (Some(f), Some(Delivery::Doctor(_))) => f,
                        _ => r.en.fee,
                    }
                ),
                None => String::new(),
            },
            Step::Done => "Print or send the letter, then mark the request as sent: the due date and the reminders follow from that day.".to_string(),
        };
        WizardView {
            step: self.step,
            number: self.step.index().min(6) + 1,
            count: 7,
            title: self.step.title(),
            help,
            can_back: self.step != Step::Jurisdiction && self.step != Step::Done,
            can_next: self.step < Step::Review,
            can_generate: self.step == Step::Review,
            errors: self.errors.clone(),
            warnings: warnings(d.jurisdiction, &d.provider, d.delivery.as_ref()),
            expedited_available: rule.is_some_and(|r| !r.en.expedited.is_empty()),
            authority_needed: rule.is_some_and(|r| r.patient_names_authority),
            postal_address_needed: d.format == Some(Format::DicomMedia),
            draft: d.clone(),
            jurisdictions: Jurisdiction::ALL
                .iter()
                .map(|j| Choice {
                    code: j.code(),
                    label: j.label(),
                })
                .collect(),
            languages: d
                .jurisdiction
                .map(|j| j.languages())
                .unwrap_or(&[Language::En])
                .iter()
                .map(|l| l.code())
                .collect(),
            formats: vec![
                Choice {
                    code: Format::DicomDownload.code(),
                    label: "Original DICOM files by secure download link",
                },
                Choice {
                    code: Format::DicomMedia.code(),
                    label: "Original DICOM files on a CD or USB drive with DICOMDIR",
                },
            ],
            review: if self.step >= Step::Review {
                self.review()
            } else {
                Vec::new()
            },
        }
    }

    fn review(&self) -> Vec<ReviewLine> {
        let d = &self.draft;
        let join = |parts: &[&str]| {
            parts
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let line = |step, label, value: String| ReviewLine { step, label, value };
        let mut v = vec![
            line(
                Step::Jurisdiction,
                "Law",
                d.jurisdiction.map(|j| j.label()).unwrap_or("").to_string(),
            ),
            line(
                Step::Provider,
                "Provider",
                join(&[
                    &d.provider.name,
                    &d.provider.address,
                    &d.provider.email,
                    &d.provider.fax,
                ]),
            ),
            line(Step::Provider, "Letter language", d.language.code().into()),
            line(
                Step::Provider,
                "Complaint authority",
                d.provider.authority.clone(),
            ),
            line(
                Step::Patient,
                "Patient",
                join(&[&d.patient.name, &d.patient.date_of_birth]),
            ),
            line(Step::Patient, "Postal address", d.patient.address.clone()),
            line(
                Step::Studies,
                "Studies",
                if d.studies.all {
                    "all imaging".into()
                } else {
                    join(&[
                        &d.studies.description,
                        &d.studies.modality,
                        &d.studies.body_part,
                        &d.studies.from,
                        &d.studies.to,
                    ])
                },
            ),
            line(
                Step::Studies,
                "Reports",
                if d.studies.reports { "yes" } else { "no" }.into(),
            ),
            line(
                Step::Studies,
                "Expedited",
                match &d.studies.expedited {
                    Some(x) => join(&[&x.by, &x.reason]),
                    None => String::new(),
                },
            ),
            line(
                Step::Format,
                "Format",
                d.format.map(|f| f.code()).unwrap_or("").into(),
            ),
            line(
                Step::Delivery,
                "Send to",
                match &d.delivery {
                    Some(Delivery::Doctor(doc)) => join(&[&doc.name, &doc.address, &doc.email]),
                    Some(Delivery::Patient) => "me".into(),
                    None => String::new(),
                },
            ),
        ];
        v.retain(|l| {
            !(l.value.is_empty()
                && matches!(
                    l.label,
                    "Complaint authority" | "Postal address" | "Expedited"
                ))
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::dates::parse_iso;

    fn today() -> NaiveDate {
        parse_iso("2025-06-01").unwrap()
    }

    fn provider() -> Provider {
        Provider {
            name: "General Hospital".into(),
            address: "1 Main St".into(),
            email: "records@example.org".into(),
            ..Provider::default()
        }
    }

    fn patient() -> Patient {
        Patient {
            name: "Sam Example".into(),
            date_of_birth: "1975-12-31".into(),
            email: "sam@example.net".into(),
            ..Patient::default()
        }
    }

    fn studies() -> Studies {
        Studies {
            modality: "CT".into(),
            body_part: "head".into(),
            from: "2024-03-01".into(),
            to: "2024-03-31".into(),
            ..Studies::default()
        }
    }

    fn fields(w: &Wizard) -> Vec<String> {
        w.view().errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn driven_event_by_event_to_the_end() {
        let mut w = Wizard::new(today());
        let v = w.view();
        assert_eq!((v.step, v.number, v.count), (Step::Jurisdiction, 1, 7));
        assert!(!v.can_back && v.can_next && !v.can_generate);
        assert_eq!(v.jurisdictions.len(), 6);

        // Next with nothing chosen: stays, names the field
        assert_eq!(w.update(Event::Next), vec![Effect::Save]);
        assert_eq!(w.step(), Step::Jurisdiction);
        assert_eq!(fields(&w), ["jurisdiction"]);

        w.update(Event::SetJurisdiction(Jurisdiction::CaOn));
        assert_eq!(w.view().languages, ["en", "fr"]);
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Provider);
        assert!(fields(&w).is_empty());

        // provider without a way to reach it
        w.update(Event::SetProvider(Provider {
            name: "General Hospital".into(),
            ..Provider::default()
        }));
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Provider);
        assert_eq!(fields(&w), ["provider.address"]);
        w.update(Event::SetProvider(provider()));
        w.update(Event::SetLanguage(Language::Fr));
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Patient);

        // bad birth date, then a good one
        w.update(Event::SetPatient(Patient {
            date_of_birth: "31/12/1975".into(),
            ..patient()
        }));
        w.update(Event::Next);
        assert_eq!(fields(&w), ["patient.date_of_birth"]);
        w.update(Event::SetPatient(patient()));
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Studies);

        // nothing chosen
        w.update(Event::Next);
        assert_eq!(fields(&w), ["studies"]);
        // a range the wrong way round
        w.update(Event::SetStudies(Studies {
            from: "2024-04-01".into(),
            to: "2024-03-01".into(),
            ..Studies::default()
        }));
        w.update(Event::Next);
        assert_eq!(fields(&w), ["studies.to"]);
        w.update(Event::SetStudies(studies()));
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Format);

        w.update(Event::Next);
        assert_eq!(fields(&w), ["format"]);
        w.update(Event::SetFormat(Format::DicomMedia));
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Delivery);

        w.update(Event::SetDelivery(Delivery::Doctor(Doctor {
            name: "Dr Who".into(),
            ..Doctor::default()
        })));
        w.update(Event::Next);
        assert_eq!(fields(&w), ["deliver_to.address"]);
        w.update(Event::SetDelivery(Delivery::Patient));
        w.update(Event::Next);
        // a CD posted to the patient needs their postal address (issue 21)
        assert_eq!(w.step(), Step::Delivery);
        assert_eq!(fields(&w), ["patient.address"]);
        assert!(w.view().postal_address_needed);
        w.update(Event::SetPatient(Patient {
            address: "9 Elm Road; Toronto".into(),
            ..patient()
        }));
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Review);
        let v = w.view();
        assert!(v.can_generate && !v.can_next);
        assert!(v
            .review
            .iter()
            .any(|l| l.value.contains("General Hospital")));
        assert!(v.help.contains("54(2)"), "the review cites the rule");

        // Next does nothing on review; Generate finishes
        assert!(w.update(Event::Next).is_empty());
        let fx = w.update(Event::Generate);
        assert_eq!(w.step(), Step::Done);
        let Some(Effect::Generated(a)) = fx.last() else {
            panic!("no answers: {fx:?}")
        };
        assert_eq!(a.jurisdiction, Jurisdiction::CaOn);
        assert_eq!(a.language, Language::Fr);
        assert_eq!(a.format, Format::DicomMedia);
        assert_eq!(a.delivery, Delivery::Patient);
        assert!(a.validate(today()).is_empty());
        // finished: events do nothing
        assert!(w.update(Event::Back).is_empty());
        assert_eq!(w.step(), Step::Done);
    }

    use super::super::answers::Doctor;

    #[test]
    fn ontario_offers_expedited_access_and_the_us_warns_about_a_doctor_copy() {
        let mut w = Wizard::new(today());
        w.update(Event::SetJurisdiction(Jurisdiction::CaOn));
        w.update(Event::SetProvider(provider()));
        w.update(Event::SetPatient(patient()));
        w.update(Event::SetStudies(studies()));
        assert!(w.view().expedited_available);
        for _ in 0..4 {
            w.update(Event::Next);
        }
        assert_eq!(w.step(), Step::Format);
        // a date past the ordinary limit is refused at the studies step
        w.update(Event::GoTo(Step::Studies));
        w.update(Event::SetExpedited(Some(Expedited {
            by: "2025-09-01".into(),
            reason: "surgery".into(),
        })));
        w.update(Event::Next);
        assert_eq!(fields(&w), ["expedited.by"]);
        w.update(Event::SetExpedited(Some(Expedited {
            by: "2025-06-10".into(),
            reason: "a second opinion before surgery".into(),
        })));
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Format);
        w.update(Event::SetFormat(Format::DicomDownload));
        w.update(Event::SetDelivery(Delivery::Patient));
        w.update(Event::Next);
        w.update(Event::Next);
        assert!(w
            .view()
            .review
            .iter()
            .any(|l| l.label == "Expedited" && l.value.contains("2025-06-10")));
        let fx = w.update(Event::Generate);
        let Some(Effect::Generated(a)) = fx.last() else {
            panic!("{fx:?}")
        };
        assert_eq!(
            a.studies.expedited.as_ref().map(|x| x.by.as_str()),
            Some("2025-06-10")
        );

        // elsewhere no expedited access; the US warns when the copy goes to a doctor
        let mut w = Wizard::new(today());
        w.update(Event::SetJurisdiction(Jurisdiction::Us));
        assert!(!w.view().expedited_available);
        assert!(w.view().warnings.is_empty());
        w.update(Event::SetDelivery(Delivery::Doctor(Doctor {
            name: "Dr Who".into(),
            address: "1 Street".into(),
            ..Doctor::default()
        })));
        let v = w.view();
        assert_eq!(v.warnings.len(), 1);
        assert!(v.warnings[0].contains("Ciox"));
        // Canada: PIPEDA may not apply to a hospital
        w.update(Event::SetJurisdiction(Jurisdiction::Ca));
        w.update(Event::SetProvider(Provider {
            name: "Riverside General Hospital".into(),
            ..provider()
        }));
        let v = w.view();
        assert!(v.warnings[0].starts_with("The provider's name suggests a hospital"));
        // the EU asks which authority
        w.update(Event::SetJurisdiction(Jurisdiction::Eu));
        assert!(w.view().authority_needed);
    }

    #[test]
    fn back_and_forward_keep_the_answers() {
        let mut w = Wizard::new(today());
        w.update(Event::SetJurisdiction(Jurisdiction::Uk));
        w.update(Event::Next);
        w.update(Event::SetProvider(provider()));
        w.update(Event::Next);
        w.update(Event::SetPatient(patient()));
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Studies);
        w.update(Event::Back);
        w.update(Event::Back);
        assert_eq!(w.step(), Step::Provider);
        assert_eq!(w.view().draft.provider, provider());
        assert_eq!(w.view().draft.patient, patient());
        w.update(Event::Next);
        w.update(Event::Next);
        assert_eq!(w.step(), Step::Studies);
        // GoTo only to steps already reached
        w.update(Event::GoTo(Step::Review));
        assert_eq!(w.step(), Step::Studies);
        w.update(Event::GoTo(Step::Jurisdiction));
        assert_eq!(w.step(), Step::Jurisdiction);
        assert_eq!(w.view().draft.patient, patient());
        // Back at the first step stays there
        w.update(Event::Back);
        assert_eq!(w.step(), Step::Jurisdiction);
        // changing to a jurisdiction without French resets the language
        w.update(Event::SetJurisdiction(Jurisdiction::Ca));
        w.update(Event::SetLanguage(Language::Fr));
        w.update(Event::SetJurisdiction(Jurisdiction::Us));
        assert_eq!(w.view().draft.language, Language::En);
    }

    #[test]
    fn a_half_finished_request_resumes() {
        let mut w = Wizard::new(today());
        w.update(Event::SetJurisdiction(Jurisdiction::Eu));
        w.update(Event::Next);
        w.update(Event::SetProvider(provider()));
        w.update(Event::Next);
        w.update(Event::SetPatient(patient()));
        let saved = serde_json::to_string(&w).unwrap();

        let later = parse_iso("2025-06-20").unwrap();
        let mut r: Wizard = serde_json::from_str::<Wizard>(&saved)
            .unwrap()
            .resume(later);
        assert_eq!(r.step(), Step::Patient);
        assert_eq!(r.draft(), w.draft());
        r.update(Event::Next);
        r.update(Event::SetStudies(Studies {
            all: true,
            ..Studies::default()
        }));
        r.update(Event::Next);
        r.update(Event::SetFormat(Format::DicomDownload));
        r.update(Event::Next);
        r.update(Event::SetDelivery(Delivery::Patient));
        r.update(Event::Next);
        let fx = r.update(Event::Generate);
        assert!(
            matches!(fx.last(), Some(Effect::Generated(a)) if a.jurisdiction == Jurisdiction::Eu && a.studies.all)
        );
    }

    #[test]
    fn generate_rechecks_everything() {
        // a review reached, then an earlier answer spoiled through a Set event
        let mut w = Wizard::new(today());
        w.update(Event::SetJurisdiction(Jurisdiction::Au));
        w.update(Event::SetProvider(provider()));
        w.update(Event::SetPatient(patient()));
        w.update(Event::SetStudies(studies()));
        w.update(Event::SetFormat(Format::DicomDownload));
        w.update(Event::SetDelivery(Delivery::Patient));
        for _ in 0..6 {
            w.update(Event::Next);
        }
        assert_eq!(w.step(), Step::Review);
        w.update(Event::SetPatient(Patient {
            date_of_birth: "2030-01-01".into(),
            ..patient()
        }));
        assert!(w.update(Event::Generate).is_empty());
        assert_eq!(w.step(), Step::Review);
        assert_eq!(fields(&w), ["patient.date_of_birth"]);
        // Generate before the review does nothing
        let mut w2 = Wizard::new(today());
        assert!(w2.update(Event::Generate).is_empty());
        assert_eq!(w2.step(), Step::Jurisdiction);
    }
}
