package app.scanpass.android

import android.content.Intent
import android.os.Bundle
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.fragment.app.FragmentActivity
import app.scanpass.android.keystore.BiometricHost
import app.scanpass.android.core.Session
import app.scanpass.android.core.core
import app.scanpass.android.design.ScanpassTheme
import app.scanpass.android.navigation.Destination
import app.scanpass.android.navigation.toDestination
import app.scanpass.android.navigation.NavHost
import app.scanpass.android.navigation.rememberBackStack
import app.scanpass.android.screens.appointment.AppointmentRoute
import app.scanpass.android.screens.import.ImportRoute
import app.scanpass.android.screens.library.LibraryRoute
import app.scanpass.android.screens.receive.IncomingLink
import app.scanpass.android.screens.receive.ReceiveRoute
import app.scanpass.android.screens.request.RequestsRoute
import app.scanpass.android.screens.request.WizardRoute
import app.scanpass.android.screens.settings.SettingsRoute
import app.scanpass.android.screens.share.ShareRoute
import app.scanpass.android.screens.share.mine.MySharesRoute
import app.scanpass.android.screens.start.StartGate
import app.scanpass.android.screens.viewer.ViewerRoute
import app.scanpass.android.screens.viewer.ViewerTopBar

/**
 * The one Activity: edge-to-edge (each screen pads for the system bars and the keyboard with
 * insets), the theme following the system's light or dark, the start/lock screen in front, and
 * the navigation between screens. A FragmentActivity: BiometricPrompt (the fingerprint or face
 * prompt that releases the Keystore key) shows as a fragment over it ([BiometricHost]).
 */
class MainActivity : FragmentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        BiometricHost.attach(this)
        setContent { ScanpassApp() }
        // a relay's /s/ link (or the viewer's) opened from elsewhere
        if (savedInstanceState == null) takeLink(intent)
    }

    override fun onDestroy() {
        BiometricHost.detach(this)
        super.onDestroy()
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        takeLink(intent)
    }

    /** A VIEW intent's link goes to the receive screen (in memory: it carries the share's key). */
    private fun takeLink(intent: Intent?) {
        if (intent?.action == Intent.ACTION_VIEW) intent.dataString?.let { IncomingLink.offer(it) }
    }
}

@Composable
fun ScanpassApp() {
    ScanpassTheme {
        // kept above the lock screen: after an unlock the patient is back where they were
        val stack = rememberBackStack()
        // an incoming link opens the receive screen when the core's appointment model says links
        // may open (not while the mode is on); until then it waits, pending, and this runs again
        // when the screen changes (the mode ended)
        LaunchedEffect(IncomingLink.arrivals, stack.current) {
            if (!IncomingLink.hasPending()) return@LaunchedEffect
            val mayOpen = Session.currentAppointment()?.let { mode -> core { mode.mayOpenLink() } } ?: true
            if (mayOpen) stack.push(Destination.Receive)
        }
        StartGate { lockButton ->
            NavHost(stack) { d ->
                when (d) {
                    Destination.Library -> LibraryRoute(
                        onOpenStudy = { stack.push(Destination.Viewer(it)) },
                        onShareStudy = { stack.push(Destination.Share(it)) },
                        actions = { lockButton() },
                        onAction = { stack.push(it.toDestination()) },
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
                    // --- import, share, receive, requests, settings ---
                    Destination.Import -> ImportRoute(onBack = { stack.pop() })
                    is Destination.Share -> ShareRoute(d.studyId, onBack = { stack.pop() })
                    Destination.MyShares -> MySharesRoute(onBack = { stack.pop() })
                    Destination.Receive -> ReceiveRoute(onBack = { stack.pop() })
                    Destination.Requests -> RequestsRoute(onOpenWizard = { stack.push(Destination.RequestWizard(it)) }, onBack = { stack.pop() })
                    is Destination.RequestWizard -> WizardRoute(d.requestId, onBack = { stack.pop() })
                    Destination.Settings -> SettingsRoute(onBack = { stack.pop() })
                }
            }
        }
    }
}
