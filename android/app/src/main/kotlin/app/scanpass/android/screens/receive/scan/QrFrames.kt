// QR codes read from live camera frames: the luminance (Y) plane of each YUV_420_888 frame goes
// to ZXing's PlanarYUVLuminanceSource as it is, row padding and all, and the first text read is
// handed on once. Plain Kotlin over bytes (no camera type here), so the tests run it on frames
// they paint; Camera2QrScanner feeds it from the camera.
//
// Rotation: a frame comes as the sensor sees it, usually turned 90 or 270 degrees from the
// screen. A QR code reads in any orientation (ZXing finds its three finder patterns wherever they
// are), so the frame is decoded unrotated: no rotated copy of a megapixel per frame. The
// rotation is carried with the frame for the preview's transform, and the tests show codes turned
// 0, 90 and 270 degrees all read.
//
// The text is not judged here: it goes to the receive screen's SetLink and the core says whether
// it is a Scanpass link (a Wi-Fi sticker's QR code gets the core's "not a Scanpass link").
package app.scanpass.android.screens.receive.scan

import com.google.zxing.InvertedLuminanceSource
import com.google.zxing.LuminanceSource
import com.google.zxing.PlanarYUVLuminanceSource
import app.scanpass.android.screens.share.QrCode
import com.google.zxing.qrcode.QRCodeReader
import java.util.concurrent.atomic.AtomicBoolean

/**
 * The Y plane of one YUV_420_888 frame: [width] x [height] luminance bytes, row r starting at
 * `r * rowStride` in [luma] ([rowStride] >= [width]: the camera pads rows). The Y plane's pixel
 * stride is 1 by the format's definition. [rotationDegrees]: how far the frame is turned from
 * the screen's upright (0, 90, 180, 270).
 */
class LumaFrame(
    val luma: ByteArray,
    val width: Int,
    val height: Int,
    val rowStride: Int,
    val rotationDegrees: Int = 0,
) {
    init {
        require(width > 0 && height > 0) { "empty frame" }
        require(rowStride >= width) { "rowStride $rowStride < width $width" }
        require(luma.size >= rowStride * (height - 1) + width) { "the plane is shorter than its rows" }
    }
}

/** The decoder, one per analysing thread (ZXing's reader keeps no state between calls, but is not shared). */
class QrFrameDecoder {
    private val reader = QRCodeReader()

    /** The text of a QR code in [frame] (dark on light, or light on dark), or null. Never throws on what it sees. */
    fun decode(frame: LumaFrame): String? {
        // the padding past each row's width is outside the crop: ZXing reads rows by the stride
        val source = PlanarYUVLuminanceSource(
            frame.luma, frame.rowStride, frame.height, 0, 0, frame.width, frame.height, false,
        )
        return read(source) ?: read(InvertedLuminanceSource(source))
    }

    private fun read(source: LuminanceSource): String? = QrCode.read(reader, source)
}

/**
 * What the camera's frames go through: each frame is decoded until one holds a QR code; its text
 * goes to [onText] once, and every later frame is dropped unread (the scan stops). Frames come on
 * one analysing thread; [onText] is called on it.
 */
class QrFrameAnalyzer(
    private val decoder: QrFrameDecoder = QrFrameDecoder(),
    private val onText: (String) -> Unit,
) {
    private val found = AtomicBoolean(false)

    /** True once a text was handed on: the camera may stop. */
    val done: Boolean get() = found.get()

    /** Reads [frame]; true when this frame gave the text. */
    fun analyze(frame: LumaFrame): Boolean {
        if (found.get()) return false
        val text = decoder.decode(frame) ?: return false
        if (!found.compareAndSet(false, true)) return false
        onText(text)
        return true
    }
}
