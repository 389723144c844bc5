//! Settings (core `screens::settings`).

use std::path::Path;
use std::sync::{Arc, Mutex};

use scanpass_core::screens::settings as core;
use scanpass_core::text::Language;

use super::Result;
use crate::error::Speak;

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
