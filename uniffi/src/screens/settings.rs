//! Settings (core `screens::settings`).

use std::path::Path;
use std::sync::{Arc, Mutex};

use scanpass_core::screens::settings as core;
use scanpass_core::text::Language;

use super::Result;
use crate::error::Speak;
use crate::keys::{Foreign, KeyStore};
use crate::library::Vault;

/// What the device can do to unlock with a fingerprint or face (the app asks the platform).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Biometrics {
    /// Enrolled and able to authorise the key.
    Ready,
    /// The device could, but nothing is enrolled.
    NotEnrolled,
    /// No sensor (or not a strong one).
    Unavailable,
}

impl From<Biometrics> for core::Biometrics {
    fn from(b: Biometrics) -> Self {
        match b {
            Biometrics::Ready => core::Biometrics::Ready,
            Biometrics::NotEnrolled => core::Biometrics::NotEnrolled,
            Biometrics::Unavailable => core::Biometrics::Unavailable,
        }
    }
}

/// Whether the patient chose to unlock with a fingerprint or face in the vault folder
/// `vault_dir` (readable before unlock). The app's key store asks it when it stores the vault
/// key, to bind it to biometrics (Android: user authentication on the Keystore key; iOS:
/// `.biometryCurrentSet`). Quick.
#[uniffi::export]
pub fn device_unlock_chosen(vault_dir: String) -> bool {
    core::device_unlock_chosen(Path::new(&vault_dir))
}

/// When the app locks itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AutoLock {
    OnLeave,
    OneMinute,
    FiveMinutes,
    FifteenMinutes,
    OneHour,
    Never,
}

#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum SettingsEvent {
    /// Empty: the default relay.
    SetRelay {
        url: String,
    },
    UseDefaultRelay,
    SetAutoLock {
        auto_lock: AutoLock,
    },
    /// A code of `languages` (none: the device's).
    SetLanguage {
        code: Option<String>,
    },
    /// The fingerprint or face toggle.
    SetDeviceUnlock {
        on: bool,
    },
    /// What the device can do now (on showing the screen and coming back to it).
    DeviceBiometrics {
        biometrics: Biometrics,
    },
}

