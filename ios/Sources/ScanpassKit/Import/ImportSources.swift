// What the patient picked, as the core's import sources.
//
// The core reads every source itself (a CD or USB folder with or without DICOMDIR, a zip, loose
// files, a provider link) and decides what is an image; the app only hands it paths and keeps the
// platform's access to them open while the import runs: files picked with `fileImporter` outside
// the app's container come as security-scoped URLs, readable only between
// startAccessingSecurityScopedResource() and stopAccessingSecurityScopedResource().

import Foundation
import Scanpass

public struct PickedFiles: Sendable, Equatable {
    /// Files, folders and zips as `fileImporter` returned them.
    public let urls: [URL]

    public init(_ urls: [URL]) { self.urls = urls }

    /// The core's sources, one per URL.
    public var sources: [ImportSource] {
        urls.map { .path(path: $0.standardizedFileURL.path) }
    }

    /// Run `body` with every security-scoped URL open, closing them after (also on error or
    /// cancellation). URLs inside the app's container need no scope and are passed as they are.
    public func withAccess<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        #if canImport(Darwin)
        let opened = urls.filter { $0.startAccessingSecurityScopedResource() }
        defer { opened.forEach { $0.stopAccessingSecurityScopedResource() } }
        #endif
        return try await body()
    }

    /// Open every security-scoped URL now (on Linux: none); give the result to `stopAccess`
    /// when the core is done reading. For a caller that cannot hand `withAccess` a closure (a
    /// store on the main actor awaiting a core call).
    public func startAccess() -> [URL] {
        #if canImport(Darwin)
        return urls.filter { $0.startAccessingSecurityScopedResource() }
        #else
        return []
        #endif
    }

    public static func stopAccess(_ opened: [URL]) {
        #if canImport(Darwin)
        opened.forEach { $0.stopAccessingSecurityScopedResource() }
        #endif
    }
}

/// A provider's link (pasted, or from a QR code), as the core's source. The core checks it
/// (https, or http to this device only) and says what is wrong in the patient's words.
public func providerLink(_ text: String, bearerToken: String? = nil) -> ImportSource {
    .url(url: text.trimmingCharacters(in: .whitespacesAndNewlines), bearerToken: bearerToken)
}
