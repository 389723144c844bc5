//! Request your images (core `screens::request`): the wizard, the list of requests, and the
//! clock they count days by.

use std::sync::{Arc, Mutex};

use scanpass_core::request::dates::parse_iso;
use scanpass_core::request::flow::{Clock, FixedClock, SystemClock};
use scanpass_core::screens::request as core;
use scanpass_core::text::Language;

use super::Result;
use crate::error::ScanpassError;
use crate::error::Speak;
use crate::library::Vault;

/// Where the request screens take today's date from: the device's clock, or a date the app (or
/// a test) sets and moves.
#[derive(uniffi::Object)]
pub struct RequestClock {
    fixed: Option<Arc<FixedClock>>,
}

impl RequestClock {
    fn clock(&self) -> Arc<dyn Clock> {
        match &self.fixed {
            Some(f) => f.clone(),
            None => Arc::new(SystemClock),
        }
    }
}

#[uniffi::export]
impl RequestClock {
    /// The device's clock (its UTC date).
    #[uniffi::constructor]
    pub fn system() -> Arc<Self> {
        Arc::new(RequestClock { fixed: None })
    }

    /// A clock stopped at `today` (`YYYY-MM-DD`). Errors: `InvalidInput` for another form.
    #[uniffi::constructor]
    pub fn fixed(today: String) -> Result<Arc<Self>> {
        Ok(Arc::new(RequestClock {
            fixed: Some(Arc::new(FixedClock::new(
                parse_iso(&today).ok_or_else(|| not_a_date(&today))?,
            ))),
        }))
    }

