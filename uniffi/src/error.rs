//! The app-facing errors, and the one place the core's errors map onto them.

use std::io::ErrorKind;

use scanpass_core::share::ShareError;
use scanpass_core::Error;

/// What went wrong, in words a patient can read. Each case is one thing the app can act on
/// (ask for the passphrase again, offer to retry, say the file cannot be read).
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum ScanpassError {
    #[error("Your images are locked. Unlock Scanpass to continue.")]
    Locked,
    #[error("That passphrase does not unlock your images. Please try again.")]
    WrongKey,
    #[error("Scanpass could not reach this device's secure key storage.")]
    KeyStore,
    #[error("This file is not a medical image Scanpass can read.")]
    NotDicom,
    #[error("This item has no picture to show (it may be a report or a recording).")]
    NoImage,
    #[error("This image is stored in a format Scanpass cannot show yet.")]
    Unsupported,
    #[error("This image is damaged or incomplete and cannot be shown.")]
    Damaged,
    #[error("Some of your stored images failed their safety check and cannot be opened.")]
    Integrity,
    #[error("Scanpass could not save to this device. Check that there is free space.")]
    Storage,
    #[error(
        "Scanpass could not read these files. Check that the disk, stick or folder is still there."
    )]
    CannotRead,
    #[error("There is already a Scanpass library in this folder.")]
    VaultExists,
    #[error("This item is no longer in your library.")]
    NotFound,
    #[error("The import was stopped.")]
    Cancelled,
    #[error("The download did not work. Check the link and your connection, then try again.")]
    Network,
    #[error("This zip file is damaged or protected and cannot be opened.")]
    Archive,
    #[error("This share is no longer available: it expired, was revoked, or was downloaded as often as allowed.")]
    ShareGone,
    #[error("This share is locked after too many wrong passcodes. Ask the sender for a new link.")]
    ShareLocked,
    #[error("This share needs a passcode. Ask the sender for it.")]
    PasscodeNeeded,
    #[error("That passcode does not open this share (or the link was damaged when copied).")]
    WrongPasscode,
    #[error("Scanpass cannot do that here.")]
    InvalidInput,
    #[error("Something went wrong inside Scanpass.")]
    Internal,
}

impl From<Error> for ScanpassError {
    fn from(e: Error) -> Self {
        match e {
            Error::Locked => Self::Locked,
            Error::WrongKey => Self::WrongKey,
            Error::KeyStore(_) => Self::KeyStore,
            Error::NotDicom(_) => Self::NotDicom,
            Error::NoPixelData => Self::NoImage,
            Error::UnsupportedTransferSyntax { .. } | Error::UnsupportedPixelData(_) => {
                Self::Unsupported
            }
            Error::BadAttribute { .. }
            | Error::BadPixelData(_)
            | Error::Truncated { .. }
            | Error::Codec { .. } => Self::Damaged,
            Error::Integrity(_) => Self::Integrity,
            Error::Io { source, .. } => match source.kind() {
                // the device's own storage refused a write
                ErrorKind::StorageFull
                | ErrorKind::QuotaExceeded
                | ErrorKind::ReadOnlyFilesystem
                | ErrorKind::FileTooLarge => Self::Storage,
                // a source that is gone, unreadable or cut short: the files, not the device
                _ => Self::CannotRead,
            },
            Error::Storage(_) => Self::Storage,
            Error::AlreadyExists(_) => Self::VaultExists,
            Error::NotFound(_) => Self::NotFound,
            Error::Cancelled => Self::Cancelled,
            Error::Network(_) => Self::Network,
            Error::Archive(_) => Self::Archive,
            Error::FrameOutOfRange { .. } | Error::InvalidArgument(_) => Self::InvalidInput,
            Error::Share(_) => match ShareError::of(&e) {
                Some(ShareError::Gone) => Self::ShareGone,
                Some(ShareError::Locked) => Self::ShareLocked,
                Some(ShareError::PasscodeNeeded) => Self::PasscodeNeeded,
                Some(ShareError::WrongPasscode { .. }) => Self::WrongPasscode,
                Some(ShareError::NotFound) => Self::NotFound,
                Some(ShareError::TooLarge) => Self::InvalidInput,
                Some(ShareError::Data(_)) => Self::Damaged,
                Some(
                    ShareError::NotOwner
                    | ShareError::NotReady
                    | ShareError::RateLimited
                    | ShareError::Unreachable(_)
                    | ShareError::Relay(_),
                )
                | None => Self::Network,
            },
            // a case added to the core later: a generic message until it is mapped here
            _ => Self::Internal,
        }
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
