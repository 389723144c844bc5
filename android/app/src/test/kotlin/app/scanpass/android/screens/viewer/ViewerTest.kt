// The viewer on the real Activity and the real core, over a real 192-slice MR series (SAG-anon):
// screenshots (phone and tablet, light and dark, font scale 1 and 2) at a middle slice with the
// overlay and a measurement; one finger scrolls the slices, a window drag changes the window, a
// measurement shows millimetres (the core's words), FLAG_SECURE is on while images show, memory
// pressure reaches the core, every control has a label.
package app.scanpass.android.screens.viewer

import android.view.WindowManager
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.isSelected
import androidx.compose.ui.test.junit4.ComposeTestRule
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTouchInput
import androidx.compose.ui.test.swipeDown
import androidx.compose.ui.test.swipeRight
import androidx.compose.ui.test.swipe
import androidx.compose.ui.geometry.Offset
import app.scanpass.android.InstallVault
import app.scanpass.android.MainActivity
import app.scanpass.android.TestVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.platform.MemoryPressure
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.textsOf
import app.scanpass.android.waitForTag
import app.scanpass.ffi.ViewerScreen
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/** One vault holding the SAG-anon series (192 MR slices, calibrated), shared (read only). */
object ViewerVault {
    val tv by lazy { TestVault("SAG-anon") }
}

private const val PHONE = "w360dp-h800dp-xhdpi"
private const val PHONE_DARK = "w360dp-h800dp-night-xhdpi"
private const val TABLET = "w800dp-h1280dp-hdpi"
private const val TABLET_DARK = "w800dp-h1280dp-night-hdpi"

/** From the library (one study) into the viewer; waits for the first rendered slice. */
fun ComposeTestRule.openViewer() {
    waitForTag("study", 1)
    onAllNodesWithTag("study")[0].performClick()
    waitForTag("viewer-pixels")
    waitForTag("viewer-slice")
}

private fun ComposeTestRule.sliceText() = textsOf("viewer-slice").single()

fun ComposeTestRule.scrollDown() {
    val before = sliceText()
    onNodeWithTag("viewer-image").performTouchInput { swipeDown(startY = centerY - height / 4f, endY = centerY + height / 4f, durationMillis = 300) }
    waitUntil(20_000) { sliceText() != before }
}

/** Chooses the one-finger tool and waits for the core's view to say it is chosen. */
fun ComposeTestRule.chooseTool(tag: String) {
    onNodeWithTag(tag).performClick()
    waitUntil(20_000) { onAllNodes(hasTestTag(tag) and isSelected()).fetchSemanticsNodes().isNotEmpty() }
}

