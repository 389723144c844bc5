// The request wizard and list stores, and appointment mode, against the real core: the wizard
// refuses Next with a missing field and shows the model's error; the journey to a letter, marked
// sent, overdue at a clock the test sets, and the follow-up letter; appointment mode hides the
// library until the unlock, with attempts left on a wrong passphrase.

import Foundation
import Scanpass
import Testing
@testable import ScanpassKit

@MainActor
@Suite("Request wizard and list stores")
struct RequestStoreTests {
    @Test("a missing field: Next is refused with the model's error; the journey to the follow-up")
    func journey() async throws {
        let t = try TestVault("requests")
        let clock = try RequestClock.fixed(today: "2025-01-31")
        let w = RequestWizardStore()
        await w.open(vault: t.vault, locale: "en", clock: clock)
        var v = try #require(w.view)
        #expect([v.step, v.progress] == ["jurisdiction", "Step 1 of 7"])
        let field = try #require(v.fields.first)
        #expect(field.id == "jurisdiction" && field.kind == .choice && field.required)

        await w.next()
        #expect(w.view?.step == "jurisdiction", "refused: still on the step")
        #expect(w.error(for: "jurisdiction") == "is required")

        await w.choose("jurisdiction", "EU")
        await w.next()
        #expect(w.view?.step == "provider")
        #expect(w.message == nil)
        await w.setText("provider.name", "Klinikum Beispiel")
        await w.setText("provider.email", "records@example.org")
        await w.next()
        #expect(w.view?.step == "patient")
        await w.setText("patient.name", "Erika Testperson")
        await w.setText("patient.date_of_birth", "1964-08-12")
        await w.setText("patient.email", "erika@example.net")
        await w.next()
        await w.setToggle("studies.all", true)
        await w.next()
        await w.choose("format", "dicom-download")
        await w.next()
        await w.choose("deliver_to", "patient")
        await w.next()
        v = try #require(w.view)
        #expect(v.step == "review")
        #expect(v.review.contains { $0.label == "Law" && $0.value == "European Union (GDPR)" })
        await w.generate()
        #expect(w.view?.finished == true)
        let id = try #require(w.view?.requestId)
        #expect(Array(try #require(await w.letterPdf()).prefix(4)) == Array("%PDF".utf8))

        let list = RequestsStore(vault: t.vault, locale: "en", clock: clock)
        await list.load()
        var item = try #require(list.view?.items.first)
        #expect(item.id == id && item.state == .ready && item.next == .send)
        let markSent = try #require(item.actions.first { $0.action == .markSent })
        #expect(!markSent.label.isEmpty)
        await list.perform(markSent.action, on: id)
        item = try #require(list.view?.items.first)
        #expect(item.state == .sent)
        #expect(item.sent == "Sent on 31 January 2025")
        #expect(item.due == "Due on 28 February 2025")

        try clock.set(today: "2025-03-03")
        await list.load()
        item = try #require(list.view?.items.first)
        #expect(item.state == .overdue && item.next == .followUp)
        let pdf = try #require(await list.letterPdf(id: id, kind: .followUp))
        #expect(Array(pdf.prefix(4)) == Array("%PDF".utf8))
        #expect(list.view?.items.first?.next == .awaitFollowUp, "the list read again after the letter")
    }

    @Test("resume an unfinished request where it stopped; an unknown id in the core's words")
    func resume() async throws {
        let t = try TestVault("requests-resume")
        let clock = try RequestClock.fixed(today: "2025-01-31")
        let w = RequestWizardStore()
        await w.open(vault: t.vault, locale: "fr", clock: clock)
        await w.choose("jurisdiction", "EU")
        await w.next()
        let list = RequestsStore(vault: t.vault, locale: "fr", clock: clock)
        await list.load()
        let draft = try #require(list.view?.items.first)
        #expect(draft.state == .draft)
        #expect(draft.actions.contains { $0.action == .resume })

        let again = RequestWizardStore()
        await again.open(vault: t.vault, locale: "fr", clock: clock, resumeId: draft.id)
        #expect(again.view?.step == "provider")

        let gone = RequestWizardStore()
        await gone.open(vault: t.vault, locale: "en", clock: clock, resumeId: "no-such-request")
        #expect(gone.message?.error?.kind == "NotFound")
        #expect(gone.message?.text == "This item is no longer in your library.")
    }
}

