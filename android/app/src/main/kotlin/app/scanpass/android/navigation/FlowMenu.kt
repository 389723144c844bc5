// The library's way to the other screens (import, receive, my shares, requests, settings): an
// overflow menu in its top bar. The library's model offers no actions yet, so the entries'
// words are INTERIM strings (res/values*/strings_core_gaps.xml).
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
import androidx.compose.ui.res.stringResource
import app.scanpass.android.R
import app.scanpass.android.design.FlowIcons

@Composable
fun FlowMenu(onOpen: (Destination) -> Unit) {
    var open by remember { mutableStateOf(false) }
    val entries = listOf(
        Triple(R.string.gap_nav_import, Destination.Import, "menu-import"),
        Triple(R.string.gap_nav_receive, Destination.Receive, "menu-receive"),
        Triple(R.string.gap_nav_my_shares, Destination.MyShares, "menu-my-shares"),
        Triple(R.string.gap_nav_requests, Destination.Requests, "menu-requests"),
        Triple(R.string.gap_nav_settings, Destination.Settings, "menu-settings"),
    )
    Box {
        IconButton(onClick = { open = true }, modifier = Modifier.testTag("menu")) {
            Icon(FlowIcons.More, contentDescription = stringResource(R.string.gap_more))
        }
        DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            entries.forEach { (label, d, tag) ->
                DropdownMenuItem(
                    text = { Text(stringResource(label)) },
                    onClick = { open = false; onOpen(d) },
                    modifier = Modifier.testTag(tag),
                )
            }
        }
    }
}
