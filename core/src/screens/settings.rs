//! Settings: the relay shares go through (the core's [`DEFAULT_RELAY`] unless the patient names
//! one: https, or http to this device, by the core's link rules [`crate::net::check`]), when the
//! app locks itself ([`AutoLock`]), and the app's language ([`Language::ALL`], or the device's).
//!
//! Kept in `settings.json` in the vault folder, beside `vault.json`: nothing in it is secret or
//! names the patient, and the lock screen needs the language and the idle time before the vault
//! is unlocked. A damaged or absent file gives the defaults.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldError, Result};
use crate::share::DEFAULT_RELAY;
use crate::text::{self, Arg, Language};

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

/// The settings screen's state. Each accepted change is saved at once.
pub struct SettingsScreen {
    dir: PathBuf,
    device: Language,
    settings: Settings,
}

impl SettingsScreen {
    /// The settings of the vault in `vault_dir`; `device`: the device's language.
    pub fn new(vault_dir: &Path, device: Language) -> SettingsScreen {
        SettingsScreen {
            dir: vault_dir.to_path_buf(),
            device,
            settings: Settings::load(vault_dir),
        }
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
    /// [`Error::Invalid`] (field `relay`), and nothing changes.
    pub fn handle(&mut self, event: SettingsEvent) -> Result<SettingsView> {
        let lang = self.settings.language(self.device);
        let mut next = self.settings.clone();
        match event {
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
        }
    }
}

/// A language's name in itself (the catalogue of that language names it).
pub fn language_name(l: Language) -> String {
    text::message(l, "language-name", &[])
}

#[cfg(test)]
mod tests;
