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
import app.scanpass.android.screens.study.StudyRoute

/**
 * The one Activity: edge-to-edge (each screen pads for the system bars and the keyboard with
 * insets), the theme following the system's light or dark, and the navigation between screens.
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
        val stack = rememberBackStack()
        NavHost(stack) { d ->
            when (d) {
                Destination.Library -> LibraryRoute(onOpenStudy = { stack.push(Destination.Study(it)) })
                is Destination.Study -> StudyRoute(d.studyId)
            }
        }
    }
}
