package app.scanpass.android

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.runtime.Composable
import app.scanpass.android.design.ScanpassTheme
import app.scanpass.android.navigation.Destination
import app.scanpass.android.navigation.NavHost
import app.scanpass.android.navigation.rememberBackStack
import app.scanpass.android.screens.library.LibraryRoute
import app.scanpass.android.screens.appointment.AppointmentRoute
import app.scanpass.android.screens.start.StartGate
import app.scanpass.android.screens.viewer.ViewerRoute
import app.scanpass.android.screens.viewer.ViewerTopBar

/**
 * The one Activity: edge-to-edge (each screen pads for the system bars and the keyboard with
 * insets), the theme following the system's light or dark, the start/lock screen in front, and
 * the navigation between screens.
 */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        setContent { ScanpassApp() }
    }
}

@Composable
fun ScanpassApp() {
    ScanpassTheme {
        // kept above the lock screen: after an unlock the patient is back where they were
        val stack = rememberBackStack()
        StartGate { lockButton ->
            NavHost(stack) { d ->
                when (d) {
                    Destination.Library -> LibraryRoute(
                        onOpenStudy = { stack.push(Destination.Viewer(it)) },
                        actions = { lockButton() },
                    )
                    // --- the viewer and appointment mode ---
                    is Destination.Viewer -> ViewerRoute(d.studyId, d.seriesId) { view ->
                        ViewerTopBar(
                            view,
                            onBack = { stack.pop() },
                            onAppointment = { stack.push(Destination.Appointment(d.studyId, null)) },
                        )
                    }
                    is Destination.Appointment -> AppointmentRoute(d.studyId, d.seriesId, onEnded = { stack.pop() })
                    // --- end viewer and appointment ---
                }
            }
        }
    }
}
