// The live QR scan over the framework's camera2 API: the back camera's preview on a TextureView
// and, from the same capture session, YUV_420_888 frames from an ImageReader whose Y plane goes
// to QrFrameAnalyzer on a thread of its own. Frames that arrive while one is being read are
// dropped (two images at most, the latest taken). The scan stops at the first text read.
//
// Why camera2 and not CameraX: Maven Central, as reached from these machines, does not serve
// androidx.camera (camera-core and camera-camera2 1.3.4, 1.4.2, 1.5.0, 1.5.1 and 1.6.0 were
// asked for on 2026-12-07: not found; CameraX is published on Google's Maven repository only), so
// the app could not be compiled and tested here with it. camera2 is in the platform (API 21+).
//
// Not run here: Robolectric has no camera and no TextureView surface, so this class compiles and
// is reached by the scan screen's tests (its "no camera" path), while the frame decoding it calls
// is tested on painted frames (QrFramesTest). On a phone it needs the CAMERA permission, which the
// scan screen asks for first.
package app.scanpass.android.screens.receive.scan

import android.annotation.SuppressLint
import android.content.Context
import android.graphics.ImageFormat
import android.graphics.Matrix
import android.graphics.RectF
import android.graphics.SurfaceTexture
import android.hardware.camera2.CameraAccessException
import android.hardware.camera2.CameraCaptureSession
import android.hardware.camera2.CameraCharacteristics
import android.hardware.camera2.CameraDevice
import android.hardware.camera2.CameraManager
import android.hardware.camera2.CaptureRequest
import android.media.ImageReader
import android.os.Handler
import android.os.HandlerThread
import android.os.Looper
import android.util.Size
import android.view.Surface
import android.view.TextureView
import android.view.WindowManager
import kotlin.math.abs
import kotlin.math.max

