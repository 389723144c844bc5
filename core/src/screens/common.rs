//! The words of the shell's chrome that every screen shares (a top bar's back button, a sheet's
//! close and done), so that no screen's model repeats them and no shell keeps its own.

use crate::text::{self, Language};

/// The chrome's words, in the app's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonWords {
    /// A top bar's way back ("Back").
    pub back: String,
    /// Closes a full-screen picture or sheet ("Close").
    pub close: String,
    /// Ends a finished flow ("Done").
    pub done: String,
    /// The title of the platform's fingerprint or face prompt ("Confirm it's you").
    pub biometric_title: String,
    /// That prompt's cancel button ("Cancel").
    pub biometric_cancel: String,
}

/// The chrome's words in `lang`.
pub fn common_words(lang: Language) -> CommonWords {
    let m = |id: &str| text::message(lang, id, &[]);
    CommonWords {
        back: m("common-back"),
        close: m("common-close"),
        done: m("common-done"),
        biometric_title: m("common-biometric-title"),
        biometric_cancel: m("common-biometric-cancel"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chrome_speaks_both_languages() {
        let en = common_words(Language::En);
        assert_eq!(
            (en.back.as_str(), en.close.as_str(), en.done.as_str()),
            ("Back", "Close", "Done")
        );
        let fr = common_words(Language::Fr);
        assert_eq!(
            (fr.back.as_str(), fr.close.as_str(), fr.done.as_str()),
            ("Retour", "Fermer", "Terminé")
        );
        assert_eq!(
            (en.biometric_title.as_str(), en.biometric_cancel.as_str()),
            ("Confirm it's you", "Cancel")
        );
        assert_eq!(
            (fr.biometric_title.as_str(), fr.biometric_cancel.as_str()),
            ("Confirmez que c'est vous", "Annuler")
        );
    }
}
