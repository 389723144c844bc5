//! What can be wrong with a request's field, by a stable code: the screens translate the code
//! (its catalogue id), the CLI and the logs read the English. A [`FieldError`] carries its
//! [`Problem`] when the field is one a patient types on a phone; the answers file's own shape
//! errors (`must be a string`, an unknown key) are for the CLI and carry none.
//!
//! [`FieldError`]: super::FieldError

/// A problem a patient can meet in the request wizard or the request list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    // --- the answers (the wizard's steps)
    Required,
    TooLong,
    Control,
    Email,
    Phone,
    Date,
    Future,
    NotFuture,
    Past,
    /// `studies.to` before `studies.from`.
    Range,
    ProviderReach,
    PatientReach,
    DoctorReach,
    MediaPatient,
    MediaDoctor,
    ExpeditedLate,
    Language,
    Studies,
    AuthorityEuOnly,
    ExpeditedOntarioOnly,
    ChooseFormat,
    ChooseDelivery,
    // --- marking a request's progress (the request list)
    NotFinished,
    ImagesReceived,
    NoOutcomeAwaited,
    FollowUpFirst,
    BeforeFollowUp,
    Settled,
    NotSent,
    BeforeSent,
    SentFixed,
    AfterReceipt,
    ReceiptFixed,
    NoDueDate,
    AlreadyExtended,
    BeforeDue,
    NoExtensionLaw,
}

