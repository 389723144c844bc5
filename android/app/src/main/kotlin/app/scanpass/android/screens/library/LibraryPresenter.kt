// The library screen's adapter: holds the core's `LibraryScreen` model, runs its blocking calls
// off the main thread, and exposes the latest `LibraryView` as Compose state. No rule here: what
// the list shows, how search matches and what the confirmation says are the core's.
package app.scanpass.android.screens.library

import app.scanpass.android.core.ScreenPresenter
import app.scanpass.android.core.vaultChanges
import app.scanpass.ffi.LibraryEvent
import app.scanpass.ffi.LibraryScreen
import app.scanpass.ffi.LibraryView
import app.scanpass.ffi.Vault

class LibraryPresenter(private val vault: () -> Vault, locale: String) :
    ScreenPresenter<LibraryScreen, LibraryView, LibraryEvent>(
        make = { LibraryScreen(vault(), locale) },
        viewOf = { it.view() },
        handleOf = { s, e -> s.handle(e) },
    ) {
    /**
     * Make the core's screen and bring it back to the saved [search] and [pendingDelete] (after a
     * configuration change or the system killing the process, only these ids were kept).
     */
    suspend fun start(search: String, pendingDelete: String?) = open { s ->
        var out = if (search.isNotEmpty()) s.handle(LibraryEvent.Search(search)) else s.view()
        if (pendingDelete != null) {
            // the study may be gone meanwhile: then there is nothing to confirm
            out = runCatching { s.handle(LibraryEvent.AskDelete(pendingDelete)) }.getOrDefault(out)
        }
        out
    }

    /** Ask the core for a new view when the vault's revision moved since the one drawn. Quick. */
    suspend fun refreshIfChanged() {
        val drawn = view?.revision ?: return
        call { s -> if (vault().revision() != drawn) s.view() else null }?.let { view = it }
    }

    /**
     * Keep the view up to date with the vault while collected: once for what changed before
     * (the screen was stopped), then at each change the core announces.
     */
    suspend fun follow() {
        refreshIfChanged()
        // locked meanwhile: the start model takes the screen away, nothing to follow
        val v = runCatching { vault() }.getOrNull() ?: return
        vaultChanges(v).collect { refreshIfChanged() }
    }
}
