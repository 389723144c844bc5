// The import sheet: draws the core's ImportScreenView (the sources, the link form, progress,
// the summary) and performs the effect each source asks for: fileImporter for a folder, a zip or
// files (security-scoped URLs, kept open by ScanpassKit's PickedFiles while the core reads
// them), the link form for a provider's link.

import Scanpass
import ScanpassKit
import SwiftUI
import UniformTypeIdentifiers

struct ImportSheetView: View {
    let store: ImportStore
    let done: () -> Void

    @State private var picking: ImportEffect?
    @State private var askingLink = false
    @State private var url = ""
    @State private var token = ""

    var body: some View {
        NavigationStack {
            content
                .navigationTitle(store.view?.title ?? "")
                .navigationBarTitleDisplayMode(.inline)
        }
        .task { await store.load() }
        .fileImporter(
            isPresented: pickerShown,
            allowedContentTypes: contentTypes,
            allowsMultipleSelection: allowsMultiple
        ) { result in
            guard case let .success(urls) = result else { return }
            Task { await store.importPicked(PickedFiles(urls)) }
        }
        .interactiveDismissDisabled(store.running)
        .alert(store.message?.text ?? "", isPresented: showingMessage) {}
    }

    @ViewBuilder
    private var content: some View {
        if let view = store.view {
            if let result = view.result {
                ImportResultView(result: result) {
                    Task { await store.dismiss() }
                    done()
                }
            } else if let progress = view.progress {
                ImportProgressView(progress: progress, cancel: store.cancel)
            } else {
                choices(view)
            }
        } else {
            ProgressView()
        }
    }

    private func choices(_ view: ImportScreenView) -> some View {
        List {
            if let error = view.error {
                Text(error).foregroundStyle(.red)
            }
            ForEach(view.choices, id: \.label) { choice in
                Button {
                    perform(choice.effect)
                } label: {
                    VStack(alignment: .leading, spacing: Theme.Spacing.small) {
                        Text(choice.label).font(.headline)
                        Text(choice.detail).detailStyle()
                    }
                }
                .accessibilityElement(children: .combine)
                .accessibilityAddTraits(.isButton)
            }
            if askingLink {
                Section {
                    TextField(view.linkForm.urlLabel, text: $url)
                        .keyboardType(.URL)
                        .textContentType(.URL)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                        .accessibilityLabel(view.linkForm.urlLabel)
                    SecureField(view.linkForm.tokenLabel, text: $token)
                        .accessibilityLabel(view.linkForm.tokenLabel)
                    FieldError(text: view.linkForm.error)
                    Button(view.linkForm.submit) {
                        Task { await store.importLink(url, token: token) }
                    }
                    .accessibilityLabel(view.linkForm.submit)
                }
            }
        }
    }

    private func perform(_ effect: ImportEffect) {
        switch effect {
        case .pickFolder, .pickFiles:
            picking = effect
        case .askLink:
            askingLink = true
        }
    }

    /// What the core asked to pick, as fileImporter's types: a folder, or files of the media
    /// types the core named (any file when it named none).
    private var contentTypes: [UTType] {
        switch picking {
        case .pickFolder:
            return [.folder]
        case let .pickFiles(_, mediaTypes):
            let types = mediaTypes.compactMap { UTType(mimeType: $0) }
            return types.isEmpty ? [.item] : types
        case .askLink, nil:
            return []
        }
    }

    private var allowsMultiple: Bool {
        if case let .pickFiles(multiple, _) = picking { return multiple }
        return false
    }

    private var pickerShown: Binding<Bool> {
        Binding(get: { picking != nil }, set: { if !$0 { picking = nil } })
    }

    private var showingMessage: Binding<Bool> {
        Binding(get: { store.message != nil }, set: { if !$0 { store.dismissMessage() } })
    }
}

struct ImportProgressView: View {
    let progress: ImportProgress
    let cancel: () -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: Theme.Spacing.large) {
            Text(progress.phaseText).font(.headline)
            if let fraction = progress.fraction {
                ProgressView(value: Double(fraction))
                    .accessibilityLabel(progress.phaseText)
                    .accessibilityValue(progress.filesText)
            } else {
                ProgressView()
                    .accessibilityLabel(progress.phaseText)
            }
            Text(progress.filesText).detailStyle()
            Text(progress.bytesText).detailStyle()
            if let left = progress.timeLeft {
                Text(left).detailStyle()
            }
            Button(progress.cancelLabel, role: .cancel, action: cancel)
                .disabled(!progress.canCancel)
                .accessibilityLabel(progress.cancelLabel)
        }
        .padding(Theme.Spacing.large)
        .accessibilityElement(children: .contain)
    }
}

struct ImportResultView: View {
    let result: ImportResult
    let done: () -> Void

    var body: some View {
        List {
            Section {
                ForEach(result.lines, id: \.self) { Text($0) }
                if let warning = result.warning {
                    Label(warning, systemImage: "exclamationmark.triangle")
                        .foregroundStyle(.orange)
                }
            } header: {
                Text(result.title).font(.headline).textCase(nil).accessibilityAddTraits(.isHeader)
            }
            if !result.problems.isEmpty {
                Section {
                    ForEach(result.problems, id: \.file) { problem in
                        VStack(alignment: .leading) {
                            Text(problem.file).font(.footnote.monospaced())
                            Text(problem.reason).detailStyle()
                        }
                        .accessibilityElement(children: .combine)
                    }
                }
            }
            Button(result.doneLabel, action: done)
                .accessibilityLabel(result.doneLabel)
        }
    }
}
