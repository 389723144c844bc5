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
