//! One request as stored, and its tracking: sent (date, channel) → receipt (recorded by the
//! patient, else assumed from the channel) → due date from the rule, counted from receipt →
//! extension notice (within the legal limit) → received (linked to the imported study) or refused;
//! reminders a week before and on the due date; overdue → follow-up letter (a complaint to the
//! provider where the authority expects one first, and its outcome) → complaint draft.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::answers::{Answers, FieldError};
use super::dates::{deadline, Period};
use super::problem::Problem;
use super::rules::Rule;
use super::wizard::Wizard;

/// How long the follow-up letter gives the provider before a complaint.
pub const FOLLOW_UP_DAYS: u64 = 14;

/// How the request was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    Email,
    Post,
    Fax,
    Portal,
    InPerson,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Post => "post",
            Channel::Fax => "fax",
            Channel::Portal => "portal",
            Channel::InPerson => "in-person",
        }
    }
    /// The days a request sent this way is assumed to take to reach the provider, until the
    /// patient records the date of receipt or acknowledgement. Every law counts from receipt: an
    /// email, fax, portal form or letter handed in arrives the day it is sent; a letter is
    /// allowed 7 calendar days (slower than first-class or domestic standard post in each of the
    /// six jurisdictions, so that a follow-up is never early).
    pub fn assumed_delivery_days(self) -> u64 {
        match self {
            Channel::Post => 7,
            Channel::Email | Channel::Fax | Channel::Portal | Channel::InPerson => 0,
        }
    }

    pub fn from_code(s: &str) -> Option<Channel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "email" | "e-mail" => Some(Channel::Email),
            "post" | "mail" | "letter" => Some(Channel::Post),
            "fax" => Some(Channel::Fax),
            "portal" | "web" | "form" => Some(Channel::Portal),
            "in-person" | "in person" | "hand" => Some(Channel::InPerson),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub on: NaiveDate,
    pub channel: Channel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// When the provider's notice came.
    pub noticed_on: NaiveDate,
    /// The due date it sets (never past the legal limit).
    pub until: NaiveDate,
    /// Whether the notice came in time to extend (else the original due date stands).
    pub in_time: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    pub on: NaiveDate,
    /// The vault study the images were imported as, when known.
    pub study_id: Option<String>,
}

/// What happened to a request, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tracking {
    pub sent: Option<Sent>,
    /// The day the provider received the request, as the patient knows it (an acknowledgement, a
    /// delivery receipt). Until then receipt is assumed from the channel.
    pub acknowledged_on: Option<NaiveDate>,
    pub extension: Option<Extension>,
    pub received: Option<Received>,
    pub refused_on: Option<NaiveDate>,
    pub follow_up_on: Option<NaiveDate>,
    /// Where the follow-up is a complaint to the provider: the day the provider told the patient
    /// its outcome (which did not settle the request).
    pub outcome_on: Option<NaiveDate>,
    pub complaint_on: Option<NaiveDate>,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The wizard is not finished.
    Draft,
    /// The letter is ready but not marked sent.
    Ready,
    Sent,
    /// The provider extended the time limit (in time) and the new date has not passed.
    Extended,
    /// The due date has passed without images or a decision.
    Overdue,
    Received,
    Refused,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Ready => "ready",
            Status::Sent => "sent",
            Status::Extended => "extended",
            Status::Overdue => "overdue",
            Status::Received => "received",
            Status::Refused => "refused",
        }
    }
}

/// A tracking event from the patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    Sent {
        on: NaiveDate,
        channel: Channel,
    },
    /// The provider received the request on `on` (its acknowledgement, a delivery receipt).
    Acknowledged {
        on: NaiveDate,
    },
    /// The provider answered the complaint the follow-up made, without settling the request.
    Outcome {
        on: NaiveDate,
    },
    /// An extension notice; `until` is the date the provider gave, if any.
    Extended {
        on: NaiveDate,
        until: Option<NaiveDate>,
    },
    Received {
        on: NaiveDate,
        study_id: Option<String>,
    },
    Refused {
        on: NaiveDate,
    },
}

/// A reminder the shell schedules (a notification on a phone, a line in `request list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub on: NaiveDate,
    pub kind: ReminderKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReminderKind {
    /// A week before the due date.
    DueInAWeek,
    /// On the due date.
    DueToday,
    /// The day after: time for the follow-up letter.
    FollowUp,
    /// The follow-up's time is up: the complaint draft is ready.
    Complaint,
}

