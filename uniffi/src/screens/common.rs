//! The chrome's words every screen shares (core `screens::common`).

use scanpass_core::screens::common as core;
use scanpass_core::text::Language;

/// A top bar's back, a sheet's close and done, and the platform's fingerprint or face prompt's
/// title and cancel button, in the app's language.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CommonWords {
    pub back: String,
    pub close: String,
    pub done: String,
    pub biometric_title: String,
    pub biometric_cancel: String,
}

/// The chrome's words in `locale` (the platform's tag, such as `fr-CA`). Quick; any thread.
#[uniffi::export]
pub fn common_words(locale: String) -> CommonWords {
    let w = core::common_words(Language::from_locale(&locale));
    CommonWords {
        back: w.back,
        close: w.close,
        done: w.done,
        biometric_title: w.biometric_title,
        biometric_cancel: w.biometric_cancel,
    }
}
