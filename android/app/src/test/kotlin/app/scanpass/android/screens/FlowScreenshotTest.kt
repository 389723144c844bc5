// The import, share (form, link, full-screen QR), my shares, receive, request wizard (with a
// field error), requests and settings screens, each drawn from a view the real core made over a
// vault of real DICOM (the share made through a real relay on loopback), captured at 360 x 800 dp
// and 800 x 1280 dp, light and dark, font scale 1 and 2: $CARGO_TARGET_DIR/android-test/<screen>-*.png.
// At each phone-light capture, every clickable control must have a label.
package app.scanpass.android.screens

import app.scanpass.android.assertEveryControlLabelled
import androidx.activity.compose.setContent
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.isDialog
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onRoot
import app.scanpass.android.MainActivity
import app.scanpass.android.Shots
import app.scanpass.android.TestVault
import app.scanpass.android.design.ScanpassTheme
import app.scanpass.android.screens.import.ImportContent
import app.scanpass.android.screens.receive.ReceiveContent
import app.scanpass.android.screens.request.RequestsContent
import app.scanpass.android.screens.request.WizardContent
import app.scanpass.android.screens.settings.SettingsContent
import app.scanpass.android.screens.share.QrFullScreen
import app.scanpass.android.screens.share.ShareContent
import app.scanpass.android.screens.share.mine.MySharesContent
import app.scanpass.ffi.ImportScreen
import app.scanpass.ffi.MySharesScreen
import app.scanpass.ffi.ReceiveScreen
import app.scanpass.ffi.ReceiveScreenEvent
import app.scanpass.ffi.RequestClock
import app.scanpass.ffi.RequestWizard
import app.scanpass.ffi.RequestsScreen
import app.scanpass.ffi.SettingsScreen
import app.scanpass.ffi.ShareScreen
import app.scanpass.ffi.ShareScreenEvent
import app.scanpass.ffi.WizardEvent
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/** The views, made once by the real core (the share through the test relay). */
object FlowViews {
    private const val LOCALE = "en-US"
    val tv by lazy { TestVault("pydicom/CT_small.dcm", "pydicom/MR_small.dcm").also { useTestRelay(it) } }
    private val studyId by lazy { tv.vault.studies().first().id }
    val import by lazy { ImportScreen(tv.vault, LOCALE).use { it.view() } }
    val shareForm by lazy { ShareScreen(tv.vault, LOCALE, TestRelay.url, studyId, null).use { it.view() } }
    val shareDone by lazy {
        ShareScreen(tv.vault, LOCALE, TestRelay.url, studyId, null).use { s ->
            s.handle(ShareScreenEvent.UsePasscode(true))
            s.handle(ShareScreenEvent.UseSuggestedPasscode)
            s.share(null).also { assertNotNull("the share made no link: ${it.error} ${it.form.errors}", it.result) }
        }
    }
    val myShares by lazy { shareDone; MySharesScreen(tv.vault, LOCALE).use { it.view() } }
    val receive by lazy {
        val other = TestVault()
        ReceiveScreen(other.vault, LOCALE).use { it.handle(ReceiveScreenEvent.SetLink(shareDone.result!!.link)) }
    }
    private val clock by lazy { RequestClock.fixed("2026-12-01") }
    val wizardError by lazy {
        RequestWizard(tv.vault, LOCALE, clock).use { w ->
            w.handle(WizardEvent.Choose("jurisdiction", "EU"))
            w.handle(WizardEvent.Next)
            w.handle(WizardEvent.SetText("provider.email", "records@example.org"))
            w.handle(WizardEvent.Next).also { v ->
                assertTrue("the wizard should refuse: ${v.step}", v.fields.any { it.error != null } || v.errors.isNotEmpty())
            }
        }
    }
    val requests by lazy { wizardError; RequestsScreen(tv.vault, LOCALE, clock).use { it.view() } }
    val settings by lazy { tv; SettingsScreen(tv.vaultDir().path, LOCALE).use { it.view() } }
}

