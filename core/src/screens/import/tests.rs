use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::*;
use crate::vault::tests::temp_dir;
use crate::vault::PassphraseKeyStore;

fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/dicom-samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("!!! SKIPPED: ../shared/dicom-samples is absent; import screen tests not run");
        None
    }
}

fn vault() -> Arc<Vault> {
    let dir = temp_dir("screen-import");
    let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
    Arc::new(Vault::create(&dir, &keys).unwrap())
}

/// A clock the test sets (milliseconds).
#[derive(Default)]
struct TestClock(AtomicU64);

impl Clock for TestClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.0.load(Ordering::SeqCst))
    }
}

#[derive(Default)]
struct Views(Mutex<Vec<ImportView>>);

impl ImportViewListener for Views {
    fn on_view(&self, view: &ImportView) {
        self.0.lock().unwrap().push(view.clone());
    }
}

#[test]
fn the_sources_are_choices_with_the_effect_that_picks_them() {
    let screen = ImportScreen::new(vault(), Language::Fr);
    let v = screen.view();
    assert_eq!(v.title, "Ajouter des images");
    let kinds: Vec<_> = v
        .choices
        .iter()
        .map(|c| (c.kind, c.effect.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (SourceKind::Folder, ImportEffect::PickFolder),
            (
                SourceKind::Zip,
                ImportEffect::PickFiles {
                    multiple: false,
                    media_types: vec!["application/zip".into()]
                }
            ),
            (
                SourceKind::Files,
                ImportEffect::PickFiles {
                    multiple: true,
                    media_types: vec![]
                }
            ),
            (SourceKind::Link, ImportEffect::AskLink),
        ]
    );
    assert_eq!(v.choices[0].label, "Un CD, un DVD ou une clé USB");
    assert_eq!(v.reading_text, "Lecture de ce que vous avez choisi…");
    let en = ImportScreen::new(vault(), Language::En).view();
    assert_eq!(en.reading_text, "Reading what you picked…");
    assert!(v.progress.is_none() && v.result.is_none() && v.error.is_none());
}

#[test]
fn a_bad_link_is_refused_on_the_form_and_a_good_one_becomes_a_source() {
    let screen = ImportScreen::new(vault(), Language::En);
    for bad in [
        "not a link",
        "http://example.org/studies/1",
        "ftp://x/y",
        "",
    ] {
        assert_eq!(screen.link_source(bad, None), None, "{bad}");
        assert_eq!(
            screen.view().link_form.error.as_deref(),
            Some("This is not a link Scanpass can download from. It must start with https://."),
        );
    }
    let s = screen
        .link_source(" https://portal.example/studies/1.2.3 ", Some("  "))
        .unwrap();
    assert_eq!(
        s,
        Source::Url {
            url: "https://portal.example/studies/1.2.3".into(),
            bearer: None
        }
    );
    assert_eq!(screen.view().link_form.error, None);
}

#[test]
fn a_cd_copy_imports_with_progress_and_a_summary_in_words() {
    let Some(samples) = samples() else { return };
    let clock = Arc::new(TestClock::default());
    let screen = ImportScreen::with_clock(vault(), Language::En, clock.clone());
    struct Ticking(Views, Arc<TestClock>);
    impl ImportViewListener for Ticking {
        fn on_view(&self, view: &ImportView) {
            self.1 .0.fetch_add(1000, Ordering::SeqCst); // each file takes a second
            self.0.on_view(view);
        }
    }
    let views = Ticking(Views::default(), clock);
    let end = screen
        .start(&[Source::Path(samples.join("SAG-anon"))], &views)
        .unwrap();
    let views = views.0 .0.into_inner().unwrap();
    let first = views[0].progress.as_ref().unwrap();
    assert_eq!(first.phase, ImportPhase::Searching);
    assert_eq!(first.phase_text, "Looking for images…");
    assert_eq!(first.fraction, None);
    let found = views[1].progress.as_ref().unwrap();
    assert_eq!(found.phase, ImportPhase::Importing);
    assert_eq!(found.files_text, "0 of 194 files");
    assert!(
        found.bytes_text.starts_with("0 bytes of "),
        "{}",
        found.bytes_text
    );
    assert_eq!(found.time_left.as_deref(), Some("Estimating time left…"));
    // half-way: a rate is known, the estimate is in words
    let mid = views
        .iter()
        .filter_map(|v| v.progress.as_ref())
        .find(|p| p.files_done == 97)
        .unwrap();
    assert_eq!(mid.files_text, "97 of 194 files");
    assert!(mid.fraction.unwrap() > 0.3 && mid.fraction.unwrap() < 0.7);
    let left = mid.time_left.as_deref().unwrap();
    assert!(
        left.starts_with("About ") && left.ends_with("minutes left"),
        "{left}"
    );
    let last = views[views.len() - 2].progress.as_ref().unwrap();
    assert_eq!(last.phase, ImportPhase::Finishing);
    assert_eq!(last.phase_text, "Finishing…");
    assert_eq!(last.time_left, None);

    assert_eq!(views.last(), Some(&end));
    assert!(end.progress.is_none());
    let r = end.result.unwrap();
    assert_eq!(r.title, "Import finished");
    assert_eq!(
        r.lines,
        vec![
            "192 images added".to_string(),
            "2 files were not images (viewer programs or web pages on the disc, for example)"
                .into(),
        ]
    );
    assert_eq!(r.warning, None);
    assert!(r.problems.is_empty());
    assert_eq!(r.images_added, 192);

    // dismissed: back to the choices
    let v = screen.handle(ImportScreenEvent::Dismiss);
    assert!(v.result.is_none() && v.progress.is_none());
}

