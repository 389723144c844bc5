// The Keychain as the key store sees it: three calls on generic-password items, behind a
// protocol so that the key store's logic runs (and is tested) where the Keychain does not exist.
//
// Implementations:
//   SecurityKeychain          Apple's Security framework (SecItemAdd, SecItemCopyMatching,
//                             SecItemDelete); compiled only where Security exists (a Mac or an
//                             iPhone), so on Linux it is parsed, not compiled
//   LinuxKeychainStandIn      a stand-in kept in memory, for the tests on Linux: NOT a key store
//                             for patients (it forgets everything when the process ends)

import Foundation

/// How the item holding a vault key may be read.
public enum KeyProtection: String, Codable, Sendable, CaseIterable {
    /// Readable while the device is unlocked, on this device only
    /// (`kSecAttrAccessibleWhenUnlockedThisDeviceOnly`).
    case deviceUnlocked
    /// As `deviceUnlocked`, and only after Face ID or Touch ID with the biometrics enrolled when
    /// the key was stored (access control `.biometryCurrentSet`): enrolling a new face or finger
    /// makes the item unreadable (MASVS AUTH-2: the biometric unlocks the key itself).
    case biometryCurrentSet
}

/// What the Keychain answered, when it was not a plain success.
public enum KeychainFailure: Error, Equatable, Sendable {
    /// `errSecItemNotFound`
    case notFound
    /// `errSecDuplicateItem`
    case duplicate
    /// `errSecUserCanceled`: the patient dismissed Face ID / Touch ID or the passcode prompt
    case userCancelled
    /// `errSecAuthFailed`: the biometric or passcode check failed, or the enrolled biometrics
    /// changed since the key was stored
    case authenticationFailed
    /// `errSecInteractionNotAllowed`: the device is locked (or no UI may be shown now)
    case interactionNotAllowed
    /// any other `OSStatus`
    case status(Int32)
}

/// One generic-password item per (service, account).
public protocol KeychainAccess: Sendable {
    /// Add an item; `.duplicate` when one exists.
    func add(service: String, account: String, data: Data, protection: KeyProtection) throws(KeychainFailure)
    /// The item's data; `.notFound` when there is none. `prompt` is the reason shown with Face ID
    /// or Touch ID when the item is protected by biometrics.
    func read(service: String, account: String, prompt: String) throws(KeychainFailure) -> Data
    /// Delete the item; `.notFound` when there is none.
    func delete(service: String, account: String) throws(KeychainFailure)
}
