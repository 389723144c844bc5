// An incoming link: the manifest's intent filter takes a relay's /s/ links (and not other web
// pages), and a VIEW intent with one opens the receive screen with the link in its field, as the
// core read it (the core's passcode prompt or no error for a well-formed link).
package app.scanpass.android.screens.receive

import android.content.Intent
import android.net.Uri
import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.junit4.v2.createEmptyComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onRoot
import androidx.test.core.app.ActivityScenario
import androidx.test.core.app.ApplicationProvider
import app.scanpass.android.MainActivity
import app.scanpass.android.Shots
import app.scanpass.android.TestVault
import app.scanpass.android.screens.InstallTestVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.waitForTag
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class IncomingLinkTest {
    private val tv = lazy { TestVault() }
    @get:Rule(order = 0) val vault = InstallTestVault { tv.value }
    @get:Rule(order = 1) val rule = createEmptyComposeRule()

    private val link = "https://relay.example.org/s/AbCdEfGh12345678#" + "A".repeat(43)

    @After fun closeVault() { if (tv.isInitialized()) tv.value.close() }

    @Test
    fun theManifestTakesRelayLinksOnly() {
        val pm = ApplicationProvider.getApplicationContext<android.content.Context>().packageManager
        fun ours(url: String) = pm.queryIntentActivities(
            Intent(Intent.ACTION_VIEW, Uri.parse(url)).addCategory(Intent.CATEGORY_BROWSABLE), 0,
        ).any { it.activityInfo.name == MainActivity::class.java.name }
        assertTrue("a relay's /s/ link", ours(link))
        assertTrue("another relay's /s/ link", ours("https://scanpass.example.net/s/Xy12#" + "B".repeat(43)))
        assertTrue("a viewer link", ours("https://view.scanpass.example/0.1.0/#relay.example.org/AbCd/" + "C".repeat(43)))
        assertTrue("not any web page", !ours("https://example.org/news/today"))
    }

    @Test
    fun aViewIntentOpensTheReceiveScreen() {
        val intent = Intent(Intent.ACTION_VIEW, Uri.parse(link))
            .setClassName(ApplicationProvider.getApplicationContext<android.content.Context>(), MainActivity::class.java.name)
        ActivityScenario.launch<MainActivity>(intent).use {
            rule.waitForTag("receive-link")
            rule.waitForIdle()
            val field = rule.onAllNodesWithTag("receive-link").fetchSemanticsNodes().single()
            assertEquals(link, field.config.getOrNull(SemanticsProperties.EditableText)?.text)
            val bmp = rule.onRoot().captureToImage().asAndroidBitmap()
            Shots.assertNotBlank(bmp, "receive-incoming-link-phone-light")
            Shots.save(bmp, "receive-incoming-link-phone-light")
            rule.assertEveryControlLabelled("receive")
        }
    }
}