    /// Move a fixed clock to `today` (`YYYY-MM-DD`); the screens made with it count from then
    /// on their next view. Errors: `InvalidInput` for another form, or on the system clock.
    pub fn set(&self, today: String) -> Result<()> {
        let d = parse_iso(&today).ok_or_else(|| not_a_date(&today))?;
        self.fixed
            .as_ref()
            .ok_or_else(|| {
                ScanpassError::from(scanpass_core::Error::InvalidArgument(
                    "the system clock cannot be set".into(),
                ))
            })?
            .set(d);
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FieldKind {
    Text,
    Multiline,
    Date,
    Email,
    Phone,
    Toggle,
    Choice,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChoiceItem {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WizardField {
    pub id: String,
    pub kind: FieldKind,
    pub label: String,
    pub hint: Option<String>,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
    pub choices: Vec<ChoiceItem>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReviewItem {
    pub step: String,
    pub label: String,
    pub value: String,
    pub edit_label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum WizardEvent {
    SetText { field: String, value: String },
    SetToggle { field: String, on: bool },
    Choose { field: String, code: String },
    Next,
    Back,
    Edit { step: String },
    Generate,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WizardView {
    pub step: String,
    pub number: u32,
    pub count: u32,
    pub progress: String,
    pub title: String,
    pub help: String,
    pub fields: Vec<WizardField>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub review: Vec<ReviewItem>,
    pub can_back: bool,
    pub can_next: bool,
    pub can_generate: bool,
    pub back_label: String,
    pub next_label: String,
    pub generate_label: String,
    pub request_id: Option<String>,
    pub finished: bool,
    pub save_letter_label: String,
}

impl From<WizardEvent> for core::WizardEvent {
    fn from(e: WizardEvent) -> Self {
        match e {
            WizardEvent::SetText { field, value } => core::WizardEvent::SetText { field, value },
            WizardEvent::SetToggle { field, on } => core::WizardEvent::SetToggle { field, on },
            WizardEvent::Choose { field, code } => core::WizardEvent::Choose { field, code },
            WizardEvent::Next => core::WizardEvent::Next,
            WizardEvent::Back => core::WizardEvent::Back,
            WizardEvent::Edit { step } => core::WizardEvent::Edit { step },
            WizardEvent::Generate => core::WizardEvent::Generate,
        }
    }
}

impl From<core::FieldKind> for FieldKind {
    fn from(k: core::FieldKind) -> Self {
        match k {
            core::FieldKind::Text => FieldKind::Text,
            core::FieldKind::Multiline => FieldKind::Multiline,
            core::FieldKind::Date => FieldKind::Date,
            core::FieldKind::Email => FieldKind::Email,
            core::FieldKind::Phone => FieldKind::Phone,
            core::FieldKind::Toggle => FieldKind::Toggle,
            core::FieldKind::Choice => FieldKind::Choice,
        }
    }
}

impl From<core::WizardScreenView> for WizardView {
    fn from(v: core::WizardScreenView) -> Self {
        WizardView {
            step: v.step,
            number: v.number,
            count: v.count,
            progress: v.progress,
            title: v.title,
            help: v.help,
            fields: v
                .fields
                .into_iter()
                .map(|f| WizardField {
                    id: f.id,
                    kind: f.kind.into(),
                    label: f.label,
                    hint: f.hint,
                    required: f.required,
                    value: f.value,
                    error: f.error,
                    choices: f
                        .choices
                        .into_iter()
                        .map(|c| ChoiceItem {
                            code: c.code,
                            label: c.label,
                        })
                        .collect(),
                })
                .collect(),
            errors: v.errors,
            warnings: v.warnings,
            review: v
                .review
                .into_iter()
                .map(|r| ReviewItem {
                    step: r.step,
                    label: r.label,
                    value: r.value,
                    edit_label: r.edit_label,
                })
                .collect(),
            can_back: v.can_back,
            can_next: v.can_next,
            can_generate: v.can_generate,
            back_label: v.back_label,
            next_label: v.next_label,
            generate_label: v.generate_label,
            request_id: v.request_id,
            finished: v.finished,
            save_letter_label: v.save_letter_label,
        }
    }
}

/// The request wizard. Its calls block on the vault (milliseconds): call them off the main
/// thread.
#[derive(uniffi::Object)]
pub struct RequestWizard(Mutex<core::RequestWizard>);

#[uniffi::export]
impl RequestWizard {
    /// A new request, in `locale` (the platform's tag, such as `fr-CA`); stored as a draft on
    /// its first change.
    #[uniffi::constructor]
    pub fn new(vault: Arc<Vault>, locale: String, clock: Arc<RequestClock>) -> Arc<Self> {
        Arc::new(RequestWizard(Mutex::new(core::RequestWizard::new(
            vault.inner.clone(),
            Language::from_locale(&locale),
            clock.clock(),
        ))))
    }

    /// The unfinished request `id` where it stopped. Errors: `NotFound`; `InvalidInput` when it
    /// is finished.
    #[uniffi::constructor]
    pub fn resume(
        vault: Arc<Vault>,
        locale: String,
        clock: Arc<RequestClock>,
        id: String,
    ) -> Result<Arc<Self>> {
        let lang = Language::from_locale(&locale);
        Ok(Arc::new(RequestWizard(Mutex::new(
            core::RequestWizard::resume(vault.inner.clone(), lang, clock.clock(), &id)
                .speak(lang)?,
        ))))
    }

    /// What to draw now. Blocks.
    pub fn view(&self) -> Result<WizardView> {
        let screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.view().speak(screen.language())?.into())
    }

    /// Apply what the patient did; returns the view to draw next (a refused `Next` carries the
    /// fields' errors). Blocks.
    pub fn handle(&self, event: WizardEvent) -> Result<WizardView> {
        let mut screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.handle(event.into()).speak(screen.language())?.into())
    }

    /// The request letter as PDF bytes, once `finished`. Blocks.
    pub fn letter_pdf(&self) -> Result<Vec<u8>> {
        let screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        screen.letter_pdf().speak(screen.language())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RequestState {
    Draft,
    Ready,
    Sent,
    Extended,
    Overdue,
    Received,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LetterKind {
    Request,
    FollowUp,
    Complaint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RequestAction {
    Resume,
    MarkSent,
    MarkAcknowledged,
    MarkExtended,
    MarkReceived,
    MarkRefused,
    MarkOutcome,
    Delete,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ActionItem {
    pub action: RequestAction,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LetterItem {
    pub kind: LetterKind,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RequestItem {
    pub id: String,
    pub provider: String,
    pub law: String,
    pub state: RequestState,
    pub state_label: String,
    pub sent: Option<String>,
    pub due: Option<String>,
    pub due_date: Option<String>,
    pub next: NextKind,
    pub next_text: String,
    pub actions: Vec<ActionItem>,
    pub letters: Vec<LetterItem>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RequestsView {
    pub items: Vec<RequestItem>,
    pub empty: Option<String>,
    pub notices: Vec<String>,
    pub problem: Option<String>,
    pub title: String,
    pub new_label: String,
}

/// Dates are `YYYY-MM-DD`; none: today.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum RequestsEvent {
    MarkSent {
        id: String,
        on: Option<String>,
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

impl From<RequestsEvent> for core::RequestsEvent {
    fn from(e: RequestsEvent) -> Self {
        use core::RequestsEvent as C;
        match e {
            RequestsEvent::MarkSent { id, on, channel } => C::MarkSent { id, on, channel },
            RequestsEvent::MarkAcknowledged { id, on } => C::MarkAcknowledged { id, on },
            RequestsEvent::MarkExtended { id, on, until } => C::MarkExtended { id, on, until },
            RequestsEvent::MarkReceived { id, on, study_id } => {
                C::MarkReceived { id, on, study_id }
            }
            RequestsEvent::MarkRefused { id, on } => C::MarkRefused { id, on },
            RequestsEvent::MarkOutcome { id, on } => C::MarkOutcome { id, on },
            RequestsEvent::Delete { id } => C::Delete { id },
        }
    }
}

fn letter_kind(k: LetterKind) -> core::LetterKind {
    match k {
        LetterKind::Request => core::LetterKind::Request,
        LetterKind::FollowUp => core::LetterKind::FollowUp,
        LetterKind::Complaint => core::LetterKind::Complaint,
    }
}

impl From<core::RequestItem> for RequestItem {
    fn from(i: core::RequestItem) -> Self {
        RequestItem {
            id: i.id,
            provider: i.provider,
            law: i.law,
            state: match i.state {
                core::RequestState::Draft => RequestState::Draft,
                core::RequestState::Ready => RequestState::Ready,
                core::RequestState::Sent => RequestState::Sent,
                core::RequestState::Extended => RequestState::Extended,
                core::RequestState::Overdue => RequestState::Overdue,
                core::RequestState::Received => RequestState::Received,
                core::RequestState::Refused => RequestState::Refused,
            },
            state_label: i.state_label,
            sent: i.sent,
            due: i.due,
            due_date: i.due_date,
            next: match i.next {
                core::NextKind::Finish => NextKind::Finish,
                core::NextKind::Send => NextKind::Send,
                core::NextKind::Wait => NextKind::Wait,
                core::NextKind::DueSoon => NextKind::DueSoon,
                core::NextKind::DueToday => NextKind::DueToday,
                core::NextKind::FollowUp => NextKind::FollowUp,
                core::NextKind::AwaitFollowUp => NextKind::AwaitFollowUp,
                core::NextKind::Complaint => NextKind::Complaint,
                core::NextKind::Done => NextKind::Done,
            },
            next_text: i.next_text,
            actions: i
                .actions
                .into_iter()
                .map(|a| ActionItem {
                    action: match a.action {
                        core::RequestAction::Resume => RequestAction::Resume,
                        core::RequestAction::MarkSent => RequestAction::MarkSent,
                        core::RequestAction::MarkAcknowledged => RequestAction::MarkAcknowledged,
                        core::RequestAction::MarkExtended => RequestAction::MarkExtended,
                        core::RequestAction::MarkReceived => RequestAction::MarkReceived,
                        core::RequestAction::MarkRefused => RequestAction::MarkRefused,
                        core::RequestAction::MarkOutcome => RequestAction::MarkOutcome,
                        core::RequestAction::Delete => RequestAction::Delete,
                    },
                    label: a.label,
                })
                .collect(),
            letters: i
                .letters
                .into_iter()
                .map(|l| LetterItem {
                    kind: match l.kind {
                        core::LetterKind::Request => LetterKind::Request,
                        core::LetterKind::FollowUp => LetterKind::FollowUp,
                        core::LetterKind::Complaint => LetterKind::Complaint,
                    },
                    label: l.label,
                })
                .collect(),
        }
    }
}

impl From<core::RequestsView> for RequestsView {
    fn from(v: core::RequestsView) -> Self {
        RequestsView {
            items: v.items.into_iter().map(Into::into).collect(),
            empty: v.empty,
            notices: v.notices,
            problem: v.problem,
            title: v.title,
            new_label: v.new_label,
        }
    }
}

/// The list of requests. Its calls block on the vault (milliseconds): call them off the main
/// thread.
#[derive(uniffi::Object)]
pub struct RequestsScreen(Mutex<core::RequestsScreen>);

#[uniffi::export]
impl RequestsScreen {
    #[uniffi::constructor]
    pub fn new(vault: Arc<Vault>, locale: String, clock: Arc<RequestClock>) -> Arc<Self> {
        Arc::new(RequestsScreen(Mutex::new(core::RequestsScreen::new(
            vault.inner.clone(),
            Language::from_locale(&locale),
            clock.clock(),
        ))))
    }

    /// What to draw now. Blocks.
    pub fn view(&self) -> Result<RequestsView> {
        let screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.view().speak(screen.language())?.into())
    }

    /// Apply what the patient did; a refused action comes back in the view's `problem`. Blocks.
    pub fn handle(&self, event: RequestsEvent) -> Result<RequestsView> {
        let mut screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Ok(screen.handle(event.into()).speak(screen.language())?.into())
    }

    /// A letter of request `id` as PDF bytes (making the follow-up or complaint records it).
    /// Errors: `InvalidInput` when that letter is not offered (see `letters`). Blocks.
    pub fn letter_pdf(&self, id: String, kind: LetterKind) -> Result<Vec<u8>> {
        let screen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        screen
            .letter_pdf(&id, letter_kind(kind))
            .speak(screen.language())
    }
}

fn not_a_date(text: &str) -> ScanpassError {
    scanpass_core::Error::InvalidArgument(format!("{text:?} is not a date as YYYY-MM-DD")).into()
}
