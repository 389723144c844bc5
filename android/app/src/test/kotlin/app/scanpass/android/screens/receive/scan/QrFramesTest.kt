// The live scanner's frame decoding on frames painted as a camera gives them (Robolectric has no
// camera): the Y plane of a YUV_420_888 frame with padding at the end of each row (rowStride >
// width), a real share link's QR code (made by the core through the test relay, encoded with
// ZXing's QRCodeWriter) painted upright and turned 90, 180 and 270 degrees, small and off-centre,
// with noise, light on dark; a frame with no code reads nothing and throws nothing. The analyzer
// hands the first text on once. A QR code holding another text (a Wi-Fi sticker's) goes through
// the receive presenter to the core, whose model refuses it with its own sentence.
package app.scanpass.android.screens.receive.scan

import app.scanpass.android.TestVault
import app.scanpass.android.screens.receive.ReceivePresenter
import app.scanpass.android.screens.receive.SharedStudy
import app.scanpass.android.Samples
import app.scanpass.ffi.ReceiveScreen
import app.scanpass.ffi.ReceiveScreenEvent
import com.google.zxing.BarcodeFormat
import com.google.zxing.EncodeHintType
import com.google.zxing.common.BitMatrix
import com.google.zxing.qrcode.QRCodeWriter
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel
import kotlin.random.Random
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.BeforeClass
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
class QrFramesTest {
    companion object {
        /** A real share link (the core made it, through the test relay), as another phone shows it. */
        lateinit var link: String

        @BeforeClass @JvmStatic fun makeLink() {
            Samples.require()
            link = SharedStudy.link
        }
    }

    private fun qr(text: String): BitMatrix = QRCodeWriter().encode(
        text, BarcodeFormat.QR_CODE, 0, 0,
        mapOf(EncodeHintType.MARGIN to 0, EncodeHintType.ERROR_CORRECTION to ErrorCorrectionLevel.M),
    )

    /**
     * A [w] x [h] frame with [pad] bytes of junk after each row, mid-grey, the code of [text]
     * painted [module] pixels a module with its 4-module quiet zone, its top-left corner (quiet
     * zone included) at [x0], [y0], turned clockwise by [rotation], with +-[noise] of random
     * noise per pixel; [inverted]: light modules on dark.
     */
    private fun frame(
        text: String?, w: Int = 1280, h: Int = 720, pad: Int = 64, module: Int = 6,
        x0: Int? = null, y0: Int? = null, rotation: Int = 0, noise: Int = 0, inverted: Boolean = false, seed: Int = 7,
    ): LumaFrame {
        val stride = w + pad
        val rnd = Random(seed)
        // the padding is junk (what a camera leaves there): reading it as pixels would break the code
        val luma = ByteArray(stride * h) { rnd.nextInt(256).toByte() }
        val m = text?.let { qr(it) }
        val n = m?.width ?: 0
        val side = (n + 8) * module
        val left = x0 ?: (w - side) / 2
        val top = y0 ?: (h - side) / 2
        val dark = if (inverted) 225 else 25
        val light = if (inverted) 25 else 225
        for (y in 0 until h) for (x in 0 until w) {
            var v = 128
            if (m != null && x >= left && y >= top && x < left + side && y < top + side) {
                val qx = (x - left) / module - 4
                val qy = (y - top) / module - 4
                v = light
                if (qx in 0 until n && qy in 0 until n) {
                    // the code turned clockwise by `rotation`: which module of the upright code is here
                    val (ux, uy) = when (rotation) {
                        90 -> qy to n - 1 - qx
                        180 -> n - 1 - qx to n - 1 - qy
                        270 -> n - 1 - qy to qx
                        else -> qx to qy
                    }
                    if (m.get(ux, uy)) v = dark
                }
            }
            if (noise > 0) v += rnd.nextInt(-noise, noise + 1)
            luma[y * stride + x] = v.coerceIn(0, 255).toByte()
        }
        return LumaFrame(luma, w, h, stride, rotation)
    }

    private val decoder = QrFrameDecoder()

    @Test
    fun aShareLinkReadsFromAPaddedFrameAtEachRotation() {
        for (rotation in listOf(0, 90, 180, 270)) {
            assertEquals("turned $rotation degrees", link, decoder.decode(frame(link, rotation = rotation)))
        }
        // the rows' padding is really skipped: the same frame read as if it had none is garbage
        val f = frame(link)
        assertNull(decoder.decode(LumaFrame(f.luma, f.width, f.height, f.width)))
    }

