//! The app-facing errors, and the one place the core's errors map onto them.

use std::io::ErrorKind;

use scanpass_core::share::ShareError;
use scanpass_core::Error;

/// One refused field of a form: its id (each screen documents its fields) and why, in the app's
/// language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Declares [`ScanpassError`], whose cases each carry `reason` (the patient's sentence), and
/// [`Case`], its cases without fields with their sentence, from one list.
macro_rules! app_errors {
    ($($(#[$doc:meta])* $name:ident = $sentence:literal,)*) => {
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

        /// The cases of [`ScanpassError`] without fields of their own.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Case { $($name,)* }

        impl From<Case> for ScanpassError {
            fn from(c: Case) -> Self {
                match c { $(Case::$name => ScanpassError::$name { reason: $sentence.into() },)* }
            }
        }
    };
}

app_errors! {
    Locked = "Your images are locked. Unlock Scanpass to continue.",
    WrongKey = "That passphrase does not unlock your images. Please try again.",
    KeyStore = "Scanpass could not reach this device's secure key storage.",
    NotDicom = "This file is not a medical image Scanpass can read.",
    NoImage = "This item has no picture to show (it may be a report or a recording).",
    Unsupported = "This image is stored in a format Scanpass cannot show yet.",
    Damaged = "This image is damaged or incomplete and cannot be shown.",
    Integrity = "Some of your stored images failed their safety check and cannot be opened.",
    Storage = "Scanpass could not save to this device. Check that there is free space.",
    CannotRead = "Scanpass could not read these files. Check that the disk, stick or folder is still there.",
    VaultExists = "There is already a Scanpass library in this folder.",
    NotFound = "This item is no longer in your library.",
    Cancelled = "The import was stopped.",
    Network = "The download did not work. Check the link and your connection, then try again.",
    Archive = "This zip file is damaged or protected and cannot be opened.",
    ShareGone = "This share is no longer available: it expired, was revoked, or was downloaded as often as allowed.",
    ShareLocked = "This share is locked after too many wrong passcodes. Ask the sender for a new link.",
    PasscodeNeeded = "This share needs a passcode. Ask the sender for it.",
    InvalidInput = "Scanpass cannot do that here.",
    Internal = "Something went wrong inside Scanpass.",
}

const WRONG_PASSCODE: &str =
    "That passcode does not open this share (or the link was damaged when copied).";
const INVALID: &str = "Please check what you entered.";

impl From<Error> for ScanpassError {
    fn from(e: Error) -> Self {
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
                    reason: INVALID.into(),
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
                        reason: WRONG_PASSCODE.into(),
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
        case.into()
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
