// Navigation: a back stack of destinations, each named by the ids its screen needs and nothing
// else, saved through the Activity's saved state so that it survives the system killing the
// process. Each screen's own saveable state (a search field, say) is kept per entry. System back
// (and predictive back, with enableOnBackInvokedCallback in the manifest) pops the stack.
package app.scanpass.android.navigation

import androidx.activity.compose.BackHandler
import androidx.compose.runtime.Composable
import androidx.compose.runtime.mutableStateListOf
import androidx.compose.runtime.saveable.Saver
import androidx.compose.runtime.saveable.listSaver
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.saveable.rememberSaveableStateHolder

/** Where the patient is. Add a case per screen; its fields are ids only, never patient data. */
sealed interface Destination {
    /** Encoded as a string for the saved state (ids are the core's opaque, stable strings). */
    val key: String

    data object Library : Destination {
        override val key = "library"
    }

    // --- the viewer and appointment mode (ids only: the study, the series on screen) ---
    /** The viewer on a study of the library: its first series, or [seriesId]. */
    data class Viewer(val studyId: String, val seriesId: String? = null) : Destination {
        override val key = "viewer/$studyId" + (seriesId?.let { "/$it" } ?: "")
    }

    /** Appointment mode pinned to a study (or one series of it). */
    data class Appointment(val studyId: String, val seriesId: String? = null) : Destination {
        override val key = "appointment/$studyId" + (seriesId?.let { "/$it" } ?: "")
    }
    // --- end viewer and appointment ---

    // --- import, share, receive, requests, settings ---
    data object Import : Destination {
        override val key = "import"
    }

    /** The share form for one study. */
    data class Share(val studyId: String) : Destination {
        override val key = "share/$studyId"
    }

    data object MyShares : Destination {
        override val key = "my-shares"
    }

    /** The link, which carries the share's key, is never here: see receive/IncomingLink. */
    data object Receive : Destination {
        override val key = "receive"
    }

    data object Requests : Destination {
        override val key = "requests"
    }

    /** The request wizard: a new request (null) or the draft [requestId] resumed. */
    data class RequestWizard(val requestId: String?) : Destination {
        override val key = if (requestId == null) "request-new" else "request/$requestId"
    }

    data object Settings : Destination {
        override val key = "settings"
    }
    // --- end import, share, receive, requests, settings ---

    companion object {
        fun decode(key: String): Destination? = when {
            key == Library.key -> Library
            key.startsWith("viewer/") -> key.removePrefix("viewer/").split('/').let { Viewer(it[0], it.getOrNull(1)) }
            key.startsWith("appointment/") -> key.removePrefix("appointment/").split('/').let { Appointment(it[0], it.getOrNull(1)) }
            key == Import.key -> Import
            key.startsWith("share/") -> Share(key.removePrefix("share/"))
            key == MyShares.key -> MyShares
            key == Receive.key -> Receive
            key == Requests.key -> Requests
            key == "request-new" -> RequestWizard(null)
            key.startsWith("request/") -> RequestWizard(key.removePrefix("request/"))
            key == Settings.key -> Settings
            else -> null
        }
    }
}

class BackStack(initial: List<Destination>) {
    private val entries = mutableStateListOf<Destination>().apply { addAll(initial) }

    val current: Destination get() = entries.last()
    val size: Int get() = entries.size

    fun push(d: Destination) {
        if (entries.last() != d) entries.add(d)
    }

    /** Pops one entry; false at the root (the system then closes the app as usual). */
    fun pop(): Boolean {
        if (entries.size <= 1) return false
        entries.removeAt(entries.lastIndex)
        return true
    }

    fun keys(): List<String> = entries.map { it.key }

    companion object {
        val Saver: Saver<BackStack, Any> = listSaver(
            save = { it.keys() },
            restore = { keys ->
                val ds = keys.mapNotNull { Destination.decode(it) }
                BackStack(ds.ifEmpty { listOf(Destination.Library) })
            },
        )
    }
}

@Composable
fun rememberBackStack(): BackStack = rememberSaveable(saver = BackStack.Saver) { BackStack(listOf(Destination.Library)) }

/** Draws the top of [stack] with [screen], keeping each entry's saveable state, and handles back. */
@Composable
fun NavHost(stack: BackStack, screen: @Composable (Destination) -> Unit) {
    val holder = rememberSaveableStateHolder()
    BackHandler(enabled = stack.size > 1) {
        val gone = stack.current
        stack.pop()
        holder.removeState(gone.key)
    }
    val d = stack.current
    holder.SaveableStateProvider(d.key) { screen(d) }
}
