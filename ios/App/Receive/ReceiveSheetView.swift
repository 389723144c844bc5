// The receive sheet: draws the core's ReceiveScreenView. A link arrives typed, pasted (the
// system's PasteButton: no prompt, worded by iOS), scanned from a QR code (VisionKit's
// DataScannerViewController, the core's scan label) or as a universal link (RootView's
// onOpenURL hands it to the store). The core checks it, asks for the passcode with the attempts
// left, and words the progress and the result.

import Scanpass
import ScanpassKit
import SwiftUI

struct ReceiveSheetView: View {
    let store: ReceiveStore
    let close: () -> Void

    @State private var link = ""
    @State private var passcode = ""
    @State private var scanning = false

    var body: some View {
        NavigationStack {
            content
                .navigationTitle(store.view?.title ?? "")
                .navigationBarTitleDisplayMode(.inline)
        }
        .task {
            if store.view == nil { await store.load() }
            link = store.view?.link ?? ""
        }
        .interactiveDismissDisabled(store.running)
        .sheet(isPresented: $scanning) {
            QRScannerView { text in
                scanning = false
                link = text
                Task { await store.setLink(text) }
            }
            .ignoresSafeArea()
        }
        .alert(store.message?.text ?? "", isPresented: showingMessage) {}
    }

    @ViewBuilder
    private var content: some View {
        if let view = store.view {
            if let result = view.result {
                List {
                    Section {
                        ForEach(result.lines, id: \.self) { Text($0) }
                        ForEach(result.notes, id: \.self) { Text($0).detailStyle() }
                    } header: {
                        Text(result.title).font(.headline).textCase(nil).accessibilityAddTraits(.isHeader)
                    }
                }
                .toolbar {
                    ToolbarItem(placement: .confirmationAction) {
                        Button(action: close) { Image(systemName: "xmark") }.accessibilityLabel(view.doneLabel)
                    }
                }
            } else if let progress = view.progress {
                VStack(spacing: Theme.Spacing.large) {
                    Text(progress.text).font(.headline)
                    if let fraction = progress.fraction {
                        ProgressView(value: Double(fraction)).accessibilityLabel(progress.text)
                    } else {
                        ProgressView().accessibilityLabel(progress.text)
                    }
                    Button(progress.cancelLabel, role: .cancel) { store.cancel() }
                }
                .padding(Theme.Spacing.large)
            } else {
                form(view)
            }
        } else {
            ProgressView()
        }
    }

    private func form(_ view: ReceiveScreenView) -> some View {
        Form {
            if let error = view.error {
                Text(error).foregroundStyle(.red)
            }
            Section {
                TextField(view.linkLabel, text: $link, axis: .vertical)
                    .keyboardType(.URL)
                    .textInputAutocapitalization(.never)
                    .autocorrectionDisabled()
                    .accessibilityLabel(view.linkLabel)
                    .onChange(of: link) { _, text in Task { await store.setLink(text) } }
                FieldError(text: view.linkError)
                PasteButton(payloadType: String.self) { strings in
                    guard let text = strings.first else { return }
                    link = text
                    Task { await store.setLink(text) }
                }
                Button {
                    scanning = true
                } label: {
                    Label(view.scanLabel, systemImage: "qrcode.viewfinder")
                }
                .accessibilityLabel(view.scanLabel)
            }
            if let prompt = view.passcode {
                Section {
                    Text(prompt.message)
                    SecureField(prompt.label, text: $passcode)
                        .accessibilityLabel(prompt.label)
                    FieldError(text: prompt.error)
                }
            }
            Section {
                Button(view.submit) {
                    Task { await store.receive(passcode: view.passcode == nil ? nil : passcode) }
                }
                .bold()
                .disabled(!view.canOpen || store.running)
                .accessibilityLabel(view.submit)
            }
        }
    }

    private var showingMessage: Binding<Bool> {
        Binding(get: { store.message != nil }, set: { if !$0 { store.dismissMessage() } })
    }
}
