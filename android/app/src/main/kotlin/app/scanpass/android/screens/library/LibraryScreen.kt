// The library screen: draws the core's `LibraryView` (patient cards, their studies, the search,
// the empty text, the delete confirmation) and sends back the patient's events. The route keeps
// only ids in saved state (the search text and the study awaiting confirmation).
package app.scanpass.android.screens.library

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.RowScope
import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawing
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
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
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.compose.LocalLifecycleOwner
import androidx.lifecycle.compose.currentStateAsState
import app.scanpass.android.core.Session
import app.scanpass.android.design.FlowIcons
import app.scanpass.android.design.ScanpassIcons
import app.scanpass.android.navigation.FlowMenu
import app.scanpass.ffi.Confirmation
import app.scanpass.ffi.LibraryDestination
import app.scanpass.ffi.LibraryEvent
import app.scanpass.ffi.LibraryView
import app.scanpass.ffi.PatientCard
import app.scanpass.ffi.StudyCard
import kotlinx.coroutines.launch

/** The library screen with its adapter; [onOpenStudy] navigates (the shell's only decision). */
@Composable
fun LibraryRoute(
    onOpenStudy: (String) -> Unit,
    // share a study; the top bar's actions (the lock button, the way to the other screens)
    onShareStudy: ((String) -> Unit)? = null,
    actions: @Composable RowScope.() -> Unit = {},
    // the way to the other screens the core's view offers (its `actions`)
    onAction: ((LibraryDestination) -> Unit)? = null,
) {
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    // Saved state (written by the system while the process is dead) holds ids only: the study
    // awaiting confirmation, not the words the patient typed, which may be a name. The search is
    // therefore empty after a configuration change or process death; keeping it across a
    // rotation needs the presenter retained (next step, with the other screens).
    var query by remember { mutableStateOf("") }
    var pendingDelete by rememberSaveable { mutableStateOf<String?>(null) }
    val presenter = remember(locale) { LibraryPresenter({ Session.vault() }, locale) }
    DisposableEffect(presenter) { onDispose { presenter.close() } }
    val scope = rememberCoroutineScope()
    val lifecycle = LocalLifecycleOwner.current.lifecycle
    val lifecycleState by lifecycle.currentStateAsState()
    val started = lifecycleState.isAtLeast(Lifecycle.State.STARTED)

    LaunchedEffect(presenter) { presenter.start(query, pendingDelete) }
    // while the screen is started, the core's change listener brings new views (an import or a
    // receive finishing elsewhere); stopped, nothing is listened to
    LaunchedEffect(presenter, started) {
        if (started) presenter.follow()
    }

    fun send(e: LibraryEvent) {
        when (e) {
            is LibraryEvent.Search -> query = e.query
            is LibraryEvent.AskDelete -> pendingDelete = e.studyId
            LibraryEvent.ConfirmDelete, LibraryEvent.CancelDelete -> pendingDelete = null
        }
        scope.launch { presenter.send(e) }
    }

    LibraryContent(
        view = presenter.view,
        query = query,
        problem = presenter.problem,
        onEvent = ::send,
        onOpenStudy = onOpenStudy,
        onShareStudy = onShareStudy,
        actions = actions,
        onAction = onAction,
    )
}

