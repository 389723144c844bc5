// The sentence to show the patient for an error: the core writes it (ScanpassError's message, in
// the words of ios/Sources/Scanpass/ScanpassError+LocalizedError.swift); Swift never words one.

import Foundation
import Scanpass

/// An error as a store publishes it: the patient's sentence, and the case for the app's logic
/// (what the app acts on: ask to unlock, offer to retry).
public struct PatientMessage: Equatable, Sendable {
    /// What to show, as the core wrote it.
    public let text: String
    /// The core's error case when there was one (`nil` for an error that did not come from the
    /// core, whose text is then the system's own description).
    public let error: ScanpassError?

    public init(_ error: any Error) {
        if let e = error as? ScanpassError {
            self.error = e
            text = e.localizedDescription
        } else {
            self.error = nil
            text = error.localizedDescription
        }
    }
}

extension PatientMessage {
    /// The refused fields of a form (`ScanpassError.Invalid`), each with the core's sentence;
    /// empty for any other error.
    public var fields: [FieldError] {
        if case let .Invalid(_, fields)? = error { return fields }
        return []
    }

    /// The core's sentence for one field (its id as the screen documents it), if refused.
    public func message(for field: String) -> String? {
        fields.first { $0.field == field }?.message
    }
}
