// Fingerprint or face unlock on the real Activity and the real core: the settings switch the
// core's model gives (off, with its note, while the device has nothing enrolled), turned on
// through the prompt; the lock screen then offers the device's button, and the prompt's answer
// opens the vault or leaves the passphrase; turned off, the button goes. Appointment mode's
// AskBiometrics is answered by the prompt too. The wrapping key is a SOFTWARE STAND-IN (no
// AndroidKeyStore under Robolectric) and the finger a launcher answering through the real
// PromptCallback. Screenshots: settings-device-unlock-*.png, start-locked-device-*.png.
package app.scanpass.android.screens.settings

import android.os.Looper
import androidx.compose.ui.test.junit4.ComposeTestRule
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import org.robolectric.Shadows.shadowOf
import androidx.compose.ui.test.assert
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.assertIsOff
import androidx.compose.ui.test.assertIsOn
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.hasText
import app.scanpass.android.MainActivity
import app.scanpass.android.Samples
import app.scanpass.android.TestVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.core.Session
import app.scanpass.android.design.ScanpassTheme
import app.scanpass.android.deviceHasBiometrics
import app.scanpass.android.keystore.BiometricAuthorizer
import app.scanpass.android.keystore.BiometricHost
import app.scanpass.android.keystore.BoundStandInKeySource
import app.scanpass.android.keystore.FingerLauncher
import app.scanpass.android.keystore.PromptWords
import app.scanpass.android.keystore.WrappedKeyFiles
import app.scanpass.android.screens.appointment.enterAppointment
import app.scanpass.android.screens.start.StartGate
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.textsOf
import app.scanpass.android.waitForTag
import app.scanpass.ffi.StartEvent
import app.scanpass.ffi.deviceUnlockChosen
import androidx.activity.compose.setContent
import java.io.File
import java.nio.file.Files
import app.scanpass.android.PASSPHRASE
import app.scanpass.ffi.StartScreen
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode

/**
 * Waits as [waitForTag] does, running the main looper's queue meanwhile: the prompt is posted to
 * the main thread from the core's, which Compose's wait alone does not run under Robolectric.
 */
fun ComposeTestRule.waitDraining(timeoutMs: Long = 20_000, condition: () -> Boolean) =
    waitUntil(timeoutMs) { shadowOf(Looper.getMainLooper()).idle(); condition() }

