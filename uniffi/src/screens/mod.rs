//! The app's screens (core `screens`): each an object the shell keeps for as long as the screen
//! is shown, with `view()` (what to draw) and `handle(event)` (what the patient did, answered with
//! the next view). Records mirror the core's view models field for field; nothing is decided here.
//! One file per screen.

mod import;
mod library;
mod receive;
mod share;

pub use import::*;
pub use library::{Confirmation, LibraryEvent, LibraryScreen, LibraryView, PatientCard, StudyCard};
pub use receive::*;
pub use share::*;

type Result<T> = std::result::Result<T, crate::error::ScanpassError>;
