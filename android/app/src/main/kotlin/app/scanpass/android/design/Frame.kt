// Shared pieces of the screens added with import, share, receive, requests and settings: the
// frame (top bar with its title and back, a list inset for the system bars, at most 840 dp
// wide), choice rows, and the core's error sentence.
package app.scanpass.android.design

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
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
import androidx.compose.foundation.lazy.LazyListScope
import androidx.compose.foundation.selection.selectable
import androidx.compose.foundation.selection.toggleable
import androidx.compose.material3.Checkbox
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.Role
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp

/** A screen: [title] (the core's) in the top bar, back when [onBack] is given, [content] as a list. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ScreenFrame(
    title: String,
    onBack: (() -> Unit)?,
    tag: String,
    actions: @Composable RowScope.() -> Unit = {},
    content: LazyListScope.() -> Unit,
) {
    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(title, Modifier.semantics { heading() }, maxLines = 2, overflow = TextOverflow.Ellipsis) },
                navigationIcon = {
                    if (onBack != null) {
                        IconButton(onClick = onBack, modifier = Modifier.testTag("back")) {
                            Icon(FlowIcons.Back, contentDescription = rememberCommonWords().back)
                        }
                    }
                },
                actions = actions,
            )
        },
        contentWindowInsets = WindowInsets.safeDrawing,
    ) { padding ->
        Box(Modifier.fillMaxSize().padding(padding), contentAlignment = Alignment.TopCenter) {
            LazyColumn(
                Modifier.fillMaxSize().widthIn(max = 840.dp).testTag(tag),
                contentPadding = PaddingValues(start = 16.dp, end = 16.dp, bottom = 24.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
                content = content,
            )
        }
    }
}

/** One of several choices (a radio button and its words, one control for TalkBack). */
@Composable
fun ChoiceRow(label: String, detail: String?, selected: Boolean, tag: String, onClick: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().selectable(selected = selected, role = Role.RadioButton, onClick = onClick)
            .testTag(tag).padding(vertical = 4.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        RadioButton(selected = selected, onClick = null)
        TextPair(label, detail, Modifier.padding(start = 12.dp).weight(1f))
    }
}

/** A checkbox and its words, one control. */
@Composable
fun CheckRow(label: String, detail: String?, checked: Boolean, tag: String, onChange: (Boolean) -> Unit) {
    Row(
        Modifier.fillMaxWidth().toggleable(value = checked, role = Role.Checkbox, onValueChange = onChange)
            .testTag(tag).padding(vertical = 4.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Checkbox(checked = checked, onCheckedChange = null)
        TextPair(label, detail, Modifier.padding(start = 12.dp).weight(1f))
    }
}

/** A switch and its words (a line of detail under the label, when given), one control. */
@Composable
fun SwitchRow(label: String, checked: Boolean, tag: String, detail: String? = null, enabled: Boolean = true, onChange: (Boolean) -> Unit) {
    Row(
        Modifier.fillMaxWidth().toggleable(value = checked, enabled = enabled, role = Role.Switch, onValueChange = onChange)
            .testTag(tag).padding(vertical = 4.dp),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        TextPair(label, detail, Modifier.weight(1f))
        Switch(checked = checked, onCheckedChange = null, enabled = enabled, modifier = Modifier.padding(start = 12.dp))
    }
}

@Composable
private fun TextPair(label: String, detail: String?, modifier: Modifier) {
    androidx.compose.foundation.layout.Column(modifier) {
        Text(label, style = MaterialTheme.typography.bodyLarge)
        if (!detail.isNullOrEmpty()) {
            Text(detail, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
    }
}

/** A section's heading (the core's label). */
@Composable
fun SectionLabel(text: String) {
    Text(text, Modifier.padding(top = 8.dp).semantics { heading() }, style = MaterialTheme.typography.titleMedium)
}

/** The core's sentence for a problem, in the error colour. */
@Composable
fun ProblemText(text: String, tag: String = "problem") {
    Text(text, Modifier.testTag(tag), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
}

/**
 * The patient's sentence of a core error: its `reason` (uniffi's message of an error with fields
 * lists the fields as well), else the message.
 */
fun patientMessage(e: Throwable): String =
    runCatching { e.javaClass.getMethod("getReason").invoke(e) as? String }.getOrNull() ?: (e.message ?: e.toString())

/** A text field's supporting-text slot with [text], or none. */
fun textSlot(text: String?, tag: String? = null): (@Composable () -> Unit)? =
    text?.let { t -> @Composable { Text(t, if (tag != null) Modifier.testTag(tag) else Modifier) } }
