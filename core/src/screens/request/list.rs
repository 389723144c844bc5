//! The list of requests: each with its state, dates and what to do next, its actions and letters.

use super::wizard::{field_label, problem_text, refused, unknown};
use crate::error::Result;
use crate::request::dates::parse_iso;
use crate::request::flow::{self, Clock, NextStep, RequestError};
use crate::request::{Channel, Mark, RequestRecord, Status};
use crate::text::{self, Arg, Language};
use crate::vault::Vault;
use chrono::NaiveDate;
use std::sync::Arc;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    Draft,
    Ready,
    Sent,
    Extended,
    Overdue,
    Received,
    Refused,
}

/// What to do next about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextKind {
    Finish,
    Send,
    Wait,
    DueSoon,
    DueToday,
    FollowUp,
    AwaitFollowUp,
    Complaint,
    Done,
}

/// The letters of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterKind {
    Request,
    FollowUp,
    Complaint,
}

/// What the patient can record about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestAction {
    /// Continue the wizard (`RequestWizard::resume`).
    Resume,
    MarkSent,
    MarkAcknowledged,
    MarkExtended,
    MarkReceived,
    MarkRefused,
    MarkOutcome,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub action: RequestAction,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterItem {
    pub kind: LetterKind,
    pub label: String,
}

/// One request as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestItem {
    pub id: String,
    /// The provider's name, or "Unfinished request".
    pub provider: String,
    /// The law in words ("European Union (GDPR)"), empty before it is chosen.
    pub law: String,
    pub state: RequestState,
    pub state_label: String,
    /// "Sent on 31 January 2025".
    pub sent: Option<String>,
    /// "Due on 28 February 2025".
    pub due: Option<String>,
    /// The due date, `YYYY-MM-DD` (for the app's calendar and notifications).
    pub due_date: Option<String>,
    pub next: NextKind,
    /// What to do next, in a sentence.
    pub next_text: String,
    pub actions: Vec<ActionItem>,
    /// The letters that can be made now.
    pub letters: Vec<LetterItem>,
}

/// The list as the shell draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestsView {
    pub items: Vec<RequestItem>,
    pub empty: Option<String>,
    /// What the last action said (an extension capped at the legal limit).
    pub notices: Vec<String>,
    /// Why the last action was refused.
    pub problem: Option<String>,
    /// "Your requests".
    pub title: String,
    /// Starts the wizard.
    pub new_label: String,
}

/// What the patient did on the list. Dates are `YYYY-MM-DD`; none: today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestsEvent {
    MarkSent {
        id: String,
        on: Option<String>,
        /// email, post, fax, portal, in-person; none: the provider's email, else fax, else post.
        channel: Option<String>,
    },
    MarkAcknowledged {
        id: String,
        on: Option<String>,
    },
    MarkExtended {
        id: String,
        on: Option<String>,
        until: Option<String>,
    },
    MarkReceived {
        id: String,
        on: Option<String>,
        study_id: Option<String>,
    },
    MarkRefused {
        id: String,
        on: Option<String>,
    },
    MarkOutcome {
        id: String,
        on: Option<String>,
    },
    Delete {
        id: String,
    },
}

/// The requests screen.
pub struct RequestsScreen {
    vault: Arc<Vault>,
    lang: Language,
    clock: Arc<dyn Clock>,
    notices: Vec<String>,
    problem: Option<String>,
}

impl RequestsScreen {
    /// The language the screen speaks (its errors too, in the bindings).
    pub fn language(&self) -> Language {
        self.lang
    }

    pub fn new(vault: Arc<Vault>, lang: Language, clock: Arc<dyn Clock>) -> RequestsScreen {
        RequestsScreen {
            vault,
            lang,
            clock,
            notices: Vec::new(),
            problem: None,
        }
    }

