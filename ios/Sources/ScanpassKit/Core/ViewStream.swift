// The views a core screen sends while a long call runs (an import, a share, a receive), as an
// AsyncStream a store on the main actor iterates.
//
// The core calls `onView` on its working thread (never the main thread); the stream's
// continuation is thread-safe, so views cross to the store's actor without a lock of ours. Only
// the newest few are kept: each view is a whole snapshot, so a slow reader loses nothing it needs.

import Foundation
import Scanpass

public final class ViewStream<View: Sendable>: Sendable {
    public let views: AsyncStream<View>
    private let continuation: AsyncStream<View>.Continuation

    public init() {
        (views, continuation) = AsyncStream.makeStream(of: View.self, bufferingPolicy: .bufferingNewest(4))
    }

    func yield(_ view: View) { continuation.yield(view) }

    /// No more views (the long call returned).
    public func finish() { continuation.finish() }
}

extension ViewStream: ImportViewListener where View == ImportScreenView {
    public func onView(view: ImportScreenView) throws { yield(view) }
}

extension ViewStream: ShareViewListener where View == ShareScreenView {
    public func onView(view: ShareScreenView) throws { yield(view) }
}

extension ViewStream: ReceiveViewListener where View == ReceiveScreenView {
    public func onView(view: ReceiveScreenView) throws { yield(view) }
}
