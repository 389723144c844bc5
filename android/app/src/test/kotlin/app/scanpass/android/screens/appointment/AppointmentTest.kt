// Appointment mode on the real Activity and the real core: entered from the viewer, it shows the
// one study with the core's banner, sets FLAG_SECURE, keeps the library hidden (system back does
// nothing) until the passphrase is given: a wrong one shows the core's words and the tries left,
// the right one ends the mode. Screenshots at 360 x 800 dp and 800 x 1280 dp, light and dark,
// font scale 1 and 2 (appointment-*.png), with the patient's name hidden in one.
package app.scanpass.android.screens.appointment

import android.view.WindowManager
import androidx.compose.ui.graphics.asAndroidBitmap
import androidx.compose.ui.test.captureToImage
import app.scanpass.android.Shots
import androidx.compose.ui.test.isDialog
import androidx.compose.ui.test.junit4.ComposeTestRule
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import app.scanpass.android.InstallVault
import app.scanpass.android.MainActivity
import app.scanpass.android.screens.receive.IncomingLink
import app.scanpass.android.PASSPHRASE
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.screens.viewer.ViewerVault
import app.scanpass.android.screens.viewer.openViewer
import app.scanpass.android.textsOf
import app.scanpass.android.waitForTag
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

private const val PHONE = "w360dp-h800dp-xhdpi"
private const val PHONE_DARK = "w360dp-h800dp-night-xhdpi"
private const val TABLET = "w800dp-h1280dp-hdpi"
private const val TABLET_DARK = "w800dp-h1280dp-night-hdpi"

fun ComposeTestRule.enterAppointment() {
    openViewer()
    onNodeWithTag("viewer-appointment").performClick()
    waitForTag("appointment-banner")
    waitForTag("viewer-pixels")
}

