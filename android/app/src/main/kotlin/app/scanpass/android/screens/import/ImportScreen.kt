// The import screen: the core's sources (a CD or USB folder, a zip, files, a provider link), each
// picked with the Storage Access Framework as the core's effect says, then the core's progress
// and summary. Stateless ImportContent draws an `ImportScreenView`; ImportRoute wires the pickers.
package app.scanpass.android.screens.import

import android.net.Uri
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import app.scanpass.android.core.Session
import app.scanpass.android.design.ProblemText
import app.scanpass.android.design.ScreenFrame
import app.scanpass.android.design.textSlot
import app.scanpass.ffi.ImportEffect
import app.scanpass.ffi.ImportScreenView
import app.scanpass.ffi.ImportSourceChoice
import java.io.File
import kotlinx.coroutines.launch

@Composable
fun ImportRoute(onBack: () -> Unit) {
    val context = LocalContext.current
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    val presenter = remember(locale) {
        ImportPresenter({ Session.vault() }, locale, context.contentResolver, File(context.noBackupFilesDir, "import-staging"))
    }
    DisposableEffect(presenter) { onDispose { presenter.close() } }
    val scope = rememberCoroutineScope()
    LaunchedEffect(presenter) { presenter.start() }
    fun import(p: Picked) { scope.launch { presenter.import(p) } }

    val tree = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocumentTree()) { uri: Uri? ->
        if (uri != null) import(Picked.Tree(uri))
    }
    val many = rememberLauncherForActivityResult(ActivityResultContracts.OpenMultipleDocuments()) { uris: List<Uri> ->
        if (uris.isNotEmpty()) import(Picked.Documents(uris))
    }
    val one = rememberLauncherForActivityResult(ActivityResultContracts.OpenDocument()) { uri: Uri? ->
        if (uri != null) import(Picked.Documents(listOf(uri)))
    }
    ImportContent(
        view = presenter.view,
        reading = presenter.reading,
        problem = presenter.problem,
        onChoice = { c ->
            when (val e = c.effect) {
                ImportEffect.PickFolder -> tree.launch(null)
                is ImportEffect.PickFiles -> {
                    val types = e.mediaTypes.ifEmpty { listOf("*/*") }.toTypedArray()
                    if (e.multiple) many.launch(types) else one.launch(types)
                }
                ImportEffect.AskLink -> Unit // the form is drawn below the choice
            }
        },
        onLink = { url, token -> import(Picked.Link(url, token)) },
        onCancel = presenter::cancel,
        onDismiss = { scope.launch { presenter.dismiss() } },
        onBack = onBack,
    )
}

/** Stateless: the choices (with the link form), or the progress, or the summary, as the core says. */
@Composable
fun ImportContent(
    view: ImportScreenView?,
    reading: Boolean,
    problem: String?,
    onChoice: (ImportSourceChoice) -> Unit,
    onLink: (String, String?) -> Unit,
    onCancel: () -> Unit,
    onDismiss: () -> Unit,
    onBack: (() -> Unit)?,
) {
    var showLink by rememberSaveable { mutableStateOf(false) }
    // the link may carry a token: kept in memory only, never in saved state
    var url by remember { mutableStateOf("") }
    var token by remember { mutableStateOf("") }
    ScreenFrame(title = view?.title ?: "", onBack = onBack, tag = "import") {
        if (view == null) return@ScreenFrame
        if (problem != null) item(key = "problem") { ProblemText(problem) }
        view.error?.let { item(key = "error") { ProblemText(it, "import-error") } }
        val progress = view.progress
        val result = view.result
        when {
            reading && progress == null -> item(key = "reading") {
                Column(Modifier.fillMaxWidth().testTag("import-reading")) {
                    Text(view.readingText, style = MaterialTheme.typography.bodyLarge)
                    LinearProgressIndicator(Modifier.fillMaxWidth().padding(top = 8.dp))
                }
            }
            progress != null -> item(key = "progress") {
                Column(Modifier.fillMaxWidth().testTag("import-progress").semantics(mergeDescendants = true) {}) {
                    Text(progress.phaseText, style = MaterialTheme.typography.titleMedium)
                    val f = progress.fraction
                    if (f != null) LinearProgressIndicator(progress = { f }, modifier = Modifier.fillMaxWidth().padding(vertical = 8.dp))
                    else LinearProgressIndicator(Modifier.fillMaxWidth().padding(vertical = 8.dp))
                    Text(progress.filesText, style = MaterialTheme.typography.bodyMedium)
                    Text(progress.bytesText, style = MaterialTheme.typography.bodyMedium)
                    progress.timeLeft?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                }
            }
            result != null -> item(key = "result") {
                Column(Modifier.fillMaxWidth().testTag("import-result")) {
                    Text(result.title, style = MaterialTheme.typography.titleLarge)
                    result.lines.forEach { Text(it, style = MaterialTheme.typography.bodyLarge) }
                    result.warning?.let { Text(it, Modifier.padding(top = 8.dp), color = MaterialTheme.colorScheme.error) }
                    result.problems.forEach { p ->
                        Text("${p.file}: ${p.reason}", style = MaterialTheme.typography.bodySmall)
                    }
                    Button(onClick = onDismiss, modifier = Modifier.padding(top = 12.dp).testTag("import-done")) { Text(result.doneLabel) }
                }
            }
            else -> {
                view.choices.forEach { c ->
                    item(key = "choice-${c.kind}") {
                        Card(
                            Modifier.fillMaxWidth().testTag("import-choice-${c.kind.name.lowercase()}")
                                .clickable { if (c.effect == app.scanpass.ffi.ImportEffect.AskLink) showLink = !showLink; onChoice(c) },
                            colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surfaceContainer),
                        ) {
                            // the card's clickable merges these lines into one control with their words
                            Column(Modifier.padding(16.dp)) {
                                Text(c.label, style = MaterialTheme.typography.titleMedium)
                                Text(c.detail, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                            }
                        }
                    }
                    if (c.effect == ImportEffect.AskLink && (showLink || view.linkForm.error != null)) {
                        item(key = "link-form") {
                            val f = view.linkForm
                            Column(Modifier.fillMaxWidth().testTag("import-link-form")) {
                                OutlinedTextField(
                                    url, { url = it }, Modifier.fillMaxWidth().testTag("import-link-url"),
                                    label = { Text(f.urlLabel) }, singleLine = true, isError = f.error != null,
                                    supportingText = textSlot(f.error),
                                )
                                OutlinedTextField(
                                    token, { token = it }, Modifier.fillMaxWidth().testTag("import-link-token"),
                                    label = { Text(f.tokenLabel) }, singleLine = true,
                                    visualTransformation = PasswordVisualTransformation(),
                                )
                                OutlinedButton(onClick = { onLink(url, token) }, modifier = Modifier.padding(top = 8.dp).testTag("import-link-submit")) {
                                    Text(f.submit)
                                }
                            }
                        }
                    }
                }
            }
        }
        if (progress != null) item(key = "cancel") {
            OutlinedButton(onClick = onCancel, enabled = progress.canCancel, modifier = Modifier.testTag("import-cancel")) { Text(progress.cancelLabel) }
        }
    }
}
