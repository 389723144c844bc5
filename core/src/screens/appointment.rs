//! Appointment mode: one study (or one series of it) pinned to show a doctor. While it is on the
//! shell shows only that (no navigation, no library, no other patient or study), blocks
//! screenshots and screen recording (`FLAG_SECURE`, a secure text field layer on iOS), and hides
//! the patient's name from the viewer's overlay when asked ([`AppointmentView::hide_patient_name`],
//! which the viewer screen honours).
//!
//! Leaving needs the owner: the view asks the shell for an effect ([`AppointmentEffect`]): the
//! device's biometric prompt when the vault key is in the device's key store (the shell gave one
//! and the patient chose to unlock with a fingerprint or face: [`device_unlock_chosen`]), else the
//! passphrase; the shell answers with an event. The answer is checked against the vault key
//! itself (the key store's key, or the passphrase's), never taken on the shell's word. After
//! [`MAX_WRONG`] wrong passphrases the vault locks: the lock screen takes over, and the
//! appointment ends with it.

use std::sync::Arc;

use crate::crypto::Key;
use crate::error::{Error, FieldError, Result};
use crate::screens::settings::device_unlock_chosen;
use crate::text::{self, Arg, Language};
use crate::vault::{KeyStore, KeyStoreError, PassphraseKeyStore, Vault};

/// Wrong passphrases before the vault locks.
pub const MAX_WRONG: u32 = 5;

/// What the patient (or the shell, answering an effect) did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppointmentEvent {
    /// Pin a study, or one series of it.
    Enter {
        study_id: String,
        series_id: Option<String>,
        hide_patient_name: bool,
    },
    /// Show or hide the patient's name on the images.
    SetHidePatientName(bool),
    /// Ask to leave: the view asks for an unlock.
    Leave,
    /// The shell's biometric prompt succeeded (the core then reads the key through the device
    /// store, which the platform releases only after it).
    BiometricsDone,
    /// The biometric prompt failed or was cancelled: ask for the passphrase.
    BiometricsFailed,
    /// The passphrase the shell asked for.
    Passphrase(String),
    /// The leave prompt was dismissed: stay.
    CancelLeave,
}

/// What the core asks the shell to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppointmentEffect {
    /// Show the platform's biometric prompt with `reason`; answer `BiometricsDone` or
    /// `BiometricsFailed`.
    AskBiometrics { reason: String },
    /// Ask for the passphrase (`prompt` as its title); answer `Passphrase` or `CancelLeave`.
    AskPassphrase { prompt: String },
}

/// What the shell may show while the appointment mode is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentView {
    pub active: bool,
    pub pinned_study_id: Option<String>,
    pub pinned_series_id: Option<String>,
    /// The viewer leaves the patient's name out of its overlay.
    pub hide_patient_name: bool,
    /// Block screenshots and screen recording (true while active).
    pub block_screenshots: bool,
    /// Whether the shell may show its navigation (tabs, back, the library): false while active.
    pub show_navigation: bool,
    /// The one line the shell shows above the images while active.
    pub banner: Option<String>,
    pub leave_label: String,
    pub hide_name_label: String,
    /// What the shell must do now (ask for an unlock).
    pub effect: Option<AppointmentEffect>,
    /// What happened last, in words.
    pub feedback: Option<String>,
    /// Wrong passphrases left before the vault locks (once one was wrong).
    pub attempts_left: Option<u32>,
    /// The same in words, plural-correct ("2 tries left before Scanpass locks").
    pub attempts_left_text: Option<String>,
    /// The vault locked (too many wrong passphrases): show the lock screen.
    pub locked: bool,
    /// The label of the passphrase field the `AskPassphrase` effect shows.
    pub passphrase_label: String,
    /// The button that dismisses the leave prompt (sends `CancelLeave`).
    pub stay_label: String,
    /// Where the platform can keep anyone from leaving the app, the way to turn it on. Worded
    /// for iOS's Guided Access, the one platform feature of that kind the apps point to (Android
    /// pins the screen itself): the iOS shell draws it, the Android shell does not.
    pub guided_access_hint: String,
    /// Shown instead of the images while the screen is being recorded or mirrored.
    pub hidden_while_recorded: String,
    /// Whether an incoming share link may open now. False while the mode is on: the link waits
    /// (the shell keeps it) until the mode ends, so that nobody leaves the pinned study by
    /// opening a link. See [`AppointmentMode::may_open_link`].
    pub links_may_open: bool,
}

