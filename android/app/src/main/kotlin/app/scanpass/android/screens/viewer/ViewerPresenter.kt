// The viewer's adapter: holds the core's `ViewerScreen` model, sends it the patient's gestures as
// events (in order, off the main thread), asks it to render when what it shows changed, and turns
// the rendered RGBA into a Bitmap. The first image of a slice is asked for at the view's size in
// pixels (`renderForView`: a large JPEG 2000 or lossy JPEG comes first decoded smaller); while the
// core's view says `refine`, the full image is rendered as soon as no gesture is waiting. No rule here: slices per distance, window per drag, zoom limits,
// the overlay's words and the length in millimetres are all the core's.
package app.scanpass.android.screens.viewer

import android.graphics.Bitmap
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.asImageBitmap
import app.scanpass.android.core.core
import app.scanpass.android.core.sentence
import app.scanpass.android.platform.MemoryPressure
import app.scanpass.ffi.RenderedSlice
import app.scanpass.ffi.ScanpassException
import app.scanpass.ffi.Vault
import app.scanpass.ffi.ViewerEvent
import app.scanpass.ffi.ViewerTool
import app.scanpass.ffi.ViewerScreen
import app.scanpass.ffi.ViewerView
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

class ViewerPresenter(private val vault: () -> Vault, private val locale: String) : AutoCloseable {
    private var screen: ViewerScreen? = null
    private val order = Mutex()
    private val queue = Channel<ViewerEvent>(Channel.UNLIMITED)
    private val pixels = RgbaToBitmap()
    private var rendered: RenderKey? = null
    private val onTrim: () -> Unit = { screen?.memoryPressure() }

    /** How many reduced first images were drawn (each then refined): for tests and diagnostics. */
    @Volatile internal var reducedImages = 0
        private set

    /** The image pane's size in device pixels (from the layout); 0 until it is laid out. */
    @Volatile private var viewPx: Pair<Int, Int> = 0 to 0

    /** Set by [close]: the model is destroyed by whoever holds [order], never under a core call. */
    @Volatile private var closing = false

    /** What to draw; null until the core's first view arrives. */
    var view: ViewerView? by mutableStateOf(null)
        private set

    /** The slice on screen, at the model's window and inversion. */
    var image: ImageBitmap? by mutableStateOf(null)
        private set

    /** The core's sentence for the last refused event or a failed render. */
    var problem: String? by mutableStateOf(null)
        private set

    /** Open the model on [seriesId] and bring it back to [slice] (after process death) and [hideName]. */
    suspend fun start(seriesId: String, slice: Int, hideName: Boolean, tool: ViewerTool = ViewerTool.SCROLL) =
        open({ ViewerScreen(vault(), seriesId, locale) }, slice, hideName, tool)

    /** Open the model on study [studyId], at the series the core starts a study with. */
    suspend fun startStudy(studyId: String, hideName: Boolean) =
        open({ ViewerScreen.forStudy(vault(), studyId, locale) }, 0, hideName, ViewerTool.SCROLL)

    private suspend fun open(make: () -> ViewerScreen, slice: Int, hideName: Boolean, tool: ViewerTool) = order.withLock {
        if (closing) return@withLock destroy()
        try {
            val v = core {
                val s = screen ?: make().also { screen = it }
                var v = s.view()
                if (hideName) v = s.handle(ViewerEvent.HideName(true))
                if (slice in 1 until v.sliceCount.toInt()) v = runCatching { s.handle(ViewerEvent.GoTo(slice.toUInt())) }.getOrDefault(v)
                if (tool != v.tool) v = runCatching { s.handle(ViewerEvent.SelectTool(tool)) }.getOrDefault(v)
                v
            }
            MemoryPressure.register(onTrim)
            show(v)
            refineWhenIdle()
        } catch (e: ScanpassException) {
            problem = e.sentence()
        }
        if (closing) destroy()
    }

    /** The image pane was laid out at [width] × [height] device pixels: what a first image is rendered for. */
    fun viewSize(width: Int, height: Int) {
        viewPx = width to height
    }

    /** Queue what the patient did; [run] sends it to the core. */
    fun send(event: ViewerEvent) {
        queue.trySend(event)
    }

