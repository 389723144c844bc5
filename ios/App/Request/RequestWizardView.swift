// Request your images, the wizard: draws the core's WizardView step by step. Each field as its
// kind says (text, multiline, date, email, phone, toggle, choice) with the core's label, hint,
// value and error; Next is the core's to refuse (it answers with the errors); the review lines
// and the letter (PDF bytes, saved with fileExporter or sent with ShareLink) are the core's.

import Scanpass
import ScanpassKit
import SwiftUI
import UniformTypeIdentifiers

struct RequestWizardView: View {
    let store: RequestWizardStore
    let close: () -> Void

    @State private var drafts: [String: String] = [:]
    @State private var letter: PDFLetter?

    var body: some View {
        NavigationStack {
            content
                .navigationTitle(store.view?.title ?? "")
                .navigationBarTitleDisplayMode(.inline)
        }
        .fileExporter(isPresented: exporting, document: letter, contentType: .pdf,
                      defaultFilename: "letter.pdf") { _ in letter = nil }
        .alert(store.message?.text ?? "", isPresented: showingMessage) {}
    }

    @ViewBuilder
    private var content: some View {
        if let view = store.view {
            Form {
                Section {
                    Text(view.help)
                } header: {
                    Text(view.progress).textCase(nil)
                }
                ForEach(view.errors, id: \.self) { Text($0).foregroundStyle(.red) }
                ForEach(view.warnings, id: \.self) { Label($0, systemImage: "exclamationmark.triangle") }
                ForEach(view.fields, id: \.id) { field in
                    Section {
                        fieldView(field)
                        FieldError(text: field.error)
                    } footer: {
                        field.hint.map { Text($0) }
                    }
                }
                if !view.review.isEmpty {
                    Section {
                        ForEach(Array(view.review.enumerated()), id: \.offset) { _, item in
                            Button {
                                Task { await store.edit(step: item.step) }
                            } label: {
                                LabeledContent(item.label, value: item.value)
                            }
                            .accessibilityElement(children: .combine)
                        }
                    }
                }
                Section {
                    if view.canGenerate {
                        Button(view.generateLabel) { Task { await store.generate() } }
                            .bold()
                    }
                    if view.finished {
                        Button(view.saveLetterLabel) {
                            Task { letter = await store.letterPdf().map(PDFLetter.init) }
                        }
                    }
                }
            }
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    if view.canBack {
                        Button(view.backLabel) { Task { await store.back() } }
                    } else {
                        Button(action: close) { Image(systemName: "xmark") }
                            .accessibilityLabel(view.title)
                    }
                }
                ToolbarItem(placement: .confirmationAction) {
                    if view.canNext {
                        Button(view.nextLabel) { Task { await store.next() } }
                    } else if view.finished {
                        Button(action: close) { Image(systemName: "checkmark") }
                            .accessibilityLabel(view.title)
                    }
                }
            }
        } else {
            ProgressView()
        }
    }

    @ViewBuilder
    private func fieldView(_ field: WizardField) -> some View {
        switch field.kind {
        case .text, .date, .email, .phone:
            TextField(field.label, text: text(field))
                .keyboardType(keyboard(field.kind))
                .textContentType(contentType(field.kind))
                .accessibilityLabel(field.label)
        case .multiline:
            TextField(field.label, text: text(field), axis: .vertical)
                .lineLimit(3...8)
                .accessibilityLabel(field.label)
        case .toggle:
            Toggle(field.label, isOn: Binding(
                get: { field.value == "true" },
                set: { on in Task { await store.setToggle(field.id, on) } }))
        case .choice:
            Picker(field.label, selection: Binding(
                get: { field.value },
                set: { code in Task { await store.choose(field.id, code) } })) {
                ForEach(field.choices, id: \.code) { Text($0.label).tag($0.code) }
            }
            .pickerStyle(.inline)
        }
    }

    /// The field's text as typed, each change sent to the core (which keeps the draft).
    private func text(_ field: WizardField) -> Binding<String> {
        Binding(
            get: { drafts[field.id] ?? field.value },
            set: { value in
                drafts[field.id] = value
                Task { await store.setText(field.id, value) }
            })
    }

    private func keyboard(_ kind: FieldKind) -> UIKeyboardType {
        switch kind {
        case .email: .emailAddress
        case .phone: .phonePad
        case .date: .numbersAndPunctuation
        default: .default
        }
    }

    private func contentType(_ kind: FieldKind) -> UITextContentType? {
        switch kind {
        case .email: .emailAddress
        case .phone: .telephoneNumber
        default: nil
        }
    }

    private var exporting: Binding<Bool> {
        Binding(get: { letter != nil }, set: { if !$0 { letter = nil } })
    }

    private var showingMessage: Binding<Bool> {
        Binding(get: { store.message != nil }, set: { if !$0 { store.dismissMessage() } })
    }
}

/// A letter's PDF bytes as fileExporter saves them.
struct PDFLetter: FileDocument {
    static var readableContentTypes: [UTType] { [.pdf] }
    let data: Data

    init(_ data: Data) { self.data = data }
    init(configuration: ReadConfiguration) throws {
        data = configuration.file.regularFileContents ?? Data()
    }
    func fileWrapper(configuration: WriteConfiguration) throws -> FileWrapper {
        FileWrapper(regularFileWithContents: data)
    }
}
