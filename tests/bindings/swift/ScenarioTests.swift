// The bindings scenario (tests/bindings/SCENARIO.md) in Swift, through the generated module
// `Scanpass`: step by step what tests/bindings/python/test_scenario.py does.

import Foundation
import Scanpass
import XCTest

private func env(_ name: String) -> String {
    guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else {
        fatalError("\(name) is not set (run tests/bindings/run swift)")
    }
    return v
}

let SAMPLES = env("SCANPASS_SAMPLES")
let SLICE = UInt32(ProcessInfo.processInfo.environment["SCANPASS_SLICE"] ?? "96")!
let EXPECT_DEFAULT = env("SCANPASS_EXPECT_DEFAULT")
let EXPECT_CUSTOM = env("SCANPASS_EXPECT_CUSTOM")

private func path(_ parts: String...) -> String {
    parts.reduce(URL(fileURLWithPath: SAMPLES)) { $0.appendingPathComponent($1) }.path
}

/// What Python's setUpClass makes: a vault with SAG-anon imported through a Swift listener, and a
/// viewer on its series. Built once, on first use, shared by the tests.
final class Fixture: Sendable {
    let tmp: String
    let store = MemoryKeyStore()
    let vault: Vault
    let rec = Recorder()
    let summary: ImportSummary
    let study: Study
    let series: Series
    let viewer: Viewer

