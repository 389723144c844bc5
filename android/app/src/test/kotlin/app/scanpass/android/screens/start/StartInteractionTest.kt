// The start and lock screen on the real Activity and the real core: a wrong passphrase shows the
// core's words and the tries left; the library shows only once the model says unlocked; creating
// refuses a weak passphrase with the core's reason, then opens an empty library; the lock button
// brings the lock screen back; every control has a label.
package app.scanpass.android.screens.start

import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import app.scanpass.android.InstallStart
import app.scanpass.android.MainActivity
import app.scanpass.android.PASSPHRASE
import app.scanpass.android.Samples
import app.scanpass.android.TestVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.deviceHasBiometrics
import app.scanpass.android.core.Session
import app.scanpass.android.emptyStart
import app.scanpass.android.textsOf
import app.scanpass.android.waitForTag
import app.scanpass.ffi.StartEvent
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
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
class StartLockInteractionTest {
    private val tv = lazy { Samples.require(); TestVault("pydicom/CT_small.dcm") }
    @get:Rule(order = 0) val start = InstallStart { deviceHasBiometrics(); tv.value.lockedStart() }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @After fun closeVault() { if (tv.isInitialized()) tv.value.close() }

    @Test
    fun wrongPassphraseShowsTheTriesLeftThenTheRightOneOpensTheLibrary() {
        // the core's own words for the same mistake, from a model of its own
        val expected = tv.value.lockedStart().use { s -> s.handle(StartEvent.Unlock("wrong horse battery")) }
        assertEquals(4u, expected.attemptsLeft)

        rule.waitForTag("start-submit")
        assertNull("locked: no vault for the screens", Session.current())
        assertTrue(rule.onAllNodesWithTag("library-search").fetchSemanticsNodes().isEmpty())
        rule.assertEveryControlLabelled("the lock screen")
        rule.onNodeWithTag("start-passphrase").performTextInput("wrong horse battery")
        rule.onNodeWithTag("start-submit").performClick()
        rule.waitForTag("start-feedback")
        val shown = rule.textsOf("start-feedback").single()
        assertTrue("the core's feedback: $shown", shown.contains(expected.feedback!!))
        assertTrue("the tries left: $shown", shown.contains("4 tries left"))
        assertTrue(rule.onAllNodesWithTag("library-search").fetchSemanticsNodes().isEmpty())

        rule.onNodeWithTag("start-passphrase").performTextInput(PASSPHRASE)
        rule.onNodeWithTag("start-submit").performClick()
        rule.waitForTag("study", 1)
        assertTrue("unlocked: the vault is the screens'", Session.current() != null)

        // lock: the lock screen again, nothing of the library
        rule.onNodeWithTag("start-lock").performClick()
        rule.waitForTag("start-submit")
        assertTrue(rule.onAllNodesWithTag("study").fetchSemanticsNodes().isEmpty())
        assertNull(Session.current())
    }

    @Test
    fun withoutThePatientsChoiceThereIsNoDeviceButton() {
        rule.waitForTag("start-submit")
        rule.waitForIdle()
        assertTrue(rule.onAllNodesWithTag("start-device").fetchSemanticsNodes().isEmpty())
    }

    @Test
    fun theDeviceKeyStoreUnlocksOnceChosen() {
        tv.value.chooseDeviceUnlock()
        // the lock screen's next tick (5 s) brings the core's new view
        rule.waitForTag("start-device")
        rule.onNodeWithTag("start-device").performClick()
        rule.waitForTag("study", 1)
    }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class StartCreateInteractionTest {
    private val made = lazy { emptyStart() }
    @get:Rule(order = 0) val start = InstallStart { made.value.first }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @After fun cleanUp() { if (made.isInitialized()) made.value.second.deleteRecursively() }

    @Test
    fun aWeakPassphraseIsRefusedWithTheCoresReasonThenAGoodOneCreatesTheVault() {
        rule.waitForTag("start-confirm")
        rule.assertEveryControlLabelled("the creation form")
        rule.onNodeWithTag("start-passphrase").performTextInput("blue harbour")
        rule.onNodeWithTag("start-confirm").performTextInput("blue harbour")
        rule.onNodeWithTag("start-submit").performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(hasText("too easy to guess", substring = true)).fetchSemanticsNodes().isNotEmpty() }
        assertTrue(rule.onAllNodesWithTag("library-search").fetchSemanticsNodes().isEmpty())

        rule.onNodeWithTag("start-passphrase").performTextReplacement(PASSPHRASE)
        rule.onNodeWithTag("start-confirm").performTextReplacement(PASSPHRASE)
        rule.onNodeWithTag("start-submit").performClick()
        rule.waitForTag("library-empty")
    }
}
