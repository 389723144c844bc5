// The live scanner through the real Activity: "Scan a QR code" on the receive screen opens it and
// asks for the CAMERA permission then (at the time of use); refused, it shows the core's words
// (ReceiveScreenView.scanner.cameraRefused) with "Allow the camera", which asks again; granted,
// with a back camera (Robolectric's ShadowCameraManager), the scan screen: the camera's picture,
// the square to aim with and the core's hint. Robolectric has no camera and gives the TextureView
// no surface, so the picture is black here: the camera is never opened under these tests. With
// the permission and no camera, the core's "cannot be used" words and the still-photo button.
// Close goes back to the link field. Screenshots: scan-refused-*, scan-live-*, scan-no-camera-*.
package app.scanpass.android.screens.receive.scan

import android.Manifest
import android.app.Activity
import android.content.Intent
import android.content.pm.PackageManager
import android.hardware.camera2.CameraCharacteristics
import android.hardware.camera2.CameraManager
import androidx.compose.ui.test.junit4.v2.createAndroidComposeRule
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performClick
import app.scanpass.android.MainActivity
import app.scanpass.android.TestVault
import app.scanpass.android.assertEveryControlLabelled
import app.scanpass.android.screens.InstallTestVault
import app.scanpass.android.screens.start.shoot
import app.scanpass.android.texts
import app.scanpass.android.textsOf
import app.scanpass.android.waitForTag
import app.scanpass.ffi.QrScannerWords
import app.scanpass.ffi.ReceiveScreen
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.RobolectricTestRunner
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import org.robolectric.shadows.ShadowCameraCharacteristics

@RunWith(RobolectricTestRunner::class)
@Config(sdk = [35], qualifiers = "w360dp-h800dp-xhdpi")
@GraphicsMode(GraphicsMode.Mode.NATIVE)
class QrScanScreenTest {
    private val tv = lazy { TestVault() }
    @get:Rule(order = 0) val vault = InstallTestVault { tv.value }
    @get:Rule(order = 1) val rule = createAndroidComposeRule<MainActivity>()

    @After fun closeVault() { if (tv.isInitialized()) tv.value.close() }

    private fun words(locale: String = "en-US"): QrScannerWords = ReceiveScreen(tv.value.vault, locale).use { it.view().scanner }

    private fun openScanner() {
        rule.waitForTag("menu")
        rule.onNodeWithTag("menu").performClick()
        rule.onNodeWithTag("menu-receive").performClick()
        rule.waitForTag("receive-scan")
        rule.onNodeWithTag("receive-scan").performClick()
        rule.waitForTag("scan")
    }

    private fun addBackCamera() {
        val chars = ShadowCameraCharacteristics.newCameraCharacteristics()
        shadowOf(chars).set(CameraCharacteristics.LENS_FACING, CameraCharacteristics.LENS_FACING_BACK)
        shadowOf(rule.activity.getSystemService(CameraManager::class.java)).addCamera("0", chars)
    }

    /**
     * Answers the permission dialog the scanner opened, as the patient would: Android's
     * permission controller (an activity started for a result) returns the answer, and the
     * Activity hands it to the launcher the scanner registered.
     */
    private fun answer(granted: Boolean) {
        val shadow = shadowOf(rule.activity)
        val asked = shadow.lastRequestedPermission
        assertNotNull("the scanner asked for no permission", asked)
        assertEquals(listOf(Manifest.permission.CAMERA), asked!!.requestedPermissions.toList())
        val dialog = shadow.nextStartedActivityForResult
        assertEquals("android.content.pm.action.REQUEST_PERMISSIONS", dialog?.intent?.action)
        if (granted) shadowOf(rule.activity.application).grantPermissions(Manifest.permission.CAMERA)
        val result = Intent()
            .putExtra("android.content.pm.extra.REQUEST_PERMISSIONS_NAMES", arrayOf(Manifest.permission.CAMERA))
            .putExtra(
                "android.content.pm.extra.REQUEST_PERMISSIONS_RESULTS",
                intArrayOf(if (granted) PackageManager.PERMISSION_GRANTED else PackageManager.PERMISSION_DENIED),
            )
        rule.runOnUiThread { shadow.receiveResult(dialog!!.intent, Activity.RESULT_OK, result) }
    }

