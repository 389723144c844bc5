// The app's store: which phase the app is in (opening the vault, the library, a failure in the
// core's words), the navigation stack and sheet (ids only, restorable), and the stores of the
// screens that show.
//
// Opening the vault here is interim: the core's start and lock screen model (issue 17, being
// written) will say whether to create or unlock, what to ask the patient and when to lock; this
// store will then forward its events as LibraryStore does the library's.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class AppStore {
    public enum Phase {
        /// The vault is being opened or created.
        case starting
        /// The vault is open: the library is the root of the stack.
        case library(LibraryStore)
        /// Opening failed: the core's sentence (locked out, the key store unavailable, ...).
        case failed(PatientMessage)
    }

    public private(set) var phase: Phase = .starting
    /// The navigation stack above the library.
    public var path: [Route] = []
    /// The flow shown as a sheet, if any.
    public var sheet: Sheet?
    /// The language the core words everything in (BCP 47).
    public let locale: String
    /// The open vault, once `start` succeeded.
    public private(set) var vault: Vault?

    @ObservationIgnored private let core = CoreQueue(label: "app")

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

    // MARK: the vault (interim, see the top of this file)

    /// Open the vault in `directory` with `keys`, or create it there when there is none yet, and
    /// show the library.
    public func start(in directory: URL, keys: any KeyStore) async {
        phase = .starting
        let dir = directory.standardizedFileURL.path
        do {
            let vault = try await core.run { () throws -> Vault in
                if vaultExists(dir: dir) {
                    let vault = try Vault.open(dir: dir)
                    try vault.unlock(keys: keys)
                    return vault
                }
                return try Vault.create(dir: dir, keys: keys)
            }
            self.vault = vault
            let library = LibraryStore(vault: vault, locale: locale)
            phase = .library(library)
            await library.load()
        } catch {
            phase = .failed(PatientMessage(error))
        }
    }

    /// Show a failure that happened before the core was reached (the app's container could not
    /// be prepared): the system's own description of it.
    public func fail(with error: any Error) {
        phase = .failed(PatientMessage(error))
    }

    /// Lock the vault: its keys leave memory. The library shows the core's "locked" message
    /// until the vault is opened again.
    public func lock() {
        vault?.lock()
    }
}
