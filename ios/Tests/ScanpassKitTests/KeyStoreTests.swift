// KeychainKeyStore's logic over the Keychain's Linux stand-in, with the real core calling it
// (Vault.create stores the key, Vault.unlock loads it).

import Foundation
import Scanpass
import Testing
@testable import ScanpassKit

@Suite("KeychainKeyStore (Keychain: the Linux stand-in)")
struct KeyStoreTests {
    @Test("the core's vault key goes into one item per vault, and unlocks the vault again")
    func roundTrip() throws {
        let t = try TestVault("keys")
        let item = try #require(t.keychain.items["\(KeychainKeyStore.service)/\(t.vault.id())"])
        #expect(t.keychain.items.count == 1)
        #expect(item.data.count == 32)
        #expect(item.protection == .deviceUnlocked)
        #expect(t.keychain.prompts.isEmpty, "no biometric prompt without biometrics")

        t.vault.lock()
        #expect(!t.vault.isUnlocked())
        try t.vault.unlock(keys: t.keys)
        #expect(t.vault.isUnlocked())

        // the same key store also opens the vault from its folder, as at the next launch
        let reopened = try Vault.open(dir: t.dir.path)
        #expect(!reopened.isUnlocked())
        try reopened.unlock(keys: t.keys)
        #expect(reopened.isUnlocked())
    }

    @Test("with Face ID chosen: the item needs biometrics; a cancel or a failure is the wrong secret")
    func biometry() throws {
        let t = try TestVault("biometry", protection: .biometryCurrentSet)
        let item = try #require(t.keychain.items.values.first)
        #expect(item.protection == .biometryCurrentSet)
        t.vault.lock()

        t.keychain.setBiometricOutcome(.cancel)
        #expect(throws: ScanpassError.self) { try t.vault.unlock(keys: t.keys) }
        do {
            try t.vault.unlock(keys: t.keys)
        } catch let e as ScanpassError {
            #expect(e.kind == "WrongKey")
        }
        t.keychain.setBiometricOutcome(.fail)
        #expect(throws: ScanpassError.self) { try t.vault.unlock(keys: t.keys) }
        #expect(!t.vault.isUnlocked())

        t.keychain.setBiometricOutcome(.succeed)
        try t.vault.unlock(keys: t.keys)
        #expect(t.vault.isUnlocked())
        #expect(t.keychain.prompts.allSatisfy { $0 == "Unlock your images" })
        #expect(t.keychain.prompts.count == 4)
    }

    @Test("a Keychain that refuses: the core reports its key store unavailable")
    func unavailable() throws {
        let t = try TestVault("unavailable")
        t.vault.lock()
        t.keychain.failNextCall(with: .interactionNotAllowed)
        do {
            try t.vault.unlock(keys: t.keys)
            Issue.record("unlocked through a refusing Keychain")
        } catch let e as ScanpassError {
            #expect(e.kind == "KeyStore")
            #expect(e.localizedDescription == "Scanpass could not reach this device's secure key storage.")
        }
        try t.vault.unlock(keys: t.keys)
        #expect(t.vault.isUnlocked())
    }

    @Test("store replaces an item (and its protection); load of none is nil; delete of none is fine")
    func storeLoadDelete() throws {
        let keychain = LinuxKeychainStandIn()
        let protection = Locked(KeyProtection.deviceUnlocked)
        let keys = KeychainKeyStore(keychain: keychain, protection: { protection.current }, prompt: { "p" })
        #expect(try keys.load(vaultId: "v") == nil)
        try keys.delete(vaultId: "v")

        try keys.store(vaultId: "v", key: Data(repeating: 1, count: 32))
        protection.withLock { $0 = .biometryCurrentSet }
        try keys.store(vaultId: "v", key: Data(repeating: 2, count: 32))
        #expect(keychain.items.count == 1)
        #expect(keychain.items.values.first == .init(data: Data(repeating: 2, count: 32), protection: .biometryCurrentSet))
        #expect(try keys.load(vaultId: "v") == Data(repeating: 2, count: 32))
        #expect(keychain.prompts == ["p"])

        try keys.delete(vaultId: "v")
        #expect(keychain.items.isEmpty)
        #expect(try keys.load(vaultId: "v") == nil)
    }

    @Test("what each Keychain answer means to the core", arguments: [
        (KeychainFailure.userCancelled, "WrongSecret"),
        (.authenticationFailed, "WrongSecret"),
        (.interactionNotAllowed, "Unavailable"),
        (.duplicate, "Unavailable"),
        (.status(-26_276), "Unavailable"),
    ])
    func failureMapping(failure: KeychainFailure, expected: String) {
        let error = KeychainKeyStore.keyStoreError(failure)
        let kind = Mirror(reflecting: error).children.first?.label ?? String(describing: error)
        #expect(kind == expected)
        #expect(!"\(error)".contains("vault"), "no ids in the reason")
    }
}
