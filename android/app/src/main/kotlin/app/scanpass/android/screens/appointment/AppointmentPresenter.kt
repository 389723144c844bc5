// Appointment mode's adapter: holds the core's `AppointmentMode` (through Session, for the
// process), runs its calls off the main thread and exposes the latest `AppointmentView`. No rule
// here: what is shown, whether navigation may show, the screenshot block, the unlock asked for
// leaving and the tries left are the core's.
package app.scanpass.android.screens.appointment

import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.scanpass.android.core.core
import app.scanpass.android.core.sentence
import app.scanpass.ffi.AppointmentEvent
import app.scanpass.ffi.AppointmentMode
import app.scanpass.ffi.AppointmentView
import app.scanpass.ffi.ScanpassException
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

class AppointmentPresenter(private val mode: () -> AppointmentMode) {
    private val order = Mutex()

    var view: AppointmentView? by mutableStateOf(null)
        private set

    /** The core's reason for a refused passphrase (field `passphrase`). */
    var fieldError: String? by mutableStateOf(null)
        private set

    var problem: String? by mutableStateOf(null)
        private set

    /** The mode was on and the core turned it off (left, or locked): the shell navigates away. */
    var ended: Boolean by mutableStateOf(false)
        private set

    /** Turn the mode on for the pinned study (again, after the process was killed) unless it is on. */
    suspend fun start(studyId: String, seriesId: String?, hideName: Boolean) = order.withLock {
        try {
            view = core {
                val m = mode()
                val v = m.view()
                if (v.active) v else m.handle(AppointmentEvent.Enter(studyId, seriesId, hideName))
            }
        } catch (e: ScanpassException) {
            problem = e.sentence()
        }
    }

    suspend fun send(event: AppointmentEvent) = order.withLock {
        try {
            val v = core { mode().handle(event) }
            fieldError = null
            problem = null
            if (view?.active == true && !v.active) ended = true
            view = v
        } catch (e: ScanpassException.Invalid) {
            fieldError = e.fields.firstOrNull()?.message
        } catch (e: ScanpassException) {
            problem = e.sentence()
        }
    }
}
