//! # scanpass-ffi: the API the Android and iOS apps call
//!
//! uniffi generates Kotlin, Swift and Python bindings from this crate (`scripts/bindgen`). It holds
//! no logic: every call maps onto `scanpass-core` and every error onto [`ScanpassError`].
//!
//! What is here:
//! - [`Vault`]: create, open, unlock and lock the encrypted vault. Its key is kept by a
//!   [`KeyStore`]: the app's own (Android Keystore, iOS Keychain), or the built-in
//!   [`passphrase_key_store`] and [`desktop_key_store`];
//! - import ([`Vault::import_from`]): from paths or a link, with an [`ImportListener`] for progress
//!   and a [`CancelHandle`];
//! - the library: [`Vault::patients`], [`Vault::studies`], [`Vault::series`],
//!   [`Vault::thumbnail`] (PNG bytes);
//! - the screens ([`StartScreen`], [`LibraryScreen`], [`ViewerScreen`], [`ImportScreen`],
//!   [`ShareScreen`], [`MySharesScreen`], [`ReceiveScreen`], [`AppointmentMode`],
//!   [`SettingsScreen`], [`RequestWizard`], [`RequestsScreen`] with a [`RequestClock`]): view models the app draws as they are, in its language; the long calls
//!   (`ImportScreen.start`, `ShareScreen.share`, `ReceiveScreen.receive`) block, and their view
//!   listeners fire on the thread that called them;
//! - [`Viewer`]: one series slice by slice, rendered to RGBA with a [`Window`], its neighbours
//!   decoded ahead in the background, cine rate for multi-frame objects; a render is one
//!   [`RenderedSlice`] record whose pixels are copied once, on the app's side (`pixels.rs`).
//!
//! ## Threads and blocking
//! Every object is safe to use from any thread, and every call may be made from any thread.
//! Calls that read or write storage or decode images **block** the calling thread: `Vault.create`,
//! `Vault.open`, `unlock` (a key derivation of about 0.3 s with a passphrase), the library
//! listings, `thumbnail`, `delete_study`, `import_from` (seconds to minutes), `open_viewer` and
//! `Viewer.render`, `Viewer.render_for_view`, `ViewerScreen.render` and
//! `ViewerScreen.render_for_view` (milliseconds; instant when prefetched; a first image at the
//! view's size takes a fraction of a full decode, the full one is decoded on a background thread
//! meanwhile, so that the next render of that slice blocks only until it is done). Apps call
//! them off the main thread,
//! or use the `async` variants (`import_from_async`, `render_async`: Kotlin `suspend`, Swift
//! `async`), which run the work on a thread of their own and never block the caller's executor.
//! Quick calls that do not block: `lock`, `is_unlocked`, `id`, `slice_count`, `geometry`,
//! `cine`, `presets`, the [`CancelHandle`] methods.
//!
//! Callbacks into the app ([`KeyStore`], [`ImportListener`]) come on the thread doing the work,
//! never the app's main thread.
//!
//! ## Errors
//! [`ScanpassError`] is small and its messages are written for the patient; nothing in them names
//! the patient. The technical detail stays in the core's error, mapped in one place
//! (`error.rs`).

uniffi::setup_scaffolding!();

mod error;
mod import;
mod keys;
mod library;
mod log;
mod pixels;
mod platform_tls;
mod screens;
mod share;
mod viewer;

pub use error::{FieldError, KeyStoreError, ScanpassError};
pub use import::{
    CancelHandle, FileError, ImportEvent, ImportListener, ImportSource, ImportSummary,
};
#[cfg(feature = "desktop")]
pub use keys::desktop_key_store;
pub use keys::{passphrase_key_store, KeyStore};
pub use library::{Patient, Series, Study, Vault, VaultListener, VaultWatch};
pub use log::{set_logger, LogLevel, Logger};
pub use pixels::RenderedSliceWire;
pub use screens::{common_words, CommonWords};
pub use screens::{
    AppointmentEffect, AppointmentEvent, AppointmentMode, AppointmentView, AutoLock,
    AutoLockChoice, Confirmation, LanguageChoice, LibraryAction, LibraryDestination, LibraryEvent,
    LibraryScreen, LibraryView, PatientCard, SettingsEvent, SettingsScreen, SettingsView,
    StartEvent, StartScreen, StartStage, StartView, StudyCard,
};
pub use screens::{ImportScreen, MySharesScreen, ReceiveScreen, ShareScreen};
pub use screens::{RequestClock, RequestWizard, RequestsScreen};
pub use screens::{
    ViewerCalibration, ViewerCine, ViewerEvent, ViewerLabels, ViewerMeasurement, ViewerOrientation,
    ViewerOverlay, ViewerPoint, ViewerPreset, ViewerScreen, ViewerSeriesItem, ViewerTool,
    ViewerToolItem, ViewerView, ViewerWindow,
};
pub use share::{
    link_needs_passcode, link_qr_png, AccessEntry, Deidentify, ReceiveSummary, ShareInfo,
    ShareListener, ShareRequest, ShareResult, ShareStatus,
};
pub use viewer::{Cine, Geometry, Preset, RenderedSlice, SliceInfo, Viewer, Window};

/// The version of the Scanpass core these bindings were built from.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Run `work` on a thread of its own and await its result: how the `async` calls keep blocking
/// work off the caller's executor without a runtime of their own.
pub(crate) async fn on_thread<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> Result<T, ScanpassError> + Send + 'static,
) -> Result<T, ScanpassError> {
    let (tx, rx) = futures_channel::oneshot::channel();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let _ = tx.send(work());
        })
        .map_err(|_| ScanpassError::from(crate::error::Case::Storage))?;
    rx.await
        .map_err(|_| ScanpassError::from(crate::error::Case::Internal))?
}
