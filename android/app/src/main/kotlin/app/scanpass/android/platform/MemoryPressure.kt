// Android's memory warnings passed to the core: the Application's onTrimMemory calls [notify],
// which asks every open viewer model to drop its decoded slices but the one on screen
// (`ViewerScreen.memoryPressure`, the core's call for this). Which slices go is the core's rule.
package app.scanpass.android.platform

import android.content.ComponentCallbacks2
import app.scanpass.android.core.coreDispatcher
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch

object MemoryPressure {
    private val listeners = CopyOnWriteArrayList<() -> Unit>()
    private val scope = CoroutineScope(SupervisorJob() + coreDispatcher)

    fun register(l: () -> Unit) {
        if (l !in listeners) listeners.add(l)
    }

    fun unregister(l: () -> Unit) {
        listeners.remove(l)
    }

    /** From onTrimMemory: the levels at which the system says memory runs short or the UI is hidden. */
    fun notify(level: Int) {
        if (level < ComponentCallbacks2.TRIM_MEMORY_RUNNING_LOW) return
        for (l in listeners) scope.launch { runCatching { l() } }
    }

    /** Tests: the same, waited for. */
    fun notifyNow() {
        for (l in listeners) l()
    }
}
