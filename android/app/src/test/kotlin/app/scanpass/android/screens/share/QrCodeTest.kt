// ZXing round trips: a share link encoded as the app draws it, decoded back, also from a scaled,
// off-centre picture (as a camera would see it) with a grey background.
package app.scanpass.android.screens.share

import android.graphics.Bitmap
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class QrCodeTest {
    private val link = "https://view.scanpass.example/0.1.0/#127.0.0.1:8787/AbCdEfGh12345678/" + "Q".repeat(43)

    @Test
    fun encodedLinkDecodesBack() {
        val qr = QrCode.encode(link)
        assertEquals(qr.width, qr.height)
        assertEquals(link, QrCode.decode(qr))
    }

    @Test
    fun decodesAScaledOffCentrePicture() {
        val qr = QrCode.encode(link)
        val photo = Bitmap.createBitmap(900, 700, Bitmap.Config.ARGB_8888)
        val c = Canvas(photo)
        c.drawColor(Color.rgb(120, 120, 120))
        val scaled = Bitmap.createScaledBitmap(qr, qr.width * 5 / 4, qr.height * 5 / 4, false)
        c.drawBitmap(scaled, 310f, 95f, Paint())
        assertEquals(link, QrCode.decode(photo))
    }

    @Test
    fun aPictureWithoutACodeReadsNothing() {
        val blank = Bitmap.createBitmap(300, 300, Bitmap.Config.ARGB_8888)
        Canvas(blank).drawColor(Color.WHITE)
        assertNull(QrCode.decode(blank))
    }
}
