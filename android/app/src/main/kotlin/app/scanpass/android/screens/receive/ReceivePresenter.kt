// The receive screen's adapter: the core's `ReceiveScreen`; the link field (typed, pasted, from a
// scanned QR code, or from an incoming VIEW intent) goes to the core as SetLink, the download
// runs off the main thread with the core's progress views. No rule here: whether the link reads,
// the passcode prompt and attempts left are the core's.
package app.scanpass.android.screens.receive

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.scanpass.android.core.ScreenPresenter
import app.scanpass.ffi.ReceiveScreen
import app.scanpass.ffi.ReceiveScreenEvent
import app.scanpass.ffi.ReceiveScreenView
import app.scanpass.ffi.ReceiveViewListener
import app.scanpass.ffi.Vault

/**
 * A link that arrived with an intent (ACTION_VIEW on a relay's `/s/` link), waiting for the
 * receive screen. Kept in memory only: the link carries the share's key, so it is never put in
 * saved state (the Activity's intent brings it back after the system kills the process).
 */
object IncomingLink {
    @Volatile private var pending: String? = null

    /** Counts the links that arrived (Compose state: the navigation and the screen watch it). */
    var arrivals: Int by mutableStateOf(0)
        private set

    fun offer(link: String) {
        synchronized(this) { pending = link }
        arrivals++
    }

    fun hasPending(): Boolean = pending != null

    fun take(): String? = synchronized(this) { pending.also { pending = null } }
}

class ReceivePresenter(vault: () -> Vault, locale: String) :
    ScreenPresenter<ReceiveScreen, ReceiveScreenView, ReceiveScreenEvent>(
        make = { ReceiveScreen(vault(), locale) },
        viewOf = { it.view() },
        handleOf = { s, e -> s.handle(e) },
    ) {
    /** The link field's text (memory only). */
    var link: String by mutableStateOf("")
        private set

    /** Makes the core's screen (once) and applies [incoming], a link from an intent. */
    suspend fun start(incoming: String?) {
        open { s -> if (incoming != null) s.handle(ReceiveScreenEvent.SetLink(incoming)) else s.view() }
        if (incoming != null) link = incoming
    }

    suspend fun setLink(text: String) {
        link = text
        send(ReceiveScreenEvent.SetLink(text))
    }

    /** Open the link (with the passcode the prompt got) and import what it holds. */
    suspend fun receive(passcode: String?) = long { s, publish ->
        s.receive(passcode?.ifEmpty { null }, object : ReceiveViewListener { override fun onView(view: ReceiveScreenView) = publish(view) })
    }

    fun cancel() { screen?.cancel() }

    fun report(text: String) { problem = text }
}
