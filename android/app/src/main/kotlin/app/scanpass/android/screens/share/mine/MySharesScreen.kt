// My shares: the core's list of the patient's shares (state, access in words, the link) with
// revoke behind the core's confirmation, and a refresh that asks the relay.
package app.scanpass.android.screens.share.mine

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import app.scanpass.android.core.Session
import app.scanpass.android.core.ScreenPresenter
import app.scanpass.android.design.ProblemText
import app.scanpass.android.design.ScreenFrame
import app.scanpass.android.screens.share.sendText
import app.scanpass.ffi.MySharesEvent
import app.scanpass.ffi.MySharesScreen
import app.scanpass.ffi.MySharesView
import app.scanpass.ffi.Vault
import kotlinx.coroutines.launch

/** The adapter: the core's `MySharesScreen`; Refresh and ConfirmRevoke ask the relay (off the main thread). */
class MySharesPresenter(vault: () -> Vault, locale: String) :
    ScreenPresenter<MySharesScreen, MySharesView, MySharesEvent>(
        make = { MySharesScreen(vault(), locale) },
        viewOf = { it.view() },
        handleOf = { s, e -> s.handle(e) },
    )

@Composable
fun MySharesRoute(onBack: () -> Unit) {
    val context = LocalContext.current
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    val presenter = remember(locale) { MySharesPresenter({ Session.vault() }, locale) }
    DisposableEffect(presenter) { onDispose { presenter.close() } }
    val scope = rememberCoroutineScope()
    LaunchedEffect(presenter) { presenter.start() }
    MySharesContent(presenter.view, presenter.problem, { e -> scope.launch { presenter.send(e) } }, { sendText(context, it) }, onBack)
}

/** Stateless: the shares as the core lists them. */
@Composable
fun MySharesContent(
    view: MySharesView?,
    problem: String?,
    onEvent: (MySharesEvent) -> Unit,
    onSend: (String) -> Unit,
    onBack: (() -> Unit)?,
) {
    ScreenFrame(
        title = view?.title ?: "",
        onBack = onBack,
        tag = "my-shares",
        actions = {
            if (view != null) {
                TextButton(onClick = { onEvent(MySharesEvent.Refresh) }, modifier = Modifier.testTag("shares-refresh")) {
                    Text(view.refreshLabel)
                }
            }
        },
    ) {
        if (problem != null) item(key = "problem") { ProblemText(problem) }
        if (view == null) return@ScreenFrame
        view.error?.let { item(key = "error") { ProblemText(it, "shares-error") } }
        view.empty?.let { item(key = "empty") { Text(it, Modifier.testTag("shares-empty"), style = MaterialTheme.typography.bodyLarge) } }
        view.shares.forEach { c ->
            item(key = c.id) {
                Card(
                    Modifier.fillMaxWidth().testTag("share-card"),
                    colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surfaceContainer),
                ) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        Text(c.title, style = MaterialTheme.typography.titleMedium)
                        Text(c.state, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                        c.access?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                        c.link?.let { link ->
                            TextButton(onClick = { onSend(link) }, modifier = Modifier.testTag("share-card-send")) {
                                Text(view.sendLabel)
                            }
                        }
                        if (c.canRevoke) {
                            OutlinedButton(onClick = { onEvent(MySharesEvent.AskRevoke(c.id)) }, modifier = Modifier.testTag("share-revoke")) {
                                Text(c.revokeLabel)
                            }
                        }
                    }
                }
            }
        }
    }
    view?.confirm?.let { c ->
        AlertDialog(
            onDismissRequest = { onEvent(MySharesEvent.CancelRevoke) },
            title = { Text(c.title) },
            text = { Text(c.message) },
            confirmButton = {
                TextButton(
                    onClick = { onEvent(MySharesEvent.ConfirmRevoke) },
                    modifier = Modifier.testTag("confirm"),
                    colors = if (c.destructive) ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.error) else ButtonDefaults.textButtonColors(),
                ) { Text(c.confirm) }
            },
            dismissButton = { TextButton(onClick = { onEvent(MySharesEvent.CancelRevoke) }, modifier = Modifier.testTag("cancel")) { Text(c.cancel) } },
        )
    }
}