@MainActor
@Suite("AppointmentStore over the core's AppointmentMode")
struct AppointmentStoreTests {
    @Test("appointment hides the library until unlocked; a wrong passphrase shows attempts left", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func passphrase() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("appointment"))
        let app = AppStore(locale: "en")
        await app.start(in: dir, keys: nil)
        guard case let .start(start) = app.phase else { Issue.record("no start screen"); return }
        await start.create(passphrase: goodPassphrase, confirm: goodPassphrase)
        try await eventually("the library shows") { if case .library = app.phase { true } else { false } }
        let vault = try #require(app.vault)
        _ = try await importPicked(PickedFiles([Env.sagAnon]), into: vault)
        let study = try #require(try vault.studies().first)

        let mode = try #require(app.appointment)
        await mode.load()
        #expect(mode.view?.showNavigation == true && !mode.isActive)
        #expect(mode.linksMayOpen, "off: an incoming link opens at once")
        await mode.enter(studyId: study.id, hidePatientName: true)
        #expect(!mode.linksMayOpen, "on: an incoming link waits")
        let on = try #require(mode.view)
        #expect(on.active && !on.showNavigation && on.blockScreenshots && on.hidePatientName)
        #expect(on.pinnedStudyId == study.id)
        #expect(on.banner?.isEmpty == false)

        // the viewer of the pinned study hides the name, as the mode says
        let viewer = ViewerStore()
        await viewer.open(vault: vault, studyId: study.id, locale: "en")
        await viewer.hideName(on.hidePatientName)
        #expect(viewer.view?.overlay.patient == nil)

        await mode.leave()
        #expect(mode.passphrasePrompt == "Enter your passphrase to leave appointment mode")
        await mode.passphrase("wrong horse")
        #expect(mode.isActive && mode.view?.blockScreenshots == true, "still hidden")
        #expect(mode.view?.attemptsLeft == 4)
        #expect(mode.view?.attemptsLeftText == "4 tries left before Scanpass locks")
        #expect(mode.view?.passphraseLabel == "Passphrase" && mode.view?.stayLabel == "Stay")
        #expect(mode.view?.feedback == "That passphrase is not the right one.")
        #expect(!mode.linksMayOpen)
        await mode.passphrase(goodPassphrase)
        #expect(!mode.isActive)
        #expect(mode.linksMayOpen, "the mode ended: the waiting link may open")
        #expect(mode.view?.showNavigation == true && mode.view?.blockScreenshots == false)
    }

    @Test("with the Keychain: biometrics first, performed by the store; a failure falls back to the passphrase", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples"))
    func biometrics() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("appointment-bio"))
        let keychain = LinuxKeychainStandIn()
        let keys = KeychainKeyStore(keychain: keychain, protection: { KeychainKeyStore.protectionChosen(forVaultIn: dir) }, prompt: { "p" })
        let start = StartStore()
        await start.open(in: dir, deviceKeys: keys, locale: "en")
        await start.create(passphrase: goodPassphrase, confirm: goodPassphrase)
        let vault = try #require(await start.vault())
        // the core asks for Face ID only once the patient turned it on
        let settings = SettingsStore(directory: dir, locale: "en", vault: vault, deviceKeys: keys, availability: AvailabilityStandIn(answer: .ready))
        await settings.load()
        await settings.setDeviceUnlock(true)
        #expect(settings.view?.deviceUnlock?.on == true)
        let ct = URL(fileURLWithPath: Env.samples! + "/pydicom/CT_small.dcm")
        _ = try await importPicked(PickedFiles([ct]), into: vault)
        let study = try #require(try vault.studies().first).id

        let yes = BiometricStandIn(answer: true)
        let mode = AppointmentStore(vault: vault, deviceKeys: keys, locale: "en", biometrics: yes)
        await mode.enter(studyId: study, hidePatientName: false)
        #expect(mode.isActive)
        await mode.leave()
        #expect(yes.reasons.current.count == 1)
        #expect(yes.reasons.current.first?.isEmpty == false, "the core's reason, shown by Face ID")
        #expect(!mode.isActive, "the store answered the core's biometric request")

        let no = BiometricStandIn(answer: false)
        let other = AppointmentStore(vault: vault, deviceKeys: keys, locale: "en", biometrics: no)
        await other.enter(studyId: study, hidePatientName: false)
        await other.leave()
        #expect(no.reasons.current.count == 1)
        #expect(other.isActive)
        #expect(other.passphrasePrompt != nil, "a failed Face ID: the passphrase instead")
        await other.cancelLeave()
        #expect(other.isActive && other.passphrasePrompt == nil)

        await other.enter(studyId: study, hidePatientName: false)
        #expect(other.message?.error?.kind == "InvalidInput", "already on: refused in the core's words")
    }
}
