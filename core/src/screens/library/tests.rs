use std::sync::Mutex;

use super::*;
use crate::import::{import, CancelToken, Silent, Source};
use crate::phantom::{self, PhantomSpec};
use crate::vault::tests::temp_dir;
use crate::vault::PassphraseKeyStore;

fn vault_with_a_ct(slices: u32) -> Arc<Vault> {
    let dir = temp_dir("screen-library");
    let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
    let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
    let cd = temp_dir("screen-library-cd");
    for (i, f) in phantom::ct_series(PhantomSpec {
        slices,
        size: 16,
        seed: 9,
    })
    .unwrap()
    .iter()
    .enumerate()
    {
        std::fs::write(cd.join(format!("IM{i:04}")), f).unwrap();
    }
    import(&vault, &[Source::Path(cd)], &Silent, &CancelToken::new()).unwrap();
    vault
}

#[test]
fn an_empty_vault_says_how_to_start() {
    let dir = temp_dir("screen-library-empty");
    let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
    let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
    let v = LibraryScreen::new(vault, Language::En).view().unwrap();
    assert!(v.patients.is_empty());
    assert_eq!(v.revision, 0);
    assert!(v.empty.unwrap().starts_with("No images yet."));
}

#[test]
fn studies_are_display_ready_in_the_language() {
    let vault = vault_with_a_ct(12);
    let en = LibraryScreen::new(vault.clone(), Language::En)
        .view()
        .unwrap();
    assert!(en.revision > 0);
    assert_eq!(en.empty, None);
    assert_eq!(en.patients.len(), 1);
    let p = &en.patients[0];
    assert_eq!(p.name, "Scanpass PHANTOM"); // from Phantom^Scanpass
    assert_eq!(p.summary, "1 study");
    let s = &p.studies[0];
    assert_eq!(s.title, "Head phantom (generated)"); // the description
    assert_eq!(s.kinds, "CT scan");
    assert_eq!(s.date, "15 January 2026"); // from 20260115
    assert_eq!(s.counts, "1 series · 12 images");

    let fr = LibraryScreen::new(vault, Language::Fr).view().unwrap();
    let s = &fr.patients[0].studies[0];
    assert_eq!(s.kinds, "Scanner");
    assert_eq!(s.date, "15 janvier 2026");
    assert_eq!(s.counts, "1 série · 12 images");
    assert_eq!(fr.patients[0].summary, "1 examen");
}

#[test]
fn search_finds_by_name_kind_and_date_and_says_when_nothing_matches() {
    let vault = vault_with_a_ct(3);
    let mut screen = LibraryScreen::new(vault, Language::Fr);
    for q in ["phantom", "scanner", "janvier", "  SCANPASS "] {
        let v = screen.handle(LibraryEvent::Search(q.into())).unwrap();
        assert_eq!(v.patients.len(), 1, "{q}");
        assert_eq!(v.empty, None);
    }
    let v = screen.handle(LibraryEvent::Search("irm".into())).unwrap();
    assert!(v.patients.is_empty());
    assert_eq!(v.empty.as_deref(), Some("Rien ne correspond à « irm »."));
    let v = screen.handle(LibraryEvent::Search(String::new())).unwrap();
    assert_eq!(v.patients.len(), 1);
}

#[test]
fn deleting_asks_first_and_refusals_change_nothing() {
    let vault = vault_with_a_ct(3);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let hook: Arc<crate::vault::ChangeHook> = {
        let seen = seen.clone();
        Arc::new(move |r| seen.lock().unwrap().push(r))
    };
    vault.on_change(&hook);
    let mut screen = LibraryScreen::new(vault.clone(), Language::En);
    let before = screen.view().unwrap();
    let study = before.patients[0].studies[0].id.clone();

    // refusals: an unknown study, a confirmation with nothing asked
    assert!(matches!(
        screen.handle(LibraryEvent::AskDelete {
            study_id: "nope".into()
        }),
        Err(Error::NotFound("study"))
    ));
    assert!(screen.handle(LibraryEvent::ConfirmDelete).is_err());
    assert_eq!(screen.view().unwrap(), before);

    // asked, then dismissed
    let v = screen
        .handle(LibraryEvent::AskDelete {
            study_id: study.clone(),
        })
        .unwrap();
    let c = v.confirm.unwrap();
    assert_eq!(c.title, "Delete this study?");
    assert!(c.destructive);
    assert!(
        c.message
            .starts_with("Head phantom (generated), 15 January 2026 will be removed"),
        "{}",
        c.message
    );
    assert_eq!(
        (c.confirm.as_str(), c.cancel.as_str()),
        ("Delete", "Cancel")
    );
    assert_eq!(screen.handle(LibraryEvent::CancelDelete).unwrap(), before);

    // asked, then confirmed: gone, the revision moved and the hook heard it
    screen
        .handle(LibraryEvent::AskDelete {
            study_id: study.clone(),
        })
        .unwrap();
    let v = screen.handle(LibraryEvent::ConfirmDelete).unwrap();
    assert!(v.patients.is_empty());
    assert!(v.confirm.is_none());
    assert!(v.empty.unwrap().starts_with("No images yet."));
    assert!(v.revision > before.revision);
    assert_eq!(seen.lock().unwrap().last().copied(), Some(v.revision));
    assert!(vault.studies().unwrap().is_empty());
}

#[test]
fn the_screens_words_and_its_ways_out_come_from_the_core() {
    let vault = vault_with_a_ct(3);
    let en = LibraryScreen::new(vault.clone(), Language::En)
        .view()
        .unwrap();
    assert_eq!(en.title, "Your images");
    assert_eq!(en.search_label, "Search");
    assert_eq!(en.more_label, "More");
    let ways: Vec<_> = en
        .actions
        .iter()
        .map(|a| (a.destination, a.label.as_str()))
        .collect();
    assert_eq!(
        ways,
        [
            (LibraryDestination::AddImages, "Add images"),
            (LibraryDestination::Receive, "Open a shared link"),
            (LibraryDestination::MyShares, "My shares"),
            (LibraryDestination::Requests, "Request your images"),
            (LibraryDestination::Settings, "Settings"),
        ]
    );
    let s = &en.patients[0].studies[0];
    assert_eq!(s.share_label, "Share");
    assert_eq!(
        s.share_spoken,
        "Share Head phantom (generated), 15 January 2026"
    );
    assert_eq!(
        s.delete_spoken,
        "Delete Head phantom (generated), 15 January 2026"
    );
    assert_eq!(s.show_doctor_label, "Show a doctor");

    let fr = LibraryScreen::new(vault, Language::Fr).view().unwrap();
    assert_eq!(fr.title, "Vos images");
    assert_eq!(fr.actions[4].label, "Réglages");
    let s = &fr.patients[0].studies[0];
    assert_eq!(
        s.share_spoken,
        "Partager Head phantom (generated), 15 janvier 2026"
    );
    assert_eq!(s.show_doctor_label, "Montrer au médecin");
}
