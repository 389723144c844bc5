// KeychainAccess over Apple's Security framework: the Keychain on the iPhone. Compiled only where
// Security exists; on Linux this file is parsed (tests/ios/run), not compiled, and the tests use
// LinuxKeychainStandIn instead.
//
// Items: kSecClassGenericPassword, service + account (the vault id), never synchronised
// (ThisDeviceOnly items do not leave the device or reach backups):
//   - deviceUnlocked:      kSecAttrAccessible = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
//   - biometryCurrentSet:  kSecAttrAccessControl = SecAccessControlCreateWithFlags(
//                            kSecAttrAccessibleWhenUnlockedThisDeviceOnly, .biometryCurrentSet)
//                          (an item takes one or the other: both at once is errSecParam)
// Reads of a biometry-protected item show Face ID / Touch ID with `prompt`, through an
// LAContext's localizedReason (kSecUseOperationPrompt is deprecated).

#if canImport(Security)
import Foundation
import LocalAuthentication
import Security

public struct SecurityKeychain: KeychainAccess {
    public init() {}

    public func add(service: String, account: String, data: Data, protection: KeyProtection) throws(KeychainFailure) {
        var query = Self.base(service: service, account: account)
        query[kSecValueData as String] = data
        switch protection {
        case .deviceUnlocked:
            query[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        case .biometryCurrentSet:
            var error: Unmanaged<CFError>?
            guard let access = SecAccessControlCreateWithFlags(
                nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, .biometryCurrentSet, &error
            ) else {
                _ = error?.takeRetainedValue()
                throw .status(errSecParam)
            }
            query[kSecAttrAccessControl as String] = access
        }
        try Self.check(SecItemAdd(query as CFDictionary, nil))
    }

    public func read(service: String, account: String, prompt: String) throws(KeychainFailure) -> Data {
        var query = Self.base(service: service, account: account)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        let context = LAContext()
        context.localizedReason = prompt
        query[kSecUseAuthenticationContext as String] = context
        var result: CFTypeRef?
        try Self.check(SecItemCopyMatching(query as CFDictionary, &result))
        guard let data = result as? Data else { throw .status(errSecInternalError) }
        return data
    }

    public func delete(service: String, account: String) throws(KeychainFailure) {
        try Self.check(SecItemDelete(Self.base(service: service, account: account) as CFDictionary))
    }

    private static func base(service: String, account: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: account,
            kSecAttrSynchronizable as String: false,
        ]
    }

    private static func check(_ status: OSStatus) throws(KeychainFailure) {
        switch status {
        case errSecSuccess: return
        case errSecItemNotFound: throw .notFound
        case errSecDuplicateItem: throw .duplicate
        case errSecUserCanceled: throw .userCancelled
        case errSecAuthFailed: throw .authenticationFailed
        case errSecInteractionNotAllowed: throw .interactionNotAllowed
        default: throw .status(status)
        }
    }
}
#endif
