//! Issue 21: the request letters against the law as it stands (checked 2026-12-06), one test per
//! point of the issue, driven only through the public API a shell uses (the answers file, the
//! tracked record, the wizard's events, the letters as text, the rules).

use chrono::NaiveDate;
use scanpass_core::request::answers::{self, AnswersFile};
use scanpass_core::request::dates::parse_iso;
use scanpass_core::request::letter::{complaint_letter, follow_up_letter, request_letter};
use scanpass_core::request::rules::rule;
use scanpass_core::request::wizard::{Event, Step, Wizard};
use scanpass_core::request::{
    Channel, Delivery, Format, Jurisdiction, Mark, Patient, Provider, RequestRecord, Status,
    Studies,
};

fn d(s: &str) -> NaiveDate {
    parse_iso(s).unwrap()
}

const TODAY: &str = "2026-12-06";

/// An answers file: the base below with `extra` top-level keys and `patient` as given.
fn file(jurisdiction: &str, extra: &str, patient: &str) -> String {
    format!(
        r#"{{"jurisdiction": "{jurisdiction}",
            "provider": {{"name": "Example Imaging", "address": "1 Main Street; Springfield", "email": "records@example.org"}},
            "patient": {patient},
            "studies": "CT head, March 2024" {extra}}}"#
    )
}

const PATIENT: &str =
    r#"{"name": "Ada Testperson", "date_of_birth": "1970-01-31", "email": "ada@example.net"}"#;
const PATIENT_POSTAL: &str = r#"{"name": "Ada Testperson", "date_of_birth": "1970-01-31", "email": "ada@example.net", "address": "9 Elm Road; Springfield"}"#;

fn parse(json: &str) -> AnswersFile {
    match answers::from_json(json.as_bytes(), d(TODAY)) {
        Ok(f) => f,
        Err(e) => panic!("refused: {}", answers::join(&e)),
    }
}

fn fields(json: &str) -> Vec<String> {
    match answers::from_json(json.as_bytes(), d(TODAY)) {
        Ok(_) => Vec::new(),
        Err(e) => e.into_iter().map(|e| e.field).collect(),
    }
}

/// A record from an answers file, marked sent as the file says (the CLI's `request new`).
fn record(json: &str) -> RequestRecord {
    let f = parse(json);
    let mut r = RequestRecord::new(f.answers, d(TODAY));
    if let Some(on) = f.sent_on {
        r.mark(
            Mark::Sent {
                on,
                channel: f.channel.unwrap_or(Channel::Email),
            },
            d(TODAY),
        )
        .unwrap();
    }
    if let Some(on) = f.acknowledged_on {
        r.mark(Mark::Acknowledged { on }, d(TODAY)).unwrap();
    }
    r
}

// ---- 1. deadlines from receipt

#[test]
fn request_p1_a_posted_request_is_due_from_its_assumed_delivery_not_from_posting() {
    // posted on 31 January: assumed delivered 7 days later, so one month runs to 7 March
    let r = record(&file(
        "EU",
        r#", "format": "dicom-download", "sent_on": "2025-01-31", "channel": "post""#,
        PATIENT,
    ));
    assert_eq!(r.due_on(), Some(d("2025-03-07")));
    assert_eq!(
        r.status(d("2025-03-03")),
        Status::Sent,
        "not overdue on 3 March"
    );
    assert_eq!(r.status(d("2025-03-08")), Status::Overdue);
    // an email arrives the day it is sent
    let r = record(&file(
        "EU",
        r#", "format": "dicom-download", "sent_on": "2025-01-31", "channel": "email""#,
        PATIENT,
    ));
    assert_eq!(r.due_on(), Some(d("2025-02-28")));
}

#[test]
fn request_p1_a_recorded_receipt_moves_the_deadline_and_the_follow_up_says_by_my_reckoning() {
    // the provider's acknowledgement says it arrived on 3 February
    let mut r = record(&file(
        "EU",
        r#", "format": "dicom-download", "sent_on": "2025-01-31", "channel": "post", "acknowledged_on": "2025-02-03""#,
        PATIENT,
    ));
    assert_eq!(r.due_on(), Some(d("2025-03-03")));
    assert_eq!(r.status(d("2025-03-03")), Status::Sent);
    assert_eq!(r.status(d("2025-03-04")), Status::Overdue);
    r.follow_up(d("2025-03-04"), d(TODAY)).unwrap();
    let f = follow_up_letter(&r, d("2025-03-04")).unwrap().to_text();
    assert!(f.contains("By my reckoning"), "{f}");
    assert!(f.contains("3 February 2025"), "{f}");
    assert!(f.contains("3 March 2025"), "{f}");
    assert!(!f.contains("28 February 2025"), "{f}");
}

