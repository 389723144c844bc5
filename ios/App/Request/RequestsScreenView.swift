// The requests list: the core's RequestsView (each request's provider, law, state, dates and what
// to do next, its actions and letters), the actions sent back as the core listed them. Resume
// opens the wizard sheet; a letter is saved with fileExporter.

import Scanpass
import ScanpassKit
import SwiftUI

struct RequestsScreenView: View {
    let store: RequestsStore
    /// Resume an unfinished request (the wizard sheet), or start a new one (nil).
    let openWizard: (String?) -> Void

    @State private var letter: PDFLetter?

    var body: some View {
        List {
            if let view = store.view {
                ForEach(view.notices, id: \.self) { Label($0, systemImage: "bell") }
                if let problem = view.problem { Text(problem).foregroundStyle(.red) }
                ForEach(view.items, id: \.id) { item in
                    RequestRow(item: item) { action in
                        if action == .resume {
                            openWizard(item.id)
                        } else {
                            Task { await store.perform(action, on: item.id) }
                        }
                    } letter: { kind in
                        Task { letter = await store.letterPdf(id: item.id, kind: kind).map(PDFLetter.init) }
                    }
                }
            }
        }
        .overlay {
            if let empty = store.view?.empty { ContentUnavailableView { Text(empty) } }
        }
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Button { openWizard(nil) } label: { Image(systemName: "plus") }
                    .accessibilityLabel(store.view?.newLabel ?? "")
            }
        }
        .navigationTitle(store.view?.title ?? "")
        .task { await store.load() }
        .refreshable { await store.load() }
        .fileExporter(isPresented: exporting, document: letter, contentType: .pdf,
                      defaultFilename: "letter.pdf") { _ in letter = nil }
        .alert(store.message?.text ?? "", isPresented: showingMessage) {}
    }

    private var exporting: Binding<Bool> {
        Binding(get: { letter != nil }, set: { if !$0 { letter = nil } })
    }

    private var showingMessage: Binding<Bool> {
        Binding(get: { store.message != nil }, set: { if !$0 { store.dismissMessage() } })
    }
}

struct RequestRow: View {
    let item: RequestItem
    let act: (RequestAction) -> Void
    let letter: (LetterKind) -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: Theme.Spacing.small) {
            Text(item.provider).font(.headline)
            Text(item.law).detailStyle()
            Text(item.stateLabel).detailStyle()
            if let sent = item.sent { Text(sent).detailStyle() }
            if let due = item.due { Text(due).detailStyle() }
            Text(item.nextText).font(.subheadline.bold())
            HStack {
                Menu {
                    ForEach(item.actions, id: \.label) { action in
                        Button(action.label, role: action.action == .delete ? .destructive : nil) {
                            act(action.action)
                        }
                    }
                    ForEach(item.letters, id: \.label) { l in
                        Button(l.label) { letter(l.kind) }
                    }
                } label: {
                    Image(systemName: "ellipsis.circle")
                }
                .accessibilityLabel(item.nextText)
            }
        }
        .accessibilityElement(children: .combine)
    }
}
