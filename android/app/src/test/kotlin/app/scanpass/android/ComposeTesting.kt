package app.scanpass.android

import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.SemanticsNodeInteractionCollection
import androidx.compose.ui.test.hasClickAction
import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.junit4.ComposeTestRule
import androidx.compose.ui.test.onAllNodesWithTag
import app.scanpass.android.core.Session
import app.scanpass.ffi.StartScreen
import org.junit.Assert.assertTrue
import org.junit.rules.ExternalResource

/** Puts an unlocked test vault's start model in the app's session before the Activity starts (order it before the compose rule). */
class InstallVault(private val make: () -> TestVault) : ExternalResource() {
    override fun before() {
        Samples.require()
        Session.install(make().start)
    }

    override fun after() {
        Session.install(null)
    }
}

/** Puts [make]'s start model (locked, or over an empty folder) in the app's session. */
class InstallStart(private val make: () -> StartScreen) : ExternalResource() {
    override fun before() {
        Session.install(make())
    }

    override fun after() {
        Session.install(null)
    }
}

/** Waits (the core answers on its own threads) until [tag] shows [count] nodes, or at least one. */
fun ComposeTestRule.waitForTag(tag: String, count: Int? = null, timeoutMs: Long = 20_000) {
    waitUntil(timeoutMs) {
        val n = onAllNodesWithTag(tag, useUnmergedTree = true).fetchSemanticsNodes().size
        if (count == null) n > 0 else n == count
    }
}

/** The texts of the nodes with [tag] (unmerged). */
fun ComposeTestRule.textsOf(tag: String): List<String> = onAllNodesWithTag(tag, useUnmergedTree = true).texts()

fun SemanticsNodeInteractionCollection.texts(): List<String> =
    fetchSemanticsNodes().map { node ->
        node.config.getOrNull(SemanticsProperties.Text)?.joinToString(" ") { it.text } ?: ""
    }

/**
 * Every control (a node with a click action or a text field), in the merged tree TalkBack reads,
 * must have words: a content description, a text, or a text field's label.
 */
fun ComposeTestRule.assertEveryControlLabelled(where: String) {
    val nodes = onAllNodes(hasClickAction() or hasSetTextAction()).fetchSemanticsNodes()
    assertTrue("no control found on $where", nodes.isNotEmpty())
    val unlabelled = nodes.filter { n ->
        val desc = n.config.getOrNull(SemanticsProperties.ContentDescription).orEmpty().joinToString("")
        val text = n.config.getOrNull(SemanticsProperties.Text).orEmpty().joinToString("") { it.text }
        val edit = n.config.getOrNull(SemanticsProperties.EditableText)?.text.orEmpty()
        desc.isBlank() && text.isBlank() && edit.isBlank()
    }
    assertTrue(
        "controls without a label on $where: " + unlabelled.joinToString { "#${it.id} ${it.config}" },
        unlabelled.isEmpty(),
    )
}
