// Settings: the relay shares go through (the core checks it; a refusal is its sentence), when the
// app locks itself, the language, and unlocking with a fingerprint or face, all from the core's
// `SettingsView`. What the device can do (BiometricManager) goes to the core on each resume; the
// core says whether the switch may move and why not. Turning it on stores the vault key in the
// Keystore, bound to biometrics, so the system's prompt shows then (the core's call waits for it).
package app.scanpass.android.screens.settings

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
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
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import app.scanpass.android.core.Session
import app.scanpass.android.core.ScreenPresenter
import app.scanpass.android.design.ChoiceRow
import app.scanpass.android.design.ProblemText
import app.scanpass.android.design.ScreenFrame
import app.scanpass.android.design.SectionLabel
import app.scanpass.android.design.SwitchRow
import app.scanpass.android.keystore.deviceBiometrics
import app.scanpass.ffi.KeyStore
import androidx.compose.material3.MaterialTheme
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleEventObserver
import androidx.lifecycle.compose.LocalLifecycleOwner
import app.scanpass.ffi.SettingsEvent
import app.scanpass.ffi.SettingsScreen
import app.scanpass.ffi.SettingsView
import java.io.File
import kotlinx.coroutines.launch

/**
 * The adapter: the core's `SettingsScreen` over the vault's folder (each change saved at once),
 * with the open vault and the device's key store for the fingerprint or face switch.
 */
class SettingsPresenter(dir: () -> File, locale: String, deviceKeys: () -> KeyStore?) :
    ScreenPresenter<SettingsScreen, SettingsView, SettingsEvent>(
        make = {
            val keys = deviceKeys()
            val vault = Session.current()
            if (keys != null && vault != null) SettingsScreen.withDeviceUnlock(dir().path, locale, vault, keys)
            else SettingsScreen(dir().path, locale)
        },
        viewOf = { it.view() },
        handleOf = { s, e -> s.handle(e) },
    )

@Composable
fun SettingsRoute(onBack: () -> Unit) {
    val context = LocalContext.current
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    val presenter = remember(locale) { SettingsPresenter({ Session.dir(context) }, locale, { Session.deviceKeys(context) }) }
    DisposableEffect(presenter) { onDispose { presenter.close() } }
    val scope = rememberCoroutineScope()
    LaunchedEffect(presenter) { presenter.start() }
    // what the device can do, now and each time the patient comes back (from the phone's settings)
    val lifecycleOwner = LocalLifecycleOwner.current
    DisposableEffect(lifecycleOwner, presenter) {
        val observer = LifecycleEventObserver { _, e ->
            if (e == Lifecycle.Event.ON_RESUME) scope.launch { presenter.send(SettingsEvent.DeviceBiometrics(deviceBiometrics(context))) }
        }
        lifecycleOwner.lifecycle.addObserver(observer)
        onDispose { lifecycleOwner.lifecycle.removeObserver(observer) }
    }
    SettingsContent(presenter.view, presenter.problem, { e -> scope.launch { presenter.send(e) } }, onBack)
}

/** Stateless: the settings as the core's view says. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun SettingsContent(view: SettingsView?, problem: String?, onEvent: (SettingsEvent) -> Unit, onBack: (() -> Unit)?) {
    // the relay being typed (memory only), until "use this relay"
    var relay by remember(view?.relay) { mutableStateOf(view?.relay ?: "") }
    ScreenFrame(title = view?.title ?: "", onBack = onBack, tag = "settings") {
        if (view == null) return@ScreenFrame
        item(key = "relay") {
            Column(Modifier.fillMaxWidth()) {
                SectionLabel(view.relayLabel)
                OutlinedTextField(
                    relay, { relay = it }, Modifier.fillMaxWidth().testTag("settings-relay"),
                    label = { Text(view.relayLabel) }, singleLine = true, isError = problem != null,
                    supportingText = { Text(problem ?: view.relayHelp, Modifier.testTag(if (problem != null) "settings-relay-error" else "settings-relay-help")) },
                )
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    OutlinedButton(onClick = { onEvent(SettingsEvent.SetRelay(relay)) }, modifier = Modifier.testTag("settings-relay-save")) {
                        Text(view.relaySaveLabel)
                    }
                    if (!view.relayIsDefault) {
                        TextButton(onClick = { onEvent(SettingsEvent.UseDefaultRelay) }, modifier = Modifier.testTag("settings-relay-default")) {
                            Text(view.relayDefaultLabel)
                        }
                    }
                }
            }
        }
        item(key = "auto-lock-label") { SectionLabel(view.autoLockLabel) }
        view.autoLock.forEach { c ->
            item(key = "auto-lock-${c.value}") { ChoiceRow(c.label, null, c.selected, "settings-auto-lock") { onEvent(SettingsEvent.SetAutoLock(c.value)) } }
        }
        view.deviceUnlock?.let { d ->
            item(key = "device-unlock") {
                Column(Modifier.fillMaxWidth()) {
                    SwitchRow(d.label, d.on, "settings-device-unlock", detail = d.help, enabled = d.enabled) {
                        onEvent(SettingsEvent.SetDeviceUnlock(it))
                    }
                    d.note?.let { Text(it, Modifier.testTag("settings-device-unlock-note"), style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                    d.feedback?.let { ProblemText(it, "settings-device-unlock-feedback") }
                }
            }
        }
        item(key = "language-label") { SectionLabel(view.languageLabel) }
        view.languages.forEach { l ->
            item(key = "language-${l.code}") { ChoiceRow(l.name, null, l.selected, "settings-language") { onEvent(SettingsEvent.SetLanguage(l.code)) } }
        }
    }
}
