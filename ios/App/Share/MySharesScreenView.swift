// My shares: the core's MySharesView (each share's state and access log in words, its link),
// refreshed from the relay on pull, revoke behind the core's question.

import Scanpass
import ScanpassKit
import SwiftUI

struct MySharesScreenView: View {
    let store: MySharesStore

    var body: some View {
        List {
            if let view = store.view {
                if let error = view.error { Text(error).foregroundStyle(.red) }
                ForEach(view.shares, id: \.id) { share in
                    VStack(alignment: .leading, spacing: Theme.Spacing.small) {
                        Text(share.title).font(.headline)
                        Text(share.state).detailStyle()
                        if let access = share.access { Text(access).detailStyle() }
                        if let link = share.link {
                            ShareLink(item: link) {
                                Label(view.sendLabel, systemImage: "square.and.arrow.up")
                                    .labelStyle(.iconOnly)
                            }
                            .accessibilityLabel(view.sendLabel)
                        }
                    }
                    .swipeActions {
                        if share.canRevoke {
                            Button(share.revokeLabel, role: .destructive) {
                                Task { await store.askRevoke(share.id) }
                            }
                        }
                    }
                    .accessibilityAction(named: share.canRevoke ? share.revokeLabel : "") {
                        Task { await store.askRevoke(share.id) }
                    }
                }
            }
        }
        .overlay {
            if let empty = store.view?.empty { ContentUnavailableView { Text(empty) } }
        }
        .navigationTitle(store.view?.title ?? "")
        .task {
            await store.load()
            await store.refresh()
        }
        .refreshable { await store.refresh() }
        .toolbar {
            if let view = store.view {
                ToolbarItem(placement: .primaryAction) {
                    // pull to refresh is not found by everyone (nor by VoiceOver): a button too
                    Button { Task { await store.refresh() } } label: {
                        Label(view.refreshLabel, systemImage: "arrow.clockwise")
                    }
                }
            }
        }
        .confirmationDialog(store.confirmation?.title ?? "", isPresented: confirming,
                            titleVisibility: .visible, presenting: store.confirmation) { question in
            Button(question.confirm, role: question.destructive ? .destructive : nil) {
                Task { await store.confirmRevoke() }
            }
            Button(question.cancel, role: .cancel) { Task { await store.cancelRevoke() } }
        } message: { question in
            Text(question.message)
        }
        .alert(store.message?.text ?? "", isPresented: showingMessage) {}
    }

    private var confirming: Binding<Bool> {
        Binding(get: { store.confirmation != nil }, set: { _ in })
    }

    private var showingMessage: Binding<Bool> {
        Binding(get: { store.message != nil }, set: { if !$0 { store.dismissMessage() } })
    }
}
