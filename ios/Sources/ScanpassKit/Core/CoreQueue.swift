// Where the core's blocking calls run: never on the main actor.
//
// The core's screen objects block on the vault (milliseconds for a view, seconds for an import);
// the views are published on the main actor. A store hands each core call to its CoreQueue, a
// serial dispatch queue, and awaits the answer, so the main thread never waits on the core and a
// screen's events reach the core in the order the patient made them.

import Dispatch

public final class CoreQueue: Sendable {
    private let queue: DispatchQueue
    // marks the queues' threads, so tests can tell a core call ran on one
    // (immutable after creation; DispatchSpecificKey is not declared Sendable)
    nonisolated(unsafe) private static let key = DispatchSpecificKey<String>()

    /// `label` names the queue in crash reports and Instruments (never patient data).
    public init(label: String) {
        let name = "app.scanpass.core.\(label)"
        queue = DispatchQueue(label: name, qos: .userInitiated)
        queue.setSpecific(key: Self.key, value: name)
    }

    /// The CoreQueue the caller runs on, if any (its full label).
    static var current: String? { DispatchQueue.getSpecific(key: key) }

    /// Run `body` on the queue and return its result to the caller's actor.
    ///
    /// `body` is queued before the caller first suspends (`isolation`: this runs on the caller's
    /// actor up to the dispatch, SE-0420), so calls a store makes one after the other on the main
    /// actor reach the core in that order.
    public func run<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation(isolation: isolation) { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    /// `run` for calls that cannot throw.
    public func run<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: @escaping @Sendable () -> T
    ) async -> T {
        await withCheckedContinuation(isolation: isolation) { continuation in
            queue.async { continuation.resume(returning: body()) }
        }
    }
}
