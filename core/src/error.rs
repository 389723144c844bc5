//! The core's internal error type: full technical context for logs and developers.
//!
//! Messages name the problem (a transfer syntax UID, an attribute keyword, a frame number) but
//! never carry patient data: no names, IDs, dates or UIDs of a study, series or instance.
//! The app-facing error enum (with messages a patient can read) is mapped from this one in
//! `uniffi/`, in one place.

use std::fmt;

/// Anything that can go wrong in the core. Non-exhaustive: a new case is not a breaking change
/// for the shells, which map unknown ones to a generic message.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading a file or a stream failed.
    #[error("cannot read {what}: {source}")]
    Io {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not a DICOM data set we can parse.
    #[error("not a readable DICOM file: {0}")]
    NotDicom(String),
    /// The data set parses but an attribute needed for the task is absent or invalid.
    #[error("invalid or missing {attribute}: {detail}")]
    BadAttribute {
        attribute: &'static str,
        detail: String,
    },
    /// The object carries no image (a structured report, a DICOMDIR, a presentation state...).
    #[error("no pixel data in this object")]
    NoPixelData,
    /// A transfer syntax that no decoder here handles.
    #[error("unsupported transfer syntax {uid} ({name})")]
    UnsupportedTransferSyntax { uid: String, name: String },
    /// Pixel data whose layout we do not handle (named).
    #[error("unsupported pixel data: {0}")]
    UnsupportedPixelData(String),
    /// The header reads but the pixel data element does not (cut short, bad item structure).
    #[error("pixel data truncated or malformed ({0})")]
    BadPixelData(String),
    /// A frame index past the end.
    #[error("frame {frame} out of range: the object has {frames} frame(s)")]
    FrameOutOfRange { frame: u32, frames: u32 },
    /// Pixel data shorter than its attributes promise.
    #[error("pixel data truncated: frame {frame} needs {needed} bytes, {available} present")]
    Truncated {
        frame: u32,
        needed: usize,
        available: usize,
    },
    /// A codec rejected the compressed stream.
    #[error("cannot decode {syntax} data: {detail}")]
    Codec { syntax: String, detail: String },
    /// The vault is locked: unlock it first.
    #[error("the vault is locked")]
    Locked,
    /// The passphrase or platform credential does not unlock the vault.
    #[error("wrong passphrase or key")]
    WrongKey,
    /// Stored bytes fail their integrity check (altered, damaged, or another key).
    #[error("integrity check failed: {0}")]
    Integrity(String),
    /// The index or the blob store failed (disk full, permissions...).
    #[error("storage error: {0}")]
    Storage(String),
    /// The platform key store refused.
    #[error("key store: {0}")]
    KeyStore(String),
    /// Something that must be new is there already (a vault in a folder).
    #[error("a {0} already exists there")]
    AlreadyExists(&'static str),
    /// No such study, series or instance.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The operation was cancelled by the user.
    #[error("cancelled")]
    Cancelled,
    /// A request that does not fit the image (a window of zero width, a preset that is unknown...).
    #[error("{0}")]
    InvalidArgument(String),
    /// A zip archive (or an entry in one) that cannot be opened safely: damaged, encrypted, a
    /// compression method not supported, or sizes past the import's limits.
    #[error("zip archive: {0}")]
    Archive(String),
    /// A provider link failed: refused, unreachable, timed out, an HTTP error status, a malformed
    /// response. Never carries the link itself or its access token.
    #[error("download: {0}")]
    Network(String),
    /// A share link or the relay refused (expired, revoked, wrong passcode, locked...), or the
    /// relay cannot be reached: the share service's own error (`share::ShareError`, whose
    /// message is for patients; `ShareError::of` reads it back), boxed so that this module
    /// depends on no service. Never carries the link, a key or a token.
    #[error("{0}")]
    Share(Box<dyn std::error::Error + Send + Sync + 'static>),
    /// A form the patient filled in is refused: what is wrong, field by field, in the app's
    /// language (a screen's validation; nothing changed). Never carries what was typed.
    #[error("invalid form: {}", fields_of(.0))]
    Invalid(Vec<FieldError>),
}

/// One refused field of a form: its id (the screen documents them) and why, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: String) -> FieldError {
        FieldError {
            field: field.to_string(),
            message,
        }
    }
}

fn fields_of(fields: &[FieldError]) -> String {
    // the field ids only: the messages are for the patient, the log needs the fields
    fields
        .iter()
        .map(|f| f.field.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Error {
    pub(crate) fn bad(attribute: &'static str, detail: impl fmt::Display) -> Self {
        Error::BadAttribute {
            attribute,
            detail: detail.to_string(),
        }
    }

    pub(crate) fn codec(syntax: impl fmt::Display, detail: impl fmt::Display) -> Self {
        Error::Codec {
            syntax: syntax.to_string(),
            detail: one_line(&detail.to_string()),
        }
    }
}

/// Squash a multi-line library message into one line (the CLI promises one line on stderr).
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
