//! The start and lock screen (core `screens::start`).

use std::path::Path;
use std::sync::{Arc, Mutex};

use scanpass_core::screens::start as core;
use scanpass_core::text::Language;

use super::Result;
use crate::error::Speak;
use crate::keys::{Foreign, KeyStore};
use crate::library::Vault;
use crate::screens::settings::Biometrics;

/// What the patient (or the shell's idle timer) did. Times are the shell's clock, in ms.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum StartEvent {
    Create {
        passphrase: String,
        confirm: String,
    },
    /// Only when the view offers it (`device_label`).
    UnlockWithDevice,
    /// What the device can do now (on opening and on coming back to the app).
    DeviceBiometrics {
        biometrics: Biometrics,
    },
    Unlock {
        passphrase: String,
    },
    Lock,
    Activity {
        now_ms: u64,
    },
    Background {
        now_ms: u64,
    },
    Tick {
        now_ms: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, uniffi::Enum)]
pub enum StartStage {
    Create,
    Unlock,
    Unlocked,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StartView {
    pub stage: StartStage,
    pub show_library: bool,
    pub title: String,
    pub message: String,
    pub passphrase_label: String,
    pub confirm_label: Option<String>,
    pub passphrase_hint: Option<String>,
    pub submit_label: String,
    pub device_label: Option<String>,
    pub feedback: Option<String>,
    pub attempts_left: Option<u32>,
    pub attempts_left_text: Option<String>,
    pub retry_in_seconds: Option<u32>,
    pub lock_label: Option<String>,
}

impl From<StartEvent> for core::StartEvent {
    fn from(e: StartEvent) -> Self {
        match e {
            StartEvent::Create {
                passphrase,
                confirm,
            } => core::StartEvent::Create {
                passphrase,
                confirm,
            },
            StartEvent::UnlockWithDevice => core::StartEvent::UnlockWithDevice,
            StartEvent::DeviceBiometrics { biometrics } => {
                core::StartEvent::DeviceBiometrics(biometrics.into())
            }
            StartEvent::Unlock { passphrase } => core::StartEvent::Unlock { passphrase },
            StartEvent::Lock => core::StartEvent::Lock,
            StartEvent::Activity { now_ms } => core::StartEvent::Activity { now_ms },
            StartEvent::Background { now_ms } => core::StartEvent::Background { now_ms },
            StartEvent::Tick { now_ms } => core::StartEvent::Tick { now_ms },
        }
    }
}

impl From<core::StartView> for StartView {
    fn from(v: core::StartView) -> Self {
        StartView {
            stage: match v.stage {
                core::StartStage::Create => StartStage::Create,
                core::StartStage::Unlock => StartStage::Unlock,
                core::StartStage::Unlocked => StartStage::Unlocked,
            },
            show_library: v.show_library,
            title: v.title,
            message: v.message,
            passphrase_label: v.passphrase_label,
            confirm_label: v.confirm_label,
            passphrase_hint: v.passphrase_hint,
            submit_label: v.submit_label,
            device_label: v.device_label,
            feedback: v.feedback,
            attempts_left: v.attempts_left,
            attempts_left_text: v.attempts_left_text,
            retry_in_seconds: v.retry_in_seconds,
            lock_label: v.lock_label,
        }
    }
}

/// The start and lock screen. `handle` blocks (creating or unlocking derives a key from the
/// passphrase: about 0.3 s): call it off the main thread.
#[derive(uniffi::Object)]
pub struct StartScreen(Mutex<core::StartScreen>);

#[uniffi::export]
impl StartScreen {
    /// The screen for the vault folder `dir` (a vault there is opened, locked). `device_keys`:
    /// the platform's key store (Android Keystore, iOS Keychain), none where there is none;
    /// `locale`: the device's (the settings may choose another language).
    #[uniffi::constructor]
    pub fn new(
        dir: String,
        device_keys: Option<Arc<dyn KeyStore>>,
        locale: String,
    ) -> Result<Arc<Self>> {
        let keys =
            device_keys.map(|k| Arc::new(Foreign(k)) as Arc<dyn scanpass_core::vault::KeyStore>);
        let lang = Language::from_locale(&locale);
        let screen =
            core::StartScreen::new(Path::new(&dir), keys, lang, Arc::new(core::SystemClock))
                .speak(lang)?;
        Ok(Arc::new(StartScreen(Mutex::new(screen))))
    }

    pub fn view(&self) -> StartView {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .view()
            .into()
    }

    /// Apply an event; returns the next view. A refused passphrase at creation:
    /// `ScanpassError.Invalid` with its fields (`passphrase`, `confirm`). Blocks.
    pub fn handle(&self, event: StartEvent) -> Result<StartView> {
        let mut screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.handle(event.into()).speak(screen.language())?.into())
    }

    /// The device's language is now `locale` (a language change keeps an Android process and
    /// this model): the next views speak it, unless the settings chose another. Quick (no view
    /// is built: the shell calls it before each use of the model).
    pub fn set_locale(&self, locale: String) {
        let mut screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        screen.set_device_language(Language::from_locale(&locale));
    }

    /// The vault, once there is one (locked or not): for the other screens.
    pub fn vault(&self) -> Option<Arc<Vault>> {
        let screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        screen.vault().map(|inner| Arc::new(Vault { inner }))
    }
}
