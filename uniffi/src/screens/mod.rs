//! The app's screens (core `screens`): each an object the shell keeps for as long as the screen
//! is shown, with `view()` (what to draw) and `handle(event)` (what the patient did, answered with
//! the next view). Records mirror the core's view models field for field; nothing is decided here.
//! One file per screen.

mod library;
mod request;

pub use library::{Confirmation, LibraryEvent, LibraryScreen, LibraryView, PatientCard, StudyCard};
pub use request::{RequestClock, RequestWizard, RequestsScreen};

type Result<T> = std::result::Result<T, crate::error::ScanpassError>;
