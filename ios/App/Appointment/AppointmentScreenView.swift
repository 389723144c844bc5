// Appointment mode: while the core's AppointmentView says `active`, the app shows only the
// pinned study in the viewer, with the core's banner and leave button: no library, no
// navigation (`showNavigation`). Leaving asks what the core asks (Face ID through the store, or
// the passphrase here, with the attempts left). While `blockScreenshots` is on, the content sits
// in a secure layer that screenshots and recordings capture blank, is replaced while the screen
// is recorded or mirrored (sceneCaptureState / UIScreen.capturedDidChangeNotification), and is
// redacted in the app switcher. Guided Access (which keeps the doctor in the app) is suggested
// in the core's words (`guidedAccessHint`), as is the sentence shown while the screen is recorded.

import Scanpass
import ScanpassKit
import SwiftUI
import UIKit

struct AppointmentScreenView: View {
    let appointment: AppointmentStore
    let vault: Vault
    let locale: String

    @State private var passphrase = ""
    @State private var viewer = ViewerStore()

    var body: some View {
        NavigationStack {
            ViewerScreenView(store: viewer, appointment: appointment)
                .navigationBarBackButtonHidden(true)
                .safeAreaInset(edge: .top) { banner }
                .toolbar {
                    ToolbarItem(placement: .cancellationAction) {
                        Button(appointment.view?.leaveLabel ?? "") {
                            Task { await appointment.leave() }
                        }
                        .accessibilityLabel(appointment.view?.leaveLabel ?? "")
                    }
                    ToolbarItem(placement: .topBarTrailing) {
                        Toggle(isOn: hideName) {
                            Image(systemName: "person.crop.circle.badge.xmark")
                        }
                        .toggleStyle(.button)
                        .accessibilityLabel(appointment.view?.hideNameLabel ?? "")
                    }
                }
        }
        .task {
            if let id = appointment.view?.pinnedStudyId {
                await viewer.open(vault: vault, studyId: id, locale: locale)
                if let series = appointment.view?.pinnedSeriesId { await viewer.selectSeries(series) }
                await viewer.hideName(appointment.view?.hidePatientName ?? true)
            }
        }
        .captureProtected(appointment.view?.blockScreenshots ?? false,
                          hiddenText: appointment.view?.hiddenWhileRecorded ?? "")
        .alert(appointment.passphrasePrompt ?? "", isPresented: asking) {
            SecureField(appointment.view?.passphraseLabel ?? "", text: $passphrase)
            Button(appointment.view?.leaveLabel ?? "") {
                let text = passphrase
                passphrase = ""
                Task { await appointment.passphrase(text) }
            }
            Button(appointment.view?.stayLabel ?? "", role: .cancel) {
                Task { await appointment.cancelLeave() }
            }
        } message: {
            let lines = [appointment.view?.feedback, appointment.view?.attemptsLeftText].compactMap { $0 }
            if !lines.isEmpty { Text(lines.joined(separator: "\n")) }
        }
    }

    @ViewBuilder
    private var banner: some View {
        VStack(alignment: .leading, spacing: Theme.Spacing.small) {
            if let text = appointment.view?.banner {
                Text(text).font(.subheadline.bold())
            }
            if !UIAccessibility.isGuidedAccessEnabled, let hint = appointment.view?.guidedAccessHint {
                Text(hint).font(.footnote)
            }
        }
        .frame(maxWidth: .infinity, alignment: .leading)
        .padding(Theme.Spacing.medium)
        .background(.thinMaterial)
        .accessibilityElement(children: .combine)
    }

    private var hideName: Binding<Bool> {
        Binding(get: { appointment.view?.hidePatientName ?? true },
                set: { hide in Task { await appointment.setHidePatientName(hide) } })
    }

    private var asking: Binding<Bool> {
        Binding(get: { appointment.passphrasePrompt != nil }, set: { _ in })
    }
}

// MARK: - hiding content from screenshots, recording, mirroring and the app switcher

extension View {
    /// While `on`: content in a layer screenshots capture blank, replaced while the screen is
    /// recorded or mirrored, redacted in the app switcher.
    func captureProtected(_ on: Bool, hiddenText: String) -> some View {
        modifier(CaptureProtection(on: on, hiddenText: hiddenText))
    }
}

struct CaptureProtection: ViewModifier {
    let on: Bool
    /// The core's sentence shown instead of the content while the screen is recorded.
    let hiddenText: String
    @Environment(\.scenePhase) private var phase
    @State private var captured = UIScreen.main.isCaptured

    func body(content: Content) -> some View {
        Group {
            if on {
                ZStack {
                    SecureLayer { content }
                    if captured || phase != .active {
                        Color(.systemBackground)
                            .overlay { Text(hiddenText).padding() }
                    }
                }
                .privacySensitive()
            } else {
                content
            }
        }
        // iOS 17: the scene's capture state (recording, AirPlay, mirroring) as a trait
        .background(CaptureStateReader(captured: $captured))
        .onReceive(NotificationCenter.default.publisher(for: UIScreen.capturedDidChangeNotification)) { _ in
            captured = UIScreen.main.isCaptured
        }
    }
}

/// Reads UITraitCollection.sceneCaptureState (iOS 17) as it changes.
struct CaptureStateReader: UIViewRepresentable {
    @Binding var captured: Bool

    func makeUIView(context: Context) -> UIView {
        let view = UIView()
        view.isUserInteractionEnabled = false
        view.registerForTraitChanges([UITraitSceneCaptureState.self]) { (view: UIView, _) in
            captured = view.traitCollection.sceneCaptureState == .active
        }
        return view
    }

    func updateUIView(_ view: UIView, context: Context) {}
}

/// The secure text field's canvas: iOS leaves what is drawn in it out of screenshots and
/// recordings (the same layer that hides a typed password). The hosted content is placed in it.
struct SecureLayer<Content: View>: UIViewRepresentable {
    @ViewBuilder let content: () -> Content

    func makeUIView(context: Context) -> UIView {
        let field = UITextField()
        field.isSecureTextEntry = true
        field.isUserInteractionEnabled = true
        let canvas = field.subviews.first ?? UIView()
        canvas.subviews.forEach { $0.removeFromSuperview() }
        let host = UIHostingController(rootView: content())
        host.view.backgroundColor = .clear
        host.view.translatesAutoresizingMaskIntoConstraints = false
        canvas.addSubview(host.view)
        NSLayoutConstraint.activate([
            host.view.leadingAnchor.constraint(equalTo: canvas.leadingAnchor),
            host.view.trailingAnchor.constraint(equalTo: canvas.trailingAnchor),
            host.view.topAnchor.constraint(equalTo: canvas.topAnchor),
            host.view.bottomAnchor.constraint(equalTo: canvas.bottomAnchor),
        ])
        context.coordinator.host = host
        return canvas
    }

    func updateUIView(_ view: UIView, context: Context) {
        context.coordinator.host?.rootView = content()
    }

    func makeCoordinator() -> Coordinator { Coordinator() }

    final class Coordinator {
        var host: UIHostingController<Content>?
    }
}
