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
            await app.start(in: try VaultLocation.standard(), keys: AppKeyStore.make())
        } catch {
            app.fail(with: error)
        }
    }
}
