// LibraryStore against the real core: a vault, the real SAG-anon series imported, and the store
// publishing the core's views on the main actor.

import Foundation
import Observation
import Scanpass
import Testing
@testable import ScanpassKit

@MainActor
@Suite("LibraryStore over the core's LibraryScreen")
struct LibraryStoreTests {
    @Test("an empty vault: no patients, the core's words for how to start")
    func emptyVault() async throws {
        let t = try TestVault("empty")
        let store = LibraryStore(vault: t.vault, locale: "en-GB")
        #expect(store.view == nil)
        await store.load()
        let view = try #require(store.view)
        #expect(view.patients.isEmpty)
        #expect(view.revision == 0)
        #expect(view.empty?.hasPrefix("No images yet.") == true, "\(view.empty ?? "nil")")
        #expect(store.message == nil)
    }

    @Test("the imported series shows display-ready, in English and in French", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func displayReady() async throws {
        let t = try TestVault("display")
        let summary = try await t.importSagAnon()
        #expect(summary.instancesAdded == 192)
        #expect(summary.studies == 1)

        let en = LibraryStore(vault: t.vault, locale: "en-GB")
        await en.load()
        let view = try #require(en.view)
        #expect(view.empty == nil)
        #expect(view.revision > 0)
        let patient = try #require(view.patients.first)
        #expect(view.patients.count == 1)
        // SAG-anon's Patient's Name is ANONYMIZED; its study 20130308, "MR-Brain w/o Contrast"
        #expect(patient.name == "ANONYMIZED")
        #expect(patient.summary == "1 study")
        let study = try #require(patient.studies.first)
        #expect(study.title == "MR-Brain w/o Contrast")
        #expect(study.kinds == "MRI")
        #expect(study.date == "8 March 2013")
        #expect(study.counts == "1 series · 192 images")

        let fr = LibraryStore(vault: t.vault, locale: "fr-CA")
        await fr.load()
        let frView = try #require(fr.view)
        let frPatient = try #require(frView.patients.first)
        #expect(frPatient.id == patient.id)
        #expect(frPatient.name == patient.name)
        #expect(frPatient.summary == "1 examen")
        let frStudy = try #require(frPatient.studies.first)
        #expect(frStudy.id == study.id)
        #expect(frStudy.title == "MR-Brain w/o Contrast")
        #expect(frStudy.kinds == "IRM")
        #expect(frStudy.date == "8 mars 2013")
        #expect(frStudy.counts == "1 série · 192 images")
    }

    @Test("search narrows the list; the core says when nothing matches", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func search() async throws {
        let t = try TestVault("search")
        try await t.importSagAnon()
        let store = LibraryStore(vault: t.vault, locale: "fr-FR")
        await store.load()
        #expect(store.view?.patients.count == 1)

        await store.search("irm")
        #expect(store.query == "irm")
        #expect(store.view?.search == "irm")
        #expect(store.view?.patients.count == 1)
        // by the date in words, and by the name, whatever the case
        await store.search("mars 2013")
        #expect(store.view?.patients.first?.studies.count == 1)
        await store.search("anonymized")
        #expect(store.view?.patients.count == 1)

        await store.search("zzz")
        #expect(store.view?.patients.isEmpty == true)
        #expect(store.view?.empty == "Rien ne correspond à « zzz ».")

        await store.search("")
        #expect(store.view?.patients.count == 1)
        #expect(store.view?.empty == nil)
    }

    @Test("keystrokes land in order: the field echoes at once, the last one typed is what shows", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func typing() async throws {
        let t = try TestVault("typing")
        try await t.importSagAnon()
        let store = LibraryStore(vault: t.vault, locale: "en")
        await store.load()
        // as a text field's binding does: one call per keystroke, none waiting for the core
        for q in ["m", "mr", "mri", "mri ", "mri x", "mri"] {
            store.type(q)
            #expect(store.query == q, "echoed at once")
        }
        try await eventually("the core's view for the last keystroke") { store.view?.search == "mri" }
        #expect(store.view?.patients.count == 1)
        // and the views of the keystrokes before it, answered meanwhile, never replace it
        try await Task.sleep(for: .milliseconds(200))
        #expect(store.view?.search == "mri")
        // the core got them in order too: its own state is the last keystroke's
        await store.load()
        #expect(store.view?.search == "mri")

        // the same through the async form, from concurrent tasks: the field and the list agree
        await withTaskGroup(of: Void.self) { group in
            for q in ["a", "an", "ano", "zzz"] {
                group.addTask { await store.search(q) }
            }
        }
        #expect(store.query == store.view?.search)
        await store.load()
        #expect(store.query == store.view?.search, "the core's state is the field's")
    }

    @Test("delete asks first (the core's question), cancel keeps, confirm removes", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func delete() async throws {
        let t = try TestVault("delete")
        try await t.importSagAnon()
        let store = LibraryStore(vault: t.vault, locale: "en")
        await store.load()
        let study = try #require(store.view?.patients.first?.studies.first)
        let before = try #require(store.view?.revision)

        await store.askDelete(studyId: study.id)
        let question = try #require(store.confirmation)
        #expect(question.destructive)
        #expect(question.message.contains("MR-Brain w/o Contrast, 8 March 2013"), "\(question.message)")
        #expect(!question.title.isEmpty && !question.confirm.isEmpty && !question.cancel.isEmpty)

        await store.cancelDelete()
        #expect(store.confirmation == nil)
        #expect(store.view?.patients.count == 1)

        await store.askDelete(studyId: study.id)
        #expect(store.confirmation != nil)
        await store.confirmDelete()
        #expect(store.confirmation == nil)
        #expect(store.view?.patients.isEmpty == true)
        #expect(store.view?.empty?.hasPrefix("No images yet.") == true)
        #expect((store.view?.revision ?? 0) > before)
        #expect(try t.vault.studies().isEmpty)
    }

    @Test("the store follows the vault's changes: an import elsewhere shows up, observed", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func followsRevision() async throws {
        let t = try TestVault("revision")
        let store = LibraryStore(vault: t.vault, locale: "en")
        await store.load()
        #expect(store.view?.patients.isEmpty == true)
        #expect(await store.refreshIfChanged() == false, "nothing changed yet")

        // SwiftUI reads `view` through Observation: the change must be observed
        let observed = Locked(false)
        withObservationTracking { _ = store.view } onChange: { observed.withLock { $0 = true } }

        let watcher = Task { await store.followChanges() }
        defer { watcher.cancel() }
        try await t.importSagAnon()
        try await eventually("the watcher shows the imported patient") { store.view?.patients.count == 1 }
        #expect(observed.current)
        // the import's last changes (thumbnails) may land after the first view with the patient
        try await eventually("the view catches up with the vault's revision") {
            store.view?.revision == t.vault.revision()
        }

        // a delete made through the core elsewhere (another screen) reaches this one too
        let study = try #require(store.view?.patients.first?.studies.first)
        try t.vault.deleteStudy(studyId: study.id)
        try await eventually("the watcher shows the deletion") { store.view?.patients.isEmpty == true }
        watcher.cancel()
        _ = await watcher.value
    }

    @Test("a refused call publishes the core's sentence and keeps the last view")
    func errors() async throws {
        let t = try TestVault("errors")
        let store = LibraryStore(vault: t.vault, locale: "en")
        await store.load()
        let shown = store.view

        await store.askDelete(studyId: "no-such-study")
        let notFound = try #require(store.message)
        #expect(notFound.error?.kind == "NotFound")
        #expect(notFound.text == "This item is no longer in your library.")
        #expect(store.view == shown)
        store.dismissMessage()
        #expect(store.message == nil)

        t.vault.lock()
        await store.load()
        let locked = try #require(store.message)
        #expect(locked.error?.kind == "Locked")
        #expect(locked.text == "Your images are locked. Unlock Scanpass to continue.")

        try t.vault.unlock(keys: t.keys)
        await store.load()
        #expect(store.message == nil, "a call that succeeds clears the message")
    }
}