class Camera2QrScanner(
    context: Context,
    private val analyzer: QrFrameAnalyzer,
    /** On the main thread: the camera could not be opened or was lost. */
    private val onUnavailable: () -> Unit,
) {
    private val app = context.applicationContext
    private val manager = app.getSystemService(CameraManager::class.java)
    private val main = Handler(Looper.getMainLooper())
    private var cameraThread: HandlerThread? = null
    private var analysisThread: HandlerThread? = null
    private var device: CameraDevice? = null
    private var session: CameraCaptureSession? = null
    private var reader: ImageReader? = null
    private var previewSurface: Surface? = null
    private var plane = ByteArray(0)

    companion object {
        /** Frames for decoding: about 1280 x 720 is enough for a QR code held a hand away. */
        private const val WANT_W = 1280
        private const val WANT_H = 720

        /** The back camera's id, else the first camera's; null when the device has none. */
        fun pickCamera(manager: CameraManager?): String? = try {
            val ids = manager?.cameraIdList.orEmpty()
            ids.firstOrNull { manager?.getCameraCharacteristics(it)?.get(CameraCharacteristics.LENS_FACING) == CameraCharacteristics.LENS_FACING_BACK }
                ?: ids.firstOrNull()
        } catch (e: CameraAccessException) {
            null
        } catch (e: RuntimeException) {
            null
        }

        fun hasCamera(context: Context): Boolean = pickCamera(context.getSystemService(CameraManager::class.java)) != null

        /** The output size closest to [w] x [h] in area, no larger than 1920 x 1080, with the preview's aspect if given. */
        internal fun choose(sizes: List<Size>, w: Int, h: Int, aspectOf: Size? = null): Size? {
            val fits = sizes.filter { it.width * it.height <= 1920 * 1080 }
                .filter { aspectOf == null || abs(it.width.toFloat() / it.height - aspectOf.width.toFloat() / aspectOf.height) < 0.02f }
            return fits.minByOrNull { abs(it.width * it.height - w * h) } ?: sizes.minByOrNull { it.width * it.height }
        }
    }

    /** Opens the camera onto [view]'s surface (available) and starts reading frames. */
    @SuppressLint("MissingPermission") // the scan screen starts this only once CAMERA is granted
    fun start(view: TextureView, texture: SurfaceTexture) {
        stop()
        val manager = manager ?: return fail()
        val id = pickCamera(manager) ?: return fail()
        val chars = try { manager.getCameraCharacteristics(id) } catch (e: Exception) { return fail() }
        val map = chars.get(CameraCharacteristics.SCALER_STREAM_CONFIGURATION_MAP) ?: return fail()
        val yuv = choose(map.getOutputSizes(ImageFormat.YUV_420_888)?.toList().orEmpty(), WANT_W, WANT_H) ?: return fail()
        val preview = choose(map.getOutputSizes(SurfaceTexture::class.java)?.toList().orEmpty(), 1920, 1080, yuv) ?: return fail()
        val sensor = chars.get(CameraCharacteristics.SENSOR_ORIENTATION) ?: 90
        @Suppress("DEPRECATION")
        val display = app.getSystemService(WindowManager::class.java)?.defaultDisplay?.rotation ?: Surface.ROTATION_0
        val rotation = (sensor - display * 90 + 360) % 360

        texture.setDefaultBufferSize(preview.width, preview.height)
        view.setTransform(previewTransform(view.width, view.height, preview, display))
        val cam = HandlerThread("qr-camera").also { it.start() }
        val ana = HandlerThread("qr-analysis").also { it.start() }
        cameraThread = cam
        analysisThread = ana
        val camHandler = Handler(cam.looper)
        val r = ImageReader.newInstance(yuv.width, yuv.height, ImageFormat.YUV_420_888, 2)
        reader = r
        r.setOnImageAvailableListener({ rd ->
            val image = try { rd.acquireLatestImage() } catch (e: IllegalStateException) { null } ?: return@setOnImageAvailableListener
            val frame = try {
                if (analyzer.done) null else {
                    val y = image.planes[0]
                    val buf = y.buffer
                    if (plane.size < buf.remaining()) plane = ByteArray(buf.remaining())
                    val n = buf.remaining()
                    buf.get(plane, 0, n)
                    LumaFrame(plane, image.width, image.height, y.rowStride, rotation)
                }
            } catch (e: IllegalStateException) {
                null // the reader was closed under this frame: the scanner is stopping
            } finally {
                image.close()
            }
            if (frame != null && analyzer.analyze(frame)) main.post { stop() }
        }, Handler(ana.looper))
        val surface = Surface(texture)
        previewSurface = surface
        try {
            manager.openCamera(id, object : CameraDevice.StateCallback() {
                override fun onOpened(d: CameraDevice) {
                    device = d
                    configure(d, surface, r.surface, camHandler)
                }
                override fun onDisconnected(d: CameraDevice) { d.close(); device = null }
                override fun onError(d: CameraDevice, error: Int) { d.close(); device = null; fail() }
            }, camHandler)
        } catch (e: CameraAccessException) {
            fail()
        } catch (e: SecurityException) {
            fail()
        }
    }

    @Suppress("DEPRECATION") // SessionConfiguration needs API 28; the app starts at 26
    private fun configure(d: CameraDevice, preview: Surface, frames: Surface, handler: Handler) {
        try {
            d.createCaptureSession(listOf(preview, frames), object : CameraCaptureSession.StateCallback() {
                override fun onConfigured(s: CameraCaptureSession) {
                    session = s
                    try {
                        val req = d.createCaptureRequest(CameraDevice.TEMPLATE_PREVIEW).apply {
                            addTarget(preview)
                            addTarget(frames)
                            set(CaptureRequest.CONTROL_AF_MODE, CaptureRequest.CONTROL_AF_MODE_CONTINUOUS_PICTURE)
                        }.build()
                        s.setRepeatingRequest(req, null, handler)
                    } catch (e: CameraAccessException) {
                        fail()
                    } catch (e: IllegalStateException) {
                        // closed while configuring: the screen left
                    }
                }
                override fun onConfigureFailed(s: CameraCaptureSession) = fail()
            }, handler)
        } catch (e: CameraAccessException) {
            fail()
        }
    }

    private fun fail() {
        main.post { stop(); onUnavailable() }
    }

    /** Closes the camera and the threads; [start] may open them again. */
    fun stop() {
        try { session?.close() } catch (e: Exception) { }
        session = null
        device?.close()
        device = null
        reader?.close()
        reader = null
        previewSurface?.release()
        previewSurface = null
        cameraThread?.quitSafely()
        cameraThread = null
        analysisThread?.quitSafely()
        analysisThread = null
    }

    /**
     * The TextureView's matrix: the preview buffer ([preview], landscape as sensors give it)
     * turned for the display's rotation and scaled to fill [vw] x [vh], cropped, not stretched.
     */
    private fun previewTransform(vw: Int, vh: Int, preview: Size, displayRotation: Int): Matrix {
        val m = Matrix()
        if (vw == 0 || vh == 0) return m
        val cx = vw / 2f
        val cy = vh / 2f
        if (displayRotation == Surface.ROTATION_90 || displayRotation == Surface.ROTATION_270) {
            val view = RectF(0f, 0f, vw.toFloat(), vh.toFloat())
            val buffer = RectF(0f, 0f, preview.height.toFloat(), preview.width.toFloat())
            buffer.offset(cx - buffer.centerX(), cy - buffer.centerY())
            m.setRectToRect(view, buffer, Matrix.ScaleToFit.FILL)
            val s = max(vh.toFloat() / preview.height, vw.toFloat() / preview.width)
            m.postScale(s, s, cx, cy)
            m.postRotate(90f * (displayRotation - 2), cx, cy)
        } else {
            // upright: the buffer shows portrait (height x width), stretched to the view; undo the stretch
            val cw = preview.height.toFloat()
            val ch = preview.width.toFloat()
            val s = max(vw / cw, vh / ch)
            m.setScale(cw * s / vw, ch * s / vh, cx, cy)
            if (displayRotation == Surface.ROTATION_180) m.postRotate(180f, cx, cy)
        }
        return m
    }
}
