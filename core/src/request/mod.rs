//! Request your images: a guided records request that knows the law, writes the letter and tracks
//! the deadline.
//!
//! Which part to use:
//! - [`rules`]: each jurisdiction's right of access as data (deadline, extension, fees, format,
//!   third-party delivery, complaint authority), with sources and the date last checked;
//! - [`dates`]: how each law counts its periods (month ends, leap years, weekends);
//! - [`wizard::Wizard`]: the questions as a sans-I/O state machine (events in, a
//!   [`wizard::WizardView`] out); it serialises, so a half-finished request resumes later;
//! - [`answers`]: the answers, their validation (errors name the field, never its value) and the
//!   answers-file format of `scanpass request new --answers`;
//! - [`RequestRecord`]: one request as stored (encrypted) in the vault
//!   ([`crate::vault::Vault::create_request`]), with its tracking: sent, extended, received,
//!   refused, reminders, overdue, follow-up and complaint;
//! - [`flow`]: what a shell does with a request (start, save, store, mark, follow-up and
//!   complaint, what to do next), once for the app's screens and the CLI;
//! - [`letter`]: the request, follow-up and complaint letters, as plain text or PDF, in English
//!   and (for Canada) French.
//!
//! Every period runs from the provider's receipt of the request: the date the patient records
//! (an acknowledgement), else the day sent plus the channel's assumed delivery days
//! ([`Channel::assumed_delivery_days`]); letters then say "by my reckoning".
//!
//! Nothing here reads a clock: callers pass today's date.

pub mod answers;
pub mod dates;
pub mod flow;
pub mod letter;
mod pdf;
pub mod problem;
mod records;
pub mod rules;
mod tracking;
pub mod wizard;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use answers::{
    Answers, Delivery, Doctor, Expedited, FieldError, Format, Patient, Provider, Studies,
};
pub use problem::Problem;
pub use tracking::{
    Channel, Extension, Mark, Received, Reminder, ReminderKind, RequestRecord, RequestSummary,
    Sent, Status, Tracking, FOLLOW_UP_DAYS,
};

/// Where the provider is, which decides the law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Jurisdiction {
    #[serde(rename = "US")]
    Us,
    #[serde(rename = "EU")]
    Eu,
    #[serde(rename = "UK")]
    Uk,
    #[serde(rename = "CA")]
    Ca,
    #[serde(rename = "CA-ON")]
    CaOn,
    #[serde(rename = "AU")]
    Au,
}

impl Jurisdiction {
    pub const ALL: &'static [Jurisdiction] = &[
        Jurisdiction::Us,
        Jurisdiction::Eu,
        Jurisdiction::Uk,
        Jurisdiction::Ca,
        Jurisdiction::CaOn,
        Jurisdiction::Au,
    ];

    /// The code of the answers file: `US`, `EU`, `UK`, `CA`, `CA-ON`, `AU`.
    pub fn code(self) -> &'static str {
        match self {
            Jurisdiction::Us => "US",
            Jurisdiction::Eu => "EU",
            Jurisdiction::Uk => "UK",
            Jurisdiction::Ca => "CA",
            Jurisdiction::CaOn => "CA-ON",
            Jurisdiction::Au => "AU",
        }
    }

    /// Parse a code, case-insensitively.
    pub fn from_code(s: &str) -> Option<Jurisdiction> {
        let s = s.trim();
        Jurisdiction::ALL
            .iter()
            .copied()
            .find(|j| j.code().eq_ignore_ascii_case(s))
    }

    /// A label for a chooser: "United States (HIPAA)".
    pub fn label(self) -> &'static str {
        match self {
            Jurisdiction::Us => "United States (HIPAA)",
            Jurisdiction::Eu => "European Union (GDPR)",
            Jurisdiction::Uk => "United Kingdom (UK GDPR)",
            Jurisdiction::Ca => "Canada, federal (PIPEDA)",
            Jurisdiction::CaOn => "Canada, Ontario (PHIPA)",
            Jurisdiction::Au => "Australia (Privacy Act, APP 12)",
        }
    }

    /// The languages its letters can be written in.
    pub fn languages(self) -> &'static [Language] {
        match self {
            Jurisdiction::Ca | Jurisdiction::CaOn => &[Language::En, Language::Fr],
            _ => &[Language::En],
        }
    }

    /// The rule of this jurisdiction.
    pub fn rule(self) -> &'static rules::Rule {
        rules::rule(self)
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The language of the letters: the core's languages ([`crate::text`]).
pub use crate::text::Language;
