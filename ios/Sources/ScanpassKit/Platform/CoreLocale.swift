// The one piece of language handling the platform does: telling the core which language the
// patient reads. The core picks its catalogue from the tag (falling back to English) and words
// everything itself; Swift formats no name, date, size or count.

import Foundation

public enum CoreLocale {
    /// The patient's first preferred language as a BCP 47 tag ("fr-CA"), the form
    /// `LibraryScreen(vault:locale:)` and the other screens take.
    public static var current: String {
        tag(Locale.preferredLanguages.first ?? Locale.current.identifier)
    }

    /// `fr_CA` (a locale identifier) or `fr-CA` -> `fr-CA`.
    public static func tag(_ identifier: String) -> String {
        let tag = identifier.replacingOccurrences(of: "_", with: "-")
        // drop "@calendar=..." style keywords: the core reads the language and the region
        return String(tag.prefix { $0 != "@" })
    }
}
