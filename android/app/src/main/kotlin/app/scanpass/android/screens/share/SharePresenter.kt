// The share screen's adapter: holds the core's `ShareScreen` for one study, forwards the form's
// events, runs the upload off the main thread with the core's progress views as Compose state.
// No rule here: validation by field, the warning, progress and the link are the core's.
package app.scanpass.android.screens.share

import app.scanpass.android.core.ScreenPresenter
import app.scanpass.ffi.ShareScreen
import app.scanpass.ffi.ShareScreenEvent
import app.scanpass.ffi.ShareScreenView
import app.scanpass.ffi.ShareViewListener
import app.scanpass.ffi.Vault

class SharePresenter(
    vault: () -> Vault,
    locale: String,
    /** The relay shares go through (the settings' choice). Blocks. */
    relay: () -> String,
    studyId: String,
) : ScreenPresenter<ShareScreen, ShareScreenView, ShareScreenEvent>(
    make = { ShareScreen(vault(), locale, relay(), studyId, null) },
    viewOf = { it.view() },
    handleOf = { s, e -> s.handle(e) },
) {
    /** Share as the form says; a refused form comes back at once with its errors by field. */
    suspend fun share() = long { s, publish ->
        s.share(object : ShareViewListener { override fun onView(view: ShareScreenView) = publish(view) })
    }

    fun cancel() { screen?.cancel() }
}