impl Problem {
    /// Every problem, for the catalogue's test.
    pub const ALL: &'static [Problem] = &[
        Problem::Required,
        Problem::TooLong,
        Problem::Control,
        Problem::Email,
        Problem::Phone,
        Problem::Date,
        Problem::Future,
        Problem::NotFuture,
        Problem::Past,
        Problem::Range,
        Problem::ProviderReach,
        Problem::PatientReach,
        Problem::DoctorReach,
        Problem::MediaPatient,
        Problem::MediaDoctor,
        Problem::ExpeditedLate,
        Problem::Language,
        Problem::Studies,
        Problem::AuthorityEuOnly,
        Problem::ExpeditedOntarioOnly,
        Problem::ChooseFormat,
        Problem::ChooseDelivery,
        Problem::NotFinished,
        Problem::ImagesReceived,
        Problem::NoOutcomeAwaited,
        Problem::FollowUpFirst,
        Problem::BeforeFollowUp,
        Problem::Settled,
        Problem::NotSent,
        Problem::BeforeSent,
        Problem::SentFixed,
        Problem::AfterReceipt,
        Problem::ReceiptFixed,
        Problem::NoDueDate,
        Problem::AlreadyExtended,
        Problem::BeforeDue,
        Problem::NoExtensionLaw,
    ];

    /// The catalogue id of the problem's words (`core/locales/*/request.ftl`).
    pub fn message_id(self) -> &'static str {
        match self {
            Problem::Required => "request-error-required",
            Problem::TooLong => "request-error-too-long",
            Problem::Control => "request-error-control",
            Problem::Email => "request-error-email",
            Problem::Phone => "request-error-phone",
            Problem::Date => "request-error-date",
            Problem::Future => "request-error-future",
            Problem::NotFuture => "request-error-not-future",
            Problem::Past => "request-error-past",
            Problem::Range => "request-error-range",
            Problem::ProviderReach => "request-error-provider-reach",
            Problem::PatientReach => "request-error-patient-reach",
            Problem::DoctorReach => "request-error-doctor-reach",
            Problem::MediaPatient => "request-error-media-patient",
            Problem::MediaDoctor => "request-error-media-doctor",
            Problem::ExpeditedLate => "request-error-expedited-late",
            Problem::Language => "request-error-language",
            Problem::Studies => "request-error-studies",
            Problem::AuthorityEuOnly => "request-error-authority-eu",
            Problem::ExpeditedOntarioOnly => "request-error-expedited-ontario",
            Problem::ChooseFormat => "request-error-choose-format",
            Problem::ChooseDelivery => "request-error-choose-delivery",
            Problem::NotFinished => "request-error-not-finished",
            Problem::ImagesReceived => "request-error-received",
            Problem::NoOutcomeAwaited => "request-error-no-outcome",
            Problem::FollowUpFirst => "request-error-follow-up-first",
            Problem::BeforeFollowUp => "request-error-before-follow-up",
            Problem::Settled => "request-error-settled",
            Problem::NotSent => "request-error-not-sent",
            Problem::BeforeSent => "request-error-before-sent",
            Problem::SentFixed => "request-error-sent-fixed",
            Problem::AfterReceipt => "request-error-after-receipt",
            Problem::ReceiptFixed => "request-error-receipt-fixed",
            Problem::NoDueDate => "request-error-no-due-date",
            Problem::AlreadyExtended => "request-error-extended",
            Problem::BeforeDue => "request-error-before-due",
            Problem::NoExtensionLaw => "request-error-no-extension",
        }
    }

    /// The English the CLI prints and the logs keep (`TooLong` and `Date` are given theirs by
    /// the check that knows the limit or the example).
    pub fn english(self) -> &'static str {
        match self {
            Problem::Required => "is required",
            Problem::TooLong => "is too long",
            Problem::Control => "contains control characters",
            Problem::Email => "is not an email address",
            Problem::Phone => "is not a phone or fax number",
            Problem::Date => "is not a date written YYYY-MM-DD (for example 1970-01-31)",
            Problem::Future => "is in the future",
            Problem::NotFuture => "is not in the future",
            Problem::Past => "is too far in the past",
            Problem::Range => "is before studies.from",
            Problem::ProviderReach => "give the records department's postal address, email or fax",
            Problem::PatientReach => {
                "give your email or postal address, so the provider knows where to send the copy"
            }
            Problem::DoctorReach => {
                "give the doctor's address or email, so the provider knows where to send the copy"
            }
            Problem::MediaPatient => "is required when a CD or USB drive is posted to you",
            Problem::MediaDoctor => "is required when a CD or USB drive is posted to the doctor",
            Problem::ExpeditedLate => {
                "must come before the ordinary time limit (30 days after receipt)"
            }
            Problem::Language => "French letters are available for CA and CA-ON only",
            Problem::Studies => {
                "say which studies: all imaging, or a date range, modality, body part or description"
            }
            Problem::AuthorityEuOnly => {
                "is for EU requests only (the other laws name their authority)"
            }
            Problem::ExpeditedOntarioOnly => {
                "is for Ontario (CA-ON) requests only (PHIPA s. 54(5))"
            }
            Problem::ChooseFormat => "choose a download link or a CD/USB",
            Problem::ChooseDelivery => "choose yourself or a named doctor",
            Problem::NotFinished => "finish the request first",
            Problem::ImagesReceived => "the images were received",
            Problem::NoOutcomeAwaited => {
                "under this law the follow-up is not a complaint to the provider: nothing awaits an outcome"
            }
            Problem::FollowUpFirst => {
                "send the follow-up letter (your complaint to the provider) first"
            }
            Problem::BeforeFollowUp => "is before the follow-up letter",
            Problem::Settled => "this request is already settled (received or refused)",
            Problem::NotSent => "mark the request sent first",
            Problem::BeforeSent => "is before the request was sent",
            Problem::SentFixed => {
                "the request has moved on since it was sent; its sent date cannot change now"
            }
            Problem::AfterReceipt => "is after the recorded date of receipt",
            Problem::ReceiptFixed => {
                "the follow-up letter has gone: the date of receipt cannot change now"
            }
            Problem::NoDueDate => "no due date",
            Problem::AlreadyExtended => {
                "the time limit was already extended (the law allows one extension)"
            }
            Problem::BeforeDue => "is before the current due date",
            Problem::NoExtensionLaw => {
                "this law sets no extension: give the date the provider promised"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{self, Language};

    /// Every problem has its words in every language of the catalogue, and they are not the
    /// English of another language's file (a French screen never falls back to English).
    #[test]
    fn every_problem_is_in_the_catalogue() {
        for p in Problem::ALL {
            for lang in Language::ALL {
                assert!(
                    text::has_message(lang, p.message_id()),
                    "{lang:?} lacks {}",
                    p.message_id()
                );
            }
            assert_ne!(
                text::message(Language::En, p.message_id(), &[]),
                text::message(Language::Fr, p.message_id(), &[]),
                "{} is not translated",
                p.message_id()
            );
        }
    }

    /// No two problems share words (each code translates to its own sentence).
    #[test]
    fn ids_are_distinct() {
        let ids: std::collections::HashSet<_> =
            Problem::ALL.iter().map(|p| p.message_id()).collect();
        assert_eq!(ids.len(), Problem::ALL.len(), "two problems share an id");
    }
}
