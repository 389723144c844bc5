// Settings: the core's SettingsView (the relay shares go through, auto-lock, language, Face ID /
// Touch ID unlock), each change sent to the core, which saves it or refuses it by field.

import Scanpass
import ScanpassKit
import SwiftUI

struct SettingsScreenView: View {
    let store: SettingsStore
    @State private var relay = ""

    var body: some View {
        Form {
            if let view = store.view {
                Section {
                    TextField(view.relayLabel, text: $relay)
                        .keyboardType(.URL)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                        .accessibilityLabel(view.relayLabel)
                        .onSubmit { Task { await store.setRelay(relay) } }
                    FieldError(text: store.message?.message(for: "relay"))
                } header: {
                    Text(view.relayLabel)
                } footer: {
                    Text(view.relayHelp)
                }
                Section {
                    Picker(view.autoLockLabel, selection: autoLock(view)) {
                        ForEach(view.autoLock, id: \.label) { Text($0.label).tag($0.value) }
                    }
                }
                if let device = view.deviceUnlock {
                    Section {
                        Toggle(device.label, isOn: deviceUnlock(device))
                            .disabled(!device.enabled)
                            .accessibilityLabel(device.label)
                            .accessibilityHint(device.help)
                        if let note = device.note { Text(note).foregroundStyle(.secondary) }
                        if let feedback = device.feedback { Text(feedback).foregroundStyle(.red) }
                    } footer: {
                        Text(device.help)
                    }
                }
                Section {
                    Picker(view.languageLabel, selection: language(view)) {
                        ForEach(view.languages, id: \.name) { Text($0.name).tag($0.code) }
                    }
                }
            }
        }
        .navigationTitle(store.view?.title ?? "")
        .task {
            await store.load()
            relay = store.view?.relay ?? ""
        }
        .onChange(of: store.view?.relay) { _, value in relay = value ?? relay }
    }

    private func autoLock(_ view: SettingsView) -> Binding<AutoLock> {
        Binding(get: { view.autoLock.first { $0.selected }?.value ?? .fiveMinutes },
                set: { value in Task { await store.setAutoLock(value) } })
    }

    private func deviceUnlock(_ device: DeviceUnlockView) -> Binding<Bool> {
        Binding(get: { device.on }, set: { on in Task { await store.setDeviceUnlock(on) } })
    }

    private func language(_ view: SettingsView) -> Binding<String?> {
        Binding(get: { view.languages.first { $0.selected }?.code },
                set: { code in Task { await store.setLanguage(code) } })
    }
}
