//! The core's share, "my shares" and receive screens (issue 17, points 5 and 6) driven by events
//! against the real relay binary on loopback, with the SAG-anon series from
//! ../shared/dicom-samples. They live here because this crate's tests are the ones cargo builds
//! the relay for. The link's key is never printed: assertions on it compare, never show.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use scanpass_core::import::{Silent, Source};
use scanpass_core::screens::import::ImportScreen;
use scanpass_core::screens::receive::{ReceiveEvent, ReceiveScreen};
use scanpass_core::screens::share::mine::{MySharesEvent, MySharesScreen};
use scanpass_core::screens::share::{ShareEvent, ShareScreen, ShareView, ShareViewListener};
use scanpass_core::share::ShareStatus;
use scanpass_core::text::Language;
use scanpass_core::vault::{PassphraseKeyStore, Vault};

const VIEWER: &str = "https://view.example/test/0.1.0/";
const PASSCODE: &str = "blue harbour seven lanterns";

struct Relay(Child, String);

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(data: &std::path::Path) -> Relay {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scanpass-relay"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start scanpass-relay");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("scanpass-relay listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Relay(child, base)
}

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/dicom-samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("!!! SKIPPED: ../shared/dicom-samples is absent; share screen tests not run");
        None
    }
}

fn vault(dir: &std::path::Path) -> Arc<Vault> {
    std::fs::create_dir_all(dir).unwrap();
    let keys = PassphraseKeyStore::new(dir, "pw").with_cost(1024, 1);
    Arc::new(Vault::create(dir, &keys).unwrap())
}

/// A vault holding the SAG study, imported through the import screen; its study id.
fn sag_vault(dir: &std::path::Path, samples: &std::path::Path) -> (Arc<Vault>, String) {
    let v = vault(dir);
    let end = ImportScreen::new(v.clone(), Language::En)
        .start(&[Source::Path(samples.join("SAG-anon"))], &Silent)
        .unwrap();
    assert_eq!(end.result.unwrap().lines[0], "192 images added");
    let study = v.studies().unwrap()[0].id.clone();
    (v, study)
}

#[derive(Default)]
struct Views(Mutex<Vec<ShareView>>);

impl ShareViewListener for Views {
    fn on_view(&self, view: &ShareView) {
        self.0.lock().unwrap().push(view.clone());
    }
}

