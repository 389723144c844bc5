// The start and lock screen: draws the core's `StartView` (creating the vault, the lock screen,
// the fingerprint or face unlock when the model offers it, the tries left, the wait) and sends back what the
// patient did. [StartGate] puts it in front of everything else: the rest of the app is composed
// only while the model says `showLibrary`. The idle events (touches, ticks, going to the
// background) go to the core, which decides when to lock. The passphrase is never saved state.
package app.scanpass.android.screens.start

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.imePadding
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawing
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.layout.windowInsetsPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.staticCompositionLocalOf
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableLongStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.input.pointer.PointerEventPass
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleEventObserver
import androidx.lifecycle.compose.LocalLifecycleOwner
import androidx.lifecycle.compose.currentStateAsState
import app.scanpass.android.core.Session
import app.scanpass.android.core.coreDispatcher
import app.scanpass.android.keystore.deviceBiometrics
import app.scanpass.ffi.StartEvent
import app.scanpass.ffi.StartStage
import app.scanpass.ffi.StartView
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** How often the shell's timer reports the time to the core while the app is in the foreground. */
private const val TICK_MS = 5_000L

/** The timer while the core asks the patient to wait before the next try (its countdown moves). */
private const val WAIT_TICK_MS = 1_000L

/** Touches reported to the core at most this often (each is a core call). */
private const val ACTIVITY_EVERY_MS = 1_000L

/**
 * Asks the start model for its view again (a Tick): for screens that saw the vault lock by
 * another model's doing (appointment mode locks it after too many wrong passphrases).
 */
val LocalRefreshStart = staticCompositionLocalOf<() -> Unit> { {} }

/** The shell's clock for the idle events: the wall clock, the one the core's own clock reads. */
private fun now(): ULong = System.currentTimeMillis().toULong()

/**
 * The start/lock screen in front of [unlocked], which is composed only while the core's model
 * says the library may show. [unlocked] gets the lock button (the model's `lockLabel`) to place.
 */
@Composable
fun StartGate(unlocked: @Composable (lockButton: @Composable () -> Unit) -> Unit) {
    val context = LocalContext.current
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    val presenter = remember { StartPresenter { Session.start(context, locale) } }
    val scope = rememberCoroutineScope()
    val lifecycleOwner = LocalLifecycleOwner.current
    val lifecycleState by lifecycleOwner.lifecycle.currentStateAsState()
    val started = lifecycleState.isAtLeast(Lifecycle.State.STARTED)
    var lastActivity by remember { mutableLongStateOf(0L) }

    LaunchedEffect(presenter) { presenter.start() }
    // going to the background: the core may lock at once (the patient's setting)
    DisposableEffect(lifecycleOwner, presenter) {
        val observer = LifecycleEventObserver { _, e ->
            if (e == Lifecycle.Event.ON_STOP) scope.launch { presenter.send(StartEvent.Background(now())) }
            // what the device can do (a fingerprint added or removed meanwhile): the core decides
            // whether to offer its button
            if (e == Lifecycle.Event.ON_RESUME) scope.launch { presenter.send(StartEvent.DeviceBiometrics(deviceBiometrics(context))) }
        }
        lifecycleOwner.lifecycle.addObserver(observer)
        onDispose { lifecycleOwner.lifecycle.removeObserver(observer) }
    }
    val waiting = presenter.view?.retryInSeconds != null
    LaunchedEffect(presenter, started, waiting) {
        if (!started) return@LaunchedEffect
        while (true) {
            // real time, on the core's pool (not the UI's frame clock)
            withContext(coreDispatcher) { delay(if (waiting) WAIT_TICK_MS else TICK_MS) }
            presenter.send(StartEvent.Tick(now()))
        }
    }

    val view = presenter.view
    Box(
        Modifier.fillMaxSize().pointerInput(presenter) {
            // every touch counts as activity; observed before the screens, never consumed
            awaitPointerEventScope {
                while (true) {
                    awaitPointerEvent(PointerEventPass.Initial)
                    val t = System.currentTimeMillis()
                    if (t - lastActivity >= ACTIVITY_EVERY_MS) {
                        lastActivity = t
                        scope.launch { presenter.send(StartEvent.Activity(t.toULong())) }
                    }
                }
            }
        },
    ) {
        when {
            view == null -> Surface(Modifier.fillMaxSize()) {}
            view.showLibrary -> CompositionLocalProvider(
                LocalRefreshStart provides { scope.launch { presenter.send(StartEvent.Tick(now())) } },
            ) {
                unlocked {
                    view.lockLabel?.let { label ->
                        TextButton(
                            onClick = { scope.launch { presenter.send(StartEvent.Lock) } },
                            modifier = Modifier.testTag("start-lock"),
                        ) { Text(label) }
                    }
                }
            }
            else -> StartRoute(view, presenter)
        }
    }
}

