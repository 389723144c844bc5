// Calls into the Rust core. The core's view/handle calls block (on the vault's SQLite and files,
// milliseconds), so they never run on the main thread: every adapter runs them on [coreDispatcher].
package app.scanpass.android.core

import app.scanpass.ffi.Vault
import app.scanpass.ffi.VaultListener
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.conflate
import kotlinx.coroutines.withContext

/**
 * Where calls into the core run: the IO pool, at most two at a time (the core serialises each
 * screen object behind its own lock; two lets a list refresh and a delete overlap).
 */
val coreDispatcher: CoroutineDispatcher = Dispatchers.IO.limitedParallelism(2)

/** Run [block] (a blocking core call) off the main thread. */
suspend fun <T> core(block: () -> T): T = withContext(coreDispatcher) { block() }

/**
 * The vault's changes (the core's `Vault.watch`): one item per committed change, conflated, so a
 * burst of changes during an import gives one refresh at a time. The listener runs on the
 * thread that changed the vault and only hands the revision over; the watch stops when the
 * collector goes away.
 */
fun vaultChanges(vault: Vault): Flow<ULong> = callbackFlow {
    val watch = vault.watch(object : VaultListener {
        override fun onChange(revision: ULong) {
            trySend(revision)
        }
    })
    awaitClose {
        watch.stop()
        watch.close()
    }
}.conflate()
