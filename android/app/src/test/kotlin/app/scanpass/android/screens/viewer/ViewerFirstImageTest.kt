// The first image at the view's size (the core's `renderForView`) on a real JPEG 2000 radiograph
// large enough to be decoded smaller (WG-04 RG3_J2KR, 1760 x 1760): the presenter shows the reduced
// image first and then, as the core's view says `refine`, the full one; and a measurement made
// while the reduced image shows lands on the same image pixels, hence the same length, as on
// the full image (the image is placed by the core's image size, never the bitmap's).
package app.scanpass.android.screens.viewer

import androidx.activity.compose.setContent
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.graphics.asImageBitmap
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.performTouchInput
import androidx.compose.ui.test.swipe
import app.scanpass.android.InstallVault
import app.scanpass.android.MainActivity
import app.scanpass.android.Shots
import app.scanpass.android.TestVault
import app.scanpass.android.design.ScanpassTheme
import app.scanpass.android.waitForTag
import app.scanpass.ffi.ViewerEvent
import app.scanpass.ffi.ViewerScreen
import app.scanpass.ffi.ViewerTool
import app.scanpass.ffi.ViewerView
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/** A vault holding the 1760 x 1760 JPEG 2000 radiograph (shared, read only). */
object RadiographVault {
    val tv by lazy { TestVault("dicom-test-files/WG04/J2KR/RG3_J2KR") }
    val series by lazy { tv.vault.series(tv.vault.studies().single().id).single().id }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ViewerFirstImageTest {
    @get:Rule(order = 0) val vault = InstallVault { RadiographVault.tv }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @Test
    fun thePresenterShowsTheFirstImageReducedThenWhole() {
        val p = ViewerPresenter({ RadiographVault.tv.vault }, "en-US")
        try {
            p.viewSize(720, 720)
            runBlocking { p.start(RadiographVault.series, 0, false) }
            assertEquals("one reduced first image drawn", 1, p.reducedImages)
            val v = p.view!!
            assertFalse("refined: the core asks for nothing more", v.refine)
            assertEquals(1760, p.image!!.width)
            assertEquals(1760u, v.imageWidth)
        } finally {
            p.close()
        }
    }

    @Test
    fun aMeasurementOnTheReducedImageGivesTheSameMillimetres() {
        val s = ViewerScreen(RadiographVault.tv.vault, RadiographVault.series, "en-US")
        val pixels = RgbaToBitmap()
        s.handle(ViewerEvent.SelectTool(ViewerTool.MEASURE))
        val first = s.renderForView(720u, 720u)
        assertTrue("a 1760-pixel JPEG 2000 image comes reduced for a 720-pixel view", first.reduced && first.width < 1760u)
        val reducedView = s.view()
        assertTrue(reducedView.refine)
        val reduced = pixels.convert(first.rgba, first.width.toInt(), first.height.toInt()).asImageBitmap()
        val whole = s.render()
        assertFalse(whole.reduced)
        val fullView = s.view()
        assertFalse(fullView.refine)
        val full = pixels.convert(whole.rgba, whole.width.toInt(), whole.height.toInt()).asImageBitmap()

        var state by mutableStateOf<Pair<ViewerView, ImageBitmap>>(reducedView to reduced)
        val sent = mutableListOf<ViewerEvent>()
        rule.runOnUiThread {
            rule.activity.setContent {
                ScanpassTheme { ViewerContent(state.first, state.second, null, { sent += it }) }
            }
        }
        rule.waitForTag("viewer-pixels")
        fun measureOnScreen(name: String): ViewerEvent.Measure {
            sent.clear()
            rule.onNodeWithTag("viewer-image").performTouchInput {
                swipe(Offset(centerX - width / 4f, centerY - height / 8f), Offset(centerX + width / 4f, centerY + height / 8f), durationMillis = 300)
            }
            rule.waitForIdle()
            val bmp = rule.onRoot().captureToImage().asAndroidBitmap()
            Shots.assertNotBlank(bmp, name)
            Shots.save(bmp, name)
            return sent.filterIsInstance<ViewerEvent.Measure>().last()
        }
        val during = measureOnScreen("viewer-first-image-reduced-phone-light")
        rule.runOnUiThread { state = fullView to full }
        rule.waitForIdle()
        val after = measureOnScreen("viewer-first-image-full-phone-light")
        assertEquals("the same image pixels during and after refinement", during, after)
        assertTrue("in the image's own pixels, past the reduced bitmap's width: ${during.end}", during.end.x > first.width.toDouble())
        val mmDuring = s.handle(during).measurement!!.text
        val mmAfter = s.handle(after).measurement!!.text
        assertEquals(mmDuring, mmAfter)
        // RG3 carries no pixel spacing: the core gives pixels, "not calibrated"; the figure is the
        // image's own (1760-pixel) length, the same one a calibrated image turns into millimetres
        assertTrue("a length: $mmDuring", Regex("""\d+(\.\d)? (px|mm).*""").matches(mmDuring))
        s.close()
    }
}
