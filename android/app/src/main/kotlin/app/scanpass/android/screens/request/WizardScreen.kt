// The request wizard: the core's step (its fields by kind, each with its label, hint and error),
// the step's refusals and warnings, the review with "edit" per step, back / next / generate as
// the model allows, and the letter saved as a PDF (ACTION_CREATE_DOCUMENT) once finished.
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
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
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
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.ui.unit.dp
import app.scanpass.android.core.Session
import app.scanpass.android.design.ChoiceRow
import app.scanpass.android.design.ProblemText
import app.scanpass.android.design.ScreenFrame
import app.scanpass.android.design.textSlot
import app.scanpass.android.design.SectionLabel
import app.scanpass.android.design.SwitchRow
import app.scanpass.ffi.FieldKind
import app.scanpass.ffi.WizardEvent
import app.scanpass.ffi.WizardField
import app.scanpass.ffi.WizardView
import kotlinx.coroutines.launch

/**
 * The wizard on [requestId] (a draft resumed), or a new request. Process death: the core stores
 * the draft in the vault (encrypted, with every answer and the step) on its first change and
 * after each one, and names it in the view (`requestId`); that id alone goes into the saved state
 * (never an answer: they may be the patient's name, birth date, address), so after the system
 * kills the process the wizard resumes the draft from the vault where it stopped.
 */
@Composable
fun WizardRoute(requestId: String?, onBack: () -> Unit) {
    val context = LocalContext.current
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    var draftId by rememberSaveable(requestId) { mutableStateOf(requestId) }
    // made once per entry: the draft id arriving later does not make a new one
    val presenter = remember(locale, requestId) { WizardPresenter({ Session.vault() }, locale, draftId) }
    DisposableEffect(presenter) { onDispose { presenter.close() } }
    val scope = rememberCoroutineScope()
    LaunchedEffect(presenter) { presenter.start() }
    val stored = presenter.view?.requestId
    LaunchedEffect(stored) { if (stored != null) draftId = stored }
    val save = rememberLauncherForActivityResult(ActivityResultContracts.CreateDocument("application/pdf")) { uri ->
        if (uri != null) scope.launch {
            val bytes = presenter.letter() ?: return@launch
            kotlinx.coroutines.withContext(kotlinx.coroutines.Dispatchers.IO) {
                context.contentResolver.openOutputStream(uri)?.use { it.write(bytes) }
            }
        }
    }
    WizardContent(
        view = presenter.view,
        problem = presenter.problem,
        onEvent = { e -> scope.launch { presenter.send(e) } },
        onSaveLetter = { save.launch("request.pdf") },
        onBack = onBack,
    )
}

/** Stateless: the wizard's step as the core's `WizardView` says. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun WizardContent(
    view: WizardView?,
    problem: String?,
    onEvent: (WizardEvent) -> Unit,
    onSaveLetter: () -> Unit,
    onBack: (() -> Unit)?,
) {
    ScreenFrame(title = view?.title ?: "", onBack = onBack, tag = "wizard") {
        if (problem != null) item(key = "problem") { ProblemText(problem) }
        if (view == null) return@ScreenFrame
        item(key = "head") {
            Column(Modifier.fillMaxWidth().semantics(mergeDescendants = true) {}) {
                Text(view.progress, Modifier.testTag("wizard-progress"), style = MaterialTheme.typography.labelLarge)
                if (view.help.isNotEmpty()) Text(view.help, style = MaterialTheme.typography.bodyMedium)
            }
        }
        view.errors.forEach { e -> item { ProblemText(e, "wizard-error") } }
        view.warnings.forEach { w -> item { Text(w, Modifier.testTag("wizard-warning"), color = MaterialTheme.colorScheme.tertiary) } }
        view.fields.forEach { f -> item(key = "${view.step}/${f.id}") { FieldView(view.step, f, onEvent) } }
        if (view.review.isNotEmpty()) {
            var lastStep: String? = null
            view.review.forEachIndexed { i, r ->
                val first = r.step != lastStep
                lastStep = r.step
                item(key = "review-$i") {
                    Column(Modifier.fillMaxWidth().testTag("wizard-review")) {
                        if (first) {
                            TextButton(onClick = { onEvent(WizardEvent.Edit(r.step)) }, modifier = Modifier.testTag("wizard-edit")) {
                                Text(r.editLabel)
                            }
                        }
                        Column(Modifier.semantics(mergeDescendants = true) {}) {
                            Text(r.label, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.onSurfaceVariant)
                            Text(r.value, style = MaterialTheme.typography.bodyLarge)
                        }
                    }
                }
            }
        }
        item(key = "buttons") {
            FlowRow(Modifier.fillMaxWidth().padding(top = 8.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                if (view.canBack) OutlinedButton(onClick = { onEvent(WizardEvent.Back) }, modifier = Modifier.testTag("wizard-back")) { Text(view.backLabel) }
                if (view.canNext) Button(onClick = { onEvent(WizardEvent.Next) }, modifier = Modifier.testTag("wizard-next")) { Text(view.nextLabel) }
                if (view.canGenerate) Button(onClick = { onEvent(WizardEvent.Generate) }, modifier = Modifier.testTag("wizard-generate")) { Text(view.generateLabel) }
                if (view.finished) Button(onClick = onSaveLetter, modifier = Modifier.testTag("wizard-save-letter")) { Text(view.saveLetterLabel) }
            }
        }
    }
}

@Composable
private fun FieldView(step: String, f: WizardField, onEvent: (WizardEvent) -> Unit) {
    when (f.kind) {
        FieldKind.TOGGLE -> Column(Modifier.testTag("field-${f.id}")) {
            SwitchRow(f.label, f.value == "true", "field-toggle-${f.id}") { onEvent(WizardEvent.SetToggle(f.id, it)) }
            f.hint?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
            f.error?.let { ProblemText(it, "field-error") }
        }
        FieldKind.CHOICE -> Column(Modifier.testTag("field-${f.id}")) {
            SectionLabel(f.label)
            f.hint?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
            f.choices.forEach { c -> ChoiceRow(c.label, null, c.code == f.value, "field-choice") { onEvent(WizardEvent.Choose(f.id, c.code)) } }
            f.error?.let { ProblemText(it, "field-error") }
        }
        else -> {
            // the typed text is kept here while the core echoes it (a round trip per key)
            var text by remember(step, f.id) { mutableStateOf(f.value) }
            val keyboard = when (f.kind) {
                FieldKind.EMAIL -> KeyboardType.Email
                FieldKind.PHONE -> KeyboardType.Phone
                else -> KeyboardType.Text
            }
            OutlinedTextField(
                value = text,
                onValueChange = { text = it; onEvent(WizardEvent.SetText(f.id, it)) },
                modifier = Modifier.fillMaxWidth().testTag("field-${f.id}"),
                label = { Text(f.label) },
                isError = f.error != null,
                singleLine = f.kind != FieldKind.MULTILINE,
                minLines = if (f.kind == FieldKind.MULTILINE) 3 else 1,
                keyboardOptions = KeyboardOptions(keyboardType = keyboard),
                supportingText = textSlot(f.error ?: f.hint, if (f.error != null) "field-error" else "field-hint"),
            )
        }
    }
}
