//! What a shell does with a request, once for every shell: the app's request screens
//! ([`crate::screens::request`]) and `scanpass request` call these, so that neither decides
//! anything. Start and save a draft, store the finished request, read an answers file, record
//! what happened (with the default channel), make the follow-up and complaint letters (recording
//! them), and say what to do next against today's date.
//!
//! Nothing here reads a clock: callers pass today's date (see [`Clock`]).

use std::fmt;
use std::sync::Mutex;

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::answers::{self, join, Answers, FieldError};
use super::letter::{self, Letter};
use super::tracking::{Channel, Mark, RequestRecord, Status};
use super::wizard::{Effect, Wizard};
use crate::vault::Vault;

/// Where today's date comes from: the device's clock, or a date a test (or the bindings
/// scenario, or `SCANPASS_TODAY`) sets.
pub trait Clock: Send + Sync {
    fn today(&self) -> NaiveDate;
}

/// The system clock's date (UTC: a phone app that wants its local date passes a [`FixedClock`]
/// it moves at midnight, or the shell's own clock).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn today(&self) -> NaiveDate {
        DateTime::<Utc>::from(std::time::SystemTime::now()).date_naive()
    }
}

/// A date that only moves when told to.
#[derive(Debug)]
pub struct FixedClock(Mutex<NaiveDate>);

impl FixedClock {
    pub fn new(today: NaiveDate) -> Self {
        FixedClock(Mutex::new(today))
    }
    pub fn set(&self, today: NaiveDate) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = today;
    }
}

