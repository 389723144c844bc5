// ShareStore, MySharesStore and ReceiveStore against the real core and a real relay on loopback
// (tests/ios/run starts one and passes SCANPASS_RELAY): the form's refusal by field, the link,
// the passcode prompt with attempts left, the receive, the revoke. Without a relay only the steps
// before the network run (the boundary), and the relay test is reported as skipped.

import Foundation
import Scanpass
import Testing
@testable import ScanpassKit

private let passcode = "blue harbour seven lanterns"
private let viewer = "https://view.example/test/0.1.0/"

@MainActor
@Suite("Share, my shares and receive stores")
struct ShareReceiveStoreTests {
    @Test("the form refuses a weak passcode by field, before any network", .enabled(if: Env.hasSamples, "no ../shared/dicom-samples/SAG-anon"))
    func refusedForm() async throws {
        let t = try TestVault("share-form")
        try await t.importSagAnon()
        let study = try #require(try t.vault.studies().first)
        let store = ShareStore()
        // a relay nobody listens on: a refused form never reaches it
        await store.open(vault: t.vault, studyId: study.id, relay: "http://127.0.0.1:9", locale: "en", viewer: viewer)
        let form = try #require(store.view?.form)
        #expect(form.studies.map(\.id) == [study.id])
        #expect(form.presets.count >= 2)
        #expect(form.presets.allSatisfy { !$0.explanation.isEmpty })
        await store.setPasscode("blue harbour")
        await store.share()
        #expect(store.view?.result == nil)
        #expect(store.view?.form.errors.map(\.field) == ["passcode"])
        #expect(store.error(for: "passcode")?.hasPrefix("This passcode is too easy to guess") == true)

        await store.useSuggestedPasscode()
        #expect(store.error(for: "passcode") == nil)
        #expect(store.view?.form.passcode.value == store.view?.form.passcode.suggestion)
    }

    @Test("receive: a pasted sentence is not a link, in the core's words")
    func notALink() async throws {
        let t = try TestVault("receive-bad")
        let store = ReceiveStore(vault: t.vault, locale: "en")
        await store.load()
        #expect(store.view?.canOpen == false)
        await store.setLink("see you tomorrow")
        #expect(store.view?.linkError == "This is not a Scanpass link, or it was cut when copied. Copy the whole link again.")
        #expect(store.view?.canOpen == false)
    }

    @Test("share through a real relay, receive with a wrong passcode first, then revoke", .enabled(if: Env.hasSamples && Env.relay != nil, "no SAG-anon or no SCANPASS_RELAY (tests/ios/run starts a relay)"))
    func throughARelay() async throws {
        let relay = try #require(Env.relay)
        let t = try TestVault("share-relay")
        try await t.importSagAnon()
        let study = try #require(try t.vault.studies().first)

        let share = ShareStore()
        await share.open(vault: t.vault, studyId: study.id, relay: relay, locale: "en", viewer: viewer)
        await share.setPasscode(passcode)
        await share.setExpiry(days: 1)
        #expect(share.view?.form.errors == [])
        await share.share()
        #expect(share.message == nil, "\(String(describing: share.message))")
        #expect(share.view?.error == nil)
        let done = try #require(share.view?.result)
        // the link carries the share's key: checked, never printed
        #expect(done.link.hasPrefix(viewer))
        #expect(Array(done.qrPng.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        #expect(done.message.contains(done.link))
        #expect(!done.message.contains(passcode))

        let other = try TestVault("receive-relay")
        let receive = ReceiveStore(vault: other.vault, locale: "en")
        await receive.load()
        // as a universal link opens the app
        await receive.open(try #require(URL(string: done.link)))
        #expect(receive.view?.linkError == nil)
        #expect(receive.view?.passcode != nil, "the core asks for the passcode")
        await receive.receive(passcode: "red harbour seven lanterns")
        #expect(receive.view?.result == nil)
        let prompt = try #require(receive.view?.passcode)
        #expect(prompt.error?.hasPrefix("That passcode does not open these images.") == true, "\(prompt)")
        await receive.receive(passcode: passcode)
        #expect(receive.view?.result?.lines == ["192 images added"])
        #expect(try other.vault.studies().count == 1)

        let mine = MySharesStore(vault: t.vault, locale: "en")
        await mine.refresh()
        #expect(mine.view?.shares.count == 1)
        let access = mine.view?.shares.first?.access ?? ""
        #expect(access.hasPrefix("Opened once, on ") && access.hasSuffix("1 wrong passcode was tried"), "\(access)")
        await mine.askRevoke(try #require(mine.view?.shares.first?.id))
        #expect(mine.confirmation?.title == "Revoke this link?")
        await mine.confirmRevoke()
        #expect(mine.view?.shares.first?.status == .revoked)

        await receive.setLink(done.link)
        await receive.receive(passcode: passcode)
        #expect(receive.view?.error?.hasPrefix("This link no longer opens anything") == true)
    }
}
