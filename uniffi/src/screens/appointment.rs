//! Appointment mode (core `screens::appointment`).

use std::sync::{Arc, Mutex};

use scanpass_core::screens::appointment as core;
use scanpass_core::text::Language;

use super::Result;
use crate::error::Speak;
use crate::keys::{Foreign, KeyStore};
use crate::library::Vault;

#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum AppointmentEvent {
    Enter {
        study_id: String,
        series_id: Option<String>,
        hide_patient_name: bool,
    },
    SetHidePatientName {
        hide: bool,
    },
    Leave,
    BiometricsDone,
    BiometricsFailed,
    Passphrase {
        passphrase: String,
    },
    CancelLeave,
}

/// What the core asks the shell to do; the shell answers with an event.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum AppointmentEffect {
    AskBiometrics { reason: String },
    AskPassphrase { prompt: String },
}

/// What the shell may show; the viewer reads `hide_patient_name`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AppointmentView {
    pub active: bool,
    pub pinned_study_id: Option<String>,
    pub pinned_series_id: Option<String>,
    pub hide_patient_name: bool,
    pub block_screenshots: bool,
    pub show_navigation: bool,
    pub banner: Option<String>,
    pub leave_label: String,
    pub hide_name_label: String,
    pub effect: Option<AppointmentEffect>,
    pub feedback: Option<String>,
    pub attempts_left: Option<u32>,
    pub attempts_left_text: Option<String>,
    pub locked: bool,
    pub passphrase_label: String,
    pub stay_label: String,
    pub guided_access_hint: String,
    pub hidden_while_recorded: String,
    pub links_may_open: bool,
}

impl From<AppointmentEvent> for core::AppointmentEvent {
    fn from(e: AppointmentEvent) -> Self {
        use core::AppointmentEvent as C;
        match e {
            AppointmentEvent::Enter {
                study_id,
                series_id,
                hide_patient_name,
            } => C::Enter {
                study_id,
                series_id,
                hide_patient_name,
            },
            AppointmentEvent::SetHidePatientName { hide } => C::SetHidePatientName(hide),
            AppointmentEvent::Leave => C::Leave,
            AppointmentEvent::BiometricsDone => C::BiometricsDone,
            AppointmentEvent::BiometricsFailed => C::BiometricsFailed,
            AppointmentEvent::Passphrase { passphrase } => C::Passphrase(passphrase),
            AppointmentEvent::CancelLeave => C::CancelLeave,
        }
    }
}

impl From<core::AppointmentView> for AppointmentView {
    fn from(v: core::AppointmentView) -> Self {
        AppointmentView {
            active: v.active,
            pinned_study_id: v.pinned_study_id,
            pinned_series_id: v.pinned_series_id,
            hide_patient_name: v.hide_patient_name,
            block_screenshots: v.block_screenshots,
            show_navigation: v.show_navigation,
            banner: v.banner,
            leave_label: v.leave_label,
            hide_name_label: v.hide_name_label,
            effect: v.effect.map(|e| match e {
                core::AppointmentEffect::AskBiometrics { reason } => {
                    AppointmentEffect::AskBiometrics { reason }
                }
                core::AppointmentEffect::AskPassphrase { prompt } => {
                    AppointmentEffect::AskPassphrase { prompt }
                }
            }),
            feedback: v.feedback,
            attempts_left: v.attempts_left,
            attempts_left_text: v.attempts_left_text,
            locked: v.locked,
            passphrase_label: v.passphrase_label,
            stay_label: v.stay_label,
            guided_access_hint: v.guided_access_hint,
            hidden_while_recorded: v.hidden_while_recorded,
            links_may_open: v.links_may_open,
        }
    }
}

/// Appointment mode. `handle` blocks (checking a passphrase derives a key: about 0.3 s).
#[derive(uniffi::Object)]
pub struct AppointmentMode(Mutex<core::AppointmentMode>);

#[uniffi::export]
impl AppointmentMode {
    /// Over `vault` (unlocked); `device_keys`: the platform's key store when it keeps the vault
    /// key (leaving then asks for biometrics first).
    #[uniffi::constructor]
    pub fn new(
        vault: Arc<Vault>,
        device_keys: Option<Arc<dyn KeyStore>>,
        locale: String,
    ) -> Arc<Self> {
        let keys =
            device_keys.map(|k| Arc::new(Foreign(k)) as Arc<dyn scanpass_core::vault::KeyStore>);
        Arc::new(AppointmentMode(Mutex::new(core::AppointmentMode::new(
            vault.inner.clone(),
            keys,
            Language::from_locale(&locale),
        ))))
    }

    pub fn view(&self) -> AppointmentView {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .view()
            .into()
    }

    /// The device's language is now `locale` (a language change keeps an Android process and
    /// this model): the next views speak it. Quick (no view is built), but waits for a `handle`
    /// in progress.
    pub fn set_locale(&self, locale: String) {
        let mut mode = self.0.lock().unwrap_or_else(|p| p.into_inner());
        mode.set_language(Language::from_locale(&locale));
    }

    /// Whether an incoming share link may open now: false while the mode is on (the shell keeps
    /// the link and asks again when the mode ends). Quick, but waits for a `handle` in progress.
    pub fn may_open_link(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .may_open_link()
    }

    /// Apply an event; returns the next view. Blocks.
    pub fn handle(&self, event: AppointmentEvent) -> Result<AppointmentView> {
        let mut mode = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(mode.handle(event.into()).speak(mode.language())?.into())
    }
}
