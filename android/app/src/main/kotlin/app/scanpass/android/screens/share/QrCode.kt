// QR codes with ZXing core: the share link drawn as a QR code (encode), and a QR code read back
// from a picture or a camera frame (decode). Pure functions over bitmaps, tested on the JVM.
package app.scanpass.android.screens.share

import android.graphics.Bitmap
import com.google.zxing.BarcodeFormat
import com.google.zxing.BinaryBitmap
import com.google.zxing.DecodeHintType
import com.google.zxing.EncodeHintType
import com.google.zxing.NotFoundException
import com.google.zxing.RGBLuminanceSource
import com.google.zxing.ChecksumException
import com.google.zxing.FormatException
import com.google.zxing.LuminanceSource
import com.google.zxing.common.HybridBinarizer
import com.google.zxing.qrcode.QRCodeReader
import com.google.zxing.qrcode.QRCodeWriter
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel

object QrCode {
    /**
     * [text] as a QR code, [scale] pixels per module with a 4-module quiet zone (scale it up with
     * no filtering to draw it). Black on white whatever the theme: scanners expect that.
     */
    fun encode(text: String, scale: Int = 4): Bitmap {
        val hints = mapOf(EncodeHintType.ERROR_CORRECTION to ErrorCorrectionLevel.M, EncodeHintType.MARGIN to 4)
        val m = QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0, hints)
        val w = m.width * scale
        val h = m.height * scale
        val px = IntArray(w * h) { i -> if (m.get((i % w) / scale, (i / w) / scale)) 0xFF000000.toInt() else 0xFFFFFFFF.toInt() }
        // ARGB ints (not copyPixelsFromBuffer: see the recipes' colour-order pitfall)
        return Bitmap.createBitmap(px, w, h, Bitmap.Config.ARGB_8888)
    }

    /** The text of the QR code in [bitmap] (a photo or a camera frame), or null when none reads. */
    fun decode(bitmap: Bitmap): String? {
        val w = bitmap.width
        val h = bitmap.height
        val px = IntArray(w * h)
        bitmap.getPixels(px, 0, w, 0, 0, w, h)
        return decode(px, w, h)
    }

    /** The same over ARGB pixels. */
    fun decode(argb: IntArray, width: Int, height: Int): String? =
        read(QRCodeReader(), RGBLuminanceSource(width, height, argb), HINTS)

    /** What the decoders ask of ZXing: QR codes only, looked for hard, UTF-8 text. */
    val HINTS: Map<DecodeHintType, Any> = mapOf(
        DecodeHintType.TRY_HARDER to true,
        DecodeHintType.POSSIBLE_FORMATS to listOf(BarcodeFormat.QR_CODE),
        DecodeHintType.CHARACTER_SET to "UTF-8",
    )

    /** The text [reader] finds in [source], or null when no QR code reads (never throws on what it sees). */
    fun read(reader: QRCodeReader, source: LuminanceSource, hints: Map<DecodeHintType, Any> = HINTS): String? = try {
        reader.decode(BinaryBitmap(HybridBinarizer(source)), hints).text
    } catch (e: NotFoundException) {
        null
    } catch (e: ChecksumException) {
        null
    } catch (e: FormatException) {
        null
    } finally {
        reader.reset()
    }
}