private const val PHONE = "w360dp-h800dp-xhdpi"
private const val PHONE_DARK = "w360dp-h800dp-night-xhdpi"
private const val TABLET = "w800dp-h1280dp-hdpi"
private const val TABLET_DARK = "w800dp-h1280dp-night-hdpi"

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class FlowScreenshotTest {
    @get:Rule(order = 0) val vault = InstallTestVault { FlowViews.tv }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    private val screens = listOf("import", "share", "share-link", "my-shares", "receive", "request-wizard-error", "requests", "settings")

    private fun shoot(suffix: String, checkLabels: Boolean = false) {
        // the views first (the core, and the relay for the share), off the UI
        val v = FlowViews
        listOf(v.import, v.shareForm, v.shareDone, v.myShares, v.receive, v.wizardError, v.requests, v.settings)
        var which by mutableStateOf(screens[0])
        rule.runOnUiThread {
            rule.activity.setContent {
                ScanpassTheme {
                    when (which) {
                        "import" -> ImportContent(v.import, false, null, {}, { _, _ -> }, {}, {}, {})
                        "share" -> ShareContent(v.shareForm, null, {}, {}, {}, {}, {})
                        "share-link" -> ShareContent(v.shareDone, null, {}, {}, {}, {}, {})
                        "my-shares" -> MySharesContent(v.myShares, null, {}, {}, {})
                        "receive" -> ReceiveContent(v.receive, v.receive.link, "", null, {}, {}, {}, {}, {}, {}, {})
                        "request-wizard-error" -> WizardContent(v.wizardError, null, {}, {}, {})
                        "requests" -> RequestsContent(v.requests, null, { _, _ -> }, { _, _ -> }, {}, {})
                        "settings" -> SettingsContent(v.settings, null, {}, {})
                    }
                }
            }
        }
        for (s in screens) {
            rule.runOnUiThread { which = s }
            rule.waitForIdle()
            val name = "$s-$suffix"
            val bmp = rule.onRoot().captureToImage().asAndroidBitmap()
            Shots.assertNotBlank(bmp, name)
            Shots.save(bmp, name)
            if (checkLabels) rule.assertEveryControlLabelled(s)
        }
    }

    @Test @Config(qualifiers = PHONE) fun phone_light() = shoot("phone-light", checkLabels = true)
    @Test @Config(qualifiers = PHONE_DARK) fun phone_dark() = shoot("phone-dark")
    @Test @Config(qualifiers = PHONE, fontScale = 2.0f) fun phone_light_font2() = shoot("phone-light-font2")
    @Test @Config(qualifiers = PHONE_DARK, fontScale = 2.0f) fun phone_dark_font2() = shoot("phone-dark-font2")
    @Test @Config(qualifiers = TABLET) fun tablet_light() = shoot("tablet-light")
    @Test @Config(qualifiers = TABLET_DARK) fun tablet_dark() = shoot("tablet-dark")
    @Test @Config(qualifiers = TABLET, fontScale = 2.0f) fun tablet_light_font2() = shoot("tablet-light-font2")
    @Test @Config(qualifiers = TABLET_DARK, fontScale = 2.0f) fun tablet_dark_font2() = shoot("tablet-dark-font2")

    /** The link's QR code full screen (a dialog of its own). */
    @Test @Config(qualifiers = PHONE)
    fun qr_full_screen() {
        val link = FlowViews.shareDone.result!!.link
        rule.runOnUiThread { rule.activity.setContent { ScanpassTheme { QrFullScreen(link, "QR code of the share link") {} } } }
        rule.waitUntil(20_000) { rule.onAllNodes(isDialog()).fetchSemanticsNodes().isNotEmpty() }
        rule.waitForIdle()
        val bmp = rule.onAllNodes(isDialog())[0].captureToImage().asAndroidBitmap()
        Shots.assertNotBlank(bmp, "share-qr-full-phone-light")
        Shots.save(bmp, "share-qr-full-phone-light")
    }
}
