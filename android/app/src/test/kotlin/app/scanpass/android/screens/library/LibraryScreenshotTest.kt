// The library screen drawn by the real Activity from the core's model over a vault of real DICOM,
// captured at a phone size (360 x 800 dp) and a tablet size (800 x 1280 dp), light and dark, at
// font scale 1 and 2. Written to $CARGO_TARGET_DIR/android-test/library-*.png.
package app.scanpass.android.screens.library

import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.isDialog
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.onNodeWithTag
import app.scanpass.android.InstallVault
import app.scanpass.android.MainActivity
import app.scanpass.android.Shots
import app.scanpass.android.TestVault
import app.scanpass.android.waitForTag
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/** One vault for the screenshots (read only): a whole MR series plus two single-file studies. */
object LibraryVault {
    val tv by lazy { TestVault("SAG-anon", "pydicom/CT_small.dcm", "pydicom/MR_small.dcm") }
}

private const val PHONE = "w360dp-h800dp-xhdpi"
private const val PHONE_DARK = "w360dp-h800dp-night-xhdpi"
private const val TABLET = "w800dp-h1280dp-hdpi"
private const val TABLET_DARK = "w800dp-h1280dp-night-hdpi"

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class LibraryScreenshotTest {
    @get:Rule(order = 0) val vault = InstallVault { LibraryVault.tv }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    private fun shoot(name: String) {
        rule.waitForTag("study")
        rule.waitForIdle()
        val bmp = rule.onRoot().captureToImage().asAndroidBitmap()
        Shots.assertNotBlank(bmp, name)
        Shots.save(bmp, name)
    }

    @Test @Config(qualifiers = PHONE) fun phone_light() = shoot("library-phone-light")
    @Test @Config(qualifiers = PHONE_DARK) fun phone_dark() = shoot("library-phone-dark")
    @Test @Config(qualifiers = PHONE, fontScale = 2.0f) fun phone_light_font2() = shoot("library-phone-light-font2")
    @Test @Config(qualifiers = PHONE_DARK, fontScale = 2.0f) fun phone_dark_font2() = shoot("library-phone-dark-font2")
    @Test @Config(qualifiers = TABLET) fun tablet_light() = shoot("library-tablet-light")
    @Test @Config(qualifiers = TABLET_DARK) fun tablet_dark() = shoot("library-tablet-dark")
    @Test @Config(qualifiers = TABLET, fontScale = 2.0f) fun tablet_light_font2() = shoot("library-tablet-light-font2")
    @Test @Config(qualifiers = TABLET_DARK, fontScale = 2.0f) fun tablet_dark_font2() = shoot("library-tablet-dark-font2")

    @Test @Config(qualifiers = PHONE)
    fun phone_no_match() {
        rule.waitForTag("study")
        rule.onNodeWithTag("library-search").performTextInput("zzzz")
        rule.waitForTag("library-empty")
        rule.waitForIdle()
        Shots.save(rule.onRoot().captureToImage().asAndroidBitmap(), "library-phone-light-no-match")
    }

    private fun shootDialog(name: String) {
        rule.waitForTag("study")
        rule.onAllNodesWithTag("study-delete")[0].performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(isDialog()).fetchSemanticsNodes().isNotEmpty() }
        rule.waitForIdle()
        val bmp = rule.onAllNodes(isDialog())[0].captureToImage().asAndroidBitmap()
        Shots.assertNotBlank(bmp, name)
        Shots.save(bmp, name)
        // leave the vault as it was: cancel
        rule.onNodeWithTag("cancel").performClick()
    }

    @Test @Config(qualifiers = PHONE) fun phone_light_delete_dialog() = shootDialog("library-phone-light-delete-dialog")
    @Test @Config(qualifiers = PHONE_DARK, fontScale = 2.0f) fun phone_dark_font2_delete_dialog() = shootDialog("library-phone-dark-font2-delete-dialog")
}

/** The empty library: the core's empty text, nothing else. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = PHONE)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class LibraryEmptyScreenshotTest {
    private val empty = lazy { TestVault() }
    @get:Rule(order = 0) val vault = InstallVault { empty.value }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @Test
    fun phone_light_empty() {
        rule.waitForTag("library-empty")
        rule.waitForIdle()
        val bmp = rule.onRoot().captureToImage().asAndroidBitmap()
        Shots.assertNotBlank(bmp, "library-phone-light-empty")
        Shots.save(bmp, "library-phone-light-empty")
        empty.value.close()
    }
}
