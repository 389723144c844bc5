//! The app-facing errors, and the one place the core's errors map onto them.

use std::io::ErrorKind;

use scanpass_core::share::ShareError;
use scanpass_core::text::{self, Language};
use scanpass_core::Error;

/// One refused field of a form: its id (each screen documents its fields) and why, in the app's
/// language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Declares [`ScanpassError`], whose cases each carry `reason` (the patient's sentence, from
/// the core's catalogue `errors.ftl` in the app's language), and [`Case`], its cases without
/// fields with their message id, from one list.
macro_rules! app_errors {
    ($($(#[$doc:meta])* $name:ident = $id:literal,)*) => {
        /// What went wrong. Each case is one thing the app can act on (ask for the passphrase
        /// again, offer to retry, say the file cannot be read, show a form's problems by field)
        /// and carries `reason`, a sentence a patient can read, which names nothing of the
        /// patient. Cases with more to act on carry it as fields (`WrongPasscode`,
        /// `Invalid`).
        #[derive(Debug, thiserror::Error, uniffi::Error)]
        #[uniffi::export(Display)]
        pub enum ScanpassError {
            $($(#[$doc])* #[error("{reason}")] $name { reason: String },)*
            /// That passcode does not open the share; `attempts_left`: what the relay allows
            /// before it locks the share (when it says).
            #[error("{reason}")]
            WrongPasscode { reason: String, attempts_left: Option<u32> },
            /// A form is refused: the problems by field.
            #[error("{reason}")]
            Invalid { reason: String, fields: Vec<FieldError> },
        }

        /// The message ids of the cases' sentences.
        #[cfg(test)]
        const CASE_IDS: &[&str] = &[$($id,)*];

        /// The cases of [`ScanpassError`] without fields of their own.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Case { $($name,)* }

        impl Case {
            /// The case with its sentence in `lang`.
            pub(crate) fn in_language(self, lang: Language) -> ScanpassError {
                match self { $(Case::$name => ScanpassError::$name { reason: sentence(lang, $id) },)* }
            }
        }

        impl From<Case> for ScanpassError {
            fn from(c: Case) -> Self {
                c.in_language(Language::En)
            }
        }
    };
}

app_errors! {
    Locked = "error-locked",
    WrongKey = "error-wrong-key",
    KeyStore = "error-key-store",
    NotDicom = "error-not-dicom",
    NoImage = "error-no-image",
    Unsupported = "error-unsupported",
    Damaged = "error-damaged",
    Integrity = "error-integrity",
    Storage = "error-storage",
    CannotRead = "error-cannot-read",
    VaultExists = "error-vault-exists",
    NotFound = "error-not-found",
    Cancelled = "error-cancelled",
    Network = "error-network",
    Archive = "error-archive",
    ShareGone = "error-share-gone",
    ShareLocked = "error-share-locked",
    PasscodeNeeded = "error-passcode-needed",
    InvalidInput = "error-invalid-input",
    Internal = "error-internal",
}

/// The sentence of message `id` in `lang`.
fn sentence(lang: Language, id: &str) -> String {
    text::message(lang, id, &[])
}

/// A core result with its error worded in `lang`. The screens' calls use it, so that a patient
/// reads an error in the language of the screen it happened on; a bare `?` (the procedures
/// outside the screens) words it in English.
pub(crate) trait Speak<T> {
    fn speak(self, lang: Language) -> Result<T, ScanpassError>;
}

impl<T> Speak<T> for Result<T, Error> {
    fn speak(self, lang: Language) -> Result<T, ScanpassError> {
        self.map_err(|e| ScanpassError::of(e, lang))
    }
}

impl From<Error> for ScanpassError {
    fn from(e: Error) -> Self {
        ScanpassError::of(e, Language::En)
    }
}

impl ScanpassError {
    /// The core's error `e` as the app's, its sentence in `lang`.
    pub(crate) fn of(e: Error, lang: Language) -> Self {
        use Case as C;
        let case = match &e {
            Error::Locked => C::Locked,
            Error::WrongKey => C::WrongKey,
            Error::KeyStore(_) => C::KeyStore,
            Error::NotDicom(_) => C::NotDicom,
            Error::NoPixelData => C::NoImage,
            Error::UnsupportedTransferSyntax { .. } | Error::UnsupportedPixelData(_) => {
                C::Unsupported
            }
            Error::BadAttribute { .. }
            | Error::BadPixelData(_)
            | Error::Truncated { .. }
            | Error::Codec { .. } => C::Damaged,
            Error::Integrity(_) => C::Integrity,
            Error::Io { source, .. } => match source.kind() {
                // the device's own storage refused a write
                ErrorKind::StorageFull
                | ErrorKind::QuotaExceeded
                | ErrorKind::ReadOnlyFilesystem
                | ErrorKind::FileTooLarge => C::Storage,
                // a source that is gone, unreadable or cut short: the files, not the device
                _ => C::CannotRead,
            },
            Error::Storage(_) => C::Storage,
            Error::AlreadyExists(_) => C::VaultExists,
            Error::NotFound(_) => C::NotFound,
            Error::Cancelled => C::Cancelled,
            Error::Network(_) => C::Network,
            Error::Archive(_) => C::Archive,
            Error::FrameOutOfRange { .. } | Error::InvalidArgument(_) => C::InvalidInput,
            Error::Invalid(fields) => {
                return ScanpassError::Invalid {
                    reason: sentence(lang, "error-invalid"),
                    fields: fields
                        .iter()
                        .map(|f| FieldError {
                            field: f.field.clone(),
                            message: f.message.clone(),
                        })
                        .collect(),
                }
            }
            Error::Share(_) => match ShareError::of(&e) {
                Some(ShareError::Gone) => C::ShareGone,
                Some(ShareError::Locked) => C::ShareLocked,
                Some(ShareError::PasscodeNeeded) => C::PasscodeNeeded,
                Some(ShareError::WrongPasscode { attempts_left }) => {
                    return ScanpassError::WrongPasscode {
                        reason: sentence(lang, "error-wrong-passcode"),
                        attempts_left: *attempts_left,
                    }
                }
                Some(ShareError::NotFound) => C::NotFound,
                Some(ShareError::TooLarge) => C::InvalidInput,
                Some(ShareError::Data(_)) => C::Damaged,
                Some(
                    ShareError::NotOwner
                    | ShareError::NotReady
                    | ShareError::RateLimited
                    | ShareError::Unreachable(_)
                    | ShareError::Relay(_),
                )
                | None => C::Network,
            },
            // a case added to the core later: a generic message until it is mapped here
            _ => C::Internal,
        };
        // what the app cannot act on reaches its log (crate::log::set_logger): the core's
        // message, which names no patient, file or link (core::error)
        if matches!(case, C::Internal | C::Storage | C::Integrity | C::KeyStore) {
            ::log::error!(target: "scanpass", "{case:?}: {e}");
        }
        case.in_language(lang)
    }
}

/// Why an app's [`crate::KeyStore`] could not give or keep a key.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum KeyStoreError {
    /// The passphrase, biometric or device credential did not unlock the key.
    #[error("wrong secret")]
    WrongSecret,
    /// The platform store refused or is not there (the reason is for the app's logs).
    #[error("key store unavailable: {reason}")]
    Unavailable { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unavailable { reason: e.reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sentence is in every language of the catalogue, translated.
    #[test]
    fn every_sentence_is_in_the_catalogue() {
        for id in CASE_IDS
            .iter()
            .copied()
            .chain(["error-invalid", "error-wrong-passcode"])
        {
            for lang in Language::ALL {
                assert!(text::has_message(lang, id), "{lang:?} lacks {id}");
            }
            assert_ne!(
                sentence(Language::En, id),
                sentence(Language::Fr, id),
                "{id} is not translated"
            );
        }
    }

    /// A screen's call words its error in the screen's language; a bare `?` in English.
    #[test]
    fn errors_speak_the_language_they_are_given() {
        let reason = |e: ScanpassError| match e {
            ScanpassError::Locked { reason } => reason,
            other => panic!("not Locked: {other:?}"),
        };
        let fr = Err::<(), _>(Error::Locked).speak(Language::Fr).unwrap_err();
        assert_eq!(
            reason(fr),
            "Vos images sont verrouillées. Déverrouillez Scanpass pour continuer."
        );
        assert_eq!(
            reason(Error::Locked.into()),
            "Your images are locked. Unlock Scanpass to continue."
        );
        let invalid = Err::<(), _>(Error::Invalid(vec![])).speak(Language::Fr);
        assert!(matches!(
            invalid,
            Err(ScanpassError::Invalid { reason, .. }) if reason == "Veuillez vérifier ce que vous avez saisi."
        ));
    }
}
