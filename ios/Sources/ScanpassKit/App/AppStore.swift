// The app's store: which phase the app is in (the start and lock screen, the library, a failure
// in the core's words), the navigation stack and sheet (ids only, restorable), and the stores of
// the screens that show.
//
// Whether the library may show is the core's to say (StartView.showLibrary): the app follows it,
// so a lock (the patient's, or the core's auto-lock) takes the library and everything above it
// off the screen at once.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class AppStore {
    public enum Phase {
        /// The vault is being opened.
        case starting
        /// The start and lock screen: create the vault, or unlock it (the core's StartView).
        case start(StartStore)
        /// The vault is open: the library is the root of the stack.
        case library(LibraryStore)
        /// Opening failed: the core's sentence (the key store unavailable, ...).
        case failed(PatientMessage)
    }

    public private(set) var phase: Phase = .starting
    /// The navigation stack above the library.
    public var path: [Route] = []
    /// The flow shown as a sheet, if any.
    public var sheet: Sheet?
    /// The language the core words everything in (BCP 47).
    public let locale: String
    /// The open vault, once the start screen opened it.
    public private(set) var vault: Vault?
    /// The start and lock screen, once `start` ran: also while the library shows (the lock
    /// button, the idle timer).
    public private(set) var startStore: StartStore?
    /// Appointment mode over the open vault (the library hides while it is on).
    public private(set) var appointment: AppointmentStore?
    /// The vault folder (settings live beside the vault, in the core's file).
    public private(set) var directory: URL?

    @ObservationIgnored private var keys: (any KeyStore)?
    @ObservationIgnored private var biometrics: (any BiometricPrompt)?
    @ObservationIgnored private var availability: (any BiometricAvailability)?

    public init(locale: String = CoreLocale.current) {
        self.locale = locale
    }

    // MARK: navigation

    public func open(_ route: Route) { path.append(route) }
    public func show(_ sheet: Sheet) { self.sheet = sheet }
    public func dismissSheet() { sheet = nil }
    public func popToRoot() { path.removeAll() }

    // MARK: restoration

    /// The stack and sheet, to save (SwiftUI: @SceneStorage) when the app goes to the background.
    public var restoration: Restoration {
        Restoration(path: path, sheet: sheet)
    }

    /// The saved form of `restoration`.
    public var restorationData: Data {
        (try? JSONEncoder().encode(restoration)) ?? Data()
    }

    /// Put back a saved stack and sheet. Unreadable data (from another version) is ignored: the
    /// app starts at the library. A restored id that is gone by now is the screen's to report:
    /// its model answers "no longer in your library" (ScanpassError.NotFound).
    public func restore(from data: Data) {
        guard let saved = try? JSONDecoder().decode(Restoration.self, from: data) else { return }
        path = saved.path
        sheet = saved.sheet
    }

    // MARK: the vault

    /// Open the start screen over the vault folder `directory`: the core says whether to create
    /// the vault or unlock it, and when the library may show. `keys`: the Keychain key store
    /// (the vault key is kept there too once the patient turns Face ID / Touch ID on in the
    /// settings); `biometrics`: what appointment mode asks before leaving when the core says so;
    /// `availability`: what the device can do, told to the core.
    public func start(
        in directory: URL,
        keys: (any KeyStore)?,
        biometrics: (any BiometricPrompt)? = nil,
        availability: (any BiometricAvailability)? = nil
    ) async {
        phase = .starting
        self.directory = directory
        self.keys = keys
        self.biometrics = biometrics
        self.availability = availability
        let start = StartStore()
        startStore = start
        start.onView = { [weak self] view in self?.follow(view) }
        await start.open(in: directory, deviceKeys: keys, locale: locale)
        await refreshBiometrics()
        if let message = start.message, start.view == nil {
            phase = .failed(message)
        } else if case .starting = phase {
            phase = .start(start)
        }
    }

    /// The start screen's view changed: show the library when the core says so, the start
    /// screen otherwise.
    private func follow(_ view: StartView) {
        guard let start = startStore else { return }
        guard view.showLibrary else {
            // a sheet shows over any phase: a flow open at the lock (a share form, an import's
            // summary) must go with the library; the stack is kept, for after the unlock
            sheet = nil
            phase = .start(start)
            return
        }
        if case .library = phase { return }
        Task { await showLibrary(from: start) }
    }

    private func showLibrary(from start: StartStore) async {
        guard let vault = await start.vault() else { return }
        self.vault = vault
        let library = LibraryStore(vault: vault, locale: locale)
        appointment = AppointmentStore(vault: vault, deviceKeys: keys, locale: locale, biometrics: biometrics)
        phase = .library(library)
        await library.load()
    }

    /// Tell the core what the device can do now (on start, and when the app comes back: a face
    /// or finger may have been enrolled or removed meanwhile).
    public func refreshBiometrics() async {
        guard let availability, let start = startStore else { return }
        await start.deviceBiometrics(availability.biometrics())
    }

    /// The settings screen's store over the vault folder, with the Face ID / Touch ID switch
    /// when the app has a Keychain key store and the vault is open.
    public func settingsStore() -> SettingsStore? {
        guard let directory else { return nil }
        return SettingsStore(directory: directory, locale: locale, vault: vault, deviceKeys: keys, availability: availability)
    }

    /// Show a failure that happened before the core was reached (the app's container could not
    /// be prepared): the system's own description of it.
    public func fail(with error: any Error) {
        phase = .failed(PatientMessage(error))
    }

    /// Lock now: the core locks the vault and says to show the start screen.
    public func lock() async {
        await startStore?.lock()
    }
}
