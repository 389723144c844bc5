// The library screen's adapter: holds the core's `LibraryScreen` model, runs its blocking calls
// off the main thread, and exposes the latest `LibraryView` as Compose state. No rule here: what
// the list shows, how search matches and what the confirmation says are the core's.
package app.scanpass.android.screens.library

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.scanpass.android.core.core
import app.scanpass.ffi.LibraryEvent
import app.scanpass.ffi.LibraryScreen
import app.scanpass.ffi.LibraryView
import app.scanpass.ffi.Vault
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

class LibraryPresenter(private val vault: () -> Vault, private val locale: String) : AutoCloseable {
    private var screen: LibraryScreen? = null
    private var vaultRef: Vault? = null
    // events reach the core in the order the patient made them
    private val order = Mutex()

    /** What to draw; null until the core's first view arrives. */
    var view: LibraryView? by mutableStateOf(null)
        private set

    /** The core's sentence for the last refused event (its error message is written for patients). */
    var problem: String? by mutableStateOf(null)
        private set

    /**
     * Make the core's screen and bring it back to the saved [search] and [pendingDelete] (after a
     * configuration change or the system killing the process, only these ids were kept).
     */
    suspend fun start(search: String, pendingDelete: String?) = order.withLock {
        val v = core {
            val vlt = vault()
            val s = screen ?: LibraryScreen(vlt, locale).also { screen = it; vaultRef = vlt }
            var out = if (search.isNotEmpty()) s.handle(LibraryEvent.Search(search)) else s.view()
            if (pendingDelete != null) {
                // the study may be gone meanwhile: then there is nothing to confirm
                out = runCatching { s.handle(LibraryEvent.AskDelete(pendingDelete)) }.getOrDefault(out)
            }
            out
        }
        view = v
    }

    /** Send what the patient did; the core answers with the next view. */
    suspend fun send(event: LibraryEvent) = order.withLock {
        val s = screen ?: return@withLock
        try {
            view = core { s.handle(event) }
            problem = null
        } catch (e: Exception) {
            problem = e.message
        }
    }

    /** Ask the core for a new view when the vault's revision moved since the one drawn. Quick. */
    suspend fun refreshIfChanged() = order.withLock {
        val s = screen ?: return@withLock
        val drawn = view?.revision ?: return@withLock
        val v = core { if (vaultRef!!.revision() != drawn) s.view() else null }
        if (v != null) view = v
    }

    override fun close() {
        screen?.close()
        screen = null
    }
}
