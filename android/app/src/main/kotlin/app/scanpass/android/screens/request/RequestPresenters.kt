// The adapters of "request your images": the core's `RequestWizard` (a new request or a draft
// resumed) and `RequestsScreen` (the list), their blocking calls on the core's dispatcher. No
// rule here: steps, fields, refusals, due dates and what to do next are the core's.
package app.scanpass.android.screens.request

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.scanpass.android.core.core
import app.scanpass.android.design.patientMessage
import app.scanpass.ffi.LetterKind
import app.scanpass.ffi.RequestClock
import app.scanpass.ffi.RequestWizard
import app.scanpass.ffi.RequestsEvent
import app.scanpass.ffi.RequestsScreen
import app.scanpass.ffi.RequestsView
import app.scanpass.ffi.Vault
import app.scanpass.ffi.WizardEvent
import app.scanpass.ffi.WizardView
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/** Where the request screens take today's date: the device's clock; tests set a fixed one. */
object RequestClocks {
    @Volatile var override: RequestClock? = null
    fun current(): RequestClock = override ?: RequestClock.system()
}

class WizardPresenter(
    private val vault: () -> Vault,
    private val locale: String,
    /** A draft to resume (an id), or null for a new request. */
    private val requestId: String?,
) : AutoCloseable {
    private var wizard: RequestWizard? = null
    private val order = Mutex()
    var view: WizardView? by mutableStateOf(null)
        private set
    var problem: String? by mutableStateOf(null)
        private set

    suspend fun start() = order.withLock {
        try {
            view = core {
                val w = wizard ?: (
                    if (requestId != null) RequestWizard.resume(vault(), locale, RequestClocks.current(), requestId)
                    else RequestWizard(vault(), locale, RequestClocks.current())
                    ).also { wizard = it }
                w.view()
            }
        } catch (e: Exception) {
            problem = patientMessage(e)
        }
    }

    suspend fun send(e: WizardEvent) = order.withLock {
        val w = wizard ?: return@withLock
        try {
            view = core { w.handle(e) }
            problem = null
        } catch (x: Exception) {
            problem = patientMessage(x)
        }
    }

    /** The letter as PDF bytes, once finished. */
    suspend fun letter(): ByteArray? = order.withLock {
        val w = wizard ?: return@withLock null
        try { core { w.letterPdf() } } catch (x: Exception) { problem = patientMessage(x); null }
    }

    override fun close() {
        wizard?.close()
        wizard = null
    }
}

class RequestsPresenter(private val vault: () -> Vault, private val locale: String) : AutoCloseable {
    private var screen: RequestsScreen? = null
    private val order = Mutex()
    var view: RequestsView? by mutableStateOf(null)
        private set
    var problem: String? by mutableStateOf(null)
        private set

    suspend fun start() = order.withLock {
        try {
            view = core { (screen ?: RequestsScreen(vault(), locale, RequestClocks.current()).also { screen = it }).view() }
        } catch (e: Exception) {
            problem = patientMessage(e)
        }
    }

    suspend fun send(e: RequestsEvent) = order.withLock {
        val s = screen ?: return@withLock
        try {
            view = core { s.handle(e) }
            problem = null
        } catch (x: Exception) {
            problem = patientMessage(x)
        }
    }

    suspend fun letter(id: String, kind: LetterKind): ByteArray? = order.withLock {
        val s = screen ?: return@withLock null
        try {
            val bytes = core { s.letterPdf(id, kind) }
            view = core { s.view() }
            bytes
        } catch (x: Exception) {
            problem = patientMessage(x); null
        }
    }

    override fun close() {
        screen?.close()
        screen = null
    }
}
