// The share sheet: draws the core's share form (what to include, the de-identification preset
// with its plain explanation, expiry, download limit, the passcode and its suggestion), its
// refusals by field and the burned-in-text warning; then the upload's progress; then the result:
// the link with ShareLink (the system share sheet), its QR code, the text to send with it and
// the passcode to send apart. The link carries the share's key: it is shown, never logged.

import Scanpass
import ScanpassKit
import SwiftUI

struct ShareSheetView: View {
    let store: ShareStore
    let close: () -> Void

    var body: some View {
        NavigationStack {
            content
                .navigationTitle(store.view?.title ?? "")
                .navigationBarTitleDisplayMode(.inline)
        }
        .interactiveDismissDisabled(store.running)
        .alert(store.message?.text ?? "", isPresented: showingMessage) {}
    }

    @ViewBuilder
    private var content: some View {
        if let view = store.view {
            if let done = view.result {
                ShareResultView(done: done, close: close)
            } else if let progress = view.progress {
                ShareProgress(progress: progress, cancel: store.cancel)
            } else {
                ShareFormView(store: store, form: view.form, error: view.error)
            }
        } else {
            ProgressView()
        }
    }

    private var showingMessage: Binding<Bool> {
        Binding(get: { store.message != nil }, set: { if !$0 { store.dismissMessage() } })
    }
}

struct ShareFormView: View {
    let store: ShareStore
    let form: ShareForm
    let error: String?
    @State private var passcode = ""

    var body: some View {
        Form {
            if let error {
                Text(error).foregroundStyle(.red)
            }
            Section(form.studiesLabel) {
                ForEach(form.studies, id: \.id) { study in
                    Toggle(isOn: toggle(study.selected) { Task { await store.toggleStudy(study.id) } }) {
                        VStack(alignment: .leading) {
                            Text(study.label)
                            Text(study.detail).detailStyle()
                        }
                    }
                    .accessibilityElement(children: .combine)
                    ForEach(study.series, id: \.id) { series in
                        Toggle(series.label, isOn: toggle(series.selected) {
                            Task { await store.toggleSeries(series.id) }
                        })
                        .padding(.leading, Theme.Spacing.large)
                    }
                }
                FieldError(text: store.error(for: "studies"))
                FieldError(text: store.error(for: "series"))
            }
            Section(form.presetLabel) {
                ForEach(form.presets, id: \.label) { choice in
                    Button {
                        Task { await store.setDeidentify(choice.preset) }
                    } label: {
                        HStack(alignment: .top) {
                            VStack(alignment: .leading, spacing: Theme.Spacing.small) {
                                Text(choice.label).foregroundStyle(.primary)
                                Text(choice.explanation).detailStyle()
                            }
                            Spacer()
                            Image(systemName: "checkmark").opacity(choice.selected ? 1 : 0)
                                .accessibilityHidden(true)
                        }
                    }
                    .accessibilityElement(children: .combine)
                    .accessibilityAddTraits(choice.selected ? [.isButton, .isSelected] : .isButton)
                }
            }
            if let warning = form.warning {
                Section {
                    Label(warning, systemImage: "exclamationmark.triangle.fill")
                        .foregroundStyle(.orange)
                }
            }
            Section {
                Picker(form.expiryLabel, selection: expiry) {
                    ForEach(form.expiry, id: \.days) { Text($0.label).tag($0.days) }
                }
                FieldError(text: store.error(for: "expiry"))
                Picker(form.downloadsLabel, selection: downloads) {
                    ForEach(form.downloads, id: \.label) { Text($0.label).tag($0.limit) }
                }
                FieldError(text: store.error(for: "downloads"))
            }
            Section {
                Toggle(form.passcode.useLabel, isOn: toggle(form.passcode.enabled) {
                    Task { await store.usePasscode(!form.passcode.enabled) }
                })
                if form.passcode.enabled {
                    TextField(form.passcode.label, text: $passcode)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                        .accessibilityLabel(form.passcode.label)
                        .onSubmit { Task { await store.setPasscode(passcode) } }
                        .onChange(of: passcode) { _, text in Task { await store.setPasscode(text) } }
                    Button(form.passcode.suggestLabel) {
                        Task {
                            await store.useSuggestedPasscode()
                            passcode = store.view?.form.passcode.value ?? passcode
                        }
                    }
                    .accessibilityHint(form.passcode.suggestion)
                    FieldError(text: store.error(for: "passcode"))
                }
            } footer: {
                Text(form.passcode.hint)
            }
            Section {
                Button(form.submit) { Task { await store.share() } }
                    .bold()
                    .disabled(store.running)
                    .accessibilityLabel(form.submit)
            }
        }
        .onAppear { passcode = form.passcode.value }
    }

    private var expiry: Binding<UInt32> {
        Binding(get: { form.expiry.first { $0.selected }?.days ?? 0 },
                set: { days in Task { await store.setExpiry(days: days) } })
    }

    private var downloads: Binding<UInt32?> {
        Binding(get: { form.downloads.first { $0.selected }?.limit },
                set: { limit in Task { await store.setDownloadLimit(limit) } })
    }

    /// A toggle showing the core's state; flipping it sends the event and the core's view follows.
    private func toggle(_ on: Bool, _ flip: @escaping () -> Void) -> Binding<Bool> {
        Binding(get: { on }, set: { _ in flip() })
    }
}

struct ShareProgress: View {
    let progress: ShareProgressView
    let cancel: () -> Void

    var body: some View {
        VStack(spacing: Theme.Spacing.large) {
            Text(progress.text).font(.headline)
            if let fraction = progress.fraction {
                ProgressView(value: Double(fraction)).accessibilityLabel(progress.text)
            } else {
                ProgressView().accessibilityLabel(progress.text)
            }
            Button(progress.cancelLabel, role: .cancel, action: cancel)
                .disabled(!progress.canCancel)
        }
        .padding(Theme.Spacing.large)
    }
}

struct ShareResultView: View {
    let done: ShareDone
    let close: () -> Void

    var body: some View {
        List {
            Section {
                if let qr = UIImage(data: done.qrPng) {
                    Image(uiImage: qr)
                        .interpolation(.none)
                        .resizable()
                        .scaledToFit()
                        .frame(maxWidth: 240)
                        .frame(maxWidth: .infinity)
                        .accessibilityLabel(done.qrDescription)
                }
                Text(done.message).textSelection(.enabled)
                ShareLink(item: done.message) {
                    Label(done.sendLabel, systemImage: "square.and.arrow.up")
                }
                if let passcodeMessage = done.passcodeMessage {
                    Text(passcodeMessage).textSelection(.enabled)
                    ShareLink(item: passcodeMessage) {
                        Label(done.sendPasscodeLabel ?? passcodeMessage, systemImage: "key")
                    }
                }
                if let note = done.passcodeNote { Text(note).detailStyle() }
                if let warning = done.warning {
                    Label(warning, systemImage: "exclamationmark.triangle").foregroundStyle(.orange)
                }
            } header: {
                Text(done.title).font(.headline).textCase(nil).accessibilityAddTraits(.isHeader)
            }
        }
        .toolbar {
            ToolbarItem(placement: .confirmationAction) {
                Button(action: close) { Image(systemName: "xmark") }
                    .accessibilityLabel(done.doneLabel)
            }
        }
    }
}
