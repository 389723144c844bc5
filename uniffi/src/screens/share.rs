//! The share screen and "my shares" (core `screens::share`).
//!
//! Threads: `ShareScreen.share` uploads (seconds to minutes, network): call it on a background
//! thread; its `ShareViewListener` gets each new view on that thread. `cancel`, `view` and
//! `handle` may be called from any thread meanwhile (`handle` reads the vault: milliseconds).
//! `MySharesScreen.handle(Refresh)` and `handle(ConfirmRevoke)` ask the relay: off the main
//! thread.

use std::sync::{Arc, Mutex};

use scanpass_core::deid::Preset;
use scanpass_core::screens::share::{self as core, mine};
use scanpass_core::share::ShareStatus as CoreStatus;
use scanpass_core::text::Language;

use super::{Confirmation, Result};
use crate::error::Speak;
use crate::import::ListenerError;
use crate::library::Vault;
use crate::share::{Deidentify, ShareStatus};

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ShareScreenEvent {
    ToggleStudy {
        study_id: String,
    },
    ToggleSeries {
        series_id: String,
    },
    /// None: share the images as they are.
    SetDeidentify {
        preset: Option<Deidentify>,
    },
    SetExpiryDays {
        days: u32,
    },
    SetDownloadLimit {
        limit: Option<u32>,
    },
    UsePasscode {
        enabled: bool,
    },
    SetPasscode {
        passcode: String,
    },
    UseSuggestedPasscode,
    Dismiss,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShareSeriesPick {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShareStudyPick {
    pub id: String,
    pub label: String,
    pub detail: String,
    pub selected: bool,
    pub series: Vec<ShareSeriesPick>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SharePresetChoice {
    pub preset: Option<Deidentify>,
    pub label: String,
    pub explanation: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShareExpiryChoice {
    pub days: u32,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShareDownloadChoice {
    pub limit: Option<u32>,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SharePasscodeField {
    pub label: String,
    pub use_label: String,
    pub enabled: bool,
    pub value: String,
    pub hint: String,
    pub suggestion: String,
    pub suggest_label: String,
}

/// A refusal of one field: `field` is `studies`, `series`, `expiry`, `downloads` or `passcode`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShareFieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShareForm {
    pub studies_label: String,
    pub studies: Vec<ShareStudyPick>,
    pub preset_label: String,
    pub presets: Vec<SharePresetChoice>,
    pub expiry_label: String,
    pub expiry: Vec<ShareExpiryChoice>,
    pub downloads_label: String,
    pub downloads: Vec<ShareDownloadChoice>,
    pub passcode: SharePasscodeField,
    pub warning: Option<String>,
    pub errors: Vec<ShareFieldError>,
    pub submit: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ShareProgressView {
    pub text: String,
    pub resumed: bool,
    pub done: u64,
    pub total: u64,
    pub fraction: Option<f32>,
    pub cancel_label: String,
    pub can_cancel: bool,
}

/// A finished share. `link` carries the share's key: show it, never log it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ShareDone {
    pub title: String,
    pub share_id: String,
    pub link: String,
    pub qr_png: Vec<u8>,
    pub message: String,
    pub passcode_message: Option<String>,
    pub passcode_note: Option<String>,
    pub resumed: bool,
    pub warning: Option<String>,
    pub send_label: String,
    pub show_qr_label: String,
    pub send_passcode_label: Option<String>,
    pub qr_description: String,
    pub done_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ShareScreenView {
    pub title: String,
    pub form: ShareForm,
    pub progress: Option<ShareProgressView>,
    pub result: Option<ShareDone>,
    pub error: Option<String>,
}

/// Gets each new view while a share uploads, on the sharing thread. What it throws is ignored.
#[uniffi::export(with_foreign)]
pub trait ShareViewListener: Send + Sync {
    fn on_view(&self, view: ShareScreenView) -> std::result::Result<(), ListenerError>;
}

struct Forward(Option<Arc<dyn ShareViewListener>>);

impl core::ShareViewListener for Forward {
    fn on_view(&self, view: &core::ShareView) {
        if let Some(l) = &self.0 {
            let _ = l.on_view(view.clone().into());
        }
    }
}

fn deid(p: Option<Preset>) -> Option<Deidentify> {
    p.map(|p| match p {
        Preset::SecondOpinion => Deidentify::SecondOpinion,
        Preset::Research => Deidentify::Research,
    })
}

fn preset(d: Option<Deidentify>) -> Option<Preset> {
    d.map(|d| match d {
        Deidentify::SecondOpinion => Preset::SecondOpinion,
        Deidentify::Research => Preset::Research,
    })
}

impl From<ShareScreenEvent> for core::ShareEvent {
    fn from(e: ShareScreenEvent) -> Self {
        use core::ShareEvent as E;
        match e {
            ShareScreenEvent::ToggleStudy { study_id } => E::ToggleStudy { study_id },
            ShareScreenEvent::ToggleSeries { series_id } => E::ToggleSeries { series_id },
            ShareScreenEvent::SetDeidentify { preset: p } => E::SetPreset(preset(p)),
            ShareScreenEvent::SetExpiryDays { days } => E::SetExpiryDays(days),
            ShareScreenEvent::SetDownloadLimit { limit } => E::SetDownloadLimit(limit),
            ShareScreenEvent::UsePasscode { enabled } => E::UsePasscode(enabled),
            ShareScreenEvent::SetPasscode { passcode } => E::SetPasscode(passcode),
            ShareScreenEvent::UseSuggestedPasscode => E::UseSuggestedPasscode,
            ShareScreenEvent::Dismiss => E::Dismiss,
        }
    }
}

impl From<core::ShareView> for ShareScreenView {
    fn from(v: core::ShareView) -> Self {
        let f = v.form;
        ShareScreenView {
            title: v.title,
            form: ShareForm {
                studies_label: f.studies_label,
                studies: f
                    .studies
                    .into_iter()
                    .map(|s| ShareStudyPick {
                        id: s.id,
                        label: s.label,
                        detail: s.detail,
                        selected: s.selected,
                        series: s
                            .series
                            .into_iter()
                            .map(|r| ShareSeriesPick {
                                id: r.id,
                                label: r.label,
                                selected: r.selected,
                            })
                            .collect(),
                    })
                    .collect(),
                preset_label: f.preset_label,
                presets: f
                    .presets
                    .into_iter()
                    .map(|p| SharePresetChoice {
                        preset: deid(p.preset),
                        label: p.label,
                        explanation: p.explanation,
                        selected: p.selected,
                    })
                    .collect(),
                expiry_label: f.expiry_label,
                expiry: f
                    .expiry
                    .into_iter()
                    .map(|e| ShareExpiryChoice {
                        days: e.days,
                        label: e.label,
                        selected: e.selected,
                    })
                    .collect(),
                downloads_label: f.downloads_label,
                downloads: f
                    .downloads
                    .into_iter()
                    .map(|d| ShareDownloadChoice {
                        limit: d.limit,
                        label: d.label,
                        selected: d.selected,
                    })
                    .collect(),
                passcode: SharePasscodeField {
                    label: f.passcode.label,
                    use_label: f.passcode.use_label,
                    enabled: f.passcode.enabled,
                    value: f.passcode.value,
                    hint: f.passcode.hint,
                    suggestion: f.passcode.suggestion,
                    suggest_label: f.passcode.suggest_label,
                },
                warning: f.warning,
                errors: f
                    .errors
                    .into_iter()
                    .map(|e| ShareFieldError {
                        field: e.field,
                        message: e.message,
                    })
                    .collect(),
                submit: f.submit,
            },
            progress: v.progress.map(|p| ShareProgressView {
                text: p.text,
                resumed: p.resumed,
                done: p.done,
                total: p.total,
                fraction: p.fraction,
                cancel_label: p.cancel_label,
                can_cancel: p.can_cancel,
            }),
            result: v.result.map(|r| ShareDone {
                title: r.title,
                share_id: r.share_id,
                link: r.link,
                qr_png: r.qr_png,
                message: r.message,
                passcode_message: r.passcode_message,
                passcode_note: r.passcode_note,
                resumed: r.resumed,
                warning: r.warning,
                send_label: r.send_label,
                show_qr_label: r.show_qr_label,
                send_passcode_label: r.send_passcode_label,
                qr_description: r.qr_description,
                done_label: r.done_label,
            }),
            error: v.error,
        }
    }
}

/// The share form for one study of the vault (the same patient's other studies offered too).
#[derive(uniffi::Object)]
pub struct ShareScreen(core::ShareScreen);

#[uniffi::export]
impl ShareScreen {
    /// Sharing `study_id` through the relay at `relay`, links opening the browser viewer at
    /// `viewer` (none: the core's default), in `locale`. Blocks briefly (the vault).
    #[uniffi::constructor]
    pub fn new(
        vault: Arc<Vault>,
        locale: String,
        relay: String,
        study_id: String,
        viewer: Option<String>,
    ) -> Result<Arc<Self>> {
        let lang = Language::from_locale(&locale);
        Ok(Arc::new(ShareScreen(
            core::ShareScreen::new(vault.inner.clone(), lang, &relay, viewer, &study_id)
                .speak(lang)?,
        )))
    }

    /// What to draw now. Quick.
    pub fn view(&self) -> ShareScreenView {
        self.0.view().into()
    }

    /// Apply what the patient did. Blocks briefly when the selection changes (the warning).
    pub fn handle(&self, event: ShareScreenEvent) -> Result<ShareScreenView> {
        Ok(self.0.handle(event.into()).speak(self.0.language())?.into())
    }

    /// Share what the form says. Blocks until the link is ready; a form with refusals comes
    /// back at once with its errors by field.
    pub fn share(&self, listener: Option<Arc<dyn ShareViewListener>>) -> Result<ShareScreenView> {
        Ok(self
            .0
            .share(&Forward(listener))
            .speak(self.0.language())?
            .into())
    }

    /// Stop the upload (sharing again resumes it). Quick, from any thread.
    pub fn cancel(&self) {
        self.0.cancel()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum MySharesEvent {
    Refresh,
    AskRevoke { share_id: String },
    ConfirmRevoke,
    CancelRevoke,
}

/// One share as listed. `link` carries the share's key: show it, never log it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MyShareCard {
    pub id: String,
    pub title: String,
    pub status: ShareStatus,
    pub state: String,
    pub access: Option<String>,
    pub link: Option<String>,
    pub can_revoke: bool,
    pub revoke_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MySharesView {
    pub title: String,
    pub shares: Vec<MyShareCard>,
    pub empty: Option<String>,
    pub confirm: Option<Confirmation>,
    pub error: Option<String>,
    pub refresh_label: String,
    pub send_label: String,
}

impl From<mine::MySharesView> for MySharesView {
    fn from(v: mine::MySharesView) -> Self {
        MySharesView {
            title: v.title,
            shares: v
                .shares
                .into_iter()
                .map(|c| MyShareCard {
                    id: c.id,
                    title: c.title,
                    status: match c.status {
                        CoreStatus::Active => ShareStatus::Active,
                        CoreStatus::Unfinished => ShareStatus::Unfinished,
                        CoreStatus::Expired => ShareStatus::Expired,
                        CoreStatus::Revoked => ShareStatus::Revoked,
                    },
                    state: c.state,
                    access: c.access,
                    link: c.link,
                    can_revoke: c.can_revoke,
                    revoke_label: c.revoke_label,
                })
                .collect(),
            empty: v.empty,
            confirm: v.confirm.map(|c| Confirmation {
                title: c.title,
                message: c.message,
                confirm: c.confirm,
                cancel: c.cancel,
                destructive: c.destructive,
            }),
            error: v.error,
            refresh_label: v.refresh_label,
            send_label: v.send_label,
        }
    }
}

/// The patient's shares.
#[derive(uniffi::Object)]
pub struct MySharesScreen(Mutex<mine::MySharesScreen>);

#[uniffi::export]
impl MySharesScreen {
    #[uniffi::constructor]
    pub fn new(vault: Arc<Vault>, locale: String) -> Arc<Self> {
        Arc::new(MySharesScreen(Mutex::new(mine::MySharesScreen::new(
            vault.inner.clone(),
            Language::from_locale(&locale),
        ))))
    }

    /// What to draw now. Blocks briefly (the vault).
    pub fn view(&self) -> Result<MySharesView> {
        let s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(s.view().speak(s.language())?.into())
    }

    /// Apply what the patient did. `Refresh` and `ConfirmRevoke` ask the relay: they block.
    pub fn handle(&self, event: MySharesEvent) -> Result<MySharesView> {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(s.handle(match event {
            MySharesEvent::Refresh => mine::MySharesEvent::Refresh,
            MySharesEvent::AskRevoke { share_id } => mine::MySharesEvent::AskRevoke { share_id },
            MySharesEvent::ConfirmRevoke => mine::MySharesEvent::ConfirmRevoke,
            MySharesEvent::CancelRevoke => mine::MySharesEvent::CancelRevoke,
        })
        .speak(s.language())?
        .into())
    }
}
