//! The receive screen (core `screens::receive`).
//!
//! Threads: `receive` downloads (seconds to minutes, network, and about 0.3 s of key derivation
//! with a passcode): call it on a background thread; its `ReceiveViewListener` gets each new
//! view on that thread. `cancel`, `view` and `handle` may be called from any thread.

use std::sync::Arc;

use scanpass_core::screens::receive as core;
use scanpass_core::text::Language;

use super::Result;
use crate::error::Speak;
use crate::import::ListenerError;
use crate::library::Vault;

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ReceiveScreenEvent {
    /// The link field changed (pasted, typed, or a QR code scanned).
    SetLink {
        link: String,
    },
    Dismiss,
}

/// What the shell does for the receive screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReceiveEffect {
    /// The platform's QR code scanner; what it reads goes to `SetLink`.
    ScanQr,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceivePasscodePrompt {
    pub label: String,
    pub message: String,
    pub error: Option<String>,
    /// What the relay said is left; none when it did not say.
    pub attempts_left: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReceiveProgress {
    pub text: String,
    pub done: u64,
    pub total: u64,
    pub fraction: Option<f32>,
    pub cancel_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceiveResult {
    pub title: String,
    pub lines: Vec<String>,
    pub notes: Vec<String>,
    pub images_added: u64,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReceiveScreenView {
    pub title: String,
    pub link_label: String,
    pub link: String,
    pub link_error: Option<String>,
    pub scan_label: String,
    pub scan: ReceiveEffect,
    pub passcode: Option<ReceivePasscodePrompt>,
    pub can_open: bool,
    pub submit: String,
    pub progress: Option<ReceiveProgress>,
    pub result: Option<ReceiveResult>,
    pub error: Option<String>,
    pub paste_label: String,
    pub no_qr_text: String,
    pub done_label: String,
    /// The live QR scanner's words.
    pub scanner: QrScannerWords,
}

/// The live QR scanner's words (core `QrScannerWords`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrScannerWords {
    pub title: String,
    pub hint: String,
    /// The camera permission was refused: what the patient can do instead.
    pub camera_refused: String,
    /// The permission is there but the live camera cannot be opened.
    pub camera_unavailable: String,
    pub allow_label: String,
    /// The system camera's single picture instead of the live scan.
    pub photo_label: String,
    pub close_label: String,
}

/// Gets each new view while a share downloads, on the receiving thread. What it throws is
/// ignored.
#[uniffi::export(with_foreign)]
pub trait ReceiveViewListener: Send + Sync {
    fn on_view(&self, view: ReceiveScreenView) -> std::result::Result<(), ListenerError>;
}

struct Forward(Option<Arc<dyn ReceiveViewListener>>);

impl core::ReceiveViewListener for Forward {
    fn on_view(&self, view: &core::ReceiveView) {
        if let Some(l) = &self.0 {
            let _ = l.on_view(view.clone().into());
        }
    }
}

impl From<core::ReceiveView> for ReceiveScreenView {
    fn from(v: core::ReceiveView) -> Self {
        ReceiveScreenView {
            title: v.title,
            link_label: v.link_label,
            link: v.link,
            link_error: v.link_error,
            scan_label: v.scan_label,
            scan: match v.scan {
                core::ReceiveEffect::ScanQr => ReceiveEffect::ScanQr,
            },
            passcode: v.passcode.map(|p| ReceivePasscodePrompt {
                label: p.label,
                message: p.message,
                error: p.error,
                attempts_left: p.attempts_left,
            }),
            can_open: v.can_open,
            submit: v.submit,
            progress: v.progress.map(|p| ReceiveProgress {
                text: p.text,
                done: p.done,
                total: p.total,
                fraction: p.fraction,
                cancel_label: p.cancel_label,
            }),
            result: v.result.map(|r| ReceiveResult {
                title: r.title,
                lines: r.lines,
                notes: r.notes,
                images_added: r.images_added,
            }),
            error: v.error,
            paste_label: v.paste_label,
            no_qr_text: v.no_qr_text,
            done_label: v.done_label,
            scanner: QrScannerWords {
                title: v.scanner.title,
                hint: v.scanner.hint,
                camera_refused: v.scanner.camera_refused,
                camera_unavailable: v.scanner.camera_unavailable,
                allow_label: v.scanner.allow_label,
                photo_label: v.scanner.photo_label,
                close_label: v.scanner.close_label,
            },
        }
    }
}

/// The receive screen.
#[derive(uniffi::Object)]
pub struct ReceiveScreen(core::ReceiveScreen);

#[uniffi::export]
impl ReceiveScreen {
    /// Receiving into `vault`, in `locale`.
    #[uniffi::constructor]
    pub fn new(vault: Arc<Vault>, locale: String) -> Arc<Self> {
        Arc::new(ReceiveScreen(core::ReceiveScreen::new(
            vault.inner.clone(),
            Language::from_locale(&locale),
        )))
    }

    /// What to draw now. Quick.
    pub fn view(&self) -> ReceiveScreenView {
        self.0.view().into()
    }

    /// Apply what the patient did. Quick (the link is checked here, not fetched).
    pub fn handle(&self, event: ReceiveScreenEvent) -> Result<ReceiveScreenView> {
        Ok(self
            .0
            .handle(match event {
                ReceiveScreenEvent::SetLink { link } => core::ReceiveEvent::SetLink(link),
                ReceiveScreenEvent::Dismiss => core::ReceiveEvent::Dismiss,
            })
            .speak(self.0.language())?
            .into())
    }

    /// Open the link with `passcode` (what the prompt got) and import its images. Blocks until
    /// it is over; a missing or wrong passcode comes back as the prompt with its error.
    pub fn receive(
        &self,
        passcode: Option<String>,
        listener: Option<Arc<dyn ReceiveViewListener>>,
    ) -> Result<ReceiveScreenView> {
        Ok(self
            .0
            .receive(passcode.as_deref(), &Forward(listener))
            .speak(self.0.language())?
            .into())
    }

    /// Stop the download: what arrived is kept. Quick, from any thread.
    pub fn cancel(&self) {
        self.0.cancel()
    }
}
