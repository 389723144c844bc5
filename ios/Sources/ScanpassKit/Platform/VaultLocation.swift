// Where the vault lives on the device, and the platform's protection of that folder:
//   - excluded from iCloud and iTunes backups (isExcludedFromBackup on the folder that holds it);
//   - Data Protection `complete`: its files cannot be read while the device is locked (new files
//     take the protection class of the folder they are created in).
// Both are Apple-only file attributes: on Linux (the tests) the folder is only created.

import Foundation

public enum VaultLocation {
    /// `Application Support/Scanpass/vault` in the app's container.
    public static func standard() throws -> URL {
        let support = try FileManager.default.url(
            for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
        return try prepare(parent: support.appendingPathComponent("Scanpass", isDirectory: true))
    }

    /// Create `parent` with its protection and return the vault's folder inside it (the core
    /// creates that folder itself: Vault.create wants it empty or absent).
    public static func prepare(parent: URL) throws -> URL {
        var attributes: [FileAttributeKey: Any] = [:]
        #if os(iOS)
        attributes[.protectionKey] = FileProtectionType.complete
        #endif
        try FileManager.default.createDirectory(
            at: parent, withIntermediateDirectories: true, attributes: attributes)
        #if canImport(Darwin)
        var folder = parent
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try folder.setResourceValues(values)
        #endif
        return parent.appendingPathComponent("vault", isDirectory: true)
    }
}
