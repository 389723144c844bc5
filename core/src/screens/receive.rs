//! The receive screen: a link pasted or scanned (checked, with a clear message when it is not a
//! link), the passcode prompt when the link needs one (a wrong passcode: the prompt again, with
//! the attempts the relay says are left), progress, and what was added in words; a link that is
//! gone, expired, revoked or locked, in words.
//!
//! Threads: [`ReceiveScreen::receive`] downloads, one blocking call (seconds to minutes,
//! network, and about 0.3 s of key derivation with a passcode): the shell calls it on a
//! background thread; its [`ReceiveViewListener`] gets each new view on that thread.
//! [`ReceiveScreen::cancel`], `view` and `handle` may be called from any thread.

use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::import::{CancelToken, ImportEvent, ImportListener};
use crate::share::{self, Link, ShareError};
use crate::text::{self, Arg, Language};
use crate::vault::Vault;

/// What the patient did on the receive screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiveEvent {
    /// The link field changed (pasted, typed, or a QR code scanned).
    SetLink(String),
    /// The result or the error was read: back to an empty link field.
    Dismiss,
}

/// What the shell does for the receive screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiveEffect {
    /// The platform's QR code scanner; what it reads is [`ReceiveEvent::SetLink`].
    ScanQr,
}

/// The passcode prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasscodePrompt {
    pub label: String,
    pub message: String,
    /// Why the last passcode did not open it ("… 4 attempts left before the link locks.").
    pub error: Option<String>,
    /// What the relay said is left; None when it did not say.
    pub attempts_left: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReceiveProgress {
    pub text: String,
    pub done: u64,
    pub total: u64,
    /// 0 to 1; None while the link is being opened.
    pub fraction: Option<f32>,
    pub cancel_label: String,
}

/// What receiving did, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveResult {
    pub title: String,
    /// "192 images added", ... (the import's words).
    pub lines: Vec<String>,
    /// The sender de-identified the images; identifying text may be in the pixels.
    pub notes: Vec<String>,
    pub images_added: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReceiveView {
    pub title: String,
    pub link_label: String,
    pub link: String,
    /// Why the link does not read (the link field's error).
    pub link_error: Option<String>,
    pub scan_label: String,
    pub scan: ReceiveEffect,
    /// Shown when the link needs a passcode.
    pub passcode: Option<PasscodePrompt>,
    /// Whether [`ReceiveScreen::receive`] may be called (a link that reads).
    pub can_open: bool,
    pub submit: String,
    pub progress: Option<ReceiveProgress>,
    pub result: Option<ReceiveResult>,
    /// The link is gone, expired, revoked, locked, or the relay is unreachable, in words.
    pub error: Option<String>,
    /// Pastes the link from the clipboard.
    pub paste_label: String,
    /// What to say when the `ScanQr` effect's picture held no QR code.
    pub no_qr_text: String,
    /// Leaves the screen once the images are received.
    pub done_label: String,
    /// The words of the live QR scanner the `ScanQr` effect opens.
    pub scanner: QrScannerWords,
}

/// The live QR scanner's words (the camera's picture fills the screen; the first QR code read
/// goes to [`ReceiveEvent::SetLink`], and this screen says whether it is a Scanpass link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrScannerWords {
    pub title: String,
    /// Under the picture while it looks for a code.
    pub hint: String,
    /// The camera permission was refused: what the patient can do instead.
    pub camera_refused: String,
    /// The permission is there but the live camera cannot be opened (none, or in use).
    pub camera_unavailable: String,
    /// Asks for the camera again.
    pub allow_label: String,
    /// The system camera's single picture instead of the live scan.
    pub photo_label: String,
    /// Leaves the scanner, back to the link field.
    pub close_label: String,
}

/// Receives each new view while a share downloads, on the receiving thread.
pub trait ReceiveViewListener: Send + Sync {
    fn on_view(&self, view: &ReceiveView);
}

impl ReceiveViewListener for crate::import::Silent {
    fn on_view(&self, _: &ReceiveView) {}
}

#[derive(Default)]
struct Running {
    found: bool,
    done: u64,
    total: u64,
}