fn fields(v: &ShareView) -> Vec<&str> {
    v.form.errors.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn share_receive_and_revoke_through_the_screens() {
    let Some(samples) = samples() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let relay = start(&tmp.path().join("relay"));
    let (a, study) = sag_vault(&tmp.path().join("a"), &samples);

    let screen = ShareScreen::new(
        a.clone(),
        Language::En,
        &relay.1,
        Some(VIEWER.into()),
        &study,
    )
    .unwrap();
    let v = screen.view();
    assert_eq!(v.title, "Share with a doctor");
    let f = &v.form;
    assert_eq!(f.studies.len(), 1);
    assert_eq!(f.studies[0].label, "MR-Brain w/o Contrast, 8 March 2013");
    assert!(f.studies[0].selected);
    assert_eq!(f.studies[0].series.len(), 1);
    assert!(f.studies[0].series[0].label.ends_with("(192 images)"));
    let presets: Vec<&str> = f.presets.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(
        presets,
        ["Keep everything", "For a second opinion", "Anonymous"]
    );
    assert!(f.presets.iter().all(|p| !p.explanation.is_empty()));
    let expiry: Vec<(u32, &str, bool)> = f
        .expiry
        .iter()
        .map(|e| (e.days, e.label.as_str(), e.selected))
        .collect();
    assert_eq!(
        expiry,
        [
            (1, "1 day", false),
            (3, "3 days", false),
            (7, "7 days", true),
            (14, "14 days", false),
            (31, "31 days", false)
        ]
    );
    assert_eq!(f.downloads[0].label, "No limit");
    assert_eq!(f.downloads[1].label, "Once");
    assert!(f.passcode.enabled && f.passcode.value.is_empty());
    assert_eq!(f.warning, None);
    assert!(f.errors.is_empty(), "no errors before a first try");

    // refusals, by field; nothing reaches the relay
    screen
        .handle(ShareEvent::SetPasscode("blue harbour".into()))
        .unwrap();
    screen.handle(ShareEvent::SetExpiryDays(40)).unwrap();
    screen
        .handle(ShareEvent::SetDownloadLimit(Some(0)))
        .unwrap();
    let series = f.studies[0].series[0].id.clone();
    screen
        .handle(ShareEvent::ToggleSeries {
            series_id: series.clone(),
        })
        .unwrap();
    let v = screen.share(&Silent).unwrap();
    assert!(v.result.is_none() && v.progress.is_none() && v.error.is_none());
    assert_eq!(fields(&v), ["series", "expiry", "downloads", "passcode"]);
    let weak = &v.form.errors[3].message;
    assert!(
        weak.starts_with("This passcode is too easy to guess"),
        "{weak}"
    );
    assert!(weak.ends_with(&v.form.passcode.suggestion));
    assert_eq!(
        v.form.errors[1].message,
        "A link can work from 1 to 31 days."
    );
    let v = screen
        .handle(ShareEvent::ToggleStudy {
            study_id: study.clone(),
        })
        .unwrap();
    assert_eq!(fields(&v)[0], "studies");
    assert!(a.share_records().unwrap().is_empty());
    assert!(matches!(
        screen.handle(ShareEvent::ToggleStudy {
            study_id: "nope".into()
        }),
        Err(scanpass_core::Error::NotFound("study"))
    ));

    // corrected as the patient goes: each fix takes its error away
    screen
        .handle(ShareEvent::ToggleStudy {
            study_id: study.clone(),
        })
        .unwrap();
    screen
        .handle(ShareEvent::ToggleSeries { series_id: series })
        .unwrap();
    screen.handle(ShareEvent::SetExpiryDays(1)).unwrap();
    let v = screen.handle(ShareEvent::SetDownloadLimit(None)).unwrap();
    assert_eq!(fields(&v), ["passcode"]);
    let v = screen
        .handle(ShareEvent::SetPasscode(PASSCODE.into()))
        .unwrap();
    assert!(v.form.errors.is_empty());

    let views = Views::default();
    let v = screen.share(&views).unwrap();
    let views = views.0.into_inner().unwrap();
    assert_eq!(
        views[0].progress.as_ref().unwrap().text,
        "Preparing your images…"
    );
    assert!(views.iter().any(|v| v
        .progress
        .as_ref()
        .is_some_and(|p| p.text == "Encrypting and sending: 192 of 192 images")));
    assert_eq!(views.last(), Some(&v));
    assert_eq!(v.error, None);
    let done = v.result.unwrap();
    assert_eq!(done.title, "Your link is ready");
    assert!(done.link.starts_with(VIEWER));
    assert!(done.qr_png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(done.message.starts_with(
        "I am sharing my medical images with you. This link opens them in a web browser until "
    ));
    assert!(done.message.contains(&done.link));
    assert!(done
        .message
        .ends_with("I will send you the passcode separately."));
    assert!(!done.message.contains(PASSCODE));
    assert_eq!(
        done.passcode_message.as_deref(),
        Some("The passcode for the medical images I sent you: blue harbour seven lanterns")
    );
    assert!(done.passcode_note.is_some());
    assert!(!done.resumed);
    // the finished share's buttons, in words
    assert_eq!(done.send_label, "Send the link");
    assert_eq!(done.show_qr_label, "Show the QR code");
    assert_eq!(
        done.send_passcode_label.as_deref(),
        Some("Send the passcode")
    );
    assert_eq!(done.qr_description, "QR code of the share link");
    assert_eq!(done.done_label, "Done");
    let link = done.link;

    // my shares, before anyone opened it
    let mut mine = MySharesScreen::new(a.clone(), Language::En);
    let m = mine.view().unwrap();
    assert_eq!(m.shares.len(), 1);
    let card = &m.shares[0];
    assert_eq!(card.status, ShareStatus::Active);
    assert!(card.state.starts_with("Open until "), "{}", card.state);
    assert_eq!(card.title, "MR-Brain w/o Contrast, 8 March 2013");
    assert_eq!(
        card.access.as_deref(),
        Some("Who opened it is not known yet")
    );
    let m = mine.handle(MySharesEvent::Refresh).unwrap();
    assert_eq!(m.shares[0].access.as_deref(), Some("Not opened yet"));

    // receive into a second vault: a non-link, the prompt, a wrong passcode, the right one
    let b = vault(&tmp.path().join("b"));
    let rx = ReceiveScreen::new(b.clone(), Language::En);
    let v = rx.receive(None, &Silent).unwrap();
    assert_eq!(
        v.link_error.as_deref(),
        Some("Paste the link you received first.")
    );
    let v = rx
        .handle(ReceiveEvent::SetLink("see you tomorrow".into()))
        .unwrap();
    assert_eq!(
        v.link_error.as_deref(),
        Some("This is not a Scanpass link, or it was cut when copied. Copy the whole link again.")
    );
    assert!(!v.can_open && v.passcode.is_none());
    let cut = &link[..link.len() - 10];
    let v = rx.handle(ReceiveEvent::SetLink(cut.into())).unwrap();
    assert!(v.link_error.is_some(), "a cut link is refused");
    let v = rx
        .handle(ReceiveEvent::SetLink(format!("  {link}\n")))
        .unwrap();
    assert_eq!(v.link_error, None);
    assert!(v.can_open);
    let prompt = v.passcode.unwrap();
    assert_eq!(prompt.error, None);
    let v = rx.receive(None, &Silent).unwrap();
    assert_eq!(
        v.passcode.unwrap().error.as_deref(),
        Some("Type the passcode you received.")
    );
    let v = rx.receive(Some("blue harbour"), &Silent).unwrap();
    assert!(v.result.is_none());
    let prompt = v.passcode.unwrap();
    let left = prompt.attempts_left.expect("the relay says what is left");
    assert!(left > 0);
    assert_eq!(
        prompt.error.unwrap(),
        format!(
            "That passcode does not open these images. {left} attempts left before the link locks."
        )
    );
    assert_eq!(v.error, None);
    let v = rx.receive(Some(PASSCODE), &Silent).unwrap();
    assert_eq!(v.error, None);
    let got = v.result.unwrap();
    assert_eq!(got.title, "Images received");
    assert_eq!(got.lines, ["192 images added"]);
    assert!(got.notes.is_empty());
    assert_eq!(b.studies().unwrap()[0].instance_count, 192);

    // who opened it, in words; revoke behind a confirmation
    let m = mine.handle(MySharesEvent::Refresh).unwrap();
    let today = m.shares[0].access.clone().unwrap();
    assert!(
        today.starts_with("Opened once, on ") && today.ends_with(". 1 wrong passcode was tried"),
        "{today}"
    );
    assert!(mine.handle(MySharesEvent::ConfirmRevoke).is_err());
    let id = m.shares[0].id.clone();
    let m = mine
        .handle(MySharesEvent::AskRevoke {
            share_id: id.clone(),
        })
        .unwrap();
    let c = m.confirm.unwrap();
    assert_eq!(c.title, "Revoke this link?");
    assert!(c.destructive);
    let m = mine.handle(MySharesEvent::CancelRevoke).unwrap();
    assert!(m.confirm.is_none());
    assert_eq!(m.shares[0].status, ShareStatus::Active);
    mine.handle(MySharesEvent::AskRevoke { share_id: id })
        .unwrap();
    let m = mine.handle(MySharesEvent::ConfirmRevoke).unwrap();
    assert_eq!(m.error, None);
    let card = &m.shares[0];
    assert_eq!(card.status, ShareStatus::Revoked);
    assert_eq!(card.state, "Revoked: the link no longer opens anything");
    assert!(!card.can_revoke && card.link.is_none() && card.access.is_none());

    // the revoked link, received again: gone, in words (French here)
    let rx = ReceiveScreen::new(b, Language::Fr);
    rx.handle(ReceiveEvent::SetLink(link)).unwrap();
    let v = rx.receive(Some(PASSCODE), &Silent).unwrap();
    assert_eq!(
        v.error.as_deref(),
        Some("Ce lien n'ouvre plus rien : il a expiré, a été révoqué ou a été ouvert autant de fois que permis. Demandez un nouveau lien à l'expéditeur.")
    );
    assert!(v.result.is_none());
}

#[test]
fn a_stopped_share_resumes_and_links_without_a_passcode_open_at_once() {
    let Some(samples) = samples() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let relay = start(&tmp.path().join("relay"));
    let (a, study) = sag_vault(&tmp.path().join("a"), &samples);
    let screen = Arc::new(
        ShareScreen::new(
            a.clone(),
            Language::En,
            &relay.1,
            Some(VIEWER.into()),
            &study,
        )
        .unwrap(),
    );
    screen.handle(ShareEvent::UsePasscode(false)).unwrap();
    screen
        .handle(ShareEvent::SetPreset(Some(
            scanpass_core::deid::Preset::SecondOpinion,
        )))
        .unwrap();
    struct StopAt50(Arc<ShareScreen>);
    impl ShareViewListener for StopAt50 {
        fn on_view(&self, view: &ShareView) {
            if view.progress.as_ref().is_some_and(|p| p.done == 50) {
                self.0.cancel();
            }
        }
    }
    let v = screen.share(&StopAt50(screen.clone())).unwrap();
    assert_eq!(
        v.error.as_deref(),
        Some("Sharing stopped. Share again to pick up where it stopped.")
    );
    assert!(v.result.is_none() && v.progress.is_none());
    let m = MySharesScreen::new(a.clone(), Language::En).view().unwrap();
    assert_eq!(m.shares[0].status, ShareStatus::Unfinished);
    assert_eq!(
        m.shares[0].state,
        "Not finished: share the same images again to complete it"
    );

    // a change while it runs is refused; after it stopped, sharing again resumes
    let views = Views::default();
    let v = screen.share(&views).unwrap();
    assert!(views
        .0
        .lock()
        .unwrap()
        .iter()
        .any(|v| v.progress.as_ref().is_some_and(|p| p.resumed)));
    let done = v.result.unwrap();
    assert!(done.resumed);
    assert_eq!(done.passcode_message, None);
    assert_eq!(done.send_passcode_label, None);
    assert!(done.message.ends_with(&done.link));

    // no passcode: the receive screen opens it without a prompt
    let b = vault(&tmp.path().join("b"));
    let rx = ReceiveScreen::new(b, Language::En);
    let v = rx.handle(ReceiveEvent::SetLink(done.link.clone())).unwrap();
    assert!(v.passcode.is_none() && v.can_open);
    let v = rx.receive(None, &Silent).unwrap();
    let got = v.result.unwrap();
    assert_eq!(got.lines, ["192 images added"]);
    assert_eq!(
        got.notes,
        ["The sender removed details that identify the patient."]
    );

    // a link to a share the relay never had
    let other = done
        .link
        .replacen(&done.share_id, "AAAAAAAAAAAAAAAAAAAAAA", 1);
    rx.handle(ReceiveEvent::Dismiss).unwrap();
    rx.handle(ReceiveEvent::SetLink(other)).unwrap();
    let v = rx.receive(None, &Silent).unwrap();
    assert_eq!(
        v.error.as_deref(),
        Some("Nothing is shared at this link: it may have been cut when copied.")
    );
}