    @Test
    fun refusedTheScannerSaysSoInTheCoresWordsAndAsksAgain() {
        shadowOf(rule.activity.application).denyPermissions(Manifest.permission.CAMERA)
        addBackCamera()
        openScanner()
        // asked when the scanner opened, not before
        answer(granted = false)
        rule.waitForTag("scan-problem")
        val w = words()
        assertEquals(listOf(w.cameraRefused), rule.textsOf("scan-problem"))
        assertEquals(listOf(w.title), rule.textsOf("scan-title"))
        assertTrue(rule.onAllNodesWithTag("scan-preview").fetchSemanticsNodes().isEmpty())
        rule.assertEveryControlLabelled("the scanner, camera refused")
        rule.shoot("scan-refused-phone-light")

        // "Allow the camera" asks again (after a first refusal Android still shows its dialog, and
        // says so through shouldShowRequestPermissionRationale)
        shadowOf(rule.activity.packageManager).setShouldShowRequestPermissionRationale(Manifest.permission.CAMERA, true)
        shadowOf(rule.activity).lastRequestedPermission.let { before ->
            rule.onNodeWithTag("scan-allow").performClick()
            rule.waitForIdle()
            assertTrue(shadowOf(rule.activity).lastRequestedPermission !== before)
        }
        answer(granted = true)
        rule.waitForTag("scan-frame")
        assertEquals(listOf(w.hint), rule.textsOf("scan-hint"))

        // close: back to the link field
        rule.onNodeWithTag("scan-close").performClick()
        rule.waitForTag("receive-link")
    }

    @Test
    fun grantedTheScannerShowsTheCameraWithTheCoresHint() {
        shadowOf(rule.activity.application).grantPermissions(Manifest.permission.CAMERA)
        addBackCamera()
        openScanner()
        rule.waitForTag("scan-frame")
        // already granted: nothing was asked
        assertEquals(null, shadowOf(rule.activity).lastRequestedPermission)
        val w = words()
        assertEquals(listOf(w.title), rule.textsOf("scan-title"))
        assertEquals(listOf(w.hint), rule.textsOf("scan-hint"))
        assertEquals(1, rule.onAllNodesWithTag("scan-preview").fetchSemanticsNodes().size)
        assertTrue(rule.onAllNodesWithTag("scan-problem").fetchSemanticsNodes().isEmpty())
        rule.assertEveryControlLabelled("the scanner")
        // the camera's picture is black here: Robolectric has no camera and no TextureView surface
        rule.shoot("scan-live-phone-light")
        // system back closes the scanner
        rule.runOnUiThread { rule.activity.onBackPressedDispatcher.onBackPressed() }
        rule.waitForTag("receive-link")
    }

    @Test
    fun withoutACameraTheScannerOffersAPhotoInstead() {
        shadowOf(rule.activity.application).grantPermissions(Manifest.permission.CAMERA)
        openScanner()
        rule.waitForTag("scan-photo")
        val w = words()
        assertEquals(listOf(w.cameraUnavailable), rule.textsOf("scan-problem"))
        rule.assertEveryControlLabelled("the scanner, no camera")
        rule.shoot("scan-no-camera-phone-light")
    }

    @Test
    @Config(qualifiers = "fr-w360dp-h800dp-night-xhdpi")
    fun refusedInFrenchAndDark() {
        shadowOf(rule.activity.application).denyPermissions(Manifest.permission.CAMERA)
        addBackCamera()
        openScanner()
        answer(granted = false)
        rule.waitForTag("scan-problem")
        val w = words("fr-FR")
        assertEquals(listOf(w.cameraRefused), rule.textsOf("scan-problem"))
        assertEquals(listOf(w.allowLabel), rule.onAllNodesWithTag("scan-allow").texts())
        rule.shoot("scan-refused-phone-dark-fr")
        // refused and Android no longer shows its dialog: "Allow" opens the app's system settings
        rule.onNodeWithTag("scan-allow").performClick()
        rule.waitForIdle()
        val started = shadowOf(rule.activity).nextStartedActivity
        assertEquals(android.provider.Settings.ACTION_APPLICATION_DETAILS_SETTINGS, started?.action)
        assertEquals("package:" + rule.activity.packageName, started?.dataString)
    }
}
