// The adapter most screens need, once: the core's screen object made on first use (off the main
// thread), its view and the sentence of a refused call as Compose state, the calls run one at a
// time in the order the patient made them, and the long calls (an import, an upload, a download)
// on the IO pool with the core's progress views. No rule: the view and the sentence are the core's.
//
// Not built on it: StartPresenter and AppointmentPresenter (their models belong to the Session,
// for the process, and their refusals are by field), ViewerPresenter (an event queue and renders).
package app.scanpass.android.core

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.scanpass.android.design.patientMessage
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

/** [make] the core's screen, read its view with [viewOf], apply an event with [handleOf]. */
open class ScreenPresenter<S : AutoCloseable, V : Any, E>(
    private val make: () -> S,
    private val viewOf: (S) -> V,
    private val handleOf: (S, E) -> V,
) : AutoCloseable {
    /** The core's screen once [start] made it. */
    protected var screen: S? = null
        private set
    protected val order = Mutex()
    var view: V? by mutableStateOf(null)
        protected set
    var problem: String? by mutableStateOf(null)
        protected set

    /** Make the screen (first time) and draw its view. */
    suspend fun start() = open(viewOf)

    /**
     * Make the screen (first time) and draw the view [first] returns: its view, or the view after
     * the saved state (a search, a link from an intent) was given back to it.
     */
    protected suspend fun open(first: (S) -> V) = order.withLock {
        try {
            view = core { first(screen ?: make().also { screen = it }) }
        } catch (e: Exception) {
            problem = patientMessage(e)
        }
    }

    /** Send what the patient did; a refusal becomes [problem], the last view stays. */
    suspend fun send(event: E) = order.withLock {
        val s = screen ?: return@withLock
        try {
            view = core { handleOf(s, event) }
            problem = null
        } catch (e: Exception) {
            problem = patientMessage(e)
        }
    }

    /**
     * Another quick call on the screen, in order with the events; null when there is no screen
     * yet or the core refused (then [problem] says why).
     */
    protected suspend fun <T> call(body: (S) -> T): T? = order.withLock {
        val s = screen ?: return@withLock null
        try {
            core { body(s) }
        } catch (e: Exception) {
            problem = patientMessage(e)
            null
        }
    }

    /**
     * A long call (seconds to minutes) on the IO pool, not the core's lanes, and not under
     * [order], so that quick calls (cancel) never wait behind it. [body] gets a function that
     * publishes each progress view the core's listener hands it; its result is the final view.
     */
    protected suspend fun long(body: (S, (V) -> Unit) -> V) {
        val s = screen ?: return
        try {
            problem = null
            view = withContext(Dispatchers.IO) { body(s) { v -> view = v } }
        } catch (e: Exception) {
            problem = patientMessage(e)
        }
    }

    override fun close() {
        screen?.close()
        screen = null
    }
}
