// Calls into the Rust core. The core's view/handle calls block (on the vault's SQLite and files,
// milliseconds), so they never run on the main thread: every adapter runs them on [coreDispatcher].
package app.scanpass.android.core

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * Where calls into the core run: the IO pool, at most two at a time (the core serialises each
 * screen object behind its own lock; two lets a list refresh and a delete overlap).
 */
val coreDispatcher: CoroutineDispatcher = Dispatchers.IO.limitedParallelism(2)

/** Run [block] (a blocking core call) off the main thread. */
suspend fun <T> core(block: () -> T): T = withContext(coreDispatcher) { block() }