    /**
     * Sends the queued events to the core in order; everything queued meanwhile goes before the
     * next render, so a fast scroll renders the slice it arrived at, not each one on the way.
     */
    suspend fun run() {
        for (first in queue) {
            order.withLock {
                val s = screen ?: return@withLock
                var e: ViewerEvent? = first
                var v: ViewerView? = null
                while (e != null) {
                    val ev = e
                    try {
                        v = core { s.handle(ev) }
                        problem = null
                    } catch (x: ScanpassException) {
                        problem = x.sentence()
                    }
                    e = queue.tryReceive().getOrNull()
                }
                if (v != null) show(v)
                refineWhenIdle()
                if (closing) destroy()
            }
        }
    }

    /** The core's view says the image is a reduced first one: with no gesture waiting, render it whole. */
    @OptIn(ExperimentalCoroutinesApi::class)
    private suspend fun refineWhenIdle() {
        while (view?.refine == true && queue.isEmpty && !closing) {
            val s = screen ?: return
            if (!draw { s.render() }) return
        }
    }

    /** Draw [v]; render first when the slice, series, window or inversion on screen changed. */
    private suspend fun show(v: ViewerView) {
        val key = RenderKey(v.seriesId, v.slice, v.window?.center, v.window?.width, v.inverted)
        if (key != rendered || image == null) {
            val s = screen ?: return
            val (w, h) = viewPx
            // the first image at the view's size (the core may decode it smaller); refined after
            if (draw { if (w > 0 && h > 0) s.renderForView(w.toUInt(), h.toUInt()) else s.render() }) return
        }
        view = v
    }

    /** Renders with [how] off the main thread and shows the image with the view that goes with it. */
    private suspend fun draw(how: () -> RenderedSlice): Boolean {
        val s = screen ?: return false
        return try {
            val (bmp, after) = core {
                val r = how()
                if (r.reduced) reducedImages++
                // a file's own window (a VOI LUT) is known once rendered: the view says it then
                pixels.convert(r.rgba, r.width.toInt(), r.height.toInt()) to s.view()
            }
            rendered = RenderKey(after.seriesId, after.slice, after.window?.center, after.window?.width, after.inverted)
            image = bmp.asImageBitmap()
            view = after
            true
        } catch (e: ScanpassException) {
            problem = e.sentence()
            false
        }
    }

    /**
     * Ends the model. A render or event may be running on another thread: destroying the core
     * object under it would make its next call throw, so when [order] is held the holder destroys
     * it as it lets go (and, should that moment be missed, uniffi's cleaner frees it).
     */
    override fun close() {
        MemoryPressure.unregister(onTrim)
        queue.close()
        closing = true
        if (order.tryLock()) {
            try {
                destroy()
            } finally {
                order.unlock()
            }
        }
    }

    private fun destroy() {
        screen?.close()
        screen = null
    }

    private data class RenderKey(val series: String, val slice: UInt, val center: Double?, val width: Double?, val inverted: Boolean)
}

/**
 * The core's RGBA8 into a Bitmap: one pass packing ARGB ints into a reused array, then
 * `setPixels` into one of three reused bitmaps (the one drawn now is never written). Not
 * `copyPixelsFromBuffer`: with RGBA bytes it swaps red and blue on some graphics back ends
 * (Robolectric's host graphics; see ../shared/android-recipes.md).
 */
internal class RgbaToBitmap {
    private var ints = IntArray(0)
    private val pool = arrayOfNulls<Bitmap>(3)
    private var next = 0

    fun convert(rgba: ByteArray, width: Int, height: Int): Bitmap {
        val n = width * height
        require(rgba.size >= n * 4) { "short pixel buffer" }
        if (ints.size != n) ints = IntArray(n)
        var o = 0
        for (i in 0 until n) {
            ints[i] = ((rgba[o + 3].toInt() and 0xff) shl 24) or
                ((rgba[o].toInt() and 0xff) shl 16) or
                ((rgba[o + 1].toInt() and 0xff) shl 8) or
                (rgba[o + 2].toInt() and 0xff)
            o += 4
        }
        var bmp = pool[next]
        if (bmp == null || bmp.width != width || bmp.height != height) {
            bmp = Bitmap.createBitmap(width, height, Bitmap.Config.ARGB_8888)
            pool[next] = bmp
        }
        bmp!!.setPixels(ints, 0, width, 0, 0, width, height)
        next = (next + 1) % pool.size
        return bmp
    }
}