    init() throws {
        // SCANPASS_TEST_TMP: a host folder the run script binds in and removes (TMPDIR does not
        // reach the chroot)
        let base = ProcessInfo.processInfo.environment["SCANPASS_TEST_TMP"]
            .map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        tmp = base.appendingPathComponent("scanpass-swift-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        vault = try Vault.create(dir: tmp + "/vault", keys: store)
        summary = try vault.importFrom(
            sources: [.path(path: path("SAG-anon"))], listener: rec, cancel: CancelHandle())
        guard let study = try vault.studies().first(where: { $0.instanceCount == 192 }) else {
            throw FixtureError("no study of 192 images after the import: \(summary)")
        }
        self.study = study
        guard let series = try vault.series(studyId: study.id).first else {
            throw FixtureError("study \(study.id) has no series")
        }
        self.series = series
        viewer = try vault.openViewer(seriesId: series.id)
    }

    /// Built on first use (a lazy, thread-safe global); a failure fails every test that needs it.
    static let shared = Result { try Fixture() }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

// XCTMain takes the tests as unapplied method references, which Swift 6 only accepts from a
// Sendable class; XCTestCase is not one on Linux, and this subclass keeps no state of its own.
final class ScenarioTests: XCTestCase, @unchecked Sendable {
    var f: Fixture { get throws { try Fixture.shared.get() } }

    override class func tearDown() {
        if case let .success(f) = Fixture.shared {
            try? FileManager.default.removeItem(atPath: f.tmp)
        }
        super.tearDown()
    }

    func test_0_sha256_is_right() {
        // FIPS 180-4 examples: the digest the comparisons below rely on
        XCTAssertEqual(
            sha256Hex(Data("abc".utf8)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            sha256Hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            sha256Hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func test_1_key_store_in_swift_keeps_the_vault_key() throws {
        let f = try f
        XCTAssertEqual(Array(f.store.keys.keys), [f.vault.id()])
        XCTAssertEqual(f.store.keys[f.vault.id()]?.count, 32)
        XCTAssertTrue(f.store.calls.contains("store"), "\(f.store.calls)")
    }

    func test_2_lock_unlock_and_wrong_keys() throws {
        let f = try f
        _ = try Vault.create(dir: f.tmp + "/v2", keys: MemoryKeyStore())
        let store = MemoryKeyStore()
        let v = try Vault.create(dir: f.tmp + "/v3", keys: store)
        XCTAssertTrue(v.isUnlocked())
        v.lock()
        XCTAssertFalse(v.isUnlocked())
        assertThrows("Locked") { try v.studies() }
        try v.unlock(keys: store)
        XCTAssertTrue(v.isUnlocked())
        XCTAssertTrue(store.calls.contains("load"), "\(store.calls)")
        v.lock()
        let message = assertThrows("WrongKey") { try v.unlock(keys: OtherKeyStore()) }
        XCTAssertTrue(message?.contains("passphrase") ?? false, "message: \(message.debugDescription)")
        // what an app shows: the patient's sentence, through Foundation's LocalizedError (on
        // Apple platforms `localizedDescription` reads `errorDescription`; Linux's Foundation does
        // not bridge it, so the test reads it directly)
        do {
            try v.unlock(keys: OtherKeyStore())
        } catch {
            XCTAssertEqual((error as? LocalizedError)?.errorDescription, message)
            XCTAssertNotNil(message)
        }
        assertThrows("WrongKey") { try v.unlock(keys: RefusingKeyStore()) }
        assertThrows("KeyStore") { try Vault.create(dir: f.tmp + "/v4", keys: RefusingKeyStore()) }
        XCTAssertFalse(v.isUnlocked())
        assertThrows("VaultExists") { try Vault.create(dir: f.tmp + "/v3", keys: MemoryKeyStore()) }
    }

    func test_3_import_reports_progress_through_a_swift_listener() throws {
        let f = try f
        let s = f.summary
        XCTAssertEqual(s.instancesAdded, 192)
        XCTAssertEqual(s.skipped, 2)
        XCTAssertEqual(s.errors, [])
        XCTAssertFalse(s.cancelled)
        XCTAssertEqual(s.patients, 1)
        let ev = f.rec.events
        guard case let .found(files, _)? = ev.first else {
            return XCTFail("first event is not found: \(String(describing: ev.first))")
        }
        XCTAssertEqual(files, 194)
        XCTAssertEqual(f.rec.processed, Array(1...194))
    }

    func test_4_cancel_half_way() throws {
        let f = try f
        let v = try Vault.create(dir: f.tmp + "/cancel", keys: MemoryKeyStore())
        let cancel = CancelHandle()
        let rec = Recorder(cancel: cancel, after: 30)
        let s = try v.importFrom(sources: [.path(path: path("pydicom"))], listener: rec, cancel: cancel)
        XCTAssertTrue(s.cancelled)
        XCTAssertTrue(cancel.isCancelled())
        guard case let .found(found, _)? = rec.events.first else {
            return XCTFail("first event is not found: \(String(describing: rec.events.first))")
        }
        XCTAssertEqual(found, 137)
        let done = rec.processed.max() ?? 0
        XCTAssertGreaterThanOrEqual(done, 30)
        XCTAssertLessThan(done, found)
    }

    func test_5_library_lists_patients_studies_series_and_thumbnails() throws {
        let f = try f
        let patients = try f.vault.patients()
        XCTAssertEqual(patients.count, 1)
        guard let patient = patients.first else { return }
        XCTAssertEqual(patient.studyCount, 1)
        XCTAssertEqual(try f.vault.studiesOf(patientId: patient.id).map(\.id), [f.study.id])
        XCTAssertEqual(try f.vault.studies().map(\.id), [f.study.id])
        XCTAssertEqual(f.study.modalities, ["MR"])
        XCTAssertEqual(try f.vault.series(studyId: f.study.id).map(\.id), [f.series.id])
        XCTAssertEqual(f.series.instanceCount, 192)
        XCTAssertEqual(f.series.modality, "MR")
        let png = try f.vault.thumbnail(seriesId: f.series.id)
        XCTAssertEqual([UInt8](png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let screen = LibraryScreen(vault: f.vault, locale: "fr-CA")
        var v = try screen.view()
        XCTAssertEqual(v.revision, f.vault.revision())
        XCTAssertEqual(v.patients.map(\.name), ["ANONYMIZED"])
        XCTAssertEqual(v.patients.map(\.summary), ["1 examen"])
        if let s = v.patients.first?.studies.first {
            XCTAssertEqual(
                [s.id, s.title, s.kinds, s.date, s.counts],
                [f.study.id, "MR-Brain w/o Contrast", "IRM", "8 mars 2013", "1 série · 192 images"])
        } else {
            XCTFail("no study on the library screen")
        }
        v = try screen.handle(event: .search(query: "xyz"))
        XCTAssertEqual(v.patients.count, 0)
        XCTAssertEqual(v.empty, "Rien ne correspond à « xyz ».")
        _ = try screen.handle(event: .search(query: ""))
        v = try screen.handle(event: .askDelete(studyId: f.study.id))
        XCTAssertEqual(v.confirm?.title, "Supprimer cet examen ?")
        XCTAssertEqual(v.confirm?.destructive, true)
        XCTAssertNil(try screen.handle(event: .cancelDelete).confirm)
    }

    func test_5b_the_vault_tells_a_listener_of_its_changes() throws {
        let f = try f
        let v = try Vault.create(dir: f.tmp + "/watched", keys: MemoryKeyStore())
        let rec = ChangeRecorder()
        let watch = v.watch(listener: rec)
        _ = try v.importFrom(sources: [.path(path: path("pydicom/CT_small.dcm"))], listener: nil, cancel: CancelHandle())
        let seen = rec.revisions()
        XCTAssertFalse(seen.isEmpty, "the import was announced")
        XCTAssertEqual(seen, Array(Set(seen)).sorted())
        XCTAssertEqual(seen.last, v.revision())
        watch.stop()
        let before = (seen.count, v.revision())
        try v.deleteStudy(studyId: try v.studies()[0].id)
        XCTAssertGreaterThan(v.revision(), before.1)
        XCTAssertEqual(rec.revisions().count, before.0, "nothing after stop()")
    }

    func test_6_render_matches_the_rust_side() async throws {
        let f = try f
        let v = f.viewer
        XCTAssertEqual(v.sliceCount(), 192)
        let g = v.geometry()
        XCTAssertEqual(g.rows, 256)
        XCTAssertEqual(g.cols, 256)
        let s = try v.render(n: SLICE, window: .default)
        XCTAssertEqual(s.width, 256)
        XCTAssertEqual(s.height, 256)
        let rgba: Data = s.rgba
        XCTAssertEqual(rgba.count, 256 * 256 * 4)
        XCTAssertEqual(sha256Hex(rgba), EXPECT_DEFAULT)
        XCTAssertTrue(stride(from: 3, to: rgba.count, by: 4).allSatisfy { rgba[rgba.startIndex + $0] == 255 })
        XCTAssertTrue(s.windowed)
        let c = try v.render(n: SLICE, window: .custom(center: 300, width: 600))
        XCTAssertTrue(c.windowed)
        XCTAssertEqual(c.windowCenter, 300)
        XCTAssertEqual(c.windowWidth, 600)
        XCTAssertEqual(try sha(c), EXPECT_CUSTOM)
        let a = try await v.renderAsync(n: SLICE, window: .default)
        XCTAssertEqual(try sha(a), EXPECT_DEFAULT)
    }

    func test_7_typed_errors() async throws {
        let f = try f
        let v = try Vault.create(dir: f.tmp + "/errors", keys: MemoryKeyStore())
        let pyd = path("pydicom")
        let s = try await v.importFromAsync(
            sources: [.path(path: pyd + "/waveform_ecg.dcm"), .path(path: pyd + "/MR_truncated.dcm")],
            listener: nil, cancel: CancelHandle())
        XCTAssertEqual(s.instancesAdded, 2)
        var byModality: [String: Series] = [:]
        for st in try v.studies() {
            for se in try v.series(studyId: st.id) { byModality[se.modality ?? ""] = se }
        }
        guard let ecg = byModality["ECG"], let mrSeries = byModality["MR"] else {
            return XCTFail("expected an ECG and an MR series, got \(byModality.keys.sorted())")
        }
        assertThrows("NoImage") { try v.openViewer(seriesId: ecg.id) }
        let mr = try v.openViewer(seriesId: mrSeries.id)
        let message = assertThrows("Damaged") { try mr.render(n: 0, window: .default) }
        XCTAssertNotNil(message)
        XCTAssertFalse(message?.isEmpty ?? true)
        XCTAssertFalse(message?.contains("MR1") ?? false, "message: \(message.debugDescription)")
        assertThrows("InvalidInput") { try f.viewer.render(n: 192, window: .default) }
        assertThrows("InvalidInput") { try f.viewer.render(n: 0, window: .custom(center: 0, width: 0)) }
        assertThrows("InvalidInput") {
            try f.viewer.render(n: 0, window: .custom(center: 0, width: .infinity))
        }
        assertThrows("CannotRead") {
            try v.importFrom(sources: [.path(path: f.tmp + "/no-such-cd")], listener: nil, cancel: CancelHandle())
        }
        // a listener that throws on every event does not stop the import
        let broken = ThrowingListener()
        let added = try v.importFrom(
            sources: [.path(path: pyd + "/CT_small.dcm")], listener: broken, cancel: CancelHandle())
        XCTAssertEqual(added.instancesAdded, 1)
        XCTAssertGreaterThan(broken.calls, 1)
        v.lock()
        assertThrows("Locked") { try mr.render(n: 0, window: .default) }
    }

    func test_8_share_receive_revoke_through_a_relay() async throws {
        guard let relay = ProcessInfo.processInfo.environment["SCANPASS_RELAY"], !relay.isEmpty else {
            throw XCTSkip("SCANPASS_RELAY (a running relay) not set")
        }
        let f = try f
        let progress = ShareProgress()
        let req = ShareRequest(
            studyId: f.study.id, seriesIds: [], relay: relay, expiresInDays: 1,
            maxDownloads: nil, passcode: "blue harbour seven lanterns", deidentify: nil)
        XCTAssertNil(try f.vault.shareWarning(studyId: f.study.id, seriesIds: []))
        // the link carries the share's key: never print it (no message below shows `done` or it)
        let done = try await f.vault.shareAsync(request: req, listener: progress, cancel: CancelHandle())
        XCTAssertEqual(done.share.status, .active)
        XCTAssertFalse(done.resumed)
        XCTAssertEqual(done.share.otherStudyIds, [], "the request's default: one study")
        XCTAssertEqual(done.share.files, 194, "192 images, README.TXT, DICOMDIR")
        guard let last = progress.calls.last else {
            return XCTFail("the Swift share listener was never called")
        }
        XCTAssertEqual(last.done, 192)
        XCTAssertEqual(last.files, 192)
        let link = done.share.link
        XCTAssertTrue(try linkNeedsPasscode(link: link))
        XCTAssertTrue(passcodeProblem(passcode: "blue harbour")?.contains("too easy to guess") ?? false)
        XCTAssertNil(passcodeProblem(passcode: "blue harbour seven lanterns"))
        let qr = try linkQrPng(link: link, scale: 4)
        XCTAssertEqual([UInt8](qr.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

        let other = try Vault.create(dir: f.tmp + "/receiver", keys: MemoryKeyStore())
        assertThrows("PasscodeNeeded") {
            try other.receive(link: link, passcode: nil, listener: nil, cancel: CancelHandle())
        }
        await assertThrowsAsync("WrongPasscode") {
            try await other.receiveAsync(link: link, passcode: "red harbour seven lanterns", listener: nil, cancel: CancelHandle())
        }
        let got = try await other.receiveAsync(
            link: link, passcode: "blue harbour seven lanterns", listener: nil, cancel: CancelHandle())
        XCTAssertEqual(got.summary.instancesAdded, 192)
        XCTAssertEqual(got.summary.errors, [])
        guard let study = try other.studies().first,
              let series = try other.series(studyId: study.id).first
        else {
            return XCTFail("the receiving vault has no series")
        }
        let rendered = try other.openViewer(seriesId: series.id).render(n: SLICE, window: .default)
        XCTAssertEqual(try sha(rendered), EXPECT_DEFAULT)
        let events = try f.vault.shareAccessLog(shareId: done.share.id).map(\.event)
        XCTAssertTrue(events.contains("manifest"), "access log: \(events)")
        XCTAssertTrue(events.contains("denied"), "access log: \(events)")
        XCTAssertEqual(try f.vault.revokeShare(shareId: done.share.id).status, .revoked)
        XCTAssertEqual(try f.vault.shares().map(\.status), [.revoked])
        assertThrows("ShareGone") {
            try other.receive(link: link, passcode: "blue harbour seven lanterns", listener: nil, cancel: CancelHandle())
        }
    }

    func test_9_viewer_screen() throws {
        let f = try f
        // the library opens a study: the core picks its series
        XCTAssertEqual(try ViewerScreen.forStudy(vault: f.vault, studyId: f.study.id, locale: "fr-CA").view().seriesId, f.series.id)
        _ = assertThrows("NotFound") { try ViewerScreen.forStudy(vault: f.vault, studyId: f.series.id, locale: "fr-CA") }
        let screen = try ViewerScreen(vault: f.vault, seriesId: f.series.id, locale: "fr-CA")
        var v = try screen.view()
        XCTAssertEqual([v.slice, v.sliceCount], [0, 192])
        XCTAssertEqual(v.sliceText, "Coupe 1 sur 192")
        XCTAssertEqual(v.strip.map(\.id), [f.series.id])
        XCTAssertEqual(v.strip.map(\.count), ["192 images"])
        XCTAssertEqual(v.strip.map(\.selected), [true])
        XCTAssertEqual(v.presets.map(\.id), ["default", "auto"])
        if let o = v.orientation {
            XCTAssertEqual([o.top, o.right, o.bottom, o.left], ["H", "P", "F", "A"])
        } else {
            XCTFail("no orientation letters")
        }
        XCTAssertEqual(
            [v.overlay.patient, v.overlay.studyDate, v.overlay.series],
            ["ANONYMIZED", "8 mars 2013", "SAG MPRAGE 220 FOV"])
        _ = try screen.handle(event: .resize(width: 400, height: 768))
        v = try screen.handle(event: .scroll(dyPx: 384))
        XCTAssertEqual(v.slice, 96)
        XCTAssertEqual(v.sliceText, "Coupe 97 sur 192")
        XCTAssertEqual(Array(v.prefetch.prefix(2)), [97, 95])
        XCTAssertEqual(v.window?.center, 274)
        XCTAssertEqual(v.window?.width, 612)
        XCTAssertEqual(v.window?.text, "L 612 · C 274")
        XCTAssertEqual(v.tools.map(\.label), ["Défiler", "Fenêtre", "Mesurer"])
        XCTAssertEqual(v.tools.map(\.selected), [true, false, false])
        XCTAssertEqual(v.tool, .scroll)
        v = try screen.handle(event: .selectTool(tool: .window))
        XCTAssertEqual(v.tool, .window)
        v = try screen.handle(event: .windowDrag(dx: 40, dy: -10))
        XCTAssertEqual(v.window?.center ?? 0, 205.75, accuracy: 1e-9)
        XCTAssertEqual(v.window?.width ?? 0, 885, accuracy: 1e-9)
        XCTAssertEqual(v.window?.text, "L 885 · C 206")
        XCTAssertEqual(v.window?.source, "Personnalisée")
        let r = try screen.render()
        XCTAssertEqual([r.width, r.height], [256, 256])
        XCTAssertEqual(r.rgba.count, 256 * 256 * 4)
        XCTAssertTrue(r.windowed)
        XCTAssertEqual(r.windowCenter, 205.75, accuracy: 1e-9)
        v = try screen.handle(
            event: .measure(start: ViewerPoint(x: 10, y: 10), end: ViewerPoint(x: 110, y: 10)))
        XCTAssertEqual(v.measurement?.text, "85,9 mm")
        XCTAssertEqual(v.measurement?.calibration, .pixelSpacing)
        XCTAssertEqual(v.measurement?.lengthMm ?? 0, 85.9375, accuracy: 1e-9)
        XCTAssertEqual(try screen.handle(event: .setRate(fps: 500)).cine.fps, 60)
        assertThrows("InvalidInput") { try screen.handle(event: .goTo(slice: 192)) }
        XCTAssertEqual(try screen.view().slice, 96)
        XCTAssertNil(try screen.handle(event: .hideName(hidden: true)).overlay.patient)
    }

    func test_10_start_and_appointment_mode() throws {
        let f = try f
        let good = "copper lantern orbit meadow"
        let start = try StartScreen(dir: f.tmp + "/start", deviceKeys: nil, locale: "en")
        var v = start.view()
        XCTAssertEqual(v.stage, .create)
        XCTAssertFalse(v.showLibrary)
        do {
            _ = try start.handle(event: .create(passphrase: "blue harbour", confirm: "blue harbour"))
            XCTFail("a weak passphrase was taken")
        } catch let ScanpassError.Invalid(_, fields) {
            XCTAssertEqual(fields.map(\.field), ["passphrase"])
            XCTAssertTrue(fields.first?.message.contains("too easy to guess") ?? false, "\(fields)")
        }
        XCTAssertNil(start.vault())
        v = try start.handle(event: .create(passphrase: good, confirm: good))
        XCTAssertEqual(v.stage, .unlocked)
        XCTAssertTrue(v.showLibrary)
        guard let mine = start.vault() else { return XCTFail("no vault after creation") }
        _ = try mine.importFrom(
            sources: [.path(path: path("pydicom/CT_small.dcm"))], listener: nil, cancel: CancelHandle())
        guard let pinned = try mine.studies().first?.id else { return XCTFail("no study") }
        let mode = AppointmentMode(vault: mine, deviceKeys: nil, locale: "en")
        var a = try mode.handle(event: .enter(studyId: pinned, seriesId: nil, hidePatientName: true))
        XCTAssertTrue(a.active)
        XCTAssertEqual(a.pinnedStudyId, pinned)
        XCTAssertFalse(a.showNavigation)
        XCTAssertTrue(a.blockScreenshots)
        XCTAssertTrue(a.hidePatientName)
        XCTAssertFalse(a.linksMayOpen || mode.mayOpenLink())
        a = try mode.handle(event: .leave)
        XCTAssertEqual(a.effect, .askPassphrase(prompt: "Enter your passphrase to leave appointment mode"))
        a = try mode.handle(event: .passphrase(passphrase: "wrong horse"))
        XCTAssertTrue(a.active && a.blockScreenshots)
        XCTAssertEqual(a.attemptsLeft, 4)
        XCTAssertEqual(a.feedback, "That passphrase is not the right one.")
        XCTAssertEqual(a.attemptsLeftText, "4 tries left before Scanpass locks")
        a = try mode.handle(event: .passphrase(passphrase: good))
        XCTAssertFalse(a.active || a.blockScreenshots)
        XCTAssertTrue(a.showNavigation && a.linksMayOpen)
        v = try start.handle(event: .lock)
        XCTAssertEqual(v.stage, .unlock)
        XCTAssertFalse(v.showLibrary)
        v = try start.handle(event: .unlock(passphrase: "wrong horse"))
        XCTAssertEqual(v.stage, .unlock)
        XCTAssertEqual(v.attemptsLeft, 4)
        XCTAssertEqual(v.attemptsLeftText, "4 tries left")
        v = try start.handle(event: .unlock(passphrase: good))
        XCTAssertEqual(v.stage, .unlocked)
        XCTAssertTrue(v.showLibrary)
    }

    func test_12_share_and_receive_screens() throws {
        guard let relay = ProcessInfo.processInfo.environment["SCANPASS_RELAY"], !relay.isEmpty else {
            return XCTFail("SCANPASS_RELAY (a running relay) not set")
        }
        let f = try f
        let viewer = "https://view.example/test/0.1.0/"
        let passcode = "blue harbour seven lanterns"
        let v12 = try Vault.create(dir: f.tmp + "/v12", keys: MemoryKeyStore())
        let seen = ViewRecorder()
        let end = try ImportScreen(vault: v12, locale: "en").start(
            sources: [.path(path: path("SAG-anon"))], listener: seen)
        XCTAssertEqual(end.result?.lines, [
            "192 images added",
            "2 files were not images (viewer programs or web pages on the disc, for example)",
        ])
        XCTAssertNil(end.result?.warning)
        XCTAssertTrue(seen.filesTexts().contains("0 of 194 files"))
        guard let studyId = try v12.studies().first?.id else { return XCTFail("no study") }

        let screen = try ShareScreen(vault: v12, locale: "en", relay: relay, studyId: studyId, viewer: viewer)
        _ = try screen.handle(event: .setPasscode(passcode: "blue harbour"))
        var v = try screen.share(listener: nil)
        XCTAssertNil(v.result)
        XCTAssertEqual(v.form.errors.map(\.field), ["passcode"])
        XCTAssertTrue(v.form.errors.first?.message.hasPrefix("This passcode is too easy to guess") ?? false)
        _ = try screen.handle(event: .setPasscode(passcode: passcode))
        v = try screen.handle(event: .setExpiryDays(days: 1))
        XCTAssertEqual(v.form.errors, [])
        v = try screen.share(listener: nil)
        XCTAssertNil(v.error)
        // the link carries the share's key: never print it
        guard let done = v.result else { return XCTFail("no share result") }
        XCTAssertTrue(done.link.hasPrefix(viewer))
        XCTAssertEqual([UInt8](done.qrPng.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertTrue(done.message.contains(done.link))
        XCTAssertFalse(done.message.contains(passcode))
        XCTAssertEqual(done.passcodeMessage, "The passcode for the medical images I sent you: blue harbour seven lanterns")

        let other = try Vault.create(dir: f.tmp + "/v12-receiver", keys: MemoryKeyStore())
        let rx = ReceiveScreen(vault: other, locale: "en")
        var r = try rx.handle(event: .setLink(link: "see you tomorrow"))
        XCTAssertEqual(r.linkError, "This is not a Scanpass link, or it was cut when copied. Copy the whole link again.")
        r = try rx.handle(event: .setLink(link: done.link))
        XCTAssertNil(r.linkError)
        XCTAssertNotNil(r.passcode)
        XCTAssertNil(r.passcode?.error)
        r = try rx.receive(passcode: "red harbour seven lanterns", listener: nil)
        XCTAssertNil(r.result)
        XCTAssertTrue(r.passcode?.error?.hasPrefix("That passcode does not open these images.") ?? false)
        r = try rx.receive(passcode: passcode, listener: nil)
        XCTAssertEqual(r.result?.lines, ["192 images added"])

        let mine = MySharesScreen(vault: v12, locale: "en")
        var m = try mine.handle(event: .refresh)
        XCTAssertEqual(m.shares.count, 1)
        let access = m.shares.first?.access ?? ""
        XCTAssertTrue(access.hasPrefix("Opened once, on ") && access.hasSuffix("1 wrong passcode was tried"), access)
        m = try mine.handle(event: .askRevoke(shareId: m.shares[0].id))
        XCTAssertEqual(m.confirm?.title, "Revoke this link?")
        m = try mine.handle(event: .confirmRevoke)
        XCTAssertEqual(m.shares.first?.status, .revoked)
        XCTAssertEqual(m.shares.first?.state, "Revoked: the link no longer opens anything")
        _ = try rx.handle(event: .setLink(link: done.link))
        r = try rx.receive(passcode: passcode, listener: nil)
        XCTAssertTrue(r.error?.hasPrefix("This link no longer opens anything") ?? false)
    }

    func test_11_request_wizard_to_a_letter_then_the_follow_up() throws {
        let f = try f
        let vault = try Vault.create(dir: f.tmp + "/requests", keys: MemoryKeyStore())
        let clock = try RequestClock.fixed(today: "2025-01-31")
        let w = RequestWizard(vault: vault, locale: "en", clock: clock)
        var v = try w.view()
        XCTAssertEqual([v.step, v.progress], ["jurisdiction", "Step 1 of 7"])
        XCTAssertEqual(v.fields.first?.id, "jurisdiction")
        XCTAssertEqual(v.fields.first?.kind, .choice)
        XCTAssertEqual(v.fields.first?.required, true)
        XCTAssertEqual(v.fields.first?.choices.count, 6)
        v = try w.handle(event: .next)
        XCTAssertEqual(v.step, "jurisdiction")
        XCTAssertEqual(v.fields.first?.error, "is required")
        _ = try w.handle(event: .choose(field: "jurisdiction", code: "EU"))
        XCTAssertEqual(try w.handle(event: .next).step, "provider")
        _ = try w.handle(event: .setText(field: "provider.name", value: "Klinikum Beispiel"))
        _ = try w.handle(event: .setText(field: "provider.email", value: "records@example.org"))
        XCTAssertEqual(try w.handle(event: .next).step, "patient")
        _ = try w.handle(event: .setText(field: "patient.name", value: "Erika Testperson"))
        _ = try w.handle(event: .setText(field: "patient.date_of_birth", value: "1964-08-12"))
        _ = try w.handle(event: .setText(field: "patient.email", value: "erika@example.net"))
        XCTAssertEqual(try w.handle(event: .next).step, "studies")
        _ = try w.handle(event: .setToggle(field: "studies.all", on: true))
        XCTAssertEqual(try w.handle(event: .next).step, "format")
        _ = try w.handle(event: .choose(field: "format", code: "dicom-download"))
        XCTAssertEqual(try w.handle(event: .next).step, "delivery")
        _ = try w.handle(event: .choose(field: "deliver_to", code: "patient"))
        v = try w.handle(event: .next)
        XCTAssertEqual(v.step, "review")
        XCTAssertTrue(v.review.contains { $0.label == "Law" && $0.value == "European Union (GDPR)" })
        v = try w.handle(event: .generate)
        XCTAssertEqual(v.step, "done")
        XCTAssertTrue(v.finished)
        guard let id = v.requestId else { return XCTFail("no request id once generated") }
        XCTAssertEqual([UInt8](try w.letterPdf().prefix(4)), Array("%PDF".utf8))

        let screen = RequestsScreen(vault: vault, locale: "en", clock: clock)
        guard var it = try screen.view().items.first else { return XCTFail("no request listed") }
        XCTAssertEqual(it.id, id)
        XCTAssertEqual(it.state, .ready)
        XCTAssertEqual(it.next, .send)
        it = try screen.handle(event: .markSent(id: id, on: nil, channel: nil)).items[0]
        XCTAssertEqual(it.state, .sent)
        XCTAssertEqual(it.sent, "Sent on 31 January 2025")
        XCTAssertEqual(it.due, "Due on 28 February 2025")
        XCTAssertEqual(it.dueDate, "2025-02-28")
        XCTAssertEqual(it.next, .wait)
        try clock.set(today: "2025-03-03")
        it = try screen.view().items[0]
        XCTAssertEqual(it.state, .overdue)
        XCTAssertEqual(it.next, .followUp)
        XCTAssertTrue(it.letters.contains { $0.kind == .followUp })
        XCTAssertEqual([UInt8](try screen.letterPdf(id: id, kind: .followUp).prefix(4)), Array("%PDF".utf8))
        XCTAssertEqual(try screen.view().items[0].next, .awaitFollowUp)
    }

    func test_13_first_image_at_the_views_size() throws {
        let f = try f
        let v = try Vault.create(dir: f.tmp + "/first-image", keys: MemoryKeyStore())
        let added = try v.importFrom(
            sources: [.path(path: path("pylibjpeg-data", "JPEGExtended_3s_1f_u_08_08.dcm"))],
            listener: nil, cancel: CancelHandle())
        XCTAssertEqual(added.instancesAdded, 1)
        let series = try v.series(studyId: try v.studies()[0].id)[0].id
        // the viewer: 768 x 576 lossy JPEG, a 300 x 300 view: half of each side first
        let viewer = try v.openViewer(seriesId: series)
        let first = try viewer.renderForView(n: 0, window: .default, viewWidth: 300, viewHeight: 300)
        XCTAssertTrue(first.reduced)
        XCTAssertEqual([first.width, first.height], [384, 288])
        XCTAssertEqual(first.rgba.count, 384 * 288 * 4)
        let full = try viewer.render(n: 0, window: .default)
        XCTAssertFalse(full.reduced)
        XCTAssertEqual([full.width, full.height], [768, 576])
        let again = try viewer.renderForView(n: 0, window: .default, viewWidth: 300, viewHeight: 300)
        XCTAssertFalse(again.reduced)
        XCTAssertEqual(try sha(again), try sha(full))
        // the viewer screen the apps use: the same, at the screen's window
        let screen = try ViewerScreen(vault: v, seriesId: series, locale: "en")
        let s = try screen.renderForView(viewWidth: 300, viewHeight: 300)
        XCTAssertTrue(s.reduced)
        XCTAssertEqual([s.width, s.height], [384, 288])
        let whole = try screen.render()
        XCTAssertFalse(whole.reduced)
        XCTAssertEqual([whole.width, whole.height], [768, 576])
        XCTAssertEqual(try sha(whole), try sha(full))
        let next = try screen.renderForView(viewWidth: 300, viewHeight: 300)
        XCTAssertFalse(next.reduced)
        XCTAssertEqual(try sha(next), try sha(full))
    }
}

/// The import screen's views, as a Swift listener sees them (on the importing thread).
final class ViewRecorder: ImportViewListener, @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String] = []

    func onView(view: ImportScreenView) throws {
        lock.lock()
        defer { lock.unlock() }
        if let p = view.progress { texts.append(p.filesText) }
    }

    func filesTexts() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return texts
    }
}

/// The revisions a vault announces, as a Swift listener sees them (on the changing thread).
final class ChangeRecorder: VaultListener, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [UInt64] = []

    func onChange(revision: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        seen.append(revision)
    }

    func revisions() -> [UInt64] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }
}
