package app.scanpass.android

import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.SemanticsNodeInteractionCollection
import androidx.compose.ui.test.junit4.ComposeTestRule
import androidx.compose.ui.test.onAllNodesWithTag
import app.scanpass.android.core.Session
import app.scanpass.ffi.Vault
import org.junit.rules.ExternalResource

/** Puts a vault in the app's session before the Activity starts (order it before the compose rule). */
class InstallVault(private val make: () -> Vault) : ExternalResource() {
    override fun before() {
        Samples.require()
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

fun SemanticsNodeInteractionCollection.texts(): List<String> =
    fetchSemanticsNodes().map { node ->
        node.config.getOrNull(SemanticsProperties.Text)?.joinToString(" ") { it.text } ?: ""
    }
