// Face ID / Touch ID unlock as the patient's choice, against the real core, with the Linux
// Keychain STAND-IN (Apple's Keychain and LocalAuthentication exist only on Apple's platforms):
// the settings switch the core gives (disabled with its note while nothing is enrolled), turned
// on: the vault key goes to the Keychain bound to biometrics (.biometryCurrentSet, from the core's
// choice); the lock screen offers the device only then, and a cancelled Face ID leaves it locked;
// turned off: the Keychain item is gone and so is the button.

import Foundation
import Scanpass
import Testing
@testable import ScanpassKit

@MainActor
@Suite("Face ID / Touch ID unlock, the patient's choice kept by the core")
struct DeviceUnlockTests {
    @Test("on through the settings, the lock screen's button, a cancelled Face ID, off again")
    func journey() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("device-unlock"))
        let keychain = LinuxKeychainStandIn()
        let keys = KeychainKeyStore(keychain: keychain, protection: { KeychainKeyStore.protectionChosen(forVaultIn: dir) }, prompt: { "Confirm it's you" })
        let start = StartStore()
        await start.open(in: dir, deviceKeys: keys, locale: "en")
        await start.create(passphrase: goodPassphrase, confirm: goodPassphrase)
        let vault = try #require(await start.vault())
        #expect(KeychainKeyStore.protectionChosen(forVaultIn: dir) == .deviceUnlocked)

        // nothing enrolled: the switch cannot go on, and the core says why
        let unenrolled = SettingsStore(directory: dir, locale: "en", vault: vault, deviceKeys: keys, availability: AvailabilityStandIn(answer: .notEnrolled))
        await unenrolled.load()
        let off = try #require(unenrolled.view?.deviceUnlock)
        #expect(!off.on && !off.enabled)
        #expect(off.note == "Add a fingerprint or face in your phone's settings first.")
        await unenrolled.setDeviceUnlock(true)
        #expect(unenrolled.message != nil)
        #expect(keychain.items.isEmpty)

        // enrolled: on; the Keychain item is bound to biometrics
        let settings = SettingsStore(directory: dir, locale: "en", vault: vault, deviceKeys: keys, availability: AvailabilityStandIn(answer: .ready))
        await settings.load()
        #expect(settings.view?.deviceUnlock?.label == "Unlock with fingerprint or face")
        await settings.setDeviceUnlock(true)
        #expect(settings.view?.deviceUnlock?.on == true)
        let item = try #require(keychain.items["\(KeychainKeyStore.service)/\(vault.id())"])
        #expect(item.protection == .biometryCurrentSet)
        #expect(KeychainKeyStore.protectionChosen(forVaultIn: dir) == .biometryCurrentSet)

        // the lock screen offers the device once told the device can
        await start.lock()
        #expect(start.view?.deviceLabel == nil)
        await start.deviceBiometrics(.ready)
        #expect(start.view?.deviceLabel == "Unlock with fingerprint or face")
        keychain.setBiometricOutcome(.cancel)
        await start.unlockWithDevice()
        #expect(start.view?.showLibrary == false, "a cancelled Face ID does not open")
        #expect(start.view?.feedback == "Your fingerprint or face did not unlock Scanpass. Use your passphrase.")
        keychain.setBiometricOutcome(.succeed)
        await start.unlockWithDevice()
        #expect(start.view?.stage == .unlocked)
        #expect(keychain.prompts == ["Confirm it's you", "Confirm it's you"])

        // off: the Keychain forgets the key, the button goes
        await settings.setDeviceUnlock(false)
        #expect(settings.view?.deviceUnlock?.on == false)
        #expect(keychain.items.isEmpty, "only the passphrase opens")
        await start.lock()
        #expect(start.view?.deviceLabel == nil)
    }

    @Test("AppStore tells the core what the device can do, and its settings store has the switch")
    func appStore() async throws {
        let dir = try VaultLocation.prepare(parent: Env.scratch("device-unlock-app"))
        let keychain = LinuxKeychainStandIn()
        let keys = KeychainKeyStore(keychain: keychain, protection: { KeychainKeyStore.protectionChosen(forVaultIn: dir) }, prompt: { "p" })
        let app = AppStore(locale: "en")
        await app.start(in: dir, keys: keys, availability: AvailabilityStandIn(answer: .ready))
        guard case let .start(start) = app.phase else {
            Issue.record("not on the start screen: \(app.phase)")
            return
        }
        await start.create(passphrase: goodPassphrase, confirm: goodPassphrase)
        try await eventually("the library shows") { if case .library = app.phase { true } else { false } }
        let settings = try #require(app.settingsStore())
        await settings.load()
        #expect(settings.view?.deviceUnlock?.enabled == true, "told: the device can")
        await settings.setDeviceUnlock(true)
        await app.lock()
        #expect(app.startStore?.view?.deviceLabel == "Unlock with fingerprint or face")
    }
}
