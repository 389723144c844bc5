// The shell: what the app's phase says to show, the navigation stack over the library (its path
// is the AppStore's ids, saved with @SceneStorage and restored at the next launch), the sheets.

import ScanpassKit
import SwiftUI

struct RootView: View {
    @Bindable var app: AppStore
    /// The stack and sheet as ids (no patient data), kept by the system for this scene.
    @SceneStorage("scanpass.restoration") private var saved: Data?

    var body: some View {
        Group {
            switch app.phase {
            case .starting:
                StartingView()
            case let .failed(message):
                FailureView(message: message)
            case let .library(library):
                NavigationStack(path: $app.path) {
                    LibraryScreenView(store: library)
                        .navigationDestination(for: Route.self) { route in
                            RouteView(route: route)
                        }
                }
            }
        }
        .sheet(item: $app.sheet) { sheet in
            SheetView(sheet: sheet)
        }
        .onAppear {
            if let saved { app.restore(from: saved) }
        }
        .onChange(of: app.restoration) { saved = app.restorationData }
    }
}

/// The screen a route shows. The viewer is the core's ViewerScreen model (issue 17), being
/// written: until it merges, a study opens on a placeholder.
struct RouteView: View {
    let route: Route

    var body: some View {
        switch route {
        case let .study(id):
            PendingScreenView(systemImage: "photo.stack")
                .id(id)
        }
    }
}

/// The flow a sheet shows. Import is the core's ImportScreen model (issue 17), being written.
struct SheetView: View {
    let sheet: Sheet

    var body: some View {
        switch sheet {
        case .importImages:
            PendingScreenView(systemImage: "square.and.arrow.down")
        }
    }
}

/// Stands where a screen whose core model has not merged yet will go. It shows a symbol only:
/// every word a patient reads comes from the core.
struct PendingScreenView: View {
    let systemImage: String

    var body: some View {
        Image(systemName: systemImage)
            .font(.largeTitle)
            .foregroundStyle(.secondary)
            .accessibilityHidden(true)
    }
}

struct StartingView: View {
    var body: some View {
        ProgressView()
            .controlSize(.large)
    }
}

/// Opening the vault failed: the core's sentence.
struct FailureView: View {
    let message: PatientMessage

    var body: some View {
        ContentUnavailableView {
            Image(systemName: "lock.trianglebadge.exclamationmark")
                .accessibilityHidden(true)
        } description: {
            Text(message.text)
        }
    }
}
