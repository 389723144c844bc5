// The share screen's adapter: holds the core's `ShareScreen` for one study, forwards the form's
// events, runs the upload off the main thread with the core's progress views as Compose state.
// No rule here: validation by field, the warning, progress and the link are the core's.
package app.scanpass.android.screens.share

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.scanpass.android.core.core
import app.scanpass.android.design.patientMessage
import app.scanpass.ffi.ShareScreen
import app.scanpass.ffi.ShareScreenEvent
import app.scanpass.ffi.ShareScreenView
import app.scanpass.ffi.ShareViewListener
import app.scanpass.ffi.Vault
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

class SharePresenter(
    private val vault: () -> Vault,
    private val locale: String,
    /** The relay shares go through (the settings' choice). Blocks. */
    private val relay: () -> String,
    private val studyId: String,
) : AutoCloseable {
    private var screen: ShareScreen? = null
    private val order = Mutex()

    var view: ShareScreenView? by mutableStateOf(null)
        private set
    var problem: String? by mutableStateOf(null)
        private set

    suspend fun start() = order.withLock {
        try {
            view = core { (screen ?: ShareScreen(vault(), locale, relay(), studyId, null).also { screen = it }).view() }
        } catch (e: Exception) {
            problem = patientMessage(e)
        }
    }

    suspend fun send(event: ShareScreenEvent) = order.withLock {
        val s = screen ?: return@withLock
        try {
            view = core { s.handle(event) }
            problem = null
        } catch (e: Exception) {
            problem = patientMessage(e)
        }
    }

    /** Share as the form says; a refused form comes back at once with its errors by field. */
    suspend fun share() {
        val s = screen ?: return
        val listener = object : ShareViewListener {
            override fun onView(view: ShareScreenView) { this@SharePresenter.view = view }
        }
        try {
            problem = null
            view = withContext(Dispatchers.IO) { s.share(listener) }
        } catch (e: Exception) {
            problem = patientMessage(e)
        }
    }

    fun cancel() { screen?.cancel() }

    override fun close() {
        screen?.close()
        screen = null
    }
}
