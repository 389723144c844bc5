// A value behind a lock, for the few places the core calls back on its own threads (key stores,
// import listeners). Synchronization.Mutex needs iOS 18; this serves iOS 17.

import Foundation

public final class Locked<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access to `value` holds `lock`
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    @discardableResult
    public func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    public var current: Value { withLock { $0 } }
}
