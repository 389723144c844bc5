// The list of requests: each with its provider, law, state, dates and what to do next (the
// core's words), the actions the core offers (resume, mark sent, ...) and its letters saved as
// PDF (ACTION_CREATE_DOCUMENT), plus a new request.
package app.scanpass.android.screens.request

import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
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
import app.scanpass.android.design.ProblemText
import app.scanpass.android.design.ScreenFrame
import app.scanpass.ffi.LetterKind
import app.scanpass.ffi.RequestAction
import app.scanpass.ffi.RequestItem
import app.scanpass.ffi.RequestsEvent
import app.scanpass.ffi.RequestsView
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

@Composable
fun RequestsRoute(onOpenWizard: (String?) -> Unit, onBack: () -> Unit) {
    val context = LocalContext.current
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    val presenter = remember(locale) { RequestsPresenter({ Session.vault() }, locale) }
    DisposableEffect(presenter) { onDispose { presenter.close() } }
    val scope = rememberCoroutineScope()
    LaunchedEffect(presenter) { presenter.start() }
    // the letter asked for, while the system's "save as" is open (ids only)
    var pending by remember { mutableStateOf<Pair<String, LetterKind>?>(null) }
    val save = rememberLauncherForActivityResult(ActivityResultContracts.CreateDocument("application/pdf")) { uri ->
        val p = pending
        pending = null
        if (uri != null && p != null) scope.launch {
            val bytes = presenter.letter(p.first, p.second) ?: return@launch
            withContext(Dispatchers.IO) { context.contentResolver.openOutputStream(uri)?.use { it.write(bytes) } }
        }
    }
    RequestsContent(
        view = presenter.view,
        problem = presenter.problem,
        onAction = { item, action ->
            when (action) {
                RequestAction.RESUME -> onOpenWizard(item.id)
                else -> scope.launch { presenter.send(eventFor(item.id, action)) }
            }
        },
        onLetter = { item, kind -> pending = item.id to kind; save.launch("letter.pdf") },
        onNew = { onOpenWizard(null) },
        onBack = onBack,
    )
}

/** The core's event for one of its actions, today (the core's clock) as the date. */
fun eventFor(id: String, a: RequestAction): RequestsEvent = when (a) {
    RequestAction.MARK_SENT -> RequestsEvent.MarkSent(id, null, null)
    RequestAction.MARK_ACKNOWLEDGED -> RequestsEvent.MarkAcknowledged(id, null)
    RequestAction.MARK_EXTENDED -> RequestsEvent.MarkExtended(id, null, null)
    RequestAction.MARK_RECEIVED -> RequestsEvent.MarkReceived(id, null, null)
    RequestAction.MARK_REFUSED -> RequestsEvent.MarkRefused(id, null)
    RequestAction.MARK_OUTCOME -> RequestsEvent.MarkOutcome(id, null)
    RequestAction.DELETE -> RequestsEvent.Delete(id)
    RequestAction.RESUME -> error("Resume opens the wizard")
}

/** Stateless: the requests as the core lists them. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun RequestsContent(
    view: RequestsView?,
    problem: String?,
    onAction: (RequestItem, RequestAction) -> Unit,
    onLetter: (RequestItem, LetterKind) -> Unit,
    onNew: () -> Unit,
    onBack: (() -> Unit)?,
) {
    ScreenFrame(title = view?.title ?: "", onBack = onBack, tag = "requests") {
        if (problem != null) item(key = "problem") { ProblemText(problem) }
        if (view == null) return@ScreenFrame
        item(key = "new") { Button(onClick = onNew, modifier = Modifier.testTag("requests-new")) { Text(view.newLabel) } }
        view.problem?.let { item(key = "view-problem") { ProblemText(it, "requests-problem") } }
        view.notices.forEach { n -> item { Text(n, Modifier.testTag("requests-notice"), style = MaterialTheme.typography.bodyMedium) } }
        view.empty?.let { item(key = "empty") { Text(it, Modifier.testTag("requests-empty"), style = MaterialTheme.typography.bodyLarge) } }
        view.items.forEach { r ->
            item(key = r.id) {
                Card(
                    Modifier.fillMaxWidth().testTag("request"),
                    colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surfaceContainer),
                ) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                        Text(r.provider, style = MaterialTheme.typography.titleMedium)
                        Text(r.law, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                        Text(r.stateLabel, style = MaterialTheme.typography.labelLarge)
                        r.sent?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                        r.due?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                        Text(r.nextText, Modifier.testTag("request-next"), style = MaterialTheme.typography.bodyLarge)
                        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            r.actions.forEach { a ->
                                OutlinedButton(onClick = { onAction(r, a.action) }, modifier = Modifier.testTag("request-action")) { Text(a.label) }
                            }
                            r.letters.forEach { l ->
                                TextButton(onClick = { onLetter(r, l.kind) }, modifier = Modifier.testTag("request-letter")) { Text(l.label) }
                            }
                        }
                    }
                }
            }
        }
    }
}
