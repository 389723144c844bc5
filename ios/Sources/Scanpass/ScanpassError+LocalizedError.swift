// Hand-written beside the generated Scanpass.swift (uniffi.toml: omit_localized_error_conformance):
// `error.localizedDescription` is the sentence the core wrote for the patient, not the
// `String(reflecting:)` dump uniffi would give by default.
import Foundation

extension ScanpassError: LocalizedError {
    /// Every case carries `reason: String` first (its only field, or the first of a tuple),
    /// written for the patient; the same sentence as its `description` (Rust `Display`).
    public var errorDescription: String? {
        guard let payload = Mirror(reflecting: self).children.first?.value else { return nil }
        return payload as? String
            ?? Mirror(reflecting: payload).children.first?.value as? String
    }
}
