// INTERIM: the few words the app shows that the core's models do not carry yet (issue 17 asks
// for them). Every other word a patient reads comes from the core, in the patient's language.
// These are English and French only, chosen by the language tag the core reads; each goes when
// the core's model gains the field named beside it.

import ScanpassKit

enum InterimText {
    private static var french: Bool { CoreLocale.current.hasPrefix("fr") }

    /// LibraryView: the import action's label (VoiceOver and the menu).
    static var importImages: String { french ? "Importer des images" : "Import images" }
    /// LibraryView: receiving a link.
    static var receive: String { french ? "Recevoir un lien" : "Receive a link" }
    /// LibraryView: the shares list.
    static var myShares: String { french ? "Mes partages" : "My shares" }
    /// LibraryView: the requests list.
    static var requests: String { french ? "Demander vos images" : "Request your images" }
    /// LibraryView: settings.
    static var settings: String { french ? "Réglages" : "Settings" }
    /// StudyCard: share this study.
    static var share: String { french ? "Partager" : "Share" }
    /// StudyCard: appointment mode on this study.
    static var showDoctor: String { french ? "Montrer au médecin" : "Show a doctor" }
    /// ReceiveScreenView: paste the link from the clipboard.
    static var paste: String { french ? "Coller" : "Paste" }
    /// AppointmentView: the Guided Access suggestion (the core's model has no such sentence).
    static var guidedAccess: String {
        french
            ? "Pour que personne ne quitte Scanpass pendant le rendez-vous, activez l'Accès guidé : Réglages > Accessibilité > Accès guidé, puis triple-clic sur le bouton latéral."
            : "To keep anyone from leaving Scanpass during the appointment, turn on Guided Access: Settings > Accessibility > Guided Access, then triple-click the side button."
    }
    /// AppointmentView: shown instead of the image while the screen is recorded or mirrored.
    static var hiddenWhileCaptured: String {
        french ? "Masqué pendant l'enregistrement de l'écran." : "Hidden while the screen is being recorded."
    }
    /// ViewerView: the gesture mode switch (scroll slices or adjust the window).
    static var windowMode: String { french ? "Régler le contraste" : "Adjust contrast" }
    /// RequestWizardView / RequestsView: save the letter.
    static var saveLetter: String { french ? "Enregistrer la lettre" : "Save the letter" }
    /// ViewerView: the gesture modes and the buttons the model has no label for.
    static var scrollMode: String { french ? "Faire défiler les coupes" : "Scroll slices" }
    static var measureMode: String { french ? "Mesurer" : "Measure" }
    static var invert: String { french ? "Inverser" : "Invert" }
    static var reset: String { french ? "Réinitialiser" : "Reset" }
    static var play: String { french ? "Lecture" : "Play" }
    static var pause: String { french ? "Pause" : "Pause" }
    static var presets: String { french ? "Fenêtres" : "Windows" }
}