#[derive(Default)]
struct State {
    link: String,
    link_error: Option<String>,
    needs_passcode: bool,
    passcode_error: Option<String>,
    attempts_left: Option<u32>,
    running: Option<Running>,
    result: Option<ReceiveResult>,
    error: Option<String>,
    cancel: CancelToken,
}

/// The receive screen. Safe to share between threads.
pub struct ReceiveScreen {
    vault: Arc<Vault>,
    lang: Language,
    state: Mutex<State>,
}

impl ReceiveScreen {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    pub fn new(vault: Arc<Vault>, lang: Language) -> ReceiveScreen {
        ReceiveScreen {
            vault,
            lang,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn t(&self, id: &str) -> String {
        text::message(self.lang, id, &[])
    }

    /// Apply what the patient did; returns the view to draw next. Refused while a download runs.
    pub fn handle(&self, event: ReceiveEvent) -> Result<ReceiveView> {
        let mut s = self.state();
        if s.running.is_some() {
            return Err(Error::InvalidArgument("a share is being received".into()));
        }
        match event {
            ReceiveEvent::SetLink(text) => {
                let text = text.trim().to_string();
                s.link_error = None;
                s.needs_passcode = false;
                s.passcode_error = None;
                s.attempts_left = None;
                s.error = None;
                s.result = None;
                if !text.is_empty() {
                    match Link::parse(&text) {
                        Ok(l) => s.needs_passcode = l.passcode,
                        Err(_) => s.link_error = Some(self.t("receive-link-bad")),
                    }
                }
                s.link = text;
            }
            ReceiveEvent::Dismiss => {
                let cancel = s.cancel.clone();
                *s = State::default();
                s.cancel = cancel;
            }
        }
        drop(s);
        Ok(self.view())
    }

    /// Open the link and import its images; blocks until it is over (call it on a background
    /// thread). `passcode`: what the patient typed in the prompt. A missing or wrong passcode
    /// comes back as the prompt with its error; a link that is gone, locked or unreachable as
    /// the error in words. Errors: a locked vault, a storage failure.
    pub fn receive(
        &self,
        passcode: Option<&str>,
        listener: &dyn ReceiveViewListener,
    ) -> Result<ReceiveView> {
        let (link, cancel) = {
            let mut s = self.state();
            if s.running.is_some() {
                return Err(Error::InvalidArgument("a share is being received".into()));
            }
            s.error = None;
            s.result = None;
            if s.link.is_empty() {
                s.link_error = Some(self.t("receive-link-empty"));
            }
            let passcode_missing = passcode.is_none_or(|p| p.trim().is_empty());
            if s.needs_passcode && passcode_missing && s.link_error.is_none() {
                s.passcode_error = Some(self.t("receive-passcode-empty"));
            }
            if s.link_error.is_some() || (s.needs_passcode && passcode_missing) {
                drop(s);
                return Ok(self.view());
            }
            s.passcode_error = None;
            s.cancel = CancelToken::new();
            s.running = Some(Running::default());
            (s.link.clone(), s.cancel.clone())
        };
        listener.on_view(&self.view());
        let forward = Forward {
            screen: self,
            listener,
        };
        let r = share::receive(
            &self.vault,
            &link,
            passcode.map(str::trim),
            &forward,
            &cancel,
        );
        let mut s = self.state();
        s.running = None;
        match r {
            Ok(got) => {
                let lang = self.lang;
                let n = |id: &str, count: usize| {
                    text::message(lang, id, &[("count", Arg::Number(count as f64))])
                };
                let i = &got.import;
                let mut lines = vec![n("import-added", i.instances_added)];
                for (id, count) in [
                    ("import-duplicates", i.duplicates),
                    ("import-conflicts", i.conflicts),
                    ("import-errors", i.errors.len()),
                ] {
                    if count > 0 {
                        lines.push(n(id, count));
                    }
                }
                if i.cancelled {
                    s.error = Some(self.t("receive-error-stopped"));
                }
                let mut notes = Vec::new();
                if got.deidentified.is_some() {
                    notes.push(self.t("receive-deidentified"));
                }
                if got.warning.is_some() {
                    notes.push(self.t("receive-burned-in"));
                }
                s.result = Some(ReceiveResult {
                    title: self.t("receive-done-title"),
                    lines,
                    notes,
                    images_added: i.instances_added as u64,
                });
            }
            Err(e @ (Error::Locked | Error::Storage(_) | Error::KeyStore(_))) => return Err(e),
            Err(e) => match ShareError::of(&e) {
                Some(ShareError::WrongPasscode { attempts_left }) => {
                    s.needs_passcode = true;
                    s.attempts_left = *attempts_left;
                    s.passcode_error = Some(match attempts_left {
                        Some(n) if *n > 0 => text::message(
                            self.lang,
                            "receive-passcode-wrong-left",
                            &[("count", Arg::Number(*n as f64))],
                        ),
                        _ => self.t("receive-passcode-wrong"),
                    });
                    if *attempts_left == Some(0) {
                        s.error = Some(self.t("receive-error-locked"));
                    }
                }
                Some(ShareError::PasscodeNeeded) => {
                    s.needs_passcode = true;
                    s.passcode_error = Some(self.t("receive-passcode-empty"));
                }
                other => {
                    let id = match other {
                        Some(ShareError::Gone) => "receive-error-gone",
                        Some(ShareError::NotFound) => "receive-error-not-found",
                        Some(ShareError::Locked) => "receive-error-locked",
                        Some(ShareError::Data(_)) => "receive-error-damaged",
                        Some(ShareError::Unreachable(_) | ShareError::RateLimited) => {
                            "receive-error-unreachable"
                        }
                        _ => match e {
                            Error::Integrity(_) => "receive-error-damaged",
                            Error::Network(_) => "receive-error-unreachable",
                            Error::Cancelled => "receive-error-stopped",
                            _ => "receive-error-other",
                        },
                    };
                    s.error = Some(self.t(id));
                }
            },
        }
        drop(s);
        let view = self.view();
        listener.on_view(&view);
        Ok(view)
    }

    /// Stop the download (from any thread): what arrived is kept.
    pub fn cancel(&self) {
        self.state().cancel.cancel();
    }

    /// The view as things stand.
    pub fn view(&self) -> ReceiveView {
        let s = self.state();
        let lang = self.lang;
        let progress = s.running.as_ref().map(|r| ReceiveProgress {
            text: if !r.found {
                self.t("receive-phase-opening")
            } else if r.done < r.total {
                text::message(
                    lang,
                    "receive-phase-receiving",
                    &[
                        ("done", Arg::Number(r.done as f64)),
                        ("total", Arg::Number(r.total as f64)),
                    ],
                )
            } else {
                self.t("receive-phase-finishing")
            },
            done: r.done,
            total: r.total,
            fraction: r.found.then(|| {
                if r.total == 0 {
                    1.0
                } else {
                    r.done as f32 / r.total as f32
                }
            }),
            cancel_label: self.t("receive-cancel"),
        });
        ReceiveView {
            title: self.t("receive-title"),
            link_label: self.t("receive-link-label"),
            link: s.link.clone(),
            link_error: s.link_error.clone(),
            scan_label: self.t("receive-scan"),
            scan: ReceiveEffect::ScanQr,
            passcode: s.needs_passcode.then(|| PasscodePrompt {
                label: self.t("receive-passcode-label"),
                message: self.t("receive-passcode-prompt"),
                error: s.passcode_error.clone(),
                attempts_left: s.attempts_left,
            }),
            can_open: !s.link.is_empty() && s.link_error.is_none() && s.running.is_none(),
            submit: self.t("receive-submit"),
            progress,
            result: s.result.clone(),
            error: s.error.clone(),
            paste_label: self.t("receive-paste"),
            no_qr_text: self.t("receive-no-qr"),
            done_label: self.t("common-done"),
            scanner: QrScannerWords {
                title: self.t("receive-scanner-title"),
                hint: self.t("receive-scanner-hint"),
                camera_refused: self.t("receive-scanner-refused"),
                camera_unavailable: self.t("receive-scanner-unavailable"),
                allow_label: self.t("receive-scanner-allow"),
                photo_label: self.t("receive-scanner-photo"),
                close_label: self.t("common-close"),
            },
        }
    }
}

/// The receive's listener: updates the screen's state and hands the listener the new view.
struct Forward<'a> {
    screen: &'a ReceiveScreen,
    listener: &'a dyn ReceiveViewListener,
}

impl ImportListener for Forward<'_> {
    fn on_event(&self, event: &ImportEvent) {
        {
            let mut s = self.screen.state();
            let Some(r) = s.running.as_mut() else { return };
            match *event {
                ImportEvent::Found { files, .. } => {
                    r.found = true;
                    r.total = files;
                }
                ImportEvent::Processed { done, files, .. } => {
                    r.done = done;
                    r.total = files;
                }
                ImportEvent::FileError { .. } => return,
            }
        }
        self.listener.on_view(&self.screen.view());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::tests::temp_dir;
    use crate::vault::PassphraseKeyStore;

    #[test]
    fn the_screens_own_words_come_from_the_core() {
        let dir = temp_dir("screen-receive-words");
        let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
        let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
        let v = ReceiveScreen::new(vault.clone(), Language::En).view();
        assert_eq!(v.paste_label, "Paste");
        assert_eq!(
            v.no_qr_text,
            "No QR code could be read in that picture. Try again closer, or paste the link."
        );
        assert_eq!(v.done_label, "Done");
        let v = ReceiveScreen::new(vault, Language::Fr).view();
        assert_eq!(v.paste_label, "Coller");
        assert_eq!(v.done_label, "Terminé");
        assert!(v.no_qr_text.starts_with("Aucun code QR"));
    }

    #[test]
    fn the_scanners_words_come_from_the_core_in_both_languages() {
        let dir = temp_dir("screen-receive-scanner");
        let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
        let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
        let en = ReceiveScreen::new(vault.clone(), Language::En)
            .view()
            .scanner;
        assert_eq!(en.title, "Scan the QR code");
        assert_eq!(en.close_label, "Close");
        assert!(
            en.camera_refused.contains("camera"),
            "{}",
            en.camera_refused
        );
        assert!(
            en.camera_refused.contains("paste the link"),
            "{}",
            en.camera_refused
        );
        let fr = ReceiveScreen::new(vault, Language::Fr).view().scanner;
        assert_eq!(fr.title, "Scanner le code QR");
        assert_eq!(fr.close_label, "Fermer");
        assert!(
            fr.camera_refused.contains("appareil photo"),
            "{}",
            fr.camera_refused
        );
        // every word is there in both languages, and none is the English one in French
        let (e, f) = (
            [
                &en.title,
                &en.hint,
                &en.camera_refused,
                &en.camera_unavailable,
                &en.allow_label,
                &en.photo_label,
            ],
            [
                &fr.title,
                &fr.hint,
                &fr.camera_refused,
                &fr.camera_unavailable,
                &fr.allow_label,
                &fr.photo_label,
            ],
        );
        for (a, b) in e.iter().zip(f.iter()) {
            assert!(!a.is_empty() && !b.is_empty());
            assert_ne!(a, b);
        }
    }

    #[test]
    fn a_scanned_text_that_is_not_a_scanpass_link_is_refused_with_the_cores_sentence() {
        let dir = temp_dir("screen-receive-scanned-other");
        let keys = PassphraseKeyStore::new(&dir, "pw").with_cost(1024, 1);
        let vault = Arc::new(Vault::create(&dir, &keys).unwrap());
        let s = ReceiveScreen::new(vault, Language::En);
        // what a scanner reads off a restaurant's menu or a Wi-Fi sticker
        for text in ["https://example.org/menu", "WIFI:S:home;T:WPA;P:secret;;"] {
            let v = s.handle(ReceiveEvent::SetLink(text.into())).unwrap();
            assert_eq!(v.link, text);
            assert_eq!(
                v.link_error.as_deref(),
                Some("This is not a Scanpass link, or it was cut when copied. Copy the whole link again.")
            );
            assert!(!v.can_open);
        }
    }
}
