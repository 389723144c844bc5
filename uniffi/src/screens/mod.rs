//! The app's screens (core `screens`): each an object the shell keeps for as long as the screen
//! is shown, with `view()` (what to draw) and `handle(event)` (what the patient did, answered with
//! the next view). Records mirror the core's view models field for field; nothing is decided here.
//! One file per screen.

mod appointment;
mod common;
mod import;
mod library;
mod receive;
mod request;
mod settings;
mod share;
mod start;
mod viewer;

pub use appointment::{AppointmentEffect, AppointmentEvent, AppointmentMode, AppointmentView};
pub use common::{common_words, CommonWords};
pub use import::*;
pub use library::{
    Confirmation, LibraryAction, LibraryDestination, LibraryEvent, LibraryScreen, LibraryView,
    PatientCard, StudyCard,
};
pub use receive::*;
pub use request::{RequestClock, RequestWizard, RequestsScreen};
pub use settings::{
    AutoLock, AutoLockChoice, LanguageChoice, SettingsEvent, SettingsScreen, SettingsView,
};
pub use share::*;
pub use start::{StartEvent, StartScreen, StartStage, StartView};
pub use viewer::{
    ViewerCalibration, ViewerCine, ViewerEvent, ViewerLabels, ViewerMeasurement, ViewerOrientation,
    ViewerOverlay, ViewerPoint, ViewerPreset, ViewerScreen, ViewerSeriesItem, ViewerTool,
    ViewerToolItem, ViewerView, ViewerWindow,
};

type Result<T> = std::result::Result<T, crate::error::ScanpassError>;