// ---- 2. media go to a postal address

#[test]
fn request_p2_media_to_the_patient_need_the_patients_postal_address_and_the_letter_uses_it() {
    let no_address = file(
        "UK",
        r#", "format": "dicom-media", "sent_on": "2026-07-01""#,
        PATIENT,
    );
    let got = fields(&no_address);
    assert_eq!(got, ["patient.address"], "{got:?}");
    let e = answers::join(&answers::from_json(no_address.as_bytes(), d(TODAY)).unwrap_err());
    assert!(!e.contains("ada@"), "the error shows a value: {e}");

    let a = parse(&file(
        "UK",
        r#", "format": "dicom-media", "sent_on": "2026-07-01""#,
        PATIENT_POSTAL,
    ))
    .answers;
    let t = request_letter(&a, d("2026-07-01")).to_text();
    assert!(!t.contains("to me at ada@example.net"), "{t}");
    assert!(
        t.contains("by post to me at 9 Elm Road, Springfield"),
        "{t}"
    );

    // a download may still go to an email address
    let a = parse(&file(
        "UK",
        r#", "format": "dicom-download", "sent_on": "2026-07-01""#,
        PATIENT,
    ))
    .answers;
    assert!(request_letter(&a, d("2026-07-01"))
        .to_text()
        .contains("ada@example.net"));
}

#[test]
fn request_p2_media_to_a_doctor_need_the_doctors_postal_address() {
    let json = file(
        "UK",
        r#", "format": "dicom-media", "deliver_to": {"name": "Dr B", "email": "b@example.org"}"#,
        PATIENT,
    );
    assert_eq!(fields(&json), ["deliver_to.address"]);
}

#[test]
fn request_p2_the_wizard_asks_for_the_postal_address_when_media_come_to_the_patient() {
    let mut w = Wizard::new(d(TODAY));
    w.update(Event::SetJurisdiction(Jurisdiction::Uk));
    w.update(Event::SetProvider(Provider {
        name: "Example Imaging".into(),
        email: "records@example.org".into(),
        ..Provider::default()
    }));
    w.update(Event::SetPatient(Patient {
        name: "Ada Testperson".into(),
        date_of_birth: "1970-01-31".into(),
        email: "ada@example.net".into(),
        ..Patient::default()
    }));
    w.update(Event::SetStudies(Studies {
        all: true,
        ..Studies::default()
    }));
    w.update(Event::SetFormat(Format::DicomMedia));
    w.update(Event::SetDelivery(Delivery::Patient));
    for _ in 0..6 {
        w.update(Event::Next);
    }
    assert_eq!(
        w.step(),
        Step::Delivery,
        "stopped where the address is needed"
    );
    let v = w.view();
    let errors: Vec<_> = v.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(errors, ["patient.address"]);
}

// ---- 3. complaint letters speak of the provider's portal; past letters carry no later check date

#[test]
fn request_p3_a_complaint_speaks_of_the_providers_portal_and_a_past_letter_no_later_check_date() {
    let mut r = record(&file(
        "CA",
        r#", "format": "dicom-download", "sent_on": "2025-01-31", "channel": "portal""#,
        PATIENT,
    ));
    r.mark(
        Mark::Refused {
            on: d("2025-02-10"),
        },
        d(TODAY),
    )
    .unwrap();
    r.complaint(d("2025-02-11"), d(TODAY)).unwrap();
    let c = complaint_letter(&r, d("2025-02-11")).unwrap().to_text();
    assert!(!c.contains("your online portal"), "{c}");
    assert!(c.contains("through the provider's online portal"), "{c}");
    assert!(!c.contains("Rules last checked on"), "{c}");
    // a letter dated on or after the check says when the rules were checked
    let a = r.answers.clone().unwrap();
    assert!(request_letter(&a, d(TODAY))
        .to_text()
        .contains("Rules last checked on 6 December 2026"));
}

// ---- 4. UK: Data (Use and Access) Act 2025

#[test]
fn request_p4_uk_rule_cites_article_12a_and_section_165() {
    let r = rule(Jurisdiction::Uk);
    assert!(r.en.deadline.contains("Art. 12A"), "{}", r.en.deadline);
    assert!(
        r.en.deadline.contains("clarif"),
        "the pause: {}",
        r.en.deadline
    );
    assert!(r.en.extension.contains("12A"), "{}", r.en.extension);
    assert!(r.en.authority.contains("section 165"), "{}", r.en.authority);
    assert!(!r.en.authority.contains("Art. 77"), "{}", r.en.authority);
    assert_eq!(r.last_checked, TODAY);
}

