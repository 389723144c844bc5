// A STAND-IN for the Keychain, for the tests on Linux (where Apple's Security framework does not
// exist). It answers as the Keychain does (duplicate on add, not found on read and delete, a
// biometric prompt that may be cancelled or fail) so that KeychainKeyStore's logic is tested, and
// it keeps the items in memory only. It is not a key store for patients: the app never uses it
// (ScanpassApp builds SecurityKeychain), and it is named so that nobody mistakes it for one.

import Foundation

public final class LinuxKeychainStandIn: KeychainAccess {
    /// What the stand-in's "Face ID" answers when a biometry-protected item is read.
    public enum BiometricOutcome: Sendable {
        case succeed
        case cancel
        case fail
    }

    public struct Item: Equatable, Sendable {
        public let data: Data
        public let protection: KeyProtection
    }

    private struct State: Sendable {
        var items: [String: Item] = [:]
        var biometric: BiometricOutcome = .succeed
        var prompts: [String] = []
        var failNext: KeychainFailure?
    }

    private let state = Locked(State())

    public init() {}

    /// The items by "service/account", as the tests inspect them.
    public var items: [String: Item] { state.current.items }
    /// The prompts shown with the stand-in's biometric check, in order.
    public var prompts: [String] { state.current.prompts }

    public func setBiometricOutcome(_ outcome: BiometricOutcome) {
        state.withLock { $0.biometric = outcome }
    }

    /// Make the next call fail with `failure` (an `OSStatus` the real Keychain may answer).
    public func failNextCall(with failure: KeychainFailure) {
        state.withLock { $0.failNext = failure }
    }

    public func add(service: String, account: String, data: Data, protection: KeyProtection) throws(KeychainFailure) {
        try state.withLock { (s: inout State) throws(KeychainFailure) in
            try Self.takeFailure(&s)
            let key = "\(service)/\(account)"
            guard s.items[key] == nil else { throw .duplicate }
            s.items[key] = Item(data: data, protection: protection)
        }
    }

    public func read(service: String, account: String, prompt: String) throws(KeychainFailure) -> Data {
        try state.withLock { (s: inout State) throws(KeychainFailure) -> Data in
            try Self.takeFailure(&s)
            guard let item = s.items["\(service)/\(account)"] else { throw .notFound }
            if item.protection == .biometryCurrentSet {
                s.prompts.append(prompt)
                switch s.biometric {
                case .succeed: break
                case .cancel: throw .userCancelled
                case .fail: throw .authenticationFailed
                }
            }
            return item.data
        }
    }

    public func delete(service: String, account: String) throws(KeychainFailure) {
        try state.withLock { (s: inout State) throws(KeychainFailure) in
            try Self.takeFailure(&s)
            guard s.items.removeValue(forKey: "\(service)/\(account)") != nil else { throw .notFound }
        }
    }

    private static func takeFailure(_ s: inout State) throws(KeychainFailure) {
        if let failure = s.failNext {
            s.failNext = nil
            throw failure
        }
    }
}
