// The start screen (creating the vault) and the lock screen after a wrong passphrase, drawn by
// the real Activity from the core's StartView, at 360 x 800 dp and 800 x 1280 dp, light and
// dark, font scale 1 and 2. Written to $CARGO_TARGET_DIR/android-test/start-*.png.
package app.scanpass.android.screens.start

import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.test.captureToImage
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import app.scanpass.android.InstallStart
import app.scanpass.android.MainActivity
import app.scanpass.android.Samples
import app.scanpass.android.Shots
import app.scanpass.android.TestVault
import app.scanpass.android.emptyStart
import app.scanpass.android.waitForTag
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/** One locked vault for the lock screen's shots (each test gets a fresh start model over it). */
object LockedVault {
    val tv by lazy { TestVault() }
}

private const val PHONE = "w360dp-h800dp-xhdpi"
private const val PHONE_DARK = "w360dp-h800dp-night-xhdpi"
private const val TABLET = "w800dp-h1280dp-hdpi"
private const val TABLET_DARK = "w800dp-h1280dp-night-hdpi"

fun androidx.compose.ui.test.junit4.ComposeTestRule.shoot(name: String) {
    waitForIdle()
    val bmp = onRoot().captureToImage().asAndroidBitmap()
    Shots.assertNotBlank(bmp, name)
    Shots.save(bmp, name)
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class StartCreateScreenshotTest {
    @get:Rule(order = 0) val start = InstallStart { emptyStart().first }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    private fun shoot(name: String) {
        rule.waitForTag("start-confirm")
        rule.shoot(name)
    }

    @Test @Config(qualifiers = PHONE) fun phone_light() = shoot("start-create-phone-light")
    @Test @Config(qualifiers = PHONE_DARK) fun phone_dark() = shoot("start-create-phone-dark")
    @Test @Config(qualifiers = PHONE, fontScale = 2.0f) fun phone_light_font2() = shoot("start-create-phone-light-font2")
    @Test @Config(qualifiers = PHONE_DARK, fontScale = 2.0f) fun phone_dark_font2() = shoot("start-create-phone-dark-font2")
    @Test @Config(qualifiers = TABLET) fun tablet_light() = shoot("start-create-tablet-light")
    @Test @Config(qualifiers = TABLET_DARK) fun tablet_dark() = shoot("start-create-tablet-dark")
    @Test @Config(qualifiers = TABLET, fontScale = 2.0f) fun tablet_light_font2() = shoot("start-create-tablet-light-font2")
    @Test @Config(qualifiers = TABLET_DARK, fontScale = 2.0f) fun tablet_dark_font2() = shoot("start-create-tablet-dark-font2")

    /** A weak passphrase: the core's reason under the field. */
    @Test @Config(qualifiers = PHONE)
    fun phone_light_refused() {
        rule.waitForTag("start-confirm")
        rule.onNodeWithTag("start-passphrase").performTextInput("blue harbour")
        rule.onNodeWithTag("start-confirm").performTextInput("blue harbor")
        rule.onNodeWithTag("start-submit").performClick()
        rule.waitUntil(20_000) { rule.onAllNodes(androidx.compose.ui.test.hasText("too easy to guess", substring = true)).fetchSemanticsNodes().isNotEmpty() }
        rule.shoot("start-create-phone-light-refused")
    }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class StartLockedScreenshotTest {
    @get:Rule(order = 0) val start = InstallStart { Samples.require(); LockedVault.tv.lockedStart() }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    /** The lock screen after one wrong passphrase: the core's feedback and the tries left. */
    private fun shoot(name: String) {
        rule.waitForTag("start-submit")
        rule.onNodeWithTag("start-passphrase").performTextInput("wrong horse battery")
        rule.onNodeWithTag("start-submit").performClick()
        rule.waitForTag("start-feedback")
        rule.shoot(name)
    }

    @Test @Config(qualifiers = PHONE) fun phone_light() = shoot("start-locked-phone-light")
    @Test @Config(qualifiers = PHONE_DARK) fun phone_dark() = shoot("start-locked-phone-dark")
    @Test @Config(qualifiers = PHONE, fontScale = 2.0f) fun phone_light_font2() = shoot("start-locked-phone-light-font2")
    @Test @Config(qualifiers = PHONE_DARK, fontScale = 2.0f) fun phone_dark_font2() = shoot("start-locked-phone-dark-font2")
    @Test @Config(qualifiers = TABLET) fun tablet_light() = shoot("start-locked-tablet-light")
    @Test @Config(qualifiers = TABLET_DARK) fun tablet_dark() = shoot("start-locked-tablet-dark")
    @Test @Config(qualifiers = TABLET, fontScale = 2.0f) fun tablet_light_font2() = shoot("start-locked-tablet-light-font2")
    @Test @Config(qualifiers = TABLET_DARK, fontScale = 2.0f) fun tablet_dark_font2() = shoot("start-locked-tablet-dark-font2")
}
