//! The library screen (core `screens::library`).

use std::sync::{Arc, Mutex};

use scanpass_core::screens::library as core;
use scanpass_core::text::Language;

use super::Result;
use crate::error::Speak;
use crate::library::Vault;

/// What the patient did on the library screen.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum LibraryEvent {
    Search { query: String },
    AskDelete { study_id: String },
    ConfirmDelete,
    CancelDelete,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LibraryView {
    pub revision: u64,
    pub search: String,
    pub patients: Vec<PatientCard>,
    pub empty: Option<String>,
    pub confirm: Option<Confirmation>,
    pub title: String,
    pub search_label: String,
    pub more_label: String,
    /// The ways to the other screens, in order.
    pub actions: Vec<LibraryAction>,
}

/// Where a library action leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LibraryDestination {
    AddImages,
    Receive,
    MyShares,
    Requests,
    Settings,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LibraryAction {
    pub destination: LibraryDestination,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PatientCard {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub studies: Vec<StudyCard>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StudyCard {
    pub id: String,
    pub title: String,
    pub kinds: String,
    pub date: String,
    pub counts: String,
    pub share_label: String,
    pub share_spoken: String,
    pub show_doctor_label: String,
    pub delete_spoken: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Confirmation {
    pub title: String,
    pub message: String,
    pub confirm: String,
    pub cancel: String,
    pub destructive: bool,
}

impl From<LibraryEvent> for core::LibraryEvent {
    fn from(e: LibraryEvent) -> Self {
        match e {
            LibraryEvent::Search { query } => core::LibraryEvent::Search(query),
            LibraryEvent::AskDelete { study_id } => core::LibraryEvent::AskDelete { study_id },
            LibraryEvent::ConfirmDelete => core::LibraryEvent::ConfirmDelete,
            LibraryEvent::CancelDelete => core::LibraryEvent::CancelDelete,
        }
    }
}

impl From<core::LibraryView> for LibraryView {
    fn from(v: core::LibraryView) -> Self {
        LibraryView {
            revision: v.revision,
            search: v.search,
            patients: v
                .patients
                .into_iter()
                .map(|p| PatientCard {
                    id: p.id,
                    name: p.name,
                    summary: p.summary,
                    studies: p
                        .studies
                        .into_iter()
                        .map(|s| StudyCard {
                            id: s.id,
                            title: s.title,
                            kinds: s.kinds,
                            date: s.date,
                            counts: s.counts,
                            share_label: s.share_label,
                            share_spoken: s.share_spoken,
                            show_doctor_label: s.show_doctor_label,
                            delete_spoken: s.delete_spoken,
                        })
                        .collect(),
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
            title: v.title,
            search_label: v.search_label,
            more_label: v.more_label,
            actions: v
                .actions
                .into_iter()
                .map(|a| LibraryAction {
                    destination: match a.destination {
                        core::LibraryDestination::AddImages => LibraryDestination::AddImages,
                        core::LibraryDestination::Receive => LibraryDestination::Receive,
                        core::LibraryDestination::MyShares => LibraryDestination::MyShares,
                        core::LibraryDestination::Requests => LibraryDestination::Requests,
                        core::LibraryDestination::Settings => LibraryDestination::Settings,
                    },
                    label: a.label,
                })
                .collect(),
        }
    }
}

/// The library screen. Its calls block on the vault (milliseconds): call them off the main thread.
#[derive(uniffi::Object)]
pub struct LibraryScreen(Mutex<core::LibraryScreen>);

#[uniffi::export]
impl LibraryScreen {
    /// The library of `vault`, in `locale` (the platform's tag, such as `fr-CA`).
    #[uniffi::constructor]
    pub fn new(vault: Arc<Vault>, locale: String) -> Arc<Self> {
        Arc::new(LibraryScreen(Mutex::new(core::LibraryScreen::new(
            vault.inner.clone(),
            Language::from_locale(&locale),
        ))))
    }

    /// What to draw now. Blocks.
    pub fn view(&self) -> Result<LibraryView> {
        let screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.view().speak(screen.language())?.into())
    }

    /// Apply what the patient did; returns the view to draw next. Blocks.
    pub fn handle(&self, event: LibraryEvent) -> Result<LibraryView> {
        let mut screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.handle(event.into()).speak(screen.language())?.into())
    }
}
