// The full-screen QR scanner the receive screen opens for the core's ScanQr effect: the camera's
// picture with a square to aim with, the core's words (ReceiveScreenView.scanner), and close.
// The CAMERA permission is asked when the scanner opens (not at install or at start); refused,
// the screen says so in the core's words with "Allow the camera" (again, or the app's system
// settings once Android stops asking) and close. With the permission but no camera that opens,
// the system camera's single picture (the receive route's still-photo path) is offered instead.
package app.scanpass.android.screens.receive.scan

import android.Manifest
import android.app.Activity
import android.content.Context
import android.content.ContextWrapper
import android.content.Intent
import android.content.pm.PackageManager
import android.graphics.SurfaceTexture
import android.net.Uri
import android.provider.Settings
import android.view.TextureView
import androidx.activity.compose.BackHandler
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleEventObserver
import androidx.lifecycle.compose.LocalLifecycleOwner
import app.scanpass.ffi.QrScannerWords

/** What the scanner shows: the camera, or why not. */
enum class ScanState {
    /** Waiting for the patient's answer to the permission dialog. */
    Asking,
    /** The camera's picture, read frame by frame. */
    Live,
    /** The permission was refused. */
    Refused,
    /** The permission is there, but no camera opens. */
    Unavailable,
}

/**
 * The scanner: asks for the camera, shows its picture and hands the first QR code's text to
 * [onText] (on the main thread), which closes it. [onPhoto] starts the still-photo path.
 */
@Composable
fun QrScanRoute(words: QrScannerWords, onText: (String) -> Unit, onPhoto: () -> Unit, onClose: () -> Unit) {
    val context = LocalContext.current
    fun granted() = context.checkSelfPermission(Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED
    var permitted by remember { mutableStateOf(granted()) }
    var answered by rememberSaveable { mutableStateOf(false) }
    var cameraLost by remember { mutableStateOf(false) }
    val ask = rememberLauncherForActivityResult(remember { ActivityResultContracts.RequestPermission() }) { ok ->
        permitted = ok
        answered = true
    }
    // asked at the time of use: when the scanner opens, once
    LaunchedEffect(Unit) { if (!permitted && !answered) ask.launch(Manifest.permission.CAMERA) }
    // back from the system settings: the permission may have been given there
    val lifecycle = LocalLifecycleOwner.current.lifecycle
    DisposableEffect(lifecycle) {
        val o = LifecycleEventObserver { _, e -> if (e == Lifecycle.Event.ON_RESUME) permitted = granted() }
        lifecycle.addObserver(o)
        onDispose { lifecycle.removeObserver(o) }
    }
    val state = when {
        permitted && (cameraLost || !Camera2QrScanner.hasCamera(context)) -> ScanState.Unavailable
        permitted -> ScanState.Live
        answered -> ScanState.Refused
        else -> ScanState.Asking
    }
    BackHandler(onBack = onClose)
    QrScanContent(
        words = words,
        state = state,
        preview = { CameraPreview(onText = onText, onUnavailable = { cameraLost = true }) },
        onAllow = {
            val activity = context.findActivity()
            // Android stops showing the dialog after the second refusal: the app's settings then
            if (activity != null && !activity.shouldShowRequestPermissionRationale(Manifest.permission.CAMERA) && answered) {
                context.startActivity(
                    Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.fromParts("package", context.packageName, null))
                        .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK),
                )
            } else {
                ask.launch(Manifest.permission.CAMERA)
            }
        },
        onPhoto = onPhoto,
        onClose = onClose,
    )
}

private fun Context.findActivity(): Activity? = when (this) {
    is Activity -> this
    is ContextWrapper -> baseContext.findActivity()
    else -> null
}