/// One request as stored in the vault (encrypted in the index).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// The format of this record (1).
    pub version: u32,
    pub created_on: NaiveDate,
    /// While the wizard is unfinished: its state, to resume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wizard: Option<Wizard>,
    /// Once the wizard is finished: the answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<Answers>,
    #[serde(default)]
    pub tracking: Tracking,
}

/// A request as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestSummary {
    pub id: String,
    pub provider: Option<String>,
    pub jurisdiction: Option<String>,
    pub status: String,
    pub sent_on: Option<NaiveDate>,
    /// The day the provider received the request: recorded, or assumed from the channel.
    pub receipt_on: Option<NaiveDate>,
    /// Whether `receipt_on` is assumed (no acknowledgement recorded yet).
    pub receipt_assumed: bool,
    pub due_on: Option<NaiveDate>,
    /// The latest date an extension could set (None before sending, or without a legal
    /// extension).
    pub extension_limit: Option<NaiveDate>,
    pub received_on: Option<NaiveDate>,
    pub study_id: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    /// When the complaint draft becomes available, once a follow-up was made.
    pub complaint_ready_on: Option<NaiveDate>,
    /// The last day to complain, where the rule sets one.
    pub complaint_by: Option<NaiveDate>,
    /// The next reminder on or after today.
    pub next_reminder: Option<Reminder>,
    pub reminders: Vec<Reminder>,
}

fn err(field: &str, problem: Problem) -> FieldError {
    FieldError::of(field, problem)
}

fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

impl RequestRecord {
    /// A finished request, not yet sent.
    pub fn new(answers: Answers, created_on: NaiveDate) -> Self {
        RequestRecord {
            version: 1,
            created_on,
            wizard: None,
            answers: Some(answers),
            tracking: Tracking::default(),
        }
    }

    /// An unfinished request: the wizard's state.
    pub fn draft(wizard: Wizard, created_on: NaiveDate) -> Self {
        RequestRecord {
            version: 1,
            created_on,
            wizard: Some(wizard),
            answers: None,
            tracking: Tracking::default(),
        }
    }

