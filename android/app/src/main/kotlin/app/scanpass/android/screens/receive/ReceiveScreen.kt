// The receive screen: a shared link pasted, typed, scanned from a QR code or brought by an
// incoming VIEW intent; the core's passcode prompt (with the attempts left), progress and result.
//
// Scanning: the core's effect ScanQr opens the live scanner (scan/QrScanScreen: the camera's
// frames read by ZXing until one holds a QR code); its text goes to the core as SetLink, and the
// core says whether it is a Scanpass link. Where no camera opens, the scanner offers one picture
// from the system camera (ActivityResultContracts.TakePicturePreview) decoded by QrCode.decode.
package app.scanpass.android.screens.receive

import android.graphics.Bitmap
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
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
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import app.scanpass.android.core.Session
import app.scanpass.android.design.ProblemText
import app.scanpass.android.design.ScreenFrame
import app.scanpass.android.design.textSlot
import app.scanpass.android.screens.receive.scan.QrScanRoute
import app.scanpass.android.screens.share.QrCode
import app.scanpass.ffi.ReceiveScreenEvent
import app.scanpass.ffi.ReceiveScreenView
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

@Composable
fun ReceiveRoute(onBack: () -> Unit) {
    val context = LocalContext.current
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    val presenter = remember(locale) { ReceivePresenter({ Session.vault() }, locale) }
    DisposableEffect(presenter) { onDispose { presenter.close() } }
    val scope = rememberCoroutineScope()
    LaunchedEffect(presenter, IncomingLink.arrivals) { presenter.start(IncomingLink.take()) }
    val camera = rememberLauncherForActivityResult(ActivityResultContracts.TakePicturePreview()) { bmp: Bitmap? ->
        if (bmp != null) scope.launch {
            val text = withContext(Dispatchers.Default) { QrCode.decode(bmp) }
            if (text != null) presenter.setLink(text) else presenter.view?.noQrText?.let(presenter::report)
        }
    }
    var passcode by remember { mutableStateOf("") }
    // the scanner is open (kept across a rotation: a flag, nothing the patient typed)
    var scanning by rememberSaveable { mutableStateOf(false) }
    val view = presenter.view
    if (scanning && view != null) {
        QrScanRoute(
            words = view.scanner,
            onText = { text -> scanning = false; scope.launch { presenter.setLink(text) } },
            onPhoto = { scanning = false; camera.launch(null) },
            onClose = { scanning = false },
        )
        return
    }
    ReceiveContent(
        view = presenter.view,
        link = presenter.link,
        passcode = passcode,
        problem = presenter.problem,
        onLink = { scope.launch { presenter.setLink(it) } },
        onPasscode = { passcode = it },
        onScan = { scanning = true },
        onOpen = { scope.launch { presenter.receive(passcode) } },
        onCancel = presenter::cancel,
        onDismiss = { passcode = ""; scope.launch { presenter.send(ReceiveScreenEvent.Dismiss) } },
        onBack = onBack,
    )
}

/** Stateless: the link form with its prompt, or the progress, or the result. */
@Composable
fun ReceiveContent(
    view: ReceiveScreenView?,
    link: String,
    passcode: String,
    problem: String?,
    onLink: (String) -> Unit,
    onPasscode: (String) -> Unit,
    onScan: () -> Unit,
    onOpen: () -> Unit,
    onCancel: () -> Unit,
    onDismiss: () -> Unit,
    onBack: (() -> Unit)?,
) {
    ScreenFrame(title = view?.title ?: "", onBack = onBack, tag = "receive") {
        if (problem != null) item(key = "problem") { ProblemText(problem) }
        if (view == null) return@ScreenFrame
        view.error?.let { item(key = "error") { ProblemText(it, "receive-error") } }
        val progress = view.progress
        val result = view.result
        when {
            result != null -> item(key = "result") {
                Column(Modifier.fillMaxWidth().testTag("receive-result"), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Text(result.title, style = MaterialTheme.typography.titleLarge)
                    result.lines.forEach { Text(it, style = MaterialTheme.typography.bodyLarge) }
                    result.notes.forEach { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                    Button(onClick = onDismiss, modifier = Modifier.padding(top = 8.dp).testTag("receive-done")) { Text(view.doneLabel) }
                }
            }
            progress != null -> item(key = "progress") {
                Column(Modifier.fillMaxWidth().testTag("receive-progress")) {
                    Text(progress.text, style = MaterialTheme.typography.titleMedium)
                    val f = progress.fraction
                    if (f != null) LinearProgressIndicator(progress = { f }, modifier = Modifier.fillMaxWidth().padding(vertical = 8.dp))
                    else LinearProgressIndicator(Modifier.fillMaxWidth().padding(vertical = 8.dp))
                    OutlinedButton(onClick = onCancel, modifier = Modifier.testTag("receive-cancel")) { Text(progress.cancelLabel) }
                }
            }
            else -> {
                item(key = "link") {
                    OutlinedTextField(
                        link, onLink, Modifier.fillMaxWidth().testTag("receive-link"),
                        label = { Text(view.linkLabel) }, isError = view.linkError != null,
                        supportingText = textSlot(view.linkError, "receive-link-error"),
                    )
                }
                item(key = "scan") {
                    OutlinedButton(onClick = onScan, modifier = Modifier.testTag("receive-scan")) { Text(view.scanLabel) }
                }
                view.passcode?.let { p ->
                    item(key = "passcode") {
                        Column(Modifier.fillMaxWidth().testTag("receive-passcode-prompt")) {
                            Text(p.message, style = MaterialTheme.typography.bodyMedium)
                            OutlinedTextField(
                                passcode, onPasscode, Modifier.fillMaxWidth().testTag("receive-passcode"),
                                label = { Text(p.label) }, singleLine = true, isError = p.error != null,
                                visualTransformation = PasswordVisualTransformation(),
                                supportingText = textSlot(p.error, "receive-passcode-error"),
                            )
                        }
                    }
                }
                item(key = "open") {
                    Button(onClick = onOpen, enabled = view.canOpen, modifier = Modifier.fillMaxWidth().testTag("receive-open")) { Text(view.submit) }
                }
            }
        }
    }
}