#[derive(Debug, Clone)]
struct Pin {
    study_id: String,
    series_id: Option<String>,
}

/// The appointment mode's state.
pub struct AppointmentMode {
    vault: Arc<Vault>,
    lang: Language,
    device_keys: Option<Arc<dyn KeyStore>>,
    pin: Option<Pin>,
    hide_name: bool,
    effect: Option<AppointmentEffect>,
    wrong: u32,
    feedback: Option<&'static str>,
}

impl AppointmentMode {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    /// The device's language changed (the model outlives the screens drawing it: Android keeps
    /// the process across a language change).
    pub fn set_language(&mut self, lang: Language) {
        self.lang = lang;
    }

    /// The appointment mode over `vault` (unlocked); `device_keys`: the platform's key store
    /// when the vault key is kept there (leaving then asks for biometrics first).
    pub fn new(
        vault: Arc<Vault>,
        device_keys: Option<Arc<dyn KeyStore>>,
        lang: Language,
    ) -> AppointmentMode {
        AppointmentMode {
            vault,
            lang,
            device_keys,
            pin: None,
            hide_name: false,
            effect: None,
            wrong: 0,
            feedback: None,
        }
    }

    /// Whether the mode is on.
    pub fn is_active(&self) -> bool {
        self.pin.is_some()
    }

    /// Whether an incoming share link may open now (navigate to the receive screen): never while
    /// the mode is on, since opening it would leave the pinned study without the owner's unlock.
    /// The shell keeps the link and asks again when the view changes (the mode ends).
    pub fn may_open_link(&self) -> bool {
        !self.is_active()
    }

    /// Apply an event; returns the view. Refusals: entering while on, or with a study or
    /// series the vault does not hold (or a series of another study); an empty passphrase
    /// ([`Error::Invalid`], field `passphrase`); an answer nobody asked for.
    pub fn handle(&mut self, event: AppointmentEvent) -> Result<AppointmentView> {
        match event {
            AppointmentEvent::Enter {
                study_id,
                series_id,
                hide_patient_name,
            } => {
                if self.pin.is_some() {
                    return Err(Error::InvalidArgument(
                        "the appointment mode is already on".into(),
                    ));
                }
                self.vault
                    .studies()?
                    .iter()
                    .find(|s| s.id == study_id)
                    .ok_or(Error::NotFound("study"))?;
                if let Some(series) = &series_id {
                    self.vault
                        .series(&study_id)?
                        .iter()
                        .find(|s| &s.id == series)
                        .ok_or(Error::NotFound("series"))?;
                }
                self.pin = Some(Pin {
                    study_id,
                    series_id,
                });
                self.hide_name = hide_patient_name;
                self.wrong = 0;
                self.feedback = None;
                self.effect = None;
            }
            AppointmentEvent::SetHidePatientName(h) => self.hide_name = h,
            AppointmentEvent::Leave => {
                self.active()?;
                self.feedback = None;
                self.effect = Some(
                    if self.device_keys.is_some() && device_unlock_chosen(self.vault.dir()) {
                        self.ask_biometrics()
                    } else {
                        self.ask_passphrase()
                    },
                );
            }
            AppointmentEvent::BiometricsDone => {
                self.asked(|e| matches!(e, AppointmentEffect::AskBiometrics { .. }))?;
                let device = self
                    .device_keys
                    .clone()
                    .ok_or_else(|| Error::InvalidArgument("this device has no key store".into()))?;
                match device.load(self.vault.id()) {
                    Ok(Some(key)) if self.is_vault_key(&key)? => self.leave(),
                    // no key there, refused, or another key: the passphrase instead
                    _ => {
                        self.feedback = Some("appointment-biometrics-failed");
                        self.effect = Some(self.ask_passphrase());
                    }
                }
            }
            AppointmentEvent::BiometricsFailed => {
                self.asked(|e| matches!(e, AppointmentEffect::AskBiometrics { .. }))?;
                self.effect = Some(self.ask_passphrase());
            }
            AppointmentEvent::Passphrase(p) => {
                self.asked(|e| matches!(e, AppointmentEffect::AskPassphrase { .. }))?;
                if p.is_empty() {
                    return Err(Error::Invalid(vec![FieldError::new(
                        "passphrase",
                        text::message(self.lang, "appointment-passphrase-empty", &[]),
                    )]));
                }
                let store = PassphraseKeyStore::new(self.vault.dir(), &p);
                let right = match store.load(self.vault.id()) {
                    Ok(Some(key)) => self.is_vault_key(&key)?,
                    Ok(None) | Err(KeyStoreError::WrongSecret) => false,
                    Err(e) => return Err(Error::KeyStore(e.to_string())),
                };
                if right {
                    self.leave();
                } else {
                    self.wrong += 1;
                    self.feedback = Some("appointment-wrong-passphrase");
                    if self.wrong >= MAX_WRONG {
                        // the lock screen takes over; unlocking there proves the owner
                        self.vault.lock();
                        self.leave();
                        self.feedback = Some("appointment-locked");
                    }
                }
            }
            AppointmentEvent::CancelLeave => {
                self.effect = None;
                self.feedback = None;
            }
        }
        Ok(self.view())
    }

