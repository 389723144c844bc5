//! Settings: the relay shares go through (the core's [`DEFAULT_RELAY`] unless the patient names
//! one: https, or http to this device, by the core's link rules [`crate::net::check`]), when the
//! app locks itself ([`AutoLock`]), the app's language ([`Language::ALL`], or the device's), and
//! whether a fingerprint or face unlocks the app on this device ([`Settings::device_unlock`]).
//!
//! Unlocking with a fingerprint or face: the shell says what the device can do
//! ([`Biometrics`], asked of the platform) and gives the screen the vault and the device's key
//! store ([`SettingsScreen::with_device_unlock`]). Turning it on keeps the vault key in the
//! device's store, which binds it to the biometrics (Android Keystore with user authentication,
//! iOS Keychain with `.biometryCurrentSet`: the platform asks through
//! [`device_unlock_chosen`]); turning it off deletes it there, so that only the passphrase opens
//! the vault. It can be turned on only while the device has a fingerprint or face enrolled, and
//! always turned off.
//!
//! Kept in `settings.json` in the vault folder, beside `vault.json`: nothing in it is secret or
//! names the patient, and the lock screen needs the language and the idle time before the vault
//! is unlocked. A damaged or absent file gives the defaults.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldError, Result};
use crate::share::DEFAULT_RELAY;
use crate::text::{self, Arg, Language};
use crate::vault::{KeyStore, Vault};

const FILE: &str = "settings.json";

/// When the app locks the vault by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoLock {
    /// As soon as the app goes to the background.
    OnLeave,
    OneMinute,
    #[default]
    FiveMinutes,
    FifteenMinutes,
    OneHour,
    /// Only when the patient locks it.
    Never,
}

impl AutoLock {
    /// Every choice, in the order the settings list them.
    pub const ALL: [AutoLock; 6] = [
        AutoLock::OnLeave,
        AutoLock::OneMinute,
        AutoLock::FiveMinutes,
        AutoLock::FifteenMinutes,
        AutoLock::OneHour,
        AutoLock::Never,
    ];

    /// How long the app may stay idle (in the foreground) before it locks; `None`: never.
    pub fn idle_ms(self) -> Option<u64> {
        let min = 60_000;
        match self {
            // the foreground timer still applies: the shortest one
            AutoLock::OnLeave | AutoLock::OneMinute => Some(min),
            AutoLock::FiveMinutes => Some(5 * min),
            AutoLock::FifteenMinutes => Some(15 * min),
            AutoLock::OneHour => Some(60 * min),
            AutoLock::Never => None,
        }
    }

    /// Whether going to the background locks at once.
    pub fn locks_on_leave(self) -> bool {
        self == AutoLock::OnLeave
    }

    /// The choice in words.
    pub fn label(self, lang: Language) -> String {
        let id = match self {
            AutoLock::OnLeave => "autolock-on-leave",
            AutoLock::Never => "autolock-never",
            _ => "autolock-after",
        };
        let minutes = self.idle_ms().unwrap_or(0) / 60_000;
        text::message(lang, id, &[("minutes", Arg::Number(minutes as f64))])
    }
}

/// What the device can do to unlock the app with a fingerprint or face, as the platform says
/// (Android's BiometricManager for strong biometrics, iOS's LocalAuthentication).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Biometrics {
    /// A fingerprint or face is enrolled and can authorise the key.
    Ready,
    /// The device could, but nothing is enrolled yet (the phone's own settings add one).
    NotEnrolled,
    /// The device cannot (no sensor, or not strong enough), or the shell has not said.
    #[default]
    Unavailable,
}

/// What the patient chose. `None` fields follow the core's default (a later release may change
/// it) rather than freezing today's.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Settings {
    /// The relay's address; `None`: [`DEFAULT_RELAY`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay: Option<String>,
    #[serde(default)]
    pub auto_lock: AutoLock,
    /// `None`: the device's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Unlock with a fingerprint or face on this device: the vault key is then kept by the
    /// device's key store, bound to biometrics. Off (the default): only the passphrase opens.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub device_unlock: bool,
}

/// Whether the patient chose to unlock with a fingerprint or face, read from the vault folder
/// before unlock: the platform's key store asks it when it stores the vault key (bind it to
/// biometrics) and the start screen when it offers the device's button.
pub fn device_unlock_chosen(vault_dir: &Path) -> bool {
    Settings::load(vault_dir).device_unlock
}

impl Settings {
    fn path(vault_dir: &Path) -> PathBuf {
        vault_dir.join(FILE)
    }

    /// The settings kept in `vault_dir`; the defaults when there are none or the file is damaged.
    pub fn load(vault_dir: &Path) -> Settings {
        std::fs::read(Self::path(vault_dir))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Keep them in `vault_dir`.
    pub fn save(&self, vault_dir: &Path) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::Storage(e.to_string()))?;
        crate::vault::blobs::write_atomic(&Self::path(vault_dir), &bytes).map_err(|source| {
            Error::Io {
                what: "settings.json",
                source,
            }
        })
    }

    /// The relay shares go through.
    pub fn relay(&self) -> &str {
        self.relay.as_deref().unwrap_or(DEFAULT_RELAY)
    }

    /// The app's language, given the device's.
    pub fn language(&self, device: Language) -> Language {
        self.language.unwrap_or(device)
    }
}

