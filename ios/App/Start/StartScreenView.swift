// The start and lock screen: draws the core's StartView (create the vault, or unlock it) and
// sends back the passphrase or the device unlock. The core words the title, the message, every
// label, the feedback, the attempts left and the wait; it decides the stage.

import Scanpass
import ScanpassKit
import SwiftUI

struct StartScreenView: View {
    let store: StartStore
    @State private var passphrase = ""
    @State private var confirm = ""
    @FocusState private var focused: Bool

    var body: some View {
        Group {
            if let view = store.view {
                form(view)
            } else {
                ProgressView()
            }
        }
        .alert(store.message?.fields.isEmpty == true ? (store.message?.text ?? "") : "",
               isPresented: showingMessage) {}
    }

    private func form(_ view: StartView) -> some View {
        Form {
            Section {
                Text(view.message)
                    .font(.body)
            } header: {
                Text(view.title)
                    .font(.largeTitle.bold())
                    .textCase(nil)
                    .foregroundStyle(.primary)
                    .accessibilityAddTraits(.isHeader)
            }
            Section {
                SecureField(view.passphraseLabel, text: $passphrase)
                    .textContentType(view.confirmLabel == nil ? .password : .newPassword)
                    .focused($focused)
                    .accessibilityLabel(view.passphraseLabel)
                    .accessibilityHint(view.passphraseHint ?? "")
                FieldError(text: store.message?.message(for: "passphrase"))
                if let confirmLabel = view.confirmLabel {
                    SecureField(confirmLabel, text: $confirm)
                        .textContentType(.newPassword)
                        .accessibilityLabel(confirmLabel)
                    FieldError(text: store.message?.message(for: "confirm"))
                }
            } footer: {
                view.passphraseHint.map { Text($0) }
            }
            if let feedback = view.feedback {
                Section {
                    Text(feedback)
                        .foregroundStyle(.red)
                        .accessibilityAddTraits(.updatesFrequently)
                }
            }
            Section {
                Button(view.submitLabel) { Task { await submit(view) } }
                    .disabled(store.busy || view.retryInSeconds != nil)
                    .accessibilityLabel(view.submitLabel)
                if let device = view.deviceLabel {
                    Button(device) { Task { await store.unlockWithDevice() } }
                        .disabled(store.busy)
                        .accessibilityLabel(device)
                }
            }
        }
        .onAppear { focused = view.deviceLabel == nil }
        .overlay { if store.busy { ProgressView().controlSize(.large) } }
    }

    private func submit(_ view: StartView) async {
        switch view.stage {
        case .create:
            await store.create(passphrase: passphrase, confirm: confirm)
        case .unlock, .unlocked:
            await store.unlock(passphrase: passphrase)
        }
        passphrase = ""
        confirm = ""
    }

    private var showingMessage: Binding<Bool> {
        Binding(get: { store.message?.fields.isEmpty == true },
                set: { if !$0 { store.dismissMessage() } })
    }
}

/// A field's refusal in the core's words, under the field.
struct FieldError: View {
    let text: String?

    var body: some View {
        if let text {
            Text(text)
                .font(.footnote)
                .foregroundStyle(.red)
                .accessibilityAddTraits(.isStaticText)
        }
    }
}
