// A share received into a second vault through the real Activity, the real core and a real
// scanpass-relay on loopback: the link typed into the receive screen, the core's passcode prompt,
// the passcode, the download and the core's summary; the study is then in the second vault. And a
// refused relay: the same link naming a relay address where nothing listens shows the core's own
// sentence, word for word.
package app.scanpass.android.screens.receive

import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.scanpass.android.MainActivity
import app.scanpass.android.TestVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.design.patientMessage
import app.scanpass.android.screens.InstallTestVault
import app.scanpass.android.screens.TestRelay
import app.scanpass.android.screens.useTestRelay
import app.scanpass.android.texts
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.waitForTag
import app.scanpass.ffi.ReceiveScreen
import app.scanpass.ffi.ReceiveScreenEvent
import app.scanpass.ffi.ShareScreen
import app.scanpass.ffi.ShareScreenEvent
import java.net.ServerSocket
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/** One share through the test relay, made once by the core from a vault of its own. */
object SharedStudy {
    const val PASSCODE = "orchid-tunnel-4821-maple"
    val link: String by lazy {
        val from = TestVault("pydicom/CT_small.dcm").also { useTestRelay(it) }
        val study = from.vault.studies().single().id
        ShareScreen(from.vault, "en-US", TestRelay.url, study, null).use { s ->
            s.handle(ShareScreenEvent.UsePasscode(true))
            s.handle(ShareScreenEvent.SetPasscode(PASSCODE))
            val v = s.share(null)
            assertNotNull("the share made no link: ${v.error} ${v.form.errors}", v.result)
            v.result!!.link
        }
    }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ReceiveJourneyTest {
    private val tv = lazy { TestVault().also { useTestRelay(it) } }
    @get:Rule(order = 0) val vault = InstallTestVault { SharedStudy.link; tv.value }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @After fun closeVault() { if (tv.isInitialized()) tv.value.close() }

    private fun openReceive(link: String) {
        rule.waitForTag("menu")
        rule.onNodeWithTag("menu").performClick()
        rule.onNodeWithTag("menu-receive").performClick()
        rule.waitForTag("receive-link")
        rule.onNodeWithTag("receive-link").performTextInput(link)
        rule.waitForTag("receive-passcode")
        rule.onNodeWithTag("receive-passcode").performTextInput(SharedStudy.PASSCODE)
        rule.waitForIdle()
        rule.onNodeWithTag("receive-open").performClick()
    }


    @Test
    fun aShareIsReceivedIntoThisVault() {
        assertEquals(0, tv.value.vault.studies().size)
        openReceive(SharedStudy.link)
        rule.waitUntil(60_000) {
            listOf("receive-result", "receive-error", "problem").any { rule.onAllNodesWithTag(it, useUnmergedTree = true).fetchSemanticsNodes().isNotEmpty() }
        }
        rule.waitForIdle()
        val problems = rule.onAllNodesWithTag("receive-error", useUnmergedTree = true).texts() + rule.onAllNodesWithTag("problem", useUnmergedTree = true).texts()
        assertTrue("the receive failed: $problems", problems.isEmpty())
        rule.shoot("receive-result-phone-light")
        rule.assertEveryControlLabelled("receive result")
        val studies = tv.value.vault.studies()
        assertEquals("the shared study is in this vault", 1, studies.size)
        assertEquals(1u, studies.single().instanceCount)
        // done: back to the library, which lists it
        rule.onNodeWithTag("receive-done").performClick()
        rule.onNodeWithTag("back").performClick()
        rule.waitForTag("study", 1)
    }

    @Test
    fun aRelayThatDoesNotAnswerShowsTheCoresSentence() {
        val port = Regex("""127\.0\.0\.1:(\d+)""").find(TestRelay.url)!!.groupValues[1]
        val closed = ServerSocket(0).use { it.localPort }
        val link = SharedStudy.link.replace("127.0.0.1:$port", "127.0.0.1:$closed")
        assertTrue("the link names the relay: ${SharedStudy.link}", link != SharedStudy.link)
        // what the core says for this link, asked directly on a vault of its own
        val expected = TestVault().use { other ->
            ReceiveScreen(other.vault, "en-US").use { s ->
                s.handle(ReceiveScreenEvent.SetLink(link))
                runCatching { s.receive(SharedStudy.PASSCODE, null).error }.getOrElse { patientMessage(it) }
            }
        }
        assertNotNull("the core refuses an unreachable relay", expected)
        openReceive(link)
        rule.waitUntil(60_000) {
            listOf("receive-error", "problem").any { rule.onAllNodesWithTag(it, useUnmergedTree = true).fetchSemanticsNodes().isNotEmpty() }
        }
        rule.waitForIdle()
        val shown = rule.onAllNodesWithTag("receive-error", useUnmergedTree = true).texts() + rule.onAllNodesWithTag("problem", useUnmergedTree = true).texts()
        assertEquals(listOf(expected), shown)
        rule.shoot("receive-relay-refused-phone-light")
        assertEquals("nothing was received", 0, tv.value.vault.studies().size)
    }
}