fun ComposeTestRule.measure() {
    chooseTool("viewer-tool-measure")
    onNodeWithTag("viewer-image").performTouchInput {
        swipe(Offset(centerX - width / 4f, centerY), Offset(centerX + width / 4f, centerY + height / 8f), durationMillis = 300)
    }
    waitForTag("viewer-measurement")
    // the core answers on its own threads: the first length shown may be the drag's first step
    // (seen on a loaded machine); wait until the shown length has stopped changing
    var last = ""
    var since = System.nanoTime()
    waitUntil(20_000) {
        val now = textsOf("viewer-measurement").joinToString()
        if (now != last) {
            last = now
            since = System.nanoTime()
        }
        System.nanoTime() - since > 700_000_000L
    }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ViewerScreenshotTest {
    @get:Rule(order = 0) val vault = InstallVault { ViewerVault.tv }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    private fun shoot(name: String) {
        rule.openViewer()
        rule.scrollDown()
        rule.measure()
        rule.waitForTag("overlay-window")
        rule.shoot(name)
    }

    @Test @Config(qualifiers = PHONE) fun phone_light() = shoot("viewer-phone-light")
    @Test @Config(qualifiers = PHONE_DARK) fun phone_dark() = shoot("viewer-phone-dark")
    @Test @Config(qualifiers = PHONE, fontScale = 2.0f) fun phone_light_font2() = shoot("viewer-phone-light-font2")
    @Test @Config(qualifiers = PHONE_DARK, fontScale = 2.0f) fun phone_dark_font2() = shoot("viewer-phone-dark-font2")
    @Test @Config(qualifiers = TABLET) fun tablet_light() = shoot("viewer-tablet-light")
    @Test @Config(qualifiers = TABLET_DARK) fun tablet_dark() = shoot("viewer-tablet-dark")
    @Test @Config(qualifiers = TABLET, fontScale = 2.0f) fun tablet_light_font2() = shoot("viewer-tablet-light-font2")
    @Test @Config(qualifiers = TABLET_DARK, fontScale = 2.0f) fun tablet_dark_font2() = shoot("viewer-tablet-dark-font2")
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = PHONE)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ViewerInteractionTest {
    @get:Rule(order = 0) val vault = InstallVault { ViewerVault.tv }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    private fun coreView() = ViewerVault.tv.vault.let { v ->
        val series = v.series(v.studies().single().id).single().id
        ViewerScreen(v, series, "en-US").use { it.view() }
    }

    @Test
    fun oneFingerScrollsTheSlices() {
        rule.openViewer()
        val first = coreView()
        assertEquals(listOf(first.sliceText), rule.textsOf("viewer-slice"))
        rule.scrollDown()
        val now = rule.textsOf("viewer-slice").single()
        assertNotEquals(first.sliceText, now)
        assertTrue("a later slice of ${first.sliceCount}: $now", Regex("""Slice (\d+) of 192""").matchEntire(now)!!.groupValues[1].toInt() > 1)
    }

    @Test
    fun aWindowDragChangesTheWindow() {
        rule.openViewer()
        rule.waitForTag("viewer-window")
        val before = rule.textsOf("viewer-window").single()
        rule.chooseTool("viewer-tool-window")
        rule.onNodeWithTag("viewer-image").performTouchInput { swipeRight(startX = left + 10f, endX = right - 10f, durationMillis = 300) }
        rule.waitUntil(20_000) { rule.textsOf("viewer-window").single() != before }
        // the core's word for a window of the patient's own
        assertTrue(rule.textsOf("viewer-window").single().endsWith("Custom"))
        // the overlay and the controls say the same window once the drag's last event is drawn
        // (read while events still arrive, they may be one view apart)
        rule.waitForIdle()
        rule.waitUntil(20_000) {
            rule.textsOf("viewer-window").single().substringBefore(" · Custom") == rule.textsOf("overlay-window").single()
        }
        assertEquals(rule.textsOf("viewer-window").single().substringBefore(" · Custom"), rule.textsOf("overlay-window").single())
    }

    @Test
    fun aMeasurementShowsMillimetres() {
        rule.openViewer()
        rule.measure()
        val text = rule.textsOf("viewer-measurement").single()
        assertTrue("a length in mm: $text", Regex("""\d+(\.\d)? mm""").matches(text))
        // the drag crosses half the image's width: about 114 mm of this 220 mm field of view
        assertTrue("the whole drag was measured: $text", text.removeSuffix(" mm").toDouble() > 80.0)
        assertTrue(rule.textsOf("viewer-calibration").single().isNotBlank())
    }

    @Test
    fun flagSecureWhileImagesShowAndOffInTheLibrary() {
        val flags = { rule.activity.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE }
        rule.waitForTag("study", 1)
        assertEquals(0, flags())
        rule.openViewer()
        assertEquals(WindowManager.LayoutParams.FLAG_SECURE, flags())
        // memory pressure reaches the core's viewer, which keeps the slice on screen
        MemoryPressure.notifyNow()
        rule.scrollDown()
        rule.assertEveryControlLabelled("the viewer")
        rule.activity.onBackPressedDispatcher.onBackPressed()
        rule.waitForTag("library-search")
        rule.waitForIdle()
        assertEquals(0, flags())
    }
}