    fn active(&self) -> Result<&Pin> {
        self.pin
            .as_ref()
            .ok_or_else(|| Error::InvalidArgument("the appointment mode is off".into()))
    }

    fn asked(&self, is: impl Fn(&AppointmentEffect) -> bool) -> Result<()> {
        match &self.effect {
            Some(e) if is(e) => Ok(()),
            _ => Err(Error::InvalidArgument("no such question was asked".into())),
        }
    }

    fn is_vault_key(&self, key: &Key) -> Result<bool> {
        let ours = self.vault.key_copy()?;
        Ok(crate::crypto::ct_eq(ours.expose(), key.expose()))
    }

    fn ask_biometrics(&self) -> AppointmentEffect {
        AppointmentEffect::AskBiometrics {
            reason: text::message(self.lang, "appointment-biometrics-reason", &[]),
        }
    }

    fn ask_passphrase(&self) -> AppointmentEffect {
        AppointmentEffect::AskPassphrase {
            prompt: text::message(self.lang, "appointment-passphrase-prompt", &[]),
        }
    }

    fn leave(&mut self) {
        self.pin = None;
        self.effect = None;
        self.wrong = 0;
        self.feedback = None;
    }

    /// The view as things stand.
    pub fn view(&self) -> AppointmentView {
        let m = |id: &str| text::message(self.lang, id, &[]);
        let active = self.pin.is_some();
        let attempts_left = (active && self.wrong > 0).then(|| MAX_WRONG - self.wrong);
        AppointmentView {
            active,
            pinned_study_id: self.pin.as_ref().map(|p| p.study_id.clone()),
            pinned_series_id: self.pin.as_ref().and_then(|p| p.series_id.clone()),
            hide_patient_name: active && self.hide_name,
            block_screenshots: active,
            show_navigation: !active,
            banner: active.then(|| m("appointment-banner")),
            leave_label: m("appointment-leave"),
            hide_name_label: m("appointment-hide-name"),
            effect: self.effect.clone(),
            feedback: self.feedback.map(m),
            attempts_left,
            attempts_left_text: attempts_left.map(|n| {
                text::message(
                    self.lang,
                    "appointment-attempts-left",
                    &[("count", Arg::Number(f64::from(n)))],
                )
            }),
            locked: !self.vault.is_unlocked(),
            passphrase_label: m("appointment-passphrase"),
            stay_label: m("appointment-stay"),
            guided_access_hint: m("appointment-guided-access"),
            hidden_while_recorded: m("appointment-hidden-while-recorded"),
            links_may_open: self.may_open_link(),
        }
    }
}

#[cfg(test)]
mod tests;