private fun ComposeTestRule.noLibrary() =
    onAllNodesWithTag("library-search").fetchSemanticsNodes().isEmpty() &&
        onAllNodesWithTag("viewer-back").fetchSemanticsNodes().isEmpty()

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35])
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class AppointmentScreenshotTest {
    @get:Rule(order = 0) val vault = InstallVault { ViewerVault.tv }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    private fun shoot(name: String) {
        rule.enterAppointment()
        rule.waitForTag("overlay-patient")
        rule.shoot(name)
    }

    @Test @Config(qualifiers = PHONE) fun phone_light() = shoot("appointment-phone-light")
    @Test @Config(qualifiers = PHONE_DARK) fun phone_dark() = shoot("appointment-phone-dark")
    @Test @Config(qualifiers = PHONE, fontScale = 2.0f) fun phone_light_font2() = shoot("appointment-phone-light-font2")
    @Test @Config(qualifiers = PHONE_DARK, fontScale = 2.0f) fun phone_dark_font2() = shoot("appointment-phone-dark-font2")
    @Test @Config(qualifiers = TABLET) fun tablet_light() = shoot("appointment-tablet-light")
    @Test @Config(qualifiers = TABLET_DARK) fun tablet_dark() = shoot("appointment-tablet-dark")
    @Test @Config(qualifiers = TABLET, fontScale = 2.0f) fun tablet_light_font2() = shoot("appointment-tablet-light-font2")
    @Test @Config(qualifiers = TABLET_DARK, fontScale = 2.0f) fun tablet_dark_font2() = shoot("appointment-tablet-dark-font2")

    /** The name hidden (the core's switch), then the leave prompt after a wrong passphrase. */
    @Test @Config(qualifiers = PHONE)
    fun phone_light_name_hidden_and_leave_prompt() {
        rule.enterAppointment()
        rule.waitForTag("overlay-patient")
        rule.onNodeWithTag("appointment-hide-name").performClick()
        rule.waitForTag("overlay-patient", 0)
        rule.shoot("appointment-phone-light-name-hidden")
        rule.onNodeWithTag("appointment-leave").performClick()
        rule.waitForTag("appointment-prompt")
        rule.onNodeWithTag("appointment-passphrase").performTextInput("wrong horse battery")
        rule.onNodeWithTag("appointment-confirm").performClick()
        rule.waitForTag("appointment-feedback")
        rule.waitForIdle()
        rule.shoot("appointment-phone-light-leave-prompt")
        // leave, so the next test starts with the mode off
        rule.onNodeWithTag("appointment-passphrase").performTextReplacement(PASSPHRASE)
        rule.onNodeWithTag("appointment-confirm").performClick()
        rule.waitForTag("viewer-back")
    }
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = PHONE)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class AppointmentInteractionTest {
    @get:Rule(order = 0) val vault = InstallVault { ViewerVault.tv }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @Test
    fun theLibraryStaysHiddenUntilTheUnlockAndTheWindowIsSecure() {
        val flags = { rule.activity.window.attributes.flags and WindowManager.LayoutParams.FLAG_SECURE }
        rule.enterAppointment()
        assertEquals(WindowManager.LayoutParams.FLAG_SECURE, flags())
        assertTrue(rule.noLibrary())
        rule.assertEveryControlLabelled("appointment mode")

        // system back: nothing moves
        rule.activity.onBackPressedDispatcher.onBackPressed()
        rule.waitForIdle()
        rule.waitForTag("appointment-banner")
        assertTrue(rule.noLibrary())

        // leave, asked for the passphrase; cancel keeps the mode on
        rule.onNodeWithTag("appointment-leave").performClick()
        rule.waitForTag("appointment-prompt")
        rule.assertEveryControlLabelled("appointment mode's passphrase prompt")
        rule.onNodeWithTag("appointment-cancel").performClick()
        rule.waitForTag("appointment-prompt", 0)
        assertTrue(rule.noLibrary())

        // a wrong passphrase: the core's words and the tries left; still on
        rule.onNodeWithTag("appointment-leave").performClick()
        rule.waitForTag("appointment-prompt")
        rule.onNodeWithTag("appointment-passphrase").performTextInput("wrong horse battery")
        rule.onNodeWithTag("appointment-confirm").performClick()
        rule.waitForTag("appointment-feedback")
        val said = rule.textsOf("appointment-feedback").single()
        assertTrue(said, said.contains("That passphrase is not the right one.") && said.contains("4 tries left"))
        assertTrue(rule.noLibrary())
        assertEquals(WindowManager.LayoutParams.FLAG_SECURE, flags())

        // the right one: the mode ends, back to the viewer, then the library
        rule.onNodeWithTag("appointment-passphrase").performTextReplacement(PASSPHRASE)
        rule.onNodeWithTag("appointment-confirm").performClick()
        rule.waitForTag("viewer-back")
        assertTrue(rule.onAllNodesWithTag("appointment-banner").fetchSemanticsNodes().isEmpty())
        rule.onNodeWithTag("viewer-back").performClick()
        rule.waitForTag("library-search")
        rule.waitForIdle()
        assertEquals(0, flags())
    }
    @Test
    fun anIncomingLinkWaitsUntilTheModeEnds() {
        rule.enterAppointment()
        // the core's appointment model says links may not open: the receive screen stays away
        IncomingLink.offer("https://relay.example.org/s/AbCdEfGh12345678#" + "A".repeat(43))
        rule.waitForIdle()
        rule.waitForTag("appointment-banner")
        assertTrue(rule.onAllNodesWithTag("receive-link").fetchSemanticsNodes().isEmpty())
        assertTrue(rule.noLibrary())
        // the owner's unlock ends the mode: now the link opens
        rule.onNodeWithTag("appointment-leave").performClick()
        rule.waitForTag("appointment-prompt")
        rule.onNodeWithTag("appointment-passphrase").performTextInput(PASSPHRASE)
        rule.onNodeWithTag("appointment-confirm").performClick()
        rule.waitForTag("receive-link")
    }
}
