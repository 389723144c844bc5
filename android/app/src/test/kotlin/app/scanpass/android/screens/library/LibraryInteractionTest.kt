// The library screen driven through its controls on the real Activity and the real core:
// search narrows the list, delete asks first and deletes only once confirmed, every clickable
// control has a label TalkBack can read.
package app.scanpass.android.screens.library

import androidx.compose.ui.test.hasSetTextAction
import androidx.compose.ui.test.hasText
import androidx.compose.ui.test.isDialog
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.scanpass.android.InstallVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.MainActivity
import app.scanpass.android.Samples
import app.scanpass.android.TestVault
import app.scanpass.android.texts
import app.scanpass.android.waitForTag
import app.scanpass.ffi.CancelHandle
import app.scanpass.ffi.LibraryEvent
import app.scanpass.ffi.LibraryScreen
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

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class LibraryInteractionTest {
    // a fresh vault per test: the delete tests change it
    private val tv = lazy { TestVault("pydicom/CT_small.dcm", "pydicom/MR_small.dcm", "pydicom/JPEG2000.dcm") }
    @get:Rule(order = 0) val vault = InstallVault { tv.value }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @After fun closeVault() { if (tv.isInitialized()) tv.value.close() }

    /** The core's own view, for comparing with what the screen shows. */
    private fun coreView(vararg events: LibraryEvent) = LibraryScreen(tv.value.vault, "en-US").use { s ->
        var v = s.view()
        for (e in events) v = s.handle(e)
        v
    }

    @Test
    fun searchNarrowsTheList() {
        val all = coreView()
        val total = all.patients.sumOf { it.studies.size }
        assertTrue("the test vault should hold two patients or more", all.patients.size >= 2)
        rule.waitForTag("study", total)

        val name = all.patients.first().name
        val expected = coreView(LibraryEvent.Search(name))
        val shown = expected.patients.sumOf { it.studies.size }
        assertTrue("searching one patient's name must leave fewer studies", shown < total)

        rule.onNodeWithTag("library-search").performTextInput(name)
        rule.waitForTag("study", shown)
        assertEquals(expected.patients.size, rule.onAllNodesWithTag("patient").fetchSemanticsNodes().size)
        // the patient's card (not the search field, which holds the same words)
        rule.onNode(hasText(name) and !hasSetTextAction()).assertExists()

        // nothing matches: the core's sentence replaces the list
        rule.onNodeWithTag("library-search").performTextInput("zzzz-no-such-thing")
        rule.waitForTag("library-empty")
        rule.waitForTag("study", 0)
        val empty = coreView(LibraryEvent.Search(name + "zzzz-no-such-thing")).empty
        assertNotNull(empty)
        assertEquals(listOf(empty), rule.onAllNodesWithTag("library-empty").texts())
    }

    @Test
    fun aStudyStoredElsewhereAppearsWithoutATouch() {
        val before = coreView().patients.sumOf { it.studies.size }
        rule.waitForTag("study", before)
        // an import finishing off this screen (a receive, a link) while the library is shown:
        // the core's change listener, not a touch, brings the new study
        val summary = CancelHandle().use { c ->
            tv.value.vault.importFrom(listOf(Samples.source("pydicom/SC_rgb_dcmtk_+eb+cr.dcm")), null, c)
        }
        assertEquals(1u, summary.instancesAdded)
        rule.waitForTag("study", before + 1)
        assertEquals(before + 1, coreView().patients.sumOf { it.studies.size })
    }

    @Test
    fun deleteAsksThenDeletesOnlyWhenConfirmed() {
        val before = tv.value.vault.studies().size
        rule.waitForTag("study", before)

        // ask, then cancel: nothing is deleted
        rule.onAllNodesWithTag("study-delete")[0].performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(isDialog()).fetchSemanticsNodes().isNotEmpty() }
        rule.onNodeWithTag("cancel").performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(isDialog()).fetchSemanticsNodes().isEmpty() }
        assertEquals(before, tv.value.vault.studies().size)

        // ask again: the dialog says what the core says for this study
        val first = coreView().patients.first().studies.first()
        val confirm = coreView(LibraryEvent.AskDelete(first.id)).confirm!!
        rule.onAllNodesWithTag("study-delete")[0].performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(isDialog()).fetchSemanticsNodes().isNotEmpty() }
        rule.onNodeWithText(confirm.title).assertExistsCompat()
        rule.onNodeWithText(confirm.message).assertExistsCompat()
        assertEquals(before, tv.value.vault.studies().size)

        rule.onNodeWithTag("confirm").performClick()
        rule.waitForTag("study", before - 1)
        assertEquals(before - 1, tv.value.vault.studies().size)
        assertTrue("the deleted study is gone", tv.value.vault.studies().none { it.id == first.id })
    }

    @Test
    fun everyClickableControlHasALabel() {
        rule.waitForTag("study")
        rule.assertEveryControlLabelled("library")
        rule.onAllNodesWithTag("study-delete")[0].performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(isDialog()).fetchSemanticsNodes().isNotEmpty() }
        rule.assertEveryControlLabelled("library with the delete confirmation")
    }
}

private fun androidx.compose.ui.test.SemanticsNodeInteraction.assertExistsCompat() {
    assertExists()
}
