// The share screen: the core's form (studies and series, de-identification with its explanation,
// expiry, download limit, passcode), its refusals by field, the upload's progress, then the link:
// its QR code (ZXing) full screen and the Android share sheet (ACTION_SEND) with the core's text.
package app.scanpass.android.screens.share

import android.content.Context
import android.content.Intent
import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.text.selection.SelectionContainer
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
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
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.FilterQuality
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.layout.ContentScale
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import androidx.compose.ui.window.Dialog
import androidx.compose.ui.window.DialogProperties
import app.scanpass.android.core.Session
import app.scanpass.android.design.CheckRow
import app.scanpass.android.design.ChoiceRow
import app.scanpass.android.design.ProblemText
import app.scanpass.android.design.ScreenFrame
import app.scanpass.android.design.rememberCommonWords
import app.scanpass.android.design.SectionLabel
import app.scanpass.android.design.SwitchRow
import app.scanpass.ffi.SettingsScreen
import app.scanpass.ffi.ShareScreenEvent
import app.scanpass.ffi.ShareScreenView
import kotlinx.coroutines.launch

/** The Android share sheet with [text] (the core's message, the link in it). */
fun sendText(context: Context, text: String) {
    val send = Intent(Intent.ACTION_SEND).setType("text/plain").putExtra(Intent.EXTRA_TEXT, text)
    context.startActivity(Intent.createChooser(send, null).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK))
}

@Composable
fun ShareRoute(studyId: String, onBack: () -> Unit) {
    val context = LocalContext.current
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    val presenter = remember(locale, studyId) {
        SharePresenter(
            vault = { Session.vault() },
            locale = locale,
            relay = { SettingsScreen(Session.dir(context).path, locale).use { it.relay() } },
            studyId = studyId,
        )
    }
    DisposableEffect(presenter) { onDispose { presenter.close() } }
    val scope = rememberCoroutineScope()
    LaunchedEffect(presenter) { presenter.start() }
    ShareContent(
        view = presenter.view,
        problem = presenter.problem,
        onEvent = { e -> scope.launch { presenter.send(e) } },
        onShare = { scope.launch { presenter.share() } },
        onCancel = presenter::cancel,
        onSend = { sendText(context, it) },
        onBack = onBack,
    )
}