/** Stateless: draws [view] as it is. [query] is the field's text (echoed by the core's view). */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun LibraryContent(
    view: LibraryView?,
    query: String,
    problem: String?,
    onEvent: (LibraryEvent) -> Unit,
    onOpenStudy: (String) -> Unit,
    onShareStudy: ((String) -> Unit)? = null,
    actions: @Composable RowScope.() -> Unit = {},
    onAction: ((LibraryDestination) -> Unit)? = null,
) {
    Scaffold(
        topBar = {
            TopAppBar(
                title = {
                    Text(
                        view?.title.orEmpty(),
                        Modifier.semantics { heading() },
                    )
                },
                actions = {
                    actions()
                    if (view != null && onAction != null) FlowMenu(view.actions, view.moreLabel, onAction)
                },
            )
        },
        contentWindowInsets = WindowInsets.safeDrawing,
    ) { padding ->
        Box(Modifier.fillMaxSize().padding(padding), contentAlignment = Alignment.TopCenter) {
            LazyColumn(
                Modifier.fillMaxSize().widthIn(max = 840.dp).testTag("library-list"),
                contentPadding = PaddingValues(start = 16.dp, end = 16.dp, bottom = 24.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                item(key = "search") {
                    OutlinedTextField(
                        value = query,
                        onValueChange = { onEvent(LibraryEvent.Search(it)) },
                        modifier = Modifier.fillMaxWidth().testTag("library-search"),
                        label = { Text(view?.searchLabel.orEmpty()) },
                        leadingIcon = { Icon(ScanpassIcons.Search, contentDescription = null) },
                        singleLine = true,
                    )
                }
                if (problem != null) {
                    item(key = "problem") {
                        Text(problem, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
                    }
                }
                view?.empty?.let { empty ->
                    item(key = "empty") {
                        Text(
                            empty,
                            Modifier.fillMaxWidth().padding(vertical = 32.dp).testTag("library-empty"),
                            style = MaterialTheme.typography.bodyLarge,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                }
                items(view?.patients.orEmpty(), key = { it.id }) { p ->
                    PatientSection(p, onEvent, onOpenStudy, onShareStudy)
                }
            }
        }
    }
    view?.confirm?.let { c -> ConfirmationDialog(c, onEvent) }
}

@Composable
private fun PatientSection(
    p: PatientCard,
    onEvent: (LibraryEvent) -> Unit,
    onOpenStudy: (String) -> Unit,
    onShareStudy: ((String) -> Unit)?,
) {
    Card(
        Modifier.fillMaxWidth().testTag("patient"),
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surfaceContainer),
    ) {
        Column(Modifier.padding(top = 16.dp, bottom = 8.dp)) {
            Column(Modifier.padding(horizontal = 16.dp).semantics(mergeDescendants = true) { heading() }) {
                Text(p.name, style = MaterialTheme.typography.titleLarge)
                Text(p.summary, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            p.studies.forEachIndexed { i, s ->
                if (i > 0) HorizontalDivider(Modifier.padding(horizontal = 16.dp))
                StudyRow(
                    s,
                    onOpen = { onOpenStudy(s.id) },
                    onDelete = { onEvent(LibraryEvent.AskDelete(s.id)) },
                    onShare = onShareStudy?.let { share -> { share(s.id) } },
                )
            }
        }
    }
}

@Composable
private fun StudyRow(s: StudyCard, onOpen: () -> Unit, onDelete: () -> Unit, onShare: (() -> Unit)? = null) {
    Row(
        Modifier.fillMaxWidth().testTag("study"),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        // one control for TalkBack: the study's lines are read together, then the delete button
        Column(
            Modifier.weight(1f)
                .clickable(onClick = onOpen)
                .semantics(mergeDescendants = true) {}
                .padding(start = 16.dp, top = 12.dp, bottom = 12.dp, end = 8.dp),
        ) {
            Text(s.title, style = MaterialTheme.typography.titleMedium, maxLines = 3, overflow = TextOverflow.Ellipsis)
            Text(s.kinds, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            Text(s.date, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            Text(s.counts, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        if (onShare != null) {
            IconButton(onClick = onShare, modifier = Modifier.testTag("study-share")) {
                Icon(
                    FlowIcons.Share,
                    contentDescription = s.shareSpoken,
                    tint = MaterialTheme.colorScheme.onSurfaceVariant,
                )
            }
        }
        IconButton(onClick = onDelete, modifier = Modifier.padding(end = 4.dp).testTag("study-delete")) {
            Icon(
                ScanpassIcons.Delete,
                contentDescription = s.deleteSpoken,
                tint = MaterialTheme.colorScheme.onSurfaceVariant,
            )
        }
    }
}

@Composable
private fun ConfirmationDialog(c: Confirmation, onEvent: (LibraryEvent) -> Unit) {
    AlertDialog(
        onDismissRequest = { onEvent(LibraryEvent.CancelDelete) },
        title = { Text(c.title) },
        text = { Text(c.message) },
        confirmButton = {
            TextButton(
                onClick = { onEvent(LibraryEvent.ConfirmDelete) },
                modifier = Modifier.testTag("confirm"),
                colors = if (c.destructive) {
                    ButtonDefaults.textButtonColors(contentColor = MaterialTheme.colorScheme.error)
                } else {
                    ButtonDefaults.textButtonColors()
                },
            ) { Text(c.confirm) }
        },
        dismissButton = {
            TextButton(onClick = { onEvent(LibraryEvent.CancelDelete) }, modifier = Modifier.testTag("cancel")) { Text(c.cancel) }
        },
    )
}