impl Clock for FixedClock {
    fn today(&self) -> NaiveDate {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Why a request action did not happen: the patient's answers or the request's state
/// (`Refused`, each error naming a field, never its value), or the vault.
#[derive(Debug)]
pub enum RequestError {
    Refused(Vec<FieldError>),
    Vault(crate::Error),
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Refused(e) => f.write_str(&join(e)),
            RequestError::Vault(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RequestError {}

impl From<crate::Error> for RequestError {
    fn from(e: crate::Error) -> Self {
        RequestError::Vault(e)
    }
}

impl From<FieldError> for RequestError {
    fn from(e: FieldError) -> Self {
        RequestError::Refused(vec![e])
    }
}

impl From<RequestError> for crate::Error {
    fn from(e: RequestError) -> Self {
        match e {
            RequestError::Vault(e) => e,
            RequestError::Refused(e) => crate::Error::InvalidArgument(join(&e)),
        }
    }
}

pub type Result<T> = std::result::Result<T, RequestError>;

/// How a request is assumed sent when the patient does not say: by email when the provider has
/// one, else by fax, else by post.
pub fn default_channel(a: Option<&Answers>) -> Channel {
    match a {
        Some(a) if !a.provider.email.trim().is_empty() => Channel::Email,
        Some(a) if !a.provider.fax.trim().is_empty() => Channel::Fax,
        _ => Channel::Post,
    }
}

/// The `Sent` mark, with the default channel when none is given.
pub fn sent(rec: &RequestRecord, on: NaiveDate, channel: Option<Channel>) -> Mark {
    Mark::Sent {
        on,
        channel: channel.unwrap_or_else(|| default_channel(rec.answers.as_ref())),
    }
}

/// A new wizard, stored at once as a draft; returns its id.
pub fn start(vault: &Vault, today: NaiveDate) -> Result<(String, Wizard)> {
    let w = Wizard::new(today);
    let id = vault.create_request(&RequestRecord::draft(w.clone(), today))?;
    Ok((id, w))
}

/// The draft of request `id`, to resume on `today`.
pub fn resume(vault: &Vault, id: &str, today: NaiveDate) -> Result<Wizard> {
    match vault.request(id)?.wizard {
        Some(w) if w.step() != super::wizard::Step::Done => Ok(w.resume(today)),
        _ => Err(FieldError::new("status", "this request is already finished").into()),
    }
}

/// Perform the wizard's effects: save the draft (stored on its first save when `id` is None),
/// store the finished request in its place. Returns the request's id (None when there was
/// nothing to store) and the finished record.
pub fn perform(
    vault: &Vault,
    id: Option<&str>,
    wizard: &Wizard,
    effects: Vec<Effect>,
    today: NaiveDate,
) -> Result<(Option<String>, Option<RequestRecord>)> {
    let mut id = id.map(str::to_string);
    let mut finished = None;
    for fx in effects {
        let rec = match fx {
            Effect::Save => {
                let mut rec = match &id {
                    Some(i) => vault.request(i)?,
                    None => RequestRecord::draft(wizard.clone(), today),
                };
                if rec.answers.is_some() {
                    continue; // already finished: the record replaced the draft
                }
                rec.wizard = Some(wizard.clone());
                rec.created_on = rec.created_on.min(today);
                rec
            }
            Effect::Generated(a) => {
                let rec = RequestRecord::new(*a, today);
                finished = Some(rec.clone());
                rec
            }
        };
        match &id {
            Some(i) => vault.update_request(i, &rec)?,
            None => id = Some(vault.create_request(&rec)?),
        }
    }
    Ok((id, finished))
}

/// A request from an answers file (`scanpass request new --answers`): validated, marked sent
/// and acknowledged when the file says so, stored. Returns its id, the record and the warnings
/// the patient should read.
pub fn from_answers_file(
    vault: &Vault,
    bytes: &[u8],
    today: NaiveDate,
) -> Result<(String, RequestRecord, Vec<String>)> {
    let parsed = answers::from_json(bytes, today).map_err(RequestError::Refused)?;
    let warnings = parsed.answers.warnings();
    let mut rec = RequestRecord::new(parsed.answers, today);
    if let Some(on) = parsed.sent_on {
        let m = sent(&rec, on, parsed.channel);
        rec.mark(m, today)?;
    }
    if let Some(on) = parsed.acknowledged_on {
        rec.mark(Mark::Acknowledged { on }, today)?;
    }
    let id = vault.create_request(&rec)?;
    Ok((id, rec, warnings))
}

/// Record what happened to request `id`; returns the record and the notes for the patient (an
/// extension capped at the legal limit, a notice that came too late).
pub fn mark(
    vault: &Vault,
    id: &str,
    mark: Mark,
    today: NaiveDate,
) -> Result<(RequestRecord, Vec<String>)> {
    let mut rec = vault.request(id)?;
    let notes = rec.mark(mark, today)?;
    vault.update_request(id, &rec)?;
    Ok((rec, notes))
}

/// The request letter: dated `date`, else the day it was marked sent, else today.
pub fn request_letter(
    rec: &RequestRecord,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Letter> {
    let Some(a) = &rec.answers else {
        return Err(
            FieldError::new("status", "this request is not finished: finish it first").into(),
        );
    };
    let date = date.unwrap_or_else(|| rec.tracking.sent.map(|s| s.on).unwrap_or(today));
    Ok(letter::request_letter(a, date))
}

/// The follow-up letter of request `id`, dated `date`, else as first made, else today; a new
/// date is recorded as the follow-up's (it moves the complaint's date).
pub fn follow_up(
    vault: &Vault,
    id: &str,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(RequestRecord, Letter)> {
    let mut rec = vault.request(id)?;
    let on = date.or(rec.tracking.follow_up_on).unwrap_or(today);
    if rec.tracking.follow_up_on != Some(on) {
        rec.follow_up(on, today)?;
        vault.update_request(id, &rec)?;
    }
    let l = letter::follow_up_letter(&rec, on)?;
    Ok((rec, l))
}

/// The complaint draft of request `id`, dated `date`, else as first made, else today; with the
/// authority the patient chose (EU: name and address, lines separated by `;` or new lines).
pub fn complaint(
    vault: &Vault,
    id: &str,
    authority: Option<&str>,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(RequestRecord, Letter)> {
    let mut rec = vault.request(id)?;
    let mut changed = false;
    if let (Some(auth), Some(a)) = (authority, rec.answers.as_mut()) {
        let auth = auth.replace(';', "\n").trim().to_string();
        let e = answers::validate_extras(a.jurisdiction, &auth, None, today);
        if !e.is_empty() {
            return Err(RequestError::Refused(e));
        }
        a.provider.authority = auth;
        changed = true;
    }
    let on = date.or(rec.tracking.complaint_on).unwrap_or(today);
    if rec.tracking.complaint_on != Some(on) {
        rec.complaint(on, today)?;
        changed = true;
    }
    let l = letter::complaint_letter(&rec, on)?;
    if changed {
        vault.update_request(id, &rec)?;
    }
    Ok((rec, l))
}

/// What the patient should do next about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// The wizard is not finished.
    Finish,
    /// The letter is ready: send it, then mark the request sent.
    Send,
    /// Nothing to do before the due date.
    Wait { due: NaiveDate },
    /// The due date is within a week.
    DueSoon { due: NaiveDate },
    /// The due date is today.
    DueToday { due: NaiveDate },
    /// The due date passed (or, where the authority expects it, a refusal came): send the
    /// follow-up letter.
    FollowUp,
    /// The follow-up went: the provider has until `until` before the complaint.
    AwaitFollowUp { until: NaiveDate },
    /// The complaint draft is ready; `by` is the last day to complain, where the law sets one.
    Complaint { by: Option<NaiveDate> },
    /// Nothing left to do: the images came, or the complaint was made, or the request was
    /// refused where nothing follows.
    Done,
}

impl NextStep {
    /// The code the CLI prints and the apps' icons key on.
    pub fn code(self) -> &'static str {
        match self {
            NextStep::Finish => "finish",
            NextStep::Send => "send",
            NextStep::Wait { .. } => "wait",
            NextStep::DueSoon { .. } => "due-soon",
            NextStep::DueToday { .. } => "due-today",
            NextStep::FollowUp => "follow-up",
            NextStep::AwaitFollowUp { .. } => "await-follow-up",
            NextStep::Complaint { .. } => "complaint",
            NextStep::Done => "done",
        }
    }
}

/// What to do next about `rec` on `today`.
pub fn next_step(rec: &RequestRecord, today: NaiveDate) -> NextStep {
    let t = &rec.tracking;
    let status = rec.status(today);
    match status {
        Status::Draft => return NextStep::Finish,
        Status::Ready => return NextStep::Send,
        Status::Received => return NextStep::Done,
        _ => {}
    }
    if t.complaint_on.is_some() {
        return NextStep::Done;
    }
    if let Some(ready) = rec.complaint_ready_on() {
        return if today >= ready {
            NextStep::Complaint {
                by: rec.complaint_by(),
            }
        } else {
            NextStep::AwaitFollowUp { until: ready }
        };
    }
    match status {
        Status::Overdue => NextStep::FollowUp,
        Status::Refused if rec.provider_complaint_first() => NextStep::FollowUp,
        Status::Refused => NextStep::Done,
        _ => match rec.due_on() {
            Some(due) if today == due => NextStep::DueToday { due },
            Some(due)
                if due
                    .checked_sub_days(Days::new(7))
                    .is_some_and(|w| today >= w) =>
            {
                NextStep::DueSoon { due }
            }
            Some(due) => NextStep::Wait { due },
            None => NextStep::Send,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::answers::{Delivery, Format, Patient, Provider, Studies};
    use crate::request::dates::parse_iso;
    use crate::request::{Jurisdiction, Language};

    fn d(s: &str) -> NaiveDate {
        parse_iso(s).unwrap()
    }

    fn rec(email: &str, fax: &str) -> RequestRecord {
        RequestRecord::new(
            Answers {
                jurisdiction: Jurisdiction::Eu,
                language: Language::En,
                provider: Provider {
                    name: "P".into(),
                    address: "1 Street".into(),
                    email: email.into(),
                    fax: fax.into(),
                    ..Provider::default()
                },
                patient: Patient {
                    name: "N".into(),
                    date_of_birth: "1970-01-01".into(),
                    email: "n@example.net".into(),
                    ..Patient::default()
                },
                studies: Studies {
                    all: true,
                    ..Studies::default()
                },
                format: Format::DicomDownload,
                delivery: Delivery::Patient,
            },
            d("2025-01-01"),
        )
    }

    #[test]
    fn the_default_channel_follows_what_the_provider_gave() {
        assert_eq!(
            default_channel(rec("r@x.org", "").answers.as_ref()),
            Channel::Email
        );
        assert_eq!(
            default_channel(rec("", "+1 555 0100").answers.as_ref()),
            Channel::Fax
        );
        assert_eq!(default_channel(rec("", "").answers.as_ref()), Channel::Post);
        assert_eq!(default_channel(None), Channel::Post);
    }

    #[test]
    fn next_step_walks_a_request_through_its_dates() {
        let mut r = rec("r@x.org", "");
        let today = d("2025-01-31");
        assert_eq!(next_step(&r, today), NextStep::Send);
        r.mark(sent(&r, today, None), today).unwrap();
        let due = r.due_on().unwrap();
        assert_eq!(
            due,
            d("2025-02-28"),
            "EU: one month from receipt (email: same day)"
        );
        assert_eq!(next_step(&r, today), NextStep::Wait { due });
        assert_eq!(next_step(&r, d("2025-02-21")), NextStep::DueSoon { due });
        assert_eq!(next_step(&r, due), NextStep::DueToday { due });
        let late = d("2025-03-03");
        assert_eq!(next_step(&r, late), NextStep::FollowUp);
        r.follow_up(late, late).unwrap();
        let until = r.complaint_ready_on().unwrap();
        assert_eq!(next_step(&r, late), NextStep::AwaitFollowUp { until });
        assert!(matches!(next_step(&r, until), NextStep::Complaint { .. }));
        r.complaint(until, until).unwrap();
        assert_eq!(next_step(&r, until), NextStep::Done);
    }
}
