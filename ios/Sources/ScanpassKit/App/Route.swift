// Which screen shows: ids only (the core's ids are stable across launches), so the navigation
// can be saved when the system ends the app and restored at the next launch.

import Foundation

/// A screen pushed on the navigation stack above the library.
public enum Route: Hashable, Codable, Sendable {
    /// One study, in the viewer (the core's ViewerScreen model: its series strip and slices).
    case study(id: String)
}

/// A flow shown as a sheet over the stack.
public enum Sheet: String, Hashable, Codable, Sendable, Identifiable {
    /// Import from Files (folders, zips, files) or a provider link.
    case importImages
    public var id: String { rawValue }
}

/// What is saved for the next launch: the stack and the sheet, ids only (no patient data: a study
/// id is derived under the vault key and says nothing of the study).
public struct Restoration: Codable, Equatable, Sendable {
    public var path: [Route]
    public var sheet: Sheet?

    public init(path: [Route] = [], sheet: Sheet? = nil) {
        self.path = path
        self.sheet = sheet
    }
}
