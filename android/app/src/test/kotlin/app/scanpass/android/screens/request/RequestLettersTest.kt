// The request's letter saved from the wizard, and the list's mark actions and letters, through the
// real Activity and the real core. A draft is filled up to its review by the core (the wizard's
// field-by-field path is RequestWizardTest's); here the list resumes it, the wizard generates the
// letter and saves it where the system's "save as" (ACTION_CREATE_DOCUMENT, answered as the system
// would, with a file) says; then the list's "mark sent" moves the request on as the core says, and
// its letter is saved too. Both files are PDFs.
package app.scanpass.android.screens.request

import android.app.Activity
import android.content.Intent
import android.net.Uri
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import app.scanpass.android.MainActivity
import app.scanpass.android.TestVault
import app.scanpass.android.screens.InstallTestVault
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.waitForTag
import app.scanpass.ffi.RequestAction
import app.scanpass.ffi.RequestClock
import app.scanpass.ffi.RequestWizard
import app.scanpass.ffi.RequestsScreen
import app.scanpass.ffi.WizardEvent
import java.io.File
import java.nio.file.Files
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
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
class RequestLettersTest {
    private val clock = RequestClock.fixed("2026-12-01")
    private val tv = lazy { TestVault("pydicom/CT_small.dcm").also { draftToReview(it) } }
    @get:Rule(order = 0) val vault = InstallTestVault { RequestClocks.override = clock; tv.value }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()
    private val out: File = Files.createTempDirectory("scanpass-android-letters").toFile()

    @After fun cleanUp() {
        RequestClocks.override = null
        out.deleteRecursively()
        if (tv.isInitialized()) tv.value.close()
    }

    /** A request filled by the core up to its review (saved as a draft at each step). */
    private fun draftToReview(t: TestVault) {
        RequestWizard(t.vault, "en-US", clock).use { w ->
            w.handle(WizardEvent.Choose("jurisdiction", "EU")); w.handle(WizardEvent.Next)
            w.handle(WizardEvent.SetText("provider.name", "Klinikum Beispiel"))
            w.handle(WizardEvent.SetText("provider.email", "records@example.org")); w.handle(WizardEvent.Next)
            w.handle(WizardEvent.SetText("patient.name", "Erika Testperson"))
            w.handle(WizardEvent.SetText("patient.date_of_birth", "1964-08-12"))
            w.handle(WizardEvent.SetText("patient.email", "erika@example.net")); w.handle(WizardEvent.Next)
            w.handle(WizardEvent.SetToggle("studies.all", true)); w.handle(WizardEvent.Next)
            w.handle(WizardEvent.Choose("format", "dicom-download")); w.handle(WizardEvent.Next)
            w.handle(WizardEvent.Choose("deliver_to", "patient"))
            assertEquals("review", w.handle(WizardEvent.Next).step)
        }
    }

    private fun item() = RequestsScreen(tv.value.vault, "en-US", clock).use { it.view().items.single() }

    /** Answers the "save as" the screen started with a file of [out] named [name]; returns it once written. */
    private fun saveAs(name: String): File {
        rule.waitForIdle()
        val started = shadowOf(rule.activity).nextStartedActivityForResult
        assertEquals(Intent.ACTION_CREATE_DOCUMENT, started.intent.action)
        assertEquals("application/pdf", started.intent.type)
        val file = File(out, name)
        shadowOf(rule.activity).receiveResult(started.intent, Activity.RESULT_OK, Intent().setData(Uri.fromFile(file)))
        rule.waitUntil(30_000) { file.length() > 4 }
        return file
    }


    @Test
    fun theWizardSavesItsLetterAndTheListMarksItSent() {
        val draft = item()
        val resume = draft.actions.single { it.action == RequestAction.RESUME }.label
        rule.waitForTag("menu")
        rule.onNodeWithTag("menu").performClick()
        rule.onNodeWithTag("menu-requests").performClick()
        rule.waitForTag("request", 1)
        rule.onNode(hasTestTag("request-action") and hasText(resume)).performClick()

        // the review, then the letter, saved as a PDF
        rule.waitForTag("wizard-review")
        rule.onNodeWithTag("wizard").performScrollToNode(hasTestTag("wizard-generate"))
        rule.onNodeWithTag("wizard-generate").performClick()
        rule.waitForTag("wizard-save-letter")
        rule.shoot("request-wizard-letter-phone-light")
        rule.onNodeWithTag("wizard-save-letter").performClick()
        val letter = saveAs("request.pdf")
        assertEquals("%PDF", letter.readBytes().copyOfRange(0, 4).toString(Charsets.US_ASCII))

        // the list: mark sent, as the core offers it
        rule.onNodeWithTag("back").performClick()
        rule.waitForTag("request", 1)
        val ready = item()
        val markSent = ready.actions.single { it.action == RequestAction.MARK_SENT }.label
        rule.onNode(hasTestTag("request-action") and hasText(markSent)).performClick()
        rule.waitUntil(20_000) { item().state != ready.state }
        val sent = item()
        assertNotEquals(ready.state, sent.state)
        rule.waitUntil(20_000) { rule.onAllNodes(hasText(sent.stateLabel)).fetchSemanticsNodes().isNotEmpty() }
        sent.sent?.let { s -> rule.waitUntil(20_000) { rule.onAllNodes(hasText(s)).fetchSemanticsNodes().isNotEmpty() } }
        rule.shoot("requests-marked-sent-phone-light")

        // one of the list's letters, saved
        val first = sent.letters.first()
        rule.onNode(hasTestTag("request-letter") and hasText(first.label)).performClick()
        val again = saveAs("letter.pdf")
        assertEquals("%PDF", again.readBytes().copyOfRange(0, 4).toString(Charsets.US_ASCII))
    }
}
