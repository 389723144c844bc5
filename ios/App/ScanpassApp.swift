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
        }
    }

    private func start() async {
        do {
            let folder = try VaultLocation.standard()
            await app.start(in: folder, keys: AppKeyStore.make())
        } catch {
            app.fail(with: error)
        }
    }
}
