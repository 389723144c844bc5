// AppStore: navigation by ids, saved and restored; opening or creating the vault through the
// core with the app's key store.

import Foundation
import Scanpass
import Testing
@testable import ScanpassKit

@MainActor
@Suite("AppStore")
struct AppStoreTests {
    @Test("the stack and the sheet survive a save and a restore; unreadable data is ignored")
    func restoration() throws {
        let app = AppStore(locale: "en")
        app.open(.study(id: "s1"))
        app.open(.study(id: "s2"))
        app.show(.importImages)
        app.open(.settings)
        let saved = app.restorationData

        let next = AppStore(locale: "en")
        next.restore(from: saved)
        #expect(next.path == [.study(id: "s1"), .study(id: "s2"), .settings])
        #expect(next.sheet == .importImages)
        #expect(next.restoration == app.restoration)

        next.restore(from: Data("not json".utf8))
        #expect(next.path.count == 3, "kept what it had")
        next.popToRoot()
        next.dismissSheet()
        #expect(next.restoration == Restoration())
    }

    @Test("what is saved for the next launch is ids only: no name, date or description", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func restorationHoldsNoPatientData() async throws {
        let t = try TestVault("restore-privacy")
        try await t.importSagAnon()
        let library = LibraryStore(vault: t.vault, locale: "en")
        await library.load()
        let study = try #require(library.view?.patients.first?.studies.first)
        let app = AppStore(locale: "en")
        app.open(.study(id: study.id))
        let saved = String(decoding: app.restorationData, as: UTF8.self)
        #expect(saved.contains(study.id))
        // SAG-anon's name, study description, date (raw and in words), the root of its UIDs
        for secret in ["ANONYMIZED", "MR-Brain", "20130308", "8 March", "1.3.12.2.1107"] {
            #expect(!saved.contains(secret), "\(secret) in \(saved)")
        }
    }

    @Test("a vault whose key the Keychain no longer has: the unlock screen, not the library")
    func startWithoutTheKey() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("app-nokey"))
        let made = StartStore()
        await made.open(in: dir, deviceKeys: KeychainKeyStore(keychain: LinuxKeychainStandIn(), protection: { .deviceUnlocked }, prompt: { "p" }), locale: "en")
        await made.create(passphrase: goodPassphrase, confirm: goodPassphrase)
        #expect(made.view?.stage == .unlocked)

        let app = AppStore(locale: "en")
        let empty = KeychainKeyStore(keychain: LinuxKeychainStandIn(), protection: { .deviceUnlocked }, prompt: { "p" })
        await app.start(in: dir, keys: empty)
        guard case let .start(start) = app.phase else {
            Issue.record("expected the start screen, got \(app.phase)")
            return
        }
        #expect(start.view?.stage == .unlock)
        await start.unlockWithDevice()
        #expect(start.view?.showLibrary == false)
        #expect(start.message != nil || start.view?.feedback != nil, "the core says why")
        guard case .start = app.phase else {
            Issue.record("the library showed without the key: \(app.phase)")
            return
        }
        // the passphrase is the recovery
        await start.unlock(passphrase: goodPassphrase)
        try await eventually("the library shows") { if case .library = app.phase { true } else { false } }
    }
}

@Suite("Platform pieces")
struct PlatformTests {
    @MainActor
    @Test("core calls run on the store's queue, not the main actor, one at a time")
    func coreQueue() async throws {
        let core = CoreQueue(label: "test")
        #expect(CoreQueue.current == nil, "the test runs on the main actor")
        #expect(await core.run { CoreQueue.current } == "app.scanpass.core.test")
        let order = Locked<[Int]>([])
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                // each call takes its turn on the queue before the next is sent
                group.addTask { await core.run { order.withLock { $0.append(i) } } }
                await Task.yield()
            }
        }
        #expect(order.current.sorted() == Array(0..<20))
        await #expect(throws: KeychainFailure.notFound) {
            try await core.run { () throws(KeychainFailure) -> Int in throw .notFound }
        }
    }

    @Test("the locale tag the core reads", arguments: [
        ("fr_CA", "fr-CA"), ("fr-CA", "fr-CA"), ("en", "en"), ("de_DE@calendar=gregorian", "de-DE"),
    ])
    func localeTag(identifier: String, tag: String) {
        #expect(CoreLocale.tag(identifier) == tag)
    }

    @Test("picked files become the core's path sources; a pasted link is trimmed, not judged")
    func importSources() {
        let picked = PickedFiles([URL(fileURLWithPath: "/a/b/../CD", isDirectory: true), URL(fileURLWithPath: "/x.zip")])
        #expect(picked.sources == [.path(path: "/a/CD"), .path(path: "/x.zip")])
        #expect(providerLink("  https://example.org/s \n") == .url(url: "https://example.org/s", bearerToken: nil))
    }

    @Test("import progress reaches an async stream from the core's thread", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func progress() async throws {
        let t = try TestVault("progress")
        let progress = ImportProgressStream()
        let reader = Task { () -> [ImportEvent] in
            var seen: [ImportEvent] = []
            for await e in progress.events { seen.append(e) }
            return seen
        }
        let summary = try await importPicked(PickedFiles([Env.sagAnon]), into: t.vault, progress: progress)
        let events = await reader.value
        #expect(summary.instancesAdded == 192)
        // the stream keeps the newest 64 events (progress is snapshots): the first ones, `.found`
        // among them, may be dropped when the reader starts late on a busy machine; the last,
        // the import complete, always arrives, from the core's thread
        #expect(!events.isEmpty && events.count <= 195)
        #expect(events.contains { if case let .processed(done, files, _) = $0 { done == files && files == 194 } else { false } })
    }

    @Test("a cancelled import stops, says so, and keeps what it stored", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func cancel() async throws {
        let t = try TestVault("cancel")
        let cancel = CancelHandle()
        cancel.cancel()
        let summary = try await importPicked(PickedFiles([Env.sagAnon]), into: t.vault, cancel: cancel)
        #expect(summary.cancelled)
        #expect(summary.instancesAdded < 192)
    }
}
