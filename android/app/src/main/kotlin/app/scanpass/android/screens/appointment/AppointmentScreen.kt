// Appointment mode: one study (or one series) on screen and nothing else, as the core's
// `AppointmentView` says: no navigation while `showNavigation` is false (system back stays
// here), the core's banner, the hide-my-name switch, the leave button; leaving asks, inline in
// the bar, for what the core's effect asks: the passphrase, or the fingerprint or face prompt
// (Session.askBeforeDeviceLoad: the Keystore's, with its cipher as the CryptoObject; its outcome
// goes back as BiometricsDone or BiometricsFailed). FLAG_SECURE while the model
// says `blockScreenshots`. When the core turns the mode off, the route calls [onEnded].
package app.scanpass.android.screens.appointment

import androidx.activity.compose.BackHandler
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.layout.WindowInsetsSides
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.only
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawing
import androidx.compose.foundation.layout.windowInsetsPadding
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import app.scanpass.android.core.Session
import app.scanpass.android.core.core
import app.scanpass.android.platform.SecureWindow
import app.scanpass.android.screens.start.LocalRefreshStart
import app.scanpass.android.screens.viewer.ViewerRoute
import app.scanpass.ffi.AppointmentEffect
import app.scanpass.ffi.AppointmentEvent
import app.scanpass.ffi.AppointmentView
import kotlinx.coroutines.launch

@Composable
fun AppointmentRoute(studyId: String, seriesId: String?, onEnded: () -> Unit) {
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    val context = LocalContext.current
    val presenter = remember { AppointmentPresenter { Session.appointment(context, locale) } }
    val scope = rememberCoroutineScope()
    val refreshStart = LocalRefreshStart.current
    // a boolean, not patient data: to turn the mode on again the same way after process death
    var hideName by rememberSaveable { mutableStateOf(false) }
    LaunchedEffect(presenter) { presenter.start(studyId, seriesId, hideName) }
    val view = presenter.view
    LaunchedEffect(view?.hidePatientName) { view?.let { if (it.active) hideName = it.hidePatientName } }
    LaunchedEffect(presenter.ended, view?.locked) {
        // locked by the core (too many wrong passphrases): the lock screen takes over
        if (view?.locked == true) refreshStart()
        if (presenter.ended) onEnded()
    }
    SecureWindow(enabled = view?.blockScreenshots == true)
    // while the mode is on, back does nothing: only the core's unlock leaves
    BackHandler(enabled = view?.showNavigation != true) {}
    var passphrase by remember { mutableStateOf("") }

    fun send(e: AppointmentEvent) {
        if (e is AppointmentEvent.Passphrase || e is AppointmentEvent.CancelLeave) passphrase = ""
        scope.launch { presenter.send(e) }
    }

    if (view == null || !view.active) {
        Surface(Modifier.fillMaxSize().testTag("appointment-waiting")) {
            presenter.problem?.let { Text(it, Modifier.padding(24.dp), color = MaterialTheme.colorScheme.error) }
        }
        return
    }
    ViewerRoute(
        studyId = view.pinnedStudyId ?: studyId,
        seriesId = view.pinnedSeriesId,
        hideName = view.hidePatientName,
        // a pinned series: that series only
        showStrip = view.pinnedSeriesId == null,
        topBar = {
            AppointmentBar(view, ::send) {
                // the core's question, inline above the images (not a dialog window)
                when (val effect = view.effect) {
                    is AppointmentEffect.AskPassphrase -> PassphrasePrompt(
                        prompt = effect.prompt,
                        view = view,
                        passphrase = passphrase,
                        error = presenter.fieldError ?: presenter.problem,
                        onPassphrase = { passphrase = it },
                        onEvent = ::send,
                    )
                    // the prompt (off the main thread: it waits for the patient); its outcome to the core
                    is AppointmentEffect.AskBiometrics -> LaunchedEffect(effect) {
                        val passed = core { Session.askBeforeDeviceLoad(context) }
                        send(if (passed) AppointmentEvent.BiometricsDone else AppointmentEvent.BiometricsFailed)
                    }
                    null -> Unit
                }
            }
        },
    )
}

/** The mode's bar above the images: the core's banner, the name switch, the leave button. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun AppointmentBar(view: AppointmentView, onEvent: (AppointmentEvent) -> Unit, prompt: @Composable () -> Unit = {}) {
    Surface(color = MaterialTheme.colorScheme.secondaryContainer, modifier = Modifier.fillMaxWidth().testTag("appointment-bar")) {
        Column(
            Modifier.windowInsetsPadding(WindowInsets.safeDrawing.only(WindowInsetsSides.Top + WindowInsetsSides.Horizontal))
                .padding(horizontal = 16.dp, vertical = 8.dp),
            verticalArrangement = Arrangement.spacedBy(4.dp),
        ) {
            view.banner?.let {
                Text(it, style = MaterialTheme.typography.titleSmall, modifier = Modifier.semantics { heading() }.testTag("appointment-banner"))
            }
            FlowRow(
                horizontalArrangement = Arrangement.spacedBy(16.dp),
                verticalArrangement = Arrangement.Center,
                itemVerticalAlignment = Alignment.CenterVertically,
            ) {
                Row(
                    Modifier.toggleable(
                        value = view.hidePatientName,
                        role = Role.Switch,
                        onValueChange = { onEvent(AppointmentEvent.SetHidePatientName(it)) },
                    ).testTag("appointment-hide-name"),
                    verticalAlignment = Alignment.CenterVertically,
                    horizontalArrangement = Arrangement.spacedBy(8.dp),
                ) {
                    Switch(checked = view.hidePatientName, onCheckedChange = null)
                    Text(view.hideNameLabel, style = MaterialTheme.typography.bodyMedium)
                }
                if (view.effect == null) {
                    Button(onClick = { onEvent(AppointmentEvent.Leave) }, modifier = Modifier.testTag("appointment-leave")) {
                        Text(view.leaveLabel)
                    }
                }
            }
            prompt()
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun PassphrasePrompt(
    prompt: String,
    view: AppointmentView,
    passphrase: String,
    error: String?,
    onPassphrase: (String) -> Unit,
    onEvent: (AppointmentEvent) -> Unit,
) {
    Column(Modifier.fillMaxWidth().testTag("appointment-prompt"), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(prompt, style = MaterialTheme.typography.titleMedium)
        OutlinedTextField(
            value = passphrase,
            onValueChange = onPassphrase,
            label = { Text(view.passphraseLabel) },
            isError = error != null,
            supportingText = error?.let { { Text(it) } },
            visualTransformation = PasswordVisualTransformation(),
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Password, autoCorrectEnabled = false),
            singleLine = true,
            modifier = Modifier.fillMaxWidth().testTag("appointment-passphrase"),
        )
        val feedback = listOfNotNull(
            view.feedback,
            view.attemptsLeftText,
        )
        if (feedback.isNotEmpty()) {
            Text(
                feedback.joinToString("\n"),
                color = MaterialTheme.colorScheme.error,
                modifier = Modifier.testTag("appointment-feedback"),
            )
        }
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = { onEvent(AppointmentEvent.Passphrase(passphrase)) }, modifier = Modifier.testTag("appointment-confirm")) {
                Text(view.leaveLabel)
            }
            TextButton(onClick = { onEvent(AppointmentEvent.CancelLeave) }, modifier = Modifier.testTag("appointment-cancel")) {
                Text(view.stayLabel)
            }
        }
    }
}
