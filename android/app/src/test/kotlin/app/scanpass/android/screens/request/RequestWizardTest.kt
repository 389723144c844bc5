// The request wizard through the real Activity and the real core: from the library's menu to the
// list and a new request; "next" with a missing field is refused and the screen shows the core's
// reason under that field; once filled, "next" goes on. The list then shows the draft.
package app.scanpass.android.screens.request

import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.scanpass.android.MainActivity
import app.scanpass.android.Shots
import app.scanpass.android.TestVault
import app.scanpass.android.screens.InstallTestVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.texts
import app.scanpass.android.waitForTag
import app.scanpass.ffi.RequestClock
import app.scanpass.ffi.RequestWizard
import app.scanpass.ffi.WizardEvent
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class RequestWizardTest {
    private val tv = lazy { TestVault("pydicom/CT_small.dcm") }
    @get:Rule(order = 0) val vault = InstallTestVault { RequestClocks.override = RequestClock.fixed("2026-12-01"); tv.value }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @After fun cleanUp() {
        RequestClocks.override = null
        if (tv.isInitialized()) tv.value.close()
    }

    /**
     * The EU's label on the first step, and what the core says when the provider step's name is
     * missing (on a vault of its own).
     */
    private fun expected(): Pair<String, String> = TestVault().use { other ->
        RequestWizard(other.vault, "en-US", RequestClock.fixed("2026-12-01")).use { w ->
            val eu = w.view().fields.single { it.id == "jurisdiction" }.choices.single { it.code == "EU" }.label
            w.handle(WizardEvent.Choose("jurisdiction", "EU"))
            w.handle(WizardEvent.Next)
            w.handle(WizardEvent.SetText("provider.email", "records@example.org"))
            val v = w.handle(WizardEvent.Next)
            assertEquals("provider", v.step)
            assertNotNull(v.fields.single { it.id == "provider.name" }.error)
            eu to v.fields.single { it.id == "provider.name" }.error!!
        }
    }

    @Test
    fun nextIsRefusedWithAMissingFieldAndShowsWhy() {
        val (eu, why) = expected()
        rule.waitForTag("menu")
        rule.onNodeWithTag("menu").performClick()
        rule.onNodeWithTag("menu-requests").performClick()
        rule.waitForTag("requests-new")
        rule.assertEveryControlLabelled("requests")
        rule.onNodeWithTag("requests-new").performClick()

        // jurisdiction: the EU, then next
        rule.waitForTag("field-jurisdiction")
        rule.assertEveryControlLabelled("wizard, first step")
        rule.onNode(hasTestTag("field-choice") and hasText(eu)).performClick()
        rule.waitForIdle()
        rule.onNodeWithTag("wizard-next").performClick()

        // provider: the e-mail only, then next: refused, the name's error shown
        rule.waitForTag("field-provider.email")
        rule.onNodeWithTag("field-provider.email").performTextInput("records@example.org")
        rule.waitForIdle()
        rule.onNodeWithTag("wizard-next").performClick()
        rule.waitForTag("field-error")
        assertEquals(listOf(why), rule.onAllNodesWithTag("field-error", useUnmergedTree = true).texts())
        rule.onNodeWithTag("field-provider.email").assertExists()
        val bmp = rule.onRoot().captureToImage().asAndroidBitmap()
        Shots.assertNotBlank(bmp, "request-wizard-refused-phone-light")
        Shots.save(bmp, "request-wizard-refused-phone-light")
        rule.assertEveryControlLabelled("wizard with a field error")

        // filled: next goes on to the patient step
        rule.onNodeWithTag("field-provider.name").performTextInput("Klinikum Beispiel")
        rule.waitForIdle()
        rule.onNodeWithTag("wizard-next").performClick()
        rule.waitForTag("field-patient.name")
        rule.waitForTag("field-error", 0)

        // back to the list: the draft is there
        rule.onNodeWithTag("back").performClick()
        rule.waitForTag("request", 1)
    }
}
