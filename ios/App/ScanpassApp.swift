// The app's entry point: one AppStore, the Keychain key store, the vault in the app's container.
// Everything the app decides comes from the core through ScanpassKit's stores; the views draw.

import ScanpassKit
import SwiftUI

@main
struct ScanpassApp: App {
    @State private var app = AppStore()

    var body: some Scene {
        WindowGroup {
            RootView(app: app)
                .task { await start() }
                #if DEBUG
                .task(id: app.vault != nil) { await UITestHooks.importSamples(into: app) }
                #endif
        }
    }

    private func start() async {
        do {
            #if DEBUG
            let folder = try UITestHooks.vaultFolder() ?? VaultLocation.standard()
            #else
            let folder = try VaultLocation.standard()
            #endif
            await app.start(
                in: folder,
                keys: AppKeyStore.make(vaultIn: folder),
                biometrics: DeviceBiometrics(),
                availability: DeviceBiometrics()
            )
        } catch {
            app.fail(with: error)
        }
    }
}

#if DEBUG
/// What the UI test (App/UITests) sets through the launch environment; debug builds only.
///   SCANPASS_UITEST_FRESH=1          a new, empty vault folder for this launch
///   SCANPASS_UITEST_IMPORT=<folder>  import that folder (a CD copy on the Mac the simulator
///                                    runs on) once the library shows, as the import sheet does
enum UITestHooks {
    static let env = ProcessInfo.processInfo.environment

    static func vaultFolder() throws -> URL? {
        guard env["SCANPASS_UITEST_FRESH"] == "1" else { return nil }
        let parent = FileManager.default.temporaryDirectory
            .appendingPathComponent("uitest-\(UUID().uuidString)", isDirectory: true)
        return try VaultLocation.prepare(parent: parent)
    }

    @MainActor
    static func importSamples(into app: AppStore) async {
        guard let path = env["SCANPASS_UITEST_IMPORT"], let vault = app.vault else { return }
        let store = ImportStore(vault: vault, locale: app.locale)
        await store.importPicked(PickedFiles([URL(fileURLWithPath: path, isDirectory: true)]))
    }
}
#endif
