// The adapters of "request your images": the core's `RequestWizard` (a new request or a draft
// resumed) and `RequestsScreen` (the list), their blocking calls on the core's dispatcher. No
// rule here: steps, fields, refusals, due dates and what to do next are the core's.
package app.scanpass.android.screens.request

import app.scanpass.android.core.ScreenPresenter
import app.scanpass.ffi.LetterKind
import app.scanpass.ffi.RequestClock
import app.scanpass.ffi.RequestWizard
import app.scanpass.ffi.RequestsEvent
import app.scanpass.ffi.RequestsScreen
import app.scanpass.ffi.RequestsView
import app.scanpass.ffi.Vault
import app.scanpass.ffi.WizardEvent
import app.scanpass.ffi.WizardView

/** Where the request screens take today's date: the device's clock; tests set a fixed one. */
object RequestClocks {
    @Volatile var override: RequestClock? = null
    fun current(): RequestClock = override ?: RequestClock.system()
}

class WizardPresenter(
    vault: () -> Vault,
    locale: String,
    /** A draft to resume (an id), or null for a new request. */
    requestId: String?,
) : ScreenPresenter<RequestWizard, WizardView, WizardEvent>(
    make = {
        if (requestId != null) RequestWizard.resume(vault(), locale, RequestClocks.current(), requestId)
        else RequestWizard(vault(), locale, RequestClocks.current())
    },
    viewOf = { it.view() },
    handleOf = { w, e -> w.handle(e) },
) {
    /** The letter as PDF bytes, once finished. */
    suspend fun letter(): ByteArray? = call { it.letterPdf() }
}

class RequestsPresenter(vault: () -> Vault, locale: String) :
    ScreenPresenter<RequestsScreen, RequestsView, RequestsEvent>(
        make = { RequestsScreen(vault(), locale, RequestClocks.current()) },
        viewOf = { it.view() },
        handleOf = { s, e -> s.handle(e) },
    ) {
    /** The letter of request [id] as PDF bytes; the view after it (a letter saved may move the request on). */
    suspend fun letter(id: String, kind: LetterKind): ByteArray? =
        call { s -> s.letterPdf(id, kind) to s.view() }?.let { (bytes, v) -> view = v; bytes }
}
