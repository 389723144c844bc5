// What the tests share: scratch folders, the sample series, vaults with a key store of the app's
// own code (KeychainKeyStore) over the Linux stand-in of the Keychain, and waiting on a store.

import Foundation
import Scanpass
import Testing
@testable import ScanpassKit

enum Env {
    /// The real DICOM samples (../shared/dicom-samples from the repository root; tests/ios/run
    /// passes SCANPASS_SAMPLES). Tests needing them are disabled, with the reason shown, when the
    /// folder is absent.
    static let samples: String? = {
        let env = ProcessInfo.processInfo.environment
        let path = env["SCANPASS_SAMPLES"] ?? URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().appendingPathComponent("../../../../shared/dicom-samples").path
        return FileManager.default.fileExists(atPath: path + "/SAG-anon") ? path : nil
    }()

    static var sagAnon: URL { URL(fileURLWithPath: samples! + "/SAG-anon", isDirectory: true) }

    static let hasSamples = samples != nil

    /// A fresh folder, under SCANPASS_TEST_TMP (a host folder tests/ios/run binds into the
    /// chroot and deletes) or the system's temporary folder.
    static func scratch(_ name: String) throws -> URL {
        let base = ProcessInfo.processInfo.environment["SCANPASS_TEST_TMP"]
            .map { URL(fileURLWithPath: $0, isDirectory: true) } ?? FileManager.default.temporaryDirectory
        let dir = base.appendingPathComponent("scanpasskit-\(name)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// A vault whose key is kept by the app's KeychainKeyStore over the Keychain's Linux stand-in.
struct TestVault {
    let dir: URL
    let keychain: LinuxKeychainStandIn
    let keys: KeychainKeyStore
    let vault: Vault

    init(_ name: String, protection: KeyProtection = .deviceUnlocked) throws {
        dir = try VaultLocation.prepare(parent: Env.scratch(name))
        keychain = LinuxKeychainStandIn()
        keys = KeychainKeyStore(keychain: keychain, protection: { protection }, prompt: { "Unlock your images" })
        vault = try Vault.create(dir: dir.path, keys: keys)
    }

    /// Import SAG-anon (192 MR slices of one series) through ScanpassKit's import path.
    @discardableResult
    func importSagAnon() async throws -> ImportSummary {
        try await importPicked(PickedFiles([Env.sagAnon]), into: vault)
    }
}

/// Wait (polling the main actor) until `condition` holds, at most `timeout`.
@MainActor
func eventually(
    timeout: Duration = .seconds(20), _ what: String, _ condition: @MainActor () -> Bool
) async throws {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: timeout)
    while !condition() {
        guard clock.now < end else {
            Issue.record("timed out waiting for: \(what)")
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

extension ScanpassError {
    /// The case name (what the app switches on), read by reflection so that a case added to the
    /// API does not break the build of the tests.
    var kind: String {
        Mirror(reflecting: self).children.first?.label ?? String(describing: self)
    }
}

extension Env {
    /// A relay on loopback started by tests/ios/run (as tests/bindings/run does), or nil.
    static let relay: String? = {
        let v = ProcessInfo.processInfo.environment["SCANPASS_RELAY"] ?? ""
        return v.isEmpty ? nil : v
    }()
}

/// Face ID as the tests answer it: a Linux stand-in, never the app's.
/// STAND-IN for LocalAuthentication's answer to "can this device use Face ID / Touch ID?".
struct AvailabilityStandIn: BiometricAvailability {
    let answer: Biometrics
    func biometrics() -> Biometrics { answer }
}

final class BiometricStandIn: BiometricPrompt {
    let answer: Bool
    let reasons = Locked<[String]>([])
    init(answer: Bool) { self.answer = answer }
    func evaluate(reason: String) async -> Bool {
        reasons.withLock { $0.append(reason) }
        return answer
    }
}
