// The library screen's store: the core's LibraryScreen model, published on the main actor.
//
// It holds no rule: what the list says (names, dates, kinds, counts), what the search matches, the
// empty text and the delete question all come from the core's `LibraryView`. The store only
//   - runs the core's calls off the main actor (CoreQueue) and publishes their views in order,
//   - asks for a new view when the core says the vault changed (an import, a receive, a delete
//     made elsewhere: `Vault.watch`), and
//   - publishes a failed call's message, in the core's words.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class LibraryStore {
    /// What to draw; `nil` until the first view arrives.
    public private(set) var view: LibraryView?
    /// The search field's text as typed: echoed at once, while the core filters in the background.
    public private(set) var query = ""
    /// The last failed call's message for the patient, until dismissed or a call succeeds.
    public private(set) var message: PatientMessage?

    /// The delete question to show over the list, worded by the core.
    public var confirmation: Confirmation? { view?.confirm }

    @ObservationIgnored private let screen: LibraryScreen
    @ObservationIgnored private let vault: Vault
    @ObservationIgnored private let core: CoreQueue
    // every call gets a number; a view older than the one shown is dropped
    @ObservationIgnored private var issued = 0
    @ObservationIgnored private var shown = 0

    /// The library of `vault` in `locale` (a BCP 47 tag, see `CoreLocale`).
    public init(vault: Vault, locale: String) {
        self.vault = vault
        screen = LibraryScreen(vault: vault, locale: locale)
        core = CoreQueue(label: "library")
    }

    /// Ask the core for the view as things stand.
    public func load() async {
        await call { screen in try screen.view() }
    }

    /// Forward what the patient did.
    public func send(_ event: LibraryEvent) async {
        await call { screen in try screen.handle(event: event) }
    }

    /// The search field changed: echo it now, let the core filter; returns once the core's view
    /// for it is published.
    public func search(_ text: String) async {
        query = text
        await send(.search(query: text))
    }

    /// The search field changed, from a text field's binding (which must read the new text back
    /// at once): `query` changes now, the core's filtered view follows. Keystrokes in quick
    /// succession reach the core in order (each task starts on the main actor in the order made,
    /// and queues its call before it first suspends), and a view older than one shown is never
    /// shown.
    public func type(_ text: String) {
        query = text
        let number = issue()
        Task { await perform(number) { screen in try screen.handle(event: .search(query: text)) } }
    }

    /// The patient asked to delete a study: the core answers with the question to ask.
    public func askDelete(studyId: String) async { await send(.askDelete(studyId: studyId)) }
    public func confirmDelete() async { await send(.confirmDelete) }
    public func cancelDelete() async { await send(.cancelDelete) }

    public func dismissMessage() { message = nil }

    /// Load a new view if the vault changed since the one shown. Returns whether it did.
    @discardableResult
    public func refreshIfChanged() async -> Bool {
        // revision() is an atomic read in the core: quick enough for the main actor
        guard let shownRevision = view?.revision, vault.revision() == shownRevision else {
            await load()
            return true
        }
        return false
    }

    /// Keep the view up to date with the vault until the calling task is cancelled (SwiftUI's
    /// `.task` cancels it when the screen goes away): once for what changed before, then at each
    /// change the core announces (`Vault.watch`; its listener runs on the changing thread and only
    /// hands the revision over; a burst of changes during an import is read as one).
    public func followChanges() async {
        let (changes, continuation) = AsyncStream.makeStream(of: UInt64.self, bufferingPolicy: .bufferingNewest(1))
        let watch = vault.watch(listener: ChangeForwarder(continuation))
        defer {
            watch.stop()
            continuation.finish()
        }
        await refreshIfChanged()
        for await _ in changes {
            await refreshIfChanged()
        }
    }

    private func call(_ body: @escaping @Sendable (LibraryScreen) throws -> LibraryView) async {
        await perform(issue(), body)
    }

    /// The next call's number, taken before any suspension so that numbers follow the patient's
    /// order.
    private func issue() -> Int {
        issued += 1
        return issued
    }

    private func perform(_ number: Int, _ body: @escaping @Sendable (LibraryScreen) throws -> LibraryView) async {
        let screen = self.screen
        do {
            let next = try await core.run { try body(screen) }
            guard number > shown else { return }
            shown = number
            view = next
            message = nil
        } catch {
            message = PatientMessage(error)
        }
    }
}

/// The core's vault listener, handing each revision to an `AsyncStream` (called on the thread that
/// changed the vault: it only yields).
final class ChangeForwarder: VaultListener, Sendable {
    private let continuation: AsyncStream<UInt64>.Continuation

    init(_ continuation: AsyncStream<UInt64>.Continuation) {
        self.continuation = continuation
    }

    func onChange(revision: UInt64) {
        continuation.yield(revision)
    }
}
