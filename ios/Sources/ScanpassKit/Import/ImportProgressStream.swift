// The core's import progress as an AsyncStream, for a store on the main actor to iterate.
//
// The core calls `onEvent` on its importing thread (never the main thread); the stream's
// continuation is thread-safe, so the events cross to the store's actor without a lock of ours.

import Foundation
import Scanpass

public final class ImportProgressStream: ImportListener, Sendable {
    public let events: AsyncStream<ImportEvent>
    private let continuation: AsyncStream<ImportEvent>.Continuation

    public init() {
        // progress is a stream of snapshots: a slow reader needs only the newest few
        (events, continuation) = AsyncStream.makeStream(of: ImportEvent.self, bufferingPolicy: .bufferingNewest(64))
    }

    public func onEvent(event: ImportEvent) throws {
        continuation.yield(event)
    }

    /// No more events (call when the import returned).
    public func finish() { continuation.finish() }
}

/// Import what the patient picked into `vault`, off the main actor, keeping the picked URLs open
/// for the whole import. Progress goes to `progress`; `cancel` stops it (the core's summary then
/// says so, and what was stored stays).
public func importPicked(
    _ picked: PickedFiles,
    into vault: Vault,
    progress: ImportProgressStream? = nil,
    cancel: CancelHandle = CancelHandle()
) async throws -> ImportSummary {
    defer { progress?.finish() }
    return try await picked.withAccess {
        try await vault.importFromAsync(sources: picked.sources, listener: progress, cancel: cancel)
    }
}
