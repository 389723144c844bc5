//! The library: the patients the vault holds and their studies, newest first, display-ready;
//! a search; deleting a study behind a confirmation. A view carries the vault's revision: the
//! shell asks for a new view when [`Vault::revision`] moves (or its change hook fires).

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::text::{self, Arg, Counted, Language};
use crate::vault::{PatientRow, StudyRow, Vault};

/// What the patient did on the library screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LibraryEvent {
    /// The search field changed (empty: show everything).
    Search(String),
    /// The patient asked to delete a study: the view gets a confirmation.
    AskDelete { study_id: String },
    /// The confirmation was accepted: the study is deleted.
    ConfirmDelete,
    /// The confirmation was dismissed.
    CancelDelete,
}

/// The library screen as the shell draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryView {
    /// The vault's revision this view was made at.
    pub revision: u64,
    pub search: String,
    /// Patients with at least one study matching the search, newest study first.
    pub patients: Vec<PatientCard>,
    /// What to say instead of a list, when it is empty.
    pub empty: Option<String>,
    /// A confirmation to show over the list.
    pub confirm: Option<Confirmation>,
    /// "Your images".
    pub title: String,
    /// The search field's label.
    pub search_label: String,
    /// The menu that holds `actions` ("More").
    pub more_label: String,
    /// The ways from the library to the other screens, in the order to show them.
    pub actions: Vec<LibraryAction>,
}

/// Where a library action leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryDestination {
    AddImages,
    Receive,
    MyShares,
    Requests,
    Settings,
}

/// One way from the library to another screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryAction {
    pub destination: LibraryDestination,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientCard {
    /// Stable across launches (see [`Vault::patients`]).
    pub id: String,
    /// The name as people write it.
    pub name: String,
    /// "3 studies".
    pub summary: String,
    pub studies: Vec<StudyCard>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyCard {
    pub id: String,
    /// The study's description, else its kinds of imaging in words.
    pub title: String,
    /// The kinds of imaging in words ("MRI, CT scan").
    pub kinds: String,
    /// The date in the language, or "Date unknown".
    pub date: String,
    /// "2 series · 192 images".
    pub counts: String,
    /// The share button ("Share").
    pub share_label: String,
    /// The share button for screen readers ("Share CT scan, 15 January 2026").
    pub share_spoken: String,
    /// Appointment mode on this study ("Show a doctor").
    pub show_doctor_label: String,
    /// The delete button for screen readers ("Delete CT scan, 15 January 2026").
    pub delete_spoken: String,
}

/// A question with two answers, drawn as the platform's dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub title: String,
    pub message: String,
    pub confirm: String,
    pub cancel: String,
    /// Whether the confirm action destroys something (drawn in the platform's warning style).
    pub destructive: bool,
}

/// The library screen's state.
pub struct LibraryScreen {
    vault: Arc<Vault>,
    lang: Language,
    search: String,
    pending_delete: Option<String>,
}

impl LibraryScreen {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    pub fn new(vault: Arc<Vault>, lang: Language) -> LibraryScreen {
        LibraryScreen {
            vault,
            lang,
            search: String::new(),
            pending_delete: None,
        }
    }

    /// Apply what the patient did; returns the view to draw next. Errors: the vault's (locked,
    /// not found); a refused event leaves the state as it was.
    pub fn handle(&mut self, event: LibraryEvent) -> Result<LibraryView> {
        match event {
            LibraryEvent::Search(q) => self.search = q,
            LibraryEvent::AskDelete { study_id } => {
                // the study must exist now: its title goes into the question
                self.vault
                    .studies()?
                    .iter()
                    .find(|s| s.id == study_id)
                    .ok_or(Error::NotFound("study"))?;
                self.pending_delete = Some(study_id);
            }
            LibraryEvent::ConfirmDelete => {
                let id = self
                    .pending_delete
                    .take()
                    .ok_or_else(|| Error::InvalidArgument("no deletion to confirm".into()))?;
                self.vault.delete_study(&id)?;
            }
            LibraryEvent::CancelDelete => self.pending_delete = None,
        }
        self.view()
    }

