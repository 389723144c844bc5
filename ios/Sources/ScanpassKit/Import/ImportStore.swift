// The import screen's store: the core's ImportScreen model, published on the main actor.
//
// The core offers the sources (folder, zip, files, link) with the effect each asks of the shell
// (pick a folder, pick files of these types, show the link form), checks a typed link, runs the
// import with its progress in words (phase, files, bytes, time left) and sums it up ("3 files
// were not images"). The store keeps the picked URLs open (security-scoped) while the import
// runs, forwards the core's progress views in order, and lets the patient cancel.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class ImportStore {
    public private(set) var view: ImportScreenView?
    /// An import is running (progress views arrive; `cancel` stops it).
    public private(set) var running = false
    /// A call the core refused outright (the vault locked, ...): its sentence.
    public private(set) var message: PatientMessage?

    @ObservationIgnored private let screen: ImportScreen
    // the import blocks its queue for its whole length; quick calls go on their own queue
    @ObservationIgnored private let importing = CoreQueue(label: "import.run")
    @ObservationIgnored private let core = CoreQueue(label: "import")

    public init(vault: Vault, locale: String) {
        screen = ImportScreen(vault: vault, locale: locale)
    }

    public func load() async {
        let screen = self.screen
        view = await core.run { screen.view() }
    }

    /// Import what the patient picked with `fileImporter` (folders, zips, files).
    public func importPicked(_ picked: PickedFiles) async {
        await run(picked.sources, access: picked)
    }

    /// Import from a provider's link typed in the link form: the core checks it first; a refused
    /// link shows the form's error (in the new view) and imports nothing.
    public func importLink(_ url: String, token: String?) async {
        let screen = self.screen
        let token = token.flatMap { $0.isEmpty ? nil : $0 }
        let source = await core.run { screen.linkSource(url: url, token: token) }
        guard let source else {
            view = await core.run { screen.view() }
            return
        }
        await run([source], access: PickedFiles([]))
    }

    /// Stop the running import: what was imported is kept; the result says so.
    public func cancel() {
        // quick and thread-safe in the core: straight from the main actor, not behind the import
        screen.cancel()
    }

    /// The result or error was read: back to the choices.
    public func dismiss() async {
        let screen = self.screen
        view = await core.run { screen.handle(event: .dismiss) }
    }

    public func dismissMessage() { message = nil }

    private func run(_ sources: [ImportSource], access: PickedFiles) async {
        guard !running else { return }
        running = true
        message = nil
        defer { running = false }
        let screen = self.screen
        // the picked URLs stay open until the core returns (also on error or cancellation)
        let opened = access.startAccess()
        defer { PickedFiles.stopAccess(opened) }
        do {
            view = try await runLongCall(on: importing, publish: { [weak self] in self?.progress($0) }) { stream in
                try screen.start(sources: sources, listener: stream)
            }
        } catch {
            message = PatientMessage(error)
            view = await core.run { screen.view() }
        }
    }

    private func progress(_ view: ImportScreenView) {
        if running { self.view = view }
    }
}