/// The "unlock with fingerprint or face" toggle.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeviceUnlockView {
    pub label: String,
    pub help: String,
    pub on: bool,
    pub enabled: bool,
    pub note: Option<String>,
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AutoLockChoice {
    pub value: AutoLock,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LanguageChoice {
    pub code: Option<String>,
    pub name: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SettingsView {
    pub title: String,
    pub relay_label: String,
    pub relay: String,
    pub relay_is_default: bool,
    pub relay_help: String,
    pub relay_save_label: String,
    pub relay_default_label: String,
    pub auto_lock_label: String,
    pub auto_lock: Vec<AutoLockChoice>,
    pub language_label: String,
    pub languages: Vec<LanguageChoice>,
    /// None when the screen was made without a device key store.
    pub device_unlock: Option<DeviceUnlockView>,
}

impl From<AutoLock> for core::AutoLock {
    fn from(a: AutoLock) -> Self {
        match a {
            AutoLock::OnLeave => core::AutoLock::OnLeave,
            AutoLock::OneMinute => core::AutoLock::OneMinute,
            AutoLock::FiveMinutes => core::AutoLock::FiveMinutes,
            AutoLock::FifteenMinutes => core::AutoLock::FifteenMinutes,
            AutoLock::OneHour => core::AutoLock::OneHour,
            AutoLock::Never => core::AutoLock::Never,
        }
    }
}

impl From<core::AutoLock> for AutoLock {
    fn from(a: core::AutoLock) -> Self {
        match a {
            core::AutoLock::OnLeave => AutoLock::OnLeave,
            core::AutoLock::OneMinute => AutoLock::OneMinute,
            core::AutoLock::FiveMinutes => AutoLock::FiveMinutes,
            core::AutoLock::FifteenMinutes => AutoLock::FifteenMinutes,
            core::AutoLock::OneHour => AutoLock::OneHour,
            core::AutoLock::Never => AutoLock::Never,
        }
    }
}

impl From<core::SettingsView> for SettingsView {
    fn from(v: core::SettingsView) -> Self {
        SettingsView {
            title: v.title,
            relay_label: v.relay_label,
            relay: v.relay,
            relay_is_default: v.relay_is_default,
            relay_help: v.relay_help,
            relay_save_label: v.relay_save_label,
            relay_default_label: v.relay_default_label,
            auto_lock_label: v.auto_lock_label,
            auto_lock: v
                .auto_lock
                .into_iter()
                .map(|c| AutoLockChoice {
                    value: c.value.into(),
                    label: c.label,
                    selected: c.selected,
                })
                .collect(),
            language_label: v.language_label,
            languages: v
                .languages
                .into_iter()
                .map(|l| LanguageChoice {
                    code: l.code,
                    name: l.name,
                    selected: l.selected,
                })
                .collect(),
            device_unlock: v.device_unlock.map(|d| DeviceUnlockView {
                label: d.label,
                help: d.help,
                on: d.on,
                enabled: d.enabled,
                note: d.note,
                feedback: d.feedback,
            }),
        }
    }
}

/// The settings of a vault folder; each accepted change is saved at once. Quick (a small file).
#[derive(uniffi::Object)]
pub struct SettingsScreen(Mutex<core::SettingsScreen>);

#[uniffi::export]
impl SettingsScreen {
    /// `locale`: the device's.
    #[uniffi::constructor]
    pub fn new(dir: String, locale: String) -> Arc<Self> {
        Arc::new(SettingsScreen(Mutex::new(core::SettingsScreen::new(
            Path::new(&dir),
            Language::from_locale(&locale),
        ))))
    }

    /// The settings with the fingerprint or face toggle: `vault` (unlocked while the settings
    /// show) and the app's key store. Tell it what the device can do with
    /// `SettingsEvent.DeviceBiometrics`. Turning the toggle on stores the vault key in
    /// `device_keys` (its prompt shows then); off deletes it there. Blocks while the prompt is up.
    #[uniffi::constructor]
    pub fn with_device_unlock(
        dir: String,
        locale: String,
        vault: Arc<Vault>,
        device_keys: Arc<dyn KeyStore>,
    ) -> Arc<Self> {
        let keys = Arc::new(Foreign(device_keys)) as Arc<dyn scanpass_core::vault::KeyStore>;
        Arc::new(SettingsScreen(Mutex::new(
            core::SettingsScreen::new(Path::new(&dir), Language::from_locale(&locale))
                .with_device_unlock(vault.inner.clone(), keys),
        )))
    }

    pub fn view(&self) -> SettingsView {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .view()
            .into()
    }

    /// Apply a change; a refused relay: `ScanpassError.Invalid` (field `relay`).
    pub fn handle(&self, event: SettingsEvent) -> Result<SettingsView> {
        let event = match event {
            SettingsEvent::SetRelay { url } => core::SettingsEvent::SetRelay(url),
            SettingsEvent::UseDefaultRelay => core::SettingsEvent::UseDefaultRelay,
            SettingsEvent::SetAutoLock { auto_lock } => {
                core::SettingsEvent::SetAutoLock(auto_lock.into())
            }
            SettingsEvent::SetLanguage { code: None } => core::SettingsEvent::SetLanguage(None),
            SettingsEvent::SetLanguage { code: Some(c) } => core::SettingsEvent::SetLanguage(Some(
                Language::from_code(&c).ok_or(crate::error::Case::InvalidInput)?,
            )),
            SettingsEvent::SetDeviceUnlock { on } => core::SettingsEvent::SetDeviceUnlock(on),
            SettingsEvent::DeviceBiometrics { biometrics } => {
                core::SettingsEvent::DeviceBiometrics(biometrics.into())
            }
        };
        let mut screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.handle(event).speak(screen.language())?.into())
    }

    /// The relay shares go through now.
    pub fn relay(&self) -> String {
        let screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        screen.settings().relay().to_string()
    }
}
