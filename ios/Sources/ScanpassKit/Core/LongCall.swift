// A long core call (an import, a share's upload, a receive's download) and the views the core's
// listener sends while it runs, once for every store that has one.
//
// The call runs on the store's own queue for long calls (so its quick calls, `view` and `cancel`,
// never wait behind it); each view the listener hands to the `ViewStream` crosses to the main
// actor and is published in order; when the call returns, every view it sent has been published
// before its final view is returned to the store (which publishes that one). A failed call is
// thrown after the views it sent.

import Foundation
import Scanpass

@MainActor
func runLongCall<View: Sendable>(
    on queue: CoreQueue,
    publish: @escaping @MainActor @Sendable (View) -> Void,
    _ body: @escaping @Sendable (ViewStream<View>) throws -> View
) async throws -> View {
    let stream = ViewStream<View>()
    let forward = Task { @MainActor in
        for await view in stream.views { publish(view) }
    }
    let result: Result<View, any Error>
    do {
        result = .success(try await queue.run { try body(stream) })
    } catch {
        result = .failure(error)
    }
    stream.finish()
    await forward.value
    return try result.get()
}
