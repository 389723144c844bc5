// The viewer: draws the core's `ViewerView` (the slice, its overlay, orientation letters, the
// measurement, presets, cine, the series strip) and the core's rendered slice, and sends the
// patient's gestures as the model's events: one finger scrolls slices, or drags the window, or
// measures (the core's tool, chosen below the image: the view's `tools` and `tool`); two fingers zoom and pan; a double tap fits. The
// core turns each distance into slices, window, zoom; the shell only places the image as the
// view's zoom and pan say (fitted, scaled, centre moved), by the image's own size from the view
// (`imageWidth` × `imageHeight`), never the bitmap's: a reduced first image is drawn stretched to
// it, and a measurement made on it lands on the same image pixels as on the full one. FLAG_SECURE while it shows images.
package app.scanpass.android.screens.viewer

import androidx.compose.ui.unit.Density
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.gestures.awaitEachGesture
import androidx.compose.foundation.gestures.awaitFirstDown
import androidx.compose.foundation.gestures.calculateCentroid
import androidx.compose.foundation.gestures.calculatePan
import androidx.compose.foundation.gestures.calculateZoom
import androidx.compose.foundation.gestures.detectTapGestures
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.WindowInsets
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawing
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Slider
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.material3.TopAppBarDefaults
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.FilterQuality
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.graphics.Shadow
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.input.pointer.positionChange
import androidx.compose.ui.layout.onSizeChanged
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.IntOffset
import androidx.compose.ui.unit.IntSize
import androidx.compose.ui.unit.dp
import app.scanpass.android.core.Session
import app.scanpass.android.core.coreDispatcher
import app.scanpass.android.design.ScanpassIcons
import app.scanpass.android.design.rememberCommonWords
import app.scanpass.android.platform.SecureWindow
import app.scanpass.ffi.ViewerEvent
import app.scanpass.ffi.ViewerPoint
import app.scanpass.ffi.ViewerTool
import app.scanpass.ffi.ViewerView
import kotlin.math.min
import kotlin.math.roundToInt
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * The viewer over [studyId] (its first series in the core's order, or [seriesId]), with its
 * adapter. [hideName] is appointment mode's; [topBar] is the caller's (the plain viewer's has back
 * and appointment mode; appointment mode's has its banner).
 */
@Composable
fun ViewerRoute(
    studyId: String,
    seriesId: String?,
    hideName: Boolean = false,
    showStrip: Boolean = true,
    topBar: @Composable (ViewerView?) -> Unit,
) {
    val locale = LocalConfiguration.current.locales[0].toLanguageTag()
    // ids and numbers only: the series and slice on screen, kept across process death
    var savedSeries by rememberSaveable(studyId) { mutableStateOf(seriesId) }
    var savedSlice by rememberSaveable(studyId) { mutableIntStateOf(0) }
    // the core's tool, kept to choose it again after process death
    var savedTool by rememberSaveable(studyId) { mutableStateOf(ViewerTool.SCROLL) }
    val presenter = remember(studyId, locale) { ViewerPresenter({ Session.vault() }, locale) }
    DisposableEffect(presenter) { onDispose { presenter.close() } }
    SecureWindow(enabled = true)

    LaunchedEffect(presenter) {
        // the series on screen before a process death, or the one the core opens the study at
        val series = savedSeries
        if (series != null) presenter.start(series, savedSlice, hideName, savedTool) else presenter.startStudy(studyId, hideName)
        presenter.run()
    }
    LaunchedEffect(presenter, hideName) {
        if (presenter.view != null) presenter.send(ViewerEvent.HideName(hideName))
    }
    val view = presenter.view
    LaunchedEffect(view?.seriesId, view?.slice) {
        if (view != null) {
            savedSeries = view.seriesId
            savedSlice = view.slice.toInt()
            savedTool = view.tool
        }
    }
    // cine: the core says how often to tick while playing
    val playing = view?.cine?.playing == true
    val interval = view?.cine?.intervalMs ?: 100.0
    LaunchedEffect(presenter, playing, interval) {
        while (playing) {
            withContext(coreDispatcher) { delay(interval.roundToInt().toLong().coerceAtLeast(1)) }
            presenter.send(ViewerEvent.Tick)
        }
    }
    ViewerContent(
        view = view,
        image = presenter.image,
        problem = presenter.problem,
        onEvent = presenter::send,
        showStrip = showStrip,
        topBar = { topBar(view) },
        onImageSize = presenter::viewSize,
    )
}

/**
 * The plain viewer's top bar: back, the series' title, appointment mode. With large text the title
 * may take two lines (the bar grows with the font scale) and appointment mode is its icon, labelled
 * with the core's words, so that the title is not cut to a letter.
 */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ViewerTopBar(view: ViewerView?, onBack: () -> Unit, onAppointment: (() -> Unit)?) {
    val fontScale = LocalDensity.current.fontScale
    val largeText = fontScale > LARGE_TEXT_SCALE
    TopAppBar(
        title = {
            Text(
                view?.overlay?.series.orEmpty(),
                maxLines = if (largeText) 2 else 1,
                overflow = TextOverflow.Ellipsis,
                modifier = Modifier.semantics { heading() }.testTag("viewer-title"),
            )
        },
        navigationIcon = {
            IconButton(onClick = onBack, modifier = Modifier.testTag("viewer-back")) {
                Icon(ScanpassIcons.Back, contentDescription = view?.labels?.back ?: rememberCommonWords().back)
            }
        },
        actions = {
            if (onAppointment != null && view != null) {
                if (largeText) {
                    IconButton(onClick = onAppointment, modifier = Modifier.testTag("viewer-appointment")) {
                        Icon(ScanpassIcons.Appointment, contentDescription = view.labels.appointment)
                    }
                } else {
                    TextButton(onClick = onAppointment, modifier = Modifier.testTag("viewer-appointment")) {
                        Text(view.labels.appointment, maxLines = 1, overflow = TextOverflow.Ellipsis)
                    }
                }
            }
        },
        expandedHeight = TopAppBarDefaults.TopAppBarExpandedHeight * fontScale.coerceIn(1f, 2f),
    )
}

/** Above this font scale the top bar's title gets two lines and the appointment button its icon. */
private const val LARGE_TEXT_SCALE = 1.3f

/** Stateless: draws [view] and [image] as they are. */
@Composable
fun ViewerContent(
    view: ViewerView?,
    image: ImageBitmap?,
    problem: String?,
    onEvent: (ViewerEvent) -> Unit,
    showStrip: Boolean = true,
    topBar: @Composable () -> Unit = {},
    onImageSize: (Int, Int) -> Unit = { _, _ -> },
) {
    Scaffold(topBar = topBar, contentWindowInsets = WindowInsets.safeDrawing) { padding ->
        BoxWithConstraints(Modifier.fillMaxSize().padding(padding).testTag("viewer-screen")) {
            val wide = maxWidth >= 600.dp && maxWidth > maxHeight * 0.75f
            val controlsMax = maxHeight * 0.45f
            if (wide) {
                Row(Modifier.fillMaxSize()) {
                    ImagePane(view, image, view?.tool ?: ViewerTool.SCROLL, onEvent, onImageSize, Modifier.weight(1f).fillMaxHeight())
                    Controls(
                        view, problem, onEvent, showStrip,
                        Modifier.width(360.dp).fillMaxHeight().verticalScroll(rememberScrollState()),
                    )
                }
            } else {
                Column(Modifier.fillMaxSize()) {
                    ImagePane(view, image, view?.tool ?: ViewerTool.SCROLL, onEvent, onImageSize, Modifier.fillMaxWidth().weight(1f))
                    Controls(
                        view, problem, onEvent, showStrip,
                        Modifier.fillMaxWidth().heightIn(max = controlsMax).verticalScroll(rememberScrollState()),
                    )
                }
            }
        }
    }
}

/** Where the image sits in the viewport: fitted, scaled by the view's zoom, centre moved by its pan. */
private class Placement(val viewport: IntSize, val imageW: Int, val imageH: Int, zoom: Double, panX: Float, panY: Float) {
    val scale: Float = min(viewport.width.toFloat() / imageW, viewport.height.toFloat() / imageH) * zoom.toFloat()
    val cx = viewport.width / 2f + panX
    val cy = viewport.height / 2f + panY

    fun toViewport(x: Double, y: Double) = Offset(cx + (x.toFloat() - imageW / 2f) * scale, cy + (y.toFloat() - imageH / 2f) * scale)

    /** A viewport point in image pixels, kept on the image (the core refuses ends off it). */
    fun toImage(p: Offset) = ViewerPoint(
        ((p.x - cx) / scale + imageW / 2f).coerceIn(0f, imageW.toFloat()).toDouble(),
        ((p.y - cy) / scale + imageH / 2f).coerceIn(0f, imageH.toFloat()).toDouble(),
    )
}

@Composable
private fun ImagePane(
    view: ViewerView?,
    image: ImageBitmap?,
    tool: ViewerTool,
    onEvent: (ViewerEvent) -> Unit,
    onImageSize: (Int, Int) -> Unit,
    modifier: Modifier,
) {
    val density = LocalDensity.current.density
    var size by remember { mutableStateOf(IntSize.Zero) }
    val placement = if (image != null && size.width > 0 && size.height > 0 && view != null && view.imageWidth > 0u && view.imageHeight > 0u) {
        // the image's own size (the core's), not the bitmap's: a first image may be reduced
        Placement(size, view.imageWidth.toInt(), view.imageHeight.toInt(), view.zoom, (view.panX * density).toFloat(), (view.panY * density).toFloat())
    } else {
        null
    }
    val current by rememberUpdatedState(placement)
    val currentTool by rememberUpdatedState(tool)
    val send by rememberUpdatedState(onEvent)
    val description = listOfNotNull(view?.sliceText, view?.orientation?.spoken, view?.measurement?.text).joinToString(". ")
    Box(
        modifier
            .background(Color.Black)
            .onSizeChanged {
                size = it
                onImageSize(it.width, it.height)
                // the core works in the shell's density-independent pixels
                if (it.width > 0 && it.height > 0) onEvent(ViewerEvent.Resize(it.width / density.toDouble(), it.height / density.toDouble()))
            }
            .pointerInput(Unit) {
                detectTapGestures(onDoubleTap = { send(ViewerEvent.Fit) })
            }
            .pointerInput(Unit) {
                awaitEachGesture {
                    val down = awaitFirstDown(requireUnconsumed = false)
                    var twoFingers = false
                    val start = down.position
                    do {
                        val event = awaitPointerEvent()
                        val pressed = event.changes.filter { it.pressed }
                        if (pressed.size >= 2) {
                            twoFingers = true
                            val zoom = event.calculateZoom()
                            val pan = event.calculatePan()
                            val c = event.calculateCentroid(useCurrent = true)
                            if (zoom != 1f) send(ViewerEvent.Zoom(zoom.toDouble(), ViewerPoint(c.x / density.toDouble(), c.y / density.toDouble())))
                            if (pan != Offset.Zero) send(ViewerEvent.Pan(pan.x / density.toDouble(), pan.y / density.toDouble()))
                            event.changes.forEach { it.consume() }
                        } else if (pressed.size == 1 && !twoFingers) {
                            val c = pressed[0]
                            val d = c.positionChange()
                            if (d != Offset.Zero) {
                                when (currentTool) {
                                    ViewerTool.SCROLL -> send(ViewerEvent.Scroll(d.y / density.toDouble()))
                                    ViewerTool.WINDOW -> send(ViewerEvent.WindowDrag(d.x / density.toDouble(), d.y / density.toDouble()))
                                    ViewerTool.MEASURE -> current?.let { p -> send(ViewerEvent.Measure(p.toImage(start), p.toImage(c.position))) }
                                }
                                c.consume()
                            }
                        }
                    } while (event.changes.any { it.pressed })
                }
            }
            .semantics { contentDescription = description }
            .testTag("viewer-image"),
    ) {
        if (image != null && placement != null) {
            val m = view?.measurement
            // the image's backdrop is black in both themes: drawn like the overlay's text
            val lineColor = Color.White
            Canvas(Modifier.fillMaxSize().testTag("viewer-pixels")) {
                val w = placement.imageW * placement.scale
                val h = placement.imageH * placement.scale
                drawImage(
                    image,
                    srcOffset = IntOffset.Zero,
                    srcSize = IntSize(image.width, image.height),
                    dstOffset = IntOffset((placement.cx - w / 2).roundToInt(), (placement.cy - h / 2).roundToInt()),
                    dstSize = IntSize(w.roundToInt(), h.roundToInt()),
                    filterQuality = FilterQuality.Low,
                )
                if (m != null) {
                    val a = placement.toViewport(m.start.x, m.start.y)
                    val b = placement.toViewport(m.end.x, m.end.y)
                    drawLine(lineColor, a, b, strokeWidth = 2.dp.toPx())
                    drawCircle(lineColor, 4.dp.toPx(), a)
                    drawCircle(lineColor, 4.dp.toPx(), b)
                }
            }
        }
        if (view != null) Overlay(view)
    }
}

private val overlayStyle
    @Composable get() = MaterialTheme.typography.labelMedium.merge(
        TextStyle(color = Color.White, shadow = Shadow(Color.Black, Offset(1f, 1f), 2f)),
    )

/**
 * The overlay's text follows the system font scale up to [OVERLAY_MAX_FONT_SCALE] only: it is
 * drawn on the image, in four corners, and at 2× on a phone it covered the image and broke words
 * mid-line. What it says is also in the image's spoken description and, for the slice and the
 * window, in the controls below, which scale fully.
 */
private const val OVERLAY_MAX_FONT_SCALE = 1.3f

@Composable
private fun Overlay(view: ViewerView) {
    val density = LocalDensity.current
    CompositionLocalProvider(
        LocalDensity provides Density(density.density, density.fontScale.coerceAtMost(OVERLAY_MAX_FONT_SCALE)),
    ) { OverlayCorners(view) }
}

@Composable
private fun OverlayCorners(view: ViewerView) {
    val o = view.overlay
    Box(Modifier.fillMaxSize().padding(8.dp)) {
        Column(Modifier.align(Alignment.TopStart).fillMaxWidth(0.44f)) {
            o.patient?.let { OverlayLine(it, "overlay-patient") }
            OverlayLine(o.studyDate, "overlay-date")
            OverlayLine(o.series, "overlay-series")
        }
        Column(Modifier.align(Alignment.TopEnd).fillMaxWidth(0.44f), horizontalAlignment = Alignment.End) {
            OverlayLine(o.zoom, "overlay-zoom", TextAlign.End)
            o.window?.let { OverlayLine(it, "overlay-window", TextAlign.End) }
        }
        Column(Modifier.align(Alignment.BottomStart).fillMaxWidth(0.44f)) {
            OverlayLine(view.sliceText, "overlay-slice")
            o.position?.let { OverlayLine(it, "overlay-position") }
            o.thickness?.let { OverlayLine(it, "overlay-thickness") }
        }
        view.measurement?.let { m ->
            Column(Modifier.align(Alignment.BottomEnd).fillMaxWidth(0.44f), horizontalAlignment = Alignment.End) {
                OverlayLine(m.text, "viewer-measurement", TextAlign.End)
                OverlayLine(m.calibrationText, "viewer-calibration", TextAlign.End)
            }
        }
        view.orientation?.let { r ->
            // the letters are read out as the core's sentence, on the image's description
            OverlayLine(r.top, "orientation-top", modifier = Modifier.align(Alignment.TopCenter))
            OverlayLine(r.bottom, "orientation-bottom", modifier = Modifier.align(Alignment.BottomCenter))
            OverlayLine(r.left, "orientation-left", modifier = Modifier.align(Alignment.CenterStart))
            OverlayLine(r.right, "orientation-right", modifier = Modifier.align(Alignment.CenterEnd))
        }
    }
}

@Composable
private fun OverlayLine(text: String, tag: String, align: TextAlign = TextAlign.Start, modifier: Modifier = Modifier) {
    Text(text, style = overlayStyle, textAlign = align, maxLines = 2, overflow = TextOverflow.Ellipsis, modifier = modifier.testTag(tag))
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun Controls(
    view: ViewerView?,
    problem: String?,
    onEvent: (ViewerEvent) -> Unit,
    showStrip: Boolean,
    modifier: Modifier,
) {
    Column(modifier.padding(horizontal = 16.dp, vertical = 8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        if (problem != null) {
            Text(problem, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.testTag("viewer-problem"))
        }
        if (view == null) return@Column
        if (view.sliceCount > 1u) {
            Text(view.sliceText, style = MaterialTheme.typography.titleSmall, modifier = Modifier.testTag("viewer-slice"))
            Slider(
                value = view.slice.toFloat(),
                onValueChange = { onEvent(ViewerEvent.GoTo(it.roundToInt().toUInt())) },
                valueRange = 0f..(view.sliceCount.toInt() - 1).toFloat(),
                modifier = Modifier.fillMaxWidth().semantics { contentDescription = view.sliceText }.testTag("viewer-slider"),
            )
        }
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            view.tools.forEach { t ->
                FilterChip(
                    selected = t.selected,
                    onClick = { onEvent(ViewerEvent.SelectTool(t.tool)) },
                    label = { Text(t.label) },
                    modifier = Modifier.testTag("viewer-tool-${t.tool.name.lowercase()}"),
                )
            }
        }
        view.window?.let { w ->
            Text("${w.text} · ${w.source}", style = MaterialTheme.typography.bodyMedium, modifier = Modifier.testTag("viewer-window"))
        }
        if (view.presets.isNotEmpty()) {
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                view.presets.forEach { p ->
                    FilterChip(
                        selected = p.selected,
                        onClick = { onEvent(ViewerEvent.Preset(p.id)) },
                        label = { Text(p.label) },
                        modifier = Modifier.testTag("viewer-preset-${p.id}"),
                    )
                }
            }
        }
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            FilterChip(
                selected = view.inverted,
                onClick = { onEvent(ViewerEvent.Invert) },
                label = { Text(view.labels.invert) },
                modifier = Modifier.testTag("viewer-invert"),
            )
            OutlinedButton(onClick = { onEvent(ViewerEvent.Fit) }, modifier = Modifier.testTag("viewer-fit")) {
                Text(view.labels.fit)
            }
            OutlinedButton(onClick = { onEvent(ViewerEvent.Reset) }, modifier = Modifier.testTag("viewer-reset")) {
                Text(view.labels.reset)
            }
            if (view.measurement != null) {
                OutlinedButton(onClick = { onEvent(ViewerEvent.ClearMeasure) }, modifier = Modifier.testTag("viewer-clear-measure")) {
                    Text(view.labels.clearMeasure)
                }
            }
        }
        if (view.cine.available) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                OutlinedButton(
                    onClick = { onEvent(if (view.cine.playing) ViewerEvent.Pause else ViewerEvent.Play) },
                    modifier = Modifier.testTag("viewer-cine"),
                ) {
                    Text(view.cine.toggleLabel)
                }
                Text(view.cine.rateText, style = MaterialTheme.typography.bodyMedium)
            }
        }
        if (showStrip && view.strip.size > 1) {
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                view.strip.forEach { s ->
                    FilterChip(
                        selected = s.selected,
                        onClick = { onEvent(ViewerEvent.SelectSeries(s.id)) },
                        label = { Text("${s.title} · ${s.count}", maxLines = 2, overflow = TextOverflow.Ellipsis) },
                        modifier = Modifier.testTag("viewer-series"),
                    )
                }
            }
        }
    }
}

