// The system kills the app's process while the patient is on a study opened from a searched
// library: the saved state goes through a Parcel, the core's objects are dropped and the vault
// reopened, and a new Activity comes back to the same study; back returns to the library. The
// saved state holds ids only: the search words (maybe a patient's name) are not in it, so the
// library comes back unsearched, and the test checks the Bundle for them.
package app.scanpass.android.navigation

import android.os.Bundle
import android.os.Parcel
import androidx.compose.ui.test.junit4.v2.createEmptyComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.scanpass.android.MainActivity
import app.scanpass.android.Samples
import app.scanpass.android.Shots
import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.onRoot
import app.scanpass.android.TestVault
import app.scanpass.android.core.Session
import app.scanpass.android.texts
import app.scanpass.android.waitForTag
import app.scanpass.ffi.LibraryEvent
import app.scanpass.ffi.LibraryScreen
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ProcessDeathTest {
    @get:Rule val rule = createEmptyComposeRule()
    private lateinit var tv: TestVault

    @Before fun setUp() {
        Samples.require()
        tv = TestVault("pydicom/CT_small.dcm", "pydicom/MR_small.dcm")
        Session.install(tv.vault)
    }

    @After fun tearDown() {
        Session.install(null)
        if (::tv.isInitialized) tv.close()
    }

    @Test
    fun restoresTheSameScreenAfterTheProcessIsKilled() {
        val view = LibraryScreen(tv.vault, "en-US").use { it.view() }
        val patient = view.patients.first()
        val study = patient.studies.first()
        val query = patient.name
        val narrowed = LibraryScreen(tv.vault, "en-US").use { it.handle(LibraryEvent.Search(query)) }
        val narrowedCount = narrowed.patients.sumOf { it.studies.size }

        val first = Robolectric.buildActivity(MainActivity::class.java).setup()
        rule.waitForTag("study")
        rule.onNodeWithTag("library-search").performTextInput(query)
        rule.waitForTag("study", narrowedCount)
        // open the study whose title is the first card's (the core keeps the order)
        rule.onAllNodesWithTag("study")[0].performClick()
        rule.waitForTag("study-title")
        assertEquals(listOf(study.title), rule.onAllNodesWithTag("study-title", useUnmergedTree = true).texts())

        // the system saves the state, kills the process: Activity, Compose state, the core's objects
        val saved = Bundle()
        first.saveInstanceState(saved)
        first.pause().stop().destroy()
        val parcel = Parcel.obtain()
        val restored = try {
            saved.writeToParcel(parcel, 0)
            parcel.setDataPosition(0)
            Bundle.CREATOR.createFromParcel(parcel).also { it.classLoader = MainActivity::class.java.classLoader }
        } finally {
            parcel.recycle()
        }
        // ids only: neither the typed search nor any of the core's display text was saved
        val flat = StringBuilder()
        fun walk(v: Any?) {
            when (v) {
                is Bundle -> for (k in v.keySet()) { flat.append(k).append('\n'); @Suppress("DEPRECATION") walk(v.get(k)) }
                is Map<*, *> -> v.forEach { (k, x) -> walk(k); walk(x) }
                is Iterable<*> -> v.forEach { walk(it) }
                is Array<*> -> v.forEach { walk(it) }
                else -> flat.append(v).append('\n')
            }
        }
        walk(restored)
        assertTrue("the study's id is in the saved state", flat.contains(study.id))
        assertFalse("the search words are not in the saved state", flat.contains(query))
        Session.install(null)
        Session.install(tv.reopen())

        val second = Robolectric.buildActivity(MainActivity::class.java).setup(restored)
        rule.waitForTag("study-title")
        assertEquals(listOf(study.title), rule.onAllNodesWithTag("study-title", useUnmergedTree = true).texts())
        assertTrue(rule.onAllNodesWithTag("library-search").fetchSemanticsNodes().isEmpty())
        rule.waitForTag("series-thumbnail")
        rule.waitForIdle()
        val shot = rule.onRoot().captureToImage().asAndroidBitmap()
        Shots.assertNotBlank(shot, "study-phone-light-restored")
        Shots.save(shot, "study-phone-light-restored")

        // system back: the library, whole again
        second.get().onBackPressedDispatcher.onBackPressed()
        rule.waitForTag("library-search")
        rule.waitForTag("study", view.patients.sumOf { it.studies.size })
        second.pause().stop().destroy()
    }
}
