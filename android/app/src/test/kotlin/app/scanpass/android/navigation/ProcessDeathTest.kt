// The system kills the app's process while the patient is on the viewer at a later slice, opened
// from a searched library: the saved state goes through a Parcel, the core's objects are dropped
// (the vault locked, as after a real restart), a new Activity shows the lock screen, and after the
// unlock it comes back to the same series at the same slice; back returns to the library. The
// saved state holds ids only: the search words (maybe a patient's name) are not in it. The same
// for appointment mode: after the restart and the unlock, the pinned study alone, the library
// still hidden.
package app.scanpass.android.navigation

import android.os.Bundle
import android.os.Parcel
import androidx.compose.ui.test.junit4.ComposeTestRule
import androidx.compose.ui.test.junit4.v2.createEmptyComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.scanpass.android.MainActivity
import app.scanpass.android.Samples
import app.scanpass.android.TestVault
import app.scanpass.android.deviceHasBiometrics
import app.scanpass.android.core.Session
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.screens.viewer.scrollDown
import app.scanpass.android.textsOf
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
import org.robolectric.android.controller.ActivityController
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
        tv = TestVault("SAG-anon", "pydicom/CT_small.dcm").chooseDeviceUnlock()
        deviceHasBiometrics()
        Session.install(tv.start)
    }

    @After fun tearDown() {
        Session.install(null)
        if (::tv.isInitialized) tv.close()
    }

    /** Save, kill (the Activity, Compose state and the core's objects), restore through a Parcel. */
    private fun kill(first: ActivityController<MainActivity>, mustNotContain: String?, mustContain: String): Bundle {
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
        assertTrue("the study's id is in the saved state", flat.contains(mustContain))
        if (mustNotContain != null) assertFalse("the search words are not in the saved state", flat.contains(mustNotContain))
        Session.install(null)
        Session.install(tv.reopen())
        return restored
    }

    /** The restarted app shows the lock screen first; the device's key store (the patient chose it) unlocks it. */
    private fun ComposeTestRule.unlock() {
        waitForTag("start-device")
        assertTrue(onAllNodesWithTag("viewer-image").fetchSemanticsNodes().isEmpty())
        onNodeWithTag("start-device").performClick()
    }

    @Test
    fun theViewerComesBackAtTheSameSliceAfterTheProcessIsKilled() {
        val view = LibraryScreen(tv.vault, "en-US").use { it.view() }
        val sag = view.patients.flatMap { it.studies }.first { it.counts.contains("192") }
        val patient = view.patients.first { p -> p.studies.any { it.id == sag.id } }
        val query = patient.name
        val narrowed = LibraryScreen(tv.vault, "en-US").use { it.handle(LibraryEvent.Search(query)) }

        val first = Robolectric.buildActivity(MainActivity::class.java).setup()
        rule.waitForTag("study")
        rule.onNodeWithTag("library-search").performTextInput(query)
        rule.waitForTag("study", narrowed.patients.sumOf { it.studies.size })
        val index = narrowed.patients.flatMap { it.studies }.indexOfFirst { it.id == sag.id }
        rule.onAllNodesWithTag("study")[index].performClick()
        rule.waitForTag("viewer-pixels")
        rule.scrollDown()
        val slice = rule.textsOf("viewer-slice").single()
        assertTrue(slice, slice != "Slice 1 of 192")

        val restored = kill(first, mustNotContain = query, mustContain = sag.id)
        val second = Robolectric.buildActivity(MainActivity::class.java).setup(restored)
        rule.unlock()
        rule.waitForTag("viewer-pixels")
        rule.waitUntil(20_000) { rule.textsOf("viewer-slice") == listOf(slice) }
        rule.shoot("viewer-phone-light-restored")

        // system back: the library, whole again (the search was not kept)
        second.get().onBackPressedDispatcher.onBackPressed()
        rule.waitForTag("library-search")
        rule.waitForTag("study", view.patients.sumOf { it.studies.size })
        second.pause().stop().destroy()
    }

    @Test
    fun appointmentModeComesBackWithTheLibraryStillHidden() {
        val view = LibraryScreen(tv.vault, "en-US").use { it.view() }
        val studies = view.patients.flatMap { it.studies }
        val sag = studies.first { it.counts.contains("192") }

        val first = Robolectric.buildActivity(MainActivity::class.java).setup()
        rule.waitForTag("study", studies.size)
        rule.onAllNodesWithTag("study")[studies.indexOf(sag)].performClick()
        rule.waitForTag("viewer-pixels")
        rule.onNodeWithTag("viewer-appointment").performClick()
        rule.waitForTag("appointment-banner")

        val restored = kill(first, mustNotContain = null, mustContain = sag.id)
        val second = Robolectric.buildActivity(MainActivity::class.java).setup(restored)
        rule.unlock()
        rule.waitForTag("appointment-banner")
        rule.waitForTag("viewer-pixels")
        assertTrue(rule.onAllNodesWithTag("library-search").fetchSemanticsNodes().isEmpty())
        second.get().onBackPressedDispatcher.onBackPressed()
        rule.waitForIdle()
        rule.waitForTag("appointment-banner")
        assertTrue(rule.onAllNodesWithTag("library-search").fetchSemanticsNodes().isEmpty())
        assertEquals(
            android.view.WindowManager.LayoutParams.FLAG_SECURE,
            second.get().window.attributes.flags and android.view.WindowManager.LayoutParams.FLAG_SECURE,
        )
        second.pause().stop().destroy()
    }
}
