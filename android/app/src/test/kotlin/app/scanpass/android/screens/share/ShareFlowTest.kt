// A share through the real Activity, the real core and a real scanpass-relay on loopback: from
// the library's share button, the core refuses the form without a passcode (the field's error
// shown), takes the suggested one, uploads, and shows the link and its QR code; the QR code as
// drawn on screen decodes (ZXing) back to the link; "send" opens the Android share sheet with the
// core's message; my shares lists the share and revokes it behind the core's confirmation.
package app.scanpass.android.screens.share

import android.content.Intent
import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.isDialog
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.hasTestTag
import app.scanpass.android.MainActivity
import app.scanpass.android.Shots
import app.scanpass.android.TestVault
import app.scanpass.android.screens.InstallTestVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.screens.useTestRelay
import app.scanpass.android.texts
import app.scanpass.android.waitForTag
import app.scanpass.ffi.MySharesScreen
import app.scanpass.ffi.ShareStatus
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ShareFlowTest {
    private val tv = lazy { TestVault("pydicom/CT_small.dcm").also { useTestRelay(it) } }
    @get:Rule(order = 0) val vault = InstallTestVault { tv.value }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @After fun closeVault() { if (tv.isInitialized()) tv.value.close() }

    private fun scrollTo(tag: String) {
        rule.onNodeWithTag("share").performScrollToNode(hasTestTag(tag))
    }

    @Test
    fun aShareProducesALinkAndItsQrCode() {
        rule.waitForTag("study-share")
        rule.onNodeWithTag("study-share").performClick()
        rule.waitForTag("share-study")
        rule.assertEveryControlLabelled("share form")

        // the core refuses the form: the passcode is on and empty
        scrollTo("share-submit")
        rule.onNodeWithTag("share-submit").performClick()
        rule.waitForTag("share-passcode-error")
        assertTrue(rule.onAllNodesWithTag("share-result").fetchSemanticsNodes().isEmpty())

        scrollTo("share-passcode-suggest")
        rule.onNodeWithTag("share-passcode-suggest").performClick()
        rule.waitForTag("share-passcode-hint")
        scrollTo("share-submit")
        rule.onNodeWithTag("share-submit").performClick()
        rule.waitForTag("share-result", timeoutMs = 60_000)
        rule.waitForIdle()

        val link = rule.onAllNodesWithTag("share-link").texts().single()
        assertTrue("a viewer link: $link", link.startsWith("https://") && link.contains("#"))
        // the QR code as drawn on the screen reads back as the link
        val qr = rule.onNodeWithTag("share-qr").captureToImage().asAndroidBitmap()
        assertEquals(link, QrCode.decode(qr))
        val bmp = rule.onRoot().captureToImage().asAndroidBitmap()
        Shots.assertNotBlank(bmp, "share-link-flow-phone-light")
        Shots.save(bmp, "share-link-flow-phone-light")
        rule.assertEveryControlLabelled("share result")

        // the share sheet, with the core's message (the link in it)
        rule.onNodeWithTag("share-send").performClick()
        val chooser = shadowOf(rule.activity).nextStartedActivity
        assertEquals(Intent.ACTION_CHOOSER, chooser.action)
        @Suppress("DEPRECATION")
        val send = chooser.getParcelableExtra<Intent>(Intent.EXTRA_INTENT)!!
        assertEquals(Intent.ACTION_SEND, send.action)
        assertTrue(send.getStringExtra(Intent.EXTRA_TEXT)!!.contains(link))

        // full screen, then closed
        rule.onNodeWithTag("share-show-qr").performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(isDialog()).fetchSemanticsNodes().isNotEmpty() }
        val full = rule.onAllNodes(isDialog())[0].captureToImage().asAndroidBitmap()
        assertEquals(link, QrCode.decode(full))
        rule.onNodeWithTag("share-qr-close").performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(isDialog()).fetchSemanticsNodes().isEmpty() }

        // my shares: listed, then revoked once confirmed
        rule.onNodeWithTag("back").performClick()
        rule.waitForTag("menu")
        rule.onNodeWithTag("menu").performClick()
        rule.onNodeWithTag("menu-my-shares").performClick()
        rule.waitForTag("share-card", 1)
        rule.assertEveryControlLabelled("my shares")
        rule.onNodeWithTag("share-revoke").performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(isDialog()).fetchSemanticsNodes().isNotEmpty() }
        rule.onNodeWithTag("confirm").performClick()
        rule.waitForTag("share-revoke", 0, timeoutMs = 30_000)
        val after = MySharesScreen(tv.value.vault, "en-US").use { it.view() }
        assertEquals(ShareStatus.REVOKED, after.shares.single().status)
    }
}