fun ComposeTestRule.waitForTagDraining(tag: String, count: Int? = null) = waitDraining {
    val n = onAllNodesWithTag(tag, useUnmergedTree = true).fetchSemanticsNodes().size
    if (count == null) n > 0 else n == count
}

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class DeviceUnlockTest {
    private val finger = FingerLauncher()
    private val dir: File = Files.createTempDirectory("scanpass-device-unlock").toFile()
    private val path = File(dir, "vault").path
    private val keysDir = File(dir, "device-keys")
    // the app's device key store, the Keystore's key a SOFTWARE STAND-IN, its prompt the finger
    private val keys = WrappedKeyFiles(
        keysDir,
        BoundStandInKeySource(BiometricAuthorizer({ PromptWords("Confirm it's you", "Cancel") }, BiometricHost::activity, { finger })),
    )
    private lateinit var start: StartScreen
    private val vaultId get() = start.vault()!!.id()
    @get:Rule(order = 0) val install = object : org.junit.rules.ExternalResource() {
        override fun before() {
            // as the app makes it: the start model over the folder, with the device's key store
            start = StartScreen(path, keys, "en-US").also { it.handle(StartEvent.Create(PASSPHRASE, PASSPHRASE)) }
            Session.install(start, File(path), keys)
        }
        override fun after() {
            Session.install(null)
            start.close()
            dir.deleteRecursively()
        }
    }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    private fun showSettings() = rule.runOnUiThread { rule.activity.setContent { ScanpassTheme { SettingsRoute {} } } }

    private fun showStart() = rule.runOnUiThread { rule.activity.setContent { ScanpassTheme { StartGate { lock -> lock() } } } }

    private fun switchNode() = rule.onNodeWithTag("settings").performScrollToNode(hasTestTag("settings-device-unlock")).let { rule.onNodeWithTag("settings-device-unlock") }

    @Test
    fun nothingEnrolled_theSwitchIsOffAndSaysWhy() {
        deviceHasBiometrics(false)
        showSettings()
        rule.waitForTag("settings-device-unlock-note")
        switchNode().assertIsOff().assertIsNotEnabled()
        assertEquals(listOf("This phone cannot unlock Scanpass with a fingerprint or face."), rule.textsOf("settings-device-unlock-note"))
        rule.shoot("settings-device-unlock-unavailable-phone-light")
    }

    @Test
    fun turnedOnThroughThePrompt_theLockScreenOffersTheDeviceAndItOpens() {
        deviceHasBiometrics(true)
        showSettings()
        rule.waitForTag("settings-device-unlock")
        rule.waitForTag("settings-device-unlock-note", 0)
        rule.assertEveryControlLabelled("settings with the fingerprint or face switch")
        switchNode().assertIsOff().performClick()
        rule.waitDraining { deviceUnlockChosen(path) && File(keysDir, "$vaultId.key").exists() }
        assertEquals("storing the key asked the patient", 1, finger.shown.get())
        rule.waitForIdle()
        switchNode().assertIsOn()
        rule.shoot("settings-device-unlock-on-phone-light")

        // locked: the device's button, worded by the core
        start.handle(StartEvent.Lock)
        Session.install(start, File(path), keys)
        showStart()
        rule.waitForTag("start-device")
        rule.onNodeWithTag("start-device").assert(hasText("Unlock with fingerprint or face"))
        rule.assertEveryControlLabelled("the lock screen with the device's button")
        rule.shoot("start-locked-device-phone-light")

        // the patient cancels: still locked, the core's words
        finger.pass = false
        rule.onNodeWithTag("start-device").performClick()
        rule.waitForTagDraining("start-feedback")
        assertEquals("the prompt was shown", 2, finger.shown.get())
        assertTrue(rule.textsOf("start-feedback").joinToString().contains("Your fingerprint or face did not unlock Scanpass. Use your passphrase."))
        assertFalse(start.vault()!!.isUnlocked())
        // passes: open
        finger.pass = true
        rule.onNodeWithTag("start-device").performClick()
        // waited for on the screen, not by asking the start model: its calls wait while the core
        // holds it for the unlock, and the unlock waits for this (main) thread to show the prompt
        rule.waitForTagDraining("start-lock")
        assertTrue(start.vault()!!.isUnlocked())
        assertEquals(3, finger.shown.get())
    }

    @Test
    fun turnedOff_theKeyIsGoneAndSoIsTheButton() {
        deviceHasBiometrics(true)
        showSettings()
        rule.waitForTag("settings-device-unlock")
        switchNode().performClick()
        // on once the prompt passed and the core's call came back with its view
        rule.waitDraining { File(keysDir, "$vaultId.key").exists() && runCatching { switchNode().assertIsOn() }.isSuccess }
        switchNode().performClick()
        rule.waitDraining { !deviceUnlockChosen(path) }
        assertFalse("off: only the passphrase opens", File(keysDir, "$vaultId.key").exists())
        start.handle(StartEvent.Lock)
        Session.install(start, File(path), keys)
        showStart()
        rule.waitForTag("start-submit")
        rule.waitForIdle()
        assertTrue(rule.onAllNodesWithTag("start-device").fetchSemanticsNodes().isEmpty())
    }

    @Test
    fun aCancelledPromptLeavesItOffAndSaysSo() {
        deviceHasBiometrics(true)
        finger.pass = false
        showSettings()
        rule.waitForTag("settings-device-unlock")
        switchNode().performClick()
        rule.waitForTagDraining("settings-device-unlock-feedback")
        assertEquals(listOf("Fingerprint or face unlock was not turned on. You can try again."), rule.textsOf("settings-device-unlock-feedback"))
        switchNode().assertIsOff()
        assertFalse(deviceUnlockChosen(path))
        assertNull(File(keysDir, "$vaultId.key").takeIf { it.exists() })
    }
}

/** Appointment mode's leave check through the prompt (a vault with a study: the sample folder). */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class AppointmentBiometricsTest {
    private val tv = lazy { Samples.require(); TestVault("SAG-anon") }
    private val finger = FingerLauncher()
    @get:Rule(order = 0) val install = object : org.junit.rules.ExternalResource() {
        override fun before() {
            deviceHasBiometrics(true)
            val authorizer = BiometricAuthorizer({ PromptWords("Confirm it's you", "Cancel") }, BiometricHost::activity, { finger })
            // before the Activity there is no screen to ask on: turned on as if the prompt had passed
            var prompting = false
            val keys = WrappedKeyFiles(File(tv.value.dir, "device-keys"), BoundStandInKeySource { c -> if (prompting) authorizer(c) else c })
            app.scanpass.ffi.SettingsScreen.withDeviceUnlock(tv.value.path, "en-US", tv.value.vault, keys).use { s ->
                s.handle(app.scanpass.ffi.SettingsEvent.DeviceBiometrics(app.scanpass.ffi.Biometrics.READY))
                check(s.handle(app.scanpass.ffi.SettingsEvent.SetDeviceUnlock(true)).deviceUnlock?.on == true)
            }
            prompting = true
            Session.install(tv.value.start, File(tv.value.path), keys)
        }
        override fun after() {
            Session.install(null)
            if (tv.isInitialized()) tv.value.close()
        }
    }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @Test
    fun leavingAsksTheFingerprintOrFaceAndItsAnswerGoesToTheCore() {
        rule.enterAppointment()
        // cancelled: the core asks for the passphrase instead
        finger.pass = false
        rule.onNodeWithTag("appointment-leave").performClick()
        rule.waitForTagDraining("appointment-passphrase")
        assertTrue(rule.onAllNodesWithTag("appointment-banner").fetchSemanticsNodes().isNotEmpty())
        rule.onNodeWithTag("appointment-cancel").performClick()
        rule.waitForTagDraining("appointment-prompt", 0)
        // passed: the mode ends (the core checked the key the prompt released)
        finger.pass = true
        val before = finger.shown.get()
        rule.onNodeWithTag("appointment-leave").performClick()
        rule.waitForTagDraining("appointment-banner", 0)
        assertEquals("one prompt for the leave check", before + 1, finger.shown.get())
    }
}