/** The camera's picture on a TextureView; the camera opens when its surface is there and closes when the screen stops. */
@Composable
private fun CameraPreview(onText: (String) -> Unit, onUnavailable: () -> Unit) {
    val context = LocalContext.current
    val scanner = remember {
        Camera2QrScanner(context, QrFrameAnalyzer { text -> android.os.Handler(android.os.Looper.getMainLooper()).post { onText(text) } }, onUnavailable)
    }
    var view by remember { mutableStateOf<TextureView?>(null) }
    val lifecycle = LocalLifecycleOwner.current.lifecycle
    DisposableEffect(lifecycle, scanner) {
        val o = LifecycleEventObserver { _, e ->
            when (e) {
                Lifecycle.Event.ON_START -> view?.let { v -> v.surfaceTexture?.let { scanner.start(v, it) } }
                Lifecycle.Event.ON_STOP -> scanner.stop()
                else -> {}
            }
        }
        lifecycle.addObserver(o)
        onDispose { lifecycle.removeObserver(o); scanner.stop() }
    }
    AndroidView(
        factory = { ctx ->
            TextureView(ctx).apply {
                view = this
                surfaceTextureListener = object : TextureView.SurfaceTextureListener {
                    override fun onSurfaceTextureAvailable(st: SurfaceTexture, w: Int, h: Int) = scanner.start(this@apply, st)
                    override fun onSurfaceTextureSizeChanged(st: SurfaceTexture, w: Int, h: Int) = scanner.start(this@apply, st)
                    override fun onSurfaceTextureDestroyed(st: SurfaceTexture): Boolean { scanner.stop(); return true }
                    override fun onSurfaceTextureUpdated(st: SurfaceTexture) {}
                }
            }
        },
        modifier = Modifier.fillMaxSize().testTag("scan-preview"),
    )
}

/** Stateless: the scanner in [state], drawn with the core's [words]; [preview] draws the camera's picture. */
@Composable
fun QrScanContent(
    words: QrScannerWords,
    state: ScanState,
    preview: @Composable () -> Unit,
    onAllow: () -> Unit,
    onPhoto: () -> Unit,
    onClose: () -> Unit,
) {
    // black whatever the theme, as camera screens are: the words on it are white, on a dark
    // scrim where they lie over the camera's picture
    val scrim = Color.Black.copy(alpha = 0.6f)
    Box(Modifier.fillMaxSize().background(Color.Black).testTag("scan")) {
        if (state == ScanState.Live) {
            preview()
            // the square to aim with, centred, 70 % of the shorter side
            BoxWithConstraints(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
                val side = minOf(maxWidth, maxHeight) * 0.7f
                Box(Modifier.size(side).border(3.dp, Color.White, RoundedCornerShape(16.dp)).testTag("scan-frame"))
            }
        }
        Column(
            Modifier.fillMaxSize().safeDrawingPadding().padding(16.dp),
            horizontalAlignment = Alignment.CenterHorizontally,
            verticalArrangement = Arrangement.SpaceBetween,
        ) {
            Text(
                words.title,
                color = Color.White,
                fontSize = 22.sp,
                fontWeight = FontWeight.SemiBold,
                textAlign = TextAlign.Center,
                modifier = Modifier.background(scrim, RoundedCornerShape(8.dp)).padding(horizontal = 12.dp, vertical = 4.dp)
                    .semantics { heading() }.testTag("scan-title"),
            )
            val say = when (state) {
                ScanState.Refused -> words.cameraRefused
                ScanState.Unavailable -> words.cameraUnavailable
                else -> null
            }
            if (say != null) {
                Text(
                    say,
                    color = Color.White,
                    fontSize = 18.sp,
                    textAlign = TextAlign.Center,
                    modifier = Modifier.widthIn(max = 560.dp).testTag("scan-problem"),
                )
            }
            Column(horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(12.dp)) {
                if (state == ScanState.Live) {
                    Text(
                        words.hint, color = Color.White, fontSize = 16.sp, textAlign = TextAlign.Center,
                        modifier = Modifier.background(scrim, RoundedCornerShape(8.dp)).padding(horizontal = 12.dp, vertical = 4.dp).testTag("scan-hint"),
                    )
                }
                val white = ButtonDefaults.buttonColors(containerColor = Color.White, contentColor = Color.Black)
                if (state == ScanState.Refused) {
                    Button(onClick = onAllow, colors = white, modifier = Modifier.testTag("scan-allow")) { Text(words.allowLabel) }
                }
                if (state == ScanState.Unavailable) {
                    Button(onClick = onPhoto, colors = white, modifier = Modifier.testTag("scan-photo")) { Text(words.photoLabel) }
                }
                OutlinedButton(
                    onClick = onClose,
                    colors = ButtonDefaults.outlinedButtonColors(containerColor = scrim, contentColor = Color.White),
                    modifier = Modifier.testTag("scan-close"),
                ) { Text(words.closeLabel) }
            }
        }
    }
}
