// The adapter most screens need, once: the core's screen object made on first use (off the main
// thread), its view and the sentence of a refused call as Compose state, the calls run one at a
// time in the order the patient made them. No rule: the view and the sentence are the core's.
package app.scanpass.android.core

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.scanpass.android.design.patientMessage
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

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
    suspend fun start() = order.withLock {
        try {
            view = core { viewOf(screen ?: make().also { screen = it }) }
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

    override fun close() {
        screen?.close()
        screen = null
    }
}