#[test]
fn request_p4_uk_follow_up_is_the_controller_complaint_and_the_ico_draft_waits_for_its_outcome() {
    let json = file(
        "UK",
        r#", "format": "dicom-download", "sent_on": "2026-07-01", "channel": "email""#,
        PATIENT,
    );
    let mut r = record(&json);
    // one month from 1 July is Saturday 1 August: Monday 3 August
    assert_eq!(r.due_on(), Some(d("2026-08-03")));
    r.follow_up(d("2026-08-10"), d(TODAY)).unwrap();
    let f = follow_up_letter(&r, d("2026-08-10")).unwrap().to_text();
    assert!(
        f.contains("section 164A of the Data Protection Act 2018"),
        "{f}"
    );
    assert!(f.contains("acknowledge"), "{f}");
    // the ICO draft: not 14 days later, but after 30 days without an outcome
    assert!(r.complaint(d("2026-08-24"), d(TODAY)).is_err());
    assert!(r.complaint(d("2026-09-08"), d(TODAY)).is_err());
    r.complaint(d("2026-09-09"), d(TODAY)).unwrap();
    let c = complaint_letter(&r, d("2026-09-09")).unwrap().to_text();
    assert!(c.contains("Information Commissioner"), "{c}");
    assert!(c.contains("section 165"), "{c}");
    assert!(c.contains("10 August 2026: I complained to"), "{c}");

    // a refusal: first the complaint to the controller, not the ICO at once
    let mut r = record(&json);
    r.mark(
        Mark::Refused {
            on: d("2026-07-20"),
        },
        d(TODAY),
    )
    .unwrap();
    assert!(r.complaint(d("2026-07-21"), d(TODAY)).is_err());
    r.follow_up(d("2026-07-21"), d(TODAY)).unwrap();
    assert!(follow_up_letter(&r, d("2026-07-21"))
        .unwrap()
        .to_text()
        .contains("164A"));
}

// ---- 5. US: a copy directed to a doctor

fn us_doctor() -> String {
    file(
        "US",
        r#", "format": "dicom-download", "deliver_to": {"name": "Dr. Alice Example", "address": "5 Oak Ave, Springfield"}"#,
        PATIENT,
    )
}

