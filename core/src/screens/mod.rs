//! The app's screens as state and rules (issue 17): for each screen, events in, a view model out
//! (plain records the Android and iOS shells draw as they are: display-ready, in the app's
//! language), in the manner of Crux's `Event` / `ViewModel`. The shells hold no rule: whatever
//! an Android and an iOS screen would both need to decide is decided here, once, and tested by
//! driving events in Rust.
//!
//! Threads: a screen's `view` and `handle` block on the vault (the index lock, a few
//! milliseconds); call them off the main thread. Change hooks ([`crate::vault::Vault::on_change`])
//! fire on the thread that made the change.

pub mod appointment;
pub mod common;
pub mod import;
pub mod library;
pub mod receive;
pub mod request;
pub mod settings;
pub mod share;
pub mod start;
pub mod viewer;
