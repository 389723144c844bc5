//! The import screen (core `screens::import`).
//!
//! Threads: `start` is the import (seconds to minutes): call it on a background thread. Its `ImportViewListener` gets each new view on the importing thread, never the
//! main thread. `cancel`, `view`, `handle` and `link_source` may be called from any thread,
//! also while `start` runs.

use std::sync::Arc;

use scanpass_core::screens::import as core;
use scanpass_core::text::Language;

use super::Result;
use crate::error::Speak;
use crate::import::{ImportSource, ImportSummary, ListenerError};
use crate::library::Vault;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImportSourceKind {
    Folder,
    Zip,
    Files,
    Link,
}

/// What the shell does to let the patient pick a source.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ImportEffect {
    PickFolder,
    /// `media_types` empty: any file.
    PickFiles {
        multiple: bool,
        media_types: Vec<String>,
    },
    /// Show the view's link form; its submission goes to `link_source`.
    AskLink,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportSourceChoice {
    pub kind: ImportSourceKind,
    pub label: String,
    pub detail: String,
    pub effect: ImportEffect,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportLinkForm {
    pub url_label: String,
    pub token_label: String,
    pub submit: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImportPhase {
    Searching,
    Importing,
    Finishing,
    Stopping,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub phase_text: String,
    pub files_done: u64,
    pub files_total: u64,
    pub files_text: String,
    pub bytes_text: String,
    pub fraction: Option<f32>,
    pub time_left: Option<String>,
    pub cancel_label: String,
    pub can_cancel: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportFileProblem {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportResult {
    pub title: String,
    pub lines: Vec<String>,
    pub warning: Option<String>,
    pub problems: Vec<ImportFileProblem>,
    pub done_label: String,
    pub images_added: u64,
    pub cancelled: bool,
    pub summary: ImportSummary,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ImportScreenView {
    pub title: String,
    pub choices: Vec<ImportSourceChoice>,
    pub link_form: ImportLinkForm,
    pub progress: Option<ImportProgress>,
    pub result: Option<ImportResult>,
    pub error: Option<String>,
    pub reading_text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ImportScreenEvent {
    /// The result or the error was read: back to the choices.
    Dismiss,
}

/// Gets each new view while an import runs, on the importing thread. What it throws is
/// ignored.
#[uniffi::export(with_foreign)]
pub trait ImportViewListener: Send + Sync {
    fn on_view(&self, view: ImportScreenView) -> std::result::Result<(), ListenerError>;
}

struct Forward(Option<Arc<dyn ImportViewListener>>);

impl core::ImportViewListener for Forward {
    fn on_view(&self, view: &core::ImportView) {
        if let Some(l) = &self.0 {
            let _ = l.on_view(view.clone().into());
        }
    }
}

impl From<core::ImportView> for ImportScreenView {
    fn from(v: core::ImportView) -> Self {
        ImportScreenView {
            title: v.title,
            choices: v
                .choices
                .into_iter()
                .map(|c| ImportSourceChoice {
                    kind: match c.kind {
                        core::SourceKind::Folder => ImportSourceKind::Folder,
                        core::SourceKind::Zip => ImportSourceKind::Zip,
                        core::SourceKind::Files => ImportSourceKind::Files,
                        core::SourceKind::Link => ImportSourceKind::Link,
                    },
                    label: c.label,
                    detail: c.detail,
                    effect: match c.effect {
                        core::ImportEffect::PickFolder => ImportEffect::PickFolder,
                        core::ImportEffect::PickFiles {
                            multiple,
                            media_types,
                        } => ImportEffect::PickFiles {
                            multiple,
                            media_types,
                        },
                        core::ImportEffect::AskLink => ImportEffect::AskLink,
                    },
                })
                .collect(),
            link_form: ImportLinkForm {
                url_label: v.link_form.url_label,
                token_label: v.link_form.token_label,
                submit: v.link_form.submit,
                error: v.link_form.error,
            },
            progress: v.progress.map(|p| ImportProgress {
                phase: match p.phase {
                    core::ImportPhase::Searching => ImportPhase::Searching,
                    core::ImportPhase::Importing => ImportPhase::Importing,
                    core::ImportPhase::Finishing => ImportPhase::Finishing,
                    core::ImportPhase::Stopping => ImportPhase::Stopping,
                },
                phase_text: p.phase_text,
                files_done: p.files_done,
                files_total: p.files_total,
                files_text: p.files_text,
                bytes_text: p.bytes_text,
                fraction: p.fraction,
                time_left: p.time_left,
                cancel_label: p.cancel_label,
                can_cancel: p.can_cancel,
            }),
            result: v.result.map(|r| ImportResult {
                title: r.title,
                lines: r.lines,
                warning: r.warning,
                problems: r
                    .problems
                    .into_iter()
                    .map(|p| ImportFileProblem {
                        file: p.file,
                        reason: p.reason,
                    })
                    .collect(),
                done_label: r.done_label,
                images_added: r.images_added,
                cancelled: r.cancelled,
                summary: r.summary.into(),
            }),
            error: v.error,
            reading_text: v.reading_text,
        }
    }
}

/// The import screen.
#[derive(uniffi::Object)]
pub struct ImportScreen(core::ImportScreen);

#[uniffi::export]
impl ImportScreen {
    /// Importing into `vault`, in `locale` (the platform's tag, such as `fr-CA`).
    #[uniffi::constructor]
    pub fn new(vault: Arc<Vault>, locale: String) -> Arc<Self> {
        Arc::new(ImportScreen(core::ImportScreen::new(
            vault.inner.clone(),
            Language::from_locale(&locale),
        )))
    }

    /// What to draw now. Quick.
    pub fn view(&self) -> ImportScreenView {
        self.0.view().into()
    }

    /// Apply what the patient did. Quick.
    pub fn handle(&self, event: ImportScreenEvent) -> ImportScreenView {
        match event {
            ImportScreenEvent::Dismiss => self.0.handle(core::ImportScreenEvent::Dismiss).into(),
        }
    }

    /// The source for a link typed in the link form, or none (the form's error then says
    /// why). Quick.
    pub fn link_source(&self, url: String, token: Option<String>) -> Option<ImportSource> {
        self.0.link_source(&url, token.as_deref()).map(|s| match s {
            scanpass_core::import::Source::Url { url, bearer } => ImportSource::Url {
                url,
                bearer_token: bearer,
            },
            scanpass_core::import::Source::Path(p) => ImportSource::Path {
                path: p.to_string_lossy().into_owned(),
            },
        })
    }

    /// Import `sources`. Blocks until the import is over; returns the final view (the summary,
    /// or the error in words).
    pub fn start(
        &self,
        sources: Vec<ImportSource>,
        listener: Option<Arc<dyn ImportViewListener>>,
    ) -> Result<ImportScreenView> {
        let sources: Vec<_> = sources.into_iter().map(Into::into).collect();
        Ok(self
            .0
            .start(&sources, &Forward(listener))
            .speak(self.0.language())?
            .into())
    }

    /// Stop the running import: what was imported is kept. Quick, from any thread.
    pub fn cancel(&self) {
        self.0.cancel()
    }
}