/** Stateless: the form, or the progress, or the link, as the core's view says. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun ShareContent(
    view: ShareScreenView?,
    problem: String?,
    onEvent: (ShareScreenEvent) -> Unit,
    onShare: () -> Unit,
    onCancel: () -> Unit,
    onSend: (String) -> Unit,
    onBack: (() -> Unit)?,
) {
    var qrShown by remember { mutableStateOf(false) }
    ScreenFrame(title = view?.title ?: "", onBack = onBack, tag = "share") {
        if (problem != null) item(key = "problem") { ProblemText(problem) }
        if (view == null) return@ScreenFrame
        view.error?.let { item(key = "error") { ProblemText(it, "share-error") } }
        val progress = view.progress
        val result = view.result
        val f = view.form
        fun errorsOf(field: String) = f.errors.filter { it.field == field }
        when {
            result != null -> item(key = "result") {
                Column(Modifier.fillMaxWidth().testTag("share-result"), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(result.title, style = MaterialTheme.typography.titleLarge)
                    result.warning?.let { Text(it, color = MaterialTheme.colorScheme.error) }
                    QrImage(result.link, result.qrDescription, Modifier.widthIn(max = 240.dp).fillMaxWidth().testTag("share-qr"))
                    SelectionContainer { Text(result.link, Modifier.testTag("share-link"), style = MaterialTheme.typography.bodySmall) }
                    Text(result.message, style = MaterialTheme.typography.bodyMedium)
                    result.passcodeNote?.let { Text(it, style = MaterialTheme.typography.bodyMedium) }
                    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        Button(onClick = { onSend(result.message) }, modifier = Modifier.testTag("share-send")) {
                            Text(result.sendLabel)
                        }
                        OutlinedButton(onClick = { qrShown = true }, modifier = Modifier.testTag("share-show-qr")) {
                            Text(result.showQrLabel)
                        }
                        val pm = result.passcodeMessage
                        val pmLabel = result.sendPasscodeLabel
                        if (pm != null && pmLabel != null) {
                            OutlinedButton(onClick = { onSend(pm) }, modifier = Modifier.testTag("share-send-passcode")) {
                                Text(pmLabel)
                            }
                        }
                        TextButton(onClick = { onEvent(ShareScreenEvent.Dismiss) }, modifier = Modifier.testTag("share-done")) {
                            Text(result.doneLabel)
                        }
                    }
                }
                if (qrShown) QrFullScreen(result.link, result.qrDescription) { qrShown = false }
            }
            progress != null -> item(key = "progress") {
                Column(Modifier.fillMaxWidth().testTag("share-progress")) {
                    Text(progress.text, style = MaterialTheme.typography.titleMedium)
                    val fr = progress.fraction
                    if (fr != null) LinearProgressIndicator(progress = { fr }, modifier = Modifier.fillMaxWidth().padding(vertical = 8.dp))
                    else LinearProgressIndicator(Modifier.fillMaxWidth().padding(vertical = 8.dp))
                    OutlinedButton(onClick = onCancel, enabled = progress.canCancel, modifier = Modifier.testTag("share-cancel")) { Text(progress.cancelLabel) }
                }
            }
            else -> {
                item(key = "studies-label") { SectionLabel(f.studiesLabel) }
                f.studies.forEach { s ->
                    item(key = "study-${s.id}") {
                        Column {
                            CheckRow(s.label, s.detail, s.selected, "share-study") { onEvent(ShareScreenEvent.ToggleStudy(s.id)) }
                            s.series.forEach { r ->
                                Box(Modifier.padding(start = 32.dp)) {
                                    CheckRow(r.label, null, r.selected, "share-series") { onEvent(ShareScreenEvent.ToggleSeries(r.id)) }
                                }
                            }
                        }
                    }
                }
                (errorsOf("studies") + errorsOf("series")).forEach { e -> item { ProblemText(e.message, "share-field-error") } }
                f.warning?.let { w -> item(key = "warning") { Text(w, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium) } }
                item(key = "preset-label") { SectionLabel(f.presetLabel) }
                f.presets.forEach { p ->
                    item(key = "preset-${p.preset}") {
                        ChoiceRow(p.label, p.explanation, p.selected, "share-preset") { onEvent(ShareScreenEvent.SetDeidentify(p.preset)) }
                    }
                }
                item(key = "expiry-label") { SectionLabel(f.expiryLabel) }
                f.expiry.forEach { e ->
                    item(key = "expiry-${e.days}") { ChoiceRow(e.label, null, e.selected, "share-expiry") { onEvent(ShareScreenEvent.SetExpiryDays(e.days)) } }
                }
                errorsOf("expiry").forEach { e -> item { ProblemText(e.message, "share-field-error") } }
                item(key = "downloads-label") { SectionLabel(f.downloadsLabel) }
                f.downloads.forEach { d ->
                    item(key = "downloads-${d.limit}") { ChoiceRow(d.label, null, d.selected, "share-downloads") { onEvent(ShareScreenEvent.SetDownloadLimit(d.limit)) } }
                }
                errorsOf("downloads").forEach { e -> item { ProblemText(e.message, "share-field-error") } }
                item(key = "passcode") {
                    val p = f.passcode
                    Column {
                        SectionLabel(p.label)
                        SwitchRow(p.useLabel, p.enabled, "share-passcode-use") { onEvent(ShareScreenEvent.UsePasscode(it)) }
                        if (p.enabled) {
                            val err = errorsOf("passcode").firstOrNull()?.message
                            OutlinedTextField(
                                p.value, { onEvent(ShareScreenEvent.SetPasscode(it)) },
                                Modifier.fillMaxWidth().testTag("share-passcode"),
                                label = { Text(p.label) }, singleLine = true, isError = err != null,
                                visualTransformation = PasswordVisualTransformation(),
                                supportingText = { Text(err ?: p.hint, Modifier.testTag(if (err != null) "share-passcode-error" else "share-passcode-hint")) },
                            )
                            TextButton(onClick = { onEvent(ShareScreenEvent.UseSuggestedPasscode) }, modifier = Modifier.testTag("share-passcode-suggest")) {
                                Text(p.suggestLabel)
                            }
                        }
                    }
                }
                item(key = "submit") {
                    Button(onClick = onShare, modifier = Modifier.fillMaxWidth().testTag("share-submit")) { Text(f.submit) }
                }
            }
        }
    }
}

/** The link's QR code, black on white, scaled without filtering (sharp modules). */
@Composable
fun QrImage(link: String, description: String, modifier: Modifier = Modifier) {
    val bmp = remember(link) { QrCode.encode(link).asImageBitmap() }
    Image(
        bmp,
        contentDescription = description,
        modifier = modifier.aspectRatio(1f).background(Color.White),
        contentScale = ContentScale.Fit,
        filterQuality = FilterQuality.None,
    )
}

/** The QR code full screen (white, for a phone camera across a desk), with a close button. */
@Composable
fun QrFullScreen(link: String, description: String, onClose: () -> Unit) {
    Dialog(onDismissRequest = onClose, properties = DialogProperties(usePlatformDefaultWidth = false)) {
        Box(Modifier.fillMaxSize().background(Color.White).safeDrawingPadding().testTag("share-qr-full"), contentAlignment = Alignment.Center) {
            QrImage(link, description, Modifier.fillMaxWidth().padding(24.dp))
            TextButton(onClick = onClose, modifier = Modifier.align(Alignment.BottomCenter).padding(16.dp).testTag("share-qr-close")) {
                Text(rememberCommonWords().close, color = Color.Black)
            }
        }
    }
}
