// The vault key in the iOS Keychain: the app's implementation of the core's `KeyStore`
// (generated protocol; the core calls it from its own threads during Vault.create and
// Vault.unlock).
//
// The logic lives here, over `KeychainAccess`, so it is the same code on the phone and in the
// Linux tests: the item per vault id, replace on store, what a Keychain answer means to the core
// (no key, the wrong secret, the store unavailable). The key's bytes are handed straight to the
// Keychain and not kept.

import Foundation
import Scanpass

public final class KeychainKeyStore: KeyStore, Sendable {
    /// The Keychain service of vault keys (the account is the vault id).
    public static let service = "app.scanpass.vault-key"

    private let keychain: any KeychainAccess
    private let protection: @Sendable () -> KeyProtection
    private let prompt: @Sendable () -> String

    /// - Parameters:
    ///   - protection: asked at each store: whether the patient chose Face ID / Touch ID.
    ///   - prompt: the reason shown with Face ID / Touch ID at each load; a sentence of the
    ///     core's (its start and lock screen model), in the patient's language.
    public init(
        keychain: any KeychainAccess,
        protection: @escaping @Sendable () -> KeyProtection,
        prompt: @escaping @Sendable () -> String
    ) {
        self.keychain = keychain
        self.protection = protection
        self.prompt = prompt
    }

    /// The protection the core's settings give the vault key of the vault in `directory`:
    /// Face ID / Touch ID (`.biometryCurrentSet`) once the patient turned fingerprint or face
    /// unlock on, else `.deviceUnlocked`. The core stores the key here only after saving that
    /// choice, so the item is made bound to biometrics.
    public static func protectionChosen(forVaultIn directory: URL) -> KeyProtection {
        deviceUnlockChosen(vaultDir: directory.standardizedFileURL.path) ? .biometryCurrentSet : .deviceUnlocked
    }

    public func load(vaultId: String) throws -> Data? {
        do throws(KeychainFailure) {
            return try keychain.read(service: Self.service, account: vaultId, prompt: prompt())
        } catch .notFound {
            return nil
        } catch {
            throw Self.keyStoreError(error)
        }
    }

    public func store(vaultId: String, key: Data) throws {
        let protection = protection()
        do throws(KeychainFailure) {
            try keychain.add(service: Self.service, account: vaultId, data: key, protection: protection)
        } catch .duplicate {
            // replace: an item's access control cannot be updated in place, so delete and add
            do throws(KeychainFailure) {
                try keychain.delete(service: Self.service, account: vaultId)
            } catch .notFound {
                // deleted meanwhile: nothing to replace
            } catch {
                throw Self.keyStoreError(error)
            }
            do throws(KeychainFailure) {
                try keychain.add(service: Self.service, account: vaultId, data: key, protection: protection)
            } catch {
                throw Self.keyStoreError(error)
            }
        } catch {
            throw Self.keyStoreError(error)
        }
    }

    public func delete(vaultId: String) throws {
        do throws(KeychainFailure) {
            try keychain.delete(service: Self.service, account: vaultId)
        } catch .notFound {
            // nothing to forget
        } catch {
            throw Self.keyStoreError(error)
        }
    }

    /// What a Keychain failure means to the core: the patient's secret did not open the key
    /// (`WrongSecret`, which the core reports as the wrong key) or the store is unavailable (the
    /// reason goes to logs: a status code, never patient data).
    static func keyStoreError(_ failure: KeychainFailure) -> KeyStoreError {
        switch failure {
        case .userCancelled, .authenticationFailed:
            return .WrongSecret
        case .interactionNotAllowed:
            return .Unavailable(reason: "keychain: interaction not allowed (device locked?)")
        case .notFound:
            return .Unavailable(reason: "keychain: item not found")
        case .duplicate:
            return .Unavailable(reason: "keychain: duplicate item")
        case let .status(code):
            return .Unavailable(reason: "keychain: status \(code)")
        }
    }
}