    /// Apply what the patient did; returns the view to draw next. A refused action is not an
    /// error: the view says why (`problem`). Errors: the vault's (locked, not found).
    pub fn handle(&mut self, event: RequestsEvent) -> Result<RequestsView> {
        self.notices.clear();
        self.problem = None;
        let today = self.clock.today();
        let lang = self.lang;
        let date = |field: &str, v: Option<String>| -> std::result::Result<NaiveDate, String> {
            match v.as_deref().map(str::trim) {
                None | Some("") => Ok(today),
                Some(s) => parse_iso(s).ok_or_else(|| {
                    format!(
                        "{}: {}",
                        field_label(lang, field),
                        text::message(lang, "request-error-date", &[])
                    )
                }),
            }
        };
        let id = match &event {
            RequestsEvent::MarkSent { id, .. }
            | RequestsEvent::MarkAcknowledged { id, .. }
            | RequestsEvent::MarkExtended { id, .. }
            | RequestsEvent::MarkReceived { id, .. }
            | RequestsEvent::MarkRefused { id, .. }
            | RequestsEvent::MarkOutcome { id, .. }
            | RequestsEvent::Delete { id } => id.clone(),
        };
        let rec = self.vault.request(&id)?;
        let mark = match event {
            RequestsEvent::Delete { .. } => {
                self.vault.delete_request(&id)?;
                return self.view();
            }
            RequestsEvent::MarkSent { on, channel, .. } => {
                let channel = match channel.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(c) => match Channel::from_code(c) {
                        Some(c) => Some(c),
                        None => return Err(unknown("channel")),
                    },
                };
                date("date", on).map(|on| flow::sent(&rec, on, channel))
            }
            RequestsEvent::MarkAcknowledged { on, .. } => {
                date("date", on).map(|on| Mark::Acknowledged { on })
            }
            RequestsEvent::MarkExtended { on, until, .. } => date("date", on).and_then(|on| {
                let until = match until.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(_) => Some(date("until", until)?),
                };
                Ok(Mark::Extended { on, until })
            }),
            RequestsEvent::MarkReceived { on, study_id, .. } => {
                date("date", on).map(|on| Mark::Received { on, study_id })
            }
            RequestsEvent::MarkRefused { on, .. } => {
                date("date", on).map(|on| Mark::Refused { on })
            }
            RequestsEvent::MarkOutcome { on, .. } => {
                date("date", on).map(|on| Mark::Outcome { on })
            }
        };
        match mark {
            Err(p) => self.problem = Some(p),
            Ok(m) => match flow::mark(&self.vault, &id, m, today) {
                Ok((_, notes)) => self.notices = notes,
                Err(RequestError::Refused(e)) => {
                    self.problem = Some(
                        e.iter()
                            .map(|e| problem_text(lang, e))
                            .collect::<Vec<_>>()
                            .join(" "),
                    )
                }
                Err(RequestError::Vault(e)) => return Err(e),
            },
        }
        self.view()
    }

    /// A letter of request `id` as PDF bytes, dated today (the request letter: the day it was
    /// sent). Making the follow-up or the complaint records it (it moves the next dates).
    /// Errors: `InvalidArgument` when that letter cannot be made yet (see `letters`).
    pub fn letter_pdf(&self, id: &str, kind: LetterKind) -> Result<Vec<u8>> {
        let today = self.clock.today();
        let letter = match kind {
            LetterKind::Request => flow::request_letter(&self.vault.request(id)?, None, today),
            LetterKind::FollowUp => flow::follow_up(&self.vault, id, None, today).map(|(_, l)| l),
            LetterKind::Complaint => {
                flow::complaint(&self.vault, id, None, None, today).map(|(_, l)| l)
            }
        }
        .map_err(refused)?;
        letter.to_pdf()
    }

    /// The view as things stand.
    pub fn view(&self) -> Result<RequestsView> {
        let today = self.clock.today();
        let lang = self.lang;
        let mut items: Vec<RequestItem> = self
            .vault
            .requests()?
            .iter()
            .map(|(id, rec)| item(id, rec, today, lang))
            .collect();
        items.reverse(); // newest first
        Ok(RequestsView {
            empty: items
                .is_empty()
                .then(|| text::message(lang, "request-list-empty", &[])),
            items,
            notices: self.notices.clone(),
            problem: self.problem.clone(),
            title: text::message(lang, "request-list-title", &[]),
            new_label: text::message(lang, "request-list-new", &[]),
        })
    }
}

fn long_date(d: NaiveDate, lang: Language) -> String {
    text::date(&d.format("%Y%m%d").to_string(), lang).unwrap_or_else(|| d.to_string())
}

