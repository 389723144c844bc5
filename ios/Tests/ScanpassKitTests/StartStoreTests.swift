// StartStore, AppStore's phases and SettingsStore against the real core: create with a
// refused passphrase, unlock with wrong ones (attempts left), the Keychain unlock, auto-lock by
// the core's idle rule, the library shown only when the core says so.

import Foundation
import Scanpass
import Testing
@testable import ScanpassKit

let goodPassphrase = "copper lantern orbit meadow"

@MainActor
@Suite("StartStore over the core's StartScreen")
struct StartStoreTests {
    @Test("create: a weak passphrase is refused by field; a good one opens the vault")
    func create() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("start-create"))
        let store = StartStore()
        var seen: [StartStage] = []
        store.onView = { seen.append($0.stage) }
        await store.open(in: dir, deviceKeys: nil, locale: "en")
        let first = try #require(store.view)
        #expect(first.stage == .create)
        #expect(!first.showLibrary)
        #expect(first.confirmLabel != nil, "the creation form asks to confirm")

        await store.create(passphrase: "blue harbour", confirm: "blue harbour")
        let refused = try #require(store.message)
        #expect(refused.fields.map(\.field) == ["passphrase"])
        #expect(refused.message(for: "passphrase")?.contains("too easy to guess") == true, "\(refused.fields)")
        #expect(store.view?.stage == .create)
        #expect(await store.vault() == nil)

        await store.create(passphrase: goodPassphrase, confirm: goodPassphrase + "x")
        #expect(store.message?.message(for: "confirm") != nil, "\(String(describing: store.message))")

        await store.create(passphrase: goodPassphrase, confirm: goodPassphrase)
        #expect(store.message == nil)
        #expect(store.view?.stage == .unlocked)
        #expect(store.view?.showLibrary == true)
        #expect(await store.vault()?.isUnlocked() == true)
        #expect(seen.first == .create && seen.last == .unlocked)
    }

    @Test("a wrong passphrase shows the attempts left; the right one unlocks")
    func wrongPassphrase() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("start-wrong"))
        let store = StartStore()
        await store.open(in: dir, deviceKeys: nil, locale: "en")
        await store.create(passphrase: goodPassphrase, confirm: goodPassphrase)
        await store.lock()
        #expect(store.view?.stage == .unlock)
        #expect(store.view?.showLibrary == false)
        #expect(await store.vault()?.isUnlocked() == false)

        await store.unlock(passphrase: "wrong horse")
        let view = try #require(store.view)
        #expect(view.stage == .unlock)
        #expect(view.attemptsLeft == 4)
        #expect(view.feedback?.isEmpty == false)
        await store.unlock(passphrase: "wrong horse")
        #expect(store.view?.attemptsLeft == 3)

        await store.unlock(passphrase: goodPassphrase)
        #expect(store.view?.stage == .unlocked)
        #expect(store.view?.showLibrary == true)
        #expect(store.view?.attemptsLeft == nil)
    }

    @Test("with the Keychain: nothing kept there until the patient turns Face ID / Touch ID on")
    func deviceKeys() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("start-device"))
        let keychain = LinuxKeychainStandIn()
        let keys = KeychainKeyStore(keychain: keychain, protection: { KeychainKeyStore.protectionChosen(forVaultIn: dir) }, prompt: { "Unlock" })
        let store = StartStore()
        await store.open(in: dir, deviceKeys: keys, locale: "en")
        await store.create(passphrase: goodPassphrase, confirm: goodPassphrase)
        #expect(keychain.items.isEmpty, "off by default: the passphrase only")
        await store.deviceBiometrics(.ready)
        await store.lock()
        #expect(store.view?.deviceLabel == nil, "not chosen: no device button")
        await store.unlockWithDevice()
        #expect(store.view?.showLibrary != true)
        #expect(store.message != nil, "refused in the core's words")
    }

    @Test("auto-lock: the settings' idle time, counted by the core from the shell's clock")
    func autoLock() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("start-idle"))
        let clock = Locked<UInt64>(1_000_000)
        let store = StartStore(now: { clock.current })
        await store.open(in: dir, deviceKeys: nil, locale: "en")
        await store.create(passphrase: goodPassphrase, confirm: goodPassphrase)

        let settings = SettingsStore(directory: dir, locale: "en")
        await settings.load()
        let oneMinute = try #require(settings.view?.autoLock.first { $0.value == .oneMinute })
        await settings.setAutoLock(oneMinute.value)
        #expect(settings.view?.autoLock.first { $0.selected }?.value == .oneMinute)

        await store.activity()
        clock.withLock { $0 += 30_000 }
        await store.tick()
        #expect(store.view?.showLibrary == true, "30 s idle: still open")
        clock.withLock { $0 += 31_000 }
        await store.tick()
        #expect(store.view?.stage == .unlock, "61 s idle: the core locked")
        #expect(store.view?.showLibrary == false)
    }
}

@MainActor
@Suite("AppStore's phases follow the core")
struct AppPhaseTests {
    @Test("the start screen first; the library once created; the start screen again on lock")
    func phases() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("app-phases"))
        let app = AppStore(locale: "en")
        await app.start(in: dir, keys: nil)
        guard case let .start(start) = app.phase else {
            Issue.record("not on the start screen: \(app.phase)")
            return
        }
        #expect(start.view?.stage == .create)
        await start.create(passphrase: goodPassphrase, confirm: goodPassphrase)
        try await eventually("the library shows") { if case .library = app.phase { true } else { false } }
        #expect(app.vault?.isUnlocked() == true)
        #expect(app.appointment != nil)

        app.open(.settings)
        app.show(.importImages)
        await app.lock()
        #expect(app.sheet == nil, "no flow stays over the lock screen")
        #expect(app.path == [.settings], "the stack waits for the unlock")
        guard case .start = app.phase else {
            Issue.record("the library still shows after a lock: \(app.phase)")
            return
        }
        #expect(app.vault?.isUnlocked() == false)
    }
}

@MainActor
@Suite("SettingsStore over the core's SettingsScreen")
struct SettingsStoreTests {
    @Test("relay: a refused one by field, the default back; language in the core's words")
    func settings() async throws {
        // the vault folder, as it is once the start screen created the vault
        let dir = try VaultLocation.prepare(parent: Env.scratch("settings"))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = SettingsStore(directory: dir, locale: "en")
        await store.load()
        let view = try #require(store.view)
        #expect(view.relayIsDefault)
        #expect(!view.relay.isEmpty)
        #expect(view.autoLock.filter(\.selected).count == 1)
        #expect(view.languages.contains { $0.code == "fr" })

        await store.setRelay("ftp://nope")
        #expect(store.message?.fields.map(\.field) == ["relay"], "\(String(describing: store.message))")
        #expect(store.view?.relayIsDefault == true, "the refused relay is not kept")

        await store.setRelay("https://relay.example.org")
        #expect(store.message == nil)
        #expect(store.view?.relay == "https://relay.example.org")
        #expect(await store.relay() == "https://relay.example.org")
        await store.useDefaultRelay()
        #expect(store.view?.relayIsDefault == true)

        await store.setLanguage("fr")
        #expect(store.view?.languages.first { $0.selected }?.code == "fr")
        #expect(store.view?.title != view.title, "now worded in French")
    }
}
