// The library's way to the other screens: an overflow menu in its top bar with the entries the
// core's LibraryView offers (`actions`, in its words, in its order; `moreLabel` for the button).
package app.scanpass.android.navigation

import androidx.compose.foundation.layout.Box
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import app.scanpass.android.design.FlowIcons
import app.scanpass.ffi.LibraryAction
import app.scanpass.ffi.LibraryDestination

@Composable
fun FlowMenu(actions: List<LibraryAction>, moreLabel: String, onOpen: (LibraryDestination) -> Unit) {
    var open by remember { mutableStateOf(false) }
    Box {
        IconButton(onClick = { open = true }, modifier = Modifier.testTag("menu")) {
            Icon(FlowIcons.More, contentDescription = moreLabel)
        }
        DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            actions.forEach { a ->
                DropdownMenuItem(
                    text = { Text(a.label) },
                    onClick = { open = false; onOpen(a.destination) },
                    modifier = Modifier.testTag(a.destination.tag()),
                )
            }
        }
    }
}

/** Where the core's library action leads in the app's navigation (a mapping, no rule). */
fun LibraryDestination.toDestination(): Destination = when (this) {
    LibraryDestination.ADD_IMAGES -> Destination.Import
    LibraryDestination.RECEIVE -> Destination.Receive
    LibraryDestination.MY_SHARES -> Destination.MyShares
    LibraryDestination.REQUESTS -> Destination.Requests
    LibraryDestination.SETTINGS -> Destination.Settings
}

private fun LibraryDestination.tag(): String = when (this) {
    LibraryDestination.ADD_IMAGES -> "menu-import"
    LibraryDestination.RECEIVE -> "menu-receive"
    LibraryDestination.MY_SHARES -> "menu-my-shares"
    LibraryDestination.REQUESTS -> "menu-requests"
    LibraryDestination.SETTINGS -> "menu-settings"
}
