// Which screen shows: ids only (the core's ids are stable across launches), so the navigation
// can be saved when the system ends the app and restored at the next launch.

import Foundation

/// A screen pushed on the navigation stack above the library.
public enum Route: Hashable, Codable, Sendable {
    /// One study, in the viewer (the core's ViewerScreen model: its series strip and slices).
    case study(id: String)
    /// The patient's shares (the core's MySharesScreen).
    case myShares
    /// The patient's requests for images (the core's RequestsScreen).
    case requests
    /// Settings (the core's SettingsScreen).
    case settings
}

/// A flow shown as a sheet over the stack.
public enum Sheet: Hashable, Codable, Sendable, Identifiable {
    /// Import from Files (folders, zips, files) or a provider link.
    case importImages
    /// Share a study (the core's ShareScreen form).
    case share(studyId: String)
    /// Receive a share: a link from a universal link, the clipboard or a QR code (the link is
    /// not saved for the next launch: it carries the share's key).
    case receive
    /// Request your images: a new request, or the unfinished one with this id.
    case requestWizard(resumeId: String?)

    public var id: String {
        switch self {
        case .importImages: "import"
        case let .share(studyId): "share-\(studyId)"
        case .receive: "receive"
        case let .requestWizard(resumeId): "request-\(resumeId ?? "new")"
        }
    }
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
