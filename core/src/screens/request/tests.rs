use super::*;
use crate::error::Error;
use crate::request::dates::parse_iso;
use crate::request::flow::FixedClock;
use crate::request::Channel;
use crate::text::Language;
use crate::vault::tests::temp_dir;
use crate::vault::PassphraseKeyStore;
use crate::vault::Vault;
use chrono::NaiveDate;
use std::sync::Arc;

fn d(s: &str) -> NaiveDate {
    parse_iso(s).unwrap()
}

fn vault(tag: &str) -> Arc<Vault> {
    let dir = temp_dir(tag);
    let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
    Arc::new(Vault::create(&dir, &keys).unwrap())
}

fn text(field: &str, value: &str) -> WizardEvent {
    WizardEvent::SetText {
        field: field.into(),
        value: value.into(),
    }
}

fn choose(field: &str, code: &str) -> WizardEvent {
    WizardEvent::Choose {
        field: field.into(),
        code: code.into(),
    }
}

fn field<'a>(v: &'a WizardScreenView, id: &str) -> &'a Field {
    v.fields
        .iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no field {id} on {}: {:?}", v.step, v.fields))
}

/// The wizard driven to a letter (EU, by email); returns the screen.
fn run_to_letter(w: &mut RequestWizard) -> WizardScreenView {
    w.handle(choose("jurisdiction", "EU")).unwrap();
    let v = w.handle(WizardEvent::Next).unwrap();
    assert_eq!(v.step, "provider");
    w.handle(text("provider.name", "Klinikum Beispiel"))
        .unwrap();
    w.handle(text("provider.email", "records@example.org"))
        .unwrap();
    assert_eq!(w.handle(WizardEvent::Next).unwrap().step, "patient");
    w.handle(text("patient.name", "Erika Testperson")).unwrap();
    w.handle(text("patient.date_of_birth", "1964-08-12"))
        .unwrap();
    w.handle(text("patient.email", "erika@example.net"))
        .unwrap();
    assert_eq!(w.handle(WizardEvent::Next).unwrap().step, "studies");
    w.handle(WizardEvent::SetToggle {
        field: "studies.all".into(),
        on: true,
    })
    .unwrap();
    assert_eq!(w.handle(WizardEvent::Next).unwrap().step, "format");
    w.handle(choose("format", "dicom-download")).unwrap();
    assert_eq!(w.handle(WizardEvent::Next).unwrap().step, "delivery");
    w.handle(choose("deliver_to", "patient")).unwrap();
    let v = w.handle(WizardEvent::Next).unwrap();
    assert_eq!(v.step, "review");
    v
}