    // Noise: +-10 per pixel, independent from pixel to pixel, reads in every frame (30 seeds tried);
    // at +-15 and more a flat grey background turns to salt and pepper under ZXing's 8 x 8 block
    // threshold (its blocks with a range over 24 levels are binarised) and about one frame in six
    // finds no finder pattern: the scanner then reads the next frame (the last test below).
    @Test
    fun aSmallOffCentreCodeWithNoiseReads() {
        // 3 pixels a module (the code under a quarter of the frame's height: a phone held far off), near a corner
        val f = frame(link, module = 3, x0 = 40, y0 = 520 - 4 * 3, rotation = 90, noise = 10)
        assertEquals(link, decoder.decode(f))
        // and in portrait: a 720 x 1280 frame, the code in the lower right
        val p = frame(link, w = 720, h = 1280, pad = 48, module = 4, x0 = 400, y0 = 900, rotation = 270, noise = 10)
        assertEquals(link, decoder.decode(p))
    }

    @Test
    fun withHeavyNoiseTheAnalyzerReadsOnUntilAFrameReads() {
        // +-30 of noise, each frame its own (seeds 1 to 12): some frames read, some do not
        val frames = (1..12).map { frame(link, module = 3, x0 = 40, y0 = 508, rotation = 90, noise = 30, seed = it) }
        val read = frames.count { decoder.decode(it) != null }
        println("heavy noise: $read of ${frames.size} frames read")
        assertTrue(read > 0)
        // the analyzer, after a frame without a code, reads the first frame that reads, once
        val got = mutableListOf<String>()
        val analyzer = QrFrameAnalyzer { got += it }
        assertFalse(analyzer.analyze(frame(null, noise = 30)))
        frames.forEach { analyzer.analyze(it) }
        assertEquals(listOf(link), got)
    }

    @Test
    fun aLightOnDarkCodeReadsToo() {
        assertEquals(link, decoder.decode(frame(link, inverted = true, module = 4, rotation = 90, noise = 10)))
    }

    @Test
    fun aFrameWithoutACodeReadsNothingAndThrowsNothing() {
        assertNull(decoder.decode(frame(null)))
        assertNull(decoder.decode(frame(null, noise = 120)))
        assertNull(decoder.decode(LumaFrame(ByteArray(640 * 480), 640, 480, 640)))
        // a frame whose last row ends at its width (as camera buffers do), not at the stride
        val w = 320
        val stride = 384
        assertNull(decoder.decode(LumaFrame(ByteArray(stride * 239 + w) { 200.toByte() }, w, 240, stride)))
    }

    @Test
    fun theAnalyzerHandsTheFirstTextOnOnceAndThenStops() {
        val got = mutableListOf<String>()
        val analyzer = QrFrameAnalyzer { got += it }
        assertFalse(analyzer.analyze(frame(null, noise = 40)))
        assertFalse(analyzer.done)
        assertTrue(analyzer.analyze(frame(link, rotation = 90)))
        assertTrue(analyzer.done)
        // later frames, even with another code, are not read
        assertFalse(analyzer.analyze(frame("https://example.org/menu")))
        assertEquals(listOf(link), got)
    }

    @Test
    fun aCodeThatIsNotAScanpassLinkIsHandedToTheCoreWhichRefusesIt() {
        val wifi = "WIFI:S:home;T:WPA;P:secret;;"
        TestVault().use { tv ->
            ReceivePresenter({ tv.vault }, "en-US").use { presenter ->
                runBlocking { presenter.start(null) }
                // what the scan screen does with the analyzer's text: the presenter's setLink
                val analyzer = QrFrameAnalyzer { text -> runBlocking { presenter.setLink(text) } }
                assertTrue(analyzer.analyze(frame(wifi, rotation = 270, noise = 15)))
                val view = presenter.view
                assertNotNull(view)
                assertEquals(wifi, view!!.link)
                // the core's sentence, as its own model says it for the same text
                val core = ReceiveScreen(tv.vault, "en-US").use { it.handle(ReceiveScreenEvent.SetLink(wifi)) }.linkError
                assertNotNull(core)
                assertEquals(core, view.linkError)
                assertEquals("This is not a Scanpass link, or it was cut when copied. Copy the whole link again.", view.linkError)
                assertFalse(view.canOpen)
                // and the share link read the same way is accepted by the core
                runBlocking { presenter.setLink(decoder.decode(frame(link))!!) }
                assertNull(presenter.view!!.linkError)
                assertTrue(presenter.view!!.canOpen)
            }
        }
    }
}
