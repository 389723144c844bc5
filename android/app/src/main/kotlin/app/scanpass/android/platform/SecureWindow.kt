// FLAG_SECURE on the Activity's window while a screen shows images (the viewer) or the core's
// appointment model says `blockScreenshots`: no screenshots, no screen recording, a blank
// thumbnail in the recent apps. Counted, so that nested screens (the viewer inside appointment
// mode) clear the flag only when the last one leaves.
package app.scanpass.android.platform

import android.app.Activity
import android.content.Context
import android.content.ContextWrapper
import android.view.Window
import android.view.WindowManager
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.ui.platform.LocalContext
import java.util.WeakHashMap

@Composable
fun SecureWindow(enabled: Boolean) {
    val activity = LocalContext.current.findActivity() ?: return
    DisposableEffect(activity, enabled) {
        if (!enabled) return@DisposableEffect onDispose {}
        val w = activity.window
        SecureFlag.acquire(w)
        onDispose { SecureFlag.release(w) }
    }
}

internal object SecureFlag {
    private val holders = WeakHashMap<Window, Int>()

    fun acquire(w: Window) {
        val n = (holders[w] ?: 0) + 1
        holders[w] = n
        if (n == 1) w.addFlags(WindowManager.LayoutParams.FLAG_SECURE)
    }

    fun release(w: Window) {
        val n = (holders[w] ?: 1) - 1
        if (n <= 0) {
            holders.remove(w)
            w.clearFlags(WindowManager.LayoutParams.FLAG_SECURE)
        } else {
            holders[w] = n
        }
    }
}

tailrec fun Context.findActivity(): Activity? = when (this) {
    is Activity -> this
    is ContextWrapper -> baseContext.findActivity()
    else -> null
}
