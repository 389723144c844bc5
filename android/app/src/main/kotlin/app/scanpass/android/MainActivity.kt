package app.scanpass.android

import android.content.Intent
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
import app.scanpass.android.screens.study.StudyRoute
// android-b
import androidx.compose.runtime.LaunchedEffect
import app.scanpass.android.navigation.FlowMenu
import app.scanpass.android.screens.import.ImportRoute
import app.scanpass.android.screens.receive.IncomingLink
import app.scanpass.android.screens.receive.ReceiveRoute
import app.scanpass.android.screens.request.RequestsRoute
import app.scanpass.android.screens.request.WizardRoute
import app.scanpass.android.screens.settings.SettingsRoute
import app.scanpass.android.screens.share.ShareRoute
import app.scanpass.android.screens.share.mine.MySharesRoute

/**
 * The one Activity: edge-to-edge (each screen pads for the system bars and the keyboard with
 * insets), the theme following the system's light or dark, and the navigation between screens.
 */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        setContent { ScanpassApp() }
        // android-b: a relay's /s/ link (or the viewer's) opened from elsewhere
        if (savedInstanceState == null) takeLink(intent)
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
        val stack = rememberBackStack()
        // android-b: an incoming link opens the receive screen
        LaunchedEffect(IncomingLink.arrivals) { if (IncomingLink.hasPending()) stack.push(Destination.Receive) }
        NavHost(stack) { d ->
            when (d) {
                Destination.Library -> LibraryRoute(
                    onOpenStudy = { stack.push(Destination.Study(it)) },
                    // android-b: the other screens, from the library
                    onShareStudy = { stack.push(Destination.Share(it)) },
                    topActions = { FlowMenu(onOpen = stack::push) },
                )
                is Destination.Study -> StudyRoute(d.studyId)
                // --- android-b ---
                Destination.Import -> ImportRoute(onBack = { stack.pop() })
                is Destination.Share -> ShareRoute(d.studyId, onBack = { stack.pop() })
                Destination.MyShares -> MySharesRoute(onBack = { stack.pop() })
                Destination.Receive -> ReceiveRoute(onBack = { stack.pop() })
                Destination.Requests -> RequestsRoute(onOpenWizard = { stack.push(Destination.RequestWizard(it)) }, onBack = { stack.pop() })
                is Destination.RequestWizard -> WizardRoute(d.requestId, onBack = { stack.pop() })
                Destination.Settings -> SettingsRoute(onBack = { stack.pop() })
                // --- end android-b ---
            }
        }
    }
}
