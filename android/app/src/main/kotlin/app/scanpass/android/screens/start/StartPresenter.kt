// The start and lock screen's adapter: holds the core's `StartScreen` model (through Session, for
// the process), runs its blocking calls off the main thread (creating or unlocking derives a key
// from the passphrase: about 0.3 s) and exposes the latest `StartView` as Compose state. No rule
// here: which stage shows, the tries left, the wait and the automatic lock are the core's.
package app.scanpass.android.screens.start

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.scanpass.android.core.Session
import app.scanpass.android.core.core
import app.scanpass.android.core.sentence
import app.scanpass.ffi.ScanpassException
import app.scanpass.ffi.StartEvent
import app.scanpass.ffi.StartScreen
import app.scanpass.ffi.StartView
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

class StartPresenter(private val screen: () -> StartScreen) {
    // events reach the core in the order the patient made them
    private val order = Mutex()

    /** What to draw; null until the core's first view arrives. */
    var view: StartView? by mutableStateOf(null)
        private set

    /** The core's reasons for a refused passphrase, by field id (`passphrase`, `confirm`). */
    var fieldErrors: Map<String, String> by mutableStateOf(emptyMap())
        private set

    /** The core's sentence for another refusal. */
    var problem: String? by mutableStateOf(null)
        private set

    /** A passphrase is being checked (the submit buttons wait). */
    var busy: Boolean by mutableStateOf(false)
        private set

    suspend fun start() = order.withLock {
        view = core { screen().view().also { Session.opened(it) } }
    }

    /** Send what the patient (or the idle timer) did; the core answers with the next view. */
    suspend fun send(event: StartEvent) = order.withLock {
        val passphrase = event is StartEvent.Create || event is StartEvent.Unlock || event is StartEvent.UnlockWithDevice
        if (passphrase) busy = true
        try {
            val v = core { screen().handle(event).also { Session.opened(it) } }
            if (passphrase) {
                fieldErrors = emptyMap()
                problem = null
            }
            view = v
        } catch (e: ScanpassException.Invalid) {
            fieldErrors = e.fields.associate { it.field to it.message }
        } catch (e: ScanpassException) {
            problem = e.sentence()
        } finally {
            busy = false
        }
    }
}