/// Check a relay address the patient typed: https, or http to this device (the core's link
/// rules), no user name or password in it. Returns it as the core will use it.
pub fn check_relay(url: &str, lang: Language) -> std::result::Result<String, FieldError> {
    let refuse = |id: &str| FieldError::new("relay", text::message(lang, id, &[]));
    let u = crate::net::check(url.trim()).map_err(|_| refuse("settings-relay-not-https"))?;
    if !u.username().is_empty() || u.password().is_some() {
        return Err(refuse("settings-relay-credentials"));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err(refuse("settings-relay-extra"));
    }
    Ok(u.as_str().trim_end_matches('/').to_string())
}

/// What the patient did on the settings screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsEvent {
    /// A relay address (empty: the default).
    SetRelay(String),
    /// Back to the core's relay.
    UseDefaultRelay,
    SetAutoLock(AutoLock),
    /// `None`: the device's language.
    SetLanguage(Option<Language>),
    /// Turn unlocking with a fingerprint or face on or off (the toggle of
    /// [`SettingsView::device_unlock`]).
    SetDeviceUnlock(bool),
    /// What the device can do now (the shell asks the platform on showing the screen and on
    /// coming back to it).
    DeviceBiometrics(Biometrics),
}

/// The settings screen as the shell draws it, in the app's language (which changes with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsView {
    pub title: String,
    pub relay_label: String,
    /// The relay in use.
    pub relay: String,
    pub relay_is_default: bool,
    /// What the relay is for, in a sentence.
    pub relay_help: String,
    /// Keeps the relay typed in the field.
    pub relay_save_label: String,
    /// Goes back to the core's default relay (offered when another is in use).
    pub relay_default_label: String,
    pub auto_lock_label: String,
    pub auto_lock: Vec<AutoLockChoice>,
    pub language_label: String,
    pub languages: Vec<LanguageChoice>,
    /// The fingerprint or face toggle; `None` when the shell gave no device key store.
    pub device_unlock: Option<DeviceUnlockView>,
}

/// The "unlock with fingerprint or face" toggle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceUnlockView {
    pub label: String,
    /// What it does, in a sentence (this device only; the passphrase still opens).
    pub help: String,
    /// The patient's choice.
    pub on: bool,
    /// Whether the toggle may be used: to turn it on the device needs a fingerprint or face
    /// enrolled; turning it off is always possible.
    pub enabled: bool,
    /// Why it cannot be turned on (nothing enrolled, a device that cannot), when so.
    pub note: Option<String>,
    /// What happened last (the platform refused to keep the key: still off).
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoLockChoice {
    pub value: AutoLock,
    pub label: String,
    pub selected: bool,
}

/// A language to choose; `code` `None` is "the device's language".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageChoice {
    pub code: Option<String>,
    /// Its name in itself ("Français"), so that anyone finds their own.
    pub name: String,
    pub selected: bool,
}

/// The vault and the device's key store, for the fingerprint or face toggle.
struct DeviceUnlock {
    vault: Arc<Vault>,
    keys: Arc<dyn KeyStore>,
}

/// The settings screen's state. Each accepted change is saved at once.
pub struct SettingsScreen {
    dir: PathBuf,
    device: Language,
    settings: Settings,
    unlock: Option<DeviceUnlock>,
    biometrics: Biometrics,
    unlock_feedback: Option<&'static str>,
}

impl SettingsScreen {
    /// The settings of the vault in `vault_dir`; `device`: the device's language.
    pub fn new(vault_dir: &Path, device: Language) -> SettingsScreen {
        SettingsScreen {
            dir: vault_dir.to_path_buf(),
            device,
            settings: Settings::load(vault_dir),
            unlock: None,
            biometrics: Biometrics::default(),
            unlock_feedback: None,
        }
    }

    /// Offer the fingerprint or face toggle: `vault` (unlocked while the settings show) and the
    /// device's key store, which binds what it keeps to biometrics when
    /// [`device_unlock_chosen`] says so. The device's [`Biometrics`] come by
    /// [`SettingsEvent::DeviceBiometrics`] (until then: [`Biometrics::Unavailable`]).
    pub fn with_device_unlock(mut self, vault: Arc<Vault>, keys: Arc<dyn KeyStore>) -> Self {
        self.unlock = Some(DeviceUnlock { vault, keys });
        self
    }

    /// The app's language as these settings give it (the screen's own, which changes with it).
    pub fn language(&self) -> Language {
        self.settings.language(self.device)
    }