@Composable
private fun StartRoute(view: StartView, presenter: StartPresenter) {
    val scope = rememberCoroutineScope()
    // the words typed stay in memory only (never in saved state), and go once sent
    var passphrase by remember(view.stage) { mutableStateOf("") }
    var confirm by remember(view.stage) { mutableStateOf("") }
    StartContent(
        view = view,
        passphrase = passphrase,
        confirm = confirm,
        fieldErrors = presenter.fieldErrors,
        problem = presenter.problem,
        busy = presenter.busy,
        onPassphrase = { passphrase = it },
        onConfirm = { confirm = it },
        onEvent = { e ->
            if (e is StartEvent.Unlock) passphrase = ""
            scope.launch { presenter.send(e) }
        },
    )
}

/** Stateless: draws [view] as it is, with the fields' current text. */
@Composable
fun StartContent(
    view: StartView,
    passphrase: String,
    confirm: String,
    fieldErrors: Map<String, String>,
    problem: String?,
    busy: Boolean,
    onPassphrase: (String) -> Unit,
    onConfirm: (String) -> Unit,
    onEvent: (StartEvent) -> Unit,
) {
    Surface(Modifier.fillMaxSize().testTag("start-screen")) {
        Box(
            Modifier.fillMaxSize().windowInsetsPadding(WindowInsets.safeDrawing).imePadding()
                .verticalScroll(rememberScrollState()),
            contentAlignment = Alignment.TopCenter,
        ) {
            Column(
                Modifier.widthIn(max = 520.dp).fillMaxWidth().padding(horizontal = 24.dp, vertical = 48.dp),
                verticalArrangement = Arrangement.spacedBy(16.dp),
            ) {
                Text(
                    view.title,
                    style = MaterialTheme.typography.headlineMedium,
                    modifier = Modifier.semantics { heading() }.testTag("start-title"),
                )
                Text(view.message, style = MaterialTheme.typography.bodyLarge)
                val submit = {
                    when (view.stage) {
                        StartStage.CREATE -> onEvent(StartEvent.Create(passphrase, confirm))
                        StartStage.UNLOCK -> onEvent(StartEvent.Unlock(passphrase))
                        StartStage.UNLOCKED -> Unit
                    }
                }
                PassphraseField(
                    value = passphrase,
                    onValue = onPassphrase,
                    label = view.passphraseLabel,
                    error = fieldErrors["passphrase"],
                    tag = "start-passphrase",
                )
                view.confirmLabel?.let { label ->
                    PassphraseField(confirm, onConfirm, label, fieldErrors["confirm"], "start-confirm")
                }
                view.passphraseHint?.let {
                    Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                }
                val feedback = listOfNotNull(
                    view.feedback,
                    view.attemptsLeftText,
                    problem,
                )
                if (feedback.isNotEmpty()) {
                    Text(
                        feedback.joinToString("\n"),
                        color = MaterialTheme.colorScheme.error,
                        style = MaterialTheme.typography.bodyLarge,
                        modifier = Modifier.testTag("start-feedback").semantics { liveRegion = LiveRegionMode.Polite },
                    )
                }
                Button(
                    onClick = submit,
                    enabled = !busy && view.retryInSeconds == null,
                    modifier = Modifier.fillMaxWidth().testTag("start-submit"),
                ) { Text(view.submitLabel) }
                view.deviceLabel?.let { label ->
                    OutlinedButton(
                        onClick = { onEvent(StartEvent.UnlockWithDevice) },
                        enabled = !busy,
                        modifier = Modifier.fillMaxWidth().testTag("start-device"),
                    ) { Text(label) }
                }
            }
        }
    }
}

@Composable
private fun PassphraseField(value: String, onValue: (String) -> Unit, label: String, error: String?, tag: String) {
    OutlinedTextField(
        value = value,
        onValueChange = onValue,
        label = { Text(label) },
        isError = error != null,
        supportingText = error?.let { { Text(it) } },
        visualTransformation = PasswordVisualTransformation(),
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Password, autoCorrectEnabled = false),
        singleLine = true,
        modifier = Modifier.fillMaxWidth().testTag(tag),
    )
}