fn item(id: &str, rec: &RequestRecord, today: NaiveDate, lang: Language) -> RequestItem {
    let m = |id: &str, args: &[(&str, Arg)]| text::message(lang, id, args);
    let status = rec.status(today);
    let state = match status {
        Status::Draft => RequestState::Draft,
        Status::Ready => RequestState::Ready,
        Status::Sent => RequestState::Sent,
        Status::Extended => RequestState::Extended,
        Status::Overdue => RequestState::Overdue,
        Status::Received => RequestState::Received,
        Status::Refused => RequestState::Refused,
    };
    let (provider, jurisdiction) = match (&rec.answers, &rec.wizard) {
        (Some(a), _) => (a.provider.name.clone(), Some(a.jurisdiction)),
        (None, Some(w)) => (w.draft().provider.name.clone(), w.draft().jurisdiction),
        _ => (String::new(), None),
    };
    let provider = if provider.trim().is_empty() {
        m("request-list-unnamed", &[])
    } else {
        provider
    };
    let next = flow::next_step(rec, today);
    let date_arg = |d: NaiveDate| long_date(d, lang);
    let next_text = match next {
        NextStep::Wait { due } | NextStep::DueSoon { due } | NextStep::DueToday { due } => m(
            &format!("request-next-{}", next.code()),
            &[("date", Arg::Text(&date_arg(due)))],
        ),
        NextStep::AwaitFollowUp { until } => m(
            "request-next-await-follow-up",
            &[("date", Arg::Text(&date_arg(until)))],
        ),
        NextStep::Complaint { by: Some(by) } => m(
            "request-next-complaint-by",
            &[("date", Arg::Text(&date_arg(by)))],
        ),
        _ => m(&format!("request-next-{}", next.code()), &[]),
    };
    let due = rec.due_on();
    let t = &rec.tracking;
    let settled = t.received.is_some() || t.refused_on.is_some();
    let action = |a: RequestAction, key: &str| ActionItem {
        action: a,
        label: m(&format!("request-action-{key}"), &[]),
    };
    let mut actions = Vec::new();
    if status == Status::Draft {
        actions.push(action(RequestAction::Resume, "resume"));
    } else if !settled {
        if t.extension.is_none() && t.follow_up_on.is_none() {
            actions.push(action(RequestAction::MarkSent, "mark-sent"));
        }
        if t.sent.is_some() {
            if t.follow_up_on.is_none() {
                actions.push(action(RequestAction::MarkAcknowledged, "mark-acknowledged"));
            }
            if t.extension.is_none() {
                actions.push(action(RequestAction::MarkExtended, "mark-extended"));
            }
            actions.push(action(RequestAction::MarkReceived, "mark-received"));
            actions.push(action(RequestAction::MarkRefused, "mark-refused"));
        }
    }
    if t.follow_up_on.is_some() && rec.provider_complaint_first() && t.received.is_none() {
        actions.push(action(RequestAction::MarkOutcome, "mark-outcome"));
    }
    actions.push(action(RequestAction::Delete, "delete"));
    let letter = |k: LetterKind, key: &str| LetterItem {
        kind: k,
        label: m(&format!("request-letter-{key}"), &[]),
    };
    let mut letters = Vec::new();
    if rec.answers.is_some() {
        letters.push(letter(LetterKind::Request, "request"));
    }
    if matches!(next, NextStep::FollowUp) || t.follow_up_on.is_some() {
        letters.push(letter(LetterKind::FollowUp, "follow-up"));
    }
    if matches!(next, NextStep::Complaint { .. }) || t.complaint_on.is_some() {
        letters.push(letter(LetterKind::Complaint, "complaint"));
    }
    RequestItem {
        id: id.to_string(),
        provider,
        law: jurisdiction
            .map(|j| m(&format!("request-law-{}", j.code()), &[]))
            .unwrap_or_default(),
        state,
        state_label: m(&format!("request-state-{}", status.code()), &[]),
        sent: t
            .sent
            .map(|s| m("request-list-sent", &[("date", Arg::Text(&date_arg(s.on)))])),
        due: due.filter(|_| !settled).map(|d| {
            let id = if today > d {
                "request-list-was-due"
            } else {
                "request-list-due"
            };
            m(id, &[("date", Arg::Text(&date_arg(d)))])
        }),
        due_date: due.map(|d| d.to_string()),
        next: match next {
            NextStep::Finish => NextKind::Finish,
            NextStep::Send => NextKind::Send,
            NextStep::Wait { .. } => NextKind::Wait,
            NextStep::DueSoon { .. } => NextKind::DueSoon,
            NextStep::DueToday { .. } => NextKind::DueToday,
            NextStep::FollowUp => NextKind::FollowUp,
            NextStep::AwaitFollowUp { .. } => NextKind::AwaitFollowUp,
            NextStep::Complaint { .. } => NextKind::Complaint,
            NextStep::Done => NextKind::Done,
        },
        next_text,
        actions,
        letters,
    }
}