    /// The view as things stand.
    pub fn view(&self) -> Result<LibraryView> {
        let revision = self.vault.revision();
        let lang = self.lang;
        let library = self.vault.library()?;
        let needle = fold(&self.search);
        let mut patients = Vec::new();
        for (p, studies) in &library {
            let name = patient_name(p, lang);
            let cards: Vec<StudyCard> = studies
                .iter()
                .map(|s| study_card(s, lang))
                .filter(|c| {
                    needle.is_empty()
                        || [&name, &c.title, &c.kinds, &c.date]
                            .iter()
                            .any(|t| fold(t).contains(&needle))
                })
                .collect();
            if cards.is_empty() {
                continue;
            }
            patients.push(PatientCard {
                summary: text::count(Counted::Studies, p.study_count as u64, lang),
                id: p.id.clone(),
                name,
                studies: cards,
            });
        }
        let empty = match (library.is_empty(), patients.is_empty()) {
            (true, _) => Some(text::message(lang, "library-empty", &[])),
            (false, true) => Some(text::message(
                lang,
                "library-no-match",
                &[("query", Arg::Text(self.search.trim()))],
            )),
            _ => None,
        };
        let confirm = self.pending_delete.as_ref().and_then(|id| {
            let s = library
                .iter()
                .flat_map(|(_, studies)| studies)
                .find(|s| &s.id == id)?;
            let c = study_card(s, lang);
            let study = format!("{}, {}", c.title, c.date);
            Some(Confirmation {
                title: text::message(lang, "delete-study-title", &[]),
                message: text::message(
                    lang,
                    "delete-study-message",
                    &[("study", Arg::Text(&study))],
                ),
                confirm: text::message(lang, "delete-study-confirm", &[]),
                cancel: text::message(lang, "action-cancel", &[]),
                destructive: true,
            })
        });
        Ok(LibraryView {
            revision,
            search: self.search.clone(),
            patients,
            empty,
            confirm,
            title: text::message(lang, "library-title", &[]),
            search_label: text::message(lang, "library-search", &[]),
            more_label: text::message(lang, "library-more", &[]),
            actions: actions(lang),
        })
    }
}

/// The library's ways to the other screens.
fn actions(lang: Language) -> Vec<LibraryAction> {
    use LibraryDestination::*;
    [
        (AddImages, "library-action-import"),
        (Receive, "library-action-receive"),
        (MyShares, "library-action-my-shares"),
        (Requests, "library-action-requests"),
        (Settings, "library-action-settings"),
    ]
    .into_iter()
    .map(|(destination, id)| LibraryAction {
        destination,
        label: text::message(lang, id, &[]),
    })
    .collect()
}

fn patient_name(p: &PatientRow, lang: Language) -> String {
    let name = text::person_name(p.name.as_deref().unwrap_or(""));
    if name.is_empty() {
        text::message(lang, "library-patient-unnamed", &[])
    } else {
        name
    }
}

pub(crate) fn study_card(s: &StudyRow, lang: Language) -> StudyCard {
    let kinds = s
        .modalities
        .iter()
        .map(|m| text::modality(m, lang))
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let title = s
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(String::from)
        .unwrap_or_else(|| {
            text::message(
                lang,
                "library-study-untitled",
                &[("kind", Arg::Text(&kinds))],
            )
        });
    let date = s
        .study_date
        .as_deref()
        .and_then(|d| text::date(d, lang))
        .unwrap_or_else(|| text::message(lang, "library-study-undated", &[]));
    let counts = text::message(
        lang,
        "library-study-counts",
        &[
            (
                "series",
                Arg::Text(&text::count(Counted::Series, s.series_count as u64, lang)),
            ),
            (
                "images",
                Arg::Text(&text::count(Counted::Images, s.instance_count as u64, lang)),
            ),
        ],
    );
    let study = format!("{title}, {date}");
    StudyCard {
        id: s.id.clone(),
        share_label: text::message(lang, "library-share", &[]),
        share_spoken: text::message(lang, "library-share-study", &[("study", Arg::Text(&study))]),
        show_doctor_label: text::message(lang, "library-show-doctor", &[]),
        delete_spoken: text::message(
            lang,
            "library-delete-study",
            &[("study", Arg::Text(&study))],
        ),
        title,
        kinds,
        date,
        counts,
    }
}

/// Text folded for search: lower case, accents and spaces kept (so "irm" finds "IRM").
fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

#[cfg(test)]
mod tests;