    /// The settings as they stand.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Apply a change and save it. A relay address that is refused gives
    /// [`Error::Invalid`] (field `relay`), and nothing changes. The fingerprint or face toggle:
    /// turning it on without a device store or an enrolled fingerprint or face is refused
    /// ([`Error::InvalidArgument`]); a device store that will not keep the key (the patient
    /// cancelled its prompt) leaves it off and the view says so; one that cannot forget it gives
    /// [`Error::KeyStore`] and it stays on.
    pub fn handle(&mut self, event: SettingsEvent) -> Result<SettingsView> {
        let lang = self.settings.language(self.device);
        let mut next = self.settings.clone();
        self.unlock_feedback = None;
        match event {
            SettingsEvent::SetDeviceUnlock(on) => {
                self.set_device_unlock(on)?;
                return Ok(self.view());
            }
            SettingsEvent::DeviceBiometrics(b) => {
                self.biometrics = b;
                return Ok(self.view());
            }
            SettingsEvent::SetRelay(url) if url.trim().is_empty() => next.relay = None,
            SettingsEvent::SetRelay(url) => {
                let url = check_relay(&url, lang).map_err(|f| Error::Invalid(vec![f]))?;
                next.relay = (url != DEFAULT_RELAY).then_some(url);
            }
            SettingsEvent::UseDefaultRelay => next.relay = None,
            SettingsEvent::SetAutoLock(a) => next.auto_lock = a,
            SettingsEvent::SetLanguage(l) => next.language = l,
        }
        next.save(&self.dir)?;
        self.settings = next;
        Ok(self.view())
    }

    fn save_device_unlock(&mut self, on: bool) -> Result<()> {
        let mut next = self.settings.clone();
        next.device_unlock = on;
        next.save(&self.dir)?;
        self.settings = next;
        Ok(())
    }

    fn set_device_unlock(&mut self, on: bool) -> Result<()> {
        if !on {
            // forget the key in the device store first: off means only the passphrase opens
            if let Some(d) = &self.unlock {
                d.keys
                    .delete(d.vault.id())
                    .map_err(|e| Error::KeyStore(e.to_string()))?;
            }
            return self.save_device_unlock(false);
        }
        let Some(d) = &self.unlock else {
            return Err(Error::InvalidArgument(
                "this device has no key store".into(),
            ));
        };
        if self.biometrics != Biometrics::Ready {
            return Err(Error::InvalidArgument(
                "no fingerprint or face is enrolled on this device".into(),
            ));
        }
        let (vault, keys) = (d.vault.clone(), d.keys.clone());
        let key = vault.key_copy()?;
        // chosen first: the platform's store reads the choice to bind the key to biometrics
        self.save_device_unlock(true)?;
        if keys.store(vault.id(), &key).is_err() {
            // refused or cancelled: nothing half-kept there, and the choice back to off
            let _ = keys.delete(vault.id());
            self.save_device_unlock(false)?;
            self.unlock_feedback = Some("settings-device-unlock-failed");
        }
        Ok(())
    }

    pub fn view(&self) -> SettingsView {
        let s = &self.settings;
        let lang = s.language(self.device);
        let m = |id: &str| text::message(lang, id, &[]);
        let mut languages = vec![LanguageChoice {
            code: None,
            name: m("settings-language-device"),
            selected: s.language.is_none(),
        }];
        languages.extend(Language::ALL.iter().map(|&l| LanguageChoice {
            code: Some(l.code().to_string()),
            name: language_name(l),
            selected: s.language == Some(l),
        }));
        SettingsView {
            title: m("settings-title"),
            relay_label: m("settings-relay"),
            relay: s.relay().to_string(),
            relay_is_default: s.relay.is_none(),
            relay_help: m("settings-relay-help"),
            relay_save_label: m("settings-relay-save"),
            relay_default_label: m("settings-relay-default"),
            auto_lock_label: m("settings-auto-lock"),
            auto_lock: AutoLock::ALL
                .iter()
                .map(|&a| AutoLockChoice {
                    value: a,
                    label: a.label(lang),
                    selected: a == s.auto_lock,
                })
                .collect(),
            language_label: m("settings-language"),
            languages,
            device_unlock: self.unlock.as_ref().map(|_| {
                let ready = self.biometrics == Biometrics::Ready;
                DeviceUnlockView {
                    label: m("settings-device-unlock"),
                    help: m("settings-device-unlock-help"),
                    on: s.device_unlock,
                    enabled: ready || s.device_unlock,
                    note: match self.biometrics {
                        Biometrics::Ready => None,
                        Biometrics::NotEnrolled => Some(m("settings-device-unlock-not-enrolled")),
                        Biometrics::Unavailable => Some(m("settings-device-unlock-unavailable")),
                    },
                    feedback: self.unlock_feedback.map(m),
                }
            }),
        }
    }
}

/// A language's name in itself (the catalogue of that language names it).
pub fn language_name(l: Language) -> String {
    text::message(l, "language-name", &[])
}

#[cfg(test)]
mod tests;
