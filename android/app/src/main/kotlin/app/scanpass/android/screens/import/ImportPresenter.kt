// The import screen's adapter: holds the core's `ImportScreen`, reads what the patient picked
// through the Storage Access Framework (DocumentReader) and hands it to the core's import, whose
// listener views (progress) become Compose state. No rule here: phases, counts, time left and
// the summary are the core's.
package app.scanpass.android.screens.import

import android.content.ContentResolver
import android.net.Uri
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import app.scanpass.android.core.ScreenPresenter
import app.scanpass.android.design.patientMessage
import app.scanpass.ffi.ImportScreen
import app.scanpass.ffi.ImportScreenEvent
import app.scanpass.ffi.ImportScreenView
import app.scanpass.ffi.ImportSource
import app.scanpass.ffi.ImportViewListener
import app.scanpass.ffi.Vault
import java.io.File
import java.util.UUID
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/** What the patient picked, as the pickers return it. */
sealed interface Picked {
    data class Tree(val uri: Uri) : Picked
    data class Documents(val uris: List<Uri>) : Picked
    data class Link(val url: String, val token: String?) : Picked
}

class ImportPresenter(
    vault: () -> Vault,
    locale: String,
    private val resolver: ContentResolver,
    private val stagingRoot: File,
) : ScreenPresenter<ImportScreen, ImportScreenView, ImportScreenEvent>(
    make = { ImportScreen(vault(), locale) },
    viewOf = { it.view() },
    handleOf = { s, e -> s.handle(e) },
) {
    /** True while the picked documents are copied, before the core's import reports progress. */
    var reading: Boolean by mutableStateOf(false)
        private set

    /** Reads [picked] and imports it; returns when the import is over (the view holds the summary). */
    suspend fun import(picked: Picked) {
        if (screen == null) return
        problem = null
        if (picked is Picked.Link) {
            val src = call { s -> s.linkSource(picked.url, picked.token?.ifBlank { null }) ?: s.view() } ?: return
            when (src) {
                is ImportSource -> run(listOf(src))
                is ImportScreenView -> view = src
            }
            return
        }
        val staging = File(stagingRoot, UUID.randomUUID().toString())
        try {
            reading = true
            val folder = withContext(Dispatchers.IO) {
                val r = DocumentReader(resolver, staging)
                when (picked) {
                    is Picked.Tree -> r.copyTree(picked.uri)
                    is Picked.Documents -> r.copyDocuments(picked.uris)
                    is Picked.Link -> error("unreachable")
                }
            }
            reading = false
            run(listOf(ImportSource.Path(folder.path)))
        } catch (e: Exception) {
            problem = patientMessage(e)
        } finally {
            reading = false
            withContext(Dispatchers.IO) { staging.deleteRecursively() }
        }
    }

    private suspend fun run(sources: List<ImportSource>) = long { s, publish ->
        s.start(sources, object : ImportViewListener { override fun onView(view: ImportScreenView) = publish(view) })
    }

    fun cancel() { screen?.cancel() }

    suspend fun dismiss() {
        problem = null
        send(ImportScreenEvent.DISMISS)
    }

    override fun close() {
        screen?.cancel()
        super.close()
    }
}