#[test]
fn request_p5_us_letter_to_a_doctor_claims_no_fee_limits_and_has_a_signature_line() {
    let a = parse(&us_doctor()).answers;
    let t = request_letter(&a, d(TODAY)).to_text();
    assert!(!t.contains("$6.50"), "{t}");
    assert!(!t.contains("reasonable, cost-based fee"), "{t}");
    assert!(t.contains("164.524(c)(3)(ii)"), "{t}");
    assert!(t.contains("electronic health record"), "{t}");
    assert!(t.contains("Signature: ____"), "{t}");
    assert!(t.contains("164.524(c)(2)(ii)"), "the fallback format: {t}");
    // to the patient: the fee limits stand
    let mine = parse(&file("US", r#", "format": "dicom-download""#, PATIENT)).answers;
    let t = request_letter(&mine, d(TODAY)).to_text();
    assert!(t.contains("164.524(c)(4)"), "{t}");
    assert!(t.contains("164.524(c)(2)(ii)"), "{t}");
}

// ---- 6. EU

#[test]
fn request_p6_eu_free_copy_consent_article_12_4_and_a_named_authority() {
    let r = rule(Jurisdiction::Eu);
    assert!(r.en.fee.contains("Art. 12(5)"), "{}", r.en.fee);
    assert!(r.en.fee.contains("15(1)"), "{}", r.en.fee);
    let doc = parse(&file(
        "EU",
        r#", "format": "dicom-download", "deliver_to": {"name": "Dr B", "address": "2 Side St"}"#,
        PATIENT,
    ))
    .answers;
    let t = request_letter(&doc, d(TODAY)).to_text();
    assert!(t.contains("explicit"), "consent: {t}");
    assert!(t.contains("Art. 9(2)(a)"), "{t}");
    assert!(t.contains("Art. 12(4)"), "{t}");

    // the complaint goes to an authority the patient named, never to a placeholder
    let base = r#", "format": "dicom-download", "sent_on": "2025-01-31""#;
    let mut r = record(&file("EU", base, PATIENT));
    r.mark(
        Mark::Refused {
            on: d("2025-02-10"),
        },
        d(TODAY),
    )
    .unwrap();
    r.complaint(d("2025-02-11"), d(TODAY)).unwrap();
    let e = complaint_letter(&r, d("2025-02-11")).unwrap_err();
    assert_eq!(e.field, "authority");
    let with = format!(
        r#"{base}, "authority": "Commission nationale de l'informatique et des libertés, 3 place de Fontenoy, 75007 Paris""#
    );
    let mut r = record(&file("EU", &with, PATIENT));
    r.mark(
        Mark::Refused {
            on: d("2025-02-10"),
        },
        d(TODAY),
    )
    .unwrap();
    r.complaint(d("2025-02-11"), d(TODAY)).unwrap();
    let c = complaint_letter(&r, d("2025-02-11")).unwrap().to_text();
    assert!(c.contains("Commission nationale de l'informatique et des libertés"));
    assert!(!c.contains("[fill in"), "{c}");
}

// ---- 7. Canada, PIPEDA

#[test]
fn request_p7_pipeda_extension_conditions_and_dicom_as_a_request() {
    let r = rule(Jurisdiction::Ca);
    assert!(
        r.en.extension.contains("unreasonably interfere"),
        "{}",
        r.en.extension
    );
    assert!(
        r.en.extension.contains("consultations"),
        "{}",
        r.en.extension
    );
    assert!(!r.en.format.contains("that is the original DICOM files"));
    assert!(r.en.format.contains("intelligible") || r.en.format.contains("understandable"));
    assert!(r.en.format.contains("I ask"), "{}", r.en.format);
    let fr = r.fr.unwrap();
    assert!(fr.extension.contains("entraverait"), "{}", fr.extension);
    assert!(fr.format.contains("je demande") || fr.format.contains("Je demande"));
}

// ---- 8. Ontario, PHIPA

#[test]
fn request_p8_phipa_electronic_format_is_52_1_1_and_expedited_access_is_in_the_letter() {
    let r = rule(Jurisdiction::CaOn);
    assert!(r.en.format.contains("52(1.1)"), "{}", r.en.format);
    assert!(!r.en.format.contains("54(1)(a)"), "{}", r.en.format);
    let fr = r.fr.unwrap();
    assert!(fr.format.contains("52(1.1)"), "{}", fr.format);

    let json = file(
        "CA-ON",
        r#", "format": "dicom-download", "expedited": {"by": "2026-12-14", "reason": "a second opinion before surgery"}"#,
        PATIENT,
    );
    let a = parse(&json).answers;
    let t = request_letter(&a, d(TODAY)).to_text();
    assert!(t.contains("54(5)"), "{t}");
    assert!(t.contains("14 December 2026"), "{t}");
    assert!(t.contains("a second opinion before surgery"), "{t}");
    // French too
    let fr = json.replace(r#""CA-ON""#, r#""CA-ON", "language": "fr""#);
    let t = request_letter(&parse(&fr).answers, d(TODAY)).to_text();
    assert!(t.contains("54(5)") && t.contains("14 décembre 2026"), "{t}");
    // only for Ontario, and the date must come before the ordinary time limit
    let elsewhere = json.replace(r#""CA-ON""#, r#""CA""#);
    assert_eq!(fields(&elsewhere), ["expedited"]);
    let late = json.replace("2026-12-14", "2027-03-01");
    assert_eq!(fields(&late), ["expedited.by"]);
}

// ---- 9. Australia, APP 12

#[test]
fn request_p9_app12_reasonable_period_thirty_days_to_answer_the_complaint_12_5_12_9_consent() {
    let mine = parse(&file("AU", r#", "format": "dicom-download""#, PATIENT)).answers;
    let all = request_letter(&mine, d(TODAY)).to_text();
    assert!(all.contains("APP 12.5"), "{all}");
    assert!(all.contains("APP 12.9"), "{all}");
    let mut rec = record(&file(
        "AU",
        r#", "format": "dicom-download", "sent_on": "2026-07-01", "channel": "email""#,
        PATIENT,
    ));
    rec.follow_up(d("2026-08-10"), d(TODAY)).unwrap();
    let f = follow_up_letter(&rec, d("2026-08-10")).unwrap().to_text();
    assert!(!f.contains("time limit for your response ended"), "{f}");
    assert!(f.contains("reasonable period"), "{f}");
    // the OAIC gives the entity about 30 days to answer the complaint
    assert!(rec.complaint(d("2026-08-24"), d(TODAY)).is_err());
    rec.complaint(d("2026-09-09"), d(TODAY)).unwrap();
    let doc = parse(&file(
        "AU",
        r#", "format": "dicom-download", "deliver_to": {"name": "Dr B", "address": "2 Side St"}"#,
        PATIENT,
    ))
    .answers;
    let t = request_letter(&doc, d(TODAY)).to_text();
    assert!(t.contains("consent"), "{t}");
}