#[test]
fn next_is_refused_with_the_missing_fields_and_why() {
    let clock = Arc::new(FixedClock::new(d("2025-01-31")));
    let mut w = RequestWizard::new(vault("screen-request-refusal"), Language::En, clock);
    let v = w.view().unwrap();
    assert_eq!(
        (v.step.as_str(), v.progress.as_str()),
        ("jurisdiction", "Step 1 of 7")
    );
    let j = field(&v, "jurisdiction");
    assert_eq!(
        (j.kind, j.required, j.choices.len()),
        (FieldKind::Choice, true, 6)
    );
    assert_eq!(j.choices[1].label, "European Union (GDPR)");

    // nothing chosen: stays, the field says why
    let v = w.handle(WizardEvent::Next).unwrap();
    assert_eq!(v.step, "jurisdiction");
    assert_eq!(
        field(&v, "jurisdiction").error.as_deref(),
        Some("is required")
    );

    w.handle(choose("jurisdiction", "UK")).unwrap();
    w.handle(WizardEvent::Next).unwrap();
    // a provider without a name and without a way to reach it
    let v = w.handle(WizardEvent::Next).unwrap();
    assert_eq!(v.step, "provider");
    assert_eq!(
        field(&v, "provider.name").error.as_deref(),
        Some("is required")
    );
    assert!(field(&v, "provider.name").required);
    assert_eq!(
        field(&v, "provider.address").error.as_deref(),
        Some("give the records department's postal address, email or fax")
    );
    // a wrong email, named in the field's error, its value kept as typed
    w.handle(text("provider.name", "Northwick Imaging"))
        .unwrap();
    w.handle(text("provider.email", "not an email")).unwrap();
    let v = w.handle(WizardEvent::Next).unwrap();
    let e = field(&v, "provider.email");
    assert_eq!(e.error.as_deref(), Some("is not an email address"));
    assert_eq!(e.value, "not an email");
    assert!(v.request_id.is_some(), "the draft is saved as it goes");

    // in French
    let clock = Arc::new(FixedClock::new(d("2025-01-31")));
    let mut fr = RequestWizard::new(vault("screen-request-refusal-fr"), Language::Fr, clock);
    let v = fr.handle(WizardEvent::Next).unwrap();
    assert_eq!(v.title, "Où se trouve l'établissement ?");
    assert_eq!(v.progress, "Étape 1 sur 7");
    assert_eq!(
        field(&v, "jurisdiction").error.as_deref(),
        Some("est obligatoire")
    );
    fr.handle(choose("jurisdiction", "UK")).unwrap();
    fr.handle(WizardEvent::Next).unwrap();
    let v = fr.handle(WizardEvent::Next).unwrap();
    assert_eq!(
        field(&v, "provider.address").error.as_deref(),
        Some("donnez l'adresse postale, le courriel ou le télécopieur du service des dossiers")
    );
    // unknown ids are typed errors, not panics
    assert!(matches!(
        fr.handle(text("patient.shoe_size", "42")),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        fr.handle(choose("jurisdiction", "XX")),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn a_full_run_to_a_letter_then_sent_then_overdue_gives_the_follow_up() {
    let vault = vault("screen-request-run");
    let clock = Arc::new(FixedClock::new(d("2025-01-31")));
    let mut w = RequestWizard::new(vault.clone(), Language::En, clock.clone());
    let v = run_to_letter(&mut w);
    assert!(v.can_generate && !v.can_next);
    assert!(v
        .review
        .iter()
        .any(|l| l.label == "Provider" && l.value.contains("Klinikum Beispiel")));
    assert!(v
        .review
        .iter()
        .any(|l| l.label == "Law" && l.value == "European Union (GDPR)"));
    assert!(v.help.contains("one month"), "{}", v.help);
    // each review line's way back, and the finished letter's button, in words
    assert!(v
        .review
        .iter()
        .any(|l| l.label == "Provider" && l.edit_label == "Edit: Provider"));
    assert!(w.letter_pdf().is_err(), "no letter before it is made");
    let v = w.handle(WizardEvent::Generate).unwrap();
    assert_eq!(v.step, "done");
    assert!(v.finished);
    assert_eq!(v.save_letter_label, "Save the letter (PDF)");
    let id = v.request_id.clone().unwrap();
    assert!(w.letter_pdf().unwrap().starts_with(b"%PDF"));

    // the list: one request, ready to send
    let mut list = RequestsScreen::new(vault.clone(), Language::En, clock.clone());
    let v = list.view().unwrap();
    assert_eq!(
        (v.title.as_str(), v.new_label.as_str()),
        ("Your requests", "New request")
    );
    assert_eq!(v.items.len(), 1);
    let it = &v.items[0];
    assert_eq!(it.id, id);
    assert_eq!(it.provider, "Klinikum Beispiel");
    assert_eq!((it.state, it.next), (RequestState::Ready, NextKind::Send));
    assert!(it
        .actions
        .iter()
        .any(|a| a.action == RequestAction::MarkSent));
    assert_eq!(it.letters.len(), 1);
    assert!(list
        .letter_pdf(&id, LetterKind::Request)
        .unwrap()
        .starts_with(b"%PDF"));
    // no follow-up yet: refused with a typed error
    assert!(matches!(
        list.letter_pdf(&id, LetterKind::FollowUp),
        Err(Error::InvalidArgument(_))
    ));

    // mark sent today by the default channel (the provider's email)
    let v = list
        .handle(RequestsEvent::MarkSent {
            id: id.clone(),
            on: None,
            channel: None,
        })
        .unwrap();
    assert_eq!(v.problem, None);
    let it = &v.items[0];
    assert_eq!(it.state, RequestState::Sent);
    assert_eq!(it.sent.as_deref(), Some("Sent on 31 January 2025"));
    assert_eq!(it.due.as_deref(), Some("Due on 28 February 2025"));
    assert_eq!(it.due_date.as_deref(), Some("2025-02-28"));
    assert_eq!(it.next, NextKind::Wait);
    assert_eq!(it.next_text, "Nothing to do until 28 February 2025.");
    let rec = vault.request(&id).unwrap();
    assert_eq!(rec.tracking.sent.unwrap().channel, Channel::Email);

    // a week before: reminder
    clock.set(d("2025-02-21"));
    assert_eq!(list.view().unwrap().items[0].next, NextKind::DueSoon);
    // the clock moved past the due date: the follow-up is offered
    clock.set(d("2025-03-03"));
    let v = list.view().unwrap();
    let it = &v.items[0];
    assert_eq!(
        (it.state, it.next),
        (RequestState::Overdue, NextKind::FollowUp)
    );
    assert_eq!(it.due.as_deref(), Some("Was due on 28 February 2025"));
    assert!(it.letters.iter().any(|l| l.kind == LetterKind::FollowUp));
    let pdf = list.letter_pdf(&id, LetterKind::FollowUp).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let v = list.view().unwrap();
    assert_eq!(v.items[0].next, NextKind::AwaitFollowUp);
    assert_eq!(
        vault.request(&id).unwrap().tracking.follow_up_on,
        Some(d("2025-03-03"))
    );

    // in French
    let fr = RequestsScreen::new(vault.clone(), Language::Fr, clock.clone())
        .view()
        .unwrap();
    assert_eq!(fr.items[0].state_label, "En retard");
    assert_eq!(
        fr.items[0].sent.as_deref(),
        Some("Envoyée le 31 janvier 2025")
    );

    // a refused action says why and changes nothing
    let v = list
        .handle(RequestsEvent::MarkReceived {
            id: id.clone(),
            on: Some("2030-01-01".into()),
            study_id: None,
        })
        .unwrap();
    assert_eq!(v.problem.as_deref(), Some("is in the future"));
    assert_eq!(v.items[0].state, RequestState::Overdue);
    let v = list
        .handle(RequestsEvent::MarkReceived {
            id: id.clone(),
            on: Some("31/03/2025".into()),
            study_id: None,
        })
        .unwrap();
    assert!(v.problem.unwrap().starts_with("Date: is not a date"));
    // received: done
    let v = list
        .handle(RequestsEvent::MarkReceived {
            id: id.clone(),
            on: None,
            study_id: None,
        })
        .unwrap();
    assert_eq!(
        (v.items[0].state, v.items[0].next),
        (RequestState::Received, NextKind::Done)
    );
    // a refused action in French says why in French (by the problem's code)
    let mut fr = RequestsScreen::new(vault.clone(), Language::Fr, clock.clone());
    let v = fr
        .handle(RequestsEvent::MarkRefused {
            id: id.clone(),
            on: None,
        })
        .unwrap();
    assert_eq!(
        v.problem.as_deref(),
        Some("cette demande est déjà réglée (reçue ou refusée)")
    );
    let v = list.handle(RequestsEvent::Delete { id }).unwrap();
    assert!(v.items.is_empty());
    assert!(v.empty.is_some());
}

#[test]
fn a_draft_is_listed_and_resumes_where_it_stopped() {
    let vault = vault("screen-request-resume");
    let clock = Arc::new(FixedClock::new(d("2025-01-31")));
    let mut w = RequestWizard::new(vault.clone(), Language::En, clock.clone());
    w.handle(choose("jurisdiction", "CA-ON")).unwrap();
    let v = w.handle(WizardEvent::Next).unwrap();
    // Ontario letters can be French: the provider step asks
    assert!(field(&v, "language").choices.len() == 2);
    w.handle(text("provider.name", "Riverside Clinic")).unwrap();
    let id = w.view().unwrap().request_id.unwrap();
    drop(w);

    let list = RequestsScreen::new(vault.clone(), Language::En, clock.clone());
    let it = &list.view().unwrap().items[0];
    assert_eq!((it.state, it.next), (RequestState::Draft, NextKind::Finish));
    assert_eq!(it.provider, "Riverside Clinic");
    assert_eq!(it.actions[0].action, RequestAction::Resume);
    assert!(it.letters.is_empty());

    let w = RequestWizard::resume(vault.clone(), Language::En, clock.clone(), &id).unwrap();
    let v = w.view().unwrap();
    assert_eq!(v.step, "provider");
    assert_eq!(field(&v, "provider.name").value, "Riverside Clinic");
    // Ontario: the studies step offers expedited access
    let mut w = w;
    w.handle(text("provider.address", "1 Main St; Toronto"))
        .unwrap();
    w.handle(WizardEvent::Next).unwrap();
    w.handle(text("patient.name", "Sam Example")).unwrap();
    w.handle(text("patient.date_of_birth", "1975-12-31"))
        .unwrap();
    w.handle(text("patient.email", "sam@example.net")).unwrap();
    let v = w.handle(WizardEvent::Next).unwrap();
    assert_eq!(v.step, "studies");
    assert!(v.fields.iter().any(|f| f.id == "expedited"));
    let v = w
        .handle(WizardEvent::SetToggle {
            field: "expedited".into(),
            on: true,
        })
        .unwrap();
    assert!(field(&v, "expedited.by").required);
    assert!(RequestWizard::resume(vault, Language::En, clock, "0000").is_err());
}