    /// The rule, once the jurisdiction is known.
    pub fn rule(&self) -> Option<&'static Rule> {
        self.answers.as_ref().map(|a| a.jurisdiction.rule())
    }

    /// The day the provider received the request: as recorded, else the day sent plus the
    /// channel's assumed delivery days.
    pub fn receipt_on(&self) -> Option<NaiveDate> {
        let sent = self.tracking.sent?;
        Some(
            self.tracking
                .acknowledged_on
                .unwrap_or_else(|| add_days(sent.on, sent.channel.assumed_delivery_days())),
        )
    }

    /// Whether the day of receipt is assumed rather than recorded.
    pub fn receipt_assumed(&self) -> bool {
        self.tracking.acknowledged_on.is_none()
    }

    /// The due date under the rule before any extension, counted from receipt.
    pub fn original_due(&self) -> Option<NaiveDate> {
        let rule = self.rule()?;
        deadline(self.receipt_on()?, rule.deadline, rule.roll)
    }

    /// The latest due date an extension can set.
    pub fn extension_limit(&self) -> Option<NaiveDate> {
        let rule = self.rule()?;
        let ext = rule.extension?;
        deadline(self.receipt_on()?, rule.deadline.plus(ext), rule.roll)
    }

    /// The due date now in force.
    pub fn due_on(&self) -> Option<NaiveDate> {
        match self.tracking.extension {
            Some(e) if e.in_time => Some(e.until),
            _ => self.original_due(),
        }
    }

    pub fn status(&self, today: NaiveDate) -> Status {
        let t = &self.tracking;
        if self.answers.is_none() {
            return Status::Draft;
        }
        if t.received.is_some() {
            return Status::Received;
        }
        if t.refused_on.is_some() {
            return Status::Refused;
        }
        let Some(due) = self.due_on() else {
            return Status::Ready;
        };
        if today > due {
            Status::Overdue
        } else if t.extension.is_some_and(|e| e.in_time) {
            Status::Extended
        } else {
            Status::Sent
        }
    }

    /// How long the follow-up gives the provider before the complaint draft: the rule's wait
    /// where the follow-up is a complaint to the provider, else [`FOLLOW_UP_DAYS`].
    pub fn follow_up_wait(&self) -> Period {
        self.rule()
            .and_then(|r| r.provider_complaint_wait)
            .unwrap_or(Period::Days(FOLLOW_UP_DAYS as u32))
    }

    /// Whether the authority expects a complaint to the provider first (the follow-up letter),
    /// after a refusal too.
    pub fn provider_complaint_first(&self) -> bool {
        self.rule()
            .is_some_and(|r| r.provider_complaint_wait.is_some())
    }

    /// When the complaint draft is available: once the follow-up's time is up (or the provider
    /// answered the complaint the follow-up made); on a refusal at once, unless the authority
    /// expects the complaint to the provider first.
    pub fn complaint_ready_on(&self) -> Option<NaiveDate> {
        let t = &self.tracking;
        if let Some(r) = t.refused_on {
            if !self.provider_complaint_first() {
                return Some(r);
            }
        }
        let f = t.follow_up_on?;
        let waited = self.follow_up_wait().end_from(f).unwrap_or(f);
        Some(match t.outcome_on {
            Some(o) if self.provider_complaint_first() => o.min(waited),
            _ => waited,
        })
    }

    /// The last day to complain, where the rule sets a limit: counted from the refusal, or from
    /// the day after the due date; or, where the rule says so, from the last contact with the
    /// provider.
    pub fn complaint_by(&self) -> Option<NaiveDate> {
        let rule = self.rule()?;
        let within = rule.complaint_within?;
        let t = &self.tracking;
        let mut from = t.refused_on.or(self.due_on())?;
        if rule.complaint_within_from_last_contact {
            for d in [t.follow_up_on, t.outcome_on].into_iter().flatten() {
                from = from.max(d);
            }
        }
        within.end_from(from)
    }

    /// Every reminder of this request, in date order (none once it is settled).
    pub fn reminders(&self) -> Vec<Reminder> {
        let t = &self.tracking;
        let Some(due) = self.due_on() else {
            return Vec::new();
        };
        if t.received.is_some() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if t.refused_on.is_none() {
            if let Some(week) = due.checked_sub_days(Days::new(7)) {
                if t.sent.is_some_and(|s| week > s.on) {
                    out.push(Reminder {
                        on: week,
                        kind: ReminderKind::DueInAWeek,
                    });
                }
            }
            out.push(Reminder {
                on: due,
                kind: ReminderKind::DueToday,
            });
            out.push(Reminder {
                on: add_days(due, 1),
                kind: ReminderKind::FollowUp,
            });
        }
        if t.refused_on.is_some() && self.provider_complaint_first() && t.follow_up_on.is_none() {
            if let Some(r) = t.refused_on {
                out.push(Reminder {
                    on: r,
                    kind: ReminderKind::FollowUp,
                });
            }
        }
        if let Some(c) = self.complaint_ready_on() {
            if t.complaint_on.is_none() {
                out.push(Reminder {
                    on: c,
                    kind: ReminderKind::Complaint,
                });
            }
        }
        out
    }

    /// The list row.
    pub fn summary(&self, id: &str, today: NaiveDate) -> RequestSummary {
        let reminders = self.reminders();
        let (provider, jurisdiction) = match (&self.answers, &self.wizard) {
            (Some(a), _) => (
                Some(a.provider.name.clone()),
                Some(a.jurisdiction.code().to_string()),
            ),
            (None, Some(w)) => (
                Some(w.draft().provider.name.clone()).filter(|n| !n.is_empty()),
                w.draft().jurisdiction.map(|j| j.code().to_string()),
            ),
            (None, None) => (None, None),
        };
        RequestSummary {
            id: id.to_string(),
            provider,
            jurisdiction,
            status: self.status(today).code().to_string(),
            sent_on: self.tracking.sent.map(|s| s.on),
            receipt_on: self.receipt_on(),
            receipt_assumed: self.receipt_on().is_some() && self.receipt_assumed(),
            due_on: self.due_on(),
            extension_limit: self.extension_limit(),
            received_on: self.tracking.received.as_ref().map(|r| r.on),
            study_id: self
                .tracking
                .received
                .as_ref()
                .and_then(|r| r.study_id.clone()),
            follow_up_on: self.tracking.follow_up_on,
            complaint_ready_on: self.complaint_ready_on(),
            complaint_by: self.complaint_by(),
            next_reminder: reminders.iter().copied().find(|r| r.on >= today),
            reminders,
        }
    }

    /// Record a tracking event. Returns notes for the patient (an extension that came too late,
    /// a date capped at the legal limit).
    pub fn mark(&mut self, mark: Mark, today: NaiveDate) -> Result<Vec<String>, FieldError> {
        let Some(rule) = self.rule() else {
            return Err(err("status", Problem::NotFinished));
        };
        let mut notes = Vec::new();
        let date = match &mark {
            Mark::Sent { on, .. }
            | Mark::Acknowledged { on }
            | Mark::Outcome { on }
            | Mark::Extended { on, .. }
            | Mark::Received { on, .. }
            | Mark::Refused { on } => *on,
        };
        if date > today {
            return Err(err("date", Problem::Future));
        }
        let provider_complaint_first = self.provider_complaint_first();
        let t = &mut self.tracking;
        if let Mark::Outcome { on } = mark {
            // the answer to the complaint the follow-up made: after a refusal too
            if t.received.is_some() {
                return Err(err("status", Problem::ImagesReceived));
            }
            if !provider_complaint_first {
                return Err(err("status", Problem::NoOutcomeAwaited));
            }
            match t.follow_up_on {
                None => return Err(err("status", Problem::FollowUpFirst)),
                Some(f) if on < f => return Err(err("date", Problem::BeforeFollowUp)),
                Some(_) => {}
            }
            t.outcome_on = Some(on);
            return Ok(notes);
        }
        if t.received.is_some() || t.refused_on.is_some() {
            return Err(err("status", Problem::Settled));
        }
        if !matches!(mark, Mark::Sent { .. }) {
            match t.sent {
                None => return Err(err("status", Problem::NotSent)),
                Some(s) if date < s.on => return Err(err("date", Problem::BeforeSent)),
                Some(_) => {}
            }
        }
        match mark {
            Mark::Sent { on, channel } => {
                if t.extension.is_some() || t.follow_up_on.is_some() {
                    return Err(err("status", Problem::SentFixed));
                }
                if let Some(a) = t.acknowledged_on {
                    if a < on {
                        return Err(err("date", Problem::AfterReceipt));
                    }
                }
                t.sent = Some(Sent { on, channel });
            }
            Mark::Acknowledged { on } => {
                if t.follow_up_on.is_some() {
                    return Err(err("status", Problem::ReceiptFixed));
                }
                t.acknowledged_on = Some(on);
                // an extension notice is judged again against the due date from this receipt
                if let Some(e) = self.tracking.extension {
                    let original = self
                        .original_due()
                        .ok_or(err("status", Problem::NoDueDate))?;
                    let limit = self.extension_limit();
                    let in_time =
                        !rule.extension_notice_within_deadline || e.noticed_on <= original;
                    let until = match limit {
                        Some(l) if e.until > l => l,
                        _ => e.until.max(original),
                    };
                    self.tracking.extension = Some(Extension {
                        noticed_on: e.noticed_on,
                        until,
                        in_time,
                    });
                }
            }
            Mark::Outcome { .. } => unreachable!("handled above"),
            Mark::Extended { on, until } => {
                if t.extension.is_some() {
                    return Err(err("status", Problem::AlreadyExtended));
                }
                let original = self
                    .original_due()
                    .ok_or(err("status", Problem::NoDueDate))?;
                let limit = self.extension_limit();
                let in_time = !rule.extension_notice_within_deadline || on <= original;
                let until = match (until, limit) {
                    (Some(u), _) if u < original => return Err(err("until", Problem::BeforeDue)),
                    (Some(u), Some(l)) if u > l => {
                        notes.push(format!(
                            "the law allows an extension to {l} at most: that is the due date now"
                        ));
                        l
                    }
                    (Some(u), _) => u,
                    (None, Some(l)) => l,
                    (None, None) => return Err(err("until", Problem::NoExtensionLaw)),
                };
                if !in_time {
                    notes.push(format!(
                        "the notice came after the due date ({original}): it does not extend the time limit, which stands"
                    ));
                }
                self.tracking.extension = Some(Extension {
                    noticed_on: on,
                    until,
                    in_time,
                });
            }
            Mark::Received { on, study_id } => {
                t.received = Some(Received { on, study_id });
            }
            Mark::Refused { on } => {
                t.refused_on = Some(on);
            }
        }
        Ok(notes)
    }

    /// Record that the follow-up letter goes out `on` (after the due date).
    pub fn follow_up(&mut self, on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
        if on > today {
            return Err(err("date", Problem::Future));
        }
        match self.status(on) {
            Status::Overdue => {}
            Status::Refused if self.provider_complaint_first() => {}
            Status::Received | Status::Refused => return Err(err("status", Problem::Settled)),
            Status::Draft | Status::Ready => return Err(err("status", Problem::NotSent)),
            Status::Sent | Status::Extended => {
                return Err(FieldError::new(
                    "status",
                    "the request is not overdue yet: a follow-up is possible after the due date",
                ))
            }
        }
        self.tracking.follow_up_on = Some(on);
        Ok(())
    }

    /// Record that the complaint draft is made `on`.
    pub fn complaint(&mut self, on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
        if on > today {
            return Err(err("date", Problem::Future));
        }
        if self.tracking.received.is_some() {
            return Err(err("status", Problem::ImagesReceived));
        }
        match self.complaint_ready_on() {
            None if self.provider_complaint_first() => Err(FieldError::new(
                "status",
                "under this law you complain to the provider first: send the follow-up letter (request follow-up)",
            )),
            None => Err(FieldError::new(
                "status",
                "send the follow-up letter first (request follow-up)",
            )),
            Some(ready) if on < ready => Err(FieldError::new(
                "status",
                &if self.provider_complaint_first() {
                    format!(
                        "the authority expects the provider to have had until {ready} to answer your complaint (or its outcome first: `mark outcome`)"
                    )
                } else {
                    format!("the follow-up letter gave the provider until {ready}, which has not passed")
                },
            )),
            Some(_) => {
                self.tracking.complaint_on = Some(on);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::answers::{Delivery, Format, Patient, Provider, Studies};
    use crate::request::dates::parse_iso;
    use crate::request::Jurisdiction;

    fn d(s: &str) -> NaiveDate {
        parse_iso(s).unwrap()
    }

    fn record(j: Jurisdiction) -> RequestRecord {
        RequestRecord::new(
            Answers {
                jurisdiction: j,
                language: crate::request::Language::En,
                provider: Provider {
                    name: "P".into(),
                    email: "r@example.org".into(),
                    ..Provider::default()
                },
                patient: Patient {
                    name: "N".into(),
                    date_of_birth: "1970-01-01".into(),
                    ..Patient::default()
                },
                studies: Studies {
                    all: true,
                    ..Studies::default()
                },
                format: Format::DicomDownload,
                delivery: Delivery::Patient,
            },
            d("2020-01-01"),
        )
    }

    const FAR: &str = "2030-01-01";

    fn sent(j: Jurisdiction, on: &str) -> RequestRecord {
        let mut r = record(j);
        r.mark(
            Mark::Sent {
                on: d(on),
                channel: Channel::Email,
            },
            d(FAR),
        )
        .unwrap();
        r
    }

    /// (jurisdiction, sent, due, latest extended due); checked against an independent
    /// computation (Python's datetime and calendar) when written.
    const CASES: &[(Jurisdiction, &str, &str, Option<&str>)] = {
        use Jurisdiction::*;
        &[
            // HIPAA: 30 calendar days after receipt, + at most 30; weekends do not move it
            (Us, "2025-01-31", "2025-03-02", Some("2025-04-01")),
            (Us, "2024-01-31", "2024-03-01", Some("2024-03-31")),
            (Us, "2025-12-15", "2026-01-14", Some("2026-02-13")),
            // GDPR: one month (1182/71 Art. 3(2)(c)), + two months; Sat/Sun -> Monday (Art. 3(4))
            (Eu, "2025-01-31", "2025-02-28", Some("2025-04-30")),
            (Eu, "2024-01-31", "2024-02-29", Some("2024-04-30")),
            (Eu, "2023-01-31", "2023-02-28", Some("2023-05-01")), // 30 April 2023 is a Sunday
            (Eu, "2025-05-31", "2025-06-30", Some("2025-09-01")), // 31 Aug is a Sunday
            (Eu, "2025-02-01", "2025-03-03", Some("2025-05-01")), // 1 March is a Saturday
            (Eu, "2025-12-31", "2026-02-02", Some("2026-03-31")), // 31 Jan 2026 is a Saturday
            // UK GDPR, counted as the ICO says
            (Uk, "2025-09-03", "2025-10-03", Some("2025-12-03")), // the ICO's own example
            (Uk, "2025-01-31", "2025-02-28", Some("2025-04-30")),
            (Uk, "2024-01-31", "2024-02-29", Some("2024-04-30")),
            (Uk, "2025-02-15", "2025-03-17", Some("2025-05-15")), // 15 March is a Saturday
            // PIPEDA: 30 days, + 30; Sunday -> Monday, Saturday stays
            (Ca, "2025-01-31", "2025-03-03", Some("2025-04-01")),
            (Ca, "2025-01-02", "2025-02-01", Some("2025-03-03")),
            (Ca, "2024-01-31", "2024-03-01", Some("2024-04-01")), // 31 March 2024 is a Sunday
            // PHIPA: the same arithmetic
            (CaOn, "2025-01-31", "2025-03-03", Some("2025-04-01")),
            (CaOn, "2024-02-29", "2024-03-30", Some("2024-04-29")),
            // APP 12: 30 days as the OAIC's guide; Sat/Sun -> Monday; no legal extension
            (Au, "2025-01-31", "2025-03-03", None),
            (Au, "2025-01-30", "2025-03-03", None),
            (Au, "2024-01-31", "2024-03-01", None),
        ]
    };

    #[test]
    fn every_rule_computes_its_due_date_and_extension_limit() {
        for (j, s, due, limit) in CASES {
            let r = sent(*j, s);
            assert_eq!(r.due_on(), Some(d(due)), "{j:?} sent {s}: due");
            assert_eq!(
                r.extension_limit(),
                limit.map(d),
                "{j:?} sent {s}: extension limit"
            );
        }
    }

    #[test]
    fn an_extension_moves_the_due_date_within_the_legal_limit() {
        // in time, no date given: the legal limit
        let mut r = sent(Jurisdiction::Eu, "2025-01-31");
        let notes = r
            .mark(
                Mark::Extended {
                    on: d("2025-02-20"),
                    until: None,
                },
                d(FAR),
            )
            .unwrap();
        assert!(notes.is_empty());
        assert_eq!(r.due_on(), Some(d("2025-04-30")));
        assert_eq!(r.status(d("2025-03-15")), Status::Extended);
        assert_eq!(r.status(d("2025-04-30")), Status::Extended);
        assert_eq!(r.status(d("2025-05-01")), Status::Overdue);
        // one extension only
        let again = r.mark(
            Mark::Extended {
                on: d("2025-02-21"),
                until: None,
            },
            d(FAR),
        );
        assert_eq!(again.unwrap_err().field, "status");

        // a promised date past the limit is capped
        let mut r = sent(Jurisdiction::Us, "2025-01-31");
        let notes = r
            .mark(
                Mark::Extended {
                    on: d("2025-02-10"),
                    until: Some(d("2025-06-01")),
                },
                d(FAR),
            )
            .unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(r.due_on(), Some(d("2025-04-01")));

        // a promised date within the limit stands
        let mut r = sent(Jurisdiction::Ca, "2025-01-31");
        r.mark(
            Mark::Extended {
                on: d("2025-02-10"),
                until: Some(d("2025-03-20")),
            },
            d(FAR),
        )
        .unwrap();
        assert_eq!(r.due_on(), Some(d("2025-03-20")));

        // before the current due date: refused, naming --until
        let mut r = sent(Jurisdiction::Ca, "2025-01-31");
        let e = r
            .mark(
                Mark::Extended {
                    on: d("2025-02-10"),
                    until: Some(d("2025-02-15")),
                },
                d(FAR),
            )
            .unwrap_err();
        assert_eq!(e.field, "until");

        // too late: recorded, but the original date stands
        let mut r = sent(Jurisdiction::Uk, "2025-01-31");
        let notes = r
            .mark(
                Mark::Extended {
                    on: d("2025-03-05"),
                    until: None,
                },
                d(FAR),
            )
            .unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(r.due_on(), Some(d("2025-02-28")));
        assert_eq!(r.status(d("2025-03-06")), Status::Overdue);

        // no legal extension: only an agreed date
        let mut r = sent(Jurisdiction::Au, "2025-01-31");
        let e = r
            .mark(
                Mark::Extended {
                    on: d("2025-02-10"),
                    until: None,
                },
                d(FAR),
            )
            .unwrap_err();
        assert_eq!(e.field, "until");
        r.mark(
            Mark::Extended {
                on: d("2025-02-10"),
                until: Some(d("2025-03-31")),
            },
            d(FAR),
        )
        .unwrap();
        assert_eq!(r.due_on(), Some(d("2025-03-31")));
    }

    #[test]
    fn marks_in_the_wrong_order_or_at_impossible_dates_are_refused() {
        let mut r = record(Jurisdiction::Eu);
        assert_eq!(r.status(d(FAR)), Status::Ready);
        let e = r
            .mark(
                Mark::Received {
                    on: d("2025-01-01"),
                    study_id: None,
                },
                d(FAR),
            )
            .unwrap_err();
        assert_eq!(e.field, "status");
        let e = r
            .mark(
                Mark::Sent {
                    on: d("2025-02-02"),
                    channel: Channel::Post,
                },
                d("2025-02-01"),
            )
            .unwrap_err();
        assert_eq!(e.field, "date", "sent in the future");
        let mut r = sent(Jurisdiction::Eu, "2025-01-31");
        let e = r
            .mark(
                Mark::Refused {
                    on: d("2025-01-30"),
                },
                d(FAR),
            )
            .unwrap_err();
        assert_eq!(e.field, "date", "before it was sent");
        r.mark(
            Mark::Received {
                on: d("2025-02-20"),
                study_id: Some("abc".into()),
            },
            d(FAR),
        )
        .unwrap();
        assert_eq!(r.status(d(FAR)), Status::Received);
        assert!(r.reminders().is_empty());
        let e = r
            .mark(
                Mark::Refused {
                    on: d("2025-02-21"),
                },
                d(FAR),
            )
            .unwrap_err();
        assert_eq!(e.field, "status");
    }

    #[test]
    fn receipt_is_assumed_by_channel_until_recorded_and_judges_the_extension_again() {
        // posted: 7 days assumed
        let mut r = record(Jurisdiction::Ca);
        r.mark(
            Mark::Sent {
                on: d("2025-01-31"),
                channel: Channel::Post,
            },
            d(FAR),
        )
        .unwrap();
        assert_eq!(r.receipt_on(), Some(d("2025-02-07")));
        assert!(r.receipt_assumed());
        assert_eq!(r.due_on(), Some(d("2025-03-10")), "9 March is a Sunday");
        // a notice on 5 March is in time for the assumed receipt...
        r.mark(
            Mark::Extended {
                on: d("2025-03-05"),
                until: None,
            },
            d(FAR),
        )
        .unwrap();
        assert!(r.tracking.extension.unwrap().in_time);
        // ...but late once the real receipt (1 February) is known: the original date stands
        r.mark(
            Mark::Acknowledged {
                on: d("2025-02-01"),
            },
            d(FAR),
        )
        .unwrap();
        assert!(!r.receipt_assumed());
        assert_eq!(r.original_due(), Some(d("2025-03-03")));
        assert!(!r.tracking.extension.unwrap().in_time);
        assert_eq!(r.due_on(), Some(d("2025-03-03")));
        // receipt before sending is refused
        let e = r
            .mark(
                Mark::Acknowledged {
                    on: d("2025-01-30"),
                },
                d(FAR),
            )
            .unwrap_err();
        assert_eq!(e.field, "date");
        let s = r.summary("id", d("2025-02-10"));
        assert_eq!(s.receipt_on, Some(d("2025-02-01")));
        assert!(!s.receipt_assumed);
    }

    #[test]
    fn where_the_authority_wants_the_provider_first_the_outcome_or_thirty_days_open_the_draft() {
        let mut r = sent(Jurisdiction::Uk, "2026-07-01");
        // no outcome before a follow-up, and none where the follow-up is no complaint
        assert_eq!(
            r.mark(
                Mark::Outcome {
                    on: d("2026-08-20")
                },
                d(FAR)
            )
            .unwrap_err()
            .field,
            "status"
        );
        let mut eu = sent(Jurisdiction::Eu, "2026-07-01");
        eu.follow_up(d("2026-08-10"), d(FAR)).unwrap();
        assert!(eu
            .mark(
                Mark::Outcome {
                    on: d("2026-08-20")
                },
                d(FAR)
            )
            .is_err());
        r.follow_up(d("2026-08-10"), d(FAR)).unwrap();
        assert_eq!(r.complaint_ready_on(), Some(d("2026-09-09")));
        assert!(r.reminders().contains(&Reminder {
            on: d("2026-09-09"),
            kind: ReminderKind::Complaint
        }));
        r.mark(
            Mark::Outcome {
                on: d("2026-08-20"),
            },
            d(FAR),
        )
        .unwrap();
        assert_eq!(r.complaint_ready_on(), Some(d("2026-08-20")));
        // three months from the last contact
        assert_eq!(r.complaint_by(), Some(d("2026-11-20")));
        r.complaint(d("2026-08-20"), d(FAR)).unwrap();

        // a refusal: the follow-up (the complaint to the provider) is due at once, not the draft
        let mut r = sent(Jurisdiction::Au, "2026-07-01");
        r.mark(
            Mark::Refused {
                on: d("2026-07-10"),
            },
            d(FAR),
        )
        .unwrap();
        assert_eq!(r.complaint_ready_on(), None);
        assert!(r.reminders().contains(&Reminder {
            on: d("2026-07-10"),
            kind: ReminderKind::FollowUp
        }));
        r.follow_up(d("2026-07-11"), d(FAR)).unwrap();
        assert_eq!(r.complaint_ready_on(), Some(d("2026-08-10")));
    }

    #[test]
    fn reminders_follow_up_and_complaint() {
        let mut r = sent(Jurisdiction::Eu, "2025-01-31");
        let kinds: Vec<_> = r.reminders().iter().map(|x| (x.on, x.kind)).collect();
        assert_eq!(
            kinds,
            [
                (d("2025-02-21"), ReminderKind::DueInAWeek),
                (d("2025-02-28"), ReminderKind::DueToday),
                (d("2025-03-01"), ReminderKind::FollowUp),
            ]
        );
        let s = r.summary("id", d("2025-02-22"));
        assert_eq!(
            s.next_reminder.map(|x| x.kind),
            Some(ReminderKind::DueToday)
        );
        assert_eq!(s.status, "sent");

        // not before the due date has passed
        assert_eq!(
            r.follow_up(d("2025-02-28"), d(FAR)).unwrap_err().field,
            "status"
        );
        assert_eq!(
            r.complaint(d("2025-03-10"), d(FAR)).unwrap_err().field,
            "status"
        );
        r.follow_up(d("2025-03-03"), d(FAR)).unwrap();
        assert_eq!(r.complaint_ready_on(), Some(d("2025-03-17")));
        assert!(r.reminders().contains(&Reminder {
            on: d("2025-03-17"),
            kind: ReminderKind::Complaint
        }));
        assert!(r.complaint(d("2025-03-16"), d(FAR)).is_err());
        r.complaint(d("2025-03-17"), d(FAR)).unwrap();
        assert_eq!(r.complaint_by(), None, "GDPR sets no limit");

        // a refusal: the complaint is ready at once, and the limit runs from it
        let mut r = sent(Jurisdiction::Ca, "2025-01-31");
        r.mark(
            Mark::Refused {
                on: d("2025-02-10"),
            },
            d(FAR),
        )
        .unwrap();
        assert_eq!(r.status(d(FAR)), Status::Refused);
        assert_eq!(r.complaint_ready_on(), Some(d("2025-02-10")));
        assert_eq!(r.complaint_by(), Some(d("2025-08-10")));
        r.complaint(d("2025-02-11"), d(FAR)).unwrap();

        // HIPAA: 180 days from the missed due date
        let r = sent(Jurisdiction::Us, "2025-01-31");
        assert_eq!(r.complaint_by(), Some(d("2025-08-29")));
    }
}
