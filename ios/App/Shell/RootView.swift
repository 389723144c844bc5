// The shell: what the app's phase says to show (the core's start and lock screen, or the
// library), the navigation stack over the library (its path is the AppStore's ids, saved with
// @SceneStorage and restored at the next launch), the sheets for flows, appointment mode
// replacing everything while the core says it is on, and a universal link opening the receive
// sheet.

import Scanpass
import ScanpassKit
import SwiftUI

struct RootView: View {
    @Bindable var app: AppStore
    /// The stack and sheet as ids (no patient data), kept by the system for this scene.
    @SceneStorage("scanpass.restoration") private var saved: Data?
    @Environment(\.scenePhase) private var scenePhase
    /// A link that opened the app, waiting for the receive sheet (never saved: it holds a key).
    @State private var incoming: URL?

    var body: some View {
        Group {
            switch app.phase {
            case .starting:
                StartingView()
            case let .start(start):
                StartScreenView(store: start)
            case let .failed(message):
                FailureView(message: message)
            case let .library(library):
                if let appointment = app.appointment, appointment.isActive, let vault = app.vault {
                    // the core hides the library and the navigation until the unlock
                    AppointmentScreenView(appointment: appointment, vault: vault, locale: app.locale)
                } else {
                    NavigationStack(path: $app.path) {
                        LibraryScreenView(store: library, app: app)
                            .navigationDestination(for: Route.self) { route in
                                RouteView(route: route, app: app)
                            }
                    }
                }
            }
        }
        .sheet(item: $app.sheet) { sheet in
            SheetView(sheet: sheet, app: app, incoming: $incoming)
        }
        .onAppear {
            if let saved { app.restore(from: saved) }
        }
        .onChange(of: app.restoration) { saved = app.restorationData }
        // a universal link (applinks) or a scanpass link from another app: the receive sheet, when
        // the core's appointment model says links may open; else it waits until the mode ends
        .onOpenURL { url in
            incoming = url
            openIncoming()
        }
        .onChange(of: app.appointment?.linksMayOpen) { _, _ in openIncoming() }
        // the core's auto-lock counts from these
        .onChange(of: scenePhase) { _, phase in
            Task {
                switch phase {
                case .background: await app.startStore?.background()
                case .active:
                    await app.startStore?.tick()
                    // a face or finger enrolled or removed while away: the core decides the button
                    await app.refreshBiometrics()
                default: break
                }
            }
        }
        // the core's idle clock, once the start screen exists (ScanpassApp starts it in a task)
        .task(id: app.startStore != nil) { await app.startStore?.watchIdle() }
        .simultaneousGesture(TapGesture().onEnded { Task { await app.startStore?.activity() } })
    }

    /// Shows the receive sheet for the waiting link, if the core lets links open now.
    private func openIncoming() {
        guard incoming != nil, app.appointment?.linksMayOpen ?? true else { return }
        app.show(.receive)
    }
}

/// The screen a route shows, with its store.
struct RouteView: View {
    let route: Route
    let app: AppStore

    var body: some View {
        if let vault = app.vault {
            switch route {
            case let .study(id):
                StudyScreen(studyId: id, vault: vault, app: app)
            case .myShares:
                MySharesScreenView(store: MySharesStore(vault: vault, locale: app.locale))
            case .requests:
                RequestsScreenView(store: RequestsStore(vault: vault, locale: app.locale, clock: .system())) { id in
                    app.show(.requestWizard(resumeId: id))
                }
            case .settings:
                if let store = app.settingsStore() {
                    SettingsScreenView(store: store)
                }
            }
        }
    }
}

struct StudyScreen: View {
    let studyId: String
    let vault: Vault
    let app: AppStore
    @State private var store = ViewerStore()

    var body: some View {
        ViewerScreenView(store: store, appointment: nil)
            .task { await store.open(vault: vault, studyId: studyId, locale: app.locale) }
    }
}

/// The flow a sheet shows, with its store.
struct SheetView: View {
    let sheet: Sheet
    let app: AppStore
    @Binding var incoming: URL?

    var body: some View {
        if let vault = app.vault {
            switch sheet {
            case .importImages:
                ImportSheetView(store: ImportStore(vault: vault, locale: app.locale)) { app.dismissSheet() }
            case let .share(studyId):
                ShareFlow(studyId: studyId, vault: vault, app: app)
            case .receive:
                ReceiveFlow(vault: vault, app: app, incoming: $incoming)
            case let .requestWizard(resumeId):
                WizardFlow(resumeId: resumeId, vault: vault, app: app)
            }
        }
    }
}

struct ShareFlow: View {
    let studyId: String
    let vault: Vault
    let app: AppStore
    @State private var store = ShareStore()

    var body: some View {
        ShareSheetView(store: store) { app.dismissSheet() }
            .task {
                guard store.view == nil, let directory = app.directory else { return }
                let relay = await SettingsStore(directory: directory, locale: app.locale).relay()
                await store.open(vault: vault, studyId: studyId, relay: relay, locale: app.locale)
            }
    }
}

struct ReceiveFlow: View {
    let vault: Vault
    let app: AppStore
    @Binding var incoming: URL?
    @State private var store: ReceiveStore?

    var body: some View {
        Group {
            if let store {
                ReceiveSheetView(store: store) { app.dismissSheet() }
            } else {
                ProgressView()
            }
        }
        .task {
            let made = ReceiveStore(vault: vault, locale: app.locale)
            await made.load()
            if let url = incoming {
                incoming = nil
                await made.open(url)
            }
            store = made
        }
    }
}

struct WizardFlow: View {
    let resumeId: String?
    let vault: Vault
    let app: AppStore
    @State private var store = RequestWizardStore()

    var body: some View {
        RequestWizardView(store: store) { app.dismissSheet() }
            .task {
                guard store.view == nil else { return }
                await store.open(vault: vault, locale: app.locale, clock: .system(), resumeId: resumeId)
            }
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
