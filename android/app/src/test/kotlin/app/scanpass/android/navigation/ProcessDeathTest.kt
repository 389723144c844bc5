// The system kills the app's process while the patient is on the viewer at a later slice, opened
// from a searched library: the saved state goes through a Parcel, the core's objects are dropped
// (the vault locked, as after a real restart), a new Activity shows the lock screen, and after the
// unlock it comes back to the same series at the same slice; back returns to the library. The
// saved state holds ids only: the search words (maybe a patient's name) are not in it. The same
// for appointment mode: after the restart and the unlock, the pinned study alone, the library
// still hidden.
//
// The flow screens the same way: import, share (the study's form), my shares, receive (the link
// typed, which carries the share's key, is not in the saved state: the field comes back empty),
// the requests list, settings, and the request wizard half filled in: the core keeps the draft,
// every answer and the step, in the vault (encrypted) and only its id is in the saved state; the
// wizard comes back at the same step with the answers, and the list holds that one draft.
package app.scanpass.android.navigation

import android.os.Bundle
import android.os.Parcel
import androidx.compose.ui.test.junit4.ComposeTestRule
import androidx.compose.ui.test.junit4.v2.createEmptyComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.scanpass.android.MainActivity
import app.scanpass.android.Samples
import app.scanpass.android.TestVault
import app.scanpass.android.deviceHasBiometrics
import app.scanpass.android.core.Session
import app.scanpass.android.screens.vaultDir
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.screens.viewer.scrollDown
import app.scanpass.android.textsOf
import app.scanpass.android.waitForTag
import app.scanpass.ffi.LibraryEvent
import app.scanpass.ffi.LibraryScreen
import app.scanpass.ffi.RequestClock
import app.scanpass.ffi.RequestWizard
import app.scanpass.ffi.RequestsScreen
import app.scanpass.ffi.WizardEvent
import app.scanpass.android.screens.request.RequestClocks
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import androidx.compose.ui.semantics.getOrNull
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.android.controller.ActivityController
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class ProcessDeathTest {
    @get:Rule val rule = createEmptyComposeRule()
    private lateinit var tv: TestVault

    @Before fun setUp() {
        Samples.require()
        tv = TestVault("SAG-anon", "pydicom/CT_small.dcm").chooseDeviceUnlock()
        deviceHasBiometrics()
        RequestClocks.override = RequestClock.fixed("2026-12-01")
        Session.install(tv.start, tv.vaultDir())
    }

    @After fun tearDown() {
        RequestClocks.override = null
        Session.install(null)
        if (::tv.isInitialized) tv.close()
    }

    /** Save, kill (the Activity, Compose state and the core's objects), restore through a Parcel. */
    private fun kill(first: ActivityController<MainActivity>, mustNotContain: String?, mustContain: String): Bundle =
        kill(first, listOfNotNull(mustNotContain), mustContain)

    private fun kill(first: ActivityController<MainActivity>, mustNotContain: List<String>, mustContain: String): Bundle {
        val saved = Bundle()
        first.saveInstanceState(saved)
        first.pause().stop().destroy()
        val parcel = Parcel.obtain()
        val restored = try {
            saved.writeToParcel(parcel, 0)
            parcel.setDataPosition(0)
            Bundle.CREATOR.createFromParcel(parcel).also { it.classLoader = MainActivity::class.java.classLoader }
        } finally {
            parcel.recycle()
        }
        val flat = StringBuilder()
        fun walk(v: Any?) {
            when (v) {
                is Bundle -> for (k in v.keySet()) { flat.append(k).append('\n'); @Suppress("DEPRECATION") walk(v.get(k)) }
                is Map<*, *> -> v.forEach { (k, x) -> walk(k); walk(x) }
                is Iterable<*> -> v.forEach { walk(it) }
                is Array<*> -> v.forEach { walk(it) }
                else -> flat.append(v).append('\n')
            }
        }
        walk(restored)
        assertTrue("\"$mustContain\" is in the saved state", flat.contains(mustContain))
        for (words in mustNotContain) assertFalse("\"$words\" is not in the saved state", flat.contains(words))
        Session.install(null)
        Session.install(tv.reopen(), tv.vaultDir())
        return restored
    }

    /** The restarted app shows the lock screen first; the device's key store (the patient chose it) unlocks it. */
    private fun ComposeTestRule.unlock() {
        waitForTag("start-device")
        assertTrue(onAllNodesWithTag("viewer-image").fetchSemanticsNodes().isEmpty())
        onNodeWithTag("start-device").performClick()
    }

    @Test
    fun theViewerComesBackAtTheSameSliceAfterTheProcessIsKilled() {
        val view = LibraryScreen(tv.vault, "en-US").use { it.view() }
        val sag = view.patients.flatMap { it.studies }.first { it.counts.contains("192") }
        val patient = view.patients.first { p -> p.studies.any { it.id == sag.id } }
        val query = patient.name
        val narrowed = LibraryScreen(tv.vault, "en-US").use { it.handle(LibraryEvent.Search(query)) }

        val first = Robolectric.buildActivity(MainActivity::class.java).setup()
        rule.waitForTag("study")
        rule.onNodeWithTag("library-search").performTextInput(query)
        rule.waitForTag("study", narrowed.patients.sumOf { it.studies.size })
        val index = narrowed.patients.flatMap { it.studies }.indexOfFirst { it.id == sag.id }
        rule.onAllNodesWithTag("study")[index].performClick()
        rule.waitForTag("viewer-pixels")
        rule.scrollDown()
        val slice = rule.textsOf("viewer-slice").single()
        assertTrue(slice, slice != "Slice 1 of 192")

        val restored = kill(first, mustNotContain = query, mustContain = sag.id)
        val second = Robolectric.buildActivity(MainActivity::class.java).setup(restored)
        rule.unlock()
        rule.waitForTag("viewer-pixels")
        rule.waitUntil(20_000) { rule.textsOf("viewer-slice") == listOf(slice) }
        rule.shoot("viewer-phone-light-restored")

        // system back: the library, whole again (the search was not kept)
        second.get().onBackPressedDispatcher.onBackPressed()
        rule.waitForTag("library-search")
        rule.waitForTag("study", view.patients.sumOf { it.studies.size })
        second.pause().stop().destroy()
    }

    @Test
    fun appointmentModeComesBackWithTheLibraryStillHidden() {
        val view = LibraryScreen(tv.vault, "en-US").use { it.view() }
        val studies = view.patients.flatMap { it.studies }
        val sag = studies.first { it.counts.contains("192") }

        val first = Robolectric.buildActivity(MainActivity::class.java).setup()
        rule.waitForTag("study", studies.size)
        rule.onAllNodesWithTag("study")[studies.indexOf(sag)].performClick()
        rule.waitForTag("viewer-pixels")
        rule.onNodeWithTag("viewer-appointment").performClick()
        rule.waitForTag("appointment-banner")

        val restored = kill(first, mustNotContain = null, mustContain = sag.id)
        val second = Robolectric.buildActivity(MainActivity::class.java).setup(restored)
        rule.unlock()
        rule.waitForTag("appointment-banner")
        rule.waitForTag("viewer-pixels")
        assertTrue(rule.onAllNodesWithTag("library-search").fetchSemanticsNodes().isEmpty())
        second.get().onBackPressedDispatcher.onBackPressed()
        rule.waitForIdle()
        rule.waitForTag("appointment-banner")
        assertTrue(rule.onAllNodesWithTag("library-search").fetchSemanticsNodes().isEmpty())
        assertEquals(
            android.view.WindowManager.LayoutParams.FLAG_SECURE,
            second.get().window.attributes.flags and android.view.WindowManager.LayoutParams.FLAG_SECURE,
        )
        second.pause().stop().destroy()
    }

    // --- the flow screens ---

    /**
     * [open] a flow screen in a first Activity (it shows [there]), kill the process (the saved
     * state must hold [key] and none of [secret]), start a second Activity from the saved state,
     * unlock: the same screen shows [there] again. Returns the second Activity.
     */
    private fun comesBack(
        name: String, key: String, there: String, secret: List<String> = emptyList(), open: () -> Unit,
    ): ActivityController<MainActivity> {
        val first = Robolectric.buildActivity(MainActivity::class.java).setup()
        rule.waitForTag("menu")
        open()
        rule.waitForTag(there)
        val restored = kill(first, secret, mustContain = key)
        val second = Robolectric.buildActivity(MainActivity::class.java).setup(restored)
        rule.unlock()
        rule.waitForTag(there)
        rule.shoot("$name-phone-light-restored")
        return second
    }

    private fun menu(entry: String) {
        rule.onNodeWithTag("menu").performClick()
        rule.onNodeWithTag(entry).performClick()
    }

    /** System back from the restored screen returns to the library. */
    private fun backToLibrary(second: ActivityController<MainActivity>) {
        second.get().onBackPressedDispatcher.onBackPressed()
        rule.waitForTag("library-search")
        second.pause().stop().destroy()
    }

    @Test
    fun importComesBack() = backToLibrary(comesBack("import", "import", "import-choice-folder") { menu("menu-import") })

    @Test
    fun mySharesComesBack() = backToLibrary(comesBack("my-shares", "my-shares", "shares-empty") { menu("menu-my-shares") })

    @Test
    fun requestsComesBack() = backToLibrary(comesBack("requests", "requests", "requests-new") { menu("menu-requests") })

    @Test
    fun settingsComesBack() = backToLibrary(comesBack("settings", "settings", "settings-relay") { menu("menu-settings") })

    @Test
    fun theShareFormComesBackForTheSameStudyWithoutThePatientsName() {
        val view = LibraryScreen(tv.vault, "en-US").use { it.view() }
        val studies = view.patients.flatMap { it.studies }
        val sag = studies.first { it.counts.contains("192") }
        val name = view.patients.first { p -> p.studies.any { it.id == sag.id } }.name
        val second = comesBack("share", "share/${sag.id}", "share-study", secret = listOf(name)) {
            rule.waitForTag("study", studies.size)
            rule.onAllNodesWithTag("study-share")[studies.indexOf(sag)].performClick()
        }
        backToLibrary(second)
    }

    @Test
    fun receiveComesBackWithoutTheLinkItsKeyStaysOut() {
        val key = "k" + "Q".repeat(42)
        val link = "https://view.scanpass.example/0.1.0/#127.0.0.1:8787/AbCdEfGh12345678/$key"
        val second = comesBack("receive", "receive", "receive-link", secret = listOf(key)) {
            menu("menu-receive")
            rule.waitForTag("receive-link")
            rule.onNodeWithTag("receive-link").performTextInput(link)
            rule.waitForIdle()
        }
        // the field is empty again: the link (and its key) was in memory only
        val field = rule.onAllNodesWithTag("receive-link").fetchSemanticsNodes().single()
        val text = field.config.getOrNull(androidx.compose.ui.semantics.SemanticsProperties.EditableText)?.text.orEmpty()
        assertEquals("", text)
        backToLibrary(second)
    }

    @Test
    fun theWizardComesBackAtTheSameStepWithTheAnswersFromTheVault() {
        val eu = TestVault().use { other ->
            RequestWizard(other.vault, "en-US", RequestClock.fixed("2026-12-01")).use { w ->
                w.view().fields.single { it.id == "jurisdiction" }.choices.single { it.code == "EU" }.label
            }
        }
        val provider = "Klinikum Beispiel"
        val email = "records@example.org"
        val first = Robolectric.buildActivity(MainActivity::class.java).setup()
        rule.waitForTag("menu")
        menu("menu-requests")
        rule.waitForTag("requests-new")
        rule.onNodeWithTag("requests-new").performClick()
        rule.waitForTag("field-jurisdiction")
        rule.onNode(hasTestTag("field-choice") and hasText(eu)).performClick()
        rule.waitForIdle()
        rule.onNodeWithTag("wizard-next").performClick()
        rule.waitForTag("field-provider.email")
        rule.onNodeWithTag("field-provider.email").performTextInput(email)
        rule.waitForIdle()
        rule.onNodeWithTag("field-provider.name").performTextInput(provider)
        rule.waitForIdle()
        // the draft the core stored: its id is what the saved state must name
        val drafts = RequestsScreen(tv.vault, "en-US", RequestClock.fixed("2026-12-01")).use { it.view().items }
        assertEquals(1, drafts.size)
        val draft = drafts.single().id
        rule.waitUntil(10_000) { editable("field-provider.name") == provider }

        val restored = kill(first, listOf(provider, email), mustContain = draft)
        val second = Robolectric.buildActivity(MainActivity::class.java).setup(restored)
        rule.unlock()
        rule.waitForTag("field-provider.name")
        rule.waitUntil(10_000) { editable("field-provider.name") == provider }
        assertEquals(email, editable("field-provider.email"))
        rule.shoot("request-wizard-phone-light-restored")
        // next goes on from there, on the same draft
        rule.onNodeWithTag("wizard-next").performClick()
        rule.waitForTag("field-patient.name")
        // back: the list, which holds that one draft (none left behind by the restart)
        rule.onNodeWithTag("back").performClick()
        rule.waitForTag("request", 1)
        assertEquals(listOf(draft), RequestsScreen(tv.vault, "en-US", RequestClock.fixed("2026-12-01")).use { s -> s.view().items.map { it.id } })
        second.pause().stop().destroy()
    }

    private fun editable(tag: String): String? = rule.onAllNodesWithTag(tag).fetchSemanticsNodes().singleOrNull()
        ?.config?.getOrNull(androidx.compose.ui.semantics.SemanticsProperties.EditableText)?.text
}