#[test]
fn damaged_files_and_two_people_are_said_in_words_without_patient_data() {
    let Some(samples) = samples() else { return };
    let dir = temp_dir("screen-import-mixed");
    // a file that says it is DICOM and is not readable as one, and a text file
    let mut bad = vec![0u8; 128];
    bad.extend_from_slice(b"DICM");
    bad.extend_from_slice(&[0xff; 64]);
    std::fs::write(dir.join("IM000009"), &bad).unwrap();
    std::fs::write(dir.join("README.TXT"), b"a CD's read-me").unwrap();
    let screen = ImportScreen::new(vault(), Language::En);
    let end = screen
        .start(
            &[
                Source::Path(dir),
                Source::Path(samples.join("pydicom/CT_small.dcm")),
                Source::Path(samples.join("pydicom/MR_small.dcm")),
            ],
            &crate::import::Silent,
        )
        .unwrap();
    let r = end.result.unwrap();
    assert_eq!(
        r.lines,
        vec![
            "2 images added".to_string(),
            "1 file was not an image (a viewer program or a web page on the disc, for example)"
                .into(),
            "1 file could not be read".into(),
        ]
    );
    assert_eq!(
        r.problems,
        vec![FileProblem {
            file: "IM000009".into(),
            reason: "The file is damaged or incomplete.".into()
        }]
    );
    assert_eq!(
        r.warning.as_deref(),
        Some("These images belong to 2 people: check before sharing them.")
    );
    let shown = format!("{:?}", r.lines) + &format!("{:?}", r.problems);
    for name in ["CompressedSamples", "Jane", "Doe", "1.3.6.1"] {
        assert!(!shown.contains(name), "{shown}");
    }
}

#[test]
fn cancelling_keeps_what_was_imported_and_says_how_far_it_got() {
    let Some(samples) = samples() else { return };
    let screen = Arc::new(ImportScreen::new(vault(), Language::En));
    struct CancelAt30(Arc<ImportScreen>);
    impl ImportViewListener for CancelAt30 {
        fn on_view(&self, view: &ImportView) {
            if view.progress.as_ref().is_some_and(|p| p.files_done == 30) {
                self.0.cancel();
                let p = self.0.view().progress.unwrap();
                assert_eq!(p.phase, ImportPhase::Stopping);
                assert!(!p.can_cancel);
            }
        }
    }
    // files are reported done as they are staged, and a cancel commits the group staged:
    // groups of 7 (never cut short by time), so that the cancel lands inside a group (files 29
    // and 30 staged, 28 committed) and the screen still says exactly what is kept
    crate::import::TEST_GROUPS.with(|g| {
        g.set(Some(crate::import::Groups {
            files: 7,
            bytes: u64::MAX,
            age: std::time::Duration::from_secs(3600),
        }))
    });
    let end = screen
        .start(
            &[Source::Path(samples.join("pydicom"))],
            &CancelAt30(screen.clone()),
        )
        .unwrap();
    crate::import::TEST_GROUPS.with(|g| g.set(None));
    let r = end.result.unwrap();
    assert!(r.cancelled);
    assert_eq!(r.title, "Import stopped");
    assert_eq!(
        r.lines[0],
        "Cancelled: 30 of 137 files done. What was imported is kept."
    );
    assert!(r.lines[1].ends_with("images added"), "{}", r.lines[1]);
}

#[test]
fn a_source_that_is_not_there_is_an_error_in_words() {
    let screen = ImportScreen::new(vault(), Language::Fr);
    let end = screen
        .start(
            &[Source::Path("/nonexistent/scanpass/cd".into())],
            &crate::import::Silent,
        )
        .unwrap();
    assert!(end.result.is_none());
    assert_eq!(
        end.error.as_deref(),
        Some("Ces fichiers n'ont pas pu être lus. Vérifiez que le disque, la clé ou le dossier est toujours là.")
    );
}

#[test]
fn time_left_comes_from_the_rate_so_far() {
    let clock = Arc::new(TestClock::default());
    let screen = ImportScreen::with_clock(vault(), Language::En, clock.clone());
    let run = Run {
        files: 100,
        bytes: 1000,
        done: 25,
        bytes_done: 250,
        started: Some(Duration::from_secs(10)),
        found: true,
        stopping: false,
    };
    let at = |secs: u64| {
        clock.0.store(secs * 1000, Ordering::SeqCst);
        screen.progress(&run).time_left.unwrap()
    };
    assert_eq!(at(11), "Estimating time left…"); // 1 s measured: too early
    assert_eq!(at(13), "A few seconds left"); // 3 s for a quarter: 9 s
    assert_eq!(at(25), "Less than a minute left"); // 45 s
    assert_eq!(at(50), "About 2 minutes left"); // 120 s
    assert_eq!(at(610), "About 30 minutes left");
    assert_eq!(at(1210), "About an hour left");
    assert_eq!(at(2410), "About 2 hours left");
    assert_eq!(
        time_left_text(600.0, Language::Fr),
        "Environ 10 minutes restantes"
    );
}
